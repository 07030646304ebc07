/* The lab's reports: the text and JSON of one run, of --compare and of --sweep. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_REPORT_H
#define SL_LAB_REPORT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "lab/lab.h"

/* The JSON document of one run (the fields plus extras); NULL when out of memory. */
json_t *lab_result_json(const struct lab_result *r);
/* {"runs": [one document per run]} (--compare); NULL when out of memory. */
json_t *lab_compare_json(const struct lab_result *runs, int n);
/* Serialises doc (taking it) as every scalelab document; the text is the caller's (sl_free). */
char *lab_json_dump(json_t *doc);
/* The text report of one run. */
void lab_report_text(FILE *to, const struct lab_result *r);
/* One table over several runs (--compare). */
void lab_report_compare_text(FILE *to, const struct lab_result *runs, int n);

/* One point of --sweep. */
struct lab_sweep_point {
    int backends;
    int threads;               /* the apps' --threads */
    double throughput_rps;
    double cpu_ms_per_request; /* app CPU (user + system) per finished request */
    double p99_ms;
    uint64_t requests, errors;
};

void lab_sweep_text(FILE *to, const struct lab_sweep_point *p, int n);
json_t *lab_sweep_json(const struct lab_sweep_point *p, int n);
/* The CSV `backends,threads,throughput_rps,cpu_ms_per_request`; caller frees (sl_free). */
char *lab_sweep_csv(const struct lab_sweep_point *p, int n);

#endif
