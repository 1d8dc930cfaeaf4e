/*
 * wc_cell_lu.c — structures of cell Jacobians and the LU factors over them (wc_cell_lu.h).
 */
#include "wc_cell_lu.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Beyond this many structures a cell takes the full one (index 0): a basin has a few dozen. */
enum { MAX_PATTERNS = 256 };

struct wc_cell_patterns {
  int n;
  int count;
  wc_cell_pattern *pattern[MAX_PATTERNS]; /* each allocated alone: factors keep pointers */
};

/* Append row r's entries in columns [from, to) of `row` to position/column from `at` on;
 * the new count. */
static int list_row(int n, int r, uint16_t row, int from, int to, uint8_t *position, uint8_t *column, int at) {
  for (int c = from; c < to; c++)
    if (row >> c & 1u) {
      position[at] = (uint8_t)(r * n + c);
      column[at++] = (uint8_t)c;
    }
  return at;
}

/* Work out the elimination of the structure in p->row_mask (M's is that plus the diagonal). */
static void analyse(wc_cell_pattern *p) {
  const int n = p->n;
  uint16_t structure[WC_CELL_LU_MAX_STATES]; /* M's non-zeros, growing with fill */
  int entries = 0, fills = 0, scales = 0, updates = 0, lowers = 0, uppers = 0;
  for (int r = 0; r < n; r++) {
    structure[r] = (uint16_t)(p->row_mask[r] | (1u << r));
    p->entry_start[r] = (uint16_t)entries;
    entries = list_row(n, r, structure[r], 0, n, p->entry_position, p->entry_column, entries);
  }
  p->entry_start[n] = (uint16_t)entries;
  for (int k = 0; k < n; k++) {
    p->scale_start[k] = (uint16_t)scales;
    p->update_start[k] = (uint16_t)updates;
    uint16_t right = (uint16_t)(structure[k] & ~((2u << k) - 1u)); /* U's row k beyond the pivot */
    for (int r = k + 1; r < n; r++) {
      if (!(structure[r] >> k & 1u)) continue;
      p->scale_position[scales++] = (uint8_t)(r * n + k);
      for (int c = k + 1; c < n; c++)
        if (right >> c & 1u) {
          if (!(structure[r] >> c & 1u)) p->fill_position[fills++] = (uint8_t)(r * n + c);
          p->update_target[updates] = (uint8_t)(r * n + c);
          p->update_lower[updates] = (uint8_t)(r * n + k);
          p->update_upper[updates++] = (uint8_t)(k * n + c);
        }
      structure[r] |= right;
    }
  }
  p->scale_start[n] = (uint16_t)scales;
  p->update_start[n] = (uint16_t)updates;
  p->n_fill = (uint16_t)fills;
  for (int r = 0; r < n; r++) {
    p->lower_start[r] = (uint16_t)lowers;
    lowers = list_row(n, r, structure[r], 0, r, p->lower_position, p->lower_column, lowers);
  }
  p->lower_start[n] = (uint16_t)lowers;
  for (int r = 0; r < n; r++) { /* the solve reads row r's from upper_start[r] to [r + 1] */
    p->upper_start[r] = (uint16_t)uppers;
    uppers = list_row(n, r, structure[r], r + 1, n, p->upper_position, p->upper_column, uppers);
  }
  p->upper_start[n] = (uint16_t)uppers;
}

static wc_status add_pattern(wc_cell_patterns *table, const uint16_t *row_mask) {
  wc_cell_pattern *p = calloc(1, sizeof *p);
  WC_CHECK(p != NULL, WC_ERR_MEMORY, "out of memory for a cell Jacobian structure");
  p->n = table->n;
  memcpy(p->row_mask, row_mask, (size_t)table->n * sizeof *row_mask); /* zero beyond n (calloc) */
  analyse(p);
  table->pattern[table->count++] = p;
  return WC_OK;
}

wc_status wc_cell_patterns_create(int n_states, wc_cell_patterns **table) {
  *table = NULL;
  WC_CHECK(n_states >= 1 && n_states <= WC_CELL_LU_MAX_STATES, WC_ERR_INTERNAL, "cell LU of %d states (1 to %d)",
           n_states, WC_CELL_LU_MAX_STATES);
  wc_cell_patterns *t = calloc(1, sizeof *t);
  WC_CHECK(t != NULL, WC_ERR_MEMORY, "out of memory for the cell Jacobian structures");
  t->n = n_states;
  uint16_t full[WC_CELL_LU_MAX_STATES];
  for (int r = 0; r < n_states; r++) full[r] = (uint16_t)((1u << n_states) - 1u);
  wc_status status = add_pattern(t, full);
  if (status != WC_OK) {
    wc_cell_patterns_destroy(&t);
    return status;
  }
  *table = t;
  return WC_OK;
}

void wc_cell_patterns_destroy(wc_cell_patterns **table) {
  if (!table || !*table) return;
  for (int k = 0; k < (*table)->count; k++) free((*table)->pattern[k]);
  free(*table);
  *table = NULL;
}

/* The rows' non-zero masks of an n x n Jacobian, zero beyond row n. Bounds the compiler
 * knows (8: the watershed model) let it unroll the 64 tests into straight-line code;
 * this ran at every Jacobian and was 6% of a run with the bounds in a variable. */
static inline void structure_of(int n, const double *jacobian, uint16_t mask[WC_CELL_LU_MAX_STATES]) {
  for (int r = 0; r < WC_CELL_LU_MAX_STATES; r++) mask[r] = 0;
  if (n == 8) {
    for (int r = 0; r < 8; r++) {
      unsigned bits = 0;
      for (int c = 0; c < 8; c++) bits |= (unsigned)(jacobian[r * 8 + c] != 0.0) << c;
      mask[r] = (uint16_t)bits;
    }
    return;
  }
  for (int r = 0; r < n; r++) {
    unsigned bits = 0;
    for (int c = 0; c < n; c++) bits |= (unsigned)(jacobian[r * n + c] != 0.0) << c;
    mask[r] = (uint16_t)bits;
  }
}

/* Whole (zero-padded) masks compared at once: a fixed size is compared inline. */
static inline bool same_structure(const wc_cell_pattern *p, const uint16_t mask[WC_CELL_LU_MAX_STATES]) {
  return memcmp(p->row_mask, mask, sizeof p->row_mask) == 0;
}

wc_status wc_cell_patterns_find(wc_cell_patterns *table, const double *jacobian, uint16_t *index) {
  uint16_t mask[WC_CELL_LU_MAX_STATES];
  structure_of(table->n, jacobian, mask);
  /* The structure the cell had is the likeliest by far. */
  if (*index < table->count && same_structure(table->pattern[*index], mask)) return WC_OK;
  for (int k = 0; k < table->count; k++)
    if (same_structure(table->pattern[k], mask)) {
      *index = (uint16_t)k;
      return WC_OK;
    }
  if (table->count == MAX_PATTERNS) {
    *index = 0; /* the full structure fits any Jacobian */
    return WC_OK;
  }
  WC_CALL(add_pattern(table, mask));
  *index = (uint16_t)(table->count - 1);
  return WC_OK;
}

bool wc_cell_structure_closed(int n, const uint16_t *mask) {
  wc_cell_pattern p = {.n = n};
  for (int r = 0; r < n; r++) p.row_mask[r] = mask[r];
  analyse(&p);
  return p.n_fill == 0;
}

bool wc_cell_structure_within(int n, const uint16_t *inner, const uint16_t *outer) {
  for (int r = 0; r < n; r++)
    if (inner[r] & ~outer[r]) return false;
  return true;
}

const wc_cell_pattern *wc_cell_patterns_get(const wc_cell_patterns *table, uint16_t index) {
  return table->pattern[index];
}

int wc_cell_patterns_count(const wc_cell_patterns *table) { return table->count; }

bool wc_cell_lu_factor(const wc_cell_pattern *p, const double *jacobian, double dh, wc_cell_lu *lu) {
  const int n = p->n;
  double *a = lu->a;
  lu->pattern = p;
  for (int i = 0; i < p->n_fill; i++) a[p->fill_position[i]] = 0.0;
  for (int i = 0; i < p->entry_start[n]; i++) a[p->entry_position[i]] = -dh * jacobian[p->entry_position[i]];
  for (int k = 0; k < n; k++) a[k * n + k] += 1.0;
  for (int k = 0; k < n; k++) {
    double pivot = a[k * n + k];
    if (!(fabs(pivot) > 1e-12)) return false;
    double inverse = 1.0 / pivot;
    lu->diagonal_inverse[k] = inverse;
    for (int i = p->scale_start[k]; i < p->scale_start[k + 1]; i++) a[p->scale_position[i]] *= inverse;
    for (int i = p->update_start[k]; i < p->update_start[k + 1]; i++)
      a[p->update_target[i]] -= a[p->update_lower[i]] * a[p->update_upper[i]];
  }
  for (int i = 0; i < p->lower_start[n]; i++) lu->lower_value[i] = a[p->lower_position[i]];
  for (int i = 0; i < p->upper_start[n]; i++) lu->upper_value[i] = a[p->upper_position[i]];
  return true;
}
