/*
 * wc_nvector.h — wcsim's own N_Vector: one contiguous array per rank plus a communicator.
 *
 * Why: Debian's libsundials_nvecparallel is compiled without optimisation, and in CVODE
 * runs the vector operations are most of the time (docs/solver.md has the measurements).
 * This vector has the same layout and semantics as N_Vector_Parallel (each rank owns a
 * contiguous slice; global reductions are MPI_Allreduce on the vector's communicator) but
 * its loops are built with -O3 and SIMD reductions, and it implements every fused and
 * vector-array operation and every local reduction, so CVODE, SPGMR and MPIManyVector
 * never fall back to slow generic loops.
 *
 * Communicator: any intra-communicator. MPI_COMM_NULL means "this process alone, no MPI
 * calls at all" (quadrature vectors, serial tools); so does a communicator of size 1,
 * where reductions skip MPI_Allreduce. Creating a vector on a communicator of size > 1 is
 * collective (the global length is summed); cloning is not.
 *
 * Reductions sum in a different order from N_Vector_Parallel (SIMD lanes), so results
 * agree to rounding, not bit for bit.
 */
#ifndef WC_NVECTOR_H
#define WC_NVECTOR_H

#include <mpi.h>
#include <sundials/sundials_nvector.h>

#include "wc_status.h"

/* A new vector of `local_length` (>= 0) elements owned by this rank, zero-filled. The data
 * are 64-byte aligned. Collective on `comm` when its size is > 1. */
WC_NODISCARD wc_status wc_nvector_create(MPI_Comm comm, sunindextype local_length, SUNContext context,
                                         N_Vector *vector);

/* A vector over caller-owned `data` (not freed by the vector; must outlive it). */
WC_NODISCARD wc_status wc_nvector_create_wrapping(MPI_Comm comm, sunindextype local_length, double *data,
                                                  SUNContext context, N_Vector *vector);

/* Destroy (accepts NULL) and null the handle. Same as N_VDestroy. */
void wc_nvector_destroy(N_Vector *vector);

/* True when `vector` is a wcsim vector (its ops table is this module's). */
int wc_nvector_is_own(N_Vector vector);

/*
 * The element count the weighted RMS norms divide by (default: the global length). A
 * caller whose trailing elements always get weight 0 (wcsim's budget totals, see
 * wc_integrator.h) sets it to the count of the others, so the norms are theirs alone and
 * do not depend on how many zero-weight elements there are, e.g. on how many ranks hold
 * budget rows: the same bits on any number of ranks (the reproducible sum's grid depends
 * on this count too). Clones inherit it. Set it before CVODE clones the vector.
 */
void wc_nvector_set_norm_length(N_Vector vector, sunindextype count);

/* This rank's elements and their number. */
double *wc_nvector_data(N_Vector vector);
sunindextype wc_nvector_local_length(N_Vector vector);

#endif /* WC_NVECTOR_H */
