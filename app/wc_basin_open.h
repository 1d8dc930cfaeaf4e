/* wc_basin_open.h — get the basin a command or a scenario names: a built-in basin
 * (generated from scenarios/basins/NAME.geo) or a basin file. */
#ifndef WC_BASIN_OPEN_H
#define WC_BASIN_OPEN_H

#include "wc_basin.h"
#include "wc_scenario.h"
#include "wc_status.h"

/* Generate built-in basin `name` (chaobai, yongding). */
wc_status wc_basin_open_builtin(const char *name, double cell_size_m, double channel_threshold_km2,
                                wc_basin **basin) WC_NODISCARD;

/* `what` is a built-in name or a basin file path. */
wc_status wc_basin_open(const char *what, double cell_size_m, double channel_threshold_km2,
                        wc_basin **basin) WC_NODISCARD;

/* The basin of a scenario. */
wc_status wc_basin_open_for_scenario(const wc_scenario_basin *spec, wc_basin **basin) WC_NODISCARD;

/* True for "chaobai" and "yongding". */
int wc_basin_is_builtin_name(const char *name);

#endif
