/* wc_section.c — section snapping and sub-basin labelling. */
#include "wc_section.h"

#include <math.h>
#include <stdlib.h>

static double distance_to_cell(const wc_grid *grid, int32_t row, int32_t col, double x_m,
                               double y_m) {
  double cx, cy;
  wc_grid_cell_center(grid, row, col, &cx, &cy);
  return hypot(cx - x_m, cy - y_m);
}

wc_status wc_section_snap(const wc_drainage_graph *graph, const double *area_km2, double x_m,
                          double y_m, double radius_m, int32_t *node, double *moved_m) {
  WC_CHECK(graph != NULL && area_km2 != NULL && node != NULL, WC_ERR_INTERNAL,
           "wc_section_snap: NULL argument");
  const wc_grid *grid = &graph->grid;
  WC_CHECK(isfinite(x_m) && isfinite(y_m), WC_ERR_INPUT,
           "section point (x=%g, y=%g m) has a non-finite coordinate", x_m, y_m);
  WC_CHECK(isfinite(radius_m) && radius_m >= 0.0, WC_ERR_INPUT,
           "section snapping radius is %g m; it must be a finite distance >= 0 m", radius_m);
  int32_t row, col;
  if (!wc_grid_cell_at(grid, x_m, y_m, &row, &col)) {
    WC_FAIL(WC_ERR_INPUT,
            "section point (x=%.1f, y=%.1f m) lies outside the grid, which spans x=%.1f..%.1f "
            "and y=%.1f..%.1f m; check the coordinates and their CRS (search radius %.1f m)",
            x_m, y_m, grid->x_left_m, grid->x_left_m + grid->cols * grid->cell_size_m,
            grid->y_top_m - grid->rows * grid->cell_size_m, grid->y_top_m, radius_m);
  }
  int32_t home = graph->node_of_cell[row * grid->cols + col];
  if (home < 0) {
    /* Outside the basin: find the nearest basin cell so the user knows where to move. */
    int32_t nearest = -1;
    double best = INFINITY;
    for (int32_t i = 0; i < graph->n; i++) {
      double d = distance_to_cell(grid, graph->row[i], graph->col[i], x_m, y_m);
      if (d < best) {
        best = d;
        nearest = i;
      }
    }
    char where[WC_CELL_NAME_MAX];
    WC_FAIL(WC_ERR_INPUT,
            "section point (x=%.1f, y=%.1f m) lies outside the basin (nodata cell row %d, "
            "column %d); the nearest basin cell is %s at %.1f m, %s the search radius of "
            "%.1f m; move the point onto the river",
            x_m, y_m, (int)row, (int)col,
            wc_grid_cell_name(grid, graph->cell[nearest], where, sizeof where), best,
            best <= radius_m ? "within" : "beyond", radius_m);
  }

  int32_t chosen = home;
  double chosen_d = distance_to_cell(grid, row, col, x_m, y_m);
  double reach = ceil(radius_m / grid->cell_size_m) + 1.0; /* cells; +1 covers the offset */
  int32_t span = reach < (double)INT32_MAX / 2 ? (int32_t)reach : INT32_MAX / 2;
  int32_t r0 = row > span ? row - span : 0, c0 = col > span ? col - span : 0;
  int32_t r1 = grid->rows - 1 - row > span ? row + span : grid->rows - 1;
  int32_t c1 = grid->cols - 1 - col > span ? col + span : grid->cols - 1;
  for (int32_t r = r0; r <= r1; r++) {
    for (int32_t c = c0; c <= c1; c++) {
      int32_t i = graph->node_of_cell[r * grid->cols + c];
      if (i < 0) continue;
      double d = distance_to_cell(grid, r, c, x_m, y_m);
      if (d > radius_m) continue;
      double a = area_km2[i], best = area_km2[chosen];
      if (a > best || (a == best && (d < chosen_d || (d == chosen_d && i < chosen)))) {
        chosen = i;
        chosen_d = d;
      }
    }
  }
  *node = chosen;
  if (moved_m != NULL) *moved_m = chosen_d;
  return WC_OK;
}

wc_status wc_subbasin_label(const wc_drainage_graph *graph, const int32_t *section_nodes,
                            int32_t n_sections, int32_t *label, int32_t *downstream_section) {
  WC_CHECK(graph != NULL && label != NULL, WC_ERR_INTERNAL, "wc_subbasin_label: NULL argument");
  WC_CHECK(n_sections >= 0 && (n_sections == 0 || section_nodes != NULL), WC_ERR_INTERNAL,
           "wc_subbasin_label: %d sections with %s list", (int)n_sections,
           section_nodes ? "a" : "no");
  const int32_t n = graph->n;
  /* label[] first holds, per node, the section placed on it (or -1). */
  for (int32_t i = 0; i < n; i++) label[i] = -1;
  for (int32_t s = 0; s < n_sections; s++) {
    int32_t v = section_nodes[s];
    WC_CHECK(v >= 0 && v < n, WC_ERR_INPUT,
             "section %d is at node %d, outside the drainage graph (nodes 0..%d)", (int)s, (int)v,
             (int)n - 1);
    if (label[v] >= 0) {
      char where[WC_CELL_NAME_MAX];
      WC_FAIL(WC_ERR_INPUT,
              "sections %d and %d are both at %s; two sections on one cell measure the same "
              "water: merge them or move one",
              (int)label[v], (int)s,
              wc_grid_cell_name(&graph->grid, graph->cell[v], where, sizeof where));
    }
    label[v] = s;
  }
  /* Downstream first (reverse topological order): a cell inherits its downstream label
   * unless it carries a section itself. */
  for (int32_t i = n - 1; i >= 0; i--) {
    int32_t d = graph->downstream[i];
    if (label[i] < 0 && d >= 0) label[i] = label[d];
  }
  if (downstream_section != NULL) {
    for (int32_t s = 0; s < n_sections; s++) {
      int32_t d = graph->downstream[section_nodes[s]];
      downstream_section[s] = d >= 0 ? label[d] : -1;
    }
  }
  return WC_OK;
}
