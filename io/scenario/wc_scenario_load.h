/*
 * wc_scenario_load.h — scenario files: load, validate, print, document.
 *
 * Errors are WC_ERR_SCENARIO (or WC_ERR_IO when the top file cannot be read) with one line
 * per problem, each "FILE:LINE:COL: key.path: what is wrong; what is allowed".
 */
#ifndef WC_SCENARIO_LOAD_H
#define WC_SCENARIO_LOAD_H

#include <stdio.h>

#include "wc_scenario.h"
#include "wc_schema.h"
#include "wc_status.h"

/* Load and validate `path` (with its includes); the caller owns *scenario. */
wc_status wc_scenario_load(const char *path, wc_scenario **scenario) WC_NODISCARD;

/* Same from text in memory; `name` stands for the file in messages (tests). */
wc_status wc_scenario_load_string(const char *name, const char *text, wc_scenario **scenario) WC_NODISCARD;

void wc_scenario_destroy(wc_scenario **scenario);

/* The resolved scenario as YAML: every key, defaults filled, canonical units. */
void wc_scenario_print(const wc_scenario *scenario, FILE *out);

/* The Markdown reference (docs/scenario-reference.md is this output). */
void wc_scenario_write_reference(FILE *out);

const wc_schema *wc_scenario_schema(void);

/* Name of an enum value, for logs. */
const char *wc_builtin_basin_name(int builtin);

#endif
