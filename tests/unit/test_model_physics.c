/*
 * test_model_physics.c — the model integrated by the solver, against truth:
 *  - linear-reservoir recession of groundwater: G(t) = G0 exp(-t/tau)
 *  - kinematic wave on a sealed tilted plane under uniform rain: rising limb
 *    q = alpha (i t)^(5/3), equilibrium q = i L, time to equilibrium
 *    t_e = (L / (alpha i^(2/3)))^(3/5); within 5% on a fine grid, converging with refinement
 *  - steady advection with first-order decay along a channel: C = C0 exp(-k tau)
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wc_basin.h"
#include "wc_basin_terrain.h"
#include "wc_cellwise.h"
#include "wc_integrator.h"
#include "wc_model.h"
#include "wc_test.h"

/* A one-row grid of `cols` cells falling east at `slope`, draining through its last cell;
 * every cell a channel when `channel`, else hillslope. */
static wc_basin *make_strip(int32_t cols, double cell_size_m, double slope, int channel) {
  wc_grid grid = {.rows = 1, .cols = cols, .x_left_m = 500000.0, .y_top_m = 4500000.0, .cell_size_m = cell_size_m};
  wc_basin *basin = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_basin_create(&grid, &basin), WC_OK);
  for (int32_t c = 0; c < cols; ++c) basin->dem_m[c] = 100.0 + slope * cell_size_m * (cols - 1 - c);
  wc_basin_terrain_options options = wc_basin_terrain_defaults();
  int32_t outlet = cols - 1;
  options.outlets = (wc_outlets){.mode = WC_OUTLETS_DESIGNATED, .cells = &outlet, .count = 1};
  options.channel_threshold_km2 = channel ? 1e-9 : 1e9;
  CU_ASSERT_EQUAL_FATAL(wc_basin_derive_terrain(basin, &options), WC_OK);
  CU_ASSERT_EQUAL_FATAL(wc_basin_set_default_land_use(basin), WC_OK);
  wc_basin_set_default_soil(basin);
  CU_ASSERT_EQUAL_FATAL(wc_basin_set_crs(basin, 32650, NULL), WC_OK);
  return basin;
}

static wc_integrator *make_integrator(const wc_model *model, double rtol) {
  wc_integrator_options options;
  wc_integrator_options_default(&options);
  options.relative_tolerance = rtol;
  wc_integrator *integrator = NULL;
  wc_status status = wc_integrator_create(wc_model_ode(model), &options, MPI_COMM_NULL, &integrator);
  if (status != WC_OK) fprintf(stderr, "%s\n", wc_error_message());
  CU_ASSERT_EQUAL_FATAL(status, WC_OK);
  return integrator;
}

/* Uniform weather on every cell: `rain_mm` over `step_s`, temperature t_c (min = max, so
 * Hargreaves PET is zero). */
static void set_weather(wc_model *model, wc_time_s start, double step_s, double rain_mm, double t_c) {
  int32_t n = wc_model_ode(model)->n_cells;
  double *w = malloc(sizeof(double) * 4 * (size_t)n);
  for (int32_t i = 0; i < n; ++i) w[i] = rain_mm, w[n + i] = t_c, w[2 * n + i] = t_c, w[3 * n + i] = t_c;
  CU_ASSERT_EQUAL(wc_model_set_forcing(model, start, step_s, w, w + n, w + 2 * n, w + 3 * n), WC_OK);
  free(w);
}

static void groundwater_recession_is_exponential(void) {
  wc_basin *basin = make_strip(3, 1000.0, 0.01, 0);
  wc_model *model = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_model_create(basin, NULL, NULL, &model), WC_OK);
  const wc_graph_ode *ode = wc_model_ode(model);
  double *y = calloc((size_t)ode->n_cells * WC_STATE_COUNT, sizeof *y);
  for (int32_t i = 0; i < ode->n_cells; ++i) y[i * WC_STATE_COUNT + WC_STATE_GROUNDWATER] = 100.0;
  wc_integrator *integrator = make_integrator(model, 1e-8);
  CU_ASSERT_EQUAL_FATAL(wc_integrator_set_state(integrator, 0, y), WC_OK);
  set_weather(model, 0, 86400.0, 0.0, -5.0);
  double tau_s = wc_parameters_default().baseflow_recession_days * 86400.0;
  /* The solver keeps each step's error within rtol * |G| + atol; over 200 days (G falls
   * from 100 to 3.6 mm) the global error stays within a few atol. */
  double worst_mm = 0, atol_mm = ode->abs_tolerance[WC_STATE_GROUNDWATER];
  for (int day = 1; day <= 200; ++day) {
    CU_ASSERT_EQUAL_FATAL(wc_integrator_advance(integrator, day * 86400.0), WC_OK);
    double exact = 100.0 * exp(-day * 86400.0 / tau_s);
    double got = wc_integrator_state(integrator)[WC_STATE_GROUNDWATER];
    worst_mm = fmax(worst_mm, fabs(got - exact));
  }
  fprintf(stderr, "groundwater recession: worst error %.2e mm over 200 days (atol %.0e mm)\n", worst_mm, atol_mm);
  CU_ASSERT(worst_mm < 3 * atol_mm);
  wc_integrator_destroy(&integrator);
  free(y);
  wc_model_destroy(&model);
  wc_basin_destroy(&basin);
}

/* Outlet discharge per unit width (m2/s) of a sealed plane of length L under rain i (m/s),
 * sampled every 10 s; returns the relative error of the rising limb against the analytic
 * solution at t_e/2, of the equilibrium, and of the time the discharge reaches 95% of
 * equilibrium (analytically 0.95^(3/5) t_e, just before the wave from the top arrives;
 * first-order upwinding smears that arrival, which is where refinement shows). */
static void kinematic_plane(int32_t cells, double *rising_error, double *equilibrium_error, double *t95_error) {
  const double length_m = 1000.0, slope = 0.01, manning_n = 0.1, rain_mm_h = 36.0;
  double dx = length_m / cells;
  wc_basin *basin = make_strip(cells, dx, slope, 0);
  wc_model *model = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_model_create(basin, NULL, NULL, &model), WC_OK);
  wc_model_override_surface(model, 1.0, 0.0, manning_n);
  const wc_graph_ode *ode = wc_model_ode(model);
  int32_t outlet = ode->n_cells - 1;
  double *y = calloc((size_t)ode->n_cells * WC_STATE_COUNT, sizeof *y);
  wc_integrator *integrator = make_integrator(model, 1e-6);
  CU_ASSERT_EQUAL_FATAL(wc_integrator_set_state(integrator, 0, y), WC_OK);
  double i_m_s = rain_mm_h / 1000.0 / 3600.0, alpha = sqrt(slope) / manning_n;
  double t_e = pow(length_m / (alpha * pow(i_m_s, 2.0 / 3.0)), 0.6);
  double q_eq = i_m_s * length_m, sample_s = 10.0, previous = 0;
  double t95 = NAN;
  *rising_error = NAN;
  for (double t = sample_s; t <= 3.0 * t_e; t += sample_s) {
    set_weather(model, 0, sample_s, rain_mm_h * sample_s / 3600.0, 20.0);
    CU_ASSERT_EQUAL_FATAL(wc_integrator_advance(integrator, t), WC_OK);
    size_t row = (size_t)wc_graph_ode_flux_row_of(ode, outlet); /* the outlet keeps a row of its own */
    double total_mm = wc_integrator_flux_totals(integrator)[row * WC_FLUX_COUNT + WC_FLUX_WATER_OUT];
    /* mean over the sample: mm over the cell per s -> m3/s -> per metre of width */
    double q = (total_mm - previous) / 1000.0 * dx * dx / sample_s / dx;
    previous = total_mm;
    double mid = t - 0.5 * sample_s;
    if (fabs(mid - 0.5 * t_e) <= 0.5 * sample_s) {
      double exact = alpha * pow(i_m_s * mid, 5.0 / 3.0);
      *rising_error = fabs(q - exact) / exact;
    }
    if (isnan(t95) && q >= 0.95 * q_eq) t95 = mid;
    if (t > 2.5 * t_e) *equilibrium_error = fabs(q - q_eq) / q_eq;
  }
  double t95_exact = pow(0.95, 0.6) * t_e;
  *t95_error = fabs(t95 - t95_exact) / t95_exact;
  wc_integrator_destroy(&integrator);
  free(y);
  wc_model_destroy(&model);
  wc_basin_destroy(&basin);
}

static void kinematic_wave_on_a_plane(void) {
  const int32_t resolutions[] = {10, 40, 160, 640};
  double rising[4], equilibrium[4], t95[4];
  for (int k = 0; k < 4; ++k) {
    kinematic_plane(resolutions[k], &rising[k], &equilibrium[k], &t95[k]);
    fprintf(stderr, "plane, %3d cells: rising limb %.2e, equilibrium %.2e, time to 95%% of equilibrium %.2e\n",
            resolutions[k], rising[k], equilibrium[k], t95[k]);
  }
  for (int k = 0; k < 4; ++k) {
    CU_ASSERT(rising[k] < 0.01);      /* the rising limb is exact at any resolution */
    CU_ASSERT(equilibrium[k] < 1e-3); /* q = i L */
  }
  CU_ASSERT(t95[3] < 0.05);           /* time to equilibrium within 5% on the fine grid */
  CU_ASSERT(t95[1] < t95[0] && t95[2] < t95[1] && t95[3] < t95[2]); /* converging */
}

static void advection_with_decay_along_a_channel(void) {
  const int32_t cells = 200;
  wc_basin *basin = make_strip(cells, 500.0, 0.002, 1);
  wc_model *model = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_model_create(basin, NULL, NULL, &model), WC_OK);
  wc_parameters p = wc_parameters_default();
  const double k_per_day = 0.5;
  p.stream_retention_small_per_day = p.stream_retention_large_per_day = k_per_day;
  wc_model_set_parameters(model, &p);
  const double discharge = 2.0, c0 = 10.0;
  CU_ASSERT_EQUAL_FATAL(wc_model_add_point_source(model, 0, discharge, c0), WC_OK);
  const wc_graph_ode *ode = wc_model_ode(model);
  double *y = calloc((size_t)ode->n_cells * WC_STATE_COUNT, sizeof *y);
  wc_integrator *integrator = make_integrator(model, 1e-8);
  CU_ASSERT_EQUAL_FATAL(wc_integrator_set_state(integrator, 0, y), WC_OK);
  /* 20 degC: the temperature correction is 1. Run to steady state. */
  for (int day = 1; day <= 30; ++day) {
    set_weather(model, (day - 1) * 86400, 86400.0, 0.0, 20.0);
    CU_ASSERT_EQUAL_FATAL(wc_integrator_advance(integrator, day * 86400.0), WC_OK);
  }
  const double *state = wc_integrator_state(integrator);
  double area = wc_model_cell_area_m2(model), tau_s = 0, worst_cstr = 0, exact_error = 0;
  double cstr = c0; /* each cell a mixed reach: C_k = C_(k-1) / (1 + k V/Q) */
  for (int32_t i = 0; i < cells; ++i) {
    double v_mm = state[i * WC_STATE_COUNT + WC_STATE_SURFACE];
    double n_kg_ha = state[i * WC_STATE_COUNT + WC_STATE_SURFACE_N];
    double volume = v_mm / 1000.0 * area, residence = volume / discharge;
    tau_s += residence;
    cstr /= 1.0 + k_per_day / 86400.0 * residence;
    double c = n_kg_ha * area * 1e-4 / volume * 1e3; /* kg/m3 -> mg/L */
    worst_cstr = fmax(worst_cstr, fabs(c - cstr) / cstr);
    if (i == cells - 1) exact_error = fabs(c - c0 * exp(-k_per_day / 86400.0 * tau_s)) / c;
  }
  fprintf(stderr, "channel decay: travel time %.2f days, C/C0 = %.4f, vs exp(-k tau) %.2e, vs mixed reaches %.2e\n",
          tau_s / 86400.0, cstr / c0, exact_error, worst_cstr);
  CU_ASSERT(worst_cstr < 1e-5);   /* the discrete equations, to the solver tolerance */
  CU_ASSERT(exact_error < 0.01);  /* and the continuous solution, within 1% at 200 reaches */
  CU_ASSERT(tau_s > 0.5 * 86400.0); /* a real test: decay of a few tens of percent */
  wc_integrator_destroy(&integrator);
  free(y);
  wc_model_destroy(&model);
  wc_basin_destroy(&basin);
}

/* The cell-by-cell stepper's kernel compiled for the model's Jacobian structure (straight-
 * line factors and solves, wc_cell_lu.h) against the same stepper down the structure
 * table's lists: the same states and totals to the bit, over days of snow, melt, storms
 * and drying on a channel with hillslopes, where every entry of the structure (d NO3 /
 * d organic N above the diagonal and its fill included) is in play. */
static void compiled_structure_matches_the_table(void) {
  wc_basin *basin = make_strip(40, 1000.0, 0.004, 1);
  wc_model *model = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_model_create(basin, NULL, NULL, &model), WC_OK);
  const wc_graph_ode *ode = wc_model_ode(model);
  wc_graph_ode without = *ode;
  without.jacobian_structure = NULL;
  size_t n = (size_t)ode->n_cells * WC_STATE_COUNT;
  double *y = malloc(n * sizeof *y);
  for (size_t k = 0; k < n; ++k) y[k] = 5.0 + 40.0 * (double)(k % 7) / 7.0; /* every store filled */
  wc_cellwise *compiled = NULL, *table = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_cellwise_create(ode, 1e-4, 0, &compiled), WC_OK);
  CU_ASSERT_EQUAL_FATAL(wc_cellwise_create(&without, 1e-4, 0, &table), WC_OK);
  CU_ASSERT_TRUE(wc_cellwise_uses_compiled_structure(compiled));
  CU_ASSERT_FALSE(wc_cellwise_uses_compiled_structure(table));
  CU_ASSERT_EQUAL_FATAL(wc_cellwise_set_state(compiled, 0, y), WC_OK);
  CU_ASSERT_EQUAL_FATAL(wc_cellwise_set_state(table, 0, y), WC_OK);
  static const double rain_mm[] = {0, 12, 0, 3, 45, 0, 0, 80, 2, 0, 0, 0, 25, 0, 7};
  static const double t_c[] = {-8, -4, 2, 9, 15, 22, 26, 18, 12, 5, 0, -3, 20, 24, 28};
  enum { DAYS = 30 };
  long mismatches = 0;
  for (int day = 1; day <= DAYS; ++day) {
    set_weather(model, (day - 1) * 86400, 86400.0, rain_mm[day % 15], t_c[day % 15]);
    CU_ASSERT_EQUAL_FATAL(wc_cellwise_advance(compiled, day * 86400.0), WC_OK);
    CU_ASSERT_EQUAL_FATAL(wc_cellwise_advance(table, day * 86400.0), WC_OK);
    const double *a = wc_cellwise_state(compiled), *b = wc_cellwise_state(table);
    for (size_t k = 0; k < n; ++k) mismatches += a[k] != b[k];
  }
  const double *ta = wc_cellwise_flux_totals(compiled), *tb = wc_cellwise_flux_totals(table);
  for (int32_t k = 0; k < wc_graph_ode_flux_rows(ode) * ode->n_fluxes; ++k) mismatches += ta[k] != tb[k];
  wc_cellwise_stats stats;
  wc_cellwise_get_stats(compiled, &stats);
  fprintf(stderr, "compiled structure: %ld steps, %ld Newton iterations, %ld values differ from the table's\n",
          (long)stats.steps, (long)stats.newton_iters, mismatches);
  CU_ASSERT_EQUAL(mismatches, 0);
  CU_ASSERT(stats.steps > 2 * DAYS * ode->n_cells); /* the storms took steps within days */
  wc_cellwise_destroy(&compiled);
  wc_cellwise_destroy(&table);
  free(y);
  wc_model_destroy(&model);
  wc_basin_destroy(&basin);
}

static CU_TestInfo physics_tests[] = {
    WC_TEST(compiled_structure_matches_the_table),
    WC_TEST(groundwater_recession_is_exponential),
    WC_TEST(kinematic_wave_on_a_plane),
    WC_TEST(advection_with_decay_along_a_channel),
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"model_physics", NULL, NULL, NULL, NULL, physics_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv) { return wc_test_run(argc, argv, suites, 0); }
