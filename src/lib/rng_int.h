/* The generator's hot path as inline functions, for the simulator's inner loop. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_RNG_INT_H
#define SL_RNG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "scalelab/rng.h"

/*
 * rng.c's public sl_rng_next, sl_rng_uniform and sl_rng_exponential are these same functions, so
 * a draw inlined here gives the bits the public call gives.
 */

/* The exponential ziggurat's tables, built by the first seeding (rng.c). */
extern uint64_t sl_rng_zig_k[256];
extern double sl_rng_zig_w[256];

/* The ziggurat's slow path, for the 2.2 % of draws x outside the rectangle of their layer. */
double sl_rng_zig_rest(struct sl_rng *r, uint64_t x);

/* n exponentials of mean 1 into out: the n draws sl_rng_exponential_inline would make. */
void sl_rng_exponential_fill(struct sl_rng *r, double *out, size_t n);

static inline uint64_t sl_rng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna 2018): one step. */
static inline uint64_t sl_rng_step(struct sl_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = sl_rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = sl_rng_rotl(s[3], 45);
    return result;
}

/* log(1 - p) for p in [0, 1], to full precision however small p is. */
double sl_rng_log1m(double p);

/*
 * The number of failures before the first success of independent trials that each succeed
 * with probability p, given log1m_p = sl_rng_log1m(p): geometric, P(G >= g) = (1 - p)^g, by
 * inversion of one uniform; capped at 2^62 (p = 0: never).
 */
uint64_t sl_rng_geometric(struct sl_rng *r, double log1m_p);

/* Uniform in (0, 1): the top 53 bits and half a step, so never 0 and never 1. */
static inline double sl_rng_uniform_inline(struct sl_rng *r)
{
    return ((double)(sl_rng_step(r) >> 11) + 0.5) * 0x1p-53;
}

/*
 * Exponential of mean 1: the low 8 bits of one draw pick a layer and its top 53 bits the
 * abscissa; inside the layer's rectangle (97.8 % of draws) that is the variate.
 */
static inline double sl_rng_exponential_inline(struct sl_rng *r)
{
    uint64_t x = sl_rng_step(r);
    unsigned i = (unsigned)(x & 255);
    uint64_t u = x >> 11;

    if (u < sl_rng_zig_k[i])
        return (double)u * sl_rng_zig_w[i];
    return sl_rng_zig_rest(r, x);
}

#endif
