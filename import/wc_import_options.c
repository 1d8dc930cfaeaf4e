/* wc_import_options.c — the wcsim-import command line. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_basin_terrain.h"
#include "wc_import.h"

typedef enum option_id {
  OPT_DEM,
  OPT_LANDUSE,
  OPT_LANDUSE_TABLE,
  OPT_JURISDICTIONS,
  OPT_JURISDICTION_TABLE,
  OPT_SECTIONS,
  OPT_FLOW_DIRECTION,
  OPT_FLOW_DIRECTION_ENCODING,
  OPT_CHANNEL_THRESHOLD,
  OPT_SNAP_RADIUS,
  OPT_EPSG,
  OPT_CELL_SIZE,
  OPT_NAME,
  OPT_OUTPUT,
  OPT_QUIET,
  OPT_HELP,
  OPT_COUNT
} option_id;

typedef struct option_info {
  const char *name;  /* long form */
  const char *alias; /* short form or NULL */
  const char *value; /* metavariable, NULL for a flag */
  const char *help;
} option_info;

static const option_info options[OPT_COUNT] = {
    [OPT_DEM] = {"--dem", NULL, "FILE",
                 "elevation raster in metres (GeoTIFF, ESRI ASCII grid, any GDAL raster)"},
    [OPT_LANDUSE] = {"--landuse", NULL, "FILE", "land-use class raster on the DEM's grid"},
    [OPT_LANDUSE_TABLE] = {"--landuse-table", NULL, "CSV",
                           "land-use classes: id,name,manning_n[,crop_class,impervious_fraction]"},
    [OPT_JURISDICTIONS] = {"--jurisdictions", NULL, "FILE",
                           "jurisdiction id raster on the DEM's grid, or polygons (any OGR "
                           "vector; attribute name, optional id, level, parent_id)"},
    [OPT_JURISDICTION_TABLE] = {"--jurisdiction-table", NULL, "CSV",
                                "jurisdictions: id,name[,level,parent_id]; level is province, "
                                "prefecture or county"},
    [OPT_SECTIONS] = {"--sections", NULL, "CSV",
                      "monitoring sections: name,x,y or name,lon,lat [,upstream,downstream]"},
    [OPT_FLOW_DIRECTION] = {"--flow-direction", NULL, "FILE",
                            "D8 direction raster to use instead of D8 on the DEM"},
    [OPT_FLOW_DIRECTION_ENCODING] = {"--flow-direction-encoding", NULL, "esri|wcsim",
                                     "codes of --flow-direction (default esri: 1 E, 2 SE, 4 S, "
                                     "... 128 NE, 0 outlet)"},
    [OPT_CHANNEL_THRESHOLD] = {"--channel-threshold", NULL, "KM2",
                               "contributing area that starts a channel (default 10)"},
    [OPT_SNAP_RADIUS] = {"--snap-radius", NULL, "M",
                         "how far a section may move onto the river (default 2 cells)"},
    [OPT_EPSG] = {"--epsg", NULL, "CODE",
                  "projected CRS of the basin; the DEM is reprojected when it is in another "
                  "CRS (required for a lon/lat DEM or one without a CRS)"},
    [OPT_CELL_SIZE] = {"--cell-size", NULL, "M",
                       "cell size when reprojecting (default: GDAL's choice)"},
    [OPT_NAME] = {"--name", NULL, "NAME", "basin name (default: the output file's name)"},
    [OPT_OUTPUT] = {"--output", "-o", "FILE", "basin file to write (HDF5)"},
    [OPT_QUIET] = {"--quiet", "-q", NULL, "no progress lines on stderr"},
    [OPT_HELP] = {"--help", "-h", NULL, "show this help"},
};

void wc_import_print_help(FILE *out) {
  fputs("Usage: wcsim-import --dem DEM [OPTIONS] -o BASIN.h5\n\n"
        "Build a wcsim basin file from a DEM and optional land-use, jurisdiction and\n"
        "section data: fill depressions, D8 directions, flow accumulation, channels, snap\n"
        "the sections onto the river, and write everything to one HDF5 file\n"
        "(docs/basin-file.md). The DEM must be in a projected CRS in metres, or given\n"
        "--epsg to reproject it.\n\nOptions:\n",
        out);
  for (int k = 0; k < OPT_COUNT; k++) {
    char left[64];
    snprintf(left, sizeof left, "%s%s%s%s%s", options[k].alias ? options[k].alias : "",
             options[k].alias ? ", " : "", options[k].name, options[k].value ? " " : "",
             options[k].value ? options[k].value : "");
    fprintf(out, "  %-36s %s\n", left, options[k].help);
  }
  fputs("\nExit codes: 0 success, 2 usage error, 4 input data error, 5 I/O error\n"
        "(docs/errors.md). On any error no basin file is written.\n",
        out);
}

/* Edit distance, for "did you mean". */
static size_t distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return 99;
  size_t row[64];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t best = diagonal + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diagonal = up;
    }
  }
  return row[lb];
}

static wc_status unknown_option(const char *arg) {
  int best = -1;
  size_t best_distance = 4; /* suggest only close misspellings */
  for (int k = 0; k < OPT_COUNT; k++) {
    size_t d = distance(arg, options[k].name);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  if (best >= 0)
    WC_FAIL(WC_ERR_USAGE, "unknown option '%s'; did you mean '%s'? (see 'wcsim-import --help')",
            arg, options[best].name);
  WC_FAIL(WC_ERR_USAGE, "unknown option '%s'; see 'wcsim-import --help'", arg);
}

static wc_status parse_number(const char *option, const char *text, double *value) {
  char *end = NULL;
  errno = 0;
  double v = strtod(text, &end);
  WC_CHECK(end != text && *end == '\0' && errno == 0 && isfinite(v), WC_ERR_USAGE,
           "%s: '%s' is not a number", option, text);
  *value = v;
  return WC_OK;
}

static wc_status set_option(wc_import_options *o, option_id id, const char *value) {
  const char *name = options[id].name;
  double number = 0.0;
  switch (id) {
  case OPT_DEM: o->dem_path = value; break;
  case OPT_LANDUSE: o->landuse_path = value; break;
  case OPT_LANDUSE_TABLE: o->landuse_table_path = value; break;
  case OPT_JURISDICTIONS: o->jurisdictions_path = value; break;
  case OPT_JURISDICTION_TABLE: o->jurisdiction_table_path = value; break;
  case OPT_SECTIONS: o->sections_path = value; break;
  case OPT_FLOW_DIRECTION: o->flow_direction_path = value; break;
  case OPT_FLOW_DIRECTION_ENCODING:
    if (strcmp(value, "esri") == 0)
      o->flow_direction_encoding = WC_FLOWDIR_ESRI;
    else if (strcmp(value, "wcsim") == 0)
      o->flow_direction_encoding = WC_FLOWDIR_WCSIM;
    else
      WC_FAIL(WC_ERR_USAGE, "%s: '%s' is not an encoding; use esri or wcsim", name, value);
    break;
  case OPT_CHANNEL_THRESHOLD:
    WC_CALL(parse_number(name, value, &number));
    WC_CHECK(number > 0.0, WC_ERR_USAGE, "%s: %s km2 must be > 0", name, value);
    o->channel_threshold_km2 = number;
    break;
  case OPT_SNAP_RADIUS:
    WC_CALL(parse_number(name, value, &number));
    WC_CHECK(number >= 0.0, WC_ERR_USAGE, "%s: %s m must be >= 0", name, value);
    o->snap_radius_m = number;
    break;
  case OPT_EPSG:
    WC_CALL(parse_number(name, value, &number));
    WC_CHECK(number >= 1.0 && number <= 999999.0 && number == floor(number), WC_ERR_USAGE,
             "%s: '%s' is not an EPSG code (a whole number such as 32650)", name, value);
    o->epsg = (int32_t)number;
    break;
  case OPT_CELL_SIZE:
    WC_CALL(parse_number(name, value, &number));
    WC_CHECK(number > 0.0, WC_ERR_USAGE, "%s: %s m must be > 0", name, value);
    o->cell_size_m = number;
    break;
  case OPT_NAME: o->name = value; break;
  case OPT_OUTPUT: o->output_path = value; break;
  case OPT_QUIET: o->quiet = true; break;
  case OPT_HELP: o->help = true; break;
  case OPT_COUNT: break;
  }
  return WC_OK;
}

/* The call as one line, for the basin file's `source` attribute. */
static char *join_arguments(int argc, char **argv) {
  size_t length = 1;
  for (int i = 0; i < argc; i++) length += strlen(argv[i]) + 1;
  char *line = malloc(length);
  if (line == NULL) return NULL;
  line[0] = '\0';
  for (int i = 0; i < argc; i++) {
    if (i > 0) strcat(line, " ");
    strcat(line, i == 0 ? "wcsim-import" : argv[i]);
  }
  return line;
}

wc_status wc_import_options_parse(int argc, char **argv, wc_import_options *o) {
  memset(o, 0, sizeof *o);
  o->channel_threshold_km2 = WC_CHANNEL_THRESHOLD_DEFAULT_KM2;
  o->snap_radius_m = NAN;
  o->cell_size_m = NAN;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    WC_CHECK(arg[0] == '-' && arg[1] != '\0', WC_ERR_USAGE,
             "unexpected argument '%s'; every input is given with an option (see "
             "'wcsim-import --help')",
             arg);
    const char *inline_value = NULL;
    char name[64];
    snprintf(name, sizeof name, "%s", arg);
    char *equals = strchr(name, '=');
    if (equals != NULL && strncmp(arg, "--", 2) == 0) {
      *equals = '\0';
      inline_value = arg + (equals - name) + 1;
    }
    int id = -1;
    for (int k = 0; k < OPT_COUNT && id < 0; k++)
      if (strcmp(name, options[k].name) == 0 ||
          (options[k].alias != NULL && strcmp(name, options[k].alias) == 0))
        id = k;
    if (id < 0) return unknown_option(name);
    const char *value = NULL;
    if (options[id].value != NULL) {
      if (inline_value != NULL) {
        value = inline_value;
      } else {
        WC_CHECK(i + 1 < argc, WC_ERR_USAGE, "%s needs a value (%s)", options[id].name,
                 options[id].value);
        value = argv[++i];
      }
    } else {
      WC_CHECK(inline_value == NULL, WC_ERR_USAGE, "%s takes no value", options[id].name);
    }
    WC_CALL(set_option(o, (option_id)id, value));
  }
  if (o->help) return WC_OK;
  WC_CHECK(o->dem_path != NULL, WC_ERR_USAGE,
           "no DEM given: --dem FILE is required (see 'wcsim-import --help')");
  WC_CHECK(o->output_path != NULL, WC_ERR_USAGE,
           "no output given: -o BASIN.h5 is required (see 'wcsim-import --help')");
  WC_CHECK(o->landuse_table_path == NULL || o->landuse_path != NULL, WC_ERR_USAGE,
           "--landuse-table describes the classes of a --landuse raster; give the raster too");
  o->command_line = join_arguments(argc, argv);
  WC_CHECK(o->command_line != NULL, WC_ERR_MEMORY, "out of memory for the command line");
  return WC_OK;
}

void wc_import_options_free(wc_import_options *o) {
  free(o->command_line);
  o->command_line = NULL;
}
