/*
 * test_basin_import.c — the basin files wcsim-import made from tests/import (the ctest
 * fixture import_valley runs tests/import/test_import.sh first), read back with the
 * simulator's reader (parallel HDF5 build; the importer wrote with the serial one) and
 * compared with the hand-made valley of test_basin_common.c, whose values are derived by
 * hand in test_basin.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_basin.h"
#include "wc_basin_file.h"
#include "wc_test.h"

/* test_basin_common.c */
extern const int8_t test_basin_dir[];
extern const int32_t test_basin_acc[];
double test_basin_dem(int32_t row, int32_t col);
wc_basin *test_basin_make_valley(void);

#define R 4
#define C 5

static wc_basin *read_imported(const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/test-scratch/import/%s", WCSIM_BINARY_DIR, name);
  wc_basin *b = NULL;
  wc_status status = wc_basin_file_read(path, &b);
  if (status != WC_OK) fprintf(stderr, "\n  %s\n", wc_error_message());
  CU_ASSERT_EQUAL(status, WC_OK);
  return b;
}

static void assert_layer_equal(const wc_basin *a, const wc_basin *b, wc_basin_layer_id k) {
  size_t bytes = (size_t)R * C * wc_basin_layer_type_size(wc_basin_layers[k].type);
  int same = memcmp(wc_basin_layer_data_const(a, k), wc_basin_layer_data_const(b, k), bytes) == 0;
  if (!same) fprintf(stderr, "\n  layer %s differs\n", wc_basin_layers[k].name);
  CU_ASSERT_TRUE(same);
}

static void test_full_import(void) {
  wc_basin *b = read_imported("valley.h5");
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  /* The grid of the ASCII header: 5 x 4 cells of 100 m from the lower-left (500000, 4400000). */
  CU_ASSERT_EQUAL(b->grid.rows, R);
  CU_ASSERT_EQUAL(b->grid.cols, C);
  CU_ASSERT_DOUBLE_EQUAL(b->grid.x_left_m, 500000.0, 0.0);
  CU_ASSERT_DOUBLE_EQUAL(b->grid.y_top_m, 4400400.0, 0.0);
  CU_ASSERT_DOUBLE_EQUAL(b->grid.cell_size_m, 100.0, 0.0);
  CU_ASSERT_EQUAL(b->epsg, 32650); /* identified from the ESRI .prj beside the grid */
  CU_ASSERT_PTR_NOT_NULL(strstr(b->crs_wkt, "UTM zone 50N"));
  CU_ASSERT_STRING_EQUAL(b->name, "valley");
  CU_ASSERT_EQUAL(strncmp(b->created_by, "wcsim-import ", 13), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(b->source, "--dem valley.asc"));
  for (int32_t r = 0; r < R; r++)
    for (int32_t c = 0; c < C; c++) {
      int32_t i = r * C + c;
      double z = test_basin_dem(r, c);
      CU_ASSERT_TRUE(isnan(z) ? isnan(b->dem_m[i]) : b->dem_m[i] == z);
      CU_ASSERT_EQUAL(b->flow_direction[i], test_basin_dir[i]);
      CU_ASSERT_EQUAL(b->flow_accumulation_cells[i], test_basin_acc[i]);
    }
  /* Every layer equals the valley built in memory with the same maps and threshold. */
  wc_basin *expected = test_basin_make_valley();
  CU_ASSERT_PTR_NOT_NULL_FATAL(expected);
  for (int k = 0; k < WC_BASIN_LAYER_COUNT; k++) assert_layer_equal(expected, b, (wc_basin_layer_id)k);
  CU_ASSERT_DOUBLE_EQUAL(b->channel_threshold_km2, 0.05, 0.0);

  CU_ASSERT_EQUAL_FATAL(b->n_land_use, 2);
  CU_ASSERT_STRING_EQUAL(b->land_use_classes[1].name, "dryland crops, maize"); /* quoted CSV */
  CU_ASSERT_STRING_EQUAL(b->land_use_classes[1].crop_class, "maize");
  CU_ASSERT_DOUBLE_EQUAL(b->land_use_classes[1].impervious_fraction, 0.05, 0.0);
  CU_ASSERT_EQUAL_FATAL(b->n_jurisdictions, 4);
  CU_ASSERT_STRING_EQUAL(b->jurisdictions[2].name, "Chengde");
  CU_ASSERT_EQUAL(b->jurisdictions[2].level, WC_JURISDICTION_PREFECTURE);
  CU_ASSERT_EQUAL(b->jurisdictions[2].parent_id, 10);
  CU_ASSERT_EQUAL(b->jurisdictions[0].parent_id, -1);

  /* Sections: "mid" from (1,3) to (2,2), 142.1 m; jurisdictions by name and by id. */
  CU_ASSERT_EQUAL_FATAL(b->n_sections, 2);
  const wc_section *mid = &b->sections[0], *outlet = &b->sections[1];
  CU_ASSERT_STRING_EQUAL(mid->name, "mid");
  CU_ASSERT(mid->row == 2 && mid->col == 2);
  CU_ASSERT_DOUBLE_EQUAL(mid->snapped_distance_m, hypot(110.0, 90.0), 1e-9);
  CU_ASSERT_DOUBLE_EQUAL(mid->point_x_m, 500360.0, 0.0);
  CU_ASSERT_EQUAL(mid->upstream_jurisdiction, 1);
  CU_ASSERT_EQUAL(mid->downstream_jurisdiction, 2);
  CU_ASSERT(outlet->row == 3 && outlet->col == 2);
  CU_ASSERT_DOUBLE_EQUAL(outlet->snapped_distance_m, 0.0, 0.0);
  CU_ASSERT_EQUAL(outlet->upstream_jurisdiction, 2);
  CU_ASSERT_EQUAL(outlet->downstream_jurisdiction, -1);
  CU_ASSERT_EQUAL(b->n_reservoirs, 0);
  CU_ASSERT_EQUAL(b->graph->n, 19);
  wc_basin_destroy(&expected);
  wc_basin_destroy(&b);
}

static void test_lonlat_sections(void) {
  wc_basin *b = read_imported("valley_lonlat.h5");
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  CU_ASSERT_EQUAL_FATAL(b->n_sections, 2);
  /* The lon/lat of (500360, 4400240) and (500250, 4400050), to 1e-9 degrees (~0.1 mm). */
  CU_ASSERT_DOUBLE_EQUAL(b->sections[0].point_x_m, 500360.0, 1e-3);
  CU_ASSERT_DOUBLE_EQUAL(b->sections[0].point_y_m, 4400240.0, 1e-3);
  CU_ASSERT(b->sections[0].row == 2 && b->sections[0].col == 2);
  CU_ASSERT(b->sections[1].row == 3 && b->sections[1].col == 2);
  CU_ASSERT_DOUBLE_EQUAL(b->sections[0].snapped_distance_m, hypot(110.0, 90.0), 1e-3);
  /* No land-use map: the documented default class on every basin cell. */
  CU_ASSERT_EQUAL_FATAL(b->n_land_use, 1);
  CU_ASSERT_EQUAL(b->land_use_classes[0].id, WC_LAND_USE_DEFAULT_ID);
  CU_ASSERT_EQUAL(b->land_use[2 * C + 2], WC_LAND_USE_DEFAULT_ID);
  CU_ASSERT_EQUAL(b->n_jurisdictions, 0);
  CU_ASSERT_EQUAL(b->jurisdiction[2 * C + 2], -1);
  wc_basin_destroy(&b);
}

static void test_polygon_jurisdictions(void) {
  wc_basin *b = read_imported("valley_polygons.h5");
  wc_basin *expected = test_basin_make_valley();
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  CU_ASSERT_PTR_NOT_NULL_FATAL(expected);
  /* Cell centres of rows 0-2 lie in the Chengde polygon, row 3 in Miyun's. */
  assert_layer_equal(expected, b, WC_LAYER_JURISDICTION);
  CU_ASSERT_EQUAL_FATAL(b->n_jurisdictions, 4);
  CU_ASSERT_STRING_EQUAL(b->jurisdictions[3].name, "Miyun");
  CU_ASSERT_EQUAL(b->jurisdictions[3].level, WC_JURISDICTION_COUNTY);
  CU_ASSERT_EQUAL(b->jurisdictions[3].parent_id, 11);
  wc_basin_destroy(&expected);
  wc_basin_destroy(&b);
}

static void test_given_directions(void) {
  wc_basin *b = read_imported("valley_flowdir.h5");
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  for (int32_t i = 0; i < R * C; i++) {
    CU_ASSERT_EQUAL(b->flow_direction[i], test_basin_dir[i]);
    CU_ASSERT_EQUAL(b->flow_accumulation_cells[i], test_basin_acc[i]);
  }
  wc_basin_destroy(&b);
}

static void test_reprojected(void) {
  wc_basin *b = read_imported("valley_reprojected.h5");
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  CU_ASSERT_EQUAL(b->epsg, 32650);
  CU_ASSERT_DOUBLE_EQUAL(b->grid.cell_size_m, 100.0, 0.0);
  CU_ASSERT_STRING_EQUAL(b->name, "reprojected");
  /* 0.001 degrees near 39.75 N is 85 m east-west and 111 m north-south: the 5 x 4 cell
   * lon/lat grid covers about 430 m x 440 m, i.e. roughly 5 x 5 cells of 100 m. */
  CU_ASSERT(b->grid.rows >= 4 && b->grid.rows <= 6);
  CU_ASSERT(b->grid.cols >= 4 && b->grid.cols <= 6);
  CU_ASSERT(b->graph->n >= 10);
  /* The west edge of the lon/lat grid is the central meridian of zone 50: x = 500 km. */
  CU_ASSERT_DOUBLE_EQUAL(b->grid.x_left_m, 500000.0, 1.0);
  wc_basin_destroy(&b);
}

int main(int argc, char **argv) {
  CU_TestInfo import_tests[] = {
      WC_TEST(test_full_import),      WC_TEST(test_lonlat_sections),
      WC_TEST(test_polygon_jurisdictions), WC_TEST(test_given_directions),
      WC_TEST(test_reprojected),      CU_TEST_INFO_NULL,
  };
  CU_SuiteInfo suites[] = {
      {"basin_import", NULL, NULL, NULL, NULL, import_tests},
      CU_SUITE_INFO_NULL,
  };
  return wc_test_run(argc, argv, suites, 0);
}
