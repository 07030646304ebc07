/* `fit`: the Universal Scalability Law fitted to load-test measurements. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "banned.h"

/* Longest --points one API request may carry, bytes. */
#define API_MAX_POINTS_TEXT 8192

static const struct cmd_param params[] = {
    { .name = "file", .type = CMD_FILE, .arg = "FILE.csv|-",
      .help = "measurements: a CSV file with columns n,throughput, or - for standard input",
      .accepts = "a CSV file with n,throughput, or - for standard input", .surface = CMD_CLI,
      .flags = CMD_POSITIONAL, .max_values = 1 },
    { .name = "predict", .type = CMD_TEXT, .arg = "N,N,...",
      .help = "throughput predicted at these concurrencies, e.g. 8,16,64",
      .accepts = "up to 64 positive numbers separated by commas, such as 8,16,64",
      .surface = CMD_BOTH },
    { .name = "svg", .type = CMD_TEXT, .arg = "FILE",
      .help = "write a chart: measured points, the fit, the linear ideal, N*",
      .accepts = "a file path", .surface = CMD_CLI },
    { .name = "n", .type = CMD_TEXT, .arg = "COLUMN",
      .help = "the concurrency column when the file has several (threads, backends, units, ...)",
      .accepts = "a column name of the measurements", .surface = CMD_BOTH },
    { .name = "where", .type = CMD_TEXT, .arg = "COLUMN=VALUE",
      .help = "fit only the rows with this value, e.g. strategy=horizontal in a lab sweep",
      .accepts = "COLUMN=VALUE such as strategy=horizontal", .surface = CMD_BOTH },
    { .name = "points", .type = CMD_TEXT, .arg = "N:X,...",
      .help = "measurements given inline instead of a file, e.g. 1:64.9,18:995.9,36:1652.4",
      .accepts = "N:X pairs separated by commas, such as 1:64.9,18:995.9,36:1652.4",
      .surface = CMD_BOTH },
    { .name = NULL }
};

/* Parses "a,b,c" of positive numbers into out; returns the count or -1. */
static int number_list(const char *s, double *out, int max)
{
    char buf[64];
    int n = 0;

    while (*s) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);

        if (n == max || len == 0 || len >= sizeof(buf))
            return -1;
        memcpy(buf, s, len);
        buf[len] = '\0';
        if (sl_parse_number(buf, &out[n]) != SL_OK || !(out[n] > 0))
            return -1;
        n++;
        s += len + (end ? 1 : 0);
        if (end && !*s)
            return -1;
    }
    return n;
}

/* "1:64.9,18:995.9" as CSV text "n,throughput\n1,64.9\n18,995.9\n" (owned by the caller). */
static char *points_as_csv(const char *spec)
{
    size_t len = strlen(spec), i, o = 0;
    char *csv = sl_malloc(len + 32);

    if (!csv)
        return NULL;
    memcpy(csv, "n,throughput\n", 13);
    o = 13;
    for (i = 0; i < len; i++)
        csv[o++] = spec[i] == ':' ? ',' : spec[i] == ',' ? '\n' : spec[i];
    csv[o++] = '\n';
    csv[o] = '\0';
    return csv;
}

/*
 * Each point of "N:X,N:X,..." is two positive numbers around one ':'; the message names the
 * point as typed and its place, since the CSV parser behind would count lines of a header row
 * the user never wrote.
 */
static int check_points(const char *spec, const char *name, char *err, size_t errlen)
{
    const char *p = spec;
    int k = 1;

    for (;; k++) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char piece[80], *sep;
        double a, b;

        if (!end && n == 0 && k > 1)
            return CMD_OK; /* a trailing comma, as a CSV's last newline */
        snprintf(piece, sizeof(piece), "%.*s", (int)(n < 79 ? n : 79), p);
        sep = strchr(piece, ':');
        if (sep)
            *sep = '\0';
        if (n >= sizeof(piece) || !sep || strchr(sep + 1, ':') ||
            sl_parse_number(piece, &a) != SL_OK || sl_parse_number(sep + 1, &b) != SL_OK ||
            !(a > 0) || !(b > 0)) {
            if (sep)
                *sep = ':';
            return cmd_usage(err, errlen, "invalid %s point %d '%s' (expected N:X, a concurrency "
                             "and a throughput above 0, such as 18:995.9)", name, k, piece);
        }
        if (!end)
            return CMD_OK;
        p = end + 1;
    }
}

/* Where the measurements come from: --points (as CSV, into *owned) or the file read for us. */
static int measurements(const struct cmd_input *in, struct cmd_fit_out *out, const char **text,
                        size_t *len, char **owned, char *err, size_t errlen)
{
    const char *points = cmd_given(in, "points") ? cmd_get(in, "points")->text : NULL;
    char name[16];

    cmd_spelling(in, "points", name, sizeof(name));
    if (points && cmd_count(in, "file"))
        return cmd_usage(err, errlen, "give the measurements either in a file or with --points");
    if (points) {
        if (in->surface == CMD_API && strlen(points) > API_MAX_POINTS_TEXT)
            return cmd_usage(err, errlen, "invalid %s (longer than %d bytes)", name,
                             API_MAX_POINTS_TEXT);
        if (check_points(points, name, err, errlen))
            return CMD_USAGE;
        out->label = "--points"; /* the same in every message of the command line and the API */
        *owned = points_as_csv(points);
        if (!*owned)
            return cmd_failure(err, errlen, "out of memory");
        *text = *owned;
        *len = strlen(*owned);
        return CMD_OK;
    }
    if (in->surface == CMD_API)
        return cmd_usage(err, errlen, "missing points (expected measurements N:X,... such as "
                         "1:64.9,18:995.9,36:1652.4; the API reads no files)");
    if (!cmd_count(in, "file"))
        return cmd_usage(err, errlen, "missing measurements (expected FILE.csv, - or --points)");
    if (!in->input_text)
        return cmd_failure(err, errlen, "internal error: the measurements were not read");
    out->label = in->input_label;
    *text = in->input_text;
    *len = in->input_len;
    return CMD_OK;
}

int cmd_fit_run(const struct cmd_input *in, struct cmd_fit_out *out, char *err, size_t errlen)
{
    const struct cmd_value *predict = cmd_get(in, "predict");
    struct sl_usl_point *pts = NULL;
    const char *text = NULL;
    char *owned = NULL, name[16];
    size_t len = 0, count = 0;
    double unit_cores = 0.0;
    enum sl_status s;
    int st, n;

    memset(out, 0, sizeof(*out));
    if (predict->given) {
        n = number_list(predict->text, out->predict, CMD_FIT_MAX_PREDICT);
        if (n < 1)
            return cmd_usage(err, errlen, "invalid %s '%s' (expected up to %d positive numbers "
                             "separated by commas, such as 8,16,64)",
                             cmd_spelling(in, "predict", name, sizeof(name)), predict->text,
                             CMD_FIT_MAX_PREDICT);
        out->npredict = (size_t)n;
    }
    st = measurements(in, out, &text, &len, &owned, err, errlen);
    if (st)
        return st;
    s = sl_usl_parse(text, len, out->label, cmd_given(in, "n") ? cmd_get(in, "n")->text : NULL,
                     cmd_given(in, "where") ? cmd_get(in, "where")->text : NULL, &pts, &count,
                     &unit_cores, err, errlen);
    if (s == SL_OK)
        s = sl_usl_fit(pts, count, &out->fit, err, errlen);
    if (s == SL_OK)
        out->fit.unit_cores = unit_cores;
    sl_free(pts);
    sl_free(owned);
    if (s == SL_OK)
        return CMD_OK;
    sl_usl_fit_release(&out->fit);
    return s == SL_E_NOMEM ? CMD_FAILURE : CMD_USAGE;
}

static int fit_json(const struct cmd_input *in, char **doc, char *err, size_t errlen)
{
    struct cmd_fit_out *out = sl_malloc(sizeof(*out));
    int st;

    *doc = NULL;
    if (!out)
        return cmd_failure(err, errlen, "out of memory");
    st = cmd_fit_run(in, out, err, errlen);
    if (!st) {
        *doc = sl_usl_json(&out->fit, out->predict, out->npredict, err, errlen);
        st = *doc ? CMD_OK : CMD_FAILURE;
        sl_usl_fit_release(&out->fit);
    }
    sl_free(out);
    return st;
}

const struct cmd_def cmd_def_fit = {
    .name = "fit",
    .summary = "the Universal Scalability Law fitted to your load-test measurements",
    .synopsis = "FILE.csv|- [--predict N,N] [--svg FILE] [--json]\n"
                "--points N:X,N:X,... [--predict N,N] [--svg FILE] [--json]",
    .description = "Fits the Universal Scalability Law to measurements (columns n,throughput): "
                   "contention, coherency, the throughput of one unit and the peak.",
    .params = params,
    .shared = CMD_SHARED_JSON,
    .json = fit_json,
    .api_path = "/api/fit",
};
