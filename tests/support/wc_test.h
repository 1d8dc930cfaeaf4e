/*
 * wc_test.h — CUnit runner shared by every test program.
 *
 * A test file defines its CU_SuiteInfo table and calls wc_test_run() from main. The
 * runner exits non-zero when any assertion failed (CU_basic_run_tests does not), and under
 * MPI sums the failures of all ranks so one failing rank fails the test.
 */
#ifndef WC_TEST_H
#define WC_TEST_H

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

/* Run the suites; returns the process exit code. Initialises and finalises MPI when
 * `use_mpi` is non-zero (then every rank runs the suites). */
int wc_test_run(int argc, char **argv, CU_SuiteInfo *suites, int use_mpi);

/* Path of a file under the source tree (static buffer, valid until the next call). */
const char *wc_test_source_path(const char *relative);

/* A fresh scratch directory under the build tree for this test program. */
const char *wc_test_scratch_dir(void);

/* Write `text` to `path` (creating it); CU_FAIL on error. */
void wc_test_write_file(const char *path, const char *text);

#define WC_TEST(fn) {#fn, fn}

#endif
