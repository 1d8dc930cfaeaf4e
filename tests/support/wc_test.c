/* wc_test.c — the CUnit runner behind wc_test_run(). */
#include "wc_test.h"

#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch_dir[4096];

int wc_test_run(int argc, char **argv, CU_SuiteInfo *suites, int use_mpi) {
  int rank = 0;
  if (use_mpi) {
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  }
  const char *name = strrchr(argv[0], '/');
  name = name ? name + 1 : argv[0];
  snprintf(scratch_dir, sizeof scratch_dir, "%s/test-scratch/%s-r%d", WCSIM_BINARY_DIR, name,
           rank);
  char command[2 * 4096 + 64];
  snprintf(command, sizeof command, "rm -rf '%s' && mkdir -p '%s'", scratch_dir, scratch_dir);
  if (system(command) != 0) fprintf(stderr, "cannot create scratch directory %s\n", scratch_dir);

  if (CU_initialize_registry() != CUE_SUCCESS) return 2;
  if (CU_register_suites(suites) != CUE_SUCCESS) {
    fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
    CU_cleanup_registry();
    return 2;
  }
  /* Optional filter: argv[1] names a single suite to run. */
  CU_basic_set_mode(rank == 0 ? CU_BRM_VERBOSE : CU_BRM_SILENT);
  if (argc > 1) {
    CU_pSuite suite = CU_get_suite(argv[1]);
    if (!suite) {
      fprintf(stderr, "no suite named '%s'\n", argv[1]);
      CU_cleanup_registry();
      return 2;
    }
    CU_basic_run_suite(suite);
  } else {
    CU_basic_run_tests();
  }
  unsigned local_failures = CU_get_number_of_failures();
  unsigned local_tests = CU_get_number_of_tests_run();
  CU_cleanup_registry();

  unsigned failures = local_failures;
  if (use_mpi) {
    MPI_Allreduce(&local_failures, &failures, 1, MPI_UNSIGNED, MPI_SUM, MPI_COMM_WORLD);
    if (local_failures && rank != 0)
      fprintf(stderr, "[rank %d] %u assertion(s) failed\n", rank, local_failures);
    MPI_Finalize();
  }
  if (rank == 0) printf("\n%s: %u tests, %u failed assertions (all ranks)\n", name, local_tests, failures);
  if (local_tests == 0) return 1; /* a test program that ran nothing is a broken test */
  return failures != 0 ? 1 : 0;
}

const char *wc_test_source_path(const char *relative) {
  static char path[2048];
  snprintf(path, sizeof path, "%s/%s", WCSIM_SOURCE_DIR, relative);
  return path;
}

const char *wc_test_scratch_dir(void) { return scratch_dir; }

void wc_test_write_file(const char *path, const char *text) {
  FILE *file = fopen(path, "w");
  if (!file) {
    fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
    CU_FAIL_FATAL("cannot write test file");
    return;
  }
  fputs(text, file);
  fclose(file);
}
