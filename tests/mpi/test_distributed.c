/*
 * test_distributed.c — one basin split over the ranks gives what one process gives
 * (np = 1..4; docs/hpc.md, "Running a basin over ranks").
 *
 * Model (the built-in Chaobai at 5 km):
 *   - the outflow contract of wc_graph_ode.h: wc_model_cell_rhs's outflow is the same, bit
 *     for bit, whatever the inflow (random states, random inflows, every cell);
 *   - a rank-local model (wc_model_create_local over the plan's cells) computes, for each
 *     of its cells, bit for bit what the whole model computes for that basin cell, with
 *     forcing made for the local cells only (weather generator, station interpolation).
 * Integrator (a nonlinear two-store toy on a random tree, daily rain jumps):
 *   - the pipelined sweep across ranks reproduces the one-process run bit for bit, day
 *     after day; GMRES with the per-rank sweep as block-Jacobi preconditioner agrees to
 *     its linear tolerance, and takes about flow_depth iterations per Newton iteration;
 *   - the books close across ranks (storage + outlet and loss totals - inputs, 1e-12);
 *   - a NaN from one cell on one rank: every rank names the same node of the whole graph;
 *     a cell function error: every rank returns it with its message;
 *   - a partition whose rank graph has a cycle (METIS) is refused by the pipelined sweep
 *     with a message, and runs with gmres_sweep.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_builtin_basin.h"
#include "wc_forcing.h"
#include "wc_forcing_stations.h"
#include "wc_geo.h"
#include "wc_halo.h"
#include "wc_integrator.h"
#include "wc_model.h"
#include "wc_model_private.h" /* wc_model_cell_rhs: the cell function itself */
#include "wc_mpi.h"
#include "wc_partition.h"
#include "wc_scenario_load.h"
#include "wc_test.h"
#include "wc_test_graphs.h"
#include "wc_weather.h"

static int rank_of(void) { return wc_mpi_rank(); }
static int size_of(void) { return wc_mpi_size(); }

/* Every rank must pass for the test to pass; a test may use collectives. */
static int all_ranks(int ok) {
  int all = ok;
  MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
  return all;
}

static double uniform(uint64_t *state, double lo, double hi) {
  return lo + (hi - lo) * (double)(wc_test_rand(state) >> 11) * 0x1.0p-53;
}

/* ---- the model -------------------------------------------------------------------------------- */

static wc_basin *basin;
static wc_scenario *scenario;
static wc_model *whole, *local;
static wc_partition *partition;
static wc_halo_plan *plan;

static const char *scenario_text =
    "name: t\nbasin: {builtin: chaobai}\nperiod: {start: 2000-01-01, end: 2000-01-04}\n"
    "management:\n  fertiliser: [{land_use: cropland, rate: 180 kg/ha/yr, months: [1, 4]}]\n"
    "  point_sources: [{name: Fengning, lon: 116.65, lat: 41.20, discharge: 0.12 m3/s, tn_concentration: 15 mg/L}]\n";

static int model_init(void) {
  wc_geo_basin *geo = NULL;
  if (wc_geo_basin_read(wc_test_source_path("scenarios/basins/chaobai.geo"), &geo) != WC_OK) return 1;
  wc_builtin_options options = {.cell_size_m = 5000.0, .channel_threshold_km2 = 100.0};
  wc_status status = wc_builtin_basin_make(geo, &options, &basin);
  wc_geo_basin_destroy(&geo);
  if (status == WC_OK) status = wc_scenario_load_string("t.yaml", scenario_text, &scenario);
  if (status == WC_OK) status = wc_model_create(basin, scenario, NULL, &whole);
  const wc_drainage_graph *g = status == WC_OK ? basin->graph : NULL;
  if (status == WC_OK) status = wc_partition_create(g->n, g->downstream, size_of(), NULL, &partition);
  if (status == WC_OK) status = wc_halo_plan_create(partition, g->n, g->downstream, rank_of(), &plan);
  if (status == WC_OK)
    status = wc_model_create_local(whole, wc_halo_plan_local_count(plan), wc_halo_plan_global_index(plan),
                                   wc_halo_plan_downstream(plan), wc_halo_plan_upstream_start(plan),
                                   wc_halo_plan_upstream_index(plan), &local);
  if (status != WC_OK) fprintf(stderr, "model set-up: %s\n", wc_error_message());
  return status != WC_OK;
}

static int model_clean(void) {
  wc_model_destroy(&local);
  wc_model_destroy(&whole);
  wc_halo_plan_destroy(&plan);
  wc_partition_destroy(&partition);
  wc_scenario_destroy(&scenario);
  wc_basin_destroy(&basin);
  return 0;
}

/* A forcing of `model`'s cells: the generator, or the test stations (any positions: the
 * interpolation is per cell). */
static wc_status make_forcing(const wc_model *model, int stations, wc_forcing **forcing) {
  const double *x, *y, *z, *lat;
  wc_model_cell_geometry(model, &x, &y, &z, &lat);
  wc_forcing_cells cells = {wc_model_ode(model)->n_cells, x, y, z, lat, 0};
  wc_time_s start = scenario->period.start;
  if (stations) {
    char where[1024], what[1024]; /* wc_test_source_path returns a static buffer */
    snprintf(where, sizeof where, "%s", wc_test_source_path("tests/forcing/stations-xy.csv"));
    snprintf(what, sizeof what, "%s", wc_test_source_path("tests/forcing/idw-daily.csv"));
    return wc_forcing_create_stations(where, what, 0, &cells, start, start + 3 * 86400, 86400.0, 1.0, 0.0, forcing);
  }
  wc_weather_climate climate;
  WC_CALL(wc_weather_climate_read(wc_test_source_path("scenarios/basins/chaobai.weather"), &climate));
  return wc_forcing_create_generator(&climate, 11, &cells, start, 86400.0, 1.0, 0.0, forcing);
}

typedef struct weather {
  double *v; /* [4][n] */
  wc_forcing_values values;
} weather;

static void weather_alloc(weather *w, int32_t n) {
  w->v = calloc(4 * (size_t)n + 1, sizeof *w->v);
  w->values = (wc_forcing_values){w->v, w->v + n, w->v + 2 * n, w->v + 3 * n};
}

static int bits_equal(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* Forcing made for the local cells only is the whole forcing at their basin cells. */
static void test_local_forcing(void) {
  const int32_t n = basin->graph->n, nl = wc_halo_plan_local_count(plan);
  const int32_t *g = wc_halo_plan_global_index(plan);
  int bad = 0;
  for (int stations = 0; stations <= 1; stations++) {
    wc_forcing *fw = NULL, *fl = NULL;
    wc_status status = make_forcing(whole, stations, &fw);
    if (status != WC_OK) fprintf(stderr, "\n  forcing: %s\n", wc_error_message());
    CU_ASSERT_EQUAL_FATAL(status, WC_OK);
    CU_ASSERT_EQUAL_FATAL(make_forcing(local, stations, &fl), WC_OK);
    weather ww, wl;
    weather_alloc(&ww, n);
    weather_alloc(&wl, nl);
    for (int day = 0; day < 3; day++) {
      wc_time_s t = scenario->period.start + day * 86400;
      CU_ASSERT_EQUAL_FATAL(wc_forcing_next(fw, t, &ww.values), WC_OK);
      CU_ASSERT_EQUAL_FATAL(wc_forcing_next(fl, t, &wl.values), WC_OK);
      for (int32_t i = 0; i < nl; i++)
        for (int q = 0; q < 4; q++) bad += !bits_equal(wl.v[(size_t)q * nl + i], ww.v[(size_t)q * n + g[i]]);
    }
    free(ww.v);
    free(wl.v);
    wc_forcing_destroy(&fw);
    wc_forcing_destroy(&fl);
  }
  if (bad) fprintf(stderr, "\n  [rank %d] %d forcing values differ\n", rank_of(), bad);
  CU_ASSERT_TRUE(all_ranks(bad == 0));
}

/* Random states of plausible size, some stores empty; a reservoir's storage near capacity. */
static void random_state(uint64_t *seed, double *y) {
  for (int s = 0; s < WC_STATE_COUNT; s++) {
    double scale = s < WC_STATE_NO3 ? 200.0 : 50.0;
    y[s] = wc_test_rand(seed) % 7 == 0 ? 0.0 : uniform(seed, 0.0, scale);
  }
}

/* The outflow contract (wc_graph_ode.h), on every cell of the basin, each rank a share. */
static void test_outflow_contract(void) {
  const int32_t n = basin->graph->n;
  wc_forcing *forcing = NULL;
  weather w;
  weather_alloc(&w, n);
  CU_ASSERT_EQUAL_FATAL(make_forcing(whole, 0, &forcing), WC_OK);
  CU_ASSERT_EQUAL_FATAL(wc_forcing_next(forcing, scenario->period.start, &w.values), WC_OK);
  CU_ASSERT_EQUAL_FATAL(wc_model_set_forcing(whole, scenario->period.start, 86400.0, w.values.precipitation_mm,
                                             w.values.temperature_c, w.values.temperature_min_c,
                                             w.values.temperature_max_c),
                        WC_OK);
  uint64_t seed = 99 + (uint64_t)rank_of();
  int broken = 0, moved = 0;
  for (int32_t node = rank_of(); node < n; node += size_of())
    for (int trial = 0; trial < 4; trial++) {
      double y[WC_STATE_COUNT], ydot[WC_STATE_COUNT], out0[WC_TRANSPORT_COUNT], out1[WC_TRANSPORT_COUNT];
      double d1[WC_STATE_COUNT], flux[WC_FLUX_COUNT], zero[WC_TRANSPORT_COUNT] = {0, 0};
      double inflow[WC_TRANSPORT_COUNT] = {uniform(&seed, 0, 1e-2), uniform(&seed, 0, 1e-3)};
      random_state(&seed, y);
      CU_ASSERT_EQUAL_FATAL(wc_model_cell_rhs(whole, 0.0, node, y, zero, ydot, out0, flux), WC_OK);
      CU_ASSERT_EQUAL_FATAL(wc_model_cell_rhs(whole, 0.0, node, y, inflow, d1, out1, NULL), WC_OK);
      for (int k = 0; k < WC_TRANSPORT_COUNT; k++) broken += !bits_equal(out0[k], out1[k]);
      moved += d1[WC_STATE_SURFACE] != ydot[WC_STATE_SURFACE]; /* the inflow does arrive */
    }
  if (broken) fprintf(stderr, "\n  [rank %d] %d outflows depend on the inflow\n", rank_of(), broken);
  CU_ASSERT_TRUE(all_ranks(broken == 0 && moved > 0));
  free(w.v);
  wc_forcing_destroy(&forcing);
}

/* A local model's cell i computes what the whole model computes for basin cell g[i]. */
static void test_local_model(void) {
  const int32_t n = basin->graph->n, nl = wc_halo_plan_local_count(plan);
  const int32_t *g = wc_halo_plan_global_index(plan);
  if (nl > 0) CU_ASSERT_EQUAL(wc_model_global_nodes(local)[nl - 1], g[nl - 1]);
  CU_ASSERT_EQUAL(wc_model_ode(local)->n_cells, nl);
  wc_forcing *fw = NULL, *fl = NULL;
  weather ww, wl;
  weather_alloc(&ww, n);
  weather_alloc(&wl, nl);
  CU_ASSERT_EQUAL_FATAL(make_forcing(whole, 0, &fw), WC_OK);
  CU_ASSERT_EQUAL_FATAL(make_forcing(local, 0, &fl), WC_OK);
  uint64_t seed = 7 + (uint64_t)rank_of();
  int bad = 0;
  for (int day = 0; day < 2; day++) {
    wc_time_s t = scenario->period.start + day * 86400;
    CU_ASSERT_EQUAL_FATAL(wc_forcing_next(fw, t, &ww.values), WC_OK);
    CU_ASSERT_EQUAL_FATAL(wc_forcing_next(fl, t, &wl.values), WC_OK);
    CU_ASSERT_EQUAL_FATAL(wc_model_set_forcing(whole, t, 86400.0, ww.values.precipitation_mm, ww.values.temperature_c,
                                               ww.values.temperature_min_c, ww.values.temperature_max_c),
                          WC_OK);
    CU_ASSERT_EQUAL_FATAL(wc_model_set_forcing(local, t, 86400.0, wl.values.precipitation_mm, wl.values.temperature_c,
                                               wl.values.temperature_min_c, wl.values.temperature_max_c),
                          WC_OK);
    for (int32_t i = 0; i < nl; i++) {
      double y[WC_STATE_COUNT], in[WC_TRANSPORT_COUNT] = {uniform(&seed, 0, 1e-2), uniform(&seed, 0, 1e-3)};
      double da[WC_STATE_COUNT], db[WC_STATE_COUNT], oa[2], ob[2], fa[WC_FLUX_COUNT], fb[WC_FLUX_COUNT];
      random_state(&seed, y);
      CU_ASSERT_EQUAL_FATAL(wc_model_cell_rhs(local, 3600.0, i, y, in, da, oa, fa), WC_OK);
      CU_ASSERT_EQUAL_FATAL(wc_model_cell_rhs(whole, 3600.0, g[i], y, in, db, ob, fb), WC_OK);
      for (int s = 0; s < WC_STATE_COUNT; s++) bad += !bits_equal(da[s], db[s]);
      for (int k = 0; k < 2; k++) bad += !bits_equal(oa[k], ob[k]);
      for (int f = 0; f < WC_FLUX_COUNT; f++) bad += !bits_equal(fa[f], fb[f]);
    }
  }
  /* Initial states too. */
  double *ya = calloc((size_t)n * WC_STATE_COUNT + 1, sizeof *ya), *yb = calloc((size_t)nl * WC_STATE_COUNT + 1, sizeof *yb);
  wc_model_initial_state(whole, ya);
  wc_model_initial_state(local, yb);
  for (int32_t i = 0; i < nl; i++)
    for (int s = 0; s < WC_STATE_COUNT; s++)
      bad += !bits_equal(yb[(size_t)i * WC_STATE_COUNT + s], ya[(size_t)g[i] * WC_STATE_COUNT + s]);
  if (bad) fprintf(stderr, "\n  [rank %d] %d values differ from the whole model\n", rank_of(), bad);
  CU_ASSERT_TRUE(all_ranks(bad == 0));
  /* A bad value is reported with the basin cell's row and column, not the local index. */
  if (nl > 0) {
    wl.values.precipitation_mm[nl - 1] = -1.0;
    CU_ASSERT_EQUAL(wc_model_set_forcing(local, scenario->period.start, 86400.0, wl.values.precipitation_mm,
                                         wl.values.temperature_c, wl.values.temperature_min_c,
                                         wl.values.temperature_max_c),
                    WC_ERR_INPUT);
    char where[64];
    snprintf(where, sizeof where, "row %d, column %d", basin->graph->row[g[nl - 1]], basin->graph->col[g[nl - 1]]);
    CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), where));
  }
  free(ya);
  free(yb);
  free(ww.v);
  free(wl.v);
  wc_forcing_destroy(&fw);
  wc_forcing_destroy(&fl);
}

/* ---- the integrator on a toy ------------------------------------------------------------------ */

/* Two stores per cell: soil S (rain in, loss e S, drains to V over tau) and channel V
 * (outflow k V^1.5 downstream). Budget fluxes: [0] rain, [1] loss. Parameters per cell of
 * the whole graph; a local graph maps its nodes through `global`. */
typedef struct toy {
  int32_t n;              /* whole graph */
  double *k, *tau, *rain; /* [n] per whole-graph cell; rain changes daily (mm/s) */
  const int32_t *global;  /* local node -> whole-graph node, NULL: the whole graph */
  int32_t nan_node;       /* whole-graph node that turns NaN after nan_after_s, or -1 */
  double nan_after_s;
  int32_t error_node; /* whole-graph node whose function fails, or -1 */
} toy;

static const int toy_target[1] = {1};
static const char *const toy_names[2] = {"soil_mm", "channel_mm"};
static const double toy_atol[2] = {1e-3, 1e-4}, toy_flux_atol[2] = {1e-3, 1e-3};
enum { TOY_NS = 2 };

static wc_status toy_rhs(void *context, double t, int32_t node, const double *y, const double *inflow, double *ydot,
                         double *outflow, double *flux) {
  const toy *m = context;
  int32_t g = m->global ? m->global[node] : node;
  double s = y[0] > 0 ? y[0] : 0, v = y[1] > 0 ? y[1] : 0, e = 2e-6;
  double drain = s / m->tau[g], q = m->k[g] * v * sqrt(v);
  ydot[0] = m->rain[g] - drain - e * s;
  ydot[1] = drain + inflow[0] - q;
  outflow[0] = q;
  if (flux) {
    flux[0] = m->rain[g];
    flux[1] = e * s;
  }
  if (g == m->nan_node && t > m->nan_after_s) ydot[0] = NAN;
  if (g == m->error_node) WC_FAIL(WC_ERR_INPUT, "toy cell %d has no rating curve", (int)g);
  return WC_OK;
}

static void toy_rain(toy *m, int day) {
  for (int32_t g = 0; g < m->n; g++) {
    uint64_t h = (uint64_t)g * 2654435761u + (uint64_t)day * 40503u;
    m->rain[g] = (h % 5 < 2) ? (double)(h % 23) / 86400.0 : 0.0; /* 0..22 mm/day, 40% wet */
  }
}

static wc_graph_ode toy_ode(toy *m, int32_t n, const int32_t *down, const int32_t *ustart, const int32_t *uindex) {
  return (wc_graph_ode){.n_cells = n, .downstream = down, .upstream_start = ustart, .upstream_index = uindex,
                        .n_states = TOY_NS, .n_transport = 1, .n_fluxes = 2, .transport_target = toy_target,
                        .state_names = toy_names, .abs_tolerance = toy_atol, .flux_abs_tolerance = toy_flux_atol,
                        .cell_rhs = toy_rhs, .context = m};
}

enum { TOY_CELLS = 900, TOY_DAYS = 6 };

static toy toy_make(int32_t n) {
  toy m = {n, malloc((size_t)n * sizeof(double)), malloc((size_t)n * sizeof(double)), malloc((size_t)n * sizeof(double)),
           NULL, -1, 0.0, -1};
  for (int32_t g = 0; g < n; g++) {
    m.k[g] = 1e-4 * (1.0 + (double)(g % 7));
    m.tau[g] = 86400.0 * (0.5 + (double)(g % 5));
  }
  return m;
}

static void toy_free(toy *m) {
  free(m->k);
  free(m->tau);
  free(m->rain);
}

static void toy_initial(const int32_t *global, int32_t n, double *y) {
  for (int32_t i = 0; i < n; i++) {
    int32_t g = global ? global[i] : i;
    y[(size_t)i * TOY_NS] = 20.0 + (double)(g % 11);
    y[(size_t)i * TOY_NS + 1] = 0.5 + 0.1 * (double)(g % 3);
  }
}

/* The whole graph on one process: states after each day, [TOY_DAYS][n][2]. */
static double *toy_serial(const wc_test_csr *graph, wc_linear_solver kind) {
  toy m = toy_make(graph->n);
  wc_graph_ode ode = toy_ode(&m, graph->n, graph->down, graph->ustart, graph->uindex);
  wc_integrator_options options;
  wc_integrator_options_default(&options);
  options.linear_solver = kind;
  wc_integrator *integ = NULL;
  double *out = calloc((size_t)TOY_DAYS * (size_t)graph->n * TOY_NS, sizeof *out);
  double *y0 = calloc((size_t)graph->n * TOY_NS, sizeof *y0);
  toy_initial(NULL, graph->n, y0);
  CU_ASSERT_EQUAL_FATAL(wc_integrator_create(&ode, &options, MPI_COMM_NULL, &integ), WC_OK);
  CU_ASSERT_EQUAL_FATAL(wc_integrator_set_state(integ, 0.0, y0), WC_OK);
  for (int day = 0; day < TOY_DAYS; day++) {
    toy_rain(&m, day);
    CU_ASSERT_EQUAL_FATAL(wc_integrator_advance(integ, 86400.0 * (day + 1)), WC_OK);
    memcpy(out + (size_t)day * (size_t)graph->n * TOY_NS, wc_integrator_state(integ),
           (size_t)graph->n * TOY_NS * sizeof *out);
  }
  wc_integrator_destroy(&integ);
  toy_free(&m);
  free(y0);
  return out;
}

typedef struct toy_rank {
  wc_partition *partition;
  wc_halo_plan *plan;
  toy m;
  wc_graph_ode ode;
  wc_integrator *integ;
} toy_rank;

static wc_status toy_rank_make(const wc_test_csr *graph, wc_partition_method method, wc_linear_solver kind,
                               toy_rank *r) {
  memset(r, 0, sizeof *r);
  wc_partition_options po = wc_partition_options_default();
  po.method = method;
  po.imbalance = 0.1;
  WC_CALL(wc_partition_create(graph->n, graph->down, size_of(), &po, &r->partition));
  WC_CALL(wc_halo_plan_create(r->partition, graph->n, graph->down, rank_of(), &r->plan));
  r->m = toy_make(graph->n);
  r->m.global = wc_halo_plan_global_index(r->plan);
  r->ode = toy_ode(&r->m, wc_halo_plan_local_count(r->plan), wc_halo_plan_downstream(r->plan),
                   wc_halo_plan_upstream_start(r->plan), wc_halo_plan_upstream_index(r->plan));
  wc_integrator_options options;
  wc_integrator_options_default(&options);
  options.linear_solver = kind;
  options.halo_plan = r->plan;
  WC_CALL(wc_integrator_create(&r->ode, &options, MPI_COMM_WORLD, &r->integ));
  double *y0 = calloc((size_t)r->ode.n_cells * TOY_NS + 1, sizeof *y0);
  toy_initial(r->m.global, r->ode.n_cells, y0);
  wc_status status = wc_integrator_set_state(r->integ, 0.0, y0);
  free(y0);
  return status;
}

static void toy_rank_free(toy_rank *r) {
  wc_integrator_destroy(&r->integ);
  if (r->m.k) toy_free(&r->m);
  wc_halo_plan_destroy(&r->plan);
  wc_partition_destroy(&r->partition);
}

/* Storage + outlet totals + losses - rain - initial storage, over all ranks, relative. */
static double toy_closure(toy_rank *r, double initial) {
  const double *y = wc_integrator_state(r->integ), *q = wc_integrator_flux_totals(r->integ);
  const double *out = wc_integrator_outlet_totals(r->integ);
  double sums[3] = {0, 0, 0}; /* storage + outlets + losses, rain, throughput */
  for (int32_t i = 0; i < r->ode.n_cells; i++) {
    sums[0] += y[2 * i] + y[2 * i + 1] + q[2 * i + 1];
    sums[1] += q[2 * i];
  }
  for (int32_t o = 0; o < wc_integrator_outlet_count(r->integ); o++) sums[0] += out[o];
  MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  return (sums[0] - sums[1] - initial) / (initial + sums[1]);
}

static wc_test_csr toy_graph_random(void) {
  int32_t *down = wc_test_random_tree(TOY_CELLS, 2, 5);
  wc_test_csr g = wc_test_csr_make(TOY_CELLS, down);
  free(down);
  return g;
}

static void across_ranks(wc_linear_solver kind, double tol, double closure_tol) {
  wc_test_csr graph = toy_graph_random();
  double *serial = toy_serial(&graph, WC_LINSOL_SWEEP);
  toy_rank r;
  wc_status status = toy_rank_make(&graph, WC_PARTITION_CONTIGUOUS, kind, &r);
  if (status != WC_OK) fprintf(stderr, "\n  [rank %d] %s\n", rank_of(), wc_error_message());
  CU_ASSERT_EQUAL_FATAL(status, WC_OK);
  double initial = 0;
  for (int32_t g = 0; g < graph.n; g++) initial += 20.0 + (double)(g % 11) + 0.5 + 0.1 * (double)(g % 3);
  double worst = 0, closure = 0;
  for (int day = 0; day < TOY_DAYS; day++) {
    toy_rain(&r.m, day);
    CU_ASSERT_EQUAL_FATAL(wc_integrator_advance(r.integ, 86400.0 * (day + 1)), WC_OK);
    const double *y = wc_integrator_state(r.integ);
    const double *want = serial + (size_t)day * (size_t)graph.n * TOY_NS;
    for (int32_t i = 0; i < r.ode.n_cells; i++)
      for (int s = 0; s < TOY_NS; s++) {
        double a = y[(size_t)i * TOY_NS + s], b = want[(size_t)r.m.global[i] * TOY_NS + s];
        worst = fmax(worst, fabs(a - b) / fmax(fabs(b), 1e-3));
      }
    closure = fmax(closure, fabs(toy_closure(&r, initial)));
  }
  MPI_Allreduce(MPI_IN_PLACE, &worst, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  wc_integrator_stats stats;
  wc_integrator_get_stats(r.integ, &stats);
  if (rank_of() == 0)
    printf("\n  %s on %d rank(s), flow depth %d: largest difference from one process %.2e, closure %.1e, "
           "%.2f linear iterations per Newton iteration, %ld steps",
           wc_linear_solver_name(kind), size_of(), (int)wc_partition_get_report(r.partition).flow_depth, worst, closure,
           (double)stats.linear_iters / (double)(stats.newton_iters > 0 ? stats.newton_iters : 1), stats.steps);
  CU_ASSERT_TRUE(worst <= tol);
  CU_ASSERT_TRUE(closure <= closure_tol);
  toy_rank_free(&r);
  free(serial);
  wc_test_csr_free(&graph);
}

/* The pipelined sweep is the one-process solver: bit for bit. */
static void test_sweep_across_ranks(void) { across_ranks(WC_LINSOL_SWEEP, 0.0, 1e-12); }
/* Block Jacobi + GMRES solves each Newton system to GMRES's tolerance only, so its steps
 * differ and it ends within the integration error of the one-process sweep run (rtol 1e-4
 * per step: ~1e-2 after six days of rain jumps on the smallest stores); its books close to
 * the linear tolerance (docs/solver.md). */
static void test_gmres_sweep_across_ranks(void) { across_ranks(WC_LINSOL_GMRES_SWEEP, 5e-2, 1e-4); }

static void test_failure_names_global_node(void) {
  const wc_linear_solver kinds[2] = {WC_LINSOL_SWEEP, WC_LINSOL_GMRES_SWEEP};
  for (int k = 0; k < 2; k++) {
    wc_test_csr graph = toy_graph_random();
    toy_rank r;
    CU_ASSERT_EQUAL_FATAL(toy_rank_make(&graph, WC_PARTITION_CONTIGUOUS, kinds[k], &r), WC_OK);
    r.m.nan_node = 777;
    r.m.nan_after_s = 5000.0;
    toy_rain(&r.m, 0);
    wc_error_clear();
    CU_ASSERT_EQUAL(wc_integrator_advance(r.integ, 86400.0), WC_ERR_NUMERICS);
    const wc_integrator_failure *f = wc_integrator_last_failure(r.integ);
    CU_ASSERT_EQUAL(f->global_node, 777);
    CU_ASSERT_EQUAL(f->rank, wc_partition_owner(r.partition)[777]);
    CU_ASSERT_EQUAL(f->node, wc_partition_local_index(r.partition)[777]);
    CU_ASSERT_TRUE(f->nonfinite);
    CU_ASSERT_TRUE(f->t_s <= 5000.0);
    CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "node 777 (local node"));
    if (rank_of() == 0 && k == 0) printf("\n  message: %s", wc_error_message());
    wc_integrator_stats stats;
    wc_integrator_get_stats(r.integ, &stats);
    CU_ASSERT_TRUE(stats.steps < 3000); /* failed fast */
    toy_rank_free(&r);

    /* A cell function error on one rank reaches every rank with its message. */
    CU_ASSERT_EQUAL_FATAL(toy_rank_make(&graph, WC_PARTITION_CONTIGUOUS, kinds[k], &r), WC_OK);
    r.m.error_node = 333;
    toy_rain(&r.m, 0);
    wc_error_clear();
    CU_ASSERT_EQUAL(wc_integrator_advance(r.integ, 3600.0), WC_ERR_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "toy cell 333 has no rating curve"));
    toy_rank_free(&r);
    wc_test_csr_free(&graph);
  }
}

/* A rank graph with a cycle: the pipelined sweep refuses it on every rank, with a message;
 * GMRES with block Jacobi runs on it. */
static void test_cyclic_rank_graph(void) {
  if (!wc_partition_method_available(WC_PARTITION_METIS) || size_of() < 2) return;
  wc_test_csr graph = toy_graph_random();
  toy_rank r;
  wc_partition *p = NULL;
  wc_partition_options po = wc_partition_options_default();
  po.method = WC_PARTITION_METIS;
  po.imbalance = 0.1;
  CU_ASSERT_EQUAL_FATAL(wc_partition_create(graph.n, graph.down, size_of(), &po, &p), WC_OK);
  int cyclic = wc_partition_get_report(p).rank_graph_depth < 0;
  wc_partition_destroy(&p);
  wc_error_clear();
  wc_status status = toy_rank_make(&graph, WC_PARTITION_METIS, WC_LINSOL_SWEEP, &r);
  if (cyclic) {
    CU_ASSERT_EQUAL(status, WC_ERR_UNSUPPORTED);
    CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "gmres_sweep"));
    if (rank_of() == 0) printf("\n  METIS on %d ranks: %s", size_of(), wc_error_message());
  } else {
    CU_ASSERT_EQUAL(status, WC_OK);
  }
  toy_rank_free(&r);
  CU_ASSERT_EQUAL_FATAL(toy_rank_make(&graph, WC_PARTITION_METIS, WC_LINSOL_GMRES_SWEEP, &r), WC_OK);
  toy_rain(&r.m, 0);
  CU_ASSERT_EQUAL(wc_integrator_advance(r.integ, 86400.0), WC_OK);
  toy_rank_free(&r);
  wc_test_csr_free(&graph);
}

static CU_TestInfo model_tests[] = {
    WC_TEST(test_outflow_contract),
    WC_TEST(test_local_model),
    WC_TEST(test_local_forcing),
    CU_TEST_INFO_NULL,
};

static CU_TestInfo integrator_tests[] = {
    WC_TEST(test_sweep_across_ranks),
    WC_TEST(test_gmres_sweep_across_ranks),
    WC_TEST(test_failure_names_global_node),
    WC_TEST(test_cyclic_rank_graph),
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"model", model_init, model_clean, NULL, NULL, model_tests},
    {"integrator", NULL, NULL, NULL, NULL, integrator_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv) { return wc_test_run(argc, argv, suites, 1); }
