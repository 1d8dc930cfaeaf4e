/* wc_rng.c — xoshiro256** with splitmix64 seeding, and the distributions built on it. */
#include "wc_rng.h"

#include <math.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* splitmix64 (Steele, Lea & Flood 2014): the seeding step the xoshiro authors recommend,
 * so that nearby seeds (1, 2, 3...) still give unrelated streams. */
static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void wc_rng_seed(wc_rng *rng, uint64_t seed, uint64_t key) {
  /* Mix the key through its own splitmix step before combining, so that (seed, key) and
   * (seed + 1, key - 1) are not the same stream. */
  uint64_t k = key;
  uint64_t x = seed ^ splitmix64(&k);
  for (int i = 0; i < 4; i++) rng->s[i] = splitmix64(&x);
  /* xoshiro's only bad state is all zeros; splitmix64 cannot give four zeros in a row,
   * but keep the guard explicit. */
  if ((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) == 0) rng->s[0] = 1;
}

uint64_t wc_rng_next(wc_rng *rng) {
  uint64_t *s = rng->s;
  const uint64_t result = rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double wc_rng_uniform(wc_rng *rng) { return (double)(wc_rng_next(rng) >> 11) * 0x1.0p-53; }

double wc_rng_uniform_open(wc_rng *rng) {
  return ((double)(wc_rng_next(rng) >> 11) + 0.5) * 0x1.0p-53;
}

double wc_rng_normal(wc_rng *rng) {
  double u1 = wc_rng_uniform_open(rng);
  double u2 = wc_rng_uniform(rng);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

double wc_rng_gamma(wc_rng *rng, double shape) {
  if (shape < 1.0) {
    double g = wc_rng_gamma(rng, shape + 1.0);
    return g * pow(wc_rng_uniform_open(rng), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = wc_rng_normal(rng);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    double u = wc_rng_uniform_open(rng);
    if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return d * v;
    if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v))) return d * v;
  }
}
