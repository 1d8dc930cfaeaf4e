/*
 * wc_dem.h — conditioning a DEM so that every valid cell drains.
 *
 * wc_dem_fill() is Priority-Flood+epsilon (Barnes, Lehman & Mulla 2014, "Priority-Flood:
 * An optimal depression-filling and watershed-labeling algorithm", Algorithm 3): it
 * raises each depression to its spill level and then tilts every flat, including the
 * filled ones, by one ulp per cell (nextafter) towards where it spills. The result
 * guarantees that every valid cell that is not a seed has a strictly lower neighbour, so
 * D8 on the filled DEM (wc_flowdir_d8) leaves no flat without a direction and no pit.
 * Elevations are double: with a float DEM, the ulp tilt on a 1000-cell flat at 4000 m
 * would reach 0.2 m; with double it stays below 1e-9 m. Slopes for the physics come from
 * the original DEM anyway (wc_flow_slope).
 *
 * Cost: O(N log N) heap operations on the open front only; cells inside depressions and
 * flats go through a FIFO in O(1).
 */
#ifndef WC_DEM_H
#define WC_DEM_H

#include <stdint.h>

#include "wc_grid.h"
#include "wc_status.h"

/* Where water leaves the grid. */
typedef enum wc_outlet_mode {
  /* Open boundary (real DEMs): every valid cell on the grid edge or with a nodata
   * 8-neighbour is a seed; a seed with no lower neighbour becomes an outlet. Cells next
   * to an interior nodata hole are seeds too: reject holes first with
   * wc_dem_check_holes() if they are not wanted. */
  WC_OUTLETS_OPEN = 0,
  /* Designated outlets (built-in basins): only the listed cells drain out of the basin;
   * every other edge is a wall, so the whole basin drains to, e.g., the reservoir cell. */
  WC_OUTLETS_DESIGNATED,
} wc_outlet_mode;

typedef struct wc_outlets {
  wc_outlet_mode mode;
  const int32_t *cells; /* WC_OUTLETS_DESIGNATED: grid cells (row * cols + col), valid */
  int32_t count;        /* number of designated cells, >= 1 in that mode */
} wc_outlets;

/*
 * Fill depressions and tilt flats so that every valid cell drains (see above).
 * `dem` and `filled` are rasters of rows * cols elevations in metres and may be the same
 * array (in-place). `valid` is the valid mask (NULL: all valid); `outlets` NULL means
 * WC_OUTLETS_OPEN. Nodata cells are copied unchanged. Errors (WC_ERR_INPUT): no valid
 * cell, a non-finite elevation on a valid cell, a designated outlet out of range or on
 * nodata, or (designated mode) valid cells with no 8-connected path to any outlet.
 */
WC_NODISCARD wc_status wc_dem_fill(const wc_grid *grid, const double *dem, const uint8_t *valid,
                                   const wc_outlets *outlets, double *filled);

/* WC_ERR_INPUT "DEM has no relief" when every valid cell has the same elevation (or
 * there is no valid cell). wc_dem_fill() drains a flat DEM; an importer calls this to
 * reject one, since a flat real DEM is almost always a wrong band or nodata value. */
WC_NODISCARD wc_status wc_dem_check_relief(const wc_grid *grid, const double *dem,
                                           const uint8_t *valid);

/* WC_ERR_INPUT when the mask has an interior nodata hole: a nodata region not connected
 * (8-neighbour) to the grid edge or to nodata that is. The message names the hole's first
 * cell in row-major order and its size. WC_OK when `valid` is NULL. */
WC_NODISCARD wc_status wc_dem_check_holes(const wc_grid *grid, const uint8_t *valid);

#endif /* WC_DEM_H */
