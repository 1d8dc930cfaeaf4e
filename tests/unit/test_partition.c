/*
 * test_partition.c — the decomposition of the drainage graph (hpc/wc_partition) and each
 * rank's halo plan (hpc/wc_halo), serially: every rank's plan is built in one process.
 *
 * Each partition is checked against brute force: every cell owned once with a consistent
 * local index, contiguity and the one-way rank DAG (contiguous method), the balance bound,
 * the cut edges in total and per rank, the rank-graph depth (longest path by exhaustive
 * search, cycles detected) and the flow depth (walking every cell to its outlet). On small
 * graphs the chosen split points are compared with all feasible ones. The plans are
 * checked edge by edge, and an exchange simulated in memory must deliver what a serial
 * pass would.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_halo.h"
#include "wc_partition.h"
#include "wc_test.h"
#include "wc_test_graphs.h"

static int message_has(const char *text) {
  if (strstr(wc_error_message(), text) != NULL) return 1;
  fprintf(stderr, "\n  expected \"%s\" in: %s\n", text, wc_error_message());
  return 0;
}

/* ---- brute-force references ----------------------------------------------------------------- */

/* Longest path in ranks of the rank graph by depth-first search from every rank; -1 when a
 * rank is reached again on the current path (a cycle). */
static int32_t longest_from(int32_t r, int32_t P, const unsigned char *adjacent, int32_t *memo,
                            unsigned char *on_path) {
  if (on_path[r]) return -1;
  if (memo[r] != 0) return memo[r];
  on_path[r] = 1;
  int32_t best = 1;
  for (int32_t s = 0; s < P; s++)
    if (adjacent[(size_t)r * P + s]) {
      int32_t l = longest_from(s, P, adjacent, memo, on_path);
      if (l < 0) {
        on_path[r] = 0;
        return -1;
      }
      if (l + 1 > best) best = l + 1;
    }
  on_path[r] = 0;
  memo[r] = best;
  return best;
}

/* The post-order the re-ordered contiguous variants cut, recomputed here another way:
 * recursively, each cell's upstream cells sorted by sub-tree size (ties by index). */
static const int32_t *sort_size;
static int sort_sign;
static int compare_by_size(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  if (sort_size[x] != sort_size[y]) return sort_sign * ((sort_size[x] > sort_size[y]) - (sort_size[x] < sort_size[y]));
  return (x > y) - (x < y);
}

static void visit(int32_t v, int32_t *const *children, const int32_t *n_children, int32_t *perm, int32_t *count) {
  for (int32_t k = 0; k < n_children[v]; k++) visit(children[v][k], children, n_children, perm, count);
  perm[(*count)++] = v;
}

static int32_t *reference_order(int32_t n, const int32_t *downstream, wc_partition_order order) {
  int32_t *size = malloc((size_t)n * sizeof *size), *n_children = calloc((size_t)n, sizeof *n_children);
  int32_t **children = calloc((size_t)n, sizeof *children), *perm = malloc((size_t)n * sizeof *perm), count = 0;
  for (int32_t i = 0; i < n; i++) size[i] = 1;
  for (int32_t i = 0; i < n; i++)
    if (downstream[i] >= 0) {
      size[downstream[i]] += size[i];
      n_children[downstream[i]]++;
    }
  for (int32_t i = 0; i < n; i++) children[i] = malloc((size_t)(n_children[i] + 1) * sizeof **children);
  for (int32_t i = 0; i < n; i++) n_children[i] = 0;
  for (int32_t i = 0; i < n; i++)
    if (downstream[i] >= 0) children[downstream[i]][n_children[downstream[i]]++] = i;
  sort_size = size;
  sort_sign = order == WC_PARTITION_ORDER_LARGEST_LAST ? 1 : -1;
  for (int32_t i = 0; i < n; i++) qsort(children[i], (size_t)n_children[i], sizeof **children, compare_by_size);
  for (int32_t i = 0; i < n; i++)
    if (downstream[i] < 0) visit(i, children, n_children, perm, &count);
  for (int32_t i = 0; i < n; i++) free(children[i]);
  free(children);
  free(n_children);
  free(size);
  return perm;
}

static void check_partition(int32_t n, const int32_t *downstream, int32_t P, const wc_partition_options *options,
                            const wc_partition *p) {
  CU_ASSERT_EQUAL_FATAL(wc_partition_cell_count(p), n);
  CU_ASSERT_EQUAL_FATAL(wc_partition_rank_count(p), P);
  const int32_t *owner = wc_partition_owner(p), *local = wc_partition_local_index(p);
  wc_partition_report rep = wc_partition_get_report(p);
  int contiguous_method = options->method == WC_PARTITION_CONTIGUOUS;
  int given_order = contiguous_method && options->order == WC_PARTITION_ORDER_GIVEN;

  /* Every cell owned once; local lists ascending and consistent with the maps. */
  int32_t *seen = calloc((size_t)n + 1, sizeof *seen);
  int32_t total = 0;
  double *weight = calloc((size_t)P, sizeof *weight);
  for (int32_t r = 0; r < P; r++) {
    int32_t count = wc_partition_local_count(p, r);
    const int32_t *cells = wc_partition_local_cells(p, r);
    CU_ASSERT_EQUAL(count, rep.cells[r]);
    for (int32_t j = 0; j < count; j++) {
      int32_t g = cells[j];
      CU_ASSERT_FATAL(g >= 0 && g < n);
      seen[g]++;
      CU_ASSERT_EQUAL(owner[g], r);
      CU_ASSERT_EQUAL(local[g], j);
      if (j > 0) CU_ASSERT(cells[j] > cells[j - 1]);
      weight[r] += options->cell_weight ? options->cell_weight[g] : 1.0;
    }
    total += count;
    CU_ASSERT(fabs(weight[r] - rep.weight[r]) <= 1e-9 * (1 + weight[r]));
  }
  CU_ASSERT_EQUAL(total, n);
  for (int32_t i = 0; i < n; i++) CU_ASSERT_EQUAL(seen[i], 1);

  /* Contiguity: owners never decrease along the index, and each range is reported. */
  if (given_order) {
    CU_ASSERT(wc_partition_is_contiguous(p));
    for (int32_t i = 1; i < n; i++) CU_ASSERT(owner[i] >= owner[i - 1]);
    int32_t expected_begin = 0;
    for (int32_t r = 0; r < P; r++) {
      int32_t begin = -1, end = -1;
      CU_ASSERT_EQUAL(wc_partition_range(p, r, &begin, &end), WC_OK);
      CU_ASSERT_EQUAL(begin, expected_begin);
      CU_ASSERT_EQUAL(end - begin, rep.cells[r]);
      expected_begin = end;
    }
    CU_ASSERT_EQUAL(expected_begin, n);
  } else if (contiguous_method && n > 0) {
    /* Ranges of the re-ordered post-order: owners never decrease along it. */
    int32_t *perm = reference_order(n, downstream, options->order);
    for (int32_t k = 1; k < n; k++) CU_ASSERT(owner[perm[k]] >= owner[perm[k - 1]]);
    free(perm);
  }

  /* Balance. */
  if (n > 0) {
    double sum = 0, max_w = 0, min_w = INFINITY;
    for (int32_t r = 0; r < P; r++) {
      sum += weight[r];
      max_w = fmax(max_w, weight[r]);
      min_w = fmin(min_w, weight[r]);
    }
    double mean = sum / P, slack = 1e-9 * mean;
    CU_ASSERT(fabs(rep.imbalance - (max_w / mean - 1)) < 1e-9);
    CU_ASSERT(fabs(rep.max_weight - max_w) <= slack && fabs(rep.min_weight - min_w) <= slack);
    if (contiguous_method) {
      CU_ASSERT(max_w <= (1 + options->imbalance) * mean + slack);
      CU_ASSERT(min_w >= (1 - options->imbalance) * mean - slack);
    }
  }

  /* Cut edges, per rank, the rank graph (a DAG going up for contiguous ranges). */
  int32_t cut = 0;
  int32_t *out = calloc((size_t)P, sizeof *out), *in = calloc((size_t)P, sizeof *in);
  unsigned char *adjacent = calloc((size_t)P * P, 1);
  int32_t pairs = 0;
  for (int32_t i = 0; i < n; i++) {
    int32_t d = downstream[i];
    if (d < 0 || owner[d] == owner[i]) continue;
    cut++;
    out[owner[i]]++;
    in[owner[d]]++;
    if (contiguous_method) CU_ASSERT(owner[d] > owner[i]);
    if (!adjacent[(size_t)owner[i] * P + owner[d]]) pairs++;
    adjacent[(size_t)owner[i] * P + owner[d]] = 1;
  }
  CU_ASSERT_EQUAL(rep.cut_edges, cut);
  CU_ASSERT_EQUAL(rep.rank_edges, pairs);
  int32_t neighbours = 0;
  for (int32_t r = 0; r < P; r++) {
    int32_t count = 0;
    for (int32_t q = 0; q < P; q++) count += adjacent[(size_t)r * P + q] || adjacent[(size_t)q * P + r];
    if (count > neighbours) neighbours = count;
  }
  CU_ASSERT_EQUAL(rep.max_neighbours, neighbours);
  for (int32_t r = 0; r < P; r++) {
    CU_ASSERT_EQUAL(rep.cut_out[r], out[r]);
    CU_ASSERT_EQUAL(rep.cut_in[r], in[r]);
  }
  int32_t *memo = calloc((size_t)P, sizeof *memo);
  unsigned char *on_path = calloc((size_t)P, 1);
  int32_t depth = 0;
  for (int32_t r = 0; r < P && depth >= 0; r++) {
    if (rep.cells[r] == 0) continue;
    int32_t l = longest_from(r, P, adjacent, memo, on_path);
    depth = l < 0 ? -1 : (l > depth ? l : depth);
  }
  CU_ASSERT_EQUAL(rep.rank_graph_depth, depth);
  if (contiguous_method) CU_ASSERT(depth >= 0);
  /* Flow depth: walk every cell to its outlet counting rank changes. */
  int32_t flow = 0;
  for (int32_t i = 0; i < n; i++) {
    int32_t segments = 1;
    for (int32_t c = i; downstream[c] >= 0; c = downstream[c]) segments += owner[downstream[c]] != owner[c];
    if (segments > flow) flow = segments;
  }
  CU_ASSERT_EQUAL(rep.flow_depth, flow);
  if (depth > 0) CU_ASSERT(rep.flow_depth <= depth);

  free(seen);
  free(weight);
  free(out);
  free(in);
  free(adjacent);
  free(memo);
  free(on_path);
}

/* Partition, check, destroy. Returns the report's cut edges (or -1 on failure). */
static int32_t run_case(int32_t n, const int32_t *downstream, int32_t P, const wc_partition_options *options) {
  wc_partition *p = NULL;
  wc_status status = wc_partition_create(n, downstream, P, options, &p);
  if (status != WC_OK) fprintf(stderr, "\n  partition of %d cells into %d failed: %s\n", n, P, wc_error_message());
  CU_ASSERT_EQUAL_FATAL(status, WC_OK);
  check_partition(n, downstream, P, options, p);
  int32_t cut = wc_partition_get_report(p).cut_edges;
  wc_partition_destroy(&p);
  CU_ASSERT_PTR_NULL(p);
  return cut;
}

/* The loosest feasible bound for unit weights and a little more, so every P can be tried. */
static wc_partition_options options_for(int32_t n, int32_t P, wc_partition_method method) {
  wc_partition_options options = wc_partition_options_default();
  options.method = method;
  if (n > 0 && P > 1) {
    double mean = (double)n / P;
    double needed = fmax((double)((n + P - 1) / P) / mean - 1, 1 - (double)(n / P) / mean);
    if (needed > options.imbalance) options.imbalance = needed + 1e-9;
  }
  return options;
}

static const int32_t rank_counts[] = {1, 2, 3, 4, 7, 16, 64};

/* Every rank count; for the contiguous method in each of the three orders. */
static void run_all_rank_counts(int32_t n, const int32_t *downstream, wc_partition_method method) {
  int orders = method == WC_PARTITION_CONTIGUOUS ? 3 : 1;
  for (int order = 0; order < orders; order++)
    for (size_t k = 0; k < sizeof rank_counts / sizeof *rank_counts; k++) {
      wc_partition_options options = options_for(n, rank_counts[k], method);
      options.order = (wc_partition_order)order;
      run_case(n, downstream, rank_counts[k], &options);
    }
}

/* ---- contiguous partition ------------------------------------------------------------------- */

static void test_random_trees(void) {
  for (uint64_t seed = 1; seed <= 8; seed++) {
    int32_t n = 50 + (int32_t)(seed * 97 % 700);
    int32_t *downstream = wc_test_random_tree(n, 1 + (int32_t)(seed % 3), seed);
    run_all_rank_counts(n, downstream, WC_PARTITION_CONTIGUOUS);
    free(downstream);
  }
}

static void test_chain_star_binary(void) {
  int32_t *chain = wc_test_chain(100);
  run_all_rank_counts(100, chain, WC_PARTITION_CONTIGUOUS);
  /* A chain cut into P ranges is cut exactly P - 1 times, and flows through every rank. */
  wc_partition_options options = wc_partition_options_default();
  wc_partition *p = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_partition_create(100, chain, 4, &options, &p), WC_OK);
  wc_partition_report rep = wc_partition_get_report(p);
  CU_ASSERT_EQUAL(rep.cut_edges, 3);
  CU_ASSERT_EQUAL(rep.rank_graph_depth, 4);
  CU_ASSERT_EQUAL(rep.flow_depth, 4);
  CU_ASSERT_EQUAL(rep.min_cells, 25);
  CU_ASSERT_EQUAL(rep.max_cells, 25);
  wc_partition_destroy(&p);
  free(chain);

  /* A star: every rank but the last sends all its cells to the centre. */
  int32_t *star = wc_test_star(101);
  run_all_rank_counts(101, star, WC_PARTITION_CONTIGUOUS);
  CU_ASSERT_EQUAL_FATAL(wc_partition_create(101, star, 4, &options, &p), WC_OK);
  rep = wc_partition_get_report(p);
  CU_ASSERT_EQUAL(rep.cut_edges, 100 - rep.cells[3] + 1);
  CU_ASSERT_EQUAL(rep.flow_depth, 2);
  CU_ASSERT_EQUAL(rep.rank_graph_depth, 2);
  wc_partition_destroy(&p);
  free(star);

  int32_t n = 0;
  int32_t *binary = wc_test_binary_tree(9, &n);
  run_all_rank_counts(n, binary, WC_PARTITION_CONTIGUOUS);
  /* Two ranks on a complete binary tree: the root's left sub-tree (255 cells) is exactly
   * half of the 511 but the split must land within 5%, so 1 cut edge is possible. */
  CU_ASSERT_EQUAL_FATAL(wc_partition_create(n, binary, 2, &options, &p), WC_OK);
  CU_ASSERT_EQUAL(wc_partition_get_report(p).cut_edges, 1);
  wc_partition_destroy(&p);
  free(binary);
}

static void test_zero_and_one_cell(void) {
  wc_partition_options options = wc_partition_options_default();
  wc_partition *p = NULL;
  for (int32_t P = 1; P <= 3; P++) {
    CU_ASSERT_EQUAL_FATAL(wc_partition_create(0, NULL, P, &options, &p), WC_OK);
    wc_partition_report rep = wc_partition_get_report(p);
    CU_ASSERT_EQUAL(rep.cut_edges, 0);
    CU_ASSERT_EQUAL(rep.flow_depth, 0);
    CU_ASSERT_EQUAL(rep.rank_graph_depth, 0);
    CU_ASSERT_EQUAL(rep.imbalance, 0);
    check_partition(0, NULL, P, &options, p);
    wc_partition_destroy(&p);
  }
  int32_t one[1] = {-1};
  run_case(1, one, 1, &options);
  /* One cell on two ranks: only with a bound that allows an empty rank. */
  CU_ASSERT_EQUAL(wc_partition_create(1, one, 2, &options, &p), WC_ERR_INPUT);
  CU_ASSERT_PTR_NULL(p);
  wc_partition_options loose = options_for(1, 2, WC_PARTITION_CONTIGUOUS);
  run_case(1, one, 2, &loose);
}

static void test_more_ranks_than_cells(void) {
  int32_t *downstream = wc_test_random_tree(5, 1, 3);
  wc_partition *p = NULL;
  wc_partition_options options = wc_partition_options_default();
  CU_ASSERT_EQUAL(wc_partition_create(5, downstream, 8, &options, &p), WC_ERR_INPUT);
  CU_ASSERT(message_has("5 cells cannot be split among 8 ranks"));
  CU_ASSERT(message_has("needs 1"));
  options.imbalance = 1.0; /* allows empty ranks: [0, 2 x mean] */
  CU_ASSERT_EQUAL_FATAL(wc_partition_create(5, downstream, 8, &options, &p), WC_OK);
  check_partition(5, downstream, 8, &options, p);
  wc_partition_report rep = wc_partition_get_report(p);
  CU_ASSERT_EQUAL(rep.min_cells, 0);
  CU_ASSERT_EQUAL(rep.max_cells, 1);
  wc_partition_destroy(&p);
  free(downstream);
}

/* All split vectors of n cells into P ranges within the bounds, by recursion. */
static void best_splits(int32_t n, const int32_t *cross, const double *prefix, int32_t P, int32_t k, int32_t from,
                        double lower, double upper, int64_t cost, int64_t *best) {
  if (k == P - 1) {
    double part = prefix[n] - prefix[from];
    if (part >= lower - 1e-9 && part <= upper + 1e-9 && cost < *best) *best = cost;
    return;
  }
  for (int32_t b = from; b <= n; b++) {
    double part = prefix[b] - prefix[from];
    if (part > upper + 1e-9) break;
    if (part < lower - 1e-9) continue;
    best_splits(n, cross, prefix, P, k + 1, b, lower, upper, cost + cross[b], best);
  }
}

static void test_split_points_are_optimal(void) {
  int compared = 0;
  for (uint64_t seed = 1; seed <= 40; seed++) {
    int32_t n = 6 + (int32_t)(seed % 13);
    int32_t *downstream = wc_test_random_tree(n, 1 + (int32_t)(seed % 2), seed + 100);
    double weight[32], prefix[33] = {0};
    int32_t cross[33] = {0};
    uint64_t state = seed;
    for (int32_t i = 0; i < n; i++) weight[i] = seed % 3 ? 1.0 : 0.5 + (double)(wc_test_rand(&state) % 4);
    for (int32_t i = 0; i < n; i++) prefix[i + 1] = prefix[i] + weight[i];
    for (int32_t p = 0; p <= n; p++)
      for (int32_t i = 0; i < n; i++) cross[p] += downstream[i] >= 0 && i < p && p <= downstream[i];
    for (int32_t P = 2; P <= 4; P++) {
      wc_partition_options options = wc_partition_options_default();
      options.order = WC_PARTITION_ORDER_GIVEN; /* the brute force splits the given order */
      options.imbalance = 0.4;
      options.cell_weight = weight;
      double mean = prefix[n] / P;
      int64_t best = INT64_MAX;
      best_splits(n, cross, prefix, P, 0, 0, 0.6 * mean, 1.4 * mean, 0, &best);
      wc_partition *p = NULL;
      wc_status status = wc_partition_create(n, downstream, P, &options, &p);
      if (best == INT64_MAX) {
        CU_ASSERT_EQUAL(status, WC_ERR_INPUT);
        continue;
      }
      CU_ASSERT_EQUAL_FATAL(status, WC_OK);
      check_partition(n, downstream, P, &options, p);
      /* The split points are the ranks' first cells (an empty rank's range is empty there). */
      int64_t chosen = 0;
      for (int32_t r = 1; r < P; r++) {
        int32_t begin = 0, end = 0;
        CU_ASSERT_EQUAL(wc_partition_range(p, r, &begin, &end), WC_OK);
        chosen += cross[begin];
      }
      CU_ASSERT_EQUAL(chosen, best);
      compared++;
      wc_partition_destroy(&p);
    }
    free(downstream);
  }
  CU_ASSERT(compared > 100); /* most of the 120 cases are feasible */
}

static void test_weights(void) {
  int32_t n = 600;
  int32_t *downstream = wc_test_random_tree(n, 2, 77);
  double *weight = malloc((size_t)n * sizeof *weight);
  uint64_t state = 5;
  for (int32_t i = 0; i < n; i++) weight[i] = 0.5 + (double)(wc_test_rand(&state) % 100) / 40.0;
  wc_partition_options options = wc_partition_options_default();
  options.cell_weight = weight;
  for (int order = 0; order < 3; order++) {
    options.order = (wc_partition_order)order;
    for (int32_t P = 1; P <= 16; P *= 2) run_case(n, downstream, P, &options);
  }
  options.order = WC_PARTITION_ORDER_GIVEN;
  /* One cell heavier than a rank's share: no split can balance it. */
  weight[10] = 1e4;
  wc_partition *p = NULL;
  CU_ASSERT_EQUAL(wc_partition_create(n, downstream, 4, &options, &p), WC_ERR_INPUT);
  CU_ASSERT(message_has("heaviest cell weighs 10000"));
  CU_ASSERT_PTR_NULL(p);
  weight[10] = NAN;
  CU_ASSERT_EQUAL(wc_partition_create(n, downstream, 4, &options, &p), WC_ERR_INPUT);
  CU_ASSERT(message_has("cell 10 has weight nan"));
  weight[10] = -1;
  CU_ASSERT_EQUAL(wc_partition_create(n, downstream, 4, &options, &p), WC_ERR_INPUT);
  for (int32_t i = 0; i < n; i++) weight[i] = 0;
  CU_ASSERT_EQUAL(wc_partition_create(n, downstream, 4, &options, &p), WC_ERR_INPUT);
  CU_ASSERT(message_has("every cell weight is 0"));
  free(weight);
  free(downstream);
}

/* The cell-by-cell work model: (cells upstream, the cell included)^0.15. On a chain cell i
 * has i + 1 cells upstream; a confluence adds its branches; a graph that is not
 * topological is refused naming the cell. */
static void test_cellwise_weights(void) {
  enum { N = 70000 };
  int32_t *downstream = malloc(N * sizeof *downstream);
  double *weight = malloc(N * sizeof *weight);
  for (int32_t i = 0; i < N; i++) downstream[i] = i + 1 < N ? i + 1 : -1;
  CU_ASSERT_EQUAL_FATAL(wc_partition_cellwise_weights(N, downstream, weight), WC_OK);
  CU_ASSERT_DOUBLE_EQUAL(weight[0], 1.0, 1e-15);
  CU_ASSERT_DOUBLE_EQUAL(weight[15], pow(16.0, 0.15), 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(weight[1023], pow(1024.0, 0.15), 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(weight[N - 1], pow(70000.0, 0.15), 1e-12); /* 5.3: the 1 km basins' outlets */
  int32_t fork[5] = {2, 2, 4, 4, -1};                /* 0, 1 -> 2; 2, 3 -> 4 */
  CU_ASSERT_EQUAL_FATAL(wc_partition_cellwise_weights(5, fork, weight), WC_OK);
  CU_ASSERT_DOUBLE_EQUAL(weight[2], pow(3.0, 0.15), 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(weight[4], pow(5.0, 0.15), 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(weight[3], 1.0, 1e-15);
  int32_t backwards[3] = {-1, 0, -1};
  CU_ASSERT_EQUAL(wc_partition_cellwise_weights(3, backwards, weight), WC_ERR_INPUT);
  CU_ASSERT(message_has("cell 1 drains to 0"));
  free(weight);
  free(downstream);
}

static void test_bad_input(void) {
  wc_partition *p = NULL;
  int32_t backwards[3] = {1, 0, -1};
  CU_ASSERT_EQUAL(wc_partition_create(3, backwards, 2, NULL, &p), WC_ERR_INPUT);
  CU_ASSERT(message_has("not in topological order: cell 1 drains to 0"));
  CU_ASSERT_PTR_NULL(p);
  int32_t self[2] = {0, -1};
  CU_ASSERT_EQUAL(wc_partition_create(2, self, 1, NULL, &p), WC_ERR_INPUT);
  CU_ASSERT(message_has("cell 0 drains to 0"));
  int32_t outside[2] = {5, -1};
  CU_ASSERT_EQUAL(wc_partition_create(2, outside, 1, NULL, &p), WC_ERR_INPUT);
  int32_t ok[2] = {1, -1};
  CU_ASSERT_EQUAL(wc_partition_create(2, ok, 0, NULL, &p), WC_ERR_INPUT);
  CU_ASSERT(message_has("need at least 1"));
  wc_partition_options options = wc_partition_options_default();
  options.imbalance = -0.1;
  CU_ASSERT_EQUAL(wc_partition_create(2, ok, 1, &options, &p), WC_ERR_INPUT);
  /* 3 cells on 2 ranks: 2 + 1 is 33% off the mean. */
  int32_t three[3] = {2, 2, -1};
  CU_ASSERT_EQUAL(wc_partition_create(3, three, 2, NULL, &p), WC_ERR_INPUT);
  CU_ASSERT(message_has("the best split needs 0.3333"));
  wc_partition_method method = WC_PARTITION_CONTIGUOUS;
  CU_ASSERT_EQUAL(wc_partition_method_parse("metis", &method), WC_OK);
  CU_ASSERT_EQUAL(method, WC_PARTITION_METIS);
  CU_ASSERT_EQUAL(wc_partition_method_parse("scotch", &method), WC_ERR_USAGE);
  CU_ASSERT_STRING_EQUAL(wc_partition_method_name(WC_PARTITION_CONTIGUOUS), "contiguous");
  if (!wc_partition_method_available(WC_PARTITION_METIS)) {
    options = wc_partition_options_default();
    options.method = WC_PARTITION_METIS;
    CU_ASSERT_EQUAL(wc_partition_create(2, ok, 1, &options, &p), WC_ERR_UNSUPPORTED);
  }
  wc_partition_destroy(NULL);
  wc_partition_destroy(&p);
}

/* The re-ordered variants on a river-like tree: a main stem with hillslopes on both sides
 * and tributaries. Largest-first cuts fewest edges; largest-last keeps flow depth lowest;
 * both are one-way (checked in check_partition) and balanced. */
static void test_orders(void) {
  /* Main stem 0..S-1 (S-1 the outlet), each stem cell with a tributary of length T whose
   * cells each have two hillslope cells. Built as a parent array, numbered in post-order
   * with children in index order (like D8 direction order: arbitrary). */
  enum { S = 60, T = 6 };
  int32_t m = S * (1 + 3 * T), *parent = malloc((size_t)m * sizeof *parent), next = S;
  for (int32_t s = 0; s < S; s++) parent[s] = s + 1 < S ? s + 1 : -1;
  for (int32_t s = 0; s < S; s++)
    for (int32_t t = 0, up = s; t < T; t++) {
      int32_t cell = next++;
      parent[cell] = up;
      parent[next++] = cell;
      parent[next++] = cell;
      up = cell;
    }
  int32_t *downstream = wc_test_postorder(m, parent, NULL);
  free(parent);
  int32_t cuts[3] = {0}, depth[3] = {0};
  for (int order = 0; order < 3; order++) {
    wc_partition_options options = wc_partition_options_default();
    options.order = (wc_partition_order)order;
    wc_partition *p = NULL;
    CU_ASSERT_EQUAL_FATAL(wc_partition_create(m, downstream, 16, &options, &p), WC_OK);
    check_partition(m, downstream, 16, &options, p);
    wc_partition_report rep = wc_partition_get_report(p);
    CU_ASSERT_EQUAL(rep.order, options.order);
    CU_ASSERT_EQUAL(wc_partition_is_contiguous(p), order == 0 || m == 0);
    cuts[order] = rep.cut_edges;
    depth[order] = rep.flow_depth;
    wc_partition_destroy(&p);
  }
  CU_ASSERT(cuts[WC_PARTITION_ORDER_LARGEST_FIRST] <= cuts[WC_PARTITION_ORDER_GIVEN]);
  CU_ASSERT(cuts[WC_PARTITION_ORDER_LARGEST_FIRST] <= cuts[WC_PARTITION_ORDER_LARGEST_LAST]);
  CU_ASSERT(depth[WC_PARTITION_ORDER_LARGEST_LAST] <= depth[WC_PARTITION_ORDER_LARGEST_FIRST]);
  free(downstream);
  wc_partition_order order = WC_PARTITION_ORDER_GIVEN;
  CU_ASSERT_EQUAL(wc_partition_order_parse("largest-last", &order), WC_OK);
  CU_ASSERT_EQUAL(order, WC_PARTITION_ORDER_LARGEST_LAST);
  CU_ASSERT_EQUAL(wc_partition_order_parse("bfs", &order), WC_ERR_USAGE);
}

static void test_locate(void) {
  int32_t n = 300;
  int32_t *downstream = wc_test_random_tree(n, 1, 11);
  wc_partition *p = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_partition_create(n, downstream, 5, NULL, &p), WC_OK);
  int32_t cells[4] = {0, 17, 150, n - 1}, rank[4], local[4];
  CU_ASSERT_EQUAL(wc_partition_locate(p, 4, cells, rank, local), WC_OK);
  for (int k = 0; k < 4; k++) CU_ASSERT_EQUAL(wc_partition_local_cells(p, rank[k])[local[k]], cells[k]);
  CU_ASSERT_EQUAL(rank[3], 4); /* the outlet is last, on the last rank */
  int32_t bad[2] = {3, n};
  CU_ASSERT_EQUAL(wc_partition_locate(p, 2, bad, rank, local), WC_ERR_INPUT);
  CU_ASSERT(message_has("cell 300 (entry 1)"));
  wc_partition_destroy(&p);
  free(downstream);
}

/* ---- METIS ------------------------------------------------------------------------------------ */

static void test_metis(void) {
  if (!wc_partition_method_available(WC_PARTITION_METIS)) {
    fprintf(stderr, " (METIS not built: skipped) ");
    return;
  }
  for (uint64_t seed = 1; seed <= 4; seed++) {
    int32_t n = 200 + (int32_t)(seed * 131 % 900);
    int32_t *downstream = wc_test_random_tree(n, 1 + (int32_t)(seed % 3), seed + 40);
    for (size_t k = 0; k < sizeof rank_counts / sizeof *rank_counts; k++) {
      wc_partition_options options = wc_partition_options_default();
      options.method = WC_PARTITION_METIS;
      run_case(n, downstream, rank_counts[k], &options);
    }
    free(downstream);
  }
  int32_t *chain = wc_test_chain(64);
  wc_partition_options options = wc_partition_options_default();
  options.method = WC_PARTITION_METIS;
  run_case(64, chain, 4, &options);
  run_case(0, NULL, 4, &options);
  int32_t one[1] = {-1};
  run_case(1, one, 1, &options);
  run_case(1, one, 3, &options);
  free(chain);
}

/* ---- halo plans ------------------------------------------------------------------------------ */

/* Build every rank's plan and check it against the global graph; then move rates
 * (outflow = global index + 1 of the sender, times q + 1 for quantity q) through an
 * in-memory exchange and compare with a serial sum over cross-rank edges. */
static void check_plans(int32_t n, const int32_t *downstream, const wc_partition *p) {
  enum { NT = 2 };
  const int32_t P = wc_partition_rank_count(p);
  const int32_t *owner = wc_partition_owner(p), *local = wc_partition_local_index(p);
  wc_halo_plan **plans = calloc((size_t)P, sizeof *plans);
  for (int32_t r = 0; r < P; r++) {
    wc_status status = wc_halo_plan_create(p, n, downstream, r, &plans[r]);
    if (status != WC_OK) fprintf(stderr, "\n  plan of rank %d: %s\n", r, wc_error_message());
    CU_ASSERT_EQUAL_FATAL(status, WC_OK);
  }
  int32_t total_send = 0, total_recv = 0;
  for (int32_t r = 0; r < P; r++) {
    const wc_halo_plan *plan = plans[r];
    int32_t nl = wc_halo_plan_local_count(plan);
    const int32_t *gi = wc_halo_plan_global_index(plan), *ds = wc_halo_plan_downstream(plan);
    const int32_t *us = wc_halo_plan_upstream_start(plan), *ui = wc_halo_plan_upstream_index(plan);
    CU_ASSERT_EQUAL(nl, wc_partition_local_count(p, r));
    int32_t outlets = 0, sends = 0;
    for (int32_t j = 0; j < nl; j++) {
      int32_t g = gi[j], d = downstream[g];
      CU_ASSERT_EQUAL(owner[g], r);
      CU_ASSERT_EQUAL(local[g], j);
      if (d >= 0 && owner[d] == r) {
        CU_ASSERT_EQUAL(ds[j], local[d]);
        CU_ASSERT(ds[j] > j);
      } else {
        CU_ASSERT_EQUAL(ds[j], -1);
        CU_ASSERT_EQUAL(wc_halo_plan_outlets(plan)[outlets], j);
        outlets++;
        sends += d >= 0;
      }
      /* Upstream CSR: the same-rank upstream cells of g, ascending. */
      int32_t expected = 0;
      for (int32_t u = 0; u < n; u++)
        if (downstream[u] == g && owner[u] == r) {
          CU_ASSERT_FATAL(us[j] + expected < us[j + 1]);
          CU_ASSERT_EQUAL(ui[us[j] + expected], local[u]);
          expected++;
        }
      CU_ASSERT_EQUAL(us[j + 1] - us[j], expected);
    }
    CU_ASSERT_EQUAL(wc_halo_plan_outlet_count(plan), outlets);
    CU_ASSERT_EQUAL(wc_halo_plan_send_count(plan), sends);
    CU_ASSERT_EQUAL(sends, wc_partition_get_report(p).cut_out[r]);
    CU_ASSERT_EQUAL(wc_halo_plan_recv_count(plan), wc_partition_get_report(p).cut_in[r]);
    total_send += sends;
    total_recv += wc_halo_plan_recv_count(plan);
    /* Send entries: destination and its local cell right, outlet index right, grouped. */
    const int32_t *sc = wc_halo_plan_send_cell(plan), *sr = wc_halo_plan_send_rank(plan);
    const int32_t *srm = wc_halo_plan_send_remote_cell(plan), *so = wc_halo_plan_send_outlet(plan);
    for (int32_t k = 0; k < sends; k++) {
      int32_t d = downstream[gi[sc[k]]];
      CU_ASSERT_EQUAL(sr[k], owner[d]);
      CU_ASSERT_EQUAL(srm[k], local[d]);
      CU_ASSERT_EQUAL(wc_halo_plan_outlets(plan)[so[k]], sc[k]);
      if (k > 0) CU_ASSERT(sr[k] > sr[k - 1] || (sr[k] == sr[k - 1] && sc[k] > sc[k - 1]));
    }
    int32_t groups = wc_halo_plan_send_neighbour_count(plan);
    const int32_t *gr = wc_halo_plan_send_neighbour_rank(plan), *gs = wc_halo_plan_send_neighbour_start(plan);
    CU_ASSERT_EQUAL(gs[0], 0);
    CU_ASSERT_EQUAL(gs[groups], sends);
    for (int32_t g = 0; g < groups; g++) {
      CU_ASSERT(gs[g + 1] > gs[g]);
      for (int32_t k = gs[g]; k < gs[g + 1]; k++) CU_ASSERT_EQUAL(sr[k], gr[g]);
      CU_ASSERT(gr[g] != r);
    }
  }
  CU_ASSERT_EQUAL(total_send, wc_partition_get_report(p).cut_edges);
  CU_ASSERT_EQUAL(total_recv, total_send);

  /* The in-memory exchange: for each pair (A -> B), A's send group and B's receive group
   * are the same edges in the same order. */
  double **extra = calloc((size_t)P, sizeof *extra);
  for (int32_t r = 0; r < P; r++)
    extra[r] = calloc((size_t)(wc_halo_plan_local_count(plans[r]) + 1) * NT, sizeof(double));
  for (int32_t b = 0; b < P; b++) {
    const wc_halo_plan *rp = plans[b];
    int32_t groups = wc_halo_plan_recv_neighbour_count(rp);
    const int32_t *gr = wc_halo_plan_recv_neighbour_rank(rp), *gs = wc_halo_plan_recv_neighbour_start(rp);
    const int32_t *rc = wc_halo_plan_recv_cell(rp), *rr = wc_halo_plan_recv_rank(rp);
    const int32_t *rrm = wc_halo_plan_recv_remote_cell(rp);
    for (int32_t g = 0; g < groups; g++) {
      int32_t a = gr[g];
      const wc_halo_plan *sp = plans[a];
      int32_t sg = -1;
      for (int32_t h = 0; h < wc_halo_plan_send_neighbour_count(sp); h++)
        if (wc_halo_plan_send_neighbour_rank(sp)[h] == b) sg = h;
      CU_ASSERT_FATAL(sg >= 0);
      const int32_t *ss = wc_halo_plan_send_neighbour_start(sp);
      CU_ASSERT_EQUAL_FATAL(ss[sg + 1] - ss[sg], gs[g + 1] - gs[g]);
      for (int32_t k = 0; k < gs[g + 1] - gs[g]; k++) {
        int32_t send_k = ss[sg] + k, recv_k = gs[g] + k;
        int32_t sender_cell = wc_halo_plan_send_cell(sp)[send_k];
        CU_ASSERT_EQUAL(rr[recv_k], a);
        CU_ASSERT_EQUAL(rrm[recv_k], sender_cell);
        CU_ASSERT_EQUAL(rc[recv_k], wc_halo_plan_send_remote_cell(sp)[send_k]);
        double rate = wc_halo_plan_global_index(sp)[sender_cell] + 1.0;
        for (int q = 0; q < NT; q++) extra[b][(size_t)rc[recv_k] * NT + q] += rate * (q + 1);
      }
    }
  }
  for (int32_t i = 0; i < n; i++)
    for (int q = 0; q < NT; q++) {
      double expected = 0;
      for (int32_t u = 0; u < n; u++)
        if (downstream[u] == i && owner[u] != owner[i]) expected += (u + 1.0) * (q + 1);
      CU_ASSERT_EQUAL(extra[owner[i]][(size_t)local[i] * NT + q], expected);
    }
  for (int32_t r = 0; r < P; r++) {
    free(extra[r]);
    wc_halo_plan_destroy(&plans[r]);
    CU_ASSERT_PTR_NULL(plans[r]);
  }
  free(extra);
  free(plans);
}

static void test_plans(void) {
  for (int variant = 0; variant < 3; variant++) {
    int method = variant == 1 ? WC_PARTITION_METIS : WC_PARTITION_CONTIGUOUS;
    if (!wc_partition_method_available((wc_partition_method)method)) continue;
    for (uint64_t seed = 1; seed <= 3; seed++) {
      int32_t n = 150 + (int32_t)(seed * 71 % 200);
      int32_t *downstream = wc_test_random_tree(n, (int32_t)seed, seed + 7);
      for (int32_t P = 1; P <= 7; P += 3) {
        wc_partition_options options = options_for(n, P, (wc_partition_method)method);
        if (variant == 2) options.order = WC_PARTITION_ORDER_LARGEST_LAST;
        wc_partition *p = NULL;
        CU_ASSERT_EQUAL_FATAL(wc_partition_create(n, downstream, P, &options, &p), WC_OK);
        check_plans(n, downstream, p);
        wc_partition_destroy(&p);
      }
      free(downstream);
    }
  }
  int32_t *star = wc_test_star(40);
  wc_partition *p = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_partition_create(40, star, 4, NULL, &p), WC_OK);
  check_plans(40, star, p);
  /* A different graph than the one partitioned is refused. */
  int32_t *chain = wc_test_chain(40);
  wc_halo_plan *plan = NULL;
  CU_ASSERT_EQUAL(wc_halo_plan_create(p, 40, chain, 0, &plan), WC_ERR_INPUT);
  CU_ASSERT(message_has("not the graph that was partitioned"));
  CU_ASSERT_EQUAL(wc_halo_plan_create(p, 40, star, 4, &plan), WC_ERR_INPUT);
  CU_ASSERT_PTR_NULL(plan);
  wc_partition_destroy(&p);
  free(chain);
  free(star);
  /* Empty ranks have empty plans. */
  int32_t one[1] = {-1};
  wc_partition_options loose = options_for(1, 3, WC_PARTITION_CONTIGUOUS);
  CU_ASSERT_EQUAL_FATAL(wc_partition_create(1, one, 3, &loose, &p), WC_OK);
  check_plans(1, one, p);
  wc_partition_destroy(&p);
}

static CU_TestInfo partition_tests[] = {
    WC_TEST(test_random_trees),
    WC_TEST(test_chain_star_binary),
    WC_TEST(test_zero_and_one_cell),
    WC_TEST(test_more_ranks_than_cells),
    WC_TEST(test_split_points_are_optimal),
    WC_TEST(test_weights),
    WC_TEST(test_cellwise_weights),
    WC_TEST(test_bad_input),
    WC_TEST(test_orders),
    WC_TEST(test_locate),
    WC_TEST(test_metis),
    CU_TEST_INFO_NULL,
};

static CU_TestInfo plan_tests[] = {
    WC_TEST(test_plans),
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"partition", NULL, NULL, NULL, NULL, partition_tests},
    {"halo_plan", NULL, NULL, NULL, NULL, plan_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv) { return wc_test_run(argc, argv, suites, 0); }
