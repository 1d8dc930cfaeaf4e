/* wc_run_simulation.c — `wcsim run`: from a loaded scenario and basin to outputs. */
#include "wc_run_simulation.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wc_data_path.h"
#include "wc_forcing.h"
#include "wc_forcing_stations.h"
#include "wc_halo.h"
#include "wc_log.h"
#include "wc_model.h"
#include "wc_mpi.h"
#include "wc_partition.h"
#include "wc_scenario_load.h"
#include "wc_series_csv.h"
#include "wc_simulation.h"
#include "wc_weather.h"

/* The generator's climate: scenario forcing.climate (a built-in name or a .weather file
 * relative to the scenario), else the built-in basin's own. */
static wc_status climate_path(const wc_scenario *scenario, char *path, size_t size) {
  const char *name = scenario->forcing.climate;
  if (!name && scenario->basin.builtin >= 0) name = wc_builtin_basin_name(scenario->basin.builtin);
  WC_CHECK(name, WC_ERR_SCENARIO,
           "%s: forcing.climate is required with a basin file (chaobai, yongding or a .weather file)",
           scenario->source_file);
  if (strcmp(name, "chaobai") == 0 || strcmp(name, "yongding") == 0) {
    char relative[64];
    snprintf(relative, sizeof relative, "basins/%s.weather", name);
    return wc_data_path_find(relative, path, size);
  }
  const char *slash = strrchr(scenario->source_file, '/');
  if (name[0] == '/' || !slash)
    snprintf(path, size, "%s", name);
  else
    snprintf(path, size, "%.*s/%s", (int)(slash - scenario->source_file), scenario->source_file, name);
  return WC_OK;
}

static wc_status create_forcing(const wc_scenario *scenario, const wc_basin *basin, const wc_model *model,
                                wc_forcing **forcing) {
  const double *x, *y, *z, *lat;
  wc_model_cell_geometry(model, &x, &y, &z, &lat);
  wc_forcing_cells cells = {.n = wc_model_ode(model)->n_cells, .x_m = x, .y_m = y, .elevation_m = z,
                            .latitude_deg = lat, .epsg = basin->epsg};
  const wc_scenario_forcing *f = &scenario->forcing;
  if (f->source == WC_FORCING_STATIONS)
    return wc_forcing_create_stations(f->stations_file, f->observations_file, f->missing_values, &cells,
                                      scenario->period.start, scenario->period.end, scenario->period.time_step_s,
                                      f->precipitation_factor, f->temperature_offset_c, forcing);
  char path[PATH_MAX];
  WC_CALL(climate_path(scenario, path, sizeof path));
  wc_weather_climate climate;
  WC_CALL(wc_weather_climate_read(path, &climate));
  return wc_forcing_create_generator(&climate, f->seed, &cells, scenario->period.start, scenario->period.time_step_s,
                                     f->precipitation_factor, f->temperature_offset_c, forcing);
}

/* results/x.h5 -> results/x-sections.csv */
static void output_name(const char *results, const char *suffix, char *out, size_t size) {
  const char *dot = strrchr(results, '.');
  const char *slash = strrchr(results, '/');
  size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - results) : strlen(results);
  snprintf(out, size, "%.*s-%s", (int)stem, results, suffix);
}

static wc_status make_parent_directory(const char *path) {
  char directory[PATH_MAX];
  snprintf(directory, sizeof directory, "%s", path);
  char *slash = strrchr(directory, '/');
  if (!slash || slash == directory) return WC_OK;
  *slash = '\0';
  for (char *c = directory + 1; *c; ++c) {
    if (*c != '/') continue;
    *c = '\0';
    mkdir(directory, 0777);
    *c = '/';
  }
  WC_CHECK(mkdir(directory, 0777) == 0 || access(directory, W_OK) == 0, WC_ERR_IO,
           "cannot create the output directory %s", directory);
  return WC_OK;
}

static wc_status write_series(void *context, wc_time_s start, wc_time_s end, const wc_stations *stations,
                              const wc_station_sample *samples) {
  wc_series_csv *csv = context;
  if (!csv) return WC_OK; /* ranks other than 0 */
  return wc_series_csv_write(csv, start, end, stations, samples);
}

/* The run's share of the job: the partition of the basin graph over the ranks, this
 * rank's plan and its local model (every rank computes the same partition, no messages). */
typedef struct run_setup {
  wc_partition *partition;
  wc_halo_plan *plan;
  wc_model *model;
  wc_forcing *forcing;
  wc_series_csv *csv;
} run_setup;

static void log_partition(const wc_partition *partition, bool weighted) {
  wc_partition_report r = wc_partition_get_report(partition);
  char depth[32];
  if (r.rank_graph_depth >= 0)
    snprintf(depth, sizeof depth, "%d", (int)r.rank_graph_depth);
  else
    snprintf(depth, sizeof depth, "cyclic");
  wc_log_info("partition (%s, %s order): %d cells on %d rank(s), %d..%d per rank (imbalance %.1f%%%s), %d cut edges, "
              "rank graph depth %s, flow depth %d, at most %d neighbour(s) per rank; %.1f ms",
              wc_partition_method_name(r.method), wc_partition_order_name(r.order), (int)r.n_cells, (int)r.n_ranks,
              (int)r.min_cells, (int)r.max_cells, 100.0 * r.imbalance, weighted ? " of the expected work" : "", (int)r.cut_edges, depth, (int)r.flow_depth,
              (int)r.max_neighbours, 1e3 * r.seconds);
}

/* The partition of the run: weighted by each cell's expected work when the cells are
 * integrated one by one (a cell's work grows with the river it carries; by cell counts the
 * two ranks of the 1 km Yongding integrated for 20 s and 27 s), and at the tightest
 * balance bound a contiguous split can meet unless the options give one. */
static wc_status create_partition(const wc_drainage_graph *graph, int method, double imbalance, int size,
                                  wc_partition **partition) {
  wc_partition_options partition_options = wc_partition_options_default();
  double *cell_weight = NULL;
  if (method == WC_METHOD_CELLWISE) {
    cell_weight = malloc(((size_t)graph->n + 1) * sizeof *cell_weight);
    WC_CHECK(cell_weight != NULL, WC_ERR_MEMORY, "out of memory for the partition's cell weights");
    wc_status status = wc_partition_cellwise_weights(graph->n, graph->downstream, cell_weight);
    if (status != WC_OK) {
      free(cell_weight);
      return status;
    }
    partition_options.cell_weight = cell_weight;
  }
  wc_status status;
  if (imbalance >= 0.0) {
    partition_options.imbalance = imbalance;
    status = wc_partition_create(graph->n, graph->downstream, size, &partition_options, partition);
  } else {
    /* The slowest rank sets the pace, and a few more cut edges cost little (1 km Yongding
     * on 2 ranks: 1.73x faster than 1 rank at the 5% bound, 1.97x at 0.5%; docs/hpc.md).
     * Every rank tries the same bounds on the same graph, so all pick the same one. */
    static const double bounds[] = {0.01, 0.02, 0.05, 0.1, 0.2};
    status = WC_ERR_INPUT;
    for (size_t k = 0; k < sizeof bounds / sizeof *bounds && status == WC_ERR_INPUT; ++k) {
      partition_options.imbalance = bounds[k];
      status = wc_partition_create(graph->n, graph->downstream, size, &partition_options, partition);
      if (status == WC_ERR_INPUT && k + 1 < sizeof bounds / sizeof *bounds) wc_error_clear();
    }
  }
  free(cell_weight);
  return status;
}

/* Everything before the time loop; may fail on some ranks only (files, memory), so the
 * caller agrees on the outcome before any collective. */
static wc_status setup_run(const wc_scenario *scenario, const wc_basin *basin, const wc_run_options *options,
                           const char *series_path, run_setup *run) {
  const wc_drainage_graph *graph = basin->graph;
  int rank = wc_mpi_rank(), size = wc_mpi_size();
  wc_parameters parameters = wc_parameters_default();
  wc_model *whole = NULL;
  WC_CALL(create_partition(graph, scenario->solver.method, options->partition_imbalance, size, &run->partition));
  log_partition(run->partition, scenario->solver.method == WC_METHOD_CELLWISE);
  WC_CALL(wc_halo_plan_create(run->partition, graph->n, graph->downstream, rank, &run->plan));
  /* The whole model is built and cut (cheap next to the run), so every rank's cells get
   * exactly the data they have in a serial run; only the local share is kept. */
  WC_CALL(wc_model_create(basin, scenario, &parameters, &whole));
  wc_status status = wc_model_create_local(
      whole, wc_halo_plan_local_count(run->plan), wc_halo_plan_global_index(run->plan),
      wc_halo_plan_downstream(run->plan), wc_halo_plan_upstream_start(run->plan),
      wc_halo_plan_upstream_index(run->plan), &run->model);
  wc_model_destroy(&whole);
  WC_CALL(status);
  /* Forcing for the local cells only: the generator and the station interpolation are
   * per cell, so each cell gets what it gets serially. */
  WC_CALL(create_forcing(scenario, basin, run->model, &run->forcing));
  wc_model_release_geometry(run->model);
  if (rank == 0) {
    WC_CALL(make_parent_directory(series_path));
    WC_CALL(wc_series_csv_open(series_path, &run->csv));
  }
  return WC_OK;
}

/* STEM-partition.csv (rank 0): the report's per-rank counts and each rank's neighbours,
 * gathered once from the plans. */
static wc_status write_partition(const char *path, const run_setup *run) {
  wc_partition_report r = wc_partition_get_report(run->partition);
  int32_t mine[2] = {wc_halo_plan_send_neighbour_count(run->plan), wc_halo_plan_recv_neighbour_count(run->plan)};
  int32_t *all = calloc(2 * (size_t)r.n_ranks, sizeof *all), *out = NULL, *in = NULL;
  WC_CHECK(all != NULL, WC_ERR_MEMORY, "out of memory for the partition table");
  wc_status status = WC_OK;
  if (r.n_ranks > 1)
    status = wc_mpi_status(MPI_Gather(mine, 2, MPI_INT32_T, all, 2, MPI_INT32_T, 0, MPI_COMM_WORLD), __FILE__,
                           __LINE__, "MPI_Gather");
  else
    memcpy(all, mine, sizeof mine);
  out = calloc((size_t)r.n_ranks, sizeof *out);
  in = calloc((size_t)r.n_ranks, sizeof *in);
  if (status == WC_OK && (!out || !in))
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for the partition table");
  for (int32_t k = 0; status == WC_OK && k < r.n_ranks; ++k) {
    out[k] = all[2 * k];
    in[k] = all[2 * k + 1];
  }
  if (status == WC_OK && wc_mpi_rank() == 0)
    status = wc_partition_csv_write(path, r.n_ranks, r.cells, r.cut_out, r.cut_in, out, in);
  free(all);
  free(out);
  free(in);
  return status;
}

wc_status wc_run_simulation(const wc_scenario *scenario, const wc_basin *basin, const wc_run_options *run_options) {
  char series_path[PATH_MAX], budget_path[PATH_MAX], partition_path[PATH_MAX];
  output_name(scenario->output.path, "sections.csv", series_path, sizeof series_path);
  output_name(scenario->output.path, "budget.csv", budget_path, sizeof budget_path);
  output_name(scenario->output.path, "partition.csv", partition_path, sizeof partition_path);
  struct stat info;
  WC_CHECK(scenario->output.overwrite || stat(series_path, &info) != 0, WC_ERR_IO,
           "%s exists; set output.overwrite: true to replace it, or change output.path", series_path);

  run_setup run = {0};
  wc_simulation_report report = {0};
  wc_status status = wc_mpi_agree(setup_run(scenario, basin, run_options, series_path, &run));
  if (status != WC_OK) goto done;
  wc_simulation_options options = {
      .start = scenario->period.start,
      .end = scenario->period.end,
      .step_s = scenario->period.time_step_s,
      .output_interval_s = scenario->output.interval_s,
      .progress = wc_mpi_rank() != 0 ? 0 : run_options->interactive ? 1 : 2,
      .partition = run.partition,
      .plan = run.plan,
  };
  wc_integrator_options_default(&options.integrator);
  options.integrator.relative_tolerance = scenario->solver.relative_tolerance;
  options.integrator.method = (wc_time_method)scenario->solver.method;
  options.integrator.linear_solver = (wc_linear_solver)scenario->solver.linear_solver;
  options.integrator.sundials_vector = scenario->solver.vector == WC_VECTOR_SUNDIALS;
  options.integrator.max_steps_per_interval = (long)scenario->solver.max_steps_per_interval;
  options.integrator.max_retries = (int)scenario->solver.max_retries;
  options.integrator.max_order = (int)scenario->solver.max_order;
  WC_CALL_GOTO(status, done,
               wc_simulation_run(basin, run.model, run.forcing, &options, write_series, run.csv, MPI_COMM_WORLD,
                                 &report));
  /* Rank 0 writes; the others learn its outcome. */
  if (wc_mpi_rank() == 0) {
    status = wc_series_csv_close(&run.csv, 1);
    if (status == WC_OK)
      status = wc_budget_csv_write(budget_path, basin, report.budget_start, report.budget_end, report.n_budgets);
  }
  WC_CALL_GOTO(status, done, wc_mpi_agree(status));
  WC_CALL_GOTO(status, done, wc_mpi_agree(write_partition(partition_path, &run)));
  wc_simulation_report_log(basin, &report);
  wc_log_info("wrote %s, %s and %s", series_path, budget_path, partition_path);
done:
  if (run.csv) {
    wc_status ignored = wc_series_csv_close(&run.csv, 0); /* a failed run leaves no file behind */
    (void)ignored;
  }
  wc_simulation_report_free(&report);
  wc_forcing_destroy(&run.forcing);
  wc_model_destroy(&run.model);
  wc_halo_plan_destroy(&run.plan);
  wc_partition_destroy(&run.partition);
  return status;
}
