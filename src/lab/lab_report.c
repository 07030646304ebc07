/* The lab's reports: the text and JSON of one run and of --compare. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "scalelab/scalelab.h"
#include "commands/format.h"
#include "scalelab/json.h"
#include "lab/lab_cgroup.h"
#include "lab/lab_redis.h"
#include "lab/lab_report.h"
#include "banned.h"

static double lost_fraction(const struct lab_result *r)
{
    return r->post_login ? (double)r->sessions_lost / (double)r->post_login : NAN;
}

/* ---- JSON ---- */

/* Who answered as share[i], into name[LAB_NAME_LEN]: its X-Backend, or b<i+1>. */
static const char *share_name(const struct lab_result *r, int i, char *name)
{
    if (r->share_name[i][0])
        snprintf(name, LAB_NAME_LEN, "%s", r->share_name[i]);
    else
        snprintf(name, LAB_NAME_LEN, "b%d", i + 1);
    return name;
}

static json_t *share_json(const struct lab_result *r)
{
    json_t *a = json_array();
    int i, bad = !a;

    for (i = 0; i < r->servers && i < LAB_MAX_BACKENDS && !bad; i++) {
        json_t *o = json_object();
        char name[LAB_NAME_LEN];

        bad |= sl_json_put(o, "backend", json_string(share_name(r, i, name)));
        bad |= sl_json_put(o, "requests", sl_json_count(r->share[i]));
        bad |= json_array_append_new(a, sl_json_done(o, bad)) != 0;
    }
    if (r->share_other && !bad) {
        json_t *o = json_object();

        bad |= sl_json_put(o, "backend", json_string("none"));
        bad |= sl_json_put(o, "requests", sl_json_count(r->share_other));
        bad |= json_array_append_new(a, sl_json_done(o, bad)) != 0;
    }
    return sl_json_done(a, bad);
}

static json_t *events_json(const struct lab_result *r)
{
    json_t *a = json_array();
    int i, bad = !a;

    for (i = 0; i < r->n_events && !bad; i++) {
        json_t *o = json_object();

        bad |= sl_json_put(o, "t_s", json_real(round(r->events[i].t_s * 1000) / 1000));
        bad |= sl_json_put(o, "what", json_string(r->events[i].what));
        bad |= json_array_append_new(a, sl_json_done(o, bad)) != 0;
    }
    return sl_json_done(a, bad);
}

static json_t *seconds_json(const struct lab_result *r)
{
    json_t *a = json_array();
    int i, bad = !a;

    for (i = 0; i < r->n_secs && !bad; i++) {
        json_t *o = json_object();

        bad |= sl_json_put(o, "t_s", json_integer(i));
        bad |= sl_json_put(o, "requests", json_integer(r->sec_requests[i]));
        bad |= sl_json_put(o, "errors", json_integer(r->sec_errors[i]));
        bad |= sl_json_put(o, "sessions_lost", json_integer(r->sec_lost[i]));
        bad |= json_array_append_new(a, sl_json_done(o, bad)) != 0;
    }
    return sl_json_done(a, bad);
}

static json_t *errors_json(const struct lab_result *r)
{
    json_t *o = json_object();
    int k, bad = !o;

    for (k = 0; k < LAB_ERR_KINDS; k++)
        bad |= sl_json_put(o, lab_err_name((enum lab_err)k), sl_json_count(r->err[k]));
    return sl_json_done(o, bad);
}

static json_t *pids_json(const struct lab_result *r)
{
    json_t *o = json_object(), *apps = json_array();
    int i, bad = !o || !apps;

    for (i = 0; i < r->n_pids_apps && !bad; i++)
        bad |= json_array_append_new(apps, json_integer(r->pid_apps[i])) != 0;
    bad |= sl_json_put(o, "redis", r->pid_redis ? json_integer(r->pid_redis) : json_null());
    bad |= sl_json_put(o, "haproxy", r->pid_haproxy ? json_integer(r->pid_haproxy) :
                       json_null());
    bad |= sl_json_put(o, "apps", apps);
    return sl_json_done(o, bad);
}

/* null, or {"t_s", "what"} when the store died or stopped answering during the run. */
static json_t *store_failure_json(const struct lab_result *r)
{
    json_t *o;
    int bad;

    if (!r->store_failure[0])
        return json_null();
    o = json_object();
    bad = !o;
    bad |= sl_json_put(o, "t_s", json_real(round(r->store_failure_t_s * 1000) / 1000));
    bad |= sl_json_put(o, "what", json_string(r->store_failure));
    return sl_json_done(o, bad);
}

/* null, or each backend's CPU budget and how often it ran out. */
static json_t *budget_json(const struct lab_result *r)
{
    const struct lab_opts *o = &r->opts;
    double cores = lab_backend_cores(o);
    json_t *b;
    int bad;

    if (!lab_has_budget(r))
        return json_null();
    b = json_object();
    bad = !b;
    bad |= sl_json_put(b, "cores_per_backend", sl_json_num(cores));
    bad |= sl_json_put(b, "unit_cores", sl_json_num(o->unit_cores));
    bad |= sl_json_put(b, "units", json_integer(o->vertical > 0 ? o->vertical : 1));
    bad |= sl_json_put(b, "threads", json_integer(o->app_threads));
    bad |= sl_json_put(b, "cgroup", json_string(lab_cgroup_version_name(
                           (enum lab_cgroup_version)r->cgroup_version)));
    bad |= sl_json_put(b, "quota_us", json_integer(lround(cores * LAB_CGROUP_PERIOD_US)));
    bad |= sl_json_put(b, "period_us", json_integer(LAB_CGROUP_PERIOD_US));
    bad |= sl_json_put(b, "periods", sl_json_count(r->cg_periods));
    bad |= sl_json_put(b, "throttled_periods", sl_json_count(r->cg_throttled));
    bad |= sl_json_put(b, "throttled_fraction", sl_json_num(lab_throttled_fraction(r)));
    return sl_json_done(b, bad);
}

/* null, or how the lab's own redis-server kept its data and how often it was killed. */
static json_t *store_json(const struct lab_result *r)
{
    json_t *o;
    int bad;

    if (r->opts.target || r->opts.state != LAB_STATE_STORE)
        return json_null();
    o = json_object();
    bad = !o;
    bad |= sl_json_put(o, "durability", json_string(LAB_REDIS_DURABILITY));
    bad |= sl_json_put(o, "data_dir", json_string("redis-data"));
    bad |= sl_json_put(o, "kills", json_integer(r->store_kills));
    bad |= sl_json_put(o, "down_s", json_real(round(r->store_down_total_s * 1000) / 1000));
    return sl_json_done(o, bad);
}

/* What was acknowledged and what the read-back at the end did not find. */
static json_t *writes_json(const struct lab_result *r)
{
    json_t *o = json_object();
    int bad = !o;

    bad |= sl_json_put(o, "lost", sl_json_count(lab_writes_lost(r)));
    bad |= sl_json_put(o, "cart_lines_acknowledged", sl_json_count(r->lines_acked));
    bad |= sl_json_put(o, "cart_lines_lost", sl_json_count(r->lines_lost));
    bad |= sl_json_put(o, "cart_lines_unverified", sl_json_count(r->lines_unverified));
    bad |= sl_json_put(o, "sessions_read_back", sl_json_count(r->sessions_read_back));
    bad |= sl_json_put(o, "counter_increments_acknowledged", sl_json_count(r->counter_acked));
    bad |= sl_json_put(o, "counter_increments_lost", r->counter_final >= 0 ?
                       sl_json_count(lab_counter_lost(r)) : json_null());
    return sl_json_done(o, bad);
}

/* The extras of --target and --kill-store, after every older key. */
static int deploy_json(json_t *o, const struct lab_result *r)
{
    int bad = 0;

    bad |= sl_json_put(o, "target", r->opts.target ? json_string(r->opts.target) : json_null());
    bad |= sl_json_put(o, "store", store_json(r));
    bad |= sl_json_put(o, "writes", writes_json(r));
    return bad;
}

/* Which loop drove the load: the users of the closed loop, or the open loop's schedule. */
static json_t *load_json(const struct lab_result *r)
{
    const struct lab_opts *o = &r->opts;
    json_t *l = json_object();
    int bad = !l;

    bad |= sl_json_put(l, "loop", json_string(lab_loop_name(o)));
    if (!(o->rate_rps > 0)) {
        bad |= sl_json_put(l, "users", json_integer(o->users));
        return sl_json_done(l, bad);
    }
    bad |= sl_json_put(l, "rate_rps", sl_json_num(o->rate_rps));
    bad |= sl_json_put(l, "arrivals", json_string(lab_arrivals_name(o->arrivals)));
    bad |= sl_json_put(l, "seed", json_integer((json_int_t)r->seed));
    bad |= sl_json_put(l, "schedule_s", sl_json_num(r->schedule_s));
    bad |= sl_json_put(l, "rate_reached_rps", sl_json_num(r->rate_reached_rps));
    bad |= sl_json_put(l, "sent", sl_json_count(r->sent));
    bad |= sl_json_put(l, "unsent", sl_json_count(r->unsent));
    bad |= sl_json_put(l, "connections", json_integer(r->conns));
    bad |= sl_json_put(l, "connection_cap", json_integer(o->max_conns));
    bad |= sl_json_put(l, "cap_hit", json_boolean(r->waited > 0));
    bad |= sl_json_put(l, "waited_for_connection", sl_json_count(r->waited));
    return sl_json_done(l, bad);
}

json_t *lab_result_json(const struct lab_result *r)
{
    json_t *o = json_object(), *sub;
    int bad = !o;

    bad |= sl_json_put(o, "mode", json_string(lab_mode_name(&r->opts)));
    bad |= sl_json_put(o, "sticky", json_boolean(r->opts.sticky));
    bad |= sl_json_put(o, "backends", json_integer(r->opts.backends));
    /* an open loop has arrivals, not users (its connections are in "load") */
    bad |= sl_json_put(o, "users", r->opts.rate_rps > 0 ? json_null()
                                                       : json_integer(r->opts.users));
    bad |= sl_json_put(o, "requests", sl_json_count(r->requests));
    bad |= sl_json_put(o, "errors", sl_json_count(r->errors));
    bad |= sl_json_put(o, "sessions_lost", sl_json_count(r->sessions_lost));
    bad |= sl_json_put(o, "carts_wrong", sl_json_count(r->carts_wrong));
    bad |= sl_json_put(o, "counter_drift", sl_json_count(r->counter_drift));
    bad |= sl_json_put(o, "double_bookings", sl_json_count(r->double_bookings));
    bad |= sl_json_put(o, "share", share_json(r));
    bad |= sl_json_put(o, "p50_ms", sl_json_num(r->p50_ms));
    bad |= sl_json_put(o, "p99_ms", sl_json_num(r->p99_ms));
    bad |= sl_json_put(o, "throughput_rps", sl_json_num(r->throughput_rps));
    bad |= sl_json_put(o, "events", events_json(r));
    /* extras */
    bad |= sl_json_put(o, "loop", json_string(lab_loop_name(&r->opts)));
    bad |= sl_json_put(o, "load", load_json(r));
    bad |= sl_json_put(o, "servers", json_integer(r->servers));
    bad |= sl_json_put(o, "duration_s", sl_json_num(r->elapsed_s));
    bad |= sl_json_put(o, "work_us", json_integer(r->opts.work_us));
    bad |= sl_json_put(o, "budget", budget_json(r));
    bad |= sl_json_put(o, "logins", sl_json_count(r->logins));
    bad |= sl_json_put(o, "post_login_requests", sl_json_count(r->post_login));
    bad |= sl_json_put(o, "lost_fraction", sl_json_num(lost_fraction(r)));
    bad |= sl_json_put(o, "errors_by_kind", errors_json(r));
    bad |= sl_json_put(o, "client_replays", sl_json_count(r->replays));
    bad |= sl_json_put(o, "replays_from_store", sl_json_count(r->replays_from_store));
    bad |= sl_json_put(o, "duplicates", sl_json_count(r->duplicates));
    sub = json_object();
    bad |= !sub;
    bad |= sl_json_put(sub, "final", r->counter_final >= 0 ? json_integer(r->counter_final) :
                       json_null());
    bad |= sl_json_put(sub, "start", json_integer(r->counter_start));
    bad |= sl_json_put(sub, "acknowledged", sl_json_count(r->counter_acked));
    bad |= sl_json_put(sub, "unknown", sl_json_count(r->counter_unknown));
    bad |= sl_json_put(o, "counter", sl_json_done(sub, bad));
    sub = json_object();
    bad |= !sub;
    bad |= sl_json_put(sub, "acknowledged", sl_json_count(r->bookings));
    bad |= sl_json_put(sub, "seats", json_integer(LAB_SEATS));
    bad |= sl_json_put(o, "bookings", sl_json_done(sub, bad));
    /* a --target's apps and balancer are not the lab's processes: nothing of them is known */
    bad |= sl_json_put(o, "app_cpu_ms_per_request", r->opts.target ? json_null() :
                       sl_json_num(lab_cpu_ms_per_request(r)));
    if (r->opts.target) {
        bad |= sl_json_put(o, "haproxy", json_null());
    } else {
        sub = json_object();
        bad |= !sub;
        bad |= sl_json_put(sub, "retries", sl_json_count(r->lb_retries));
        bad |= sl_json_put(sub, "redispatches", sl_json_count(r->lb_redispatches));
        bad |= sl_json_put(o, "haproxy", sl_json_done(sub, bad));
    }
    bad |= sl_json_put(o, "per_second", seconds_json(r));
    bad |= sl_json_put(o, "pids", pids_json(r));
    bad |= sl_json_put(o, "run_dir", json_string(r->run_dir));
    bad |= sl_json_put(o, "interrupted", json_boolean(r->interrupted));
    bad |= sl_json_put(o, "store_failure", store_failure_json(r));
    bad |= deploy_json(o, r);
    return sl_json_done(o, bad);
}

json_t *lab_compare_json(const struct lab_result *runs, int n)
{
    json_t *doc = json_object(), *a = json_array();
    int i, bad = !doc || !a;

    for (i = 0; i < n && !bad; i++)
        bad |= json_array_append_new(a, lab_result_json(&runs[i])) != 0;
    bad |= sl_json_put(doc, "runs", a);
    return sl_json_done(doc, bad);
}

char *lab_json_dump(json_t *doc)
{
    return sl_json_dump(doc);
}

/* ---- text ---- */

static const char *mode_label(const struct lab_result *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s", lab_mode_name(&r->opts));
    return buf;
}

/* "  budget  0.2 cores per backend, 1 worker thread (cgroup v1 ...); ran out in 97 % ..." */
static void budget_text(FILE *to, const struct lab_result *r)
{
    const struct lab_opts *o = &r->opts;
    double cores = lab_backend_cores(o);

    if (!lab_has_budget(r))
        return;
    fprintf(to, "  budget           %g core%s per backend", cores, cores == 1 ? "" : "s");
    if (o->vertical > 0)
        fprintf(to, " (--vertical %d x %g)", o->vertical, o->unit_cores);
    fprintf(to, ", %d worker thread%s; %s %ld per %ld us\n", o->app_threads,
            o->app_threads == 1 ? "" : "s",
            lab_cgroup_version_text((enum lab_cgroup_version)r->cgroup_version),
            lround(cores * LAB_CGROUP_PERIOD_US), LAB_CGROUP_PERIOD_US);
    if (r->cg_periods)
        fprintf(to, "                   the quota ran out in %.0f %% of %llu periods\n",
                100 * lab_throttled_fraction(r), (unsigned long long)r->cg_periods);
}

/* The store's durability and outages, and the writes the read-back did not find. */
static void writes_text(FILE *to, const struct lab_result *r)
{
    char a[32], b[32], c[32], d[32], e[32], f[32];

    if (!r->opts.target && r->opts.state == LAB_STATE_STORE) {
        fprintf(to, "  durability       redis %s", LAB_REDIS_DURABILITY);
        if (r->store_kills)
            fprintf(to, "; killed %d time%s, down %.2f s", r->store_kills,
                    r->store_kills == 1 ? "" : "s", r->store_down_total_s);
        fputc('\n', to);
    }
    fprintf(to, "  writes lost      %s of %s acknowledged, read back at the end\n",
            cmd_fmt_count(a, sizeof(a), (double)lab_writes_lost(r)),
            cmd_fmt_count(b, sizeof(b), (double)(r->lines_acked + r->counter_acked)));
    fprintf(to, "                   cart lines %s of %s (%s unverified, %s sessions), counter "
            "%s of %s\n", cmd_fmt_count(a, sizeof(a), (double)r->lines_lost),
            cmd_fmt_count(b, sizeof(b), (double)r->lines_acked),
            cmd_fmt_count(c, sizeof(c), (double)r->lines_unverified),
            cmd_fmt_count(d, sizeof(d), (double)r->sessions_read_back),
            r->counter_final >= 0 ? cmd_fmt_count(e, sizeof(e), (double)lab_counter_lost(r)) :
            "unknown", cmd_fmt_count(f, sizeof(f), (double)r->counter_acked));
}

/* The run's first line: the lab's own fleet, or --target's deployment. */
static void header_text(FILE *to, const struct lab_result *r)
{
    char who[48], n[32];

    if (r->opts.rate_rps > 0)
        snprintf(who, sizeof(who), "open loop %s req/s",
                 cmd_fmt_count(n, sizeof(n), r->opts.rate_rps));
    else
        snprintf(who, sizeof(who), "%d users", r->opts.users);
    if (r->opts.target) {
        fprintf(to, "scalelab lab: target %s, %s, %.1f s\n\n", r->opts.target, who,
                r->elapsed_s);
        return;
    }
    fprintf(to, "scalelab lab: state %s, %s, %d backend%s, %s, %.1f s, "
            "%ld us of CPU per request\n\n", lab_mode_name(&r->opts),
            r->opts.sticky ? "sticky cookie" : "round robin", r->opts.backends,
            r->opts.backends == 1 ? "" : "s", who, r->elapsed_s, r->opts.work_us);
}

/* "  load  open loop: ..." or "closed loop: ...": which one ran, and what the open one reached. */
static void load_text(FILE *to, const struct lab_result *r)
{
    const struct lab_opts *o = &r->opts;
    char a[32], b[32], c[32];

    if (!(o->rate_rps > 0)) {
        fprintf(to, "  load             closed loop: %d users, each waits for its answer before "
                "sending again\n", o->users);
        return;
    }
    fprintf(to, "  load             open loop: %s req/s sent of %s asked (%s arrivals), %d of "
            "%d connections;\n                   latency counted from each intended send time\n",
            cmd_fmt_count(a, sizeof(a), r->rate_reached_rps),
            cmd_fmt_count(b, sizeof(b), o->rate_rps), lab_arrivals_name(o->arrivals), r->conns,
            o->max_conns);
    if (r->waited)
        fprintf(to, "                   the cap of %d connections was hit: %s arrivals waited "
                "for one\n", o->max_conns, cmd_fmt_count(a, sizeof(a), (double)r->waited));
    if (r->unsent)
        fprintf(to, "                   %s arrivals were never sent before the end\n",
                cmd_fmt_count(c, sizeof(c), (double)r->unsent));
}

void lab_report_text(FILE *to, const struct lab_result *r)
{
    char a[32], b[32], c[32], d[32], name[LAB_NAME_LEN];
    int i;

    header_text(to, r);
    load_text(to, r);
    budget_text(to, r);
    if (r->store_failure[0])
        fprintf(to, "  store            failed at %.2f s: %s\n", r->store_failure_t_s,
                r->store_failure);
    fprintf(to, "  requests         %s (%s req/s)\n", cmd_fmt_count(a, sizeof(a),
            (double)r->requests), cmd_fmt_count(b, sizeof(b), r->throughput_rps));
    fprintf(to, "  errors           %s", cmd_fmt_count(a, sizeof(a), (double)r->errors));
    for (i = 0; i < LAB_ERR_KINDS; i++)
        if (r->err[i])
            fprintf(to, "  %s %s", lab_err_name((enum lab_err)i),
                    cmd_fmt_count(a, sizeof(a), (double)r->err[i]));
    fprintf(to, "\n  sessions lost    %s (%.1f %% of %s requests after login)\n",
            cmd_fmt_count(a, sizeof(a), (double)r->sessions_lost),
            isnan(lost_fraction(r)) ? 0.0 : 100 * lost_fraction(r),
            cmd_fmt_count(b, sizeof(b), (double)r->post_login));
    fprintf(to, "  carts wrong      %s\n", cmd_fmt_count(a, sizeof(a), (double)r->carts_wrong));
    writes_text(to, r);
    if (r->replays)
        fprintf(to, "  replays          %s (resent after haproxy closed the connection "
                "silently)\n                   %s answered from the Idempotency-Key store, "
                "%s cart item%s doubled\n", cmd_fmt_count(a, sizeof(a), (double)r->replays),
                cmd_fmt_count(c, sizeof(c), (double)r->replays_from_store),
                cmd_fmt_count(b, sizeof(b), (double)r->duplicates),
                r->duplicates == 1 ? "" : "s");
    if (r->counter_final >= 0) {
        char start[40] = ""; /* a --target's counter need not start at 0 */

        if (r->counter_start)
            snprintf(start, sizeof(start), "start %lld, ", r->counter_start);
        fprintf(to, "  counter drift    %s (%sfinal %s, acknowledged %s, unknown %s)\n",
                cmd_fmt_count(a, sizeof(a), (double)r->counter_drift), start,
                cmd_fmt_count(b, sizeof(b), (double)r->counter_final),
                cmd_fmt_count(c, sizeof(c), (double)r->counter_acked),
                cmd_fmt_count(d, sizeof(d), (double)r->counter_unknown));
    } else {
        fprintf(to, "  counter drift    unknown (GET /counter failed)\n");
    }
    fprintf(to, "  double bookings  %s (%s bookings acknowledged on %d seats)\n",
            cmd_fmt_count(a, sizeof(a), (double)r->double_bookings),
            cmd_fmt_count(b, sizeof(b), (double)r->bookings), LAB_SEATS);
    fprintf(to, "  latency          p50 %s, p99 %s\n", cmd_fmt_seconds(a, sizeof(a),
            r->p50_ms / 1e3), cmd_fmt_seconds(b, sizeof(b), r->p99_ms / 1e3));
    fprintf(to, "  share           ");
    for (i = 0; i < r->servers && i < LAB_MAX_BACKENDS; i++)
        fprintf(to, " %s %.1f %%", share_name(r, i, name), r->requests ?
                100.0 * (double)r->share[i] / (double)r->requests : 0.0);
    if (r->opts.target)
        fprintf(to, "\n  app CPU          unknown: a --target's processes are not the lab's\n");
    else
        fprintf(to, "\n  app CPU          %.3f ms per request (haproxy retries %llu, "
                "redispatches %llu)\n", lab_cpu_ms_per_request(r),
                (unsigned long long)r->lb_retries, (unsigned long long)r->lb_redispatches);
    fprintf(to, "\nevents\n");
    for (i = 0; i < r->n_events; i++)
        fprintf(to, "  %7.2f s  %s\n", r->events[i].t_s, r->events[i].what);
}

void lab_report_compare_text(FILE *to, const struct lab_result *runs, int n)
{
    char m[32], a[32], b[32], c[32], d[32], e[32], f[32], g[32];
    int i;

    fprintf(to, "%-14s %9s %7s %9s %7s %6s %7s %7s %8s %8s\n", "mode", "requests", "errors",
            "lost", "lost %", "carts", "drift", "double", "p99 ms", "req/s");
    for (i = 0; i < n; i++) {
        const struct lab_result *r = &runs[i];
        double lf = lost_fraction(r);

        fprintf(to, "%-14s %9s %7s %9s %6.1f%% %6s %7s %7s %8.2f %8s\n",
                mode_label(r, m, sizeof(m)), cmd_fmt_count(a, sizeof(a), (double)r->requests),
                cmd_fmt_count(b, sizeof(b), (double)r->errors),
                cmd_fmt_count(c, sizeof(c), (double)r->sessions_lost),
                isnan(lf) ? 0.0 : 100 * lf,
                cmd_fmt_count(d, sizeof(d), (double)r->carts_wrong),
                cmd_fmt_count(e, sizeof(e), (double)r->counter_drift),
                cmd_fmt_count(f, sizeof(f), (double)r->double_bookings),
                isnan(r->p99_ms) ? 0.0 : r->p99_ms,
                cmd_fmt_count(g, sizeof(g), isnan(r->throughput_rps) ? 0 : r->throughput_rps));
    }
    fprintf(to, "\nlost: requests after login that met an unknown session; carts: carts that "
            "differ from\nwhat the user added; drift: counter vs acknowledged increments; "
            "double: seats booked twice\n");
    for (i = 0; i < n && !runs[i].replays; i++)
        ;
    if (i == n)
        return;
    fprintf(to, "replays (requests libcurl sent again after haproxy closed the connection "
            "silently):\n ");
    for (i = 0; i < n; i++)
        fprintf(to, " %s %llu%s", mode_label(&runs[i], m, sizeof(m)),
                (unsigned long long)runs[i].replays, runs[i].duplicates ? " (a cart item doubled)" :
                "");
    fputc('\n', to);
}
