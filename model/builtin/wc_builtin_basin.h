/*
 * wc_builtin_basin.h — the built-in basins (Chaobai, Yongding) made from their geography.
 *
 * No DEM can be downloaded here, so the terrain is synthesized, but the geography is real
 * (scenarios/basins/NAME.geo): the outline, the rivers, reservoirs, jurisdictions and the
 * monitoring sections. The synthesized DEM is built so that its D8 drainage follows the
 * real rivers and every cell drains to the basin's outlet:
 *
 *   z(cell) = bed(nearest river, along) + rise(d) + s(d) * noise(x, y)
 *
 * with d the distance to the nearest river, bed() the river's bed elevation graded between
 * its elevation anchors, rise(d) = g*d + R*(1 - exp(-d/L)) rising monotonically from the
 * valley (g = 1%, R = the ridge relief, L = 3 valley half-widths), and noise a smooth
 * seeded value noise faded out in the valley floor (s = min(1, d / (2 * half width))).
 * River cells are burned in at their bed elevation, falling strictly downstream. The grid
 * is closed except at the outlet cell (priority-flood with a designated outlet), so every
 * cell of the domain drains to it. docs/basins.md says what is real and what is made up.
 */
#ifndef WC_BUILTIN_BASIN_H
#define WC_BUILTIN_BASIN_H

#include "wc_basin.h"
#include "wc_geo.h"
#include "wc_status.h"

/* Cell sizes a built-in basin may be generated at (m). */
#define WC_BUILTIN_CELL_SIZE_MIN_M 250.0
#define WC_BUILTIN_CELL_SIZE_MAX_M 5000.0

typedef struct wc_builtin_options {
  double cell_size_m;           /* 250 .. 5000 */
  double channel_threshold_km2; /* contributing area where channels begin, > 0 */
} wc_builtin_options;

/*
 * Generate the basin described by `geo` on a UTM grid of the given cell size: DEM,
 * derived terrain layers and drainage graph, land use (by the file's rules), jurisdictions
 * (by its region tiles), default soil, reservoirs and monitoring sections (snapped to the
 * river). On success *basin is a checked basin (wc_basin_check) that the caller destroys.
 */
WC_NODISCARD wc_status wc_builtin_basin_make(const wc_geo_basin *geo, const wc_builtin_options *options,
                                             wc_basin **basin);

/* Jurisdiction names of the built-in basin `basin_name` ("chaobai", "yongding") as its
 * .geo file gives them, in file order, so a scenario can be checked before the basin is
 * built; NULL (and *count 0) for another name. Static storage. */
const char *const *wc_builtin_jurisdiction_names(const char *basin_name, int *count);

/* The land-use classes of built-in basins (ids are the wc_geo_landuse_class values). */
WC_NODISCARD wc_status wc_builtin_add_land_use_table(wc_basin *basin);

#endif
