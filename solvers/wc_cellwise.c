/*
 * wc_cellwise.c — TR-BDF2 cell by cell along the drainage order (wc_cellwise.h).
 */
#include "wc_cellwise.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "wc_cell_lu.h"
#include "wc_cellwise_exchange.h"
#include "wc_cube_root.h"
#include "wc_inflow.h"
#include "wc_mpi.h"

/* TR-BDF2 as an ESDIRK (Hosea and Shampine 1996): c = (0, gamma, 1),
 * A = [[0,0,0],[d,d,0],[w,w,d]], b = (w, w, d) (stiffly accurate), and the embedded
 * third-order weights (1-w)/3, (3w+1)/3, d/3. */
#define TRBDF2_GAMMA (2.0 - 1.4142135623730951)
#define TRBDF2_D (TRBDF2_GAMMA / 2.0)
#define TRBDF2_W (1.4142135623730951 / 4.0)
static const double error_weight[3] = {TRBDF2_W - (1.0 - TRBDF2_W) / 3.0, TRBDF2_W - (3.0 * TRBDF2_W + 1.0) / 3.0,
                                       TRBDF2_D - TRBDF2_D / 3.0};

enum {
  NEWTON_MAX_ITERS = 4,
  MAX_ATTEMPTS_PER_STEP = 40, /* failed attempts at one step before the cell gives up */
};
/* Of the error test's unit. CVODE uses 0.1; here 0.1 made daily section volumes 1.4x
 * further from a tight run for 5% less time (docs/solver.md). */
static const double NEWTON_TOLERANCE = 0.03;
static const double NEWTON_MAX_RATE = 0.9;   /* slower convergence counts as failure */
static const double MIN_STEP_FRACTION = 1e-9; /* of the interval: below it the cell fails */
static const double FIRST_STEP_FRACTION = 1.0 / 24.0;

/* A partitioned graph: what this rank's cells exchange with other ranks (wc_cellwise_set_halo).
 * Each interval the records of this rank's send cells go to the ranks below, one message
 * per neighbour (wc_cellwise_exchange.h); a cell fed from other ranks reads them before it
 * starts. */
typedef struct cellwise_halo {
  wc_cellwise_exchange *exchange;
  int rank, size;
  int32_t *send_of;           /* [n] index in the plan's send list, or -1 */
  /* Each cell's upstream cells, local and remote (receive entries), in the order of the
   * whole graph, so a cell's inflow is summed as on one rank, bit for bit (wc_inflow.h). */
  wc_inflow_sources *sources;
  bool deferred;              /* the caller agrees on failures (wc_cellwise_defer_agreement) */
  const int32_t *global_index; /* [n] each cell's node in the whole graph */
  /* The order the cells are integrated in: first those that feed a send cell, then the
   * rest, each part with the cells that need nothing from other ranks first. Upstream
   * cells still come first (each part is closed upstream), so results do not change; but
   * the ranks below get their messages early, and a rank works on what it can while it
   * waits. */
  int32_t *order;             /* [n] */
} cellwise_halo;

struct wc_cellwise {
  const wc_graph_ode *ode;
  cellwise_halo *halo;   /* NULL: one rank, a closed graph */
  int ns, nt, nf;
  int32_t n;
  double rtol;
  long max_steps;
  double t;
  double *y;             /* [n][ns] */
  /* Row-major d ydot_r / d y_c: [n][ns][ns] by differences, kept from interval to interval
   * and refreshed only when Newton fails; [1][ns][ns] with the model's analytic Jacobian,
   * which is evaluated afresh at every cell's interval start, so that one block serves the
   * cell being integrated (512 B a cell less: docs/performance.md, memory). */
  double *jacobian;
  size_t jacobian_stride; /* ns * ns or 0 */
  uint16_t *pattern_of;  /* [n]: the structure of the cell's Jacobian in `patterns`, or
                          * NO_JACOBIAN before the first is evaluated */
  wc_cell_patterns *patterns;
  /* The ODE's Jacobians lie within the structure the 8-state kernel is compiled for
   * (COMPILED_ENTRIES): factors and solves in straight-line code, no structure table. */
  bool compiled_structure;
  double *step;          /* [n]: the step each cell proposes next */
  double *typical;       /* [ns]: atol / rtol, the finite-difference scale */
  double *totals;        /* [rows][nf] */
  int32_t n_outlets;
  int32_t *outlets;
  int32_t *outlet_of;    /* [n] index into outlets, or -1 */
  double *outlet_totals; /* [n_outlets][nt] */
  /* The interval's outflow records: per accepted step of a cell, t_end, h, the cumulative
   * amounts [nt] at t_end and the coefficients [3][nt] of the amount within the step
   * (step_coefficients). */
  int64_t *record_start; /* [n] first record of the cell (in records) */
  int32_t *record_count; /* [n] */
  double *records;
  size_t records_used, records_cap; /* in doubles */
  /* Records are needed only until the cell's downstream cell has been integrated: when the
   * buffer is full, those still needed move to its front (compact_records). In the order
   * of a DFS post-order (the partition's) few are: the finished tributaries of the cells
   * on the path being worked down. So the buffer's size does not grow with the basin's
   * wettest day (it took 4-8 steps' records per cell, 320-640 B). */
  int32_t position;       /* of the cell being integrated, in the order of integration */
  int32_t *position_of;   /* [n] each cell's position in that order (the node order without a halo) */
  int32_t *buffered;      /* [n] the cells with records in the buffer, in the buffer's order */
  int32_t n_buffered;
  double *flux_scratch;  /* [4][nf]: the three stages' flux rates and a spare */
  wc_status callback_status; /* a cell function's own error (not a non-finite rate) */
  wc_cellwise_stats stats;
  wc_cellwise_failure failure;
};

static inline int record_size(int nt) { return 2 + 4 * nt; }

/* Keep the records that cells not integrated yet will read (those of integrated cells whose
 * downstream cell on this rank is still to come, and the current cell's), in the order
 * they were written, at the front of the buffer. Send cells' records have left with their
 * message by then. Only cells integrated in this interval are seen: a failure ends the
 * interval's integration. */
static void compact_records(wc_cellwise *cw) {
  const size_t size = (size_t)record_size(cw->nt);
  cw->stats.record_compactions++;
  const int32_t *down = cw->ode->downstream;
  size_t used = 0;
  int32_t kept = 0;
  for (int32_t k = 0; k < cw->n_buffered; k++) {
    const int32_t node = cw->buffered[k];
    const bool needed =
        cw->position_of[node] == cw->position || (down[node] >= 0 && cw->position_of[down[node]] >= cw->position);
    if (!needed) continue;
    const size_t from = (size_t)cw->record_start[node] * size, length = (size_t)cw->record_count[node] * size;
    memmove(cw->records + used, cw->records + from, length * sizeof *cw->records);
    cw->record_start[node] = (int64_t)(used / size);
    used += length;
    cw->buffered[kept++] = node;
  }
  cw->n_buffered = kept;
  /* What was dropped reads as NaN until overwritten: a cell that read records no longer
   * kept would fail, not take stale amounts. */
  for (size_t k = used; k < cw->records_used; k++) cw->records[k] = NAN;
  cw->records_used = used;
}

static wc_status grow_records(wc_cellwise *cw, size_t cap) {
  double *grown = realloc(cw->records, cap * sizeof *grown);
  WC_CHECK(grown != NULL, WC_ERR_MEMORY, "out of memory for the outflow records (%zu doubles)", cap);
  cw->records = grown;
  cw->records_cap = cap;
  return WC_OK;
}

/* Room for one more record: compacted first, grown when still more than half full. */
static wc_status make_room_for_record(wc_cellwise *cw) {
  compact_records(cw);
  if (cw->records_used + (size_t)record_size(cw->nt) <= cw->records_cap / 2) return WC_OK;
  return grow_records(cw, cw->records_cap * 2);
}

/* The stepper's hot functions, inlined into integrate_cell with the sizes as constants. */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

enum { NO_JACOBIAN = UINT16_MAX };

/* What the records a rank has sent and the ranks below have not taken may hold, per cell of
 * the rank, with deferred agreement: within the 2 kB a cell is allowed (a cell's states,
 * records and model take ~0.8 kB), room for 30-60 days of the 1 km basins' records
 * crossing one cut (~50-220 kB a day). Unbounded, the Yongding's upstream rank held 27 MB
 * of them (1.2 kB a cell) with 61 slots that had grown to twice their largest message. */
enum { FLIGHT_BYTES_PER_CELL = 256 };

/* The structure of wcsim's cells (model/physics/wc_cell_jacobian.c,
 * wc_model_jacobian_structure: lower triangular but for d NO3 / d organic N), and the
 * same with the fill of its elimination (rows 6 and 7, column 5). The factorisation, the
 * solves and J v over it compile to straight-line code (wc_cell_lu.h): on the 1 km
 * Chaobai the stepper took 28% fewer instructions than down the structure table's lists. An ODE whose
 * declared structure is not within it takes the table. */
static const uint16_t COMPILED_ENTRIES[8] = {0x01, 0x03, 0x07, 0x0F, 0x33, 0x32, 0x57, 0xDF};
static const uint16_t COMPILED_CLOSED[8] = {0x01, 0x03, 0x07, 0x0F, 0x33, 0x32, 0x77, 0xFF};

/* The factors of one step size, by the table's structure or the compiled one (a stepper
 * uses one kind throughout). */
typedef union cell_factors {
  wc_cell_lu general;
  wc_cell_lu_fixed fixed;
} cell_factors;

ALWAYS_INLINE void factors_solve(const cell_factors *f, double *b, const bool fixed) {
  if (fixed) wc_cell_lu_fixed_solve(8, COMPILED_CLOSED, &f->fixed, b);
  else wc_cell_lu_solve(&f->general, b);
}

_Static_assert(WC_CELLWISE_MAX_STATES <= WC_CELL_LU_MAX_STATES, "cell LU too small for the stepper's cells");

/* min(a, b) inline (fmin is a call to libm); NaN if b is: a weight of a non-finite state
 * fails the error test. */
static inline double smaller(double a, double b) { return a < b ? a : b; }

static inline double weighted_max(int ns, const double *weight, const double *v) {
  double largest = 0;
  for (int k = 0; k < ns; k++) {
    double x = fabs(v[k] * weight[k]);
    largest = x > largest || x != x ? x : largest;
  }
  return largest;
}

/* The square of the weighted RMS norm: the Newton test compares squares, which keeps a
 * square root off each iteration's critical path; two partial sums halve the chain of
 * dependent additions. */
static inline double weighted_mean_square(int ns, const double *weight, const double *v) {
  double even = 0.0, odd = 0.0;
  int k = 0;
  for (; k + 1 < ns; k += 2) {
    double x = v[k] * weight[k], z = v[k + 1] * weight[k + 1];
    even += x * x;
    odd += z * z;
  }
  if (k < ns) even += (v[k] * weight[k]) * (v[k] * weight[k]);
  return (even + odd) / ns;
}

/* ---- one evaluation of a cell ----------------------------------------------------------- */

typedef struct cell_eval {
  double ydot[WC_CELLWISE_MAX_STATES];
  double outflow[WC_CELLWISE_MAX_TRANSPORT];
  double *flux; /* [nf] or NULL */
} cell_eval;

/* Whether a value is infinite or NaN (all exponent bits set), in integer operations:
 * adding one to the exponent field carries into the sign bit exactly then. No branch per
 * value and no chain of floating-point additions (which a sum of x * 0 would be: it was
 * 6% of a run's time, on the Newton iteration's critical path). */
static inline uint64_t nonfinite_bits(const double *v, int n) {
  const uint64_t exponent = UINT64_C(0x7ff0000000000000), one = UINT64_C(0x0010000000000000);
  uint64_t any = 0;
  for (int k = 0; k < n; k++) {
    uint64_t bits;
    memcpy(&bits, &v[k], sizeof bits);
    any |= (bits & exponent) + one;
  }
  return any; /* the sign bit is set if a value is not finite */
}

/* The cell's own rates at y (inflow enters the stages as amounts, so it is zero here),
 * not checked: Newton's iterations find a non-finite rate in their correction's norm, and
 * outflows and flux rates are checked when a step is booked (a check at every call was 4%
 * of the instructions). */
ALWAYS_INLINE wc_status eval_rates(wc_cellwise *cw, int32_t node, double t, const double *y, cell_eval *e,
                                   int64_t *calls /* counted here */) {
  static const double no_inflow[WC_CELLWISE_MAX_TRANSPORT] = {0};
  (*calls)++;
  return cw->ode->cell_rhs(cw->ode->context, t, node, y, no_inflow, e->ydot, e->outflow, e->flux);
}

/* The same, WC_ERR_NUMERICS when a rate is not finite. */
ALWAYS_INLINE wc_status eval_cell_sized(wc_cellwise *cw, int32_t node, double t, const double *y, cell_eval *e,
                                        const int ns, const int nt) {
  wc_status status = eval_rates(cw, node, t, y, e, &cw->stats.cell_calls);
  if (status != WC_OK) return status;
  /* Flux rates are checked when a step is booked, which is where they count. */
  if (!((nonfinite_bits(e->ydot, ns) | nonfinite_bits(e->outflow, nt)) >> 63)) return WC_OK;
  return wc_error_set(WC_ERR_NUMERICS, __FILE__, __LINE__, "cell %d produced a non-finite rate", (int)node);
}

static wc_status eval_cell(wc_cellwise *cw, int32_t node, double t, const double *y, cell_eval *e) {
  return eval_cell_sized(cw, node, t, y, e, cw->ns, cw->nt);
}

/* The cell's Jacobian at y: the model's analytic one if it has it, else forward
 * differences from the rates `at` (which must be those at y; unused with the analytic). */
static wc_status evaluate_jacobian(wc_cellwise *cw, int32_t node, double t, const double *y, const cell_eval *at) {
  const int ns = cw->ns;
  double *jac = cw->jacobian + (size_t)node * cw->jacobian_stride;
  if (cw->ode->cell_jacobian) {
    /* Into a copy first: a non-finite entry leaves the cell's last Jacobian as it was. */
    static const double no_inflow[WC_CELLWISE_MAX_TRANSPORT] = {0};
    double block[WC_CELLWISE_MAX_STATES * WC_CELLWISE_MAX_STATES];
    double gradient[WC_CELLWISE_MAX_TRANSPORT * WC_CELLWISE_MAX_STATES]; /* not needed here */
    WC_CALL(cw->ode->cell_jacobian(cw->ode->context, t, node, y, no_inflow, block, gradient));
    if (nonfinite_bits(block, ns * ns) >> 63)
      return wc_error_set(WC_ERR_NUMERICS, __FILE__, __LINE__, "cell %d has a non-finite Jacobian entry", (int)node);
    memcpy(jac, block, (size_t)(ns * ns) * sizeof *jac);
  } else {
    double shifted[WC_CELLWISE_MAX_STATES];
    cell_eval e = {.flux = NULL}; /* rates only */
    memcpy(shifted, y, (size_t)ns * sizeof *y);
    for (int c = 0; c < ns; c++) {
      double increment = sqrt(DBL_EPSILON) * fmax(fabs(y[c]), cw->typical[c]);
      shifted[c] = y[c] + increment;
      increment = shifted[c] - y[c]; /* the increment as represented */
      wc_status status = eval_cell(cw, node, t, shifted, &e);
      if (status != WC_OK) return status;
      for (int r = 0; r < ns; r++) jac[r * ns + c] = (e.ydot[r] - at->ydot[r]) / increment;
      shifted[c] = y[c];
    }
  }
  if (!cw->compiled_structure) WC_CALL(wc_cell_patterns_find(cw->patterns, jac, &cw->pattern_of[node]));
  cw->stats.jacobian_evals++;
  return WC_OK;
}

/* ---- inflow from the upstream cells' records --------------------------------------------- */

/* A step's record: [t_end, t_start, cumulative[nt] at t_end, c1[nt], c2[nt], c3[nt]], the
 * amount of each quantity within the step as a cubic in x = s - t_start (0 up to the
 * step's length), so that a query costs no division. */
enum { RECORD_END = 0, RECORD_START = 1, RECORD_CUMULATIVE = 2 };

/* The amount of one transported quantity that leaves a cell within a step of length h, as
 * a function of the time x since the step's start: the quadratic through the stage rates
 * (at 0, gamma h, h) integrated, plus a constant rate that makes the whole step's amount
 * the booked one. As the cubic c1 x + c2 x^2 + c3 x^3, worked out once when the step is
 * booked (add_sent_until evaluates it for every downstream stage). */
static inline void step_coefficients(double rate0, double rate_gamma, double rate1, double per_s, double amount,
                                     double *c1, double *c2, double *c3) {
  const double g = TRBDF2_GAMMA;
  /* the Lagrange basis on (0, g, 1), integrated from 0 to 1 */
  const double f0 = 1.0 / 3 - (1 + g) / 2 + g, f1 = 1.0 / 3 - 0.5, f2 = 1.0 / 3 - g / 2;
  /* Multiplications by the constants' inverses (folded by the compiler), and the step's
   * 1 / h from the caller: no division here. */
  double a0 = rate0 * (1.0 / g), a1 = rate_gamma * (1.0 / (g * (g - 1))), a2 = rate1 * (1.0 / (1 - g));
  double whole = a0 * f0 + a1 * f1 + a2 * f2;
  *c3 = (a0 + a1 + a2) * (1.0 / 3) * (per_s * per_s);
  *c2 = -((1 + g) * a0 + a1 + g * a2) / 2 * per_s;
  *c1 = g * a0 + (amount * per_s - whole);
}

/* The most upstream sources a cell keeps a cursor for (D8 gives at most 8); a cell with
 * more searches the rest of its sources' records by bisection. */
enum { MAX_CURSORS = 16 };

/* What one upstream cell (its `count` records at `rec`) sent from the interval's start to
 * time s, added to amount[nt]. Inline with nt known to the compiler where it is called.
 * `cursor` (or NULL) is where the last query of this source ended: a cell's queries
 * move forward with its steps and back a little after a rejection, so a walk from there
 * takes 0-1 moves, branches a processor predicts; bisection's were mispredicted, ~5% of
 * a run (docs/solver.md). Both find the same record. */
ALWAYS_INLINE void add_sent_until(const double *rec, int32_t count, double s, double *amount, const int nt,
                                  int32_t *cursor) {
  if (count == 0) return;
  const int size = record_size(nt);
  /* the first step that ends at or after s (the last if none does); ends increase */
  int32_t lo;
  if (cursor) {
    lo = *cursor < count ? *cursor : count - 1;
    while (lo < count - 1 && rec[(size_t)lo * size + RECORD_END] < s) lo++;
    while (lo > 0 && rec[(size_t)(lo - 1) * size + RECORD_END] >= s) lo--;
    *cursor = lo;
  } else {
    int32_t hi = count - 1;
    lo = 0;
    while (lo < hi) {
      int32_t mid = (lo + hi) / 2;
      if (rec[(size_t)mid * size + RECORD_END] < s) lo = mid + 1;
      else hi = mid;
    }
  }
  const double *r = rec + (size_t)lo * size;
  if (s >= r[RECORD_END]) {
    for (int k = 0; k < nt; k++) amount[k] += r[RECORD_CUMULATIVE + k];
    return;
  }
  const double x = s - r[RECORD_START];
  const double *c = r + RECORD_CUMULATIVE + nt;
  for (int k = 0; k < nt; k++) {
    double sent = lo > 0 ? r[RECORD_CUMULATIVE + k - size] : 0.0;
    if (x > 0.0) sent += ((c[2 * nt + k] * x + c[nt + k]) * x + c[k]) * x;
    amount[k] += sent;
  }
}

/* What the upstream cells of `node` sent it from the interval's start to time s of the
 * interval: [nt] amounts, summed in the order of the whole graph. Inline in the stepper's
 * body, with nt known (a call with a memset of the amounts was 4% of the instructions). */
ALWAYS_INLINE void inflow_until(const wc_cellwise *cw, int32_t node, double s, double *amount, const int nt,
                                int32_t cursor[MAX_CURSORS]) {
  const int size = record_size(nt);
  for (int k = 0; k < nt; k++) amount[k] = 0.0;
  const cellwise_halo *halo = cw->halo;
  if (!halo) {
    const wc_graph_ode *ode = cw->ode;
    const int32_t first = ode->upstream_start[node];
    for (int32_t u = first; u < ode->upstream_start[node + 1]; u++) {
      int32_t up = ode->upstream_index[u];
      add_sent_until(cw->records + (size_t)cw->record_start[up] * (size_t)size, cw->record_count[up], s, amount, nt,
                     u - first < MAX_CURSORS ? &cursor[u - first] : NULL);
    }
    return;
  }
  const wc_inflow_sources *sources = halo->sources;
  const int32_t first = sources->start[node];
  for (int32_t j = first; j < sources->start[node + 1]; j++) {
    int32_t source = sources->source[j];
    int32_t *at = j - first < MAX_CURSORS ? &cursor[j - first] : NULL;
    if (source < cw->n)
      add_sent_until(cw->records + (size_t)cw->record_start[source] * (size_t)size, cw->record_count[source], s,
                     amount, nt, at);
    else {
      int32_t count;
      const double *records = wc_cellwise_exchange_records(halo->exchange, source - cw->n, &count);
      add_sent_until(records, count, s, amount, nt, at);
    }
  }
}

/* ---- Newton iteration of one stage: Y - d h f(Y) = rhs ------------------------------------- */

/* The counts of the Newton iterations' calls, kept on the stack while a cell is integrated
 * and added to the stepper's stats after it: two stores into the stepper's struct on
 * every iteration were a steady stream of heap stores beside the model's heap reads. */
typedef struct hot_counts {
  int64_t cell_calls, newton_iters;
} hot_counts;

typedef enum stage_result { STAGE_CONVERGED = 0, STAGE_SLOW, STAGE_NONFINITE, STAGE_ERROR } stage_result;

/* On entry Y is the predictor; on STAGE_CONVERGED `e` holds the rates at Y (the point the
 * update uses) and Y is within NEWTON_TOLERANCE of the stage's solution. On failure `last`
 * is the last point evaluated. */
ALWAYS_INLINE stage_result newton_stage(wc_cellwise *cw, int32_t node, double t, const cell_factors *factor,
                                        const double *weight, double dh, const double *rhs, double *Y, cell_eval *e,
                                        double *last, double *rate_estimate /* squared */, hot_counts *counts,
                                        const int ns, const bool fixed) {
  double previous = 0.0;
  for (int it = 0; it < NEWTON_MAX_ITERS; it++) {
    wc_status status = eval_rates(cw, node, t, Y, e, &counts->cell_calls);
    if (status != WC_OK) {
      cw->callback_status = status;
      return STAGE_ERROR;
    }
    counts->newton_iters++;
    double correction[WC_CELLWISE_MAX_STATES];
    for (int k = 0; k < ns; k++) correction[k] = Y[k] - rhs[k] - dh * e->ydot[k];
    factors_solve(factor, correction, fixed);
    /* Squares throughout: the norm, the rate and the limits. */
    double norm = weighted_mean_square(ns, weight, correction);
    if (!(norm <= DBL_MAX)) return STAGE_NONFINITE; /* a rate, and so the correction, not finite */
    /* The convergence rate, as CVODE keeps it: observed over this stage's iterations,
     * carried over from the cell's earlier stages for the first one. */
    double observed = it > 0 ? norm / previous : 0.0;
    if (it > 0) *rate_estimate = observed > 0.09 * *rate_estimate ? observed : 0.09 * *rate_estimate;
    double rate = *rate_estimate < 1.0 ? *rate_estimate : 1.0;
    if (norm * rate < NEWTON_TOLERANCE * NEWTON_TOLERANCE) return STAGE_CONVERGED;
    memcpy(last, Y, (size_t)ns * sizeof *Y);
    if (it > 0 && observed > NEWTON_MAX_RATE * NEWTON_MAX_RATE) break;
    previous = norm;
    for (int k = 0; k < ns; k++) Y[k] -= correction[k];
  }
  cw->stats.newton_fails++;
  return STAGE_SLOW;
}

/* ---- one cell over one interval ---------------------------------------------------------- */

static wc_status cell_failure(wc_cellwise *cw, int32_t node, double s, const double *weight, const double *point,
                              const double *at, bool nonfinite, const char *what) {
  int worst = -1;
  double largest = -1.0;
  for (int k = 0; weight && point && at && k < cw->ns; k++) {
    double v = fabs((point[k] - at[k]) * weight[k]);
    if (!isfinite(v) || v > largest) {
      largest = isfinite(v) ? v : INFINITY;
      worst = k;
    }
  }
  cw->failure = (wc_cellwise_failure){.t_s = cw->t + s, .node = node, .state = worst, .nonfinite = nonfinite,
                                      .rank = cw->halo ? cw->halo->rank : 0,
                                      .global_node = cw->halo ? cw->halo->global_index[node] : node};
  const char *const *names = cw->ode->state_names;
  char where[80];
  if (cw->halo)
    snprintf(where, sizeof where, "node %d (local node %d on rank %d)", (int)cw->failure.global_node, (int)node,
             cw->halo->rank);
  else
    snprintf(where, sizeof where, "node %d", (int)node);
  return wc_error_set(WC_ERR_NUMERICS, __FILE__, __LINE__, "cell-by-cell step of %s at t = %.9g s: %s%s%s", where,
                      cw->t + s, what, worst >= 0 && names ? "; state " : "", worst >= 0 && names ? names[worst] : "");
}

/* `factor` is computed before its first use (factored_h starts at -1, no step size), which
 * GCC cannot follow through the loop; zeroing it for every cell would cost more than the
 * factorisation it guards. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
ALWAYS_INLINE wc_status integrate_cell_sized(wc_cellwise *cw, int32_t node, double interval, hot_counts *counts,
                                             const int ns, const int nt, const bool fixed) {
  const int nf = cw->nf, size = record_size(nt);
  const int *target = cw->ode->transport_target;
  double *y = cw->y + (size_t)node * (size_t)ns;
  const double *jac = cw->jacobian + (size_t)node * cw->jacobian_stride;
  double *flux[4] = {NULL, NULL, NULL, NULL};
  for (int k = 0; k < 4 && nf > 0; k++) flux[k] = cw->flux_scratch + (size_t)k * (size_t)nf;
  /* Not zeroed: the cell function writes every rate read (zeroing the three was 3% of the
   * stepper's time, a `rep stos` per cell and interval). */
  cell_eval e1, e2, e3;
  e1.flux = flux[0];
  e2.flux = flux[1];
  e3.flux = flux[2];
  double *spare_flux = flux[3];

  wc_status status = eval_cell_sized(cw, node, cw->t, y, &e1, ns, nt);
  if (status == WC_ERR_NUMERICS)
    return cell_failure(cw, node, 0.0, NULL, NULL, NULL, true, "non-finite rate at the interval's start");
  if (status != WC_OK) return status;
  /* A new interval brings new forcing, which moves the Jacobian (melt, ET, uptake, the
   * withdrawals). An analytic one costs about a cell call, and evaluated afresh here it
   * saves a Newton iteration in every other stage; by differences it costs ns calls and is
   * evaluated only when Newton fails. */
  if (cw->pattern_of[node] == NO_JACOBIAN || cw->ode->cell_jacobian) {
    status = evaluate_jacobian(cw, node, cw->t, y, &e1);
    if (status == WC_ERR_NUMERICS)
      return cell_failure(cw, node, 0.0, NULL, NULL, NULL, true, "non-finite Jacobian at the interval's start");
    if (status != WC_OK) return status;
  }

  cw->record_start[node] = (int64_t)(cw->records_used / (size_t)size);
  cw->record_count[node] = 0;
  cw->buffered[cw->n_buffered++] = node;
  cw->stats.cell_intervals++;
  double s = 0.0, h = fmin(cw->step[node] > 0 ? cw->step[node] : interval * FIRST_STEP_FRACTION, interval);
  /* Newton's weights 1 / (rtol |y| + atol) at the step's start: worked out once per state
   * the cell reaches (the error test's at the step's end become the next step's), not at
   * every attempt; the error test's, of max(|y|, |y_new|), are the smaller of the two,
   * the same bits as computed directly (rounding is monotone). Divisions are what this
   * kernel waits on (docs/solver.md). */
  double newton_weight[WC_CELLWISE_MAX_STATES];
  for (int k = 0; k < ns; k++) newton_weight[k] = 1.0 / (cw->rtol * fabs(y[k]) + cw->ode->abs_tolerance[k]);
  double proposed = h;
  double inflow_at_s[WC_CELLWISE_MAX_TRANSPORT] = {0}, cumulative[WC_CELLWISE_MAX_TRANSPORT] = {0};
  cell_factors factor;
  double factored_h = -1.0;
  bool fresh_jacobian = false;
  double rate_estimate = 1.0; /* Newton's convergence rate (squared), carried between stages */
  int attempts = 0;
  long steps = 0;
  double rejected_error = -1.0, rejected_h = 0.0; /* the last error-test failure at s */
  /* Where the stages' queries of each upstream source's records last ended (add_sent_until). */
  int32_t cursor2[MAX_CURSORS] = {0}, cursor3[MAX_CURSORS] = {0};
  while (s < interval) {
    bool last_step = false;
    if (s + h >= interval || interval - (s + h) < 1e-3 * h) {
      h = interval - s;
      last_step = true;
    }
    const double dh = TRBDF2_D * h;
    if (h != factored_h) {
      bool regular = fixed ? wc_cell_lu_fixed_factor(8, COMPILED_ENTRIES, COMPILED_CLOSED, jac, dh, &factor.fixed)
                           : wc_cell_lu_factor(wc_cell_patterns_get(cw->patterns, cw->pattern_of[node]), jac, dh,
                                               &factor.general);
      if (!regular) {
        h *= 0.25;
        factored_h = -1.0;
        if (++attempts > MAX_ATTEMPTS_PER_STEP || h < MIN_STEP_FRACTION * interval)
          return cell_failure(cw, node, s, NULL, NULL, NULL, false, "singular Newton matrix");
        continue;
      }
      factored_h = h;
    }
    const double *weight = newton_weight;
    double in2[WC_CELLWISE_MAX_TRANSPORT], in3[WC_CELLWISE_MAX_TRANSPORT];
    inflow_until(cw, node, s + TRBDF2_GAMMA * h, in2, nt, cursor2);
    inflow_until(cw, node, last_step ? interval : s + h, in3, nt, cursor3);
    double U2[WC_CELLWISE_MAX_STATES], U3[WC_CELLWISE_MAX_STATES];
    for (int k = 0; k < ns; k++) U2[k] = U3[k] = 0.0;
    for (int k = 0; k < nt; k++) {
      U2[target[k]] += in2[k] - inflow_at_s[k];
      U3[target[k]] += in3[k] - inflow_at_s[k];
    }
    double rhs[WC_CELLWISE_MAX_STATES], Y2[WC_CELLWISE_MAX_STATES], Y3[WC_CELLWISE_MAX_STATES],
        last[WC_CELLWISE_MAX_STATES];
    /* Predictors: each stage's equation linearised with the cell's Jacobian, one solve
     * each; for the stiff stores they are nearly the solution already. */
    double delta[WC_CELLWISE_MAX_STATES];
    for (int k = 0; k < ns; k++) {
      rhs[k] = y[k] + dh * e1.ydot[k] + U2[k];
      delta[k] = TRBDF2_GAMMA * h * e1.ydot[k] + U2[k];
    }
    factors_solve(&factor, delta, fixed);
    for (int k = 0; k < ns; k++) Y2[k] = y[k] + delta[k];
    stage_result result = newton_stage(cw, node, cw->t + s + TRBDF2_GAMMA * h, &factor, weight, dh, rhs, Y2, &e2, last,
                                       &rate_estimate, counts, ns, fixed);
    if (result == STAGE_CONVERGED) {
      double moved[WC_CELLWISE_MAX_STATES], j_step[WC_CELLWISE_MAX_STATES]; /* J (Y2 - y) */
      for (int k = 0; k < ns; k++) moved[k] = Y2[k] - y[k];
      if (fixed) wc_cell_fixed_multiply(8, COMPILED_ENTRIES, jac, moved, j_step);
      else wc_cell_pattern_multiply(factor.general.pattern, jac, moved, j_step);
      for (int k = 0; k < ns; k++) {
        rhs[k] = y[k] + TRBDF2_W * h * (e1.ydot[k] + e2.ydot[k]) + U3[k];
        delta[k] = rhs[k] - y[k] + dh * (e2.ydot[k] - j_step[k]);
      }
      factors_solve(&factor, delta, fixed);
      for (int k = 0; k < ns; k++) Y3[k] = y[k] + delta[k];
      result = newton_stage(cw, node, cw->t + s + h, &factor, weight, dh, rhs, Y3, &e3, last, &rate_estimate, counts, ns,
                            fixed);
    }
    if (result == STAGE_ERROR) return cw->callback_status; /* the cell function's message stands */
    if (result != STAGE_CONVERGED) {
      /* First a Jacobian at the point that failed, then smaller steps. */
      if (++attempts > MAX_ATTEMPTS_PER_STEP || h < MIN_STEP_FRACTION * interval)
        return cell_failure(cw, node, s, weight, last, y, result == STAGE_NONFINITE,
                            result == STAGE_NONFINITE ? "non-finite rate at every step size"
                                                      : "Newton iteration fails at every step size");
      if (!fresh_jacobian && result == STAGE_SLOW) {
        cell_eval at = {.flux = NULL};
        status = cw->ode->cell_jacobian ? WC_OK : eval_cell(cw, node, cw->t + s + h, last, &at);
        if (status == WC_OK) status = evaluate_jacobian(cw, node, cw->t + s + h, last, &at);
        if (status != WC_OK && status != WC_ERR_NUMERICS) return status;
        if (status == WC_OK) {
          fresh_jacobian = true;
          factored_h = -1.0;
          rate_estimate = 1.0;
          continue;
        }
      }
      h *= 0.25;
      fresh_jacobian = false;
      continue;
    }
    /* The step's new state from the stages' rates (not the last iterate): what the
     * budgets and the downstream cell see is then exactly what the state lost. */
    double y_new[WC_CELLWISE_MAX_STATES], error[WC_CELLWISE_MAX_STATES];
    for (int k = 0; k < ns; k++) {
      y_new[k] = y[k] + h * (TRBDF2_W * (e1.ydot[k] + e2.ydot[k]) + TRBDF2_D * e3.ydot[k]) + U3[k];
      error[k] = h * (error_weight[0] * e1.ydot[k] + error_weight[1] * e2.ydot[k] + error_weight[2] * e3.ydot[k]);
    }
    factors_solve(&factor, error, fixed); /* Hosea and Shampine's filter for stiff components */
    double end_weight[WC_CELLWISE_MAX_STATES], error_test_weight[WC_CELLWISE_MAX_STATES];
    for (int k = 0; k < ns; k++) {
      end_weight[k] = 1.0 / (cw->rtol * fabs(y_new[k]) + cw->ode->abs_tolerance[k]);
      error_test_weight[k] = smaller(newton_weight[k], end_weight[k]);
    }
    weight = error_test_weight;
    double err = weighted_max(ns, weight, error);
    /* The stages' outflows go to the downstream cell: not finite, the step is refused. */
    if ((nonfinite_bits(e2.outflow, nt) | nonfinite_bits(e3.outflow, nt)) >> 63) err = NAN;
    double factor_next = err > 0.0 ? 0.9 * wc_cube_root(1.0 / err) : 5.0;
    if (!(factor_next > 0.2)) factor_next = 0.2;
    if (factor_next > 5.0) factor_next = 5.0;
    if (!(err <= 1.0)) {
      cw->stats.rejected_steps++;
      if (++attempts > MAX_ATTEMPTS_PER_STEP || h < MIN_STEP_FRACTION * interval)
        return cell_failure(cw, node, s, weight, y_new, y, !isfinite(err),
                            isfinite(err) ? "error test fails at every step size"
                                          : "non-finite outflow or error estimate at every step size");
      /* The next try assumes err ~ h^3. Where a step straddles a kink of the rates (a
       * store running dry, the soil reaching field capacity, infiltration beyond Ksat)
       * the error shrinks much more slowly, and the first step of a day was cut 2-4
       * times over; a second rejection at the same point therefore takes the exponent
       * seen between the two tries (within 1/2 .. 3). On the 1 km Chaobai over 2001:
       * 0.39 -> 0.29 rejections per cell-day, section series a little closer to the
       * tight run. */
      double cut = fmin(factor_next, 0.9);
      if (rejected_error > 0.0 && h < rejected_h && err > 0.0) {
        double exponent = log(err / rejected_error) / log(h / rejected_h);
        exponent = exponent > 0.5 ? (exponent < 3.0 ? exponent : 3.0) : 0.5;
        cut = fmin(0.9, fmax(0.02, 0.9 * pow(err, -1.0 / exponent)));
      }
      rejected_error = err;
      rejected_h = h;
      h *= cut;
      continue;
    }
    /* Accepted: book the step. */
    attempts = 0;
    rejected_error = -1.0;
    fresh_jacobian = false;
    if (++steps > cw->max_steps)
      return cell_failure(cw, node, s, NULL, NULL, NULL, false, "more steps in one interval than max_steps_per_interval");
    cw->stats.steps++;
    double amount[WC_CELLWISE_MAX_TRANSPORT];
    for (int k = 0; k < nt; k++) {
      amount[k] = h * (TRBDF2_W * (e1.outflow[k] + e2.outflow[k]) + TRBDF2_D * e3.outflow[k]);
      cumulative[k] += amount[k];
    }
    if (nf > 0) {
      double booked[WC_CELLWISE_MAX_FLUXES];
      for (int k = 0; k < nf; k++) booked[k] = h * (TRBDF2_W * (e1.flux[k] + e2.flux[k]) + TRBDF2_D * e3.flux[k]);
      if (nonfinite_bits(booked, nf) >> 63)
        return cell_failure(cw, node, s, NULL, NULL, NULL, true, "non-finite budget rate");
      double *row = cw->totals + (size_t)wc_graph_ode_flux_row_of(cw->ode, node) * (size_t)nf;
      for (int k = 0; k < nf; k++) row[k] += booked[k];
    }
    if (cw->outlet_of[node] >= 0) {
      double *out = cw->outlet_totals + (size_t)cw->outlet_of[node] * (size_t)nt;
      for (int k = 0; k < nt; k++) out[k] += amount[k];
    }
    if (cw->records_used + (size_t)size > cw->records_cap) WC_CALL(make_room_for_record(cw));
    double *rec = cw->records + cw->records_used;
    cw->records_used += (size_t)size;
    cw->record_count[node]++;
    double s_new = last_step ? interval : s + h;
    rec[RECORD_END] = s_new;
    rec[RECORD_START] = s;
    double *c = rec + RECORD_CUMULATIVE + nt;
    const double per_s = 1.0 / (s_new - s);
    for (int k = 0; k < nt; k++) {
      rec[RECORD_CUMULATIVE + k] = cumulative[k];
      step_coefficients(e1.outflow[k], e2.outflow[k], e3.outflow[k], per_s, amount[k], &c[k], &c[nt + k],
                        &c[2 * nt + k]);
    }
    memcpy(y, y_new, (size_t)ns * sizeof *y);
    memcpy(newton_weight, end_weight, (size_t)ns * sizeof *y);
    for (int k = 0; k < nt; k++) inflow_at_s[k] = in3[k];
    /* The next step starts from the last stage's rates (evaluated at the stage's
     * solution, within the Newton tolerance of y_new). */
    memcpy(e1.ydot, e3.ydot, (size_t)ns * sizeof *y);
    memcpy(e1.outflow, e3.outflow, (size_t)nt * sizeof *e1.outflow);
    if (nf > 0) {
      double *old = e1.flux;
      e1.flux = e3.flux;
      e3.flux = spare_flux;
      spare_flux = old;
    }
    s = s_new;
    /* Keep the step (and its factorisation) when the change would be small. */
    if (!last_step || factor_next < 1.0) proposed = (factor_next >= 1.0 && factor_next <= 1.5) ? h : h * factor_next;
    h = proposed;
  }
  cw->step[node] = proposed;
  return WC_OK;
}

/* The body above, compiled with the sizes of wcsim's model known to the compiler (8
 * states, water and N carried: its loops unroll, 6% fewer instructions), and with its
 * Jacobians' structure (COMPILED_ENTRIES). */
static wc_status integrate_cell(wc_cellwise *cw, int32_t node, double interval) {
  hot_counts counts = {0, 0};
  wc_status status;
  if (cw->compiled_structure) status = integrate_cell_sized(cw, node, interval, &counts, 8, 2, true);
  else if (cw->ns == 8 && cw->nt == 2) status = integrate_cell_sized(cw, node, interval, &counts, 8, 2, false);
  else status = integrate_cell_sized(cw, node, interval, &counts, cw->ns, cw->nt, false);
  cw->stats.cell_calls += counts.cell_calls;
  cw->stats.newton_iters += counts.newton_iters;
  return status;
}
#pragma GCC diagnostic pop

static void halo_free(struct cellwise_halo **halo_ptr);

/* ---- lifecycle and the interval ---------------------------------------------------------- */

wc_status wc_cellwise_create(const wc_graph_ode *ode, double relative_tolerance, long max_steps_per_interval,
                             wc_cellwise **stepper) {
  *stepper = NULL;
  WC_CHECK(ode && ode->cell_rhs && ode->n_cells >= 0, WC_ERR_INTERNAL, "cell-by-cell stepper without a graph ODE");
  WC_CHECK(ode->n_states >= 1 && ode->n_states <= WC_CELLWISE_MAX_STATES, WC_ERR_INPUT,
           "solver.method cellwise takes 1 to %d states per cell, not %d", WC_CELLWISE_MAX_STATES, ode->n_states);
  WC_CHECK(ode->n_transport >= 0 && ode->n_transport <= WC_CELLWISE_MAX_TRANSPORT, WC_ERR_INPUT,
           "solver.method cellwise takes up to %d transported quantities, not %d", WC_CELLWISE_MAX_TRANSPORT,
           ode->n_transport);
  WC_CHECK(ode->n_fluxes >= 0 && ode->n_fluxes <= WC_CELLWISE_MAX_FLUXES, WC_ERR_INPUT,
           "solver.method cellwise takes up to %d budget fluxes, not %d", WC_CELLWISE_MAX_FLUXES, ode->n_fluxes);
  WC_CHECK(relative_tolerance > 0 && isfinite(relative_tolerance), WC_ERR_INPUT,
           "relative tolerance %g is not positive", relative_tolerance);
  wc_cellwise *cw = calloc(1, sizeof *cw);
  WC_CHECK(cw != NULL, WC_ERR_MEMORY, "out of memory for the cell-by-cell stepper");
  cw->ode = ode;
  cw->ns = ode->n_states;
  cw->nt = ode->n_transport;
  cw->nf = ode->n_fluxes;
  cw->n = ode->n_cells;
  cw->rtol = relative_tolerance;
  cw->max_steps = max_steps_per_interval > 0 ? max_steps_per_interval : 5000;
  size_t n = (size_t)cw->n, ns = (size_t)cw->ns, rows = (size_t)wc_graph_ode_flux_rows(ode);
  for (int32_t i = 0; i < cw->n; i++)
    if (ode->downstream[i] < 0) cw->n_outlets++;
  cw->y = calloc(n * ns + 1, sizeof *cw->y);
  cw->jacobian_stride = ode->cell_jacobian ? 0 : ns * ns;
  cw->jacobian = calloc((cw->jacobian_stride ? n : 1) * ns * ns + 1, sizeof *cw->jacobian);
  cw->pattern_of = malloc((n + 1) * sizeof *cw->pattern_of);
  cw->step = calloc(n + 1, sizeof *cw->step);
  cw->typical = calloc(ns, sizeof *cw->typical);
  cw->totals = calloc(rows * (size_t)cw->nf + 1, sizeof *cw->totals);
  cw->outlets = calloc((size_t)cw->n_outlets + 1, sizeof *cw->outlets);
  cw->outlet_of = malloc((n + 1) * sizeof *cw->outlet_of);
  cw->outlet_totals = calloc((size_t)cw->n_outlets * (size_t)cw->nt + 1, sizeof *cw->outlet_totals);
  cw->record_start = calloc(n + 1, sizeof *cw->record_start);
  cw->record_count = calloc(n + 1, sizeof *cw->record_count);
  cw->position_of = malloc((n + 1) * sizeof *cw->position_of);
  cw->buffered = malloc((n + 1) * sizeof *cw->buffered);
  cw->records_cap = (size_t)record_size(cw->nt) * (n / 4 + 64);
  cw->records = malloc(cw->records_cap * sizeof *cw->records);
  cw->flux_scratch = calloc(4 * (size_t)cw->nf + 1, sizeof *cw->flux_scratch);
  if (!cw->y || !cw->jacobian || !cw->pattern_of || !cw->step || !cw->typical || !cw->totals || !cw->outlets ||
      !cw->outlet_of || !cw->outlet_totals || !cw->record_start || !cw->record_count || !cw->position_of ||
      !cw->buffered || !cw->records || !cw->flux_scratch) {
    wc_cellwise_destroy(&cw);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for the cell-by-cell stepper of %d cells", (int)n);
  }
  wc_status status = wc_cell_patterns_create(cw->ns, &cw->patterns);
  if (status != WC_OK) {
    wc_cellwise_destroy(&cw);
    return status;
  }
  for (int32_t i = 0; i < cw->n; i++) cw->pattern_of[i] = NO_JACOBIAN;
  for (int32_t i = 0; i < cw->n; i++) cw->position_of[i] = i;
  /* Analytic Jacobians only: differences could leave rounding outside the structure. */
  cw->compiled_structure = cw->ns == 8 && cw->nt == 2 && ode->cell_jacobian && ode->jacobian_structure &&
                           wc_cell_structure_within(8, ode->jacobian_structure, COMPILED_ENTRIES) &&
                           wc_cell_structure_within(8, COMPILED_ENTRIES, COMPILED_CLOSED) &&
                           wc_cell_structure_closed(8, COMPILED_CLOSED);
  for (size_t k = 0; k < ns; k++) cw->typical[k] = ode->abs_tolerance[k] / relative_tolerance;
  int32_t m = 0;
  for (int32_t i = 0; i < cw->n; i++) {
    cw->outlet_of[i] = ode->downstream[i] < 0 ? m : -1;
    if (ode->downstream[i] < 0) cw->outlets[m++] = i;
  }
  cw->failure.node = -1;
  cw->failure.state = -1;
  *stepper = cw;
  return WC_OK;
}

void wc_cellwise_destroy(wc_cellwise **stepper) {
  if (!stepper || !*stepper) return;
  wc_cellwise *cw = *stepper;
  halo_free(&cw->halo);
  free(cw->y);
  free(cw->jacobian);
  free(cw->pattern_of);
  wc_cell_patterns_destroy(&cw->patterns);
  free(cw->step);
  free(cw->typical);
  free(cw->totals);
  free(cw->outlets);
  free(cw->outlet_of);
  free(cw->outlet_totals);
  free(cw->record_start);
  free(cw->record_count);
  free(cw->position_of);
  free(cw->buffered);
  free(cw->records);
  free(cw->flux_scratch);
  free(cw);
  *stepper = NULL;
}

wc_status wc_cellwise_set_state(wc_cellwise *cw, double t_s, const double *y) {
  WC_CHECK(isfinite(t_s), WC_ERR_INTERNAL, "initial time %g is not finite", t_s);
  const size_t count = (size_t)cw->n * (size_t)cw->ns;
  for (size_t j = 0; j < count; j++)
    if (!isfinite(y[j]))
      WC_FAIL(WC_ERR_INPUT, "initial state '%s' of node %zu is %g",
              cw->ode->state_names ? cw->ode->state_names[j % (size_t)cw->ns] : "?", j / (size_t)cw->ns, y[j]);
  memcpy(cw->y, y, count * sizeof *y);
  memset(cw->totals, 0, (size_t)wc_graph_ode_flux_rows(cw->ode) * (size_t)cw->nf * sizeof *cw->totals);
  memset(cw->outlet_totals, 0, (size_t)cw->n_outlets * (size_t)cw->nt * sizeof *cw->outlet_totals);
  memset(cw->step, 0, (size_t)cw->n * sizeof *cw->step);
  for (int32_t i = 0; i < cw->n; i++) cw->pattern_of[i] = NO_JACOBIAN;
  cw->t = t_s;
  return WC_OK;
}

/* ---- several ranks ----------------------------------------------------------------------- */

static void halo_free(cellwise_halo **halo_ptr) {
  cellwise_halo *halo = *halo_ptr;
  if (!halo) return;
  wc_cellwise_exchange_destroy(&halo->exchange);
  free(halo->send_of);
  wc_inflow_sources_destroy(&halo->sources);
  free(halo->order);
  free(halo);
  *halo_ptr = NULL;
}

wc_status wc_cellwise_set_halo(wc_cellwise *cw, const wc_halo_plan *plan, MPI_Comm comm) {
  WC_CHECK(wc_halo_plan_local_count(plan) == cw->n, WC_ERR_INTERNAL, "halo plan of %d cells for %d cells",
           (int)wc_halo_plan_local_count(plan), (int)cw->n);
  cellwise_halo *halo = calloc(1, sizeof *halo);
  WC_CHECK(halo != NULL, WC_ERR_MEMORY, "out of memory for the cell-by-cell exchange");
  wc_status status = wc_cellwise_exchange_create(plan, comm, record_size(cw->nt), &halo->exchange);
  if (status != WC_OK) {
    free(halo);
    return status;
  }
  halo->rank = wc_cellwise_exchange_rank(halo->exchange);
  halo->size = wc_cellwise_exchange_size(halo->exchange);
  const size_t n = (size_t)cw->n;
  const int32_t n_send = wc_halo_plan_send_count(plan), n_recv = wc_halo_plan_recv_count(plan);
  halo->global_index = wc_halo_plan_global_index(plan);
  halo->send_of = malloc((n + 1) * sizeof *halo->send_of);
  if (!halo->send_of) {
    halo_free(&halo);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for the cell-by-cell exchange");
  }
  for (size_t i = 0; i < n; i++) halo->send_of[i] = -1;
  const int32_t *send_cell = wc_halo_plan_send_cell(plan), *recv_cell = wc_halo_plan_recv_cell(plan);
  for (int32_t k = 0; k < n_send; k++) halo->send_of[send_cell[k]] = k;
  status = wc_inflow_sources_create(cw->n, cw->ode->downstream, halo->global_index, n_recv, recv_cell,
                                    wc_halo_plan_recv_global_cell(plan), &halo->sources);
  if (status != WC_OK) {
    halo_free(&halo);
    return status;
  }
  /* What leaves through a send cell is not a basin outlet. */
  int32_t kept = 0;
  for (int32_t j = 0; j < cw->n_outlets; j++) {
    int32_t cell = cw->outlets[j];
    cw->outlet_of[cell] = halo->send_of[cell] < 0 ? kept : -1;
    if (halo->send_of[cell] < 0) cw->outlets[kept++] = cell;
  }
  cw->n_outlets = kept;
  /* feeds: the cell's flow reaches a send cell (downstream first: reverse order);
   * needs: the cell or one upstream receives from another rank (upstream first). */
  unsigned char *feeds = calloc(n + 1, 1), *needs = calloc(n + 1, 1);
  halo->order = malloc((n + 1) * sizeof *halo->order);
  if (!feeds || !needs || !halo->order) {
    free(feeds);
    free(needs);
    halo_free(&halo);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for the cell-by-cell exchange");
  }
  const int32_t *down = cw->ode->downstream;
  for (int32_t i = cw->n - 1; i >= 0; i--)
    feeds[i] = halo->send_of[i] >= 0 || (down[i] >= 0 && feeds[down[i]]);
  for (int32_t k = 0; k < n_recv; k++) needs[recv_cell[k]] = 1;
  for (int32_t i = 0; i < cw->n; i++)
    if (needs[i] && down[i] >= 0) needs[down[i]] = 1;
  int32_t at = 0;
  for (int part = 0; part < 4; part++)
    for (int32_t i = 0; i < cw->n; i++)
      if (feeds[i] == (part < 2) && needs[i] == (part % 2 == 1)) halo->order[at++] = i;
  for (int32_t k = 0; k < cw->n; k++) cw->position_of[halo->order[k]] = k;
  free(feeds);
  free(needs);
  halo_free(&cw->halo);
  cw->halo = halo;
  return WC_OK;
}

/* The records of this interval of the cells upstream of `node` on other ranks. */
static wc_status receive_sources(wc_cellwise *cw, int32_t node) {
  cellwise_halo *halo = cw->halo;
  const wc_inflow_sources *sources = halo->sources;
  for (int32_t j = sources->start[node]; j < sources->start[node + 1]; j++)
    if (sources->source[j] >= cw->n) WC_CALL(wc_cellwise_exchange_receive(halo->exchange, sources->source[j] - cw->n));
  return WC_OK;
}

/* A send cell's records of this interval (or, failed, none: its message says so). */
static wc_status send_records(wc_cellwise *cw, int32_t node, bool failed) {
  const size_t size = (size_t)record_size(cw->nt);
  return wc_cellwise_exchange_cell_done(cw->halo->exchange, cw->halo->send_of[node],
                                        cw->records + (size_t)cw->record_start[node] * size,
                                        failed ? 0 : cw->record_count[node], failed);
}

wc_status wc_cellwise_defer_agreement(wc_cellwise *cw, int lag, bool *deferred) {
  *deferred = false;
  cellwise_halo *halo = cw->halo;
  if (!halo || halo->size < 2) return WC_OK;
  WC_CHECK(lag >= 1, WC_ERR_INTERNAL, "deferred agreement of %d intervals", lag);
  WC_CALL(wc_cellwise_exchange_set_flight(halo->exchange, lag + 1, FLIGHT_BYTES_PER_CELL * (size_t)cw->n));
  halo->deferred = true;
  *deferred = true;
  return WC_OK;
}

/* One interval over this rank's cells: each integrated (integrate = true) or, for a rank
 * that has failed, only its exchanges (its messages marked failed). */
static wc_status run_interval(wc_cellwise *cw, double t_stop_s, bool integrate) {
  const double interval = t_stop_s - cw->t;
  cellwise_halo *halo = cw->halo;
  cw->records_used = 0;
  cw->n_buffered = 0;
  cw->callback_status = WC_OK;
  if (halo) {
    wc_cellwise_exchange_begin(halo->exchange);
  }
  wc_status status = integrate ? WC_OK : WC_ERR_NUMERICS;
  /* Node order is topological (wc_graph_ode): every upstream cell is done before its
   * downstream cell starts. After a failure here or upstream the remaining cells are
   * skipped, but their messages are still received and sent (marked failed), so that no
   * rank waits for a message that never comes. */
  for (int32_t position = 0; position < cw->n; position++) {
    const int32_t node = halo ? halo->order[position] : position;
    cw->position = position;
    if (halo) {
      wc_status received = receive_sources(cw, node);
      if (received != WC_OK) return received; /* MPI itself failed: the job ends */
    }
    const bool failed_upstream = halo && wc_cellwise_exchange_failed_upstream(halo->exchange);
    if (status == WC_OK && !failed_upstream) {
      status = integrate_cell(cw, node, interval);
      if (status != WC_OK && !halo) return status;
    }
    if (halo && halo->send_of[node] >= 0) {
      wc_status sent = send_records(cw, node, status != WC_OK || failed_upstream);
      if (sent != WC_OK) return sent;
    }
  }
  if (halo) {
    wc_cellwise_exchange_end(halo->exchange);
    cw->stats.record_wait_s = wc_cellwise_exchange_wait_s(halo->exchange);
  }
  if (!integrate) return WC_OK;
  if (halo && halo->size > 1 && !halo->deferred) {
    /* One small collective per interval, did a cell fail? If so the first rank whose cell
     * failed speaks for all. */
    int mine = status != WC_OK ? halo->rank : halo->size, first = mine;
    MPI_Comm comm = wc_cellwise_exchange_comm(halo->exchange);
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
    if (first < halo->size) {
      wc_status agreed = wc_mpi_agree_on(comm, status);
      const wc_cellwise_failure *f = &cw->failure;
      double packet[5] = {f->t_s, (double)f->node, (double)f->state, f->nonfinite ? 1.0 : 0.0,
                          f->node >= 0 ? (double)halo->global_index[f->node] : -1.0};
      MPI_Bcast(packet, 5, MPI_DOUBLE, first, comm);
      cw->failure = (wc_cellwise_failure){.t_s = packet[0], .node = (int32_t)packet[1], .state = (int)packet[2],
                                          .nonfinite = packet[3] != 0.0, .rank = first,
                                          .global_node = (int32_t)packet[4]};
      return agreed;
    }
  }
  if (status != WC_OK) return status;
  cw->t = t_stop_s;
  return WC_OK;
}

wc_status wc_cellwise_advance(wc_cellwise *cw, double t_stop_s) {
  WC_CHECK(isfinite(t_stop_s) && t_stop_s > cw->t, WC_ERR_INTERNAL, "stop time %.9g s is not after the current time %.9g s",
           t_stop_s, cw->t);
  return run_interval(cw, t_stop_s, true);
}

wc_status wc_cellwise_pass(wc_cellwise *cw, double t_stop_s) {
  if (!cw->halo || !cw->halo->deferred) return WC_OK;
  return run_interval(cw, t_stop_s, false);
}

double wc_cellwise_time(const wc_cellwise *cw) { return cw->t; }
const double *wc_cellwise_state(const wc_cellwise *cw) { return cw->y; }
const double *wc_cellwise_flux_totals(const wc_cellwise *cw) { return cw->nf > 0 ? cw->totals : NULL; }
const double *wc_cellwise_outlet_totals(const wc_cellwise *cw) { return cw->n_outlets > 0 ? cw->outlet_totals : NULL; }
int32_t wc_cellwise_outlet_count(const wc_cellwise *cw) { return cw->n_outlets; }
const int32_t *wc_cellwise_outlets(const wc_cellwise *cw) { return cw->outlets; }
void wc_cellwise_get_stats(const wc_cellwise *cw, wc_cellwise_stats *stats) { *stats = cw->stats; }
bool wc_cellwise_uses_compiled_structure(const wc_cellwise *cw) { return cw->compiled_structure; }

wc_status wc_cellwise_reserve_records(wc_cellwise *cw, size_t records) {
  const size_t cap = records * (size_t)record_size(cw->nt);
  return cap <= cw->records_cap ? WC_OK : grow_records(cw, cap);
}
const wc_cellwise_failure *wc_cellwise_last_failure(const wc_cellwise *cw) { return &cw->failure; }
