/*
 * test_terrain_bench.c — the terrain pipeline on a 2000 x 2000 (4 million cell) DEM.
 *
 * Prints the time of each stage; asserts only what must hold at any speed (every cell
 * drains to an outlet, accumulation conserves cells, the graph's invariants). Timing on
 * shared 2-core machines is noisy, so there is deliberately no time limit here.
 * Optional argument: the grid side (default 2000).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "wc_terrain.h"
#include "wc_test.h"

static int32_t side = 2000;

static double now_s(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Hills (sum of sines) on a regional tilt, with white noise that makes many small pits,
 * rounded to 0.5 m so there are plenty of exact flats, and one nodata lake. */
static void make_dem(const wc_grid *grid, double *dem, uint8_t *valid) {
  uint64_t state = 12345;
  for (int32_t r = 0; r < grid->rows; r++) {
    for (int32_t c = 0; c < grid->cols; c++) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      double noise = (double)(state >> 11) * (1.0 / 9007199254740992.0);
      double x = (double)c / grid->cols, y = (double)r / grid->rows;
      double z = 800.0 - 300.0 * y + 60.0 * sin(17.0 * x) * cos(11.0 * y) +
                 25.0 * sin(53.0 * x + 3.0 * y) + 4.0 * noise;
      int32_t i = r * grid->cols + c;
      dem[i] = 0.5 * floor(2.0 * z);
      valid[i] = hypot(x - 0.3, y - 0.6) > 0.05;
    }
  }
}

static void test_pipeline_4m(void) {
  wc_grid grid = {side, side, 400000.0, 4500000.0, 30.0};
  int32_t n = wc_grid_cell_count(&grid);
  double *dem = malloc((size_t)n * sizeof *dem), *filled = malloc((size_t)n * sizeof *filled);
  uint8_t *valid = malloc((size_t)n);
  int8_t *dir = malloc((size_t)n);
  CU_ASSERT_FATAL(dem && filled && valid && dir);
  make_dem(&grid, dem, valid);

  wc_drainage_graph *g = NULL;
  double t0 = now_s();
  CU_ASSERT_EQUAL_FATAL(wc_dem_fill(&grid, dem, valid, NULL, filled), WC_OK);
  double t1 = now_s();
  CU_ASSERT_EQUAL_FATAL(wc_flowdir_d8(&grid, filled, valid, NULL, dir), WC_OK);
  double t2 = now_s();
  CU_ASSERT_EQUAL_FATAL(wc_drainage_graph_create(&grid, dir, &g), WC_OK);
  double t3 = now_s();
  int32_t *cells = malloc((size_t)g->n * sizeof *cells);
  double *area = malloc((size_t)g->n * sizeof *area);
  double *slope = malloc((size_t)g->n * sizeof *slope);
  double *length = malloc((size_t)g->n * sizeof *length);
  CU_ASSERT_EQUAL(wc_flow_accumulation(g, cells, area), WC_OK);
  double t4 = now_s();
  CU_ASSERT_EQUAL(wc_flow_slope(g, dem, WC_SLOPE_FLOOR_DEFAULT, slope), WC_OK);
  CU_ASSERT_EQUAL(wc_flow_length(g, length, NULL), WC_OK);
  double t5 = now_s();

  int64_t raised = 0, at_outlets = 0;
  for (int32_t i = 0; i < n; i++) raised += valid[i] && filled[i] > dem[i];
  for (int32_t i = 0; i < g->n; i++)
    if (g->downstream[i] < 0) at_outlets += cells[i];
  CU_ASSERT_EQUAL(at_outlets, g->n);
  CU_ASSERT_EQUAL(wc_drainage_graph_check(g), WC_OK);

  printf("\n  %d x %d grid, %d valid cells, %lld raised by the fill, %d outlets\n", (int)side,
         (int)side, (int)g->n, (long long)raised, (int)g->n_outlets);
  printf(
      "  fill %.2f s, D8 %.2f s, graph (validate+order) %.2f s, accumulation %.3f s, "
      "slope+length %.3f s; fill+D8+graph+accumulation %.2f s\n",
      t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t4 - t0);
  free(cells);
  free(area);
  free(slope);
  free(length);
  wc_drainage_graph_destroy(&g);
  free(dem);
  free(filled);
  free(valid);
  free(dir);
}

static CU_TestInfo bench_tests[] = {WC_TEST(test_pipeline_4m), CU_TEST_INFO_NULL};
static CU_SuiteInfo suites[] = {
    {"terrain_bench", NULL, NULL, NULL, NULL, bench_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv) {
  if (argc > 1 && atoi(argv[1]) > 0) {
    side = atoi(argv[1]);
    argc = 1; /* the runner would read argv[1] as a suite name */
  }
  return wc_test_run(argc, argv, suites, 0);
}
