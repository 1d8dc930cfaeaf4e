/*
 * wc_builtin_names.c — the jurisdictions of the built-in basins, known before building one.
 *
 * A scenario naming a jurisdiction is checked when it is loaded, with the file position of
 * the name, and a built-in basin is only built afterwards. These lists repeat the `name=`
 * of each `jurisdiction` line of scenarios/basins/NAME.geo, in file order; test_builtin
 * fails when the two differ.
 */
#include <string.h>

#include "wc_builtin_basin.h"

static const char *const chaobai_names[] = {
    "Hebei Province",  "Beijing Municipality", "Zhangjiakou",     "Chengde",
    "Guyuan County",   "Chicheng County",      "Fengning Manchu Autonomous County",
    "Luanping County", "Xinglong County",      "Yanqing District", "Huairou District",
    "Miyun District",
};

static const char *const yongding_names[] = {
    "Shanxi Province",
    "Inner Mongolia Autonomous Region",
    "Hebei Province",
    "Beijing Municipality",
    "Tianjin Municipality",
    "Xinzhou",
    "Shuozhou (Shuocheng, Pinglu, Shanyin, Yingxian, Huairen; one tile)",
    "Datong (city, Yunzhou, Zuoyun, Yanggao, Tianzhen, Hunyuan, Guangling; one tile)",
    "Ulanqab (Xinghe, Fengzhen, Qahar Right Front; one tile)",
    "Zhangjiakou",
    "Langfang (Anci, Gu'an, Yongqing; one tile)",
    "Ningwu County",
    "Shangyi County",
    "Huai'an County",
    "Zhangjiakou city districts with Wanquan and Chongli (one tile)",
    "Xuanhua and Xiahuayuan districts",
    "Huailai County",
    "Zhuolu County",
    "Yangyuan County",
    "Yu County (Yuxian)",
    "Yanqing District",
    "Mentougou District",
    "Fengtai and Shijingshan districts (with the Fangshan bank)",
    "Daxing District",
    "Wuqing District",
    "Beichen District",
};

const char *const *wc_builtin_jurisdiction_names(const char *basin_name, int *count) {
  *count = 0;
  if (basin_name && strcmp(basin_name, "chaobai") == 0) {
    *count = (int)(sizeof chaobai_names / sizeof chaobai_names[0]);
    return chaobai_names;
  }
  if (basin_name && strcmp(basin_name, "yongding") == 0) {
    *count = (int)(sizeof yongding_names / sizeof yongding_names[0]);
    return yongding_names;
  }
  return NULL;
}
