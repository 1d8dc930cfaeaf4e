/*
 * wc_simulation.h — the time loop: forcing -> model -> integrator -> stations and budgets.
 *
 * For each forcing interval: ask the forcing for the interval's weather, hand it to the
 * model, integrate to the interval's end (a stop time there). At every output interval the
 * stations' series (sections and reservoir inflows) go to an observer callback, so the
 * loop knows nothing of files; at the end the water and nitrogen budgets of the basin and
 * of every jurisdiction are closed and reported.
 *
 * MPI (options.partition and options.plan given): the model is this rank's share of the
 * basin (wc_model_create_local over the plan's cells) and the forcing serves those cells.
 * The ranks integrate one system (wc_integrator.h); at output times the stations' totals
 * are summed onto rank 0 (one MPI_Reduce: each station's cells are on their owner ranks),
 * which alone calls `output`; the budgets are summed over ranks at the start and the end
 * (MPI_Allreduce), so every rank's report holds the basin's. No rank ever holds the whole
 * grid's states. A failure on any rank (forcing, output, solver) is agreed, so every rank
 * returns the same error.
 */
#ifndef WC_SIMULATION_H
#define WC_SIMULATION_H

#include <mpi.h>
#include <stdbool.h>

#include "wc_accounting.h"
#include "wc_forcing.h"
#include "wc_integrator.h"
#include "wc_model.h"
#include "wc_status.h"

typedef struct wc_simulation_options {
  wc_time_s start, end;       /* the period (end exclusive) */
  double step_s;              /* forcing interval */
  double output_interval_s;   /* a multiple of step_s */
  wc_integrator_options integrator;
  int progress;               /* 0 none, 1 a live line (terminal), 2 periodic log lines (batch) */
  const wc_partition *partition; /* the basin graph's partition over the ranks of comm, and */
  const wc_halo_plan *plan;      /* this rank's plan; both NULL: the model is the whole basin
                                    (on every rank alike) */
} wc_simulation_options;

/* Called at the end of every output interval with one sample per station (under MPI with a
 * partition, on rank 0 only). */
typedef wc_status (*wc_simulation_output_fn)(void *context, wc_time_s interval_start, wc_time_s interval_end,
                                             const wc_stations *stations, const wc_station_sample *samples);

typedef struct wc_simulation_report {
  wc_integrator_stats stats; /* this rank's, except the waits: the longest over the ranks */
  double agreement_wait_s;    /* the longest wait of a rank for the others' agreement on an
                                 interval (several ranks: the loop's collectives) */
  double wall_s;
  double cell_days_per_s;
  int32_t n_budgets;          /* 1 + jurisdictions */
  wc_budget *budget_start;    /* [n_budgets]: totals at the start */
  wc_budget *budget_end;      /* [n_budgets]: totals at the end */
  double water_closure, n_closure; /* basin closure, relative to throughput */
  double worst_water_closure, worst_n_closure; /* over all jurisdictions */
  double min_state;           /* smallest state value seen at any output time */
  int64_t nonfinite_states;   /* states found NaN or infinite at output times (0 in a sound run) */
} wc_simulation_report;

/*
 * Run the period. `forcing` covers the model's cells (in node order). On success the
 * report is filled (free with wc_simulation_report_free). A numerical failure names the
 * simulated date and the worst cell (row, column of the basin grid). Collective on comm.
 */
WC_NODISCARD wc_status wc_simulation_run(const wc_basin *basin, wc_model *model, wc_forcing *forcing,
                                         const wc_simulation_options *options, wc_simulation_output_fn output,
                                         void *output_context, MPI_Comm comm, wc_simulation_report *report);

void wc_simulation_report_free(wc_simulation_report *report);

/* Log the report: throughput, solver counters, budgets and closures per jurisdiction. */
void wc_simulation_report_log(const wc_basin *basin, const wc_simulation_report *report);

#endif
