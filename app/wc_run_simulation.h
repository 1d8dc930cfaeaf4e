/* wc_run_simulation.h — the simulation part of `wcsim run`. */
#ifndef WC_RUN_SIMULATION_H
#define WC_RUN_SIMULATION_H

#include <stdbool.h>

#include "wc_basin.h"
#include "wc_scenario.h"
#include "wc_status.h"

typedef struct wc_run_options {
  bool interactive;           /* a live progress line instead of periodic log lines */
  double partition_imbalance; /* the partition's balance bound; < 0: its default */
} wc_run_options;

/* Partition the basin over the ranks of MPI_COMM_WORLD, build each rank's model and
 * forcing, run the period, write the section series, budgets and partition table
 * (docs/output.md). Collective over MPI_COMM_WORLD. */
wc_status wc_run_simulation(const wc_scenario *scenario, const wc_basin *basin,
                            const wc_run_options *options) WC_NODISCARD;

#endif
