/*
 * wc_status.h — the one error convention of wcsim.
 *
 * Every function that can fail returns a wc_status. The first failure records a message
 * (what is wrong, and what would be right) with wc_error_set(); each WC_CALL() it passes
 * through on the way up adds a "file:line" frame, so a debug log can show the path.
 * Library code never exits: the executable turns the status into a message and an exit
 * code (docs/errors.md).
 *
 * The recorded error is per thread; it is cleared by wc_error_clear() and overwritten by
 * the next wc_error_set().
 */
#ifndef WC_STATUS_H
#define WC_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__GNUC__)
#define WC_NODISCARD __attribute__((warn_unused_result))
#define WC_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#else
#define WC_NODISCARD
#define WC_PRINTF(fmt_index, first_arg)
#endif

/* Status codes. The order is part of the exit-code contract (wc_status_exit_code). */
typedef enum wc_status {
  WC_OK = 0,
  WC_ERR_USAGE,       /* wrong command line: unknown option, missing argument */
  WC_ERR_SCENARIO,    /* scenario file invalid: syntax, unknown key, type, range, unit */
  WC_ERR_INPUT,       /* input data invalid: basin file, raster, forcing values */
  WC_ERR_IO,          /* a file could not be opened, read or written */
  WC_ERR_NUMERICS,    /* the solver failed to converge, or a non-finite value appeared */
  WC_ERR_MPI,         /* an MPI call failed */
  WC_ERR_HDF5,        /* an HDF5 call failed */
  WC_ERR_MEMORY,      /* allocation failed */
  WC_ERR_UNSUPPORTED, /* a valid request this build or version cannot honour */
  WC_ERR_INTERNAL,    /* a broken invariant: a bug in wcsim */
  WC_STATUS_COUNT
} wc_status;

/* Short stable name of a status, e.g. "scenario error". Never NULL. */
const char *wc_status_name(wc_status status);

/* Process exit code for a status (0 for WC_OK); see docs/errors.md. */
int wc_status_exit_code(wc_status status);

/* Record the error message for this thread and return `status` (so `return wc_error_set(...)`
 * reads naturally). `file`/`line` locate the code that detected the problem. */
wc_status wc_error_set(wc_status status, const char *file, int line, const char *fmt, ...)
    WC_PRINTF(4, 5);

/* Add a "file:line: expr" frame to the current error's trace (used by WC_CALL). */
void wc_error_push_frame(const char *file, int line, const char *expr);

/* The message of the last error on this thread ("" if none). Valid until the next set/clear. */
const char *wc_error_message(void);

/* The status of the last recorded error (WC_OK if none). */
wc_status wc_error_status(void);

/* The trace frames, newest last, one per line ("" if none). */
const char *wc_error_trace(void);

void wc_error_clear(void);

/* Fail with a message: returns from the enclosing function. */
#define WC_FAIL(status, ...) return wc_error_set((status), __FILE__, __LINE__, __VA_ARGS__)

/* Check a condition; when false, fail with `status` and a message. */
#define WC_CHECK(cond, status, ...)                                                          \
  do {                                                                                       \
    if (!(cond)) WC_FAIL((status), __VA_ARGS__);                                             \
  } while (0)

/* Call a wc_status function; on failure add a frame and return its status. */
#define WC_CALL(expr)                                                                        \
  do {                                                                                       \
    wc_status wc_call_status_ = (expr);                                                      \
    if (wc_call_status_ != WC_OK) {                                                          \
      wc_error_push_frame(__FILE__, __LINE__, #expr);                                        \
      return wc_call_status_;                                                                \
    }                                                                                        \
  } while (0)

/* Like WC_CALL but jumps to a cleanup label, keeping the status in `var`. */
#define WC_CALL_GOTO(var, label, expr)                                                       \
  do {                                                                                       \
    (var) = (expr);                                                                          \
    if ((var) != WC_OK) {                                                                    \
      wc_error_push_frame(__FILE__, __LINE__, #expr);                                        \
      goto label;                                                                            \
    }                                                                                        \
  } while (0)

/* Zeroed allocation of `count` elements that fails with WC_ERR_MEMORY naming what was
 * being allocated. A count that is negative (a signed count cast to size_t) or too large
 * for the address space fails the same way instead of reaching calloc. */
#define WC_MALLOC(ptr, count, what)                                                          \
  do {                                                                                       \
    size_t wc_count_ = (size_t)(count);                                                      \
    int wc_fits_ = wc_count_ <= (size_t)PTRDIFF_MAX / sizeof *(ptr);                         \
    (ptr) = (wc_count_ && wc_fits_) ? calloc(wc_count_, sizeof *(ptr)) : NULL;               \
    WC_CHECK(wc_count_ == 0 || (ptr) != NULL, WC_ERR_MEMORY,                                 \
             "out of memory allocating %zu x %zu bytes for %s", wc_count_, sizeof *(ptr),    \
             (what));                                                                        \
  } while (0)

#endif /* WC_STATUS_H */
