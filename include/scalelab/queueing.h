/* Analytic queueing models: Erlang B/C, M/M/c, M/M/c/K, M/G/1, approximations, closed. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_QUEUEING_H
#define SL_QUEUEING_H

#include <stddef.h>

#include "scalelab/status.h"

/*
 * Units: times in seconds, rates in requests per second. Every function is pure and thread-safe
 * and never prints. Formulas and their sources: docs/model.md ("Queueing").
 *
 * Ownership: arguments are borrowed; nothing is kept after a call returns. The only function that
 * hands memory to the caller is sl_queue_json (free its result with sl_free). Structs are filled
 * by value and own no pointers.
 *
 * Bad input: the scalar formula functions return NaN for arguments outside their domain (servers
 * below 1 or above SL_QUEUE_MAX_SERVERS, negative or non-finite rates and times, p outside
 * (0, 1)); they return INFINITY where the model is unstable (utilisation >= 1 with an unbounded
 * queue). The solvers return SL_E_INVALID with a message in err naming the bad value.
 */

/* Most servers any model accepts (the Erlang recursions cost one step per server). */
#define SL_QUEUE_MAX_SERVERS 1000000L
/*
 * Most states of the birth-death models: queue capacity K of M/M/c/K and users N of the closed
 * station. Memory is about 24 bytes per state while a solver runs.
 */
#define SL_QUEUE_MAX_STATES 2000000L
/* Rows of the utilisation table. */
#define SL_QUEUE_TABLE_ROWS 10

/*
 * Erlang B: probability that an arrival finds all c servers busy in the M/M/c/c loss system with
 * offered load a = lambda * service time (erlangs). Stable recursion B(0) = 1,
 * B(k) = a B(k-1) / (k + a B(k-1)). NaN if c < 1, c > SL_QUEUE_MAX_SERVERS or a < 0.
 */
SL_API double sl_erlang_b(long c, double a);

/*
 * Erlang C: probability that an arrival waits in M/M/c with offered load a (erlangs),
 * C = B / (1 - rho (1 - B)) with rho = a / c. 1.0 when a >= c (every arrival waits in the
 * unstable queue). NaN on bad input as sl_erlang_b.
 */
SL_API double sl_erlang_c(long c, double a);

/*
 * The p-quantile of the waiting time (before service) in M/M/c with arrival rate lambda and
 * service rate mu per server: max(0, ln(C / (1 - p)) / (c mu - lambda)), seconds. INFINITY when
 * lambda >= c mu; NaN on bad input (lambda <= 0, mu <= 0, p outside (0, 1)).
 */
SL_API double sl_mmc_wait_quantile(long c, double lambda, double mu, double p);

/*
 * The p-quantile of the response time (wait + service) in M/M/c, seconds. The exact CDF of
 * W = Wq + S (Wq is 0 with probability 1 - C and otherwise Exp(c mu - lambda); S ~ Exp(mu),
 * independent) is inverted by a safeguarded Newton iteration to about 1e-15 relative.
 * INFINITY / NaN as above.
 */
SL_API double sl_mmc_response_quantile(long c, double lambda, double mu, double p);

/*
 * The mean response time and the response quantiles at levels p[0..n-1] of one M/M/c queue
 * (as sl_mmc_response_quantile, with Erlang C computed once): out_mean and out[0..n-1].
 * INFINITY when lambda >= c mu, NaN for bad arguments.
 */
SL_API void sl_mmc_response(long c, double lambda, double mu, const double *p, size_t n,
                            double *out_mean, double *out);

/*
 * The largest arrival rate at which M/M/c (c servers of rate mu each) keeps its response time's
 * p-quantile (0 < p < 1), or its mean (p = 0), at or below goal_s seconds: the capacity at a
 * latency goal, req/s. The statistic grows with the rate, so bisection on (0, c mu) finds it to
 * about 1e-12 relative. 0 when even an idle queue misses the goal (the service alone is too
 * slow); NaN on bad input (c outside 1..SL_QUEUE_MAX_SERVERS, mu or goal_s not positive and
 * finite, p outside [0, 1)).
 */
SL_API double sl_mmc_max_rate(long c, double mu, double p, double goal_s);

/*
 * M/G/1 FCFS mean wait by Pollaczek-Khinchine, Wq = rho E[S] (1 + cv^2) / (2 (1 - rho)) with
 * rho = lambda * mean_s and cv the service time's coefficient of variation (standard deviation /
 * mean; 0 deterministic, 1 exponential). INFINITY when rho >= 1; NaN on bad input.
 */
SL_API double sl_mg1_wait(double lambda, double mean_s, double cv);

/*
 * M/G/1 processor sharing mean response time, W = E[S] / (1 - rho), whatever the service
 * distribution. INFINITY when rho >= 1; NaN on bad input.
 */
SL_API double sl_mg1_ps_response(double lambda, double mean_s);

/*
 * APPROXIMATION. Kingman's heavy-traffic G/G/1 mean wait,
 * Wq ~ (rho / (1 - rho)) ((ca^2 + cs^2) / 2) E[S]; ca and cs are the coefficients of variation
 * of interarrival and service times. INFINITY when rho >= 1; NaN on bad input.
 */
SL_API double sl_kingman_wait(double lambda, double mean_s, double ca, double cs);

/*
 * BOUND. Daley's upper bound on the G/G/1 mean wait,
 * Wq <= ((2 - rho) ca^2 + rho cs^2) E[S] / (2 (1 - rho)). INFINITY / NaN as above.
 */
SL_API double sl_daley_wait_bound(double lambda, double mean_s, double ca, double cs);

/*
 * APPROXIMATION. Allen-Cunneen G/G/c mean wait, Wq ~ (C(c, a) / (c mu - lambda)) (ca^2 + cs^2)/2
 * with mu = 1 / mean_s. INFINITY when lambda * mean_s >= c; NaN on bad input.
 */
SL_API double sl_allen_cunneen_wait(long c, double lambda, double mean_s, double ca, double cs);

/* Which model a struct sl_queue_result describes. */
enum sl_queue_model {
    SL_QUEUE_MMC = 0,       /* open, c servers, unbounded FCFS queue: "M/M/c" */
    SL_QUEUE_MMCK = 1,      /* open, at most K in the system (queue + service): "M/M/c/K" */
    SL_QUEUE_CLOSED = 2,    /* N users thinking Z s between requests to c servers: "closed" */
    SL_QUEUE_MG1 = 3,       /* open, one server, general service of a given CV: "M/G/1" */
    SL_QUEUE_MGC = 4        /* open, c > 1 servers, general service (approximate): "M/G/c" */
};

/* The percentiles every result reports where they are exact: p50, p90, p99, p99.9. */
#define SL_QUEUE_QUANTILES 4
SL_API extern const double sl_queue_quantile_levels[SL_QUEUE_QUANTILES];

/* One row of the utilisation table: what the same system does at another offered load. */
struct sl_queue_row {
    double utilization;        /* offered load per server, lambda S / c (may exceed 1) */
    double response_multiple;  /* mean response / service time; INFINITY if unbounded, rho >= 1 */
    double drop_probability;   /* fraction of arrivals turned away (0 for an unbounded queue) */
};

/*
 * Everything one solve reports. A field that does not apply to the model is NaN (the JSON
 * encoder writes null); an unbounded quantity (unstable queue) is INFINITY (also null in JSON).
 */
struct sl_queue_result {
    enum sl_queue_model model;
    long servers;              /* c */
    double service_s;          /* mean service time S = 1 / mu, seconds */
    double load_rps;           /* offered arrival rate lambda, req/s; NaN for closed */
    long queue_capacity;       /* K (in queue + in service) for M/M/c/K; 0 = unbounded */
    long users;                /* N for closed; 0 for open models */
    double think_s;            /* Z for closed, seconds; NaN for open models */
    double utilization;        /* open: offered lambda S / c (may be >= 1); closed: X S / c */
    double carried_utilization; /* busy fraction of each server, X S / c (<= 1) */
    int stable;                /* 0 only for M/M/c with utilization >= 1 */
    double p_wait;             /* probability that an accepted request waits for a server */
    double mean_wait_s;        /* Wq, seconds */
    double mean_response_s;    /* W = Wq + S, seconds (closed: R, think time excluded) */
    double p99_wait_s;         /* 99th percentile of the wait, seconds */
    double p99_response_s;     /* 99th percentile of the response time, seconds */
    double wait_q[SL_QUEUE_QUANTILES];     /* wait at sl_queue_quantile_levels; NaN: not exact */
    double response_q[SL_QUEUE_QUANTILES]; /* response at the same levels; NaN: not exact */
    double service_cv;         /* coefficient of variation of the service time (1: exponential) */
    const char *approximation; /* NULL when every figure is exact, else the method's name */
    double drop_probability;   /* fraction of arrivals refused: p_K for M/M/c/K, else 0 */
    double throughput_rps;     /* X, completed req/s (M/M/c unstable: c / S) */
    double mean_in_system;     /* L, requests in queue + service */
    double mean_in_queue;      /* Lq, requests waiting */
    size_t table_len;          /* rows used in table (0 for closed) */
    struct sl_queue_row table[SL_QUEUE_TABLE_ROWS];
};

/*
 * Inputs of sl_queue_solve; zero-initialise and set what the model needs. The model is closed
 * when users > 0, M/M/c/K when queue_capacity > 0, M/G/1 or M/G/c with `general` (open and
 * unbounded only), M/M/c otherwise. Open models take exactly one
 * of load_rps and utilization (the other 0); utilization U means load_rps = U servers / service_s.
 */
struct sl_queue_params {
    long servers;              /* c >= 1 */
    double service_s;          /* mean service time, seconds, > 0 */
    int general;               /* 1: service of coefficient of variation service_cv (M/G/c) */
    double service_cv;         /* with general: >= 0 and finite (0 deterministic, 1 exponential) */
    double load_rps;           /* open: arrival rate, req/s */
    double utilization;        /* open: offered load per server instead of load_rps */
    long queue_capacity;       /* K >= servers for a bounded queue; 0 = unbounded */
    long users;                /* closed: N >= 1 */
    double think_s;            /* closed: mean think time Z >= 0 seconds (0 = batch) */
};

/* Mean response time as a multiple of the service time (INFINITY when unbounded). */
SL_API double sl_queue_response_multiple(const struct sl_queue_result *r);

/*
 * Solves the model params describe into out (see struct sl_queue_params), including the
 * utilisation table. SL_E_INVALID with a message naming the bad value, SL_E_NOMEM if memory for
 * the state distribution cannot be had. On failure out is unspecified.
 */
SL_API enum sl_status sl_queue_solve(const struct sl_queue_params *params,
                                     struct sl_queue_result *out, char *err, size_t errlen);

/*
 * M/M/c with an unbounded FCFS queue, arrival rate load_rps, mean service service_s. Utilisation
 * >= 1 is not an error: stable = 0 and the means and percentiles are INFINITY. The table has
 * rows at utilisation 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1, 1.1 and 1.25.
 */
SL_API enum sl_status sl_queue_mmc(long servers, double service_s, double load_rps,
                                   struct sl_queue_result *out, char *err, size_t errlen);

/*
 * M/M/c/K: at most capacity (K >= servers) requests in the system; arrivals finding it full are
 * dropped. Valid at any load. The state distribution is computed in log space and normalised at
 * the end, so K up to SL_QUEUE_MAX_STATES and any utilisation are exact and stable. Waits and
 * percentiles are those of accepted requests; percentiles are exact (the wait is a mixture of
 * Erlang distributions, evaluated through Poisson sums and inverted by bisection).
 */
SL_API enum sl_status sl_queue_mmck(long servers, long capacity, double service_s,
                                    double load_rps, struct sl_queue_result *out, char *err,
                                    size_t errlen);

/*
 * Closed multi-server station (machine repairman, M/M/c//N): users alternate between an
 * exponential think time think_s (0 = batch, always at the station) and a request served by one
 * of servers exponential servers. The birth-death distribution
 * p_n ~ prod_{i=1..n} ((N - i + 1) / Z) / (min(i, c) / S) is computed in log space and normalised
 * at the end (p_0 is never obtained by subtraction), so it stays exact up to SL_QUEUE_MAX_STATES
 * users. X = sum min(n, c) p_n / S, R = L / X (= N / X - Z); waits as seen by arriving requests
 * (arrival theorem). No table (table_len = 0).
 */
SL_API enum sl_status sl_queue_closed(long servers, long users, double service_s, double think_s,
                                      struct sl_queue_result *out, char *err, size_t errlen);

/*
 * M/G/1 with service CV cv: the Pollaczek-Khinchine mean wait rho S (1 + cv^2) / (2 (1 - rho)),
 * exact; P(wait) = rho; no percentiles (NaN: they depend on the whole distribution). For c > 1,
 * M/G/c by the Allen-Cunneen approximation: the M/M/c wait times (1 + cv^2) / 2, labelled
 * approximate (exact for cv = 1, where the M/M/c percentiles are given too).
 */
SL_API enum sl_status sl_queue_mgc(long servers, double service_s, double cv, double load_rps,
                                   struct sl_queue_result *out, char *err, size_t errlen);

/* "M/M/c", "M/M/c/K", "closed", "M/G/1" or "M/G/c"; never NULL, borrowed forever. */
SL_API const char *sl_queue_model_name(enum sl_queue_model m);

/*
 * The JSON document of `scalelab queue --json` and of the web API (one encoder for both):
 * {"model", "servers", "utilization", "stable", "p_wait", "mean_wait_s", "mean_response_s",
 *  "p99_wait_s", "p99_response_s", "drop_probability", "throughput_rps", "service_s", "load_rps",
 *  "queue_capacity", "users", "think_s", "carried_utilization", "mean_in_system",
 *  "mean_in_queue", "table": [{"utilization", "response_multiple", "drop_probability"}...]}
 * with 2-space indentation. NaN and infinite numbers, fields that do not apply (queue_capacity
 * when unbounded, users for open models) and the closed model's table are null. Returns a
 * NUL-terminated string owned by the caller (free with sl_free), or NULL with a message in err
 * when memory runs out.
 */
SL_API char *sl_queue_json(const struct sl_queue_result *r, char *err, size_t errlen);

#endif
