/*
 * wc_forcing_stations.h — forcing from station CSV files (docs/forcing.md, "Stations").
 *
 * stations.csv      station,lon,lat,elevation_m   (or station,x_m,y_m,elevation_m)
 * observations.csv  time,station,precipitation_mm,temperature_c[,tmin_c,tmax_c]
 *
 * Observations are sorted by time, at the scenario's step, every station once per time;
 * the row at time t holds the interval [t, t + step): precipitation total, mean
 * temperature. They are interpolated to the cells by inverse distance (wc_idw.h),
 * temperature through sea level with the lapse rate WC_STATION_LAPSE_C_PER_KM.
 *
 * The file is read twice: once at creation, to validate every line (so a bad file fails
 * before the run, not hours into it) and to gather the monthly means the climatology
 * policy needs; then again while the run goes, one calendar day at a time. Memory is a
 * day of observations for every station, whatever the length of the period.
 *
 * Daily Tmin/Tmax (for Hargreaves): from the tmin_c/tmax_c columns when given (lowest
 * tmin_c and highest tmax_c of the day's rows); else, for a sub-daily step, the lowest
 * and highest of the day's interval temperatures; else the daily mean -/+
 * WC_STATION_DEFAULT_HALF_RANGE_C.
 *
 * Missing values (an empty field or NA) are errors naming file, line, station and time,
 * unless `missing_policy` (wc_missing_policy of wc_scenario.h) is
 *   WC_MISSING_INTERPOLATE  linear in time between the station's neighbouring valid
 *                           values (the nearest one at either end of the record);
 *   WC_MISSING_CLIMATOLOGY  the station's mean of that variable over the file's valid
 *                           values of the same calendar month.
 */
#ifndef WC_FORCING_STATIONS_H
#define WC_FORCING_STATIONS_H

#include <stddef.h>

#include "wc_forcing.h"

/* Half the daily temperature range assumed when nothing else gives it (daily step, no
 * tmin_c/tmax_c): mean daily ranges at the basins' stations are 10-15 C (Chengde, Datong,
 * Tianzhen normals). */
#define WC_STATION_DEFAULT_HALF_RANGE_C 6.0
/* Lapse rate for reducing station temperatures to sea level and back (standard atmosphere). */
#define WC_STATION_LAPSE_C_PER_KM (-6.5)

/* A forcing for `cells` over [start, end) at `step_s` from the two files. The observations
 * must cover the period (times before and after it are allowed and validated too).
 * Errors: WC_ERR_IO (unreadable file), WC_ERR_INPUT "FILE:LINE: ..." for any bad line. */
WC_NODISCARD wc_status wc_forcing_create_stations(const char *stations_csv, const char *observations_csv,
                                                  int missing_policy, const wc_forcing_cells *cells,
                                                  wc_time_s start, wc_time_s end, double step_s,
                                                  double precipitation_factor, double temperature_offset_c,
                                                  wc_forcing **out);

/* Bytes held for observation values (the day buffer, the read block, per-station daily
 * extremes): independent of the period's length. WC_ERR_INTERNAL if `forcing` is not a
 * stations forcing. */
WC_NODISCARD wc_status wc_forcing_stations_buffer_bytes(const wc_forcing *forcing, size_t *bytes);

#endif /* WC_FORCING_STATIONS_H */
