/* `simulate`: a discrete-event run of servers behind a load balancer. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "commands.h"
#include "banned.h"

/* Most simulation threads one API request may use. */
#define API_MAX_THREADS 2

static const char *const lb_choices[] = { "rr", "random", "least", "p2c", "sticky", NULL };

static const struct cmd_param params[] = {
    { .name = "servers", .type = CMD_INTEGER, .arg = "N", .def = "4", .min = 1,
      .max = SL_SIM_MAX_SERVERS, .help = "servers at the start", .surface = CMD_BOTH },
    { .name = "cores", .type = CMD_INTEGER, .arg = "C", .def = "1", .min = 1,
      .max = SL_SIM_MAX_CORES, .help = "cores of each server", .surface = CMD_BOTH },
    { .name = "load", .type = CMD_LOAD, .arg = "RPS",
      .help = "Poisson arrival rate, req/s (required unless --curve)", .surface = CMD_BOTH },
    { .name = "service-ms", .type = CMD_NUMBER, .arg = "MS", .min = 0, .min_open = 1,
      .max = 1e9, /* the simulator's bound, 1e6 s, in the parameter's unit */
      .help = "mean service time, ms (required)", .surface = CMD_BOTH },
    { .name = "dist", .type = CMD_TEXT, .arg = "D", .def = "exp",
      .help = "service time distribution: exp, det, lognormal, gamma or hyperexp; hyperexp "
              "mixes two exponential phases, for high-variance work",
      .accepts = "exp, det, lognormal, gamma or hyperexp", .surface = CMD_BOTH },
    { .name = "cv", .type = CMD_NUMBER, .arg = "X", .min = SL_RNG_CV_MIN, .max = SL_RNG_CV_MAX,
      .help = "coefficient of variation for lognormal, gamma (0.01 to 10) and hyperexp (1 to 10)",
      .surface = CMD_BOTH },
    { .name = "queue", .type = CMD_INTEGER, .arg = "K", .min = 1, .max = SL_SIM_MAX_QUEUE,
      .help = "at most K requests per server, queued and in service, as in scalelab queue "
              "(default unbounded); arrivals beyond are dropped",
      .surface = CMD_BOTH },
    { .name = "lb", .type = CMD_ENUM, .arg = "POLICY", .def = "rr", .choices = lb_choices,
      .help = "load balancing: rr, random, least, p2c or sticky", .surface = CMD_BOTH },
    { .name = "requests", .type = CMD_TEXT, .arg = "N", .def = "1000000",
      .help = "arrivals to simulate", .accepts = "a whole number such as 100000, 1M or 1e7",
      .surface = CMD_BOTH },
    { .name = "duration", .type = CMD_TEXT, .arg = "S",
      .help = "simulated seconds (instead of --requests)",
      .accepts = "a time such as 60, 60s, 5m or 1h", .surface = CMD_BOTH },
    { .name = "seed", .type = CMD_TEXT, .arg = "N", .def = "1",
      .help = "random seed; same seed, same output",
      .accepts = "a whole number from 0 to 18446744073709551615", .surface = CMD_BOTH },
    { .name = "timeout", .type = CMD_TEXT, .arg = "S",
      .help = "a waiting client gives up after S seconds",
      .accepts = "a time such as 2, 2s or 500ms", .surface = CMD_BOTH },
    { .name = "fail", .type = CMD_TEXT, .arg = "ID@T-T2",
      .help = "server ID fails at T, recovers at T2, e.g. 2@30s-60s",
      .accepts = "ID@T or ID@T-T2, such as 2@30s-60s", .surface = CMD_BOTH,
      .flags = CMD_REPEAT, .max_values = SL_SIM_MAX_EVENTS },
    { .name = "add", .type = CMD_TEXT, .arg = "N@T",
      .help = "N servers join at T after a boot delay, e.g. 2@40s",
      .accepts = "N@T or N@T+B, such as 2@40s", .surface = CMD_BOTH,
      .flags = CMD_REPEAT, .max_values = SL_SIM_MAX_EVENTS },
    { .name = "boot", .type = CMD_TEXT, .arg = "S", .def = "30s",
      .help = "boot delay of added servers", .accepts = "a time such as 30 or 30s",
      .surface = CMD_BOTH },
    { .name = "replications", .type = CMD_INTEGER, .arg = "R", .def = "1", .min = 1,
      .max = SL_SIM_MAX_REPLICATIONS, .help = "independent runs", .surface = CMD_BOTH },
    { .name = "threads", .type = CMD_INTEGER, .arg = "T", .def = "1", .min = 1,
      .max = SL_SIM_MAX_THREADS, .api_max = API_MAX_THREADS,
      .help = "threads for the replications", .surface = CMD_BOTH },
    { .name = "curve", .type = CMD_TEXT, .arg = "T:RPS,...",
      .help = "piecewise-linear arrival rate, e.g. 0:1k,60s:5k,120s:1k",
      .accepts = "TIME:RPS points in increasing time, such as 0:100,60s:1k,120s:100",
      .surface = CMD_BOTH },
    { .name = "warmup", .type = CMD_NUMBER, .arg = "F", .def = "0.1", .min = 0, .max = 0.9,
      .help = "share of the run deleted as warm-up", .surface = CMD_BOTH },
    { .name = "sessions", .type = CMD_INTEGER, .arg = "N", .def = "10000", .min = 1,
      .max = SL_SIM_MAX_SESSIONS,
      .help = "distinct sessions; each request belongs to one at random", .surface = CMD_BOTH },
    { .name = "lock-fraction", .type = CMD_NUMBER, .arg = "F", .def = "0.01", .min = 0, .max = 1,
      .help = "share of requests that lock a key (a seat, an account) while served",
      .surface = CMD_BOTH },
    { .name = "lock-keys", .type = CMD_INTEGER, .arg = "N", .def = "1000", .min = 1,
      .max = SL_SIM_MAX_LOCK_KEYS, .help = "distinct lockable keys", .surface = CMD_BOTH },
    { .name = "progress", .type = CMD_FLAG, .help = "progress bar on stderr (default on a "
      "terminal)", .surface = CMD_CLI },
    { .name = "no-progress", .type = CMD_FLAG, .help = "no progress bar", .surface = CMD_CLI },
    { .name = NULL }
};

/*
 * "invalid --seed 'x' (expected ...)": the parameter as the surface spells it, its value as
 * typed and what its declaration accepts.
 */
static int bad(const struct cmd_input *in, const char *name, char *err, size_t errlen)
{
    char flag[48], expected[160];

    cmd_describe(in->param[cmd_find(in, name)], in->surface, expected, sizeof(expected));
    return cmd_usage(err, errlen, "invalid %s '%s' (expected %s)",
                     cmd_spelling(in, name, flag, sizeof(flag)), cmd_get(in, name)->text,
                     expected);
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

/* A time parameter, when given (or defaulted): at least 0, or above 0 when `positive`. */
static int time_param(const struct cmd_input *in, const char *name, int positive, double *out,
                      char *err, size_t errlen)
{
    const struct cmd_value *v = cmd_get(in, name);

    if (!v->given && !v->text)
        return CMD_OK;
    if (sl_sim_parse_time(v->text, out) != SL_OK || (positive && !(*out > 0)))
        return bad(in, name, err, errlen);
    return CMD_OK;
}

/* --fail and --add, every value in order. */
static int events(const struct cmd_input *in, struct sl_sim_config *c, char *err, size_t errlen)
{
    size_t i;

    for (i = 0; i < cmd_count(in, "fail"); i++)
        if (sl_sim_parse_fail(cmd_repeated(in, "fail", i), &c->fails[c->n_fails++], err,
                              errlen) != SL_OK)
            return CMD_USAGE;
    for (i = 0; i < cmd_count(in, "add"); i++)
        if (sl_sim_parse_add(cmd_repeated(in, "add", i), &c->adds[c->n_adds++], err,
                             errlen) != SL_OK)
            return CMD_USAGE;
    return CMD_OK;
}

/* The parameters that are text or that need more than their declared range. */
static int parse_text(const struct cmd_input *in, struct sl_sim_config *c, char *err,
                      size_t errlen)
{
    const char *requests = cmd_get(in, "requests")->text;
    double v;
    int st;

    if (sl_rng_dist_parse(cmd_get(in, "dist")->text, &c->dist) != SL_OK)
        return bad(in, "dist", err, errlen);
    if (sl_sim_lb_parse(cmd_get(in, "lb")->text, &c->lb) != SL_OK)
        return bad(in, "lb", err, errlen);
    if (sl_parse_load(requests, &v) != SL_OK || v != floor(v) ||
        v > (double)SL_SIM_MAX_REQUESTS)
        return bad(in, "requests", err, errlen);
    c->requests = (uint64_t)v;
    st = time_param(in, "duration", 1, &c->duration_s, err, errlen);
    if (st)
        return st;
    if (parse_u64(cmd_get(in, "seed")->text, &c->seed))
        return bad(in, "seed", err, errlen);
    st = time_param(in, "timeout", 1, &c->timeout_s, err, errlen);
    if (!st)
        st = events(in, c, err, errlen);
    if (!st)
        st = time_param(in, "boot", 0, &c->boot_s, err, errlen);
    if (!st && cmd_given(in, "curve") &&
        sl_sim_parse_curve(cmd_get(in, "curve")->text, c, err, errlen) != SL_OK)
        st = CMD_USAGE;
    return st;
}

/* The configuration the parameters describe, checked against each other. */
static int config(const struct cmd_input *in, struct sl_sim_config *c, char *err, size_t errlen)
{
    char a[24], b[24]; /* parameter names as the surface spells them */
    long capacity = cmd_given(in, "queue") ? cmd_get(in, "queue")->integer : 0;
    int st;

    sl_sim_config_init(c);
    c->servers = cmd_get(in, "servers")->integer;
    c->cores = cmd_get(in, "cores")->integer;
    if (cmd_given(in, "load"))
        c->load_rps = cmd_get(in, "load")->number;
    if (cmd_given(in, "service-ms"))
        c->service_s = cmd_get(in, "service-ms")->number / 1000.0;
    if (cmd_given(in, "cv"))
        c->cv = cmd_get(in, "cv")->number;
    c->replications = cmd_get(in, "replications")->integer;
    c->threads = cmd_get(in, "threads")->integer;
    c->warmup_fraction = cmd_get(in, "warmup")->number;
    c->sessions = cmd_get(in, "sessions")->integer;
    c->lock_fraction = cmd_get(in, "lock-fraction")->number;
    c->lock_keys = cmd_get(in, "lock-keys")->integer;
    st = parse_text(in, c, err, errlen);
    if (st)
        return st;
    if (!cmd_given(in, "load") && !cmd_given(in, "curve"))
        return cmd_usage(err, errlen, "missing %s (expected a rate such as 1000 or 1k, or %s)",
                         cmd_spelling(in, "load", a, sizeof(a)),
                         cmd_spelling(in, "curve", b, sizeof(b)));
    if (!cmd_given(in, "service-ms"))
        return cmd_usage(err, errlen, "missing %s (expected a mean service time in ms)",
                         cmd_spelling(in, "service-ms", a, sizeof(a)));
    if (c->duration_s > 0 && !cmd_given(in, "requests"))
        c->requests = 0; /* a duration alone: run for that long, however many arrive */
    c->state = in->w.state;
    if (capacity > 0) {
        /* K counts the requests in service too, as M/M/c/K does: waiting places are K - cores */
        if (capacity < c->cores)
            return cmd_usage(err, errlen, "invalid %s '%s' (expected at least the %ld cores of a "
                             "server: K counts requests queued and in service)",
                             cmd_spelling(in, "queue", a, sizeof(a)),
                             cmd_get(in, "queue")->text, c->cores);
        c->queue = capacity - c->cores;
    }
    return CMD_OK;
}

/*
 * One API request must not hog the server: its work is estimated before it starts and refused
 * beyond a budget (a run by duration alone is estimated at its arrivals over that time, and
 * runs as on the command line: cutting it to a number of requests would change its warm-up and
 * so its document); threads are capped by their declared range, there is no progress bar, and
 * the run stops when the request is cancelled (deadline, hang-up, shutdown).
 */
static int api_limits(const struct cmd_input *in, struct sl_sim_config *c, char *err,
                      size_t errlen)
{
    double per = sl_sim_cost_per_arrival(c) * (double)c->replications, cost;
    double budget = in->sim_budget > 0 ? in->sim_budget : CMD_API_SIM_BUDGET;

    c->cancel = in->cancel;
    cost = sl_sim_cost(c);
    if (cost > budget)
        return cmd_usage(err, errlen, "simulation too large for the API: %.3g event-equivalents "
                         "(%.3g requests x %ld replications at %.4g each with %s over %ld "
                         "servers; the limit is %.3g): ask for fewer requests, a shorter "
                         "duration, fewer servers or replications, or run scalelab simulate",
                         cost, cost / per, c->replications, per / (double)c->replications,
                         sl_sim_lb_name(c->lb), c->servers, budget);
    return CMD_OK;
}

int cmd_simulate_run(const struct cmd_input *in, struct cmd_simulate_out *out, char *err,
                     size_t errlen)
{
    struct sl_sim_config c;
    enum sl_status s;
    int st;

    memset(out, 0, sizeof(*out));
    st = config(in, &c, err, errlen);
    if (!st && in->surface == CMD_API)
        st = api_limits(in, &c, err, errlen);
    if (st)
        return st;
    if (sl_sim_check(&c, err, errlen) != SL_OK)
        return CMD_USAGE;
    if (in->surface == CMD_CLI) {
        c.progress = in->progress;
        c.progress_ctx = in->progress_ctx;
    }
    s = sl_sim_run(&c, &out->result, err, errlen);
    if (s == SL_OK)
        return CMD_OK;
    sl_sim_result_release(&out->result); /* a failed run may hold part of its result */
    return s == SL_E_INVALID || s == SL_E_TOO_LARGE ? CMD_USAGE : CMD_FAILURE;
}

static int simulate_json(const struct cmd_input *in, char **doc, char *err, size_t errlen)
{
    struct cmd_simulate_out *out = sl_malloc(sizeof(*out));
    int st;

    *doc = NULL;
    if (!out)
        return cmd_failure(err, errlen, "out of memory");
    st = cmd_simulate_run(in, out, err, errlen);
    if (!st) {
        *doc = sl_sim_json(&out->result);
        st = *doc ? CMD_OK : cmd_failure(err, errlen, "out of memory");
        sl_sim_result_release(&out->result);
    }
    sl_free(out);
    return st;
}

const struct cmd_def cmd_def_simulate = {
    .name = "simulate",
    .summary = "a discrete-event run: load balancer, queues, failures, state",
    .synopsis = "--load RPS --service-ms MS [options]\n"
                "--curve T:RPS,... --service-ms MS [options]",
    .description = "Simulates servers behind a load balancer, request by request: queues, "
                   "timeouts, failures and scale-out, and what each place for session state "
                   "loses. The same seed gives the same output.",
    .params = params,
    .shared = CMD_SHARED_STATE | CMD_SHARED_JSON,
    .json = simulate_json,
    .api_path = "/api/simulate",
};
