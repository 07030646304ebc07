/* `scalelab lab`: real app servers behind haproxy, a checking client, and what they lost. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lab/lab.h"
#include "lab/lab_client.h"
#include "lab/lab_report.h"
#include "lab/lab_run.h"
#include "lab/lab_signals.h"
#include "banned.h"

static const char *const lab_states[] = { "memory", "sticky", "store", "token", NULL };

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
      .help = "worker threads of each app (default: the app's)", .surface = CMD_CLI },
    { .name = "compare", .type = CMD_FLAG, .help = "run memory, sticky, store and token; one "
      "table", .surface = CMD_CLI },
    { .name = "sweep", .type = CMD_FLAG, .help = "throughput at 1..N backends and 1..N "
      "threads, CPU per request", .surface = CMD_CLI },
    { .name = "sweep-csv", .type = CMD_FILE, .arg = "FILE", .help = "with --sweep: write "
      "backends,threads,throughput_rps,cpu_ms_per_request", .accepts = "a file path",
      .surface = CMD_CLI },
    { .name = NULL }
};

const struct cmd_def cli_def_lab = {
    .name = "lab",
    .summary = "app servers behind haproxy, a checking client: what each store loses",
    .synopsis = "[--state memory|sticky|store|token] [--backends N] [--users U]\n"
                "[--duration S | --requests N] [--kill I@T] [--restart I@T] [--add @T]\n"
                "[--compare] [--sweep [--sweep-csv FILE]] [--json]",
    .description = "Starts redis-server, N `scalelab app` processes and haproxy on free "
                   "loopback ports, runs checking users against them and reports what each "
                   "state store lost; stops everything at the end. Redis gets a random password "
                   "and haproxy's stats only a 0600 socket, both in the 0700 run directory "
                   "(docs/lab-security.md). Exit status: 0 done; 1 a program is missing or "
                   "failed, the store failed mid-run, or Ctrl-C; 2 bad usage.",
    .params = params,
    .shared = CMD_SHARED_JSON,
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
    if (cmd_given(in, "threads"))
        a->o.app_threads = (int)cmd_get(in, "threads")->integer;
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
                                    !strcmp(name, "restart") ? LAB_ACT_RESTART : LAB_ACT_ADD;

        st = parse_action(a, kind, name, in->values[i]);
        if (st)
            return st;
    }
    return SL_EXIT_OK;
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
    if (a->compare && (a->o.sticky || a->o.state != LAB_STATE_STORE))
        return cli_usage_error("--compare runs every --state itself");
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

int cli_lab(struct cmd_input *in)
{
    struct lab_args a;
    struct lab_opts need;
    char err[256];
    int st;

    memset(&a, 0, sizeof(a));
    lab_opts_init(&a.o);
    st = read_args(in, &a);
    if (st)
        return st;
    st = check_args(&a);
    if (st)
        return st;
    a.o.verbose = !in->json;
    need = a.o;
    if (a.compare)
        need.state = LAB_STATE_STORE;
    if (lab_check_programs(&need, err, sizeof(err)))
        return cli_runtime_error("%s", err);
    lab_signals_install();
    if (lab_client_global_init())
        return cli_runtime_error("cannot initialise libcurl");
    if (a.sweep)
        st = run_sweep(&a.o, in->json, a.sweep_csv);
    else if (a.compare)
        st = run_compare(&a.o, in->json);
    else
        st = run_one(&a.o, in->json);
    lab_client_global_cleanup();
    return st;
}
