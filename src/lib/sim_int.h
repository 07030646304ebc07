/* Internal state of the simulator, shared by the sim_*.c files only. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_SIM_INT_H
#define SL_SIM_INT_H

#include <stdint.h>

#include "scalelab/hist.h"
#include "hist_int.h"
#include "scalelab/rng.h"
#include "scalelab/sim.h"

#define SIM_MSER_CAP 1024  /* batch means kept of a whole run, for MSER-5 and the CIs (even) */
#define SIM_NONE UINT32_MAX

/* The event loop's inlining: what every event runs inline, what few run out of line. */
#if defined(__GNUC__)
#define SIM_HOT __attribute__((always_inline))
#define SIM_COLD __attribute__((noinline, cold))
#else
#define SIM_HOT
#define SIM_COLD
#endif

/* Fixed-memory batch means: when cap batches are full, pairs merge and the batch size doubles. */
struct sim_batches {
    size_t cap;                 /* <= SIM_MSER_CAP */
    size_t k;                   /* complete batches */
    uint64_t size;              /* observations per batch */
    uint64_t left;              /* observations the batch being filled still needs */
    double cur_sum;
    double sum[SIM_MSER_CAP];   /* sum of each complete batch */
    double end_t[SIM_MSER_CAP]; /* time of its last observation, seconds */
};

/* A time series with a fixed number of buckets; past the cap, pairs merge (width doubles). */
struct sim_series {
    struct sl_sim_point *p;     /* cap points; mean_response_s holds a sum until finished */
    size_t cap;
    size_t used;                /* highest bucket touched + 1 */
    double cap_f;               /* cap, as a double */
    struct sl_sim_point *cur;   /* the bucket last looked up, and the times it holds: */
    double lo, hi;              /* exactly those t with lo <= t < hi (empty: lo = hi) */
    double width, inv_width;    /* seconds */
};

/* A request waiting in a server's queue. */
struct sim_wait {
    double arrival;             /* seconds */
    uint32_t session;
    uint32_t unused;
};

/* A core and the request it serves (start < 0: idle). */
struct sim_slot {
    double arrival, start;      /* seconds */
    uint32_t session;
    int32_t lock;               /* key held, or -1 */
    uint32_t srv;               /* the server the core belongs to */
    uint32_t unused;
};

/* The scenario's scheduled events; completions live in the done tree instead. */
enum sim_event_kind { SIM_EV_FAIL, SIM_EV_RECOVER, SIM_EV_UP, SIM_EV_WARM, SIM_EV_STOP };

struct sim_event {
    double t;                   /* seconds */
    uint64_t seq;               /* ties: first scheduled, first processed */
    uint32_t kind;
    uint32_t arg;               /* failure, server or scale-out index */
};

/*
 * Completion times of every core, a tournament tree: leaves p..2p-1 are slots 0..p-1 (p the
 * slot count rounded up to a power of two), node i is the earlier of 2i and 2i+1, so node 1 is
 * the next completion. A core that starts or ends a service rewrites its leaf and the log2 p
 * nodes above it, with no data-dependent branch; at equal times the climbing slot stays ahead.
 * Times and slots are separate arrays so that every load reads what one store of the same size
 * wrote.
 */
struct sim_done {
    double *t;                  /* 2p nodes, [0] unused: earliest completion below, s; +inf idle */
    uint32_t *slot;             /* 2p nodes: the slot of that completion */
    uint32_t p;
};

/* Variates drawn ahead (sim_draws.c): a block of each, consumed from index *_i to *_n. */
#define SIM_DRAWS 256
struct sim_draws {
    double arrival[SIM_DRAWS];  /* arrival times, seconds; +inf past the duration */
    uint32_t session[SIM_DRAWS]; /* the session of each of those arrivals */
    double service[SIM_DRAWS];  /* service times, seconds */
    unsigned arr_i, arr_n, svc_i, svc_n;
    double last_arrival;        /* the last time drawn */
    int arrivals_ahead;         /* constant rate: arrivals come from the block */
};

struct sim_server {
    struct sim_wait *q;         /* ring of q_cap places */
    uint32_t q_cap, q_head, q_len;
    uint32_t cores, busy, slot0;
    uint32_t *free;             /* stack of idle slot indices, n_free of them */
    uint32_t n_free;
    uint32_t epoch;             /* bumped at each failure: older sessions are void */
    int up, down_by_failure, added;
    double last_t;              /* time the integrals below were last brought up to */
    double busy_area, up_area;  /* core-seconds busy, seconds up */
    double busy_w, up_w, busy_s, up_s; /* the integrals at the warm-up and stop marks */
    uint64_t routed_w, completed_w;
    uint64_t counter;           /* local copy of the shared counter (memory state) */
    uint64_t owned;             /* sessions living here (memory state) */
};

/*
 * The FCFS shortcut (sim_fcfs.c): one server's cores as the done tree of their next-free
 * times, and the start times of the requests that wait, in arrival order.
 */
struct sim_held {
    double until;               /* the holder leaves then, seconds */
    uint32_t key, srv;          /* the key, and the server of the core that holds it */
};

struct sim_fcfs {
    double *wait_start;         /* ring of cap start times, from head, len of them: seconds */
    uint32_t cap, head, len;
    uint32_t lim;               /* a queued arrival trims the ring when it holds lim (fcfs_room) */
    uint32_t n_held;
    struct sim_held *held;      /* locks held by requests in service: at most cores + 1 */
    double resp_sum, svc_sum;   /* sums over admitted requests: done - arrival, service, s */
    uint64_t admitted;
};

/*
 * The fleet shortcut (sim_fleet.c): several FCFS servers behind a balancer that needs no server
 * state. A server's lane holds the requests routed to it that have not started, and the done
 * tree of its cores' free times.
 */
struct sim_lane {
    double *q;                  /* ring of cap (a power of two) arrival times, from head, len */
    uint32_t cap, head, len, unused;
    double free;                /* one core: its free time, the time its last request leaves */
    uint64_t admitted, left;    /* requests admitted here; those recorded as departed */
    double busy;                /* core-seconds of those recorded */
    double busy_at[2];          /* core-seconds busy up to the warm-up and stop marks */
    struct sim_done cores;      /* several cores: each one's free time */
};

/* A request that left a core, kept until the departures before it are all known. */
struct sim_gone {
    double arrival, start, done; /* seconds */
};

/* The integrals up to a mark, summed per request in departure order. */
struct sim_fleet_mark {
    double t;                   /* +inf until set: seconds */
    double area;                /* request-seconds in the system up to t */
    uint64_t before;            /* requests admitted before t */
    uint64_t left;              /* departures before t */
    uint64_t across;            /* requests admitted before t, leaving after it, not yet seen */
    int state;                  /* 0: no departure at or after t yet; 1: across > 0; 2: done */
    int unused;
};

struct sim_fleet {
    struct sim_lane *lane;      /* one per server */
    struct sim_done next;       /* per server: when its next start is due; +inf: none waiting */
    struct sim_done out;        /* per core: its first departure not yet recorded; +inf: none */
    struct sim_gone *gone;      /* per core, a ring of ring places, from head[k], len[k] */
    uint32_t *head, *len;
    uint32_t ring;              /* places per core, a power of two */
    uint32_t n_held;
    uint32_t to;                /* the server next_arrival goes to */
    uint32_t unused;
    struct sim_held *held;      /* locks held by requests in service: at most one a core, + 1 */
    uint64_t admitted;          /* requests admitted (st->completed: those recorded as left) */
    double area;                /* request-seconds of those recorded */
    double watch;               /* a departure at or after it is looked at by the marks */
    struct sim_fleet_mark mark[2]; /* the warm-up and the stop mark */
};

/* Progress shared by the replications of one run. */
struct sim_progress {
    sl_sim_progress_fn *fn;
    void *ctx;
    void *mutex;                /* pthread_mutex_t *, NULL when single-threaded */
    double *done;               /* per replication, [0, 1] */
    long n;
};

struct sim_state {
    const struct sl_sim_config *c;
    struct sl_rng rng_arr;      /* interarrival times, thinning, session ids */
    struct sl_rng rng_svc;      /* service times */
    struct sl_rng rng_misc;     /* load-balancer choices */
    struct sl_rng rng_lock;     /* gaps between locking requests, and their keys */
    uint64_t lock_gap;          /* service starts left before the next one that locks */
    double lock_log1m;          /* log(1 - lock_fraction) */
    struct sl_rng_dist dist;
    struct sim_draws draws;
    double now;
    double next_arrival;        /* +inf once arrivals have stopped */
    double rate, rate_max;      /* constant rate; curve maximum, requests/s */
    struct sim_done done;       /* when each core finishes its request */
    struct sim_event *heap;     /* 1-based binary heap of the scenario's events */
    size_t heap_n, heap_cap;
    uint64_t seq;
    struct sim_server *srv;
    long n_srv;
    uint32_t *up_list;
    long n_up;
    long rr;
    struct sim_slot *slots;
    uint32_t *free_all;
    uint32_t *sess_srv, *sess_epoch;
    uint32_t *lock_holders;
    int local_state, pin, track_sessions;
    int timeouts, locks;        /* timeout_s > 0, lock_fraction > 0 */
    int store;                  /* state in the store, with operations: a store delay */
    int plain;                  /* no timeouts, no sessions, round robin, no store delay */
    int fcfs;                   /* the FCFS shortcut runs it (sim_fcfs.c); tests clear it */
    struct sim_fcfs fast;       /* the shortcut's own state */
    int fleet;                  /* the fleet shortcut runs it (sim_fleet.c); tests clear it */
    struct sim_fleet fl;        /* its own state */
    int local_counters;         /* counters and locks live in each server's memory */
    uint32_t queue_bound;
    /* marks */
    int warm_set, stop_set;
    double tw, ts;              /* +inf until set */
    uint64_t warm_at;           /* offered count whose next arrival sets the warm-up mark */
    uint64_t stop_at;           /* offered count that sets the stop mark (UINT64_MAX: none) */
    uint64_t in_system_cap;     /* an unbounded run stops here, unstable (UINT64_MAX: none) */
    /* number in system and its integral */
    uint64_t in_system;
    double area, area_w, area_s;
    /* counts */
    uint64_t offered, completed, dropped, timed_out, failed;
    uint64_t w_offered, w_completed, w_dropped, w_timed_out, w_failed;
    uint64_t tp_count;          /* completions between the marks (at the warm-up mark, before) */
    double w_sojourn;           /* time in system of window requests that left, seconds */
    uint64_t w_departed;
    /* state */
    uint64_t session_requests, sessions_lost, sessions_destroyed;
    double counter_err;
    uint64_t locks_taken, lock_conflicts, lock_violations;
    double store_free, store_busy, store_delay;
    uint64_t store_reqs;
    /* statistics */
    struct sl_hist resp, wait;
    struct sim_batches mser, mser_wait; /* responses and waits of the whole run, batches of 5+ */
    struct sim_series series;
    int unstable, nomem;
    uint64_t events;            /* loop turns: arrivals, completions and scheduled events */
    uint64_t scheduled;         /* scheduled events popped */
    size_t bytes;
    struct sim_progress *progress;
    long rep;
};

/* sim_config.c */
long sl_sim_total_servers(const struct sl_sim_config *c);
double sl_sim_max_rate(const struct sl_sim_config *c);
double sl_sim_estimate_bytes(const struct sl_sim_config *c);

/* sim_stats.c */
void sl_sim_batches_init(struct sim_batches *b, size_t cap, uint64_t size);
void sl_sim_batches_close(struct sim_batches *b, double t);
void sl_sim_steady_ci(const struct sim_batches *b, double warmup_fraction, struct sl_sim_ci *out);
double sl_sim_batches_mser(const struct sim_batches *b);
void sl_sim_ci_from_values(const double *y, size_t k, struct sl_sim_ci *out);
int sl_sim_series_init(struct sim_series *s, size_t cap, size_t *bytes);
struct sl_sim_point *sl_sim_series_find(struct sim_series *s, double t);
void sl_sim_series_finish(struct sim_series *s, long servers_up0);
void sl_sim_series_release(struct sim_series *s);

/* sim_draws.c */
void sl_sim_draws_init(struct sim_state *st);
void sl_sim_draw_arrivals(struct sim_state *st);
void sl_sim_draw_services(struct sim_state *st);

/* sim_fcfs.c */
int sl_sim_fcfs_exact(const struct sim_state *st);
enum sl_status sl_sim_fcfs_run(struct sim_state *st);
void sl_sim_fcfs_release(struct sim_fcfs *f);
typedef void sl_sim_mark_fn(struct sim_state *st, double t, int stop);
void sl_sim_marks_before(struct sim_state *st, double t, sl_sim_mark_fn *mark);
void sl_sim_take_held(struct sim_state *st, struct sim_held *held, uint32_t *n_held,
                      uint32_t srv, uint32_t key, double begin, double until);

/* sim_fleet.c */
int sl_sim_fleet_exact(const struct sim_state *st);
enum sl_status sl_sim_fleet_run(struct sim_state *st);
void sl_sim_fleet_release(struct sim_state *st);

/* sim_engine.c */
int sl_sim_done_init(struct sim_state *st, struct sim_done *d, size_t slots);
void sl_sim_mark(struct sim_state *st, double t, int stop);
void sl_sim_drop(struct sim_state *st, struct sl_sim_point *pt, int in_window);
void sl_sim_heap_pop(struct sim_state *st);
void sl_sim_admit_session(struct sim_state *st, uint32_t j, uint32_t session);
double sl_sim_store_time(struct sim_state *st, double now, int in_window);
void *sl_sim_ring_grow(struct sim_state *st, void *ring, size_t size, uint32_t head,
                       uint32_t len, uint32_t cap, uint64_t new_cap);
void sl_sim_report_progress(struct sim_state *st, double f);
uint64_t sl_sim_cancel_mask(const struct sl_sim_config *c);
struct sim_state *sl_sim_state_new(const struct sl_sim_config *c, uint64_t seed, long rep,
                                struct sim_progress *progress);
enum sl_status sl_sim_state_run(struct sim_state *st);
void sl_sim_state_free(struct sim_state *st);

/* Adds observation x, at time t, to the batch being filled. */
static inline void sl_sim_batches_add(struct sim_batches *b, double x, double t)
{
    b->cur_sum += x;
    if (--b->left == 0)
        sl_sim_batches_close(b, t);
}

/* The bucket holding time t (t >= 0): events come in time order, so mostly the last one. */
static inline struct sl_sim_point *sl_sim_series_at(struct sim_series *s, double t)
{
    if (t >= s->lo && t < s->hi)
        return s->cur;
    return sl_sim_series_find(s, t);
}

/*
 * The bucket holding the clock's time t. Every lookup is of a time at or before the clock, and
 * the clock never goes back, so the cached bucket starts at or before t: only its end is tested.
 */
static inline struct sl_sim_point *sl_sim_series_now(struct sim_series *s, double t)
{
    if (t < s->hi)
        return s->cur;
    return sl_sim_series_find(s, t);
}

/* The next service time. */
static inline double sl_sim_next_service(struct sim_state *st)
{
    struct sim_draws *d = &st->draws;

    if (d->svc_i == d->svc_n)
        sl_sim_draw_services(st);
    return d->service[d->svc_i++];
}

/*
 * Slot now finishes at t (+inf: it is idle). The winner climbs in registers and meets only
 * siblings, which no store just wrote, so the root is ready a few cycles after t: the next
 * event's choice waits on it.
 */
static inline void sl_sim_done_set(struct sim_done *d, uint32_t slot, double t)
{
    size_t i = d->p + (size_t)slot;
    uint32_t s = slot;

    d->t[i] = t;
    while (i > 1) {
        size_t sib = i ^ 1;
        double ts = d->t[sib];
        uint32_t ss = d->slot[sib];

        /* selects, not branches; at equal times the climber, the slot just set, stays ahead */
        s = ts < t ? ss : s;
        t = ts < t ? ts : t;
        i >>= 1;
        d->t[i] = t;
        d->slot[i] = s;
    }
}

/* A completed request increments the shared counter and reads it back. */
static inline void sl_sim_count_request(struct sim_state *st, struct sim_server *s)
{
    /* the counter's true value G is the number of completions, this one included */
    if (st->local_counters) {
        uint64_t behind = st->completed - ++s->counter;

        /* one server's count is always the total: 0 / G needs no division */
        if (behind)
            st->counter_err += (double)(int64_t)behind / (double)(int64_t)st->completed;
    }
}

/* Adds x >= 0 to h; the caller's test of x is a branch it can predict. */
static inline void sl_sim_hist_add(struct sl_hist *h, double x)
{
    if (x > 0)
        sl_hist_add_positive(h, x);
    else
        sl_hist_add_zero(h);
}

/*
 * What a request that arrived at arrival and leaves server s at t, completed, adds to the
 * figures; pt is the series bucket of t.
 */
static inline void sl_sim_record_done(struct sim_state *st, struct sim_server *s,
                                      struct sl_sim_point *pt, double arrival, double t)
{
    double resp = t - arrival;

    st->completed++;
    pt->completed++;
    pt->mean_response_s += resp;
    if (arrival >= st->tw) {
        st->w_completed++;
        s->completed_w++;
        sl_sim_hist_add(&st->resp, resp);
        st->w_sojourn += resp;
        st->w_departed++;
    }
    sl_sim_batches_add(&st->mser, resp, t);
    sl_sim_count_request(st, s);
}

/* The next arrival time of a constant rate, from the block drawn ahead. */
static inline double sl_sim_next_drawn_arrival(struct sim_state *st)
{
    struct sim_draws *d = &st->draws;

    if (d->arr_i == d->arr_n)
        sl_sim_draw_arrivals(st);
    return d->arrival[d->arr_i++];
}

#endif
