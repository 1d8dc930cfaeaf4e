/*
 * test_terrain.c — terrain processing on small hand-made grids with known answers:
 * D8 on planes and a V valley, pit filling, flat resolution, both outlet modes, direction
 * validation (cycles), the drainage graph's invariants, accumulation, slope, lengths,
 * channels, section snapping and sub-basins; plus random DEMs checked against brute force.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_terrain.h"
#include "wc_test.h"

#define X0 500000.0
#define Y0 4500000.0

static wc_grid make_grid(int32_t rows, int32_t cols, double cell_size_m) {
  wc_grid grid = {rows, cols, X0, Y0, cell_size_m};
  return grid;
}

/* Message of the last error contains `text` (printed when not, to see why). */
static int message_has(const char *text) {
  if (strstr(wc_error_message(), text) != NULL) return 1;
  fprintf(stderr, "\n  expected \"%s\" in: %s\n", text, wc_error_message());
  return 0;
}

/* fill -> D8 -> graph; CU assertions on each step. Returns the graph (NULL on failure);
 * `dir` (rows * cols) receives the directions and `filled` (may be NULL) the fill. */
static wc_drainage_graph *build(const wc_grid *grid, const double *dem, const uint8_t *valid,
                                const wc_outlets *outlets, int8_t *dir, double *filled) {
  int32_t n = wc_grid_cell_count(grid);
  double *work = malloc((size_t)n * sizeof *work);
  wc_drainage_graph *graph = NULL;
  wc_status status = wc_dem_fill(grid, dem, valid, outlets, work);
  CU_ASSERT_EQUAL(status, WC_OK);
  if (status == WC_OK) {
    status = wc_flowdir_d8(grid, work, valid, outlets, dir);
    CU_ASSERT_EQUAL(status, WC_OK);
  }
  if (status == WC_OK) {
    status = wc_drainage_graph_create(grid, dir, &graph);
    CU_ASSERT_EQUAL(status, WC_OK);
  }
  if (status == WC_OK) CU_ASSERT_EQUAL(wc_drainage_graph_check(graph), WC_OK);
  if (status != WC_OK) fprintf(stderr, "\n  pipeline failed: %s\n", wc_error_message());
  if (filled != NULL) memcpy(filled, work, (size_t)n * sizeof *work);
  free(work);
  return graph;
}

/* ---- D8 on exact surfaces ---------------------------------------------------------------- */

static void test_d8_tilted_plane_south(void) {
  enum { R = 5, C = 4 };
  wc_grid grid = make_grid(R, C, 100.0);
  double dem[R * C], filled[R * C];
  int8_t dir[R * C];
  for (int r = 0; r < R; r++)
    for (int c = 0; c < C; c++) dem[r * C + c] = 100.0 - 2.0 * r;
  wc_drainage_graph *g = build(&grid, dem, NULL, NULL, dir, filled);
  CU_ASSERT_FATAL(g != NULL);
  for (int i = 0; i < R * C; i++) {
    CU_ASSERT_EQUAL(filled[i], dem[i]); /* no depression, no flat: fill changes nothing */
    CU_ASSERT_EQUAL(dir[i], i / C == R - 1 ? WC_D8_OUTLET : WC_D8_S);
  }
  CU_ASSERT_EQUAL(g->n_outlets, C);
  wc_drainage_graph_destroy(&g);
  CU_ASSERT_PTR_NULL(g);
  wc_drainage_graph_destroy(&g); /* NULL is accepted */
}

static void test_d8_tilted_plane_southeast(void) {
  enum { R = 4, C = 6 };
  wc_grid grid = make_grid(R, C, 30.0);
  double dem[R * C];
  int8_t dir[R * C];
  for (int r = 0; r < R; r++)
    for (int c = 0; c < C; c++) dem[r * C + c] = 50.0 - r - c;
  wc_drainage_graph *g = build(&grid, dem, NULL, NULL, dir, NULL);
  CU_ASSERT_FATAL(g != NULL);
  for (int r = 0; r < R; r++)
    for (int c = 0; c < C; c++) {
      int expect = WC_D8_SE; /* drop 2 over sqrt(2) beats 1 over 1 */
      if (r == R - 1 && c == C - 1)
        expect = WC_D8_OUTLET;
      else if (r == R - 1)
        expect = WC_D8_E;
      else if (c == C - 1)
        expect = WC_D8_S;
      CU_ASSERT_EQUAL(dir[r * C + c], expect);
    }
  CU_ASSERT_EQUAL(g->n_outlets, 1);
  wc_drainage_graph_destroy(&g);
}

/* 6 x 5 V valley along column 2, falling 1 m per row southwards, hillsides 10 m per column:
 * hillsides drain E/W into the valley, the valley drains S, (5,2) is the only outlet. */
enum { VR = 6, VC = 5 };
static void v_valley(double *dem) {
  for (int r = 0; r < VR; r++)
    for (int c = 0; c < VC; c++) dem[r * VC + c] = 10.0 * abs(c - 2) + (VR - 1 - r);
}

static void test_d8_v_valley(void) {
  wc_grid grid = make_grid(VR, VC, 100.0);
  double dem[VR * VC];
  int8_t dir[VR * VC];
  v_valley(dem);
  wc_drainage_graph *g = build(&grid, dem, NULL, NULL, dir, NULL);
  CU_ASSERT_FATAL(g != NULL);
  for (int r = 0; r < VR; r++)
    for (int c = 0; c < VC; c++) {
      int expect = c < 2 ? WC_D8_E : c > 2 ? WC_D8_W : r < VR - 1 ? WC_D8_S : WC_D8_OUTLET;
      CU_ASSERT_EQUAL(dir[r * VC + c], expect);
    }
  CU_ASSERT_EQUAL(g->n_outlets, 1);
  wc_drainage_graph_destroy(&g);
}

/* ---- filling ---------------------------------------------------------------------------- */

static void test_fill_pit(void) {
  enum { R = 5, C = 5 };
  wc_grid grid = make_grid(R, C, 100.0);
  double dem[R * C], filled[R * C];
  int8_t dir[R * C];
  for (int i = 0; i < R * C; i++) dem[i] = 10.0 - i / C;
  const int pit = 2 * C + 2;
  dem[pit] = 0.0; /* spill level is 7 m, the row below */
  wc_drainage_graph *g = build(&grid, dem, NULL, NULL, dir, filled);
  CU_ASSERT_FATAL(g != NULL);
  CU_ASSERT(filled[pit] > 7.0 && filled[pit] < 7.0 + 1e-9);
  for (int i = 0; i < R * C; i++)
    if (i != pit) CU_ASSERT_EQUAL(filled[i], dem[i]);
  CU_ASSERT_EQUAL(dir[pit], WC_D8_S);

  /* In place gives the same; D8 on the unfilled DEM names the pit. */
  double copy[R * C];
  memcpy(copy, dem, sizeof dem);
  CU_ASSERT_EQUAL(wc_flowdir_d8(&grid, copy, NULL, NULL, dir), WC_ERR_INPUT);
  CU_ASSERT(message_has("row 2, column 2 (x=500250.0, y=4499750.0 m)"));
  CU_ASSERT(message_has("pit"));
  CU_ASSERT_EQUAL(wc_dem_fill(&grid, copy, NULL, NULL, copy), WC_OK);
  CU_ASSERT_EQUAL(memcmp(copy, filled, sizeof copy), 0);

  /* Slope on the original DEM: the pit's link climbs, so it gets the floor. */
  double slope[R * C];
  CU_ASSERT_EQUAL(wc_flow_slope(g, dem, 1e-4, slope), WC_OK);
  CU_ASSERT_EQUAL(slope[g->node_of_cell[pit]], 1e-4);
  CU_ASSERT_DOUBLE_EQUAL(slope[g->node_of_cell[0]], 0.01, 1e-12);
  wc_drainage_graph_destroy(&g);
}

static void test_flat_drains(void) {
  enum { R = 7, C = 9 };
  wc_grid grid = make_grid(R, C, 50.0);
  double dem[R * C], filled[R * C];
  int8_t dir[R * C];
  for (int i = 0; i < R * C; i++) dem[i] = 0.0; /* sea level: one-ulp tilts are denormal */
  wc_drainage_graph *g = build(&grid, dem, NULL, NULL, dir, filled);
  CU_ASSERT_FATAL(g != NULL);
  CU_ASSERT_EQUAL(g->n, R * C);
  for (int r = 0; r < R; r++)
    for (int c = 0; c < C; c++) {
      int i = r * C + c, edge = r == 0 || c == 0 || r == R - 1 || c == C - 1;
      CU_ASSERT(dir[i] >= 0 || (dir[i] == WC_D8_OUTLET && edge));
      /* every interior cell drains to a strictly lower filled cell */
      if (dir[i] >= 0)
        CU_ASSERT(filled[i + wc_d8_drow[dir[i]] * C + wc_d8_dcol[dir[i]]] < filled[i]);
    }
  /* the centre is 3 cells from the nearest edge, so it drains there in 3 steps */
  double length[R * C];
  CU_ASSERT_EQUAL(wc_flow_length(g, length, NULL), WC_OK);
  CU_ASSERT_DOUBLE_EQUAL(length[g->node_of_cell[3 * C + 4]], 150.0, 1e-9);
  double slope[R * C];
  CU_ASSERT_EQUAL(wc_flow_slope(g, dem, WC_SLOPE_FLOOR_DEFAULT, slope), WC_OK);
  for (int i = 0; i < g->n; i++) CU_ASSERT_EQUAL(slope[i], WC_SLOPE_FLOOR_DEFAULT);
  wc_drainage_graph_destroy(&g);

  /* The importer can refuse a flat DEM. */
  CU_ASSERT_EQUAL(wc_dem_check_relief(&grid, dem, NULL), WC_ERR_INPUT);
  CU_ASSERT(message_has("DEM has no relief"));
  dem[5] = 1.0;
  CU_ASSERT_EQUAL(wc_dem_check_relief(&grid, dem, NULL), WC_OK);

  /* Flat with one designated outlet in a corner: everything drains to it. */
  for (int i = 0; i < R * C; i++) dem[i] = 120.0;
  int32_t corner = R * C - 1;
  wc_outlets outlets = {WC_OUTLETS_DESIGNATED, &corner, 1};
  g = build(&grid, dem, NULL, &outlets, dir, NULL);
  CU_ASSERT_FATAL(g != NULL);
  CU_ASSERT_EQUAL(g->n_outlets, 1);
  CU_ASSERT_EQUAL(dir[corner], WC_D8_OUTLET);
  int32_t cells[R * C];
  CU_ASSERT_EQUAL(wc_flow_accumulation(g, cells, NULL), WC_OK);
  CU_ASSERT_EQUAL(cells[g->node_of_cell[corner]], R * C);
  wc_drainage_graph_destroy(&g);
}

static void test_designated_bowl(void) {
  enum { R = 9, C = 9 };
  wc_grid grid = make_grid(R, C, 100.0);
  double dem[R * C], filled[R * C];
  int8_t dir[R * C];
  for (int r = 0; r < R; r++)
    for (int c = 0; c < C; c++) dem[r * C + c] = 200.0 + 5.0 * hypot(r - 4, c - 4);

  /* Reservoir at the bottom of the bowl: the natural drainage, one outlet. */
  int32_t centre = 4 * C + 4;
  wc_outlets outlets = {WC_OUTLETS_DESIGNATED, &centre, 1};
  wc_drainage_graph *g = build(&grid, dem, NULL, &outlets, dir, filled);
  CU_ASSERT_FATAL(g != NULL);
  CU_ASSERT_EQUAL(g->n_outlets, 1);
  CU_ASSERT_EQUAL(dir[centre], WC_D8_OUTLET);
  CU_ASSERT_EQUAL(memcmp(filled, dem, sizeof dem), 0);
  int32_t cells[R * C];
  CU_ASSERT_EQUAL(wc_flow_accumulation(g, cells, NULL), WC_OK);
  CU_ASSERT_EQUAL(cells[g->node_of_cell[centre]], R * C);
  wc_drainage_graph_destroy(&g);

  /* Outlet on the rim: the bowl fills up to it and still drains to that one cell. */
  int32_t rim = 0 * C + 4;
  outlets.cells = &rim;
  g = build(&grid, dem, NULL, &outlets, dir, filled);
  CU_ASSERT_FATAL(g != NULL);
  CU_ASSERT_EQUAL(g->n_outlets, 1);
  CU_ASSERT_EQUAL(dir[rim], WC_D8_OUTLET);
  CU_ASSERT(filled[centre] > dem[rim]);
  CU_ASSERT_EQUAL(wc_flow_accumulation(g, cells, NULL), WC_OK);
  CU_ASSERT_EQUAL(cells[g->node_of_cell[rim]], R * C);
  wc_drainage_graph_destroy(&g);

  /* Open boundary instead: the bowl spills over its lowest edge cells, several outlets. */
  g = build(&grid, dem, NULL, NULL, dir, filled);
  CU_ASSERT_FATAL(g != NULL);
  CU_ASSERT(g->n_outlets >= 4);
  CU_ASSERT(filled[centre] > 220.0);
  wc_drainage_graph_destroy(&g);

  /* A valid region cut off from the outlet by a nodata column is an error. */
  uint8_t valid[R * C];
  for (int i = 0; i < R * C; i++) valid[i] = i % C != 6;
  CU_ASSERT_EQUAL(wc_dem_fill(&grid, dem, valid, &outlets, filled), WC_ERR_INPUT);
  CU_ASSERT(message_has("18 valid cell(s) cannot drain to any designated outlet"));
  CU_ASSERT(message_has("row 0, column 7"));
  /* an outlet on nodata, or off the grid */
  int32_t bad = 6;
  outlets.cells = &bad;
  CU_ASSERT_EQUAL(wc_dem_fill(&grid, dem, valid, &outlets, filled), WC_ERR_INPUT);
  CU_ASSERT(message_has("is a nodata cell"));
  bad = R * C;
  CU_ASSERT_EQUAL(wc_dem_fill(&grid, dem, valid, &outlets, filled), WC_ERR_INPUT);
  CU_ASSERT(message_has("outside the 9 x 9 grid"));
}

static void test_nodata_checks(void) {
  enum { R = 6, C = 6 };
  wc_grid grid = make_grid(R, C, 100.0);
  uint8_t valid[R * C];
  double dem[R * C], filled[R * C];
  memset(valid, 1, sizeof valid);
  for (int i = 0; i < R * C; i++) dem[i] = 10.0 + (i % 7);
  CU_ASSERT_EQUAL(wc_dem_check_holes(&grid, NULL), WC_OK);
  CU_ASSERT_EQUAL(wc_dem_check_holes(&grid, valid), WC_OK);

  /* Nodata reaching the edge (also through a diagonal step) is outside the basin. */
  valid[0] = valid[1 * C + 1] = valid[2 * C + 2] = 0;
  CU_ASSERT_EQUAL(wc_dem_check_holes(&grid, valid), WC_OK);

  /* A 2-cell hole enclosed by valid cells. */
  valid[3 * C + 4] = valid[4 * C + 4] = 0;
  CU_ASSERT_EQUAL(wc_dem_check_holes(&grid, valid), WC_ERR_INPUT);
  CU_ASSERT(message_has("interior nodata hole of 2 cell(s) at row 3, column 4"));
  /* open-boundary filling itself accepts the hole: its rim cells are seeds */
  CU_ASSERT_EQUAL(wc_dem_fill(&grid, dem, valid, NULL, filled), WC_OK);

  /* All nodata, and a NaN on a valid cell. */
  memset(valid, 0, sizeof valid);
  CU_ASSERT_EQUAL(wc_dem_fill(&grid, dem, valid, NULL, filled), WC_ERR_INPUT);
  CU_ASSERT(message_has("DEM has no valid cell"));
  memset(valid, 1, sizeof valid);
  dem[7] = NAN;
  CU_ASSERT_EQUAL(wc_dem_fill(&grid, dem, valid, NULL, filled), WC_ERR_INPUT);
  CU_ASSERT(message_has("row 1, column 1"));
  /* and a broken geometry */
  wc_grid bad = make_grid(R, C, 0.0);
  CU_ASSERT_EQUAL(wc_dem_fill(&bad, dem, valid, NULL, filled), WC_ERR_INPUT);
  CU_ASSERT(message_has("cell size is 0 m"));
}

/* ---- user direction grids ---------------------------------------------------------------- */

static void test_cycle_reported(void) {
  enum { R = 4, C = 4 };
  wc_grid grid = make_grid(R, C, 100.0);
  /* Cycle (1,1) E -> (1,2) S -> (2,2) W -> (2,1) N -> (1,1); (0,1) E -> (0,2) S feeds it,
   * so the search enters the cycle at (1,2) but must name its first cell, (1,1). */
  const int8_t dir[R * C] = {
      WC_D8_S, WC_D8_E, WC_D8_S, WC_D8_S,  //
      WC_D8_S, WC_D8_E, WC_D8_S, WC_D8_S,  //
      WC_D8_S, WC_D8_N, WC_D8_W, WC_D8_S,  //
      -1,      -1,      -1,      -1,       //
  };
  CU_ASSERT_EQUAL(wc_flowdir_check(&grid, dir), WC_ERR_INPUT);
  CU_ASSERT(message_has("cycle of 4 cells through row 1, column 1 (x=500150.0, y=4499850.0 m)"));
  CU_ASSERT(message_has("points E to row 1, column 2"));
  CU_ASSERT(message_has("6 cell(s) are on or upstream of cycles"));
  wc_drainage_graph dummy, *g = &dummy; /* must be reset to NULL on failure */
  CU_ASSERT_EQUAL(wc_drainage_graph_create(&grid, dir, &g), WC_ERR_INPUT);
  CU_ASSERT_PTR_NULL(g);

  /* A two-cell cycle in the bottom row. */
  int8_t two[R * C];
  for (int i = 0; i < R * C; i++) two[i] = i / C == R - 1 ? WC_D8_OUTLET : WC_D8_S;
  two[3 * C + 2] = WC_D8_E;
  two[3 * C + 3] = WC_D8_W;
  CU_ASSERT_EQUAL(wc_flowdir_check(&grid, two), WC_ERR_INPUT);
  CU_ASSERT(message_has("cycle of 2 cells through row 3, column 2"));
  two[3 * C + 3] = WC_D8_OUTLET;
  CU_ASSERT_EQUAL(wc_flowdir_check(&grid, two), WC_OK);

  /* Bad codes and targets. */
  two[5] = 9;
  CU_ASSERT_EQUAL(wc_flowdir_check(&grid, two), WC_ERR_INPUT);
  CU_ASSERT(message_has("row 1, column 1 (x=500150.0, y=4499850.0 m) is 9"));
  two[5] = WC_D8_S;
  two[4] = WC_D8_W;
  CU_ASSERT_EQUAL(wc_flowdir_check(&grid, two), WC_ERR_INPUT);
  CU_ASSERT(message_has("row 1, column 0"));
  CU_ASSERT(message_has("off the grid"));
  two[4] = WC_D8_S;
  two[8] = WC_D8_NODATA;
  CU_ASSERT_EQUAL(wc_flowdir_check(&grid, two), WC_ERR_INPUT);
  CU_ASSERT(message_has("row 1, column 0"));
  CU_ASSERT(message_has("into a nodata cell"));
}

/* ---- random DEMs against brute force ------------------------------------------------------ */

static uint64_t rng_state;
static double rng_uniform(void) {
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(rng_state >> 11) * (1.0 / 9007199254740992.0);
}

/* Every claim about a finished graph, checked the slow way. */
static void check_graph_brute_force(const wc_grid *grid, const wc_drainage_graph *g,
                                    const int8_t *dir, const double *filled) {
  const int32_t n = g->n, cols = grid->cols;
  int32_t *cells = calloc((size_t)n, sizeof *cells), *brute = calloc((size_t)n, sizeof *brute);
  double *area = calloc((size_t)n, sizeof *area);
  CU_ASSERT_EQUAL(wc_flow_accumulation(g, cells, area), WC_OK);
  int32_t at_outlets = 0;
  for (int32_t i = 0; i < n; i++) {
    CU_ASSERT(g->downstream[i] == -1 || g->downstream[i] > i); /* topological order */
    int32_t code = dir[g->cell[i]];
    if (code >= 0) {
      /* the link is the D8 code, and it descends on the filled DEM */
      int32_t target = g->cell[i] + wc_d8_drow[code] * cols + wc_d8_dcol[code];
      CU_ASSERT_EQUAL(g->cell[g->downstream[i]], target);
      CU_ASSERT(filled[target] < filled[g->cell[i]]);
    } else {
      CU_ASSERT_EQUAL(code, WC_D8_OUTLET);
      CU_ASSERT_EQUAL(g->downstream[i], -1);
      at_outlets += cells[i];
    }
    /* walk down to an outlet, counting this cell in every cell passed */
    int32_t v = i, steps = 0;
    while (v >= 0 && steps <= n) {
      brute[v]++;
      v = g->downstream[v];
      steps++;
    }
    CU_ASSERT(v == -1);
  }
  CU_ASSERT_EQUAL(at_outlets, n);
  int cell_mismatches = 0, area_mismatches = 0;
  const double cell_km2 = grid->cell_size_m * grid->cell_size_m * 1e-6;
  for (int32_t i = 0; i < n; i++) {
    cell_mismatches += cells[i] != brute[i];
    area_mismatches += fabs(area[i] - brute[i] * cell_km2) > 1e-12 * brute[i];
  }
  CU_ASSERT_EQUAL(cell_mismatches, 0);
  CU_ASSERT_EQUAL(area_mismatches, 0);
  free(cells);
  free(brute);
  free(area);
}

/* Swap node numbers of leaves a and b (keeping every array consistent); the result still
 * has downstream[i] > i when downstream[a] > b, but sub-trees are no longer contiguous. */
static void swap_leaves(wc_drainage_graph *g, int32_t a, int32_t b) {
  int32_t t;
#define SWAP(arr)  \
  t = arr[a];      \
  arr[a] = arr[b]; \
  arr[b] = t
  SWAP(g->downstream);
  SWAP(g->row);
  SWAP(g->col);
  SWAP(g->cell);
#undef SWAP
  g->node_of_cell[g->cell[a]] = a;
  g->node_of_cell[g->cell[b]] = b;
  int32_t *next = malloc((size_t)g->n * sizeof *next);
  memcpy(next, g->upstream_start, (size_t)g->n * sizeof *next);
  for (int32_t i = 0; i < g->n; i++)
    if (g->downstream[i] >= 0) g->upstream_index[next[g->downstream[i]]++] = i;
  free(next);
}

/* The checker's contiguity rule must catch a renumbering that keeps every other rule. */
static void check_contiguity_is_checked(wc_drainage_graph *g) {
  for (int32_t a = 0; a < g->n; a++) {
    if (g->upstream_start[a + 1] != g->upstream_start[a] || g->downstream[a] < 0) continue;
    for (int32_t b = a + 1; b < g->downstream[a]; b++) {
      if (g->upstream_start[b + 1] != g->upstream_start[b] || g->downstream[b] < 0 ||
          g->downstream[b] == g->downstream[a])
        continue;
      swap_leaves(g, a, b);
      CU_ASSERT_EQUAL(wc_drainage_graph_check(g), WC_ERR_INTERNAL);
      CU_ASSERT(message_has("is not contiguous"));
      swap_leaves(g, a, b);
      CU_ASSERT_EQUAL(wc_drainage_graph_check(g), WC_OK);
      return;
    }
  }
  CU_FAIL("no pair of leaves to swap: the random DEM is too regular for this check");
}

static void test_random_dem(void) {
  enum { R = 60, C = 80 };
  wc_grid grid = make_grid(R, C, 90.0);
  double *dem = malloc(R * C * sizeof *dem), *filled = malloc(R * C * sizeof *filled);
  int8_t *dir = malloc(R * C);
  uint8_t *valid = malloc(R * C);
  for (unsigned seed = 1; seed <= 4; seed++) {
    rng_state = seed;
    /* Rough terrain with many pits and exact flats (rounded to 5 m), plus nodata blobs. */
    for (int r = 0; r < R; r++)
      for (int c = 0; c < C; c++) dem[r * C + c] = 5.0 * floor(0.3 * r + 8.0 * rng_uniform());
    memset(valid, 1, R * C);
    for (int blob = 0; blob < 6; blob++) {
      double br = rng_uniform() * R, bc = rng_uniform() * C, radius = 1.0 + 5.0 * rng_uniform();
      for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++)
          if (hypot(r - br, c - bc) < radius) valid[r * C + c] = 0;
    }
    int32_t n_valid = 0;
    for (int i = 0; i < R * C; i++) n_valid += valid[i];

    wc_drainage_graph *g = build(&grid, dem, valid, NULL, dir, filled);
    CU_ASSERT_FATAL(g != NULL);
    CU_ASSERT_EQUAL(g->n, n_valid);
    for (int i = 0; i < R * C; i++) {
      CU_ASSERT_EQUAL(dir[i] == WC_D8_NODATA, !valid[i]);
      if (valid[i]) CU_ASSERT(filled[i] >= dem[i]);
    }
    check_graph_brute_force(&grid, g, dir, filled);
    check_contiguity_is_checked(g);
    wc_drainage_graph_destroy(&g);

    /* Designated mode on the full grid: one outlet in the middle takes everything. */
    int32_t outlet = (R / 2) * C + C / 3;
    wc_outlets outlets = {WC_OUTLETS_DESIGNATED, &outlet, 1};
    g = build(&grid, dem, NULL, &outlets, dir, filled);
    CU_ASSERT_FATAL(g != NULL);
    CU_ASSERT_EQUAL(g->n_outlets, 1);
    CU_ASSERT_EQUAL(g->downstream[g->node_of_cell[outlet]], -1);
    check_graph_brute_force(&grid, g, dir, filled);
    wc_drainage_graph_destroy(&g);
  }
  free(dem);
  free(filled);
  free(dir);
  free(valid);
}

/* ---- the graph -------------------------------------------------------------------------- */

static void test_graph_invariants(void) {
  wc_grid grid = make_grid(VR, VC, 100.0);
  double dem[VR * VC];
  int8_t dir[VR * VC];
  v_valley(dem);
  wc_drainage_graph *g = build(&grid, dem, NULL, NULL, dir, NULL);
  CU_ASSERT_FATAL(g != NULL);
  CU_ASSERT_EQUAL(g->n, VR * VC);
  CU_ASSERT_EQUAL(g->downstream[g->n - 1], -1); /* single outlet: post-order ends with it */
  CU_ASSERT_EQUAL(g->cell[g->n - 1], (VR - 1) * VC + 2);
  /* The valley cell (3,2) has its own upstream area (20 cells) just before it. */
  int32_t v = g->node_of_cell[3 * VC + 2], cells[VR * VC];
  CU_ASSERT_EQUAL(wc_flow_accumulation(g, cells, NULL), WC_OK);
  CU_ASSERT_EQUAL(cells[v], 20);
  for (int32_t i = v - 19; i <= v; i++) CU_ASSERT(g->row[i] <= 3);
  /* upstream of (3,2): (2,2), (3,1), (3,3) in ascending node order */
  CU_ASSERT_EQUAL(g->upstream_start[v + 1] - g->upstream_start[v], 3);

  /* The checker must catch broken graphs. */
  int32_t saved = g->downstream[0];
  g->downstream[0] = -1;
  CU_ASSERT_EQUAL(wc_drainage_graph_check(g), WC_ERR_INTERNAL);
  g->downstream[0] = saved;
  int32_t first = g->upstream_index[0];
  g->upstream_index[0] = g->upstream_index[1];
  CU_ASSERT_EQUAL(wc_drainage_graph_check(g), WC_ERR_INTERNAL);
  g->upstream_index[0] = first;
  CU_ASSERT_EQUAL(wc_drainage_graph_check(g), WC_OK);
  wc_drainage_graph_destroy(&g);
}

static void test_accumulation_hand(void) {
  wc_grid grid = make_grid(VR, VC, 100.0);
  double dem[VR * VC], area[VR * VC];
  int8_t dir[VR * VC];
  int32_t cells[VR * VC];
  v_valley(dem);
  wc_drainage_graph *g = build(&grid, dem, NULL, NULL, dir, NULL);
  CU_ASSERT_FATAL(g != NULL);
  CU_ASSERT_EQUAL(wc_flow_accumulation(g, cells, area), WC_OK);
  /* hillside columns 0/4: 1 cell, columns 1/3: 2 cells, valley row r: 5 (r + 1) cells */
  const int32_t expect_col[VC] = {1, 2, 0, 2, 1};
  for (int i = 0; i < g->n; i++) {
    int32_t want = g->col[i] == 2 ? 5 * (g->row[i] + 1) : expect_col[g->col[i]];
    CU_ASSERT_EQUAL(cells[i], want);
    CU_ASSERT_DOUBLE_EQUAL(area[i], want * 0.01, 1e-12); /* 100 m cells: 0.01 km2 */
  }
  /* area only */
  double area_only[VR * VC];
  CU_ASSERT_EQUAL(wc_flow_accumulation(g, NULL, area_only), WC_OK);
  CU_ASSERT_EQUAL(memcmp(area, area_only, sizeof area), 0);
  wc_drainage_graph_destroy(&g);
}

static void test_slope_length_channels(void) {
  wc_grid grid = make_grid(VR, VC, 100.0);
  double dem[VR * VC], area[VR * VC], slope[VR * VC], down[VR * VC], up[VR * VC];
  int8_t dir[VR * VC];
  uint8_t channel[VR * VC];
  v_valley(dem);
  wc_drainage_graph *g = build(&grid, dem, NULL, NULL, dir, NULL);
  CU_ASSERT_FATAL(g != NULL);
  CU_ASSERT_EQUAL(wc_flow_accumulation(g, NULL, area), WC_OK);
  CU_ASSERT_EQUAL(wc_flow_slope(g, dem, 1e-4, slope), WC_OK);
  CU_ASSERT_EQUAL(wc_flow_length(g, down, up), WC_OK);
  for (int i = 0; i < g->n; i++) {
    int32_t r = g->row[i], c = g->col[i];
    /* hillsides 10 m per 100 m; the valley, outlet included, 1 m per 100 m */
    CU_ASSERT_DOUBLE_EQUAL(slope[i], c == 2 ? 0.01 : 0.1, 1e-12);
    double lateral = 100.0 * abs(c - 2);
    CU_ASSERT_DOUBLE_EQUAL(down[i], lateral + 100.0 * (VR - 1 - r), 1e-9);
    double expect_up = c == 2 ? 200.0 + 100.0 * r : c == 1 || c == 3 ? 100.0 : 0.0;
    CU_ASSERT_DOUBLE_EQUAL(up[i], expect_up, 1e-9);
  }
  CU_ASSERT_EQUAL(wc_flow_slope(g, dem, 0.0, slope), WC_ERR_INPUT);

  /* 0.1 km2 = 10 cells: the valley from row 1 down. */
  int32_t n_channel = 0;
  CU_ASSERT_EQUAL(wc_channel_mask(g, area, 0.1, channel, &n_channel), WC_OK);
  CU_ASSERT_EQUAL(n_channel, VR - 1);
  for (int i = 0; i < g->n; i++) {
    CU_ASSERT_EQUAL(channel[i], g->col[i] == 2 && g->row[i] >= 1);
    if (channel[i] && g->downstream[i] >= 0) CU_ASSERT(channel[g->downstream[i]]);
  }
  CU_ASSERT_EQUAL(wc_channel_mask(g, area, -1.0, channel, NULL), WC_ERR_INPUT);
  wc_drainage_graph_destroy(&g);
}

/* ---- sections --------------------------------------------------------------------------- */

static void test_snap(void) {
  wc_grid grid = make_grid(VR, VC, 100.0);
  double dem[VR * VC], area[VR * VC], x, y, moved;
  int8_t dir[VR * VC];
  int32_t node;
  v_valley(dem);
  wc_drainage_graph *g = build(&grid, dem, NULL, NULL, dir, NULL);
  CU_ASSERT_FATAL(g != NULL);
  CU_ASSERT_EQUAL(wc_flow_accumulation(g, NULL, area), WC_OK);
  wc_grid_cell_center(&grid, 2, 0, &x, &y); /* hillside cell (2,0) */

  /* 250 m reaches valley cells (1..3, 2); (3,2) drains the most (20 cells), 223.6 m away */
  CU_ASSERT_EQUAL(wc_section_snap(g, area, x, y, 250.0, &node, &moved), WC_OK);
  CU_ASSERT_EQUAL(g->cell[node], 3 * VC + 2);
  CU_ASSERT_DOUBLE_EQUAL(moved, sqrt(200.0 * 200.0 + 100.0 * 100.0), 1e-9);
  /* 150 m: (1,1), (2,1), (3,1) tie at 2 cells; the nearest, (2,1), wins */
  CU_ASSERT_EQUAL(wc_section_snap(g, area, x, y, 150.0, &node, &moved), WC_OK);
  CU_ASSERT_EQUAL(g->cell[node], 2 * VC + 1);
  CU_ASSERT_DOUBLE_EQUAL(moved, 100.0, 1e-9);
  /* 0 m: the cell itself */
  CU_ASSERT_EQUAL(wc_section_snap(g, area, x + 20.0, y, 0.0, &node, &moved), WC_OK);
  CU_ASSERT_EQUAL(g->cell[node], 2 * VC + 0);
  CU_ASSERT_DOUBLE_EQUAL(moved, 20.0, 1e-9);
  /* outside the grid */
  CU_ASSERT_EQUAL(wc_section_snap(g, area, X0 - 10.0, y, 500.0, &node, &moved), WC_ERR_INPUT);
  CU_ASSERT(message_has("(x=499990.0, y=4499750.0 m) lies outside the grid"));
  wc_drainage_graph_destroy(&g);

  /* Column 0 is nodata: a point there is outside the basin, whatever the radius. */
  uint8_t valid[VR * VC];
  for (int i = 0; i < VR * VC; i++) valid[i] = i % VC != 0;
  g = build(&grid, dem, valid, NULL, dir, NULL);
  CU_ASSERT_FATAL(g != NULL);
  CU_ASSERT_EQUAL(wc_flow_accumulation(g, NULL, area), WC_OK);
  CU_ASSERT_EQUAL(wc_section_snap(g, area, x, y, 50.0, &node, &moved), WC_ERR_INPUT);
  CU_ASSERT(message_has("lies outside the basin (nodata cell row 2, column 0)"));
  CU_ASSERT(
      message_has("row 2, column 1 (x=500150.0, y=4499750.0 m) at 100.0 m, beyond the "
                  "search radius of 50.0 m"));
  wc_drainage_graph_destroy(&g);
}

static void test_subbasins(void) {
  wc_grid grid = make_grid(VR, VC, 100.0);
  double dem[VR * VC];
  int8_t dir[VR * VC];
  int32_t label[VR * VC], next[2];
  v_valley(dem);
  wc_drainage_graph *g = build(&grid, dem, NULL, NULL, dir, NULL);
  CU_ASSERT_FATAL(g != NULL);
  /* Section 0 at valley cell (2,2), section 1 at (4,2): rows 0..2 drain to section 0,
   * rows 3..4 to section 1, row 5 to neither. */
  int32_t sections[2] = {g->node_of_cell[2 * VC + 2], g->node_of_cell[4 * VC + 2]};
  CU_ASSERT_EQUAL(wc_subbasin_label(g, sections, 2, label, next), WC_OK);
  int32_t count[3] = {0, 0, 0};
  for (int i = 0; i < g->n; i++) {
    int32_t want = g->row[i] <= 2 ? 0 : g->row[i] <= 4 ? 1 : -1;
    CU_ASSERT_EQUAL(label[i], want);
    count[label[i] + 1]++;
  }
  CU_ASSERT_EQUAL(count[1], 15);
  CU_ASSERT_EQUAL(count[2], 10);
  CU_ASSERT_EQUAL(count[0], 5);
  CU_ASSERT_EQUAL(next[0], 1);
  CU_ASSERT_EQUAL(next[1], -1);
  /* no sections: all -1; the same node twice: error */
  CU_ASSERT_EQUAL(wc_subbasin_label(g, NULL, 0, label, NULL), WC_OK);
  for (int i = 0; i < g->n; i++) CU_ASSERT_EQUAL(label[i], -1);
  sections[1] = sections[0];
  CU_ASSERT_EQUAL(wc_subbasin_label(g, sections, 2, label, next), WC_ERR_INPUT);
  CU_ASSERT(message_has("sections 0 and 1 are both at row 2, column 2"));
  wc_drainage_graph_destroy(&g);
}

static CU_TestInfo d8_tests[] = {
    WC_TEST(test_d8_tilted_plane_south),
    WC_TEST(test_d8_tilted_plane_southeast),
    WC_TEST(test_d8_v_valley),
    CU_TEST_INFO_NULL,
};
static CU_TestInfo fill_tests[] = {
    WC_TEST(test_fill_pit),      WC_TEST(test_flat_drains), WC_TEST(test_designated_bowl),
    WC_TEST(test_nodata_checks), WC_TEST(test_random_dem),  CU_TEST_INFO_NULL,
};
static CU_TestInfo graph_tests[] = {
    WC_TEST(test_cycle_reported),
    WC_TEST(test_graph_invariants),
    WC_TEST(test_accumulation_hand),
    WC_TEST(test_slope_length_channels),
    CU_TEST_INFO_NULL,
};
static CU_TestInfo section_tests[] = {
    WC_TEST(test_snap),
    WC_TEST(test_subbasins),
    CU_TEST_INFO_NULL,
};
static CU_SuiteInfo suites[] = {
    {"terrain_d8", NULL, NULL, NULL, NULL, d8_tests},
    {"terrain_fill", NULL, NULL, NULL, NULL, fill_tests},
    {"terrain_graph", NULL, NULL, NULL, NULL, graph_tests},
    {"terrain_sections", NULL, NULL, NULL, NULL, section_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv) { return wc_test_run(argc, argv, suites, 0); }
