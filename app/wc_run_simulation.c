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
#include "wc_log.h"
#include "wc_model.h"
#include "wc_mpi.h"
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

wc_status wc_run_simulation(const wc_scenario *scenario, const wc_basin *basin, bool interactive) {
  char series_path[PATH_MAX], budget_path[PATH_MAX];
  output_name(scenario->output.path, "sections.csv", series_path, sizeof series_path);
  output_name(scenario->output.path, "budget.csv", budget_path, sizeof budget_path);
  struct stat info;
  WC_CHECK(scenario->output.overwrite || stat(series_path, &info) != 0, WC_ERR_IO,
           "%s exists; set output.overwrite: true to replace it, or change output.path", series_path);

  wc_model *model = NULL;
  wc_forcing *forcing = NULL;
  wc_series_csv *csv = NULL;
  wc_simulation_report report = {0};
  wc_status status = WC_OK;
  wc_parameters parameters = wc_parameters_default();
  WC_CALL_GOTO(status, done, wc_model_create(basin, scenario, &parameters, &model));
  WC_CALL_GOTO(status, done, create_forcing(scenario, basin, model, &forcing));
  if (wc_mpi_rank() == 0) {
    WC_CALL_GOTO(status, done, make_parent_directory(series_path));
    WC_CALL_GOTO(status, done, wc_series_csv_open(series_path, &csv));
  }
  wc_simulation_options options = {
      .start = scenario->period.start,
      .end = scenario->period.end,
      .step_s = scenario->period.time_step_s,
      .output_interval_s = scenario->output.interval_s,
      .progress = wc_mpi_rank() != 0 ? 0 : interactive ? 1 : 2,
  };
  wc_integrator_options_default(&options.integrator);
  options.integrator.relative_tolerance = scenario->solver.relative_tolerance;
  options.integrator.linear_solver = (wc_linear_solver)scenario->solver.linear_solver;
  options.integrator.sundials_vector = scenario->solver.vector == WC_VECTOR_SUNDIALS;
  options.integrator.max_steps_per_interval = (long)scenario->solver.max_steps_per_interval;
  options.integrator.max_retries = (int)scenario->solver.max_retries;
  WC_CALL_GOTO(status, done,
               wc_simulation_run(basin, model, forcing, &options, write_series, csv, MPI_COMM_WORLD, &report));
  WC_CALL_GOTO(status, done, wc_series_csv_close(&csv, 1));
  if (wc_mpi_rank() == 0)
    WC_CALL_GOTO(status, done,
                 wc_budget_csv_write(budget_path, basin, report.budget_start, report.budget_end, report.n_budgets));
  wc_simulation_report_log(basin, &report);
  wc_log_info("wrote %s and %s", series_path, budget_path);
done:
  if (csv) {
    wc_status ignored = wc_series_csv_close(&csv, 0); /* a failed run leaves no file behind */
    (void)ignored;
  }
  wc_simulation_report_free(&report);
  wc_forcing_destroy(&forcing);
  wc_model_destroy(&model);
  return status;
}
