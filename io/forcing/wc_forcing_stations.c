/*
 * wc_forcing_stations.c — the stations implementation of wc_forcing (wc_forcing_stations.h).
 *
 * Creation reads the station list, computes the interpolation weights for the cells, and
 * makes a first pass over the observations (validation, coverage, monthly means). The
 * run then streams the file a calendar day at a time: the day's blocks go into a buffer of
 * 86400 / step_s blocks, missing values are filled by the policy, the day's Tmin/Tmax are
 * interpolated once, and each interval is interpolated when asked for.
 */
#include "wc_forcing_stations.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wc_idw.h"
#include "wc_scenario.h"
#include "wc_station_csv.h"

static const char *const MONTH_NAMES[12] = {"January", "February", "March",     "April",   "May",      "June",
                                            "July",    "August",   "September", "October", "November", "December"};

typedef struct stations_forcing {
  wc_station_list stations;
  wc_obs_reader reader;
  wc_obs_block block; /* the block being read */
  FILE *lookahead;    /* second handle for the interpolate policy's forward scans */
  int policy;
  int n_vars;
  int32_t n_stations;
  int64_t step_s;
  wc_time_s start, end;

  double *climatology; /* [(s * n_vars + v) * 12 + month0] */

  /* Interpolate policy, per (station, variable): the last valid value read so far, and the
   * next valid value found by a forward scan (valid while asking for earlier times). */
  bool *has_previous, *has_next_cache, *next_exists;
  wc_time_s *previous_time, *next_time;
  double *previous_value, *next_value;

  /* One calendar day of blocks. */
  int32_t max_blocks, chunk_n;
  int64_t chunk_day;
  bool chunk_loaded;
  wc_time_s *chunk_time;
  double *chunk_value; /* [(block * n_stations + s) * n_vars + v] */
  bool *chunk_missing;
  int *chunk_line;     /* [block * n_stations + s] */
  double *day_tmin_c, *day_tmax_c; /* per station */

  int32_t n_cells;
  wc_idw *idw;
  double *cell_elevation_m;
  double *cell_tmin_c, *cell_tmax_c; /* the day's, cached */
  double *station_scratch, *station_values, *station_elevation_m;
  size_t buffer_bytes;
} stations_forcing;

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

static int month0_of(wc_time_s t) {
  int y, m, d;
  wc_civil_from_days(floor_div(t, WC_SECONDS_PER_DAY), &y, &m, &d);
  return m - 1;
}

static void stations_destroy(void *content) {
  stations_forcing *f = content;
  wc_obs_reader_close(&f->reader);
  wc_obs_block_free(&f->block);
  if (f->lookahead) fclose(f->lookahead);
  wc_station_list_free(&f->stations);
  free(f->climatology);
  free(f->has_previous);
  free(f->has_next_cache);
  free(f->next_exists);
  free(f->previous_time);
  free(f->next_time);
  free(f->previous_value);
  free(f->next_value);
  free(f->chunk_time);
  free(f->chunk_value);
  free(f->chunk_missing);
  free(f->chunk_line);
  free(f->day_tmin_c);
  free(f->day_tmax_c);
  wc_idw_destroy(&f->idw);
  free(f->cell_elevation_m);
  free(f->cell_tmin_c);
  free(f->cell_tmax_c);
  free(f->station_scratch);
  free(f->station_values);
  free(f->station_elevation_m);
  free(f);
}

static wc_status missing_error(const stations_forcing *f, int line, int32_t s, wc_time_s t, int v) {
  char when[32];
  wc_time_format(t, when, sizeof when);
  WC_FAIL(WC_ERR_INPUT,
          "%s:%d: station '%s' at %s: %s is missing; fill it in, or set forcing.missing_values to "
          "interpolate or climatology",
          f->reader.path, line, f->stations.name[s], when, wc_obs_var_names[v]);
}

/* ---- first pass: validate everything, check coverage, gather monthly means ------------- */

static wc_status first_pass(stations_forcing *f, const char *path) {
  const int nv = f->n_vars;
  const int32_t ns = f->n_stations;
  const size_t n_sv = (size_t)ns * (size_t)nv;
  double *sum = NULL;
  int64_t *count = NULL;
  int *missing_line = NULL; /* first missing per (s, v, month), 0 if none */
  wc_time_s *missing_time = NULL;
  wc_status status = WC_OK;
  wc_obs_reader reader;
  wc_obs_block block;
  memset(&block, 0, sizeof block);
  WC_CALL(wc_obs_reader_open(&reader, path, &f->stations, f->start, f->step_s));
  sum = calloc(n_sv * 12, sizeof *sum);
  count = calloc(n_sv * 12, sizeof *count);
  missing_line = calloc(n_sv * 12, sizeof *missing_line);
  missing_time = calloc(n_sv * 12, sizeof *missing_time);
  if (!sum || !count || !missing_line || !missing_time) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for monthly station means");
    goto done;
  }
  WC_CALL_GOTO(status, done, wc_obs_block_alloc(&reader, &block));
  bool first = true, more = false;
  wc_time_s last_time = 0;
  int last_line = reader.line;
  char when[32], other[32];
  for (;;) {
    WC_CALL_GOTO(status, done, wc_obs_reader_next_block(&reader, &block, &more));
    if (!more) break;
    if (first && block.time > f->start) {
      wc_time_format(block.time, when, sizeof when);
      wc_time_format(f->start, other, sizeof other);
      status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                            "%s:%d: the observations start at %s, after the period start %s; they must "
                            "cover the whole period",
                            path, block.first_line, when, other);
      goto done;
    }
    first = false;
    last_time = block.time;
    last_line = block.first_line;
    const int month0 = month0_of(block.time);
    for (int32_t s = 0; s < ns; s++) {
      for (int v = 0; v < nv; v++) {
        size_t sv = (size_t)s * nv + v, k = sv * 12 + (size_t)month0;
        if (!block.missing[sv]) {
          sum[k] += block.value[sv];
          count[k]++;
          continue;
        }
        if (f->policy == WC_MISSING_ERROR) {
          status = missing_error(f, block.line[s], s, block.time, v);
          goto done;
        }
        if (missing_line[k] == 0) {
          missing_line[k] = block.line[s];
          missing_time[k] = block.time;
        }
      }
    }
  }
  wc_time_format(f->start, other, sizeof other);
  if (first) {
    status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                          "%s:%d: no observations after the header; they must cover the period from %s", path,
                          last_line, other);
    goto done;
  }
  if (last_time < f->end - f->step_s) {
    wc_time_format(last_time, when, sizeof when);
    wc_time_format(f->end - f->step_s, other, sizeof other);
    status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                          "%s:%d: the observations end at %s, before the period's last interval %s; they "
                          "must cover the whole period",
                          path, last_line, when, other);
    goto done;
  }
  for (int32_t s = 0; s < ns; s++) {
    for (int v = 0; v < nv; v++) {
      size_t sv = (size_t)s * nv + v;
      int64_t total_count = 0;
      for (int m = 0; m < 12; m++) total_count += count[sv * 12 + (size_t)m];
      for (int m = 0; m < 12; m++) {
        size_t k = sv * 12 + (size_t)m;
        f->climatology[k] = count[k] > 0 ? sum[k] / (double)count[k] : NAN;
        if (missing_line[k] == 0) continue;
        if (f->policy == WC_MISSING_CLIMATOLOGY && count[k] == 0) {
          wc_time_format(missing_time[k], when, sizeof when);
          status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                                "%s:%d: station '%s' at %s: %s is missing, and the station has no valid %s in "
                                "any %s to take a climatology from",
                                path, missing_line[k], f->stations.name[s], when, wc_obs_var_names[v],
                                wc_obs_var_names[v], MONTH_NAMES[m]);
          goto done;
        }
        if (f->policy == WC_MISSING_INTERPOLATE && total_count == 0) {
          status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                                "%s:%d: station '%s': %s is missing on every line; there is nothing to "
                                "interpolate from",
                                path, missing_line[k], f->stations.name[s], wc_obs_var_names[v]);
          goto done;
        }
      }
    }
  }
done:
  free(sum);
  free(count);
  free(missing_line);
  free(missing_time);
  wc_obs_block_free(&block);
  wc_obs_reader_close(&reader);
  return status;
}

/* ---- streaming: one calendar day at a time ---------------------------------------------- */

/* The next valid value of (s, v) after the chunk's block i, in the chunk or beyond it. */
static wc_status next_valid(stations_forcing *f, int32_t i, int32_t s, int v, bool *found, wc_time_s *time,
                            double *value) {
  const int nv = f->n_vars;
  const int32_t ns = f->n_stations;
  for (int32_t j = i + 1; j < f->chunk_n; j++) {
    size_t k = ((size_t)j * ns + s) * nv + v;
    if (!f->chunk_missing[k]) {
      *found = true;
      *time = f->chunk_time[j];
      *value = f->chunk_value[k];
      return WC_OK;
    }
  }
  size_t sv = (size_t)s * nv + v;
  const wc_time_s t = f->chunk_time[i];
  if (!f->has_next_cache[sv] || (f->next_exists[sv] && f->next_time[sv] <= t)) {
    bool exists = false;
    wc_time_s nt = 0;
    double nvalue = 0;
    WC_CALL(wc_obs_scan_next_valid(&f->reader, &f->lookahead, wc_obs_reader_next_offset(&f->reader), s, v,
                                   &exists, &nt, &nvalue));
    f->has_next_cache[sv] = true;
    f->next_exists[sv] = exists;
    f->next_time[sv] = nt;
    f->next_value[sv] = nvalue;
  }
  *found = f->next_exists[sv];
  *time = f->next_time[sv];
  *value = f->next_value[sv];
  return WC_OK;
}

static void remember_valid(stations_forcing *f, size_t sv, wc_time_s t, double value) {
  f->has_previous[sv] = true;
  f->previous_time[sv] = t;
  f->previous_value[sv] = value;
}

static wc_status fill_missing(stations_forcing *f) {
  const int nv = f->n_vars;
  const int32_t ns = f->n_stations;
  for (int32_t s = 0; s < ns; s++) {
    for (int v = 0; v < nv; v++) {
      const size_t sv = (size_t)s * nv + v;
      for (int32_t i = 0; i < f->chunk_n; i++) {
        const size_t k = ((size_t)i * ns + s) * nv + v;
        const wc_time_s t = f->chunk_time[i];
        if (!f->chunk_missing[k]) {
          remember_valid(f, sv, t, f->chunk_value[k]);
          continue;
        }
        if (f->policy == WC_MISSING_CLIMATOLOGY) {
          f->chunk_value[k] = f->climatology[sv * 12 + (size_t)month0_of(t)];
          continue;
        }
        if (f->policy != WC_MISSING_INTERPOLATE)
          return missing_error(f, f->chunk_line[(size_t)i * ns + s], s, t, v);
        bool found = false;
        wc_time_s nt = 0;
        double nvalue = 0;
        WC_CALL(next_valid(f, i, s, v, &found, &nt, &nvalue));
        if (f->has_previous[sv] && found) {
          const double w = (double)(t - f->previous_time[sv]) / (double)(nt - f->previous_time[sv]);
          f->chunk_value[k] = f->previous_value[sv] + w * (nvalue - f->previous_value[sv]);
        } else if (f->has_previous[sv]) {
          f->chunk_value[k] = f->previous_value[sv];
        } else if (found) {
          f->chunk_value[k] = nvalue;
        } else {
          return missing_error(f, f->chunk_line[(size_t)i * ns + s], s, t, v);
        }
      }
    }
  }
  return WC_OK;
}

static void day_extremes(stations_forcing *f) {
  const int nv = f->n_vars;
  const int32_t ns = f->n_stations;
  for (int32_t s = 0; s < ns; s++) {
    double lo = INFINITY, hi = -INFINITY;
    for (int32_t i = 0; i < f->chunk_n; i++) {
      const double *row = f->chunk_value + ((size_t)i * ns + s) * nv;
      if (nv == 4) {
        lo = fmin(lo, row[WC_OBS_TMIN]);
        hi = fmax(hi, row[WC_OBS_TMAX]);
      } else if (f->step_s < WC_SECONDS_PER_DAY) {
        lo = fmin(lo, row[WC_OBS_TEMPERATURE]);
        hi = fmax(hi, row[WC_OBS_TEMPERATURE]);
      } else {
        lo = row[WC_OBS_TEMPERATURE] - WC_STATION_DEFAULT_HALF_RANGE_C;
        hi = row[WC_OBS_TEMPERATURE] + WC_STATION_DEFAULT_HALF_RANGE_C;
      }
    }
    f->day_tmin_c[s] = lo;
    f->day_tmax_c[s] = hi;
  }
}

static wc_status load_day(stations_forcing *f, int64_t day) {
  const wc_time_s day_start = day * WC_SECONDS_PER_DAY, day_end = day_start + WC_SECONDS_PER_DAY;
  const int nv = f->n_vars;
  const int32_t ns = f->n_stations;
  const size_t n_sv = (size_t)ns * nv;
  f->chunk_n = 0;
  f->chunk_loaded = false;
  wc_time_s next = 0;
  while (wc_obs_reader_peek_time(&f->reader, &next) || !f->reader.have_previous) {
    if (f->reader.have_previous && next >= day_end) break;
    bool more = false;
    WC_CALL(wc_obs_reader_next_block(&f->reader, &f->block, &more));
    if (!more) break;
    if (f->block.time >= day_end) {
      /* Cannot happen (peeked), but never store a block of another day. */
      WC_FAIL(WC_ERR_INTERNAL, "%s: block %lld read past the day", f->reader.path, (long long)f->block.time);
    }
    if (f->block.time < day_start) {
      /* A day nobody asked for (before the period, or skipped): only its valid values
       * matter, as the interpolation's previous values. */
      for (size_t sv = 0; sv < n_sv; sv++)
        if (!f->block.missing[sv]) remember_valid(f, sv, f->block.time, f->block.value[sv]);
      continue;
    }
    WC_CHECK(f->chunk_n < f->max_blocks, WC_ERR_INTERNAL, "%s: more than %d blocks in one day", f->reader.path,
             (int)f->max_blocks);
    const int32_t i = f->chunk_n++;
    f->chunk_time[i] = f->block.time;
    memcpy(f->chunk_value + (size_t)i * n_sv, f->block.value, n_sv * sizeof *f->chunk_value);
    memcpy(f->chunk_missing + (size_t)i * n_sv, f->block.missing, n_sv * sizeof *f->chunk_missing);
    memcpy(f->chunk_line + (size_t)i * ns, f->block.line, (size_t)ns * sizeof *f->chunk_line);
  }
  WC_CALL(fill_missing(f));
  day_extremes(f);
  if (f->n_cells > 0) {
    wc_idw_apply_lapsed(f->idw, f->day_tmin_c, f->station_elevation_m, WC_STATION_LAPSE_C_PER_KM,
                        f->cell_elevation_m, f->station_scratch, f->cell_tmin_c);
    wc_idw_apply_lapsed(f->idw, f->day_tmax_c, f->station_elevation_m, WC_STATION_LAPSE_C_PER_KM,
                        f->cell_elevation_m, f->station_scratch, f->cell_tmax_c);
  }
  f->chunk_day = day;
  f->chunk_loaded = true;
  return WC_OK;
}

static wc_status stations_next(void *content, wc_time_s t, wc_forcing_values *out) {
  stations_forcing *f = content;
  const int64_t day = floor_div(t, WC_SECONDS_PER_DAY);
  if (!f->chunk_loaded || f->chunk_day != day) WC_CALL(load_day(f, day));
  int32_t i = -1;
  if (f->chunk_n > 0) {
    int64_t k = (t - f->chunk_time[0]) / f->step_s;
    if (k >= 0 && k < f->chunk_n && f->chunk_time[k] == t) i = (int32_t)k;
  }
  if (i < 0) {
    char when[32];
    wc_time_format(t, when, sizeof when);
    WC_FAIL(WC_ERR_INPUT, "%s: no observations for %s; the file must cover the whole period", f->reader.path, when);
  }
  const int nv = f->n_vars;
  const int32_t ns = f->n_stations;
  if (f->n_cells == 0) return WC_OK;
  const double *block = f->chunk_value + (size_t)i * ns * nv;
  for (int32_t s = 0; s < ns; s++) f->station_values[s] = block[(size_t)s * nv + WC_OBS_PRECIPITATION];
  wc_idw_apply(f->idw, f->station_values, out->precipitation_mm);
  for (int32_t s = 0; s < ns; s++) f->station_values[s] = block[(size_t)s * nv + WC_OBS_TEMPERATURE];
  wc_idw_apply_lapsed(f->idw, f->station_values, f->station_elevation_m, WC_STATION_LAPSE_C_PER_KM,
                      f->cell_elevation_m, f->station_scratch, out->temperature_c);
  if (out->temperature_min_c) memcpy(out->temperature_min_c, f->cell_tmin_c, (size_t)f->n_cells * sizeof(double));
  if (out->temperature_max_c) memcpy(out->temperature_max_c, f->cell_tmax_c, (size_t)f->n_cells * sizeof(double));
  return WC_OK;
}

static const wc_forcing_ops STATIONS_OPS = {"stations", stations_next, stations_destroy};

static wc_status stations_fill(stations_forcing *f, const char *stations_csv, const char *observations_csv,
                               const wc_forcing_cells *cells) {
  WC_CALL(wc_station_list_read(stations_csv, cells->epsg, &f->stations));
  const int32_t ns = f->n_stations = f->stations.n;
  WC_CALL(wc_obs_reader_open(&f->reader, observations_csv, &f->stations, f->start, f->step_s));
  const int nv = f->n_vars = f->reader.n_vars;
  const size_t n_sv = (size_t)ns * nv;
  WC_CALL(wc_obs_block_alloc(&f->reader, &f->block));
  WC_MALLOC(f->climatology, n_sv * 12, "station climatology");
  WC_CALL(first_pass(f, observations_csv));

  WC_MALLOC(f->has_previous, n_sv, "interpolation state");
  WC_MALLOC(f->has_next_cache, n_sv, "interpolation state");
  WC_MALLOC(f->next_exists, n_sv, "interpolation state");
  WC_MALLOC(f->previous_time, n_sv, "interpolation state");
  WC_MALLOC(f->next_time, n_sv, "interpolation state");
  WC_MALLOC(f->previous_value, n_sv, "interpolation state");
  WC_MALLOC(f->next_value, n_sv, "interpolation state");

  f->max_blocks = (int32_t)(WC_SECONDS_PER_DAY / f->step_s);
  WC_MALLOC(f->chunk_time, f->max_blocks, "a day of observations");
  WC_MALLOC(f->chunk_value, (size_t)f->max_blocks * n_sv, "a day of observations");
  WC_MALLOC(f->chunk_missing, (size_t)f->max_blocks * n_sv, "a day of observations");
  WC_MALLOC(f->chunk_line, (size_t)f->max_blocks * ns, "a day of observations");
  WC_MALLOC(f->day_tmin_c, ns, "daily station extremes");
  WC_MALLOC(f->day_tmax_c, ns, "daily station extremes");
  WC_MALLOC(f->station_scratch, ns, "station values");
  WC_MALLOC(f->station_values, ns, "station values");
  WC_MALLOC(f->station_elevation_m, ns, "station elevations");
  memcpy(f->station_elevation_m, f->stations.elevation_m, (size_t)ns * sizeof(double));
  f->buffer_bytes = (size_t)f->max_blocks * (sizeof *f->chunk_time + n_sv * (sizeof *f->chunk_value +
                                                                            sizeof *f->chunk_missing) +
                                             (size_t)ns * sizeof *f->chunk_line) +
                    n_sv * (sizeof *f->block.value + sizeof *f->block.missing) + (size_t)ns * sizeof *f->block.line +
                    2 * (size_t)ns * sizeof(double);

  f->n_cells = cells->n;
  const int32_t n_alloc = cells->n > 0 ? cells->n : 1;
  WC_MALLOC(f->cell_elevation_m, n_alloc, "cell elevations");
  WC_MALLOC(f->cell_tmin_c, n_alloc, "daily cell extremes");
  WC_MALLOC(f->cell_tmax_c, n_alloc, "daily cell extremes");
  for (int32_t i = 0; i < cells->n; i++) {
    WC_CHECK(isfinite(cells->elevation_m[i]), WC_ERR_INPUT,
             "stations forcing: cell %d has elevation %g; a finite elevation in metres is needed for the "
             "lapse rate", (int)i, cells->elevation_m[i]);
    f->cell_elevation_m[i] = cells->elevation_m[i];
  }
  WC_CALL(wc_idw_create(ns, f->stations.x_m, f->stations.y_m, cells->n, cells->x_m, cells->y_m, &f->idw));
  return WC_OK;
}

wc_status wc_forcing_create_stations(const char *stations_csv, const char *observations_csv, int missing_policy,
                                     const wc_forcing_cells *cells, wc_time_s start, wc_time_s end, double step_s,
                                     double precipitation_factor, double temperature_offset_c, wc_forcing **out) {
  WC_CHECK(stations_csv && observations_csv && cells && out && cells->n >= 0 &&
               (cells->n == 0 || (cells->x_m && cells->y_m && cells->elevation_m)),
           WC_ERR_INTERNAL, "wc_forcing_create_stations: missing file names, cells or output");
  *out = NULL;
  WC_CHECK(missing_policy == WC_MISSING_ERROR || missing_policy == WC_MISSING_INTERPOLATE ||
               missing_policy == WC_MISSING_CLIMATOLOGY,
           WC_ERR_INTERNAL, "wc_forcing_create_stations: unknown missing-value policy %d", missing_policy);
  WC_CALL(wc_forcing_check_step(step_s, "stations forcing"));
  WC_CHECK(end > start, WC_ERR_INPUT, "stations forcing: the period's end is not after its start");
  stations_forcing *f = calloc(1, sizeof *f);
  WC_CHECK(f != NULL, WC_ERR_MEMORY, "out of memory for a stations forcing");
  f->policy = missing_policy;
  f->step_s = (int64_t)step_s;
  f->start = start;
  f->end = end;
  wc_status status = stations_fill(f, stations_csv, observations_csv, cells);
  if (status != WC_OK) {
    stations_destroy(f);
    wc_error_push_frame(__FILE__, __LINE__, "stations_fill");
    return status;
  }
  WC_CALL(wc_forcing_create(&STATIONS_OPS, f, cells->n, start, step_s, precipitation_factor, temperature_offset_c,
                            out));
  return WC_OK;
}

wc_status wc_forcing_stations_buffer_bytes(const wc_forcing *forcing, size_t *bytes) {
  const stations_forcing *f = wc_forcing_content(forcing, &STATIONS_OPS);
  WC_CHECK(f != NULL && bytes != NULL, WC_ERR_INTERNAL, "wc_forcing_stations_buffer_bytes: not a stations forcing");
  *bytes = f->buffer_bytes;
  return WC_OK;
}
