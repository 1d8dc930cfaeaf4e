/* wc_polygon.c — shoelace areas, crossing-rule containment, scanline and D8 rasterizers. */
#include "wc_polygon.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- grid ---- */

wc_status wc_geo_grid_check(const wc_geo_grid *grid) {
  WC_CHECK(grid != NULL, WC_ERR_INTERNAL, "grid geometry is NULL");
  WC_CHECK(grid->rows >= 1 && grid->cols >= 1, WC_ERR_INPUT,
           "grid has %d rows and %d columns; both must be at least 1", (int)grid->rows,
           (int)grid->cols);
  WC_CHECK((int64_t)grid->rows * grid->cols < INT32_MAX, WC_ERR_INPUT,
           "grid of %d x %d cells has more than 2^31 - 1 cells; use a coarser cell size",
           (int)grid->rows, (int)grid->cols);
  WC_CHECK(isfinite(grid->cell_size_m) && grid->cell_size_m > 0.0, WC_ERR_INPUT,
           "grid cell size is %g m; it must be a finite number > 0", grid->cell_size_m);
  WC_CHECK(isfinite(grid->x_left_m) && isfinite(grid->y_top_m), WC_ERR_INPUT,
           "grid origin (x=%g, y=%g m) is not finite", grid->x_left_m, grid->y_top_m);
  return WC_OK;
}

void wc_geo_grid_cell_center(const wc_geo_grid *grid, int32_t row, int32_t col, double *x_m,
                             double *y_m) {
  *x_m = grid->x_left_m + ((double)col + 0.5) * grid->cell_size_m;
  *y_m = grid->y_top_m - ((double)row + 0.5) * grid->cell_size_m;
}

bool wc_geo_grid_cell_at(const wc_geo_grid *grid, double x_m, double y_m, int32_t *row,
                         int32_t *col) {
  double c = floor((x_m - grid->x_left_m) / grid->cell_size_m);
  double r = floor((grid->y_top_m - y_m) / grid->cell_size_m);
  /* Written so that NaN falls outside. */
  if (!(c >= 0.0 && c < (double)grid->cols && r >= 0.0 && r < (double)grid->rows)) return false;
  *row = (int32_t)r;
  *col = (int32_t)c;
  return true;
}

wc_status wc_geo_grid_around(const double *x_m, const double *y_m, size_t count,
                             double cell_size_m, double margin_m, wc_geo_grid *grid) {
  WC_CHECK(count > 0, WC_ERR_INPUT, "cannot build a grid around no points");
  WC_CHECK(isfinite(cell_size_m) && cell_size_m > 0.0 && isfinite(margin_m) && margin_m >= 0.0,
           WC_ERR_INPUT, "grid cell size %g m and margin %g m must be finite, size > 0, margin >= 0",
           cell_size_m, margin_m);
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (size_t i = 0; i < count; i++) {
    WC_CHECK(isfinite(x_m[i]) && isfinite(y_m[i]), WC_ERR_INPUT,
             "point %zu (x=%g, y=%g m) is not finite", i, x_m[i], y_m[i]);
    x0 = fmin(x0, x_m[i]);
    x1 = fmax(x1, x_m[i]);
    y0 = fmin(y0, y_m[i]);
    y1 = fmax(y1, y_m[i]);
  }
  double left = floor((x0 - margin_m) / cell_size_m) * cell_size_m;
  double right = ceil((x1 + margin_m) / cell_size_m) * cell_size_m;
  double bottom = floor((y0 - margin_m) / cell_size_m) * cell_size_m;
  double top = ceil((y1 + margin_m) / cell_size_m) * cell_size_m;
  double cols = round((right - left) / cell_size_m), rows = round((top - bottom) / cell_size_m);
  WC_CHECK(cols * rows < (double)INT32_MAX, WC_ERR_INPUT,
           "a %.0f x %.0f km grid at %g m has more than 2^31 - 1 cells; use a coarser cell size",
           (right - left) / 1000.0, (top - bottom) / 1000.0, cell_size_m);
  grid->x_left_m = left;
  grid->y_top_m = top;
  grid->cell_size_m = cell_size_m;
  grid->cols = (int32_t)(cols < 1.0 ? 1.0 : cols);
  grid->rows = (int32_t)(rows < 1.0 ? 1.0 : rows);
  return WC_OK;
}

/* ---- polygons ---- */

double wc_polygon_signed_area_m2(const double *x_m, const double *y_m, size_t count) {
  if (count < 3) return 0.0;
  /* Shoelace about the first vertex: subtracting it keeps the products small, so UTM
   * coordinates of millions of metres lose no precision. */
  double sum = 0.0;
  for (size_t i = 1; i + 1 < count; i++) {
    double ax = x_m[i] - x_m[0], ay = y_m[i] - y_m[0];
    double bx = x_m[i + 1] - x_m[0], by = y_m[i + 1] - y_m[0];
    sum += ax * by - bx * ay;
  }
  return 0.5 * sum;
}

double wc_polygon_area_m2(const double *x_m, const double *y_m, size_t count) {
  return fabs(wc_polygon_signed_area_m2(x_m, y_m, count));
}

/* Whether edge (a, b) crosses the horizontal line y = py under the half-open rule, and
 * where. The crossing is computed from the lower endpoint, so the same edge shared by two
 * polygons (traversed in opposite directions) gives bit-identical x in both: that is what
 * makes shared edges partition cleanly. */
static bool edge_crossing(double ax, double ay, double bx, double by, double py, double *x) {
  if ((ay > py) == (by > py)) return false;
  if (ay > by) {
    double t = ax;
    ax = bx;
    bx = t;
    t = ay;
    ay = by;
    by = t;
  }
  *x = ax + (py - ay) * (bx - ax) / (by - ay);
  return true;
}

bool wc_polygon_contains(const double *x_m, const double *y_m, size_t count, double px_m,
                         double py_m) {
  if (count < 3) return false;
  bool inside = false;
  for (size_t i = 0, j = count - 1; i < count; j = i++) {
    double x;
    if (edge_crossing(x_m[j], y_m[j], x_m[i], y_m[i], py_m, &x) && px_m < x) inside = !inside;
  }
  return inside;
}

static int compare_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

wc_status wc_polygon_rasterize(const wc_geo_grid *grid, const double *x_m, const double *y_m,
                               size_t count, int32_t id, int32_t *cell_ids,
                               int64_t *cells_set) {
  WC_CALL(wc_geo_grid_check(grid));
  WC_CHECK(count >= 3, WC_ERR_INPUT, "polygon has %zu vertices; a polygon needs at least 3",
           count);
  WC_CHECK(cell_ids != NULL, WC_ERR_INTERNAL, "no cell array to rasterize into");
  double y_min = INFINITY, y_max = -INFINITY;
  for (size_t i = 0; i < count; i++) {
    WC_CHECK(isfinite(x_m[i]) && isfinite(y_m[i]), WC_ERR_INPUT,
             "polygon vertex %zu (x=%g, y=%g m) is not finite", i, x_m[i], y_m[i]);
    y_min = fmin(y_min, y_m[i]);
    y_max = fmax(y_max, y_m[i]);
  }
  double *xs = NULL;
  WC_MALLOC(xs, count, "polygon scanline crossings");
  int64_t painted = 0;
  const double cs = grid->cell_size_m;
  for (int32_t row = 0; row < grid->rows; row++) {
    double cy = grid->y_top_m - ((double)row + 0.5) * cs;
    if (cy < y_min || cy > y_max) continue;
    size_t m = 0;
    for (size_t i = 0, j = count - 1; i < count; j = i++) {
      double x;
      if (edge_crossing(x_m[j], y_m[j], x_m[i], y_m[i], cy, &x)) xs[m++] = x;
    }
    qsort(xs, m, sizeof *xs, compare_double);
    /* A centre cx is inside iff an odd number of crossings lie strictly east of it, i.e.
     * xs[2k] <= cx < xs[2k+1] for some k (the contains() rule, evaluated per span). */
    for (size_t k = 0; k + 1 < m; k += 2) {
      double a = xs[k], b = xs[k + 1];
      double c_first = ceil((a - grid->x_left_m) / cs - 0.5);
      double c_last = ceil((b - grid->x_left_m) / cs - 0.5) - 1.0;
      if (c_first < 0.0) c_first = 0.0;
      if (c_last > grid->cols - 1) c_last = grid->cols - 1;
      if (c_first > c_last + 1.0) continue;
      int32_t c0 = (int32_t)c_first, c1 = (int32_t)c_last;
      /* Division rounding can be off by one; settle each end with the exact centre test. */
      while (c0 > 0 && grid->x_left_m + ((double)(c0 - 1) + 0.5) * cs >= a) c0--;
      while (c0 < grid->cols && grid->x_left_m + ((double)c0 + 0.5) * cs < a) c0++;
      while (c1 + 1 < grid->cols && grid->x_left_m + ((double)(c1 + 1) + 0.5) * cs < b) c1++;
      while (c1 >= 0 && grid->x_left_m + ((double)c1 + 0.5) * cs >= b) c1--;
      for (int32_t col = c0; col <= c1; col++) {
        cell_ids[(int64_t)row * grid->cols + col] = id;
        painted++;
      }
    }
  }
  free(xs);
  if (cells_set) *cells_set = painted;
  return WC_OK;
}

/* ---- polylines ---- */

double wc_polyline_length_m(const double *x_m, const double *y_m, size_t count) {
  double length = 0.0;
  for (size_t i = 1; i < count; i++) length += hypot(x_m[i] - x_m[i - 1], y_m[i] - y_m[i - 1]);
  return length;
}

/* Distance from p to segment a-b, and the parameter t in [0, 1] of the nearest point. */
static double segment_distance(double ax, double ay, double bx, double by, double px,
                               double py, double *t_out) {
  double dx = bx - ax, dy = by - ay;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0.0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0.0;
  t = t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
  if (t_out) *t_out = t;
  return hypot(ax + t * dx - px, ay + t * dy - py);
}

double wc_polyline_distance_m(const double *x_m, const double *y_m, size_t count, double px_m,
                              double py_m, double *along_m) {
  if (along_m) *along_m = 0.0;
  if (count == 0) return INFINITY;
  if (count == 1) return hypot(x_m[0] - px_m, y_m[0] - py_m);
  double best = INFINITY, best_along = 0.0, walked = 0.0;
  for (size_t i = 1; i < count; i++) {
    double t;
    double d = segment_distance(x_m[i - 1], y_m[i - 1], x_m[i], y_m[i], px_m, py_m, &t);
    double seg = hypot(x_m[i] - x_m[i - 1], y_m[i] - y_m[i - 1]);
    if (d < best) {
      best = d;
      best_along = walked + t * seg;
    }
    walked += seg;
  }
  if (along_m) *along_m = best_along;
  return best;
}

void wc_polyline_point_at(const double *x_m, const double *y_m, size_t count, double along_m,
                          double *px_m, double *py_m) {
  if (count == 0) {
    *px_m = *py_m = NAN;
    return;
  }
  double walked = 0.0;
  for (size_t i = 1; i < count && along_m > walked; i++) {
    double seg = hypot(x_m[i] - x_m[i - 1], y_m[i] - y_m[i - 1]);
    if (along_m <= walked + seg && seg > 0.0) {
      double t = (along_m - walked) / seg;
      *px_m = x_m[i - 1] + t * (x_m[i] - x_m[i - 1]);
      *py_m = y_m[i - 1] + t * (y_m[i] - y_m[i - 1]);
      return;
    }
    walked += seg;
  }
  size_t k = along_m <= 0.0 ? 0 : count - 1;
  *px_m = x_m[k];
  *py_m = y_m[k];
}

/* Growable list of cells with a "holds a vertex" flag. */
typedef struct cell_path {
  int32_t *cell;
  uint8_t *pinned;
  size_t count, capacity;
} cell_path;

static wc_status path_push(cell_path *p, int32_t cell, bool pinned) {
  if (p->count > 0 && p->cell[p->count - 1] == cell) {
    p->pinned[p->count - 1] |= (uint8_t)pinned;
    return WC_OK;
  }
  if (p->count == p->capacity) {
    size_t cap = p->capacity ? 2 * p->capacity : 256;
    int32_t *c = realloc(p->cell, cap * sizeof *c);
    WC_CHECK(c != NULL, WC_ERR_MEMORY, "out of memory growing a river cell path to %zu cells", cap);
    p->cell = c;
    uint8_t *q = realloc(p->pinned, cap * sizeof *q);
    WC_CHECK(q != NULL, WC_ERR_MEMORY, "out of memory growing a river cell path to %zu cells", cap);
    p->pinned = q;
    p->capacity = cap;
  }
  p->cell[p->count] = cell;
  p->pinned[p->count] = (uint8_t)pinned;
  p->count++;
  return WC_OK;
}

/* Walk one segment through the grid (Amanatides & Woo 1987), appending every cell it
 * crosses after the start cell. Positions are in cell units: u = column, v = row. */
static wc_status walk_segment(const wc_geo_grid *grid, double u0, double v0, double u1,
                              double v1, cell_path *path) {
  int32_t col = (int32_t)floor(u0), row = (int32_t)floor(v0);
  const int32_t col_end = (int32_t)floor(u1), row_end = (int32_t)floor(v1);
  double du = u1 - u0, dv = v1 - v0;
  int step_c = du > 0 ? 1 : (du < 0 ? -1 : 0);
  int step_r = dv > 0 ? 1 : (dv < 0 ? -1 : 0);
  /* Parameter t (0..1 along the segment) of the next column / row boundary. */
  double t_next_c = step_c > 0 ? (floor(u0) + 1.0 - u0) / du
                    : step_c < 0 ? (u0 - floor(u0)) / -du : INFINITY;
  double t_next_r = step_r > 0 ? (floor(v0) + 1.0 - v0) / dv
                    : step_r < 0 ? (v0 - floor(v0)) / -dv : INFINITY;
  double t_delta_c = step_c ? 1.0 / fabs(du) : INFINITY;
  double t_delta_r = step_r ? 1.0 / fabs(dv) : INFINITY;
  /* The walk ends in the end cell; the bound guards against rounding that could step past
   * it. */
  int64_t max_steps = (int64_t)llabs((long long)col_end - col) + llabs((long long)row_end - row) + 2;
  for (int64_t s = 0; s < max_steps && (col != col_end || row != row_end); s++) {
    if (t_next_c < t_next_r) {
      col += step_c;
      t_next_c += t_delta_c;
    } else if (t_next_r < t_next_c) {
      row += step_r;
      t_next_r += t_delta_r;
    } else { /* through a corner exactly: a diagonal step */
      col += step_c;
      row += step_r;
      t_next_c += t_delta_c;
      t_next_r += t_delta_r;
    }
    if (col < 0 || col >= grid->cols || row < 0 || row >= grid->rows) break;
    WC_CALL(path_push(path, row * grid->cols + col, false));
  }
  /* Rounding at the very end may leave the walk one cell short: finish on the end cell. */
  if (col != col_end || row != row_end) WC_CALL(path_push(path, row_end * grid->cols + col_end, false));
  return WC_OK;
}

static bool neighbours8(const wc_geo_grid *grid, int32_t a, int32_t b) {
  int32_t ra = a / grid->cols, ca = a % grid->cols, rb = b / grid->cols, cb = b % grid->cols;
  return a != b && abs(ra - rb) <= 1 && abs(ca - cb) <= 1;
}

/* Open-addressing map cell -> position, for cutting loops; deletion by backward shift. */
typedef struct cell_map {
  int32_t *key; /* -1 = empty */
  int32_t *value;
  size_t mask;
} cell_map;

static size_t map_slot(const cell_map *m, int32_t key) {
  return ((uint32_t)key * 2654435761u) & m->mask;
}

static int32_t map_get(const cell_map *m, int32_t key) {
  for (size_t i = map_slot(m, key);; i = (i + 1) & m->mask) {
    if (m->key[i] == -1) return -1;
    if (m->key[i] == key) return m->value[i];
  }
}

static void map_put(cell_map *m, int32_t key, int32_t value) {
  size_t i = map_slot(m, key);
  while (m->key[i] != -1 && m->key[i] != key) i = (i + 1) & m->mask;
  m->key[i] = key;
  m->value[i] = value;
}

static void map_remove(cell_map *m, int32_t key) {
  size_t i = map_slot(m, key);
  while (m->key[i] != key) {
    if (m->key[i] == -1) return;
    i = (i + 1) & m->mask;
  }
  m->key[i] = -1;
  /* Shift back the entries of the probe run that follows, so lookups still find them. */
  for (size_t j = (i + 1) & m->mask; m->key[j] != -1; j = (j + 1) & m->mask) {
    size_t home = map_slot(m, m->key[j]);
    bool movable = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
    if (movable) {
      m->key[i] = m->key[j];
      m->value[i] = m->value[j];
      m->key[j] = -1;
      i = j;
    }
  }
}

wc_status wc_polyline_rasterize(const wc_geo_grid *grid, const double *x_m, const double *y_m,
                                size_t count, int32_t **cells, int32_t *cell_count) {
  WC_CALL(wc_geo_grid_check(grid));
  WC_CHECK(cells != NULL && cell_count != NULL, WC_ERR_INTERNAL, "no output for river cells");
  *cells = NULL;
  *cell_count = 0;
  WC_CHECK(count >= 1, WC_ERR_INPUT, "polyline has no vertex; a river needs at least 2");
  for (size_t i = 0; i < count; i++) {
    int32_t r, c;
    WC_CHECK(wc_geo_grid_cell_at(grid, x_m[i], y_m[i], &r, &c), WC_ERR_INPUT,
             "polyline vertex %zu (x=%.1f, y=%.1f m) lies outside the %d x %d grid at "
             "x %.1f..%.1f, y %.1f..%.1f m; make the grid cover the whole line",
             i, x_m[i], y_m[i], (int)grid->rows, (int)grid->cols, grid->x_left_m,
             grid->x_left_m + grid->cols * grid->cell_size_m,
             grid->y_top_m - grid->rows * grid->cell_size_m, grid->y_top_m);
  }
  const double cs = grid->cell_size_m;
  cell_path raw = {0}, thin = {0};
  cell_map map = {0};
  int32_t *out = NULL;
  wc_status status = WC_OK;

  /* 1. The 4-connected cells each segment crosses; vertex cells pinned. */
  for (size_t i = 0; i < count; i++) {
    double u = (x_m[i] - grid->x_left_m) / cs, v = (grid->y_top_m - y_m[i]) / cs;
    int32_t r = 0, c = 0; /* always set: every vertex was checked to be on the grid */
    (void)wc_geo_grid_cell_at(grid, x_m[i], y_m[i], &r, &c);
    if (i > 0) {
      double u0 = (x_m[i - 1] - grid->x_left_m) / cs, v0 = (grid->y_top_m - y_m[i - 1]) / cs;
      WC_CALL_GOTO(status, done, walk_segment(grid, u0, v0, u, v, &raw));
    }
    WC_CALL_GOTO(status, done, path_push(&raw, r * grid->cols + c, true));
  }

  /* 2. Drop corner steps: a cell whose neighbours in the path touch diagonally. */
  for (size_t i = 0; i < raw.count; i++) {
    bool last = i + 1 == raw.count;
    if (!last && !raw.pinned[i] && thin.count > 0 &&
        neighbours8(grid, thin.cell[thin.count - 1], raw.cell[i + 1]))
      continue;
    WC_CALL_GOTO(status, done, path_push(&thin, raw.cell[i], raw.pinned[i]));
  }

  /* 3. Cut loops, keeping the first visit of a cell. */
  size_t cap = 16;
  while (cap < 2 * thin.count + 16) cap *= 2;
  map.key = malloc(cap * sizeof *map.key);
  map.value = malloc(cap * sizeof *map.value);
  out = malloc((thin.count ? thin.count : 1) * sizeof *out);
  if (!map.key || !map.value || !out) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__,
                          "out of memory cutting loops from a river path of %zu cells",
                          thin.count);
    goto done;
  }
  memset(map.key, 0xff, cap * sizeof *map.key);
  map.mask = cap - 1;
  int32_t n = 0;
  for (size_t i = 0; i < thin.count; i++) {
    int32_t cell = thin.cell[i];
    int32_t seen = map_get(&map, cell);
    if (seen >= 0) {
      while (n > seen + 1) map_remove(&map, out[--n]);
      continue;
    }
    map_put(&map, cell, n);
    out[n++] = cell;
  }
  *cells = out;
  *cell_count = n;
  out = NULL;
done:
  free(raw.cell);
  free(raw.pinned);
  free(thin.cell);
  free(thin.pinned);
  free(map.key);
  free(map.value);
  free(out);
  return status;
}

wc_status wc_polyline_buffer_rasterize(const wc_geo_grid *grid, const double *x_m,
                                       const double *y_m, size_t count, double half_width_m,
                                       uint8_t value, uint8_t *mask, int64_t *cells_set) {
  WC_CALL(wc_geo_grid_check(grid));
  WC_CHECK(count >= 1, WC_ERR_INPUT, "corridor polyline has no vertex");
  WC_CHECK(isfinite(half_width_m) && half_width_m > 0.0, WC_ERR_INPUT,
           "corridor half width %g m must be a finite number > 0", half_width_m);
  WC_CHECK(mask != NULL, WC_ERR_INTERNAL, "no mask to rasterize the corridor into");
  const double cs = grid->cell_size_m;
  int64_t painted = 0;
  for (size_t i = 0; i < count; i++) {
    size_t a = i, b = (i + 1 < count) ? i + 1 : i;
    if (count > 1 && i + 1 == count) break; /* segments only, unless a single point */
    WC_CHECK(isfinite(x_m[a]) && isfinite(y_m[a]) && isfinite(x_m[b]) && isfinite(y_m[b]),
             WC_ERR_INPUT, "corridor vertex %zu is not finite", i);
    double x0 = fmin(x_m[a], x_m[b]) - half_width_m, x1 = fmax(x_m[a], x_m[b]) + half_width_m;
    double y0 = fmin(y_m[a], y_m[b]) - half_width_m, y1 = fmax(y_m[a], y_m[b]) + half_width_m;
    double c_lo = floor((x0 - grid->x_left_m) / cs), c_hi = ceil((x1 - grid->x_left_m) / cs);
    double r_lo = floor((grid->y_top_m - y1) / cs), r_hi = ceil((grid->y_top_m - y0) / cs);
    if (c_lo < 0) c_lo = 0;
    if (r_lo < 0) r_lo = 0;
    if (c_hi > grid->cols - 1) c_hi = grid->cols - 1;
    if (r_hi > grid->rows - 1) r_hi = grid->rows - 1;
    for (int32_t r = (int32_t)r_lo; r <= (int32_t)r_hi; r++) {
      for (int32_t c = (int32_t)c_lo; c <= (int32_t)c_hi; c++) {
        double cx, cy;
        wc_geo_grid_cell_center(grid, r, c, &cx, &cy);
        if (segment_distance(x_m[a], y_m[a], x_m[b], y_m[b], cx, cy, NULL) > half_width_m)
          continue;
        uint8_t *m = &mask[(int64_t)r * grid->cols + c];
        if (*m != value) {
          *m = value;
          painted++;
        }
      }
    }
  }
  if (cells_set) *cells_set = painted;
  return WC_OK;
}
