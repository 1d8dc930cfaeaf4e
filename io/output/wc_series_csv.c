/* wc_series_csv.c — CSV series and budgets, complete or not at all. */
#include "wc_series_csv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct wc_series_csv {
  FILE *file;
  char *path;
  char *partial;
};

static wc_status partial_name(const char *path, char **partial) {
  size_t length = strlen(path) + sizeof ".partial";
  WC_MALLOC(*partial, length, "a file name");
  snprintf(*partial, length, "%s.partial", path);
  return WC_OK;
}

/* A whole-file writer writes PATH.partial and renames it only once complete, so a failed
 * run never leaves a half-written file under the real name. */
static wc_status open_partial(const char *path, char **partial, FILE **file) {
  WC_CALL(partial_name(path, partial));
  *file = fopen(*partial, "w");
  if (!*file) {
    wc_status status = wc_error_set(WC_ERR_IO, __FILE__, __LINE__, "%s: cannot create: %s", *partial, strerror(errno));
    free(*partial);
    *partial = NULL;
    return status;
  }
  return WC_OK;
}

/* Close, check and rename into place (or remove); frees `partial`. */
static wc_status finish_partial(FILE *file, char *partial, const char *path) {
  int failed = ferror(file);
  failed |= fclose(file) != 0;
  wc_status status = WC_OK;
  if (failed)
    status = wc_error_set(WC_ERR_IO, __FILE__, __LINE__, "%s: write failed: %s", partial, strerror(errno));
  else if (rename(partial, path) != 0)
    status = wc_error_set(WC_ERR_IO, __FILE__, __LINE__, "cannot rename %s to %s: %s", partial, path, strerror(errno));
  if (status != WC_OK) remove(partial);
  free(partial);
  return status;
}

wc_status wc_series_csv_open(const char *path, wc_series_csv **out) {
  *out = NULL;
  wc_series_csv *csv;
  WC_MALLOC(csv, 1, "a CSV writer");
  wc_status status = partial_name(path, &csv->partial);
  if (status == WC_OK && !(csv->path = strdup(path)))
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory");
  if (status == WC_OK && !(csv->file = fopen(csv->partial, "w")))
    status = wc_error_set(WC_ERR_IO, __FILE__, __LINE__, "%s: cannot create: %s", csv->partial, strerror(errno));
  if (status == WC_OK)
    fputs("interval_start,interval_end,station,kind,discharge_m3_s,volume_m3,tn_load_kg,tn_mg_l\n", csv->file);
  if (status != WC_OK) {
    free(csv->partial);
    free(csv->path);
    free(csv);
    return status;
  }
  *out = csv;
  return WC_OK;
}

static void write_text(FILE *file, const char *text) {
  /* Station names may hold commas: quote them, doubling any quote. */
  fputc('"', file);
  for (const char *c = text; *c; ++c) {
    if (*c == '"') fputc('"', file);
    fputc(*c, file);
  }
  fputc('"', file);
}

wc_status wc_series_csv_write(wc_series_csv *csv, wc_time_s start, wc_time_s end, const wc_stations *stations,
                              const wc_station_sample *samples) {
  char from[32], to[32];
  wc_time_format(start, from, sizeof from);
  wc_time_format(end, to, sizeof to);
  for (int32_t k = 0; k < stations->count; ++k) {
    const wc_station_sample *s = &samples[k];
    fprintf(csv->file, "%s,%s,", from, to);
    write_text(csv->file, stations->items[k].name);
    fprintf(csv->file, ",%s,%.9g,%.9g,%.9g,", stations->items[k].kind == WC_STATION_SECTION ? "section" : "reservoir_inflow",
            s->discharge_m3_s, s->volume_m3, s->tn_load_kg);
    if (isfinite(s->tn_concentration_mg_l)) fprintf(csv->file, "%.9g", s->tn_concentration_mg_l);
    fputc('\n', csv->file);
  }
  WC_CHECK(!ferror(csv->file), WC_ERR_IO, "%s: write failed: %s", csv->partial, strerror(errno));
  return WC_OK;
}

wc_status wc_series_csv_close(wc_series_csv **csv, int commit) {
  if (!csv || !*csv) return WC_OK;
  wc_series_csv *c = *csv;
  wc_status status = WC_OK;
  if (fclose(c->file) != 0 && commit)
    status = wc_error_set(WC_ERR_IO, __FILE__, __LINE__, "%s: cannot finish writing: %s", c->partial, strerror(errno));
  if (status == WC_OK && commit && rename(c->partial, c->path) != 0)
    status = wc_error_set(WC_ERR_IO, __FILE__, __LINE__, "cannot rename %s to %s: %s", c->partial, c->path,
                          strerror(errno));
  if (status != WC_OK || !commit) remove(c->partial);
  free(c->partial);
  free(c->path);
  free(c);
  *csv = NULL;
  return status;
}

wc_status wc_budget_csv_write(const char *path, const wc_basin *basin, const wc_budget *start, const wc_budget *end,
                              int32_t n_budgets) {
  char *partial = NULL;
  FILE *file = NULL;
  WC_CALL(open_partial(path, &partial, &file));
  fputs("region,water_in_m3,water_et_m3,water_use_m3,water_inflow_m3,water_outflow_m3,water_storage_change_m3,"
        "water_closure,tn_in_kg,tn_loss_kg,tn_use_kg,tn_inflow_kg,tn_outflow_kg,tn_storage_change_kg,tn_closure\n",
        file);
  for (int32_t k = 0; k < n_budgets; ++k) {
    const wc_budget *a = &start[k], *b = &end[k];
    double water, n;
    wc_budget_closure(a, b, &water, &n);
    write_text(file, k == 0 ? basin->name : basin->jurisdictions[k - 1].name);
    fprintf(file, ",%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.3e,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.3e\n",
            b->water_in_m3 - a->water_in_m3, b->water_et_m3 - a->water_et_m3, b->water_use_m3 - a->water_use_m3,
            b->water_inflow_m3 - a->water_inflow_m3, b->water_outflow_m3 - a->water_outflow_m3,
            b->water_storage_m3 - a->water_storage_m3, water, b->n_in_kg - a->n_in_kg, b->n_loss_kg - a->n_loss_kg,
            b->n_use_kg - a->n_use_kg, b->n_inflow_kg - a->n_inflow_kg, b->n_outflow_kg - a->n_outflow_kg,
            b->n_storage_kg - a->n_storage_kg, n);
  }
  return finish_partial(file, partial, path);
}

wc_status wc_partition_csv_write(const char *path, int32_t n_ranks, const int32_t *cells, const int32_t *cut_out,
                                 const int32_t *cut_in, const int32_t *neighbours_out, const int32_t *neighbours_in) {
  char *partial = NULL;
  FILE *file = NULL;
  WC_CALL(open_partial(path, &partial, &file));
  fputs("rank,cells,cut_edges_out,cut_edges_in,neighbours_out,neighbours_in\n", file);
  for (int32_t r = 0; r < n_ranks; ++r)
    fprintf(file, "%d,%d,%d,%d,%d,%d\n", (int)r, (int)cells[r], (int)cut_out[r], (int)cut_in[r], (int)neighbours_out[r],
            (int)neighbours_in[r]);
  return finish_partial(file, partial, path);
}
