/* The fleet shortcut: FCFS servers behind round robin or random, run start by start. */
/* SPDX-License-Identifier: MIT */
#include <math.h>

#include "scalelab/alloc.h"
#include "hist_int.h"
#include "rng_int.h"
#include "sim_int.h"
#include "util_int.h"
#include "banned.h"

/*
 * When the balancer's choice needs no server state (round robin, or random on its own stream),
 * every arrival's server is known when it is drawn, and each server is one FCFS room in front of
 * its cores: its next request starts at max(its arrival, the earliest free time of a core) and
 * leaves at that plus its service (Kiefer and Wolfowitz, per server). The event loop draws the
 * service times, lock gaps and keys in start order across the servers, and records departures
 * in their order across the servers; this run makes the same decisions in the same orders:
 *
 * - starts, in time order: a tree over the servers holds each one's next start, and the one at
 *   its root is taken while it is before the next arrival not yet routed (at equal times the
 *   arrival comes first, as in the event loop), so every request that starts before it has;
 * - arrivals are routed ahead, a block at a time, into their server's lane: only the starts
 *   read the lanes, and they never look past the next arrival not routed;
 * - departures are known at their start and kept per core (a core's requests leave in order).
 *   Those before the earliest start still to come are all known, so each start records the
 *   earliest of them (a tree over each core's first kept departure), a pass records them all
 *   when a core's ring is full, and the rest are recorded at the end. No figure that
 *   departures feed is read by starts or arrivals but the counts below.
 *
 * Where a server's waiting room is bounded, or the system may reach max_in_system, an arrival
 * whose counts could reach the limit waits until the starts before it are done and the
 * departures before it recorded: the counts are then exact. Locks are held from a request's
 * start to its departure, a list of at most one a core (sl_sim_take_held). The time integrals
 * (number in the system, busy cores) are summed per request: up to a mark at T, a request adds
 * min(leave, T) - arrival and its core min(leave, T) - min(start, T); those that left before T
 * are a prefix of the departures, summed as they come, and those in the system at T are added
 * one by one (fleet_watch).
 *
 * Exact for several servers up from the start and never failing or added, round robin or
 * random without sticky sessions, a constant rate and no timeouts; sl_sim_fleet_exact takes it
 * where it is also faster than the event loop. One server takes the FCFS shortcut (sim_fcfs.c).
 */

/*
 * Where it runs faster than the event loop (measured, docs/model.md): up to 64 cores in all
 * (beyond, its two trees over the cores cost more than the event loop's one), and waiting rooms
 * of 8 places or more (smaller ones are near a refusal at most arrivals, and each of those waits
 * for the starts before it).
 */
#define SIM_FLEET_CORES 64
#define SIM_FLEET_ROOM 8
#define SIM_FLEET_PLACES 4096  /* ring places in all, at most 64 a core and at least 4 */
#define SIM_FLEET_BLOCK 64     /* arrivals routed ahead at a time */

int sl_sim_fleet_exact(const struct sim_state *st)
{
    const struct sl_sim_config *c = st->c;

    return !st->timeouts && st->n_srv > 1 && c->n_fails == 0 && c->n_adds == 0
           && c->n_curve == 0 && st->rate > 0 && st->draws.arrivals_ahead && !st->pin
           && (c->lb == SL_SIM_LB_RR || c->lb == SL_SIM_LB_RANDOM)
           && st->n_srv * c->cores <= SIM_FLEET_CORES && st->queue_bound >= SIM_FLEET_ROOM;
}

void sl_sim_fleet_release(struct sim_state *st)
{
    struct sim_fleet *f = &st->fl;
    long i;

    if (f->lane)
        for (i = 0; i < st->n_srv; i++) {
            sl_free(f->lane[i].q);
            sl_free(f->lane[i].cores.t);
            sl_free(f->lane[i].cores.slot);
        }
    sl_free(f->lane);
    sl_free(f->next.t);
    sl_free(f->next.slot);
    sl_free(f->out.t);
    sl_free(f->out.slot);
    sl_free(f->gone);
    sl_free(f->head);
    sl_free(f->len);
    sl_free(f->held);
    f->lane = NULL;
}

/* Which departures fleet_watch must see: from the first mark not reached, or all of them. */
static void fleet_set_watch(struct sim_fleet *f)
{
    int i;

    f->watch = INFINITY;
    for (i = 0; i < 2; i++) {
        const struct sim_fleet_mark *m = &f->mark[i];

        if (m->state == 1)
            f->watch = -INFINITY;
        else if (m->state == 0 && m->t < f->watch)
            f->watch = m->t;
    }
}

/* The lanes, with every core free since -inf, the trees, the rings and the lock list. */
static int fleet_init(struct sim_state *st)
{
    struct sim_fleet *f = &st->fl;
    size_t n = (size_t)st->n_srv, cores = n * (size_t)st->c->cores, i, k;

    f->mark[0].t = f->mark[1].t = INFINITY;
    if (st->warm_set)
        f->mark[0].t = st->tw; /* the warm-up mark at 0: nothing before it */
    fleet_set_watch(f);
    f->ring = 4;
    while (f->ring < 64 && cores * f->ring * 2 <= SIM_FLEET_PLACES)
        f->ring *= 2;
    f->lane = sl_calloc(n, sizeof(*f->lane));
    f->gone = sl_malloc(cores * f->ring * sizeof(*f->gone));
    f->head = sl_calloc(cores, sizeof(*f->head));
    f->len = sl_calloc(cores, sizeof(*f->len));
    f->held = sl_malloc((cores + 1) * sizeof(*f->held));
    if (!f->lane || !f->gone || !f->head || !f->len || !f->held)
        return -1;
    st->bytes += n * sizeof(*f->lane) + cores * (f->ring * sizeof(*f->gone) + 8)
                 + (cores + 1) * sizeof(*f->held);
    if (sl_sim_done_init(st, &f->next, n) || sl_sim_done_init(st, &f->out, cores))
        return -1;
    for (i = 0; i < n; i++) {
        struct sim_lane *l = &f->lane[i];

        l->cap = 64;
        while (l->cap / 2 > st->queue_bound)
            l->cap /= 2; /* a bounded room holds at most its places and one more */
        l->q = sl_malloc(l->cap * sizeof(*l->q));
        if (!l->q)
            return -1;
        st->bytes += l->cap * sizeof(*l->q);
        l->free = -INFINITY;
        if (st->c->cores == 1)
            continue;
        if (sl_sim_done_init(st, &l->cores, (size_t)st->c->cores))
            return -1;
        for (k = 0; k < (size_t)st->c->cores; k++)
            sl_sim_done_set(&l->cores, (uint32_t)k, -INFINITY);
    }
    return 0;
}

/*
 * The departure g from server j is at or after the watch: the sums up to a mark it reaches are
 * kept (the departures before it are those recorded), and a request in the system at a mark
 * adds its part before it.
 */
SIM_COLD static void fleet_watch(struct sim_state *st, uint32_t j, const struct sim_gone *g)
{
    struct sim_fleet *f = &st->fl;
    int i;
    long s;

    for (i = 0; i < 2; i++) {
        struct sim_fleet_mark *m = &f->mark[i];

        if (m->state == 0 && g->done >= m->t) {
            m->area = f->area;
            m->left = st->completed - 1; /* this one is recorded already */
            m->across = m->before - m->left;
            m->state = 1;
            for (s = 0; s < st->n_srv; s++)
                f->lane[s].busy_at[i] = f->lane[s].busy;
        }
        if (m->state == 1 && g->arrival < m->t) {
            m->area += m->t - g->arrival;
            if (g->start < m->t)
                f->lane[j].busy_at[i] += m->t - g->start;
            m->across--;
        }
        if (m->state == 1 && m->across == 0)
            m->state = 2;
    }
    fleet_set_watch(f);
}

/* The request g that left core k: what the event loop's on_done records of it, in its order. */
SIM_HOT static inline void fleet_record(struct sim_state *st, uint32_t k, const struct sim_gone *g,
                                       const int one)
{
    struct sim_fleet *f = &st->fl;
    uint32_t j = one ? k : st->slots[k].srv;
    struct sim_lane *l = &f->lane[j];
    double d = g->done;

    sl_sim_record_done(st, &st->srv[j], sl_sim_series_at(&st->series, d), g->arrival, d);
    if (d >= f->watch)
        fleet_watch(st, j, g);
    f->area += d - g->arrival;
    l->busy += d - g->start;
    l->left++;
}

/* Records the earliest departure not recorded (the caller knows every one before it). */
static inline void fleet_pop(struct sim_state *st, const int one)
{
    struct sim_fleet *f = &st->fl;
    struct sim_done *o = &f->out;
    uint32_t k = o->slot[1];
    size_t at = (size_t)k * f->ring;

    fleet_record(st, k, &f->gone[at + f->head[k]], one);
    f->head[k] = (f->head[k] + 1) & (f->ring - 1);
    f->len[k]--;
    sl_sim_done_set(o, k, f->len[k] ? f->gone[at + f->head[k]].done : INFINITY);
}

/*
 * Records, in time order, the departures before t, the earliest a start still to come can be:
 * every departure before t is known then (a request leaves after it starts).
 */
static inline void fleet_pass_of(struct sim_state *st, double t, const int one)
{
    while (st->fl.out.t[1] < t)
        fleet_pop(st, one);
}

static void fleet_pass(struct sim_state *st, double t)
{
    if (st->c->cores == 1)
        fleet_pass_of(st, t, 1);
    else
        fleet_pass_of(st, t, 0);
}

/* The earliest free time of a core of l; one: the server has one core (a constant). */
static inline double fleet_free(const struct sim_lane *l, const int one)
{
    return one ? l->free : l->cores.t[1];
}

/* When l's next request starts: +inf when none is waiting. */
static inline double fleet_due(const struct sim_lane *l, const int one)
{
    double a, m;

    if (l->len == 0)
        return INFINITY; /* rare: the lane holds the arrivals routed ahead */
    a = l->q[l->head];
    m = fleet_free(l, one);
    return a > m ? a : m;
}

/* The start at the root of the next tree: the event loop's start(), in its order. */
SIM_HOT static inline void fleet_start(struct sim_state *st, const int one)
{
    struct sim_fleet *f = &st->fl;
    uint32_t j = f->next.slot[1];
    struct sim_lane *l = &f->lane[j];
    double begin = f->next.t[1], a = l->q[l->head], svc, until;
    uint32_t core = one ? 0 : l->cores.slot[1];
    uint32_t k = one ? j : j * (uint32_t)st->c->cores + core;
    struct sim_gone *g;
    int in_window = a >= st->tw;

    l->head = (l->head + 1) & (l->cap - 1);
    l->len--;
    if (in_window)
        sl_sim_hist_add(&st->wait, begin - a);
    sl_sim_batches_add(&st->mser_wait, begin - a, begin);
    svc = sl_sim_next_service(st);
    if (st->store)
        svc += sl_sim_store_time(st, begin, in_window);
    until = begin + svc;
    if (st->locks) {
        if (st->lock_gap == 0) {
            sl_sim_take_held(st, f->held, &f->n_held, j,
                             sl_rng_below(&st->rng_lock, (uint32_t)st->c->lock_keys), begin, until);
            st->lock_gap = sl_rng_geometric(&st->rng_lock, st->lock_log1m);
        } else {
            st->lock_gap--;
        }
    }
    if (one)
        l->free = until;
    else
        sl_sim_done_set(&l->cores, core, until);
    sl_sim_done_set(&f->next, j, fleet_due(l, one));
    if (f->len[k] == f->ring) {
        fleet_pass_of(st, begin, one);
        /*
         * Still full: its departures are all at begin (each is at or before the next start on
         * the core), requests served in no time. Equal times are a coincidence the event loop
         * orders its own way too; these go first.
         */
        if (f->len[k] == f->ring)
            fleet_pass_of(st, nextafter(begin, INFINITY), one);
    }
    g = &f->gone[(size_t)k * f->ring];
    g[(f->head[k] + f->len[k]) & (f->ring - 1)] = (struct sim_gone){ a, begin, until };
    if (f->len[k]++ == 0)
        sl_sim_done_set(&f->out, k, until); /* its first pending departure */
    /*
     * One departure recorded a start, when one is known: its chain of loads and stores runs
     * beside the start's, where a pass would run alone. Passes are for full rings.
     */
    if (f->out.t[1] < begin)
        fleet_pop(st, one);
}

/*
 * The warm-up (stop = 0) or stop mark at t, before which before requests were admitted; the
 * integrals are summed up to it as they come.
 */
static void fleet_mark(struct sim_state *st, double t, int stop, uint64_t before)
{
    struct sim_fleet *f = &st->fl;
    int i;

    for (i = st->warm_set; i <= stop; i++) {
        f->mark[i].t = t;
        f->mark[i].before = before;
    }
    fleet_set_watch(f);
    sl_sim_mark(st, t, stop);
}

/* A scheduled mark: the requests admitted so far are those before it. */
static void fleet_mark_scheduled(struct sim_state *st, double t, int stop)
{
    fleet_mark(st, t, stop, st->fl.admitted);
}

/* The scheduled events (warm-up and stop marks) before t: an arrival at t comes first. */
static void fleet_events(struct sim_state *st, double t)
{
    sl_sim_marks_before(st, t, fleet_mark_scheduled);
}

/* The server the next arrival goes to: the balancer's choice needs nothing but its turn. */
static inline void fleet_choose(struct sim_state *st)
{
    if (st->c->lb == SL_SIM_LB_RANDOM) {
        st->fl.to = sl_rng_below(&st->rng_misc, (uint32_t)st->n_srv);
    } else {
        st->fl.to = (uint32_t)st->rr;
        st->rr = st->rr + 1 == st->n_srv ? 0 : st->rr + 1;
    }
}

/* Server j is full: its requests fill its cores and waiting room. */
static inline int fleet_full(const struct sim_state *st, uint32_t j)
{
    const struct sim_lane *l = &st->fl.lane[j];

    return l->admitted - l->left >= (uint64_t)st->c->cores + st->queue_bound;
}

/* A request routed to j at t joins its lane; -1 when the lane could not grow. */
static inline int fleet_join(struct sim_state *st, uint32_t j, double t, const int one)
{
    struct sim_fleet *f = &st->fl;
    struct sim_lane *l = &f->lane[j];

    if (l->len == l->cap) {
        double *q = sl_sim_ring_grow(st, l->q, sizeof(*q), l->head, l->len, l->cap,
                                     2 * (uint64_t)l->cap);

        if (!q)
            return -1;
        l->q = q;
        l->cap *= 2;
        l->head = 0;
    }
    l->q[(l->head + l->len) & (l->cap - 1)] = t;
    if (l->len++ == 0) {
        double m = fleet_free(l, one);

        sl_sim_done_set(&f->next, j, t > m ? t : m);
    }
    l->admitted++;
    f->admitted++;
    return 0;
}

/*
 * The arrival at next_arrival, admitted as the event loop's on_arrival does it. Its server may
 * be full, or admitting it may bring the system to max_in_system, only when the counts less the
 * departures recorded (some of those before it) say so: then, ahead (starts before it are still
 * to come), it is left for later (returns 1); else the departures before it are recorded and the
 * counts are exact.
 */
SIM_HOT static inline int fleet_arrival(struct sim_state *st, int ahead, const int one)
{
    struct sim_fleet *f = &st->fl;
    double t = st->next_arrival;
    struct sl_sim_point *pt;
    uint32_t j = f->to;
    uint64_t before;
    int near = fleet_full(st, j) || f->admitted + 1 - st->completed >= st->in_system_cap;

    if (near && ahead)
        return 1;
    if (st->heap[1].t < t) {
        fleet_events(st, t);
        if (st->next_arrival == INFINITY)
            return 0; /* the stop mark came first */
    }
    if (near)
        fleet_pass(st, t); /* every start before t is done: the counts are exact */
    st->now = t;
    if (st->offered == st->warm_at)
        fleet_mark(st, t, 0, f->admitted);
    st->offered++;
    if (st->warm_set) {
        st->w_offered++;
        st->srv[j].routed_w++;
    }
    pt = sl_sim_series_at(&st->series, t);
    pt->offered++;
    before = f->admitted;
    if (near && fleet_full(st, j)) {
        sl_sim_drop(st, pt, st->warm_set);
    } else {
        if (st->track_sessions)
            sl_sim_admit_session(st, j, st->draws.session[st->draws.arr_i - 1]);
        if (fleet_join(st, j, t, one))
            return 0; /* st->nomem */
    }
    if (st->offered >= st->stop_at) {
        fleet_mark(st, t, 1, before);
    } else if (near && f->admitted - st->completed >= st->in_system_cap) {
        st->unstable = 1;
        fleet_mark(st, t, 1, before);
    } else {
        st->next_arrival = sl_sim_next_drawn_arrival(st);
        fleet_choose(st);
    }
    return 0;
}

/*
 * How many of the next arrivals (next_arrival and those drawn after it) can be routed at once:
 * none may be refused or set a mark, and no scheduled event comes before them.
 */
static inline uint32_t fleet_quiet(const struct sim_state *st)
{
    const struct sim_draws *d = &st->draws;
    uint32_t n = d->arr_n - d->arr_i + 1;

    if (n > SIM_FLEET_BLOCK)
        n = SIM_FLEET_BLOCK;
    if (st->queue_bound != UINT32_MAX || st->fl.admitted + n - st->completed >= st->in_system_cap
        || st->offered + n >= st->stop_at || st->offered + n > st->warm_at
        || !(d->arrival[d->arr_i - 2 + n] <= st->heap[1].t))
        return 0; /* one at a time (an arrival past the duration is +inf: never before) */
    return n;
}

/*
 * The next arrivals, every start before the first of them done: a block of them, up to one that
 * must wait for the starts before it. Returns nonzero to stop (cancelled, or no memory).
 */
static inline int fleet_route(struct sim_state *st, uint64_t mask, const int one)
{
    struct sim_draws *d = &st->draws;
    uint64_t offered = st->offered;
    uint32_t n = fleet_quiet(st), i;

    if (n > 0) {
        const double *t = &d->arrival[d->arr_i - 1];

        for (i = 0; i < n; i++) {
            uint32_t j = st->fl.to;

            sl_sim_series_at(&st->series, t[i])->offered++;
            if (st->warm_set)
                st->srv[j].routed_w++;
            if (st->track_sessions)
                sl_sim_admit_session(st, j, d->session[d->arr_i - 1 + i]);
            if (fleet_join(st, j, t[i], one))
                return 1; /* st->nomem */
            fleet_choose(st);
        }
        st->now = t[n - 1];
        st->offered += n;
        if (st->warm_set)
            st->w_offered += n;
        d->arr_i += n - 1;
        st->next_arrival = sl_sim_next_drawn_arrival(st);
    }
    for (i = 0; n == 0 && i < SIM_FLEET_BLOCK && st->next_arrival < INFINITY; i++) {
        if (fleet_arrival(st, i > 0, one))
            break;
        if (st->nomem)
            return 1;
    }
    if ((st->offered & ~mask) != (offered & ~mask)) {
        /* the event loop looks at every multiple of mask + 1 arrivals; this, once a block */
        if (st->c->cancel && atomic_load_explicit(st->c->cancel, memory_order_relaxed))
            return 1;
        if ((st->offered >> 16) != (offered >> 16))
            sl_sim_report_progress(st, -1.0);
    }
    return 0;
}

/* What the marks hold, from the sums per request; every request has left. */
static void fleet_finish(struct sim_state *st)
{
    struct sim_fleet *f = &st->fl;
    long s;
    int i;

    for (i = 0; i < 2; i++) {
        struct sim_fleet_mark *m = &f->mark[i];

        if (m->state == 0) { /* every departure came before it */
            m->area = f->area;
            m->left = st->completed;
            for (s = 0; s < st->n_srv; s++)
                f->lane[s].busy_at[i] = f->lane[s].busy;
        }
    }
    st->area_w = f->mark[0].area;
    st->area_s = f->mark[1].area;
    for (s = 0; s < st->n_srv; s++) {
        st->srv[s].busy_w = f->lane[s].busy_at[0];
        st->srv[s].busy_s = f->lane[s].busy_at[1];
    }
    st->tp_count = f->mark[1].left - f->mark[0].left;
    st->in_system = 0;
}

/* The loop, compiled for servers of one core and for more. */
SIM_HOT static inline enum sl_status fleet_loop(struct sim_state *st, const int one)
{
    uint64_t mask = sl_sim_cancel_mask(st->c);
    struct sim_fleet *f = &st->fl;

    for (;;) {
        if (f->next.t[1] < st->next_arrival) {
            /* a mark is set before a departure after it is recorded, and those come before */
            if (st->heap[1].t < f->next.t[1])
                fleet_events(st, f->next.t[1]);
            fleet_start(st, one);
            continue;
        }
        if (st->next_arrival == INFINITY)
            return SL_OK;
        if (fleet_route(st, mask, one))
            return st->nomem ? SL_E_NOMEM : SL_E_CANCELLED;
    }
}

/* The run, as sl_sim_state_run's event loop would make it (sim_engine.c). */
enum sl_status sl_sim_fleet_run(struct sim_state *st)
{
    enum sl_status status;

    if (fleet_init(st))
        return SL_E_NOMEM;
    fleet_choose(st); /* the first arrival's server */
    status = st->c->cores == 1 ? fleet_loop(st, 1) : fleet_loop(st, 0);
    if (status)
        return status;
    fleet_events(st, INFINITY);
    if (SL_NEVER(!st->stop_set))
        fleet_mark(st, st->now, 1, st->fl.admitted);
    fleet_pass(st, INFINITY);
    fleet_finish(st);
    st->events = st->offered + st->completed + st->scheduled;
    sl_sim_report_progress(st, 1.0);
    return SL_OK;
}
