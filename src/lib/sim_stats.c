/* Output analysis of the simulator: batch means, MSER-5, Student's t, the bounded time series. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "sim_int.h"
#include "banned.h"

/* Two-sided t quantiles for confidence 0.90, 0.95, 0.98, 0.99 and df = 1..30. */
static const double t_table[30][4] = {
    { 6.313751515, 12.706204736, 31.820515954, 63.656741163 },
    { 2.919985580, 4.302652730, 6.964556734, 9.924843201 },
    { 2.353363435, 3.182446305, 4.540702859, 5.840909310 },
    { 2.131846786, 2.776445105, 3.746947388, 4.604094871 },
    { 2.015048373, 2.570581836, 3.364929999, 4.032142984 },
    { 1.943180281, 2.446911851, 3.142668403, 3.707428021 },
    { 1.894578605, 2.364624252, 2.997951567, 3.499483297 },
    { 1.859548038, 2.306004135, 2.896459448, 3.355387331 },
    { 1.833112933, 2.262157163, 2.821437925, 3.249835542 },
    { 1.812461123, 2.228138852, 2.763769458, 3.169272673 },
    { 1.795884819, 2.200985160, 2.718079184, 3.105806516 },
    { 1.782287556, 2.178812830, 2.680997993, 3.054539589 },
    { 1.770933396, 2.160368656, 2.650308838, 3.012275839 },
    { 1.761310136, 2.144786688, 2.624494068, 2.976842734 },
    { 1.753050356, 2.131449546, 2.602480295, 2.946712883 },
    { 1.745883676, 2.119905299, 2.583487185, 2.920781622 },
    { 1.739606726, 2.109815578, 2.566933984, 2.898230520 },
    { 1.734063607, 2.100922040, 2.552379630, 2.878440473 },
    { 1.729132812, 2.093024054, 2.539483191, 2.860934606 },
    { 1.724718243, 2.085963447, 2.527977003, 2.845339710 },
    { 1.720742903, 2.079613845, 2.517648016, 2.831359558 },
    { 1.717144374, 2.073873068, 2.508324553, 2.818756061 },
    { 1.713871528, 2.068657610, 2.499866739, 2.807335684 },
    { 1.710882080, 2.063898562, 2.492159473, 2.796939505 },
    { 1.708140761, 2.059538553, 2.485107175, 2.787435814 },
    { 1.705617920, 2.055529439, 2.478629824, 2.778714533 },
    { 1.703288446, 2.051830516, 2.472659912, 2.770682957 },
    { 1.701130934, 2.048407142, 2.467140098, 2.763262455 },
    { 1.699127027, 2.045229642, 2.462021360, 2.756385904 },
    { 1.697260887, 2.042272456, 2.457261542, 2.749995654 },
};

/* Standard normal quantiles z_{(1+conf)/2} for the same four levels. */
static const double z_table[4] = { 1.6448536269514729, 1.959963984540054, 2.3263478740408408,
                                   2.5758293035489004 };
static const double conf_levels[4] = { 0.90, 0.95, 0.98, 0.99 };

double sl_sim_t_quantile(long df, double conf)
{
    int col = -1, i;
    double z, z2, z3, z5, z7, z9, v;

    for (i = 0; i < 4; i++)
        if (fabs(conf - conf_levels[i]) < 1e-9)
            col = i;
    if (col < 0 || df < 1)
        return NAN;
    if (df <= 30)
        return t_table[df - 1][col];
    /* Cornish-Fisher expansion in 1/df (Abramowitz and Stegun 26.7.5): < 1.2e-7 above df 30 */
    z = z_table[col];
    v = (double)df;
    z2 = z * z;
    z3 = z2 * z;
    z5 = z3 * z2;
    z7 = z5 * z2;
    z9 = z7 * z2;
    return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v)
           + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v)
           + (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * v * v * v * v);
}

void sl_sim_batches_init(struct sim_batches *b, size_t cap, uint64_t size)
{
    b->cap = cap;
    b->k = 0;
    b->size = size;
    b->left = size;
    b->cur_sum = 0;
}

void sl_sim_batches_close(struct sim_batches *b, double t)
{
    size_t i;

    b->sum[b->k] = b->cur_sum;
    b->end_t[b->k] = t;
    b->k++;
    b->cur_sum = 0;
    if (b->k < b->cap) {
        b->left = b->size;
        return;
    }
    for (i = 0; i < b->cap / 2; i++) {
        b->sum[i] = b->sum[2 * i] + b->sum[2 * i + 1];
        b->end_t[i] = b->end_t[2 * i + 1];
    }
    b->k = b->cap / 2;
    b->size *= 2;
    b->left = b->size;
}

static double lag1(const double *y, size_t k, double mean)
{
    double num = 0, den = 0;
    size_t i;

    for (i = 0; i < k; i++)
        den += (y[i] - mean) * (y[i] - mean);
    for (i = 0; i + 1 < k; i++)
        num += (y[i] - mean) * (y[i + 1] - mean);
    return den > 0 ? num / den : 0.0;
}

/*
 * The 95 % t interval of the mean of k values (batch means or replication means). Times are
 * never negative, so when no value is, the interval is cut at 0.
 */
void sl_sim_ci_from_values(const double *y, size_t k, struct sl_sim_ci *out)
{
    double mean = 0, ss = 0, half, least = INFINITY;
    size_t i;

    out->batches = (long)k;
    out->df = k > 0 ? (long)k - 1 : 0;
    out->mean = out->lo = out->hi = out->std_err = out->lag1 = NAN;
    if (k == 0)
        return;
    for (i = 0; i < k; i++) {
        mean += y[i];
        least = fmin(least, y[i]);
    }
    mean /= (double)k;
    out->mean = mean;
    if (k < 2)
        return;
    for (i = 0; i < k; i++)
        ss += (y[i] - mean) * (y[i] - mean);
    out->std_err = sqrt(ss / (double)(k - 1) / (double)k);
    half = sl_sim_t_quantile(out->df, 0.95) * out->std_err;
    out->lo = least >= 0.0 ? fmax(0.0, mean - half) : mean - half;
    out->hi = mean + half;
    if (k >= 3)
        out->lag1 = lag1(y, k, mean);
}

/*
 * MSER (White 1997) over the batch means, batches of 5 observations at first (MSER-5): the
 * truncation d <= n/2 minimising sum_{i>d} (Z_i - mean_d)^2 / (n - d)^2, in batches.
 */
static size_t mser_index(const struct sim_batches *b)
{
    size_t n = b->k, d, i, best = 0;
    double best_v = INFINITY;

    if (n < 4)
        return 0;
    for (d = 0; d <= n / 2; d++) {
        double mean = 0, ss = 0, v;

        for (i = d; i < n; i++)
            mean += b->sum[i];
        mean /= (double)(n - d);
        for (i = d; i < n; i++)
            ss += (b->sum[i] - mean) * (b->sum[i] - mean);
        v = ss / ((double)(n - d) * (double)(n - d));
        if (v < best_v) {
            best_v = v;
            best = d;
        }
    }
    return best;
}

/* The time of the last observation MSER-5 deletes (0 if none). */
double sl_sim_batches_mser(const struct sim_batches *b)
{
    size_t d = mser_index(b);

    return d ? b->end_t[d - 1] : 0.0;
}

/*
 * Widens and skews a batch-means interval the way Skart does (Tafazzoli, Steiger and Wilson,
 * "Skart: a skewness- and autoregression-adjusted batch-means procedure", 2011): the variance of
 * the mean is multiplied by (1 + phi)/(1 - phi), phi the batch means' lag-1 autocorrelation
 * (an AR(1) model of what correlation is left), and Willink's (2005) transformation
 * G(r) = ((1 + 6 a (r - a))^(1/3) - 1) / (2 a), a = skewness / (6 sqrt k), moves the interval
 * towards the long tail: [mean - G(t) se, mean - G(-t) se]. Waits and responses are skewed to
 * the right, so a plain t interval misses mostly below.
 */
static void adjust_interval(const double *y, size_t k, struct sl_sim_ci *out)
{
    double m = out->mean, m2 = 0, m3 = 0, phi = out->lag1 > 0 ? fmin(out->lag1, 0.9) : 0.0;
    double se, a, t, g_hi, g_lo, least = INFINITY;
    size_t i;

    for (i = 0; i < k; i++) {
        double d = y[i] - m;

        m2 += d * d;
        m3 += d * d * d;
        least = fmin(least, y[i]);
    }
    if (!(m2 > 0))
        return;
    se = out->std_err * sqrt((1 + phi) / (1 - phi));
    a = (m3 / (double)k) / pow(m2 / (double)k, 1.5) / (6.0 * sqrt((double)k));
    t = sl_sim_t_quantile(out->df, 0.95);
    if (fabs(a) < 1e-12) {
        g_hi = t;
        g_lo = -t;
    } else {
        g_hi = (cbrt(1 + 6 * a * (t - a)) - 1) / (2 * a);
        g_lo = (cbrt(1 + 6 * a * (-t - a)) - 1) / (2 * a);
    }
    out->std_err = se;
    out->lo = m - g_hi * se;
    out->hi = m - g_lo * se;
    if (least >= 0.0)
        out->lo = fmax(0.0, out->lo);
}

/*
 * The steady-state interval of a whole run's observations (in batches of 5 or more, as kept):
 * the first warmup_fraction of them is cut, then non-overlapping batch means, pairs merged (the
 * batch size doubled) while their lag-1 autocorrelation exceeds 0.1 and 40 or more batches
 * remain, so that at least 20 nearly independent batches carry the interval; Skart's adjustments
 * widen and skew it (adjust_interval). When the autocorrelation is still above 0.1 at the last
 * merge allowed, the run is too short to say (independent = 0). MSER-5 is reported beside as a
 * check of the cut, not used for it: on M/M/c runs of 20,000 requests it cut after early peaks
 * and its intervals covered less often (docs/model.md, section 11).
 */
void sl_sim_steady_ci(const struct sim_batches *b, double warmup_fraction, struct sl_sim_ci *out)
{
    double y[SIM_MSER_CAP] = { 0 };
    size_t d = (size_t)ceil(warmup_fraction * (double)b->k), k, i;
    uint64_t size = b->size;

    if (d > b->k)
        d = b->k;
    k = b->k - d;

    for (i = 0; i < k; i++)
        y[i] = b->sum[d + i] / (double)size;
    for (;;) {
        sl_sim_ci_from_values(y, k, out);
        if (k < 40 || !(out->lag1 > 0.1))
            break;
        for (i = 0; i < k / 2; i++)
            y[i] = 0.5 * (y[2 * i] + y[2 * i + 1]);
        k /= 2;
        size *= 2;
    }
    out->batch_size = size;
    out->deleted = (uint64_t)d * b->size;
    out->warmup_s = d ? b->end_t[d - 1] : 0.0;
    out->independent = k >= 3 && !(out->lag1 > 0.1);
    if (k >= 3)
        adjust_interval(y, k, out);
}

int sl_sim_series_init(struct sim_series *s, size_t cap, size_t *bytes)
{
    size_t i;

    cap &= ~(size_t)1;
    s->p = sl_calloc(cap, sizeof(*s->p));
    if (!s->p)
        return -1;
    *bytes += cap * sizeof(*s->p);
    s->cap = cap;
    s->cap_f = (double)cap;
    s->cur = NULL;
    s->lo = s->hi = 0.0;
    s->used = 0;
    s->width = 1.0;
    s->inv_width = 1.0;
    for (i = 0; i < cap; i++)
        s->p[i].servers_up = -1;
    return 0;
}

static void merge_points(struct sl_sim_point *dst, const struct sl_sim_point *a,
                         const struct sl_sim_point *b)
{
    struct sl_sim_point m;

    m.t_s = 0;
    m.width_s = 0;
    m.offered = a->offered + b->offered;
    m.completed = a->completed + b->completed;
    m.dropped = a->dropped + b->dropped;
    m.timed_out = a->timed_out + b->timed_out;
    m.failed = a->failed + b->failed;
    m.mean_response_s = a->mean_response_s + b->mean_response_s;
    m.servers_up = b->servers_up >= 0 ? b->servers_up : a->servers_up;
    *dst = m;
}

/* The smallest time t with t * inv_width >= x (the product is monotone in t). */
static double first_time_at(const struct sim_series *s, double x)
{
    double t = x * s->width;

    while (t > 0 && t * s->inv_width >= x)
        t = nextafter(t, 0.0);
    while (t * s->inv_width < x)
        t = nextafter(t, INFINITY);
    return t;
}

/*
 * The bucket of time t (t >= 0): floor(t / width), merging pairs of buckets until t fits in
 * the cap. The lookup is cached with the exact range of times that map to the same bucket.
 */
struct sl_sim_point *sl_sim_series_find(struct sim_series *s, double t)
{
    double pos;
    size_t i, idx;

    while (!(t * s->inv_width < s->cap_f)) {
        for (i = 0; i < s->cap / 2; i++)
            merge_points(&s->p[i], &s->p[2 * i], &s->p[2 * i + 1]);
        for (i = s->cap / 2; i < s->cap; i++) {
            memset(&s->p[i], 0, sizeof(s->p[i]));
            s->p[i].servers_up = -1;
        }
        s->used = (s->used + 1) / 2;
        s->width *= 2;
        s->inv_width = 1.0 / s->width;
    }
    pos = t * s->inv_width;
    idx = pos > 0 ? (size_t)pos : 0;
    if (idx + 1 > s->used)
        s->used = idx + 1;
    s->cur = &s->p[idx];
    s->lo = idx ? first_time_at(s, (double)idx) : -INFINITY;
    s->hi = first_time_at(s, (double)(idx + 1));
    return s->cur;
}

/* Turns response sums into means, fills in times and carries servers_up forward. */
void sl_sim_series_finish(struct sim_series *s, long servers_up0)
{
    long up = servers_up0;
    size_t i;

    for (i = 0; i < s->used; i++) {
        struct sl_sim_point *p = &s->p[i];

        p->t_s = (double)i * s->width;
        p->width_s = s->width;
        p->mean_response_s = p->completed ? p->mean_response_s / (double)p->completed : NAN;
        if (p->servers_up >= 0)
            up = p->servers_up;
        p->servers_up = up;
    }
}

void sl_sim_series_release(struct sim_series *s)
{
    sl_free(s->p);
    s->p = NULL;
}
