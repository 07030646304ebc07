/* Plans: one bigger box (vertical) or many boxes (horizontal), plus database and store tiers. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_PLAN_H
#define SL_PLAN_H

#include "scalelab/capacity.h"

/* Most boxes a horizontal tier may have before the plan is called infeasible. */
#define SL_PLAN_MAX_SERVERS 10000000L

/*
 * All instance pointers in the structs below are borrowed from the catalog the plan was made
 * from and live as long as it does.
 */

/* What set a plan's size: the utilisation target of its binding resource, or something more. */
enum sl_sizing {
    SL_SIZED_UTILIZATION = 0, /* the binding resource's target utilisation */
    SL_SIZED_LATENCY = 1,     /* the latency goal (--slo) */
    SL_SIZED_ZONE = 2         /* surviving the loss of a zone */
};

/* Predicted response time of one box of a plan at its share of the load (M/M/c, seconds). */
struct sl_latency {
    double mean_s;
    double p50_s;
    double p99_s;
    double slo_s;        /* the goal's statistic at the load the goal is checked at; NaN: none */
};

struct sl_vertical {
    int feasible;                        /* some single box serves the load (and meets the SLO) */
    const struct sl_instance *instance;  /* the chosen box; if infeasible, the most capable */
    long servers;                        /* 1, or 2 with a standby (active/passive) */
    int standby;                         /* a second box of the same size waits to take over */
    double monthly_usd;                  /* the box (and its standby); 0 when infeasible */
    double usd_per_1k_rps;               /* monthly cost per 1,000 req/s of load; 0 if infeasible */
    double usable_rps;                   /* what the box serves at the target utilisation */
    double utilization;                  /* busy fraction of its binding resource at the load */
    double resources[SL_RES_COUNT];      /* busy fraction of cpu, memory, network at the load */
    double full_rps;                     /* what the box serves at 100 % of its binding resource */
    double availability;                 /* one box's, or the pair's: 1 - (1 - p)^2 */
    int meets_target;                    /* availability >= the workload's target */
    int survives_zone;                   /* a standby in another zone (zones >= 2) */
    double max_rps;                      /* the most any single box in the catalog serves */
    enum sl_resource binding;            /* first resource to run out */
    enum sl_sizing sized_by;
    struct sl_latency latency;
    double total_monthly_usd;            /* with the database tier (sl_plan_compare) */
    double system_availability;          /* with the database tier (sl_plan_compare) */
};

/* Shared session store (state = store): shards of a primary and replicas each. */
struct sl_store_tier {
    int used;                            /* 0 unless state = store */
    const struct sl_instance *instance;
    long shards;
    long nodes_per_shard;                /* 2 or more: a primary and its replicas */
    long nodes;                          /* shards x nodes_per_shard */
    double ops_rps;                      /* store operations per second */
    double data_gib;                     /* session data held, GiB */
    double monthly_usd;
    double availability;                 /* every shard has at least one node up */
};

struct sl_horizontal {
    int feasible;                        /* a finite number of boxes serves the load */
    const struct sl_instance *instance;  /* the type every app server has */
    long needed;                         /* N: boxes the load (and the SLO) needs */
    long spares;                         /* redundancy beyond N */
    long servers;                        /* N + spares */
    long zones;                          /* zones the servers spread over */
    long per_zone[SL_ZONES_MAX];         /* servers in each zone, as evenly as can be */
    int survives_zone;                   /* the servers outside any one zone carry the load */
    double usable_rps_per_server;        /* at the target utilisation */
    double utilization;                  /* busy fraction of each box, all boxes up */
    double resources[SL_RES_COUNT];      /* busy fraction of cpu, memory, network per box */
    double full_rps_per_server;          /* what one box serves at 100 % of its binding resource */
    double imbalance;                    /* headroom factor for uneven sticky sessions (1 = none) */
    double servers_usd;                  /* app servers, USD per month */
    double lb_usd;                       /* load balancer, USD per month */
    double monthly_usd;                  /* servers + load balancer + store tier */
    double usd_per_1k_rps;               /* monthly cost per 1,000 req/s of load */
    double availability;                 /* P(at least N of N+spares up) x LB (x store) */
    int meets_target;                    /* availability >= the workload's target */
    enum sl_resource binding;
    enum sl_sizing sized_by;
    struct sl_latency latency;           /* all servers up */
    int breaks_sessions;                 /* state in app memory without stickiness */
    double lost_request_fraction;        /* requests that miss their session, (N-1)/N if broken */
    double lost_on_failure;              /* sessions lost when one server fails */
    struct sl_store_tier store;
    double total_monthly_usd;            /* with the database tier (sl_plan_compare) */
    double system_availability;          /* with the database tier (sl_plan_compare) */
};

/*
 * Database tier: reads spread over replicas; every write is applied on every box of a shard.
 * Unsharded and sharded layouts on every instance type compete; the cheapest that fits wins.
 */
struct sl_db_tier {
    int used;                            /* 0 when requests make no queries */
    const struct sl_instance *instance;  /* the type of every database box */
    double reads_qps, writes_qps;        /* whole tier */
    double box_qps;                      /* one box's queries/s at the target utilisation */
    double max_primary_writes_qps;       /* writes the biggest primary may take */
    int sharded;                         /* more than one shard */
    long shards;
    long boxes_per_shard;                /* primary + replicas */
    long replicas_per_shard;
    long boxes;                          /* shards x boxes_per_shard */
    double utilization;                  /* busy fraction of each box */
    double monthly_usd;
    double availability;                 /* every shard has its primary or a replica up */
    int feasible;                        /* some layout fits within SL_PLAN_MAX_SERVERS */
};

enum sl_verdict {
    SL_VERDICT_VERTICAL_CHEAPER = 0,     /* vertical costs under 0.9x horizontal */
    SL_VERDICT_ABOUT_EVEN = 1,           /* within 10 % */
    SL_VERDICT_HORIZONTAL_CHEAPER = 2,   /* horizontal costs under 0.9x vertical */
    SL_VERDICT_VERTICAL_IMPOSSIBLE = 3,  /* no single box serves the load */
    SL_VERDICT_NEITHER = 4               /* nothing in the catalog serves it */
};

/*
 * Both futures at one load. The verdict compares what the choice changes (the app tier: box or
 * servers, balancer, session store); the database tier is the same for both and is in each
 * plan's total.
 */
struct sl_comparison {
    double load_rps;
    struct sl_vertical vertical;
    struct sl_horizontal horizontal;
    struct sl_db_tier database;
    enum sl_verdict verdict;
    double cost_ratio;                   /* vertical / horizontal app-tier cost; 0 if infeasible */
};

/*
 * The cheapest single box for w->load_rps that meets the SLO (and its standby, when asked).
 * Never fails for a checked workload.
 */
SL_API void sl_plan_vertical(const struct sl_catalog *c, const struct sl_workload *w,
                             struct sl_vertical *out);

/*
 * The cheapest horizontal tier for w->load_rps: every instance type is tried (or only
 * w->instance), each with the fewest servers N that meet the utilisation target and the SLO (with
 * sessions in app memory, N and memory are solved together), spares by policy (auto: the fewest
 * that reach the availability target), and with --survive zone enough servers outside any one
 * zone; the lowest monthly cost wins. SL_E_NOT_FOUND with a message when w->instance names no
 * instance of the catalog.
 */
SL_API enum sl_status sl_plan_horizontal(const struct sl_catalog *c, const struct sl_workload *w,
                                         struct sl_horizontal *out, char *err, size_t errlen);

/*
 * The cheapest database tier that fits: every instance type, unsharded and sharded, at least
 * w->db_replicas_min replicas per shard and enough to reach the availability target.
 */
SL_API void sl_plan_database(const struct sl_catalog *c, const struct sl_workload *w,
                             struct sl_db_tier *out);

/*
 * Both plans for w at load_rps (w->load_rps is ignored), the database tier, each plan's whole
 * bill and availability, and the verdict. SL_E_NOT_FOUND for an unknown w->instance;
 * SL_E_INVALID when no box could meet the SLO at any size (its service time alone is too slow).
 */
SL_API enum sl_status sl_plan_compare(const struct sl_catalog *c, const struct sl_workload *w,
                                      double load_rps, struct sl_comparison *out,
                                      char *err, size_t errlen);

/*
 * The latency of one box of type `in` serving load_rps: an M/M/c queue with c = its vCPUs, each
 * core serving X(c)/c req/s where X(c) is the box's USL throughput at 100 % (arrivals Poisson).
 * Unbounded figures (load at or above capacity) are INFINITY. Pure.
 */
SL_API void sl_plan_latency(const struct sl_instance *in, const struct sl_workload *w,
                            double load_rps, struct sl_latency *out);

/* The statistic the SLO names (mean or its percentile) of a box at load_rps, seconds. */
SL_API double sl_plan_slo_statistic(const struct sl_instance *in, const struct sl_workload *w,
                                    double load_rps);

/* "utilization", "latency", "zone". */
SL_API const char *sl_sizing_name(enum sl_sizing s);

/* P(at least k of n independent boxes are up), each up with probability p. */
SL_API double sl_availability_k_of_n(long k, long n, double p);

/*
 * The fewest spares that keep P(at least `needed` of needed+spares up) >= target, each box up
 * with probability p (at most max(needed, 16) when even that falls short).
 */
SL_API long sl_plan_spares_for(long needed, double p, double target);

/* "vertical_cheaper", "about_even", "horizontal_cheaper", "vertical_impossible", "neither". */
SL_API const char *sl_verdict_name(enum sl_verdict v);

/* One load of a curve: each future's app-tier cost (what the verdict compares) and its figures. */
struct sl_curve_point {
    double load_rps;
    double vertical_usd;                 /* NaN where no single box serves the load */
    double horizontal_usd;               /* NaN where no horizontal tier does */
    const struct sl_instance *vertical_instance;   /* NULL where infeasible */
    const struct sl_instance *horizontal_instance; /* NULL where infeasible */
    long horizontal_servers;
    long horizontal_spares;
    double vertical_total_usd, horizontal_total_usd; /* with the database tier; NaN: infeasible */
    double vertical_availability, horizontal_availability; /* of the app tier; NaN: infeasible */
    double vertical_p99_s, horizontal_p99_s;         /* of one box at its share; NaN: infeasible */
};

/* Most points a curve may have. */
#define SL_CURVE_MAX_POINTS 1000000L

/* Most threads a curve is planned on. */
#define SL_CURVE_MAX_THREADS 64

/*
 * Cost of both strategies at `points` loads spaced evenly on a log scale from `from` to `to`
 * (both included; one point when points = 1). out must hold `points` entries. The points are
 * planned on `threads` threads (0: one per CPU; at most SL_CURVE_MAX_THREADS), each point as
 * one thread would plan it, so the figures do not depend on the number.
 */
SL_API enum sl_status sl_plan_curve(const struct sl_catalog *c, const struct sl_workload *w,
                                    double from, double to, long points, unsigned threads,
                                    struct sl_curve_point *out, char *err, size_t errlen);

#endif
