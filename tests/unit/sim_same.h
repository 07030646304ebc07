/* The simulator's shortcuts held to the event loop, figure for figure (test_sim_fcfs, _fleet). */
/* SPDX-License-Identifier: MIT */
#ifndef SL_SIM_SAME_H
#define SL_SIM_SAME_H

#include <string.h>

#include "sl_test.h"
#include "scalelab/alloc.h"
#include "scalelab/sim.h"
#include "lib/sim_int.h"

/*
 * A shortcut draws the same variates in the same order as the event loop and gives every
 * request the same start and departure, recorded in the same order, so every count, histogram,
 * batch and lock figure must be equal bit for bit. Only the time integrals (number in system,
 * busy cores) are summed another way (per request rather than per event), and a series bucket's
 * response sum may be merged with its neighbour at another moment: those agree to rounding.
 */

#define SIM_SAME_ROUNDING 1e-9

/* Which engine runs a replication. */
enum sim_same_engine {
    SIM_SAME_EVENTS,   /* the event loop */
    SIM_SAME_FCFS,     /* the FCFS shortcut, which the model must take */
    SIM_SAME_FLEET,    /* the fleet shortcut, which the model must take */
    SIM_SAME_FORCED    /* the fleet shortcut, on a model it is exact for but leaves */
};

/* A replication of c, run by the engine e. */
static inline struct sim_state *sim_same_run(const struct sl_sim_config *c,
                                             enum sim_same_engine e)
{
    char err[SL_ERR_LEN] = "";
    struct sim_state *st;

    if (sl_sim_check(c, err, sizeof(err)) != SL_OK)
        fail_msg("sl_sim_check: %s", err);
    st = sl_sim_state_new(c, c->seed, 0, NULL);
    assert_non_null(st);
    if (e == SIM_SAME_FCFS)
        assert_int_equal(st->fcfs, 1); /* the model is one the shortcut takes */
    else if (e == SIM_SAME_FLEET)
        assert_int_equal(st->fleet, 1);
    st->fcfs = e == SIM_SAME_FCFS;
    st->fleet = e == SIM_SAME_FLEET || e == SIM_SAME_FORCED;
    assert_int_equal(sl_sim_state_run(st), SL_OK);
    return st;
}

/*
 * Runs c with its n-th allocation failing, n = 1, 2, ... until a run succeeds (before limit):
 * each says so or succeeds, and leaks nothing (ASan). Returns how many runs failed.
 */
static inline long sim_same_out_of_memory(const struct sl_sim_config *c, long limit)
{
    struct sl_sim_result r;
    char err[SL_ERR_LEN];
    enum sl_status st = SL_E_NOMEM;
    long n, failed = 0;

    for (n = 1; st != SL_OK && n < limit; n++) {
        sl_alloc_fail_at(n);
        st = sl_sim_run(c, &r, err, sizeof(err));
        sl_alloc_fail_at(0);
        assert_true(st == SL_OK || st == SL_E_NOMEM);
        failed += st == SL_E_NOMEM;
        sl_sim_result_release(&r);
    }
    assert_int_equal(st, SL_OK);
    return failed;
}

/* Fails unless the model c takes the shortcut e (SIM_SAME_FCFS or _FLEET), or none (_EVENTS). */
static inline void sim_same_takes(const struct sl_sim_config *c, enum sim_same_engine e)
{
    struct sim_state *st = sl_sim_state_new(c, c->seed, 0, NULL);

    assert_non_null(st);
    if (st->fcfs != (e == SIM_SAME_FCFS) || st->fleet != (e == SIM_SAME_FLEET))
        fail_msg("the model takes fcfs %d, fleet %d", st->fcfs, st->fleet);
    sl_sim_state_free(st);
}

static inline void sim_same_batches(const struct sim_batches *a, const struct sim_batches *b)
{
    assert_int_equal(a->k, b->k);
    assert_int_equal(a->size, b->size);
    assert_int_equal(a->left, b->left);
    assert_memory_equal(a->sum, b->sum, a->k * sizeof(a->sum[0]));
    assert_memory_equal(a->end_t, b->end_t, a->k * sizeof(a->end_t[0]));
}

/* Fails unless a and b agree to rounding, relative to the scale of the figure. */
static inline void sim_same_rounding(double a, double b, double scale)
{
    if (!(fabs(a - b) <= SIM_SAME_ROUNDING * fabs(scale)))
        fail_msg("%.17g and %.17g differ by more than rounding", a, b);
}

/* The figures of one server. */
static inline void sim_same_server(const struct sim_server *se, const struct sim_server *sf)
{
    assert_int_equal(se->routed_w, sf->routed_w);
    assert_int_equal(se->completed_w, sf->completed_w);
    assert_int_equal(se->counter, sf->counter);
    sim_same_rounding(se->busy_s - se->busy_w, sf->busy_s - sf->busy_w, se->busy_s);
    sim_same_rounding(se->busy_w, sf->busy_w, se->busy_s);
    sim_same_rounding(se->up_s - se->up_w, sf->up_s - sf->up_w, se->up_s);
}

/* The event loop's run of c and the shortcut e's, compared field by field. */
static inline void sim_same_assert(const struct sl_sim_config *c, enum sim_same_engine e)
{
    struct sim_state *ev = sim_same_run(c, SIM_SAME_EVENTS), *fc = sim_same_run(c, e);
    long i;

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
    assert_memory_equal(&ev->tw, &fc->tw, sizeof(ev->tw));
    assert_memory_equal(&ev->ts, &fc->ts, sizeof(ev->ts));
    assert_memory_equal(&ev->w_sojourn, &fc->w_sojourn, sizeof(ev->w_sojourn));
    assert_memory_equal(&ev->counter_err, &fc->counter_err, sizeof(ev->counter_err));
    assert_memory_equal(&ev->resp, &fc->resp, sizeof(ev->resp));
    assert_memory_equal(&ev->wait, &fc->wait, sizeof(ev->wait));
    sim_same_batches(&ev->mser, &fc->mser);
    sim_same_batches(&ev->mser_wait, &fc->mser_wait);
    /* the integrals over the window, and up to each mark */
    sim_same_rounding(ev->area_s - ev->area_w, fc->area_s - fc->area_w, ev->area_s);
    sim_same_rounding(ev->area_w, fc->area_w, ev->area_s);
    assert_int_equal(ev->n_srv, fc->n_srv);
    for (i = 0; i < ev->n_srv; i++)
        sim_same_server(&ev->srv[i], &fc->srv[i]);
    assert_int_equal(ev->series.used, fc->series.used);
    assert_memory_equal(&ev->series.width, &fc->series.width, sizeof(double));
    for (i = 0; i < (long)ev->series.used; i++) {
        const struct sl_sim_point *p = &ev->series.p[i], *q = &fc->series.p[i];

        assert_int_equal(p->offered, q->offered);
        assert_int_equal(p->completed, q->completed);
        assert_int_equal(p->dropped, q->dropped);
        assert_int_equal(p->servers_up, q->servers_up);
        sim_same_rounding(p->mean_response_s, q->mean_response_s, p->mean_response_s);
    }
    sl_sim_state_free(ev);
    sl_sim_state_free(fc);
}

/*
 * Breaks, in c, the i-th condition every shortcut needs (0 <= i < SIM_SAME_INEXACT): server 0
 * fails, a server boots, clients time out, the rate follows a curve, or nothing arrives.
 */
#define SIM_SAME_INEXACT 5
static inline void sim_same_inexact(struct sl_sim_config *c, int i)
{
    if (i == 0) {
        c->n_fails = 1; /* a failure empties the server */
        c->fails[0].server = 0;
        c->fails[0].at_s = 0.1;
        c->fails[0].recover_s = -1;
    } else if (i == 1) {
        c->n_adds = 1; /* a server boots */
        c->adds[0].count = 1;
        c->adds[0].at_s = 0.1;
        c->adds[0].boot_s = -1;
    } else if (i == 2) {
        c->timeout_s = 0.01; /* abandonment */
    } else if (i == 3) {
        c->n_curve = 2; /* a rate curve is thinned against the clock */
        c->curve[0].t_s = 0;
        c->curve[0].rps = 1000;
        c->curve[1].t_s = 1;
        c->curve[1].rps = 3000;
    } else {
        c->load_rps = 0; /* no arrivals at all, by duration */
        c->requests = 0;
        c->duration_s = 10;
    }
}

#endif
