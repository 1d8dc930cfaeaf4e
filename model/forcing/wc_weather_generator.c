/*
 * wc_weather_generator.c — the stochastic weather generator behind
 * wc_forcing_create_generator (equations: docs/forcing.md, "Weather generator").
 *
 * Two layers:
 *   1. A basin-wide daily sequence at the climate's reference elevation: wet/dry by a
 *      two-state first-order Markov chain, wet-day amounts from a gamma distribution, the
 *      daily mean temperature as a seasonal curve plus an AR(1) anomaly, the daily range
 *      from a seasonal curve (narrower on wet days). Each calendar day D draws from its
 *      own stream wc_rng_seed(seed, D), always in the same order, so a day's numbers never
 *      depend on the step, on the cells, or on how many draws an earlier day needed.
 *   2. Within the day, a fixed shape that depends on nothing but that day's values:
 *      precipitation as one storm of uniform intensity (or uniformly over the day) and
 *      temperature as a diurnal curve from Tmin at dawn to Tmax in the afternoon whose
 *      daily mean is the day's mean. An interval's value is the exact integral of that
 *      shape over the interval, so intervals of any length add up to the daily values.
 * Each cell then adds its own elevation: lapse rate for temperature, relative gradient
 * for precipitation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wc_forcing.h"
#include "wc_rng.h"
#include "wc_weather.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* One generated day at the reference elevation. */
typedef struct day_weather {
  int64_t day;             /* days since 1970-01-01 */
  double precipitation_mm; /* the day's total */
  double mean_c, min_c, max_c;
  int64_t storm_start_s;    /* seconds after midnight */
  int64_t storm_duration_s; /* >= 1 */
} day_weather;

typedef struct generator {
  wc_weather_climate climate;
  wc_seasonal_curve mean_curve, range_curve; /* range_curve: of dry days */
  uint64_t seed;
  int32_t n_cells;
  int64_t step_s;
  double *dz_km;           /* (cell elevation - reference) / 1000 */
  double *precip_scale;    /* max(0, 1 + gradient * dz_km) */
  /* The Markov chain and AR(1) state after the last generated day. */
  int64_t next_day;
  bool wet_yesterday;
  double anomaly_yesterday_c;
  /* The last two generated days (an interval touches at most two). */
  day_weather ring[2];
  int n_ring;
} generator;

static int month_of_day(int64_t day) {
  int y, m, d;
  wc_civil_from_days(day, &y, &m, &d);
  return m;
}

/* The state "yesterday" of the first simulated day: drawn from the stationary wet
 * probability and anomaly distribution of that month, from that day's own stream, so the
 * start of a run is no special case of the weather. */
static void init_chain(generator *g, int64_t first_day) {
  int64_t day = first_day - 1;
  const wc_weather_month *mp = &g->climate.month[month_of_day(day) - 1];
  wc_rng rng;
  wc_rng_seed(&rng, g->seed, (uint64_t)day);
  double u = wc_rng_uniform(&rng);
  double eps = wc_rng_normal(&rng);
  g->wet_yesterday = u < wc_weather_wet_day_fraction(&g->climate, month_of_day(day));
  g->anomaly_yesterday_c = mp->temperature_sd_c * eps;
  g->next_day = first_day;
}

static void generate_day(generator *g, day_weather *out) {
  const wc_weather_climate *c = &g->climate;
  const int64_t day = g->next_day;
  const wc_weather_month *mp = &c->month[month_of_day(day) - 1];
  wc_rng rng;
  wc_rng_seed(&rng, g->seed, (uint64_t)day);
  /* Fixed-count draws first, in a fixed order; the gamma's rejection loop (variable
   * count) last, so it can never shift the others. */
  double u_occurrence = wc_rng_uniform(&rng);
  double eps = wc_rng_normal(&rng);
  double u_storm = wc_rng_uniform(&rng);
  bool wet = u_occurrence < (g->wet_yesterday ? mp->p_wet_given_wet : mp->p_wet_given_dry);
  double amount = 0.0;
  if (wet) amount = wc_rng_gamma(&rng, c->wet_amount_shape) * (mp->wet_day_mean_mm / c->wet_amount_shape);

  double phi = c->temperature_ar1;
  double anomaly = phi * g->anomaly_yesterday_c + sqrt(1.0 - phi * phi) * mp->temperature_sd_c * eps;
  double year_fraction = wc_year_fraction_of_day(day);
  double mean = wc_seasonal_curve_eval(&g->mean_curve, year_fraction) + anomaly;
  double range = fmax(0.0, wc_seasonal_curve_eval(&g->range_curve, year_fraction));
  if (wet) range *= c->wet_day_range_factor;

  /* Storm: duration grows with the amount, placed uniformly so it ends by midnight (the
   * day keeps its own total whatever the step). Whole seconds, so overlaps are exact. */
  double hours = fmin(24.0, c->storm_min_h + c->storm_h_per_mm * amount);
  int64_t duration = (int64_t)llround(hours * 3600.0);
  if (duration < 1) duration = 1;
  if (duration > WC_SECONDS_PER_DAY) duration = WC_SECONDS_PER_DAY;
  int64_t latest_start = WC_SECONDS_PER_DAY - duration;
  int64_t start = (int64_t)(u_storm * (double)(latest_start + 1));
  if (start > latest_start) start = latest_start;

  out->day = day;
  out->precipitation_mm = amount;
  out->mean_c = mean;
  out->min_c = mean - 0.5 * range;
  out->max_c = mean + 0.5 * range;
  out->storm_start_s = start;
  out->storm_duration_s = duration;

  g->wet_yesterday = wet;
  g->anomaly_yesterday_c = anomaly;
  g->next_day = day + 1;
}

/* The generated day `day` (which must not be older than the ring holds). */
static const day_weather *get_day(generator *g, int64_t day) {
  while (g->next_day <= day) {
    g->ring[0] = g->ring[1];
    generate_day(g, &g->ring[1]);
    if (g->n_ring < 2) g->n_ring++;
  }
  if (g->ring[1].day == day) return &g->ring[1];
  if (g->n_ring == 2 && g->ring[0].day == day) return &g->ring[0];
  return NULL;
}

/* Precipitation of the day falling in [lo, hi) seconds after midnight. */
static double day_precipitation_between(const generator *g, const day_weather *d, int64_t lo, int64_t hi) {
  if (d->precipitation_mm == 0.0) return 0.0;
  if (g->climate.precipitation_shape == WC_PRECIP_UNIFORM)
    return d->precipitation_mm * ((double)(hi - lo) / (double)WC_SECONDS_PER_DAY);
  int64_t s = d->storm_start_s, e = d->storm_start_s + d->storm_duration_s;
  int64_t overlap = (hi < e ? hi : e) - (lo > s ? lo : s);
  if (overlap <= 0) return 0.0;
  return d->precipitation_mm * ((double)overlap / (double)d->storm_duration_s);
}

/* Integral (degC * s) over [lo, hi) of the day's diurnal curve: rising half-cosine from
 * Tmin at dawn to Tmax in the afternoon, falling half-cosine from Tmax back to Tmin at the
 * next dawn, wrapped into the same day so the day's mean is exactly (Tmin + Tmax) / 2. */
static double rising_integral(double mid, double amp, double len, double u0, double u1) {
  return mid * (u1 - u0) - amp * len / M_PI * (sin(M_PI * u1 / len) - sin(M_PI * u0 / len));
}
static double falling_integral(double mid, double amp, double len, double u0, double u1) {
  return mid * (u1 - u0) + amp * len / M_PI * (sin(M_PI * u1 / len) - sin(M_PI * u0 / len));
}

static double day_temperature_integral(const generator *g, const day_weather *d, double lo, double hi) {
  const double t1 = g->climate.dawn_hour * 3600.0, t2 = g->climate.afternoon_hour * 3600.0;
  const double rise = t2 - t1, fall = WC_SECONDS_PER_DAY - rise;
  const double mid = 0.5 * (d->min_c + d->max_c), amp = 0.5 * (d->max_c - d->min_c);
  double total = 0.0;
  /* [0, t1): falling, tau = t + (86400 - t2). */
  double a = fmax(lo, 0.0), b = fmin(hi, t1);
  if (b > a) total += falling_integral(mid, amp, fall, a + (WC_SECONDS_PER_DAY - t2), b + (WC_SECONDS_PER_DAY - t2));
  /* [t1, t2): rising, u = t - t1. */
  a = fmax(lo, t1), b = fmin(hi, t2);
  if (b > a) total += rising_integral(mid, amp, rise, a - t1, b - t1);
  /* [t2, 86400): falling, tau = t - t2. */
  a = fmax(lo, t2), b = fmin(hi, (double)WC_SECONDS_PER_DAY);
  if (b > a) total += falling_integral(mid, amp, fall, a - t2, b - t2);
  return total;
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

static wc_status generator_next(void *content, wc_time_s interval_start, wc_forcing_values *out) {
  generator *g = content;
  const wc_time_s a = interval_start, b = interval_start + g->step_s;
  const int64_t first_day = floor_div(a, WC_SECONDS_PER_DAY), last_day = floor_div(b - 1, WC_SECONDS_PER_DAY);
  double precipitation = 0.0, temperature_integral = 0.0;
  day_weather start_day = {0}; /* a copy: the ring moves when the next day is generated */
  for (int64_t day = first_day; day <= last_day; day++) {
    const day_weather *d = get_day(g, day);
    WC_CHECK(d != NULL, WC_ERR_INTERNAL, "weather generator: day %lld is no longer cached", (long long)day);
    if (day == first_day) start_day = *d;
    const wc_time_s midnight = day * WC_SECONDS_PER_DAY;
    const int64_t lo = (a > midnight ? a : midnight) - midnight;
    const int64_t hi = (b < midnight + WC_SECONDS_PER_DAY ? b : midnight + WC_SECONDS_PER_DAY) - midnight;
    precipitation += day_precipitation_between(g, d, lo, hi);
    temperature_integral += day_temperature_integral(g, d, (double)lo, (double)hi);
  }
  const double temperature = temperature_integral / (double)g->step_s;
  const double lapse = g->climate.lapse_c_per_km;
  for (int32_t i = 0; i < g->n_cells; i++) {
    const double dt = lapse * g->dz_km[i];
    out->precipitation_mm[i] = precipitation * g->precip_scale[i];
    out->temperature_c[i] = temperature + dt;
    if (out->temperature_min_c) out->temperature_min_c[i] = start_day.min_c + dt;
    if (out->temperature_max_c) out->temperature_max_c[i] = start_day.max_c + dt;
  }
  return WC_OK;
}

static void generator_destroy(void *content) {
  generator *g = content;
  free(g->dz_km);
  free(g->precip_scale);
  free(g);
}

static const wc_forcing_ops GENERATOR_OPS = {"generator", generator_next, generator_destroy};

static wc_status generator_fill(generator *g, const wc_weather_climate *climate, int64_t seed,
                                const wc_forcing_cells *cells, wc_time_s start, double step_s) {
  WC_CALL(wc_weather_climate_check(climate));
  WC_CALL(wc_forcing_check_step(step_s, "weather generator"));
  g->climate = *climate;
  g->seed = (uint64_t)seed;
  g->n_cells = cells->n;
  g->step_s = (int64_t)step_s;
  double monthly_mean[12], monthly_range[12];
  for (int m = 0; m < 12; m++) {
    monthly_mean[m] = climate->month[m].temperature_mean_c;
    /* The file's range is the month's mean over wet and dry days; wet days get the
     * factor f, so dry days get range / (1 - (1 - f) * wet fraction) and the month's
     * expected mean range is the file's value. */
    double wet_fraction = wc_weather_wet_day_fraction(climate, m + 1);
    double dilution = 1.0 - (1.0 - climate->wet_day_range_factor) * wet_fraction;
    monthly_range[m] = climate->month[m].temperature_range_c / (dilution > 0.05 ? dilution : 0.05);
  }
  wc_seasonal_curve_fit(monthly_mean, &g->mean_curve);
  wc_seasonal_curve_fit(monthly_range, &g->range_curve);
  WC_MALLOC(g->dz_km, cells->n > 0 ? cells->n : 1, "generator cell elevations");
  WC_MALLOC(g->precip_scale, cells->n > 0 ? cells->n : 1, "generator precipitation scales");
  for (int32_t i = 0; i < cells->n; i++) {
    double z = cells->elevation_m[i];
    WC_CHECK(isfinite(z), WC_ERR_INPUT, "weather generator: cell %d has elevation %g; a finite "
             "elevation in metres is needed for the lapse rate", (int)i, z);
    g->dz_km[i] = (z - climate->reference_elevation_m) / 1000.0;
    g->precip_scale[i] = fmax(0.0, 1.0 + climate->precipitation_gradient_per_km * g->dz_km[i]);
  }
  init_chain(g, floor_div(start, WC_SECONDS_PER_DAY));
  return WC_OK;
}

wc_status wc_forcing_create_generator(const wc_weather_climate *climate, int64_t seed,
                                      const wc_forcing_cells *cells, wc_time_s start, double step_s,
                                      double precipitation_factor, double temperature_offset_c,
                                      wc_forcing **out) {
  WC_CHECK(climate != NULL && cells != NULL && out != NULL && cells->n >= 0 &&
               (cells->n == 0 || cells->elevation_m != NULL),
           WC_ERR_INTERNAL, "wc_forcing_create_generator: missing climate, cells, elevations or output");
  *out = NULL;
  generator *g = calloc(1, sizeof *g);
  WC_CHECK(g != NULL, WC_ERR_MEMORY, "out of memory for a weather generator");
  wc_status status = generator_fill(g, climate, seed, cells, start, step_s);
  if (status != WC_OK) {
    generator_destroy(g);
    wc_error_push_frame(__FILE__, __LINE__, "generator_fill");
    return status;
  }
  WC_CALL(wc_forcing_create(&GENERATOR_OPS, g, cells->n, start, step_s, precipitation_factor,
                            temperature_offset_c, out));
  return WC_OK;
}
