/*
 * wc_basin.h — the in-memory basin: grid, per-cell layers, tables, drainage graph.
 *
 * Everything the simulator needs to know about a watershed, as wcsim-import or the
 * built-in generator builds it and as the basin file (docs/basin-file.md) stores it.
 *
 * Layers are rasters of rows * cols values, row-major (cell = row * cols + col, row 0 is
 * north), like every raster of model/terrain. The direction grid decides which cells are
 * in the basin: a cell is a basin cell exactly when flow_direction[cell] != WC_D8_NODATA.
 * Outside the basin every layer holds its nodata value (NaN, -1, -2 for directions, 0 for
 * the channel mask), so a whole-raster memcmp compares two basins.
 *
 * The struct is plain so that the simulator reads its arrays directly. Treat it as
 * read-only outside this module and let the functions below own the memory (strings and
 * arrays are heap copies freed by wc_basin_destroy).
 *
 * Lifecycle: wc_basin_create(grid) -> fill dem_m (NaN = nodata) [and flow_direction for a
 * user direction grid] -> wc_basin_derive_terrain() -> land use, jurisdictions, soil ->
 * wc_basin_add_section()... -> wc_basin_snap_sections() -> wc_basin_check() ->
 * wc_basin_file_write(); wc_basin_file_read() returns a checked basin with its graph.
 */
#ifndef WC_BASIN_H
#define WC_BASIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wc_status.h"
#include "wc_terrain.h"

typedef enum wc_jurisdiction_level {
  WC_JURISDICTION_PROVINCE = 0, /* province or province-level city (Hebei, Beijing) */
  WC_JURISDICTION_PREFECTURE,   /* prefecture-level city (Chengde, Zhangjiakou) */
  WC_JURISDICTION_COUNTY,       /* county or district (Fengning, Miyun) */
  WC_JURISDICTION_LEVEL_COUNT
} wc_jurisdiction_level;

/* "province", "prefecture", "county" ("invalid" otherwise). */
const char *wc_jurisdiction_level_name(int level);
/* Parse the names above; false for anything else. */
bool wc_jurisdiction_level_parse(const char *text, wc_jurisdiction_level *level);

typedef struct wc_land_use_class {
  int32_t id;                 /* value in the land_use layer, >= 0 */
  char *name;                 /* e.g. "dryland crops" */
  double manning_n;           /* overland Manning roughness, s m^-1/3, > 0 */
  char *crop_class;           /* crop / fertiliser class the N model looks up, "none" */
  double impervious_fraction; /* 0..1 of the cell sealed */
} wc_land_use_class;

typedef struct wc_jurisdiction {
  int32_t id; /* value in the jurisdiction layer, >= 0 */
  char *name;
  wc_jurisdiction_level level;
  int32_t parent_id; /* id of the enclosing jurisdiction (a coarser level), or -1 */
} wc_jurisdiction;

typedef struct wc_reservoir {
  char *name;
  int32_t row, col;            /* the dam cell; must be a basin cell */
  double capacity_m3;          /* total storage at normal pool, > 0 */
  double normal_pool_level_m;  /* water level at capacity, m above datum */
  double min_release_m3_per_s; /* minimum ecological release, >= 0 */
  double area_at_capacity_km2; /* lake surface at capacity, > 0, or NaN when unknown */
} wc_reservoir;

typedef struct wc_section {
  char *name;
  double point_x_m, point_y_m; /* the gauge position as given (grid CRS) */
  int32_t row, col;            /* the cell it was snapped to; -1 before snapping */
  double snapped_distance_m;   /* distance from the point to that cell's centre */
  int32_t upstream_jurisdiction;   /* id of the side upstream of the section, or -1 */
  int32_t downstream_jurisdiction; /* id of the side downstream, or -1 */
} wc_section;

typedef struct wc_basin {
  char *name;       /* short name, e.g. "chaobai"; "" if none */
  char *source;     /* how it was made (input files, options) */
  char *created_by; /* program and version that made it */

  wc_grid grid;
  int32_t epsg;  /* EPSG code of the projected CRS, 0 when unknown */
  char *crs_wkt; /* the CRS as WKT (may be "" when only the EPSG code is known) */

  /* Per-cell layers (rows * cols, row-major); see wc_basin_layers[] for units. */
  double *dem_m;                    /* elevation, as read */
  double *dem_filled_m;             /* depressions filled, flats tilted (wc_dem_fill) */
  int8_t *flow_direction;           /* D8 codes of wc_flowdir.h; -2 outside the basin */
  int32_t *flow_accumulation_cells; /* contributing cells including the cell itself */
  double *flow_accumulation_km2;    /* contributing area, km^2 */
  uint8_t *channel;                 /* 1 for a channel cell, 0 otherwise */
  double *slope;                    /* along the D8 link on dem_m, m/m, >= min_slope */
  double *flow_length_to_outlet_m;  /* along D8 links to the cell's outlet */
  double *flow_length_upstream_m;   /* longest path from any upstream cell to this one */
  int32_t *land_use;                /* land-use class id (table land_use_classes) */
  int32_t *jurisdiction;            /* jurisdiction id, or -1 for no jurisdiction */
  double *soil_wilting_point_mm;    /* water held below wilting point, mm of depth */
  double *soil_field_capacity_mm;   /* water at field capacity, mm */
  double *soil_saturation_mm;       /* water at saturation (porosity * depth), mm */
  double *soil_ksat_mm_per_h;       /* saturated hydraulic conductivity, mm/h */
  double *soil_depth_mm;            /* depth of the soil column, mm */

  double channel_threshold_km2; /* area that starts a channel (what made `channel`) */
  double min_slope;             /* slope floor used for `slope`, m/m */

  int32_t n_land_use;
  wc_land_use_class *land_use_classes;
  int32_t n_jurisdictions;
  wc_jurisdiction *jurisdictions;
  int32_t n_reservoirs;
  wc_reservoir *reservoirs;
  int32_t n_sections;
  wc_section *sections;

  wc_drainage_graph *graph; /* built from flow_direction; NULL until derived or read */
} wc_basin;

/* ---- layers as data: the file format, checks and tests loop over this table ---------- */

typedef enum wc_basin_layer_id {
  WC_LAYER_DEM = 0,
  WC_LAYER_DEM_FILLED,
  WC_LAYER_FLOW_DIRECTION,
  WC_LAYER_FLOW_ACCUMULATION_CELLS,
  WC_LAYER_FLOW_ACCUMULATION_KM2,
  WC_LAYER_CHANNEL,
  WC_LAYER_SLOPE,
  WC_LAYER_FLOW_LENGTH_TO_OUTLET,
  WC_LAYER_FLOW_LENGTH_UPSTREAM,
  WC_LAYER_LAND_USE,
  WC_LAYER_JURISDICTION,
  WC_LAYER_SOIL_WILTING_POINT,
  WC_LAYER_SOIL_FIELD_CAPACITY,
  WC_LAYER_SOIL_SATURATION,
  WC_LAYER_SOIL_KSAT,
  WC_LAYER_SOIL_DEPTH,
  WC_BASIN_LAYER_COUNT
} wc_basin_layer_id;

typedef enum wc_basin_layer_type {
  WC_LAYER_F64 = 0, /* double, nodata NaN */
  WC_LAYER_I32,     /* int32_t, nodata -1 */
  WC_LAYER_I8,      /* int8_t, nodata -2 (the D8 nodata code) */
  WC_LAYER_U8,      /* uint8_t, nodata 0 */
} wc_basin_layer_type;

typedef struct wc_basin_layer_info {
  const char *name;        /* dataset name under /layers in the basin file */
  wc_basin_layer_type type;
  const char *units;       /* "m", "km2", "1" (dimensionless), "mm/h", ... */
  const char *description; /* one line, for the file's long_name and docs */
  double min_value;        /* basin cells hold values >= min_value ... */
  bool min_exclusive;      /* ... or > min_value when true; F64 layers must be finite */
} wc_basin_layer_info;

extern const wc_basin_layer_info wc_basin_layers[WC_BASIN_LAYER_COUNT];

/* Bytes per value of a layer type. */
size_t wc_basin_layer_type_size(wc_basin_layer_type type);

/* The raster of a layer (rows * cols values of the layer's type). */
void *wc_basin_layer_data(wc_basin *basin, wc_basin_layer_id id);
const void *wc_basin_layer_data_const(const wc_basin *basin, wc_basin_layer_id id);

/* Layer id by name, or -1. */
int wc_basin_layer_find(const char *name);

/* ---- lifecycle and metadata ------------------------------------------------------------ */

/* A basin on `grid` with every layer at its nodata value and empty tables. */
WC_NODISCARD wc_status wc_basin_create(const wc_grid *grid, wc_basin **basin);

/* Free everything; accepts NULL and sets *basin to NULL. */
void wc_basin_destroy(wc_basin **basin);

/* Copy a string into a basin field, e.g. wc_basin_set_text(&b->source, "..."). NULL
 * becomes "". */
WC_NODISCARD wc_status wc_basin_set_text(char **field, const char *value);

/* Set the CRS (epsg 0 = unknown; wkt may be NULL). */
WC_NODISCARD wc_status wc_basin_set_crs(wc_basin *basin, int32_t epsg, const char *wkt);

static inline bool wc_basin_is_cell(const wc_basin *basin, int32_t cell) {
  return basin->flow_direction[cell] != WC_D8_NODATA;
}

/* Set every layer to its nodata value on the cells outside the basin (flow_direction -2),
 * so that what lies outside never matters (readers and writers call it). */
void wc_basin_clear_outside(wc_basin *basin);

/* Put "prefix: " (printf-style) in front of the current error message, keeping its status;
 * returns `status`. Used to add the file, table or section an error belongs to. */
wc_status wc_basin_error_prefix(wc_status status, const char *fmt, ...) WC_PRINTF(2, 3);

/* ---- tables ---------------------------------------------------------------------------- */

/* Append a copy (strings duplicated). WC_ERR_INPUT for a duplicate id or name, an id < 0,
 * an empty name, or a parameter out of range (the message says which and why). */
WC_NODISCARD wc_status wc_basin_add_land_use(wc_basin *basin, const wc_land_use_class *cls);
WC_NODISCARD wc_status wc_basin_add_jurisdiction(wc_basin *basin, const wc_jurisdiction *j);
WC_NODISCARD wc_status wc_basin_add_reservoir(wc_basin *basin, const wc_reservoir *reservoir);
/* A section given by its point; row/col/snapped_distance_m of `section` are copied as is
 * (-1 / 0 before wc_basin_snap_sections). */
WC_NODISCARD wc_status wc_basin_add_section(wc_basin *basin, const wc_section *section);

/* Index into the table of the entry with `id`, or -1. */
int32_t wc_basin_find_land_use(const wc_basin *basin, int32_t id);
int32_t wc_basin_find_jurisdiction(const wc_basin *basin, int32_t id);

/* ---- defaults (documented in docs/basin-file.md) ---------------------------------------- */

/* The single land-use class used when no land-use map is given: id 1 "default",
 * Manning n 0.15, crop class "none", impervious 0. */
#define WC_LAND_USE_DEFAULT_ID 1
#define WC_LAND_USE_DEFAULT_MANNING_N 0.15

/* Add the default class (if absent) and give it to every basin cell. Call after
 * wc_basin_derive_terrain (it needs the basin mask). */
WC_NODISCARD wc_status wc_basin_set_default_land_use(wc_basin *basin);

/* Uniform loam-like soil for every basin cell: depth 1000 mm, wilting point 120 mm,
 * field capacity 280 mm, saturation 450 mm, Ksat 10 mm/h. */
#define WC_SOIL_DEFAULT_DEPTH_MM 1000.0
#define WC_SOIL_DEFAULT_WILTING_POINT_MM 120.0
#define WC_SOIL_DEFAULT_FIELD_CAPACITY_MM 280.0
#define WC_SOIL_DEFAULT_SATURATION_MM 450.0
#define WC_SOIL_DEFAULT_KSAT_MM_PER_H 10.0
void wc_basin_set_default_soil(wc_basin *basin);

/* ---- consistency ------------------------------------------------------------------------ */

/*
 * Everything a reader may rely on: the grid; basin cells == valid directions; finite
 * values within each layer's range on basin cells and nodata outside; dem_filled >= dem;
 * wilting <= field capacity <= saturation <= depth; every land-use and jurisdiction id
 * in its table; accumulation equal to what the graph gives; a channel cell's downstream
 * cell a channel; tables valid (unique ids and names, parents of a coarser level);
 * reservoirs and sections on basin cells, at most one section per cell. Needs the graph
 * (basin->graph). WC_ERR_INPUT naming the layer or table, the cell and the rule.
 */
WC_NODISCARD wc_status wc_basin_check(const wc_basin *basin);

#endif /* WC_BASIN_H */
