/*
 * wc_basin_summary.h — what a basin holds, per jurisdiction and per monitoring section:
 * the numbers behind `wcsim basin info`.
 *
 * Areas come from cell counts (cells * cell_size_m^2). A section's "upstream" area is all
 * the land draining through it; its "local" area is its own sub-basin (wc_subbasin_label):
 * the part not already above another section upstream. Channel length is the length of
 * the D8 links that leave channel cells of the area.
 */
#ifndef WC_BASIN_SUMMARY_H
#define WC_BASIN_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "wc_basin.h"

typedef struct wc_basin_section_summary {
  int32_t downstream_section;       /* index of the next section downstream, or -1 */
  int32_t upstream_cells;           /* cells draining through the section (itself included) */
  double upstream_area_km2;
  int32_t local_cells;              /* cells of its own sub-basin */
  double local_area_km2;
  double upstream_channel_length_km;
  /* [n_jurisdictions + 1]: area above the section in each jurisdiction of the table (same
   * order), the last entry for cells with no jurisdiction. Non-zero = "lies above it". */
  double *jurisdiction_area_km2;
  /* [n_land_use]: fraction (0..1) of the upstream area in each land-use class. */
  double *land_use_share;
} wc_basin_section_summary;

typedef struct wc_basin_summary {
  int32_t cells; /* basin cells */
  double area_km2;
  int32_t outlets;
  int32_t channel_cells;
  double channel_length_km;
  /* channel length per area: tells a synthesized network from a real one (docs/basins.md:
   * the built-in Yongding's parallel pseudo-channels, 0.53 km/km2 against the Chaobai's 0.27) */
  double drainage_density_km_per_km2;
  double elevation_min_m, elevation_max_m, elevation_mean_m;
  int32_t n_jurisdictions;        /* the table's size; arrays below have one more entry */
  int32_t *jurisdiction_cells;    /* [n_jurisdictions + 1], last: no jurisdiction */
  double *jurisdiction_area_km2;  /* [n_jurisdictions + 1]: area within each jurisdiction,
                                   * its sub-jurisdictions included (a province sums its counties) */
  int32_t n_land_use;
  double *land_use_area_km2;      /* [n_land_use] */
  int32_t n_sections;
  wc_basin_section_summary *sections; /* [n_sections], in the basin's section order */
} wc_basin_summary;

/* Summarise a basin that has its graph (derived or read). *summary is owned by the
 * caller (wc_basin_summary_destroy). */
WC_NODISCARD wc_status wc_basin_summarize(const wc_basin *basin, wc_basin_summary **summary);

void wc_basin_summary_destroy(wc_basin_summary **summary);

/* Human-readable report (grid, CRS, areas, tables, sections) for `wcsim basin info`. */
WC_NODISCARD wc_status wc_basin_summary_print(const wc_basin *basin,
                                              const wc_basin_summary *summary, FILE *out);

#endif /* WC_BASIN_SUMMARY_H */
