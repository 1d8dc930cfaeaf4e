/*
 * wc_cell_rhs.c — the equations of one cell (docs/model.md, "Equations").
 *
 * Every outflow of a store vanishes with the store (a power of it, or the store over the
 * store plus a small guard), so stores stay non-negative by construction and no value is
 * ever clipped after the fact. Internal transfers appear twice with opposite signs, so the
 * budgets close to the solver's tolerance. Withdrawals follow the same rule: the demand
 * times S/(S + k), and the N they carry is the store's concentration times the rate.
 */
#include <math.h>

#include "wc_cube_root.h"
#include "wc_model_private.h"

/* x^(2/3) without pow: a cube root is several times cheaper. */
static inline double two_thirds_power(double x) {
  double c = wc_cube_root(x);
  return c * c;
}

void wc_model_derive_outflow(const wc_model *model, wc_cell_static *cell) {
  if (cell->is_channel) {
    cell->outflow_coefficient =
        cell->slope_sqrt / model->parameters.channel_manning_n / model->cell_area_m2 * 1e3; /* m3/s -> mm/s */
    cell->channel_area_per_mm = 1e-3 * model->cell_area_m2 / cell->link_length_m;
  } else {
    cell->outflow_coefficient = cell->slope_sqrt / cell->manning_n * 1e3 / model->cell_size_m; /* m2/s -> mm/s */
    cell->channel_area_per_mm = 0.0;
  }
}

static inline double inverse_or_zero(double x) { return x > 0 ? 1.0 / x : 0.0; }

void wc_model_derive_soil(wc_cell_static *cell) {
  cell->per_field_capacity_mm = inverse_or_zero(cell->field_capacity_mm);
  cell->per_saturation_mm = inverse_or_zero(cell->saturation_mm);
  cell->per_drainable_mm = inverse_or_zero(cell->saturation_mm - cell->field_capacity_mm);
}

double wc_model_surface_outflow(const wc_model *model, const wc_cell_static *cell, double surface_mm) {
  double v = wc_positive(surface_mm);
  if (cell->reservoir >= 0) {
    /* Level-pool reservoir: release proportional to storage, plus fast spill above capacity. */
    return v * model->release_per_s + wc_positive(v - model->reservoir_store[cell->reservoir].capacity_mm) * model->spill_per_s;
  }
  if (!cell->is_channel) {
    /* Sheet flow, Manning: q = h^(5/3) sqrt(S) / n per metre of width, over the cell's width. */
    double depth_m = v * 1e-3;
    return depth_m * two_thirds_power(depth_m) * cell->outflow_coefficient;
  }
  /* Channel reach of the link's length: rectangular section, Manning with
   * R = A / (w + 2 A / w) = A w / (w^2 + 2 A) (one division on the way to q, not three). */
  double area_m2 = v * cell->channel_area_per_mm;
  double width = cell->channel_width_m;
  double radius = area_m2 * width / (width * width + 2.0 * area_m2);
  return area_m2 * two_thirds_power(radius) * cell->outflow_coefficient;
}

/* Share of a demand a store can supply: S/(S + k), 1/2 at S = k, 0 when empty. */
static inline double supply_share(double store, double half_store) { return store / (store + half_store); }

/* The point sources discharging into a cell (most have none: zeros). */
static inline wc_point_inflow point_inflow_of(const wc_model *model, const wc_cell_static *cell) {
  return cell->point_source >= 0 ? model->point_inflow[cell->point_source] : (wc_point_inflow){0.0, 0.0};
}

static wc_status reservoir_rhs(const wc_model *model, const wc_cell_static *cell, const wc_cell_forcing *f,
                               const double *y, const double *inflow, double *ydot, double *outflow, double *flux) {
  const wc_parameters *p = &model->parameters;
  const wc_reservoir_store *store = &model->reservoir_store[cell->reservoir];
  const wc_point_inflow point = point_inflow_of(model, cell);
  double v = wc_positive(y[WC_STATE_SURFACE]);
  double fill = store->capacity_mm > 0 ? v / store->capacity_mm : 0;
  /* Lake area grows as storage^(2/3) (a cone-like basin), at capacity the given surface. */
  double evaporation = p->open_water_pet_factor * f->pet_mm_s * store->surface_at_capacity_fraction * two_thirds_power(fill);
  double release = wc_model_surface_outflow(model, cell, v);
  double n = wc_positive(y[WC_STATE_SURFACE_N]);
  double n_out = n * release / (v + WC_SURFACE_WATER_GUARD_MM);
  double retention = model->reservoir_retention_per_s * n;
  for (int s = 0; s < WC_STATE_COUNT; ++s) ydot[s] = 0;
  ydot[WC_STATE_SURFACE] = f->precipitation_mm_s + point.water_mm_per_s + inflow[WC_TRANSPORT_WATER] -
                           evaporation - release;
  ydot[WC_STATE_SURFACE_N] = f->n_deposition_kg_ha_s + point.n_kg_ha_per_s + inflow[WC_TRANSPORT_N] -
                             retention - n_out;
  outflow[WC_TRANSPORT_WATER] = release;
  outflow[WC_TRANSPORT_N] = n_out;
  if (flux) {
    flux[WC_FLUX_WATER_IN] = f->precipitation_mm_s + point.water_mm_per_s;
    flux[WC_FLUX_WATER_ET] = evaporation;
    flux[WC_FLUX_WATER_OUT] = release;
    flux[WC_FLUX_N_IN] = f->n_deposition_kg_ha_s + point.n_kg_ha_per_s;
    flux[WC_FLUX_N_LOSS] = retention;
    flux[WC_FLUX_N_OUT] = n_out;
    flux[WC_FLUX_WATER_USE] = 0; /* reservoir supply is not a jurisdiction's water use */
    flux[WC_FLUX_N_USE] = 0;
  }
  return WC_OK;
}

wc_status wc_model_cell_rhs(void *context, double t, int32_t node, const double *y, const double *inflow,
                            double *ydot, double *outflow, double *flux) {
  (void)t; /* forcing is constant over the interval; set by wc_model_set_forcing */
  const wc_model *model = context;
  const wc_cell_static *cell = &model->cells[node];
  const wc_cell_forcing *f = &model->forcing[node];
  if (cell->reservoir >= 0) return reservoir_rhs(model, cell, f, y, inflow, ydot, outflow, flux);
  const wc_parameters *p = &model->parameters;
  const wc_point_inflow point = point_inflow_of(model, cell);
  const double *fertiliser = model->fertiliser_rate_kg_ha_s[cell->land_use_class];

  double snow = wc_positive(y[WC_STATE_SNOW]), soil = wc_positive(y[WC_STATE_SOIL]);
  double groundwater = wc_positive(y[WC_STATE_GROUNDWATER]), surface = wc_positive(y[WC_STATE_SURFACE]);
  double no3 = wc_positive(y[WC_STATE_NO3]), organic = wc_positive(y[WC_STATE_ORGANIC_N]);
  double groundwater_n = wc_positive(y[WC_STATE_GROUNDWATER_N]), surface_n = wc_positive(y[WC_STATE_SURFACE_N]);

  /* Snow: the split and melt rate of this interval's temperature (wc_model_set_forcing);
   * melt is limited as the pack empties. */
  double snowfall = f->snowfall_mm_s, rain = f->rain_mm_s;
  double melt = f->melt_rate_mm_s * snow / (snow + 0.1);
  double water_in = rain + melt;

  /* Surface: sealed share runs off; infiltration excess above Ksat; saturation excess grows
   * with relative soil wetness (variable source area). */
  double sealed_runoff = cell->impervious * water_in;
  double pervious = water_in - sealed_runoff;
  double infiltration_excess = wc_positive(pervious - cell->ksat_mm_per_s);
  double infiltrating = pervious - infiltration_excess;
  /* Shares of the soil's sizes by multiplication (the inverses are set once): a division
   * is 13+ cycles on the path of every Newton iteration. */
  double wetness = cell->per_saturation_mm > 0 ? wc_at_most_one(soil * cell->per_saturation_mm) : 1.0;
  double soil_per_fc = soil * cell->per_field_capacity_mm; /* 0 without a field capacity */
  double saturation_excess = infiltrating * wc_unit_power(wetness, p->saturation_excess_exponent);
  double to_soil = infiltrating - saturation_excess;
  /* Part of the excess finds macropores and fractured rock to the groundwater (HBV sends
   * all of it there); the rest runs off. */
  double recharge = p->preferential_recharge_fraction * saturation_excess;
  double quick_excess = saturation_excess - recharge;
  double runoff = sealed_runoff + infiltration_excess + quick_excess;

  /* Soil: ET at PET above a share of field capacity, linearly less below; percolation of
   * the drainable water above field capacity. */
  double et = f->pet_mm_s * (1.0 - cell->impervious) * wc_at_most_one(soil_per_fc * model->per_et_soil_fraction);
  double drainable = wc_positive(soil - cell->field_capacity_mm) * cell->per_drainable_mm;
  double percolation = cell->ksat_mm_per_s * wc_unit_power(drainable, p->percolation_exponent);
  double baseflow = model->baseflow_per_s * groundwater;

  /* Routing of the surface/channel store to the downstream cell. */
  double q_out = wc_model_surface_outflow(model, cell, surface);

  /* Nitrogen in the soil: concentrations are mass over water, guarded for empty stores. */
  double soil_c = no3 / (soil + WC_SOIL_WATER_GUARD_MM);
  double leaching = soil_c * (percolation + recharge);
  double runoff_n = p->runoff_n_extraction * soil_c * (infiltration_excess + quick_excess);
  /* Ammonia escapes from the applied inorganic N (urea, ammonium in manure) on the spot. */
  double volatilisation = p->fertiliser_volatilisation_fraction * fertiliser[WC_FERTILISER_INORGANIC];
  double t_factor = f->temperature_factor;
  double moisture = wc_at_most_one(soil_per_fc);
  double mineralisation = cell->mineralisation_per_s * t_factor * moisture * organic;
  double uptake = f->uptake_demand_kg_ha_s * no3 / (no3 + p->uptake_half_saturation_kg_per_ha);
  double returned = cell->uptake_return * uptake;
  double wet = wc_positive(wetness - p->denitrification_wetness) * model->per_denitrification_span;
  double denitrification = model->denitrification_per_s * t_factor * wet * wet * no3;
  double groundwater_c = groundwater_n / (groundwater + WC_GROUNDWATER_GUARD_MM);
  double baseflow_n = groundwater_c * baseflow;
  /* Groundwater N passes the riparian zone on its way into the stream; a share is
   * denitrified there. */
  double riparian_loss = p->riparian_removal_fraction * baseflow_n;
  double aquifer_loss = model->groundwater_denitrification_per_s * groundwater_n;
  double surface_c = surface_n / (surface + WC_SURFACE_WATER_GUARD_MM);
  double n_out = surface_c * q_out;
  double retention = f->retention_per_s * surface_n;

  /* Water use: the river withdrawal fades as the channel empties, pumping as the aquifer
   * does, and what the aquifer cannot give the wells draw from the river (induced
   * recharge), fading with the channel in turn. Each carries its store's N. */
  double use_river = 0, use_pumped = 0;
  if (f->use_surface_mm_s > 0 || f->use_groundwater_mm_s > 0) {
    use_pumped = f->use_groundwater_mm_s * supply_share(groundwater, p->pumping_half_storage_mm);
    use_river = (f->use_surface_mm_s + f->use_groundwater_mm_s - use_pumped) *
                supply_share(surface, cell->use_half_storage_mm);
  }
  double use_river_n = surface_c * use_river;
  double use_pumped_n = groundwater_c * use_pumped;

  ydot[WC_STATE_SNOW] = snowfall - melt;
  ydot[WC_STATE_SOIL] = to_soil - et - percolation;
  ydot[WC_STATE_GROUNDWATER] = percolation + recharge - baseflow - use_pumped;
  ydot[WC_STATE_SURFACE] = runoff + baseflow + point.water_mm_per_s + inflow[WC_TRANSPORT_WATER] - q_out - use_river;
  ydot[WC_STATE_NO3] = f->n_deposition_kg_ha_s + fertiliser[WC_FERTILISER_INORGANIC] - volatilisation + mineralisation -
                       uptake - denitrification - leaching - runoff_n;
  ydot[WC_STATE_ORGANIC_N] = fertiliser[WC_FERTILISER_ORGANIC] + returned - mineralisation;
  ydot[WC_STATE_GROUNDWATER_N] = leaching - baseflow_n - aquifer_loss - use_pumped_n;
  ydot[WC_STATE_SURFACE_N] = runoff_n + (baseflow_n - riparian_loss) + point.n_kg_ha_per_s + inflow[WC_TRANSPORT_N] -
                             retention - n_out - use_river_n;
  outflow[WC_TRANSPORT_WATER] = q_out;
  outflow[WC_TRANSPORT_N] = n_out;
  if (flux) {
    flux[WC_FLUX_WATER_IN] = f->precipitation_mm_s + point.water_mm_per_s;
    flux[WC_FLUX_WATER_ET] = et;
    flux[WC_FLUX_WATER_OUT] = q_out;
    flux[WC_FLUX_N_IN] = f->n_deposition_kg_ha_s + fertiliser[WC_FERTILISER_INORGANIC] + fertiliser[WC_FERTILISER_ORGANIC] +
                         point.n_kg_ha_per_s;
    flux[WC_FLUX_N_LOSS] =
        volatilisation + uptake - returned + denitrification + aquifer_loss + riparian_loss + retention;
    flux[WC_FLUX_N_OUT] = n_out;
    flux[WC_FLUX_WATER_USE] = use_river + use_pumped;
    flux[WC_FLUX_N_USE] = use_river_n + use_pumped_n;
  }
  return WC_OK;
}
