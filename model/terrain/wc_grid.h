/*
 * wc_grid.h — geometry of a regular raster grid in a projected CRS.
 *
 * Cells are square, `cell_size_m` on a side. Row 0 is the north row and column 0 the
 * west column, so a cell's centre is
 *     x = x_left_m + (col + 0.5) * cell_size_m,   y = y_top_m - (row + 0.5) * cell_size_m.
 * Every per-cell raster in the terrain code is stored row-major: cell = row * cols + col.
 * Cell indices are int32_t, so a grid holds at most WC_GRID_MAX_CELLS cells (2^31 - 2;
 * a 30 m DEM of 1.9 million km^2), which halves the memory of every index array.
 *
 * A "valid mask" is a uint8_t raster with non-zero for cells inside the data and 0 for
 * nodata; functions that take one accept NULL to mean "every cell is valid".
 */
#ifndef WC_GRID_H
#define WC_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wc_status.h"

#define WC_GRID_MAX_CELLS ((int64_t)INT32_MAX - 1)

typedef struct wc_grid {
  int32_t rows;
  int32_t cols;
  double x_left_m;    /* x of the west edge of column 0 */
  double y_top_m;     /* y of the north edge of row 0 */
  double cell_size_m; /* side of a square cell */
} wc_grid;

/* WC_ERR_INPUT unless rows, cols >= 1, rows * cols <= WC_GRID_MAX_CELLS, the origin is
 * finite and the cell size finite and > 0. */
WC_NODISCARD wc_status wc_grid_check(const wc_grid *grid);

static inline int32_t wc_grid_cell_count(const wc_grid *grid) { return grid->rows * grid->cols; }

/* Centre of a cell, in metres. */
void wc_grid_cell_center(const wc_grid *grid, int32_t row, int32_t col, double *x_m, double *y_m);

/* The cell containing point (x, y); false when the point lies outside the grid. A point
 * on a shared edge belongs to the cell east / south of it. */
bool wc_grid_cell_at(const wc_grid *grid, double x_m, double y_m, int32_t *row, int32_t *col);

/* Write "row R, column C (x=..., y=... m)" for a cell into `buffer`, the form every
 * terrain message uses to name a cell; returns `buffer`. */
const char *wc_grid_cell_name(const wc_grid *grid, int32_t cell, char *buffer, size_t size);

/* Buffer size that always fits wc_grid_cell_name(). */
enum { WC_CELL_NAME_MAX = 128 };

#endif /* WC_GRID_H */
