/* Vertical, horizontal, database and store plans, their comparison and the cost curve. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "scalelab/plan.h"
#include "scalelab/queueing.h"
#include "parallel_int.h"
#include "util_int.h"
#include "banned.h"

/* log of the binomial term C(n,j) q^j p^(n-j): j boxes down, n-j up. */
static double log_term(long n, long j, double p, double q)
{
    return lgamma((double)n + 1.0) - lgamma((double)j + 1.0) - lgamma((double)(n - j) + 1.0) +
           (double)j * log(q) + (double)(n - j) * log(p);
}

/*
 * Sums P(j boxes down) from the boundary term max_down = n - k outward, away from the mode, where
 * the terms only shrink: so large tiers neither underflow (p^n) nor take time proportional to n
 * (a few standard deviations of terms at most). Below the mode that is P(down <= max_down) itself;
 * beyond it, 1 - P(down > max_down). Each term comes from its neighbour by the ratio of binomial
 * terms; only the first needs lgamma.
 */
double sl_availability_k_of_n(long k, long n, double p)
{
    double q = 1.0 - p, sum = 0.0, t;
    long max_down = n - k, j;

    if (k <= 0)
        return 1.0;
    if (k > n)
        return 0.0;
    if (q <= 0.0)
        return 1.0;
    if ((double)max_down <= (double)n * q) {
        /* at or below the mode: the terms shrink as j falls */
        t = exp(log_term(n, max_down, p, q));
        for (j = max_down; j >= 0; j--) {
            sum += t;
            if (t < 1e-18 * sum || t == 0.0)
                break;
            /* C(n,j-1) q^(j-1) p^(n-j+1) = term(j) * j / (n - j + 1) * p / q */
            t *= (double)j / (double)(n - j + 1) * (p / q);
        }
        return fmin(1.0, sum);
    }
    /* beyond the mode: 1 - P(more than max_down down); the tail shrinks as j grows */
    t = exp(log_term(n, max_down + 1, p, q));
    for (j = max_down + 1; j <= n; j++) {
        sum += t;
        if (t < 1e-18 * sum || t == 0.0)
            break;
        /* term(j+1) = term(j) * (n - j) / (j + 1) * q / p */
        t *= (double)(n - j) / (double)(j + 1) * (q / p);
    }
    return fmax(0.0, 1.0 - sum);
}

long sl_plan_spares_for(long needed, double p, double target)
{
    long cap = needed > 16 ? needed : 16, lo = 0, hi = 1;

    /* P(at least N of N+k up) grows with k: double k until it reaches the target, then bisect */
    while (hi < cap && sl_availability_k_of_n(needed, needed + hi, p) < target)
        hi *= 2;
    if (hi >= cap) {
        hi = cap;
        if (sl_availability_k_of_n(needed, needed + hi, p) < target)
            return hi;
    }
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

const char *sl_sizing_name(enum sl_sizing s)
{
    switch (s) {
    case SL_SIZED_UTILIZATION: return "utilization";
    case SL_SIZED_LATENCY: return "latency";
    case SL_SIZED_ZONE: return "zone";
    }
    return "unknown";
}

/* Per-core service rate of a box: its USL throughput at 100 % shared by its cores, req/s. */
static double core_rate(const struct sl_instance *in, const struct sl_workload *w)
{
    double lambda1 = 1000.0 / w->cpu_ms * in->single_thread_factor, sigma, kappa;

    sl_capacity_usl(in, w, &sigma, &kappa);
    return sl_usl_throughput(in->vcpu, lambda1, sigma, kappa) / in->vcpu;
}

/* Mean response of M/M/c: Erlang C / (c mu - lambda) + 1 / mu. */
static double mmc_mean(long c, double lambda, double mu)
{
    if (lambda <= 0.0)
        return 1.0 / mu;
    if (lambda >= (double)c * mu)
        return INFINITY;
    return sl_erlang_c(c, lambda / mu) / ((double)c * mu - lambda) + 1.0 / mu;
}

/* The p-quantile of the M/M/c response; with no load it is the exponential service's. */
static double mmc_quantile(long c, double lambda, double mu, double p)
{
    if (lambda <= 0.0)
        return -log1p(-p) / mu;
    return sl_mmc_response_quantile(c, lambda, mu, p);
}

void sl_plan_latency(const struct sl_instance *in, const struct sl_workload *w,
                     double load_rps, struct sl_latency *out)
{
    long c = (long)in->vcpu;
    double mu = core_rate(in, w);

    static const double levels[2] = { 0.5, 0.99 };
    double q[2];

    if (load_rps > 0.0) { /* Erlang C once for the three figures */
        sl_mmc_response(c, load_rps, mu, levels, 2, &out->mean_s, q);
        out->p50_s = q[0];
        out->p99_s = q[1];
    } else {
        out->mean_s = mmc_mean(c, load_rps, mu);
        out->p50_s = mmc_quantile(c, load_rps, mu, 0.5);
        out->p99_s = mmc_quantile(c, load_rps, mu, 0.99);
    }
    out->slo_s = w->slo.kind == SL_SLO_NONE ? NAN : sl_plan_slo_statistic(in, w, load_rps);
}

double sl_plan_slo_statistic(const struct sl_instance *in, const struct sl_workload *w,
                             double load_rps)
{
    long c = (long)in->vcpu;
    double mu = core_rate(in, w);

    if (w->slo.kind == SL_SLO_MEAN)
        return mmc_mean(c, load_rps, mu);
    if (w->slo.kind == SL_SLO_QUANTILE)
        return mmc_quantile(c, load_rps, mu, w->slo.quantile);
    return NAN;
}

/* Whether a box of type `in` meets the SLO at load_rps (always, without an SLO). */
static int meets_slo(const struct sl_instance *in, const struct sl_workload *w, double load_rps)
{
    return w->slo.kind == SL_SLO_NONE || sl_plan_slo_statistic(in, w, load_rps) <= w->slo.seconds;
}

/* Whether any number of boxes of type `in` could meet the SLO: its statistic at no load. */
static int slo_reachable(const struct sl_instance *in, const struct sl_workload *w)
{
    return w->slo.kind == SL_SLO_NONE || sl_plan_slo_statistic(in, w, 0.0) < w->slo.seconds;
}

void sl_plan_vertical(const struct sl_catalog *c, const struct sl_workload *w,
                      struct sl_vertical *out)
{
    /* one box holds every session unless a token carries them */
    double sessions = w->state == SL_STATE_TOKEN ? 0.0 : sl_workload_sessions(w);
    struct sl_capacity best_cap = { 0 }, cap;
    int by_capacity_only = 0; /* the cheapest box by capacity alone misses the SLO */
    double cheapest_by_capacity = INFINITY, p = w->box_availability;
    size_t i;

    memset(out, 0, sizeof(*out));
    out->standby = w->vertical_standby;
    out->servers = out->standby ? 2 : 1;
    for (i = 0; i < c->count; i++) {
        const struct sl_instance *in = &c->items[i];
        int cheaper;

        if (in->fleet_only)
            continue;
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
        cheapest_by_capacity = fmin(cheapest_by_capacity, in->usd_per_month);
        if (!meets_slo(in, w, w->load_rps))
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
    by_capacity_only = out->feasible && out->instance->usd_per_month > cheapest_by_capacity;
    out->sized_by = by_capacity_only ? SL_SIZED_LATENCY : SL_SIZED_UTILIZATION;
    out->usable_rps = best_cap.usable_rps;
    out->binding = best_cap.binding;
    if (!out->instance)
        return; /* a catalog of fleet-only boxes */
    out->utilization = sl_capacity_utilization(&best_cap, w, w->load_rps);
    sl_capacity_resources(&best_cap, w, w->load_rps, out->resources);
    out->full_rps = sl_capacity_full_rps(&best_cap, w);
    out->monthly_usd = out->feasible ? (double)out->servers * out->instance->usd_per_month : 0.0;
    out->usd_per_1k_rps = out->monthly_usd / w->load_rps * 1000.0;
    /* a standby takes over when the active box fails: the pair is down only when both are */
    out->availability = out->standby ? 1.0 - (1.0 - p) * (1.0 - p) : p;
    out->meets_target = out->availability >= w->availability_target;
    out->survives_zone = out->standby && w->zones >= 2;
    sl_plan_latency(out->instance, w, w->load_rps, &out->latency);
}

/*
 * The availability a tier of `nodes` boxes per shard reaches, `shards` shards, each shard up
 * while any of its boxes is: (1 - q^nodes)^shards.
 */
static double shards_availability(double p, long nodes, long shards)
{
    return pow(1.0 - pow(1.0 - p, (double)nodes), (double)shards);
}

/* Most boxes per shard the search considers. */
#define MAX_NODES_PER_SHARD 64

/*
 * The fewest boxes per shard, at least `least` and at most MAX_NODES_PER_SHARD, that bring
 * `shards` shards to the target. (1 - q^n)^s >= T solves to n >= ln(1 - T^(1/s)) / ln q,
 * with 1 - T^(1/s) = -expm1(ln T / s) exact for T near 1; the neighbours are then checked
 * with the formula itself, so that rounding cannot move the answer. *avail is the tier's
 * availability with that many (shards_availability, which the checks have computed already).
 */
static long nodes_for_target(double p, long least, long shards, double target, double *avail)
{
    double q = 1.0 - p, room, x, a = shards_availability(p, least, shards), below;
    long n;

    *avail = a;
    if (least >= MAX_NODES_PER_SHARD || a >= target)
        return least;
    room = -expm1(log(target) / (double)shards);
    x = q > 0.0 && q < 1.0 && room > 0.0 ? ceil(log(room) / log(q)) : MAX_NODES_PER_SHARD;
    n = !(x < MAX_NODES_PER_SHARD) ? MAX_NODES_PER_SHARD : x > (double)least ? (long)x : least;
    a = n == least ? a : shards_availability(p, n, shards);
    while (n > least + 1 && (below = shards_availability(p, n - 1, shards)) >= target) {
        n--;
        a = below;
    }
    while (n < MAX_NODES_PER_SHARD && a < target)
        a = shards_availability(p, ++n, shards);
    *avail = a;
    return n;
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
        double shards, avail;
        long nodes;

        if (room <= 0.0)
            continue;
        shards = fmax(1.0, fmax(ops_shards, ceil(out->data_gib / room)));
        if (shards > (double)SL_PLAN_MAX_SERVERS)
            continue;
        nodes = nodes_for_target(w->box_availability, 2, (long)shards, w->availability_target,
                                 &avail); /* the tier's availability is taken below */
        cost = (double)nodes * shards * in->usd_per_month;
        if (!out->instance || cost < out->monthly_usd) {
            out->instance = in;
            out->shards = (long)shards;
            out->nodes_per_shard = nodes;
            out->monthly_usd = cost;
        }
    }
    out->nodes = out->nodes_per_shard * out->shards;
    out->availability = shards_availability(w->box_availability, out->nodes_per_shard,
                                            out->shards);
}

/* The sticky balancer's headroom for uneven sessions on n boxes (1 without stickiness). */
static double imbalance_of(const struct sl_workload *w, double n)
{
    if (w->state != SL_STATE_STICKY)
        return 1.0;
    return 1.0 + 3.0 * sqrt(n / fmax(1.0, sl_workload_sessions(w)));
}

/*
 * Whether n boxes of type `in` carry the load: each one's usable capacity (its memory holds 1/n
 * of the sessions when they live in the app) covers its share, with the sticky headroom, and
 * meets the SLO at that share. Both grow easier with n, so the smallest n is found by search.
 */
static int enough_boxes(const struct sl_instance *in, const struct sl_workload *w, double n)
{
    struct sl_capacity cap;
    double share = w->load_rps * imbalance_of(w, n) / n;

    sl_capacity_of(in, w, sessions_in_memory(w, n), &cap);
    return cap.usable_rps > 0.0 && share <= cap.usable_rps * (1.0 + 1e-12) &&
           meets_slo(in, w, share);
}

/* The smallest n in [1, SL_PLAN_MAX_SERVERS] for which enough_boxes holds, or 0 if none. */
static long fewest_boxes(const struct sl_instance *in, const struct sl_workload *w)
{
    long lo = 1, hi = 1;

    while (!enough_boxes(in, w, (double)hi)) {
        if (hi >= SL_PLAN_MAX_SERVERS)
            return 0;
        lo = hi + 1;
        hi = hi * 2 > SL_PLAN_MAX_SERVERS ? SL_PLAN_MAX_SERVERS : hi * 2;
    }
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;

        if (enough_boxes(in, w, (double)mid))
            hi = mid;
        else
            lo = mid + 1;
    }
    return hi;
}

/*
 * The fewest servers T, spread evenly over `zones`, such that the T - ceil(T / zones) left after
 * losing the fullest zone serve the load below 100 % busy (each at most full_rps).
 */
static long servers_for_zone_loss(double load_rps, double full_rps, long zones)
{
    double need = floor(load_rps / full_rps) + 1.0; /* strictly more than the load needs */
    long t = (long)ceil(need * (double)zones / (double)(zones - 1));

    if (need > (double)SL_PLAN_MAX_SERVERS)
        return SL_PLAN_MAX_SERVERS + 1;
    while (t > 1 && (double)(t - 1 - (t - 1 + zones - 1) / zones) >= need)
        t--;
    while ((double)(t - (t + zones - 1) / zones) < need)
        t++;
    return t;
}

/* Spares the policy asks for N boxes, beyond which the tier reaches `servers_target`. */
static long spares_for(const struct sl_workload *w, long needed, double servers_target)
{
    switch (w->spares) {
    case SL_SPARES_N1: return 1;
    case SL_SPARES_N2: return 2;
    case SL_SPARES_2N: return needed;
    case SL_SPARES_NK: return w->spares_k;
    case SL_SPARES_AUTO:
        break;
    }
    return sl_plan_spares_for(needed, w->box_availability, fmin(servers_target, 1.0 - 1e-15));
}

/*
 * What the servers themselves must reach so that, with the balancer and the store, the tier
 * reaches the target; above 1 when those alone fall short (the servers then aim at the target
 * itself and the tier is marked as missing it).
 */
static double servers_target(const struct sl_workload *w, const struct sl_store_tier *store)
{
    double others = w->lb_availability * (store->used ? store->availability : 1.0);
    double t = w->availability_target / others;

    return t <= 1.0 ? t : w->availability_target;
}

/*
 * Sizes a horizontal tier of instance `in`; returns 0 when no finite tier serves the load, or
 * when its N boxes alone already cost more than `beat` (spares and zones only add boxes, so it
 * cannot be the cheapest: the spares search is skipped).
 */
static int size_tier(const struct sl_instance *in, const struct sl_workload *w,
                     const struct sl_store_tier *store, double beat, struct sl_horizontal *h)
{
    struct sl_capacity cap;
    long needed, util_needed, total, k;
    double per_box;

    if (!slo_reachable(in, w))
        return 0;
    needed = fewest_boxes(in, w);
    if (!needed || (double)needed * in->usd_per_month > beat)
        return 0;
    memset(h, 0, sizeof(*h));
    h->sized_by = SL_SIZED_UTILIZATION;
    if (w->slo.kind != SL_SLO_NONE) {
        /* the same search without the goal: did the goal add boxes? */
        struct sl_workload plain = *w;

        plain.slo.kind = SL_SLO_NONE;
        util_needed = fewest_boxes(in, &plain);
        if (util_needed && util_needed < needed)
            h->sized_by = SL_SIZED_LATENCY;
    }
    k = spares_for(w, needed, servers_target(w, store));
    total = needed + k;
    sl_capacity_of(in, w, sessions_in_memory(w, (double)total), &cap);
    h->full_rps_per_server = sl_capacity_full_rps(&cap, w);
    if (w->survive_zone) {
        long t = servers_for_zone_loss(w->load_rps * imbalance_of(w, (double)total),
                                       h->full_rps_per_server, w->zones);

        if (t > total) {
            total = t;
            h->sized_by = SL_SIZED_ZONE;
        }
    }
    if (total > SL_PLAN_MAX_SERVERS)
        return 0;
    h->instance = in;
    h->needed = needed;
    h->servers = total;
    h->spares = total - needed;
    sl_capacity_of(in, w, sessions_in_memory(w, (double)total), &cap);
    h->usable_rps_per_server = cap.usable_rps;
    h->imbalance = imbalance_of(w, (double)total);
    h->binding = cap.binding;
    per_box = w->load_rps * h->imbalance / (double)h->servers;
    h->utilization = sl_capacity_utilization(&cap, w, per_box);
    sl_capacity_resources(&cap, w, per_box, h->resources);
    h->full_rps_per_server = sl_capacity_full_rps(&cap, w);
    h->servers_usd = (double)h->servers * in->usd_per_month;
    h->lb_usd = w->lb_usd_per_month;
    return 1;
}

/* Fills what follows from the tier's size: zones, state effects, latency, availability, cost. */
static void finish_tier(const struct sl_workload *w, const struct sl_store_tier *store,
                        struct sl_horizontal *h)
{
    long z;

    h->feasible = 1;
    h->zones = w->zones;
    for (z = 0; z < w->zones; z++)
        h->per_zone[z] = h->servers / w->zones + (z < h->servers % w->zones ? 1 : 0);
    /* the busiest zone is the first: what is left without it must carry the load */
    h->survives_zone = w->zones >= 2 &&
                       (double)(h->servers - h->per_zone[0]) * h->full_rps_per_server >
                           w->load_rps * h->imbalance;
    h->breaks_sessions = w->state == SL_STATE_MEMORY && h->servers > 1;
    h->lost_request_fraction = h->breaks_sessions ? (double)(h->servers - 1) / (double)h->servers
                                                  : 0.0;
    if (w->state == SL_STATE_MEMORY || w->state == SL_STATE_STICKY)
        h->lost_on_failure = 1.0 / (double)h->servers;
    h->store = *store;
    sl_plan_latency(h->instance, w, w->load_rps * h->imbalance / (double)h->servers,
                    &h->latency);
    if (w->slo.kind != SL_SLO_NONE)
        /* the goal is held with N boxes serving, so also while spares stand in */
        h->latency.slo_s = sl_plan_slo_statistic(h->instance, w, w->load_rps *
                                                 imbalance_of(w, (double)h->needed) /
                                                 (double)h->needed);
    h->availability = sl_availability_k_of_n(h->needed, h->servers, w->box_availability) *
                      w->lb_availability;
    if (h->store.used)
        h->availability *= h->store.availability;
    h->meets_target = h->availability >= w->availability_target;
    h->monthly_usd = h->servers_usd + h->lb_usd + h->store.monthly_usd;
    h->usd_per_1k_rps = h->monthly_usd / w->load_rps * 1000.0;
}

enum sl_status sl_plan_horizontal(const struct sl_catalog *c, const struct sl_workload *w,
                                  struct sl_horizontal *out, char *err, size_t errlen)
{
    struct sl_horizontal best, trial;
    struct sl_store_tier store;
    int found = 0;
    size_t i;

    memset(&best, 0, sizeof(best));
    if (w->instance[0] && !sl_catalog_find(c, w->instance)) {
        snprintf(err, errlen, "unknown instance '%s' in catalog '%s'", w->instance, c->name);
        return SL_E_NOT_FOUND;
    }
    plan_store(c, w, &store);
    for (i = 0; i < c->count; i++) {
        const struct sl_instance *in = &c->items[i];
        double cost;

        if (w->instance[0] && strcmp(in->name, w->instance))
            continue;
        if (!size_tier(in, w, &store, found ? best.servers_usd : INFINITY, &trial))
            continue;
        cost = trial.servers_usd;
        if (!found || cost < best.servers_usd ||
            (cost == best.servers_usd && trial.servers < best.servers)) {
            best = trial;
            found = 1;
        }
    }
    if (found)
        finish_tier(w, &store, &best);
    else if (w->instance[0])
        best.instance = sl_catalog_find(c, w->instance);
    best.zones = w->zones;
    *out = best;
    return SL_OK;
}

/* One database layout: `shards` shards of `boxes` boxes of type `in`, up `availability`. */
static void db_layout(const struct sl_instance *in, const struct sl_workload *w, long shards,
                      long boxes, double availability, struct sl_db_tier *d)
{
    double writes = d->writes_qps / (double)shards, reads = d->reads_qps / (double)shards;

    d->instance = in;
    d->shards = shards;
    d->boxes_per_shard = boxes;
    d->replicas_per_shard = boxes - 1;
    d->boxes = shards * boxes;
    d->sharded = shards > 1;
    /* each box applies every write of its shard and takes an equal part of the reads */
    d->utilization = (writes + reads / (double)boxes) / (d->box_qps / w->target_utilization);
    d->monthly_usd = (double)d->boxes * in->usd_per_month;
    d->availability = availability;
}

/*
 * The cheapest layout on instance `in`. A shard of b boxes carries its writes on every box and
 * shares its reads, so s shards of b boxes fit when W/s <= C x write share (s >= s_min) and
 * R/s <= b (C - W/s), i.e. s >= (R/b + W) / C. The cost b x s(b) = max(b s_min, R/C + b W/C)
 * grows with b, so the cheapest layouts have the fewest boxes per shard: b from the least
 * (replicas_min + 1) over a window wide enough for the rounding of s, and the fewest shards
 * (every reader a replica), each with the boxes the availability target asks for. With
 * `unsharded`, only a single shard counts. Returns 1 with the layout in best, 0 if nothing
 * fits, and -1 without searching when even the bound at the fewest boxes costs more than `beat`
 * (the cheapest layout found on another type), so that no layout here could be chosen.
 */
static int db_on_instance(const struct sl_instance *in, const struct sl_workload *w,
                          struct sl_db_tier *best, int unsharded, double beat)
{
    double lambda1 = 1000.0 / w->db_query_ms * in->single_thread_factor, sigma, kappa;
    double box, write_cap, r = best->reads_qps, wr = best->writes_qps, s_min, b_fewest;
    long least = w->db_replicas_min + 1, b;
    struct sl_db_tier trial = *best;
    int found = 0;

    sl_capacity_usl(in, w, &sigma, &kappa);
    box = sl_usl_throughput(in->vcpu, lambda1, sigma, kappa) * w->target_utilization;
    write_cap = box * w->db_write_share;
    trial.box_qps = box;
    if (!(box > 0.0))
        return 0;
    s_min = fmax(1.0, ceil(wr / write_cap - 1e-9));
    if (s_min > (double)SL_PLAN_MAX_SERVERS || (unsharded && s_min > 1.0) ||
        (unsharded && !(box > wr)))
        return 0;
    if ((double)least * fmax(s_min, (r / (double)least + wr) / box) * in->usd_per_month >
        beat * (1.0 + 1e-12))
        return -1;
    /* and the fewest shards: every reader a replica of the s_min shards, however many */
    b_fewest = ceil(r / s_min / (box - wr / s_min) - 1e-9);
    for (b = least; b < least + 65; b++) {
        double s, bb = (double)b, avail;
        long nodes;

        if (b == least + 64) {
            if (!(b_fewest >= bb) || b_fewest * s_min > (double)SL_PLAN_MAX_SERVERS)
                break;
            bb = b_fewest;
        }
        /* b x max(s_min, (R/b + W)/C) bounds the boxes of every layout from b on, and grows
         * with b: once its price passes the best found, no later layout is cheaper */
        if (found && bb * fmax(s_min, (r / bb + wr) / box) * in->usd_per_month >
                         best->monthly_usd * (1.0 + 1e-12))
            break;
        s = fmax(s_min, ceil((r / bb + wr) / box - 1e-9));
        if (unsharded && s > 1.0)
            continue; /* only the last candidate, every reader a replica, can be unsharded */
        if (s * bb > (double)SL_PLAN_MAX_SERVERS)
            continue;
        nodes = nodes_for_target(w->box_availability, (long)bb, (long)s,
                                 w->availability_target, &avail);
        db_layout(in, w, (long)s, nodes, avail, &trial);
        /* the cheapest; at equal cost the fewest shards, which is simpler to run */
        if (!found || trial.monthly_usd < best->monthly_usd ||
            (trial.monthly_usd == best->monthly_usd && trial.shards < best->shards)) {
            *best = trial;
            found = 1;
        }
    }
    return found;
}

/*
 * Sharding costs what the bill does not show (cross-shard queries, rebalancing, a harder
 * schema): an unsharded tier is kept unless sharding saves a third of it.
 */
#define UNSHARDED_PREMIUM 1.5

void sl_plan_database(const struct sl_catalog *c, const struct sl_workload *w,
                      struct sl_db_tier *out)
{
    struct sl_db_tier best, flat; /* the cheapest layout, and the cheapest unsharded one */
    double queries = w->load_rps * w->db_queries_per_request, max_writes = 0.0;
    int found = 0, found_flat = 0;
    size_t i;

    memset(&best, 0, sizeof(best));
    best.reads_qps = queries * w->db_read_fraction;
    best.writes_qps = queries - best.reads_qps;
    flat = best;
    if (queries <= 0.0) {
        *out = best; /* no queries: no database tier */
        out->feasible = 1;
        out->availability = 1.0;
        return;
    }
    for (i = 0; i < c->count; i++) {
        const struct sl_instance *in = &c->items[i];
        struct sl_db_tier trial = best;
        double lambda1 = 1000.0 / w->db_query_ms * in->single_thread_factor, sigma, kappa;
        int fits;

        sl_capacity_usl(in, w, &sigma, &kappa);
        max_writes = fmax(max_writes, sl_usl_throughput(in->vcpu, lambda1, sigma, kappa) *
                                          w->target_utilization * w->db_write_share);
        fits = db_on_instance(in, w, &trial, 0, found ? best.monthly_usd : INFINITY);
        if (!fits)
            continue; /* and neither does a single shard */
        if (fits > 0 && (!found || trial.monthly_usd < best.monthly_usd ||
                         (trial.monthly_usd == best.monthly_usd && trial.shards < best.shards))) {
            best = trial;
            found = 1;
        }
        trial = flat;
        if (db_on_instance(in, w, &trial, 1, found_flat ? flat.monthly_usd : INFINITY) > 0 &&
            (!found_flat || trial.monthly_usd < flat.monthly_usd)) {
            flat = trial;
            found_flat = 1;
        }
    }
    if (found_flat && flat.monthly_usd <= best.monthly_usd * UNSHARDED_PREMIUM)
        best = flat;
    best.used = 1;
    best.feasible = found;
    best.max_primary_writes_qps = max_writes;
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

/* SL_E_INVALID when no box of the catalog could meet the SLO, at any load and any size. */
static enum sl_status check_slo(const struct sl_catalog *c, const struct sl_workload *w,
                                char *err, size_t errlen)
{
    const struct sl_instance *fastest = NULL;
    double best = INFINITY;
    char goal[64];
    size_t i;

    if (w->slo.kind == SL_SLO_NONE)
        return SL_OK;
    for (i = 0; i < c->count; i++) {
        double t = sl_plan_slo_statistic(&c->items[i], w, 0.0);

        if (t < best) {
            best = t;
            fastest = &c->items[i];
        }
    }
    if (fastest && best < w->slo.seconds)
        return SL_OK;
    sl_slo_format(&w->slo, goal, sizeof(goal));
    snprintf(err, errlen, "invalid slo '%s': no box can meet it, whatever the load (the "
             "fastest, %s, takes %.4g ms for the %s of its service time alone)", goal,
             fastest ? fastest->name : "none", best * 1e3, sl_slo_name(&w->slo));
    return SL_E_INVALID;
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
    st = check_slo(c, &at, err, errlen);
    if (st)
        return st;
    sl_plan_vertical(c, &at, &out->vertical);
    st = sl_plan_horizontal(c, &at, &out->horizontal, err, errlen);
    if (st)
        return st;
    sl_plan_database(c, &at, &out->database);
    out->vertical.total_monthly_usd = out->vertical.monthly_usd + out->database.monthly_usd;
    out->vertical.system_availability = out->vertical.availability *
                                        out->database.availability;
    out->horizontal.total_monthly_usd = out->horizontal.monthly_usd +
                                        out->database.monthly_usd;
    out->horizontal.system_availability = out->horizontal.availability *
                                          out->database.availability;
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

/* Point i of a curve: its load on the log scale, and the two plans' figures there. */
static enum sl_status curve_point(const struct sl_catalog *c, const struct sl_workload *w,
                                  double from, double to, long points, long i,
                                  struct sl_curve_point *out, char *err, size_t errlen)
{
    double t = points == 1 ? 0.0 : (double)i / (double)(points - 1);
    double load = i == points - 1 ? to : from * pow(to / from, t);
    struct sl_comparison cmp;
    enum sl_status st = sl_plan_compare(c, w, load, &cmp, err, errlen);

    if (st)
        return st;
    out->load_rps = load;
    out->vertical_usd = cmp.vertical.feasible ? cmp.vertical.monthly_usd : NAN;
    out->vertical_instance = cmp.vertical.feasible ? cmp.vertical.instance : NULL;
    out->horizontal_usd = cmp.horizontal.feasible ? cmp.horizontal.monthly_usd : NAN;
    out->horizontal_instance = cmp.horizontal.feasible ? cmp.horizontal.instance : NULL;
    out->horizontal_servers = cmp.horizontal.feasible ? cmp.horizontal.servers : 0;
    out->horizontal_spares = cmp.horizontal.feasible ? cmp.horizontal.spares : 0;
    out->vertical_total_usd = cmp.vertical.feasible ? cmp.vertical.total_monthly_usd : NAN;
    out->horizontal_total_usd = cmp.horizontal.feasible ? cmp.horizontal.total_monthly_usd : NAN;
    out->vertical_availability = cmp.vertical.feasible ? cmp.vertical.availability : NAN;
    out->horizontal_availability = cmp.horizontal.feasible ? cmp.horizontal.availability : NAN;
    out->vertical_p99_s = cmp.vertical.feasible ? cmp.vertical.latency.p99_s : NAN;
    out->horizontal_p99_s = cmp.horizontal.feasible ? cmp.horizontal.latency.p99_s : NAN;
    return SL_OK;
}

/* A curve shared out over threads: part k plans every step-th point from k. */
struct curve_job {
    const struct sl_catalog *c;
    const struct sl_workload *w;
    double from, to;
    long points, step;
    struct sl_curve_point *out;
    struct {
        long failed_at; /* the first point that failed, or points */
        enum sl_status st;
        char err[SL_ERR_LEN];
    } part[SL_CURVE_MAX_THREADS];
};

_Static_assert(SL_CURVE_MAX_THREADS <= SL_PARALLEL_MAX, "a thread for every part of a curve");

static void plan_part(void *ctx, long k)
{
    struct curve_job *j = ctx;
    long i;

    j->part[k].failed_at = j->points;
    j->part[k].st = SL_OK;
    for (i = k; i < j->points; i += j->step) {
        j->part[k].st = curve_point(j->c, j->w, j->from, j->to, j->points, i, &j->out[i],
                                    j->part[k].err, sizeof(j->part[k].err));
        if (j->part[k].st) {
            j->part[k].failed_at = i;
            break;
        }
    }
}

enum sl_status sl_plan_curve(const struct sl_catalog *c, const struct sl_workload *w,
                             double from, double to, long points, unsigned threads,
                             struct sl_curve_point *out, char *err, size_t errlen)
{
    struct curve_job *j;
    enum sl_status st;
    long k, worst = 0;

    if (!(from > 0.0) || !(to >= from) || !isfinite(to)) {
        snprintf(err, errlen, "invalid range %g to %g (expected 0 < from <= to)", from, to);
        return SL_E_INVALID;
    }
    if (points < 1 || points > SL_CURVE_MAX_POINTS) {
        snprintf(err, errlen, "invalid number of points %ld (expected 1 to %ld)", points,
                 SL_CURVE_MAX_POINTS);
        return SL_E_INVALID;
    }
    j = sl_calloc(1, sizeof(*j));
    if (!j) {
        snprintf(err, errlen, "out of memory");
        return SL_E_NOMEM;
    }
    *j = (struct curve_job){ .c = c, .w = w, .from = from, .to = to, .points = points,
                             .out = out };
    /* the points interleave, so that every thread gets small and large loads alike */
    j->step = sl_parallel_threads(threads);
    if (j->step > SL_CURVE_MAX_THREADS)
        j->step = SL_CURVE_MAX_THREADS;
    if (j->step > points)
        j->step = points;
    sl_parallel(j->step, plan_part, j);
    /* the error of the lowest point that failed, as one thread would have met it first */
    for (k = 1; k < j->step; k++)
        if (j->part[k].failed_at < j->part[worst].failed_at)
            worst = k;
    st = j->part[worst].st;
    if (st)
        snprintf(err, errlen, "%s", j->part[worst].err);
    sl_free(j);
    return st;
}
