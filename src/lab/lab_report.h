/* The lab's reports: the text and JSON of one run and of --compare. */
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

#endif
