/* wc_geo.c — the .geo reader: tokenizer, records, references, derived river geometry. */
#include "wc_geo.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_utm.h"

/* Tolerance (projected metres) for "this vertex is that vertex": a tributary's last vertex
 * on its receiver, a river's last vertex on the outlet. Copies of the same decimal
 * coordinate land well inside it; a typo does not. */
static const double SAME_POINT_M = 1.0;

enum { MAX_TOKENS = 48, FORMAT_VERSION = 1 };

/* ---- messages ---- */

/* Fail with "PATH:LINE: message" (WC_ERR_INPUT). */
static wc_status WC_PRINTF(4, 5)
    geo_error(const char *path, int line, int src_line, const char *fmt, ...) {
  char message[1536];
  va_list args;
  va_start(args, fmt);
  vsnprintf(message, sizeof message, fmt, args);
  va_end(args);
  return wc_error_set(WC_ERR_INPUT, __FILE__, src_line, "%s:%d: %s", path, line, message);
}
#define GEO_FAIL(p, line, ...) return geo_error((p)->path, (line), __LINE__, __VA_ARGS__)

/* ---- names ---- */

static const char *const LANDUSE_NAMES[WC_LANDUSE_COUNT] = {"forest", "grassland", "cropland",
                                                             "urban", "water"};
static const char *const LEVEL_NAMES[WC_GEO_LEVEL_COUNT] = {"province", "prefecture", "county"};
static const char *const KIND_NAMES[WC_GEO_POINT_KIND_COUNT] = {"outlet", "reservoir",
                                                                "section", "town"};
static const char *const RULE_NAMES[WC_LANDUSE_RULE_COUNT] = {"reservoir", "town", "valley",
                                                              "highland", "rest"};

const char *wc_geo_landuse_class_name(wc_geo_landuse_class cls) {
  return (int)cls >= 0 && cls < WC_LANDUSE_COUNT ? LANDUSE_NAMES[cls] : "unknown";
}
const char *wc_geo_level_name(wc_geo_level level) {
  return (int)level >= 0 && level < WC_GEO_LEVEL_COUNT ? LEVEL_NAMES[level] : "unknown";
}
const char *wc_geo_point_kind_name(wc_geo_point_kind kind) {
  return (int)kind >= 0 && kind < WC_GEO_POINT_KIND_COUNT ? KIND_NAMES[kind] : "unknown";
}

static int name_index(const char *const *names, int count, const char *name) {
  for (int i = 0; i < count; i++)
    if (strcmp(names[i], name) == 0) return i;
  return -1;
}

/* ---- small memory helpers ---- */

static wc_status grow(void **array, size_t *capacity, size_t needed, size_t element,
                      const char *what) {
  if (needed <= *capacity) return WC_OK;
  size_t cap = *capacity ? *capacity : 8;
  while (cap < needed) cap *= 2;
  void *p = realloc(*array, cap * element);
  WC_CHECK(p != NULL, WC_ERR_MEMORY, "out of memory growing the %s to %zu entries", what, cap);
  /* Zero the new tail so a record is fully initialised before it is filled in. */
  memset((char *)p + *capacity * element, 0, (cap - *capacity) * element);
  *array = p;
  *capacity = cap;
  return WC_OK;
}

static wc_status dup_string(const char *text, char **out) {
  *out = NULL;
  if (!text) return WC_OK;
  size_t n = strlen(text) + 1;
  WC_MALLOC(*out, n, "a string from the .geo file");
  memcpy(*out, text, n);
  return WC_OK;
}

static void path_free(wc_geo_path *p) {
  free(p->lon_deg);
  free(p->lat_deg);
  free(p->x_m);
  free(p->y_m);
  free(p->elev_m);
  free(p->line);
  memset(p, 0, sizeof *p);
}

/* ---- tokens ---- */

typedef struct token {
  char *key;   /* NULL for a positional token */
  char *value; /* unquoted */
  bool used;
} token;

typedef struct line_tokens {
  token tok[MAX_TOKENS];
  int count;
} line_tokens;

/* Split a line in place into tokens: whitespace separates, '#' starts a comment,
 * "double quotes" protect spaces and '#', key=value pairs are split at the first '='. */
static wc_status tokenize(const char *path, int line_no, char *line, line_tokens *out) {
  out->count = 0;
  char *s = line;
  for (;;) {
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
    if (*s == '\0' || *s == '#') return WC_OK;
    if (out->count == MAX_TOKENS)
      return geo_error(path, line_no, __LINE__,
                       "more than %d words on one line; split the record or shorten it",
                       MAX_TOKENS);
    char *start = s, *eq = NULL;
    bool quoted = false;
    while (*s && !(!quoted && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' ||
                               *s == '#'))) {
      if (*s == '"') quoted = !quoted;
      else if (*s == '=' && !quoted && !eq) eq = s;
      s++;
    }
    if (quoted)
      return geo_error(path, line_no, __LINE__,
                       "a quoted string is not closed; end it with a double quote (\") on "
                       "the same line");
    bool at_end = *s == '\0';
    *s = '\0';
    token *t = &out->tok[out->count++];
    t->used = false;
    t->key = NULL;
    t->value = start;
    if (eq) {
      *eq = '\0';
      t->key = start;
      t->value = eq + 1;
      if (t->key[0] == '\0')
        return geo_error(path, line_no, __LINE__,
                         "'=%s' has no key before '='; write key=value", t->value);
    }
    size_t n = strlen(t->value);
    if (n >= 2 && t->value[0] == '"' && t->value[n - 1] == '"') {
      t->value[n - 1] = '\0';
      t->value++;
    } else if (strchr(t->value, '"')) {
      return geo_error(path, line_no, __LINE__,
                       "stray double quote in '%s'; quote a whole value: key=\"text\"",
                       t->value);
    }
    if (at_end) return WC_OK;
    s++;
  }
}

/* ---- parser state ---- */

typedef enum block_kind { BLOCK_NONE = 0, BLOCK_OUTLINE, BLOCK_RIVER, BLOCK_REGION } block_kind;

typedef struct parser {
  const char *path;
  wc_geo_basin *b;
  size_t cap_outlines, cap_rivers, cap_corridors, cap_points, cap_jur, cap_regions, cap_landuse;
  /* references by name, resolved after the whole file is read (forward references are
   * fine): parallel to the records that hold them */
  char **river_joins;      /* per river: "outlet" or a river id */
  char **corridor_river;   /* per corridor */
  char **point_river;      /* per point (may be NULL) */
  char **point_up;         /* per point: section upstream jurisdiction */
  char **point_down;       /* per point: section downstream jurisdiction */
  char **point_jur;        /* per point: town jurisdiction */
  char **jur_parent;       /* per jurisdiction */
  char **region_jur;       /* per region */
  bool seen_header, seen_basin, seen_terrain;
  block_kind block;
  int block_line;
  wc_geo_path *block_path;
  size_t block_cap;
} parser;

static void free_strings(char **list, size_t count) {
  if (!list) return;
  for (size_t i = 0; i < count; i++) free(list[i]);
  free(list);
}

static void parser_free(parser *p) {
  free_strings(p->river_joins, p->b ? p->b->river_count : 0);
  free_strings(p->corridor_river, p->b ? p->b->corridor_count : 0);
  size_t np = p->b ? p->b->point_count : 0;
  free_strings(p->point_river, np);
  free_strings(p->point_up, np);
  free_strings(p->point_down, np);
  free_strings(p->point_jur, np);
  free_strings(p->jur_parent, p->b ? p->b->jurisdiction_count : 0);
  free_strings(p->region_jur, p->b ? p->b->region_count : 0);
}

/* A reference list grows with its records; capacity tracked by the record array. */
static wc_status ref_slot(char ***list, size_t capacity, size_t index) {
  char **p = realloc(*list, capacity * sizeof *p);
  WC_CHECK(p != NULL, WC_ERR_MEMORY, "out of memory for .geo references");
  for (size_t i = index; i < capacity; i++) p[i] = NULL;
  *list = p;
  return WC_OK;
}

/* ---- key=value access ---- */

static const char *take(line_tokens *t, const char *key) {
  for (int i = 1; i < t->count; i++) {
    if (t->tok[i].key && strcmp(t->tok[i].key, key) == 0) {
      t->tok[i].used = true;
      return t->tok[i].value;
    }
  }
  return NULL;
}

static wc_status check_duplicates(const parser *p, int line, const line_tokens *t) {
  for (int i = 1; i < t->count; i++) {
    if (!t->tok[i].key) continue;
    for (int j = i + 1; j < t->count; j++)
      if (t->tok[j].key && strcmp(t->tok[i].key, t->tok[j].key) == 0)
        GEO_FAIL(p, line, "key '%s' is given twice; give each key once", t->tok[i].key);
  }
  return WC_OK;
}

/* After a record took what it knows, anything left is a mistake. */
static wc_status check_all_used(const parser *p, int line, const line_tokens *t,
                                const char *record, const char *known) {
  for (int i = 1; i < t->count; i++) {
    if (t->tok[i].used) continue;
    if (t->tok[i].key)
      GEO_FAIL(p, line, "unknown key '%s' in a '%s' record; known keys: %s", t->tok[i].key,
               record, known);
    GEO_FAIL(p, line, "unexpected word '%s' in a '%s' record; expected key=value (%s)",
             t->tok[i].value, record, known);
  }
  return WC_OK;
}

static wc_status parse_number(const parser *p, int line, const char *text, const char *what,
                              double *out) {
  *out = NAN;
  char *end = NULL;
  errno = 0;
  double v = text && *text ? strtod(text, &end) : NAN;
  if (!text || !*text || *end != '\0' || errno == ERANGE || !isfinite(v))
    GEO_FAIL(p, line, "%s '%s' is not a number; expected a decimal number such as 116.98",
             what, text ? text : "");
  *out = v;
  return WC_OK;
}

/* Optional numeric key; NAN when absent. `min_exclusive` bounds it from below. */
static wc_status take_number(const parser *p, int line, line_tokens *t, const char *key,
                             double min_exclusive, double scale, double *out) {
  const char *v = take(t, key);
  *out = NAN;
  if (!v) return WC_OK;
  double x;
  WC_CALL(parse_number(p, line, v, key, &x));
  if (!(x > min_exclusive))
    GEO_FAIL(p, line, "%s=%s is out of range; it must be greater than %g", key, v,
             min_exclusive);
  *out = x * scale;
  return WC_OK;
}

/* Positional token i, or a failure naming what is missing. */
static wc_status positional(const parser *p, int line, const line_tokens *t, int i,
                            const char *record, const char *form, const char **out) {
  *out = "";
  if (i >= t->count || t->tok[i].key)
    GEO_FAIL(p, line, "'%s' record is missing its %s; expected: %s", record,
             i == 1 ? "id" : "coordinates", form);
  *out = t->tok[i].value;
  return WC_OK;
}

static wc_status check_id(const parser *p, int line, const char *id, const char *what) {
  bool ok = id[0] != '\0' && strlen(id) <= 63;
  for (const char *c = id; ok && *c; c++)
    ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
         *c == '_' || *c == '-';
  if (!ok)
    GEO_FAIL(p, line, "%s id '%s' is not valid; use 1-63 letters, digits, '_' or '-'", what, id);
  return WC_OK;
}

static wc_status parse_lon_lat(const parser *p, int line, const char *lon_text,
                               const char *lat_text, double *lon, double *lat) {
  WC_CALL(parse_number(p, line, lon_text, "longitude", lon));
  WC_CALL(parse_number(p, line, lat_text, "latitude", lat));
  if (fabs(*lon) > 180.0 || fabs(*lat) > 90.0)
    GEO_FAIL(p, line,
             "coordinate (%s, %s) is out of range; expected LON LAT in decimal degrees, "
             "longitude first (-180..180), then latitude (-90..90)",
             lon_text, lat_text);
  return WC_OK;
}

/* ---- records ---- */

static wc_status begin_block(parser *p, int line, block_kind kind, wc_geo_path *path) {
  p->block = kind;
  p->block_line = line;
  p->block_path = path;
  p->block_cap = 0;
  return WC_OK;
}

static const char *block_name(block_kind kind) {
  switch (kind) {
  case BLOCK_OUTLINE: return "outline";
  case BLOCK_RIVER: return "river";
  case BLOCK_REGION: return "region";
  default: return "none";
  }
}

static wc_status record_header(parser *p, int line, line_tokens *t) {
  if (t->count != 2 || t->tok[1].key || strcmp(t->tok[1].value, "1") != 0)
    GEO_FAIL(p, line, "unsupported header; the first record must be 'wcsim-geo %d'",
             FORMAT_VERSION);
  p->seen_header = true;
  return WC_OK;
}

static wc_status record_basin(parser *p, int line, line_tokens *t) {
  wc_geo_basin *b = p->b;
  if (p->seen_basin) GEO_FAIL(p, line, "second 'basin' record; a file describes one basin");
  const char *id;
  WC_CALL(positional(p, line, t, 1, "basin", "basin ID name=\"...\" crs=EPSG:326ZZ area_km2=A", &id));
  t->tok[1].used = true;
  WC_CALL(check_id(p, line, id, "basin"));
  WC_CALL(dup_string(id, &b->id));
  WC_CALL(dup_string(take(t, "name"), &b->name));
  WC_CALL(dup_string(take(t, "area_src"), &b->area_src));
  const char *crs = take(t, "crs");
  if (!crs) GEO_FAIL(p, line, "'basin' record has no crs; add crs=EPSG:32650 (or the UTM zone of the basin)");
  if (wc_utm_epsg_parse(crs, &b->utm_zone, &b->utm_north) != WC_OK)
    GEO_FAIL(p, line, "crs=%s is not a WGS 84 UTM zone; expected EPSG:326ZZ or EPSG:327ZZ", crs);
  WC_CALL(dup_string(crs, &b->crs));
  WC_CALL(take_number(p, line, t, "area_km2", 0.0, 1.0, &b->published_area_km2));
  if (isnan(b->published_area_km2))
    GEO_FAIL(p, line, "'basin' record has no area_km2; give the published catchment area "
             "the outline is checked against");
  WC_CALL(check_all_used(p, line, t, "basin", "name, crs, area_km2, area_src"));
  p->seen_basin = true;
  return WC_OK;
}

static wc_status record_outline(parser *p, int line, line_tokens *t) {
  wc_geo_basin *b = p->b;
  const char *id;
  WC_CALL(positional(p, line, t, 1, "outline", "outline ID [name=\"...\"], then LON LAT lines, then end", &id));
  t->tok[1].used = true;
  WC_CALL(check_id(p, line, id, "outline"));
  WC_CALL(grow((void **)&b->outlines, &p->cap_outlines, b->outline_count + 1, sizeof *b->outlines, "outlines"));
  wc_geo_outline *o = &b->outlines[b->outline_count++];
  o->line = line;
  WC_CALL(dup_string(id, &o->id));
  WC_CALL(dup_string(take(t, "name"), &o->name));
  WC_CALL(check_all_used(p, line, t, "outline", "name"));
  return begin_block(p, line, BLOCK_OUTLINE, &o->ring);
}

static wc_status record_river(parser *p, int line, line_tokens *t) {
  wc_geo_basin *b = p->b;
  const char *id;
  WC_CALL(positional(p, line, t, 1, "river", "river ID name=\"...\" joins=RIVER|outlet src=\"...\"", &id));
  t->tok[1].used = true;
  WC_CALL(check_id(p, line, id, "river"));
  if (wc_geo_basin_find_river(b, id) >= 0)
    GEO_FAIL(p, line, "river id '%s' is used twice; give each river its own id", id);
  size_t old_cap = p->cap_rivers;
  WC_CALL(grow((void **)&b->rivers, &p->cap_rivers, b->river_count + 1, sizeof *b->rivers, "rivers"));
  if (p->cap_rivers != old_cap) WC_CALL(ref_slot(&p->river_joins, p->cap_rivers, old_cap));
  size_t k = b->river_count++;
  wc_geo_river *r = &b->rivers[k];
  r->line = line;
  r->receiver = -1;
  WC_CALL(dup_string(id, &r->id));
  WC_CALL(dup_string(take(t, "name"), &r->name));
  WC_CALL(dup_string(take(t, "src"), &r->src));
  const char *joins = take(t, "joins");
  if (!joins)
    GEO_FAIL(p, line, "river '%s' has no joins=; give the id of the river it flows into, or "
             "joins=outlet for a river that ends at the basin outlet", id);
  WC_CALL(dup_string(joins, &p->river_joins[k]));
  WC_CALL(check_all_used(p, line, t, "river", "name, joins, src"));
  return begin_block(p, line, BLOCK_RIVER, &r->path);
}

static wc_status record_region(parser *p, int line, line_tokens *t) {
  wc_geo_basin *b = p->b;
  const char *id;
  WC_CALL(positional(p, line, t, 1, "region", "region JURISDICTION_ID, then LON LAT lines, then end", &id));
  t->tok[1].used = true;
  size_t old_cap = p->cap_regions;
  WC_CALL(grow((void **)&b->regions, &p->cap_regions, b->region_count + 1, sizeof *b->regions, "regions"));
  if (p->cap_regions != old_cap) WC_CALL(ref_slot(&p->region_jur, p->cap_regions, old_cap));
  size_t k = b->region_count++;
  wc_geo_region *g = &b->regions[k];
  g->line = line;
  g->jurisdiction = -1;
  WC_CALL(dup_string(id, &p->region_jur[k]));
  (void)take(t, "note");
  WC_CALL(check_all_used(p, line, t, "region", "note"));
  return begin_block(p, line, BLOCK_REGION, &g->ring);
}

static wc_status record_corridor(parser *p, int line, line_tokens *t) {
  wc_geo_basin *b = p->b;
  const char *id;
  WC_CALL(positional(p, line, t, 1, "corridor", "corridor ID river=RIVER half_width_km=W", &id));
  t->tok[1].used = true;
  WC_CALL(check_id(p, line, id, "corridor"));
  size_t old_cap = p->cap_corridors;
  WC_CALL(grow((void **)&b->corridors, &p->cap_corridors, b->corridor_count + 1, sizeof *b->corridors, "corridors"));
  if (p->cap_corridors != old_cap) WC_CALL(ref_slot(&p->corridor_river, p->cap_corridors, old_cap));
  size_t k = b->corridor_count++;
  wc_geo_corridor *c = &b->corridors[k];
  c->line = line;
  c->river = -1;
  WC_CALL(dup_string(id, &c->id));
  WC_CALL(dup_string(take(t, "name"), &c->name));
  WC_CALL(dup_string(take(t, "src"), &c->src));
  const char *river = take(t, "river");
  if (!river) GEO_FAIL(p, line, "corridor '%s' has no river=; name the river it follows", id);
  WC_CALL(dup_string(river, &p->corridor_river[k]));
  WC_CALL(take_number(p, line, t, "half_width_km", 0.0, 1000.0, &c->half_width_m));
  if (isnan(c->half_width_m))
    GEO_FAIL(p, line, "corridor '%s' has no half_width_km=; give the distance from the river "
             "that still belongs to the domain", id);
  WC_CALL(check_all_used(p, line, t, "corridor", "river, half_width_km, name, src"));
  return WC_OK;
}

static wc_status record_point(parser *p, int line, line_tokens *t, wc_geo_point_kind kind) {
  wc_geo_basin *b = p->b;
  const char *kname = KIND_NAMES[kind];
  const char *form = "KIND ID LON LAT key=value ...";
  const char *id, *lon_text, *lat_text;
  WC_CALL(positional(p, line, t, 1, kname, form, &id));
  WC_CALL(positional(p, line, t, 2, kname, form, &lon_text));
  WC_CALL(positional(p, line, t, 3, kname, form, &lat_text));
  t->tok[1].used = t->tok[2].used = t->tok[3].used = true;
  WC_CALL(check_id(p, line, id, kname));
  if (wc_geo_basin_find_point(b, id) >= 0)
    GEO_FAIL(p, line, "point id '%s' is used twice; give each outlet, reservoir, section and "
             "town its own id", id);
  size_t old_cap = p->cap_points;
  WC_CALL(grow((void **)&b->points, &p->cap_points, b->point_count + 1, sizeof *b->points, "points"));
  if (p->cap_points != old_cap) {
    WC_CALL(ref_slot(&p->point_river, p->cap_points, old_cap));
    WC_CALL(ref_slot(&p->point_up, p->cap_points, old_cap));
    WC_CALL(ref_slot(&p->point_down, p->cap_points, old_cap));
    WC_CALL(ref_slot(&p->point_jur, p->cap_points, old_cap));
  }
  size_t k = b->point_count++;
  wc_geo_point *q = &b->points[k];
  q->kind = kind;
  q->line = line;
  q->river = q->upstream = q->downstream = q->jurisdiction = -1;
  q->capacity_m3 = q->normal_pool_m = q->surface_km2 = q->catchment_km2 = NAN;
  q->elev_m = q->urban_km2 = NAN;
  WC_CALL(dup_string(id, &q->id));
  WC_CALL(parse_lon_lat(p, line, lon_text, lat_text, &q->lon_deg, &q->lat_deg));
  WC_CALL(dup_string(take(t, "name"), &q->name));
  WC_CALL(dup_string(take(t, "src"), &q->src));
  WC_CALL(dup_string(take(t, "confidence"), &q->confidence));
  const char *known = "name, src, confidence";
  switch (kind) {
  case WC_GEO_OUTLET:
    WC_CALL(dup_string(take(t, "river"), &p->point_river[k]));
    known = "name, river, src, confidence";
    break;
  case WC_GEO_RESERVOIR:
    WC_CALL(dup_string(take(t, "river"), &p->point_river[k]));
    WC_CALL(take_number(p, line, t, "capacity_m3", 0.0, 1.0, &q->capacity_m3));
    WC_CALL(take_number(p, line, t, "surface_km2", 0.0, 1.0, &q->surface_km2));
    WC_CALL(take_number(p, line, t, "catchment_km2", 0.0, 1.0, &q->catchment_km2));
    WC_CALL(take_number(p, line, t, "normal_pool_m", -500.0, 1.0, &q->normal_pool_m));
    known = "name, river, capacity_m3, normal_pool_m, surface_km2, catchment_km2, src, confidence";
    break;
  case WC_GEO_SECTION: {
    const char *river = take(t, "river"), *up = take(t, "upstream"), *down = take(t, "downstream");
    const char *border = take(t, "on_border");
    q->on_border = true;
    if (border && strcmp(border, "no") == 0) q->on_border = false;
    else if (border && strcmp(border, "yes") != 0)
      GEO_FAIL(p, line, "on_border=%s; expected on_border=yes (the default) or no", border);
    if (!river || !up || (!down && q->on_border))
      GEO_FAIL(p, line, "section '%s' needs river= and upstream= (the river it measures, the "
               "jurisdiction above it) and, on a border, downstream= (the one below)", id);
    WC_CALL(dup_string(river, &p->point_river[k]));
    WC_CALL(dup_string(up, &p->point_up[k]));
    WC_CALL(dup_string(down, &p->point_down[k]));
    known = "name, river, upstream, downstream, on_border, src, confidence";
    break;
  }
  case WC_GEO_TOWN:
    WC_CALL(dup_string(take(t, "jurisdiction"), &p->point_jur[k]));
    WC_CALL(take_number(p, line, t, "elev_m", -500.0, 1.0, &q->elev_m));
    WC_CALL(take_number(p, line, t, "urban_km2", 0.0, 1.0, &q->urban_km2));
    known = "name, jurisdiction, elev_m, urban_km2, src, confidence";
    break;
  default:
    break;
  }
  WC_CALL(check_all_used(p, line, t, kname, known));
  return WC_OK;
}

static wc_status record_jurisdiction(parser *p, int line, line_tokens *t) {
  wc_geo_basin *b = p->b;
  const char *id;
  WC_CALL(positional(p, line, t, 1, "jurisdiction", "jurisdiction ID level=province|prefecture|county name=\"...\" [parent=ID]", &id));
  t->tok[1].used = true;
  WC_CALL(check_id(p, line, id, "jurisdiction"));
  if (wc_geo_basin_find_jurisdiction(b, id) >= 0)
    GEO_FAIL(p, line, "jurisdiction id '%s' is used twice; give each jurisdiction its own id", id);
  size_t old_cap = p->cap_jur;
  WC_CALL(grow((void **)&b->jurisdictions, &p->cap_jur, b->jurisdiction_count + 1, sizeof *b->jurisdictions, "jurisdictions"));
  if (p->cap_jur != old_cap) WC_CALL(ref_slot(&p->jur_parent, p->cap_jur, old_cap));
  size_t k = b->jurisdiction_count++;
  wc_geo_jurisdiction *j = &b->jurisdictions[k];
  j->line = line;
  j->parent = -1;
  WC_CALL(dup_string(id, &j->id));
  WC_CALL(dup_string(take(t, "name"), &j->name));
  const char *level = take(t, "level");
  int lv = level ? name_index(LEVEL_NAMES, WC_GEO_LEVEL_COUNT, level) : -1;
  if (lv < 0)
    GEO_FAIL(p, line, "jurisdiction '%s' has level=%s; expected level=province, prefecture or county",
             id, level ? level : "(missing)");
  j->level = (wc_geo_level)lv;
  WC_CALL(dup_string(take(t, "parent"), &p->jur_parent[k]));
  WC_CALL(check_all_used(p, line, t, "jurisdiction", "level, name, parent"));
  return WC_OK;
}

static wc_status record_landuse(parser *p, int line, line_tokens *t) {
  wc_geo_basin *b = p->b;
  const char *cls_text;
  WC_CALL(positional(p, line, t, 1, "landuse", "landuse CLASS rule=RULE fraction=F priority=N", &cls_text));
  t->tok[1].used = true;
  int cls = name_index(LANDUSE_NAMES, WC_LANDUSE_COUNT, cls_text);
  if (cls < 0)
    GEO_FAIL(p, line, "land-use class '%s' is unknown; expected forest, grassland, cropland, "
             "urban or water", cls_text);
  for (size_t i = 0; i < b->landuse_count; i++)
    if ((int)b->landuse[i].cls == cls)
      GEO_FAIL(p, line, "land-use class '%s' has a second rule (first at line %d); give one "
               "rule per class", cls_text, b->landuse[i].line);
  WC_CALL(grow((void **)&b->landuse, &p->cap_landuse, b->landuse_count + 1, sizeof *b->landuse, "land-use rules"));
  wc_geo_landuse *u = &b->landuse[b->landuse_count++];
  u->line = line;
  u->cls = (wc_geo_landuse_class)cls;
  const char *rule = take(t, "rule");
  int rk = rule ? name_index(RULE_NAMES, WC_LANDUSE_RULE_COUNT, rule) : -1;
  if (rk < 0)
    GEO_FAIL(p, line, "land-use rule '%s' is unknown; expected rule=reservoir, town, valley, "
             "highland or rest", rule ? rule : "(missing)");
  u->rule = (wc_geo_landuse_rule_kind)rk;
  const char *fraction = take(t, "fraction");
  if (!fraction) GEO_FAIL(p, line, "land-use '%s' has no fraction=; give its share of the basin area (0..1)", cls_text);
  WC_CALL(parse_number(p, line, fraction, "fraction", &u->fraction));
  if (!(u->fraction >= 0.0 && u->fraction <= 1.0))
    GEO_FAIL(p, line, "fraction=%s is out of range; a share of the basin area is between 0 and 1", fraction);
  WC_CALL(take_number(p, line, t, "max_river_distance_km", 0.0, 1000.0, &u->max_river_distance_m));
  WC_CALL(take_number(p, line, t, "min_elev_m", -500.0, 1.0, &u->min_elev_m));
  const char *priority = take(t, "priority");
  double pr = (double)b->landuse_count;
  if (priority) WC_CALL(parse_number(p, line, priority, "priority", &pr));
  if (pr != floor(pr) || pr < 0 || pr > 100)
    GEO_FAIL(p, line, "priority=%s must be a whole number 0..100 (lower is assigned first)", priority);
  u->priority = (int)pr;
  WC_CALL(dup_string(take(t, "src"), &u->src));
  if (u->rule == WC_LANDUSE_RULE_VALLEY && isnan(u->max_river_distance_m))
    GEO_FAIL(p, line, "rule=valley needs max_river_distance_km= (how far from a river the class may reach)");
  WC_CALL(check_all_used(p, line, t, "landuse", "rule, fraction, priority, max_river_distance_km, min_elev_m, src"));
  return WC_OK;
}

static wc_status record_terrain(parser *p, int line, line_tokens *t) {
  wc_geo_terrain *g = &p->b->terrain;
  if (p->seen_terrain) GEO_FAIL(p, line, "second 'terrain' record (first at line %d); merge them", g->line);
  p->seen_terrain = true;
  g->line = line;
  WC_CALL(take_number(p, line, t, "outlet_elev_m", -500.0, 1.0, &g->outlet_elev_m));
  WC_CALL(take_number(p, line, t, "max_elev_m", -500.0, 1.0, &g->max_elev_m));
  WC_CALL(take_number(p, line, t, "ridge_relief_m", 0.0, 1.0, &g->ridge_relief_m));
  WC_CALL(take_number(p, line, t, "valley_half_width_km", 0.0, 1000.0, &g->valley_half_width_m));
  WC_CALL(take_number(p, line, t, "noise_amplitude_m", -1.0, 1.0, &g->noise_amplitude_m));
  WC_CALL(take_number(p, line, t, "noise_wavelength_km", 0.0, 1000.0, &g->noise_wavelength_m));
  const char *seed = take(t, "seed");
  if (seed) {
    double s;
    WC_CALL(parse_number(p, line, seed, "seed", &s));
    if (s != floor(s) || s < 0 || s > 9.0e15) GEO_FAIL(p, line, "seed=%s must be a whole number >= 0", seed);
    g->seed = (int64_t)s;
  }
  WC_CALL(check_all_used(p, line, t, "terrain", "outlet_elev_m, max_elev_m, ridge_relief_m, "
                         "valley_half_width_km, noise_amplitude_m, noise_wavelength_km, seed"));
  return WC_OK;
}

static wc_status path_add_vertex(parser *p, int line, line_tokens *t) {
  wc_geo_path *v = p->block_path;
  if (t->count < 2 || t->tok[0].key || t->tok[1].key)
    GEO_FAIL(p, line, "expected a vertex 'LON LAT' or 'end' inside the %s block opened at line %d",
             block_name(p->block), p->block_line);
  double lon, lat;
  WC_CALL(parse_lon_lat(p, line, t->tok[0].value, t->tok[1].value, &lon, &lat));
  t->tok[0].used = t->tok[1].used = true;
  double elev = NAN;
  const char *e = NULL;
  for (int i = 2; i < t->count; i++) {
    if (t->tok[i].key && strcmp(t->tok[i].key, "elev_m") == 0 && p->block == BLOCK_RIVER) {
      e = t->tok[i].value;
      t->tok[i].used = true;
    }
  }
  if (e) WC_CALL(parse_number(p, line, e, "elev_m", &elev));
  for (int i = 2; i < t->count; i++)
    if (!t->tok[i].used)
      GEO_FAIL(p, line, "unexpected '%s%s%s' after a vertex; a %s vertex is 'LON LAT'%s", t->tok[i].key ? t->tok[i].key : "",
               t->tok[i].key ? "=" : "", t->tok[i].value, block_name(p->block),
               p->block == BLOCK_RIVER ? " with an optional elev_m=E" : "");
  if (v->count == p->block_cap) {
    size_t cap = p->block_cap ? 2 * p->block_cap : 64;
    double **arrays[] = {&v->lon_deg, &v->lat_deg, &v->x_m, &v->y_m, &v->elev_m};
    for (size_t a = 0; a < sizeof arrays / sizeof *arrays; a++) {
      double *q = realloc(*arrays[a], cap * sizeof *q);
      WC_CHECK(q != NULL, WC_ERR_MEMORY, "out of memory reading vertices");
      *arrays[a] = q;
    }
    int *l = realloc(v->line, cap * sizeof *l);
    WC_CHECK(l != NULL, WC_ERR_MEMORY, "out of memory reading vertices");
    v->line = l;
    p->block_cap = cap;
  }
  v->lon_deg[v->count] = lon;
  v->lat_deg[v->count] = lat;
  v->x_m[v->count] = v->y_m[v->count] = NAN;
  v->elev_m[v->count] = elev;
  v->line[v->count] = line;
  v->count++;
  return WC_OK;
}

static wc_status end_block(parser *p, int line) {
  wc_geo_path *v = p->block_path;
  size_t need = p->block == BLOCK_RIVER ? 2 : 3;
  if (v->count < need)
    GEO_FAIL(p, line, "the %s block opened at line %d has %zu %s; it needs at least %zu",
             block_name(p->block), p->block_line, v->count, v->count == 1 ? "vertex" : "vertices",
             need);
  if (p->block != BLOCK_RIVER && v->count > 3 && v->lon_deg[0] == v->lon_deg[v->count - 1] &&
      v->lat_deg[0] == v->lat_deg[v->count - 1])
    v->count--; /* a repeated closing vertex adds nothing */
  p->block = BLOCK_NONE;
  p->block_path = NULL;
  return WC_OK;
}

static wc_status parse_line(parser *p, int line, char *text) {
  line_tokens t;
  WC_CALL(tokenize(p->path, line, text, &t));
  if (t.count == 0) return WC_OK;
  if (p->block != BLOCK_NONE) {
    if (!t.tok[0].key && strcmp(t.tok[0].value, "end") == 0) {
      if (t.count > 1) GEO_FAIL(p, line, "'end' takes nothing after it");
      return end_block(p, line);
    }
    const char *first = t.tok[0].value;
    if (!t.tok[0].key && ((first[0] >= 'a' && first[0] <= 'z') || (first[0] >= 'A' && first[0] <= 'Z')))
      GEO_FAIL(p, line, "'%s' appears inside the %s block opened at line %d; close that block "
               "with 'end' first", first, block_name(p->block), p->block_line);
    return path_add_vertex(p, line, &t);
  }
  if (t.tok[0].key) GEO_FAIL(p, line, "a record starts with a keyword, not '%s=%s'", t.tok[0].key, t.tok[0].value);
  const char *kw = t.tok[0].value;
  WC_CALL(check_duplicates(p, line, &t));
  if (!p->seen_header) {
    if (strcmp(kw, "wcsim-geo") != 0)
      GEO_FAIL(p, line, "'%s' before the header; a .geo file starts with 'wcsim-geo %d'", kw,
               FORMAT_VERSION);
    return record_header(p, line, &t);
  }
  if (strcmp(kw, "basin") == 0) return record_basin(p, line, &t);
  if (strcmp(kw, "outline") == 0) return record_outline(p, line, &t);
  if (strcmp(kw, "river") == 0) return record_river(p, line, &t);
  if (strcmp(kw, "region") == 0) return record_region(p, line, &t);
  if (strcmp(kw, "corridor") == 0) return record_corridor(p, line, &t);
  if (strcmp(kw, "jurisdiction") == 0) return record_jurisdiction(p, line, &t);
  if (strcmp(kw, "landuse") == 0) return record_landuse(p, line, &t);
  if (strcmp(kw, "terrain") == 0) return record_terrain(p, line, &t);
  for (int k = 0; k < WC_GEO_POINT_KIND_COUNT; k++)
    if (strcmp(kw, KIND_NAMES[k]) == 0) return record_point(p, line, &t, (wc_geo_point_kind)k);
  if (strcmp(kw, "end") == 0) GEO_FAIL(p, line, "'end' without an open outline, river or region block");
  if (strcmp(kw, "wcsim-geo") == 0) GEO_FAIL(p, line, "second 'wcsim-geo' header");
  GEO_FAIL(p, line, "unknown record '%s'; expected one of basin, outline, river, corridor, "
           "outlet, reservoir, section, town, jurisdiction, region, landuse, terrain", kw);
}

/* ---- after the file: project, resolve, derive ---- */

static wc_status project_path(parser *p, wc_geo_path *v) {
  const wc_geo_basin *b = p->b;
  for (size_t i = 0; i < v->count; i++) {
    if (wc_utm_forward(b->utm_zone, b->utm_north, v->lon_deg[i], v->lat_deg[i], &v->x_m[i],
                       &v->y_m[i]) != WC_OK)
      GEO_FAIL(p, v->line[i], "vertex (%g, %g) cannot be projected into %s: %s", v->lon_deg[i],
               v->lat_deg[i], b->crs, wc_error_message());
  }
  return WC_OK;
}

static wc_status resolve_river_ref(parser *p, int line, const char *ref, const char *what, int *out) {
  if (!ref) {
    *out = -1;
    return WC_OK;
  }
  *out = wc_geo_basin_find_river(p->b, ref);
  if (*out < 0) GEO_FAIL(p, line, "%s river '%s' is not defined; define it with a 'river %s' block", what, ref, ref);
  return WC_OK;
}

static wc_status resolve_jur_ref(parser *p, int line, const char *ref, const char *what, int *out) {
  if (!ref) {
    *out = -1;
    return WC_OK;
  }
  *out = wc_geo_basin_find_jurisdiction(p->b, ref);
  if (*out < 0)
    GEO_FAIL(p, line, "%s jurisdiction '%s' is not defined; add a 'jurisdiction %s level=...' record",
             what, ref, ref);
  return WC_OK;
}

/* Index of the vertex of `path` within SAME_POINT_M of (x, y), or -1. */
static long vertex_at(const wc_geo_path *path, double x, double y) {
  for (size_t i = 0; i < path->count; i++)
    if (hypot(path->x_m[i] - x, path->y_m[i] - y) <= SAME_POINT_M) return (long)i;
  return -1;
}

static wc_status finish(parser *p) {
  wc_geo_basin *b = p->b;
  if (p->block != BLOCK_NONE)
    GEO_FAIL(p, p->block_line, "the %s block opened here is not closed; end it with 'end'", block_name(p->block));
  if (!p->seen_header) GEO_FAIL(p, 1, "empty file; a .geo file starts with 'wcsim-geo %d'", FORMAT_VERSION);
  if (!p->seen_basin) GEO_FAIL(p, 1, "no 'basin' record; add 'basin ID name=... crs=EPSG:32650 area_km2=...'");
  if (b->outline_count == 0) GEO_FAIL(p, 1, "no 'outline' block; a basin needs its outline polygon");
  if (b->river_count == 0) GEO_FAIL(p, 1, "no 'river' block; a basin needs at least its main river");

  /* Project everything. */
  for (size_t i = 0; i < b->outline_count; i++) WC_CALL(project_path(p, &b->outlines[i].ring));
  for (size_t i = 0; i < b->river_count; i++) WC_CALL(project_path(p, &b->rivers[i].path));
  for (size_t i = 0; i < b->region_count; i++) WC_CALL(project_path(p, &b->regions[i].ring));
  for (size_t i = 0; i < b->point_count; i++) {
    wc_geo_point *q = &b->points[i];
    if (wc_utm_forward(b->utm_zone, b->utm_north, q->lon_deg, q->lat_deg, &q->x_m, &q->y_m) != WC_OK)
      GEO_FAIL(p, q->line, "%s '%s' cannot be projected into %s: %s", KIND_NAMES[q->kind], q->id,
               b->crs, wc_error_message());
  }
  b->area_m2 = 0.0;
  for (size_t i = 0; i < b->outline_count; i++) {
    wc_geo_outline *o = &b->outlines[i];
    o->area_m2 = wc_polygon_area_m2(o->ring.x_m, o->ring.y_m, o->ring.count);
    b->area_m2 += o->area_m2;
  }

  /* Outlet. */
  b->outlet = -1;
  for (size_t i = 0; i < b->point_count; i++) {
    if (b->points[i].kind != WC_GEO_OUTLET) continue;
    if (b->outlet >= 0)
      GEO_FAIL(p, b->points[i].line, "second outlet '%s' (first at line %d); a basin drains to one outlet",
               b->points[i].id, b->points[b->outlet].line);
    b->outlet = (int)i;
  }
  if (b->outlet < 0) GEO_FAIL(p, 1, "no 'outlet' record; add 'outlet ID LON LAT' where the basin drains");
  const wc_geo_point *outlet = &b->points[b->outlet];

  /* Jurisdictions: parents exist, sit one level up or higher, no province has one. */
  for (size_t i = 0; i < b->jurisdiction_count; i++) {
    wc_geo_jurisdiction *j = &b->jurisdictions[i];
    WC_CALL(resolve_jur_ref(p, j->line, p->jur_parent[i], "parent", &j->parent));
    if (j->level == WC_GEO_PROVINCE && j->parent >= 0)
      GEO_FAIL(p, j->line, "province '%s' has parent=%s; a province has no parent", j->id, p->jur_parent[i]);
    if (j->level != WC_GEO_PROVINCE && j->parent < 0)
      GEO_FAIL(p, j->line, "%s '%s' has no parent=; give the jurisdiction it belongs to",
               LEVEL_NAMES[j->level], j->id);
    if (j->parent >= 0 && b->jurisdictions[j->parent].level >= j->level)
      GEO_FAIL(p, j->line, "%s '%s' has parent '%s', which is a %s; a parent must be a higher level",
               LEVEL_NAMES[j->level], j->id, b->jurisdictions[j->parent].id,
               LEVEL_NAMES[b->jurisdictions[j->parent].level]);
  }
  for (size_t i = 0; i < b->region_count; i++)
    WC_CALL(resolve_jur_ref(p, b->regions[i].line, p->region_jur[i], "region's", &b->regions[i].jurisdiction));

  /* Rivers: receivers, join vertices, no cycles. */
  for (size_t i = 0; i < b->river_count; i++) {
    wc_geo_river *r = &b->rivers[i];
    r->length_m = wc_polyline_length_m(r->path.x_m, r->path.y_m, r->path.count);
    double above = INFINITY;
    int above_line = 0;
    for (size_t v = 0; v < r->path.count; v++) {
      double e = r->path.elev_m[v];
      if (isnan(e)) continue;
      if (e > above)
        GEO_FAIL(p, r->path.line[v], "river '%s' rises from elev_m=%g (line %d) to elev_m=%g "
                 "downstream; elevation anchors must not increase towards the mouth", r->id,
                 above, above_line, e);
      above = e;
      above_line = r->path.line[v];
    }
    const char *joins = p->river_joins[i];
    double x = r->path.x_m[r->path.count - 1], y = r->path.y_m[r->path.count - 1];
    int last_line = r->path.line[r->path.count - 1];
    if (strcmp(joins, "outlet") == 0) {
      r->receiver = -1;
      double d = hypot(x - outlet->x_m, y - outlet->y_m);
      if (d > SAME_POINT_M)
        GEO_FAIL(p, last_line, "river '%s' joins the outlet but ends %.0f m from outlet '%s' "
                 "(%g, %g); end it on the outlet's coordinate", r->id, d, outlet->id,
                 outlet->lon_deg, outlet->lat_deg);
      continue;
    }
    r->receiver = wc_geo_basin_find_river(b, joins);
    if (r->receiver < 0)
      GEO_FAIL(p, r->line, "river '%s' joins '%s', which is not defined; give the id of a river "
               "defined in this file, or joins=outlet", r->id, joins);
    if (r->receiver == (int)i) GEO_FAIL(p, r->line, "river '%s' joins itself; give the river it flows into", r->id);
    const wc_geo_river *q = &b->rivers[r->receiver];
    long v = vertex_at(&q->path, x, y);
    if (v < 0) {
      double along;
      double d = wc_polyline_distance_m(q->path.x_m, q->path.y_m, q->path.count, x, y, &along);
      GEO_FAIL(p, last_line, "river '%s' ends at (%g, %g), %.0f m from river '%s' which it joins, "
               "and not on one of its vertices; end a tributary on a vertex of its receiving "
               "river (copy that vertex)", r->id, r->path.lon_deg[r->path.count - 1],
               r->path.lat_deg[r->path.count - 1], d, q->id);
    }
    r->join_vertex = (size_t)v;
    r->join_along_m = wc_polyline_length_m(q->path.x_m, q->path.y_m, (size_t)v + 1);
  }
  for (size_t i = 0; i < b->river_count; i++) {
    /* Follow receivers: a chain longer than the number of rivers is a cycle. */
    int r = (int)i, steps = 0;
    double to_outlet = 0.0;
    while (b->rivers[r].receiver >= 0) {
      const wc_geo_river *cur = &b->rivers[r];
      const wc_geo_river *next = &b->rivers[cur->receiver];
      to_outlet += next->length_m - cur->join_along_m;
      r = cur->receiver;
      if (++steps > (int)b->river_count)
        GEO_FAIL(p, b->rivers[i].line, "river '%s' is in a cycle of joins=; rivers must form a "
                 "tree that ends at the outlet", b->rivers[i].id);
    }
    b->rivers[i].order = steps + 1;
    b->rivers[i].mouth_to_outlet_m = to_outlet;
  }

  /* Elevations: a source anchor on every river, the outlet's elevation where a river ends
   * there without one, and no tributary entering its receiver from below. */
  for (size_t i = 0; i < b->river_count; i++) {
    const wc_geo_river *r = &b->rivers[i];
    if (isnan(r->path.elev_m[0]))
      GEO_FAIL(p, r->path.line[0], "river '%s' has no elev_m= on its first vertex (its source); "
               "give the source elevation so every point of the network has a bed elevation", r->id);
    if (r->receiver < 0 && isnan(r->path.elev_m[r->path.count - 1]) && isnan(b->terrain.outlet_elev_m))
      GEO_FAIL(p, r->path.line[r->path.count - 1], "river '%s' ends at the outlet with no elev_m= "
               "on its last vertex and the file has no 'terrain outlet_elev_m='; give one of them", r->id);
  }
  for (size_t i = 0; i < b->river_count; i++) {
    const wc_geo_river *r = &b->rivers[i];
    if (r->receiver < 0) continue;
    double lowest = INFINITY;
    int lowest_line = 0;
    for (size_t v = 0; v < r->path.count; v++)
      if (!isnan(r->path.elev_m[v]) && r->path.elev_m[v] < lowest) {
        lowest = r->path.elev_m[v];
        lowest_line = r->path.line[v];
      }
    double bed = wc_geo_river_bed_elevation_m(b, r->receiver, r->join_along_m);
    if (lowest < bed - 1e-9)
      GEO_FAIL(p, lowest_line, "river '%s' has elev_m=%g here but joins river '%s' where its bed "
               "is at %.1f m; a tributary cannot flow uphill into its receiver", r->id, lowest,
               b->rivers[r->receiver].id, bed);
  }

  /* Corridors and point references. */
  for (size_t i = 0; i < b->corridor_count; i++)
    WC_CALL(resolve_river_ref(p, b->corridors[i].line, p->corridor_river[i], "corridor", &b->corridors[i].river));
  for (size_t i = 0; i < b->point_count; i++) {
    wc_geo_point *q = &b->points[i];
    WC_CALL(resolve_river_ref(p, q->line, p->point_river[i], "the point's", &q->river));
    WC_CALL(resolve_jur_ref(p, q->line, p->point_up[i], "upstream", &q->upstream));
    WC_CALL(resolve_jur_ref(p, q->line, p->point_down[i], "downstream", &q->downstream));
    WC_CALL(resolve_jur_ref(p, q->line, p->point_jur[i], "the town's", &q->jurisdiction));
    if (q->kind == WC_GEO_SECTION && q->on_border && q->upstream == q->downstream)
      GEO_FAIL(p, q->line, "section '%s' has the same jurisdiction '%s' upstream and downstream; "
               "a border section separates two", q->id, b->jurisdictions[q->upstream].id);
  }

  /* Land use: when given, the rules cover every class once and the shares sum to 1. */
  if (b->landuse_count > 0) {
    double sum = 0.0;
    int rest = 0;
    for (size_t i = 0; i < b->landuse_count; i++) {
      sum += b->landuse[i].fraction;
      rest += b->landuse[i].rule == WC_LANDUSE_RULE_REST;
    }
    int first_line = b->landuse[0].line;
    if (b->landuse_count != WC_LANDUSE_COUNT)
      GEO_FAIL(p, first_line, "%zu land-use rules; give one for each of forest, grassland, "
               "cropland, urban and water", b->landuse_count);
    if (fabs(sum - 1.0) > 1e-6)
      GEO_FAIL(p, first_line, "land-use fractions sum to %.6f; they must sum to 1", sum);
    if (rest != 1)
      GEO_FAIL(p, first_line, "%d land-use rules have rule=rest; exactly one class takes the cells left over", rest);
  }
  return WC_OK;
}

/* ---- public ---- */

wc_status wc_geo_basin_read(const char *path, wc_geo_basin **basin) {
  WC_CHECK(path != NULL && basin != NULL, WC_ERR_INTERNAL, "wc_geo_basin_read: NULL argument");
  *basin = NULL;
  FILE *file = fopen(path, "rb");
  WC_CHECK(file != NULL, WC_ERR_IO, "cannot open basin geography '%s': %s; check the path", path,
           strerror(errno));
  wc_status status = WC_OK;
  parser p = {0};
  p.path = path;
  char *text = NULL;
  WC_MALLOC(p.b, 1, "a basin");
  p.b->outlet = -1;
  p.b->terrain.outlet_elev_m = p.b->terrain.max_elev_m = p.b->terrain.ridge_relief_m = NAN;
  p.b->terrain.valley_half_width_m = p.b->terrain.noise_amplitude_m = NAN;
  p.b->terrain.noise_wavelength_m = NAN;
  WC_CALL_GOTO(status, done, dup_string(path, &p.b->path));

  /* Lines of any length: grow the buffer until the newline fits. */
  size_t cap = 1024;
  text = malloc(cap);
  if (!text) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory reading '%s'", path);
    goto done;
  }
  int line = 0;
  for (;;) {
    size_t len = 0;
    bool got = false;
    while (fgets(text + len, (int)(cap - len), file)) {
      got = true;
      len += strlen(text + len);
      if (len > 0 && text[len - 1] == '\n') break;
      if (len + 1 < cap) break; /* last line without newline */
      char *bigger = realloc(text, 2 * cap);
      if (!bigger) {
        status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory reading '%s'", path);
        goto done;
      }
      text = bigger;
      cap *= 2;
    }
    if (!got) break;
    line++;
    WC_CALL_GOTO(status, done, parse_line(&p, line, text));
  }
  if (ferror(file)) {
    status = wc_error_set(WC_ERR_IO, __FILE__, __LINE__, "%s:%d: read error: %s", path, line, strerror(errno));
    goto done;
  }
  WC_CALL_GOTO(status, done, finish(&p));
done:
  if (file) fclose(file);
  free(text);
  parser_free(&p);
  if (status != WC_OK) {
    wc_geo_basin_destroy(&p.b);
    return status;
  }
  *basin = p.b;
  return WC_OK;
}

void wc_geo_basin_destroy(wc_geo_basin **basin) {
  if (!basin || !*basin) return;
  wc_geo_basin *b = *basin;
  free(b->path);
  free(b->id);
  free(b->name);
  free(b->crs);
  free(b->area_src);
  for (size_t i = 0; i < b->outline_count; i++) {
    free(b->outlines[i].id);
    free(b->outlines[i].name);
    path_free(&b->outlines[i].ring);
  }
  free(b->outlines);
  for (size_t i = 0; i < b->river_count; i++) {
    free(b->rivers[i].id);
    free(b->rivers[i].name);
    free(b->rivers[i].src);
    path_free(&b->rivers[i].path);
  }
  free(b->rivers);
  for (size_t i = 0; i < b->corridor_count; i++) {
    free(b->corridors[i].id);
    free(b->corridors[i].name);
    free(b->corridors[i].src);
  }
  free(b->corridors);
  for (size_t i = 0; i < b->point_count; i++) {
    free(b->points[i].id);
    free(b->points[i].name);
    free(b->points[i].src);
    free(b->points[i].confidence);
  }
  free(b->points);
  for (size_t i = 0; i < b->jurisdiction_count; i++) {
    free(b->jurisdictions[i].id);
    free(b->jurisdictions[i].name);
  }
  free(b->jurisdictions);
  for (size_t i = 0; i < b->region_count; i++) path_free(&b->regions[i].ring);
  free(b->regions);
  for (size_t i = 0; i < b->landuse_count; i++) free(b->landuse[i].src);
  free(b->landuse);
  free(b);
  *basin = NULL;
}

int wc_geo_basin_find_river(const wc_geo_basin *basin, const char *id) {
  for (size_t i = 0; id && i < basin->river_count; i++)
    if (basin->rivers[i].id && strcmp(basin->rivers[i].id, id) == 0) return (int)i;
  return -1;
}

int wc_geo_basin_find_point(const wc_geo_basin *basin, const char *id) {
  for (size_t i = 0; id && i < basin->point_count; i++)
    if (basin->points[i].id && strcmp(basin->points[i].id, id) == 0) return (int)i;
  return -1;
}

int wc_geo_basin_find_jurisdiction(const wc_geo_basin *basin, const char *id) {
  for (size_t i = 0; id && i < basin->jurisdiction_count; i++)
    if (basin->jurisdictions[i].id && strcmp(basin->jurisdictions[i].id, id) == 0) return (int)i;
  return -1;
}

double wc_geo_river_outlet_distance_m(const wc_geo_basin *basin, int river, double along_m) {
  const wc_geo_river *r = &basin->rivers[river];
  double rest = r->length_m - along_m;
  return (rest > 0.0 ? rest : 0.0) + r->mouth_to_outlet_m;
}

double wc_geo_river_bed_elevation_m(const wc_geo_basin *basin, int river, double along_m) {
  /* Recursion follows the receivers; the reader rejected cycles, so it ends at the outlet. */
  const wc_geo_river *r = &basin->rivers[river];
  const wc_geo_path *g = &r->path;
  if (along_m < 0.0) along_m = 0.0;
  if (along_m > r->length_m) along_m = r->length_m;
  double walked = 0.0, prev_along = NAN, prev_elev = NAN;
  for (size_t v = 0; v < g->count; v++) {
    if (v > 0) walked += hypot(g->x_m[v] - g->x_m[v - 1], g->y_m[v] - g->y_m[v - 1]);
    if (isnan(g->elev_m[v])) continue;
    if (walked >= along_m) {
      if (isnan(prev_elev) || walked <= prev_along) return g->elev_m[v];
      double t = (along_m - prev_along) / (walked - prev_along);
      return prev_elev + t * (g->elev_m[v] - prev_elev);
    }
    prev_along = walked;
    prev_elev = g->elev_m[v];
  }
  /* Below the last anchor: towards the receiver's bed at the join, or the outlet. */
  double tail = r->receiver < 0 ? basin->terrain.outlet_elev_m
                                : wc_geo_river_bed_elevation_m(basin, r->receiver, r->join_along_m);
  if (isnan(prev_elev)) return tail;
  if (isnan(tail) || r->length_m <= prev_along) return prev_elev;
  double t = (along_m - prev_along) / (r->length_m - prev_along);
  return prev_elev + t * (tail - prev_elev);
}

int wc_geo_basin_nearest_river(const wc_geo_basin *basin, double x_m, double y_m,
                               double *distance_m, double *along_m) {
  int best = -1;
  double best_d = INFINITY, best_along = 0.0;
  for (size_t i = 0; i < basin->river_count; i++) {
    const wc_geo_path *g = &basin->rivers[i].path;
    double along;
    double d = wc_polyline_distance_m(g->x_m, g->y_m, g->count, x_m, y_m, &along);
    if (d < best_d) {
      best_d = d;
      best_along = along;
      best = (int)i;
    }
  }
  if (distance_m) *distance_m = best_d;
  if (along_m) *along_m = best_along;
  return best;
}

int wc_geo_basin_jurisdiction_at(const wc_geo_basin *basin, double x_m, double y_m) {
  for (size_t k = 0; k < basin->region_count; k++) {
    const wc_geo_path *g = &basin->regions[k].ring;
    if (wc_polygon_contains(g->x_m, g->y_m, g->count, x_m, y_m)) return basin->regions[k].jurisdiction;
  }
  return -1;
}

bool wc_geo_jurisdiction_is_within(const wc_geo_basin *basin, int j, int ancestor) {
  for (int steps = 0; j >= 0 && steps <= (int)basin->jurisdiction_count; steps++) {
    if (j == ancestor) return true;
    j = basin->jurisdictions[j].parent;
  }
  return false;
}

static const char *jurisdiction_id(const wc_geo_basin *basin, int j) {
  return j >= 0 ? basin->jurisdictions[j].id : "(no tile)";
}

/* A border section: the river just above it lies in `upstream`, just below in
 * `downstream`; an assessment section: the point itself lies in `upstream`. */
static wc_status check_section_sides(const wc_geo_basin *b, const wc_geo_point *q) {
  const wc_geo_path *g = &b->rivers[q->river].path;
  double along;
  (void)wc_polyline_distance_m(g->x_m, g->y_m, g->count, q->x_m, q->y_m, &along);
  double length = b->rivers[q->river].length_m;
  if (!q->on_border) {
    int at = wc_geo_basin_jurisdiction_at(b, q->x_m, q->y_m);
    if (!wc_geo_jurisdiction_is_within(b, at, q->upstream))
      return geo_error(b->path, q->line, __LINE__,
                       "section '%s' lies in the tile of '%s', not in its upstream jurisdiction "
                       "'%s'", q->id, jurisdiction_id(b, at), b->jurisdictions[q->upstream].id);
    return WC_OK;
  }
  struct {
    double offset_m;
    int expected;
    const char *side;
  } sides[2] = {{-WC_GEO_SECTION_SIDE_M, q->upstream, "upstream"},
                {WC_GEO_SECTION_SIDE_M, q->downstream, "downstream"}};
  for (int s = 0; s < 2; s++) {
    double at_m = along + sides[s].offset_m;
    if (at_m < 0.0 || at_m > length) continue; /* the river starts or ends there */
    double x, y;
    wc_polyline_point_at(g->x_m, g->y_m, g->count, at_m, &x, &y);
    int at = wc_geo_basin_jurisdiction_at(b, x, y);
    if (!wc_geo_jurisdiction_is_within(b, at, sides[s].expected))
      return geo_error(b->path, q->line, __LINE__,
                       "section '%s': %.1f km %s of it river '%s' is in the tile of '%s', not "
                       "in '%s'; put the section where the river crosses that border",
                       q->id, WC_GEO_SECTION_SIDE_M / 1000.0, sides[s].side,
                       b->rivers[q->river].id, jurisdiction_id(b, at),
                       b->jurisdictions[sides[s].expected].id);
  }
  return WC_OK;
}

bool wc_geo_basin_domain_contains(const wc_geo_basin *basin, double x_m, double y_m) {
  for (size_t i = 0; i < basin->outline_count; i++) {
    const wc_geo_path *g = &basin->outlines[i].ring;
    if (wc_polygon_contains(g->x_m, g->y_m, g->count, x_m, y_m)) return true;
  }
  for (size_t i = 0; i < basin->corridor_count; i++) {
    const wc_geo_corridor *c = &basin->corridors[i];
    const wc_geo_path *g = &basin->rivers[c->river].path;
    if (wc_polyline_distance_m(g->x_m, g->y_m, g->count, x_m, y_m, NULL) <= c->half_width_m)
      return true;
  }
  return false;
}

wc_status wc_geo_basin_rasterize_domain(const wc_geo_basin *basin, const wc_geo_grid *grid,
                                        uint8_t *mask, int64_t *outline_cells,
                                        int64_t *corridor_cells) {
  WC_CALL(wc_geo_grid_check(grid));
  size_t n = (size_t)grid->rows * (size_t)grid->cols;
  int32_t *ids = NULL;
  WC_MALLOC(ids, n, "the outline raster");
  for (size_t i = 0; i < n; i++) ids[i] = -1;
  wc_status status = WC_OK;
  for (size_t i = 0; i < basin->outline_count; i++) {
    const wc_geo_path *g = &basin->outlines[i].ring;
    WC_CALL_GOTO(status, done, wc_polygon_rasterize(grid, g->x_m, g->y_m, g->count, (int32_t)i, ids, NULL));
  }
  memset(mask, 0, n);
  for (size_t i = 0; i < basin->corridor_count; i++) {
    const wc_geo_corridor *c = &basin->corridors[i];
    const wc_geo_path *g = &basin->rivers[c->river].path;
    WC_CALL_GOTO(status, done, wc_polyline_buffer_rasterize(grid, g->x_m, g->y_m, g->count,
                                                            c->half_width_m, 2, mask, NULL));
  }
  int64_t inside = 0, corridor = 0;
  for (size_t i = 0; i < n; i++) {
    if (ids[i] >= 0) mask[i] = 1;
    inside += mask[i] == 1;
    corridor += mask[i] == 2;
  }
  if (outline_cells) *outline_cells = inside;
  if (corridor_cells) *corridor_cells = corridor;
done:
  free(ids);
  return status;
}

wc_status wc_geo_basin_rasterize_jurisdictions(const wc_geo_basin *basin, const wc_geo_grid *grid,
                                               int32_t *ids) {
  WC_CALL(wc_geo_grid_check(grid));
  size_t n = (size_t)grid->rows * (size_t)grid->cols;
  int32_t *scratch = NULL;
  WC_MALLOC(scratch, n, "the jurisdiction raster");
  for (size_t i = 0; i < n; i++) ids[i] = scratch[i] = -1;
  wc_status status = WC_OK;
  for (size_t k = 0; k < basin->region_count; k++) {
    const wc_geo_region *g = &basin->regions[k];
    WC_CALL_GOTO(status, done, wc_polygon_rasterize(grid, g->ring.x_m, g->ring.y_m, g->ring.count,
                                                    (int32_t)k, scratch, NULL));
    /* The cells painted k now are exactly this tile's: earlier values differ from k. */
    for (size_t i = 0; i < n; i++) {
      if (scratch[i] != (int32_t)k) continue;
      if (ids[i] >= 0) {
        double x, y, lon, lat;
        wc_geo_grid_cell_center(grid, (int32_t)(i / (size_t)grid->cols), (int32_t)(i % (size_t)grid->cols), &x, &y);
        if (wc_utm_inverse(basin->utm_zone, basin->utm_north, x, y, &lon, &lat) != WC_OK) lon = lat = NAN;
        int other = -1;
        for (size_t r = 0; r < k; r++)
          if (basin->regions[r].jurisdiction == ids[i] &&
              wc_polygon_contains(basin->regions[r].ring.x_m, basin->regions[r].ring.y_m,
                                  basin->regions[r].ring.count, x, y))
            other = basin->regions[r].line;
        status = geo_error(basin->path, g->line, __LINE__,
                           "region of '%s' overlaps the region of '%s' (line %d) at (%.4f, %.4f); "
                           "tiles must share borders, not overlap",
                           basin->jurisdictions[g->jurisdiction].id,
                           basin->jurisdictions[ids[i]].id, other, lon, lat);
        goto done;
      }
      ids[i] = g->jurisdiction;
    }
  }
done:
  free(scratch);
  return status;
}

wc_status wc_geo_basin_check_geometry(const wc_geo_basin *basin, double cell_size_m,
                                      double on_river_tolerance_m) {
  /* Rivers and points inside the domain (exact tests, not the raster). */
  for (size_t i = 0; i < basin->river_count; i++) {
    const wc_geo_river *r = &basin->rivers[i];
    for (size_t v = 0; v < r->path.count; v++)
      if (!wc_geo_basin_domain_contains(basin, r->path.x_m[v], r->path.y_m[v]))
        return geo_error(basin->path, r->path.line[v], __LINE__,
                         "vertex (%g, %g) of river '%s' lies outside the basin outline and "
                         "every corridor; move it inside or widen the outline",
                         r->path.lon_deg[v], r->path.lat_deg[v], r->id);
  }
  for (size_t i = 0; i < basin->point_count; i++) {
    const wc_geo_point *q = &basin->points[i];
    if (!wc_geo_basin_domain_contains(basin, q->x_m, q->y_m))
      return geo_error(basin->path, q->line, __LINE__,
                       "%s '%s' at (%g, %g) lies outside the basin outline and every corridor",
                       KIND_NAMES[q->kind], q->id, q->lon_deg, q->lat_deg);
    if (q->river >= 0) {
      const wc_geo_path *g = &basin->rivers[q->river].path;
      double d = wc_polyline_distance_m(g->x_m, g->y_m, g->count, q->x_m, q->y_m, NULL);
      if (d > on_river_tolerance_m)
        return geo_error(basin->path, q->line, __LINE__,
                         "%s '%s' is %.0f m from river '%s' it lies on; at most %.0f m is "
                         "accepted: move it onto the river or the river through it",
                         KIND_NAMES[q->kind], q->id, d, basin->rivers[q->river].id,
                         on_river_tolerance_m);
    }
  }

  /* Towns and sections on the right sides of the borders. */
  if (basin->region_count == 0) return WC_OK;
  for (size_t i = 0; i < basin->point_count; i++) {
    const wc_geo_point *q = &basin->points[i];
    if (q->kind == WC_GEO_TOWN && q->jurisdiction >= 0) {
      int at = wc_geo_basin_jurisdiction_at(basin, q->x_m, q->y_m);
      if (!wc_geo_jurisdiction_is_within(basin, at, q->jurisdiction))
        return geo_error(basin->path, q->line, __LINE__,
                         "town '%s' lies in the tile of '%s', not of its jurisdiction '%s'; "
                         "move the town or the border", q->id, jurisdiction_id(basin, at),
                         basin->jurisdictions[q->jurisdiction].id);
    }
    if (q->kind == WC_GEO_SECTION && q->river >= 0) WC_CALL(check_section_sides(basin, q));
  }

  /* Jurisdiction tiles cover the domain exactly once. */
  size_t total = 0;
  for (size_t i = 0; i < basin->outline_count; i++) total += basin->outlines[i].ring.count;
  for (size_t i = 0; i < basin->corridor_count; i++) total += basin->rivers[basin->corridors[i].river].path.count;
  double *xs = NULL, *ys = NULL;
  uint8_t *mask = NULL;
  int32_t *ids = NULL;
  wc_status status = WC_OK;
  WC_MALLOC(xs, total, "domain vertices");
  ys = malloc(total * sizeof *ys);
  if (!ys) {
    free(xs);
    WC_FAIL(WC_ERR_MEMORY, "out of memory collecting domain vertices");
  }
  double margin = 2.0 * cell_size_m;
  size_t k = 0;
  for (size_t i = 0; i < basin->outline_count; i++) {
    const wc_geo_path *g = &basin->outlines[i].ring;
    memcpy(xs + k, g->x_m, g->count * sizeof *xs);
    memcpy(ys + k, g->y_m, g->count * sizeof *ys);
    k += g->count;
  }
  for (size_t i = 0; i < basin->corridor_count; i++) {
    const wc_geo_path *g = &basin->rivers[basin->corridors[i].river].path;
    memcpy(xs + k, g->x_m, g->count * sizeof *xs);
    memcpy(ys + k, g->y_m, g->count * sizeof *ys);
    k += g->count;
    margin = fmax(margin, basin->corridors[i].half_width_m + 2.0 * cell_size_m);
  }
  wc_geo_grid grid;
  WC_CALL_GOTO(status, done, wc_geo_grid_around(xs, ys, total, cell_size_m, margin, &grid));
  size_t n = (size_t)grid.rows * (size_t)grid.cols;
  mask = malloc(n);
  ids = malloc(n * sizeof *ids);
  if (!mask || !ids) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for a %d x %d check grid",
                          (int)grid.rows, (int)grid.cols);
    goto done;
  }
  WC_CALL_GOTO(status, done, wc_geo_basin_rasterize_domain(basin, &grid, mask, NULL, NULL));
  WC_CALL_GOTO(status, done, wc_geo_basin_rasterize_jurisdictions(basin, &grid, ids));
  for (size_t i = 0; i < n; i++) {
    if (mask[i] == 0 || ids[i] >= 0) continue;
    double x, y, lon = NAN, lat = NAN;
    wc_geo_grid_cell_center(&grid, (int32_t)(i / (size_t)grid.cols), (int32_t)(i % (size_t)grid.cols), &x, &y);
    if (wc_utm_inverse(basin->utm_zone, basin->utm_north, x, y, &lon, &lat) != WC_OK) lon = lat = NAN;
    status = geo_error(basin->path, basin->regions[0].line, __LINE__,
                       "the domain cell at (%.4f, %.4f) is in no jurisdiction region; extend "
                       "the region polygons so they cover the whole outline and corridor",
                       lon, lat);
    goto done;
  }
done:
  free(xs);
  free(ys);
  free(mask);
  free(ids);
  return status;
}
