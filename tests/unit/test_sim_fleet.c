/* Unit tests of the simulator's fleet shortcut: the event loop's run, figure for figure. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "scalelab/alloc.h"
#include "sim_same.h"

/* n servers of `cores` cores behind round robin at utilisation rho, mean service 1 ms. */
static void fleet_config(struct sl_sim_config *c, long n, long cores, double rho,
                         uint64_t requests, uint64_t seed)
{
    sl_sim_config_init(c);
    c->servers = n;
    c->cores = cores;
    c->lb = SL_SIM_LB_RR;
    c->load_rps = rho * 1000.0 * (double)(n * cores);
    c->service_s = 0.001;
    c->requests = requests;
    c->seed = seed;
}

/*
 * Fleets of one-core and several-core servers near saturation, the shapes the bench runs among
 * them, with locks on a few keys: per-server locks (token) book some twice across servers, a
 * shared store refuses them.
 */
static void sim_fleet_shapes_match_event_loop(void **state)
{
    static const long shapes[][2] = { { 2, 1 }, { 4, 1 }, { 3, 2 }, { 4, 4 }, { 9, 1 }, { 16, 4 } };
    struct sl_sim_config c;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        fleet_config(&c, shapes[i][0], shapes[i][1], 0.93, 300000, 200 + i);
        c.lock_fraction = 0.2;
        c.lock_keys = 7;
        c.state = i % 2 ? SL_STATE_STORE : SL_STATE_TOKEN;
        c.store_capacity_ops = 1e6;
        sim_same_assert(&c, SIM_SAME_FLEET);
    }
}

/*
 * Per-server locks are refused when held on the same server, and booked twice when held only on
 * another: the two cases the event loop counts apart.
 */
static void sim_fleet_double_bookings_match_event_loop(void **state)
{
    struct sl_sim_config c;
    struct sim_state *st;

    (void)state;
    fleet_config(&c, 4, 2, 0.9, 200000, 210);
    c.lock_fraction = 0.3;
    c.lock_keys = 3;
    sim_same_assert(&c, SIM_SAME_FLEET);
    st = sim_same_run(&c, SIM_SAME_FLEET);
    assert_true(st->lock_violations > 100 && st->lock_conflicts > 100);
    sl_sim_state_free(st);
}

/* Random routing (its own stream), with sessions in the servers' memory and in the store. */
static void sim_fleet_random_and_state_match_event_loop(void **state)
{
    static const enum sl_state states[] = { SL_STATE_MEMORY, SL_STATE_STORE, SL_STATE_TOKEN };
    struct sl_sim_config c;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
        fleet_config(&c, 5, 2, 0.85, 200000, 220 + i);
        c.lb = SL_SIM_LB_RANDOM;
        c.state = states[i];
        c.sessions = 300;
        c.store_capacity_ops = 25000; /* the store near saturation: its queue matters */
        sim_same_assert(&c, SIM_SAME_FLEET);
    }
    fleet_config(&c, 4, 1, 0.9, 200000, 229);
    c.state = SL_STATE_MEMORY; /* round robin spreads each session over every server */
    c.sessions = 50;
    sim_same_assert(&c, SIM_SAME_FLEET);
}

/*
 * Waiting rooms: those the shortcut takes (8 places and more), and smaller ones it is exact for
 * but leaves to the event loop (forced here), through overload.
 */
static void sim_fleet_rooms_match_event_loop(void **state)
{
    static const long taken[] = { 8, 20 }, forced[] = { 0, 1, 3 };
    struct sl_sim_config c;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(taken) / sizeof(taken[0]); i++) {
        fleet_config(&c, 4, 2, 1.1, 200000, 230 + i);
        c.queue = taken[i];
        sim_same_assert(&c, SIM_SAME_FLEET);
    }
    for (i = 0; i < sizeof(forced) / sizeof(forced[0]); i++) {
        fleet_config(&c, 3, 2, 0.95, 100000, 240 + i);
        c.queue = forced[i];
        sim_same_assert(&c, SIM_SAME_FORCED);
    }
}

/* Other service times: constant (equal departure times never meet), lognormal, gamma. */
static void sim_fleet_service_laws_match_event_loop(void **state)
{
    static const enum sl_rng_dist_kind laws[] = { SL_RNG_DIST_DET, SL_RNG_DIST_LOGNORMAL,
                                                  SL_RNG_DIST_GAMMA };
    struct sl_sim_config c;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(laws) / sizeof(laws[0]); i++) {
        fleet_config(&c, 4, 2, 0.9, 200000, 250 + i);
        c.dist = laws[i];
        c.cv = 2.0;
        sim_same_assert(&c, SIM_SAME_FLEET);
    }
}

/* Marks: runs by duration, with and without a warm-up, the count first; and very short runs. */
static void sim_fleet_marks_match_event_loop(void **state)
{
    static const uint64_t short_runs[] = { 1, 2, 7, 60, 1000 };
    struct sl_sim_config c;
    size_t i;

    (void)state;
    fleet_config(&c, 4, 1, 0.9, 0, 260);
    c.duration_s = 40;
    sim_same_assert(&c, SIM_SAME_FLEET);
    c.warmup_fraction = 0;
    sim_same_assert(&c, SIM_SAME_FLEET);
    c.requests = 50000; /* the count comes first */
    c.warmup_fraction = 0.3;
    sim_same_assert(&c, SIM_SAME_FLEET);
    c.requests = 500000; /* the duration comes first */
    sim_same_assert(&c, SIM_SAME_FLEET);
    c.duration_s = 0.002; /* it stops within the warm-up: an empty window */
    c.requests = 0;
    sim_same_assert(&c, SIM_SAME_FLEET);
    for (i = 0; i < sizeof(short_runs) / sizeof(short_runs[0]); i++) {
        fleet_config(&c, 3, 2, 0.9, short_runs[i], 270 + i);
        sim_same_assert(&c, SIM_SAME_FLEET);
    }
}

/* An unstable fleet stops at the same arrival when the system reaches max_in_system. */
static void sim_fleet_unstable_matches_event_loop(void **state)
{
    struct sl_sim_config c;

    (void)state;
    fleet_config(&c, 4, 2, 1.3, 200000, 280);
    c.max_in_system = 3000;
    sim_same_assert(&c, SIM_SAME_FLEET);
    fleet_config(&c, 4, 2, 1.3, 200000, 281);
    c.max_in_system = 5; /* below the cores: counted while a core is still free */
    sim_same_assert(&c, SIM_SAME_FLEET);
}

/* Every allocation of a run through the shortcut may fail: the run says so and leaks nothing. */
static void sim_fleet_out_of_memory(void **state)
{
    struct sl_sim_config c;

    (void)state;
    fleet_config(&c, 3, 2, 1.5, 20000, 290); /* overloaded: the lanes grow several times */
    c.queue = 5000;
    /* the state, the lanes, the trees and rings, growths of the lanes */
    assert_true(sim_same_out_of_memory(&c, 300) >= 10);
}

/*
 * The bench's model (bench/run: `simulate --servers 4 --cores 1 --lb rr --load 3600
 * --service-ms 1 --requests 10000000 --seed 1`) takes the shortcut; models it is not exact or
 * not faster for keep the event loop (or, with one server, take the FCFS shortcut).
 */
static void sim_fleet_only_where_exact(void **state)
{
    struct sl_sim_config c, base;
    int i;

    (void)state;
    sl_sim_config_init(&base);
    base.servers = 4;
    base.cores = 1;
    base.lb = SL_SIM_LB_RR;
    base.load_rps = 3600;
    base.service_s = 0.001;
    base.requests = 10000000;
    base.seed = 1;
    sim_same_takes(&base, SIM_SAME_FLEET);
    for (i = 0; i < SIM_SAME_INEXACT + 6; i++) {
        c = base;
        if (i < SIM_SAME_INEXACT)
            sim_same_inexact(&c, i);
        else if (i == SIM_SAME_INEXACT)
            c.lb = SL_SIM_LB_LEAST; /* the choice reads the servers' queues */
        else if (i == SIM_SAME_INEXACT + 1)
            c.lb = SL_SIM_LB_P2C;
        else if (i == SIM_SAME_INEXACT + 2)
            c.lb = SL_SIM_LB_STICKY; /* the choice reads the sessions' servers */
        else if (i == SIM_SAME_INEXACT + 3)
            c.state = SL_STATE_STICKY;
        else if (i == SIM_SAME_INEXACT + 4)
            c.servers = 65; /* 65 cores in all: the event loop is faster */
        else
            c.queue = 7; /* a waiting room of 7 places: likewise */
        sim_same_takes(&c, SIM_SAME_EVENTS);
    }
    c = base;
    c.servers = 1; /* one server: the FCFS shortcut */
    c.cores = 4;
    sim_same_takes(&c, SIM_SAME_FCFS);
    c = base;
    c.servers = 16; /* 64 cores in all, and 8 waiting places: still taken */
    c.cores = 4;
    c.queue = 8;
    sim_same_takes(&c, SIM_SAME_FLEET);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sim_fleet_shapes_match_event_loop),
        cmocka_unit_test(sim_fleet_double_bookings_match_event_loop),
        cmocka_unit_test(sim_fleet_random_and_state_match_event_loop),
        cmocka_unit_test(sim_fleet_rooms_match_event_loop),
        cmocka_unit_test(sim_fleet_service_laws_match_event_loop),
        cmocka_unit_test(sim_fleet_marks_match_event_loop),
        cmocka_unit_test(sim_fleet_unstable_matches_event_loop),
        cmocka_unit_test(sim_fleet_out_of_memory),
        cmocka_unit_test(sim_fleet_only_where_exact),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
