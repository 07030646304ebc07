/* --expect: thresholds on a lab run's figures, parsed strictly, turned into an exit status. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_EXPECT_H
#define SL_LAB_EXPECT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "lab/lab.h"

#define LAB_EXPECT_MAX 16  /* thresholds of one --expect */
#define LAB_EXPECT_LEN 48  /* bytes of one threshold as typed, NUL included */

/* What a threshold is about. */
enum lab_metric {
    LAB_METRIC_LOST = 0,    /* sessions lost: a count, or % of the requests after login */
    LAB_METRIC_ERRORS = 1,  /* failed requests: a count, or % of the requests */
    LAB_METRIC_CARTS = 2,   /* carts wrong */
    LAB_METRIC_DRIFT = 3,   /* counter drift */
    LAB_METRIC_DOUBLE = 4,  /* double bookings */
    LAB_METRIC_P50 = 5,     /* latency percentiles and mean: a time with its unit */
    LAB_METRIC_P90 = 6,
    LAB_METRIC_P99 = 7,
    LAB_METRIC_P999 = 8,
    LAB_METRIC_MEAN = 9,
    LAB_METRIC_RPS = 10,    /* finished requests per second */
    LAB_METRIC_WRITES = 11, /* acknowledged writes the read-back did not find: count or % */
    LAB_METRICS = 12
};

enum lab_cmp {
    LAB_CMP_EQ = 0, /* = */
    LAB_CMP_LT = 1, /* < */
    LAB_CMP_LE = 2, /* <= */
    LAB_CMP_GT = 3, /* > */
    LAB_CMP_GE = 4  /* >= */
};

struct lab_threshold {
    enum lab_metric metric;
    enum lab_cmp cmp;
    double value;   /* seconds for times, a fraction for a percentage, else the number */
    int percent;    /* the value was a percentage */
    char text[LAB_EXPECT_LEN]; /* as typed */
};

struct lab_expect {
    int n;
    struct lab_threshold t[LAB_EXPECT_MAX];
};

/*
 * Reads "lost=0,errors<0.5%,p99<50ms" into out: comma-separated METRIC OP VALUE, METRIC one of
 * lost errors carts drift double p50 p90 p99 p99.9 mean rps, OP one of = < <= > >=; times take
 * us, ms or s, and only lost and errors take a percentage. Returns 0, or -1 with one line in err
 * naming the threshold as typed and what is accepted ("invalid --expect ..."). Pure.
 */
int lab_expect_parse(const char *s, struct lab_expect *out, char *err, size_t errlen);

/* "0.1%": a percentage from 0 to 100 into a fraction; 0, or -1 for anything else. */
int lab_parse_percent(const char *s, double *fraction);

/* The run's figure a threshold is about, in its units; NaN when the run has none. */
double lab_expect_measure(const struct lab_threshold *t, const struct lab_result *r);
/* Whether the figure meets the threshold (never for NaN). */
int lab_expect_holds(const struct lab_threshold *t, double measured);
/* "p99 was 73.2 ms", "errors were 1.25 %": the figure in the threshold's words, into buf. */
void lab_expect_describe(const struct lab_threshold *t, double measured, char *buf, size_t len);
/* [{"expect", "measured", "held"}...] over r; NULL when out of memory. */
json_t *lab_expect_json(const struct lab_expect *e, const struct lab_result *r);
/* "expect" and one line per threshold: what it asked, what was measured, held or FAILED. */
void lab_expect_text(FILE *to, const struct lab_expect *e, const struct lab_result *r);
/* Number of thresholds r misses. */
int lab_expect_failed(const struct lab_expect *e, const struct lab_result *r);

#endif
