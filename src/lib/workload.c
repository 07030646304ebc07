/* Workload defaults, validation and the names of its enumerations. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scalelab/parse.h"
#include "scalelab/workload.h"
#include "banned.h"

void sl_workload_init(struct sl_workload *w)
{
    memset(w, 0, sizeof(*w));
    w->load_rps = 1000.0;
    w->cpu_ms = 1.0;                 /* a JSON API in a fast runtime: 1,000 req/s per core */
    w->mem_per_request_mib = 1.0;
    w->base_mem_gib = 0.5;
    w->response_bytes = 2048.0;
    w->sessions = 0.0;
    w->session_interval_s = 30.0;
    w->session_bytes = 4096.0;
    w->state = SL_STATE_TOKEN;
    w->target_utilization = 0.7;
    w->spares = SL_SPARES_AUTO;
    w->availability_target = 0.9995; /* about 22 minutes down a month */
    w->zones = 1;
    w->db_replicas_min = 1;          /* a shard survives its primary */
    w->usl_sigma = 2e-4;             /* near shared-nothing request handling */
    w->usl_kappa = 5e-8;
    w->box_availability = 0.995;
    w->lb_availability = 0.9999;
    w->lb_usd_per_month = 25.0;
    w->db_queries_per_request = 2.0;
    w->db_read_fraction = 0.9;
    w->db_query_ms = 0.5;
    w->db_write_share = 0.5;
    w->store_ops_per_request = 2.0;  /* read the session, write it back */
    w->store_ops_per_node = 100000.0;/* one single-threaded Redis-like node */
}

#define FIELD(f) offsetof(struct sl_workload, f)

static const struct sl_workload_field rules[] = {
    { "load", FIELD(load_rps), 0, 1e12, 1, 0 },
    { "cpu-ms", FIELD(cpu_ms), 0, 1e6, 1, 0 },
    { "mem-per-request", FIELD(mem_per_request_mib), 0, 1e6, 0, 0 },
    { "base-mem", FIELD(base_mem_gib), 0, 1e6, 0, 0 },
    { "response-bytes", FIELD(response_bytes), 0, 1e12, 0, 0 },
    { "sessions", FIELD(sessions), 0, 1e13, 0, 0 },
    { "session-interval", FIELD(session_interval_s), 0, 1e7, 1, 0 },
    { "session-bytes", FIELD(session_bytes), 0, 1e12, 0, 0 },
    { "target-utilization", FIELD(target_utilization), 0, 1, 1, 1 },
    { "availability-target", FIELD(availability_target), 0, 1, 1, 1 },
    { "usl-sigma", FIELD(usl_sigma), 0, 1, 0, 1 },
    { "usl-kappa", FIELD(usl_kappa), 0, 1, 0, 1 },
    { "box-availability", FIELD(box_availability), 0, 1, 1, 0 },
    { "lb-availability", FIELD(lb_availability), 0, 1, 1, 0 },
    { "lb-cost", FIELD(lb_usd_per_month), 0, 1e9, 0, 0 },
    { "db-queries", FIELD(db_queries_per_request), 0, 1e6, 0, 0 },
    { "read-fraction", FIELD(db_read_fraction), 0, 1, 0, 0 },
    { "db-query-ms", FIELD(db_query_ms), 0, 1e6, 1, 0 },
    { "db-write-share", FIELD(db_write_share), 0, 1, 1, 0 },
    { "store-ops", FIELD(store_ops_per_request), 0, 1e6, 0, 0 },
    { "store-node-ops", FIELD(store_ops_per_node), 0, 1e12, 1, 0 },
};

static int in_range(const struct sl_workload_field *r, double v)
{
    return isfinite(v) && (r->lo_open ? v > r->lo : v >= r->lo) &&
           (r->hi_open ? v < r->hi : v <= r->hi);
}

/* "a number above 0 and up to 1e+06" */
static void describe(const struct sl_workload_field *r, char *buf, size_t len)
{
    snprintf(buf, len, "a number %s %g and %s %g", r->lo_open ? "above" : "from", r->lo,
             r->hi_open ? "below" : "up to", r->hi);
}

const struct sl_workload_field *sl_workload_field(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        if (!strcmp(name, rules[i].name))
            return &rules[i];
    return NULL;
}

int sl_workload_field_ok(const char *name, double v, char *expected, size_t len)
{
    const struct sl_workload_field *f = sl_workload_field(name);

    if (!f)
        return -1;
    if (in_range(f, v))
        return 1;
    describe(f, expected, len);
    return 0;
}

enum sl_status sl_workload_check(const struct sl_workload *w, char *err, size_t errlen)
{
    size_t i;

    for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        double v = *(const double *)((const char *)w + rules[i].offset);
        char expected[96];

        if (in_range(&rules[i], v))
            continue;
        describe(&rules[i], expected, sizeof(expected));
        snprintf(err, errlen, "invalid %s '%g' (expected %s)", rules[i].name, v, expected);
        return SL_E_INVALID;
    }
    if ((unsigned)w->state > SL_STATE_TOKEN || (unsigned)w->spares > SL_SPARES_NK) {
        snprintf(err, errlen, "invalid state or spares policy");
        return SL_E_INVALID;
    }
    if (w->spares == SL_SPARES_NK && (w->spares_k < 0 || w->spares_k > SL_SPARES_K_MAX)) {
        snprintf(err, errlen, "invalid spares 'n+%ld' (expected n+K with K from 0 to %ld)",
                 w->spares_k, SL_SPARES_K_MAX);
        return SL_E_INVALID;
    }
    if (w->zones < 1 || w->zones > SL_ZONES_MAX) {
        snprintf(err, errlen, "invalid zones '%ld' (expected a whole number from 1 to %d)",
                 w->zones, SL_ZONES_MAX);
        return SL_E_INVALID;
    }
    if (w->survive_zone && w->zones < 2) {
        snprintf(err, errlen, "invalid survive zone with %ld zone (expected --zones 2 or more: "
                 "surviving the loss of a zone needs another one)", w->zones);
        return SL_E_INVALID;
    }
    if (w->db_replicas_min < 0 || w->db_replicas_min > 100) {
        snprintf(err, errlen, "invalid db-replicas-min '%ld' (expected a whole number from 0 to "
                 "100)", w->db_replicas_min);
        return SL_E_INVALID;
    }
    if (w->slo.kind != SL_SLO_NONE &&
        (!(w->slo.seconds > 0) || !isfinite(w->slo.seconds) || w->slo.seconds > 1e6 ||
         (w->slo.kind == SL_SLO_QUANTILE && !(w->slo.quantile > 0 && w->slo.quantile < 1)))) {
        snprintf(err, errlen, "invalid slo (expected a positive time up to 1e6 s and a "
                 "percentile between 0 and 100)");
        return SL_E_INVALID;
    }
    return SL_OK;
}

double sl_workload_sessions(const struct sl_workload *w)
{
    return w->sessions > 0.0 ? w->sessions : w->load_rps * w->session_interval_s;
}

static const char *const state_names[] = { "memory", "sticky", "store", "token" };
static const char *const spares_names[] = { "n+1", "n+2", "2n", "auto", "n+k" };

const char *sl_state_name(enum sl_state s)
{
    return (unsigned)s <= SL_STATE_TOKEN ? state_names[s] : "unknown";
}

enum sl_status sl_state_parse(const char *s, enum sl_state *out)
{
    unsigned i;

    for (i = 0; i <= SL_STATE_TOKEN; i++)
        if (!strcmp(s, state_names[i])) {
            *out = (enum sl_state)i;
            return SL_OK;
        }
    return SL_E_INVALID;
}

static const char *spares_name(enum sl_spares s)
{
    return (unsigned)s <= SL_SPARES_NK ? spares_names[s] : "unknown";
}

void sl_spares_format(const struct sl_workload *w, char *buf, size_t len)
{
    if (w->spares == SL_SPARES_NK)
        snprintf(buf, len, "n+%ld", w->spares_k);
    else
        snprintf(buf, len, "%s", spares_name(w->spares));
}

enum sl_status sl_spares_parse(const char *s, struct sl_workload *w)
{
    unsigned i;

    for (i = 0; i <= SL_SPARES_AUTO; i++)
        if (!strcasecmp(s, spares_names[i])) {
            w->spares = (enum sl_spares)i;
            return SL_OK;
        }
    if ((s[0] == 'n' || s[0] == 'N') && s[1] == '+' && s[2]) {
        long k = 0;
        const char *p;

        for (p = s + 2; *p; p++) {
            if (*p < '0' || *p > '9' || p - s > 8)
                return SL_E_INVALID;
            k = k * 10 + (*p - '0');
        }
        if (k > SL_SPARES_K_MAX)
            return SL_E_INVALID;
        w->spares = SL_SPARES_NK;
        w->spares_k = k;
        return SL_OK;
    }
    return SL_E_INVALID;
}

/* The accepted percentiles, as written and as fractions. */
static const struct { const char *name; double q; } slo_points[] = {
    { "p50", 0.5 }, { "p90", 0.9 }, { "p99", 0.99 }, { "p99.9", 0.999 }
};

enum sl_status sl_slo_parse(const char *s, struct sl_slo *out)
{
    const char *eq = strchr(s, '='), *unit;
    struct sl_slo slo = { SL_SLO_NONE, 0.0, 0.0 };
    char number[64];
    double v, scale = 1.0;
    size_t i, n;

    if (!eq)
        return SL_E_INVALID;
    n = (size_t)(eq - s);
    if (n == 4 && !strncasecmp(s, "mean", 4)) {
        slo.kind = SL_SLO_MEAN;
    } else {
        for (i = 0; i < sizeof(slo_points) / sizeof(slo_points[0]); i++)
            if (strlen(slo_points[i].name) == n && !strncasecmp(s, slo_points[i].name, n)) {
                slo.kind = SL_SLO_QUANTILE;
                slo.quantile = slo_points[i].q;
            }
        if (slo.kind == SL_SLO_NONE)
            return SL_E_INVALID;
    }
    /* the time: a number, then us, ms or s */
    for (unit = eq + 1; *unit && (strchr("0123456789.eE+-", *unit)); unit++)
        ;
    /* "1e" followed by a unit letter: the e belongs to the number only before a digit */
    while (unit > eq + 1 && (unit[-1] == 'e' || unit[-1] == 'E' || unit[-1] == '+' ||
                             unit[-1] == '-'))
        unit--;
    n = (size_t)(unit - (eq + 1));
    if (n == 0 || n >= sizeof(number))
        return SL_E_INVALID;
    memcpy(number, eq + 1, n);
    number[n] = '\0';
    if (!strcmp(unit, "us"))
        scale = 1e-6;
    else if (!strcmp(unit, "ms"))
        scale = 1e-3;
    else if (strcmp(unit, "s")) /* no unit either: 20 could be ms or s, so it is refused */
        return SL_E_INVALID;
    if (sl_parse_number(number, &v) != SL_OK || !(v > 0) || !isfinite(v * scale) ||
        v * scale > 1e6)
        return SL_E_INVALID;
    slo.seconds = v * scale;
    *out = slo;
    return SL_OK;
}

const char *sl_slo_name(const struct sl_slo *slo)
{
    size_t i;

    if (slo->kind == SL_SLO_MEAN)
        return "mean";
    if (slo->kind == SL_SLO_QUANTILE)
        for (i = 0; i < sizeof(slo_points) / sizeof(slo_points[0]); i++)
            if (slo_points[i].q == slo->quantile)
                return slo_points[i].name;
    return slo->kind == SL_SLO_NONE ? "none" : "p?";
}

void sl_slo_format(const struct sl_slo *slo, char *buf, size_t len)
{
    double t = slo->seconds;

    if (slo->kind == SL_SLO_NONE)
        snprintf(buf, len, "none");
    else if (t < 1e-3)
        snprintf(buf, len, "%s=%.6gus", sl_slo_name(slo), t * 1e6);
    else if (t < 1.0)
        snprintf(buf, len, "%s=%.6gms", sl_slo_name(slo), t * 1e3);
    else
        snprintf(buf, len, "%s=%.6gs", sl_slo_name(slo), t);
}
