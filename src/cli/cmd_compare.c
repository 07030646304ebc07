/* `scalelab compare`: both strategies side by side at one or more loads. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "draw.h"
#include "banned.h"

#define MAX_LOADS 64

enum { OPT_ASCII = CLI_OWN };

static const struct cli_flag own_flags[] = {
    { "ascii", no_argument, OPT_ASCII, NULL, "draw with plain ASCII instead of Unicode", 0 },
    { NULL, 0, 0, NULL, NULL, 0 }
};

static int own_option(int id, const char *arg, void *ctx)
{
    int *ascii = ctx;

    (void)arg;
    if (id == OPT_ASCII)
        *ascii = 1;
    return SL_EXIT_OK;
}

static void print_csv(const struct sl_comparison *rows, size_t n)
{
    size_t i;

    printf("load_rps,vertical_feasible,vertical_instance,vertical_servers,vertical_monthly_usd,"
           "vertical_utilization,vertical_p99_s,vertical_availability,vertical_meets_target,"
           "vertical_max_rps,horizontal_feasible,horizontal_instance,horizontal_servers,"
           "horizontal_needed,horizontal_spares,horizontal_monthly_usd,horizontal_utilization,"
           "horizontal_p99_s,horizontal_availability,horizontal_meets_target,database_monthly_usd,"
           "vertical_total_usd,horizontal_total_usd,verdict\n");
    for (i = 0; i < n; i++) {
        const struct sl_vertical *v = &rows[i].vertical;
        const struct sl_horizontal *h = &rows[i].horizontal;
        const struct sl_db_tier *d = &rows[i].database;

        printf("%.10g,%d,%s,", rows[i].load_rps, v->feasible, v->feasible ? v->instance->name : "");
        if (v->feasible)
            printf("%ld,%.2f,%.6f,%.6g,%.6f,%d,", v->servers, v->monthly_usd, v->utilization,
                   v->latency.p99_s, v->availability, v->meets_target);
        else
            printf(",,,,,,");
        printf("%.10g,%d,%s,%ld,%ld,%ld,", v->max_rps, h->feasible,
               h->feasible ? h->instance->name : "", h->servers, h->needed, h->spares);
        if (h->feasible)
            printf("%.2f,%.6f,%.6g,%.8f,%d,", h->monthly_usd, h->utilization, h->latency.p99_s,
                   h->availability, h->meets_target);
        else
            printf(",,,,,");
        if (d->used && d->feasible)
            printf("%.2f,", d->monthly_usd);
        else
            printf(",");
        if (v->feasible)
            printf("%.2f", v->total_monthly_usd);
        printf(",");
        if (h->feasible)
            printf("%.2f", h->total_monthly_usd);
        printf(",%s\n", sl_verdict_name(rows[i].verdict));
    }
}

int cmd_compare(int argc, char **argv)
{
    static const double default_loads[] = { 1e3, 1e4, 1e5, 5e5, 1e6 };
    struct cli_common common;
    struct sl_catalog *cat = NULL;
    struct sl_comparison rows[MAX_LOADS];
    double loads[MAX_LOADS];
    char err[SL_ERR_LEN];
    size_t n = 0, i;
    int ascii = 0, first, st;

    st = cli_parse(argc, argv, "scalelab compare [LOAD...] [options]\n\n"
                   "Both strategies side by side; LOAD is req/s such as 1000, 1k, 2.5M or 1e6\n"
                   "(default 1k 10k 100k 500k 1m)", CLI_WITH_ALL, own_flags, own_option, &ascii,
                   &common, &first);
    if (st)
        return st < 0 ? SL_EXIT_OK : st;
    if (argc - first > MAX_LOADS)
        return cli_usage_error("too many loads (%d; at most %d)", argc - first, MAX_LOADS);
    for (i = 0; (int)i < argc - first; i++) {
        st = cli_parse_load("load", argv[first + (int)i], &loads[n++]);
        if (st)
            return st;
    }
    if (n == 0) {
        n = sizeof(default_loads) / sizeof(default_loads[0]);
        memcpy(loads, default_loads, sizeof(default_loads));
    }
    st = cli_setup(&common, &cat);
    if (st)
        return st;
    if (common.json) {
        char *doc = sl_report_compare_json(cat, &common.w, loads, n, err, sizeof(err));

        sl_catalog_free(cat);
        if (!doc)
            return cli_usage_error("%s", err);
        return cli_print_json(doc, err);
    }
    for (i = 0; i < n; i++) {
        if (sl_plan_compare(cat, &common.w, loads[i], &rows[i], err, sizeof(err)) != SL_OK) {
            sl_catalog_free(cat);
            return cli_usage_error("%s", err);
        }
    }
    if (common.csv)
        print_csv(rows, n);
    else
        draw_comparison(stdout, cat, &common.w, rows, n, ascii);
    sl_catalog_free(cat);
    return SL_EXIT_OK;
}
