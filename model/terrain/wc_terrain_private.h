/* wc_terrain_private.h — helpers shared by the terrain sources; not installed API. */
#ifndef WC_TERRAIN_PRIVATE_H
#define WC_TERRAIN_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "wc_grid.h"

static inline bool wc_valid_at(const uint8_t *valid, int32_t cell) {
  return valid == NULL || valid[cell] != 0;
}

/* An open-boundary seed: a valid cell on the grid edge or with a nodata 8-neighbour. */
static inline bool wc_is_open_seed(const wc_grid *grid, const uint8_t *valid, int32_t row,
                                   int32_t col) {
  if (row == 0 || col == 0 || row == grid->rows - 1 || col == grid->cols - 1) return true;
  if (valid == NULL) return false;
  for (int32_t r = row - 1; r <= row + 1; r++)
    for (int32_t c = col - 1; c <= col + 1; c++)
      if (!valid[r * grid->cols + c]) return true;
  return false;
}

#endif /* WC_TERRAIN_PRIVATE_H */
