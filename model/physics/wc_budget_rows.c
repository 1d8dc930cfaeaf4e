/*
 * wc_budget_rows.c — which budget totals the solver integrates (wc_graph_ode.flux_row).
 *
 * A cell's flux totals are read one by one only where a budget or a section needs that
 * cell alone: where water leaves the basin or crosses into another jurisdiction (the
 * regions' inflow and outflow), at a monitoring section, and where it enters a reservoir
 * (the reservoir-inflow stations). Every other cell's water and N stay inside its own
 * jurisdiction and every enclosing one, so only the sum of its inputs, ET, losses and use
 * over the jurisdiction is ever read: such cells share one row per jurisdiction. On the
 * 2 km Chaobai 179 rows serve 3,976 cells, so the solver integrates ~0.36 totals per cell
 * instead of 8 (docs/model.md, "Budgets").
 *
 * A rank-local model gets its own rows over its own cells (the rule looks at the basin's
 * graph, not at where the ranks cut it); summed over ranks they are the basin's.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "wc_model_private.h"

/* Basin node of model node i. */
static int32_t basin_node(const wc_model *model, int32_t i) { return model->global_node ? model->global_node[i] : i; }

/* Index into the basin's jurisdiction table of basin node g's cell, -1 for none (an id
 * below 0 or one not in the table). */
static int32_t jurisdiction_index(const wc_basin *basin, int32_t g) {
  int32_t id = basin->jurisdiction[basin->graph->cell[g]];
  return id >= 0 ? wc_basin_find_jurisdiction(basin, id) : -1;
}

/* Basin nodes whose totals are read alone, as a mark per basin node. */
static void mark_tracked(const wc_basin *basin, unsigned char *tracked) {
  const wc_drainage_graph *graph = basin->graph;
  for (int32_t g = 0; g < graph->n; ++g) {
    int32_t d = graph->downstream[g];
    if (d < 0 || basin->jurisdiction[graph->cell[g]] != basin->jurisdiction[graph->cell[d]]) tracked[g] = 1;
  }
  for (int32_t s = 0; s < basin->n_sections; ++s) {
    const wc_section *section = &basin->sections[s];
    if (section->row < 0) continue; /* never snapped: the stations report it */
    int32_t node = graph->node_of_cell[section->row * basin->grid.cols + section->col];
    if (node >= 0) tracked[node] = 1;
  }
  for (int32_t r = 0; r < basin->n_reservoirs; ++r) {
    const wc_reservoir *reservoir = &basin->reservoirs[r];
    int32_t node = graph->node_of_cell[reservoir->row * basin->grid.cols + reservoir->col];
    if (node < 0) continue;
    for (int32_t e = graph->upstream_start[node]; e < graph->upstream_start[node + 1]; ++e)
      tracked[graph->upstream_index[e]] = 1;
  }
}

wc_status wc_model_assign_budget_rows(wc_model *model) {
  const wc_basin *basin = model->basin;
  const int32_t n = model->n, n_jurisdictions = basin->n_jurisdictions;
  free(model->flux_row);
  free(model->row_node);
  free(model->row_jurisdiction);
  model->flux_row = model->row_node = model->row_jurisdiction = NULL;
  model->n_rows = 0;
  unsigned char *tracked = calloc((size_t)basin->graph->n + 1, 1);
  /* Shared row of each jurisdiction index (slot n_jurisdictions: cells without one). */
  int32_t *shared = malloc(((size_t)n_jurisdictions + 1) * sizeof *shared);
  model->flux_row = malloc(((size_t)n + 1) * sizeof *model->flux_row);
  wc_status status = WC_OK;
  if (!tracked || !shared || !model->flux_row) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for the budget rows of %d cells", (int)n);
    goto done;
  }
  mark_tracked(basin, tracked);
  for (int32_t k = 0; k <= n_jurisdictions; ++k) shared[k] = -1;
  /* Rows in order of first appearance along the local nodes: the same on every run. */
  for (int32_t i = 0; i < n; ++i) {
    int32_t g = basin_node(model, i);
    if (tracked[g]) {
      model->flux_row[i] = model->n_rows++;
      continue;
    }
    int32_t index = jurisdiction_index(basin, g);
    int32_t slot = index >= 0 ? index : n_jurisdictions;
    if (shared[slot] < 0) shared[slot] = model->n_rows++;
    model->flux_row[i] = shared[slot];
  }
  /* Per row (far fewer than cells): the node it tracks alone or -1, and its jurisdiction
   * id (-1 for cells without one). A row is first met in the order it was numbered. */
  model->row_node = malloc(((size_t)model->n_rows + 1) * sizeof *model->row_node);
  model->row_jurisdiction = malloc(((size_t)model->n_rows + 1) * sizeof *model->row_jurisdiction);
  if (!model->row_node || !model->row_jurisdiction) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for %d budget rows", (int)model->n_rows);
    goto done;
  }
  for (int32_t i = 0, filled = 0; i < n; ++i) {
    if (model->flux_row[i] != filled) continue;
    int32_t g = basin_node(model, i);
    int32_t id = basin->jurisdiction[basin->graph->cell[g]];
    bool alone = tracked[g];
    model->row_node[filled] = alone ? i : -1;
    model->row_jurisdiction[filled] = alone || jurisdiction_index(basin, g) >= 0 ? id : -1;
    filled++;
  }
  model->ode.n_flux_rows = model->n_rows;
  model->ode.flux_row = model->flux_row;
done:
  free(tracked);
  free(shared);
  return status;
}

int32_t wc_model_budget_row_count(const wc_model *model) { return model->n_rows; }
const int32_t *wc_model_budget_row_node(const wc_model *model) { return model->row_node; }
const int32_t *wc_model_budget_row_jurisdiction(const wc_model *model) { return model->row_jurisdiction; }
