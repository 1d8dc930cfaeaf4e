/*
 * wc_flow_metrics.h — per-cell quantities along the drainage graph: accumulation, slope,
 * flow lengths, channel cells. Every output is an array of graph->n values in node order
 * (scatter to a raster with out_grid[graph->cell[i]] = value[i]); each is O(n), one sweep.
 */
#ifndef WC_FLOW_METRICS_H
#define WC_FLOW_METRICS_H

#include <stdint.h>

#include "wc_drainage_graph.h"
#include "wc_status.h"

/* Slope floor (m/m) suggested for wc_flow_slope(): 1e-4, i.e. 0.1 m per km. Manning's
 * velocity ~ sqrt(slope), so flats, filled pits and cells the fill raised above their
 * downstream neighbour flow at sqrt(1e-4) = 1% of a 1-in-1 slope instead of dividing by
 * zero or standing still; lowland rivers (Beijing plain: ~2e-4..5e-4) are not clipped. */
#define WC_SLOPE_FLOOR_DEFAULT 1e-4

/* Contributing area of each cell including itself: `cells` in cells and/or `area_km2`
 * (cells * cell_size_m^2 / 1e6); either may be NULL. */
WC_NODISCARD wc_status wc_flow_accumulation(const wc_drainage_graph *graph, int32_t *cells,
                                            double *area_km2);

/* Slope (m/m) of each cell along its D8 link on the ORIGINAL (unfilled) DEM `dem`
 * (rows * cols raster, m): (z[i] - z[downstream]) / link length. An outlet has no link
 * and takes the slope of its main incoming link (largest area; ties: the steeper), so a
 * river keeps its slope down to the outlet.
 * Every value is at least `min_slope` (> 0; see WC_SLOPE_FLOOR_DEFAULT), which also
 * replaces the negative slopes that filling creates. */
WC_NODISCARD wc_status wc_flow_slope(const wc_drainage_graph *graph, const double *dem,
                                     double min_slope, double *slope);

/* Flow lengths in metres along D8 links between cell centres: `to_outlet_m`, the
 * distance down to the cell's outlet (0 at outlets); `longest_upstream_m`, the longest
 * path from any upstream cell down to this one (0 at ridge cells). Either may be NULL. */
WC_NODISCARD wc_status wc_flow_length(const wc_drainage_graph *graph, double *to_outlet_m,
                                      double *longest_upstream_m);

/* Channel initiation: channel[i] = 1 where area_km2[i] >= threshold_km2 (> 0), else 0.
 * Since area grows downstream, a channel cell's downstream cell is a channel too.
 * `n_channel` (may be NULL) receives the number of channel cells. */
WC_NODISCARD wc_status wc_channel_mask(const wc_drainage_graph *graph, const double *area_km2,
                                       double threshold_km2, uint8_t *channel, int32_t *n_channel);

#endif /* WC_FLOW_METRICS_H */
