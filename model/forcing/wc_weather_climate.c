/*
 * wc_weather_climate.c — the .weather file reader, range checks, and the climate's
 * implied statistics (expected precipitation, seasonal curves).
 *
 * Format (scenarios/basins/WEATHER.md): line-oriented text, '#' starts a comment; the
 * first record is "wcsim-weather 1"; then "key value" records and twelve
 * "month M p_wd p_ww wet_mm tmean_c trange_c tsd_c" records. Plain stdio: this is a small
 * parameter file, not a data file, so it belongs with the model that uses it.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_time.h"
#include "wc_weather.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---- ranges, shared by the reader and wc_weather_climate_check ------------------------ */

typedef struct range {
  const char *key;
  size_t offset; /* of the double in wc_weather_climate or wc_weather_month */
  double min, max;
  bool min_open, max_open; /* exclusive bounds */
  bool required;
  const char *allowed; /* what to say when out of range */
} range;

#define CLIMATE_FIELD(f) offsetof(wc_weather_climate, f)
#define MONTH_FIELD(f) offsetof(wc_weather_month, f)

static const range CLIMATE_RANGES[] = {
    {"reference_elevation_m", CLIMATE_FIELD(reference_elevation_m), -500, 9000, false, false, true,
     "an elevation in metres, -500..9000"},
    {"lapse_c_per_km", CLIMATE_FIELD(lapse_c_per_km), -15, 5, false, false, false,
     "degrees C per km, -15..5 (the standard atmosphere's is -6.5)"},
    {"precipitation_gradient_per_km", CLIMATE_FIELD(precipitation_gradient_per_km), -0.9, 2, false,
     false, false, "a relative change per km, -0.9..2 (0.1 = +10% per km)"},
    {"wet_amount_shape", CLIMATE_FIELD(wet_amount_shape), 0.05, 20, false, false, false,
     "a gamma shape parameter, 0.05..20 (daily rain typically 0.5..1)"},
    {"temperature_ar1", CLIMATE_FIELD(temperature_ar1), 0, 1, false, true, false,
     "a lag-1 autocorrelation, 0 <= r < 1"},
    {"wet_day_range_factor", CLIMATE_FIELD(wet_day_range_factor), 0, 2, false, false, false,
     "a factor 0..2 on the daily temperature range of wet days"},
    {"storm_min_h", CLIMATE_FIELD(storm_min_h), 0.1, 24, false, false, false, "hours, 0.1..24"},
    {"storm_h_per_mm", CLIMATE_FIELD(storm_h_per_mm), 0, 24, false, false, false,
     "hours per mm, 0..24"},
    {"dawn_hour", CLIMATE_FIELD(dawn_hour), 0, 24, false, true, false, "an hour of the day, 0 <= h < 24"},
    {"afternoon_hour", CLIMATE_FIELD(afternoon_hour), 0, 24, true, true, false,
     "an hour of the day, 0 < h < 24, after dawn_hour"},
};
enum { N_CLIMATE_RANGES = sizeof CLIMATE_RANGES / sizeof *CLIMATE_RANGES };

/* The month record's columns, in file order. */
static const range MONTH_RANGES[] = {
    {"p_wd", MONTH_FIELD(p_wet_given_dry), 0, 1, false, false, true, "a probability, 0..1"},
    {"p_ww", MONTH_FIELD(p_wet_given_wet), 0, 1, false, true, true,
     "a probability, 0 <= p < 1 (1 would never end a wet spell)"},
    {"wet_mm", MONTH_FIELD(wet_day_mean_mm), 0, 500, true, false, true, "mm per wet day, 0 < mm <= 500"},
    {"tmean_c", MONTH_FIELD(temperature_mean_c), -60, 50, false, false, true, "degrees C, -60..50"},
    {"trange_c", MONTH_FIELD(temperature_range_c), 0, 40, false, false, true, "degrees C, 0..40"},
    {"tsd_c", MONTH_FIELD(temperature_sd_c), 0, 15, false, false, true, "degrees C, 0..15"},
};
enum { N_MONTH_COLUMNS = sizeof MONTH_RANGES / sizeof *MONTH_RANGES };

static bool in_range(const range *r, double v) {
  if (!isfinite(v)) return false;
  if (r->min_open ? !(v > r->min) : !(v >= r->min)) return false;
  if (r->max_open ? !(v < r->max) : !(v <= r->max)) return false;
  return true;
}

static double *climate_value(wc_weather_climate *c, const range *r) {
  return (double *)((char *)c + r->offset);
}
static const double *climate_value_const(const wc_weather_climate *c, const range *r) {
  return (const double *)((const char *)c + r->offset);
}
static double *month_value(wc_weather_month *m, const range *r) { return (double *)((char *)m + r->offset); }
static const double *month_value_const(const wc_weather_month *m, const range *r) {
  return (const double *)((const char *)m + r->offset);
}

void wc_weather_climate_defaults(wc_weather_climate *climate) {
  memset(climate, 0, sizeof *climate);
  climate->lapse_c_per_km = -6.5;
  climate->precipitation_gradient_per_km = 0.0;
  climate->wet_amount_shape = 0.75;
  climate->temperature_ar1 = 0.7;
  climate->wet_day_range_factor = 0.8;
  climate->precipitation_shape = WC_PRECIP_STORM;
  climate->storm_min_h = 2.0;
  climate->storm_h_per_mm = 0.25;
  climate->dawn_hour = 6.0;
  climate->afternoon_hour = 15.0;
}

wc_status wc_weather_climate_check(const wc_weather_climate *climate) {
  WC_CHECK(climate != NULL, WC_ERR_INTERNAL, "wc_weather_climate_check: climate is NULL");
  const char *name = climate->name[0] ? climate->name : "(unnamed)";
  for (int i = 0; i < N_CLIMATE_RANGES; i++) {
    const range *r = &CLIMATE_RANGES[i];
    double v = *climate_value_const(climate, r);
    WC_CHECK(in_range(r, v), WC_ERR_INPUT, "climate %s: %s = %g is out of range; expected %s", name,
             r->key, v, r->allowed);
  }
  WC_CHECK(climate->afternoon_hour > climate->dawn_hour, WC_ERR_INPUT,
           "climate %s: afternoon_hour %g is not after dawn_hour %g; the daily maximum comes "
           "after the minimum",
           name, climate->afternoon_hour, climate->dawn_hour);
  WC_CHECK(climate->precipitation_shape == WC_PRECIP_STORM ||
               climate->precipitation_shape == WC_PRECIP_UNIFORM,
           WC_ERR_INPUT, "climate %s: precipitation_shape %d is unknown; expected storm or uniform",
           name, climate->precipitation_shape);
  for (int m = 0; m < 12; m++) {
    for (int j = 0; j < N_MONTH_COLUMNS; j++) {
      const range *r = &MONTH_RANGES[j];
      double v = *month_value_const(&climate->month[m], r);
      WC_CHECK(in_range(r, v), WC_ERR_INPUT, "climate %s: month %d %s = %g is out of range; expected %s",
               name, m + 1, r->key, v, r->allowed);
    }
  }
  return WC_OK;
}

/* ---- the reader ---------------------------------------------------------------------- */

enum { LINE_MAX_CHARS = 1024, MAX_WORDS = 16 };

typedef struct reader {
  const char *path;
  int line;
} reader;

static wc_status read_error(const reader *r, const char *fmt, ...) WC_PRINTF(2, 3);
static wc_status read_error(const reader *r, const char *fmt, ...) {
  char message[1536];
  va_list args;
  va_start(args, fmt);
  vsnprintf(message, sizeof message, fmt, args);
  va_end(args);
  return wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__, "%s:%d: %s", r->path, r->line, message);
}

/* Parse a whole word as a finite number. */
static bool parse_number(const char *word, double *value) {
  char *end = NULL;
  errno = 0;
  double v = strtod(word, &end);
  if (end == word || *end != '\0' || errno == ERANGE || !isfinite(v)) return false;
  *value = v;
  return true;
}

static wc_status parse_key_value(const reader *r, wc_weather_climate *c, char **word, int n_words,
                                 bool *seen) {
  const char *key = word[0];
  if (strcmp(key, "name") == 0) {
    if (n_words != 2) return read_error(r, "name takes one word, e.g. 'name chaobai'");
    if (seen[N_CLIMATE_RANGES]) return read_error(r, "name given twice");
    if (strlen(word[1]) >= WC_WEATHER_NAME_MAX)
      return read_error(r, "name '%s' is longer than %d characters", word[1], WC_WEATHER_NAME_MAX - 1);
    snprintf(c->name, sizeof c->name, "%s", word[1]);
    seen[N_CLIMATE_RANGES] = true;
    return WC_OK;
  }
  if (strcmp(key, "precipitation_shape") == 0) {
    if (n_words != 2) return read_error(r, "precipitation_shape takes one word: storm or uniform");
    if (seen[N_CLIMATE_RANGES + 1]) return read_error(r, "precipitation_shape given twice");
    if (strcmp(word[1], "storm") == 0)
      c->precipitation_shape = WC_PRECIP_STORM;
    else if (strcmp(word[1], "uniform") == 0)
      c->precipitation_shape = WC_PRECIP_UNIFORM;
    else
      return read_error(r, "precipitation_shape '%s' is unknown; expected storm or uniform", word[1]);
    seen[N_CLIMATE_RANGES + 1] = true;
    return WC_OK;
  }
  for (int i = 0; i < N_CLIMATE_RANGES; i++) {
    const range *rg = &CLIMATE_RANGES[i];
    if (strcmp(key, rg->key) != 0) continue;
    if (n_words != 2) return read_error(r, "%s takes one number", key);
    if (seen[i]) return read_error(r, "%s given twice", key);
    double v;
    if (!parse_number(word[1], &v))
      return read_error(r, "%s: '%s' is not a number; expected %s", key, word[1], rg->allowed);
    if (!in_range(rg, v)) return read_error(r, "%s = %s is out of range; expected %s", key, word[1], rg->allowed);
    *climate_value(c, rg) = v;
    seen[i] = true;
    return WC_OK;
  }
  char known[1024] = "name, precipitation_shape, month";
  for (int i = 0; i < N_CLIMATE_RANGES; i++) {
    size_t used = strlen(known);
    snprintf(known + used, sizeof known - used, ", %s", CLIMATE_RANGES[i].key);
  }
  return read_error(r, "unknown key '%s'; known keys: %s", key, known);
}

static wc_status parse_month(const reader *r, wc_weather_climate *c, char **word, int n_words,
                             bool *month_seen) {
  if (n_words != 2 + N_MONTH_COLUMNS)
    return read_error(r, "a month record has %d numbers after 'month': M p_wd p_ww wet_mm tmean_c "
                         "trange_c tsd_c (found %d)",
                      1 + N_MONTH_COLUMNS, n_words - 1);
  double m;
  if (!parse_number(word[1], &m) || m != floor(m) || m < 1 || m > 12)
    return read_error(r, "month '%s' is not a month number 1..12", word[1]);
  int month = (int)m;
  if (month_seen[month - 1]) return read_error(r, "month %d given twice", month);
  for (int j = 0; j < N_MONTH_COLUMNS; j++) {
    const range *rg = &MONTH_RANGES[j];
    double v;
    if (!parse_number(word[2 + j], &v))
      return read_error(r, "month %d %s: '%s' is not a number; expected %s", month, rg->key, word[2 + j],
                        rg->allowed);
    if (!in_range(rg, v))
      return read_error(r, "month %d %s = %s is out of range; expected %s", month, rg->key, word[2 + j],
                        rg->allowed);
    *month_value(&c->month[month - 1], rg) = v;
  }
  month_seen[month - 1] = true;
  return WC_OK;
}

static wc_status read_records(FILE *file, reader *r, wc_weather_climate *c) {
  char text[LINE_MAX_CHARS];
  bool header = false;
  bool seen[N_CLIMATE_RANGES + 2] = {false}; /* + name, precipitation_shape */
  bool month_seen[12] = {false};
  while (fgets(text, sizeof text, file) != NULL) {
    r->line++;
    size_t n = strlen(text);
    if (n == sizeof text - 1 && text[n - 1] != '\n' && !feof(file))
      return read_error(r, "line longer than %d characters", LINE_MAX_CHARS - 2);
    char *hash = strchr(text, '#');
    if (hash) *hash = '\0';
    char *word[MAX_WORDS];
    int n_words = 0;
    for (char *tok = strtok(text, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
      if (n_words == MAX_WORDS) return read_error(r, "more than %d words on one line", MAX_WORDS);
      word[n_words++] = tok;
    }
    if (n_words == 0) continue;
    if (!header) {
      if (strcmp(word[0], "wcsim-weather") != 0 || n_words != 2)
        return read_error(r, "the first record must be 'wcsim-weather 1' (is this a .weather file?)");
      if (strcmp(word[1], "1") != 0)
        return read_error(r, "format version %s is not supported; this wcsim reads version 1", word[1]);
      header = true;
      continue;
    }
    if (strcmp(word[0], "month") == 0)
      WC_CALL(parse_month(r, c, word, n_words, month_seen));
    else
      WC_CALL(parse_key_value(r, c, word, n_words, seen));
  }
  if (ferror(file)) WC_FAIL(WC_ERR_IO, "%s:%d: read error: %s", r->path, r->line, strerror(errno));
  if (!header) return read_error(r, "the file is empty; the first record must be 'wcsim-weather 1'");
  if (!seen[N_CLIMATE_RANGES]) return read_error(r, "no 'name' record; add e.g. 'name chaobai'");
  for (int i = 0; i < N_CLIMATE_RANGES; i++)
    if (CLIMATE_RANGES[i].required && !seen[i])
      return read_error(r, "no '%s' record; it is required (%s)", CLIMATE_RANGES[i].key,
                        CLIMATE_RANGES[i].allowed);
  for (int m = 0; m < 12; m++)
    if (!month_seen[m]) return read_error(r, "no record for month %d; all twelve months are required", m + 1);
  if (!(c->afternoon_hour > c->dawn_hour))
    return read_error(r, "afternoon_hour %g is not after dawn_hour %g", c->afternoon_hour, c->dawn_hour);
  return WC_OK;
}

wc_status wc_weather_climate_read(const char *path, wc_weather_climate *climate) {
  WC_CHECK(path != NULL && climate != NULL, WC_ERR_INTERNAL, "wc_weather_climate_read: NULL argument");
  FILE *file = fopen(path, "r");
  WC_CHECK(file != NULL, WC_ERR_IO, "cannot read the climate file %s: %s", path, strerror(errno));
  wc_weather_climate c;
  wc_weather_climate_defaults(&c);
  reader r = {path, 0};
  wc_status status = read_records(file, &r, &c);
  fclose(file);
  if (status != WC_OK) return status;
  *climate = c;
  return WC_OK;
}

/* ---- implied statistics ---------------------------------------------------------------- */

double wc_weather_wet_day_fraction(const wc_weather_climate *climate, int month) {
  const wc_weather_month *m = &climate->month[month - 1];
  double denominator = 1.0 - m->p_wet_given_wet + m->p_wet_given_dry;
  return denominator > 0 ? m->p_wet_given_dry / denominator : 0.0;
}

double wc_weather_expected_month_mm(const wc_weather_climate *climate, int month) {
  /* Mean month lengths of the Gregorian calendar (February 28.2425 days). */
  static const double days[12] = {31, 28.2425, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return days[month - 1] * wc_weather_wet_day_fraction(climate, month) *
         climate->month[month - 1].wet_day_mean_mm;
}

double wc_weather_expected_annual_mm(const wc_weather_climate *climate) {
  double total = 0;
  for (int m = 1; m <= 12; m++) total += wc_weather_expected_month_mm(climate, m);
  return total;
}

/* Monthly means M_j over [j/12, (j+1)/12) of f(x) = a0 + sum_k c_k cos(2 pi k x) + s_k
 * sin(2 pi k x) equal a0 + sum_k sinc_k (c_k cos(2 pi k x_j) + s_k sin(2 pi k x_j)) with
 * x_j the month's midpoint and sinc_k = sin(pi k / 12) / (pi k / 12). So: interpolate the
 * twelve means at the midpoints with a discrete Fourier transform, then divide each
 * harmonic by its sinc_k. At k = 6 the cosine vanishes at every midpoint, leaving 12
 * coefficients for 12 values: the fit is exact. */
void wc_seasonal_curve_fit(const double monthly[12], wc_seasonal_curve *curve) {
  memset(curve, 0, sizeof *curve);
  double mean = 0;
  for (int j = 0; j < 12; j++) mean += monthly[j];
  curve->mean = mean / 12.0;
  for (int k = 1; k <= 6; k++) {
    double c = 0, s = 0;
    for (int j = 0; j < 12; j++) {
      double phase = 2.0 * M_PI * k * (j + 0.5) / 12.0;
      c += monthly[j] * cos(phase);
      s += monthly[j] * sin(phase);
    }
    double weight = (k == 6) ? 1.0 / 12.0 : 2.0 / 12.0;
    double sinc = sin(M_PI * k / 12.0) / (M_PI * k / 12.0);
    curve->cos_k[k] = (k == 6) ? 0.0 : c * weight / sinc;
    curve->sin_k[k] = s * weight / sinc;
  }
}

double wc_seasonal_curve_eval(const wc_seasonal_curve *curve, double year_fraction) {
  double value = curve->mean;
  for (int k = 1; k <= 6; k++) {
    double phase = 2.0 * M_PI * k * year_fraction;
    value += curve->cos_k[k] * cos(phase) + curve->sin_k[k] * sin(phase);
  }
  return value;
}

double wc_year_fraction_of_day(int64_t days_since_1970) {
  /* Measured in months, so that each calendar month is exactly one twelfth and its mean
   * of the curve is the month's value (February is not squeezed into 30.4 days). */
  int year, month, day;
  wc_civil_from_days(days_since_1970, &year, &month, &day);
  return ((double)(month - 1) + ((double)day - 0.5) / (double)wc_days_in_month(year, month)) / 12.0;
}
