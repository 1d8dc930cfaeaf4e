/* wc_utm.c — Krüger/Karney transverse Mercator for WGS84 UTM zones (see wc_utm.h). */
#include "wc_utm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* WGS84 ellipsoid and the UTM constants. */
static const double WGS84_A_M = 6378137.0;
static const double WGS84_INV_F = 298.257223563;
static const double UTM_K0 = 0.9996;
static const double UTM_FALSE_EASTING_M = 500000.0;
static const double UTM_FALSE_NORTHING_SOUTH_M = 10000000.0;
static const double DEG = 3.14159265358979323846 / 180.0;

/* The series order; Karney's eqs. 35-36 give the coefficients to n^6. */
enum { ORDER = 6 };

typedef struct tm_constants {
  double e;               /* first eccentricity */
  double e2;              /* e^2 */
  double rectifying_a_m;  /* A: radius of the rectifying sphere (Karney eq. 14) */
  double alpha[ORDER + 1];/* forward series, alpha[1..6] */
  double beta[ORDER + 1]; /* inverse series, beta[1..6] */
} tm_constants;

/* The constants depend only on the ellipsoid. They are recomputed on every call (a few
 * dozen flops) rather than cached in a static, which would need thread-safe
 * initialisation for no measurable gain. */
static void tm_constants_get(tm_constants *c) {
  double f = 1.0 / WGS84_INV_F;
  double n = f / (2.0 - f);
  double n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n;
  c->e2 = f * (2.0 - f);
  c->e = sqrt(c->e2);
  c->rectifying_a_m = WGS84_A_M / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0 + n6 / 256.0);
  c->alpha[0] = 0.0;
  c->alpha[1] = n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0 -
                127.0 * n5 / 288.0 + 7891.0 * n6 / 37800.0;
  c->alpha[2] = 13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0 +
                281.0 * n5 / 630.0 - 1983433.0 * n6 / 1935360.0;
  c->alpha[3] = 61.0 * n3 / 240.0 - 103.0 * n4 / 140.0 + 15061.0 * n5 / 26880.0 +
                167603.0 * n6 / 181440.0;
  c->alpha[4] = 49561.0 * n4 / 161280.0 - 179.0 * n5 / 168.0 + 6601661.0 * n6 / 7257600.0;
  c->alpha[5] = 34729.0 * n5 / 80640.0 - 3418889.0 * n6 / 1995840.0;
  c->alpha[6] = 212378941.0 * n6 / 319334400.0;
  c->beta[0] = 0.0;
  c->beta[1] = n / 2.0 - 2.0 * n2 / 3.0 + 37.0 * n3 / 96.0 - n4 / 360.0 - 81.0 * n5 / 512.0 +
               96199.0 * n6 / 604800.0;
  c->beta[2] = n2 / 48.0 + n3 / 15.0 - 437.0 * n4 / 1440.0 + 46.0 * n5 / 105.0 -
               1118711.0 * n6 / 3870720.0;
  c->beta[3] = 17.0 * n3 / 480.0 - 37.0 * n4 / 840.0 - 209.0 * n5 / 4480.0 +
               5569.0 * n6 / 90720.0;
  c->beta[4] = 4397.0 * n4 / 161280.0 - 11.0 * n5 / 504.0 - 830251.0 * n6 / 7257600.0;
  c->beta[5] = 4583.0 * n5 / 161280.0 - 108847.0 * n6 / 3991680.0;
  c->beta[6] = 20648693.0 * n6 / 638668800.0;
}

/* tan(conformal latitude) from tan(geodetic latitude) (Karney eqs. 7-9). */
static double conformal_tan(const tm_constants *c, double tau) {
  double sigma = sinh(c->e * atanh(c->e * tau / hypot(1.0, tau)));
  return tau * hypot(1.0, sigma) - sigma * hypot(1.0, tau);
}

/* Inverse of conformal_tan by Newton's method (Karney eqs. 19-21); converges in 2-3
 * iterations for any latitude that UTM uses. */
static double geodetic_tan(const tm_constants *c, double tau_prime) {
  double tau = tau_prime;
  for (int i = 0; i < 10; i++) {
    double tp = conformal_tan(c, tau);
    double dtau = (tau_prime - tp) / hypot(1.0, tp) * (1.0 + (1.0 - c->e2) * tau * tau) /
                  ((1.0 - c->e2) * hypot(1.0, tau));
    tau += dtau;
    if (fabs(dtau) <= 1e-14 * fmax(1.0, fabs(tau))) break;
  }
  return tau;
}

int wc_utm_zone_of(double lon_deg) {
  double l = fmod(lon_deg + 180.0, 360.0);
  if (l < 0.0) l += 360.0;
  int zone = (int)floor(l / 6.0) + 1;
  return zone > 60 ? 60 : zone;
}

double wc_utm_central_meridian_deg(int zone) { return -183.0 + 6.0 * zone; }

static wc_status check_zone(int zone) {
  WC_CHECK(zone >= 1 && zone <= 60, WC_ERR_INPUT,
           "UTM zone %d does not exist; zones are numbered 1 to 60", zone);
  return WC_OK;
}

/* Longitude difference from the central meridian, wrapped to (-180, 180]. */
static double offset_from_meridian_deg(int zone, double lon_deg) {
  double d = fmod(lon_deg - wc_utm_central_meridian_deg(zone), 360.0);
  if (d > 180.0) d -= 360.0;
  if (d <= -180.0) d += 360.0;
  return d;
}

static wc_status check_geographic(int zone, double lon_deg, double lat_deg) {
  WC_CALL(check_zone(zone));
  WC_CHECK(isfinite(lon_deg) && isfinite(lat_deg), WC_ERR_INPUT,
           "coordinate (lon %g, lat %g) is not a finite number", lon_deg, lat_deg);
  WC_CHECK(fabs(lat_deg) <= 84.0 && fabs(lon_deg) <= 180.0, WC_ERR_INPUT,
           "coordinate (lon %g, lat %g) is out of range; UTM needs -180 <= lon <= 180 and "
           "-84 <= lat <= 84 (degrees)",
           lon_deg, lat_deg);
  double d = offset_from_meridian_deg(zone, lon_deg);
  WC_CHECK(fabs(d) <= WC_UTM_MAX_OFFSET_DEG, WC_ERR_INPUT,
           "longitude %g is %.2f degrees from the central meridian (%g) of UTM zone %d; at "
           "most %g degrees is supported: use the zone of the data (zone %d)",
           lon_deg, d, wc_utm_central_meridian_deg(zone), zone, WC_UTM_MAX_OFFSET_DEG,
           wc_utm_zone_of(lon_deg));
  return WC_OK;
}

/* Forward projection on the unit of A, returning xi, eta and, when asked, the scale. */
static void tm_forward(const tm_constants *c, double dlon_rad, double lat_rad, double *xi,
                       double *eta, double *k_rel) {
  double tau = tan(lat_rad);
  double tau_p = conformal_tan(c, tau);
  double xi_p = atan2(tau_p, cos(dlon_rad));
  double eta_p = asinh(sin(dlon_rad) / hypot(tau_p, cos(dlon_rad)));
  double x = xi_p, y = eta_p;
  /* p and q accumulate the derivative (Karney eq. 11) for the point scale. */
  double p = 1.0, q = 0.0;
  for (int j = 1; j <= ORDER; j++) {
    double s = sin(2.0 * j * xi_p), co = cos(2.0 * j * xi_p);
    double sh = sinh(2.0 * j * eta_p), ch = cosh(2.0 * j * eta_p);
    x += c->alpha[j] * s * ch;
    y += c->alpha[j] * co * sh;
    p += 2.0 * j * c->alpha[j] * co * ch;
    q += 2.0 * j * c->alpha[j] * s * sh;
  }
  *xi = x;
  *eta = y;
  if (k_rel) {
    /* Karney eq. 25: k/k0 = (A/a) sqrt(1 - e^2 sin^2 phi) sqrt(1 + tan^2 phi)
     *                      * sqrt(p^2 + q^2) / sqrt(tau'^2 + cos^2 lambda). */
    double sinphi = sin(lat_rad);
    *k_rel = c->rectifying_a_m / WGS84_A_M * sqrt(1.0 - c->e2 * sinphi * sinphi) *
             hypot(1.0, tau) * hypot(p, q) / hypot(tau_p, cos(dlon_rad));
  }
}

wc_status wc_utm_forward(int zone, bool north, double lon_deg, double lat_deg, double *x_m,
                         double *y_m) {
  WC_CALL(check_geographic(zone, lon_deg, lat_deg));
  tm_constants c;
  tm_constants_get(&c);
  double xi, eta;
  tm_forward(&c, offset_from_meridian_deg(zone, lon_deg) * DEG, lat_deg * DEG, &xi, &eta,
             NULL);
  *x_m = UTM_FALSE_EASTING_M + UTM_K0 * c.rectifying_a_m * eta;
  *y_m = UTM_K0 * c.rectifying_a_m * xi + (north ? 0.0 : UTM_FALSE_NORTHING_SOUTH_M);
  return WC_OK;
}

wc_status wc_utm_scale_factor(int zone, bool north, double lon_deg, double lat_deg,
                              double *k) {
  (void)north; /* the scale does not depend on the false northing */
  WC_CALL(check_geographic(zone, lon_deg, lat_deg));
  tm_constants c;
  tm_constants_get(&c);
  double xi, eta, k_rel;
  tm_forward(&c, offset_from_meridian_deg(zone, lon_deg) * DEG, lat_deg * DEG, &xi, &eta,
             &k_rel);
  *k = UTM_K0 * k_rel;
  return WC_OK;
}

wc_status wc_utm_inverse(int zone, bool north, double x_m, double y_m, double *lon_deg,
                         double *lat_deg) {
  WC_CALL(check_zone(zone));
  WC_CHECK(isfinite(x_m) && isfinite(y_m), WC_ERR_INPUT,
           "UTM coordinate (x %g, y %g m) is not a finite number", x_m, y_m);
  double dx = x_m - UTM_FALSE_EASTING_M;
  WC_CHECK(fabs(dx) <= 3.0e6, WC_ERR_INPUT,
           "easting %.1f m is %.0f km from the central meridian of UTM zone %d; at most "
           "3000 km is supported (is the zone right?)",
           x_m, dx / 1000.0, zone);
  tm_constants c;
  tm_constants_get(&c);
  double xi = (y_m - (north ? 0.0 : UTM_FALSE_NORTHING_SOUTH_M)) / (UTM_K0 * c.rectifying_a_m);
  double eta = dx / (UTM_K0 * c.rectifying_a_m);
  WC_CHECK(fabs(xi) <= 3.14159265358979323846 / 2.0, WC_ERR_INPUT,
           "northing %.1f m is beyond the pole in UTM zone %d%c", y_m, zone, north ? 'N' : 'S');
  double xi_p = xi, eta_p = eta;
  for (int j = 1; j <= ORDER; j++) {
    xi_p -= c.beta[j] * sin(2.0 * j * xi) * cosh(2.0 * j * eta);
    eta_p -= c.beta[j] * cos(2.0 * j * xi) * sinh(2.0 * j * eta);
  }
  double tau_p = sin(xi_p) / hypot(sinh(eta_p), cos(xi_p));
  double dlon = atan2(sinh(eta_p), cos(xi_p));
  double tau = geodetic_tan(&c, tau_p);
  *lat_deg = atan(tau) / DEG;
  double lon = wc_utm_central_meridian_deg(zone) + dlon / DEG;
  if (lon > 180.0) lon -= 360.0;
  if (lon <= -180.0) lon += 360.0;
  *lon_deg = lon;
  return WC_OK;
}

wc_status wc_utm_epsg_parse(const char *crs, int *zone, bool *north) {
  WC_CHECK(crs != NULL, WC_ERR_INTERNAL, "CRS name is NULL");
  const char *digits = NULL;
  if (strncmp(crs, "EPSG:", 5) == 0 || strncmp(crs, "epsg:", 5) == 0) digits = crs + 5;
  char *end = NULL;
  long code = digits ? strtol(digits, &end, 10) : 0;
  bool ok = digits && end != digits && *end == '\0' &&
            ((code >= 32601 && code <= 32660) || (code >= 32701 && code <= 32760));
  WC_CHECK(ok, WC_ERR_INPUT,
           "CRS '%s' is not a WGS 84 UTM zone; expected EPSG:326ZZ (north) or EPSG:327ZZ "
           "(south), e.g. EPSG:32650 for the built-in basins",
           crs);
  *north = code < 32700;
  *zone = (int)(code % 100);
  return WC_OK;
}

int wc_utm_epsg_code(int zone, bool north) { return (north ? 32600 : 32700) + zone; }

wc_status wc_utm_wkt(int zone, bool north, char *buffer, size_t size) {
  WC_CALL(check_zone(zone));
  WC_CHECK(buffer != NULL && size >= WC_UTM_WKT_MAX, WC_ERR_INPUT,
           "WKT buffer of %zu bytes is too small; give at least %d", size, (int)WC_UTM_WKT_MAX);
  /* %.15g prints the central meridian as GDAL does ("117", "-3"). */
  int n = snprintf(
      buffer, size,
      "PROJCS[\"WGS 84 / UTM zone %d%c\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\","
      "SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],"
      "AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],"
      "UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],"
      "AUTHORITY[\"EPSG\",\"4326\"]],PROJECTION[\"Transverse_Mercator\"],"
      "PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",%.15g],"
      "PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],"
      "PARAMETER[\"false_northing\",%d],UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],"
      "AXIS[\"Easting\",EAST],AXIS[\"Northing\",NORTH],AUTHORITY[\"EPSG\",\"%d\"]]",
      zone, north ? 'N' : 'S', wc_utm_central_meridian_deg(zone), north ? 0 : 10000000,
      wc_utm_epsg_code(zone, north));
  WC_CHECK(n > 0 && (size_t)n < size, WC_ERR_INTERNAL, "WKT of UTM zone %d truncated", zone);
  return WC_OK;
}
