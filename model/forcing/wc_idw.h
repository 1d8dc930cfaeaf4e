/*
 * wc_idw.h — inverse-distance weighting from stations to cells, with a temperature lapse
 * rate (docs/forcing.md, "Station interpolation").
 *
 * Each cell takes the WC_IDW_MAX_NEIGHBOURS nearest stations (all of them when there are
 * fewer; ties broken by station order) with weights 1/d^2 normalised to sum to 1. A cell
 * within WC_IDW_SAME_POINT_M of a station takes that station's value alone. Weights depend
 * only on the cell's own position, so any subset of cells gets the same values per cell.
 *
 * Temperature is reduced to sea level at each station with the lapse rate, interpolated,
 * then brought to the cell's elevation: T_cell = sum_k w_k (T_k - L z_k) + L z_cell, with
 * L in degC per metre. Precipitation is interpolated as it is.
 */
#ifndef WC_IDW_H
#define WC_IDW_H

#include <stdint.h>

#include "wc_status.h"

enum { WC_IDW_MAX_NEIGHBOURS = 12 };
#define WC_IDW_POWER 2.0
#define WC_IDW_SAME_POINT_M 1e-3

typedef struct wc_idw wc_idw;

/* Weights for n_cells cells from n_stations (>= 1) stations; coordinates in metres in one
 * projected CRS. WC_ERR_INPUT for a non-finite coordinate (naming the cell or station). */
WC_NODISCARD wc_status wc_idw_create(int32_t n_stations, const double *station_x_m,
                                     const double *station_y_m, int32_t n_cells,
                                     const double *cell_x_m, const double *cell_y_m, wc_idw **out);

void wc_idw_destroy(wc_idw **idw);

/* cell_values[i] = sum_k w_ik station_values[s_ik], for every cell. */
void wc_idw_apply(const wc_idw *idw, const double *station_values, double *cell_values);

/* Temperature with the lapse rate (degC per km, e.g. -6.5): station values at
 * station_elevation_m, results at cell_elevation_m. `scratch` holds n_stations doubles. */
void wc_idw_apply_lapsed(const wc_idw *idw, const double *station_values_c,
                         const double *station_elevation_m, double lapse_c_per_km,
                         const double *cell_elevation_m, double *scratch, double *cell_values_c);

/* Neighbours per cell (min(n_stations, WC_IDW_MAX_NEIGHBOURS)); a cell's stations and
 * weights, for tests and diagnostics. */
int32_t wc_idw_neighbours(const wc_idw *idw);
void wc_idw_cell_weights(const wc_idw *idw, int32_t cell, const int32_t **stations, const double **weights);

#endif /* WC_IDW_H */
