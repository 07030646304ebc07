/* The FCFS shortcut: one server's queue solved at each arrival, with no departure events. */
/* SPDX-License-Identifier: MIT */
#include <math.h>

#include "scalelab/alloc.h"
#include "hist_int.h"
#include "rng_int.h"
#include "sim_int.h"
#include "util_int.h"
#include "banned.h"

/*
 * One FCFS waiting room in front of c cores needs no departure events: a request arriving at a
 * starts at s = max(a, m), m the earliest time a core is free, on that core, and leaves at
 * s + service (Kiefer and Wolfowitz 1955). The done tree holds each core's free time, the time
 * its last request leaves. Starts come in arrival order, so the service and lock draws are made
 * in the event loop's order and give every request the same start and departure, bit for bit.
 *
 * A request always takes the earliest leaf, so leaves are replaced in departure order: the
 * request a core held is recorded as departed when the core is taken again (or at the end), in
 * the order the event loop records departures, with the same figures in the same order.
 *
 * What the event loop knows at a mark (the number in the system, the integrals) comes from the
 * requests still in the system then: a core is busy without a pause from the mark to its leaf
 * (a waiting request starts when the one before it leaves), and each waiting request adds the
 * wait it has left. Arrivals and marks at the very time a core frees count that core as busy,
 * as the event loop does (it takes an arrival before a completion at the same time).
 *
 * Exact for one server with no failures or scale-out, at a constant rate, with no timeouts
 * (sl_sim_fcfs_exact). Every balancer sends everything to the one server (a random one's draw
 * on its own stream picks it and nothing else), sessions are admitted in arrival order, and the
 * store is reserved in start order, which is arrival order. Every other run keeps the event loop.
 */
int sl_sim_fcfs_exact(const struct sim_state *st)
{
    const struct sl_sim_config *c = st->c;

    return !st->timeouts && st->n_srv == 1 && c->n_fails == 0 && c->n_adds == 0
           && c->n_curve == 0 && st->rate > 0 && st->draws.arrivals_ahead;
}

void sl_sim_fcfs_release(struct sim_fcfs *f)
{
    sl_free(f->wait_start);
    sl_free(f->held);
    f->wait_start = NULL;
    f->held = NULL;
}

/*
 * Entries the ring holds before a queued arrival looks at it (fcfs_room): it is full, or as
 * many as wait could fill the waiting room or bring the system to in_system_cap.
 */
static void fcfs_set_lim(struct sim_state *st)
{
    struct sim_fcfs *f = &st->fast;
    uint64_t cores = st->srv[0].cores, lim = f->cap;

    if (st->queue_bound < lim)
        lim = st->queue_bound;
    if (st->in_system_cap < cores + 1 + lim)
        lim = st->in_system_cap > cores + 1 ? st->in_system_cap - cores - 1 : 0;
    f->lim = (uint32_t)lim;
}

/* The waiting ring, and every core free since -inf (so that a first arrival at 0 finds one). */
static int fcfs_init(struct sim_state *st)
{
    struct sim_fcfs *f = &st->fast;
    uint32_t k, cores = st->srv[0].cores;

    f->cap = st->queue_bound < 64 ? st->queue_bound : 64;
    if (f->cap == 0)
        f->cap = 1;
    f->wait_start = sl_malloc(f->cap * sizeof(*f->wait_start));
    f->held = sl_malloc(((size_t)cores + 1) * sizeof(*f->held));
    if (!f->wait_start || !f->held)
        return -1;
    st->bytes += f->cap * sizeof(*f->wait_start) + ((size_t)cores + 1) * sizeof(*f->held);
    fcfs_set_lim(st);
    for (k = 0; k < cores; k++)
        sl_sim_done_set(&st->done, k, -INFINITY);
    return 0;
}

SIM_COLD static int fcfs_grow(struct sim_state *st)
{
    struct sim_fcfs *f = &st->fast;
    uint64_t cap = (uint64_t)f->cap * 2;
    double *q;

    if (cap > st->queue_bound)
        cap = st->queue_bound;
    q = sl_sim_ring_grow(st, f->wait_start, sizeof(*q), f->head, f->len, f->cap, cap);
    if (!q)
        return -1;
    f->wait_start = q;
    f->cap = (uint32_t)cap;
    f->head = 0;
    fcfs_set_lim(st);
    return 0;
}

/*
 * Requests that started before t wait no longer (starts are in arrival order). The ring is
 * trimmed only when a count matters (fcfs_room, marks): an arrival that finds a core free
 * empties it, and until then it keeps whoever waited since.
 */
static inline void fcfs_started(struct sim_fcfs *f, double t)
{
    while (f->len && f->wait_start[f->head] < t) {
        f->head = f->head + 1 == f->cap ? 0 : f->head + 1;
        f->len--;
    }
}

/* The request on slot leaves at t: what the event loop's on_done records of it. */
SIM_HOT static inline void fcfs_depart(struct sim_state *st, uint32_t slot, double t)
{
    /* departures come in time order, but after arrivals later than some of them */
    sl_sim_record_done(st, &st->srv[0], sl_sim_series_at(&st->series, t), st->slots[slot].arrival,
                       t);
}

/*
 * The warm-up or stop mark at t, at or after every arrival so far. Busy time after t is the sum
 * of (leaf - t)+ over the cores; time in the system after t adds each waiting request's
 * start - t. The integrals at t are the sums over every admitted request less those.
 */
static void fcfs_mark(struct sim_state *st, double t, int stop)
{
    struct sim_fcfs *f = &st->fast;
    struct sim_server *s = &st->srv[0];
    double busy_after = 0, wait_after = 0;
    uint64_t in = 0, completed = st->completed;
    uint32_t i;

    fcfs_started(f, t);
    for (i = 0; i < s->cores; i++) {
        double leaf = st->done.t[st->done.p + i];

        if (leaf >= t) {
            busy_after += leaf - t;
            in++;
        }
    }
    for (i = 0; i < f->len; i++) {
        uint32_t at = f->head + i;

        wait_after += f->wait_start[at >= f->cap ? at - f->cap : at] - t;
    }
    in += f->len;
    st->area = f->resp_sum - (busy_after + wait_after);
    s->busy_area = f->svc_sum - busy_after;
    st->in_system = 0; /* so that the mark adds nothing to the integrals just set */
    s->busy = 0;
    st->completed = f->admitted - in;
    sl_sim_mark(st, t, stop);
    st->completed = completed;
}

/*
 * A request starting at begin on server srv and leaving at until asks for key (the event loop's
 * take_lock): held lists the locks of the requests in service. Holders that left by begin are
 * dropped first, so at most one a core is kept, and room for this one. A key held on the same
 * server refuses the booking; held only elsewhere, per-server locks book it twice.
 */
SIM_COLD void sl_sim_take_held(struct sim_state *st, struct sim_held *held, uint32_t *n_held,
                               uint32_t srv, uint32_t key, double begin, double until)
{
    uint32_t i = 0, n = *n_held;
    int elsewhere = 0, here = 0;

    while (i < n) {
        if (held[i].until <= begin) {
            held[i] = held[--n];
            continue;
        }
        here |= held[i].key == key && held[i].srv == srv;
        elsewhere |= held[i].key == key && held[i].srv != srv;
        i++;
    }
    *n_held = n;
    if (here || (elsewhere && !st->local_counters)) {
        st->lock_conflicts++;
        return;
    }
    st->lock_violations += (uint64_t)elsewhere;
    held[n].until = until;
    held[n].key = key;
    held[n].srv = srv;
    *n_held = n + 1;
    st->locks_taken++;
}

/*
 * A queued arrival at t finds lim or more entries in the ring, some of which may have started:
 * those leave it. Returns -1 when the waiting room is full (the arrival is dropped), 1 when
 * admitting it brings in_system_cap requests into the system (every core busy: one in service
 * on each, and those waiting), 0 otherwise; grows a full ring (st->nomem if it cannot).
 */
SIM_COLD static int fcfs_room(struct sim_state *st, double t)
{
    struct sim_fcfs *f = &st->fast;

    fcfs_started(f, t);
    if (f->len >= st->queue_bound)
        return -1;
    if (f->len == f->cap && fcfs_grow(st))
        return -1;
    return (uint64_t)st->srv[0].cores + f->len + 1 >= st->in_system_cap;
}

/* Requests in the system at t, the latest arrival, just after it was admitted. */
SIM_COLD static uint64_t fcfs_in_system(const struct sim_state *st, double t)
{
    uint64_t in = st->fast.len;
    uint32_t i;

    for (i = 0; i < st->srv[0].cores; i++)
        in += st->done.t[st->done.p + i] >= t;
    return in;
}

/* The arrival at t; returns 1 when the system holds in_system_cap requests after it. */
SIM_HOT static inline int fcfs_arrival(struct sim_state *st, double t)
{
    struct sim_fcfs *f = &st->fast;
    struct sim_server *s = &st->srv[0];
    struct sl_sim_point *pt;
    double m, begin, svc, until;
    uint32_t slot;
    int queued, over = 0;

    st->now = t;
    if (st->offered == st->warm_at)
        fcfs_mark(st, t, 0);
    st->offered++;
    if (st->warm_set) {
        st->w_offered++;
        s->routed_w++;
    }
    pt = sl_sim_series_at(&st->series, t);
    pt->offered++;
    m = st->done.t[1];
    queued = m >= t; /* no core free: one that frees at t still holds its request */
    if (!queued) {
        f->len = 0; /* a core is free, so every request that waited has started */
    } else if (f->len >= f->lim) {
        over = fcfs_room(st, t);
        if (over < 0) {
            sl_sim_drop(st, pt, st->warm_set);
            return 0;
        }
    }
    if (st->track_sessions)
        sl_sim_admit_session(st, 0, st->draws.session[st->draws.arr_i - 1]);
    slot = st->done.slot[1];
    if (st->slots[slot].start >= 0)
        fcfs_depart(st, slot, m);
    begin = queued ? m : t;
    if (t >= st->tw) {
        if (queued)
            sl_sim_hist_add(&st->wait, begin - t);
        else
            sl_hist_add_zero(&st->wait);
    }
    sl_sim_batches_add(&st->mser_wait, begin - t, begin);
    svc = sl_sim_next_service(st);
    if (st->store)
        svc += sl_sim_store_time(st, begin, t >= st->tw);
    until = begin + svc;
    if (st->locks) {
        if (st->lock_gap == 0) {
            sl_sim_take_held(st, f->held, &f->n_held, 0,
                             sl_rng_below(&st->rng_lock, (uint32_t)st->c->lock_keys), begin, until);
            st->lock_gap = sl_rng_geometric(&st->rng_lock, st->lock_log1m);
        } else {
            st->lock_gap--;
        }
    }
    st->slots[slot].arrival = t;
    st->slots[slot].start = begin;
    sl_sim_done_set(&st->done, slot, until);
    f->resp_sum += until - t;
    f->svc_sum += svc;
    f->admitted++;
    if (queued) {
        uint32_t at = f->head + f->len;

        f->wait_start[at >= f->cap ? at - f->cap : at] = begin;
        f->len++;
        return over;
    }
    return st->in_system_cap <= (uint64_t)s->cores + 1 && fcfs_in_system(st, t)
                                                            >= st->in_system_cap;
}

/*
 * The scheduled events before t (an arrival at t comes first) of a shortcut's run: the warm-up
 * and stop marks, set by mark (stop = 0 or 1); the others cannot be scheduled there.
 */
void sl_sim_marks_before(struct sim_state *st, double t, sl_sim_mark_fn *mark)
{
    while (st->heap[1].t < t) {
        struct sim_event ev = st->heap[1];

        sl_sim_heap_pop(st);
        st->scheduled++;
        if (st->stop_set && ev.t > st->ts)
            continue;
        if (ev.kind == SIM_EV_WARM && !st->warm_set)
            mark(st, ev.t, 0);
        else if (ev.kind == SIM_EV_STOP && !st->stop_set)
            mark(st, ev.t, 1);
    }
}

/* Every request left in the system departs, in departure order. */
static void fcfs_drain(struct sim_state *st)
{
    struct sim_done *d = &st->done;
    uint32_t k;

    for (k = 0; k < st->srv[0].cores; k++)
        if (st->slots[k].start < 0)
            sl_sim_done_set(d, k, INFINITY);
    while (d->t[1] < INFINITY) {
        uint32_t slot = d->slot[1];

        st->now = d->t[1];
        fcfs_depart(st, slot, st->now);
        st->slots[slot].start = -1.0;
        sl_sim_done_set(d, slot, INFINITY);
    }
}

/* The run, as sl_sim_state_run's event loop would make it (sim_engine.c). */
enum sl_status sl_sim_fcfs_run(struct sim_state *st)
{
    uint64_t mask = sl_sim_cancel_mask(st->c);

    if (fcfs_init(st))
        return SL_E_NOMEM;
    for (;;) {
        double t = st->next_arrival;
        int over;

        if (st->heap[1].t < t)
            sl_sim_marks_before(st, t, fcfs_mark);
        t = st->next_arrival; /* the stop mark ends the arrivals */
        if (t == INFINITY)
            break;
        over = fcfs_arrival(st, t);
        if (st->nomem)
            return SL_E_NOMEM; /* the waiting ring could not grow */
        if (st->offered >= st->stop_at) {
            fcfs_mark(st, t, 1);
        } else if (over) {
            st->unstable = 1;
            fcfs_mark(st, t, 1);
        } else {
            st->next_arrival = sl_sim_next_drawn_arrival(st);
        }
        if ((st->offered & mask) == 0) {
            if (st->c->cancel && atomic_load_explicit(st->c->cancel, memory_order_relaxed))
                return SL_E_CANCELLED;
            if ((st->offered & 0xffff) == 0)
                sl_sim_report_progress(st, -1.0);
        }
    }
    sl_sim_marks_before(st, INFINITY, fcfs_mark);
    if (SL_NEVER(!st->stop_set))
        fcfs_mark(st, st->now, 1);
    fcfs_drain(st);
    st->events = st->offered + st->completed + st->scheduled;
    sl_sim_report_progress(st, 1.0);
    return SL_OK;
}
