/*
 * wc_sweep.c — block Jacobians, block inverses and the forward sweep (see wc_sweep.h).
 *
 * Storage. The solve streams every cell's blocks once per linear solve and is bound by
 * memory traffic, and the blocks of physics with one-way couplings are sparse (wcsim's J
 * has ~30 non-zeros of 64, G 3 of 16, B 15 of 64). So a cell stores only the values at
 * the positions of a sparsity pattern shared by all cells (a layout: the index lists live
 * once), and its diagonal groups' inverses, packed. Skipping an exact zero leaves every
 * sum bit for bit what the dense loop gives: the sums start at +0.0, keep the column
 * order, and adding a product that is +-0 changes no sum (x + +-0 = x for x != 0, and
 * +0 + +-0 = +0), provided the vector is finite.
 *
 * The hot loops (factor, solve) are written once as always-inline kernels taking the
 * number of states as a parameter and instantiated for 1..6 states, so the compiler sees
 * constant trip counts and unrolls the small mat-vecs; other sizes take the generic path.
 */
#if defined(__linux__)
#define _GNU_SOURCE /* mremap, MAP_ANONYMOUS */
#include <sys/mman.h>
#endif

#include "wc_sweep.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define WC_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define WC_ALWAYS_INLINE inline
#endif

/* Positions shared by all cells, row by row: row k's entries are start[k] .. start[k+1]-1,
 * in columns col[], ascending (the dense loops' order). */
typedef struct packed_rows {
  int *start;
  uint8_t *col; /* < 64 */
} packed_rows;

/*
 * Where a cell's values sit. The pattern only grows: a position that was non-zero in some
 * cell at some evaluation stays in it, so a stable structure never moves values. Where a
 * value sits depends on the pattern alone, not on the groups, which may change at every
 * evaluation (see groups_from_reach): J is split at its diagonal, not at the groups.
 *   inverses [n][n_inverse + G]      the inverse of each diagonal group (row-major, group
 *                                    after group), then G: the solve reads all of it
 *   lower    [n][J below diagonal]   the solve reads each row's entries left of its group
 *                                    (up to lower_end); the factor the rest
 *   upper    [n][J on and above it]  the factor
 *   flux_grad [n][B]                 the totals
 */
typedef struct sweep_layout {
  int ns, nt, nf;    /* rows of J, G, B (nf: 0 without accumulators) */
  uint64_t *pattern; /* [ns + nt + nf] rows of J, G, B: bit c = column c can be non-zero */
  packed_rows lower, upper, grad, flux;
  int diagonal[64]; /* per row: where J_rr sits in upper (it comes first), or -1 */
  /* From the groups: */
  int n_groups;
  int group_start[65];
  int lower_end[64]; /* per row: the end of its lower entries left of its group */
  int n_inverse;     /* sum over the stored groups (group_stored) of size^2 */
  int n_single;      /* one-state groups the solve inverts, in order: where their J_rr sits in */
  int single_diagonal[64]; /* upper (or -1: zero) */
  /* Two-state groups the solve inverts, in order: where J_00, J_01, J_11 sit in upper and
   * J_10 in lower (or -1: zero). */
  int n_pair;
  int pair_entry[32][4];
} sweep_layout;

/* A per-cell array (see cells_resize). */
typedef struct cell_array {
  double *data;
  size_t bytes;
} cell_array;

struct wc_sweep {
  const wc_graph_ode *ode;
  /* What each cell sums from upstream, in canonical order (wc_inflow.h): own sources, or
   * a caller's with remote values (wc_sweep_set_sources). */
  wc_inflow_sources *own_sources;
  const wc_inflow_sources *sources;
  const double *remote_outflow; /* [n_remote][nt] outflows from other ranks (evaluate) */
  double *remote;   /* [n_remote][nt] G_u x_u from other ranks (solve); zero: block Jacobi */
  sweep_layout layouts[2];
  sweep_layout *layout; /* the current one; the other is built by relayout */
  cell_array inverses; /* the per-cell arrays of the layout */
  cell_array lower;
  cell_array upper;
  cell_array flux_grad; /* B = d flux / d y, when accumulating */
  double *acc;       /* [n][nt] each cell's G x (solve), its outflow (evaluate) */
  double *work;      /* scratch for evaluate: 3 * (ns + nt) + ns + 2 * nf */
  double *dense;     /* one cell's J | G | B, dense: [ns * (ns + nt + nf)] (evaluate) */
  double *spare;     /* the same, for relayout */
  double *rates;     /* [nt + nf] B x or G x of one cell (solve_totals) */
  uint64_t *cell_mask; /* [ns + nt + nf] the non-zeros of one cell's J, G, B */
  double *row_sum;   /* [rows][nf] sum of B_i x_i over each shared row's cells (ode->flux_row) */
  int32_t *outlets;  /* [n_outlets] ascending, when accumulating */
  int32_t n_outlets;
  bool accumulate;
  double gamma;
  /* Block-triangular structure of the cells' Jacobians at the last evaluation: states
   * group_start[g] .. group_start[g+1]-1 form group g, and no state depends on a state of
   * a later group in any cell (d ydot_r / d y_c == 0 exactly for c beyond r's group). The
   * factor brings the layout to these groups when they changed. */
  int n_groups;
  int group_start[65];
  int reach[64]; /* per state row: the last column with a non-zero in any cell */
  int32_t failed_node;
  int64_t cell_calls;
};

/* ---- layouts ---------------------------------------------------------------------------- */

/*
 * The per-cell arrays change size only when the pattern grows (rarely; mostly during the
 * first evaluation). On Linux each is mapped on its own: growing one (mremap) never holds
 * two copies, and shrinking one returns its pages. Through realloc an array that sits in
 * the heap is copied when it grows, which added ~450 B per cell to the peak memory of a
 * 2 km Chaobai run (glibc maps large blocks itself only above a threshold that it raises
 * as the program frees large blocks). A grown array's new part is zero. False if out of
 * memory (the array as it was).
 */
static bool cells_resize(cell_array *a, size_t count) {
  size_t bytes = (count ? count : 1) * sizeof(double);
#if defined(__linux__)
  void *p = a->data ? mremap(a->data, a->bytes, bytes, MREMAP_MAYMOVE)
                    : mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
#else
  void *p = realloc(a->data, bytes);
  if (!p) return false;
  if (bytes > a->bytes) memset((char *)p + a->bytes, 0, bytes - a->bytes);
#endif
  a->data = p;
  a->bytes = bytes;
  return true;
}

static void cells_free(cell_array *a) {
#if defined(__linux__)
  if (a->data) munmap(a->data, a->bytes);
#else
  free(a->data);
#endif
  *a = (cell_array){0};
}

static int entries(const packed_rows *rows, int n_rows) { return rows->start[n_rows]; }

/* Doubles per cell in each per-cell array. */
static int inverses_stride(const sweep_layout *L) { return L->n_inverse + entries(&L->grad, L->nt); }
static int lower_stride(const sweep_layout *L) { return entries(&L->lower, L->ns); }
static int upper_stride(const sweep_layout *L) { return entries(&L->upper, L->ns); }
static int flux_stride(const sweep_layout *L) { return entries(&L->flux, L->nf); }

static void layout_free(sweep_layout *L) {
  free(L->pattern);
  free(L->lower.start);
  free(L->lower.col);
  *L = (sweep_layout){0};
}

/* Room for the largest layout (every position in the pattern); an empty pattern. */
static wc_status layout_alloc(sweep_layout *L, int ns, int nt, int nf_max) {
  size_t rows = (size_t)(2 * ns + nt + nf_max);
  *L = (sweep_layout){.ns = ns, .nt = nt};
  WC_MALLOC(L->pattern, (size_t)(ns + nt + nf_max) + 1, "sweep sparsity pattern");
  WC_MALLOC(L->lower.start, rows + 4, "sweep pattern rows");
  WC_MALLOC(L->lower.col, rows * (size_t)ns + 1, "sweep pattern columns");
  /* One allocation each, cut into the four lists. */
  L->upper.start = L->lower.start + ns + 1;
  L->grad.start = L->upper.start + ns + 1;
  L->flux.start = L->grad.start + nt + 1;
  L->upper.col = L->lower.col + (size_t)ns * (size_t)ns;
  L->grad.col = L->upper.col + (size_t)ns * (size_t)ns;
  L->flux.col = L->grad.col + (size_t)nt * (size_t)ns;
  return WC_OK;
}

static void rows_from_pattern(packed_rows *rows, const uint64_t *pattern, int n_rows, int ns) {
  int e = 0;
  for (int k = 0; k < n_rows; k++) {
    rows->start[k] = e;
    for (int c = 0; c < ns; c++)
      if (pattern[k] >> c & 1) rows->col[e++] = (uint8_t)c;
  }
  rows->start[n_rows] = e;
}

/* The index lists of L->pattern. */
static void layout_build_pattern(sweep_layout *L) {
  const int ns = L->ns;
  int n_lower = 0, n_upper = 0;
  for (int r = 0; r < ns; r++) {
    L->lower.start[r] = n_lower;
    L->upper.start[r] = n_upper;
    L->diagonal[r] = L->pattern[r] >> r & 1 ? n_upper : -1;
    for (int c = 0; c < ns; c++) {
      if (!(L->pattern[r] >> c & 1)) continue;
      if (c < r)
        L->lower.col[n_lower++] = (uint8_t)c;
      else
        L->upper.col[n_upper++] = (uint8_t)c;
    }
  }
  L->lower.start[ns] = n_lower;
  L->upper.start[ns] = n_upper;
  rows_from_pattern(&L->grad, L->pattern + ns, L->nt, ns);
  rows_from_pattern(&L->flux, L->pattern + ns + L->nt, L->nf, ns);
}

/*
 * Which diagonal groups keep their inverse in the per-cell arrays. With several groups,
 * those of one or two states (all of wcsim's: 1,1,1,1,2,1,1) are inverted again in every
 * solve from the J values the cell stores anyway, by the same arithmetic as the factor,
 * so x is bit for bit the same: 10 fewer doubles per cell (80 B of ~2 kB, the memory
 * target) for ~150 more instructions per cell and solve (a 2 x 2 inversion and seven
 * divisions; +7% in a 1 km Chaobai run). One group (the lane-batched factor) and larger
 * groups keep theirs: an n x n inversion per solve would cost more than it saves.
 */
enum { WC_SOLVE_INVERTS_MAX = 2 };

static bool group_stored(const sweep_layout *L, int size) {
  return L->n_groups == 1 || size > WC_SOLVE_INVERTS_MAX;
}

/* What depends on L's groups. */
static void layout_build_groups(sweep_layout *L) {
  L->n_inverse = L->n_single = L->n_pair = 0;
  for (int g = 0; g < L->n_groups; g++) {
    int g0 = L->group_start[g], g1 = L->group_start[g + 1];
    if (group_stored(L, g1 - g0)) L->n_inverse += (g1 - g0) * (g1 - g0);
    else if (g1 - g0 == 1) L->single_diagonal[L->n_single++] = L->diagonal[g0];
    else if (g1 - g0 == 2) {
      int *at = L->pair_entry[L->n_pair++];
      at[0] = L->diagonal[g0];
      at[1] = at[2] = -1;
      at[3] = L->diagonal[g0 + 1];
      for (int e = L->upper.start[g0]; e < L->upper.start[g0 + 1]; e++)
        if (L->upper.col[e] == g0 + 1) at[1] = e;
      for (int e = L->lower.start[g0 + 1]; e < L->lower.start[g0 + 2]; e++)
        if (L->lower.col[e] == g0) at[2] = e;
    }
    for (int r = g0; r < g1; r++) {
      int e = L->lower.start[r];
      while (e < L->lower.start[r + 1] && L->lower.col[e] < g0) e++;
      L->lower_end[r] = e;
    }
  }
}

/* out[e] = dense[k][col[e]] for row k's entries e. */
static void gather_rows(const packed_rows *rows, int n_rows, const double *dense, int ns, double *out) {
  for (int k = 0; k < n_rows; k++)
    for (int e = rows->start[k]; e < rows->start[k + 1]; e++) out[e] = dense[k * ns + rows->col[e]];
}

/* Back from packed: dense[k][col[e]] = values[e], the rest of dense [n_rows][ns] zeroed
 * first when `clear`. */
static void scatter_rows(const packed_rows *rows, int n_rows, const double *values, int ns, double *dense,
                         bool clear) {
  if (clear) memset(dense, 0, (size_t)n_rows * (size_t)ns * sizeof *dense);
  for (int k = 0; k < n_rows; k++)
    for (int e = rows->start[k]; e < rows->start[k + 1]; e++) dense[k * ns + rows->col[e]] = values[e];
}

/* A cell's values: where they sit in the per-cell arrays. */
typedef struct cell_values {
  double *inverses, *lower, *upper, *flux;
} cell_values;

static cell_values cell_values_of(const wc_sweep *sweep, size_t i) {
  const sweep_layout *L = sweep->layout;
  return (cell_values){sweep->inverses.data + i * (size_t)inverses_stride(L),
                       sweep->lower.data + i * (size_t)lower_stride(L), sweep->upper.data + i * (size_t)upper_stride(L),
                       sweep->flux_grad.data + i * (size_t)flux_stride(L)};
}

/* Pack a dense J | G | B ([ns][ns] | [nt][ns] | [nf][ns]) into a cell's values (its
 * inverses untouched). */
static void pack_cell(const sweep_layout *L, const double *dense, cell_values v) {
  const int ns = L->ns;
  gather_rows(&L->lower, ns, dense, ns, v.lower);
  gather_rows(&L->upper, ns, dense, ns, v.upper);
  gather_rows(&L->grad, L->nt, dense + ns * ns, ns, v.inverses + L->n_inverse);
  gather_rows(&L->flux, L->nf, dense + ns * (ns + L->nt), ns, v.flux);
}

/* A cell's J, dense [ns][ns]. */
static void unpack_jacobian(const sweep_layout *L, const double *lower, const double *upper, double *jac) {
  scatter_rows(&L->upper, L->ns, upper, L->ns, jac, true);
  scatter_rows(&L->lower, L->ns, lower, L->ns, jac, false);
}

/*
 * One per-cell array from records of `from_stride` doubles, with rows `from` from offset
 * from_at, to records of `to_stride` with rows `to` (which hold every position of `from`)
 * from to_at; the rest of each new record zero. In place: the array has room for both
 * (the caller grew it), and the records move from the last when they grow, from the first
 * when they shrink, so none is overwritten before it moved. Records from `count` on are
 * zeroed.
 */
typedef struct records_move {
  double *array;
  int from_stride, to_stride, from_at, to_at, n_rows;
  const packed_rows *from, *to;
} records_move;

static void move_records(const records_move *m, int ns, size_t n, size_t count, double *dense) {
  const bool grow = m->to_stride > m->from_stride;
  for (size_t j = 0; j < n; j++) {
    size_t i = grow ? n - 1 - j : j;
    const double *from = m->array + i * (size_t)m->from_stride + m->from_at;
    double *to = m->array + i * (size_t)m->to_stride;
    if (i < count) scatter_rows(m->from, m->n_rows, from, ns, dense, true);
    memset(to, 0, (size_t)m->to_stride * sizeof *to);
    if (i < count) gather_rows(m->to, m->n_rows, dense, ns, to + m->to_at);
  }
}

static bool same_rows(const packed_rows *a, const packed_rows *b, int n_rows) {
  return !memcmp(a->start, b->start, (size_t)(n_rows + 1) * sizeof *a->start) &&
         !memcmp(a->col, b->col, (size_t)entries(a, n_rows) * sizeof *a->col);
}

static bool same_groups(const sweep_layout *L, int n_groups, const int *group_start) {
  return L->n_groups == n_groups && !memcmp(L->group_start, group_start, (size_t)(n_groups + 1) * sizeof *group_start);
}

/*
 * Move the values of cells 0 .. count-1 to a new layout: the current pattern with `add`
 * ORed in (NULL: none; their values at new positions are exact zeros) and the given
 * groups; the cells from count on become zero. The arrays are grown first (a failure then
 * leaves the sweep as it was), then moved in place, then shrunk: no second copy of the
 * blocks at any time. The inverses are dropped: gamma becomes NAN until the next factor.
 */
static wc_status relayout(wc_sweep *sweep, const uint64_t *add, int n_groups, const int *group_start, int32_t count) {
  const sweep_layout *from = sweep->layout;
  sweep_layout *to = from == &sweep->layouts[0] ? &sweep->layouts[1] : &sweep->layouts[0];
  const int ns = from->ns, rows = from->ns + from->nt + from->nf;
  const size_t n = (size_t)(sweep->ode->n_cells > 0 ? sweep->ode->n_cells : 0);
  to->nf = from->nf;
  for (int k = 0; k < rows; k++) to->pattern[k] = from->pattern[k] | (add ? add[k] : 0);
  layout_build_pattern(to);
  to->n_groups = n_groups;
  memcpy(to->group_start, group_start, (size_t)(n_groups + 1) * sizeof *group_start);
  layout_build_groups(to);
  records_move moves[4] = {
      {NULL, inverses_stride(from), inverses_stride(to), from->n_inverse, to->n_inverse, from->nt, &from->grad,
       &to->grad},
      {NULL, lower_stride(from), lower_stride(to), 0, 0, ns, &from->lower, &to->lower},
      {NULL, upper_stride(from), upper_stride(to), 0, 0, ns, &from->upper, &to->upper},
      {NULL, flux_stride(from), flux_stride(to), 0, 0, from->nf, &from->flux, &to->flux},
  };
  cell_array *arrays[4] = {&sweep->inverses, &sweep->lower, &sweep->upper, &sweep->flux_grad};
  for (int a = 0; a < 4; a++)
    WC_CHECK(moves[a].to_stride <= moves[a].from_stride || cells_resize(arrays[a], n * (size_t)moves[a].to_stride),
             WC_ERR_MEMORY, "out of memory for the sweep's blocks of %zu cells (%d values each)", n,
             moves[a].to_stride);
  for (int a = 0; a < 4; a++) {
    records_move *m = &moves[a];
    m->array = arrays[a]->data;
    bool inverses_change = a == 0 && !same_groups(from, n_groups, group_start);
    if (inverses_change || m->from_stride != m->to_stride || !same_rows(m->from, m->to, m->n_rows))
      move_records(m, ns, n, (size_t)count, sweep->spare);
    if (m->to_stride < m->from_stride) /* failing, it stays larger: harmless */
      (void)cells_resize(arrays[a], n * (size_t)m->to_stride);
  }
  sweep->layout = to;
  sweep->gamma = NAN;
  return WC_OK;
}

/* ---- life cycle ------------------------------------------------------------------------- */

wc_status wc_sweep_create(const wc_graph_ode *ode, wc_sweep **out) {
  *out = NULL;
  wc_sweep *sweep = NULL;
  WC_MALLOC(sweep, 1, "downstream sweep");
  *sweep = (wc_sweep){.ode = ode, .gamma = NAN, .failed_node = -1};
  size_t n = (size_t)(ode->n_cells > 0 ? ode->n_cells : 0);
  const int ns = ode->n_states, nt = ode->n_transport, nf_max = ode->n_fluxes;
  const size_t dense = (size_t)ns * (size_t)(ns + nt + nf_max);
  wc_status status = WC_OK;
  /* Separate allocations so WC_MALLOC names which one failed; a one-element floor keeps
   * zero-cell graphs (a rank with nothing) uniform. */
#define ALLOC(ptr, count, what)                                                                                \
  do {                                                                                                         \
    size_t wc_n_ = (count) > 0 ? (count) : 1;                                                                  \
    (ptr) = calloc(wc_n_, sizeof *(ptr));                                                                      \
    if (!(ptr)) {                                                                                              \
      status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for %s (%zu elements)", (what), \
                            wc_n_);                                                                            \
      goto fail;                                                                                               \
    }                                                                                                          \
  } while (0)
  ALLOC(sweep->acc, n * (size_t)nt, "sweep accumulators");
  ALLOC(sweep->work, 4 * (size_t)(ns + nt) + (size_t)ns + 2 * (size_t)nf_max + 1, "sweep scratch");
  ALLOC(sweep->dense, dense, "sweep block scratch");
  ALLOC(sweep->spare, dense, "sweep block scratch");
  ALLOC(sweep->rates, (size_t)(nt + nf_max), "sweep totals scratch");
  ALLOC(sweep->cell_mask, (size_t)(ns + nt + nf_max), "sweep cell pattern");
  ALLOC(sweep->remote, 1, "sweep remote contributions");
#undef ALLOC
  for (int k = 0; k < 2; k++) WC_CALL_GOTO(status, fail, layout_alloc(&sweep->layouts[k], ns, nt, nf_max));
  /* No pattern yet, every state its own group: a cell has its inverses only. */
  if (!cells_resize(&sweep->inverses, n * (size_t)ns) || !cells_resize(&sweep->lower, 0) ||
      !cells_resize(&sweep->upper, 0) || !cells_resize(&sweep->flux_grad, 0)) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for the sweep's blocks of %zu cells", n);
    goto fail;
  }
  sweep_layout *L = sweep->layout = &sweep->layouts[0];
  layout_build_pattern(L);
  L->n_groups = sweep->n_groups = ns;
  for (int r = 0; r <= ns; r++) L->group_start[r] = sweep->group_start[r] = r;
  for (int r = 0; r < ns; r++) sweep->reach[r] = r;
  layout_build_groups(L);
  WC_CALL_GOTO(status, fail,
               wc_inflow_sources_create(ode->n_cells, ode->downstream, NULL, 0, NULL, NULL, &sweep->own_sources));
  sweep->sources = sweep->own_sources;
  *out = sweep;
  return WC_OK;
fail:
  wc_sweep_destroy(&sweep);
  return status;
}

void wc_sweep_destroy(wc_sweep **sweep) {
  if (!sweep || !*sweep) return;
  wc_sweep *s = *sweep;
  cells_free(&s->inverses);
  cells_free(&s->lower);
  cells_free(&s->upper);
  cells_free(&s->flux_grad);
  free(s->acc);
  free(s->work);
  free(s->dense);
  free(s->spare);
  free(s->rates);
  free(s->row_sum);
  free(s->cell_mask);
  free(s->outlets);
  free(s->remote);
  layout_free(&s->layouts[0]);
  layout_free(&s->layouts[1]);
  wc_inflow_sources_destroy(&s->own_sources);
  free(s);
  *sweep = NULL;
}

wc_status wc_sweep_set_accumulators(wc_sweep *sweep, bool on) {
  const wc_graph_ode *ode = sweep->ode;
  free(sweep->outlets);
  free(sweep->row_sum);
  sweep->row_sum = NULL;
  sweep->outlets = NULL;
  sweep->n_outlets = 0;
  sweep->accumulate = on;
  /* B's rows start with an empty pattern, no values (J and G stay where they are). */
  sweep_layout *L = sweep->layout;
  for (int k = 0; k < ode->n_fluxes; k++) L->pattern[L->ns + L->nt + k] = 0;
  L->nf = on ? ode->n_fluxes : 0;
  layout_build_pattern(L);
  if (!on) return WC_OK;
  size_t n = (size_t)(ode->n_cells > 0 ? ode->n_cells : 0);
  int32_t n_outlets = 0;
  for (size_t i = 0; i < n; i++) n_outlets += ode->downstream[i] < 0;
  WC_MALLOC(sweep->outlets, (size_t)n_outlets + 1, "sweep outlet list");
  if (ode->flux_row)
    WC_MALLOC(sweep->row_sum, (size_t)ode->n_flux_rows * (size_t)ode->n_fluxes + 1, "sweep budget rows");
  for (size_t i = 0; i < n; i++)
    if (ode->downstream[i] < 0) sweep->outlets[sweep->n_outlets++] = (int32_t)i;
  return WC_OK;
}

wc_status wc_sweep_set_sources(wc_sweep *sweep, const wc_inflow_sources *sources, const double *remote_outflow) {
  const wc_graph_ode *ode = sweep->ode;
  WC_CHECK(sources && sources->n_cells == ode->n_cells && (sources->n_remote == 0 || remote_outflow),
           WC_ERR_INTERNAL, "sweep: inflow sources for %d cells (the graph has %d) or no remote outflows",
           sources ? (int)sources->n_cells : -1, (int)ode->n_cells);
  double *remote = calloc((size_t)sources->n_remote * (size_t)ode->n_transport + 1, sizeof *remote);
  WC_CHECK(remote != NULL, WC_ERR_MEMORY, "out of memory for %d remote contributions", (int)sources->n_remote);
  free(sweep->remote);
  sweep->remote = remote;
  sweep->sources = sources;
  sweep->remote_outflow = remote_outflow;
  wc_inflow_sources_destroy(&sweep->own_sources); /* the caller's list serves from now on */
  return WC_OK;
}

double *wc_sweep_remote_contributions(wc_sweep *sweep) { return sweep->remote; }

wc_status wc_sweep_set_outlets(wc_sweep *sweep, int32_t count, const int32_t *cells) {
  WC_CHECK(sweep->accumulate && count <= sweep->n_outlets, WC_ERR_INTERNAL,
           "sweep: %d outlets for %d (accumulators %s)", (int)count, (int)sweep->n_outlets,
           sweep->accumulate ? "on" : "off");
  for (int32_t k = 0; k < count; k++) {
    WC_CHECK(cells[k] >= 0 && cells[k] < sweep->ode->n_cells && sweep->ode->downstream[cells[k]] < 0, WC_ERR_INTERNAL,
             "sweep: outlet %d is node %d, which does not drain out", (int)k, (int)cells[k]);
    sweep->outlets[k] = cells[k];
  }
  sweep->n_outlets = count;
  return WC_OK;
}

double wc_sweep_gamma(const wc_sweep *sweep) { return sweep->gamma; }
int32_t wc_sweep_failed_node(const wc_sweep *sweep) { return sweep->failed_node; }
int64_t wc_sweep_cell_calls(const wc_sweep *sweep) { return sweep->cell_calls; }
int wc_sweep_transport_count(const wc_sweep *sweep) { return sweep->ode->n_transport; }

int wc_sweep_values_per_cell(const wc_sweep *sweep) {
  const sweep_layout *L = sweep->layout;
  return inverses_stride(L) + lower_stride(L) + upper_stride(L) + flux_stride(L) + L->nt;
}

void wc_sweep_cell_blocks(const wc_sweep *sweep, int32_t cell, double *jac, double *grad, double *flux_grad) {
  const sweep_layout *L = sweep->layout;
  const int ns = L->ns;
  cell_values v = cell_values_of(sweep, (size_t)cell);
  if (jac) unpack_jacobian(L, v.lower, v.upper, jac);
  if (grad) scatter_rows(&L->grad, L->nt, v.inverses + L->n_inverse, ns, grad, true);
  if (flux_grad) scatter_rows(&L->flux, L->nf, v.flux, ns, flux_grad, true);
}

/* ---- evaluation ------------------------------------------------------------------------ */

/*
 * The finest split of the states into consecutive groups such that, in every cell, no
 * state depends on a state of a later group. Physics with one-way couplings (snow feeds
 * soil feeds groundwater; water carries nitrogen, never the reverse) then factors as
 * small diagonal blocks plus forward substitution: for wcsim's 8 states the groups are
 * 1,1,1,1,2,1,1 and factoring costs a few divisions per cell instead of an 8 x 8
 * inversion. The structure is read from the Jacobians of each evaluation (exact zeros),
 * so it never claims a structure the cells do not have, and it splits again when a
 * coupling vanishes everywhere (wcsim's nitrate-organic N pair, part of the year); a
 * fully coupled block is one group.
 */
static void groups_from_reach(int ns, const int *reach, int *n_groups, int *group_start) {
  *n_groups = 0;
  group_start[0] = 0;
  int end = 0;
  for (int r = 0; r < ns; r++) {
    if (reach[r] > end) end = reach[r];
    if (end == r) group_start[++*n_groups] = r + 1, end = r + 1;
  }
}

/*
 * Pack cell i's dense J | G | B (sweep->dense) and widen `reach` (per state, the last
 * column it depends on in the cells so far) by it. A non-zero outside the pattern grows
 * it first: cells 0 .. i-1 move to the grown layout, exact zeros at the new positions.
 */
static wc_status store_cell(wc_sweep *sweep, int32_t i, int *reach) {
  const sweep_layout *L = sweep->layout;
  const int ns = L->ns, rows = ns + L->nt + L->nf;
  const double *dense = sweep->dense;
  uint64_t *mask = sweep->cell_mask;
  bool fits = true;
  for (int k = 0; k < rows; k++) {
    const double *row = dense + (size_t)k * (size_t)ns;
    uint64_t m = 0;
    for (int c = 0; c < ns; c++) m |= (uint64_t)(row[c] != 0.0) << c;
    mask[k] = m;
    fits &= (m & ~L->pattern[k]) == 0;
    if (k < ns)
      for (int c = ns - 1; c > reach[k]; c--)
        if (m >> c & 1) {
          reach[k] = c;
          break;
        }
  }
  if (!fits) WC_CALL(relayout(sweep, mask, L->n_groups, L->group_start, i));
  pack_cell(sweep->layout, dense, cell_values_of(sweep, (size_t)i));
  return WC_OK;
}

static void set_reach(wc_sweep *sweep, const int *reach) {
  const int ns = sweep->ode->n_states;
  memcpy(sweep->reach, reach, (size_t)ns * sizeof *reach);
  groups_from_reach(ns, sweep->reach, &sweep->n_groups, sweep->group_start);
}

const int *wc_sweep_group_reach(const wc_sweep *sweep) { return sweep->reach; }

void wc_sweep_set_group_reach(wc_sweep *sweep, const int *reach) {
  const int ns = sweep->ode->n_states;
  int wider[64];
  for (int r = 0; r < ns; r++) wider[r] = reach[r] > sweep->reach[r] ? reach[r] : sweep->reach[r];
  set_reach(sweep, wider);
}

wc_status wc_sweep_set_blocks(wc_sweep *sweep, const double *jac, const double *grad, const double *flux_grad) {
  const wc_graph_ode *ode = sweep->ode;
  const size_t ns = (size_t)ode->n_states, nt = (size_t)ode->n_transport, nf = (size_t)sweep->layout->nf;
  int reach[64];
  for (int r = 0; r < ode->n_states; r++) reach[r] = r;
  double *dense = sweep->dense;
  for (int32_t i = 0; i < ode->n_cells; i++) {
    memcpy(dense, jac + (size_t)i * ns * ns, ns * ns * sizeof *dense);
    memcpy(dense + ns * ns, grad + (size_t)i * nt * ns, nt * ns * sizeof *dense);
    if (flux_grad)
      memcpy(dense + ns * (ns + nt), flux_grad + (size_t)i * nf * ns, nf * ns * sizeof *dense);
    else
      memset(dense + ns * (ns + nt), 0, nf * ns * sizeof *dense);
    WC_CALL(store_cell(sweep, i, reach));
  }
  set_reach(sweep, reach);
  return WC_OK;
}

wc_status wc_sweep_evaluate(wc_sweep *sweep, double t, const double *y, const double *extra_inflow,
                            const double *typical_size) {
  const wc_graph_ode *ode = sweep->ode;
  const int32_t n = ode->n_cells;
  const int ns = ode->n_states, nt = ode->n_transport, nf = sweep->layout->nf;
  double *outflows = sweep->acc; /* each cell's outflow at the base point, for its downstream cells */
  double *f0 = sweep->work, *f1 = f0 + ns, *out1 = f1 + ns, *yp = out1 + nt, *in = yp + ns;
  double *flux0 = nf ? in + nt : NULL, *flux1 = nf ? flux0 + nf : NULL;
  double *jac = sweep->dense, *grad = jac + ns * ns, *fgrad = grad + nt * ns;
  const double sqrt_eps = sqrt(DBL_EPSILON);
  const int32_t *start = sweep->sources->start, *source = sweep->sources->source;
  int reach[64];
  for (int r = 0; r < ns; r++) reach[r] = r;
  for (int32_t i = 0; i < n; i++) {
    const double *yi = y + (size_t)i * (size_t)ns;
    double *out0 = outflows + (size_t)i * (size_t)nt;
    /* The base inflow, summed as f sums it (canonical order): the same blocks as f's. */
    for (int k = 0; k < nt; k++) in[k] = extra_inflow ? extra_inflow[(size_t)i * (size_t)nt + k] : 0.0;
    for (int32_t e = start[i]; e < start[i + 1]; e++) {
      int32_t u = source[e];
      const double *from =
          u < n ? outflows + (size_t)u * (size_t)nt : sweep->remote_outflow + (size_t)(u - n) * (size_t)nt;
      for (int k = 0; k < nt; k++) in[k] += from[k];
    }
    /* The base call gives the outflow that becomes the downstream cell's inflow. */
    WC_CALL(ode->cell_rhs(ode->context, t, i, yi, in, f0, out0, flux0));
    sweep->cell_calls++;
    if (ode->cell_jacobian && !nf) {
      memset(jac, 0, (size_t)(ns * (ns + nt)) * sizeof *jac); /* a callback may leave zeros unwritten */
      WC_CALL(ode->cell_jacobian(ode->context, t, i, yi, in, jac, grad));
    } else {
      /* Finite differences; with accumulators also when an analytic callback exists, since
       * it has no flux gradients: both then come from the same calls, which keeps the
       * totals' rows consistent with the states' (budgets close exactly). */
      memcpy(yp, yi, (size_t)ns * sizeof *yp);
      for (int c = 0; c < ns; c++) {
        double h = sqrt_eps * fmax(fabs(yi[c]), typical_size[c]);
        yp[c] = yi[c] + h;
        h = yp[c] - yi[c]; /* the increment actually represented */
        WC_CALL(ode->cell_rhs(ode->context, t, i, yp, in, f1, out1, flux1));
        sweep->cell_calls++;
        double inv_h = 1.0 / h;
        for (int r = 0; r < ns; r++) jac[r * ns + c] = (f1[r] - f0[r]) * inv_h;
        for (int k = 0; k < nt; k++) grad[k * ns + c] = (out1[k] - out0[k]) * inv_h;
        for (int f = 0; f < nf; f++) fgrad[f * ns + c] = (flux1[f] - flux0[f]) * inv_h;
        yp[c] = yi[c];
      }
    }
    WC_CALL(store_cell(sweep, i, reach));
  }
  set_reach(sweep, reach);
  return WC_OK;
}

/* ---- factor ---------------------------------------------------------------------------- */

/* inv = (I - gamma * jac)^-1 by Gauss-Jordan with partial pivoting, in the caller's local
 * arrays a and inv (so that, inlined with a constant ns, they live in registers); false if
 * singular or not finite. */
static WC_ALWAYS_INLINE bool invert_block(const int ns, const double *jac, double gamma, double *a, double *inv) {
  for (int r = 0; r < ns; r++)
    for (int c = 0; c < ns; c++) {
      a[r * ns + c] = (r == c ? 1.0 : 0.0) - gamma * jac[r * ns + c];
      inv[r * ns + c] = r == c ? 1.0 : 0.0;
    }
  for (int col = 0; col < ns; col++) {
    int pivot = col;
    double best = fabs(a[col * ns + col]);
    for (int r = col + 1; r < ns; r++) {
      double v = fabs(a[r * ns + col]);
      if (v > best) {
        best = v;
        pivot = r;
      }
    }
    if (!(best > 0.0) || !isfinite(best)) return false;
    if (pivot != col) {
      for (int c = 0; c < ns; c++) {
        double t = a[col * ns + c];
        a[col * ns + c] = a[pivot * ns + c];
        a[pivot * ns + c] = t;
        t = inv[col * ns + c];
        inv[col * ns + c] = inv[pivot * ns + c];
        inv[pivot * ns + c] = t;
      }
    }
    double scale = 1.0 / a[col * ns + col];
    for (int c = 0; c < ns; c++) {
      a[col * ns + c] *= scale;
      inv[col * ns + c] *= scale;
    }
    for (int r = 0; r < ns; r++) {
      if (r == col) continue;
      double factor = a[r * ns + col];
      for (int c = 0; c < ns; c++) {
        a[r * ns + c] -= factor * a[col * ns + c];
        inv[r * ns + c] -= factor * inv[col * ns + c];
      }
    }
  }
  int bad = 0;
  for (int e = 0; e < ns * ns; e++) bad |= !isfinite(inv[e]);
  return !bad;
}

/*
 * WC_LANES blocks at once, without row swaps, lanes innermost: every operation is the same
 * for all lanes, so the compiler vectorises across cells, and the lanes' independent
 * division and elimination chains overlap (one 4 x 4 block alone is a chain of dependent
 * divisions: ~95 ns; batched, see docs/solver.md). Threshold pivoting decides whether no
 * swaps is safe: each pivot must be at least 0.1 times the largest entry below it in its
 * column. Newton blocks I - gamma J of storages that drain are diagonally dominant, so
 * this holds almost always; a lane that fails it is redone alone with partial pivoting.
 * ok[l] receives the verdict of lane l.
 */
enum { WC_LANES = 8 };

static WC_ALWAYS_INLINE void invert_lanes_unpivoted(const int ns, const double *jac, double gamma, double *out,
                                                    int *ok) {
  double a[64][WC_LANES], inv[64][WC_LANES]; /* [ns * ns] used; ns <= 6 here */
  double pivot[WC_LANES], scale[WC_LANES], factor[WC_LANES], column_max[WC_LANES];
  for (int e = 0; e < ns * ns; e++) {
    double diag = (e / ns == e % ns) ? 1.0 : 0.0;
    for (int l = 0; l < WC_LANES; l++) {
      a[e][l] = diag - gamma * jac[(size_t)l * (size_t)(ns * ns) + (size_t)e];
      inv[e][l] = diag;
    }
  }
  for (int l = 0; l < WC_LANES; l++) ok[l] = 1;
  for (int col = 0; col < ns; col++) {
    for (int l = 0; l < WC_LANES; l++) {
      pivot[l] = a[col * ns + col][l];
      column_max[l] = 0.0;
    }
    for (int r = col + 1; r < ns; r++)
      for (int l = 0; l < WC_LANES; l++) {
        double v = fabs(a[r * ns + col][l]);
        column_max[l] = v > column_max[l] ? v : column_max[l];
      }
    for (int l = 0; l < WC_LANES; l++) {
      ok[l] &= fabs(pivot[l]) >= 0.1 * column_max[l] && fabs(pivot[l]) > 0.0;
      scale[l] = 1.0 / pivot[l];
    }
    for (int c = 0; c < ns; c++)
      for (int l = 0; l < WC_LANES; l++) {
        a[col * ns + c][l] *= scale[l];
        inv[col * ns + c][l] *= scale[l];
      }
    for (int r = 0; r < ns; r++) {
      if (r == col) continue;
      for (int l = 0; l < WC_LANES; l++) factor[l] = a[r * ns + col][l];
      for (int c = 0; c < ns; c++)
        for (int l = 0; l < WC_LANES; l++) {
          a[r * ns + c][l] -= factor[l] * a[col * ns + c][l];
          inv[r * ns + c][l] -= factor[l] * inv[col * ns + c][l];
        }
    }
  }
  for (int e = 0; e < ns * ns; e++)
    for (int l = 0; l < WC_LANES; l++) {
      ok[l] &= isfinite(inv[e][l]);
      out[(size_t)l * (size_t)(ns * ns) + (size_t)e] = inv[e][l];
    }
}

/* One factor routine per block size for a single group (batched lanes), so that every
 * loop bound is a constant. The cells go in batches of WC_LANES, each block unpacked into
 * a dense batch; the last few are padded with zero blocks: the same arithmetic as in any
 * batch. */
static WC_ALWAYS_INLINE int32_t factor_lanes(const int ns, const wc_sweep *sweep, double gamma) {
  const sweep_layout *L = sweep->layout;
  const int32_t n = sweep->ode->n_cells;
  double jac[WC_LANES * 36], out[WC_LANES * 36]; /* ns <= 6 */
  double a[36], inv[36];
  int ok[WC_LANES];
  for (int32_t i = 0; i < n; i += WC_LANES) {
    const int lanes = n - i < WC_LANES ? (int)(n - i) : WC_LANES;
    memset(jac, 0, sizeof jac);
    for (int l = 0; l < lanes; l++) {
      cell_values v = cell_values_of(sweep, (size_t)(i + l));
      unpack_jacobian(L, v.lower, v.upper, jac + l * ns * ns);
    }
    invert_lanes_unpivoted(ns, jac, gamma, out, ok);
    for (int l = 0; l < lanes; l++) {
      const double *from = out + l * ns * ns;
      if (!ok[l]) {
        if (!invert_block(ns, jac + l * ns * ns, gamma, a, inv)) return i + l;
        from = inv;
      }
      memcpy(cell_values_of(sweep, (size_t)(i + l)).inverses, from, (size_t)(ns * ns) * sizeof *from);
    }
  }
  return -1;
}

/* 1 - gamma J_rr of a one-state group whose J_rr sits at upper[diagonal] (-1: zero). */
static inline double group_pivot(int diagonal, const double *upper, double gamma) {
  return 1.0 - gamma * (diagonal >= 0 ? upper[diagonal] : 0.0);
}

/* A group's J entries, dense [size][size]: its rows' lower ones from lower_end on and
 * their upper ones up to the group's end (those beyond it are zero at this evaluation). */
static WC_ALWAYS_INLINE void group_block(const sweep_layout *L, int g0, int g1, const double *lower,
                                         const double *upper, double *sub) {
  const int size = g1 - g0;
  memset(sub, 0, (size_t)(size * size) * sizeof *sub);
  for (int r = g0; r < g1; r++) {
    double *row = sub + (r - g0) * size;
    for (int e = L->lower_end[r]; e < L->lower.start[r + 1]; e++) row[L->lower.col[e] - g0] = lower[e];
    for (int e = L->upper.start[r]; e < L->upper.start[r + 1] && L->upper.col[e] < g1; e++)
      row[L->upper.col[e] - g0] = upper[e];
  }
}

/* Structured factor: invert each cell's diagonal groups of I - gamma J, group after group,
 * into the head of its inverses (also one group of any size: the generic path). Groups the
 * solve inverts itself (group_stored) are only checked here: a singular block fails the
 * factor, as CVODE expects, never the solve. */
static int32_t factor_groups(const wc_sweep *sweep, double gamma) {
  const sweep_layout *L = sweep->layout;
  const int32_t n = sweep->ode->n_cells;
  double a[64 * 64], inv[64 * 64], sub[64 * 64];
  for (int32_t i = 0; i < n; i++) {
    cell_values v = cell_values_of(sweep, (size_t)i);
    double *out = v.inverses;
    for (int g = 0; g < L->n_groups; g++) {
      const int g0 = L->group_start[g], g1 = L->group_start[g + 1], size = g1 - g0;
      const bool stored = group_stored(L, size);
      if (size == 1) {
        double pivot = group_pivot(L->diagonal[g0], v.upper, gamma);
        if (!(pivot != 0.0) || !isfinite(1.0 / pivot)) return i;
        if (stored) *out++ = 1.0 / pivot;
        continue;
      }
      group_block(L, g0, g1, v.lower, v.upper, sub);
      if (!invert_block(size, sub, gamma, a, inv)) return i;
      if (!stored) continue;
      memcpy(out, inv, (size_t)(size * size) * sizeof *out);
      out += size * size;
    }
  }
  return -1;
}

wc_status wc_sweep_factor(wc_sweep *sweep, double gamma) {
  const int32_t n = sweep->ode->n_cells;
  if (!same_groups(sweep->layout, sweep->n_groups, sweep->group_start))
    WC_CALL(relayout(sweep, NULL, sweep->n_groups, sweep->group_start, n));
  int32_t bad;
  if (sweep->n_groups > 1) {
    bad = factor_groups(sweep, gamma);
  } else {
    switch (sweep->ode->n_states) {
    case 1: bad = factor_lanes(1, sweep, gamma); break;
    case 2: bad = factor_lanes(2, sweep, gamma); break;
    case 3: bad = factor_lanes(3, sweep, gamma); break;
    case 4: bad = factor_lanes(4, sweep, gamma); break;
    case 5: bad = factor_lanes(5, sweep, gamma); break;
    case 6: bad = factor_lanes(6, sweep, gamma); break;
    default: bad = factor_groups(sweep, gamma); break;
    }
  }
  sweep->failed_node = bad;
  if (bad >= 0) {
    sweep->gamma = NAN;
    WC_FAIL(WC_ERR_NUMERICS, "Newton block of node %d is singular or not finite (gamma = %g)", (int)bad, gamma);
  }
  sweep->gamma = gamma;
  return WC_OK;
}

/* ---- solve ----------------------------------------------------------------------------- */

/* r = b_i + gamma * E_i * (sum of the upstream contributions G_u x_u, local ones from acc,
 * other ranks' from remote), summed in canonical order (wc_inflow.h). */
static WC_ALWAYS_INLINE void load_right_side(const int ns, const int nt, int32_t i, int32_t n, const int32_t *start,
                                             const int32_t *source, const int *target, double gamma,
                                             const double *acc, const double *remote, const double *b, double *r) {
  double in[64];
  const double *bi = b + (size_t)i * (size_t)ns;
  for (int c = 0; c < ns; c++) r[c] = bi[c];
  for (int k = 0; k < nt; k++) in[k] = 0.0;
  for (int32_t e = start[i]; e < start[i + 1]; e++) {
    int32_t u = source[e];
    const double *from = u < n ? acc + (size_t)u * (size_t)nt : remote + (size_t)(u - n) * (size_t)nt;
    for (int k = 0; k < nt; k++) in[k] += from[k];
  }
  for (int k = 0; k < nt; k++) r[target[k]] += gamma * in[k];
}

/* y[k] = the sum over row k's entries of val[e] * x[col[e]], columns ascending: the dense
 * row's sum without its exact zeros, bit for bit (see the top of the file). */
static WC_ALWAYS_INLINE void packed_rows_apply(const packed_rows *rows, int n_rows, const double *val, const double *x,
                                               double *y) {
  for (int k = 0; k < n_rows; k++) {
    double s = 0.0;
    for (int e = rows->start[k]; e < rows->start[k + 1]; e++) s += val[e] * x[rows->col[e]];
    y[k] = s;
  }
}

/*
 * Solve `count` cells: cells[j] in the given order (topological), or 0..count-1 when
 * cells is NULL. acc holds, per cell, what its upstream cells solved so far contribute.
 * Group by group, x_g = inv_gg (r_g + gamma * J_g,left x_left), then G x into acc.
 * one_group: the whole block is one group (no forward substitution; with a constant ns the
 * mat-vec unrolls).
 */
static WC_ALWAYS_INLINE void solve_kernel(const int ns, const bool one_group, const wc_sweep *sweep, const double *b,
                                          double *x, int32_t count, const int32_t *cells) {
  const sweep_layout *L = sweep->layout;
  const int32_t n = sweep->ode->n_cells;
  const int nt = L->nt, n_groups = one_group ? 1 : L->n_groups;
  const int inverses_size = inverses_stride(L), lower_size = lower_stride(L), upper_size = upper_stride(L);
  const int32_t *start = sweep->sources->start, *source = sweep->sources->source;
  const int *target = sweep->ode->transport_target;
  const double gamma = sweep->gamma;
  double *acc = sweep->acc;
  double r[64], xi[64], single[64];
  for (int32_t j = 0; j < count; j++) {
    const int32_t i = cells ? cells[j] : j;
    const double *inv = sweep->inverses.data + (size_t)i * (size_t)inverses_size, *grad = inv + L->n_inverse;
    const double *lower = sweep->lower.data + (size_t)i * (size_t)lower_size;
    const double *upper = sweep->upper.data + (size_t)i * (size_t)upper_size;
    /* The one-state groups' inverses first: independent divisions that overlap each other
     * and the sums below, rather than one division in each group's chain. */
    if (!one_group)
      for (int k = 0; k < L->n_single; k++) single[k] = 1.0 / group_pivot(L->single_diagonal[k], upper, gamma);
    const double *next_single = single;
    const int(*next_pair)[4] = L->pair_entry;
    load_right_side(ns, nt, i, n, start, source, target, gamma, acc, sweep->remote, b, r);
    for (int g = 0; g < n_groups; g++) {
      const int g0 = one_group ? 0 : L->group_start[g], g1 = one_group ? ns : L->group_start[g + 1], size = g1 - g0;
      if (!one_group)
        for (int row = g0; row < g1; row++) {
          double s = 0.0;
          for (int e = L->lower.start[row]; e < L->lower_end[row]; e++) s += lower[e] * xi[L->lower.col[e]];
          r[row] += gamma * s;
        }
      if (!one_group && size == 1) { /* most groups are one state: no loops */
        double s = 0.0;              /* (0.0 + p, as the loop: +0 where p is -0) */
        s += *next_single++ * r[g0]; /* 1 / group_pivot, as the factor checked it */
        xi[g0] = s;
        continue;
      }
      if (!one_group && size == 2) { /* inverted again, as the factor does (group_stored) */
        const int *at = *next_pair++;
        double sub[4] = {at[0] >= 0 ? upper[at[0]] : 0.0, at[1] >= 0 ? upper[at[1]] : 0.0,
                         at[2] >= 0 ? lower[at[2]] : 0.0, at[3] >= 0 ? upper[at[3]] : 0.0};
        double a[4], inv2[4];
        (void)invert_block(2, sub, gamma, a, inv2); /* the factor checked it (group_block's values) */
        for (int row = 0; row < 2; row++) {
          double s = 0.0;
          for (int c = 0; c < 2; c++) s += inv2[row * 2 + c] * r[g0 + c];
          xi[g0 + row] = s;
        }
        continue;
      }
      for (int row = 0; row < size; row++) {
        double s = 0.0;
        for (int c = 0; c < size; c++) s += inv[row * size + c] * r[g0 + c];
        xi[g0 + row] = s;
      }
      inv += size * size;
    }
    double *xo = x + (size_t)i * (size_t)ns;
    for (int c = 0; c < ns; c++) xo[c] = xi[c];
    packed_rows_apply(&L->grad, nt, grad, xi, acc + (size_t)i * (size_t)nt);
  }
}

/* B_i x_i: the rates of cell i's flux totals [nf] for its states' change x_i. */
static inline void cell_flux_rates(const wc_sweep *sweep, size_t i, const double *xi, double *rates) {
  const sweep_layout *L = sweep->layout;
  packed_rows_apply(&L->flux, L->nf, sweep->flux_grad.data + i * (size_t)flux_stride(L), xi, rates);
}

/* G_i x_i: what cell i passes downstream [nt] (an outlet: out of the basin). */
static inline void cell_outflow_rates(const wc_sweep *sweep, size_t i, const double *xi, double *rates) {
  const sweep_layout *L = sweep->layout;
  packed_rows_apply(&L->grad, L->nt, sweep->inverses.data + i * (size_t)inverses_stride(L) + L->n_inverse, xi, rates);
}

/* The budget totals' rows: x_total = b_total + gamma * (d rate / d y) x_cell, summed over
 * the row's cells when rows are shared (ode->flux_row; in ascending cell order). b and x
 * may alias: the sums are taken before any total is set. */
static void solve_totals(const wc_sweep *sweep, const double *b, double *x) {
  const wc_graph_ode *ode = sweep->ode;
  const size_t n = (size_t)(ode->n_cells > 0 ? ode->n_cells : 0);
  const int ns = ode->n_states, nt = ode->n_transport, nf = sweep->layout->nf;
  const double g = sweep->gamma;
  double *rates = sweep->rates;
  size_t base = n * (size_t)ns;
  size_t rows = (size_t)wc_graph_ode_flux_rows(ode) * (nf > 0);
  if (ode->flux_row && nf > 0) {
    double *sum = sweep->row_sum;
    memset(sum, 0, rows * (size_t)nf * sizeof *sum);
    for (size_t i = 0; i < n; i++) {
      cell_flux_rates(sweep, i, x + i * (size_t)ns, rates);
      double *row = sum + (size_t)ode->flux_row[i] * (size_t)nf;
      for (int f = 0; f < nf; f++) row[f] += rates[f];
    }
    for (size_t j = 0; j < rows * (size_t)nf; j++) x[base + j] = b[base + j] + g * sum[j];
  } else {
    for (size_t i = 0; i < n && nf > 0; i++) {
      cell_flux_rates(sweep, i, x + i * (size_t)ns, rates);
      for (int f = 0; f < nf; f++) {
        size_t j = base + i * (size_t)nf + (size_t)f;
        x[j] = b[j] + g * rates[f];
      }
    }
  }
  base += rows * (size_t)nf;
  for (int32_t o = 0; o < sweep->n_outlets; o++) {
    size_t i = (size_t)sweep->outlets[o];
    cell_outflow_rates(sweep, i, x + i * (size_t)ns, rates);
    for (int k = 0; k < nt; k++) {
      size_t j = base + (size_t)o * (size_t)nt + (size_t)k;
      x[j] = b[j] + g * rates[k];
    }
  }
}

void wc_sweep_solve_cells(wc_sweep *sweep, const double *b, double *x, int32_t count, const int32_t *cells) {
  if (sweep->layout->n_groups > 1) {
    switch (sweep->ode->n_states) { /* (wcsim's cells have 8) */
    case 8: solve_kernel(8, false, sweep, b, x, count, cells); break;
    default: solve_kernel(sweep->ode->n_states, false, sweep, b, x, count, cells); break;
    }
    return;
  }
  switch (sweep->ode->n_states) {
  case 1: solve_kernel(1, true, sweep, b, x, count, cells); break;
  case 2: solve_kernel(2, true, sweep, b, x, count, cells); break;
  case 3: solve_kernel(3, true, sweep, b, x, count, cells); break;
  case 4: solve_kernel(4, true, sweep, b, x, count, cells); break;
  case 5: solve_kernel(5, true, sweep, b, x, count, cells); break;
  case 6: solve_kernel(6, true, sweep, b, x, count, cells); break;
  default: solve_kernel(sweep->ode->n_states, true, sweep, b, x, count, cells); break;
  }
}

const double *wc_sweep_contribution(const wc_sweep *sweep, int32_t cell) {
  return sweep->acc + (size_t)cell * (size_t)sweep->ode->n_transport;
}

void wc_sweep_solve_totals(wc_sweep *sweep, const double *b, double *x) {
  if (sweep->accumulate) solve_totals(sweep, b, x);
}

void wc_sweep_solve(wc_sweep *sweep, const double *b, double *x) {
  wc_sweep_solve_cells(sweep, b, x, sweep->ode->n_cells, NULL);
  wc_sweep_solve_totals(sweep, b, x);
}
