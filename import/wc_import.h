/*
 * wc_import.h — wcsim-import: rasters and vectors read with GDAL, turned into a basin file.
 *
 * Split by job: options (command line), raster (GDAL rasters onto the basin grid), crs
 * (EPSG codes, WKT, point reprojection), vector (jurisdiction polygons rasterised), csv
 * (sections and tables, every error as FILE:LINE), run (the pipeline). Everything returns
 * a wc_status; main turns it into a message and an exit code (docs/basin-file.md).
 */
#ifndef WC_IMPORT_H
#define WC_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <gdal.h>
#include <ogr_srs_api.h>

#include "wc_basin.h"
#include "wc_status.h"

/* ---- options ----------------------------------------------------------------------------- */

typedef enum wc_flowdir_encoding {
  WC_FLOWDIR_ESRI = 0, /* 1 E, 2 SE, 4 S, 8 SW, 16 W, 32 NW, 64 N, 128 NE; 0 outlet */
  WC_FLOWDIR_WCSIM,    /* 0..7 clockwise from E, -1 outlet, -2 nodata (wc_flowdir.h) */
} wc_flowdir_encoding;

typedef struct wc_import_options {
  const char *dem_path;
  const char *landuse_path;
  const char *landuse_table_path;
  const char *jurisdictions_path;
  const char *jurisdiction_table_path;
  const char *sections_path;
  const char *flow_direction_path;
  wc_flowdir_encoding flow_direction_encoding;
  double channel_threshold_km2; /* default WC_CHANNEL_THRESHOLD_DEFAULT_KM2 */
  double snap_radius_m;         /* NaN: 2 cells */
  int32_t epsg;                 /* 0: the DEM's own CRS */
  double cell_size_m;           /* NaN: GDAL's choice when reprojecting */
  const char *name;             /* basin name; NULL: the output file's stem */
  const char *output_path;
  bool quiet;
  bool help;
  char *command_line; /* how the importer was called, for the file's `source` */
} wc_import_options;

/* Parse argv. WC_ERR_USAGE for an unknown option, a missing or malformed value, or a
 * missing --dem / -o. opts->help is set for --help (nothing else is checked then). */
WC_NODISCARD wc_status wc_import_options_parse(int argc, char **argv, wc_import_options *opts);
void wc_import_options_free(wc_import_options *opts);
void wc_import_print_help(FILE *out);

/* ---- rasters ----------------------------------------------------------------------------- */

typedef struct wc_import_raster {
  const char *path;
  const char *what; /* "DEM", "land-use raster", ... for messages */
  wc_grid grid;
  double *values;           /* rows * cols, NaN for nodata */
  OGRSpatialReferenceH srs; /* owned; NULL when the file has no CRS */
} wc_import_raster;

/* Open a GDAL raster (band 1) and check its georeferencing: north-up, not rotated,
 * square cells. WC_ERR_IO when the file cannot be read, WC_ERR_INPUT otherwise. */
WC_NODISCARD wc_status wc_import_raster_open(const char *path, const char *what,
                                             GDALDatasetH *dataset);

/* Read band 1 of an open dataset into `raster` (values as double, nodata -> NaN). */
WC_NODISCARD wc_status wc_import_raster_read(GDALDatasetH dataset, const char *path,
                                             const char *what, wc_import_raster *raster);

/* Reproject a dataset to `epsg` onto an in-memory dataset (bilinear for the DEM, nearest
 * for class maps). `target` NULL: GDAL's output grid, square cells of `cell_size_m` when
 * that is finite; otherwise exactly the target grid. */
WC_NODISCARD wc_status wc_import_raster_warp(GDALDatasetH source, const char *path, int32_t epsg,
                                             const wc_grid *target, double cell_size_m,
                                             bool nearest, GDALDatasetH *warped);

void wc_import_raster_free(wc_import_raster *raster);

/* WC_ERR_INPUT naming both files and both grids unless `raster` lies exactly on `grid`
 * (same size, origin and cell size) in the same CRS (when both have one). */
WC_NODISCARD wc_status wc_import_raster_same_grid(const wc_import_raster *raster,
                                                  const wc_import_raster *reference);

/* Whole-number class ids of a raster on basin cells: ids[cell] (nodata -> -1). A
 * fractional or out-of-range value is WC_ERR_INPUT naming the cell. */
WC_NODISCARD wc_status wc_import_raster_ids(const wc_import_raster *raster,
                                            const wc_basin *basin, int32_t *ids);

/* ---- CRS ---------------------------------------------------------------------------------- */

/* EPSG code of a CRS (its authority code, or the best match GDAL finds), 0 if none. */
int32_t wc_import_crs_epsg(OGRSpatialReferenceH srs);

/* A new CRS from an EPSG code (axis order x/east, y/north). WC_ERR_INPUT for an unknown
 * code. */
WC_NODISCARD wc_status wc_import_crs_from_epsg(int32_t epsg, OGRSpatialReferenceH *srs);

/* WC_ERR_INPUT unless `srs` is projected with metre units (the message says `what`). */
WC_NODISCARD wc_status wc_import_crs_check_projected(OGRSpatialReferenceH srs, const char *what);

/* WKT2 of a CRS, malloc'ed. */
WC_NODISCARD wc_status wc_import_crs_wkt(OGRSpatialReferenceH srs, char **wkt);

/* Longitude/latitude (WGS84 degrees) to x/y in `srs`. */
WC_NODISCARD wc_status wc_import_lonlat_to_xy(OGRSpatialReferenceH srs, double lon, double lat,
                                              double *x_m, double *y_m);

/* ---- vectors ------------------------------------------------------------------------------ */

/* True when `path` opens as a vector dataset with at least one layer (and no raster). */
bool wc_import_is_vector(const char *path);

/* Rasterise jurisdiction polygons (first layer; attribute `name`, optional `id`, `level`,
 * `parent_id`) onto the basin grid: ids[cell] (-1 where no polygon covers the cell
 * centre). When `add_to_table` is true each feature becomes a jurisdiction of the basin;
 * otherwise every feature needs an `id` found in the basin's table. */
WC_NODISCARD wc_status wc_import_rasterize_jurisdictions(const char *path, wc_basin *basin,
                                                         OGRSpatialReferenceH grid_srs,
                                                         bool add_to_table, int32_t *ids);

/* ---- CSV ---------------------------------------------------------------------------------- */

/* Land-use table: columns id, name, manning_n [, crop_class] [, impervious_fraction]. */
WC_NODISCARD wc_status wc_import_land_use_table(const char *path, wc_basin *basin);

/* Jurisdiction table: columns id, name [, level] [, parent_id]. */
WC_NODISCARD wc_status wc_import_jurisdiction_table(const char *path, wc_basin *basin);

/* Sections: name,x,y (grid CRS metres) or name,lon,lat (WGS84 degrees, reprojected to
 * `grid_srs`), optional upstream,downstream (jurisdiction id or name). Adds the sections
 * unsnapped; *lines (malloc'ed, caller frees, also on failure) receives the input line
 * of each section added, to name it in later errors. */
WC_NODISCARD wc_status wc_import_sections(const char *path, wc_basin *basin,
                                          OGRSpatialReferenceH grid_srs, int **lines);

/* ---- the pipeline ------------------------------------------------------------------------- */

/* Import per the options and write the basin file (nothing is written on failure). */
WC_NODISCARD wc_status wc_import_run(const wc_import_options *opts);

/* GDAL's last error message, or `fallback` when GDAL recorded none. */
const char *wc_import_gdal_message(const char *fallback);

/* Print a progress line to stderr unless quiet ("wcsim-import: ..."). */
void wc_import_note(bool quiet, const char *fmt, ...) WC_PRINTF(2, 3);

#endif /* WC_IMPORT_H */
