/* wc_accounting.c — station totals and water/N budgets from states and accumulators. */
#include "wc_accounting.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- stations ------------------------------------------------------------------------- */

void wc_stations_destroy(wc_stations **stations) {
  if (!stations || !*stations) return;
  for (int32_t k = 0; k < (*stations)->count; ++k) free((*stations)->items[k].nodes);
  free((*stations)->items);
  free(*stations);
  *stations = NULL;
}

static wc_status add_station(wc_stations *stations, const char *name, wc_station_kind kind, int32_t index,
                             const int32_t *nodes, int32_t n_nodes) {
  wc_station *station = &stations->items[stations->count];
  snprintf(station->name, sizeof station->name, "%s", name);
  station->kind = kind;
  station->index = index;
  station->n_nodes = n_nodes;
  WC_MALLOC(station->nodes, (size_t)(n_nodes > 0 ? n_nodes : 1), "station cells");
  memcpy(station->nodes, nodes, (size_t)n_nodes * sizeof *nodes);
  stations->count++;
  return WC_OK;
}

static wc_status fill_stations(const wc_basin *basin, wc_stations *stations) {
  const wc_drainage_graph *graph = basin->graph;
  for (int32_t s = 0; s < basin->n_sections; ++s) {
    const wc_section *section = &basin->sections[s];
    WC_CHECK(section->row >= 0, WC_ERR_INPUT, "section '%s' was never snapped to a cell", section->name);
    int32_t node = graph->node_of_cell[section->row * basin->grid.cols + section->col];
    WC_CHECK(node >= 0, WC_ERR_INPUT, "section '%s' is not on a basin cell", section->name);
    WC_CALL(add_station(stations, section->name, WC_STATION_SECTION, s, &node, 1));
  }
  for (int32_t r = 0; r < basin->n_reservoirs; ++r) {
    const wc_reservoir *reservoir = &basin->reservoirs[r];
    int32_t node = graph->node_of_cell[reservoir->row * basin->grid.cols + reservoir->col];
    WC_CHECK(node >= 0, WC_ERR_INPUT, "reservoir '%s' is not on a basin cell", reservoir->name);
    int32_t first = graph->upstream_start[node], count = graph->upstream_start[node + 1] - first;
    char name[160];
    snprintf(name, sizeof name, "%s inflow", reservoir->name);
    WC_CALL(add_station(stations, name, WC_STATION_RESERVOIR_INFLOW, r, graph->upstream_index + first, count));
  }
  return WC_OK;
}

wc_status wc_stations_create(const wc_basin *basin, wc_stations **out) {
  *out = NULL;
  wc_stations *stations;
  WC_MALLOC(stations, 1, "stations");
  int32_t capacity = basin->n_sections + basin->n_reservoirs;
  stations->items = capacity ? calloc((size_t)capacity, sizeof *stations->items) : NULL;
  wc_status status = capacity && !stations->items
                         ? wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for stations")
                         : fill_stations(basin, stations);
  if (status != WC_OK) {
    wc_stations_destroy(&stations);
    return status;
  }
  *out = stations;
  return WC_OK;
}

void wc_stations_totals(const wc_stations *stations, const wc_model *model, const int32_t *row_of_node,
                        const double *q, double *totals) {
  double area_m2 = wc_model_cell_area_m2(model);
  for (int32_t k = 0; k < stations->count; ++k) {
    const wc_station *station = &stations->items[k];
    double water_mm = 0, n_kg_ha = 0;
    for (int32_t j = 0; j < station->n_nodes; ++j) {
      int32_t node = station->nodes[j], row = row_of_node ? row_of_node[node] : node;
      const double *cell = q + (size_t)row * WC_FLUX_COUNT;
      water_mm += cell[WC_FLUX_WATER_OUT];
      n_kg_ha += cell[WC_FLUX_N_OUT];
    }
    totals[2 * k] = water_mm * 1e-3 * area_m2;
    totals[2 * k + 1] = n_kg_ha * area_m2 * 1e-4;
  }
}

void wc_station_sample_from_totals(const double *before, const double *after, double interval_s,
                                   wc_station_sample *sample) {
  double volume = after[0] - before[0], load = after[1] - before[1];
  sample->volume_m3 = volume;
  sample->tn_load_kg = load;
  sample->discharge_m3_s = interval_s > 0 ? volume / interval_s : NAN;
  /* 1 kg/m3 = 1 g/L = 1000 mg/L. */
  sample->tn_concentration_mg_l = volume > 0 ? 1e3 * load / volume : NAN;
}

/* ---- budgets --------------------------------------------------------------------------- */

/* Regions of a cell: budget 0 (the basin) and the budget of its jurisdiction and of each
 * enclosing one. Returns how many (at most 1 + 8 levels). */
static int regions_of(const wc_basin *basin, int32_t jurisdiction_id, int32_t *regions) {
  int count = 0;
  regions[count++] = 0;
  for (int guard = 0; guard < 8 && jurisdiction_id >= 0; ++guard) {
    int32_t index = wc_basin_find_jurisdiction(basin, jurisdiction_id);
    if (index < 0) break;
    regions[count++] = 1 + index;
    jurisdiction_id = basin->jurisdictions[index].parent_id;
  }
  return count;
}

static int contains(const int32_t *regions, int count, int32_t region) {
  for (int k = 0; k < count; ++k)
    if (regions[k] == region) return 1;
  return 0;
}

void wc_budgets_compute(const wc_basin *basin, const wc_model *model, const double *y, const double *q,
                        wc_budget *budgets) {
  const wc_drainage_graph *graph = basin->graph;
  int32_t n_budgets = 1 + basin->n_jurisdictions;
  memset(budgets, 0, (size_t)n_budgets * sizeof *budgets);
  double area_m2 = wc_model_cell_area_m2(model);
  double to_m3 = 1e-3 * area_m2, to_kg = 1e-4 * area_m2;
  /* A rank-local model sums its own cells (node i is basin node g); ranks add the sums. */
  const int32_t *global_node = wc_model_global_nodes(model);
  int32_t n_cells = wc_model_ode(model)->n_cells;
  for (int32_t i = 0; i < n_cells; ++i) {
    int32_t g = global_node ? global_node[i] : i;
    int32_t here[9];
    int n_here = regions_of(basin, basin->jurisdiction[graph->cell[g]], here);
    const double *s = y + (size_t)i * WC_STATE_COUNT;
    double water = (s[WC_STATE_SNOW] + s[WC_STATE_SOIL] + s[WC_STATE_GROUNDWATER] + s[WC_STATE_SURFACE]) * to_m3;
    double n = (s[WC_STATE_NO3] + s[WC_STATE_ORGANIC_N] + s[WC_STATE_GROUNDWATER_N] + s[WC_STATE_SURFACE_N]) * to_kg;
    for (int k = 0; k < n_here; ++k) {
      budgets[here[k]].water_storage_m3 += water;
      budgets[here[k]].n_storage_kg += n;
    }
  }
  /* The flux totals, row by row (wc_model.h): a shared row's cells all lie in its
   * jurisdiction and drain within it; a row of its own may cross into other regions. */
  int32_t n_rows = wc_model_budget_row_count(model);
  const int32_t *row_node = wc_model_budget_row_node(model), *row_jurisdiction = wc_model_budget_row_jurisdiction(model);
  for (int32_t r = 0; r < n_rows; ++r) {
    int32_t here[9], there[9];
    int n_here = regions_of(basin, row_jurisdiction[r], here);
    const double *a = q + (size_t)r * WC_FLUX_COUNT;
    int n_there = 0;
    if (row_node[r] >= 0) {
      int32_t g = global_node ? global_node[row_node[r]] : row_node[r];
      int32_t d = graph->downstream[g];
      n_there = d >= 0 ? regions_of(basin, basin->jurisdiction[graph->cell[d]], there) : 0;
    }
    for (int k = 0; k < n_here; ++k) {
      wc_budget *b = &budgets[here[k]];
      b->water_in_m3 += a[WC_FLUX_WATER_IN] * to_m3;
      b->water_et_m3 += a[WC_FLUX_WATER_ET] * to_m3;
      b->n_in_kg += a[WC_FLUX_N_IN] * to_kg;
      b->n_loss_kg += a[WC_FLUX_N_LOSS] * to_kg;
      b->water_use_m3 += a[WC_FLUX_WATER_USE] * to_m3;
      b->n_use_kg += a[WC_FLUX_N_USE] * to_kg;
      /* Water leaves this region when the downstream cell is not in it (shared rows:
       * never, their cells drain within their jurisdiction). */
      if (row_node[r] >= 0 && !contains(there, n_there, here[k])) {
        b->water_outflow_m3 += a[WC_FLUX_WATER_OUT] * to_m3;
        b->n_outflow_kg += a[WC_FLUX_N_OUT] * to_kg;
      }
    }
    /* ... and enters the downstream cell's regions that do not hold this cell. */
    for (int k = 0; k < n_there; ++k) {
      if (contains(here, n_here, there[k])) continue;
      budgets[there[k]].water_inflow_m3 += a[WC_FLUX_WATER_OUT] * to_m3;
      budgets[there[k]].n_inflow_kg += a[WC_FLUX_N_OUT] * to_kg;
    }
  }
}

void wc_budget_closure(const wc_budget *start, const wc_budget *end, double *water_error, double *n_error) {
  double in = end->water_in_m3 - start->water_in_m3, et = end->water_et_m3 - start->water_et_m3;
  double use = end->water_use_m3 - start->water_use_m3;
  double inflow = end->water_inflow_m3 - start->water_inflow_m3;
  double outflow = end->water_outflow_m3 - start->water_outflow_m3;
  double change = end->water_storage_m3 - start->water_storage_m3;
  double throughput = in + et + use + inflow + outflow;
  *water_error = throughput > 0 ? (change - (in - et - use + inflow - outflow)) / throughput : 0;
  double n_in = end->n_in_kg - start->n_in_kg, n_loss = end->n_loss_kg - start->n_loss_kg;
  double n_use = end->n_use_kg - start->n_use_kg;
  double n_inflow = end->n_inflow_kg - start->n_inflow_kg, n_outflow = end->n_outflow_kg - start->n_outflow_kg;
  double n_change = end->n_storage_kg - start->n_storage_kg;
  double n_throughput = n_in + n_loss + n_use + n_inflow + n_outflow;
  *n_error = n_throughput > 0 ? (n_change - (n_in - n_loss - n_use + n_inflow - n_outflow)) / n_throughput : 0;
}
