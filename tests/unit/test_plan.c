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

/* Figure 1: at 1K both are viable; vertical is one box and cheaper; horizontal has >= 2 boxes. */
static void plan_lesson_1k_vertical_cheaper(void **state)
{
    struct sl_catalog *c = load("teaching");
    struct sl_comparison r = compare_at(c, 1e3);

    (void)state;
    assert_true(r.vertical.feasible);
    assert_true(r.horizontal.feasible);
    assert_int_equal(r.vertical.servers, 1);
    assert_true(r.vertical.monthly_usd < r.horizontal.monthly_usd);
    assert_true(r.horizontal.servers >= 2);
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

/* Figure 6: from 10K up, doubling the load multiplies horizontal cost by 1.8-2.2. */
static void plan_lesson_horizontal_linear(void **state)
{
    struct sl_catalog *c = load("teaching");
    double l;

    (void)state;
    for (l = 1e4; l <= 5e5 * 1.0001; l *= 1.25) {
        double r = compare_at(c, 2 * l).horizontal.monthly_usd /
                   compare_at(c, l).horizontal.monthly_usd;

        if (r < 1.8 || r > 2.2)
            fail_msg("doubling from %g multiplies horizontal cost by %g", l, r);
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
    memcpy(w.instance, "h-1", 4);
    usable = 1000.0 * 1.3 * 0.7;
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
    assert_false(d.sharded);
    assert_close(d.reads_qps, 18000, 1e-12);
    assert_close(d.writes_qps, 2000, 1e-12);
    /* every box carries all writes plus its share of reads, within capacity */
    assert_true(d.writes_qps + d.reads_qps / (double)d.boxes_per_shard <= d.box_qps * 1.000001);
    w.load_rps = 1e7;
    w.db_read_fraction = 0.1;
    sl_plan_database(c, &w, &d);
    assert_true(d.sharded);
    assert_true(d.writes_qps / (double)d.shards <= d.max_primary_writes_qps * 1.000001);
    assert_true(d.shards >= (long)ceil(d.writes_qps / d.max_primary_writes_qps));
    sl_catalog_free(c);
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
    assert_int_equal(sl_plan_curve(c, &w, 1e3, 1e6, 7, pts, err, sizeof(err)), SL_OK);
    assert_close(pts[0].load_rps, 1e3, 1e-12);
    assert_close(pts[6].load_rps, 1e6, 1e-12);
    assert_close(pts[2].load_rps, 1e4, 1e-9);
    assert_true(isnan(pts[6].vertical_usd));
    assert_null(pts[6].vertical_instance);
    assert_false(isnan(pts[0].vertical_usd));
    assert_int_equal(sl_plan_curve(c, &w, 1e3, 1e2, 7, pts, err, sizeof(err)), SL_E_INVALID);
    assert_int_equal(sl_plan_curve(c, &w, 1e3, 1e6, 0, pts, err, sizeof(err)), SL_E_INVALID);
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
        cmocka_unit_test(plan_curve_points),
        cmocka_unit_test(workload_rejects_bad_fields),
    };

    return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
