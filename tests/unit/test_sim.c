/* Unit tests of the simulator against queueing theory, the state model, and its contracts. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sl_test.h"
#include "scalelab/alloc.h"
#include "scalelab/queueing.h"
#include "scalelab/sim.h"

/*
 * ---- exact results: the analytic queueing module, itself checked against the reference
 * vectors of reference/queueing.md in test_queueing.c ----
 */

/* Mean wait of M/M/c: Wq = C / (c mu - lambda). */
static double mmc_wq(int c, double lambda, double mu)
{
    return sl_erlang_c(c, lambda / mu) / (c * mu - lambda);
}

/* p-quantile of the M/M/c wait. */
static double mmc_wait_quantile(int c, double lambda, double mu, double p)
{
    return sl_mmc_wait_quantile(c, lambda, mu, p);
}

/* Blocking probability p_K of M/M/c/K. */
static double mmck_block(int c, int k, double lambda, double mu)
{
    struct sl_queue_result r;
    char err[SL_ERR_LEN];

    if (sl_queue_mmck(c, k, 1.0 / mu, lambda, &r, err, sizeof(err)) != SL_OK)
        fail_msg("M/M/%d/%d: %s", c, k, err);
    return r.drop_probability;
}

static void student_t_quantiles(void **state)
{
    (void)state;
    assert_close(sl_sim_t_quantile(1, 0.95), 12.706204736, 1e-9);
    assert_close(sl_sim_t_quantile(10, 0.95), 2.228138852, 1e-9);
    assert_close(sl_sim_t_quantile(30, 0.99), 2.749995654, 1e-9);
    assert_close(sl_sim_t_quantile(40, 0.95), 2.021075390, 1e-6);
    assert_close(sl_sim_t_quantile(120, 0.95), 1.979930405, 1e-6);
    assert_close(sl_sim_t_quantile(1000, 0.99), 2.580754698, 1e-6);
    assert_true(isnan(sl_sim_t_quantile(0, 0.95)));
    assert_true(isnan(sl_sim_t_quantile(10, 0.8)));
}

/* ---- helpers ---- */

/* One server with `cores` cores (a shared FIFO queue): M/M/c with rate lambda, service 1/mu. */
static void mm_config(struct sl_sim_config *c, long cores, double lambda, double mu,
                      uint64_t requests, uint64_t seed)
{
    sl_sim_config_init(c);
    c->servers = 1;
    c->cores = cores;
    c->load_rps = lambda;
    c->service_s = 1.0 / mu;
    c->requests = requests;
    c->seed = seed;
    c->lock_fraction = 0;
}

/*
 * Runs c and checks what must hold on every run: conservation of requests, and Little's law
 * (L measured as the time average of the number in the system, against lambda W) within 1 %.
 */
static void simulate(const struct sl_sim_config *c, struct sl_sim_result *r)
{
    char err[SL_ERR_LEN] = "";

    if (sl_sim_run(c, r, err, sizeof(err)) != SL_OK)
        fail_msg("sl_sim_run: %s", err);
    assert_true(r->offered == r->completed + r->dropped + r->timed_out + r->failed);
    assert_true(r->window_offered == r->window_completed + r->window_dropped
                                     + r->window_timed_out + r->window_failed);
    if (r->window_completed > 10000 && !r->unstable)
        assert_true(r->little_rel_error < 0.01);
}

/* Passes if est is within rel of exact, or exact lies in the 99 % batch-means interval. */
static void assert_mean_ok(const char *what, double est, double exact,
                           const struct sl_sim_ci *ci, double rel)
{
    double half99 = ci->df >= 1 ? ci->std_err * sl_sim_t_quantile(ci->df, 0.99) : 0;

    if (fabs(est - exact) <= rel * exact)
        return;
    if (ci->df >= 1 && fabs(ci->mean - exact) <= half99)
        return;
    fail_msg("%s = %.6g, expected %.6g within %.1f %% or the 99 %% interval %.6g +- %.3g",
             what, est, exact, rel * 100, ci->mean, half99);
}

/* ---- queueing theory ---- */

static void sim_mm1_rho_09(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result r;

    (void)state;
    mm_config(&c, 1, 0.9, 1.0, 8000000, 101);
    simulate(&c, &r);
    assert_mean_ok("M/M/1 Wq", r.wait_mean, 9.0, &r.wait_ci, 0.02);
    assert_mean_ok("M/M/1 W", r.resp_mean, 10.0, &r.batch_ci, 0.02);
    assert_close(r.little_l, 9.0, 0.04);
    assert_close(r.servers[0].utilization, 0.9, 0.005);
    assert_close(r.throughput_rps, 0.9, 0.005);
    sl_sim_result_release(&r);
}

static void sim_mmc_rho_05_08_09(void **state)
{
    static const double rhos[] = { 0.5, 0.8, 0.9 };
    static const uint64_t sizes[] = { 1000000, 2000000, 4000000 };
    size_t i;

    (void)state;
    for (i = 0; i < 3; i++) {
        struct sl_sim_config c;
        struct sl_sim_result r;
        double lambda = 4 * rhos[i], wq = mmc_wq(4, lambda, 1.0);

        mm_config(&c, 4, lambda, 1.0, sizes[i], 200 + i);
        simulate(&c, &r);
        assert_mean_ok("M/M/4 Wq", r.wait_mean, wq, &r.wait_ci, 0.02);
        assert_mean_ok("M/M/4 W", r.resp_mean, wq + 1.0, &r.batch_ci, 0.02);
        assert_close(r.servers[0].utilization, rhos[i], 0.01);
        if (i == 2) {
            /* the reference vector: M/M/4, lambda = 3.6, Wq = 1.969383, P(wait) = 0.787753 */
            assert_close(wq, 1.969383, 1e-6);
            assert_close(r.wait_p99, mmc_wait_quantile(4, 3.6, 1.0, 0.99), 0.02);
        }
        sl_sim_result_release(&r);
    }
}

static void sim_mmc_p99_wait(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result r;

    (void)state;
    mm_config(&c, 8, 6.4, 1.0, 2000000, 301);
    simulate(&c, &r);
    /* the p99 of 2M correlated waits varies by about +-3.6 % from seed to seed (seeds 301-310) */
    assert_close(r.wait_p99, mmc_wait_quantile(8, 6.4, 1.0, 0.99), 0.04);
    /* below the point mass at 0: P(wait = 0) = 1 - C */
    assert_true(r.wait_p50 == 0.0 || sl_erlang_c(8, 6.4) > 0.5);
    sl_sim_result_release(&r);
}

static void sim_mmck_loss(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result r;

    (void)state;
    /* M/M/1/5: one core and 4 waiting places */
    mm_config(&c, 1, 0.9, 1.0, 1000000, 401);
    c.queue = 4;
    simulate(&c, &r);
    assert_close(r.drop_fraction, 0.126023, 0.03);
    assert_close(r.throughput_rps, 0.786580, 0.01);
    sl_sim_result_release(&r);
    /* M/M/4/8, overloaded: one server of 4 cores and a shared queue of 4 */
    mm_config(&c, 4, 5.0, 1.0, 1000000, 402);
    c.queue = 4;
    simulate(&c, &r);
    assert_close(r.drop_fraction, 0.251240, 0.02);
    assert_close(r.throughput_rps, 3.743801, 0.01);
    sl_sim_result_release(&r);
    /* Erlang B, M/M/8/8: no waiting room at all */
    mm_config(&c, 8, 5.0, 1.0, 1000000, 403);
    c.queue = 0;
    simulate(&c, &r);
    assert_close(r.drop_fraction, 0.070048, 0.03);
    assert_true(r.wait_p99 == 0.0);
    sl_sim_result_release(&r);
}

static void sim_md1_and_mg1(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result r;

    (void)state;
    /* M/D/1 at rho 0.9: Wq = rho E[S] (1 + 0) / (2 (1 - rho)) = 4.5 */
    mm_config(&c, 1, 0.9, 1.0, 4000000, 501);
    c.dist = SL_RNG_DIST_DET;
    simulate(&c, &r);
    assert_mean_ok("M/D/1 Wq", r.wait_mean, 4.5, &r.wait_ci, 0.02);
    sl_sim_result_release(&r);
    /* M/G/1, gamma service with CV 2 (c_s^2 = 4): Wq = 0.9 (1 + 4) / 0.2 = 22.5 */
    mm_config(&c, 1, 0.9, 1.0, 8000000, 502);
    c.dist = SL_RNG_DIST_GAMMA;
    c.cv = 2.0;
    simulate(&c, &r);
    assert_mean_ok("M/G/1 Wq", r.wait_mean, 22.5, &r.wait_ci, 0.03);
    sl_sim_result_release(&r);
    /* M/G/1 with lognormal service, CV 0.5: Wq = 0.8 (1.25) / 0.4 = 2.5 at rho 0.8 */
    mm_config(&c, 1, 0.8, 1.0, 2000000, 503);
    c.dist = SL_RNG_DIST_LOGNORMAL;
    c.cv = 0.5;
    simulate(&c, &r);
    assert_mean_ok("M/LN/1 Wq", r.wait_mean, 2.5, &r.wait_ci, 0.02);
    sl_sim_result_release(&r);
    /* M/H2/1 with balanced means, CV 2, rho 0.7: Wq = 0.7 (1 + 4) / 0.6 = 5.8333 */
    mm_config(&c, 1, 0.7, 1.0, 4000000, 504);
    c.dist = SL_RNG_DIST_HYPEREXP;
    c.cv = 2.0;
    simulate(&c, &r);
    assert_mean_ok("M/H2/1 Wq", r.wait_mean, 0.7 * 5.0 / 0.6, &r.wait_ci, 0.03);
    sl_sim_result_release(&r);
}

/* M/M/1 with deterministic patience tau (Barrer): P(abandon) = lambda P0 e^{-(mu-lambda)tau}/mu */
static void sim_timeout_abandonment(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result r;
    double lambda = 0.9, mu = 1.0, tau = 5.0, e = exp(-(mu - lambda) * tau);
    double p0 = 1.0 / (1.0 + lambda * (1.0 - e) / (mu - lambda) + lambda * e / mu);

    (void)state;
    assert_close(p0 * lambda * e / mu, 0.107306, 1e-5);
    mm_config(&c, 1, lambda, mu, 1000000, 601);
    c.timeout_s = tau;
    simulate(&c, &r);
    assert_close((double)r.window_timed_out / (double)r.window_offered, p0 * lambda * e / mu,
                 0.03);
    assert_true(r.wait_p99 <= tau);
    sl_sim_result_release(&r);
}

/* Four separate queues: random routing makes four M/M/1 (Wq = 4 at rho 0.8); smarter is better. */
static void sim_lb_policies(void **state)
{
    static const enum sl_sim_lb lbs[] = { SL_SIM_LB_RANDOM, SL_SIM_LB_RR, SL_SIM_LB_P2C,
                                          SL_SIM_LB_LEAST };
    double wq[4];
    size_t i, k;

    (void)state;
    for (i = 0; i < 4; i++) {
        struct sl_sim_config c;
        struct sl_sim_result r;

        mm_config(&c, 1, 3.2, 1.0, 1000000, 700 + i);
        c.servers = 4;
        c.lb = lbs[i];
        simulate(&c, &r);
        wq[i] = r.wait_mean;
        assert_int_equal(r.n_servers, 4);
        for (k = 0; k < 4; k++)
            assert_close(r.servers[k].share, 0.25, 0.03);
        if (lbs[i] == SL_SIM_LB_RANDOM)
            assert_mean_ok("random Wq", wq[i], 4.0, &r.wait_ci, 0.03);
        sl_sim_result_release(&r);
    }
    assert_true(wq[1] < 0.7 * wq[0]);          /* rr beats random */
    assert_true(wq[2] < 0.7 * wq[0]);          /* p2c beats random */
    assert_true(wq[3] < wq[2]);                /* least beats p2c */
    assert_true(wq[3] > 0.98 * mmc_wq(4, 3.2, 1.0)); /* no policy beats one shared queue */
}

/* ---- state placement ---- */

static void state_config(struct sl_sim_config *c, enum sl_state s, enum sl_sim_lb lb)
{
    sl_sim_config_init(c);
    c->servers = 4;
    c->cores = 1;
    c->load_rps = 1000;
    c->service_s = 0.0005;
    c->requests = 200000;
    c->sessions = 1000;
    c->state = s;
    c->lb = lb;
    c->lock_fraction = 0.2;
    c->lock_keys = 5;
    c->seed = 900 + (uint64_t)s * 10 + (uint64_t)lb;
}

static void sim_state_memory_rr_loses_sessions(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result r;

    (void)state;
    state_config(&c, SL_STATE_MEMORY, SL_SIM_LB_RR);
    simulate(&c, &r);
    /* a returning request lands on its session's server with probability 1/N */
    assert_close(r.lost_fraction, 3.0 / 4.0, 0.015);
    assert_true(r.session_requests > 190000);
    assert_close(r.counter_error, 3.0 / 4.0, 0.02);
    assert_true(r.lock_violations > 0);
    assert_int_equal(r.sessions_destroyed, 0);
    sl_sim_result_release(&r);
}

/* Store and token keep every session; only the store keeps counters and locks right. */
static void sim_state_store_and_token_keep_sessions(void **state)
{
    static const enum sl_state modes[] = { SL_STATE_STORE, SL_STATE_TOKEN };
    size_t i;

    (void)state;
    for (i = 0; i < 2; i++) {
        struct sl_sim_config c;
        struct sl_sim_result r;

        state_config(&c, modes[i], SL_SIM_LB_RR);
        c.n_fails = 1;
        c.fails[0] = (struct sl_sim_fail){ 1, 50.0, 120.0 };
        simulate(&c, &r);
        assert_int_equal(r.sessions_lost, 0);
        assert_true(r.lost_fraction == 0.0);
        if (modes[i] == SL_STATE_TOKEN) {
            /* the counter and the locks are still per server: 4 servers, about 3/4 wrong */
            assert_close(r.counter_error, 3.0 / 4.0, 0.05);
            assert_true(r.lock_violations > 0);
        } else {
            assert_true(r.counter_error == 0.0);
            assert_int_equal(r.lock_violations, 0);
            assert_true(r.lock_conflicts > 0);
        }
        if (modes[i] == SL_STATE_STORE) {
            /* 2 operations of 0.5 ms round trip each, the store far from busy */
            assert_close(r.store_mean_delay_s, 2 * 0.0005 + 2 / 1e5, 0.05);
            assert_true(r.store_utilization > 0.015 && r.store_utilization < 0.025);
        }
        sl_sim_result_release(&r);
    }
}

static void sim_state_sticky_loses_failed_servers_sessions(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result r;

    (void)state;
    state_config(&c, SL_STATE_STICKY, SL_SIM_LB_RR);
    simulate(&c, &r);
    assert_int_equal(r.sessions_lost, 0);
    assert_true(r.counter_error > 0.7); /* stickiness does not fix a per-server counter */
    sl_sim_result_release(&r);
    /*
     * New sessions are placed round robin, so each of the 4 servers holds exactly 250 of the
     * 1000 sessions when server 2 fails at 50 s; every one of them comes back later (about 150
     * requests each) and finds its session gone, once.
     */
    c.n_fails = 1;
    c.fails[0] = (struct sl_sim_fail){ 2, 50.0, -1.0 };
    simulate(&c, &r);
    assert_int_equal(r.sessions_destroyed, 250);
    assert_int_equal(r.sessions_lost, 250);
    assert_true(r.failed <= 2);
    assert_close(r.servers[2].up_s, 50.0 - r.warmup_s, 1e-9);
    sl_sim_result_release(&r);
}

/* ---- failures, scale-out, curves ---- */

static void sim_failure_and_recovery(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result r;
    char err[SL_ERR_LEN];
    size_t i;

    (void)state;
    sl_sim_config_init(&c);
    c.servers = 2;
    c.cores = 2;
    c.load_rps = 100;
    c.service_s = 0.015;
    c.requests = 0;
    c.duration_s = 100;
    c.seed = 1001;
    assert_int_equal(sl_sim_parse_fail("0@30s-60s", &c.fails[0], err, sizeof(err)), SL_OK);
    c.n_fails = 1;
    simulate(&c, &r);
    assert_true(r.failed > 0);
    assert_close(r.warmup_s, 10.0, 1e-12);
    assert_close(r.stop_s, 100.0, 1e-12);
    assert_close(r.servers[0].up_s, 60.0, 1e-9); /* up 10-30 s and 60-100 s */
    assert_close(r.servers[1].up_s, 90.0, 1e-9);
    assert_true(r.servers[1].share > r.servers[0].share);
    for (i = 0; i < r.n_series; i++) {
        const struct sl_sim_point *p = &r.series[i];
        long expect = p->t_s >= 30 && p->t_s < 60 ? 1 : 2;

        if (p->t_s < 100)
            assert_int_equal(p->servers_up, expect);
    }
    sl_sim_result_release(&r);
}

static void sim_scale_out_with_boot_delay(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result r;
    char err[SL_ERR_LEN];

    (void)state;
    sl_sim_config_init(&c);
    c.servers = 2;
    c.load_rps = 150;
    c.service_s = 0.01;
    c.requests = 0;
    c.duration_s = 100;
    c.seed = 1101;
    assert_int_equal(sl_sim_parse_add("2@20s+10s", &c.adds[0], err, sizeof(err)), SL_OK);
    c.n_adds = 1;
    simulate(&c, &r);
    assert_int_equal(r.n_servers, 4);
    assert_true(r.servers[2].added && r.servers[3].added && !r.servers[0].added);
    assert_close(r.servers[2].up_s, 70.0, 1e-9); /* up from 30 s to 100 s */
    assert_true(r.servers[3].share > 0.1 && r.servers[0].share > r.servers[3].share);
    assert_int_equal(r.series[25].servers_up, 2);
    assert_int_equal(r.series[35].servers_up, 4);
    sl_sim_result_release(&r);
}

static void sim_rate_curve_thinning(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result r;
    char err[SL_ERR_LEN];
    uint64_t early = 0, late = 0;
    size_t i;

    (void)state;
    sl_sim_config_init(&c);
    c.servers = 8;
    c.service_s = 0.001;
    c.requests = 0;
    c.duration_s = 100;
    c.warmup_fraction = 0;
    c.seed = 1201;
    /* a ramp from 0 to 2000 requests/s: 100,000 arrivals expected (Poisson sd 316) */
    assert_int_equal(sl_sim_parse_curve("0:0,100s:2k", &c, err, sizeof(err)), SL_OK);
    simulate(&c, &r);
    assert_close((double)r.offered, 100000.0, 0.015);
    for (i = 0; i < 10; i++) {
        early += r.series[i].offered;
        late += r.series[90 + i].offered;
    }
    assert_close((double)early, 1000.0, 0.15);  /* integral of the ramp over 0-10 s */
    assert_close((double)late, 19000.0, 0.04);  /* over 90-100 s */
    sl_sim_result_release(&r);
    /* a periodic square-ish wave: 0-5 s at 1000/s, 5-10 s at 0, repeating */
    assert_int_equal(sl_sim_parse_curve("0:1k,4.999:1k,5:0,10:0", &c, err, sizeof(err)), SL_OK);
    c.curve_period_s = 10;
    simulate(&c, &r);
    assert_close((double)r.offered, 50000.0, 0.02);
    assert_int_equal(r.series[57].offered, 0);
    assert_true(r.series[52].offered > 800);
    sl_sim_result_release(&r);
}

/* ---- reproducibility, memory, boundaries ---- */

/* Compares two results field by field: scalars bit for bit, then the owned arrays. */
static void assert_same_result(const struct sl_sim_result *a, const struct sl_sim_result *b)
{
    struct sl_sim_result x = *a, y = *b;

    x.servers = y.servers = NULL;
    x.series = y.series = NULL;
    x.reps = y.reps = NULL;
    assert_int_equal(memcmp(&x, &y, sizeof(x)), 0);
    assert_int_equal(a->n_servers, b->n_servers);
    assert_int_equal(memcmp(a->servers, b->servers, a->n_servers * sizeof(*a->servers)), 0);
    assert_int_equal(a->n_series, b->n_series);
    assert_int_equal(memcmp(a->series, b->series, a->n_series * sizeof(*a->series)), 0);
    assert_int_equal(a->n_reps, b->n_reps);
    assert_int_equal(memcmp(a->reps, b->reps, a->n_reps * sizeof(*a->reps)), 0);
}

static void sim_same_seed_same_result(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result a, b;

    (void)state;
    state_config(&c, SL_STATE_MEMORY, SL_SIM_LB_P2C);
    c.timeout_s = 0.002;
    c.n_fails = 1;
    c.fails[0] = (struct sl_sim_fail){ 3, 40.0, 90.0 };
    simulate(&c, &a);
    simulate(&c, &b);
    assert_same_result(&a, &b);
    sl_sim_result_release(&b);
    c.seed++;
    simulate(&c, &b);
    assert_true(a.completed != b.completed || a.resp_mean != b.resp_mean);
    sl_sim_result_release(&a);
    sl_sim_result_release(&b);
}

static void sim_threads_do_not_change_results(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result a, b;
    size_t i;

    (void)state;
    mm_config(&c, 4, 3.6, 1.0, 100000, 1301);
    c.replications = 6;
    c.threads = 1;
    simulate(&c, &a);
    c.threads = 3;
    simulate(&c, &b);
    b.config.threads = 1;
    assert_same_result(&a, &b);
    for (i = 1; i < a.n_reps; i++)
        assert_true(a.reps[i].mean_response_s != a.reps[0].mean_response_s);
    assert_true(a.rep_ci.batches == 6 && a.rep_ci.lo < a.rep_ci.hi);
    assert_true(a.resp_ci_lo == a.rep_ci.lo);
    sl_sim_result_release(&a);
    sl_sim_result_release(&b);
}

/* Ten times the requests, not one byte more: every structure is sized by the configuration. */
static void sim_memory_does_not_grow(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result a, b;

    (void)state;
    mm_config(&c, 2, 1.9, 1.0, 200000, 1401);
    c.queue = 50;
    c.servers = 3;
    c.lb = SL_SIM_LB_LEAST;
    c.state = SL_STATE_MEMORY;
    c.lock_fraction = 0.1;
    simulate(&c, &a);
    c.requests *= 10;
    simulate(&c, &b);
    assert_true(a.bytes_used > 0);
    assert_int_equal(a.bytes_used, b.bytes_used);
    assert_true(b.n_series <= (size_t)c.series_cap);
    sl_sim_result_release(&a);
    sl_sim_result_release(&b);
    /* an unbounded queue at moderate load stays within its first allocation too */
    mm_config(&c, 1, 0.5, 1.0, 100000, 1402);
    simulate(&c, &a);
    c.requests *= 10;
    simulate(&c, &b);
    assert_int_equal(a.bytes_used, b.bytes_used);
    sl_sim_result_release(&a);
    sl_sim_result_release(&b);
}

static void sim_zero_arrivals(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result r;
    char *json;

    (void)state;
    sl_sim_config_init(&c);
    c.load_rps = 1e-9;
    c.requests = 0;
    c.duration_s = 1.0;
    simulate(&c, &r);
    assert_int_equal(r.offered, 0);
    assert_int_equal(r.completed, 0);
    assert_true(isnan(r.resp_mean) && isnan(r.resp_p99) && isnan(r.wait_p99));
    assert_true(r.throughput_rps == 0.0);
    assert_true(r.servers[0].utilization == 0.0);
    json = sl_sim_json(&r);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"p99\": null"));
    sl_free(json);
    sl_sim_result_release(&r);
}

static void sim_utilisation_towards_1(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result r;

    (void)state;
    /* rho = 0.995: stable, slow to converge; the queue grows large but the run ends */
    mm_config(&c, 1, 0.995, 1.0, 300000, 1501);
    simulate(&c, &r);
    assert_false(r.unstable);
    assert_true(r.servers[0].utilization > 0.97);
    sl_sim_result_release(&r);
    /* rho = 1.5 with an unbounded queue: reported unstable, not an error */
    mm_config(&c, 1, 1.5, 1.0, 1000000, 1502);
    c.max_in_system = 20000;
    simulate(&c, &r);
    assert_true(r.unstable);
    assert_true(r.offered < 1000000);
    sl_sim_result_release(&r);
    /* rho = 2 with a bounded queue: M/M/1/10 drops half */
    mm_config(&c, 1, 2.0, 1.0, 500000, 1503);
    c.queue = 9;
    simulate(&c, &r);
    assert_false(r.unstable);
    assert_close(r.drop_fraction, mmck_block(1, 10, 2.0, 1.0), 0.02);
    sl_sim_result_release(&r);
}

/* ---- configuration, parsers, JSON, failure injection ---- */

static void expect_bad(const struct sl_sim_config *c, enum sl_status want, const char *needle)
{
    char err[SL_ERR_LEN] = "";
    struct sl_sim_result r;

    assert_int_equal(sl_sim_check(c, err, sizeof(err)), want);
    if (!strstr(err, needle))
        fail_msg("message '%s' lacks '%s'", err, needle);
    assert_int_equal(sl_sim_run(c, &r, err, sizeof(err)), want);
    sl_sim_result_release(&r);
}

static void sim_check_rejects_bad_config(void **state)
{
    struct sl_sim_config c, base;
    char err[SL_ERR_LEN];

    (void)state;
    sl_sim_config_init(&base);
    assert_int_equal(sl_sim_check(&base, err, sizeof(err)), SL_OK);
    c = base; c.servers = 0;
    expect_bad(&c, SL_E_INVALID, "invalid servers 0 (expected 1 to 100000)");
    c = base; c.cores = -2;
    expect_bad(&c, SL_E_INVALID, "invalid cores -2");
    c = base; c.load_rps = 0;
    expect_bad(&c, SL_E_INVALID, "invalid load 0");
    c = base; c.service_s = -1;
    expect_bad(&c, SL_E_INVALID, "invalid service time -1");
    c = base; c.dist = SL_RNG_DIST_GAMMA; c.cv = 20;
    expect_bad(&c, SL_E_INVALID, "invalid cv 20 for gamma (expected 0.01 to 10)");
    c = base; c.timeout_s = -1;
    expect_bad(&c, SL_E_INVALID, "invalid timeout -1");
    c = base; c.requests = 0; c.duration_s = 0;
    expect_bad(&c, SL_E_INVALID, "requests and duration are both 0");
    c = base; c.queue = -5;
    expect_bad(&c, SL_E_INVALID, "invalid queue -5");
    c = base; c.warmup_fraction = 0.95;
    expect_bad(&c, SL_E_INVALID, "warm-up fraction 0.95");
    c = base; c.n_fails = 1; c.fails[0] = (struct sl_sim_fail){ 4, 1.0, -1 };
    expect_bad(&c, SL_E_INVALID, "invalid failing server 4 (expected 0 to 3)");
    c = base; c.n_fails = 1; c.fails[0] = (struct sl_sim_fail){ 0, 5.0, 2.0 };
    expect_bad(&c, SL_E_INVALID, "recovery time 2");
    c = base; c.n_curve = 2; c.curve[0].t_s = 5; c.curve[1].t_s = 5;
    expect_bad(&c, SL_E_INVALID, "increasing order");
    c = base; c.n_curve = 1; c.curve[0].rps = 0;
    expect_bad(&c, SL_E_INVALID, "every rate is 0");
    c = base; c.sessions = 10000000; c.replications = 256; c.threads = 256;
    expect_bad(&c, SL_E_TOO_LARGE, "simulation too large");
    c = base; c.servers = 100000; c.cores = 100;
    expect_bad(&c, SL_E_TOO_LARGE, "too many servers");
}

static void sim_parse_specs(void **state)
{
    struct sl_sim_fail f;
    struct sl_sim_add a;
    struct sl_sim_config c;
    char err[SL_ERR_LEN];
    double t;
    static const char *const bad_fail[] = { "", "2", "@30s", "x@30s", "-1@3s", "2@", "2@x",
                                            "2@30s-", "2@30s-10s", "2@30q", "2@-5s",
                                            "2@30s-60s-90s", "1234567890@1s" };
    static const char *const bad_add[] = { "", "0@40s", "2@", "2@40s+", "2@40s+x", "a@1s",
                                           "2@40", "200000@1s" };
    size_t i;

    (void)state;
    assert_int_equal(sl_sim_parse_fail("2@30s-60s", &f, err, sizeof(err)), SL_OK);
    assert_true(f.server == 2 && f.at_s == 30.0 && f.recover_s == 60.0);
    assert_int_equal(sl_sim_parse_fail("0@1.5m", &f, err, sizeof(err)), SL_OK);
    assert_true(f.server == 0 && f.at_s == 90.0 && f.recover_s < 0);
    assert_int_equal(sl_sim_parse_fail("1@500ms-1e3", &f, err, sizeof(err)), SL_OK);
    assert_true(f.at_s == 0.5 && f.recover_s == 1000.0);
    for (i = 0; i < sizeof(bad_fail) / sizeof(bad_fail[0]); i++) {
        if (sl_sim_parse_fail(bad_fail[i], &f, err, sizeof(err)) != SL_E_INVALID)
            fail_msg("failure spec '%s' accepted", bad_fail[i]);
        assert_non_null(strstr(err, "invalid failure spec"));
    }
    assert_int_equal(sl_sim_parse_add("2@40s", &a, err, sizeof(err)), SL_OK);
    assert_true(a.count == 2 && a.at_s == 40.0 && a.boot_s < 0);
    assert_int_equal(sl_sim_parse_add("4@1m+30s", &a, err, sizeof(err)), SL_OK);
    assert_true(a.count == 4 && a.at_s == 60.0 && a.boot_s == 30.0);
    for (i = 0; i < sizeof(bad_add) / sizeof(bad_add[0]); i++) {
        /* "2@40" is fine: a bare number is seconds */
        enum sl_status want = !strcmp(bad_add[i], "2@40") ? SL_OK : SL_E_INVALID;

        if (sl_sim_parse_add(bad_add[i], &a, err, sizeof(err)) != want)
            fail_msg("scale-out spec '%s' gave the wrong status", bad_add[i]);
    }
    assert_int_equal(sl_sim_parse_time("2h", &t), SL_OK);
    assert_true(t == 7200.0);
    assert_int_equal(sl_sim_parse_time(" 1e3s ", &t), SL_OK);
    assert_true(t == 1000.0);
    assert_int_equal(sl_sim_parse_time("5q", &t), SL_E_INVALID);
    assert_int_equal(sl_sim_parse_time("-3s", &t), SL_E_INVALID);
    assert_int_equal(sl_sim_parse_time("s", &t), SL_E_INVALID);
    sl_sim_config_init(&c);
    assert_int_equal(sl_sim_parse_curve("0:100,60s:1k,2m:0", &c, err, sizeof(err)), SL_OK);
    assert_int_equal(c.n_curve, 3);
    assert_true(c.curve[1].t_s == 60.0 && c.curve[1].rps == 1000.0 && c.curve[2].rps == 0.0);
    assert_int_equal(sl_sim_parse_curve("0:100,0:200", &c, err, sizeof(err)), SL_E_INVALID);
    assert_non_null(strstr(err, "invalid rate curve '0:100,0:200'"));
    assert_int_equal(sl_sim_parse_curve("0:-1", &c, err, sizeof(err)), SL_E_INVALID);
    assert_int_equal(sl_sim_parse_curve("", &c, err, sizeof(err)), SL_E_INVALID);
    assert_string_equal(sl_sim_lb_name(SL_SIM_LB_P2C), "p2c");
}

static void sim_json_contract(void **state)
{
    static const char *const order[] = { "seed", "offered", "completed", "dropped",
                                         "timed_out", "throughput_rps", "response_s", "wait_s",
                                         "servers", "state" };
    struct sl_sim_config c;
    struct sl_sim_result r;
    json_error_t jerr;
    json_t *doc, *resp, *ci;
    const char *key;
    json_t *value;
    size_t i = 0;
    char *text;

    (void)state;
    state_config(&c, SL_STATE_MEMORY, SL_SIM_LB_RR);
    c.requests = 20000;
    c.replications = 2;
    simulate(&c, &r);
    text = sl_sim_json(&r);
    assert_non_null(text);
    doc = json_loads(text, 0, &jerr);
    assert_non_null(doc);
    json_object_foreach(doc, key, value) {
        if (i < sizeof(order) / sizeof(order[0]))
            assert_string_equal(key, order[i]);
        i++;
    }
    (void)value;
    assert_int_equal(json_integer_value(json_object_get(doc, "seed")), c.seed);
    resp = json_object_get(doc, "response_s");
    ci = json_object_get(resp, "mean_ci95");
    assert_true(json_is_array(ci) && json_array_size(ci) == 2);
    assert_true(json_real_value(json_array_get(ci, 0)) < json_real_value(json_array_get(ci, 1)));
    assert_true(json_is_real(json_object_get(resp, "p999")));
    assert_true(json_is_real(json_object_get(json_object_get(doc, "wait_s"), "p99")));
    assert_int_equal(json_array_size(json_object_get(doc, "servers")), 4);
    assert_true(json_is_real(json_object_get(json_array_get(json_object_get(doc, "servers"), 0),
                                             "utilization")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "state"),
                                                          "mode")), "memory");
    assert_true(json_array_size(json_object_get(doc, "series")) == r.n_series);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "replications"),
                                                        "count")), 2);
    json_decref(doc);
    sl_free(text);
    sl_sim_result_release(&r);
}

static void progress_cb(void *ctx, double fraction)
{
    double *last = ctx;

    assert_true(fraction >= last[0] - 1e-12 && fraction <= 1.0);
    last[0] = fraction;
    last[1] += 1;
}

static void sim_progress_callback(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result r;
    double seen[2] = { 0, 0 };

    (void)state;
    mm_config(&c, 1, 0.5, 1.0, 300000, 1601);
    c.progress = progress_cb;
    c.progress_ctx = seen;
    simulate(&c, &r);
    assert_true(seen[0] == 1.0);
    assert_true(seen[1] >= 5);
    assert_null(r.config.progress);
    sl_sim_result_release(&r);
}

/* Every allocation of a run and of the encoder fails once in turn: clean errors, no leaks. */
static void sim_out_of_memory(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result r;
    char err[SL_ERR_LEN];
    enum sl_status st = SL_E_NOMEM;
    char *text = NULL;
    long n;

    (void)state;
    state_config(&c, SL_STATE_MEMORY, SL_SIM_LB_RR);
    c.requests = 2000;
    c.replications = 2;
    c.threads = 2;
    c.queue = 100;
    for (n = 1; st != SL_OK && n < 200; n++) {
        sl_alloc_fail_at(n);
        st = sl_sim_run(&c, &r, err, sizeof(err));
        sl_alloc_fail_at(0);
        assert_true(st == SL_OK || st == SL_E_NOMEM);
        if (st == SL_E_NOMEM)
            sl_sim_result_release(&r);
    }
    assert_int_equal(st, SL_OK);
    for (n = 1; !text && n < 2000; n++) {
        sl_alloc_fail_at(n);
        text = sl_sim_json(&r);
        sl_alloc_fail_at(0);
    }
    assert_non_null(text);
    sl_free(text);
    sl_sim_result_release(&r);
}

/*
 * Coverage: the 95 % interval of the mean wait holds the exact Erlang C value in at least 90 % of
 * 150 runs of 20,000 requests each, on M/M/1 at rho 0.8 and M/M/4 at rho 0.8 (seeds 1..150).
 */
static void sim_interval_covers(void **state)
{
    static const struct { long c; double lambda; } models[] = { { 1, 0.8 }, { 4, 3.2 } };
    size_t m;

    (void)state;
    for (m = 0; m < 2; m++) {
        double exact = sl_erlang_c(models[m].c, models[m].lambda) /
                       ((double)models[m].c - models[m].lambda);
        int covered = 0, runs = 150;
        uint64_t seed;

        for (seed = 1; seed <= (uint64_t)runs; seed++) {
            struct sl_sim_config c;
            struct sl_sim_result r;
            char err[SL_ERR_LEN];

            mm_config(&c, models[m].c, models[m].lambda, 1.0, 20000, seed);
            assert_int_equal(sl_sim_run(&c, &r, err, sizeof(err)), SL_OK);
            covered += r.wait_ci.lo <= exact && exact <= r.wait_ci.hi;
            assert_true(r.wait_ci.batches >= 20);
            sl_sim_result_release(&r);
        }
        if (covered < (int)(0.9 * runs))
            fail_msg("M/M/%ld: %d of %d intervals hold the exact mean wait %g", models[m].c,
                     covered, runs, exact);
    }
}

/* Replications of different seeds share no run; a seed beyond 2^63 keeps every digit. */
static void sim_replications_are_independent(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result a, b;
    char err[SL_ERR_LEN], *text;
    size_t i, j;

    (void)state;
    mm_config(&c, 1, 0.7, 1.0, 3000, 1);
    c.replications = 3;
    assert_int_equal(sl_sim_run(&c, &a, err, sizeof(err)), SL_OK);
    c.seed = 2;
    assert_int_equal(sl_sim_run(&c, &b, err, sizeof(err)), SL_OK);
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            if (a.reps[i].mean_response_s == b.reps[j].mean_response_s)
                fail_msg("seed 1 replication %zu equals seed 2 replication %zu", i, j);
    for (i = 0; i < 3; i++)
        for (j = i + 1; j < 3; j++)
            assert_true(a.reps[i].mean_response_s != a.reps[j].mean_response_s);
    sl_sim_result_release(&a);
    sl_sim_result_release(&b);
    c.seed = 18446744073709551615ULL;
    c.replications = 1;
    assert_int_equal(sl_sim_run(&c, &a, err, sizeof(err)), SL_OK);
    text = sl_sim_json(&a);
    assert_non_null(strstr(text, "\"18446744073709551615\""));
    sl_free(text);
    sl_sim_result_release(&a);
}

/* A set cancel flag stops a run at once (SL_E_CANCELLED), and a result can still be released. */
static void sim_cancel_flag_stops_the_run(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result r;
    char err[SL_ERR_LEN];
    atomic_int cancel = 1;

    (void)state;
    mm_config(&c, 4, 3.6, 1.0, 1000000000ULL, 1); /* hours of work if the flag were ignored */
    c.replications = 3;
    c.threads = 2;
    c.cancel = &cancel;
    assert_int_equal(sl_sim_run(&c, &r, err, sizeof(err)), SL_E_CANCELLED);
    assert_non_null(strstr(err, "cancelled"));
    sl_sim_result_release(&r);
    c.lb = SL_SIM_LB_LEAST;
    c.servers = 50000;
    c.cores = 1;
    assert_int_equal(sl_sim_run(&c, &r, err, sizeof(err)), SL_E_CANCELLED);
    sl_sim_result_release(&r);
}

/* The cost estimate grows with the work: arrivals, replications, and least's scan of servers. */
static void sim_cost_follows_the_work(void **state)
{
    struct sl_sim_config c;
    double base, twice;

    (void)state;
    mm_config(&c, 1, 0.5, 1.0, 1000, 1);
    c.servers = 100;
    base = sl_sim_cost(&c);
    assert_close(sl_sim_cost_per_arrival(&c), 2.0, 1e-12);
    c.requests = 2000;
    twice = sl_sim_cost(&c);
    assert_close(twice - base, 1000 * 2.0, 1e-12);
    c.replications = 3;
    assert_close(sl_sim_cost(&c), 3 * twice, 1e-12);
    c.replications = 1;
    c.lb = SL_SIM_LB_LEAST;
    assert_close(sl_sim_cost_per_arrival(&c), 2.0 + 100 / 16.0, 1e-12);
    /* a run by duration counts the arrivals its rate brings */
    c.lb = SL_SIM_LB_RR;
    c.requests = 0;
    c.duration_s = 10;
    c.load_rps = 50;
    assert_close(sl_sim_cost(&c) - (100.0 * c.cores + (double)c.sessions +
                                    (double)c.lock_keys) / 8.0, 500 * 2.0, 1e-9);
}

static void *json_alloc(size_t n)
{
    return sl_malloc(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(student_t_quantiles),
        cmocka_unit_test(sim_mm1_rho_09),
        cmocka_unit_test(sim_mmc_rho_05_08_09),
        cmocka_unit_test(sim_mmc_p99_wait),
        cmocka_unit_test(sim_mmck_loss),
        cmocka_unit_test(sim_md1_and_mg1),
        cmocka_unit_test(sim_timeout_abandonment),
        cmocka_unit_test(sim_lb_policies),
        cmocka_unit_test(sim_state_memory_rr_loses_sessions),
        cmocka_unit_test(sim_state_store_and_token_keep_sessions),
        cmocka_unit_test(sim_state_sticky_loses_failed_servers_sessions),
        cmocka_unit_test(sim_failure_and_recovery),
        cmocka_unit_test(sim_scale_out_with_boot_delay),
        cmocka_unit_test(sim_rate_curve_thinning),
        cmocka_unit_test(sim_same_seed_same_result),
        cmocka_unit_test(sim_threads_do_not_change_results),
        cmocka_unit_test(sim_memory_does_not_grow),
        cmocka_unit_test(sim_zero_arrivals),
        cmocka_unit_test(sim_utilisation_towards_1),
        cmocka_unit_test(sim_check_rejects_bad_config),
        cmocka_unit_test(sim_parse_specs),
        cmocka_unit_test(sim_json_contract),
        cmocka_unit_test(sim_progress_callback),
        cmocka_unit_test(sim_out_of_memory),
        cmocka_unit_test(sim_cancel_flag_stops_the_run),
        cmocka_unit_test(sim_interval_covers),
        cmocka_unit_test(sim_replications_are_independent),
        cmocka_unit_test(sim_cost_follows_the_work),
    };

    json_set_alloc_funcs(json_alloc, sl_free);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
