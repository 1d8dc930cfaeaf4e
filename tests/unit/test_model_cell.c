/* test_model_cell.c — the cell equations keep exact books and never drain an empty store:
 *   sum(d water states) + outflow - inflow = water in - ET - use             (mm/s, every cell)
 *   sum(d N states)     + N outflow - N inflow = N in - N loss - N use       (kg/ha/s, every cell)
 * for random states and weather on the built-in Chaobai basin, reservoirs included, with
 * water use on every jurisdiction; withdrawals fade with their store and carry its N. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wc_builtin_basin.h"
#include "wc_jurisdiction_names.h"
#include "wc_model.h"
#include "wc_model_private.h" /* white-box: the demand and half-storage of a cell */
#include "wc_scenario_load.h"
#include "wc_test.h"

static wc_basin *basin;
static wc_model *model;
static wc_scenario *scenario;

/* The baseline plus water use from rivers and groundwater in every month, on a province
 * (so on all its counties) and again on one county, so demands add up. */
static const char *water_use_yaml =
    "include: %s\n"
    "management:\n"
    "  water_use:\n"
    "    - {jurisdiction: Hebei, volume: 1.5 yi_m3/yr, groundwater_fraction: 0.4}\n"
    "    - {jurisdiction: Beijing, volume: 2e7 m3/yr, months: [4, 5, 6], weights: [1, 2, 1]}\n"
    "    - {jurisdiction: Fengning, volume: 3000 wan_m3/yr, months: [5, 7], groundwater_fraction: 1}\n";

static int setup(void) {
  wc_geo_basin *geo = NULL;
  if (wc_geo_basin_read(wc_test_source_path("scenarios/basins/chaobai.geo"), &geo) != WC_OK) return 1;
  wc_builtin_options options = {.cell_size_m = 2000.0, .channel_threshold_km2 = 10.0};
  wc_status status = wc_builtin_basin_make(geo, &options, &basin);
  wc_geo_basin_destroy(&geo);
  if (status != WC_OK) return 1;
  char yaml[1024], path[1024];
  snprintf(yaml, sizeof yaml, water_use_yaml, wc_test_source_path("scenarios/chaobai-baseline.yaml"));
  snprintf(path, sizeof path, "%s/use.yaml", wc_test_scratch_dir());
  wc_test_write_file(path, yaml); /* includes are resolved for files only */
  if (wc_scenario_load(path, &scenario) != WC_OK) {
    fprintf(stderr, "%s\n", wc_error_message());
    return 1;
  }
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
  int used = 0;
  for (int round = 0; round < 20; ++round) {
    set_random_forcing(&seed, start + round * 86400 * 17);
    for (int32_t i = 0; i < ode->n_cells; ++i) {
      double y[WC_STATE_COUNT], ydot[WC_STATE_COUNT], inflow[2], outflow[2], flux[WC_FLUX_COUNT];
      for (int s = 0; s < WC_STATE_COUNT; ++s) y[s] = uniform(&seed, 0, 1) < 0.2 ? 0 : uniform(&seed, 0, 500);
      inflow[0] = uniform(&seed, 0, 1e-3);
      inflow[1] = uniform(&seed, 0, 1e-6);
      CU_ASSERT_EQUAL(ode->cell_rhs(ode->context, 0, i, y, inflow, ydot, outflow, flux), WC_OK);
      double water = ydot[0] + ydot[1] + ydot[2] + ydot[3] + outflow[0] - inflow[0] -
                     (flux[WC_FLUX_WATER_IN] - flux[WC_FLUX_WATER_ET] - flux[WC_FLUX_WATER_USE]);
      double nitrogen = ydot[4] + ydot[5] + ydot[6] + ydot[7] + outflow[1] - inflow[1] -
                        (flux[WC_FLUX_N_IN] - flux[WC_FLUX_N_LOSS] - flux[WC_FLUX_N_USE]);
      /* Rounding is relative to the largest term, internal transfers included. */
      double water_scale = fabs(flux[WC_FLUX_WATER_IN]) + fabs(flux[WC_FLUX_WATER_ET]) +
                           fabs(flux[WC_FLUX_WATER_USE]) + fabs(inflow[0]) + fabs(outflow[0]) + 1e-300;
      double n_scale = fabs(flux[WC_FLUX_N_IN]) + fabs(flux[WC_FLUX_N_LOSS]) + fabs(flux[WC_FLUX_N_USE]) +
                       fabs(inflow[1]) + fabs(outflow[1]) + 1e-300;
      if (flux[WC_FLUX_WATER_USE] > 0) used++;
      for (int s = 0; s < WC_STATE_COUNT; ++s) *(s < WC_STATE_NO3 ? &water_scale : &n_scale) += fabs(ydot[s]);
      worst_water = fmax(worst_water, fabs(water) / water_scale);
      worst_n = fmax(worst_n, fabs(nitrogen) / n_scale);
      CU_ASSERT(outflow[0] >= 0 && outflow[1] >= 0);
      CU_ASSERT(flux[WC_FLUX_WATER_ET] >= 0 && flux[WC_FLUX_N_LOSS] >= -1e-30);
      CU_ASSERT(flux[WC_FLUX_WATER_USE] >= 0 && flux[WC_FLUX_N_USE] >= 0);
    }
  }
  fprintf(stderr, "worst relative imbalance: water %.2e, nitrogen %.2e; %d cell evaluations with water use\n",
          worst_water, worst_n, used);
  CU_ASSERT(used > 1000); /* the books were checked with withdrawals, not around them */
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

/* A scenario that loads but that the model refuses: WC_ERR_SCENARIO, no model, and a
 * message that is `message` (exact) or contains it. */
static void expect_model_rejects(const char *name, const char *text, const char *message, bool exact) {
  wc_scenario *bad = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_scenario_load_string(name, text, &bad), WC_OK);
  wc_model *other = NULL;
  CU_ASSERT_EQUAL(wc_model_create(basin, bad, NULL, &other), WC_ERR_SCENARIO);
  if (exact) {
    CU_ASSERT_STRING_EQUAL(wc_error_message(), message);
  } else {
    CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), message));
  }
  CU_ASSERT_PTR_NULL(other);
  wc_scenario_destroy(&bad);
}

static void unknown_land_use_is_a_scenario_error(void) {
  expect_model_rejects("lu.yaml",
                       "name: lu\nbasin: {builtin: chaobai}\n"
                       "period: {start: 2001-01-01, end: 2001-02-01}\n"
                       "management: {fertiliser: [{land_use: paddy, rate: 100}]}\n",
                       "management.fertiliser[0].land_use: basin 'chaobai' has no land use "
                       "'paddy'; it has: forest, grassland, cropland, urban, water",
                       true);
}

/* A cell whose river withdrawal is demanded this interval (and is no reservoir). */
static int32_t cell_with_river_demand(void) {
  for (int32_t i = 0; i < model->n; ++i)
    if (model->forcing[i].use_surface_mm_s > 0 && model->cells[i].reservoir < 0) return i;
  return -1;
}

static int32_t cell_with_pumping_demand(void) {
  for (int32_t i = 0; i < model->n; ++i)
    if (model->forcing[i].use_groundwater_mm_s > 0) return i;
  return -1;
}

static void set_july_forcing(void) {
  unsigned seed = 99;
  wc_time_s start;
  CU_ASSERT_TRUE_FATAL(wc_time_parse("2001-07-15", &start, NULL));
  set_random_forcing(&seed, start);
}

/* Withdrawal = demand * V/(V + k): nothing from an empty channel, half the demand at
 * V = k, never more than the demand, growing with V; its N is the channel's concentration.
 * With the aquifer empty, the wells' demand falls on the river too (induced recharge). */
static void river_withdrawal_fades_with_the_store(void) {
  const wc_graph_ode *ode = wc_model_ode(model);
  set_july_forcing();
  int32_t i = cell_with_river_demand();
  CU_ASSERT_TRUE_FATAL(i >= 0);
  double demand = model->forcing[i].use_surface_mm_s + model->forcing[i].use_groundwater_mm_s;
  double k = model->cells[i].use_half_storage_mm;
  double previous = -1;
  for (int step = 0; step <= 40; ++step) {
    double v = step == 0 ? 0 : k * pow(10.0, (step - 20) / 5.0);
    /* Groundwater empty, so nothing is pumped here: the use is the river's alone. */
    double y[WC_STATE_COUNT] = {0, 50, 0, v, 10, 100, 0, 0.37 * v + 1e-3 * (step > 0)};
    double ydot[WC_STATE_COUNT], inflow[2] = {0, 0}, outflow[2], flux[WC_FLUX_COUNT];
    CU_ASSERT_EQUAL_FATAL(ode->cell_rhs(ode->context, 0, i, y, inflow, ydot, outflow, flux), WC_OK);
    double use = flux[WC_FLUX_WATER_USE];
    CU_ASSERT(use >= 0 && use <= demand);
    CU_ASSERT(use > previous || (step == 0 && use == 0));
    CU_ASSERT_DOUBLE_EQUAL(use, demand * v / (v + k), 1e-14 * demand);
    if (step == 0) CU_ASSERT_EQUAL(flux[WC_FLUX_N_USE], 0);
    if (step > 0) {
      double concentration = y[WC_STATE_SURFACE_N] / (v + WC_SURFACE_WATER_GUARD_MM);
      CU_ASSERT_DOUBLE_EQUAL(flux[WC_FLUX_N_USE] / use, concentration, 1e-12 * concentration);
    }
    previous = use;
  }
  fprintf(stderr, "river withdrawal: demand %.3g mm/day, half at %.3g mm over the cell\n", demand * 86400, k);
}

/* Pumping = demand * G/(G + k_G), carrying the aquifer's concentration N_G/(G + 1 mm);
 * the rest of the wells' demand is drawn from the river, here empty. */
static void pumping_fades_with_the_aquifer(void) {
  const wc_graph_ode *ode = wc_model_ode(model);
  set_july_forcing();
  int32_t i = cell_with_pumping_demand();
  CU_ASSERT_TRUE_FATAL(i >= 0);
  double demand = model->forcing[i].use_groundwater_mm_s, k = model->parameters.pumping_half_storage_mm;
  const double stores[] = {0, 1e-6, 0.5 * k, k, 3 * k, 1e4 * k};
  for (size_t s = 0; s < sizeof stores / sizeof stores[0]; ++s) {
    double g = stores[s];
    double y[WC_STATE_COUNT] = {0, 50, g, 0, 10, 100, 0.02 * g, 0};
    double ydot[WC_STATE_COUNT], inflow[2] = {0, 0}, outflow[2], flux[WC_FLUX_COUNT];
    CU_ASSERT_EQUAL_FATAL(ode->cell_rhs(ode->context, 0, i, y, inflow, ydot, outflow, flux), WC_OK);
    double use = flux[WC_FLUX_WATER_USE];
    CU_ASSERT_DOUBLE_EQUAL(use, demand * g / (g + k), 1e-14 * demand);
    CU_ASSERT_DOUBLE_EQUAL(flux[WC_FLUX_N_USE], use * 0.02 * g / (g + WC_GROUNDWATER_GUARD_MM), 1e-14 * demand);
    if (g == 0) CU_ASSERT(ydot[WC_STATE_GROUNDWATER] >= 0 && ydot[WC_STATE_GROUNDWATER_N] >= 0);
  }
  /* Aquifer empty, river at its half-storage: half of river and well demand together. */
  double k_v = model->cells[i].use_half_storage_mm, river = model->forcing[i].use_surface_mm_s;
  double y[WC_STATE_COUNT] = {0, 50, 0, k_v, 10, 100, 0, 0.5 * k_v};
  double ydot[WC_STATE_COUNT], inflow[2] = {0, 0}, outflow[2], flux[WC_FLUX_COUNT];
  CU_ASSERT_EQUAL_FATAL(ode->cell_rhs(ode->context, 0, i, y, inflow, ydot, outflow, flux), WC_OK);
  CU_ASSERT_DOUBLE_EQUAL(flux[WC_FLUX_WATER_USE], 0.5 * (river + demand), 1e-14 * (river + demand));
}

/* The month-by-month demands over all cells add up to the yearly volumes: 1.5e8 + 2e7 +
 * 3e7 m3 (the setup's scenario). */
static void monthly_demands_add_up_to_the_yearly_volume(void) {
  double total_m3 = 0, river_m3 = 0, area_m2 = wc_model_cell_area_m2(model);
  for (int month = 1; month <= 12; ++month) {
    char date[16];
    snprintf(date, sizeof date, "2001-%02d-01", month);
    wc_time_s start;
    CU_ASSERT_TRUE_FATAL(wc_time_parse(date, &start, NULL));
    unsigned seed = 5;
    set_random_forcing(&seed, start);
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int32_t i = 0; i < model->n; ++i) {
      double mm_s = model->forcing[i].use_surface_mm_s + model->forcing[i].use_groundwater_mm_s;
      total_m3 += mm_s * days[month - 1] * 86400.0 * 1e-3 * area_m2;
      river_m3 += model->forcing[i].use_surface_mm_s * days[month - 1] * 86400.0 * 1e-3 * area_m2;
    }
  }
  fprintf(stderr, "yearly demand %.6g m3, %.6g m3 of it from rivers\n", total_m3, river_m3);
  CU_ASSERT_DOUBLE_EQUAL(total_m3, 2.0e8, 1e-9 * 2.0e8);
  CU_ASSERT_DOUBLE_EQUAL(river_m3, 0.6 * 1.5e8 + 2e7, 1e-9 * 2.0e8);
}

static void jurisdiction_names_match_leading_words(void) {
  const char *const names[] = {"Foo County", "Foo District", "Bar", "Datong (city, Yunzhou; one tile)", "Foo"};
  CU_ASSERT_EQUAL(wc_jurisdiction_name_find(names, 4, "foo county"), 0);
  CU_ASSERT_EQUAL(wc_jurisdiction_name_find(names, 4, "Foo"), WC_NAME_AMBIGUOUS);
  CU_ASSERT_EQUAL(wc_jurisdiction_name_find(names, 5, "Foo"), 4); /* the whole name wins */
  CU_ASSERT_EQUAL(wc_jurisdiction_name_find(names, 4, "Ba"), WC_NAME_NOT_FOUND);
  CU_ASSERT_EQUAL(wc_jurisdiction_name_find(names, 4, "BAR"), 2);
  CU_ASSERT_EQUAL(wc_jurisdiction_name_find(names, 4, "Datong"), 3);
  CU_ASSERT_EQUAL(wc_jurisdiction_name_find(names, 4, ""), WC_NAME_NOT_FOUND);
  char list[128];
  wc_jurisdiction_names_list(names, 4, list, sizeof list);
  CU_ASSERT_STRING_EQUAL(list, "Foo County, Foo District, Bar, Datong");
}

/* Built-in basins are checked when the scenario loads (the CLI test has the message);
 * a basin file's jurisdictions only when the model is built, still pointing at the key. */
static void unknown_jurisdiction_points_at_the_scenario(void) {
  wc_scenario *bad = NULL;
  CU_ASSERT_EQUAL(wc_scenario_load_string("wu.yaml",
                                          "name: wu\nbasin: {builtin: chaobai}\n"
                                          "period: {start: 2001-01-01, end: 2001-02-01}\n"
                                          "management: {water_use: [{jurisdiction: Atlantis, volume: 1e6}]}\n",
                                          &bad),
                  WC_ERR_SCENARIO);
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "wu.yaml:4:41: management.water_use[0].jurisdiction: basin "
                                                    "'chaobai' has no jurisdiction 'Atlantis'; it has: Hebei Province"));
  wc_scenario_destroy(&bad);
  expect_model_rejects("wf.yaml",
                       "name: wf\nbasin: {file: elsewhere.h5}\n"
                       "period: {start: 2001-01-01, end: 2001-02-01}\n"
                       "management:\n  water_use:\n"
                       "    - {jurisdiction: Hebei, volume: 1e6}\n"
                       "    - {jurisdiction: Atlantis, volume: 1e6}\n",
                       "wf.yaml:7:22: management.water_use[1].jurisdiction: basin 'chaobai' has no jurisdiction "
                       "'Atlantis'; it has: Hebei Province, Beijing Municipality, Zhangjiakou, Chengde,",
                       false);
}

/* The built-in jurisdiction lists (checked before a basin exists) are the .geo files' own. */
static void builtin_jurisdiction_names_follow_the_geo_files(void) {
  const char *const basins[] = {"chaobai", "yongding"};
  for (int b = 0; b < 2; ++b) {
    char path[64];
    snprintf(path, sizeof path, "scenarios/basins/%s.geo", basins[b]);
    wc_geo_basin *geo = NULL;
    CU_ASSERT_EQUAL_FATAL(wc_geo_basin_read(wc_test_source_path(path), &geo), WC_OK);
    int count = 0;
    const char *const *names = wc_builtin_jurisdiction_names(basins[b], &count);
    CU_ASSERT_PTR_NOT_NULL_FATAL(names);
    CU_ASSERT_EQUAL(count, (int)geo->jurisdiction_count);
    for (int k = 0; k < count && k < (int)geo->jurisdiction_count; ++k)
      if (strcmp(names[k], geo->jurisdictions[k].name) != 0) {
        fprintf(stderr, "%s jurisdiction %d: '%s' in code, '%s' in the .geo file\n", basins[b], k, names[k],
                geo->jurisdictions[k].name);
        CU_FAIL("wc_builtin_names.c differs from the .geo file");
      }
    wc_geo_basin_destroy(&geo);
  }
}

/* Uniform weather on every cell: precipitation P mm over the day at 20 degC (f_T = 1)
 * with no diurnal range, so no PET. */
static void set_uniform_forcing(const char *date, double precipitation_mm) {
  int32_t n = wc_model_ode(model)->n_cells;
  double *p = malloc(sizeof(double) * n * 4), *t = p + n, *tmin = t + n, *tmax = tmin + n;
  for (int32_t i = 0; i < n; ++i) p[i] = precipitation_mm, t[i] = tmin[i] = tmax[i] = 20.0;
  wc_time_s start;
  CU_ASSERT_TRUE_FATAL(wc_time_parse(date, &start, NULL));
  CU_ASSERT_EQUAL(wc_model_set_forcing(model, start, 86400.0, p, t, tmin, tmax), WC_OK);
  free(p);
}

/* A hillslope cell of cropland (crop residue returned) or forest (forest organic N). */
static int32_t hillslope_cell(bool cropland) {
  const wc_parameters *p = &model->parameters;
  for (int32_t i = 0; i < model->n; ++i) {
    const wc_cell_static *c = &model->cells[i];
    if (c->is_channel || c->reservoir >= 0 || c->point_source >= 0) continue;
    if (cropland ? c->uptake_return == p->crop_residue_fraction
                 : strcmp(model->basin->land_use_classes[c->land_use_class].name, "forest") == 0)
      return i;
  }
  return -1;
}

/* ydot and fluxes of cell i at state y under parameters q. */
static void evaluate(const wc_parameters *q, int32_t i, const double *y, double *ydot, double *flux) {
  wc_model_set_parameters(model, q);
  double inflow[2] = {0, 0}, outflow[2];
  const wc_graph_ode *ode = wc_model_ode(model);
  CU_ASSERT_EQUAL(ode->cell_rhs(ode->context, 0, i, y, inflow, ydot, outflow, flux), WC_OK);
}

/* Each nitrogen process moves exactly what its equation says (docs/model.md), found by
 * switching its parameter off: mineralisation k(lu)*O, ammonia v*F_in, groundwater
 * denitrification k_G*N_G, riparian removal f*c_G*G/tau, preferential recharge phi*q_se. */
static void nitrogen_processes_follow_their_parameters(void) {
  const wc_parameters defaults = model->parameters;
  set_uniform_forcing("2001-04-15", 0.0); /* fertiliser and manure month, dry day */
  double ydot[WC_STATE_COUNT], ydot0[WC_STATE_COUNT], flux[WC_FLUX_COUNT], flux0[WC_FLUX_COUNT];
  for (int crop = 0; crop < 2; ++crop) {
    int32_t i = hillslope_cell(crop);
    CU_ASSERT_TRUE_FATAL(i >= 0);
    const wc_cell_static *c = &model->cells[i];
    double y[WC_STATE_COUNT] = {0, c->field_capacity_mm, 30, 0, 40, 150, 0.6, 0};
    double k_day = crop ? defaults.mineralisation_cropland_per_day : defaults.mineralisation_natural_per_day;
    wc_parameters off = defaults;
    off.mineralisation_cropland_per_day = off.mineralisation_natural_per_day = 0;
    evaluate(&defaults, i, y, ydot, flux);
    evaluate(&off, i, y, ydot0, flux0);
    CU_ASSERT_DOUBLE_EQUAL(ydot[WC_STATE_ORGANIC_N] - ydot0[WC_STATE_ORGANIC_N], -k_day / 86400.0 * 150, 1e-18);
    CU_ASSERT_DOUBLE_EQUAL(ydot[WC_STATE_NO3] - ydot0[WC_STATE_NO3], k_day / 86400.0 * 150, 1e-18);

    off = defaults;
    off.fertiliser_volatilisation_fraction = 0;
    evaluate(&off, i, y, ydot0, flux0);
    double applied = model->fertiliser_rate_kg_ha_s[c->land_use_class][WC_FERTILISER_INORGANIC];
    CU_ASSERT(crop ? applied > 0 : applied == 0);
    CU_ASSERT_DOUBLE_EQUAL(ydot[WC_STATE_NO3] - ydot0[WC_STATE_NO3],
                           -defaults.fertiliser_volatilisation_fraction * applied, 1e-18);
    CU_ASSERT_DOUBLE_EQUAL(flux[WC_FLUX_N_LOSS] - flux0[WC_FLUX_N_LOSS],
                           defaults.fertiliser_volatilisation_fraction * applied, 1e-18);

    off = defaults;
    off.groundwater_denitrification_per_day = 0;
    evaluate(&off, i, y, ydot0, flux0);
    CU_ASSERT_DOUBLE_EQUAL(ydot[WC_STATE_GROUNDWATER_N] - ydot0[WC_STATE_GROUNDWATER_N],
                           -defaults.groundwater_denitrification_per_day / 86400.0 * 0.6, 1e-18);

    off = defaults;
    off.riparian_removal_fraction = 0;
    evaluate(&off, i, y, ydot0, flux0);
    double discharge_n = 0.6 / (30 + WC_GROUNDWATER_GUARD_MM) * 30 / (defaults.baseflow_recession_days * 86400.0);
    CU_ASSERT_DOUBLE_EQUAL(ydot[WC_STATE_SURFACE_N] - ydot0[WC_STATE_SURFACE_N],
                           -defaults.riparian_removal_fraction * discharge_n, 1e-18);
    CU_ASSERT_DOUBLE_EQUAL(flux[WC_FLUX_N_LOSS] - flux0[WC_FLUX_N_LOSS], defaults.riparian_removal_fraction * discharge_n,
                           1e-18);
  }

  /* Recharge: on a rainy day the excess splits phi : 1 - phi between groundwater and
   * runoff; the soil sees no difference. */
  set_uniform_forcing("2001-07-15", 40.0);
  int32_t i = hillslope_cell(true);
  double y[WC_STATE_COUNT] = {0, 200, 5, 0.01, 40, 150, 0.1, 0};
  double g[3], v[3];
  const double phi[3] = {0, 0.5, 1};
  for (int k = 0; k < 3; ++k) {
    wc_parameters q = defaults;
    q.preferential_recharge_fraction = phi[k];
    evaluate(&q, i, y, ydot, flux);
    g[k] = ydot[WC_STATE_GROUNDWATER], v[k] = ydot[WC_STATE_SURFACE];
    CU_ASSERT_DOUBLE_EQUAL(ydot[WC_STATE_SOIL], k ? ydot0[WC_STATE_SOIL] : ydot[WC_STATE_SOIL], 1e-18);
    ydot0[WC_STATE_SOIL] = ydot[WC_STATE_SOIL];
  }
  double excess = g[2] - g[0];
  CU_ASSERT(excess > 0);
  CU_ASSERT_DOUBLE_EQUAL(v[0] - v[2], excess, 1e-12 * excess);
  CU_ASSERT_DOUBLE_EQUAL(g[1] - g[0], 0.5 * excess, 1e-12 * excess);
  wc_model_set_parameters(model, &defaults);
}

/* The organic pool starts at the active share of the land use's soil organic N. */
static void organic_n_starts_by_land_use(void) {
  const wc_parameters *p = &model->parameters;
  double *y = malloc(sizeof(double) * (size_t)model->n * WC_STATE_COUNT);
  wc_model_initial_state(model, y);
  int32_t crop = hillslope_cell(true), forest = hillslope_cell(false);
  CU_ASSERT_DOUBLE_EQUAL(y[(size_t)crop * WC_STATE_COUNT + WC_STATE_ORGANIC_N],
                         p->active_organic_fraction * p->soil_organic_n_cropland_kg_per_ha, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(y[(size_t)forest * WC_STATE_COUNT + WC_STATE_ORGANIC_N],
                         p->active_organic_fraction * p->soil_organic_n_forest_kg_per_ha, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(y[(size_t)crop * WC_STATE_COUNT + WC_STATE_NO3], p->initial_inorganic_n_cropland_kg_per_ha,
                         1e-12);
  CU_ASSERT_DOUBLE_EQUAL(y[(size_t)forest * WC_STATE_COUNT + WC_STATE_NO3], p->initial_inorganic_n_kg_per_ha, 1e-12);
  free(y);
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

/* The analytic Jacobian (wc_cell_jacobian.c) is the derivative of the cell function: every
 * entry of d ydot / d y and d outflow / d y against difference quotients, for random states
 * (a tenth of them nearly empty, a tenth of the soils at field capacity or saturation)
 * and weather on every cell, reservoirs and withdrawals included. Where the forward and backward quotients disagree a kink lies within the
 * step, and the entry must match the central or a one-sided quotient to 0.1% (a
 * one-sided quotient is first-order). Stores exactly empty are left out: there a
 * concentration over a guard of 1e-9 mm turns within far less than any step a quotient
 * can take. */
static void jacobian_matches_difference_quotients(void) {
  enum { NS = WC_STATE_COUNT, NT = WC_TRANSPORT_COUNT, NR = NS + NT };
  const wc_graph_ode *ode = wc_model_ode(model);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ode->cell_jacobian);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ode->jacobian_structure);
  unsigned seed = 4242;
  wc_time_s start;
  CU_ASSERT_TRUE_FATAL(wc_time_parse("2001-03-20", &start, NULL));
  double worst = 0.0;
  long entries = 0, kinks = 0, nonzero = 0;
  for (int round = 0; round < 6; ++round) {
    set_random_forcing(&seed, start + round * 86400 * 41);
    for (int32_t i = 0; i < ode->n_cells; ++i) {
      double y[NS], inflow[NT], block[NS * NS], gradient[NT * NS];
      for (int s = 0; s < NS; ++s) y[s] = uniform(&seed, 0, 1) < 0.1 ? uniform(&seed, 1e-3, 1) : uniform(&seed, 1, 500);
      /* Now and then the soil sits on a kink: field capacity (drainage starts, moisture
       * saturates) or saturation (wetness reaches 1). */
      const wc_cell_static *c = &model->cells[i];
      double roll = uniform(&seed, 0, 1);
      if (roll < 0.05 && c->field_capacity_mm > 0) y[WC_STATE_SOIL] = c->field_capacity_mm;
      else if (roll < 0.1 && c->saturation_mm > 0) y[WC_STATE_SOIL] = c->saturation_mm;
      inflow[0] = uniform(&seed, 0, 1e-3);
      inflow[1] = uniform(&seed, 0, 1e-6);
      CU_ASSERT_EQUAL_FATAL(ode->cell_jacobian(ode->context, 0, i, y, inflow, block, gradient), WC_OK);
      /* Non-zero only where the declared structure says it may be (a stepper compiled for
       * the structure reads nothing else). */
      for (int r = 0; r < NS; ++r)
        for (int c = 0; c < NS; ++c)
          if (block[r * NS + c] != 0.0 && !(ode->jacobian_structure[r] >> c & 1u)) {
            fprintf(stderr, "cell %d, d %s / d %s = %.6e outside the declared structure\n", (int)i, ode->state_names[r],
                    ode->state_names[c], block[r * NS + c]);
            CU_FAIL("a Jacobian entry outside wc_model_jacobian_structure");
            return;
          }
      double rates[3][NR]; /* at y, y + h e_c, y - h e_c: ydot then outflow */
      CU_ASSERT_EQUAL_FATAL(ode->cell_rhs(ode->context, 0, i, y, inflow, rates[0], rates[0] + NS, NULL), WC_OK);
      double scale[NR]; /* a row's rounding is relative to its largest rate */
      for (int r = 0; r < NR; ++r) scale[r] = fabs(rates[0][r]);
      for (int c = 0; c < NS; ++c) {
        double h = 1e-6 * y[c], shifted[NS];
        memcpy(shifted, y, sizeof shifted);
        shifted[c] = y[c] + h;
        CU_ASSERT_EQUAL_FATAL(ode->cell_rhs(ode->context, 0, i, shifted, inflow, rates[1], rates[1] + NS, NULL), WC_OK);
        shifted[c] = y[c] - h;
        CU_ASSERT_EQUAL_FATAL(ode->cell_rhs(ode->context, 0, i, shifted, inflow, rates[2], rates[2] + NS, NULL), WC_OK);
        for (int r = 0; r < NR; ++r) {
          double analytic = r < NS ? block[r * NS + c] : gradient[(r - NS) * NS + c];
          double forward = (rates[1][r] - rates[0][r]) / h, backward = (rates[0][r] - rates[2][r]) / h;
          double central = 0.5 * (forward + backward);
          double allowed = 1e-6 * (fabs(central) + fabs(forward)) + 1e-12 * (scale[r] + fabs(rates[1][r])) / h;
          double miss = fabs(analytic - central);
          if (fabs(forward - backward) > allowed) {
            /* a kink within the step: one side's quotient, to its O(h) */
            kinks++;
            miss = fmin(miss, fmin(fabs(analytic - forward), fabs(analytic - backward)));
            allowed = 1e-3 * (fabs(forward) + fabs(backward)) + allowed;
          }
          entries++;
          if (analytic != 0.0) nonzero++;
          worst = fmax(worst, miss / allowed);
          if (miss > allowed) {
            fprintf(stderr, "cell %d, d %s%s / d %s: analytic %.6e, forward %.6e, backward %.6e\n", (int)i,
                    r < NS ? ode->state_names[r] : "outflow ", r < NS ? "" : (r == NS ? "water" : "N"),
                    ode->state_names[c], analytic, forward, backward);
            CU_FAIL("an analytic derivative differs from the difference quotients");
            return;
          }
        }
      }
    }
  }
  fprintf(stderr, "%ld entries (%ld nonzero, %ld where the one-sided quotients part), worst %.2f of the allowed difference\n", entries,
          nonzero, kinks, worst);
  CU_ASSERT(nonzero > entries / 5); /* the check saw the couplings, not a zero matrix */
  CU_ASSERT(kinks > 1000);          /* and the slopes at kinks and curves */
}

static CU_TestInfo cell_tests[] = {
    WC_TEST(parameter_table_in_docs_is_current),
    WC_TEST(cells_keep_exact_books),
    WC_TEST(jacobian_matches_difference_quotients),
    WC_TEST(empty_stores_do_not_go_negative),
    WC_TEST(bad_forcing_names_the_cell),
    WC_TEST(unknown_land_use_is_a_scenario_error),
    WC_TEST(river_withdrawal_fades_with_the_store),
    WC_TEST(pumping_fades_with_the_aquifer),
    WC_TEST(monthly_demands_add_up_to_the_yearly_volume),
    WC_TEST(jurisdiction_names_match_leading_words),
    WC_TEST(unknown_jurisdiction_points_at_the_scenario),
    WC_TEST(builtin_jurisdiction_names_follow_the_geo_files),
    WC_TEST(nitrogen_processes_follow_their_parameters),
    WC_TEST(organic_n_starts_by_land_use),
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"model_cell", setup, teardown, NULL, NULL, cell_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv) { return wc_test_run(argc, argv, suites, 0); }
