/*
 * wc_rng.h — a portable, seedable random stream for the weather generator.
 *
 * xoshiro256** (Blackman & Vigna, 2018), seeded through splitmix64. Both are defined on
 * 64-bit integers only, so a (seed, key) pair gives the same bits on every machine and
 * compiler; the C library's rand() is never used (its sequence differs between libcs).
 * The distribution transforms (uniform, normal, gamma) use only +, *, /, sqrt, log and
 * cos on IEEE doubles.
 *
 * A stream is a plain value: copy it to fork, no allocation, no global state.
 */
#ifndef WC_RNG_H
#define WC_RNG_H

#include <stdint.h>

typedef struct wc_rng {
  uint64_t s[4];
} wc_rng;

/* A stream determined by (seed, key): e.g. key = day number, so each simulated day has its
 * own stream and what one day draws never shifts another day's numbers. */
void wc_rng_seed(wc_rng *rng, uint64_t seed, uint64_t key);

/* Next 64 random bits. */
uint64_t wc_rng_next(wc_rng *rng);

/* Uniform on [0, 1), 53 random bits. */
double wc_rng_uniform(wc_rng *rng);

/* Uniform on (0, 1): never 0, for logarithms. */
double wc_rng_uniform_open(wc_rng *rng);

/* Standard normal (Box-Muller, always two uniforms per call, the cosine branch). */
double wc_rng_normal(wc_rng *rng);

/* Gamma with shape k > 0 and scale 1 (Marsaglia & Tsang 2000; for k < 1 the boost
 * Gamma(k+1) * U^(1/k)). Multiply by the scale. */
double wc_rng_gamma(wc_rng *rng, double shape);

#endif /* WC_RNG_H */
