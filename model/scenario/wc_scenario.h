/*
 * wc_scenario.h — a validated scenario as plain data.
 *
 * Filled by the loader in io/ (wc_scenario_load), from a YAML file whose every key is
 * described in io/scenario/wc_scenario_schema.c and docs/scenario-reference.md. All
 * quantities are in the units named by the member (SI unless the name says otherwise).
 * Lists are { items, count } and owned by the scenario.
 */
#ifndef WC_SCENARIO_H
#define WC_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wc_time.h"

typedef struct wc_scenario_int_list {
  int64_t *items;
  size_t count;
} wc_scenario_int_list;

typedef struct wc_scenario_real_list {
  double *items;
  size_t count;
} wc_scenario_real_list;

/* ---- basin ---- */
typedef enum wc_builtin_basin { WC_BUILTIN_CHAOBAI = 0, WC_BUILTIN_YONGDING } wc_builtin_basin;

typedef struct wc_scenario_basin {
  int builtin;                  /* wc_builtin_basin, or -1 when `file` is given */
  char *file;                   /* basin file (HDF5), or NULL for a built-in basin */
  double cell_size_m;           /* grid spacing of a built-in basin */
  double channel_threshold_km2; /* contributing area where channels begin */
} wc_scenario_basin;

/* ---- period ---- */
typedef struct wc_scenario_period {
  wc_time_s start;        /* first simulated instant */
  wc_time_s end;          /* last simulated instant (exclusive) */
  double time_step_s;     /* forcing interval: 60 s .. 1 day, dividing a day */
} wc_scenario_period;

/* ---- forcing ---- */
typedef enum wc_forcing_source { WC_FORCING_GENERATOR = 0, WC_FORCING_STATIONS } wc_forcing_source;
typedef enum wc_missing_policy { WC_MISSING_ERROR = 0, WC_MISSING_INTERPOLATE, WC_MISSING_CLIMATOLOGY } wc_missing_policy;

typedef struct wc_scenario_forcing {
  int source;                  /* wc_forcing_source */
  int64_t seed;                /* weather generator seed */
  char *climate;               /* generator climate: built-in basin name or .weather file; NULL = the basin's */
  char *stations_file;         /* station list CSV (stations source) */
  char *observations_file;     /* observations CSV (stations source) */
  int missing_values;          /* wc_missing_policy */
  double precipitation_factor; /* multiplies all precipitation (climate scenarios) */
  double temperature_offset_c; /* added to all temperatures */
} wc_scenario_forcing;

/* ---- management ---- */
typedef struct wc_fertiliser_plan {
  char *land_use;                      /* land-use class name, e.g. "cropland" */
  double rate_kg_per_ha_yr;            /* N applied per year */
  double inorganic_fraction;           /* share that enters the inorganic pool directly */
  wc_scenario_int_list months;         /* months of application (1..12), split evenly */
} wc_fertiliser_plan;

typedef struct wc_fertiliser_plan_list {
  wc_fertiliser_plan *items;
  size_t count;
} wc_fertiliser_plan_list;

typedef struct wc_point_source {
  char *name;
  double lon_deg, lat_deg;             /* WGS84; snapped to the nearest channel cell */
  double discharge_m3_per_s;           /* effluent flow */
  double tn_concentration_mg_per_l;    /* effluent TN */
} wc_point_source;

typedef struct wc_point_source_list {
  wc_point_source *items;
  size_t count;
} wc_point_source_list;

typedef struct wc_scenario_deposition {
  double wet_concentration_mg_per_l;   /* TN in precipitation */
  double dry_kg_per_ha_yr;             /* dry deposition flux */
} wc_scenario_deposition;

/* Consumptive water use of one jurisdiction (irrigation, town and industrial supply): the
 * water leaves the basin (docs/model.md, "Water use"). */
typedef struct wc_water_use {
  char *name;                          /* what it is, for messages and logs (optional) */
  char *jurisdiction;                  /* a jurisdiction of the basin: full name or its leading words */
  double volume_m3_per_yr;             /* yearly demand, before the supply limit */
  wc_scenario_int_list months;         /* months (1..12) the demand falls in */
  wc_scenario_real_list weights;       /* relative share of each listed month; empty = equal */
  double groundwater_fraction;         /* share pumped from groundwater; the rest from rivers and reservoirs */
  /* Not a key: "FILE:LINE:COL" of the jurisdiction key, filled by the schema check, so an
   * unknown name found only when the basin is built still points at the scenario file. */
  char jurisdiction_at[256];
} wc_water_use;

typedef struct wc_water_use_list {
  wc_water_use *items;
  size_t count;
} wc_water_use_list;

typedef struct wc_scenario_management {
  wc_fertiliser_plan_list fertiliser;
  wc_fertiliser_plan_list manure;
  wc_scenario_deposition deposition;
  wc_point_source_list point_sources;
  wc_water_use_list water_use;
} wc_scenario_management;

/* ---- agreements ---- */
typedef enum wc_rule_type { WC_RULE_XINAN_INDEX = 0, WC_RULE_CLASS_TIER, WC_RULE_QUANTITY } wc_rule_type;
typedef enum wc_settlement { WC_SETTLE_YEARLY = 0, WC_SETTLE_MONTHLY } wc_settlement;
typedef enum wc_indicator { WC_IND_CODMN = 0, WC_IND_NH3N, WC_IND_TP, WC_IND_TN } wc_indicator;

typedef struct wc_index_indicator {
  int indicator;                       /* wc_indicator */
  double weight;                       /* k_i */
  double baseline_mg_per_l;            /* C_i0 */
  double assumed_mg_per_l;             /* value used for indicators the model does not simulate */
} wc_index_indicator;

typedef struct wc_index_indicator_list {
  wc_index_indicator *items;
  size_t count;
} wc_index_indicator_list;

typedef struct wc_rule_xinan {
  double k0;                           /* stability coefficient */
  double amount_yuan;                  /* paid one way or the other per settlement */
  wc_index_indicator_list indicators;
} wc_rule_xinan;

typedef struct wc_rule_class_tier {
  int indicator;                       /* wc_indicator assessed against GB 3838-2002 */
  int64_t reward_class;                /* class at or better than this: downstream pays */
  int64_t penalty_class;               /* class at or worse than this: upstream pays */
  double amount_yuan;                  /* per settlement */
} wc_rule_class_tier;

typedef struct wc_rule_quantity {
  double baseline_volume_m3;           /* per settlement period */
  double price_yuan_per_m3;            /* per m3 above (reward) or below (penalty) baseline */
  double cap_yuan;                     /* largest payment per settlement */
} wc_rule_quantity;

typedef struct wc_agreement {
  char *name;
  char *section;                       /* monitoring section name in the basin */
  char *upstream;                      /* jurisdiction name */
  char *downstream;
  int rule;                            /* wc_rule_type */
  int settlement;                      /* wc_settlement */
  wc_rule_xinan xinan_index;
  wc_rule_class_tier class_tier;
  wc_rule_quantity quantity;
} wc_agreement;

typedef struct wc_agreement_list {
  wc_agreement *items;
  size_t count;
} wc_agreement_list;

/* ---- solver ---- */
/* How time is integrated: one BDF system over all cells (CVODE), or each cell alone with
 * its own steps, upstream first (solvers/wc_cellwise.h). */
typedef enum wc_time_method { WC_METHOD_BDF = 0, WC_METHOD_CELLWISE } wc_time_method;
typedef enum wc_linear_solver { WC_LINSOL_SWEEP = 0, WC_LINSOL_GMRES_SWEEP, WC_LINSOL_GMRES } wc_linear_solver;
/* Whose vector operations CVODE uses: wcsim's optimised N_Vector or Debian's N_Vector_Parallel. */
typedef enum wc_vector_kind { WC_VECTOR_OWN = 0, WC_VECTOR_SUNDIALS } wc_vector_kind;

typedef struct wc_scenario_solver {
  int method;                          /* wc_time_method */
  double relative_tolerance;
  double water_tolerance_m;            /* absolute tolerance of water stores (depth) */
  double nitrogen_tolerance_kg_per_ha; /* absolute tolerance of N stores */
  int linear_solver;                   /* wc_linear_solver */
  int vector;                          /* wc_vector_kind */
  int64_t max_steps_per_interval;
  int64_t max_retries;                 /* retries with a smaller step after a failure */
  int64_t max_order;                   /* highest BDF order, 1..5 */
} wc_scenario_solver;

/* ---- output ---- */
typedef enum wc_output_variable {
  WC_OUT_DISCHARGE = 0, WC_OUT_VOLUME, WC_OUT_TN_CONCENTRATION, WC_OUT_TN_LOAD, WC_OUT_BUDGETS, WC_OUT_STATES
} wc_output_variable;

typedef struct wc_scenario_output {
  char *path;                          /* results file (HDF5) */
  double interval_s;                   /* section series interval */
  wc_scenario_int_list variables;      /* wc_output_variable values */
  double checkpoint_interval_s;        /* 0: no checkpoints */
  bool overwrite;                      /* replace an existing results file */
} wc_scenario_output;

/* ---- the scenario ---- */
typedef struct wc_scenario {
  char *name;
  char *description;
  wc_scenario_basin basin;
  wc_scenario_period period;
  wc_scenario_forcing forcing;
  wc_scenario_management management;
  wc_agreement_list agreements;
  wc_scenario_solver solver;
  wc_scenario_output output;
  char *source_file;                   /* the file it was loaded from */
} wc_scenario;

#endif
