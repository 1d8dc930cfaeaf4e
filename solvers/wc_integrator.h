/*
 * wc_integrator.h — time integration of a drainage-graph ODE with CVODE(S).
 *
 * BDF with Newton iteration; the linear systems are solved by the downstream sweep
 * (wc_sweep.h) used as the linear solver itself, or as the preconditioner of GMRES, or by
 * unpreconditioned GMRES (for comparison): wc_linear_solver, as in the scenario's
 * solver.linear_solver. Absolute tolerances are per state kind (wc_graph_ode's
 * abs_tolerance, repeated over cells); the relative tolerance is one number.
 *
 * Forcing: the caller changes the forcing between calls and calls wc_integrator_advance
 * once per forcing interval. Each call integrates with CVodeSetStopTime(t_stop), so no
 * step straddles a jump, and then continues from the same BDF history (a restart at each
 * boundary is an option; docs/solver.md has the measurements).
 *
 * Budgets: the flux totals (the cells' `flux` rates integrated, per cell or summed per
 * account row: wc_graph_ode.flux_row) and what left through each outlet are extra states
 * of the system, after the cells' states in the vector:
 *   [n_cells][n_states] | [rows][n_fluxes] | [n_outlets][n_transport].
 * Why states and not quadratures: for each cell i, storage_i + its loss and outflow
 * totals - its upstream cells' outflow totals - its input totals is a linear invariant
 * c_i of the system (c_i . f = 0). The sweep solves the Newton systems with block
 * Jacobians that keep it (c_i . J = 0 column by column, since the totals' rows come from
 * the same finite differences as the states'), so c_i . M = c_i and every Newton
 * iterate, converged or not, keeps every cell's books to rounding error. Quadratures are
 * integrated from the converged states, whose Newton residual is not zero: they drifted
 * 1e-8..1e-5 of throughput per run. The totals get zero error weight and never steer the
 * step (with GMRES they are weighted like quadratures; its closure is then that of the
 * linear tolerance).
 *
 * Failures: a non-finite derivative is a recoverable RHS failure (CVODE cuts the step). If
 * CVODE still fails, the integrator restarts at the last good state with a smaller first
 * step, up to max_retries times; then it returns WC_ERR_NUMERICS naming the simulated
 * time and the worst cell (wc_integrator_last_failure has them as numbers).
 *
 * MPI: every rank integrates its own cells (the graph in wc_graph_ode is rank-local);
 * vector norms are global, so every call here is collective on the communicator. With a
 * halo plan (options.halo_plan: the rank's share of one basin, hpc/wc_halo.h) the ranks
 * are one system:
 *   - each f evaluation first computes the outflows of the cells draining to other ranks,
 *     exchanges them (point to point, no collective) into the extra inflow, then runs the
 *     local pass (exact by the outflow contract of wc_graph_ode.h);
 *   - `sweep` is the exact sweep pipelined along the rank graph (wc_sweep_pipeline.h),
 *     so Newton iterations and budget closure are those of one process; `gmres_sweep`
 *     preconditions GMRES with each rank's sweep alone (block Jacobi: off-rank
 *     contributions dropped), exact after flow_depth iterations.
 * Without a plan each rank's graph is closed (independent copies, tests).
 * On more than one rank the f and solve callbacks never decide a failure alone (CVODE on
 * every rank must take the same path): a rank whose cell failed fills its share of the
 * output with NaN, which every rank then sees in the next global norm, and the failure is
 * agreed at the next collective callback (preconditioner setup; for plain GMRES the error
 * weights, once per step). So f has no collective at all.
 */
#ifndef WC_INTEGRATOR_H
#define WC_INTEGRATOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <mpi.h>

#include "wc_graph_ode.h"
#include "wc_halo.h"
#include "wc_scenario.h" /* wc_linear_solver */
#include "wc_status.h"

typedef struct wc_integrator wc_integrator;

typedef struct wc_integrator_options {
  wc_time_method method;          /* WC_METHOD_BDF (default: CVODE, everything below) or
                                     WC_METHOD_CELLWISE (wc_cellwise.h: uses the relative
                                     tolerance and max_steps_per_interval, per cell; with a
                                     halo plan the ranks exchange outflow records) */
  double relative_tolerance;      /* CVODE rtol; default 1e-4 */
  wc_linear_solver linear_solver; /* default WC_LINSOL_SWEEP */
  long max_steps_per_interval;    /* CVodeSetMaxNumSteps, per advance call; default 5000 */
  int max_retries;                /* restarts after a failure before giving up; default 2 */
  int max_order;                  /* BDF order 1..5; default 5 (CVODE's: smooth problems, the
                                     analytic tests). `wcsim run` takes the scenario's
                                     solver.max_order, default 2: with daily forcing jumps it
                                     took fewer steps and came closer to tight-tolerance runs
                                     (docs/solver.md) */
  int krylov_dimension;           /* GMRES basis size (maxl); default 5 */
  long jacobian_max_age_steps;    /* steps before the blocks are re-evaluated (CVODE msbj);
                                     0: CVODE's default, 51 */
  long setup_max_age_steps;       /* steps before CVODE asks for a setup at all (msbp);
                                     0: CVODE's default, 20 */
  bool nonnegative;               /* CVODE constraints y >= 0 on every state; default off */
  bool restart_each_interval;     /* CVodeReInit at every advance; default off. Measured:
                                     ~10% fewer steps with daily rain jumps, 3.4x the time
                                     with 24 stop times a day */
  bool sundials_vector;           /* Debian's N_Vector_Parallel instead of wc_nvector
                                     (benchmarks); default off */
  const wc_halo_plan *halo_plan;  /* this rank's share of a partitioned graph (borrowed;
                                     must outlive the integrator; its local graph is the
                                     ode's), or NULL: the rank's graph is closed. Default NULL */
} wc_integrator_options;

/* The defaults above. */
void wc_integrator_options_default(wc_integrator_options *options);

/* Counters since creation (summed over restarts). Per rank; all but cell_calls agree. */
typedef struct wc_integrator_stats {
  long intervals;          /* advance calls */
  long steps;              /* BDF steps */
  long rhs_evals;          /* f(t, y) evaluations by CVODE for the Newton iteration */
  long rhs_evals_jtimes;   /* f evaluations for difference-quotient J*v (GMRES) */
  long newton_iters;
  long newton_fails;       /* nonlinear convergence failures */
  long error_test_fails;
  long linear_iters;       /* GMRES iterations; 1 per solve for the sweep */
  long linear_fails;       /* linear convergence failures */
  long setups;             /* linear solver setups: blocks refactored for a new gamma
                              (and re-evaluated when jacobian_evals counts up too) */
  long jacobian_evals;     /* block Jacobian evaluations (FD or analytic) */
  long prec_solves;        /* sweeps */
  long retries;            /* restarts after a failure */
  int64_t cell_calls;      /* every call of the cell function (f passes, FD, send cells) */
  double last_step_s;      /* last step size taken */
  long halo_exchanges;     /* f evaluations with a halo exchange (with a halo plan) */
  int64_t halo_bytes;      /* bytes this rank sent in them and in pipelined sweeps */
  double halo_wait_s;      /* wall time this rank waited for other ranks' outflows in f
                              (cellwise: for their step records) */
  double pipeline_wait_s;  /* ... and for upstream ranks in the pipelined sweep */
  bool cellwise;           /* method cellwise: steps, Newton iterations and failures,
                              error-test failures and Jacobians are the cells' own, summed */
  int64_t cell_intervals;  /* cellwise: cells x intervals integrated */
} wc_integrator_stats;

/* What the last failed advance found (valid after WC_ERR_NUMERICS from advance). */
typedef struct wc_integrator_failure {
  double t_s;              /* simulated time of the last good state, s */
  int rank;                /* rank owning the cell (on every rank) */
  int32_t node;            /* rank-local node index; -1 if no cell could be named */
  int32_t global_node;     /* the node in the partitioned graph (halo plan's global index);
                              = node without a plan */
  int state;               /* state index within the cell, -1 if none */
  double weighted_error;   /* |local error estimate| * error weight; inf when non-finite */
  bool nonfinite;          /* the cell produced a non-finite value */
  bool cell_gave_up;       /* method cellwise: the cell's own steps failed (not the largest
                              error estimate over all cells) */
  int cvode_flag;          /* CVODE's return flag */
} wc_integrator_failure;

/*
 * Create an integrator for `ode` (borrowed: it and its arrays must outlive the
 * integrator) on `comm` (MPI_COMM_NULL: serial without MPI calls; sundials_vector then
 * not allowed). The state starts at zero at t = 0 until wc_integrator_set_state.
 * Collective.
 */
WC_NODISCARD wc_status wc_integrator_create(const wc_graph_ode *ode, const wc_integrator_options *options,
                                            MPI_Comm comm, wc_integrator **integrator);

/* Free (accepts NULL) and null the handle. Not collective. */
void wc_integrator_destroy(wc_integrator **integrator);

/* Restart at time t_s (s from the period start) from y ([n_cells][n_states], copied); the
 * budget totals restart at zero. Collective. */
WC_NODISCARD wc_status wc_integrator_set_state(wc_integrator *integrator, double t_s, const double *y);

/* Integrate from the current time to t_stop_s (> current time) with a stop time there.
 * Collective. On failure the state stays at the last good time (wc_integrator_time). */
WC_NODISCARD wc_status wc_integrator_advance(wc_integrator *integrator, double t_stop_s);

/*
 * Method cellwise on several ranks (wc_cellwise_defer_agreement): advance stops being
 * collective. It returns this rank's own status and failure, and the caller agrees on them
 * itself, `lag` intervals later; a rank that has failed takes part in the intervals'
 * exchanges with wc_integrator_pass until the others know. Call before the first
 * advance. *deferred false, and advance stays collective, for any other integrator (one
 * rank, or method bdf, whose steps are collective anyway).
 */
WC_NODISCARD wc_status wc_integrator_defer_agreement(wc_integrator *integrator, int lag, bool *deferred);
WC_NODISCARD wc_status wc_integrator_pass(wc_integrator *integrator, double t_stop_s);

/* Current time (s) and state [n_cells][n_states]; valid until the next advance/set_state. */
double wc_integrator_time(const wc_integrator *integrator);
const double *wc_integrator_state(const wc_integrator *integrator);

/* Budget totals since set_state at the current time: [rows][n_fluxes] integrals of the
 * cells' flux rates (this rank's cells; a row per cell, or per account: wc_graph_ode.flux_row), and [n_outlets][n_transport] amounts that left
 * through each outlet (outlets as wc_integrator_outlets). NULL when there are none. */
const double *wc_integrator_flux_totals(const wc_integrator *integrator);
const double *wc_integrator_outlet_totals(const wc_integrator *integrator);
int32_t wc_integrator_outlet_count(const wc_integrator *integrator);
const int32_t *wc_integrator_outlets(const wc_integrator *integrator);

/* The halo hook: [n_cells][n_transport] rates added to each cell's inflow (zero). */
double *wc_integrator_extra_inflow(wc_integrator *integrator);

void wc_integrator_get_stats(const wc_integrator *integrator, wc_integrator_stats *stats);

/* Print the counters as "name value" lines with derived ratios (linear iterations per
 * Newton iteration, steps per interval). */
void wc_integrator_stats_print(const wc_integrator_stats *stats, FILE *file);

const wc_integrator_failure *wc_integrator_last_failure(const wc_integrator *integrator);

/* "sweep", "gmres_sweep", "gmres". */
const char *wc_linear_solver_name(wc_linear_solver kind);

#endif /* WC_INTEGRATOR_H */
