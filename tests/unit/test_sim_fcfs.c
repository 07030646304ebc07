/* Unit tests of the simulator's FCFS shortcut: the event loop's run, figure for figure. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "sl_test.h"
#include "scalelab/alloc.h"
#include "scalelab/sim.h"
#include "lib/sim_int.h"

/*
 * The shortcut draws the same variates in the same order as the event loop and gives every
 * request the same start and departure, recorded in the same order, so every count, histogram,
 * batch and lock figure must be equal bit for bit. Only the time integrals (number in system,
 * busy cores) are summed another way (per request rather than per event), and a series bucket's
 * response sum may be merged with its neighbour at another moment: those agree to rounding.
 */

#define ROUNDING 1e-9

/* One server of `cores` cores at rate lambda, mean service 1 ms, `requests` arrivals. */
static void fcfs_config(struct sl_sim_config *c, long cores, double lambda, uint64_t requests,
                        uint64_t seed)
{
    sl_sim_config_init(c);
    c->servers = 1;
    c->cores = cores;
    c->load_rps = lambda;
    c->service_s = 0.001;
    c->requests = requests;
    c->seed = seed;
}

/* A replication of c, run by the shortcut (fcfs = 1) or by the event loop (fcfs = 0). */
static struct sim_state *run_with(const struct sl_sim_config *c, int fcfs)
{
    char err[SL_ERR_LEN] = "";
    struct sim_state *st;

    if (sl_sim_check(c, err, sizeof(err)) != SL_OK)
        fail_msg("sl_sim_check: %s", err);
    st = sl_sim_state_new(c, c->seed, 0, NULL);
    assert_non_null(st);
    assert_int_equal(st->fcfs, 1); /* the model is one the shortcut takes */
    st->fcfs = fcfs;
    assert_int_equal(sl_sim_state_run(st), SL_OK);
    return st;
}

static void assert_same_hist(const struct sl_hist *a, const struct sl_hist *b)
{
    assert_memory_equal(a, b, sizeof(*a));
}

static void assert_same_batches(const struct sim_batches *a, const struct sim_batches *b)
{
    assert_int_equal(a->k, b->k);
    assert_int_equal(a->size, b->size);
    assert_int_equal(a->left, b->left);
    assert_memory_equal(a->sum, b->sum, a->k * sizeof(a->sum[0]));
    assert_memory_equal(a->end_t, b->end_t, a->k * sizeof(a->end_t[0]));
}

/* Fails unless a and b agree to rounding, relative to the scale of the figure. */
static void assert_rounding(double a, double b, double scale)
{
    if (!(fabs(a - b) <= ROUNDING * fabs(scale)))
        fail_msg("%.17g and %.17g differ by more than rounding", a, b);
}

/* The event loop's run of c and the shortcut's, compared field by field. */
static void assert_same_run(const struct sl_sim_config *c)
{
    struct sim_state *ev = run_with(c, 0), *fc = run_with(c, 1);
    const struct sim_server *se = &ev->srv[0], *sf = &fc->srv[0];
    size_t i;

    if (fc->track_sessions)
        assert_true(fc->session_requests > 0); /* the case does what it says */
    if (fc->store)
        assert_true(fc->store_reqs > 0);
    assert_int_equal(ev->offered, fc->offered);
    assert_int_equal(ev->completed, fc->completed);
    assert_int_equal(ev->dropped, fc->dropped);
    assert_int_equal(ev->w_offered, fc->w_offered);
    assert_int_equal(ev->w_completed, fc->w_completed);
    assert_int_equal(ev->w_dropped, fc->w_dropped);
    assert_int_equal(ev->w_departed, fc->w_departed);
    assert_int_equal(ev->tp_count, fc->tp_count);
    assert_int_equal(ev->events, fc->events);
    assert_int_equal(ev->scheduled, fc->scheduled);
    assert_int_equal(ev->in_system, fc->in_system);
    assert_int_equal(ev->unstable, fc->unstable);
    assert_int_equal(ev->locks_taken, fc->locks_taken);
    assert_int_equal(ev->lock_conflicts, fc->lock_conflicts);
    assert_int_equal(ev->lock_violations, fc->lock_violations);
    assert_int_equal(ev->session_requests, fc->session_requests);
    assert_int_equal(ev->sessions_lost, fc->sessions_lost);
    assert_int_equal(ev->store_reqs, fc->store_reqs);
    assert_memory_equal(&ev->store_busy, &fc->store_busy, sizeof(ev->store_busy));
    assert_memory_equal(&ev->store_delay, &fc->store_delay, sizeof(ev->store_delay));
    assert_int_equal(se->routed_w, sf->routed_w);
    assert_int_equal(se->completed_w, sf->completed_w);
    assert_memory_equal(&ev->tw, &fc->tw, sizeof(ev->tw));
    assert_memory_equal(&ev->ts, &fc->ts, sizeof(ev->ts));
    assert_memory_equal(&ev->w_sojourn, &fc->w_sojourn, sizeof(ev->w_sojourn));
    assert_memory_equal(&ev->counter_err, &fc->counter_err, sizeof(ev->counter_err));
    assert_same_hist(&ev->resp, &fc->resp);
    assert_same_hist(&ev->wait, &fc->wait);
    assert_same_batches(&ev->mser, &fc->mser);
    assert_same_batches(&ev->mser_wait, &fc->mser_wait);
    /* the integrals over the window, and up to each mark */
    assert_rounding(ev->area_s - ev->area_w, fc->area_s - fc->area_w, ev->area_s);
    assert_rounding(ev->area_w, fc->area_w, ev->area_s);
    assert_rounding(se->busy_s - se->busy_w, sf->busy_s - sf->busy_w, se->busy_s);
    assert_rounding(se->busy_w, sf->busy_w, se->busy_s);
    assert_rounding(se->up_s - se->up_w, sf->up_s - sf->up_w, se->up_s);
    assert_int_equal(ev->series.used, fc->series.used);
    assert_memory_equal(&ev->series.width, &fc->series.width, sizeof(double));
    for (i = 0; i < ev->series.used; i++) {
        const struct sl_sim_point *p = &ev->series.p[i], *q = &fc->series.p[i];

        assert_int_equal(p->offered, q->offered);
        assert_int_equal(p->completed, q->completed);
        assert_int_equal(p->dropped, q->dropped);
        assert_int_equal(p->servers_up, q->servers_up);
        assert_rounding(p->mean_response_s, q->mean_response_s, p->mean_response_s);
    }
    sl_sim_state_free(ev);
    sl_sim_state_free(fc);
}

/* M/M/1 and M/M/4 near saturation, with locks on a few keys (conflicts every few hundred). */
static void sim_fcfs_mmc_matches_event_loop(void **state)
{
    static const long cores[] = { 1, 4, 16 };
    struct sl_sim_config c;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cores) / sizeof(cores[0]); i++) {
        fcfs_config(&c, cores[i], 950.0 * (double)cores[i], 400000, 20 + i);
        c.lock_fraction = 0.2;
        c.lock_keys = 7;
        assert_same_run(&c);
    }
    fcfs_config(&c, 4, 3600, 400000, 31);
    c.state = SL_STATE_TOKEN; /* counters in the server's memory: one server, never behind */
    c.lock_fraction = 0.05;
    c.warmup_fraction = 0;
    assert_same_run(&c);
}

/* Finite waiting rooms (M/M/c/K drops), none at all (M/M/c/c), and overload. */
static void sim_fcfs_bounded_queue_matches_event_loop(void **state)
{
    static const long rooms[] = { 0, 1, 3, 20 };
    struct sl_sim_config c;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rooms) / sizeof(rooms[0]); i++) {
        fcfs_config(&c, 4, 4400, 200000, 40 + i);
        c.queue = rooms[i];
        assert_same_run(&c);
    }
}

/* Other service times: constant (departures meet arrivals' grid), lognormal, gamma. */
static void sim_fcfs_service_laws_match_event_loop(void **state)
{
    static const enum sl_rng_dist_kind laws[] = { SL_RNG_DIST_DET, SL_RNG_DIST_LOGNORMAL,
                                                  SL_RNG_DIST_GAMMA };
    struct sl_sim_config c;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(laws) / sizeof(laws[0]); i++) {
        fcfs_config(&c, 3, 2700, 200000, 50 + i);
        c.dist = laws[i];
        c.cv = 2.0;
        assert_same_run(&c);
    }
}

/*
 * Every balancer on one server, sessions kept in its memory (none lost, every repeat counted),
 * and state in the shared store, whose delay queues in start order.
 */
static void sim_fcfs_state_and_balancers_match_event_loop(void **state)
{
    static const enum sl_sim_lb lbs[] = { SL_SIM_LB_RANDOM, SL_SIM_LB_LEAST, SL_SIM_LB_P2C,
                                          SL_SIM_LB_STICKY };
    static const enum sl_state states[] = { SL_STATE_MEMORY, SL_STATE_STICKY, SL_STATE_STORE,
                                            SL_STATE_TOKEN };
    struct sl_sim_config c;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(lbs) / sizeof(lbs[0]); i++) {
        fcfs_config(&c, 4, 3400, 200000, 90 + i);
        c.lb = lbs[i];
        c.state = states[i];
        c.sessions = 300;
        c.lock_fraction = 0.1;
        c.lock_keys = 5;
        c.store_capacity_ops = 7500; /* the store near saturation: its queue matters */
        assert_same_run(&c);
    }
}

/* Runs by duration (scheduled warm-up and stop marks), with and without a warm-up. */
static void sim_fcfs_duration_matches_event_loop(void **state)
{
    struct sl_sim_config c;

    (void)state;
    fcfs_config(&c, 4, 3000, 0, 60);
    c.duration_s = 40;
    assert_same_run(&c);
    c.warmup_fraction = 0;
    assert_same_run(&c);
    c.requests = 50000; /* the count comes first */
    c.warmup_fraction = 0.3;
    assert_same_run(&c);
}

/* An unstable queue stops at the same arrival when the system reaches max_in_system. */
static void sim_fcfs_unstable_matches_event_loop(void **state)
{
    struct sl_sim_config c;

    (void)state;
    fcfs_config(&c, 4, 5000, 200000, 70);
    c.max_in_system = 3000;
    assert_same_run(&c);
    fcfs_config(&c, 4, 5000, 200000, 71);
    c.max_in_system = 3; /* below the cores: counted while a core is still free */
    assert_same_run(&c);
}

/* Every allocation of a run through the shortcut may fail: the run says so and leaks nothing. */
static void sim_fcfs_out_of_memory(void **state)
{
    struct sl_sim_config c;
    struct sl_sim_result r;
    char err[SL_ERR_LEN];
    enum sl_status st = SL_E_NOMEM;
    long n, failed = 0;

    (void)state;
    fcfs_config(&c, 2, 2400, 20000, 100); /* overloaded: the waiting ring grows several times */
    c.queue = 5000;
    for (n = 1; st != SL_OK && n < 200; n++) {
        sl_alloc_fail_at(n);
        st = sl_sim_run(&c, &r, err, sizeof(err));
        sl_alloc_fail_at(0);
        assert_true(st == SL_OK || st == SL_E_NOMEM);
        failed += st == SL_E_NOMEM;
        sl_sim_result_release(&r);
    }
    assert_int_equal(st, SL_OK);
    assert_true(failed >= 4); /* the state, the ring, the lock list, a growth of the ring */
}

/* Models the shortcut is not exact for keep the event loop. */
static void sim_fcfs_only_where_exact(void **state)
{
    struct sl_sim_config c, base;
    struct sim_state *st;
    int i;

    (void)state;
    fcfs_config(&base, 4, 3000, 1000, 80);
    for (i = 0; i < 6; i++) {
        c = base;
        if (i == 0) {
            c.servers = 2; /* routing across servers */
        } else if (i == 1) {
            c.timeout_s = 0.01; /* abandonment */
        } else if (i == 2) {
            c.n_fails = 1; /* a failure empties the server */
            c.fails[0].server = 0;
            c.fails[0].at_s = 0.1;
            c.fails[0].recover_s = -1;
        } else if (i == 3) {
            c.n_curve = 2; /* a rate curve is thinned against the clock */
            c.curve[0].t_s = 0;
            c.curve[0].rps = 1000;
            c.curve[1].t_s = 1;
            c.curve[1].rps = 3000;
        } else if (i == 4) {
            c.n_adds = 1; /* a second server boots */
            c.adds[0].count = 1;
            c.adds[0].at_s = 0.1;
            c.adds[0].boot_s = -1;
        } else {
            c.load_rps = 0; /* no arrivals at all, by duration */
            c.requests = 0;
            c.duration_s = 10;
        }
        st = sl_sim_state_new(&c, c.seed, 0, NULL);
        assert_non_null(st);
        if (st->fcfs)
            fail_msg("case %d takes the shortcut", i);
        sl_sim_state_free(st);
    }
    st = sl_sim_state_new(&base, base.seed, 0, NULL);
    assert_non_null(st);
    assert_int_equal(st->fcfs, 1);
    sl_sim_state_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sim_fcfs_mmc_matches_event_loop),
        cmocka_unit_test(sim_fcfs_bounded_queue_matches_event_loop),
        cmocka_unit_test(sim_fcfs_service_laws_match_event_loop),
        cmocka_unit_test(sim_fcfs_state_and_balancers_match_event_loop),
        cmocka_unit_test(sim_fcfs_duration_matches_event_loop),
        cmocka_unit_test(sim_fcfs_unstable_matches_event_loop),
        cmocka_unit_test(sim_fcfs_out_of_memory),
        cmocka_unit_test(sim_fcfs_only_where_exact),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
