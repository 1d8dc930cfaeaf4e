/*
 * wc_cellwise_exchange.h — the step records that cross ranks in a cell-by-cell run (private
 * to wc_cellwise.c).
 *
 * Each interval, every cell whose flow goes on to another rank (a send cell) has records
 * of its steps (wc_cellwise.c); a cell fed from another rank reads its source's records.
 * They travel as one message per neighbour rank and interval, sent as soon as this rank's
 * last send cell for that neighbour is done:
 *
 *   [failed, (offset, count) per send cell of the pair, records of the cells...]
 *
 * with the pair's cells in the order both sides agree on (the halo plan's: by the sending
 * cell), offsets in doubles after the header. One message per cell, as first written,
 * cost the sending rank ~10 us each in OpenMPI's progress engine (282,000 messages in a
 * year of the 1 km Yongding on two ranks: 3.4 s of its 21 s).
 *
 * No deadlock: the partition sends only to higher ranks (contiguous blocks of the
 * topological order; create refuses any other), so a rank's messages never wait for
 * messages from ranks above it. With deferred agreement the rank below may be several
 * intervals behind: each neighbour keeps up to `slots` messages in flight, as many as fit
 * in a bound of bytes (set_flight), each in a buffer of its own size freed when taken.
 */
#ifndef WC_CELLWISE_EXCHANGE_H
#define WC_CELLWISE_EXCHANGE_H

#include <mpi.h>
#include <stdbool.h>
#include <stdint.h>

#include "wc_halo.h"
#include "wc_status.h"

typedef struct wc_cellwise_exchange wc_cellwise_exchange;

/* Records of `record_size` doubles each. Collective over comm (duplicated). WC_ERR_UNSUPPORTED
 * when some rank sends to a lower rank (a partition that is not contiguous). */
WC_NODISCARD wc_status wc_cellwise_exchange_create(const wc_halo_plan *plan, MPI_Comm comm, int record_size,
                                                   wc_cellwise_exchange **exchange);
void wc_cellwise_exchange_destroy(wc_cellwise_exchange **exchange);

int wc_cellwise_exchange_rank(const wc_cellwise_exchange *exchange);
int wc_cellwise_exchange_size(const wc_cellwise_exchange *exchange);
MPI_Comm wc_cellwise_exchange_comm(const wc_cellwise_exchange *exchange);

/* Messages kept in flight per neighbour (1 at first), and at most `max_bytes` of them over
 * all neighbours beyond this interval's (0 at first): past that, a rank waits for the
 * oldest to be taken before it goes on. Before the first interval only. */
WC_NODISCARD wc_status wc_cellwise_exchange_set_flight(wc_cellwise_exchange *exchange, int slots, size_t max_bytes);

/* A new interval: nothing received, no send cell done. */
void wc_cellwise_exchange_begin(wc_cellwise_exchange *exchange);

/* Send cell `send_index` (the plan's send list) is done: its `count` records at `records`,
 * or failed (then nothing of it is sent, and its neighbour's message says failed). */
WC_NODISCARD wc_status wc_cellwise_exchange_cell_done(wc_cellwise_exchange *exchange, int32_t send_index,
                                                      const double *records, int32_t count, bool failed);

/* Receive entry `recv_index` (the plan's receive list): its source's records of this
 * interval, receiving its rank's message first if it is not in yet. The pointer is valid
 * until the next receive. */
WC_NODISCARD wc_status wc_cellwise_exchange_receive(wc_cellwise_exchange *exchange, int32_t recv_index);
const double *wc_cellwise_exchange_records(const wc_cellwise_exchange *exchange, int32_t recv_index,
                                           int32_t *count);

/* A message of this interval said that its rank failed. */
bool wc_cellwise_exchange_failed_upstream(const wc_cellwise_exchange *exchange);

/* The interval is over (its messages are all sent). */
void wc_cellwise_exchange_end(wc_cellwise_exchange *exchange);

/* Wall time spent waiting for messages, or for buffers to be free. */
double wc_cellwise_exchange_wait_s(const wc_cellwise_exchange *exchange);

#endif
