/* wc_import_run.c — the import pipeline: DEM -> terrain -> maps -> sections -> basin file. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>

#include "wc_basin_file.h"
#include "wc_basin_terrain.h"
#include "wc_import.h"
#include "wc_version.h"

void wc_import_note(bool quiet, const char *fmt, ...) {
  if (quiet) return;
  va_list args;
  va_start(args, fmt);
  fputs("wcsim-import: ", stderr);
  vfprintf(stderr, fmt, args);
  fputc('\n', stderr);
  va_end(args);
}

typedef struct import {
  const wc_import_options *opts;
  GDALDatasetH dem_dataset;     /* as opened */
  wc_import_raster dem;         /* on the basin grid (reprojected when `warp`) */
  wc_import_raster dem_source;  /* the DEM's own grid, to check the other rasters against */
  bool warp;                    /* the DEM was reprojected to opts->epsg */
  OGRSpatialReferenceH grid_srs;
  wc_basin *basin;
} import;

/* ---- DEM and CRS ----------------------------------------------------------------------------- */

/* Decide the basin CRS: the DEM's own when projected, else --epsg (reprojecting). */
static wc_status choose_crs(import *im) {
  const wc_import_options *o = im->opts;
  OGRSpatialReferenceH srs = GDALGetSpatialRef(im->dem_dataset);
  char what[4200];
  snprintf(what, sizeof what, "the DEM %s", o->dem_path);
  if (srs == NULL) {
    WC_CHECK(o->epsg > 0, WC_ERR_INPUT,
             "the DEM %s has no CRS (an ASCII grid needs a .prj file beside it); give --epsg "
             "CODE, the EPSG code of its projected CRS",
             o->dem_path);
    WC_CALL(wc_import_crs_from_epsg(o->epsg, &im->grid_srs));
    WC_CALL(wc_import_crs_check_projected(im->grid_srs, what));
    return WC_OK;
  }
  if (!OSRIsProjected(srs) && o->epsg == 0)
    WC_FAIL(WC_ERR_INPUT,
            "the DEM %s is in geographic coordinates (%s, degrees); wcsim needs a projected CRS "
            "in metres: give --epsg CODE to reproject it (e.g. --epsg 32650 for UTM zone 50N)",
            o->dem_path, OSRGetName(srs) ? OSRGetName(srs) : "lon/lat");
  if (o->epsg == 0) {
    im->grid_srs = OSRClone(srs);
    OSRSetAxisMappingStrategy(im->grid_srs, OAMS_TRADITIONAL_GIS_ORDER);
    WC_CALL(wc_import_crs_check_projected(im->grid_srs, what));
    return WC_OK;
  }
  WC_CALL(wc_import_crs_from_epsg(o->epsg, &im->grid_srs));
  snprintf(what, sizeof what, "--epsg %d", (int)o->epsg);
  WC_CALL(wc_import_crs_check_projected(im->grid_srs, what));
  /* An ESRI .prj and the EPSG definition differ in wording: compare codes first. */
  im->warp = wc_import_crs_epsg(srs) != o->epsg && !OSRIsSame(srs, im->grid_srs);
  return WC_OK;
}

static wc_status read_dem(import *im) {
  const wc_import_options *o = im->opts;
  WC_CALL(wc_import_raster_open(o->dem_path, "DEM", &im->dem_dataset));
  WC_CALL(choose_crs(im));
  WC_CHECK(im->warp || !isfinite(o->cell_size_m), WC_ERR_USAGE,
           "--cell-size applies only when the DEM is reprojected (--epsg differing from the "
           "DEM's CRS); resample the DEM beforehand to change its cell size");
  WC_CALL(wc_import_raster_read(im->dem_dataset, o->dem_path, "DEM", &im->dem_source));
  if (!im->warp) {
    im->dem = im->dem_source;
    im->dem.srs = im->dem_source.srs ? OSRClone(im->dem_source.srs) : NULL;
    double *copy = malloc(sizeof *copy * (size_t)wc_grid_cell_count(&im->dem.grid));
    WC_CHECK(copy != NULL, WC_ERR_MEMORY, "out of memory copying the DEM");
    memcpy(copy, im->dem_source.values, sizeof *copy * (size_t)wc_grid_cell_count(&im->dem.grid));
    im->dem.values = copy;
  } else {
    GDALDatasetH warped = NULL;
    WC_CALL(wc_import_raster_warp(im->dem_dataset, o->dem_path, o->epsg, NULL, o->cell_size_m,
                                  false, &warped));
    wc_status status = wc_import_raster_read(warped, o->dem_path, "DEM", &im->dem);
    GDALClose(warped);
    WC_CALL(status);
    wc_import_note(o->quiet, "reprojected the DEM to EPSG:%d: %d x %d cells of %g m",
                   (int)o->epsg, (int)im->dem.grid.rows, (int)im->dem.grid.cols,
                   im->dem.grid.cell_size_m);
  }
  WC_CALL(wc_basin_create(&im->dem.grid, &im->basin));
  memcpy(im->basin->dem_m, im->dem.values,
         sizeof(double) * (size_t)wc_grid_cell_count(&im->dem.grid));
  char *wkt = NULL;
  WC_CALL(wc_import_crs_wkt(im->grid_srs, &wkt));
  int32_t epsg = o->epsg > 0 ? o->epsg : wc_import_crs_epsg(im->grid_srs);
  wc_status status = wc_basin_set_crs(im->basin, epsg, wkt);
  free(wkt);
  return status;
}

/* Another raster (land use, jurisdictions, directions) on the basin grid: it must lie on
 * the DEM's own grid, and follows the DEM when that was reprojected. */
static wc_status read_on_grid(import *im, const char *path, const char *what,
                              wc_import_raster *raster) {
  GDALDatasetH ds = NULL;
  WC_CALL(wc_import_raster_open(path, what, &ds));
  wc_status status = wc_import_raster_read(ds, path, what, raster);
  if (status == WC_OK) status = wc_import_raster_same_grid(raster, &im->dem_source);
  if (status == WC_OK && im->warp) {
    GDALDatasetH warped = NULL;
    status = wc_import_raster_warp(ds, path, im->opts->epsg, &im->dem.grid, NAN, true, &warped);
    wc_import_raster_free(raster);
    if (status == WC_OK) status = wc_import_raster_read(warped, path, what, raster);
    if (warped != NULL) GDALClose(warped);
  }
  GDALClose(ds);
  return status;
}

/* ---- flow directions ------------------------------------------------------------------------ */

/* ESRI codes 1, 2, 4, ... 128 run clockwise from east like wcsim's 0..7. */
static int esri_to_wcsim(double v) {
  static const int codes[8] = {1, 2, 4, 8, 16, 32, 64, 128};
  if (v == 0.0) return WC_D8_OUTLET;
  for (int k = 0; k < 8; k++)
    if (v == codes[k]) return k;
  return -99;
}

static wc_status read_directions(import *im) {
  const wc_import_options *o = im->opts;
  WC_CHECK(!im->warp, WC_ERR_UNSUPPORTED,
           "--flow-direction cannot be used with a DEM that must be reprojected: directions "
           "cannot be resampled; give the DEM and the directions in the basin's projected CRS");
  wc_import_raster r;
  WC_CALL(read_on_grid(im, o->flow_direction_path, "flow-direction raster", &r));
  wc_basin *b = im->basin;
  const wc_grid *g = &b->grid;
  char where[WC_CELL_NAME_MAX];
  wc_status status = WC_OK;
  for (int32_t i = 0; i < wc_grid_cell_count(g) && status == WC_OK; i++) {
    double v = r.values[i];
    int code = isnan(v) ? WC_D8_NODATA
               : o->flow_direction_encoding == WC_FLOWDIR_ESRI ? esri_to_wcsim(v)
               : (v == floor(v) && v >= -2.0 && v <= 7.0) ? (int)v
                                                           : -99;
    if (code == -99) {
      status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                            "the flow-direction raster %s has %g at %s, which is not a%s D8 code "
                            "(%s); see --flow-direction-encoding",
                            o->flow_direction_path, v, wc_grid_cell_name(g, i, where, sizeof where),
                            o->flow_direction_encoding == WC_FLOWDIR_ESRI ? "n ESRI" : " wcsim",
                            o->flow_direction_encoding == WC_FLOWDIR_ESRI
                                ? "1 E, 2 SE, 4 S, 8 SW, 16 W, 32 NW, 64 N, 128 NE, 0 outlet"
                                : "0..7 clockwise from E, -1 outlet, -2 nodata");
      break;
    }
    b->flow_direction[i] = (int8_t)code;
  }
  /* ESRI grids let edge cells point off the grid (or into nodata) to mean "leaves here". */
  for (int32_t i = 0; status == WC_OK && o->flow_direction_encoding == WC_FLOWDIR_ESRI &&
                      i < wc_grid_cell_count(g);
       i++) {
    int code = b->flow_direction[i];
    if (code < 0) continue;
    int32_t row = i / g->cols + wc_d8_drow[code], col = i % g->cols + wc_d8_dcol[code];
    bool off = row < 0 || row >= g->rows || col < 0 || col >= g->cols;
    if (off || isnan(r.values[row * g->cols + col])) b->flow_direction[i] = WC_D8_OUTLET;
  }
  wc_import_raster_free(&r);
  return status;
}

/* ---- terrain ------------------------------------------------------------------------------- */

static wc_status derive_terrain(import *im) {
  const wc_import_options *o = im->opts;
  wc_basin_terrain_options t = wc_basin_terrain_defaults();
  t.channel_threshold_km2 = o->channel_threshold_km2;
  t.use_given_direction = o->flow_direction_path != NULL;
  wc_status status = wc_basin_derive_terrain(im->basin, &t);
  if (status == WC_OK) return WC_OK;
  bool about_directions = t.use_given_direction && strstr(wc_error_message(), "flow direction");
  return wc_basin_error_prefix(status, "%s",
                               about_directions ? o->flow_direction_path : o->dem_path);
}

/* ---- land use and jurisdictions ------------------------------------------------------------- */

/* Distinct ids of a map, each added to a table through `add` (auto-generated entries). */
static wc_status add_missing_ids(wc_basin *b, const int32_t *ids, bool land_use, bool quiet) {
  int32_t n = wc_grid_cell_count(&b->grid), added = 0;
  for (int32_t i = 0; i < n; i++) {
    int32_t id = ids[i];
    if (id < 0) continue;
    char name[48];
    if (land_use && wc_basin_find_land_use(b, id) < 0) {
      snprintf(name, sizeof name, "class %d", (int)id);
      wc_land_use_class cls = {id, name, WC_LAND_USE_DEFAULT_MANNING_N, "none", 0.0};
      WC_CALL(wc_basin_add_land_use(b, &cls));
      added++;
    } else if (!land_use && wc_basin_find_jurisdiction(b, id) < 0) {
      snprintf(name, sizeof name, "jurisdiction %d", (int)id);
      wc_jurisdiction j = {id, name, WC_JURISDICTION_COUNTY, -1};
      WC_CALL(wc_basin_add_jurisdiction(b, &j));
      added++;
    }
  }
  if (added > 0)
    wc_import_note(quiet, "no %s table given: %d %s with default parameters (see "
                          "docs/basin-file.md)",
                   land_use ? "land-use" : "jurisdiction", (int)added,
                   land_use ? "class(es)" : "county-level jurisdiction(s)");
  return WC_OK;
}

static wc_status read_land_use(import *im) {
  const wc_import_options *o = im->opts;
  wc_basin *b = im->basin;
  if (o->landuse_path == NULL) {
    wc_import_note(o->quiet, "no land-use map: one default class for every cell");
    return wc_basin_set_default_land_use(b);
  }
  if (o->landuse_table_path != NULL) WC_CALL(wc_import_land_use_table(o->landuse_table_path, b));
  wc_import_raster r;
  WC_CALL(read_on_grid(im, o->landuse_path, "land-use raster", &r));
  wc_status status = wc_import_raster_ids(&r, b, b->land_use);
  char where[WC_CELL_NAME_MAX];
  for (int32_t i = 0; status == WC_OK && i < wc_grid_cell_count(&b->grid); i++) {
    if (!wc_basin_is_cell(b, i)) continue;
    if (b->land_use[i] < 0)
      status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                            "the land-use raster %s has nodata at %s, inside the DEM; every "
                            "basin cell needs a land-use class",
                            o->landuse_path, wc_grid_cell_name(&b->grid, i, where, sizeof where));
    else if (o->landuse_table_path != NULL && wc_basin_find_land_use(b, b->land_use[i]) < 0)
      status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                            "the land-use raster %s has class %d at %s, which the land-use table "
                            "%s does not list",
                            o->landuse_path, (int)b->land_use[i],
                            wc_grid_cell_name(&b->grid, i, where, sizeof where),
                            o->landuse_table_path);
  }
  if (status == WC_OK && o->landuse_table_path == NULL)
    status = add_missing_ids(b, b->land_use, true, o->quiet);
  wc_import_raster_free(&r);
  return status;
}

static wc_status read_jurisdictions(import *im) {
  const wc_import_options *o = im->opts;
  wc_basin *b = im->basin;
  if (o->jurisdiction_table_path != NULL)
    WC_CALL(wc_import_jurisdiction_table(o->jurisdiction_table_path, b));
  if (o->jurisdictions_path == NULL) return WC_OK;
  bool have_table = o->jurisdiction_table_path != NULL;
  if (wc_import_is_vector(o->jurisdictions_path)) {
    WC_CALL(wc_import_rasterize_jurisdictions(o->jurisdictions_path, b, im->grid_srs, !have_table,
                                              b->jurisdiction));
  } else {
    wc_import_raster r;
    WC_CALL(read_on_grid(im, o->jurisdictions_path, "jurisdiction raster", &r));
    wc_status status = wc_import_raster_ids(&r, b, b->jurisdiction);
    wc_import_raster_free(&r);
    WC_CALL(status);
    char where[WC_CELL_NAME_MAX];
    for (int32_t i = 0; have_table && i < wc_grid_cell_count(&b->grid); i++) {
      int32_t id = b->jurisdiction[i];
      WC_CHECK(id < 0 || wc_basin_find_jurisdiction(b, id) >= 0, WC_ERR_INPUT,
               "the jurisdiction raster %s has id %d at %s, which the jurisdiction table %s "
               "does not list",
               o->jurisdictions_path, (int)id, wc_grid_cell_name(&b->grid, i, where, sizeof where),
               o->jurisdiction_table_path);
    }
    if (!have_table) WC_CALL(add_missing_ids(b, b->jurisdiction, false, o->quiet));
  }
  int32_t none = 0;
  for (int32_t i = 0; i < wc_grid_cell_count(&b->grid); i++)
    none += wc_basin_is_cell(b, i) && b->jurisdiction[i] < 0;
  if (none > 0)
    wc_import_note(o->quiet, "warning: %d basin cell(s) lie in no jurisdiction of %s", (int)none,
                   o->jurisdictions_path);
  return WC_OK;
}

/* ---- sections ------------------------------------------------------------------------------ */

static wc_status place_sections(import *im) {
  const wc_import_options *o = im->opts;
  wc_basin *b = im->basin;
  if (o->sections_path == NULL) return WC_OK;
  int *lines = NULL;
  wc_status status = wc_import_sections(o->sections_path, b, im->grid_srs, &lines);
  double radius_m = isnan(o->snap_radius_m) ? 2.0 * b->grid.cell_size_m : o->snap_radius_m;
  int32_t failed = -1;
  if (status == WC_OK) status = wc_basin_snap_sections(b, radius_m, &failed);
  if (status != WC_OK && failed >= 0)
    wc_basin_error_prefix(status, "%s:%d", o->sections_path, lines[failed]);
  if (status == WC_OK) wc_basin_default_section_jurisdictions(b);
  for (int32_t k = 0; status == WC_OK && k < b->n_sections; k++) {
    const wc_section *s = &b->sections[k];
    int32_t cell = s->row * b->grid.cols + s->col;
    char where[WC_CELL_NAME_MAX];
    wc_import_note(o->quiet, "section '%s' (%s:%d) moved %.1f m to %s, contributing area %.3f km2%s",
                   s->name, o->sections_path, lines[k], s->snapped_distance_m,
                   wc_grid_cell_name(&b->grid, cell, where, sizeof where),
                   b->flow_accumulation_km2[cell],
                   b->channel[cell] ? "" : " (warning: not a channel cell; lower "
                                           "--channel-threshold or move the point)");
  }
  free(lines);
  return status;
}

/* ---- the whole run -------------------------------------------------------------------------- */

static wc_status describe(import *im) {
  const wc_import_options *o = im->opts;
  wc_basin *b = im->basin;
  char name[256];
  if (o->name != NULL) {
    snprintf(name, sizeof name, "%s", o->name);
  } else {
    const char *base = strrchr(o->output_path, '/');
    snprintf(name, sizeof name, "%s", base ? base + 1 : o->output_path);
    char *dot = strrchr(name, '.');
    if (dot != NULL && dot != name) *dot = '\0';
  }
  char created_by[128];
  snprintf(created_by, sizeof created_by, "wcsim-import %s (GDAL %s)", WCSIM_VERSION,
           GDALVersionInfo("RELEASE_NAME"));
  WC_CALL(wc_basin_set_text(&b->name, name));
  WC_CALL(wc_basin_set_text(&b->created_by, created_by));
  WC_CALL(wc_basin_set_text(&b->source, o->command_line));
  return WC_OK;
}

wc_status wc_import_run(const wc_import_options *o) {
  import im;
  memset(&im, 0, sizeof im);
  im.opts = o;
  wc_status status = read_dem(&im);
  if (status == WC_OK && o->flow_direction_path != NULL) status = read_directions(&im);
  if (status == WC_OK) status = derive_terrain(&im);
  if (status == WC_OK) status = read_land_use(&im);
  if (status == WC_OK) status = read_jurisdictions(&im);
  if (status == WC_OK) wc_basin_set_default_soil(im.basin);
  if (status == WC_OK) status = place_sections(&im);
  if (status == WC_OK) status = describe(&im);
  if (status == WC_OK) status = wc_basin_file_write(o->output_path, im.basin);
  if (status == WC_OK) {
    const wc_drainage_graph *g = im.basin->graph;
    int32_t channel = 0;
    for (int32_t i = 0; i < g->n; i++) channel += im.basin->channel[g->cell[i]];
    wc_import_note(o->quiet,
                   "wrote %s: %d x %d grid of %g m, %d basin cells (%.3f km2), %d outlet(s), %d "
                   "channel cells, %d section(s)",
                   o->output_path, (int)g->grid.rows, (int)g->grid.cols, g->grid.cell_size_m,
                   (int)g->n, g->n * g->grid.cell_size_m * g->grid.cell_size_m / 1e6,
                   (int)g->n_outlets, (int)channel, (int)im.basin->n_sections);
  }
  wc_basin_destroy(&im.basin);
  wc_import_raster_free(&im.dem);
  wc_import_raster_free(&im.dem_source);
  if (im.grid_srs != NULL) OSRDestroySpatialReference(im.grid_srs);
  if (im.dem_dataset != NULL) GDALClose(im.dem_dataset);
  return status;
}
