/* wc_import_vector.c — jurisdiction polygons (any OGR vector) rasterised onto the grid. */
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <gdal_alg.h>
#include <ogr_api.h>

#include "wc_import.h"

bool wc_import_is_vector(const char *path) {
  CPLErrorReset();
  GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  CPLErrorReset();
  if (ds == NULL) return false;
  bool vector = GDALDatasetGetLayerCount(ds) > 0 && GDALGetRasterCount(ds) == 0;
  GDALClose(ds);
  return vector;
}

typedef struct polygons {
  int n;
  OGRGeometryH *geometry; /* in the grid's CRS */
  double *id;             /* burn value per geometry */
} polygons;

static void polygons_free(polygons *p) {
  for (int k = 0; k < p->n; k++) OGR_G_DestroyGeometry(p->geometry[k]);
  free(p->geometry);
  free(p->id);
}

/* One feature: its id (field `id`, else its position + 1) and, when adding to the table,
 * its jurisdiction entry. */
static wc_status feature_jurisdiction(OGRFeatureH feature, OGRFeatureDefnH defn, int index,
                                      const char *path, wc_basin *basin, bool add_to_table,
                                      int32_t *id) {
  int f_name = OGR_FD_GetFieldIndex(defn, "name"), f_id = OGR_FD_GetFieldIndex(defn, "id");
  int f_level = OGR_FD_GetFieldIndex(defn, "level");
  int f_parent = OGR_FD_GetFieldIndex(defn, "parent_id");
  if (f_parent < 0) f_parent = OGR_FD_GetFieldIndex(defn, "parent");
  *id = index + 1;
  if (f_id >= 0 && OGR_F_IsFieldSetAndNotNull(feature, f_id)) *id = OGR_F_GetFieldAsInteger(feature, f_id);
  if (!add_to_table) {
    WC_CHECK(f_id >= 0, WC_ERR_INPUT,
             "%s: with --jurisdiction-table the polygons need an integer attribute 'id' naming "
             "a row of the table",
             path);
    WC_CHECK(wc_basin_find_jurisdiction(basin, *id) >= 0, WC_ERR_INPUT,
             "%s: feature %d has id %d, which the jurisdiction table does not list", path, index + 1,
             (int)*id);
    return WC_OK;
  }
  WC_CHECK(f_name >= 0, WC_ERR_INPUT,
           "%s: the polygons have no attribute 'name'; each jurisdiction needs one", path);
  wc_jurisdiction j = {*id, (char *)OGR_F_GetFieldAsString(feature, f_name),
                       WC_JURISDICTION_COUNTY, -1};
  if (f_level >= 0 && OGR_F_IsFieldSetAndNotNull(feature, f_level)) {
    const char *level = OGR_F_GetFieldAsString(feature, f_level);
    WC_CHECK(wc_jurisdiction_level_parse(level, &j.level), WC_ERR_INPUT,
             "%s: feature %d ('%s') has level '%s'; levels are province, prefecture, county",
             path, index + 1, j.name, level);
  }
  if (f_parent >= 0 && OGR_F_IsFieldSetAndNotNull(feature, f_parent))
    j.parent_id = OGR_F_GetFieldAsInteger(feature, f_parent);
  wc_status status = wc_basin_add_jurisdiction(basin, &j);
  if (status != WC_OK) wc_basin_error_prefix(status, "%s: feature %d", path, index + 1);
  return status;
}

static wc_status collect(OGRLayerH layer, const char *path, wc_basin *basin,
                         OGRSpatialReferenceH grid_srs, bool add_to_table, polygons *p) {
  OGRSpatialReferenceH layer_srs = OGR_L_GetSpatialRef(layer);
  OGRCoordinateTransformationH transform = NULL;
  if (layer_srs != NULL && grid_srs != NULL && !OSRIsSame(layer_srs, grid_srs)) {
    OGRSpatialReferenceH source = OSRClone(layer_srs);
    OSRSetAxisMappingStrategy(source, OAMS_TRADITIONAL_GIS_ORDER);
    transform = OCTNewCoordinateTransformation(source, grid_srs);
    OSRDestroySpatialReference(source);
    WC_CHECK(transform != NULL, WC_ERR_INPUT, "%s: cannot transform its CRS to the basin's: %s",
             path, wc_import_gdal_message("no transformation"));
  }
  GIntBig count = OGR_L_GetFeatureCount(layer, TRUE);
  wc_status status = WC_OK;
  p->geometry = calloc(count > 0 ? (size_t)count : 1, sizeof *p->geometry);
  p->id = calloc(count > 0 ? (size_t)count : 1, sizeof *p->id);
  if (p->geometry == NULL || p->id == NULL)
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for %lld polygons",
                          (long long)count);
  OGR_L_ResetReading(layer);
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
  OGRFeatureH feature = NULL;
  for (int index = 0; status == WC_OK && index < count &&
                      (feature = OGR_L_GetNextFeature(layer)) != NULL;
       index++) {
    OGRGeometryH geometry = OGR_F_GetGeometryRef(feature);
    OGRwkbGeometryType type = geometry ? wkbFlatten(OGR_G_GetGeometryType(geometry)) : wkbNone;
    int32_t id = -1;
    if (type != wkbPolygon && type != wkbMultiPolygon)
      status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                            "%s: feature %d is a %s, not a polygon", path, index + 1,
                            geometry ? OGRGeometryTypeToName(type) : "feature without geometry");
    if (status == WC_OK)
      status = feature_jurisdiction(feature, defn, index, path, basin, add_to_table, &id);
    if (status == WC_OK) {
      OGRGeometryH copy = OGR_G_Clone(geometry);
      if (transform != NULL && OGR_G_Transform(copy, transform) != OGRERR_NONE) {
        OGR_G_DestroyGeometry(copy);
        status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                              "%s: feature %d cannot be transformed to the basin's CRS", path,
                              index + 1);
      } else {
        p->geometry[p->n] = copy;
        p->id[p->n++] = id;
      }
    }
    OGR_F_Destroy(feature);
  }
  if (transform != NULL) OCTDestroyCoordinateTransformation(transform);
  return status;
}

wc_status wc_import_rasterize_jurisdictions(const char *path, wc_basin *basin,
                                            OGRSpatialReferenceH grid_srs, bool add_to_table,
                                            int32_t *ids) {
  CPLErrorReset();
  GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  WC_CHECK(ds != NULL, WC_ERR_INPUT, "%s: GDAL cannot read the polygons: %s", path,
           wc_import_gdal_message("unknown format"));
  polygons p = {0, NULL, NULL};
  wc_status status = collect(GDALDatasetGetLayer(ds, 0), path, basin, grid_srs, add_to_table, &p);
  const wc_grid *g = &basin->grid;
  GDALDatasetH mem = NULL;
  if (status == WC_OK) {
    mem = GDALCreate(GDALGetDriverByName("MEM"), "", g->cols, g->rows, 1, GDT_Int32, NULL);
    if (mem == NULL)
      status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__,
                            "cannot create a %d x %d raster for the jurisdictions: %s",
                            (int)g->rows, (int)g->cols, wc_import_gdal_message("no memory"));
  }
  if (status == WC_OK) {
    double gt[6] = {g->x_left_m, g->cell_size_m, 0.0, g->y_top_m, 0.0, -g->cell_size_m};
    GDALSetGeoTransform(mem, gt);
    GDALFillRaster(GDALGetRasterBand(mem, 1), -1.0, 0.0);
    int band = 1;
    /* Default rule: a cell belongs to the polygon containing its centre. */
    if (GDALRasterizeGeometries(mem, 1, &band, p.n, p.geometry, NULL, NULL, p.id, NULL, NULL,
                                NULL) != CE_None ||
        GDALRasterIO(GDALGetRasterBand(mem, 1), GF_Read, 0, 0, g->cols, g->rows, ids, g->cols,
                     g->rows, GDT_Int32, 0, 0) != CE_None)
      status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__, "%s: rasterising failed: %s", path,
                            wc_import_gdal_message("unknown reason"));
  }
  for (int32_t i = 0; status == WC_OK && i < wc_grid_cell_count(g); i++)
    if (!wc_basin_is_cell(basin, i)) ids[i] = -1;
  if (mem != NULL) GDALClose(mem);
  polygons_free(&p);
  GDALClose(ds);
  return status;
}
