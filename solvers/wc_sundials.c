/* wc_sundials.c — SUNDIALS return codes and version differences behind one interface. */
#include "wc_sundials.h"

#include <stdlib.h>

#include <cvodes/cvodes.h> /* CVODES: CVODE's API plus quadratures (wc_integrator) */
#include <sundials/sundials_config.h>
#include <sundials/sundials_version.h>

wc_status wc_cvode_status(int flag, const char *file, int line, const char *call) {
  if (flag >= 0) return WC_OK;
  wc_status status = flag == CV_MEM_FAIL ? WC_ERR_MEMORY : WC_ERR_NUMERICS;
  char *name = CVodeGetReturnFlagName(flag);
  wc_status result = wc_error_set(status, file, line, "%s failed with %s (%d)", call,
                                  name ? name : "an unknown flag", flag);
  free(name);
  return result;
}

wc_status wc_sun_context_create(MPI_Comm comm, SUNContext *context) {
#if SUNDIALS_VERSION_MAJOR >= 7
  int flag = SUNContext_Create(comm, context);
#else
  /* v6 takes a pointer and may keep it (profiling builds), so it must outlive the call. */
  static MPI_Comm comm_copy;
  comm_copy = comm;
  int flag = SUNContext_Create((void *)&comm_copy, context);
#endif
  WC_CHECK(flag == 0 && *context != NULL, WC_ERR_MEMORY, "SUNContext_Create failed (%d)", flag);
  return WC_OK;
}

void wc_sun_context_destroy(SUNContext *context) {
  if (context && *context) SUNContext_Free(context);
  if (context) *context = NULL;
}

const char *wc_sundials_version(void) {
  static char version[32];
  if (SUNDIALSGetVersion(version, (int)sizeof version) != 0) return SUNDIALS_VERSION;
  return version;
}
