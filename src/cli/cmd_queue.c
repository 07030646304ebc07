/* `scalelab queue` as text, CSV or JSON: one station and its utilisation table, or a network. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "queue_network.h"
#include "scalelab/network.h"
#include "scalelab/queueing.h"
#include "banned.h"

static const char *fmt_pct(char *buf, size_t len, double f)
{
    if (!isfinite(f))
        snprintf(buf, len, "-");
    else if (f > 0.0 && f < 0.0001)
        snprintf(buf, len, "%.2g%%", f * 100.0);
    else
        snprintf(buf, len, "%.2f%%", f * 100.0);
    return buf;
}

static void print_header(const struct sl_queue_result *r)
{
    char a[32], b[32];

    if (r->model == SL_QUEUE_CLOSED) {
        printf("Closed system: %ld user%s thinking %s between requests, %ld server%s, %s "
               "service\n\n", r->users, r->users == 1 ? "" : "s",
               cmd_fmt_seconds(a, sizeof(a), r->think_s), r->servers, r->servers == 1 ? "" : "s",
               cmd_fmt_seconds(b, sizeof(b), r->service_s));
        return;
    }
    printf("%s queue: %ld server%s, %s service", sl_queue_model_name(r->model), r->servers,
           r->servers == 1 ? "" : "s", cmd_fmt_seconds(a, sizeof(a), r->service_s));
    if (r->model == SL_QUEUE_MG1 || r->model == SL_QUEUE_MGC)
        printf(" (cv %g)", r->service_cv);
    printf(", %s req/s offered", cmd_fmt_load(b, sizeof(b), r->load_rps));
    if (r->model == SL_QUEUE_MMCK)
        printf(", at most %ld in the system", r->queue_capacity);
    printf("\n\n");
}

/* "p50 1.2 ms  p90 ...", or a note that they are not known exactly. */
static void print_quantiles(const char *what, const double *q)
{
    static const char *const names[SL_QUEUE_QUANTILES] = { "p50", "p90", "p99", "p99.9" };
    char t[32];
    int i;

    printf("  %-8s        ", what);
    if (isnan(q[0])) {
        printf("percentiles not exact for this model\n");
        return;
    }
    for (i = 0; i < SL_QUEUE_QUANTILES; i++)
        printf("%s%s %s", i ? "  " : "", names[i], cmd_fmt_seconds(t, sizeof(t), q[i]));
    printf("\n");
}

static void print_result(const struct sl_queue_result *r)
{
    char a[32], b[32], c[32];

    print_header(r);
    printf("  utilization     %.1f%% per server", r->utilization * 100.0);
    if (r->model == SL_QUEUE_MMCK && r->utilization > r->carried_utilization * (1 + 1e-9))
        printf(" offered, %.1f%% busy", r->carried_utilization * 100.0);
    printf("\n");
    if (!r->stable) {
        printf("  stable          NO: arrivals exceed the %s req/s that %ld server%s complete%s;\n"
               "                  the queue grows without bound\n",
               cmd_fmt_figure(a, sizeof(a), r->throughput_rps), r->servers,
               r->servers == 1 ? "" : "s", r->servers == 1 ? "s" : "");
        return;
    }
    printf("  throughput      %s req/s\n", cmd_fmt_figure(a, sizeof(a), r->throughput_rps));
    if (r->model == SL_QUEUE_MMCK)
        printf("  dropped         %s of arrivals (queue full)\n",
               fmt_pct(a, sizeof(a), r->drop_probability));
    printf("  P(wait)         %s\n", fmt_pct(a, sizeof(a), r->p_wait));
    printf("  mean wait       %s\n", cmd_fmt_seconds(a, sizeof(a), r->mean_wait_s));
    printf("  mean response   %s (%sx the service time)\n",
           cmd_fmt_seconds(b, sizeof(b), r->mean_response_s),
           cmd_fmt_figure(c, sizeof(c), sl_queue_response_multiple(r)));
    print_quantiles("wait", r->wait_q);
    print_quantiles("response", r->response_q);
    if (r->approximation)
        printf("  method          %s approximation (the M/M/c wait x (1 + cv^2) / 2): every figure "
               "is approximate\n", r->approximation);
    else if (r->model == SL_QUEUE_MG1 && r->service_cv != 1.0)
        printf("  method          Pollaczek-Khinchine: the means are exact; percentiles depend on "
               "the whole\n                  service distribution, not only its CV\n");
    printf("  in the system   %s requests on average (%s waiting)\n",
           cmd_fmt_figure(b, sizeof(b), r->mean_in_system),
           cmd_fmt_figure(c, sizeof(c), r->mean_in_queue));
}

static void print_table(const struct sl_queue_result *r)
{
    size_t i;

    if (r->table_len == 0)
        return;
    printf("\nSame servers and service time at other loads:\n");
    printf("  utilization  response / service  dropped\n");
    for (i = 0; i < r->table_len; i++) {
        const struct sl_queue_row *row = &r->table[i];
        char m[32], d[32];

        if (isfinite(row->response_multiple))
            snprintf(m, sizeof(m), "%.4gx", row->response_multiple);
        else
            snprintf(m, sizeof(m), "unbounded");
        printf("  %10.1f%%  %18s  %7s\n", row->utilization * 100.0, m,
               fmt_pct(d, sizeof(d), row->drop_probability));
    }
    if (r->model == SL_QUEUE_MMC)
        printf("  (unbounded queue: at 100%% and above it grows without limit; "
               "use --queue K to bound it)\n");
}

static void print_csv(const struct sl_queue_result *r)
{
    size_t i;

    printf("utilization,response_multiple,drop_probability\n");
    for (i = 0; i < r->table_len; i++) {
        printf("%.10g,", r->table[i].utilization);
        if (isfinite(r->table[i].response_multiple))
            printf("%.10g", r->table[i].response_multiple);
        printf(",%.10g\n", r->table[i].drop_probability);
    }
}

int cli_queue(struct cmd_input *in)
{
    struct cmd_queue_out *out = sl_malloc(sizeof(*out));
    const struct sl_queue_result *r;
    char err[SL_ERR_LEN] = "";
    int st;

    if (!out)
        return cli_runtime_error("out of memory");
    st = cli_report(cmd_queue_run(in, out, err, sizeof(err)), err);
    r = &out->station;
    if (st)
        ;
    else if (out->network)
        st = queue_network_print(out->stations, &out->net, in->json, in->csv);
    else if (in->json)
        st = cli_print_json(sl_queue_json(r, err, sizeof(err)), err);
    else if (in->csv && r->table_len == 0)
        st = cli_usage_error("--csv prints the utilisation table, which a closed system does "
                             "not have");
    else if (in->csv)
        print_csv(r);
    else {
        print_result(r);
        print_table(r);
    }
    sl_free(out);
    return st;
}
