/*
 * wc_sweep.c — block Jacobians, block inverses and the forward sweep (see wc_sweep.h).
 *
 * The hot loops (factor, solve) are written once as always-inline kernels taking the
 * number of states as a parameter and instantiated for 1..6 states, so the compiler sees
 * constant trip counts and unrolls the small mat-vecs; other sizes take the generic path.
 */
#include "wc_sweep.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#if defined(__GNUC__)
#define WC_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define WC_ALWAYS_INLINE inline
#endif

struct wc_sweep {
  const wc_graph_ode *ode;
  /* What each cell sums from upstream, in canonical order (wc_inflow.h): own sources, or
   * a caller's with remote values (wc_sweep_set_sources). */
  wc_inflow_sources *own_sources;
  const wc_inflow_sources *sources;
  const double *remote_outflow; /* [n_remote][nt] outflows from other ranks (evaluate) */
  double *remote;   /* [n_remote][nt] G_u x_u from other ranks (solve); zero: block Jacobi */
  double *jac;      /* [n][ns][ns] */
  double *grad;     /* [n][nt][ns] */
  double *inverse;  /* [n][ns][ns] of I - gamma J */
  double *acc;      /* [n][nt] each cell's G x (solve), its outflow (evaluate) */
  double *work;     /* scratch for evaluate: 3 * (ns + nt) + ns + 2 * nf */
  double *flux_grad; /* [n][nf][ns] d flux / d y, when accumulating */
  double *row_sum;   /* [rows][nf] sum of B_i x_i over each shared row's cells (ode->flux_row) */
  int32_t *outlets;  /* [n_outlets] ascending, when accumulating */
  int32_t n_outlets;
  bool accumulate;
  double gamma;
  /* Block-triangular structure of the cells' Jacobians, found by wc_sweep_evaluate: states
   * group_start[g] .. group_start[g+1]-1 form group g, and no state depends on a state of
   * a later group in any cell (d ydot_r / d y_c == 0 exactly for c beyond r's group). */
  int n_groups;
  int group_start[65];
  int reach[64]; /* per state row: the last column with a non-zero in any cell */
  int32_t failed_node;
  int64_t cell_calls;
};

wc_status wc_sweep_create(const wc_graph_ode *ode, wc_sweep **out) {
  *out = NULL;
  wc_sweep *sweep = NULL;
  WC_MALLOC(sweep, 1, "downstream sweep");
  *sweep = (wc_sweep){.ode = ode, .gamma = NAN, .failed_node = -1};
  size_t n = (size_t)(ode->n_cells > 0 ? ode->n_cells : 0);
  size_t ns = (size_t)ode->n_states, nt = (size_t)ode->n_transport;
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
  ALLOC(sweep->jac, n * ns * ns, "sweep Jacobian blocks");
  ALLOC(sweep->grad, n * nt * ns, "sweep outflow gradients");
  ALLOC(sweep->inverse, n * ns * ns, "sweep block inverses");
  ALLOC(sweep->acc, n * nt, "sweep accumulators");
  ALLOC(sweep->work, 4 * (ns + nt) + ns + 2 * (size_t)ode->n_fluxes + 1, "sweep scratch");
  ALLOC(sweep->remote, 1, "sweep remote contributions");
#undef ALLOC
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
  free((*sweep)->jac);
  free((*sweep)->grad);
  free((*sweep)->inverse);
  free((*sweep)->acc);
  free((*sweep)->work);
  free((*sweep)->flux_grad);
  free((*sweep)->row_sum);
  free((*sweep)->outlets);
  free((*sweep)->remote);
  wc_inflow_sources_destroy(&(*sweep)->own_sources);
  free(*sweep);
  *sweep = NULL;
}

wc_status wc_sweep_set_accumulators(wc_sweep *sweep, bool on) {
  const wc_graph_ode *ode = sweep->ode;
  free(sweep->flux_grad);
  free(sweep->row_sum);
  free(sweep->outlets);
  sweep->flux_grad = NULL;
  sweep->row_sum = NULL;
  sweep->outlets = NULL;
  sweep->n_outlets = 0;
  sweep->accumulate = on;
  if (!on) return WC_OK;
  size_t n = (size_t)(ode->n_cells > 0 ? ode->n_cells : 0);
  int32_t n_outlets = 0;
  for (size_t i = 0; i < n; i++) n_outlets += ode->downstream[i] < 0;
  WC_MALLOC(sweep->flux_grad, n * (size_t)ode->n_fluxes * (size_t)ode->n_states + 1, "sweep flux gradients");
  memset(sweep->flux_grad, 0, (n * (size_t)ode->n_fluxes * (size_t)ode->n_states + 1) * sizeof *sweep->flux_grad);
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

double *wc_sweep_jacobian_blocks(wc_sweep *sweep) { return sweep->jac; }
double *wc_sweep_outflow_gradients(wc_sweep *sweep) { return sweep->grad; }
double wc_sweep_gamma(const wc_sweep *sweep) { return sweep->gamma; }
int32_t wc_sweep_failed_node(const wc_sweep *sweep) { return sweep->failed_node; }
int64_t wc_sweep_cell_calls(const wc_sweep *sweep) { return sweep->cell_calls; }
int wc_sweep_transport_count(const wc_sweep *sweep) { return sweep->ode->n_transport; }

/* ---- evaluation ------------------------------------------------------------------------ */

/*
 * The finest split of the states into consecutive groups such that, in every cell, no
 * state depends on a state of a later group. Physics with one-way couplings (snow feeds
 * soil feeds groundwater; water carries nitrogen, never the reverse) then factors as
 * small diagonal blocks plus forward substitution: for wcsim's 8 states the groups are
 * 1,1,1,1,2,1,1 and factoring costs a few divisions per cell instead of an 8 x 8
 * inversion. The pattern is read from the Jacobians themselves (exact zeros), so it never
 * claims a structure the cells do not have; a fully coupled block is one group.
 */
static void groups_from_reach(wc_sweep *sweep) {
  const int ns = sweep->ode->n_states;
  const int *reach = sweep->reach;
  sweep->n_groups = 0;
  sweep->group_start[0] = 0;
  int end = 0;
  for (int r = 0; r < ns; r++) {
    if (reach[r] > end) end = reach[r];
    if (end == r) sweep->group_start[++sweep->n_groups] = r + 1, end = r + 1;
  }
}

static void find_groups(wc_sweep *sweep) {
  const wc_graph_ode *ode = sweep->ode;
  const int ns = ode->n_states;
  const size_t n = (size_t)(ode->n_cells > 0 ? ode->n_cells : 0);
  int *reach = sweep->reach;
  for (int r = 0; r < ns; r++) reach[r] = r;
  for (size_t i = 0; i < n; i++) {
    const double *jac = sweep->jac + i * (size_t)(ns * ns);
    for (int r = 0; r < ns; r++)
      for (int c = ns - 1; c > reach[r]; c--)
        if (jac[r * ns + c] != 0.0) {
          reach[r] = c;
          break;
        }
  }
  groups_from_reach(sweep);
}

const int *wc_sweep_group_reach(const wc_sweep *sweep) { return sweep->reach; }

void wc_sweep_set_group_reach(wc_sweep *sweep, const int *reach) {
  const int ns = sweep->ode->n_states;
  for (int r = 0; r < ns; r++) sweep->reach[r] = reach[r] > sweep->reach[r] ? reach[r] : sweep->reach[r];
  groups_from_reach(sweep);
}

wc_status wc_sweep_evaluate(wc_sweep *sweep, double t, const double *y, const double *extra_inflow,
                            const double *typical_size) {
  const wc_graph_ode *ode = sweep->ode;
  const int32_t n = ode->n_cells;
  const int ns = ode->n_states, nt = ode->n_transport, nf = sweep->accumulate ? ode->n_fluxes : 0;
  double *outflows = sweep->acc; /* each cell's outflow at the base point, for its downstream cells */
  double *f0 = sweep->work, *f1 = f0 + ns, *out1 = f1 + ns, *yp = out1 + nt, *in = yp + ns;
  double *flux0 = nf ? in + nt : NULL, *flux1 = nf ? flux0 + nf : NULL;
  const double sqrt_eps = sqrt(DBL_EPSILON);
  const int32_t *start = sweep->sources->start, *source = sweep->sources->source;
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
    double *jac = sweep->jac + (size_t)i * (size_t)(ns * ns);
    double *grad = sweep->grad + (size_t)i * (size_t)(nt * ns);
    double *fgrad = nf ? sweep->flux_grad + (size_t)i * (size_t)(nf * ns) : NULL;
    /* The base call gives the outflow that becomes the downstream cell's inflow. */
    WC_CALL(ode->cell_rhs(ode->context, t, i, yi, in, f0, out0, flux0));
    sweep->cell_calls++;
    if (ode->cell_jacobian && !nf) {
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
  }
  find_groups(sweep);
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

/* One factor loop per block size, so that every loop bound is a constant. */
#define WC_DEFINE_FACTOR(NS)                                                                                     \
  static int32_t factor_##NS(int32_t n, const double *jac, double gamma, double *inverse) {                      \
    int32_t i = 0;                                                                                               \
    for (; i + WC_LANES <= n; i += WC_LANES) {                                                                   \
      int ok[WC_LANES];                                                                                          \
      invert_lanes_unpivoted(NS, jac + (size_t)i * (NS * NS), gamma, inverse + (size_t)i * (NS * NS), ok);      \
      for (int l = 0; l < WC_LANES; l++) {                                                                       \
        if (ok[l]) continue;                                                                                     \
        double a[NS * NS], inv[NS * NS];                                                                         \
        if (!invert_block(NS, jac + (size_t)(i + l) * (NS * NS), gamma, a, inv)) return i + l;                  \
        memcpy(inverse + (size_t)(i + l) * (NS * NS), inv, sizeof inv);                                          \
      }                                                                                                          \
    }                                                                                                            \
    if (i < n) { /* the last few blocks padded to a full batch (zero J): same arithmetic as in any batch */   \
      double pad_jac[WC_LANES * NS * NS] = {0}, pad_inv[WC_LANES * NS * NS];                                     \
      int ok[WC_LANES];                                                                                          \
      memcpy(pad_jac, jac + (size_t)i * (NS * NS), (size_t)(n - i) * (NS * NS) * sizeof *pad_jac);              \
      invert_lanes_unpivoted(NS, pad_jac, gamma, pad_inv, ok);                                                   \
      for (int l = 0; l < n - i; l++) {                                                                          \
        double *to = inverse + (size_t)(i + l) * (NS * NS);                                                      \
        if (ok[l]) {                                                                                             \
          memcpy(to, pad_inv + (size_t)l * (NS * NS), (NS * NS) * sizeof *to);                                  \
          continue;                                                                                              \
        }                                                                                                        \
        double a[NS * NS], inv[NS * NS];                                                                         \
        if (!invert_block(NS, jac + (size_t)(i + l) * (NS * NS), gamma, a, inv)) return i + l;                  \
        memcpy(to, inv, sizeof inv);                                                                             \
      }                                                                                                          \
    }                                                                                                            \
    return -1;                                                                                                   \
  }
WC_DEFINE_FACTOR(1)
WC_DEFINE_FACTOR(2)
WC_DEFINE_FACTOR(3)
WC_DEFINE_FACTOR(4)
WC_DEFINE_FACTOR(5)
WC_DEFINE_FACTOR(6)
#undef WC_DEFINE_FACTOR

static int32_t factor_generic(int ns, int32_t n, const double *jac, double gamma, double *inverse) {
  double a[64 * 64], inv[64 * 64]; /* ns <= 64 (wc_graph_ode_check) */
  for (int32_t i = 0; i < n; i++) {
    if (!invert_block(ns, jac + (size_t)i * (size_t)(ns * ns), gamma, a, inv)) return i;
    memcpy(inverse + (size_t)i * (size_t)(ns * ns), inv, (size_t)(ns * ns) * sizeof *inv);
  }
  return -1;
}

/* Structured factor: invert each cell's diagonal groups of I - gamma J into the matching
 * entries of `inverse`; the rest of the block is used from J by the solve. */
static int32_t factor_groups(const wc_sweep *sweep, double gamma) {
  const wc_graph_ode *ode = sweep->ode;
  const int ns = ode->n_states;
  const int32_t n = ode->n_cells;
  double a[64 * 64], inv[64 * 64], sub[64 * 64];
  for (int32_t i = 0; i < n; i++) {
    const double *jac = sweep->jac + (size_t)i * (size_t)(ns * ns);
    double *out = sweep->inverse + (size_t)i * (size_t)(ns * ns);
    for (int g = 0; g < sweep->n_groups; g++) {
      int g0 = sweep->group_start[g], size = sweep->group_start[g + 1] - g0;
      if (size == 1) {
        double pivot = 1.0 - gamma * jac[g0 * ns + g0];
        if (!(pivot != 0.0) || !isfinite(1.0 / pivot)) return i;
        out[g0 * ns + g0] = 1.0 / pivot;
        continue;
      }
      for (int r = 0; r < size; r++)
        for (int c = 0; c < size; c++) sub[r * size + c] = jac[(g0 + r) * ns + g0 + c];
      if (!invert_block(size, sub, gamma, a, inv)) return i;
      for (int r = 0; r < size; r++)
        for (int c = 0; c < size; c++) out[(g0 + r) * ns + g0 + c] = inv[r * size + c];
    }
  }
  return -1;
}

wc_status wc_sweep_factor(wc_sweep *sweep, double gamma) {
  const wc_graph_ode *ode = sweep->ode;
  const int32_t n = ode->n_cells;
  int32_t bad;
  if (sweep->n_groups > 1) {
    bad = factor_groups(sweep, gamma);
    goto done;
  }
  switch (ode->n_states) {
  case 1: bad = factor_1(n, sweep->jac, gamma, sweep->inverse); break;
  case 2: bad = factor_2(n, sweep->jac, gamma, sweep->inverse); break;
  case 3: bad = factor_3(n, sweep->jac, gamma, sweep->inverse); break;
  case 4: bad = factor_4(n, sweep->jac, gamma, sweep->inverse); break;
  case 5: bad = factor_5(n, sweep->jac, gamma, sweep->inverse); break;
  case 6: bad = factor_6(n, sweep->jac, gamma, sweep->inverse); break;
  default: bad = factor_generic(ode->n_states, n, sweep->jac, gamma, sweep->inverse); break;
  }
done:
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

/* Solve `count` cells: cells[j] in the given order (topological), or 0..count-1 when
 * cells is NULL. acc holds, per cell, what its upstream cells solved so far contribute. */
static WC_ALWAYS_INLINE void solve_kernel(const int ns, const int nt, int32_t count, const int32_t *cells, int32_t n,
                                          const int32_t *start, const int32_t *source, const int *target,
                                          const double *inverse, const double *grad, double gamma, double *acc,
                                          const double *remote, const double *b, double *x) {
  double r[64], xi[64];
  for (int32_t j = 0; j < count; j++) {
    const int32_t i = cells ? cells[j] : j;
    load_right_side(ns, nt, i, n, start, source, target, gamma, acc, remote, b, r);
    const double *inv = inverse + (size_t)i * (size_t)(ns * ns);
    for (int row = 0; row < ns; row++) {
      double s = 0.0;
      for (int c = 0; c < ns; c++) s += inv[row * ns + c] * r[c];
      xi[row] = s;
    }
    double *xo = x + (size_t)i * (size_t)ns;
    for (int c = 0; c < ns; c++) xo[c] = xi[c];
    const double *g = grad + (size_t)i * (size_t)(nt * ns);
    double *ai = acc + (size_t)i * (size_t)nt;
    for (int k = 0; k < nt; k++) {
      double s = 0.0;
      for (int c = 0; c < ns; c++) s += g[k * ns + c] * xi[c];
      ai[k] = s;
    }
  }
}

/* B_i x_i: the change of cell i's flux rates for its solved states x_i. */
static inline void cell_flux_change(const wc_sweep *sweep, size_t i, const double *xi, double *out) {
  const int ns = sweep->ode->n_states, nf = sweep->ode->n_fluxes;
  const double *B = sweep->flux_grad + i * (size_t)(nf * ns);
  for (int f = 0; f < nf; f++) {
    double s = 0.0;
    for (int c = 0; c < ns; c++) s += B[f * ns + c] * xi[c];
    out[f] = s;
  }
}

/* The budget totals' rows: x_total = b_total + gamma * (d rate / d y) x_cell, summed over
 * the row's cells when rows are shared (in ascending cell order, as f sums them up to
 * the order of the terms). b and x may alias: the sums are taken before any total is set. */
static void solve_totals(const wc_sweep *sweep, const double *b, double *x) {
  const wc_graph_ode *ode = sweep->ode;
  const size_t n = (size_t)(ode->n_cells > 0 ? ode->n_cells : 0);
  const int ns = ode->n_states, nt = ode->n_transport, nf = ode->n_fluxes;
  const double g = sweep->gamma;
  size_t base = n * (size_t)ns;
  size_t rows = (size_t)wc_graph_ode_flux_rows(ode) * (nf > 0);
  double change[64];
  if (ode->flux_row && nf > 0) {
    double *sum = sweep->row_sum;
    memset(sum, 0, rows * (size_t)nf * sizeof *sum);
    for (size_t i = 0; i < n; i++) {
      cell_flux_change(sweep, i, x + i * (size_t)ns, change);
      double *row = sum + (size_t)ode->flux_row[i] * (size_t)nf;
      for (int f = 0; f < nf; f++) row[f] += change[f];
    }
    for (size_t j = 0; j < rows * (size_t)nf; j++) x[base + j] = b[base + j] + g * sum[j];
  } else {
    for (size_t i = 0; i < n && nf > 0; i++) {
      cell_flux_change(sweep, i, x + i * (size_t)ns, change);
      for (int f = 0; f < nf; f++) {
        size_t j = base + i * (size_t)nf + (size_t)f;
        x[j] = b[j] + g * change[f];
      }
    }
  }
  base += rows * (size_t)nf;
  for (int32_t o = 0; o < sweep->n_outlets; o++) {
    size_t i = (size_t)sweep->outlets[o];
    const double *xi = x + i * (size_t)ns, *G = sweep->grad + i * (size_t)(nt * ns);
    for (int k = 0; k < nt; k++) {
      double s = 0.0;
      for (int c = 0; c < ns; c++) s += G[k * ns + c] * xi[c];
      size_t j = base + (size_t)o * (size_t)nt + (size_t)k;
      x[j] = b[j] + g * s;
    }
  }
}

/* Structured solve of one block: group by group, x_g = inv_gg (r_g + gamma * sum over
 * earlier columns of J_gc x_c). */
static void solve_groups(const wc_sweep *sweep, const double *b, double *x, int32_t count, const int32_t *cells) {
  const wc_graph_ode *ode = sweep->ode;
  const int32_t n = ode->n_cells;
  const int ns = ode->n_states, nt = ode->n_transport;
  const int32_t *start = sweep->sources->start, *source = sweep->sources->source;
  const int *target = ode->transport_target;
  const double gamma = sweep->gamma;
  double *acc = sweep->acc;
  const double *remote = sweep->remote;
  double r[64], xi[64];
  for (int32_t j = 0; j < count; j++) {
    const int32_t i = cells ? cells[j] : j;
    load_right_side(ns, nt, i, n, start, source, target, gamma, acc, remote, b, r);
    const double *jac = sweep->jac + (size_t)i * (size_t)(ns * ns);
    const double *inv = sweep->inverse + (size_t)i * (size_t)(ns * ns);
    for (int g = 0; g < sweep->n_groups; g++) {
      int g0 = sweep->group_start[g], g1 = sweep->group_start[g + 1];
      for (int row = g0; row < g1; row++) {
        double s = 0.0;
        for (int c = 0; c < g0; c++) s += jac[row * ns + c] * xi[c];
        r[row] += gamma * s;
      }
      for (int row = g0; row < g1; row++) {
        double s = 0.0;
        for (int c = g0; c < g1; c++) s += inv[row * ns + c] * r[c];
        xi[row] = s;
      }
    }
    double *xo = x + (size_t)i * (size_t)ns;
    for (int c = 0; c < ns; c++) xo[c] = xi[c];
    const double *gr = sweep->grad + (size_t)i * (size_t)(nt * ns);
    double *ai = acc + (size_t)i * (size_t)nt;
    for (int k = 0; k < nt; k++) {
      double s = 0.0;
      for (int c = 0; c < ns; c++) s += gr[k * ns + c] * xi[c];
      ai[k] = s;
    }
  }
}

void wc_sweep_solve_cells(wc_sweep *sweep, const double *b, double *x, int32_t count, const int32_t *cells) {
  const wc_graph_ode *ode = sweep->ode;
  const int32_t n = ode->n_cells;
  const int nt = ode->n_transport;
  const int32_t *start = sweep->sources->start, *source = sweep->sources->source;
  const int *target = ode->transport_target;
  const double g = sweep->gamma;
  if (sweep->n_groups > 1) {
    solve_groups(sweep, b, x, count, cells);
    return;
  }
  const double *inv = sweep->inverse, *grad = sweep->grad, *rem = sweep->remote;
  double *acc = sweep->acc;
  switch (ode->n_states) {
  case 1: solve_kernel(1, nt, count, cells, n, start, source, target, inv, grad, g, acc, rem, b, x); break;
  case 2: solve_kernel(2, nt, count, cells, n, start, source, target, inv, grad, g, acc, rem, b, x); break;
  case 3: solve_kernel(3, nt, count, cells, n, start, source, target, inv, grad, g, acc, rem, b, x); break;
  case 4: solve_kernel(4, nt, count, cells, n, start, source, target, inv, grad, g, acc, rem, b, x); break;
  case 5: solve_kernel(5, nt, count, cells, n, start, source, target, inv, grad, g, acc, rem, b, x); break;
  case 6: solve_kernel(6, nt, count, cells, n, start, source, target, inv, grad, g, acc, rem, b, x); break;
  default: solve_kernel(ode->n_states, nt, count, cells, n, start, source, target, inv, grad, g, acc, rem, b, x); break;
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
