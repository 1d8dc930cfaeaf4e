/*
 * wc_bench_partition.c — how the partition methods cut the built-in basins. A program that
 * prints figures (a markdown table for docs/hpc.md), not a test.
 *
 * For each basin (generated from scenarios/basins/NAME.geo, as `wcsim basin make` does),
 * cell size, rank count and variant (contiguous ranges in the given, largest-last or
 * largest-first order; METIS): cut edges (cells whose downstream cell is on another
 * rank), the most neighbours of one rank (messages per exchange), the largest halo of one
 * rank (its send + receive entries), the balance, the
 * rank-graph depth (longest chain of ranks; "cyclic" when flow goes both ways between
 * ranks) and the flow depth (block-Jacobi passes to exactness), and the time to partition
 * (best of --repeat runs, one core).
 *
 * Usage: wc_bench_partition [--basins chaobai,yongding] [--cell-sizes 1000,500]
 *        [--ranks 2,4,16,64,256,1000] [--variants given,largest-last,largest-first,metis]
 *        [--imbalance 0.05]
 *        [--repeat 3]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc_builtin_basin.h"
#include "wc_geo.h"
#include "wc_partition.h"

#ifndef WCSIM_SOURCE_DIR
#define WCSIM_SOURCE_DIR "."
#endif

static int split_list(char *text, char **items, int max_items) {
  int count = 0;
  for (char *item = strtok(text, ","); item && count < max_items; item = strtok(NULL, ",")) items[count++] = item;
  return count;
}

/* Report the failure; main returns its value as the exit status. */
static int fail(const char *what) {
  fprintf(stderr, "wc_bench_partition: %s: %s\n", what, wc_error_message());
  return 1;
}

int main(int argc, char **argv) {
  char basins_text[256] = "chaobai,yongding", sizes_text[256] = "1000,500", ranks_text[256] = "2,4,16,64,256,1000";
  char methods_text[256] = "given,largest-last,largest-first,metis";
  double imbalance = 0.05;
  int repeat = 3;
  for (int a = 1; a < argc; a++) {
    const char *value = a + 1 < argc ? argv[a + 1] : NULL;
    if (!value) {
      fprintf(stderr, "usage: see the header of wc_bench_partition.c\n");
      return 2;
    }
    if (strcmp(argv[a], "--basins") == 0)
      snprintf(basins_text, sizeof basins_text, "%s", value);
    else if (strcmp(argv[a], "--cell-sizes") == 0)
      snprintf(sizes_text, sizeof sizes_text, "%s", value);
    else if (strcmp(argv[a], "--ranks") == 0)
      snprintf(ranks_text, sizeof ranks_text, "%s", value);
    else if (strcmp(argv[a], "--variants") == 0)
      snprintf(methods_text, sizeof methods_text, "%s", value);
    else if (strcmp(argv[a], "--imbalance") == 0)
      imbalance = atof(value);
    else if (strcmp(argv[a], "--repeat") == 0)
      repeat = atoi(value) > 0 ? atoi(value) : 1;
    else {
      fprintf(stderr, "unknown option %s\n", argv[a]);
      return 2;
    }
    a++;
  }
  char *basins[8], *sizes[8], *ranks[16], *methods[4];
  int n_basins = split_list(basins_text, basins, 8), n_sizes = split_list(sizes_text, sizes, 8);
  int n_ranks = split_list(ranks_text, ranks, 16), n_methods = split_list(methods_text, methods, 4);

  printf(
      "| basin | cell | cells | ranks | variant | cut edges | max neighbours | largest halo | imbalance "
      "| cells/rank min..max | rank-graph depth | flow depth | time |\n");
  printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int b = 0; b < n_basins; b++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/scenarios/basins/%s.geo", WCSIM_SOURCE_DIR, basins[b]);
    wc_geo_basin *geo = NULL;
    if (wc_geo_basin_read(path, &geo) != WC_OK) return fail(path);
    for (int s = 0; s < n_sizes; s++) {
      wc_builtin_options options = {.cell_size_m = atof(sizes[s]), .channel_threshold_km2 = 10.0};
      wc_basin *basin = NULL;
      if (wc_builtin_basin_make(geo, &options, &basin) != WC_OK) return fail("basin");
      const wc_drainage_graph *graph = basin->graph;
      for (int r = 0; r < n_ranks; r++) {
        int32_t P = atoi(ranks[r]);
        for (int m = 0; m < n_methods; m++) {
          wc_partition_options popt = wc_partition_options_default();
          popt.imbalance = imbalance;
          if (strcmp(methods[m], "metis") == 0)
            popt.method = WC_PARTITION_METIS;
          else if (wc_partition_order_parse(methods[m], &popt.order) != WC_OK)
            return fail("variant");
          if (!wc_partition_method_available(popt.method)) continue;
          double best = INFINITY;
          wc_partition_report rep = {0};
          wc_partition *p = NULL;
          int ok = 1;
          for (int k = 0; k < repeat && ok; k++) {
            wc_partition_destroy(&p);
            if (wc_partition_create(graph->n, graph->downstream, P, &popt, &p) != WC_OK) {
              printf("| %s | %s m | %d | %d | %s | failed: %s |\n", basins[b], sizes[s], graph->n, P, methods[m],
                     wc_error_message());
              ok = 0;
              break;
            }
            rep = wc_partition_get_report(p);
            if (rep.seconds < best) best = rep.seconds;
          }
          if (!ok) continue;
          int32_t halo = 0;
          for (int32_t q = 0; q < P; q++)
            if (rep.cut_out[q] + rep.cut_in[q] > halo) halo = rep.cut_out[q] + rep.cut_in[q];
          char depth[32];
          if (rep.rank_graph_depth < 0)
            snprintf(depth, sizeof depth, "cyclic");
          else
            snprintf(depth, sizeof depth, "%d", rep.rank_graph_depth);
          printf("| %s | %s m | %d | %d | %s | %d | %d | %d | %.1f%% | %d..%d | %s | %d | %.1f ms |\n", basins[b],
                 sizes[s], graph->n, P, methods[m], rep.cut_edges, rep.max_neighbours, halo, 100 * rep.imbalance,
                 rep.min_cells, rep.max_cells, depth, rep.flow_depth, 1e3 * best);
          fflush(stdout);
          wc_partition_destroy(&p);
        }
      }
      wc_basin_destroy(&basin);
    }
    wc_geo_basin_destroy(&geo);
  }
  return 0;
}
