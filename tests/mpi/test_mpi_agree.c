/* test_mpi_agree.c — errors under MPI: a failure on one rank reaches every rank with its
 * message, so rank 0 can report it once and all ranks exit alike. */
#include <string.h>

#include "wc_mpi.h"
#include "wc_test.h"

static void all_ok_stays_ok(void) { CU_ASSERT_EQUAL(wc_mpi_agree(WC_OK), WC_OK); }

static void one_failing_rank_is_shared(void) {
  int size = wc_mpi_size(), rank = wc_mpi_rank();
  int failing = size - 1; /* the last rank fails */
  wc_error_clear();
  wc_status local = WC_OK;
  if (rank == failing) local = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__, "cell (3, 4) is NaN on rank %d", rank);
  wc_status agreed = wc_mpi_agree(local);
  CU_ASSERT_EQUAL(agreed, WC_ERR_INPUT);
  char expected[64];
  snprintf(expected, sizeof expected, "cell (3, 4) is NaN on rank %d", failing);
  CU_ASSERT_STRING_EQUAL(wc_error_message(), expected);
}

static void lowest_failing_rank_wins(void) {
  int rank = wc_mpi_rank();
  wc_status local = wc_error_set(rank == 0 ? WC_ERR_IO : WC_ERR_NUMERICS, __FILE__, __LINE__, "from rank %d", rank);
  CU_ASSERT_EQUAL(wc_mpi_agree(local), WC_ERR_IO);
  CU_ASSERT_STRING_EQUAL(wc_error_message(), "from rank 0");
}

static CU_TestInfo agree_tests[] = {
    WC_TEST(all_ok_stays_ok),
    WC_TEST(one_failing_rank_is_shared),
    WC_TEST(lowest_failing_rank_wins),
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"mpi_agree", NULL, NULL, NULL, NULL, agree_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv) { return wc_test_run(argc, argv, suites, 1); }
