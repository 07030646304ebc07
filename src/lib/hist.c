/* Log-bucketed streaming histogram: constant-time insert, quantiles by one pass over buckets. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "hist_int.h"
#include "banned.h"

#define SUB (1u << SL_HIST_SUB_BITS)

void sl_hist_init(struct sl_hist *h)
{
    memset(h, 0, sizeof(*h));
}

void sl_hist_add(struct sl_hist *h, double x)
{
    if (x != x)
        return;
    if (x > 0.0)
        sl_hist_add_positive(h, x);
    else
        sl_hist_add_zero(h);
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
