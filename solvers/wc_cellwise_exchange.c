/*
 * wc_cellwise_exchange.c — step records across ranks, one message per neighbour rank and
 * interval (wc_cellwise_exchange.h).
 */
#include "wc_cellwise_exchange.h"

#include <stdlib.h>
#include <string.h>

#include "wc_mpi.h"

enum { TAG_RECORDS = 1 };

/* A neighbour this rank sends to: its entries in the plan's send list, and the messages. */
typedef struct send_peer {
  int rank;
  int32_t first, count;
  int32_t remaining;   /* send cells not done in this interval */
  bool failed;
  size_t used;         /* doubles of records packed into this interval's message */
  double **buffer;     /* [slots]: a message being packed or in flight, else NULL */
  size_t *capacity;    /* [slots] in doubles */
  MPI_Request *request; /* [slots] */
} send_peer;

/* A neighbour this rank receives from: its entries in the plan's receive list. */
typedef struct recv_peer {
  int rank;
  int32_t first, count;
  bool in; /* this interval's message has been received */
} recv_peer;

struct wc_cellwise_exchange {
  MPI_Comm comm; /* a private duplicate */
  int rank, size, record_size, slots;
  long intervals;
  size_t max_flight_bytes; /* of the messages sent and not yet taken, beyond this interval's */
  int32_t n_send, n_recv;
  int n_send_peers, n_recv_peers;
  send_peer *send;
  recv_peer *recv;
  int32_t *send_peer_of; /* [n_send] */
  int32_t *recv_peer_of; /* [n_recv] */
  double *received;      /* this interval's messages, as they came */
  size_t received_used, received_capacity;
  int64_t *entry_offset; /* [n_recv] where each entry's records start in `received` */
  int32_t *entry_count;  /* [n_recv] */
  bool failed_upstream;
  double wait_s;
};

static inline size_t header_size(int32_t count) { return 1 + 2 * (size_t)count; }

static void free_slots(wc_cellwise_exchange *ex) {
  for (int p = 0; p < ex->n_send_peers; p++) {
    send_peer *peer = &ex->send[p];
    for (int s = 0; peer->request && s < ex->slots; s++)
      if (peer->request[s] != MPI_REQUEST_NULL) MPI_Wait(&peer->request[s], MPI_STATUS_IGNORE);
    for (int s = 0; peer->buffer && s < ex->slots; s++) free(peer->buffer[s]);
    free(peer->buffer);
    free(peer->capacity);
    free(peer->request);
    peer->buffer = NULL;
    peer->capacity = NULL;
    peer->request = NULL;
  }
}

static wc_status allocate_slots(wc_cellwise_exchange *ex, int slots) {
  ex->slots = slots;
  for (int p = 0; p < ex->n_send_peers; p++) {
    send_peer *peer = &ex->send[p];
    peer->buffer = calloc((size_t)slots, sizeof *peer->buffer);
    peer->capacity = calloc((size_t)slots, sizeof *peer->capacity);
    peer->request = malloc((size_t)slots * sizeof *peer->request);
    WC_CHECK(peer->buffer && peer->capacity && peer->request, WC_ERR_MEMORY,
             "out of memory for the cell-by-cell send buffers");
    for (int s = 0; s < slots; s++) peer->request[s] = MPI_REQUEST_NULL;
  }
  return WC_OK;
}

/* A message that has been taken: its buffer goes back to the heap, so that the memory of
 * the messages in flight is what the ranks below have not taken yet. */
static void release(send_peer *peer, int slot) {
  free(peer->buffer[slot]);
  peer->buffer[slot] = NULL;
  peer->capacity[slot] = 0;
}

/* Wait for the message in `slot` of `peer`, if any, and release it. */
static wc_status settle(wc_cellwise_exchange *ex, send_peer *peer, int slot) {
  if (peer->request[slot] == MPI_REQUEST_NULL) return WC_OK;
  const double wait_start = MPI_Wtime();
  WC_CALL(wc_mpi_status(MPI_Wait(&peer->request[slot], MPI_STATUS_IGNORE), __FILE__, __LINE__, "MPI_Wait"));
  ex->wait_s += MPI_Wtime() - wait_start;
  release(peer, slot);
  return WC_OK;
}

/* Release the messages taken since the last look; then, while those of earlier intervals
 * still in flight hold more than their bound, wait for the oldest (the rank below is that
 * far behind). This interval's slot is left alone. */
static wc_status settle_flight(wc_cellwise_exchange *ex) {
  const int current = (int)(ex->intervals % ex->slots);
  size_t bytes = 0;
  for (int p = 0; p < ex->n_send_peers; p++) {
    send_peer *peer = &ex->send[p];
    for (int s = 0; s < ex->slots; s++) {
      if (s == current || peer->request[s] == MPI_REQUEST_NULL) continue;
      int done = 0;
      WC_CALL(wc_mpi_status(MPI_Test(&peer->request[s], &done, MPI_STATUS_IGNORE), __FILE__, __LINE__, "MPI_Test"));
      if (done) release(peer, s);
      else bytes += peer->capacity[s] * sizeof(double);
    }
  }
  for (long k = ex->intervals - ex->slots + 1; k < ex->intervals && bytes > ex->max_flight_bytes; k++) {
    if (k < 0) continue;
    for (int p = 0; p < ex->n_send_peers; p++) {
      send_peer *peer = &ex->send[p];
      const int slot = (int)(k % ex->slots);
      if (peer->request[slot] != MPI_REQUEST_NULL) bytes -= peer->capacity[slot] * sizeof(double);
      WC_CALL(settle(ex, peer, slot));
    }
  }
  return WC_OK;
}

/* Room for `need` doubles in a growing buffer. */
static wc_status reserve(double **buffer, size_t *capacity, size_t need) {
  if (need <= *capacity) return WC_OK;
  size_t grown_capacity = 2 * need;
  double *grown = realloc(*buffer, grown_capacity * sizeof *grown);
  WC_CHECK(grown != NULL, WC_ERR_MEMORY, "out of memory for cell-by-cell records (%zu doubles)", grown_capacity);
  *buffer = grown;
  *capacity = grown_capacity;
  return WC_OK;
}

wc_status wc_cellwise_exchange_create(const wc_halo_plan *plan, MPI_Comm comm, int record_size,
                                      wc_cellwise_exchange **exchange) {
  *exchange = NULL;
  wc_cellwise_exchange *ex = calloc(1, sizeof *ex);
  WC_CHECK(ex != NULL, WC_ERR_MEMORY, "out of memory for the cell-by-cell exchange");
  ex->comm = MPI_COMM_NULL;
  wc_status status = wc_mpi_status(MPI_Comm_dup(comm, &ex->comm), __FILE__, __LINE__, "MPI_Comm_dup");
  if (status != WC_OK) {
    free(ex);
    return status;
  }
  MPI_Comm_rank(ex->comm, &ex->rank);
  MPI_Comm_size(ex->comm, &ex->size);
  ex->record_size = record_size;
  ex->n_send = wc_halo_plan_send_count(plan);
  ex->n_recv = wc_halo_plan_recv_count(plan);
  ex->n_send_peers = wc_halo_plan_send_neighbour_count(plan);
  ex->n_recv_peers = wc_halo_plan_recv_neighbour_count(plan);
  ex->send = calloc((size_t)ex->n_send_peers + 1, sizeof *ex->send);
  ex->recv = calloc((size_t)ex->n_recv_peers + 1, sizeof *ex->recv);
  ex->send_peer_of = malloc(((size_t)ex->n_send + 1) * sizeof *ex->send_peer_of);
  ex->recv_peer_of = malloc(((size_t)ex->n_recv + 1) * sizeof *ex->recv_peer_of);
  ex->entry_offset = calloc((size_t)ex->n_recv + 1, sizeof *ex->entry_offset);
  ex->entry_count = calloc((size_t)ex->n_recv + 1, sizeof *ex->entry_count);
  ex->received_capacity = (size_t)record_size * (8 * (size_t)ex->n_recv + 8);
  ex->received = malloc(ex->received_capacity * sizeof *ex->received);
  if (!ex->send || !ex->recv || !ex->send_peer_of || !ex->recv_peer_of || !ex->entry_offset || !ex->entry_count ||
      !ex->received) {
    wc_cellwise_exchange_destroy(&ex);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for the cell-by-cell exchange");
  }
  /* The plan groups both lists by neighbour and, within a pair, orders them by the
   * sending cell on both sides. */
  const int32_t *send_rank = wc_halo_plan_send_neighbour_rank(plan), *send_start = wc_halo_plan_send_neighbour_start(plan);
  const int32_t *recv_rank = wc_halo_plan_recv_neighbour_rank(plan), *recv_start = wc_halo_plan_recv_neighbour_start(plan);
  int ascending = 1;
  for (int p = 0; p < ex->n_send_peers; p++) {
    ex->send[p] = (send_peer){.rank = send_rank[p], .first = send_start[p], .count = send_start[p + 1] - send_start[p]};
    for (int32_t k = send_start[p]; k < send_start[p + 1]; k++) ex->send_peer_of[k] = p;
    if (send_rank[p] <= ex->rank) ascending = 0;
  }
  for (int p = 0; p < ex->n_recv_peers; p++) {
    ex->recv[p] = (recv_peer){.rank = recv_rank[p], .first = recv_start[p], .count = recv_start[p + 1] - recv_start[p]};
    for (int32_t k = recv_start[p]; k < recv_start[p + 1]; k++) ex->recv_peer_of[k] = p;
  }
  status = allocate_slots(ex, 1);
  int all_ascending = ascending;
  if (status == WC_OK)
    status = wc_mpi_status(MPI_Allreduce(&ascending, &all_ascending, 1, MPI_INT, MPI_MIN, ex->comm), __FILE__,
                           __LINE__, "MPI_Allreduce");
  if (status == WC_OK && !all_ascending)
    status = wc_error_set(WC_ERR_UNSUPPORTED, __FILE__, __LINE__,
                          "cell by cell needs a partition whose ranks send flow only to higher ranks (contiguous); "
                          "this one sends to a lower rank");
  if (status != WC_OK) {
    wc_cellwise_exchange_destroy(&ex);
    return status;
  }
  *exchange = ex;
  return WC_OK;
}

void wc_cellwise_exchange_destroy(wc_cellwise_exchange **exchange) {
  if (!exchange || !*exchange) return;
  wc_cellwise_exchange *ex = *exchange;
  if (ex->send) free_slots(ex);
  free(ex->send);
  free(ex->recv);
  free(ex->send_peer_of);
  free(ex->recv_peer_of);
  free(ex->entry_offset);
  free(ex->entry_count);
  free(ex->received);
  if (ex->comm != MPI_COMM_NULL) MPI_Comm_free(&ex->comm);
  free(ex);
  *exchange = NULL;
}

int wc_cellwise_exchange_rank(const wc_cellwise_exchange *ex) { return ex->rank; }
int wc_cellwise_exchange_size(const wc_cellwise_exchange *ex) { return ex->size; }
MPI_Comm wc_cellwise_exchange_comm(const wc_cellwise_exchange *ex) { return ex->comm; }

wc_status wc_cellwise_exchange_set_flight(wc_cellwise_exchange *ex, int slots, size_t max_bytes) {
  WC_CHECK(slots >= 1 && ex->intervals == 0, WC_ERR_INTERNAL, "%d send slots asked for after %ld intervals", slots,
           ex->intervals);
  free_slots(ex);
  ex->max_flight_bytes = max_bytes;
  return allocate_slots(ex, slots);
}

void wc_cellwise_exchange_begin(wc_cellwise_exchange *ex) {
  for (int p = 0; p < ex->n_send_peers; p++) {
    ex->send[p].remaining = ex->send[p].count;
    ex->send[p].failed = false;
    ex->send[p].used = 0;
  }
  for (int p = 0; p < ex->n_recv_peers; p++) ex->recv[p].in = false;
  ex->received_used = 0;
  ex->failed_upstream = false;
}

wc_status wc_cellwise_exchange_cell_done(wc_cellwise_exchange *ex, int32_t send_index, const double *records,
                                         int32_t count, bool failed) {
  send_peer *peer = &ex->send[ex->send_peer_of[send_index]];
  const int slot = (int)(ex->intervals % ex->slots);
  const size_t header = header_size(peer->count), j = (size_t)(send_index - peer->first);
  /* The message of `slots` intervals ago must have been taken before its slot is reused. */
  if (peer->remaining == peer->count) WC_CALL(settle(ex, peer, slot));
  const size_t length = failed ? 0 : (size_t)count * (size_t)ex->record_size;
  WC_CALL(reserve(&peer->buffer[slot], &peer->capacity[slot], header + peer->used + length));
  double *message = peer->buffer[slot];
  message[1 + 2 * j] = (double)peer->used;
  message[2 + 2 * j] = failed ? 0.0 : (double)count;
  if (length > 0) memcpy(message + header + peer->used, records, length * sizeof *records);
  peer->used += length;
  peer->failed = peer->failed || failed;
  if (--peer->remaining > 0) return WC_OK;
  message[0] = peer->failed ? 1.0 : 0.0;
  /* In flight it holds what it sends, not the room it grew into. */
  const size_t message_size = header + peer->used;
  double *fitted = realloc(message, message_size * sizeof *message);
  if (fitted != NULL) {
    peer->buffer[slot] = message = fitted;
    peer->capacity[slot] = message_size;
  }
  WC_CALL(wc_mpi_status(
      MPI_Isend(message, (int)message_size, MPI_DOUBLE, peer->rank, TAG_RECORDS, ex->comm, &peer->request[slot]),
      __FILE__, __LINE__, "MPI_Isend"));
  return settle_flight(ex);
}

wc_status wc_cellwise_exchange_receive(wc_cellwise_exchange *ex, int32_t recv_index) {
  recv_peer *peer = &ex->recv[ex->recv_peer_of[recv_index]];
  if (peer->in) return WC_OK;
  /* Messages of one pair arrive in the order they were sent: this interval's is the first. */
  MPI_Status probe;
  int length = 0;
  const double wait_start = MPI_Wtime();
  WC_CALL(wc_mpi_status(MPI_Probe(peer->rank, TAG_RECORDS, ex->comm, &probe), __FILE__, __LINE__, "MPI_Probe"));
  ex->wait_s += MPI_Wtime() - wait_start;
  MPI_Get_count(&probe, MPI_DOUBLE, &length);
  const size_t header = header_size(peer->count);
  WC_CHECK(length >= (int)header, WC_ERR_INTERNAL, "cell-by-cell message of %d doubles from rank %d, want at least %zu",
           length, peer->rank, header);
  WC_CALL(reserve(&ex->received, &ex->received_capacity, ex->received_used + (size_t)length));
  double *message = ex->received + ex->received_used;
  WC_CALL(wc_mpi_status(MPI_Recv(message, length, MPI_DOUBLE, peer->rank, TAG_RECORDS, ex->comm, MPI_STATUS_IGNORE),
                        __FILE__, __LINE__, "MPI_Recv"));
  const bool failed = message[0] != 0.0;
  if (failed) ex->failed_upstream = true;
  for (int32_t j = 0; j < peer->count; j++) {
    ex->entry_offset[peer->first + j] = (int64_t)(ex->received_used + header) + (int64_t)message[1 + 2 * j];
    ex->entry_count[peer->first + j] = failed ? 0 : (int32_t)message[2 + 2 * j];
  }
  ex->received_used += (size_t)length;
  peer->in = true;
  return WC_OK;
}

const double *wc_cellwise_exchange_records(const wc_cellwise_exchange *ex, int32_t recv_index, int32_t *count) {
  *count = ex->entry_count[recv_index];
  return ex->received + ex->entry_offset[recv_index];
}

bool wc_cellwise_exchange_failed_upstream(const wc_cellwise_exchange *ex) { return ex->failed_upstream; }

void wc_cellwise_exchange_end(wc_cellwise_exchange *ex) { ex->intervals++; }

double wc_cellwise_exchange_wait_s(const wc_cellwise_exchange *ex) { return ex->wait_s; }
