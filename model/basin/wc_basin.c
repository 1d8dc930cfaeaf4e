/* wc_basin.c — the basin's layer table, lifecycle, tables and defaults. */
#include "wc_basin.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ranges: what a basin cell may hold. Elevations may lie below sea level; every other
 * quantity has a physical floor. */
const wc_basin_layer_info wc_basin_layers[WC_BASIN_LAYER_COUNT] = {
    [WC_LAYER_DEM] = {"dem", WC_LAYER_F64, "m", "elevation above the vertical datum", -INFINITY,
                      false},
    [WC_LAYER_DEM_FILLED] = {"dem_filled", WC_LAYER_F64, "m",
                             "elevation with depressions filled and flats tilted", -INFINITY,
                             false},
    [WC_LAYER_FLOW_DIRECTION] = {"flow_direction", WC_LAYER_I8, "1",
                                 "D8 code: 0 E, 1 SE, 2 S, 3 SW, 4 W, 5 NW, 6 N, 7 NE, -1 outlet, "
                                 "-2 outside the basin",
                                 -1.0, false},
    [WC_LAYER_FLOW_ACCUMULATION_CELLS] = {"flow_accumulation_cells", WC_LAYER_I32, "cells",
                                          "contributing cells including the cell itself", 1.0,
                                          false},
    [WC_LAYER_FLOW_ACCUMULATION_KM2] = {"flow_accumulation_km2", WC_LAYER_F64, "km2",
                                        "contributing area including the cell itself", 0.0, true},
    [WC_LAYER_CHANNEL] = {"channel", WC_LAYER_U8, "1", "1 for a channel cell, 0 otherwise", 0.0,
                          false},
    [WC_LAYER_SLOPE] = {"slope", WC_LAYER_F64, "m/m",
                        "slope along the D8 link on dem, floored at min_slope", 0.0, true},
    [WC_LAYER_FLOW_LENGTH_TO_OUTLET] = {"flow_length_to_outlet", WC_LAYER_F64, "m",
                                        "distance along D8 links to the cell's outlet", 0.0,
                                        false},
    [WC_LAYER_FLOW_LENGTH_UPSTREAM] = {"flow_length_upstream", WC_LAYER_F64, "m",
                                       "longest D8 path from an upstream cell to this cell", 0.0,
                                       false},
    [WC_LAYER_LAND_USE] = {"land_use", WC_LAYER_I32, "1", "land-use class id (/tables/land_use)",
                           0.0, false},
    [WC_LAYER_JURISDICTION] = {"jurisdiction", WC_LAYER_I32, "1",
                               "jurisdiction id (/tables/jurisdictions), -1 for none", -1.0,
                               false},
    [WC_LAYER_SOIL_WILTING_POINT] = {"soil_wilting_point", WC_LAYER_F64, "mm",
                                     "soil water at wilting point, as depth", 0.0, false},
    [WC_LAYER_SOIL_FIELD_CAPACITY] = {"soil_field_capacity", WC_LAYER_F64, "mm",
                                      "soil water at field capacity, as depth", 0.0, false},
    [WC_LAYER_SOIL_SATURATION] = {"soil_saturation", WC_LAYER_F64, "mm",
                                  "soil water at saturation (porosity times depth)", 0.0, true},
    [WC_LAYER_SOIL_KSAT] = {"soil_ksat", WC_LAYER_F64, "mm/h",
                            "saturated hydraulic conductivity", 0.0, true},
    [WC_LAYER_SOIL_DEPTH] = {"soil_depth", WC_LAYER_F64, "mm", "depth of the soil column", 0.0,
                             true},
};

size_t wc_basin_layer_type_size(wc_basin_layer_type type) {
  switch (type) {
  case WC_LAYER_F64: return sizeof(double);
  case WC_LAYER_I32: return sizeof(int32_t);
  case WC_LAYER_I8: return sizeof(int8_t);
  case WC_LAYER_U8: return sizeof(uint8_t);
  }
  return 0;
}

const void *wc_basin_layer_data_const(const wc_basin *b, wc_basin_layer_id id) {
  switch (id) {
  case WC_LAYER_DEM: return b->dem_m;
  case WC_LAYER_DEM_FILLED: return b->dem_filled_m;
  case WC_LAYER_FLOW_DIRECTION: return b->flow_direction;
  case WC_LAYER_FLOW_ACCUMULATION_CELLS: return b->flow_accumulation_cells;
  case WC_LAYER_FLOW_ACCUMULATION_KM2: return b->flow_accumulation_km2;
  case WC_LAYER_CHANNEL: return b->channel;
  case WC_LAYER_SLOPE: return b->slope;
  case WC_LAYER_FLOW_LENGTH_TO_OUTLET: return b->flow_length_to_outlet_m;
  case WC_LAYER_FLOW_LENGTH_UPSTREAM: return b->flow_length_upstream_m;
  case WC_LAYER_LAND_USE: return b->land_use;
  case WC_LAYER_JURISDICTION: return b->jurisdiction;
  case WC_LAYER_SOIL_WILTING_POINT: return b->soil_wilting_point_mm;
  case WC_LAYER_SOIL_FIELD_CAPACITY: return b->soil_field_capacity_mm;
  case WC_LAYER_SOIL_SATURATION: return b->soil_saturation_mm;
  case WC_LAYER_SOIL_KSAT: return b->soil_ksat_mm_per_h;
  case WC_LAYER_SOIL_DEPTH: return b->soil_depth_mm;
  case WC_BASIN_LAYER_COUNT: break;
  }
  return NULL;
}

void *wc_basin_layer_data(wc_basin *basin, wc_basin_layer_id id) {
  return (void *)wc_basin_layer_data_const(basin, id);
}

int wc_basin_layer_find(const char *name) {
  for (int k = 0; k < WC_BASIN_LAYER_COUNT; k++)
    if (strcmp(wc_basin_layers[k].name, name) == 0) return k;
  return -1;
}

static const char *const level_names[WC_JURISDICTION_LEVEL_COUNT] = {"province", "prefecture",
                                                                     "county"};

const char *wc_jurisdiction_level_name(int level) {
  return level >= 0 && level < WC_JURISDICTION_LEVEL_COUNT ? level_names[level] : "invalid";
}

bool wc_jurisdiction_level_parse(const char *text, wc_jurisdiction_level *level) {
  for (int k = 0; k < WC_JURISDICTION_LEVEL_COUNT; k++) {
    if (strcmp(text, level_names[k]) == 0) {
      *level = (wc_jurisdiction_level)k;
      return true;
    }
  }
  return false;
}

/* ---- lifecycle --------------------------------------------------------------------------- */

static void fill_nodata(void *data, wc_basin_layer_type type, size_t n) {
  switch (type) {
  case WC_LAYER_F64:
    for (size_t i = 0; i < n; i++) ((double *)data)[i] = NAN;
    break;
  case WC_LAYER_I32:
    for (size_t i = 0; i < n; i++) ((int32_t *)data)[i] = -1;
    break;
  case WC_LAYER_I8: memset(data, WC_D8_NODATA, n); break;
  case WC_LAYER_U8: memset(data, 0, n); break;
  }
}

/* Hand a freshly allocated raster to its typed field. */
static void attach_layer(wc_basin *b, wc_basin_layer_id id, void *data) {
  switch (id) {
  case WC_LAYER_DEM: b->dem_m = data; break;
  case WC_LAYER_DEM_FILLED: b->dem_filled_m = data; break;
  case WC_LAYER_FLOW_DIRECTION: b->flow_direction = data; break;
  case WC_LAYER_FLOW_ACCUMULATION_CELLS: b->flow_accumulation_cells = data; break;
  case WC_LAYER_FLOW_ACCUMULATION_KM2: b->flow_accumulation_km2 = data; break;
  case WC_LAYER_CHANNEL: b->channel = data; break;
  case WC_LAYER_SLOPE: b->slope = data; break;
  case WC_LAYER_FLOW_LENGTH_TO_OUTLET: b->flow_length_to_outlet_m = data; break;
  case WC_LAYER_FLOW_LENGTH_UPSTREAM: b->flow_length_upstream_m = data; break;
  case WC_LAYER_LAND_USE: b->land_use = data; break;
  case WC_LAYER_JURISDICTION: b->jurisdiction = data; break;
  case WC_LAYER_SOIL_WILTING_POINT: b->soil_wilting_point_mm = data; break;
  case WC_LAYER_SOIL_FIELD_CAPACITY: b->soil_field_capacity_mm = data; break;
  case WC_LAYER_SOIL_SATURATION: b->soil_saturation_mm = data; break;
  case WC_LAYER_SOIL_KSAT: b->soil_ksat_mm_per_h = data; break;
  case WC_LAYER_SOIL_DEPTH: b->soil_depth_mm = data; break;
  case WC_BASIN_LAYER_COUNT: free(data); break;
  }
}

wc_status wc_basin_create(const wc_grid *grid, wc_basin **basin) {
  WC_CHECK(basin != NULL, WC_ERR_INTERNAL, "wc_basin_create: NULL result pointer");
  *basin = NULL;
  WC_CALL(wc_grid_check(grid));
  wc_basin *b = calloc(1, sizeof *b);
  WC_CHECK(b != NULL, WC_ERR_MEMORY, "out of memory for a basin");
  b->grid = *grid;
  b->channel_threshold_km2 = 10.0;
  b->min_slope = WC_SLOPE_FLOOR_DEFAULT;
  size_t n = (size_t)wc_grid_cell_count(grid);
  wc_status status = WC_OK;
  for (int k = 0; k < WC_BASIN_LAYER_COUNT && status == WC_OK; k++) {
    size_t size = wc_basin_layer_type_size(wc_basin_layers[k].type);
    void *data = malloc(n * size);
    if (data == NULL) {
      status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__,
                            "out of memory for layer %s of %zu cells (%zu bytes)",
                            wc_basin_layers[k].name, n, n * size);
      break;
    }
    fill_nodata(data, wc_basin_layers[k].type, n);
    attach_layer(b, (wc_basin_layer_id)k, data);
  }
  if (status == WC_OK) status = wc_basin_set_text(&b->name, "");
  if (status == WC_OK) status = wc_basin_set_text(&b->source, "");
  if (status == WC_OK) status = wc_basin_set_text(&b->created_by, "");
  if (status == WC_OK) status = wc_basin_set_text(&b->crs_wkt, "");
  if (status != WC_OK) {
    wc_basin_destroy(&b);
    return status;
  }
  *basin = b;
  return WC_OK;
}

void wc_basin_destroy(wc_basin **basin) {
  if (basin == NULL || *basin == NULL) return;
  wc_basin *b = *basin;
  for (int k = 0; k < WC_BASIN_LAYER_COUNT; k++) free(wc_basin_layer_data(b, (wc_basin_layer_id)k));
  for (int32_t i = 0; i < b->n_land_use; i++) {
    free(b->land_use_classes[i].name);
    free(b->land_use_classes[i].crop_class);
  }
  for (int32_t i = 0; i < b->n_jurisdictions; i++) free(b->jurisdictions[i].name);
  for (int32_t i = 0; i < b->n_reservoirs; i++) free(b->reservoirs[i].name);
  for (int32_t i = 0; i < b->n_sections; i++) free(b->sections[i].name);
  free(b->land_use_classes);
  free(b->jurisdictions);
  free(b->reservoirs);
  free(b->sections);
  free(b->name);
  free(b->source);
  free(b->created_by);
  free(b->crs_wkt);
  wc_drainage_graph_destroy(&b->graph);
  free(b);
  *basin = NULL;
}

wc_status wc_basin_set_text(char **field, const char *value) {
  char *copy = strdup(value ? value : "");
  WC_CHECK(copy != NULL, WC_ERR_MEMORY, "out of memory copying a %zu-byte string",
           strlen(value ? value : ""));
  free(*field);
  *field = copy;
  return WC_OK;
}

wc_status wc_basin_set_crs(wc_basin *basin, int32_t epsg, const char *wkt) {
  WC_CHECK(epsg >= 0, WC_ERR_INPUT, "EPSG code %d is negative; use 0 for an unknown code",
           (int)epsg);
  WC_CALL(wc_basin_set_text(&basin->crs_wkt, wkt));
  basin->epsg = epsg;
  return WC_OK;
}

/* ---- tables ------------------------------------------------------------------------------ */

/* Room for one more entry: the table reallocated (the old pointer is then stale), or NULL
 * with the error recorded (the old table stays valid). `count` is not changed. */
static void *grow(void *table, int32_t count, size_t size, const char *what) {
  void *bigger = realloc(table, ((size_t)count + 1) * size);
  if (bigger == NULL)
    wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__,
                 "out of memory growing the %s table to %d entries", what, (int)count + 1);
  return bigger;
}

#define WC_GROW(table, count, what)                                                          \
  do {                                                                                       \
    void *wc_bigger_ = grow((table), (count), sizeof *(table), (what));                      \
    if (wc_bigger_ == NULL) return WC_ERR_MEMORY;                                            \
    (table) = wc_bigger_;                                                                    \
  } while (0)

static wc_status dup_text(char **copy, const char *text, const char *what) {
  *copy = strdup(text ? text : "");
  WC_CHECK(*copy != NULL, WC_ERR_MEMORY, "out of memory copying the %s", what);
  return WC_OK;
}

int32_t wc_basin_find_land_use(const wc_basin *basin, int32_t id) {
  for (int32_t i = 0; i < basin->n_land_use; i++)
    if (basin->land_use_classes[i].id == id) return i;
  return -1;
}

int32_t wc_basin_find_jurisdiction(const wc_basin *basin, int32_t id) {
  for (int32_t i = 0; i < basin->n_jurisdictions; i++)
    if (basin->jurisdictions[i].id == id) return i;
  return -1;
}

wc_status wc_basin_add_land_use(wc_basin *basin, const wc_land_use_class *cls) {
  WC_CHECK(cls->id >= 0, WC_ERR_INPUT,
           "land-use class id %d is negative; ids are >= 0 (-1 marks nodata)", (int)cls->id);
  WC_CHECK(wc_basin_find_land_use(basin, cls->id) < 0, WC_ERR_INPUT,
           "land-use class id %d is listed twice; each id needs one row", (int)cls->id);
  WC_CHECK(cls->name && cls->name[0], WC_ERR_INPUT, "land-use class %d has an empty name",
           (int)cls->id);
  WC_CHECK(isfinite(cls->manning_n) && cls->manning_n > 0.0, WC_ERR_INPUT,
           "land-use class %d ('%s') has Manning n %g; it must be > 0 (0.01..0.8 s m^-1/3)",
           (int)cls->id, cls->name, cls->manning_n);
  WC_CHECK(cls->impervious_fraction >= 0.0 && cls->impervious_fraction <= 1.0, WC_ERR_INPUT,
           "land-use class %d ('%s') has impervious fraction %g; it must be within 0..1",
           (int)cls->id, cls->name, cls->impervious_fraction);
  WC_GROW(basin->land_use_classes, basin->n_land_use, "land-use");
  wc_land_use_class *copy = &basin->land_use_classes[basin->n_land_use];
  *copy = *cls;
  copy->name = copy->crop_class = NULL;
  WC_CALL(dup_text(&copy->name, cls->name, "land-use class name"));
  wc_status status = dup_text(&copy->crop_class,
                              cls->crop_class && cls->crop_class[0] ? cls->crop_class : "none",
                              "crop class name");
  if (status != WC_OK) {
    free(copy->name);
    return status;
  }
  basin->n_land_use++;
  return WC_OK;
}

wc_status wc_basin_add_jurisdiction(wc_basin *basin, const wc_jurisdiction *j) {
  WC_CHECK(j->id >= 0, WC_ERR_INPUT,
           "jurisdiction id %d is negative; ids are >= 0 (-1 marks no jurisdiction)", (int)j->id);
  WC_CHECK(wc_basin_find_jurisdiction(basin, j->id) < 0, WC_ERR_INPUT,
           "jurisdiction id %d is listed twice; each id needs one row", (int)j->id);
  WC_CHECK(j->name && j->name[0], WC_ERR_INPUT, "jurisdiction %d has an empty name", (int)j->id);
  WC_CHECK((int)j->level >= 0 && j->level < WC_JURISDICTION_LEVEL_COUNT, WC_ERR_INPUT,
           "jurisdiction %d ('%s') has level %d; levels are province, prefecture, county",
           (int)j->id, j->name, (int)j->level);
  WC_CHECK(j->parent_id != j->id, WC_ERR_INPUT, "jurisdiction %d ('%s') is its own parent",
           (int)j->id, j->name);
  WC_GROW(basin->jurisdictions, basin->n_jurisdictions, "jurisdiction");
  wc_jurisdiction *copy = &basin->jurisdictions[basin->n_jurisdictions];
  *copy = *j;
  copy->name = NULL;
  WC_CALL(dup_text(&copy->name, j->name, "jurisdiction name"));
  basin->n_jurisdictions++;
  return WC_OK;
}

wc_status wc_basin_add_reservoir(wc_basin *basin, const wc_reservoir *r) {
  WC_CHECK(r->name && r->name[0], WC_ERR_INPUT, "a reservoir has an empty name");
  for (int32_t i = 0; i < basin->n_reservoirs; i++)
    WC_CHECK(strcmp(basin->reservoirs[i].name, r->name) != 0, WC_ERR_INPUT,
             "reservoir '%s' is listed twice", r->name);
  WC_CHECK(isfinite(r->capacity_m3) && r->capacity_m3 > 0.0, WC_ERR_INPUT,
           "reservoir '%s' has capacity %g m3; it must be > 0", r->name, r->capacity_m3);
  WC_CHECK(isfinite(r->normal_pool_level_m), WC_ERR_INPUT,
           "reservoir '%s' has normal pool level %g m; it must be a finite number", r->name,
           r->normal_pool_level_m);
  WC_CHECK(isfinite(r->min_release_m3_per_s) && r->min_release_m3_per_s >= 0.0, WC_ERR_INPUT,
           "reservoir '%s' has minimum release %g m3/s; it must be >= 0", r->name,
           r->min_release_m3_per_s);
  WC_CHECK(isnan(r->area_at_capacity_km2) || r->area_at_capacity_km2 > 0.0, WC_ERR_INPUT,
           "reservoir '%s' has surface area %g km2; it must be > 0 (or NaN when unknown)",
           r->name, r->area_at_capacity_km2);
  WC_GROW(basin->reservoirs, basin->n_reservoirs, "reservoir");
  wc_reservoir *copy = &basin->reservoirs[basin->n_reservoirs];
  *copy = *r;
  copy->name = NULL;
  WC_CALL(dup_text(&copy->name, r->name, "reservoir name"));
  basin->n_reservoirs++;
  return WC_OK;
}

wc_status wc_basin_add_section(wc_basin *basin, const wc_section *s) {
  WC_CHECK(s->name && s->name[0], WC_ERR_INPUT, "a section has an empty name");
  for (int32_t i = 0; i < basin->n_sections; i++)
    WC_CHECK(strcmp(basin->sections[i].name, s->name) != 0, WC_ERR_INPUT,
             "section '%s' is listed twice; section names must be unique", s->name);
  WC_GROW(basin->sections, basin->n_sections, "section");
  wc_section *copy = &basin->sections[basin->n_sections];
  *copy = *s;
  copy->name = NULL;
  WC_CALL(dup_text(&copy->name, s->name, "section name"));
  basin->n_sections++;
  return WC_OK;
}

/* ---- defaults ---------------------------------------------------------------------------- */

wc_status wc_basin_set_default_land_use(wc_basin *basin) {
  if (wc_basin_find_land_use(basin, WC_LAND_USE_DEFAULT_ID) < 0) {
    wc_land_use_class cls = {WC_LAND_USE_DEFAULT_ID, "default", WC_LAND_USE_DEFAULT_MANNING_N,
                             "none", 0.0};
    WC_CALL(wc_basin_add_land_use(basin, &cls));
  }
  int32_t n = wc_grid_cell_count(&basin->grid);
  for (int32_t i = 0; i < n; i++)
    basin->land_use[i] = wc_basin_is_cell(basin, i) ? WC_LAND_USE_DEFAULT_ID : -1;
  return WC_OK;
}

void wc_basin_set_default_soil(wc_basin *basin) {
  int32_t n = wc_grid_cell_count(&basin->grid);
  for (int32_t i = 0; i < n; i++) {
    bool in = wc_basin_is_cell(basin, i);
    basin->soil_depth_mm[i] = in ? WC_SOIL_DEFAULT_DEPTH_MM : NAN;
    basin->soil_wilting_point_mm[i] = in ? WC_SOIL_DEFAULT_WILTING_POINT_MM : NAN;
    basin->soil_field_capacity_mm[i] = in ? WC_SOIL_DEFAULT_FIELD_CAPACITY_MM : NAN;
    basin->soil_saturation_mm[i] = in ? WC_SOIL_DEFAULT_SATURATION_MM : NAN;
    basin->soil_ksat_mm_per_h[i] = in ? WC_SOIL_DEFAULT_KSAT_MM_PER_H : NAN;
  }
}

void wc_basin_clear_outside(wc_basin *basin) {
  int32_t n = wc_grid_cell_count(&basin->grid);
  for (int k = 0; k < WC_BASIN_LAYER_COUNT; k++) {
    void *data = wc_basin_layer_data(basin, (wc_basin_layer_id)k);
    wc_basin_layer_type type = wc_basin_layers[k].type;
    size_t size = wc_basin_layer_type_size(type);
    for (int32_t i = 0; i < n; i++)
      if (!wc_basin_is_cell(basin, i)) fill_nodata((char *)data + (size_t)i * size, type, 1);
  }
}

wc_status wc_basin_error_prefix(wc_status status, const char *fmt, ...) {
  char prefix[1024], message[4096];
  va_list args;
  va_start(args, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, args);
  va_end(args);
  /* The message lives in a buffer that wc_error_set overwrites: copy it first. */
  snprintf(message, sizeof message, "%s", wc_error_message());
  wc_error_set(status, __FILE__, __LINE__, "%s: %s", prefix, message);
  return status;
}
