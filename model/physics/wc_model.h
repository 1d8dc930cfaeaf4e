/*
 * wc_model.h — water and total nitrogen on the drainage graph (docs/model.md).
 *
 * The model turns a basin, a scenario and parameters into a wc_graph_ode: eight states per
 * cell, two quantities carried downstream, eight budget accumulators. The solver integrates
 * it; before each forcing interval the caller hands the interval's weather to
 * wc_model_set_forcing, which fixes every forcing-driven rate for that interval (the
 * solver stops at each boundary, so no step straddles a jump).
 *
 * States of a cell (all per unit cell area):
 *   snow_mm, soil_mm, groundwater_mm, surface_mm   water: snowpack (SWE), soil water,
 *                                                 groundwater, routed surface/channel water
 *                                                 (a reservoir cell: its storage)
 *   no3_kg_ha, organic_n_kg_ha, groundwater_n_kg_ha, surface_n_kg_ha   nitrogen in soil
 *                                                 (inorganic, organic), groundwater, routed water
 */
#ifndef WC_MODEL_H
#define WC_MODEL_H

#include <stdint.h>

#include "wc_basin.h"
#include "wc_graph_ode.h"
#include "wc_parameters.h"
#include "wc_scenario.h"
#include "wc_status.h"
#include "wc_time.h"

enum wc_model_state {
  WC_STATE_SNOW = 0,
  WC_STATE_SOIL,
  WC_STATE_GROUNDWATER,
  WC_STATE_SURFACE,
  WC_STATE_NO3,
  WC_STATE_ORGANIC_N,
  WC_STATE_GROUNDWATER_N,
  WC_STATE_SURFACE_N,
  WC_STATE_COUNT
};

enum wc_model_transport { WC_TRANSPORT_WATER = 0, WC_TRANSPORT_N, WC_TRANSPORT_COUNT };

/* Budget accumulators per cell (integrals of these rates; mm and kg/ha over the cell). */
enum wc_model_flux {
  WC_FLUX_WATER_IN = 0, /* precipitation + point-source water */
  WC_FLUX_WATER_ET,     /* evapotranspiration + open-water evaporation */
  WC_FLUX_WATER_OUT,    /* outflow to the downstream cell (at an outlet: leaves the basin) */
  WC_FLUX_N_IN,         /* fertiliser + manure + deposition + point sources */
  WC_FLUX_N_LOSS,       /* net uptake (harvest) + denitrification + aquifer, stream, reservoir retention */
  WC_FLUX_N_OUT,        /* N outflow to the downstream cell */
  WC_FLUX_WATER_USE,    /* withdrawn by people (rivers and groundwater): leaves the basin */
  WC_FLUX_N_USE,        /* N withdrawn with that water, at the concentration of its store */
  WC_FLUX_COUNT
};

typedef struct wc_model wc_model;

/*
 * Build the model of `basin` for `scenario` (management, deposition, point sources, water
 * use) with `parameters`. Fails with WC_ERR_SCENARIO when the scenario names a land use or
 * jurisdiction the basin lacks or a point source outside the basin (the message lists what
 * exists).
 */
WC_NODISCARD wc_status wc_model_create(const wc_basin *basin, const wc_scenario *scenario,
                                       const wc_parameters *parameters, wc_model **model);
void wc_model_destroy(wc_model **model);

/*
 * A model of some of the basin's cells only (one MPI rank's share), taken from a model of
 * the whole basin: model node i is basin node global_node[i] (strictly ascending, so the
 * local order stays topological), with that node's static data, and the local graph
 * (downstream[n_cells], > i or -1 where flow leaves the model; upstream CSR) as
 * wc_halo_plan gives it. All arrays are copied: `whole` may be destroyed afterwards, the
 * basin may not. Forcing, initial states and outputs are then per local node, and every
 * local node gets exactly what its basin node gets in the whole model. WC_ERR_INTERNAL for
 * a node list that is not ascending or out of range, or when `whole` is itself local.
 */
WC_NODISCARD wc_status wc_model_create_local(const wc_model *whole, int32_t n_cells, const int32_t *global_node,
                                             const int32_t *downstream, const int32_t *upstream_start,
                                             const int32_t *upstream_index, wc_model **model);

/* [n_cells] the basin node of each model node, or NULL when the model is the whole basin
 * (node i is basin node i). Owned by the model. */
const int32_t *wc_model_global_nodes(const wc_model *model);

/*
 * Budget rows: the solver integrates the cells' flux totals per row (wc_graph_ode.flux_row,
 * node -> row; [rows][WC_FLUX_COUNT] in wc_integrator_flux_totals). A cell whose totals
 * are read alone (basin outlet, border of its jurisdiction, section, reservoir inflow) has
 * a row of its own; the other cells of a jurisdiction share one. Per row: the model node
 * it tracks alone, or -1 for a shared row; and its jurisdiction id (-1: none).
 */
int32_t wc_model_budget_row_count(const wc_model *model);
const int32_t *wc_model_budget_row_node(const wc_model *model);
const int32_t *wc_model_budget_row_jurisdiction(const wc_model *model);

/* The ODE the solver integrates (owned by the model; valid while it lives). */
const wc_graph_ode *wc_model_ode(const wc_model *model);

/* Initial states, [n_cells * WC_STATE_COUNT], node-major. */
void wc_model_initial_state(const wc_model *model, double *y);

/*
 * Weather for the interval [start, start + step_s): per node (topological order)
 * precipitation total (mm), mean temperature, and the day's minimum and maximum
 * temperature (degC, for Hargreaves PET). Non-finite or negative precipitation is
 * WC_ERR_INPUT naming the cell.
 */
WC_NODISCARD wc_status wc_model_set_forcing(wc_model *model, wc_time_s start, double step_s,
                                            const double *precipitation_mm, const double *temperature_c,
                                            const double *temperature_min_c, const double *temperature_max_c);

/* Per node: projected x, y (m) of the cell centre, elevation (m), latitude (deg); for the
 * forcing. Arrays of n_cells owned by the model; x, y and elevation are NULL after
 * wc_model_release_geometry. */
void wc_model_cell_geometry(const wc_model *model, const double **x_m, const double **y_m,
                            const double **elevation_m, const double **latitude_deg);

/* Frees the cells' x, y and elevation (24 B per cell), which only the forcing's set-up
 * reads (it keeps its own copies); latitude stays for the potential evaporation. */
void wc_model_release_geometry(wc_model *model);

/* Cell area (m2): all cells of a regular grid share it. */
double wc_model_cell_area_m2(const wc_model *model);

/* Test hook: override the soil and land-surface properties of every cell (impervious
 * fraction, Ksat mm/h, overland Manning n), e.g. a sealed plane for the kinematic-wave test. */
void wc_model_override_surface(wc_model *model, double impervious_fraction, double ksat_mm_per_h,
                               double manning_n);

/* Add a constant point source at model node `node` (m3/s of water carrying TN in mg/L); scenario
 * point sources go through this after being placed on the river. WC_ERR_MEMORY if out of memory. */
WC_NODISCARD wc_status wc_model_add_point_source(wc_model *model, int32_t node, double discharge_m3_per_s,
                                                 double tn_mg_per_l);

/* Replace the parameters (rates derived from them are recomputed). */
void wc_model_set_parameters(wc_model *model, const wc_parameters *parameters);

#endif
