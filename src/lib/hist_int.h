/* The histogram's insert as inline functions, for the simulator's inner loop. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_HIST_INT_H
#define SL_HIST_INT_H

#include <string.h>

#include "scalelab/hist.h"

/*
 * Adds x > 0 (sl_hist_add is this after its NaN and zero checks). For a positive double, bits
 * 45 and up are the biased exponent and the top SL_HIST_SUB_BITS (7) bits of the mantissa, so
 * they less the code of 2^SL_HIST_MIN_EXP are the bucket; out of range, under or over.
 */
static inline void sl_hist_add_positive(struct sl_hist *h, double x)
{
    const uint64_t first = (uint64_t)(SL_HIST_MIN_EXP + 1023) << SL_HIST_SUB_BITS;
    uint64_t bits, bucket;

    if (h->n == 0)
        h->min = h->max = x;
    h->min = x < h->min ? x : h->min;
    h->max = x > h->max ? x : h->max;
    h->n++;
    h->sum += x;
    memcpy(&bits, &x, sizeof(bits));
    bucket = (bits >> (52 - SL_HIST_SUB_BITS)) - first;
    if (bucket < SL_HIST_BUCKETS)
        h->counts[bucket]++;
    else if (bits >> (52 - SL_HIST_SUB_BITS) < first)
        h->under++;
    else
        h->over++;
}

/* Adds a zero. */
static inline void sl_hist_add_zero(struct sl_hist *h)
{
    if (h->n == 0)
        h->min = h->max = 0.0;
    h->min = h->min > 0.0 ? 0.0 : h->min;
    h->n++;
    h->zeros++;
}

#endif
