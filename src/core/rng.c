/* rng.c: xoshiro256** (Blackman and Vigna) seeded through splitmix64. */
#include "rng.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void dp_rng_seed(dp_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t dp_rng_next(dp_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

void dp_rng_fill(dp_rng *r, uint64_t *out, size_t n)
{
    // The state in locals, so that it stays in registers across the loop.
    uint64_t s0 = r->s[0], s1 = r->s[1], s2 = r->s[2], s3 = r->s[3];
    for (size_t i = 0; i < n; i++) {
        out[i] = rotl(s1 * 5, 7) * 9;
        uint64_t t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = rotl(s3, 45);
    }
    r->s[0] = s0, r->s[1] = s1, r->s[2] = s2, r->s[3] = s3;
}

double dp_rng_uniform(dp_rng *r)
{
    return (double)(dp_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

uint64_t dp_rng_below(dp_rng *r, uint64_t n)
{
    if (n <= 1)
        return 0;
    /* Reject the top sliver so every value is equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = dp_rng_next(r);
    while (x >= limit);
    return x % n;
}
