/*
 * wc_scenario_schema.c — every key a scenario file may hold: type, unit, range, default,
 * meaning. docs/scenario-reference.md is generated from these tables
 * (`wcsim run --scenario-reference`), and a test fails when the two differ.
 *
 * Defaults follow ../shared/DOMAIN.md where it gives a value; docs/model.md cites sources.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "wc_builtin_basin.h"
#include "wc_jurisdiction_names.h"
#include "wc_scenario.h"
#include "wc_scenario_load.h"
#include "wc_schema.h"

#define ANY_MIN (-HUGE_VAL)
#define ANY_MAX (HUGE_VAL)

#define STRING(T, member, k, def, d) \
  {.key = k, .kind = WC_FIELD_STRING, .offset = offsetof(T, member), .default_yaml = def, .doc = d}
#define OPT_STRING(T, member, k, d) \
  {.key = k, .kind = WC_FIELD_STRING, .offset = offsetof(T, member), .optional = true, .doc = d}
#define OPT_PATH(T, member, k, d) \
  {.key = k, .kind = WC_FIELD_PATH, .offset = offsetof(T, member), .optional = true, .doc = d}
#define REAL(T, member, k, dim, lo, hi, def, d)                                                          \
  {.key = k, .kind = WC_FIELD_REAL, .offset = offsetof(T, member), .dimension = dim, .min = lo, .max = hi, \
   .default_yaml = def, .doc = d}
#define POSITIVE(T, member, k, dim, hi, def, d)                                                          \
  {.key = k, .kind = WC_FIELD_REAL, .offset = offsetof(T, member), .dimension = dim, .min = 0,          \
   .min_exclusive = true, .max = hi, .default_yaml = def, .doc = d}
#define INT(T, member, k, lo, hi, def, d)                                                                \
  {.key = k, .kind = WC_FIELD_INT, .offset = offsetof(T, member), .min = lo, .max = hi, .default_yaml = def, \
   .doc = d}
#define BOOL(T, member, k, def, d) \
  {.key = k, .kind = WC_FIELD_BOOL, .offset = offsetof(T, member), .default_yaml = def, .doc = d}
#define DATE(T, member, k, d) {.key = k, .kind = WC_FIELD_DATE, .offset = offsetof(T, member), .doc = d}
#define ENUM(T, member, k, names, def, d) \
  {.key = k, .kind = WC_FIELD_ENUM, .offset = offsetof(T, member), .choices = names, .default_yaml = def, .doc = d}
#define OPT_ENUM(T, member, k, names, d) \
  {.key = k, .kind = WC_FIELD_ENUM, .offset = offsetof(T, member), .choices = names, .optional = true, .doc = d}
#define OBJECT(T, member, k, sub, d) \
  {.key = k, .kind = WC_FIELD_OBJECT, .offset = offsetof(T, member), .schema = &sub, .doc = d}
#define LIST(T, member, k, sub, d) \
  {.key = k, .kind = WC_FIELD_LIST, .offset = offsetof(T, member), .schema = &sub, .optional = true, .doc = d}
#define END {.key = NULL}

/* ---- name tables ---------------------------------------------------------------- */

static const char *const builtin_names[] = {"chaobai", "yongding", NULL};
static const char *const forcing_names[] = {"generator", "stations", NULL};
static const char *const missing_names[] = {"error", "interpolate", "climatology", NULL};
static const char *const rule_names[] = {"xinan_index", "class_tier", "quantity", NULL};
static const char *const settlement_names[] = {"yearly", "monthly", NULL};
static const char *const indicator_names[] = {"codmn", "nh3n", "tp", "tn", NULL};
static const char *const time_method_names[] = {"bdf", "cellwise", NULL};
static const char *const linear_solver_names[] = {"sweep", "gmres_sweep", "gmres", NULL};
static const char *const vector_names[] = {"own", "sundials", NULL};
static const char *const output_variable_names[] = {"discharge", "volume", "tn_concentration",
                                                    "tn_load", "budgets", "states", NULL};

/* ---- checks across keys ------------------------------------------------------------ */

static const wc_ynode *node_or(const wc_ynode *map, const char *key) {
  const wc_ynode *node = wc_ynode_get(map, key);
  return node ? node : map;
}

static void check_basin(void *object, const wc_ynode *node, const char *path, wc_diag *diag) {
  wc_scenario_basin *basin = object;
  if (wc_ynode_get(node, "builtin") && basin->builtin < 0) return; /* already reported */
  if (basin->builtin < 0 && !basin->file)
    wc_diag_add(diag, node, path, "give either 'builtin:' (chaobai, yongding) or 'file:' (a basin file)");
  else if (basin->builtin >= 0 && basin->file)
    wc_diag_add(diag, node_or(node, "file"), path,
                "give either 'builtin:' or 'file:', not both (a basin file already fixes its grid)");
}

static void check_period(void *object, const wc_ynode *node, const char *path, wc_diag *diag) {
  wc_scenario_period *period = object;
  if (!wc_ynode_get(node, "start") || !wc_ynode_get(node, "end")) return; /* reported as missing */
  if (period->end <= period->start) {
    char start[32];
    wc_time_format(period->start, start, sizeof start);
    wc_diag_add(diag, node_or(node, "end"), path, "end must come after start (%s)", start);
  }
  double step = period->time_step_s;
  if (step > 0 && fmod((double)WC_SECONDS_PER_DAY, step) != 0)
    wc_diag_add(diag, node_or(node, "time_step"), path,
                "time_step of %g s does not divide a day; use e.g. 1 min, 15 min, 1 h, 3 h, 1 day", step);
  else if (step > 0 && period->end > period->start && fmod((double)(period->end - period->start), step) != 0)
    wc_diag_add(diag, node_or(node, "end"), path, "the period is not a whole number of time steps (%g s)", step);
}

static void check_forcing(void *object, const wc_ynode *node, const char *path, wc_diag *diag) {
  wc_scenario_forcing *forcing = object;
  if (forcing->source == WC_FORCING_STATIONS && (!forcing->stations_file || !forcing->observations_file))
    wc_diag_add(diag, node_or(node, "source"), path,
                "source 'stations' needs both 'stations_file:' and 'observations_file:'");
}

static void check_fertiliser(void *object, const wc_ynode *node, const char *path, wc_diag *diag) {
  wc_fertiliser_plan *plan = object;
  if (plan->months.count == 0) wc_diag_add(diag, node_or(node, "months"), path, "months must list at least one month (1..12)");
  for (size_t i = 0; i < plan->months.count; ++i)
    for (size_t j = 0; j < i; ++j)
      if (plan->months.items[i] == plan->months.items[j])
        wc_diag_add(diag, node_or(node, "months"), path, "month %lld is listed twice", (long long)plan->months.items[i]);
}

static void check_water_use(void *object, const wc_ynode *node, const char *path, wc_diag *diag) {
  wc_water_use *use = object;
  const wc_ynode *name = wc_ynode_get(node, "jurisdiction");
  if (name) snprintf(use->jurisdiction_at, sizeof use->jurisdiction_at, "%s:%d:%d", name->file, name->line, name->column);
  if (use->months.count == 0) wc_diag_add(diag, node_or(node, "months"), path, "months must list at least one month (1..12)");
  for (size_t i = 0; i < use->months.count; ++i)
    for (size_t j = 0; j < i; ++j)
      if (use->months.items[i] == use->months.items[j])
        wc_diag_add(diag, node_or(node, "months"), path, "month %lld is listed twice", (long long)use->months.items[i]);
  if (use->weights.count == 0) return;
  double sum = 0;
  for (size_t i = 0; i < use->weights.count; ++i) sum += use->weights.items[i];
  if (use->weights.count != use->months.count)
    wc_diag_add(diag, node_or(node, "weights"), path, "weights gives %zu value(s) but months lists %zu month(s); give one weight per month",
                use->weights.count, use->months.count);
  else if (!(sum > 0))
    wc_diag_add(diag, node_or(node, "weights"), path, "the weights add up to 0; at least one month needs a positive weight");
}

/* Jurisdictions named by water use must exist in the basin. A built-in basin's are known
 * now; a basin file's are checked when the model is built (wc_model_create). */
static void check_water_use_jurisdictions(const wc_scenario *scenario, const wc_ynode *root, wc_diag *diag) {
  if (scenario->basin.builtin < 0) return;
  const char *basin = builtin_names[scenario->basin.builtin];
  int count = 0;
  const char *const *names = wc_builtin_jurisdiction_names(basin, &count);
  if (!names) return;
  const wc_ynode *list = wc_ynode_get(wc_ynode_get(root, "management"), "water_use");
  const wc_water_use_list *uses = &scenario->management.water_use;
  for (size_t i = 0; i < uses->count; ++i) {
    const char *query = uses->items[i].jurisdiction;
    if (!query) continue; /* reported as missing */
    int found = wc_jurisdiction_name_find(names, count, query);
    if (found >= 0) continue;
    const wc_ynode *item = list && list->kind == WC_YNODE_SEQ && i < list->count ? list->items[i] : NULL;
    char path[96], known[2048];
    snprintf(path, sizeof path, "management.water_use[%zu].jurisdiction", i);
    wc_jurisdiction_names_list(names, count, known, sizeof known);
    wc_diag_add(diag, item ? node_or(item, "jurisdiction") : root, path,
                found == WC_NAME_AMBIGUOUS ? "'%s' fits several jurisdictions of basin '%s'; give more of the name: %s"
                                           : "basin '%s' has no jurisdiction '%s'; it has: %s",
                found == WC_NAME_AMBIGUOUS ? query : basin, found == WC_NAME_AMBIGUOUS ? basin : query, known);
  }
}

static void check_agreement(void *object, const wc_ynode *node, const char *path, wc_diag *diag) {
  wc_agreement *agreement = object;
  for (int rule = 0; rule_names[rule]; ++rule) {
    const wc_ynode *block = wc_ynode_get(node, rule_names[rule]);
    if (block && rule != agreement->rule && agreement->rule >= 0)
      wc_diag_add(diag, block, path, "parameters for rule '%s' given, but rule is '%s'; remove them or change rule",
                  rule_names[rule], rule_names[agreement->rule]);
  }
  if (agreement->upstream && agreement->downstream && strcmp(agreement->upstream, agreement->downstream) == 0)
    wc_diag_add(diag, node_or(node, "downstream"), path, "upstream and downstream must be different jurisdictions");
  if (agreement->rule == WC_RULE_CLASS_TIER &&
      agreement->class_tier.reward_class >= agreement->class_tier.penalty_class)
    wc_diag_add(diag, node_or(node, "class_tier"), path,
                "class_tier.reward_class (%lld) must be better (smaller) than penalty_class (%lld)",
                (long long)agreement->class_tier.reward_class, (long long)agreement->class_tier.penalty_class);
  if (agreement->rule == WC_RULE_XINAN_INDEX) {
    const wc_index_indicator_list *list = &agreement->xinan_index.indicators;
    for (size_t i = 0; i < list->count; ++i)
      for (size_t j = 0; j < i; ++j)
        if (list->items[i].indicator == list->items[j].indicator && list->items[i].indicator >= 0)
          wc_diag_add(diag, node_or(node, "xinan_index"), path, "indicator '%s' is listed twice",
                      indicator_names[list->items[i].indicator]);
  }
}

static void check_scenario(void *object, const wc_ynode *node, const char *path, wc_diag *diag) {
  (void)path;
  wc_scenario *scenario = object;
  check_water_use_jurisdictions(scenario, node, diag);
  double step = scenario->period.time_step_s;
  if (step <= 0 || fmod((double)WC_SECONDS_PER_DAY, step) != 0) return; /* reported under period */
  const wc_ynode *output = wc_ynode_get(node, "output");
  if (step > 0 && fmod(scenario->output.interval_s, step) != 0)
    wc_diag_add(diag, node_or(output ? output : node, "interval"), "output.interval",
                "must be a whole multiple of period.time_step (%g s)", step);
  if (step > 0 && scenario->output.checkpoint_interval_s > 0 && fmod(scenario->output.checkpoint_interval_s, step) != 0)
    wc_diag_add(diag, node_or(output ? output : node, "checkpoint_interval"), "output.checkpoint_interval",
                "must be a whole multiple of period.time_step (%g s)", step);
  const wc_agreement_list *agreements = &scenario->agreements;
  for (size_t i = 0; i < agreements->count; ++i)
    for (size_t j = 0; j < i; ++j)
      if (agreements->items[i].name && agreements->items[j].name &&
          strcmp(agreements->items[i].name, agreements->items[j].name) == 0)
        wc_diag_add(diag, node_or(node, "agreements"), "agreements", "two agreements are named '%s'; names must be unique",
                    agreements->items[i].name);
}

/* Only the parameter block of the agreement's own rule is printed. */
static bool rule_block_in_use(const void *object, const wc_field *field) {
  const wc_agreement *agreement = object;
  return agreement->rule >= 0 && strcmp(rule_names[agreement->rule], field->key) == 0;
}

/* ---- the tables ------------------------------------------------------------------ */

static const wc_field basin_fields[] = {
    OPT_ENUM(wc_scenario_basin, builtin, "builtin", builtin_names,
             "A built-in basin, generated on the fly (see docs/basins.md)."),
    OPT_PATH(wc_scenario_basin, file, "file", "A basin file (HDF5) made by wcsim-import or `wcsim basin make`."),
    REAL(wc_scenario_basin, cell_size_m, "cell_size", WC_DIM_LENGTH, 250, 5000, "1 km",
         "Grid spacing of a built-in basin (UTM zone 50N)."),
    POSITIVE(wc_scenario_basin, channel_threshold_km2, "channel_threshold", WC_DIM_AREA, 1e5, "10 km2",
             "Contributing area at which a channel begins."),
    END};
static const wc_schema basin_schema = {"basin", sizeof(wc_scenario_basin), basin_fields,
                                       "Where the simulation runs: a built-in basin or a basin file.", check_basin};

static const wc_field period_fields[] = {
    DATE(wc_scenario_period, start, "start", "First simulated instant (YYYY-MM-DD[THH:MM])."),
    DATE(wc_scenario_period, end, "end", "End of the simulation (exclusive)."),
    REAL(wc_scenario_period, time_step_s, "time_step", WC_DIM_DURATION, 60, 86400, "1 day",
         "Forcing interval; must divide a day. The solver stops at every interval boundary."),
    END};
static const wc_schema period_schema = {"period", sizeof(wc_scenario_period), period_fields,
                                        "The simulated period and the forcing interval.", check_period};

static const wc_field forcing_fields[] = {
    ENUM(wc_scenario_forcing, source, "source", forcing_names, "generator",
         "`generator`: seeded stochastic weather; `stations`: station CSV files."),
    INT(wc_scenario_forcing, seed, "seed", 0, 4294967295.0, "20000101", "Seed of the weather generator."),
    OPT_STRING(wc_scenario_forcing, climate, "climate",
               "Monthly climate of the weather generator: `chaobai`, `yongding`, or a `.weather` file "
               "(docs/forcing.md). Default: the built-in basin's own; required with a basin file."),
    OPT_PATH(wc_scenario_forcing, stations_file, "stations_file", "CSV of stations: id, lon, lat, elevation."),
    OPT_PATH(wc_scenario_forcing, observations_file, "observations_file",
             "CSV of observations: time, station, precipitation, temperature."),
    ENUM(wc_scenario_forcing, missing_values, "missing_values", missing_names, "error",
         "What to do with a missing observation: stop with an error, interpolate in time, or use climatology."),
    REAL(wc_scenario_forcing, precipitation_factor, "precipitation_factor", WC_DIM_NONE, 0, 5, "1.0",
         "Multiplies all precipitation (climate scenarios)."),
    REAL(wc_scenario_forcing, temperature_offset_c, "temperature_offset", WC_DIM_TEMPERATURE, -10, 10, "0 degC",
         "Added to all temperatures."),
    END};
static const wc_schema forcing_schema = {"forcing", sizeof(wc_scenario_forcing), forcing_fields,
                                         "Weather driving the model.", check_forcing};

static const wc_field fertiliser_fields[] = {
    STRING(wc_fertiliser_plan, land_use, "land_use", NULL, "Land-use class the plan applies to (e.g. cropland)."),
    REAL(wc_fertiliser_plan, rate_kg_per_ha_yr, "rate", WC_DIM_AREAL_LOAD_RATE, 0, 1000, NULL,
         "Nitrogen applied per year (regional cropland: 150-300 kg/ha/yr)."),
    REAL(wc_fertiliser_plan, inorganic_fraction, "inorganic_fraction", WC_DIM_NONE, 0, 1, "1.0",
         "Share entering the inorganic pool directly (manure: about 0.5)."),
    {.key = "months", .kind = WC_FIELD_INT_LIST, .offset = offsetof(wc_fertiliser_plan, months), .min = 1, .max = 12,
     .default_yaml = "[4, 6]", .doc = "Months of application; the yearly rate is split evenly among them."},
    END};
static const wc_schema fertiliser_schema = {"management.fertiliser[]", sizeof(wc_fertiliser_plan), fertiliser_fields,
                                            "A fertiliser or manure plan for one land-use class.", check_fertiliser};

static const wc_field deposition_fields[] = {
    REAL(wc_scenario_deposition, wet_concentration_mg_per_l, "wet_concentration", WC_DIM_CONCENTRATION, 0, 20,
         "1.5 mg/L", "TN concentration of precipitation."),
    REAL(wc_scenario_deposition, dry_kg_per_ha_yr, "dry", WC_DIM_AREAL_LOAD_RATE, 0, 100, "8 kg/ha/yr",
         "Dry deposition flux (North China: total deposition 10-30 kg/ha/yr)."),
    END};
static const wc_schema deposition_schema = {"management.deposition", sizeof(wc_scenario_deposition),
                                            deposition_fields, "Atmospheric nitrogen deposition.", NULL};

static const wc_field point_source_fields[] = {
    STRING(wc_point_source, name, "name", NULL, "Name of the discharge (e.g. a wastewater plant)."),
    REAL(wc_point_source, lon_deg, "lon", WC_DIM_ANGLE, -180, 180, NULL, "Longitude (WGS84)."),
    REAL(wc_point_source, lat_deg, "lat", WC_DIM_ANGLE, -90, 90, NULL, "Latitude (WGS84)."),
    REAL(wc_point_source, discharge_m3_per_s, "discharge", WC_DIM_DISCHARGE, 0, 1000, NULL, "Effluent flow."),
    REAL(wc_point_source, tn_concentration_mg_per_l, "tn_concentration", WC_DIM_CONCENTRATION, 0, 1000, NULL,
         "Effluent total nitrogen (GB 18918 class 1A limit: 15 mg/L)."),
    END};
static const wc_schema point_source_schema = {"management.point_sources[]", sizeof(wc_point_source),
                                              point_source_fields, "A point source of water and nitrogen.", NULL};

static const wc_field water_use_fields[] = {
    OPT_STRING(wc_water_use, name, "name", "Free text saying what the water is for (e.g. Sanggan valley irrigation)."),
    STRING(wc_water_use, jurisdiction, "jurisdiction", NULL,
           "Jurisdiction whose rivers and groundwater supply it, with everything inside it: its "
           "full name in the basin or the leading words of one (`Hebei` for Hebei Province). "
           "`wcsim basin info` lists them."),
    REAL(wc_water_use, volume_m3_per_yr, "volume", WC_DIM_VOLUME_RATE, 0, 1e11, NULL,
         "Consumptive use per year (demand): water that leaves the basin. yi_m3/yr is 10^8 m3/yr. Less is "
         "taken when rivers or groundwater run low (docs/model.md, \"Water use\")."),
    {.key = "months", .kind = WC_FIELD_INT_LIST, .offset = offsetof(wc_water_use, months), .min = 1, .max = 12,
     .default_yaml = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]",
     .doc = "Months the demand falls in (irrigation: April to September); spread evenly within each month."},
    {.key = "weights", .kind = WC_FIELD_REAL_LIST, .offset = offsetof(wc_water_use, weights), .min = 0, .max = 1e6,
     .optional = true,
     .doc = "Relative share of each listed month (one per month, normalised); none: equal shares."},
    REAL(wc_water_use, groundwater_fraction, "groundwater_fraction", WC_DIM_NONE, 0, 1, "0",
         "Share pumped by wells from the valley aquifer along the jurisdiction's rivers; the rest is diverted "
         "from the rivers, and so is what the aquifer cannot give (induced recharge)."),
    END};
static const wc_schema water_use_schema = {"management.water_use[]", sizeof(wc_water_use), water_use_fields,
                                           "Consumptive water use of one jurisdiction: irrigation, town and "
                                           "industrial supply.",
                                           check_water_use};

static const wc_field management_fields[] = {
    LIST(wc_scenario_management, fertiliser, "fertiliser", fertiliser_schema, "Mineral fertiliser plans."),
    LIST(wc_scenario_management, manure, "manure", fertiliser_schema, "Manure plans (same keys as fertiliser)."),
    OBJECT(wc_scenario_management, deposition, "deposition", deposition_schema, "Atmospheric deposition."),
    LIST(wc_scenario_management, point_sources, "point_sources", point_source_schema, "Point sources."),
    LIST(wc_scenario_management, water_use, "water_use", water_use_schema, "Water withdrawals by jurisdiction."),
    END};
static const wc_schema management_schema = {"management", sizeof(wc_scenario_management), management_fields,
                                            "What people control: nitrogen inputs and water use.", NULL};

static const wc_field indicator_fields[] = {
    ENUM(wc_index_indicator, indicator, "indicator", indicator_names, NULL, "Water-quality indicator."),
    POSITIVE(wc_index_indicator, weight, "weight", WC_DIM_NONE, 10, "0.25", "Weight k_i in the index."),
    POSITIVE(wc_index_indicator, baseline_mg_per_l, "baseline", WC_DIM_CONCENTRATION, 1000, NULL,
             "Baseline concentration C_i0 (e.g. the mean of the three years before the agreement)."),
    REAL(wc_index_indicator, assumed_mg_per_l, "assumed", WC_DIM_CONCENTRATION, 0, 1000, "0 mg/L",
         "Value used for an indicator the model does not simulate (all but tn); 0 means the baseline."),
    END};
static const wc_schema indicator_schema = {"agreements[].xinan_index.indicators[]", sizeof(wc_index_indicator),
                                           indicator_fields, "One indicator of the Xin'an index.", NULL};

static const wc_field xinan_fields[] = {
    POSITIVE(wc_rule_xinan, k0, "k0", WC_DIM_NONE, 2, "0.85", "Stability coefficient (0.85 in round 1; illustrative)."),
    POSITIVE(wc_rule_xinan, amount_yuan, "amount", WC_DIM_MONEY, 1e12, "1e8 yuan",
             "Paid per settlement: downstream to upstream when P <= 1, upstream to downstream when P > 1."),
    {.key = "indicators", .kind = WC_FIELD_LIST, .offset = offsetof(wc_rule_xinan, indicators),
     .schema = &indicator_schema, .default_yaml = "[{indicator: tn, weight: 1.0, baseline: 2.0 mg/L}]",
     .doc = "Indicators of the index (the default, TN alone against 2 mg/L, is illustrative)."},
    END};
static const wc_schema xinan_schema = {"agreements[].xinan_index", sizeof(wc_rule_xinan), xinan_fields,
                                       "Xin'an River index P = k0 * sum(k_i * C_i / C_i0).", NULL};

static const wc_field class_tier_fields[] = {
    ENUM(wc_rule_class_tier, indicator, "indicator", indicator_names, "tn", "Indicator classed by GB 3838-2002."),
    INT(wc_rule_class_tier, reward_class, "reward_class", 1, 5, "1", "At this class or better, downstream pays."),
    INT(wc_rule_class_tier, penalty_class, "penalty_class", 1, 6, "3",
        "At this class or worse (6 = worse than V), upstream pays."),
    POSITIVE(wc_rule_class_tier, amount_yuan, "amount", WC_DIM_MONEY, 1e12, "8e5 yuan",
             "Paid per settlement (Li River, Hunan: 0.8 million yuan per month; illustrative)."),
    END};
static const wc_schema class_tier_schema = {"agreements[].class_tier", sizeof(wc_rule_class_tier), class_tier_fields,
                                            "Tiered by water-quality class each settlement period.", NULL};

static const wc_field quantity_fields[] = {
    REAL(wc_rule_quantity, baseline_volume_m3, "baseline_volume", WC_DIM_VOLUME, 0, 1e12, "3e8 m3",
         "Water volume per settlement period that earns no payment either way."),
    REAL(wc_rule_quantity, price_yuan_per_m3, "price", WC_DIM_MONEY_PER_VOLUME, 0, 100, "0.5 yuan/m3",
         "Paid per m3 above (to upstream) or below (to downstream) the baseline."),
    POSITIVE(wc_rule_quantity, cap_yuan, "cap", WC_DIM_MONEY, 1e12, "2e8 yuan", "Largest payment per settlement."),
    END};
static const wc_schema quantity_schema = {"agreements[].quantity", sizeof(wc_rule_quantity), quantity_fields,
                                          "Quantity reward around a baseline volume.", NULL};

static const wc_field agreement_fields[] = {
    STRING(wc_agreement, name, "name", NULL, "Name of the agreement (unique)."),
    STRING(wc_agreement, section, "section", NULL, "Monitoring section it is assessed at."),
    STRING(wc_agreement, upstream, "upstream", NULL, "Upstream jurisdiction."),
    STRING(wc_agreement, downstream, "downstream", NULL, "Downstream jurisdiction."),
    ENUM(wc_agreement, rule, "rule", rule_names, NULL, "Rule type (see docs/compensation.md)."),
    ENUM(wc_agreement, settlement, "settlement", settlement_names, "yearly", "How often it is settled."),
    {.key = "xinan_index", .kind = WC_FIELD_OBJECT, .offset = offsetof(wc_agreement, xinan_index), .schema = &xinan_schema,
     .printed_if = rule_block_in_use, .doc = "Parameters of rule xinan_index."},
    {.key = "class_tier", .kind = WC_FIELD_OBJECT, .offset = offsetof(wc_agreement, class_tier), .schema = &class_tier_schema,
     .printed_if = rule_block_in_use, .doc = "Parameters of rule class_tier."},
    {.key = "quantity", .kind = WC_FIELD_OBJECT, .offset = offsetof(wc_agreement, quantity), .schema = &quantity_schema,
     .printed_if = rule_block_in_use, .doc = "Parameters of rule quantity."},
    END};
static const wc_schema agreement_schema = {"agreements[]", sizeof(wc_agreement), agreement_fields,
                                           "A cross-boundary compensation agreement at one section.", check_agreement};

/* The keys that tune CVODE's BDF carry this: printed, and allowed (check_solver), only
 * with method bdf. */
static bool bdf_method_in_use(const void *object, const wc_field *field) {
  (void)field;
  return ((const wc_scenario_solver *)object)->method == WC_METHOD_BDF;
}

static const wc_field solver_fields[] = {
    ENUM(wc_scenario_solver, method, "method", time_method_names, "cellwise",
         "`cellwise`: each cell integrated alone with its own TR-BDF2 steps, upstream cells first (the "
         "tolerances and max_steps_per_interval apply per cell; the same results on any number of ranks); "
         "`bdf`: one CVODE BDF system over all cells, tuned by the keys linear_solver, vector, max_retries and "
         "max_order (allowed only with it). Cellwise was 2-4x faster and closer to tight-tolerance runs on both "
         "built-in basins (docs/solver.md)."),
    POSITIVE(wc_scenario_solver, relative_tolerance, "relative_tolerance", WC_DIM_NONE, 0.1, "1e-4",
             "Relative tolerance of the local error test. With method cellwise the absolute tolerances weigh "
             "more: 1e-3 saved 9-12% of the cell calls on the built-in basins (docs/solver.md)."),
    POSITIVE(wc_scenario_solver, water_tolerance_m, "water_tolerance", WC_DIM_LENGTH, 1, "1e-6 m",
             "Absolute tolerance of water stores, as depth over the cell. With the nitrogen tolerance it sets "
             "most of the work and error of method cellwise: both 10x looser took 0.79x of the default's time "
             "over 30 years, with daily section volumes 7-8x further from a tight run (docs/solver.md)."),
    POSITIVE(wc_scenario_solver, nitrogen_tolerance_kg_per_ha, "nitrogen_tolerance", WC_DIM_NONE, 1, "1e-5",
             "Absolute tolerance of nitrogen stores, kg N/ha: tighter than water's at river concentrations "
             "(1e-3 mm of water at 10 mg/L carries 1e-4 kg/ha). 1e-7 took 1.4x the steps for "
             "section TN loads within 3e-4 (docs/solver.md)."),
    {.key = "linear_solver", .kind = WC_FIELD_ENUM, .offset = offsetof(wc_scenario_solver, linear_solver),
     .choices = linear_solver_names, .default_yaml = "sweep", .printed_if = bdf_method_in_use,
     .doc = "Method bdf: `sweep`: downstream sweep as the linear solver; `gmres_sweep`: GMRES preconditioned by "
            "it; `gmres`: unpreconditioned GMRES (for comparison)."},
    {.key = "vector", .kind = WC_FIELD_ENUM, .offset = offsetof(wc_scenario_solver, vector), .choices = vector_names,
     .default_yaml = "own", .printed_if = bdf_method_in_use,
     .doc = "Method bdf: vector operations `own` (wcsim's, compiled with optimisation) or `sundials` (Debian's "
            "N_Vector_Parallel, built without; for benchmarks: docs/solver.md)."},
    INT(wc_scenario_solver, max_steps_per_interval, "max_steps_per_interval", 10, 1e7, "5000",
        "Most internal steps between two forcing boundaries (method cellwise: of each cell)."),
    {.key = "max_retries", .kind = WC_FIELD_INT, .offset = offsetof(wc_scenario_solver, max_retries), .min = 0,
     .max = 10, .default_yaml = "3", .printed_if = bdf_method_in_use,
     .doc = "Method bdf: retries with a smaller initial step after a convergence failure."},
    {.key = "max_order", .kind = WC_FIELD_INT, .offset = offsetof(wc_scenario_solver, max_order), .min = 1, .max = 5,
     .default_yaml = "2", .printed_if = bdf_method_in_use,
     .doc = "Method bdf: highest BDF order. Order 2 took 12% fewer steps than 5 on the 1 km Chaobai over 2001 "
            "and was closer to a tight-tolerance run (mean error of monthly section volumes 8e-4 against "
            "2.1e-3; docs/solver.md)."},
    END};
static void check_solver(void *object, const wc_ynode *node, const char *path, wc_diag *diag) {
  const wc_scenario_solver *solver = object;
  if (solver->method == WC_METHOD_BDF) return;
  const char *by_default = wc_ynode_get(node, "method") ? "" : " (the default)";
  for (const wc_field *field = solver_fields; field->key; ++field) {
    const wc_ynode *given = field->printed_if == bdf_method_in_use ? wc_ynode_get(node, field->key) : NULL;
    if (given)
      wc_diag_add(diag, given, path, "'%s' tunes the BDF method, but method is 'cellwise'%s; remove it, or set method: bdf",
                  field->key, by_default);
  }
}

static const wc_schema solver_schema = {"solver", sizeof(wc_scenario_solver), solver_fields,
                                        "Time integration: cell by cell (TR-BDF2) or one CVODE BDF system.",
                                        check_solver};

static const wc_field output_fields[] = {
    {.key = "path", .kind = WC_FIELD_PATH, .offset = offsetof(wc_scenario_output, path), .default_yaml = "results.h5",
     .doc = "Results file (HDF5), relative to the scenario file."},
    REAL(wc_scenario_output, interval_s, "interval", WC_DIM_DURATION, 60, 366 * 86400.0, "1 day",
         "Interval of the section series; a multiple of period.time_step."),
    {.key = "variables", .kind = WC_FIELD_ENUM_LIST, .offset = offsetof(wc_scenario_output, variables),
     .choices = output_variable_names, .default_yaml = "[discharge, volume, tn_concentration, tn_load, budgets]",
     .doc = "What to write."},
    REAL(wc_scenario_output, checkpoint_interval_s, "checkpoint_interval", WC_DIM_DURATION, 0, 1e10, "0 s",
         "Simulated time between checkpoints; 0 writes none."),
    BOOL(wc_scenario_output, overwrite, "overwrite", "false", "Replace an existing results file."),
    END};
static const wc_schema output_schema = {"output", sizeof(wc_scenario_output), output_fields, "What is written, and where.",
                                        NULL};

static const wc_field scenario_fields[] = {
    STRING(wc_scenario, name, "name", NULL, "Short name of the scenario, used in outputs and comparisons."),
    OPT_STRING(wc_scenario, description, "description", "Free text."),
    {.key = "basin", .kind = WC_FIELD_OBJECT, .offset = offsetof(wc_scenario, basin), .schema = &basin_schema,
     .required = true, .doc = "The basin."},
    OBJECT(wc_scenario, period, "period", period_schema, "The simulated period."),
    OBJECT(wc_scenario, forcing, "forcing", forcing_schema, "Weather."),
    OBJECT(wc_scenario, management, "management", management_schema, "Nitrogen inputs and water use."),
    LIST(wc_scenario, agreements, "agreements", agreement_schema, "Compensation agreements."),
    OBJECT(wc_scenario, solver, "solver", solver_schema, "Solver options."),
    OBJECT(wc_scenario, output, "output", output_schema, "Output."),
    END};
static const wc_schema scenario_schema = {"", sizeof(wc_scenario), scenario_fields,
                                          "The top level of a scenario file. `include:` (a file name or a list of them) "
                                          "is also allowed here: see the section on includes.",
                                          check_scenario};

const wc_schema *wc_scenario_schema(void) { return &scenario_schema; }
