/* cmd_run.c — `wcsim run SCENARIO`: load and validate the scenario, then simulate. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wc_basin_open.h"
#include "wc_cli.h"
#include "wc_run_simulation.h"
#include "wc_commands.h"
#include "wc_log.h"
#include "wc_mpi.h"
#include "wc_scenario_load.h"

wc_status wc_apply_log_options(struct wc_cli_command *command) {
  wc_cli_option *level = wc_cli_option_get(command, "log-level");
  if (level && level->seen) {
    wc_log_level parsed;
    WC_CHECK(wc_log_level_parse(level->value, &parsed), WC_ERR_USAGE,
             "%s: --log-level '%s' is not a level; use error, warn, info or debug", command->name,
             level->value);
    wc_log_set_level(parsed);
  }
  wc_cli_option *all_ranks = wc_cli_option_get(command, "all-ranks");
  if (all_ranks && all_ranks->seen) wc_log_set_all_ranks(true);
  return WC_OK;
}

static void log_summary(const wc_scenario *scenario) {
  char start[32], end[32];
  wc_time_format(scenario->period.start, start, sizeof start);
  wc_time_format(scenario->period.end, end, sizeof end);
  if (scenario->basin.file)
    wc_log_info("scenario '%s': basin file %s, %s to %s, forcing every %g s", scenario->name, scenario->basin.file,
                start, end, scenario->period.time_step_s);
  else
    wc_log_info("scenario '%s': built-in basin %s at %g m, %s to %s, forcing every %g s", scenario->name,
                wc_builtin_basin_name(scenario->basin.builtin), scenario->basin.cell_size_m, start, end,
                scenario->period.time_step_s);
  wc_log_info("  %zu fertiliser plan(s), %zu manure plan(s), %zu point source(s), %zu agreement(s); output %s",
              scenario->management.fertiliser.count, scenario->management.manure.count,
              scenario->management.point_sources.count, scenario->agreements.count, scenario->output.path);
}

wc_status wc_command_run(int argc, char **argv) {
  wc_cli_option options[] = {
      {.name = "print-scenario", .help = "print the resolved scenario (includes merged, defaults filled) and stop"},
      {.name = "check", .help = "validate the scenario and stop"},
      {.name = "scenario-reference", .help = "print the scenario reference (Markdown) generated from the schema"},
      {.name = "log-level", .value_name = "LEVEL", .help = "error, warn, info (default) or debug"},
      {.name = "all-ranks", .help = "let every MPI rank log, not only rank 0"},
      {.name = "partition-imbalance", .value_name = "FRACTION",
       .help = "MPI: allowed deviation of a rank's cells from the mean (default: the tightest of 0.01, 0.02, 0.05, 0.1, 0.2 that a split meets; docs/hpc.md)"},
      {.name = "help", .short_name = 'h', .help = "show this help"},
      {.name = NULL},
  };
  wc_cli_command command = {
      .name = "run",
      .usage = "wcsim run [OPTIONS] SCENARIO.yaml",
      .summary = "Run a scenario: load and validate it, build the basin, simulate water and nitrogen, and "
                 "settle the agreements.",
      .details = "Scenario keys: docs/scenario-reference.md. Under MPI: mpiexec -n N wcsim run SCENARIO.yaml",
      .options = options,
      .min_positional = 0,
      .max_positional = 1,
  };
  const char *positional[8];
  int count = 0;
  bool done = false;
  WC_CALL(wc_cli_parse_or_help(&command, argc, argv, positional, &count, &done));
  if (done) return WC_OK;
  WC_CALL(wc_apply_log_options(&command));
  if (wc_cli_option_get(&command, "scenario-reference")->seen) {
    if (wc_mpi_rank() == 0) wc_scenario_write_reference(stdout);
    return WC_OK;
  }
  WC_CHECK(count == 1, WC_ERR_USAGE, "run: missing argument; usage: %s", command.usage);
  wc_run_options run_options = {.interactive = isatty(fileno(stderr)) != 0, .partition_imbalance = -1.0};
  wc_cli_option *imbalance = wc_cli_option_get(&command, "partition-imbalance");
  if (imbalance->seen) {
    char *end = NULL;
    run_options.partition_imbalance = strtod(imbalance->value, &end);
    WC_CHECK(end != imbalance->value && *end == '\0' && isfinite(run_options.partition_imbalance) &&
                 run_options.partition_imbalance >= 0.0 && run_options.partition_imbalance < 1.0,
             WC_ERR_USAGE, "run: --partition-imbalance '%s' is not a fraction in [0, 1), e.g. 0.01",
             imbalance->value);
  }

  /* Every rank reads the scenario (it is small); settle together before going on, so a
   * file one rank cannot see stops the job cleanly. */
  wc_scenario *scenario = NULL;
  WC_CALL(wc_mpi_agree(wc_scenario_load(positional[0], &scenario)));

  wc_status status = WC_OK;
  if (wc_cli_option_get(&command, "print-scenario")->seen) {
    if (wc_mpi_rank() == 0) wc_scenario_print(scenario, stdout);
  } else {
    log_summary(scenario);
    if (wc_cli_option_get(&command, "check")->seen) {
      wc_log_info("scenario %s is valid", positional[0]);
    } else {
      /* Every rank builds the basin (small and deterministic), then they agree. */
      wc_basin *basin = NULL;
      status = wc_mpi_agree(wc_basin_open_for_scenario(&scenario->basin, &basin));
      if (status == WC_OK) {
        wc_log_info("basin %s: %d x %d grid of %g m, %d cells (%.0f km2), %d sections, %d reservoirs",
                    basin->name, basin->grid.rows, basin->grid.cols, basin->grid.cell_size_m, basin->graph->n,
                    basin->graph->n * basin->grid.cell_size_m * basin->grid.cell_size_m / 1e6, basin->n_sections,
                    basin->n_reservoirs);
        status = wc_run_simulation(scenario, basin, &run_options);
      }
      wc_basin_destroy(&basin);
    }
  }
  wc_scenario_destroy(&scenario);
  return status;
}
