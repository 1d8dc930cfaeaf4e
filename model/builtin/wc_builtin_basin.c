/* wc_builtin_basin.c — synthesize a built-in basin's terrain from its real geography. */
#include "wc_builtin_basin.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_basin_terrain.h"
#include "wc_log.h"
#include "wc_polygon.h"
#include "wc_utm.h"
#include "wc_version.h"

/* Valley-floor gradient of rise(d): 1 % keeps valley cells just above their river. */
static const double VALLEY_GRADIENT = 0.01;
/* Drop forced between consecutive cells of a burned river, m: strictly downhill. */
static const double RIVER_MIN_DROP_M = 0.01;

/* ---- land-use table ----------------------------------------------------------------- */

/* Overland Manning n and sealed share by class. Typical values for overland flow
 * (Engman 1986; the SWAT and HEC-HMS manuals): forest 0.4-0.8, grass 0.15-0.4, cultivated
 * 0.06-0.22, urban 0.011-0.05, open water ~0.03. */
static const struct {
  wc_geo_landuse_class cls;
  double manning_n;
  const char *crop_class;
  double impervious_fraction;
} land_use_defaults[WC_LANDUSE_COUNT] = {
    {WC_LANDUSE_FOREST, 0.40, "none", 0.0},
    {WC_LANDUSE_GRASSLAND, 0.24, "pasture", 0.0},
    {WC_LANDUSE_CROPLAND, 0.15, "cropland", 0.0},
    {WC_LANDUSE_URBAN, 0.03, "none", 0.6},
    {WC_LANDUSE_WATER, 0.03, "none", 0.0},
};

wc_status wc_builtin_add_land_use_table(wc_basin *basin) {
  for (int i = 0; i < WC_LANDUSE_COUNT; ++i) {
    wc_land_use_class cls = {
        .id = (int32_t)land_use_defaults[i].cls,
        .name = (char *)wc_geo_landuse_class_name(land_use_defaults[i].cls),
        .manning_n = land_use_defaults[i].manning_n,
        .crop_class = (char *)land_use_defaults[i].crop_class,
        .impervious_fraction = land_use_defaults[i].impervious_fraction,
    };
    WC_CALL(wc_basin_add_land_use(basin, &cls));
  }
  return WC_OK;
}

/* ---- smooth seeded noise ------------------------------------------------------------ */

static double lattice_value(int64_t seed, int64_t i, int64_t j) {
  uint64_t h = (uint64_t)seed * 0x9E3779B97F4A7C15ULL ^ (uint64_t)i * 0xBF58476D1CE4E5B9ULL ^
               (uint64_t)j * 0x94D049BB133111EBULL;
  h ^= h >> 31;
  h *= 0xD6E8FEB86659FD93ULL;
  h ^= h >> 32;
  return (double)(h >> 11) / 9007199254740992.0 * 2.0 - 1.0; /* [-1, 1) */
}

/* Value noise with smoothstep interpolation, two octaves, in [-1, 1]. */
static double value_noise(int64_t seed, double x_m, double y_m, double wavelength_m) {
  double total = 0, weight = 0, amplitude = 1;
  for (int octave = 0; octave < 2; ++octave) {
    double u = x_m / wavelength_m, v = y_m / wavelength_m;
    double fu = floor(u), fv = floor(v);
    double tu = u - fu, tv = v - fv;
    tu = tu * tu * (3 - 2 * tu);
    tv = tv * tv * (3 - 2 * tv);
    int64_t i = (int64_t)fu, j = (int64_t)fv;
    double a = lattice_value(seed + octave, i, j), b = lattice_value(seed + octave, i + 1, j);
    double c = lattice_value(seed + octave, i, j + 1), d = lattice_value(seed + octave, i + 1, j + 1);
    total += amplitude * ((a * (1 - tu) + b * tu) * (1 - tv) + (c * (1 - tu) + d * tu) * tv);
    weight += amplitude;
    amplitude *= 0.5;
    wavelength_m *= 0.5;
  }
  return total / weight;
}

/* ---- the grid ------------------------------------------------------------------------ */

/* A grid around every outline vertex and corridor, two cells of margin. */
static wc_status grid_for(const wc_geo_basin *geo, double cell_size_m, wc_geo_grid *grid) {
  size_t count = 0;
  for (size_t o = 0; o < geo->outline_count; ++o) count += geo->outlines[o].ring.count;
  for (size_t c = 0; c < geo->corridor_count; ++c) count += 4 * geo->rivers[geo->corridors[c].river].path.count;
  double *xy;
  WC_MALLOC(xy, 2 * count, "grid extent points");
  double *x = xy, *y = xy + count;
  size_t k = 0;
  for (size_t o = 0; o < geo->outline_count; ++o)
    for (size_t v = 0; v < geo->outlines[o].ring.count; ++v, ++k)
      x[k] = geo->outlines[o].ring.x_m[v], y[k] = geo->outlines[o].ring.y_m[v];
  for (size_t c = 0; c < geo->corridor_count; ++c) {
    const wc_geo_path *path = &geo->rivers[geo->corridors[c].river].path;
    double w = geo->corridors[c].half_width_m;
    for (size_t v = 0; v < path->count; ++v)
      for (int corner = 0; corner < 4; ++corner, ++k)
        x[k] = path->x_m[v] + (corner & 1 ? w : -w), y[k] = path->y_m[v] + (corner & 2 ? w : -w);
  }
  wc_status status = wc_geo_grid_around(x, y, count, cell_size_m, 2 * cell_size_m, grid);
  free(xy);
  if (status != WC_OK) wc_error_push_frame(__FILE__, __LINE__, "wc_geo_grid_around");
  return status;
}

/* ---- terrain ------------------------------------------------------------------------- */

typedef struct synth_state {
  const wc_geo_basin *geo;
  wc_geo_grid grid;
  int32_t cells;
  uint8_t *domain;        /* 1 outline, 2 corridor, 3 added for a river path, 0 outside */
  double *z_m;            /* synthesized elevation (NaN outside) */
  uint8_t *burned;        /* 1 on a river path */
  double *river_distance_m; /* distance to the nearest river */
  int32_t outlet_cell;
  int64_t outline_cells;
} synth_state;

static void synth_free(synth_state *s) {
  free(s->domain);
  free(s->z_m);
  free(s->burned);
  free(s->river_distance_m);
}

/* Burn each river at its bed elevation, receivers first, strictly falling downstream. */
static wc_status burn_rivers(synth_state *s) {
  const wc_geo_basin *geo = s->geo;
  int max_order = 0;
  for (size_t r = 0; r < geo->river_count; ++r)
    if (geo->rivers[r].order > max_order) max_order = geo->rivers[r].order;
  for (int order = 1; order <= max_order; ++order) {
    for (size_t r = 0; r < geo->river_count; ++r) {
      const wc_geo_river *river = &geo->rivers[r];
      if (river->order != order) continue;
      int32_t *path = NULL, length = 0;
      WC_CALL(wc_polyline_rasterize(&s->grid, river->path.x_m, river->path.y_m, river->path.count, &path, &length));
      /* Walk from the mouth up: a cell already burned (the receiver) keeps its level and
       * everything above it must be higher. */
      double below = -HUGE_VAL;
      for (int32_t k = length - 1; k >= 0; --k) {
        int32_t cell = path[k];
        if (s->burned[cell]) {
          below = s->z_m[cell];
          continue;
        }
        int32_t row = cell / s->grid.cols, col = cell % s->grid.cols;
        double x, y, along = 0;
        wc_geo_grid_cell_center(&s->grid, row, col, &x, &y);
        wc_polyline_distance_m(river->path.x_m, river->path.y_m, river->path.count, x, y, &along);
        double bed = wc_geo_river_bed_elevation_m(geo, (int)r, along);
        if (below > -HUGE_VAL && bed < below + RIVER_MIN_DROP_M) bed = below + RIVER_MIN_DROP_M;
        s->z_m[cell] = bed;
        s->burned[cell] = 1;
        if (!s->domain[cell]) s->domain[cell] = 3; /* a river coarse cells left outside */
        below = bed;
      }
      free(path);
    }
  }
  return WC_OK;
}

static wc_status synthesize_dem(synth_state *s) {
  const wc_geo_basin *geo = s->geo;
  const wc_geo_terrain *t = &geo->terrain;
  double relief = isnan(t->ridge_relief_m) ? 400.0 : t->ridge_relief_m;
  double half_width = isnan(t->valley_half_width_m) ? 1500.0 : t->valley_half_width_m;
  double amplitude = isnan(t->noise_amplitude_m) ? 0.0 : t->noise_amplitude_m;
  double wavelength = isnan(t->noise_wavelength_m) ? 8000.0 : t->noise_wavelength_m;
  double ceiling = isnan(t->max_elev_m) ? HUGE_VAL : t->max_elev_m;
  double ridge_length = 3.0 * half_width;
  for (int32_t cell = 0; cell < s->cells; ++cell) {
    if (!s->domain[cell]) {
      s->z_m[cell] = NAN;
      continue;
    }
    int32_t row = cell / s->grid.cols, col = cell % s->grid.cols;
    double x, y, d = 0, along = 0;
    wc_geo_grid_cell_center(&s->grid, row, col, &x, &y);
    int river = wc_geo_basin_nearest_river(geo, x, y, &d, &along);
    WC_CHECK(river >= 0, WC_ERR_INPUT, "%s: the basin has no river to grade the terrain by", geo->path);
    s->river_distance_m[cell] = s->burned[cell] ? 0.0 : d;
    if (s->burned[cell]) continue;
    double bed = wc_geo_river_bed_elevation_m(geo, river, along);
    double rise = VALLEY_GRADIENT * d + relief * (1.0 - exp(-d / ridge_length));
    double fade = fmin(1.0, d / (2.0 * half_width));
    double z = bed + rise + fade * amplitude * value_noise(t->seed, x, y, wavelength);
    if (z > ceiling) z = fmax(ceiling, bed + VALLEY_GRADIENT * d);
    /* Never below the river it drains to: the valley side is what makes D8 follow it. */
    if (z < bed + RIVER_MIN_DROP_M) z = bed + RIVER_MIN_DROP_M;
    s->z_m[cell] = z;
  }
  /* The outlet is the lowest cell of all, so nothing drains past it. */
  double lowest = HUGE_VAL;
  for (int32_t cell = 0; cell < s->cells; ++cell)
    if (s->domain[cell] && cell != s->outlet_cell && s->z_m[cell] < lowest) lowest = s->z_m[cell];
  if (s->z_m[s->outlet_cell] >= lowest) s->z_m[s->outlet_cell] = lowest - RIVER_MIN_DROP_M;
  return WC_OK;
}

/* ---- land use ------------------------------------------------------------------------ */

typedef struct ranked_cell {
  double key;
  int32_t cell;
} ranked_cell;

static int by_key(const void *a, const void *b) {
  const ranked_cell *p = a, *q = b;
  if (p->key != q->key) return p->key < q->key ? -1 : 1;
  return p->cell < q->cell ? -1 : p->cell > q->cell;
}

static void paint_disc(synth_state *s, wc_basin *basin, double x0, double y0, double area_km2, int32_t id) {
  double radius = sqrt(area_km2 * 1e6 / M_PI);
  int32_t r0, c0;
  if (!wc_geo_grid_cell_at(&s->grid, x0, y0, &r0, &c0)) return;
  int32_t reach = (int32_t)ceil(radius / s->grid.cell_size_m) + 1;
  for (int32_t r = r0 - reach; r <= r0 + reach; ++r)
    for (int32_t c = c0 - reach; c <= c0 + reach; ++c) {
      if (r < 0 || c < 0 || r >= s->grid.rows || c >= s->grid.cols) continue;
      int32_t cell = r * s->grid.cols + c;
      if (!wc_basin_is_cell(basin, cell) || basin->land_use[cell] >= 0) continue;
      double x, y;
      wc_geo_grid_cell_center(&s->grid, r, c, &x, &y);
      if (hypot(x - x0, y - y0) <= fmax(radius, 0.5 * s->grid.cell_size_m)) basin->land_use[cell] = id;
    }
}

static wc_status assign_land_use(synth_state *s, wc_basin *basin) {
  const wc_geo_basin *geo = s->geo;
  for (int32_t cell = 0; cell < s->cells; ++cell) basin->land_use[cell] = -1;
  ranked_cell *ranked;
  WC_MALLOC(ranked, (size_t)s->cells, "land-use ranking");
  int32_t forest_fallback = WC_LANDUSE_FOREST;
  for (int priority = 0; priority < 64; ++priority) {
    for (size_t i = 0; i < geo->landuse_count; ++i) {
      const wc_geo_landuse *rule = &geo->landuse[i];
      if (rule->priority != priority) continue;
      int32_t id = (int32_t)rule->cls;
      int64_t target = llround(rule->fraction * (double)s->outline_cells);
      if (rule->rule == WC_LANDUSE_RULE_RESERVOIR || rule->rule == WC_LANDUSE_RULE_TOWN) {
        wc_geo_point_kind kind = rule->rule == WC_LANDUSE_RULE_RESERVOIR ? WC_GEO_RESERVOIR : WC_GEO_TOWN;
        for (size_t p = 0; p < geo->point_count; ++p) {
          const wc_geo_point *point = &geo->points[p];
          double area = kind == WC_GEO_RESERVOIR ? point->surface_km2 : point->urban_km2;
          if (point->kind == kind && !isnan(area) && area > 0) paint_disc(s, basin, point->x_m, point->y_m, area, id);
        }
        continue;
      }
      if (rule->rule == WC_LANDUSE_RULE_REST) {
        forest_fallback = id;
        for (int32_t cell = 0; cell < s->cells; ++cell)
          if (wc_basin_is_cell(basin, cell) && basin->land_use[cell] < 0) basin->land_use[cell] = id;
        continue;
      }
      int32_t n = 0;
      for (int32_t cell = 0; cell < s->cells; ++cell) {
        if (!wc_basin_is_cell(basin, cell) || basin->land_use[cell] >= 0) continue;
        if (rule->rule == WC_LANDUSE_RULE_VALLEY) {
          double limit = isnan(rule->max_river_distance_m) ? HUGE_VAL : rule->max_river_distance_m;
          if (s->river_distance_m[cell] > limit) continue;
          ranked[n++] = (ranked_cell){s->river_distance_m[cell], cell};
        } else { /* highland: highest first */
          ranked[n++] = (ranked_cell){-basin->dem_m[cell], cell};
        }
      }
      qsort(ranked, (size_t)n, sizeof *ranked, by_key);
      for (int32_t k = 0; k < n && k < target; ++k) basin->land_use[ranked[k].cell] = id;
    }
  }
  free(ranked);
  for (int32_t cell = 0; cell < s->cells; ++cell)
    if (wc_basin_is_cell(basin, cell) && basin->land_use[cell] < 0) basin->land_use[cell] = forest_fallback;
  return WC_OK;
}

/* ---- tables ------------------------------------------------------------------------- */

static wc_status add_jurisdictions(synth_state *s, wc_basin *basin) {
  const wc_geo_basin *geo = s->geo;
  for (size_t j = 0; j < geo->jurisdiction_count; ++j) {
    wc_jurisdiction entry = {
        .id = (int32_t)j,
        .name = geo->jurisdictions[j].name,
        .level = (wc_jurisdiction_level)geo->jurisdictions[j].level,
        .parent_id = geo->jurisdictions[j].parent,
    };
    WC_CALL(wc_basin_add_jurisdiction(basin, &entry));
  }
  WC_CALL(wc_geo_basin_rasterize_jurisdictions(geo, &s->grid, basin->jurisdiction));
  for (int32_t cell = 0; cell < s->cells; ++cell)
    if (!wc_basin_is_cell(basin, cell)) basin->jurisdiction[cell] = -1;
  return WC_OK;
}

/* Cell of largest contributing area within `radius_m` of a point: where a reservoir's dam
 * or a gauge sits on the synthesized river. */
static wc_status snap_point(const wc_basin *basin, double x, double y, double radius_m, int32_t *row, int32_t *col) {
  const wc_drainage_graph *graph = basin->graph;
  double *area;
  WC_MALLOC(area, (size_t)graph->n, "contributing areas per node");
  for (int32_t i = 0; i < graph->n; ++i) area[i] = basin->flow_accumulation_km2[graph->cell[i]];
  int32_t node = -1;
  double moved = 0;
  wc_status status = wc_section_snap(graph, area, x, y, radius_m, &node, &moved);
  free(area);
  WC_CALL(status);
  *row = basin->graph->row[node];
  *col = basin->graph->col[node];
  return WC_OK;
}

/* A reservoir with a published catchment sits where the synthesized river drains about
 * that area: the cell within `radius_m` whose contributing area is closest to it. (The
 * point given for a lake lies somewhere on its surface, possibly on a side arm: Guanting's
 * lies on the Gui arm, while its dam closes the whole Yongding.) */
static bool place_by_catchment(const wc_basin *basin, double x0, double y0, double radius_m, double catchment_km2,
                               int32_t *row, int32_t *col) {
  const wc_drainage_graph *graph = basin->graph;
  double best = HUGE_VAL;
  for (int32_t i = 0; i < graph->n; ++i) {
    double x = basin->grid.x_left_m + (graph->col[i] + 0.5) * basin->grid.cell_size_m;
    double y = basin->grid.y_top_m - (graph->row[i] + 0.5) * basin->grid.cell_size_m;
    if (hypot(x - x0, y - y0) > radius_m) continue;
    double miss = fabs(basin->flow_accumulation_km2[graph->cell[i]] - catchment_km2);
    if (miss < best) best = miss, *row = graph->row[i], *col = graph->col[i];
  }
  return best < HUGE_VAL;
}

static wc_status add_reservoirs_and_sections(synth_state *s, wc_basin *basin) {
  const wc_geo_basin *geo = s->geo;
  double cell = s->grid.cell_size_m;
  for (size_t p = 0; p < geo->point_count; ++p) {
    const wc_geo_point *point = &geo->points[p];
    if (point->kind != WC_GEO_RESERVOIR) continue;
    double surface = isnan(point->surface_km2) ? 1.0 : point->surface_km2;
    wc_reservoir reservoir = {
        .name = point->name,
        /* Without a published capacity: the lake surface times a 10 m mean depth. */
        .capacity_m3 = isnan(point->capacity_m3) ? surface * 1e6 * 10.0 : point->capacity_m3,
        .min_release_m3_per_s = 0.0,
        .area_at_capacity_km2 = surface,
    };
    double radius = sqrt(surface * 1e6 / M_PI) + 1.5 * cell;
    if (isnan(point->catchment_km2) ||
        !place_by_catchment(basin, point->x_m, point->y_m, fmax(3 * radius, 30000.0), point->catchment_km2,
                            &reservoir.row, &reservoir.col)) {
      wc_status status = snap_point(basin, point->x_m, point->y_m, radius, &reservoir.row, &reservoir.col);
      if (status != WC_OK) return wc_basin_error_prefix(status, "reservoir '%s'", point->name);
    }
    reservoir.normal_pool_level_m = isnan(point->normal_pool_m)
                                        ? basin->dem_m[reservoir.row * s->grid.cols + reservoir.col]
                                        : point->normal_pool_m;
    WC_CALL(wc_basin_add_reservoir(basin, &reservoir));
  }
  for (size_t p = 0; p < geo->point_count; ++p) {
    const wc_geo_point *point = &geo->points[p];
    if (point->kind != WC_GEO_SECTION) continue;
    wc_section section = {
        .name = point->name,
        .point_x_m = point->x_m,
        .point_y_m = point->y_m,
        .row = -1,
        .col = -1,
        .upstream_jurisdiction = point->upstream,
        .downstream_jurisdiction = point->downstream,
    };
    WC_CALL(wc_basin_add_section(basin, &section));
  }
  /* Sections sit on the river: a few cells of search find its channel at any cell size. */
  WC_CALL(wc_basin_snap_sections(basin, fmax(3.0 * cell, 2000.0), NULL));
  wc_basin_default_section_jurisdictions(basin);
  return WC_OK;
}

/* ---- the whole ----------------------------------------------------------------------- */

static wc_status make(synth_state *s, const wc_builtin_options *options, wc_basin **out) {
  const wc_geo_basin *geo = s->geo;
  WC_CHECK(options->cell_size_m >= WC_BUILTIN_CELL_SIZE_MIN_M && options->cell_size_m <= WC_BUILTIN_CELL_SIZE_MAX_M,
           WC_ERR_INPUT, "cell size %g m is outside %g..%g m for a built-in basin", options->cell_size_m,
           WC_BUILTIN_CELL_SIZE_MIN_M, WC_BUILTIN_CELL_SIZE_MAX_M);
  WC_CHECK(options->channel_threshold_km2 > 0, WC_ERR_INPUT, "channel threshold must be positive (got %g km2)",
           options->channel_threshold_km2);
  WC_CALL(grid_for(geo, options->cell_size_m, &s->grid));
  s->cells = s->grid.rows * s->grid.cols;
  WC_MALLOC(s->domain, (size_t)s->cells, "the domain mask");
  WC_MALLOC(s->z_m, (size_t)s->cells, "the synthesized DEM");
  WC_MALLOC(s->burned, (size_t)s->cells, "the river mask");
  WC_MALLOC(s->river_distance_m, (size_t)s->cells, "distances to rivers");
  int64_t corridor_cells = 0;
  WC_CALL(wc_geo_basin_rasterize_domain(geo, &s->grid, s->domain, &s->outline_cells, &corridor_cells));
  const wc_geo_point *outlet = &geo->points[geo->outlet];
  int32_t outlet_row, outlet_col;
  WC_CHECK(wc_geo_grid_cell_at(&s->grid, outlet->x_m, outlet->y_m, &outlet_row, &outlet_col), WC_ERR_INPUT,
           "%s: the outlet '%s' lies outside the basin's grid", geo->path, outlet->name);
  s->outlet_cell = outlet_row * s->grid.cols + outlet_col;
  WC_CALL(burn_rivers(s));
  s->domain[s->outlet_cell] = s->domain[s->outlet_cell] ? s->domain[s->outlet_cell] : 3;
  WC_CALL(synthesize_dem(s));

  wc_grid grid = {.rows = s->grid.rows, .cols = s->grid.cols, .x_left_m = s->grid.x_left_m,
                  .y_top_m = s->grid.y_top_m, .cell_size_m = s->grid.cell_size_m};
  wc_basin *basin = NULL;
  WC_CALL(wc_basin_create(&grid, &basin));
  wc_status status = WC_OK;
  memcpy(basin->dem_m, s->z_m, (size_t)s->cells * sizeof *basin->dem_m);
  wc_basin_terrain_options terrain = wc_basin_terrain_defaults();
  terrain.channel_threshold_km2 = options->channel_threshold_km2;
  terrain.outlets = (wc_outlets){.mode = WC_OUTLETS_DESIGNATED, .cells = &s->outlet_cell, .count = 1};
  WC_CALL_GOTO(status, fail, wc_basin_derive_terrain(basin, &terrain));

  char text[1024], wkt[2048];
  WC_CALL_GOTO(status, fail, wc_basin_set_text(&basin->name, geo->id));
  snprintf(text, sizeof text,
           "built-in basin '%s' (%s) synthesized from %s at %g m cells; terrain synthetic, geography "
           "real (docs/basins.md)",
           geo->id, geo->name, geo->path, options->cell_size_m);
  WC_CALL_GOTO(status, fail, wc_basin_set_text(&basin->source, text));
  snprintf(text, sizeof text, "wcsim %s", WCSIM_VERSION);
  WC_CALL_GOTO(status, fail, wc_basin_set_text(&basin->created_by, text));
  WC_CALL_GOTO(status, fail, wc_utm_wkt(geo->utm_zone, geo->utm_north, wkt, sizeof wkt));
  WC_CALL_GOTO(status, fail, wc_basin_set_crs(basin, wc_utm_epsg_code(geo->utm_zone, geo->utm_north), wkt));

  WC_CALL_GOTO(status, fail, wc_builtin_add_land_use_table(basin));
  WC_CALL_GOTO(status, fail, assign_land_use(s, basin));
  WC_CALL_GOTO(status, fail, add_jurisdictions(s, basin));
  wc_basin_set_default_soil(basin);
  WC_CALL_GOTO(status, fail, add_reservoirs_and_sections(s, basin));
  wc_basin_clear_outside(basin);
  WC_CALL_GOTO(status, fail, wc_basin_check(basin));
  *out = basin;
  return WC_OK;
fail:
  wc_basin_destroy(&basin);
  return status;
}

wc_status wc_builtin_basin_make(const wc_geo_basin *geo, const wc_builtin_options *options, wc_basin **basin) {
  *basin = NULL;
  synth_state state = {.geo = geo};
  wc_status status = make(&state, options, basin);
  synth_free(&state);
  return status;
}
