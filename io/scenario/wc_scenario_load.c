/* wc_scenario_load.c — YAML tree + schema = validated wc_scenario. */
#include "wc_scenario_load.h"

#include <stdlib.h>
#include <string.h>

#include "wc_ytree.h"

static wc_status scenario_from_tree(const wc_ytree *tree, const char *file, wc_scenario **out) {
  *out = NULL;
  wc_scenario *scenario;
  WC_MALLOC(scenario, 1, "the scenario");
  const wc_ynode *root = wc_ytree_root(tree);
  wc_diag diag = {0};
  wc_status status = wc_schema_read(wc_scenario_schema(), scenario, root, root, "", &diag);
  if (status == WC_OK && !root) {
    /* An empty file reads as all defaults, which misses every required key. */
    wc_diag_free(&diag);
    status = wc_error_set(WC_ERR_SCENARIO, __FILE__, __LINE__,
                          "%s: the scenario file is empty; it needs at least name:, basin: and period:", file);
  } else if (status == WC_OK && diag.count > 0) {
    diag.text[diag.length - 1] = '\0'; /* drop the last newline */
    status = wc_error_set(WC_ERR_SCENARIO, __FILE__, __LINE__, "%s", diag.text);
  }
  wc_diag_free(&diag);
  if (status == WC_OK && !(scenario->source_file = strdup(file)))
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory");
  if (status != WC_OK) {
    wc_scenario_destroy(&scenario);
    return status;
  }
  *out = scenario;
  return WC_OK;
}

wc_status wc_scenario_load(const char *path, wc_scenario **scenario) {
  *scenario = NULL;
  wc_ytree *tree = NULL;
  WC_CALL(wc_ytree_load(path, &tree));
  wc_status status = scenario_from_tree(tree, path, scenario);
  wc_ytree_destroy(&tree);
  return status;
}

wc_status wc_scenario_load_string(const char *name, const char *text, wc_scenario **scenario) {
  *scenario = NULL;
  wc_ytree *tree = NULL;
  WC_CALL(wc_ytree_parse_string(name, text, &tree));
  wc_status status = scenario_from_tree(tree, name, scenario);
  wc_ytree_destroy(&tree);
  return status;
}

void wc_scenario_destroy(wc_scenario **scenario) {
  if (!scenario || !*scenario) return;
  wc_schema_free(wc_scenario_schema(), *scenario);
  free((*scenario)->source_file);
  free(*scenario);
  *scenario = NULL;
}

void wc_scenario_print(const wc_scenario *scenario, FILE *out) {
  fprintf(out, "# resolved scenario (from %s): every key, defaults filled in, canonical units\n",
          scenario->source_file ? scenario->source_file : "memory");
  wc_schema_print(wc_scenario_schema(), scenario, out, 0);
}

const char *wc_builtin_basin_name(int builtin) {
  switch (builtin) {
  case WC_BUILTIN_CHAOBAI: return "chaobai";
  case WC_BUILTIN_YONGDING: return "yongding";
  default: return "(file)";
  }
}
