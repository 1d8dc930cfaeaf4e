/* wc_log.c — rank-aware levelled logging to stderr. */
#include "wc_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static wc_log_level log_level = WC_LOG_INFO;
static int log_rank = 0;
static int log_size = 1;
static bool log_all_ranks = false;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void wc_log_set_level(wc_log_level level) { log_level = level; }
wc_log_level wc_log_get_level(void) { return log_level; }

void wc_log_set_rank(int rank, int size) {
  log_rank = rank;
  log_size = size;
}

void wc_log_set_all_ranks(bool all_ranks) { log_all_ranks = all_ranks; }

bool wc_log_level_parse(const char *text, wc_log_level *level) {
  for (int i = 0; i <= (int)WC_LOG_DEBUG; ++i) {
    if (strcmp(text, level_names[i]) == 0) {
      *level = (wc_log_level)i;
      return true;
    }
  }
  return false;
}

static void log_emit(wc_log_level level, const char *fmt, va_list args) {
  char line[2048];
  vsnprintf(line, sizeof line, fmt, args);
  const char *prefix = level == WC_LOG_ERROR ? "wcsim: error: "
                       : level == WC_LOG_WARN ? "wcsim: warning: "
                                              : "";
  if (log_size > 1 && (log_all_ranks || log_rank != 0))
    fprintf(stderr, "[rank %d] %s%s\n", log_rank, prefix, line);
  else
    fprintf(stderr, "%s%s\n", prefix, line);
  fflush(stderr);
}

void wc_log(wc_log_level level, const char *fmt, ...) {
  if (level > log_level) return;
  if (log_rank != 0 && !log_all_ranks) return;
  va_list args;
  va_start(args, fmt);
  log_emit(level, fmt, args);
  va_end(args);
}

void wc_log_any_rank(wc_log_level level, const char *fmt, ...) {
  if (level > log_level) return;
  va_list args;
  va_start(args, fmt);
  log_emit(level, fmt, args);
  va_end(args);
}
