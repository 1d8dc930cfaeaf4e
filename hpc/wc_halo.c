/* wc_halo.c — local graph, send/receive lists, and the persistent-request exchange. */
#include "wc_halo.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "wc_mpi.h"

struct wc_halo_plan {
  int32_t rank, n_ranks;
  int32_t n_local;
  int32_t *global_index;   /* [n_local] */
  int32_t *downstream;     /* [n_local] */
  int32_t *upstream_start; /* [n_local + 1] */
  int32_t *upstream_index; /* [links inside the rank] */
  int32_t n_outlets;
  int32_t *outlets; /* [n_outlets] */

  int32_t n_send;
  int32_t *send_cell, *send_rank, *send_remote_cell, *send_outlet; /* [n_send] */
  int32_t n_send_neighbours;
  int32_t *send_neighbour_rank, *send_neighbour_start;

  int32_t n_recv;
  int32_t *recv_cell, *recv_rank, *recv_remote_cell, *recv_global_cell; /* [n_recv] */
  int32_t n_recv_neighbours;
  int32_t *recv_neighbour_rank, *recv_neighbour_start;
};

/* One cross-rank edge seen from this rank: the other rank, the sender's local cell (the
 * order both sides agree on), and this rank's local cell. */
typedef struct halo_edge {
  int32_t rank, sender_cell, cell, remote_cell, global_sender;
} halo_edge;

static int compare_edges(const void *a, const void *b) {
  const halo_edge *x = a, *y = b;
  if (x->rank != y->rank) return (x->rank > y->rank) - (x->rank < y->rank);
  return (x->sender_cell > y->sender_cell) - (x->sender_cell < y->sender_cell);
}

/* Neighbour ranks and offsets of a list of edges sorted by rank. */
static wc_status group_by_rank(const halo_edge *edges, int32_t count, int32_t *n_neighbours, int32_t **neighbour_rank,
                               int32_t **neighbour_start) {
  int32_t groups = 0;
  for (int32_t j = 0; j < count; j++)
    if (j == 0 || edges[j].rank != edges[j - 1].rank) groups++;
  WC_MALLOC(*neighbour_rank, groups > 0 ? groups : 1, "halo neighbour ranks");
  WC_MALLOC(*neighbour_start, groups + 1, "halo neighbour offsets");
  int32_t g = 0;
  for (int32_t j = 0; j < count; j++)
    if (j == 0 || edges[j].rank != edges[j - 1].rank) {
      (*neighbour_rank)[g] = edges[j].rank;
      (*neighbour_start)[g++] = j;
    }
  (*neighbour_start)[groups] = count;
  *n_neighbours = groups;
  return WC_OK;
}

static wc_status plan_build(wc_halo_plan *plan, const wc_partition *partition, int32_t n, const int32_t *downstream,
                            halo_edge **send_edges, halo_edge **recv_edges) {
  const int32_t rank = plan->rank;
  const int32_t *owner = wc_partition_owner(partition), *local = wc_partition_local_index(partition);
  const int32_t n_local = wc_partition_local_count(partition, rank);
  plan->n_local = n_local;
  WC_MALLOC(plan->global_index, n_local > 0 ? n_local : 1, "local cell global indices");
  WC_MALLOC(plan->downstream, n_local > 0 ? n_local : 1, "local downstream");
  WC_MALLOC(plan->upstream_start, n_local + 1, "local upstream offsets");
  if (n_local > 0)
    memcpy(plan->global_index, wc_partition_local_cells(partition, rank), (size_t)n_local * sizeof(int32_t));

  int32_t n_send = 0, links = 0;
  for (int32_t j = 0; j < n_local; j++) {
    int32_t d = downstream[plan->global_index[j]];
    if (d >= 0 && owner[d] == rank) {
      plan->downstream[j] = local[d];
      plan->upstream_start[local[d] + 1]++;
      links++;
    } else {
      plan->downstream[j] = -1;
      plan->n_outlets++;
      if (d >= 0) n_send++;
    }
  }
  for (int32_t j = 0; j < n_local; j++) plan->upstream_start[j + 1] += plan->upstream_start[j];
  WC_MALLOC(plan->upstream_index, links > 0 ? links : 1, "local upstream index");
  WC_MALLOC(plan->outlets, plan->n_outlets > 0 ? plan->n_outlets : 1, "local outlets");
  int32_t *fill = NULL;
  WC_MALLOC(fill, n_local > 0 ? n_local : 1, "local upstream fill");
  memcpy(fill, plan->upstream_start, (size_t)n_local * sizeof *fill);
  /* Appending in increasing j keeps each cell's upstream list ascending, as in the global graph. */
  int32_t n_outlets = 0;
  for (int32_t j = 0; j < n_local; j++) {
    if (plan->downstream[j] >= 0)
      plan->upstream_index[fill[plan->downstream[j]]++] = j;
    else
      plan->outlets[n_outlets++] = j;
  }
  free(fill);

  /* Sends: this rank's cells draining elsewhere (their outlet position is looked up later). */
  WC_MALLOC(*send_edges, n_send > 0 ? n_send : 1, "halo send edges");
  int32_t s = 0;
  for (int32_t j = 0; j < n_local; j++) {
    int32_t d = downstream[plan->global_index[j]];
    if (plan->downstream[j] < 0 && d >= 0) (*send_edges)[s++] = (halo_edge){owner[d], j, j, local[d], plan->global_index[j]};
  }
  plan->n_send = n_send;

  /* Receives: every edge from another rank into this one. One pass over the global graph;
   * plans are built once per run. */
  int32_t n_recv = 0;
  for (int32_t i = 0; i < n; i++) {
    int32_t d = downstream[i];
    if (d >= 0 && owner[d] == rank && owner[i] != rank) n_recv++;
  }
  WC_MALLOC(*recv_edges, n_recv > 0 ? n_recv : 1, "halo receive edges");
  int32_t r = 0;
  for (int32_t i = 0; i < n; i++) {
    int32_t d = downstream[i];
    if (d >= 0 && owner[d] == rank && owner[i] != rank)
      (*recv_edges)[r++] = (halo_edge){owner[i], local[i], local[d], local[i], i};
  }
  plan->n_recv = n_recv;
  return WC_OK;
}

wc_status wc_halo_plan_create(const wc_partition *partition, int32_t n, const int32_t *downstream, int32_t rank,
                              wc_halo_plan **plan) {
  WC_CHECK(plan != NULL && partition != NULL, WC_ERR_INTERNAL, "wc_halo_plan_create: NULL argument");
  *plan = NULL;
  WC_CHECK(n == wc_partition_cell_count(partition) && (n == 0 || downstream != NULL) &&
               wc_partition_graph_hash(n, downstream) == wc_partition_get_graph_hash(partition),
           WC_ERR_INPUT, "halo plan: the graph given (%d cells) is not the graph that was partitioned (%d cells)", n,
           wc_partition_cell_count(partition));
  WC_CHECK(rank >= 0 && rank < wc_partition_rank_count(partition), WC_ERR_INPUT,
           "halo plan: rank %d is outside the partition's ranks 0..%d", rank, wc_partition_rank_count(partition) - 1);

  wc_halo_plan *p = NULL;
  WC_MALLOC(p, 1, "halo plan");
  p->rank = rank;
  p->n_ranks = wc_partition_rank_count(partition);
  halo_edge *send_edges = NULL, *recv_edges = NULL;
  int32_t *outlet_of_cell = NULL;
  wc_status status = WC_OK;
  WC_CALL_GOTO(status, fail, plan_build(p, partition, n, downstream, &send_edges, &recv_edges));

  /* Both sides order an (A -> B) message by A's local cell: sends by our cell, receives by
   * the remote (sending) cell. */
  qsort(send_edges, (size_t)p->n_send, sizeof *send_edges, compare_edges);
  qsort(recv_edges, (size_t)p->n_recv, sizeof *recv_edges, compare_edges);

  int32_t n_send_alloc = p->n_send > 0 ? p->n_send : 1, n_recv_alloc = p->n_recv > 0 ? p->n_recv : 1;
  p->send_cell = calloc((size_t)n_send_alloc, sizeof(int32_t));
  p->send_rank = calloc((size_t)n_send_alloc, sizeof(int32_t));
  p->send_remote_cell = calloc((size_t)n_send_alloc, sizeof(int32_t));
  p->send_outlet = calloc((size_t)n_send_alloc, sizeof(int32_t));
  p->recv_cell = calloc((size_t)n_recv_alloc, sizeof(int32_t));
  p->recv_rank = calloc((size_t)n_recv_alloc, sizeof(int32_t));
  p->recv_remote_cell = calloc((size_t)n_recv_alloc, sizeof(int32_t));
  p->recv_global_cell = calloc((size_t)n_recv_alloc, sizeof(int32_t));
  outlet_of_cell = malloc((size_t)(p->n_local > 0 ? p->n_local : 1) * sizeof *outlet_of_cell);
  if (!p->send_cell || !p->send_rank || !p->send_remote_cell || !p->send_outlet || !p->recv_cell || !p->recv_rank ||
      !p->recv_remote_cell || !p->recv_global_cell || !outlet_of_cell) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory building the halo lists of rank %d", rank);
    goto fail;
  }
  for (int32_t k = 0; k < p->n_outlets; k++) outlet_of_cell[p->outlets[k]] = k;
  for (int32_t k = 0; k < p->n_send; k++) {
    p->send_cell[k] = send_edges[k].cell;
    p->send_rank[k] = send_edges[k].rank;
    p->send_remote_cell[k] = send_edges[k].remote_cell;
    p->send_outlet[k] = outlet_of_cell[send_edges[k].cell];
  }
  for (int32_t k = 0; k < p->n_recv; k++) {
    p->recv_cell[k] = recv_edges[k].cell;
    p->recv_rank[k] = recv_edges[k].rank;
    p->recv_remote_cell[k] = recv_edges[k].remote_cell;
    p->recv_global_cell[k] = recv_edges[k].global_sender;
  }
  WC_CALL_GOTO(
      status, fail,
      group_by_rank(send_edges, p->n_send, &p->n_send_neighbours, &p->send_neighbour_rank, &p->send_neighbour_start));
  WC_CALL_GOTO(
      status, fail,
      group_by_rank(recv_edges, p->n_recv, &p->n_recv_neighbours, &p->recv_neighbour_rank, &p->recv_neighbour_start));
  free(send_edges);
  free(recv_edges);
  free(outlet_of_cell);
  *plan = p;
  return WC_OK;
fail:
  free(send_edges);
  free(recv_edges);
  free(outlet_of_cell);
  wc_halo_plan_destroy(&p);
  return status;
}

void wc_halo_plan_destroy(wc_halo_plan **plan) {
  if (plan == NULL || *plan == NULL) return;
  wc_halo_plan *p = *plan;
  free(p->global_index);
  free(p->downstream);
  free(p->upstream_start);
  free(p->upstream_index);
  free(p->outlets);
  free(p->send_cell);
  free(p->send_rank);
  free(p->send_remote_cell);
  free(p->send_outlet);
  free(p->send_neighbour_rank);
  free(p->send_neighbour_start);
  free(p->recv_cell);
  free(p->recv_rank);
  free(p->recv_remote_cell);
  free(p->recv_global_cell);
  free(p->recv_neighbour_rank);
  free(p->recv_neighbour_start);
  free(p);
  *plan = NULL;
}

int32_t wc_halo_plan_rank(const wc_halo_plan *plan) { return plan->rank; }
int32_t wc_halo_plan_rank_count(const wc_halo_plan *plan) { return plan->n_ranks; }
int32_t wc_halo_plan_local_count(const wc_halo_plan *plan) { return plan->n_local; }
const int32_t *wc_halo_plan_downstream(const wc_halo_plan *plan) { return plan->downstream; }
const int32_t *wc_halo_plan_upstream_start(const wc_halo_plan *plan) { return plan->upstream_start; }
const int32_t *wc_halo_plan_upstream_index(const wc_halo_plan *plan) { return plan->upstream_index; }
const int32_t *wc_halo_plan_global_index(const wc_halo_plan *plan) { return plan->global_index; }
int32_t wc_halo_plan_outlet_count(const wc_halo_plan *plan) { return plan->n_outlets; }
const int32_t *wc_halo_plan_outlets(const wc_halo_plan *plan) { return plan->outlets; }
int32_t wc_halo_plan_send_count(const wc_halo_plan *plan) { return plan->n_send; }
const int32_t *wc_halo_plan_send_cell(const wc_halo_plan *plan) { return plan->send_cell; }
const int32_t *wc_halo_plan_send_rank(const wc_halo_plan *plan) { return plan->send_rank; }
const int32_t *wc_halo_plan_send_remote_cell(const wc_halo_plan *plan) { return plan->send_remote_cell; }
const int32_t *wc_halo_plan_send_outlet(const wc_halo_plan *plan) { return plan->send_outlet; }
int32_t wc_halo_plan_send_neighbour_count(const wc_halo_plan *plan) { return plan->n_send_neighbours; }
const int32_t *wc_halo_plan_send_neighbour_rank(const wc_halo_plan *plan) { return plan->send_neighbour_rank; }
const int32_t *wc_halo_plan_send_neighbour_start(const wc_halo_plan *plan) { return plan->send_neighbour_start; }
int32_t wc_halo_plan_recv_count(const wc_halo_plan *plan) { return plan->n_recv; }
const int32_t *wc_halo_plan_recv_cell(const wc_halo_plan *plan) { return plan->recv_cell; }
const int32_t *wc_halo_plan_recv_rank(const wc_halo_plan *plan) { return plan->recv_rank; }
const int32_t *wc_halo_plan_recv_remote_cell(const wc_halo_plan *plan) { return plan->recv_remote_cell; }
const int32_t *wc_halo_plan_recv_global_cell(const wc_halo_plan *plan) { return plan->recv_global_cell; }
int32_t wc_halo_plan_recv_neighbour_count(const wc_halo_plan *plan) { return plan->n_recv_neighbours; }
const int32_t *wc_halo_plan_recv_neighbour_rank(const wc_halo_plan *plan) { return plan->recv_neighbour_rank; }
const int32_t *wc_halo_plan_recv_neighbour_start(const wc_halo_plan *plan) { return plan->recv_neighbour_start; }

/* ---- the exchange ---------------------------------------------------------------------------- */

struct wc_halo {
  const wc_halo_plan *plan;
  MPI_Comm comm;
  int n_transport;
  double *send_buffer;   /* [n_send][n_transport], bound to the send requests */
  double *recv_buffer;   /* [n_recv][n_transport], bound to the receive requests */
  MPI_Request *requests; /* receives first, then sends */
  int n_recv_requests, n_send_requests;
  int active; /* started and not yet finished */
  /* The step-by-step exchange (wc_halo_post_receives ...): receives in flight, and which
   * send neighbours were started since the last wc_halo_wait_sends. */
  int receives_posted;
  int sends_started;
  unsigned char *send_started; /* [n_send_requests] */
};

/* All halo messages of one exchange object share a tag on a private communicator: between
 * two ranks there is at most one message per direction and exchange. */
enum { HALO_TAG = 7 };

wc_status wc_halo_create(const wc_halo_plan *plan, MPI_Comm comm, int n_transport, wc_halo **halo) {
  WC_CHECK(halo != NULL && plan != NULL, WC_ERR_INTERNAL, "wc_halo_create: NULL argument");
  *halo = NULL;
  WC_CHECK(n_transport >= 1, WC_ERR_INTERNAL, "halo: %d transported quantities; need at least 1", n_transport);
  int size = 0, rank = 0;
  WC_MPI_CALL(MPI_Comm_size(comm, &size));
  WC_MPI_CALL(MPI_Comm_rank(comm, &rank));
  WC_CHECK(size == plan->n_ranks && rank == plan->rank, WC_ERR_INPUT,
           "halo: the plan is for rank %d of %d, but this process is rank %d of %d in the communicator", plan->rank,
           plan->n_ranks, rank, size);
  /* Message lengths are ints in MPI. */
  WC_CHECK((int64_t)plan->n_send * n_transport <= INT_MAX && (int64_t)plan->n_recv * n_transport <= INT_MAX,
           WC_ERR_UNSUPPORTED, "halo: %d x %d rates do not fit one MPI message",
           plan->n_send > plan->n_recv ? plan->n_send : plan->n_recv, n_transport);

  wc_halo *h = NULL;
  WC_MALLOC(h, 1, "halo exchange");
  h->plan = plan;
  h->n_transport = n_transport;
  h->comm = MPI_COMM_NULL;
  h->n_recv_requests = plan->n_recv_neighbours;
  h->n_send_requests = plan->n_send_neighbours;
  wc_status status = WC_OK;
  int n_requests = h->n_recv_requests + h->n_send_requests;
  h->send_buffer = calloc((size_t)(plan->n_send > 0 ? plan->n_send : 1) * (size_t)n_transport, sizeof(double));
  h->recv_buffer = calloc((size_t)(plan->n_recv > 0 ? plan->n_recv : 1) * (size_t)n_transport, sizeof(double));
  h->requests = malloc((size_t)(n_requests > 0 ? n_requests : 1) * sizeof *h->requests);
  h->send_started = calloc((size_t)(h->n_send_requests > 0 ? h->n_send_requests : 1), 1);
  if (!h->send_buffer || !h->recv_buffer || !h->requests || !h->send_started) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory setting up the halo exchange of rank %d",
                          plan->rank);
    goto fail;
  }
  for (int k = 0; k < n_requests; k++) h->requests[k] = MPI_REQUEST_NULL;
  WC_CALL_GOTO(status, fail, wc_mpi_status(MPI_Comm_dup(comm, &h->comm), __FILE__, __LINE__, "MPI_Comm_dup"));
  /* Errors come back as codes on this communicator, whatever the caller's handler is. */
  WC_CALL_GOTO(status, fail,
               wc_mpi_status(MPI_Comm_set_errhandler(h->comm, MPI_ERRORS_RETURN), __FILE__, __LINE__,
                             "MPI_Comm_set_errhandler"));
  for (int32_t g = 0; g < plan->n_recv_neighbours; g++) {
    int32_t first = plan->recv_neighbour_start[g], count = plan->recv_neighbour_start[g + 1] - first;
    WC_CALL_GOTO(
        status, fail,
        wc_mpi_status(MPI_Recv_init(h->recv_buffer + (size_t)first * n_transport, count * n_transport, MPI_DOUBLE,
                                    plan->recv_neighbour_rank[g], HALO_TAG, h->comm, &h->requests[g]),
                      __FILE__, __LINE__, "MPI_Recv_init"));
  }
  for (int32_t g = 0; g < plan->n_send_neighbours; g++) {
    int32_t first = plan->send_neighbour_start[g], count = plan->send_neighbour_start[g + 1] - first;
    WC_CALL_GOTO(status, fail,
                 wc_mpi_status(MPI_Send_init(h->send_buffer + (size_t)first * n_transport, count * n_transport,
                                             MPI_DOUBLE, plan->send_neighbour_rank[g], HALO_TAG, h->comm,
                                             &h->requests[h->n_recv_requests + g]),
                               __FILE__, __LINE__, "MPI_Send_init"));
  }
  *halo = h;
  return WC_OK;
fail:
  wc_halo_destroy(&h);
  return status;
}

void wc_halo_destroy(wc_halo **halo) {
  if (halo == NULL || *halo == NULL) return;
  wc_halo *h = *halo;
  int n_requests = h->n_recv_requests + h->n_send_requests;
  if (h->requests != NULL) {
    /* A started persistent request must complete before it may be freed. */
    if (h->active) MPI_Waitall(n_requests, h->requests, MPI_STATUSES_IGNORE);
    /* Receives of an abandoned step-by-step exchange may never be matched: cancel them. */
    for (int k = 0; h->receives_posted && k < h->n_recv_requests; k++) {
      MPI_Cancel(&h->requests[k]);
      MPI_Wait(&h->requests[k], MPI_STATUS_IGNORE);
    }
    for (int g = 0; g < h->n_send_requests; g++)
      if (h->send_started && h->send_started[g]) MPI_Wait(&h->requests[h->n_recv_requests + g], MPI_STATUS_IGNORE);
    for (int k = 0; k < n_requests; k++)
      if (h->requests[k] != MPI_REQUEST_NULL) MPI_Request_free(&h->requests[k]);
  }
  if (h->comm != MPI_COMM_NULL) MPI_Comm_free(&h->comm);
  free(h->requests);
  free(h->send_started);
  free(h->send_buffer);
  free(h->recv_buffer);
  free(h);
  *halo = NULL;
}

int wc_halo_transport_count(const wc_halo *halo) { return halo->n_transport; }

/* Post the receives first, so a send arriving early lands in place instead of in an
 * unexpected-message buffer; then fill the send buffer and start the sends. */
static wc_status halo_start(wc_halo *halo, const double *rows, const int32_t *row_of_send) {
  WC_CHECK(!halo->active, WC_ERR_INTERNAL, "halo: exchange started twice without wc_halo_finish");
  WC_CHECK(!halo->receives_posted && !halo->sends_started, WC_ERR_INTERNAL,
           "halo: wc_halo_start during a step-by-step exchange");
  const wc_halo_plan *plan = halo->plan;
  const int nt = halo->n_transport;
  WC_CHECK(plan->n_send == 0 || rows != NULL, WC_ERR_INTERNAL, "halo: NULL send rates for %d send cells", plan->n_send);
  if (halo->n_recv_requests > 0) WC_MPI_CALL(MPI_Startall(halo->n_recv_requests, halo->requests));
  if (row_of_send == NULL) {
    if (plan->n_send > 0) memcpy(halo->send_buffer, rows, (size_t)plan->n_send * nt * sizeof(double));
  } else {
    for (int32_t k = 0; k < plan->n_send; k++)
      memcpy(halo->send_buffer + (size_t)k * nt, rows + (size_t)row_of_send[k] * nt, (size_t)nt * sizeof(double));
  }
  if (halo->n_send_requests > 0)
    WC_MPI_CALL(MPI_Startall(halo->n_send_requests, halo->requests + halo->n_recv_requests));
  halo->active = 1;
  return WC_OK;
}

wc_status wc_halo_start(wc_halo *halo, const double *send_rate) {
  WC_CALL(halo_start(halo, send_rate, NULL));
  return WC_OK;
}

wc_status wc_halo_start_outlets(wc_halo *halo, const double *outlet_rate) {
  WC_CALL(halo_start(halo, outlet_rate, halo->plan->send_outlet));
  return WC_OK;
}

wc_status wc_halo_finish(wc_halo *halo, double *extra_inflow) {
  WC_CHECK(halo->active, WC_ERR_INTERNAL, "halo: wc_halo_finish without wc_halo_start");
  const wc_halo_plan *plan = halo->plan;
  const int nt = halo->n_transport;
  int n_requests = halo->n_recv_requests + halo->n_send_requests;
  halo->active = 0;
  if (n_requests > 0) WC_MPI_CALL(MPI_Waitall(n_requests, halo->requests, MPI_STATUSES_IGNORE));
  WC_CHECK(plan->n_local == 0 || extra_inflow != NULL, WC_ERR_INTERNAL, "halo: NULL extra_inflow");
  if (plan->n_local > 0) memset(extra_inflow, 0, (size_t)plan->n_local * nt * sizeof(double));
  for (int32_t k = 0; k < plan->n_recv; k++) {
    double *to = extra_inflow + (size_t)plan->recv_cell[k] * nt;
    const double *from = halo->recv_buffer + (size_t)k * nt;
    for (int q = 0; q < nt; q++) to[q] += from[q];
  }
  return WC_OK;
}

/* ---- the exchange step by step (pipelines) ---------------------------------------------------- */

wc_status wc_halo_post_receives(wc_halo *halo) {
  WC_CHECK(!halo->active && !halo->receives_posted, WC_ERR_INTERNAL,
           "halo: receives posted while an exchange is still receiving");
  if (halo->n_recv_requests > 0) WC_MPI_CALL(MPI_Startall(halo->n_recv_requests, halo->requests));
  halo->receives_posted = 1;
  return WC_OK;
}

double *wc_halo_send_buffer(wc_halo *halo) { return halo->send_buffer; }

wc_status wc_halo_send_neighbour(wc_halo *halo, int32_t neighbour) {
  WC_CHECK(!halo->active, WC_ERR_INTERNAL, "halo: wc_halo_send_neighbour during wc_halo_start/finish");
  WC_CHECK(neighbour >= 0 && neighbour < halo->n_send_requests, WC_ERR_INTERNAL,
           "halo: send neighbour %d of %d", (int)neighbour, halo->n_send_requests);
  WC_CHECK(!halo->send_started[neighbour], WC_ERR_INTERNAL,
           "halo: send neighbour %d started twice in one exchange", (int)neighbour);
  WC_MPI_CALL(MPI_Start(&halo->requests[halo->n_recv_requests + neighbour]));
  halo->send_started[neighbour] = 1;
  halo->sends_started++;
  return WC_OK;
}

wc_status wc_halo_wait_receives(wc_halo *halo, const double **received) {
  WC_CHECK(halo->receives_posted, WC_ERR_INTERNAL, "halo: wc_halo_wait_receives without posted receives");
  halo->receives_posted = 0;
  if (halo->n_recv_requests > 0) WC_MPI_CALL(MPI_Waitall(halo->n_recv_requests, halo->requests, MPI_STATUSES_IGNORE));
  if (received) *received = halo->recv_buffer;
  return WC_OK;
}

wc_status wc_halo_wait_sends(wc_halo *halo) {
  WC_CHECK(halo->sends_started == halo->n_send_requests, WC_ERR_INTERNAL,
           "halo: wc_halo_wait_sends after %d of %d send neighbours", halo->sends_started, halo->n_send_requests);
  halo->sends_started = 0;
  if (halo->n_send_requests > 0) {
    WC_MPI_CALL(MPI_Waitall(halo->n_send_requests, halo->requests + halo->n_recv_requests, MPI_STATUSES_IGNORE));
    memset(halo->send_started, 0, (size_t)halo->n_send_requests);
  }
  return WC_OK;
}
