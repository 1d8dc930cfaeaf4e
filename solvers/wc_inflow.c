/* wc_inflow.c — inflow sources in canonical order (see wc_inflow.h). */
#include "wc_inflow.h"

#include <stdlib.h>

wc_status wc_inflow_sources_create(int32_t n_cells, const int32_t *downstream, const int32_t *global_index,
                                   int32_t n_remote, const int32_t *remote_cell, const int32_t *remote_global,
                                   wc_inflow_sources **out) {
  *out = NULL;
  WC_CHECK(n_cells >= 0 && n_remote >= 0, WC_ERR_INTERNAL, "inflow sources: %d cells, %d remote values", (int)n_cells,
           (int)n_remote);
  for (int32_t k = 0; k < n_remote; k++)
    WC_CHECK(remote_cell[k] >= 0 && remote_cell[k] < n_cells, WC_ERR_INTERNAL,
             "inflow sources: remote value %d enters cell %d of %d", (int)k, (int)remote_cell[k], (int)n_cells);
  wc_inflow_sources *s = NULL;
  WC_MALLOC(s, 1, "inflow sources");
  s->n_cells = n_cells;
  s->n_remote = n_remote;
  int32_t links = 0;
  for (int32_t i = 0; i < n_cells; i++) links += downstream[i] >= 0;
  s->start = calloc((size_t)n_cells + 1, sizeof *s->start);
  s->source = calloc((size_t)(links + n_remote) + 1, sizeof *s->source);
  int32_t *fill = calloc((size_t)n_cells + 1, sizeof *fill);
  if (!s->start || !s->source || !fill) {
    free(fill);
    wc_inflow_sources_destroy(&s);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for the inflow sources of %d cells", (int)n_cells);
  }
  for (int32_t u = 0; u < n_cells; u++)
    if (downstream[u] >= 0) s->start[downstream[u] + 1]++;
  for (int32_t k = 0; k < n_remote; k++) s->start[remote_cell[k] + 1]++;
  for (int32_t i = 0; i < n_cells; i++) s->start[i + 1] += s->start[i];
  for (int32_t u = 0; u < n_cells; u++)
    if (downstream[u] >= 0) s->source[s->start[downstream[u]] + fill[downstream[u]]++] = u;
  for (int32_t k = 0; k < n_remote; k++) s->source[s->start[remote_cell[k]] + fill[remote_cell[k]]++] = n_cells + k;
  free(fill);
  /* A cell has at most 8 sources on a D8 grid: insertion sort by whole-graph index. */
  wc_status status = WC_OK;
  for (int32_t i = 0; i < n_cells && status == WC_OK; i++) {
    int32_t *list = s->source + s->start[i];
    int32_t count = s->start[i + 1] - s->start[i];
#define WC_KEY(e) ((e) < n_cells ? (global_index ? global_index[e] : (e)) : remote_global[(e) - n_cells])
    for (int32_t a = 1; a < count; a++)
      for (int32_t b = a; b > 0 && WC_KEY(list[b]) < WC_KEY(list[b - 1]); b--) {
        int32_t t = list[b];
        list[b] = list[b - 1];
        list[b - 1] = t;
      }
    for (int32_t a = 1; a < count; a++)
      if (WC_KEY(list[a]) == WC_KEY(list[a - 1]))
        status = wc_error_set(WC_ERR_INTERNAL, __FILE__, __LINE__, "inflow sources: cell %d has two sources %d",
                              (int)i, (int)WC_KEY(list[a]));
#undef WC_KEY
  }
  if (status != WC_OK) {
    wc_inflow_sources_destroy(&s);
    return status;
  }
  *out = s;
  return WC_OK;
}

void wc_inflow_sources_destroy(wc_inflow_sources **sources) {
  if (!sources || !*sources) return;
  free((*sources)->start);
  free((*sources)->source);
  free(*sources);
  *sources = NULL;
}
