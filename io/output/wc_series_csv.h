/*
 * wc_series_csv.h — section and reservoir-inflow series, and budgets, as CSV.
 *
 * Files are written as NAME.partial and renamed to NAME only when complete, so a file
 * without .partial is whole. (The HDF5 results file of docs/output.md comes with the
 * results issue; these CSV files are the interim output and stay as an export.)
 */
#ifndef WC_SERIES_CSV_H
#define WC_SERIES_CSV_H

#include <stdio.h>

#include "wc_accounting.h"
#include "wc_basin.h"
#include "wc_status.h"
#include "wc_time.h"

typedef struct wc_series_csv wc_series_csv;

/* Open PATH.partial for writing the series (header line written). */
WC_NODISCARD wc_status wc_series_csv_open(const char *path, wc_series_csv **csv);

/* One row per station for the interval [start, end). */
WC_NODISCARD wc_status wc_series_csv_write(wc_series_csv *csv, wc_time_s start, wc_time_s end,
                                           const wc_stations *stations, const wc_station_sample *samples);

/* Close and rename PATH.partial to PATH (commit true), or close and remove it. */
WC_NODISCARD wc_status wc_series_csv_close(wc_series_csv **csv, int commit);

/* Budgets of the basin and each jurisdiction between two totals, one row each, to PATH
 * (via PATH.partial). */
WC_NODISCARD wc_status wc_budget_csv_write(const char *path, const wc_basin *basin, const wc_budget *start,
                                           const wc_budget *end, int32_t n_budgets);

/* The partition of a run, one row per rank (docs/output.md, STEM-partition.csv): cells,
 * cut edges leaving and entering the rank, ranks it sends to and receives from. Arrays of
 * n_ranks. To PATH via PATH.partial. */
WC_NODISCARD wc_status wc_partition_csv_write(const char *path, int32_t n_ranks, const int32_t *cells,
                                              const int32_t *cut_out, const int32_t *cut_in,
                                              const int32_t *neighbours_out, const int32_t *neighbours_in);

#endif
