/* `scalelab curve`: monthly cost of both strategies over a log-spaced range of loads. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "svg.h"
#include "banned.h"

static void print_text(const struct sl_curve_point *p, long n)
{
    char a[32], b[32], c[32], d[32], e[32];
    long i;

    printf("%-8s %-14s %11s %11s   %-18s %11s %11s\n", "load", "vertical", "app/month",
           "total", "horizontal", "app/month", "total");
    for (i = 0; i < n; i++) {
        char boxes[96];

        printf("%-8s ", cmd_fmt_load(b, sizeof(b), p[i].load_rps));
        if (p[i].vertical_instance)
            printf("%-14s %11s %11s   ", p[i].vertical_instance->name,
                   cmd_fmt_usd(c, sizeof(c), p[i].vertical_usd),
                   cmd_fmt_usd(d, sizeof(d), p[i].vertical_total_usd));
        else
            printf("%-14s %11s %11s   ", "no single box", "-", "-");
        if (p[i].horizontal_instance) {
            snprintf(boxes, sizeof(boxes), "%s+%ld x %s",
                     cmd_fmt_count(a, sizeof(a),
                                   (double)(p[i].horizontal_servers - p[i].horizontal_spares)),
                     p[i].horizontal_spares, p[i].horizontal_instance->name);
            printf("%-18s %11s %11s\n", boxes, cmd_fmt_usd(c, sizeof(c), p[i].horizontal_usd),
                   cmd_fmt_usd(e, sizeof(e), p[i].horizontal_total_usd));
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

int cli_curve(struct cmd_input *in)
{
    struct cmd_curve_out out;
    const struct cmd_value *svg = cmd_get(in, "svg");
    char err[SL_ERR_LEN] = "", *doc = NULL;
    int st;

    if (in->json) {
        st = cli_report(in->def->json(in, &doc, err, sizeof(err)), err);
        return st ? st : cli_print_json(doc, err);
    }
    st = cli_report(cmd_curve_run(in, &out, err, sizeof(err)), err);
    if (!st && svg->given) {
        char *chart = svg_curve(out.catalog, &in->w, out.points, out.n);

        st = chart ? cli_write_file(svg->text, chart, strlen(chart))
                   : cli_runtime_error("out of memory");
        sl_free(chart);
        if (!st && !in->csv && strcmp(svg->text, "-"))
            fprintf(stderr, "scalelab: wrote %s\n", svg->text);
    }
    if (!st && in->csv)
        print_csv(out.points, out.n);
    else if (!st && !svg->given)
        print_text(out.points, out.n);
    cmd_curve_release(&out);
    return st;
}
