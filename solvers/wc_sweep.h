/*
 * wc_sweep.h — the downstream sweep: an exact O(cells) solve of the Newton matrix of a
 * drainage-graph ODE.
 *
 * In topological order the Newton matrix M = I - gamma*J is block lower-triangular:
 *   diagonal block     D_i = I - gamma * J_i,   J_i = d ydot_i / d y_i   (inflow fixed)
 *   below it (i <- u)  -gamma * E_i * G_u,      G_u = d outflow_u / d y_u
 * where E_i puts transported quantity k into state transport_target[k]. Forward
 * substitution block by block is exact:
 *   x_i = D_i^-1 (b_i + gamma * E_i * sum_{u upstream of i} G_u x_u).
 * So one sweep costs one small dense mat-vec per cell, and as a preconditioner it leaves
 * GMRES nothing to do on one rank (one iteration per solve).
 *
 * J_i and G_u come from the cell function by finite differences (one call per state per
 * cell, plus one at the base point) or from the analytic callback. The factor step
 * inverts each D_i (Gauss-Jordan with partial pivoting): an explicit inverse makes the
 * sweep a branch-free mat-vec, and blocks are a handful of states.
 *
 * Storage: packed by a sparsity pattern shared by all cells (the union of the cells'
 * exact non-zeros, grown as evaluations find new ones): per cell only the values of J, G
 * and B at the pattern's positions and the inverses of J's diagonal groups, e.g. 59
 * doubles for wcsim's 8 states where dense blocks took 210. Skipping exact zeros changes
 * no sum, so the results are bit for bit those of dense blocks. Dense blocks, where an
 * interface takes or gives them: J [n_states][n_states], G [n_transport][n_states] and
 * B [n_fluxes][n_states] per cell, row-major.
 */
#ifndef WC_SWEEP_H
#define WC_SWEEP_H

#include <stdbool.h>
#include <stdint.h>

#include "wc_graph_ode.h"
#include "wc_inflow.h"
#include "wc_status.h"

typedef struct wc_sweep wc_sweep;

/* Storage for the blocks of `ode` (borrowed; must outlive the sweep). */
WC_NODISCARD wc_status wc_sweep_create(const wc_graph_ode *ode, wc_sweep **sweep);
void wc_sweep_destroy(wc_sweep **sweep);

/*
 * Budget accumulators (off by default). When on, the vectors of wc_sweep_solve are
 *   [n_cells][n_states] states | [rows][n_fluxes] flux totals | [n_outlets][n_transport]
 * with outlets in ascending node order: the layout of wc_integrator (rows: one per cell,
 * or per account, wc_graph_ode.flux_row). The totals' rows of M are [-gamma * B_i, I]
 * with B_i = d flux_i / d y_i (and G_o for an outlet o), so they are solved after the
 * states: x_total = b_total + gamma * sum over the row's cells of B_i x_i. wc_sweep_evaluate
 * then also gets B by finite differences (with the same cell calls as J). Call before
 * wc_sweep_evaluate.
 */
WC_NODISCARD wc_status wc_sweep_set_accumulators(wc_sweep *sweep, bool on);

/* With accumulators: keep only `cells` (ascending) as the outlets whose totals follow the
 * flux totals (as wc_graph_rhs_set_outlets). */
WC_NODISCARD wc_status wc_sweep_set_outlets(wc_sweep *sweep, int32_t count, const int32_t *cells);

/*
 * Set every cell's blocks from dense arrays instead of evaluating them (e.g. a test):
 * J [n_cells][n_states][n_states], G [n_cells][n_transport][n_states] and, with
 * accumulators, B [n_cells][n_fluxes][n_states] (NULL: zero). Packed and grouped as
 * wc_sweep_evaluate does; then wc_sweep_factor.
 */
WC_NODISCARD wc_status wc_sweep_set_blocks(wc_sweep *sweep, const double *jac, const double *grad,
                                           const double *flux_grad);

/* One cell's blocks, dense (each may be NULL): J [n_states][n_states], G
 * [n_transport][n_states], B [n_fluxes][n_states] (with accumulators; none without). */
void wc_sweep_cell_blocks(const wc_sweep *sweep, int32_t cell, double *jac, double *grad, double *flux_grad);

/* Doubles the sweep stores per cell with its current pattern: packed blocks, group
 * inverses and the cell's contribution (scratch of a few cells' size not counted). */
int wc_sweep_values_per_cell(const wc_sweep *sweep);

/*
 * Evaluate J and G at (t, y): a forward pass computes each cell's inflow (plus
 * `extra_inflow`, [n_cells][n_transport], may be NULL), then the analytic callback or
 * finite differences with the increment sqrt(DBL_EPSILON) * max(|y|, typical_size[s])
 * per state s (typical_size [n_states], > 0; the integrator uses atol / rtol, the size
 * below which a state's absolute tolerance dominates). Errors of the cell function pass
 * through.
 */
WC_NODISCARD wc_status wc_sweep_evaluate(wc_sweep *sweep, double t, const double *y, const double *extra_inflow,
                                         const double *typical_size);

/*
 * The block-triangular structure wc_sweep_evaluate found ([n_states]: per state, the last
 * state it depends on in any cell), and a way to widen it, e.g. to the maximum over all
 * ranks: the factor and the solve then run the same arithmetic on every rank, so results
 * do not depend on how the cells are split (wc_inflow.h). The inverses take the groups'
 * shape at the next wc_sweep_factor.
 */
const int *wc_sweep_group_reach(const wc_sweep *sweep);
void wc_sweep_set_group_reach(wc_sweep *sweep, const int *reach);

/* D_i = I - gamma J_i, inverted, every block by the same method wherever it sits (batches
 * of 8 without row swaps when safe, else alone with partial pivoting). WC_ERR_NUMERICS
 * naming the node when a block is
 * singular or not finite (the integrator treats it as a recoverable failure). */
WC_NODISCARD wc_status wc_sweep_factor(wc_sweep *sweep, double gamma);

/* gamma of the last successful wc_sweep_factor (NAN before, and once the pattern grew:
 * the inverses were dropped then). */
double wc_sweep_gamma(const wc_sweep *sweep);

/* Node whose block made the last wc_sweep_factor fail, or -1. */
int32_t wc_sweep_failed_node(const wc_sweep *sweep);

/* x = M^-1 b with M = I - gamma J as factored; b and x are [n_cells][n_states] and may be
 * the same array. */
void wc_sweep_solve(wc_sweep *sweep, const double *b, double *x);

/*
 * Upstream cells on other ranks: each cell sums its local and remote sources in the
 * canonical order of `sources` (wc_inflow.h; borrowed, e.g. wc_graph_rhs_sources), so the
 * blocks and the solve are bit for bit those of one process. `remote_outflow`
 * [n_remote][n_transport] (borrowed) holds the remote cells' outflows when
 * wc_sweep_evaluate runs (the halo of the last f); the remote contributions G_u x_u of a
 * solve go into wc_sweep_remote_contributions (zero: each rank alone, block Jacobi).
 * The sweep frees the list it built itself and reads this one from then on.
 */
WC_NODISCARD wc_status wc_sweep_set_sources(wc_sweep *sweep, const wc_inflow_sources *sources,
                                            const double *remote_outflow);
double *wc_sweep_remote_contributions(wc_sweep *sweep);

/*
 * The same solve in pieces, for a sweep pipelined over ranks (wc_sweep_pipeline.h):
 *   wc_sweep_solve_cells        solve `count` cells, cells[j] in that order (topological;
 *                               NULL: 0..count-1), each with what its upstream cells
 *                               (already solved) and the remote contributions give;
 *   wc_sweep_contribution       G_cell x_cell [n_transport] of a solved cell: what it passes
 *                               downstream (valid until the next solve);
 *   wc_sweep_solve_totals       the budget totals' rows, once every cell is solved.
 * wc_sweep_solve is all cells + totals.
 */
void wc_sweep_solve_cells(wc_sweep *sweep, const double *b, double *x, int32_t count, const int32_t *cells);
const double *wc_sweep_contribution(const wc_sweep *sweep, int32_t cell);
void wc_sweep_solve_totals(wc_sweep *sweep, const double *b, double *x);

/* Quantities carried downstream (the length of a contribution). */
int wc_sweep_transport_count(const wc_sweep *sweep);

/* Cell function calls made by wc_sweep_evaluate so far. */
int64_t wc_sweep_cell_calls(const wc_sweep *sweep);

#endif /* WC_SWEEP_H */
