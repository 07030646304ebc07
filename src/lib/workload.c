/* Workload defaults, validation and the names of its enumerations. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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
    w->spares = SL_SPARES_N1;
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

/* One range rule: the field's name, its value and its bounds. */
struct rule {
    const char *name;
    double value;
    double lo, hi;
    int lo_open, hi_open;
};

static enum sl_status check_rule(const struct rule *r, char *err, size_t errlen)
{
    int ok = isfinite(r->value) &&
             (r->lo_open ? r->value > r->lo : r->value >= r->lo) &&
             (r->hi_open ? r->value < r->hi : r->value <= r->hi);

    if (ok)
        return SL_OK;
    snprintf(err, errlen, "invalid %s '%g' (expected a number %s %g and %s %g)", r->name, r->value,
             r->lo_open ? "above" : "from", r->lo, r->hi_open ? "below" : "up to", r->hi);
    return SL_E_INVALID;
}

enum sl_status sl_workload_check(const struct sl_workload *w, char *err, size_t errlen)
{
    const struct rule rules[] = {
        { "load", w->load_rps, 0, 1e12, 1, 0 },
        { "cpu-ms", w->cpu_ms, 0, 1e6, 1, 0 },
        { "mem-per-request", w->mem_per_request_mib, 0, 1e6, 0, 0 },
        { "base-mem", w->base_mem_gib, 0, 1e6, 0, 0 },
        { "response-bytes", w->response_bytes, 0, 1e12, 0, 0 },
        { "sessions", w->sessions, 0, 1e13, 0, 0 },
        { "session-interval", w->session_interval_s, 0, 1e7, 1, 0 },
        { "session-bytes", w->session_bytes, 0, 1e12, 0, 0 },
        { "utilization", w->target_utilization, 0, 1, 1, 1 },
        { "usl-sigma", w->usl_sigma, 0, 1, 0, 1 },
        { "usl-kappa", w->usl_kappa, 0, 1, 0, 1 },
        { "box-availability", w->box_availability, 0, 1, 1, 0 },
        { "lb-availability", w->lb_availability, 0, 1, 1, 0 },
        { "lb-cost", w->lb_usd_per_month, 0, 1e9, 0, 0 },
        { "db-queries", w->db_queries_per_request, 0, 1e6, 0, 0 },
        { "read-fraction", w->db_read_fraction, 0, 1, 0, 0 },
        { "db-query-ms", w->db_query_ms, 0, 1e6, 1, 0 },
        { "db-write-share", w->db_write_share, 0, 1, 1, 0 },
        { "store-ops", w->store_ops_per_request, 0, 1e6, 0, 0 },
        { "store-node-ops", w->store_ops_per_node, 0, 1e12, 1, 0 },
    };
    size_t i;

    for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        enum sl_status st = check_rule(&rules[i], err, errlen);

        if (st)
            return st;
    }
    if ((unsigned)w->state > SL_STATE_TOKEN || (unsigned)w->spares > SL_SPARES_2N) {
        snprintf(err, errlen, "invalid state or spares policy");
        return SL_E_INVALID;
    }
    return SL_OK;
}

double sl_workload_sessions(const struct sl_workload *w)
{
    return w->sessions > 0.0 ? w->sessions : w->load_rps * w->session_interval_s;
}

static const char *const state_names[] = { "memory", "sticky", "store", "token" };
static const char *const spares_names[] = { "n+1", "n+2", "2n" };

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

const char *sl_spares_name(enum sl_spares s)
{
    return (unsigned)s <= SL_SPARES_2N ? spares_names[s] : "unknown";
}

enum sl_status sl_spares_parse(const char *s, enum sl_spares *out)
{
    unsigned i;

    for (i = 0; i <= SL_SPARES_2N; i++)
        if (!strcasecmp(s, spares_names[i])) {
            *out = (enum sl_spares)i;
            return SL_OK;
        }
    return SL_E_INVALID;
}
