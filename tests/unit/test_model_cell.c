/* test_model_cell.c — the cell equations keep exact books and never drain an empty store:
 *   sum(d water states) + outflow - inflow = water in - ET            (mm/s, every cell)
 *   sum(d N states)     + N outflow - N inflow = N in - N loss        (kg/ha/s, every cell)
 * for random states and weather on the built-in Chaobai basin, reservoirs included. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wc_builtin_basin.h"
#include "wc_model.h"
#include "wc_scenario_load.h"
#include "wc_test.h"

static wc_basin *basin;
static wc_model *model;
static wc_scenario *scenario;

static int setup(void) {
  wc_geo_basin *geo = NULL;
  if (wc_geo_basin_read(wc_test_source_path("scenarios/basins/chaobai.geo"), &geo) != WC_OK) return 1;
  wc_builtin_options options = {.cell_size_m = 2000.0, .channel_threshold_km2 = 10.0};
  wc_status status = wc_builtin_basin_make(geo, &options, &basin);
  wc_geo_basin_destroy(&geo);
  if (status != WC_OK) return 1;
  if (wc_scenario_load(wc_test_source_path("scenarios/chaobai-baseline.yaml"), &scenario) != WC_OK) return 1;
  if (wc_model_create(basin, scenario, NULL, &model) != WC_OK) {
    fprintf(stderr, "%s\n", wc_error_message());
    return 1;
  }
  return 0;
}

static int teardown(void) {
  wc_model_destroy(&model);
  wc_basin_destroy(&basin);
  wc_scenario_destroy(&scenario);
  return 0;
}

static double uniform(unsigned *seed, double lo, double hi) {
  *seed = *seed * 1103515245u + 12345u;
  return lo + (hi - lo) * ((*seed >> 8) & 0xFFFFFF) / 16777216.0;
}

static void set_random_forcing(unsigned *seed, wc_time_s start) {
  const wc_graph_ode *ode = wc_model_ode(model);
  int32_t n = ode->n_cells;
  double *p = malloc(sizeof(double) * n * 4), *t = p + n, *tmin = t + n, *tmax = tmin + n;
  for (int32_t i = 0; i < n; ++i) {
    p[i] = uniform(seed, 0, 1) < 0.3 ? 0 : uniform(seed, 0, 80);
    t[i] = uniform(seed, -15, 30);
    tmin[i] = t[i] - uniform(seed, 0, 8);
    tmax[i] = t[i] + uniform(seed, 0, 8);
  }
  CU_ASSERT_EQUAL(wc_model_set_forcing(model, start, 86400.0, p, t, tmin, tmax), WC_OK);
  free(p);
}

static void cells_keep_exact_books(void) {
  const wc_graph_ode *ode = wc_model_ode(model);
  unsigned seed = 12345;
  wc_time_s start;
  CU_ASSERT_TRUE_FATAL(wc_time_parse("2001-05-10", &start, NULL));
  double worst_water = 0, worst_n = 0;
  for (int round = 0; round < 20; ++round) {
    set_random_forcing(&seed, start + round * 86400 * 17);
    for (int32_t i = 0; i < ode->n_cells; ++i) {
      double y[WC_STATE_COUNT], ydot[WC_STATE_COUNT], inflow[2], outflow[2], flux[WC_FLUX_COUNT];
      for (int s = 0; s < WC_STATE_COUNT; ++s) y[s] = uniform(&seed, 0, 1) < 0.2 ? 0 : uniform(&seed, 0, 500);
      inflow[0] = uniform(&seed, 0, 1e-3);
      inflow[1] = uniform(&seed, 0, 1e-6);
      CU_ASSERT_EQUAL(ode->cell_rhs(ode->context, 0, i, y, inflow, ydot, outflow, flux), WC_OK);
      double water = ydot[0] + ydot[1] + ydot[2] + ydot[3] + outflow[0] - inflow[0] -
                     (flux[WC_FLUX_WATER_IN] - flux[WC_FLUX_WATER_ET]);
      double nitrogen = ydot[4] + ydot[5] + ydot[6] + ydot[7] + outflow[1] - inflow[1] -
                        (flux[WC_FLUX_N_IN] - flux[WC_FLUX_N_LOSS]);
      /* Rounding is relative to the largest term, internal transfers included. */
      double water_scale = fabs(flux[WC_FLUX_WATER_IN]) + fabs(flux[WC_FLUX_WATER_ET]) + fabs(inflow[0]) +
                           fabs(outflow[0]) + 1e-300;
      double n_scale = fabs(flux[WC_FLUX_N_IN]) + fabs(flux[WC_FLUX_N_LOSS]) + fabs(inflow[1]) + fabs(outflow[1]) + 1e-300;
      for (int s = 0; s < WC_STATE_COUNT; ++s) *(s < WC_STATE_NO3 ? &water_scale : &n_scale) += fabs(ydot[s]);
      worst_water = fmax(worst_water, fabs(water) / water_scale);
      worst_n = fmax(worst_n, fabs(nitrogen) / n_scale);
      CU_ASSERT(outflow[0] >= 0 && outflow[1] >= 0);
      CU_ASSERT(flux[WC_FLUX_WATER_ET] >= 0 && flux[WC_FLUX_N_LOSS] >= -1e-30);
    }
  }
  fprintf(stderr, "worst relative imbalance: water %.2e, nitrogen %.2e\n", worst_water, worst_n);
  CU_ASSERT(worst_water < 1e-12);
  CU_ASSERT(worst_n < 1e-12);
}

/* An empty store has no outflow: its derivative is >= 0 whatever else holds. */
static void empty_stores_do_not_go_negative(void) {
  const wc_graph_ode *ode = wc_model_ode(model);
  unsigned seed = 777;
  wc_time_s start;
  CU_ASSERT_TRUE_FATAL(wc_time_parse("2001-07-01", &start, NULL));
  set_random_forcing(&seed, start);
  for (int32_t i = 0; i < ode->n_cells; ++i) {
    for (int empty = 0; empty < WC_STATE_COUNT; ++empty) {
      double y[WC_STATE_COUNT], ydot[WC_STATE_COUNT], inflow[2] = {0, 0}, outflow[2];
      for (int s = 0; s < WC_STATE_COUNT; ++s) y[s] = uniform(&seed, 0, 300);
      y[empty] = 0;
      CU_ASSERT_EQUAL(ode->cell_rhs(ode->context, 0, i, y, inflow, ydot, outflow, NULL), WC_OK);
      if (ydot[empty] < -1e-18) {
        fprintf(stderr, "cell %d: empty %s has derivative %g\n", i, ode->state_names[empty], ydot[empty]);
        CU_FAIL("an empty store drains");
        return;
      }
    }
  }
}

static void bad_forcing_names_the_cell(void) {
  const wc_graph_ode *ode = wc_model_ode(model);
  int32_t n = ode->n_cells;
  double *p = calloc((size_t)n * 4, sizeof(double)), *t = p + n, *tmin = t + n, *tmax = tmin + n;
  p[3] = NAN;
  wc_time_s start;
  CU_ASSERT_TRUE(wc_time_parse("2001-01-01", &start, NULL));
  CU_ASSERT_EQUAL(wc_model_set_forcing(model, start, 86400, p, t, tmin, tmax), WC_ERR_INPUT);
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "forcing at 2001-01-01 for cell row"));
  free(p);
}

static void unknown_land_use_is_a_scenario_error(void) {
  wc_scenario *bad = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_scenario_load_string("lu.yaml",
                                                "name: lu\nbasin: {builtin: chaobai}\n"
                                                "period: {start: 2001-01-01, end: 2001-02-01}\n"
                                                "management: {fertiliser: [{land_use: paddy, rate: 100}]}\n",
                                                &bad),
                        WC_OK);
  wc_model *other = NULL;
  CU_ASSERT_EQUAL(wc_model_create(basin, bad, NULL, &other), WC_ERR_SCENARIO);
  CU_ASSERT_STRING_EQUAL(wc_error_message(), "management.fertiliser[0].land_use: basin 'chaobai' has no land use "
                                             "'paddy'; it has: forest, grassland, cropland, urban, water");
  CU_ASSERT_PTR_NULL(other);
  wc_scenario_destroy(&bad);
}

/* docs/model.md carries the parameter table exactly as the code defines it. */
static void parameter_table_in_docs_is_current(void) {
  char *table = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&table, &size);
  wc_parameters_write_markdown(out);
  fclose(out);
  FILE *doc = fopen(wc_test_source_path("docs/model.md"), "rb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  static char text[1 << 17];
  size_t length = fread(text, 1, sizeof text - 1, doc);
  text[length] = '\0';
  fclose(doc);
  if (!strstr(text, table)) CU_FAIL("docs/model.md's parameter table differs from wc_parameter_table");
  free(table);
}

static CU_TestInfo cell_tests[] = {
    WC_TEST(parameter_table_in_docs_is_current),
    WC_TEST(cells_keep_exact_books),
    WC_TEST(empty_stores_do_not_go_negative),
    WC_TEST(bad_forcing_names_the_cell),
    WC_TEST(unknown_land_use_is_a_scenario_error),
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"model_cell", setup, teardown, NULL, NULL, cell_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv) { return wc_test_run(argc, argv, suites, 0); }
