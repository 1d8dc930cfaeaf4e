/*
 * wc_partition.h — which MPI rank owns which cell of the drainage graph.
 *
 * Input: the global drainage graph as `downstream[n]` in topological order
 * (downstream[i] > i, or -1 at an outlet; wc_drainage_graph's DFS post-order, where every
 * sub-tree is a contiguous index range ending at its root). Output: for every cell its
 * owner rank and its local index on that rank. Local indices keep the global order, so each
 * rank's cells are topologically ordered too and a rank's local graph satisfies
 * downstream_local[i] > i (wc_halo.h builds it).
 *
 * Two methods:
 *   WC_PARTITION_CONTIGUOUS (default): rank r owns one index range [begin_r, end_r) of a
 *     DFS post-order (by default one with main stems last; see wc_partition_order), so whole
 *     sub-trees. Flow only goes to higher indices, so it only crosses from lower to higher
 *     ranks: the rank graph is a DAG, and a downstream sweep can be pipelined rank after
 *     rank. Split points are chosen by dynamic programming over the positions the balance
 *     bound allows, minimising the number of edges crossing the split points (ties: the
 *     split closest to the even share).
 *   WC_PARTITION_METIS (when built with WCSIM_WITH_METIS): METIS_PartGraphKway on the
 *     undirected tree. Parts are not index ranges, flow may go both ways between two ranks
 *     (the rank graph can have cycles), and METIS bounds only the heaviest rank.
 *
 * Balance: with cell weights w (1 each by default) and mean = sum(w) / n_ranks, the
 * contiguous method keeps every rank's weight within [(1 - imbalance) mean,
 * (1 + imbalance) mean]; METIS is asked for max <= (1 + imbalance) mean. A bound that
 * cannot be met is WC_ERR_INPUT saying the smallest bound that can (unit weights).
 *
 * Depth: the block-Jacobi iteration between ranks (each rank sweeps its cells exactly,
 * inflow from other ranks lagged one iteration) is exact after `flow_depth` iterations:
 * the most ranks one flow path (a cell to its outlet) passes through. `rank_graph_depth` is
 * the longest path in the rank graph counted in ranks (an upper bound of flow_depth for
 * the contiguous method; -1 when the rank graph has a cycle, which METIS can produce).
 */
#ifndef WC_PARTITION_H
#define WC_PARTITION_H

#include <stdint.h>

#include "wc_status.h"

typedef enum wc_partition_method {
  WC_PARTITION_CONTIGUOUS = 0, /* index ranges, DP split points (always available) */
  WC_PARTITION_METIS = 1,      /* METIS k-way on the undirected tree (WCSIM_WITH_METIS) */
} wc_partition_method;

/*
 * Which topological order the contiguous method cuts into ranges. Every DFS post-order of
 * the tree keeps sub-trees contiguous and flow going up, but where the children of a
 * confluence go decides what a range boundary cuts (docs/hpc.md, "Decomposition"):
 *   GIVEN: the graph's own numbering, so each rank is one index range of it (one
 *     hyperslab per rank in an output).
 *   LARGEST_LAST (default): re-numbered with each cell's largest upstream sub-tree (its main stem)
 *     visited last, so main stems are runs of consecutive cells: a river crosses few ranks
 *     (smallest flow depth), at the price of more cut edges and neighbours.
 *   LARGEST_FIRST: largest sub-tree visited first, so a boundary right after a sub-tree
 *     cuts O(log n) edges (fewest cut edges and neighbours, about METIS's), but the main
 *     stem threads through every rank (largest flow depth).
 * The METIS method ignores it.
 */
typedef enum wc_partition_order {
  WC_PARTITION_ORDER_GIVEN = 0,
  WC_PARTITION_ORDER_LARGEST_LAST = 1,
  WC_PARTITION_ORDER_LARGEST_FIRST = 2,
} wc_partition_order;

typedef struct wc_partition_options {
  wc_partition_method method;
  wc_partition_order order;  /* contiguous method only */
  double imbalance;          /* allowed relative deviation from the mean rank weight, >= 0 */
  const double *cell_weight; /* [n] work per cell, finite and >= 0; NULL: 1 per cell.
                                Read during create only. */
} wc_partition_options;

/* The defaults: contiguous, largest-last order, imbalance 0.05, unit weights. Why
 * largest-last: on the built-in basins its flow depth is 4-15 at 2..1000 ranks against
 * 30-190 for the given order and 70-380 for METIS (docs/hpc.md, "Decomposition"). */
wc_partition_options wc_partition_options_default(void);

/* The work of each cell of `downstream[n]` under the cell-by-cell stepper, relative to a
 * cell with nothing upstream, for options.cell_weight: cells further down a river take more
 * and harder steps (their inflow changes within the day), about as the number of cells
 * upstream to the power 0.15 (5.3x at the 1 km basins' outlets). Fitted to the work of
 * each of two ranks on the 1 km basins (docs/hpc.md, "Decomposition"). WC_ERR_INPUT for a
 * non-topological graph, naming the cell. */
WC_NODISCARD wc_status wc_partition_cellwise_weights(int32_t n, const int32_t *downstream, double *weight);

/* "contiguous" / "metis"; and the reverse (WC_ERR_USAGE listing the names if unknown). */
const char *wc_partition_method_name(wc_partition_method method);
WC_NODISCARD wc_status wc_partition_method_parse(const char *name, wc_partition_method *method);

/* "given" / "largest-last" / "largest-first"; and the reverse (WC_ERR_USAGE if unknown). */
const char *wc_partition_order_name(wc_partition_order order);
WC_NODISCARD wc_status wc_partition_order_parse(const char *name, wc_partition_order *order);

/* Non-zero when this build can run `method` (METIS needs WCSIM_WITH_METIS). */
int wc_partition_method_available(wc_partition_method method);

typedef struct wc_partition wc_partition;

/*
 * Partition the graph `downstream[n]` (n >= 0; borrowed during the call only) among
 * n_ranks >= 1 ranks. options NULL: wc_partition_options_default(). Deterministic: every
 * rank calling it with the same input gets the same partition (no communication).
 * Errors: a non-topological downstream[] or bad weights is WC_ERR_INPUT naming the cell;
 * an unmeetable balance bound is WC_ERR_INPUT; METIS in a build without it is
 * WC_ERR_UNSUPPORTED. On failure *partition is NULL.
 */
WC_NODISCARD wc_status wc_partition_create(int32_t n, const int32_t *downstream, int32_t n_ranks,
                                           const wc_partition_options *options, wc_partition **partition);

/* Free (accepts NULL) and null the handle. */
void wc_partition_destroy(wc_partition **partition);

int32_t wc_partition_cell_count(const wc_partition *partition);
int32_t wc_partition_rank_count(const wc_partition *partition);
wc_partition_method wc_partition_get_method(const wc_partition *partition);

/* [n] owner rank and local index of every global cell (owned by the partition). */
const int32_t *wc_partition_owner(const wc_partition *partition);
const int32_t *wc_partition_local_index(const wc_partition *partition);

/* Cells of `rank` (0 <= rank < n_ranks): how many, and their global indices in local order
 * (ascending, hence topological). The array is owned by the partition. */
int32_t wc_partition_local_count(const wc_partition *partition, int32_t rank);
const int32_t *wc_partition_local_cells(const wc_partition *partition, int32_t rank);

/* Non-zero when every rank owns one index range of the GIVEN numbering (always for the
 * contiguous method in the given order, rarely otherwise; the output layer can then write
 * a rank's cells as one hyperslab, else it uses wc_partition_local_cells). begin/end:
 * [begin, end) of `rank`; WC_ERR_UNSUPPORTED when the partition is not contiguous. */
int wc_partition_is_contiguous(const wc_partition *partition);
WC_NODISCARD wc_status wc_partition_range(const wc_partition *partition, int32_t rank, int32_t *begin, int32_t *end);

/* Where global cells are: for each of `count` global indices, its owner rank and local
 * index (e.g. the cells of monitoring sections). An index outside 0..n-1 is WC_ERR_INPUT
 * naming it (nothing written after it). */
WC_NODISCARD wc_status wc_partition_locate(const wc_partition *partition, int32_t count, const int32_t *global_cell,
                                           int32_t *rank, int32_t *local_index);

typedef struct wc_partition_report {
  wc_partition_method method;
  wc_partition_order order;     /* contiguous method; GIVEN for METIS */
  int32_t n_cells, n_ranks;
  double imbalance_bound;       /* as requested */
  int32_t min_cells, max_cells; /* cells on the emptiest / fullest rank */
  double min_weight, max_weight, mean_weight; /* rank weights (= cells with unit weights) */
  double imbalance;        /* max_weight / mean_weight - 1 (0 for an empty graph) */
  int32_t cut_edges;       /* cells whose downstream cell is on another rank */
  int32_t rank_edges;      /* distinct (upstream rank, downstream rank) pairs with cut edges */
  int32_t max_neighbours;  /* most ranks one rank sends to or receives from: the messages
                              per exchange on the busiest rank */
  int32_t rank_graph_depth; /* ranks on the longest path of the rank graph (1 without cut
                               edges, 0 without cells); -1 if the rank graph has a cycle */
  int32_t flow_depth;       /* most ranks one flow path visits: block-Jacobi iterations to
                               exactness (1 + most cut edges along one path; 0 if empty) */
  double seconds;           /* wall time of wc_partition_create */
  const int32_t *cells;     /* [n_ranks] cells per rank */
  const double *weight;     /* [n_ranks] weight per rank */
  const int32_t *cut_out;   /* [n_ranks] cut edges leaving each rank (its send cells) */
  const int32_t *cut_in;    /* [n_ranks] cut edges entering each rank (its receive entries) */
} wc_partition_report;

/* The report of a partition; the arrays belong to the partition. */
wc_partition_report wc_partition_get_report(const wc_partition *partition);

/* A hash of downstream[n] as the partition saw it, so a later user (wc_halo_plan_create)
 * can check it is given the same graph. */
uint64_t wc_partition_graph_hash(int32_t n, const int32_t *downstream);
uint64_t wc_partition_get_graph_hash(const wc_partition *partition);

#endif /* WC_PARTITION_H */
