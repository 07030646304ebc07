/*
 * JSON documents of the planning model: the one encoder behind `--json` on the command line and
 * the web API, so the same inputs give the same bytes from both.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SL_REPORT_H
#define SL_REPORT_H

#include "scalelab/plan.h"

/*
 * Each function returns a NUL-terminated JSON text owned by the caller (free it with sl_free),
 * or NULL with a message in err (bad input, unknown instance, out of memory). Thread-safe as
 * long as jansson's hash seed was set before threads started (json_object_seed).
 */

/* `compare`: {"catalog", "workload", "rows": [{"load_rps", "vertical", "horizontal", ...}]}. */
SL_API char *sl_report_compare_json(const struct sl_catalog *c, const struct sl_workload *w,
                                    const double *loads, size_t n, char *err, size_t errlen);

/* `curve`: {"catalog", "workload", "points": [{"load_rps", "vertical_usd", ...}]}, planned on
 * `threads` threads as sl_plan_curve. */
SL_API char *sl_report_curve_json(const struct sl_catalog *c, const struct sl_workload *w,
                                  double from, double to, long points, unsigned threads,
                                  char *err, size_t errlen);

/* The embedded catalogs and every instance in them: {"catalogs": [{"name", "source", ...}]}. */
SL_API char *sl_report_catalogs_json(char *err, size_t errlen);

/*
 * The same document with only the embedded catalog `name` in its list: {"catalogs": [{...}]}.
 * An unknown name is an error (SL_E_NOT_FOUND's message in err).
 */
SL_API char *sl_report_catalog_json(const char *name, char *err, size_t errlen);

/* `plan`: the comparison at w->load_rps plus the database and store tiers and the arithmetic. */
SL_API char *sl_report_plan_json(const struct sl_catalog *c, const struct sl_workload *w,
                                 char *err, size_t errlen);

#endif
