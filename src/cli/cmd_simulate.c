/* `scalelab simulate`: a discrete-event run of servers behind a load balancer. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "banned.h"

enum {
    OPT_SERVERS = CLI_OWN, OPT_CORES, OPT_LOAD, OPT_SERVICE_MS, OPT_DIST, OPT_CV, OPT_QUEUE,
    OPT_LB, OPT_REQUESTS, OPT_DURATION, OPT_SEED, OPT_TIMEOUT, OPT_FAIL, OPT_ADD, OPT_BOOT,
    OPT_REPLICATIONS, OPT_THREADS, OPT_CURVE, OPT_WARMUP, OPT_SESSIONS, OPT_LOCK_FRACTION,
    OPT_LOCK_KEYS, OPT_PROGRESS,
    OPT_NO_PROGRESS
};

static const struct cli_flag own_flags[] = {
    { "servers", required_argument, OPT_SERVERS, "N", "servers at the start (4)", 0 },
    { "cores", required_argument, OPT_CORES, "C", "cores of each server (1)", 0 },
    { "load", required_argument, OPT_LOAD, "RPS", "Poisson arrival rate, req/s (required "
      "unless --curve)", 0 },
    { "service-ms", required_argument, OPT_SERVICE_MS, "MS",
      "mean service time, ms (required)", 0 },
    { "dist", required_argument, OPT_DIST, "D", "service time: exp (default), det, lognormal, "
      "gamma, hyperexp (two exponential phases, for high-variance work)", 0 },
    { "cv", required_argument, OPT_CV, "X", "coefficient of variation for lognormal, gamma "
      "(0.01 to 10) and hyperexp (1 to 10)", 0 },
    { "queue", required_argument, OPT_QUEUE, "K",
      "at most K requests per server, queued and in service, as in scalelab queue (default "
      "unbounded); arrivals beyond are dropped", 0 },
    { "lb", required_argument, OPT_LB, "POLICY", "rr (default), random, least, p2c, sticky", 0 },
    { "requests", required_argument, OPT_REQUESTS, "N", "arrivals to simulate (1000000)", 0 },
    { "duration", required_argument, OPT_DURATION, "S",
      "simulated seconds (instead of --requests)", 0 },
    { "seed", required_argument, OPT_SEED, "N", "random seed (1); same seed, same output", 0 },
    { "timeout", required_argument, OPT_TIMEOUT, "S",
      "a waiting client gives up after S seconds", 0 },
    { "fail", required_argument, OPT_FAIL, "ID@T-T", "server ID fails at T, recovers at T "
      "(repeatable), e.g. 2@30s-60s", 0 },
    { "add", required_argument, OPT_ADD, "N@T", "N servers join at T after a boot delay "
      "(repeatable), e.g. 2@40s", 0 },
    { "boot", required_argument, OPT_BOOT, "S", "boot delay of added servers (30s)", 0 },
    { "replications", required_argument, OPT_REPLICATIONS, "R", "independent runs (1)", 0 },
    { "threads", required_argument, OPT_THREADS, "T", "threads for the replications (1)", 0 },
    { "curve", required_argument, OPT_CURVE, "T:RPS,...", "piecewise-linear arrival rate, "
      "e.g. 0:1k,60s:5k,120s:1k", 0 },
    { "warmup", required_argument, OPT_WARMUP, "F",
      "share of the run deleted as warm-up (0.1)", 0 },
    { "sessions", required_argument, OPT_SESSIONS, "N",
      "distinct sessions; each request belongs to one at random (10000)", 0 },
    { "lock-fraction", required_argument, OPT_LOCK_FRACTION, "F",
      "share of requests that lock a key (a seat, an account) while served (0.01)", 0 },
    { "lock-keys", required_argument, OPT_LOCK_KEYS, "N", "distinct lockable keys (1000)", 0 },
    { "progress", no_argument, OPT_PROGRESS, NULL, "progress bar on stderr (default on a "
      "terminal)", 0 },
    { "no-progress", no_argument, OPT_NO_PROGRESS, NULL, "no progress bar", 0 },
    { NULL, 0, 0, NULL, NULL, 0 }
};

struct sim_args {
    struct sl_sim_config c;
    int progress;            /* -1 auto, 0 off, 1 on */
    int have_load, have_service, have_requests;
    long capacity;           /* --queue K: requests per server, queued and in service; 0 none */
};

static int bad(const char *flag, const char *arg, const char *expected)
{
    return cli_usage_error("invalid --%s '%s' (expected %s)", flag, arg, expected);
}

static int positive(const char *flag, const char *arg, double *out)
{
    if (sl_parse_number(arg, out) != SL_OK || !(*out > 0))
        return bad(flag, arg, "a positive number");
    return SL_EXIT_OK;
}

/* Digits only, no sign, no spaces, at most 2^64 - 1: a seed as typed. */
static int parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    const char *p;

    if (!*s || strlen(s) > 20)
        return -1;
    for (p = s; *p; p++) {
        unsigned d = (unsigned)(*p - '0');

        if (*p < '0' || *p > '9' || v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int own_option(int id, const char *arg, void *ctx)
{
    struct sim_args *a = ctx;
    struct sl_sim_config *c = &a->c;
    char err[SL_ERR_LEN];
    double v;

    switch (id) {
    case OPT_SERVERS:
        if (sl_parse_count(arg, SL_SIM_MAX_SERVERS, &c->servers) != SL_OK)
            return bad("servers", arg, "a whole number from 1 to 100000");
        return SL_EXIT_OK;
    case OPT_CORES:
        if (sl_parse_count(arg, SL_SIM_MAX_CORES, &c->cores) != SL_OK)
            return bad("cores", arg, "a whole number from 1 to 4096");
        return SL_EXIT_OK;
    case OPT_LOAD:
        a->have_load = 1;
        return cli_parse_load("--load", arg, &c->load_rps);
    case OPT_SERVICE_MS:
        a->have_service = 1;
        if (positive("service-ms", arg, &v) != SL_EXIT_OK)
            return SL_EXIT_USAGE;
        if (v > 1e9) /* the simulator's bound, 1e6 s, in the flag's unit */
            return bad("service-ms", arg, "a positive number of milliseconds up to 1e9");
        c->service_s = v / 1000.0;
        return SL_EXIT_OK;
    case OPT_DIST:
        if (sl_rng_dist_parse(arg, &c->dist) != SL_OK)
            return bad("dist", arg, "exp, det, lognormal, gamma or hyperexp");
        return SL_EXIT_OK;
    case OPT_CV:
        if (sl_parse_number(arg, &c->cv) != SL_OK || c->cv < SL_RNG_CV_MIN ||
            c->cv > SL_RNG_CV_MAX)
            return bad("cv", arg, "a number from 0.01 to 10");
        return SL_EXIT_OK;
    case OPT_QUEUE:
        if (sl_parse_count(arg, SL_SIM_MAX_QUEUE, &a->capacity) != SL_OK)
            return bad("queue", arg, "a whole number from 1 to 10000000: requests per server, "
                       "queued and in service");
        return SL_EXIT_OK;
    case OPT_LB:
        if (sl_sim_lb_parse(arg, &c->lb) != SL_OK)
            return bad("lb", arg, "rr, random, least, p2c or sticky");
        return SL_EXIT_OK;
    case OPT_REQUESTS:
        a->have_requests = 1;
        if (sl_parse_load(arg, &v) != SL_OK || v != floor(v) ||
            v > (double)SL_SIM_MAX_REQUESTS)
            return bad("requests", arg, "a whole number such as 100000, 1M or 1e7");
        c->requests = (uint64_t)v;
        return SL_EXIT_OK;
    case OPT_DURATION:
        if (sl_sim_parse_time(arg, &c->duration_s) != SL_OK || !(c->duration_s > 0))
            return bad("duration", arg, "a time such as 60, 60s, 5m or 1h");
        return SL_EXIT_OK;
    case OPT_SEED:
        if (parse_u64(arg, &c->seed))
            return bad("seed", arg, "a whole number from 0 to 18446744073709551615");
        return SL_EXIT_OK;
    case OPT_TIMEOUT:
        if (sl_sim_parse_time(arg, &c->timeout_s) != SL_OK || !(c->timeout_s > 0))
            return bad("timeout", arg, "a time such as 2, 2s or 500ms");
        return SL_EXIT_OK;
    case OPT_FAIL:
        if (c->n_fails == SL_SIM_MAX_EVENTS)
            return cli_usage_error("too many --fail (at most %d)", SL_SIM_MAX_EVENTS);
        if (sl_sim_parse_fail(arg, &c->fails[c->n_fails], err, sizeof(err)) != SL_OK)
            return cli_usage_error("%s", err);
        c->n_fails++;
        return SL_EXIT_OK;
    case OPT_ADD:
        if (c->n_adds == SL_SIM_MAX_EVENTS)
            return cli_usage_error("too many --add (at most %d)", SL_SIM_MAX_EVENTS);
        if (sl_sim_parse_add(arg, &c->adds[c->n_adds], err, sizeof(err)) != SL_OK)
            return cli_usage_error("%s", err);
        c->n_adds++;
        return SL_EXIT_OK;
    case OPT_BOOT:
        if (sl_sim_parse_time(arg, &c->boot_s) != SL_OK)
            return bad("boot", arg, "a time such as 30 or 30s");
        return SL_EXIT_OK;
    case OPT_REPLICATIONS:
        if (sl_parse_count(arg, SL_SIM_MAX_REPLICATIONS, &c->replications) != SL_OK)
            return bad("replications", arg, "a whole number from 1 to 10000");
        return SL_EXIT_OK;
    case OPT_THREADS:
        if (sl_parse_count(arg, SL_SIM_MAX_THREADS, &c->threads) != SL_OK)
            return bad("threads", arg, "a whole number from 1 to 256");
        return SL_EXIT_OK;
    case OPT_CURVE:
        a->have_load = 1;
        if (sl_sim_parse_curve(arg, c, err, sizeof(err)) != SL_OK)
            return cli_usage_error("%s", err);
        return SL_EXIT_OK;
    case OPT_WARMUP:
        if (sl_parse_number(arg, &c->warmup_fraction) != SL_OK || c->warmup_fraction < 0 ||
            c->warmup_fraction > 0.9)
            return bad("warmup", arg, "a fraction from 0 to 0.9");
        return SL_EXIT_OK;
    case OPT_SESSIONS:
        if (sl_parse_count(arg, SL_SIM_MAX_SESSIONS, &c->sessions) != SL_OK)
            return bad("sessions", arg, "a whole number from 1 to 10000000");
        return SL_EXIT_OK;
    case OPT_LOCK_FRACTION:
        if (sl_parse_number(arg, &c->lock_fraction) != SL_OK || c->lock_fraction < 0 ||
            c->lock_fraction > 1)
            return bad("lock-fraction", arg, "a fraction from 0 to 1");
        return SL_EXIT_OK;
    case OPT_LOCK_KEYS:
        if (sl_parse_count(arg, SL_SIM_MAX_LOCK_KEYS, &c->lock_keys) != SL_OK)
            return bad("lock-keys", arg, "a whole number from 1 to 10000000");
        return SL_EXIT_OK;
    case OPT_PROGRESS:
        a->progress = 1;
        return SL_EXIT_OK;
    case OPT_NO_PROGRESS:
        a->progress = 0;
        return SL_EXIT_OK;
    default:
        return SL_EXIT_USAGE;
    }
}

struct bar {
    struct timespec start;
    int shown;
};

static double elapsed_s(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Draws a bar on stderr once the run has taken more than a second. */
static void draw_progress(void *ctx, double fraction)
{
    struct bar *b = ctx;
    int filled = (int)(fraction * 40.0), i;

    if (!b->shown && elapsed_s(&b->start) < 1.0)
        return;
    b->shown = 1;
    fputs("\rsimulating [", stderr);
    for (i = 0; i < 40; i++)
        fputc(i < filled ? '#' : ' ', stderr);
    fprintf(stderr, "] %3.0f%%", fraction * 100.0);
    fflush(stderr);
}

static void print_report(const struct sl_sim_result *r)
{
    char a[32], b[32], c[32], d[32], e[32];
    size_t i;

    printf("Simulated %llu requests (seed %llu, %ld replication%s), %ld servers x %ld cores, "
           "lb %s, state %s\n\n", (unsigned long long)r->offered, (unsigned long long)r->seed,
           r->replications, r->replications == 1 ? "" : "s", r->config.servers, r->config.cores,
           sl_sim_lb_name(r->config.lb), sl_state_name(r->state));
    printf("  offered       %.1f req/s in the measured window (after %.1f s of warm-up)\n",
           r->offered_rps, r->warmup_s);
    printf("  throughput    %.1f req/s\n", r->throughput_rps);
    printf("  completed     %llu   dropped %llu   timed out %llu   lost to failures %llu\n",
           (unsigned long long)r->completed, (unsigned long long)r->dropped,
           (unsigned long long)r->timed_out, (unsigned long long)r->failed);
    printf("  response      mean %s [95%% CI %s .. %s]\n",
           cmd_fmt_seconds(a, sizeof(a), r->resp_mean),
           cmd_fmt_seconds(b, sizeof(b), r->resp_ci_lo),
           cmd_fmt_seconds(c, sizeof(c), r->resp_ci_hi));
    printf("                p50 %s  p90 %s  p99 %s  p99.9 %s\n",
           cmd_fmt_seconds(a, sizeof(a), r->resp_p50), cmd_fmt_seconds(b, sizeof(b), r->resp_p90),
           cmd_fmt_seconds(d, sizeof(d), r->resp_p99), cmd_fmt_seconds(e, sizeof(e), r->resp_p999));
    printf("  wait          mean %s  p99 %s\n", cmd_fmt_seconds(a, sizeof(a), r->wait_mean),
           cmd_fmt_seconds(b, sizeof(b), r->wait_p99));
    printf("  Little's law  L = %.4g measured, lambda W = %.4g (%.2f%% apart)\n", r->little_l,
           r->little_lambda * r->little_w, r->little_rel_error * 100.0);
    if (r->unstable)
        printf("  UNSTABLE      the queue grew without bound; the run was stopped\n");
    if (r->state == SL_STATE_MEMORY || r->state == SL_STATE_STICKY)
        printf("  state         %llu of %llu returning requests lost their session (%.2f%%), "
               "counter error %.2f%%, %llu double bookings\n",
               (unsigned long long)r->sessions_lost, (unsigned long long)r->session_requests,
               r->lost_fraction * 100.0, r->counter_error * 100.0,
               (unsigned long long)r->lock_violations);
    else
        printf("  state         sessions %s: none lost; counter error %.2f%%, %llu double "
               "bookings\n", r->state == SL_STATE_STORE ? "in the shared store"
                                                         : "in signed tokens",
               r->counter_error * 100.0, (unsigned long long)r->lock_violations);
    printf("\n  server  utilisation  share\n");
    for (i = 0; i < r->n_servers && i < 32; i++)
        printf("  %6ld  %10.1f%%  %5.1f%%\n", r->servers[i].id, r->servers[i].utilization * 100,
               r->servers[i].share * 100);
    if (r->n_servers > 32)
        printf("  ... %zu servers in all (--json lists every one)\n", r->n_servers);
}

/*
 * One API request must not hog the server: its work is estimated before it starts and refused
 * beyond a budget (a run by duration alone gets as many arrivals as the budget allows), threads
 * are capped, and there is no progress bar. The run also stops
 * when the request is cancelled (deadline, hang-up, shutdown).
 */
static int api_limits(struct sim_args *a)
{
    double per = sl_sim_cost_per_arrival(&a->c) * (double)a->c.replications, cost;
    double budget = cli_api_sim_budget();

    a->progress = 0;
    a->c.cancel = cli_api_cancel();
    if (a->c.threads > CLI_API_MAX_SIM_THREADS)
        return cli_usage_error("invalid threads '%ld' (the API allows at most %ld)",
                               a->c.threads, CLI_API_MAX_SIM_THREADS);
    if (a->c.requests == 0) {
        /* a run by duration alone: as many arrivals as the budget allows */
        double fit = floor(budget / per);

        a->c.requests = fit >= 1 ? (uint64_t)fit : 1;
    }
    cost = sl_sim_cost(&a->c);
    if (cost > budget)
        return cli_usage_error("simulation too large for the API: %.3g event-equivalents "
                               "(%llu requests x %ld replications at %.4g each with %s over "
                               "%ld servers; the limit is %.3g): ask for fewer requests, "
                               "servers or replications, or run scalelab simulate",
                               cost, (unsigned long long)a->c.requests, a->c.replications,
                               per / (double)a->c.replications, sl_sim_lb_name(a->c.lb),
                               a->c.servers, budget);
    return SL_EXIT_OK;
}

int cmd_simulate(int argc, char **argv)
{
    struct sim_args a;
    struct cli_common common;
    struct sl_sim_result r;
    struct bar bar;
    char err[SL_ERR_LEN];
    int first, st;

    memset(&a, 0, sizeof(a));
    sl_sim_config_init(&a.c);
    a.progress = -1;
    st = cli_parse(argc, argv, "scalelab simulate --load RPS --service-ms MS [options]",
                   CLI_WITH_STATE | CLI_WITH_JSON, own_flags, own_option, &a, &common, &first);
    if (st)
        return st < 0 ? SL_EXIT_OK : st;
    if (first < argc)
        return cli_usage_error("unexpected argument '%s'", argv[first]);
    if (!a.have_load)
        return cli_usage_error("missing --load (expected a rate such as 1000 or 1k, or --curve)");
    if (!a.have_service)
        return cli_usage_error("missing --service-ms (expected a mean service time in ms)");
    if (a.c.duration_s > 0 && !a.have_requests)
        a.c.requests = 0; /* --duration alone: run for that long, however many arrive */
    a.c.state = common.w.state;
    if (a.capacity > 0) {
        /* K counts the requests in service too, as M/M/c/K does: waiting places are K - cores */
        if (a.capacity < a.c.cores)
            return cli_usage_error("invalid --queue '%ld' (expected at least the %ld cores of a "
                                   "server: K counts requests queued and in service)",
                                   a.capacity, a.c.cores);
        a.c.queue = a.capacity - a.c.cores;
    }
    if (cli_api_mode()) {
        int st_cap = api_limits(&a);

        if (st_cap)
            return st_cap;
    }
    if (sl_sim_check(&a.c, err, sizeof(err)) != SL_OK)
        return cli_usage_error("%s", err);
    if (a.progress == 1 || (a.progress == -1 && isatty(2))) {
        clock_gettime(CLOCK_MONOTONIC, &bar.start);
        bar.shown = 0;
        a.c.progress = draw_progress;
        a.c.progress_ctx = &bar;
    }
    st = sl_sim_run(&a.c, &r, err, sizeof(err));
    if (a.c.progress && bar.shown)
        fputs("\r\033[K", stderr);
    if (st) {
        sl_sim_result_release(&r); /* a failed run may hold part of its result */
        return st == SL_E_INVALID || st == SL_E_TOO_LARGE ? cli_usage_error("%s", err) :
                                                             cli_runtime_error("%s", err);
    }
    if (common.json) {
        char *doc = sl_sim_json(&r);

        sl_sim_result_release(&r);
        return cli_print_json(doc, "out of memory");
    }
    print_report(&r);
    sl_sim_result_release(&r);
    return SL_EXIT_OK;
}
