/*
 * test_basin.c — model/basin on the hand-made valley of test_basin_common.c: the terrain
 * pipeline's layers, section snapping and jurisdictions, the summary, and the checks.
 *
 * By hand (z = 5|col-2| + 5(3-row) + 5, 100 m cells, (0,0) nodata): an interior cell
 * off column 2 drops 10 m diagonally towards column 2 (10/141.4 = 0.0707) but only 5 m
 * straight (0.05), so it flows diagonally; column 2 flows south; row 3 flows along the
 * edge to (3,2), the lowest edge cell, which has no lower neighbour: the outlet. Nothing
 * is a pit, so filling changes nothing.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_basin.h"
#include "wc_basin_summary.h"
#include "wc_basin_terrain.h"
#include "wc_test.h"

/* test_basin_common.c */
extern const wc_grid test_basin_grid;
extern const int8_t test_basin_dir[];
extern const int32_t test_basin_acc[];
double test_basin_dem(int32_t row, int32_t col);
wc_basin *test_basin_make_valley(void);
int test_basin_message_is(const char *expected);
int test_basin_message_has(const char *text);

#define R 4
#define C 5
#define AT(r, c) ((r) * C + (c))
#define DIAG (100.0 * sqrt(2.0))

static void test_layer_table(void) {
  for (int k = 0; k < WC_BASIN_LAYER_COUNT; k++) {
    CU_ASSERT_PTR_NOT_NULL(wc_basin_layers[k].name);
    CU_ASSERT_EQUAL(wc_basin_layer_find(wc_basin_layers[k].name), k);
  }
  CU_ASSERT_EQUAL(wc_basin_layer_find("no_such_layer"), -1);
  CU_ASSERT_STRING_EQUAL(wc_basin_layers[WC_LAYER_SOIL_KSAT].units, "mm/h");
  wc_jurisdiction_level level;
  CU_ASSERT_TRUE(wc_jurisdiction_level_parse("prefecture", &level));
  CU_ASSERT_EQUAL(level, WC_JURISDICTION_PREFECTURE);
  CU_ASSERT_FALSE(wc_jurisdiction_level_parse("city", &level));
}

static void test_create_nodata(void) {
  wc_basin *b = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_basin_create(&test_basin_grid, &b), WC_OK);
  CU_ASSERT_TRUE(isnan(b->dem_m[7]));
  CU_ASSERT_EQUAL(b->flow_direction[7], WC_D8_NODATA);
  CU_ASSERT_EQUAL(b->land_use[7], -1);
  CU_ASSERT_EQUAL(b->channel[7], 0);
  CU_ASSERT_PTR_NULL(b->graph);
  wc_basin_destroy(&b);
  CU_ASSERT_PTR_NULL(b);
  wc_basin_destroy(&b); /* NULL is fine */
  wc_grid bad = {0, 5, 0.0, 0.0, 100.0};
  CU_ASSERT_EQUAL(wc_basin_create(&bad, &b), WC_ERR_INPUT);
  CU_ASSERT_PTR_NULL(b);
}

static void test_derive_valley(void) {
  wc_basin *b = test_basin_make_valley();
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  for (int32_t i = 0; i < R * C; i++) {
    CU_ASSERT_EQUAL(b->flow_direction[i], test_basin_dir[i]);
    CU_ASSERT_EQUAL(b->flow_accumulation_cells[i], test_basin_acc[i]);
    if (i == 0) continue;
    CU_ASSERT_DOUBLE_EQUAL(b->flow_accumulation_km2[i], test_basin_acc[i] * 0.01, 1e-12);
    CU_ASSERT_EQUAL(b->dem_filled_m[i], b->dem_m[i]); /* no pit: nothing filled */
  }
  CU_ASSERT_TRUE(isnan(b->dem_filled_m[0]) && isnan(b->slope[0]));
  CU_ASSERT_EQUAL(b->graph->n, 19);
  CU_ASSERT_EQUAL(b->graph->n_outlets, 1);
  /* Slopes along the D8 link; the outlet takes its main inflow's (from (2,2): 5 m / 100 m). */
  CU_ASSERT_DOUBLE_EQUAL(b->slope[AT(1, 2)], 0.05, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(b->slope[AT(1, 1)], 10.0 / DIAG, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(b->slope[AT(3, 2)], 0.05, 1e-12);
  /* (0,1) -SE-> (1,2) -S-> (2,2) -S-> (3,2); (0,4) -SW-> (1,3) -SW-> (2,2) -S-> (3,2). */
  CU_ASSERT_DOUBLE_EQUAL(b->flow_length_to_outlet_m[AT(0, 1)], DIAG + 200.0, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL(b->flow_length_to_outlet_m[AT(3, 2)], 0.0, 0.0);
  CU_ASSERT_DOUBLE_EQUAL(b->flow_length_upstream_m[AT(3, 2)], 2 * DIAG + 100.0, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL(b->flow_length_upstream_m[AT(0, 2)], 0.0, 0.0);
  /* Threshold 0.05 km2 = 5 cells: only (2,2) (8 cells) and (3,2) (19). */
  for (int32_t i = 0; i < R * C; i++)
    CU_ASSERT_EQUAL(b->channel[i], i == AT(2, 2) || i == AT(3, 2));
  CU_ASSERT_DOUBLE_EQUAL(b->channel_threshold_km2, 0.05, 0.0);
  wc_basin_destroy(&b);
}

static void test_sections(void) {
  wc_basin *b = test_basin_make_valley();
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  /* "mid" lies in (1,3); within 150 m the largest area is (2,2) (8 cells), 142.1 m away. */
  const wc_section *mid = &b->sections[0], *outlet = &b->sections[1];
  CU_ASSERT_EQUAL(mid->row, 2);
  CU_ASSERT_EQUAL(mid->col, 2);
  CU_ASSERT_DOUBLE_EQUAL(mid->snapped_distance_m, hypot(110.0, 90.0), 1e-9);
  CU_ASSERT_EQUAL(outlet->row, 3);
  CU_ASSERT_EQUAL(outlet->col, 2);
  CU_ASSERT_DOUBLE_EQUAL(outlet->snapped_distance_m, 0.0, 1e-9);
  /* Defaults from the map: (2,2) is Chengde, the next different one down is Miyun;
   * "outlet" was given Miyun upstream and has nothing downstream. */
  CU_ASSERT_EQUAL(mid->upstream_jurisdiction, 1);
  CU_ASSERT_EQUAL(mid->downstream_jurisdiction, 2);
  CU_ASSERT_EQUAL(outlet->upstream_jurisdiction, 2);
  CU_ASSERT_EQUAL(outlet->downstream_jurisdiction, -1);

  /* At (2,2)'s centre, but the outlet (19 cells) lies within 150 m: it snaps there too. */
  wc_section twin = {"mid2", 500250.0, 4400150.0, -1, -1, 0.0, -1, -1};
  CU_ASSERT_EQUAL(wc_basin_add_section(b, &twin), WC_OK);
  int32_t failed = -2;
  CU_ASSERT_EQUAL(wc_basin_snap_sections(b, 150.0, &failed), WC_ERR_INPUT);
  CU_ASSERT_EQUAL(failed, 2);
  CU_ASSERT_TRUE(test_basin_message_is(
      "sections 'outlet' and 'mid2' both snap to row 3, column 2 (x=500250.0, y=4400050.0 m) "
      "(search radius 150.0 m); two sections on one cell measure the same water: merge them, "
      "move one, or use a smaller radius"));
  CU_ASSERT_EQUAL(wc_basin_add_section(b, &twin), WC_ERR_INPUT); /* same name again */
  CU_ASSERT_TRUE(test_basin_message_has("section 'mid2' is listed twice"));
  wc_basin_destroy(&b);

  b = test_basin_make_valley();
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  wc_section corner = {"corner", 500050.0, 4400350.0, -1, -1, 0.0, -1, -1};
  CU_ASSERT_EQUAL(wc_basin_add_section(b, &corner), WC_OK);
  CU_ASSERT_EQUAL(wc_basin_snap_sections(b, 50.0, NULL), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_has(
      "section 'corner': section point (x=500050.0, y=4400350.0 m) lies outside the basin "
      "(nodata cell row 0, column 0); the nearest basin cell is row"));
  CU_ASSERT_TRUE(test_basin_message_has("at 100.0 m, beyond the search radius of 50.0 m"));
  wc_basin_destroy(&b);

  b = test_basin_make_valley();
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  wc_section away = {"away", 400000.0, 4400000.0, -1, -1, 0.0, -1, -1};
  CU_ASSERT_EQUAL(wc_basin_add_section(b, &away), WC_OK);
  CU_ASSERT_EQUAL(wc_basin_snap_sections(b, 50.0, NULL), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_has("section 'away': section point (x=400000.0, "
                                        "y=4400000.0 m) lies outside the grid"));
  wc_basin_destroy(&b);
}

static void test_summary(void) {
  wc_basin *b = test_basin_make_valley();
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  wc_basin_summary *s = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_basin_summarize(b, &s), WC_OK);
  CU_ASSERT_EQUAL(s->cells, 19);
  CU_ASSERT_DOUBLE_EQUAL(s->area_km2, 0.19, 1e-12);
  CU_ASSERT_EQUAL(s->outlets, 1);
  CU_ASSERT_EQUAL(s->channel_cells, 2);
  CU_ASSERT_DOUBLE_EQUAL(s->channel_length_km, 0.1, 1e-12); /* (2,2) -S-> (3,2); outlet: 0 */
  CU_ASSERT_DOUBLE_EQUAL(s->drainage_density_km_per_km2, 0.1 / 0.19, 1e-12);
  /* Row sums of z: 130, 105, 80, 55; minus the nodata corner's 30: 340 over 19 cells. */
  CU_ASSERT_DOUBLE_EQUAL(s->elevation_min_m, 5.0, 0.0);
  CU_ASSERT_DOUBLE_EQUAL(s->elevation_max_m, 30.0, 0.0);
  CU_ASSERT_DOUBLE_EQUAL(s->elevation_mean_m, 340.0 / 19.0, 1e-12);
  /* Table order: Hebei, Beijing, Chengde, Miyun, then "none". Chengde rows 0-2 (14). */
  CU_ASSERT_EQUAL(s->jurisdiction_cells[0], 0);
  CU_ASSERT_EQUAL(s->jurisdiction_cells[2], 14);
  CU_ASSERT_EQUAL(s->jurisdiction_cells[3], 5);
  CU_ASSERT_EQUAL(s->jurisdiction_cells[4], 0);
  CU_ASSERT_DOUBLE_EQUAL(s->land_use_area_km2[0], 0.09, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(s->land_use_area_km2[1], 0.10, 1e-12);

  const wc_basin_section_summary *mid = &s->sections[0], *out = &s->sections[1];
  CU_ASSERT_EQUAL(mid->downstream_section, 1);
  CU_ASSERT_EQUAL(out->downstream_section, -1);
  CU_ASSERT_EQUAL(mid->upstream_cells, 8);
  CU_ASSERT_EQUAL(mid->local_cells, 8);
  CU_ASSERT_EQUAL(out->upstream_cells, 19);
  CU_ASSERT_EQUAL(out->local_cells, 11);
  CU_ASSERT_DOUBLE_EQUAL(out->local_area_km2, 0.11, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(mid->upstream_channel_length_km, 0.1, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(out->upstream_channel_length_km, 0.1, 1e-12);
  /* Above "mid": (2,2) and the 7 cells of rows 0-1 draining to it, all Chengde. */
  CU_ASSERT_DOUBLE_EQUAL(mid->jurisdiction_area_km2[2], 0.08, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(mid->jurisdiction_area_km2[3], 0.0, 0.0);
  /* Provinces hold the areas of their counties. */
  CU_ASSERT_DOUBLE_EQUAL(out->jurisdiction_area_km2[0], 0.14, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(out->jurisdiction_area_km2[1], 0.05, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(out->jurisdiction_area_km2[2], 0.14, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(out->jurisdiction_area_km2[3], 0.05, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(mid->land_use_share[0], 7.0 / 8.0, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(mid->land_use_share[1], 1.0 / 8.0, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(out->land_use_share[0], 9.0 / 19.0, 1e-12);

  char path[4200];
  snprintf(path, sizeof path, "%s/summary.txt", wc_test_scratch_dir());
  FILE *out_file = fopen(path, "w+");
  CU_ASSERT_PTR_NOT_NULL_FATAL(out_file);
  CU_ASSERT_EQUAL(wc_basin_summary_print(b, s, out_file), WC_OK);
  rewind(out_file);
  char text[8192];
  size_t length = fread(text, 1, sizeof text - 1, out_file);
  text[length] = '\0';
  fclose(out_file);
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "basin cells:  19 (0.190 km2), 1 outlet(s)"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "CRS:          EPSG:32650"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "above mid: Chengde 0.080 km2 (100.0%);"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "above outlet: Chengde 0.140 km2 (73.7%); Miyun 0.050 km2"));
  wc_basin_summary_destroy(&s);
  CU_ASSERT_PTR_NULL(s);
  wc_basin_destroy(&b);
}

/* A fresh valley DEM in a new basin (terrain not derived). */
static wc_basin *valley_dem_only(void) {
  wc_basin *b = NULL;
  if (wc_basin_create(&test_basin_grid, &b) != WC_OK) return NULL;
  for (int32_t r = 0; r < R; r++)
    for (int32_t c = 0; c < C; c++) b->dem_m[AT(r, c)] = test_basin_dem(r, c);
  return b;
}

static void test_given_directions(void) {
  wc_basin_terrain_options options = wc_basin_terrain_defaults();
  options.use_given_direction = true;
  wc_basin *b = valley_dem_only();
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  memcpy(b->flow_direction, test_basin_dir, R * C);
  CU_ASSERT_EQUAL(wc_basin_derive_terrain(b, &options), WC_OK);
  for (int32_t i = 0; i < R * C; i++) CU_ASSERT_EQUAL(b->flow_accumulation_cells[i], test_basin_acc[i]);

  /* (1,2) turned north: (0,2) -S-> (1,2) -N-> (0,2), with (0,1) and (0,3) draining in. */
  memcpy(b->flow_direction, test_basin_dir, R * C);
  b->flow_direction[AT(1, 2)] = WC_D8_N;
  CU_ASSERT_EQUAL(wc_basin_derive_terrain(b, &options), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_is(
      "flow directions form a cycle of 2 cells through row 0, column 2 (x=500250.0, "
      "y=4400350.0 m), which points S to row 1, column 2 (x=500250.0, y=4400250.0 m); "
      "following the directions returns to it instead of reaching an outlet (-1); 4 cell(s) "
      "are on or upstream of cycles"));

  memcpy(b->flow_direction, test_basin_dir, R * C);
  b->flow_direction[AT(0, 0)] = WC_D8_SE;
  CU_ASSERT_EQUAL(wc_basin_derive_terrain(b, &options), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_is(
      "flow direction grid and DEM disagree at row 0, column 0 (x=500050.0, y=4400350.0 m): "
      "the direction grid has data there but the DEM does not; both must cover the same "
      "cells"));
  wc_basin_destroy(&b);
}

static void test_bad_dems(void) {
  wc_basin_terrain_options options = wc_basin_terrain_defaults();
  wc_basin *b = valley_dem_only();
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  b->dem_m[AT(1, 2)] = NAN; /* enclosed by valid cells */
  CU_ASSERT_EQUAL(wc_basin_derive_terrain(b, &options), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_has(
      "DEM has an interior nodata hole of 1 cell(s) at row 1, column 2 (x=500250.0, "
      "y=4400250.0 m)"));
  for (int32_t i = 1; i < R * C; i++) b->dem_m[i] = 7.0;
  CU_ASSERT_EQUAL(wc_basin_derive_terrain(b, &options), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_has("DEM has no relief: all 19 valid cells have elevation 7 m"));
  for (int32_t i = 0; i < R * C; i++) b->dem_m[i] = NAN;
  CU_ASSERT_EQUAL(wc_basin_derive_terrain(b, &options), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_has("DEM has no relief: it has no valid cell at all"));
  options.channel_threshold_km2 = 0.0;
  CU_ASSERT_EQUAL(wc_basin_derive_terrain(b, &options), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_has("channel threshold is 0 km2; it must be > 0"));
  wc_basin_destroy(&b);
}

static void test_check(void) {
  wc_basin *b = test_basin_make_valley();
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  CU_ASSERT_EQUAL(wc_basin_check(b), WC_OK);

  b->land_use[AT(1, 1)] = 3;
  CU_ASSERT_EQUAL(wc_basin_check(b), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_is(
      "layer land_use at row 1, column 1 (x=500150.0, y=4400250.0 m) is class 3, which the "
      "land-use table does not list (2 classes); add the class or fix the map"));
  b->land_use[AT(1, 1)] = 1;

  b->soil_ksat_mm_per_h[AT(2, 3)] = -1.0;
  CU_ASSERT_EQUAL(wc_basin_check(b), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_is(
      "layer soil_ksat at row 2, column 3 (x=500350.0, y=4400150.0 m) is -1 mm/h; inside the "
      "basin it must be > 0"));
  b->soil_ksat_mm_per_h[AT(2, 3)] = NAN;
  CU_ASSERT_EQUAL(wc_basin_check(b), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_has("is nan mm/h; inside the basin it must be a finite number"));
  b->soil_ksat_mm_per_h[AT(2, 3)] = 10.0;

  b->soil_field_capacity_mm[AT(2, 2)] = 500.0;
  CU_ASSERT_EQUAL(wc_basin_check(b), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_has("wilting point <= field capacity <= saturation <= depth"));
  b->soil_field_capacity_mm[AT(2, 2)] = 280.0;

  b->flow_accumulation_cells[AT(2, 2)] = 9;
  CU_ASSERT_EQUAL(wc_basin_check(b), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_has(
      "layer flow_accumulation_cells at row 2, column 2 (x=500250.0, y=4400150.0 m) is 9 but "
      "flow_direction gives 8 contributing cells"));
  b->flow_accumulation_cells[AT(2, 2)] = 8;

  b->channel[AT(1, 2)] = 1; /* fine: its downstream (2,2) is a channel */
  CU_ASSERT_EQUAL(wc_basin_check(b), WC_OK);
  b->channel[AT(2, 2)] = 0;
  CU_ASSERT_EQUAL(wc_basin_check(b), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_has("layer channel marks row 1, column 2"));
  b->channel[AT(1, 2)] = 0;
  b->channel[AT(2, 2)] = 1;

  b->sections[0].downstream_jurisdiction = 99;
  CU_ASSERT_EQUAL(wc_basin_check(b), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_is(
      "section 'mid' has downstream jurisdiction 99, which the jurisdiction table does not "
      "list"));
  b->sections[0].downstream_jurisdiction = 2;

  b->jurisdictions[3].parent_id = 1; /* Miyun under Chengde: a prefecture, fine */
  CU_ASSERT_EQUAL(wc_basin_check(b), WC_OK);
  b->jurisdictions[2].parent_id = 2; /* Chengde (prefecture) under Miyun (county) */
  CU_ASSERT_EQUAL(wc_basin_check(b), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_has("a parent must be of a coarser level"));
  b->jurisdictions[2].parent_id = 77;
  CU_ASSERT_EQUAL(wc_basin_check(b), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_has("has parent 77, which the table does not list"));
  b->jurisdictions[2].parent_id = 10;

  b->reservoirs[0].col = 0;
  b->reservoirs[0].row = 0;
  CU_ASSERT_EQUAL(wc_basin_check(b), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_is(
      "reservoir 'Valley Dam' is at row 0, column 0 (x=500050.0, y=4400350.0 m), which lies "
      "outside the basin (flow_direction -2)"));
  wc_basin_destroy(&b);
}

static void test_tables(void) {
  wc_basin *b = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_basin_create(&test_basin_grid, &b), WC_OK);
  wc_land_use_class cls = {1, "forest", 0.0, NULL, 0.0};
  CU_ASSERT_EQUAL(wc_basin_add_land_use(b, &cls), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_is(
      "land-use class 1 ('forest') has Manning n 0; it must be > 0 (0.01..0.8 s m^-1/3)"));
  cls.manning_n = 0.4;
  CU_ASSERT_EQUAL(wc_basin_add_land_use(b, &cls), WC_OK);
  CU_ASSERT_STRING_EQUAL(b->land_use_classes[0].crop_class, "none"); /* NULL -> "none" */
  CU_ASSERT_EQUAL(wc_basin_add_land_use(b, &cls), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_is("land-use class id 1 is listed twice; each id needs one row"));
  cls.id = 2;
  cls.impervious_fraction = 1.5;
  CU_ASSERT_EQUAL(wc_basin_add_land_use(b, &cls), WC_ERR_INPUT);
  wc_jurisdiction j = {5, "", WC_JURISDICTION_COUNTY, -1};
  CU_ASSERT_EQUAL(wc_basin_add_jurisdiction(b, &j), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_is("jurisdiction 5 has an empty name"));
  wc_reservoir r = {"Dam", 0, 0, -1.0, 100.0, 0.0, NAN};
  CU_ASSERT_EQUAL(wc_basin_add_reservoir(b, &r), WC_ERR_INPUT);
  CU_ASSERT_TRUE(test_basin_message_is("reservoir 'Dam' has capacity -1 m3; it must be > 0"));
  r.capacity_m3 = 1e6;
  CU_ASSERT_EQUAL(wc_basin_add_reservoir(b, &r), WC_OK); /* NaN area: unknown */
  CU_ASSERT_EQUAL(wc_basin_find_land_use(b, 1), 0);
  CU_ASSERT_EQUAL(wc_basin_find_land_use(b, 2), -1);
  wc_basin_destroy(&b);
}

static void test_defaults(void) {
  wc_basin *b = valley_dem_only();
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  wc_basin_terrain_options options = wc_basin_terrain_defaults();
  CU_ASSERT_EQUAL_FATAL(wc_basin_derive_terrain(b, &options), WC_OK);
  CU_ASSERT_EQUAL(wc_basin_set_default_land_use(b), WC_OK);
  wc_basin_set_default_soil(b);
  CU_ASSERT_EQUAL(b->n_land_use, 1);
  CU_ASSERT_EQUAL(b->land_use[AT(2, 2)], WC_LAND_USE_DEFAULT_ID);
  CU_ASSERT_EQUAL(b->land_use[0], -1);
  CU_ASSERT_DOUBLE_EQUAL(b->soil_depth_mm[AT(2, 2)], 1000.0, 0.0);
  /* Default threshold 10 km2: no channel on a 0.19 km2 basin; jurisdictions all -1. */
  CU_ASSERT_EQUAL(wc_basin_check(b), WC_OK);
  wc_basin_summary *s = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_basin_summarize(b, &s), WC_OK);
  CU_ASSERT_EQUAL(s->channel_cells, 0);
  CU_ASSERT_EQUAL(s->jurisdiction_cells[0], 19); /* the "none" slot of an empty table */
  wc_basin_summary_destroy(&s);
  wc_basin_destroy(&b);
}

int main(int argc, char **argv) {
  CU_TestInfo basin_tests[] = {
      WC_TEST(test_layer_table), WC_TEST(test_create_nodata), WC_TEST(test_derive_valley),
      WC_TEST(test_sections),    WC_TEST(test_summary),       WC_TEST(test_given_directions),
      WC_TEST(test_bad_dems),    WC_TEST(test_check),         WC_TEST(test_tables),
      WC_TEST(test_defaults),    CU_TEST_INFO_NULL,
  };
  CU_SuiteInfo suites[] = {
      {"basin", NULL, NULL, NULL, NULL, basin_tests},
      CU_SUITE_INFO_NULL,
  };
  return wc_test_run(argc, argv, suites, 0);
}
