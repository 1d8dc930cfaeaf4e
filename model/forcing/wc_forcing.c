/*
 * wc_forcing.c — the forcing object: interval bookkeeping shared by every implementation,
 * and the scenario's precipitation factor and temperature offset.
 */
#include "wc_forcing.h"

#include <math.h>
#include <stdlib.h>

struct wc_forcing {
  const wc_forcing_ops *ops;
  void *content;
  int32_t n_cells;
  wc_time_s start;
  int64_t step_s;
  double precipitation_factor;
  double temperature_offset_c;
  bool started;        /* a previous interval was served */
  wc_time_s last_start; /* its start */
};

wc_status wc_forcing_check_step(double step_s, const char *what) {
  WC_CHECK(isfinite(step_s) && step_s >= 60.0 && step_s <= WC_SECONDS_PER_DAY &&
               step_s == floor(step_s) && WC_SECONDS_PER_DAY % (int64_t)step_s == 0,
           WC_ERR_INPUT,
           "%s: time step %g s is not allowed; the forcing interval is 60 s .. 1 day, a whole "
           "number of seconds that divides a day (60, 300, 600, 900, 1800, 3600, 10800, 86400, ...)",
           what, step_s);
  return WC_OK;
}

wc_status wc_forcing_create(const wc_forcing_ops *ops, void *content, int32_t n_cells, wc_time_s start,
                            double step_s, double precipitation_factor, double temperature_offset_c,
                            wc_forcing **out) {
  wc_status status = WC_OK;
  wc_forcing *f = NULL;
  if (out) *out = NULL;
  if (ops == NULL || ops->next == NULL || ops->destroy == NULL || out == NULL || n_cells < 0) {
    status = wc_error_set(WC_ERR_INTERNAL, __FILE__, __LINE__,
                          "wc_forcing_create: missing ops, output or a negative cell count");
    goto fail;
  }
  WC_CALL_GOTO(status, fail, wc_forcing_check_step(step_s, ops->name));
  if (!(isfinite(precipitation_factor) && precipitation_factor >= 0) || !isfinite(temperature_offset_c)) {
    status = wc_error_set(WC_ERR_INPUT, __FILE__, __LINE__,
                          "%s forcing: precipitation_factor %g must be finite and >= 0, and "
                          "temperature_offset_c %g finite",
                          ops->name, precipitation_factor, temperature_offset_c);
    goto fail;
  }
  f = calloc(1, sizeof *f);
  if (f == NULL) {
    status = wc_error_set(WC_ERR_MEMORY, __FILE__, __LINE__, "out of memory for a forcing");
    goto fail;
  }
  f->ops = ops;
  f->content = content;
  f->n_cells = n_cells;
  f->start = start;
  f->step_s = (int64_t)step_s;
  f->precipitation_factor = precipitation_factor;
  f->temperature_offset_c = temperature_offset_c;
  *out = f;
  return WC_OK;
fail:
  if (ops && ops->destroy && content) ops->destroy(content);
  return status;
}

void *wc_forcing_content(const wc_forcing *forcing, const wc_forcing_ops *ops) {
  return (forcing && forcing->ops == ops) ? forcing->content : NULL;
}

wc_status wc_forcing_next(wc_forcing *forcing, wc_time_s interval_start, wc_forcing_values *out) {
  WC_CHECK(forcing != NULL && out != NULL, WC_ERR_INTERNAL, "wc_forcing_next: NULL argument");
  WC_CHECK(forcing->n_cells == 0 || (out->precipitation_mm != NULL && out->temperature_c != NULL),
           WC_ERR_INTERNAL, "wc_forcing_next: precipitation_mm and temperature_c arrays are required");
  char when[32], first[32];
  wc_time_format(interval_start, when, sizeof when);
  wc_time_format(forcing->start, first, sizeof first);
  WC_CHECK(interval_start >= forcing->start && (interval_start - forcing->start) % forcing->step_s == 0,
           WC_ERR_INTERNAL,
           "%s forcing: interval %s is not on the step grid (start %s, step %lld s)", forcing->ops->name,
           when, first, (long long)forcing->step_s);
  if (forcing->started) {
    char last[32];
    wc_time_format(forcing->last_start, last, sizeof last);
    WC_CHECK(interval_start > forcing->last_start, WC_ERR_INTERNAL,
             "%s forcing: interval %s asked for after %s; intervals must be asked for in "
             "increasing order",
             forcing->ops->name, when, last);
  }
  WC_CALL(forcing->ops->next(forcing->content, interval_start, out));
  forcing->started = true;
  forcing->last_start = interval_start;

  /* The scenario's adjustments apply to every source alike, after the source's own
   * interpolation, so that a factor of 1 and offset of 0 leave the values bitwise as made. */
  const double factor = forcing->precipitation_factor, offset = forcing->temperature_offset_c;
  if (factor != 1.0)
    for (int32_t i = 0; i < forcing->n_cells; i++) out->precipitation_mm[i] *= factor;
  if (offset != 0.0) {
    for (int32_t i = 0; i < forcing->n_cells; i++) out->temperature_c[i] += offset;
    if (out->temperature_min_c)
      for (int32_t i = 0; i < forcing->n_cells; i++) out->temperature_min_c[i] += offset;
    if (out->temperature_max_c)
      for (int32_t i = 0; i < forcing->n_cells; i++) out->temperature_max_c[i] += offset;
  }
  return WC_OK;
}

const char *wc_forcing_name(const wc_forcing *forcing) { return forcing ? forcing->ops->name : "(none)"; }
int32_t wc_forcing_cell_count(const wc_forcing *forcing) { return forcing ? forcing->n_cells : 0; }
double wc_forcing_step_s(const wc_forcing *forcing) { return forcing ? (double)forcing->step_s : 0.0; }

void wc_forcing_destroy(wc_forcing **forcing) {
  if (forcing == NULL || *forcing == NULL) return;
  wc_forcing *f = *forcing;
  if (f->content) f->ops->destroy(f->content);
  free(f);
  *forcing = NULL;
}
