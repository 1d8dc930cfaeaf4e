/*
 * wc_sweep_pipeline.h — the downstream sweep across MPI ranks, exact: M x = b solved over
 * the whole basin, as one process would, by a forward substitution pipelined along the
 * rank graph.
 *
 * The Newton matrix couples a cell only to the cells just upstream of it (wc_sweep.h), so
 * what crosses a cut edge u -> i (u on another rank) is G_u x_u: n_transport numbers, the
 * same shape as the outflows of the halo exchange of f, sent with the same plan. Each rank
 *   1. posts its receives and sweeps its independent cells: those with no cell received
 *      from another rank anywhere upstream (nearly all of a rank's cells: whole hillslopes
 *      and tributaries);
 *   2. sends to each downstream rank as soon as every send cell of that message is solved
 *      (a message whose cells are all independent leaves right after step 1);
 *   3. waits for its upstream ranks, adds what arrived to the receiving cells, and sweeps
 *      the dependent cells (downstream of a receiving cell: a few river reaches), sending
 *      the remaining messages as their last cell is solved;
 *   4. solves the budget totals' rows (local) and waits for its sends.
 * So the result is the serial sweep's, to rounding (sums in another order), and it keeps
 * c . M = c for the budget invariants (docs/solver.md): budgets close to rounding under MPI
 * too. Critical path: rank 0's full sweep, then for each further rank on the longest flow
 * path only its dependent cells and one message. No collective.
 *
 * The schedule cannot deadlock when the rank graph has no cycle (a rank waits only for
 * ranks upstream of it). Contiguous partitions always have one-way rank graphs; METIS parts
 * usually do not, and creation refuses them (use GMRES with the per-rank sweep as
 * block-Jacobi preconditioner there: solver.linear_solver gmres_sweep).
 */
#ifndef WC_SWEEP_PIPELINE_H
#define WC_SWEEP_PIPELINE_H

#include <mpi.h>
#include <stdint.h>

#include "wc_halo.h"
#include "wc_status.h"
#include "wc_sweep.h"

typedef struct wc_sweep_pipeline wc_sweep_pipeline;

/*
 * A pipeline for `sweep` (this rank's blocks, over the local graph of `plan`; both
 * borrowed, must outlive it) on `comm` (the plan's job). Collective: the ranks gather
 * who sends to whom and check that the rank graph has no cycle, so every rank returns the
 * same status; a cycle is WC_ERR_UNSUPPORTED naming a rank on it.
 */
WC_NODISCARD wc_status wc_sweep_pipeline_create(wc_sweep *sweep, const wc_halo_plan *plan, MPI_Comm comm,
                                                wc_sweep_pipeline **pipeline);

/* Free (accepts NULL) and null the handle. Collective (the exchange's communicator). */
void wc_sweep_pipeline_destroy(wc_sweep_pipeline **pipeline);

/* x = M^-1 b over all ranks, with the sweep as factored (b, x: this rank's
 * [n_cells][n_states] states, then the totals, as wc_sweep_solve; may alias). Every rank
 * calls it for the same system. Only MPI errors fail. */
WC_NODISCARD wc_status wc_sweep_pipeline_solve(wc_sweep_pipeline *pipeline, const double *b, double *x);

/* Cells solved after the wait (downstream of a cell receiving from another rank). */
int32_t wc_sweep_pipeline_dependent_count(const wc_sweep_pipeline *pipeline);

/* Wall time this rank spent waiting for its upstream ranks in all solves so far (s). */
double wc_sweep_pipeline_wait_seconds(const wc_sweep_pipeline *pipeline);

#endif /* WC_SWEEP_PIPELINE_H */
