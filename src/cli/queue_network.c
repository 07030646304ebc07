/* `scalelab queue --station ...`: a network of stations, open or closed, as text, CSV or JSON. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "queue_network.h"
#include "banned.h"

static void print_header(const struct sl_network_result *r)
{
    char a[32], b[32];

    if (r->closed)
        printf("Closed network: %s users thinking %s between requests, %zu station%s\n\n",
               cmd_fmt_count(a, sizeof(a), (double)r->users),
               cmd_fmt_seconds(b, sizeof(b), r->think_s), r->n, r->n == 1 ? "" : "s");
    else
        printf("Open network: %s req/s offered, %zu station%s\n\n",
               cmd_fmt_load(a, sizeof(a), r->load_rps), r->n, r->n == 1 ? "" : "s");
}

static void print_stations(const struct sl_station *st, const struct sl_network_result *r)
{
    size_t k;

    printf("  %-12s %8s %10s %7s %10s %7s %11s %11s %11s\n", "station", "servers", "service",
           "visits", "demand", "busy", "in station", "per visit", "per request");
    for (k = 0; k < r->n; k++) {
        const struct sl_station_result *s = &r->st[k];
        char sv[32], d[32], q[32], w[32], res[32], busy[32];

        if (isfinite(s->mean_in_station))
            snprintf(busy, sizeof(busy), "%.1f%%", s->utilization * 100.0);
        else /* offered more than it can serve */
            snprintf(busy, sizeof(busy), "%.0f%%!", s->utilization * 100.0);
        printf("  %-12s %8ld %10s %7.4g %10s %7s %11s %11s %11s\n", st[k].name, st[k].servers,
               cmd_fmt_seconds(sv, sizeof(sv), st[k].service_s), st[k].visits,
               cmd_fmt_seconds(d, sizeof(d), s->demand_s), busy,
               cmd_fmt_figure(q, sizeof(q), s->mean_in_station),
               cmd_fmt_seconds(w, sizeof(w), s->response_s),
               cmd_fmt_seconds(res, sizeof(res), s->residence_s));
    }
    printf("  (busy: each server's busy fraction; per visit: queueing and service of one visit;\n"
           "   per request: all the visits of one request)\n\n");
}

static void print_summary(const struct sl_station *st, const struct sl_network_result *r)
{
    const struct sl_station *b = &st[r->bottleneck];
    char x[32], rt[32], bx[32], br[32], d[32];

    if (!r->stable)
        printf("  stable          NO: %s cannot keep up; its queue, and the response, grow "
               "without bound\n  throughput      at most %s of the %s req/s offered\n",
               b->name, cmd_fmt_figure(bx, sizeof(bx), r->max_throughput_rps),
               cmd_fmt_figure(x, sizeof(x), r->load_rps));
    else
        printf("  throughput      %s req/s (bound: at most %s)\n",
               cmd_fmt_figure(x, sizeof(x), r->throughput_rps),
               cmd_fmt_figure(bx, sizeof(bx), r->max_throughput_rps));
    printf("  mean response   %s%s (bound: at least %s)\n",
           cmd_fmt_seconds(rt, sizeof(rt), r->response_s),
           r->closed ? ", think time excluded" : "",
           cmd_fmt_seconds(br, sizeof(br), r->min_response_s));
    printf("  bottleneck      %s: %s of service per request on %ld server%s saturates at "
           "%s req/s\n", b->name, cmd_fmt_seconds(d, sizeof(d), r->st[r->bottleneck].demand_s),
           b->servers, b->servers == 1 ? "" : "s",
           cmd_fmt_figure(bx, sizeof(bx), (double)b->servers / r->st[r->bottleneck].demand_s));
    if (r->closed)
        printf("  method          exact: product-form network solved by convolution (Buzen); "
               "bounds\n                  of Denning and Buzen\n");
    else
        printf("  method          exact: Jackson network, each station an M/M/c queue; bounds "
               "of\n                  Denning and Buzen\n");
}

static void print_csv(const struct sl_station *st, const struct sl_network_result *r)
{
    size_t k;

    printf("station,servers,service_s,visits,demand_s,throughput_rps,utilization,"
           "mean_in_station,response_s,residence_s\n");
    for (k = 0; k < r->n; k++) {
        const struct sl_station_result *s = &r->st[k];

        printf("%s,%ld,%.10g,%.10g,%.10g,%.10g,%.10g,", st[k].name, st[k].servers,
               st[k].service_s, st[k].visits, s->demand_s, s->throughput_rps, s->utilization);
        /* an overloaded station's figures are unbounded: left empty, as everywhere in CSV */
        if (isfinite(s->mean_in_station))
            printf("%.10g,%.10g,%.10g\n", s->mean_in_station, s->response_s, s->residence_s);
        else
            printf(",,\n");
    }
}

int queue_network_print(const struct sl_station *st, const struct sl_network_result *r, int json,
                        int csv)
{
    char err[SL_ERR_LEN] = "";

    if (json)
        return cli_print_json(sl_network_json(st, r, err, sizeof(err)), err);
    if (csv) {
        print_csv(st, r);
        return SL_EXIT_OK;
    }
    print_header(r);
    print_stations(st, r);
    print_summary(st, r);
    return SL_EXIT_OK;
}
