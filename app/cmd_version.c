/* cmd_version.c — `wcsim version`: what this binary is and what it runs with. */
#include <libfyaml.h>
#include <mpi.h>
#include <stdbool.h>
#include <stdio.h>

#include "wc_cli.h"
#include "wc_commands.h"
#include "wc_hdf5.h"
#include "wc_mpi.h"
#include "wc_sundials.h"
#include "wc_version.h"

wc_status wc_command_version(int argc, char **argv) {
  wc_cli_option options[] = {
      {.name = "help", .short_name = 'h', .help = "show this help"},
      {.name = NULL},
  };
  wc_cli_command command = {.name = "version", .usage = "wcsim version", .options = options,
                            .summary = "Print the versions of wcsim and of the libraries it runs with."};
  const char *positional[8];
  int count = 0;
  bool done = false;
  WC_CALL(wc_cli_parse_or_help(&command, argc, argv, positional, &count, &done));
  if (done || wc_mpi_rank() != 0) return WC_OK;
  char mpi_version[MPI_MAX_LIBRARY_VERSION_STRING] = "";
  int length = 0;
  MPI_Get_library_version(mpi_version, &length);
  for (char *c = mpi_version; *c; ++c)
    if (*c == '\n' || *c == ',') {
      *c = '\0';
      break;
    }
  printf("wcsim %s (%s build, %s)\n", WCSIM_VERSION, WCSIM_BUILD_TYPE, WCSIM_C_COMPILER);
  printf("  SUNDIALS %s\n", wc_sundials_version());
  printf("  HDF5     %s\n", wc_hdf5_version());
  printf("  MPI      %s (%d rank%s)\n", mpi_version, wc_mpi_size(), wc_mpi_size() == 1 ? "" : "s");
  printf("  libfyaml %s\n", fy_library_version());
  return WC_OK;
}
