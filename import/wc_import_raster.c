/* wc_import_raster.c — GDAL rasters onto the basin grid: open, check, read, reproject. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal_utils.h>

#include "wc_import.h"

const char *wc_import_gdal_message(const char *fallback) {
  const char *message = CPLGetLastErrorMsg();
  return message != NULL && message[0] != '\0' ? message : fallback;
}

/* Cells are square when width and height agree to 1e-9 (text formats round). */
static bool same_size(double a, double b) { return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b)); }

wc_status wc_import_raster_open(const char *path, const char *what, GDALDatasetH *dataset) {
  *dataset = NULL;
  WC_CHECK(access(path, R_OK) == 0, WC_ERR_IO, "cannot read the %s %s: %s", what, path,
           strerror(errno));
  CPLErrorReset();
  GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, NULL,
                                NULL, NULL);
  WC_CHECK(ds != NULL, WC_ERR_INPUT, "the %s %s is not a raster GDAL can read: %s", what, path,
           wc_import_gdal_message("unknown format"));
  wc_status status = WC_OK;
  double gt[6];
  if (GDALGetRasterCount(ds) < 1) {
    status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__, "the %s %s has no raster band",
                          what, path);
  } else if (GDALGetGeoTransform(ds, gt) != CE_None) {
    status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                          "the %s %s has no georeferencing (no geotransform); give it a world "
                          "file or use a georeferenced format such as GeoTIFF",
                          what, path);
  } else if (gt[2] != 0.0 || gt[4] != 0.0) {
    status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                          "the %s %s is rotated (geotransform terms %g, %g); resample it "
                          "north-up, e.g. with gdalwarp",
                          what, path, gt[2], gt[4]);
  } else if (!(gt[1] > 0.0 && gt[5] < 0.0)) {
    status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                          "the %s %s is not north-up (cell width %g, height %g); flip it with "
                          "gdalwarp so rows run north to south",
                          what, path, gt[1], gt[5]);
  } else if (!same_size(gt[1], -gt[5])) {
    status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                          "the %s %s has non-square cells of %g x %g m (width x height); wcsim "
                          "needs square cells: resample it, e.g. gdalwarp -tr %g %g",
                          what, path, gt[1], -gt[5], gt[1], gt[1]);
  }
  if (status != WC_OK) {
    GDALClose(ds);
    return status;
  }
  *dataset = ds;
  return WC_OK;
}

wc_status wc_import_raster_read(GDALDatasetH ds, const char *path, const char *what,
                                wc_import_raster *raster) {
  memset(raster, 0, sizeof *raster);
  raster->path = path;
  raster->what = what;
  double gt[6];
  WC_CHECK(GDALGetGeoTransform(ds, gt) == CE_None, WC_ERR_INPUT,
           "the %s %s has no georeferencing", what, path);
  raster->grid.rows = GDALGetRasterYSize(ds);
  raster->grid.cols = GDALGetRasterXSize(ds);
  raster->grid.x_left_m = gt[0];
  raster->grid.y_top_m = gt[3];
  raster->grid.cell_size_m = gt[1];
  wc_status status = wc_grid_check(&raster->grid);
  if (status != WC_OK) return wc_basin_error_prefix(status, "the %s %s", what, path);
  size_t n = (size_t)raster->grid.rows * (size_t)raster->grid.cols;
  WC_MALLOC(raster->values, n, "raster values");
  GDALRasterBandH band = GDALGetRasterBand(ds, 1);
  CPLErrorReset();
  if (GDALRasterIO(band, GF_Read, 0, 0, raster->grid.cols, raster->grid.rows, raster->values,
                   raster->grid.cols, raster->grid.rows, GDT_Float64, 0, 0) != CE_None) {
    wc_import_raster_free(raster);
    WC_FAIL(WC_ERR_IO, "cannot read the %s %s: %s", what, path,
            wc_import_gdal_message("read error"));
  }
  int has_nodata = 0;
  double nodata = GDALGetRasterNoDataValue(band, &has_nodata);
  if (has_nodata && !isnan(nodata))
    for (size_t i = 0; i < n; i++)
      if (raster->values[i] == nodata) raster->values[i] = NAN;
  OGRSpatialReferenceH srs = GDALGetSpatialRef(ds);
  if (srs != NULL) {
    raster->srs = OSRClone(srs);
    OSRSetAxisMappingStrategy(raster->srs, OAMS_TRADITIONAL_GIS_ORDER);
  }
  return WC_OK;
}

void wc_import_raster_free(wc_import_raster *raster) {
  free(raster->values);
  raster->values = NULL;
  if (raster->srs != NULL) OSRDestroySpatialReference(raster->srs);
  raster->srs = NULL;
}

wc_status wc_import_raster_warp(GDALDatasetH source, const char *path, int32_t epsg,
                                const wc_grid *target, double cell_size_m, bool nearest,
                                GDALDatasetH *warped) {
  *warped = NULL;
  char **args = NULL;
  char text[64];
  snprintf(text, sizeof text, "EPSG:%d", (int)epsg);
  args = CSLAddString(args, "-t_srs");
  args = CSLAddString(args, text);
  args = CSLAddString(args, "-r");
  args = CSLAddString(args, nearest ? "near" : "bilinear");
  args = CSLAddString(args, "-of");
  args = CSLAddString(args, "MEM");
  args = CSLAddString(args, "-ot");
  args = CSLAddString(args, "Float64");
  /* Cells outside the source become NaN, which every reader here takes as nodata. */
  args = CSLAddString(args, "-dstnodata");
  args = CSLAddString(args, "nan");
  if (target != NULL) {
    char te[4][40], ts[2][16];
    snprintf(te[0], sizeof te[0], "%.17g", target->x_left_m);
    snprintf(te[1], sizeof te[1], "%.17g", target->y_top_m - target->rows * target->cell_size_m);
    snprintf(te[2], sizeof te[2], "%.17g", target->x_left_m + target->cols * target->cell_size_m);
    snprintf(te[3], sizeof te[3], "%.17g", target->y_top_m);
    snprintf(ts[0], sizeof ts[0], "%d", (int)target->cols);
    snprintf(ts[1], sizeof ts[1], "%d", (int)target->rows);
    args = CSLAddString(args, "-te");
    for (int k = 0; k < 4; k++) args = CSLAddString(args, te[k]);
    args = CSLAddString(args, "-ts");
    args = CSLAddString(args, ts[0]);
    args = CSLAddString(args, ts[1]);
  } else if (isfinite(cell_size_m)) {
    snprintf(text, sizeof text, "%.17g", cell_size_m);
    args = CSLAddString(args, "-tr");
    args = CSLAddString(args, text);
    args = CSLAddString(args, text);
  }
  GDALWarpAppOptions *options = GDALWarpAppOptionsNew(args, NULL);
  CSLDestroy(args);
  WC_CHECK(options != NULL, WC_ERR_INTERNAL, "cannot set up the reprojection: %s",
           wc_import_gdal_message("bad options"));
  int usage_error = 0;
  CPLErrorReset();
  GDALDatasetH out = GDALWarp("", NULL, 1, &source, options, &usage_error);
  GDALWarpAppOptionsFree(options);
  WC_CHECK(out != NULL, WC_ERR_INPUT, "cannot reproject %s to EPSG:%d: %s", path, (int)epsg,
           wc_import_gdal_message("unknown reason"));
  *warped = out;
  return WC_OK;
}

wc_status wc_import_raster_same_grid(const wc_import_raster *r, const wc_import_raster *ref) {
  const wc_grid *a = &r->grid, *b = &ref->grid;
  double tolerance = 1e-6 * b->cell_size_m;
  bool same = a->rows == b->rows && a->cols == b->cols &&
              fabs(a->x_left_m - b->x_left_m) <= tolerance &&
              fabs(a->y_top_m - b->y_top_m) <= tolerance &&
              fabs(a->cell_size_m - b->cell_size_m) <= 1e-9 * b->cell_size_m;
  if (!same)
    WC_FAIL(WC_ERR_INPUT,
            "the %s %s is not on the DEM's grid: it has %d x %d cells of %g m from (x=%.3f, "
            "y=%.3f m), the DEM %s has %d x %d cells of %g m from (x=%.3f, y=%.3f m) (rows x "
            "columns, north-west corner); resample it onto the DEM grid, e.g. gdalwarp -te "
            "%.3f %.3f %.3f %.3f -ts %d %d -r near",
            r->what, r->path, (int)a->rows, (int)a->cols, a->cell_size_m, a->x_left_m,
            a->y_top_m, ref->path, (int)b->rows, (int)b->cols, b->cell_size_m, b->x_left_m,
            b->y_top_m, b->x_left_m, b->y_top_m - b->rows * b->cell_size_m,
            b->x_left_m + b->cols * b->cell_size_m, b->y_top_m, (int)b->cols, (int)b->rows);
  if (r->srs != NULL && ref->srs != NULL && !OSRIsSame(r->srs, ref->srs)) {
    const char *name_a = OSRGetName(r->srs), *name_b = OSRGetName(ref->srs);
    WC_FAIL(WC_ERR_INPUT,
            "the %s %s is in the CRS '%s' but the basin grid is in '%s'; reproject it onto the "
            "DEM grid first",
            r->what, r->path, name_a ? name_a : "?", name_b ? name_b : "?");
  }
  return WC_OK;
}

wc_status wc_import_raster_ids(const wc_import_raster *r, const wc_basin *basin, int32_t *ids) {
  int32_t n = wc_grid_cell_count(&basin->grid);
  char where[WC_CELL_NAME_MAX];
  for (int32_t i = 0; i < n; i++) {
    ids[i] = -1;
    double v = r->values[i];
    if (!wc_basin_is_cell(basin, i) || isnan(v)) continue;
    WC_CHECK(v == floor(v) && v >= 0.0 && v <= (double)INT32_MAX, WC_ERR_INPUT,
             "the %s %s has %g at %s; class and jurisdiction ids are whole numbers >= 0", r->what,
             r->path, v, wc_grid_cell_name(&basin->grid, i, where, sizeof where));
    ids[i] = (int32_t)v;
  }
  return WC_OK;
}
