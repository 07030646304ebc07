/* Log-bucketed streaming histogram: constant-time insert, quantiles by one pass over buckets. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "scalelab/hist.h"
#include "banned.h"

#define SUB (1u << SL_HIST_SUB_BITS)

void sl_hist_init(struct sl_hist *h)
{
    memset(h, 0, sizeof(*h));
}

void sl_hist_add(struct sl_hist *h, double x)
{
    uint64_t bits;
    int e;

    if (x != x)
        return;
    if (x <= 0.0)
        x = 0.0;
    if (h->n == 0) {
        h->min = x;
        h->max = x;
    } else {
        if (x < h->min)
            h->min = x;
        if (x > h->max)
            h->max = x;
    }
    h->n++;
    h->sum += x;
    if (x == 0.0) {
        h->zeros++;
        return;
    }
    memcpy(&bits, &x, sizeof(bits));
    e = (int)((bits >> 52) & 0x7ff) - 1023;
    if (e < SL_HIST_MIN_EXP) {
        h->under++;
    } else if (e >= SL_HIST_MAX_EXP) {
        h->over++;
    } else {
        unsigned sub = (unsigned)(bits >> (52 - SL_HIST_SUB_BITS)) & (SUB - 1);

        h->counts[((unsigned)(e - SL_HIST_MIN_EXP) << SL_HIST_SUB_BITS) | sub]++;
    }
}

void sl_hist_merge(struct sl_hist *dst, const struct sl_hist *src)
{
    size_t i;

    if (src->n == 0)
        return;
    if (dst->n == 0) {
        dst->min = src->min;
        dst->max = src->max;
    } else {
        if (src->min < dst->min)
            dst->min = src->min;
        if (src->max > dst->max)
            dst->max = src->max;
    }
    dst->n += src->n;
    dst->zeros += src->zeros;
    dst->under += src->under;
    dst->over += src->over;
    dst->sum += src->sum;
    for (i = 0; i < SL_HIST_BUCKETS; i++)
        dst->counts[i] += src->counts[i];
}

static double clamp(const struct sl_hist *h, double v)
{
    if (v < h->min)
        return h->min;
    if (v > h->max)
        return h->max;
    return v;
}

double sl_hist_quantile(const struct sl_hist *h, double q)
{
    uint64_t rank, seen;
    size_t i;

    if (h->n == 0 || q != q)
        return NAN;
    if (q <= 0.0)
        return h->min;
    if (q >= 1.0)
        return h->max;
    rank = (uint64_t)ceil(q * (double)h->n);
    if (rank < 1)
        rank = 1;
    seen = h->zeros;
    if (rank <= seen)
        return 0.0;
    seen += h->under;
    if (rank <= seen)
        return clamp(h, ldexp(0.5, SL_HIST_MIN_EXP)); /* below the buckets: half their floor */
    for (i = 0; i < SL_HIST_BUCKETS; i++) {
        seen += h->counts[i];
        if (rank <= seen) {
            int e = (int)(i >> SL_HIST_SUB_BITS) + SL_HIST_MIN_EXP;
            double sub = (double)(i & (SUB - 1));

            return clamp(h, ldexp(1.0 + (sub + 0.5) / SUB, e));
        }
    }
    return h->max;
}

double sl_hist_mean(const struct sl_hist *h)
{
    return h->n ? h->sum / (double)h->n : NAN;
}
