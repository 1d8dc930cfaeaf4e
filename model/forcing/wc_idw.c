/* wc_idw.c — inverse-distance weights, nearest stations first. */
#include "wc_idw.h"

#include <math.h>
#include <stdlib.h>

struct wc_idw {
  int32_t n_stations, n_cells, k; /* k neighbours per cell */
  int32_t *station;               /* n_cells * k */
  double *weight;                 /* n_cells * k */
};

/* Keep the k nearest in best[] (sorted by distance, then station index). */
static void insert_nearest(int32_t k, int32_t *count, double *best_d2, int32_t *best_s, double d2, int32_t s) {
  int32_t n = *count;
  if (n == k && !(d2 < best_d2[n - 1])) return; /* equal distance: the earlier station stays */
  int32_t pos = (n < k) ? n : k - 1;
  while (pos > 0 && d2 < best_d2[pos - 1]) {
    best_d2[pos] = best_d2[pos - 1];
    best_s[pos] = best_s[pos - 1];
    pos--;
  }
  best_d2[pos] = d2;
  best_s[pos] = s;
  if (n < k) *count = n + 1;
}

wc_status wc_idw_create(int32_t n_stations, const double *sx, const double *sy, int32_t n_cells,
                        const double *cx, const double *cy, wc_idw **out) {
  WC_CHECK(out != NULL && n_stations >= 1 && n_cells >= 0 && sx && sy && (n_cells == 0 || (cx && cy)),
           WC_ERR_INTERNAL, "wc_idw_create: bad arguments");
  *out = NULL;
  for (int32_t s = 0; s < n_stations; s++)
    WC_CHECK(isfinite(sx[s]) && isfinite(sy[s]), WC_ERR_INPUT,
             "station %d has a non-finite position (%g, %g)", (int)s + 1, sx[s], sy[s]);
  wc_idw *w = calloc(1, sizeof *w);
  WC_CHECK(w != NULL, WC_ERR_MEMORY, "out of memory for interpolation weights");
  w->n_stations = n_stations;
  w->n_cells = n_cells;
  w->k = n_stations < WC_IDW_MAX_NEIGHBOURS ? n_stations : WC_IDW_MAX_NEIGHBOURS;
  size_t total = (size_t)(n_cells > 0 ? n_cells : 1) * (size_t)w->k;
  w->station = calloc(total, sizeof *w->station);
  w->weight = calloc(total, sizeof *w->weight);
  if (!w->station || !w->weight) {
    wc_idw_destroy(&w);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for interpolation weights of %d cells", (int)n_cells);
  }
  const double same2 = WC_IDW_SAME_POINT_M * WC_IDW_SAME_POINT_M;
  for (int32_t i = 0; i < n_cells; i++) {
    if (!(isfinite(cx[i]) && isfinite(cy[i]))) {
      int32_t bad = i;
      wc_idw_destroy(&w);
      WC_FAIL(WC_ERR_INPUT, "cell %d has a non-finite position (%g, %g)", (int)bad, cx[bad], cy[bad]);
    }
    double best_d2[WC_IDW_MAX_NEIGHBOURS];
    int32_t best_s[WC_IDW_MAX_NEIGHBOURS];
    int32_t count = 0;
    for (int32_t s = 0; s < n_stations; s++) {
      double dx = cx[i] - sx[s], dy = cy[i] - sy[s];
      insert_nearest(w->k, &count, best_d2, best_s, dx * dx + dy * dy, s);
    }
    int32_t *station = w->station + (size_t)i * w->k;
    double *weight = w->weight + (size_t)i * w->k;
    for (int32_t j = 0; j < w->k; j++) station[j] = best_s[j];
    if (best_d2[0] <= same2) {
      /* On a station: that station alone (the nearest; 1/0 is not a weight). */
      weight[0] = 1.0;
      for (int32_t j = 1; j < w->k; j++) weight[j] = 0.0;
      continue;
    }
    double sum = 0.0;
    for (int32_t j = 0; j < w->k; j++) {
      /* Power 2: 1/d^2 needs no square root. */
      weight[j] = 1.0 / best_d2[j];
      sum += weight[j];
    }
    for (int32_t j = 0; j < w->k; j++) weight[j] /= sum;
  }
  *out = w;
  return WC_OK;
}

void wc_idw_destroy(wc_idw **idw) {
  if (!idw || !*idw) return;
  free((*idw)->station);
  free((*idw)->weight);
  free(*idw);
  *idw = NULL;
}

void wc_idw_apply(const wc_idw *idw, const double *station_values, double *cell_values) {
  const int32_t k = idw->k;
  for (int32_t i = 0; i < idw->n_cells; i++) {
    const int32_t *s = idw->station + (size_t)i * k;
    const double *w = idw->weight + (size_t)i * k;
    double v = 0.0;
    for (int32_t j = 0; j < k; j++) v += w[j] * station_values[s[j]];
    cell_values[i] = v;
  }
}

void wc_idw_apply_lapsed(const wc_idw *idw, const double *station_values_c, const double *station_elevation_m,
                         double lapse_c_per_km, const double *cell_elevation_m, double *scratch,
                         double *cell_values_c) {
  const double lapse_per_m = lapse_c_per_km / 1000.0;
  for (int32_t s = 0; s < idw->n_stations; s++)
    scratch[s] = station_values_c[s] - lapse_per_m * station_elevation_m[s];
  wc_idw_apply(idw, scratch, cell_values_c);
  for (int32_t i = 0; i < idw->n_cells; i++) cell_values_c[i] += lapse_per_m * cell_elevation_m[i];
}

int32_t wc_idw_neighbours(const wc_idw *idw) { return idw->k; }

void wc_idw_cell_weights(const wc_idw *idw, int32_t cell, const int32_t **stations, const double **weights) {
  *stations = idw->station + (size_t)cell * idw->k;
  *weights = idw->weight + (size_t)cell * idw->k;
}
