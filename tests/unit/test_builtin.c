/* test_builtin.c — the built-in basins against the published figures (../shared/DOMAIN.md):
 * drainage areas within 10% at 1 km and 500 m, everything draining to one outlet, rivers
 * followed by the synthesized drainage, sections between the right jurisdictions. */
#include <math.h>
#include <string.h>

#include "wc_basin.h"
#include "wc_basin_summary.h"
#include "wc_builtin_basin.h"
#include "wc_geo.h"
#include "wc_polygon.h"
#include "wc_test.h"

static wc_basin *make(const char *name, double cell_size_m, wc_geo_basin **geo_out) {
  char relative[64];
  snprintf(relative, sizeof relative, "scenarios/basins/%s.geo", name);
  wc_geo_basin *geo = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_geo_basin_read(wc_test_source_path(relative), &geo), WC_OK);
  wc_builtin_options options = {.cell_size_m = cell_size_m, .channel_threshold_km2 = 10.0};
  wc_basin *basin = NULL;
  wc_status status = wc_builtin_basin_make(geo, &options, &basin);
  if (status != WC_OK) fprintf(stderr, "%s\n", wc_error_message());
  CU_ASSERT_EQUAL_FATAL(status, WC_OK);
  *geo_out = geo;
  return basin;
}

static double reservoir_area_km2(const wc_basin *basin, const char *prefix) {
  for (int32_t r = 0; r < basin->n_reservoirs; ++r)
    if (strncmp(basin->reservoirs[r].name, prefix, strlen(prefix)) == 0)
      return basin->flow_accumulation_km2[basin->reservoirs[r].row * basin->grid.cols + basin->reservoirs[r].col];
  return NAN;
}

static const char *province_of(const wc_basin *basin, int32_t id) {
  for (int guard = 0; guard < 4 && id >= 0; ++guard) {
    int32_t index = wc_basin_find_jurisdiction(basin, id);
    if (index < 0) return NULL;
    if (basin->jurisdictions[index].level == WC_JURISDICTION_PROVINCE) return basin->jurisdictions[index].name;
    id = basin->jurisdictions[index].parent_id;
  }
  return NULL;
}

/* Share of the cells on the rasterized river polylines that the synthesized drainage marks
 * as channel: the terrain follows the real rivers. */
static double river_channel_share(const wc_basin *basin, const wc_geo_basin *geo) {
  wc_geo_grid grid = {basin->grid.rows, basin->grid.cols, basin->grid.x_left_m, basin->grid.y_top_m,
                      basin->grid.cell_size_m};
  int64_t on_river = 0, channel = 0;
  for (size_t r = 0; r < geo->river_count; ++r) {
    int32_t *cells = NULL, count = 0;
    const wc_geo_path *path = &geo->rivers[r].path;
    if (wc_polyline_rasterize(&grid, path->x_m, path->y_m, path->count, &cells, &count) != WC_OK) continue;
    /* Skip the first 5 km of each river: headwaters drain less than the threshold. */
    for (int32_t k = (int32_t)(5000.0 / basin->grid.cell_size_m); k < count; ++k, ++on_river)
      channel += basin->channel[cells[k]] != 0;
    free(cells);
  }
  return on_river ? (double)channel / (double)on_river : 0.0;
}

static void check_common(const wc_basin *basin, const wc_geo_basin *geo) {
  CU_ASSERT_EQUAL(basin->graph->n_outlets, 1);
  CU_ASSERT_EQUAL(wc_basin_check(basin), WC_OK);
  double share = river_channel_share(basin, geo);
  if (share < 0.9) fprintf(stderr, "only %.1f%% of river cells are channels\n", 100 * share);
  CU_ASSERT(share >= 0.9);
  /* Each border section: its upstream side in one province, downstream in another (or,
   * for an assessment section inside the upstream side, upstream named). */
  for (int32_t s = 0; s < basin->n_sections; ++s) {
    const wc_section *section = &basin->sections[s];
    CU_ASSERT(section->row >= 0 && section->upstream_jurisdiction >= 0);
    CU_ASSERT(basin->channel[section->row * basin->grid.cols + section->col]);
  }
}

static void chaobai_areas_and_sections(void) {
  const double cell_sizes[] = {1000.0, 500.0};
  for (int k = 0; k < 2; ++k) {
    wc_geo_basin *geo = NULL;
    wc_basin *basin = make("chaobai", cell_sizes[k], &geo);
    double miyun = reservoir_area_km2(basin, "Miyun");
    fprintf(stderr, "chaobai %g m: Miyun drains %.0f km2 (published 15788)\n", cell_sizes[k], miyun);
    CU_ASSERT(fabs(miyun / 15788.0 - 1.0) <= 0.10);
    check_common(basin, geo);
    /* Every Chaobai border section runs from Hebei into Beijing. */
    for (int32_t s = 0; s < basin->n_sections; ++s) {
      const char *up = province_of(basin, basin->sections[s].upstream_jurisdiction);
      const char *down = province_of(basin, basin->sections[s].downstream_jurisdiction);
      CU_ASSERT_PTR_NOT_NULL_FATAL(up);
      CU_ASSERT_PTR_NOT_NULL_FATAL(down);
      CU_ASSERT_PTR_NOT_NULL(strstr(up, "Hebei"));
      CU_ASSERT_PTR_NOT_NULL(strstr(down, "Beijing"));
    }
    CU_ASSERT_EQUAL(basin->n_sections, 5); /* Chao, Bai, Hei, Tang, Qingshui */
    wc_basin_destroy(&basin);
    wc_geo_basin_destroy(&geo);
  }
}

static void yongding_areas_and_sections(void) {
  const double cell_sizes[] = {1000.0, 500.0};
  for (int k = 0; k < 2; ++k) {
    wc_geo_basin *geo = NULL;
    wc_basin *basin = make("yongding", cell_sizes[k], &geo);
    double guanting = reservoir_area_km2(basin, "Guanting");
    fprintf(stderr, "yongding %g m: Guanting drains %.0f km2 (published 43402 controlled, 47016 system)\n",
            cell_sizes[k], guanting);
    /* Within 10% of both published figures. */
    CU_ASSERT(fabs(guanting / 43402.0 - 1.0) <= 0.10);
    CU_ASSERT(fabs(guanting / 47016.0 - 1.0) <= 0.10);
    check_common(basin, geo);
    /* The lower Yongding leaves Beijing for Hebei at Cuizhihuiying, then Hebei for Tianjin;
     * above Guanting, Hebei delivers to Beijing at Bahaoqiao. */
    const struct {
      const char *name, *up, *down;
    } expected[] = {{"Cuizhihuiying", "Beijing", "Hebei"}, {"Tianjin", "Hebei", "Tianjin"}, {"Bahaoqiao", "Hebei", "Beijing"}};
    for (int e = 0; e < 3; ++e) {
      int found = 0;
      for (int32_t s = 0; s < basin->n_sections; ++s) {
        if (!strstr(basin->sections[s].name, expected[e].name)) continue;
        const char *up = province_of(basin, basin->sections[s].upstream_jurisdiction);
        const char *down = province_of(basin, basin->sections[s].downstream_jurisdiction);
        found = up && down && strstr(up, expected[e].up) && strstr(down, expected[e].down);
      }
      if (!found) fprintf(stderr, "section %s is not %s -> %s\n", expected[e].name, expected[e].up, expected[e].down);
      CU_ASSERT(found);
    }
    wc_basin_destroy(&basin);
    wc_geo_basin_destroy(&geo);
  }
}

static void cell_size_out_of_range_is_an_error(void) {
  wc_geo_basin *geo = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_geo_basin_read(wc_test_source_path("scenarios/basins/chaobai.geo"), &geo), WC_OK);
  wc_builtin_options options = {.cell_size_m = 100.0, .channel_threshold_km2 = 10.0};
  wc_basin *basin = NULL;
  CU_ASSERT_EQUAL(wc_builtin_basin_make(geo, &options, &basin), WC_ERR_INPUT);
  CU_ASSERT_PTR_NULL(basin);
  CU_ASSERT_STRING_EQUAL(wc_error_message(), "cell size 100 m is outside 250..5000 m for a built-in basin");
  wc_geo_basin_destroy(&geo);
}

static CU_TestInfo builtin_tests[] = {
    WC_TEST(chaobai_areas_and_sections),
    WC_TEST(yongding_areas_and_sections),
    WC_TEST(cell_size_out_of_range_is_an_error),
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"builtin", NULL, NULL, NULL, NULL, builtin_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv) { return wc_test_run(argc, argv, suites, 0); }
