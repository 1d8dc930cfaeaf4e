/* wc_flow_metrics.c — one-sweep quantities on the upstream-first drainage graph. */
#include "wc_flow_metrics.h"

#include <math.h>
#include <stdlib.h>

wc_status wc_flow_accumulation(const wc_drainage_graph *graph, int32_t *cells, double *area_km2) {
  WC_CHECK(graph != NULL, WC_ERR_INTERNAL, "wc_flow_accumulation: NULL graph");
  const int32_t n = graph->n;
  const int32_t *down = graph->downstream;
  const double cell_km2 = graph->grid.cell_size_m * graph->grid.cell_size_m * 1e-6;
  if (cells != NULL) {
    for (int32_t i = 0; i < n; i++) cells[i] = 1;
    for (int32_t i = 0; i < n; i++)
      if (down[i] >= 0) cells[down[i]] += cells[i];
  }
  if (area_km2 != NULL) {
    /* Counted in cells and scaled once: exact, and no rounding builds up downstream. */
    if (cells != NULL) {
      for (int32_t i = 0; i < n; i++) area_km2[i] = cells[i] * cell_km2;
    } else {
      for (int32_t i = 0; i < n; i++) area_km2[i] = 1.0;
      for (int32_t i = 0; i < n; i++)
        if (down[i] >= 0) area_km2[down[i]] += area_km2[i];
      for (int32_t i = 0; i < n; i++) area_km2[i] *= cell_km2;
    }
  }
  return WC_OK;
}

wc_status wc_flow_slope(const wc_drainage_graph *graph, const double *dem, double min_slope,
                        double *slope) {
  WC_CHECK(graph != NULL && dem != NULL && slope != NULL, WC_ERR_INTERNAL,
           "wc_flow_slope: NULL argument");
  WC_CHECK(isfinite(min_slope) && min_slope > 0.0, WC_ERR_INPUT,
           "minimum slope is %g; it must be a finite number > 0 (suggested %g)", min_slope,
           WC_SLOPE_FLOOR_DEFAULT);
  WC_CHECK(graph->n >= 1, WC_ERR_INTERNAL, "wc_flow_slope: empty drainage graph");
  const int32_t n = graph->n;
  const int32_t *down = graph->downstream;
  for (int32_t i = 0; i < n; i++) {
    if (!isfinite(dem[graph->cell[i]])) {
      char where[WC_CELL_NAME_MAX];
      WC_FAIL(WC_ERR_INPUT, "DEM elevation at %s is %g, not a finite number",
              wc_grid_cell_name(&graph->grid, graph->cell[i], where, sizeof where),
              dem[graph->cell[i]]);
    }
  }
  /* An outlet has no link of its own; it takes the slope of its main incoming link (the
   * one carrying the largest area), so a river outlet gets the river's slope, not that
   * of a steep hillside cell beside it. That needs the accumulation. */
  int32_t *cells = NULL;
  WC_MALLOC(cells, n, "accumulation for outlet slopes");
  wc_status status = wc_flow_accumulation(graph, cells, NULL);
  if (status != WC_OK) {
    free(cells);
    WC_CALL(status);
  }
  for (int32_t i = 0; i < n; i++) slope[i] = -INFINITY;
  for (int32_t i = 0; i < n; i++) {
    int32_t d = down[i];
    if (d < 0) continue;
    double s =
        (dem[graph->cell[i]] - dem[graph->cell[d]]) / wc_drainage_graph_link_length_m(graph, i);
    slope[i] = s;
  }
  for (int32_t i = 0; i < n; i++) {
    if (down[i] >= 0) continue;
    int32_t stem = -1;
    for (int32_t k = graph->upstream_start[i]; k < graph->upstream_start[i + 1]; k++) {
      int32_t u = graph->upstream_index[k];
      if (stem < 0 || cells[u] > cells[stem] || (cells[u] == cells[stem] && slope[u] > slope[stem]))
        stem = u;
    }
    if (stem >= 0) slope[i] = slope[stem];
  }
  free(cells);
  for (int32_t i = 0; i < n; i++)
    if (!(slope[i] >= min_slope)) slope[i] = min_slope;
  return WC_OK;
}

wc_status wc_flow_length(const wc_drainage_graph *graph, double *to_outlet_m,
                         double *longest_upstream_m) {
  WC_CHECK(graph != NULL, WC_ERR_INTERNAL, "wc_flow_length: NULL graph");
  const int32_t n = graph->n;
  const int32_t *down = graph->downstream;
  if (to_outlet_m != NULL) {
    /* Downstream first: walk the order backwards. */
    for (int32_t i = n - 1; i >= 0; i--)
      to_outlet_m[i] =
          down[i] < 0 ? 0.0 : to_outlet_m[down[i]] + wc_drainage_graph_link_length_m(graph, i);
  }
  if (longest_upstream_m != NULL) {
    for (int32_t i = 0; i < n; i++) longest_upstream_m[i] = 0.0;
    for (int32_t i = 0; i < n; i++) {
      if (down[i] < 0) continue;
      double length = longest_upstream_m[i] + wc_drainage_graph_link_length_m(graph, i);
      if (length > longest_upstream_m[down[i]]) longest_upstream_m[down[i]] = length;
    }
  }
  return WC_OK;
}

wc_status wc_channel_mask(const wc_drainage_graph *graph, const double *area_km2,
                          double threshold_km2, uint8_t *channel, int32_t *n_channel) {
  WC_CHECK(graph != NULL && area_km2 != NULL && channel != NULL, WC_ERR_INTERNAL,
           "wc_channel_mask: NULL argument");
  WC_CHECK(isfinite(threshold_km2) && threshold_km2 > 0.0, WC_ERR_INPUT,
           "channel initiation threshold is %g km2; it must be a finite area > 0 km2",
           threshold_km2);
  int32_t count = 0;
  for (int32_t i = 0; i < graph->n; i++) {
    channel[i] = area_km2[i] >= threshold_km2;
    count += channel[i];
  }
  if (n_channel != NULL) *n_channel = count;
  return WC_OK;
}
