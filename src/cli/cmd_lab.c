/* `scalelab lab`: real app servers behind haproxy, a checking client, and what they lost. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lab/lab.h"
#include "banned.h"

enum {
    OPT_STATE = CLI_OWN, OPT_STICKY, OPT_BACKENDS, OPT_USERS, OPT_DURATION, OPT_REQUESTS,
    OPT_KILL, OPT_RESTART, OPT_ADD, OPT_WORK_US, OPT_THREADS, OPT_COMPARE, OPT_SWEEP,
    OPT_SWEEP_CSV
};

static const struct cli_flag own_flags[] = {
    { "state", required_argument, OPT_STATE, "WHERE",
      "where the apps keep sessions: memory, redis (default) or token", 0 },
    { "sticky", no_argument, OPT_STICKY, NULL, "haproxy pins each user to one backend (cookie)",
      0 },
    { "backends", required_argument, OPT_BACKENDS, "N", "app processes at the start (3)", 0 },
    { "users", required_argument, OPT_USERS, "U", "virtual users, each on its own connection "
      "(50)", 0 },
    { "duration", required_argument, OPT_DURATION, "S", "run for S seconds (e.g. 5, 5s, 500ms)",
      0 },
    { "requests", required_argument, OPT_REQUESTS, "N", "stop after N requests (20000)", 0 },
    { "kill", required_argument, OPT_KILL, "I@T", "kill -9 backend I at T, e.g. 2@1s "
      "(repeatable)", 0 },
    { "restart", required_argument, OPT_RESTART, "I@T", "start backend I again at T, same port "
      "(repeatable)", 0 },
    { "add", required_argument, OPT_ADD, "@T", "add a backend to haproxy at T, e.g. @2s "
      "(repeatable)", 0 },
    { "work-us", required_argument, OPT_WORK_US, "US", "CPU microseconds per request in each "
      "app (200)", 0 },
    { "threads", required_argument, OPT_THREADS, "T", "worker threads of each app (the app's "
      "default)", 0 },
    { "compare", no_argument, OPT_COMPARE, NULL, "run memory, memory+sticky, redis and token; "
      "one table", 0 },
    { "sweep", no_argument, OPT_SWEEP, NULL, "throughput at 1..N backends and 1..N threads, "
      "CPU per request", 0 },
    { "sweep-csv", required_argument, OPT_SWEEP_CSV, "FILE", "with --sweep: write "
      "backends,threads,throughput_rps,cpu_ms_per_request", 0 },
    { NULL, 0, 0, NULL, NULL, 0 }
};

struct lab_args {
    struct lab_opts o;
    int compare, sweep, have_duration, have_requests, n_adds;
    const char *action_arg[LAB_MAX_ACTIONS]; /* as given, for messages */
    const char *sweep_csv;
};

static int bad(const char *flag, const char *arg, const char *expected)
{
    return cli_usage_error("invalid --%s '%s' (expected %s)", flag, arg, expected);
}

/* "I@T" (I >= 1) or, for --add, "@T". */
static int parse_action(struct lab_args *a, enum lab_action_kind kind, const char *flag,
                        const char *arg)
{
    struct lab_action *act;
    const char *at = strchr(arg, '@');
    const char *expected = kind == LAB_ACT_ADD ? "@T, a time such as @2s" :
                           "I@T: a backend number and a time, such as 2@1s";
    long idx = 0;

    if (a->o.n_actions == LAB_MAX_ACTIONS)
        return cli_usage_error("too many --kill, --restart and --add (at most %d)",
                               LAB_MAX_ACTIONS);
    if (!at)
        return bad(flag, arg, expected);
    if (kind == LAB_ACT_ADD) {
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
    return SL_EXIT_OK;
}

static int own_option(int id, const char *arg, void *ctx)
{
    struct lab_args *a = ctx;
    double v;
    long n;

    switch (id) {
    case OPT_STATE:
        if (lab_state_parse(arg, &a->o.state))
            return bad("state", arg, "memory, redis or token");
        return SL_EXIT_OK;
    case OPT_STICKY:
        a->o.sticky = 1;
        return SL_EXIT_OK;
    case OPT_BACKENDS:
        if (sl_parse_count(arg, LAB_MAX_BACKENDS, &n) != SL_OK)
            return bad("backends", arg, "a whole number from 1 to 16");
        a->o.backends = (int)n;
        return SL_EXIT_OK;
    case OPT_USERS:
        if (sl_parse_count(arg, LAB_MAX_USERS, &n) != SL_OK)
            return bad("users", arg, "a whole number from 1 to 1000");
        a->o.users = (int)n;
        return SL_EXIT_OK;
    case OPT_DURATION:
        a->have_duration = 1;
        if (sl_sim_parse_time(arg, &a->o.duration_s) != SL_OK || !(a->o.duration_s > 0) ||
            a->o.duration_s > LAB_MAX_SECONDS)
            return bad("duration", arg, "a time from 1ms to 3600s, such as 5, 5s or 500ms");
        return SL_EXIT_OK;
    case OPT_REQUESTS:
        a->have_requests = 1;
        if (sl_parse_load(arg, &v) != SL_OK || v != floor(v) || v > 1e9)
            return bad("requests", arg, "a whole number from 1 to 1e9, such as 5000 or 20k");
        a->o.requests = (uint64_t)v;
        return SL_EXIT_OK;
    case OPT_KILL:
        return parse_action(a, LAB_ACT_KILL, "kill", arg);
    case OPT_RESTART:
        return parse_action(a, LAB_ACT_RESTART, "restart", arg);
    case OPT_ADD:
        return parse_action(a, LAB_ACT_ADD, "add", arg);
    case OPT_WORK_US:
        if (!strcmp(arg, "0")) {
            a->o.work_us = 0;
            return SL_EXIT_OK;
        }
        if (sl_parse_count(arg, 1000000L, &n) != SL_OK)
            return bad("work-us", arg, "a whole number of microseconds from 0 to 1000000");
        a->o.work_us = n;
        return SL_EXIT_OK;
    case OPT_THREADS:
        if (sl_parse_count(arg, 64, &n) != SL_OK)
            return bad("threads", arg, "a whole number from 1 to 64");
        a->o.app_threads = (int)n;
        return SL_EXIT_OK;
    case OPT_COMPARE:
        a->compare = 1;
        return SL_EXIT_OK;
    case OPT_SWEEP:
        a->sweep = 1;
        return SL_EXIT_OK;
    case OPT_SWEEP_CSV:
        a->sweep_csv = arg;
        return SL_EXIT_OK;
    default:
        return SL_EXIT_USAGE;
    }
}

/* Cross-flag rules, after every flag is known. */
static int check_args(struct lab_args *a)
{
    int i;

    if (a->have_duration && a->have_requests)
        return cli_usage_error("--duration and --requests cannot be combined");
    if (a->have_duration)
        a->o.requests = 0;
    if (a->compare && a->sweep)
        return cli_usage_error("--compare and --sweep cannot be combined");
    if (a->sweep_csv && !a->sweep)
        return cli_usage_error("--sweep-csv needs --sweep");
    if (a->sweep && a->o.n_actions)
        return cli_usage_error("--sweep takes no --kill, --restart or --add");
    if (a->compare && (a->o.sticky || a->o.state != LAB_STATE_REDIS))
        return cli_usage_error("--compare runs every --state itself, with and without "
                               "--sticky");
    if (a->o.backends + a->n_adds > LAB_MAX_BACKENDS)
        return cli_usage_error("too many backends: %d plus %d --add (at most %d)",
                               a->o.backends, a->n_adds, LAB_MAX_BACKENDS);
    for (i = 0; i < a->o.n_actions; i++) {
        const struct lab_action *act = &a->o.actions[i];

        if (act->kind != LAB_ACT_ADD && act->backend > a->o.backends + a->n_adds)
            return cli_usage_error("invalid --%s '%s' (expected a backend from 1 to %d)",
                                   act->kind == LAB_ACT_KILL ? "kill" : "restart",
                                   a->action_arg[i], a->o.backends + a->n_adds);
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

static int run_one(const struct lab_opts *o, int json)
{
    struct lab_result r;
    int st = run(o, &r);

    if (st == SL_EXIT_OK || (r.interrupted && r.requests)) {
        if (json)
            cli_print_json(lab_json_dump(lab_result_json(&r)), NULL);
        else
            lab_report_text(stdout, &r);
    }
    if (r.interrupted)
        st = interrupted();
    else if (st == SL_EXIT_OK)
        st = store_check(&r);
    lab_result_release(&r);
    return st;
}

static int run_compare(const struct lab_opts *base, int json)
{
    static const struct { enum lab_state state; int sticky; } modes[] = {
        { LAB_STATE_MEMORY, 0 }, { LAB_STATE_MEMORY, 1 }, { LAB_STATE_REDIS, 0 },
        { LAB_STATE_TOKEN, 0 }
    };
    struct lab_result runs[4];
    int i, n = 0, st = SL_EXIT_OK;

    for (i = 0; i < 4 && st == SL_EXIT_OK; i++) {
        struct lab_opts o = *base;

        o.state = modes[i].state;
        o.sticky = modes[i].sticky;
        if (o.verbose)
            fprintf(stderr, "scalelab: lab run %d of 4: %s%s\n", i + 1,
                    lab_state_name(o.state), o.sticky ? "+sticky" : "");
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

/* Scale out (1..N backends, one thread each) against scale up (one backend, 2..N threads). */
static int run_sweep(const struct lab_opts *base, int json, const char *csv)
{
    struct lab_sweep_point pts[2 * LAB_MAX_BACKENDS];
    int n = 0, i, st = SL_EXIT_OK, steps = base->backends;

    for (i = 0; i < 2 * steps - 1 && st == SL_EXIT_OK; i++) {
        struct lab_opts o = *base;
        struct lab_result r;

        o.backends = i < steps ? i + 1 : 1;
        o.app_threads = i < steps ? 1 : i - steps + 2;
        if (o.verbose)
            fprintf(stderr, "scalelab: sweep %d of %d: %d backend%s x %d thread%s\n", i + 1,
                    2 * steps - 1, o.backends, o.backends == 1 ? "" : "s", o.app_threads,
                    o.app_threads == 1 ? "" : "s");
        st = run(&o, &r);
        if (st == SL_EXIT_OK)
            st = store_check(&r);
        if (st == SL_EXIT_OK) {
            struct lab_sweep_point *p = &pts[n++];

            p->backends = o.backends;
            p->threads = o.app_threads;
            p->throughput_rps = r.throughput_rps;
            p->cpu_ms_per_request = r.requests ? r.app_cpu_s * 1e3 / (double)r.requests : NAN;
            p->p99_ms = r.p99_ms;
            p->requests = r.requests;
            p->errors = r.errors;
        } else if (r.interrupted) {
            st = interrupted();
        }
        lab_result_release(&r);
    }
    if (st != SL_EXIT_OK)
        return st;
    if (csv) {
        char *text = lab_sweep_csv(pts, n);

        if (!text)
            return cli_runtime_error("out of memory");
        st = cli_write_file(csv, text, strlen(text));
        sl_free(text);
        if (st)
            return st;
    }
    if (json)
        return cli_print_json(lab_json_dump(lab_sweep_json(pts, n)), NULL);
    lab_sweep_text(stdout, pts, n);
    return SL_EXIT_OK;
}

int cmd_lab(int argc, char **argv)
{
    struct lab_args a;
    struct lab_opts need;
    struct cli_common common;
    char err[256];
    int first, st;

    memset(&a, 0, sizeof(a));
    lab_opts_init(&a.o);
    st = cli_parse(argc, argv, "scalelab lab [--state memory|redis|token] [--sticky] "
                   "[--backends N] [--users U]\n"
                   "       [--duration S | --requests N] [--kill I@T] [--restart I@T] "
                   "[--add @T]\n       [--compare] [--sweep [--sweep-csv FILE]] [--json]\n\n"
                   "Starts redis-server, N `scalelab app` processes and haproxy on free "
                   "loopback ports, runs\nchecking users against them and reports what each "
                   "state store lost; stops everything at the end.\n"
                   "Redis gets a random password and haproxy's stats only a 0600 socket, both "
                   "in the 0700 run\ndirectory (docs/lab-security.md).\n"
                   "Exit status: 0 done, 1 a program is missing or failed, the store failed "
                   "mid-run, or Ctrl-C;\n2 bad usage", CLI_WITH_JSON, own_flags, own_option,
                   &a, &common, &first);
    if (st)
        return st < 0 ? SL_EXIT_OK : st;
    if (first < argc)
        return cli_usage_error("unexpected argument '%s'", argv[first]);
    if (cli_api_mode())
        return cli_usage_error("lab is not available in the API");
    st = check_args(&a);
    if (st)
        return st;
    a.o.verbose = !common.json;
    need = a.o;
    if (a.compare)
        need.state = LAB_STATE_REDIS;
    if (lab_check_programs(&need, err, sizeof(err)))
        return cli_runtime_error("%s", err);
    lab_signals_install();
    if (lab_client_global_init())
        return cli_runtime_error("cannot initialise libcurl");
    if (a.sweep)
        st = run_sweep(&a.o, common.json, a.sweep_csv);
    else if (a.compare)
        st = run_compare(&a.o, common.json);
    else
        st = run_one(&a.o, common.json);
    lab_client_global_cleanup();
    return st;
}
