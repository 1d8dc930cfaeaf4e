/* wc_mpi.c — MPI adapter: return codes to wc_status, initialisation, error agreement. */
#include "wc_mpi.h"

#include <stdio.h>

#include "wc_log.h"

static MPI_Comm agree_comm = MPI_COMM_NULL;
static int error_local = 0;

wc_status wc_mpi_status(int mpi_code, const char *file, int line, const char *call) {
  if (mpi_code == MPI_SUCCESS) return WC_OK;
  char text[MPI_MAX_ERROR_STRING] = "";
  int length = 0;
  MPI_Error_string(mpi_code, text, &length);
  return wc_error_set(WC_ERR_MPI, file, line, "%s failed: %s", call, text);
}

wc_status wc_mpi_initialize(int *argc, char ***argv) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    int code = MPI_Init(argc, argv);
    if (code != MPI_SUCCESS) return wc_mpi_status(code, __FILE__, __LINE__, "MPI_Init");
  }
  /* Errors come back as codes so they can be reported with context, not as a crash. */
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  if (agree_comm == MPI_COMM_NULL && MPI_Comm_dup(MPI_COMM_WORLD, &agree_comm) != MPI_SUCCESS)
    WC_FAIL(WC_ERR_MPI, "MPI_Comm_dup failed while setting up error agreement");
  wc_log_set_rank(wc_mpi_rank(), wc_mpi_size());
  return WC_OK;
}

void wc_mpi_finalize(void) {
  int initialised = 0, finalised = 0;
  MPI_Initialized(&initialised);
  MPI_Finalized(&finalised);
  if (initialised && !finalised) {
    if (agree_comm != MPI_COMM_NULL) MPI_Comm_free(&agree_comm);
    MPI_Finalize();
  }
}

int wc_mpi_rank(void) {
  int rank = 0, initialised = 0;
  MPI_Initialized(&initialised);
  if (initialised) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int wc_mpi_size(void) {
  int size = 1, initialised = 0;
  MPI_Initialized(&initialised);
  if (initialised) MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

wc_status wc_mpi_agree(wc_status local) {
  error_local = 0;
  if (wc_mpi_size() == 1) return local;
  /* Created here on first use too, for programs that initialised MPI themselves. */
  if (agree_comm == MPI_COMM_NULL && MPI_Comm_dup(MPI_COMM_WORLD, &agree_comm) != MPI_SUCCESS)
    WC_FAIL(WC_ERR_MPI, "MPI_Comm_dup failed while setting up error agreement");
  return wc_mpi_agree_on(agree_comm, local);
}

wc_status wc_mpi_agree_on(MPI_Comm comm, wc_status local) {
  int size = 1, rank = 0;
  if (comm == MPI_COMM_NULL) return local;
  MPI_Comm_size(comm, &size);
  if (size == 1) return local;
  MPI_Comm_rank(comm, &rank);
  int failed_rank = local != WC_OK ? rank : size, lowest_failed = size;
  if (MPI_Allreduce(&failed_rank, &lowest_failed, 1, MPI_INT, MPI_MIN, comm) != MPI_SUCCESS)
    WC_FAIL(WC_ERR_MPI, "MPI_Allreduce failed while ranks compared their status");
  if (lowest_failed == size) return WC_OK;

  /* Every rank takes the first failing rank's error, message included. */
  struct {
    int status;
    char message[2048];
  } shared = {(int)local, ""};
  if (rank == lowest_failed) snprintf(shared.message, sizeof shared.message, "%s", wc_error_message());
  if (MPI_Bcast(&shared, (int)sizeof shared, MPI_BYTE, lowest_failed, comm) != MPI_SUCCESS)
    WC_FAIL(WC_ERR_MPI, "MPI_Bcast failed while ranks shared an error");
  if (rank != lowest_failed) wc_error_set((wc_status)shared.status, __FILE__, __LINE__, "%s", shared.message);
  return (wc_status)shared.status;
}

void wc_mpi_error_mark_local(void) { error_local = 1; }
int wc_mpi_error_is_local(void) { return error_local; }
