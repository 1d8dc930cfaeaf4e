/*
 * wc_geo.h — basin geography read from a .geo file (one per basin, in scenarios/basins/).
 *
 * A .geo file is the geographic definition of a basin whose terrain is synthesized: the
 * outline, the rivers (headwater to mouth, each ending on its receiving river or at the
 * outlet), reservoirs, monitoring sections, jurisdictions and the polygons that tile
 * them, land-use rules and hints for the terrain synthesizer. The format is line-oriented
 * text, described in scenarios/basins/README.md; this reader is its only parser.
 *
 * Reading also projects every coordinate into the basin's CRS (the `basin ... crs=` key,
 * a WGS 84 UTM zone) and checks what the file alone can prove: syntax, units, ranges,
 * unique ids, every reference resolved, rivers joining into a tree that ends at the
 * outlet, elevation anchors falling downstream (an elev_m at every source), land-use
 * fractions summing to 1. Errors are WC_ERR_INPUT (WC_ERR_IO when the
 * file cannot be read) with the message "FILE:LINE: what is wrong; what is expected".
 * Geometric consistency (rivers and sections inside the domain, jurisdictions tiling the
 * outline) is checked on a grid by wc_geo_basin_check_geometry().
 *
 * The basin is a plain data record: read the fields directly, never modify them. All
 * memory belongs to the basin and is released by wc_geo_basin_destroy().
 */
#ifndef WC_GEO_H
#define WC_GEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wc_polygon.h"
#include "wc_status.h"

/* A vertex list: an outline or region ring (closed implicitly) or a river polyline. */
typedef struct wc_geo_path {
  size_t count;
  double *lon_deg, *lat_deg; /* WGS84, as in the file */
  double *x_m, *y_m;         /* projected into the basin CRS */
  double *elev_m;            /* elevation anchors (rivers only); NAN where not given */
  int *line;                 /* line of each vertex in the file, for messages */
} wc_geo_path;

/* A polygon of the basin's outline: the catchment whose area is checked. */
typedef struct wc_geo_outline {
  char *id;
  char *name;
  wc_geo_path ring;
  double area_m2; /* in the projection */
  int line;
} wc_geo_outline;

/* A river polyline, headwater first. */
typedef struct wc_geo_river {
  char *id;
  char *name;
  char *src;           /* where its course comes from */
  int receiver;        /* index of the river it joins, -1 when it ends at the outlet */
  size_t join_vertex;  /* vertex of the receiver equal to this river's last vertex */
  double join_along_m; /* distance along the receiver from its first vertex to that vertex */
  double length_m;     /* in the projection */
  double mouth_to_outlet_m; /* flow distance from this river's last vertex to the outlet */
  int order;           /* 1 for rivers ending at the outlet, receiver's order + 1 otherwise */
  wc_geo_path path;
  int line;
} wc_geo_river;

/* A channel corridor: cells within half_width_m of `river` belong to the domain although
 * they are outside every outline (the Yongding below Guanting). Not part of the checked
 * catchment area. */
typedef struct wc_geo_corridor {
  char *id;
  char *name;
  char *src;
  int river; /* index into rivers */
  double half_width_m;
  int line;
} wc_geo_corridor;

typedef enum wc_geo_point_kind {
  WC_GEO_OUTLET = 0, /* where water leaves the domain; exactly one per basin */
  WC_GEO_RESERVOIR,
  WC_GEO_SECTION, /* monitoring section on a jurisdiction border */
  WC_GEO_TOWN,
  WC_GEO_POINT_KIND_COUNT
} wc_geo_point_kind;

typedef struct wc_geo_point {
  wc_geo_point_kind kind;
  char *id;
  char *name;
  char *src;        /* source of the coordinate and facts */
  char *confidence; /* "verified", "approximate", ... as written in the file (may be NULL) */
  double lon_deg, lat_deg, x_m, y_m;
  int river;         /* section, outlet, reservoir: the river it lies on (-1 if none given) */
  /* reservoir (NAN when absent) */
  double capacity_m3, normal_pool_m, surface_km2, catchment_km2;
  /* section: jurisdiction indices (-1 when absent). on_border is false for an assessment
   * section inside the upstream jurisdiction (e.g. a reservoir inflow), whose downstream
   * party is the beneficiary rather than the territory just below it. */
  int upstream, downstream;
  bool on_border;
  /* town: jurisdiction index (-1 when absent), elevation and urban area (NAN when absent) */
  int jurisdiction;
  double elev_m, urban_km2;
  int line;
} wc_geo_point;

typedef enum wc_geo_level {
  WC_GEO_PROVINCE = 0, /* province, municipality or autonomous region */
  WC_GEO_PREFECTURE,   /* prefecture-level city or league */
  WC_GEO_COUNTY,       /* county, county-level city, district or banner */
  WC_GEO_LEVEL_COUNT
} wc_geo_level;

typedef struct wc_geo_jurisdiction {
  char *id;
  char *name;
  wc_geo_level level;
  int parent; /* index, -1 for a province */
  int line;
} wc_geo_jurisdiction;

/* A polygon tile of a jurisdiction. Tiles of different jurisdictions share edges and may
 * reach beyond the domain; a cell belongs to the tile holding its centre. */
typedef struct wc_geo_region {
  int jurisdiction; /* index */
  wc_geo_path ring;
  int line;
} wc_geo_region;

typedef enum wc_geo_landuse_class {
  WC_LANDUSE_FOREST = 0,
  WC_LANDUSE_GRASSLAND,
  WC_LANDUSE_CROPLAND,
  WC_LANDUSE_URBAN,
  WC_LANDUSE_WATER,
  WC_LANDUSE_COUNT
} wc_geo_landuse_class;

/* How a synthesizer places a land-use class (README.md, "Land use"). */
typedef enum wc_geo_landuse_rule_kind {
  WC_LANDUSE_RULE_RESERVOIR = 0, /* discs of each reservoir's surface_km2 around it */
  WC_LANDUSE_RULE_TOWN,          /* discs of each town's urban_km2 around it */
  WC_LANDUSE_RULE_VALLEY,        /* cells nearest the rivers, up to max_river_distance_m */
  WC_LANDUSE_RULE_HIGHLAND,      /* cells above min_elev_m first, then the highest */
  WC_LANDUSE_RULE_REST,          /* every cell not yet assigned */
  WC_LANDUSE_RULE_COUNT
} wc_geo_landuse_rule_kind;

typedef struct wc_geo_landuse {
  wc_geo_landuse_class cls;
  wc_geo_landuse_rule_kind rule;
  double fraction;             /* target share of the outline's area, 0..1 */
  double max_river_distance_m; /* valley: NAN when absent */
  double min_elev_m;           /* highland: NAN when absent */
  int priority;                /* order of assignment, lower first */
  char *src;
  int line;
} wc_geo_landuse;

/* Hints for the terrain synthesizer (NAN when absent). */
typedef struct wc_geo_terrain {
  double outlet_elev_m;       /* water surface at the outlet */
  double max_elev_m;          /* highest summit to aim for */
  double ridge_relief_m;      /* typical rise from a valley floor to the nearest ridge */
  double valley_half_width_m; /* distance over which valley floors rise gently */
  double noise_amplitude_m;
  double noise_wavelength_m;
  int64_t seed; /* noise seed, 0 when absent */
  int line;
} wc_geo_terrain;

typedef struct wc_geo_basin {
  char *path; /* file it was read from */
  char *id;
  char *name;
  char *crs; /* e.g. "EPSG:32650" */
  int utm_zone;
  bool utm_north;
  double published_area_km2; /* the published catchment area the outline must match */
  char *area_src;

  wc_geo_outline *outlines;
  size_t outline_count;
  wc_geo_river *rivers;
  size_t river_count;
  wc_geo_corridor *corridors;
  size_t corridor_count;
  wc_geo_point *points;
  size_t point_count;
  wc_geo_jurisdiction *jurisdictions;
  size_t jurisdiction_count;
  wc_geo_region *regions;
  size_t region_count;
  wc_geo_landuse *landuse;
  size_t landuse_count;
  wc_geo_terrain terrain;

  int outlet;       /* index into points */
  double area_m2;   /* sum of the outline areas, in the projection */
} wc_geo_basin;

/* Read and validate a .geo file; on success *basin is a new basin (destroy it), on
 * failure *basin is NULL and the error says FILE:LINE and what would be right. */
WC_NODISCARD wc_status wc_geo_basin_read(const char *path, wc_geo_basin **basin);

/* Free a basin and set *basin to NULL; accepts NULL and a NULL *basin. */
void wc_geo_basin_destroy(wc_geo_basin **basin);

/* Index of the river / point / jurisdiction with this id, -1 when there is none. */
int wc_geo_basin_find_river(const wc_geo_basin *basin, const char *id);
int wc_geo_basin_find_point(const wc_geo_basin *basin, const char *id);
int wc_geo_basin_find_jurisdiction(const wc_geo_basin *basin, const char *id);

/* Flow distance (m) from the point `along_m` metres down river `river` (from its first
 * vertex) to the outlet, following the receivers: the "distance along the river to the
 * outlet" a terrain synthesizer grades elevations by. */
double wc_geo_river_outlet_distance_m(const wc_geo_basin *basin, int river, double along_m);

/* The jurisdiction whose region tile holds the point (projected metres), -1 if none. */
int wc_geo_basin_jurisdiction_at(const wc_geo_basin *basin, double x_m, double y_m);

/* Whether jurisdiction `j` is `ancestor` or lies within it (county in its prefecture and
 * province). */
bool wc_geo_jurisdiction_is_within(const wc_geo_basin *basin, int j, int ancestor);

/*
 * Bed elevation (m) of river `river` at `along_m` metres from its first vertex: linear in
 * distance between the river's elev_m anchors and, below its last anchor, down to the
 * receiver's bed at the join (or the outlet's elevation, terrain.outlet_elev_m, for a
 * river ending at the outlet). The reader guarantees an anchor at every source, so this
 * is defined everywhere on the network; along_m is clamped to the river.
 */
double wc_geo_river_bed_elevation_m(const wc_geo_basin *basin, int river, double along_m);

/* The river nearest to a point (projected metres): its index (-1 if the basin has none),
 * and optionally the distance to it and the distance along it from its first vertex. */
int wc_geo_basin_nearest_river(const wc_geo_basin *basin, double x_m, double y_m,
                               double *distance_m, double *along_m);

/* Names for messages: "forest", "county", "section", ... */
const char *wc_geo_landuse_class_name(wc_geo_landuse_class cls);
const char *wc_geo_level_name(wc_geo_level level);
const char *wc_geo_point_kind_name(wc_geo_point_kind kind);

/* Whether a point (projected metres) lies in the basin's domain: inside an outline, or
 * within a corridor's half width of its river. */
bool wc_geo_basin_domain_contains(const wc_geo_basin *basin, double x_m, double y_m);

/*
 * Rasterize the domain: `mask` (rows * cols bytes) gets 1 for cells whose centre is
 * inside an outline, 2 for corridor cells outside every outline, 0 elsewhere. The counts
 * (may be NULL) receive the number of cells of each kind.
 */
WC_NODISCARD wc_status wc_geo_basin_rasterize_domain(const wc_geo_basin *basin,
                                                     const wc_geo_grid *grid, uint8_t *mask,
                                                     int64_t *outline_cells,
                                                     int64_t *corridor_cells);

/*
 * Rasterize the jurisdiction tiles: `ids` (rows * cols) gets the jurisdiction index of
 * the tile holding each cell centre, -1 where no tile does. WC_ERR_INPUT, naming both
 * jurisdictions and a cell, when two tiles overlap at a cell centre.
 */
WC_NODISCARD wc_status wc_geo_basin_rasterize_jurisdictions(const wc_geo_basin *basin,
                                                            const wc_geo_grid *grid,
                                                            int32_t *ids);

/*
 * Geometric checks on a grid of `cell_size_m` around the domain:
 * - every river vertex and every point (section, reservoir, town, outlet) lies in the
 *   domain (inside an outline or a corridor);
 * - every section, the outlet and every reservoir given a river lie within
 *   `on_river_tolerance_m` of that river;
 * - each town lies in the tile of its jurisdiction (or of one within it);
 * - a border section's river runs from its upstream jurisdiction's tile into its
 *   downstream one's (sampled WC_GEO_SECTION_SIDE_M along the river either side); an
 *   on_border=no section lies in its upstream jurisdiction;
 * - the jurisdiction tiles cover every domain cell exactly once.
 * The first failure is reported as "FILE:LINE: ..." at the offending vertex or record.
 */
#define WC_GEO_SECTION_SIDE_M 1500.0

WC_NODISCARD wc_status wc_geo_basin_check_geometry(const wc_geo_basin *basin,
                                                   double cell_size_m,
                                                   double on_river_tolerance_m);

#endif /* WC_GEO_H */
