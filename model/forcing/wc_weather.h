/*
 * wc_weather.h — monthly climate parameters of the weather generator, and their file.
 *
 * A basin's climate is a plain record: twelve months of occurrence probabilities, wet-day
 * amounts and temperature statistics at a reference elevation, plus a few basin-wide
 * constants. The built-in basins ship theirs as scenarios/basins/NAME.weather, a small
 * text format described in scenarios/basins/WEATHER.md and read by
 * wc_weather_climate_read (its only parser). docs/forcing.md gives the equations.
 */
#ifndef WC_WEATHER_H
#define WC_WEATHER_H

#include <stdbool.h>
#include <stdint.h>

#include "wc_status.h"

enum { WC_WEATHER_NAME_MAX = 64 };

/* How a day's precipitation is spread over the day when the step is shorter than a day. */
typedef enum wc_precipitation_shape {
  WC_PRECIP_STORM = 0, /* one storm of uniform intensity; duration grows with the amount */
  WC_PRECIP_UNIFORM    /* the same rate all day */
} wc_precipitation_shape;

/* One calendar month, at the reference elevation. */
typedef struct wc_weather_month {
  double p_wet_given_dry;     /* P(wet today | dry yesterday), 0..1 */
  double p_wet_given_wet;     /* P(wet today | wet yesterday), 0..1 (< 1) */
  double wet_day_mean_mm;     /* mean precipitation of a wet day, mm, > 0 */
  double temperature_mean_c;  /* monthly mean of the daily mean temperature */
  double temperature_range_c; /* mean daily range Tmax - Tmin (wet and dry days), >= 0 */
  double temperature_sd_c;    /* standard deviation of the daily mean about the seasonal cycle, >= 0 */
} wc_weather_month;

typedef struct wc_weather_climate {
  char name[WC_WEATHER_NAME_MAX];       /* e.g. "chaobai" */
  double reference_elevation_m;         /* elevation the monthly values refer to */
  double lapse_c_per_km;                /* temperature change per km of elevation (< 0 normally) */
  double precipitation_gradient_per_km; /* relative precipitation change per km, e.g. 0.05 = +5%/km */
  double wet_amount_shape;              /* gamma shape of wet-day amounts, > 0 */
  double temperature_ar1;               /* lag-1 autocorrelation of the daily anomaly, 0..1 (< 1) */
  double wet_day_range_factor;          /* daily range on wet days = factor * monthly range, 0..2 */
  int precipitation_shape;              /* wc_precipitation_shape */
  double storm_min_h;                   /* storm duration = min(24, storm_min_h + storm_h_per_mm * P) */
  double storm_h_per_mm;
  double dawn_hour;                     /* hour of the daily minimum temperature, 0..24 */
  double afternoon_hour;                /* hour of the daily maximum, after dawn_hour */
  wc_weather_month month[12];           /* January first */
} wc_weather_climate;

/* Defaults for every optional key (lapse -6.5 C/km, no precipitation gradient, shape 0.75,
 * AR(1) 0.7, wet-day range factor 0.8, storm 2 h + 0.25 h/mm, minimum at 06:00, maximum at
 * 15:00) and zeros for the required ones (reference elevation, months). */
void wc_weather_climate_defaults(wc_weather_climate *climate);

/* Check every value's range. WC_ERR_INPUT naming the field and month and what is allowed. */
WC_NODISCARD wc_status wc_weather_climate_check(const wc_weather_climate *climate);

/* Read a .weather file (scenarios/basins/WEATHER.md). Errors are WC_ERR_INPUT "FILE:LINE:
 * what is wrong; what is expected" (WC_ERR_IO when the file cannot be read). */
WC_NODISCARD wc_status wc_weather_climate_read(const char *path, wc_weather_climate *climate);

/* Long-run share of wet days in a month: p_wd / (1 - p_ww + p_wd), the stationary
 * probability of the month's Markov chain. `month` is 1..12. */
double wc_weather_wet_day_fraction(const wc_weather_climate *climate, int month);

/* Expected precipitation of a month in a 365.25-day year at the reference elevation,
 * mm: days * wet fraction * wet-day mean (month 1..12). */
double wc_weather_expected_month_mm(const wc_weather_climate *climate, int month);

/* Sum of the twelve months above. */
double wc_weather_expected_annual_mm(const wc_weather_climate *climate);

/* A smooth seasonal cycle through twelve monthly means: the trigonometric polynomial of
 * degree 6 whose averages over the twelve equal twelfths of the year are the monthly
 * values exactly (docs/forcing.md, "Seasonal cycle"). Used for the daily mean temperature
 * and the daily range, so neither jumps at a month boundary. */
typedef struct wc_seasonal_curve {
  double mean;
  double cos_k[7], sin_k[7]; /* harmonics 1..6 (index 0 unused) */
} wc_seasonal_curve;

void wc_seasonal_curve_fit(const double monthly[12], wc_seasonal_curve *curve);

/* Value at `year_fraction` in [0, 1) (0 = 1 January 00:00). */
double wc_seasonal_curve_eval(const wc_seasonal_curve *curve, double year_fraction);

/* Year fraction of the middle of a day, in months: (month - 1 + (day - 0.5) / days in
 * the month) / 12, so each calendar month spans exactly its twelfth of the curve. */
double wc_year_fraction_of_day(int64_t days_since_1970);

#endif /* WC_WEATHER_H */
