/* test_core.c — status convention, logging levels, calendar. */
#include <string.h>

#include "wc_log.h"
#include "wc_status.h"
#include "wc_test.h"
#include "wc_time.h"

static wc_status inner(int fail) {
  WC_CHECK(!fail, WC_ERR_INPUT, "cell row %d is bad; use a positive row", 7);
  return WC_OK;
}
static wc_status outer(int fail) {
  WC_CALL(inner(fail));
  return WC_OK;
}

static void status_propagates_with_message_and_trace(void) {
  wc_error_clear();
  CU_ASSERT_EQUAL(outer(0), WC_OK);
  CU_ASSERT_EQUAL(outer(1), WC_ERR_INPUT);
  CU_ASSERT_STRING_EQUAL(wc_error_message(), "cell row 7 is bad; use a positive row");
  CU_ASSERT_EQUAL(wc_error_status(), WC_ERR_INPUT);
  CU_ASSERT_PTR_NOT_NULL(strstr(wc_error_trace(), "in inner(fail)"));
  wc_error_clear();
  CU_ASSERT_STRING_EQUAL(wc_error_message(), "");
}

static void exit_codes_are_distinct(void) {
  CU_ASSERT_EQUAL(wc_status_exit_code(WC_OK), 0);
  for (int a = 1; a < WC_STATUS_COUNT; ++a) {
    CU_ASSERT_NOT_EQUAL(wc_status_exit_code((wc_status)a), 0);
    for (int b = 1; b < a; ++b) CU_ASSERT_NOT_EQUAL(wc_status_exit_code((wc_status)a), wc_status_exit_code((wc_status)b));
  }
  CU_ASSERT_STRING_EQUAL(wc_status_name(WC_ERR_SCENARIO), "scenario error");
}

static void log_levels_parse(void) {
  wc_log_level level;
  CU_ASSERT_TRUE(wc_log_level_parse("debug", &level));
  CU_ASSERT_EQUAL(level, WC_LOG_DEBUG);
  CU_ASSERT_FALSE(wc_log_level_parse("verbose", &level));
}

static void calendar_round_trips(void) {
  CU_ASSERT_EQUAL(wc_days_from_civil(1970, 1, 1), 0);
  CU_ASSERT_EQUAL(wc_days_from_civil(2000, 3, 1), 11017);
  for (int64_t day = -800000; day < 800000; day += 997) {
    int y, m, d;
    wc_civil_from_days(day, &y, &m, &d);
    CU_ASSERT_EQUAL(wc_days_from_civil(y, m, d), day);
  }
  wc_time_s t;
  CU_ASSERT_TRUE(wc_time_parse("2020-02-29T06:30", &t, NULL));
  char text[40];
  wc_time_format(t, text, sizeof text);
  CU_ASSERT_STRING_EQUAL(text, "2020-02-29T06:30");
  CU_ASSERT_EQUAL(wc_day_of_year(t), 60);
  const char *why = NULL;
  CU_ASSERT_FALSE(wc_time_parse("2019-02-29", &t, &why));
  CU_ASSERT_STRING_EQUAL(why, "day does not exist in that month");
  CU_ASSERT_FALSE(wc_time_parse("2019-13-01", &t, &why));
  CU_ASSERT_FALSE(wc_time_parse("01/02/2019", &t, &why));
  CU_ASSERT_FALSE(wc_time_parse("2019-01-01x", &t, &why));
}

static CU_TestInfo core_tests[] = {
    WC_TEST(status_propagates_with_message_and_trace),
    WC_TEST(exit_codes_are_distinct),
    WC_TEST(log_levels_parse),
    WC_TEST(calendar_round_trips),
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"core", NULL, NULL, NULL, NULL, core_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv) { return wc_test_run(argc, argv, suites, 0); }
