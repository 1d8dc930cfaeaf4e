/* wc_status.c — per-thread error record behind WC_FAIL / WC_CALL. */
#include "wc_status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { WC_ERROR_MESSAGE_MAX = 4096, WC_ERROR_TRACE_MAX = 4096 };

static _Thread_local wc_status error_status = WC_OK;
static _Thread_local char error_message[WC_ERROR_MESSAGE_MAX];
static _Thread_local char error_trace[WC_ERROR_TRACE_MAX];

static const struct {
  const char *name;
  int exit_code;
} status_table[WC_STATUS_COUNT] = {
    [WC_OK] = {"ok", 0},
    [WC_ERR_USAGE] = {"usage error", 2},
    [WC_ERR_SCENARIO] = {"scenario error", 3},
    [WC_ERR_INPUT] = {"input data error", 4},
    [WC_ERR_IO] = {"I/O error", 5},
    [WC_ERR_NUMERICS] = {"numerical failure", 6},
    [WC_ERR_MPI] = {"MPI error", 7},
    [WC_ERR_HDF5] = {"HDF5 error", 8},
    [WC_ERR_MEMORY] = {"out of memory", 9},
    [WC_ERR_UNSUPPORTED] = {"unsupported", 10},
    [WC_ERR_INTERNAL] = {"internal error", 70},
};

const char *wc_status_name(wc_status status) {
  if ((int)status < 0 || status >= WC_STATUS_COUNT) return "unknown status";
  return status_table[status].name;
}

int wc_status_exit_code(wc_status status) {
  if ((int)status < 0 || status >= WC_STATUS_COUNT) return status_table[WC_ERR_INTERNAL].exit_code;
  return status_table[status].exit_code;
}

wc_status wc_error_set(wc_status status, const char *file, int line, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vsnprintf(error_message, sizeof error_message, fmt, args);
  va_end(args);
  error_status = status;
  snprintf(error_trace, sizeof error_trace, "%s:%d: raised\n", file, line);
  return status;
}

void wc_error_push_frame(const char *file, int line, const char *expr) {
  size_t used = strlen(error_trace);
  if (used + 1 >= sizeof error_trace) return;
  snprintf(error_trace + used, sizeof error_trace - used, "%s:%d: in %s\n", file, line, expr);
}

const char *wc_error_message(void) { return error_message; }
wc_status wc_error_status(void) { return error_status; }
const char *wc_error_trace(void) { return error_trace; }

void wc_error_clear(void) {
  error_status = WC_OK;
  error_message[0] = '\0';
  error_trace[0] = '\0';
}
