/*
 * wc_import_csv.c — the importer's CSV inputs: sections, land-use and jurisdiction tables.
 *
 * One header line names the columns (any order, matched by name); '#' lines and blank
 * lines are skipped; fields may be double-quoted ("" for a quote). Every error is
 * "FILE:LINE: what is wrong", like a compiler's.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_import.h"

enum { CSV_MAX_FIELDS = 16, CSV_LINE_MAX = 4096 };

typedef struct csv {
  const char *path;
  FILE *file;
  int line;
  char text[CSV_LINE_MAX];
  char *field[CSV_MAX_FIELDS];
  int n_fields;
  int n_columns;                 /* fields in the header */
  int column_of[CSV_MAX_FIELDS]; /* known column k -> field index, or -1 */
} csv;

/* A known column: its name, whether it is required, an alias accepted too. */
typedef struct csv_column {
  const char *name;
  bool required;
  const char *alias;
} csv_column;

static wc_status csv_error(const csv *c, const char *fmt, ...) WC_PRINTF(2, 3);
static wc_status csv_error(const csv *c, const char *fmt, ...) {
  char message[2048];
  va_list args;
  va_start(args, fmt);
  vsnprintf(message, sizeof message, fmt, args);
  va_end(args);
  return wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__, "%s:%d: %s", c->path, c->line, message);
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
    s[--n] = '\0';
  return s;
}

/* Split c->text in place into c->field[]. */
static wc_status split(csv *c) {
  c->n_fields = 0;
  char *p = c->text;
  for (;;) {
    if (c->n_fields == CSV_MAX_FIELDS)
      return csv_error(c, "more than %d fields; is this the right file?", CSV_MAX_FIELDS);
    while (*p == ' ' || *p == '\t') p++;
    char *start = p;
    if (*p == '"') {
      /* Quoted: copy down over the quotes, "" is one quote. */
      char *out = start;
      p++;
      for (;;) {
        if (*p == '\0') return csv_error(c, "a quoted field has no closing quote");
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
      char *rest = p;
      while (*rest == ' ' || *rest == '\t' || *rest == '\r') rest++;
      if (*rest != ',' && *rest != '\0')
        return csv_error(c, "text after a quoted field; put the whole field in quotes");
      *out = '\0';
      c->field[c->n_fields++] = start;
      if (*rest == '\0') return WC_OK;
      p = rest + 1;
      continue;
    }
    char *comma = strchr(p, ',');
    if (comma != NULL) *comma = '\0';
    c->field[c->n_fields++] = trim(start);
    if (comma == NULL) return WC_OK;
    p = comma + 1;
  }
}

/* Next data line (skipping blanks and '#'); *more is false at the end of the file. */
static wc_status csv_next(csv *c, bool *more) {
  *more = false;
  while (fgets(c->text, sizeof c->text, c->file) != NULL) {
    c->line++;
    size_t n = strlen(c->text);
    if (n == sizeof c->text - 1 && c->text[n - 1] != '\n' && !feof(c->file))
      return csv_error(c, "line longer than %d characters", CSV_LINE_MAX - 2);
    char *start = c->text;
    if (c->line == 1 && strncmp(start, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 byte-order mark */
      memmove(start, start + 3, strlen(start + 3) + 1);
    char *content = trim(start);
    if (content[0] == '\0' || content[0] == '#') continue;
    memmove(c->text, content, strlen(content) + 1);
    WC_CALL(split(c));
    *more = true;
    return WC_OK;
  }
  if (ferror(c->file))
    WC_FAIL(WC_ERR_IO, "%s:%d: read error: %s", c->path, c->line, strerror(errno));
  return WC_OK;
}

static void describe(const csv_column *columns, int n, char *out, size_t size) {
  out[0] = '\0';
  for (int k = 0; k < n; k++) {
    size_t used = strlen(out);
    snprintf(out + used, size - used, "%s%s%s%s", k ? "," : "", columns[k].required ? "" : "[",
             columns[k].name, columns[k].required ? "" : "]");
  }
}

/* Open the file and map its header onto `columns`; `expected` (NULL: from the columns)
 * describes the header in messages. */
static wc_status csv_open(csv *c, const char *path, const char *what, const csv_column *columns,
                          int n_columns, const char *expected_text) {
  memset(c, 0, sizeof *c);
  c->path = path;
  c->file = fopen(path, "r");
  WC_CHECK(c->file != NULL, WC_ERR_IO, "cannot read the %s %s: %s", what, path, strerror(errno));
  bool more = false;
  WC_CALL(csv_next(c, &more));
  if (!more) WC_FAIL(WC_ERR_INPUT, "%s:1: the %s is empty; it needs a header line", path, what);
  char expected[256];
  describe(columns, n_columns, expected, sizeof expected);
  if (expected_text != NULL) snprintf(expected, sizeof expected, "%s", expected_text);
  for (int k = 0; k < n_columns; k++) c->column_of[k] = -1;
  for (int f = 0; f < c->n_fields; f++) {
    int found = -1;
    for (int k = 0; k < n_columns && found < 0; k++)
      if (strcmp(c->field[f], columns[k].name) == 0 ||
          (columns[k].alias && strcmp(c->field[f], columns[k].alias) == 0))
        found = k;
    if (found < 0)
      return csv_error(c, "unknown column '%s' in the header; the columns are %s", c->field[f],
                       expected);
    if (c->column_of[found] >= 0)
      return csv_error(c, "column '%s' appears twice in the header", columns[found].name);
    c->column_of[found] = f;
  }
  for (int k = 0; k < n_columns; k++)
    if (columns[k].required && c->column_of[k] < 0)
      return csv_error(c, "the header has no column '%s'; the columns are %s", columns[k].name,
                       expected);
  c->n_columns = c->n_fields;
  return WC_OK;
}

static void csv_close(csv *c) {
  if (c->file != NULL) fclose(c->file);
  c->file = NULL;
}

/* The field of known column k on the current line ("" when the column is absent). */
static const char *get(const csv *c, int k) {
  return c->column_of[k] >= 0 ? c->field[c->column_of[k]] : "";
}

static wc_status check_width(csv *c) {
  if (c->n_fields != c->n_columns)
    return csv_error(c, "%d field(s), but the header has %d columns", c->n_fields, c->n_columns);
  return WC_OK;
}

static wc_status parse_double(csv *c, const char *column, const char *text, double *value) {
  char *end = NULL;
  errno = 0;
  double v = strtod(text, &end);
  if (text[0] == '\0' || *end != '\0' || errno != 0 || !isfinite(v))
    return csv_error(c, "%s '%s' is not a number", column, text);
  *value = v;
  return WC_OK;
}

static wc_status parse_int(csv *c, const char *column, const char *text, int32_t *value) {
  char *end = NULL;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (text[0] == '\0' || *end != '\0' || errno != 0 || v < INT32_MIN || v > INT32_MAX)
    return csv_error(c, "%s '%s' is not a whole number", column, text);
  *value = (int32_t)v;
  return WC_OK;
}

/* Remember the input line of row `index` in a growing array. */
static wc_status remember_line(int **lines, int32_t index, int line) {
  if ((index & (index - 1)) == 0) { /* 0, 1, 2, 4, 8...: double the room */
    int *bigger = realloc(*lines, (size_t)(index ? 2 * index : 1) * sizeof **lines);
    WC_CHECK(bigger != NULL, WC_ERR_MEMORY, "out of memory for %d line numbers", (int)index + 1);
    *lines = bigger;
  }
  (*lines)[index] = line;
  return WC_OK;
}

/* ---- land-use table ------------------------------------------------------------------------ */

wc_status wc_import_land_use_table(const char *path, wc_basin *basin) {
  enum { ID, NAME, MANNING, CROP, IMPERVIOUS, N_COLUMNS };
  static const csv_column columns[N_COLUMNS] = {
      {"id", true, NULL},          {"name", true, NULL},
      {"manning_n", true, NULL},   {"crop_class", false, NULL},
      {"impervious_fraction", false, NULL},
  };
  csv c;
  wc_status status = csv_open(&c, path, "land-use table", columns, N_COLUMNS, NULL);
  bool more = status == WC_OK;
  while (status == WC_OK && more) {
    status = csv_next(&c, &more);
    if (status != WC_OK || !more) break;
    wc_land_use_class cls = {0, NULL, 0.0, NULL, 0.0};
    status = check_width(&c);
    if (status == WC_OK) status = parse_int(&c, "id", get(&c, ID), &cls.id);
    if (status == WC_OK) status = parse_double(&c, "manning_n", get(&c, MANNING), &cls.manning_n);
    if (status == WC_OK && get(&c, IMPERVIOUS)[0] != '\0')
      status = parse_double(&c, "impervious_fraction", get(&c, IMPERVIOUS),
                            &cls.impervious_fraction);
    if (status != WC_OK) break;
    cls.name = (char *)get(&c, NAME);
    cls.crop_class = (char *)get(&c, CROP);
    status = wc_basin_add_land_use(basin, &cls);
    if (status != WC_OK) wc_basin_error_prefix(status, "%s:%d", path, c.line);
  }
  if (status == WC_OK && basin->n_land_use == 0)
    status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                          "%s: the land-use table lists no class", path);
  csv_close(&c);
  return status;
}

/* ---- jurisdiction table -------------------------------------------------------------------- */

wc_status wc_import_jurisdiction_table(const char *path, wc_basin *basin) {
  enum { ID, NAME, LEVEL, PARENT, N_COLUMNS };
  static const csv_column columns[N_COLUMNS] = {
      {"id", true, NULL},
      {"name", true, NULL},
      {"level", false, NULL},
      {"parent_id", false, "parent"},
  };
  int *lines = NULL; /* input line of each row, to name it when its parent is unknown */
  csv c;
  wc_status status = csv_open(&c, path, "jurisdiction table", columns, N_COLUMNS, NULL);
  bool more = status == WC_OK;
  int32_t first = basin->n_jurisdictions;
  while (status == WC_OK && more) {
    status = csv_next(&c, &more);
    if (status != WC_OK || !more) break;
    wc_jurisdiction j = {0, NULL, WC_JURISDICTION_COUNTY, -1};
    status = check_width(&c);
    if (status == WC_OK) status = parse_int(&c, "id", get(&c, ID), &j.id);
    if (status == WC_OK && get(&c, PARENT)[0] != '\0')
      status = parse_int(&c, "parent_id", get(&c, PARENT), &j.parent_id);
    if (status == WC_OK && get(&c, LEVEL)[0] != '\0' &&
        !wc_jurisdiction_level_parse(get(&c, LEVEL), &j.level))
      status = csv_error(&c, "level '%s' is not province, prefecture or county", get(&c, LEVEL));
    if (status == WC_OK) status = remember_line(&lines, basin->n_jurisdictions - first, c.line);
    if (status != WC_OK) break;
    j.name = (char *)get(&c, NAME);
    status = wc_basin_add_jurisdiction(basin, &j);
    if (status != WC_OK) wc_basin_error_prefix(status, "%s:%d", path, c.line);
  }
  csv_close(&c);
  for (int32_t k = first; k < basin->n_jurisdictions && status == WC_OK; k++) {
    const wc_jurisdiction *j = &basin->jurisdictions[k];
    int32_t p = j->parent_id < 0 ? -2 : wc_basin_find_jurisdiction(basin, j->parent_id);
    if (p == -1)
      status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                            "%s:%d: parent_id %d of jurisdiction %d ('%s') is not in the table",
                            path, lines[k - first], (int)j->parent_id, (int)j->id, j->name);
    else if (p >= 0 && basin->jurisdictions[p].level >= j->level)
      status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                            "%s:%d: jurisdiction %d ('%s', %s) has parent %d ('%s', %s); a "
                            "parent must be of a coarser level (province > prefecture > county)",
                            path, lines[k - first], (int)j->id, j->name,
                            wc_jurisdiction_level_name(j->level), (int)j->parent_id,
                            basin->jurisdictions[p].name,
                            wc_jurisdiction_level_name(basin->jurisdictions[p].level));
  }
  free(lines);
  return status;
}

/* ---- sections ------------------------------------------------------------------------------ */

/* A jurisdiction given by id or by name; "" is -1 (taken from the map later). */
static wc_status jurisdiction_ref(csv *c, const wc_basin *basin, const char *column,
                                  const char *text, int32_t *id) {
  *id = -1;
  if (text[0] == '\0') return WC_OK;
  char *end = NULL;
  long v = strtol(text, &end, 10);
  if (*end == '\0') {
    if (wc_basin_find_jurisdiction(basin, (int32_t)v) < 0)
      return csv_error(c, "%s jurisdiction %ld is not in the jurisdiction table (%d entries)",
                       column, v, (int)basin->n_jurisdictions);
    *id = (int32_t)v;
    return WC_OK;
  }
  for (int32_t k = 0; k < basin->n_jurisdictions; k++) {
    if (strcmp(basin->jurisdictions[k].name, text) == 0) {
      *id = basin->jurisdictions[k].id;
      return WC_OK;
    }
  }
  return csv_error(c, "%s jurisdiction '%s' is not in the jurisdiction table (%d entries)",
                   column, text, (int)basin->n_jurisdictions);
}

wc_status wc_import_sections(const char *path, wc_basin *basin, OGRSpatialReferenceH grid_srs,
                             int **lines) {
  *lines = NULL;
  enum { NAME, X, Y, LON, LAT, UP, DOWN, N_COLUMNS };
  static const csv_column columns[N_COLUMNS] = {
      {"name", true, NULL},      {"x", false, NULL},          {"y", false, NULL},
      {"lon", false, NULL},      {"lat", false, NULL},        {"upstream", false, NULL},
      {"downstream", false, NULL},
  };
  csv c;
  wc_status status = csv_open(&c, path, "sections file", columns, N_COLUMNS,
                              "name,x,y or name,lon,lat, optionally with upstream,downstream");
  bool projected = status == WC_OK && c.column_of[X] >= 0 && c.column_of[Y] >= 0 &&
                   c.column_of[LON] < 0 && c.column_of[LAT] < 0;
  bool geographic = status == WC_OK && c.column_of[LON] >= 0 && c.column_of[LAT] >= 0 &&
                    c.column_of[X] < 0 && c.column_of[Y] < 0;
  if (status == WC_OK && !projected && !geographic)
    status = csv_error(&c, "the header must give the position as x,y (metres in the basin's "
                           "CRS) or as lon,lat (WGS84 degrees), not both or neither");
  bool more = status == WC_OK;
  while (status == WC_OK && more) {
    status = csv_next(&c, &more);
    if (status != WC_OK || !more) break;
    wc_section s = {NULL, 0.0, 0.0, -1, -1, 0.0, -1, -1};
    status = check_width(&c);
    if (status == WC_OK && get(&c, NAME)[0] == '\0') status = csv_error(&c, "the name is empty");
    double a = 0.0, b = 0.0;
    if (status == WC_OK)
      status = parse_double(&c, projected ? "x" : "lon", get(&c, projected ? X : LON), &a);
    if (status == WC_OK)
      status = parse_double(&c, projected ? "y" : "lat", get(&c, projected ? Y : LAT), &b);
    if (status == WC_OK && geographic && (fabs(a) > 180.0 || fabs(b) > 90.0))
      status = csv_error(&c, "lon %g, lat %g is not a position in degrees", a, b);
    if (status == WC_OK && geographic) {
      status = wc_import_lonlat_to_xy(grid_srs, a, b, &s.point_x_m, &s.point_y_m);
      if (status != WC_OK) wc_basin_error_prefix(status, "%s:%d", path, c.line);
    } else {
      s.point_x_m = a;
      s.point_y_m = b;
    }
    if (status == WC_OK)
      status = jurisdiction_ref(&c, basin, "upstream", get(&c, UP), &s.upstream_jurisdiction);
    if (status == WC_OK)
      status =
          jurisdiction_ref(&c, basin, "downstream", get(&c, DOWN), &s.downstream_jurisdiction);
    if (status == WC_OK) status = remember_line(lines, basin->n_sections, c.line);
    if (status != WC_OK) break;
    s.name = (char *)get(&c, NAME);
    status = wc_basin_add_section(basin, &s);
    if (status != WC_OK) wc_basin_error_prefix(status, "%s:%d", path, c.line);
  }
  csv_close(&c);
  return status;
}
