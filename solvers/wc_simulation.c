/* wc_simulation.c — the forcing/integrate/observe loop, progress, and the budget report. */
#include "wc_simulation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wc_log.h"
#include "wc_mpi.h"

static double wall_seconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

typedef struct progress_state {
  int mode;
  double wall_start, last_print;
  int last_percent;
} progress_state;

static void format_duration(double seconds, char *text, size_t size) {
  if (seconds < 60)
    snprintf(text, size, "%.0fs", seconds);
  else if (seconds < 3600)
    snprintf(text, size, "%dm%02ds", (int)(seconds / 60), (int)fmod(seconds, 60));
  else
    snprintf(text, size, "%dh%02dm", (int)(seconds / 3600), (int)fmod(seconds / 60, 60));
}

/* A live line on a terminal (rewritten in place); in batch jobs a log line every 5% of the
 * period or every minute of wall time, whichever comes first. */
static void progress_update(progress_state *p, wc_time_s now, const wc_simulation_options *o, bool last) {
  if (p->mode == 0) return;
  double fraction = (double)(now - o->start) / (double)(o->end - o->start);
  double wall = wall_seconds(), elapsed = wall - p->wall_start;
  int percent = (int)(100.0 * fraction);
  bool due = p->mode == 1 ? wall - p->last_print > 0.2 : (percent / 5 > p->last_percent / 5 || wall - p->last_print > 60);
  if (!due && !last) return;
  p->last_print = wall;
  p->last_percent = percent;
  char date[32], left[32];
  wc_time_format(now, date, sizeof date);
  format_duration(fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0, left, sizeof left);
  if (p->mode == 1) {
    fprintf(stderr, "\r%s  %5.1f%%  %s left   ", date, 100.0 * fraction, left);
    if (last) fputc('\n', stderr);
    fflush(stderr);
  } else {
    wc_log_info("simulated %s (%.0f%%), %s left", date, 100.0 * fraction, left);
  }
}

static wc_status report_failure(const wc_basin *basin, wc_integrator *integrator, const wc_simulation_options *o,
                                wc_status status) {
  const wc_integrator_failure *failure = wc_integrator_last_failure(integrator);
  char message[1200], date[32];
  snprintf(message, sizeof message, "%s", wc_error_message());
  if (!failure) return status;
  wc_time_format(o->start + (wc_time_s)floor(failure->t_s), date, sizeof date);
  if (failure->node >= 0 && failure->global_node >= 0 && failure->global_node < basin->graph->n) {
    const wc_drainage_graph *graph = basin->graph;
    return wc_error_set(status, __FILE__, __LINE__, "solver failed at %s in cell row %d, column %d (%s): %s", date,
                        graph->row[failure->global_node], graph->col[failure->global_node],
                        failure->nonfinite      ? "non-finite value"
                        : failure->cell_gave_up ? "its own steps failed"
                                                : "largest error",
                        message);
  }
  return wc_error_set(status, __FILE__, __LINE__, "solver failed at %s: %s", date, message);
}

/* The job the loop runs in: its communicator, and whether the ranks share one basin. */
typedef struct loop_job {
  MPI_Comm comm; /* MPI_COMM_NULL or size 1: alone */
  int rank, size;
  bool distributed; /* a partition: station totals and budgets are sums over ranks */
  /* Station cells (all stations' cells in station order): owner rank and local node of
   * each, and on rank 0 the stations renumbered so cell p is node p of `cell_rows`. */
  int32_t n_station_cells;
  int32_t *cell_rank, *cell_local;
  wc_stations *by_position;
  bool lagged; /* the ranks agree on an interval LAG_INTERVALS later (wc_integrator_defer_agreement) */
} loop_job;

/* Every rank returns the same status (collective when there are several ranks). */
static wc_status agree(const loop_job *job, wc_status status) {
  return job->size > 1 ? wc_mpi_agree_on(job->comm, status) : status;
}

/* Sum `count` doubles over the ranks, onto rank 0 (root) or onto all. */
static wc_status sum_over_ranks(const loop_job *job, double *values, int count, bool all) {
  if (!job->distributed || job->size <= 1 || count == 0) return WC_OK;
  int code = all ? MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_DOUBLE, MPI_SUM, job->comm)
                 : MPI_Reduce(job->rank == 0 ? MPI_IN_PLACE : values, values, count, MPI_DOUBLE, MPI_SUM, 0,
                              job->comm);
  return wc_mpi_status(code, __FILE__, __LINE__, all ? "MPI_Allreduce" : "MPI_Reduce");
}

/* ---- the time loop ------------------------------------------------------------------------ */

/*
 * An interval whose agreement (had a rank failed by its end?) and, at output times, station
 * totals are on their way between the ranks. Ranks post an interval's and then complete the
 * one LAG_INTERVALS before it (cell by cell on several ranks; else the same interval): no
 * rank waits for the others at the end of an interval, an upstream rank integrates the
 * coming days while the ranks below it finish today, and the ranks meet LAG_INTERVALS
 * late. A rank that fails goes on taking part in the exchanges (wc_integrator_pass) until
 * the others know; the first interval in which a rank had failed is where every rank
 * stops, with the message of the lowest such rank.
 *
 * Measured on the 1 km Yongding on two ranks: over 2001, with a lag of one interval the
 * upstream rank still waited 1.4-2.0 s for the rank below and that one 3-4.5 s for its
 * records (one day's imbalance between the ranks is not the next day's); with two or three
 * the upstream rank hardly waited. But the balance of the work moves with the seasons:
 * over 2001-2005 the ranks waited 12.9 s and 9.6 s with a lag of 3 and 3.9 s and 8.3 s
 * with 60, where the upstream rank can bank up to two months' lead while the rank below
 * is the slower and spend it when it is the slower itself. The records in flight that a
 * lead needs are bounded by memory (wc_cellwise.c, FLIGHT_BYTES_PER_CELL), and a failure
 * is agreed up to sixty intervals of simulated time late, a few seconds of the run.
 */
enum { LAG_INTERVALS = 60, INTERVALS_IN_FLIGHT = LAG_INTERVALS + 1 };

typedef struct interval_in_flight {
  bool active, output_due;
  wc_time_s output_start, t_end;
  int mine, first;       /* this rank, if it had failed by the interval's end (else size); the lowest */
  MPI_Request request[2];
  int n_requests;
  double *rows;          /* distributed: the station cells' flux rows, summed onto rank 0;
                            else: the stations' totals */
} interval_in_flight;

typedef struct loop_state {
  wc_status failure;     /* this rank's first failure (it stays), and its message */
  char message[2048];
  double *totals, *totals_before; /* [2 stations + 1] cumulative at the last output, rank 0 */
  wc_station_sample *samples;
  int32_t n_rows;        /* doubles in `rows` */
  double wait_s;         /* waited for the others' agreement */
} loop_state;

static void remember_failure(loop_state *loop, wc_status status) {
  if (loop->failure != WC_OK) return;
  loop->failure = status;
  snprintf(loop->message, sizeof loop->message, "%s", wc_error_message());
}

/* This rank's failure, its message the current error again, to be agreed on. */
static wc_status recall_failure(const loop_state *loop) {
  if (loop->failure == WC_OK) return WC_OK;
  return wc_error_set(loop->failure, __FILE__, __LINE__, "%s", loop->message);
}

/* This rank's station cell rows at the interval's end, or (not distributed) the totals. */
static void take_station_rows(const loop_job *job, wc_model *model, wc_integrator *integrator,
                              const wc_stations *stations, double *rows) {
  const double *q = wc_integrator_flux_totals(integrator);
  if (!job->distributed) {
    wc_stations_totals(stations, model, wc_model_ode(model)->flux_row, q, rows);
    return;
  }
  /* Each station cell's row comes from its owner (the others add zeros, which is exact), and
   * rank 0 sums them per station as a serial run does, in the same order: the same bits on
   * any number of ranks. */
  const size_t row = WC_FLUX_COUNT;
  memset(rows, 0, (size_t)job->n_station_cells * row * sizeof *rows);
  for (int32_t p = 0; p < job->n_station_cells; ++p)
    if (job->cell_rank[p] == job->rank)
      memcpy(rows + (size_t)p * row, q + (size_t)wc_graph_ode_flux_row_of(wc_model_ode(model), job->cell_local[p]) * row,
             row * sizeof *q);
}

static wc_status post_interval(const loop_job *job, const loop_state *loop, interval_in_flight *flight) {
  flight->active = true;
  flight->mine = loop->failure != WC_OK ? job->rank : job->size;
  flight->first = flight->mine;
  flight->n_requests = 0;
  if (job->size < 2) return WC_OK;
  WC_CALL(wc_mpi_status(MPI_Iallreduce(&flight->mine, &flight->first, 1, MPI_INT, MPI_MIN, job->comm,
                                       &flight->request[flight->n_requests++]),
                        __FILE__, __LINE__, "MPI_Iallreduce"));
  if (flight->output_due && job->distributed)
    WC_CALL(wc_mpi_status(MPI_Ireduce(job->rank == 0 ? MPI_IN_PLACE : flight->rows, flight->rows, loop->n_rows,
                                      MPI_DOUBLE, MPI_SUM, 0, job->comm, &flight->request[flight->n_requests++]),
                          __FILE__, __LINE__, "MPI_Ireduce"));
  return WC_OK;
}

/* Waits for an interval's agreement. A failure by then: every rank returns the failure of
 * the lowest rank that had one. Else the interval's output, if due, on the rank(s) that
 * write it (a failure there is this rank's own, agreed with a later interval). */
static wc_status complete_interval(const loop_job *job, wc_model *model, const wc_stations *stations,
                                   wc_simulation_output_fn output, void *context, loop_state *loop,
                                   interval_in_flight *flight) {
  flight->active = false;
  const double wait_start = wall_seconds();
  if (flight->n_requests > 0)
    WC_CALL(wc_mpi_status(MPI_Waitall(flight->n_requests, flight->request, MPI_STATUSES_IGNORE), __FILE__, __LINE__,
                          "MPI_Waitall"));
  loop->wait_s += wall_seconds() - wait_start;
  if (flight->first < job->size) return agree(job, flight->mine < job->size ? recall_failure(loop) : WC_OK);
  if (!flight->output_due) return WC_OK;
  bool writes = !job->distributed || job->rank == 0;
  if (!writes) return WC_OK;
  const size_t n_totals = (size_t)(2 * stations->count + 1);
  if (job->distributed) wc_stations_totals(job->by_position, model, NULL, flight->rows, loop->totals);
  else memcpy(loop->totals, flight->rows, n_totals * sizeof *loop->totals);
  for (int32_t k = 0; k < stations->count; ++k)
    wc_station_sample_from_totals(loop->totals_before + 2 * k, loop->totals + 2 * k,
                                  (double)(flight->t_end - flight->output_start), &loop->samples[k]);
  if (output && loop->failure == WC_OK) {
    wc_status status = output(context, flight->output_start, flight->t_end, stations, loop->samples);
    if (status != WC_OK) remember_failure(loop, status);
  }
  memcpy(loop->totals_before, loop->totals, n_totals * sizeof *loop->totals);
  return WC_OK;
}

/* This rank's share of one interval: forcing, then integrate (or, once it has failed, only
 * the exchanges). Without a lag every rank agrees on the forcing first: the integrator's
 * advance is then collective, and a rank that skipped it would leave the others waiting. */
static wc_status run_interval(const wc_basin *basin, wc_model *model, wc_forcing *forcing,
                              const wc_simulation_options *o, wc_integrator *integrator, const loop_job *job,
                              loop_state *loop, double *weather, wc_time_s t) {
  const int32_t n = wc_model_ode(model)->n_cells;
  const wc_time_s t_end = t + (wc_time_s)o->step_s;
  if (loop->failure == WC_OK) {
    wc_forcing_values values = {weather, weather + n, weather + 2 * n, weather + 3 * n};
    wc_status status = wc_forcing_next(forcing, t, &values);
    if (status == WC_OK)
      status = wc_model_set_forcing(model, t, o->step_s, values.precipitation_mm, values.temperature_c,
                                    values.temperature_min_c, values.temperature_max_c);
    if (status != WC_OK) remember_failure(loop, status);
  }
  if (!job->lagged) WC_CALL(agree(job, recall_failure(loop)));
  if (loop->failure != WC_OK) return wc_integrator_pass(integrator, (double)(t_end - o->start));
  wc_status status = wc_integrator_advance(integrator, (double)(t_end - o->start));
  if (status != WC_OK) {
    if (!job->lagged) return report_failure(basin, integrator, o, status); /* agreed by advance */
    remember_failure(loop, report_failure(basin, integrator, o, status));
  }
  return WC_OK;
}

static wc_status run_loop(const wc_basin *basin, wc_model *model, wc_forcing *forcing, const wc_simulation_options *o,
                          wc_simulation_output_fn output, void *context, wc_integrator *integrator,
                          const wc_stations *stations, const loop_job *job, wc_simulation_report *report) {
  int32_t n = wc_model_ode(model)->n_cells;
  wc_status status = WC_OK;
  size_t n_totals = (size_t)(2 * stations->count + 1);
  loop_state loop = {.failure = WC_OK};
  loop.n_rows = job->distributed ? job->n_station_cells * WC_FLUX_COUNT : (int32_t)n_totals;
  interval_in_flight flight[INTERVALS_IN_FLIGHT] = {{0}};
  const long lag = job->lagged ? LAG_INTERVALS : 0, in_flight = lag + 1; /* of `flight` in use */
  double *weather = calloc((size_t)n * 4 + 1, sizeof *weather);
  loop.totals = calloc(n_totals, sizeof *loop.totals);
  loop.totals_before = calloc(n_totals, sizeof *loop.totals_before);
  loop.samples = calloc((size_t)stations->count + 1, sizeof *loop.samples);
  bool rows_ok = true;
  for (int k = 0; k < in_flight; ++k) {
    flight[k].rows = calloc((size_t)loop.n_rows + 1, sizeof *flight[k].rows);
    rows_ok = rows_ok && flight[k].rows;
  }
  if (!weather || !loop.totals || !loop.totals_before || !loop.samples || !rows_ok) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for the time loop");
    goto done;
  }
  progress_state progress = {.mode = o->progress, .wall_start = wall_seconds(), .last_print = wall_seconds()};
  wc_time_s output_start = o->start;
  long interval = 0;
  for (wc_time_s t = o->start; t < o->end; t += (wc_time_s)o->step_s, ++interval) {
    wc_time_s t_end = t + (wc_time_s)o->step_s;
    WC_CALL_GOTO(status, done, run_interval(basin, model, forcing, o, integrator, job, &loop, weather, t));
    interval_in_flight *now = &flight[interval % in_flight];
    now->t_end = t_end;
    now->output_start = output_start;
    now->output_due = (double)(t_end - output_start) >= o->output_interval_s || t_end >= o->end;
    if (now->output_due) {
      if (loop.failure == WC_OK) {
        /* Stores are kept non-negative by the equations; watch that they stay so. */
        const double *y = wc_integrator_state(integrator);
        size_t count = (size_t)n * (size_t)wc_model_ode(model)->n_states;
        for (size_t k = 0; k < count; ++k) {
          if (!isfinite(y[k])) report->nonfinite_states++;
          else if (y[k] < report->min_state) report->min_state = y[k];
        }
      }
      take_station_rows(job, model, integrator, stations, now->rows);
      output_start = t_end;
    }
    WC_CALL_GOTO(status, done, post_interval(job, &loop, now));
    if (interval >= lag)
      WC_CALL_GOTO(status, done,
                   complete_interval(job, model, stations, output, context, &loop,
                                     &flight[(interval - lag) % in_flight]));
    progress_update(&progress, t_end, o, t_end >= o->end);
  }
  for (long j = interval - lag > 0 ? interval - lag : 0; j < interval; ++j) { /* the older ones first */
    interval_in_flight *last = &flight[j % in_flight];
    if (last->active) WC_CALL_GOTO(status, done, complete_interval(job, model, stations, output, context, &loop, last));
  }
  /* A failure of the last output (rank 0's own) has not been agreed yet. */
  WC_CALL_GOTO(status, done, agree(job, recall_failure(&loop)));
  wc_budgets_compute(basin, model, wc_integrator_state(integrator), wc_integrator_flux_totals(integrator),
                     report->budget_end);
  WC_CALL_GOTO(status, done,
               sum_over_ranks(job, (double *)report->budget_end, report->n_budgets * WC_BUDGET_DOUBLES, true));
  report->agreement_wait_s = loop.wait_s;
done:
  /* After an agreed failure every rank has posted the same intervals: finish them, so that
   * no collective is left open (after an MPI error there is nothing to wait for). */
  for (int k = 0; k < INTERVALS_IN_FLIGHT && status != WC_ERR_MPI; ++k)
    if (flight[k].active && flight[k].n_requests > 0) MPI_Waitall(flight[k].n_requests, flight[k].request, MPI_STATUSES_IGNORE);
  free(weather);
  free(loop.totals);
  free(loop.totals_before);
  free(loop.samples);
  for (int k = 0; k < INTERVALS_IN_FLIGHT; ++k) free(flight[k].rows);
  return status;
}

wc_status wc_simulation_run(const wc_basin *basin, wc_model *model, wc_forcing *forcing,
                            const wc_simulation_options *options, wc_simulation_output_fn output,
                            void *output_context, MPI_Comm comm, wc_simulation_report *report) {
  memset(report, 0, sizeof *report);
  const wc_graph_ode *ode = wc_model_ode(model);
  WC_CHECK(options->end > options->start && options->step_s > 0, WC_ERR_INTERNAL, "empty simulation period");
  report->n_budgets = 1 + basin->n_jurisdictions;
  report->min_state = HUGE_VAL;
  WC_MALLOC(report->budget_start, (size_t)report->n_budgets, "budgets");
  WC_MALLOC(report->budget_end, (size_t)report->n_budgets, "budgets");

  double *y0 = NULL, *zero = NULL;
  int32_t *node_list = NULL, *node_rank = NULL, *node_local = NULL, *positions = NULL, *on_root = NULL;
  wc_integrator *integrator = NULL;
  wc_stations *stations = NULL;
  wc_status status = WC_OK;
  loop_job job = {.comm = comm, .rank = 0, .size = 1, .distributed = options->plan != NULL};
  if (comm != MPI_COMM_NULL) {
    MPI_Comm_rank(comm, &job.rank);
    MPI_Comm_size(comm, &job.size);
  }
  WC_CHECK(!job.distributed || (options->partition && wc_halo_plan_local_count(options->plan) == ode->n_cells &&
                                wc_model_global_nodes(model) != NULL),
           WC_ERR_INTERNAL, "a distributed run needs the partition, this rank's plan and its local model");
  WC_MALLOC(y0, (size_t)ode->n_cells * (size_t)ode->n_states, "the initial state");
  zero = calloc((size_t)wc_graph_ode_flux_rows(ode) * (size_t)ode->n_fluxes + 1, sizeof *zero);
  if (!zero) {
    free(y0);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for the budgets");
  }
  wc_model_initial_state(model, y0);
  wc_budgets_compute(basin, model, y0, zero, report->budget_start);
  WC_CALL_GOTO(status, done,
               sum_over_ranks(&job, (double *)report->budget_start, report->n_budgets * WC_BUDGET_DOUBLES, true));
  /* Stations are built alike on every rank from the basin; with a partition each station
   * cell is located (owner rank, local node: wc_partition_locate), and rank 0 keeps the
   * stations renumbered by cell position for the gathered rows. */
  status = wc_stations_create(basin, &stations);
  if (status == WC_OK && job.distributed) {
    int32_t total = wc_stations_node_total(stations), position = 0;
    node_list = calloc((size_t)total + 1, sizeof *node_list);
    node_rank = calloc((size_t)total + 1, sizeof *node_rank);
    node_local = calloc((size_t)total + 1, sizeof *node_local);
    positions = calloc((size_t)total + 1, sizeof *positions);
    on_root = calloc((size_t)total + 1, sizeof *on_root);
    if (!node_list || !node_rank || !node_local || !positions || !on_root)
      status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory locating the stations");
    for (int32_t k = 0; status == WC_OK && k < stations->count; ++k)
      for (int32_t j = 0; j < stations->items[k].n_nodes; ++j) node_list[position++] = stations->items[k].nodes[j];
    if (status == WC_OK) status = wc_partition_locate(options->partition, total, node_list, node_rank, node_local);
    for (int32_t p = 0; p < total; ++p) positions[p] = p; /* on_root: all zero, rank 0 */
    if (status == WC_OK) status = wc_stations_localize(stations, 0, on_root, positions, &job.by_position);
    job.n_station_cells = total;
    job.cell_rank = node_rank;
    job.cell_local = node_local;
  }
  WC_CALL_GOTO(status, done, agree(&job, status));
  wc_integrator_options integrator_options = options->integrator;
  if (job.distributed) integrator_options.halo_plan = options->plan;
  WC_CALL_GOTO(status, done, wc_integrator_create(ode, &integrator_options, comm, &integrator));
  WC_CALL_GOTO(status, done, wc_integrator_set_state(integrator, 0.0, y0));
  if (job.size > 1) WC_CALL_GOTO(status, done, wc_integrator_defer_agreement(integrator, LAG_INTERVALS, &job.lagged));
  /* The integrator holds the state now; a copy for the whole run is 64 B per cell. */
  free(y0);
  y0 = NULL;
  double wall_start = wall_seconds();
  status = run_loop(basin, model, forcing, options, output, output_context, integrator, stations, &job, report);
  report->wall_s = wall_seconds() - wall_start;
  wc_integrator_get_stats(integrator, &report->stats);
  if (status == WC_OK && job.distributed && job.size > 1) {
    /* The waits that matter are the longest: rank 0 (upstream of everything) never waits. */
    double waits[3] = {report->stats.halo_wait_s, report->stats.pipeline_wait_s, report->agreement_wait_s};
    MPI_Allreduce(MPI_IN_PLACE, waits, 3, MPI_DOUBLE, MPI_MAX, comm);
    report->stats.halo_wait_s = waits[0];
    report->stats.pipeline_wait_s = waits[1];
    report->agreement_wait_s = waits[2];
    double low = report->min_state;
    long long bad = (long long)report->nonfinite_states;
    MPI_Allreduce(MPI_IN_PLACE, &low, 1, MPI_DOUBLE, MPI_MIN, comm);
    MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_LONG_LONG, MPI_SUM, comm);
    report->min_state = low;
    report->nonfinite_states = (int64_t)bad;
    if (report->stats.cellwise) { /* each rank's cells: the totals are the sums */
      wc_integrator_stats *st = &report->stats;
      long long counts[7] = {(long long)st->cell_intervals, st->steps, st->newton_iters, st->newton_fails,
                             st->error_test_fails, st->jacobian_evals, (long long)st->cell_calls};
      MPI_Allreduce(MPI_IN_PLACE, counts, 7, MPI_LONG_LONG, MPI_SUM, comm);
      st->cell_intervals = counts[0];
      st->steps = (long)counts[1];
      st->newton_iters = (long)counts[2];
      st->newton_fails = (long)counts[3];
      st->error_test_fails = (long)counts[4];
      st->jacobian_evals = (long)counts[5];
      st->cell_calls = counts[6];
      st->rhs_evals = (long)counts[6];
    }
  }
  if (status == WC_OK) {
    double days = (double)(options->end - options->start) / 86400.0;
    double cells = job.distributed ? (double)wc_partition_cell_count(options->partition) : (double)ode->n_cells;
    report->cell_days_per_s = report->wall_s > 0 ? cells * days / report->wall_s : 0;
    wc_budget_closure(&report->budget_start[0], &report->budget_end[0], &report->water_closure, &report->n_closure);
    for (int32_t k = 0; k < report->n_budgets; ++k) {
      double water, n;
      wc_budget_closure(&report->budget_start[k], &report->budget_end[k], &water, &n);
      report->worst_water_closure = fmax(report->worst_water_closure, fabs(water));
      report->worst_n_closure = fmax(report->worst_n_closure, fabs(n));
    }
  }
done:
  wc_integrator_destroy(&integrator);
  wc_stations_destroy(&stations);
  wc_stations_destroy(&job.by_position);
  free(positions);
  free(on_root);
  free(node_list);
  free(node_rank);
  free(node_local);
  free(y0);
  free(zero);
  return status;
}

void wc_simulation_report_free(wc_simulation_report *report) {
  free(report->budget_start);
  free(report->budget_end);
  report->budget_start = report->budget_end = NULL;
}

static void log_budget(const char *name, const wc_budget *start, const wc_budget *end) {
  double water, n;
  wc_budget_closure(start, end, &water, &n);
  wc_log_info("  %-28s water: in %.4g, ET %.4g, inflow %.4g, outflow %.4g, storage change %.4g hm3 "
              "(closure %.1e)",
              name, (end->water_in_m3 - start->water_in_m3) / 1e6, (end->water_et_m3 - start->water_et_m3) / 1e6,
              (end->water_inflow_m3 - start->water_inflow_m3) / 1e6,
              (end->water_outflow_m3 - start->water_outflow_m3) / 1e6,
              (end->water_storage_m3 - start->water_storage_m3) / 1e6, water);
  wc_log_info("  %-28s TN:    in %.4g, loss %.4g, inflow %.4g, outflow %.4g, storage change %.4g t "
              "(closure %.1e)",
              "", (end->n_in_kg - start->n_in_kg) / 1e3, (end->n_loss_kg - start->n_loss_kg) / 1e3,
              (end->n_inflow_kg - start->n_inflow_kg) / 1e3, (end->n_outflow_kg - start->n_outflow_kg) / 1e3,
              (end->n_storage_kg - start->n_storage_kg) / 1e3, n);
}

void wc_simulation_report_log(const wc_basin *basin, const wc_simulation_report *report) {
  const wc_integrator_stats *s = &report->stats;
  if (s->cellwise) {
    double per = s->cell_intervals > 0 ? 1.0 / (double)s->cell_intervals : 0.0;
    wc_log_info("simulated %.3g cell-days/s in %.1f s, cell by cell: per cell and interval %.2f steps, %.2f cell "
                "function calls, %.2f Newton iterations, %.3f Jacobians, %.2f error-test and %.3f Newton failures "
                "(%ld steps in all)",
                report->cell_days_per_s, report->wall_s, (double)s->steps * per, (double)s->cell_calls * per,
                (double)s->newton_iters * per, (double)s->jacobian_evals * per, (double)s->error_test_fails * per,
                (double)s->newton_fails * per, s->steps);
  } else
  wc_log_info("simulated %.3g cell-days/s in %.1f s: %ld steps, %ld RHS evaluations, %ld Newton iterations, "
              "%ld linear iterations, %ld error-test and %ld convergence failures, %ld retries",
              report->cell_days_per_s, report->wall_s, s->steps, s->rhs_evals, s->newton_iters, s->linear_iters,
              s->error_test_fails, s->newton_fails, s->retries);
  if (s->cellwise && (s->halo_wait_s > 0 || report->agreement_wait_s > 0))
    wc_log_info("ranks: the longest wait of a rank in the exchange of step records %.2f s, for the others' "
                "agreement at interval ends %.2f s (they agree %d intervals late)",
                s->halo_wait_s, report->agreement_wait_s, (int)LAG_INTERVALS);
  if (s->halo_exchanges > 0)
    wc_log_info("halo: %ld exchanges in f, %.1f MB sent by rank 0; longest wait of a rank for the others: %.2f s "
                "in f, %.2f s in the pipelined sweep",
                s->halo_exchanges, (double)s->halo_bytes / 1e6, s->halo_wait_s, s->pipeline_wait_s);
  wc_log_info("budgets (closure = error / throughput; basin: water %.1e, TN %.1e; worst jurisdiction: water %.1e, "
              "TN %.1e):",
              report->water_closure, report->n_closure, report->worst_water_closure, report->worst_n_closure);
  log_budget(basin->name, &report->budget_start[0], &report->budget_end[0]);
  for (int32_t k = 0; k < basin->n_jurisdictions; ++k)
    log_budget(basin->jurisdictions[k].name, &report->budget_start[1 + k], &report->budget_end[1 + k]);
}
