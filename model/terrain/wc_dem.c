/* wc_dem.c — Priority-Flood+epsilon depression filling and DEM sanity checks. */
#include "wc_dem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wc_flowdir.h"
#include "wc_terrain_private.h"

/* Binary min-heap of (elevation, cell). Ties are broken by cell index so the fill, and
 * with it every flow direction, is the same on every machine and run. */
typedef struct heap_item {
  double z;
  int32_t cell;
} heap_item;

typedef struct cell_heap {
  heap_item *items;
  size_t size;
  size_t capacity;
} cell_heap;

static inline bool heap_less(heap_item a, heap_item b) {
  return a.z < b.z || (a.z == b.z && a.cell < b.cell);
}

static wc_status heap_push(cell_heap *heap, double z, int32_t cell) {
  if (heap->size == heap->capacity) {
    /* The open front is usually a small fraction of the grid, so grow on demand rather
     * than reserving a slot for every cell. */
    size_t capacity = heap->capacity ? 2 * heap->capacity : 4096;
    heap_item *items = realloc(heap->items, capacity * sizeof *items);
    WC_CHECK(items != NULL, WC_ERR_MEMORY,
             "out of memory growing the priority-flood queue to %zu entries", capacity);
    heap->items = items;
    heap->capacity = capacity;
  }
  heap_item item = {z, cell};
  size_t i = heap->size++;
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!heap_less(item, heap->items[parent])) break;
    heap->items[i] = heap->items[parent];
    i = parent;
  }
  heap->items[i] = item;
  return WC_OK;
}

static int32_t heap_pop(cell_heap *heap) {
  int32_t top = heap->items[0].cell;
  heap_item last = heap->items[--heap->size];
  size_t i = 0, n = heap->size;
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_less(heap->items[child + 1], heap->items[child])) child++;
    if (!heap_less(heap->items[child], last)) break;
    heap->items[i] = heap->items[child];
    i = child;
  }
  if (n > 0) heap->items[i] = last;
  return top;
}

/* Checks shared by fill: finite elevations on valid cells, at least one valid cell. */
static wc_status check_elevations(const wc_grid *grid, const double *dem, const uint8_t *valid,
                                  int32_t *n_valid) {
  int32_t n = wc_grid_cell_count(grid), count = 0;
  for (int32_t i = 0; i < n; i++) {
    if (!wc_valid_at(valid, i)) continue;
    if (!isfinite(dem[i])) {
      char where[WC_CELL_NAME_MAX];
      WC_FAIL(WC_ERR_INPUT,
              "DEM elevation at %s is %g, not a finite number; mark the cell nodata in the "
              "valid mask or give it an elevation in metres",
              wc_grid_cell_name(grid, i, where, sizeof where), dem[i]);
    }
    count++;
  }
  WC_CHECK(count > 0, WC_ERR_INPUT,
           "DEM has no valid cell: all %d cells of the %d x %d grid are nodata; check the "
           "nodata value and the mask",
           (int)n, (int)grid->rows, (int)grid->cols);
  *n_valid = count;
  return WC_OK;
}

static wc_status seed_outlets(const wc_grid *grid, const double *filled, const uint8_t *valid,
                              const wc_outlets *outlets, uint8_t *closed, cell_heap *open) {
  int32_t n = wc_grid_cell_count(grid);
  if (outlets == NULL || outlets->mode == WC_OUTLETS_OPEN) {
    for (int32_t r = 0; r < grid->rows; r++)
      for (int32_t c = 0; c < grid->cols; c++) {
        int32_t i = r * grid->cols + c;
        if (closed[i] || !wc_is_open_seed(grid, valid, r, c)) continue;
        closed[i] = 1;
        WC_CALL(heap_push(open, filled[i], i));
      }
    return WC_OK;
  }
  WC_CHECK(outlets->mode == WC_OUTLETS_DESIGNATED, WC_ERR_INTERNAL, "unknown outlet mode %d",
           (int)outlets->mode);
  WC_CHECK(outlets->count >= 1 && outlets->cells != NULL, WC_ERR_INPUT,
           "designated-outlet mode needs at least one outlet cell; %d given", (int)outlets->count);
  for (int32_t k = 0; k < outlets->count; k++) {
    int32_t i = outlets->cells[k];
    WC_CHECK(i >= 0 && i < n, WC_ERR_INPUT,
             "designated outlet %d is grid cell %d, outside the %d x %d grid (cells 0..%d)", (int)k,
             (int)i, (int)grid->rows, (int)grid->cols, (int)n - 1);
    if (!wc_valid_at(valid, i)) {
      char where[WC_CELL_NAME_MAX];
      WC_FAIL(WC_ERR_INPUT,
              "designated outlet %d at %s is a nodata cell; an outlet must be "
              "a valid cell of the basin",
              (int)k, wc_grid_cell_name(grid, i, where, sizeof where));
    }
    if (closed[i]) continue; /* listed twice: harmless */
    closed[i] = 1;
    WC_CALL(heap_push(open, filled[i], i));
  }
  return WC_OK;
}

static wc_status flood(const wc_grid *grid, double *filled, uint8_t *closed, cell_heap *open,
                       int32_t *pit) {
  const int32_t rows = grid->rows, cols = grid->cols;
  size_t pit_head = 0, pit_tail = 0;
  while (pit_head < pit_tail || open->size > 0) {
    /* Raised cells (in a depression or on a flat) wait in a FIFO; their elevations are
     * non-decreasing in it, so taking the lower of the FIFO front and the heap top keeps
     * one priority order. Ties go to the heap: all exits of a flat at the same elevation
     * start before any raised cell, so the flat tilts by breadth-first distance to its
     * nearest exit instead of draining everything towards the exit popped first. */
    bool take_pit =
        pit_head < pit_tail && (open->size == 0 || filled[pit[pit_head]] < open->items[0].z);
    int32_t cell = take_pit ? pit[pit_head++] : heap_pop(open);
    int32_t row = cell / cols, col = cell % cols;
    double raised = nextafter(filled[cell], INFINITY);
    for (int k = 0; k < 8; k++) {
      int32_t r = row + wc_d8_drow[k], c = col + wc_d8_dcol[k];
      if (r < 0 || r >= rows || c < 0 || c >= cols) continue;
      int32_t next = r * cols + c;
      if (closed[next]) continue;
      closed[next] = 1;
      if (filled[next] <= raised) {
        filled[next] = raised;
        pit[pit_tail++] = next;
      } else {
        WC_CALL(heap_push(open, filled[next], next));
      }
    }
  }
  return WC_OK;
}

wc_status wc_dem_fill(const wc_grid *grid, const double *dem, const uint8_t *valid,
                      const wc_outlets *outlets, double *filled) {
  WC_CALL(wc_grid_check(grid));
  WC_CHECK(dem != NULL && filled != NULL, WC_ERR_INTERNAL, "wc_dem_fill: NULL raster");
  int32_t n = wc_grid_cell_count(grid), n_valid = 0;
  WC_CALL(check_elevations(grid, dem, valid, &n_valid));
  if (filled != dem) memcpy(filled, dem, (size_t)n * sizeof *filled);

  wc_status status = WC_OK;
  uint8_t *closed = NULL;
  int32_t *pit = NULL;
  cell_heap open = {0};
  closed = calloc((size_t)n, 1);
  pit = malloc((size_t)n * sizeof *pit);
  if (closed == NULL || pit == NULL) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__,
                          "out of memory for the priority-flood work arrays of %d cells", (int)n);
    goto done;
  }
  /* Nodata cells start closed, so the flood never enters them: one test per neighbour. */
  for (int32_t i = 0; i < n; i++) closed[i] = !wc_valid_at(valid, i);

  WC_CALL_GOTO(status, done, seed_outlets(grid, filled, valid, outlets, closed, &open));
  WC_CALL_GOTO(status, done, flood(grid, filled, closed, &open, pit));

  /* Only designated mode can leave cells unreached: a valid region with no outlet. */
  int32_t unreached = 0, first = -1;
  for (int32_t i = 0; i < n; i++)
    if (!closed[i]) {
      if (first < 0) first = i;
      unreached++;
    }
  if (unreached > 0) {
    char where[WC_CELL_NAME_MAX];
    status = wc_error_set(
        WC_ERR_INPUT, __FILE__, __LINE__,
        "%d valid cell(s) cannot drain to any designated outlet, e.g. %s: they form a region "
        "not 8-connected to an outlet; add an outlet in that region or mark it nodata",
        (int)unreached, wc_grid_cell_name(grid, first, where, sizeof where));
  }

done:
  free(closed);
  free(pit);
  free(open.items);
  return status;
}

wc_status wc_dem_check_relief(const wc_grid *grid, const double *dem, const uint8_t *valid) {
  WC_CALL(wc_grid_check(grid));
  int32_t n = wc_grid_cell_count(grid), count = 0;
  double lo = INFINITY, hi = -INFINITY;
  for (int32_t i = 0; i < n; i++) {
    if (!wc_valid_at(valid, i)) continue;
    count++;
    if (dem[i] < lo) lo = dem[i];
    if (dem[i] > hi) hi = dem[i];
  }
  WC_CHECK(count > 0, WC_ERR_INPUT,
           "DEM has no relief: it has no valid cell at all (%d x %d "
           "grid, all nodata); check the nodata value and the mask",
           (int)grid->rows, (int)grid->cols);
  WC_CHECK(hi > lo, WC_ERR_INPUT,
           "DEM has no relief: all %d valid cells have elevation %g m; a basin DEM needs "
           "elevation differences to route water (check the band and the nodata value)",
           (int)count, lo);
  return WC_OK;
}

/* Breadth-first flood over nodata cells from `queue[0..tail)`, marking them in `seen`. */
static int32_t flood_nodata(const wc_grid *grid, const uint8_t *valid, uint8_t *seen,
                            int32_t *queue, int32_t tail) {
  int32_t head = 0;
  while (head < tail) {
    int32_t cell = queue[head++];
    int32_t row = cell / grid->cols, col = cell % grid->cols;
    for (int k = 0; k < 8; k++) {
      int32_t r = row + wc_d8_drow[k], c = col + wc_d8_dcol[k];
      if (r < 0 || r >= grid->rows || c < 0 || c >= grid->cols) continue;
      int32_t next = r * grid->cols + c;
      if (valid[next] || seen[next]) continue;
      seen[next] = 1;
      queue[tail++] = next;
    }
  }
  return tail;
}

wc_status wc_dem_check_holes(const wc_grid *grid, const uint8_t *valid) {
  WC_CALL(wc_grid_check(grid));
  if (valid == NULL) return WC_OK;
  int32_t n = wc_grid_cell_count(grid);
  uint8_t *seen = NULL;
  int32_t *queue = NULL;
  WC_MALLOC(seen, n, "nodata-hole marks");
  queue = malloc((size_t)n * sizeof *queue);
  if (queue == NULL) {
    free(seen);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for the nodata-hole queue of %d cells", (int)n);
  }
  /* Nodata that touches the edge, directly or through other nodata, is "outside". */
  int32_t tail = 0;
  for (int32_t r = 0; r < grid->rows; r++)
    for (int32_t c = 0; c < grid->cols; c++) {
      int32_t i = r * grid->cols + c;
      bool edge = r == 0 || c == 0 || r == grid->rows - 1 || c == grid->cols - 1;
      if (edge && !valid[i] && !seen[i]) {
        seen[i] = 1;
        queue[tail++] = i;
      }
    }
  flood_nodata(grid, valid, seen, queue, tail);

  wc_status status = WC_OK;
  for (int32_t i = 0; i < n; i++) {
    if (valid[i] || seen[i]) continue;
    seen[i] = 1;
    queue[0] = i;
    int32_t size = flood_nodata(grid, valid, seen, queue, 1);
    char where[WC_CELL_NAME_MAX];
    status = wc_error_set(
        WC_ERR_INPUT, __FILE__, __LINE__,
        "DEM has an interior nodata hole of %d cell(s) at %s, enclosed by valid cells; "
        "nodata must lie outside the basin (connected to the grid edge): fill the hole's "
        "elevations or cut the basin mask there",
        (int)size, wc_grid_cell_name(grid, i, where, sizeof where));
    break;
  }
  free(seen);
  free(queue);
  return status;
}
