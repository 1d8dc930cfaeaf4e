/*
 * test_forcing_stations.c — station CSV files interpolated to cells.
 *
 * What is checked against what:
 *  - inverse distance: a cell on a station gets that station exactly; the midpoint and the
 *    quarter point of two stations get the hand-computed weights (1/2, 9/10); temperature
 *    goes through sea level with -6.5 C/km;
 *  - stations given by lon/lat are projected into the cells' UTM zone;
 *  - daily Tmin/Tmax: from tmin_c/tmax_c, from the day's hourly values, or mean -/+ 6 C;
 *  - missing values: an error naming file:line, station and time; interpolation (within
 *    a day, across midnight, at both ends of the record, over a gap of days that needs the
 *    look-ahead scan); climatology (the month's mean of the valid values);
 *  - a 10-year hourly file is streamed with the same buffer as a 1-year one, and every
 *    value arrives (the sums match the file bitwise);
 *  - every broken file in tests/forcing/bad/ (obs-*.csv with stations.csv, stations-*.csv
 *    with good-obs.csv) fails with exactly the message in its .expected file.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wc_forcing_stations.h"
#include "wc_idw.h"
#include "wc_scenario.h"
#include "wc_test.h"
#include "wc_utm.h"

static wc_time_s date(int y, int m, int d) { return wc_days_from_civil(y, m, d) * WC_SECONDS_PER_DAY; }

static char saved_cwd[4096];

/* Tests read tests/forcing/ by relative names, so messages are short and exact. */
static int enter_data_dir(void) {
  if (!getcwd(saved_cwd, sizeof saved_cwd)) return 1;
  return chdir(wc_test_source_path("tests/forcing")) != 0;
}
static int leave_data_dir(void) { return chdir(saved_cwd) != 0; }

enum { MAX_CELLS = 8 };

typedef struct run {
  wc_forcing *forcing;
  int32_t n;
  double x[MAX_CELLS], y[MAX_CELLS], z[MAX_CELLS];
  double p[MAX_CELLS], t[MAX_CELLS], tmin[MAX_CELLS], tmax[MAX_CELLS];
  wc_forcing_values values;
} run;

static wc_status run_open(run *r, const char *stations, const char *obs, int policy, int32_t n, const double *xyz,
                          int32_t epsg, wc_time_s start, wc_time_s end, double step_s) {
  memset(r, 0, sizeof *r);
  r->n = n;
  for (int32_t i = 0; i < n; i++) {
    r->x[i] = xyz[3 * i];
    r->y[i] = xyz[3 * i + 1];
    r->z[i] = xyz[3 * i + 2];
  }
  wc_forcing_cells cells = {n, r->x, r->y, r->z, NULL, epsg};
  r->values = (wc_forcing_values){r->p, r->t, r->tmin, r->tmax};
  return wc_forcing_create_stations(stations, obs, policy, &cells, start, end, step_s, 1.0, 0.0, &r->forcing);
}

static void run_open_ok(run *r, const char *stations, const char *obs, int policy, int32_t n, const double *xyz,
                        wc_time_s start, wc_time_s end, double step_s) {
  wc_status status = run_open(r, stations, obs, policy, n, xyz, 32650, start, end, step_s);
  if (status != WC_OK) fprintf(stderr, "\n%s\n", wc_error_message());
  CU_ASSERT_EQUAL_FATAL(status, WC_OK);
}

static void run_next(run *r, wc_time_s t) {
  wc_status status = wc_forcing_next(r->forcing, t, &r->values);
  if (status != WC_OK) fprintf(stderr, "\n%s\n", wc_error_message());
  CU_ASSERT_EQUAL_FATAL(status, WC_OK);
}

#define NEAR(a, b) CU_ASSERT(fabs((a) - (b)) <= 1e-12 * (1 + fabs(b)))

/* ---- interpolation --------------------------------------------------------------------- */

static void test_idw_at_station_and_between(void) {
  /* A (0, 0, 0 m): 2 mm, 10 C; B (1000, 0, 1000 m): 6 mm, 3.5 C = 10 C at sea level. */
  const double cells[] = {0, 0, 0,        /* on A */
                          500, 0, 500,    /* midpoint */
                          250, 0, 250,    /* quarter: weights 9/10, 1/10 */
                          1000, 0, 1500,  /* on B, 500 m higher */
                          500, 300, 0};   /* off the line, equidistant */
  run r;
  run_open_ok(&r, "stations-xy.csv", "idw-daily.csv", WC_MISSING_ERROR, 5, cells, date(2000, 1, 1),
              date(2000, 1, 4), 86400);
  for (int d = 0; d < 3; d++) {
    run_next(&r, date(2000, 1, 1) + d * 86400);
    CU_ASSERT_EQUAL(r.p[0], 2.0);
    CU_ASSERT_EQUAL(r.t[0], 10.0);
    NEAR(r.p[1], 4.0);
    NEAR(r.t[1], 10.0 - 6.5 * 0.5);
    NEAR(r.p[2], 0.9 * 2.0 + 0.1 * 6.0);
    NEAR(r.t[2], 10.0 - 6.5 * 0.25);
    NEAR(r.p[3], 6.0);
    NEAR(r.t[3], 10.0 - 6.5 * 1.5);
    NEAR(r.p[4], 4.0);
    NEAR(r.t[4], 10.0);
    /* Daily step, no tmin_c/tmax_c: mean -/+ the default half range. */
    NEAR(r.tmin[0], 10.0 - WC_STATION_DEFAULT_HALF_RANGE_C);
    NEAR(r.tmax[3], 10.0 - 6.5 * 1.5 + WC_STATION_DEFAULT_HALF_RANGE_C);
  }
  size_t bytes = 0;
  CU_ASSERT_EQUAL(wc_forcing_stations_buffer_bytes(r.forcing, &bytes), WC_OK);
  CU_ASSERT(bytes > 0 && bytes < 1024);
  CU_ASSERT_STRING_EQUAL(wc_forcing_name(r.forcing), "stations");
  wc_forcing_destroy(&r.forcing);
}

static void test_idw_weights_nearest_first(void) {
  /* 15 stations on a line, a cell near station 14: 12 nearest used, weights sum to 1. */
  double sx[15], sy[15];
  for (int s = 0; s < 15; s++) sx[s] = 1000.0 * s, sy[s] = 0;
  const double cx[2] = {13900, 5000}, cy[2] = {10, 0};
  wc_idw *idw = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_idw_create(15, sx, sy, 2, cx, cy, &idw), WC_OK);
  CU_ASSERT_EQUAL(wc_idw_neighbours(idw), WC_IDW_MAX_NEIGHBOURS);
  const int32_t *st;
  const double *w;
  wc_idw_cell_weights(idw, 0, &st, &w);
  CU_ASSERT_EQUAL(st[0], 14);
  CU_ASSERT_EQUAL(st[1], 13);
  double sum = 0;
  for (int k = 0; k < WC_IDW_MAX_NEIGHBOURS; k++) sum += w[k];
  NEAR(sum, 1.0);
  for (int k = 0; k < WC_IDW_MAX_NEIGHBOURS; k++) CU_ASSERT(st[k] >= 2); /* stations 0, 1 are farthest */
  wc_idw_cell_weights(idw, 1, &st, &w); /* on station 5 */
  CU_ASSERT_EQUAL(st[0], 5);
  CU_ASSERT_EQUAL(w[0], 1.0);
  wc_idw_destroy(&idw);
  CU_ASSERT_PTR_NULL(idw);
  const double bad[1] = {NAN};
  CU_ASSERT_EQUAL(wc_idw_create(15, sx, sy, 1, bad, cy, &idw), WC_ERR_INPUT);
}

static void test_stations_by_lon_lat(void) {
  double x, y;
  CU_ASSERT_EQUAL_FATAL(wc_utm_forward(50, true, 116.98, 40.48, &x, &y), WC_OK);
  const double cells[] = {x, y, 150, x + 20000, y + 20000, 650};
  run r;
  run_open_ok(&r, "stations-lonlat.csv", "lonlat-daily.csv", WC_MISSING_ERROR, 2, cells, date(2001, 8, 1),
              date(2001, 8, 3), 86400);
  run_next(&r, date(2001, 8, 1));
  CU_ASSERT_EQUAL(r.p[0], 12.5);
  NEAR(r.t[0], 26.0);
  CU_ASSERT(r.p[1] > 3.0 && r.p[1] < 12.5);
  wc_forcing_destroy(&r.forcing);
  /* lon/lat stations need the cells' CRS. */
  CU_ASSERT_EQUAL(run_open(&r, "stations-lonlat.csv", "lonlat-daily.csv", WC_MISSING_ERROR, 2, cells, 0,
                           date(2001, 8, 1), date(2001, 8, 3), 86400),
                  WC_ERR_INPUT);
  CU_ASSERT_STRING_EQUAL(wc_error_message(),
                         "stations-lonlat.csv:2: the stations are given by lon,lat but the basin's coordinate "
                         "system is unknown; give x_m,y_m in the basin's coordinates instead");
  CU_ASSERT_PTR_NULL(r.forcing);
}

/* ---- daily extremes -------------------------------------------------------------------- */

static void test_tmin_tmax_columns(void) {
  const double cells[] = {0, 0, 0, 1000, 0, 1000};
  run r;
  run_open_ok(&r, "stations-xy.csv", "tminmax-daily.csv", WC_MISSING_ERROR, 2, cells, date(2000, 7, 1),
              date(2000, 7, 3), 86400);
  run_next(&r, date(2000, 7, 2));
  CU_ASSERT_EQUAL(r.p[0], 2.5);
  NEAR(r.tmin[0], 15.5);
  NEAR(r.tmax[0], 29.0);
  NEAR(r.tmin[1], 9.0);
  NEAR(r.tmax[1], 22.5);
  NEAR(r.t[1], 15.5);
  wc_forcing_destroy(&r.forcing);
}

/* Hourly: Tmin/Tmax are the day's extremes of the (filled) hourly values; missing values
 * are interpolated within the day and across midnight. */
static void test_hourly_extremes_and_interpolation(void) {
  const double cells[] = {0, 0, 0};
  run r;
  run_open_ok(&r, "stations-xy.csv", "missing-hourly.csv", WC_MISSING_INTERPOLATE, 1, cells, date(2000, 1, 1),
              date(2000, 1, 3), 3600);
  double rain = 0;
  for (int k = 0; k < 48; k++) {
    run_next(&r, date(2000, 1, 1) + k * 3600);
    const int day = k / 24, hour = k % 24;
    double expected = day == 0 ? hour : 30 - hour;
    if (day == 1 && hour <= 2) expected = 24 + hour; /* the line from (d1 22:00, 22) to (d2 03:00, 27) */
    NEAR(r.t[0], expected);
    NEAR(r.tmin[0], day == 0 ? 0.0 : 7.0);
    NEAR(r.tmax[0], day == 0 ? 23.0 : 27.0);
    rain += r.p[0];
  }
  NEAR(rain, 1.2);
  wc_forcing_destroy(&r.forcing);
}

/* ---- missing values -------------------------------------------------------------------- */

static void test_missing_policies(void) {
  const double cells[] = {0, 0, 0};
  run r;
  /* error */
  CU_ASSERT_EQUAL(run_open(&r, "stations-xy.csv", "missing-daily.csv", WC_MISSING_ERROR, 1, cells, 32650,
                           date(2000, 1, 1), date(2000, 1, 11), 86400),
                  WC_ERR_INPUT);
  CU_ASSERT_STRING_EQUAL(wc_error_message(),
                         "missing-daily.csv:2: station 'A' at 2000-01-01: temperature_c is missing; fill it in, or "
                         "set forcing.missing_values to interpolate or climatology");
  /* interpolate: P 1 2 [4 6] 8 0 0 3 0 0; T [-3] -3 ... 4 [4] */
  const double p_interpolated[10] = {1, 2, 4, 6, 8, 0, 0, 3, 0, 0};
  const double t_interpolated[10] = {-3, -3, -2, -1, 0, 1, 2, 3, 4, 4};
  run_open_ok(&r, "stations-xy.csv", "missing-daily.csv", WC_MISSING_INTERPOLATE, 1, cells, date(2000, 1, 1),
              date(2000, 1, 11), 86400);
  for (int d = 0; d < 10; d++) {
    run_next(&r, date(2000, 1, 1 + d));
    NEAR(r.p[0], p_interpolated[d]);
    NEAR(r.t[0], t_interpolated[d]);
  }
  wc_forcing_destroy(&r.forcing);
  /* climatology: January means of A's valid values, P 14/8, T 4/8 */
  const double p_climatology[10] = {1, 2, 1.75, 1.75, 8, 0, 0, 3, 0, 0};
  const double t_climatology[10] = {0.5, -3, -2, -1, 0, 1, 2, 3, 4, 0.5};
  run_open_ok(&r, "stations-xy.csv", "missing-daily.csv", WC_MISSING_CLIMATOLOGY, 1, cells, date(2000, 1, 1),
              date(2000, 1, 11), 86400);
  for (int d = 0; d < 10; d++) {
    run_next(&r, date(2000, 1, 1 + d));
    NEAR(r.p[0], p_climatology[d]);
    NEAR(r.t[0], t_climatology[d]);
  }
  wc_forcing_destroy(&r.forcing);
}

/* A temperature missing for a whole month has no climatology; a variable missing on every
 * line cannot be interpolated. */
static void test_missing_without_fallback(void) {
  char path[4200];
  snprintf(path, sizeof path, "%s/empty-month.csv", wc_test_scratch_dir());
  wc_test_write_file(path,
                     "time,station,precipitation_mm,temperature_c\n"
                     "2000-01-31,A,0,NA\n2000-01-31,B,0,1\n"
                     "2000-02-01,A,0,2\n2000-02-01,B,0,1\n");
  const double cells[] = {0, 0, 0};
  run r;
  CU_ASSERT_EQUAL(run_open(&r, "stations-xy.csv", path, WC_MISSING_CLIMATOLOGY, 1, cells, 32650, date(2000, 1, 31),
                           date(2000, 2, 2), 86400),
                  WC_ERR_INPUT);
  char expected[8192];
  snprintf(expected, sizeof expected,
           "%s:2: station 'A' at 2000-01-31: temperature_c is missing, and the station has no valid "
           "temperature_c in any January to take a climatology from",
           path);
  CU_ASSERT_STRING_EQUAL(wc_error_message(), expected);
  wc_test_write_file(path,
                     "time,station,precipitation_mm,temperature_c\n"
                     "2000-01-31,A,0,NA\n2000-01-31,B,0,1\n"
                     "2000-02-01,A,0,\n2000-02-01,B,0,1\n");
  CU_ASSERT_EQUAL(run_open(&r, "stations-xy.csv", path, WC_MISSING_INTERPOLATE, 1, cells, 32650, date(2000, 1, 31),
                           date(2000, 2, 2), 86400),
                  WC_ERR_INPUT);
  snprintf(expected, sizeof expected,
           "%s:2: station 'A': temperature_c is missing on every line; there is nothing to interpolate from", path);
  CU_ASSERT_STRING_EQUAL(wc_error_message(), expected);
}

/* ---- a long file, streamed ------------------------------------------------------------- */

/* Hourly from 2010-01-01 for `years`: A's precipitation a pattern, B's temperature the
 * straight line 5 + 0.001 k (k = hour index), missing for 4 days from hour 43,800 when
 * `gap` (interpolation over it must give the line back). */
static void write_long_file(const char *path, int years, bool gap) {
  FILE *f = fopen(path, "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fputs("time,station,precipitation_mm,temperature_c\n", f);
  const int64_t hours = (wc_days_from_civil(2010 + years, 1, 1) - wc_days_from_civil(2010, 1, 1)) * 24;
  for (int64_t k = 0; k < hours; k++) {
    char when[32];
    wc_time_format(date(2010, 1, 1) + k * 3600, when, sizeof when);
    double p = (k % 7 == 0) ? 0.1 * (double)(k % 13) : 0.0;
    fprintf(f, "%s,A,%.1f,%.2f\n", when, p, 10.0 * sin(0.01 * (double)k));
    if (gap && k >= 43800 && k < 43800 + 96)
      fprintf(f, "%s,B,0,NA\n", when);
    else
      fprintf(f, "%s,B,0,%.3f\n", when, 5.0 + 0.001 * (double)k);
  }
  fclose(f);
}

static void test_long_file_bounded_buffer(void) {
  char short_path[4200], long_path[4200];
  snprintf(short_path, sizeof short_path, "%s/hourly-1y.csv", wc_test_scratch_dir());
  snprintf(long_path, sizeof long_path, "%s/hourly-10y.csv", wc_test_scratch_dir());
  write_long_file(short_path, 1, false);
  write_long_file(long_path, 10, true);
  const double cells[] = {0, 0, 0, 1000, 0, 1000};
  run shorter, longer;
  run_open_ok(&shorter, "stations-xy.csv", short_path, WC_MISSING_ERROR, 2, cells, date(2010, 1, 1),
              date(2011, 1, 1), 3600);
  run_open_ok(&longer, "stations-xy.csv", long_path, WC_MISSING_INTERPOLATE, 2, cells, date(2010, 1, 1),
              date(2020, 1, 1), 3600);
  size_t bytes_short = 0, bytes_long = 0;
  CU_ASSERT_EQUAL(wc_forcing_stations_buffer_bytes(shorter.forcing, &bytes_short), WC_OK);
  CU_ASSERT_EQUAL(wc_forcing_stations_buffer_bytes(longer.forcing, &bytes_long), WC_OK);
  CU_ASSERT_EQUAL(bytes_short, bytes_long);
  /* A day of hourly values for two stations and two variables, and a little more. */
  CU_ASSERT(bytes_long < 24 * 2 * 2 * 16 + 1024);
  wc_forcing_destroy(&shorter.forcing);

  /* Stream all ten years; the sum of A's precipitation matches the file's, bitwise (the
   * cell sits on A, weight 1), and B's filled gap lies on the line. */
  FILE *f = fopen(long_path, "r");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  char line[256];
  CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof line, f));
  double file_sum = 0;
  while (fgets(line, sizeof line, f)) {
    char *a = strchr(line, ',');
    if (a && a[1] == 'A') file_sum += strtod(a + 3, NULL);
  }
  fclose(f);
  double sum = 0, worst_gap = 0;
  const int64_t hours = (wc_days_from_civil(2020, 1, 1) - wc_days_from_civil(2010, 1, 1)) * 24;
  for (int64_t k = 0; k < hours; k++) {
    run_next(&longer, date(2010, 1, 1) + k * 3600);
    sum += longer.p[0];
    if (k >= 43790 && k < 43800 + 110) worst_gap = fmax(worst_gap, fabs(longer.t[1] - (5.0 + 0.001 * (double)k)));
  }
  CU_ASSERT_EQUAL(sum, file_sum);
  CU_ASSERT(worst_gap < 1e-9);
  /* The last interval is the file's last line for A (the cell on A, at A's elevation). */
  char last[32];
  snprintf(last, sizeof last, "%.2f", 10.0 * sin(0.01 * (double)(hours - 1)));
  NEAR(longer.t[0], strtod(last, NULL));
  wc_forcing_destroy(&longer.forcing);
}

/* ---- adjustments, cells ---------------------------------------------------------------- */

static void test_factor_offset_and_subsets(void) {
  const double all_cells[] = {0, 0, 0, 500, 0, 500, 250, 0, 250, 1000, 0, 1500, 500, 300, 0, 100, 900, 40};
  const double some_cells[] = {500, 300, 0, 250, 0, 250}; /* cells 4 and 2 */
  wc_forcing_cells all = {6, NULL, NULL, NULL, NULL, 0}, some = {2, NULL, NULL, NULL, NULL, 0};
  double ax[6], ay[6], az[6], sx[2], sy[2], sz[2];
  for (int i = 0; i < 6; i++) ax[i] = all_cells[3 * i], ay[i] = all_cells[3 * i + 1], az[i] = all_cells[3 * i + 2];
  for (int i = 0; i < 2; i++) sx[i] = some_cells[3 * i], sy[i] = some_cells[3 * i + 1], sz[i] = some_cells[3 * i + 2];
  all.x_m = ax, all.y_m = ay, all.elevation_m = az;
  some.x_m = sx, some.y_m = sy, some.elevation_m = sz;
  wc_forcing *fa = NULL, *fs = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_forcing_create_stations("stations-xy.csv", "idw-daily.csv", WC_MISSING_ERROR, &all,
                                                   date(2000, 1, 1), date(2000, 1, 4), 86400, 1.5, -1.0, &fa),
                        WC_OK);
  CU_ASSERT_EQUAL_FATAL(wc_forcing_create_stations("stations-xy.csv", "idw-daily.csv", WC_MISSING_ERROR, &some,
                                                   date(2000, 1, 1), date(2000, 1, 4), 86400, 1.5, -1.0, &fs),
                        WC_OK);
  double p[6], t[6], lo[6], hi[6], ps[2], ts[2], los[2], his[2];
  wc_forcing_values va = {p, t, lo, hi}, vs = {ps, ts, los, his};
  CU_ASSERT_EQUAL(wc_forcing_next(fa, date(2000, 1, 2), &va), WC_OK);
  CU_ASSERT_EQUAL(wc_forcing_next(fs, date(2000, 1, 2), &vs), WC_OK);
  CU_ASSERT_EQUAL(p[0], 3.0);
  CU_ASSERT_EQUAL(t[0], 9.0);
  CU_ASSERT_EQUAL(memcmp(&p[4], &ps[0], sizeof(double)), 0);
  CU_ASSERT_EQUAL(memcmp(&t[4], &ts[0], sizeof(double)), 0);
  CU_ASSERT_EQUAL(memcmp(&p[2], &ps[1], sizeof(double)), 0);
  CU_ASSERT_EQUAL(memcmp(&t[2], &ts[1], sizeof(double)), 0);
  CU_ASSERT_EQUAL(memcmp(&hi[2], &his[1], sizeof(double)), 0);
  /* Intervals must increase. */
  CU_ASSERT_EQUAL(wc_forcing_next(fa, date(2000, 1, 1), &va), WC_ERR_INTERNAL);
  wc_forcing_destroy(&fa);
  wc_forcing_destroy(&fs);
}

/* ---- broken files ---------------------------------------------------------------------- */

static char *read_text(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return NULL;
  char *text = calloc(1, 8192);
  size_t n = fread(text, 1, 8191, f);
  fclose(f);
  while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r')) text[--n] = '\0';
  return text;
}

static void test_broken_files(void) {
  CU_ASSERT_EQUAL_FATAL(chdir("bad"), 0);
  const double cells[] = {5000, 0, 500};
  run r;
  /* The good pair works. */
  CU_ASSERT_EQUAL(run_open(&r, "stations.csv", "good-obs.csv", WC_MISSING_ERROR, 1, cells, 32650, date(2000, 1, 1),
                           date(2000, 1, 2), 21600),
                  WC_OK);
  wc_forcing_destroy(&r.forcing);
  DIR *dir = opendir(".");
  CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
  int cases = 0;
  for (struct dirent *e; (e = readdir(dir)) != NULL;) {
    const char *name = e->d_name;
    size_t n = strlen(name);
    bool obs = strncmp(name, "obs-", 4) == 0, st = strncmp(name, "stations-", 9) == 0;
    if (n < 5 || strcmp(name + n - 4, ".csv") != 0 || (!obs && !st)) continue;
    char expected_path[512];
    snprintf(expected_path, sizeof expected_path, "%.*s.expected", (int)(n - 4), name);
    char *expected = read_text(expected_path);
    CU_ASSERT_PTR_NOT_NULL(expected);
    if (!expected) continue;
    wc_status status = run_open(&r, obs ? "stations.csv" : name, obs ? name : "good-obs.csv", WC_MISSING_ERROR, 1,
                                cells, 32650, date(2000, 1, 1), date(2000, 1, 2), 21600);
    CU_ASSERT_EQUAL(status, WC_ERR_INPUT);
    CU_ASSERT_PTR_NULL(r.forcing);
    if (status == WC_OK) wc_forcing_destroy(&r.forcing);
    if (strcmp(wc_error_message(), expected) != 0) {
      fprintf(stderr, "\n%s:\n  expected: %s\n  got:      %s\n", name, expected, wc_error_message());
      CU_FAIL("message differs from the .expected file");
    }
    free(expected);
    cases++;
  }
  closedir(dir);
  CU_ASSERT(cases >= 25);
  /* Unreadable files. */
  CU_ASSERT_EQUAL(run_open(&r, "no-such-stations.csv", "good-obs.csv", WC_MISSING_ERROR, 1, cells, 32650,
                           date(2000, 1, 1), date(2000, 1, 2), 21600),
                  WC_ERR_IO);
  CU_ASSERT_EQUAL(run_open(&r, "stations.csv", "no-such-obs.csv", WC_MISSING_ERROR, 1, cells, 32650, date(2000, 1, 1),
                           date(2000, 1, 2), 21600),
                  WC_ERR_IO);
  /* A step that does not match the file's. */
  CU_ASSERT_EQUAL(run_open(&r, "stations.csv", "good-obs.csv", WC_MISSING_ERROR, 1, cells, 32650, date(2000, 1, 1),
                           date(2000, 1, 2), 10800),
                  WC_ERR_INPUT);
  CU_ASSERT_STRING_EQUAL(wc_error_message(),
                         "good-obs.csv:4: time 2000-01-01T06:00 leaves a gap after 2000-01-01; expected "
                         "2000-01-01T03:00 next (time step 10800 s)");
  CU_ASSERT_EQUAL(chdir(".."), 0);
}

int main(int argc, char **argv) {
  CU_TestInfo tests[] = {WC_TEST(test_idw_at_station_and_between),
                         WC_TEST(test_idw_weights_nearest_first),
                         WC_TEST(test_stations_by_lon_lat),
                         WC_TEST(test_tmin_tmax_columns),
                         WC_TEST(test_hourly_extremes_and_interpolation),
                         WC_TEST(test_missing_policies),
                         WC_TEST(test_missing_without_fallback),
                         WC_TEST(test_long_file_bounded_buffer),
                         WC_TEST(test_factor_offset_and_subsets),
                         WC_TEST(test_broken_files),
                         CU_TEST_INFO_NULL};
  CU_SuiteInfo suites[] = {{"stations", enter_data_dir, leave_data_dir, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
  return wc_test_run(argc, argv, suites, 0);
}
