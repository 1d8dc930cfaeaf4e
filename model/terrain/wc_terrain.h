/*
 * wc_terrain.h — everything of model/terrain in one include.
 *
 * Pipeline: wc_dem_fill -> wc_flowdir_d8 -> wc_drainage_graph_create ->
 * wc_flow_accumulation / wc_flow_slope / wc_flow_length / wc_channel_mask ->
 * wc_section_snap -> wc_subbasin_label. A user-supplied direction grid enters at
 * wc_drainage_graph_create (which validates it: codes, targets, cycles).
 */
#ifndef WC_TERRAIN_H
#define WC_TERRAIN_H

#include "wc_dem.h"
#include "wc_drainage_graph.h"
#include "wc_flow_metrics.h"
#include "wc_flowdir.h"
#include "wc_grid.h"
#include "wc_section.h"

#endif /* WC_TERRAIN_H */
