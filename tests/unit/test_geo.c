/*
 * test_geo.c — basin geography: UTM against PROJ, polygon tools against exact answers,
 * the built-in .geo files against the published catchment areas, and file:line errors.
 *
 * Reference numbers were produced once with PROJ (GDAL 3.6.2 / PROJ on Debian 12) and are
 * hard-coded; the command is beside each table.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_geo.h"
#include "wc_polygon.h"
#include "wc_test.h"
#include "wc_utm.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#ifndef M_SQRT1_2
#define M_SQRT1_2 0.70710678118654752440
#endif

/* Published catchment areas (DOMAIN.md and the sources in the .geo files), km^2. */
static const double MIYUN_CATCHMENT_KM2 = 15788.0;   /* ILEC World Lake Database, BJFS */
static const double GUANTING_CONTROLLED_KM2 = 43402.0; /* zh.wikipedia / Guanting office */
static const double YONGDING_SYSTEM_KM2 = 47016.0;   /* Haihe Commission, whole system */
static const double AREA_TOLERANCE = 0.10;           /* the Basins issue: within 10% */

/* ======================================================================================
 * UTM
 * ====================================================================================== */

typedef struct utm_reference {
  double lon, lat, x, y;
  int zone;
  bool north;
} utm_reference;

/* printf "116.98 40.48\n..." | gdaltransform -s_srs EPSG:4326 -t_srs EPSG:32650 -output_xy
 * (and -t_srs EPSG:32750 for the southern point), printed to 0.1 mm. */
static const utm_reference UTM_REFERENCES[] = {
    {116.98, 40.48, 498304.8197, 4481034.9310, 50, true},  /* Miyun Reservoir */
    {115.60, 40.24, 380913.8645, 4455335.3862, 50, true},  /* Guanting dam */
    {112.20, 39.00, 84257.7086, 4327750.2115, 50, true},   /* Ningwu, 4.8 deg off CM */
    {117.60, 41.80, 549845.9701, 4627744.8057, 50, true},  /* NE corner of the basins */
    {112.15, 41.40, 94522.2344, 4594526.0542, 50, true},   /* NW corner */
    {117.13, 39.22, 511221.9869, 4341198.7313, 50, true},  /* Qujiadian */
    {117.00, 0.00, 500000.0000, 0.0000, 50, true},         /* origin of the zone */
    {114.88, 40.77, 321080.3207, 4515387.5008, 50, true},  /* Zhangjiakou */
    {120.00, -30.00, 789409.6532, 6677424.0956, 50, false}, /* southern hemisphere */
};

static void test_utm_forward_matches_proj(void) {
  for (size_t i = 0; i < sizeof UTM_REFERENCES / sizeof *UTM_REFERENCES; i++) {
    const utm_reference *r = &UTM_REFERENCES[i];
    double x, y;
    CU_ASSERT_EQUAL_FATAL(wc_utm_forward(r->zone, r->north, r->lon, r->lat, &x, &y), WC_OK);
    /* The issue asks for well under 1 m; the series are good to far less. */
    CU_ASSERT(fabs(x - r->x) < 1e-3);
    CU_ASSERT(fabs(y - r->y) < 1e-3);
  }
}

/* echo "500000 4500000" | gdaltransform -s_srs EPSG:32650 -t_srs EPSG:4326 -output_xy
 * echo "300000 4400000" | ... */
static void test_utm_inverse_matches_proj(void) {
  const struct {
    double x, y, lon, lat;
  } refs[] = {{500000.0, 4500000.0, 117.0000000000, 40.6508565156},
              {300000.0, 4400000.0, 114.6663793162, 39.7264458431}};
  for (size_t i = 0; i < 2; i++) {
    double lon, lat;
    CU_ASSERT_EQUAL_FATAL(wc_utm_inverse(50, true, refs[i].x, refs[i].y, &lon, &lat), WC_OK);
    CU_ASSERT(fabs(lon - refs[i].lon) < 1e-9); /* 1e-9 deg ~ 0.1 mm */
    CU_ASSERT(fabs(lat - refs[i].lat) < 1e-9);
  }
  for (size_t i = 0; i < sizeof UTM_REFERENCES / sizeof *UTM_REFERENCES; i++) {
    const utm_reference *r = &UTM_REFERENCES[i];
    double lon, lat;
    CU_ASSERT_EQUAL_FATAL(wc_utm_inverse(r->zone, r->north, r->x, r->y, &lon, &lat), WC_OK);
    CU_ASSERT(fabs(lon - r->lon) < 1e-8);
    CU_ASSERT(fabs(lat - r->lat) < 1e-8);
  }
}

static void test_utm_round_trip(void) {
  /* Over the basins and well beyond (up to 6 degrees off the central meridian). */
  double worst_m = 0.0;
  for (double lon = 111.0; lon <= 123.0; lon += 0.37) {
    for (double lat = 36.0; lat <= 44.0; lat += 0.29) {
      double x, y, lon2, lat2;
      CU_ASSERT_EQUAL_FATAL(wc_utm_forward(50, true, lon, lat, &x, &y), WC_OK);
      CU_ASSERT_EQUAL_FATAL(wc_utm_inverse(50, true, x, y, &lon2, &lat2), WC_OK);
      double err_m = hypot((lon2 - lon) * 111320.0 * cos(lat * M_PI / 180.0), (lat2 - lat) * 110574.0);
      worst_m = fmax(worst_m, err_m);
    }
  }
  CU_ASSERT(worst_m < 1e-6);
}

/* echo "112.2 39.0" | proj -V +proj=utm +zone=50 +datum=WGS84: "Parallel scale (k) :
 * 1.00172893"; on the central meridian k = 0.9996. Also checked against the ratio of a
 * short projected east-west step to its length on the ellipsoid's parallel, N cos(phi)
 * dlambda, which holds for any conformal projection. */
static void test_utm_scale_factor(void) {
  double k;
  CU_ASSERT_EQUAL_FATAL(wc_utm_scale_factor(50, true, 112.2, 39.0, &k), WC_OK);
  CU_ASSERT(fabs(k - 1.00172893) < 5e-9);
  CU_ASSERT_EQUAL_FATAL(wc_utm_scale_factor(50, true, 117.0, 40.0, &k), WC_OK);
  CU_ASSERT(fabs(k - 0.9996) < 1e-12);
  const double a = 6378137.0, f = 1.0 / 298.257223563, e2 = f * (2.0 - f);
  double lon = 114.5, lat = 40.3, dl = 1e-5;
  double x0, y0, x1, y1;
  CU_ASSERT_EQUAL_FATAL(wc_utm_forward(50, true, lon, lat, &x0, &y0), WC_OK);
  CU_ASSERT_EQUAL_FATAL(wc_utm_forward(50, true, lon + dl, lat, &x1, &y1), WC_OK);
  double phi = lat * M_PI / 180.0;
  double arc = a / sqrt(1.0 - e2 * sin(phi) * sin(phi)) * cos(phi) * dl * M_PI / 180.0;
  CU_ASSERT_EQUAL_FATAL(wc_utm_scale_factor(50, true, lon + dl / 2, lat, &k), WC_OK);
  CU_ASSERT(fabs(hypot(x1 - x0, y1 - y0) / arc - k) < 1e-8);
}

static void test_utm_zones_and_epsg(void) {
  CU_ASSERT_EQUAL(wc_utm_zone_of(116.98), 50);
  CU_ASSERT_EQUAL(wc_utm_zone_of(112.2), 49);
  CU_ASSERT_EQUAL(wc_utm_zone_of(-180.0), 1);
  CU_ASSERT_EQUAL(wc_utm_zone_of(179.99), 60);
  CU_ASSERT_DOUBLE_EQUAL(wc_utm_central_meridian_deg(50), 117.0, 0.0);
  int zone = 0;
  bool north = false;
  CU_ASSERT_EQUAL(wc_utm_epsg_parse("EPSG:32650", &zone, &north), WC_OK);
  CU_ASSERT(zone == 50 && north);
  CU_ASSERT_EQUAL(wc_utm_epsg_parse("EPSG:32750", &zone, &north), WC_OK);
  CU_ASSERT(zone == 50 && !north);
  CU_ASSERT_EQUAL(wc_utm_epsg_code(50, true), 32650);
  const char *bad[] = {"EPSG:4326", "EPSG:32661", "EPSG:32650x", "32650", "EPSG:"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    CU_ASSERT_EQUAL(wc_utm_epsg_parse(bad[i], &zone, &north), WC_ERR_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "EPSG:326ZZ"));
  }
}

/* gdalsrsinfo -o wkt1 EPSG:32650, joined into one line with the indentation removed. */
static void test_utm_wkt(void) {
  static const char expected[] =
      "PROJCS[\"WGS 84 / UTM zone 50N\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS "
      "84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],"
      "PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,"
      "AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4326\"]],PROJECTION[\"Transverse_"
      "Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",117],"
      "PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],PARAMETER["
      "\"false_northing\",0],UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],AXIS[\"Easting\","
      "EAST],AXIS[\"Northing\",NORTH],AUTHORITY[\"EPSG\",\"32650\"]]";
  char wkt[WC_UTM_WKT_MAX];
  CU_ASSERT_EQUAL_FATAL(wc_utm_wkt(50, true, wkt, sizeof wkt), WC_OK);
  CU_ASSERT_STRING_EQUAL(wkt, expected);
  /* gdalsrsinfo -o wkt1 EPSG:32750: the same with zone 50S, false northing 10000000. */
  CU_ASSERT_EQUAL_FATAL(wc_utm_wkt(50, false, wkt, sizeof wkt), WC_OK);
  CU_ASSERT_PTR_NOT_NULL(strstr(wkt, "\"WGS 84 / UTM zone 50S\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(wkt, "PARAMETER[\"false_northing\",10000000]"));
  CU_ASSERT_PTR_NOT_NULL(strstr(wkt, "AUTHORITY[\"EPSG\",\"32750\"]]"));
  CU_ASSERT_EQUAL(wc_utm_wkt(50, true, wkt, 10), WC_ERR_INPUT);
}

static void test_utm_rejects_bad_input(void) {
  double x, y;
  CU_ASSERT_EQUAL(wc_utm_forward(61, true, 117.0, 40.0, &x, &y), WC_ERR_INPUT);
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "zones are numbered 1 to 60"));
  CU_ASSERT_EQUAL(wc_utm_forward(50, true, 117.0, 85.0, &x, &y), WC_ERR_INPUT);
  CU_ASSERT_EQUAL(wc_utm_forward(50, true, NAN, 40.0, &x, &y), WC_ERR_INPUT);
  CU_ASSERT_EQUAL(wc_utm_forward(50, true, 90.0, 40.0, &x, &y), WC_ERR_INPUT);
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "use the zone of the data (zone 46)"));
  double lon, lat;
  CU_ASSERT_EQUAL(wc_utm_inverse(50, true, 9.0e6, 4.0e6, &lon, &lat), WC_ERR_INPUT);
}

/* ======================================================================================
 * Polygons and polylines
 * ====================================================================================== */

static void test_polygon_area(void) {
  /* 3 km x 2 km rectangle at UTM-sized coordinates, both orientations. */
  double rx[] = {500000, 503000, 503000, 500000}, ry[] = {4400000, 4400000, 4402000, 4402000};
  CU_ASSERT_DOUBLE_EQUAL(wc_polygon_signed_area_m2(rx, ry, 4), 6.0e6, 1e-6);
  double rx_cw[] = {500000, 500000, 503000, 503000}, ry_cw[] = {4400000, 4402000, 4402000, 4400000};
  CU_ASSERT_DOUBLE_EQUAL(wc_polygon_signed_area_m2(rx_cw, ry_cw, 4), -6.0e6, 1e-6);
  CU_ASSERT_DOUBLE_EQUAL(wc_polygon_area_m2(rx_cw, ry_cw, 4), 6.0e6, 1e-6);
  /* Right triangle with legs 4 and 3 km: 6 km^2; repeating the first vertex changes nothing. */
  double tx[] = {1000, 5000, 1000, 1000}, ty[] = {2000, 2000, 5000, 2000};
  CU_ASSERT_DOUBLE_EQUAL(wc_polygon_area_m2(tx, ty, 3), 6.0e6, 1e-6);
  CU_ASSERT_DOUBLE_EQUAL(wc_polygon_area_m2(tx, ty, 4), 6.0e6, 1e-6);
  /* Concave L shape: 3x3 square minus a 2x2 corner = 5. */
  double lx[] = {0, 3, 3, 1, 1, 0}, ly[] = {0, 0, 1, 1, 3, 3};
  CU_ASSERT_DOUBLE_EQUAL(wc_polygon_area_m2(lx, ly, 6), 5.0, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(wc_polygon_area_m2(lx, ly, 2), 0.0, 0.0);
}

static void test_polygon_contains(void) {
  double lx[] = {0, 3, 3, 1, 1, 0}, ly[] = {0, 0, 1, 1, 3, 3};
  CU_ASSERT_TRUE(wc_polygon_contains(lx, ly, 6, 0.5, 0.5));
  CU_ASSERT_TRUE(wc_polygon_contains(lx, ly, 6, 2.5, 0.5));
  CU_ASSERT_TRUE(wc_polygon_contains(lx, ly, 6, 0.5, 2.5));
  CU_ASSERT_FALSE(wc_polygon_contains(lx, ly, 6, 2.0, 2.0)); /* the notch */
  CU_ASSERT_FALSE(wc_polygon_contains(lx, ly, 6, -0.1, 0.5));
  CU_ASSERT_FALSE(wc_polygon_contains(lx, ly, 6, 0.5, 3.5));
  /* Two triangles sharing the diagonal of a square, listed in opposite directions: every
   * point of the square, on the diagonal and at the vertices included, is in exactly one
   * (the half-open rule), or in neither only on the square's outer edges. */
  double ax[] = {0, 10, 10}, ay[] = {0, 0, 10};
  double bx[] = {0, 10, 0}, by[] = {0, 10, 10};
  int both = 0, inner_missed = 0;
  for (int i = 0; i <= 40; i++) {
    for (int j = 0; j <= 40; j++) {
      double x = i * 0.25, y = j * 0.25;
      bool in_a = wc_polygon_contains(ax, ay, 3, x, y), in_b = wc_polygon_contains(bx, by, 3, x, y);
      both += in_a && in_b;
      if (i > 0 && i < 40 && j > 0 && j < 40) inner_missed += !in_a && !in_b;
    }
  }
  CU_ASSERT_EQUAL(both, 0);
  CU_ASSERT_EQUAL(inner_missed, 0);
}

static void test_polygon_rasterize(void) {
  /* 100 x 80 grid of 1 km cells. */
  wc_geo_grid grid = {.rows = 80, .cols = 100, .x_left_m = 400000, .y_top_m = 4480000, .cell_size_m = 1000};
  int32_t *ids = calloc(8000, sizeof *ids);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ids);
  /* Rectangle on cell edges: exactly 30 x 20 cells. */
  double rx[] = {410000, 440000, 440000, 410000}, ry[] = {4450000, 4450000, 4470000, 4470000};
  int64_t painted = 0;
  CU_ASSERT_EQUAL_FATAL(wc_polygon_rasterize(&grid, rx, ry, 4, 7, ids, &painted), WC_OK);
  CU_ASSERT_EQUAL(painted, 600);
  CU_ASSERT_EQUAL(ids[(4480000 - 4469500) / 1000 * 100 + 10], 7);   /* NW inner cell */
  CU_ASSERT_EQUAL(ids[(4480000 - 4469500) / 1000 * 100 + 9], 0);    /* just west */
  /* Every painted cell agrees with the point test at its centre, and vice versa, for a
   * rotated concave polygon. */
  double px[] = {405300, 470100, 492700, 451900, 440200, 418800};
  double py[] = {4412300, 4403900, 4460700, 4441100, 4475300, 4452200};
  for (int i = 0; i < 8000; i++) ids[i] = -1;
  CU_ASSERT_EQUAL_FATAL(wc_polygon_rasterize(&grid, px, py, 6, 1, ids, &painted), WC_OK);
  int disagree = 0;
  for (int32_t r = 0; r < grid.rows; r++)
    for (int32_t c = 0; c < grid.cols; c++) {
      double x, y;
      wc_geo_grid_cell_center(&grid, r, c, &x, &y);
      disagree += (ids[r * grid.cols + c] == 1) != wc_polygon_contains(px, py, 6, x, y);
    }
  CU_ASSERT_EQUAL(disagree, 0);
  double area_km2 = wc_polygon_area_m2(px, py, 6) / 1e6;
  CU_ASSERT(fabs(painted - area_km2) / area_km2 < 0.03);
  /* Tiles sharing a slanted edge paint each cell once and together equal their union. */
  double t1x[] = {405000, 495000, 405000}, t1y[] = {4401000, 4479000, 4479000};
  double t2x[] = {405000, 495000, 495000}, t2y[] = {4401000, 4401000, 4479000};
  double ux[] = {405000, 495000, 495000, 405000}, uy[] = {4401000, 4401000, 4479000, 4479000};
  int32_t *a = calloc(8000, sizeof *a), *b = calloc(8000, sizeof *b), *u = calloc(8000, sizeof *u);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a && b && u);
  CU_ASSERT_EQUAL(wc_polygon_rasterize(&grid, t1x, t1y, 3, 1, a, NULL), WC_OK);
  CU_ASSERT_EQUAL(wc_polygon_rasterize(&grid, t2x, t2y, 3, 1, b, NULL), WC_OK);
  CU_ASSERT_EQUAL(wc_polygon_rasterize(&grid, ux, uy, 4, 1, u, NULL), WC_OK);
  int overlap = 0, mismatch = 0;
  for (int i = 0; i < 8000; i++) {
    overlap += a[i] && b[i];
    mismatch += (a[i] || b[i]) != (u[i] != 0);
  }
  CU_ASSERT_EQUAL(overlap, 0);
  CU_ASSERT_EQUAL(mismatch, 0);
  free(a);
  free(b);
  free(u);
  CU_ASSERT_EQUAL(wc_polygon_rasterize(&grid, px, py, 2, 1, ids, NULL), WC_ERR_INPUT);
  free(ids);
}

static void test_polyline_distance(void) {
  double x[] = {0, 10, 10}, y[] = {0, 0, 10};
  double along;
  CU_ASSERT_DOUBLE_EQUAL(wc_polyline_length_m(x, y, 3), 20.0, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(wc_polyline_distance_m(x, y, 3, 5, 3, &along), 3.0, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(along, 5.0, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(wc_polyline_distance_m(x, y, 3, 12, 7, &along), 2.0, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(along, 17.0, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(wc_polyline_distance_m(x, y, 3, -3, -4, &along), 5.0, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(along, 0.0, 0.0);
  CU_ASSERT_DOUBLE_EQUAL(wc_polyline_distance_m(x, y, 1, 3, 4, NULL), 5.0, 1e-12);
  CU_ASSERT(isinf(wc_polyline_distance_m(x, y, 0, 3, 4, NULL)));
  double px, py;
  wc_polyline_point_at(x, y, 3, 13.0, &px, &py);
  CU_ASSERT(px == 10.0 && py == 3.0);
  wc_polyline_point_at(x, y, 3, 99.0, &px, &py);
  CU_ASSERT(px == 10.0 && py == 10.0);
}

/* Checks shared by the polyline raster tests: a D8 path (8-neighbours, no repeats) whose
 * cells the line really crosses (centre within half a cell diagonal of it). */
static void assert_d8_path(const wc_geo_grid *grid, const double *x, const double *y, size_t n,
                           const int32_t *cells, int32_t count) {
  CU_ASSERT_FATAL(count >= 1);
  for (int32_t i = 0; i < count; i++) {
    for (int32_t j = i + 1; j < count; j++) CU_ASSERT_NOT_EQUAL(cells[i], cells[j]);
    double cx, cy;
    wc_geo_grid_cell_center(grid, cells[i] / grid->cols, cells[i] % grid->cols, &cx, &cy);
    CU_ASSERT(wc_polyline_distance_m(x, y, n, cx, cy, NULL) <= grid->cell_size_m * M_SQRT1_2 + 1e-9);
    if (i == 0) continue;
    int dr = abs(cells[i] / grid->cols - cells[i - 1] / grid->cols);
    int dc = abs(cells[i] % grid->cols - cells[i - 1] % grid->cols);
    CU_ASSERT(dr <= 1 && dc <= 1 && dr + dc >= 1);
  }
  int32_t r, c;
  CU_ASSERT_TRUE(wc_geo_grid_cell_at(grid, x[0], y[0], &r, &c));
  CU_ASSERT_EQUAL(cells[0], r * grid->cols + c);
  CU_ASSERT_TRUE(wc_geo_grid_cell_at(grid, x[n - 1], y[n - 1], &r, &c));
  CU_ASSERT_EQUAL(cells[count - 1], r * grid->cols + c);
}

static void test_polyline_rasterize(void) {
  wc_geo_grid grid = {.rows = 50, .cols = 60, .x_left_m = 0, .y_top_m = 50000, .cell_size_m = 1000};
  /* A shallow diagonal and a bend: every step is a D8 step, corners are cut. */
  double x[] = {1500, 40200, 40200, 55300}, y[] = {48500, 31700, 12300, 2100};
  int32_t *cells = NULL, count = 0;
  CU_ASSERT_EQUAL_FATAL(wc_polyline_rasterize(&grid, x, y, 4, &cells, &count), WC_OK);
  assert_d8_path(&grid, x, y, 4, cells, count);
  /* A D8 path is no longer than the Chebyshev distances summed over the segments + 1. */
  CU_ASSERT(count <= 39 + 17 + 1 + 20 + 1 + 15 + 1);
  /* Cells holding a vertex are kept (so tributaries meet their receiving river). */
  for (int v = 0; v < 4; v++) {
    int32_t r, c, found = 0;
    CU_ASSERT_TRUE(wc_geo_grid_cell_at(&grid, x[v], y[v], &r, &c));
    for (int32_t i = 0; i < count; i++) found += cells[i] == r * grid.cols + c;
    CU_ASSERT_EQUAL(found, 1);
  }
  free(cells);
  /* A line that doubles back over itself: the loop is cut, the path stays simple. */
  double lx[] = {2500, 30500, 10500, 45500}, ly[] = {25500, 25500, 25500, 25500};
  CU_ASSERT_EQUAL_FATAL(wc_polyline_rasterize(&grid, lx, ly, 4, &cells, &count), WC_OK);
  assert_d8_path(&grid, lx, ly, 4, cells, count);
  CU_ASSERT_EQUAL(count, 44);
  free(cells);
  /* Through a cell corner exactly. */
  double dx[] = {500, 10500}, dy[] = {49500, 39500};
  CU_ASSERT_EQUAL_FATAL(wc_polyline_rasterize(&grid, dx, dy, 2, &cells, &count), WC_OK);
  assert_d8_path(&grid, dx, dy, 2, cells, count);
  CU_ASSERT_EQUAL(count, 11);
  free(cells);
  /* A vertex off the grid is an input error naming the grid. */
  double ox[] = {500, 70500}, oy[] = {500, 500};
  CU_ASSERT_EQUAL(wc_polyline_rasterize(&grid, ox, oy, 2, &cells, &count), WC_ERR_INPUT);
  CU_ASSERT_PTR_NULL(cells);
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "lies outside the 50 x 60 grid"));
}

static void test_polyline_buffer(void) {
  wc_geo_grid grid = {.rows = 400, .cols = 400, .x_left_m = 0, .y_top_m = 40000, .cell_size_m = 100};
  uint8_t *mask = calloc(160000, 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(mask);
  double x[] = {5000, 25000, 35000}, y[] = {20000, 20000, 30000};
  int64_t n = 0;
  CU_ASSERT_EQUAL_FATAL(wc_polyline_buffer_rasterize(&grid, x, y, 3, 2000, 2, mask, &n), WC_OK);
  /* Exact area of the buffer: 2 h L + pi h^2 minus the overlap wedge at the 45-degree
   * bend... within 2% is plenty for a corridor. */
  double length = wc_polyline_length_m(x, y, 3), h = 2000;
  double area_m2 = 2 * h * length + M_PI * h * h;
  CU_ASSERT(fabs(n * 1e4 - area_m2) / area_m2 < 0.02);
  CU_ASSERT_EQUAL(mask[(40000 - 20050) / 100 * 400 + 150], 2);
  CU_ASSERT_EQUAL(mask[(40000 - 25050) / 100 * 400 + 150], 0);
  free(mask);
}

static void test_grid_around_nests(void) {
  double x[] = {412345.6, 498765.4}, y[] = {4401234.5, 4487654.3};
  wc_geo_grid g1, g2;
  CU_ASSERT_EQUAL_FATAL(wc_geo_grid_around(x, y, 2, 1000, 5000, &g1), WC_OK);
  CU_ASSERT_EQUAL_FATAL(wc_geo_grid_around(x, y, 2, 500, 5000, &g2), WC_OK);
  CU_ASSERT_DOUBLE_EQUAL(fmod(g1.x_left_m, 1000), 0.0, 0.0);
  CU_ASSERT(g1.x_left_m <= 412345.6 - 5000 && g1.y_top_m >= 4487654.3 + 5000);
  CU_ASSERT_DOUBLE_EQUAL(g1.x_left_m, g2.x_left_m, 0.0);
  CU_ASSERT_EQUAL(g2.cols, 2 * g1.cols);
  wc_geo_grid bad = {.rows = 0, .cols = 5, .cell_size_m = 1};
  CU_ASSERT_EQUAL(wc_geo_grid_check(&bad), WC_ERR_INPUT);
}

/* ======================================================================================
 * The built-in basins
 * ====================================================================================== */

static wc_geo_basin *chaobai, *yongding;

static int read_basins(void) {
  wc_status s1 = wc_geo_basin_read(wc_test_source_path("scenarios/basins/chaobai.geo"), &chaobai);
  if (s1 != WC_OK) fprintf(stderr, "chaobai.geo: %s\n", wc_error_message());
  wc_status s2 = wc_geo_basin_read(wc_test_source_path("scenarios/basins/yongding.geo"), &yongding);
  if (s2 != WC_OK) fprintf(stderr, "yongding.geo: %s\n", wc_error_message());
  return s1 == WC_OK && s2 == WC_OK ? 0 : 1;
}

static int free_basins(void) {
  wc_geo_basin_destroy(&chaobai);
  wc_geo_basin_destroy(&yongding);
  return 0;
}

static void test_files_parse(void) {
  CU_ASSERT_PTR_NOT_NULL_FATAL(chaobai);
  CU_ASSERT_PTR_NOT_NULL_FATAL(yongding);
  CU_ASSERT_STRING_EQUAL(chaobai->id, "chaobai");
  CU_ASSERT_STRING_EQUAL(yongding->id, "yongding");
  CU_ASSERT_STRING_EQUAL(chaobai->crs, "EPSG:32650");
  CU_ASSERT(chaobai->utm_zone == 50 && chaobai->utm_north);
  CU_ASSERT_DOUBLE_EQUAL(chaobai->published_area_km2, MIYUN_CATCHMENT_KM2, 0.0);
  CU_ASSERT_DOUBLE_EQUAL(yongding->published_area_km2, GUANTING_CONTROLLED_KM2, 0.0);
  /* The rivers the Basins issue names. */
  const char *chaobai_rivers[] = {"chao", "bai", "hei", "tang", "qingshui"};
  for (size_t i = 0; i < 5; i++) CU_ASSERT(wc_geo_basin_find_river(chaobai, chaobai_rivers[i]) >= 0);
  const char *yongding_rivers[] = {"sanggan", "yang", "gui", "yongding", "yongding_lower"};
  for (size_t i = 0; i < 5; i++) CU_ASSERT(wc_geo_basin_find_river(yongding, yongding_rivers[i]) >= 0);
  /* Jurisdictions named in DOMAIN.md. */
  const char *cj[] = {"hebei", "beijing", "guyuan", "chicheng", "fengning", "luanping", "xinglong",
                      "yanqing", "huairou", "miyun"};
  for (size_t i = 0; i < sizeof cj / sizeof *cj; i++) CU_ASSERT(wc_geo_basin_find_jurisdiction(chaobai, cj[i]) >= 0);
  const char *yj[] = {"shanxi", "inner_mongolia", "hebei", "beijing", "tianjin", "datong",
                      "zhangjiakou_city", "xuanhua", "huailai", "yangyuan", "daxing", "langfang", "wuqing"};
  for (size_t i = 0; i < sizeof yj / sizeof *yj; i++) CU_ASSERT(wc_geo_basin_find_jurisdiction(yongding, yj[i]) >= 0);
  CU_ASSERT_EQUAL(yongding->corridor_count, 1);
}

static void test_outline_areas_match_published(void) {
  /* Chaobai: the Miyun Reservoir catchment, 15,788 km^2. */
  double c_km2 = chaobai->area_m2 / 1e6;
  CU_ASSERT(fabs(c_km2 / MIYUN_CATCHMENT_KM2 - 1.0) <= AREA_TOLERANCE);
  /* Yongding: checked against the area Guanting controls (43,402 km^2), and also within
   * 10% of the 47,016 km^2 of the whole Yongding system, so it sits between the two. */
  double y_km2 = yongding->area_m2 / 1e6;
  CU_ASSERT(fabs(y_km2 / GUANTING_CONTROLLED_KM2 - 1.0) <= AREA_TOLERANCE);
  CU_ASSERT(fabs(y_km2 / YONGDING_SYSTEM_KM2 - 1.0) <= AREA_TOLERANCE);
  printf("\n    outline areas: chaobai %.0f km2 (published %.0f), yongding %.0f km2 (published "
         "%.0f controlled, %.0f system)\n",
         c_km2, MIYUN_CATCHMENT_KM2, y_km2, GUANTING_CONTROLLED_KM2, YONGDING_SYSTEM_KM2);
}

/* The grid the checks use: the outline (and corridor) plus a margin, at `cell_m`. */
static wc_geo_grid basin_grid(const wc_geo_basin *b, double cell_m) {
  size_t n = 0;
  for (size_t i = 0; i < b->outline_count; i++) n += b->outlines[i].ring.count;
  for (size_t i = 0; i < b->corridor_count; i++) n += b->rivers[b->corridors[i].river].path.count;
  double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
  size_t k = 0;
  for (size_t i = 0; i < b->outline_count; i++)
    for (size_t v = 0; v < b->outlines[i].ring.count; v++, k++) {
      x[k] = b->outlines[i].ring.x_m[v];
      y[k] = b->outlines[i].ring.y_m[v];
    }
  for (size_t i = 0; i < b->corridor_count; i++) {
    const wc_geo_path *g = &b->rivers[b->corridors[i].river].path;
    for (size_t v = 0; v < g->count; v++, k++) {
      x[k] = g->x_m[v];
      y[k] = g->y_m[v];
    }
  }
  wc_geo_grid grid = {0};
  if (wc_geo_grid_around(x, y, n, cell_m, 10000, &grid) != WC_OK) CU_FAIL("grid around basin");
  free(x);
  free(y);
  return grid;
}

static void check_raster_area(const wc_geo_basin *b, double cell_m) {
  wc_geo_grid grid = basin_grid(b, cell_m);
  size_t n = (size_t)grid.rows * grid.cols;
  uint8_t *mask = malloc(n);
  int32_t *ids = malloc(n * sizeof *ids);
  CU_ASSERT_PTR_NOT_NULL_FATAL(mask && ids);
  int64_t inside = 0, corridor = 0;
  CU_ASSERT_EQUAL_FATAL(wc_geo_basin_rasterize_domain(b, &grid, mask, &inside, &corridor), WC_OK);
  double cell_km2 = cell_m * cell_m / 1e6;
  double raster_km2 = (double)inside * cell_km2;
  CU_ASSERT(fabs(raster_km2 / b->published_area_km2 - 1.0) <= AREA_TOLERANCE);
  CU_ASSERT(fabs(raster_km2 / (b->area_m2 / 1e6) - 1.0) <= 0.01); /* raster ~ polygon */
  CU_ASSERT_EQUAL(corridor > 0, b->corridor_count > 0);
  /* Jurisdictions: every domain cell in exactly one tile (overlaps are an error inside
   * rasterize_jurisdictions), so their totals add up to the outline area. */
  CU_ASSERT_EQUAL_FATAL(wc_geo_basin_rasterize_jurisdictions(b, &grid, ids), WC_OK);
  int64_t covered = 0, corridor_covered = 0;
  for (size_t i = 0; i < n; i++) {
    covered += mask[i] == 1 && ids[i] >= 0;
    corridor_covered += mask[i] == 2 && ids[i] >= 0;
  }
  CU_ASSERT_EQUAL(covered, inside);
  CU_ASSERT_EQUAL(corridor_covered, corridor);
  printf("    %s at %4.0f m: outline %.0f km2 (%+.1f%% of published), corridor %.0f km2\n",
         b->id, cell_m, raster_km2, 100.0 * (raster_km2 / b->published_area_km2 - 1.0),
         (double)corridor * cell_km2);
  free(mask);
  free(ids);
}

static void test_raster_areas(void) {
  printf("\n");
  check_raster_area(chaobai, 1000.0);
  check_raster_area(chaobai, 500.0);
  check_raster_area(yongding, 1000.0);
  check_raster_area(yongding, 500.0);
}

static void test_geometry_consistent(void) {
  /* Rivers, sections, reservoirs, towns inside the domain; sections and reservoirs on
   * their rivers (100 m); towns in their jurisdictions; sections' rivers running from
   * the upstream tile into the downstream one; tiles covering the domain once. */
  const wc_geo_basin *checked[] = {chaobai, yongding};
  for (int k = 0; k < 2; k++) {
    wc_status status = wc_geo_basin_check_geometry(checked[k], 1000.0, 100.0);
    CU_ASSERT_EQUAL(status, WC_OK);
    if (status != WC_OK) fprintf(stderr, "\n  %s\n", wc_error_message());
  }
  /* Each river vertex inside the outline proper, except the lower Yongding (corridor). */
  const wc_geo_basin *basins[] = {chaobai, yongding};
  for (int k = 0; k < 2; k++) {
    const wc_geo_basin *b = basins[k];
    for (size_t i = 0; i < b->river_count; i++) {
      const wc_geo_river *r = &b->rivers[i];
      if (strcmp(r->id, "yongding_lower") == 0) continue;
      for (size_t v = 0; v < r->path.count; v++) {
        bool in = false;
        for (size_t o = 0; o < b->outline_count; o++)
          in |= wc_polygon_contains(b->outlines[o].ring.x_m, b->outlines[o].ring.y_m,
                                    b->outlines[o].ring.count, r->path.x_m[v], r->path.y_m[v]);
        CU_ASSERT(in);
      }
    }
  }
}

static const wc_geo_point *point(const wc_geo_basin *b, const char *id) {
  int i = wc_geo_basin_find_point(b, id);
  CU_ASSERT_FATAL(i >= 0);
  return &b->points[i];
}

static bool is_within(const wc_geo_basin *b, int j, const char *ancestor) {
  return wc_geo_jurisdiction_is_within(b, j, wc_geo_basin_find_jurisdiction(b, ancestor));
}

static void test_sections_on_the_right_borders(void) {
  /* Chaobai: Hebei -> Beijing on all five monitored rivers. */
  const char *cs[] = {"chao_gubeikou", "bai_baihebao", "hei_border", "tang_border", "qingshui_border"};
  for (size_t i = 0; i < 5; i++) {
    const wc_geo_point *q = point(chaobai, cs[i]);
    CU_ASSERT_EQUAL(q->kind, WC_GEO_SECTION);
    CU_ASSERT_TRUE(q->on_border);
    CU_ASSERT_TRUE(is_within(chaobai, q->upstream, "hebei"));
    CU_ASSERT_TRUE(is_within(chaobai, q->downstream, "beijing"));
  }
  /* Gubeikou section within a few km of DOMAIN's point (40.69 N, 117.15 E). */
  const wc_geo_point *g = point(chaobai, "chao_gubeikou");
  CU_ASSERT(fabs(g->lat_deg - 40.69) < 0.03 && fabs(g->lon_deg - 117.15) < 0.03);
  /* Yongding: Hebei -> Beijing below the dam, Beijing -> Hebei at Cuizhihuiying,
   * Hebei -> Tianjin near Wuqing, the reservoir inflows. */
  const struct {
    const char *id, *up, *down;
  } ys[] = {{"yongding_youzhou", "hebei", "beijing"},
            {"yongding_cuizhihuiying", "beijing", "hebei"},
            {"yongding_hebei_tianjin", "hebei", "tianjin"},
            {"sanggan_shanxi_hebei", "shanxi", "hebei"},
            {"dongyang_nm_hebei", "inner_mongolia", "hebei"}};
  for (size_t i = 0; i < sizeof ys / sizeof *ys; i++) {
    const wc_geo_point *q = point(yongding, ys[i].id);
    CU_ASSERT_TRUE(is_within(yongding, q->upstream, ys[i].up));
    CU_ASSERT_TRUE(is_within(yongding, q->downstream, ys[i].down));
  }
  CU_ASSERT_TRUE(is_within(yongding, point(yongding, "yongding_cuizhihuiying")->upstream, "daxing"));
  CU_ASSERT_TRUE(is_within(yongding, point(yongding, "yongding_hebei_tianjin")->downstream, "wuqing"));
  const wc_geo_point *bh = point(yongding, "yongding_bahaoqiao");
  CU_ASSERT_FALSE(bh->on_border);
  CU_ASSERT_TRUE(is_within(yongding, bh->upstream, "hebei"));
  CU_ASSERT_FALSE(point(yongding, "gui_gujiaying")->on_border);
}

static void test_reservoirs_at_published_points(void) {
  /* Miyun outlet at Wikipedia's 40°29'N 116°59'E; Guanting at 40°23'N 115°48'E. */
  const wc_geo_point *m = point(chaobai, "miyun_dam");
  CU_ASSERT_EQUAL(m->kind, WC_GEO_OUTLET);
  CU_ASSERT(fabs(m->lat_deg - 40.48) < 0.01 && fabs(m->lon_deg - 116.98) < 0.01);
  const wc_geo_point *mr = point(chaobai, "miyun");
  CU_ASSERT_DOUBLE_EQUAL(mr->capacity_m3, 4.375e9, 1.0);
  CU_ASSERT_DOUBLE_EQUAL(mr->normal_pool_m, 157.5, 0.0);
  CU_ASSERT(hypot(mr->x_m - m->x_m, mr->y_m - m->y_m) < 10000.0); /* lake centre near the dams */
  const wc_geo_point *gt = point(yongding, "guanting");
  CU_ASSERT(fabs(gt->lat_deg - 40.383) < 0.01 && fabs(gt->lon_deg - 115.80) < 0.01);
  CU_ASSERT_DOUBLE_EQUAL(gt->catchment_km2, GUANTING_CONTROLLED_KM2, 0.0);
  CU_ASSERT_EQUAL(chaobai->points[chaobai->outlet].kind, WC_GEO_OUTLET);
  CU_ASSERT_STRING_EQUAL(yongding->points[yongding->outlet].id, "qujiadian");
}

static void test_river_network(void) {
  const wc_geo_basin *basins[] = {chaobai, yongding};
  for (int k = 0; k < 2; k++) {
    const wc_geo_basin *b = basins[k];
    const wc_geo_point *outlet = &b->points[b->outlet];
    for (size_t i = 0; i < b->river_count; i++) {
      const wc_geo_river *r = &b->rivers[i];
      /* Every river drains to the outlet: following receivers ends at a river whose last
       * vertex is the outlet. */
      int j = (int)i, steps = 0;
      while (b->rivers[j].receiver >= 0 && steps++ < 100) j = b->rivers[j].receiver;
      const wc_geo_path *last = &b->rivers[j].path;
      CU_ASSERT(hypot(last->x_m[last->count - 1] - outlet->x_m, last->y_m[last->count - 1] - outlet->y_m) < 1.0);
      /* Flow distance to the outlet: from the source, the whole chain. */
      double from_source = wc_geo_river_outlet_distance_m(b, (int)i, 0.0);
      CU_ASSERT_DOUBLE_EQUAL(from_source, r->length_m + r->mouth_to_outlet_m, 1e-6);
      CU_ASSERT(r->mouth_to_outlet_m >= 0.0);
      /* Elevation anchors: never below the outlet's water surface. */
      for (size_t v = 0; v < r->path.count; v++)
        if (!isnan(r->path.elev_m[v])) CU_ASSERT(r->path.elev_m[v] >= b->terrain.outlet_elev_m);
    }
  }
  /* The Hei joins the Bai, which ends at the Miyun outlet; the Sanggan reaches Qujiadian
   * through the Yongding and its lower reach. */
  const wc_geo_river *hei = &chaobai->rivers[wc_geo_basin_find_river(chaobai, "hei")];
  CU_ASSERT_EQUAL(hei->receiver, wc_geo_basin_find_river(chaobai, "bai"));
  const wc_geo_river *sanggan = &yongding->rivers[wc_geo_basin_find_river(yongding, "sanggan")];
  CU_ASSERT_EQUAL(sanggan->receiver, wc_geo_basin_find_river(yongding, "yongding"));
  CU_ASSERT_EQUAL(sanggan->order, 3);
  /* Main-stem lengths against the published channel lengths: a polyline through a few
   * dozen points is shorter than the meandering channel, but of the right size. */
  const wc_geo_river *chao = &chaobai->rivers[wc_geo_basin_find_river(chaobai, "chao")];
  CU_ASSERT(chao->length_m > 0.6 * 157e3 && chao->length_m < 1.1 * 157e3);
  CU_ASSERT(sanggan->length_m > 0.6 * 437e3 && sanggan->length_m < 1.1 * 437e3);
}

static void test_bed_elevation_and_nearest_river(void) {
  /* Anchors are returned exactly, and between them the bed falls linearly. */
  int chao = wc_geo_basin_find_river(chaobai, "chao");
  const wc_geo_river *r = &chaobai->rivers[chao];
  CU_ASSERT_DOUBLE_EQUAL(wc_geo_river_bed_elevation_m(chaobai, chao, 0.0), 1300.0, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL(wc_geo_river_bed_elevation_m(chaobai, chao, r->length_m), 157.5, 1e-9);
  double fengning_along = wc_polyline_length_m(r->path.x_m, r->path.y_m, 4); /* 4th vertex */
  CU_ASSERT_DOUBLE_EQUAL(wc_geo_river_bed_elevation_m(chaobai, chao, fengning_along), 660.0, 1e-6);
  /* Every river's bed falls monotonically from source to mouth and meets its receiver's
   * bed at the join, in both basins. */
  const wc_geo_basin *basins[] = {chaobai, yongding};
  for (int k = 0; k < 2; k++) {
    const wc_geo_basin *b = basins[k];
    for (size_t i = 0; i < b->river_count; i++) {
      const wc_geo_river *q = &b->rivers[i];
      double prev = INFINITY;
      for (int s = 0; s <= 200; s++) {
        double e = wc_geo_river_bed_elevation_m(b, (int)i, q->length_m * s / 200.0);
        CU_ASSERT_FALSE(isnan(e));
        CU_ASSERT(e <= prev + 1e-9);
        prev = e;
      }
      double mouth = q->receiver >= 0
                         ? wc_geo_river_bed_elevation_m(b, q->receiver, q->join_along_m)
                         : b->terrain.outlet_elev_m;
      CU_ASSERT_DOUBLE_EQUAL(prev, mouth, 1e-6);
    }
  }
  /* Nearest river: on a vertex of the Hei (away from the confluence), the Hei at 0 m. */
  int hei = wc_geo_basin_find_river(chaobai, "hei");
  const wc_geo_path *g = &chaobai->rivers[hei].path;
  double d, along;
  CU_ASSERT_EQUAL(wc_geo_basin_nearest_river(chaobai, g->x_m[3], g->y_m[3], &d, &along), hei);
  CU_ASSERT_DOUBLE_EQUAL(d, 0.0, 1e-6);
  CU_ASSERT_DOUBLE_EQUAL(along, wc_polyline_length_m(g->x_m, g->y_m, 4), 1e-6);
}

/* Burn every river at 1 km: each is a D8 path inside the domain, and each tributary's last
 * cell lies on its receiver's path, so a synthesizer's burned network is connected. */
static void test_rivers_burn_as_connected_d8_paths(void) {
  const wc_geo_basin *basins[] = {chaobai, yongding};
  for (int k = 0; k < 2; k++) {
    const wc_geo_basin *b = basins[k];
    wc_geo_grid grid = basin_grid(b, 1000.0);
    size_t n = (size_t)grid.rows * grid.cols;
    uint8_t *mask = malloc(n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mask);
    CU_ASSERT_EQUAL_FATAL(wc_geo_basin_rasterize_domain(b, &grid, mask, NULL, NULL), WC_OK);
    int32_t **paths = calloc(b->river_count, sizeof *paths);
    int32_t *counts = calloc(b->river_count, sizeof *counts);
    for (size_t i = 0; i < b->river_count; i++) {
      const wc_geo_path *g = &b->rivers[i].path;
      CU_ASSERT_EQUAL_FATAL(wc_polyline_rasterize(&grid, g->x_m, g->y_m, g->count, &paths[i], &counts[i]), WC_OK);
      assert_d8_path(&grid, g->x_m, g->y_m, g->count, paths[i], counts[i]);
      int outside = 0;
      for (int32_t c = 0; c < counts[i]; c++) outside += mask[paths[i][c]] == 0;
      CU_ASSERT_EQUAL(outside, 0);
    }
    for (size_t i = 0; i < b->river_count; i++) {
      int q = b->rivers[i].receiver;
      if (q < 0) continue;
      int32_t mouth = paths[i][counts[i] - 1], found = 0;
      for (int32_t c = 0; c < counts[q]; c++) found += paths[q][c] == mouth;
      CU_ASSERT_EQUAL(found, 1);
    }
    for (size_t i = 0; i < b->river_count; i++) free(paths[i]);
    free(paths);
    free(counts);
    free(mask);
  }
}

static void test_outlines_do_not_overlap(void) {
  /* The basins share the Bai / Gui and Bai / Yang divides (same vertices in both files):
   * no cell centre may fall in both outlines. */
  wc_geo_grid grid = basin_grid(chaobai, 500.0);
  size_t n = (size_t)grid.rows * grid.cols;
  int32_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a && b);
  for (size_t i = 0; i < n; i++) a[i] = b[i] = 0;
  const wc_geo_path *c = &chaobai->outlines[0].ring, *y = &yongding->outlines[0].ring;
  CU_ASSERT_EQUAL(wc_polygon_rasterize(&grid, c->x_m, c->y_m, c->count, 1, a, NULL), WC_OK);
  CU_ASSERT_EQUAL(wc_polygon_rasterize(&grid, y->x_m, y->y_m, y->count, 1, b, NULL), WC_OK);
  int64_t both = 0, touching = 0;
  for (size_t i = 0; i < n; i++) {
    both += a[i] && b[i];
    touching += b[i];
  }
  CU_ASSERT_EQUAL(both, 0);
  CU_ASSERT(touching > 0); /* the grid does reach the shared divide */
  free(a);
  free(b);
}

/* Area of the outline cells (1 km) whose nearest river drains through `top`: the split a
 * synthesizer makes when divides fall between rivers (elevation rising with distance from
 * the nearest river). */
static double nearest_river_area_km2(const wc_geo_basin *b, const char *top) {
  wc_geo_grid grid = basin_grid(b, 1000.0);
  size_t n = (size_t)grid.rows * grid.cols;
  uint8_t *mask = malloc(n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(mask);
  CU_ASSERT_EQUAL_FATAL(wc_geo_basin_rasterize_domain(b, &grid, mask, NULL, NULL), WC_OK);
  int target = wc_geo_basin_find_river(b, top);
  int64_t cells = 0;
  for (int32_t r = 0; r < grid.rows; r++)
    for (int32_t c = 0; c < grid.cols; c++) {
      if (mask[(size_t)r * grid.cols + c] != 1) continue;
      double x, y;
      wc_geo_grid_cell_center(&grid, r, c, &x, &y);
      int q = wc_geo_basin_nearest_river(b, x, y, NULL, NULL);
      while (q >= 0 && q != target) q = b->rivers[q].receiver;
      cells += q == target;
    }
  free(mask);
  return (double)cells;
}

static void test_sub_basins_by_nearest_river(void) {
  /* Published: Sanggan 25,533-26,547 km^2, Yang 15,078-16,933 (Haihe Commission, Haihe
   * article); Chao ~6,700, Bai ~9,100 (commonly cited, unverified). A proxy for what a
   * synthesizer will drain where, so 15% is asked, not 10%. */
  double chao = nearest_river_area_km2(chaobai, "chao"), bai = nearest_river_area_km2(chaobai, "bai");
  double sanggan = nearest_river_area_km2(yongding, "sanggan"), yang = nearest_river_area_km2(yongding, "yang");
  printf("\n    nearest-river split: chao %.0f, bai %.0f, sanggan %.0f, yang %.0f km2\n", chao, bai, sanggan, yang);
  CU_ASSERT(fabs(chao / 6700.0 - 1.0) < 0.15);
  CU_ASSERT(fabs(bai / 9100.0 - 1.0) < 0.15);
  CU_ASSERT(sanggan > 0.85 * 25533.0 && sanggan < 1.15 * 26547.0);
  CU_ASSERT(yang > 0.85 * 15078.0 && yang < 1.15 * 16933.0);
}

static void test_landuse_and_terrain(void) {
  const wc_geo_basin *basins[] = {chaobai, yongding};
  for (int k = 0; k < 2; k++) {
    const wc_geo_basin *b = basins[k];
    CU_ASSERT_EQUAL_FATAL(b->landuse_count, WC_LANDUSE_COUNT);
    double sum = 0.0, share[WC_LANDUSE_COUNT] = {0};
    for (size_t i = 0; i < b->landuse_count; i++) {
      sum += b->landuse[i].fraction;
      share[b->landuse[i].cls] = b->landuse[i].fraction;
    }
    CU_ASSERT_DOUBLE_EQUAL(sum, 1.0, 1e-9);
    /* water and urban follow from the reservoirs and towns listed (within a factor 2). */
    double water_km2 = 0.0, urban_km2 = 0.0, area_km2 = b->area_m2 / 1e6;
    for (size_t i = 0; i < b->point_count; i++) {
      const wc_geo_point *q = &b->points[i];
      if (q->kind == WC_GEO_RESERVOIR && !isnan(q->surface_km2)) water_km2 += q->surface_km2;
      if (q->kind == WC_GEO_TOWN && !isnan(q->urban_km2)) urban_km2 += q->urban_km2;
    }
    CU_ASSERT(share[WC_LANDUSE_WATER] > 0.5 * water_km2 / area_km2 && share[WC_LANDUSE_WATER] < 2.0 * water_km2 / area_km2);
    CU_ASSERT(share[WC_LANDUSE_URBAN] > 0.5 * urban_km2 / area_km2 && share[WC_LANDUSE_URBAN] < 2.0 * urban_km2 / area_km2);
    CU_ASSERT(!isnan(b->terrain.outlet_elev_m) && b->terrain.max_elev_m > b->terrain.outlet_elev_m);
  }
  CU_ASSERT_DOUBLE_EQUAL(chaobai->terrain.outlet_elev_m, 157.5, 0.0); /* Miyun normal pool */
}

/* ======================================================================================
 * Broken files: FILE:LINE: what is wrong; what is expected
 * ====================================================================================== */

static const char GOOD_HEAD[] =
    "wcsim-geo 1\n"                                                  /* 1 */
    "basin t name=\"Test\" crs=EPSG:32650 area_km2=100\n"           /* 2 */
    "outline o\n"                                                    /* 3 */
    "  117.00 40.00\n  117.20 40.00\n  117.20 40.10\n  117.00 40.10\n" /* 4-7 */
    "end\n"                                                          /* 8 */
    "outlet out 117.10 40.01\n";                                     /* 9 */

/* Write `body` after GOOD_HEAD, read it, expect `status` and a message starting
 * "PATH:LINE: " and containing `text`. */
static void expect_error(const char *name, const char *body, wc_status status, int line, const char *text) {
  char path[1200], text_all[4096], prefix[1300];
  snprintf(path, sizeof path, "%s/%s.geo", wc_test_scratch_dir(), name);
  snprintf(text_all, sizeof text_all, "%s%s", GOOD_HEAD, body);
  wc_test_write_file(path, text_all);
  wc_geo_basin *b = (wc_geo_basin *)1;
  wc_error_clear();
  wc_status got = wc_geo_basin_read(path, &b);
  CU_ASSERT_EQUAL(got, status);
  CU_ASSERT_PTR_NULL(b);
  snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
  bool prefix_ok = strncmp(wc_error_message(), prefix, strlen(prefix)) == 0;
  bool text_ok = strstr(wc_error_message(), text) != NULL;
  CU_ASSERT_TRUE(prefix_ok);
  CU_ASSERT_TRUE(text_ok);
  if (!prefix_ok || !text_ok)
    fprintf(stderr, "\n  %s: got \"%s\"\n  want prefix \"%s\" and \"%s\"\n", name, wc_error_message(), prefix, text);
  if (got == WC_OK) wc_geo_basin_destroy(&b);
}

/* A valid river after GOOD_HEAD: lines 10-13. */
#define RIVER_OK "river r joins=outlet\n  117.05 40.08 elev_m=100\n  117.10 40.01 elev_m=50\nend\n"

static void test_errors_name_file_and_line(void) {
  expect_error("unknown_record", "rivr x joins=outlet\n", WC_ERR_INPUT, 10, "unknown record 'rivr'; expected one of");
  expect_error("bad_number", "river r joins=outlet\n  117.05 4O.08\n", WC_ERR_INPUT, 11,
               "latitude '4O.08' is not a number; expected a decimal number");
  expect_error("lat_lon_swapped", "river r joins=outlet\n  40.08 117.05\n", WC_ERR_INPUT, 11,
               "longitude first");
  expect_error("unclosed_block", "river r joins=outlet\n  117.05 40.08 elev_m=100\n  117.10 40.01\n", WC_ERR_INPUT, 10,
               "the river block opened here is not closed; end it with 'end'");
  expect_error("record_in_block", "river r joins=outlet\n  117.05 40.08\ntown x 117 40\n", WC_ERR_INPUT, 12,
               "'town' appears inside the river block opened at line 10");
  expect_error("unknown_key", "town x 117.05 40.05 colour=red\n", WC_ERR_INPUT, 10,
               "unknown key 'colour' in a 'town' record; known keys:");
  expect_error("duplicate_key", "town x 117.05 40.05 name=a name=b\n", WC_ERR_INPUT, 10, "key 'name' is given twice");
  expect_error("unterminated_quote", "town x 117.05 40.05 name=\"Fengning\n", WC_ERR_INPUT, 10,
               "a quoted string is not closed");
  expect_error("one_vertex_river", "river r joins=outlet\n  117.10 40.01 elev_m=100\nend\n", WC_ERR_INPUT, 12,
               "has 1 vertex; it needs at least 2");
  expect_error("river_misses_outlet", "river r joins=outlet\n  117.05 40.08 elev_m=100\n  117.11 40.02\nend\n", WC_ERR_INPUT, 12,
               "ends 1");
  expect_error("tributary_off_vertex",
               RIVER_OK "river t joins=r\n  117.15 40.09 elev_m=200\n  117.075 40.045\nend\n",
               WC_ERR_INPUT, 16, "not on one of its vertices; end a tributary on a vertex of its receiving river");
  expect_error("undefined_receiver", "river t joins=nowhere\n  117.15 40.09 elev_m=1\n  117.10 40.01\nend\n", WC_ERR_INPUT, 10,
               "river 't' joins 'nowhere', which is not defined");
  expect_error("join_cycle",
               "river a joins=b\n  117.05 40.08 elev_m=9\n  117.08 40.05\nend\n"
               "river b joins=a\n  117.08 40.05 elev_m=9\n  117.05 40.08\nend\n",
               WC_ERR_INPUT, 10, "is in a cycle of joins=");
  expect_error("elev_rises", "river r joins=outlet\n  117.05 40.08 elev_m=100\n  117.10 40.01 elev_m=200\nend\n",
               WC_ERR_INPUT, 12, "elevation anchors must not increase towards the mouth");
  expect_error("no_source_elevation", "river r joins=outlet\n  117.05 40.08\n  117.10 40.01 elev_m=5\nend\n",
               WC_ERR_INPUT, 11, "river 'r' has no elev_m= on its first vertex (its source)");
  expect_error("no_outlet_elevation", "river r joins=outlet\n  117.05 40.08 elev_m=100\n  117.10 40.01\nend\n",
               WC_ERR_INPUT, 12, "no 'terrain outlet_elev_m='");
  expect_error("tributary_uphill", RIVER_OK "river t joins=r\n  117.15 40.09 elev_m=30\n  117.05 40.08\nend\n",
               WC_ERR_INPUT, 15, "a tributary cannot flow uphill into its receiver");
  expect_error("landuse_sum", RIVER_OK
               "landuse water rule=reservoir fraction=0.1\nlanduse urban rule=town fraction=0.1\n"
               "landuse cropland rule=valley fraction=0.1 max_river_distance_km=1\n"
               "landuse grassland rule=highland fraction=0.1\nlanduse forest rule=rest fraction=0.1\n",
               WC_ERR_INPUT, 14, "land-use fractions sum to 0.500000; they must sum to 1");
  expect_error("section_unknown_jurisdiction", RIVER_OK
               "section s 117.05 40.08 river=r upstream=hebei downstream=beijing\n",
               WC_ERR_INPUT, 14, "upstream jurisdiction 'hebei' is not defined");
  expect_error("bad_level", "jurisdiction x level=village\n", WC_ERR_INPUT, 10,
               "expected level=province, prefecture or county");
  expect_error("bad_crs_zone", "town far 100.0 40.0\n" RIVER_OK,
               WC_ERR_INPUT, 10, "cannot be projected into EPSG:32650");
  /* Missing header and missing file. */
  char path[1200];
  snprintf(path, sizeof path, "%s/no_header.geo", wc_test_scratch_dir());
  wc_test_write_file(path, "\n# comment\nbasin t crs=EPSG:32650 area_km2=1\n");
  wc_geo_basin *b = NULL;
  CU_ASSERT_EQUAL(wc_geo_basin_read(path, &b), WC_ERR_INPUT);
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "no_header.geo:3: 'basin' before the header"));
  snprintf(path, sizeof path, "%s/does_not_exist.geo", wc_test_scratch_dir());
  CU_ASSERT_EQUAL(wc_geo_basin_read(path, &b), WC_ERR_IO);
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "cannot open basin geography"));
}

/* Geometry errors name the vertex or record at fault. */
static void test_geometry_errors_name_file_and_line(void) {
  char path[1200];
  snprintf(path, sizeof path, "%s/outside.geo", wc_test_scratch_dir());
  wc_test_write_file(path, "wcsim-geo 1\n"
                           "basin t crs=EPSG:32650 area_km2=100\n"
                           "outline o\n  117.00 40.00\n  117.20 40.00\n  117.20 40.10\n  117.00 40.10\nend\n"
                           "outlet out 117.10 40.01\n"
                           "river r joins=outlet\n  117.30 40.08 elev_m=90\n  117.10 40.01 elev_m=80\nend\n" /* 10-13 */
                           "jurisdiction p level=province\njurisdiction q level=province\n"
                           "region p\n  116.9 39.9\n  117.15 39.9\n  117.15 40.2\n  116.9 40.2\nend\n" /* 16-21 */
                           "region q\n  117.1 39.9\n  117.3 39.9\n  117.3 40.2\n  117.1 40.2\nend\n"); /* 22-27 */
  wc_geo_basin *b = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_geo_basin_read(path, &b), WC_OK);
  CU_ASSERT_EQUAL(wc_geo_basin_check_geometry(b, 500.0, 100.0), WC_ERR_INPUT);
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "outside.geo:11: vertex (117.3, 40.08) of river 'r' lies outside"));
  /* Move the river in: now the overlapping tiles are the fault. */
  b->rivers[0].path.x_m[0] = b->rivers[0].path.x_m[1] - 2000.0;
  CU_ASSERT_EQUAL(wc_geo_basin_check_geometry(b, 500.0, 100.0), WC_ERR_INPUT);
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_message(), "outside.geo:22: region of 'q' overlaps the region of 'p' (line 16)"));
  wc_geo_basin_destroy(&b);
  CU_ASSERT_PTR_NULL(b);
  wc_geo_basin_destroy(&b); /* NULL is fine */
  wc_geo_basin_destroy(NULL);
}

static CU_TestInfo utm_tests[] = {
    WC_TEST(test_utm_forward_matches_proj), WC_TEST(test_utm_inverse_matches_proj),
    WC_TEST(test_utm_round_trip),           WC_TEST(test_utm_scale_factor),
    WC_TEST(test_utm_zones_and_epsg),       WC_TEST(test_utm_wkt),
    WC_TEST(test_utm_rejects_bad_input),    CU_TEST_INFO_NULL};

static CU_TestInfo polygon_tests[] = {
    WC_TEST(test_polygon_area),       WC_TEST(test_polygon_contains),
    WC_TEST(test_polygon_rasterize),  WC_TEST(test_polyline_distance),
    WC_TEST(test_polyline_rasterize), WC_TEST(test_polyline_buffer),
    WC_TEST(test_grid_around_nests),  CU_TEST_INFO_NULL};

static CU_TestInfo basin_tests[] = {
    WC_TEST(test_files_parse),
    WC_TEST(test_outline_areas_match_published),
    WC_TEST(test_raster_areas),
    WC_TEST(test_geometry_consistent),
    WC_TEST(test_sections_on_the_right_borders),
    WC_TEST(test_reservoirs_at_published_points),
    WC_TEST(test_river_network),
    WC_TEST(test_bed_elevation_and_nearest_river),
    WC_TEST(test_rivers_burn_as_connected_d8_paths),
    WC_TEST(test_outlines_do_not_overlap),
    WC_TEST(test_sub_basins_by_nearest_river),
    WC_TEST(test_landuse_and_terrain),
    CU_TEST_INFO_NULL};

static CU_TestInfo error_tests[] = {WC_TEST(test_errors_name_file_and_line),
                                    WC_TEST(test_geometry_errors_name_file_and_line),
                                    CU_TEST_INFO_NULL};

static CU_SuiteInfo suites[] = {
    {"utm", NULL, NULL, NULL, NULL, utm_tests},
    {"polygon", NULL, NULL, NULL, NULL, polygon_tests},
    {"basins", read_basins, free_basins, NULL, NULL, basin_tests},
    {"geo_errors", NULL, NULL, NULL, NULL, error_tests},
    CU_SUITE_INFO_NULL};

int main(int argc, char **argv) { return wc_test_run(argc, argv, suites, 0); }
