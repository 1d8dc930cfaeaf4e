/*
 * wc_station_csv.h — the station list and observation CSV readers behind the stations
 * forcing (private to io/forcing; formats in docs/forcing.md).
 *
 * The observation reader returns one *block* at a time: every station's row for one time.
 * It validates as it goes (sorted, on the step grid, no gap, each station exactly once per
 * time, known stations, finite numbers, precipitation >= 0) and reports the first problem
 * as "FILE:LINE: what is wrong; what would be right" (WC_ERR_INPUT). It holds one pending
 * row and one block, never more, so memory does not grow with the file.
 */
#ifndef WC_STATION_CSV_H
#define WC_STATION_CSV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "wc_status.h"
#include "wc_time.h"

enum { WC_CSV_LINE_MAX = 4096, WC_CSV_MAX_FIELDS = 16 };

/* Variables of an observation row, in this order; tmin/tmax only when the file has both
 * columns. */
enum { WC_OBS_PRECIPITATION = 0, WC_OBS_TEMPERATURE, WC_OBS_TMIN, WC_OBS_TMAX, WC_OBS_MAX_VARS };

/* Column names of the variables, for messages ("precipitation_mm", ...). */
extern const char *const wc_obs_var_names[WC_OBS_MAX_VARS];

/* ---- the station list ------------------------------------------------------------------ */

typedef struct wc_station_list {
  char *path;
  int32_t n;
  char **name;
  double *x_m, *y_m, *elevation_m;
  int32_t *by_name; /* station indices sorted by name, for lookup */
} wc_station_list;

/* Read `station,lon,lat,elevation_m` or `station,x_m,y_m,elevation_m` (any column order).
 * lon/lat are projected into the CRS named by `epsg` (a WGS 84 UTM code 326ZZ/327ZZ); with
 * epsg 0 the file must give x_m,y_m. */
WC_NODISCARD wc_status wc_station_list_read(const char *path, int32_t epsg, wc_station_list *list);
void wc_station_list_free(wc_station_list *list);
/* Index of a station by name, or -1. */
int32_t wc_station_list_find(const wc_station_list *list, const char *name);

/* ---- observations ---------------------------------------------------------------------- */

typedef struct wc_obs_row {
  wc_time_s time;
  int32_t station;
  double value[WC_OBS_MAX_VARS];
  bool missing[WC_OBS_MAX_VARS];
  int line;
  long offset; /* byte offset of the line's start in the file */
} wc_obs_row;

/* One time: every station's values (n_stations * n_vars, station-major). */
typedef struct wc_obs_block {
  wc_time_s time;
  int first_line;          /* line of the block's first row */
  double *value;           /* [station * n_vars + var] */
  bool *missing;           /* same layout */
  int *line;               /* [station]: the line each station's row came from */
} wc_obs_block;

typedef struct wc_obs_reader {
  const wc_station_list *stations;
  char *path;
  FILE *file;
  long offset;             /* byte offset of the next unread line */
  int line;                /* lines read */
  int n_columns;
  int column[2 + WC_OBS_MAX_VARS]; /* field index of time, station, then each variable */
  int n_vars;              /* 2 or 4 */
  wc_time_s grid_origin;   /* times must be grid_origin + k * step_s */
  int64_t step_s;
  bool have_pending;
  wc_obs_row pending;
  bool have_previous;
  wc_time_s previous_time; /* the last block's time */
  uint8_t *seen;           /* per station, while a block is read */
  char text[WC_CSV_LINE_MAX];
  char *field[WC_CSV_MAX_FIELDS];
  int n_fields;
} wc_obs_reader;

/* Open and read the header (time,station,precipitation_mm,temperature_c[,tmin_c,tmax_c]). */
WC_NODISCARD wc_status wc_obs_reader_open(wc_obs_reader *reader, const char *path,
                                          const wc_station_list *stations, wc_time_s grid_origin,
                                          int64_t step_s);
void wc_obs_reader_close(wc_obs_reader *reader);

/* Allocate / free a block for this reader's stations and variables. */
WC_NODISCARD wc_status wc_obs_block_alloc(const wc_obs_reader *reader, wc_obs_block *block);
void wc_obs_block_free(wc_obs_block *block);

/* Read the next block; *more is false at the end of the file. */
WC_NODISCARD wc_status wc_obs_reader_next_block(wc_obs_reader *reader, wc_obs_block *block, bool *more);

/* Time of the next block without reading it; false at the end of the file. */
bool wc_obs_reader_peek_time(const wc_obs_reader *reader, wc_time_s *time);

/* Byte offset where the next block starts (for a look-ahead scan). */
long wc_obs_reader_next_offset(const wc_obs_reader *reader);

/* Look ahead from byte `offset` (a line start) for the first row of `station` whose
 * variable `var` is present. Uses its own FILE (opened on first use, kept in *file).
 * *found false when the file ends first. No validation: the first pass did it. */
WC_NODISCARD wc_status wc_obs_scan_next_valid(const wc_obs_reader *reader, FILE **file, long offset,
                                              int32_t station, int var, bool *found,
                                              wc_time_s *time, double *value);

#endif /* WC_STATION_CSV_H */
