/* rng.h: the one random generator of digitpad: xoshiro256** seeded through
 * splitmix64, so any 64-bit seed (0 included) gives a well-mixed state, and
 * the same seed gives the same numbers on every machine. Weight
 * initialisation, shuffling and distortions all draw from it. */
#ifndef DIGITPAD_RNG_H
#define DIGITPAD_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct dp_rng {
    uint64_t s[4];
} dp_rng;

/* Seeds r from seed (every seed is fine). */
void dp_rng_seed(dp_rng *r, uint64_t seed);

/* The next 64 random bits. */
uint64_t dp_rng_next(dp_rng *r);

/* out[0..n) = the next n values of dp_rng_next, in order (the same
 * numbers; one call, for loops that want many). */
void dp_rng_fill(dp_rng *r, uint64_t *out, size_t n);

/* Uniform in [0, 1), with 53 random bits. */
double dp_rng_uniform(dp_rng *r);

/* Uniform integer in [0, n) without modulo bias (0 when n <= 1). */
uint64_t dp_rng_below(dp_rng *r, uint64_t n);

#endif
