/*
 * wc_integrator.c — CVODES set-up, the callbacks that connect it to the graph ODE, stop
 * times, retries and statistics (see wc_integrator.h).
 *
 * Linked against CVODES (CVODE's whole API besides sensitivities and quadratures); the
 * budget totals are states of the system itself, not quadratures (see wc_integrator.h).
 */
#include "wc_integrator.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cvodes/cvodes.h>
#include <cvodes/cvodes_ls.h>
#include <nvector/nvector_parallel.h>
#include <sunlinsol/sunlinsol_spgmr.h>

#include "wc_cellwise.h"
#include "wc_graph_rhs.h"
#include "wc_linsol_sweep.h"
#include "wc_log.h"
#include "wc_mpi.h"
#include "wc_nvector.h"
#include "wc_sundials.h"
#include "wc_sweep.h"
#include "wc_sweep_pipeline.h"

struct wc_integrator {
  const wc_graph_ode *ode;
  wc_cellwise *cellwise; /* method cellwise: all the work is there; CVODE is not created */
  wc_integrator_options options;
  MPI_Comm comm; /* MPI_COMM_NULL: serial */
  int rank, size;

  SUNContext sunctx;
  void *cvode;
  SUNLinearSolver ls;
  N_Vector y;           /* state (own or Debian vector) */
  N_Vector constraints; /* >= 0, when options.nonnegative */
  N_Vector error_work;  /* local error estimates; allocated at the first failure */
  N_Vector weight_work; /* error weights; allocated at the first failure */

  wc_graph_rhs *rhs;
  wc_sweep *sweep;       /* NULL for plain GMRES */
  double *typical_size;  /* [n_states] atol / rtol: FD increment scale */
  double *total_atol;    /* [n_total - n_local] absolute tolerance of each budget total; the
                            states' come from ode->abs_tolerance per kind (no vector: memory) */
  size_t n_local;        /* n_cells * n_states: the states */
  size_t n_flux_totals;  /* rows * n_fluxes: budget totals after the states (wc_graph_ode.flux_row) */
  size_t n_total;        /* n_local + n_flux_totals + n_outlets * n_transport */
  double state_weight_scale; /* see cv_error_weights */

  /* Decomposition (options.halo_plan): the exchange of f and the pipelined sweep. */
  const wc_halo_plan *plan;
  wc_halo *halo;               /* send cells' outflows, once per f evaluation */
  wc_sweep_pipeline *pipeline; /* the exact sweep across ranks (sweep solver, > 1 rank) */
  long halo_exchanges;
  int64_t halo_bytes;
  double halo_wait_s;

  /* More than one rank: callbacks defer failures (poison with NaN) to the next
   * agreement instead of returning a local verdict (see wc_integrator.h). */
  bool deferred;
  bool stop;             /* agreed: every callback returns -1 until the attempt ends */
  int pending_events;    /* local recoverable events since the last agreement */

  double t;
  bool fresh;            /* no step since the last (re)initialisation */
  wc_integrator_stats base; /* counters of CVODE runs before the last ReInit */
  long jacobian_evals;
  long retries;
  long intervals;
  int32_t singular_node; /* node of the last singular block, -1 */
  int32_t nonfinite_node; /* first cell this attempt that made a non-finite value from finite
                             inputs (the culprit, not a cell a NaN reached), -1 */
  int numeric_events;    /* recoverable non-finite / singular events in this CVode call */
  wc_status callback_status; /* a callback's unrecoverable error, kept for the caller */
  wc_integrator_failure failure;
  char cvode_message[512];
};

void wc_integrator_options_default(wc_integrator_options *options) {
  *options = (wc_integrator_options){
      .relative_tolerance = 1e-4,
      .linear_solver = WC_LINSOL_SWEEP,
      .max_steps_per_interval = 5000,
      .max_retries = 2,
      .max_order = 5,
      .krylov_dimension = 5,
      .nonnegative = false,
      .restart_each_interval = false,
      .sundials_vector = false,
  };
}

const char *wc_linear_solver_name(wc_linear_solver kind) {
  switch (kind) {
  case WC_LINSOL_SWEEP: return "sweep";
  case WC_LINSOL_GMRES_SWEEP: return "gmres_sweep";
  case WC_LINSOL_GMRES: return "gmres";
  }
  return "unknown";
}

/* ---- MPI agreement ---------------------------------------------------------------------- */

/*
 * Callbacks return 0 (ok), 1 (recoverable: CVODE retries with a smaller step) or -1. Every
 * rank must return the same, or the ranks' CVODE instances take different paths and
 * deadlock in the next reduction; the worst outcome wins.
 */
static int agree_flag(const wc_integrator *integ, int flag) {
  if (integ->size <= 1) return flag;
  int code = flag < 0 ? 2 : flag > 0 ? 1 : 0, all = code;
  MPI_Allreduce(&code, &all, 1, MPI_INT, MPI_MAX, integ->comm);
  return all == 2 ? -1 : all;
}

/* After a callback failed unrecoverably on some rank(s): every rank returns the error of
 * the lowest failing rank, message included, so rank 0 can report it. */
static wc_status share_callback_error(wc_integrator *integ) {
  wc_status local = integ->callback_status;
  if (integ->size <= 1) return local;
  int mine = local != WC_OK ? integ->rank : integ->size, root = mine;
  MPI_Allreduce(&mine, &root, 1, MPI_INT, MPI_MIN, integ->comm);
  if (root == integ->size) return WC_ERR_INTERNAL; /* unreachable: some rank failed */
  int status = (int)local;
  char message[1024] = "";
  if (integ->rank == root) snprintf(message, sizeof message, "%s", wc_error_message());
  MPI_Bcast(&status, 1, MPI_INT, root, integ->comm);
  MPI_Bcast(message, (int)sizeof message, MPI_CHAR, root, integ->comm);
  if (integ->rank != root)
    return wc_error_set((wc_status)status, __FILE__, __LINE__, "rank %d: %s", root, message);
  return (wc_status)status;
}

/* ---- CVODE callbacks -------------------------------------------------------------------- */

/*
 * Recoverable numerical events (a non-finite value, a singular block) allowed in one CVode
 * call before the callbacks give up. A cell that is NaN beyond some time t* makes CVODE
 * creep towards t* with ever shorter successful steps (each failure only cuts h by 4), so
 * without a limit it would run into max_steps_per_interval instead of failing fast.
 */
enum { WC_MAX_NUMERIC_EVENTS = 25 };

/* A callback's wc_status as a local CVODE flag: a non-finite value or a singular block is
 * recoverable; anything else is kept for the caller and stops the integration. */
static int callback_flag(wc_integrator *integ, wc_status status, bool recoverable) {
  if (status == WC_OK) return 0;
  if (recoverable) return 1;
  integ->callback_status = status;
  return -1;
}

/* The flag every rank returns to CVODE from a collective callback: agreed, and counted
 * after agreement so that the event limit trips on every rank at the same call. Deferred
 * (several ranks): the events and errors the rank's f and solves met since the last
 * agreement are agreed here too, in the same reduction; they count as one more event, and
 * an error or the limit stops every later callback of this attempt on every rank. */
static int settle(wc_integrator *integ, int local_flag) {
  if (!integ->deferred) {
    int flag = agree_flag(integ, local_flag);
    if (flag > 0 && ++integ->numeric_events > WC_MAX_NUMERIC_EVENTS) flag = -1;
    return flag;
  }
  int code[2] = {local_flag < 0 ? 2 : local_flag > 0 ? 1 : 0,
                 integ->callback_status != WC_OK ? 2 : integ->pending_events > 0 ? 1 : 0};
  integ->pending_events = 0;
  MPI_Allreduce(MPI_IN_PLACE, code, 2, MPI_INT, MPI_MAX, integ->comm);
  int flag = code[0] == 2 ? -1 : code[0];
  if (code[1] == 2) flag = -1;
  if (code[1] == 1) integ->numeric_events++;
  if (flag > 0) integ->numeric_events++;
  if (integ->numeric_events > WC_MAX_NUMERIC_EVENTS) flag = -1;
  if (flag < 0) integ->stop = true;
  return flag;
}

/*
 * What an f or solve callback returns on several ranks, where it may not decide alone: a
 * local failure (`local_flag` != 0) is remembered (a recoverable event, or the error in
 * callback_status) and the rank's output `out[n]` is filled with NaN. Every rank's CVODE
 * then finds the NaN in the next global norm of the Newton correction and cuts the step,
 * and the next collective callback agrees on the events (settle).
 */
static int defer(wc_integrator *integ, int local_flag, double *out, size_t n) {
  if (local_flag != 0) {
    if (local_flag > 0) integ->pending_events++;
    for (size_t j = 0; j < n; j++) out[j] = NAN;
  }
  return integ->stop ? -1 : 0;
}

static double wall_seconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

static bool all_finite(const double *x, size_t n) {
  int bad = 0;
  for (size_t j = 0; j < n; j++) bad |= !isfinite(x[j]);
  return bad == 0;
}

/* The outflows of the send cells to the ranks they drain to, into every rank's remote
 * outflows (each summed in canonical order by the pass, wc_inflow.h). Begin: post the
 * receives (so early messages land in place), compute the rates straight into the send
 * buffer and send; the rates are NaN after a local error, since the neighbours wait for
 * the message anyway. Finish (halo_finish, the pass's wait): wait, copy what arrived. */
static wc_status halo_begin(wc_integrator *integ, double t, const double *y, int32_t *bad_send) {
  const wc_halo_plan *plan = integ->plan;
  const int32_t n_send = wc_halo_plan_send_count(plan);
  const int nt = integ->ode->n_transport;
  WC_CALL(wc_halo_post_receives(integ->halo));
  double *rates = wc_halo_send_buffer(integ->halo);
  wc_status status = wc_graph_rhs_outflows(integ->rhs, t, y, n_send, wc_halo_plan_send_cell(plan), rates);
  if (status != WC_OK)
    for (size_t j = 0; j < (size_t)n_send * (size_t)nt; j++) rates[j] = NAN;
  /* A send cell's outflow is no outlet rate here, so the pass does not scan it. */
  *bad_send = -1;
  for (int32_t k = 0; status == WC_OK && *bad_send < 0 && k < n_send; k++)
    if (!all_finite(rates + (size_t)k * (size_t)nt, (size_t)nt)) *bad_send = wc_halo_plan_send_cell(plan)[k];
  for (int32_t g = 0; g < wc_halo_plan_send_neighbour_count(plan); g++)
    WC_CALL(wc_halo_send_neighbour(integ->halo, g));
  integ->halo_exchanges++;
  integ->halo_bytes += (int64_t)n_send * nt * (int64_t)sizeof(double);
  return status;
}

static wc_status halo_finish(void *context) {
  wc_integrator *integ = context;
  const int32_t n_recv = wc_halo_plan_recv_count(integ->plan);
  const double *received = NULL;
  double wait_start = wall_seconds();
  WC_CALL(wc_halo_wait_receives(integ->halo, &received));
  integ->halo_wait_s += wall_seconds() - wait_start;
  if (n_recv > 0)
    memcpy(wc_graph_rhs_remote_outflow(integ->rhs), received,
           (size_t)n_recv * (size_t)integ->ode->n_transport * sizeof *received);
  WC_CALL(wc_halo_wait_sends(integ->halo));
  return WC_OK;
}

/* f(t, y) of the states and, after them, the rates of the budget totals. */
static int cv_rhs(double t, N_Vector y, N_Vector ydot, void *data) {
  wc_integrator *integ = data;
  double *yd = N_VGetArrayPointer(ydot);
  const double *yy = N_VGetArrayPointer(y);
  int32_t bad_send = -1;
  double *flux_rate = yd + integ->n_local, *outlet_rate = flux_rate + integ->n_flux_totals;
  wc_status status = WC_OK;
  if (integ->halo) {
    /* Cells that need nothing from other ranks run while the halo is in flight. */
    status = halo_begin(integ, t, yy, &bad_send);
    if (status == WC_OK)
      status = wc_graph_rhs_eval_overlapped(integ->rhs, t, yy, yd, flux_rate, outlet_rate, halo_finish, integ);
    else
      (void)halo_finish(integ); /* the neighbours wait for this exchange */
  } else {
    status = wc_graph_rhs_eval(integ->rhs, t, yy, yd, flux_rate, outlet_rate);
  }
  bool nonfinite = status == WC_ERR_NUMERICS && wc_graph_rhs_nonfinite_node(integ->rhs) >= 0;
  if (status == WC_OK && bad_send >= 0) {
    const int ns = integ->ode->n_states;
    status = wc_error_set(WC_ERR_NUMERICS, __FILE__, __LINE__, "non-finite outflow of node %d, t = %.9g s", (int)bad_send, t);
    nonfinite = true;
    if (integ->nonfinite_node < 0 && all_finite(yy + (size_t)bad_send * (size_t)ns, (size_t)ns))
      integ->nonfinite_node = bad_send;
  }
  if (nonfinite && integ->nonfinite_node < 0 && all_finite(yy, integ->n_local) &&
      all_finite(wc_graph_rhs_extra_inflow(integ->rhs), (size_t)integ->ode->n_cells * (size_t)integ->ode->n_transport) &&
      (!integ->plan || all_finite(wc_graph_rhs_remote_outflow(integ->rhs),
                                  (size_t)wc_halo_plan_recv_count(integ->plan) * (size_t)integ->ode->n_transport)))
    integ->nonfinite_node = wc_graph_rhs_nonfinite_node(integ->rhs);
  int flag = callback_flag(integ, status, nonfinite);
  if (integ->deferred) return defer(integ, flag, yd, integ->n_total);
  return settle(integ, flag);
}

/*
 * Error weights. The states: CVODE's usual 1 / (rtol |y| + atol). The budget totals never
 * need error control to close (the invariant holds at every Newton iterate, see
 * wc_integrator.h), so with the sweep as the linear solver they get weight 0 and never
 * steer the step; weighted RMS norms are those of the states alone (the own vector divides
 * by the states' count, Debian's vector gets the states' weights scaled by
 * sqrt(n_total / n_states) instead). GMRES scales its vectors by the
 * weights and cannot take a zero, so there the totals are weighted like quadratures under
 * error control: 1 / (rtol |Q| + atol of the flux).
 */
static int cv_error_weights(N_Vector y, N_Vector ewt, void *data) {
  wc_integrator *integ = data;
  /* Plain GMRES has no preconditioner setup, so on several ranks the events of f are
   * agreed here: once per step, at the same point on every rank. */
  if (integ->deferred && integ->options.linear_solver == WC_LINSOL_GMRES) (void)settle(integ, 0);
  const double *yd = N_VGetArrayPointer(y), *atol = integ->ode->abs_tolerance;
  double *w = N_VGetArrayPointer(ewt);
  const double rtol = integ->options.relative_tolerance, scale = integ->state_weight_scale;
  const size_t ns = (size_t)integ->ode->n_states;
  for (size_t j = 0; j < integ->n_local; j += ns)
    for (size_t s = 0; s < ns; s++) w[j + s] = scale / (rtol * fabs(yd[j + s]) + atol[s]);
  bool weigh_totals = integ->options.linear_solver != WC_LINSOL_SWEEP;
  for (size_t j = integ->n_local; j < integ->n_total; j++)
    w[j] = weigh_totals ? 1.0 / (rtol * fabs(yd[j]) + integ->total_atol[j - integ->n_local]) : 0.0;
  return 0;
}

static int factor_blocks(wc_integrator *integ, double gamma) {
  wc_status status = wc_sweep_factor(integ->sweep, gamma);
  if (status != WC_OK) integ->singular_node = wc_sweep_failed_node(integ->sweep);
  return callback_flag(integ, status, status == WC_ERR_NUMERICS);
}

static int cv_prec_setup(double t, N_Vector y, N_Vector fy, booleantype jok, booleantype *jcur, double gamma,
                         void *data) {
  (void)fy;
  wc_integrator *integ = data;
  int flag = 0;
  if (!jok) {
    wc_status status = wc_sweep_evaluate(integ->sweep, t, N_VGetArrayPointer(y),
                                         wc_graph_rhs_extra_inflow(integ->rhs), integ->typical_size);
    flag = callback_flag(integ, status, false);
    integ->jacobian_evals++;
    if (integ->size > 1) {
      /* The same block structure on every rank, so each factors and solves as one process would. */
      int reach[64];
      memcpy(reach, wc_sweep_group_reach(integ->sweep), (size_t)integ->ode->n_states * sizeof *reach);
      MPI_Allreduce(MPI_IN_PLACE, reach, integ->ode->n_states, MPI_INT, MPI_MAX, integ->comm);
      wc_sweep_set_group_reach(integ->sweep, reach);
    }
    *jcur = SUNTRUE;
  } else {
    *jcur = SUNFALSE;
  }
  if (flag == 0) flag = factor_blocks(integ, gamma);
  return settle(integ, flag);
}

static int cv_prec_solve(double t, N_Vector y, N_Vector fy, N_Vector r, N_Vector z, double gamma, double delta,
                         int lr, void *data) {
  (void)t;
  (void)y;
  (void)fy;
  (void)delta;
  (void)lr;
  wc_integrator *integ = data;
  /*
   * The blocks were factored with the gamma of the last setup; CVODE asks for a new setup
   * only once gamma drifts by 30%. The sweep refactors at every change of gamma instead
   * (no cell calls, about one sweep's cost): CVODE's usual remedy for direct solvers,
   * scaling the solution by 2 / (1 + gamrat), multiplies the Newton correction by a
   * number != 1, and that breaks the exact conservation of the budget totals at every
   * iterate (wc_integrator.h). As GMRES's preconditioner it stays exact too, so GMRES
   * converges in one iteration.
   */
  int flag = 0;
  if (gamma != wc_sweep_gamma(integ->sweep)) {
    flag = factor_blocks(integ, gamma);
    if (!integ->deferred) {
      flag = settle(integ, flag);
      if (flag != 0) return flag;
    }
  }
  double *zd = N_VGetArrayPointer(z);
  if (integ->pipeline) {
    /* Every rank takes part in the pipeline, also with a singular block (then poisoned). */
    wc_status status = wc_sweep_pipeline_solve(integ->pipeline, N_VGetArrayPointer(r), zd);
    integ->halo_bytes += (int64_t)wc_halo_plan_send_count(integ->plan) * integ->ode->n_transport * (int64_t)sizeof(double);
    if (status != WC_OK && flag == 0) flag = callback_flag(integ, status, false);
  } else {
    wc_sweep_solve(integ->sweep, N_VGetArrayPointer(r), zd);
  }
  return integ->deferred ? defer(integ, flag, zd, integ->n_total) : 0;
}

static void cv_error_handler(int code, const char *module, const char *function, char *message, void *data) {
  wc_integrator *integ = data;
  snprintf(integ->cvode_message, sizeof integ->cvode_message, "%s", message);
  wc_log_debug("%s %s (%d): %s", module, function, code, message);
}

/* ---- statistics ------------------------------------------------------------------------- */

static void cvode_counters(const wc_integrator *integ, wc_integrator_stats *s) {
  memset(s, 0, sizeof *s);
  void *cv = integ->cvode;
  long value = 0;
  if (CVodeGetNumSteps(cv, &value) == CV_SUCCESS) s->steps = value;
  if (CVodeGetNumRhsEvals(cv, &value) == CV_SUCCESS) s->rhs_evals = value;
  if (CVodeGetNumLinRhsEvals(cv, &value) == CV_SUCCESS) s->rhs_evals_jtimes = value;
  if (CVodeGetNumNonlinSolvIters(cv, &value) == CV_SUCCESS) s->newton_iters = value;
  if (CVodeGetNumNonlinSolvConvFails(cv, &value) == CV_SUCCESS) s->newton_fails = value;
  if (CVodeGetNumErrTestFails(cv, &value) == CV_SUCCESS) s->error_test_fails = value;
  if (CVodeGetNumLinIters(cv, &value) == CV_SUCCESS) s->linear_iters = value;
  if (CVodeGetNumLinConvFails(cv, &value) == CV_SUCCESS) s->linear_fails = value;
  if (CVodeGetNumLinSolvSetups(cv, &value) == CV_SUCCESS) s->setups = value;
  if (CVodeGetNumPrecSolves(cv, &value) == CV_SUCCESS) s->prec_solves = value;
  double h = 0.0;
  if (CVodeGetLastStep(cv, &h) == CV_SUCCESS) s->last_step_s = h;
}

static void add_counters(wc_integrator_stats *sum, const wc_integrator_stats *s) {
  sum->steps += s->steps;
  sum->rhs_evals += s->rhs_evals;
  sum->rhs_evals_jtimes += s->rhs_evals_jtimes;
  sum->newton_iters += s->newton_iters;
  sum->newton_fails += s->newton_fails;
  sum->error_test_fails += s->error_test_fails;
  sum->linear_iters += s->linear_iters;
  sum->linear_fails += s->linear_fails;
  sum->setups += s->setups;
  sum->prec_solves += s->prec_solves;
}

void wc_integrator_get_stats(const wc_integrator *integ, wc_integrator_stats *stats) {
  if (integ->cellwise) {
    wc_cellwise_stats c;
    wc_cellwise_get_stats(integ->cellwise, &c);
    *stats = (wc_integrator_stats){.cellwise = true, .intervals = integ->intervals, .cell_intervals = c.cell_intervals,
                                   .steps = (long)c.steps, .newton_iters = (long)c.newton_iters,
                                   .newton_fails = (long)c.newton_fails, .error_test_fails = (long)c.rejected_steps,
                                   .jacobian_evals = (long)c.jacobian_evals, .cell_calls = c.cell_calls,
                                   .rhs_evals = (long)c.cell_calls, .halo_wait_s = c.record_wait_s};
    return;
  }
  wc_integrator_stats now;
  cvode_counters(integ, &now);
  *stats = integ->base;
  add_counters(stats, &now);
  stats->last_step_s = now.last_step_s != 0.0 ? now.last_step_s : integ->base.last_step_s;
  stats->jacobian_evals = integ->jacobian_evals;
  stats->retries = integ->retries;
  stats->intervals = integ->intervals;
  stats->cell_calls = wc_graph_rhs_cell_calls(integ->rhs) + (integ->sweep ? wc_sweep_cell_calls(integ->sweep) : 0);
  stats->halo_exchanges = integ->halo_exchanges;
  stats->halo_bytes = integ->halo_bytes;
  stats->halo_wait_s = integ->halo_wait_s;
  stats->pipeline_wait_s = integ->pipeline ? wc_sweep_pipeline_wait_seconds(integ->pipeline) : 0.0;
}

void wc_integrator_stats_print(const wc_integrator_stats *s, FILE *file) {
  double newton = s->newton_iters > 0 ? (double)s->newton_iters : 1.0;
  double intervals = s->intervals > 0 ? (double)s->intervals : 1.0;
  fprintf(file,
          "intervals %ld\nsteps %ld (%.2f per interval)\nrhs_evals %ld\nrhs_evals_jtimes %ld\n"
          "newton_iters %ld (%.2f per step)\nnewton_fails %ld\nerror_test_fails %ld\n"
          "linear_iters %ld (%.3f per Newton iteration)\nlinear_fails %ld\nsetups %ld\njacobian_evals %ld\n"
          "prec_solves %ld\nretries %ld\ncell_calls %lld\nlast_step_s %.6g\nhalo_exchanges %ld\nhalo_bytes %lld\n"
          "halo_wait_s %.3f\npipeline_wait_s %.3f\n",
          s->intervals, s->steps, (double)s->steps / intervals, s->rhs_evals, s->rhs_evals_jtimes,
          s->newton_iters, s->steps > 0 ? (double)s->newton_iters / (double)s->steps : 0.0, s->newton_fails,
          s->error_test_fails, s->linear_iters, (double)s->linear_iters / newton, s->linear_fails, s->setups,
          s->jacobian_evals, s->prec_solves, s->retries, (long long)s->cell_calls, s->last_step_s, s->halo_exchanges,
          (long long)s->halo_bytes, s->halo_wait_s, s->pipeline_wait_s);
}

/* ---- creation --------------------------------------------------------------------------- */

/* With a plan, outlet totals only for the basin's outlets, not for the cells whose flow
 * goes on to another rank (their outflow is in their flux totals anyway): the vector then
 * has the same global length on any number of ranks, so the error weights and norms are
 * the one-process ones (the states' weight scale depends on that length). */
static wc_status keep_basin_outlets(wc_integrator *integ) {
  const wc_halo_plan *plan = integ->plan;
  int32_t n_outlets = wc_halo_plan_outlet_count(plan), n_send = wc_halo_plan_send_count(plan), kept = 0;
  const int32_t *outlets = wc_halo_plan_outlets(plan), *send_outlet = wc_halo_plan_send_outlet(plan);
  WC_CHECK(wc_halo_plan_local_count(plan) == integ->ode->n_cells && n_outlets == wc_graph_rhs_outlet_count(integ->rhs),
           WC_ERR_INTERNAL, "halo plan of %d cells and %d outlets for a graph of %d cells and %d outlets",
           (int)wc_halo_plan_local_count(plan), (int)n_outlets, (int)integ->ode->n_cells,
           (int)wc_graph_rhs_outlet_count(integ->rhs));
  unsigned char *sends = calloc((size_t)n_outlets + 1, 1);
  int32_t *basin = calloc((size_t)n_outlets + 1, sizeof *basin);
  wc_status status = WC_OK;
  if (!sends || !basin) status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for the outlets");
  for (int32_t k = 0; status == WC_OK && k < n_send; k++) sends[send_outlet[k]] = 1;
  for (int32_t k = 0; status == WC_OK && k < n_outlets; k++)
    if (!sends[k]) basin[kept++] = outlets[k];
  if (status == WC_OK) status = wc_graph_rhs_set_outlets(integ->rhs, kept, basin);
  free(sends);
  free(basin);
  return status;
}

static wc_status create_state_vector(wc_integrator *integ, sunindextype length, N_Vector *v) {
  if (!integ->options.sundials_vector) return wc_nvector_create(integ->comm, length, integ->sunctx, v);
  long long local = length, global = length;
  if (integ->size > 1) MPI_Allreduce(&local, &global, 1, MPI_LONG_LONG, MPI_SUM, integ->comm);
  *v = N_VNew_Parallel(integ->comm, length, (sunindextype)global, integ->sunctx);
  WC_SUN_CHECK_PTR(*v, "an N_Vector_Parallel");
  N_VConst(0.0, *v);
  return WC_OK;
}

static wc_status check_options(const wc_integrator_options *o, MPI_Comm comm) {
  WC_CHECK(isfinite(o->relative_tolerance) && o->relative_tolerance > 0.0 && o->relative_tolerance < 1.0,
           WC_ERR_INTERNAL, "relative tolerance %g is not in (0, 1)", o->relative_tolerance);
  WC_CHECK(o->linear_solver == WC_LINSOL_SWEEP || o->linear_solver == WC_LINSOL_GMRES_SWEEP ||
               o->linear_solver == WC_LINSOL_GMRES,
           WC_ERR_INTERNAL, "unknown linear solver %d", (int)o->linear_solver);
  WC_CHECK(o->max_steps_per_interval >= 1, WC_ERR_INTERNAL, "max steps per interval %ld < 1",
           o->max_steps_per_interval);
  WC_CHECK(o->max_retries >= 0, WC_ERR_INTERNAL, "max retries %d < 0", o->max_retries);
  WC_CHECK(o->max_order >= 1 && o->max_order <= 5, WC_ERR_INTERNAL, "BDF max order %d is not in 1..5",
           o->max_order);
  WC_CHECK(o->jacobian_max_age_steps >= 0 && o->setup_max_age_steps >= 0, WC_ERR_INTERNAL,
           "negative Jacobian or setup age");
  WC_CHECK(o->krylov_dimension >= 1, WC_ERR_INTERNAL, "Krylov dimension %d < 1", o->krylov_dimension);
  WC_CHECK(!o->sundials_vector || comm != MPI_COMM_NULL, WC_ERR_INTERNAL,
           "Debian's N_Vector_Parallel needs a communicator");
  return WC_OK;
}

static wc_status setup_cvode(wc_integrator *integ) {
  const wc_graph_ode *ode = integ->ode;
  const wc_integrator_options *o = &integ->options;
  integ->cvode = CVodeCreate(CV_BDF, integ->sunctx);
  WC_SUN_CHECK_PTR(integ->cvode, "the CVODE integrator");
  WC_CVODE_CALL(CVodeSetErrHandlerFn(integ->cvode, cv_error_handler, integ));
  /* Before CVodeInit: CVODE allocates one history vector per order up to the maximum. */
  WC_CVODE_CALL(CVodeSetMaxOrd(integ->cvode, o->max_order));
  WC_CVODE_CALL(CVodeInit(integ->cvode, cv_rhs, 0.0, integ->y));
  WC_CVODE_CALL(CVodeSetUserData(integ->cvode, integ));

  double *atol = integ->total_atol;
  for (size_t j = 0; j < integ->n_flux_totals; j++)
    atol[j] = ode->flux_abs_tolerance ? ode->flux_abs_tolerance[j % (size_t)ode->n_fluxes] : 1.0;
  for (size_t j = integ->n_flux_totals; j < integ->n_total - integ->n_local; j++) {
    size_t k = (j - integ->n_flux_totals) % (size_t)ode->n_transport;
    atol[j] = ode->abs_tolerance[ode->transport_target[k]];
  }
  WC_CVODE_CALL(CVodeWFtolerances(integ->cvode, cv_error_weights));
  WC_CVODE_CALL(CVodeSetMaxNumSteps(integ->cvode, o->max_steps_per_interval));
  if (o->nonnegative) {
    WC_CALL(create_state_vector(integ, (sunindextype)integ->n_total, &integ->constraints));
    N_VConst(0.0, integ->constraints);
    for (size_t j = 0; j < integ->n_local; j++) N_VGetArrayPointer(integ->constraints)[j] = 1.0;
    WC_CVODE_CALL(CVodeSetConstraints(integ->cvode, integ->constraints));
  }

  switch (o->linear_solver) {
  case WC_LINSOL_SWEEP: WC_CALL(wc_linsol_sweep_create(integ->sunctx, &integ->ls)); break;
  case WC_LINSOL_GMRES_SWEEP:
    integ->ls = SUNLinSol_SPGMR(integ->y, SUN_PREC_LEFT, o->krylov_dimension, integ->sunctx);
    WC_SUN_CHECK_PTR(integ->ls, "the SPGMR linear solver");
    break;
  case WC_LINSOL_GMRES:
    integ->ls = SUNLinSol_SPGMR(integ->y, SUN_PREC_NONE, o->krylov_dimension, integ->sunctx);
    WC_SUN_CHECK_PTR(integ->ls, "the SPGMR linear solver");
    break;
  }
  WC_CVODE_CALL(CVodeSetLinearSolver(integ->cvode, integ->ls, NULL));
  WC_CVODE_CALL(CVodeSetJacEvalFrequency(integ->cvode, o->jacobian_max_age_steps));
  WC_CVODE_CALL(CVodeSetLSetupFrequency(integ->cvode, o->setup_max_age_steps));
  if (o->linear_solver != WC_LINSOL_GMRES) {
    WC_CALL(wc_sweep_create(ode, &integ->sweep));
    /* One inflow list for f and the sweep (16 B per cell); the decomposition hands over
     * the one with remote sources again (setup_decomposition). */
    WC_CALL(wc_sweep_set_sources(integ->sweep, wc_graph_rhs_sources(integ->rhs), NULL));
    WC_CALL(wc_sweep_set_accumulators(integ->sweep, true));
    WC_CALL(wc_sweep_set_outlets(integ->sweep, wc_graph_rhs_outlet_count(integ->rhs), wc_graph_rhs_outlets(integ->rhs)));
    WC_CVODE_CALL(CVodeSetPreconditioner(integ->cvode, cv_prec_setup, cv_prec_solve));
  }
  return WC_OK;
}

/* The decomposition's parts that need no other rank: the plan must describe the ode's
 * graph on this rank of this communicator. */
static wc_status check_plan(const wc_integrator *integ) {
  const wc_halo_plan *plan = integ->plan;
  const wc_graph_ode *ode = integ->ode;
  WC_CHECK(wc_halo_plan_local_count(plan) == ode->n_cells, WC_ERR_INTERNAL,
           "halo plan of %d cells for a graph of %d cells", (int)wc_halo_plan_local_count(plan), (int)ode->n_cells);
  for (int32_t i = 0; i < ode->n_cells; i++)
    WC_CHECK(wc_halo_plan_downstream(plan)[i] == ode->downstream[i], WC_ERR_INTERNAL,
             "node %d drains to %d in the graph but to %d in the halo plan", (int)i, (int)ode->downstream[i],
             (int)wc_halo_plan_downstream(plan)[i]);
  WC_CHECK(wc_halo_plan_rank(plan) == integ->rank && wc_halo_plan_rank_count(plan) == integ->size, WC_ERR_INTERNAL,
           "halo plan of rank %d of %d on rank %d of %d", (int)wc_halo_plan_rank(plan),
           (int)wc_halo_plan_rank_count(plan), integ->rank, integ->size);
  WC_CHECK(ode->n_transport >= 1 || wc_halo_plan_send_count(plan) + wc_halo_plan_recv_count(plan) == 0,
           WC_ERR_INTERNAL, "a graph with cut edges must carry something downstream");
  return WC_OK;
}

/* Collective: the exchange of f and, for the sweep on several ranks, the pipeline. */
static wc_status setup_decomposition(wc_integrator *integ) {
  const wc_halo_plan *plan = integ->plan;
  wc_status status = check_plan(integ);
  /* Inflow from other ranks is summed in canonical order, in f and in the sweep alike.
   * wc_graph_rhs_set_remote replaces the list the sweep reads, which gets the new one
   * before anything evaluates. */
  if (status == WC_OK)
    status = wc_graph_rhs_set_remote(integ->rhs, wc_halo_plan_global_index(plan), wc_halo_plan_recv_count(plan),
                                     wc_halo_plan_recv_cell(plan), wc_halo_plan_recv_global_cell(plan));
  if (status == WC_OK && integ->sweep)
    status = wc_sweep_set_sources(integ->sweep, wc_graph_rhs_sources(integ->rhs), wc_graph_rhs_remote_outflow(integ->rhs));
  WC_CALL(wc_mpi_agree_on(integ->comm, status));
  if (integ->ode->n_transport < 1) return WC_OK; /* nothing ever crosses */
  WC_CALL(wc_halo_create(integ->plan, integ->comm, integ->ode->n_transport, &integ->halo));
  if (integ->options.linear_solver == WC_LINSOL_SWEEP && integ->size > 1)
    WC_CALL(wc_sweep_pipeline_create(integ->sweep, integ->plan, integ->comm, &integ->pipeline));
  wc_log_debug("rank %d: %d cells, %d send and %d receive cells (%d and %d neighbours), %d cells after the "
               "pipeline's wait",
               integ->rank, (int)integ->ode->n_cells, (int)wc_halo_plan_send_count(plan),
               (int)wc_halo_plan_recv_count(plan), (int)wc_halo_plan_send_neighbour_count(plan),
               (int)wc_halo_plan_recv_neighbour_count(plan),
               integ->pipeline ? (int)wc_sweep_pipeline_dependent_count(integ->pipeline) : 0);
  return WC_OK;
}

/* Method cellwise: the stepper does everything; with a plan it exchanges outflow records
 * with the neighbour ranks itself. */
static wc_status create_cellwise(wc_integrator *integ) {
  WC_CALL(wc_cellwise_create(integ->ode, integ->options.relative_tolerance, integ->options.max_steps_per_interval,
                             &integ->cellwise));
  if (integ->plan && integ->comm != MPI_COMM_NULL)
    WC_CALL(wc_cellwise_set_halo(integ->cellwise, integ->plan, integ->comm));
  /* Which cell LU runs is in the log: a model change that leaves the compiled structure
   * (docs/solver.md) costs ~1.3x in time and would otherwise go unseen. */
  wc_log_info("integrator: cell by cell (TR-BDF2, rtol %g), %d cells of %d states on this rank, cell LU %s",
              integ->options.relative_tolerance, (int)integ->ode->n_cells, integ->ode->n_states,
              wc_cellwise_uses_compiled_structure(integ->cellwise) ? "compiled for the model's Jacobian structure"
                                                                   : "by a table of structures");
  return WC_OK;
}

wc_status wc_integrator_create(const wc_graph_ode *ode, const wc_integrator_options *options, MPI_Comm comm,
                               wc_integrator **out) {
  *out = NULL;
  wc_integrator_options defaults;
  wc_integrator_options_default(&defaults);
  if (!options) options = &defaults;
  WC_CALL(check_options(options, comm));
  WC_CALL(wc_graph_ode_check(ode));

  wc_integrator *integ = NULL;
  WC_MALLOC(integ, 1, "integrator");
  *integ = (wc_integrator){.ode = ode, .options = *options, .comm = comm, .size = 1, .fresh = true,
                           .singular_node = -1, .nonfinite_node = -1, .plan = options->halo_plan};
  integ->failure = (wc_integrator_failure){.node = -1, .global_node = -1, .state = -1, .rank = -1};
  wc_status status = WC_OK;
  if (comm != MPI_COMM_NULL) {
    MPI_Comm_rank(comm, &integ->rank);
    MPI_Comm_size(comm, &integ->size);
  }
  integ->deferred = integ->size > 1;
  integ->n_local = (size_t)ode->n_cells * (size_t)ode->n_states;
  if (options->method == WC_METHOD_CELLWISE) {
    WC_CALL_GOTO(status, fail, create_cellwise(integ));
    *out = integ;
    return WC_OK;
  }
  integ->n_flux_totals = (size_t)wc_graph_ode_flux_rows(ode) * (size_t)ode->n_fluxes;

  WC_CALL_GOTO(status, fail, wc_graph_rhs_create(ode, &integ->rhs));
  if (integ->plan) WC_CALL_GOTO(status, fail, keep_basin_outlets(integ));
  integ->n_total = integ->n_local + integ->n_flux_totals +
                   (size_t)wc_graph_rhs_outlet_count(integ->rhs) * (size_t)ode->n_transport;
  double counts[3] = {(double)integ->n_local, (double)integ->n_total, (double)wc_graph_ode_flux_rows(ode)};
  if (integ->size > 1) MPI_Allreduce(MPI_IN_PLACE, counts, 3, MPI_DOUBLE, MPI_SUM, comm);
  /* With the sweep the totals weigh 0 (cv_error_weights): norms over the states alone.
   * The own vector divides by the states' count; Debian's divides by its length, so there
   * the states' weights are scaled up instead (rounding then depends on that length). */
  bool states_only = options->linear_solver == WC_LINSOL_SWEEP && counts[0] > 0;
  integ->state_weight_scale = states_only && options->sundials_vector ? sqrt(counts[1] / counts[0]) : 1.0;
  wc_log_info("integrator: %.0f unknowns: %.0f states (%d per cell) and %.0f budget totals (%d fluxes in %.0f "
              "rows, %d per outlet)",
              counts[1], counts[0], ode->n_states, counts[1] - counts[0], ode->n_fluxes, counts[2], ode->n_transport);

  WC_CALL_GOTO(status, fail, wc_sun_context_create(comm, &integ->sunctx));
  WC_CALL_GOTO(status, fail, create_state_vector(integ, (sunindextype)integ->n_total, &integ->y));
  if (states_only && !options->sundials_vector) wc_nvector_set_norm_length(integ->y, (sunindextype)counts[0]);

  integ->typical_size = calloc((size_t)ode->n_states, sizeof *integ->typical_size);
  integ->total_atol = calloc(integ->n_total - integ->n_local + 1, sizeof *integ->total_atol);
  if (!integ->typical_size || !integ->total_atol) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for integrator work arrays");
    goto fail;
  }
  for (int s = 0; s < ode->n_states; s++) integ->typical_size[s] = ode->abs_tolerance[s] / options->relative_tolerance;

  WC_CALL_GOTO(status, fail, setup_cvode(integ));
  if (integ->plan && comm != MPI_COMM_NULL) WC_CALL_GOTO(status, fail, setup_decomposition(integ));
  *out = integ;
  return WC_OK;
fail:
  wc_integrator_destroy(&integ);
  return status;
}

void wc_integrator_destroy(wc_integrator **integrator) {
  if (!integrator || !*integrator) return;
  wc_integrator *integ = *integrator;
  wc_cellwise_destroy(&integ->cellwise);
  if (integ->cvode) CVodeFree(&integ->cvode);
  if (integ->ls) SUNLinSolFree(integ->ls);
  N_Vector *vectors[] = {&integ->y, &integ->constraints, &integ->error_work, &integ->weight_work};
  for (size_t k = 0; k < sizeof vectors / sizeof *vectors; k++)
    if (*vectors[k]) {
      N_VDestroy(*vectors[k]);
      *vectors[k] = NULL;
    }
  wc_sweep_pipeline_destroy(&integ->pipeline);
  wc_halo_destroy(&integ->halo);
  wc_sweep_destroy(&integ->sweep);
  wc_graph_rhs_destroy(&integ->rhs);
  wc_sun_context_destroy(&integ->sunctx);
  free(integ->typical_size);
  free(integ->total_atol);
  free(integ);
  *integrator = NULL;
}

/* ---- state ------------------------------------------------------------------------------ */

/* Restart CVODE at (t, current y), budget totals included; the counters of the finished
 * run move to `base` since ReInit zeroes CVODE's. */
static wc_status reinit(wc_integrator *integ, double t, double first_step) {
  wc_integrator_stats now;
  cvode_counters(integ, &now);
  add_counters(&integ->base, &now);
  if (now.last_step_s != 0.0) integ->base.last_step_s = now.last_step_s;
  WC_CVODE_CALL(CVodeReInit(integ->cvode, t, integ->y));
  WC_CVODE_CALL(CVodeSetInitStep(integ->cvode, first_step));
  integ->t = t;
  integ->fresh = true;
  return WC_OK;
}

wc_status wc_integrator_set_state(wc_integrator *integ, double t_s, const double *y) {
  if (integ->cellwise) {
    WC_CALL(wc_cellwise_set_state(integ->cellwise, t_s, y));
    integ->t = t_s;
    return WC_OK;
  }
  WC_CHECK(isfinite(t_s), WC_ERR_INTERNAL, "initial time %g is not finite", t_s);
  double *yd = N_VGetArrayPointer(integ->y);
  size_t bad = integ->n_local;
  for (size_t j = 0; j < integ->n_local; j++) {
    if (!isfinite(y[j]) && bad == integ->n_local) bad = j;
    yd[j] = y[j];
  }
  /* Every rank returns the error, so none goes on alone into a collective call. */
  int mine = bad < integ->n_local ? integ->rank : integ->size, first = mine;
  if (integ->size > 1) MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, integ->comm);
  if (first < integ->size) {
    const int ns = integ->ode->n_states;
    if (bad < integ->n_local)
      WC_FAIL(WC_ERR_INPUT, "initial state '%s' of node %zu is %g (rank %d)",
              integ->ode->state_names ? integ->ode->state_names[bad % (size_t)ns] : "?", bad / (size_t)ns, y[bad],
              integ->rank);
    WC_FAIL(WC_ERR_INPUT, "an initial state is not finite on rank %d", first);
  }
  for (size_t j = integ->n_local; j < integ->n_total; j++) yd[j] = 0.0;
  WC_CALL(reinit(integ, t_s, 0.0));
  return WC_OK;
}

double wc_integrator_time(const wc_integrator *integ) { return integ->t; }
const double *wc_integrator_state(const wc_integrator *integ) {
  return integ->cellwise ? wc_cellwise_state(integ->cellwise) : N_VGetArrayPointer(integ->y);
}

const double *wc_integrator_flux_totals(const wc_integrator *integ) {
  if (integ->cellwise) return wc_cellwise_flux_totals(integ->cellwise);
  return integ->n_flux_totals > 0 ? N_VGetArrayPointer(integ->y) + integ->n_local : NULL;
}

const double *wc_integrator_outlet_totals(const wc_integrator *integ) {
  if (integ->cellwise) return wc_cellwise_outlet_totals(integ->cellwise);
  size_t start = integ->n_local + integ->n_flux_totals;
  return integ->n_total > start ? N_VGetArrayPointer(integ->y) + start : NULL;
}

int32_t wc_integrator_outlet_count(const wc_integrator *integ) {
  return integ->cellwise ? wc_cellwise_outlet_count(integ->cellwise) : wc_graph_rhs_outlet_count(integ->rhs);
}
const int32_t *wc_integrator_outlets(const wc_integrator *integ) {
  return integ->cellwise ? wc_cellwise_outlets(integ->cellwise) : wc_graph_rhs_outlets(integ->rhs);
}
double *wc_integrator_extra_inflow(wc_integrator *integ) {
  return integ->rhs ? wc_graph_rhs_extra_inflow(integ->rhs) : NULL; /* cellwise: no halo */
}
const wc_integrator_failure *wc_integrator_last_failure(const wc_integrator *integ) { return &integ->failure; }

/* ---- failures --------------------------------------------------------------------------- */

/* The flags after which a restart from the last good state may succeed. */
static bool retryable(int flag) {
  switch (flag) {
  case CV_ERR_FAILURE:
  case CV_CONV_FAILURE:
  case CV_REPTD_RHSFUNC_ERR:
  case CV_FIRST_RHSFUNC_ERR:
  case CV_LSETUP_FAIL:
  case CV_LSOLVE_FAIL:
  case CV_NLS_FAIL: return true;
  default: return false;
  }
}

/*
 * Find the cell to blame, the same on every rank: a cell that produced a non-finite value
 * during this attempt first, then one whose Newton block was singular, then the state with
 * the largest weighted local error estimate (NaN counts as infinite).
 */
static void locate_failure(wc_integrator *integ, int flag, double t_fail) {
  const int ns = integ->ode->n_states;
  double key = -1.0; /* larger is worse; non-finite cells get +inf, singular blocks DBL_MAX */
  int32_t node = -1;
  int state = -1;
  double weighted = 0.0;
  bool nonfinite = false;
  int32_t bad = integ->nonfinite_node;
  if (bad >= 0) {
    key = INFINITY;
    node = bad;
    weighted = INFINITY;
    nonfinite = true;
  } else if (integ->singular_node >= 0) {
    key = DBL_MAX;
    node = integ->singular_node;
    weighted = INFINITY;
  } else if ((integ->error_work || (integ->error_work = N_VClone(integ->y)) != NULL) &&
             (integ->weight_work || (integ->weight_work = N_VClone(integ->y)) != NULL) &&
             CVodeGetEstLocalErrors(integ->cvode, integ->error_work) == CV_SUCCESS &&
             CVodeGetErrWeights(integ->cvode, integ->weight_work) == CV_SUCCESS) {
    const double *e = N_VGetArrayPointer(integ->error_work), *w = N_VGetArrayPointer(integ->weight_work);
    for (size_t j = 0; j < integ->n_local; j++) {
      double v = fabs(e[j] * w[j]);
      if (isnan(v)) v = INFINITY;
      if (v > key) {
        key = v;
        node = (int32_t)(j / (size_t)ns);
        state = (int)(j % (size_t)ns);
      }
    }
    weighted = key;
    nonfinite = isinf(key);
  }
  int owner = integ->rank;
  int32_t global_node = node;
  if (integ->size > 1) {
    struct {
      double key;
      int rank;
    } mine = {key, integ->rank}, worst = mine;
    MPI_Allreduce(&mine, &worst, 1, MPI_DOUBLE_INT, MPI_MAXLOC, integ->comm);
    owner = worst.rank;
    int32_t global = node >= 0 && integ->plan ? wc_halo_plan_global_index(integ->plan)[node] : node;
    double packet[5] = {(double)node, (double)state, weighted, nonfinite ? 1.0 : 0.0, (double)global};
    MPI_Bcast(packet, 5, MPI_DOUBLE, owner, integ->comm);
    node = (int32_t)packet[0];
    state = (int)packet[1];
    weighted = packet[2];
    nonfinite = packet[3] != 0.0;
    global_node = (int32_t)packet[4];
  } else {
    global_node = node >= 0 && integ->plan ? wc_halo_plan_global_index(integ->plan)[node] : node;
  }
  integ->failure = (wc_integrator_failure){.t_s = t_fail, .rank = owner, .node = node, .global_node = global_node,
                                           .state = state, .weighted_error = weighted, .nonfinite = nonfinite,
                                           .cvode_flag = flag};
}

static wc_status failure_error(wc_integrator *integ, double t_stop, int retries) {
  const wc_integrator_failure *f = &integ->failure;
  char *flag_name = CVodeGetReturnFlagName(f->cvode_flag);
  char cell[256], where[96];
  const char *const *names = integ->ode->state_names;
  /* With a plan, the node of the whole graph first: it is what the caller can map. */
  if (integ->plan)
    snprintf(where, sizeof where, "node %d (local node %d on rank %d)", (int)f->global_node, (int)f->node, f->rank);
  else
    snprintf(where, sizeof where, "node %d on rank %d", (int)f->node, f->rank);
  if (f->node < 0)
    snprintf(cell, sizeof cell, "no cell could be named");
  else if (f->nonfinite)
    snprintf(cell, sizeof cell, "%s produced a non-finite value", where);
  else if (f->state < 0)
    snprintf(cell, sizeof cell, "%s has a singular Newton block", where);
  else
    snprintf(cell, sizeof cell, "worst cell: %s, state '%s' (weighted local error %.3g)", where,
             names ? names[f->state] : "?", f->weighted_error);
  wc_status status = wc_error_set(WC_ERR_NUMERICS, __FILE__, __LINE__,
                                  "solver failed at t = %.9g s (day %.4f) integrating to %.9g s, after %d "
                                  "restart(s): %s%s%s; %s",
                                  f->t_s, f->t_s / 86400.0, t_stop, retries, flag_name ? flag_name : "CVODE error",
                                  integ->cvode_message[0] ? ": " : "", integ->cvode_message, cell);
  free(flag_name);
  return status;
}

/* ---- advance ---------------------------------------------------------------------------- */

static wc_status advance_cellwise(wc_integrator *integ, double t_stop) {
  wc_status status = wc_cellwise_advance(integ->cellwise, t_stop);
  if (status == WC_OK) {
    integ->t = t_stop;
    return WC_OK;
  }
  const wc_cellwise_failure *f = wc_cellwise_last_failure(integ->cellwise);
  if (f->node >= 0)
    integ->failure = (wc_integrator_failure){.t_s = f->t_s, .rank = f->rank, .node = f->node,
                                             .global_node = f->global_node, .state = f->state,
                                             .weighted_error = NAN, .nonfinite = f->nonfinite,
                                             .cell_gave_up = true};
  return status;
}

wc_status wc_integrator_defer_agreement(wc_integrator *integ, int lag, bool *deferred) {
  *deferred = false;
  return integ->cellwise ? wc_cellwise_defer_agreement(integ->cellwise, lag, deferred) : WC_OK;
}

wc_status wc_integrator_pass(wc_integrator *integ, double t_stop) {
  return integ->cellwise ? wc_cellwise_pass(integ->cellwise, t_stop) : WC_OK;
}

wc_status wc_integrator_advance(wc_integrator *integ, double t_stop) {
  WC_CHECK(isfinite(t_stop) && t_stop > integ->t, WC_ERR_INTERNAL,
           "stop time %.9g s is not after the current time %.9g s", t_stop, integ->t);
  integ->intervals++;
  if (integ->cellwise) return advance_cellwise(integ, t_stop);
  if (integ->options.restart_each_interval && !integ->fresh) WC_CALL(reinit(integ, integ->t, 0.0));
  int retries = 0;
  for (;;) {
    integ->callback_status = WC_OK;
    integ->singular_node = -1;
    integ->nonfinite_node = -1;
    integ->numeric_events = 0;
    integ->pending_events = 0;
    integ->stop = false;
    integ->cvode_message[0] = '\0';
    wc_graph_rhs_clear_nonfinite(integ->rhs);
    WC_CVODE_CALL(CVodeSetStopTime(integ->cvode, t_stop));
    double t_reached = integ->t;
    int flag = CVode(integ->cvode, t_stop, integ->y, &t_reached, CV_NORMAL);
    if (flag >= 0) {
      integ->t = t_stop; /* CVODE returns tstop exactly (CV_TSTOP_RETURN) */
      integ->fresh = false;
      if (retries > 0) WC_CVODE_CALL(CVodeSetInitStep(integ->cvode, 0.0));
      return WC_OK;
    }
    /* On failure CVODE leaves y (budget totals included) at its last successful step. */
    integ->t = t_reached;
    if (agree_flag(integ, integ->callback_status != WC_OK ? -1 : 0) < 0) {
      wc_status status = share_callback_error(integ);
      wc_error_push_frame(__FILE__, __LINE__, "cell function during CVode");
      return status;
    }
    locate_failure(integ, flag, t_reached);
    bool numeric = integ->numeric_events > 0 && (flag == CV_RHSFUNC_FAIL ||
                                                 flag == CV_LSETUP_FAIL || flag == CV_LSOLVE_FAIL);
    if (!(retryable(flag) || numeric) || retries >= integ->options.max_retries)
      return failure_error(integ, t_stop, retries);
    retries++;
    integ->retries++;
    double h = 0.0;
    if (CVodeGetCurrentStep(integ->cvode, &h) != CV_SUCCESS) h = 0.0;
    double first_step = fabs(h) * pow(0.1, retries);
    if (!(first_step > 0.0) || first_step > t_stop - t_reached) first_step = 0.0;
    char *flag_name = CVodeGetReturnFlagName(flag);
    wc_log_debug("solver: %s at t = %.9g s, node %d; restart %d with first step %g s", flag_name ? flag_name : "?",
                 t_reached, (int)integ->failure.node, retries, first_step);
    free(flag_name);
    WC_CALL(reinit(integ, t_reached, first_step));
  }
}
