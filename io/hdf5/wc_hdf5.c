/* wc_hdf5.c — HDF5 error stack to a single wc_status message. */
#include "wc_hdf5.h"

#include <stdio.h>
#include <string.h>

void wc_hdf5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/* Walk the stack from the outermost call inwards and keep the innermost description. */
static herr_t keep_innermost(unsigned n, const H5E_error2_t *entry, void *data) {
  (void)n;
  char *innermost = data;
  if (entry->desc && entry->desc[0]) snprintf(innermost, 512, "%s", entry->desc);
  return 0;
}

wc_status wc_hdf5_status(int64_t code, const char *file, int line, const char *call,
                         const char *context) {
  if (code >= 0) return WC_OK;
  char innermost[512] = "no detail from HDF5";
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, innermost);
  H5Eclear2(H5E_DEFAULT);
  return wc_error_set(WC_ERR_HDF5, file, line, "%s%s%s failed: %s", context ? context : "",
                      context ? ": " : "", call, innermost);
}

const char *wc_hdf5_version(void) {
  static char text[64];
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
#ifdef H5_HAVE_PARALLEL
  const char *kind = "parallel";
#else
  const char *kind = "serial";
#endif
  snprintf(text, sizeof text, "%u.%u.%u (%s)", major, minor, release, kind);
  return text;
}
