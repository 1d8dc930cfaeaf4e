/* cmd_basin.c — `wcsim basin make|info`: built-in basins and basin files. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "wc_basin_file.h"
#include "wc_basin_open.h"
#include "wc_basin_summary.h"
#include "wc_builtin_basin.h"
#include "wc_cli.h"
#include "wc_commands.h"
#include "wc_log.h"
#include "wc_mpi.h"
#include "wc_units.h"


static wc_status parse_quantity_option(const char *command, const char *option, const char *text,
                                       wc_dimension dimension, double *value) {
  const char *why = NULL;
  char buffer[256];
  WC_CHECK(wc_quantity_parse(text, dimension, value, &why, buffer, sizeof buffer), WC_ERR_USAGE,
           "basin %s: --%s '%s' is not valid: %s", command, option, text, why);
  return WC_OK;
}

/* ---- make --------------------------------------------------------------------------- */

static wc_status basin_make(int argc, char **argv) {
  wc_cli_option options[] = {
      {.name = "cell-size", .value_name = "SIZE", .help = "grid spacing, 250 m to 5 km (e.g. 500, '1 km'; default 1 km)"},
      {.name = "channel-threshold", .value_name = "AREA", .help = "contributing area where channels begin (default 10 km2)"},
      {.name = "output", .short_name = 'o', .value_name = "FILE", .help = "basin file to write (default NAME-SIZEm.h5)"},
      {.name = "overwrite", .help = "replace FILE if it exists"},
      {.name = "help", .short_name = 'h', .help = "show this help"},
      {.name = NULL},
  };
  wc_cli_command command = {
      .name = "basin make",
      .usage = "wcsim basin make chaobai|yongding [--cell-size SIZE] [-o FILE]",
      .summary = "Generate a built-in basin (real geography, synthesized terrain) and write it as a basin file.",
      .details = "What is real and what is synthesized: docs/basins.md. Basin file layout: docs/basin-file.md.",
      .options = options,
      .min_positional = 1,
      .max_positional = 1,
  };
  const char *positional[8];
  int count = 0;
  bool done = false;
  WC_CALL(wc_cli_parse_or_help(&command, argc, argv, positional, &count, &done));
  if (done) return WC_OK;
  const char *name = positional[0];
  WC_CHECK(wc_basin_is_builtin_name(name), WC_ERR_USAGE, "basin make: unknown built-in basin '%s'; choose chaobai or yongding",
           name);
  double cell_size_m = 1000.0, threshold_km2 = 10.0;
  wc_cli_option *option = wc_cli_option_get(&command, "cell-size");
  if (option->seen) WC_CALL(parse_quantity_option("make", "cell-size", option->value, WC_DIM_LENGTH, &cell_size_m));
  WC_CHECK(cell_size_m >= WC_BUILTIN_CELL_SIZE_MIN_M && cell_size_m <= WC_BUILTIN_CELL_SIZE_MAX_M, WC_ERR_USAGE,
           "basin make: --cell-size %g m is out of range; use 250 m to 5000 m", cell_size_m);
  option = wc_cli_option_get(&command, "channel-threshold");
  if (option->seen) WC_CALL(parse_quantity_option("make", "channel-threshold", option->value, WC_DIM_AREA, &threshold_km2));
  WC_CHECK(threshold_km2 > 0, WC_ERR_USAGE, "basin make: --channel-threshold must be positive");
  char default_output[256];
  snprintf(default_output, sizeof default_output, "%s-%gm.h5", name, cell_size_m);
  option = wc_cli_option_get(&command, "output");
  const char *output = option->seen ? option->value : default_output;
  struct stat info;
  WC_CHECK(wc_cli_option_get(&command, "overwrite")->seen || stat(output, &info) != 0, WC_ERR_USAGE,
           "basin make: %s exists; pass --overwrite to replace it", output);

  /* One writer: the file is small, and several ranks writing one path would collide. */
  if (wc_mpi_rank() != 0) return WC_OK;
  wc_basin *basin = NULL;
  WC_CALL(wc_basin_open_builtin(name, cell_size_m, threshold_km2, &basin));
  wc_status status = wc_basin_file_write(output, basin);
  if (status == WC_OK)
    wc_log_info("wrote %s: %s at %g m, %d x %d grid, %d basin cells, %d sections, %d reservoirs", output, name,
                cell_size_m, basin->grid.rows, basin->grid.cols, basin->graph->n, basin->n_sections,
                basin->n_reservoirs);
  wc_basin_destroy(&basin);
  return status;
}

/* ---- info --------------------------------------------------------------------------- */

static void json_string(FILE *out, const char *text) {
  fputc('"', out);
  for (const unsigned char *c = (const unsigned char *)(text ? text : ""); *c; ++c) {
    if (*c == '"' || *c == '\\')
      fprintf(out, "\\%c", *c);
    else if (*c < 0x20)
      fprintf(out, "\\u%04x", *c);
    else
      fputc(*c, out);
  }
  fputc('"', out);
}

static void json_number(FILE *out, double value) {
  if (isfinite(value))
    fprintf(out, "%.10g", value);
  else
    fputs("null", out);
}

static const char *jurisdiction_name(const wc_basin *basin, int32_t id) {
  int32_t index = id >= 0 ? wc_basin_find_jurisdiction(basin, id) : -1;
  return index >= 0 ? basin->jurisdictions[index].name : NULL;
}

static void print_json(const wc_basin *basin, const wc_basin_summary *summary, FILE *out) {
  fputs("{\n  \"name\": ", out);
  json_string(out, basin->name);
  fputs(",\n  \"source\": ", out);
  json_string(out, basin->source);
  fprintf(out, ",\n  \"epsg\": %d,\n  \"grid\": {\"rows\": %d, \"cols\": %d, \"cell_size_m\": ", basin->epsg,
          basin->grid.rows, basin->grid.cols);
  json_number(out, basin->grid.cell_size_m);
  fputs(", \"x_left_m\": ", out);
  json_number(out, basin->grid.x_left_m);
  fputs(", \"y_top_m\": ", out);
  json_number(out, basin->grid.y_top_m);
  fprintf(out, "},\n  \"cells\": %d,\n  \"area_km2\": ", summary->cells);
  json_number(out, summary->area_km2);
  fputs(",\n  \"channel_length_km\": ", out);
  json_number(out, summary->channel_length_km);
  fputs(",\n  \"drainage_density_km_per_km2\": ", out);
  json_number(out, summary->drainage_density_km_per_km2);
  fputs(",\n  \"jurisdictions\": [", out);
  for (int32_t j = 0; j < basin->n_jurisdictions; ++j) {
    const wc_jurisdiction *entry = &basin->jurisdictions[j];
    fprintf(out, "%s\n    {\"id\": %d, \"name\": ", j ? "," : "", entry->id);
    json_string(out, entry->name);
    fprintf(out, ", \"level\": \"%s\", \"parent\": ", wc_jurisdiction_level_name(entry->level));
    if (jurisdiction_name(basin, entry->parent_id))
      json_string(out, jurisdiction_name(basin, entry->parent_id));
    else
      fputs("null", out);
    fputs(", \"area_km2\": ", out);
    json_number(out, summary->jurisdiction_area_km2[j]);
    fputc('}', out);
  }
  fputs("\n  ],\n  \"land_use\": [", out);
  for (int32_t k = 0; k < basin->n_land_use; ++k) {
    fprintf(out, "%s\n    {\"id\": %d, \"name\": ", k ? "," : "", basin->land_use_classes[k].id);
    json_string(out, basin->land_use_classes[k].name);
    fputs(", \"area_km2\": ", out);
    json_number(out, summary->land_use_area_km2[k]);
    fputs(", \"share\": ", out);
    json_number(out, summary->area_km2 > 0 ? summary->land_use_area_km2[k] / summary->area_km2 : NAN);
    fputc('}', out);
  }
  fputs("\n  ],\n  \"reservoirs\": [", out);
  for (int32_t r = 0; r < basin->n_reservoirs; ++r) {
    const wc_reservoir *reservoir = &basin->reservoirs[r];
    fprintf(out, "%s\n    {\"name\": ", r ? "," : "");
    json_string(out, reservoir->name);
    fprintf(out, ", \"row\": %d, \"col\": %d, \"capacity_m3\": ", reservoir->row, reservoir->col);
    json_number(out, reservoir->capacity_m3);
    fputs(", \"upstream_area_km2\": ", out);
    json_number(out, basin->flow_accumulation_km2[reservoir->row * basin->grid.cols + reservoir->col]);
    fputc('}', out);
  }
  fputs("\n  ],\n  \"sections\": [", out);
  for (int32_t s = 0; s < basin->n_sections; ++s) {
    const wc_section *section = &basin->sections[s];
    const wc_basin_section_summary *ss = &summary->sections[s];
    fprintf(out, "%s\n    {\"name\": ", s ? "," : "");
    json_string(out, section->name);
    fprintf(out, ", \"row\": %d, \"col\": %d, \"snapped_m\": ", section->row, section->col);
    json_number(out, section->snapped_distance_m);
    fputs(", \"upstream\": ", out);
    const char *up = jurisdiction_name(basin, section->upstream_jurisdiction);
    const char *down = jurisdiction_name(basin, section->downstream_jurisdiction);
    if (up) json_string(out, up); else fputs("null", out);
    fputs(", \"downstream\": ", out);
    if (down) json_string(out, down); else fputs("null", out);
    fputs(", \"upstream_area_km2\": ", out);
    json_number(out, ss->upstream_area_km2);
    fputs(", \"jurisdictions_above\": [", out);
    int first = 1;
    for (int32_t j = 0; j < basin->n_jurisdictions; ++j) {
      if (ss->jurisdiction_area_km2[j] <= 0) continue;
      fputs(first ? "" : ", ", out);
      first = 0;
      json_string(out, basin->jurisdictions[j].name);
    }
    fputs("]}", out);
  }
  fputs("\n  ]\n}\n", out);
}

static wc_status basin_info(int argc, char **argv) {
  wc_cli_option options[] = {
      {.name = "json", .help = "machine-readable output"},
      {.name = "cell-size", .value_name = "SIZE", .help = "grid spacing for a built-in basin (default 1 km)"},
      {.name = "help", .short_name = 'h', .help = "show this help"},
      {.name = NULL},
  };
  wc_cli_command command = {
      .name = "basin info",
      .usage = "wcsim basin info chaobai|yongding|FILE [--json] [--cell-size SIZE]",
      .summary = "Summarize a basin: area by jurisdiction, sections with their upstream area and the "
                 "jurisdictions above them, channel length, reservoirs, land-use shares.",
      .options = options,
      .min_positional = 1,
      .max_positional = 1,
  };
  const char *positional[8];
  int count = 0;
  bool done = false;
  WC_CALL(wc_cli_parse_or_help(&command, argc, argv, positional, &count, &done));
  if (done) return WC_OK;
  double cell_size_m = 1000.0;
  wc_cli_option *option = wc_cli_option_get(&command, "cell-size");
  if (option->seen) WC_CALL(parse_quantity_option("info", "cell-size", option->value, WC_DIM_LENGTH, &cell_size_m));
  if (wc_mpi_rank() != 0) return WC_OK;
  wc_basin *basin = NULL;
  WC_CALL(wc_basin_open(positional[0], cell_size_m, 10.0, &basin));
  wc_basin_summary *summary = NULL;
  wc_status status = wc_basin_summarize(basin, &summary);
  if (status == WC_OK) {
    if (wc_cli_option_get(&command, "json")->seen)
      print_json(basin, summary, stdout);
    else
      status = wc_basin_summary_print(basin, summary, stdout);
  }
  wc_basin_summary_destroy(&summary);
  wc_basin_destroy(&basin);
  return status;
}

static void print_basin_help(FILE *out) {
  fputs("Usage: wcsim basin SUBCOMMAND [OPTIONS]\n\n"
        "Built-in basins and basin files.\n\nSubcommands:\n"
        "  make NAME    generate a built-in basin (chaobai, yongding) as a basin file\n"
        "  info WHAT    summary of a built-in basin or a basin file (--json for scripts)\n\n"
        "Run 'wcsim basin SUBCOMMAND --help' for its options.\n",
        out);
}

wc_status wc_command_basin(int argc, char **argv) {
  if (argc < 2) WC_FAIL(WC_ERR_USAGE, "basin: missing subcommand (make, info); see 'wcsim basin --help'");
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    if (wc_mpi_rank() == 0) print_basin_help(stdout);
    return WC_OK;
  }
  if (strcmp(argv[1], "make") == 0) return basin_make(argc - 1, argv + 1);
  if (strcmp(argv[1], "info") == 0) return basin_info(argc - 1, argv + 1);
  WC_FAIL(WC_ERR_USAGE, "basin: unknown subcommand '%s'; use make or info (see 'wcsim basin --help')", argv[1]);
}
