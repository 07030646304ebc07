/* `scalelab lab`'s vocabulary: what a run is asked to do, what it measured, and their names. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_H
#define SL_LAB_H

#include <stdint.h>
#include <sys/types.h>

#include "scalelab/hist.h"
#include "lab/lab_pace.h"

/*
 * Ownership: every struct here is a plain value owned by its caller; lab_result_init allocates
 * what lab_result_release frees. Functions borrow their pointer arguments. The lab keeps its
 * processes and temporary files only for the duration of one lab_run.
 */

#define LAB_MAX_BACKENDS 16   /* app processes of one run, spares for --add included */
#define LAB_MAX_UNITS 16      /* --vertical and --max: budget units of one future */
#define LAB_MAX_ACTIONS 16    /* --kill, --restart and --add of one run, together */
#define LAB_MAX_EVENTS 128    /* entries of the timeline */
#define LAB_MAX_USERS 1000    /* virtual users */
#define LAB_MAX_SECONDS 3600  /* per-second buckets; later requests count in the last one */
#define LAB_MAX_THREADS 8     /* client threads */
#define LAB_SEATS 64          /* seats the users try to book: 0 <= n < LAB_SEATS */
#define LAB_CART_ROTATE 32    /* items after which a user logs in afresh (bounds the cookie) */
#define LAB_EVENT_LEN 160     /* bytes of one event text, NUL included */
#define LAB_NAME_LEN 65       /* bytes of a backend name (X-Backend, up to 64), NUL included */
#define LAB_MAX_RATE 50000.0  /* --rate: arrivals per second the client can pace */
#define LAB_MAX_CONNS 1000    /* --connections: open-loop connections at most */
#define LAB_DEFAULT_CONNS 256 /* the open-loop connection cap unless told */

/* Where the apps keep sessions. */
enum lab_state {
    LAB_STATE_MEMORY = 0, /* in each process: lost on another backend */
    LAB_STATE_STORE = 1,  /* in the shared store: the lab's redis-server */
    LAB_STATE_TOKEN = 2   /* in a signed cookie; counter and seats stay in process memory */
};

/* Names "memory", "store", "token"; parse returns 0 or -1 for an unknown name. */
const char *lab_state_name(enum lab_state s);
int lab_state_parse(const char *s, enum lab_state *out);

enum lab_action_kind {
    LAB_ACT_KILL = 0,    /* SIGKILL backend `backend` */
    LAB_ACT_RESTART = 1, /* start it again on the same port */
    LAB_ACT_ADD = 2,     /* start one more backend and put it into haproxy's rotation */
    LAB_ACT_KILL_STORE = 3,   /* SIGKILL the lab's redis-server (--kill-store) */
    LAB_ACT_RESTART_STORE = 4 /* start it again: same port, configuration and data (--down) */
};

struct lab_action {
    enum lab_action_kind kind;
    int backend; /* 1-based: b1 is 1; 0 for LAB_ACT_ADD and the store's */
    double t_s;  /* seconds after the workload starts */
};

/* What one run does. */
struct lab_opts {
    enum lab_state state;
    int sticky;         /* haproxy cookie stickiness */
    int backends;       /* app processes at the start */
    int app_threads;    /* the apps' --threads; 0 leaves the app's default */
    int users;          /* virtual users */
    double duration_s;  /* stop after this long; 0: stop after `requests` */
    uint64_t requests;  /* stop after this many requests (when duration_s is 0) */
    long work_us;       /* CPU microseconds each app burns per request */
    double unit_cores;  /* --cpu-per-backend: a budget unit in cores; 0: no budgets */
    int vertical;       /* --vertical K: the one backend is K units (K threads, K x unit_cores) */
    int n_actions;
    struct lab_action actions[LAB_MAX_ACTIONS];
    int verbose;        /* print progress lines on stderr */
    /* past one host, data that survives (--target, --kill-store) */
    const char *target; /* --target: a deployment's base URL ("http://host:port"); NULL: own */
    double store_down_s; /* --down: seconds redis stays down after each --kill-store */
    /* open-loop load (--rate): arrivals on a schedule, whatever the answers */
    double rate_rps;            /* arrivals per second; 0: closed loop of `users` */
    enum lab_arrivals arrivals; /* their spacing */
    int max_conns;              /* connections opened as needed, at most this many */
    uint64_t seed;              /* --seed of the arrival times; 0: the process id */
};

/* The run's mode in --state's words: memory, sticky (memory and a sticky cookie), store, token;
 * "target" with --target (the deployment decides where its state lives). */
const char *lab_mode_name(const struct lab_opts *o);

/* Each backend's CPU budget in cores: unit_cores times its units (1, or --vertical's K). */
double lab_backend_cores(const struct lab_opts *o);

/* Longest --target URL, in bytes. */
#define LAB_TARGET_MAX 200

/*
 * Checks a --target URL: http:// or https://, a host, an optional port (1-65535) and path, no
 * query, fragment, user or space, at most LAB_TARGET_MAX bytes; a final '/' is dropped. Returns
 * 0 with the URL in out[0..outlen), or -1 with what is wrong in why[0..whylen).
 */
int lab_target_parse(const char *url, char *out, size_t outlen, char *why, size_t whylen);
/* "open" with a --rate, else "closed": the load's loop as the JSON names it. */
const char *lab_loop_name(const struct lab_opts *o);

/* Sets the defaults of the issue: redis, 3 backends, 50 users, 20000 requests, 200 us. */
void lab_opts_init(struct lab_opts *o);

/* Error kinds the client tells apart (the JSON names are lab_err_name()). */
enum lab_err {
    LAB_ERR_CONNECT = 0,  /* could not connect to haproxy */
    LAB_ERR_TIMEOUT = 1,  /* no complete answer in time */
    LAB_ERR_TRANSPORT = 2, /* any other transfer failure (reset, empty reply) */
    LAB_ERR_4XX = 3,      /* a 4xx other than a lost session's 401 or a taken seat's 409 */
    LAB_ERR_502 = 4,      /* haproxy: the backend failed mid-request */
    LAB_ERR_503 = 5,      /* no backend up, or the app's store is down */
    LAB_ERR_504 = 6,      /* the backend did not answer in time */
    LAB_ERR_5XX = 7,      /* any other 5xx */
    LAB_ERR_PROTOCOL = 8, /* a 2xx whose body or headers break docs/lab-protocol.md */
    LAB_ERR_KINDS = 9
};
const char *lab_err_name(enum lab_err e);

struct lab_event {
    double t_s;               /* seconds after the workload started */
    char what[LAB_EVENT_LEN];
};

/* Everything one run measured. */
struct lab_result {
    struct lab_opts opts;         /* what was asked */
    int servers;                  /* backends that existed: initial plus added */
    double elapsed_s;             /* workload wall time, seconds */
    uint64_t requests;            /* finished requests (answered or failed) */
    uint64_t errors;              /* failed requests: sum of err[] */
    uint64_t err[LAB_ERR_KINDS];
    uint64_t logins;              /* successful POST /login */
    uint64_t post_login;          /* requests sent while the user held a session */
    uint64_t sessions_lost;       /* of those, answered 401 or X-Session: miss */
    uint64_t carts_wrong;         /* cart answers that differ from what the user added */
    uint64_t replays;             /* requests libcurl sent twice (lab_client.c: on_debug) */
    uint64_t replays_from_store;  /* answers with Idempotent-Replayed: the app applied it once */
    uint64_t duplicates;          /* cart items a replay added twice */
    uint64_t counter_acked;       /* increments answered 200 */
    uint64_t counter_unknown;     /* increments that failed: may or may not have counted */
    long long counter_final;      /* GET /counter at the end; -1 if it failed */
    uint64_t counter_drift;       /* distance of final from [acked, acked + unknown] */
    uint64_t bookings;            /* bookings answered 200 */
    uint64_t double_bookings;     /* sum over seats of (bookings of the seat - 1) */
    uint64_t share[LAB_MAX_BACKENDS]; /* answers per X-Backend: b1 is share[0] */
    /* who answered as share[i]: "b<i+1>" in the lab's own fleet; a deployment's own names
     * (pod or host names) take the slots its b<N> did not */
    char share_name[LAB_MAX_BACKENDS][LAB_NAME_LEN];
    uint64_t share_other;         /* answers without a known X-Backend (haproxy's own) */
    struct sl_hist *latency;      /* seconds, per answered request */
    double p50_ms, p99_ms;
    double throughput_rps;        /* finished requests per second of workload */
    double app_cpu_s;             /* user + system CPU of the apps during the workload */
    uint64_t lb_retries, lb_redispatches; /* haproxy's counters for the app backend */
    int cgroup_version;           /* budgets: 1 (cgroup v1) or 2 (v2); 0 without budgets */
    uint64_t cg_periods;          /* budgets: CFS periods of the backends during the workload */
    uint64_t cg_throttled;        /* of those, the periods a backend ran out of its quota in */
    int n_events;
    struct lab_event events[LAB_MAX_EVENTS];
    uint32_t *sec_requests;       /* per-second buckets, LAB_MAX_SECONDS each */
    uint32_t *sec_errors;
    uint32_t *sec_lost;
    int n_secs;                   /* buckets in use */
    pid_t pid_redis, pid_haproxy; /* 0 when not started */
    pid_t pid_apps[LAB_MAX_BACKENDS + LAB_MAX_ACTIONS]; /* every pid an app had */
    int n_pids_apps;
    char run_dir[256];
    int interrupted;              /* SIGINT, SIGTERM or SIGHUP ended the run early */
    char store_failure[LAB_EVENT_LEN]; /* how redis-server failed mid-run; "" if it did not */
    double store_failure_t_s;     /* when, seconds after the workload started */
    /* data that survives: the read-back at the end, the store's outages */
    uint64_t lines_acked;         /* cart lines acknowledged (or shown by an answer) */
    uint64_t lines_lost;          /* of those, missing from the read-back at the end */
    uint64_t lines_unverified;    /* of those, in sessions the read-back could not read */
    uint64_t sessions_read_back;  /* sessions whose cart was fetched again at the end */
    long long counter_start;      /* GET /counter before the workload: 0 on the lab's own */
    int store_kills;              /* --kill-store done */
    double store_down_total_s;    /* seconds redis did not answer after those kills */
    /* open-loop load (opts.rate_rps > 0) */
    double schedule_s;            /* the schedule's length: arrivals were due in [0, schedule_s) */
    uint64_t sent;                /* arrivals sent (each is one request) */
    uint64_t unsent;              /* arrivals due that never got a connection before the end */
    uint64_t waited;              /* arrivals that waited for a connection: the cap was hit */
    int conns;                    /* connections opened */
    double rate_reached_rps;      /* arrivals sent per second of the schedule */
    uint64_t seed;                /* the arrival times' seed (--seed, or the process id) */
};

/* Allocates the buckets and histogram; returns 0, or -1 when out of memory. */
int lab_result_init(struct lab_result *r, const struct lab_opts *o);
void lab_result_release(struct lab_result *r);
/* Appends a timeline entry (ignored once full). Not thread-safe. */
void lab_event_add(struct lab_result *r, double t_s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sorts the timeline by time and derives p50, p99, throughput, drift and errors. */
void lab_result_finish(struct lab_result *r);
/* Acknowledged increments the counter lacks at the end: acked - (final - start), at least 0. */
uint64_t lab_counter_lost(const struct lab_result *r);
/* Acknowledged writes lost: cart lines missing at the read-back plus lab_counter_lost. */
uint64_t lab_writes_lost(const struct lab_result *r);

/* The apps' CPU (user + system) per finished request, in ms; NAN without requests. */
double lab_cpu_ms_per_request(const struct lab_result *r);
/* Nonzero when the run's backends had CPU budgets. */
int lab_has_budget(const struct lab_result *r);
/* The share of the budgets' CFS periods in which a backend used up its quota; NAN without. */
double lab_throttled_fraction(const struct lab_result *r);

#endif
