/* wc_basin_open.c — built-in basins from their geography, or basin files. */
#include "wc_basin_open.h"

#include <stdio.h>
#include <string.h>

#include "wc_basin_file.h"
#include "wc_builtin_basin.h"
#include "wc_data_path.h"
#include "wc_geo.h"
#include "wc_scenario_load.h"

int wc_basin_is_builtin_name(const char *name) {
  return strcmp(name, "chaobai") == 0 || strcmp(name, "yongding") == 0;
}

wc_status wc_basin_open_builtin(const char *name, double cell_size_m, double channel_threshold_km2,
                                wc_basin **basin) {
  *basin = NULL;
  char relative[64], path[4096];
  snprintf(relative, sizeof relative, "basins/%s.geo", name);
  WC_CALL(wc_data_path_find(relative, path, sizeof path));
  wc_geo_basin *geo = NULL;
  WC_CALL(wc_geo_basin_read(path, &geo));
  wc_builtin_options options = {.cell_size_m = cell_size_m, .channel_threshold_km2 = channel_threshold_km2};
  wc_status status = wc_builtin_basin_make(geo, &options, basin);
  wc_geo_basin_destroy(&geo);
  return status;
}

wc_status wc_basin_open(const char *what, double cell_size_m, double channel_threshold_km2, wc_basin **basin) {
  if (wc_basin_is_builtin_name(what)) return wc_basin_open_builtin(what, cell_size_m, channel_threshold_km2, basin);
  return wc_basin_file_read(what, basin);
}

wc_status wc_basin_open_for_scenario(const wc_scenario_basin *spec, wc_basin **basin) {
  if (spec->file) return wc_basin_file_read(spec->file, basin);
  return wc_basin_open_builtin(wc_builtin_basin_name(spec->builtin), spec->cell_size_m, spec->channel_threshold_km2,
                               basin);
}
