/* Queueing networks: open (Jackson, per-station M/M/c) and closed (exact convolution). */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "scalelab/network.h"
#include "scalelab/parse.h"
#include "scalelab/queueing.h"
#include "banned.h"

static enum sl_status invalid(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s", what);
    return SL_E_INVALID;
}

enum sl_status sl_station_parse(const char *spec, struct sl_station *st, char *err,
                                size_t errlen)
{
    char part[4][64];
    const char *p = spec;
    int n = 0;
    size_t i;
    double v;

    memset(st, 0, sizeof(*st));
    for (;;) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);

        if (n == 4 || len >= sizeof(part[0])) {
            n = 0; /* a fifth part, or a part longer than any valid one */
            break;
        }
        memcpy(part[n], p, len);
        part[n++][len] = '\0';
        if (!colon)
            break;
        p = colon + 1;
    }
    if (n < 3) {
        snprintf(err, errlen, "invalid station '%.80s' (expected NAME:SERVERS:SERVICE_MS or "
                 "NAME:SERVERS:SERVICE_MS:VISITS, such as db:2:1.5:2)", spec);
        return SL_E_INVALID;
    }
    for (i = 0; part[0][i]; i++)
        if (!((part[0][i] >= 'a' && part[0][i] <= 'z') || (part[0][i] >= 'A' && part[0][i] <= 'Z')
              || (part[0][i] >= '0' && part[0][i] <= '9') || strchr("-_.", part[0][i])))
            break;
    if (!part[0][0] || part[0][i] || i > SL_NETWORK_NAME_MAX) {
        snprintf(err, errlen, "invalid station name '%.64s' in '%.80s' (expected 1 to %d letters, "
                 "digits, '-', '_' or '.')", part[0], spec, SL_NETWORK_NAME_MAX);
        return SL_E_INVALID;
    }
    memcpy(st->name, part[0], i + 1);
    if (sl_parse_count(part[1], SL_QUEUE_MAX_SERVERS, &st->servers) != SL_OK) {
        snprintf(err, errlen, "invalid servers '%s' of station '%s' (expected a whole number from "
                 "1 to %ld)", part[1], st->name, SL_QUEUE_MAX_SERVERS);
        return SL_E_INVALID;
    }
    if (sl_parse_number(part[2], &v) != SL_OK || !(v >= 1e-6) || v > 1e9) {
        snprintf(err, errlen, "invalid service time '%s' ms of station '%s' (expected "
                 "milliseconds from 1e-6 to 1e9)", part[2], st->name);
        return SL_E_INVALID;
    }
    st->service_s = v / 1000.0;
    st->visits = 1.0;
    if (n == 4 && (sl_parse_number(part[3], &st->visits) != SL_OK || !(st->visits >= 1e-6) ||
                   st->visits > 1e6)) {
        snprintf(err, errlen, "invalid visits '%s' of station '%s' (expected visits per request "
                 "from 1e-6 to 1e6)", part[3], st->name);
        return SL_E_INVALID;
    }
    return SL_OK;
}

/* Checks the stations and fills what every solve shares: demands, bottleneck, bounds' D. */
static enum sl_status prepare(const struct sl_station *st, size_t n,
                              struct sl_network_result *out, char *err, size_t errlen)
{
    double worst = -1.0;
    size_t k;

    memset(out, 0, sizeof(*out));
    if (n < 1 || n > SL_NETWORK_MAX_STATIONS) {
        snprintf(err, errlen, "invalid network of %zu stations (expected 1 to %d)", n,
                 SL_NETWORK_MAX_STATIONS);
        return SL_E_INVALID;
    }
    out->n = n;
    for (k = 0; k < n; k++) {
        double per_server;

        if (st[k].servers < 1 || st[k].servers > SL_QUEUE_MAX_SERVERS ||
            !(st[k].service_s > 0) || !isfinite(st[k].service_s) || !(st[k].visits > 0) ||
            !isfinite(st[k].visits))
            return invalid(err, errlen, "invalid station (expected servers >= 1 and positive, "
                           "finite service time and visits)");
        out->st[k].demand_s = st[k].visits * st[k].service_s;
        out->total_demand_s += out->st[k].demand_s;
        per_server = out->st[k].demand_s / (double)st[k].servers;
        if (per_server > worst) {
            worst = per_server;
            out->bottleneck = k;
        }
    }
    out->max_throughput_rps = 1.0 / worst;
    out->min_response_s = out->total_demand_s;
    return SL_OK;
}

enum sl_status sl_network_open(const struct sl_station *st, size_t n, double load_rps,
                               struct sl_network_result *out, char *err, size_t errlen)
{
    enum sl_status s = prepare(st, n, out, err, errlen);
    size_t k;

    if (s)
        return s;
    if (!(load_rps > 0) || !isfinite(load_rps) || load_rps > 1e12)
        return invalid(err, errlen, "invalid load (expected a positive number of requests per "
                       "second, at most 1e12)");
    out->load_rps = load_rps;
    out->think_s = NAN;
    out->stable = 1;
    out->throughput_rps = load_rps;
    out->response_s = 0.0;
    for (k = 0; k < n; k++) {
        struct sl_station_result *r = &out->st[k];
        double lambda = load_rps * st[k].visits, mu = 1.0 / st[k].service_s;
        double c = (double)st[k].servers;

        r->throughput_rps = lambda;
        r->utilization = lambda / (c * mu);
        if (lambda >= c * mu) {
            /* this station cannot keep up: its queue, and the network's response, grow */
            out->stable = 0;
            r->mean_in_station = r->response_s = r->residence_s = INFINITY;
        } else {
            /* Jackson: each station is an M/M/c queue, independently of the others */
            r->response_s = sl_erlang_c(st[k].servers, lambda / mu) / (c * mu - lambda) + 1.0 / mu;
            r->mean_in_station = lambda * r->response_s;
            r->residence_s = st[k].visits * r->response_s;
        }
        out->response_s += r->residence_s;
    }
    return SL_OK;
}

/* log(exp(a) + exp(b)) without overflow; -inf is the log of 0. */
static double log_add(double a, double b)
{
    double hi = a > b ? a : b, lo = a > b ? b : a;

    if (hi == -INFINITY)
        return -INFINITY;
    return hi + log1p(exp(lo - hi));
}

/* Servers that matter with `users` users: a station never holds more than all of them. */
static long useful_servers(long servers, long users)
{
    return servers < users + 1 ? servers : users + 1;
}

/*
 * out = in convolved with one station of c servers and demand D, in log space: a station's
 * factor is F(j) = D^j / prod_{i<=j} min(i, c). Below c terms are summed one by one; from c on
 * F(j) = F(c) (D/c)^(j-c) is geometric, so that tail T(n) = F(c) in(n-c) + (D/c) T(n-1) costs
 * one step per n: the whole convolution costs (users + 1) x min(c, users + 1). lf is scratch
 * for min(c, users + 1) values.
 */
static void add_station(const double *in, double demand, long c, long users, double *lf,
                        double *out)
{
    long head = useful_servers(c, users), n, j;
    double ld = log(demand), lr = ld - log((double)c), lfc = 0.0, tail = -INFINITY;

    lf[0] = 0.0;
    for (j = 1; j < head; j++)
        lf[j] = lf[j - 1] + ld - log((double)j);
    if (c <= users)
        lfc = lf[c - 1] + ld - log((double)c);
    for (n = 0; n <= users; n++) {
        double acc = -INFINITY;

        for (j = 0; j < head && j <= n; j++)
            acc = log_add(acc, lf[j] + in[n - j]);
        if (n >= c) {
            tail = log_add(tail + lr, lfc + in[n - c]);
            acc = log_add(acc, tail);
        }
        out[n] = acc;
    }
}

/* log of what the think time contributes, an infinite-server station: Z^j / j! (0: nobody). */
static void think_logs(double think_s, long users, double *out)
{
    long j;

    out[0] = 0.0;
    for (j = 1; j <= users; j++)
        out[j] = think_s > 0 ? out[j - 1] + log(think_s) - log((double)j) : -INFINITY;
}

double sl_network_closed_cost(const struct sl_station *st, size_t n, long users)
{
    double all = 0.0, steps;
    size_t k;

    for (k = 0; k < n; k++)
        all += (double)useful_servers(st[k].servers, users);
    steps = all; /* G: every station once */
    for (k = 0; k < n; k++)
        if (st[k].servers > 1) /* a multi-server marginal: every other station once more */
            steps += all - (double)useful_servers(st[k].servers, users);
    return ((double)users + 1.0) * steps;
}

enum sl_status sl_network_closed(const struct sl_station *st, size_t n, long users,
                                 double think_s, struct sl_network_result *out, char *err,
                                 size_t errlen)
{
    enum sl_status s = prepare(st, n, out, err, errlen);
    size_t len, k, i;
    double *buf, *base, *g, *rest, *tmp, *lf, ln_g, per_server_max;
    long j;

    if (s)
        return s;
    per_server_max = 1.0 / out->max_throughput_rps;
    if (users < 1 || users > SL_QUEUE_MAX_STATES)
        return invalid(err, errlen, "invalid users (expected a whole number from 1 to 2000000)");
    if (!(think_s >= 0) || !isfinite(think_s))
        return invalid(err, errlen, "invalid think time (expected 0 or more seconds)");
    if (sl_network_closed_cost(st, n, users) > SL_NETWORK_MAX_WORK) {
        snprintf(err, errlen, "network too large for an exact solve: %ld users over stations "
                 "with these servers need %.3g steps (at most %.3g: fewer users or servers)",
                 users, sl_network_closed_cost(st, n, users), SL_NETWORK_MAX_WORK);
        return SL_E_INVALID;
    }
    len = (size_t)users + 1;
    buf = sl_malloc(5 * len * sizeof(double));
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        return SL_E_NOMEM;
    }
    base = buf;
    g = base + len;
    rest = g + len;
    tmp = rest + len;
    lf = tmp + len;
    /* G(0..N), the normalising constants of the product form, think time first */
    think_logs(think_s, users, base);
    memcpy(g, base, len * sizeof(double));
    for (k = 0; k < n; k++) {
        add_station(g, out->st[k].demand_s, st[k].servers, users, lf, tmp);
        memcpy(g, tmp, len * sizeof(double));
    }
    ln_g = g[users];
    out->closed = 1;
    out->users = users;
    out->think_s = think_s;
    out->load_rps = NAN;
    out->stable = 1;
    out->throughput_rps = exp(g[users - 1] - ln_g); /* X(N) = G(N-1) / G(N) */
    for (k = 0; k < n; k++) {
        struct sl_station_result *r = &out->st[k];
        double q = 0.0, ld = log(r->demand_s);

        if (st[k].servers == 1) {
            /* one server: P(at least j here) = D^j G(N-j) / G(N) */
            for (j = 1; j <= users; j++)
                q += exp((double)j * ld + g[users - j] - ln_g);
        } else {
            /* c servers: P(j here) = F(j) G_without_this_station(N-j) / G(N) */
            double lfj = 0.0;

            memcpy(rest, base, len * sizeof(double));
            for (i = 0; i < n; i++) {
                if (i == k)
                    continue;
                add_station(rest, out->st[i].demand_s, st[i].servers, users, lf, tmp);
                memcpy(rest, tmp, len * sizeof(double));
            }
            for (j = 1; j <= users; j++) {
                lfj += ld - log((double)(j < st[k].servers ? j : st[k].servers));
                q += (double)j * exp(lfj + rest[users - j] - ln_g);
            }
        }
        r->mean_in_station = q;
        r->throughput_rps = out->throughput_rps * st[k].visits;
        r->utilization = out->throughput_rps * r->demand_s / (double)st[k].servers;
        r->residence_s = q / out->throughput_rps;
        r->response_s = r->residence_s / st[k].visits;
        out->response_s += r->residence_s;
    }
    out->max_throughput_rps = fmin(out->max_throughput_rps,
                                   (double)users / (out->total_demand_s + think_s));
    out->min_response_s = fmax(out->total_demand_s, (double)users * per_server_max - think_s);
    sl_free(buf);
    return SL_OK;
}
