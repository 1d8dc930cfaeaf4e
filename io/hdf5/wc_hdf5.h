/*
 * wc_hdf5.h — HDF5 adapter: negative herr_t / hid_t to wc_status with HDF5's own reason.
 *
 * HDF5 prints its error stack to stderr by default; wcsim turns that off and instead
 * reads the innermost message into the wc_status message, so a user sees one line.
 */
#ifndef WC_HDF5_H
#define WC_HDF5_H

#include <hdf5.h>

#include "wc_status.h"

/* Silence HDF5's automatic error printing (call once, any time before HDF5 use). */
void wc_hdf5_quiet(void);

/* A negative HDF5 return (herr_t or hid_t) becomes WC_ERR_HDF5 with the call, the
 * innermost HDF5 message, and `context` (e.g. the file name). */
wc_status wc_hdf5_status(int64_t code, const char *file, int line, const char *call,
                         const char *context);

#define WC_H5_CALL(expr, context)                                                            \
  WC_CALL(wc_hdf5_status((int64_t)(expr), __FILE__, __LINE__, #expr, (context)))

/* Store the id returned by `expr` in `id`, failing on a negative id. */
#define WC_H5_ID(id, expr, context)                                                          \
  do {                                                                                       \
    (id) = (expr);                                                                           \
    WC_CALL(wc_hdf5_status((int64_t)(id), __FILE__, __LINE__, #expr, (context)));            \
  } while (0)

/* "1.10.8 (parallel)". */
const char *wc_hdf5_version(void);

#endif
