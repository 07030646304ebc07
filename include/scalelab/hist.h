/* A streaming histogram with log buckets: fixed memory, quantiles within 0.4 %. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_HIST_H
#define SL_HIST_H

#include <stdint.h>
#include "scalelab/api.h"

/*
 * Buckets follow the binary exponent and the top SL_HIST_SUB_BITS bits of the mantissa of a
 * double: each power of two is cut into 128 equal slices, so a bucket's width is at most 1/128 of
 * its lower edge and its midpoint is within 0.39 % of any value in it. Values in [2^-32, 2^32)
 * (0.23 ns to 136 years, in seconds) are bucketed; 0 (and negative values) are counted exactly as
 * zeros; smaller positive values fall in one underflow bucket (reported as 2^-33, or the minimum
 * if larger) and larger ones in one overflow bucket (reported as the exact maximum). A histogram
 * is a plain value of fixed size (about 64 KiB) with no allocation; not thread-safe.
 */
#define SL_HIST_SUB_BITS 7
#define SL_HIST_MIN_EXP (-32)
#define SL_HIST_MAX_EXP 32
#define SL_HIST_BUCKETS ((SL_HIST_MAX_EXP - SL_HIST_MIN_EXP) << SL_HIST_SUB_BITS)

struct sl_hist {
    uint64_t n;                         /* values added */
    uint64_t zeros;                     /* values <= 0 */
    uint64_t under;                     /* positive values below 2^SL_HIST_MIN_EXP */
    uint64_t over;                      /* values at or above 2^SL_HIST_MAX_EXP */
    double sum;                         /* sum of the values (negatives counted as 0) */
    double min, max;                    /* exact extremes; 0 while empty */
    uint64_t counts[SL_HIST_BUCKETS];
};

/* Empties h. */
SL_API void sl_hist_init(struct sl_hist *h);

/* Adds one value (NaN is ignored). */
SL_API void sl_hist_add(struct sl_hist *h, double x);

/* Adds every value of src to dst (counts, sum, extremes). */
SL_API void sl_hist_merge(struct sl_hist *dst, const struct sl_hist *src);

/*
 * The q-quantile, q in [0, 1]: the value of rank ceil(q n) (the smallest for q = 0), reported as
 * its bucket's midpoint clamped to [min, max]; 0 for a zero; NaN when h is empty.
 */
SL_API double sl_hist_quantile(const struct sl_hist *h, double q);

/* The exact mean (sum / n); NaN when empty. */
SL_API double sl_hist_mean(const struct sl_hist *h);

#endif
