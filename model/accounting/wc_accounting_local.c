/* wc_accounting_local.c — stations restricted to one rank's cells (see wc_accounting.h). */
#include <stdlib.h>
#include <string.h>

#include "wc_accounting.h"

int32_t wc_stations_node_total(const wc_stations *stations) {
  int32_t total = 0;
  for (int32_t k = 0; k < stations->count; ++k) total += stations->items[k].n_nodes;
  return total;
}

wc_status wc_stations_localize(const wc_stations *stations, int32_t rank, const int32_t *node_rank,
                               const int32_t *node_local, wc_stations **out) {
  *out = NULL;
  wc_stations *local = NULL;
  WC_MALLOC(local, 1, "local stations");
  wc_status status = WC_OK;
  local->items = calloc((size_t)(stations->count > 0 ? stations->count : 1), sizeof *local->items);
  if (!local->items) {
    free(local);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for local stations");
  }
  int32_t position = 0;
  for (int32_t k = 0; k < stations->count; ++k) {
    const wc_station *from = &stations->items[k];
    wc_station *to = &local->items[k];
    memcpy(to->name, from->name, sizeof to->name);
    to->kind = from->kind;
    to->index = from->index;
    to->nodes = malloc((size_t)(from->n_nodes > 0 ? from->n_nodes : 1) * sizeof *to->nodes);
    local->count = k + 1; /* so that destroy frees what exists */
    if (!to->nodes) {
      status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for the cells of station '%s'",
                            from->name);
      break;
    }
    for (int32_t j = 0; j < from->n_nodes; ++j, ++position)
      if (node_rank[position] == rank) to->nodes[to->n_nodes++] = node_local[position];
  }
  if (status != WC_OK) {
    wc_stations_destroy(&local);
    return status;
  }
  *out = local;
  return WC_OK;
}
