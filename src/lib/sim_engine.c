/* The event loop of one simulated replication: arrivals, routing, queues, service, failures. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "hist_int.h"
#include "rng_int.h"
#include "sim_int.h"
#include "banned.h"

static void *st_calloc(struct sim_state *st, size_t count, size_t size)
{
    void *p = sl_calloc(count, size);

    if (p)
        st->bytes += count * size;
    return p;
}

/* ---- scheduled events: 1-based binary heap ordered by (time, sequence) ---- */

static inline int ev_before(const struct sim_event *a, const struct sim_event *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void sift_down(struct sim_event *h, size_t n, size_t i)
{
    struct sim_event e = h[i];

    for (;;) {
        size_t c = 2 * i;

        if (c > n)
            break;
        if (c < n && ev_before(&h[c + 1], &h[c]))
            c++;
        if (!ev_before(&h[c], &e))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = e;
}

/* The heap holds the scenario's events only, so schedule() never outgrows heap_cap. */
static void heap_push(struct sim_state *st, double t, uint32_t kind, uint32_t arg)
{
    struct sim_event e, *h = st->heap;
    size_t i = ++st->heap_n;

    e.t = t;
    e.seq = st->seq++;
    e.kind = kind;
    e.arg = arg;
    while (i > 1 && ev_before(&e, &h[i / 2])) {
        h[i] = h[i / 2];
        i /= 2;
    }
    h[i] = e;
}

/* An empty heap keeps a top at +inf, so that its next time is always heap[1].t. */
void sl_sim_heap_pop(struct sim_state *st)
{
    st->heap[1] = st->heap[st->heap_n--];
    if (st->heap_n > 1)
        sift_down(st->heap, st->heap_n, 1);
    else if (st->heap_n == 0)
        st->heap[1].t = INFINITY;
}

/* ---- completions: the done tree (sim_int.h) ---- */

/* A tree of slots leaves, every one at +inf; -1 without memory. */
int sl_sim_done_init(struct sim_state *st, struct sim_done *d, size_t slots)
{
    size_t p = 1, i;

    while (p < slots)
        p *= 2;
    d->t = st_calloc(st, 2 * p, sizeof(*d->t));
    d->slot = st_calloc(st, 2 * p, sizeof(*d->slot));
    if (!d->t || !d->slot)
        return -1;
    d->p = (uint32_t)p;
    for (i = 1; i < 2 * p; i++)
        d->t[i] = INFINITY;
    for (i = 0; i < p; i++)
        d->slot[p + i] = (uint32_t)i;
    for (i = p - 1; i >= 1; i--)
        d->slot[i] = d->slot[2 * i];
    return 0;
}

/* ---- integrals over time ---- */

/* Brings the busy and up integrals of s up to time t. */
static inline void srv_flush(struct sim_server *s, double t)
{
    double dt = t - s->last_t;

    s->busy_area += (double)s->busy * dt;
    s->up_area += (double)s->up * dt;
    s->last_t = t;
}

/* Moves the clock to t, integrating the number in the system. */
static inline void advance(struct sim_state *st, double t)
{
    /* counts stay below 2^63: a signed conversion is one instruction, an unsigned one a branch */
    st->area += (double)(int64_t)st->in_system * (t - st->now);
    st->now = t;
}

/* The warm-up (stop = 0) or stop (stop = 1) mark at time t: snapshots of every integral. */
void sl_sim_mark(struct sim_state *st, double t, int stop)
{
    long i;

    if (stop && !st->warm_set) {
        /* stopped within the warm-up: an empty window that starts after every arrival */
        sl_sim_mark(st, t, 0);
        st->tw = nextafter(t, INFINITY);
    }
    advance(st, t);
    for (i = 0; i < st->n_srv; i++) {
        struct sim_server *s = &st->srv[i];

        srv_flush(s, t);
        if (stop) {
            s->busy_s = s->busy_area;
            s->up_s = s->up_area;
        } else {
            s->busy_w = s->busy_area;
            s->up_w = s->up_area;
        }
    }
    if (stop) {
        st->area_s = st->area;
        st->tp_count = st->completed - st->tp_count;
        st->ts = t;
        st->stop_set = 1;
        st->next_arrival = INFINITY;
    } else {
        st->area_w = st->area;
        st->tp_count = st->completed; /* until the stop mark makes it the difference */
        st->warm_at = UINT64_MAX;
        st->tw = t;
        st->warm_set = 1;
    }
}

/* ---- arrivals ---- */

/* Rate of the curve at time t, requests/s. */
static double curve_rate(const struct sl_sim_config *c, double t)
{
    const struct sl_sim_rate_point *p = c->curve;
    size_t n = c->n_curve, lo = 0, hi = n - 1;

    if (c->curve_period_s > 0)
        t = fmod(t, c->curve_period_s);
    if (t <= p[0].t_s)
        return p[0].rps;
    if (t >= p[n - 1].t_s)
        return p[n - 1].rps;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;

        if (p[mid].t_s <= t)
            lo = mid;
        else
            hi = mid;
    }
    return p[lo].rps + (p[hi].rps - p[lo].rps) * (t - p[lo].t_s) / (p[hi].t_s - p[lo].t_s);
}

/* Draws the next arrival time after now (thinning for a curve); +inf when there is none. */
static void next_arrival_general(struct sim_state *st)
{
    const struct sl_sim_config *c = st->c;
    double t = st->now;

    if (c->n_curve == 0) {
        t += sl_rng_exponential_inline(&st->rng_arr) / st->rate;
    } else if (!(st->rate_max > 0)) {
        t = INFINITY;
    } else {
        const struct sl_sim_rate_point *last = &c->curve[c->n_curve - 1];

        for (;;) {
            t += sl_rng_exponential_inline(&st->rng_arr) / st->rate_max;
            if (c->duration_s > 0 && t > c->duration_s)
                break;
            if (c->curve_period_s <= 0 && t >= last->t_s && !(last->rps > 0)) {
                t = INFINITY;
                break;
            }
            if (sl_rng_uniform(&st->rng_arr) * st->rate_max < curve_rate(c, t))
                break;
        }
    }
    if (c->duration_s > 0 && t > c->duration_s)
        t = INFINITY;
    st->next_arrival = t;
    if (t == INFINITY && !st->stop_set && !(c->duration_s > 0))
        sl_sim_mark(st, st->now, 1);
}

/* The next arrival time and its session: from the block at a constant rate. */
static inline void next_arrival(struct sim_state *st)
{
    struct sim_draws *d = &st->draws;

    if (d->arr_i == d->arr_n && !d->arrivals_ahead) {
        next_arrival_general(st); /* leaves the block empty: every arrival comes here */
        return;
    }
    st->next_arrival = sl_sim_next_drawn_arrival(st);
}

/* ---- routing ---- */

static void rebuild_up(struct sim_state *st)
{
    long i;

    st->n_up = 0;
    for (i = 0; i < st->n_srv; i++)
        if (st->srv[i].up)
            st->up_list[st->n_up++] = (uint32_t)i;
    if (st->rr >= st->n_up)
        st->rr = 0;
    sl_sim_series_at(&st->series, st->now)->servers_up = st->n_up;
}

/* Abandonment: waiting requests whose deadline has passed leave, at their deadline. */
SIM_COLD static void purge(struct sim_state *st, struct sim_server *s)
{
    double to = st->c->timeout_s, now = st->now;

    while (s->q_len) {
        const struct sim_wait *w = &s->q[s->q_head];
        double d = w->arrival + to;

        if (d > now)
            break;
        st->timed_out++;
        st->in_system--;
        /* the integral counted it until now; it left at d */
        st->area -= now - d;
        if (st->warm_set && d < st->tw)
            st->area_w -= st->tw - d;
        if (st->stop_set && d < st->ts)
            st->area_s -= st->ts - d;
        sl_sim_series_at(&st->series, d)->timed_out++;
        if (w->arrival >= st->tw) {
            st->w_timed_out++;
            st->w_sojourn += to;
            st->w_departed++;
        }
        s->q_head = s->q_head + 1 == s->q_cap ? 0 : s->q_head + 1;
        s->q_len--;
    }
}

/* Requests at server s (in service and waiting), after abandonments. */
static inline uint64_t load_of(struct sim_state *st, struct sim_server *s)
{
    if (st->timeouts)
        purge(st, s);
    return (uint64_t)s->busy + s->q_len;
}

/* The next server up in turn, or -1 when none is. */
static inline long next_in_turn(struct sim_state *st)
{
    long best;

    if (st->n_up == 0)
        return -1;
    best = st->up_list[st->rr];
    if (++st->rr >= st->n_up)
        st->rr = 0;
    return best;
}

static long choose(struct sim_state *st, uint32_t session)
{
    long n = st->n_up, i, best;
    enum sl_sim_lb lb = st->c->lb;

    if (n == 0)
        return -1;
    if (st->pin) {
        uint32_t o = st->sess_srv[session];

        if (o != SIM_NONE && st->sess_epoch[session] == st->srv[o].epoch && st->srv[o].up)
            return (long)o;
    }
    switch (lb) {
    case SL_SIM_LB_RANDOM:
        return st->up_list[sl_rng_below(&st->rng_misc, (uint32_t)n)];
    case SL_SIM_LB_LEAST: {
        uint64_t best_load = UINT64_MAX;

        best = st->up_list[st->rr];
        for (i = 0; i < n; i++) {
            long k = st->rr + i < n ? st->rr + i : st->rr + i - n;
            uint32_t j = st->up_list[k];
            uint64_t l = load_of(st, &st->srv[j]);

            if (l < best_load) {
                best_load = l;
                best = j;
                if (l == 0)
                    break; /* nothing beats an idle server, and ties go by rotation */
            }
        }
        if (++st->rr >= n)
            st->rr = 0;
        return best;
    }
    case SL_SIM_LB_P2C: {
        uint32_t a, b;

        if (n == 1)
            return st->up_list[0];
        a = sl_rng_below(&st->rng_misc, (uint32_t)n);
        b = sl_rng_below(&st->rng_misc, (uint32_t)n - 1);
        if (b >= a)
            b++;
        a = st->up_list[a];
        b = st->up_list[b];
        return load_of(st, &st->srv[b]) < load_of(st, &st->srv[a]) ? (long)b : (long)a;
    }
    case SL_SIM_LB_RR:
    case SL_SIM_LB_STICKY:
    default:
        return next_in_turn(st);
    }
}

/* ---- state: sessions, counters, locks, store ---- */

/* Session bookkeeping for a request admitted at server j. */
SIM_COLD void sl_sim_admit_session(struct sim_state *st, uint32_t j, uint32_t session)
{
    uint32_t o = st->sess_srv[session];

    if (o != SIM_NONE) {
        int alive = st->sess_epoch[session] == st->srv[o].epoch;

        st->session_requests++;
        if (alive && o == j)
            return;
        if (st->local_state)
            st->sessions_lost++;
        if (alive)
            st->srv[o].owned--;
    }
    st->sess_srv[session] = j;
    st->sess_epoch[session] = st->srv[j].epoch;
    st->srv[j].owned++;
}

/* A request starting service on slot k of s locks key while in service. */
SIM_COLD static void take_lock(struct sim_state *st, struct sim_server *s, struct sim_slot *k,
                      uint32_t key)
{
    uint32_t i;

    if (st->lock_holders[key]) {
        if (!st->local_counters) {
            st->lock_conflicts++;
            return;
        }
        for (i = 0; i < s->cores; i++) {
            const struct sim_slot *o = &st->slots[s->slot0 + i];

            if (o != k && o->start >= 0 && o->lock == (int32_t)key) {
                st->lock_conflicts++;
                return;
            }
        }
        st->lock_violations++;
    }
    st->lock_holders[key]++;
    k->lock = (int32_t)key;
    st->locks_taken++;
}

/*
 * Time the store operations of a request starting at now take. The store is one FIFO server of
 * store_capacity_ops operations per second; a request reserves it once for all its operations
 * (so reservations arrive in time order and FIFO holds exactly) and pays one round trip of
 * store_latency_s per operation.
 */
SIM_COLD double sl_sim_store_time(struct sim_state *st, double now, int in_window)
{
    const struct sl_sim_config *c = st->c;
    double ops = (double)c->store_ops, half = 0.5 * c->store_latency_s;
    double busy = ops / c->store_capacity_ops, begin = now + half, delay;

    if (begin < st->store_free)
        begin = st->store_free;
    st->store_free = begin + busy;
    delay = st->store_free + half + (ops - 1.0) * c->store_latency_s - now;
    if (in_window) {
        st->store_busy += busy;
        st->store_delay += delay;
        st->store_reqs++;
    }
    return delay;
}

/* ---- service ---- */

/*
 * Starts serving w on slot of s now; returns its completion time. An arrival that finds a free
 * core (queued = 0) waits exactly 0, which spares the wait histogram a branch on the wait.
 */
SIM_HOT static inline double start(struct sim_state *st, struct sim_server *s, uint32_t slot,
                                   const struct sim_wait *w, int queued, const int plain)
{
    const struct sl_sim_config *c = st->c;
    struct sim_slot *k = &st->slots[slot];
    int in_window = w->arrival >= st->tw;
    double svc, wait = st->now - w->arrival;

    k->arrival = w->arrival;
    k->start = st->now;
    k->session = w->session;
    k->lock = -1;
    if (in_window) {
        if (queued)
            sl_sim_hist_add(&st->wait, wait);
        else
            sl_hist_add_zero(&st->wait);
    }
    sl_sim_batches_add(&st->mser_wait, wait, st->now);
    svc = sl_sim_next_service(st);
    if (st->locks) {
        /* each start locks with probability lock_fraction: count down geometric gaps */
        if (st->lock_gap == 0) {
            take_lock(st, s, k, sl_rng_below(&st->rng_lock, (uint32_t)c->lock_keys));
            st->lock_gap = sl_rng_geometric(&st->rng_lock, st->lock_log1m);
        } else {
            st->lock_gap--;
        }
    }
    if (!plain && st->store)
        svc += sl_sim_store_time(st, st->now, in_window);
    return st->now + svc;
}

/*
 * A ring of cap places of size bytes, len of them in use from head, moved into a new one of
 * new_cap > len places from place 0; the old one is freed. NULL (and st->nomem) without memory,
 * the old ring kept.
 */
void *sl_sim_ring_grow(struct sim_state *st, void *ring, size_t size, uint32_t head,
                       uint32_t len, uint32_t cap, uint64_t new_cap)
{
    char *q = sl_malloc(new_cap * size);
    size_t first = len < cap - head ? len : cap - head;

    if (!q) {
        st->nomem = 1;
        return NULL;
    }
    memcpy(q, (char *)ring + (size_t)head * size, first * size);
    memcpy(q + first * size, ring, (len - first) * size);
    sl_free(ring);
    st->bytes += (new_cap - cap) * size;
    return q;
}

SIM_COLD static int grow_queue(struct sim_state *st, struct sim_server *s)
{
    uint64_t cap = (uint64_t)s->q_cap * 2;
    struct sim_wait *q;

    if (cap < 16)
        cap = 16;
    if (cap > st->queue_bound)
        cap = st->queue_bound;
    q = sl_sim_ring_grow(st, s->q, sizeof(*q), s->q_head, s->q_len, s->q_cap, cap);
    if (!q)
        return -1;
    s->q = q;
    s->q_cap = (uint32_t)cap;
    s->q_head = 0;
    return 0;
}

void sl_sim_drop(struct sim_state *st, struct sl_sim_point *pt, int in_window)
{
    st->dropped++;
    pt->dropped++;
    if (in_window)
        st->w_dropped++;
}

/*
 * The arrival at next_arrival. plain (st->plain, a constant where the loop is compiled for it):
 * no timeouts, no sessions kept, round robin, no store delay.
 */
SIM_HOT static inline void on_arrival(struct sim_state *st, const int plain)
{
    const struct sl_sim_config *c = st->c;
    double t = st->next_arrival;
    uint32_t session = 0;
    struct sl_sim_point *pt;
    struct sim_server *s;
    long j;
    int in_window;

    advance(st, t);
    if (st->offered == st->warm_at)
        sl_sim_mark(st, t, 0);
    st->offered++;
    in_window = st->warm_set;
    if (in_window)
        st->w_offered++;
    pt = sl_sim_series_now(&st->series, t);
    pt->offered++;
    if (!plain && st->track_sessions)
        session = st->draws.arrivals_ahead ? st->draws.session[st->draws.arr_i - 1]
                                           : sl_rng_below(&st->rng_arr, (uint32_t)c->sessions);
    j = plain ? next_in_turn(st) : choose(st, session);
    if (j < 0) {
        sl_sim_drop(st, pt, in_window);
    } else {
        s = &st->srv[j];
        if (in_window)
            s->routed_w++;
        if (!plain && st->timeouts)
            purge(st, s);
        if (s->n_free) {
            uint32_t slot = s->free[--s->n_free];

            st->in_system++;
            if (!plain && st->track_sessions)
                sl_sim_admit_session(st, (uint32_t)j, session);
            srv_flush(s, t);
            s->busy++;
            struct sim_wait w = { t, session, 0 };

            sl_sim_done_set(&st->done, slot, start(st, s, slot, &w, 0, plain));
        } else if (s->q_len < st->queue_bound
                   && (s->q_len < s->q_cap || grow_queue(st, s) == 0)) {
            uint32_t at = s->q_head + s->q_len;

            if (at >= s->q_cap)
                at -= s->q_cap;
            s->q[at].arrival = t;
            s->q[at].session = session;
            s->q_len++;
            st->in_system++;
            if (!plain && st->track_sessions)
                sl_sim_admit_session(st, (uint32_t)j, session);
        } else {
            sl_sim_drop(st, pt, in_window);
        }
    }
    if (st->offered >= st->stop_at) {
        sl_sim_mark(st, t, 1);
    } else if (st->in_system >= st->in_system_cap) {
        st->unstable = 1;
        sl_sim_mark(st, t, 1);
    } else {
        next_arrival(st);
    }
}

/* One request leaves because its server failed. */
static void lose(struct sim_state *st, double arrival)
{
    st->failed++;
    st->in_system--;
    sl_sim_series_at(&st->series, st->now)->failed++;
    if (arrival >= st->tw) {
        st->w_failed++;
        st->w_sojourn += st->now - arrival;
        st->w_departed++;
    }
}

/* The next completion, at t, on slot: the core takes the head of its queue or goes idle. */
SIM_HOT static inline void on_done(struct sim_state *st, uint32_t slot, double t, const int plain)
{
    struct sim_slot *k = &st->slots[slot];
    struct sim_server *s = &st->srv[k->srv];

    advance(st, t);
    st->in_system--;
    sl_sim_record_done(st, s, sl_sim_series_now(&st->series, t), k->arrival, t);
    if (k->lock >= 0)
        st->lock_holders[k->lock]--;
    if (!plain && st->timeouts)
        purge(st, s);
    if (s->q_len) {
        struct sim_wait w = s->q[s->q_head];

        s->q_head = s->q_head + 1 == s->q_cap ? 0 : s->q_head + 1;
        s->q_len--;
        sl_sim_done_set(&st->done, slot, start(st, s, slot, &w, 1, plain));
    } else {
        k->start = -1.0;
        srv_flush(s, t);
        s->busy--;
        s->free[s->n_free++] = slot;
        sl_sim_done_set(&st->done, slot, INFINITY);
    }
}

static void on_fail(struct sim_state *st, long j)
{
    struct sim_server *s = &st->srv[j];
    uint32_t i;

    if (!s->up)
        return;
    if (st->c->timeout_s > 0)
        purge(st, s);
    srv_flush(s, st->now);
    for (i = 0; i < s->cores; i++) {
        struct sim_slot *k = &st->slots[s->slot0 + i];

        if (k->start >= 0) {
            lose(st, k->arrival);
            if (k->lock >= 0)
                st->lock_holders[k->lock]--;
            k->start = -1.0;
            sl_sim_done_set(&st->done, s->slot0 + i, INFINITY);
        }
        s->free[i] = s->slot0 + s->cores - 1 - i;
    }
    while (s->q_len) {
        lose(st, s->q[s->q_head].arrival);
        s->q_head = s->q_head + 1 == s->q_cap ? 0 : s->q_head + 1;
        s->q_len--;
    }
    s->q_head = 0;
    s->busy = 0;
    s->n_free = s->cores;
    s->epoch++;
    s->up = 0;
    s->down_by_failure = 1;
    if (st->local_state)
        st->sessions_destroyed += s->owned;
    if (st->local_counters)
        s->counter = 0;
    s->owned = 0;
    rebuild_up(st);
}

static void bring_up(struct sim_state *st, struct sim_server *s)
{
    srv_flush(s, st->now);
    s->up = 1;
    s->down_by_failure = 0;
}

static void on_event(struct sim_state *st, const struct sim_event *ev)
{
    const struct sl_sim_config *c = st->c;
    long i, first;

    switch (ev->kind) {
    case SIM_EV_FAIL:
        on_fail(st, c->fails[ev->arg].server);
        break;
    case SIM_EV_RECOVER:
        if (st->srv[ev->arg].down_by_failure) {
            bring_up(st, &st->srv[ev->arg]);
            rebuild_up(st);
        }
        break;
    case SIM_EV_UP:
        first = c->servers;
        for (i = 0; i < (long)ev->arg; i++)
            first += c->adds[i].count;
        for (i = first; i < first + c->adds[ev->arg].count; i++)
            if (!st->srv[i].up && !st->srv[i].down_by_failure)
                bring_up(st, &st->srv[i]);
        rebuild_up(st);
        break;
    case SIM_EV_WARM:
        if (!st->warm_set)
            sl_sim_mark(st, ev->t, 0);
        break;
    case SIM_EV_STOP:
        if (!st->stop_set)
            sl_sim_mark(st, ev->t, 1);
        break;
    default:
        break;
    }
}

void sl_sim_report_progress(struct sim_state *st, double f)
{
    struct sim_progress *p = st->progress;
    const struct sl_sim_config *c = st->c;
    double total = 0;
    long i;

    if (!p || !p->fn)
        return;
    if (f < 0) {
        f = 0;
        if (c->requests)
            f = (double)st->offered / (double)c->requests;
        if (c->duration_s > 0 && st->now / c->duration_s > f)
            f = st->now / c->duration_s;
        if (f > 1)
            f = 1;
    }
    if (p->mutex)
        pthread_mutex_lock(p->mutex);
    p->done[st->rep] = f;
    for (i = 0; i < p->n; i++)
        total += p->done[i];
    p->fn(p->ctx, total / (double)p->n);
    if (p->mutex)
        pthread_mutex_unlock(p->mutex);
}

/*
 * How many arrivals pass between two looks at the cancel flag, minus one (a power of two minus
 * one): about five hundred, a thousand cheap events, fewer when least-connections scans many
 * servers per arrival.
 */
uint64_t sl_sim_cancel_mask(const struct sl_sim_config *c)
{
    uint64_t every = 512;
    long scan = c->lb == SL_SIM_LB_LEAST ? c->servers / 64 : 0;

    while (scan > 1 && every > 1) {
        every >>= 1;
        scan >>= 1;
    }
    return every - 1;
}

/* The event loop, compiled twice: for plain runs (on_arrival) and for every other. */
SIM_HOT static inline enum sl_status run(struct sim_state *st, const int plain)
{
    uint64_t mask = sl_sim_cancel_mask(st->c);

    for (;;) {
        double td = st->done.t[1], te = st->heap[1].t;

        /* at equal times an arrival comes first, then a scheduled event, then a completion */
        if (st->next_arrival <= (te <= td ? te : td)) {
            if (st->next_arrival == INFINITY)
                break;
            on_arrival(st, plain);
            if (st->nomem)
                return SL_E_NOMEM; /* a queue could not grow */
            /* mask < 0xffff: a multiple of 65536 arrivals is a multiple of mask + 1 */
            if ((st->offered & mask) == 0) {
                if (st->c->cancel && atomic_load_explicit(st->c->cancel, memory_order_relaxed))
                    return SL_E_CANCELLED;
                if ((st->offered & 0xffff) == 0)
                    sl_sim_report_progress(st, -1.0);
            }
        } else if (te <= td) {
            struct sim_event ev = st->heap[1];

            sl_sim_heap_pop(st);
            st->scheduled++;
            /* the scenario ends at the stop mark: later failures and boots do not happen */
            if (!(st->stop_set && ev.t > st->ts)) {
                advance(st, ev.t);
                on_event(st, &ev);
            }
        } else {
            on_done(st, (uint32_t)st->done.slot[1], td, plain);
        }
    }
    /* every turn of the loop handled one arrival, one completion or one scheduled event */
    st->events = st->offered + st->completed + st->scheduled;
    if (!st->stop_set)
        sl_sim_mark(st, st->now, 1);
    sl_sim_report_progress(st, 1.0);
    return SL_OK;
}

enum sl_status sl_sim_state_run(struct sim_state *st)
{
    if (st->fcfs)
        return sl_sim_fcfs_run(st);
    if (st->fleet)
        return sl_sim_fleet_run(st);
    return st->plain ? run(st, 1) : run(st, 0);
}

static int alloc_servers(struct sim_state *st, long total)
{
    const struct sl_sim_config *c = st->c;
    size_t cores = (size_t)total * (size_t)c->cores;
    uint32_t q0;
    long i;

    st->srv = st_calloc(st, (size_t)total, sizeof(*st->srv));
    st->up_list = st_calloc(st, (size_t)total, sizeof(*st->up_list));
    st->slots = st_calloc(st, cores, sizeof(*st->slots));
    st->free_all = st_calloc(st, cores, sizeof(*st->free_all));
    if (!st->srv || !st->up_list || !st->slots || !st->free_all)
        return -1;
    st->n_srv = total;
    q0 = st->queue_bound < 64 ? st->queue_bound : 64;
    for (i = 0; i < total; i++) {
        struct sim_server *s = &st->srv[i];
        uint32_t k;

        s->cores = (uint32_t)c->cores;
        s->slot0 = (uint32_t)((size_t)i * (size_t)c->cores);
        s->free = st->free_all + s->slot0;
        s->n_free = s->cores;
        for (k = 0; k < s->cores; k++) {
            s->free[k] = s->slot0 + s->cores - 1 - k;
            st->slots[s->slot0 + k].srv = (uint32_t)i;
            st->slots[s->slot0 + k].start = -1.0;
        }
        s->q = st_calloc(st, q0 ? q0 : 1, sizeof(*s->q));
        if (!s->q)
            return -1;
        s->q_cap = q0;
        s->up = i < c->servers;
        s->added = i >= c->servers;
    }
    return 0;
}

static int alloc_state(struct sim_state *st)
{
    const struct sl_sim_config *c = st->c;
    long total = sl_sim_total_servers(c), i;

    st->queue_bound = c->queue == SL_SIM_QUEUE_UNBOUNDED ? UINT32_MAX : (uint32_t)c->queue;
    if (alloc_servers(st, total))
        return -1;
    if (st->track_sessions) {
        st->sess_srv = st_calloc(st, (size_t)c->sessions, sizeof(*st->sess_srv));
        st->sess_epoch = st_calloc(st, (size_t)c->sessions, sizeof(*st->sess_epoch));
        if (!st->sess_srv || !st->sess_epoch)
            return -1;
        for (i = 0; i < c->sessions; i++)
            st->sess_srv[i] = SIM_NONE;
    }
    if (c->lock_fraction > 0) {
        st->lock_holders = st_calloc(st, (size_t)c->lock_keys, sizeof(*st->lock_holders));
        if (!st->lock_holders)
            return -1;
    }
    /* failures and recoveries, boots, the warm-up and stop marks, and node 0 */
    st->heap_cap = 2 * c->n_fails + c->n_adds + 3;
    st->heap = st_calloc(st, st->heap_cap, sizeof(*st->heap));
    if (!st->heap || sl_sim_done_init(st, &st->done, (size_t)total * (size_t)c->cores))
        return -1;
    st->heap[1].t = INFINITY;
    return sl_sim_series_init(&st->series, (size_t)c->series_cap, &st->bytes);
}

/* Schedules the configured failures, recoveries, boots and marks, and the first arrival. */
static void schedule(struct sim_state *st)
{
    const struct sl_sim_config *c = st->c;
    size_t i;

    for (i = 0; i < c->n_fails; i++) {
        heap_push(st, c->fails[i].at_s, SIM_EV_FAIL, (uint32_t)i);
        if (c->fails[i].recover_s >= 0)
            heap_push(st, c->fails[i].recover_s, SIM_EV_RECOVER, (uint32_t)c->fails[i].server);
    }
    for (i = 0; i < c->n_adds; i++) {
        double boot = c->adds[i].boot_s >= 0 ? c->adds[i].boot_s : c->boot_s;

        heap_push(st, c->adds[i].at_s + boot, SIM_EV_UP, (uint32_t)i);
    }
    if (c->requests) {
        st->warm_at = (uint64_t)floor(c->warmup_fraction * (double)c->requests);
        if (st->warm_at == 0)
            sl_sim_mark(st, 0.0, 0);
    } else if (c->warmup_fraction > 0) {
        heap_push(st, c->warmup_fraction * c->duration_s, SIM_EV_WARM, 0);
    } else {
        sl_sim_mark(st, 0.0, 0);
    }
    if (c->duration_s > 0)
        heap_push(st, c->duration_s, SIM_EV_STOP, 0);
    rebuild_up(st);
    next_arrival(st);
}

struct sim_state *sl_sim_state_new(const struct sl_sim_config *c, uint64_t seed, long rep,
                                struct sim_progress *progress)
{
    struct sim_state *st = sl_calloc(1, sizeof(*st));

    if (!st)
        return NULL;
    st->bytes = sizeof(*st);
    st->c = c;
    st->rep = rep;
    st->progress = progress;
    /* replication rep draws from streams 4 rep + 0 .. 3 of the seed: shared with nobody */
    sl_rng_seed_stream(&st->rng_arr, seed, 4 * (uint64_t)rep);
    sl_rng_seed_stream(&st->rng_svc, seed, 4 * (uint64_t)rep + 1);
    sl_rng_seed_stream(&st->rng_misc, seed, 4 * (uint64_t)rep + 2);
    sl_rng_seed_stream(&st->rng_lock, seed, 4 * (uint64_t)rep + 3);
    st->timeouts = c->timeout_s > 0;
    st->locks = c->lock_fraction > 0;
    if (st->locks) {
        st->lock_log1m = sl_rng_log1m(c->lock_fraction);
        st->lock_gap = sl_rng_geometric(&st->rng_lock, st->lock_log1m);
    }
    if (sl_rng_dist_init(&st->dist, c->dist, c->service_s, c->cv, NULL, 0) != SL_OK)
        goto fail;
    st->rate = c->load_rps;
    st->rate_max = sl_sim_max_rate(c);
    st->local_state = c->state == SL_STATE_MEMORY || c->state == SL_STATE_STICKY;
    /* a token carries the session, not a counter or a lock shared by all users */
    st->local_counters = st->local_state || c->state == SL_STATE_TOKEN;
    st->pin = c->lb == SL_SIM_LB_STICKY || c->state == SL_STATE_STICKY;
    st->track_sessions = st->local_state || st->pin;
    st->store = c->state == SL_STATE_STORE && c->store_ops > 0;
    st->plain = !st->timeouts && !st->track_sessions && c->lb == SL_SIM_LB_RR && !st->store;
    st->tw = INFINITY;
    st->ts = INFINITY;
    st->warm_at = UINT64_MAX;
    st->stop_at = c->requests ? c->requests : UINT64_MAX;
    st->in_system_cap = c->queue == SL_SIM_QUEUE_UNBOUNDED ? c->max_in_system : UINT64_MAX;
    sl_hist_init(&st->resp);
    sl_hist_init(&st->wait);
    sl_sim_batches_init(&st->mser, SIM_MSER_CAP, 5);
    sl_sim_batches_init(&st->mser_wait, SIM_MSER_CAP, 5);
    sl_sim_draws_init(st);
    if (alloc_state(st))
        goto fail;
    schedule(st);
    if (st->nomem)
        goto fail;
    st->fcfs = sl_sim_fcfs_exact(st);
    st->fleet = !st->fcfs && sl_sim_fleet_exact(st);
    return st;
fail:
    sl_sim_state_free(st);
    return NULL;
}

void sl_sim_state_free(struct sim_state *st)
{
    long i;

    if (!st)
        return;
    if (st->srv)
        for (i = 0; i < st->n_srv; i++)
            sl_free(st->srv[i].q);
    sl_free(st->srv);
    sl_free(st->up_list);
    sl_free(st->slots);
    sl_free(st->free_all);
    sl_free(st->sess_srv);
    sl_free(st->sess_epoch);
    sl_free(st->lock_holders);
    sl_free(st->heap);
    sl_free(st->done.t);
    sl_free(st->done.slot);
    sl_sim_series_release(&st->series);
    sl_sim_fcfs_release(&st->fast);
    sl_sim_fleet_release(st);
    sl_free(st);
}
