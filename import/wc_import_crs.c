/* wc_import_crs.c — coordinate reference systems through GDAL's OSR (PROJ). */
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>

#include "wc_import.h"

int32_t wc_import_crs_epsg(OGRSpatialReferenceH srs) {
  if (srs == NULL) return 0;
  const char *root = OSRIsProjected(srs) ? "PROJCS" : OSRIsGeographic(srs) ? "GEOGCS" : NULL;
  const char *authority = OSRGetAuthorityName(srs, root);
  const char *code = OSRGetAuthorityCode(srs, root);
  if (authority != NULL && code != NULL && strcmp(authority, "EPSG") == 0) return atoi(code);
  /* An ESRI .prj (beside an ASCII grid) carries no code: ask PROJ for a confident match. */
  int count = 0;
  int *confidence = NULL;
  OGRSpatialReferenceH *matches = OSRFindMatches(srs, NULL, &count, &confidence);
  int32_t epsg = 0;
  if (matches != NULL && count > 0 && confidence[0] >= 90) {
    const char *match_authority = OSRGetAuthorityName(matches[0], NULL);
    const char *match_code = OSRGetAuthorityCode(matches[0], NULL);
    if (match_authority != NULL && match_code != NULL && strcmp(match_authority, "EPSG") == 0)
      epsg = atoi(match_code);
  }
  OSRFreeSRSArray(matches);
  CPLFree(confidence);
  CPLErrorReset();
  return epsg;
}

wc_status wc_import_crs_from_epsg(int32_t epsg, OGRSpatialReferenceH *srs) {
  *srs = OSRNewSpatialReference(NULL);
  WC_CHECK(*srs != NULL, WC_ERR_MEMORY, "out of memory for a CRS");
  if (OSRImportFromEPSG(*srs, epsg) != OGRERR_NONE) {
    OSRDestroySpatialReference(*srs);
    *srs = NULL;
    WC_FAIL(WC_ERR_INPUT, "EPSG:%d is not a CRS that PROJ knows: %s", (int)epsg,
            wc_import_gdal_message("unknown code"));
  }
  /* x = easting / longitude first, whatever the authority's axis order. */
  OSRSetAxisMappingStrategy(*srs, OAMS_TRADITIONAL_GIS_ORDER);
  return WC_OK;
}

wc_status wc_import_crs_check_projected(OGRSpatialReferenceH srs, const char *what) {
  WC_CHECK(srs != NULL, WC_ERR_INTERNAL, "wc_import_crs_check_projected: NULL CRS");
  const char *name = OSRGetName(srs);
  WC_CHECK(OSRIsProjected(srs), WC_ERR_INPUT,
           "%s is in %s, which is not a projected CRS; wcsim needs coordinates in metres (for "
           "example UTM: --epsg 32650 for 114-120 E)",
           what, name ? name : "an unnamed CRS");
  char *units = NULL;
  double to_metre = OSRGetLinearUnits(srs, &units);
  WC_CHECK(to_metre > 0.999999 && to_metre < 1.000001, WC_ERR_INPUT,
           "%s is in %s, whose unit is %s (%g m); wcsim needs metres: reproject it with --epsg",
           what, name ? name : "an unnamed CRS", units ? units : "unknown", to_metre);
  return WC_OK;
}

wc_status wc_import_crs_wkt(OGRSpatialReferenceH srs, char **wkt) {
  *wkt = NULL;
  char *text = NULL;
  const char *const wkt_options[] = {"FORMAT=WKT2_2019", "MULTILINE=NO", NULL};
  if (OSRExportToWktEx(srs, &text, wkt_options) != OGRERR_NONE || text == NULL) {
    CPLFree(text);
    WC_FAIL(WC_ERR_INPUT, "cannot write the CRS as WKT: %s", wc_import_gdal_message("no reason"));
  }
  *wkt = strdup(text);
  CPLFree(text);
  WC_CHECK(*wkt != NULL, WC_ERR_MEMORY, "out of memory for a WKT string");
  return WC_OK;
}

wc_status wc_import_lonlat_to_xy(OGRSpatialReferenceH srs, double lon, double lat, double *x_m,
                                 double *y_m) {
  OGRSpatialReferenceH wgs84 = NULL;
  WC_CALL(wc_import_crs_from_epsg(4326, &wgs84));
  OGRCoordinateTransformationH transform = OCTNewCoordinateTransformation(wgs84, srs);
  OSRDestroySpatialReference(wgs84);
  WC_CHECK(transform != NULL, WC_ERR_INPUT,
           "cannot transform longitude/latitude to the basin's CRS: %s",
           wc_import_gdal_message("no transformation"));
  double x = lon, y = lat;
  int ok = OCTTransform(transform, 1, &x, &y, NULL);
  OCTDestroyCoordinateTransformation(transform);
  WC_CHECK(ok, WC_ERR_INPUT,
           "longitude %g, latitude %g cannot be transformed to the basin's CRS (outside its "
           "area of use?)",
           lon, lat);
  *x_m = x;
  *y_m = y;
  return WC_OK;
}
