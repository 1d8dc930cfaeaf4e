/*
 * wc_sundials.h — SUNDIALS adapters: return codes to wc_status, and the SUNContext shim.
 *
 * SUNContext_Create takes a pointer to the communicator in SUNDIALS 6 and the
 * communicator itself in SUNDIALS 7; wc_sun_context_create hides the difference.
 */
#ifndef WC_SUNDIALS_H
#define WC_SUNDIALS_H

#include <mpi.h>
#include <sundials/sundials_context.h>

#include "wc_status.h"

/* CVODE flag (CV_SUCCESS, CV_TOO_MUCH_WORK, ...) to wc_status: negative flags are
 * failures (WC_ERR_NUMERICS, or WC_ERR_MEMORY for CV_MEM_FAIL), named by CVODE. */
wc_status wc_cvode_status(int flag, const char *file, int line, const char *call);
#define WC_CVODE_CALL(expr) WC_CALL(wc_cvode_status((expr), __FILE__, __LINE__, #expr))

/* A SUNDIALS constructor that returns NULL on failure. */
#define WC_SUN_CHECK_PTR(ptr, what)                                                          \
  WC_CHECK((ptr) != NULL, WC_ERR_MEMORY, "SUNDIALS could not create %s", (what))

wc_status wc_sun_context_create(MPI_Comm comm, SUNContext *context);
void wc_sun_context_destroy(SUNContext *context);

/* "6.4.1": the SUNDIALS library this binary runs with. */
const char *wc_sundials_version(void);

#endif
