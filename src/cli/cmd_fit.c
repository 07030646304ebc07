/* `scalelab fit`: the Universal Scalability Law fitted to load-test measurements. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "cli.h"
#include "svg.h"
#include "banned.h"

#define MAX_PREDICT 64

enum { OPT_PREDICT = CLI_OWN, OPT_SVG, OPT_N, OPT_POINTS, OPT_WHERE };

static const struct cli_flag own_flags[] = {
    { "predict", required_argument, OPT_PREDICT, "N,N,...",
      "throughput predicted at these concurrencies, e.g. 8,16,64", 0 },
    { "svg", required_argument, OPT_SVG, "FILE",
      "write a chart: measured points, the fit, the linear ideal, N*", 0 },
    { "n", required_argument, OPT_N, "COLUMN",
      "the concurrency column when the file has several (threads, backends, ...)", 0 },
    { "where", required_argument, OPT_WHERE, "COLUMN=VALUE",
      "fit only the rows with this value, e.g. threads=1 in a lab sweep", 0 },
    { "points", required_argument, OPT_POINTS, "N:X,...",
      "measurements given inline instead of a file, e.g. 1:64.9,18:995.9,36:1652.4", 0 },
    { NULL, 0, 0, NULL, NULL, 0 }
};

struct fit_args {
    double predict[MAX_PREDICT];
    size_t npredict;
    const char *svg;
    const char *n_column;
    const char *points;
    const char *where;
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

static int own_option(int id, const char *arg, void *ctx)
{
    struct fit_args *a = ctx;
    int n;

    switch (id) {
    case OPT_PREDICT:
        n = number_list(arg, a->predict, MAX_PREDICT);
        if (n < 1)
            return cli_usage_error("invalid --predict '%s' (expected up to %d positive numbers "
                                   "separated by commas, such as 8,16,64)", arg, MAX_PREDICT);
        a->npredict = (size_t)n;
        return SL_EXIT_OK;
    case OPT_SVG:
        if (!*arg)
            return cli_usage_error("invalid --svg '' (expected a file path)");
        a->svg = arg;
        return SL_EXIT_OK;
    case OPT_N:
        a->n_column = arg;
        return SL_EXIT_OK;
    case OPT_POINTS:
        a->points = arg;
        return SL_EXIT_OK;
    case OPT_WHERE:
        a->where = arg;
        return SL_EXIT_OK;
    default:
        return SL_EXIT_USAGE;
    }
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

/* "0.0277285 +- 0.00912", or the value and why it has no error bar. */
static void print_coefficient(const char *name, double v, double se, const char *unit)
{
    if (isfinite(se))
        printf("  %-21s %.6g +- %.3g%s\n", name, v, se, unit);
    else if (v == 0.0)
        printf("  %-21s 0%s (on its bound: no standard error)\n", name, unit);
    else
        printf("  %-21s %.6g%s (too few points for a standard error)\n", name, v, unit);
}

static void print_report(const struct sl_usl_fit *f, const char *label, const struct fit_args *a)
{
    char b1[32], b2[32];
    size_t i;
    unsigned bit;

    printf("USL fit of %zu measurements (%s)\n\n", f->n_points, label);
    print_coefficient("sigma (contention)", f->sigma, f->sigma_se, "");
    print_coefficient("kappa (coherency)", f->kappa, f->kappa_se, "");
    print_coefficient("lambda (one unit)", f->lambda, f->lambda_se, " per second");
    printf("  R^2                   %.5f   (%d iterations)\n", f->r2, f->iterations);
    if (isfinite(f->n_star))
        printf("  peak                  N* = %.1f, X(N*) = %s per second\n", f->n_star,
               cmd_fmt_count(b1, sizeof(b1), f->x_max));
    else
        printf("  peak                  none: without coherency throughput only levels off\n");
    if (isfinite(f->x_roof))
        printf("  ceiling               lambda / sigma = %s per second (contention alone)\n",
               cmd_fmt_count(b2, sizeof(b2), f->x_roof));
    if (isfinite(f->n_opt))
        printf("  diminishing returns   past n = 1 / sigma = %.1f\n", f->n_opt);
    printf("\n  %10s %12s %12s %10s\n", "n", "measured", "fitted", "efficiency");
    for (i = 0; i < f->n_points; i++)
        printf("  %10g %12.6g %12.6g %9.1f%%\n", f->points[i].n, f->points[i].throughput,
               sl_usl_predict(f, f->points[i].n),
               100.0 * f->points[i].throughput / (f->points[i].n * f->lambda));
    if (a->npredict) {
        printf("\n  predicted\n");
        for (i = 0; i < a->npredict; i++)
            printf("  %10g %12.6g %12s %9.1f%%\n", a->predict[i], sl_usl_predict(f, a->predict[i]),
                   "", 100.0 * sl_usl_predict(f, a->predict[i]) / (a->predict[i] * f->lambda));
    }
    for (bit = 1; bit <= SL_USL_WARN_AT_BOUND; bit <<= 1)
        if (f->warnings & bit)
            printf("\nwarning: %s", sl_usl_warning_text((enum sl_usl_warning)bit));
    if (f->warnings)
        printf("\n");
    printf("\nUse it: scalelab plan --load L --usl %.6g,%.6g   (or --calibration FILE.json from "
           "fit --json)\n", f->sigma, f->kappa);
}

int cmd_fit(int argc, char **argv)
{
    struct fit_args a;
    struct cli_common common;
    struct sl_usl_point *pts = NULL;
    struct sl_usl_fit fit = { 0 };
    char err[SL_ERR_LEN], *text = NULL;
    const char *label;
    size_t len = 0, count = 0;
    enum sl_status st;
    int first, rc;

    memset(&a, 0, sizeof(a));
    rc = cli_parse(argc, argv, "scalelab fit FILE.csv|- [--predict N,N] [--svg FILE] [--json]\n"
                   "       scalelab fit --points N:X,N:X,...\n\n"
                   "Fits the Universal Scalability Law to measurements (columns n,throughput)",
                   CLI_WITH_JSON, own_flags, own_option, &a, &common, &first);
    if (rc)
        return rc < 0 ? SL_EXIT_OK : rc;
    if (a.svg && cli_api_mode())
        return cli_usage_error("parameter 'svg' is not available in the API");
    if (a.points && first < argc)
        return cli_usage_error("give the measurements either in a file or with --points");
    if (!a.points && first + 1 != argc)
        return cli_usage_error(first < argc ? "unexpected argument '%s'" :
                               "missing measurements%s (expected FILE.csv, - or --points)",
                               first < argc ? argv[first + 1] : "");
    if (a.points) {
        if (cli_api_mode() && strlen(a.points) > 8192)
            return cli_usage_error("invalid --points (longer than 8192 bytes)");
        label = "--points";
        text = points_as_csv(a.points);
        if (!text)
            return cli_runtime_error("out of memory");
        len = strlen(text);
    } else {
        if (cli_api_mode())
            return cli_usage_error("the API takes measurements as points, not a file");
        label = argv[first];
        rc = cli_read_file(label, "measurements", "a CSV file with n,throughput, or - for "
                           "standard input", SL_USL_TEXT_MAX, &text, &len);
        if (rc)
            goto out;
    }
    st = sl_usl_parse(text, len, label, a.n_column, a.where, &pts, &count, err, sizeof(err));
    if (!st)
        st = sl_usl_fit(pts, count, &fit, err, sizeof(err));
    if (st) {
        rc = st == SL_E_NOMEM ? cli_runtime_error("%s", err) : cli_usage_error("%s", err);
        goto out;
    }
    if (a.svg) {
        char *svg = svg_usl(&fit, label, err, sizeof(err));

        rc = svg ? cli_write_file(a.svg, svg, strlen(svg)) : cli_runtime_error("%s", err);
        sl_free(svg);
        if (rc)
            goto out;
    }
    if (common.json)
        rc = cli_print_json(sl_usl_json(&fit, a.predict, a.npredict, err, sizeof(err)), err);
    else
        print_report(&fit, label, &a);
out:
    sl_usl_fit_release(&fit);
    sl_free(pts);
    sl_free(text);
    return rc;
}
