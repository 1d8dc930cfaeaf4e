/*
 * wc_nvector.c — the operations of wcsim's N_Vector (see wc_nvector.h).
 *
 * Built with -O3 -fopenmp-simd (solvers/CMakeLists.txt): the `omp simd reduction` pragmas
 * let the compiler vectorise sums without -ffast-math, which would otherwise forbid the
 * reassociation. Operations over several vectors (the fused and vector-array ones) walk
 * the data in blocks of WC_NV_BLOCK elements, so the shared operand stays in L1 while each
 * vector streams through once, and an output may alias any input.
 *
 * Semantics follow N_Vector_Parallel exactly (SUNDIALS 6.4 src/nvector/parallel), which
 * the conformance test checks element by element.
 */
#include "wc_nvector.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Elements per block in multi-vector operations: 4 KiB of doubles per operand. */
#define WC_NV_BLOCK 512
/* Largest number of vectors a blocked operation keeps partial results for on the stack;
 * CVODE uses at most q_max + 1 = 6, SPGMR at most its Krylov dimension + 1. */
#define WC_NV_STACK 64

typedef struct wc_nvector_content {
  sunindextype local_length;
  sunindextype global_length;
  sunindextype norm_length; /* what the WRMS norms divide by (wc_nvector_set_norm_length) */
  bool own_data;
  double *data;
  MPI_Comm comm; /* MPI_COMM_NULL: no communication */
  int comm_size; /* 1 for MPI_COMM_NULL */
} wc_nvector_content;

static inline wc_nvector_content *content_of(N_Vector v) { return (wc_nvector_content *)v->content; }
static inline double *data_of(N_Vector v) { return content_of(v)->data; }
static inline sunindextype length_of(N_Vector v) { return content_of(v)->local_length; }

/* ---- communication ------------------------------------------------------------------ */

static inline bool is_parallel(N_Vector v) { return content_of(v)->comm_size > 1; }

/* MPI errors abort (MPI_ERRORS_ARE_FATAL): SUNDIALS reductions have no way to fail. */
static double allreduce_one(N_Vector v, double value, MPI_Op op) {
  if (!is_parallel(v)) return value;
  double result = value;
  MPI_Allreduce(&value, &result, 1, MPI_DOUBLE, op, content_of(v)->comm);
  return result;
}

static void allreduce_many(N_Vector v, double *values, int count, MPI_Op op) {
  if (!is_parallel(v) || count <= 0) return;
  MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_DOUBLE, op, content_of(v)->comm);
}

/* ---- local kernels ------------------------------------------------------------------ */

static double dot_local(sunindextype n, const double *x, const double *y) {
  double sum = 0.0;
#pragma omp simd reduction(+ : sum)
  for (sunindextype i = 0; i < n; i++) sum += x[i] * y[i];
  return sum;
}

static double wsqrsum_local(sunindextype n, const double *x, const double *w) {
  double sum = 0.0;
#pragma omp simd reduction(+ : sum)
  for (sunindextype i = 0; i < n; i++) {
    double p = x[i] * w[i];
    sum += p * p;
  }
  return sum;
}

static double wsqrsum_mask_local(sunindextype n, const double *x, const double *w, const double *id) {
  double sum = 0.0;
#pragma omp simd reduction(+ : sum)
  for (sunindextype i = 0; i < n; i++) {
    double p = x[i] * w[i];
    sum += id[i] > 0.0 ? p * p : 0.0;
  }
  return sum;
}

/* ---- reproducible weighted sums of squares ------------------------------------------ */

/*
 * The weighted RMS norms decide CVODE's steps, and at wcsim's tolerances the trajectory is
 * chaotic at the last bit: a run whose norms are perturbed by one ulp ends with section
 * loads several % and budgets 0.3% away (docs/solver.md, "Results that do not depend on
 * the number of ranks"). A plain sum rounds differently for every split of the elements
 * among ranks (and every SIMD order), so these norms use a sum whose result does not
 * depend on the order at all (pre-rounding, after Demmel and Nguyen's ReproBLAS):
 *   1. the largest term T over all ranks (one MPI_MAX; also whether any is not finite);
 *   2. every term t is split exactly into q0 + q1 + rest: q0 = (t + M0) - M0 rounds t to
 *      the grid of ulp(M0), M0 = 1.5 * 2^p0 with 2^p0 > N * T (N: the norm length),
 *      and q1 rounds the remainder to a grid 2^(52 - L) finer (2^L > N), M1 likewise;
 *   3. sums of grid multiples that cannot overflow the grid's 53 bits are exact, so
 *      sum(q0) and sum(q1) are the same in any order, on any rank, with any SIMD lanes; one
 *      MPI_SUM of the two makes them global, still exact. The dropped rests are below
 *      N * ulp(M1) / 2 ~ N^3 T 2^-104: 1e-13 of the sum at 10^6 elements.
 * Cost: a second pass over x and w and one more small collective per norm.
 */
/* The two passes are plain arithmetic on exact sums, so any vector width gives the same
 * bits: an AVX2 version (picked at run time where the CPU has it) halves their cost. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define WC_NV_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define WC_NV_CLONES
#endif

static int bits_above(sunindextype n) {
  int bits = 1;
  while (bits < 62 && ((sunindextype)1 << bits) <= n) bits++;
  return bits;
}

/* Pass 1: the largest |x w| (its square is the largest term) and a plain sum of |x w|,
 * which is not finite exactly when some term is not (or the sum overflows: no norm then). */
WC_NV_CLONES static void abs_max_local(sunindextype n, const double *x, const double *w, const double *id, double *big,
                          double *plain) {
  double m = 0.0, sum = 0.0;
  if (id) {
#pragma omp simd simdlen(8) reduction(max : m) reduction(+ : sum)
    for (sunindextype i = 0; i < n; i++) {
      double p = id[i] > 0.0 ? fabs(x[i] * w[i]) : 0.0;
      m = p > m ? p : m;
      sum += p;
    }
  } else {
#pragma omp simd simdlen(8) reduction(max : m) reduction(+ : sum)
    for (sunindextype i = 0; i < n; i++) {
      double p = fabs(x[i] * w[i]);
      m = p > m ? p : m;
      sum += p;
    }
  }
  *big = m;
  *plain = sum;
}

/* Pass 2: the two folds of every term, summed exactly. */
WC_NV_CLONES static void folds_local(sunindextype n, const double *x, const double *w, const double *id, double m0, double m1,
                        double *s0, double *s1) {
  double a = 0.0, b = 0.0;
  if (id) {
#pragma omp simd simdlen(8) reduction(+ : a, b)
    for (sunindextype i = 0; i < n; i++) {
      double p = x[i] * w[i], t = id[i] > 0.0 ? p * p : 0.0;
      double q0 = (t + m0) - m0, r = t - q0;
      a += q0;
      b += (r + m1) - m1;
    }
  } else {
#pragma omp simd simdlen(8) reduction(+ : a, b)
    for (sunindextype i = 0; i < n; i++) {
      double p = x[i] * w[i], t = p * p;
      double q0 = (t + m0) - m0, r = t - q0;
      a += q0;
      b += (r + m1) - m1;
    }
  }
  *s0 = a;
  *s1 = b;
}

static double wsqrsum_reproducible(N_Vector x, N_Vector w, const double *id) {
  const sunindextype n = length_of(x);
  const double *xd = data_of(x), *wd = data_of(w);
  double head[2];
  abs_max_local(n, xd, wd, id, &head[0], &head[1]);
  head[1] = isfinite(head[1]) ? 0.0 : 1.0;
  allreduce_many(x, head, 2, MPI_MAX);
  if (head[1] != 0.0) return NAN; /* a term is not finite: as a plain sum would be, on every rank */
  if (head[0] == 0.0) return 0.0;
  const double big = head[0] * head[0]; /* the largest term, exactly as pass 2 computes it */
  const int L = bits_above(content_of(x)->norm_length);
  const int p0 = ilogb(big) + 1 + L, p1 = p0 - (52 - L);
  if (!isfinite(big) || p0 > 1020) { /* terms near DBL_MAX: the grid would overflow; sum plainly */
    double sum = id ? wsqrsum_mask_local(n, xd, wd, id) : wsqrsum_local(n, xd, wd);
    return allreduce_one(x, sum, MPI_SUM);
  }
  double sums[2];
  folds_local(n, xd, wd, id, ldexp(1.5, p0), ldexp(1.5, p1), &sums[0], &sums[1]);
  allreduce_many(x, sums, 2, MPI_SUM);
  return sums[0] + sums[1];
}

/* ---- constructors, destructor, utilities -------------------------------------------- */

static N_Vector_ID wc_nv_get_id(N_Vector v) {
  (void)v;
  return SUNDIALS_NVEC_CUSTOM;
}

static void wc_nv_destroy(N_Vector v);
static N_Vector wc_nv_clone_empty(N_Vector w);

/* 64-byte aligned zeroed storage for n doubles (n may be 0: one block, never NULL). */
static double *alloc_data(sunindextype n) {
  size_t bytes = (size_t)(n > 0 ? n : 1) * sizeof(double);
  bytes = (bytes + 63) / 64 * 64;
  double *data = aligned_alloc(64, bytes);
  if (data) memset(data, 0, bytes);
  return data;
}

static N_Vector wc_nv_clone(N_Vector w) {
  N_Vector v = wc_nv_clone_empty(w);
  if (!v) return NULL;
  double *data = alloc_data(length_of(w));
  if (!data) {
    wc_nv_destroy(v);
    return NULL;
  }
  content_of(v)->data = data;
  content_of(v)->own_data = true;
  return v;
}

static void wc_nv_space(N_Vector v, sunindextype *lrw, sunindextype *liw) {
  *lrw = content_of(v)->global_length;
  *liw = 2 * content_of(v)->comm_size;
}

static double *wc_nv_get_array(N_Vector v) { return data_of(v); }

static void wc_nv_set_array(double *data, N_Vector v) {
  wc_nvector_content *c = content_of(v);
  if (c->own_data) free(c->data);
  c->data = data;
  c->own_data = false;
}

static void *wc_nv_get_comm(N_Vector v) {
  wc_nvector_content *c = content_of(v);
  return c->comm == MPI_COMM_NULL ? NULL : (void *)&c->comm;
}

static sunindextype wc_nv_get_length(N_Vector v) { return content_of(v)->global_length; }
static sunindextype wc_nv_get_local_length(N_Vector v) { return content_of(v)->local_length; }

/* ---- standard operations ------------------------------------------------------------ */

static void wc_nv_linear_sum(double a, N_Vector x, double b, N_Vector y, N_Vector z) {
  sunindextype n = length_of(x);
  const double *xd = data_of(x), *yd = data_of(y);
  double *zd = data_of(z);
  if (a == 1.0 && b == 1.0) {
    for (sunindextype i = 0; i < n; i++) zd[i] = xd[i] + yd[i];
  } else if (a == 1.0 && b == -1.0) {
    for (sunindextype i = 0; i < n; i++) zd[i] = xd[i] - yd[i];
  } else {
    for (sunindextype i = 0; i < n; i++) zd[i] = a * xd[i] + b * yd[i];
  }
}

static void wc_nv_const(double c, N_Vector z) {
  sunindextype n = length_of(z);
  double *zd = data_of(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = c;
}

static void wc_nv_prod(N_Vector x, N_Vector y, N_Vector z) {
  sunindextype n = length_of(x);
  const double *xd = data_of(x), *yd = data_of(y);
  double *zd = data_of(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = xd[i] * yd[i];
}

static void wc_nv_div(N_Vector x, N_Vector y, N_Vector z) {
  sunindextype n = length_of(x);
  const double *xd = data_of(x), *yd = data_of(y);
  double *zd = data_of(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = xd[i] / yd[i];
}

static void wc_nv_scale(double c, N_Vector x, N_Vector z) {
  sunindextype n = length_of(x);
  const double *xd = data_of(x);
  double *zd = data_of(z);
  if (c == 1.0) {
    if (xd != zd) memcpy(zd, xd, (size_t)n * sizeof *zd);
    return;
  }
  for (sunindextype i = 0; i < n; i++) zd[i] = c * xd[i];
}

static void wc_nv_abs(N_Vector x, N_Vector z) {
  sunindextype n = length_of(x);
  const double *xd = data_of(x);
  double *zd = data_of(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = fabs(xd[i]);
}

static void wc_nv_inv(N_Vector x, N_Vector z) {
  sunindextype n = length_of(x);
  const double *xd = data_of(x);
  double *zd = data_of(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = 1.0 / xd[i];
}

static void wc_nv_add_const(N_Vector x, double b, N_Vector z) {
  sunindextype n = length_of(x);
  const double *xd = data_of(x);
  double *zd = data_of(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = xd[i] + b;
}

static double wc_nv_dot_local(N_Vector x, N_Vector y) { return dot_local(length_of(x), data_of(x), data_of(y)); }

static double wc_nv_dot(N_Vector x, N_Vector y) { return allreduce_one(x, wc_nv_dot_local(x, y), MPI_SUM); }

static double wc_nv_max_norm_local(N_Vector x) {
  sunindextype n = length_of(x);
  const double *xd = data_of(x);
  double max = 0.0;
#pragma omp simd reduction(max : max)
  for (sunindextype i = 0; i < n; i++) {
    double a = fabs(xd[i]);
    max = a > max ? a : max; /* ignores NaN, as N_VMaxNorm_Parallel */
  }
  return max;
}

static double wc_nv_max_norm(N_Vector x) { return allreduce_one(x, wc_nv_max_norm_local(x), MPI_MAX); }

static double wc_nv_wsqrsum_local(N_Vector x, N_Vector w) { return wsqrsum_local(length_of(x), data_of(x), data_of(w)); }

static double wc_nv_wsqrsum_mask_local(N_Vector x, N_Vector w, N_Vector id) {
  return wsqrsum_mask_local(length_of(x), data_of(x), data_of(w), data_of(id));
}

static double wc_nv_wrms_norm(N_Vector x, N_Vector w) {
  return sqrt(wsqrsum_reproducible(x, w, NULL) / (double)content_of(x)->norm_length);
}

static double wc_nv_wrms_norm_mask(N_Vector x, N_Vector w, N_Vector id) {
  return sqrt(wsqrsum_reproducible(x, w, data_of(id)) / (double)content_of(x)->norm_length);
}

static double wc_nv_min_local(N_Vector x) {
  sunindextype n = length_of(x);
  const double *xd = data_of(x);
  double min = DBL_MAX; /* BIG_REAL for an empty slice, as N_VMinLocal_Parallel */
#pragma omp simd reduction(min : min)
  for (sunindextype i = 0; i < n; i++) min = xd[i] < min ? xd[i] : min;
  return min;
}

static double wc_nv_min(N_Vector x) { return allreduce_one(x, wc_nv_min_local(x), MPI_MIN); }

static double wc_nv_wl2_norm(N_Vector x, N_Vector w) { return sqrt(allreduce_one(x, wc_nv_wsqrsum_local(x, w), MPI_SUM)); }

static double wc_nv_l1_norm_local(N_Vector x) {
  sunindextype n = length_of(x);
  const double *xd = data_of(x);
  double sum = 0.0;
#pragma omp simd reduction(+ : sum)
  for (sunindextype i = 0; i < n; i++) sum += fabs(xd[i]);
  return sum;
}

static double wc_nv_l1_norm(N_Vector x) { return allreduce_one(x, wc_nv_l1_norm_local(x), MPI_SUM); }

static void wc_nv_compare(double c, N_Vector x, N_Vector z) {
  sunindextype n = length_of(x);
  const double *xd = data_of(x);
  double *zd = data_of(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = fabs(xd[i]) >= c ? 1.0 : 0.0;
}

static booleantype wc_nv_inv_test_local(N_Vector x, N_Vector z) {
  sunindextype n = length_of(x);
  const double *xd = data_of(x);
  double *zd = data_of(z);
  int zero = 0;
  for (sunindextype i = 0; i < n; i++) {
    if (xd[i] == 0.0)
      zero = 1;
    else
      zd[i] = 1.0 / xd[i];
  }
  return zero ? SUNFALSE : SUNTRUE;
}

static booleantype wc_nv_inv_test(N_Vector x, N_Vector z) {
  double local_fail = wc_nv_inv_test_local(x, z) ? 0.0 : 1.0;
  return allreduce_one(x, local_fail, MPI_MAX) == 0.0 ? SUNTRUE : SUNFALSE;
}

/* m[i] = 1 where x[i] violates constraint c[i] (2: > 0, 1: >= 0, -1: <= 0, -2: < 0). */
static booleantype wc_nv_constr_mask_local(N_Vector c, N_Vector x, N_Vector m) {
  sunindextype n = length_of(x);
  const double *cd = data_of(c), *xd = data_of(x);
  double *md = data_of(m);
  int violated = 0;
  for (sunindextype i = 0; i < n; i++) {
    md[i] = 0.0;
    if (cd[i] == 0.0) continue;
    double product = xd[i] * cd[i];
    if ((fabs(cd[i]) > 1.5 && product <= 0.0) || (fabs(cd[i]) > 0.5 && product < 0.0)) {
      md[i] = 1.0;
      violated = 1;
    }
  }
  return violated ? SUNFALSE : SUNTRUE;
}

static booleantype wc_nv_constr_mask(N_Vector c, N_Vector x, N_Vector m) {
  double local_fail = wc_nv_constr_mask_local(c, x, m) ? 0.0 : 1.0;
  return allreduce_one(x, local_fail, MPI_MAX) == 0.0 ? SUNTRUE : SUNFALSE;
}

static double wc_nv_min_quotient_local(N_Vector num, N_Vector denom) {
  sunindextype n = length_of(num);
  const double *nd = data_of(num), *dd = data_of(denom);
  double min = DBL_MAX;
  for (sunindextype i = 0; i < n; i++)
    if (dd[i] != 0.0) min = fmin(min, nd[i] / dd[i]);
  return min;
}

static double wc_nv_min_quotient(N_Vector num, N_Vector denom) {
  return allreduce_one(num, wc_nv_min_quotient_local(num, denom), MPI_MIN);
}

/* ---- fused operations --------------------------------------------------------------- */

/* z = sum_j c[j] X[j]; z may be any X[j]. */
static int wc_nv_linear_combination(int nvec, double *c, N_Vector *X, N_Vector z) {
  if (nvec < 1) return -1;
  sunindextype n = length_of(z);
  double *zd = data_of(z);
  if (nvec == 1) {
    wc_nv_scale(c[0], X[0], z);
    return 0;
  }
  if (nvec == 2) {
    wc_nv_linear_sum(c[0], X[0], c[1], X[1], z);
    return 0;
  }
  double block[WC_NV_BLOCK];
  for (sunindextype start = 0; start < n; start += WC_NV_BLOCK) {
    sunindextype len = n - start < WC_NV_BLOCK ? n - start : WC_NV_BLOCK;
    const double *x0 = data_of(X[0]) + start;
    double c0 = c[0];
    for (sunindextype i = 0; i < len; i++) block[i] = c0 * x0[i];
    for (int j = 1; j < nvec; j++) {
      const double *xj = data_of(X[j]) + start;
      double cj = c[j];
      for (sunindextype i = 0; i < len; i++) block[i] += cj * xj[i];
    }
    memcpy(zd + start, block, (size_t)len * sizeof *block);
  }
  return 0;
}

/* Z[j] = a[j] x + Y[j]. */
static int wc_nv_scale_add_multi(int nvec, double *a, N_Vector x, N_Vector *Y, N_Vector *Z) {
  if (nvec < 1) return -1;
  sunindextype n = length_of(x);
  const double *xd = data_of(x);
  for (sunindextype start = 0; start < n; start += WC_NV_BLOCK) {
    sunindextype len = n - start < WC_NV_BLOCK ? n - start : WC_NV_BLOCK;
    const double *xs = xd + start;
    for (int j = 0; j < nvec; j++) {
      const double *y = data_of(Y[j]) + start;
      double *z = data_of(Z[j]) + start;
      double aj = a[j];
      for (sunindextype i = 0; i < len; i++) z[i] = aj * xs[i] + y[i];
    }
  }
  return 0;
}

static int wc_nv_dot_multi_local(int nvec, N_Vector x, N_Vector *Y, double *dots) {
  if (nvec < 1) return -1;
  sunindextype n = length_of(x);
  const double *xd = data_of(x);
  for (int j = 0; j < nvec; j++) dots[j] = 0.0;
  for (sunindextype start = 0; start < n; start += WC_NV_BLOCK) {
    sunindextype len = n - start < WC_NV_BLOCK ? n - start : WC_NV_BLOCK;
    for (int j = 0; j < nvec; j++) dots[j] += dot_local(len, xd + start, data_of(Y[j]) + start);
  }
  return 0;
}

static int wc_nv_dot_multi(int nvec, N_Vector x, N_Vector *Y, double *dots) {
  if (wc_nv_dot_multi_local(nvec, x, Y, dots) != 0) return -1;
  allreduce_many(x, dots, nvec, MPI_SUM);
  return 0;
}

static int wc_nv_dot_multi_allreduce(int nvec, N_Vector x, double *sums) {
  allreduce_many(x, sums, nvec, MPI_SUM);
  return 0;
}

/* ---- vector-array operations -------------------------------------------------------- */

static int wc_nv_linear_sum_array(int nvec, double a, N_Vector *X, double b, N_Vector *Y, N_Vector *Z) {
  if (nvec < 1) return -1;
  for (int j = 0; j < nvec; j++) wc_nv_linear_sum(a, X[j], b, Y[j], Z[j]);
  return 0;
}

static int wc_nv_scale_array(int nvec, double *c, N_Vector *X, N_Vector *Z) {
  if (nvec < 1) return -1;
  for (int j = 0; j < nvec; j++) wc_nv_scale(c[j], X[j], Z[j]);
  return 0;
}

static int wc_nv_const_array(int nvec, double c, N_Vector *Z) {
  if (nvec < 1) return -1;
  for (int j = 0; j < nvec; j++) wc_nv_const(c, Z[j]);
  return 0;
}

static int wc_nv_wrms_norm_array(int nvec, N_Vector *X, N_Vector *W, double *norms) {
  if (nvec < 1) return -1;
  for (int j = 0; j < nvec; j++) norms[j] = wc_nv_wrms_norm(X[j], W[j]);
  return 0;
}

static int wc_nv_wrms_norm_mask_array(int nvec, N_Vector *X, N_Vector *W, N_Vector id, double *norms) {
  if (nvec < 1) return -1;
  for (int j = 0; j < nvec; j++) norms[j] = wc_nv_wrms_norm_mask(X[j], W[j], id);
  return 0;
}

/* Z[j][i] = a[j] X[i] + Y[j][i], i < nvec, j < nsum. */
static int wc_nv_scale_add_multi_array(int nvec, int nsum, double *a, N_Vector *X, N_Vector **Y, N_Vector **Z) {
  if (nvec < 1 || nsum < 1) return -1;
  N_Vector ycol[WC_NV_STACK], zcol[WC_NV_STACK];
  if (nsum > WC_NV_STACK) {
    for (int i = 0; i < nvec; i++)
      for (int j = 0; j < nsum; j++) wc_nv_linear_sum(a[j], X[i], 1.0, Y[j][i], Z[j][i]);
    return 0;
  }
  for (int i = 0; i < nvec; i++) {
    for (int j = 0; j < nsum; j++) {
      ycol[j] = Y[j][i];
      zcol[j] = Z[j][i];
    }
    wc_nv_scale_add_multi(nsum, a, X[i], ycol, zcol);
  }
  return 0;
}

/* Z[i] = sum_j c[j] X[j][i], i < nvec, j < nsum. */
static int wc_nv_linear_combination_array(int nvec, int nsum, double *c, N_Vector **X, N_Vector *Z) {
  if (nvec < 1 || nsum < 1) return -1;
  N_Vector col[WC_NV_STACK];
  if (nsum > WC_NV_STACK) return -1;
  for (int i = 0; i < nvec; i++) {
    for (int j = 0; j < nsum; j++) col[j] = X[j][i];
    wc_nv_linear_combination(nsum, c, col, Z[i]);
  }
  return 0;
}

/* ---- buffers and printing ----------------------------------------------------------- */

static int wc_nv_buf_size(N_Vector x, sunindextype *size) {
  *size = length_of(x) * (sunindextype)sizeof(double);
  return 0;
}

static int wc_nv_buf_pack(N_Vector x, void *buffer) {
  if (!buffer) return -1;
  memcpy(buffer, data_of(x), (size_t)length_of(x) * sizeof(double));
  return 0;
}

static int wc_nv_buf_unpack(N_Vector x, void *buffer) {
  if (!buffer) return -1;
  memcpy(data_of(x), buffer, (size_t)length_of(x) * sizeof(double));
  return 0;
}

static void wc_nv_print_file(N_Vector x, FILE *file) {
  for (sunindextype i = 0; i < length_of(x); i++) fprintf(file, "%.16g\n", data_of(x)[i]);
  fprintf(file, "\n");
}

static void wc_nv_print(N_Vector x) { wc_nv_print_file(x, stdout); }

/* ---- construction ------------------------------------------------------------------- */

static void set_ops(N_Vector v) {
  struct _generic_N_Vector_Ops *ops = v->ops;
  ops->nvgetvectorid = wc_nv_get_id;
  ops->nvclone = wc_nv_clone;
  ops->nvcloneempty = wc_nv_clone_empty;
  ops->nvdestroy = wc_nv_destroy;
  ops->nvspace = wc_nv_space;
  ops->nvgetarraypointer = wc_nv_get_array;
  ops->nvsetarraypointer = wc_nv_set_array;
  ops->nvgetcommunicator = wc_nv_get_comm;
  ops->nvgetlength = wc_nv_get_length;
  ops->nvgetlocallength = wc_nv_get_local_length;

  ops->nvlinearsum = wc_nv_linear_sum;
  ops->nvconst = wc_nv_const;
  ops->nvprod = wc_nv_prod;
  ops->nvdiv = wc_nv_div;
  ops->nvscale = wc_nv_scale;
  ops->nvabs = wc_nv_abs;
  ops->nvinv = wc_nv_inv;
  ops->nvaddconst = wc_nv_add_const;
  ops->nvdotprod = wc_nv_dot;
  ops->nvmaxnorm = wc_nv_max_norm;
  ops->nvwrmsnorm = wc_nv_wrms_norm;
  ops->nvwrmsnormmask = wc_nv_wrms_norm_mask;
  ops->nvmin = wc_nv_min;
  ops->nvwl2norm = wc_nv_wl2_norm;
  ops->nvl1norm = wc_nv_l1_norm;
  ops->nvcompare = wc_nv_compare;
  ops->nvinvtest = wc_nv_inv_test;
  ops->nvconstrmask = wc_nv_constr_mask;
  ops->nvminquotient = wc_nv_min_quotient;

  ops->nvlinearcombination = wc_nv_linear_combination;
  ops->nvscaleaddmulti = wc_nv_scale_add_multi;
  ops->nvdotprodmulti = wc_nv_dot_multi;

  ops->nvlinearsumvectorarray = wc_nv_linear_sum_array;
  ops->nvscalevectorarray = wc_nv_scale_array;
  ops->nvconstvectorarray = wc_nv_const_array;
  ops->nvwrmsnormvectorarray = wc_nv_wrms_norm_array;
  ops->nvwrmsnormmaskvectorarray = wc_nv_wrms_norm_mask_array;
  ops->nvscaleaddmultivectorarray = wc_nv_scale_add_multi_array;
  ops->nvlinearcombinationvectorarray = wc_nv_linear_combination_array;

  ops->nvdotprodlocal = wc_nv_dot_local;
  ops->nvmaxnormlocal = wc_nv_max_norm_local;
  ops->nvminlocal = wc_nv_min_local;
  ops->nvl1normlocal = wc_nv_l1_norm_local;
  ops->nvinvtestlocal = wc_nv_inv_test_local;
  ops->nvconstrmasklocal = wc_nv_constr_mask_local;
  ops->nvminquotientlocal = wc_nv_min_quotient_local;
  ops->nvwsqrsumlocal = wc_nv_wsqrsum_local;
  ops->nvwsqrsummasklocal = wc_nv_wsqrsum_mask_local;

  ops->nvdotprodmultilocal = wc_nv_dot_multi_local;
  ops->nvdotprodmultiallreduce = wc_nv_dot_multi_allreduce;

  ops->nvbufsize = wc_nv_buf_size;
  ops->nvbufpack = wc_nv_buf_pack;
  ops->nvbufunpack = wc_nv_buf_unpack;

  ops->nvprint = wc_nv_print;
  ops->nvprintfile = wc_nv_print_file;
}

void wc_nvector_set_norm_length(N_Vector vector, sunindextype count) {
  if (wc_nvector_is_own(vector) && count > 0) content_of(vector)->norm_length = count;
}

static N_Vector wc_nv_clone_empty(N_Vector w) {
  if (!w) return NULL;
  N_Vector v = N_VNewEmpty(w->sunctx);
  if (!v) return NULL;
  if (N_VCopyOps(w, v) != 0) {
    N_VFreeEmpty(v);
    return NULL;
  }
  wc_nvector_content *c = malloc(sizeof *c);
  if (!c) {
    N_VFreeEmpty(v);
    return NULL;
  }
  *c = *content_of(w);
  c->data = NULL;
  c->own_data = false;
  v->content = c;
  return v;
}

static void wc_nv_destroy(N_Vector v) {
  if (!v) return;
  wc_nvector_content *c = v->content;
  if (c) {
    if (c->own_data) free(c->data);
    free(c);
    v->content = NULL;
  }
  N_VFreeEmpty(v);
}

static wc_status create_empty(MPI_Comm comm, sunindextype local_length, SUNContext context, N_Vector *vector) {
  *vector = NULL;
  WC_CHECK(local_length >= 0, WC_ERR_INTERNAL, "negative vector length %lld", (long long)local_length);
  int size = 1;
  if (comm != MPI_COMM_NULL) {
    int code = MPI_Comm_size(comm, &size);
    WC_CHECK(code == MPI_SUCCESS, WC_ERR_MPI, "MPI_Comm_size failed for an N_Vector communicator");
  }
  long long global = local_length;
  if (size > 1) {
    long long local = local_length;
    int code = MPI_Allreduce(&local, &global, 1, MPI_LONG_LONG, MPI_SUM, comm);
    WC_CHECK(code == MPI_SUCCESS, WC_ERR_MPI, "MPI_Allreduce of the vector length failed");
  }
  N_Vector v = N_VNewEmpty(context);
  WC_CHECK(v != NULL, WC_ERR_MEMORY, "N_VNewEmpty failed");
  wc_nvector_content *c = malloc(sizeof *c);
  if (!c) {
    N_VFreeEmpty(v);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for an N_Vector");
  }
  *c = (wc_nvector_content){.local_length = local_length,
                            .global_length = (sunindextype)global,
                            .norm_length = (sunindextype)global,
                            .own_data = false,
                            .data = NULL,
                            .comm = comm,
                            .comm_size = size};
  v->content = c;
  set_ops(v);
  *vector = v;
  return WC_OK;
}

wc_status wc_nvector_create(MPI_Comm comm, sunindextype local_length, SUNContext context, N_Vector *vector) {
  WC_CALL(create_empty(comm, local_length, context, vector));
  double *data = alloc_data(local_length);
  if (!data) {
    wc_nvector_destroy(vector);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for an N_Vector of %lld elements", (long long)local_length);
  }
  content_of(*vector)->data = data;
  content_of(*vector)->own_data = true;
  return WC_OK;
}

wc_status wc_nvector_create_wrapping(MPI_Comm comm, sunindextype local_length, double *data, SUNContext context,
                                     N_Vector *vector) {
  WC_CHECK(data != NULL || local_length == 0, WC_ERR_INTERNAL, "wrapping a NULL array in an N_Vector");
  WC_CALL(create_empty(comm, local_length, context, vector));
  content_of(*vector)->data = data;
  return WC_OK;
}

void wc_nvector_destroy(N_Vector *vector) {
  if (!vector || !*vector) return;
  N_VDestroy(*vector);
  *vector = NULL;
}

int wc_nvector_is_own(N_Vector vector) { return vector && vector->ops && vector->ops->nvclone == wc_nv_clone; }

double *wc_nvector_data(N_Vector vector) { return data_of(vector); }

sunindextype wc_nvector_local_length(N_Vector vector) { return length_of(vector); }
