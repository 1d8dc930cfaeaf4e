/* wc_sweep_pipeline.c — the exact sweep pipelined along the rank graph (see wc_sweep_pipeline.h). */
#include "wc_sweep_pipeline.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wc_mpi.h"

struct wc_sweep_pipeline {
  wc_sweep *sweep;
  const wc_halo_plan *plan;
  wc_halo *halo;          /* G_u x_u per cut edge, n_transport values */
  int n_transport;
  int32_t n_independent;  /* cells[0 .. n_independent) */
  int32_t n_dependent;    /* cells[n_independent .. n_independent + n_dependent) */
  int32_t *cells;         /* independent cells ascending, then dependent cells ascending */
  /* Send neighbours in the order they leave: `early` of them right after the independent
   * cells, then neighbour order[g] once dependent position ready_at[g] is solved. */
  int32_t n_groups, n_early;
  int32_t *order;    /* [n_groups] send neighbour indices */
  int32_t *ready_at; /* [n_groups] dependent cells that must be solved first (0 for early) */
  double wait_s;     /* wall time waiting for upstream ranks, all solves */
};

static double seconds_now(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

/* Is the rank graph (r -> s when r sends to s) free of cycles? Every rank gets the whole
 * graph (two allgathers, once per run) and runs Kahn's algorithm on it, so all agree. */
static wc_status check_rank_graph(const wc_halo_plan *plan, MPI_Comm comm, int *cyclic_rank) {
  int size = 1;
  WC_MPI_CALL(MPI_Comm_size(comm, &size));
  int mine = (int)wc_halo_plan_send_neighbour_count(plan);
  int *counts = calloc((size_t)size, sizeof *counts), *offsets = calloc((size_t)size + 1, sizeof *offsets);
  int *indegree = calloc((size_t)size, sizeof *indegree), *queue = calloc((size_t)size, sizeof *queue);
  int *targets = NULL, *send = NULL;
  wc_status status = WC_OK;
  if (!counts || !offsets || !indegree || !queue) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory checking the rank graph");
    goto done;
  }
  WC_CALL_GOTO(status, done,
               wc_mpi_status(MPI_Allgather(&mine, 1, MPI_INT, counts, 1, MPI_INT, comm), __FILE__, __LINE__,
                             "MPI_Allgather"));
  for (int r = 0; r < size; r++) offsets[r + 1] = offsets[r] + counts[r];
  targets = calloc((size_t)offsets[size] + 1, sizeof *targets);
  send = calloc((size_t)mine + 1, sizeof *send);
  if (!targets || !send) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory checking the rank graph");
    goto done;
  }
  for (int g = 0; g < mine; g++) send[g] = (int)wc_halo_plan_send_neighbour_rank(plan)[g];
  WC_CALL_GOTO(status, done,
               wc_mpi_status(MPI_Allgatherv(send, mine, MPI_INT, targets, counts, offsets, MPI_INT, comm), __FILE__,
                             __LINE__, "MPI_Allgatherv"));
  for (int e = 0; e < offsets[size]; e++) indegree[targets[e]]++;
  int head = 0, tail = 0;
  for (int r = 0; r < size; r++)
    if (indegree[r] == 0) queue[tail++] = r;
  while (head < tail) {
    int r = queue[head++];
    for (int e = offsets[r]; e < offsets[r + 1]; e++)
      if (--indegree[targets[e]] == 0) queue[tail++] = targets[e];
  }
  *cyclic_rank = -1;
  for (int r = 0; r < size && *cyclic_rank < 0; r++)
    if (indegree[r] > 0) *cyclic_rank = r;
done:
  free(counts);
  free(offsets);
  free(indegree);
  free(queue);
  free(targets);
  free(send);
  return status;
}

/* Split the local cells into independent and dependent ones, and schedule the sends. */
static wc_status build_schedule(wc_sweep_pipeline *p) {
  const wc_halo_plan *plan = p->plan;
  const int32_t n = wc_halo_plan_local_count(plan);
  const int32_t *down = wc_halo_plan_downstream(plan);
  p->n_groups = wc_halo_plan_send_neighbour_count(plan);
  WC_MALLOC(p->cells, (size_t)n + 1, "pipeline cell lists");
  WC_MALLOC(p->order, (size_t)p->n_groups + 1, "pipeline send order");
  WC_MALLOC(p->ready_at, (size_t)p->n_groups + 1, "pipeline send positions");
  unsigned char *dependent = calloc((size_t)n + 1, 1);
  int32_t *position = malloc(((size_t)n + 1) * sizeof *position); /* in the dependent list, or -1 */
  if (!dependent || !position) {
    free(dependent);
    free(position);
    WC_FAIL(WC_ERR_MEMORY, "out of memory scheduling the pipelined sweep");
  }
  for (int32_t k = 0; k < wc_halo_plan_recv_count(plan); k++) dependent[wc_halo_plan_recv_cell(plan)[k]] = 1;
  /* Topological order: a cell's upstream cells come first, so one forward pass spreads it. */
  for (int32_t i = 0; i < n; i++)
    if (dependent[i] && down[i] >= 0) dependent[down[i]] = 1;
  for (int32_t i = 0; i < n; i++)
    if (!dependent[i]) p->cells[p->n_independent++] = i;
  for (int32_t i = 0; i < n; i++) {
    position[i] = -1;
    if (dependent[i]) {
      position[i] = p->n_dependent;
      p->cells[p->n_independent + p->n_dependent++] = i;
    }
  }
  /* A message leaves once its last dependent send cell is solved (early if none is). */
  const int32_t *start = wc_halo_plan_send_neighbour_start(plan), *send_cell = wc_halo_plan_send_cell(plan);
  for (int32_t g = 0; g < p->n_groups; g++) {
    int32_t last = 0;
    for (int32_t e = start[g]; e < start[g + 1]; e++)
      if (position[send_cell[e]] >= 0 && position[send_cell[e]] + 1 > last) last = position[send_cell[e]] + 1;
    p->order[g] = g;
    p->ready_at[g] = last;
  }
  /* Insertion sort by readiness (few neighbours). */
  for (int32_t a = 1; a < p->n_groups; a++)
    for (int32_t b = a; b > 0 && p->ready_at[b] < p->ready_at[b - 1]; b--) {
      int32_t t = p->ready_at[b];
      p->ready_at[b] = p->ready_at[b - 1];
      p->ready_at[b - 1] = t;
      t = p->order[b];
      p->order[b] = p->order[b - 1];
      p->order[b - 1] = t;
    }
  while (p->n_early < p->n_groups && p->ready_at[p->n_early] == 0) p->n_early++;
  free(dependent);
  free(position);
  return WC_OK;
}

wc_status wc_sweep_pipeline_create(wc_sweep *sweep, const wc_halo_plan *plan, MPI_Comm comm,
                                   wc_sweep_pipeline **out) {
  *out = NULL;
  int cyclic_rank = -1;
  WC_CALL(check_rank_graph(plan, comm, &cyclic_rank));
  WC_CHECK(cyclic_rank < 0, WC_ERR_UNSUPPORTED,
           "the pipelined sweep (solver.linear_solver: sweep) needs flow between ranks to go one way, but the rank "
           "graph of this partition has a cycle (through rank %d; METIS parts do that); use solver.linear_solver: "
           "gmres_sweep (GMRES with the per-rank sweep as block-Jacobi preconditioner) or the contiguous partition",
           cyclic_rank);
  wc_sweep_pipeline *p = NULL;
  WC_MALLOC(p, 1, "sweep pipeline");
  p->sweep = sweep;
  p->plan = plan;
  p->n_transport = wc_sweep_transport_count(sweep);
  wc_status status = build_schedule(p);
  /* Every rank creates its exchange (collective), even after a local failure, then they agree. */
  wc_status halo_status = wc_halo_create(plan, comm, p->n_transport > 0 ? p->n_transport : 1, &p->halo);
  if (status == WC_OK) status = halo_status;
  status = wc_mpi_agree_on(comm, status);
  if (status != WC_OK) {
    wc_sweep_pipeline_destroy(&p);
    return status;
  }
  *out = p;
  return WC_OK;
}

void wc_sweep_pipeline_destroy(wc_sweep_pipeline **pipeline) {
  if (!pipeline || !*pipeline) return;
  wc_sweep_pipeline *p = *pipeline;
  wc_halo_destroy(&p->halo);
  free(p->cells);
  free(p->order);
  free(p->ready_at);
  free(p);
  *pipeline = NULL;
}

int32_t wc_sweep_pipeline_dependent_count(const wc_sweep_pipeline *p) { return p->n_dependent; }
double wc_sweep_pipeline_wait_seconds(const wc_sweep_pipeline *p) { return p->wait_s; }

/* Copy G x of a neighbour's send cells into its rows of the send buffer and start it. */
static wc_status send_group(wc_sweep_pipeline *p, int32_t g) {
  const int32_t *start = wc_halo_plan_send_neighbour_start(p->plan), *cell = wc_halo_plan_send_cell(p->plan);
  const size_t nt = (size_t)p->n_transport;
  double *buffer = wc_halo_send_buffer(p->halo);
  for (int32_t e = start[g]; e < start[g + 1]; e++)
    memcpy(buffer + (size_t)e * nt, wc_sweep_contribution(p->sweep, cell[e]), nt * sizeof *buffer);
  WC_CALL(wc_halo_send_neighbour(p->halo, g));
  return WC_OK;
}

wc_status wc_sweep_pipeline_solve(wc_sweep_pipeline *p, const double *b, double *x) {
  WC_CALL(wc_halo_post_receives(p->halo));
  wc_sweep_solve_cells(p->sweep, b, x, p->n_independent, p->cells);
  int32_t next = 0;
  for (; next < p->n_early; next++) WC_CALL(send_group(p, p->order[next]));
  /* The receive list's order is the sweep's remote-source order (wc_graph_rhs_set_remote
   * was given the same plan). */
  const double *received = NULL;
  double wait_start = seconds_now();
  WC_CALL(wc_halo_wait_receives(p->halo, &received));
  p->wait_s += seconds_now() - wait_start;
  size_t n_values = (size_t)wc_halo_plan_recv_count(p->plan) * (size_t)p->n_transport;
  if (n_values > 0) memcpy(wc_sweep_remote_contributions(p->sweep), received, n_values * sizeof *received);
  const int32_t *dependent = p->cells + p->n_independent;
  int32_t solved = 0;
  for (; next < p->n_groups; next++) {
    int32_t upto = p->ready_at[next];
    if (upto > solved) wc_sweep_solve_cells(p->sweep, b, x, upto - solved, dependent + solved);
    solved = upto > solved ? upto : solved;
    WC_CALL(send_group(p, p->order[next]));
  }
  if (p->n_dependent > solved) wc_sweep_solve_cells(p->sweep, b, x, p->n_dependent - solved, dependent + solved);
  wc_sweep_solve_totals(p->sweep, b, x);
  WC_CALL(wc_halo_wait_sends(p->halo));
  return WC_OK;
}
