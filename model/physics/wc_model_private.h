/* wc_model_private.h — the model's per-cell tables, shared by set-up, forcing and RHS. */
#ifndef WC_MODEL_PRIVATE_H
#define WC_MODEL_PRIVATE_H

#include <math.h>

#include "wc_model.h"

/* Guards for concentrations = mass / water, so an empty store carries nothing (mm). The
 * surface guard can be tiny: outflow grows as V^(5/3), so N * Q / (V + guard) vanishes
 * with V anyway and the guard only avoids 0/0; soil and groundwater outflows do not
 * vanish with the store, so their guards keep concentrations bounded as stores empty. */
#define WC_SOIL_WATER_GUARD_MM 1.0
#define WC_GROUNDWATER_GUARD_MM 1.0
#define WC_SURFACE_WATER_GUARD_MM 1e-9

enum { WC_FERTILISER_INORGANIC = 0, WC_FERTILISER_ORGANIC = 1 };

/* What the cell equations (wc_cell_rhs.c) and their derivatives (wc_cell_jacobian.c)
 * both use: a store's amount (never below zero) and x^e for x >= 0 (the default
 * exponents are small integers, which pow handles slowly). */
static inline double wc_positive(double x) { return x > 0 ? x : 0; }
/* min(x, 1) inline (libm's fmin is a call; NaN gives 1 as fmin's would). */
static inline double wc_at_most_one(double x) { return x < 1.0 ? x : 1.0; }
static inline double wc_unit_power(double x, double e) {
  if (e == 2.0) return x * x;
  if (e == 3.0) return x * x * x;
  if (e == 1.0) return x;
  return x > 0 ? pow(x, e) : 0.0;
}

typedef struct wc_cell_static {
  /* the small fields first and together: the record has no padding */
  uint8_t is_channel;
  uint8_t takes_river_water; /* water use: a channel cell (no reservoir), whose river and valley
                                aquifer supply the jurisdiction's use */
  int16_t land_use_class;    /* index into the basin's land-use table (fertiliser plan, initial N) */
  int32_t reservoir;         /* index into the basin's reservoirs (model->reservoir_store), -1 for none */
  int32_t jurisdiction;      /* index into the basin's jurisdiction table, -1 for none */
  int32_t point_source;      /* index into model->point_inflow, -1 for none */
  /* routing */
  double slope_sqrt;        /* sqrt(slope) */
  double link_length_m;     /* along the D8 link (cell size at an outlet) */
  double manning_n;         /* overland roughness (land use) */
  double channel_width_m;
  /* Manning's law in the states' units, worked out once (wc_model_derive_outflow), so that
   * the cell function divides only by the states: on a hillslope q [mm/s] =
   * outflow_coefficient d^(5/3) with d the depth in m; in a channel q = outflow_coefficient
   * A R^(2/3), the cross-section A = channel_area_per_mm v [m2]. */
  double outflow_coefficient;
  double channel_area_per_mm;
  double retention_k20_per_s; /* in-stream TN retention at 20 degC (channel cells) */
  /* surface and soil */
  double impervious;
  double ksat_mm_per_s;
  double field_capacity_mm, saturation_mm;
  /* Their inverses, and that of the drainable span (saturation - field capacity), each 0
   * where the size is not positive: the cell function multiplies (wc_model_derive_soil). */
  double per_field_capacity_mm, per_saturation_mm, per_drainable_mm;
  double uptake_annual_kg_ha; /* N uptake potential per year */
  double uptake_return;       /* share of uptake back to the organic pool */
  double mineralisation_per_s; /* of the active organic pool at 20 degC, by land use */
  /* water use (scenario management.water_use) */
  double area_up_km2;         /* contributing area: withdrawals are shared in proportion */
  double use_half_storage_mm; /* surface storage at which a withdrawal gets half its demand */
} wc_cell_static;

/* What only a few cells have lives in small tables beside the per-cell records (memory
 * per cell, docs/performance.md): a reservoir's storage at capacity and lake surface, and
 * the constant inflow of point sources. */
typedef struct wc_reservoir_store {
  double capacity_mm;                  /* storage at capacity, mm over the cell */
  double surface_at_capacity_fraction; /* lake area at capacity / cell area */
} wc_reservoir_store;

typedef struct wc_point_inflow {
  double water_mm_per_s, n_kg_ha_per_s; /* all sources discharging into the cell */
} wc_point_inflow;

/* Forcing-driven rates of one cell for the current interval (per second). */
typedef struct wc_cell_forcing {
  double precipitation_mm_s;
  double pet_mm_s;
  double n_deposition_kg_ha_s;     /* wet + dry */
  double uptake_demand_kg_ha_s;    /* seasonal demand before N limitation */
  /* Functions of the interval's temperature alone, computed once per interval. */
  double snowfall_mm_s, rain_mm_s;  /* precipitation split by temperature */
  double melt_rate_mm_s;            /* degree-day melt of a full pack */
  double temperature_factor;        /* f_T of mineralisation and denitrification */
  double retention_per_s;           /* in-stream retention k20 * theta^(T-20) of this cell */
  double use_surface_mm_s;          /* water-use demand on the surface store, before the supply limit */
  double use_groundwater_mm_s;      /* pumping demand on groundwater, before the supply limit */
} wc_cell_forcing;

/* The sine, cosine and tangent of a cell's latitude, for the extraterrestrial radiation of
 * its reference ET (wc_model_set_forcing): three of the five trigonometric calls per cell
 * and day, ~2% of a run, worked out once. */
typedef struct wc_latitude_trig {
  double sin_phi, cos_phi, tan_phi;
} wc_latitude_trig;

static inline wc_latitude_trig wc_latitude_trig_of(double latitude_deg) {
  const double phi = latitude_deg * 3.14159265358979323846 / 180.0;
  return (wc_latitude_trig){sin(phi), cos(phi), tan(phi)};
}

/* Per-cell arrays ([n]) and other owned pointers of the struct below must also be gathered or copied for a rank-local model in
 * wc_model_local.c (wc_model_create_local copies the rest of the struct as it is). */
struct wc_model {
  const wc_basin *basin;
  wc_parameters parameters;
  int32_t n;
  double cell_area_m2, cell_size_m;
  wc_cell_static *cells;    /* [n] */
  wc_cell_forcing *forcing; /* [n] */
  double *x_m, *y_m, *elevation_m, *latitude_deg; /* [n] */
  wc_latitude_trig *latitude_trig;                /* [n] */
  double wet_deposition_mg_l, dry_deposition_kg_ha_yr;
  /* Fertiliser and manure applied in each month, kg/ha spread evenly over the month, per
   * land-use class (plans are per class: one table, not 24 doubles per cell):
   * [n_land_use][WC_FERTILISER_INORGANIC or _ORGANIC][month 0..11]. */
  int32_t n_land_use;
  double (*fertiliser_kg_ha)[2][12];
  /* This interval's rates of the plans, kg/ha/s: [n_land_use][WC_FERTILISER_...] (per
   * class, not per cell; wc_model_set_forcing). */
  double (*fertiliser_rate_kg_ha_s)[2];
  /* Rare features (see wc_reservoir_store): [the basin's n_reservoirs], [n_point_sources]. */
  wc_reservoir_store *reservoir_store;
  int32_t n_point_sources;
  wc_point_inflow *point_inflow;
  /* Water use per jurisdiction index and month, from every scenario entry on it or on a
   * jurisdiction enclosing it: river withdrawal and pumping, in mm over a channel cell per
   * km2 of the cell's contributing area; totals per month. */
  int32_t n_jurisdictions;
  double (*use_river_mm_per_km2)[12];   /* [n_jurisdictions] */
  double (*use_pumping_mm_per_km2)[12]; /* [n_jurisdictions] */
  /* rates derived from parameters, per second */
  double melt_mm_s_c, baseflow_per_s, release_per_s, spill_per_s, denitrification_per_s,
      groundwater_denitrification_per_s, reservoir_retention_per_s;
  double per_et_soil_fraction;      /* 1 / et_soil_fraction_of_fc, 0 if that is not positive */
  double per_denitrification_span;  /* 1 / (1 - denitrification_wetness) */
  wc_graph_ode ode;
  /* A rank-local model (wc_model_create_local): the basin node of each model node, and
   * its own copy of the local graph; both NULL for a model of the whole basin. */
  int32_t *global_node;
  int32_t *local_graph;
  double abs_tolerance[WC_STATE_COUNT];
  double flux_abs_tolerance[WC_FLUX_COUNT];
  /* Budget rows (wc_budget_rows.c): the row of each node ([n], the ODE's flux_row), and per
   * row the node it tracks alone or -1, and its jurisdiction id ([n_rows]). */
  int32_t n_rows;
  int32_t *flux_row, *row_node, *row_jurisdiction;
};

/* The cell function (wc_cell_rhs_fn) of the model. */
wc_status wc_model_cell_rhs(void *context, double t, int32_t node, const double *y, const double *inflow,
                            double *ydot, double *outflow, double *flux);

/* Its derivatives with respect to the cell's own states (wc_cell_jacobian_fn,
 * wc_cell_jacobian.c); and d(surface outflow)/d(surface store) of one cell, with the
 * outflow itself (wc_model_surface_outflow) in *outflow. */
wc_status wc_model_cell_jacobian(void *context, double t, int32_t node, const double *y, const double *inflow,
                                 double *block, double *gradient);
/* Where the block of wc_model_cell_jacobian can be non-zero, of every cell (row masks). */
extern const uint16_t wc_model_jacobian_structure[WC_STATE_COUNT];
/* Set outflow_coefficient and channel_area_per_mm from the cell's slope, roughness, link
 * and width (again whenever those change). */
void wc_model_derive_outflow(const wc_model *model, wc_cell_static *cell);
/* Set the inverses of the cell's soil sizes (per_field_capacity_mm ...). */
void wc_model_derive_soil(wc_cell_static *cell);
double wc_model_surface_outflow_slope(const wc_model *model, const wc_cell_static *cell, double surface_mm,
                                      double *outflow);

/* Assign the budget rows of the model's nodes and hand them to its ODE (wc_budget_rows.c). */
WC_NODISCARD wc_status wc_model_assign_budget_rows(wc_model *model);

/* Spread the scenario's water use (management.water_use) over the cells of each
 * jurisdiction (wc_water_use.c). WC_ERR_SCENARIO for an unknown jurisdiction (at the
 * scenario's FILE:LINE:COL) or one without the cells to supply it. */
WC_NODISCARD wc_status wc_model_apply_water_use(wc_model *model, const wc_water_use_list *uses);

/* Surface storage (mm over the cell) at which a withdrawal from this cell gets half its
 * demand: water_use_half_depth_m of channel depth over the channel's bed. */
double wc_model_use_half_storage_mm(const wc_model *model, const wc_cell_static *cell);

/* Outflow of the routed store (mm/s over the cell) for storage `surface_mm`. */
double wc_model_surface_outflow(const wc_model *model, const wc_cell_static *cell, double surface_mm);

#endif
