/*
 * wc_drainage_graph.h — the D8 drainage tree that every later part of wcsim walks.
 *
 * The valid cells of a direction grid, renumbered 0..n-1 in topological order (upstream
 * first), so that
 *     downstream[i] > i, or downstream[i] == -1 for an outlet,
 * and a forward sweep (solver, accumulation, routing) is the plain loop
 *     for (i = 0; i < n; i++) { ...; if (downstream[i] >= 0) inflow[downstream[i]] += out[i]; }
 * The numbering is a depth-first post-order from each outlet, so every cell's whole
 * upstream area is the contiguous range [i - upstream_cells(i) + 1, i]: a contiguous
 * index range is a set of sub-trees, which is what an MPI partition wants. Upstream
 * neighbours are in CSR form: node i's are upstream_index[upstream_start[i] ..
 * upstream_start[i+1] - 1], in ascending order.
 *
 * The struct is plain so that loops read its arrays directly; treat every field as
 * read-only and let wc_drainage_graph_create/destroy own the memory.
 */
#ifndef WC_DRAINAGE_GRAPH_H
#define WC_DRAINAGE_GRAPH_H

#include <stdint.h>

#include "wc_grid.h"
#include "wc_status.h"

typedef struct wc_drainage_graph {
  wc_grid grid;            /* geometry of the grid the cells come from */
  int32_t n;               /* number of cells (the valid cells of the grid) */
  int32_t n_outlets;       /* cells with downstream == -1 */
  int32_t *downstream;     /* [n] downstream node (> i), or -1 for an outlet */
  int32_t *row;            /* [n] grid row of node i (row 0 = north) */
  int32_t *col;            /* [n] grid column of node i */
  int32_t *cell;           /* [n] grid cell index row * cols + col of node i */
  int32_t *node_of_cell;   /* [rows * cols] node of a grid cell, -1 for nodata */
  int32_t *upstream_start; /* [n + 1] CSR offsets into upstream_index */
  int32_t *upstream_index; /* [n - n_outlets] upstream nodes, ascending per node */
} wc_drainage_graph;

/* Build the graph of a direction grid (codes as in wc_flowdir.h). The grid is validated
 * first (wc_flowdir_order), so a cycle or a bad code is WC_ERR_INPUT naming the cell.
 * On success *graph owns its arrays; on failure *graph is NULL. */
WC_NODISCARD wc_status wc_drainage_graph_create(const wc_grid *grid, const int8_t *dir,
                                                wc_drainage_graph **graph);

/* Free the graph; accepts NULL and sets *graph to NULL. */
void wc_drainage_graph_destroy(wc_drainage_graph **graph);

/* Check every invariant above (ordering, row/col/cell/node_of_cell agreement, each link a
 * D8 neighbour step, CSR consistency, contiguous sub-trees). WC_ERR_INTERNAL naming the
 * first broken one: a graph that fails this is a bug, not bad input. O(n + rows * cols). */
WC_NODISCARD wc_status wc_drainage_graph_check(const wc_drainage_graph *graph);

/* Length of the link from node i to its downstream node in metres (cell size, or
 * sqrt(2) times it diagonally); 0 for an outlet. */
double wc_drainage_graph_link_length_m(const wc_drainage_graph *graph, int32_t i);

#endif /* WC_DRAINAGE_GRAPH_H */
