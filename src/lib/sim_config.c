/* Simulator configuration: defaults, validation, and the parsers of the CLI's spec strings. */
/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scalelab/parse.h"
#include "scalelab/sim.h"
#include "sim_int.h"
#include "banned.h"

void sl_sim_config_init(struct sl_sim_config *c)
{
    memset(c, 0, sizeof(*c));
    c->seed = 1;
    c->load_rps = 360.0;
    c->servers = 4;
    c->cores = 1;
    c->queue = SL_SIM_QUEUE_UNBOUNDED;
    c->dist = SL_RNG_DIST_EXP;
    c->service_s = 0.010;
    c->cv = 1.0;
    c->lb = SL_SIM_LB_RR;
    c->timeout_s = 0.0;
    c->requests = 1000000;
    c->duration_s = 0.0;
    c->warmup_fraction = 0.1;
    c->state = SL_STATE_TOKEN;
    c->sessions = 10000;
    c->lock_fraction = 0.01;
    c->lock_keys = 1000;
    c->store_latency_s = 0.0005;
    c->store_capacity_ops = 100000.0;
    c->store_ops = 2;
    c->boot_s = 30.0;
    c->replications = 1;
    c->threads = 1;
    c->series_cap = 2048;
    c->max_in_system = 1ULL << 22;
}

static const char *const lb_names[] = { "rr", "random", "least", "p2c", "sticky" };

const char *sl_sim_lb_name(enum sl_sim_lb lb)
{
    return (unsigned)lb <= SL_SIM_LB_STICKY ? lb_names[lb] : "unknown";
}

enum sl_status sl_sim_lb_parse(const char *s, enum sl_sim_lb *out)
{
    unsigned i;

    if (!s)
        return SL_E_INVALID;
    for (i = 0; i < sizeof(lb_names) / sizeof(lb_names[0]); i++) {
        if (!strcmp(s, lb_names[i])) {
            *out = (enum sl_sim_lb)i;
            return SL_OK;
        }
    }
    return SL_E_INVALID;
}

/* Servers in the run, counting every scale-out. */
long sl_sim_total_servers(const struct sl_sim_config *c)
{
    long n = c->servers;
    size_t i;

    for (i = 0; i < c->n_adds && i < SL_SIM_MAX_EVENTS; i++)
        n += c->adds[i].count;
    return n;
}

/* Fails (writes the message) unless lo <= v <= hi and v is finite. */
static int bad_real(const char *field, double v, double lo, double hi, char *err, size_t errlen)
{
    if (v >= lo && v <= hi && isfinite(v))
        return 0;
    snprintf(err, errlen, "invalid %s %g (expected %g to %g)", field, v, lo, hi);
    return 1;
}

/* Like bad_real, but v must be strictly above lo. */
static int bad_pos(const char *field, double v, double lo, double hi, char *err, size_t errlen)
{
    if (v > lo && v <= hi && isfinite(v))
        return 0;
    snprintf(err, errlen, "invalid %s %g (expected more than %g, at most %g)", field, v, lo, hi);
    return 1;
}

static int bad_long(const char *field, long v, long lo, long hi, char *err, size_t errlen)
{
    if (v >= lo && v <= hi)
        return 0;
    snprintf(err, errlen, "invalid %s %ld (expected %ld to %ld)", field, v, lo, hi);
    return 1;
}

static enum sl_status check_curve(const struct sl_sim_config *c, char *err, size_t errlen)
{
    size_t i;

    if (c->n_curve > SL_SIM_MAX_CURVE) {
        snprintf(err, errlen, "invalid curve: %zu points (expected at most %d)", c->n_curve,
                 SL_SIM_MAX_CURVE);
        return SL_E_INVALID;
    }
    for (i = 0; i < c->n_curve; i++) {
        if (bad_real("curve time", c->curve[i].t_s, 0, SL_SIM_MAX_DURATION, err, errlen)
            || bad_real("curve rate", c->curve[i].rps, 0, 1e12, err, errlen))
            return SL_E_INVALID;
        if (i > 0 && !(c->curve[i].t_s > c->curve[i - 1].t_s)) {
            snprintf(err, errlen, "invalid curve time %g (expected times in increasing order)",
                     c->curve[i].t_s);
            return SL_E_INVALID;
        }
    }
    if (bad_real("curve period", c->curve_period_s, 0, SL_SIM_MAX_DURATION, err, errlen))
        return SL_E_INVALID;
    if (c->curve_period_s > 0 && c->n_curve
        && !(c->curve[c->n_curve - 1].t_s <= c->curve_period_s)) {
        snprintf(err, errlen, "invalid curve period %g (expected at least the last time %g)",
                 c->curve_period_s, c->curve[c->n_curve - 1].t_s);
        return SL_E_INVALID;
    }
    return SL_OK;
}

static enum sl_status check_events(const struct sl_sim_config *c, long total, char *err,
                                   size_t errlen)
{
    size_t i;

    if (c->n_fails > SL_SIM_MAX_EVENTS || c->n_adds > SL_SIM_MAX_EVENTS) {
        snprintf(err, errlen, "too many failure or scale-out events (expected at most %d each)",
                 SL_SIM_MAX_EVENTS);
        return SL_E_TOO_LARGE;
    }
    for (i = 0; i < c->n_adds; i++) {
        const struct sl_sim_add *a = &c->adds[i];

        if (bad_long("scale-out count", a->count, 1, SL_SIM_MAX_SERVERS, err, errlen)
            || bad_real("scale-out time", a->at_s, 0, SL_SIM_MAX_DURATION, err, errlen)
            || (a->boot_s >= 0 && bad_real("boot time", a->boot_s, 0, SL_SIM_MAX_DURATION,
                                           err, errlen)))
            return SL_E_INVALID;
    }
    for (i = 0; i < c->n_fails; i++) {
        const struct sl_sim_fail *f = &c->fails[i];

        if (f->server < 0 || f->server >= total) {
            snprintf(err, errlen, "invalid failing server %ld (expected 0 to %ld)", f->server,
                     total - 1);
            return SL_E_INVALID;
        }
        if (bad_real("failure time", f->at_s, 0, SL_SIM_MAX_DURATION, err, errlen))
            return SL_E_INVALID;
        if (f->recover_s >= 0 && !(f->recover_s > f->at_s && isfinite(f->recover_s))) {
            snprintf(err, errlen, "invalid recovery time %g (expected after the failure at %g)",
                     f->recover_s, f->at_s);
            return SL_E_INVALID;
        }
    }
    return SL_OK;
}

/* Estimated peak memory of one replication, bytes (the engine's real figure is bytes_used). */
double sl_sim_estimate_bytes(const struct sl_sim_config *c)
{
    double total = (double)sl_sim_total_servers(c);
    double cores = total * (double)c->cores;
    double waiting = c->queue == SL_SIM_QUEUE_UNBOUNDED ? (double)c->max_in_system
                                                         : total * (double)c->queue;

    return (double)sizeof(struct sim_state) + total * (double)sizeof(struct sim_server)
           + waiting * (double)sizeof(struct sim_wait)
           + cores * ((double)sizeof(struct sim_slot) + 4.0) /* and its place in the free stack */
           + 4.0 * cores * 12.0 /* the done tree: 2p nodes of 12 bytes, p < 2 cores */
           + (double)(2 * c->n_fails + c->n_adds + 3) * (double)sizeof(struct sim_event)
           + (double)c->sessions * 8.0 + (double)c->lock_keys * 4.0
           + (double)c->series_cap * (double)sizeof(struct sl_sim_point);
}

enum sl_status sl_sim_check(const struct sl_sim_config *c, char *err, size_t errlen)
{
    enum sl_status st;
    long total;
    double bytes;

    if (bad_long("servers", c->servers, 1, SL_SIM_MAX_SERVERS, err, errlen)
        || bad_long("cores", c->cores, 1, SL_SIM_MAX_CORES, err, errlen))
        return SL_E_INVALID;
    if (c->n_curve == 0 && bad_pos("load", c->load_rps, 0, 1e12, err, errlen))
        return SL_E_INVALID;
    st = check_curve(c, err, errlen);
    if (st)
        return st;
    if (c->queue != SL_SIM_QUEUE_UNBOUNDED
        && bad_long("queue", c->queue, 0, SL_SIM_MAX_QUEUE, err, errlen))
        return SL_E_INVALID;
    if (sl_rng_dist_init(&(struct sl_rng_dist){ 0 }, c->dist, c->service_s, c->cv, NULL, 0)) {
        if (!(c->service_s > 0 && c->service_s <= 1e6 && isfinite(c->service_s)))
            snprintf(err, errlen, "invalid service time %g s (expected more than 0, at most 1e6)",
                     c->service_s);
        else if ((unsigned)c->dist > SL_RNG_DIST_HYPEREXP)
            snprintf(err, errlen, "invalid distribution %d (expected exp, det, lognormal, gamma "
                     "or hyperexp)", (int)c->dist);
        else
            snprintf(err, errlen, "invalid cv %g for %s (expected %g to %g)", c->cv,
                     sl_rng_dist_name(c->dist),
                     c->dist == SL_RNG_DIST_HYPEREXP ? 1.0 : SL_RNG_CV_MIN, SL_RNG_CV_MAX);
        return SL_E_INVALID;
    }
    if (bad_pos("service time", c->service_s, 0, 1e6, err, errlen))
        return SL_E_INVALID;
    if ((unsigned)c->lb > SL_SIM_LB_STICKY) {
        snprintf(err, errlen, "invalid load balancer %d (expected rr, random, least, p2c or "
                 "sticky)", (int)c->lb);
        return SL_E_INVALID;
    }
    if ((unsigned)c->state > SL_STATE_TOKEN) {
        snprintf(err, errlen, "invalid state %d (expected memory, sticky, store or token)",
                 (int)c->state);
        return SL_E_INVALID;
    }
    if (bad_real("timeout", c->timeout_s, 0, SL_SIM_MAX_DURATION, err, errlen)
        || bad_real("duration", c->duration_s, 0, SL_SIM_MAX_DURATION, err, errlen)
        || bad_real("warm-up fraction", c->warmup_fraction, 0, 0.9, err, errlen))
        return SL_E_INVALID;
    if (c->requests > SL_SIM_MAX_REQUESTS) {
        snprintf(err, errlen, "invalid requests %llu (expected at most %llu)",
                 (unsigned long long)c->requests, (unsigned long long)SL_SIM_MAX_REQUESTS);
        return SL_E_INVALID;
    }
    if (c->requests == 0 && c->duration_s <= 0) {
        snprintf(err, errlen, "invalid run length: requests and duration are both 0 "
                 "(expected at least one of them)");
        return SL_E_INVALID;
    }
    if (c->requests > 0 && c->duration_s <= 0 && sl_sim_max_rate(c) <= 0) {
        snprintf(err, errlen, "invalid rate curve: every rate is 0, so %llu requests never "
                 "arrive (expected a positive rate or a duration)",
                 (unsigned long long)c->requests);
        return SL_E_INVALID;
    }
    if (bad_long("sessions", c->sessions, 1, SL_SIM_MAX_SESSIONS, err, errlen)
        || bad_real("lock fraction", c->lock_fraction, 0, 1, err, errlen)
        || bad_long("lock keys", c->lock_keys, 1, SL_SIM_MAX_LOCK_KEYS, err, errlen)
        || bad_real("store latency", c->store_latency_s, 0, 1e3, err, errlen)
        || bad_pos("store capacity", c->store_capacity_ops, 0, 1e12, err, errlen)
        || bad_long("store operations", c->store_ops, 0, 1000, err, errlen)
        || bad_real("boot time", c->boot_s, 0, SL_SIM_MAX_DURATION, err, errlen)
        || bad_long("replications", c->replications, 1, SL_SIM_MAX_REPLICATIONS, err, errlen)
        || bad_long("threads", c->threads, 1, SL_SIM_MAX_THREADS, err, errlen)
        || bad_long("series cap", c->series_cap, 16, SL_SIM_MAX_SERIES, err, errlen))
        return SL_E_INVALID;
    if (c->max_in_system < 1 || c->max_in_system > (1ULL << 31)) {
        snprintf(err, errlen, "invalid max in system %llu (expected 1 to %llu)",
                 (unsigned long long)c->max_in_system, 1ULL << 31);
        return SL_E_INVALID;
    }
    total = sl_sim_total_servers(c);
    st = check_events(c, total, err, errlen);
    if (st)
        return st;
    if (total > SL_SIM_MAX_SERVERS
        || (double)total * (double)c->cores > (double)SL_SIM_MAX_TOTAL_CORES) {
        snprintf(err, errlen, "too many servers: %ld servers of %ld cores (expected at most %ld "
                 "servers and %ld cores in all)", total, c->cores, SL_SIM_MAX_SERVERS,
                 SL_SIM_MAX_TOTAL_CORES);
        return SL_E_TOO_LARGE;
    }
    bytes = sl_sim_estimate_bytes(c) * (double)(c->threads < c->replications ? c->threads
                                                                            : c->replications);
    if (bytes > (double)SL_SIM_MAX_BYTES) {
        snprintf(err, errlen, "simulation too large: about %.0f MiB of memory (expected at most "
                 "%llu MiB; lower the queue, sessions, servers or threads)", bytes / 1048576.0,
                 SL_SIM_MAX_BYTES >> 20);
        return SL_E_TOO_LARGE;
    }
    return SL_OK;
}

/* Highest rate of the arrival process, requests/s. */
double sl_sim_max_rate(const struct sl_sim_config *c)
{
    double m = 0;
    size_t i;

    if (c->n_curve == 0)
        return c->load_rps;
    for (i = 0; i < c->n_curve && i < SL_SIM_MAX_CURVE; i++)
        if (c->curve[i].rps > m)
            m = c->curve[i].rps;
    return m;
}

enum sl_status sl_sim_parse_time(const char *s, double *out_s)
{
    char num[64];
    size_t len, unit_at;
    double v, scale = 1.0;
    const char *unit;

    if (!s)
        return SL_E_INVALID;
    while (isspace((unsigned char)*s))
        s++;
    len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    unit_at = len;
    while (unit_at && isalpha((unsigned char)s[unit_at - 1]))
        unit_at--;
    /* an exponent such as "1e3" ends in a digit, so "e" is never taken for a unit here */
    if (unit_at == 0 || unit_at >= sizeof(num))
        return SL_E_INVALID;
    unit = s + unit_at;
    if (len == unit_at || (len - unit_at == 1 && unit[0] == 's'))
        scale = 1.0;
    else if (len - unit_at == 2 && !strncmp(unit, "ms", 2))
        scale = 1e-3;
    else if ((len - unit_at == 1 && unit[0] == 'm') || (len - unit_at == 3
                                                         && !strncmp(unit, "min", 3)))
        scale = 60.0;
    else if (len - unit_at == 1 && unit[0] == 'h')
        scale = 3600.0;
    else
        return SL_E_INVALID;
    memcpy(num, s, unit_at);
    num[unit_at] = '\0';
    if (sl_parse_number(num, &v) != SL_OK || num[0] == '-' || num[0] == '+')
        return SL_E_INVALID;
    v *= scale;
    if (!(v >= 0) || !isfinite(v))
        return SL_E_INVALID;
    *out_s = v;
    return SL_OK;
}

/* Index of the first c in s[0..len) not preceded by an exponent letter; len if none. */
static size_t find_sep(const char *s, size_t len, char c)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (s[i] == c && !(i > 0 && (s[i - 1] == 'e' || s[i - 1] == 'E')))
            return i;
    return len;
}

/* Parses s[0..len) as a time into *out. */
static enum sl_status time_span(const char *s, size_t len, double *out)
{
    char buf[64];

    if (len == 0 || len >= sizeof(buf))
        return SL_E_INVALID;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return sl_sim_parse_time(buf, out);
}

/* A non-negative whole number of at most 9 digits in s[0..len). */
static enum sl_status id_span(const char *s, size_t len, long *out)
{
    size_t i;
    long v = 0;

    if (len == 0 || len > 9)
        return SL_E_INVALID;
    for (i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return SL_E_INVALID;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return SL_OK;
}

enum sl_status sl_sim_parse_fail(const char *spec, struct sl_sim_fail *out, char *err,
                                 size_t errlen)
{
    const char *at, *times;
    size_t len, dash;
    struct sl_sim_fail f;

    if (!spec)
        spec = "";
    at = strchr(spec, '@');
    if (!at || id_span(spec, (size_t)(at - spec), &f.server) != SL_OK)
        goto bad;
    times = at + 1;
    len = strlen(times);
    dash = find_sep(times, len, '-');
    if (time_span(times, dash, &f.at_s) != SL_OK)
        goto bad;
    f.recover_s = -1.0;
    if (dash < len) {
        if (time_span(times + dash + 1, len - dash - 1, &f.recover_s) != SL_OK)
            goto bad;
        if (!(f.recover_s > f.at_s)) {
            snprintf(err, errlen, "invalid failure spec '%s' (the recovery time must come after "
                     "the failure)", spec);
            return SL_E_INVALID;
        }
    }
    *out = f;
    return SL_OK;
bad:
    snprintf(err, errlen, "invalid failure spec '%s' (expected SERVER@TIME or "
             "SERVER@TIME-TIME with a 0-based server id, such as 2@30s-60s)", spec);
    return SL_E_INVALID;
}

enum sl_status sl_sim_parse_add(const char *spec, struct sl_sim_add *out, char *err,
                                size_t errlen)
{
    const char *at, *times;
    size_t len, plus;
    struct sl_sim_add a;

    if (!spec)
        spec = "";
    at = strchr(spec, '@');
    if (!at || id_span(spec, (size_t)(at - spec), &a.count) != SL_OK || a.count < 1
        || a.count > SL_SIM_MAX_SERVERS)
        goto bad;
    times = at + 1;
    len = strlen(times);
    plus = find_sep(times, len, '+');
    if (time_span(times, plus, &a.at_s) != SL_OK)
        goto bad;
    a.boot_s = -1.0;
    if (plus < len && time_span(times + plus + 1, len - plus - 1, &a.boot_s) != SL_OK)
        goto bad;
    *out = a;
    return SL_OK;
bad:
    snprintf(err, errlen, "invalid scale-out spec '%s' (expected COUNT@TIME or "
             "COUNT@TIME+BOOT with COUNT 1 to %ld, such as 2@40s or 2@40s+30s)", spec,
             SL_SIM_MAX_SERVERS);
    return SL_E_INVALID;
}

enum sl_status sl_sim_parse_curve(const char *spec, struct sl_sim_config *c, char *err,
                                  size_t errlen)
{
    const char *p = spec ? spec : "";
    size_t n = 0;
    char buf[128];

    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *colon;
        double t, r;

        if (len == 0 || len >= sizeof(buf) || n >= SL_SIM_MAX_CURVE)
            goto bad;
        memcpy(buf, p, len);
        buf[len] = '\0';
        colon = strchr(buf, ':');
        if (!colon)
            goto bad;
        *colon = '\0';
        if (sl_sim_parse_time(buf, &t) != SL_OK)
            goto bad;
        if (sl_parse_number(colon + 1, &r) != SL_OK || r != 0.0) {
            if (sl_parse_load(colon + 1, &r) != SL_OK)
                goto bad;
        }
        if (n > 0 && !(t > c->curve[n - 1].t_s))
            goto bad;
        c->curve[n].t_s = t;
        c->curve[n].rps = r;
        n++;
        if (!end)
            break;
        p = end + 1;
    }
    c->n_curve = n;
    return SL_OK;
bad:
    snprintf(err, errlen, "invalid rate curve '%s' (expected up to %d TIME:RPS points in "
             "increasing time, such as 0:100,60s:1k,120s:100)", spec ? spec : "",
             SL_SIM_MAX_CURVE);
    return SL_E_INVALID;
}

/* A least-connections scan reads one server's load; about 16 of them cost what an event does. */
#define SCAN_PER_EVENT 16.0
/* Setting up one core, session or lock slot costs a small fraction of an event. */
#define SETUP_PER_EVENT 8.0

double sl_sim_cost_per_arrival(const struct sl_sim_config *c)
{
    double servers = (double)c->servers;
    size_t i;

    for (i = 0; i < c->n_adds; i++)
        servers += (double)c->adds[i].count;
    return 2.0 + (c->lb == SL_SIM_LB_LEAST ? servers / SCAN_PER_EVENT : 0.0);
}

double sl_sim_cost(const struct sl_sim_config *c)
{
    double arrivals = (double)c->requests, setup;
    double by_time = c->duration_s > 0 ? c->duration_s * sl_sim_max_rate(c) : INFINITY;

    if (c->requests == 0 || by_time < arrivals)
        arrivals = by_time;
    setup = ((double)c->servers * (double)c->cores + (double)c->sessions +
             (double)c->lock_keys) / SETUP_PER_EVENT;
    return (double)c->replications * (arrivals * sl_sim_cost_per_arrival(c) + setup);
}
