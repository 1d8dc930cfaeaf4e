/* cmd_basin.c — `wcsim basin ...`: built-in basins and basin files. */
#include <stdio.h>
#include <string.h>

#include "wc_cli.h"
#include "wc_commands.h"
#include "wc_mpi.h"

static void print_basin_help(FILE *out) {
  fputs("Usage: wcsim basin SUBCOMMAND [OPTIONS]\n\n"
        "Built-in basins and basin files.\n\nSubcommands:\n"
        "  info NAME|FILE   summary of a built-in basin (chaobai, yongding) or a basin file\n",
        out);
}

wc_status wc_command_basin(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    if (argc < 2) WC_FAIL(WC_ERR_USAGE, "basin: missing subcommand; see 'wcsim basin --help'");
    if (wc_mpi_rank() == 0) print_basin_help(stdout);
    return WC_OK;
  }
  WC_FAIL(WC_ERR_USAGE, "basin: unknown subcommand '%s'; see 'wcsim basin --help'", argv[1]);
}
