/*
 * wc_cell_lu.h — LU factors of one cell's Newton matrix M = I - d h J, over the non-zero
 * structure of its Jacobian J (solvers/wc_cellwise.c).
 *
 * A cell's Jacobian is mostly zero (the watershed model's 8 x 8 has ~29 non-zeros and is
 * lower triangular but for one entry), and a basin's cells share a few dozen structures.
 * The structure, and what elimination does with it (which entries scale, which update,
 * where fill appears), is worked out once per distinct structure and kept in a table;
 * factorising and solving then run down fixed lists. Testing each entry for zero at every
 * factorisation cost more in mispredicted branches than the arithmetic; dense loops with
 * their long chains of dependent additions were slower still (docs/performance.md).
 *
 *   wc_cell_patterns *table;  wc_cell_patterns_create(n_states, &table);
 *   uint16_t id = UINT16_MAX; wc_cell_patterns_find(table, jacobian, &id);   (per Jacobian)
 *   wc_cell_lu lu;            wc_cell_lu_factor(wc_cell_patterns_get(table, id), jacobian, d h, &lu);
 *   wc_cell_lu_solve(&lu, b); (b <- M^-1 b)
 */
#ifndef WC_CELL_LU_H
#define WC_CELL_LU_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "wc_status.h"

#define WC_CELL_LU_MAX_STATES 16
/* Elimination updates of a full n x n: sum over k of (n - 1 - k)^2. */
#define WC_CELL_LU_MAX_UPDATES (WC_CELL_LU_MAX_STATES * (WC_CELL_LU_MAX_STATES - 1) * (2 * WC_CELL_LU_MAX_STATES - 1) / 6)

/* One structure: positions are row * n + column in the row-major n x n arrays. */
typedef struct wc_cell_pattern {
  int n;
  uint16_t row_mask[WC_CELL_LU_MAX_STATES]; /* J's non-zeros (bit c of row r); the table's key */
  /* J's non-zeros by row, for M's entries and for J v. */
  uint16_t entry_start[WC_CELL_LU_MAX_STATES + 1];
  uint8_t entry_position[WC_CELL_LU_MAX_STATES * WC_CELL_LU_MAX_STATES];
  uint8_t entry_column[WC_CELL_LU_MAX_STATES * WC_CELL_LU_MAX_STATES];
  /* Entries of the factors that are not entries of J (fill): zero before elimination. */
  uint16_t n_fill;
  uint8_t fill_position[WC_CELL_LU_MAX_STATES * WC_CELL_LU_MAX_STATES];
  /* Elimination, pivot k at a time: L's column k scales by the pivot's inverse
   * (scale_position: below the pivot), then each pair of an L entry (r, k) and a U entry
   * (k, c) updates (r, c). */
  uint16_t scale_start[WC_CELL_LU_MAX_STATES + 1];
  uint8_t scale_position[WC_CELL_LU_MAX_STATES * WC_CELL_LU_MAX_STATES];
  uint16_t update_start[WC_CELL_LU_MAX_STATES + 1];
  uint8_t update_target[WC_CELL_LU_MAX_UPDATES];
  uint8_t update_lower[WC_CELL_LU_MAX_UPDATES];
  uint8_t update_upper[WC_CELL_LU_MAX_UPDATES];
  /* The solves: L's entries by row (first to last), U's by row (last to first). */
  uint16_t lower_start[WC_CELL_LU_MAX_STATES + 1], upper_start[WC_CELL_LU_MAX_STATES + 1];
  uint8_t lower_position[WC_CELL_LU_MAX_STATES * WC_CELL_LU_MAX_STATES];
  uint8_t lower_column[WC_CELL_LU_MAX_STATES * WC_CELL_LU_MAX_STATES];
  uint8_t upper_position[WC_CELL_LU_MAX_STATES * WC_CELL_LU_MAX_STATES];
  uint8_t upper_column[WC_CELL_LU_MAX_STATES * WC_CELL_LU_MAX_STATES];
} wc_cell_pattern;

/* The table of structures met so far. Index 0 is the full structure (every entry), which
 * fits any Jacobian: it is what a cell gets when the table is full. */
typedef struct wc_cell_patterns wc_cell_patterns;

wc_status wc_cell_patterns_create(int n_states, wc_cell_patterns **table);
void wc_cell_patterns_destroy(wc_cell_patterns **table);
/* The index of the structure of `jacobian` (n x n, row-major), added when new. *index on
 * entry is a hint, tried first (the structure the cell had), or any value >= the count. */
wc_status wc_cell_patterns_find(wc_cell_patterns *table, const double *jacobian, uint16_t *index);
const wc_cell_pattern *wc_cell_patterns_get(const wc_cell_patterns *table, uint16_t index);
int wc_cell_patterns_count(const wc_cell_patterns *table);

/* The factors of I - dh J: L (unit diagonal) below and U above the diagonal of `a`, and
 * U's diagonal inverted. */
typedef struct wc_cell_lu {
  const wc_cell_pattern *pattern;
  double a[WC_CELL_LU_MAX_STATES * WC_CELL_LU_MAX_STATES];
  double diagonal_inverse[WC_CELL_LU_MAX_STATES];
  /* L's and U's entries again, in the order the solves read them (the pattern's lower and
   * upper lists): a solve, run ~7 times per factorisation, then reads them in sequence
   * instead of through the position lists. */
  double lower_value[WC_CELL_LU_MAX_STATES * WC_CELL_LU_MAX_STATES];
  double upper_value[WC_CELL_LU_MAX_STATES * WC_CELL_LU_MAX_STATES];
} wc_cell_lu;

/* False when a pivot vanishes (|pivot| <= 1e-12; the caller cuts the step). No pivoting:
 * J's diagonal holds loss rates (<= 0), so M's diagonal is >= 1 and dominant in practice. */
bool wc_cell_lu_factor(const wc_cell_pattern *pattern, const double *jacobian, double dh, wc_cell_lu *lu);

/* b <- (I - dh J)^-1 b. Inline: the cell stepper calls it ~15 times per cell and day. */
static inline void wc_cell_lu_solve(const wc_cell_lu *lu, double *b) {
  const wc_cell_pattern *p = lu->pattern;
  const int n = p->n;
  for (int r = 1; r < n; r++) {
    double s = b[r];
    for (int i = p->lower_start[r]; i < p->lower_start[r + 1]; i++) s -= lu->lower_value[i] * b[p->lower_column[i]];
    b[r] = s;
  }
  for (int r = n - 1; r >= 0; r--) {
    double s = b[r];
    for (int i = p->upper_start[r]; i < p->upper_start[r + 1]; i++) s -= lu->upper_value[i] * b[p->upper_column[i]];
    b[r] = s * lu->diagonal_inverse[r];
  }
}

/* out <- J v over J's non-zeros. */
static inline void wc_cell_pattern_multiply(const wc_cell_pattern *p, const double *jacobian, const double *v,
                                            double *out) {
  for (int r = 0; r < p->n; r++) {
    double s = 0.0;
    for (int i = p->entry_start[r]; i < p->entry_start[r + 1]; i++) s += jacobian[p->entry_position[i]] * v[p->entry_column[i]];
    out[r] = s;
  }
}

/* ---- A structure known when the caller is compiled ---------------------------------------
 *
 * The same factors over one structure given as constant row masks (bit c of row r):
 * `entries`, J's non-zeros (the diagonal is added), and `closed`, those with the fill of
 * elimination, which must add no further fill (wc_cell_structure_closed). Called with n a
 * constant and the masks static const arrays, every loop unrolls and every test folds:
 * straight-line code over fixed offsets, with no lists to read, no table to look the
 * structure up in, and the operations in the order of the lists above (the same results,
 * but for the sign of a zero). Entries of J outside `entries` are ignored; in the
 * structure but zero in a cell's J, they cost an operation on a zero.
 *
 *   wc_cell_lu_fixed lu;  wc_cell_lu_fixed_factor(8, ENTRIES, CLOSED, jacobian, d h, &lu);
 *   wc_cell_lu_fixed_solve(8, CLOSED, &lu, b);
 */
#define WC_CELL_LU_INLINE static inline __attribute__((always_inline))

typedef struct wc_cell_lu_fixed {
  double a[WC_CELL_LU_MAX_STATES * WC_CELL_LU_MAX_STATES]; /* row stride n */
  double diagonal_inverse[WC_CELL_LU_MAX_STATES];
} wc_cell_lu_fixed;

/* Whether elimination of `mask` (plus the diagonal) fills no entry outside it. */
bool wc_cell_structure_closed(int n, const uint16_t *mask);
/* Whether every entry of `inner` is one of `outer`. */
bool wc_cell_structure_within(int n, const uint16_t *inner, const uint16_t *outer);

WC_CELL_LU_INLINE bool wc_cell_lu_fixed_factor(const int n, const uint16_t *entries, const uint16_t *closed,
                                               const double *jacobian, double dh, wc_cell_lu_fixed *lu) {
  double *a = lu->a;
#pragma GCC unroll 16
  for (int r = 0; r < n; r++)
#pragma GCC unroll 16
    for (int c = 0; c < n; c++)
      if ((closed[r] | 1u << r) >> c & 1u)
        a[r * n + c] = ((entries[r] | 1u << r) >> c & 1u) ? -dh * jacobian[r * n + c] : 0.0;
#pragma GCC unroll 16
  for (int k = 0; k < n; k++) a[k * n + k] += 1.0;
#pragma GCC unroll 16
  for (int k = 0; k < n; k++) {
    double pivot = a[k * n + k];
    if (!(fabs(pivot) > 1e-12)) return false;
    double inverse = 1.0 / pivot;
    lu->diagonal_inverse[k] = inverse;
#pragma GCC unroll 16
    for (int r = k + 1; r < n; r++)
      if (closed[r] >> k & 1u) a[r * n + k] *= inverse;
#pragma GCC unroll 16
    for (int r = k + 1; r < n; r++)
      if (closed[r] >> k & 1u)
#pragma GCC unroll 16
        for (int c = k + 1; c < n; c++)
          if (closed[k] >> c & 1u) a[r * n + c] -= a[r * n + k] * a[k * n + c];
  }
  return true;
}

WC_CELL_LU_INLINE void wc_cell_lu_fixed_solve(const int n, const uint16_t *closed, const wc_cell_lu_fixed *lu,
                                              double *b) {
  const double *a = lu->a;
#pragma GCC unroll 16
  for (int r = 1; r < n; r++) {
    double s = b[r];
#pragma GCC unroll 16
    for (int c = 0; c < r; c++)
      if (closed[r] >> c & 1u) s -= a[r * n + c] * b[c];
    b[r] = s;
  }
#pragma GCC unroll 16
  for (int r = n - 1; r >= 0; r--) {
    double s = b[r];
#pragma GCC unroll 16
    for (int c = r + 1; c < n; c++)
      if (closed[r] >> c & 1u) s -= a[r * n + c] * b[c];
    b[r] = s * lu->diagonal_inverse[r];
  }
}

/* out <- J v over `entries` (and the diagonal). */
WC_CELL_LU_INLINE void wc_cell_fixed_multiply(const int n, const uint16_t *entries, const double *jacobian,
                                              const double *v, double *out) {
#pragma GCC unroll 16
  for (int r = 0; r < n; r++) {
    double s = 0.0;
#pragma GCC unroll 16
    for (int c = 0; c < n; c++)
      if ((entries[r] | 1u << r) >> c & 1u) s += jacobian[r * n + c] * v[c];
    out[r] = s;
  }
}

#endif
