/*
 * wc_water_use.c — the scenario's consumptive water use, spread over each jurisdiction's
 * cells (docs/model.md, "Water use").
 *
 * An entry takes its yearly volume in the months it lists, shared among the jurisdiction's
 * channel cells in proportion to their contributing area, a stand-in for their mean flow,
 * so diversions and wells sit on the main valleys rather than in headwater gullies. The
 * river part is taken from the channel; the groundwater part is pumped from the valley
 * aquifer under it, and what the aquifer cannot give is drawn from the river by the wells
 * (induced recharge) — the way pumping dried the region's rivers.
 * An entry on a province also covers its prefectures and counties. What results is a
 * monthly demand per jurisdiction; the cell function turns it into a withdrawal that fades
 * out as the store empties.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_jurisdiction_names.h"
#include "wc_model_private.h"

/* Whether jurisdiction `index` is `ancestor` or lies within it (indices into the table). */
static bool jurisdiction_within(const wc_basin *basin, int32_t index, int32_t ancestor) {
  for (int guard = 0; guard < 8 && index >= 0; ++guard) {
    if (index == ancestor) return true;
    index = wc_basin_find_jurisdiction(basin, basin->jurisdictions[index].parent_id);
  }
  return false;
}

/* "FILE:LINE:COL: " of the entry's jurisdiction key, or "" when it came from memory. */
static const char *position(const wc_water_use *use, char *buffer, size_t size) {
  if (!use->jurisdiction_at[0]) return "";
  snprintf(buffer, size, "%s: ", use->jurisdiction_at);
  return buffer;
}

/* Share of the yearly volume in each calendar month. */
static void month_shares(const wc_water_use *use, double share[12]) {
  double total = 0;
  for (int m = 0; m < 12; ++m) share[m] = 0;
  for (size_t k = 0; k < use->months.count; ++k) {
    double weight = use->weights.count == use->months.count ? use->weights.items[k] : 1.0;
    share[use->months.items[k] - 1] += weight;
    total += weight;
  }
  for (int m = 0; m < 12; ++m) share[m] = total > 0 ? share[m] / total : 0;
}

static wc_status apply_one(wc_model *model, const wc_water_use *use, size_t k, const char *const *names) {
  const wc_basin *basin = model->basin;
  int32_t n_jurisdictions = basin->n_jurisdictions;
  char where[300];
  int32_t target = wc_jurisdiction_name_find(names, n_jurisdictions, use->jurisdiction);
  if (target < 0) {
    char known[2048];
    wc_jurisdiction_names_list(names, n_jurisdictions, known, sizeof known);
    if (target == WC_NAME_AMBIGUOUS)
      WC_FAIL(WC_ERR_SCENARIO,
              "%smanagement.water_use[%zu].jurisdiction: '%s' fits several jurisdictions of basin '%s'; give more "
              "of the name: %s",
              position(use, where, sizeof where), k, use->jurisdiction, basin->name, known);
    WC_FAIL(WC_ERR_SCENARIO, "%smanagement.water_use[%zu].jurisdiction: basin '%s' has no jurisdiction '%s'; it has: %s",
            position(use, where, sizeof where), k, basin->name, use->jurisdiction, known);
  }
  double river_area_km2 = 0;
  for (int32_t i = 0; i < model->n; ++i) {
    const wc_cell_static *c = &model->cells[i];
    if (c->jurisdiction >= 0 && c->takes_river_water && jurisdiction_within(basin, c->jurisdiction, target))
      river_area_km2 += c->area_up_km2;
  }
  double river_m3 = use->volume_m3_per_yr * (1.0 - use->groundwater_fraction);
  double pumped_m3 = use->volume_m3_per_yr * use->groundwater_fraction;
  WC_CHECK(use->volume_m3_per_yr <= 0 || river_area_km2 > 0, WC_ERR_SCENARIO,
           "%smanagement.water_use[%zu]: jurisdiction '%s' has no river cell in basin '%s' at this resolution to take "
           "%g m3/yr from; use a finer grid or a lower channel_threshold",
           position(use, where, sizeof where), k, basin->jurisdictions[target].name, basin->name,
           use->volume_m3_per_yr);
  double share[12];
  month_shares(use, share);
  double mm_per_m3 = 1e3 / model->cell_area_m2;
  for (int32_t q = 0; q < n_jurisdictions; ++q) {
    if (!jurisdiction_within(basin, q, target)) continue;
    for (int m = 0; m < 12; ++m) {
      if (river_m3 > 0) model->use_river_mm_per_km2[q][m] += river_m3 * share[m] / river_area_km2 * mm_per_m3;
      if (pumped_m3 > 0) model->use_pumping_mm_per_km2[q][m] += pumped_m3 * share[m] / river_area_km2 * mm_per_m3;
    }
  }
  return WC_OK;
}

wc_status wc_model_apply_water_use(wc_model *model, const wc_water_use_list *uses) {
  const wc_basin *basin = model->basin;
  if (!uses || uses->count == 0) return WC_OK;
  int32_t n_jurisdictions = basin->n_jurisdictions;
  char where[300];
  WC_CHECK(n_jurisdictions > 0, WC_ERR_SCENARIO,
           "%smanagement.water_use[0].jurisdiction: basin '%s' has no jurisdictions to take water in",
           position(&uses->items[0], where, sizeof where), basin->name);
  model->n_jurisdictions = n_jurisdictions;
  WC_MALLOC(model->use_river_mm_per_km2, (size_t)n_jurisdictions, "water use per jurisdiction");
  WC_MALLOC(model->use_pumping_mm_per_km2, (size_t)n_jurisdictions, "water use per jurisdiction");
  const char **names;
  WC_MALLOC(names, (size_t)n_jurisdictions, "jurisdiction names");
  for (int32_t j = 0; j < n_jurisdictions; ++j) names[j] = basin->jurisdictions[j].name;
  wc_status status = WC_OK;
  for (size_t k = 0; k < uses->count && status == WC_OK; ++k) status = apply_one(model, &uses->items[k], k, names);
  free(names);
  return status;
}

double wc_model_use_half_storage_mm(const wc_model *model, const wc_cell_static *cell) {
  double depth_m = model->parameters.water_use_half_depth_m;
  if (!cell->is_channel || cell->reservoir >= 0) return depth_m * 1e3;
  /* That depth over the channel's bed, as a depth over the whole cell. */
  return 1e3 * depth_m * cell->channel_width_m * cell->link_length_m / model->cell_area_m2;
}
