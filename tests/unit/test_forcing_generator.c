/*
 * test_forcing_generator.c — the weather generator and its climate files.
 *
 * What is checked against what:
 *  - the built-in .weather files parse, and every broken file in tests/forcing/bad/ fails
 *    with exactly the message in its .expected file;
 *  - the seasonal curve's averages over the calendar months are the monthly values;
 *  - same seed: bitwise the same series; another seed: a different one;
 *  - 100 simulated years against the parameters: wet-day frequency per month within four
 *    standard errors (inflated for the Markov chain's persistence), annual precipitation
 *    within 4% and four standard errors of the climate's implied mean, monthly mean
 *    temperatures, seasonal amplitude and daily ranges within a few tenths of a degree;
 *  - hourly and 1-minute intervals add up to the daily values (1e-12), also for a period
 *    starting at 06:00 with a daily step;
 *  - a cell's values do not depend on which other cells are asked for (bitwise);
 *  - lapse rate and precipitation gradient with elevation, factor and offset;
 *  - misuse (going back in time, off-grid intervals, bad steps) fails cleanly.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wc_forcing.h"
#include "wc_rng.h"
#include "wc_test.h"
#include "wc_weather.h"

static wc_weather_climate chaobai, yongding;

static wc_time_s date(int y, int m, int d) { return wc_days_from_civil(y, m, d) * WC_SECONDS_PER_DAY; }

static int read_climates(void) {
  if (wc_weather_climate_read(wc_test_source_path("scenarios/basins/chaobai.weather"), &chaobai) != WC_OK) {
    fprintf(stderr, "%s\n", wc_error_message());
    return 1;
  }
  if (wc_weather_climate_read(wc_test_source_path("scenarios/basins/yongding.weather"), &yongding) != WC_OK) {
    fprintf(stderr, "%s\n", wc_error_message());
    return 1;
  }
  return 0;
}

/* A forcing for cells at the given elevations (x, y unused by the generator). */
typedef struct run {
  wc_forcing *forcing;
  int32_t n;
  double *x, *y, *z;
  double *p, *t, *tmin, *tmax;
  wc_forcing_values values;
} run;

static void run_open(run *r, const wc_weather_climate *c, int64_t seed, int32_t n, const double *z, wc_time_s start,
                     double step_s) {
  memset(r, 0, sizeof *r);
  r->n = n;
  r->x = calloc((size_t)n + 1, sizeof(double));
  r->y = calloc((size_t)n + 1, sizeof(double));
  r->z = calloc((size_t)n + 1, sizeof(double));
  r->p = calloc((size_t)n + 1, sizeof(double));
  r->t = calloc((size_t)n + 1, sizeof(double));
  r->tmin = calloc((size_t)n + 1, sizeof(double));
  r->tmax = calloc((size_t)n + 1, sizeof(double));
  memcpy(r->z, z, (size_t)n * sizeof(double));
  wc_forcing_cells cells = {n, r->x, r->y, r->z, NULL, 32650};
  r->values = (wc_forcing_values){r->p, r->t, r->tmin, r->tmax};
  wc_status status = wc_forcing_create_generator(c, seed, &cells, start, step_s, 1.0, 0.0, &r->forcing);
  if (status != WC_OK) fprintf(stderr, "%s\n", wc_error_message());
  CU_ASSERT_EQUAL_FATAL(status, WC_OK);
}

static wc_status run_next(run *r, wc_time_s t) { return wc_forcing_next(r->forcing, t, &r->values); }

static void run_close(run *r) {
  wc_forcing_destroy(&r->forcing);
  CU_ASSERT_PTR_NULL(r->forcing);
  free(r->x);
  free(r->y);
  free(r->z);
  free(r->p);
  free(r->t);
  free(r->tmin);
  free(r->tmax);
}

/* ---- climate files --------------------------------------------------------------------- */

static void test_builtin_files_parse(void) {
  CU_ASSERT_STRING_EQUAL(chaobai.name, "chaobai");
  CU_ASSERT_STRING_EQUAL(yongding.name, "yongding");
  CU_ASSERT_EQUAL(chaobai.reference_elevation_m, 500.0);
  CU_ASSERT_EQUAL(yongding.reference_elevation_m, 1000.0);
  CU_ASSERT_EQUAL(chaobai.lapse_c_per_km, -6.5);
  CU_ASSERT_EQUAL(wc_weather_climate_check(&chaobai), WC_OK);
  CU_ASSERT_EQUAL(wc_weather_climate_check(&yongding), WC_OK);
  /* The targets the files were built for (WEATHER.md). */
  double p_c = wc_weather_expected_annual_mm(&chaobai), p_y = wc_weather_expected_annual_mm(&yongding);
  double jjas = 0;
  for (int m = 6; m <= 9; m++) jjas += wc_weather_expected_month_mm(&chaobai, m);
  CU_ASSERT(p_c >= 480 && p_c <= 520);
  CU_ASSERT(jjas / p_c >= 0.70 && jjas / p_c <= 0.75);
  CU_ASSERT(p_y >= 380 && p_y <= 420);
  double t_c = 0, t_y = 0;
  for (int m = 0; m < 12; m++) {
    t_c += chaobai.month[m].temperature_mean_c / 12;
    t_y += yongding.month[m].temperature_mean_c / 12;
  }
  CU_ASSERT(t_c >= 8 && t_c <= 9);
  CU_ASSERT(t_y >= 6 && t_y <= 8);
  printf("\n  implied: chaobai %.1f mm/yr (%.1f%% Jun-Sep), %.2f C; yongding %.1f mm/yr, %.2f C\n", p_c,
         100 * jjas / p_c, t_c, p_y, t_y);
}

static char *read_text(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return NULL;
  char *text = calloc(1, 8192);
  size_t n = fread(text, 1, 8191, f);
  fclose(f);
  while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r')) text[--n] = '\0';
  return text;
}

static void test_broken_climate_files(void) {
  char cwd[4096];
  CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof cwd));
  CU_ASSERT_EQUAL_FATAL(chdir(wc_test_source_path("tests/forcing/bad")), 0);
  DIR *dir = opendir(".");
  CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
  int cases = 0;
  for (struct dirent *e; (e = readdir(dir)) != NULL;) {
    size_t n = strlen(e->d_name);
    if (n < 9 || strcmp(e->d_name + n - 8, ".weather") != 0) continue;
    char expected_path[512];
    snprintf(expected_path, sizeof expected_path, "%.*s.expected", (int)(n - 8), e->d_name);
    char *expected = read_text(expected_path);
    CU_ASSERT_PTR_NOT_NULL(expected);
    if (!expected) continue;
    wc_weather_climate c;
    wc_status status = wc_weather_climate_read(e->d_name, &c);
    CU_ASSERT_EQUAL(status, WC_ERR_INPUT);
    if (strcmp(wc_error_message(), expected) != 0) {
      fprintf(stderr, "\n%s:\n  expected: %s\n  got:      %s\n", e->d_name, expected, wc_error_message());
      CU_FAIL("message differs from the .expected file");
    }
    free(expected);
    cases++;
  }
  closedir(dir);
  CU_ASSERT(cases >= 10);
  CU_ASSERT_EQUAL(chdir(cwd), 0);
  wc_weather_climate c;
  CU_ASSERT_EQUAL(wc_weather_climate_read("/nonexistent/x.weather", &c), WC_ERR_IO);
}

static void test_check_rejects_bad_values(void) {
  wc_weather_climate c = chaobai;
  c.month[6].p_wet_given_dry = 1.5;
  CU_ASSERT_EQUAL(wc_weather_climate_check(&c), WC_ERR_INPUT);
  CU_ASSERT_STRING_EQUAL(wc_error_message(),
                         "climate chaobai: month 7 p_wd = 1.5 is out of range; expected a probability, 0..1");
  c = chaobai;
  c.temperature_ar1 = NAN;
  CU_ASSERT_EQUAL(wc_weather_climate_check(&c), WC_ERR_INPUT);
}

/* ---- seasonal curve -------------------------------------------------------------------- */

static void test_seasonal_curve_month_means(void) {
  double monthly[12];
  for (int m = 0; m < 12; m++) monthly[m] = chaobai.month[m].temperature_mean_c;
  wc_seasonal_curve curve;
  wc_seasonal_curve_fit(monthly, &curve);
  for (int m = 0; m < 12; m++) {
    /* Midpoint rule with 2000 points per twelfth: error ~1e-7 for this smooth curve. */
    double sum = 0;
    for (int k = 0; k < 2000; k++) sum += wc_seasonal_curve_eval(&curve, (m + (k + 0.5) / 2000.0) / 12.0);
    CU_ASSERT(fabs(sum / 2000.0 - monthly[m]) < 1e-6);
  }
  /* Continuous across the year's end. */
  CU_ASSERT(fabs(wc_seasonal_curve_eval(&curve, 0.0) - wc_seasonal_curve_eval(&curve, 1.0)) < 1e-9);
  /* Month-based year fraction: 1 Jan 00:00..31 Jan map into the first twelfth. */
  CU_ASSERT(fabs(wc_year_fraction_of_day(wc_days_from_civil(2001, 1, 1)) - 0.5 / 31 / 12) < 1e-15);
  CU_ASSERT(fabs(wc_year_fraction_of_day(wc_days_from_civil(2000, 2, 29)) - (1 + 28.5 / 29) / 12) < 1e-15);
}

/* ---- the random stream ----------------------------------------------------------------- */

static void test_rng_is_portable(void) {
  /* xoshiro256** from a fixed state: the reference values of the authors' C code for
   * s = {1, 2, 3, 4}. */
  wc_rng rng = {{1, 2, 3, 4}};
  CU_ASSERT_EQUAL(wc_rng_next(&rng), UINT64_C(11520));
  CU_ASSERT_EQUAL(wc_rng_next(&rng), UINT64_C(0));
  CU_ASSERT_EQUAL(wc_rng_next(&rng), UINT64_C(1509978240));
  CU_ASSERT_EQUAL(wc_rng_next(&rng), UINT64_C(1215971899390074240));
  /* Seeding is a pure function of (seed, key). */
  wc_rng a, b;
  wc_rng_seed(&a, 42, 7);
  wc_rng_seed(&b, 42, 7);
  CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof a), 0);
  wc_rng_seed(&b, 42, 8);
  CU_ASSERT_NOT_EQUAL(memcmp(&a, &b, sizeof a), 0);
  /* Gamma mean and variance (shape 0.75 and 3): 200,000 draws, 5 standard errors. */
  const double shapes[2] = {0.75, 3.0};
  for (int j = 0; j < 2; j++) {
    wc_rng_seed(&a, 1, (uint64_t)j);
    double sum = 0, sum2 = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
      double g = wc_rng_gamma(&a, shapes[j]);
      sum += g;
      sum2 += g * g;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    CU_ASSERT(fabs(mean - shapes[j]) < 5 * sqrt(shapes[j] / n));
    CU_ASSERT(fabs(var / shapes[j] - 1) < 0.03);
  }
}

/* ---- reproducibility ------------------------------------------------------------------- */

static void series(const wc_weather_climate *c, int64_t seed, double *out, int days) {
  const double z[3] = {300, 500, 1400};
  run r;
  run_open(&r, c, seed, 3, z, date(2001, 1, 1), 86400);
  for (int d = 0; d < days; d++) {
    CU_ASSERT_EQUAL_FATAL(run_next(&r, date(2001, 1, 1) + (wc_time_s)d * 86400), WC_OK);
    for (int i = 0; i < 3; i++) {
      out[(d * 3 + i) * 4 + 0] = r.p[i];
      out[(d * 3 + i) * 4 + 1] = r.t[i];
      out[(d * 3 + i) * 4 + 2] = r.tmin[i];
      out[(d * 3 + i) * 4 + 3] = r.tmax[i];
    }
  }
  run_close(&r);
}

static void test_same_seed_same_series(void) {
  enum { DAYS = 730 };
  double *a = calloc(DAYS * 12, sizeof(double)), *b = calloc(DAYS * 12, sizeof(double));
  series(&chaobai, 12345, a, DAYS);
  series(&chaobai, 12345, b, DAYS);
  CU_ASSERT_EQUAL(memcmp(a, b, DAYS * 12 * sizeof(double)), 0);
  series(&chaobai, 12346, b, DAYS);
  int differ = 0;
  for (int i = 0; i < DAYS * 12; i++) differ += a[i] != b[i];
  CU_ASSERT(differ > DAYS * 6);
  /* Wet days exist and precipitation is never negative. */
  int wet = 0;
  for (int d = 0; d < DAYS; d++) {
    CU_ASSERT(a[d * 12] >= 0);
    wet += a[d * 12] > 0;
  }
  CU_ASSERT(wet > 100 && wet < 200);
  free(a);
  free(b);
}

/* Golden values: chaobai, seed 1, one cell at 500 m, daily, 2001. They pin the stream
 * (xoshiro256**, the per-day seeding, the order of draws): a change here changes every
 * scenario's weather, so it must be deliberate (update these numbers and say so). */
static void test_golden_values(void) {
  const double z = 500;
  run r;
  run_open(&r, &chaobai, 1, 1, &z, date(2001, 1, 1), 86400);
  double p = 0, t = 0, range = 0;
  for (int d = 0; d < 365; d++) {
    CU_ASSERT_EQUAL_FATAL(run_next(&r, date(2001, 1, 1) + d * 86400), WC_OK);
    p += r.p[0];
    t += r.t[0];
    range += r.tmax[0] - r.tmin[0];
  }
  run_close(&r);
  CU_ASSERT(fabs(p / 645.83078368659517 - 1) < 1e-12);
  CU_ASSERT(fabs(t / 3326.8997784508174 - 1) < 1e-12);
  CU_ASSERT(fabs(range / 4570.2921441161225 - 1) < 1e-12);
}

/* Skipping intervals gives the same values as asking for each (restart from a checkpoint). */
static void test_skip_ahead_matches_sequential(void) {
  const double z = 700;
  run a, b;
  run_open(&a, &chaobai, 9, 1, &z, date(2003, 5, 1), 3600);
  run_open(&b, &chaobai, 9, 1, &z, date(2003, 5, 1), 3600);
  const wc_time_s target = date(2003, 8, 17) + 13 * 3600;
  for (wc_time_s t = date(2003, 5, 1); t <= target; t += 3600) CU_ASSERT_EQUAL_FATAL(run_next(&a, t), WC_OK);
  CU_ASSERT_EQUAL(run_next(&b, target), WC_OK);
  CU_ASSERT_EQUAL(a.p[0], b.p[0]);
  CU_ASSERT_EQUAL(a.t[0], b.t[0]);
  CU_ASSERT_EQUAL(a.tmin[0], b.tmin[0]);
  CU_ASSERT_EQUAL(a.tmax[0], b.tmax[0]);
  run_close(&a);
  run_close(&b);
}

/* ---- statistics over 100 years ---------------------------------------------------------- */

typedef struct stats {
  double annual_mean_mm, annual_sd_mm, jjas_share, temperature_mean_c;
} stats;

static void check_statistics(const wc_weather_climate *c, int64_t seed, stats *result) {
  enum { YEARS = 100 };
  const double z = c->reference_elevation_m;
  run r;
  run_open(&r, c, seed, 1, &z, date(1901, 1, 1), 86400);
  int64_t wet[12] = {0}, days[12] = {0};
  double tsum[12] = {0}, rsum[12] = {0}, psum[12] = {0};
  double annual[YEARS] = {0}, tall = 0;
  int64_t ndays = 0;
  for (int year = 0; year < YEARS; year++) {
    for (int64_t d = wc_days_from_civil(1901 + year, 1, 1); d < wc_days_from_civil(1902 + year, 1, 1); d++) {
      CU_ASSERT_EQUAL_FATAL(run_next(&r, d * 86400), WC_OK);
      int y, m, dd;
      wc_civil_from_days(d, &y, &m, &dd);
      days[m - 1]++;
      wet[m - 1] += r.p[0] > 0;
      psum[m - 1] += r.p[0];
      tsum[m - 1] += r.t[0];
      rsum[m - 1] += r.tmax[0] - r.tmin[0];
      annual[year] += r.p[0];
      tall += r.t[0];
      ndays++;
    }
  }
  run_close(&r);
  for (int m = 0; m < 12; m++) {
    const wc_weather_month *mp = &c->month[m];
    double pi = wc_weather_wet_day_fraction(c, m + 1);
    double rho = mp->p_wet_given_wet - mp->p_wet_given_dry; /* lag-1 autocorrelation of wet/dry */
    double se = sqrt(pi * (1 - pi) / days[m] * (1 + rho) / (1 - rho));
    double freq = (double)wet[m] / days[m];
    if (fabs(freq - pi) > 4 * se) {
      fprintf(stderr, "\n%s month %d: wet-day frequency %.4f, expected %.4f +- %.4f\n", c->name, m + 1, freq, pi, se);
      CU_FAIL("wet-day frequency outside 4 standard errors");
    }
    /* Monthly mean temperature: the seasonal curve's month mean plus a mean anomaly whose
     * standard error is sd * sqrt((1 + phi) / (1 - phi) / n): ~0.2 C; allow 0.6 C. */
    double tmean = tsum[m] / days[m];
    if (fabs(tmean - mp->temperature_mean_c) > 0.6) {
      fprintf(stderr, "\n%s month %d: mean temperature %.2f, expected %.2f\n", c->name, m + 1, tmean,
              mp->temperature_mean_c);
      CU_FAIL("monthly mean temperature off by more than 0.6 C");
    }
    double range = rsum[m] / days[m];
    if (fabs(range - mp->temperature_range_c) > 0.4) {
      fprintf(stderr, "\n%s month %d: mean daily range %.2f, expected %.2f\n", c->name, m + 1, range,
              mp->temperature_range_c);
      CU_FAIL("monthly mean daily range off by more than 0.4 C");
    }
  }
  double mean = 0, var = 0;
  for (int y = 0; y < YEARS; y++) mean += annual[y] / YEARS;
  for (int y = 0; y < YEARS; y++) var += (annual[y] - mean) * (annual[y] - mean) / (YEARS - 1);
  double expected = wc_weather_expected_annual_mm(c);
  double se = sqrt(var / YEARS);
  if (fabs(mean - expected) > 4 * se || fabs(mean / expected - 1) > 0.04) {
    fprintf(stderr, "\n%s: annual precipitation %.1f mm, expected %.1f +- %.1f\n", c->name, mean, expected, se);
    CU_FAIL("annual precipitation off");
  }
  /* Seasonal amplitude: July minus January, against the file. */
  double amplitude = tsum[6] / days[6] - tsum[0] / days[0];
  double amplitude_file = c->month[6].temperature_mean_c - c->month[0].temperature_mean_c;
  CU_ASSERT(fabs(amplitude - amplitude_file) < 0.8);
  double jjas = (psum[5] + psum[6] + psum[7] + psum[8]) / (psum[0] + psum[1] + psum[2] + psum[3] + psum[4] + psum[5] +
                                                          psum[6] + psum[7] + psum[8] + psum[9] + psum[10] + psum[11]);
  result->annual_mean_mm = mean;
  result->annual_sd_mm = sqrt(var);
  result->jjas_share = jjas;
  result->temperature_mean_c = tall / (double)ndays;
}

static void test_statistics_100_years(void) {
  stats s_c, s_y;
  check_statistics(&chaobai, 2024, &s_c);
  check_statistics(&yongding, 2024, &s_y);
  printf("\n  100 years, seed 2024: chaobai %.1f mm/yr (sd %.1f, %.1f%% Jun-Sep), %.2f C at %.0f m;"
         " yongding %.1f mm/yr (sd %.1f, %.1f%% Jun-Sep), %.2f C at %.0f m\n",
         s_c.annual_mean_mm, s_c.annual_sd_mm, 100 * s_c.jjas_share, s_c.temperature_mean_c,
         chaobai.reference_elevation_m, s_y.annual_mean_mm, s_y.annual_sd_mm, 100 * s_y.jjas_share,
         s_y.temperature_mean_c, yongding.reference_elevation_m);
  CU_ASSERT(s_c.temperature_mean_c > 8 && s_c.temperature_mean_c < 9.5);
  CU_ASSERT(s_y.temperature_mean_c > 6 && s_y.temperature_mean_c < 8);
}

/* ---- sub-daily intervals ------------------------------------------------------------- */

/* Every day of `days` from `start`: the daily interval equals the sum (precipitation) and
 * mean (temperature) of the sub-daily ones, to 1e-12; Tmin/Tmax identical. */
static void compare_sub_daily(const wc_weather_climate *c, wc_time_s start, int days, double step_s) {
  const double z[2] = {c->reference_elevation_m, 1850.0};
  run daily, fine;
  run_open(&daily, c, 77, 2, z, start, 86400);
  run_open(&fine, c, 77, 2, z, start, step_s);
  const int per_day = (int)(86400 / step_s);
  double worst_p = 0, worst_t = 0;
  int wet_days = 0, split_days = 0;
  for (int d = 0; d < days; d++) {
    const wc_time_s t0 = start + (wc_time_s)d * 86400;
    CU_ASSERT_EQUAL_FATAL(run_next(&daily, t0), WC_OK);
    double p[2] = {0, 0}, t[2] = {0, 0};
    int wet_intervals = 0;
    for (int k = 0; k < per_day; k++) {
      CU_ASSERT_EQUAL_FATAL(run_next(&fine, t0 + (wc_time_s)(k * step_s)), WC_OK);
      for (int i = 0; i < 2; i++) {
        p[i] += fine.p[i];
        t[i] += fine.t[i] / per_day;
        if (k == 0 && start % 86400 == 0) {
          CU_ASSERT_EQUAL(fine.tmin[i], daily.tmin[i]);
          CU_ASSERT_EQUAL(fine.tmax[i], daily.tmax[i]);
        }
      }
      wet_intervals += fine.p[0] > 0;
    }
    for (int i = 0; i < 2; i++) {
      worst_p = fmax(worst_p, fabs(p[i] - daily.p[i]));
      worst_t = fmax(worst_t, fabs(t[i] - daily.t[i]));
    }
    if (daily.p[0] > 0) {
      wet_days++;
      /* Storm shape: rain falls in part of the day only. */
      if (c->precipitation_shape == WC_PRECIP_STORM && wet_intervals < per_day) split_days++;
    }
  }
  CU_ASSERT(worst_p <= 1e-12);
  CU_ASSERT(worst_t <= 1e-12);
  if (worst_p > 1e-12 || worst_t > 1e-12)
    fprintf(stderr, "\nstep %g: worst precipitation %.3g mm, temperature %.3g C\n", step_s, worst_p, worst_t);
  CU_ASSERT(wet_days > 0);
  if (c->precipitation_shape == WC_PRECIP_STORM) CU_ASSERT(split_days > wet_days / 2);
  run_close(&daily);
  run_close(&fine);
}

static void test_hourly_equals_daily(void) { compare_sub_daily(&chaobai, date(2000, 1, 1), 3 * 366, 3600); }

static void test_one_minute_equals_daily(void) {
  compare_sub_daily(&chaobai, date(2000, 6, 1), 61, 60);
  wc_weather_climate uniform = yongding;
  uniform.precipitation_shape = WC_PRECIP_UNIFORM;
  compare_sub_daily(&uniform, date(2000, 7, 1), 31, 60);
}

/* A period starting at 06:00 with a daily step: each daily interval straddles midnight and
 * still equals the sum of the 24 hourly intervals it covers. */
static void test_daily_step_off_midnight(void) {
  compare_sub_daily(&yongding, date(2001, 7, 1) + 6 * 3600, 60, 3600);
  compare_sub_daily(&yongding, date(2001, 7, 1) + 6 * 3600, 20, 900);
}

/* The diurnal curve: coldest at dawn, warmest in the afternoon, through Tmin and Tmax. */
static void test_diurnal_curve(void) {
  const double z = 500;
  run r;
  run_open(&r, &chaobai, 5, 1, &z, date(2002, 4, 10), 60);
  double lo = INFINITY, hi = -INFINITY;
  int lo_minute = -1, hi_minute = -1;
  for (int k = 0; k < 1440; k++) {
    CU_ASSERT_EQUAL_FATAL(run_next(&r, date(2002, 4, 10) + k * 60), WC_OK);
    if (r.t[0] < lo) lo = r.t[0], lo_minute = k;
    if (r.t[0] > hi) hi = r.t[0], hi_minute = k;
  }
  CU_ASSERT(abs(lo_minute - 6 * 60) <= 1);
  CU_ASSERT(abs(hi_minute - 15 * 60) <= 1);
  CU_ASSERT(fabs(lo - r.tmin[0]) < 1e-3);
  CU_ASSERT(fabs(hi - r.tmax[0]) < 1e-3);
  run_close(&r);
}

/* ---- cells ---------------------------------------------------------------------------- */

static void test_values_independent_of_cell_subset(void) {
  enum { N = 50, DAYS = 40 };
  double z[N], sub_z[N];
  int sub_index[N], n_sub = 0;
  wc_rng rng;
  wc_rng_seed(&rng, 3, 3);
  for (int i = 0; i < N; i++) z[i] = 100 + 2500 * wc_rng_uniform(&rng);
  for (int i = N - 1; i >= 0; i -= 3) { /* a different subset, in a different order */
    sub_index[n_sub] = i;
    sub_z[n_sub++] = z[i];
  }
  run all, sub;
  run_open(&all, &chaobai, 31, N, z, date(2005, 7, 1), 10800);
  run_open(&sub, &chaobai, 31, n_sub, sub_z, date(2005, 7, 1), 10800);
  int mismatches = 0;
  for (int k = 0; k < DAYS * 8; k++) {
    wc_time_s t = date(2005, 7, 1) + (wc_time_s)k * 10800;
    CU_ASSERT_EQUAL_FATAL(run_next(&all, t), WC_OK);
    CU_ASSERT_EQUAL_FATAL(run_next(&sub, t), WC_OK);
    for (int j = 0; j < n_sub; j++) {
      int i = sub_index[j];
      mismatches += memcmp(&all.p[i], &sub.p[j], sizeof(double)) != 0;
      mismatches += memcmp(&all.t[i], &sub.t[j], sizeof(double)) != 0;
      mismatches += memcmp(&all.tmin[i], &sub.tmin[j], sizeof(double)) != 0;
      mismatches += memcmp(&all.tmax[i], &sub.tmax[j], sizeof(double)) != 0;
    }
  }
  CU_ASSERT_EQUAL(mismatches, 0);
  run_close(&all);
  run_close(&sub);
}

static void test_lapse_rate_and_gradient(void) {
  wc_weather_climate c = chaobai;
  c.precipitation_gradient_per_km = 0.1;
  const double z[3] = {500, 1500, 2500};
  run r;
  run_open(&r, &c, 8, 3, z, date(2004, 7, 1), 3600);
  int wet = 0;
  for (int k = 0; k < 24 * 30; k++) {
    CU_ASSERT_EQUAL_FATAL(run_next(&r, date(2004, 7, 1) + k * 3600), WC_OK);
    CU_ASSERT(fabs((r.t[1] - r.t[0]) - (-6.5)) < 1e-12);
    CU_ASSERT(fabs((r.t[2] - r.t[0]) - (-13.0)) < 1e-12);
    CU_ASSERT(fabs((r.tmin[1] - r.tmin[0]) - (-6.5)) < 1e-12);
    CU_ASSERT(fabs((r.tmax[2] - r.tmax[0]) - (-13.0)) < 1e-12);
    CU_ASSERT(fabs(r.p[1] - 1.1 * r.p[0]) <= 1e-12 * (1 + r.p[0]));
    CU_ASSERT(fabs(r.p[2] - 1.2 * r.p[0]) <= 1e-12 * (1 + r.p[0]));
    wet += r.p[0] > 0;
  }
  CU_ASSERT(wet > 0);
  run_close(&r);
}

static void test_factor_and_offset(void) {
  const double z[1] = {800};
  double x[1] = {0}, y[1] = {0};
  wc_forcing_cells cells = {1, x, y, z, NULL, 0};
  wc_forcing *plain = NULL, *adjusted = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_forcing_create_generator(&chaobai, 4, &cells, date(2006, 1, 1), 86400, 1.0, 0.0, &plain), WC_OK);
  CU_ASSERT_EQUAL_FATAL(wc_forcing_create_generator(&chaobai, 4, &cells, date(2006, 1, 1), 86400, 1.2, 2.0, &adjusted),
                        WC_OK);
  CU_ASSERT_STRING_EQUAL(wc_forcing_name(plain), "generator");
  CU_ASSERT_EQUAL(wc_forcing_cell_count(plain), 1);
  CU_ASSERT_EQUAL(wc_forcing_step_s(plain), 86400.0);
  for (int d = 0; d < 365; d++) {
    double p0, t0, lo0, hi0, p1, t1, lo1, hi1;
    wc_forcing_values v0 = {&p0, &t0, &lo0, &hi0}, v1 = {&p1, &t1, &lo1, &hi1};
    CU_ASSERT_EQUAL_FATAL(wc_forcing_next(plain, date(2006, 1, 1) + d * 86400, &v0), WC_OK);
    CU_ASSERT_EQUAL_FATAL(wc_forcing_next(adjusted, date(2006, 1, 1) + d * 86400, &v1), WC_OK);
    CU_ASSERT_EQUAL(p1, p0 * 1.2);
    CU_ASSERT_EQUAL(t1, t0 + 2.0);
    CU_ASSERT_EQUAL(lo1, lo0 + 2.0);
    CU_ASSERT_EQUAL(hi1, hi0 + 2.0);
  }
  wc_forcing_destroy(&plain);
  wc_forcing_destroy(&adjusted);
  wc_forcing_destroy(&adjusted); /* NULL is fine */
  wc_forcing_destroy(NULL);
}

/* Min/max pointers may be NULL; zero cells are fine. */
static void test_optional_outputs(void) {
  const double z = 500;
  double x = 0, y = 0, p, t;
  wc_forcing_cells cells = {1, &x, &y, &z, NULL, 0};
  wc_forcing *f = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_forcing_create_generator(&chaobai, 1, &cells, date(2006, 1, 1), 3600, 1, 0, &f), WC_OK);
  wc_forcing_values v = {&p, &t, NULL, NULL};
  CU_ASSERT_EQUAL(wc_forcing_next(f, date(2006, 1, 1), &v), WC_OK);
  wc_forcing_destroy(&f);
  wc_forcing_cells none = {0, NULL, NULL, NULL, NULL, 0};
  CU_ASSERT_EQUAL_FATAL(wc_forcing_create_generator(&chaobai, 1, &none, date(2006, 1, 1), 3600, 1, 0, &f), WC_OK);
  wc_forcing_values empty = {NULL, NULL, NULL, NULL};
  CU_ASSERT_EQUAL(wc_forcing_next(f, date(2006, 1, 1), &empty), WC_OK);
  wc_forcing_destroy(&f);
}

/* ---- misuse ---------------------------------------------------------------------------- */

static void test_misuse_fails_cleanly(void) {
  const double z = 500;
  double x = 0, y = 0, p, t;
  wc_forcing_cells cells = {1, &x, &y, &z, NULL, 0};
  wc_forcing *f = NULL;
  const double bad_steps[] = {0, 30, 59, 61, 7, 7000, 86401, 172800, 3600.5, NAN};
  for (size_t i = 0; i < sizeof bad_steps / sizeof *bad_steps; i++) {
    CU_ASSERT_EQUAL(wc_forcing_create_generator(&chaobai, 1, &cells, date(2006, 1, 1), bad_steps[i], 1, 0, &f),
                    WC_ERR_INPUT);
    CU_ASSERT_PTR_NULL(f);
  }
  CU_ASSERT_EQUAL(wc_forcing_create_generator(&chaobai, 1, &cells, date(2006, 1, 1), 7000, 1, 0, &f), WC_ERR_INPUT);
  CU_ASSERT_STRING_EQUAL(wc_error_message(),
                         "weather generator: time step 7000 s is not allowed; the forcing interval is 60 s .. 1 "
                         "day, a whole number of seconds that divides a day (60, 300, 600, 900, 1800, 3600, "
                         "10800, 86400, ...)");
  CU_ASSERT_EQUAL(wc_forcing_create_generator(&chaobai, 1, &cells, date(2006, 1, 1), 3600, -1, 0, &f), WC_ERR_INPUT);
  const double bad_z = NAN;
  wc_forcing_cells bad_cells = {1, &x, &y, &bad_z, NULL, 0};
  CU_ASSERT_EQUAL(wc_forcing_create_generator(&chaobai, 1, &bad_cells, date(2006, 1, 1), 3600, 1, 0, &f),
                  WC_ERR_INPUT);
  CU_ASSERT_PTR_NULL(f);

  CU_ASSERT_EQUAL_FATAL(wc_forcing_create_generator(&chaobai, 1, &cells, date(2006, 1, 1), 3600, 1, 0, &f), WC_OK);
  wc_forcing_values v = {&p, &t, NULL, NULL};
  CU_ASSERT_EQUAL(wc_forcing_next(f, date(2006, 1, 1) + 7200, &v), WC_OK);
  CU_ASSERT_EQUAL(wc_forcing_next(f, date(2006, 1, 1) + 3600, &v), WC_ERR_INTERNAL);
  CU_ASSERT_STRING_EQUAL(wc_error_message(),
                         "generator forcing: interval 2006-01-01T01:00 asked for after 2006-01-01T02:00; "
                         "intervals must be asked for in increasing order");
  CU_ASSERT_EQUAL(wc_forcing_next(f, date(2006, 1, 1) + 7200, &v), WC_ERR_INTERNAL);
  CU_ASSERT_EQUAL(wc_forcing_next(f, date(2006, 1, 1) + 9000, &v), WC_ERR_INTERNAL);
  CU_ASSERT_STRING_EQUAL(wc_error_message(),
                         "generator forcing: interval 2006-01-01T02:30 is not on the step grid (start 2006-01-01, "
                         "step 3600 s)");
  CU_ASSERT_EQUAL(wc_forcing_next(f, date(2005, 12, 31), &v), WC_ERR_INTERNAL);
  CU_ASSERT_EQUAL(wc_forcing_next(f, date(2006, 1, 1) + 10800, &v), WC_OK); /* still usable */
  wc_forcing_destroy(&f);
}

int main(int argc, char **argv) {
  CU_TestInfo climate_tests[] = {WC_TEST(test_builtin_files_parse), WC_TEST(test_broken_climate_files),
                                 WC_TEST(test_check_rejects_bad_values), WC_TEST(test_seasonal_curve_month_means),
                                 CU_TEST_INFO_NULL};
  CU_TestInfo generator_tests[] = {WC_TEST(test_rng_is_portable),
                                   WC_TEST(test_same_seed_same_series),
                                   WC_TEST(test_golden_values),
                                   WC_TEST(test_skip_ahead_matches_sequential),
                                   WC_TEST(test_statistics_100_years),
                                   WC_TEST(test_hourly_equals_daily),
                                   WC_TEST(test_one_minute_equals_daily),
                                   WC_TEST(test_daily_step_off_midnight),
                                   WC_TEST(test_diurnal_curve),
                                   WC_TEST(test_values_independent_of_cell_subset),
                                   WC_TEST(test_lapse_rate_and_gradient),
                                   WC_TEST(test_factor_and_offset),
                                   WC_TEST(test_optional_outputs),
                                   WC_TEST(test_misuse_fails_cleanly),
                                   CU_TEST_INFO_NULL};
  CU_SuiteInfo suites[] = {{"climate", read_climates, NULL, NULL, NULL, climate_tests},
                           {"generator", read_climates, NULL, NULL, NULL, generator_tests},
                           CU_SUITE_INFO_NULL};
  return wc_test_run(argc, argv, suites, 0);
}
