/*
 * test_basin_common.c — the hand-made basin the basin tests share, and its known answers.
 *
 * A 4 x 5 grid of 100 m cells (x 500000..500500, y 4400000..4400400, UTM 50N) holding a V
 * valley z = 5 * |col - 2| + 5 * (3 - row) + 5 that drains down column 2 to an outlet at
 * row 3, with the north-west corner cell nodata. tests/import/valley.asc is the same DEM,
 * and the comments of test_basin.c derive every expected value below by hand.
 *
 * The prototypes are repeated in each test file (one small shared source, no header).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "wc_basin.h"
#include "wc_basin_terrain.h"
#include "wc_test.h"

#define R 4
#define C 5

const wc_grid test_basin_grid = {R, C, 500000.0, 4400400.0, 100.0};

double test_basin_dem(int32_t row, int32_t col) {
  if (row == 0 && col == 0) return NAN;
  return 5.0 * abs(col - 2) + 5.0 * (3 - row) + 5.0;
}

/* D8 by hand: every cell heads for column 2, diagonally where that is steeper. */
const int8_t test_basin_dir[R * C] = {
    -2, 1, 2, 3, 3, /* row 0: nodata, SE, S, SW, SW */
    1,  1, 2, 3, 3, /* row 1 */
    1,  1, 2, 3, 3, /* row 2 */
    0,  0, -1, 4, 4, /* row 3: E, E, outlet, W, W */
};

/* Contributing cells (the nodata corner makes column 1 and 3 differ). */
const int32_t test_basin_acc[R * C] = {
    -1, 1, 1, 1, 1, /* */
    1,  1, 4, 2, 1, /* */
    1,  2, 8, 2, 1, /* */
    1,  3, 19, 3, 1,
};

/* The valley with terrain derived (threshold 0.05 km2 = 5 cells: channel (2,2), (3,2)),
 * land use (class 1 rows 0-1, class 2 rows 2-3), jurisdictions (Hebei > Chengde on rows
 * 0-2, Beijing > Miyun on row 3), default soil, a reservoir at the outlet, and two
 * sections, "mid" snapped to (2,2) and "outlet" at (3,2). NULL after a CUnit failure. */
wc_basin *test_basin_make_valley(void) {
  wc_basin *b = NULL;
  if (wc_basin_create(&test_basin_grid, &b) != WC_OK) {
    CU_FAIL("wc_basin_create");
    return NULL;
  }
  for (int32_t r = 0; r < R; r++)
    for (int32_t c = 0; c < C; c++) b->dem_m[r * C + c] = test_basin_dem(r, c);
  wc_basin_terrain_options options = wc_basin_terrain_defaults();
  options.channel_threshold_km2 = 0.05;
  wc_status status = wc_basin_derive_terrain(b, &options);
  CU_ASSERT_EQUAL(status, WC_OK);
  status = status ? status : wc_basin_set_crs(b, 32650, "PROJCS[\"WGS 84 / UTM zone 50N\"]");
  status = status ? status : wc_basin_set_text(&b->name, "valley");
  status = status ? status : wc_basin_set_text(&b->source, "test_basin_common.c");
  status = status ? status : wc_basin_set_text(&b->created_by, "wcsim tests");
  wc_land_use_class upland = {1, "forest", 0.4, "none", 0.0};
  wc_land_use_class lowland = {2, "dryland crops", 0.15, "maize", 0.05};
  status = status ? status : wc_basin_add_land_use(b, &upland);
  status = status ? status : wc_basin_add_land_use(b, &lowland);
  wc_jurisdiction hebei = {10, "Hebei", WC_JURISDICTION_PROVINCE, -1};
  wc_jurisdiction beijing = {11, "Beijing", WC_JURISDICTION_PROVINCE, -1};
  wc_jurisdiction chengde = {1, "Chengde", WC_JURISDICTION_PREFECTURE, 10};
  wc_jurisdiction miyun = {2, "Miyun", WC_JURISDICTION_COUNTY, 11};
  status = status ? status : wc_basin_add_jurisdiction(b, &hebei);
  status = status ? status : wc_basin_add_jurisdiction(b, &beijing);
  status = status ? status : wc_basin_add_jurisdiction(b, &chengde);
  status = status ? status : wc_basin_add_jurisdiction(b, &miyun);
  if (status == WC_OK) {
    for (int32_t i = 0; i < R * C; i++) {
      if (!wc_basin_is_cell(b, i)) continue;
      b->land_use[i] = i / C < 2 ? 1 : 2;
      b->jurisdiction[i] = i / C < 3 ? 1 : 2;
    }
    wc_basin_set_default_soil(b);
  }
  wc_reservoir dam = {"Valley Dam", 3, 2, 4.2e7, 12.5, 0.3, 1.5};
  status = status ? status : wc_basin_add_reservoir(b, &dam);
  wc_section mid = {"mid", 500360.0, 4400240.0, -1, -1, 0.0, -1, -1};
  wc_section outlet = {"outlet", 500250.0, 4400050.0, -1, -1, 0.0, 2, -1};
  status = status ? status : wc_basin_add_section(b, &mid);
  status = status ? status : wc_basin_add_section(b, &outlet);
  status = status ? status : wc_basin_snap_sections(b, 150.0, NULL);
  if (status == WC_OK) wc_basin_default_section_jurisdictions(b);
  status = status ? status : wc_basin_check(b);
  if (status != WC_OK) {
    fprintf(stderr, "\n  valley basin: %s\n", wc_error_message());
    CU_FAIL("building the valley basin");
    wc_basin_destroy(&b);
  }
  return b;
}

/* Error message equals `expected` exactly (printed when not). */
int test_basin_message_is(const char *expected) {
  if (strcmp(wc_error_message(), expected) == 0) return 1;
  fprintf(stderr, "\n  expected: %s\n  got:      %s\n", expected, wc_error_message());
  return 0;
}

/* Error message contains `text`. */
int test_basin_message_has(const char *text) {
  if (strstr(wc_error_message(), text) != NULL) return 1;
  fprintf(stderr, "\n  expected \"%s\" in: %s\n", text, wc_error_message());
  return 0;
}
