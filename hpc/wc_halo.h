/*
 * wc_halo.h — one rank's share of the drainage graph, and the exchange of what flows
 * between ranks.
 *
 * Two objects:
 *
 * wc_halo_plan (no MPI; built alike on every rank from the global graph and the
 *   partition, so a serial program can build any rank's plan):
 *   - the local graph: the rank's cells renumbered 0..n_local-1 in global (topological)
 *     order, local downstream[] (> i, or -1 at an outlet AND where the flow leaves the
 *     rank), upstream CSR of local neighbours only, and the global index of each local cell;
 *   - the send list: local cells whose downstream cell lives on another rank, each with
 *     its destination rank and the destination's local cell;
 *   - the receive list: one entry per cross-rank edge ending here (a cell may have several),
 *     with the local cell that receives, the source rank and the source's local cell.
 *   Both lists are grouped by neighbour rank (ascending) and, within a neighbour, ordered
 *   by the SENDER's local cell. Sender and receiver derive the same order from the same
 *   global data, so a message is a plain array of rates, with no indices and no handshake.
 *
 * wc_halo (MPI): persistent point-to-point requests per neighbour, started and finished
 *   each right-hand-side evaluation:
 *       wc_halo_start(halo, send_rate);       post receives, copy rates, start sends
 *       ... local work that does not need extra_inflow ...
 *       wc_halo_finish(halo, extra_inflow);   wait, zero extra_inflow, add arrivals
 *   `extra_inflow` is [n_local][n_transport], as wc_graph_rhs_extra_inflow() wants it.
 *   No global collective in start/finish: a rank only talks to its neighbours.
 *
 * Why persistent point-to-point and not a neighbourhood collective: a drainage partition
 * gives each rank a handful of neighbours, message sizes are fixed for the whole run, and
 * the exchange runs once per RHS evaluation or block-Jacobi iteration, millions of times.
 * Persistent requests set up the matching once; each exchange is MPI_Startall + Waitall.
 * OpenMPI 4.1 (Debian 12) has no persistent neighbourhood collectives (MPI-4), and its
 * MPI_Ineighbor_alltoallv (libnbc) builds a new schedule on every call. Measured here
 * (docs/hpc.md, "Halo exchange"): equal to plain Isend/Irecv and the neighbourhood
 * collectives for messages of hundreds of entries; about 3 us slower with a few tiny
 * messages, because OpenMPI's ob1 sends small messages inline from MPI_Isend but not from
 * MPI_Start (with pml/ucx both issue the same UCX send). Switching to Isend/Irecv would
 * only touch start/finish in wc_halo.c.
 */
#ifndef WC_HALO_H
#define WC_HALO_H

#include <mpi.h>
#include <stdint.h>

#include "wc_partition.h"
#include "wc_status.h"

/* ---- the plan -------------------------------------------------------------------------------- */

typedef struct wc_halo_plan wc_halo_plan;

/* Build the plan of `rank` from the global graph downstream[n] (borrowed during the call)
 * and its partition. The graph must be the one partitioned (checked by hash): otherwise
 * WC_ERR_INPUT. O(n) time, O(n_local + halo) memory. */
WC_NODISCARD wc_status wc_halo_plan_create(const wc_partition *partition, int32_t n, const int32_t *downstream,
                                           int32_t rank, wc_halo_plan **plan);

/* Free (accepts NULL) and null the handle. */
void wc_halo_plan_destroy(wc_halo_plan **plan);

int32_t wc_halo_plan_rank(const wc_halo_plan *plan);
int32_t wc_halo_plan_rank_count(const wc_halo_plan *plan);

/* The local graph, in the form wc_graph_ode takes (arrays owned by the plan). */
int32_t wc_halo_plan_local_count(const wc_halo_plan *plan);
const int32_t *wc_halo_plan_downstream(const wc_halo_plan *plan);     /* [n_local] */
const int32_t *wc_halo_plan_upstream_start(const wc_halo_plan *plan); /* [n_local + 1] */
const int32_t *wc_halo_plan_upstream_index(const wc_halo_plan *plan); /* local upstream nodes */
/* [n_local] global index of each local cell (ascending): where a local value goes in a
 * rank-independent output. */
const int32_t *wc_halo_plan_global_index(const wc_halo_plan *plan);

/* Local outlets (local downstream == -1, ascending: the order of wc_graph_rhs_outlets),
 * which are the basin's outlets on this rank plus the send cells. */
int32_t wc_halo_plan_outlet_count(const wc_halo_plan *plan);
const int32_t *wc_halo_plan_outlets(const wc_halo_plan *plan);

/* Send list: n_send entries (one per send cell), grouped by destination rank. */
int32_t wc_halo_plan_send_count(const wc_halo_plan *plan);
const int32_t *wc_halo_plan_send_cell(const wc_halo_plan *plan);        /* [n_send] local cell */
const int32_t *wc_halo_plan_send_rank(const wc_halo_plan *plan);        /* [n_send] destination */
const int32_t *wc_halo_plan_send_remote_cell(const wc_halo_plan *plan); /* [n_send] destination's local cell */
const int32_t *wc_halo_plan_send_outlet(const wc_halo_plan *plan);      /* [n_send] index into the outlets */
/* Neighbours to send to: count, their ranks (ascending), and start offsets [count + 1]
 * into the send list. */
int32_t wc_halo_plan_send_neighbour_count(const wc_halo_plan *plan);
const int32_t *wc_halo_plan_send_neighbour_rank(const wc_halo_plan *plan);
const int32_t *wc_halo_plan_send_neighbour_start(const wc_halo_plan *plan);

/* Receive list: n_recv entries (one per cross-rank edge ending here), grouped by source. */
int32_t wc_halo_plan_recv_count(const wc_halo_plan *plan);
const int32_t *wc_halo_plan_recv_cell(const wc_halo_plan *plan);        /* [n_recv] local cell receiving */
const int32_t *wc_halo_plan_recv_rank(const wc_halo_plan *plan);        /* [n_recv] source rank */
const int32_t *wc_halo_plan_recv_remote_cell(const wc_halo_plan *plan); /* [n_recv] source's local cell */
/* [n_recv] the source cell's index in the whole graph: where its inflow goes in a cell's
 * sum when the sum must be the same, bit for bit, as on one process (solvers/). */
const int32_t *wc_halo_plan_recv_global_cell(const wc_halo_plan *plan);
int32_t wc_halo_plan_recv_neighbour_count(const wc_halo_plan *plan);
const int32_t *wc_halo_plan_recv_neighbour_rank(const wc_halo_plan *plan);
const int32_t *wc_halo_plan_recv_neighbour_start(const wc_halo_plan *plan);

/* ---- the exchange ---------------------------------------------------------------------------- */

typedef struct wc_halo wc_halo;

/* Set up the persistent requests for `n_transport` rates per edge on `comm`, whose size must
 * be the partition's rank count and whose rank the plan's. Collective over comm (it
 * duplicates comm, so halo messages never match anyone else's). `plan` is borrowed and
 * must outlive the exchange. */
WC_NODISCARD wc_status wc_halo_create(const wc_halo_plan *plan, MPI_Comm comm, int n_transport, wc_halo **halo);

/* Free the requests and the communicator; collective over comm. Accepts NULL, nulls the
 * handle. An exchange still in flight is completed first. */
void wc_halo_destroy(wc_halo **halo);

/*
 * Start an exchange: post the receives, copy `send_rate` [n_send][n_transport] (send-list
 * order; rates in the units of the transported quantities, per second) and start the
 * sends. The caller may reuse send_rate at once. Starting twice without a finish is
 * WC_ERR_INTERNAL.
 */
WC_NODISCARD wc_status wc_halo_start(wc_halo *halo, const double *send_rate);

/* The same, taking the rates of ALL local outlets [n_outlets][n_transport] (what
 * wc_graph_rhs_eval returns as outlet_rate) and picking the send cells' rows. */
WC_NODISCARD wc_status wc_halo_start_outlets(wc_halo *halo, const double *outlet_rate);

/* Finish the exchange: wait for it, zero extra_inflow [n_local][n_transport], then add each
 * arriving rate to its receiving cell (sums where several upstream cells feed one cell).
 * Finishing without a start is WC_ERR_INTERNAL. */
WC_NODISCARD wc_status wc_halo_finish(wc_halo *halo, double *extra_inflow);

int wc_halo_transport_count(const wc_halo *halo);

/*
 * The same exchange in finer steps, for a pipeline in which what a rank sends depends on
 * what it receives (the pipelined downstream sweep, solvers/wc_sweep_pipeline.h): a rank
 * posts its receives, sends to each downstream neighbour as soon as that neighbour's rows
 * are ready, waits for its upstream neighbours, and finally for its own sends. One
 * exchange is
 *     wc_halo_post_receives
 *     wc_halo_send_neighbour(g) once for every send neighbour g, in any order, after
 *         writing its rows [send_neighbour_start[g], send_neighbour_start[g+1]) of
 *         wc_halo_send_buffer
 *     wc_halo_wait_receives     (any time after posting; may come before the sends)
 *     wc_halo_wait_sends        (after every send neighbour was started)
 * and may not be mixed with wc_halo_start/finish of the same exchange. A send neighbour
 * started twice, or a wait with nothing posted, is WC_ERR_INTERNAL. Deadlock freedom is
 * the caller's: it holds when the ranks' send-after-receive dependencies form no cycle.
 */
WC_NODISCARD wc_status wc_halo_post_receives(wc_halo *halo);
/* [n_send][n_transport] rows bound to the send requests, in send-list order; write a
 * neighbour's rows only while its send is not in flight (before its start, after
 * wc_halo_wait_sends). */
double *wc_halo_send_buffer(wc_halo *halo);
WC_NODISCARD wc_status wc_halo_send_neighbour(wc_halo *halo, int32_t neighbour);
/* Wait for every receive; *received (may be NULL) is then [n_recv][n_transport] in
 * receive-list order, valid until the next exchange posts its receives. */
WC_NODISCARD wc_status wc_halo_wait_receives(wc_halo *halo, const double **received);
WC_NODISCARD wc_status wc_halo_wait_sends(wc_halo *halo);

#endif /* WC_HALO_H */
