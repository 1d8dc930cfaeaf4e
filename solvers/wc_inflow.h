/*
 * wc_inflow.h — where each cell's inflow comes from, and in which order it is summed.
 *
 * Floating-point addition is not associative: a + b + c summed in another order differs in
 * the last bit. That matters more than it seems: CVODE's first step size comes from a
 * difference quotient of f, which turns a last-bit difference of f into a relative
 * difference of ~1e-9 in h, and from there the runs on 1 and on N ranks follow different
 * step sequences and differ by the truncation error (1e-4..1e-3 at rtol 1e-4). So every
 * cell sums what arrives from its upstream cells in one canonical order, the ascending
 * index of the upstream cell in the whole graph, whether that cell is on this rank or
 * arrives through the halo. f, the Jacobian blocks and the sweep are then the same, bit
 * for bit, on any number of ranks; only the global norms still round differently (and no
 * decision of CVODE amplifies that).
 *
 * The serial order (cells pushing their outflow downstream in topological order) is the
 * same canonical order, so runs on one rank are unchanged.
 */
#ifndef WC_INFLOW_H
#define WC_INFLOW_H

#include <stdint.h>

#include "wc_status.h"

typedef struct wc_inflow_sources {
  int32_t n_cells;  /* local cells */
  int32_t n_remote; /* values arriving from other ranks: one per cut edge ending here */
  int32_t *start;   /* [n_cells + 1] CSR offsets */
  int32_t *source;  /* [start[n_cells]]: a local cell (< n_cells), or remote value
                       source - n_cells; per cell in ascending whole-graph index */
} wc_inflow_sources;

/*
 * The sources of every local cell: its local upstream cells (downstream[u] == i) and the
 * remote values k with remote_cell[k] == i, ordered by whole-graph index (global_index[u]
 * for a local cell, NULL meaning u itself; remote_global[k] for a remote value).
 * downstream[n_cells] is the local graph (> i or -1). WC_ERR_INTERNAL for a remote cell
 * out of range or two sources with the same index.
 */
WC_NODISCARD wc_status wc_inflow_sources_create(int32_t n_cells, const int32_t *downstream, const int32_t *global_index,
                                                int32_t n_remote, const int32_t *remote_cell,
                                                const int32_t *remote_global, wc_inflow_sources **sources);

/* Free (accepts NULL) and null the handle. */
void wc_inflow_sources_destroy(wc_inflow_sources **sources);

#endif /* WC_INFLOW_H */
