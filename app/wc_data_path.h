/* wc_data_path.h — where the executable finds its data (the basins under scenarios/, ...). */
#ifndef WC_DATA_PATH_H
#define WC_DATA_PATH_H

#include <stddef.h>

#include "wc_status.h"

/*
 * Find `relative` (e.g. "basins/chaobai.geo") under the scenarios data directory, trying
 * in order: $WCSIM_DATA_DIR, the installed share/wcsim/scenarios next to the executable,
 * and the source tree the binary was built from. WC_ERR_IO listing the places tried.
 */
wc_status wc_data_path_find(const char *relative, char *path, size_t size) WC_NODISCARD;

#endif
