/*
 * wc_bench_halo.c — one halo exchange, four ways, on a built-in basin: wc_halo's
 * persistent point-to-point requests, plain MPI_Irecv/MPI_Isend per exchange,
 * MPI_Ineighbor_alltoallv + MPI_Wait and blocking
 * MPI_Neighbor_alltoallv on a distributed-graph communicator with the same neighbours. A
 * program that prints figures (docs/hpc.md, "Halo exchange"), not a test.
 *
 * Every variant packs the send rates and sums the arrivals into extra_inflow, so the
 * figures compare whole exchanges. Each figure is the slowest rank's mean over --rounds
 * exchanges, best of --repeat blocks, after a barrier.
 *
 * Usage: mpiexec -n P wc_bench_halo [--basin chaobai] [--cell-size 1000] [--rounds 20000]
 *        [--repeat 5] [--transport 4]
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_builtin_basin.h"
#include "wc_geo.h"
#include "wc_halo.h"
#include "wc_partition.h"

#ifndef WCSIM_SOURCE_DIR
#define WCSIM_SOURCE_DIR "."
#endif

static void check(wc_status status, const char *what) {
  if (status == WC_OK) return;
  fprintf(stderr, "wc_bench_halo: %s: %s\n", what, wc_error_message());
  MPI_Abort(MPI_COMM_WORLD, 1);
}

/* The neighbourhood-collective version of the same exchange. */
typedef struct neighbour_exchange {
  MPI_Comm comm;
  int *send_counts, *send_displs, *recv_counts, *recv_displs;
  double *send_buffer, *recv_buffer;
} neighbour_exchange;

static void neighbour_setup(const wc_halo_plan *plan, int nt, neighbour_exchange *x) {
  int ns = wc_halo_plan_send_neighbour_count(plan), nr = wc_halo_plan_recv_neighbour_count(plan);
  const int32_t *sr = wc_halo_plan_send_neighbour_rank(plan), *ss = wc_halo_plan_send_neighbour_start(plan);
  const int32_t *rr = wc_halo_plan_recv_neighbour_rank(plan), *rs = wc_halo_plan_recv_neighbour_start(plan);
  int *sources = malloc((size_t)(nr + 1) * sizeof(int)), *destinations = malloc((size_t)(ns + 1) * sizeof(int));
  x->send_counts = malloc((size_t)(ns + 1) * sizeof(int));
  x->send_displs = malloc((size_t)(ns + 1) * sizeof(int));
  x->recv_counts = malloc((size_t)(nr + 1) * sizeof(int));
  x->recv_displs = malloc((size_t)(nr + 1) * sizeof(int));
  for (int g = 0; g < ns; g++) {
    destinations[g] = sr[g];
    x->send_counts[g] = (ss[g + 1] - ss[g]) * nt;
    x->send_displs[g] = ss[g] * nt;
  }
  for (int g = 0; g < nr; g++) {
    sources[g] = rr[g];
    x->recv_counts[g] = (rs[g + 1] - rs[g]) * nt;
    x->recv_displs[g] = rs[g] * nt;
  }
  /* Explicit unit weights: gcc 12 flags OpenMPI's MPI_UNWEIGHTED sentinel as a 0-byte read. */
  int *weights = malloc((size_t)(ns + nr + 1) * sizeof(int));
  for (int k = 0; k < ns + nr + 1; k++) weights[k] = 1;
  MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, nr, sources, weights, ns, destinations, weights, MPI_INFO_NULL, 0,
                                 &x->comm);
  free(weights);
  x->send_buffer = calloc((size_t)(wc_halo_plan_send_count(plan) + 1) * nt, sizeof(double));
  x->recv_buffer = calloc((size_t)(wc_halo_plan_recv_count(plan) + 1) * nt, sizeof(double));
  free(sources);
  free(destinations);
}

static void neighbour_free(neighbour_exchange *x) {
  MPI_Comm_free(&x->comm);
  free(x->send_counts);
  free(x->send_displs);
  free(x->recv_counts);
  free(x->recv_displs);
  free(x->send_buffer);
  free(x->recv_buffer);
}

/* Plain non-persistent point-to-point: Irecv/Isend per neighbour per exchange. */
static void p2p_exchange_once(const wc_halo_plan *plan, int nt, neighbour_exchange *x, const double *send,
                              double *extra, MPI_Comm comm, MPI_Request *requests) {
  int ns = wc_halo_plan_send_neighbour_count(plan), nr = wc_halo_plan_recv_neighbour_count(plan);
  const int32_t *sr = wc_halo_plan_send_neighbour_rank(plan), *rr = wc_halo_plan_recv_neighbour_rank(plan);
  for (int g = 0; g < nr; g++)
    MPI_Irecv(x->recv_buffer + x->recv_displs[g], x->recv_counts[g], MPI_DOUBLE, rr[g], 3, comm, &requests[g]);
  memcpy(x->send_buffer, send, (size_t)wc_halo_plan_send_count(plan) * nt * sizeof(double));
  for (int g = 0; g < ns; g++)
    MPI_Isend(x->send_buffer + x->send_displs[g], x->send_counts[g], MPI_DOUBLE, sr[g], 3, comm, &requests[nr + g]);
  MPI_Waitall(nr + ns, requests, MPI_STATUSES_IGNORE);
  int32_t nl = wc_halo_plan_local_count(plan), n_recv = wc_halo_plan_recv_count(plan);
  const int32_t *cell = wc_halo_plan_recv_cell(plan);
  memset(extra, 0, (size_t)nl * nt * sizeof(double));
  for (int32_t k = 0; k < n_recv; k++)
    for (int q = 0; q < nt; q++) extra[(size_t)cell[k] * nt + q] += x->recv_buffer[(size_t)k * nt + q];
}

static void neighbour_exchange_once(const wc_halo_plan *plan, int nt, neighbour_exchange *x, const double *send,
                                    double *extra, int blocking) {
  memcpy(x->send_buffer, send, (size_t)wc_halo_plan_send_count(plan) * nt * sizeof(double));
  if (blocking) {
    MPI_Neighbor_alltoallv(x->send_buffer, x->send_counts, x->send_displs, MPI_DOUBLE, x->recv_buffer, x->recv_counts,
                           x->recv_displs, MPI_DOUBLE, x->comm);
  } else {
    MPI_Request request;
    MPI_Ineighbor_alltoallv(x->send_buffer, x->send_counts, x->send_displs, MPI_DOUBLE, x->recv_buffer, x->recv_counts,
                            x->recv_displs, MPI_DOUBLE, x->comm, &request);
    MPI_Wait(&request, MPI_STATUS_IGNORE);
  }
  int32_t nl = wc_halo_plan_local_count(plan), nr = wc_halo_plan_recv_count(plan);
  const int32_t *cell = wc_halo_plan_recv_cell(plan);
  memset(extra, 0, (size_t)nl * nt * sizeof(double));
  for (int32_t k = 0; k < nr; k++)
    for (int q = 0; q < nt; q++) extra[(size_t)cell[k] * nt + q] += x->recv_buffer[(size_t)k * nt + q];
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const char *basin_name = "chaobai";
  double cell_size = 1000;
  int rounds = 20000, repeat = 5, nt = 4;
  for (int a = 1; a + 1 < argc; a += 2) {
    if (strcmp(argv[a], "--basin") == 0) basin_name = argv[a + 1];
    if (strcmp(argv[a], "--cell-size") == 0) cell_size = atof(argv[a + 1]);
    if (strcmp(argv[a], "--rounds") == 0) rounds = atoi(argv[a + 1]);
    if (strcmp(argv[a], "--repeat") == 0) repeat = atoi(argv[a + 1]);
    if (strcmp(argv[a], "--transport") == 0) nt = atoi(argv[a + 1]);
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/scenarios/basins/%s.geo", WCSIM_SOURCE_DIR, basin_name);
  wc_geo_basin *geo = NULL;
  check(wc_geo_basin_read(path, &geo), path);
  wc_builtin_options options = {.cell_size_m = cell_size, .channel_threshold_km2 = 10.0};
  wc_basin *basin = NULL;
  check(wc_builtin_basin_make(geo, &options, &basin), "basin");
  const wc_drainage_graph *graph = basin->graph;

  if (rank == 0)
    printf(
        "| ranks | partition | neighbours (max) | halo entries (max) | persistent p2p (wc_halo) | Irecv/Isend | "
        "Ineighbor_alltoallv | Neighbor_alltoallv |\n|---|---|---|---|---|---|---|---|\n");
  const char *variants[] = {"given", "largest-last", "metis"};
  for (int v = 0; v < 3; v++) {
    wc_partition_options popt = wc_partition_options_default();
    if (v == 2) {
      if (!wc_partition_method_available(WC_PARTITION_METIS)) continue;
      popt.method = WC_PARTITION_METIS;
    } else {
      check(wc_partition_order_parse(variants[v], &popt.order), "order");
    }
    wc_partition *partition = NULL;
    wc_halo_plan *plan = NULL;
    wc_halo *halo = NULL;
    check(wc_partition_create(graph->n, graph->downstream, size, &popt, &partition), "partition");
    check(wc_halo_plan_create(partition, graph->n, graph->downstream, rank, &plan), "plan");
    check(wc_halo_create(plan, MPI_COMM_WORLD, nt, &halo), "halo");
    neighbour_exchange x;
    neighbour_setup(plan, nt, &x);
    int32_t nl = wc_halo_plan_local_count(plan), ns = wc_halo_plan_send_count(plan);
    double *send = calloc((size_t)(ns + 1) * nt, sizeof *send), *extra = calloc((size_t)(nl + 1) * nt, sizeof *extra);
    for (int32_t k = 0; k < ns * nt; k++) send[k] = k;
    MPI_Comm p2p_comm;
    MPI_Comm_dup(MPI_COMM_WORLD, &p2p_comm);
    MPI_Request *requests =
        malloc((size_t)(wc_halo_plan_send_neighbour_count(plan) + wc_halo_plan_recv_neighbour_count(plan) + 1) *
               sizeof *requests);
    double best[4] = {1e30, 1e30, 1e30, 1e30};
    for (int r = 0; r < repeat; r++)
      for (int way = 0; way < 4; way++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double start = MPI_Wtime();
        for (int i = 0; i < rounds; i++) {
          if (way == 0) {
            check(wc_halo_start(halo, send), "start");
            check(wc_halo_finish(halo, extra), "finish");
          } else if (way == 3) {
            p2p_exchange_once(plan, nt, &x, send, extra, p2p_comm, requests);
          } else {
            neighbour_exchange_once(plan, nt, &x, send, extra, way == 2);
          }
        }
        double mine = (MPI_Wtime() - start) / rounds, slowest = 0;
        MPI_Allreduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        if (slowest < best[way]) best[way] = slowest;
      }
    wc_partition_report rep = wc_partition_get_report(partition);
    int32_t halo_max = 0;
    for (int32_t q = 0; q < size; q++)
      if (rep.cut_out[q] + rep.cut_in[q] > halo_max) halo_max = rep.cut_out[q] + rep.cut_in[q];
    if (rank == 0)
      printf("| %d | %s | %d | %d | %.2f us | %.2f us | %.2f us | %.2f us |\n", size, v == 2 ? "metis" : variants[v],
             rep.max_neighbours, halo_max, 1e6 * best[0], 1e6 * best[3], 1e6 * best[1], 1e6 * best[2]);
    free(requests);
    MPI_Comm_free(&p2p_comm);
    free(send);
    free(extra);
    neighbour_free(&x);
    wc_halo_destroy(&halo);
    wc_halo_plan_destroy(&plan);
    wc_partition_destroy(&partition);
  }
  wc_basin_destroy(&basin);
  wc_geo_basin_destroy(&geo);
  MPI_Finalize();
  return 0;
}
