/* wc_cli.c — option tables to parsed options, with messages that suggest the fix. */
#include "wc_cli.h"

#include <limits.h>
#include <string.h>

#include "wc_mpi.h"
#include "wc_schema.h"

wc_cli_option *wc_cli_option_get(wc_cli_command *command, const char *name) {
  for (wc_cli_option *option = command->options; option->name; ++option)
    if (strcmp(option->name, name) == 0) return option;
  return NULL;
}

static wc_status unknown_option(const wc_cli_command *command, const char *arg) {
  const char *word = arg;
  while (*word == '-') ++word;
  const char *best = NULL;
  int best_distance = INT_MAX;
  for (const wc_cli_option *option = command->options; option->name; ++option) {
    int distance = wc_edit_distance(word, option->name);
    if (distance < best_distance) best_distance = distance, best = option->name;
  }
  if (best && best_distance <= (int)strlen(word) / 3 + 1)
    WC_FAIL(WC_ERR_USAGE, "%s: unknown option '%s'; did you mean '--%s'? (see 'wcsim %s --help')",
            command->name, arg, best, command->name);
  WC_FAIL(WC_ERR_USAGE, "%s: unknown option '%s' (see 'wcsim %s --help')", command->name, arg, command->name);
}

wc_status wc_cli_parse(wc_cli_command *command, int argc, char **argv, int first, const char **positional,
                       int *positional_count) {
  *positional_count = 0;
  bool options_done = false;
  for (int i = first; i < argc; ++i) {
    const char *arg = argv[i];
    if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
      WC_CHECK(*positional_count < command->max_positional, WC_ERR_USAGE,
               "%s: unexpected argument '%s'; usage: %s", command->name, arg, command->usage);
      positional[(*positional_count)++] = arg;
      continue;
    }
    if (strcmp(arg, "--") == 0) {
      options_done = true;
      continue;
    }
    wc_cli_option *match = NULL;
    const char *inline_value = NULL;
    if (arg[1] == '-') {
      const char *name = arg + 2;
      const char *equals = strchr(name, '=');
      size_t length = equals ? (size_t)(equals - name) : strlen(name);
      for (wc_cli_option *option = command->options; option->name; ++option)
        if (strlen(option->name) == length && strncmp(option->name, name, length) == 0) match = option;
      if (equals) inline_value = equals + 1;
    } else if (arg[2] == '\0') {
      for (wc_cli_option *option = command->options; option->name; ++option)
        if (option->short_name && option->short_name == arg[1]) match = option;
    }
    if (!match) return unknown_option(command, arg);
    match->seen = true;
    if (!match->value_name) {
      WC_CHECK(!inline_value, WC_ERR_USAGE, "%s: option '--%s' takes no value", command->name, match->name);
      continue;
    }
    if (inline_value) {
      match->value = inline_value;
    } else {
      WC_CHECK(i + 1 < argc, WC_ERR_USAGE, "%s: option '--%s' needs a value (%s)", command->name, match->name,
               match->value_name);
      match->value = argv[++i];
    }
  }
  wc_cli_option *help = wc_cli_option_get(command, "help");
  if (help && help->seen) return WC_OK; /* --help needs no positional arguments */
  WC_CHECK(*positional_count >= command->min_positional, WC_ERR_USAGE, "%s: missing argument; usage: %s",
           command->name, command->usage);
  return WC_OK;
}

void wc_cli_print_help(const wc_cli_command *command, FILE *out) {
  fprintf(out, "Usage: %s\n\n%s\n\nOptions:\n", command->usage, command->summary);
  for (const wc_cli_option *option = command->options; option->name; ++option) {
    char left[64];
    if (option->short_name)
      snprintf(left, sizeof left, "-%c, --%s%s%s", option->short_name, option->name, option->value_name ? " " : "",
               option->value_name ? option->value_name : "");
    else
      snprintf(left, sizeof left, "    --%s%s%s", option->name, option->value_name ? " " : "",
               option->value_name ? option->value_name : "");
    fprintf(out, "  %-28s %s\n", left, option->help);
  }
  if (command->details) fprintf(out, "\n%s\n", command->details);
}

wc_status wc_cli_parse_or_help(wc_cli_command *command, int argc, char **argv, const char **positional,
                               int *positional_count, bool *done) {
  WC_CALL(wc_cli_parse(command, argc, argv, 1, positional, positional_count));
  *done = wc_cli_option_get(command, "help")->seen;
  if (*done && wc_mpi_rank() == 0) wc_cli_print_help(command, stdout);
  return WC_OK;
}
