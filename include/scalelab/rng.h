/* A seedable, portable random generator (xoshiro256**) and the variates the simulator draws. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_RNG_H
#define SL_RNG_H

#include <stddef.h>
#include <stdint.h>
#include "scalelab/status.h"

/*
 * Every function here uses only integer arithmetic and the IEEE-754 basic operations (+ - * /
 * sqrt), which are exactly rounded: the same seed gives the same bits on every conforming machine,
 * whatever its libm. Logarithm and exponential are the module's own (sl_rng_log, sl_rng_exp).
 * A generator is a plain value: one per thread, no locking, no allocation.
 */
struct sl_rng {
    uint64_t s[4]; /* xoshiro256** state; never all zero */
};

/*
 * Seeds the generator from one 64-bit value (expanded with splitmix64). Any seed is valid. Seed
 * before any draw: the first call also builds the module's shared tables (thread-safe).
 */
SL_API void sl_rng_seed(struct sl_rng *r, uint64_t seed);

/*
 * Seeds the generator with stream `stream` of seed `seed`: its four state words are splitmix64
 * of the seed (two) and of the stream number (two), so every (seed, stream) pair starts from its
 * own state, and two pairs share no state at all. Replication r of a simulation uses streams
 * 4r..4r+3, so runs of different seeds or replications never replay one another's draws.
 */
SL_API void sl_rng_seed_stream(struct sl_rng *r, uint64_t seed, uint64_t stream);

/* The next 64 random bits. */
SL_API uint64_t sl_rng_next(struct sl_rng *r);

/* A uniform double in the open interval (0, 1), 53 random bits: never 0, never 1. */
SL_API double sl_rng_uniform(struct sl_rng *r);

/* A uniform integer in [0, n), without bias (Lemire's method); n >= 1. */
SL_API uint32_t sl_rng_below(struct sl_rng *r, uint32_t n);

/* An exponential variate of mean 1 (ziggurat). */
SL_API double sl_rng_exponential(struct sl_rng *r);

/* A standard normal variate (Marsaglia's polar method). */
SL_API double sl_rng_normal(struct sl_rng *r);

/*
 * splitmix64 of x: a bijective 64-bit mixer, used to derive independent seeds (for example the
 * seed of replication i from a base seed).
 */
SL_API uint64_t sl_rng_mix(uint64_t x);

/*
 * Natural logarithm and exponential computed with basic operations only (table + polynomial):
 * about 1e-16 relative error (sl_rng_log: 1e-18 absolute for x near 1), bit-identical on every
 * IEEE-754 machine. sl_rng_log(0) is -inf and of a negative number NaN; sl_rng_exp overflows to
 * +inf above 709.78 and underflows to 0 below -745.
 */
SL_API double sl_rng_log(double x);
SL_API double sl_rng_exp(double x);

/* Service-time distributions, each set by its mean and coefficient of variation. */
enum sl_rng_dist_kind {
    SL_RNG_DIST_EXP = 0,       /* exponential: CV is 1 whatever is asked */
    SL_RNG_DIST_DET = 1,       /* deterministic: CV is 0 whatever is asked */
    SL_RNG_DIST_LOGNORMAL = 2, /* lognormal with the given mean and CV */
    SL_RNG_DIST_GAMMA = 3,     /* gamma, shape 1/CV^2 (Marsaglia-Tsang); CV 1 is exponential */
    SL_RNG_DIST_HYPEREXP = 4   /* two exponential phases with balanced means, CV >= 1 */
};

/*
 * Smallest and largest coefficient of variation accepted for lognormal and gamma (and largest for
 * hyperexponential, whose smallest is 1).
 */
#define SL_RNG_CV_MIN 0.01
#define SL_RNG_CV_MAX 10.0

/* A distribution with its derived parameters; fill with sl_rng_dist_init. */
struct sl_rng_dist {
    enum sl_rng_dist_kind kind;
    double mean;   /* mean of the variate (seconds, for service times) */
    double cv;     /* coefficient of variation actually produced */
    double p1, p2; /* derived: lognormal mu/sigma; gamma d/c of Marsaglia-Tsang */
    double p3;     /* derived: gamma scale; 1/shape when shape < 1, else 0; hyperexp p1 */
};

/*
 * Prepares d for drawing. mean must be positive and finite; for lognormal and gamma, cv must lie
 * in [SL_RNG_CV_MIN, SL_RNG_CV_MAX] (for exp and det it is ignored). On SL_E_INVALID writes a
 * message naming the bad value and the accepted range into err (if err is not NULL).
 */
SL_API enum sl_status sl_rng_dist_init(struct sl_rng_dist *d, enum sl_rng_dist_kind kind,
                                       double mean, double cv, char *err, size_t errlen);

/* One variate of d (>= 0). */
SL_API double sl_rng_dist_draw(const struct sl_rng_dist *d, struct sl_rng *r);

/* "exp", "det", "lognormal", "gamma"; and the reverse (SL_E_INVALID for any other name). */
SL_API const char *sl_rng_dist_name(enum sl_rng_dist_kind k);
SL_API enum sl_status sl_rng_dist_parse(const char *s, enum sl_rng_dist_kind *out);

#endif
