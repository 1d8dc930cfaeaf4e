/* wc_basin_terrain.c — the terrain pipeline of model/terrain applied to a basin. */
#include "wc_basin_terrain.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

wc_basin_terrain_options wc_basin_terrain_defaults(void) {
  wc_basin_terrain_options options = {
      .channel_threshold_km2 = WC_CHANNEL_THRESHOLD_DEFAULT_KM2,
      .min_slope = WC_SLOPE_FLOOR_DEFAULT,
      .outlets = {WC_OUTLETS_OPEN, NULL, 0},
      .use_given_direction = false,
  };
  return options;
}

wc_status wc_basin_build_graph(wc_basin *basin) {
  wc_drainage_graph_destroy(&basin->graph);
  WC_CALL(wc_drainage_graph_create(&basin->grid, basin->flow_direction, &basin->graph));
  return WC_OK;
}

/* A user direction grid must describe the same cells as the DEM. */
static wc_status check_direction_mask(const wc_basin *b, const uint8_t *valid) {
  int32_t n = wc_grid_cell_count(&b->grid);
  char where[WC_CELL_NAME_MAX];
  for (int32_t i = 0; i < n; i++) {
    bool has_direction = b->flow_direction[i] != WC_D8_NODATA;
    if (has_direction == (valid[i] != 0)) continue;
    WC_FAIL(WC_ERR_INPUT,
            "flow direction grid and DEM disagree at %s: the %s has data there but the %s does "
            "not; both must cover the same cells",
            wc_grid_cell_name(&b->grid, i, where, sizeof where),
            has_direction ? "direction grid" : "DEM", has_direction ? "DEM" : "direction grid");
  }
  return WC_OK;
}

/* Per-node metrics along the graph, scattered into the basin's rasters. */
static wc_status derive_metrics(wc_basin *b, double threshold_km2, double min_slope) {
  const wc_drainage_graph *g = b->graph;
  const int32_t n = g->n;
  int32_t *cells = NULL;
  double *area = NULL, *slope = NULL, *to_outlet = NULL, *upstream = NULL;
  uint8_t *channel = NULL;
  wc_status status = WC_ERR_MEMORY;
  cells = malloc((size_t)n * sizeof *cells);
  area = malloc((size_t)n * sizeof *area);
  slope = malloc((size_t)n * sizeof *slope);
  to_outlet = malloc((size_t)n * sizeof *to_outlet);
  upstream = malloc((size_t)n * sizeof *upstream);
  channel = malloc((size_t)n * sizeof *channel);
  if (!cells || !area || !slope || !to_outlet || !upstream || !channel) {
    wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__,
                 "out of memory for the flow metrics of %d cells", (int)n);
    goto done;
  }
  WC_CALL_GOTO(status, done, wc_flow_accumulation(g, cells, area));
  WC_CALL_GOTO(status, done, wc_flow_slope(g, b->dem_m, min_slope, slope));
  WC_CALL_GOTO(status, done, wc_flow_length(g, to_outlet, upstream));
  WC_CALL_GOTO(status, done, wc_channel_mask(g, area, threshold_km2, channel, NULL));
  for (int32_t i = 0; i < n; i++) {
    int32_t c = g->cell[i];
    b->flow_accumulation_cells[c] = cells[i];
    b->flow_accumulation_km2[c] = area[i];
    b->slope[c] = slope[i];
    b->flow_length_to_outlet_m[c] = to_outlet[i];
    b->flow_length_upstream_m[c] = upstream[i];
    b->channel[c] = channel[i];
  }
done:
  free(cells);
  free(area);
  free(slope);
  free(to_outlet);
  free(upstream);
  free(channel);
  return status;
}

wc_status wc_basin_derive_terrain(wc_basin *b, const wc_basin_terrain_options *options) {
  WC_CHECK(b != NULL && options != NULL, WC_ERR_INTERNAL, "wc_basin_derive_terrain: NULL");
  WC_CHECK(isfinite(options->channel_threshold_km2) && options->channel_threshold_km2 > 0.0,
           WC_ERR_INPUT, "channel threshold is %g km2; it must be > 0 (e.g. 10 km2)",
           options->channel_threshold_km2);
  WC_CHECK(isfinite(options->min_slope) && options->min_slope > 0.0, WC_ERR_INPUT,
           "slope floor is %g m/m; it must be > 0 (e.g. 1e-4)", options->min_slope);
  const wc_grid *grid = &b->grid;
  const int32_t n = wc_grid_cell_count(grid);
  uint8_t *valid = NULL;
  WC_MALLOC(valid, n, "DEM valid mask");
  /* NaN is nodata; an infinite elevation is kept valid so that wc_dem_fill names it. */
  for (int32_t i = 0; i < n; i++) valid[i] = !isnan(b->dem_m[i]);

  wc_status status = WC_OK;
  WC_CALL_GOTO(status, done, wc_dem_check_relief(grid, b->dem_m, valid));
  WC_CALL_GOTO(status, done, wc_dem_check_holes(grid, valid));
  if (options->use_given_direction) WC_CALL_GOTO(status, done, check_direction_mask(b, valid));
  WC_CALL_GOTO(status, done, wc_dem_fill(grid, b->dem_m, valid, &options->outlets, b->dem_filled_m));
  if (!options->use_given_direction)
    WC_CALL_GOTO(status, done,
                 wc_flowdir_d8(grid, b->dem_filled_m, valid, &options->outlets, b->flow_direction));
  WC_CALL_GOTO(status, done, wc_basin_build_graph(b));
  WC_CALL_GOTO(status, done,
               derive_metrics(b, options->channel_threshold_km2, options->min_slope));
  b->channel_threshold_km2 = options->channel_threshold_km2;
  b->min_slope = options->min_slope;
  wc_basin_clear_outside(b);
done:
  free(valid);
  return status;
}

wc_status wc_basin_snap_sections(wc_basin *b, double radius_m, int32_t *failed) {
  if (failed != NULL) *failed = -1;
  WC_CHECK(b->graph != NULL, WC_ERR_INTERNAL,
           "wc_basin_snap_sections: derive the terrain before snapping sections");
  const wc_drainage_graph *g = b->graph;
  double *area = NULL;
  WC_MALLOC(area, g->n, "contributing areas per node");
  for (int32_t i = 0; i < g->n; i++) area[i] = b->flow_accumulation_km2[g->cell[i]];
  wc_status status = WC_OK;
  for (int32_t k = 0; k < b->n_sections && status == WC_OK; k++) {
    wc_section *s = &b->sections[k];
    int32_t node = -1;
    double moved_m = 0.0;
    status = wc_section_snap(g, area, s->point_x_m, s->point_y_m, radius_m, &node, &moved_m);
    if (status != WC_OK) {
      wc_basin_error_prefix(status, "section '%s'", s->name);
      if (failed != NULL) *failed = k;
      break;
    }
    s->row = g->row[node];
    s->col = g->col[node];
    s->snapped_distance_m = moved_m;
    for (int32_t m = 0; m < k; m++) {
      if (b->sections[m].row != s->row || b->sections[m].col != s->col) continue;
      char where[WC_CELL_NAME_MAX];
      status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                            "sections '%s' and '%s' both snap to %s (search radius %.1f m); two "
                            "sections on one cell measure the same water: merge them, move one, "
                            "or use a smaller radius",
                            b->sections[m].name, s->name,
                            wc_grid_cell_name(&b->grid, g->cell[node], where, sizeof where),
                            radius_m);
      if (failed != NULL) *failed = k;
      break;
    }
  }
  free(area);
  return status;
}

void wc_basin_default_section_jurisdictions(wc_basin *b) {
  const wc_drainage_graph *g = b->graph;
  if (g == NULL) return;
  for (int32_t k = 0; k < b->n_sections; k++) {
    wc_section *s = &b->sections[k];
    if (s->row < 0) continue;
    int32_t node = g->node_of_cell[s->row * b->grid.cols + s->col];
    if (node < 0) continue;
    int32_t here = b->jurisdiction[g->cell[node]];
    if (s->upstream_jurisdiction < 0) s->upstream_jurisdiction = here;
    if (s->downstream_jurisdiction >= 0) continue;
    /* Walk down until the map names another jurisdiction (cells with none do not count). */
    for (int32_t i = g->downstream[node]; i >= 0; i = g->downstream[i]) {
      int32_t there = b->jurisdiction[g->cell[i]];
      if (there >= 0 && there != s->upstream_jurisdiction) {
        s->downstream_jurisdiction = there;
        break;
      }
    }
  }
}
