/*
 * wc_log.h — levelled logging where only rank 0 prints unless asked.
 *
 * The model library has no MPI; the executable tells the logger which rank it is
 * (wc_log_set_rank) once MPI is up. Messages go to stderr, so stdout stays clean for
 * data (--print-scenario, --json).
 */
#ifndef WC_LOG_H
#define WC_LOG_H

#include <stdbool.h>

#include "wc_status.h"

typedef enum wc_log_level {
  WC_LOG_ERROR = 0,
  WC_LOG_WARN,
  WC_LOG_INFO,
  WC_LOG_DEBUG,
} wc_log_level;

void wc_log_set_level(wc_log_level level);
wc_log_level wc_log_get_level(void);

/* Which MPI rank this process is; rank 0 prints by default. */
void wc_log_set_rank(int rank, int size);

/* When true, every rank prints (each line prefixed with "[rank k]"). */
void wc_log_set_all_ranks(bool all_ranks);

/* Parse "error|warn|info|debug"; returns false for anything else. */
bool wc_log_level_parse(const char *text, wc_log_level *level);

void wc_log(wc_log_level level, const char *fmt, ...) WC_PRINTF(2, 3);

/* Print regardless of rank (used for an error that only one rank saw). */
void wc_log_any_rank(wc_log_level level, const char *fmt, ...) WC_PRINTF(2, 3);

#define wc_log_error(...) wc_log(WC_LOG_ERROR, __VA_ARGS__)
#define wc_log_warn(...) wc_log(WC_LOG_WARN, __VA_ARGS__)
#define wc_log_info(...) wc_log(WC_LOG_INFO, __VA_ARGS__)
#define wc_log_debug(...) wc_log(WC_LOG_DEBUG, __VA_ARGS__)

#endif /* WC_LOG_H */
