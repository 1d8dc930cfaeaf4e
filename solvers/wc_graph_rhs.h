/*
 * wc_graph_rhs.h — the global right-hand side f(t, y) of a wc_graph_ode, in one forward pass.
 *
 * Cells are visited in topological order (upstream first); each cell's inflow is the sum
 * of its upstream cells' outflows, already computed, and of what arrives from other MPI
 * ranks (wc_graph_rhs_set_remote), in canonical order (wc_inflow.h), plus an "extra
 * inflow" array (zero unless a caller fills it).
 * The same pass produces the rates of the budget accumulators (the cells' `flux` outputs)
 * and what leaves the local graph at each outlet: the rates of the integrator's budget
 * totals.
 *
 * Layout: y and ydot are [n_cells][n_states]; flux rates [rows][n_fluxes] (a row per cell,
 * or per account: wc_graph_ode.flux_row); outlet rates [n_outlets][n_transport], outlets in ascending node
 * order (wc_graph_rhs_outlets).
 */
#ifndef WC_GRAPH_RHS_H
#define WC_GRAPH_RHS_H

#include <stdint.h>

#include "wc_graph_ode.h"
#include "wc_inflow.h"
#include "wc_status.h"

typedef struct wc_graph_rhs wc_graph_rhs;

/* Check `ode` (the graph order, CSR, sizes, transport targets, tolerances, callbacks) and
 * allocate the pass's work arrays. A broken ode is WC_ERR_INTERNAL naming what is wrong.
 * `ode` and its arrays are borrowed and must outlive the object. */
WC_NODISCARD wc_status wc_graph_rhs_create(const wc_graph_ode *ode, wc_graph_rhs **rhs);

/* Free (accepts NULL) and null the handle. */
void wc_graph_rhs_destroy(wc_graph_rhs **rhs);

/* Check a wc_graph_ode on its own (what wc_graph_rhs_create checks). */
WC_NODISCARD wc_status wc_graph_ode_check(const wc_graph_ode *ode);

/* The halo hook: [n_cells][n_transport] rates added to each cell's inflow, zero-filled at
 * creation. Writable; read by every evaluation (and by the sweep's Jacobian evaluation,
 * which treats it as fixed). */
double *wc_graph_rhs_extra_inflow(wc_graph_rhs *rhs);

/*
 * Inflow from other ranks (the halo): the graph is one rank's share of a whole graph,
 * local node i is node global_index[i] of it (NULL: i), and remote value k (one per cut
 * edge ending here) enters local cell remote_cell[k] from whole-graph node
 * remote_global[k]. Each cell then sums its local and remote sources in ascending
 * whole-graph order, so f is bit for bit the one-process f (wc_inflow.h). The values
 * themselves go into wc_graph_rhs_remote_outflow before each evaluation.
 */
WC_NODISCARD wc_status wc_graph_rhs_set_remote(wc_graph_rhs *rhs, const int32_t *global_index, int32_t n_remote,
                                               const int32_t *remote_cell, const int32_t *remote_global);
/* [n_remote][n_transport] the remote outflows the next evaluation reads (writable). */
double *wc_graph_rhs_remote_outflow(wc_graph_rhs *rhs);
/* The sources every cell sums (owned by rhs; replaced by wc_graph_rhs_set_remote). */
const wc_inflow_sources *wc_graph_rhs_sources(const wc_graph_rhs *rhs);

/* The outlets whose rates wc_graph_rhs_eval returns: nodes whose downstream is -1,
 * ascending, and their number. */
int32_t wc_graph_rhs_outlet_count(const wc_graph_rhs *rhs);
const int32_t *wc_graph_rhs_outlets(const wc_graph_rhs *rhs);

/* Keep only `cells` (ascending, each draining out of the graph) as outlets: on a rank, the
 * basin's own outlets and not the cells whose flow goes on to another rank, so that the
 * integrator's vector (states, flux totals, outlet totals) has the same layout, and
 * length, however the basin is split. */
WC_NODISCARD wc_status wc_graph_rhs_set_outlets(wc_graph_rhs *rhs, int32_t count, const int32_t *cells);

/*
 * ydot = f(t, y). `flux_rate` and `outlet_rate` may be NULL (not wanted); the cell function
 * gets flux == NULL then. A cell function error is returned as is (with a frame). A
 * non-finite derivative, outflow or flux rate is WC_ERR_NUMERICS naming the node, state
 * and time; the node is then also in wc_graph_rhs_nonfinite_node().
 */
WC_NODISCARD wc_status wc_graph_rhs_eval(wc_graph_rhs *rhs, double t, const double *y, double *ydot,
                                         double *flux_rate, double *outlet_rate);

/*
 * Outflows [count][n_transport] of the cells cells[0..count-1] alone at (t, y), each cell
 * called with zero inflow: by the outflow contract of wc_graph_ode.h these are the
 * outflows the next wc_graph_rhs_eval at (t, y) computes, bit for bit. Under MPI they are
 * what a rank's send cells pass to other ranks, computed before the pass so the halo can
 * travel first. A cell function error is returned as is; values are not checked here (a
 * non-finite outflow is found by the pass, as an outlet rate).
 */
WC_NODISCARD wc_status wc_graph_rhs_outflows(wc_graph_rhs *rhs, double t, const double *y, int32_t count,
                                             const int32_t *cells, double *outflow);

/*
 * The same evaluation overlapped with the halo exchange: first the cells that need no
 * remote value (nowhere upstream), then `wait(context)` (which must fill
 * wc_graph_rhs_remote_outflow; it is called even when the first part failed, since other
 * ranks wait for the exchange), then the rest. Bit for bit wc_graph_rhs_eval's result
 * (every cell sums in the canonical order either way).
 */
typedef wc_status (*wc_graph_rhs_wait_fn)(void *context);
WC_NODISCARD wc_status wc_graph_rhs_eval_overlapped(wc_graph_rhs *rhs, double t, const double *y, double *ydot,
                                                    double *flux_rate, double *outlet_rate, wc_graph_rhs_wait_fn wait,
                                                    void *context);
/* Cells evaluated before the wait (all of them without remote values). */
int32_t wc_graph_rhs_independent_count(const wc_graph_rhs *rhs);

/* Node of the last non-finite value found by wc_graph_rhs_eval, or -1; and its time. */
int32_t wc_graph_rhs_nonfinite_node(const wc_graph_rhs *rhs);
double wc_graph_rhs_nonfinite_time(const wc_graph_rhs *rhs);
void wc_graph_rhs_clear_nonfinite(wc_graph_rhs *rhs);

/* Number of cell function calls made by evaluations so far (one per cell per pass). */
int64_t wc_graph_rhs_cell_calls(const wc_graph_rhs *rhs);

#endif /* WC_GRAPH_RHS_H */
