/*
 * wc_section.h — monitoring sections on the drainage graph: snapping a gauge's
 * coordinates onto the river, and the sub-basin that drains to each section.
 */
#ifndef WC_SECTION_H
#define WC_SECTION_H

#include <stdint.h>

#include "wc_drainage_graph.h"
#include "wc_status.h"

/*
 * Snap a section point (x_m, y_m, projected metres) to the cell with the largest
 * contributing area `area_km2` (per node, wc_flow_accumulation) among the cells whose
 * centres lie within `radius_m` of the point, plus the cell containing the point itself
 * (so radius 0 means "this cell"). Ties go to the nearer cell, then the lower node.
 * `node` receives the node, `moved_m` (may be NULL) the distance from the point to that
 * cell's centre. WC_ERR_INPUT when the point lies outside the grid, or in a nodata cell
 * (outside the basin): the message gives the point, the radius and, if any, the nearest
 * basin cell and its distance.
 */
WC_NODISCARD wc_status wc_section_snap(const wc_drainage_graph *graph, const double *area_km2,
                                       double x_m, double y_m, double radius_m, int32_t *node,
                                       double *moved_m);

/*
 * Sub-basins: label[i] = index s (0..n_sections-1) of the nearest section at or downstream
 * of node i, following D8 links, or -1 when the cell drains to an outlet without passing
 * a section. A section's own cell carries its own label, so the cells of section s's
 * sub-basin are the ones labelled s, and the whole area above s is that plus the
 * sub-basins of the sections upstream of it. `downstream_section` (may be NULL, else
 * n_sections entries) receives, per section, the next section downstream, or -1.
 * WC_ERR_INPUT for a node out of range or a node listed twice.
 */
WC_NODISCARD wc_status wc_subbasin_label(const wc_drainage_graph *graph,
                                         const int32_t *section_nodes, int32_t n_sections,
                                         int32_t *label, int32_t *downstream_section);

#endif /* WC_SECTION_H */
