/* --find-limit: the largest open-loop rate that meets a latency goal and an error budget. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_LIMIT_H
#define SL_LAB_LIMIT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "scalelab/workload.h"
#include "lab/lab.h"

#define LAB_LIMIT_MAX_STEPS 12    /* runs of one search, at most */
#define LAB_LIMIT_FACTOR 2.0      /* the rate grows by this until a step fails */
#define LAB_LIMIT_CLOSE 1.1       /* bisection stops when fail / pass is at most this */
#define LAB_LIMIT_MIN_RATE 1.0    /* the search never goes below 1 req/s */
#define LAB_LIMIT_MIN_ARRIVALS 20 /* nor below a step of this many arrivals: a percentile of
                                     fewer is no measurement */
#define LAB_LIMIT_START_RPS 50.0 /* the first step's rate unless --rate says */
#define LAB_LIMIT_STEP_S 3.0      /* a step's length unless --duration says */
#define LAB_APP_THREADS 2         /* `scalelab app`'s worker threads unless told */

/* One step: an open-loop run at one rate and whether it met the goal and the budget. */
struct lab_limit_step {
    double rate_rps;           /* asked */
    double reached_rps;        /* arrivals sent per second */
    double p50_ms, p99_ms;
    double goal_ms;            /* the goal's statistic (p99, mean...) measured, ms */
    double error_fraction;     /* errors / requests */
    uint64_t requests, errors, unsent;
    double cpu_ms_per_request;
    int passed;
};

/* A whole search and the model's prediction beside it. */
struct lab_limit {
    struct lab_opts opts;      /* every step's, but for its rate */
    struct sl_slo slo;         /* the latency goal */
    double max_errors;         /* the error budget, a fraction */
    int n;
    struct lab_limit_step step[LAB_LIMIT_MAX_STEPS];
    double app_cpu_s;          /* the apps' CPU over every step */
    uint64_t requests;         /* finished requests over every step */
    /* filled by lab_limit_finish */
    double limit_rps;          /* the largest rate that passed; NaN when none did */
    double fail_rps;           /* the smallest rate that failed; NaN when none did */
    double cpu_ms_per_request; /* measured: app_cpu_s / requests */
    long model_servers;        /* M/M/c: c, worker threads of every backend */
    double model_server_cores; /* cores each server has */
    double model_rps;          /* the rate M/M/c serves within the goal */
};

/* Starts a search of o's backends for the goal slo with error budget max_errors. */
void lab_limit_init(struct lab_limit *l, const struct lab_opts *o, const struct sl_slo *slo,
                    double max_errors);
/*
 * The rate of the next step, or 0 when the search is over: start_rps first, times
 * LAB_LIMIT_FACTOR while every step passes (down by it while every one fails), then the
 * geometric middle of the highest pass and the lowest fail until they are within
 * LAB_LIMIT_CLOSE, at most LAB_LIMIT_MAX_STEPS steps, within [LAB_LIMIT_MIN_RATE, LAB_MAX_RATE].
 */
double lab_limit_next(const struct lab_limit *l, double start_rps);
/* Adds the step that r measured (a finished open-loop run); judges it against the goal. */
void lab_limit_add(struct lab_limit *l, const struct lab_result *r);
/* The limit, the measured CPU per request and the model's prediction (the library's M/M/c). */
void lab_limit_finish(struct lab_limit *l);

void lab_limit_text(FILE *to, const struct lab_limit *l);
json_t *lab_limit_json(const struct lab_limit *l);

#endif
