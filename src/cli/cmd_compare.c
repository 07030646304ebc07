/* `scalelab compare`: both strategies side by side at one or more loads. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "cli.h"
#include "draw.h"
#include "banned.h"

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

int cli_compare(struct cmd_input *in)
{
    struct cmd_compare_out *out;
    char err[SL_ERR_LEN] = "", *doc = NULL;
    int st;

    if (in->json) {
        st = cli_report(in->def->json(in, &doc, err, sizeof(err)), err);
        return st ? st : cli_print_json(doc, err);
    }
    out = sl_malloc(sizeof(*out));
    if (!out)
        return cli_runtime_error("out of memory");
    st = cli_report(cmd_compare_run(in, out, err, sizeof(err)), err);
    if (!st && in->csv)
        print_csv(out->rows, out->n);
    else if (!st)
        draw_comparison(stdout, out->catalog, &in->w, out->rows, out->n,
                        cmd_get(in, "ascii")->choice);
    cmd_compare_release(out);
    sl_free(out);
    return st;
}
