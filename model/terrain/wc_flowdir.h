/*
 * wc_flowdir.h — D8 flow directions: computing, validating and ordering them.
 *
 * A direction grid is an int8_t raster (rows * cols, row-major) with, per cell:
 *     0 E, 1 SE, 2 S, 3 SW, 4 W, 5 NW, 6 N, 7 NE   (clockwise from east; row 0 is north,
 *                                                    so S is row + 1)
 *    -1 outlet: the cell drains out of the grid / out of the basin
 *    -2 nodata
 * The code for the opposite direction is (code + 4) % 8.
 */
#ifndef WC_FLOWDIR_H
#define WC_FLOWDIR_H

#include <stdint.h>

#include "wc_dem.h"
#include "wc_grid.h"
#include "wc_status.h"

enum {
  WC_D8_E = 0,
  WC_D8_SE = 1,
  WC_D8_S = 2,
  WC_D8_SW = 3,
  WC_D8_W = 4,
  WC_D8_NW = 5,
  WC_D8_N = 6,
  WC_D8_NE = 7,
  WC_D8_OUTLET = -1,
  WC_D8_NODATA = -2,
};

/* Row and column steps of codes 0..7. */
extern const int8_t wc_d8_drow[8];
extern const int8_t wc_d8_dcol[8];

/* "E", "SE", ... "NE", "outlet", "nodata", or "invalid". */
const char *wc_d8_name(int code);

/*
 * D8 steepest descent on a filled DEM: each valid cell points to the neighbour with the
 * largest drop / distance (distance cell_size_m, or sqrt(2) * cell_size_m diagonally)
 * among its strictly lower valid neighbours; ties go to the lowest code. Outlets (-1):
 * the designated cells, or (open mode) seeds with no lower neighbour. Any other cell
 * without a lower neighbour is an unfilled pit or flat: WC_ERR_INPUT naming it (call
 * wc_dem_fill with the same mask and outlets first). `dir` receives rows * cols codes.
 */
WC_NODISCARD wc_status wc_flowdir_d8(const wc_grid *grid, const double *filled,
                                     const uint8_t *valid, const wc_outlets *outlets, int8_t *dir);

/*
 * Topological order of a direction grid, upstream first: every valid cell appears before
 * its downstream cell. It is a depth-first post-order from each outlet (outlets in
 * row-major order), so each cell's upstream area occupies the contiguous run of
 * positions just before it. `order` needs room for rows * cols entries; `count`
 * receives the number of valid cells.
 * This is also the validation of a user-supplied grid; WC_ERR_INPUT (naming the cell)
 * for: a code outside -2..7; a code 0..7 pointing off the grid or into nodata (a cell
 * that drains out must be coded -1); no valid cell; a cycle (the message names the
 * cycle's first cell in row-major order and the cycle's length).
 */
WC_NODISCARD wc_status wc_flowdir_order(const wc_grid *grid, const int8_t *dir, int32_t *order,
                                        int32_t *count);

/* wc_flowdir_order() without keeping the order (allocates it internally). */
WC_NODISCARD wc_status wc_flowdir_check(const wc_grid *grid, const int8_t *dir);

#endif /* WC_FLOWDIR_H */
