/* wc_simulation.c — the forcing/integrate/observe loop, progress, and the budget report. */
#include "wc_simulation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wc_log.h"

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
  if (failure->node >= 0 && failure->node < basin->graph->n) {
    const wc_drainage_graph *graph = basin->graph;
    return wc_error_set(status, __FILE__, __LINE__, "solver failed at %s in cell row %d, column %d (%s): %s", date,
                        graph->row[failure->node], graph->col[failure->node],
                        failure->nonfinite ? "non-finite value" : "largest error", message);
  }
  return wc_error_set(status, __FILE__, __LINE__, "solver failed at %s: %s", date, message);
}

static wc_status run_loop(const wc_basin *basin, wc_model *model, wc_forcing *forcing, const wc_simulation_options *o,
                          wc_simulation_output_fn output, void *context, wc_integrator *integrator,
                          const wc_stations *stations, wc_simulation_report *report) {
  int32_t n = wc_model_ode(model)->n_cells;
  double *weather = NULL, *totals = NULL, *totals_before = NULL;
  wc_station_sample *samples = NULL;
  wc_status status = WC_OK;
  size_t n_totals = (size_t)(2 * stations->count + 1);
  weather = calloc((size_t)n * 4 + 1, sizeof *weather);
  totals = calloc(n_totals, sizeof *totals);
  totals_before = calloc(n_totals, sizeof *totals_before);
  samples = calloc((size_t)stations->count + 1, sizeof *samples);
  if (!weather || !totals || !totals_before || !samples) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for the time loop");
    goto done;
  }
  wc_forcing_values values = {weather, weather + n, weather + 2 * n, weather + 3 * n};
  progress_state progress = {.mode = o->progress, .wall_start = wall_seconds(), .last_print = wall_seconds()};
  wc_time_s output_start = o->start;
  for (wc_time_s t = o->start; t < o->end; t += (wc_time_s)o->step_s) {
    WC_CALL_GOTO(status, done, wc_forcing_next(forcing, t, &values));
    WC_CALL_GOTO(status, done,
                 wc_model_set_forcing(model, t, o->step_s, values.precipitation_mm, values.temperature_c,
                                      values.temperature_min_c, values.temperature_max_c));
    wc_time_s t_end = t + (wc_time_s)o->step_s;
    status = wc_integrator_advance(integrator, (double)(t_end - o->start));
    if (status != WC_OK) {
      status = report_failure(basin, integrator, o, status);
      goto done;
    }
    if ((double)(t_end - output_start) >= o->output_interval_s || t_end >= o->end) {
      /* Stores are kept non-negative by the equations; watch that they stay so. */
      const double *y = wc_integrator_state(integrator);
      size_t count = (size_t)n * (size_t)wc_model_ode(model)->n_states;
      for (size_t k = 0; k < count; ++k) {
        if (!isfinite(y[k])) report->nonfinite_states++;
        else if (y[k] < report->min_state) report->min_state = y[k];
      }
      wc_stations_totals(stations, model, wc_integrator_flux_totals(integrator), totals);
      for (int32_t k = 0; k < stations->count; ++k)
        wc_station_sample_from_totals(totals_before + 2 * k, totals + 2 * k, (double)(t_end - output_start),
                                      &samples[k]);
      if (output) WC_CALL_GOTO(status, done, output(context, output_start, t_end, stations, samples));
      memcpy(totals_before, totals, n_totals * sizeof *totals);
      output_start = t_end;
    }
    progress_update(&progress, t_end, o, t_end >= o->end);
  }
  wc_budgets_compute(basin, model, wc_integrator_state(integrator), wc_integrator_flux_totals(integrator),
                     report->budget_end);
done:
  free(weather);
  free(totals);
  free(totals_before);
  free(samples);
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
  wc_integrator *integrator = NULL;
  wc_stations *stations = NULL;
  wc_status status = WC_OK;
  WC_MALLOC(y0, (size_t)ode->n_cells * (size_t)ode->n_states, "the initial state");
  zero = calloc((size_t)ode->n_cells * (size_t)ode->n_fluxes + 1, sizeof *zero);
  if (!zero) {
    free(y0);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for the budgets");
  }
  wc_model_initial_state(model, y0);
  wc_budgets_compute(basin, model, y0, zero, report->budget_start);
  WC_CALL_GOTO(status, done, wc_stations_create(basin, &stations));
  WC_CALL_GOTO(status, done, wc_integrator_create(ode, &options->integrator, comm, &integrator));
  WC_CALL_GOTO(status, done, wc_integrator_set_state(integrator, 0.0, y0));
  double wall_start = wall_seconds();
  status = run_loop(basin, model, forcing, options, output, output_context, integrator, stations, report);
  report->wall_s = wall_seconds() - wall_start;
  wc_integrator_get_stats(integrator, &report->stats);
  if (status == WC_OK) {
    double days = (double)(options->end - options->start) / 86400.0;
    report->cell_days_per_s = report->wall_s > 0 ? ode->n_cells * days / report->wall_s : 0;
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
  wc_log_info("simulated %.3g cell-days/s in %.1f s: %ld steps, %ld RHS evaluations, %ld Newton iterations, "
              "%ld linear iterations, %ld error-test and %ld convergence failures, %ld retries",
              report->cell_days_per_s, report->wall_s, s->steps, s->rhs_evals, s->newton_iters, s->linear_iters,
              s->error_test_fails, s->newton_fails, s->retries);
  wc_log_info("budgets (closure = error / throughput; basin: water %.1e, TN %.1e; worst jurisdiction: water %.1e, "
              "TN %.1e):",
              report->water_closure, report->n_closure, report->worst_water_closure, report->worst_n_closure);
  log_budget(basin->name, &report->budget_start[0], &report->budget_end[0]);
  for (int32_t k = 0; k < basin->n_jurisdictions; ++k)
    log_budget(basin->jurisdictions[k].name, &report->budget_start[1 + k], &report->budget_end[1 + k]);
}
