/* One lab run: its processes started, the workload with its timed actions, everything stopped. */
/* SPDX-License-Identifier: MIT */
#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "scalelab/alloc.h"
#include "lab/lab_apps.h"
#include "lab/lab_cgroup.h"
#include "lab/lab_client.h"
#include "lab/lab_clock.h"
#include "lab/lab_haproxy.h"
#include "lab/lab_http.h"
#include "lab/lab_proc.h"
#include "lab/lab_redis.h"
#include "lab/lab_run.h"
#include "lab/lab_rundir.h"
#include "lab/lab_signals.h"
#include "banned.h"

#define POLL_S 0.1 /* haproxy's view of the servers is read this often during the workload */
#define BUDGET_INFLIGHT 8     /* requests haproxy gives a budgeted app per worker thread */
#define TARGET_PROBE_MS 3000L /* --target's GET /healthz before the run */

/* An app and what the run knows of it beyond the process. */
struct backend {
    struct lab_proc proc;
    int spare;          /* configured disabled in haproxy, for --add */
    int pending;        /* added, waiting to answer before haproxy enables it */
    char lb_status[16]; /* haproxy's last reported status: UP, DOWN, MAINT, ... */
    struct lab_cgroup_stat cg_base; /* its budget's cpu.stat when the workload started */
};

/* Everything one run owns. */
struct lab {
    const struct lab_opts *o;
    struct lab_result *r;
    char dir[200];                /* private run directory, "" until created */
    struct lab_group group;
    struct lab_ports ports;
    struct lab_redis redis;
    struct lab_haproxy haproxy;
    struct lab_cgroup cgroup;     /* the backends' budgets; dir "" without --cpu-per-backend */
    struct backend app[LAB_MAX_BACKENDS];
    int n_app;                    /* configured apps: initial plus spares */
    int n_added;                  /* spares started by --add so far */
    struct lab_app_cfg app_cfg;
    int action_done[LAB_MAX_ACTIONS];
    double t0;                    /* workload start on lab_now's clock, 0 before */
    int store_pending;            /* redis-server restarted, not answering yet */
    double store_down_t;          /* when it was killed, on t_rel's clock */
};

int lab_check_programs(const struct lab_opts *o, char *err, size_t errlen)
{
    char path[PATH_MAX];

    if (o->state == LAB_STATE_STORE && lab_find_program("redis-server", path, sizeof(path))) {
        snprintf(err, errlen, "lab needs redis-server (apt-get install redis-server)");
        return -1;
    }
    if (lab_find_program("haproxy", path, sizeof(path))) {
        snprintf(err, errlen, "lab needs haproxy (apt-get install haproxy)");
        return -1;
    }
    return 0;
}

static double t_rel(const struct lab *l)
{
    return l->t0 > 0 ? lab_now() - l->t0 : 0.0;
}

/* Records the first failure of the store during the run, on the timeline and in the result. */
static void store_failed(struct lab *l, const char *what)
{
    struct lab_result *r = l->r;

    lab_event_add(r, t_rel(l), "%s", what);
    if (r->store_failure[0])
        return;
    r->store_failure_t_s = t_rel(l);
    snprintf(r->store_failure, sizeof(r->store_failure), "%s", what);
}

/* ---- starting ---- */

/* Starts app i on its port (no waiting) and notes its pid in the result. */
static int app_spawn(struct lab *l, int i)
{
    struct lab_result *r = l->r;
    struct lab_proc *p = &l->app[i].proc;

    if (lab_app_spawn(&l->group, p, &l->app_cfg))
        return -1;
    if (r->n_pids_apps < (int)(sizeof(r->pid_apps) / sizeof(r->pid_apps[0])))
        r->pid_apps[r->n_pids_apps++] = p->pid;
    return 0;
}

/* Starts the initial apps together, then waits for each; a failed start gets a new port. */
static int apps_start(struct lab *l, char *err, size_t errlen)
{
    int i, tries;

    for (i = 0; i < l->o->backends; i++)
        if (app_spawn(l, i)) {
            snprintf(err, errlen, "cannot start backend %s: %s", l->app[i].proc.name,
                     strerror(errno));
            return -1;
        }
    for (i = 0; i < l->o->backends; i++)
        for (tries = 1;; tries++) {
            struct lab_proc *p = &l->app[i].proc;
            int st = lab_app_wait(p, err, errlen);

            if (st == 0)
                break;
            if (st < 0 || tries == LAB_SPAWN_TRIES)
                return -1;
            p->port = lab_port_pick(&l->ports);
            if (p->port < 0 || app_spawn(l, i)) {
                snprintf(err, errlen, "cannot start backend %s", p->name);
                return -1;
            }
        }
    return 0;
}

/*
 * With --cpu-per-backend, the run's own cgroup and in it one per app (spares included), each
 * with the app's quota; every app joins its own before exec. Returns 0, or -1 with err set.
 */
static int budgets_init(struct lab *l, char *err, size_t errlen)
{
    double cores = lab_backend_cores(l->o);
    int i;

    if (!(l->o->unit_cores > 0))
        return 0;
    if (lab_cgroup_open(&l->cgroup, err, errlen))
        return -1;
    l->r->cgroup_version = (int)l->cgroup.env.version;
    for (i = 0; i < l->n_app; i++) {
        struct lab_proc *p = &l->app[i].proc;

        if (lab_cgroup_add(&l->cgroup, p->name, cores, p->cgroup_procs,
                           sizeof(p->cgroup_procs), err, errlen))
            return -1;
    }
    return 0;
}

/*
 * Names every app (spares for --add included, so that haproxy's configuration never changes)
 * and gives each a port and its budget. Returns 0, or -1 with err set.
 */
static int backends_init(struct lab *l, char *err, size_t errlen)
{
    int i, adds = 0;

    for (i = 0; i < l->o->n_actions; i++)
        adds += l->o->actions[i].kind == LAB_ACT_ADD;
    l->n_app = l->o->backends + adds;
    for (i = 0; i < l->n_app; i++) {
        struct backend *b = &l->app[i];
        char name[16];

        snprintf(name, sizeof(name), "b%d", i + 1);
        lab_proc_init(&b->proc, l->dir, name);
        b->proc.must_exit_0 = 1; /* a sanitizer report exits nonzero */
        b->spare = i >= l->o->backends;
        b->proc.port = lab_port_pick(&l->ports);
        if (b->proc.port < 0) {
            snprintf(err, errlen, "no free loopback port: %s", strerror(errno));
            return -1;
        }
    }
    return budgets_init(l, err, errlen);
}

/*
 * A budgeted app is given BUDGET_INFLIGHT requests per thread, enough to keep it busy while
 * haproxy waits for a CPU on a loaded machine; the rest wait in haproxy's queue. Its health
 * check may queue behind those, each taking work_us / unit_cores, and a throttled app pauses
 * for most of a 100 ms CFS period: the check's timeout allows for both.
 */
static int budget_check_ms(const struct lab_opts *o)
{
    return 2000 + (int)(2.0 * BUDGET_INFLIGHT * (double)o->work_us / 1e3 / o->unit_cores);
}

/* haproxy in front of every app, spares disabled, once the initial apps answer. */
static int haproxy_start(struct lab *l, char *err, size_t errlen)
{
    struct lab_haproxy *h = &l->haproxy;
    int i;

    h->dir = l->dir;
    h->sticky = l->o->sticky;
    if (l->o->unit_cores > 0) {
        h->maxconn = BUDGET_INFLIGHT * (l->o->app_threads > 0 ? l->o->app_threads : 1);
        h->check_ms = budget_check_ms(l->o);
    }
    h->n_servers = l->n_app;
    for (i = 0; i < l->n_app; i++) {
        snprintf(h->servers[i].name, sizeof(h->servers[i].name), "%s", l->app[i].proc.name);
        h->servers[i].port = l->app[i].proc.port;
        h->servers[i].spare = l->app[i].spare;
    }
    if (lab_haproxy_start(h, &l->group, &l->ports, err, errlen))
        return -1;
    l->r->pid_haproxy = h->proc.pid;
    return 0;
}

/*
 * The run directory, then redis-server, the apps and haproxy, each healthy before the next.
 * On failure whatever started is left for lab_stop.
 */
static int lab_start(struct lab *l, char *err, size_t errlen)
{
    const struct lab_opts *o = l->o;

    if (lab_check_programs(o, err, errlen))
        return -1;
    lab_find_program("haproxy", l->haproxy.bin, sizeof(l->haproxy.bin));
    lab_find_program("redis-server", l->redis.bin, sizeof(l->redis.bin));
    if (lab_rundir_make(l->dir, sizeof(l->dir), o->verbose, err, errlen))
        return -1;
    snprintf(l->r->run_dir, sizeof(l->r->run_dir), "%s", l->dir);
    l->group.dir = l->dir;
    lab_proc_init(&l->redis.proc, l->dir, "redis");
    lab_proc_init(&l->haproxy.proc, l->dir, "haproxy");
    if (backends_init(l, err, errlen))
        return -1;
    l->app_cfg.state = o->state;
    l->app_cfg.work_us = o->work_us;
    l->app_cfg.threads = o->app_threads;
    if (o->state == LAB_STATE_TOKEN && lab_apps_token_key()) {
        snprintf(err, errlen, "cannot make a token key: %s", strerror(errno));
        return -1;
    }
    if (o->state == LAB_STATE_STORE) {
        if (lab_redis_start(&l->redis, &l->group, &l->ports, err, errlen))
            return -1;
        l->r->pid_redis = l->redis.proc.pid;
        l->app_cfg.redis_port = l->redis.proc.port;
        l->app_cfg.auth_file = l->redis.auth_file;
    }
    if (apps_start(l, err, errlen) || haproxy_start(l, err, errlen))
        return -1;
    return 0;
}

/* Every child stopped (apps first), then their budgets' cgroups and the run directory removed. */
static void lab_stop(struct lab *l)
{
    struct lab_proc *all[LAB_MAX_BACKENDS + 2];
    int n = 0, i;

    for (i = 0; i < l->n_app; i++)
        all[n++] = &l->app[i].proc;
    all[n++] = &l->haproxy.proc;
    all[n++] = &l->redis.proc;
    lab_group_stop(&l->group, all, n);
    lab_cgroup_close(&l->cgroup);
    lab_rundir_remove(l->dir);
}

/* ---- the timed actions ---- */

/* Each budget's cpu.stat now, or (collect) what changed since: periods and throttled ones. */
static void budgets_stat(struct lab *l, int collect)
{
    int i;

    for (i = 0; i < l->n_app && l->cgroup.dir[0]; i++) {
        struct backend *b = &l->app[i];
        struct lab_cgroup_stat now;

        if (lab_cgroup_read_stat(&l->cgroup, b->proc.name, &now))
            continue;
        if (collect && now.periods >= b->cg_base.periods) {
            l->r->cg_periods += now.periods - b->cg_base.periods;
            l->r->cg_throttled += now.throttled - b->cg_base.throttled;
        }
        b->cg_base = now;
    }
}

/* Counts an app's CPU since the workload started into cpu_acc, before it goes away. */
static void account_cpu(struct lab *l, struct lab_proc *p)
{
    if (l->t0 > 0)
        lab_proc_cpu_account(p);
}

/* --kill: SIGKILL, no warning to haproxy; its checks and the client find out. */
static void do_kill(struct lab *l, int i)
{
    struct lab_proc *p = &l->app[i].proc;
    pid_t pid = p->pid;
    double t;

    if (!pid) {
        lab_event_add(l->r, t_rel(l), "kill %s skipped: not running", p->name);
        return;
    }
    account_cpu(l, p);
    t = t_rel(l); /* the moment of the signal: clients may notice before waitpid returns */
    lab_proc_kill(p);
    lab_event_add(l->r, t, "kill -9 %s (pid %d)", p->name, (int)pid);
}

/* --restart: the same port, so that haproxy's server line finds it again. */
static void do_restart(struct lab *l, int i)
{
    struct lab_proc *p = &l->app[i].proc;

    if (p->pid) {
        lab_event_add(l->r, t_rel(l), "restart %s skipped: still running", p->name);
        return;
    }
    if (app_spawn(l, i)) {
        lab_event_add(l->r, t_rel(l), "restart %s failed: %s", p->name, strerror(errno));
        return;
    }
    p->cpu_base = 0;
    lab_event_add(l->r, t_rel(l), "restart %s on port %d (pid %d)", p->name, p->port,
                  (int)p->pid);
}

/* --add: starts the next spare; enable_pending puts it into rotation once it answers. */
static void do_add(struct lab *l)
{
    int i = l->o->backends + l->n_added;
    struct lab_proc *p = &l->app[i].proc;

    if (i >= l->n_app)
        return;
    l->n_added++;
    l->r->servers++;
    if (app_spawn(l, i)) {
        lab_event_add(l->r, t_rel(l), "add %s failed: %s", p->name, strerror(errno));
        return;
    }
    p->cpu_base = 0;
    l->app[i].pending = 1;
    lab_event_add(l->r, t_rel(l), "add %s on port %d (pid %d)", p->name, p->port, (int)p->pid);
}

/* An added app that answers /healthz leaves maintenance; haproxy's checks then bring it UP. */
static void enable_pending(struct lab *l)
{
    int i;

    for (i = 0; i < l->n_app; i++) {
        struct backend *b = &l->app[i];
        char out[256];

        if (!b->pending || !b->proc.pid || !lab_http_healthy(b->proc.port))
            continue;
        b->pending = 0;
        if (lab_haproxy_enable(&l->haproxy, b->proc.name, out, sizeof(out)) == 0)
            lab_event_add(l->r, t_rel(l), "%s enabled in haproxy", b->proc.name);
        else
            lab_event_add(l->r, t_rel(l), "enabling %s in haproxy failed: %.40s", b->proc.name,
                          out);
    }
}

/* --kill-store: SIGKILL redis-server; its data directory stays for the restart. */
static void do_kill_store(struct lab *l)
{
    struct lab_proc *p = &l->redis.proc;
    pid_t pid = p->pid;
    double t;

    if (!pid) {
        lab_event_add(l->r, t_rel(l), "kill redis-server skipped: not running");
        return;
    }
    t = t_rel(l);
    lab_proc_kill(p);
    l->r->store_kills++;
    l->store_down_t = t;
    lab_event_add(l->r, t, "kill -9 redis-server (pid %d)", (int)pid);
}

/* After --down: redis-server again on its port, from its append-only file. */
static void do_restart_store(struct lab *l)
{
    struct lab_proc *p = &l->redis.proc;
    char what[LAB_EVENT_LEN];

    if (p->pid) {
        lab_event_add(l->r, t_rel(l), "restart redis-server skipped: still running");
        return;
    }
    if (lab_redis_restart(&l->redis, &l->group)) {
        snprintf(what, sizeof(what), "restart of redis-server failed: %s", strerror(errno));
        store_failed(l, what);
        return;
    }
    l->r->pid_redis = p->pid;
    l->store_pending = 1;
    lab_event_add(l->r, t_rel(l), "restart redis-server on port %d (pid %d), same data",
                  p->port, (int)p->pid);
}

/* A restarted redis-server that answers PING again ends its outage. */
static void store_back(struct lab *l)
{
    double t;

    if (!l->store_pending || !l->redis.proc.pid || !lab_redis_ping(&l->redis))
        return;
    t = t_rel(l);
    l->store_pending = 0;
    l->r->store_down_total_s += t - l->store_down_t;
    lab_event_add(l->r, t, "redis-server answers again, %.2f s after the kill",
                  t - l->store_down_t);
}

/*
 * At the end of the workload the store must answer for the read-back: a restart still due is
 * done now, and the store is given LAB_START_TIMEOUT_S to answer.
 */
static void store_settle(struct lab *l)
{
    double until;
    int i;

    for (i = 0; i < l->o->n_actions; i++)
        if (!l->action_done[i] && l->o->actions[i].kind == LAB_ACT_RESTART_STORE) {
            l->action_done[i] = 1;
            do_restart_store(l);
        }
    for (until = lab_now() + LAB_START_TIMEOUT_S; l->store_pending && lab_now() < until;) {
        store_back(l);
        if (l->store_pending)
            lab_sleep_s(0.05);
    }
}

static void run_actions(struct lab *l)
{
    double t = t_rel(l);
    int i;

    for (i = 0; i < l->o->n_actions; i++) {
        const struct lab_action *a = &l->o->actions[i];

        if (l->action_done[i] || a->t_s > t)
            continue;
        /* a loaded machine may kill late: the store stays down --down after the kill itself */
        if (a->kind == LAB_ACT_RESTART_STORE && l->r->store_kills &&
            t < l->store_down_t + l->o->store_down_s)
            continue;
        l->action_done[i] = 1;
        if (a->kind == LAB_ACT_KILL)
            do_kill(l, a->backend - 1);
        else if (a->kind == LAB_ACT_RESTART)
            do_restart(l, a->backend - 1);
        else if (a->kind == LAB_ACT_KILL_STORE)
            do_kill_store(l);
        else if (a->kind == LAB_ACT_RESTART_STORE)
            do_restart_store(l);
        else
            do_add(l);
    }
}

/* ---- watching ---- */

/* During the workload: one timeline entry per change of a server's UP/DOWN/MAINT state. */
static void note_status(void *ctx, int server, const char *status, const char *check)
{
    struct lab *l = ctx;
    struct backend *b = &l->app[server];
    char word[16];

    (void)check;
    snprintf(word, sizeof(word), "%.*s", (int)strcspn(status, " "), status);
    if (!strcmp(word, "NOLB"))
        return;
    if (b->lb_status[0] && strcmp(b->lb_status, word))
        lab_event_add(l->r, t_rel(l), "haproxy: %s %s", b->proc.name, word);
    snprintf(b->lb_status, sizeof(b->lb_status), "%s", word);
}

/* Notes children that died on their own; returns -1 if haproxy did (the run cannot go on). */
static int watch_children(struct lab *l, char *err, size_t errlen)
{
    int i, status;
    char how[32];

    for (i = 0; i < l->n_app; i++)
        if (lab_proc_reaped(&l->app[i].proc, &status)) {
            lab_status_text(status, how, sizeof(how));
            lab_event_add(l->r, t_rel(l), "%s exited on its own (%s)", l->app[i].proc.name,
                          how);
        }
    if (lab_proc_reaped(&l->redis.proc, &status)) {
        char what[LAB_EVENT_LEN];

        lab_redis_end_text(status, what, sizeof(what));
        store_failed(l, what);
    }
    if (lab_proc_reaped(&l->haproxy.proc, &status)) {
        char tail[200];

        lab_status_text(status, how, sizeof(how));
        lab_proc_log_tail(&l->haproxy.proc, tail, sizeof(tail));
        snprintf(err, errlen, "haproxy exited during the run (%s): %s", how, tail);
        return -1;
    }
    return 0;
}

/* ---- the workload ---- */

/* Lets the kernel give each virtual user its connection: the soft descriptor limit to the hard. */
static void raise_fd_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* Where the client sends: --target's URL, or haproxy's frontend. */
static void base_url(const struct lab *l, char *out, size_t outlen)
{
    if (l->o->target)
        snprintf(out, outlen, "%s", l->o->target);
    else
        snprintf(out, outlen, "http://127.0.0.1:%d", l->haproxy.proc.port);
}

/* The client started on haproxy's frontend (or --target), the clock and the CPU from now. */
static struct lab_client *workload_start(struct lab *l, char *err, size_t errlen)
{
    struct lab_client_cfg cfg;
    int i;

    memset(&cfg, 0, sizeof(cfg));
    cfg.port = l->haproxy.proc.port;
    cfg.base_url = l->o->target;
    cfg.users = l->o->users;
    cfg.duration_s = l->o->duration_s;
    cfg.requests = l->o->requests;
    cfg.rate_rps = l->o->rate_rps;
    cfg.arrivals = l->o->arrivals;
    cfg.max_conns = l->o->max_conns;
    cfg.seed = l->o->seed ? l->o->seed : (uint64_t)getpid();
    l->r->seed = cfg.seed;
    if (cfg.rate_rps > 0 && !(cfg.duration_s > 0)) /* N requests: N / rate s of arrivals */
        cfg.duration_s = (double)cfg.requests / cfg.rate_rps;
    if (l->o->target) {
        l->t0 = cfg.t0 = lab_now();
        if (cfg.rate_rps > 0)
            lab_event_add(l->r, 0, "start: %s arrivals at %g req/s on %s",
                          lab_arrivals_name(cfg.arrivals), cfg.rate_rps, l->o->target);
        else
            lab_event_add(l->r, 0, "start: %d users on %s", l->o->users, l->o->target);
        return lab_client_start(&cfg, err, errlen);
    }
    lab_haproxy_stat(&l->haproxy, note_status, l, NULL, NULL);
    l->t0 = cfg.t0 = lab_now();
    for (i = 0; i < l->n_app; i++)
        lab_proc_cpu_mark(&l->app[i].proc);
    budgets_stat(l, 0);
    if (cfg.rate_rps > 0)
        lab_event_add(l->r, 0, "start: %s arrivals at %g req/s on %d backend%s (%s%s)",
                      lab_arrivals_name(cfg.arrivals), cfg.rate_rps, l->o->backends,
                      l->o->backends == 1 ? "" : "s", lab_state_name(l->o->state),
                      l->o->sticky ? ", sticky" : "");
    else
        lab_event_add(l->r, 0, "start: %d users on %d backend%s (%s%s)", l->o->users,
                      l->o->backends, l->o->backends == 1 ? "" : "s",
                      lab_state_name(l->o->state), l->o->sticky ? ", sticky" : "");
    return lab_client_start(&cfg, err, errlen);
}

/* The backends that answered: the last slot of share (b<N>, then other names) in use. */
static int servers_seen(const struct lab_result *r)
{
    int i, n = 0;

    for (i = 0; i < LAB_MAX_BACKENDS; i++)
        if (r->share[i])
            n = i + 1;
    return n;
}

/*
 * After the client stopped: what it counted, the apps' CPU, haproxy's counters, then (ok) the
 * read-back of every session's cart and the counter.
 */
static void workload_collect(struct lab *l, struct lab_client *c, int ok)
{
    char base[LAB_TARGET_MAX + 1];
    int i;

    lab_client_collect(c, l->r);
    lab_event_add(l->r, l->r->elapsed_s, "end");
    for (i = 0; i < l->n_app; i++) {
        account_cpu(l, &l->app[i].proc);
        l->r->app_cpu_s += l->app[i].proc.cpu_acc;
    }
    budgets_stat(l, 1);
    if (l->o->target)
        l->r->servers = servers_seen(l->r);
    if (!ok || (!l->o->target && !l->haproxy.proc.pid))
        return;
    if (!l->o->target)
        lab_haproxy_stat(&l->haproxy, NULL, NULL, &l->r->lb_retries, &l->r->lb_redispatches);
    lab_client_verify(c, l->r);
    base_url(l, base, sizeof(base));
    if (lab_http_get_counter_url(base, &l->r->counter_final))
        l->r->counter_final = -1;
}

/* One tick of the lab's own fleet: the timed actions, haproxy's view, the children. */
static int watch(struct lab *l, double *next_poll, char *err, size_t errlen)
{
    run_actions(l);
    enable_pending(l);
    store_back(l);
    if (t_rel(l) >= *next_poll) {
        lab_haproxy_stat(&l->haproxy, note_status, l, NULL, NULL);
        *next_poll = t_rel(l) + POLL_S;
    }
    return watch_children(l, err, errlen);
}

/*
 * The client's users run on their threads while this (main) thread applies the timed actions,
 * watches haproxy's view of the servers and the children (none of it with --target). Forks
 * happen only here: a child's PR_SET_PDEATHSIG follows the thread that forked it, which must
 * outlive the child.
 */
static int workload(struct lab *l, char *err, size_t errlen)
{
    struct lab_client *c = workload_start(l, err, errlen);
    double next_poll = 0, schedule_s = 0;
    int st = 0;

    if (!c)
        return -1;
    /* an open loop lasts its whole schedule, even past its last arrival's answer, so that a
     * rate is requests over the time asked for */
    if (l->o->rate_rps > 0)
        schedule_s = l->o->duration_s > 0 ? l->o->duration_s
                                          : (double)l->o->requests / l->o->rate_rps;
    while ((lab_client_running(c) || t_rel(l) < schedule_s) && !lab_interrupted()) {
        if (!l->o->target && watch(l, &next_poll, err, errlen)) {
            st = -1;
            break;
        }
        lab_sleep_s(0.01);
    }
    lab_client_stop(c);
    l->r->elapsed_s = t_rel(l);
    /* the store must have lasted the whole run: still there, and still answering */
    if (st == 0 && !l->o->target && watch_children(l, err, errlen))
        st = -1;
    if (st == 0 && !l->o->target)
        store_settle(l);
    if (l->o->state == LAB_STATE_STORE && !l->o->target && l->redis.proc.pid &&
        !lab_redis_ping(&l->redis))
        store_failed(l, "redis-server stopped answering");
    workload_collect(l, c, st == 0 && !lab_interrupted());
    lab_client_free(c);
    return st;
}

int lab_target_check(const char *target, char *err, size_t errlen)
{
    char why[CURL_ERROR_SIZE];
    long status = lab_http_get_url(target, "/healthz", TARGET_PROBE_MS, NULL, 0, why,
                                   sizeof(why));

    if (status == 200)
        return 0;
    if (status == 0)
        snprintf(err, errlen, "cannot reach --target '%s': GET /healthz: %s", target, why);
    else
        snprintf(err, errlen, "--target '%s' answered GET /healthz with HTTP %ld (expected 200 "
                 "from an app of docs/lab-protocol.md)", target, status);
    return -1;
}

/* --target: nothing started; the counter's value before the workload is its baseline. */
static int target_run(struct lab *l, char *err, size_t errlen)
{
    if (lab_http_get_counter_url(l->o->target, &l->r->counter_start)) {
        snprintf(err, errlen, "cannot read GET /counter of --target '%s'", l->o->target);
        return -1;
    }
    return workload(l, err, errlen);
}

int lab_run(const struct lab_opts *o, struct lab_result *r, char *err, size_t errlen)
{
    struct lab *l = sl_calloc(1, sizeof(*l));
    int st;

    if (!l) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    l->o = o;
    l->r = r;
    r->servers = o->backends;
    raise_fd_limit();
    if (o->target) {
        st = target_run(l, err, errlen);
        r->interrupted = lab_interrupted();
        lab_result_finish(r);
        sl_free(l);
        return st;
    }
    st = lab_start(l, err, errlen);
    if (st == 0) {
        if (o->verbose)
            fprintf(stderr, "scalelab: lab ready in %s (haproxy stats: socket "
                    "%s/haproxy.sock)\n", l->dir, l->dir);
        st = workload(l, err, errlen);
    }
    lab_stop(l);
    r->interrupted = lab_interrupted();
    lab_result_finish(r);
    lab_redis_forget(&l->redis);
    sl_free(l);
    return st;
}
