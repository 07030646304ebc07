/* Unit tests of capacity, plans and curves: the lesson's figures on the teaching catalog. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "sl_test.h"
#include "scalelab/scalelab.h"

static struct sl_catalog *load(const char *name)
{
    struct sl_catalog *c = NULL;
    char err[SL_ERR_LEN];

    if (sl_catalog_builtin(name, &c, err, sizeof(err)) != SL_OK)
        fail_msg("%s", err);
    return c;
}

static struct sl_comparison compare_at(const struct sl_catalog *c, double load)
{
    struct sl_workload w;
    struct sl_comparison cmp;
    char err[SL_ERR_LEN];

    sl_workload_init(&w);
    if (sl_plan_compare(c, &w, load, &cmp, err, sizeof(err)) != SL_OK)
        fail_msg("%s", err);
    return cmp;
}

/*
 * Figure 1: at 1K one $50 box beats two $30 boxes (one needed, one spare) and their $25 balancer,
 * which is a line of its own in the bill.
 */
static void plan_lesson_1k_vertical_cheaper(void **state)
{
    struct sl_catalog *c = load("teaching");
    struct sl_comparison r = compare_at(c, 1e3);

    (void)state;
    assert_true(r.vertical.feasible);
    assert_true(r.horizontal.feasible);
    assert_int_equal(r.vertical.servers, 1);
    assert_string_equal(r.vertical.instance->name, "t-2");
    assert_close(r.vertical.monthly_usd, 50, 0);
    assert_string_equal(r.horizontal.instance->name, "h-1");
    assert_int_equal(r.horizontal.needed, 1);
    assert_int_equal(r.horizontal.spares, 1);
    assert_close(r.horizontal.servers_usd, 60, 0);
    assert_close(r.horizontal.lb_usd, 25, 0);
    assert_close(r.horizontal.monthly_usd, 85, 0);
    assert_true(r.vertical.monthly_usd < r.horizontal.servers_usd);
    assert_int_equal(r.verdict, SL_VERDICT_VERTICAL_CHEAPER);
    sl_catalog_free(c);
}

/* Figure 2: at 10K the two monthly costs are within a factor of 1.5. */
static void plan_lesson_10k_close(void **state)
{
    struct sl_catalog *c = load("teaching");
    struct sl_comparison r = compare_at(c, 1e4);
    double ratio = r.vertical.monthly_usd / r.horizontal.monthly_usd;

    (void)state;
    assert_true(r.vertical.feasible && r.horizontal.feasible);
    assert_true(ratio <= 1.5 && ratio >= 1.0 / 1.5);
    sl_catalog_free(c);
}

/* Figure 3: at 100K vertical costs at least twice horizontal. */
static void plan_lesson_100k_vertical_balloons(void **state)
{
    struct sl_catalog *c = load("teaching");
    struct sl_comparison r = compare_at(c, 1e5);

    (void)state;
    assert_true(r.vertical.feasible);
    assert_true(r.vertical.monthly_usd >= 2.0 * r.horizontal.monthly_usd);
    sl_catalog_free(c);
}

/* Figure 4: at 500K vertical costs at least $100,000 a month. */
static void plan_lesson_500k_six_figures(void **state)
{
    struct sl_catalog *c = load("teaching");
    struct sl_comparison r = compare_at(c, 5e5);

    (void)state;
    assert_true(r.vertical.feasible);
    assert_true(r.vertical.monthly_usd >= 100000.0);
    sl_catalog_free(c);
}

/* Figure 5: at 1M no single box serves; horizontal does. */
static void plan_lesson_1m_wall(void **state)
{
    struct sl_catalog *c = load("teaching");
    struct sl_comparison r = compare_at(c, 1e6);

    (void)state;
    assert_false(r.vertical.feasible);
    assert_true(r.horizontal.feasible);
    assert_true(r.vertical.max_rps < 1e6 && r.vertical.max_rps > 0);
    assert_int_equal(r.verdict, SL_VERDICT_VERTICAL_IMPOSSIBLE);
    sl_catalog_free(c);
}

/*
 * Figure 6: from 10K up, doubling the load doubles the boxes the load needs (1.9-2.1x) and all
 * but doubles the cost (1.75-2.05x: spares grow slower than the fleet, the balancer not at all).
 */
static void plan_lesson_horizontal_linear(void **state)
{
    struct sl_catalog *c = load("teaching");
    double l;

    (void)state;
    for (l = 1e4; l <= 5e5 * 1.0001; l *= 1.25) {
        struct sl_comparison one = compare_at(c, l), two = compare_at(c, 2 * l);
        double r = two.horizontal.monthly_usd / one.horizontal.monthly_usd;
        double n = (double)two.horizontal.needed / (double)one.horizontal.needed;

        if (r < 1.75 || r > 2.05 || n < 1.9 || n > 2.1)
            fail_msg("doubling from %g multiplies horizontal cost by %g, N by %g", l, r, n);
    }
    sl_catalog_free(c);
}

/* Figure 7: some box costs 50-100x a box with a sixteenth of its vCPUs. */
static void plan_lesson_price_ladder(void **state)
{
    struct sl_catalog *c = load("teaching");
    size_t i, j;
    int found = 0;

    (void)state;
    for (i = 0; i < c->count; i++)
        for (j = 0; j < c->count; j++) {
            double ratio = c->items[i].usd_per_month / c->items[j].usd_per_month;

            if (c->items[i].vcpu == 16 * c->items[j].vcpu && ratio >= 50 && ratio <= 100)
                found = 1;
        }
    assert_true(found);
    sl_catalog_free(c);
}

/* Cloud: price per vCPU is flat within the m7i family, yet some load no instance serves. */
static void plan_cloud_flat_price_and_wall(void **state)
{
    struct sl_catalog *c = load("cloud");
    double per_vcpu = 0;
    size_t i;
    int family = 0;

    (void)state;
    for (i = 0; i < c->count; i++) {
        const struct sl_instance *in = &c->items[i];

        if (strncmp(in->name, "m7i.", 4))
            continue;
        if (!family++)
            per_vcpu = in->usd_per_month / in->vcpu;
        assert_close(in->usd_per_month / in->vcpu, per_vcpu, 0.001);
    }
    assert_true(family >= 8);
    assert_false(compare_at(c, 1e6).vertical.feasible);
    assert_true(compare_at(c, 1e6).horizontal.feasible);
    sl_catalog_free(c);
}

/* USL: X(1) = lambda, the peak sits at sqrt((1-sigma)/kappa), and kappa = 0 is Amdahl. */
static void capacity_usl_shape(void **state)
{
    double peak = sqrt((1 - 0.0277285) / 0.0001044);

    (void)state;
    assert_close(sl_usl_throughput(1, 89.995, 0.0277285, 0.0001044), 89.995, 1e-12);
    assert_true(sl_usl_throughput(floor(peak), 89.995, 0.0277285, 0.0001044) >
                sl_usl_throughput(floor(peak) + 20, 89.995, 0.0277285, 0.0001044));
    /* SPEC SDM91 fit of reference/queueing.md: X(N*) ~ 1883.8 at N* = 96.5 */
    assert_close(sl_usl_throughput(peak, 89.995, 0.0277285, 0.0001044), 1883.8, 1e-3);
    assert_close(sl_usl_throughput(1e9, 1, 0.1, 0), 10.0, 1e-6);
}

/* The binding resource moves from CPU to network with large responses, to memory with sessions. */
static void capacity_binding_resource(void **state)
{
    struct sl_catalog *c = load("teaching");
    const struct sl_instance *in = sl_catalog_find(c, "t-16");
    struct sl_workload w;
    struct sl_capacity cap;

    (void)state;
    sl_workload_init(&w);
    sl_capacity_of(in, &w, 0, &cap);
    assert_int_equal(cap.binding, SL_RES_CPU);
    {
        double u[SL_RES_COUNT];

        /* at the usable load the CPU is exactly at the target; memory and network far below */
        sl_capacity_resources(&cap, &w, cap.usable_rps, u);
        assert_close(u[SL_RES_CPU], w.target_utilization, 1e-12);
        assert_true(u[SL_RES_MEMORY] < u[SL_RES_CPU] && u[SL_RES_NETWORK] < u[SL_RES_CPU]);
        assert_close(sl_capacity_utilization(&cap, &w, cap.usable_rps), u[SL_RES_CPU], 0);
        assert_close(sl_capacity_full_rps(&cap, &w), cap.usable_rps / w.target_utilization,
                     1e-12);
    }
    /* 10 Gbit/s x 0.7 / 1 MB = 875 req/s, below 16 cores x 1000 x 0.7 */
    w.response_bytes = 1e6;
    sl_capacity_of(in, &w, 0, &cap);
    assert_int_equal(cap.binding, SL_RES_NETWORK);
    assert_close(cap.network_rps, 10e9 / 8 * 0.7 / 1e6, 1e-12);
    sl_workload_init(&w);
    /* 63 GiB of sessions leave 0.5 GiB: 512 MiB / (1 MiB x 1 ms / 0.3) = 153,600 req/s */
    sl_capacity_of(in, &w, 63.0 * 1024 * 1024 * 1024 / w.session_bytes, &cap);
    assert_int_equal(cap.binding, SL_RES_CPU);
    sl_capacity_of(in, &w, 63.48 * 1024 * 1024 * 1024 / w.session_bytes, &cap);
    assert_int_equal(cap.binding, SL_RES_MEMORY);
    sl_catalog_free(c);
}

/* N = ceil(L / usable) + spares, for each spares policy. */
static void plan_horizontal_arithmetic(void **state)
{
    struct sl_catalog *c = load("teaching");
    struct sl_workload w;
    struct sl_horizontal h;
    char err[SL_ERR_LEN];
    double usable;

    (void)state;
    sl_workload_init(&w);
    w.load_rps = 100000;
    w.spares = SL_SPARES_N1;
    memcpy(w.instance, "h-1", 4);
    usable = 1000.0 * 1.5 * 0.7;
    assert_int_equal(sl_plan_horizontal(c, &w, &h, err, sizeof(err)), SL_OK);
    assert_int_equal(h.needed, (long)ceil(100000 / usable));
    assert_int_equal(h.servers, h.needed + 1);
    assert_close(h.monthly_usd, (double)h.servers * 30 + 25, 1e-12);
    assert_close(h.usd_per_1k_rps, ((double)h.servers * 30 + 25) / 100, 1e-12);
    w.spares = SL_SPARES_N2;
    assert_int_equal(sl_plan_horizontal(c, &w, &h, err, sizeof(err)), SL_OK);
    assert_int_equal(h.servers, h.needed + 2);
    w.spares = SL_SPARES_2N;
    assert_int_equal(sl_plan_horizontal(c, &w, &h, err, sizeof(err)), SL_OK);
    assert_int_equal(h.servers, 2 * h.needed);
    w.spares = SL_SPARES_NK;
    w.spares_k = 7;
    assert_int_equal(sl_plan_horizontal(c, &w, &h, err, sizeof(err)), SL_OK);
    assert_int_equal(h.servers, h.needed + 7);
    memcpy(w.instance, "nope", 5);
    assert_int_equal(sl_plan_horizontal(c, &w, &h, err, sizeof(err)), SL_E_NOT_FOUND);
    assert_non_null(strstr(err, "'nope'"));
    sl_catalog_free(c);
}

/* Binomial availability: small cases by hand, and large tiers without underflow. */
static void plan_availability(void **state)
{
    double p = 0.995, q = 1 - p;

    (void)state;
    assert_close(sl_availability_k_of_n(1, 1, p), p, 1e-12);
    assert_close(sl_availability_k_of_n(1, 2, p), 1 - q * q, 1e-12);
    assert_close(sl_availability_k_of_n(2, 3, p), p * p * p + 3 * p * p * q, 1e-12);
    assert_close(sl_availability_k_of_n(3, 3, p), p * p * p, 1e-12);
    /* 2N with 100,000 boxes: essentially certain; N+1 with 1,000 boxes: P(<= 1 down) */
    assert_close(sl_availability_k_of_n(100000, 200000, p), 1.0, 1e-12);
    assert_close(sl_availability_k_of_n(999, 1000, p),
                 pow(p, 1000) + 1000 * q * pow(p, 999), 1e-9);
    /* spares to match one box: none for a single box (p >= p), 12 for 1,000 (by hand) */
    assert_int_equal(sl_plan_spares_for(1, p, p), 0);
    {
        long s = sl_plan_spares_for(1000, p, p);

        assert_true(sl_availability_k_of_n(1000, 1000 + s, p) >= p);
        assert_true(sl_availability_k_of_n(1000, 1000 + s - 1, p) < p);
        assert_int_equal(s, 12);
    }
}

/* Sessions in app memory break under round robin; sticky loses 1/N on a failure; store costs. */
static void plan_state_effects(void **state)
{
    struct sl_catalog *c = load("teaching");
    struct sl_workload w;
    struct sl_horizontal h;
    char err[SL_ERR_LEN];

    (void)state;
    sl_workload_init(&w);
    w.load_rps = 10000;
    w.state = SL_STATE_MEMORY;
    assert_int_equal(sl_plan_horizontal(c, &w, &h, err, sizeof(err)), SL_OK);
    assert_true(h.breaks_sessions);
    assert_close(h.lost_request_fraction, (double)(h.servers - 1) / (double)h.servers, 1e-12);
    w.state = SL_STATE_STICKY;
    assert_int_equal(sl_plan_horizontal(c, &w, &h, err, sizeof(err)), SL_OK);
    assert_false(h.breaks_sessions);
    assert_close(h.lost_on_failure, 1.0 / (double)h.servers, 1e-12);
    assert_true(h.imbalance > 1.0);
    w.state = SL_STATE_STORE;
    assert_int_equal(sl_plan_horizontal(c, &w, &h, err, sizeof(err)), SL_OK);
    assert_true(h.store.used);
    assert_true(h.store.nodes >= 2);
    assert_close(h.monthly_usd, h.servers_usd + h.lb_usd + h.store.monthly_usd, 1e-12);
    sl_catalog_free(c);
}

/* Replicas add read capacity, never write capacity; writes beyond one primary are sharded. */
static void plan_database_tier(void **state)
{
    struct sl_catalog *c = load("teaching");
    struct sl_workload w;
    struct sl_db_tier d;

    (void)state;
    sl_workload_init(&w);
    w.load_rps = 10000;
    sl_plan_database(c, &w, &d);
    assert_true(d.used && d.feasible);
    assert_close(d.reads_qps, 18000, 1e-12);
    assert_close(d.writes_qps, 2000, 1e-12);
    /* every box carries all its shard's writes plus its share of reads, within capacity */
    assert_true(d.writes_qps / (double)d.shards + d.reads_qps / (double)d.shards /
                (double)d.boxes_per_shard <= d.box_qps * 1.000001);
    assert_true(d.replicas_per_shard >= 1);
    w.load_rps = 1e7;
    w.db_read_fraction = 0.1;
    sl_plan_database(c, &w, &d);
    assert_true(d.sharded);
    assert_true(d.writes_qps / (double)d.shards <= d.max_primary_writes_qps * 1.000001);
    assert_true(d.shards >= (long)ceil(d.writes_qps / d.max_primary_writes_qps));
    /* no queries, no tier */
    w.db_queries_per_request = 0;
    sl_plan_database(c, &w, &d);
    assert_false(d.used);
    assert_close(d.monthly_usd, 0, 0);
    sl_catalog_free(c);
}

/*
 * The database tier against a brute-force search over every instance, shard count and boxes per
 * shard: s shards of b boxes fit when W/s <= C x write share and W/s + R/(s b) <= C, keep b >=
 * replicas_min + 1 and (1 - q^b)^s >= target; an unsharded tier within 1.5x of the cheapest wins.
 */
static double db_brute(const struct sl_catalog *c, const struct sl_workload *w)
{
    double q = w->load_rps * w->db_queries_per_request, r = q * w->db_read_fraction, wr = q - r;
    double best = INFINITY, flat = INFINITY;
    size_t i;

    for (i = 0; i < c->count; i++) {
        const struct sl_instance *in = &c->items[i];
        double box = sl_usl_throughput(in->vcpu, 1000.0 / w->db_query_ms *
                                       in->single_thread_factor, w->usl_sigma, w->usl_kappa) *
                     w->target_utilization;
        long s, b;

        for (s = 1; s <= 3000; s++)
            for (b = w->db_replicas_min + 1; b <= 80; b++) {
                double cost = (double)(s * b) * in->usd_per_month;

                if (wr / (double)s > box * w->db_write_share * (1 + 1e-12) ||
                    wr / (double)s + r / (double)s / (double)b > box * (1 + 1e-12) ||
                    pow(1 - pow(1 - w->box_availability, (double)b), (double)s) <
                        w->availability_target)
                    continue;
                best = fmin(best, cost);
                if (s == 1)
                    flat = fmin(flat, cost);
                break; /* more boxes in this shard count only cost more */
            }
    }
    return flat <= best * 1.5 ? flat : best;
}

static void plan_database_cheapest_by_brute_force(void **state)
{
    static const double loads[] = { 500, 1e3, 3e3, 1e4, 2.5e4, 5e4, 1e5, 2e5 };
    static const double reads[] = { 0.9, 0.5, 0.99 };
    /* availability target and box availability: the defaults, then a strict target on poor
     * boxes, where shards need many replicas */
    static const double avail[][2] = { { 0.9995, 0.995 }, { 0.999999, 0.9 } };
    const char *names[] = { "teaching", "cloud" };
    size_t n, i, k, a;

    (void)state;
    for (n = 0; n < 2; n++) {
        struct sl_catalog *c = load(names[n]);

        for (a = 0; a < 2; a++)
        for (i = 0; i < sizeof(loads) / sizeof(loads[0]); i++)
            for (k = 0; k < sizeof(reads) / sizeof(reads[0]); k++) {
                struct sl_workload w;
                struct sl_db_tier d;
                double want;

                sl_workload_init(&w);
                w.load_rps = loads[i];
                w.db_read_fraction = reads[k];
                w.availability_target = avail[a][0];
                w.box_availability = avail[a][1];
                sl_plan_database(c, &w, &d);
                want = db_brute(c, &w);
                if (fabs(d.monthly_usd - want) > 1e-6 * want)
                    fail_msg("%s at %g req/s, %g reads: planner $%.2f (%ld x %ld %s), brute "
                             "force $%.2f", names[n], loads[i], reads[k], d.monthly_usd,
                             d.shards, d.boxes_per_shard, d.instance->name, want);
            }
        sl_catalog_free(c);
    }
}

/* P(at least k of n up) by the plain binomial sum, in long double: an independent check. */
static long double k_of_n_direct(long k, long n, double p)
{
    long double sum = 0;
    long j;

    for (j = k; j <= n; j++)
        sum += expl(lgammal(n + 1.0L) - lgammal(j + 1.0L) - lgammal(n - j + 1.0L) +
                    j * logl(p) + (n - j) * log1pl(-(long double)p));
    return sum;
}

/* The sticky balancer's headroom, as docs/model.md states it. */
static double imbalance(const struct sl_workload *w, double n)
{
    return w->state == SL_STATE_STICKY ? 1 + 3 * sqrt(n / fmax(1, sl_workload_sessions(w))) : 1;
}

/*
 * The horizontal plan against a brute-force search: every instance, every N from 1 up to the
 * first that carries the load (its memory holding 1/N of the sessions when they live in the app),
 * spares by the plain binomial sum; the cheapest N + spares wins.
 */
static double horizontal_brute(const struct sl_catalog *c, const struct sl_workload *w,
                               const char **pick)
{
    double best = INFINITY;
    size_t i;

    for (i = 0; i < c->count; i++) {
        const struct sl_instance *in = &c->items[i];
        int in_memory = w->state == SL_STATE_MEMORY || w->state == SL_STATE_STICKY;
        long n, k;

        for (n = 1; n <= 2000000; n++) {
            struct sl_capacity cap;

            sl_capacity_of(in, w, in_memory ? sl_workload_sessions(w) / (double)n : 0, &cap);
            if (cap.usable_rps > 0 && w->load_rps * imbalance(w, (double)n) / (double)n <=
                                          cap.usable_rps * (1 + 1e-12))
                break;
        }
        if (n > 2000000)
            continue;
        for (k = 0; k_of_n_direct(n, n + k, w->box_availability) * w->lb_availability <
                    w->availability_target; k++)
            ;
        if ((double)(n + k) * in->usd_per_month < best) {
            best = (double)(n + k) * in->usd_per_month;
            *pick = in->name;
        }
    }
    return best;
}

static void plan_horizontal_cheapest_by_brute_force(void **state)
{
    static const double loads[] = { 700, 1e3, 2e3, 5e3, 9e3, 1.32e4, 2e4, 3e4, 5e4, 7.5e4, 1e5,
                                    1.5e5, 2e5, 3e5, 4e5, 5e5, 6e5, 7.77777e5, 9e5, 1e6 };
    static const enum sl_state states[] = { SL_STATE_TOKEN, SL_STATE_MEMORY, SL_STATE_STICKY };
    const char *names[] = { "teaching", "cloud" };
    size_t n, i, k;

    (void)state;
    for (n = 0; n < 2; n++) {
        struct sl_catalog *c = load(names[n]);

        for (i = 0; i < sizeof(loads) / sizeof(loads[0]); i++)
            for (k = 0; k < sizeof(states) / sizeof(states[0]); k++) {
                struct sl_workload w;
                struct sl_horizontal h;
                char err[SL_ERR_LEN];
                const char *pick = "-";
                double want;

                sl_workload_init(&w);
                w.load_rps = loads[i];
                w.state = states[k];
                w.session_bytes = 64 * 1024; /* sessions that weigh on memory */
                assert_int_equal(sl_plan_horizontal(c, &w, &h, err, sizeof(err)), SL_OK);
                want = horizontal_brute(c, &w, &pick);
                if (!h.feasible || fabs(h.servers_usd - want) > 1e-9 * want)
                    fail_msg("%s at %g req/s, state %s: planner $%.2f (%ld x %s), brute force "
                             "$%.2f (%s)", names[n], loads[i], sl_state_name(states[k]),
                             h.servers_usd, h.servers, h.feasible ? h.instance->name : "-",
                             want, pick);
            }
        sl_catalog_free(c);
    }
}

/* Auto spares: the fewest with P(at least N of N+k up) x balancer >= target, by the plain sum. */
static void plan_auto_spares_reach_the_target(void **state)
{
    const char *names[] = { "teaching", "cloud" };
    static const double loads[] = { 1e3, 1e4, 1e5, 5e5, 1e6 };
    size_t n, i;

    (void)state;
    for (n = 0; n < 2; n++) {
        struct sl_catalog *c = load(names[n]);

        for (i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
            struct sl_comparison r = compare_at(c, loads[i]);
            const struct sl_horizontal *h = &r.horizontal;
            struct sl_workload w;

            sl_workload_init(&w);
            assert_true(h->feasible);
            assert_true(h->meets_target);
            assert_true(h->availability >= w.availability_target);
            assert_true(k_of_n_direct(h->needed, h->servers, w.box_availability) *
                        w.lb_availability >= w.availability_target);
            if (h->spares > 0)
                assert_true(k_of_n_direct(h->needed, h->servers - 1, w.box_availability) *
                            w.lb_availability < w.availability_target);
            assert_close(h->availability, (double)k_of_n_direct(h->needed, h->servers,
                                                                 w.box_availability) *
                                              w.lb_availability, 1e-9);
            /* one box never reaches 99.95 %: the vertical plan says so */
            assert_false(r.vertical.feasible && r.vertical.meets_target);
        }
        sl_catalog_free(c);
    }
}

/* A standby doubles the box and squares the downtime; with it the vertical plan meets 99.95 %. */
static void plan_vertical_standby(void **state)
{
    struct sl_catalog *c = load("teaching");
    struct sl_workload w;
    struct sl_vertical v;
    double q;

    (void)state;
    sl_workload_init(&w);
    w.load_rps = 1e4;
    w.vertical_standby = 1;
    q = 1 - w.box_availability;
    sl_plan_vertical(c, &w, &v);
    assert_true(v.feasible && v.standby);
    assert_int_equal(v.servers, 2);
    assert_close(v.monthly_usd, 2 * v.instance->usd_per_month, 1e-12);
    assert_close(v.availability, 1 - q * q, 1e-12);
    assert_true(v.meets_target);
    assert_false(v.survives_zone); /* one zone */
    w.zones = 2;
    sl_plan_vertical(c, &w, &v);
    assert_true(v.survives_zone);
    sl_catalog_free(c);
}

/* Zones: servers spread evenly; surviving a zone needs enough outside the fullest one. */
static void plan_zones(void **state)
{
    struct sl_catalog *c = load("teaching");
    struct sl_workload w;
    struct sl_horizontal h;
    char err[SL_ERR_LEN];
    double full;
    long z, sum, left;

    (void)state;
    sl_workload_init(&w);
    w.load_rps = 1e4;
    w.zones = 3;
    assert_int_equal(sl_plan_horizontal(c, &w, &h, err, sizeof(err)), SL_OK);
    for (z = 0, sum = 0; z < 3; z++)
        sum += h.per_zone[z];
    assert_int_equal(sum, h.servers);
    assert_true(h.per_zone[0] - h.per_zone[2] <= 1);
    w.zones = 2;
    w.survive_zone = 1;
    assert_int_equal(sl_plan_horizontal(c, &w, &h, err, sizeof(err)), SL_OK);
    /* h-1 serves 1,500 req/s at 100 %: 10K needs 7 outside the lost zone, so 14 in two zones */
    full = 1000.0 * 1.5;
    assert_close(h.full_rps_per_server, full, 1e-9);
    left = h.servers - h.per_zone[0];
    assert_true((double)left * full > w.load_rps);
    assert_true((double)(left - 1) * full <= w.load_rps || h.sized_by != SL_SIZED_ZONE);
    assert_int_equal(h.servers, 14);
    assert_int_equal(h.sized_by, SL_SIZED_ZONE);
    assert_true(h.survives_zone);
    w.zones = 1;
    assert_int_equal(sl_workload_check(&w, err, sizeof(err)), SL_E_INVALID);
    sl_catalog_free(c);
}

/* The pooling argument: at 70 % busy one core's p99 is about 3.3x that of 192 pooled cores. */
static void plan_latency_pooling(void **state)
{
    struct sl_instance one, big;
    struct sl_workload w;
    struct sl_latency a, b;
    double mu = 1000.0;

    (void)state;
    sl_workload_init(&w);
    w.usl_override = 1;
    w.usl_sigma = 0;
    w.usl_kappa = 0;
    memset(&one, 0, sizeof(one));
    one.vcpu = 1;
    one.single_thread_factor = 1;
    big = one;
    big.vcpu = 192;
    sl_plan_latency(&one, &w, 0.7 * mu, &a);
    sl_plan_latency(&big, &w, 0.7 * 192 * mu, &b);
    /* M/M/1: the response is exponential with rate mu - lambda */
    assert_close(a.p99_s, log(100.0) / (mu * 0.3), 1e-9);
    assert_close(a.p50_s, log(2.0) / (mu * 0.3), 1e-9);
    assert_close(a.mean_s, 1.0 / (mu * 0.3), 1e-9);
    /* 192 servers at 70 %: almost nobody waits, the p99 is nearly the service time's */
    assert_true(b.p99_s >= log(100.0) / mu && b.p99_s < 1.02 * log(100.0) / mu);
    assert_true(a.p99_s / b.p99_s > 3.2 && a.p99_s / b.p99_s < 3.4);
}

/* An SLO sizes both futures; one that no box can meet is refused. */
static void plan_latency_slo(void **state)
{
    struct sl_catalog *c = load("teaching");
    struct sl_workload w;
    struct sl_comparison r;
    char err[SL_ERR_LEN];
    double lambda;

    (void)state;
    sl_workload_init(&w);
    assert_int_equal(sl_slo_parse("p99=5ms", &w.slo), SL_OK);
    memcpy(w.instance, "h-1", 4);
    assert_int_equal(sl_plan_compare(c, &w, 1e4, &r, err, sizeof(err)), SL_OK);
    /* h-1 is M/M/1 at 1,500 req/s: p99 = ln 100 / (1500 - lambda) <= 5 ms, lambda <= 578.97 */
    lambda = 1500 - log(100.0) / 5e-3;
    assert_int_equal(r.horizontal.needed, (long)ceil(1e4 / lambda));
    assert_int_equal(r.horizontal.sized_by, SL_SIZED_LATENCY);
    assert_true(r.horizontal.latency.slo_s <= 5e-3);
    assert_true(r.vertical.feasible && r.vertical.latency.p99_s <= 5e-3);
    w.instance[0] = '\0';
    /* at 1K t-2 carries the load at 50 % busy but its p99 is 5.67 ms: t-4 is bought instead */
    assert_int_equal(sl_plan_compare(c, &w, 1e3, &r, err, sizeof(err)), SL_OK);
    assert_true(r.vertical.feasible);
    assert_int_equal(r.vertical.sized_by, SL_SIZED_LATENCY);
    assert_string_equal(r.vertical.instance->name, "t-4");
    assert_true(r.vertical.latency.p99_s <= 5e-3);
    /*
     * the t- cores are no faster on bigger boxes (the USL makes them slower), so no t- box gets
     * below ln 100 x 1 ms = 4.605 ms: 4.6 ms leaves the vertical plan infeasible
     */
    assert_int_equal(sl_slo_parse("p99=4.6ms", &w.slo), SL_OK);
    assert_int_equal(sl_plan_compare(c, &w, 1e4, &r, err, sizeof(err)), SL_OK);
    assert_false(r.vertical.feasible);
    assert_true(r.vertical.max_rps >= 1e4);
    assert_int_equal(r.verdict, SL_VERDICT_VERTICAL_IMPOSSIBLE);
    /* 1 ms: even h-1's fast core takes ln 100 / 1500 = 3.07 ms for its p99 with no queue */
    assert_int_equal(sl_slo_parse("p99=1ms", &w.slo), SL_OK);
    assert_int_equal(sl_plan_compare(c, &w, 1e4, &r, err, sizeof(err)), SL_E_INVALID);
    assert_non_null(strstr(err, "p99=1ms"));
    assert_non_null(strstr(err, "h-1"));
    sl_catalog_free(c);
}

/* The bill: each plan's total is its app tier plus the database tier; availabilities multiply. */
static void plan_whole_bill(void **state)
{
    struct sl_catalog *c = load("cloud");
    struct sl_workload w;
    struct sl_comparison r;
    char err[SL_ERR_LEN];

    (void)state;
    sl_workload_init(&w);
    w.state = SL_STATE_STORE;
    assert_int_equal(sl_plan_compare(c, &w, 5e4, &r, err, sizeof(err)), SL_OK);
    assert_true(r.database.used && r.horizontal.store.used);
    assert_close(r.horizontal.total_monthly_usd, r.horizontal.servers_usd + r.horizontal.lb_usd +
                 r.horizontal.store.monthly_usd + r.database.monthly_usd, 1e-12);
    assert_close(r.vertical.total_monthly_usd, r.vertical.monthly_usd + r.database.monthly_usd,
                 1e-12);
    assert_close(r.horizontal.system_availability,
                 r.horizontal.availability * r.database.availability, 1e-12);
    assert_true(r.database.availability >= w.availability_target);
    assert_true(r.horizontal.store.availability >= w.availability_target);
    sl_catalog_free(c);
}

/* Spares and goals are read as typed; nonsense is refused. */
static void workload_parses_spares_and_slo(void **state)
{
    struct sl_workload w;
    struct sl_slo slo;
    char buf[64];

    (void)state;
    sl_workload_init(&w);
    assert_int_equal(w.spares, SL_SPARES_AUTO);
    assert_int_equal(sl_spares_parse("n+12", &w), SL_OK);
    assert_int_equal(w.spares, SL_SPARES_NK);
    assert_int_equal(w.spares_k, 12);
    sl_spares_format(&w, buf, sizeof(buf));
    assert_string_equal(buf, "n+12");
    assert_int_equal(sl_spares_parse("2N", &w), SL_OK);
    assert_int_equal(w.spares, SL_SPARES_2N);
    assert_int_equal(sl_spares_parse("n+", &w), SL_E_INVALID);
    assert_int_equal(sl_spares_parse("n+-1", &w), SL_E_INVALID);
    assert_int_equal(sl_spares_parse("n+1000000", &w), SL_E_INVALID);
    assert_int_equal(sl_slo_parse("p99=50ms", &slo), SL_OK);
    assert_close(slo.seconds, 0.05, 1e-15);
    assert_close(slo.quantile, 0.99, 0);
    assert_int_equal(sl_slo_parse("p99.9=800us", &slo), SL_OK);
    assert_close(slo.seconds, 800e-6, 1e-12);
    assert_int_equal(sl_slo_parse("mean=2", &slo), SL_E_INVALID); /* 2 ms or 2 s? */
    assert_int_equal(sl_slo_parse("mean=2s", &slo), SL_OK);
    assert_int_equal(slo.kind, SL_SLO_MEAN);
    assert_close(slo.seconds, 2, 0);
    sl_slo_format(&slo, buf, sizeof(buf));
    assert_string_equal(buf, "mean=2s");
    assert_int_equal(sl_slo_parse("p98=5ms", &slo), SL_E_INVALID);
    assert_int_equal(sl_slo_parse("p99=0ms", &slo), SL_E_INVALID);
    assert_int_equal(sl_slo_parse("p99=-1s", &slo), SL_E_INVALID);
    assert_int_equal(sl_slo_parse("p99=5min", &slo), SL_E_INVALID);
    assert_int_equal(sl_slo_parse("p99", &slo), SL_E_INVALID);
    assert_int_equal(sl_slo_parse("p99=1e400s", &slo), SL_E_INVALID);
}

/* The curve: log-spaced, ends at both bounds, vertical NaN past the wall. */
static void plan_curve_points(void **state)
{
    struct sl_catalog *c = load("teaching");
    struct sl_workload w;
    struct sl_curve_point pts[7];
    char err[SL_ERR_LEN];

    (void)state;
    sl_workload_init(&w);
    assert_int_equal(sl_plan_curve(c, &w, 1e3, 1e6, 7, 1, pts, err, sizeof(err)), SL_OK);
    assert_close(pts[0].load_rps, 1e3, 1e-12);
    assert_close(pts[6].load_rps, 1e6, 1e-12);
    assert_close(pts[2].load_rps, 1e4, 1e-9);
    assert_true(isnan(pts[6].vertical_usd));
    assert_null(pts[6].vertical_instance);
    assert_false(isnan(pts[0].vertical_usd));
    assert_int_equal(sl_plan_curve(c, &w, 1e3, 1e2, 7, 1, pts, err, sizeof(err)), SL_E_INVALID);
    assert_int_equal(sl_plan_curve(c, &w, 1e3, 1e6, 0, 1, pts, err, sizeof(err)), SL_E_INVALID);
    sl_catalog_free(c);
}

/* Threads share out the points, never change them: any number gives the one thread's bytes. */
static void plan_curve_threads_change_nothing(void **state)
{
    static const unsigned threads[] = { 0, 2, 3, 7, 64 };
    struct sl_catalog *c = load("cloud");
    struct sl_workload w;
    struct sl_curve_point one[50], many[50];
    char err[SL_ERR_LEN], err1[SL_ERR_LEN];
    size_t k;

    (void)state;
    sl_workload_init(&w);
    w.state = SL_STATE_STORE;
    assert_int_equal(sl_plan_curve(c, &w, 100, 3e6, 50, 1, one, err, sizeof(err)), SL_OK);
    for (k = 0; k < sizeof(threads) / sizeof(threads[0]); k++) {
        memset(many, 0xa5, sizeof(many));
        assert_int_equal(sl_plan_curve(c, &w, 100, 3e6, 50, threads[k], many, err,
                                       sizeof(err)), SL_OK);
        assert_memory_equal(one, many, sizeof(one));
    }
    /* a failure reads as it does on one thread */
    memcpy(w.instance, "no-such-box", sizeof("no-such-box"));
    assert_int_equal(sl_plan_curve(c, &w, 100, 3e6, 50, 1, one, err1, sizeof(err1)),
                     SL_E_NOT_FOUND);
    assert_int_equal(sl_plan_curve(c, &w, 100, 3e6, 50, 4, many, err, sizeof(err)),
                     SL_E_NOT_FOUND);
    assert_string_equal(err, err1);
    sl_catalog_free(c);
}

static void workload_rejects_bad_fields(void **state)
{
    struct sl_workload w;
    char err[SL_ERR_LEN];

    (void)state;
    sl_workload_init(&w);
    assert_int_equal(sl_workload_check(&w, err, sizeof(err)), SL_OK);
    w.target_utilization = 1.0;
    assert_int_equal(sl_workload_check(&w, err, sizeof(err)), SL_E_INVALID);
    assert_non_null(strstr(err, "utilization"));
    sl_workload_init(&w);
    w.cpu_ms = NAN;
    assert_int_equal(sl_workload_check(&w, err, sizeof(err)), SL_E_INVALID);
    sl_workload_init(&w);
    w.db_read_fraction = 1.5;
    assert_int_equal(sl_workload_check(&w, err, sizeof(err)), SL_E_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plan_lesson_1k_vertical_cheaper),
        cmocka_unit_test(plan_lesson_10k_close),
        cmocka_unit_test(plan_lesson_100k_vertical_balloons),
        cmocka_unit_test(plan_lesson_500k_six_figures),
        cmocka_unit_test(plan_lesson_1m_wall),
        cmocka_unit_test(plan_lesson_horizontal_linear),
        cmocka_unit_test(plan_lesson_price_ladder),
        cmocka_unit_test(plan_cloud_flat_price_and_wall),
        cmocka_unit_test(capacity_usl_shape),
        cmocka_unit_test(capacity_binding_resource),
        cmocka_unit_test(plan_horizontal_arithmetic),
        cmocka_unit_test(plan_availability),
        cmocka_unit_test(plan_state_effects),
        cmocka_unit_test(plan_database_tier),
        cmocka_unit_test(plan_database_cheapest_by_brute_force),
        cmocka_unit_test(plan_horizontal_cheapest_by_brute_force),
        cmocka_unit_test(plan_auto_spares_reach_the_target),
        cmocka_unit_test(plan_vertical_standby),
        cmocka_unit_test(plan_zones),
        cmocka_unit_test(plan_latency_pooling),
        cmocka_unit_test(plan_latency_slo),
        cmocka_unit_test(plan_whole_bill),
        cmocka_unit_test(workload_parses_spares_and_slo),
        cmocka_unit_test(plan_curve_points),
        cmocka_unit_test(plan_curve_threads_change_nothing),
        cmocka_unit_test(workload_rejects_bad_fields),
    };

    return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
