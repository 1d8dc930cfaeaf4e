/* wc_grid.c — raster geometry and the one way cells are named in messages. */
#include "wc_grid.h"

#include <math.h>
#include <stdio.h>

wc_status wc_grid_check(const wc_grid *grid) {
  WC_CHECK(grid != NULL, WC_ERR_INTERNAL, "grid geometry is NULL");
  WC_CHECK(grid->rows >= 1 && grid->cols >= 1, WC_ERR_INPUT,
           "grid has %d rows and %d columns; both must be at least 1", (int)grid->rows,
           (int)grid->cols);
  WC_CHECK((int64_t)grid->rows * grid->cols <= WC_GRID_MAX_CELLS, WC_ERR_INPUT,
           "grid of %d x %d cells is larger than the supported %lld cells; split the basin "
           "or use a coarser cell size",
           (int)grid->rows, (int)grid->cols, (long long)WC_GRID_MAX_CELLS);
  WC_CHECK(isfinite(grid->cell_size_m) && grid->cell_size_m > 0.0, WC_ERR_INPUT,
           "grid cell size is %g m; it must be a finite number > 0", grid->cell_size_m);
  WC_CHECK(isfinite(grid->x_left_m) && isfinite(grid->y_top_m), WC_ERR_INPUT,
           "grid origin (x=%g, y=%g m) is not finite", grid->x_left_m, grid->y_top_m);
  return WC_OK;
}

void wc_grid_cell_center(const wc_grid *grid, int32_t row, int32_t col, double *x_m, double *y_m) {
  *x_m = grid->x_left_m + ((double)col + 0.5) * grid->cell_size_m;
  *y_m = grid->y_top_m - ((double)row + 0.5) * grid->cell_size_m;
}

bool wc_grid_cell_at(const wc_grid *grid, double x_m, double y_m, int32_t *row, int32_t *col) {
  double c = floor((x_m - grid->x_left_m) / grid->cell_size_m);
  double r = floor((grid->y_top_m - y_m) / grid->cell_size_m);
  /* The comparisons are written so that NaN coordinates fall outside. */
  if (!(c >= 0.0 && c < (double)grid->cols && r >= 0.0 && r < (double)grid->rows)) return false;
  *row = (int32_t)r;
  *col = (int32_t)c;
  return true;
}

const char *wc_grid_cell_name(const wc_grid *grid, int32_t cell, char *buffer, size_t size) {
  int32_t row = cell / grid->cols, col = cell % grid->cols;
  double x, y;
  wc_grid_cell_center(grid, row, col, &x, &y);
  snprintf(buffer, size, "row %d, column %d (x=%.1f, y=%.1f m)", (int)row, (int)col, x, y);
  return buffer;
}
