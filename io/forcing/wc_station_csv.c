/*
 * wc_station_csv.c — station list and observation CSV readers (wc_station_csv.h).
 *
 * CSV as written by spreadsheets and pandas: a header line naming the columns (any order),
 * comma-separated fields, optional double quotes ("" for a quote), '#' comment lines and
 * blank lines skipped, a UTF-8 byte-order mark ignored. Every error names FILE:LINE.
 */
#include "wc_station_csv.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "wc_utm.h"

const char *const wc_obs_var_names[WC_OBS_MAX_VARS] = {"precipitation_mm", "temperature_c", "tmin_c",
                                                        "tmax_c"};

static wc_status csv_error(const char *path, int line, const char *fmt, ...) WC_PRINTF(3, 4);
static wc_status csv_error(const char *path, int line, const char *fmt, ...) {
  char message[2048];
  va_list args;
  va_start(args, fmt);
  vsnprintf(message, sizeof message, fmt, args);
  va_end(args);
  return wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__, "%s:%d: %s", path, line, message);
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) s[--n] = '\0';
  return s;
}

/* Next content line into text (blank and '#' lines skipped); *eof at the end. *offset
 * advances by the bytes read; *line_offset is where the returned line starts. */
static wc_status read_line(FILE *file, const char *path, char *text, int *line, long *offset,
                           long *line_offset, bool *eof) {
  *eof = false;
  for (;;) {
    long start = *offset;
    if (fgets(text, WC_CSV_LINE_MAX, file) == NULL) {
      if (ferror(file)) WC_FAIL(WC_ERR_IO, "%s:%d: read error: %s", path, *line, strerror(errno));
      *eof = true;
      return WC_OK;
    }
    (*line)++;
    size_t n = strlen(text);
    *offset += (long)n;
    if (n == WC_CSV_LINE_MAX - 1 && text[n - 1] != '\n' && !feof(file))
      return csv_error(path, *line, "line longer than %d characters", WC_CSV_LINE_MAX - 2);
    char *content = text;
    if (*line == 1 && strncmp(content, "\xEF\xBB\xBF", 3) == 0) content += 3; /* byte-order mark */
    content = trim(content);
    if (content[0] == '\0' || content[0] == '#') continue;
    memmove(text, content, strlen(content) + 1);
    *line_offset = start;
    return WC_OK;
  }
}

/* Split text in place into fields. */
static wc_status split(const char *path, int line, char *text, char **field, int *n_fields) {
  int n = 0;
  char *p = text;
  for (;;) {
    if (n == WC_CSV_MAX_FIELDS) return csv_error(path, line, "more than %d fields; is this the right file?", WC_CSV_MAX_FIELDS);
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '"') {
      char *out = p, *start = p;
      p++;
      for (;;) {
        if (*p == '\0') return csv_error(path, line, "a quoted field has no closing quote");
        if (*p == '"' && p[1] == '"') {
          *out++ = '"';
          p += 2;
        } else if (*p == '"') {
          p++;
          break;
        } else {
          *out++ = *p++;
        }
      }
      while (*p == ' ' || *p == '\t') p++;
      if (*p != ',' && *p != '\0') return csv_error(path, line, "text after a quoted field; put the whole field in quotes");
      char end = *p;
      *out = '\0';
      field[n++] = start;
      if (end == '\0') break;
      p++;
      continue;
    }
    char *comma = strchr(p, ',');
    if (comma) *comma = '\0';
    field[n++] = trim(p);
    if (!comma) break;
    p = comma + 1;
  }
  *n_fields = n;
  return WC_OK;
}

/* A whole field as a number: 0 ok, 1 not a number, 2 not finite (nan, inf, overflow). */
static int parse_number(const char *text, double *value) {
  char *end = NULL;
  errno = 0;
  double v = strtod(text, &end);
  if (end == text || *end != '\0') return 1;
  if (!isfinite(v)) return 2; /* nan, inf, or an overflow (an underflow to ~0 is fine) */
  *value = v;
  return 0;
}

/* ---- station list ---------------------------------------------------------------------- */

static const wc_station_list *sort_list; /* qsort has no context argument */
static int compare_by_name(const void *a, const void *b) {
  return strcmp(sort_list->name[*(const int32_t *)a], sort_list->name[*(const int32_t *)b]);
}

int32_t wc_station_list_find(const wc_station_list *list, const char *name) {
  int32_t lo = 0, hi = list->n - 1;
  while (lo <= hi) {
    int32_t mid = lo + (hi - lo) / 2;
    int c = strcmp(list->name[list->by_name[mid]], name);
    if (c == 0) return list->by_name[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid - 1;
  }
  return -1;
}

void wc_station_list_free(wc_station_list *list) {
  if (!list) return;
  for (int32_t i = 0; i < list->n; i++) free(list->name[i]);
  free(list->name);
  free(list->x_m);
  free(list->y_m);
  free(list->elevation_m);
  free(list->by_name);
  free(list->path);
  memset(list, 0, sizeof *list);
}

enum { ST_STATION = 0, ST_LON, ST_LAT, ST_X, ST_Y, ST_ELEVATION, ST_COLUMNS };
static const char *const STATION_COLUMNS[ST_COLUMNS] = {"station", "lon", "lat", "x_m", "y_m", "elevation_m"};
static const char *const STATION_HEADER = "station,lon,lat,elevation_m or station,x_m,y_m,elevation_m";

static wc_status grow(wc_station_list *list, int32_t *capacity, int **lines) {
  int32_t cap = *capacity ? 2 * *capacity : 16;
  char **name = realloc(list->name, (size_t)cap * sizeof *name);
  if (name) list->name = name;
  double *x = realloc(list->x_m, (size_t)cap * sizeof *x);
  if (x) list->x_m = x;
  double *y = realloc(list->y_m, (size_t)cap * sizeof *y);
  if (y) list->y_m = y;
  double *z = realloc(list->elevation_m, (size_t)cap * sizeof *z);
  if (z) list->elevation_m = z;
  int *l = realloc(*lines, (size_t)cap * sizeof *l);
  if (l) *lines = l;
  WC_CHECK(name && x && y && z && l, WC_ERR_MEMORY, "out of memory reading the stations file %s", list->path);
  *capacity = cap;
  return WC_OK;
}

static wc_status read_stations(FILE *file, wc_station_list *list, int32_t epsg, int **lines) {
  const char *path = list->path;
  char text[WC_CSV_LINE_MAX];
  char *field[WC_CSV_MAX_FIELDS];
  int n_fields = 0, line = 0;
  long offset = 0, line_offset = 0;
  bool eof = false;
  WC_CALL(read_line(file, path, text, &line, &offset, &line_offset, &eof));
  if (eof) return csv_error(path, line > 0 ? line : 1, "the stations file is empty; expected a header %s", STATION_HEADER);
  WC_CALL(split(path, line, text, field, &n_fields));
  int column[ST_COLUMNS];
  for (int k = 0; k < ST_COLUMNS; k++) column[k] = -1;
  for (int f = 0; f < n_fields; f++) {
    const char *name = field[f];
    int k = -1;
    for (int j = 0; j < ST_COLUMNS; j++)
      if (strcmp(name, STATION_COLUMNS[j]) == 0) k = j;
    if (strcmp(name, "lon_deg") == 0) k = ST_LON;
    if (strcmp(name, "lat_deg") == 0) k = ST_LAT;
    if (k < 0) return csv_error(path, line, "unknown column '%s'; expected %s", name, STATION_HEADER);
    if (column[k] >= 0) return csv_error(path, line, "column '%s' appears twice", STATION_COLUMNS[k]);
    column[k] = f;
  }
  bool lonlat = column[ST_LON] >= 0 || column[ST_LAT] >= 0;
  bool xy = column[ST_X] >= 0 || column[ST_Y] >= 0;
  if (column[ST_STATION] < 0 || column[ST_ELEVATION] < 0 || lonlat == xy ||
      (lonlat && (column[ST_LON] < 0 || column[ST_LAT] < 0)) || (xy && (column[ST_X] < 0 || column[ST_Y] < 0)))
    return csv_error(path, line, "the header must name the columns %s", STATION_HEADER);
  int zone = 0;
  bool north = true;
  if (lonlat) {
    if (epsg >= 32601 && epsg <= 32660) {
      zone = epsg - 32600;
    } else if (epsg >= 32701 && epsg <= 32760) {
      zone = epsg - 32700;
      north = false;
    } else if (epsg == 0) {
      return csv_error(path, line, "the stations are given by lon,lat but the basin's coordinate system is "
                                   "unknown; give x_m,y_m in the basin's coordinates instead");
    } else {
      return csv_error(path, line, "the stations are given by lon,lat but the basin's coordinate system "
                                   "EPSG:%d is not a WGS 84 UTM zone; give x_m,y_m in the basin's "
                                   "coordinates instead", (int)epsg);
    }
  }
  const int n_columns = n_fields;
  int32_t capacity = 0;
  for (;;) {
    WC_CALL(read_line(file, path, text, &line, &offset, &line_offset, &eof));
    if (eof) break;
    WC_CALL(split(path, line, text, field, &n_fields));
    if (n_fields != n_columns)
      return csv_error(path, line, "%d fields, but the header has %d (%s)", n_fields, n_columns, STATION_HEADER);
    if (list->n == capacity) WC_CALL(grow(list, &capacity, lines));
    const char *name = field[column[ST_STATION]];
    if (name[0] == '\0') return csv_error(path, line, "empty station name");
    double a = 0, b = 0, z = 0;
    const int ka = lonlat ? ST_LON : ST_X, kb = lonlat ? ST_LAT : ST_Y;
    const int keys[3] = {ka, kb, ST_ELEVATION};
    double *out[3] = {&a, &b, &z};
    for (int j = 0; j < 3; j++)
      if (parse_number(field[column[keys[j]]], out[j]) != 0)
        return csv_error(path, line, "station '%s': %s '%s' is not a finite number", name,
                         STATION_COLUMNS[keys[j]], field[column[keys[j]]]);
    if (lonlat) {
      if (a < -180 || a > 180 || b < -90 || b > 90)
        return csv_error(path, line, "station '%s': lon %g, lat %g is not a position; expected decimal "
                                     "degrees, longitude -180..180 then latitude -90..90", name, a, b);
      double x, y;
      wc_status status = wc_utm_forward(zone, north, a, b, &x, &y);
      if (status != WC_OK) {
        char reason[1024];
        snprintf(reason, sizeof reason, "%s", wc_error_message());
        return csv_error(path, line, "station '%s': %s", name, reason);
      }
      a = x;
      b = y;
    }
    list->name[list->n] = strdup(name);
    WC_CHECK(list->name[list->n] != NULL, WC_ERR_MEMORY, "out of memory reading %s", path);
    list->x_m[list->n] = a;
    list->y_m[list->n] = b;
    list->elevation_m[list->n] = z;
    (*lines)[list->n] = line;
    list->n++;
  }
  if (list->n == 0) return csv_error(path, line, "no stations after the header; at least one is needed");
  WC_MALLOC(list->by_name, list->n, "station index");
  for (int32_t i = 0; i < list->n; i++) list->by_name[i] = i;
  sort_list = list;
  qsort(list->by_name, (size_t)list->n, sizeof *list->by_name, compare_by_name);
  for (int32_t i = 1; i < list->n; i++) {
    int32_t s0 = list->by_name[i - 1], s1 = list->by_name[i];
    if (strcmp(list->name[s0], list->name[s1]) == 0) {
      int first = (*lines)[s0] < (*lines)[s1] ? (*lines)[s0] : (*lines)[s1];
      int second = (*lines)[s0] < (*lines)[s1] ? (*lines)[s1] : (*lines)[s0];
      return csv_error(path, second, "station '%s' is listed twice (first on line %d)", list->name[s0], first);
    }
  }
  return WC_OK;
}

wc_status wc_station_list_read(const char *path, int32_t epsg, wc_station_list *list) {
  memset(list, 0, sizeof *list);
  FILE *file = fopen(path, "r");
  WC_CHECK(file != NULL, WC_ERR_IO, "cannot read the stations file %s: %s", path, strerror(errno));
  list->path = strdup(path);
  int *lines = NULL;
  wc_status status = list->path ? read_stations(file, list, epsg, &lines)
                                : wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory");
  free(lines);
  fclose(file);
  if (status != WC_OK) wc_station_list_free(list);
  return status;
}

/* ---- observations ---------------------------------------------------------------------- */

static const char *const OBS_HEADER = "time,station,precipitation_mm,temperature_c[,tmin_c,tmax_c]";

wc_status wc_obs_reader_open(wc_obs_reader *r, const char *path, const wc_station_list *stations,
                             wc_time_s grid_origin, int64_t step_s) {
  memset(r, 0, sizeof *r);
  r->stations = stations;
  r->grid_origin = grid_origin;
  r->step_s = step_s;
  r->file = fopen(path, "r");
  WC_CHECK(r->file != NULL, WC_ERR_IO, "cannot read the observations file %s: %s", path, strerror(errno));
  r->path = strdup(path);
  WC_MALLOC(r->seen, stations->n, "observation block flags");
  WC_CHECK(r->path != NULL, WC_ERR_MEMORY, "out of memory");
  long line_offset = 0;
  bool eof = false;
  WC_CALL(read_line(r->file, path, r->text, &r->line, &r->offset, &line_offset, &eof));
  if (eof) return csv_error(path, r->line > 0 ? r->line : 1, "the observations file is empty; expected a header %s", OBS_HEADER);
  WC_CALL(split(path, r->line, r->text, r->field, &r->n_fields));
  static const char *const names[2 + WC_OBS_MAX_VARS] = {"time", "station", "precipitation_mm",
                                                         "temperature_c", "tmin_c", "tmax_c"};
  for (int k = 0; k < 2 + WC_OBS_MAX_VARS; k++) r->column[k] = -1;
  for (int f = 0; f < r->n_fields; f++) {
    int k = -1;
    for (int j = 0; j < 2 + WC_OBS_MAX_VARS; j++)
      if (strcmp(r->field[f], names[j]) == 0) k = j;
    if (k < 0) return csv_error(path, r->line, "unknown column '%s'; expected %s", r->field[f], OBS_HEADER);
    if (r->column[k] >= 0) return csv_error(path, r->line, "column '%s' appears twice", names[k]);
    r->column[k] = f;
  }
  for (int k = 0; k < 4; k++)
    if (r->column[k] < 0) return csv_error(path, r->line, "no column '%s'; expected %s", names[k], OBS_HEADER);
  if ((r->column[4] < 0) != (r->column[5] < 0))
    return csv_error(path, r->line, "tmin_c and tmax_c come together; give both columns or neither");
  r->n_columns = r->n_fields;
  r->n_vars = r->column[4] >= 0 ? 4 : 2;
  return WC_OK;
}

void wc_obs_reader_close(wc_obs_reader *r) {
  if (!r) return;
  if (r->file) fclose(r->file);
  free(r->path);
  free(r->seen);
  memset(r, 0, sizeof *r);
}

wc_status wc_obs_block_alloc(const wc_obs_reader *r, wc_obs_block *block) {
  memset(block, 0, sizeof *block);
  size_t n = (size_t)r->stations->n * (size_t)r->n_vars;
  WC_MALLOC(block->value, n, "observation block");
  WC_MALLOC(block->missing, n, "observation block");
  WC_MALLOC(block->line, r->stations->n, "observation block");
  return WC_OK;
}

void wc_obs_block_free(wc_obs_block *block) {
  if (!block) return;
  free(block->value);
  free(block->missing);
  free(block->line);
  memset(block, 0, sizeof *block);
}

static void list_station_names(const wc_station_list *s, char *out, size_t size) {
  out[0] = '\0';
  for (int32_t i = 0; i < s->n; i++) {
    size_t used = strlen(out);
    if (i == 10) {
      snprintf(out + used, size - used, ", ... (%d in all)", (int)s->n);
      return;
    }
    snprintf(out + used, size - used, "%s%s", i ? ", " : "", s->name[i]);
  }
}

/* Parse the next data row into r->pending; r->have_pending false at the end. */
static wc_status read_row(wc_obs_reader *r) {
  long line_offset = 0;
  bool eof = false;
  WC_CALL(read_line(r->file, r->path, r->text, &r->line, &r->offset, &line_offset, &eof));
  if (eof) {
    r->have_pending = false;
    return WC_OK;
  }
  WC_CALL(split(r->path, r->line, r->text, r->field, &r->n_fields));
  if (r->n_fields != r->n_columns)
    return csv_error(r->path, r->line, "%d fields, but the header has %d (%s)", r->n_fields, r->n_columns, OBS_HEADER);
  wc_obs_row *row = &r->pending;
  row->line = r->line;
  row->offset = line_offset;
  const char *time_text = r->field[r->column[0]];
  const char *why = NULL;
  if (!wc_time_parse(time_text, &row->time, &why))
    return csv_error(r->path, r->line, "time '%s' is not a time: %s", time_text, why);
  const char *name = r->field[r->column[1]];
  row->station = wc_station_list_find(r->stations, name);
  if (row->station < 0) {
    char names[1024];
    list_station_names(r->stations, names, sizeof names);
    return csv_error(r->path, r->line, "unknown station '%s'; %s lists %s", name, r->stations->path, names);
  }
  for (int v = 0; v < r->n_vars; v++) {
    const char *text = r->field[r->column[2 + v]];
    row->missing[v] = text[0] == '\0' || strcmp(text, "NA") == 0;
    row->value[v] = 0.0;
    if (row->missing[v]) continue;
    int bad = parse_number(text, &row->value[v]);
    if (bad)
      return csv_error(r->path, r->line,
                       "%s '%s' is not a %snumber; write a number, or leave the field empty (or NA) for "
                       "a missing value",
                       wc_obs_var_names[v], text, bad == 2 ? "finite " : "");
    if (v == WC_OBS_PRECIPITATION && row->value[v] < 0)
      return csv_error(r->path, r->line, "precipitation_mm %s is negative; precipitation is a depth >= 0", text);
  }
  if (r->n_vars == 4 && !row->missing[WC_OBS_TMIN] && !row->missing[WC_OBS_TMAX] &&
      row->value[WC_OBS_TMIN] > row->value[WC_OBS_TMAX])
    return csv_error(r->path, r->line, "tmin_c %s is above tmax_c %s", r->field[r->column[4]], r->field[r->column[5]]);
  r->have_pending = true;
  return WC_OK;
}

bool wc_obs_reader_peek_time(const wc_obs_reader *r, wc_time_s *time) {
  if (!r->have_pending) return false;
  *time = r->pending.time;
  return true;
}

long wc_obs_reader_next_offset(const wc_obs_reader *r) { return r->have_pending ? r->pending.offset : r->offset; }

wc_status wc_obs_reader_next_block(wc_obs_reader *r, wc_obs_block *block, bool *more) {
  *more = false;
  if (!r->have_pending) {
    /* First call after the header (or the end): read ahead one row. */
    if (feof(r->file)) return WC_OK;
    WC_CALL(read_row(r));
    if (!r->have_pending) return WC_OK;
  }
  const int n_vars = r->n_vars;
  const int32_t n_stations = r->stations->n;
  char when[32], other[32];
  memset(r->seen, 0, (size_t)n_stations);
  block->time = r->pending.time;
  block->first_line = r->pending.line;
  int32_t count = 0;
  for (;;) {
    const wc_obs_row *row = &r->pending;
    if (r->seen[row->station]) {
      wc_time_format(row->time, when, sizeof when);
      return csv_error(r->path, row->line, "station '%s' appears twice at time %s (first on line %d)",
                       r->stations->name[row->station], when, block->line[row->station]);
    }
    r->seen[row->station] = 1;
    count++;
    block->line[row->station] = row->line;
    for (int v = 0; v < n_vars; v++) {
      block->value[(size_t)row->station * n_vars + v] = row->value[v];
      block->missing[(size_t)row->station * n_vars + v] = row->missing[v];
    }
    WC_CALL(read_row(r));
    if (!r->have_pending) break;
    if (r->pending.time != block->time) {
      if (r->pending.time < block->time) {
        wc_time_format(r->pending.time, when, sizeof when);
        wc_time_format(block->time, other, sizeof other);
        return csv_error(r->path, r->pending.line, "time %s is before the previous row's %s; rows must be sorted by time",
                         when, other);
      }
      break;
    }
  }
  if (count < n_stations) {
    int32_t absent = 0;
    while (r->seen[absent]) absent++;
    wc_time_format(block->time, when, sizeof when);
    return csv_error(r->path, block->first_line,
                     "time %s has no row for station '%s'; every time lists every station once (leave a "
                     "value empty or NA when it is missing)",
                     when, r->stations->name[absent]);
  }
  wc_time_format(block->time, when, sizeof when);
  if (r->have_previous) {
    int64_t d = block->time - r->previous_time;
    wc_time_format(r->previous_time, other, sizeof other);
    if (d % r->step_s != 0) {
      char expected[32];
      wc_time_format(r->previous_time + r->step_s, expected, sizeof expected);
      return csv_error(r->path, block->first_line,
                       "time %s is not one time step after the previous time %s; expected %s (time step %lld s)",
                       when, other, expected, (long long)r->step_s);
    }
    if (d > r->step_s) {
      char expected[32];
      wc_time_format(r->previous_time + r->step_s, expected, sizeof expected);
      return csv_error(r->path, block->first_line, "time %s leaves a gap after %s; expected %s next (time step %lld s)",
                       when, other, expected, (long long)r->step_s);
    }
  } else {
    int64_t d = block->time - r->grid_origin;
    if (d % r->step_s != 0) {
      wc_time_format(r->grid_origin, other, sizeof other);
      return csv_error(r->path, block->first_line,
                       "time %s is not on the time-step grid of the period (start %s, step %lld s)", when, other,
                       (long long)r->step_s);
    }
  }
  r->have_previous = true;
  r->previous_time = block->time;
  *more = true;
  return WC_OK;
}

wc_status wc_obs_scan_next_valid(const wc_obs_reader *r, FILE **file, long offset, int32_t station, int var,
                                 bool *found, wc_time_s *time, double *value) {
  *found = false;
  if (*file == NULL) {
    *file = fopen(r->path, "r");
    WC_CHECK(*file != NULL, WC_ERR_IO, "cannot read the observations file %s again: %s", r->path, strerror(errno));
  }
  WC_CHECK(fseek(*file, offset, SEEK_SET) == 0, WC_ERR_IO, "cannot seek in the observations file %s: %s", r->path,
           strerror(errno));
  char text[WC_CSV_LINE_MAX];
  char *field[WC_CSV_MAX_FIELDS];
  int n_fields = 0;
  int line = 2; /* never 1: no byte-order-mark handling mid-file; lines are not reported */
  long pos = offset, line_offset = 0;
  for (;;) {
    bool eof = false;
    WC_CALL(read_line(*file, r->path, text, &line, &pos, &line_offset, &eof));
    if (eof) return WC_OK;
    WC_CALL(split(r->path, line, text, field, &n_fields));
    if (n_fields != r->n_columns) continue;
    if (wc_station_list_find(r->stations, field[r->column[1]]) != station) continue;
    const char *t = field[r->column[2 + var]];
    if (t[0] == '\0' || strcmp(t, "NA") == 0) continue;
    double v;
    if (parse_number(t, &v) != 0) continue;
    if (!wc_time_parse(field[r->column[0]], time, NULL)) continue;
    *value = v;
    *found = true;
    return WC_OK;
  }
}
