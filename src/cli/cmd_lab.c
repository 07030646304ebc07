/* `scalelab lab`: real app servers behind haproxy, a checking client, and what they lost. */
/* SPDX-License-Identifier: MIT */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands/format.h"
#include "lab/lab.h"
#include "lab/lab_cgroup.h"
#include "lab/lab_client.h"
#include "lab/lab_expect.h"
#include "lab/lab_limit.h"
#include "lab/lab_report.h"
#include "lab/lab_run.h"
#include "lab/lab_signals.h"
#include "lab/lab_sweep.h"
#include "banned.h"

static const char *const lab_states[] = { "memory", "sticky", "store", "token", NULL };
static const char *const lab_arrivals[] = { "poisson", "uniform", NULL };

static const struct cmd_param params[] = {
    { .name = "state", .type = CMD_ENUM, .arg = "WHERE", .def = "store", .choices = lab_states,
      .help = "where the apps keep sessions: memory, sticky (memory, and haproxy pins each user "
              "to one backend by cookie), store (the lab's Redis) or token (a signed cookie)",
      .surface = CMD_CLI },
    { .name = "backends", .type = CMD_INTEGER, .arg = "N", .def = "3", .min = 1,
      .max = LAB_MAX_BACKENDS, .help = "app processes at the start", .surface = CMD_CLI },
    { .name = "users", .type = CMD_INTEGER, .arg = "U", .def = "50", .min = 1,
      .max = LAB_MAX_USERS, .help = "virtual users, each on its own connection",
      .surface = CMD_CLI },
    { .name = "duration", .type = CMD_TEXT, .arg = "S",
      .help = "run for S seconds instead of a number of requests",
      .accepts = "a time from 1ms to 3600s, such as 5, 5s or 500ms", .max = 32,
      .surface = CMD_CLI },
    { .name = "requests", .type = CMD_TEXT, .arg = "N", .def = "20000",
      .help = "stop after N requests", .accepts = "a whole number from 1 to 1e9, such as 5000 "
      "or 20k", .max = 32, .surface = CMD_CLI },
    { .name = "kill", .type = CMD_TEXT, .arg = "I@T", .help = "kill -9 backend I at T, e.g. 2@1s",
      .accepts = "I@T: a backend number and a time, such as 2@1s", .max = 32,
      .surface = CMD_CLI, .flags = CMD_REPEAT, .max_values = LAB_MAX_ACTIONS },
    { .name = "restart", .type = CMD_TEXT, .arg = "I@T",
      .help = "start backend I again at T, on the same port",
      .accepts = "I@T: a backend number and a time, such as 2@1s", .max = 32,
      .surface = CMD_CLI, .flags = CMD_REPEAT, .max_values = LAB_MAX_ACTIONS },
    { .name = "add", .type = CMD_TEXT, .arg = "@T", .help = "add a backend to haproxy at T, e.g. "
      "@2s", .accepts = "@T, a time such as @2s", .max = 32, .surface = CMD_CLI,
      .flags = CMD_REPEAT, .max_values = LAB_MAX_ACTIONS },
    { .name = "work-us", .type = CMD_INTEGER, .arg = "US", .def = "200", .min = 0,
      .max = 1000000, .help = "CPU microseconds per request in each app", .surface = CMD_CLI },
    { .name = "threads", .type = CMD_INTEGER, .arg = "T", .min = 1, .max = 64,
      .help = "worker threads of each app (default: the app's; one per unit with budgets)",
      .surface = CMD_CLI },
    { .name = "cpu-per-backend", .type = CMD_TEXT, .arg = "C",
      .help = "a CPU budget of C cores for each app, in a cgroup of its own (v2 cpu.max or v1 "
              "cpu.cfs_quota_us; needs root); haproxy, redis and the client stay outside",
      .accepts = "cores from 0.01 to the CPUs this machine has, such as 0.2", .max = 32,
      .surface = CMD_CLI },
    { .name = "vertical", .type = CMD_INTEGER, .arg = "K", .min = 1, .max = LAB_MAX_UNITS,
      .help = "scale up: one backend of K units, K x C cores and K worker threads (needs "
              "--cpu-per-backend)", .surface = CMD_CLI },
    { .name = "compare", .type = CMD_FLAG, .help = "run memory, sticky, store and token; one "
      "table", .surface = CMD_CLI },
    { .name = "sweep", .type = CMD_FLAG, .help = "both futures at 1..K units: horizontal K "
      "backends of one unit, vertical one backend of K units; a unit is one worker thread (and "
      "C cores with --cpu-per-backend)", .surface = CMD_CLI },
    { .name = "max", .type = CMD_INTEGER, .arg = "K", .def = "4", .min = 2, .max = LAB_MAX_UNITS,
      .help = "with --sweep: the most units of each future", .surface = CMD_CLI },
    { .name = "sweep-csv", .type = CMD_FILE, .arg = "FILE", .help = "with --sweep: write "
      "strategy,units,throughput_rps,p50_ms,p99_ms,cpu_ms_per_request and, with budgets, "
      "cores_per_unit (scalelab fit FILE --where strategy=horizontal)",
      .accepts = "a file path", .surface = CMD_CLI },
    /* past one host, data that survives */
    { .name = "target", .type = CMD_TEXT, .arg = "URL", .help = "drive an existing deployment "
      "that speaks docs/lab-protocol.md (its balancer's URL); starts and kills nothing",
      .accepts = "an http:// or https:// URL such as http://127.0.0.1:8080", .max = 256,
      .surface = CMD_CLI },
    { .name = "kill-store", .type = CMD_TEXT, .arg = "@T", .help = "kill -9 the lab's "
      "redis-server at T and start it again on its port and data after --down",
      .accepts = "@T, a time such as @1s", .max = 32, .surface = CMD_CLI, .flags = CMD_REPEAT,
      .max_values = LAB_MAX_ACTIONS / 2 },
    { .name = "down", .type = CMD_TEXT, .arg = "S", .def = "1s", .help = "with --kill-store: "
      "how long redis-server stays down", .accepts = "a time from 0 to 600s, such as 1s or "
      "500ms", .max = 32, .surface = CMD_CLI },
    /* open-loop load, the limit at an SLO, expectations */
    { .name = "rate", .type = CMD_LOAD, .arg = "R", .max = LAB_MAX_RATE,
      .help = "open loop: R requests per second whatever the answers (instead of --users), "
              "latency counted from each request's intended send time; with --find-limit the "
              "first step's rate", .surface = CMD_CLI },
    { .name = "arrivals", .type = CMD_ENUM, .arg = "HOW", .def = "poisson",
      .choices = lab_arrivals, .help = "with --rate: poisson (independent arrivals) or uniform "
      "(a fixed gap)", .surface = CMD_CLI },
    { .name = "connections", .type = CMD_INTEGER, .arg = "N", .def = "256", .min = 1,
      .max = LAB_MAX_CONNS, .help = "with --rate: the most connections opened as arrivals need "
      "them; the report says when the cap was hit", .surface = CMD_CLI },
    { .name = "seed", .type = CMD_TEXT, .arg = "N", .help = "with --rate: the seed of the "
      "arrival times, so that a schedule can be run again (by default the process id)",
      .accepts = "a whole number from 1 to 9223372036854775807", .max = 32, .surface = CMD_CLI },
    { .name = "find-limit", .type = CMD_FLAG, .help = "open-loop steps, the rate doubled until "
      "one misses --slo or --max-errors, then bisected: the largest rate that met both, beside "
      "the M/M/c model's for the measured CPU per request", .surface = CMD_CLI },
    { .name = "slo", .type = CMD_TEXT, .arg = "GOAL", .help = "with --find-limit: the latency "
      "goal, such as p99=20ms", .accepts = "a goal such as p99=20ms, p50=5ms, p99.9=0.1s or "
      "mean=10ms", .max = 32, .surface = CMD_CLI },
    { .name = "max-errors", .type = CMD_TEXT, .arg = "P%", .def = "0.1%",
      .help = "with --find-limit: the error budget, the share of requests that may fail",
      .accepts = "a percentage from 0% to 100%, such as 0.1%", .max = 32, .surface = CMD_CLI },
    { .name = "expect", .type = CMD_TEXT, .arg = "LIST", .help = "after the report, exit 3 "
      "unless every threshold held, e.g. 'lost=0,errors<0.5%,p99<50ms' (metrics lost errors "
      "carts drift double p50 p90 p99 p99.9 mean rps writes; = < <= > >=)",
      .accepts = "thresholds such as lost=0,errors<0.5%,p99<50ms", .max = 512,
      .surface = CMD_CLI },
    { .name = NULL }
};

const struct cmd_def cli_def_lab = {
    .name = "lab",
    .summary = "app servers behind haproxy, a checking client: what each store loses",
    .synopsis = "[--state memory|sticky|store|token] [--backends N] [--users U]\n"
                "[--duration S | --requests N] [--kill I@T] [--restart I@T] [--add @T]\n"
                "[--cpu-per-backend C [--vertical K]] [--work-us US] [--threads T]\n"
                "[--kill-store @T [--down S]] [--compare] [--sweep [--max K] [--sweep-csv FILE]]\n"
                "[--rate R [--arrivals poisson|uniform] [--connections N] [--seed N]]\n"
                "[--target URL]\n"
                "[--find-limit --slo GOAL [--max-errors P%]] [--expect LIST] [--json]",
    .description = "Starts redis-server, N `scalelab app` processes and haproxy on free "
                   "loopback ports, runs checking users against them and reports what each "
                   "state store lost; stops everything at the end. Redis gets a random password "
                   "and haproxy's stats only a 0600 socket, both in the 0700 run directory "
                   "(docs/lab-security.md). With --cpu-per-backend each app is a machine with a "
                   "CPU budget: its own cgroup under /sys/fs/cgroup, removed at the end. Redis "
                   "keeps its data with appendonly and appendfsync always; at the end every "
                   "session's cart and the counter are read back, and acknowledged writes "
                   "that are missing are counted as lost. --target URL drives a deployment "
                   "that is already running (deploy/) and starts nothing. Exit "
                   "status: 0 done; 1 a program is missing or failed, no CPU cgroup can be made, "
                   "the store failed mid-run, --target cannot be reached, or Ctrl-C; 2 bad "
                   "usage (also a --rate this client cannot send); 3 an --expect threshold "
                   "failed.",
    .params = params,
    .shared = CMD_SHARED_JSON,
};

struct lab_args {
    struct lab_opts o;
    int compare, sweep, have_duration, have_requests, n_adds;
    int have_backends, have_threads, have_max, max_units;
    int have_users, have_rate, have_arrivals, have_conns; /* open-loop load */
    int find_limit, have_slo, have_max_errors, have_seed;
    struct sl_slo slo;
    double max_errors;             /* a fraction */
    const char *rate_arg, *expect_arg;
    struct lab_expect expect;
    const char *action_arg[LAB_MAX_ACTIONS]; /* as given, for messages */
    const char *sweep_csv;
    const char *cpu_arg, *vertical_arg, *backends_arg, *max_arg; /* as typed, or NULL */
    /* past one host, data that survives */
    char target[LAB_TARGET_MAX + 1]; /* --target, checked */
    int n_store_kills, have_down;
    const char *down_arg;
};

static int bad(const char *flag, const char *arg, const char *expected)
{
    return cli_usage_error("invalid --%s '%s' (expected %s)", flag, arg, expected);
}

/*
 * A --kill-store brings its restart: an action of its own, timed once --down is known
 * (check_store).
 */
static int store_restart(struct lab_args *a)
{
    struct lab_action *act;

    if (a->o.n_actions == LAB_MAX_ACTIONS)
        return cli_usage_error("too many --kill, --restart, --add and --kill-store (at most "
                               "%d, a --kill-store counting twice)", LAB_MAX_ACTIONS);
    act = &a->o.actions[a->o.n_actions];
    act->kind = LAB_ACT_RESTART_STORE;
    act->backend = 0;
    act->t_s = a->o.actions[a->o.n_actions - 1].t_s;
    a->action_arg[a->o.n_actions] = a->action_arg[a->o.n_actions - 1];
    a->o.n_actions++;
    a->n_store_kills++;
    return SL_EXIT_OK;
}

/* "I@T" (I >= 1) or, for --add and --kill-store, "@T". */
static int parse_action(struct lab_args *a, enum lab_action_kind kind, const char *flag,
                        const char *arg)
{
    struct lab_action *act;
    const char *at = strchr(arg, '@');
    int at_only = kind == LAB_ACT_ADD || kind == LAB_ACT_KILL_STORE;
    const char *expected = kind == LAB_ACT_ADD ? "@T, a time such as @2s" :
                           at_only ? "@T, a time such as @1s" :
                           "I@T: a backend number and a time, such as 2@1s";
    long idx = 0;

    if (a->o.n_actions == LAB_MAX_ACTIONS)
        return cli_usage_error("too many --kill, --restart, --add and --kill-store (at most "
                               "%d, a --kill-store counting twice)", LAB_MAX_ACTIONS);
    if (!at)
        return bad(flag, arg, expected);
    if (at_only) {
        if (at != arg)
            return bad(flag, arg, expected);
    } else {
        char num[16];

        if (at == arg || (size_t)(at - arg) >= sizeof(num))
            return bad(flag, arg, expected);
        memcpy(num, arg, (size_t)(at - arg));
        num[at - arg] = '\0';
        if (sl_parse_count(num, LAB_MAX_BACKENDS, &idx) != SL_OK)
            return bad(flag, arg, expected);
    }
    act = &a->o.actions[a->o.n_actions];
    if (sl_sim_parse_time(at + 1, &act->t_s) != SL_OK || act->t_s < 0 || act->t_s > 86400)
        return bad(flag, arg, expected);
    act->kind = kind;
    act->backend = (int)idx;
    a->action_arg[a->o.n_actions++] = arg;
    a->n_adds += kind == LAB_ACT_ADD;
    return kind == LAB_ACT_KILL_STORE ? store_restart(a) : SL_EXIT_OK;
}

/* --cpu-per-backend: cores from LAB_CGROUP_MIN_CORES to the CPUs this process may use. */
static int read_cores(const struct cmd_input *in, struct lab_args *a)
{
    const char *t = cmd_get(in, "cpu-per-backend")->text;
    int cores = lab_cpu_cores();
    char expected[96];
    double v;

    if (!cmd_given(in, "cpu-per-backend"))
        return SL_EXIT_OK;
    a->cpu_arg = t;
    snprintf(expected, sizeof(expected), "cores from %g to %d, the CPUs this machine has, such "
             "as 0.2", LAB_CGROUP_MIN_CORES, cores);
    if (sl_parse_number(t, &v) != SL_OK || !(v >= LAB_CGROUP_MIN_CORES) || v > cores)
        return bad("cpu-per-backend", t, expected);
    a->o.unit_cores = v;
    return SL_EXIT_OK;
}

/* --target (checked, its final '/' dropped) and --down. */
static int read_deploy(const struct cmd_input *in, struct lab_args *a)
{
    const char *t = cmd_get(in, "target")->text;
    char why[160];

    if (cmd_given(in, "target")) {
        if (lab_target_parse(t, a->target, sizeof(a->target), why, sizeof(why)))
            return bad("target", t, why);
        a->o.target = a->target;
    }
    a->have_down = cmd_given(in, "down");
    a->down_arg = t = cmd_get(in, "down")->text;
    if (sl_sim_parse_time(t, &a->o.store_down_s) != SL_OK || !(a->o.store_down_s >= 0) ||
        a->o.store_down_s > 600)
        return bad("down", t, "a time from 0 to 600s, such as 1s or 500ms");
    return SL_EXIT_OK;
}

/* --rate, --arrivals, --connections, --find-limit, --slo, --max-errors and --expect. */
static int read_load(const struct cmd_input *in, struct lab_args *a)
{
    const char *t;
    char err[512];

    a->have_users = cmd_given(in, "users");
    a->have_rate = cmd_given(in, "rate");
    a->have_arrivals = cmd_given(in, "arrivals");
    a->have_conns = cmd_given(in, "connections");
    if (a->have_rate) {
        a->o.rate_rps = cmd_get(in, "rate")->number;
        a->rate_arg = cmd_get(in, "rate")->text;
    }
    lab_arrivals_parse(cmd_get(in, "arrivals")->text, &a->o.arrivals);
    a->o.max_conns = (int)cmd_get(in, "connections")->integer;
    a->have_seed = cmd_given(in, "seed");
    if (a->have_seed) {
        long seed;

        t = cmd_get(in, "seed")->text;
        if (sl_parse_count(t, LONG_MAX, &seed) != SL_OK)
            return bad("seed", t, "a whole number from 1 to 9223372036854775807");
        a->o.seed = (uint64_t)seed;
    }
    a->find_limit = cmd_get(in, "find-limit")->choice;
    a->have_slo = cmd_given(in, "slo");
    t = cmd_get(in, "slo")->text;
    if (a->have_slo && sl_slo_parse(t, &a->slo) != SL_OK)
        return bad("slo", t, "a goal such as p99=20ms, p50=5ms, p99.9=0.1s or mean=10ms");
    a->have_max_errors = cmd_given(in, "max-errors");
    t = cmd_get(in, "max-errors")->text;
    if (lab_parse_percent(t, &a->max_errors))
        return bad("max-errors", t, "a percentage from 0% to 100%, such as 0.1%");
    if (cmd_given(in, "expect")) {
        a->expect_arg = cmd_get(in, "expect")->text;
        if (lab_expect_parse(a->expect_arg, &a->expect, err, sizeof(err)))
            return cli_usage_error("%s", err);
    }
    return SL_EXIT_OK;
}

/* The flag that asked for an action of this kind. */
static const char *action_flag(enum lab_action_kind kind)
{
    return kind == LAB_ACT_KILL ? "kill" : kind == LAB_ACT_RESTART ? "restart" :
           kind == LAB_ACT_ADD ? "add" : "kill-store";
}

/* The open loop's flags go together, and not with the closed loop's --users. */
static int check_load(const struct lab_args *a)
{
    if ((a->have_rate || a->find_limit) && a->have_users)
        return cli_usage_error("--%s and --users cannot be combined: %s an open loop of "
                               "arrivals, --users a closed loop of users",
                               a->have_rate ? "rate" : "find-limit",
                               a->have_rate ? "--rate is" : "--find-limit runs");
    if ((a->have_arrivals || a->have_conns || a->have_seed) && !a->have_rate && !a->find_limit)
        return cli_usage_error("--%s needs --rate", a->have_arrivals ? "arrivals" :
                               a->have_conns ? "connections" : "seed");
    if (a->find_limit && !a->have_slo)
        return cli_usage_error("--find-limit needs --slo, the latency goal, such as --slo "
                               "p99=20ms");
    if ((a->have_slo || a->have_max_errors) && !a->find_limit)
        return cli_usage_error("--%s needs --find-limit", a->have_slo ? "slo" : "max-errors");
    if (a->find_limit && (a->compare || a->sweep || a->o.n_actions || a->have_requests ||
                          a->expect_arg))
        return cli_usage_error("--find-limit runs timed open-loop steps itself: it takes no "
                               "--%s", a->compare ? "compare" : a->sweep ? "sweep" :
                               a->o.n_actions ? action_flag(a->o.actions[0].kind) :
                               a->have_requests ? "requests" : "expect");
    if (a->expect_arg && (a->compare || a->sweep))
        return cli_usage_error("--expect checks one run: it takes no --compare or --sweep");
    if (a->have_rate && a->o.rate_rps < 1)
        return bad("rate", a->rate_arg, "at least 1 request per second, such as 500 or 2k");
    if (a->find_limit) {
        double step = a->have_duration ? a->o.duration_s : LAB_LIMIT_STEP_S;
        double rate = a->have_rate ? a->o.rate_rps : LAB_LIMIT_START_RPS;

        if (rate * step < LAB_LIMIT_MIN_ARRIVALS)
            return cli_usage_error("--find-limit's first step, %g req/s for %g s, would see "
                                   "fewer than %d arrivals: too few for a percentile (expected "
                                   "a --rate times --duration of at least %d)", rate, step,
                                   LAB_LIMIT_MIN_ARRIVALS, LAB_LIMIT_MIN_ARRIVALS);
    }
    return SL_EXIT_OK;
}

/* The values of the declared parameters into a; messages repeat each value as typed. */
static int read_args(const struct cmd_input *in, struct lab_args *a)
{
    const char *state = cmd_get(in, "state")->text, *t;
    double v;
    size_t i;
    int st;

    a->o.sticky = !strcmp(state, "sticky");
    lab_state_parse(a->o.sticky ? "memory" : state, &a->o.state);
    a->o.backends = (int)cmd_get(in, "backends")->integer;
    a->o.users = (int)cmd_get(in, "users")->integer;
    a->o.work_us = cmd_get(in, "work-us")->integer;
    a->have_threads = cmd_given(in, "threads");
    if (a->have_threads)
        a->o.app_threads = (int)cmd_get(in, "threads")->integer;
    a->have_backends = cmd_given(in, "backends");
    a->backends_arg = cmd_get(in, "backends")->text;
    a->have_max = cmd_given(in, "max");
    a->max_units = (int)cmd_get(in, "max")->integer;
    a->max_arg = cmd_get(in, "max")->text;
    if (cmd_given(in, "vertical")) {
        a->o.vertical = (int)cmd_get(in, "vertical")->integer;
        a->vertical_arg = cmd_get(in, "vertical")->text;
    }
    st = read_cores(in, a);
    if (!st)
        st = read_deploy(in, a);
    if (!st)
        st = read_load(in, a);
    if (st)
        return st;
    a->compare = cmd_get(in, "compare")->choice;
    a->sweep = cmd_get(in, "sweep")->choice;
    if (cmd_given(in, "sweep-csv"))
        a->sweep_csv = cmd_get(in, "sweep-csv")->text;
    a->have_duration = cmd_given(in, "duration");
    a->have_requests = cmd_given(in, "requests");
    t = cmd_get(in, "duration")->text;
    if (a->have_duration && (sl_sim_parse_time(t, &a->o.duration_s) != SL_OK ||
                             !(a->o.duration_s > 0) || a->o.duration_s > LAB_MAX_SECONDS))
        return bad("duration", t, "a time from 1ms to 3600s, such as 5, 5s or 500ms");
    t = cmd_get(in, "requests")->text;
    if (sl_parse_load(t, &v) != SL_OK || v != floor(v) || v > 1e9)
        return bad("requests", t, "a whole number from 1 to 1e9, such as 5000 or 20k");
    a->o.requests = (uint64_t)v;
    /* --kill, --restart and --add in the order given: they are one timeline */
    for (i = 0; i < in->nvalues; i++) {
        const char *name = in->param[in->value_param[i]]->name;
        enum lab_action_kind kind = !strcmp(name, "kill") ? LAB_ACT_KILL :
                                    !strcmp(name, "restart") ? LAB_ACT_RESTART :
                                    !strcmp(name, "kill-store") ? LAB_ACT_KILL_STORE :
                                    LAB_ACT_ADD;

        st = parse_action(a, kind, name, in->values[i]);
        if (st)
            return st;
    }
    return SL_EXIT_OK;
}

/* `units` budgets of --cpu-per-backend (a unit's, or a backend's) fit in the machine's CPUs. */
static int fits(const struct lab_args *a, const char *flag, const char *typed, int units)
{
    int cores = lab_cpu_cores(), most = (int)floor(cores / a->o.unit_cores + 1e-9);

    if (!(a->o.unit_cores > 0) || units <= most)
        return SL_EXIT_OK;
    return cli_usage_error("invalid --%s '%s' (expected at most %d with --cpu-per-backend %s: "
                           "%d x %s cores exceed the %d CPUs of this machine)", flag, typed,
                           most, a->cpu_arg, units, a->cpu_arg, cores);
}

/* --vertical and --cpu-per-backend: what they need, and the threads a unit has. */
static int check_budget(struct lab_args *a)
{
    if (a->o.vertical && !a->cpu_arg)
        return cli_usage_error("invalid --vertical '%s' without --cpu-per-backend (expected "
                               "--cpu-per-backend C: each of its units is C cores)",
                               a->vertical_arg);
    if (a->o.vertical) {
        if (a->have_backends || a->have_threads || a->n_adds || a->sweep)
            return cli_usage_error("--vertical runs one backend of K units: it takes no "
                                   "--backends, --threads, --add or --sweep");
        a->o.backends = 1;
        a->o.app_threads = a->o.vertical;
        return fits(a, "vertical", a->vertical_arg, a->o.vertical);
    }
    if (a->cpu_arg && !a->have_threads)
        a->o.app_threads = 1; /* a unit is one worker thread and its cores */
    if (a->sweep)
        return fits(a, "max", a->max_arg, a->max_units);
    return fits(a, "backends", a->backends_arg, a->o.backends + a->n_adds);
}

/* --sweep runs the backends and threads itself, from 1 to --max units. */
static int check_sweep(const struct lab_args *a)
{
    if (a->have_max && !a->sweep)
        return cli_usage_error("--max needs --sweep");
    if (a->sweep_csv && !a->sweep)
        return cli_usage_error("--sweep-csv needs --sweep");
    if (!a->sweep)
        return SL_EXIT_OK;
    if (a->o.n_actions)
        return cli_usage_error("--sweep takes no --%s: its points are runs without faults",
                               action_flag(a->o.actions[0].kind));
    if (a->have_backends)
        return cli_usage_error("--sweep takes --max K, not --backends: it runs 1..K backends "
                               "itself");
    if (a->have_threads)
        return cli_usage_error("--sweep sets the threads itself: one per unit");
    if (a->have_rate)
        return cli_usage_error("--sweep takes no --rate: a fixed rate is the same load on every "
                               "point and cannot show how far a future scales; its users "
                               "(--users) find each point's throughput");
    if (a->sweep_csv)
        return cli_check_writable(a->sweep_csv); /* before the runs, not after them */
    return SL_EXIT_OK;
}

/*
 * --target drives someone else's deployment: every flag that starts, sizes or breaks the
 * lab's own processes is refused, one at a time, by name.
 */
static int check_target(const struct cmd_input *in, const struct lab_args *a)
{
    static const char *const own[] = {
        "kill", "restart", "add", "kill-store", "down", "cpu-per-backend", "vertical", "sweep",
        "max", "sweep-csv", "compare", "backends", "threads", "work-us", "state", NULL
    };
    int i;

    if (!a->o.target)
        return SL_EXIT_OK;
    for (i = 0; own[i]; i++)
        if (cmd_given(in, own[i]))
            return cli_usage_error("--target drives a deployment that runs already: it takes "
                                   "no --%s (the lab starts, sizes and kills only its own "
                                   "processes)", own[i]);
    return SL_EXIT_OK;
}

/* --kill-store needs the lab's redis-server; each restart comes --down after its kill. */
static int check_store(struct lab_args *a)
{
    int i;

    if (a->have_down && !a->n_store_kills)
        return cli_usage_error("--down needs --kill-store");
    if (a->n_store_kills && (a->o.state != LAB_STATE_STORE || a->compare))
        return cli_usage_error("--kill-store needs --state store (the lab's redis-server)%s",
                               a->compare ? ", not --compare" : "");
    for (i = 0; i < a->o.n_actions; i++)
        if (a->o.actions[i].kind == LAB_ACT_RESTART_STORE)
            a->o.actions[i].t_s += a->o.store_down_s;
    return SL_EXIT_OK;
}

/* Cross-flag rules, after every flag is known. */
static int check_args(struct lab_args *a)
{
    int i, st;

    if (a->have_duration && a->have_requests)
        return cli_usage_error("--duration and --requests cannot be combined");
    if (a->have_duration)
        a->o.requests = 0;
    if (a->compare && a->sweep)
        return cli_usage_error("--compare and --sweep cannot be combined");
    st = check_store(a);
    if (!st)
        st = check_sweep(a);
    if (!st)
        st = check_load(a);
    if (!st)
        st = check_budget(a);
    if (st)
        return st;
    if (a->compare && (a->o.sticky || a->o.state != LAB_STATE_STORE))
        return cli_usage_error("--compare runs every --state itself");
    if (a->o.backends + a->n_adds > LAB_MAX_BACKENDS)
        return cli_usage_error("too many backends: %d plus %d --add (at most %d)",
                               a->o.backends, a->n_adds, LAB_MAX_BACKENDS);
    for (i = 0; i < a->o.n_actions; i++) {
        const struct lab_action *act = &a->o.actions[i];

        if ((act->kind == LAB_ACT_KILL || act->kind == LAB_ACT_RESTART) &&
            act->backend > a->o.backends + a->n_adds)
            return cli_usage_error("invalid --%s '%s' (expected a backend from 1 to %d)",
                                   act->kind == LAB_ACT_KILL ? "kill" : "restart",
                                   a->action_arg[i], a->o.backends + a->n_adds);
        /* a timed run's end is known: an action after it would silently never happen */
        if (act->kind != LAB_ACT_RESTART_STORE && a->o.duration_s > 0 && !a->o.requests &&
            act->t_s >= a->o.duration_s)
            return cli_usage_error("invalid --%s '%s' (expected a time before the run's end, "
                                   "--duration %g s)", action_flag(act->kind), a->action_arg[i],
                                   a->o.duration_s);
    }
    return SL_EXIT_OK;
}

/* One run into r (initialised here; the caller releases it). */
static int run(const struct lab_opts *o, struct lab_result *r)
{
    char err[512];

    if (lab_result_init(r, o))
        return cli_runtime_error("out of memory");
    if (lab_run(o, r, err, sizeof(err))) {
        if (r->interrupted)
            return SL_EXIT_FAILURE;
        return cli_runtime_error("%s", err);
    }
    return r->interrupted ? SL_EXIT_FAILURE : SL_EXIT_OK;
}

/*
 * Exit 1 with one line when the run's store died or stopped answering: its figures measured
 * a broken store, not the state mode (the report has said so too). SL_EXIT_OK otherwise.
 */
static int store_check(const struct lab_result *r)
{
    if (!r->store_failure[0])
        return SL_EXIT_OK;
    return cli_runtime_error("the store failed during the run: %s at %.2f s", r->store_failure,
                             r->store_failure_t_s);
}

static int interrupted(void)
{
    return cli_runtime_error("lab interrupted; every process it started is stopped and its "
                             "files removed");
}

/*
 * Exit 2 with one line when the open loop left arrivals unsent although it had connections
 * free: the client itself could not send that rate, so the run measured the client.
 */
static int client_check(const struct lab_args *a, const struct lab_result *r)
{
    char v[32];

    if (!(r->opts.rate_rps > 0) || !r->unsent || r->waited)
        return SL_EXIT_OK;
    return cli_usage_error("--rate '%s' is more than this client can send: it sent %s req/s "
                           "with connections to spare (expected a lower rate)", a->rate_arg,
                           cmd_fmt_count(v, sizeof(v), r->rate_reached_rps));
}

/* Exit 3 naming each threshold of --expect that r missed, with its measured value. */
static int expect_check(const struct lab_expect *e, const struct lab_result *r)
{
    char what[96];
    int i, failed = 0;

    for (i = 0; i < e->n; i++) {
        double x = lab_expect_measure(&e->t[i], r);

        if (lab_expect_holds(&e->t[i], x))
            continue;
        lab_expect_describe(&e->t[i], x, what, sizeof(what));
        fprintf(stderr, "scalelab: expectation '%s' failed: %s\n", e->t[i].text, what);
        failed++;
    }
    return failed ? SL_EXIT_EXPECT : SL_EXIT_OK;
}

static void print_one(const struct lab_args *a, const struct lab_result *r, int json)
{
    json_t *doc;

    if (!json) {
        lab_report_text(stdout, r);
        if (a->expect_arg)
            lab_expect_text(stdout, &a->expect, r);
        return;
    }
    doc = lab_result_json(r);
    if (doc && a->expect_arg && json_object_set_new(doc, "expect",
                                                    lab_expect_json(&a->expect, r))) {
        json_decref(doc);
        doc = NULL;
    }
    cli_print_json(lab_json_dump(doc), NULL);
}

static int run_one(const struct lab_args *a, int json)
{
    struct lab_result r;
    int st = run(&a->o, &r);

    if (st == SL_EXIT_OK && !r.interrupted)
        st = client_check(a, &r);
    if (st == SL_EXIT_OK || (r.interrupted && r.requests))
        print_one(a, &r, json);
    if (r.interrupted)
        st = interrupted();
    else if (st == SL_EXIT_OK)
        st = store_check(&r);
    if (st == SL_EXIT_OK && a->expect_arg)
        st = expect_check(&a->expect, &r);
    lab_result_release(&r);
    return st;
}

/* --find-limit: timed open-loop steps chosen by lab_limit_next, then the limit and the model. */
static int run_limit(const struct lab_args *a, int json)
{
    struct lab_limit *l = sl_calloc(1, sizeof(*l));
    struct lab_opts o = a->o;
    double start = a->have_rate ? a->o.rate_rps : LAB_LIMIT_START_RPS, rate;
    int st = SL_EXIT_OK;

    if (!l)
        return cli_runtime_error("out of memory");
    if (!a->have_duration)
        o.duration_s = LAB_LIMIT_STEP_S;
    o.requests = 0;
    lab_limit_init(l, &o, &a->slo, a->max_errors);
    while (st == SL_EXIT_OK && (rate = lab_limit_next(l, start)) > 0) {
        struct lab_result r;

        o.rate_rps = rate;
        if (o.verbose)
            fprintf(stderr, "scalelab: find-limit step %d: %.4g req/s\n", l->n + 1, rate);
        st = run(&o, &r);
        if (st == SL_EXIT_OK)
            st = store_check(&r);
        if (st == SL_EXIT_OK)
            lab_limit_add(l, &r);
        else if (r.interrupted)
            st = interrupted();
        lab_result_release(&r);
    }
    if (st == SL_EXIT_OK) {
        lab_limit_finish(l);
        if (json)
            st = cli_print_json(lab_json_dump(lab_limit_json(l)), NULL);
        else
            lab_limit_text(stdout, l);
    }
    sl_free(l);
    return st;
}

static int run_compare(const struct lab_opts *base, int json)
{
    static const struct { enum lab_state state; int sticky; } modes[] = {
        { LAB_STATE_MEMORY, 0 }, { LAB_STATE_MEMORY, 1 }, { LAB_STATE_STORE, 0 },
        { LAB_STATE_TOKEN, 0 }
    };
    struct lab_result runs[4];
    int i, n = 0, st = SL_EXIT_OK;

    for (i = 0; i < 4 && st == SL_EXIT_OK; i++) {
        struct lab_opts o = *base;

        o.state = modes[i].state;
        o.sticky = modes[i].sticky;
        if (o.verbose)
            fprintf(stderr, "scalelab: lab run %d of 4: %s\n", i + 1, lab_mode_name(&o));
        st = run(&o, &runs[n++]);
    }
    if (st == SL_EXIT_OK) {
        if (json)
            st = cli_print_json(lab_json_dump(lab_compare_json(runs, n)), NULL);
        else
            lab_report_compare_text(stdout, runs, n);
    } else if (runs[n - 1].interrupted) {
        st = interrupted();
    }
    for (i = 0; i < n && st == SL_EXIT_OK; i++)
        st = store_check(&runs[i]);
    for (i = 0; i < n; i++)
        lab_result_release(&runs[i]);
    return st;
}

/* The options of one sweep point: k units of one future. */
static void sweep_opts(const struct lab_opts *base, enum lab_strategy strategy, int k,
                       struct lab_opts *o)
{
    *o = *base;
    o->backends = strategy == LAB_HORIZONTAL ? k : 1;
    o->vertical = strategy == LAB_VERTICAL ? k : 0;
    o->app_threads = strategy == LAB_VERTICAL ? k : 1;
    if (o->verbose)
        fprintf(stderr, "scalelab: sweep %s %d unit%s: %d backend%s, %d thread%s each%s\n",
                lab_strategy_name(strategy), k, k == 1 ? "" : "s", o->backends,
                o->backends == 1 ? "" : "s", o->app_threads, o->app_threads == 1 ? "" : "s",
                o->unit_cores > 0 ? ", CPU budgets" : "");
}

/* One point run and added to s; a failed store or Ctrl-C ends the sweep. */
static int sweep_point(struct lab_sweep *s, enum lab_strategy strategy, int k)
{
    struct lab_opts o;
    struct lab_result r;
    int st;

    sweep_opts(&s->opts, strategy, k, &o);
    st = run(&o, &r);
    if (st == SL_EXIT_OK)
        st = store_check(&r);
    if (st == SL_EXIT_OK)
        lab_sweep_add(s, strategy, k, &r);
    else if (r.interrupted)
        st = interrupted();
    lab_result_release(&r);
    return st;
}

static int write_sweep_csv(const struct lab_sweep *s, const char *csv)
{
    char *text = lab_sweep_csv(s);
    int st;

    if (!text)
        return cli_runtime_error("out of memory");
    st = cli_write_file(csv, text, strlen(text));
    sl_free(text);
    return st;
}

/*
 * Scale out (1..K backends of one unit) against scale up (one backend of 1..K units), in the
 * same state mode; one unit is one run, written for both futures.
 */
static int run_sweep(const struct lab_opts *base, int max_units, int json, const char *csv)
{
    struct lab_sweep *s = sl_calloc(1, sizeof(*s));
    int k, st = SL_EXIT_OK;

    if (!s)
        return cli_runtime_error("out of memory");
    s->opts = *base;
    for (k = 1; k <= max_units && st == SL_EXIT_OK; k++)
        st = sweep_point(s, LAB_HORIZONTAL, k);
    if (st == SL_EXIT_OK)
        lab_sweep_same(s, 0, LAB_VERTICAL);
    for (k = 2; k <= max_units && st == SL_EXIT_OK; k++)
        st = sweep_point(s, LAB_VERTICAL, k);
    if (st == SL_EXIT_OK && csv)
        st = write_sweep_csv(s, csv);
    if (st == SL_EXIT_OK && json)
        st = cli_print_json(lab_json_dump(lab_sweep_json(s)), NULL);
    else if (st == SL_EXIT_OK)
        lab_sweep_text(stdout, s);
    sl_free(s);
    return st;
}

/* Exit 1 with one line unless this process can make the cgroups of CPU budgets. */
static int check_cgroups(void)
{
    struct lab_cgroup cg;
    char err[PATH_MAX + 256];

    if (lab_cgroup_open(&cg, err, sizeof(err)))
        return cli_runtime_error("--cpu-per-backend: %s", err);
    lab_cgroup_close(&cg);
    return SL_EXIT_OK;
}

int cli_lab(struct cmd_input *in)
{
    struct lab_args a;
    struct lab_opts need;
    char err[LAB_TARGET_MAX + 320]; /* --target's URL and curl's words */
    int st;

    memset(&a, 0, sizeof(a));
    lab_opts_init(&a.o);
    st = read_args(in, &a);
    if (st)
        return st;
    st = check_target(in, &a);
    if (st)
        return st;
    st = check_args(&a);
    if (st)
        return st;
    a.o.verbose = !in->json;
    need = a.o;
    if (a.compare)
        need.state = LAB_STATE_STORE;
    if (!a.o.target && lab_check_programs(&need, err, sizeof(err)))
        return cli_runtime_error("%s", err);
    if (a.cpu_arg && (st = check_cgroups()) != SL_EXIT_OK)
        return st;
    lab_signals_install();
    if (lab_client_global_init())
        return cli_runtime_error("cannot initialise libcurl");
    if (a.o.target && lab_target_check(a.o.target, err, sizeof(err))) {
        lab_client_global_cleanup();
        return cli_runtime_error("%s", err);
    }
    if (a.find_limit)
        st = run_limit(&a, in->json);
    else if (a.sweep)
        st = run_sweep(&a.o, a.max_units, in->json, a.sweep_csv);
    else if (a.compare)
        st = run_compare(&a.o, in->json);
    else
        st = run_one(&a, in->json);
    lab_client_global_cleanup();
    return st;
}
