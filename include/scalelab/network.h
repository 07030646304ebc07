/* Queueing networks: stations in series (a balancer, app servers, a database), open or closed. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_NETWORK_H
#define SL_NETWORK_H

#include <stddef.h>

#include "scalelab/status.h"

/*
 * A request visits every station `visits` times on average (visit ratios); each station has c
 * identical exponential FCFS servers. Open networks (a Poisson stream of load_rps) are Jackson
 * networks: each station is an M/M/c queue fed visits x load_rps, exactly. Closed networks (N
 * users who think Z seconds between requests) are solved exactly by the convolution algorithm
 * (Buzen 1973, load-dependent stations) in log space. Both report the asymptotic bounds of
 * Denning and Buzen beside the exact figures. Units: seconds, requests per second. Pure,
 * thread-safe; structs own no pointers.
 */

#define SL_NETWORK_MAX_STATIONS 64
#define SL_NETWORK_NAME_MAX 32
/* Most convolution steps of one closed solve (sl_network_closed_cost): about 4 s at worst. */
#define SL_NETWORK_MAX_WORK 1e8

struct sl_station {
    char name[SL_NETWORK_NAME_MAX + 1];
    long servers;        /* c >= 1 */
    double service_s;    /* mean service time of one visit, > 0 */
    double visits;       /* visits per request, > 0 */
};

struct sl_station_result {
    double demand_s;       /* D = visits x service_s: service a request needs here */
    double throughput_rps; /* visits x X */
    double utilization;    /* busy fraction of each server, X D / c */
    double mean_in_station;/* requests here, queued and in service */
    double response_s;     /* time of one visit, queueing included */
    double residence_s;    /* visits x response_s: a request's time here */
};

struct sl_network_result {
    int closed;            /* 0 open (load_rps), 1 closed (users, think_s) */
    size_t n;
    struct sl_station_result st[SL_NETWORK_MAX_STATIONS];
    double load_rps;       /* open: offered; closed: NaN */
    long users;            /* closed: N; open: 0 */
    double think_s;        /* closed: Z; open: NaN */
    int stable;            /* open: every station below 100 %; closed: always 1 */
    double throughput_rps; /* X */
    double response_s;     /* R: sum of residences (think time excluded) */
    size_t bottleneck;     /* the station with the largest demand per server, D / c */
    double total_demand_s; /* D = sum of demands */
    double max_throughput_rps; /* bound: X <= 1 / max(D / c), and N / (D + Z) when closed */
    double min_response_s;     /* bound: R >= D, and N max(D / c) - Z when closed */
};

/*
 * Parses "NAME:SERVERS:SERVICE_MS[:VISITS]" ("db:2:1.5:2") into st: a name of 1 to 32 letters,
 * digits, '-', '_' or '.', whole servers from 1 to 1,000,000, a time from 1e-6 to 1e9
 * milliseconds, visits from 1e-6 to 1e6 (1 if omitted). SL_E_INVALID with a message naming the
 * part as typed.
 */
SL_API enum sl_status sl_station_parse(const char *spec, struct sl_station *st, char *err,
                                       size_t errlen);

/* Solves the open (Jackson) network at load_rps into out. SL_E_INVALID for bad stations. */
SL_API enum sl_status sl_network_open(const struct sl_station *st, size_t n, double load_rps,
                                      struct sl_network_result *out, char *err, size_t errlen);

/*
 * The steps of the exact closed solve: (users + 1) x (S + the sum over stations k with more than
 * one server of S - s_k), where s_k = min(servers_k, users + 1) and S = the sum of all s_k (the
 * normalising constants, then each multi-server station's marginal). Front ends bound a
 * request's work with it; the library refuses more than SL_NETWORK_MAX_WORK.
 */
SL_API double sl_network_closed_cost(const struct sl_station *st, size_t n, long users);

/*
 * Solves the closed network of `users` users (1 to 2,000,000) thinking think_s (>= 0) seconds
 * between requests, exactly, by convolution. SL_E_INVALID for bad input or a cost above
 * SL_NETWORK_MAX_WORK; SL_E_NOMEM.
 */
SL_API enum sl_status sl_network_closed(const struct sl_station *st, size_t n, long users,
                                        double think_s, struct sl_network_result *out,
                                        char *err, size_t errlen);

/*
 * The JSON document of `scalelab queue --station ... --json` and of the API: {"model": "open
 * network" | "closed network", "stations": [{"name", "servers", "service_s", "visits",
 * "demand_s", "throughput_rps", "utilization", "mean_in_station", "response_s", "residence_s"}],
 * "load_rps", "users", "think_s", "stable", "throughput_rps", "response_s", "bottleneck",
 * "bounds": {"max_throughput_rps", "min_response_s", "total_demand_s"}}. Owned by the caller
 * (sl_free); NULL with a message when memory runs out.
 */
SL_API char *sl_network_json(const struct sl_station *st, const struct sl_network_result *r,
                             char *err, size_t errlen);

#endif
