/* wc_partition.c — contiguous (DP) and METIS partitions of the drainage graph, and their report. */
#include "wc_partition.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef WCSIM_HAVE_METIS
#include <metis.h>
#endif

struct wc_partition {
  wc_partition_method method;
  wc_partition_order order;
  int32_t n, n_ranks;
  double imbalance_bound;
  int contiguous;
  uint64_t graph_hash;
  int32_t *owner;       /* [n] */
  int32_t *local_index; /* [n] */
  int32_t *rank_start;  /* [n_ranks + 1] offsets into rank_cells */
  int32_t *rank_cells;  /* [n] global cells grouped by rank, ascending within a rank */
  int32_t *rank_count;  /* [n_ranks] */
  double *rank_weight;  /* [n_ranks] */
  int32_t *cut_out;     /* [n_ranks] */
  int32_t *cut_in;      /* [n_ranks] */
  wc_partition_report report;
};

wc_partition_options wc_partition_options_default(void) {
  wc_partition_options options = {.method = WC_PARTITION_CONTIGUOUS,
                                  .order = WC_PARTITION_ORDER_LARGEST_LAST,
                                  .imbalance = 0.05,
                                  .cell_weight = NULL};
  return options;
}

wc_status wc_partition_cellwise_weights(int32_t n, const int32_t *downstream, double *weight) {
  /* Upstream cells, the cell included, accumulated in topological order. */
  for (int32_t i = 0; i < n; i++) weight[i] = 1.0;
  for (int32_t i = 0; i < n; i++) {
    int32_t d = downstream[i];
    WC_CHECK(d == -1 || (d > i && d < n), WC_ERR_INPUT,
             "partition weights: cell %d drains to %d, not to a later cell (the graph is not topological)", (int)i,
             (int)d);
    if (d >= 0) weight[d] += weight[i];
  }
  /* Fitted to the cell calls and steps of each of two ranks over 2001-2003 on the 1 km
   * basins (docs/hpc.md, "Decomposition"): the upstream rank's share balances at about
   * 0.25 on the Chaobai and 0.18 on the Yongding, counted alone; its extra cells' interval
   * starts (a Jacobian, a factorisation and a call each) tip both lower. */
  for (int32_t i = 0; i < n; i++) weight[i] = pow(weight[i], 0.15);
  return WC_OK;
}

const char *wc_partition_method_name(wc_partition_method method) {
  switch (method) {
    case WC_PARTITION_CONTIGUOUS: return "contiguous";
    case WC_PARTITION_METIS: return "metis";
  }
  return "unknown";
}

wc_status wc_partition_method_parse(const char *name, wc_partition_method *method) {
  WC_CHECK(name != NULL && method != NULL, WC_ERR_INTERNAL, "wc_partition_method_parse: NULL argument");
  if (strcmp(name, "contiguous") == 0) {
    *method = WC_PARTITION_CONTIGUOUS;
    return WC_OK;
  }
  if (strcmp(name, "metis") == 0) {
    *method = WC_PARTITION_METIS;
    return WC_OK;
  }
  WC_FAIL(WC_ERR_USAGE, "unknown partition method '%s'; choose contiguous or metis", name);
}

const char *wc_partition_order_name(wc_partition_order order) {
  switch (order) {
    case WC_PARTITION_ORDER_GIVEN: return "given";
    case WC_PARTITION_ORDER_LARGEST_LAST: return "largest-last";
    case WC_PARTITION_ORDER_LARGEST_FIRST: return "largest-first";
  }
  return "unknown";
}

wc_status wc_partition_order_parse(const char *name, wc_partition_order *order) {
  WC_CHECK(name != NULL && order != NULL, WC_ERR_INTERNAL, "wc_partition_order_parse: NULL argument");
  for (int k = WC_PARTITION_ORDER_GIVEN; k <= WC_PARTITION_ORDER_LARGEST_FIRST; k++)
    if (strcmp(name, wc_partition_order_name((wc_partition_order)k)) == 0) {
      *order = (wc_partition_order)k;
      return WC_OK;
    }
  WC_FAIL(WC_ERR_USAGE, "unknown partition order '%s'; choose given, largest-last or largest-first", name);
}

int wc_partition_method_available(wc_partition_method method) {
  if (method == WC_PARTITION_CONTIGUOUS) return 1;
#ifdef WCSIM_HAVE_METIS
  if (method == WC_PARTITION_METIS) return 1;
#endif
  return 0;
}

/* FNV-1a over the bytes of downstream[] and n: cheap, and any edit of the graph changes it. */
uint64_t wc_partition_graph_hash(int32_t n, const int32_t *downstream) {
  uint64_t hash = 1469598103934665603ULL;
  for (int b = 0; b < 4; b++) hash = (hash ^ (((uint32_t)n >> (8 * b)) & 0xffu)) * 1099511628211ULL;
  for (int32_t i = 0; i < n; i++) {
    uint32_t v = (uint32_t)downstream[i];
    for (int b = 0; b < 4; b++) hash = (hash ^ ((v >> (8 * b)) & 0xffu)) * 1099511628211ULL;
  }
  return hash;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- input checks -------------------------------------------------------------------------- */

static wc_status check_input(int32_t n, const int32_t *downstream, int32_t n_ranks,
                             const wc_partition_options *options) {
  WC_CHECK(n >= 0, WC_ERR_INPUT, "partition: negative cell count %d", n);
  WC_CHECK(n == 0 || downstream != NULL, WC_ERR_INTERNAL, "partition: NULL downstream array for %d cells", n);
  WC_CHECK(n_ranks >= 1, WC_ERR_INPUT, "partition: %d ranks; need at least 1", n_ranks);
  WC_CHECK(options->method == WC_PARTITION_CONTIGUOUS || options->method == WC_PARTITION_METIS, WC_ERR_INPUT,
           "partition: unknown method %d", (int)options->method);
  WC_CHECK(wc_partition_method_available(options->method), WC_ERR_UNSUPPORTED,
           "partition: method '%s' is not available in this build (configure with -DWCSIM_WITH_METIS=ON and "
           "libmetis-dev installed), or use 'contiguous'",
           wc_partition_method_name(options->method));
  WC_CHECK(options->order >= WC_PARTITION_ORDER_GIVEN && options->order <= WC_PARTITION_ORDER_LARGEST_FIRST,
           WC_ERR_INPUT, "partition: unknown order %d", (int)options->order);
  WC_CHECK(options->imbalance >= 0 && !isnan(options->imbalance), WC_ERR_INPUT,
           "partition: imbalance %g must be >= 0 (e.g. 0.05 for 5%%)", options->imbalance);
  for (int32_t i = 0; i < n; i++) {
    int32_t d = downstream[i];
    /* Everything downstream of here (contiguity, the rank DAG, local numbering) rests on this. */
    WC_CHECK(d == -1 || (d > i && d < n), WC_ERR_INPUT,
             "partition: the drainage graph is not in topological order: cell %d drains to %d, but a cell must "
             "drain to a higher index below n = %d, or to -1 at an outlet",
             i, d, n);
  }
  if (options->cell_weight != NULL) {
    double total = 0;
    for (int32_t i = 0; i < n; i++) {
      double w = options->cell_weight[i];
      WC_CHECK(isfinite(w) && w >= 0, WC_ERR_INPUT, "partition: cell %d has weight %g; weights must be finite and >= 0",
               i, w);
      total += w;
    }
    WC_CHECK(n == 0 || total > 0, WC_ERR_INPUT, "partition: every cell weight is 0; nothing to balance");
  }
  return WC_OK;
}

/* ---- contiguous: DP over split points ----------------------------------------------------- */

/* Lexicographic DP value: cut edges at the split points so far, then how far the split
 * points are from the even shares (so that among equally cut splits the balanced one wins). */
typedef struct dp_value {
  int64_t cuts; /* INT64_MAX: unreachable */
  double deviation;
} dp_value;

static int dp_less(dp_value a, dp_value b) {
  return a.cuts < b.cuts || (a.cuts == b.cuts && a.deviation < b.deviation);
}

/* First position b in 0..n with prefix[b] >= value (n + 1 if none). */
static int32_t lower_position(const double *prefix, int32_t n, double value) {
  int32_t lo = 0, hi = n + 1;
  while (lo < hi) {
    int32_t mid = lo + (hi - lo) / 2;
    if (prefix[mid] >= value)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

/* Last position b in 0..n with prefix[b] <= value (-1 if none). */
static int32_t upper_position(const double *prefix, int32_t n, double value) {
  int32_t lo = 0, hi = n + 1;
  while (lo < hi) {
    int32_t mid = lo + (hi - lo) / 2;
    if (prefix[mid] > value)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo - 1;
}

typedef struct contiguous_work {
  double *prefix;   /* [n + 1] weight of cells < p */
  int32_t *cross;   /* [n + 1] edges i -> d with i < p <= d */
  int32_t *lo, *hi; /* [n_ranks + 1] window of split k */
  int64_t *offset;  /* [n_ranks + 1] into back */
  int32_t *back;    /* best previous split of each (k, position) */
  dp_value *prev, *cur;
  int32_t *deque;
  int32_t *split; /* [n_ranks + 1] */
} contiguous_work;

static void contiguous_work_free(contiguous_work *w) {
  free(w->prefix);
  free(w->cross);
  free(w->lo);
  free(w->hi);
  free(w->offset);
  free(w->back);
  free(w->prev);
  free(w->cur);
  free(w->deque);
  free(w->split);
}

/* The smallest imbalance bound a contiguous split of n unit-weight cells can meet: the
 * fullest rank has at least ceil(n/P) cells and the emptiest at most floor(n/P). */
static double unit_weight_min_imbalance(int32_t n, int32_t n_ranks) {
  double mean = (double)n / n_ranks;
  int32_t ceil_share = (n + n_ranks - 1) / n_ranks, floor_share = n / n_ranks;
  double over = ceil_share / mean - 1, under = 1 - floor_share / mean;
  return over > under ? over : under;
}

/*
 * Split points 0 = s_0 <= s_1 <= ... <= s_P = n with every part's weight in [L, U],
 * minimising sum_k cross(s_k), k = 1..P-1. That sum counts an edge once per split point it
 * spans, so it is the exact cut count except for edges that jump over a whole rank (rare:
 * an early child of a confluence whose later siblings' sub-trees fill a rank); the report
 * counts cut edges exactly. Cost: O(sum of window widths) ~ O(imbalance * n * P / 2) time and
 * 4 bytes per window position for the back pointers.
 */
static wc_status partition_contiguous(int32_t n, const int32_t *downstream, int32_t n_ranks, double imbalance,
                                      const double *weight, int32_t *owner) {
  const int32_t P = n_ranks;
  if (P == 1 || n == 0) {
    for (int32_t i = 0; i < n; i++) owner[i] = 0;
    return WC_OK;
  }
  if (weight == NULL) {
    double needed = unit_weight_min_imbalance(n, P);
    WC_CHECK(imbalance >= needed - 1e-12, WC_ERR_INPUT,
             "partition: %d cells cannot be split among %d ranks within an imbalance of %g: the best split needs %.4g "
             "(ranks of %d to %d cells); allow at least that, or use fewer ranks",
             n, P, imbalance, needed, n / P, (n + P - 1) / P);
  }
  contiguous_work w = {0};
  wc_status status = WC_OK;
#define CONTIGUOUS_MALLOC(ptr, count, what)                                                                    \
  do {                                                                                                         \
    size_t c_ = (size_t)(count);                                                                               \
    (ptr) = calloc(c_ ? c_ : 1, sizeof *(ptr));                                                                \
    if ((ptr) == NULL) {                                                                                       \
      status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory allocating %zu %s", c_, (what)); \
      goto done;                                                                                               \
    }                                                                                                          \
  } while (0)
  CONTIGUOUS_MALLOC(w.prefix, (size_t)n + 1, "prefix weights");
  CONTIGUOUS_MALLOC(w.cross, (size_t)n + 2, "crossing counts");
  CONTIGUOUS_MALLOC(w.lo, (size_t)P + 1, "split windows");
  CONTIGUOUS_MALLOC(w.hi, (size_t)P + 1, "split windows");
  CONTIGUOUS_MALLOC(w.offset, (size_t)P + 2, "split windows");
  CONTIGUOUS_MALLOC(w.split, (size_t)P + 1, "split points");

  for (int32_t i = 0; i < n; i++) w.prefix[i + 1] = w.prefix[i] + (weight ? weight[i] : 1.0);
  /* Difference array: edge i -> d crosses every split p with i < p <= d. */
  for (int32_t i = 0; i < n; i++)
    if (downstream[i] >= 0) {
      w.cross[i + 1]++;
      w.cross[downstream[i] + 1]--;
    }
  for (int32_t p = 1; p <= n; p++) w.cross[p] += w.cross[p - 1];

  const double total = w.prefix[n], mean = total / P;
  const double upper = (1 + imbalance) * mean, lower = imbalance >= 1 ? 0 : (1 - imbalance) * mean;
  /* Prefix sums of weights carry rounding; integers (unit weights) are exact anyway. */
  const double tol = 1e-9 * mean;

  /* Window of split k: the first k parts and the last P - k parts must both fit the bounds. */
  w.lo[0] = w.hi[0] = 0;
  w.lo[P] = w.hi[P] = n;
  int feasible = 1;
  for (int32_t k = 1; k < P; k++) {
    double from = fmax(k * lower, total - (P - k) * upper) - tol;
    double to = fmin(k * upper, total - (P - k) * lower) + tol;
    w.lo[k] = lower_position(w.prefix, n, from);
    w.hi[k] = upper_position(w.prefix, n, to);
    if (w.lo[k] > w.hi[k]) feasible = 0;
  }
  int32_t max_width = 1;
  if (feasible) {
    for (int32_t k = 0; k <= P; k++) {
      int32_t width = w.hi[k] - w.lo[k] + 1;
      w.offset[k + 1] = w.offset[k] + width;
      if (width > max_width) max_width = width;
    }
    CONTIGUOUS_MALLOC(w.back, (size_t)w.offset[P + 1], "split back pointers");
    CONTIGUOUS_MALLOC(w.prev, (size_t)max_width, "split costs");
    CONTIGUOUS_MALLOC(w.cur, (size_t)max_width, "split costs");
    CONTIGUOUS_MALLOC(w.deque, (size_t)max_width, "split queue");
    w.prev[0] = (dp_value){0, 0.0};

    for (int32_t k = 1; k <= P && feasible; k++) {
      const int32_t alo = w.lo[k - 1], ahi = w.hi[k - 1];
      int32_t head = 0, tail = 0, next_a = alo;
      int any = 0;
      for (int32_t b = w.lo[k]; b <= w.hi[k]; b++) {
        /* Candidates a enter once part [a, b) is heavy enough and leave once it is too
         * heavy; both limits only move forward with b, so a monotone deque gives the
         * minimum in amortised O(1). */
        while (next_a <= ahi && next_a <= b && w.prefix[next_a] <= w.prefix[b] - lower + tol) {
          dp_value v = w.prev[next_a - alo];
          if (v.cuts != INT64_MAX) {
            while (tail > head && !dp_less(w.prev[w.deque[tail - 1] - alo], v)) tail--;
            w.deque[tail++] = next_a;
          }
          next_a++;
        }
        while (tail > head && w.prefix[b] - w.prefix[w.deque[head]] > upper + tol) head++;
        dp_value *out = &w.cur[b - w.lo[k]];
        int32_t *back = &w.back[w.offset[k] + (b - w.lo[k])];
        if (tail == head) {
          *out = (dp_value){INT64_MAX, 0.0};
          *back = -1;
          continue;
        }
        int32_t a = w.deque[head];
        dp_value best = w.prev[a - alo];
        if (k < P) {
          best.cuts += w.cross[b];
          best.deviation += fabs(w.prefix[b] - k * mean);
        }
        *out = best;
        *back = a;
        any = 1;
      }
      if (!any) feasible = 0;
      dp_value *swap = w.prev;
      w.prev = w.cur;
      w.cur = swap;
    }
    if (feasible && w.prev[0].cuts == INT64_MAX) feasible = 0;
  }
  if (!feasible) {
    double heaviest = 0;
    for (int32_t i = 0; i < n; i++) heaviest = fmax(heaviest, weight ? weight[i] : 1.0);
    status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                          "partition: no split of %d cells into %d contiguous ranks keeps every rank's weight within "
                          "%g of the mean %g (range %g..%g; the heaviest cell weighs %g); allow a larger imbalance or "
                          "use fewer ranks",
                          n, P, imbalance, mean, lower, upper, heaviest);
    goto done;
  }
  w.split[P] = n;
  for (int32_t k = P; k >= 1; k--) w.split[k - 1] = w.back[w.offset[k] + (w.split[k] - w.lo[k])];
  if (w.split[0] != 0) {
    status = wc_error_set(WC_ERR_INTERNAL, __FILE__, __LINE__, "partition: split back-tracking ended at %d, not 0",
                          w.split[0]);
    goto done;
  }
  for (int32_t k = 0; k < P; k++)
    for (int32_t i = w.split[k]; i < w.split[k + 1]; i++) owner[i] = k;
done:
#undef CONTIGUOUS_MALLOC
  contiguous_work_free(&w);
  return status;
}

/* ---- re-ordering: another DFS post-order of the same forest ------------------------------- */

typedef struct child_key {
  int32_t parent, size, child;
} child_key;

static int child_key_largest_first(const void *a, const void *b) {
  const child_key *x = a, *y = b;
  if (x->parent != y->parent) return (x->parent > y->parent) - (x->parent < y->parent);
  if (x->size != y->size) return (x->size < y->size) - (x->size > y->size);
  return (x->child > y->child) - (x->child < y->child);
}

static int child_key_largest_last(const void *a, const void *b) {
  const child_key *x = a, *y = b;
  if (x->parent != y->parent) return (x->parent > y->parent) - (x->parent < y->parent);
  if (x->size != y->size) return (x->size > y->size) - (x->size < y->size);
  return (x->child > y->child) - (x->child < y->child);
}

/* perm[k] = the cell at position k of a DFS post-order from each outlet (outlets in index
 * order) visiting each cell's upstream sub-trees by size: largest first or last, ties in
 * index order. Any post-order is topological, so the contiguous DP applies unchanged. */
static wc_status subtree_order(int32_t n, const int32_t *downstream, wc_partition_order order, int32_t *perm) {
  int32_t *size = NULL, *start = NULL, *children = NULL, *stack = NULL, *next = NULL;
  child_key *keys = NULL;
  wc_status status = WC_OK;
  size = malloc((size_t)n * sizeof *size);
  start = calloc((size_t)n + 1, sizeof *start);
  children = malloc((size_t)n * sizeof *children);
  stack = malloc((size_t)n * sizeof *stack);
  next = malloc((size_t)n * sizeof *next);
  keys = malloc((size_t)n * sizeof *keys);
  if (!size || !start || !children || !stack || !next || !keys) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory re-ordering %d cells", n);
    goto done;
  }
  for (int32_t i = 0; i < n; i++) size[i] = 1;
  for (int32_t i = 0; i < n; i++)
    if (downstream[i] >= 0) size[downstream[i]] += size[i];
  int32_t m = 0;
  for (int32_t i = 0; i < n; i++)
    if (downstream[i] >= 0) {
      keys[m++] = (child_key){downstream[i], size[i], i};
      start[downstream[i] + 1]++;
    }
  qsort(keys, (size_t)m, sizeof *keys,
        order == WC_PARTITION_ORDER_LARGEST_FIRST ? child_key_largest_first : child_key_largest_last);
  for (int32_t i = 0; i < n; i++) start[i + 1] += start[i];
  for (int32_t k = 0; k < m; k++) children[k] = keys[k].child; /* grouped by parent, in start[] order */
  int32_t count = 0;
  for (int32_t root = 0; root < n; root++) {
    if (downstream[root] >= 0) continue;
    int32_t top = 0;
    stack[0] = root;
    next[root] = start[root];
    while (top >= 0) {
      int32_t v = stack[top];
      if (next[v] < start[v + 1]) {
        int32_t c = children[next[v]++];
        stack[++top] = c;
        next[c] = start[c];
      } else {
        perm[count++] = v;
        top--;
      }
    }
  }
  if (count != n)
    status =
        wc_error_set(WC_ERR_INTERNAL, __FILE__, __LINE__, "partition: re-ordering reached %d of %d cells", count, n);
done:
  free(size);
  free(start);
  free(children);
  free(stack);
  free(next);
  free(keys);
  return status;
}

/* The contiguous method on another post-order: permute, split, map the owners back. */
static wc_status partition_contiguous_reordered(int32_t n, const int32_t *downstream, int32_t n_ranks,
                                                const wc_partition_options *options, int32_t *owner) {
  if (n == 0 || n_ranks == 1) return partition_contiguous(n, downstream, n_ranks, options->imbalance, NULL, owner);
  int32_t *perm = NULL, *position = NULL, *permuted = NULL, *permuted_owner = NULL;
  double *permuted_weight = NULL;
  wc_status status = WC_OK;
  perm = malloc((size_t)n * sizeof *perm);
  position = malloc((size_t)n * sizeof *position);
  permuted = calloc((size_t)n, sizeof *permuted); /* calloc: gcc cannot see the loop below fills it */
  permuted_owner = malloc((size_t)n * sizeof *permuted_owner);
  if (options->cell_weight) permuted_weight = malloc((size_t)n * sizeof *permuted_weight);
  if (!perm || !position || !permuted || !permuted_owner || (options->cell_weight && !permuted_weight)) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory re-ordering %d cells", n);
    goto done;
  }
  WC_CALL_GOTO(status, done, subtree_order(n, downstream, options->order, perm));
  for (int32_t k = 0; k < n; k++) position[perm[k]] = k;
  for (int32_t k = 0; k < n; k++) {
    int32_t d = downstream[perm[k]];
    permuted[k] = d >= 0 ? position[d] : -1;
    if (permuted_weight) permuted_weight[k] = options->cell_weight[perm[k]];
  }
  WC_CALL_GOTO(status, done,
               partition_contiguous(n, permuted, n_ranks, options->imbalance, permuted_weight, permuted_owner));
  for (int32_t k = 0; k < n; k++) owner[perm[k]] = permuted_owner[k];
done:
  free(perm);
  free(position);
  free(permuted);
  free(permuted_owner);
  free(permuted_weight);
  return status;
}

/* ---- METIS -------------------------------------------------------------------------------- */

#ifdef WCSIM_HAVE_METIS
static wc_status partition_metis(int32_t n, const int32_t *downstream, int32_t n_ranks, double imbalance,
                                 const double *weight, int32_t *owner) {
  if (n_ranks == 1 || n == 0) {
    for (int32_t i = 0; i < n; i++) owner[i] = 0;
    return WC_OK;
  }
  idx_t *xadj = NULL, *adjncy = NULL, *vwgt = NULL, *part = NULL, *fill = NULL;
  wc_status status = WC_OK;
  int64_t n_links = 0;
  for (int32_t i = 0; i < n; i++) n_links += downstream[i] >= 0;
  xadj = calloc((size_t)n + 1, sizeof *xadj);
  adjncy = calloc((size_t)(2 * n_links > 0 ? 2 * n_links : 1), sizeof *adjncy);
  part = calloc((size_t)n, sizeof *part);
  fill = calloc((size_t)n, sizeof *fill);
  if (weight) vwgt = calloc((size_t)n, sizeof *vwgt);
  if (!xadj || !adjncy || !part || !fill || (weight && !vwgt)) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory building the METIS graph of %d cells", n);
    goto done;
  }
  /* The undirected tree: each link i -> d listed at both ends. */
  for (int32_t i = 0; i < n; i++)
    if (downstream[i] >= 0) {
      xadj[i + 1]++;
      xadj[downstream[i] + 1]++;
    }
  for (int32_t i = 0; i < n; i++) xadj[i + 1] += xadj[i];
  for (int32_t i = 0; i < n; i++) fill[i] = xadj[i];
  for (int32_t i = 0; i < n; i++)
    if (downstream[i] >= 0) {
      adjncy[fill[i]++] = downstream[i];
      adjncy[fill[downstream[i]]++] = i;
    }
  if (weight) {
    /* METIS balances integer weights: scale so the heaviest cell is 10^4 and the total
     * stays far from the 32-bit limit; every cell keeps weight >= 1 unless it is 0. */
    double heaviest = 0, total = 0;
    for (int32_t i = 0; i < n; i++) {
      heaviest = fmax(heaviest, weight[i]);
      total += weight[i];
    }
    double scale = fmin(1e4 / heaviest, 1e9 / total);
    for (int32_t i = 0; i < n; i++) {
      double v = weight[i] * scale;
      vwgt[i] = weight[i] > 0 ? (idx_t)(v < 1 ? 1 : llround(v)) : 0;
    }
  }
  idx_t options[METIS_NOPTIONS];
  METIS_SetDefaultOptions(options);
  /* ufactor: the heaviest part may weigh (1 + ufactor/1000) times the mean. */
  idx_t ufactor = (idx_t)lround(fmin(imbalance, 1e6) * 1000.0);
  options[METIS_OPTION_UFACTOR] = ufactor < 1 ? 1 : ufactor;
  options[METIS_OPTION_NUMBERING] = 0;
  options[METIS_OPTION_SEED] = 1; /* same partition on every rank and every run */
  idx_t nvtxs = n, ncon = 1, nparts = n_ranks, objval = 0;
  int rc =
      METIS_PartGraphKway(&nvtxs, &ncon, xadj, adjncy, vwgt, NULL, NULL, &nparts, NULL, NULL, options, &objval, part);
  if (rc != METIS_OK) {
    status = wc_error_set(WC_ERR_INTERNAL, __FILE__, __LINE__,
                          "partition: METIS_PartGraphKway failed (%s) on %d cells and %d ranks",
                          rc == METIS_ERROR_INPUT    ? "input error"
                          : rc == METIS_ERROR_MEMORY ? "out of memory"
                                                     : "error",
                          n, n_ranks);
    goto done;
  }
  for (int32_t i = 0; i < n; i++) {
    if (part[i] < 0 || part[i] >= n_ranks) {
      status = wc_error_set(WC_ERR_INTERNAL, __FILE__, __LINE__, "partition: METIS put cell %d in part %d of %d", i,
                            (int)part[i], n_ranks);
      goto done;
    }
    owner[i] = (int32_t)part[i];
  }
done:
  free(xadj);
  free(adjncy);
  free(vwgt);
  free(part);
  free(fill);
  return status;
}
#endif

/* ---- numbering and report ----------------------------------------------------------------- */

static int compare_int64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Local numbering, per-rank lists and the report, from owner[]. */
static wc_status finish(wc_partition *p, const int32_t *downstream, const double *weight) {
  const int32_t n = p->n, P = p->n_ranks;
  WC_MALLOC(p->local_index, n, "partition local indices");
  WC_MALLOC(p->rank_cells, n, "partition cell lists");
  WC_MALLOC(p->rank_start, (size_t)P + 1, "partition rank offsets");
  WC_MALLOC(p->rank_count, P, "partition rank counts");
  WC_MALLOC(p->rank_weight, P, "partition rank weights");
  WC_MALLOC(p->cut_out, P, "partition cut counts");
  WC_MALLOC(p->cut_in, P, "partition cut counts");

  for (int32_t i = 0; i < n; i++) {
    int32_t r = p->owner[i];
    p->local_index[i] = p->rank_count[r]++;
    p->rank_weight[r] += weight ? weight[i] : 1.0;
  }
  for (int32_t r = 0; r < P; r++) p->rank_start[r + 1] = p->rank_start[r] + p->rank_count[r];
  for (int32_t i = 0; i < n; i++) p->rank_cells[p->rank_start[p->owner[i]] + p->local_index[i]] = i;
  p->contiguous = 1;
  for (int32_t r = 0; r < P && p->contiguous; r++)
    for (int32_t j = p->rank_start[r] + 1; j < p->rank_start[r + 1]; j++)
      if (p->rank_cells[j] != p->rank_cells[j - 1] + 1) {
        p->contiguous = 0;
        break;
      }

  wc_partition_report *rep = &p->report;
  rep->n_cells = n;
  rep->n_ranks = P;
  rep->imbalance_bound = p->imbalance_bound;
  rep->method = p->method;
  rep->order = p->order;
  rep->cells = p->rank_count;
  rep->weight = p->rank_weight;
  rep->cut_out = p->cut_out;
  rep->cut_in = p->cut_in;
  rep->min_cells = rep->max_cells = p->rank_count[0];
  rep->min_weight = rep->max_weight = p->rank_weight[0];
  double total = 0;
  for (int32_t r = 0; r < P; r++) {
    if (p->rank_count[r] < rep->min_cells) rep->min_cells = p->rank_count[r];
    if (p->rank_count[r] > rep->max_cells) rep->max_cells = p->rank_count[r];
    rep->min_weight = fmin(rep->min_weight, p->rank_weight[r]);
    rep->max_weight = fmax(rep->max_weight, p->rank_weight[r]);
    total += p->rank_weight[r];
  }
  rep->mean_weight = total / P;
  rep->imbalance = total > 0 ? rep->max_weight / rep->mean_weight - 1 : 0;

  /* Cut edges, and the distinct rank pairs they make (the rank graph). */
  int32_t cut = 0;
  for (int32_t i = 0; i < n; i++) {
    int32_t d = downstream[i];
    if (d >= 0 && p->owner[d] != p->owner[i]) {
      cut++;
      p->cut_out[p->owner[i]]++;
      p->cut_in[p->owner[d]]++;
    }
  }
  rep->cut_edges = cut;
  int64_t *pairs = NULL;
  int32_t *segments = NULL, *indegree = NULL, *edge_start = NULL, *edge_to = NULL, *queue = NULL, *longest = NULL;
  wc_status status = WC_OK;
  pairs = malloc((size_t)(cut > 0 ? cut : 1) * sizeof *pairs);
  segments = malloc((size_t)(n > 0 ? n : 1) * sizeof *segments);
  indegree = calloc((size_t)P, sizeof *indegree);
  edge_start = calloc((size_t)P + 1, sizeof *edge_start);
  queue = malloc((size_t)P * sizeof *queue);
  longest = malloc((size_t)P * sizeof *longest);
  if (!pairs || !segments || !indegree || !edge_start || !queue || !longest) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory computing the partition report");
    goto done;
  }
  int32_t m = 0;
  for (int32_t i = 0; i < n; i++) {
    int32_t d = downstream[i];
    if (d >= 0 && p->owner[d] != p->owner[i]) pairs[m++] = (int64_t)p->owner[i] * P + p->owner[d];
  }
  qsort(pairs, (size_t)m, sizeof *pairs, compare_int64);
  int32_t unique = 0;
  for (int32_t j = 0; j < m; j++)
    if (j == 0 || pairs[j] != pairs[j - 1]) pairs[unique++] = pairs[j];
  rep->rank_edges = unique;
  /* Neighbours: each pair seen from both ends, duplicates (a -> b and b -> a) removed. */
  int64_t *both = malloc((size_t)(2 * unique > 0 ? 2 * unique : 1) * sizeof *both);
  if (!both) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory computing the partition report");
    goto done;
  }
  for (int32_t j = 0; j < unique; j++) {
    int64_t from = pairs[j] / P, to = pairs[j] % P;
    both[2 * j] = from * P + to;
    both[2 * j + 1] = to * P + from;
  }
  qsort(both, (size_t)2 * unique, sizeof *both, compare_int64);
  rep->max_neighbours = 0;
  for (int32_t j = 0, run = 0; j < 2 * unique; j++) {
    if (j > 0 && both[j] == both[j - 1]) continue;
    run = (j > 0 && both[j] / P == both[j - 1] / P) ? run + 1 : 1;
    if (run > rep->max_neighbours) rep->max_neighbours = run;
  }
  free(both);
  /* Longest path in the rank graph (Kahn's order; leftover ranks mean a cycle). Pairs are
   * sorted by source rank, so they are already a CSR of out-edges. */
  edge_to = malloc((size_t)(unique > 0 ? unique : 1) * sizeof *edge_to);
  if (!edge_to) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory computing the partition report");
    goto done;
  }
  for (int32_t j = 0; j < unique; j++) {
    int32_t from = (int32_t)(pairs[j] / P), to = (int32_t)(pairs[j] % P);
    edge_start[from + 1]++;
    edge_to[j] = to;
    indegree[to]++;
  }
  for (int32_t r = 0; r < P; r++) edge_start[r + 1] += edge_start[r];
  int32_t head = 0, tail = 0;
  for (int32_t r = 0; r < P; r++) {
    longest[r] = p->rank_count[r] > 0 ? 1 : 0;
    if (indegree[r] == 0) queue[tail++] = r;
  }
  int32_t depth = 0;
  while (head < tail) {
    int32_t r = queue[head++];
    if (longest[r] > depth) depth = longest[r];
    for (int32_t j = edge_start[r]; j < edge_start[r + 1]; j++) {
      int32_t to = edge_to[j];
      if (longest[r] + 1 > longest[to]) longest[to] = longest[r] + 1;
      if (--indegree[to] == 0) queue[tail++] = to;
    }
  }
  rep->rank_graph_depth = tail == P ? depth : -1;
  /* Flow depth: rank segments along the worst flow path, in one topological pass. */
  int32_t flow_depth = 0;
  for (int32_t i = 0; i < n; i++) segments[i] = 1;
  for (int32_t i = 0; i < n; i++) {
    if (segments[i] > flow_depth) flow_depth = segments[i];
    int32_t d = downstream[i];
    if (d < 0) continue;
    int32_t s = segments[i] + (p->owner[d] != p->owner[i]);
    if (s > segments[d]) segments[d] = s;
  }
  rep->flow_depth = flow_depth;
done:
  free(pairs);
  free(segments);
  free(indegree);
  free(edge_start);
  free(edge_to);
  free(queue);
  free(longest);
  return status;
}

wc_status wc_partition_create(int32_t n, const int32_t *downstream, int32_t n_ranks,
                              const wc_partition_options *options, wc_partition **partition) {
  WC_CHECK(partition != NULL, WC_ERR_INTERNAL, "wc_partition_create: NULL output");
  *partition = NULL;
  const double start = now_seconds();
  wc_partition_options defaults = wc_partition_options_default();
  if (options == NULL) options = &defaults;
  WC_CALL(check_input(n, downstream, n_ranks, options));

  wc_partition *p = NULL;
  WC_MALLOC(p, 1, "partition");
  p->method = options->method;
  p->order = options->method == WC_PARTITION_CONTIGUOUS ? options->order : WC_PARTITION_ORDER_GIVEN;
  p->n = n;
  p->n_ranks = n_ranks;
  p->imbalance_bound = options->imbalance;
  p->graph_hash = wc_partition_graph_hash(n, downstream);
  wc_status status = WC_OK;
  p->owner = calloc((size_t)(n > 0 ? n : 1), sizeof *p->owner);
  if (p->owner == NULL) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory allocating the owners of %d cells", n);
    goto fail;
  }
  if (options->method == WC_PARTITION_CONTIGUOUS && options->order == WC_PARTITION_ORDER_GIVEN)
    WC_CALL_GOTO(status, fail,
                 partition_contiguous(n, downstream, n_ranks, options->imbalance, options->cell_weight, p->owner));
  else if (options->method == WC_PARTITION_CONTIGUOUS)
    WC_CALL_GOTO(status, fail, partition_contiguous_reordered(n, downstream, n_ranks, options, p->owner));
#ifdef WCSIM_HAVE_METIS
  else
    WC_CALL_GOTO(status, fail,
                 partition_metis(n, downstream, n_ranks, options->imbalance, options->cell_weight, p->owner));
#endif
  WC_CALL_GOTO(status, fail, finish(p, downstream, options->cell_weight));
  p->report.seconds = now_seconds() - start;
  *partition = p;
  return WC_OK;
fail:
  wc_partition_destroy(&p);
  return status;
}

void wc_partition_destroy(wc_partition **partition) {
  if (partition == NULL || *partition == NULL) return;
  wc_partition *p = *partition;
  free(p->owner);
  free(p->local_index);
  free(p->rank_start);
  free(p->rank_cells);
  free(p->rank_count);
  free(p->rank_weight);
  free(p->cut_out);
  free(p->cut_in);
  free(p);
  *partition = NULL;
}

int32_t wc_partition_cell_count(const wc_partition *partition) { return partition->n; }
int32_t wc_partition_rank_count(const wc_partition *partition) { return partition->n_ranks; }
wc_partition_method wc_partition_get_method(const wc_partition *partition) { return partition->method; }
const int32_t *wc_partition_owner(const wc_partition *partition) { return partition->owner; }
const int32_t *wc_partition_local_index(const wc_partition *partition) { return partition->local_index; }

int32_t wc_partition_local_count(const wc_partition *partition, int32_t rank) {
  if (rank < 0 || rank >= partition->n_ranks) return 0;
  return partition->rank_count[rank];
}

const int32_t *wc_partition_local_cells(const wc_partition *partition, int32_t rank) {
  if (rank < 0 || rank >= partition->n_ranks) return NULL;
  return partition->rank_cells + partition->rank_start[rank];
}

int wc_partition_is_contiguous(const wc_partition *partition) { return partition->contiguous; }

wc_status wc_partition_range(const wc_partition *partition, int32_t rank, int32_t *begin, int32_t *end) {
  WC_CHECK(rank >= 0 && rank < partition->n_ranks, WC_ERR_INTERNAL, "partition: rank %d outside 0..%d", rank,
           partition->n_ranks - 1);
  WC_CHECK(partition->contiguous, WC_ERR_UNSUPPORTED,
           "partition: the %s partition does not give each rank one index range",
           wc_partition_method_name(partition->method));
  int32_t count = partition->rank_count[rank];
  /* An empty rank gets the empty range at the position where its cells would start. */
  int32_t first = count > 0 ? partition->rank_cells[partition->rank_start[rank]] : 0;
  if (count == 0)
    for (int32_t r = rank - 1; r >= 0; r--)
      if (partition->rank_count[r] > 0) {
        first = partition->rank_cells[partition->rank_start[r + 1] - 1] + 1;
        break;
      }
  *begin = first;
  *end = first + count;
  return WC_OK;
}

wc_status wc_partition_locate(const wc_partition *partition, int32_t count, const int32_t *global_cell, int32_t *rank,
                              int32_t *local_index) {
  WC_CHECK(count >= 0, WC_ERR_INTERNAL, "partition: negative count %d", count);
  for (int32_t j = 0; j < count; j++) {
    int32_t g = global_cell[j];
    WC_CHECK(g >= 0 && g < partition->n, WC_ERR_INPUT,
             "partition: cell %d (entry %d) is not a cell of the graph (0..%d)", g, j, partition->n - 1);
    rank[j] = partition->owner[g];
    local_index[j] = partition->local_index[g];
  }
  return WC_OK;
}

wc_partition_report wc_partition_get_report(const wc_partition *partition) { return partition->report; }

uint64_t wc_partition_get_graph_hash(const wc_partition *partition) { return partition->graph_hash; }
