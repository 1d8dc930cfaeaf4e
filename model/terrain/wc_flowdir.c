/* wc_flowdir.c — D8 directions from a filled DEM, and validation/ordering of any D8 grid. */
#include "wc_flowdir.h"

#include <math.h>
#include <stdlib.h>

#include "wc_terrain_private.h"

const int8_t wc_d8_drow[8] = {0, 1, 1, 1, 0, -1, -1, -1};
const int8_t wc_d8_dcol[8] = {1, 1, 0, -1, -1, -1, 0, 1};

const char *wc_d8_name(int code) {
  static const char *const names[8] = {"E", "SE", "S", "SW", "W", "NW", "N", "NE"};
  if (code >= 0 && code < 8) return names[code];
  if (code == WC_D8_OUTLET) return "outlet";
  if (code == WC_D8_NODATA) return "nodata";
  return "invalid";
}

/* Marks a valid cell whose direction is not decided yet (never left in the output). */
enum { D8_UNSET = 8 };

wc_status wc_flowdir_d8(const wc_grid *grid, const double *filled, const uint8_t *valid,
                        const wc_outlets *outlets, int8_t *dir) {
  WC_CALL(wc_grid_check(grid));
  WC_CHECK(filled != NULL && dir != NULL, WC_ERR_INTERNAL, "wc_flowdir_d8: NULL raster");
  const int32_t rows = grid->rows, cols = grid->cols, n = rows * cols;
  const bool designated = outlets != NULL && outlets->mode == WC_OUTLETS_DESIGNATED;
  char where[WC_CELL_NAME_MAX];

  int32_t n_valid = 0;
  for (int32_t i = 0; i < n; i++) {
    bool ok = wc_valid_at(valid, i);
    dir[i] = ok ? D8_UNSET : WC_D8_NODATA;
    n_valid += ok;
    if (ok && !isfinite(filled[i]))
      WC_FAIL(WC_ERR_INPUT, "filled DEM elevation at %s is %g, not a finite number",
              wc_grid_cell_name(grid, i, where, sizeof where), filled[i]);
  }
  WC_CHECK(n_valid > 0, WC_ERR_INPUT,
           "DEM has no valid cell: all %d cells of the %d x %d grid are nodata", (int)n, (int)rows,
           (int)cols);
  if (designated) {
    WC_CHECK(outlets->count >= 1 && outlets->cells != NULL, WC_ERR_INPUT,
             "designated-outlet mode needs at least one outlet cell; %d given",
             (int)outlets->count);
    for (int32_t k = 0; k < outlets->count; k++) {
      int32_t i = outlets->cells[k];
      WC_CHECK(i >= 0 && i < n, WC_ERR_INPUT,
               "designated outlet %d is grid cell %d, outside the %d x %d grid (cells 0..%d)",
               (int)k, (int)i, (int)rows, (int)cols, (int)n - 1);
      WC_CHECK(dir[i] != WC_D8_NODATA, WC_ERR_INPUT,
               "designated outlet %d at %s is a nodata cell; an outlet must be a valid cell",
               (int)k, wc_grid_cell_name(grid, i, where, sizeof where));
      dir[i] = WC_D8_OUTLET;
    }
  }

  /* Weights per code: slope = drop * weight / cell_size; the common 1/cell_size is left
   * out of the comparison. */
  const double diag = 0.70710678118654752440; /* 1 / sqrt(2); M_SQRT1_2 is not C11 */
  const double weight[8] = {1.0, diag, 1.0, diag, 1.0, diag, 1.0, diag};
  for (int32_t row = 0; row < rows; row++) {
    for (int32_t col = 0; col < cols; col++) {
      int32_t i = row * cols + col;
      if (dir[i] != D8_UNSET) continue;
      double z = filled[i], best = 0.0;
      int code = -1;
      for (int k = 0; k < 8; k++) {
        int32_t r = row + wc_d8_drow[k], c = col + wc_d8_dcol[k];
        if (r < 0 || r >= rows || c < 0 || c >= cols) continue;
        int32_t next = r * cols + c;
        if (!wc_valid_at(valid, next)) continue;
        /* Scaled by 2^600 (exact): the one-ulp tilts of a flat at elevation 0 are
         * subnormal, and drop / sqrt(2) would round back to the cardinal drop. */
        double drop = (z - filled[next]) * 0x1p600;
        if (drop > 0.0 && (code < 0 || drop * weight[k] > best)) {
          best = drop * weight[k];
          code = k;
        }
      }
      if (code >= 0) {
        dir[i] = (int8_t)code;
      } else if (!designated && wc_is_open_seed(grid, valid, row, col)) {
        dir[i] = WC_D8_OUTLET;
      } else {
        WC_FAIL(WC_ERR_INPUT,
                "%s (elevation %.17g m) has no lower neighbour and is not an outlet: it is an "
                "unfilled pit or flat; condition the DEM with wc_dem_fill() using the same "
                "mask and outlets first",
                wc_grid_cell_name(grid, i, where, sizeof where), z);
      }
    }
  }
  return WC_OK;
}

/* Downstream grid cell of a cell with code 0..7 (caller checked it stays on the grid). */
static inline int32_t downstream_cell(const wc_grid *grid, int32_t cell, int code) {
  return cell + wc_d8_drow[code] * grid->cols + wc_d8_dcol[code];
}

/* Codes in range, targets on the grid and valid. Counts valid cells. */
static wc_status check_codes(const wc_grid *grid, const int8_t *dir, int32_t *n_valid) {
  const int32_t rows = grid->rows, cols = grid->cols;
  char where[WC_CELL_NAME_MAX];
  int32_t count = 0;
  for (int32_t row = 0; row < rows; row++) {
    for (int32_t col = 0; col < cols; col++) {
      int32_t i = row * cols + col;
      int code = dir[i];
      if (code == WC_D8_NODATA) continue;
      count++;
      if (code == WC_D8_OUTLET) continue;
      if (code < 0 || code > 7)
        WC_FAIL(WC_ERR_INPUT,
                "flow direction at %s is %d; valid codes are -2 (nodata), -1 (outlet) and "
                "0..7 (E, SE, S, SW, W, NW, N, NE)",
                wc_grid_cell_name(grid, i, where, sizeof where), code);
      int32_t r = row + wc_d8_drow[code], c = col + wc_d8_dcol[code];
      if (r < 0 || r >= rows || c < 0 || c >= cols)
        WC_FAIL(WC_ERR_INPUT,
                "flow direction at %s points %s, off the grid; a cell that drains out of the "
                "grid must be coded -1 (outlet)",
                wc_grid_cell_name(grid, i, where, sizeof where), wc_d8_name(code));
      if (dir[r * cols + c] == WC_D8_NODATA)
        WC_FAIL(WC_ERR_INPUT,
                "flow direction at %s points %s into a nodata cell; a cell that drains out of "
                "the basin must be coded -1 (outlet)",
                wc_grid_cell_name(grid, i, where, sizeof where), wc_d8_name(code));
    }
  }
  WC_CHECK(count > 0, WC_ERR_INPUT,
           "flow direction grid has no valid cell: all %d x %d cells are nodata (-2)", (int)rows,
           (int)cols);
  *n_valid = count;
  return WC_OK;
}

/* Depth-first post-order over upstream neighbours from every outlet. Upstream neighbours
 * are found by looking at the 8 neighbours (does it point back at me?), which needs no
 * upstream index and visits each cell once. Returns the number of cells ordered. */
static int32_t postorder_from_outlets(const wc_grid *grid, const int8_t *dir, int32_t *order,
                                      int32_t *stack_cell, uint8_t *stack_k) {
  const int32_t rows = grid->rows, cols = grid->cols, n = rows * cols;
  int32_t count = 0;
  for (int32_t outlet = 0; outlet < n; outlet++) {
    if (dir[outlet] != WC_D8_OUTLET) continue;
    int32_t top = 0;
    stack_cell[0] = outlet;
    stack_k[0] = 0;
    while (top >= 0) {
      int32_t cell = stack_cell[top];
      int k = stack_k[top];
      int32_t row = cell / cols, col = cell % cols;
      for (; k < 8; k++) {
        int32_t r = row + wc_d8_drow[k], c = col + wc_d8_dcol[k];
        if (r < 0 || r >= rows || c < 0 || c >= cols) continue;
        if (dir[r * cols + c] == ((k + 4) & 7)) break;
      }
      if (k < 8) {
        stack_k[top] = (uint8_t)(k + 1);
        top++;
        stack_cell[top] = cell + wc_d8_drow[k] * cols + wc_d8_dcol[k];
        stack_k[top] = 0;
      } else {
        order[count++] = cell;
        top--;
      }
    }
  }
  return count;
}

/* Some valid cells never reached an outlet: find and report a cycle. */
static wc_status report_cycle(const wc_grid *grid, const int8_t *dir, const int32_t *order,
                              int32_t count, int32_t n_valid) {
  const int32_t n = wc_grid_cell_count(grid);
  uint8_t *mark = NULL;
  WC_MALLOC(mark, n, "cycle-search marks");
  for (int32_t k = 0; k < count; k++) mark[order[k]] = 1;
  int32_t start = 0;
  while (start < n && (dir[start] == WC_D8_NODATA || mark[start])) start++;
  if (start == n) {
    free(mark);
    WC_FAIL(WC_ERR_INTERNAL, "flow order reached %d of %d cells but no unreached cell found",
            (int)count, (int)n_valid);
  }
  /* A cell that never reaches an outlet is on a cycle or upstream of one; walking down
   * from it must revisit a cell, and the first revisited cell lies on the cycle. */
  int32_t cell = start;
  while (mark[cell] != 2) {
    mark[cell] = 2;
    cell = downstream_cell(grid, cell, dir[cell]);
  }
  int32_t first = cell, length = 0, walk = cell;
  do {
    if (walk < first) first = walk;
    length++;
    walk = downstream_cell(grid, walk, dir[walk]);
  } while (walk != cell);
  free(mark);
  char where[WC_CELL_NAME_MAX], next[WC_CELL_NAME_MAX];
  WC_FAIL(WC_ERR_INPUT,
          "flow directions form a cycle of %d cells through %s, which points %s to %s; "
          "following the directions returns to it instead of reaching an outlet (-1); "
          "%d cell(s) are on or upstream of cycles",
          (int)length, wc_grid_cell_name(grid, first, where, sizeof where), wc_d8_name(dir[first]),
          wc_grid_cell_name(grid, downstream_cell(grid, first, dir[first]), next, sizeof next),
          (int)(n_valid - count));
}

wc_status wc_flowdir_order(const wc_grid *grid, const int8_t *dir, int32_t *order, int32_t *count) {
  WC_CALL(wc_grid_check(grid));
  WC_CHECK(dir != NULL && order != NULL && count != NULL, WC_ERR_INTERNAL,
           "wc_flowdir_order: NULL argument");
  int32_t n_valid = 0;
  WC_CALL(check_codes(grid, dir, &n_valid));

  int32_t *stack_cell = NULL;
  uint8_t *stack_k = NULL;
  WC_MALLOC(stack_cell, n_valid, "flow-order stack");
  stack_k = malloc((size_t)n_valid);
  if (stack_k == NULL) {
    free(stack_cell);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for the flow-order stack of %d cells", (int)n_valid);
  }
  int32_t ordered = postorder_from_outlets(grid, dir, order, stack_cell, stack_k);
  free(stack_cell);
  free(stack_k);
  if (ordered < n_valid) WC_CALL(report_cycle(grid, dir, order, ordered, n_valid));
  *count = ordered;
  return WC_OK;
}

wc_status wc_flowdir_check(const wc_grid *grid, const int8_t *dir) {
  WC_CALL(wc_grid_check(grid));
  int32_t *order = NULL, count = 0;
  WC_MALLOC(order, wc_grid_cell_count(grid), "flow order");
  wc_status status = wc_flowdir_order(grid, dir, order, &count);
  free(order);
  if (status != WC_OK) wc_error_push_frame(__FILE__, __LINE__, "wc_flowdir_order");
  return status;
}
