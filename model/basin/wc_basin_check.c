/* wc_basin_check.c — every invariant a reader of a basin may rely on (see wc_basin.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_basin.h"

static double layer_value(const void *data, wc_basin_layer_type type, int32_t i) {
  switch (type) {
  case WC_LAYER_F64: return ((const double *)data)[i];
  case WC_LAYER_I32: return ((const int32_t *)data)[i];
  case WC_LAYER_I8: return ((const int8_t *)data)[i];
  case WC_LAYER_U8: return ((const uint8_t *)data)[i];
  }
  return NAN;
}

/* Finite and within the layer's range, on every basin cell. */
static wc_status check_ranges(const wc_basin *b) {
  const int32_t n = wc_grid_cell_count(&b->grid);
  char where[WC_CELL_NAME_MAX];
  for (int k = 0; k < WC_BASIN_LAYER_COUNT; k++) {
    const wc_basin_layer_info *info = &wc_basin_layers[k];
    const void *data = wc_basin_layer_data_const(b, (wc_basin_layer_id)k);
    for (int32_t i = 0; i < n; i++) {
      if (!wc_basin_is_cell(b, i)) continue;
      double v = layer_value(data, info->type, i);
      bool ok = isfinite(v) && (info->min_exclusive ? v > info->min_value : v >= info->min_value);
      if (ok) continue;
      if (!isfinite(v))
        WC_FAIL(WC_ERR_INPUT, "layer %s at %s is %g %s; inside the basin it must be a finite number",
                info->name, wc_grid_cell_name(&b->grid, i, where, sizeof where), v, info->units);
      WC_FAIL(WC_ERR_INPUT, "layer %s at %s is %g %s; inside the basin it must be %s %g",
              info->name, wc_grid_cell_name(&b->grid, i, where, sizeof where), v, info->units,
              info->min_exclusive ? ">" : ">=", info->min_value);
    }
  }
  return WC_OK;
}

/* Ids in tables, the channel 0/1, and relations between layers. */
static wc_status check_cells(const wc_basin *b) {
  const int32_t n = wc_grid_cell_count(&b->grid);
  char where[WC_CELL_NAME_MAX];
  int32_t last_land_use = -1, last_jurisdiction = -1; /* maps are patchy: cache the hit */
  for (int32_t i = 0; i < n; i++) {
    if (!wc_basin_is_cell(b, i)) continue;
    int32_t lu = b->land_use[i];
    if (lu != last_land_use) {
      if (wc_basin_find_land_use(b, lu) < 0)
        WC_FAIL(WC_ERR_INPUT,
                "layer land_use at %s is class %d, which the land-use table does not list "
                "(%d classes); add the class or fix the map",
                wc_grid_cell_name(&b->grid, i, where, sizeof where), (int)lu, (int)b->n_land_use);
      last_land_use = lu;
    }
    int32_t jd = b->jurisdiction[i];
    if (jd >= 0 && jd != last_jurisdiction) {
      if (wc_basin_find_jurisdiction(b, jd) < 0)
        WC_FAIL(WC_ERR_INPUT,
                "layer jurisdiction at %s is %d, which the jurisdiction table does not list "
                "(%d entries); add it or use -1 for no jurisdiction",
                wc_grid_cell_name(&b->grid, i, where, sizeof where), (int)jd,
                (int)b->n_jurisdictions);
      last_jurisdiction = jd;
    }
    WC_CHECK(b->channel[i] <= 1, WC_ERR_INPUT, "layer channel at %s is %d; it must be 0 or 1",
             wc_grid_cell_name(&b->grid, i, where, sizeof where), (int)b->channel[i]);
    WC_CHECK(b->dem_filled_m[i] >= b->dem_m[i], WC_ERR_INPUT,
             "layer dem_filled at %s is %.17g m, below dem (%.17g m); filling only raises cells",
             wc_grid_cell_name(&b->grid, i, where, sizeof where), b->dem_filled_m[i],
             b->dem_m[i]);
    double wp = b->soil_wilting_point_mm[i], fc = b->soil_field_capacity_mm[i];
    double sat = b->soil_saturation_mm[i], depth = b->soil_depth_mm[i];
    WC_CHECK(wp <= fc && fc <= sat && sat <= depth, WC_ERR_INPUT,
             "soil at %s has wilting point %g, field capacity %g, saturation %g and depth %g "
             "mm; they must satisfy wilting point <= field capacity <= saturation <= depth",
             wc_grid_cell_name(&b->grid, i, where, sizeof where), wp, fc, sat, depth);
  }
  return WC_OK;
}

/* Accumulation and channels agree with the directions (the graph built from them). */
static wc_status check_along_graph(const wc_basin *b) {
  const wc_drainage_graph *g = b->graph;
  int32_t *cells = NULL;
  WC_MALLOC(cells, g->n, "accumulation check");
  wc_status status = wc_flow_accumulation(g, cells, NULL);
  const double cell_km2 = b->grid.cell_size_m * b->grid.cell_size_m / 1e6;
  char where[WC_CELL_NAME_MAX];
  for (int32_t i = 0; i < g->n && status == WC_OK; i++) {
    int32_t c = g->cell[i];
    if (b->flow_accumulation_cells[c] != cells[i]) {
      status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                            "layer flow_accumulation_cells at %s is %d but flow_direction gives "
                            "%d contributing cells; the layers disagree (re-import the basin)",
                            wc_grid_cell_name(&b->grid, c, where, sizeof where),
                            (int)b->flow_accumulation_cells[c], (int)cells[i]);
      break;
    }
    double expected = cells[i] * cell_km2;
    if (fabs(b->flow_accumulation_km2[c] - expected) > 1e-9 * expected) {
      status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                            "layer flow_accumulation_km2 at %s is %.9g km2 but %d cells of %g m "
                            "make %.9g km2; the layers disagree (re-import the basin)",
                            wc_grid_cell_name(&b->grid, c, where, sizeof where),
                            b->flow_accumulation_km2[c], (int)cells[i], b->grid.cell_size_m,
                            expected);
      break;
    }
    int32_t d = g->downstream[i];
    if (b->channel[c] && d >= 0 && !b->channel[g->cell[d]]) {
      status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                            "layer channel marks %s but not the cell it drains to; a channel "
                            "continues downstream",
                            wc_grid_cell_name(&b->grid, c, where, sizeof where));
    }
  }
  free(cells);
  return status;
}

static wc_status check_jurisdiction_tree(const wc_basin *b) {
  for (int32_t k = 0; k < b->n_jurisdictions; k++) {
    const wc_jurisdiction *j = &b->jurisdictions[k];
    WC_CHECK(j->id >= 0 && (int)j->level >= 0 && j->level < WC_JURISDICTION_LEVEL_COUNT,
             WC_ERR_INPUT, "jurisdiction table: entry %d ('%s') has id %d and level %d",
             (int)k, j->name, (int)j->id, (int)j->level);
    if (j->parent_id < 0) continue;
    int32_t p = wc_basin_find_jurisdiction(b, j->parent_id);
    WC_CHECK(p >= 0, WC_ERR_INPUT,
             "jurisdiction table: %d ('%s') has parent %d, which the table does not list",
             (int)j->id, j->name, (int)j->parent_id);
    /* A parent of a strictly coarser level also rules out cycles of parents. */
    WC_CHECK(b->jurisdictions[p].level < j->level, WC_ERR_INPUT,
             "jurisdiction table: %d ('%s', %s) has parent %d ('%s', %s); a parent must be of "
             "a coarser level (province > prefecture > county)",
             (int)j->id, j->name, wc_jurisdiction_level_name(j->level), (int)j->parent_id,
             b->jurisdictions[p].name, wc_jurisdiction_level_name(b->jurisdictions[p].level));
  }
  return WC_OK;
}

static wc_status check_place(const wc_basin *b, const char *what, const char *name, int32_t row,
                             int32_t col) {
  WC_CHECK(row >= 0 && row < b->grid.rows && col >= 0 && col < b->grid.cols, WC_ERR_INPUT,
           "%s '%s' is at row %d, column %d, outside the %d x %d grid%s", what, name, (int)row,
           (int)col, (int)b->grid.rows, (int)b->grid.cols,
           row < 0 ? " (not snapped to the river yet)" : "");
  char where[WC_CELL_NAME_MAX];
  WC_CHECK(wc_basin_is_cell(b, row * b->grid.cols + col), WC_ERR_INPUT,
           "%s '%s' is at %s, which lies outside the basin (flow_direction -2)", what, name,
           wc_grid_cell_name(&b->grid, row * b->grid.cols + col, where, sizeof where));
  return WC_OK;
}

static wc_status check_points(const wc_basin *b) {
  for (int32_t k = 0; k < b->n_reservoirs; k++) {
    const wc_reservoir *r = &b->reservoirs[k];
    WC_CALL(check_place(b, "reservoir", r->name, r->row, r->col));
  }
  for (int32_t k = 0; k < b->n_sections; k++) {
    const wc_section *s = &b->sections[k];
    WC_CALL(check_place(b, "section", s->name, s->row, s->col));
    WC_CHECK(isfinite(s->snapped_distance_m) && s->snapped_distance_m >= 0.0, WC_ERR_INPUT,
             "section '%s' has snapped distance %g m; it must be a finite distance >= 0",
             s->name, s->snapped_distance_m);
    const int32_t ids[2] = {s->upstream_jurisdiction, s->downstream_jurisdiction};
    for (int side = 0; side < 2; side++)
      WC_CHECK(ids[side] < 0 || wc_basin_find_jurisdiction(b, ids[side]) >= 0, WC_ERR_INPUT,
               "section '%s' has %s jurisdiction %d, which the jurisdiction table does not "
               "list",
               s->name, side == 0 ? "upstream" : "downstream", (int)ids[side]);
    for (int32_t m = 0; m < k; m++)
      WC_CHECK(b->sections[m].row != s->row || b->sections[m].col != s->col, WC_ERR_INPUT,
               "sections '%s' and '%s' are both at row %d, column %d; two sections on one cell "
               "measure the same water: merge them or move one",
               b->sections[m].name, s->name, (int)s->row, (int)s->col);
  }
  return WC_OK;
}

wc_status wc_basin_check(const wc_basin *b) {
  WC_CHECK(b != NULL, WC_ERR_INTERNAL, "wc_basin_check: NULL basin");
  WC_CALL(wc_grid_check(&b->grid));
  WC_CHECK(b->graph != NULL, WC_ERR_INTERNAL,
           "wc_basin_check: the basin has no drainage graph (derive or read it first)");
  WC_CHECK(memcmp(&b->graph->grid, &b->grid, sizeof b->grid) == 0, WC_ERR_INTERNAL,
           "wc_basin_check: the drainage graph was built on another grid");
  WC_CHECK(b->epsg >= 0, WC_ERR_INPUT, "EPSG code %d is negative; 0 means unknown",
           (int)b->epsg);
  WC_CHECK(isfinite(b->channel_threshold_km2) && b->channel_threshold_km2 > 0.0, WC_ERR_INPUT,
           "channel threshold is %g km2; it must be > 0", b->channel_threshold_km2);
  WC_CHECK(isfinite(b->min_slope) && b->min_slope > 0.0, WC_ERR_INPUT,
           "slope floor is %g m/m; it must be > 0", b->min_slope);
  WC_CALL(check_ranges(b));
  WC_CALL(check_cells(b));
  WC_CALL(check_along_graph(b));
  WC_CALL(check_jurisdiction_tree(b));
  WC_CALL(check_points(b));
  return WC_OK;
}
