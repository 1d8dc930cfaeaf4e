/* wc_schema.c — read, validate, print, free and document schema-described structs. */
#include "wc_schema.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wc_time.h"

/* ---- diagnostics ------------------------------------------------------------------ */

void wc_diag_add(wc_diag *diag, const wc_ynode *at, const char *path, const char *fmt, ...) {
  char message[1024];
  va_list args;
  va_start(args, fmt);
  vsnprintf(message, sizeof message, fmt, args);
  va_end(args);
  char line[1600];
  if (at)
    snprintf(line, sizeof line, "%s:%d:%d: %s: %s\n", at->file, at->line, at->column, path, message);
  else
    snprintf(line, sizeof line, "%s: %s\n", path, message);
  size_t length = strlen(line);
  if (diag->length + length + 1 > diag->capacity) {
    size_t capacity = (diag->capacity + length + 1) * 2;
    char *text = realloc(diag->text, capacity);
    if (!text) return; /* a lost diagnostic beats a crash; the count still fails the load */
    diag->text = text;
    diag->capacity = capacity;
  }
  memcpy(diag->text + diag->length, line, length + 1);
  diag->length += length;
  diag->count++;
}

void wc_diag_free(wc_diag *diag) {
  free(diag->text);
  *diag = (wc_diag){0};
}

/* ---- helpers ---------------------------------------------------------------------- */

int wc_edit_distance(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b);
  if (n > 63 || m > 63) return INT_MAX;
  int row[64];
  for (size_t j = 0; j <= m; ++j) row[j] = (int)j;
  for (size_t i = 1; i <= n; ++i) {
    int diagonal = row[0];
    row[0] = (int)i;
    for (size_t j = 1; j <= m; ++j) {
      int above = row[j];
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int best = diagonal + cost;
      if (above + 1 < best) best = above + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diagonal = above;
    }
  }
  return row[m];
}

/* The closest of `names` to `word`, if close enough to be a plausible typo. */
static const char *closest_name(const char *word, const char *const *names, size_t count, size_t stride) {
  const char *best = NULL;
  int best_distance = INT_MAX;
  for (size_t i = 0; i < count; ++i) {
    const char *name = *(const char *const *)((const char *)names + i * stride);
    int distance = wc_edit_distance(word, name);
    if (distance < best_distance) best_distance = distance, best = name;
  }
  int limit = (int)strlen(word) / 3 + 1;
  if (limit < 2) limit = 2;
  return best_distance <= limit ? best : NULL;
}

/* An object with a required key cannot be left out: its absence is reported as such. */
static bool schema_has_required(const wc_schema *schema) {
  for (const wc_field *field = schema->fields; field->key; ++field)
    if (!field->default_yaml && !field->optional &&
        (field->kind != WC_FIELD_OBJECT || field->required || schema_has_required(field->schema)))
      return true;
  return false;
}

static size_t field_count(const wc_schema *schema) {
  size_t n = 0;
  while (schema->fields[n].key) ++n;
  return n;
}

static void join_path(char *out, size_t size, const char *parent, const char *key) {
  if (parent && parent[0])
    snprintf(out, size, "%s.%s", parent, key);
  else
    snprintf(out, size, "%s", key);
}

static void format_number(double value, char *buffer, size_t size) {
  snprintf(buffer, size, "%.15g", value);
  if (strtod(buffer, NULL) != value) snprintf(buffer, size, "%.17g", value);
}

static void describe_range(const wc_field *field, char *buffer, size_t size) {
  const char *unit = wc_dimension_unit(field->dimension);
  char low[64], high[64];
  format_number(field->min, low, sizeof low);
  format_number(field->max, high, sizeof high);
  const char *space = unit[0] ? " " : "";
  bool has_min = field->min > -HUGE_VAL, has_max = field->max < HUGE_VAL;
  if (has_min && has_max)
    snprintf(buffer, size, "%s %s%s%s %s %s%s%s", field->min_exclusive ? "more than" : "from", low, space, unit,
             field->min_exclusive ? "up to" : "to", high, space, unit);
  else if (has_min)
    snprintf(buffer, size, "%s %s%s%s", field->min_exclusive ? "more than" : "at least", low, space, unit);
  else if (has_max)
    snprintf(buffer, size, "at most %s%s%s", high, space, unit);
  else
    snprintf(buffer, size, "any value");
}

static bool in_range(const wc_field *field, double value) {
  if (field->min_exclusive ? !(value > field->min) : !(value >= field->min)) return false;
  return value <= field->max;
}

static void list_choices(const char *const *choices, char *buffer, size_t size) {
  buffer[0] = '\0';
  for (size_t i = 0; choices[i]; ++i)
    snprintf(buffer + strlen(buffer), size - strlen(buffer), "%s%s", i ? ", " : "", choices[i]);
}

static size_t choice_count(const char *const *choices) {
  size_t n = 0;
  while (choices[n]) ++n;
  return n;
}

/* ---- reading scalars -------------------------------------------------------------- */

static bool expect_scalar(const wc_ynode *node, const char *path, const char *expected, wc_diag *diag) {
  if (node->kind == WC_YNODE_SCALAR) return true;
  wc_diag_add(diag, node, path, "expected %s, got %s", expected, wc_ynode_describe(node));
  return false;
}

static bool read_enum(const wc_field *field, const wc_ynode *node, const char *path, wc_diag *diag, int *out) {
  char allowed[512];
  list_choices(field->choices, allowed, sizeof allowed);
  if (!expect_scalar(node, path, "one of the names", diag)) return false;
  for (int i = 0; field->choices[i]; ++i)
    if (strcmp(node->text, field->choices[i]) == 0) return *out = i, true;
  const char *suggestion =
      closest_name(node->text, (const char *const *)field->choices, choice_count(field->choices), sizeof(char *));
  if (suggestion)
    wc_diag_add(diag, node, path, "unknown value '%s'; did you mean '%s'? (allowed: %s)", node->text, suggestion,
                allowed);
  else
    wc_diag_add(diag, node, path, "unknown value '%s'; allowed: %s", node->text, allowed);
  return false;
}

static bool read_real(const wc_field *field, const wc_ynode *node, const char *path, wc_diag *diag, double *out) {
  if (!expect_scalar(node, path, wc_dimension_name(field->dimension), diag)) return false;
  const char *why = NULL;
  char buffer[256];
  double value;
  if (!wc_quantity_parse(node->text, field->dimension, &value, &why, buffer, sizeof buffer)) {
    wc_diag_add(diag, node, path, "'%s' is not valid: %s", node->text, why);
    return false;
  }
  if (!in_range(field, value)) {
    char range[160], shown[64];
    describe_range(field, range, sizeof range);
    format_number(value, shown, sizeof shown);
    const char *unit = wc_dimension_unit(field->dimension);
    wc_diag_add(diag, node, path, "%s%s%s is out of range; allowed: %s", shown, unit[0] ? " " : "", unit, range);
    return false;
  }
  *out = value;
  return true;
}

static bool read_int(const wc_field *field, const wc_ynode *node, const char *path, wc_diag *diag, int64_t *out) {
  if (!expect_scalar(node, path, "a whole number", diag)) return false;
  char *end = NULL;
  long long value = strtoll(node->text, &end, 10);
  if (!node->plain || end == node->text || *end != '\0') {
    wc_diag_add(diag, node, path, "'%s' is not a whole number", node->text);
    return false;
  }
  if (!in_range(field, (double)value)) {
    char range[160];
    describe_range(field, range, sizeof range);
    wc_diag_add(diag, node, path, "%lld is out of range; allowed: %s", value, range);
    return false;
  }
  *out = value;
  return true;
}

static bool read_string(const wc_field *field, const wc_ynode *node, const char *path, wc_diag *diag,
                        char **out) {
  if (!expect_scalar(node, path, "a string", diag)) return false;
  if (node->text[0] == '\0') {
    wc_diag_add(diag, node, path, "must not be empty");
    return false;
  }
  if (field->kind == WC_FIELD_PATH && node->text[0] != '/') {
    /* Relative paths are relative to the scenario file that wrote them, and are kept
     * absolute so the printed scenario means the same from any directory. */
    char directory[PATH_MAX] = ".";
    const char *slash = strrchr(node->file, '/');
    if (node->file[0] == '/')
      snprintf(directory, sizeof directory, "%.*s", (int)(slash - node->file), node->file);
    else if (getcwd(directory, sizeof directory) && slash)
      snprintf(directory + strlen(directory), sizeof directory - strlen(directory), "/%.*s",
               (int)(slash - node->file), node->file);
    size_t length = strlen(directory) + 1 + strlen(node->text) + 1;
    *out = malloc(length);
    if (*out) snprintf(*out, length, "%s/%s", directory, node->text);
  } else {
    *out = strdup(node->text);
  }
  return *out != NULL;
}

/* Read one present value of `field` from `node` into `slot`. */
static wc_status read_value(const wc_field *field, void *slot, const wc_ynode *node, const wc_ynode *at,
                            const char *path, wc_diag *diag);

static wc_status read_list(const wc_field *field, void *slot, const wc_ynode *node, const char *path,
                           wc_diag *diag) {
  if (node->kind != WC_YNODE_SEQ) {
    wc_diag_add(diag, node, path, "expected a list, got %s", wc_ynode_describe(node));
    return WC_OK;
  }
  size_t element_size = field->kind == WC_FIELD_LIST ? field->schema->size
                        : field->kind == WC_FIELD_REAL_LIST ? sizeof(double)
                                                            : sizeof(int64_t);
  wc_list *list = slot;
  list->count = 0;
  list->items = node->count ? calloc(node->count, element_size) : NULL;
  WC_CHECK(node->count == 0 || list->items, WC_ERR_MEMORY, "out of memory reading %s", path);
  list->count = node->count;
  for (size_t i = 0; i < node->count; ++i) {
    char item_path[512];
    snprintf(item_path, sizeof item_path, "%s[%zu]", path, i);
    void *item = (char *)list->items + i * element_size;
    const wc_ynode *item_node = node->items[i];
    if (field->kind == WC_FIELD_LIST) {
      WC_CALL(wc_schema_read(field->schema, item, item_node, item_node, item_path, diag));
    } else if (field->kind == WC_FIELD_REAL_LIST) {
      read_real(field, item_node, item_path, diag, item);
    } else if (field->kind == WC_FIELD_INT_LIST) {
      read_int(field, item_node, item_path, diag, item);
    } else {
      int choice = -1;
      if (read_enum(field, item_node, item_path, diag, &choice)) *(int64_t *)item = choice;
    }
  }
  return WC_OK;
}

/* `at` is where a missing key inside this value is reported: the value's own key. */
static wc_status read_value(const wc_field *field, void *slot, const wc_ynode *node, const wc_ynode *at,
                            const char *path, wc_diag *diag) {
  switch (field->kind) {
  case WC_FIELD_STRING:
  case WC_FIELD_PATH: {
    char *text = NULL;
    if (read_string(field, node, path, diag, &text)) {
      free(*(char **)slot);
      *(char **)slot = text;
    }
    return WC_OK;
  }
  case WC_FIELD_BOOL:
    if (!expect_scalar(node, path, "true or false", diag)) return WC_OK;
    if (node->plain && strcmp(node->text, "true") == 0)
      *(bool *)slot = true;
    else if (node->plain && strcmp(node->text, "false") == 0)
      *(bool *)slot = false;
    else
      wc_diag_add(diag, node, path, "'%s' is not a boolean; write true or false", node->text);
    return WC_OK;
  case WC_FIELD_INT:
    read_int(field, node, path, diag, slot);
    return WC_OK;
  case WC_FIELD_REAL:
    read_real(field, node, path, diag, slot);
    return WC_OK;
  case WC_FIELD_DATE: {
    if (!expect_scalar(node, path, "a date YYYY-MM-DD", diag)) return WC_OK;
    const char *why = NULL;
    if (!wc_time_parse(node->text, slot, &why)) wc_diag_add(diag, node, path, "'%s' is not a valid date: %s", node->text, why);
    return WC_OK;
  }
  case WC_FIELD_ENUM:
    read_enum(field, node, path, diag, slot);
    return WC_OK;
  case WC_FIELD_OBJECT:
    return wc_schema_read(field->schema, slot, node, at, path, diag);
  case WC_FIELD_LIST:
  case WC_FIELD_REAL_LIST:
  case WC_FIELD_INT_LIST:
  case WC_FIELD_ENUM_LIST:
    return read_list(field, slot, node, path, diag);
  }
  WC_FAIL(WC_ERR_INTERNAL, "schema field %s has an unknown kind", path);
}

/* A default is YAML text read by the same code as user input; an error here is a bug. */
static wc_status read_default(const wc_field *field, void *slot, const char *path, wc_diag *diag) {
  wc_ytree *tree = NULL;
  char name[600];
  snprintf(name, sizeof name, "(default of %s)", path);
  WC_CALL(wc_ytree_parse_string(name, field->default_yaml, &tree));
  const wc_ynode *node = wc_ytree_root(tree);
  wc_status status = WC_OK;
  int before = diag->count;
  if (node) status = read_value(field, slot, node, node, path, diag);
  wc_ytree_destroy(&tree);
  WC_CHECK(node && diag->count == before, WC_ERR_INTERNAL, "the built-in default of %s ('%s') is invalid", path,
           field->default_yaml);
  return status;
}

wc_status wc_schema_read(const wc_schema *schema, void *object, const wc_ynode *map, const wc_ynode *at,
                         const char *path, wc_diag *diag) {
  if (map && wc_ynode_is_null(map)) map = NULL;
  if (map && map->kind != WC_YNODE_MAP) {
    wc_diag_add(diag, map, path[0] ? path : "(top level)", "expected a mapping of keys, got %s",
                wc_ynode_describe(map));
    map = NULL;
  }
  size_t n = field_count(schema);
  if (map) {
    for (size_t k = 0; k < map->count; ++k) {
      const char *key = map->keys[k]->text;
      size_t f = 0;
      while (f < n && strcmp(schema->fields[f].key, key) != 0) ++f;
      if (f < n) continue;
      char key_path[512], allowed[1024] = "";
      join_path(key_path, sizeof key_path, path, key);
      for (size_t i = 0; i < n; ++i)
        snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s", i ? ", " : "",
                 schema->fields[i].key);
      const char *suggestion = closest_name(key, (const char *const *)&schema->fields[0].key, n, sizeof(wc_field));
      if (suggestion)
        wc_diag_add(diag, map->keys[k], key_path, "unknown key; did you mean '%s'? (allowed here: %s)", suggestion,
                    allowed);
      else
        wc_diag_add(diag, map->keys[k], key_path, "unknown key; allowed here: %s", allowed);
    }
  }
  for (size_t f = 0; f < n; ++f) {
    const wc_field *field = &schema->fields[f];
    void *slot = (char *)object + field->offset;
    char field_path[512];
    join_path(field_path, sizeof field_path, path, field->key);
    const wc_ynode *node = wc_ynode_get(map, field->key);
    if (node && wc_ynode_is_null(node) && field->kind != WC_FIELD_OBJECT) node = NULL;
    if (field->kind == WC_FIELD_ENUM) *(int *)slot = -1;
    if (node) {
      const wc_ynode *key_node = node;
      for (size_t k = 0; k < map->count; ++k)
        if (map->items[k] == node) key_node = map->keys[k];
      WC_CALL(read_value(field, slot, node, key_node, field_path, diag));
    } else if (field->default_yaml) {
      WC_CALL(read_default(field, slot, field_path, diag));
    } else if (field->kind == WC_FIELD_OBJECT && !field->required && !schema_has_required(field->schema)) {
      WC_CALL(wc_schema_read(field->schema, slot, NULL, at, field_path, diag));
    } else if (!field->optional) {
      char expected[600] = "";
      if (field->kind == WC_FIELD_ENUM) {
        char allowed[512];
        list_choices(field->choices, allowed, sizeof allowed);
        snprintf(expected, sizeof expected, "; one of: %s", allowed);
      } else if (field->kind == WC_FIELD_REAL) {
        char range[160];
        describe_range(field, range, sizeof range);
        snprintf(expected, sizeof expected, "; %s, %s", wc_dimension_name(field->dimension), range);
      }
      wc_diag_add(diag, at, path[0] ? path : "(top level)", "missing required key '%s'%s", field->key, expected);
    }
  }
  if (schema->check) schema->check(object, map, path, diag);
  return WC_OK;
}

/* ---- freeing ------------------------------------------------------------------------ */

void wc_schema_free(const wc_schema *schema, void *object) {
  if (!object) return;
  for (const wc_field *field = schema->fields; field->key; ++field) {
    void *slot = (char *)object + field->offset;
    switch (field->kind) {
    case WC_FIELD_STRING:
    case WC_FIELD_PATH:
      free(*(char **)slot);
      *(char **)slot = NULL;
      break;
    case WC_FIELD_OBJECT:
      wc_schema_free(field->schema, slot);
      break;
    case WC_FIELD_LIST: {
      wc_list *list = slot;
      for (size_t i = 0; i < list->count; ++i)
        wc_schema_free(field->schema, (char *)list->items + i * field->schema->size);
    }
      /* fall through */
    case WC_FIELD_REAL_LIST:
    case WC_FIELD_INT_LIST:
    case WC_FIELD_ENUM_LIST: {
      wc_list *list = slot;
      free(list->items);
      list->items = NULL;
      list->count = 0;
      break;
    }
    default:
      break;
    }
  }
}

/* ---- printing ----------------------------------------------------------------------- */

static void print_quoted(FILE *out, const char *text) {
  fputc('"', out);
  for (const char *c = text; *c; ++c) {
    if (*c == '"' || *c == '\\')
      fprintf(out, "\\%c", *c);
    else if (*c == '\n')
      fputs("\\n", out);
    else
      fputc(*c, out);
  }
  fputc('"', out);
}

static void print_real(FILE *out, double value, wc_dimension dimension) {
  char number[64];
  format_number(value, number, sizeof number);
  const char *unit = wc_dimension_unit(dimension);
  if (unit[0])
    fprintf(out, "%s %s", number, unit);
  else
    fputs(number, out);
}

static void print_scalar(const wc_field *field, const void *slot, FILE *out) {
  switch (field->kind) {
  case WC_FIELD_STRING:
  case WC_FIELD_PATH: {
    const char *text = *(char *const *)slot;
    if (text)
      print_quoted(out, text);
    else
      fputs("~", out);
    break;
  }
  case WC_FIELD_BOOL: fputs(*(const bool *)slot ? "true" : "false", out); break;
  case WC_FIELD_INT: fprintf(out, "%lld", (long long)*(const int64_t *)slot); break;
  case WC_FIELD_REAL: print_real(out, *(const double *)slot, field->dimension); break;
  case WC_FIELD_DATE: {
    char text[40];
    wc_time_format(*(const wc_time_s *)slot, text, sizeof text);
    fputs(text, out);
    break;
  }
  case WC_FIELD_ENUM: {
    int choice = *(const int *)slot;
    fputs(choice >= 0 ? field->choices[choice] : "~", out);
    break;
  }
  default: break;
  }
}

void wc_schema_print(const wc_schema *schema, const void *object, FILE *out, int indent) {
  bool first_printed = true;
  for (const wc_field *field = schema->fields; field->key; ++field) {
    const void *slot = (const char *)object + field->offset;
    if (field->printed_if && !field->printed_if(object, field)) continue;
    /* The first key of a list item follows the "- " written by the caller. */
    int pad = (first_printed && indent < 0) ? 0 : (indent < 0 ? -indent : indent);
    first_printed = false;
    fprintf(out, "%*s%s:", pad, "", field->key);
    int inner = (indent < 0 ? -indent : indent) + 2;
    switch (field->kind) {
    case WC_FIELD_OBJECT:
      fputc('\n', out);
      wc_schema_print(field->schema, slot, out, inner);
      continue;
    case WC_FIELD_LIST: {
      const wc_list *list = slot;
      if (list->count == 0) {
        fputs(" []\n", out);
        continue;
      }
      fputc('\n', out);
      for (size_t i = 0; i < list->count; ++i) {
        fprintf(out, "%*s- ", inner, "");
        wc_schema_print(field->schema, (const char *)list->items + i * field->schema->size, out, -(inner + 2));
      }
      continue;
    }
    case WC_FIELD_REAL_LIST:
    case WC_FIELD_INT_LIST:
    case WC_FIELD_ENUM_LIST: {
      const wc_list *list = slot;
      fputs(" [", out);
      for (size_t i = 0; i < list->count; ++i) {
        if (i) fputs(", ", out);
        if (field->kind == WC_FIELD_REAL_LIST)
          print_real(out, ((const double *)list->items)[i], field->dimension);
        else if (field->kind == WC_FIELD_INT_LIST)
          fprintf(out, "%lld", (long long)((const int64_t *)list->items)[i]);
        else
          fputs(field->choices[((const int64_t *)list->items)[i]], out);
      }
      fputs("]\n", out);
      continue;
    }
    default:
      fputc(' ', out);
      print_scalar(field, slot, out);
      fputc('\n', out);
    }
  }
}

/* ---- reference documentation ------------------------------------------------------ */

static const char *kind_name(const wc_field *field) {
  switch (field->kind) {
  case WC_FIELD_STRING: return "string";
  case WC_FIELD_PATH: return "path";
  case WC_FIELD_BOOL: return "boolean";
  case WC_FIELD_INT: return "integer";
  case WC_FIELD_REAL: return field->dimension == WC_DIM_NONE ? "number" : "quantity";
  case WC_FIELD_DATE: return "date";
  case WC_FIELD_ENUM: return "name";
  case WC_FIELD_OBJECT: return "mapping";
  case WC_FIELD_LIST: return "list of mappings";
  case WC_FIELD_REAL_LIST: return field->dimension == WC_DIM_NONE ? "list of numbers" : "list of quantities";
  case WC_FIELD_INT_LIST: return "list of integers";
  case WC_FIELD_ENUM_LIST: return "list of names";
  }
  return "?";
}

static void write_schema_table(const wc_schema *schema, FILE *out) {
  fprintf(out, "### `%s`\n\n", schema->name[0] ? schema->name : "(top level)");
  if (schema->doc) fprintf(out, "%s\n\n", schema->doc);
  fputs("| key | type | unit | allowed | default | meaning |\n|---|---|---|---|---|---|\n", out);
  for (const wc_field *field = schema->fields; field->key; ++field) {
    char allowed[600] = "";
    if (field->choices)
      list_choices(field->choices, allowed, sizeof allowed);
    else if (field->kind == WC_FIELD_REAL || field->kind == WC_FIELD_INT || field->kind == WC_FIELD_REAL_LIST ||
             field->kind == WC_FIELD_INT_LIST)
      describe_range(field, allowed, sizeof allowed);
    else if (field->kind == WC_FIELD_OBJECT || field->kind == WC_FIELD_LIST)
      snprintf(allowed, sizeof allowed, "see `%s`", field->schema->name);
    const char *unit = (field->kind == WC_FIELD_REAL || field->kind == WC_FIELD_REAL_LIST)
                           ? wc_dimension_accepted_units(field->dimension)
                           : "";
    bool required = field->kind == WC_FIELD_OBJECT ? (field->required || schema_has_required(field->schema))
                                                   : !field->optional;
    const char *fallback = !required ? (field->kind == WC_FIELD_OBJECT ? "(see below)" : "(none)") : "**required**";
    fprintf(out, "| `%s` | %s | %s | %s | %s%s%s | %s |\n", field->key, kind_name(field), unit, allowed,
            field->default_yaml ? "`" : "", field->default_yaml ? field->default_yaml : fallback,
            field->default_yaml ? "`" : "", field->doc ? field->doc : "");
  }
  fputc('\n', out);
}

void wc_schema_write_reference(const wc_schema *schema, FILE *out) {
  write_schema_table(schema, out);
  for (const wc_field *field = schema->fields; field->key; ++field)
    if (field->kind == WC_FIELD_OBJECT || field->kind == WC_FIELD_LIST) wc_schema_write_reference(field->schema, out);
}
