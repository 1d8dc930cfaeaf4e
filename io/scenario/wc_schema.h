/*
 * wc_schema.h — a table-driven schema for YAML-configured C structs.
 *
 * One table per struct says, for each key: its type, where it lives in the struct, its
 * unit and range, its default (as YAML text, parsed by the same code as user input) and
 * its documentation. The same table drives loading and validation, printing the resolved
 * scenario, freeing, and the generated docs/scenario-reference.md, so they cannot drift.
 */
#ifndef WC_SCHEMA_H
#define WC_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wc_status.h"
#include "wc_units.h"
#include "wc_ytree.h"

typedef enum wc_field_kind {
  WC_FIELD_STRING,    /* char * (malloc'd) */
  WC_FIELD_PATH,      /* char *, resolved relative to the file that gave it */
  WC_FIELD_BOOL,      /* bool */
  WC_FIELD_INT,       /* int64_t */
  WC_FIELD_REAL,      /* double, in the dimension's canonical unit */
  WC_FIELD_DATE,      /* wc_time_s */
  WC_FIELD_ENUM,      /* int: index into choices, -1 when optional and absent */
  WC_FIELD_OBJECT,    /* an embedded struct described by `schema` */
  WC_FIELD_LIST,      /* wc_list of structs described by `schema` */
  WC_FIELD_REAL_LIST, /* wc_real_list */
  WC_FIELD_INT_LIST,  /* wc_int_list */
  WC_FIELD_ENUM_LIST, /* wc_int_list of choice indices */
} wc_field_kind;

typedef struct wc_schema wc_schema;

typedef struct wc_field {
  const char *key;
  wc_field_kind kind;
  size_t offset;
  const char *doc;
  const char *default_yaml;          /* NULL: required, unless `optional` */
  bool optional;                     /* may be absent: NULL string, enum -1, empty list */
  bool required;                     /* OBJECT: must be given even though its keys have defaults */
  wc_dimension dimension;            /* REAL and REAL_LIST */
  double min, max;                   /* numeric range in canonical units (inclusive) */
  bool min_exclusive;                /* min itself is not allowed (strictly positive, ...) */
  const char *const *choices;        /* ENUM / ENUM_LIST: NULL-terminated names */
  const wc_schema *schema;           /* OBJECT / LIST element */
  /* When set and false, the field is left out of the printed scenario (e.g. parameters of
   * a rule type the object does not use), so the printed form loads back unchanged. */
  bool (*printed_if)(const void *object, const struct wc_field *field);
} wc_field;

/* Diagnostics collected while validating: every error, one per line. */
typedef struct wc_diag {
  char *text;
  size_t length, capacity;
  int count;
} wc_diag;

void wc_diag_add(wc_diag *diag, const wc_ynode *at, const char *path, const char *fmt, ...)
    WC_PRINTF(4, 5);
void wc_diag_free(wc_diag *diag);

/* Cross-field checks of one object, after its fields were read. `node` is the object's
 * mapping (NULL when the whole object came from defaults), for positions. */
typedef void (*wc_schema_check_fn)(void *object, const wc_ynode *node, const char *path, wc_diag *diag);

struct wc_schema {
  const char *name; /* the key path in docs, e.g. "management.point_sources[]" */
  size_t size;      /* sizeof the struct, for list elements */
  const wc_field *fields; /* terminated by a field with key == NULL */
  const char *doc;
  wc_schema_check_fn check;
};

/* Generic list layouts. Typed lists must have the same layout: { T *items; size_t count; } */
typedef struct wc_list {
  void *items;
  size_t count;
} wc_list;
typedef struct wc_real_list {
  double *items;
  size_t count;
} wc_real_list;
typedef struct wc_int_list {
  int64_t *items;
  size_t count;
} wc_int_list;

/* Fill `object` (zeroed by the caller) from `map` (NULL = all defaults). Errors are added
 * to `diag`; the return is WC_OK unless memory ran out. */
wc_status wc_schema_read(const wc_schema *schema, void *object, const wc_ynode *map, const wc_ynode *at,
                         const char *path, wc_diag *diag) WC_NODISCARD;

/* Free everything wc_schema_read allocated inside `object` (not `object` itself). */
void wc_schema_free(const wc_schema *schema, void *object);

/* Print `object` as YAML, every key with its resolved value, units spelled out. */
void wc_schema_print(const wc_schema *schema, const void *object, FILE *out, int indent);

/* Write the Markdown reference of `schema` and every schema below it. */
void wc_schema_write_reference(const wc_schema *schema, FILE *out);

/* Levenshtein distance, for "did you mean" suggestions. */
int wc_edit_distance(const char *a, const char *b);

/* Accessors for checks. */
#define WC_FIELD_AT(object, offset, type) ((type *)((char *)(object) + (offset)))

#endif
