/*
 * wc_cellwise.h — cell-by-cell integration along the drainage order (solver.method cellwise).
 *
 * A cell's equations see the rest of the basin only through what its upstream cells send
 * it, and nothing flows back upstream. So over one forcing interval each cell can be
 * integrated alone, in node order (upstream first), with its own steps: a cell whose
 * stores barely move takes one step a day while a channel that a storm passes through
 * takes dozens, where one global BDF system gives every cell the steps of the busiest.
 *
 * The method per cell is TR-BDF2 (the L-stable ESDIRK of Hosea and Shampine 1996: a
 * trapezoidal stage to t + gamma h, a BDF2 stage to t + h, gamma = 2 - sqrt 2) with its
 * embedded third-order error estimate, filtered through (I - d h J)^-1; steps are
 * accepted when the cell's weighted RMS error is at most 1 with CVODE's weights
 * 1 / (rtol |y| + atol). Newton iterations use the cell's Jacobian (finite differences),
 * kept across steps and intervals and re-evaluated when an iteration fails to converge.
 *
 * Inflow: every accepted step of a cell records what left it (the amounts, exact, and the
 * stage rates), and a downstream cell takes as inflow over any sub-interval the integral
 * of the upstream cells' outflow over it, from a quadratic through the three stage rates
 * corrected to the recorded amount. The stages see inflow as these exact amounts (the
 * inflow enters the equations additively), so what one cell loses is what the next
 * receives, to rounding, whatever the two cells' steps.
 *
 * Budgets: each step adds h (b1 F1 + b2 F2 + b3 F3) of the stage flux rates to the
 * totals, with the same weights as the states' update, which is computed from those
 * stages' rates, not from the last Newton iterate; so the books close to rounding.
 *
 * Several ranks (wc_cellwise_set_halo): each rank integrates its own cells in order, first
 * those whose flow goes on to other ranks; their records go to each rank below in one
 * message per interval as soon as the last of them is done (wc_cellwise_exchange.h), and a
 * cell fed from another rank waits for that message. Upstream ranks never wait for
 * downstream ones, so a rank works while the ranks below it catch up; a cell's sources are
 * summed in the whole graph's order, so the results are those of one rank, bit for bit.
 * One collective per interval, did a cell fail somewhere (see wc_cellwise_advance), or
 * none with deferred agreement.
 */
#ifndef WC_CELLWISE_H
#define WC_CELLWISE_H

#include <mpi.h>
#include <stdbool.h>
#include <stdint.h>

#include "wc_graph_ode.h"
#include "wc_halo.h"
#include "wc_status.h"

#define WC_CELLWISE_MAX_STATES 16
#define WC_CELLWISE_MAX_TRANSPORT 4
#define WC_CELLWISE_MAX_FLUXES 32

typedef struct wc_cellwise wc_cellwise;

typedef struct wc_cellwise_stats {
  int64_t cell_intervals; /* cells x intervals integrated */
  int64_t steps;          /* accepted cell steps */
  int64_t rejected_steps; /* error-test failures */
  int64_t newton_iters;
  int64_t newton_fails;   /* stages whose Newton iteration did not converge */
  int64_t jacobian_evals; /* cell Jacobians (finite differences: n_states calls each) */
  int64_t cell_calls;     /* every call of the cell function */
  int64_t record_compactions; /* times the records buffer was full and compacted */
  double record_wait_s;   /* wall time this rank waited in the exchange of records: for other
                             ranks' records, or for its own earlier messages to be taken */
} wc_cellwise_stats;

typedef struct wc_cellwise_failure {
  double t_s;     /* where the cell was when it failed */
  int32_t node;   /* the cell */
  int state;      /* the state with the largest weighted correction, or -1 */
  bool nonfinite; /* the cell function returned a non-finite value */
  int rank;       /* the rank owning the cell (node is that rank's local node) */
  int32_t global_node; /* the cell in the whole graph (= node on one rank) */
} wc_cellwise_failure;

/* `ode` is borrowed (it and its arrays must outlive the stepper); the graph must be closed
 * (no cells fed from outside it). */
WC_NODISCARD wc_status wc_cellwise_create(const wc_graph_ode *ode, double relative_tolerance,
                                          long max_steps_per_interval, wc_cellwise **stepper);
void wc_cellwise_destroy(wc_cellwise **stepper);

/* This rank's share of a partitioned graph (the ode's graph is the plan's local graph;
 * `plan` is borrowed and must outlive the stepper). Collective over comm (duplicated).
 * WC_ERR_UNSUPPORTED, on every rank, when a rank's flow goes to a lower rank (a partition
 * that is not contiguous, such as METIS's). */
WC_NODISCARD wc_status wc_cellwise_set_halo(wc_cellwise *stepper, const wc_halo_plan *plan, MPI_Comm comm);

/* Restart at t_s from y ([n_cells][n_states], copied); the totals restart at zero. */
WC_NODISCARD wc_status wc_cellwise_set_state(wc_cellwise *stepper, double t_s, const double *y);

/* Integrate every cell from the current time to t_stop_s. On failure (a cell whose step
 * falls below 1e-9 of the interval, or over max_steps_per_interval steps, or a cell
 * function error) the states are those of the failing interval's start for the cells
 * not yet done and WC_ERR_NUMERICS names the cell (wc_cellwise_last_failure). With a
 * halo, collective: every rank returns the first failing rank's status and message, and
 * the same failure. */
WC_NODISCARD wc_status wc_cellwise_advance(wc_cellwise *stepper, double t_stop_s);

/*
 * Several ranks: from now on advance makes no collective call. It returns this rank's own
 * status (WC_OK also when only an upstream rank failed: that rank reports it) and its own
 * cell's failure; the caller agrees on failures itself, `lag` intervals later (wc_simulation
 * lets the upstream ranks run ahead that way, instead of meeting the others at the end of
 * every interval), which bounds how far behind a rank below can be: up to lag + 1 messages
 * to each rank below stay in flight, as many as fit in 256 B per cell of this rank. A rank that has failed keeps exchanging with
 * wc_cellwise_pass until the others know. Call before the first advance. *deferred false
 * (and nothing changes) without a halo of several ranks.
 */
WC_NODISCARD wc_status wc_cellwise_defer_agreement(wc_cellwise *stepper, int lag, bool *deferred);

/* With deferred agreement: one interval's exchanges without integrating, every message
 * marked failed, so the ranks below do not wait for records that will not come. */
WC_NODISCARD wc_status wc_cellwise_pass(wc_cellwise *stepper, double t_stop_s);

double wc_cellwise_time(const wc_cellwise *stepper);
const double *wc_cellwise_state(const wc_cellwise *stepper);
/* [rows][n_fluxes] integrals of the flux rates since set_state (rows: wc_graph_ode.flux_row). */
const double *wc_cellwise_flux_totals(const wc_cellwise *stepper);
/* [n_outlets][n_transport] amounts that left through each outlet (ascending node order). */
const double *wc_cellwise_outlet_totals(const wc_cellwise *stepper);
int32_t wc_cellwise_outlet_count(const wc_cellwise *stepper);
const int32_t *wc_cellwise_outlets(const wc_cellwise *stepper);
void wc_cellwise_get_stats(const wc_cellwise *stepper, wc_cellwise_stats *stats);
/* Whether the factorisations and solves run as straight-line code compiled for the ODE's
 * Jacobian structure (wcsim's model: wc_graph_ode.jacobian_structure) rather than down the
 * lists of a structure table; the results are the same (tests/unit/test_model_physics.c). */
bool wc_cellwise_uses_compiled_structure(const wc_cellwise *stepper);
const wc_cellwise_failure *wc_cellwise_last_failure(const wc_cellwise *stepper);

/* Room for `records` step records (of all cells of an interval) from now on. Without it the
 * buffer starts at a quarter of a record per cell and, when full, keeps only the records
 * cells still to be integrated will read (compacted), growing only when those fill half
 * of it; a buffer reserved for every record of an interval is never compacted (the tests
 * compare the two bit for bit). */
WC_NODISCARD wc_status wc_cellwise_reserve_records(wc_cellwise *stepper, size_t records);

#endif /* WC_CELLWISE_H */
