/*
 * main.c — the wcsim executable: MPI up, dispatch a subcommand, report once, exit.
 *
 * Exit codes come from the status (docs/errors.md). Under mpiexec an error every rank
 * agreed on is printed by rank 0 alone; an error only one rank saw is printed by that rank
 * and the job is aborted, since the other ranks may wait in a collective call forever.
 */
#include <stdio.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "wc_commands.h"
#include "wc_log.h"
#include "wc_mpi.h"

typedef struct subcommand {
  const char *name;
  wc_status (*run)(int argc, char **argv);
  const char *summary;
} subcommand;

static const subcommand subcommands[] = {
    {"run", wc_command_run, "run a scenario (or check and print it)"},
    {"basin", wc_command_basin, "built-in basins and basin files: info"},
    {"version", wc_command_version, "versions of wcsim and the libraries it runs with"},
};
enum { SUBCOMMAND_COUNT = sizeof subcommands / sizeof subcommands[0] };

static void print_usage(FILE *out) {
  fputs("Usage: wcsim COMMAND [OPTIONS] [ARGUMENTS]\n\n"
        "Watershed cross-boundary compensation simulator: water and total nitrogen on a\n"
        "gridded basin, and who pays whom at the monitoring sections.\n\nCommands:\n",
        out);
  for (int i = 0; i < SUBCOMMAND_COUNT; ++i) fprintf(out, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
  fputs("\nRun 'wcsim COMMAND --help' for a command's options. Exit codes: docs/errors.md.\n", out);
}

static wc_status dispatch(int argc, char **argv) {
  if (argc < 2) {
    if (wc_mpi_rank() == 0) print_usage(stderr);
    WC_FAIL(WC_ERR_USAGE, "no command given; try 'wcsim run --help'");
  }
  const char *name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
    if (wc_mpi_rank() == 0) print_usage(stdout);
    return WC_OK;
  }
  if (strcmp(name, "--version") == 0) return wc_command_version(argc - 1, argv + 1);
  for (int i = 0; i < SUBCOMMAND_COUNT; ++i)
    if (strcmp(name, subcommands[i].name) == 0) return subcommands[i].run(argc - 1, argv + 1);
  WC_FAIL(WC_ERR_USAGE, "unknown command '%s'; commands are: run, basin, version (see 'wcsim --help')", name);
}

int main(int argc, char **argv) {
#if defined(__GLIBC__)
  /* Large arrays (per-cell data, the model of the whole basin built and cut at set-up,
   * the initial state) are mapped on their own and their pages go back when freed. By
   * default glibc raises this threshold after the first large free, so later arrays land
   * in the heap, whose freed middle stays resident: ~50 B per cell of peak memory. */
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
  wc_status status = wc_mpi_initialize(&argc, &argv);
  if (status != WC_OK) {
    fprintf(stderr, "wcsim: error: %s\n", wc_error_message());
    return wc_status_exit_code(status);
  }
  status = dispatch(argc, argv);
  if (wc_mpi_size() > 1 && wc_mpi_error_is_local()) {
    /* Only this rank knows; the others may wait in a collective call forever. */
    wc_log_any_rank(WC_LOG_ERROR, "%s", wc_error_message());
    MPI_Abort(MPI_COMM_WORLD, wc_status_exit_code(status));
  }
  /* Every rank ran the same command on the same arguments: settle the outcome together so
   * the message is printed once, by rank 0, and every rank exits with the same code. */
  status = wc_mpi_agree(status);
  if (status != WC_OK) {
    /* Scenario errors are already "FILE:LINE:COL: key: problem" lines, like a compiler's. */
    if (status == WC_ERR_SCENARIO && wc_mpi_rank() == 0)
      fprintf(stderr, "%s\n", wc_error_message());
    else
      wc_log(WC_LOG_ERROR, "%s", wc_error_message());
    wc_log(WC_LOG_DEBUG, "error trace (rank 0):\n%s", wc_error_trace());
  }
  wc_mpi_finalize();
  return wc_status_exit_code(status);
}
