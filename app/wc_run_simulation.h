/* wc_run_simulation.h — the simulation part of `wcsim run`. */
#ifndef WC_RUN_SIMULATION_H
#define WC_RUN_SIMULATION_H

#include <stdbool.h>

#include "wc_basin.h"
#include "wc_scenario.h"
#include "wc_status.h"

/* Build the model and forcing, run the period, write the section series and budgets
 * (docs/output.md). `interactive`: a live progress line instead of periodic log lines.
 * Collective over MPI_COMM_WORLD. */
wc_status wc_run_simulation(const wc_scenario *scenario, const wc_basin *basin, bool interactive) WC_NODISCARD;

#endif
