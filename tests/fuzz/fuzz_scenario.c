/*
 * fuzz_scenario.c — libFuzzer harness for the scenario loader (YAML tree + schema).
 *
 * Any input must give either a scenario or an error status with a message, never a crash,
 * a leak or undefined behaviour. Build and run (see docs/testing.md):
 *   tests/fuzz/run-fuzz 60        # seconds
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wc_scenario_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  wc_scenario *scenario = NULL;
  wc_status status = wc_scenario_load_string("fuzz.yaml", text, &scenario);
  if (status == WC_OK) {
    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
      wc_scenario_print(scenario, sink);
      fclose(sink);
    }
  } else if (wc_error_message()[0] == '\0') {
    abort(); /* every failure must say why */
  }
  wc_scenario_destroy(&scenario);
  free(text);
  return 0;
}
