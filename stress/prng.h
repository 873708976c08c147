/* Per-thread pseudo-random numbers for jitter, derived from the run's seed.
 *
 * Contract
 *   Every random choice of an iteration derives from (seed, iteration,
 *   thread) alone, never from a generator carried over from the previous
 *   iteration, so `--start I` can replay iteration I with the same jitter
 *   without running iterations 0..I-1 first, and a shard that runs
 *   iterations [a, b) makes the same choices an unsharded run makes there.
 *
 *   st_prng_seed(p, seed, it, th)  position p at (seed, iteration, thread).
 *   st_prng_next(p)                the next 64 random bits (splitmix64).
 *   st_prng_below(p, n)            uniform-ish in [0, n), n >= 1.
 *   st_mix64(x)                    a bijective 64-bit hash (splitmix64's
 *                                  finalizer); used to derive sub-seeds.
 *   st_random_seed()               a fresh seed from getrandom(2), or the
 *                                  clock if that fails.
 *
 * A struct st_prng belongs to one thread; nothing here is shared. */
#ifndef ST_PRNG_H
#define ST_PRNG_H

#include <stdint.h>

struct st_prng {
    uint64_t s;
};

static inline uint64_t st_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline void st_prng_seed(struct st_prng *p, uint64_t seed,
                                uint64_t iteration, unsigned thread)
{
    p->s = st_mix64(seed ^ st_mix64(iteration * 0x9e3779b97f4a7c15ULL +
                                    (uint64_t)thread + 1));
}

static inline uint64_t st_prng_next(struct st_prng *p)
{
    p->s += 0x9e3779b97f4a7c15ULL;
    return st_mix64(p->s);
}

static inline uint32_t st_prng_below(struct st_prng *p, uint32_t n)
{
    /* Multiply-shift: bias below 2^-32 per draw, no division. */
    return (uint32_t)(((st_prng_next(p) >> 32) * (uint64_t)n) >> 32);
}

uint64_t st_random_seed(void);

#endif
