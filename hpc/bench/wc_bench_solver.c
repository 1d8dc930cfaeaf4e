/*
 * wc_bench_solver.c — how fast the integrator runs a year on a synthetic basin, per linear
 * solver and per N_Vector. A program that prints figures, not a test.
 *
 * The basin: a random DEM (a tilted plane plus smooth and rough noise) on a square grid,
 * filled and routed by wcsim's own terrain code (priority-flood, D8, topological order),
 * one designated outlet. The cell model is a 4-state toy close to the real one:
 *   S soil water (mm):  rain in; saturation-excess runoff P (S/Smax)^2 and ET out,
 *                       percolation kp S to G
 *   G groundwater (mm): baseflow kg G to the channel
 *   V channel (mm):     inflow + runoff + baseflow; Manning-like outflow kv V^(5/3)
 *                       (residence ~1 h at 1 mm, minutes in big rivers)
 *   M channel N (kg/ha): runoff and baseflow carry N in at fixed concentrations; first-
 *                       order loss; leaves with the water at concentration M / V
 * Rain jumps daily (35% wet days, exponential amounts, mean 8 mm, a fixed spatial pattern).
 * One forcing interval per day with a stop time at each boundary; rtol 1e-4.
 *
 * Usage: wc_bench_solver [--cells N[,N...]] [--days D] [--solver sweep,gmres_sweep,gmres]
 *        [--vector own,sundials] [--repeat R] [--rtol r] [--jac-age n] [--setup-age n]
 *        [--order q] [--seed s] [--intervals-per-day k] [--restart] [--nonneg]
 *        [--no-budgets] [--stats]
 * --intervals-per-day k calls advance k times a day (stop times
 * without a forcing change, to measure what restarts cost where nothing jumps).
 * Prints one table row per (cells, vector, solver): cell-days per second on this core,
 * CVODE steps, f passes (Newton and J*v passes over all cells), linear
 * iterations per Newton iteration, ns per unknown per step, the share of the time spent in
 * the cell function (its calls times its cost measured alone), the integrator's memory per
 * cell (heap growth from creation to the end of the run; the process's VmHWM is printed at
 * the end), and the water and N budget closure relative to throughput.
 */
#include <malloc.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpi.h>

#include "wc_integrator.h"
#include "wc_terrain.h"

/* ---- the toy cell model ----------------------------------------------------------------- */

enum { S = 0, G = 1, V = 2, M = 3, NS = 4 };
enum { T_WATER = 0, T_N = 1, NT = 2 };
enum { F_RAIN = 0, F_ET = 1, F_N_IN = 2, F_N_LOSS = 3, NF = 4 };

static const double day_s = 86400.0;
static const double s_max_mm = 150.0;
static const double kp_per_s = 1.0 / (20.0 * 86400.0);
static const double kg_per_s = 1.0 / (60.0 * 86400.0);
static const double kv = 1.0 / 3600.0;  /* mm^(-2/3) / s: residence 1 h at V = 1 mm */
static const double kd_per_s = 1.0 / (5.0 * 86400.0);
static const double c_soil = 0.02;      /* kg/ha per mm of runoff (2 mg/L) */
static const double c_gw = 0.01;

typedef struct toy_model {
  const float *rain_factor; /* [n] spatial pattern */
  double rain_mm_s;         /* this day's basin rain */
  double pet_mm_s;          /* this day's potential ET */
} toy_model;

static wc_status toy_rhs(void *context, double t, int32_t node, const double *y, const double *inflow,
                         double *ydot, double *outflow, double *flux) {
  (void)t;
  const toy_model *m = context;
  double s = y[S] > 0.0 ? y[S] : 0.0, g = y[G] > 0.0 ? y[G] : 0.0;
  double v = y[V] > 0.0 ? y[V] : 0.0, n = y[M] > 0.0 ? y[M] : 0.0;
  double p = m->rain_mm_s * m->rain_factor[node];
  double sat = s / s_max_mm;
  double runoff = p * sat * sat;
  double perc = kp_per_s * s;
  double et = m->pet_mm_s * s / (s + 30.0);
  double base = kg_per_s * g;
  double q = kv * v * cbrt(v * v); /* V^(5/3) without pow */
  double n_in = runoff * c_soil + base * c_gw;
  double n_out = q * n / (v + 1e-3);
  double n_loss = kd_per_s * n;
  ydot[S] = p - runoff - perc - et;
  ydot[G] = perc - base;
  ydot[V] = inflow[T_WATER] + runoff + base - q;
  ydot[M] = inflow[T_N] + n_in - n_loss - n_out;
  outflow[T_WATER] = q;
  outflow[T_N] = n_out;
  if (flux) {
    flux[F_RAIN] = p;
    flux[F_ET] = et;
    flux[F_N_IN] = n_in;
    flux[F_N_LOSS] = n_loss;
  }
  return WC_OK;
}

static const int toy_target[NT] = {V, M};
static const char *const toy_names[NS] = {"soil_mm", "groundwater_mm", "channel_mm", "channel_n_kg_ha"};
static const double toy_atol[NS] = {1e-3, 1e-3, 1e-4, 1e-6};

/* ---- the synthetic basin ---------------------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double rng_uniform(void) { /* xorshift64*: reproducible across libcs */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (double)((rng_state * 2685821657736338717ull) >> 11) * (1.0 / 9007199254740992.0);
}

typedef struct basin {
  wc_drainage_graph *graph;
  float *rain_factor;
} basin;

static int basin_make(int64_t cells, basin *b) {
  int32_t rows = (int32_t)floor(sqrt((double)cells));
  int32_t cols = (int32_t)((cells + rows - 1) / rows);
  wc_grid grid = {rows, cols, 0.0, 1e6, 1000.0};
  int32_t n = rows * cols;
  double *dem = malloc((size_t)n * sizeof *dem);
  int8_t *dir = malloc((size_t)n * sizeof *dir);
  b->rain_factor = malloc((size_t)n * sizeof *b->rain_factor);
  if (!dem || !dir || !b->rain_factor) return -1;
  double phase[6];
  for (int k = 0; k < 6; k++) phase[k] = 6.283 * rng_uniform();
  for (int32_t r = 0; r < rows; r++)
    for (int32_t c = 0; c < cols; c++) {
      double x = (double)c / cols, yy = (double)r / rows;
      double smooth = 40.0 * sin(6.283 * (1.3 * x + phase[0])) * sin(6.283 * (0.9 * yy + phase[1])) +
                      15.0 * sin(6.283 * (4.1 * x + phase[2])) * sin(6.283 * (3.7 * yy + phase[3]));
      dem[r * cols + c] = 500.0 * (1.0 - yy) + 100.0 * fabs(x - 0.5) + smooth + 8.0 * rng_uniform();
      b->rain_factor[r * cols + c] =
          (float)(1.0 + 0.3 * sin(6.283 * (2.0 * x + phase[4])) * cos(6.283 * (1.5 * yy + phase[5])));
    }
  int32_t outlet = (rows - 1) * cols + cols / 2;
  wc_outlets outlets = {WC_OUTLETS_DESIGNATED, &outlet, 1};
  wc_status status = wc_dem_fill(&grid, dem, NULL, &outlets, dem);
  if (status == WC_OK) status = wc_flowdir_d8(&grid, dem, NULL, &outlets, dir);
  if (status == WC_OK) status = wc_drainage_graph_create(&grid, dir, &b->graph);
  free(dem);
  free(dir);
  if (status != WC_OK) {
    fprintf(stderr, "basin: %s\n", wc_error_message());
    return -1;
  }
  /* Rain factors follow the graph's node order. */
  float *by_node = malloc((size_t)n * sizeof *by_node);
  if (!by_node) return -1;
  for (int32_t i = 0; i < b->graph->n; i++) by_node[i] = b->rain_factor[b->graph->cell[i]];
  free(b->rain_factor);
  b->rain_factor = by_node;
  return 0;
}

static void basin_free(basin *b) {
  wc_drainage_graph_destroy(&b->graph);
  free(b->rain_factor);
}

/* ---- measurement helpers ---------------------------------------------------------------- */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A line of /proc/self/status in kB ("VmHWM", "VmRSS"), or -1. */
static long status_kb(const char *key) {
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long value = -1;
  size_t len = strlen(key);
  while (fgets(line, sizeof line, f))
    if (strncmp(line, key, len) == 0 && line[len] == ':') {
      value = strtol(line + len + 1, NULL, 10);
      break;
    }
  fclose(f);
  return value;
}

/* Heap bytes in use (glibc: small chunks plus mmapped ones). VmHWM cannot separate the
 * runs of one process (freed memory stays mapped), so each run's memory is the growth of
 * this between before its creation and the end of its run. */
static double heap_bytes(void) {
  struct mallinfo2 mi = mallinfo2();
  return (double)mi.uordblks + (double)mi.hblkhd;
}

/* ---- one run ---------------------------------------------------------------------------- */

typedef struct run_config {
  wc_linear_solver solver;
  bool sundials_vector;
  int days;
  double rtol;
  long jac_age, setup_age;
  int order;
  int intervals_per_day; /* advance calls per day (the forcing still changes daily) */
  bool restart, nonneg, budgets, print_stats;
} run_config;

typedef struct run_result {
  double seconds;
  wc_integrator_stats stats;
  double peak_bytes_per_cell; /* heap held by the integrator at the end of the run, per cell */
  double water_closure, n_closure; /* relative to the water / N that went through */
  double cell_fn_ns;                /* one call of the cell function, measured alone */
  bool ok;
} run_result;

/* Daily rain (mm/s) and PET, the same sequence for every run. */
static void weather(int days, uint64_t seed, double *rain, double *pet) {
  uint64_t saved = rng_state;
  rng_state = 0x2545F4914F6CDD1Dull * (2 * seed + 1);
  for (int d = 0; d < days; d++) {
    double wet = rng_uniform() < 0.35;
    double amount = wet ? -8.0 * log(1.0 - rng_uniform()) : 0.0;
    rain[d] = amount / day_s;
    pet[d] = (1.5 + 2.5 * sin(6.283 * (d - 80) / 365.0) + 1.0) / day_s;
    if (pet[d] < 0.2 / day_s) pet[d] = 0.2 / day_s;
  }
  rng_state = saved;
}

static run_result run_once(const basin *b, const run_config *cfg, const double *rain, const double *pet) {
  run_result res = {0};
  const wc_drainage_graph *g = b->graph;
  int32_t n = g->n;
  toy_model model = {b->rain_factor, 0.0, 0.0};
  wc_graph_ode ode = {.n_cells = n,
                      .downstream = g->downstream,
                      .upstream_start = g->upstream_start,
                      .upstream_index = g->upstream_index,
                      .n_states = NS,
                      .n_transport = NT,
                      .n_fluxes = cfg->budgets ? NF : 0,
                      .transport_target = toy_target,
                      .state_names = toy_names,
                      .abs_tolerance = toy_atol,
                      .cell_rhs = toy_rhs,
                      .context = &model};
  wc_integrator_options options;
  wc_integrator_options_default(&options);
  options.linear_solver = cfg->solver;
  options.sundials_vector = cfg->sundials_vector;
  options.relative_tolerance = cfg->rtol;
  options.jacobian_max_age_steps = cfg->jac_age;
  options.setup_max_age_steps = cfg->setup_age;
  options.max_order = cfg->order;
  options.restart_each_interval = cfg->restart;
  options.nonnegative = cfg->nonneg;
  options.max_steps_per_interval = 100000;

  double *y0 = malloc((size_t)n * NS * sizeof *y0);
  if (!y0) return res;
  double water0 = 0.0, n0 = 0.0;
  for (int32_t i = 0; i < n; i++) {
    y0[i * NS + S] = 60.0;
    y0[i * NS + G] = 150.0;
    y0[i * NS + V] = 0.5;
    y0[i * NS + M] = 0.005;
    water0 += 60.0 + 150.0 + 0.5;
    n0 += 0.005;
  }

  double heap_before = heap_bytes();
  wc_integrator *integ = NULL;
  wc_status status = wc_integrator_create(&ode, &options, MPI_COMM_WORLD, &integ);
  if (status == WC_OK) status = wc_integrator_set_state(integ, 0.0, y0);
  double start = now_s();
  for (int d = 0; d < cfg->days && status == WC_OK; d++) {
    model.rain_mm_s = rain[d];
    model.pet_mm_s = pet[d];
    for (int k = 1; k <= cfg->intervals_per_day && status == WC_OK; k++)
      status = wc_integrator_advance(integ, day_s * d + day_s * k / cfg->intervals_per_day);
  }
  res.seconds = now_s() - start;
  if (status != WC_OK) {
    fprintf(stderr, "run failed: %s\n", wc_error_message());
  } else {
    res.ok = true;
    wc_integrator_get_stats(integ, &res.stats);
    res.peak_bytes_per_cell = (heap_bytes() - heap_before) / n;
    if (cfg->budgets) {
      const double *y = wc_integrator_state(integ), *f = wc_integrator_flux_totals(integ);
      const double *out = wc_integrator_outlet_totals(integ);
      double water = 0.0, nitrogen = 0.0, rain_in = 0.0, et = 0.0, n_in = 0.0, n_loss = 0.0;
      double water_out = 0.0, n_out = 0.0;
      for (int32_t i = 0; i < n; i++) {
        water += y[i * NS + S] + y[i * NS + G] + y[i * NS + V];
        nitrogen += y[i * NS + M];
      }
      for (int32_t r = 0; r < n; r++) {
        rain_in += f[r * NF + F_RAIN];
        et += f[r * NF + F_ET];
        n_in += f[r * NF + F_N_IN];
        n_loss += f[r * NF + F_N_LOSS];
      }
      for (int32_t j = 0; j < wc_integrator_outlet_count(integ); j++) {
        water_out += out[j * NT + T_WATER];
        n_out += out[j * NT + T_N];
      }
      res.water_closure = (water + water_out + et - rain_in - water0) / (water0 + rain_in);
      res.n_closure = (nitrogen + n_out + n_loss - n_in - n0) / (n0 + n_in);
    }
    if (cfg->print_stats) wc_integrator_stats_print(&res.stats, stdout);
    /* The physics' share: the cell function alone over the final state, a few passes. */
    const double *y = wc_integrator_state(integ);
    double in[NT] = {0.0, 0.0}, ydot[NS], out[NT], flux[NF], sink = 0.0;
    enum { PASSES = 5 };
    double t0 = now_s();
    for (int p = 0; p < PASSES; p++)
      for (int32_t i = 0; i < n; i++) {
        (void)toy_rhs(&model, 0.0, i, y + (size_t)i * NS, in, ydot, out, p % 2 ? flux : NULL);
        sink += ydot[V];
      }
    res.cell_fn_ns = 1e9 * (now_s() - t0) / ((double)PASSES * n) + 0.0 * sink;
  }
  wc_integrator_destroy(&integ);
  free(y0);
  return res;
}

/* ---- main ------------------------------------------------------------------------------- */

static int parse_list(const char *text, const char *const *names, int n_names, int *selected) {
  char buffer[256];
  snprintf(buffer, sizeof buffer, "%s", text);
  for (int k = 0; k < n_names; k++) selected[k] = 0;
  for (char *tok = strtok(buffer, ","); tok; tok = strtok(NULL, ",")) {
    int found = 0;
    for (int k = 0; k < n_names; k++)
      if (strcmp(tok, names[k]) == 0) selected[k] = found = 1;
    if (!found) {
      fprintf(stderr, "unknown choice '%s'\n", tok);
      return -1;
    }
  }
  return 0;
}

static void usage(void) {
  fprintf(stderr,
          "usage: wc_bench_solver [--cells N[,N...]] [--days D] [--solver sweep,gmres_sweep,gmres]\n"
          "       [--vector own,sundials] [--repeat R] [--rtol r] [--jac-age n] [--setup-age n]\n"
          "       [--order q] [--seed s] [--intervals-per-day k]\n"
          "       [--restart] [--nonneg] [--no-budgets] [--stats]\n");
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size != 1) {
    fprintf(stderr, "wc_bench_solver runs on one process\n");
    MPI_Finalize();
    return 2;
  }
  static const char *const solver_names[3] = {"sweep", "gmres_sweep", "gmres"};
  static const char *const vector_names[2] = {"own", "sundials"};
  int use_solver[3] = {1, 1, 1}, use_vector[2] = {1, 1};
  char cells_text[256] = "1000,10000,100000";
  int repeat = 1;
  unsigned long long seed = 1;
  run_config cfg = {.days = 365, .rtol = 1e-4, .order = 5, .budgets = true, .intervals_per_day = 1};
  for (int a = 1; a < argc; a++) {
    const char *arg = argv[a], *next = a + 1 < argc ? argv[a + 1] : NULL;
    int bad = 0;
    if (strcmp(arg, "--cells") == 0 && next) snprintf(cells_text, sizeof cells_text, "%s", argv[++a]);
    else if (strcmp(arg, "--days") == 0 && next) cfg.days = atoi(argv[++a]);
    else if (strcmp(arg, "--solver") == 0 && next) bad = parse_list(argv[++a], solver_names, 3, use_solver);
    else if (strcmp(arg, "--vector") == 0 && next) bad = parse_list(argv[++a], vector_names, 2, use_vector);
    else if (strcmp(arg, "--repeat") == 0 && next) repeat = atoi(argv[++a]);
    else if (strcmp(arg, "--rtol") == 0 && next) cfg.rtol = atof(argv[++a]);
    else if (strcmp(arg, "--jac-age") == 0 && next) cfg.jac_age = atol(argv[++a]);
    else if (strcmp(arg, "--setup-age") == 0 && next) cfg.setup_age = atol(argv[++a]);
    else if (strcmp(arg, "--order") == 0 && next) cfg.order = atoi(argv[++a]);
    else if (strcmp(arg, "--seed") == 0 && next) seed = strtoull(argv[++a], NULL, 10);
    else if (strcmp(arg, "--intervals-per-day") == 0 && next) cfg.intervals_per_day = atoi(argv[++a]);
    else if (strcmp(arg, "--restart") == 0) cfg.restart = true;
    else if (strcmp(arg, "--nonneg") == 0) cfg.nonneg = true;
    else if (strcmp(arg, "--no-budgets") == 0) cfg.budgets = false;
    else if (strcmp(arg, "--stats") == 0) cfg.print_stats = true;
    else bad = 1;
    if (bad) {
      usage();
      MPI_Finalize();
      return 2;
    }
  }
  if (cfg.days < 1 || repeat < 1 || cfg.intervals_per_day < 1) {
    usage();
    MPI_Finalize();
    return 2;
  }
  double *rain = malloc((size_t)cfg.days * sizeof *rain), *pet = malloc((size_t)cfg.days * sizeof *pet);
  weather(cfg.days, seed, rain, pet);
  rng_state ^= 0x9E3779B97F4A7C15ull * seed; /* the DEM too */

  printf("# wc_bench_solver: %d days (%d interval(s) a day), rtol %g, BDF order <= %d, jac-age %ld, setup-age %ld, "
         "budgets %s%s%s\n",
         cfg.days, cfg.intervals_per_day, cfg.rtol, cfg.order, cfg.jac_age, cfg.setup_age,
         !cfg.budgets ? "off" : "per cell", cfg.restart ? ", restart each day" : "",
         cfg.nonneg ? ", y >= 0 constraints" : "");
  printf("%9s %-8s %-11s %9s %11s %7s %8s %8s %9s %6s %7s %5s %10s %10s\n", "cells", "vector", "solver", "seconds",
         "cell-day/s", "steps", "f_passes", "lin/newt", "ns/unk/st", "cell%", "B/cell", "retry", "water_clos",
         "N_clos");
  int status = 0;
  char cells_buffer[256];
  snprintf(cells_buffer, sizeof cells_buffer, "%s", cells_text);
  char *save = NULL;
  for (char *tok = strtok_r(cells_buffer, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    int64_t cells = atoll(tok);
    if (cells < 4) continue;
    basin b = {0};
    if (basin_make(cells, &b) != 0) {
      status = 1;
      break;
    }
    for (int v = 0; v < 2; v++)
      for (int s = 0; s < 3; s++) {
        if (!use_vector[v] || !use_solver[s]) continue;
        cfg.sundials_vector = v == 1;
        cfg.solver = (wc_linear_solver)s;
        run_result best = {0};
        for (int r = 0; r < repeat; r++) {
          run_result res = run_once(&b, &cfg, rain, pet);
          if (!res.ok) {
            status = 1;
            best = res;
            break;
          }
          if (r == 0 || res.seconds < best.seconds) best = res;
        }
        if (!best.ok) continue;
        const wc_integrator_stats *st = &best.stats;
        double n = (double)b.graph->n;
        long f_passes = st->rhs_evals + st->rhs_evals_jtimes;
        double cell_share = 100.0 * (double)st->cell_calls * best.cell_fn_ns * 1e-9 / best.seconds;
        printf("%9.0f %-8s %-11s %9.3f %11.4g %7ld %8ld %8.3f %9.2f %6.1f %7.0f %5ld %10.2e %10.2e\n", n,
               vector_names[v], solver_names[s], best.seconds, n * cfg.days / best.seconds, st->steps, f_passes,
               st->newton_iters > 0 ? (double)st->linear_iters / (double)st->newton_iters : 0.0,
               1e9 * best.seconds / (n * NS * (double)st->steps), cell_share, best.peak_bytes_per_cell,
               st->retries, best.water_closure, best.n_closure);
        fflush(stdout);
      }
    basin_free(&b);
  }
  printf("# process peak RSS (VmHWM) %.1f MB; B/cell is the integrator's heap per cell\n",
         (double)status_kb("VmHWM") / 1024.0);
  free(rain);
  free(pet);
  MPI_Finalize();
  return status;
}
