/* wc_drainage_graph.c — renumber a D8 grid into an upstream-first tree with CSR links. */
#include "wc_drainage_graph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wc_flowdir.h"

wc_status wc_drainage_graph_create(const wc_grid *grid, const int8_t *dir,
                                   wc_drainage_graph **graph) {
  WC_CHECK(graph != NULL, WC_ERR_INTERNAL, "wc_drainage_graph_create: NULL output");
  *graph = NULL;
  WC_CALL(wc_grid_check(grid));
  WC_CHECK(dir != NULL, WC_ERR_INTERNAL, "wc_drainage_graph_create: NULL direction grid");
  const int32_t cols = grid->cols, n_cells = wc_grid_cell_count(grid);

  wc_drainage_graph *g = NULL;
  WC_MALLOC(g, 1, "drainage graph");
  g->grid = *grid;
  wc_status status = WC_OK;
  /* The grid order first goes into `cell`: it is exactly node -> grid cell. */
  g->cell = malloc((size_t)n_cells * sizeof *g->cell);
  g->node_of_cell = malloc((size_t)n_cells * sizeof *g->node_of_cell);
  if (g->cell == NULL || g->node_of_cell == NULL) goto out_of_memory;
  WC_CALL_GOTO(status, fail, wc_flowdir_order(grid, dir, g->cell, &g->n));

  const int32_t n = g->n;
  int32_t *shrunk = realloc(g->cell, (size_t)n * sizeof *shrunk);
  if (shrunk != NULL) g->cell = shrunk;
  g->downstream = malloc((size_t)n * sizeof *g->downstream);
  g->row = malloc((size_t)n * sizeof *g->row);
  g->col = malloc((size_t)n * sizeof *g->col);
  g->upstream_start = calloc((size_t)n + 1, sizeof *g->upstream_start);
  if (!g->downstream || !g->row || !g->col || !g->upstream_start) goto out_of_memory;

  for (int32_t c = 0; c < n_cells; c++) g->node_of_cell[c] = -1;
  for (int32_t i = 0; i < n; i++) g->node_of_cell[g->cell[i]] = i;
  int32_t n_links = 0;
  for (int32_t i = 0; i < n; i++) {
    int32_t c = g->cell[i], code = dir[c];
    g->row[i] = c / cols;
    g->col[i] = c % cols;
    if (code == WC_D8_OUTLET) {
      g->downstream[i] = -1;
      g->n_outlets++;
    } else {
      int32_t d = g->node_of_cell[c + wc_d8_drow[code] * cols + wc_d8_dcol[code]];
      g->downstream[i] = d;
      g->upstream_start[d + 1]++;
      n_links++;
    }
  }
  for (int32_t i = 0; i < n; i++) g->upstream_start[i + 1] += g->upstream_start[i];
  g->upstream_index = malloc((size_t)(n_links > 0 ? n_links : 1) * sizeof *g->upstream_index);
  int32_t *fill = malloc((size_t)n * sizeof *fill);
  if (!g->upstream_index || !fill) {
    free(fill);
    goto out_of_memory;
  }
  memcpy(fill, g->upstream_start, (size_t)n * sizeof *fill);
  /* Appending in increasing i keeps each node's upstream list ascending. */
  for (int32_t i = 0; i < n; i++)
    if (g->downstream[i] >= 0) g->upstream_index[fill[g->downstream[i]]++] = i;
  free(fill);
  *graph = g;
  return WC_OK;

out_of_memory:
  status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__,
                        "out of memory building the drainage graph of a %d x %d grid",
                        (int)grid->rows, (int)grid->cols);
fail:
  wc_drainage_graph_destroy(&g);
  return status;
}

void wc_drainage_graph_destroy(wc_drainage_graph **graph) {
  if (graph == NULL || *graph == NULL) return;
  wc_drainage_graph *g = *graph;
  free(g->downstream);
  free(g->row);
  free(g->col);
  free(g->cell);
  free(g->node_of_cell);
  free(g->upstream_start);
  free(g->upstream_index);
  free(g);
  *graph = NULL;
}

double wc_drainage_graph_link_length_m(const wc_drainage_graph *graph, int32_t i) {
  int32_t d = graph->downstream[i];
  if (d < 0) return 0.0;
  bool diagonal = graph->row[d] != graph->row[i] && graph->col[d] != graph->col[i];
  return diagonal ? 1.4142135623730950488 * graph->grid.cell_size_m : graph->grid.cell_size_m;
}

#define GRAPH_CHECK(cond, ...) WC_CHECK(cond, WC_ERR_INTERNAL, "drainage graph: " __VA_ARGS__)

wc_status wc_drainage_graph_check(const wc_drainage_graph *g) {
  GRAPH_CHECK(g != NULL, "graph is NULL");
  WC_CALL(wc_grid_check(&g->grid));
  const int32_t n = g->n, cols = g->grid.cols, n_cells = wc_grid_cell_count(&g->grid);
  GRAPH_CHECK(n >= 1 && n <= n_cells, "n = %d, expected 1..%d", (int)n, (int)n_cells);
  GRAPH_CHECK(g->upstream_start[0] == 0, "upstream_start[0] = %d, expected 0",
              (int)g->upstream_start[0]);

  int32_t outlets = 0, mapped = 0;
  for (int32_t i = 0; i < n; i++) {
    int32_t d = g->downstream[i];
    GRAPH_CHECK(d == -1 || (d > i && d < n),
                "node %d has downstream %d; expected -1 or a node in %d..%d", (int)i, (int)d,
                (int)i + 1, (int)n - 1);
    GRAPH_CHECK(g->row[i] >= 0 && g->row[i] < g->grid.rows && g->col[i] >= 0 && g->col[i] < cols &&
                    g->cell[i] == g->row[i] * cols + g->col[i],
                "node %d has row %d, column %d, cell %d, which disagree or lie off the grid",
                (int)i, (int)g->row[i], (int)g->col[i], (int)g->cell[i]);
    GRAPH_CHECK(g->node_of_cell[g->cell[i]] == i, "node_of_cell[%d] = %d, expected node %d",
                (int)g->cell[i], (int)g->node_of_cell[g->cell[i]], (int)i);
    if (d < 0) {
      outlets++;
    } else {
      int32_t dr = g->row[d] - g->row[i], dc = g->col[d] - g->col[i];
      GRAPH_CHECK(abs(dr) <= 1 && abs(dc) <= 1 && (dr != 0 || dc != 0),
                  "node %d (row %d, column %d) drains to node %d (row %d, column %d), which is "
                  "not a D8 neighbour",
                  (int)i, (int)g->row[i], (int)g->col[i], (int)d, (int)g->row[d], (int)g->col[d]);
    }
    int32_t lo = g->upstream_start[i], hi = g->upstream_start[i + 1];
    GRAPH_CHECK(lo <= hi, "upstream_start decreases at node %d", (int)i);
    for (int32_t k = lo; k < hi; k++) {
      int32_t u = g->upstream_index[k];
      GRAPH_CHECK(
          u >= 0 && u < i && g->downstream[u] == i && (k == lo || u > g->upstream_index[k - 1]),
          "upstream entry %d of node %d is node %d, which does not drain to it or is "
          "out of order",
          (int)(k - lo), (int)i, (int)u);
    }
  }
  for (int32_t c = 0; c < n_cells; c++) {
    int32_t i = g->node_of_cell[c];
    GRAPH_CHECK(i >= -1 && i < n && (i < 0 || g->cell[i] == c),
                "node_of_cell[%d] = %d does not map back to the cell", (int)c, (int)i);
    mapped += i >= 0;
  }
  GRAPH_CHECK(mapped == n, "%d grid cells map to nodes, expected %d", (int)mapped, (int)n);
  GRAPH_CHECK(outlets == g->n_outlets && outlets >= 1,
              "%d outlets found, n_outlets says %d (at least 1 needed)", (int)outlets,
              (int)g->n_outlets);
  GRAPH_CHECK(g->upstream_start[n] == n - outlets, "upstream_start[n] = %d, expected %d links",
              (int)g->upstream_start[n], (int)(n - outlets));

  /* Contiguous sub-trees: with size[i] the number of cells draining through i, node i's
   * upstream nodes in ascending order must tile [i - size[i] + 1, i - 1] exactly. */
  int32_t *size = NULL;
  WC_MALLOC(size, n, "sub-tree sizes");
  wc_status status = WC_OK;
  for (int32_t i = 0; i < n; i++) {
    size[i] += 1;
    if (g->downstream[i] >= 0) size[g->downstream[i]] += size[i];
    int32_t expect_end = i - size[i]; /* the range before the first upstream sub-tree */
    for (int32_t k = g->upstream_start[i]; k < g->upstream_start[i + 1]; k++) {
      int32_t u = g->upstream_index[k];
      if (u - size[u] != expect_end) {
        status = wc_error_set(WC_ERR_INTERNAL, __FILE__, __LINE__,
                              "drainage graph: the sub-tree of node %d is not contiguous "
                              "(upstream node %d covers %d..%d, expected to start at %d)",
                              (int)i, (int)u, (int)(u - size[u] + 1), (int)u, (int)expect_end + 1);
        break;
      }
      expect_end = u;
    }
    if (status != WC_OK) break;
    if (expect_end != i - 1 && status == WC_OK)
      status = wc_error_set(WC_ERR_INTERNAL, __FILE__, __LINE__,
                            "drainage graph: the sub-tree of node %d does not end at node %d",
                            (int)i, (int)i - 1);
    if (status != WC_OK) break;
  }
  free(size);
  return status;
}
