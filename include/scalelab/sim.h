/* Discrete-event simulator of a load-balanced server pool: queues, failures, scale-out, state. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_SIM_H
#define SL_SIM_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "scalelab/status.h"
#include "scalelab/rng.h"
#include "scalelab/workload.h"

/*
 * The model (docs/model.md section 11 has it in full): requests arrive as a Poisson process
 * (constant rate, or a piecewise-linear rate curve by thinning); a load balancer sends each to one
 * of the servers that are up; a server has `cores` cores and a FIFO waiting room of `queue` places
 * (full: the request is dropped); a waiting client gives up after `timeout_s`. Times are seconds
 * (double), rates per second. A run is a pure function of its config: the same seed gives the same
 * result, bit for bit, on every IEEE-754 machine and with any number of threads.
 *
 * Memory is fixed at the start except for the waiting rooms, which grow (by doubling) up to their
 * bound; nothing grows with simulated time or with the number of requests.
 *
 * Ownership: a config is a plain value (no pointers but the progress callback's context and the
 * cancel flag, which stay the caller's). A result owns three arrays, freed by
 * sl_sim_result_release().
 */

#define SL_SIM_MAX_CURVE 1024        /* points of a rate curve */
#define SL_SIM_MAX_EVENTS 256        /* failure specs, and separately scale-out specs */
#define SL_SIM_MAX_SERVERS 100000L   /* servers, including those added later */
#define SL_SIM_MAX_CORES 4096L       /* cores of one server */
#define SL_SIM_MAX_TOTAL_CORES 1000000L
#define SL_SIM_MAX_QUEUE 10000000L   /* waiting places of one server */
#define SL_SIM_MAX_SESSIONS 10000000L
#define SL_SIM_MAX_LOCK_KEYS 10000000L
#define SL_SIM_MAX_REQUESTS 1000000000000ULL
#define SL_SIM_MAX_DURATION 1e9      /* seconds */
#define SL_SIM_MAX_REPLICATIONS 10000L
#define SL_SIM_MAX_THREADS 256L
#define SL_SIM_MAX_SERIES 1000000L
#define SL_SIM_MAX_BYTES (4ULL << 30) /* estimated memory of one run, all threads */
#define SL_SIM_QUEUE_UNBOUNDED (-1L)

/* Load-balancer policies. */
enum sl_sim_lb {
    SL_SIM_LB_RR = 0,     /* round robin over the servers that are up */
    SL_SIM_LB_RANDOM = 1, /* uniformly random server */
    SL_SIM_LB_LEAST = 2,  /* fewest requests in service + waiting; ties by rotation */
    SL_SIM_LB_P2C = 3,    /* the less loaded of two distinct random servers */
    SL_SIM_LB_STICKY = 4  /* a session's requests go where its first one went (that one: rr) */
};

/*
 * The engine that ran a replication (docs/model.md, section 11). The shortcuts give the event
 * loop's figures; they run where they are exact and faster.
 */
enum sl_sim_engine {
    SL_SIM_ENGINE_EVENTS = 0, /* the event loop */
    SL_SIM_ENGINE_FCFS = 1,   /* one server: its queue solved at each arrival */
    SL_SIM_ENGINE_FLEET = 2   /* servers behind round robin or random, run start by start */
};

/* A point of a rate curve: linear between points, constant before the first and after the last */
struct sl_sim_rate_point {
    double t_s;  /* seconds since the start (since the start of the period, if periodic) */
    double rps;  /* arrival rate at t_s, requests per second, >= 0 */
};

/* Server `server` (0-based id) fails at at_s and comes back, empty, at recover_s. */
struct sl_sim_fail {
    long server;      /* 0-based: the initial servers are 0..servers-1, added ones follow */
    double at_s;      /* seconds */
    double recover_s; /* seconds, > at_s; negative: never */
};

/* `count` new servers are ordered at at_s and serve from at_s + boot_s. */
struct sl_sim_add {
    long count;
    double at_s;      /* seconds */
    double boot_s;    /* seconds; negative: the config's boot_s */
};

/* Called now and then with the fraction of the whole run done, in [0, 1]. */
typedef void sl_sim_progress_fn(void *ctx, double fraction);

struct sl_sim_config {
    uint64_t seed;                  /* base seed; replication i draws from its streams 4i..4i+3
                                       (sl_rng_seed_stream), shared with no other seed or i */
    double load_rps;                /* Poisson arrival rate, requests/s (unused with a curve) */
    size_t n_curve;                 /* points in curve; 0 = constant load_rps */
    struct sl_sim_rate_point curve[SL_SIM_MAX_CURVE]; /* t_s strictly increasing */
    double curve_period_s;          /* > 0: the curve repeats with this period; 0: it does not */
    long servers;                   /* servers at the start, >= 1 */
    long cores;                     /* cores of every server, >= 1 */
    long queue;                     /* waiting places per server (not counting those in
                                       service); SL_SIM_QUEUE_UNBOUNDED for no limit */
    enum sl_rng_dist_kind dist;     /* service-time distribution */
    double service_s;               /* mean service time, seconds */
    double cv;                      /* coefficient of variation of lognormal and gamma */
    enum sl_sim_lb lb;
    double timeout_s;               /* a waiting client gives up after this, seconds; 0 = never */
    uint64_t requests;              /* stop after this many arrivals; 0 = no count limit */
    double duration_s;              /* stop arrivals at this time, seconds; 0 = no time limit */
    double warmup_fraction;         /* first share of the arrivals (or time) deleted, [0, 0.9] */
    enum sl_state state;            /* where sessions, counters and locks live */
    long sessions;                  /* distinct sessions; each request picks one uniformly */
    double lock_fraction;           /* share of requests that lock a key while in service */
    long lock_keys;                 /* distinct lockable keys (seats, accounts) */
    double store_latency_s;         /* state = store: round trip of one operation, seconds */
    double store_capacity_ops;      /* state = store: operations per second the store serves */
    long store_ops;                 /* state = store: operations per request */
    size_t n_fails;
    struct sl_sim_fail fails[SL_SIM_MAX_EVENTS];
    size_t n_adds;
    struct sl_sim_add adds[SL_SIM_MAX_EVENTS];
    double boot_s;                  /* default boot delay of added servers, seconds */
    long replications;              /* independent runs, >= 1 */
    long threads;                   /* worker threads for the replications, >= 1 */
    long series_cap;                /* most time-series points (coarser buckets past it) */
    uint64_t max_in_system;         /* unbounded queues: the run stops as unstable past this many
                                       requests in the system */
    sl_sim_progress_fn *progress;   /* NULL = none; called from worker threads, one at a time */
    void *progress_ctx;             /* passed to progress, borrowed */
    const atomic_int *cancel;       /* NULL, or a flag another thread sets nonzero to stop the
                                       run (SL_E_CANCELLED); looked at every few microseconds */
};

/* A confidence interval for a mean, from batch means or from replications. */
/*
 * A confidence interval for a steady-state mean. From one run: the run's observations in order,
 * the warm-up (warmup_fraction) cut, the rest in batches doubled until the lag-1
 * autocorrelation of the batch means is at most 0.1 with 20 or more batches left, widened and
 * skewed as Skart does (docs/model.md, section 11). From replications: Student's t over the
 * replications' steady-state means.
 */
struct sl_sim_ci {
    double mean;       /* point estimate; NaN without data */
    double lo, hi;     /* 95 % interval; NaN with fewer than 2 batches */
    double std_err;    /* standard error of the mean (S/sqrt(k)) */
    long df;           /* degrees of freedom, k - 1 */
    long batches;      /* k: batches (or replications) used */
    uint64_t batch_size; /* observations per batch (1 for replications) */
    double lag1;       /* lag-1 autocorrelation of the batch means; NaN if k < 3 */
    uint64_t deleted;  /* observations cut as warm-up */
    double warmup_s;   /* time of the last observation cut, seconds (0: none) */
    int independent;   /* the batches reached lag-1 <= 0.1; 0: the run is too short to say */
};

struct sl_sim_server_stats {
    long id;             /* 0-based */
    int added;           /* 1 if created by a scale-out event */
    double utilization;  /* busy core-seconds / (cores x up-seconds), measurement window */
    double share;        /* share of the window's arrivals routed to it */
    double up_s;         /* seconds up during the window */
    uint64_t routed;     /* window arrivals routed to it (admitted or dropped) */
    uint64_t completed;  /* window arrivals it completed */
};

/* One time-series bucket [t_s, t_s + width_s); counts by the time of the event. */
struct sl_sim_point {
    double t_s, width_s;
    uint64_t offered, completed, dropped, timed_out, failed;
    double mean_response_s; /* of the requests completed in the bucket; NaN if none */
    long servers_up;        /* at the end of the bucket */
};

/* What one replication found (all replications are in result.reps). */
struct sl_sim_rep {
    uint64_t seed;                  /* the run's base seed (the replication is its index) */
    uint64_t offered, completed, dropped, timed_out, failed;
    double throughput_rps;
    double mean_response_s;
    double mean_wait_s;
    double drop_fraction;
    struct sl_sim_ci batch_ci; /* batch means of the response time */
    int unstable;
};

struct sl_sim_result {
    struct sl_sim_config config; /* the inputs, copied */
    uint64_t seed;
    long replications;
    /* Whole runs, summed over replications: offered = completed + dropped + timed_out + failed. */
    uint64_t offered;            /* arrivals */
    uint64_t completed;          /* served to the end */
    uint64_t dropped;            /* refused: waiting room full, or no server up */
    uint64_t timed_out;          /* gave up while waiting */
    uint64_t failed;             /* lost with a failing server (waiting or in service) */
    /* Measurement window [warmup_s, stop_s]: arrivals in it, whatever became of them. */
    double warmup_s;             /* end of the deleted warm-up (replication 0) */
    double stop_s;               /* last arrival or duration (replication 0) */
    uint64_t window_offered, window_completed, window_dropped, window_timed_out, window_failed;
    double drop_fraction;        /* window_dropped / window_offered */
    double throughput_rps;       /* completions in the window / window length */
    double offered_rps;          /* window arrivals / window length */
    /* Response (arrival to completion) and wait (arrival to start of service), window requests
       that completed; seconds. NaN where there is no data. */
    double resp_mean, resp_p50, resp_p90, resp_p99, resp_p999, resp_max;
    double resp_ci_lo, resp_ci_hi; /* 95 %: across replications if R >= 2, else batch means */
    double wait_mean, wait_p50, wait_p99;
    struct sl_sim_ci batch_ci;   /* response time, batch means (replication 0) */
    struct sl_sim_ci wait_ci;    /* wait time, batch means (replication 0) */
    struct sl_sim_ci rep_ci;     /* mean response time across replications (R >= 2) */
    /* Warm-up check: MSER-5 over the whole run (largest over replications). */
    double mser_warmup_s;        /* where MSER-5 would truncate, seconds */
    int warmup_sufficient;       /* mser_warmup_s <= warmup_s */
    /* Little's law over the window (replication 0): L measured as the time average of the
       number in the system, lambda W from the requests. */
    double little_l, little_lambda, little_w, little_rel_error;
    /* State (whole runs, summed over replications). */
    enum sl_state state;
    uint64_t session_requests;   /* admitted requests of a session created earlier */
    uint64_t sessions_lost;      /* of those, found their session missing (other server/failed) */
    uint64_t sessions_destroyed; /* sessions held by servers when they failed */
    double lost_fraction;        /* sessions_lost / session_requests */
    double counter_error;        /* mean relative undercount of a shared counter as read */
    uint64_t locks_taken;        /* lock acquisitions */
    uint64_t lock_conflicts;     /* lock requests refused because the key was held */
    uint64_t lock_violations;    /* double bookings: key held on another server at once */
    double store_utilization;    /* busy share of the shared store (state = store) */
    double store_mean_delay_s;   /* store time per request, queueing included */
    int unstable;                /* some replication stopped at max_in_system */
    uint64_t events;             /* arrivals, completions and scheduled events, all replications */
    size_t bytes_used;           /* memory of one replication (the largest), bytes */
    enum sl_sim_engine engine;   /* what ran them (every replication of a run takes the same) */
    size_t n_servers;
    struct sl_sim_server_stats *servers; /* replication 0 (utilisation: mean over all) */
    size_t n_series;
    struct sl_sim_point *series;         /* replication 0 */
    size_t n_reps;
    struct sl_sim_rep *reps;
};

/* Fills c with the defaults documented in docs/model.md section 11. */
SL_API void sl_sim_config_init(struct sl_sim_config *c);

/*
 * Checks every field; on a bad one returns SL_E_INVALID (SL_E_TOO_LARGE for memory limits) and
 * writes a message naming the field, its value and the accepted range into err.
 */
SL_API enum sl_status sl_sim_check(const struct sl_sim_config *c, char *err, size_t errlen);

/*
 * Runs the simulation (checking c first) and fills out, which the caller releases with
 * sl_sim_result_release() whatever the status. Blocks until all replications are done.
 * Returns SL_OK, SL_E_INVALID / SL_E_TOO_LARGE (bad config), SL_E_NOMEM or SL_E_CANCELLED,
 * with a message.
 * Thread-safe: concurrent runs share nothing.
 */
SL_API enum sl_status sl_sim_run(const struct sl_sim_config *c, struct sl_sim_result *out,
                                 char *err, size_t errlen);

/*
 * What a run of c would cost, in event-equivalents (one arrival or departure of a cheap policy
 * is one; least-connections adds a scan of up to every server per arrival; setting up servers,
 * sessions and locks counts too), over all replications. A run by duration counts the arrivals
 * its highest rate would bring. For budgets: the figure grows linearly with the work, it is not a
 * time. c should pass sl_sim_check.
 */
SL_API double sl_sim_cost(const struct sl_sim_config *c);

/* The event-equivalents one arrival of c costs (two events plus the balancer's scan). */
SL_API double sl_sim_cost_per_arrival(const struct sl_sim_config *c);

/* Frees the arrays of r and zeroes it; accepts a zeroed or released result. */
SL_API void sl_sim_result_release(struct sl_sim_result *r);

/*
 * The result as JSON text (2-space indent, keys in a fixed order), owned by the caller and freed
 * with sl_free(); NULL if memory runs out. Undefined values (NaN) are null.
 */
SL_API char *sl_sim_json(const struct sl_sim_result *r);

/*
 * Parses a failure spec "ID@T" or "ID@T-T2": server ID (0-based) fails at T and recovers at T2.
 * Times are numbers with an optional unit ms, s, m or h (seconds if none): "2@30s-60s",
 * "0@1.5m". SL_E_INVALID with a message for anything else.
 */
SL_API enum sl_status sl_sim_parse_fail(const char *spec, struct sl_sim_fail *out,
                                        char *err, size_t errlen);

/*
 * Parses a scale-out spec "N@T" or "N@T+B": N servers ordered at T, booting for B (if omitted,
 * boot_s is set negative: the config's default). "2@40s", "4@1m+30s".
 */
SL_API enum sl_status sl_sim_parse_add(const char *spec, struct sl_sim_add *out,
                                       char *err, size_t errlen);

/*
 * Parses a rate curve "T:RPS,T:RPS,..." (times with units as above, rates with k/M suffixes):
 * "0:100,60s:1k,120s:100". Writes at most SL_SIM_MAX_CURVE points into c->curve.
 */
SL_API enum sl_status sl_sim_parse_curve(const char *spec, struct sl_sim_config *c,
                                         char *err, size_t errlen);

/* Parses a duration such as "30s", "500ms", "1.5m", "2h" or "45" (seconds); >= 0, finite. */
SL_API enum sl_status sl_sim_parse_time(const char *s, double *out_s);

/* "rr", "random", "least", "p2c", "sticky"; and the reverse. */
SL_API const char *sl_sim_lb_name(enum sl_sim_lb lb);
SL_API enum sl_status sl_sim_lb_parse(const char *s, enum sl_sim_lb *out);

/*
 * The quantile of Student's t distribution with df degrees of freedom for a two-sided confidence
 * level conf (0.90, 0.95, 0.98 or 0.99: t_{df, (1+conf)/2}); exact table to df 30, Cornish-Fisher
 * expansion beyond (error < 1e-6). NaN for df < 1 or any other conf.
 */
SL_API double sl_sim_t_quantile(long df, double conf);

#endif
