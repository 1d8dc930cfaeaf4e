/*
 * wc_test_graphs.h — synthetic drainage graphs for the partition and halo tests, numbered
 * like wc_drainage_graph: depth-first post-order from each outlet, so downstream[i] > i and
 * every sub-tree is a contiguous index range ending at its root. Header-only; each
 * generator returns a malloc'ed downstream[n] (NULL for n = 0) that the caller frees.
 */
#ifndef WC_TEST_GRAPHS_H
#define WC_TEST_GRAPHS_H

#include <stdint.h>
#include <stdlib.h>

/* A small deterministic generator (xorshift64*), the same on every rank. */
static inline uint64_t wc_test_rand(uint64_t *state) {
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 2685821657736338717ULL;
}

/* Number a forest given by parent[m] (-1 at a root) in DFS post-order, children visited in
 * a shuffled order (state != NULL) or in index order; returns downstream[m]. */
static inline int32_t *wc_test_postorder(int32_t m, const int32_t *parent, uint64_t *state) {
  if (m == 0) return NULL;
  int32_t *child_start = calloc((size_t)m + 1, sizeof(int32_t));
  int32_t *children = malloc((size_t)m * sizeof(int32_t));
  int32_t *fill = malloc((size_t)m * sizeof(int32_t));
  int32_t *number = malloc((size_t)m * sizeof(int32_t));
  int32_t *stack = malloc((size_t)m * sizeof(int32_t));
  int32_t *next = malloc((size_t)m * sizeof(int32_t));
  int32_t *downstream = malloc((size_t)m * sizeof(int32_t));
  for (int32_t k = 0; k < m; k++)
    if (parent[k] >= 0) child_start[parent[k] + 1]++;
  for (int32_t k = 0; k < m; k++) child_start[k + 1] += child_start[k];
  for (int32_t k = 0; k < m; k++) fill[k] = child_start[k];
  for (int32_t k = 0; k < m; k++)
    if (parent[k] >= 0) children[fill[parent[k]]++] = k;
  if (state != NULL)
    for (int32_t k = 0; k < m; k++) {
      int32_t first = child_start[k], count = child_start[k + 1] - first;
      for (int32_t j = count - 1; j > 0; j--) {
        int32_t r = (int32_t)(wc_test_rand(state) % (uint64_t)(j + 1));
        int32_t t = children[first + j];
        children[first + j] = children[first + r];
        children[first + r] = t;
      }
    }
  int32_t counter = 0;
  for (int32_t root = 0; root < m; root++) {
    if (parent[root] >= 0) continue;
    int32_t top = 0;
    stack[0] = root;
    next[root] = child_start[root];
    while (top >= 0) {
      int32_t v = stack[top];
      if (next[v] < child_start[v + 1]) {
        int32_t c = children[next[v]++];
        stack[++top] = c;
        next[c] = child_start[c];
      } else {
        number[v] = counter++;
        top--;
      }
    }
  }
  for (int32_t k = 0; k < m; k++) downstream[number[k]] = parent[k] >= 0 ? number[parent[k]] : -1;
  free(child_start);
  free(children);
  free(fill);
  free(number);
  free(stack);
  free(next);
  return downstream;
}

/* A random forest of n cells and `outlets` trees: cell k attaches to a random earlier cell,
 * preferring recent ones half of the time (long rivers as well as bushy ones). */
static inline int32_t *wc_test_random_tree(int32_t n, int32_t outlets, uint64_t seed) {
  if (n == 0) return NULL;
  uint64_t state = seed * 0x9E3779B97F4A7C15ULL + 1;
  int32_t *parent = malloc((size_t)n * sizeof(int32_t));
  for (int32_t k = 0; k < n; k++) {
    if (k < outlets) {
      parent[k] = -1;
    } else if (wc_test_rand(&state) % 2) {
      int32_t back = 1 + (int32_t)(wc_test_rand(&state) % 4);
      parent[k] = k - back >= 0 ? k - back : 0;
    } else {
      parent[k] = (int32_t)(wc_test_rand(&state) % (uint64_t)k);
    }
  }
  int32_t *downstream = wc_test_postorder(n, parent, &state);
  free(parent);
  return downstream;
}

/* A river without tributaries: i -> i + 1. */
static inline int32_t *wc_test_chain(int32_t n) {
  if (n == 0) return NULL;
  int32_t *downstream = malloc((size_t)n * sizeof(int32_t));
  for (int32_t i = 0; i < n; i++) downstream[i] = i + 1 < n ? i + 1 : -1;
  return downstream;
}

/* n - 1 cells all draining into the last one. */
static inline int32_t *wc_test_star(int32_t n) {
  if (n == 0) return NULL;
  int32_t *downstream = malloc((size_t)n * sizeof(int32_t));
  for (int32_t i = 0; i < n; i++) downstream[i] = i + 1 < n ? n - 1 : -1;
  return downstream;
}

/* A complete binary tree of `levels` levels (2^levels - 1 cells), root last. */
static inline int32_t *wc_test_binary_tree(int levels, int32_t *n_out) {
  int32_t m = (int32_t)((1u << levels) - 1);
  *n_out = m;
  if (m == 0) return NULL;
  int32_t *parent = malloc((size_t)m * sizeof(int32_t));
  for (int32_t k = 0; k < m; k++) parent[k] = k == 0 ? -1 : (k - 1) / 2;
  int32_t *downstream = wc_test_postorder(m, parent, NULL);
  free(parent);
  return downstream;
}

/* A graph with its upstream CSR (the arrays a wc_graph_ode borrows), built from
 * downstream[n]; free with wc_test_csr_free. */
typedef struct wc_test_csr {
  int32_t n;
  int32_t *down, *ustart, *uindex;
} wc_test_csr;

static inline wc_test_csr wc_test_csr_make(int32_t n, const int32_t *down) {
  wc_test_csr g = {n, malloc((size_t)n * sizeof(int32_t) + 1), calloc((size_t)n + 1, sizeof(int32_t)),
                   malloc(((size_t)n + 1) * sizeof(int32_t))};
  for (int32_t i = 0; i < n; i++) g.down[i] = down[i];
  for (int32_t i = 0; i < n; i++)
    if (down[i] >= 0) g.ustart[down[i] + 1]++;
  for (int32_t i = 0; i < n; i++) g.ustart[i + 1] += g.ustart[i];
  int32_t *fill = calloc((size_t)n + 1, sizeof *fill);
  for (int32_t u = 0; u < n; u++)
    if (down[u] >= 0) g.uindex[g.ustart[down[u]] + fill[down[u]]++] = u;
  free(fill);
  return g;
}

static inline void wc_test_csr_free(wc_test_csr *g) {
  free(g->down);
  free(g->ustart);
  free(g->uindex);
  g->down = g->ustart = g->uindex = NULL;
}

#endif /* WC_TEST_GRAPHS_H */
