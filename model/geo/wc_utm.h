/*
 * wc_utm.h — WGS84 longitude/latitude <-> UTM, our own transverse Mercator.
 *
 * The series are Krüger's, to sixth order in the third flattening n, as given by Karney
 * (2011, "Transverse Mercator with an accuracy of a few nanometers", J. Geodesy 85:475),
 * the method behind GeographicLib and PROJ's default "etmerc". Within 15 degrees of the
 * central meridian the truncation error is far below a millimetre; the tests compare with
 * PROJ (gdaltransform) at the basins' corners to 1 mm.
 *
 * Why our own: wcsim_model is plain C + libm (no PROJ/GDAL in the simulator binary), and the
 * built-in basins need only one projection: UTM zone 50N (EPSG:32650), central meridian
 * 117 E. The Yongding's west end (112.2 E) lies 4.8 degrees off that meridian, outside the
 * nominal 6-degree zone; the projection is still exact there, only the scale factor grows
 * (about 1.0017, +0.35% in area), which the area checks accept.
 *
 * Coordinates: longitude and latitude in decimal degrees (east and north positive);
 * easting x and northing y in metres, with the UTM false easting 500 km and, in the
 * southern hemisphere, the false northing 10,000 km.
 */
#ifndef WC_UTM_H
#define WC_UTM_H

#include <stdbool.h>
#include <stddef.h>

#include "wc_status.h"

/* Largest distance from the zone's central meridian accepted, in degrees. */
#define WC_UTM_MAX_OFFSET_DEG 15.0

/* The UTM zone (1..60) whose 6-degree band holds `lon_deg` (no Norway/Svalbard exceptions). */
int wc_utm_zone_of(double lon_deg);

/* Central meridian of a zone, degrees east. */
double wc_utm_central_meridian_deg(int zone);

/* Project a point. WC_ERR_INPUT for a zone outside 1..60, a non-finite or out-of-range
 * coordinate (|lat| > 84, |lon| > 180) or a point more than WC_UTM_MAX_OFFSET_DEG from the
 * central meridian. */
WC_NODISCARD wc_status wc_utm_forward(int zone, bool north, double lon_deg, double lat_deg,
                                      double *x_m, double *y_m);

/* Inverse projection; same zone rules. WC_ERR_INPUT for non-finite input or a point so far
 * from the zone that it has no meaning there (more than 3,000 km east or west of the
 * central meridian). */
WC_NODISCARD wc_status wc_utm_inverse(int zone, bool north, double x_m, double y_m,
                                      double *lon_deg, double *lat_deg);

/* Point scale factor k at a geographic point (1 = true length; 0.9996 on the central
 * meridian). Areas in the projection are larger than on the ellipsoid by about k^2. */
WC_NODISCARD wc_status wc_utm_scale_factor(int zone, bool north, double lon_deg,
                                           double lat_deg, double *k);

/* Parse a CRS name "EPSG:326ZZ" (WGS 84 / UTM zone ZZ N) or "EPSG:327ZZ" (ZZ S). */
WC_NODISCARD wc_status wc_utm_epsg_parse(const char *crs, int *zone, bool *north);

/* The EPSG code of a WGS 84 UTM zone, e.g. 32650 for zone 50 north. */
int wc_utm_epsg_code(int zone, bool north);

/* Write the OGC WKT1 definition of "WGS 84 / UTM zone ZZN" (or S) into `buffer`, on one
 * line: exactly what `gdalsrsinfo -o wkt1 EPSG:326ZZ` prints, without the line breaks and
 * indentation, so a GeoTIFF or .prj written from it is recognised as the EPSG code.
 * WC_ERR_INPUT for a bad zone or a buffer smaller than WC_UTM_WKT_MAX bytes. */
WC_NODISCARD wc_status wc_utm_wkt(int zone, bool north, char *buffer, size_t size);

enum { WC_UTM_WKT_MAX = 1024 };

#endif /* WC_UTM_H */
