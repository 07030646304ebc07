/* The histogram's insert as inline functions, for the simulator's inner loop. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_HIST_INT_H
#define SL_HIST_INT_H

#include <string.h>

#include "scalelab/hist.h"

/* Adds x > 0 (sl_hist_add is this after its NaN and zero checks). */
static inline void sl_hist_add_positive(struct sl_hist *h, double x)
{
    uint64_t bits;
    int e;

    if (h->n == 0)
        h->min = h->max = x;
    h->min = x < h->min ? x : h->min;
    h->max = x > h->max ? x : h->max;
    h->n++;
    h->sum += x;
    memcpy(&bits, &x, sizeof(bits));
    e = (int)((bits >> 52) & 0x7ff) - 1023;
    if (e < SL_HIST_MIN_EXP) {
        h->under++;
    } else if (e >= SL_HIST_MAX_EXP) {
        h->over++;
    } else {
        unsigned sub = (unsigned)(bits >> (52 - SL_HIST_SUB_BITS)) & ((1u << SL_HIST_SUB_BITS) - 1);

        h->counts[((unsigned)(e - SL_HIST_MIN_EXP) << SL_HIST_SUB_BITS) | sub]++;
    }
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
