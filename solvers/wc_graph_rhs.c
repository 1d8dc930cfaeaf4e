/* wc_graph_rhs.c — f(t, y) of a drainage-graph ODE by one forward pass (see wc_graph_rhs.h). */
#include "wc_graph_rhs.h"

#include <stdlib.h>

#include <math.h>
#include <stdbool.h>
#include <string.h>

struct wc_graph_rhs {
  const wc_graph_ode *ode;
  wc_inflow_sources *sources; /* what each cell sums, in canonical order (wc_inflow.h) */
  double *remote_outflow;     /* [n_remote * n_transport] values from other ranks */
  /* With remote values: cells that need none of them (ascending), then those that do,
   * for an evaluation that overlaps the halo exchange; NULL: 0..n-1 */
  int32_t *order;
  int32_t n_independent;
  double *extra_inflow; /* [n_cells * n_transport] */
  double *outflows;     /* [n_cells * n_transport] every cell's outflow in the pass */
  double *inflow;       /* [n_transport] one cell's inflow */
  double *scratch;      /* [n_states + n_transport] derivatives and zero inflow of wc_graph_rhs_outflows */
  double *cell_flux;    /* [n_fluxes] one cell's flux rates, when rows are shared (ode->flux_row) */
  int32_t *outlets;
  int32_t n_outlets;
  int32_t *outlet_slot; /* [n_cells] row of the cell in outlet_rate, or -1 */
  int32_t nonfinite_node;
  double nonfinite_time;
  int64_t cell_calls;
};

wc_status wc_graph_ode_check(const wc_graph_ode *ode) {
  WC_CHECK(ode != NULL, WC_ERR_INTERNAL, "graph ODE is NULL");
  WC_CHECK(ode->n_cells >= 0, WC_ERR_INTERNAL, "graph ODE has %d cells", (int)ode->n_cells);
  WC_CHECK(ode->n_states >= 1 && ode->n_states <= 64, WC_ERR_INTERNAL,
           "graph ODE has %d states per cell (1..64 supported)", ode->n_states);
  WC_CHECK(ode->n_transport >= 0 && ode->n_transport <= 64, WC_ERR_INTERNAL,
           "graph ODE carries %d quantities downstream (0..64 supported)", ode->n_transport);
  WC_CHECK(ode->n_fluxes >= 0 && ode->n_fluxes <= 64, WC_ERR_INTERNAL, "graph ODE has %d budget fluxes (0..64 supported)",
           ode->n_fluxes);
  if (ode->flux_row) {
    WC_CHECK(ode->n_flux_rows >= 0 && ode->n_flux_rows <= (ode->n_cells > 0 ? ode->n_cells : 0), WC_ERR_INTERNAL,
             "graph ODE has %d budget rows for %d cells", (int)ode->n_flux_rows, (int)ode->n_cells);
    for (int32_t i = 0; i < ode->n_cells; i++)
      WC_CHECK(ode->flux_row[i] >= 0 && ode->flux_row[i] < ode->n_flux_rows, WC_ERR_INTERNAL,
               "node %d books its budget fluxes in row %d of %d", (int)i, (int)ode->flux_row[i],
               (int)ode->n_flux_rows);
  }
  WC_CHECK(ode->cell_rhs != NULL, WC_ERR_INTERNAL, "graph ODE has no cell function");
  WC_CHECK(ode->abs_tolerance != NULL, WC_ERR_INTERNAL, "graph ODE has no absolute tolerances");
  for (int s = 0; s < ode->n_states; s++)
    WC_CHECK(isfinite(ode->abs_tolerance[s]) && ode->abs_tolerance[s] > 0.0, WC_ERR_INTERNAL,
             "absolute tolerance of state %d (%s) is %g; it must be finite and > 0", s,
             ode->state_names ? ode->state_names[s] : "?", ode->abs_tolerance[s]);
  if (ode->n_transport > 0) WC_CHECK(ode->transport_target != NULL, WC_ERR_INTERNAL, "graph ODE has no transport targets");
  for (int k = 0; k < ode->n_transport; k++)
    WC_CHECK(ode->transport_target[k] >= 0 && ode->transport_target[k] < ode->n_states, WC_ERR_INTERNAL,
             "transport %d enters state %d of %d", k, ode->transport_target[k], ode->n_states);
  if (ode->n_cells == 0) return WC_OK;
  WC_CHECK(ode->downstream != NULL, WC_ERR_INTERNAL, "graph ODE has no downstream array");
  for (int32_t i = 0; i < ode->n_cells; i++) {
    int32_t d = ode->downstream[i];
    WC_CHECK(d == -1 || (d > i && d < ode->n_cells), WC_ERR_INTERNAL,
             "node %d drains to %d: not in topological order (downstream must be > i, or -1)", (int)i, (int)d);
  }
  if (ode->upstream_start != NULL) {
    WC_CHECK(ode->upstream_start[0] == 0 && ode->upstream_index != NULL, WC_ERR_INTERNAL,
             "upstream CSR does not start at 0");
    for (int32_t i = 0; i < ode->n_cells; i++) {
      WC_CHECK(ode->upstream_start[i + 1] >= ode->upstream_start[i], WC_ERR_INTERNAL,
               "upstream CSR offsets decrease at node %d", (int)i);
      for (int32_t e = ode->upstream_start[i]; e < ode->upstream_start[i + 1]; e++) {
        int32_t u = ode->upstream_index[e];
        WC_CHECK(u >= 0 && u < i && ode->downstream[u] == i, WC_ERR_INTERNAL,
                 "upstream CSR lists node %d above node %d, but it drains to %d", (int)u, (int)i,
                 (u >= 0 && u < ode->n_cells) ? (int)ode->downstream[u] : -2);
      }
    }
  }
  return WC_OK;
}

wc_status wc_graph_rhs_create(const wc_graph_ode *ode, wc_graph_rhs **out) {
  *out = NULL;
  WC_CALL(wc_graph_ode_check(ode));
  wc_graph_rhs *rhs = NULL;
  WC_MALLOC(rhs, 1, "graph RHS");
  *rhs = (wc_graph_rhs){.ode = ode, .nonfinite_node = -1, .nonfinite_time = NAN};
  wc_status status = WC_OK;
  size_t n_inflow = (size_t)ode->n_cells * (size_t)ode->n_transport;
  int32_t n_outlets = 0;
  for (int32_t i = 0; i < ode->n_cells; i++) n_outlets += ode->downstream[i] < 0;
  rhs->n_outlets = n_outlets;
#define ALLOC(ptr, count, what)                                                                                \
  do {                                                                                                         \
    size_t wc_n_ = (count);                                                                                    \
    (ptr) = wc_n_ ? calloc(wc_n_, sizeof *(ptr)) : NULL;                                                       \
    if (wc_n_ && !(ptr)) {                                                                                     \
      status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for %s (%zu elements)", (what), \
                            wc_n_);                                                                            \
      goto fail;                                                                                               \
    }                                                                                                          \
  } while (0)
  ALLOC(rhs->extra_inflow, n_inflow, "extra inflow");
  ALLOC(rhs->outflows, n_inflow + 1, "outflows");
  ALLOC(rhs->inflow, (size_t)ode->n_transport + 1, "inflow");
  ALLOC(rhs->outlets, (size_t)n_outlets + 1, "outlet list");
  ALLOC(rhs->outlet_slot, (size_t)ode->n_cells + 1, "outlet slots");
  ALLOC(rhs->scratch, (size_t)(ode->n_states + ode->n_transport), "outflow scratch");
  ALLOC(rhs->cell_flux, (size_t)ode->n_fluxes + 1, "a cell's flux rates");
#undef ALLOC
  n_outlets = 0;
  for (int32_t i = 0; i < ode->n_cells; i++) {
    rhs->outlet_slot[i] = ode->downstream[i] < 0 ? n_outlets : -1;
    if (ode->downstream[i] < 0) rhs->outlets[n_outlets++] = i;
  }
  WC_CALL_GOTO(status, fail, wc_inflow_sources_create(ode->n_cells, ode->downstream, NULL, 0, NULL, NULL, &rhs->sources));
  *out = rhs;
  return WC_OK;
fail:
  wc_graph_rhs_destroy(&rhs);
  return status;
}

void wc_graph_rhs_destroy(wc_graph_rhs **rhs) {
  if (!rhs || !*rhs) return;
  wc_inflow_sources_destroy(&(*rhs)->sources);
  free((*rhs)->remote_outflow);
  free((*rhs)->order);
  free((*rhs)->extra_inflow);
  free((*rhs)->outflows);
  free((*rhs)->inflow);
  free((*rhs)->outlets);
  free((*rhs)->outlet_slot);
  free((*rhs)->scratch);
  free((*rhs)->cell_flux);
  free(*rhs);
  *rhs = NULL;
}

double *wc_graph_rhs_extra_inflow(wc_graph_rhs *rhs) { return rhs->extra_inflow; }
double *wc_graph_rhs_remote_outflow(wc_graph_rhs *rhs) { return rhs->remote_outflow; }
const wc_inflow_sources *wc_graph_rhs_sources(const wc_graph_rhs *rhs) { return rhs->sources; }

wc_status wc_graph_rhs_set_remote(wc_graph_rhs *rhs, const int32_t *global_index, int32_t n_remote,
                                  const int32_t *remote_cell, const int32_t *remote_global) {
  const wc_graph_ode *ode = rhs->ode;
  wc_inflow_sources *sources = NULL;
  WC_CALL(wc_inflow_sources_create(ode->n_cells, ode->downstream, global_index, n_remote, remote_cell, remote_global,
                                   &sources));
  const int32_t n = ode->n_cells;
  double *remote = calloc((size_t)n_remote * (size_t)ode->n_transport + 1, sizeof *remote);
  int32_t *order = calloc((size_t)n + 1, sizeof *order);
  unsigned char *dependent = calloc((size_t)n + 1, 1);
  if (!remote || !order || !dependent) {
    free(remote);
    free(order);
    free(dependent);
    wc_inflow_sources_destroy(&sources);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for %d remote inflows", (int)n_remote);
  }
  /* A cell depends on the halo if a source is remote or depends on it (upstream first). */
  int32_t n_independent = 0, k = 0;
  for (int32_t i = 0; i < n; i++)
    for (int32_t e = sources->start[i]; e < sources->start[i + 1] && !dependent[i]; e++)
      dependent[i] = sources->source[e] >= n || dependent[sources->source[e]];
  for (int32_t i = 0; i < n; i++)
    if (!dependent[i]) order[k++] = i;
  n_independent = k;
  for (int32_t i = 0; i < n; i++)
    if (dependent[i]) order[k++] = i;
  free(dependent);
  wc_inflow_sources_destroy(&rhs->sources);
  free(rhs->remote_outflow);
  free(rhs->order);
  rhs->sources = sources;
  rhs->remote_outflow = remote;
  rhs->order = order;
  rhs->n_independent = n_independent;
  return WC_OK;
}

int32_t wc_graph_rhs_outlet_count(const wc_graph_rhs *rhs) { return rhs->n_outlets; }

wc_status wc_graph_rhs_set_outlets(wc_graph_rhs *rhs, int32_t count, const int32_t *cells) {
  const wc_graph_ode *ode = rhs->ode;
  for (int32_t k = 0; k < count; k++)
    WC_CHECK(cells[k] >= 0 && cells[k] < ode->n_cells && ode->downstream[cells[k]] < 0 && (k == 0 || cells[k] > cells[k - 1]),
             WC_ERR_INTERNAL, "outlet %d is node %d: not an ascending list of nodes draining out", (int)k, (int)cells[k]);
  for (int32_t i = 0; i < ode->n_cells; i++) rhs->outlet_slot[i] = -1;
  for (int32_t k = 0; k < count; k++) {
    rhs->outlets[k] = cells[k];
    rhs->outlet_slot[cells[k]] = k;
  }
  rhs->n_outlets = count;
  return WC_OK;
}
const int32_t *wc_graph_rhs_outlets(const wc_graph_rhs *rhs) { return rhs->outlets; }
int32_t wc_graph_rhs_nonfinite_node(const wc_graph_rhs *rhs) { return rhs->nonfinite_node; }
double wc_graph_rhs_nonfinite_time(const wc_graph_rhs *rhs) { return rhs->nonfinite_time; }
int64_t wc_graph_rhs_cell_calls(const wc_graph_rhs *rhs) { return rhs->cell_calls; }

void wc_graph_rhs_clear_nonfinite(wc_graph_rhs *rhs) {
  rhs->nonfinite_node = -1;
  rhs->nonfinite_time = NAN;
}

/* Name the first non-finite value of node i. */
static wc_status nonfinite_error(wc_graph_rhs *rhs, double t, int32_t i, const double *ydot, const double *outflow,
                                 const double *flux) {
  const wc_graph_ode *ode = rhs->ode;
  rhs->nonfinite_node = i;
  rhs->nonfinite_time = t;
  for (int s = 0; s < ode->n_states; s++)
    if (!isfinite(ydot[s]))
      WC_FAIL(WC_ERR_NUMERICS, "non-finite derivative (%g) of state '%s' at node %d, t = %.9g s", ydot[s],
              ode->state_names ? ode->state_names[s] : "?", (int)i, t);
  for (int k = 0; k < ode->n_transport; k++)
    if (!isfinite(outflow[k]))
      WC_FAIL(WC_ERR_NUMERICS, "non-finite outflow %d (%g) at node %d, t = %.9g s", k, outflow[k], (int)i, t);
  for (int f = 0; flux && f < ode->n_fluxes; f++)
    if (!isfinite(flux[f]))
      WC_FAIL(WC_ERR_NUMERICS, "non-finite budget flux %d (%g) at node %d, t = %.9g s", f, flux[f], (int)i, t);
  WC_FAIL(WC_ERR_NUMERICS, "non-finite value at node %d, t = %.9g s", (int)i, t);
}

/* Shared rows are sums over their cells: zero them before a pass adds into them. */
static void zero_shared_rows(const wc_graph_rhs *rhs, double *flux_rate) {
  const wc_graph_ode *ode = rhs->ode;
  if (flux_rate && ode->flux_row)
    memset(flux_rate, 0, (size_t)ode->n_flux_rows * (size_t)ode->n_fluxes * sizeof *flux_rate);
}

/* The pass itself, over positions [first, first + count) of the cell order (each cell
 * after its upstream cells). `check`: test every cell's outputs as they come (slow path,
 * to name the cell); otherwise the caller scans the outputs afterwards. */
static wc_status eval_pass(wc_graph_rhs *rhs, double t, const double *y, double *ydot, double *flux_rate,
                           double *outlet_rate, bool check, int32_t first, int32_t count) {
  const wc_graph_ode *ode = rhs->ode;
  const int32_t n = ode->n_cells;
  const int ns = ode->n_states, nt = ode->n_transport, nf = ode->n_fluxes;
  const int32_t *downstream = ode->downstream;
  const int32_t *start = rhs->sources->start, *source = rhs->sources->source;
  const double *remote = rhs->remote_outflow, *extra = rhs->extra_inflow;
  double *inflow = rhs->inflow;
  double *outflows = rhs->outflows;
  const int32_t *outlet_slot = rhs->outlet_slot, *order = rhs->order, *flux_row = ode->flux_row;
  for (int32_t j = first; j < first + count; j++) {
    const int32_t i = order ? order[j] : j;
    double *yd = ydot + (size_t)i * (size_t)ns;
    /* Shared rows: the cell writes its own rates, then adds them to its row. */
    double *flux = flux_rate ? (flux_row ? rhs->cell_flux : flux_rate + (size_t)i * (size_t)nf) : NULL;
    double *outflow = outflows + (size_t)i * (size_t)nt;
    /* The inflow: extra inflow, then the upstream outflows in canonical order (wc_inflow.h). */
    for (int k = 0; k < nt; k++) inflow[k] = extra[(size_t)i * (size_t)nt + k];
    for (int32_t e = start[i]; e < start[i + 1]; e++) {
      int32_t u = source[e];
      const double *from = u < n ? outflows + (size_t)u * (size_t)nt : remote + (size_t)(u - n) * (size_t)nt;
      for (int k = 0; k < nt; k++) inflow[k] += from[k];
    }
    wc_status status = ode->cell_rhs(ode->context, t, i, y + (size_t)i * (size_t)ns, inflow, yd, outflow, flux);
    if (status != WC_OK) {
      rhs->cell_calls += j - first + 1;
      wc_error_push_frame(__FILE__, __LINE__, "ode->cell_rhs(...)");
      return status;
    }
    if (check) {
      int bad = 0;
      for (int s = 0; s < ns; s++) bad |= !isfinite(yd[s]);
      for (int k = 0; k < nt; k++) bad |= !isfinite(outflow[k]);
      if (flux)
        for (int f = 0; f < nf; f++) bad |= !isfinite(flux[f]);
      if (bad) {
        rhs->cell_calls += j - first + 1;
        return nonfinite_error(rhs, t, i, yd, outflow, flux);
      }
    }
    if (flux && flux_row) {
      double *row = flux_rate + (size_t)flux_row[i] * (size_t)nf;
      for (int f = 0; f < nf; f++) row[f] += flux[f];
    }
    if (downstream[i] < 0 && outlet_rate && outlet_slot[i] >= 0)
      for (int k = 0; k < nt; k++) outlet_rate[(size_t)outlet_slot[i] * (size_t)nt + k] = outflow[k];
  }
  rhs->cell_calls += count;
  return WC_OK;
}

/* True if any of the n values is NaN or infinite (vectorised: no branch per element). */
static bool any_nonfinite(const double *x, size_t n) {
  int bad = 0;
#pragma omp simd reduction(| : bad)
  for (size_t j = 0; j < n; j++) bad |= !isfinite(x[j]);
  return bad != 0;
}

/* After a pass: a non-finite value anywhere is found by one scan; only then does a
 * checking pass name the cell. */
static wc_status scan_outputs(wc_graph_rhs *rhs, double t, const double *y, double *ydot, double *flux_rate,
                              double *outlet_rate) {
  const wc_graph_ode *ode = rhs->ode;
  /* A non-finite outflow shows up in the downstream cell's derivative (its inflow), or in
   * the outlet rates; so scanning the outputs once catches every non-finite value. Finding
   * the cell that produced it takes a second, checking pass, only then. */
  size_t n_flux = (size_t)wc_graph_ode_flux_rows(ode) * (size_t)ode->n_fluxes;
  size_t n_out = (size_t)rhs->n_outlets * (size_t)ode->n_transport;
  if (any_nonfinite(ydot, (size_t)ode->n_cells * (size_t)ode->n_states) ||
      (flux_rate && any_nonfinite(flux_rate, n_flux)) || (outlet_rate && any_nonfinite(outlet_rate, n_out))) {
    zero_shared_rows(rhs, flux_rate);
    WC_CALL(eval_pass(rhs, t, y, ydot, flux_rate, outlet_rate, true, 0, ode->n_cells));
    rhs->nonfinite_node = -1;
    WC_FAIL(WC_ERR_NUMERICS, "non-finite value in f(t, y) at t = %.9g s that no cell reproduced", t);
  }
  return WC_OK;
}

wc_status wc_graph_rhs_eval(wc_graph_rhs *rhs, double t, const double *y, double *ydot, double *flux_rate,
                            double *outlet_rate) {
  zero_shared_rows(rhs, flux_rate);
  WC_CALL(eval_pass(rhs, t, y, ydot, flux_rate, outlet_rate, false, 0, rhs->ode->n_cells));
  WC_CALL(scan_outputs(rhs, t, y, ydot, flux_rate, outlet_rate));
  return WC_OK;
}

wc_status wc_graph_rhs_eval_overlapped(wc_graph_rhs *rhs, double t, const double *y, double *ydot, double *flux_rate,
                                       double *outlet_rate, wc_graph_rhs_wait_fn wait, void *context) {
  const int32_t n = rhs->ode->n_cells, first = rhs->order ? rhs->n_independent : n;
  zero_shared_rows(rhs, flux_rate);
  wc_status status = eval_pass(rhs, t, y, ydot, flux_rate, outlet_rate, false, 0, first);
  wc_status waited = wait(context); /* always: the other ranks wait for this exchange too */
  WC_CALL(status);
  WC_CALL(waited);
  WC_CALL(eval_pass(rhs, t, y, ydot, flux_rate, outlet_rate, false, first, n - first));
  WC_CALL(scan_outputs(rhs, t, y, ydot, flux_rate, outlet_rate));
  return WC_OK;
}

int32_t wc_graph_rhs_independent_count(const wc_graph_rhs *rhs) {
  return rhs->order ? rhs->n_independent : rhs->ode->n_cells;
}

wc_status wc_graph_rhs_outflows(wc_graph_rhs *rhs, double t, const double *y, int32_t count, const int32_t *cells,
                                double *outflow) {
  const wc_graph_ode *ode = rhs->ode;
  const int ns = ode->n_states, nt = ode->n_transport;
  double *ydot = rhs->scratch, *zero_inflow = rhs->scratch + ns; /* calloc'ed, never written */
  for (int32_t j = 0; j < count; j++) {
    int32_t i = cells[j];
    rhs->cell_calls++;
    wc_status status = ode->cell_rhs(ode->context, t, i, y + (size_t)i * (size_t)ns, zero_inflow, ydot,
                                     outflow + (size_t)j * (size_t)nt, NULL);
    if (status != WC_OK) {
      wc_error_push_frame(__FILE__, __LINE__, "ode->cell_rhs(...) of a send cell");
      return status;
    }
  }
  return WC_OK;
}
