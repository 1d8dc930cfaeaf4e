/* test_scenario.c — scenario loading: the broken-file corpus with exact messages, includes,
 * units, defaults, the printed round trip, and the generated reference being current. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wc_scenario_load.h"
#include "wc_test.h"
#include "wc_units.h"

static char *read_text(const char *path) {
  FILE *file = fopen(path, "rb");
  if (!file) return NULL;
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  rewind(file);
  char *text = calloc((size_t)size + 1, 1);
  if (text && fread(text, 1, (size_t)size, file) != (size_t)size) text[0] = '\0';
  fclose(file);
  return text;
}

static void chomp(char *text) {
  size_t n = strlen(text);
  while (n > 0 && text[n - 1] == '\n') text[--n] = '\0';
}

/* Each tests/scenarios/broken/NAME.yaml with a NAME.expected must fail with exactly that
 * message (files without .expected are only included by others). */
static void broken_files_give_exact_messages(void) {
  char here[4096];
  CU_ASSERT_FATAL(getcwd(here, sizeof here) != NULL);
  CU_ASSERT_FATAL(chdir(wc_test_source_path("tests/scenarios/broken")) == 0);
  DIR *dir = opendir(".");
  CU_ASSERT_FATAL(dir != NULL);
  int checked = 0;
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    size_t n = strlen(entry->d_name);
    if (n < 6 || strcmp(entry->d_name + n - 5, ".yaml") != 0) continue;
    char expected_path[512];
    snprintf(expected_path, sizeof expected_path, "%.*s.expected", (int)(n - 5), entry->d_name);
    char *expected = read_text(expected_path);
    if (!expected) continue;
    chomp(expected);
    wc_scenario *scenario = NULL;
    wc_status status = wc_scenario_load(entry->d_name, &scenario);
    CU_ASSERT_EQUAL(status, WC_ERR_SCENARIO);
    CU_ASSERT_PTR_NULL(scenario);
    if (strcmp(wc_error_message(), expected) != 0) {
      fprintf(stderr, "\n%s:\n  expected: %s\n  got:      %s\n", entry->d_name, expected, wc_error_message());
      CU_FAIL("message differs from the .expected file");
    }
    free(expected);
    ++checked;
  }
  closedir(dir);
  CU_ASSERT(checked >= 20);
  CU_ASSERT_FATAL(chdir(here) == 0);
}

static void include_overrides_and_keeps_base(void) {
  wc_scenario *scenario = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_scenario_load(wc_test_source_path("tests/scenarios/good/variant.yaml"), &scenario), WC_OK);
  CU_ASSERT_STRING_EQUAL(scenario->name, "test-variant");
  CU_ASSERT_EQUAL(scenario->basin.builtin, WC_BUILTIN_CHAOBAI);
  CU_ASSERT_DOUBLE_EQUAL(scenario->basin.cell_size_m, 5000.0, 0);
  CU_ASSERT_DOUBLE_EQUAL(scenario->period.time_step_s, 3 * 3600.0, 0);
  CU_ASSERT_DOUBLE_EQUAL(scenario->output.interval_s, 6 * 3600.0, 0);
  wc_time_s start;
  CU_ASSERT_TRUE(wc_time_parse("2001-01-01", &start, NULL));
  CU_ASSERT_EQUAL(scenario->period.start, start);
  wc_scenario_destroy(&scenario);
  CU_ASSERT_PTR_NULL(scenario);
}

static void null_resets_to_default(void) {
  const char *path = "null-base.yaml";
  char full[4200];
  snprintf(full, sizeof full, "%s/%s", wc_test_scratch_dir(), path);
  wc_test_write_file(full, "name: b\nbasin: {builtin: yongding, cell_size: 2 km}\n"
                           "period: {start: 2001-01-01, end: 2001-01-03}\n");
  snprintf(full, sizeof full, "%s/null-top.yaml", wc_test_scratch_dir());
  wc_test_write_file(full, "include: null-base.yaml\nbasin: {cell_size: ~}\n");
  wc_scenario *scenario = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_scenario_load(full, &scenario), WC_OK);
  CU_ASSERT_EQUAL(scenario->basin.builtin, WC_BUILTIN_YONGDING);
  CU_ASSERT_DOUBLE_EQUAL(scenario->basin.cell_size_m, 1000.0, 0); /* the default */
  wc_scenario_destroy(&scenario);
}

static void defaults_are_filled(void) {
  wc_scenario *scenario = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_scenario_load_string("mem.yaml",
                                                "name: d\nbasin: {builtin: chaobai}\n"
                                                "period: {start: 2001-01-01, end: 2002-01-01}\n",
                                                &scenario),
                        WC_OK);
  CU_ASSERT_EQUAL(scenario->forcing.source, WC_FORCING_GENERATOR);
  CU_ASSERT_EQUAL(scenario->forcing.missing_values, WC_MISSING_ERROR);
  CU_ASSERT_DOUBLE_EQUAL(scenario->solver.relative_tolerance, 1e-4, 0);
  CU_ASSERT_EQUAL(scenario->solver.method, WC_METHOD_CELLWISE);
  CU_ASSERT_EQUAL(scenario->solver.linear_solver, WC_LINSOL_SWEEP);
  CU_ASSERT_DOUBLE_EQUAL(scenario->management.deposition.dry_kg_per_ha_yr, 8.0, 0);
  CU_ASSERT_EQUAL(scenario->output.variables.count, 5);
  CU_ASSERT_EQUAL(scenario->management.point_sources.count, 0);
  CU_ASSERT_PTR_NULL(scenario->description);
  CU_ASSERT_EQUAL(scenario->period.time_step_s, 86400.0);
  wc_scenario_destroy(&scenario);
}

static void several_errors_are_all_reported(void) {
  wc_scenario *scenario = NULL;
  CU_ASSERT_EQUAL(wc_scenario_load_string("many.yaml",
                                          "name: m\nbasin: {builtin: chaobai, cell_size: 9 km}\n"
                                          "period: {start: 2001-01-01, end: 2002-01-01}\nsolver: {relative_tolerence: 1}\n",
                                          &scenario),
                  WC_ERR_SCENARIO);
  CU_ASSERT_STRING_EQUAL(wc_error_message(),
                         "many.yaml:2:38: basin.cell_size: 9000 m is out of range; allowed: from 250 m to 5000 m\n"
                         "many.yaml:4:10: solver.relative_tolerence: unknown key; did you mean 'relative_tolerance'? (allowed here: "
                         "method, relative_tolerance, water_tolerance, nitrogen_tolerance, linear_solver, vector, "
                         "max_steps_per_interval, max_retries, max_order)");
}

static void units_convert(void) {
  double value;
  const char *why;
  char buffer[256];
  CU_ASSERT_TRUE(wc_quantity_parse("15 min", WC_DIM_DURATION, &value, &why, buffer, sizeof buffer));
  CU_ASSERT_DOUBLE_EQUAL(value, 900.0, 0);
  CU_ASSERT_TRUE(wc_quantity_parse("1 km", WC_DIM_LENGTH, &value, &why, buffer, sizeof buffer));
  CU_ASSERT_DOUBLE_EQUAL(value, 1000.0, 0);
  CU_ASSERT_TRUE(wc_quantity_parse("2 t/km2/yr", WC_DIM_AREAL_LOAD_RATE, &value, &why, buffer, sizeof buffer));
  CU_ASSERT_DOUBLE_EQUAL(value, 20.0, 1e-12);
  CU_ASSERT_TRUE(wc_quantity_parse("365.25 kg/yr", WC_DIM_MASS_RATE, &value, &why, buffer, sizeof buffer));
  CU_ASSERT_DOUBLE_EQUAL(value, 1.0, 1e-12);
  CU_ASSERT_TRUE(wc_quantity_parse("1e8", WC_DIM_MONEY, &value, &why, buffer, sizeof buffer));
  CU_ASSERT_DOUBLE_EQUAL(value, 1e8, 0);
  CU_ASSERT_FALSE(wc_quantity_parse("3 parsecs", WC_DIM_LENGTH, &value, &why, buffer, sizeof buffer));
  CU_ASSERT_STRING_EQUAL(why, "unit 'parsecs' is not a length; use one of: m, km, cm, mm");
  CU_ASSERT_FALSE(wc_quantity_parse("nan", WC_DIM_NONE, &value, &why, buffer, sizeof buffer));
  CU_ASSERT_FALSE(wc_quantity_parse("0x10", WC_DIM_NONE, &value, &why, buffer, sizeof buffer));
  CU_ASSERT_FALSE(wc_quantity_parse("5 m", WC_DIM_NONE, &value, &why, buffer, sizeof buffer));
}

/* management.water_use: volumes in Chinese and SI units, monthly weights one per month,
 * every problem with its position. */
static void water_use_keys_are_checked(void) {
  double value;
  const char *why;
  char buffer[256];
  CU_ASSERT_TRUE(wc_quantity_parse("0.9 yi_m3/yr", WC_DIM_VOLUME_RATE, &value, &why, buffer, sizeof buffer));
  CU_ASSERT_DOUBLE_EQUAL(value, 9e7, 1e-6);
  CU_ASSERT_TRUE(wc_quantity_parse("1 m3/s", WC_DIM_VOLUME_RATE, &value, &why, buffer, sizeof buffer));
  CU_ASSERT_DOUBLE_EQUAL(value, 365.25 * 86400, 1e-6);
  wc_scenario *scenario = NULL;
  CU_ASSERT_EQUAL_FATAL(wc_scenario_load_string("wu.yaml",
                                                "name: w\nbasin: {builtin: yongding}\n"
                                                "period: {start: 2001-01-01, end: 2002-01-01}\n"
                                                "management:\n  water_use:\n"
                                                "    - {jurisdiction: datong, volume: 250 wan_m3/yr, months: [4, 5],"
                                                " weights: [1, 3]}\n",
                                                &scenario),
                        WC_OK);
  const wc_water_use *use = &scenario->management.water_use.items[0];
  CU_ASSERT_DOUBLE_EQUAL(use->volume_m3_per_yr, 2.5e6, 1e-6);
  CU_ASSERT_EQUAL(use->groundwater_fraction, 0);
  CU_ASSERT_STRING_EQUAL(use->jurisdiction_at, "wu.yaml:6:22");
  wc_scenario_destroy(&scenario);
  CU_ASSERT_EQUAL(wc_scenario_load_string("bad.yaml",
                                          "name: w\nbasin: {builtin: yongding}\n"
                                          "period: {start: 2001-01-01, end: 2002-01-01}\n"
                                          "management:\n  water_use:\n"
                                          "    - {jurisdiction: Datong, volume: 3 m3, months: [4, 5], weights: [1]}\n"
                                          "    - {jurisdiction: Datong, volume: 1e6, groundwater_fraction: 1.5}\n",
                                          &scenario),
                  WC_ERR_SCENARIO);
  CU_ASSERT_STRING_EQUAL(wc_error_message(),
                         "bad.yaml:6:38: management.water_use[0].volume: '3 m3' is not valid: unit 'm3' is not a volume "
                         "per year; use one of: m3/yr, wan_m3/yr, hm3/yr, yi_m3/yr, km3/yr, m3/s\n"
                         "bad.yaml:6:69: management.water_use[0]: weights gives 1 value(s) but months lists 2 "
                         "month(s); give one weight per month\n"
                         "bad.yaml:7:65: management.water_use[1].groundwater_fraction: 1.5 is out of range; allowed: "
                         "from 0 to 1");
  CU_ASSERT_PTR_NULL(scenario);
}

static void edit_distance_suggests(void) {
  CU_ASSERT_EQUAL(wc_edit_distance("fertilizer", "fertiliser"), 1);
  CU_ASSERT_EQUAL(wc_edit_distance("", "abc"), 3);
  CU_ASSERT_EQUAL(wc_edit_distance("same", "same"), 0);
}

static char *print_to_string(const wc_scenario *scenario) {
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&text, &size);
  wc_scenario_print(scenario, out);
  fclose(out);
  /* Drop the comment line naming the source file. */
  char *body = strdup(strchr(text, '\n') + 1);
  free(text);
  return body;
}

static void shipped_scenarios_load_and_round_trip(void) {
  const char *names[] = {"scenarios/chaobai-baseline.yaml", "scenarios/yongding-baseline.yaml",
                         "scenarios/chaobai-fertiliser-20pct.yaml"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
    wc_scenario *first = NULL, *second = NULL;
    CU_ASSERT_EQUAL_FATAL(wc_scenario_load(wc_test_source_path(names[i]), &first), WC_OK);
    char *printed = print_to_string(first);
    CU_ASSERT_EQUAL_FATAL(wc_scenario_load_string("printed.yaml", printed, &second), WC_OK);
    char *reprinted = print_to_string(second);
    CU_ASSERT_STRING_EQUAL(printed, reprinted);
    free(printed);
    free(reprinted);
    wc_scenario_destroy(&first);
    wc_scenario_destroy(&second);
  }
}

static void scenario_reference_is_current(void) {
  char *generated = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&generated, &size);
  wc_scenario_write_reference(out);
  fclose(out);
  char *committed = read_text(wc_test_source_path("docs/scenario-reference.md"));
  CU_ASSERT_PTR_NOT_NULL_FATAL(committed);
  if (strcmp(generated, committed) != 0)
    CU_FAIL("docs/scenario-reference.md is stale: regenerate with 'wcsim run --scenario-reference > "
            "docs/scenario-reference.md' (or 'cmake --build build --target scenario-reference')");
  free(generated);
  free(committed);
}

static CU_TestInfo scenario_tests[] = {
    WC_TEST(broken_files_give_exact_messages),
    WC_TEST(include_overrides_and_keeps_base),
    WC_TEST(null_resets_to_default),
    WC_TEST(defaults_are_filled),
    WC_TEST(several_errors_are_all_reported),
    WC_TEST(units_convert),
    WC_TEST(water_use_keys_are_checked),
    WC_TEST(edit_distance_suggests),
    WC_TEST(shipped_scenarios_load_and_round_trip),
    WC_TEST(scenario_reference_is_current),
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"scenario", NULL, NULL, NULL, NULL, scenario_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv) { return wc_test_run(argc, argv, suites, 0); }
