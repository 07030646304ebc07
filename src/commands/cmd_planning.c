/* `compare`, `plan` and `curve`: the two futures at some loads, at one load, over a range. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "commands.h"
#include "banned.h"

/* Most points one API curve may ask for: a curve costs one plan per point. */
#define API_MAX_CURVE_POINTS 10000

static int status_of(enum sl_status s)
{
    return s == SL_OK ? CMD_OK : s == SL_E_NOMEM ? CMD_FAILURE : CMD_USAGE;
}

/* ---- compare ---- */

static const struct cmd_param compare_params[] = {
    { .name = "load", .type = CMD_LOADS, .arg = "LOAD...",
      .help = "loads to compare, req/s, such as 1000, 1k, 2.5M or 1e6 (also comma-separated)",
      .def = "1k,10k,100k,500k,1m", .surface = CMD_BOTH, .flags = CMD_POSITIONAL,
      .max_values = CMD_MAX_LOADS },
    { .name = "ascii", .type = CMD_FLAG, .help = "draw with plain ASCII instead of Unicode",
      .surface = CMD_CLI },
    { .name = NULL }
};

int cmd_compare_run(const struct cmd_input *in, struct cmd_compare_out *out, char *err,
                    size_t errlen)
{
    size_t i;
    int st;

    memset(out, 0, sizeof(*out));
    st = cmd_catalog(in, &out->catalog, err, errlen);
    for (i = 0; !st && i < in->nloads; i++) {
        st = status_of(sl_plan_compare(out->catalog, &in->w, in->loads[i], &out->rows[i], err,
                                       errlen));
        out->n = i + 1;
    }
    return st;
}

void cmd_compare_release(struct cmd_compare_out *out)
{
    sl_catalog_free(out->catalog);
    out->catalog = NULL;
}

static int compare_json(const struct cmd_input *in, char **doc, char *err, size_t errlen)
{
    struct sl_catalog *cat;
    int st = cmd_catalog(in, &cat, err, errlen);

    *doc = NULL;
    if (st)
        return st;
    *doc = sl_report_compare_json(cat, &in->w, in->loads, in->nloads, err, errlen);
    sl_catalog_free(cat);
    return *doc ? CMD_OK : CMD_USAGE;
}

const struct cmd_def cmd_def_compare = {
    .name = "compare",
    .summary = "both strategies side by side at one or more loads",
    .synopsis = "[LOAD...] [options]",
    .description = "Both strategies side by side: the one box that carries each load and the "
                   "fleet that does, with spares, availability, p99 latency and the whole "
                   "monthly bill.",
    .params = compare_params,
    .shared = CMD_SHARED_ALL,
    .json = compare_json,
    .api_path = "/api/compare",
};

/* ---- plan ---- */

static const struct cmd_param plan_params[] = {
    { .name = "load", .type = CMD_LOAD, .arg = "LOAD", .help = "offered load, req/s",
      .surface = CMD_BOTH, .flags = CMD_REQUIRED },
    { .name = NULL }
};

int cmd_plan_run(const struct cmd_input *in, struct cmd_plan_out *out, char *err,
                 size_t errlen)
{
    int st;

    memset(out, 0, sizeof(*out));
    out->w = in->w;
    out->w.load_rps = cmd_get(in, "load")->number;
    st = cmd_catalog(in, &out->catalog, err, errlen);
    if (!st)
        st = status_of(sl_plan_compare(out->catalog, &out->w, out->w.load_rps, &out->cmp, err,
                                       errlen));
    return st;
}

static int plan_json(const struct cmd_input *in, char **doc, char *err, size_t errlen)
{
    struct sl_catalog *cat;
    struct sl_workload w = in->w;
    int st = cmd_catalog(in, &cat, err, errlen);

    *doc = NULL;
    if (st)
        return st;
    w.load_rps = cmd_get(in, "load")->number;
    *doc = sl_report_plan_json(cat, &w, err, errlen);
    sl_catalog_free(cat);
    return *doc ? CMD_OK : CMD_USAGE;
}

const struct cmd_def cmd_def_plan = {
    .name = "plan",
    .summary = "the whole plan for one load: app, database and store tiers",
    .synopsis = "--load LOAD [options]",
    .description = "The whole plan for one load, with its arithmetic spelled out: the vertical "
                   "box, the horizontal fleet and its spares, zones and latency, the database "
                   "and session-store tiers, and the monthly bill of each.",
    .params = plan_params,
    .shared = CMD_SHARED_ALL,
    .json = plan_json,
    .api_path = "/api/plan",
};

/* ---- curve ---- */

static const struct cmd_param curve_params[] = {
    { .name = "from", .type = CMD_LOAD, .arg = "LOAD", .help = "lowest load", .def = "1k",
      .surface = CMD_BOTH },
    { .name = "to", .type = CMD_LOAD, .arg = "LOAD", .help = "highest load", .def = "1m",
      .surface = CMD_BOTH },
    { .name = "points", .type = CMD_INTEGER, .arg = "N", .help = "number of loads, log-spaced",
      .def = "25", .min = 1, .max = SL_CURVE_MAX_POINTS, .api_max = API_MAX_CURVE_POINTS,
      .surface = CMD_BOTH },
    { .name = "svg", .type = CMD_FILE, .arg = "FILE",
      .help = "write the chart of both cost curves as SVG ('-' for standard output)",
      .accepts = "a file path", .surface = CMD_CLI },
    { .name = "threads", .type = CMD_INTEGER, .arg = "T", .def = "0", .min = 0,
      .max = SL_CURVE_MAX_THREADS, .help = "threads that plan the points (0: one per CPU)",
      .surface = CMD_CLI },
    { .name = NULL }
};

/* The threads a curve is planned on: the server plans each on one, its workers run several. */
static unsigned curve_threads(const struct cmd_input *in)
{
    return in->surface == CMD_API ? 1u : (unsigned)cmd_get(in, "threads")->integer;
}

/* from and to as typed, checked in order. */
static int curve_range(const struct cmd_input *in, char *err, size_t errlen)
{
    const struct cmd_value *from = cmd_get(in, "from"), *to = cmd_get(in, "to");
    char a[16], b[16];

    if (to->number < from->number)
        return cmd_usage(err, errlen, "invalid range: %s '%s' is above %s '%s'",
                         cmd_spelling(in, "from", a, sizeof(a)), from->text,
                         cmd_spelling(in, "to", b, sizeof(b)), to->text);
    return CMD_OK;
}

int cmd_curve_run(const struct cmd_input *in, struct cmd_curve_out *out, char *err,
                  size_t errlen)
{
    int st = curve_range(in, err, errlen);

    memset(out, 0, sizeof(*out));
    if (st)
        return st;
    out->n = cmd_get(in, "points")->integer;
    st = cmd_catalog(in, &out->catalog, err, errlen);
    if (st)
        return st;
    out->points = sl_calloc((size_t)out->n, sizeof(*out->points));
    if (!out->points)
        return cmd_failure(err, errlen, "out of memory");
    return status_of(sl_plan_curve(out->catalog, &in->w, cmd_get(in, "from")->number,
                                   cmd_get(in, "to")->number, out->n, curve_threads(in),
                                   out->points, err, errlen));
}

void cmd_curve_release(struct cmd_curve_out *out)
{
    sl_free(out->points);
    sl_catalog_free(out->catalog);
    memset(out, 0, sizeof(*out));
}

static int curve_json(const struct cmd_input *in, char **doc, char *err, size_t errlen)
{
    struct sl_catalog *cat;
    int st = curve_range(in, err, errlen);

    *doc = NULL;
    if (!st)
        st = cmd_catalog(in, &cat, err, errlen);
    if (st)
        return st;
    *doc = sl_report_curve_json(cat, &in->w, cmd_get(in, "from")->number,
                                cmd_get(in, "to")->number, cmd_get(in, "points")->integer,
                                curve_threads(in), err, errlen);
    sl_catalog_free(cat);
    return *doc ? CMD_OK : CMD_USAGE;
}

const struct cmd_def cmd_def_curve = {
    .name = "curve",
    .summary = "monthly cost of both strategies over a range of loads",
    .synopsis = "[--from LOAD] [--to LOAD] [--points N] [--svg FILE] [options]",
    .description = "The monthly cost of both strategies at log-spaced loads: the curves part as "
                   "load grows, and the vertical one ends where no single box exists.",
    .params = curve_params,
    .shared = CMD_SHARED_ALL,
    .json = curve_json,
    .api_path = "/api/curve",
};
