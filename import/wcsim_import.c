/*
 * wcsim_import.c — main of wcsim-import: parse, run, report once, exit with the status's
 * code (2 usage, 4 input data, 5 I/O; docs/errors.md). A separate executable from wcsim
 * because GDAL links the serial HDF5 and wcsim the parallel one.
 */
#include <stdio.h>

#include <cpl_error.h>
#include <gdal.h>

#include "wc_import.h"

int main(int argc, char **argv) {
  wc_import_options options;
  wc_status status = wc_import_options_parse(argc, argv, &options);
  if (status == WC_OK && options.help) {
    wc_import_print_help(stdout);
    wc_import_options_free(&options);
    return 0;
  }
  if (status == WC_OK) {
    GDALAllRegister();
    /* GDAL's own messages are folded into ours (wc_import_gdal_message), not printed. */
    CPLSetErrorHandler(CPLQuietErrorHandler);
    status = wc_import_run(&options);
    GDALDestroyDriverManager();
  }
  if (status != WC_OK) fprintf(stderr, "wcsim-import: error: %s\n", wc_error_message());
  wc_import_options_free(&options);
  return wc_status_exit_code(status);
}
