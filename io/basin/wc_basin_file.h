/*
 * wc_basin_file.h — the basin file: one HDF5 file holding a wc_basin (docs/basin-file.md).
 *
 * The same source is built twice: into wcsim_io against the parallel HDF5 (the simulator
 * reads with the default serial file driver, on every rank: the file is small) and into
 * wcsim-import against the serial HDF5 that GDAL uses, so no process loads both.
 */
#ifndef WC_BASIN_FILE_H
#define WC_BASIN_FILE_H

#include "wc_basin.h"
#include "wc_status.h"

#define WC_BASIN_FORMAT_TAG "wcsim-basin" /* root attribute wcsim_basin_format */
#define WC_BASIN_FORMAT_VERSION 1         /* root attribute format_version */

/*
 * Write `basin` (checked first with wc_basin_check; it needs its graph) to `path`. The
 * file is written as PATH.partial and renamed over PATH only when complete, so PATH is
 * never a half-written basin; on failure the partial file is removed and an existing
 * PATH is left untouched. WC_ERR_IO when the file cannot be created or renamed.
 */
WC_NODISCARD wc_status wc_basin_file_write(const char *path, const wc_basin *basin);

/*
 * Read and validate a basin file: format tag and version (a newer version is
 * WC_ERR_UNSUPPORTED), dataset shapes against /grid, every table, the direction grid
 * (no cycles), the stored graph against the directions, and wc_basin_check(). On success
 * *basin owns a basin with its graph; on failure *basin is NULL and the message starts
 * with the path. WC_ERR_IO when the file cannot be read, WC_ERR_INPUT when its contents
 * are wrong.
 */
WC_NODISCARD wc_status wc_basin_file_read(const char *path, wc_basin **basin);

#endif /* WC_BASIN_FILE_H */
