/*
 * wc_cli.h — command-line options shared by the wcsim subcommands.
 *
 * Each subcommand declares its options in a table; wc_cli_parse walks argv, fills values,
 * collects positional arguments, and fails with WC_ERR_USAGE and a "did you mean"
 * message for anything it does not know.
 */
#ifndef WC_CLI_H
#define WC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "wc_status.h"

typedef struct wc_cli_option {
  const char *name;       /* long name without dashes, e.g. "print-scenario" */
  char short_name;        /* 0 for none */
  const char *value_name; /* NULL: a flag; else the option takes a value */
  const char *help;
  bool seen;              /* filled by wc_cli_parse */
  const char *value;      /* filled by wc_cli_parse (points into argv) */
} wc_cli_option;

typedef struct wc_cli_command {
  const char *name;    /* "run" */
  const char *usage;   /* "wcsim run [OPTIONS] SCENARIO" */
  const char *summary; /* one line */
  const char *details; /* paragraphs after the options, or NULL */
  wc_cli_option *options; /* terminated by name == NULL */
  int min_positional, max_positional;
} wc_cli_command;

/* Parse argv[first..argc); positional arguments are returned in order (at most 8). */
wc_status wc_cli_parse(wc_cli_command *command, int argc, char **argv, int first, const char **positional,
                       int *positional_count) WC_NODISCARD;

/* wc_cli_parse for a subcommand that has a "help" option: when --help was given, rank 0
 * prints the help and *done is set, and the command returns WC_OK at once. */
wc_status wc_cli_parse_or_help(wc_cli_command *command, int argc, char **argv, const char **positional,
                               int *positional_count, bool *done) WC_NODISCARD;

/* The option named `name` (must exist in the table). */
wc_cli_option *wc_cli_option_get(wc_cli_command *command, const char *name);

void wc_cli_print_help(const wc_cli_command *command, FILE *out);

#endif
