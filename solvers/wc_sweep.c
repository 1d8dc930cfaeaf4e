/*
 * wc_sweep.c — block Jacobians, block inverses and the forward sweep (see wc_sweep.h).
 *
 * Storage. The solve streams every cell's blocks once per linear solve and is bound by
 * memory traffic, and the blocks of physics with one-way couplings are sparse (wcsim's J
 * has ~20 non-zeros of 64, G ~6 of 16, B ~10 of 64). So a cell stores only the values at
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
 * cell at some evaluation stays in it, so a stable structure never moves values. The
 * groups are those of the last evaluation (they may split again, see find_groups), and a
 * row's pattern entries right of its group are exact zeros then, so they are not stored.
 * Per cell, in `blocks` (what the solve reads, in its order): the inverse of each diagonal
 * group (row-major, group after group) | J left of the groups (`lower`) | G; in `diag`:
 * J inside the groups (what the factor inverts); in `flux_grad`: B.
 */
typedef struct sweep_layout {
  int ns, nt, nf;    /* rows of J, G, B (nf: 0 without accumulators) */
  uint64_t *pattern; /* [ns + nt + nf] rows of J, G, B: bit c = column c can be non-zero */
  int n_groups;
  int group_start[65];
  int row_end[64]; /* per state: one past the last state of its group */
  packed_rows lower, diag, grad, flux;
  int n_inverse; /* sum over the groups of size^2 */
  int stride;    /* doubles per cell in `blocks` */
} sweep_layout;

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
  double *blocks;    /* [n][stride] group inverses | J lower | G */
  double *diag;      /* [n][diag entries] J inside the groups */
  double *flux_grad; /* [n][flux entries] B = d flux / d y, when accumulating */
  double *acc;       /* [n][nt] each cell's G x (solve), its outflow (evaluate) */
  double *work;      /* scratch for evaluate: 3 * (ns + nt) + ns + 2 * nf */
  double *dense;     /* one cell's J | G | B, dense: [ns * (ns + nt + nf)] (evaluate) */
  double *spare;     /* the same, for relayout */
  double *rates;     /* [nt + nf] B x or G x of one cell (solve_totals) */
  uint64_t *cell_mask; /* [ns + nt + nf] the non-zeros of one cell's J, G, B */
  int32_t *outlets;  /* [n_outlets] ascending, when accumulating */
  int32_t n_outlets;
  bool accumulate;
  double gamma;
  /* Block-triangular structure of the cells' Jacobians at the last evaluation: states
   * group_start[g] .. group_start[g+1]-1 form group g, and no state depends on a state of
   * a later group in any cell (d ydot_r / d y_c == 0 exactly for c beyond r's group). The
   * factor moves the values to a layout with these groups when they changed. */
  int n_groups;
  int group_start[65];
  int reach[64]; /* per state row: the last column with a non-zero in any cell */
  int32_t failed_node;
  int64_t cell_calls;
};

/* ---- layouts ---------------------------------------------------------------------------- */

static uint64_t columns_below(int c) { return c >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << c) - 1; }

static void layout_free(sweep_layout *L) {
  free(L->pattern);
  free(L->lower.start);
  free(L->lower.col);
  *L = (sweep_layout){0};
}

/* Room for the largest layout (every position in the pattern); an empty pattern. */
static wc_status layout_alloc(sweep_layout *L, int ns, int nt, int nf_max) {
  size_t rows = (size_t)(2 * ns + nt + nf_max), starts = rows + 4;
  *L = (sweep_layout){.ns = ns, .nt = nt};
  WC_MALLOC(L->pattern, (size_t)(ns + nt + nf_max) + 1, "sweep sparsity pattern");
  WC_MALLOC(L->lower.start, starts, "sweep pattern rows");
  WC_MALLOC(L->lower.col, rows * (size_t)ns + 1, "sweep pattern columns");
  /* One allocation each, cut into the four lists. */
  L->diag.start = L->lower.start + ns + 1;
  L->grad.start = L->diag.start + ns + 1;
  L->flux.start = L->grad.start + nt + 1;
  L->diag.col = L->lower.col + (size_t)ns * (size_t)ns;
  L->grad.col = L->diag.col + (size_t)ns * (size_t)ns;
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

/* The index lists of L->pattern split by L's groups. */
static void layout_build(sweep_layout *L) {
  const int ns = L->ns;
  int n_lower = 0, n_diag = 0;
  L->n_inverse = 0;
  for (int g = 0; g < L->n_groups; g++) {
    int g0 = L->group_start[g], g1 = L->group_start[g + 1];
    L->n_inverse += (g1 - g0) * (g1 - g0);
    for (int r = g0; r < g1; r++) {
      L->row_end[r] = g1;
      L->lower.start[r] = n_lower;
      L->diag.start[r] = n_diag;
      for (int c = 0; c < g1; c++) {
        if (!(L->pattern[r] >> c & 1)) continue;
        if (c < g0)
          L->lower.col[n_lower++] = (uint8_t)c;
        else
          L->diag.col[n_diag++] = (uint8_t)c;
      }
    }
  }
  L->lower.start[ns] = n_lower;
  L->diag.start[ns] = n_diag;
  rows_from_pattern(&L->grad, L->pattern + ns, L->nt, ns);
  rows_from_pattern(&L->flux, L->pattern + ns + L->nt, L->nf, ns);
  L->stride = L->n_inverse + n_lower + L->grad.start[L->nt];
}

static int entries(const packed_rows *rows, int n_rows) { return rows->start[n_rows]; }

/* out[e] = dense[k][col[e]] for row k's entries e. */
static void gather_rows(const packed_rows *rows, int n_rows, const double *dense, int ns, double *out) {
  for (int k = 0; k < n_rows; k++)
    for (int e = rows->start[k]; e < rows->start[k + 1]; e++) out[e] = dense[k * ns + rows->col[e]];
}

/* The inverse: dense [n_rows][ns], zero where the rows have no entry. */
static void scatter_rows(const packed_rows *rows, int n_rows, const double *values, int ns, double *dense) {
  memset(dense, 0, (size_t)n_rows * (size_t)ns * sizeof *dense);
  for (int k = 0; k < n_rows; k++)
    for (int e = rows->start[k]; e < rows->start[k + 1]; e++) dense[k * ns + rows->col[e]] = values[e];
}

/* A cell's values: where they sit in the three per-cell arrays. */
typedef struct cell_values {
  double *blocks, *diag, *flux;
} cell_values;

static cell_values cell_values_of(const sweep_layout *L, double *blocks, double *diag, double *flux, size_t i) {
  return (cell_values){blocks + i * (size_t)L->stride, diag + i * (size_t)entries(&L->diag, L->ns),
                       flux + i * (size_t)entries(&L->flux, L->nf)};
}

/* Pack a dense J | G | B ([ns][ns] | [nt][ns] | [nf][ns]) into a cell's values (its
 * inverses untouched). */
static void pack_cell(const sweep_layout *L, const double *dense, cell_values v) {
  const int ns = L->ns;
  double *lower = v.blocks + L->n_inverse, *grad = lower + entries(&L->lower, ns);
  gather_rows(&L->lower, ns, dense, ns, lower);
  gather_rows(&L->diag, ns, dense, ns, v.diag);
  gather_rows(&L->grad, L->nt, dense + ns * ns, ns, grad);
  gather_rows(&L->flux, L->nf, dense + ns * (ns + L->nt), ns, v.flux);
}

static void unpack_cell(const sweep_layout *L, cell_values v, double *dense) {
  const int ns = L->ns;
  const double *lower = v.blocks + L->n_inverse, *grad = lower + entries(&L->lower, ns);
  scatter_rows(&L->diag, ns, v.diag, ns, dense); /* J's rows, zeroed, with the entries in the groups */
  for (int r = 0; r < ns; r++)
    for (int e = L->lower.start[r]; e < L->lower.start[r + 1]; e++) dense[r * ns + L->lower.col[e]] = lower[e];
  scatter_rows(&L->grad, L->nt, grad, ns, dense + ns * ns);
  scatter_rows(&L->flux, L->nf, v.flux, ns, dense + ns * (ns + L->nt));
}

/*
 * Move the values of cells 0 .. count-1 to a new layout: the current pattern with `add`
 * ORed in (NULL: none) and the given groups, which must hold every non-zero of those cells
 * (so nothing is lost; the new positions get exact zeros). Cells from count on are zero.
 * The inverses are dropped: gamma becomes NAN until the next factor.
 */
static wc_status relayout(wc_sweep *sweep, const uint64_t *add, int n_groups, const int *group_start, int32_t count) {
  const sweep_layout *from = sweep->layout;
  sweep_layout *to = from == &sweep->layouts[0] ? &sweep->layouts[1] : &sweep->layouts[0];
  const int rows = from->ns + from->nt + from->nf;
  const size_t n = (size_t)(sweep->ode->n_cells > 0 ? sweep->ode->n_cells : 0);
  to->nf = from->nf;
  for (int k = 0; k < rows; k++) to->pattern[k] = from->pattern[k] | (add ? add[k] : 0);
  to->n_groups = n_groups;
  memcpy(to->group_start, group_start, (size_t)(n_groups + 1) * sizeof *group_start);
  layout_build(to);
  double *blocks = calloc(n * (size_t)to->stride + 1, sizeof *blocks);
  double *diag = calloc(n * (size_t)entries(&to->diag, to->ns) + 1, sizeof *diag);
  double *flux = calloc(n * (size_t)entries(&to->flux, to->nf) + 1, sizeof *flux);
  if (!blocks || !diag || !flux) {
    free(blocks);
    free(diag);
    free(flux);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for the sweep's blocks of %zu cells (%d values each)", n, to->stride);
  }
  for (int32_t i = 0; i < count; i++) {
    unpack_cell(from, cell_values_of(from, sweep->blocks, sweep->diag, sweep->flux_grad, (size_t)i), sweep->spare);
    pack_cell(to, sweep->spare, cell_values_of(to, blocks, diag, flux, (size_t)i));
  }
  free(sweep->blocks);
  free(sweep->diag);
  free(sweep->flux_grad);
  sweep->blocks = blocks;
  sweep->diag = diag;
  sweep->flux_grad = flux;
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
  /* No pattern yet: every state its own group. */
  sweep->layout = &sweep->layouts[0];
  sweep->n_groups = ns;
  for (int r = 0; r <= ns; r++) sweep->group_start[r] = r;
  for (int r = 0; r < ns; r++) sweep->reach[r] = r;
  WC_CALL_GOTO(status, fail, relayout(sweep, NULL, sweep->n_groups, sweep->group_start, 0));
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
  free(s->blocks);
  free(s->diag);
  free(s->flux_grad);
  free(s->acc);
  free(s->work);
  free(s->dense);
  free(s->spare);
  free(s->rates);
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
  sweep->outlets = NULL;
  sweep->n_outlets = 0;
  sweep->accumulate = on;
  /* B's rows start with an empty pattern (J and G keep theirs). */
  sweep_layout *L = sweep->layout;
  for (int k = 0; k < ode->n_fluxes; k++) L->pattern[L->ns + L->nt + k] = 0;
  L->nf = on ? ode->n_fluxes : 0;
  layout_build(L); /* J and G stay where they are; B has no entries */
  WC_CALL(relayout(sweep, NULL, L->n_groups, L->group_start, ode->n_cells));
  if (!on) return WC_OK;
  size_t n = (size_t)(ode->n_cells > 0 ? ode->n_cells : 0);
  int32_t n_outlets = 0;
  for (size_t i = 0; i < n; i++) n_outlets += ode->downstream[i] < 0;
  WC_MALLOC(sweep->outlets, (size_t)n_outlets + 1, "sweep outlet list");
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
  return L->stride + entries(&L->diag, L->ns) + entries(&L->flux, L->nf) + L->nt;
}

void wc_sweep_cell_blocks(const wc_sweep *sweep, int32_t cell, double *jac, double *grad, double *flux_grad) {
  const sweep_layout *L = sweep->layout;
  const int ns = L->ns;
  unpack_cell(L, cell_values_of(L, sweep->blocks, sweep->diag, sweep->flux_grad, (size_t)cell), sweep->spare);
  if (jac) memcpy(jac, sweep->spare, (size_t)(ns * ns) * sizeof *jac);
  if (grad) memcpy(grad, sweep->spare + ns * ns, (size_t)(L->nt * ns) * sizeof *grad);
  if (flux_grad) memcpy(flux_grad, sweep->spare + ns * (ns + L->nt), (size_t)(L->nf * ns) * sizeof *flux_grad);
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
 * coupling vanishes everywhere (wcsim's nitrate-organic N pair, outside the growing
 * season); a fully coupled block is one group.
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

static bool same_groups(const sweep_layout *L, int n_groups, const int *group_start) {
  return L->n_groups == n_groups && !memcmp(L->group_start, group_start, (size_t)(n_groups + 1) * sizeof *group_start);
}

/*
 * Pack cell i's dense J | G | B (sweep->dense) and widen `reach` (per state, the last
 * column it depends on in the cells so far) by it. A non-zero the layout does not hold
 * grows it first: the pattern gains the cell's non-zeros and the groups merge as far as
 * `reach` and the current groups say, so that cells 0 .. i-1 fit (their values at the
 * new positions are exact zeros) and a structure like the last evaluation's never moves
 * again within one evaluation; the factor splits the groups to this evaluation's.
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
    uint64_t stored = k < ns ? L->pattern[k] & columns_below(L->row_end[k]) : L->pattern[k];
    fits &= (m & ~stored) == 0;
    if (k < ns)
      for (int c = ns - 1; c > reach[k]; c--)
        if (m >> c & 1) {
          reach[k] = c;
          break;
        }
  }
  if (!fits) {
    int merged[64], n_groups, group_start[65];
    for (int r = 0; r < ns; r++) merged[r] = reach[r] > L->row_end[r] - 1 ? reach[r] : L->row_end[r] - 1;
    groups_from_reach(ns, merged, &n_groups, group_start);
    WC_CALL(relayout(sweep, mask, n_groups, group_start, i));
    L = sweep->layout;
  }
  pack_cell(L, dense, cell_values_of(L, sweep->blocks, sweep->diag, sweep->flux_grad, (size_t)i));
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
  const int n_diag = entries(&L->diag, ns);
  double jac[WC_LANES * 36], out[WC_LANES * 36]; /* ns <= 6 */
  double a[36], inv[36];
  int ok[WC_LANES];
  for (int32_t i = 0; i < n; i += WC_LANES) {
    const int lanes = n - i < WC_LANES ? (int)(n - i) : WC_LANES;
    memset(jac, 0, sizeof jac);
    for (int l = 0; l < lanes; l++)
      scatter_rows(&L->diag, ns, sweep->diag + (size_t)(i + l) * (size_t)n_diag, ns, jac + l * ns * ns);
    invert_lanes_unpivoted(ns, jac, gamma, out, ok);
    for (int l = 0; l < lanes; l++) {
      const double *from = out + l * ns * ns;
      if (!ok[l]) {
        if (!invert_block(ns, jac + l * ns * ns, gamma, a, inv)) return i + l;
        from = inv;
      }
      memcpy(sweep->blocks + (size_t)(i + l) * (size_t)L->stride, from, (size_t)(ns * ns) * sizeof *from);
    }
  }
  return -1;
}

/* Structured factor: invert each cell's diagonal groups of I - gamma J, group after group,
 * into the inverses at the head of its blocks (also one group of any size: the generic
 * path). */
static int32_t factor_groups(const wc_sweep *sweep, double gamma) {
  const sweep_layout *L = sweep->layout;
  const int32_t n = sweep->ode->n_cells;
  const int n_diag = entries(&L->diag, L->ns);
  double a[64 * 64], inv[64 * 64], sub[64 * 64];
  for (int32_t i = 0; i < n; i++) {
    const double *diag = sweep->diag + (size_t)i * (size_t)n_diag;
    double *out = sweep->blocks + (size_t)i * (size_t)L->stride;
    for (int g = 0; g < L->n_groups; g++) {
      int g0 = L->group_start[g], size = L->group_start[g + 1] - g0;
      if (size == 1) {
        int e = L->diag.start[g0];
        double pivot = 1.0 - gamma * (e < L->diag.start[g0 + 1] ? diag[e] : 0.0);
        if (!(pivot != 0.0) || !isfinite(1.0 / pivot)) return i;
        *out++ = 1.0 / pivot;
        continue;
      }
      memset(sub, 0, (size_t)(size * size) * sizeof *sub);
      for (int r = g0; r < g0 + size; r++)
        for (int e = L->diag.start[r]; e < L->diag.start[r + 1]; e++)
          sub[(r - g0) * size + L->diag.col[e] - g0] = diag[e];
      if (!invert_block(size, sub, gamma, a, inv)) return i;
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
  const int nt = L->nt, n_groups = one_group ? 1 : L->n_groups, n_lower = entries(&L->lower, ns);
  const int32_t *start = sweep->sources->start, *source = sweep->sources->source;
  const int *target = sweep->ode->transport_target;
  const double gamma = sweep->gamma;
  double *acc = sweep->acc;
  double r[64], xi[64];
  for (int32_t j = 0; j < count; j++) {
    const int32_t i = cells ? cells[j] : j;
    load_right_side(ns, nt, i, n, start, source, target, gamma, acc, sweep->remote, b, r);
    const double *inv = sweep->blocks + (size_t)i * (size_t)L->stride, *lower = inv + L->n_inverse;
    int e = 0; /* the lower entries run on, row after row */
    for (int g = 0; g < n_groups; g++) {
      const int g0 = one_group ? 0 : L->group_start[g], g1 = one_group ? ns : L->group_start[g + 1], size = g1 - g0;
      if (!one_group)
        for (int row = g0; row < g1; row++) {
          double s = 0.0;
          for (const int end = L->lower.start[row + 1]; e < end; e++) s += lower[e] * xi[L->lower.col[e]];
          r[row] += gamma * s;
        }
      if (!one_group && size == 1) { /* most groups are one state: no loops */
        double s = 0.0;       /* (0.0 + p, as the loop: +0 where p is -0) */
        s += *inv++ * r[g0];
        xi[g0] = s;
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
    packed_rows_apply(&L->grad, nt, lower + n_lower, xi, acc + (size_t)i * (size_t)nt);
  }
}

/* B_i x_i: the rates of cell i's flux totals [nf] for its states' change x_i. */
static inline void cell_flux_rates(const wc_sweep *sweep, size_t i, const double *xi, double *rates) {
  const sweep_layout *L = sweep->layout;
  packed_rows_apply(&L->flux, L->nf, sweep->flux_grad + i * (size_t)entries(&L->flux, L->nf), xi, rates);
}

/* G_i x_i: what cell i passes downstream [nt] (an outlet: out of the basin). */
static inline void cell_outflow_rates(const wc_sweep *sweep, size_t i, const double *xi, double *rates) {
  const sweep_layout *L = sweep->layout;
  const double *grad = sweep->blocks + i * (size_t)L->stride + L->n_inverse + entries(&L->lower, L->ns);
  packed_rows_apply(&L->grad, L->nt, grad, xi, rates);
}

/* The budget totals' rows: x_total = b_total + gamma * (d rate / d y) x_cell. */
static void solve_totals(const wc_sweep *sweep, const double *b, double *x) {
  const wc_graph_ode *ode = sweep->ode;
  const size_t n = (size_t)(ode->n_cells > 0 ? ode->n_cells : 0);
  const int ns = ode->n_states, nt = ode->n_transport, nf = sweep->layout->nf;
  const double g = sweep->gamma;
  double *rates = sweep->rates;
  size_t base = n * (size_t)ns;
  for (size_t i = 0; i < n && nf > 0; i++) {
    cell_flux_rates(sweep, i, x + i * (size_t)ns, rates);
    for (int f = 0; f < nf; f++) {
      size_t j = base + i * (size_t)nf + (size_t)f;
      x[j] = b[j] + g * rates[f];
    }
  }
  base += n * (size_t)nf;
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
    solve_kernel(sweep->ode->n_states, false, sweep, b, x, count, cells);
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
