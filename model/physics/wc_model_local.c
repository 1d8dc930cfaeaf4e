/* wc_model_local.c — a model of some of the basin's cells: one MPI rank's share (see wc_model.h). */
#include <string.h>

#include "wc_model_private.h"

const int32_t *wc_model_global_nodes(const wc_model *model) { return model->global_node; }

/* Gather the per-cell arrays of `whole` at the local nodes. */
static wc_status gather_cells(const wc_model *whole, wc_model *local) {
  const int32_t n = local->n;
  const int32_t *g = local->global_node;
  WC_MALLOC(local->cells, (size_t)(n > 0 ? n : 1), "local model cells");
  WC_MALLOC(local->forcing, (size_t)(n > 0 ? n : 1), "local model forcing");
  WC_MALLOC(local->x_m, (size_t)(n > 0 ? n : 1), "local cell x");
  WC_MALLOC(local->y_m, (size_t)(n > 0 ? n : 1), "local cell y");
  WC_MALLOC(local->elevation_m, (size_t)(n > 0 ? n : 1), "local cell elevation");
  WC_MALLOC(local->latitude_deg, (size_t)(n > 0 ? n : 1), "local cell latitude");
  WC_MALLOC(local->latitude_trig, (size_t)(n > 0 ? n : 1), "local cell latitude's sine, cosine and tangent");
  for (int32_t i = 0; i < n; ++i) {
    local->cells[i] = whole->cells[g[i]];
    local->forcing[i] = whole->forcing[g[i]];
    local->x_m[i] = whole->x_m[g[i]];
    local->y_m[i] = whole->y_m[g[i]];
    local->elevation_m[i] = whole->elevation_m[g[i]];
    local->latitude_deg[i] = whole->latitude_deg[g[i]];
    local->latitude_trig[i] = whole->latitude_trig[g[i]];
  }
  return WC_OK;
}

/* The fertiliser plans and rates per land-use class, the reservoirs' stores, the point
 * sources' inflows and the monthly water use per jurisdiction (small tables), copied
 * whole so the two models can be destroyed independently; the cells keep their indices. */
static wc_status copy_tables(const wc_model *whole, wc_model *local) {
  size_t classes = (size_t)whole->n_land_use + 1;
  size_t reservoirs = (size_t)whole->basin->n_reservoirs + 1, points = (size_t)whole->n_point_sources;
  WC_MALLOC(local->fertiliser_kg_ha, classes, "local fertiliser plans");
  memcpy(local->fertiliser_kg_ha, whole->fertiliser_kg_ha, classes * sizeof *whole->fertiliser_kg_ha);
  WC_MALLOC(local->fertiliser_rate_kg_ha_s, classes, "local fertiliser rates");
  memcpy(local->fertiliser_rate_kg_ha_s, whole->fertiliser_rate_kg_ha_s, classes * sizeof *whole->fertiliser_rate_kg_ha_s);
  WC_MALLOC(local->reservoir_store, reservoirs, "local reservoir stores");
  memcpy(local->reservoir_store, whole->reservoir_store, reservoirs * sizeof *whole->reservoir_store);
  WC_MALLOC(local->point_inflow, points + 1, "local point sources");
  if (points > 0) memcpy(local->point_inflow, whole->point_inflow, points * sizeof *whole->point_inflow);
  if (!whole->use_river_mm_per_km2) return WC_OK;
  size_t n = (size_t)whole->n_jurisdictions;
  WC_MALLOC(local->use_river_mm_per_km2, n, "local water use per jurisdiction");
  WC_MALLOC(local->use_pumping_mm_per_km2, n, "local water use per jurisdiction");
  memcpy(local->use_river_mm_per_km2, whole->use_river_mm_per_km2, n * sizeof *whole->use_river_mm_per_km2);
  memcpy(local->use_pumping_mm_per_km2, whole->use_pumping_mm_per_km2, n * sizeof *whole->use_pumping_mm_per_km2);
  return WC_OK;
}

wc_status wc_model_create_local(const wc_model *whole, int32_t n_cells, const int32_t *global_node,
                                const int32_t *downstream, const int32_t *upstream_start,
                                const int32_t *upstream_index, wc_model **out) {
  *out = NULL;
  WC_CHECK(whole != NULL && whole->global_node == NULL, WC_ERR_INTERNAL,
           "wc_model_create_local: the source must be a model of the whole basin");
  WC_CHECK(n_cells >= 0 && (n_cells == 0 || (global_node && downstream && upstream_start && upstream_index)),
           WC_ERR_INTERNAL, "wc_model_create_local: %d cells without their arrays", (int)n_cells);
  for (int32_t i = 0; i < n_cells; ++i)
    WC_CHECK(global_node[i] >= 0 && global_node[i] < whole->n && (i == 0 || global_node[i] > global_node[i - 1]),
             WC_ERR_INTERNAL, "wc_model_create_local: local node %d is basin node %d (need ascending, 0..%d)", (int)i,
             (int)global_node[i], (int)whole->n - 1);
  int32_t n_links = n_cells > 0 ? upstream_start[n_cells] : 0;
  WC_CHECK(n_links >= 0 && n_links < (n_cells > 0 ? n_cells : 1), WC_ERR_INTERNAL,
           "wc_model_create_local: %d upstream links for %d cells", (int)n_links, (int)n_cells);

  wc_model *local = NULL;
  WC_MALLOC(local, 1, "a local model");
  /* Scalars (parameters, derived rates, deposition, cell size) as they are; every pointer
   * is replaced below, so the two models share nothing. */
  *local = *whole;
  local->n = n_cells;
  local->cells = NULL;
  local->forcing = NULL;
  local->x_m = local->y_m = local->elevation_m = local->latitude_deg = NULL;
  local->latitude_trig = NULL;
  local->global_node = NULL;
  local->local_graph = NULL;
  local->use_river_mm_per_km2 = local->use_pumping_mm_per_km2 = NULL;
  local->flux_row = local->row_node = local->row_jurisdiction = NULL;
  local->fertiliser_kg_ha = NULL;
  local->fertiliser_rate_kg_ha_s = NULL;
  local->reservoir_store = NULL;
  local->point_inflow = NULL;
  local->n_rows = 0;
  wc_status status = WC_OK;
  size_t n = (size_t)n_cells;
  local->global_node = calloc(n + 1, sizeof *local->global_node);
  local->local_graph = calloc(2 * n + 1 + (size_t)n_links + 1, sizeof *local->local_graph);
  if (!local->global_node || !local->local_graph) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for a local model of %d cells",
                          (int)n_cells);
    goto fail;
  }
  if (n_cells > 0) memcpy(local->global_node, global_node, n * sizeof *global_node);
  int32_t *down = local->local_graph, *start = down + n, *index = start + n + 1;
  if (n_cells > 0) {
    memcpy(down, downstream, n * sizeof *down);
    memcpy(start, upstream_start, (n + 1) * sizeof *start);
    memcpy(index, upstream_index, (size_t)n_links * sizeof *index);
  }
  WC_CALL_GOTO(status, fail, gather_cells(whole, local));
  WC_CALL_GOTO(status, fail, copy_tables(whole, local));
  local->ode.n_cells = n_cells;
  local->ode.downstream = down;
  local->ode.upstream_start = start;
  local->ode.upstream_index = index;
  local->ode.abs_tolerance = local->abs_tolerance;
  local->ode.flux_abs_tolerance = local->flux_abs_tolerance;
  local->ode.context = local;
  WC_CALL_GOTO(status, fail, wc_model_assign_budget_rows(local));
  *out = local;
  return WC_OK;
fail:
  wc_model_destroy(&local);
  return status;
}
