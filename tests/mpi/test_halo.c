/*
 * test_halo.c — the halo exchange under mpiexec (np = 1..4): every rank builds the same
 * global graph and partition, its own plan and exchange, and checks
 *   - known values: each send cell sends its global index (+1, times q+1 for quantity q);
 *     every rank's extra_inflow must be exactly the serial sum over cross-rank edges;
 *   - a forward pass: with a linear cell function out = inflow + source (integer sources,
 *     so sums are exact in any order), the local passes with the halo between them
 *     reproduce the serial pass over the whole graph exactly after flow_depth passes (the
 *     block-Jacobi bound the partition reports), and not one pass earlier;
 *   - a pass pipelined along a one-way rank graph with the step-by-step exchange (post
 *     receives, wait, local pass, send per neighbour) is the serial pass in one go;
 *   - persistent requests survive many start/finish rounds; misuse is an error.
 * Graphs: random trees, a chain, a star, a binary tree, and graphs smaller than the job;
 * partitions: contiguous (given and largest-last order) and METIS when built.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_halo.h"
#include "wc_mpi.h"
#include "wc_partition.h"
#include "wc_test.h"
#include "wc_test_graphs.h"

enum { NT = 2 };

typedef struct test_graph {
  const char *name;
  int32_t n;
  int32_t *downstream;
} test_graph;

static int32_t n_graphs;
static test_graph graphs[16];

static void add_graph(const char *name, int32_t n, int32_t *downstream) {
  graphs[n_graphs++] = (test_graph){name, n, downstream};
}

static int make_graphs(void) {
  add_graph("random-1", 700, wc_test_random_tree(700, 1, 1));
  add_graph("random-3", 1500, wc_test_random_tree(1500, 3, 2));
  add_graph("random-9", 333, wc_test_random_tree(333, 9, 3));
  add_graph("chain", 120, wc_test_chain(120));
  add_graph("star", 90, wc_test_star(90));
  int32_t n = 0;
  int32_t *binary = wc_test_binary_tree(8, &n);
  add_graph("binary", n, binary);
  add_graph("tiny", 2, wc_test_chain(2)); /* fewer cells than ranks at np 3, 4 */
  add_graph("empty", 0, NULL);
  return 0;
}

static int free_graphs(void) {
  for (int32_t g = 0; g < n_graphs; g++) free(graphs[g].downstream);
  n_graphs = 0;
  return 0;
}

/* A bound every rank count can meet (graphs smaller than the job leave ranks empty). */
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

typedef struct rank_setup {
  wc_partition *partition;
  wc_halo_plan *plan;
  wc_halo *halo;
} rank_setup;

/* The partitions under test: contiguous in the given and the largest-last order, METIS. */
typedef struct variant {
  wc_partition_method method;
  wc_partition_order order;
  const char *name;
} variant;

static const variant variants[] = {
    {WC_PARTITION_CONTIGUOUS, WC_PARTITION_ORDER_GIVEN, "contiguous"},
    {WC_PARTITION_CONTIGUOUS, WC_PARTITION_ORDER_LARGEST_LAST, "contiguous/largest-last"},
    {WC_PARTITION_METIS, WC_PARTITION_ORDER_GIVEN, "metis"},
};

static int setup(const test_graph *g, const variant *v, rank_setup *s) {
  memset(s, 0, sizeof *s);
  int size = wc_mpi_size(), rank = wc_mpi_rank();
  wc_partition_options options = options_for(g->n, size, v->method);
  options.order = v->order;
  wc_status status = wc_partition_create(g->n, g->downstream, size, &options, &s->partition);
  if (status == WC_OK) status = wc_halo_plan_create(s->partition, g->n, g->downstream, rank, &s->plan);
  if (status == WC_OK) status = wc_halo_create(s->plan, MPI_COMM_WORLD, NT, &s->halo);
  if (status != WC_OK) fprintf(stderr, "\n  [rank %d] %s/%s: %s\n", rank, g->name, v->name, wc_error_message());
  CU_ASSERT_EQUAL(status, WC_OK);
  return status == WC_OK;
}

static void teardown(rank_setup *s) {
  wc_halo_destroy(&s->halo);
  wc_halo_plan_destroy(&s->plan);
  wc_partition_destroy(&s->partition);
}

/* Serial reference: what arrives at each global cell from other ranks. */
static double expected_extra(const test_graph *g, const int32_t *owner, int32_t cell, int q) {
  double sum = 0;
  for (int32_t u = 0; u < g->n; u++)
    if (g->downstream[u] == cell && owner[u] != owner[cell]) sum += (u + 1.0) * (q + 1);
  return sum;
}

static void exchange_known_values(const variant *v) {
  if (!wc_partition_method_available(v->method)) return;
  for (int32_t k = 0; k < n_graphs; k++) {
    const test_graph *g = &graphs[k];
    rank_setup s;
    if (!setup(g, v, &s)) {
      teardown(&s);
      continue;
    }
    const wc_halo_plan *plan = s.plan;
    const int32_t *owner = wc_partition_owner(s.partition);
    const int32_t *gi = wc_halo_plan_global_index(plan);
    int32_t nl = wc_halo_plan_local_count(plan), ns = wc_halo_plan_send_count(plan);
    int32_t no = wc_halo_plan_outlet_count(plan);
    double *send = calloc((size_t)(ns + 1) * NT, sizeof *send);
    double *outlet = calloc((size_t)(no + 1) * NT, sizeof *outlet);
    double *extra = malloc((size_t)(nl + 1) * NT * sizeof *extra);
    for (int32_t j = 0; j < ns; j++)
      for (int q = 0; q < NT; q++) send[(size_t)j * NT + q] = (gi[wc_halo_plan_send_cell(plan)[j]] + 1.0) * (q + 1);
    for (int32_t j = 0; j < no; j++)
      for (int q = 0; q < NT; q++) outlet[(size_t)j * NT + q] = (gi[wc_halo_plan_outlets(plan)[j]] + 1.0) * (q + 1);

    /* Many rounds on the same persistent requests, alternating the two ways to start;
     * extra_inflow starts dirty each time (finish must zero it). */
    int bad = 0;
    for (int round = 0; round < 50; round++) {
      for (int32_t j = 0; j < nl * NT; j++) extra[j] = -999.0;
      wc_status status = round % 2 ? wc_halo_start(s.halo, send) : wc_halo_start_outlets(s.halo, outlet);
      if (status == WC_OK) status = wc_halo_finish(s.halo, extra);
      CU_ASSERT_EQUAL_FATAL(status, WC_OK);
      for (int32_t j = 0; j < nl; j++)
        for (int q = 0; q < NT; q++) bad += extra[(size_t)j * NT + q] != expected_extra(g, owner, gi[j], q);
    }
    CU_ASSERT_EQUAL(bad, 0);
    if (bad) fprintf(stderr, "\n  [rank %d] %s/%s: %d wrong inflows\n", wc_mpi_rank(), g->name, v->name, bad);
    free(send);
    free(outlet);
    free(extra);
    teardown(&s);
  }
}

static void test_exchange_contiguous(void) { exchange_known_values(&variants[0]); }
static void test_exchange_largest_last(void) { exchange_known_values(&variants[1]); }
static void test_exchange_metis(void) { exchange_known_values(&variants[2]); }

/* ---- forward pass: serial versus local passes + halo ---------------------------------------- */

static double cell_source(int32_t g, int q) { return 1.0 + (double)((g + 3 * q) % 7); }

/* out[i] = inflow_i + source_i, upstream first. Every value is an integer far below 2^53,
 * so the result does not depend on the order of the additions: equality is exact. */
static void forward_pass(int32_t n, const int32_t *downstream, const int32_t *global, const double *extra,
                         double *out) {
  double *inflow = calloc((size_t)(n + 1) * NT, sizeof *inflow);
  for (int32_t i = 0; i < n; i++) {
    int32_t g = global ? global[i] : i;
    for (int q = 0; q < NT; q++) {
      double in = inflow[(size_t)i * NT + q] + (extra ? extra[(size_t)i * NT + q] : 0.0);
      out[(size_t)i * NT + q] = in + cell_source(g, q);
      if (downstream[i] >= 0) inflow[(size_t)downstream[i] * NT + q] += out[(size_t)i * NT + q];
    }
  }
  free(inflow);
}

static void forward_pass_matches(const variant *v) {
  if (!wc_partition_method_available(v->method)) return;
  for (int32_t k = 0; k < n_graphs; k++) {
    const test_graph *g = &graphs[k];
    rank_setup s;
    if (!setup(g, v, &s)) {
      teardown(&s);
      continue;
    }
    const wc_halo_plan *plan = s.plan;
    int32_t nl = wc_halo_plan_local_count(plan), no = wc_halo_plan_outlet_count(plan);
    const int32_t *gi = wc_halo_plan_global_index(plan), *outlets = wc_halo_plan_outlets(plan);
    double *serial = malloc((size_t)(g->n + 1) * NT * sizeof *serial);
    forward_pass(g->n, g->downstream, NULL, NULL, serial);

    double *extra = calloc((size_t)(nl + 1) * NT, sizeof *extra);
    double *out = calloc((size_t)(nl + 1) * NT, sizeof *out);
    double *outlet_rate = calloc((size_t)(no + 1) * NT, sizeof *outlet_rate);
    int32_t depth = wc_partition_get_report(s.partition).flow_depth;
    double worst_before = 0, worst = 0;
    for (int32_t pass = 1; pass <= depth; pass++) {
      forward_pass(nl, wc_halo_plan_downstream(plan), gi, extra, out);
      double local_worst = 0;
      for (int32_t j = 0; j < nl; j++)
        for (int q = 0; q < NT; q++) {
          double a = out[(size_t)j * NT + q], b = serial[(size_t)gi[j] * NT + q];
          local_worst = fmax(local_worst, fabs(a - b));
        }
      /* How far every rank is from the serial answer (a test may use a collective). */
      double global_worst = 0;
      MPI_Allreduce(&local_worst, &global_worst, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
      if (pass == depth - 1) worst_before = global_worst;
      if (pass == depth) worst = global_worst;
      for (int32_t j = 0; j < no; j++)
        for (int q = 0; q < NT; q++) outlet_rate[(size_t)j * NT + q] = out[(size_t)outlets[j] * NT + q];
      CU_ASSERT_EQUAL_FATAL(wc_halo_start_outlets(s.halo, outlet_rate), WC_OK);
      CU_ASSERT_EQUAL_FATAL(wc_halo_finish(s.halo, extra), WC_OK);
    }
    CU_ASSERT(worst == 0);
    if (depth > 1) CU_ASSERT(worst_before >= 1); /* one pass fewer is not enough */
    if (wc_mpi_rank() == 0 && getenv("WC_TEST_VERBOSE"))
      fprintf(stderr, "\n  %s/%s: flow depth %d, error %.3g after depth-1 passes, %.3g after depth", g->name, v->name,
              depth, worst_before, worst);
    free(serial);
    free(extra);
    free(out);
    free(outlet_rate);
    teardown(&s);
  }
}

static void test_forward_pass_contiguous(void) { forward_pass_matches(&variants[0]); }
static void test_forward_pass_largest_last(void) { forward_pass_matches(&variants[1]); }
static void test_forward_pass_metis(void) { forward_pass_matches(&variants[2]); }

/* ---- pipelined pass: the step-by-step exchange ------------------------------------------------ */

/* With a one-way rank graph (contiguous partitions), one pass pipelined along the ranks is
 * the serial pass: each rank posts its receives, waits for its upstream ranks, runs its
 * local pass with what arrived, and sends its send cells' values. Exact (integer sums). */
static void pipelined_pass_matches(const variant *v) {
  for (int32_t k = 0; k < n_graphs; k++) {
    const test_graph *g = &graphs[k];
    rank_setup s;
    if (!setup(g, v, &s)) {
      teardown(&s);
      continue;
    }
    const wc_halo_plan *plan = s.plan;
    int32_t nl = wc_halo_plan_local_count(plan), nr = wc_halo_plan_recv_count(plan);
    const int32_t *gi = wc_halo_plan_global_index(plan);
    double *serial = malloc((size_t)(g->n + 1) * NT * sizeof *serial);
    forward_pass(g->n, g->downstream, NULL, NULL, serial);
    double *extra = calloc((size_t)(nl + 1) * NT, sizeof *extra);
    double *out = calloc((size_t)(nl + 1) * NT, sizeof *out);
    int bad = 0;
    for (int round = 0; round < 20; round++) {
      const double *received = NULL;
      CU_ASSERT_EQUAL_FATAL(wc_halo_post_receives(s.halo), WC_OK);
      CU_ASSERT_EQUAL_FATAL(wc_halo_wait_receives(s.halo, &received), WC_OK);
      memset(extra, 0, (size_t)(nl + 1) * NT * sizeof *extra);
      for (int32_t j = 0; j < nr; j++)
        for (int q = 0; q < NT; q++)
          extra[(size_t)wc_halo_plan_recv_cell(plan)[j] * NT + q] += received[(size_t)j * NT + q];
      forward_pass(nl, wc_halo_plan_downstream(plan), gi, extra, out);
      double *buffer = wc_halo_send_buffer(s.halo);
      /* Neighbours started last to first: any order is allowed. */
      for (int32_t n = wc_halo_plan_send_neighbour_count(plan) - 1; n >= 0; n--) {
        const int32_t *start = wc_halo_plan_send_neighbour_start(plan);
        for (int32_t e = start[n]; e < start[n + 1]; e++)
          for (int q = 0; q < NT; q++)
            buffer[(size_t)e * NT + q] = out[(size_t)wc_halo_plan_send_cell(plan)[e] * NT + q];
        CU_ASSERT_EQUAL_FATAL(wc_halo_send_neighbour(s.halo, n), WC_OK);
      }
      CU_ASSERT_EQUAL_FATAL(wc_halo_wait_sends(s.halo), WC_OK);
      for (int32_t j = 0; j < nl; j++)
        for (int q = 0; q < NT; q++) bad += out[(size_t)j * NT + q] != serial[(size_t)gi[j] * NT + q];
    }
    CU_ASSERT_EQUAL(bad, 0);
    if (bad) fprintf(stderr, "\n  [rank %d] %s/%s: %d wrong values\n", wc_mpi_rank(), g->name, v->name, bad);
    /* Misuse: waiting with nothing posted, sending a neighbour twice. */
    CU_ASSERT_EQUAL(wc_halo_wait_receives(s.halo, NULL), WC_ERR_INTERNAL);
    if (wc_halo_plan_send_neighbour_count(plan) == 0) CU_ASSERT_EQUAL(wc_halo_send_neighbour(s.halo, 0), WC_ERR_INTERNAL);
    free(serial);
    free(extra);
    free(out);
    teardown(&s);
  }
}

static void test_pipelined_pass_contiguous(void) { pipelined_pass_matches(&variants[0]); }
static void test_pipelined_pass_largest_last(void) { pipelined_pass_matches(&variants[1]); }

/* ---- misuse -------------------------------------------------------------------------------- */

static void test_misuse(void) {
  const test_graph *g = &graphs[0];
  rank_setup s;
  if (!setup(g, &variants[0], &s)) {
    teardown(&s);
    return;
  }
  int32_t nl = wc_halo_plan_local_count(s.plan), ns = wc_halo_plan_send_count(s.plan);
  double *extra = calloc((size_t)(nl + 1) * NT, sizeof *extra);
  double *send = calloc((size_t)(ns + 1) * NT, sizeof *send);
  CU_ASSERT_EQUAL(wc_halo_finish(s.halo, extra), WC_ERR_INTERNAL);
  CU_ASSERT_EQUAL(wc_halo_start(s.halo, send), WC_OK);
  CU_ASSERT_EQUAL(wc_halo_start(s.halo, send), WC_ERR_INTERNAL);
  CU_ASSERT(strstr(wc_error_message(), "started twice") != NULL);
  CU_ASSERT_EQUAL(wc_halo_finish(s.halo, extra), WC_OK);
  /* Destroying in flight completes the exchange first (every rank starts, then destroys). */
  CU_ASSERT_EQUAL(wc_halo_start(s.halo, send), WC_OK);
  teardown(&s);
  CU_ASSERT_PTR_NULL(s.halo);

  /* A plan for a job of another size is refused before any communication. */
  int size = wc_mpi_size();
  wc_partition *p = NULL;
  wc_halo_plan *plan = NULL;
  wc_halo *halo = NULL;
  wc_partition_options options = options_for(g->n, size + 1, WC_PARTITION_CONTIGUOUS);
  CU_ASSERT_EQUAL_FATAL(wc_partition_create(g->n, g->downstream, size + 1, &options, &p), WC_OK);
  CU_ASSERT_EQUAL_FATAL(wc_halo_plan_create(p, g->n, g->downstream, wc_mpi_rank(), &plan), WC_OK);
  CU_ASSERT_EQUAL(wc_halo_create(plan, MPI_COMM_WORLD, NT, &halo), WC_ERR_INPUT);
  CU_ASSERT(strstr(wc_error_message(), "the plan is for rank") != NULL);
  CU_ASSERT_PTR_NULL(halo);
  wc_halo_plan_destroy(&plan);
  wc_partition_destroy(&p);
  free(extra);
  free(send);
}

static CU_TestInfo halo_tests[] = {
    WC_TEST(test_exchange_contiguous),
    WC_TEST(test_exchange_largest_last),
    WC_TEST(test_exchange_metis),
    WC_TEST(test_forward_pass_contiguous),
    WC_TEST(test_forward_pass_largest_last),
    WC_TEST(test_forward_pass_metis),
    WC_TEST(test_pipelined_pass_contiguous),
    WC_TEST(test_pipelined_pass_largest_last),
    WC_TEST(test_misuse),
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"halo", make_graphs, free_graphs, NULL, NULL, halo_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv) { return wc_test_run(argc, argv, suites, 1); }
