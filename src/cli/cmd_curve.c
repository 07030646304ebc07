/* `scalelab curve`: monthly cost of both strategies over a log-spaced range of loads. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "svg.h"
#include "banned.h"

enum { OPT_FROM = CLI_OWN, OPT_TO, OPT_POINTS, OPT_SVG };

struct curve_args {
    double from, to;
    long points;
    const char *svg;
};

static const struct cli_flag own_flags[] = {
    { "from", required_argument, OPT_FROM, "LOAD", "lowest load (1k)", 0 },
    { "to", required_argument, OPT_TO, "LOAD", "highest load (1m)", 0 },
    { "points", required_argument, OPT_POINTS, "N", "number of loads, log-spaced (25)", 0 },
    { "svg", required_argument, OPT_SVG, "FILE", "write the chart of both cost curves as SVG", 0 },
    { NULL, 0, 0, NULL, NULL, 0 }
};

static int own_option(int id, const char *arg, void *ctx)
{
    struct curve_args *a = ctx;

    switch (id) {
    case OPT_FROM: return cli_parse_load("--from", arg, &a->from);
    case OPT_TO: return cli_parse_load("--to", arg, &a->to);
    case OPT_POINTS: {
        /* the API's work is bounded: a curve costs one plan per point */
        long max = cli_api_mode() ? CLI_API_MAX_CURVE_POINTS : SL_CURVE_MAX_POINTS;

        if (sl_parse_count(arg, max, &a->points) != SL_OK)
            return cli_usage_error("invalid --points '%s' (expected a whole number from 1 to "
                                   "%ld%s)", arg, max, cli_api_mode() ? " in the API" : "");
        return SL_EXIT_OK;
    }
    case OPT_SVG:
        if (!*arg)
            return cli_usage_error("invalid --svg '' (expected a file path)");
        a->svg = arg;
        return SL_EXIT_OK;
    default: return SL_EXIT_USAGE;
    }
}

static void print_text(const struct sl_curve_point *p, long n)
{
    char a[32], b[32], c[32], d[32], e[32];
    long i;

    printf("%-8s %-14s %11s %11s   %-18s %11s %11s\n", "load", "vertical", "app/month",
           "total", "horizontal", "app/month", "total");
    for (i = 0; i < n; i++) {
        char boxes[96];

        printf("%-8s ", cli_fmt_load(b, sizeof(b), p[i].load_rps));
        if (p[i].vertical_instance)
            printf("%-14s %11s %11s   ", p[i].vertical_instance->name,
                   cli_fmt_usd(c, sizeof(c), p[i].vertical_usd),
                   cli_fmt_usd(d, sizeof(d), p[i].vertical_total_usd));
        else
            printf("%-14s %11s %11s   ", "no single box", "-", "-");
        if (p[i].horizontal_instance) {
            snprintf(boxes, sizeof(boxes), "%s+%ld x %s",
                     cli_fmt_count(a, sizeof(a),
                                   (double)(p[i].horizontal_servers - p[i].horizontal_spares)),
                     p[i].horizontal_spares, p[i].horizontal_instance->name);
            printf("%-18s %11s %11s\n", boxes, cli_fmt_usd(c, sizeof(c), p[i].horizontal_usd),
                   cli_fmt_usd(e, sizeof(e), p[i].horizontal_total_usd));
        } else {
            printf("%-18s %11s %11s\n", "none", "-", "-");
        }
    }
    printf("app/month: the box, or the servers, balancer and session store; total: with the "
           "database tier.\n");
}

static void print_csv(const struct sl_curve_point *p, long n)
{
    long i;

    printf("load_rps,vertical_instance,vertical_usd,vertical_total_usd,vertical_availability,"
           "vertical_p99_s,horizontal_instance,horizontal_servers,horizontal_spares,"
           "horizontal_usd,horizontal_total_usd,horizontal_availability,horizontal_p99_s\n");
    for (i = 0; i < n; i++) {
        printf("%.10g,%s,", p[i].load_rps,
               p[i].vertical_instance ? p[i].vertical_instance->name : "");
        if (p[i].vertical_instance)
            printf("%.2f,%.2f,%.6f,%.6g", p[i].vertical_usd, p[i].vertical_total_usd,
                   p[i].vertical_availability, p[i].vertical_p99_s);
        else
            printf(",,,");
        printf(",%s,%ld,%ld,", p[i].horizontal_instance ? p[i].horizontal_instance->name : "",
               p[i].horizontal_servers, p[i].horizontal_spares);
        if (p[i].horizontal_instance)
            printf("%.2f,%.2f,%.8f,%.6g", p[i].horizontal_usd, p[i].horizontal_total_usd,
                   p[i].horizontal_availability, p[i].horizontal_p99_s);
        else
            printf(",,,");
        printf("\n");
    }
}

int cmd_curve(int argc, char **argv)
{
    struct curve_args a = { 1e3, 1e6, 25, NULL };
    struct cli_common common;
    struct sl_catalog *cat = NULL;
    struct sl_curve_point *pts = NULL;
    char err[SL_ERR_LEN];
    int first, st;

    st = cli_parse(argc, argv, "scalelab curve [--from LOAD] [--to LOAD] [--points N] "
                   "[--svg FILE] [options]", CLI_WITH_ALL, own_flags, own_option, &a, &common,
                   &first);
    if (st)
        return st < 0 ? SL_EXIT_OK : st;
    if (first < argc)
        return cli_usage_error("unexpected argument '%s' (curve takes --from and --to)",
                               argv[first]);
    if (a.svg && cli_api_mode())
        return cli_usage_error("parameter 'svg' is not available in the API");
    if (a.to < a.from)
        return cli_usage_error("invalid range: --from %g is above --to %g", a.from, a.to);
    st = cli_setup(&common, &cat);
    if (st)
        return st;
    if (common.json) {
        char *doc = sl_report_curve_json(cat, &common.w, a.from, a.to, a.points, err, sizeof(err));

        sl_catalog_free(cat);
        if (!doc)
            return cli_usage_error("%s", err);
        return cli_print_json(doc, err);
    }
    pts = sl_calloc((size_t)a.points, sizeof(*pts));
    if (!pts) {
        st = cli_runtime_error("out of memory");
        goto out;
    }
    if (sl_plan_curve(cat, &common.w, a.from, a.to, a.points, pts, err, sizeof(err)) != SL_OK) {
        st = cli_usage_error("%s", err);
        goto out;
    }
    if (a.svg) {
        char *svg = svg_curve(cat, &common.w, pts, a.points);

        if (!svg) {
            st = cli_runtime_error("out of memory");
            goto out;
        }
        st = cli_write_file(a.svg, svg, strlen(svg));
        sl_free(svg);
        if (st == SL_EXIT_OK && !common.csv)
            fprintf(stderr, "scalelab: wrote %s\n", a.svg);
        if (st || !common.csv)
            goto out;
    }
    if (common.csv)
        print_csv(pts, a.points);
    else
        print_text(pts, a.points);
out:
    sl_free(pts);
    sl_catalog_free(cat);
    return st;
}
