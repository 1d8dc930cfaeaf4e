/*
 * wc_polygon.h — planar polygons and polylines in projected metres, and their rasters.
 *
 * Everything here works on plain coordinate arrays (x_m[i], y_m[i]) in a projected CRS
 * (UTM for the built-in basins), so the terrain synthesizer, the basin importer and the
 * tests can use it on any data. A polygon is one ring, closed implicitly (the last vertex
 * connects to the first; repeating the first vertex at the end is allowed and harmless).
 *
 * Grids follow the terrain convention (model/terrain/wc_grid.h, same field names): square
 * cells, row 0 the north row, column 0 the west column, cells numbered row * cols + col,
 * a cell's centre at x = x_left_m + (col + 0.5) * cell_size_m,
 * y = y_top_m - (row + 0.5) * cell_size_m. Geo keeps its own small struct so that this
 * module builds and tests alone; converting is a field-by-field copy.
 *
 * Inside/outside is decided for a point (a cell centre) by the even-odd crossing rule,
 * with the half-open convention that makes polygons sharing an edge partition the plane:
 * a point on a shared edge belongs to exactly one of them. Rasterizing polygons that tile
 * a region therefore gives every cell at most one id.
 */
#ifndef WC_POLYGON_H
#define WC_POLYGON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wc_status.h"

typedef struct wc_geo_grid {
  int32_t rows;
  int32_t cols;
  double x_left_m;    /* x of the west edge of column 0 */
  double y_top_m;     /* y of the north edge of row 0 */
  double cell_size_m; /* side of a square cell */
} wc_geo_grid;

/* WC_ERR_INPUT unless rows, cols >= 1, rows * cols < 2^31, origin and cell size finite,
 * cell size > 0. */
WC_NODISCARD wc_status wc_geo_grid_check(const wc_geo_grid *grid);

/* Centre of cell (row, col), metres. */
void wc_geo_grid_cell_center(const wc_geo_grid *grid, int32_t row, int32_t col, double *x_m,
                             double *y_m);

/* The cell holding point (x, y); false outside the grid (a point on a shared cell edge
 * belongs to the cell east / south of it). */
bool wc_geo_grid_cell_at(const wc_geo_grid *grid, double x_m, double y_m, int32_t *row,
                         int32_t *col);

/* A grid that covers the bounding box of the given points plus `margin_m` on every side,
 * with its origin snapped to a multiple of the cell size (so grids at 1 km and 500 m of
 * the same basin nest). */
WC_NODISCARD wc_status wc_geo_grid_around(const double *x_m, const double *y_m, size_t count,
                                          double cell_size_m, double margin_m,
                                          wc_geo_grid *grid);

/* Signed area by the shoelace formula, m^2: positive when the ring runs counter-clockwise
 * (x east, y north). 0 for fewer than 3 vertices. */
double wc_polygon_signed_area_m2(const double *x_m, const double *y_m, size_t count);

/* |signed area|, m^2. */
double wc_polygon_area_m2(const double *x_m, const double *y_m, size_t count);

/* Whether (px, py) lies inside the ring (even-odd rule, half-open edges; see above). */
bool wc_polygon_contains(const double *x_m, const double *y_m, size_t count, double px_m,
                         double py_m);

/*
 * Rasterize a polygon: every cell whose centre lies inside (the wc_polygon_contains rule)
 * gets `id` written into `cell_ids` (rows * cols int32, row-major); other cells are left
 * untouched, so calling it for several polygons paints them in order. `cells_set`
 * (may be NULL) receives the number of cells painted. Cost O(rows * (vertices + cols)):
 * one scanline per row, the crossings sorted.
 */
WC_NODISCARD wc_status wc_polygon_rasterize(const wc_geo_grid *grid, const double *x_m,
                                            const double *y_m, size_t count, int32_t id,
                                            int32_t *cell_ids, int64_t *cells_set);

/* Length of a polyline, m. */
double wc_polyline_length_m(const double *x_m, const double *y_m, size_t count);

/*
 * Shortest distance (m) from (px, py) to a polyline. If `along_m` is non-NULL it receives
 * the distance along the polyline from its first vertex to the nearest point on it (the
 * first such point when several are equally near). INFINITY (and along 0) for an empty
 * polyline; the distance to the vertex for a single vertex.
 */
double wc_polyline_distance_m(const double *x_m, const double *y_m, size_t count, double px_m,
                              double py_m, double *along_m);

/* The point `along_m` metres along a polyline from its first vertex (clamped to the ends). */
void wc_polyline_point_at(const double *x_m, const double *y_m, size_t count, double along_m,
                          double *px_m, double *py_m);

/*
 * Burn a polyline into a grid as a D8 path: the cells it passes through, in order from
 * its first vertex to its last, each one an 8-neighbour of the previous, no cell twice.
 *
 * How: each segment is walked cell by cell (Amanatides & Woo traversal, which gives the
 * 4-connected set of cells the segment really crosses); then a cell is dropped where its
 * predecessor and successor touch diagonally (a corner step), unless it holds a vertex of
 * the polyline, so a tributary that ends on a vertex of its receiving river ends on a
 * cell of that river's path too; finally a loop (the line coming back to a cell it left)
 * is cut out, keeping the first visit. Every cell kept is one the line crosses.
 *
 * `*cells` is allocated here (free() it) and holds `*cell_count` cell numbers
 * (row * cols + col). WC_ERR_INPUT if a vertex lies outside the grid or is not finite, or
 * the polyline has no vertex.
 */
WC_NODISCARD wc_status wc_polyline_rasterize(const wc_geo_grid *grid, const double *x_m,
                                             const double *y_m, size_t count, int32_t **cells,
                                             int32_t *cell_count);

/*
 * Mark the cells whose centre lies within `half_width_m` of a polyline: `mask` (rows * cols
 * bytes) gets `value` there and is untouched elsewhere; `cells_set` (may be NULL) counts
 * the cells that did not hold `value` before. Used for channel corridors (e.g. the Yongding below Guanting). Cost: O(cells in
 * the polyline's bounding box widened by the half width, times segments).
 */
WC_NODISCARD wc_status wc_polyline_buffer_rasterize(const wc_geo_grid *grid, const double *x_m,
                                                    const double *y_m, size_t count,
                                                    double half_width_m, uint8_t value,
                                                    uint8_t *mask, int64_t *cells_set);

#endif /* WC_POLYGON_H */
