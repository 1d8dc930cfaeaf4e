/*
 * wc_cube_root.h — the cube root inline, for Manning's law in the cell equations.
 *
 * glibc's cbrt splits x with frexp and joins the result with ldexp, each a call of its
 * own: the three were 15% of a cell-by-cell run (docs/performance.md), more than the
 * arithmetic. Here the exponent is split with integer operations, a polynomial gives the
 * root of the mantissa to 1.8e-6 and one Halley step takes it to within a few units in
 * the last place (test_core.c, cube_root_matches_libm, holds it to 4 of libm's over 1e-304..1e304).
 *
 *   double c = wc_cube_root(x);   (any double; subnormal, infinite and NaN go to libm)
 */
#ifndef WC_CUBE_ROOT_H
#define WC_CUBE_ROOT_H

#include <math.h>
#include <stdint.h>
#include <string.h>

static inline double wc_cube_root(double x) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  const unsigned exponent_field = (unsigned)(bits >> 52) & 0x7ffu;
  if (exponent_field == 0 || exponent_field == 0x7ffu) /* 0 (a dry cell: common), subnormal, inf, NaN */
    return x == 0.0 ? x : cbrt(x);
  /* |x| = m 2^e with m in [0.5, 1): m from x's mantissa bits, e = field - 1022. */
  const uint64_t mantissa_bits = (bits & UINT64_C(0x000fffffffffffff)) | (UINT64_C(1022) << 52);
  double m;
  memcpy(&m, &mantissa_bits, sizeof m);
  /* e + 1026 is never negative (1026 = 3 * 342), so e = 3 q + r with r in {0, 1, 2}. */
  const unsigned shifted = exponent_field + 4u, q = shifted / 3u, r = shifted - 3u * q;
  static const double root_of_two_power[3] = {1.0, 1.2599210498948732, 1.5874010519681994}; /* 2^(r/3) */
  /* Near-minimax on [0.5, 1] (interpolated at the Chebyshev points): relative error 1.8e-6. */
  double u = 0.37712437321266373 +
             m * (1.3203099421457156 +
                  m * (-1.4613541913831751 + m * (1.2486801266130145 + m * (-0.6136044246333047 + m * 0.12884498312158732))));
  /* Halley: the relative error cubes (1.8e-6 -> ~1e-17, below rounding). */
  const double u3 = u * u * u;
  u = u * (u3 + 2.0 * m) / (2.0 * u3 + m);
  /* 2^(q - 342) with x's sign, built exactly. */
  const uint64_t scale_bits = ((uint64_t)(q - 342u + 1023u) << 52) | (bits & UINT64_C(0x8000000000000000));
  double scale;
  memcpy(&scale, &scale_bits, sizeof scale);
  return u * (root_of_two_power[r] * scale);
}

#endif
