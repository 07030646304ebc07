/* `scalelab queue`: exact queueing numbers for one station and its utilisation table. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "queue_network.h"
#include "scalelab/network.h"
#include "scalelab/queueing.h"
#include "banned.h"

enum {
    OPT_SERVERS = CLI_OWN, OPT_SERVICE_MS, OPT_LOAD, OPT_UTILIZATION, OPT_QUEUE, OPT_USERS,
    OPT_THINK, OPT_SERVICE_CV, OPT_STATION
};

static const struct cli_flag own_flags[] = {
    { "servers", required_argument, OPT_SERVERS, "C", "servers (or cores) at the station", 0 },
    { "service-ms", required_argument, OPT_SERVICE_MS, "MS",
      "mean service time per request, ms (default: --cpu-ms)", 0 },
    { "load", required_argument, OPT_LOAD, "RPS", "offered load, req/s (open system)", 0 },
    { "utilization", required_argument, OPT_UTILIZATION, "U",
      "offered load per server instead of --load, e.g. 0.9 (1 or more is unstable)", 0 },
    { "queue", required_argument, OPT_QUEUE, "K",
      "bounded system: at most K requests queued or in service; the rest are dropped", 0 },
    { "users", required_argument, OPT_USERS, "N", "closed system: N users (with --think)", 0 },
    { "think", required_argument, OPT_THINK, "S",
      "closed system: mean seconds a user waits between requests (0 = none)", 0 },
    { "service-cv", required_argument, OPT_SERVICE_CV, "C",
      "general service times of this coefficient of variation: M/G/1 (exact mean) or M/G/c "
      "(Allen-Cunneen, approximate)", 0 },
    { "station", required_argument, OPT_STATION, "NAME:SERVERS:SERVICE_MS[:VISITS]",
      "one station of a network (repeat, in order: lb:1:0.05 app:8:4 db:2:1.5:2); solved open "
      "for --load, closed for --users and --think", 0 },
    { NULL, 0, 0, NULL, NULL, 0 }
};

/* What the own flags set; 0 / NaN = not given. */
struct queue_args {
    struct sl_queue_params p;
    double service_ms;
    int has_load, has_util, has_think, has_service_ms;
    struct sl_station stations[SL_NETWORK_MAX_STATIONS];
    size_t nstations;
};

static int parse_positive(const char *flag, const char *arg, const char *example, double *out)
{
    if (sl_parse_number(arg, out) != SL_OK || !(*out > 0.0))
        return cli_usage_error("invalid --%s '%s' (expected a positive number such as %s)", flag,
                               arg, example);
    return SL_EXIT_OK;
}

/* States one solve may walk: the API's work is bounded (a solve costs a pass per state). */
static long max_states(void)
{
    return cli_api_mode() ? CLI_API_MAX_QUEUE_STATES : SL_QUEUE_MAX_STATES;
}

static int own_option(int id, const char *arg, void *ctx)
{
    struct queue_args *a = ctx;

    switch (id) {
    case OPT_SERVERS:
        if (sl_parse_count(arg, SL_QUEUE_MAX_SERVERS, &a->p.servers) != SL_OK)
            return cli_usage_error("invalid --servers '%s' (expected a whole number from 1 to "
                                   "%ld)", arg, SL_QUEUE_MAX_SERVERS);
        return SL_EXIT_OK;
    case OPT_SERVICE_MS:
        a->has_service_ms = 1;
        return parse_positive("service-ms", arg, "10 or 0.5", &a->service_ms);
    case OPT_LOAD:
        a->has_load = 1;
        return cli_parse_load("--load", arg, &a->p.load_rps);
    case OPT_UTILIZATION:
        a->has_util = 1;
        if (parse_positive("utilization", arg, "0.9", &a->p.utilization))
            return SL_EXIT_USAGE;
        if (a->p.utilization > 1e6)
            return cli_usage_error("invalid --utilization '%s' (expected at most 1e6)", arg);
        return SL_EXIT_OK;
    case OPT_QUEUE:
        if (sl_parse_count(arg, max_states(), &a->p.queue_capacity) != SL_OK)
            return cli_usage_error("invalid --queue '%s' (expected a whole number from the "
                                   "number of servers to %ld%s)", arg, max_states(),
                                   cli_api_mode() ? " in the API" : "");
        return SL_EXIT_OK;
    case OPT_USERS:
        if (sl_parse_count(arg, max_states(), &a->p.users) != SL_OK)
            return cli_usage_error("invalid --users '%s' (expected a whole number from 1 to "
                                   "%ld%s)", arg, max_states(),
                                   cli_api_mode() ? " in the API" : "");
        return SL_EXIT_OK;
    case OPT_SERVICE_CV:
        a->p.general = 1;
        if (sl_parse_number(arg, &a->p.service_cv) != SL_OK || !(a->p.service_cv >= 0.0) ||
            a->p.service_cv > 1e6)
            return cli_usage_error("invalid --service-cv '%s' (expected a number from 0 to 1e6: "
                                   "0 constant, 1 exponential, 2 bursty)", arg);
        return SL_EXIT_OK;
    case OPT_STATION: {
        char err[SL_ERR_LEN];

        if (a->nstations == SL_NETWORK_MAX_STATIONS)
            return cli_usage_error("too many --station (expected at most %d stations)",
                                   SL_NETWORK_MAX_STATIONS);
        if (sl_station_parse(arg, &a->stations[a->nstations], err, sizeof(err)) != SL_OK)
            return cli_usage_error("--station: %s", err);
        a->nstations++;
        return SL_EXIT_OK;
    }
    case OPT_THINK:
        a->has_think = 1;
        if (sl_parse_number(arg, &a->p.think_s) != SL_OK || !(a->p.think_s >= 0.0))
            return cli_usage_error("invalid --think '%s' (expected seconds, 0 or more, such as "
                                   "1 or 0.5)", arg);
        return SL_EXIT_OK;
    default:
        return SL_EXIT_USAGE;
    }
}

/* Checks that the flags describe one network: stations and either --load or --users/--think. */
static int check_network_args(const struct queue_args *a)
{
    if (a->p.servers || a->has_service_ms || a->has_util || a->p.queue_capacity || a->p.general)
        return cli_usage_error("--station cannot be combined with --servers, --service-ms, "
                               "--utilization, --queue or --service-cv (each station names its "
                               "servers and service time; stations are M/M/c)");
    if (a->p.users > 0) {
        if (a->has_load)
            return cli_usage_error("--users cannot be combined with --load (a closed "
                                   "network's load follows from its users)");
        if (!a->has_think)
            return cli_usage_error("missing --think (expected the seconds each user waits "
                                   "between requests, such as 1; 0 for none)");
        return SL_EXIT_OK;
    }
    if (a->has_think)
        return cli_usage_error("--think needs --users (a closed network)");
    if (!a->has_load)
        return cli_usage_error("missing --load (an open network) or --users and --think (a "
                               "closed one)");
    return SL_EXIT_OK;
}

/* Checks that the flags describe exactly one model; fills in the service time. */
static int check_args(struct queue_args *a, const struct cli_common *common)
{
    if (a->p.servers == 0)
        return cli_usage_error("missing --servers (expected a whole number such as 4) or "
                               "--station (a network)");
    if (isnan(a->service_ms)) {
        a->service_ms = common->w.cpu_ms;
        if (!isfinite(a->service_ms) || !(a->service_ms > 0.0))
            return cli_usage_error("invalid cpu-ms '%g' (expected a positive number of "
                                   "milliseconds)", a->service_ms);
    }
    a->p.service_s = a->service_ms / 1000.0;
    if (a->p.users > 0) {
        if (a->has_load || a->has_util || a->p.queue_capacity > 0 || a->p.general)
            return cli_usage_error("--users cannot be combined with --load, --utilization, "
                                   "--queue or --service-cv (a closed system's load follows from "
                                   "its users; its service is exponential)");
        if (!a->has_think)
            return cli_usage_error("missing --think (expected the seconds each user waits "
                                   "between requests, such as 1; 0 for none)");
        return SL_EXIT_OK;
    }
    if (a->has_think)
        return cli_usage_error("--think needs --users (a closed system)");
    if (a->p.general && a->p.queue_capacity > 0)
        return cli_usage_error("--service-cv cannot be combined with --queue (the general-service "
                               "models here have an unbounded queue)");
    if (a->has_load && a->has_util)
        return cli_usage_error("--load and --utilization cannot be combined");
    if (!a->has_load && !a->has_util)
        return cli_usage_error("missing --load or --utilization (or --users and --think for a "
                               "closed system)");
    if (a->p.queue_capacity > 0 && a->p.queue_capacity < a->p.servers)
        return cli_usage_error("invalid --queue '%ld' (expected at least the %ld servers: K "
                               "counts requests queued and in service)", a->p.queue_capacity,
                               a->p.servers);
    return SL_EXIT_OK;
}

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
               cli_fmt_seconds(a, sizeof(a), r->think_s), r->servers, r->servers == 1 ? "" : "s",
               cli_fmt_seconds(b, sizeof(b), r->service_s));
        return;
    }
    printf("%s queue: %ld server%s, %s service", sl_queue_model_name(r->model), r->servers,
           r->servers == 1 ? "" : "s", cli_fmt_seconds(a, sizeof(a), r->service_s));
    if (r->model == SL_QUEUE_MG1 || r->model == SL_QUEUE_MGC)
        printf(" (cv %g)", r->service_cv);
    printf(", %s req/s offered", cli_fmt_load(b, sizeof(b), r->load_rps));
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
        printf("%s%s %s", i ? "  " : "", names[i], cli_fmt_seconds(t, sizeof(t), q[i]));
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
               cli_fmt_figure(a, sizeof(a), r->throughput_rps), r->servers,
               r->servers == 1 ? "" : "s", r->servers == 1 ? "s" : "");
        return;
    }
    printf("  throughput      %s req/s\n", cli_fmt_figure(a, sizeof(a), r->throughput_rps));
    if (r->model == SL_QUEUE_MMCK)
        printf("  dropped         %s of arrivals (queue full)\n",
               fmt_pct(a, sizeof(a), r->drop_probability));
    printf("  P(wait)         %s\n", fmt_pct(a, sizeof(a), r->p_wait));
    printf("  mean wait       %s\n", cli_fmt_seconds(a, sizeof(a), r->mean_wait_s));
    printf("  mean response   %s (%sx the service time)\n",
           cli_fmt_seconds(b, sizeof(b), r->mean_response_s),
           cli_fmt_figure(c, sizeof(c), sl_queue_response_multiple(r)));
    print_quantiles("wait", r->wait_q);
    print_quantiles("response", r->response_q);
    if (r->approximation)
        printf("  method          %s approximation (the M/M/c wait x (1 + cv^2) / 2): every figure "
               "is approximate\n", r->approximation);
    else if (r->model == SL_QUEUE_MG1 && r->service_cv != 1.0)
        printf("  method          Pollaczek-Khinchine: the means are exact; percentiles depend on "
               "the whole\n                  service distribution, not only its CV\n");
    printf("  in the system   %s requests on average (%s waiting)\n",
           cli_fmt_figure(b, sizeof(b), r->mean_in_system),
           cli_fmt_figure(c, sizeof(c), r->mean_in_queue));
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

int cmd_queue(int argc, char **argv)
{
    struct queue_args a;
    struct cli_common common;
    struct sl_queue_result r;
    char err[SL_ERR_LEN];
    enum sl_status st;
    int first, rc;

    memset(&a, 0, sizeof(a));
    a.service_ms = NAN;
    rc = cli_parse(argc, argv, "scalelab queue --servers C [--service-ms MS] "
                   "(--load RPS | --utilization U) [--queue K | --service-cv C]\n"
                   "       scalelab queue --servers C [--service-ms MS] --users N --think S\n"
                   "       scalelab queue --station NAME:SERVERS:MS[:VISITS]... "
                   "(--load RPS | --users N --think S)\n\n"
                   "Exact M/M/c, M/M/c/K, M/G/1 or closed-system numbers (M/G/c approximate) "
                   "and the utilisation table; exact open or closed networks of stations",
                   CLI_WITH_CPU | CLI_WITH_JSON | CLI_WITH_CSV, own_flags, own_option, &a,
                   &common, &first);
    if (rc)
        return rc < 0 ? SL_EXIT_OK : rc;
    if (first < argc)
        return cli_usage_error("unexpected argument '%s' (queue takes only options%s)",
                               argv[first], strchr(argv[first], ':') ?
                               "; give each station its own --station" : "");
    if (a.nstations) {
        struct queue_network_args n = { a.p.users > 0, a.p.load_rps, a.p.users, a.p.think_s };

        rc = check_network_args(&a);
        return rc ? rc : queue_network_run(a.stations, a.nstations, &n, &common);
    }
    rc = check_args(&a, &common);
    if (rc)
        return rc;
    st = sl_queue_solve(&a.p, &r, err, sizeof(err));
    if (st == SL_E_NOMEM)
        return cli_runtime_error("%s", err);
    if (st != SL_OK)
        return cli_usage_error("%s", err);
    if (common.json)
        return cli_print_json(sl_queue_json(&r, err, sizeof(err)), err);
    if (common.csv) {
        if (r.table_len == 0)
            return cli_usage_error("--csv prints the utilisation table, which a closed system "
                                   "does not have");
        print_csv(&r);
        return SL_EXIT_OK;
    }
    print_result(&r);
    print_table(&r);
    return SL_EXIT_OK;
}
