/*
 * wc_forcing.h — weather for every local cell, interval by interval (docs/forcing.md).
 *
 * A wc_forcing hands the simulator precipitation and temperature for the cells it holds,
 * one forcing interval at a time. Intervals are `step_s` long (60 s .. 1 day, dividing a
 * day), start at the period start and are asked for in increasing order (skipping ahead is
 * allowed, going back is not). Two implementations share this interface through an ops
 * table (STYLE.md item 3):
 *
 *   generator  a seeded stochastic weather generator (wc_forcing_create_generator, here);
 *   stations   station CSV files interpolated to the cells (wc_forcing_create_stations,
 *              in io/forcing/wc_forcing_stations.h, because it reads files).
 *
 * Under MPI each rank creates its own forcing for the cells it holds. Every value is a
 * function of basin-wide sequences and the cell's own position and elevation, never of the
 * other cells, so a cell gets bitwise the same forcing whatever cells share its rank and
 * however many ranks there are (tests/unit/test_forcing_generator.c checks it).
 *
 * Lifecycle: create -> next, next, ... -> wc_forcing_destroy(&f).
 */
#ifndef WC_FORCING_H
#define WC_FORCING_H

#include <stdbool.h>
#include <stdint.h>

#include "wc_status.h"
#include "wc_time.h"
#include "wc_weather.h"

/* The cells a forcing serves (the caller's local cells). Arrays of n; copied by the
 * constructors, so the caller may free them after creating the forcing. */
typedef struct wc_forcing_cells {
  int32_t n;                   /* number of cells, >= 0 */
  const double *x_m, *y_m;     /* projected cell centres (basin CRS); stations interpolate on them */
  const double *elevation_m;   /* cell elevation for the temperature lapse rate */
  const double *latitude_deg;  /* may be NULL: not used by the forcing itself (PET uses it) */
  int32_t epsg;                /* EPSG code of x_m/y_m (326ZZ or 327ZZ: WGS 84 / UTM), 0 if
                                * unknown; needed only when a stations file gives lon/lat */
} wc_forcing_cells;

/* What one interval delivers, per cell: caller-allocated arrays of cells.n. */
typedef struct wc_forcing_values {
  double *precipitation_mm;  /* total over the interval (mm of water), >= 0 */
  double *temperature_c;     /* mean air temperature over the interval */
  double *temperature_min_c; /* minimum and maximum of the calendar day holding the interval's */
  double *temperature_max_c; /* start (Hargreaves PET); either may be NULL when not needed */
} wc_forcing_values;

typedef struct wc_forcing wc_forcing;

/* ---- the ops table an implementation fills -------------------------------------------- */

typedef struct wc_forcing_ops {
  const char *name; /* "generator", "stations": used in messages */
  /* Fill `out` for the interval [interval_start, interval_start + step_s), before the
   * precipitation factor and temperature offset (the wrapper applies them). The wrapper
   * has already checked that the interval is on the step grid and later than the last. */
  WC_NODISCARD wc_status (*next)(void *content, wc_time_s interval_start, wc_forcing_values *out);
  /* Free the content (never called with NULL). */
  void (*destroy)(void *content);
} wc_forcing_ops;

/* Wrap an implementation's content. Takes ownership of `content` (destroyed with
 * ops->destroy on failure too). Checks the step (60 s .. 86400 s, a whole number of
 * seconds dividing a day: WC_ERR_INPUT otherwise), the factor (>= 0, finite) and offset
 * (finite). `n_cells` is the number of cells each call fills. */
WC_NODISCARD wc_status wc_forcing_create(const wc_forcing_ops *ops, void *content,
                                         int32_t n_cells, wc_time_s start, double step_s,
                                         double precipitation_factor,
                                         double temperature_offset_c, wc_forcing **out);

/* The content of a forcing made with `ops`, or NULL if it was made with other ops (lets an
 * implementation offer its own queries, e.g. wc_forcing_stations_buffer_bytes). */
void *wc_forcing_content(const wc_forcing *forcing, const wc_forcing_ops *ops);

/* Values for the interval starting at `interval_start`, which must be start + k * step_s
 * for some k >= 0, and later than the previous call's (WC_ERR_INTERNAL otherwise: a
 * caller bug). The factor and offset are applied here, to every implementation alike. */
WC_NODISCARD wc_status wc_forcing_next(wc_forcing *forcing, wc_time_s interval_start,
                                       wc_forcing_values *out);

/* "generator" or "stations". */
const char *wc_forcing_name(const wc_forcing *forcing);
int32_t wc_forcing_cell_count(const wc_forcing *forcing);
double wc_forcing_step_s(const wc_forcing *forcing);

/* Free; accepts NULL and sets *forcing to NULL. */
void wc_forcing_destroy(wc_forcing **forcing);

/* Check a step: 60..86400 s, whole seconds, dividing 86400 (WC_ERR_INPUT naming `what`). */
WC_NODISCARD wc_status wc_forcing_check_step(double step_s, const char *what);

/* ---- the weather generator ------------------------------------------------------------- */

/* A stochastic weather generator for the cells (docs/forcing.md, "Weather generator").
 * `climate` is copied (wc_weather_climate_read, or filled by hand and checked here with
 * wc_weather_climate_check). The basin-wide daily sequence depends only on (seed, climate,
 * the calendar days from `start` on); each cell adds its elevation's lapse rate and
 * precipitation gradient. Daily totals are the same whatever `step_s`: sub-daily intervals
 * integrate a fixed within-day shape (one storm, or uniform; a diurnal temperature curve).
 * WC_ERR_INPUT for a bad climate, step, or non-finite cell elevation. */
WC_NODISCARD wc_status wc_forcing_create_generator(const wc_weather_climate *climate, int64_t seed,
                                                   const wc_forcing_cells *cells, wc_time_s start,
                                                   double step_s, double precipitation_factor,
                                                   double temperature_offset_c, wc_forcing **out);

#endif /* WC_FORCING_H */
