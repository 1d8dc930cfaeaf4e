/* wc_time.c — proleptic Gregorian calendar arithmetic (H. Hinnant's days_from_civil). */
#include "wc_time.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int64_t wc_days_from_civil(int year, int month, int day) {
  int64_t y = (int64_t)year - (month <= 2);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = (month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void wc_civil_from_days(int64_t days, int *year, int *month, int *day) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = (int)(doy - (153 * mp + 2) / 5 + 1);
  int m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *year = (int)(yoe + era * 400 + (m <= 2));
  *month = m;
  *day = d;
}

bool wc_is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int wc_days_in_month(int year, int month) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return days[month - 1] + (month == 2 && wc_is_leap_year(year));
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int wc_day_of_year(wc_time_s time) {
  int64_t days = floor_div(time, WC_SECONDS_PER_DAY);
  int year, month, day;
  wc_civil_from_days(days, &year, &month, &day);
  return (int)(days - wc_days_from_civil(year, 1, 1)) + 1;
}

static bool read_digits(const char **cursor, int count, int *value) {
  int v = 0;
  for (int i = 0; i < count; ++i) {
    if (!isdigit((unsigned char)(*cursor)[i])) return false;
    v = v * 10 + ((*cursor)[i] - '0');
  }
  *cursor += count;
  *value = v;
  return true;
}

bool wc_time_parse(const char *text, wc_time_s *time, const char **why) {
  const char *dummy;
  if (!why) why = &dummy;
  const char *c = text;
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!read_digits(&c, 4, &year) || *c++ != '-' || !read_digits(&c, 2, &month) || *c++ != '-' ||
      !read_digits(&c, 2, &day)) {
    *why = "expected a date YYYY-MM-DD, optionally followed by THH:MM[:SS]";
    return false;
  }
  if (*c == 'T' || *c == ' ') {
    ++c;
    if (!read_digits(&c, 2, &hour) || *c++ != ':' || !read_digits(&c, 2, &minute)) {
      *why = "expected a time of day HH:MM[:SS] after the date";
      return false;
    }
    if (*c == ':' && (++c, !read_digits(&c, 2, &second))) {
      *why = "expected seconds as two digits";
      return false;
    }
  }
  if (*c != '\0') {
    *why = "unexpected text after the date; expected YYYY-MM-DD[THH:MM[:SS]]";
    return false;
  }
  if (month < 1 || month > 12) {
    *why = "month must be 01..12";
    return false;
  }
  if (day < 1 || day > wc_days_in_month(year, month)) {
    *why = "day does not exist in that month";
    return false;
  }
  if (hour > 23 || minute > 59 || second > 59) {
    *why = "time of day out of range (hours 00..23, minutes and seconds 00..59)";
    return false;
  }
  *time = wc_days_from_civil(year, month, day) * WC_SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
  return true;
}

void wc_time_format(wc_time_s time, char *buffer, int size) {
  int64_t days = floor_div(time, WC_SECONDS_PER_DAY);
  int64_t rest = time - days * WC_SECONDS_PER_DAY;
  int year, month, day;
  wc_civil_from_days(days, &year, &month, &day);
  int hour = (int)(rest / 3600), minute = (int)(rest / 60 % 60), second = (int)(rest % 60);
  if (rest == 0)
    snprintf(buffer, (size_t)size, "%04d-%02d-%02d", year, month, day);
  else if (second == 0)
    snprintf(buffer, (size_t)size, "%04d-%02d-%02dT%02d:%02d", year, month, day, hour, minute);
  else
    snprintf(buffer, (size_t)size, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute, second);
}
