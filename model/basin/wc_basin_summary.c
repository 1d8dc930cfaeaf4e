/* wc_basin_summary.c — areas by jurisdiction, land use and monitoring section. */
#include "wc_basin_summary.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void wc_basin_summary_destroy(wc_basin_summary **summary) {
  if (summary == NULL || *summary == NULL) return;
  wc_basin_summary *s = *summary;
  for (int32_t k = 0; s->sections != NULL && k < s->n_sections; k++) {
    free(s->sections[k].jurisdiction_area_km2);
    free(s->sections[k].land_use_share);
  }
  free(s->sections);
  free(s->jurisdiction_cells);
  free(s->jurisdiction_area_km2);
  free(s->land_use_area_km2);
  free(s);
  *summary = NULL;
}

/* A jurisdiction's area includes everything within it: cells carry the finest level
 * (county), so add each area to its parent, finest level first (parents are coarser). */
static void roll_up_jurisdictions(const wc_basin *b, double *area_km2) {
  for (int level = WC_JURISDICTION_LEVEL_COUNT - 1; level > 0; level--)
    for (int32_t k = 0; k < b->n_jurisdictions; k++) {
      const wc_jurisdiction *j = &b->jurisdictions[k];
      if ((int)j->level != level || j->parent_id < 0) continue;
      int32_t parent = wc_basin_find_jurisdiction(b, j->parent_id);
      if (parent >= 0) area_km2[parent] += area_km2[k];
    }
}

static wc_status allocate(wc_basin_summary *s) {
  const int32_t nj = s->n_jurisdictions, nl = s->n_land_use;
  WC_MALLOC(s->jurisdiction_cells, nj + 1, "jurisdiction cell counts");
  WC_MALLOC(s->jurisdiction_area_km2, nj + 1, "jurisdiction areas");
  WC_MALLOC(s->land_use_area_km2, nl > 0 ? nl : 1, "land-use areas");
  WC_MALLOC(s->sections, s->n_sections, "section summaries");
  for (int32_t k = 0; k < s->n_sections; k++) {
    WC_MALLOC(s->sections[k].jurisdiction_area_km2, nj + 1, "section jurisdiction areas");
    WC_MALLOC(s->sections[k].land_use_share, nl > 0 ? nl : 1, "section land-use shares");
  }
  return WC_OK;
}

/* Table index of a cell's jurisdiction; n_jurisdictions for none (or an unknown id). */
static int32_t jurisdiction_slot(const wc_basin *b, int32_t id, int32_t *cache_id,
                                 int32_t *cache_slot) {
  if (id < 0) return b->n_jurisdictions;
  if (id != *cache_id) {
    int32_t k = wc_basin_find_jurisdiction(b, id);
    *cache_id = id;
    *cache_slot = k >= 0 ? k : b->n_jurisdictions;
  }
  return *cache_slot;
}

/* Cell counts and channel lengths per sub-basin, then summed down the section tree. */
static wc_status summarize_sections(const wc_basin *b, wc_basin_summary *s, const int32_t *label,
                                    const int32_t *section_node, double *channel_m) {
  const wc_drainage_graph *g = b->graph;
  const double cell_km2 = b->grid.cell_size_m * b->grid.cell_size_m / 1e6;
  const int32_t nj = s->n_jurisdictions, nl = s->n_land_use, ns = s->n_sections;
  int32_t cache_id = -1, cache_slot = nj, lu_cache_id = -1, lu_cache_slot = -1;
  for (int32_t i = 0; i < g->n; i++) {
    int32_t k = label[i];
    if (k < 0) continue;
    int32_t c = g->cell[i];
    wc_basin_section_summary *sec = &s->sections[k];
    sec->local_cells++;
    sec->jurisdiction_area_km2[jurisdiction_slot(b, b->jurisdiction[c], &cache_id, &cache_slot)] +=
        cell_km2;
    if (b->land_use[c] != lu_cache_id) {
      lu_cache_id = b->land_use[c];
      lu_cache_slot = wc_basin_find_land_use(b, lu_cache_id);
    }
    /* land_use_share holds areas until the shares are computed below. */
    if (lu_cache_slot >= 0) sec->land_use_share[lu_cache_slot] += cell_km2;
    if (b->channel[c]) channel_m[k] += wc_drainage_graph_link_length_m(g, i);
  }
  for (int32_t k = 0; k < ns; k++) {
    s->sections[k].upstream_cells = s->sections[k].local_cells;
    s->sections[k].local_area_km2 = s->sections[k].local_cells * cell_km2;
  }
  /* Upstream sections have smaller nodes (downstream[i] > i): in ascending node order a
   * section's totals are complete before they are added to the next one down. */
  int32_t *by_node = NULL;
  WC_MALLOC(by_node, ns, "section order");
  for (int32_t k = 0; k < ns; k++) by_node[k] = k;
  for (int32_t a = 1; a < ns; a++) /* insertion sort: a handful of sections */
    for (int32_t m = a; m > 0 && section_node[by_node[m - 1]] > section_node[by_node[m]]; m--) {
      int32_t t = by_node[m];
      by_node[m] = by_node[m - 1];
      by_node[m - 1] = t;
    }
  for (int32_t a = 0; a < ns; a++) {
    int32_t k = by_node[a], d = s->sections[k].downstream_section;
    if (d < 0) continue;
    s->sections[d].upstream_cells += s->sections[k].upstream_cells;
    channel_m[d] += channel_m[k];
    for (int32_t j = 0; j <= nj; j++)
      s->sections[d].jurisdiction_area_km2[j] += s->sections[k].jurisdiction_area_km2[j];
    for (int32_t l = 0; l < nl; l++)
      s->sections[d].land_use_share[l] += s->sections[k].land_use_share[l];
  }
  free(by_node);
  for (int32_t k = 0; k < ns; k++) {
    wc_basin_section_summary *sec = &s->sections[k];
    sec->upstream_area_km2 = sec->upstream_cells * cell_km2;
    sec->upstream_channel_length_km = channel_m[k] / 1000.0;
    for (int32_t l = 0; l < nl; l++) sec->land_use_share[l] /= sec->upstream_area_km2;
  }
  return WC_OK;
}

static wc_status summarize_basin(const wc_basin *b, wc_basin_summary *s) {
  const wc_drainage_graph *g = b->graph;
  const double cell_km2 = b->grid.cell_size_m * b->grid.cell_size_m / 1e6;
  int32_t cache_id = -1, cache_slot = s->n_jurisdictions;
  double elevation_sum = 0.0;
  s->cells = g->n;
  s->outlets = g->n_outlets;
  s->elevation_min_m = INFINITY;
  s->elevation_max_m = -INFINITY;
  for (int32_t i = 0; i < g->n; i++) {
    int32_t c = g->cell[i];
    s->jurisdiction_cells[jurisdiction_slot(b, b->jurisdiction[c], &cache_id, &cache_slot)]++;
    int32_t l = wc_basin_find_land_use(b, b->land_use[c]);
    if (l >= 0) s->land_use_area_km2[l] += cell_km2;
    if (b->channel[c]) {
      s->channel_cells++;
      s->channel_length_km += wc_drainage_graph_link_length_m(g, i) / 1000.0;
    }
    double z = b->dem_m[c];
    elevation_sum += z;
    if (z < s->elevation_min_m) s->elevation_min_m = z;
    if (z > s->elevation_max_m) s->elevation_max_m = z;
  }
  s->area_km2 = s->cells * cell_km2;
  s->drainage_density_km_per_km2 = s->area_km2 > 0 ? s->channel_length_km / s->area_km2 : 0.0;
  s->elevation_mean_m = g->n > 0 ? elevation_sum / g->n : NAN;
  for (int32_t j = 0; j <= s->n_jurisdictions; j++)
    s->jurisdiction_area_km2[j] = s->jurisdiction_cells[j] * cell_km2;
  return WC_OK;
}

wc_status wc_basin_summarize(const wc_basin *b, wc_basin_summary **summary) {
  WC_CHECK(b != NULL && summary != NULL, WC_ERR_INTERNAL, "wc_basin_summarize: NULL argument");
  *summary = NULL;
  WC_CHECK(b->graph != NULL, WC_ERR_INTERNAL,
           "wc_basin_summarize: the basin has no drainage graph (derive or read it first)");
  const wc_drainage_graph *g = b->graph;
  wc_basin_summary *s = calloc(1, sizeof *s);
  WC_CHECK(s != NULL, WC_ERR_MEMORY, "out of memory for a basin summary");
  s->n_jurisdictions = b->n_jurisdictions;
  s->n_land_use = b->n_land_use;
  s->n_sections = b->n_sections;
  int32_t *label = NULL, *section_node = NULL, *downstream_section = NULL;
  double *channel_m = NULL;
  wc_status status = allocate(s);
  if (status == WC_OK) {
    label = malloc((size_t)g->n * sizeof *label);
    section_node = calloc((size_t)s->n_sections + 1, sizeof *section_node);
    downstream_section = calloc((size_t)s->n_sections + 1, sizeof *downstream_section);
    channel_m = calloc((size_t)s->n_sections + 1, sizeof *channel_m);
    if (!label || !section_node || !downstream_section || !channel_m)
      status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__,
                            "out of memory for the sub-basin labels of %d cells", (int)g->n);
  }
  for (int32_t k = 0; k < s->n_sections && status == WC_OK; k++) {
    const wc_section *sec = &b->sections[k];
    bool inside = sec->row >= 0 && sec->row < b->grid.rows && sec->col >= 0 &&
                  sec->col < b->grid.cols;
    section_node[k] = inside ? g->node_of_cell[sec->row * b->grid.cols + sec->col] : -1;
    if (section_node[k] < 0)
      status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                            "section '%s' at row %d, column %d is not on a basin cell",
                            sec->name, (int)sec->row, (int)sec->col);
  }
  if (status == WC_OK)
    status = wc_subbasin_label(g, section_node, s->n_sections, label, downstream_section);
  for (int32_t k = 0; k < s->n_sections && status == WC_OK; k++)
    s->sections[k].downstream_section = downstream_section[k];
  if (status == WC_OK) status = summarize_basin(b, s);
  if (status == WC_OK) status = summarize_sections(b, s, label, section_node, channel_m);
  if (status == WC_OK) {
    roll_up_jurisdictions(b, s->jurisdiction_area_km2);
    for (int32_t k = 0; k < s->n_sections; k++) roll_up_jurisdictions(b, s->sections[k].jurisdiction_area_km2);
  }
  free(label);
  free(section_node);
  free(downstream_section);
  free(channel_m);
  if (status != WC_OK) {
    wc_basin_summary_destroy(&s);
    return status;
  }
  *summary = s;
  return WC_OK;
}

/* ---- printing ---------------------------------------------------------------------------- */

static const char *jurisdiction_name(const wc_basin *b, int32_t id) {
  if (id < 0) return "-";
  int32_t k = wc_basin_find_jurisdiction(b, id);
  return k >= 0 ? b->jurisdictions[k].name : "?";
}

static void print_overview(const wc_basin *b, const wc_basin_summary *s, FILE *out) {
  const wc_grid *g = &b->grid;
  fprintf(out, "basin:        %s\n", b->name[0] ? b->name : "(unnamed)");
  if (b->source[0]) fprintf(out, "source:       %s\n", b->source);
  if (b->created_by[0]) fprintf(out, "created by:   %s\n", b->created_by);
  fprintf(out, "grid:         %d rows x %d columns of %g m; x %.1f..%.1f m, y %.1f..%.1f m\n",
          (int)g->rows, (int)g->cols, g->cell_size_m, g->x_left_m,
          g->x_left_m + g->cols * g->cell_size_m, g->y_top_m - g->rows * g->cell_size_m,
          g->y_top_m);
  if (b->epsg > 0)
    fprintf(out, "CRS:          EPSG:%d\n", (int)b->epsg);
  else
    fprintf(out, "CRS:          %s\n", b->crs_wkt[0] ? "WKT only (no EPSG code)" : "unknown");
  fprintf(out, "basin cells:  %d (%.3f km2), %d outlet(s)\n", (int)s->cells, s->area_km2,
          (int)s->outlets);
  fprintf(out, "channels:     %d cells, %.3f km (threshold %g km2), drainage density %.2f km/km2\n",
          (int)s->channel_cells, s->channel_length_km, b->channel_threshold_km2, s->drainage_density_km_per_km2);
  fprintf(out, "elevation:    %.1f..%.1f m (mean %.1f m)\n", s->elevation_min_m,
          s->elevation_max_m, s->elevation_mean_m);
}

static void print_tables(const wc_basin *b, const wc_basin_summary *s, FILE *out) {
  fprintf(out, "\nland use (%d classes):\n", (int)b->n_land_use);
  fprintf(out, "  %6s  %-24s %9s  %-16s %10s %12s %7s\n", "id", "name", "manning_n",
          "crop_class", "impervious", "area_km2", "share");
  for (int32_t k = 0; k < b->n_land_use; k++) {
    const wc_land_use_class *c = &b->land_use_classes[k];
    fprintf(out, "  %6d  %-24s %9.3f  %-16s %10.2f %12.3f %6.1f%%\n", (int)c->id, c->name,
            c->manning_n, c->crop_class, c->impervious_fraction, s->land_use_area_km2[k],
            100.0 * s->land_use_area_km2[k] / s->area_km2);
  }
  fprintf(out, "\njurisdictions (%d):\n", (int)b->n_jurisdictions);
  fprintf(out, "  %6s  %-24s %-10s  %-24s %12s %7s\n", "id", "name", "level", "parent",
          "area_km2", "share");
  for (int32_t k = 0; k < b->n_jurisdictions; k++) {
    const wc_jurisdiction *j = &b->jurisdictions[k];
    fprintf(out, "  %6d  %-24s %-10s  %-24s %12.3f %6.1f%%\n", (int)j->id, j->name,
            wc_jurisdiction_level_name(j->level), jurisdiction_name(b, j->parent_id),
            s->jurisdiction_area_km2[k], 100.0 * s->jurisdiction_area_km2[k] / s->area_km2);
  }
  int32_t none = b->n_jurisdictions;
  if (s->jurisdiction_cells[none] > 0)
    fprintf(out, "  %6s  %-24s %-10s  %-24s %12.3f %6.1f%%\n", "-", "(no jurisdiction)", "", "",
            s->jurisdiction_area_km2[none], 100.0 * s->jurisdiction_area_km2[none] / s->area_km2);
  if (b->n_reservoirs > 0) {
    fprintf(out, "\nreservoirs (%d):\n", (int)b->n_reservoirs);
    fprintf(out, "  %-24s %5s %5s %14s %10s %12s %10s\n", "name", "row", "col", "capacity_m3",
            "pool_m", "min_m3_per_s", "area_km2");
    for (int32_t k = 0; k < b->n_reservoirs; k++) {
      const wc_reservoir *r = &b->reservoirs[k];
      fprintf(out, "  %-24s %5d %5d %14.4g %10.2f %12.3f %10.2f\n", r->name, (int)r->row,
              (int)r->col, r->capacity_m3, r->normal_pool_level_m, r->min_release_m3_per_s,
              r->area_at_capacity_km2);
    }
  }
}

static bool is_parent(const wc_basin *b, int32_t id) {
  for (int32_t k = 0; k < b->n_jurisdictions; k++)
    if (b->jurisdictions[k].parent_id == id) return true;
  return false;
}

static void print_sections(const wc_basin *b, const wc_basin_summary *s, FILE *out) {
  fprintf(out, "\nsections (%d):\n", (int)b->n_sections);
  if (b->n_sections == 0) return;
  fprintf(out, "  %-20s %5s %5s %8s %12s %12s %11s  %-20s %-20s %s\n", "name", "row", "col",
          "moved_m", "upstream_km2", "local_km2", "channel_km", "upstream side",
          "downstream side", "next section down");
  for (int32_t k = 0; k < b->n_sections; k++) {
    const wc_section *sec = &b->sections[k];
    const wc_basin_section_summary *ss = &s->sections[k];
    fprintf(out, "  %-20s %5d %5d %8.1f %12.3f %12.3f %11.3f  %-20s %-20s %s\n", sec->name,
            (int)sec->row, (int)sec->col, sec->snapped_distance_m, ss->upstream_area_km2,
            ss->local_area_km2, ss->upstream_channel_length_km,
            jurisdiction_name(b, sec->upstream_jurisdiction),
            jurisdiction_name(b, sec->downstream_jurisdiction),
            ss->downstream_section >= 0 ? b->sections[ss->downstream_section].name : "-");
  }
  for (int32_t k = 0; k < b->n_sections; k++) {
    const wc_basin_section_summary *ss = &s->sections[k];
    fprintf(out, "  above %s:", b->sections[k].name);
    for (int32_t j = 0; j <= b->n_jurisdictions; j++) {
      double area = ss->jurisdiction_area_km2[j];
      /* The finest jurisdictions only: a parent's area is already the sum of these. */
      if (area <= 0.0 || (j < b->n_jurisdictions && is_parent(b, b->jurisdictions[j].id))) continue;
      fprintf(out, " %s %.3f km2 (%.1f%%);",
              j < b->n_jurisdictions ? b->jurisdictions[j].name : "(no jurisdiction)", area,
              100.0 * area / ss->upstream_area_km2);
    }
    fputs("\n", out);
  }
}

wc_status wc_basin_summary_print(const wc_basin *b, const wc_basin_summary *s, FILE *out) {
  WC_CHECK(b != NULL && s != NULL && out != NULL, WC_ERR_INTERNAL,
           "wc_basin_summary_print: NULL argument");
  print_overview(b, s, out);
  print_tables(b, s, out);
  print_sections(b, s, out);
  WC_CHECK(fflush(out) == 0 && !ferror(out), WC_ERR_IO, "cannot write the basin summary: %s",
           strerror(errno));
  return WC_OK;
}
