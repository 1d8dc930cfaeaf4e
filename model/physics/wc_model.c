/* wc_model.c — set-up of the model from basin + scenario, and the per-interval forcing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_model_private.h"
#include "wc_section.h"
#include "wc_utm.h"

static const char *const state_names[WC_STATE_COUNT] = {
    "snow_mm", "soil_mm", "groundwater_mm", "surface_mm",
    "no3_kg_ha", "organic_n_kg_ha", "groundwater_n_kg_ha", "surface_n_kg_ha"};
static const int transport_target[WC_TRANSPORT_COUNT] = {WC_STATE_SURFACE, WC_STATE_SURFACE_N};

static const double SECONDS_PER_DAY = 86400.0;
static const double SECONDS_PER_YEAR = 365.25 * 86400.0;

/* ---- set-up --------------------------------------------------------------------------- */

static int find_land_use(const wc_basin *basin, const char *name) {
  for (int32_t k = 0; k < basin->n_land_use; ++k)
    if (strcmp(basin->land_use_classes[k].name, name) == 0 || strcmp(basin->land_use_classes[k].crop_class, name) == 0)
      return k;
  return -1;
}

static wc_status unknown_land_use(const wc_basin *basin, const char *what, size_t index, const char *name) {
  char names[512] = "";
  for (int32_t k = 0; k < basin->n_land_use; ++k)
    snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k ? ", " : "",
             basin->land_use_classes[k].name);
  WC_FAIL(WC_ERR_SCENARIO, "management.%s[%zu].land_use: basin '%s' has no land use '%s'; it has: %s", what, index,
          basin->name, name, names);
}

/* Spread fertiliser or manure plans over the cells of their land use, month by month. */
static wc_status apply_plans(wc_model *model, const wc_fertiliser_plan_list *plans, const char *what) {
  const wc_basin *basin = model->basin;
  for (size_t k = 0; k < plans->count; ++k) {
    const wc_fertiliser_plan *plan = &plans->items[k];
    int land_use = find_land_use(basin, plan->land_use);
    if (land_use < 0) return unknown_land_use(basin, what, k, plan->land_use);
    double per_month = plan->months.count ? plan->rate_kg_per_ha_yr / (double)plan->months.count : 0;
    double(*table)[12] = model->fertiliser_kg_ha[land_use];
    for (size_t m = 0; m < plan->months.count; ++m) {
      int month = (int)plan->months.items[m] - 1;
      table[WC_FERTILISER_INORGANIC][month] += per_month * plan->inorganic_fraction;
      table[WC_FERTILISER_ORGANIC][month] += per_month * (1.0 - plan->inorganic_fraction);
    }
  }
  return WC_OK;
}

static int utm_zone_of(const wc_basin *basin, bool *north) {
  /* EPSG 326zz: WGS 84 / UTM zone zz N; 327zz: S. */
  *north = basin->epsg / 100 == 326;
  if (basin->epsg / 100 == 326 || basin->epsg / 100 == 327) return basin->epsg % 100;
  return 0;
}

static wc_status place_point_sources(wc_model *model, const wc_point_source_list *sources) {
  const wc_basin *basin = model->basin;
  bool north = true;
  int zone = utm_zone_of(basin, &north);
  WC_CHECK(sources->count == 0 || zone > 0, WC_ERR_SCENARIO,
           "management.point_sources: the basin's CRS (EPSG:%d) is not a UTM zone, so lon/lat cannot be placed",
           basin->epsg);
  double *area = NULL;
  if (sources->count) {
    WC_MALLOC(area, (size_t)model->n, "areas per node");
    for (int32_t i = 0; i < model->n; ++i) area[i] = basin->flow_accumulation_km2[basin->graph->cell[i]];
  }
  wc_status status = WC_OK;
  for (size_t k = 0; k < sources->count && status == WC_OK; ++k) {
    const wc_point_source *source = &sources->items[k];
    double x, y, moved = 0;
    int32_t node = -1;
    status = wc_utm_forward(zone, north, source->lon_deg, source->lat_deg, &x, &y);
    /* Discharges reach the river: the largest-area cell within two cells (at least 2 km). */
    if (status == WC_OK)
      status = wc_section_snap(basin->graph, area, x, y, fmax(2000.0, 2 * model->cell_size_m), &node, &moved);
    if (status != WC_OK) {
      char reason[1024]; /* copied: the message is rewritten from itself */
      snprintf(reason, sizeof reason, "%s", wc_error_message());
      status = wc_error_set(WC_ERR_SCENARIO, __FILE__, __LINE__,
                            "management.point_sources[%zu] '%s' at lon %g, lat %g cannot be placed in basin '%s': %s",
                            k, source->name, source->lon_deg, source->lat_deg, basin->name, reason);
      break;
    }
    status = wc_model_add_point_source(model, node, source->discharge_m3_per_s, source->tn_concentration_mg_per_l);
    if (status != WC_OK) break;
  }
  free(area);
  return status;
}

wc_status wc_model_add_point_source(wc_model *model, int32_t node, double discharge_m3_per_s, double tn_mg_per_l) {
  wc_cell_static *cell = &model->cells[node];
  if (cell->point_source < 0) {
    wc_point_inflow *grown = realloc(model->point_inflow, ((size_t)model->n_point_sources + 1) * sizeof *grown);
    WC_CHECK(grown != NULL, WC_ERR_MEMORY, "out of memory for %d point sources", (int)model->n_point_sources + 1);
    model->point_inflow = grown;
    grown[model->n_point_sources] = (wc_point_inflow){0.0, 0.0};
    cell->point_source = model->n_point_sources++;
  }
  wc_point_inflow *in = &model->point_inflow[cell->point_source];
  in->water_mm_per_s += discharge_m3_per_s / model->cell_area_m2 * 1e3;
  /* m3/s * mg/L = g/s; to kg/s, then per hectare of the cell. */
  in->n_kg_ha_per_s += discharge_m3_per_s * tn_mg_per_l * 1e-3 / (model->cell_area_m2 * 1e-4);
  return WC_OK;
}

static double land_use_uptake(const wc_land_use_class *cls) {
  /* The land-use name says more than the crop class ("none" covers forest and urban). */
  static const char *const by_name[] = {"forest", "grassland", "cropland", "urban", "water"};
  for (size_t k = 0; k < sizeof by_name / sizeof by_name[0]; ++k)
    if (strcmp(cls->name, by_name[k]) == 0) return wc_crop_annual_uptake_kg_per_ha(by_name[k]);
  return wc_crop_annual_uptake_kg_per_ha(cls->crop_class);
}

/* Mineralisation rate by land use: tilled cropland, and the rest. */
static void land_use_organic_n(const wc_parameters *p, const wc_land_use_class *cls, wc_cell_static *c) {
  c->mineralisation_per_s = (strcmp(cls->crop_class, "cropland") == 0 ? p->mineralisation_cropland_per_day
                                                                       : p->mineralisation_natural_per_day) /
                            SECONDS_PER_DAY;
}

/* Soil organic N and initial inorganic N by land use, kg/ha: tilled cropland, forest, and
 * the rest (grassland, urban, water) with the grassland values. Needed once, for the
 * initial state, so not kept per cell. */
static void land_use_initial_n(const wc_parameters *p, const wc_land_use_class *cls, double *inorganic_kg_ha,
                               double *soil_organic_kg_ha) {
  if (strcmp(cls->crop_class, "cropland") == 0) {
    *soil_organic_kg_ha = p->soil_organic_n_cropland_kg_per_ha;
    *inorganic_kg_ha = p->initial_inorganic_n_cropland_kg_per_ha;
  } else {
    *inorganic_kg_ha = p->initial_inorganic_n_kg_per_ha;
    *soil_organic_kg_ha =
        strcmp(cls->name, "forest") == 0 ? p->soil_organic_n_forest_kg_per_ha : p->soil_organic_n_grassland_kg_per_ha;
  }
}

static const wc_land_use_class *cell_land_use(const wc_basin *basin, int32_t cell) {
  for (int32_t k = 0; k < basin->n_land_use; ++k)
    if (basin->land_use_classes[k].id == basin->land_use[cell]) return &basin->land_use_classes[k];
  return NULL;
}

static wc_status fill_cells(wc_model *model) {
  const wc_basin *basin = model->basin;
  const wc_drainage_graph *graph = basin->graph;
  const wc_parameters *p = &model->parameters;
  bool north = true;
  int zone = utm_zone_of(basin, &north);
  for (int32_t i = 0; i < model->n; ++i) {
    int32_t cell = graph->cell[i];
    wc_cell_static *c = &model->cells[i];
    c->reservoir = c->point_source = -1;
    c->is_channel = basin->channel[cell] != 0;
    c->slope_sqrt = sqrt(basin->slope[cell]);
    double link = wc_drainage_graph_link_length_m(graph, i);
    c->link_length_m = link > 0 ? link : model->cell_size_m;
    double area_km2 = basin->flow_accumulation_km2[cell];
    c->channel_width_m = fmax(1.0, p->channel_width_coefficient_m * pow(area_km2, p->channel_width_exponent));
    c->retention_k20_per_s =
        fmax(p->stream_retention_large_per_day, p->stream_retention_small_per_day / sqrt(fmax(1.0, area_km2))) /
        SECONDS_PER_DAY;
    const wc_land_use_class *cls = cell_land_use(basin, cell);
    WC_CHECK(cls, WC_ERR_INPUT, "basin '%s': cell row %d, column %d has land use %d, not in its table", basin->name,
             graph->row[i], graph->col[i], basin->land_use[cell]);
    c->land_use_class = (int16_t)(cls - basin->land_use_classes); /* < INT16_MAX: model_build */
    c->manning_n = cls->manning_n;
    c->impervious = cls->impervious_fraction;
    c->uptake_annual_kg_ha = land_use_uptake(cls);
    c->uptake_return = strcmp(cls->crop_class, "cropland") == 0 ? p->crop_residue_fraction : p->litter_return_fraction;
    land_use_organic_n(p, cls, c);
    c->jurisdiction = basin->jurisdiction[cell] >= 0 ? wc_basin_find_jurisdiction(basin, basin->jurisdiction[cell]) : -1;
    c->area_up_km2 = area_km2;
    c->takes_river_water = c->is_channel;
    c->ksat_mm_per_s = basin->soil_ksat_mm_per_h[cell] / 3600.0;
    c->field_capacity_mm = basin->soil_field_capacity_mm[cell];
    c->saturation_mm = basin->soil_saturation_mm[cell];
    wc_model_derive_soil(c);
    wc_model_derive_outflow(model, c);

    double x = basin->grid.x_left_m + (graph->col[i] + 0.5) * model->cell_size_m;
    double y = basin->grid.y_top_m - (graph->row[i] + 0.5) * model->cell_size_m;
    model->x_m[i] = x;
    model->y_m[i] = y;
    model->elevation_m[i] = basin->dem_m[cell];
    double lon = 0, lat = 40.0; /* a basin without a UTM CRS: mid-latitude of North China */
    if (zone > 0) WC_CALL(wc_utm_inverse(zone, north, x, y, &lon, &lat));
    model->latitude_deg[i] = lat;
    model->latitude_trig[i] = wc_latitude_trig_of(lat);
  }
  for (int32_t r = 0; r < basin->n_reservoirs; ++r) {
    const wc_reservoir *reservoir = &basin->reservoirs[r];
    int32_t node = graph->node_of_cell[reservoir->row * basin->grid.cols + reservoir->col];
    WC_CHECK(node >= 0, WC_ERR_INPUT, "reservoir '%s' is not on a basin cell", reservoir->name);
    wc_cell_static *c = &model->cells[node];
    c->reservoir = r;
    /* Reservoir supply is an operating rule, not a jurisdiction's withdrawal (docs/model.md). */
    c->takes_river_water = 0;
    wc_reservoir_store *store = &model->reservoir_store[r];
    store->capacity_mm = reservoir->capacity_m3 / model->cell_area_m2 * 1e3;
    double surface_km2 = isfinite(reservoir->area_at_capacity_km2) ? reservoir->area_at_capacity_km2 : 1.0;
    store->surface_at_capacity_fraction = surface_km2 * 1e6 / model->cell_area_m2;
  }
  for (int32_t i = 0; i < model->n; ++i) model->cells[i].use_half_storage_mm = wc_model_use_half_storage_mm(model, &model->cells[i]);
  return WC_OK;
}

/* Units of a budget flux total: mm of water, or kg/ha of N. */
static bool flux_is_water(int flux) {
  switch (flux) {
  case WC_FLUX_WATER_IN:
  case WC_FLUX_WATER_ET:
  case WC_FLUX_WATER_OUT:
  case WC_FLUX_WATER_USE: return true;
  default: return false;
  }
}

static void fill_ode(wc_model *model, const wc_scenario *scenario) {
  const wc_drainage_graph *graph = model->basin->graph;
  double water_mm = scenario ? scenario->solver.water_tolerance_m * 1e3 : 1e-3;
  double nitrogen = scenario ? scenario->solver.nitrogen_tolerance_kg_per_ha : 1e-5;
  for (int s = 0; s < WC_STATE_COUNT; ++s) model->abs_tolerance[s] = s < WC_STATE_NO3 ? water_mm : nitrogen;
  for (int f = 0; f < WC_FLUX_COUNT; ++f) model->flux_abs_tolerance[f] = flux_is_water(f) ? water_mm : nitrogen;
  model->ode = (wc_graph_ode){
      .n_cells = model->n,
      .downstream = graph->downstream,
      .upstream_start = graph->upstream_start,
      .upstream_index = graph->upstream_index,
      .n_states = WC_STATE_COUNT,
      .n_transport = WC_TRANSPORT_COUNT,
      .n_fluxes = WC_FLUX_COUNT,
      .transport_target = transport_target,
      .state_names = state_names,
      .abs_tolerance = model->abs_tolerance,
      .flux_abs_tolerance = model->flux_abs_tolerance,
      .cell_rhs = wc_model_cell_rhs,
      .cell_jacobian = wc_model_cell_jacobian,
      .jacobian_structure = wc_model_jacobian_structure,
      .context = model,
  };
}

static void derive_rates(wc_model *model) {
  const wc_parameters *p = &model->parameters;
  model->melt_mm_s_c = p->degree_day_mm_per_c_day / SECONDS_PER_DAY;
  model->baseflow_per_s = 1.0 / (p->baseflow_recession_days * SECONDS_PER_DAY);
  model->release_per_s = 1.0 / (p->reservoir_release_days * SECONDS_PER_DAY);
  model->spill_per_s = 1.0 / (p->reservoir_spill_days * SECONDS_PER_DAY);
  model->denitrification_per_s = p->denitrification_per_day / SECONDS_PER_DAY;
  model->groundwater_denitrification_per_s = p->groundwater_denitrification_per_day / SECONDS_PER_DAY;
  model->reservoir_retention_per_s = p->reservoir_tn_retention_per_day / SECONDS_PER_DAY;
  model->per_et_soil_fraction = p->et_soil_fraction_of_fc > 0 ? 1.0 / p->et_soil_fraction_of_fc : 0.0;
  model->per_denitrification_span = 1.0 / (1.0 - p->denitrification_wetness);
}

static wc_status model_build(wc_model *model, const wc_scenario *scenario) {
  derive_rates(model);
  WC_MALLOC(model->cells, (size_t)model->n, "model cells");
  WC_MALLOC(model->forcing, (size_t)model->n, "model forcing");
  WC_MALLOC(model->x_m, (size_t)model->n, "cell x");
  WC_MALLOC(model->y_m, (size_t)model->n, "cell y");
  WC_MALLOC(model->elevation_m, (size_t)model->n, "cell elevation");
  WC_MALLOC(model->latitude_deg, (size_t)model->n, "cell latitude");
  WC_MALLOC(model->latitude_trig, (size_t)model->n, "cell latitude's sine, cosine and tangent");
  model->n_land_use = model->basin->n_land_use;
  WC_CHECK(model->n_land_use < INT16_MAX, WC_ERR_INPUT, "basin '%s' has %d land-use classes; at most %d are supported",
           model->basin->name, (int)model->n_land_use, INT16_MAX - 1);
  model->fertiliser_kg_ha = calloc((size_t)model->n_land_use + 1, sizeof *model->fertiliser_kg_ha);
  model->fertiliser_rate_kg_ha_s = calloc((size_t)model->n_land_use + 1, sizeof *model->fertiliser_rate_kg_ha_s);
  model->reservoir_store = calloc((size_t)model->basin->n_reservoirs + 1, sizeof *model->reservoir_store);
  WC_CHECK(model->fertiliser_kg_ha && model->fertiliser_rate_kg_ha_s && model->reservoir_store, WC_ERR_MEMORY,
           "out of memory for fertiliser plans and reservoirs");
  WC_CALL(fill_cells(model));
  if (scenario) {
    WC_CALL(apply_plans(model, &scenario->management.fertiliser, "fertiliser"));
    WC_CALL(apply_plans(model, &scenario->management.manure, "manure"));
    WC_CALL(place_point_sources(model, &scenario->management.point_sources));
    WC_CALL(wc_model_apply_water_use(model, &scenario->management.water_use));
    model->wet_deposition_mg_l = scenario->management.deposition.wet_concentration_mg_per_l;
    model->dry_deposition_kg_ha_yr = scenario->management.deposition.dry_kg_per_ha_yr;
  }
  fill_ode(model, scenario);
  WC_CALL(wc_model_assign_budget_rows(model));
  return WC_OK;
}

wc_status wc_model_create(const wc_basin *basin, const wc_scenario *scenario, const wc_parameters *parameters,
                          wc_model **out) {
  *out = NULL;
  WC_CHECK(basin && basin->graph, WC_ERR_INTERNAL, "wc_model_create: the basin has no drainage graph");
  wc_model *model;
  WC_MALLOC(model, 1, "the model");
  model->basin = basin;
  model->parameters = parameters ? *parameters : wc_parameters_default();
  model->n = basin->graph->n;
  model->cell_size_m = basin->grid.cell_size_m;
  model->cell_area_m2 = model->cell_size_m * model->cell_size_m;
  wc_status status = model_build(model, scenario);
  if (status != WC_OK) {
    wc_model_destroy(&model);
    return status;
  }
  *out = model;
  return WC_OK;
}

void wc_model_destroy(wc_model **model) {
  if (!model || !*model) return;
  free((*model)->cells);
  free((*model)->forcing);
  free((*model)->x_m);
  free((*model)->y_m);
  free((*model)->elevation_m);
  free((*model)->latitude_deg);
  free((*model)->latitude_trig);
  free((*model)->global_node);
  free((*model)->local_graph);
  free((*model)->use_river_mm_per_km2);
  free((*model)->use_pumping_mm_per_km2);
  free((*model)->fertiliser_kg_ha);
  free((*model)->fertiliser_rate_kg_ha_s);
  free((*model)->reservoir_store);
  free((*model)->point_inflow);
  free((*model)->flux_row);
  free((*model)->row_node);
  free((*model)->row_jurisdiction);
  free(*model);
  *model = NULL;
}

const wc_graph_ode *wc_model_ode(const wc_model *model) { return &model->ode; }

double wc_model_cell_area_m2(const wc_model *model) { return model->cell_area_m2; }

void wc_model_cell_geometry(const wc_model *model, const double **x_m, const double **y_m, const double **elevation_m,
                            const double **latitude_deg) {
  *x_m = model->x_m;
  *y_m = model->y_m;
  *elevation_m = model->elevation_m;
  *latitude_deg = model->latitude_deg;
}

void wc_model_release_geometry(wc_model *model) {
  free(model->x_m);
  free(model->y_m);
  free(model->elevation_m);
  model->x_m = model->y_m = model->elevation_m = NULL;
}

void wc_model_set_parameters(wc_model *model, const wc_parameters *parameters) {
  model->parameters = *parameters;
  derive_rates(model);
  const wc_basin *basin = model->basin;
  for (int32_t i = 0; i < model->n; ++i) {
    wc_cell_static *c = &model->cells[i];
    int32_t node = model->global_node ? model->global_node[i] : i;
    int32_t cell = basin->graph->cell[node];
    double area_km2 = basin->flow_accumulation_km2[cell];
    c->channel_width_m =
        fmax(1.0, parameters->channel_width_coefficient_m * pow(area_km2, parameters->channel_width_exponent));
    c->retention_k20_per_s = fmax(parameters->stream_retention_large_per_day,
                                  parameters->stream_retention_small_per_day / sqrt(fmax(1.0, area_km2))) /
                             SECONDS_PER_DAY;
    c->use_half_storage_mm = wc_model_use_half_storage_mm(model, c);
    wc_model_derive_outflow(model, c);
    c->uptake_return = parameters->litter_return_fraction;
    const wc_land_use_class *cls = cell_land_use(basin, cell);
    if (cls) {
      if (strcmp(cls->crop_class, "cropland") == 0) c->uptake_return = parameters->crop_residue_fraction;
      land_use_organic_n(parameters, cls, c);
    }
  }
}

void wc_model_override_surface(wc_model *model, double impervious_fraction, double ksat_mm_per_h, double manning_n) {
  for (int32_t i = 0; i < model->n; ++i) {
    model->cells[i].impervious = impervious_fraction;
    model->cells[i].ksat_mm_per_s = ksat_mm_per_h / 3600.0;
    model->cells[i].manning_n = manning_n;
    wc_model_derive_outflow(model, &model->cells[i]);
  }
}

void wc_model_initial_state(const wc_model *model, double *y) {
  const wc_parameters *p = &model->parameters;
  for (int32_t i = 0; i < model->n; ++i) {
    const wc_cell_static *c = &model->cells[i];
    double *s = y + (size_t)i * WC_STATE_COUNT;
    for (int k = 0; k < WC_STATE_COUNT; ++k) s[k] = 0;
    if (c->reservoir >= 0) {
      s[WC_STATE_SURFACE] = p->reservoir_initial_fraction * model->reservoir_store[c->reservoir].capacity_mm;
      /* mg/L * mm over the cell = mg/m2; 1 mg/m2 = 0.01 kg/ha. */
      s[WC_STATE_SURFACE_N] = 0.01 * p->initial_groundwater_n_mg_per_l * s[WC_STATE_SURFACE];
      continue;
    }
    s[WC_STATE_SOIL] = p->initial_soil_fraction_of_fc * c->field_capacity_mm;
    s[WC_STATE_GROUNDWATER] = p->initial_groundwater_mm;
    double inorganic_kg_ha, soil_organic_kg_ha;
    land_use_initial_n(p, &model->basin->land_use_classes[c->land_use_class], &inorganic_kg_ha, &soil_organic_kg_ha);
    s[WC_STATE_NO3] = inorganic_kg_ha;
    /* The organic pool is the active share; the stable rest does not take part (docs/model.md). */
    s[WC_STATE_ORGANIC_N] = p->active_organic_fraction * soil_organic_kg_ha;
    s[WC_STATE_GROUNDWATER_N] = 0.01 * p->initial_groundwater_n_mg_per_l * p->initial_groundwater_mm;
  }
}

/* ---- forcing of one interval -------------------------------------------------------------- */

/* The sun on one day of the year (FAO-56 eqs 23-24): the same for every cell, so worked out
 * once per interval (with the per-cell terms below these were 10 libm calls per cell and
 * day, 5% of a cell-by-cell run); the latitude's terms are the cell's, worked out once
 * (wc_latitude_trig), which leaves the sunset angle's two calls per cell and day. */
typedef struct solar_day {
  double dr;                     /* inverse relative distance Earth-Sun */
  double sin_delta, cos_delta, tan_delta; /* of the solar declination */
} solar_day;

static solar_day solar_day_of(int day_of_year) {
  const double pi = 3.14159265358979323846;
  double delta = 0.409 * sin(2.0 * pi * day_of_year / 365.0 - 1.39);
  return (solar_day){.dr = 1.0 + 0.033 * cos(2.0 * pi * day_of_year / 365.0),
                     .sin_delta = sin(delta),
                     .cos_delta = cos(delta),
                     .tan_delta = tan(delta)};
}

/* Hargreaves (1985) reference ET, mm/day, with extraterrestrial radiation from FAO-56 eqs
 * 21-25 (Ra in MJ m-2 day-1, times 0.408 to mm of evaporated water). */
static double hargreaves_pet_mm_day(const wc_latitude_trig *phi, const solar_day *sun, double t_min_c,
                                    double t_max_c) {
  const double pi = 3.14159265358979323846;
  double x = -phi->tan_phi * sun->tan_delta;
  double omega = acos(fmax(-1.0, fmin(1.0, x)));
  double ra = 24.0 * 60.0 / pi * 0.0820 * sun->dr *
              (omega * phi->sin_phi * sun->sin_delta + phi->cos_phi * sun->cos_delta * sin(omega));
  double t_mean = 0.5 * (t_min_c + t_max_c);
  double pet = 0.0023 * 0.408 * ra * (t_mean + 17.8) * sqrt(fmax(0.0, t_max_c - t_min_c));
  return fmax(0.0, pet);
}

/* HYPE's temperature factor: 2^((T-20)/10), faded out below 5 degC, zero below 0 degC. */
static double temperature_factor(double t_c) {
  if (t_c <= 0) return 0;
  double f = exp2((t_c - 20.0) / 10.0);
  return t_c < 5.0 ? f * t_c / 5.0 : f;
}

/* Share of the yearly uptake demanded per day: a sine over the growing season (1 April to
 * 30 September), integrating to 1. */
static double uptake_shape_per_day(int day_of_year) {
  const double first = 91, length = 183, pi = 3.14159265358979323846;
  double x = (day_of_year - first) / length;
  if (x <= 0 || x >= 1) return 0;
  return pi / (2.0 * length) * sin(pi * x);
}

wc_status wc_model_set_forcing(wc_model *model, wc_time_s start, double step_s, const double *precipitation_mm,
                               const double *temperature_c, const double *temperature_min_c,
                               const double *temperature_max_c) {
  WC_CHECK(step_s > 0, WC_ERR_INTERNAL, "forcing interval must be positive");
  int day_of_year = wc_day_of_year(start);
  int year, month, day;
  wc_civil_from_days(start >= 0 ? start / WC_SECONDS_PER_DAY : -((-start + WC_SECONDS_PER_DAY - 1) / WC_SECONDS_PER_DAY),
                     &year, &month, &day);
  double month_seconds = wc_days_in_month(year, month) * SECONDS_PER_DAY;
  double uptake_shape = uptake_shape_per_day(day_of_year) / SECONDS_PER_DAY;
  double dry = model->dry_deposition_kg_ha_yr / SECONDS_PER_YEAR;
  const wc_parameters *pm = &model->parameters;
  const solar_day sun = solar_day_of(day_of_year);
  for (int32_t k = 0; k < model->n_land_use; ++k)
    for (int kind = 0; kind < 2; ++kind)
      model->fertiliser_rate_kg_ha_s[k][kind] = model->fertiliser_kg_ha[k][kind][month - 1] / month_seconds;
  for (int32_t i = 0; i < model->n; ++i) {
    double p = precipitation_mm[i], t = temperature_c[i];
    if (!(isfinite(p) && p >= 0 && isfinite(t) && isfinite(temperature_min_c[i]) && isfinite(temperature_max_c[i]))) {
      char when[32];
      int32_t node = model->global_node ? model->global_node[i] : i;
      wc_time_format(start, when, sizeof when);
      WC_FAIL(WC_ERR_INPUT,
              "forcing at %s for cell row %d, column %d: precipitation %g mm, temperature %g degC (min %g, max %g); "
              "precipitation must be finite and >= 0, temperatures finite",
              when, model->basin->graph->row[node], model->basin->graph->col[node], p, t, temperature_min_c[i],
              temperature_max_c[i]);
    }
    wc_cell_forcing *f = &model->forcing[i];
    const wc_cell_static *c = &model->cells[i];
    f->precipitation_mm_s = p / step_s;
    f->pet_mm_s =
        hargreaves_pet_mm_day(&model->latitude_trig[i], &sun, temperature_min_c[i], temperature_max_c[i]) / SECONDS_PER_DAY;
    /* Wet deposition: mg/L times mm of rain = mg/m2; 1 mg/m2 = 0.01 kg/ha. */
    f->n_deposition_kg_ha_s = 0.01 * model->wet_deposition_mg_l * f->precipitation_mm_s + dry;
    f->uptake_demand_kg_ha_s = t > 0 ? c->uptake_annual_kg_ha * uptake_shape : 0.0;
    /* Linear rain/snow split over +-1 degC around the threshold. */
    double snow_share = fmin(1.0, fmax(0.0, 0.5 - (t - pm->snow_threshold_c) / 2.0));
    f->snowfall_mm_s = snow_share * f->precipitation_mm_s;
    f->rain_mm_s = f->precipitation_mm_s - f->snowfall_mm_s;
    f->melt_rate_mm_s = model->melt_mm_s_c * fmax(0.0, t - pm->melt_threshold_c);
    f->temperature_factor = temperature_factor(t);
    f->retention_per_s = c->is_channel ? c->retention_k20_per_s * pow(pm->stream_retention_theta, t - 20.0) : 0.0;
    f->use_surface_mm_s = f->use_groundwater_mm_s = 0.0;
    if (model->use_river_mm_per_km2 && c->jurisdiction >= 0 && c->takes_river_water) {
      double per_km2_s = c->area_up_km2 / month_seconds;
      f->use_surface_mm_s = per_km2_s * model->use_river_mm_per_km2[c->jurisdiction][month - 1];
      f->use_groundwater_mm_s = per_km2_s * model->use_pumping_mm_per_km2[c->jurisdiction][month - 1];
    }
  }
  return WC_OK;
}
