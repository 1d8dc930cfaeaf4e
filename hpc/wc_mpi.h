/*
 * wc_mpi.h — MPI status adapter and the job-wide error agreement.
 *
 * Rule for errors under mpiexec: when every rank sees the same failure (a bad scenario
 * file, read by all), rank 0 prints it once and all ranks exit with the same code. When
 * only some ranks fail, the lowest failing rank prints its message and the job is
 * aborted, since the others may be blocked in a collective call.
 */
#ifndef WC_MPI_H
#define WC_MPI_H

#include <mpi.h>

#include "wc_status.h"

/* Turn an MPI return code into a wc_status with the MPI error string. */
wc_status wc_mpi_status(int mpi_code, const char *file, int line, const char *call);

#define WC_MPI_CALL(expr) WC_CALL(wc_mpi_status((expr), __FILE__, __LINE__, #expr))

/* Initialise MPI (errors returned, not fatal) and tell the logger the rank. */
wc_status wc_mpi_initialize(int *argc, char ***argv);
/* Finalize MPI if it was initialised and not yet finalised. */
void wc_mpi_finalize(void);

int wc_mpi_rank(void);
int wc_mpi_size(void);

/*
 * Agree on a status across MPI_COMM_WORLD (collective: every rank must call it at the same
 * point). When any rank failed, the lowest failing rank's status and message are
 * broadcast, so every rank returns the same error and rank 0 can print it once. Runs on a
 * private duplicate of MPI_COMM_WORLD, so it never matches a collective of the model.
 */
wc_status wc_mpi_agree(wc_status local);

/* The same on any communicator (collective on `comm`; MPI_COMM_NULL or size 1: returns
 * `local`). For a loop that already runs collectives on `comm` in the same order on every
 * rank (the parallel time loop), so no private duplicate is needed. */
wc_status wc_mpi_agree_on(MPI_Comm comm, wc_status local);

/*
 * Errors are assumed to be seen alike by every rank (same arguments, same files), so the
 * executable settles them with wc_mpi_agree before printing. Code that can fail on one
 * rank alone while others go on into collective calls (the parallel time loop) marks the
 * error local; the executable then prints it on that rank and aborts the job instead.
 */
void wc_mpi_error_mark_local(void);
int wc_mpi_error_is_local(void);

#endif
