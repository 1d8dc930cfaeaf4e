/*
 * wc_basin_terrain.h — filling a basin's derived layers from its DEM with model/terrain,
 * and placing its monitoring sections on the river.
 */
#ifndef WC_BASIN_TERRAIN_H
#define WC_BASIN_TERRAIN_H

#include <stdbool.h>

#include "wc_basin.h"

/* Channel initiation area used when none is given (km^2). */
#define WC_CHANNEL_THRESHOLD_DEFAULT_KM2 10.0

typedef struct wc_basin_terrain_options {
  double channel_threshold_km2; /* > 0; WC_CHANNEL_THRESHOLD_DEFAULT_KM2 is a fair start */
  double min_slope;             /* slope floor, m/m > 0; WC_SLOPE_FLOOR_DEFAULT */
  wc_outlets outlets;           /* WC_OUTLETS_OPEN for real DEMs; designated cells for
                                 * built-in basins draining to a reservoir */
  /* true: basin->flow_direction already holds a user direction grid (wcsim codes); it is
   * validated (codes, cycles) and must cover exactly the DEM's valid cells. false: D8
   * on the filled DEM. */
  bool use_given_direction;
} wc_basin_terrain_options;

/* Defaults: threshold 10 km^2, slope floor 1e-4, open outlets, D8 from the DEM. */
wc_basin_terrain_options wc_basin_terrain_defaults(void);

/*
 * From basin->dem_m (NaN = nodata) fill dem_filled_m, flow_direction (unless given),
 * flow accumulation, channel, slope and flow lengths, and (re)build basin->graph. The
 * DEM's valid cells become the basin. Rejects, with WC_ERR_INPUT naming the cell: an
 * interior nodata hole, a DEM without relief or without valid cells, and (given
 * directions) a cell valid in one grid but not the other, a bad code or a cycle.
 */
WC_NODISCARD wc_status wc_basin_derive_terrain(wc_basin *basin,
                                               const wc_basin_terrain_options *options);

/* Rebuild basin->graph from basin->flow_direction (validating it); used after reading. */
WC_NODISCARD wc_status wc_basin_build_graph(wc_basin *basin);

/*
 * Snap every section's point to the cell of largest contributing area within `radius_m`
 * (wc_section_snap), setting row, col and snapped_distance_m. WC_ERR_INPUT, naming the
 * section, when a point lies outside the grid or the basin (the message gives the
 * nearest basin cell and whether it is beyond the radius), or when two sections land on
 * one cell. `failed` (may be NULL) receives the index of the section at fault, or -1,
 * so that a caller can name the input line it came from.
 */
WC_NODISCARD wc_status wc_basin_snap_sections(wc_basin *basin, double radius_m, int32_t *failed);

/*
 * Give sections without jurisdictions the ones the map implies: upstream = the
 * jurisdiction of the section's cell, downstream = the first different jurisdiction met
 * going downstream from it (-1 when the river leaves the grid first). Ids already set
 * (>= 0) are kept.
 */
void wc_basin_default_section_jurisdictions(wc_basin *basin);

#endif /* WC_BASIN_TERRAIN_H */
