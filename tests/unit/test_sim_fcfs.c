/* Unit tests of the simulator's FCFS shortcut: the event loop's run, figure for figure. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "scalelab/alloc.h"
#include "sim_same.h"

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

/* The event loop's run of c and the FCFS shortcut's (sim_same.h). */
static void assert_same_run(const struct sl_sim_config *c)
{
    sim_same_assert(c, SIM_SAME_FCFS);
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

    (void)state;
    fcfs_config(&c, 2, 2400, 20000, 100); /* overloaded: the waiting ring grows several times */
    c.queue = 5000;
    /* the state, the ring, the lock list, a growth of the ring */
    assert_true(sim_same_out_of_memory(&c, 200) >= 4);
}

/* Models the shortcut is not exact for keep the event loop. */
static void sim_fcfs_only_where_exact(void **state)
{
    struct sl_sim_config c, base;
    int i;

    (void)state;
    fcfs_config(&base, 4, 3000, 1000, 80);
    sim_same_takes(&base, SIM_SAME_FCFS);
    for (i = 0; i < SIM_SAME_INEXACT; i++) {
        c = base;
        sim_same_inexact(&c, i);
        sim_same_takes(&c, SIM_SAME_EVENTS);
    }
    c = base;
    c.servers = 2; /* routing across servers: the fleet shortcut */
    sim_same_takes(&c, SIM_SAME_FLEET);
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
