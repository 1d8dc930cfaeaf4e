/*
 * test_solver.c — the integrator (solvers/) against analytic truth.
 *
 *   linear reservoir          y' = -k y                      y = y0 exp(-k t)
 *   Nash cascade              n reservoirs in a chain         gamma-distribution solution
 *   branching tree            random tree, random k, sources  storage + outlet total - inputs
 *                                                             = initial storage (1e-8)
 *   piecewise forcing         y' = P_j - k y on interval j    exact piecewise exponentials
 *   the sweep                 M x = b on a random tree        dense Gaussian elimination
 *   FD blocks                 nonlinear cell                  its analytic Jacobian
 *   linear solvers agree      nonlinear tree, daily jumps     sweep = gmres_sweep = gmres
 *   forced failure            NaN from one cell after t_bad   time and cell reported
 *
 * The analytic cases also run cell by cell (solver.method cellwise, wc_cellwise.h), with
 * its own checks: inflow from several upstream cells against the exact solution, stiff
 * cells, and its failures.
 * Every case runs with each linear solver kind where that makes sense. Under mpiexec each
 * rank integrates its own copy of the graph (ranks are independent until the halo
 * exchange exists), so global norms see n_ranks copies; the failure cases put the faulty
 * cell on the last rank only and check that every rank reports it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "wc_cell_lu.h"
#include "wc_cellwise.h"
#include "wc_graph_rhs.h"
#include "wc_integrator.h"
#include "wc_sweep.h"
#include "wc_test.h"
#include "wc_test_graphs.h"

static const wc_linear_solver kinds[] = {WC_LINSOL_SWEEP, WC_LINSOL_GMRES_SWEEP, WC_LINSOL_GMRES};
enum { N_KINDS = 3 };

/* The cases the analytic tests run: BDF with each linear solver, then cell by cell. */
enum { N_CASES = N_KINDS + 1, CELLWISE_CASE = N_KINDS };
static const char *case_name(int c) { return c < N_KINDS ? wc_linear_solver_name(kinds[c]) : "cellwise"; }
/* TR-BDF2 is second order and controls the error of each step: over the tests' hundreds of
 * steps per e-folding its global error is ~10-100 rtol (BDF's, at up to order 5, ~10). */
static double case_tolerance(int c, double bdf) { return c == CELLWISE_CASE ? 3e-5 : bdf; }
static void case_options(int c, wc_integrator_options *options) {
  if (c < N_KINDS) options->linear_solver = kinds[c];
  else options->method = WC_METHOD_CELLWISE;
}

static int mpi_rank(void) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

static int mpi_size(void) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

/* Relative difference with a floor, printed when above `tol`. */
static int near(const char *what, double got, double want, double tol, double floor) {
  double err = fabs(got - want) / fmax(fabs(want), floor);
  if (err <= tol) return 1;
  fprintf(stderr, "\n  %s: got %.15g, want %.15g (relative error %.3g > %.3g)\n", what, got, want, err, tol);
  return 0;
}

/* ---- a graph with its CSR --------------------------------------------------------------------- */

/* A random tree: node i drains to a node up to 12 places further on, a few drain out. */
static wc_test_csr random_tree(int32_t n, unsigned seed) {
  int32_t *down = malloc((size_t)n * sizeof *down);
  srand(seed);
  for (int32_t i = 0; i < n; i++) {
    int32_t room = n - 1 - i;
    down[i] = room == 0 || rand() % 40 == 0 ? -1 : i + 1 + rand() % (room < 12 ? room : 12);
  }
  wc_test_csr g = wc_test_csr_make(n, down);
  free(down);
  return g;
}

static double uniform(double lo, double hi) { return lo + (hi - lo) * (double)rand() / (double)RAND_MAX; }

/* ---- linear reservoirs ------------------------------------------------------------------------ */

/* Cell i: y' = inflow + source_i - k_i y, outflow k_i y. Fluxes: [0] source (input). */
typedef struct reservoirs {
  wc_test_csr graph;
  double *k_per_s;
  double *source;     /* per cell, changed between intervals by the piecewise test */
  int32_t nan_node;   /* forced failure: this node returns NaN for t > nan_after_s ... */
  double nan_after_s;
  int nan_rank;       /* ... on this rank only */
  int32_t error_node; /* this node returns WC_ERR_INPUT (on nan_rank) */
  bool nan_in_flux;   /* nan_node's NaN goes into its budget flux, its rates stay finite */
  bool nan_in_outflow; /* ... or into its outflow alone */
} reservoirs;

static wc_status reservoir_rhs(void *context, double t, int32_t node, const double *y, const double *inflow,
                               double *ydot, double *outflow, double *flux) {
  reservoirs *m = context;
  double k = m->k_per_s[node], out = k * y[0];
  outflow[0] = out;
  ydot[0] = inflow[0] + m->source[node] - out;
  if (flux) flux[0] = m->source[node];
  if (node == m->nan_node && t > m->nan_after_s && mpi_rank() == m->nan_rank) {
    if (m->nan_in_outflow) outflow[0] = NAN;
    else if (!m->nan_in_flux) ydot[0] = NAN;
    else if (flux) flux[0] = NAN;
  }
  if (node == m->error_node && mpi_rank() == m->nan_rank)
    WC_FAIL(WC_ERR_INPUT, "reservoir %d has no outlet rating", (int)node);
  return WC_OK;
}

static wc_status reservoir_jacobian(void *context, double t, int32_t node, const double *y, const double *inflow,
                                    double *block, double *gradient) {
  (void)t;
  (void)y;
  (void)inflow;
  reservoirs *m = context;
  block[0] = -m->k_per_s[node];
  gradient[0] = m->k_per_s[node];
  return WC_OK;
}

static const int reservoir_target[1] = {0};
static const char *const reservoir_names[1] = {"storage_mm"};

static reservoirs reservoirs_make(wc_test_csr graph, double k) {
  reservoirs m = {graph, malloc((size_t)graph.n * sizeof(double)), calloc((size_t)graph.n, sizeof(double)), -1, 0, 0,
                  -1, false, false};
  for (int32_t i = 0; i < graph.n; i++) m.k_per_s[i] = k;
  return m;
}

static void reservoirs_free(reservoirs *m) {
  free(m->k_per_s);
  free(m->source);
  wc_test_csr_free(&m->graph);
}

static wc_graph_ode reservoir_ode(reservoirs *m, const double *atol) {
  return (wc_graph_ode){.n_cells = m->graph.n,
                        .downstream = m->graph.down,
                        .upstream_start = m->graph.ustart,
                        .upstream_index = m->graph.uindex,
                        .n_states = 1,
                        .n_transport = 1,
                        .n_fluxes = 1,
                        .transport_target = reservoir_target,
                        .state_names = reservoir_names,
                        .abs_tolerance = atol,
                        .cell_rhs = reservoir_rhs,
                        .cell_jacobian = NULL,
                        .context = m};
}

static wc_integrator *create_with(const wc_graph_ode *ode, const wc_integrator_options *given) {
  wc_integrator_options options = *given;
  wc_integrator *integ = NULL;
  wc_status status = wc_integrator_create(ode, &options, MPI_COMM_WORLD, &integ);
  if (status != WC_OK) fprintf(stderr, "\n  wc_integrator_create: %s\n", wc_error_message());
  CU_ASSERT_EQUAL(status, WC_OK);
  return integ;
}

static wc_integrator *make_integrator(const wc_graph_ode *ode, wc_linear_solver kind, double rtol) {
  wc_integrator_options options;
  wc_integrator_options_default(&options);
  options.linear_solver = kind;
  options.relative_tolerance = rtol;
  return create_with(ode, &options);
}

static wc_integrator *make_case_integrator(const wc_graph_ode *ode, int c, double rtol) {
  wc_integrator_options options;
  wc_integrator_options_default(&options);
  case_options(c, &options);
  options.relative_tolerance = rtol;
  return create_with(ode, &options);
}

static void test_linear_reservoir(void) {
  const double k = 1e-4, y0 = 50.0, atol[1] = {1e-10};
  for (int kind = 0; kind < N_CASES; kind++) {
    int32_t down[1] = {-1};
    reservoirs m = reservoirs_make(wc_test_csr_make(1, down), k);
    wc_graph_ode ode = reservoir_ode(&m, atol);
    wc_integrator *integ = make_case_integrator(&ode, kind, 1e-8);
    CU_ASSERT_PTR_NOT_NULL_FATAL(integ);
    CU_ASSERT_EQUAL(wc_integrator_set_state(integ, 0.0, &y0), WC_OK);
    for (int hour = 1; hour <= 24; hour++) {
      double t = 3600.0 * hour;
      CU_ASSERT_EQUAL_FATAL(wc_integrator_advance(integ, t), WC_OK);
      CU_ASSERT_EQUAL(wc_integrator_time(integ), t);
      /* Global error at rtol 1e-8 over 8.6 e-foldings: a few 1e-7 relative. */
      CU_ASSERT_TRUE(near(case_name(kind), wc_integrator_state(integ)[0], y0 * exp(-k * t), case_tolerance(kind, 1e-6),
                          1e-3 * y0));
    }
    /* What left through the outlet is what the store lost. */
    CU_ASSERT_EQUAL(wc_integrator_outlet_count(integ), 1);
    CU_ASSERT_TRUE(near("outlet total", wc_integrator_outlet_totals(integ)[0], y0 - wc_integrator_state(integ)[0],
                        1e-8, 1.0));
    wc_integrator_stats stats;
    wc_integrator_get_stats(integ, &stats);
    CU_ASSERT_EQUAL(stats.intervals, 24);
    CU_ASSERT_TRUE(stats.steps > 24);
    CU_ASSERT_EQUAL(stats.retries, 0);
    wc_integrator_destroy(&integ);
    CU_ASSERT_PTR_NULL(integ);
    reservoirs_free(&m);
  }
}

static double factorial(int j) { return j <= 1 ? 1.0 : j * factorial(j - 1); }

static void test_nash_cascade(void) {
  enum { N = 6 };
  const double k = 2e-4, atol[1] = {1e-12};
  int32_t down[N];
  for (int i = 0; i < N; i++) down[i] = i + 1 < N ? i + 1 : -1;
  for (int kind = 0; kind < N_CASES; kind++) {
    reservoirs m = reservoirs_make(wc_test_csr_make(N, down), k);
    wc_graph_ode ode = reservoir_ode(&m, atol);
    wc_integrator *integ = make_case_integrator(&ode, kind, 1e-8);
    CU_ASSERT_PTR_NOT_NULL_FATAL(integ);
    double y0[N] = {1.0};
    CU_ASSERT_EQUAL(wc_integrator_set_state(integ, 0.0, y0), WC_OK);
    for (int hour = 1; hour <= 12; hour++) {
      double t = 3600.0 * hour, kt = k * t, stored = 0.0;
      CU_ASSERT_EQUAL_FATAL(wc_integrator_advance(integ, t), WC_OK);
      for (int j = 0; j < N; j++) {
        double want = pow(kt, j) / factorial(j) * exp(-kt);
        char what[64];
        snprintf(what, sizeof what, "%s reservoir %d", case_name(kind), j);
        /* Plain GMRES stops at its linear tolerance: which iteration meets it can flip with
         * the last bit of a norm, and the cascade then lands within 2e-6 (np 2: 1.1e-6). */
        double tol = case_tolerance(kind, kind < N_KINDS && kinds[kind] == WC_LINSOL_GMRES ? 2e-6 : 1e-6);
        CU_ASSERT_TRUE(near(what, wc_integrator_state(integ)[j], want, tol, 1e-3));
        stored += wc_integrator_state(integ)[j];
      }
      CU_ASSERT_TRUE(near("cascade mass", stored + wc_integrator_outlet_totals(integ)[0], 1.0, 1e-8, 1.0));
    }
    wc_integrator_destroy(&integ);
    reservoirs_free(&m);
  }
}

/* Storage + outlet totals - inputs stays at the initial storage, for every solver and for
 * both FD and analytic blocks. */
static void test_tree_conservation(void) {
  enum { N = 300 };
  const double atol[1] = {1e-9};
  for (int variant = 0; variant < N_CASES + 1; variant++) {
    /* the BDF cases, analytic blocks (sweep), then cell by cell */
    int c = variant < N_KINDS ? variant : variant == N_KINDS ? 0 : CELLWISE_CASE;
    reservoirs m = reservoirs_make(random_tree(N, 7), 0.0);
    double y0[N], initial = 0.0;
    for (int i = 0; i < N; i++) {
      m.k_per_s[i] = uniform(1e-5, 1e-3);
      m.source[i] = uniform(0.0, 1e-4);
      y0[i] = uniform(0.0, 100.0);
      initial += y0[i];
    }
    wc_graph_ode ode = reservoir_ode(&m, atol);
    if (variant == N_KINDS) ode.cell_jacobian = reservoir_jacobian;
    wc_integrator *integ = make_case_integrator(&ode, c, 1e-8);
    CU_ASSERT_PTR_NOT_NULL_FATAL(integ);
    CU_ASSERT_EQUAL(wc_integrator_set_state(integ, 0.0, y0), WC_OK);
    CU_ASSERT_TRUE(wc_integrator_outlet_count(integ) >= 2);
    for (int hour = 1; hour <= 48; hour++) CU_ASSERT_EQUAL_FATAL(wc_integrator_advance(integ, 3600.0 * hour), WC_OK);
    double stored = 0.0, out = 0.0, in = 0.0;
    for (int i = 0; i < N; i++) {
      stored += wc_integrator_state(integ)[i];
      in += wc_integrator_flux_totals(integ)[i];
    }
    for (int j = 0; j < wc_integrator_outlet_count(integ); j++) out += wc_integrator_outlet_totals(integ)[j];
    char what[64];
    snprintf(what, sizeof what, "%s%s: storage + out - in", case_name(c),
             variant == N_KINDS ? " (analytic blocks)" : "");
    CU_ASSERT_TRUE(near(what, stored + out - in, initial, 1e-8, 1.0));
    CU_ASSERT_TRUE(in > 0.01 * initial); /* sources did flow in */
    wc_integrator_stats stats;
    wc_integrator_get_stats(integ, &stats);
    if (variant == N_KINDS) CU_ASSERT_TRUE(stats.cell_calls > 0);
    wc_integrator_destroy(&integ);
    reservoirs_free(&m);
  }
}

/* y' = P_j - k y with P_j constant on each hour: the state at each boundary is exact. */
static void test_piecewise_forcing(void) {
  const double k = 3e-4, atol[1] = {1e-10};
  const double rain[] = {0.0, 5e-3, 0.0, 1e-2, 2e-3, 0.0, 0.0, 8e-3, 1e-3, 0.0};
  const int n_intervals = (int)(sizeof rain / sizeof *rain);
  for (int restart = 0; restart < 2; restart++)
    for (int kind = 0; kind < N_CASES; kind++) {
      int32_t down[1] = {-1};
      reservoirs m = reservoirs_make(wc_test_csr_make(1, down), k);
      wc_graph_ode ode = reservoir_ode(&m, atol);
      wc_integrator_options options;
      wc_integrator_options_default(&options);
      case_options(kind, &options);
      options.relative_tolerance = 1e-8;
      options.restart_each_interval = restart;
      wc_integrator *integ = NULL;
      CU_ASSERT_EQUAL_FATAL(wc_integrator_create(&ode, &options, MPI_COMM_WORLD, &integ), WC_OK);
      double y = 10.0, y_start = y, rain_total = 0.0;
      CU_ASSERT_EQUAL(wc_integrator_set_state(integ, 0.0, &y), WC_OK);
      for (int j = 0; j < n_intervals; j++) {
        m.source[0] = rain[j];
        double dt = 3600.0, steady = rain[j] / k;
        y = steady + (y - steady) * exp(-k * dt);
        rain_total += rain[j] * dt;
        CU_ASSERT_EQUAL_FATAL(wc_integrator_advance(integ, 3600.0 * (j + 1)), WC_OK);
        char what[80];
        snprintf(what, sizeof what, "%s%s, interval %d", case_name(kind),
                 restart ? " (restarts)" : "", j);
        CU_ASSERT_TRUE(near(what, wc_integrator_state(integ)[0], y, case_tolerance(kind, 1e-6), 1e-3));
      }
      /* The input quadrature is integrated by the same BDF formulas as the state: after a
       * restart each interval's constant rate is integrated exactly; continuing across a
       * jump, to the solver's accuracy. The budget closes either way: storage + outflow -
       * input stays at the initial storage, to the Newton tolerance. */
      double rain_got = wc_integrator_flux_totals(integ)[0];
      CU_ASSERT_TRUE(near("rain total", rain_got, rain_total, restart || kind == CELLWISE_CASE ? 1e-12 : 1e-6, 1.0));
      double closure = wc_integrator_state(integ)[0] + wc_integrator_outlet_totals(integ)[0] - rain_got;
      CU_ASSERT_TRUE(near("closure", closure, y_start, 1e-8, 1.0));
      wc_integrator_destroy(&integ);
      reservoirs_free(&m);
    }
}

/* The halo hook: a constant extra inflow acts as a source. */
static void test_extra_inflow(void) {
  const double k = 1e-3, atol[1] = {1e-10}, q = 2e-3;
  int32_t down[2] = {1, -1};
  reservoirs m = reservoirs_make(wc_test_csr_make(2, down), k);
  wc_graph_ode ode = reservoir_ode(&m, atol);
  wc_integrator *integ = make_integrator(&ode, WC_LINSOL_SWEEP, 1e-8);
  CU_ASSERT_PTR_NOT_NULL_FATAL(integ);
  double y0[2] = {0.0, 0.0};
  CU_ASSERT_EQUAL(wc_integrator_set_state(integ, 0.0, y0), WC_OK);
  wc_integrator_extra_inflow(integ)[0] = q; /* arrives at node 0 from "another rank" */
  CU_ASSERT_EQUAL(wc_integrator_advance(integ, 3600.0), WC_OK);
  double t = 3600.0, kt = k * t;
  double want0 = q / k * (1.0 - exp(-kt));
  double want1 = q / k * (1.0 - exp(-kt) - kt * exp(-kt));
  CU_ASSERT_TRUE(near("upstream cell", wc_integrator_state(integ)[0], want0, 1e-6, 1e-3));
  CU_ASSERT_TRUE(near("downstream cell", wc_integrator_state(integ)[1], want1, 1e-6, 1e-3));
  wc_integrator_destroy(&integ);
  reservoirs_free(&m);
}

/* ---- the sweep against a dense solve ---------------------------------------------------------- */

/* Solve A x = b (n x n, row-major, destroyed) by Gaussian elimination with pivoting. */
static void dense_solve(int n, double *a, double *b) {
  for (int col = 0; col < n; col++) {
    int p = col;
    for (int r = col + 1; r < n; r++)
      if (fabs(a[r * n + col]) > fabs(a[p * n + col])) p = r;
    for (int c = 0; c < n; c++) {
      double t = a[col * n + c];
      a[col * n + c] = a[p * n + c];
      a[p * n + c] = t;
    }
    double t = b[col];
    b[col] = b[p];
    b[p] = t;
    for (int r = col + 1; r < n; r++) {
      double f = a[r * n + col] / a[col * n + col];
      for (int c = col; c < n; c++) a[r * n + c] -= f * a[col * n + c];
      b[r] -= f * b[col];
    }
  }
  for (int r = n - 1; r >= 0; r--) {
    double s = b[r];
    for (int c = r + 1; c < n; c++) s -= a[r * n + c] * b[c];
    b[r] = s / a[r * n + r];
  }
}

static wc_status never_called(void *context, double t, int32_t node, const double *y, const double *inflow,
                              double *ydot, double *outflow, double *flux) {
  (void)context, (void)t, (void)node, (void)y, (void)inflow, (void)ydot, (void)outflow, (void)flux;
  return WC_ERR_INTERNAL;
}

/* A graph ODE for the sweep alone: the test sets the blocks, the cell function is never
 * called. */
static wc_graph_ode blocks_only_ode(const wc_test_csr *g, int ns, int nt, int nf, const int *target,
                                    const double *atol) {
  return (wc_graph_ode){.n_cells = g->n, .downstream = g->down, .upstream_start = g->ustart,
                        .upstream_index = g->uindex, .n_states = ns, .n_transport = nt, .n_fluxes = nf,
                        .transport_target = target, .abs_tolerance = atol, .cell_rhs = never_called};
}

/* Random blocks (gamma up to 2.7 makes many of them need row swaps), block sizes that take
 * the batched, the tail and the generic factor paths, on random trees of 29 cells. */
static void test_sweep_is_exact(void) {
  enum { N = 29, NT = 2 };
  static const int sizes[] = {1, 3, 4, 6, 7};
  for (size_t size_case = 0; size_case < sizeof sizes / sizeof *sizes; size_case++)
    for (int case_ = 0; case_ < 3; case_++) {
      const int ns = sizes[size_case], dim = N * ns;
      const int target[NT] = {ns - 1, 0};
      double atol[8] = {1, 1, 1, 1, 1, 1, 1, 1};
      wc_test_csr g = random_tree(N, 100 + (unsigned)case_);
      wc_graph_ode ode = blocks_only_ode(&g, ns, NT, 0, target, atol);
      wc_sweep *sweep = NULL;
      CU_ASSERT_EQUAL_FATAL(wc_sweep_create(&ode, &sweep), WC_OK);
      double *jac = malloc((size_t)(N * ns * ns) * sizeof *jac), *grad = malloc((size_t)(N * NT * ns) * sizeof *grad);
      for (int e = 0; e < N * ns * ns; e++) jac[e] = uniform(-1.0, 1.0);
      for (int e = 0; e < N * NT * ns; e++) grad[e] = uniform(-0.5, 2.0);
      CU_ASSERT_EQUAL_FATAL(wc_sweep_set_blocks(sweep, jac, grad, NULL), WC_OK);
      const double gamma = 0.7 + case_;
      CU_ASSERT_EQUAL_FATAL(wc_sweep_factor(sweep, gamma), WC_OK);
      CU_ASSERT_EQUAL(wc_sweep_gamma(sweep), gamma);

      double *m = calloc((size_t)dim * (size_t)dim, sizeof *m), *a = malloc((size_t)dim * (size_t)dim * sizeof *a);
      double *b = malloc((size_t)dim * sizeof *b), *x = malloc((size_t)dim * sizeof *x);
      double *dense = malloc((size_t)dim * sizeof *dense);
      for (int i = 0; i < N; i++)
        for (int r = 0; r < ns; r++)
          for (int c = 0; c < ns; c++)
            m[(i * ns + r) * dim + i * ns + c] = (r == c) - gamma * jac[(i * ns + r) * ns + c];
      for (int u = 0; u < N; u++) {
        int d = g.down[u];
        if (d < 0) continue;
        for (int k = 0; k < NT; k++)
          for (int c = 0; c < ns; c++)
            m[(d * ns + target[k]) * dim + u * ns + c] -= gamma * grad[(u * NT + k) * ns + c];
      }
      for (int e = 0; e < dim; e++) b[e] = dense[e] = uniform(-1.0, 1.0);
      wc_sweep_solve(sweep, b, x);
      memcpy(a, m, (size_t)dim * (size_t)dim * sizeof *a);
      dense_solve(dim, a, dense);
      double scale = 0.0, worst = 0.0, residual = 0.0;
      for (int e = 0; e < dim; e++) {
        scale = fmax(scale, fabs(dense[e]));
        worst = fmax(worst, fabs(x[e] - dense[e]));
        double s = -b[e];
        for (int c = 0; c < dim; c++) s += m[e * dim + c] * x[c];
        residual = fmax(residual, fabs(s));
      }
      if (worst > 1e-10 * scale || residual > 1e-10 * scale)
        fprintf(stderr, "\n  sweep vs dense (%d states, gamma %g): max difference %.3g, residual %.3g (scale %.3g)\n",
                ns, gamma, worst, residual, scale);
      CU_ASSERT_TRUE(worst <= 1e-10 * scale);
      CU_ASSERT_TRUE(residual <= 1e-10 * scale);
      wc_sweep_solve(sweep, b, b); /* in place */
      CU_ASSERT_EQUAL(memcmp(b, x, (size_t)dim * sizeof *b), 0);
      free(m);
      free(a);
      free(b);
      free(x);
      free(dense);
      free(jac);
      free(grad);
      wc_sweep_destroy(&sweep);
      CU_ASSERT_PTR_NULL(sweep);
      wc_test_csr_free(&g);
    }
}

/*
 * The sweep's solve of M x = b, states and budget totals ([N][ns] | [N][nf] | [outlets][nt],
 * accumulators on), against dense Gaussian elimination of the states' rows and the totals'
 * rows x_t = b_t + gamma * B x (an outlet's: G x) applied to its x. Relative difference.
 */
static double sweep_vs_dense(wc_sweep *sweep, const wc_test_csr *g, int ns, int nt, int nf, const int *target,
                             const double *jac, const double *grad, const double *flux_grad, double gamma) {
  const int n = g->n, dim = n * ns;
  int n_outlets = 0;
  for (int i = 0; i < n; i++) n_outlets += g->down[i] < 0;
  const int total = dim + n * nf + n_outlets * nt;
  double *m = calloc((size_t)dim * (size_t)dim, sizeof *m), *b = malloc((size_t)total * sizeof *b);
  double *x = malloc((size_t)total * sizeof *x), *dense = malloc((size_t)total * sizeof *dense);
  for (int i = 0; i < n; i++)
    for (int r = 0; r < ns; r++)
      for (int c = 0; c < ns; c++) m[(i * ns + r) * dim + i * ns + c] = (r == c) - gamma * jac[(i * ns + r) * ns + c];
  for (int u = 0; u < n; u++)
    for (int k = 0; k < nt && g->down[u] >= 0; k++)
      for (int c = 0; c < ns; c++)
        m[(g->down[u] * ns + target[k]) * dim + u * ns + c] -= gamma * grad[(u * nt + k) * ns + c];
  for (int e = 0; e < total; e++) b[e] = dense[e] = uniform(-1.0, 1.0);
  dense_solve(dim, m, dense);
  for (int i = 0, o = 0; i < n; i++) {
    const double *xi = dense + i * ns;
    for (int f = 0; f < nf; f++) {
      double s = 0.0;
      for (int c = 0; c < ns; c++) s += flux_grad[(i * nf + f) * ns + c] * xi[c];
      dense[dim + i * nf + f] = b[dim + i * nf + f] + gamma * s;
    }
    if (g->down[i] >= 0) continue;
    for (int k = 0; k < nt; k++) {
      double s = 0.0;
      for (int c = 0; c < ns; c++) s += grad[(i * nt + k) * ns + c] * xi[c];
      dense[dim + n * nf + o * nt + k] = b[dim + n * nf + o * nt + k] + gamma * s;
    }
    o++;
  }
  wc_sweep_solve(sweep, b, x);
  double scale = 0.0, worst = 0.0;
  for (int e = 0; e < total; e++) {
    scale = fmax(scale, fabs(dense[e]));
    worst = fmax(worst, fabs(x[e] - dense[e]));
  }
  free(m);
  free(b);
  free(x);
  free(dense);
  return worst / scale;
}

/* Dense blocks of a block-triangular structure: diagonal groups `sizes` (dense within),
 * entries left of a row's group non-zero with probability `lower`, G and B with `sparse`. */
static void random_structured_blocks(int n, int ns, int nt, int nf, const int *sizes, double lower, double sparse,
                                     double *jac, double *grad, double *flux_grad) {
  int group_of[64], start_of[64];
  for (int g = 0, s = 0; s < ns; s += sizes[g++])
    for (int r = s; r < s + sizes[g]; r++) group_of[r] = g, start_of[r] = s;
  for (int i = 0; i < n; i++) {
    for (int r = 0; r < ns; r++)
      for (int c = 0; c < ns; c++) {
        double v = 0.0;
        if (group_of[c] == group_of[r]) v = uniform(-1.0, 1.0) + (r == c ? -2.0 : 0.0);
        else if (c < start_of[r] && uniform(0.0, 1.0) < lower) v = uniform(-1.0, 1.0);
        jac[(i * ns + r) * ns + c] = v;
      }
    for (int e = 0; e < nt * ns; e++) grad[i * nt * ns + e] = uniform(0.0, 1.0) < sparse ? uniform(-0.5, 2.0) : 0.0;
    for (int e = 0; e < nf * ns; e++)
      flux_grad[i * nf * ns + e] = uniform(0.0, 1.0) < sparse ? uniform(-1.0, 1.0) : 0.0;
  }
}

/* Does every cell's packed block unpack to the dense one it was given, bit for bit? */
static int blocks_round_trip(const wc_sweep *sweep, int n, int ns, int nt, int nf, const double *jac,
                             const double *grad, const double *flux_grad) {
  double j[64 * 64], gr[64 * 8], fl[64 * 8];
  int ok = 1;
  for (int i = 0; i < n; i++) {
    wc_sweep_cell_blocks(sweep, i, j, gr, fl);
    ok &= !memcmp(j, jac + i * ns * ns, (size_t)(ns * ns) * sizeof *j);
    ok &= !memcmp(gr, grad + i * nt * ns, (size_t)(nt * ns) * sizeof *gr);
    ok &= !memcmp(fl, flux_grad + i * nf * ns, (size_t)(nf * ns) * sizeof *fl);
  }
  return ok;
}

/* Groups 1,2,1,3 with a random lower part and sparse G and B: found as such, stored in
 * far fewer values than dense, and the packed solve (states and totals) is exact. */
static void test_sweep_packed_structure(void) {
  enum { N = 37, NS = 7, NT = 2, NF = 3 };
  static const int sizes[] = {1, 2, 1, 3};
  const int target[NT] = {3, 6}, reach_want[NS] = {0, 2, 2, 3, 6, 6, 6};
  double atol[NS] = {1, 1, 1, 1, 1, 1, 1};
  static double jac[N * NS * NS], grad[N * NT * NS], flux_grad[N * NF * NS];
  for (int case_ = 0; case_ < 3; case_++) {
    wc_test_csr g = random_tree(N, 300 + (unsigned)case_);
    wc_graph_ode ode = blocks_only_ode(&g, NS, NT, NF, target, atol);
    wc_sweep *sweep = NULL;
    CU_ASSERT_EQUAL_FATAL(wc_sweep_create(&ode, &sweep), WC_OK);
    CU_ASSERT_EQUAL_FATAL(wc_sweep_set_accumulators(sweep, true), WC_OK);
    random_structured_blocks(N, NS, NT, NF, sizes, 0.4, 0.3, jac, grad, flux_grad);
    CU_ASSERT_EQUAL_FATAL(wc_sweep_set_blocks(sweep, jac, grad, flux_grad), WC_OK);
    CU_ASSERT_EQUAL(memcmp(wc_sweep_group_reach(sweep), reach_want, sizeof reach_want), 0);
    CU_ASSERT_TRUE(blocks_round_trip(sweep, N, NS, NT, NF, jac, grad, flux_grad));
    const double gamma = 0.5 + case_;
    CU_ASSERT_EQUAL_FATAL(wc_sweep_factor(sweep, gamma), WC_OK);
    /* At most 15 J entries in the groups, 17 left of them, 14 G, 21 B, 9 inverse entries
     * (the 3-state group's: the solve inverts groups of one and two states itself) and the
     * contribution (2), against 2 x 49 + 14 + 21 + 2 dense. */
    CU_ASSERT_TRUE(wc_sweep_values_per_cell(sweep) <= 15 + 17 + 14 + 21 + 9 + 2);
    double error = sweep_vs_dense(sweep, &g, NS, NT, NF, target, jac, grad, flux_grad, gamma);
    if (error > 1e-10) fprintf(stderr, "\n  packed sweep vs dense: relative difference %.3g\n", error);
    CU_ASSERT_TRUE(error <= 1e-10);
    wc_sweep_destroy(&sweep);
    wc_test_csr_free(&g);
  }
}

/* A later cell with non-zeros outside the pattern grows it (J left of a group, J right of
 * one, which merges groups, G and B): the cells packed before keep their values, exact
 * zeros at the new positions, also after the factor takes the new groups. A later
 * evaluation without the merging entry splits the groups again; the pattern keeps what it
 * had (it only grows). */
static void test_sweep_pattern_grows(void) {
  enum { N = 23, NS = 5, NT = 1, NF = 2 };
  static const int sizes[] = {1, 1, 2, 1};
  const int target[NT] = {4};
  double atol[NS] = {1, 1, 1, 1, 1};
  static double jac[N * NS * NS], grad[N * NT * NS], flux_grad[N * NF * NS];
  wc_test_csr g = random_tree(N, 41);
  wc_graph_ode ode = blocks_only_ode(&g, NS, NT, NF, target, atol);
  wc_sweep *sweep = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_sweep_create(&ode, &sweep), WC_OK);
  CU_ASSERT_EQUAL_FATAL(wc_sweep_set_accumulators(sweep, true), WC_OK);
  random_structured_blocks(N, NS, NT, NF, sizes, 0.0, 0.0, jac, grad, flux_grad);
  for (int i = 0; i < N; i++) grad[i * NS + 4] = 0.5; /* the outflow from the last state only */
  CU_ASSERT_EQUAL_FATAL(wc_sweep_set_blocks(sweep, jac, grad, flux_grad), WC_OK);
  CU_ASSERT_EQUAL_FATAL(wc_sweep_factor(sweep, 0.8), WC_OK); /* (the inverses take the groups' shape) */
  const int small = wc_sweep_values_per_cell(sweep);
  /* Groups 1,1,2,1, nothing left of them: 7 J, 1 G, 1 contribution, and no inverses (the
   * solve inverts groups of one and two states itself). */
  CU_ASSERT_EQUAL(small, 7 + 1 + 1);

  const int last = N - 1, reach_merged[NS] = {1, 1, 3, 3, 4}, reach_split[NS] = {0, 1, 3, 3, 4};
  jac[(last * NS + 4) * NS + 1] = 0.25;  /* left of its group */
  jac[(last * NS + 0) * NS + 1] = -0.5;  /* right of its group: states 0 and 1 merge */
  grad[last * NS + 2] = 1.5;
  flux_grad[(last * NF + 1) * NS + 3] = -2.0;
  CU_ASSERT_EQUAL_FATAL(wc_sweep_set_blocks(sweep, jac, grad, flux_grad), WC_OK);
  CU_ASSERT_EQUAL(memcmp(wc_sweep_group_reach(sweep), reach_merged, sizeof reach_merged), 0);
  CU_ASSERT_TRUE(blocks_round_trip(sweep, N, NS, NT, NF, jac, grad, flux_grad));
  CU_ASSERT_EQUAL_FATAL(wc_sweep_factor(sweep, 1.3), WC_OK);
  CU_ASSERT_TRUE(blocks_round_trip(sweep, N, NS, NT, NF, jac, grad, flux_grad));
  /* + J(0,1) and J(4,1), 1 G, 1 B; groups 2,2,1 store no inverses either. Split again,
   * J(0,1) stays in the pattern (zero now). */
  CU_ASSERT_EQUAL(wc_sweep_values_per_cell(sweep), small + 2 + 1 + 1);
  CU_ASSERT_TRUE(sweep_vs_dense(sweep, &g, NS, NT, NF, target, jac, grad, flux_grad, 1.3) <= 1e-10);

  jac[(last * NS + 0) * NS + 1] = 0.0; /* the coupling vanishes everywhere */
  CU_ASSERT_EQUAL_FATAL(wc_sweep_set_blocks(sweep, jac, grad, flux_grad), WC_OK);
  CU_ASSERT_EQUAL(memcmp(wc_sweep_group_reach(sweep), reach_split, sizeof reach_split), 0);
  CU_ASSERT_EQUAL_FATAL(wc_sweep_factor(sweep, 0.9), WC_OK);
  CU_ASSERT_TRUE(blocks_round_trip(sweep, N, NS, NT, NF, jac, grad, flux_grad));
  CU_ASSERT_EQUAL(wc_sweep_values_per_cell(sweep), small + 2 + 1 + 1);
  CU_ASSERT_TRUE(sweep_vs_dense(sweep, &g, NS, NT, NF, target, jac, grad, flux_grad, 0.9) <= 1e-10);
  wc_sweep_destroy(&sweep);
  wc_test_csr_free(&g);
}

/* A singular block is reported with its node. */
static void test_sweep_singular_block(void) {
  int32_t down[10];
  for (int i = 0; i < 10; i++) down[i] = i < 9 ? i + 1 : -1;
  wc_test_csr g = wc_test_csr_make(10, down);
  const int target[1] = {0};
  const double atol[2] = {1, 1};
  wc_graph_ode ode = {.n_cells = 10, .downstream = g.down, .n_states = 2, .n_transport = 1, .transport_target = target,
                      .abs_tolerance = atol, .cell_rhs = never_called};
  wc_sweep *sweep = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_sweep_create(&ode, &sweep), WC_OK);
  double jac[40], grad[20] = {0};
  for (int e = 0; e < 40; e++) jac[e] = (e % 3 == 0) ? -1.0 : 0.0;
  /* Every block is regular except node 6's: J = 2 I, so I - 0.5 J = 0. */
  for (int e = 0; e < 4; e++) jac[6 * 4 + e] = (e == 0 || e == 3) ? 2.0 : 0.0;
  CU_ASSERT_EQUAL_FATAL(wc_sweep_set_blocks(sweep, jac, grad, NULL), WC_OK);
  wc_error_clear();
  CU_ASSERT_EQUAL(wc_sweep_factor(sweep, 0.5), WC_ERR_NUMERICS);
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "node 6"));
  CU_ASSERT_EQUAL(wc_sweep_failed_node(sweep), 6);
  CU_ASSERT_TRUE(isnan(wc_sweep_gamma(sweep)));
  wc_sweep_destroy(&sweep);
  wc_test_csr_free(&g);
}

/* ---- a nonlinear two-state cell: soil S and channel V ------------------------------------------ */

/* S' = P - a S^2 - e S;  V' = inflow + a S^2 - b V^(5/3);  outflow b V^(5/3) (into V).
 * Fluxes: [0] rain, [1] evaporation. */
typedef struct nonlinear_model {
  wc_test_csr graph;
  double rain, a, e, b;
} nonlinear_model;

static wc_status nonlinear_rhs(void *context, double t, int32_t node, const double *y, const double *inflow,
                               double *ydot, double *outflow, double *flux) {
  (void)t;
  nonlinear_model *m = context;
  double s = fmax(y[0], 0.0), v = fmax(y[1], 0.0);
  double rain = m->rain * (1.0 + 0.5 * sin(node)), runoff = m->a * s * s, q = m->b * v * cbrt(v * v);
  ydot[0] = rain - runoff - m->e * s;
  ydot[1] = inflow[0] + runoff - q;
  outflow[0] = q;
  if (flux) {
    flux[0] = rain;
    flux[1] = m->e * s;
  }
  return WC_OK;
}

static wc_status nonlinear_jacobian(void *context, double t, int32_t node, const double *y, const double *inflow,
                                    double *block, double *gradient) {
  (void)t, (void)node, (void)inflow;
  nonlinear_model *m = context;
  double s = fmax(y[0], 0.0), v = fmax(y[1], 0.0), dq = m->b * 5.0 / 3.0 * cbrt(v * v);
  block[0] = -2.0 * m->a * s - m->e;
  block[1] = 0.0;
  block[2] = 2.0 * m->a * s;
  block[3] = -dq;
  gradient[0] = 0.0;
  gradient[1] = dq;
  return WC_OK;
}

static const int nonlinear_target[1] = {1};
static const char *const nonlinear_names[2] = {"soil_mm", "channel_mm"};
static const double nonlinear_atol[2] = {1e-6, 1e-7};

static wc_graph_ode nonlinear_ode(nonlinear_model *m) {
  return (wc_graph_ode){.n_cells = m->graph.n, .downstream = m->graph.down, .upstream_start = m->graph.ustart,
                        .upstream_index = m->graph.uindex, .n_states = 2, .n_transport = 1, .n_fluxes = 2,
                        .transport_target = nonlinear_target, .state_names = nonlinear_names,
                        .abs_tolerance = nonlinear_atol, .cell_rhs = nonlinear_rhs, .context = m};
}

/* The nonlinear tree's starting state (soil 30..36, channel 0.5) and its total storage. */
static double nonlinear_initial_state(int n, double *y0) {
  double total = 0.0;
  for (int i = 0; i < n; i++) {
    y0[2 * i] = 30.0 + (i % 7);
    y0[2 * i + 1] = 0.5;
    total += y0[2 * i] + y0[2 * i + 1];
  }
  return total;
}

static void test_fd_blocks_match_analytic(void) {
  enum { N = 40 };
  nonlinear_model m = {random_tree(N, 11), 1e-4, 2e-4, 1e-6, 3e-3};
  wc_graph_ode fd = nonlinear_ode(&m), exact = fd;
  exact.cell_jacobian = nonlinear_jacobian;
  double y[2 * N];
  for (int e = 0; e < 2 * N; e++) y[e] = uniform(0.5, 80.0);
  const double typical[2] = {10.0, 1.0};
  wc_sweep *a = NULL, *b = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_sweep_create(&fd, &a), WC_OK);
  CU_ASSERT_EQUAL_FATAL(wc_sweep_create(&exact, &b), WC_OK);
  CU_ASSERT_EQUAL(wc_sweep_evaluate(a, 0.0, y, NULL, typical), WC_OK);
  CU_ASSERT_EQUAL(wc_sweep_evaluate(b, 0.0, y, NULL, typical), WC_OK);
  CU_ASSERT_EQUAL(wc_sweep_cell_calls(a), 3 * N); /* base + one per state */
  CU_ASSERT_EQUAL(wc_sweep_cell_calls(b), N);
  int ok = 1;
  for (int32_t i = 0; i < N; i++) {
    double fd_jac[4], fd_grad[2], jac[4], grad[2];
    wc_sweep_cell_blocks(a, i, fd_jac, fd_grad, NULL);
    wc_sweep_cell_blocks(b, i, jac, grad, NULL);
    for (int e = 0; e < 4; e++) ok &= near("FD block entry", fd_jac[e], jac[e], 1e-6, 1e-6);
    for (int e = 0; e < 2; e++) ok &= near("FD gradient entry", fd_grad[e], grad[e], 1e-6, 1e-6);
  }
  CU_ASSERT_TRUE(ok);
  wc_sweep_destroy(&a);
  wc_sweep_destroy(&b);
  wc_test_csr_free(&m.graph);
}

/* Daily rain jumps on a nonlinear tree: the three solvers give the same answer (within the
 * tolerance), the sweep solves exactly (one GMRES iteration per solve as preconditioner),
 * and the non-negativity constraints change nothing. */
static void test_linear_solvers_agree(void) {
  enum { N = 200, DAYS = 6 };
  const double rain[DAYS] = {0.0, 3e-4, 1e-5, 0.0, 6e-4, 0.0};
  double result[N_KINDS + 1][2 * N];
  double budget[N_KINDS + 1];
  for (int variant = 0; variant < N_KINDS + 1; variant++) {
    nonlinear_model m = {random_tree(N, 5), 0.0, 2e-5, 2e-7, 2e-3};
    wc_graph_ode ode = nonlinear_ode(&m);
    wc_integrator_options options;
    wc_integrator_options_default(&options);
    options.linear_solver = kinds[variant < N_KINDS ? variant : 0];
    options.relative_tolerance = 1e-6;
    options.nonnegative = variant == N_KINDS;
    if (getenv("MSBJ")) options.jacobian_max_age_steps = atol(getenv("MSBJ"));
    if (getenv("MSBP")) options.setup_max_age_steps = atol(getenv("MSBP"));
    wc_integrator *integ = NULL;
    CU_ASSERT_EQUAL_FATAL(wc_integrator_create(&ode, &options, MPI_COMM_WORLD, &integ), WC_OK);
    double y0[2 * N], initial = nonlinear_initial_state(N, y0);
    CU_ASSERT_EQUAL(wc_integrator_set_state(integ, 0.0, y0), WC_OK);
    for (int day = 0; day < DAYS; day++) {
      m.rain = rain[day];
      wc_status status = wc_integrator_advance(integ, 86400.0 * (day + 1));
      if (status != WC_OK) fprintf(stderr, "\n  %s\n", wc_error_message());
      CU_ASSERT_EQUAL_FATAL(status, WC_OK);
    }
    memcpy(result[variant], wc_integrator_state(integ), sizeof result[variant]);
    double stored = 0.0, in = 0.0, lost = 0.0, out = 0.0;
    for (int i = 0; i < N; i++) {
      stored += result[variant][2 * i] + result[variant][2 * i + 1];
      in += wc_integrator_flux_totals(integ)[2 * i];
      lost += wc_integrator_flux_totals(integ)[2 * i + 1];
    }
    for (int j = 0; j < wc_integrator_outlet_count(integ); j++) out += wc_integrator_outlet_totals(integ)[j];
    budget[variant] = (stored + out + lost - in - initial) / initial;
    wc_integrator_stats stats;
    wc_integrator_get_stats(integ, &stats);
    if (mpi_rank() == 0) {
      printf("\n  %-12s%s steps %ld, Newton %ld (%ld failed), error tests failed %ld, linear %ld, setups %ld, "
             "blocks %ld, budget error %.2e",
             wc_linear_solver_name(options.linear_solver), options.nonnegative ? "+nonneg" : "", stats.steps,
             stats.newton_iters, stats.newton_fails, stats.error_test_fails, stats.linear_iters, stats.setups,
             stats.jacobian_evals, budget[variant]);
    }
    CU_ASSERT_TRUE(stats.steps > DAYS);
    if (options.linear_solver == WC_LINSOL_SWEEP) CU_ASSERT_EQUAL(stats.linear_iters, stats.prec_solves);
    if (options.linear_solver == WC_LINSOL_GMRES_SWEEP) {
      /* The sweep is exact for the Jacobian it was built from, which CVODE lets age while
       * GMRES's J*v is current: about one iteration per solve, rarely a failure. */
      CU_ASSERT_TRUE(stats.linear_iters <= stats.prec_solves);
      CU_ASSERT_TRUE(stats.linear_fails * 100 <= stats.newton_iters);
    }
    /* The budget totals are states that every Newton iterate keeps consistent with the
     * storages (wc_integrator.h): closure to rounding with the sweep, exact or as
     * GMRES's preconditioner; plain GMRES solves only to its linear tolerance. */
    CU_ASSERT_TRUE(fabs(budget[variant]) < (options.linear_solver == WC_LINSOL_GMRES ? 1e-8 : 1e-12));
    wc_integrator_destroy(&integ);
    wc_test_csr_free(&m.graph);
  }
  int ok = 1;
  for (int variant = 1; variant < N_KINDS + 1; variant++)
    for (int e = 0; e < 2 * N; e++) {
      char what[64];
      snprintf(what, sizeof what, "variant %d, unknown %d", variant, e);
      ok &= near(what, result[variant][e], result[0][e], 2e-4, 1e-3);
    }
  CU_ASSERT_TRUE(ok);
}

/* Budget totals summed per account row (wc_graph_ode.flux_row) instead of per cell: with
 * the sweep the totals weigh nothing and the norms are the states' alone, so the states
 * are the per-cell run's bit for bit, each row total is the sum of its cells' totals to
 * rounding, and the books close to rounding. */
static void test_shared_budget_rows(void) {
  enum { N = 200, ROWS = 7, DAYS = 4 };
  const double rain[DAYS] = {3e-4, 0.0, 6e-4, 1e-5};
  double states[2][2 * N], per_cell[ROWS][2];
  int32_t row_of[N];
  for (int i = 0; i < N; i++) row_of[i] = (i * 37 + 11) % ROWS;
  for (int shared = 0; shared < 2; shared++) {
    nonlinear_model m = {random_tree(N, 5), 0.0, 2e-5, 2e-7, 2e-3};
    wc_graph_ode ode = nonlinear_ode(&m);
    if (shared) {
      ode.n_flux_rows = ROWS;
      ode.flux_row = row_of;
    }
    wc_integrator *integ = make_integrator(&ode, WC_LINSOL_SWEEP, 1e-6);
    CU_ASSERT_PTR_NOT_NULL_FATAL(integ);
    double y0[2 * N], initial = nonlinear_initial_state(N, y0);
    CU_ASSERT_EQUAL(wc_integrator_set_state(integ, 0.0, y0), WC_OK);
    for (int day = 0; day < DAYS; day++) {
      m.rain = rain[day];
      CU_ASSERT_EQUAL_FATAL(wc_integrator_advance(integ, 86400.0 * (day + 1)), WC_OK);
    }
    memcpy(states[shared], wc_integrator_state(integ), sizeof states[shared]);
    const double *q = wc_integrator_flux_totals(integ);
    double stored = 0.0, in = 0.0, lost = 0.0, out = 0.0;
    for (int i = 0; i < 2 * N; i++) stored += states[shared][i];
    if (!shared) {
      memset(per_cell, 0, sizeof per_cell);
      for (int i = 0; i < N; i++)
        for (int f = 0; f < 2; f++) per_cell[row_of[i]][f] += q[2 * i + f];
    }
    for (int r = 0; r < (shared ? ROWS : N); r++) {
      in += q[2 * r];
      lost += q[2 * r + 1];
    }
    if (shared)
      for (int r = 0; r < ROWS; r++)
        for (int f = 0; f < 2; f++) CU_ASSERT_DOUBLE_EQUAL(q[2 * r + f], per_cell[r][f], 1e-12 * per_cell[r][f]);
    for (int j = 0; j < wc_integrator_outlet_count(integ); j++) out += wc_integrator_outlet_totals(integ)[j];
    double closure = (stored + out + lost - in - initial) / initial;
    CU_ASSERT_TRUE(fabs(closure) < 1e-12);
    CU_ASSERT_TRUE(in > 0.0 && lost > 0.0);
    wc_integrator_destroy(&integ);
    wc_test_csr_free(&m.graph);
  }
  CU_ASSERT_EQUAL(memcmp(states[0], states[1], sizeof states[0]), 0);
}


/* ---- cell by cell --------------------------------------------------------------------------- */

/* Two reservoirs (k1, k2) drain into a third (k3): the third receives the others' outflow
 * through their step records. With intervals of an hour and of a day, and a downstream cell
 * slow (k3 = 3e-5/s) or stiff (k3 = 0.1/s: it follows its inflow within seconds, between
 * upstream steps of hours), the third store matches
 *   y3 = sum_j k_j Y_j (exp(-k_j t) - exp(-k3 t)) / (k3 - k_j),
 * and storage + outflow stays at the initial storage. */
static void test_cellwise_converging_inflow(void) {
  const double atol[1] = {1e-10}, k1 = 2e-5, k2 = 7e-5, A = 40.0, B = 25.0;
  const double k3s[2] = {3e-5, 0.1}, intervals[2] = {3600.0, 86400.0};
  for (int stiff = 0; stiff < 2; stiff++)
    for (int daily = 0; daily < 2; daily++) {
      int32_t down[3] = {2, 2, -1};
      reservoirs m = reservoirs_make(wc_test_csr_make(3, down), 0.0);
      m.k_per_s[0] = k1;
      m.k_per_s[1] = k2;
      m.k_per_s[2] = k3s[stiff];
      wc_graph_ode ode = reservoir_ode(&m, atol);
      wc_integrator *integ = make_case_integrator(&ode, CELLWISE_CASE, 1e-6);
      CU_ASSERT_PTR_NOT_NULL_FATAL(integ);
      double y0[3] = {A, B, 0.0};
      CU_ASSERT_EQUAL(wc_integrator_set_state(integ, 0.0, y0), WC_OK);
      const double k3 = k3s[stiff], dt = intervals[daily];
      for (int j = 1; j <= (daily ? 5 : 48); j++) {
        double t = dt * j;
        CU_ASSERT_EQUAL_FATAL(wc_integrator_advance(integ, t), WC_OK);
        double want = k1 * A * (exp(-k1 * t) - exp(-k3 * t)) / (k3 - k1) + k2 * B * (exp(-k2 * t) - exp(-k3 * t)) / (k3 - k2);
        const double *y = wc_integrator_state(integ);
        char what[96];
        snprintf(what, sizeof what, "downstream store (k3 %g, intervals of %g s) at %g s", k3, dt, t);
        /* rtol 1e-6 per step: TR-BDF2 (error constant ~0.04) takes ~35 steps per
         * e-folding, so after the 5 e-foldings of the daily runs the global error is
         * ~170 rtol; see case_tolerance */
        CU_ASSERT_TRUE(near(what, y[2], want, 5e-4, 1e-3 * A));
        CU_ASSERT_TRUE(near("upstream store", y[0], A * exp(-k1 * t), 5e-4, 1e-3 * A));
        CU_ASSERT_TRUE(near("cellwise mass", y[0] + y[1] + y[2] + wc_integrator_outlet_totals(integ)[0], A + B, 1e-13,
                            1.0));
      }
      wc_integrator_stats stats;
      wc_integrator_get_stats(integ, &stats);
      CU_ASSERT_TRUE(stats.cellwise);
      CU_ASSERT_EQUAL(stats.cell_intervals, 3 * (daily ? 5 : 48));
      wc_integrator_destroy(&integ);
      reservoirs_free(&m);
    }
}

/* Twenty stores drain into one, more sources than the stepper keeps record cursors for
 * (the rest are searched by bisection): the downstream store matches
 *   y = sum_j k_j Y_j (exp(-k_j t) - exp(-k t)) / (k - k_j)
 * and mass is kept, whichever way a source's records are found. */
static void test_cellwise_many_sources(void) {
  enum { UP = 20, DAYS = 4 };
  const double atol[1] = {1e-10}, k_down = 4e-5;
  int32_t down[UP + 1];
  for (int j = 0; j < UP; j++) down[j] = UP;
  down[UP] = -1;
  reservoirs m = reservoirs_make(wc_test_csr_make(UP + 1, down), k_down);
  double y0[UP + 1], total = 0.0;
  for (int j = 0; j < UP; j++) {
    m.k_per_s[j] = 1e-5 * (1.0 + 0.37 * j); /* from hours to days: different steps */
    y0[j] = 10.0 + j;
    total += y0[j];
  }
  y0[UP] = 0.0;
  wc_graph_ode ode = reservoir_ode(&m, atol);
  wc_integrator *integ = make_case_integrator(&ode, CELLWISE_CASE, 1e-6);
  CU_ASSERT_PTR_NOT_NULL_FATAL(integ);
  CU_ASSERT_EQUAL(wc_integrator_set_state(integ, 0.0, y0), WC_OK);
  for (int day = 1; day <= DAYS; day++) {
    double t = 86400.0 * day, want = 0.0, stored = 0.0;
    CU_ASSERT_EQUAL_FATAL(wc_integrator_advance(integ, t), WC_OK);
    for (int j = 0; j < UP; j++) {
      double k = m.k_per_s[j];
      want += k * y0[j] * (exp(-k * t) - exp(-k_down * t)) / (k_down - k);
    }
    const double *y = wc_integrator_state(integ);
    for (int j = 0; j <= UP; j++) stored += y[j];
    CU_ASSERT_TRUE(near("store below twenty sources", y[UP], want, 5e-4, 1e-3 * total));
    CU_ASSERT_TRUE(near("mass below twenty sources", stored + wc_integrator_outlet_totals(integ)[0], total, 1e-13, 1.0));
  }
  wc_integrator_destroy(&integ);
  reservoirs_free(&m);
}

/* The records of a large tree overflow the stepper's buffer many times an interval; compacted
 * (only those cells still to come will read kept) the results are those of a buffer that
 * holds every record of an interval, bit for bit. */
static void test_cellwise_records_compacted(void) {
  enum { N = 20000, HOURS = 3 };
  const double atol[1] = {1e-9};
  reservoirs m = reservoirs_make(random_tree(N, 11), 0.0);
  double *y0 = malloc(N * sizeof *y0);
  for (int i = 0; i < N; i++) {
    m.k_per_s[i] = uniform(1e-5, 1e-3);
    m.source[i] = uniform(0.0, 1e-4);
    y0[i] = uniform(0.0, 100.0);
  }
  wc_graph_ode ode = reservoir_ode(&m, atol);
  ode.cell_jacobian = reservoir_jacobian;
  wc_cellwise *stepper[2] = {NULL, NULL};
  wc_cellwise_stats stats[2];
  for (int reserved = 0; reserved < 2; reserved++) {
    CU_ASSERT_EQUAL_FATAL(wc_cellwise_create(&ode, 1e-4, 0, &stepper[reserved]), WC_OK);
    if (reserved) CU_ASSERT_EQUAL_FATAL(wc_cellwise_reserve_records(stepper[reserved], (size_t)N * 100), WC_OK);
    CU_ASSERT_EQUAL_FATAL(wc_cellwise_set_state(stepper[reserved], 0.0, y0), WC_OK);
    for (int hour = 1; hour <= HOURS; hour++)
      CU_ASSERT_EQUAL_FATAL(wc_cellwise_advance(stepper[reserved], 3600.0 * hour), WC_OK);
    wc_cellwise_get_stats(stepper[reserved], &stats[reserved]);
  }
  CU_ASSERT_TRUE(stats[0].steps > 2 * (int64_t)N * HOURS); /* more than the buffer's quarter record per cell */
  CU_ASSERT_TRUE(stats[0].record_compactions >= HOURS);
  CU_ASSERT_EQUAL(stats[1].record_compactions, 0);
  CU_ASSERT_EQUAL(stats[0].steps, stats[1].steps);
  CU_ASSERT_EQUAL(memcmp(wc_cellwise_state(stepper[0]), wc_cellwise_state(stepper[1]), N * sizeof(double)), 0);
  const int32_t outlets = wc_cellwise_outlet_count(stepper[0]);
  CU_ASSERT_TRUE(outlets > 100);
  CU_ASSERT_EQUAL(memcmp(wc_cellwise_outlet_totals(stepper[0]), wc_cellwise_outlet_totals(stepper[1]),
                         (size_t)outlets * sizeof(double)),
                  0);
  for (int reserved = 0; reserved < 2; reserved++) wc_cellwise_destroy(&stepper[reserved]);
  free(y0);
  reservoirs_free(&m);
}

/* The 10-reservoir chain below, cell by cell from 5 mm each: the first hour passes, the
 * second fails in cell 7 (its fault starts at 5000 s). The integrator, for the caller's
 * checks of the failure. */
static wc_integrator *fail_in_the_second_hour(const wc_graph_ode *ode) {
  wc_integrator *integ = make_case_integrator(ode, CELLWISE_CASE, 1e-6);
  CU_ASSERT_PTR_NOT_NULL_FATAL(integ);
  const double y0[10] = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
  CU_ASSERT_EQUAL(wc_integrator_set_state(integ, 0.0, y0), WC_OK);
  CU_ASSERT_EQUAL(wc_integrator_advance(integ, 3600.0), WC_OK);
  wc_error_clear();
  CU_ASSERT_EQUAL(wc_integrator_advance(integ, 7200.0), WC_ERR_NUMERICS);
  CU_ASSERT_EQUAL(wc_integrator_last_failure(integ)->node, 7);
  return integ;
}

/* A cell that turns NaN is named, with the time it got to; a cell function's own error
 * reaches the caller unchanged. Each rank integrates its own copy here, so the faults are
 * on every rank. */
static void test_cellwise_failures(void) {
  const double atol[1] = {1e-8};
  int32_t down[10];
  for (int i = 0; i < 10; i++) down[i] = i < 9 ? i + 1 : -1;
  reservoirs m = reservoirs_make(wc_test_csr_make(10, down), 1e-4);
  m.nan_node = 7;
  m.nan_after_s = 5000.0;
  m.nan_rank = mpi_rank();
  wc_graph_ode ode = reservoir_ode(&m, atol);
  wc_integrator *integ = fail_in_the_second_hour(&ode);
  const wc_integrator_failure *f = wc_integrator_last_failure(integ);
  CU_ASSERT_TRUE(f->nonfinite);
  CU_ASSERT_TRUE(f->t_s >= 3600.0 && f->t_s <= 5000.0);
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "node 7"));
  if (mpi_rank() == 0) printf("\n  message: %s", wc_error_message());
  wc_integrator_destroy(&integ);

  /* A NaN in a budget flux alone (the rates finite) is caught where the step is booked. */
  m.nan_in_flux = true;
  integ = fail_in_the_second_hour(&ode);
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "non-finite budget rate"));
  wc_integrator_destroy(&integ);
  m.nan_in_flux = false;

  /* A NaN in the outflow alone (what the downstream cell would receive; the cell's own
   * rates finite): no step is booked with it, and the cell is named. */
  m.nan_in_outflow = true;
  integ = fail_in_the_second_hour(&ode);
  CU_ASSERT_TRUE(wc_integrator_last_failure(integ)->nonfinite);
  CU_ASSERT_TRUE(isfinite(wc_integrator_state(integ)[8])); /* nothing of it reached the cell below */
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "non-finite outflow"));
  if (mpi_rank() == 0) printf("\n  message: %s", wc_error_message());
  wc_integrator_destroy(&integ);
  m.nan_in_outflow = false;

  m.nan_node = -1;
  m.error_node = 2;
  integ = make_case_integrator(&ode, CELLWISE_CASE, 1e-6);
  CU_ASSERT_PTR_NOT_NULL_FATAL(integ);
  const double y0[10] = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
  CU_ASSERT_EQUAL(wc_integrator_set_state(integ, 0.0, y0), WC_OK);
  wc_error_clear();
  CU_ASSERT_EQUAL(wc_integrator_advance(integ, 60.0), WC_ERR_INPUT);
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "reservoir 2 has no outlet rating"));
  wc_integrator_destroy(&integ);
  reservoirs_free(&m);
}

/* ---- failures ------------------------------------------------------------------------------- */

static void test_forced_failure(void) {
  const double atol[1] = {1e-8};
  for (int kind = 0; kind < N_KINDS; kind++) {
    int32_t down[10];
    for (int i = 0; i < 10; i++) down[i] = i < 9 ? i + 1 : -1;
    reservoirs m = reservoirs_make(wc_test_csr_make(10, down), 1e-4);
    m.nan_node = 7;
    m.nan_after_s = 5000.0;
    m.nan_rank = mpi_size() - 1;
    wc_graph_ode ode = reservoir_ode(&m, atol);
    wc_integrator *integ = make_integrator(&ode, kinds[kind], 1e-6);
    CU_ASSERT_PTR_NOT_NULL_FATAL(integ);
    double y0[10] = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
    CU_ASSERT_EQUAL(wc_integrator_set_state(integ, 0.0, y0), WC_OK);
    CU_ASSERT_EQUAL(wc_integrator_advance(integ, 3600.0), WC_OK);
    wc_error_clear();
    wc_status status = wc_integrator_advance(integ, 7200.0);
    CU_ASSERT_EQUAL(status, WC_ERR_NUMERICS);
    const wc_integrator_failure *f = wc_integrator_last_failure(integ);
    CU_ASSERT_EQUAL(f->node, 7);
    CU_ASSERT_EQUAL(f->rank, mpi_size() - 1);
    CU_ASSERT_TRUE(f->nonfinite);
    CU_ASSERT_TRUE(f->t_s >= 3600.0 && f->t_s <= 5000.0);
    CU_ASSERT_TRUE(wc_integrator_time(integ) == f->t_s);
    CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "node 7"));
    CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "solver failed at t = "));
    if (mpi_rank() == 0 && kind == 0) printf("\n  message: %s", wc_error_message());
    wc_integrator_stats stats;
    wc_integrator_get_stats(integ, &stats);
    CU_ASSERT_EQUAL(stats.retries, 2); /* the default max_retries, all used */
    CU_ASSERT_TRUE(stats.steps < 2000);  /* failed fast, not by running out of steps */
    wc_integrator_destroy(&integ);
    reservoirs_free(&m);
  }
}

/* A cell function error is not retried: it reaches the caller with its own message, on
 * every rank. */
static void test_cell_error_passes_through(void) {
  const double atol[1] = {1e-8};
  int32_t down[4] = {1, 2, 3, -1};
  reservoirs m = reservoirs_make(wc_test_csr_make(4, down), 1e-4);
  m.error_node = 2;
  m.nan_rank = mpi_size() - 1;
  wc_graph_ode ode = reservoir_ode(&m, atol);
  wc_integrator *integ = make_integrator(&ode, WC_LINSOL_SWEEP, 1e-6);
  CU_ASSERT_PTR_NOT_NULL_FATAL(integ);
  double y0[4] = {1, 1, 1, 1};
  CU_ASSERT_EQUAL(wc_integrator_set_state(integ, 0.0, y0), WC_OK);
  wc_error_clear();
  CU_ASSERT_EQUAL(wc_integrator_advance(integ, 60.0), WC_ERR_INPUT);
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "reservoir 2 has no outlet rating"));
  wc_integrator_stats stats;
  wc_integrator_get_stats(integ, &stats);
  CU_ASSERT_EQUAL(stats.retries, 0);
  wc_integrator_destroy(&integ);
  reservoirs_free(&m);
}

static void test_bad_graph_rejected(void) {
  int32_t down[3] = {2, 0, -1}; /* node 1 drains upstream */
  reservoirs m = reservoirs_make(wc_test_csr_make(3, down), 1e-4);
  const double atol[1] = {1e-8};
  wc_graph_ode ode = reservoir_ode(&m, atol);
  ode.upstream_start = NULL;
  wc_integrator *integ = NULL;
  CU_ASSERT_EQUAL(wc_integrator_create(&ode, NULL, MPI_COMM_WORLD, &integ), WC_ERR_INTERNAL);
  CU_ASSERT_PTR_NULL(integ);
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "node 1 drains to 0"));
  wc_integrator_destroy(&integ); /* NULL is fine */
  reservoirs_free(&m);
}

/* A NaN in the initial state is an input error on every rank (it is on the last rank). */
static void test_nonfinite_initial_state(void) {
  const double atol[1] = {1e-8};
  int32_t down[3] = {1, 2, -1};
  reservoirs m = reservoirs_make(wc_test_csr_make(3, down), 1e-4);
  wc_graph_ode ode = reservoir_ode(&m, atol);
  wc_integrator *integ = make_integrator(&ode, WC_LINSOL_SWEEP, 1e-6);
  CU_ASSERT_PTR_NOT_NULL_FATAL(integ);
  double y0[3] = {1.0, mpi_rank() == mpi_size() - 1 ? NAN : 1.0, 1.0};
  CU_ASSERT_EQUAL(wc_integrator_set_state(integ, 0.0, y0), WC_ERR_INPUT);
  if (mpi_rank() == mpi_size() - 1) CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "'storage_mm' of node 1"));
  wc_integrator_destroy(&integ);
  reservoirs_free(&m);
}

static CU_TestInfo analytic_tests[] = {
    WC_TEST(test_linear_reservoir),
    WC_TEST(test_nash_cascade),
    WC_TEST(test_tree_conservation),
    WC_TEST(test_piecewise_forcing),
    WC_TEST(test_extra_inflow),
    CU_TEST_INFO_NULL,
};

static CU_TestInfo sweep_tests[] = {
    WC_TEST(test_sweep_is_exact),
    WC_TEST(test_sweep_singular_block),
    WC_TEST(test_sweep_packed_structure),
    WC_TEST(test_sweep_pattern_grows),
    WC_TEST(test_fd_blocks_match_analytic),
    WC_TEST(test_linear_solvers_agree),
    WC_TEST(test_shared_budget_rows),
    CU_TEST_INFO_NULL,
};

static CU_TestInfo failure_tests[] = {
    WC_TEST(test_forced_failure),
    WC_TEST(test_cell_error_passes_through),
    WC_TEST(test_bad_graph_rejected),
    WC_TEST(test_nonfinite_initial_state),
    CU_TEST_INFO_NULL,
};

/* The cell LU over a Jacobian's structure solves (I - dh J) x = b as a dense elimination
 * with partial pivoting does, for structures with and without fill, lower triangular
 * ones, full ones and sizes 1 to 16; equal structures share one table entry, and a table
 * that is full hands out the full structure, which fits anything. */
static double dense_residual(int n, const double *jacobian, double dh, const double *x, const double *b) {
  double worst = 0.0;
  for (int r = 0; r < n; r++) {
    double s = x[r];
    for (int c = 0; c < n; c++) s -= dh * jacobian[r * n + c] * x[c];
    worst = fmax(worst, fabs(s - b[r]) / (1.0 + fabs(b[r])));
  }
  return worst;
}

static void test_cell_lu_solves(void) {
  unsigned seed = 12345;
  double worst = 0.0;
  for (int n = 1; n <= WC_CELL_LU_MAX_STATES; n++) {
    wc_cell_patterns *table = NULL;
    CU_ASSERT_EQUAL_FATAL(wc_cell_patterns_create(n, &table), WC_OK);
    for (int trial = 0; trial < 40; trial++) {
      double jacobian[WC_CELL_LU_MAX_STATES * WC_CELL_LU_MAX_STATES] = {0};
      int density = trial % 4; /* 0: lower triangular, 1: sparse, 2: half, 3: full */
      for (int r = 0; r < n; r++)
        for (int c = 0; c < n; c++) {
          seed = seed * 1103515245u + 12345u;
          int roll = (int)(seed >> 16) % 100;
          bool keep = r == c || (density == 0 ? c < r && roll < 60 : roll < (int[]){15, 50, 100}[density - 1]);
          seed = seed * 1103515245u + 12345u;
          double value = ((double)(seed >> 8) / 16777216.0 - 0.5) * 2e-4;
          if (keep) jacobian[r * n + c] = r == c ? -fabs(value) - 1e-5 : value / n;
        }
      uint16_t id = UINT16_MAX; /* no hint */
      CU_ASSERT_EQUAL_FATAL(wc_cell_patterns_find(table, jacobian, &id), WC_OK);
      uint16_t again = 0, hinted = id; /* a hint that is mostly wrong, and the right one */
      CU_ASSERT_EQUAL(wc_cell_patterns_find(table, jacobian, &again), WC_OK);
      CU_ASSERT_EQUAL(again, id);
      CU_ASSERT_EQUAL(wc_cell_patterns_find(table, jacobian, &hinted), WC_OK);
      CU_ASSERT_EQUAL(hinted, id);
      const double dh = 3600.0 * (1 + trial % 5);
      for (int use_full = 0; use_full < 2; use_full++) {
        wc_cell_lu lu;
        CU_ASSERT_TRUE_FATAL(wc_cell_lu_factor(wc_cell_patterns_get(table, use_full ? 0 : id), jacobian, dh, &lu));
        double b[WC_CELL_LU_MAX_STATES], x[WC_CELL_LU_MAX_STATES];
        for (int r = 0; r < n; r++) x[r] = b[r] = sin(1.0 + r + trial);
        wc_cell_lu_solve(&lu, x);
        worst = fmax(worst, dense_residual(n, jacobian, dh, x, b));
      }
      double v[WC_CELL_LU_MAX_STATES], product[WC_CELL_LU_MAX_STATES];
      for (int c = 0; c < n; c++) v[c] = cos(c + 0.5);
      wc_cell_pattern_multiply(wc_cell_patterns_get(table, id), jacobian, v, product);
      for (int r = 0; r < n; r++) {
        double exact = 0.0;
        for (int c = 0; c < n; c++) exact += jacobian[r * n + c] * v[c];
        CU_ASSERT_DOUBLE_EQUAL(product[r], exact, 1e-15);
      }
    }
    CU_ASSERT_TRUE(n == 1 || wc_cell_patterns_count(table) >= 2); /* n = 1 has one structure */
    wc_cell_patterns_destroy(&table);
  }
  CU_ASSERT_TRUE(worst < 1e-12);

  /* A vanishing pivot is refused; a full table gives index 0 (the full structure). */
  wc_cell_patterns *table = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_cell_patterns_create(12, &table), WC_OK);
  double singular[144] = {0};
  for (int k = 0; k < 12; k++) singular[k * 12 + k] = k == 3 ? 1.0 : -1.0; /* 1 - dh * 1 = 0 at dh = 1 */
  uint16_t id = 0;
  CU_ASSERT_EQUAL(wc_cell_patterns_find(table, singular, &id), WC_OK);
  wc_cell_lu lu;
  CU_ASSERT_FALSE(wc_cell_lu_factor(wc_cell_patterns_get(table, id), singular, 1.0, &lu));
  for (int k = 0; k < 4095 && wc_cell_patterns_count(table) < 400; k++) {
    double structure[144] = {0};
    for (int bit = 0; bit < 12; bit++) structure[bit * 12 + (bit + 1) % 12] = (k >> bit & 1) ? 0.5 : 0.0;
    CU_ASSERT_EQUAL(wc_cell_patterns_find(table, structure, &id), WC_OK);
  }
  CU_ASSERT_EQUAL(id, 0);
  wc_cell_patterns_destroy(&table);
}

static CU_TestInfo cellwise_tests[] = {
    WC_TEST(test_cellwise_converging_inflow),
    WC_TEST(test_cellwise_many_sources),
    WC_TEST(test_cellwise_records_compacted),
    WC_TEST(test_cellwise_failures),
    WC_TEST(test_cell_lu_solves),
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"analytic", NULL, NULL, NULL, NULL, analytic_tests},
    {"cellwise", NULL, NULL, NULL, NULL, cellwise_tests},
    {"sweep", NULL, NULL, NULL, NULL, sweep_tests},
    {"failures", NULL, NULL, NULL, NULL, failure_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv) { return wc_test_run(argc, argv, suites, 1); }
