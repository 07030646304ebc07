/* Analytic queueing: Erlang B/C, M/M/c, M/M/c/K, closed station, M/G/1, approximations. */
/* SPDX-License-Identifier: MIT */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "scalelab/alloc.h"
#include "scalelab/queueing.h"
#include "util_int.h"
#include "banned.h"

/* Offered utilisations of the table rows; above 1 a bounded queue drops, an unbounded one grows. */
static const double table_util[SL_QUEUE_TABLE_ROWS] = {
    0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0, 1.1, 1.25
};

#define PERCENTILE 0.99

const double sl_queue_quantile_levels[SL_QUEUE_QUANTILES] = { 0.5, 0.9, 0.99, 0.999 };

static int bad_servers(long c)
{
    return c < 1 || c > SL_QUEUE_MAX_SERVERS;
}

static int positive(double x)
{
    return isfinite(x) && x > 0.0;
}

static int non_negative(double x)
{
    return isfinite(x) && x >= 0.0;
}

static enum sl_status invalid(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes the message into the caller's buffer and returns SL_E_INVALID. */
static enum sl_status invalid(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return SL_E_INVALID;
}

static enum sl_status nomem(char *err, size_t errlen)
{
    if (err && errlen)
        snprintf(err, errlen, "out of memory for the queue's state distribution");
    return SL_E_NOMEM;
}

/*
 * The recursion on 1/B, 1/B(k) = 1 + (k/a)/B(k-1), takes a multiply and an add a step where
 * the one on B divides: three times faster for the hundreds of cores of a big box. Every term
 * is positive, so it is as stable. Past 1e300 B is below 1e-300 and can only fall further
 * (k/a > 1 from there on): 0.
 */
double sl_erlang_b(long c, double a)
{
    double inv = 1.0, r;
    long k;

    if (bad_servers(c) || !non_negative(a))
        return NAN;
    if (a == 0.0)
        return 0.0; /* no traffic, nothing lost */
    r = 1.0 / a;
    for (k = 1; k <= c; k++) {
        inv = 1.0 + (double)k * r * inv;
        if (inv > 1e300)
            return 0.0;
    }
    return 1.0 / inv;
}

double sl_erlang_c(long c, double a)
{
    double b, rho;

    if (bad_servers(c) || !non_negative(a))
        return NAN;
    if (a >= (double)c)
        return 1.0;
    b = sl_erlang_b(c, a);
    rho = a / (double)c;
    return b / (1.0 - rho * (1.0 - b));
}

static int bad_mmc(long c, double lambda, double mu, double p)
{
    return bad_servers(c) || !positive(lambda) || !positive(mu) || !(p > 0.0 && p < 1.0);
}

double sl_mmc_wait_quantile(long c, double lambda, double mu, double p)
{
    double t;

    if (bad_mmc(c, lambda, mu, p))
        return NAN;
    if (lambda >= (double)c * mu)
        return INFINITY;
    t = log(sl_erlang_c(c, lambda / mu) / (1.0 - p)) / ((double)c * mu - lambda);
    return t > 0.0 ? t : 0.0;
}

/* A survival function t -> P(T > t), non-increasing, with its parameters in ctx. */
typedef double sl_tail_fn(const void *ctx, double t);

/*
 * The smallest t with tail(t) <= target, by doubling an upper bracket from `scale` and then
 * bisecting to about 1e-14 relative. 0 when tail(0) <= target already.
 */
static double invert_tail(sl_tail_fn *tail, const void *ctx, double target, double scale)
{
    double lo = 0.0, hi = scale;
    int i;

    if (tail(ctx, 0.0) <= target)
        return 0.0;
    for (i = 0; i < 1100 && tail(ctx, hi) > target; i++) {
        lo = hi;
        hi *= 2.0;
    }
    if (SL_NEVER(!isfinite(hi)))
        return INFINITY;
    for (i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
        double mid = 0.5 * (lo + hi);

        if (tail(ctx, mid) > target)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/*
 * P(X + Y > t) for independent X ~ Exp(r1), Y ~ Exp(r2): (r1 e^{-r2 t} - r2 e^{-r1 t})/(r1 - r2),
 * rewritten as e^{-lo t} (1 + lo t (1 - e^{-(hi-lo) t}) / ((hi-lo) t)) with lo <= hi so that it
 * neither cancels when r1 ~ r2 nor overflows.
 */
static double hypoexp_tail(double r1, double r2, double t)
{
    double lo = fmin(r1, r2), hi = fmax(r1, r2), y = (hi - lo) * t;
    double g = y > 0.0 ? -expm1(-y) / y : 1.0;

    return exp(-lo * t) * (1.0 + lo * t * g);
}

struct mmc_tail {
    double c_wait;  /* Erlang C */
    double mu;      /* service rate, 1/s */
    double theta;   /* c mu - lambda, 1/s */
};

/* P(W > t) in M/M/c: (1 - C) e^{-mu t} + C P(Exp(theta) + Exp(mu) > t). */
static double mmc_response_tail(const void *ctx, double t)
{
    const struct mmc_tail *m = ctx;

    return (1.0 - m->c_wait) * exp(-m->mu * t) + m->c_wait * hypoexp_tail(m->theta, m->mu, t);
}

/*
 * The density of the same: (1 - C) mu e^{-mu t} + C lo hi t e^{-lo t} g((hi - lo) t), with
 * g(y) = (1 - e^{-y}) / y as in hypoexp_tail.
 */
static double mmc_response_density(const struct mmc_tail *m, double t)
{
    double lo = fmin(m->theta, m->mu), hi = fmax(m->theta, m->mu), y = (hi - lo) * t;
    double g = y > 0.0 ? -expm1(-y) / y : 1.0;

    return (1.0 - m->c_wait) * m->mu * exp(-m->mu * t) + m->c_wait * lo * hi * t *
                                                             exp(-lo * t) * g;
}

/*
 * The smallest t with P(W > t) <= target, by Newton's method on ln P(W > t) - ln target, which
 * is nearly linear in t, inside a bracket that bisection takes over whenever a step would
 * leave it: the answer of invert_tail in a handful of steps instead of some fifty.
 */
static double mmc_invert(const struct mmc_tail *m, double target)
{
    double lo = 0.0, hi = 1.0 / m->mu + 1.0 / m->theta, t, lt = log(target);
    int i;

    if (mmc_response_tail(m, 0.0) <= target)
        return 0.0;
    for (i = 0; i < 1100 && mmc_response_tail(m, hi) > target; i++) {
        lo = hi;
        hi *= 2.0;
    }
    if (SL_NEVER(!isfinite(hi)))
        return INFINITY;
    t = 0.5 * (lo + hi);
    for (i = 0; i < 100; i++) {
        double tail = mmc_response_tail(m, t), f = mmc_response_density(m, t), next;

        if (tail > target)
            lo = t;
        else
            hi = t;
        next = f > 0.0 && tail > 0.0 ? t + (log(tail) - lt) * tail / f : NAN;
        /* converged: a step this small may land a hair past the bracket it just closed */
        if (fabs(next - t) <= 1e-15 * t)
            return next;
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);
        if (hi - lo <= 1e-15 * hi)
            return next;
        t = next;
    }
    return t;
}

double sl_mmc_response_quantile(long c, double lambda, double mu, double p)
{
    double t;

    sl_mmc_response(c, lambda, mu, &p, 1, NULL, &t);
    return t;
}

void sl_mmc_response(long c, double lambda, double mu, const double *p, size_t n,
                     double *out_mean, double *out)
{
    struct mmc_tail m;
    int saturated = !(lambda < (double)c * mu);
    size_t i;

    m.c_wait = bad_mmc(c, lambda, mu, 0.5) || saturated ? NAN : sl_erlang_c(c, lambda / mu);
    m.mu = mu;
    m.theta = (double)c * mu - lambda;
    if (out_mean)
        *out_mean = bad_mmc(c, lambda, mu, 0.5) ? NAN : saturated ? INFINITY
                    : m.c_wait / m.theta + 1.0 / mu;
    for (i = 0; i < n; i++)
        out[i] = bad_mmc(c, lambda, mu, p[i]) ? NAN : saturated ? INFINITY
                 : mmc_invert(&m, 1.0 - p[i]);
}

/* The statistic sl_mmc_max_rate bounds: the p-quantile (p > 0) or mean (p = 0) response. */
static double mmc_statistic(long c, double lambda, double mu, double p)
{
    double mean, q;

    if (lambda <= 0.0) /* idle: the exponential service alone */
        return p > 0.0 ? -log1p(-p) / mu : 1.0 / mu;
    sl_mmc_response(c, lambda, mu, &p, p > 0.0 ? 1 : 0, &mean, &q);
    return p > 0.0 ? q : mean;
}

double sl_mmc_max_rate(long c, double mu, double p, double goal_s)
{
    double lo = 0.0, hi, mid;
    int i;

    if (bad_servers(c) || !positive(mu) || !positive(goal_s) || !(p >= 0.0 && p < 1.0))
        return NAN;
    if (mmc_statistic(c, 0.0, mu, p) > goal_s)
        return 0.0;
    hi = (double)c * mu; /* unstable from here on: the statistic is infinite */
    for (i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
        mid = 0.5 * (lo + hi);
        if (mmc_statistic(c, mid, mu, p) <= goal_s)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

double sl_mg1_wait(double lambda, double mean_s, double cv)
{
    double rho;

    if (!positive(lambda) || !positive(mean_s) || !non_negative(cv))
        return NAN;
    rho = lambda * mean_s;
    if (rho >= 1.0)
        return INFINITY;
    return rho * mean_s * (1.0 + cv * cv) / (2.0 * (1.0 - rho));
}

double sl_mg1_ps_response(double lambda, double mean_s)
{
    double rho;

    if (!positive(lambda) || !positive(mean_s))
        return NAN;
    rho = lambda * mean_s;
    if (rho >= 1.0)
        return INFINITY;
    return mean_s / (1.0 - rho);
}

static int bad_gg(double lambda, double mean_s, double ca, double cs)
{
    return !positive(lambda) || !positive(mean_s) || !non_negative(ca) || !non_negative(cs);
}

double sl_kingman_wait(double lambda, double mean_s, double ca, double cs)
{
    double rho;

    if (bad_gg(lambda, mean_s, ca, cs))
        return NAN;
    rho = lambda * mean_s;
    if (rho >= 1.0)
        return INFINITY;
    return rho / (1.0 - rho) * ((ca * ca + cs * cs) / 2.0) * mean_s;
}

double sl_daley_wait_bound(double lambda, double mean_s, double ca, double cs)
{
    double rho;

    if (bad_gg(lambda, mean_s, ca, cs))
        return NAN;
    rho = lambda * mean_s;
    if (rho >= 1.0)
        return INFINITY;
    return ((2.0 - rho) * ca * ca + rho * cs * cs) * mean_s / (2.0 * (1.0 - rho));
}

double sl_allen_cunneen_wait(long c, double lambda, double mean_s, double ca, double cs)
{
    double a;

    if (bad_servers(c) || bad_gg(lambda, mean_s, ca, cs))
        return NAN;
    a = lambda * mean_s;
    if (a >= (double)c)
        return INFINITY;
    /* C / (c mu - lambda) = C S / (c - a) */
    return sl_erlang_c(c, a) * mean_s / ((double)c - a) * (ca * ca + cs * cs) / 2.0;
}

/*
 * Turns log-weights l[0..n] into probabilities in place: subtract the largest, exponentiate,
 * divide by the sum. Nothing is ever obtained by subtracting probabilities.
 */
static void normalise_logs(double *l, long n)
{
    double lmax = l[0], sum = 0.0;
    long i;

    for (i = 1; i <= n; i++)
        if (l[i] > lmax)
            lmax = l[i];
    for (i = 0; i <= n; i++) {
        l[i] = exp(l[i] - lmax);
        sum += l[i];
    }
    for (i = 0; i <= n; i++)
        l[i] /= sum;
}

static double log_factorial(long n)
{
    int sign;

    return lgamma_r((double)n + 1.0, &sign);
}

/*
 * Stationary p[0..k] of M/M/c/K with offered load a > 0: p_n ~ a^n / n! for n <= c and
 * (a^c / c!) rho^{n-c} above, each log-weight computed directly (no running sum of logs).
 */
static void mmck_dist(long c, long k, double a, double *p)
{
    double la = log(a), lrho = log(a / (double)c), lc;
    long n;

    for (n = 0; n <= c && n <= k; n++)
        p[n] = (double)n * la - log_factorial(n);
    lc = p[c];
    for (n = c + 1; n <= k; n++)
        p[n] = lc + (double)(n - c) * lrho;
    normalise_logs(p, k);
}

/*
 * Stationary p[0..users] of the closed station: p_n ~ N!/(N-n)! (S/Z)^n / prod min(i, c).
 * With think time 0 every user is always at the station (p_N = 1).
 */
static void closed_dist(long c, long users, double service_s, double think_s, double *p)
{
    double lratio, lc;
    long n;

    if (think_s == 0.0) {
        for (n = 0; n < users; n++)
            p[n] = 0.0;
        p[users] = 1.0;
        return;
    }
    lratio = log(service_s) - log(think_s);
    lc = log((double)c);
    for (n = 0; n <= users; n++) {
        double servers_part = n <= c ? log_factorial(n)
                                     : log_factorial(c) + (double)(n - c) * lc;

        p[n] = -log_factorial(users - n) + (double)n * lratio - servers_part;
    }
    normalise_logs(p, users);
}

/*
 * Waiting and response time of a request that finds k phases of work ahead of it, each Exp(rate)
 * (rate = c mu: the next departure among c busy servers), k = 0..kmax with probability w_k. Its
 * own service Exp(mu) is a geometric number J >= 1 of further Exp(rate) phases with success
 * probability q = mu / rate (uniformisation), so the wait is Erlang(K, rate) and the response
 * Erlang(K + J, rate), and P(Erlang(j, rate) > t) = P(Poisson(rate t) < j). Hence
 * P(T > t) = sum_i Poisson(i; rate t) P(phases > i).
 */
struct phase_mix {
    long kmax;
    double rate;        /* phase rate c mu, 1/s */
    double q;           /* mu / rate, in (0, 1] */
    int response;       /* 0: wait, 1: response */
    double *wait_tail;  /* [i] = P(K > i), i = 0..kmax */
    double *resp_tail;  /* [i] = P(K + J > i), i = 0..kmax + 1 */
};

/* Fills the two tail arrays from w[0..kmax]. */
static void phase_mix_init(struct phase_mix *m, const double *w)
{
    double acc = 0.0; /* sum_{k<i} w_k (1-q)^{i-k}, i.e. P(K < i, K + J > i) */
    long i;

    m->wait_tail[m->kmax] = 0.0;
    for (i = m->kmax - 1; i >= 0; i--)
        m->wait_tail[i] = m->wait_tail[i + 1] + w[i + 1];
    m->resp_tail[0] = 1.0;
    for (i = 1; i <= m->kmax + 1; i++) {
        acc = (1.0 - m->q) * (acc + w[i - 1]);
        m->resp_tail[i] = m->wait_tail[i - 1] + acc;
    }
}

static double phase_mix_term(const struct phase_mix *m, long i)
{
    if (!m->response)
        return i < m->kmax ? m->wait_tail[i] : 0.0;
    if (i <= m->kmax + 1)
        return m->resp_tail[i];
    if (m->q >= 1.0)
        return 0.0;
    return m->resp_tail[m->kmax + 1] * exp((double)(i - m->kmax - 1) * log1p(-m->q));
}

/*
 * P(T > t) as the Poisson-weighted sum above. Terms more than 40 standard deviations (plus 40)
 * from the Poisson mean weigh under 1e-24 and are skipped.
 */
static double phase_mix_tail(const void *ctx, double t)
{
    const struct phase_mix *m = ctx;
    double x = m->rate * t, sd, lx, lp, lo_d, hi_d, sum = 0.0;
    long lo, hi, i;

    if (!(x > 0.0))
        return phase_mix_term(m, 0);
    sd = sqrt(x);
    lo_d = floor(x - 40.0 * sd - 40.0);
    hi_d = ceil(x + 40.0 * sd + 40.0);
    if (!m->response && hi_d > (double)(m->kmax - 1))
        hi_d = (double)(m->kmax - 1);
    if (SL_NEVER(hi_d > (double)(LONG_MAX / 2)))
        hi_d = (double)(LONG_MAX / 2);
    lo = lo_d > 0.0 ? (long)lo_d : 0;
    hi = (long)hi_d;
    lx = log(x);
    lp = -x + (double)lo * lx - log_factorial(lo);
    for (i = lo; i <= hi; i++) {
        sum += exp(lp) * phase_mix_term(m, i);
        lp += lx - log((double)(i + 1));
    }
    return sum;
}

/*
 * Percentiles of wait and response (at sl_queue_quantile_levels, the 99th also in p99_*) for
 * phase weights w[0..kmax] (a normalised distribution), with c servers of mean service_s.
 */
static enum sl_status phase_mix_quantiles(const double *w, long kmax, long c, double service_s,
                                          struct sl_queue_result *out)
{
    struct phase_mix m;
    double *buf = sl_malloc(((size_t)kmax * 2 + 3) * sizeof(double));
    int i;

    if (!buf)
        return SL_E_NOMEM;
    m.kmax = kmax;
    m.rate = (double)c / service_s;
    m.q = 1.0 / (double)c;
    m.wait_tail = buf;
    m.resp_tail = buf + kmax + 1;
    phase_mix_init(&m, w);
    for (i = 0; i < SL_QUEUE_QUANTILES; i++) {
        m.response = 0;
        out->wait_q[i] = invert_tail(phase_mix_tail, &m, 1.0 - sl_queue_quantile_levels[i],
                                     1.0 / m.rate);
        m.response = 1;
        out->response_q[i] = invert_tail(phase_mix_tail, &m, 1.0 - sl_queue_quantile_levels[i],
                                         service_s);
    }
    out->p99_wait_s = out->wait_q[2];
    out->p99_response_s = out->response_q[2];
    sl_free(buf);
    return SL_OK;
}

static void result_init(struct sl_queue_result *out, enum sl_queue_model model, long servers,
                        double service_s)
{
    size_t i;

    out->model = model;
    out->servers = servers;
    out->service_s = service_s;
    out->load_rps = NAN;
    out->queue_capacity = 0;
    out->users = 0;
    out->think_s = NAN;
    out->stable = 1;
    out->drop_probability = 0.0;
    out->table_len = 0;
    out->service_cv = 1.0;
    out->approximation = NULL;
    for (i = 0; i < SL_QUEUE_QUANTILES; i++)
        out->wait_q[i] = out->response_q[i] = NAN;
    for (i = 0; i < SL_QUEUE_TABLE_ROWS; i++) {
        out->table[i].utilization = NAN;
        out->table[i].response_multiple = NAN;
        out->table[i].drop_probability = NAN;
    }
}

static enum sl_status check_servers(long c, double service_s, char *err, size_t errlen)
{
    if (bad_servers(c))
        return invalid(err, errlen, "invalid servers '%ld' (expected a whole number from 1 to "
                       "%ld)", c, SL_QUEUE_MAX_SERVERS);
    if (!positive(service_s))
        return invalid(err, errlen, "invalid service time '%g' s (expected a positive number "
                       "of seconds)", service_s);
    return SL_OK;
}

/* M/M/c with offered load a = lambda S given directly, so that a = U c stays exact. */
static void mmc_solve(long c, double service_s, double lambda, double a,
                      struct sl_queue_result *out)
{
    size_t i;

    result_init(out, SL_QUEUE_MMC, c, service_s);
    out->load_rps = lambda;
    out->utilization = a / (double)c;
    if (a >= (double)c) {
        out->stable = 0;
        out->carried_utilization = 1.0;
        out->p_wait = 1.0;
        out->mean_wait_s = out->mean_response_s = INFINITY;
        out->p99_wait_s = out->p99_response_s = INFINITY;
        for (i = 0; i < SL_QUEUE_QUANTILES; i++)
            out->wait_q[i] = out->response_q[i] = INFINITY;
        out->throughput_rps = (double)c / service_s;
        out->mean_in_system = out->mean_in_queue = INFINITY;
    } else {
        out->carried_utilization = out->utilization;
        out->p_wait = sl_erlang_c(c, a);
        out->mean_wait_s = out->p_wait * service_s / ((double)c - a);
        out->mean_response_s = out->mean_wait_s + service_s;
        for (i = 0; i < SL_QUEUE_QUANTILES; i++) {
            out->wait_q[i] = sl_mmc_wait_quantile(c, lambda, 1.0 / service_s,
                                                  sl_queue_quantile_levels[i]);
            out->response_q[i] = sl_mmc_response_quantile(c, lambda, 1.0 / service_s,
                                                          sl_queue_quantile_levels[i]);
        }
        out->p99_wait_s = sl_mmc_wait_quantile(c, lambda, 1.0 / service_s, PERCENTILE);
        out->p99_response_s = sl_mmc_response_quantile(c, lambda, 1.0 / service_s, PERCENTILE);
        out->throughput_rps = lambda;
        out->mean_in_system = lambda * out->mean_response_s;
        out->mean_in_queue = lambda * out->mean_wait_s;
    }
    for (i = 0; i < SL_QUEUE_TABLE_ROWS; i++) {
        double u = table_util[i];

        out->table[i].utilization = u;
        out->table[i].drop_probability = 0.0;
        out->table[i].response_multiple =
            u < 1.0 ? 1.0 + sl_erlang_c(c, u * (double)c) / ((double)c * (1.0 - u)) : INFINITY;
    }
    out->table_len = SL_QUEUE_TABLE_ROWS;
}

enum sl_status sl_queue_mmc(long servers, double service_s, double load_rps,
                            struct sl_queue_result *out, char *err, size_t errlen)
{
    enum sl_status st = check_servers(servers, service_s, err, errlen);

    if (st)
        return st;
    if (!positive(load_rps))
        return invalid(err, errlen, "invalid load '%g' (expected a positive number of requests "
                       "per second)", load_rps);
    mmc_solve(servers, service_s, load_rps, load_rps * service_s, out);
    return SL_OK;
}

enum sl_status sl_queue_mgc(long servers, double service_s, double cv, double load_rps,
                            struct sl_queue_result *out, char *err, size_t errlen)
{
    enum sl_status st = check_servers(servers, service_s, err, errlen);
    double a = load_rps * service_s, factor = (1.0 + cv * cv) / 2.0;
    size_t i;

    if (st)
        return st;
    if (!positive(load_rps))
        return invalid(err, errlen, "invalid load '%g' (expected a positive number of requests "
                       "per second)", load_rps);
    if (!non_negative(cv) || cv > 1e6)
        return invalid(err, errlen, "invalid service cv '%g' (expected a number from 0 to 1e6)",
                       cv);
    mmc_solve(servers, service_s, load_rps, a, out);
    out->model = servers == 1 ? SL_QUEUE_MG1 : SL_QUEUE_MGC;
    out->service_cv = cv;
    /* Pollaczek-Khinchine for one server (exact), Allen-Cunneen beyond: the M/M/c wait x factor */
    if (servers > 1 && cv != 1.0)
        out->approximation = "Allen-Cunneen";
    if (cv != 1.0)
        for (i = 0; i < SL_QUEUE_QUANTILES; i++)
            out->wait_q[i] = out->response_q[i] = out->stable ? NAN : INFINITY;
    if (cv != 1.0)
        out->p99_wait_s = out->p99_response_s = out->stable ? NAN : INFINITY;
    if (out->stable) {
        out->mean_wait_s *= factor;
        out->mean_response_s = out->mean_wait_s + service_s;
        out->mean_in_system = load_rps * out->mean_response_s;
        out->mean_in_queue = load_rps * out->mean_wait_s;
    }
    for (i = 0; i < SL_QUEUE_TABLE_ROWS; i++)
        if (isfinite(out->table[i].response_multiple))
            out->table[i].response_multiple = 1.0 + (out->table[i].response_multiple - 1.0) *
                                                        factor;
    return SL_OK;
}

/* Sums over a normalised M/M/c/K distribution p[0..k]. */
struct mmck_sums {
    double l;        /* sum n p_n */
    double lq;       /* sum (n - c)^+ p_n */
    double accepted; /* sum_{n<K} p_n = 1 - p_K, without the subtraction */
    double waiting;  /* sum_{c<=n<K} p_n */
};

static void mmck_sum(const double *p, long c, long k, struct mmck_sums *s)
{
    long n;

    s->l = s->lq = s->accepted = s->waiting = 0.0;
    for (n = 0; n <= k; n++) {
        s->l += (double)n * p[n];
        if (n > c)
            s->lq += (double)(n - c) * p[n];
        if (n < k) {
            s->accepted += p[n];
            if (n >= c)
                s->waiting += p[n];
        }
    }
}

/* M/M/c/K with offered load a given directly; p is scratch for k + 1 doubles. */
static enum sl_status mmck_solve(long c, long k, double service_s, double lambda, double a,
                                 double *p, struct sl_queue_result *out)
{
    struct mmck_sums s;
    double *w, no_wait = 0.0;
    long kmax = k - c, n;
    size_t i;

    result_init(out, SL_QUEUE_MMCK, c, service_s);
    out->load_rps = lambda;
    out->queue_capacity = k;
    out->utilization = a / (double)c;
    for (i = 0; i < SL_QUEUE_TABLE_ROWS; i++) {
        double u = table_util[i];

        mmck_dist(c, k, u * (double)c, p);
        mmck_sum(p, c, k, &s);
        out->table[i].utilization = u;
        out->table[i].drop_probability = p[k];
        out->table[i].response_multiple = s.l / (u * (double)c * s.accepted);
    }
    out->table_len = SL_QUEUE_TABLE_ROWS;

    mmck_dist(c, k, a, p);
    mmck_sum(p, c, k, &s);
    out->drop_probability = p[k];
    out->throughput_rps = lambda * s.accepted;
    out->carried_utilization = a * s.accepted / (double)c;
    out->p_wait = s.waiting / s.accepted;
    out->mean_in_system = s.l;
    out->mean_in_queue = s.lq;
    out->mean_response_s = s.l / out->throughput_rps;
    out->mean_wait_s = s.lq / out->throughput_rps;

    /* an accepted arrival sees n < K with p_n / (1 - p_K); it waits for (n - c + 1)^+ phases */
    for (n = 0; n < c; n++)
        no_wait += p[n];
    w = p + (c - 1);
    w[0] = no_wait;
    for (n = 0; n <= kmax; n++)
        w[n] /= s.accepted;
    return phase_mix_quantiles(w, kmax, c, service_s, out);
}

static enum sl_status check_capacity(long c, long k, char *err, size_t errlen)
{
    if (k < c || k > SL_QUEUE_MAX_STATES)
        return invalid(err, errlen, "invalid queue capacity '%ld' (expected a whole number from "
                       "the %ld servers to %ld: requests in queue and in service)",
                       k, c, SL_QUEUE_MAX_STATES);
    return SL_OK;
}

static enum sl_status mmck_alloc_solve(long c, long k, double service_s, double lambda,
                                       double a, struct sl_queue_result *out, char *err,
                                       size_t errlen)
{
    double *p = sl_malloc(((size_t)k + 1) * sizeof(double));
    enum sl_status st;

    if (!p)
        return nomem(err, errlen);
    st = mmck_solve(c, k, service_s, lambda, a, p, out);
    sl_free(p);
    return st ? nomem(err, errlen) : SL_OK;
}

enum sl_status sl_queue_mmck(long servers, long capacity, double service_s, double load_rps,
                             struct sl_queue_result *out, char *err, size_t errlen)
{
    enum sl_status st = check_servers(servers, service_s, err, errlen);

    if (st)
        return st;
    st = check_capacity(servers, capacity, err, errlen);
    if (st)
        return st;
    if (!positive(load_rps))
        return invalid(err, errlen, "invalid load '%g' (expected a positive number of requests "
                       "per second)", load_rps);
    return mmck_alloc_solve(servers, capacity, service_s, load_rps, load_rps * service_s, out,
                            err, errlen);
}

/* The closed station from its distribution p[0..users] (overwritten: scratch afterwards). */
static enum sl_status closed_measures(long c, long users, double service_s, double think_s,
                                      double *p, struct sl_queue_result *out)
{
    double busy = 0.0, l = 0.0, lq = 0.0, arrivals = 0.0, waiting = 0.0, no_wait = 0.0;
    double one = 1.0;
    double *w = &one;
    long n, kmax = users > c ? users - c : 0;

    for (n = 0; n <= users; n++) {
        busy += (double)(n < c ? n : c) * p[n];
        l += (double)n * p[n];
        if (n > c)
            lq += (double)(n - c) * p[n];
    }
    out->throughput_rps = busy / service_s;
    out->utilization = out->carried_utilization = busy / (double)c;
    /* Little's law at the station, R = L / X: equal to N / X - Z, without its cancellation */
    out->mean_response_s = l / out->throughput_rps;
    out->mean_wait_s = lq / out->throughput_rps;
    out->mean_in_system = l;
    out->mean_in_queue = lq;

    /* arrival theorem: an arriving user sees n others with probability ~ (N - n) p_n */
    if (think_s == 0.0) {
        for (n = 0; n <= users; n++)
            p[n] = n == users - 1 ? 1.0 : 0.0;
    } else {
        for (n = 0; n <= users; n++) {
            p[n] *= (double)(users - n);
            arrivals += p[n];
        }
        for (n = 0; n <= users; n++)
            p[n] /= arrivals;
    }
    for (n = c; n < users; n++)
        waiting += p[n];
    out->p_wait = waiting;
    if (kmax > 0) {
        for (n = 0; n < c; n++)
            no_wait += p[n];
        w = p + (c - 1);
        w[0] = no_wait;
    }
    return phase_mix_quantiles(w, kmax, c, service_s, out);
}

enum sl_status sl_queue_closed(long servers, long users, double service_s, double think_s,
                               struct sl_queue_result *out, char *err, size_t errlen)
{
    enum sl_status st = check_servers(servers, service_s, err, errlen);
    double *p;

    if (st)
        return st;
    if (users < 1 || users > SL_QUEUE_MAX_STATES)
        return invalid(err, errlen, "invalid users '%ld' (expected a whole number from 1 to "
                       "%ld)", users, SL_QUEUE_MAX_STATES);
    if (!non_negative(think_s))
        return invalid(err, errlen, "invalid think time '%g' s (expected 0 or more seconds)",
                       think_s);
    p = sl_malloc(((size_t)users + 1) * sizeof(double));
    if (!p)
        return nomem(err, errlen);
    result_init(out, SL_QUEUE_CLOSED, servers, service_s);
    out->users = users;
    out->think_s = think_s;
    closed_dist(servers, users, service_s, think_s, p);
    st = closed_measures(servers, users, service_s, think_s, p, out);
    sl_free(p);
    return st ? nomem(err, errlen) : SL_OK;
}

double sl_queue_response_multiple(const struct sl_queue_result *r)
{
    return r->mean_response_s / r->service_s;
}

enum sl_status sl_queue_solve(const struct sl_queue_params *params, struct sl_queue_result *out,
                              char *err, size_t errlen)
{
    const struct sl_queue_params *q = params;
    enum sl_status st = check_servers(q->servers, q->service_s, err, errlen);
    double lambda, a;

    if (st)
        return st;
    if (q->users < 0)
        return invalid(err, errlen, "invalid users '%ld' (expected a whole number from 1 to "
                       "%ld)", q->users, SL_QUEUE_MAX_STATES);
    if (q->queue_capacity < 0)
        return check_capacity(q->servers, q->queue_capacity, err, errlen);
    if (q->users > 0) {
        if (q->load_rps != 0.0 || q->utilization != 0.0 || q->queue_capacity != 0)
            return invalid(err, errlen, "invalid closed system (users and think time replace "
                           "load, utilization and queue capacity)");
        return sl_queue_closed(q->servers, q->users, q->service_s, q->think_s, out, err,
                               errlen);
    }
    if (q->think_s != 0.0)
        return invalid(err, errlen, "invalid think time '%g' s for an open system (expected "
                       "users as well)", q->think_s);
    if (q->general && (q->queue_capacity != 0))
        return invalid(err, errlen, "invalid system: a general service time (service cv) goes "
                       "with an unbounded queue only (expected no queue bound)");
    if ((q->load_rps != 0.0) == (q->utilization != 0.0))
        return invalid(err, errlen, "invalid open system (expected exactly one of load and "
                       "utilization)");
    if (q->utilization != 0.0) {
        if (!positive(q->utilization))
            return invalid(err, errlen, "invalid utilization '%g' (expected a positive number "
                           "such as 0.8; 1 or more is unstable without a queue bound)",
                           q->utilization);
        a = q->utilization * (double)q->servers;
        lambda = a / q->service_s;
    } else {
        if (!positive(q->load_rps))
            return invalid(err, errlen, "invalid load '%g' (expected a positive number of "
                           "requests per second)", q->load_rps);
        lambda = q->load_rps;
        a = lambda * q->service_s;
    }
    if (!positive(lambda) || !positive(a))
        return invalid(err, errlen, "invalid load (%g servers of %g s at %g req/s is out of "
                       "range)", (double)q->servers, q->service_s, lambda);
    if (q->general)
        return sl_queue_mgc(q->servers, q->service_s, q->service_cv, lambda, out, err, errlen);
    if (q->queue_capacity == 0) {
        mmc_solve(q->servers, q->service_s, lambda, a, out);
        return SL_OK;
    }
    st = check_capacity(q->servers, q->queue_capacity, err, errlen);
    if (st)
        return st;
    return mmck_alloc_solve(q->servers, q->queue_capacity, q->service_s, lambda, a, out, err,
                            errlen);
}

const char *sl_queue_model_name(enum sl_queue_model m)
{
    switch (m) {
    case SL_QUEUE_MMC: return "M/M/c";
    case SL_QUEUE_MMCK: return "M/M/c/K";
    case SL_QUEUE_CLOSED: return "closed";
    case SL_QUEUE_MG1: return "M/G/1";
    case SL_QUEUE_MGC: return "M/G/c";
    }
    return "unknown";
}
