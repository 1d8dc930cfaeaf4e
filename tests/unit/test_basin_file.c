/*
 * test_basin_file.c — the HDF5 basin file: a write -> read round trip of the hand-made
 * valley (every layer, table and the graph equal), atomic writing (no partial file), and
 * files damaged with the HDF5 API after writing (newer version, wrong shape, a cycle,
 * a negative value, a graph that does not match), each with its exact message.
 */
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wc_basin.h"
#include "wc_basin_file.h"
#include "wc_basin_terrain.h"
#include "wc_test.h"

/* test_basin_common.c */
wc_basin *test_basin_make_valley(void);
int test_basin_message_is(const char *expected);
int test_basin_message_has(const char *text);

#define R 4
#define C 5

static const char *scratch(const char *name) {
  static char path[4300];
  snprintf(path, sizeof path, "%s/%s", wc_test_scratch_dir(), name);
  return path;
}

/* Write the valley to `name` in the scratch directory; returns its path (static). */
static const char *write_valley(const char *name) {
  wc_basin *b = test_basin_make_valley();
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  const char *path = scratch(name);
  wc_status status = wc_basin_file_write(path, b);
  if (status != WC_OK) fprintf(stderr, "\n  write: %s\n", wc_error_message());
  CU_ASSERT_EQUAL(status, WC_OK);
  wc_basin_destroy(&b);
  return path;
}

static void assert_same_basin(const wc_basin *a, const wc_basin *b) {
  CU_ASSERT_EQUAL(memcmp(&a->grid, &b->grid, sizeof a->grid), 0);
  CU_ASSERT_EQUAL(a->epsg, b->epsg);
  CU_ASSERT_STRING_EQUAL(a->crs_wkt, b->crs_wkt);
  CU_ASSERT_STRING_EQUAL(a->name, b->name);
  CU_ASSERT_STRING_EQUAL(a->source, b->source);
  CU_ASSERT_STRING_EQUAL(a->created_by, b->created_by);
  CU_ASSERT_EQUAL(a->channel_threshold_km2, b->channel_threshold_km2);
  CU_ASSERT_EQUAL(a->min_slope, b->min_slope);
  size_t n = (size_t)R * C;
  for (int k = 0; k < WC_BASIN_LAYER_COUNT; k++) {
    size_t bytes = n * wc_basin_layer_type_size(wc_basin_layers[k].type);
    /* Bitwise, NaN nodata included. */
    int same = memcmp(wc_basin_layer_data_const(a, (wc_basin_layer_id)k),
                      wc_basin_layer_data_const(b, (wc_basin_layer_id)k), bytes) == 0;
    if (!same) fprintf(stderr, "\n  layer %s differs\n", wc_basin_layers[k].name);
    CU_ASSERT_TRUE(same);
  }
  CU_ASSERT_EQUAL_FATAL(a->n_land_use, b->n_land_use);
  for (int32_t i = 0; i < a->n_land_use; i++) {
    const wc_land_use_class *x = &a->land_use_classes[i], *y = &b->land_use_classes[i];
    CU_ASSERT_EQUAL(x->id, y->id);
    CU_ASSERT_STRING_EQUAL(x->name, y->name);
    CU_ASSERT_EQUAL(x->manning_n, y->manning_n);
    CU_ASSERT_STRING_EQUAL(x->crop_class, y->crop_class);
    CU_ASSERT_EQUAL(x->impervious_fraction, y->impervious_fraction);
  }
  CU_ASSERT_EQUAL_FATAL(a->n_jurisdictions, b->n_jurisdictions);
  for (int32_t i = 0; i < a->n_jurisdictions; i++) {
    const wc_jurisdiction *x = &a->jurisdictions[i], *y = &b->jurisdictions[i];
    CU_ASSERT_EQUAL(x->id, y->id);
    CU_ASSERT_STRING_EQUAL(x->name, y->name);
    CU_ASSERT_EQUAL(x->level, y->level);
    CU_ASSERT_EQUAL(x->parent_id, y->parent_id);
  }
  CU_ASSERT_EQUAL_FATAL(a->n_reservoirs, b->n_reservoirs);
  for (int32_t i = 0; i < a->n_reservoirs; i++) {
    const wc_reservoir *x = &a->reservoirs[i], *y = &b->reservoirs[i];
    CU_ASSERT_STRING_EQUAL(x->name, y->name);
    CU_ASSERT(x->row == y->row && x->col == y->col);
    CU_ASSERT(x->capacity_m3 == y->capacity_m3 && x->normal_pool_level_m == y->normal_pool_level_m);
    CU_ASSERT(x->min_release_m3_per_s == y->min_release_m3_per_s);
    CU_ASSERT(x->area_at_capacity_km2 == y->area_at_capacity_km2);
  }
  CU_ASSERT_EQUAL_FATAL(a->n_sections, b->n_sections);
  for (int32_t i = 0; i < a->n_sections; i++) {
    const wc_section *x = &a->sections[i], *y = &b->sections[i];
    CU_ASSERT_STRING_EQUAL(x->name, y->name);
    CU_ASSERT(x->row == y->row && x->col == y->col);
    CU_ASSERT(x->point_x_m == y->point_x_m && x->point_y_m == y->point_y_m);
    CU_ASSERT_EQUAL(x->snapped_distance_m, y->snapped_distance_m);
    CU_ASSERT_EQUAL(x->upstream_jurisdiction, y->upstream_jurisdiction);
    CU_ASSERT_EQUAL(x->downstream_jurisdiction, y->downstream_jurisdiction);
  }
  CU_ASSERT_PTR_NOT_NULL_FATAL(b->graph);
  CU_ASSERT_EQUAL_FATAL(a->graph->n, b->graph->n);
  CU_ASSERT_EQUAL(memcmp(a->graph->cell, b->graph->cell, (size_t)a->graph->n * 4), 0);
  CU_ASSERT_EQUAL(memcmp(a->graph->downstream, b->graph->downstream, (size_t)a->graph->n * 4), 0);
}

static void test_round_trip(void) {
  wc_basin *a = test_basin_make_valley();
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  const char *path = scratch("valley.h5");
  CU_ASSERT_EQUAL_FATAL(wc_basin_file_write(path, a), WC_OK);
  char partial[4400];
  snprintf(partial, sizeof partial, "%s.partial", path);
  CU_ASSERT_NOT_EQUAL(access(partial, F_OK), 0); /* renamed away */
  wc_basin *b = NULL;
  wc_status status = wc_basin_file_read(path, &b);
  if (status != WC_OK) fprintf(stderr, "\n  read: %s\n", wc_error_message());
  CU_ASSERT_EQUAL_FATAL(status, WC_OK);
  assert_same_basin(a, b);
  /* Writing what was read gives the same basin again (and overwrites in place). */
  CU_ASSERT_EQUAL(wc_basin_file_write(path, b), WC_OK);
  wc_basin *c = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_basin_file_read(path, &c), WC_OK);
  assert_same_basin(a, c);
  wc_basin_destroy(&a);
  wc_basin_destroy(&b);
  wc_basin_destroy(&c);
}

/* Default land use and soil, no jurisdictions, reservoirs or sections: empty tables. */
static void test_empty_tables(void) {
  wc_basin *a = test_basin_make_valley();
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  wc_basin *e = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_basin_create(&a->grid, &e), WC_OK);
  memcpy(e->dem_m, a->dem_m, sizeof(double) * R * C);
  wc_basin_destroy(&a);
  wc_basin_terrain_options options = wc_basin_terrain_defaults();
  CU_ASSERT_EQUAL_FATAL(wc_basin_derive_terrain(e, &options), WC_OK);
  CU_ASSERT_EQUAL_FATAL(wc_basin_set_default_land_use(e), WC_OK);
  wc_basin_set_default_soil(e);
  const char *path = scratch("empty-tables.h5");
  CU_ASSERT_EQUAL_FATAL(wc_basin_file_write(path, e), WC_OK);
  wc_basin *b = NULL;
  wc_status status = wc_basin_file_read(path, &b);
  if (status != WC_OK) fprintf(stderr, "\n  read: %s\n", wc_error_message());
  CU_ASSERT_EQUAL_FATAL(status, WC_OK);
  CU_ASSERT_EQUAL(b->n_jurisdictions, 0);
  CU_ASSERT_EQUAL(b->n_sections, 0);
  CU_ASSERT_EQUAL(b->n_reservoirs, 0);
  assert_same_basin(e, b);
  wc_basin_destroy(&e);
  wc_basin_destroy(&b);
}

static void test_write_failures(void) {
  wc_basin *a = test_basin_make_valley();
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  const char *path = scratch("no-such-dir/valley.h5");
  CU_ASSERT_EQUAL(wc_basin_file_write(path, a), WC_ERR_IO);
  CU_ASSERT_TRUE(test_basin_message_has(
      "no-such-dir/valley.h5.partial: No such file or directory"));
  /* An invalid basin is refused before anything touches the disk. */
  const char *bad = scratch("invalid.h5");
  a->slope[2] = -1.0;
  CU_ASSERT_EQUAL(wc_basin_file_write(bad, a), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_has("basin to write to "));
  CU_ASSERT_TRUE(test_basin_message_has("invalid.h5: layer slope at row 0, column 2"));
  CU_ASSERT_NOT_EQUAL(access(bad, F_OK), 0);
  char partial[4400];
  snprintf(partial, sizeof partial, "%s.partial", bad);
  CU_ASSERT_NOT_EQUAL(access(partial, F_OK), 0);
  wc_basin_destroy(&a);
}

/* ---- damaged files ------------------------------------------------------------------------- */

static hid_t open_rw(const char *path) {
  hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  CU_ASSERT_FATAL(file >= 0);
  return file;
}

/* Read `path`, expecting `status` and exactly "PATH: " + `message`. */
static void expect_read_error(const char *path, wc_status status, const char *message) {
  wc_basin *b = NULL;
  CU_ASSERT_EQUAL(wc_basin_file_read(path, &b), status);
  CU_ASSERT_PTR_NULL(b);
  char expected[8192];
  snprintf(expected, sizeof expected, "%s: %s", path, message);
  CU_ASSERT_TRUE(test_basin_message_is(expected));
  wc_basin_destroy(&b);
}

static void test_newer_version(void) {
  const char *path = write_valley("newer.h5");
  hid_t file = open_rw(path);
  hid_t attr = H5Aopen(file, "format_version", H5P_DEFAULT);
  int32_t version = 2;
  CU_ASSERT(H5Awrite(attr, H5T_NATIVE_INT32, &version) >= 0);
  H5Aclose(attr);
  H5Fclose(file);
  expect_read_error(path, WC_ERR_UNSUPPORTED,
                    "basin file format version 2 is newer than this wcsim reads (version 1); "
                    "use a newer wcsim, or re-import the basin with this version's "
                    "wcsim-import");
}

static void test_wrong_shape(void) {
  const char *path = write_valley("shape.h5");
  hid_t file = open_rw(path);
  CU_ASSERT(H5Ldelete(file, "/layers/slope", H5P_DEFAULT) >= 0);
  hsize_t dims[2] = {3, 5};
  double values[15];
  for (int i = 0; i < 15; i++) values[i] = 0.1;
  hid_t space = H5Screate_simple(2, dims, NULL);
  hid_t dset = H5Dcreate2(file, "/layers/slope", H5T_IEEE_F64LE, space, H5P_DEFAULT,
                          H5P_DEFAULT, H5P_DEFAULT);
  CU_ASSERT(H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0);
  H5Dclose(dset);
  H5Sclose(space);
  H5Fclose(file);
  expect_read_error(path, WC_ERR_INPUT,
                    "dataset /layers/slope is 3 x 5 cells but /grid is 4 x 5 (rows x columns); "
                    "every layer covers the whole grid");
}

/* Overwrite one cell of a 2-D layer. */
static void poke(const char *path, const char *dataset, hid_t mem_type, int32_t row, int32_t col,
                 const void *value) {
  hid_t file = open_rw(path);
  hid_t dset = H5Dopen2(file, dataset, H5P_DEFAULT);
  CU_ASSERT_FATAL(dset >= 0);
  hid_t space = H5Dget_space(dset);
  hsize_t start[2] = {(hsize_t)row, (hsize_t)col}, count[2] = {1, 1};
  H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
  hid_t mem = H5Screate_simple(2, count, NULL);
  CU_ASSERT(H5Dwrite(dset, mem_type, mem, space, H5P_DEFAULT, value) >= 0);
  H5Sclose(mem);
  H5Sclose(space);
  H5Dclose(dset);
  H5Fclose(file);
}

static void test_cycle(void) {
  const char *path = write_valley("cycle.h5");
  int8_t north = 6; /* (1,2) north, while (0,2) flows south into it */
  poke(path, "/layers/flow_direction", H5T_NATIVE_INT8, 1, 2, &north);
  expect_read_error(path, WC_ERR_INPUT,
                    "/layers/flow_direction: flow directions form a cycle of 2 cells through row "
                    "0, column 2 (x=500250.0, y=4400350.0 m), which points S to row 1, column 2 "
                    "(x=500250.0, y=4400250.0 m); following the directions returns to it instead "
                    "of reaching an outlet (-1); 4 cell(s) are on or upstream of cycles");
}

static void test_bad_values(void) {
  const char *path = write_valley("negative.h5");
  double negative = -2.5;
  poke(path, "/layers/soil_depth", H5T_NATIVE_DOUBLE, 1, 1, &negative);
  expect_read_error(path, WC_ERR_INPUT,
                    "layer soil_depth at row 1, column 1 (x=500150.0, y=4400250.0 m) is -2.5 mm; "
                    "inside the basin it must be > 0");
  path = write_valley("nan.h5");
  double nan = NAN;
  poke(path, "/layers/dem", H5T_NATIVE_DOUBLE, 2, 4, &nan);
  expect_read_error(path, WC_ERR_INPUT,
                    "layer dem at row 2, column 4 (x=500450.0, y=4400150.0 m) is nan m; inside "
                    "the basin it must be a finite number");
  path = write_valley("landuse.h5");
  int32_t unknown = 9;
  poke(path, "/layers/land_use", H5T_NATIVE_INT32, 3, 0, &unknown);
  expect_read_error(path, WC_ERR_INPUT,
                    "layer land_use at row 3, column 0 (x=500050.0, y=4400050.0 m) is class 9, "
                    "which the land-use table does not list (2 classes); add the class or fix "
                    "the map");
  /* Outside the basin nothing matters: it reads back as nodata. */
  path = write_valley("outside.h5");
  double junk = 123.0;
  poke(path, "/layers/dem", H5T_NATIVE_DOUBLE, 0, 0, &junk);
  wc_basin *b = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_basin_file_read(path, &b), WC_OK);
  CU_ASSERT_TRUE(isnan(b->dem_m[0]));
  wc_basin_destroy(&b);
}

static void test_graph_mismatch(void) {
  const char *path = write_valley("graph.h5");
  hid_t file = open_rw(path);
  hid_t dset = H5Dopen2(file, "/graph/order", H5P_DEFAULT);
  int32_t order[19];
  CU_ASSERT(H5Dread(dset, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, order) >= 0);
  int32_t t = order[0];
  order[0] = order[1];
  order[1] = t;
  CU_ASSERT(H5Dwrite(dset, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, order) >= 0);
  H5Dclose(dset);
  H5Fclose(file);
  wc_basin *b = NULL;
  CU_ASSERT_EQUAL(wc_basin_file_read(path, &b), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_has("/graph node 0 is cell"));
  CU_ASSERT_TRUE(test_basin_message_has("the graph does not match the directions"));
}

static void test_missing_parts(void) {
  const char *path = write_valley("no-sections.h5");
  hid_t file = open_rw(path);
  CU_ASSERT(H5Ldelete(file, "/sections/row", H5P_DEFAULT) >= 0);
  H5Fclose(file);
  expect_read_error(path, WC_ERR_INPUT, "dataset /sections/row is missing");

  path = write_valley("short-column.h5");
  file = open_rw(path);
  CU_ASSERT(H5Ldelete(file, "/tables/land_use/manning_n", H5P_DEFAULT) >= 0);
  hsize_t one = 1;
  double n = 0.2;
  hid_t space = H5Screate_simple(1, &one, NULL);
  hid_t dset = H5Dcreate2(file, "/tables/land_use/manning_n", H5T_IEEE_F64LE, space,
                          H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &n);
  H5Dclose(dset);
  H5Sclose(space);
  H5Fclose(file);
  expect_read_error(path, WC_ERR_INPUT,
                    "dataset /tables/land_use/manning_n has 1 entries but /tables/land_use/id has "
                    "2; every column of a table has one entry per row");

  /* An HDF5 file that is not a basin file, a text file, and no file at all. */
  path = scratch("other.h5");
  file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Fclose(file);
  expect_read_error(path, WC_ERR_INPUT,
                    "not a wcsim basin file: the root attribute wcsim_basin_format is missing "
                    "(basin files are written by wcsim-import and 'wcsim basin make')");
  path = scratch("text.h5");
  wc_test_write_file(path, "hello\n");
  wc_basin *b = NULL;
  CU_ASSERT_EQUAL(wc_basin_file_read(path, &b), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_has("text.h5 is not an HDF5 file, so not a basin file"));
  path = scratch("absent.h5");
  CU_ASSERT_EQUAL(wc_basin_file_read(path, &b), WC_ERR_IO);
  CU_ASSERT_TRUE(test_basin_message_has("absent.h5: No such file or directory"));
}

int main(int argc, char **argv) {
  CU_TestInfo file_tests[] = {
      WC_TEST(test_round_trip), WC_TEST(test_empty_tables), WC_TEST(test_write_failures), WC_TEST(test_newer_version),
      WC_TEST(test_wrong_shape), WC_TEST(test_cycle),         WC_TEST(test_bad_values),
      WC_TEST(test_graph_mismatch), WC_TEST(test_missing_parts), CU_TEST_INFO_NULL,
  };
  CU_SuiteInfo suites[] = {
      {"basin_file", NULL, NULL, NULL, NULL, file_tests},
      CU_SUITE_INFO_NULL,
  };
  /* The damaging steps call HDF5 directly: keep its error printing for them, but the
   * reader silences it itself. */
  return wc_test_run(argc, argv, suites, 0);
}
