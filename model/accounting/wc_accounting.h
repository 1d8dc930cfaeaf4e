/*
 * wc_accounting.h — what arrives at the sections, and whether the books close.
 *
 * Both work from the model's states y and its budget accumulators q (the integrals of the
 * wc_model_flux rates, mm and kg/ha over a cell since the start, per budget row: a cell
 * alone or the cells of a jurisdiction together, wc_model.h), so
 * they add nothing to the solver's work and a series is exact over its interval:
 * discharge is the change of the accumulated outflow divided by the interval, not a
 * sample at its end.
 *
 * Everything is a sum over cells. Under MPI each rank sums its own cells and the sums are
 * added across ranks (the arrays here are plain doubles, ready for one MPI_Allreduce).
 */
#ifndef WC_ACCOUNTING_H
#define WC_ACCOUNTING_H

#include <stdint.h>

#include "wc_basin.h"
#include "wc_model.h"
#include "wc_status.h"

/* ---- stations: monitoring sections and reservoir inflows ----------------------------- */

typedef enum wc_station_kind { WC_STATION_SECTION = 0, WC_STATION_RESERVOIR_INFLOW } wc_station_kind;

typedef struct wc_station {
  char name[160];
  wc_station_kind kind;
  int32_t index;    /* section or reservoir index in the basin */
  int32_t n_nodes;  /* cells whose outflow passes the station */
  int32_t *nodes;
} wc_station;

typedef struct wc_stations {
  int32_t count;
  wc_station *items;
} wc_stations;

/* The basin's sections (outflow of the section cell) and reservoir inflows (outflows of
 * the cells draining into each reservoir cell). */
WC_NODISCARD wc_status wc_stations_create(const wc_basin *basin, wc_stations **stations);
void wc_stations_destroy(wc_stations **stations);

/* Amounts passing each station since the start: [count * 2] = {water m3, TN kg} from the
 * accumulators q ([rows][WC_FLUX_COUNT]; station node p in row row_of_node[p], or row p
 * when row_of_node is NULL; a station's cells have rows of their own). Differences of two such totals over an
 * output interval give volume, load, mean discharge and flow-weighted concentration. */
void wc_stations_totals(const wc_stations *stations, const wc_model *model, const int32_t *row_of_node,
                        const double *q, double *totals);

/* Number of station cells, all stations together (the length of the arrays below). */
int32_t wc_stations_node_total(const wc_stations *stations);

/*
 * The same stations (same count, names and order) holding only the cells that rank `rank`
 * owns, renumbered to its local nodes, for wc_stations_totals on a rank-local model: the
 * ranks' totals then add up to the basin's. node_rank and node_local give the owner and
 * local node of every station cell, station after station in station order
 * (wc_stations_node_total entries, e.g. from wc_partition_locate).
 */
WC_NODISCARD wc_status wc_stations_localize(const wc_stations *stations, int32_t rank, const int32_t *node_rank,
                                            const int32_t *node_local, wc_stations **local);

typedef struct wc_station_sample {
  double discharge_m3_s;      /* mean over the interval */
  double volume_m3;
  double tn_load_kg;
  double tn_concentration_mg_l; /* load / volume (flow-weighted mean); NaN without flow */
} wc_station_sample;

void wc_station_sample_from_totals(const double *before, const double *after, double interval_s,
                                   wc_station_sample *sample);

/* ---- budgets -------------------------------------------------------------------------- */

typedef struct wc_budget {
  double water_storage_m3, n_storage_kg;
  double water_in_m3;      /* precipitation + point sources */
  double water_et_m3;
  double water_inflow_m3;  /* from upstream regions (0 for the whole basin) */
  double water_outflow_m3; /* to downstream regions or out of the basin */
  double n_in_kg, n_loss_kg, n_inflow_kg, n_outflow_kg;
  double water_use_m3;     /* withdrawn by people in the region (management.water_use) */
  double n_use_kg;         /* N withdrawn with that water */
} wc_budget;

/* Number of doubles in a wc_budget (it is laid out as doubles only, for reductions). */
#define WC_BUDGET_DOUBLES ((int)(sizeof(wc_budget) / sizeof(double)))

/*
 * Budgets of the whole basin (budgets[0]) and of each jurisdiction of the basin's table
 * (budgets[1 + k] for jurisdictions[k], its sub-jurisdictions included), from states y and
 * accumulators q ([wc_model_budget_row_count][WC_FLUX_COUNT]) of the model's cells. budgets has 1 + basin->n_jurisdictions entries,
 * zeroed here. For a rank-local model (wc_model_create_local) these are the rank's shares:
 * summed over ranks (one MPI_Allreduce of WC_BUDGET_DOUBLES per budget) they are the
 * basin's, since inflow and outflow between regions are decided by the basin's graph.
 */
void wc_budgets_compute(const wc_basin *basin, const wc_model *model, const double *y, const double *q,
                        wc_budget *budgets);

/* Closure of a budget between two times, relative to the throughput (every term's
 * magnitude added up), for water and nitrogen:
 *   water: storage change - (in - ET - use + inflow - outflow)
 *   N:     storage change - (in - loss - use + inflow - outflow) */
void wc_budget_closure(const wc_budget *start, const wc_budget *end, double *water_error, double *n_error);

#endif
