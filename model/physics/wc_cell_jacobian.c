/*
 * wc_cell_jacobian.c — the derivatives of one cell's equations with respect to its own
 * states (wc_cell_jacobian_fn), term by term from wc_cell_rhs.c.
 *
 * Why: the cell-by-cell stepper's Newton iterations converge in fewer evaluations with a
 * Jacobian of the current day's forcing, and by finite differences one costs eight cell
 * calls; analytically it costs about one. Where a term has a kink (a store at zero, a
 * store at field capacity, fmin at saturation) the derivative is the one of the side the
 * value is on and, exactly at the kink, of the side above: what the forward difference
 * the stepper used before saw, and for an empty store the slope of its first drop. A wrong entry here cannot unbalance the books: the stepper
 * uses the Jacobian only to solve for the Newton corrections and to predict; what a step
 * moves is booked from the cell function's rates (docs/solver.md). tests/unit/
 * test_model_cell.c holds every entry to a difference quotient over random states of
 * every kind of cell.
 *
 * Keep this file in step with wc_cell_rhs.c: a change of an equation there is a change
 * of its derivative here.
 */
#include <math.h>
#include <string.h>

#include "wc_cube_root.h"
#include "wc_model_private.h"

/* Where the block below can be non-zero: lower triangular in the state order (water from
 * snow down through soil and groundwater to the surface, then the N stores fed by them),
 * but for d NO3 / d organic N (mineralisation). Reservoir cells' entries lie within it. */
#define BIT(state) (1u << WC_STATE_##state)
const uint16_t wc_model_jacobian_structure[WC_STATE_COUNT] = {
    [WC_STATE_SNOW] = BIT(SNOW),
    [WC_STATE_SOIL] = BIT(SNOW) | BIT(SOIL),
    [WC_STATE_GROUNDWATER] = BIT(SNOW) | BIT(SOIL) | BIT(GROUNDWATER),
    [WC_STATE_SURFACE] = BIT(SNOW) | BIT(SOIL) | BIT(GROUNDWATER) | BIT(SURFACE),
    [WC_STATE_NO3] = BIT(SNOW) | BIT(SOIL) | BIT(NO3) | BIT(ORGANIC_N),
    [WC_STATE_ORGANIC_N] = BIT(SOIL) | BIT(NO3) | BIT(ORGANIC_N),
    [WC_STATE_GROUNDWATER_N] = BIT(SNOW) | BIT(SOIL) | BIT(GROUNDWATER) | BIT(NO3) | BIT(GROUNDWATER_N),
    [WC_STATE_SURFACE_N] = BIT(SNOW) | BIT(SOIL) | BIT(GROUNDWATER) | BIT(SURFACE) | BIT(NO3) | BIT(GROUNDWATER_N) |
                           BIT(SURFACE_N),
};
#undef BIT

/* d wc_positive(x) / dx, at 0 the slope above: what a forward difference sees of an empty store */
static inline double step_of(double x) { return x >= 0 ? 1.0 : 0.0; }

/* d/dx of x^e (wc_unit_power) for x >= 0. */
static inline double unit_power_slope(double x, double e) {
  if (e == 2.0) return 2.0 * x;
  if (e == 3.0) return 3.0 * x * x;
  if (e == 1.0) return 1.0;
  return x > 0 ? e * pow(x, e - 1.0) : 0.0;
}

/* min(1, store / full) and its slope (d_store: that of the store itself), given
 * per_full = 1 / full as the cell function uses it; `if_no_full` when the store has no
 * size (per_full 0). Full, the slope is 0, as above it. */
static inline double share_of_full(double store, double per_full, double if_no_full, double d_store, double *slope) {
  *slope = 0.0;
  if (!(per_full > 0)) return if_no_full;
  double share = store * per_full;
  if (share >= 1.0) return 1.0;
  *slope = d_store * per_full;
  return share;
}

double wc_model_surface_outflow_slope(const wc_model *model, const wc_cell_static *cell, double surface_mm,
                                      double *outflow) {
  double v = wc_positive(surface_mm);
  if (cell->reservoir >= 0 || !(v > 0)) {
    *outflow = wc_model_surface_outflow(model, cell, v);
    if (cell->reservoir < 0) return 0.0;
    return model->release_per_s + (v >= model->reservoir_store[cell->reservoir].capacity_mm ? model->spill_per_s : 0.0);
  }
  /* The same cube root serves the outflow and its slope (wc_model_surface_outflow). */
  if (!cell->is_channel) {
    /* q ~ depth^(5/3): the slope is 5/3 of q / v */
    double depth_m = v * 1e-3;
    double c = wc_cube_root(depth_m);
    double per_mm = 1e-3 * c * c * cell->outflow_coefficient; /* q = v per_mm */
    *outflow = v * per_mm;
    return (5.0 / 3.0) * per_mm;
  }
  /* A R^(2/3) with R = A w / (w^2 + 2 A): d/dA = R^(2/3) (1 + 2/3 w^2 / (w^2 + 2 A)) */
  double area_m2 = v * cell->channel_area_per_mm;
  double width = cell->channel_width_m, wetted_w = width * width + 2.0 * area_m2;
  double c = wc_cube_root(area_m2 * width / wetted_w);
  double conveyance = c * c * cell->outflow_coefficient; /* q / A, in mm/s per m2 */
  *outflow = area_m2 * conveyance;
  return conveyance * (1.0 + (2.0 / 3.0) * width * width / wetted_w) * cell->channel_area_per_mm;
}

static void reservoir_jacobian(const wc_model *model, const wc_cell_static *cell, const wc_cell_forcing *f,
                               const double *y, double *block, double *gradient) {
  enum { NS = WC_STATE_COUNT, V = WC_STATE_SURFACE, N = WC_STATE_SURFACE_N };
  const wc_parameters *p = &model->parameters;
  const wc_reservoir_store *store = &model->reservoir_store[cell->reservoir];
  double v = wc_positive(y[V]), dv = step_of(y[V]);
  double n = wc_positive(y[N]), dn = step_of(y[N]);
  /* evaporation ~ fill^(2/3) */
  double devaporation = 0.0;
  if (store->capacity_mm > 0 && v > 0) {
    double fill = v / store->capacity_mm, c = wc_cube_root(fill);
    devaporation = p->open_water_pet_factor * f->pet_mm_s * store->surface_at_capacity_fraction * (2.0 / 3.0) / c /
                   store->capacity_mm * dv;
  }
  double release;
  double drelease = wc_model_surface_outflow_slope(model, cell, y[V], &release) * dv;
  double guard = v + WC_SURFACE_WATER_GUARD_MM;
  double dn_out_dv = n * (drelease * guard - release * dv) / (guard * guard);
  double dn_out_dn = release / guard * dn;
  block[V * NS + V] = -devaporation - drelease;
  block[N * NS + V] = -dn_out_dv;
  block[N * NS + N] = -model->reservoir_retention_per_s * dn - dn_out_dn;
  gradient[WC_TRANSPORT_WATER * NS + V] = drelease;
  gradient[WC_TRANSPORT_N * NS + V] = dn_out_dv;
  gradient[WC_TRANSPORT_N * NS + N] = dn_out_dn;
}

wc_status wc_model_cell_jacobian(void *context, double t, int32_t node, const double *y, const double *inflow,
                                 double *block, double *gradient) {
  (void)t;      /* forcing is constant over the interval */
  (void)inflow; /* what arrives is a source: it has no derivative with respect to y */
  enum {
    NS = WC_STATE_COUNT,
    SNOW = WC_STATE_SNOW,
    SOIL = WC_STATE_SOIL,
    GW = WC_STATE_GROUNDWATER,
    SURF = WC_STATE_SURFACE,
    NO3 = WC_STATE_NO3,
    ORG = WC_STATE_ORGANIC_N,
    GWN = WC_STATE_GROUNDWATER_N,
    SN = WC_STATE_SURFACE_N,
  };
  const wc_model *model = context;
  const wc_cell_static *cell = &model->cells[node];
  const wc_cell_forcing *f = &model->forcing[node];
  memset(block, 0, sizeof(double) * NS * NS);
  memset(gradient, 0, sizeof(double) * WC_TRANSPORT_COUNT * NS);
  if (cell->reservoir >= 0) {
    reservoir_jacobian(model, cell, f, y, block, gradient);
    return WC_OK;
  }
  const wc_parameters *p = &model->parameters;
#define D(row, col) block[(row) * NS + (col)]

  /* Each store and the slope of wc_positive() at it. */
  double snow = wc_positive(y[SNOW]), soil = wc_positive(y[SOIL]), groundwater = wc_positive(y[GW]);
  double surface = wc_positive(y[SURF]), no3 = wc_positive(y[NO3]), organic = wc_positive(y[ORG]);
  double groundwater_n = wc_positive(y[GWN]), surface_n = wc_positive(y[SN]);
  double d_snow = step_of(y[SNOW]), d_soil = step_of(y[SOIL]), d_gw = step_of(y[GW]), d_surf = step_of(y[SURF]);
  double d_no3 = step_of(y[NO3]), d_org = step_of(y[ORG]), d_gwn = step_of(y[GWN]), d_sn = step_of(y[SN]);

  /* Snow: melt = rate snow / (snow + 0.1); everything below it depends on snow through
   * the water that comes in. */
  double melt = f->melt_rate_mm_s * snow / (snow + 0.1);
  double dmelt_dsnow = f->melt_rate_mm_s * 0.1 / ((snow + 0.1) * (snow + 0.1)) * d_snow;
  double water_in = f->rain_mm_s + melt;
  double sealed_runoff = cell->impervious * water_in, dsealed_dsnow = cell->impervious * dmelt_dsnow;
  double pervious = water_in - sealed_runoff, dpervious_dsnow = dmelt_dsnow - dsealed_dsnow;
  double infiltration_excess = wc_positive(pervious - cell->ksat_mm_per_s);
  double die_dsnow = pervious >= cell->ksat_mm_per_s ? dpervious_dsnow : 0.0;
  double infiltrating = pervious - infiltration_excess, dinf_dsnow = dpervious_dsnow - die_dsnow;

  /* Saturation excess: infiltrating x wetness^e; wetness = min(1, soil / saturation). */
  double dwet_dsoil;
  double wetness = share_of_full(soil, cell->per_saturation_mm, 1.0, d_soil, &dwet_dsoil);
  double share = wc_unit_power(wetness, p->saturation_excess_exponent);
  double dshare_dsoil = unit_power_slope(wetness, p->saturation_excess_exponent) * dwet_dsoil;
  double saturation_excess = infiltrating * share;
  double dse_dsnow = dinf_dsnow * share, dse_dsoil = infiltrating * dshare_dsoil;
  double prf = p->preferential_recharge_fraction;
  double recharge = prf * saturation_excess;
  double quick_excess = saturation_excess - recharge;
  /* to_soil = infiltrating - excess; runoff = sealed + infiltration excess + quick excess */
  double dto_soil_dsnow = dinf_dsnow - dse_dsnow, dto_soil_dsoil = -dse_dsoil;
  double drunoff_dsnow = dsealed_dsnow + die_dsnow + (1.0 - prf) * dse_dsnow;
  double drunoff_dsoil = (1.0 - prf) * dse_dsoil;

  /* ET below a share of field capacity; percolation of the drainable water. */
  double det_dsoil;
  share_of_full(soil * cell->per_field_capacity_mm, model->per_et_soil_fraction, 0.0,
                d_soil * cell->per_field_capacity_mm, &det_dsoil);
  det_dsoil *= f->pet_mm_s * (1.0 - cell->impervious);
  double drainable = 0.0, ddrain_dsoil = 0.0;
  if (cell->per_drainable_mm > 0) {
    drainable = wc_positive(soil - cell->field_capacity_mm) * cell->per_drainable_mm;
    ddrain_dsoil = soil >= cell->field_capacity_mm ? d_soil * cell->per_drainable_mm : 0.0;
  }
  double percolation = cell->ksat_mm_per_s * wc_unit_power(drainable, p->percolation_exponent);
  double dperc_dsoil = cell->ksat_mm_per_s * unit_power_slope(drainable, p->percolation_exponent) * ddrain_dsoil;
  double baseflow = model->baseflow_per_s * groundwater, dbase_dgw = model->baseflow_per_s * d_gw;

  double q_out;
  double dq_dsurf = wc_model_surface_outflow_slope(model, cell, y[SURF], &q_out) * d_surf;

  /* Soil N: concentration no3 / (soil + guard). */
  double soil_guard = soil + WC_SOIL_WATER_GUARD_MM;
  double soil_c = no3 / soil_guard, dsoilc_dno3 = d_no3 / soil_guard;
  double dsoilc_dsoil = -no3 / (soil_guard * soil_guard) * d_soil;
  double carrier = percolation + recharge; /* leaching = soil_c x carrier */
  double dcarrier_dsnow = prf * dse_dsnow, dcarrier_dsoil = dperc_dsoil + prf * dse_dsoil;
  double excess_out = infiltration_excess + quick_excess; /* runoff_n = k soil_c x excess_out */
  double dexcess_dsnow = die_dsnow + (1.0 - prf) * dse_dsnow, dexcess_dsoil = (1.0 - prf) * dse_dsoil;
  double k_runoff = p->runoff_n_extraction;

  double t_factor = f->temperature_factor;
  double dmoist_dsoil;
  double moisture = share_of_full(soil, cell->per_field_capacity_mm, 0.0, d_soil, &dmoist_dsoil);
  double k_min = cell->mineralisation_per_s * t_factor;
  double dmin_dsoil = k_min * dmoist_dsoil * organic, dmin_dorg = k_min * moisture * d_org;
  double half = p->uptake_half_saturation_kg_per_ha;
  double duptake_dno3 = f->uptake_demand_kg_ha_s * half / ((no3 + half) * (no3 + half)) * d_no3;
  double dn_threshold = p->denitrification_wetness;
  double wet = wc_positive(wetness - dn_threshold) * model->per_denitrification_span;
  double dwetn_dsoil = wetness >= dn_threshold ? dwet_dsoil * model->per_denitrification_span : 0.0;
  double k_den = model->denitrification_per_s * t_factor;
  double dden_dsoil = k_den * 2.0 * wet * dwetn_dsoil * no3, dden_dno3 = k_den * wet * wet * d_no3;

  double gw_guard = groundwater + WC_GROUNDWATER_GUARD_MM;
  double groundwater_c = groundwater_n / gw_guard, dgwc_dgwn = d_gwn / gw_guard;
  double dgwc_dgw = -groundwater_n / (gw_guard * gw_guard) * d_gw;
  double dbn_dgw = dgwc_dgw * baseflow + groundwater_c * dbase_dgw, dbn_dgwn = dgwc_dgwn * baseflow;
  double riparian = p->riparian_removal_fraction;
  double daquifer_dgwn = model->groundwater_denitrification_per_s * d_gwn;
  double surf_guard = surface + WC_SURFACE_WATER_GUARD_MM;
  double surface_c = surface_n / surf_guard, dsc_dsn = d_sn / surf_guard;
  double dsc_dsurf = -surface_n / (surf_guard * surf_guard) * d_surf;
  double dnout_dsurf = dsc_dsurf * q_out + surface_c * dq_dsurf, dnout_dsn = dsc_dsn * q_out;
  double dret_dsn = f->retention_per_s * d_sn;

  /* Water use: pumping ~ S/(S + k) of the aquifer, the river the rest ~ S/(S + k). */
  double use_river = 0, use_pumped = 0;
  double dup_dgw = 0, dur_dgw = 0, dur_dsurf = 0;
  if (f->use_surface_mm_s > 0 || f->use_groundwater_mm_s > 0) {
    double kp = p->pumping_half_storage_mm, ku = cell->use_half_storage_mm;
    use_pumped = f->use_groundwater_mm_s * groundwater / (groundwater + kp);
    dup_dgw = f->use_groundwater_mm_s * kp / ((groundwater + kp) * (groundwater + kp)) * d_gw;
    double wanted = f->use_surface_mm_s + f->use_groundwater_mm_s - use_pumped;
    double river_share = surface / (surface + ku);
    use_river = wanted * river_share;
    dur_dgw = -dup_dgw * river_share;
    dur_dsurf = wanted * ku / ((surface + ku) * (surface + ku)) * d_surf;
  }
  double durn_dsurf = dsc_dsurf * use_river + surface_c * dur_dsurf, durn_dsn = dsc_dsn * use_river;
  double durn_dgw = surface_c * dur_dgw;
  double dupn_dgw = dgwc_dgw * use_pumped + groundwater_c * dup_dgw, dupn_dgwn = dgwc_dgwn * use_pumped;

  /* ydot[SNOW] = snowfall - melt */
  D(SNOW, SNOW) = -dmelt_dsnow;
  /* ydot[SOIL] = to_soil - et - percolation */
  D(SOIL, SNOW) = dto_soil_dsnow;
  D(SOIL, SOIL) = dto_soil_dsoil - det_dsoil - dperc_dsoil;
  /* ydot[GW] = percolation + recharge - baseflow - use_pumped */
  D(GW, SNOW) = prf * dse_dsnow;
  D(GW, SOIL) = dperc_dsoil + prf * dse_dsoil;
  D(GW, GW) = -dbase_dgw - dup_dgw;
  /* ydot[SURF] = runoff + baseflow + sources - q_out - use_river */
  D(SURF, SNOW) = drunoff_dsnow;
  D(SURF, SOIL) = drunoff_dsoil;
  D(SURF, GW) = dbase_dgw - dur_dgw;
  D(SURF, SURF) = -dq_dsurf - dur_dsurf;
  /* ydot[NO3] = sources + mineralisation - uptake - denitrification - leaching - runoff_n */
  double dleach_dsnow = soil_c * dcarrier_dsnow, dleach_dsoil = dsoilc_dsoil * carrier + soil_c * dcarrier_dsoil;
  double dleach_dno3 = dsoilc_dno3 * carrier;
  double drn_dsnow = k_runoff * soil_c * dexcess_dsnow;
  double drn_dsoil = k_runoff * (dsoilc_dsoil * excess_out + soil_c * dexcess_dsoil);
  double drn_dno3 = k_runoff * dsoilc_dno3 * excess_out;
  D(NO3, SNOW) = -dleach_dsnow - drn_dsnow;
  D(NO3, SOIL) = dmin_dsoil - dden_dsoil - dleach_dsoil - drn_dsoil;
  D(NO3, NO3) = -duptake_dno3 - dden_dno3 - dleach_dno3 - drn_dno3;
  D(NO3, ORG) = dmin_dorg;
  /* ydot[ORG] = sources + returned uptake - mineralisation */
  D(ORG, SOIL) = -dmin_dsoil;
  D(ORG, NO3) = cell->uptake_return * duptake_dno3;
  D(ORG, ORG) = -dmin_dorg;
  /* ydot[GWN] = leaching - baseflow_n - aquifer loss - use_pumped_n */
  D(GWN, SNOW) = dleach_dsnow;
  D(GWN, SOIL) = dleach_dsoil;
  D(GWN, GW) = -dbn_dgw - dupn_dgw;
  D(GWN, NO3) = dleach_dno3;
  D(GWN, GWN) = -dbn_dgwn - daquifer_dgwn - dupn_dgwn;
  /* ydot[SN] = runoff_n + (1 - riparian) baseflow_n + sources - retention - n_out - use_river_n */
  D(SN, SNOW) = drn_dsnow;
  D(SN, SOIL) = drn_dsoil;
  D(SN, GW) = (1.0 - riparian) * dbn_dgw - durn_dgw;
  D(SN, SURF) = -dnout_dsurf - durn_dsurf;
  D(SN, NO3) = drn_dno3;
  D(SN, GWN) = (1.0 - riparian) * dbn_dgwn;
  D(SN, SN) = -dret_dsn - dnout_dsn - durn_dsn;
#undef D
  gradient[WC_TRANSPORT_WATER * NS + SURF] = dq_dsurf;
  gradient[WC_TRANSPORT_N * NS + SURF] = dnout_dsurf;
  gradient[WC_TRANSPORT_N * NS + SN] = dnout_dsn;
  return WC_OK;
}
