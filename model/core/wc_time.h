/*
 * wc_time.h — calendar time for scenarios and forcing.
 *
 * Simulated time is kept as seconds since 1970-01-01T00:00 in the proleptic Gregorian
 * calendar, with no leap seconds and no time zone (local standard time of the basin).
 * int64 seconds cover any simulated period exactly; the solver works in double seconds
 * relative to the period start.
 */
#ifndef WC_TIME_H
#define WC_TIME_H

#include <stdbool.h>
#include <stdint.h>

typedef int64_t wc_time_s; /* seconds since 1970-01-01T00:00 */

enum { WC_SECONDS_PER_DAY = 86400 };

/* Days since 1970-01-01 of a civil date (any year; month 1..12, day 1..31). */
int64_t wc_days_from_civil(int year, int month, int day);
void wc_civil_from_days(int64_t days, int *year, int *month, int *day);
bool wc_is_leap_year(int year);
int wc_days_in_month(int year, int month);
/* Day of year, 1..366. */
int wc_day_of_year(wc_time_s time);

/* Parse "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "YYYY-MM-DD HH:MM[:SS]". On failure returns
 * false and, if `why` is non-NULL, points it at a static reason. */
bool wc_time_parse(const char *text, wc_time_s *time, const char **why);

/* Format as "YYYY-MM-DD" when at midnight, else "YYYY-MM-DDTHH:MM[:SS]". */
void wc_time_format(wc_time_s time, char *buffer, int size);

#endif
