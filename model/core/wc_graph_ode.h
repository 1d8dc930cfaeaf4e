/*
 * wc_graph_ode.h — an ODE system on a drainage graph, as the physics gives it to the solver.
 *
 * Water and nitrogen move only downstream along the D8 tree. So the whole right-hand side
 * is made of one local function per cell: given the cell's own states and what flows in
 * from upstream, it returns the cell's time derivatives and what flows out. The solver
 * (solvers/) assembles f(t, y) with one forward pass in topological order, and the Newton
 * matrix M = I - gamma*J is block lower-triangular:
 *
 *   diagonal block i     D_i = I - gamma * d(ydot_i)/d(y_i)              (inflow fixed)
 *   coupling (i <- u)    -gamma * E_i * d(outflow_u)/d(y_u)              for u upstream of i
 *
 * where E_i adds transported quantity k into state `transport_target[k]` of cell i with
 * factor 1. A forward sweep solves M x = b exactly: x_i = D_i^-1 (b_i + gamma * E_i *
 * sum_u G_u x_u), with G_u = d(outflow_u)/d(y_u). The solver gets D_i and G_u by finite
 * differences of the cell function (or from the optional analytic callback).
 *
 * Units: every state of every cell is an amount per cell in the units its `state_names`
 * says (e.g. "mm" of water over the cell, "kg/ha" of N); an outflow is a rate in the units
 * of the state it enters downstream per second. On a regular grid all cells have the same
 * area, so depths and areal masses transfer with factor 1.
 */
#ifndef WC_GRAPH_ODE_H
#define WC_GRAPH_ODE_H

#include <stdint.h>

#include "wc_status.h"

/*
 * The local function of cell `node` (topological index) at time t (s from the period start):
 *   y[n_states]         the cell's states
 *   inflow[n_transport] what arrives from all upstream cells together (rate, see above)
 *   ydot[n_states]      out: d y / d t, per second
 *   outflow[n_transport] out: what leaves to the downstream cell (or the outlet), >= 0
 *   flux[n_fluxes]      out: rates of the budget accumulators (precipitation, ET, ...),
 *                       integrated by the solver as extra states of the cell (so that
 *                       budgets close exactly, see solvers/wc_integrator.h); may be NULL
 *                       when the solver does not need them
 * Must be a pure function of its arguments and the forcing of the current interval, and
 * must keep stores non-negative by construction (no outflow from an empty store).
 *
 * Contract: `outflow` depends on the cell's own states y (and t, the forcing) only, never
 * on `inflow`: what arrives changes a cell's derivatives, not what it releases in the same
 * instant. Under MPI the solver relies on it: a rank computes the outflows of its cells
 * that drain to another rank first (calling the function with zero inflow), sends them,
 * and only then runs its pass; one halo exchange per f evaluation is then exact (the
 * graph's couplings are all cell -> downstream cell). wcsim's physics keeps it
 * (tests/mpi/test_distributed.c checks wc_model_cell_rhs against random inflows).
 */
typedef wc_status (*wc_cell_rhs_fn)(void *context, double t, int32_t node, const double *y, const double *inflow,
                                    double *ydot, double *outflow, double *flux);

/* Optional analytic derivatives of the cell function w.r.t. its own states (inflow fixed):
 * block[n_states * n_states] row-major d ydot_r / d y_c; gradient[n_transport * n_states]
 * row-major d outflow_k / d y_c. NULL: the solver uses finite differences. */
typedef wc_status (*wc_cell_jacobian_fn)(void *context, double t, int32_t node, const double *y,
                                         const double *inflow, double *block, double *gradient);

typedef struct wc_graph_ode {
  /* The graph (local to this rank): nodes 0..n_cells-1 in topological order. */
  int32_t n_cells;
  const int32_t *downstream;     /* [n_cells] > i, or -1 at an outlet (or leaving the rank) */
  const int32_t *upstream_start; /* [n_cells + 1] CSR */
  const int32_t *upstream_index; /* [...] upstream nodes of each node */

  int n_states;                 /* per cell */
  int n_transport;              /* quantities carried downstream (water, N, ...) */
  int n_fluxes;                 /* budget accumulators per cell (0 for none) */
  const int *transport_target;  /* [n_transport]: state of the downstream cell receiving it */
  const char *const *state_names; /* [n_states], e.g. "snow_mm"; for messages and output */
  const double *abs_tolerance;  /* [n_states]: absolute tolerance of each state kind */
  const double *flux_abs_tolerance; /* [n_fluxes]: absolute tolerance of each flux total (its
                                       units: the state it drains or feeds); NULL: 1 */
  /* Budget totals per account rather than per cell (optional). Cell i's flux rates add
   * into row flux_row[i] of [n_flux_rows][n_fluxes]: cells whose totals are read one by one
   * (sections, region borders) get a row of their own, the rest share one per region, so
   * the solver integrates a few totals per region instead of n_fluxes per cell. Sums of
   * linear accumulations, so the books close as exactly as per cell (docs/solver.md).
   * NULL: one row per cell (n_flux_rows is then n_cells). */
  int32_t n_flux_rows;
  const int32_t *flux_row; /* [n_cells] in 0..n_flux_rows-1, or NULL */

  wc_cell_rhs_fn cell_rhs;
  wc_cell_jacobian_fn cell_jacobian; /* may be NULL */
  /* Where cell_jacobian's block may be non-zero: bit c of row r for d ydot_r / d y_c
   * ([n_states] masks, n_states <= 16); outside it the block is zero for every cell and
   * state. NULL: anywhere. A stepper compiled for the structure uses it (wc_cellwise.c). */
  const uint16_t *jacobian_structure;
  void *context;                     /* passed to the callbacks */
} wc_graph_ode;

/* Rows of budget totals ([rows][n_fluxes]) and the row cell i books into. */
static inline int32_t wc_graph_ode_flux_rows(const wc_graph_ode *ode) {
  return ode->flux_row ? ode->n_flux_rows : ode->n_cells;
}
static inline int32_t wc_graph_ode_flux_row_of(const wc_graph_ode *ode, int32_t cell) {
  return ode->flux_row ? ode->flux_row[cell] : cell;
}

#endif /* WC_GRAPH_ODE_H */
