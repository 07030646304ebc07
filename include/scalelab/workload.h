/* The workload a plan must serve: load, cost of one request, state, headroom and redundancy. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_WORKLOAD_H
#define SL_WORKLOAD_H

#include <stddef.h>
#include "scalelab/status.h"

/* Where per-user state (sessions, counters, locks) lives. */
enum sl_state {
    SL_STATE_MEMORY = 0, /* in the app server's memory: any other server cannot see it */
    SL_STATE_STICKY = 1, /* in memory, with the load balancer pinning each session to one server */
    SL_STATE_STORE = 2,  /* in a shared store (Redis-like) tier */
    SL_STATE_TOKEN = 3   /* carried by the client in a signed token: the app tier is stateless */
};

/* How many spare servers a horizontal tier keeps beyond the N it needs. */
enum sl_spares {
    SL_SPARES_N1 = 0,  /* N+1 */
    SL_SPARES_N2 = 1,  /* N+2 */
    SL_SPARES_2N = 2,  /* 2N: a full second copy */
    SL_SPARES_AUTO = 3,/* the fewest that reach availability_target (the default) */
    SL_SPARES_NK = 4   /* N+K, K = spares_k */
};

/* Most spares N+K may ask for, and most zones a plan may spread over. */
#define SL_SPARES_K_MAX 100000L
#define SL_ZONES_MAX 16

/* A latency goal for every box of a plan: the mean or a percentile of the response time. */
enum sl_slo_kind {
    SL_SLO_NONE = 0,
    SL_SLO_MEAN = 1,
    SL_SLO_QUANTILE = 2
};

struct sl_slo {
    enum sl_slo_kind kind;
    double quantile;   /* 0.5, 0.9, 0.99 or 0.999 for SL_SLO_QUANTILE */
    double seconds;    /* the goal, > 0 */
};

struct sl_workload {
    double load_rps;              /* offered load, requests per second */
    double cpu_ms;                /* CPU time per request on a reference core, ms */
    double mem_per_request_mib;   /* memory held by one in-flight request, MiB */
    double base_mem_gib;          /* memory of the OS and runtime on every box, GiB */
    double response_bytes;        /* bytes sent per response */
    double sessions;              /* live sessions; 0 = auto (load_rps x session_interval_s) */
    double session_interval_s;    /* mean time between two requests of one session, s */
    double session_bytes;         /* state kept per session, bytes */
    enum sl_state state;          /* where sessions live */
    double target_utilization;    /* planned busy fraction of CPU and network, (0, 1) */
    enum sl_spares spares;        /* redundancy policy of horizontal tiers */
    long spares_k;                /* K of N+K (SL_SPARES_NK) */
    double availability_target;   /* what spares are sized to reach (auto), (0, 1) */
    int vertical_standby;         /* the vertical plan keeps a second box, active/passive */
    long zones;                   /* zones the boxes spread over, 1 to SL_ZONES_MAX */
    int survive_zone;             /* size so that losing any one zone leaves enough */
    struct sl_slo slo;            /* latency goal of every box; kind NONE for none */
    long db_replicas_min;         /* replicas every database shard keeps at least */
    double usl_sigma;             /* USL contention, for boxes whose catalog row has none */
    double usl_kappa;             /* USL coherency, for boxes whose catalog row has none */
    double box_availability;      /* fraction of a month one box is up */
    double lb_availability;       /* fraction of a month the load balancer is up */
    double lb_usd_per_month;      /* load balancer, USD per month */
    double db_queries_per_request;/* database queries per request */
    double db_read_fraction;      /* share of queries that are reads, [0, 1] */
    double db_query_ms;           /* database CPU time per query on a reference core, ms */
    double db_write_share;        /* most of a DB box's capacity that writes may take, (0, 1] */
    double store_ops_per_request; /* shared-store operations per request (state = store) */
    double store_ops_per_node;    /* operations per second one store node serves at 100 % */
    char instance[64];            /* horizontal instance type; "" = cheapest for the load */
    int usl_override;             /* 1: usl_sigma/kappa replace every box's own (a calibration) */
    char usl_source[256];         /* where an override came from ("--usl", a file); "" if none */
};

/* Sets every field to its documented default (docs/model.md). */
SL_API void sl_workload_init(struct sl_workload *w);

/*
 * Checks every field; on a bad one returns SL_E_INVALID and writes a message naming the field,
 * its value and the accepted range into err.
 */
SL_API enum sl_status sl_workload_check(const struct sl_workload *w, char *err, size_t errlen);

/*
 * Whether v is a valid value of the numeric field the command line calls `name` ("cpu-ms",
 * "target-utilization", ...): 1 if it is, 0 if not (what is accepted, such as "a number above 0
 * and up to 1e+06", then in expected), -1 if there is no such field. Lets a front end refuse a
 * value as the user typed it.
 */
SL_API int sl_workload_field_ok(const char *name, double v, char *expected, size_t len);

/*
 * The range rule of one numeric field, by the name the command line spells it ("cpu-ms"):
 * where the double sits in struct sl_workload and its bounds (an open bound is excluded). NULL
 * for a name that is not a numeric field. Front ends read ranges from here, never copy them.
 */
struct sl_workload_field {
    const char *name;
    size_t offset;
    double lo, hi;
    int lo_open, hi_open;
};
SL_API const struct sl_workload_field *sl_workload_field(const char *name);

/* Sessions alive at the workload's load (resolves the 0 = auto default). */
SL_API double sl_workload_sessions(const struct sl_workload *w);

/* "memory", "sticky", "store", "token"; and the reverse (SL_E_INVALID for anything else). */
SL_API const char *sl_state_name(enum sl_state s);
SL_API enum sl_status sl_state_parse(const char *s, enum sl_state *out);
/*
 * The workload's spares policy as text: "auto", "n+1", "n+2", "2n" or "n+K". The reverse reads
 * those (case-insensitive; K a whole number from 0 to SL_SPARES_K_MAX) into w->spares and
 * w->spares_k; SL_E_INVALID for anything else, w untouched.
 */
SL_API void sl_spares_format(const struct sl_workload *w, char *buf, size_t len);
SL_API enum sl_status sl_spares_parse(const char *s, struct sl_workload *w);

/*
 * Reads a latency goal "p99=50ms", "p50=2s", "p90=800us", "p99.9=0.2s" or "mean=20ms" (units us,
 * ms, s; a bare number is refused, as it could mean either) into out. SL_E_INVALID for anything
 * else, a non-positive or non-finite time, or another percentile.
 */
SL_API enum sl_status sl_slo_parse(const char *s, struct sl_slo *out);

/* The goal as text ("p99=50ms", "mean=1.5s"); "none" for none. */
SL_API void sl_slo_format(const struct sl_slo *slo, char *buf, size_t len);

/* The goal's name: "p50", "p90", "p99", "p99.9", "mean" or "none". */
SL_API const char *sl_slo_name(const struct sl_slo *slo);

#endif
