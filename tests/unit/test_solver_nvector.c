/*
 * test_solver_nvector.c — conformance of wcsim's N_Vector (solvers/wc_nvector.h).
 *
 * Every operation of the ops table runs on the same data in three ways: wc_nvector,
 * Debian's N_Vector_Parallel (fused operations enabled, so its own kernels run, not the
 * generic fallbacks), and a plain reference loop here (with MPI_Allreduce for the global
 * reductions). Data depend on the global index only, so the same checks hold on any
 * number of ranks; ctest runs this program serially and under mpiexec -n 2, with local
 * lengths that differ between ranks and cross the vector's internal block size (512).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>
#include <nvector/nvector_parallel.h>

#include "wc_nvector.h"
#include "wc_sundials.h"
#include "wc_test.h"

enum { NV = 6 }; /* vectors per array test (CVODE uses up to q + 1 = 6) */

static SUNContext ctx;
static int rank, size;
static double *reference; /* see ref_buffer() */
static sunindextype local_n, offset, global_n;

/* Each kind of vector: [0] own, [1] Debian. */
static N_Vector x[2], y[2], z[2], w[2], id[2], c[2], X[2][NV], Y[2][NV], Z[2][NV];

static double value_at(sunindextype gi, int which) {
  double g = (double)gi;
  switch (which) {
  case 0: return sin(0.37 * (g + 1.0)) * (1.0 + (double)(gi % 7));
  case 1: return cos(0.11 * g) - 0.25;
  case 2: return 0.5 + 0.001 * (double)(gi % 101); /* weights > 0 */
  case 3: return (gi % 3 == 0) ? 0.0 : (gi % 3 == 1 ? 1.0 : -1.0); /* mask */
  case 4: { /* constraint codes */
    static const double codes[5] = {0.0, 1.0, 2.0, -1.0, -2.0};
    return codes[gi % 5];
  }
  default: return 0.01 * (double)which + 1e-3 * (double)(gi % 17) - 0.004;
  }
}

static void fill(N_Vector v[2], int which) {
  for (int k = 0; k < 2; k++) {
    double *d = N_VGetArrayPointer(v[k]);
    for (sunindextype i = 0; i < local_n; i++) d[i] = value_at(offset + i, which);
  }
}

static int suite_init(void) {
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  local_n = 1301 + 37 * rank; /* uneven slices, not a multiple of the block size */
  long long mine = local_n, off = 0, total = 0;
  MPI_Exscan(&mine, &off, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) off = 0;
  MPI_Allreduce(&mine, &total, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  offset = off;
  global_n = total;
  if (wc_sun_context_create(MPI_COMM_WORLD, &ctx) != WC_OK) return 1;
  N_Vector *all[2][5 + 3 * NV];
  for (int k = 0; k < 2; k++) {
    int m = 0;
    all[k][m++] = &x[k];
    all[k][m++] = &y[k];
    all[k][m++] = &z[k];
    all[k][m++] = &w[k];
    all[k][m++] = &id[k];
    for (int j = 0; j < NV; j++) {
      all[k][m++] = &X[k][j];
      all[k][m++] = &Y[k][j];
      all[k][m++] = &Z[k][j];
    }
  }
  for (int m = 0; m < 5 + 3 * NV; m++) {
    if (wc_nvector_create(MPI_COMM_WORLD, local_n, ctx, all[0][m]) != WC_OK) return 1;
    *all[1][m] = N_VNew_Parallel(MPI_COMM_WORLD, local_n, global_n, ctx);
    if (!*all[1][m] || N_VEnableFusedOps_Parallel(*all[1][m], SUNTRUE) != 0) return 1;
  }
  for (int k = 0; k < 2; k++) c[k] = N_VClone(x[k]);
  return 0;
}

static int suite_clean(void) {
  for (int k = 0; k < 2; k++) {
    N_Vector *list[] = {&x[k], &y[k], &z[k], &w[k], &id[k], &c[k]};
    for (size_t m = 0; m < sizeof list / sizeof *list; m++) N_VDestroy(*list[m]);
    for (int j = 0; j < NV; j++) {
      N_VDestroy(X[k][j]);
      N_VDestroy(Y[k][j]);
      N_VDestroy(Z[k][j]);
    }
  }
  wc_sun_context_destroy(&ctx);
  free(reference);
  reference = NULL;
  return 0;
}

static int close_to(double a, double b, double tol) {
  if (a == b) return 1;
  if (isnan(a) || isnan(b)) return 0;
  return fabs(a - b) <= tol * fmax(1.0, fmax(fabs(a), fabs(b)));
}

/* Element-wise: own == Debian == reference (NULL: skip the reference). */
static int same_arrays(const char *what, N_Vector a[2], const double *ref, double tol) {
  const double *own = N_VGetArrayPointer(a[0]), *deb = N_VGetArrayPointer(a[1]);
  for (sunindextype i = 0; i < local_n; i++) {
    if (!close_to(own[i], deb[i], tol) || (ref && !close_to(own[i], ref[i], tol))) {
      fprintf(stderr, "\n  %s: element %lld: own %.17g, Debian %.17g, reference %.17g\n", what,
              (long long)(offset + i), own[i], deb[i], ref ? ref[i] : NAN);
      return 0;
    }
  }
  return 1;
}

static int same_values(const char *what, double own, double deb, double ref, double tol) {
  if (close_to(own, deb, tol) && close_to(own, ref, tol)) return 1;
  fprintf(stderr, "\n  %s: own %.17g, Debian %.17g, reference %.17g\n", what, own, deb, ref);
  return 0;
}

static double global_sum(double v) {
  double s = v;
  MPI_Allreduce(&v, &s, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  return s;
}

/* Scratch for the reference loops, one slice long. */
static double *ref_buffer(void) {
  if (!reference) reference = calloc((size_t)local_n, sizeof *reference);
  return reference;
}

#define XD(k) N_VGetArrayPointer(x[k])
#define YD(k) N_VGetArrayPointer(y[k])
#define WD(k) N_VGetArrayPointer(w[k])
#define ID(k) N_VGetArrayPointer(id[k])

/* ---- utilities ---------------------------------------------------------------------------- */

static void test_lengths_and_clone(void) {
  CU_ASSERT_TRUE(wc_nvector_is_own(x[0]));
  CU_ASSERT_FALSE(wc_nvector_is_own(x[1]));
  CU_ASSERT_EQUAL(N_VGetLength(x[0]), global_n);
  CU_ASSERT_EQUAL(x[0]->ops->nvgetlocallength(x[0]), local_n);
  CU_ASSERT_EQUAL(wc_nvector_local_length(x[0]), local_n);
  CU_ASSERT_EQUAL(N_VGetVectorID(x[0]), SUNDIALS_NVEC_CUSTOM);
  MPI_Comm *comm = N_VGetCommunicator(x[0]);
  CU_ASSERT_PTR_NOT_NULL_FATAL(comm);
  int result;
  MPI_Comm_compare(*comm, MPI_COMM_WORLD, &result);
  CU_ASSERT_EQUAL(result, MPI_IDENT);
  sunindextype lrw, liw;
  N_VSpace(x[0], &lrw, &liw);
  CU_ASSERT_EQUAL(lrw, global_n);

  fill(x, 0);
  N_Vector copy = N_VClone(x[0]);
  CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
  CU_ASSERT_EQUAL(N_VGetLength(copy), global_n);
  CU_ASSERT_PTR_NOT_EQUAL(N_VGetArrayPointer(copy), N_VGetArrayPointer(x[0]));
  CU_ASSERT_EQUAL((uintptr_t)N_VGetArrayPointer(copy) % 64, 0);
  N_VDestroy(copy);

  N_Vector empty = N_VCloneEmpty(x[0]);
  CU_ASSERT_PTR_NOT_NULL_FATAL(empty);
  CU_ASSERT_PTR_NULL(N_VGetArrayPointer(empty));
  double *outside = calloc((size_t)local_n, sizeof *outside);
  N_VSetArrayPointer(outside, empty);
  N_VConst(2.5, empty);
  CU_ASSERT_EQUAL(outside[local_n - 1], 2.5);
  N_VDestroy(empty); /* must not free `outside` */
  free(outside);

  double data[3] = {1, 2, 3};
  N_Vector wrapped = NULL;
  CU_ASSERT_EQUAL(wc_nvector_create_wrapping(MPI_COMM_NULL, 3, data, ctx, &wrapped), WC_OK);
  CU_ASSERT_EQUAL(N_VGetLength(wrapped), 3);
  CU_ASSERT_PTR_NULL(N_VGetCommunicator(wrapped));
  CU_ASSERT_DOUBLE_EQUAL(N_VDotProd(wrapped, wrapped), 14.0, 0.0);
  wc_nvector_destroy(&wrapped);
  CU_ASSERT_PTR_NULL(wrapped);
  wc_nvector_destroy(&wrapped); /* NULL is fine */
  CU_ASSERT_EQUAL(data[2], 3.0);

  N_Vector zero = NULL;
  CU_ASSERT_EQUAL(wc_nvector_create(MPI_COMM_NULL, 0, ctx, &zero), WC_OK);
  CU_ASSERT_EQUAL(N_VGetLength(zero), 0);
  CU_ASSERT_EQUAL(N_VMin(zero), DBL_MAX);
  wc_nvector_destroy(&zero);
}

/* ---- element-wise operations --------------------------------------------------------------- */

static void test_linear_sum(void) {
  const double coefficients[][2] = {{1.0, 1.0}, {1.0, -1.0}, {2.5, -0.75}, {-1.0, 3.0}, {0.5, 0.5}, {0.0, 2.0}};
  double *ref = ref_buffer();
  for (size_t t = 0; t < sizeof coefficients / sizeof *coefficients; t++) {
    double a = coefficients[t][0], b = coefficients[t][1];
    fill(x, 0);
    fill(y, 1);
    for (sunindextype i = 0; i < local_n; i++) ref[i] = a * XD(0)[i] + b * YD(0)[i];
    for (int k = 0; k < 2; k++) N_VLinearSum(a, x[k], b, y[k], z[k]);
    CU_ASSERT_TRUE(same_arrays("linear sum", z, ref, 1e-15));
    for (int k = 0; k < 2; k++) N_VLinearSum(a, x[k], b, y[k], y[k]); /* in place */
    CU_ASSERT_TRUE(same_arrays("linear sum in place", y, ref, 1e-15));
  }
}

static void test_elementwise(void) {
  double *ref = ref_buffer();
  fill(x, 0);
  fill(y, 2);

  for (int k = 0; k < 2; k++) N_VConst(-3.25, z[k]);
  for (sunindextype i = 0; i < local_n; i++) ref[i] = -3.25;
  CU_ASSERT_TRUE(same_arrays("const", z, ref, 0.0));

  for (int k = 0; k < 2; k++) N_VProd(x[k], y[k], z[k]);
  for (sunindextype i = 0; i < local_n; i++) ref[i] = XD(0)[i] * YD(0)[i];
  CU_ASSERT_TRUE(same_arrays("prod", z, ref, 0.0));

  for (int k = 0; k < 2; k++) N_VDiv(x[k], y[k], z[k]);
  for (sunindextype i = 0; i < local_n; i++) ref[i] = XD(0)[i] / YD(0)[i];
  CU_ASSERT_TRUE(same_arrays("div", z, ref, 0.0));

  const double scales[] = {1.0, -1.0, 0.3};
  for (size_t s = 0; s < 3; s++) {
    for (int k = 0; k < 2; k++) N_VScale(scales[s], x[k], z[k]);
    for (sunindextype i = 0; i < local_n; i++) ref[i] = scales[s] * XD(0)[i];
    CU_ASSERT_TRUE(same_arrays("scale", z, ref, 0.0));
  }
  for (int k = 0; k < 2; k++) N_VScale(1.0, z[k], z[k]); /* copy onto itself */
  CU_ASSERT_TRUE(same_arrays("scale in place", z, ref, 0.0));

  for (int k = 0; k < 2; k++) N_VAbs(x[k], z[k]);
  for (sunindextype i = 0; i < local_n; i++) ref[i] = fabs(XD(0)[i]);
  CU_ASSERT_TRUE(same_arrays("abs", z, ref, 0.0));

  for (int k = 0; k < 2; k++) N_VInv(y[k], z[k]);
  for (sunindextype i = 0; i < local_n; i++) ref[i] = 1.0 / YD(0)[i];
  CU_ASSERT_TRUE(same_arrays("inv", z, ref, 0.0));

  for (int k = 0; k < 2; k++) N_VAddConst(x[k], 0.125, z[k]);
  for (sunindextype i = 0; i < local_n; i++) ref[i] = XD(0)[i] + 0.125;
  CU_ASSERT_TRUE(same_arrays("add const", z, ref, 0.0));

  for (int k = 0; k < 2; k++) N_VCompare(1.5, x[k], z[k]);
  for (sunindextype i = 0; i < local_n; i++) ref[i] = fabs(XD(0)[i]) >= 1.5 ? 1.0 : 0.0;
  CU_ASSERT_TRUE(same_arrays("compare", z, ref, 0.0));
}

/* ---- reductions ------------------------------------------------------------------------------ */

static void test_reductions(void) {
  fill(x, 0);
  fill(y, 1);
  fill(w, 2);
  fill(id, 3);
  double dot = 0, wsq = 0, wsqm = 0, l1 = 0, maxn = 0, mn = DBL_MAX;
  for (sunindextype i = 0; i < local_n; i++) {
    double xi = XD(0)[i], p = xi * WD(0)[i];
    dot += xi * YD(0)[i];
    wsq += p * p;
    if (ID(0)[i] > 0) wsqm += p * p;
    l1 += fabs(xi);
    maxn = fmax(maxn, fabs(xi));
    mn = fmin(mn, xi);
  }
  CU_ASSERT_TRUE(same_values("dot local", N_VDotProdLocal(x[0], y[0]), N_VDotProdLocal(x[1], y[1]), dot, 1e-13));
  CU_ASSERT_TRUE(same_values("wsqrsum local", N_VWSqrSumLocal(x[0], w[0]), N_VWSqrSumLocal(x[1], w[1]), wsq, 1e-13));
  CU_ASSERT_TRUE(same_values("wsqrsum mask local", N_VWSqrSumMaskLocal(x[0], w[0], id[0]),
                             N_VWSqrSumMaskLocal(x[1], w[1], id[1]), wsqm, 1e-13));
  CU_ASSERT_TRUE(same_values("l1 local", N_VL1NormLocal(x[0]), N_VL1NormLocal(x[1]), l1, 1e-13));
  CU_ASSERT_TRUE(same_values("max norm local", N_VMaxNormLocal(x[0]), N_VMaxNormLocal(x[1]), maxn, 0.0));
  CU_ASSERT_TRUE(same_values("min local", N_VMinLocal(x[0]), N_VMinLocal(x[1]), mn, 0.0));

  double gdot = global_sum(dot), gwsq = global_sum(wsq), gwsqm = global_sum(wsqm), gl1 = global_sum(l1);
  double gmax = maxn, gmin = mn;
  MPI_Allreduce(&maxn, &gmax, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  MPI_Allreduce(&mn, &gmin, 1, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
  CU_ASSERT_TRUE(same_values("dot", N_VDotProd(x[0], y[0]), N_VDotProd(x[1], y[1]), gdot, 1e-13));
  CU_ASSERT_TRUE(same_values("wrms", N_VWrmsNorm(x[0], w[0]), N_VWrmsNorm(x[1], w[1]), sqrt(gwsq / (double)global_n),
                             1e-13));
  CU_ASSERT_TRUE(same_values("wrms mask", N_VWrmsNormMask(x[0], w[0], id[0]), N_VWrmsNormMask(x[1], w[1], id[1]),
                             sqrt(gwsqm / (double)global_n), 1e-13));
  CU_ASSERT_TRUE(same_values("wl2", N_VWL2Norm(x[0], w[0]), N_VWL2Norm(x[1], w[1]), sqrt(gwsq), 1e-13));
  CU_ASSERT_TRUE(same_values("l1", N_VL1Norm(x[0]), N_VL1Norm(x[1]), gl1, 1e-13));
  CU_ASSERT_TRUE(same_values("max norm", N_VMaxNorm(x[0]), N_VMaxNorm(x[1]), gmax, 0.0));
  CU_ASSERT_TRUE(same_values("min", N_VMin(x[0]), N_VMin(x[1]), gmin, 0.0));
}

static void test_inv_test(void) {
  double *ref = ref_buffer();
  fill(y, 2); /* no zeros */
  for (int k = 0; k < 2; k++) N_VConst(7.0, z[k]);
  booleantype own = N_VInvTest(y[0], z[0]), deb = N_VInvTest(y[1], z[1]);
  CU_ASSERT_TRUE(own);
  CU_ASSERT_TRUE(deb);
  for (sunindextype i = 0; i < local_n; i++) ref[i] = 1.0 / YD(0)[i];
  CU_ASSERT_TRUE(same_arrays("inv test", z, ref, 0.0));
  CU_ASSERT_TRUE(N_VInvTestLocal(y[0], z[0]));

  /* One zero on the last rank only: every rank must see the failure. */
  if (rank == size - 1)
    for (int k = 0; k < 2; k++) N_VGetArrayPointer(y[k])[local_n / 2] = 0.0;
  own = N_VInvTest(y[0], z[0]);
  deb = N_VInvTest(y[1], z[1]);
  CU_ASSERT_FALSE(own);
  CU_ASSERT_FALSE(deb);
  CU_ASSERT_EQUAL(N_VInvTestLocal(y[0], z[0]), rank == size - 1 ? SUNFALSE : SUNTRUE);
  CU_ASSERT_TRUE(same_arrays("inv test with a zero", z, NULL, 0.0));
}

static void test_constraints(void) {
  double *ref = ref_buffer();
  fill(c, 4);
  fill(x, 0);
  for (int k = 0; k < 2; k++) N_VConst(9.0, z[k]);
  booleantype own = N_VConstrMask(c[0], x[0], z[0]), deb = N_VConstrMask(c[1], x[1], z[1]);
  int violated = 0;
  for (sunindextype i = 0; i < local_n; i++) {
    double ci = N_VGetArrayPointer(c[0])[i], xi = XD(0)[i];
    int bad = (ci == 2.0 && !(xi > 0)) || (ci == 1.0 && xi < 0) || (ci == -1.0 && xi > 0) || (ci == -2.0 && !(xi < 0));
    ref[i] = bad ? 1.0 : 0.0;
    violated |= bad;
  }
  int any = violated;
  MPI_Allreduce(&violated, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  CU_ASSERT_EQUAL(own, any ? SUNFALSE : SUNTRUE);
  CU_ASSERT_EQUAL(deb, own);
  CU_ASSERT_TRUE(same_arrays("constraint mask", z, ref, 0.0));
  CU_ASSERT_EQUAL(N_VConstrMaskLocal(c[0], x[0], z[0]), violated ? SUNFALSE : SUNTRUE);

  /* Every constraint satisfied: codes 0, 1, 2 only and x >= 1. */
  for (int k = 0; k < 2; k++) {
    double *cd = N_VGetArrayPointer(c[k]), *xd = N_VGetArrayPointer(x[k]);
    for (sunindextype i = 0; i < local_n; i++) {
      cd[i] = fabs(cd[i]);
      xd[i] = fabs(xd[i]) + 1.0;
    }
  }
  CU_ASSERT_TRUE(N_VConstrMask(c[0], x[0], z[0]));
  CU_ASSERT_TRUE(N_VConstrMask(c[1], x[1], z[1]));
}

static void test_min_quotient(void) {
  fill(x, 0);
  fill(y, 3); /* denominators with zeros */
  double mq = DBL_MAX;
  for (sunindextype i = 0; i < local_n; i++)
    if (YD(0)[i] != 0.0) mq = fmin(mq, XD(0)[i] / YD(0)[i]);
  double gmq = mq;
  MPI_Allreduce(&mq, &gmq, 1, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
  CU_ASSERT_TRUE(same_values("min quotient local", N_VMinQuotientLocal(x[0], y[0]), N_VMinQuotientLocal(x[1], y[1]),
                             mq, 0.0));
  CU_ASSERT_TRUE(same_values("min quotient", N_VMinQuotient(x[0], y[0]), N_VMinQuotient(x[1], y[1]), gmq, 0.0));
  for (int k = 0; k < 2; k++) N_VConst(0.0, y[k]);
  CU_ASSERT_EQUAL(N_VMinQuotient(x[0], y[0]), DBL_MAX);
}

/* ---- fused and vector-array operations --------------------------------------------------------- */

static void fill_pair(N_Vector own, N_Vector deb, int which) {
  N_Vector pair[2] = {own, deb};
  fill(pair, which);
}

static void fill_all_arrays(void) {
  for (int j = 0; j < NV; j++) {
    fill_pair(X[0][j], X[1][j], 10 + j);
    fill_pair(Y[0][j], Y[1][j], 20 + j);
    fill_pair(Z[0][j], Z[1][j], 30 + j);
  }
}

static int same_pair(const char *what, N_Vector own, N_Vector deb, const double *ref, double tol) {
  N_Vector pair[2] = {own, deb};
  return same_arrays(what, pair, ref, tol);
}

static void test_linear_combination(void) {
  double coef[NV] = {1.0, -0.5, 2.0, 0.25, -3.0, 1.5};
  double *ref = ref_buffer();
  for (int nvec = 1; nvec <= NV; nvec++) {
    fill_all_arrays();
    for (sunindextype i = 0; i < local_n; i++) {
      ref[i] = 0.0;
      for (int j = 0; j < nvec; j++) ref[i] += coef[j] * N_VGetArrayPointer(X[0][j])[i];
    }
    for (int k = 0; k < 2; k++) CU_ASSERT_EQUAL(N_VLinearCombination(nvec, coef, X[k], z[k]), 0);
    CU_ASSERT_TRUE(same_arrays("linear combination", z, ref, 1e-14));
    /* The output aliasing the first input (CVODE's pattern), then a later one. */
    for (int k = 0; k < 2; k++) CU_ASSERT_EQUAL(N_VLinearCombination(nvec, coef, X[k], X[k][0]), 0);
    CU_ASSERT_TRUE(same_pair("linear combination into X[0]", X[0][0], X[1][0], ref, 1e-14));
  }
  fill_all_arrays();
  for (sunindextype i = 0; i < local_n; i++) {
    ref[i] = 0.0;
    for (int j = 0; j < NV; j++) ref[i] += coef[j] * N_VGetArrayPointer(X[0][j])[i];
  }
  CU_ASSERT_EQUAL(N_VLinearCombination(NV, coef, X[0], X[0][3]), 0);
  CU_ASSERT_TRUE(same_pair("linear combination into X[3] (own only)", X[0][3], X[0][3], ref, 1e-14));
}

static void test_scale_add_multi_and_dots(void) {
  double a[NV] = {0.5, -1.0, 2.0, 3.0, -0.25, 1.0};
  double *ref = ref_buffer();
  fill(x, 0);
  fill_all_arrays();
  for (int k = 0; k < 2; k++) CU_ASSERT_EQUAL(N_VScaleAddMulti(NV, a, x[k], Y[k], Z[k]), 0);
  for (int j = 0; j < NV; j++) {
    for (sunindextype i = 0; i < local_n; i++) ref[i] = a[j] * XD(0)[i] + N_VGetArrayPointer(Y[0][j])[i];
    CU_ASSERT_TRUE(same_pair("scale add multi", Z[0][j], Z[1][j], ref, 1e-15));
  }
  for (int k = 0; k < 2; k++) CU_ASSERT_EQUAL(N_VScaleAddMulti(NV, a, x[k], Y[k], Y[k]), 0); /* Z = Y */
  for (int j = 0; j < NV; j++) CU_ASSERT_TRUE(same_pair("scale add multi in place", Y[0][j], Y[1][j], NULL, 1e-15));

  double own[NV], deb[NV], own_local[NV];
  fill_all_arrays();
  CU_ASSERT_EQUAL(N_VDotProdMulti(NV, x[0], Y[0], own), 0);
  CU_ASSERT_EQUAL(N_VDotProdMulti(NV, x[1], Y[1], deb), 0);
  CU_ASSERT_EQUAL(N_VDotProdMultiLocal(NV, x[0], Y[0], own_local), 0);
  CU_ASSERT_EQUAL(N_VDotProdMultiAllReduce(NV, x[0], own_local), 0);
  for (int j = 0; j < NV; j++) {
    double r = 0.0;
    for (sunindextype i = 0; i < local_n; i++) r += XD(0)[i] * N_VGetArrayPointer(Y[0][j])[i];
    r = global_sum(r);
    CU_ASSERT_TRUE(same_values("dot multi", own[j], deb[j], r, 1e-13));
    CU_ASSERT_TRUE(same_values("dot multi local + allreduce", own_local[j], deb[j], r, 1e-13));
  }
}

static void test_vector_arrays(void) {
  double *ref = ref_buffer();
  double cvec[NV] = {2.0, -1.0, 0.5, 1.0, 3.0, -2.0};

  fill_all_arrays();
  for (int k = 0; k < 2; k++) CU_ASSERT_EQUAL(N_VLinearSumVectorArray(NV, 0.7, X[k], -1.3, Y[k], Z[k]), 0);
  for (int j = 0; j < NV; j++) {
    for (sunindextype i = 0; i < local_n; i++)
      ref[i] = 0.7 * N_VGetArrayPointer(X[0][j])[i] - 1.3 * N_VGetArrayPointer(Y[0][j])[i];
    CU_ASSERT_TRUE(same_pair("linear sum array", Z[0][j], Z[1][j], ref, 1e-15));
  }

  fill_all_arrays();
  for (int k = 0; k < 2; k++) CU_ASSERT_EQUAL(N_VScaleVectorArray(NV, cvec, X[k], Z[k]), 0);
  for (int j = 0; j < NV; j++) {
    for (sunindextype i = 0; i < local_n; i++) ref[i] = cvec[j] * N_VGetArrayPointer(X[0][j])[i];
    CU_ASSERT_TRUE(same_pair("scale array", Z[0][j], Z[1][j], ref, 0.0));
  }

  for (int k = 0; k < 2; k++) CU_ASSERT_EQUAL(N_VConstVectorArray(NV, 4.5, Z[k]), 0);
  for (sunindextype i = 0; i < local_n; i++) ref[i] = 4.5;
  for (int j = 0; j < NV; j++) CU_ASSERT_TRUE(same_pair("const array", Z[0][j], Z[1][j], ref, 0.0));

  fill_all_arrays();
  fill(id, 3);
  double own[NV], deb[NV];
  N_Vector W0[NV], W1[NV];
  for (int j = 0; j < NV; j++) {
    W0[j] = Y[0][j];
    W1[j] = Y[1][j];
  }
  CU_ASSERT_EQUAL(N_VWrmsNormVectorArray(NV, X[0], W0, own), 0);
  CU_ASSERT_EQUAL(N_VWrmsNormVectorArray(NV, X[1], W1, deb), 0);
  for (int j = 0; j < NV; j++) CU_ASSERT_TRUE(same_values("wrms array", own[j], deb[j], N_VWrmsNorm(X[0][j], W0[j]), 1e-13));
  CU_ASSERT_EQUAL(N_VWrmsNormMaskVectorArray(NV, X[0], W0, id[0], own), 0);
  CU_ASSERT_EQUAL(N_VWrmsNormMaskVectorArray(NV, X[1], W1, id[1], deb), 0);
  for (int j = 0; j < NV; j++)
    CU_ASSERT_TRUE(same_values("wrms mask array", own[j], deb[j], N_VWrmsNormMask(X[0][j], W0[j], id[0]), 1e-13));

  /* ScaleAddMultiVectorArray: nvec = 2 vectors X[i], nsum = 3 sums. */
  enum { NVEC = 2, NSUM = 3 };
  double a[NSUM] = {1.5, -0.5, 2.0};
  N_Vector *Yk[2][NSUM], *Zk[2][NSUM];
  N_Vector Ystore[2][NSUM][NVEC], Zstore[2][NSUM][NVEC];
  fill_all_arrays();
  for (int k = 0; k < 2; k++)
    for (int j = 0; j < NSUM; j++) {
      for (int i = 0; i < NVEC; i++) {
        Ystore[k][j][i] = Y[k][j * NVEC + i];
        Zstore[k][j][i] = Z[k][j * NVEC + i];
      }
      Yk[k][j] = Ystore[k][j];
      Zk[k][j] = Zstore[k][j];
    }
  for (int k = 0; k < 2; k++) CU_ASSERT_EQUAL(N_VScaleAddMultiVectorArray(NVEC, NSUM, a, X[k], Yk[k], Zk[k]), 0);
  for (int j = 0; j < NSUM; j++)
    for (int i = 0; i < NVEC; i++) {
      for (sunindextype e = 0; e < local_n; e++)
        ref[e] = a[j] * N_VGetArrayPointer(X[0][i])[e] + N_VGetArrayPointer(Ystore[0][j][i])[e];
      CU_ASSERT_TRUE(same_pair("scale add multi array", Zstore[0][j][i], Zstore[1][j][i], ref, 1e-15));
    }

  /* LinearCombinationVectorArray: Z[i] = sum_j c[j] X[j][i], nvec = 2, nsum = 3. */
  N_Vector *Xk[2][NSUM], Xstore[2][NSUM][NVEC], Zout[2][NVEC];
  fill_all_arrays();
  for (int k = 0; k < 2; k++) {
    for (int j = 0; j < NSUM; j++) {
      for (int i = 0; i < NVEC; i++) Xstore[k][j][i] = (j * NVEC + i < NV) ? X[k][j * NVEC + i] : Y[k][0];
      Xk[k][j] = Xstore[k][j];
    }
    for (int i = 0; i < NVEC; i++) Zout[k][i] = Z[k][i];
  }
  for (int k = 0; k < 2; k++) CU_ASSERT_EQUAL(N_VLinearCombinationVectorArray(NVEC, NSUM, a, Xk[k], Zout[k]), 0);
  for (int i = 0; i < NVEC; i++) {
    for (sunindextype e = 0; e < local_n; e++) {
      ref[e] = 0.0;
      for (int j = 0; j < NSUM; j++) ref[e] += a[j] * N_VGetArrayPointer(Xstore[0][j][i])[e];
    }
    CU_ASSERT_TRUE(same_pair("linear combination array", Zout[0][i], Zout[1][i], ref, 1e-14));
  }
}

static void test_buffers(void) {
  fill(x, 0);
  sunindextype bytes = 0;
  CU_ASSERT_EQUAL(N_VBufSize(x[0], &bytes), 0);
  CU_ASSERT_EQUAL(bytes, local_n * (sunindextype)sizeof(double));
  double *buffer = malloc((size_t)bytes);
  CU_ASSERT_EQUAL(N_VBufPack(x[0], buffer), 0);
  N_VConst(0.0, z[0]);
  CU_ASSERT_EQUAL(N_VBufUnpack(z[0], buffer), 0);
  CU_ASSERT_EQUAL(memcmp(N_VGetArrayPointer(z[0]), XD(0), (size_t)bytes), 0);
  free(buffer);
}

/* The weighted RMS norms are reproducible: the same bits whatever the order of the
 * elements and however they are split among ranks (CVODE's step decisions hang on them;
 * docs/solver.md). Values span 40 orders of magnitude, some weights are zero, a mask drops
 * some elements; one split interleaves the elements over the ranks in reverse order. */
static double repro_value(sunindextype gi) { return sin(0.7 * (double)gi) * pow(10.0, (double)(gi % 41) - 20.0); }
static double repro_weight(sunindextype gi) { return gi % 9 == 0 ? 0.0 : 1.0 / (1e-4 + 1e-3 * (double)(gi % 13)); }
static double repro_mask(sunindextype gi) { return gi % 5 == 0 ? 0.0 : 1.0; }

static void test_wrms_reproducible(void) {
  const sunindextype n = 5003;
  N_Vector a = NULL, aw = NULL, am = NULL, b = NULL, bw = NULL, bm = NULL, c = NULL, cw = NULL, cm = NULL;
  sunindextype mine = 0;
  for (sunindextype gi = 0; gi < n; gi++) mine += gi % size == rank;
  CU_ASSERT_EQUAL_FATAL(wc_nvector_create(MPI_COMM_NULL, n, ctx, &a) | wc_nvector_create(MPI_COMM_NULL, n, ctx, &aw) |
                            wc_nvector_create(MPI_COMM_NULL, n, ctx, &am) | wc_nvector_create(MPI_COMM_NULL, n, ctx, &b) |
                            wc_nvector_create(MPI_COMM_NULL, n, ctx, &bw) | wc_nvector_create(MPI_COMM_NULL, n, ctx, &bm) |
                            wc_nvector_create(MPI_COMM_WORLD, mine, ctx, &c) |
                            wc_nvector_create(MPI_COMM_WORLD, mine, ctx, &cw) |
                            wc_nvector_create(MPI_COMM_WORLD, mine, ctx, &cm),
                        WC_OK);
  long double exact = 0.0L, exact_mask = 0.0L;
  sunindextype k = 0;
  for (sunindextype gi = 0; gi < n; gi++) {
    double v = repro_value(gi), wt = repro_weight(gi), m = repro_mask(gi);
    wc_nvector_data(a)[gi] = v, wc_nvector_data(aw)[gi] = wt, wc_nvector_data(am)[gi] = m;
    wc_nvector_data(b)[n - 1 - gi] = v, wc_nvector_data(bw)[n - 1 - gi] = wt, wc_nvector_data(bm)[n - 1 - gi] = m;
    long double p = (long double)v * wt;
    exact += p * p;
    if (m > 0) exact_mask += p * p;
  }
  for (sunindextype gi = n - 1; gi >= 0; gi--)
    if (gi % size == rank) {
      wc_nvector_data(c)[k] = repro_value(gi), wc_nvector_data(cw)[k] = repro_weight(gi);
      wc_nvector_data(cm)[k++] = repro_mask(gi);
    }
  double na = N_VWrmsNorm(a, aw), nb = N_VWrmsNorm(b, bw), nc = N_VWrmsNorm(c, cw);
  double ma = N_VWrmsNormMask(a, aw, am), mb = N_VWrmsNormMask(b, bw, bm), mc = N_VWrmsNormMask(c, cw, cm);
  CU_ASSERT_TRUE(na == nb && na == nc);
  CU_ASSERT_TRUE(ma == mb && ma == mc);
  if (!(na == nb && na == nc && ma == mb && ma == mc))
    fprintf(stderr, "\n  wrms %.17g %.17g %.17g, masked %.17g %.17g %.17g\n", na, nb, nc, ma, mb, mc);
  CU_ASSERT_TRUE(fabs(na - (double)sqrtl(exact / n)) <= 1e-14 * na);
  CU_ASSERT_TRUE(fabs(ma - (double)sqrtl(exact_mask / n)) <= 1e-14 * ma);
  double norms[2];
  N_Vector xs[2] = {c, c}, ws[2] = {cw, cw};
  CU_ASSERT_EQUAL(N_VWrmsNormVectorArray(2, xs, ws, norms), 0);
  CU_ASSERT_TRUE(norms[0] == na && norms[1] == na);
  /* A NaN on one rank is a NaN norm on every rank. */
  if (rank == size - 1 && mine > 0) wc_nvector_data(c)[0] = NAN;
  CU_ASSERT_TRUE(isnan(N_VWrmsNorm(c, cw)));
  N_VConst(0.0, c);
  CU_ASSERT_TRUE(N_VWrmsNorm(c, cw) == 0.0);
  N_Vector all[] = {a, aw, am, b, bw, bm, c, cw, cm};
  for (size_t j = 0; j < sizeof all / sizeof *all; j++) N_VDestroy(all[j]);
}

static CU_TestInfo nvector_tests[] = {
    WC_TEST(test_wrms_reproducible),
    WC_TEST(test_lengths_and_clone),
    WC_TEST(test_linear_sum),
    WC_TEST(test_elementwise),
    WC_TEST(test_reductions),
    WC_TEST(test_inv_test),
    WC_TEST(test_constraints),
    WC_TEST(test_min_quotient),
    WC_TEST(test_linear_combination),
    WC_TEST(test_scale_add_multi_and_dots),
    WC_TEST(test_vector_arrays),
    WC_TEST(test_buffers),
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"nvector", suite_init, suite_clean, NULL, NULL, nvector_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv) { return wc_test_run(argc, argv, suites, 1); }
