/* Vertical, horizontal, database and store plans, their comparison and the cost curve. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scalelab/plan.h"
#include "util_int.h"
#include "banned.h"

/* log of the binomial term C(n,j) q^j p^(n-j): j boxes down, n-j up. */
static double log_term(long n, long j, double p, double q)
{
    return lgamma((double)n + 1.0) - lgamma((double)j + 1.0) - lgamma((double)(n - j) + 1.0) +
           (double)j * log(q) + (double)(n - j) * log(p);
}

/*
 * Sums the terms from the side of the mode that is short, so that large tiers neither underflow
 * (p^n) nor take time proportional to n.
 */
double sl_availability_k_of_n(long k, long n, double p)
{
    double q = 1.0 - p, sum = 0.0;
    long max_down = n - k, j;

    if (k <= 0)
        return 1.0;
    if (k > n)
        return 0.0;
    if (q <= 0.0)
        return 1.0;
    if ((double)max_down <= (double)n * q) {
        /* below the mode: the terms grow with j, so sum them all */
        for (j = 0; j <= max_down; j++)
            sum += exp(log_term(n, j, p, q));
        return fmin(1.0, sum);
    }
    /* beyond the mode: 1 - P(more than max_down down); the tail shrinks fast */
    for (j = max_down + 1; j <= n; j++) {
        double t = exp(log_term(n, j, p, q));

        sum += t;
        if (t < 1e-18 * sum || (t == 0.0 && sum == 0.0))
            break;
    }
    return fmax(0.0, 1.0 - sum);
}

long sl_plan_spares_for(long needed, double p, double target)
{
    long lo = 0, hi = needed;

    if (sl_availability_k_of_n(needed, needed + hi, p) < target)
        return hi;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;

        if (sl_availability_k_of_n(needed, needed + mid, p) >= target)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Sessions the box keeps in memory when it holds 1/boxes of them (0 for store and token). */
static double sessions_in_memory(const struct sl_workload *w, double boxes)
{
    if (w->state == SL_STATE_STORE || w->state == SL_STATE_TOKEN)
        return 0.0;
    return sl_workload_sessions(w) / boxes;
}

void sl_plan_vertical(const struct sl_catalog *c, const struct sl_workload *w,
                      struct sl_vertical *out)
{
    /* one box holds every session unless a token carries them */
    double sessions = w->state == SL_STATE_TOKEN ? 0.0 : sl_workload_sessions(w);
    struct sl_capacity best_cap = { 0 }, cap;
    size_t i;

    memset(out, 0, sizeof(*out));
    out->servers = 1;
    out->availability = w->box_availability;
    for (i = 0; i < c->count; i++) {
        const struct sl_instance *in = &c->items[i];
        int cheaper;

        sl_capacity_of(in, w, sessions, &cap);
        if (!out->instance || cap.usable_rps > out->max_rps) {
            out->max_rps = cap.usable_rps;
            if (!out->feasible) {
                out->instance = in;
                best_cap = cap;
            }
        }
        if (cap.usable_rps < w->load_rps)
            continue;
        cheaper = !out->feasible || in->usd_per_month < out->instance->usd_per_month ||
                  (in->usd_per_month == out->instance->usd_per_month &&
                   cap.usable_rps > best_cap.usable_rps);
        if (cheaper) {
            out->feasible = 1;
            out->instance = in;
            best_cap = cap;
        }
    }
    out->usable_rps = best_cap.usable_rps;
    out->binding = best_cap.binding;
    out->utilization = sl_capacity_utilization(&best_cap, w, w->load_rps);
    sl_capacity_resources(&best_cap, w, w->load_rps, out->resources);
    out->full_rps = sl_capacity_full_rps(&best_cap, w);
    out->monthly_usd = out->feasible ? out->instance->usd_per_month : 0.0;
    out->usd_per_1k_rps = out->monthly_usd / w->load_rps * 1000.0;
}

static long spares_for(const struct sl_workload *w, long needed)
{
    switch (w->spares) {
    case SL_SPARES_N1: return 1;
    case SL_SPARES_N2: return 2;
    case SL_SPARES_2N: return needed;
    }
    return 1;
}

/* The store tier for state = store: the cheapest type, shards sized by operations and data. */
static void plan_store(const struct sl_catalog *c, const struct sl_workload *w,
                       struct sl_store_tier *out)
{
    double ops_shards, cost;
    size_t i;

    memset(out, 0, sizeof(*out));
    if (w->state != SL_STATE_STORE)
        return;
    out->used = 1;
    out->ops_rps = w->load_rps * w->store_ops_per_request;
    out->data_gib = sl_workload_sessions(w) * w->session_bytes / (1024.0 * 1024.0 * 1024.0);
    ops_shards = ceil(out->ops_rps / (w->store_ops_per_node * w->target_utilization));
    for (i = 0; i < c->count; i++) {
        const struct sl_instance *in = &c->items[i];
        double room = in->mem_gib - w->base_mem_gib;
        double shards;

        if (room <= 0.0)
            continue;
        shards = fmax(1.0, fmax(ops_shards, ceil(out->data_gib / room)));
        cost = 2.0 * shards * in->usd_per_month;
        if (!out->instance || cost < out->monthly_usd) {
            out->instance = in;
            out->shards = (long)shards;
            out->monthly_usd = cost;
        }
    }
    out->nodes = 2 * out->shards;
    out->availability = pow(1.0 - pow(1.0 - w->box_availability, 2.0), (double)out->shards);
}

/* Sizes a horizontal tier of instance `in`; returns 0 when no finite tier serves the load. */
static int size_tier(const struct sl_instance *in, const struct sl_workload *w,
                     struct sl_horizontal *h)
{
    struct sl_capacity cap;
    double needed = 1.0, imbalance = 1.0, per_box;
    int round;

    /* sessions held in memory depend on N, so N is found by iterating to a fixed point */
    for (round = 0; round < 64; round++) {
        double next;

        sl_capacity_of(in, w, sessions_in_memory(w, needed), &cap);
        if (cap.usable_rps <= 0.0)
            return 0;
        if (w->state == SL_STATE_STICKY)
            imbalance = 1.0 + 3.0 * sqrt(needed / fmax(1.0, sl_workload_sessions(w)));
        next = fmax(1.0, ceil(w->load_rps * imbalance / cap.usable_rps - 1e-9));
        if (next > (double)SL_PLAN_MAX_SERVERS)
            return 0;
        if (next <= needed)
            break;
        needed = next;
    }
    memset(h, 0, sizeof(*h));
    h->instance = in;
    h->needed = (long)needed;
    h->spares = spares_for(w, h->needed);
    h->servers = h->needed + h->spares;
    h->usable_rps_per_server = cap.usable_rps;
    h->imbalance = imbalance;
    h->binding = cap.binding;
    per_box = w->load_rps * imbalance / (double)h->servers;
    h->utilization = sl_capacity_utilization(&cap, w, per_box);
    sl_capacity_resources(&cap, w, per_box, h->resources);
    h->full_rps_per_server = sl_capacity_full_rps(&cap, w);
    h->servers_usd = (double)h->servers * in->usd_per_month;
    h->lb_usd = w->lb_usd_per_month;
    return 1;
}

/* Fills what follows from the tier's size: state effects, availability, total cost. */
static void finish_tier(const struct sl_catalog *c, const struct sl_workload *w,
                        struct sl_horizontal *h)
{
    h->feasible = 1;
    h->breaks_sessions = w->state == SL_STATE_MEMORY && h->servers > 1;
    h->lost_request_fraction = h->breaks_sessions ? (double)(h->servers - 1) / (double)h->servers
                                                  : 0.0;
    if (w->state == SL_STATE_MEMORY || w->state == SL_STATE_STICKY)
        h->lost_on_failure = 1.0 / (double)h->servers;
    plan_store(c, w, &h->store);
    h->availability = sl_availability_k_of_n(h->needed, h->servers, w->box_availability) *
                      w->lb_availability;
    if (h->store.used)
        h->availability *= h->store.availability;
    h->monthly_usd = h->servers_usd + h->lb_usd + h->store.monthly_usd;
    h->usd_per_1k_rps = h->monthly_usd / w->load_rps * 1000.0;
}

enum sl_status sl_plan_horizontal(const struct sl_catalog *c, const struct sl_workload *w,
                                  struct sl_horizontal *out, char *err, size_t errlen)
{
    struct sl_horizontal best, trial;
    int found = 0;
    size_t i;

    memset(&best, 0, sizeof(best));
    if (w->instance[0] && !sl_catalog_find(c, w->instance)) {
        snprintf(err, errlen, "unknown instance '%s' in catalog '%s'", w->instance, c->name);
        return SL_E_NOT_FOUND;
    }
    for (i = 0; i < c->count; i++) {
        const struct sl_instance *in = &c->items[i];
        double cost;

        if (w->instance[0] && strcmp(in->name, w->instance))
            continue;
        if (!size_tier(in, w, &trial))
            continue;
        cost = trial.servers_usd;
        if (!found || cost < best.servers_usd ||
            (cost == best.servers_usd && trial.servers < best.servers)) {
            best = trial;
            found = 1;
        }
    }
    if (found)
        finish_tier(c, w, &best);
    else if (w->instance[0])
        best.instance = sl_catalog_find(c, w->instance);
    *out = best;
    return SL_OK;
}

/* Sizes the database tier on one instance type; returns its monthly cost. */
static double size_db(const struct sl_instance *in, const struct sl_workload *w, long shards,
                      struct sl_db_tier *d)
{
    double lambda1 = 1000.0 / w->db_query_ms * in->single_thread_factor;
    double sigma, kappa, reads, writes, boxes;

    sl_capacity_usl(in, w, &sigma, &kappa);
    d->instance = in;
    d->box_qps = sl_usl_throughput(in->vcpu, lambda1, sigma, kappa) * w->target_utilization;
    d->shards = shards;
    reads = d->reads_qps / (double)shards;
    writes = d->writes_qps / (double)shards;
    /* each box applies every write of its shard and takes an equal part of the reads */
    boxes = fmax(1.0, ceil(reads / (d->box_qps - writes) - 1e-9));
    d->boxes_per_shard = (long)boxes;
    d->replicas_per_shard = d->boxes_per_shard - 1;
    d->boxes = d->shards * d->boxes_per_shard;
    d->utilization = (writes + reads / boxes) / (d->box_qps / w->target_utilization);
    d->monthly_usd = (double)d->boxes * in->usd_per_month;
    return d->monthly_usd;
}

void sl_plan_database(const struct sl_catalog *c, const struct sl_workload *w,
                      struct sl_db_tier *out)
{
    struct sl_db_tier best, trial;
    double queries = w->load_rps * w->db_queries_per_request;
    double max_writes = 0.0;
    int found = 0, pass;
    size_t i;

    memset(&best, 0, sizeof(best));
    memset(&trial, 0, sizeof(trial));
    trial.reads_qps = queries * w->db_read_fraction;
    trial.writes_qps = queries - trial.reads_qps;
    for (i = 0; i < c->count; i++) {
        struct sl_db_tier probe = trial;

        size_db(&c->items[i], w, 1, &probe);
        max_writes = fmax(max_writes, probe.box_qps * w->db_write_share);
    }
    /* pass 0: one primary takes every write; pass 1: writes are sharded */
    for (pass = 0; pass < 2 && !found; pass++) {
        for (i = 0; i < c->count; i++) {
            const struct sl_instance *in = &c->items[i];
            struct sl_db_tier probe = trial;
            double write_cap = 0.0, shards;

            size_db(in, w, 1, &probe);
            write_cap = probe.box_qps * w->db_write_share;
            shards = fmax(1.0, ceil(trial.writes_qps / write_cap - 1e-9));
            if (pass == 0 && shards > 1.0)
                continue;
            if (shards > (double)SL_PLAN_MAX_SERVERS)
                continue;
            size_db(in, w, (long)shards, &probe);
            if (!found || probe.monthly_usd < best.monthly_usd) {
                best = probe;
                found = 1;
            }
        }
    }
    best.max_primary_writes_qps = max_writes;
    best.sharded = best.shards > 1;
    *out = best;
}

const char *sl_verdict_name(enum sl_verdict v)
{
    switch (v) {
    case SL_VERDICT_VERTICAL_CHEAPER: return "vertical_cheaper";
    case SL_VERDICT_ABOUT_EVEN: return "about_even";
    case SL_VERDICT_HORIZONTAL_CHEAPER: return "horizontal_cheaper";
    case SL_VERDICT_VERTICAL_IMPOSSIBLE: return "vertical_impossible";
    case SL_VERDICT_NEITHER: return "neither";
    }
    return "unknown";
}

enum sl_status sl_plan_compare(const struct sl_catalog *c, const struct sl_workload *w,
                               double load_rps, struct sl_comparison *out,
                               char *err, size_t errlen)
{
    struct sl_workload at = *w;
    enum sl_status st;

    memset(out, 0, sizeof(*out));
    at.load_rps = load_rps;
    out->load_rps = load_rps;
    sl_plan_vertical(c, &at, &out->vertical);
    st = sl_plan_horizontal(c, &at, &out->horizontal, err, errlen);
    if (st)
        return st;
    if (!out->horizontal.feasible && !out->vertical.feasible) {
        out->verdict = SL_VERDICT_NEITHER;
    } else if (!out->vertical.feasible) {
        out->verdict = SL_VERDICT_VERTICAL_IMPOSSIBLE;
    } else if (!out->horizontal.feasible) {
        out->verdict = SL_VERDICT_VERTICAL_CHEAPER;
    } else {
        out->cost_ratio = out->vertical.monthly_usd / out->horizontal.monthly_usd;
        if (out->cost_ratio < 0.9)
            out->verdict = SL_VERDICT_VERTICAL_CHEAPER;
        else if (out->cost_ratio > 1.0 / 0.9)
            out->verdict = SL_VERDICT_HORIZONTAL_CHEAPER;
        else
            out->verdict = SL_VERDICT_ABOUT_EVEN;
    }
    return SL_OK;
}

enum sl_status sl_plan_curve(const struct sl_catalog *c, const struct sl_workload *w,
                             double from, double to, long points,
                             struct sl_curve_point *out, char *err, size_t errlen)
{
    long i;

    if (!(from > 0.0) || !(to >= from) || !isfinite(to)) {
        snprintf(err, errlen, "invalid range %g to %g (expected 0 < from <= to)", from, to);
        return SL_E_INVALID;
    }
    if (points < 1 || points > SL_CURVE_MAX_POINTS) {
        snprintf(err, errlen, "invalid number of points %ld (expected 1 to %ld)", points,
                 SL_CURVE_MAX_POINTS);
        return SL_E_INVALID;
    }
    for (i = 0; i < points; i++) {
        double t = points == 1 ? 0.0 : (double)i / (double)(points - 1);
        double load = i == points - 1 ? to : from * pow(to / from, t);
        struct sl_comparison cmp;
        enum sl_status st = sl_plan_compare(c, w, load, &cmp, err, errlen);

        if (st)
            return st;
        out[i].load_rps = load;
        out[i].vertical_usd = cmp.vertical.feasible ? cmp.vertical.monthly_usd : NAN;
        out[i].vertical_instance = cmp.vertical.feasible ? cmp.vertical.instance : NULL;
        out[i].horizontal_usd = cmp.horizontal.feasible ? cmp.horizontal.monthly_usd : NAN;
        out[i].horizontal_instance = cmp.horizontal.feasible ? cmp.horizontal.instance : NULL;
        out[i].horizontal_servers = cmp.horizontal.feasible ? cmp.horizontal.servers : 0;
    }
    return SL_OK;
}
