/* --sweep: both futures at 1..K units, as a table, JSON and the CSV `scalelab fit` reads. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_SWEEP_H
#define SL_LAB_SWEEP_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "lab/lab.h"

/* The two futures of --sweep. */
enum lab_strategy {
    LAB_HORIZONTAL = 0, /* scale out: K backends of one unit */
    LAB_VERTICAL = 1    /* scale up: one backend of K units */
};
const char *lab_strategy_name(enum lab_strategy s); /* "horizontal", "vertical" */

/* One point of --sweep. */
struct lab_sweep_point {
    enum lab_strategy strategy;
    int units;
    int backends;
    int threads;               /* each app's worker threads */
    double cores_per_backend;  /* each app's budget; 0 without --cpu-per-backend */
    double throughput_rps;
    double p50_ms, p99_ms;
    double cpu_ms_per_request; /* app CPU (user + system) per finished request */
    double throttled;          /* budgets: the fraction of CFS periods that ran out; else NAN */
    uint64_t requests, errors;
};

/* A whole --sweep: horizontal 1..K, then vertical 1..K (units 1 is one run, in both). */
struct lab_sweep {
    struct lab_opts opts;      /* what every point shares: state, users, duration, unit_cores */
    int cgroup_version;        /* budgets' cgroup version, 0 without */
    int n;
    struct lab_sweep_point p[2 * LAB_MAX_UNITS];
};

/* Adds the point of one run (r of the given strategy and units) to s. */
void lab_sweep_add(struct lab_sweep *s, enum lab_strategy strategy, int units,
                   const struct lab_result *r);
/* Adds point i again as another strategy's: one unit is the same machine in both futures. */
void lab_sweep_same(struct lab_sweep *s, int i, enum lab_strategy strategy);

void lab_sweep_text(FILE *to, const struct lab_sweep *s);
json_t *lab_sweep_json(const struct lab_sweep *s);
/* The CSV `strategy,units,throughput_rps,p50_ms,p99_ms,cpu_ms_per_request`; caller frees
 * (sl_free); `scalelab fit FILE --where strategy=horizontal` reads it. */
char *lab_sweep_csv(const struct lab_sweep *s);

#endif
