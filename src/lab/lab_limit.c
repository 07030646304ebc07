/* --find-limit: the largest open-loop rate that meets a latency goal and an error budget. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "scalelab/scalelab.h"
#include "scalelab/json.h"
#include "commands/format.h"
#include "lab/lab_cgroup.h"
#include "lab/lab_limit.h"
#include "banned.h"

void lab_limit_init(struct lab_limit *l, const struct lab_opts *o, const struct sl_slo *slo,
                    double max_errors)
{
    memset(l, 0, sizeof(*l));
    l->opts = *o;
    l->slo = *slo;
    l->max_errors = max_errors;
    l->limit_rps = l->fail_rps = NAN;
}

/* The highest passing rate below the lowest failing one (NaN for none) and that failing one. */
static void bounds(const struct lab_limit *l, double *pass, double *fail)
{
    int i;

    *pass = *fail = NAN;
    for (i = 0; i < l->n; i++)
        if (!l->step[i].passed && !(l->step[i].rate_rps >= *fail))
            *fail = l->step[i].rate_rps;
    for (i = 0; i < l->n; i++)
        if (l->step[i].passed && !(l->step[i].rate_rps >= *fail) &&
            !(l->step[i].rate_rps <= *pass))
            *pass = l->step[i].rate_rps;
}

double lab_limit_next(const struct lab_limit *l, double start_rps)
{
    double pass, fail, next;

    if (l->n == 0)
        return start_rps;
    if (l->n >= LAB_LIMIT_MAX_STEPS)
        return 0;
    bounds(l, &pass, &fail);
    if (isnan(fail)) /* every step passed: higher */
        next = fmin(pass * LAB_LIMIT_FACTOR, LAB_MAX_RATE);
    else if (isnan(pass)) { /* every step failed: lower, while a step still measures */
        double d = l->opts.duration_s;

        next = fmax(fail / LAB_LIMIT_FACTOR,
                    fmax(LAB_LIMIT_MIN_RATE, d > 0 ? LAB_LIMIT_MIN_ARRIVALS / d : 0.0));
        if (next >= fail)
            return 0;
    }
    else if (fail / pass <= LAB_LIMIT_CLOSE)
        return 0;
    else
        next = sqrt(pass * fail);
    return next == pass || next == fail ? 0 : next;
}

/* The goal's statistic of a run, seconds: its percentile, or its mean. */
static double goal_statistic(const struct sl_slo *slo, const struct lab_result *r)
{
    if (slo->kind == SL_SLO_MEAN)
        return sl_hist_mean(r->latency);
    return sl_hist_quantile(r->latency, slo->quantile);
}

void lab_limit_add(struct lab_limit *l, const struct lab_result *r)
{
    struct lab_limit_step *s;
    double goal;

    if (l->n == LAB_LIMIT_MAX_STEPS)
        return;
    s = &l->step[l->n++];
    memset(s, 0, sizeof(*s));
    s->rate_rps = r->opts.rate_rps;
    s->reached_rps = r->rate_reached_rps;
    s->p50_ms = r->p50_ms;
    s->p99_ms = r->p99_ms;
    goal = goal_statistic(&l->slo, r);
    s->goal_ms = goal * 1e3;
    s->requests = r->requests;
    s->errors = r->errors;
    s->unsent = r->unsent;
    s->error_fraction = r->requests ? (double)r->errors / (double)r->requests : NAN;
    s->cpu_ms_per_request = lab_cpu_ms_per_request(r);
    /* every arrival sent, the goal met, the budget kept */
    s->passed = r->requests > 0 && r->unsent == 0 && goal <= l->slo.seconds &&
                s->error_fraction <= l->max_errors;
    l->app_cpu_s += r->app_cpu_s;
    l->requests += r->requests;
}

/*
 * M/M/c of the run's apps: c servers, one per worker thread of every backend, each with its
 * share of the CPU (a budget's cores over its threads, or this machine's CPUs over all threads
 * when they are fewer), serving at that share over the measured CPU per request.
 */
void lab_limit_finish(struct lab_limit *l)
{
    const struct lab_opts *o = &l->opts;
    double pass, fail, cores, mu;
    long threads = o->app_threads > 0 ? o->app_threads : LAB_APP_THREADS;

    bounds(l, &pass, &fail);
    l->limit_rps = pass;
    l->fail_rps = fail;
    l->cpu_ms_per_request = l->requests ? l->app_cpu_s * 1e3 / (double)l->requests : NAN;
    l->model_servers = threads * o->backends;
    if (o->unit_cores > 0)
        cores = lab_backend_cores(o) / (double)threads;
    else
        cores = fmin(1.0, (double)lab_cpu_cores() / (double)l->model_servers);
    l->model_server_cores = cores;
    if (o->target || !(l->cpu_ms_per_request > 0)) {
        /* a deployment's apps are not this lab's processes: their CPU is not measured */
        l->model_rps = NAN;
        return;
    }
    mu = cores * 1e3 / l->cpu_ms_per_request;
    l->model_rps = sl_mmc_max_rate(l->model_servers, mu,
                                   l->slo.kind == SL_SLO_MEAN ? 0.0 : l->slo.quantile,
                                   l->slo.seconds);
}

void lab_limit_text(FILE *to, const struct lab_limit *l)
{
    const struct lab_opts *o = &l->opts;
    char goal[32], a[32], b[32];
    int i;

    sl_slo_format(&l->slo, goal, sizeof(goal));
    if (o->target) /* a deployment's state, size and work are its own, not known here */
        fprintf(to, "scalelab lab --find-limit: target %s, %s arrivals, %.3g s a step\n",
                o->target, lab_arrivals_name(o->arrivals), o->duration_s);
    else
        fprintf(to, "scalelab lab --find-limit: state %s, %d backend%s, %s arrivals, %.3g s a "
                "step, %ld us of CPU per request\n", lab_mode_name(o), o->backends,
                o->backends == 1 ? "" : "s", lab_arrivals_name(o->arrivals), o->duration_s,
                o->work_us);
    fprintf(to, "goal %s with at most %.3g %% errors; latency from each intended send time\n\n",
            goal, 100 * l->max_errors);
    fprintf(to, "%5s %9s %9s %9s %9s %9s %8s  %s\n", "step", "rate", "reached", "p50 ms",
            "p99 ms", sl_slo_name(&l->slo), "errors", "result");
    for (i = 0; i < l->n; i++) {
        const struct lab_limit_step *s = &l->step[i];

        fprintf(to, "%5d %9s %9s %9.2f %9.2f %9.2f %7.2f%%  %s\n", i + 1,
                cmd_fmt_count(a, sizeof(a), s->rate_rps),
                cmd_fmt_count(b, sizeof(b), s->reached_rps), s->p50_ms, s->p99_ms, s->goal_ms,
                isnan(s->error_fraction) ? 0.0 : 100 * s->error_fraction,
                s->passed ? "pass" : s->unsent ? "fail (arrivals unsent)" : "fail");
    }
    fputc('\n', to);
    if (isnan(l->limit_rps))
        fprintf(to, "limit            none: even %s req/s missed the goal\n",
                cmd_fmt_count(a, sizeof(a), l->fail_rps));
    else if (isnan(l->fail_rps))
        fprintf(to, "limit            at least %s req/s (no step failed)\n",
                cmd_fmt_count(a, sizeof(a), l->limit_rps));
    else
        fprintf(to, "limit            %s req/s met the goal, %s req/s did not\n",
                cmd_fmt_count(a, sizeof(a), l->limit_rps),
                cmd_fmt_count(b, sizeof(b), l->fail_rps));
    if (isnan(l->model_rps))
        fprintf(to, "model            not run: %s\n", o->target ? "a --target's CPU per request "
                "is not measured here" : "no CPU per request was measured");
    else
        fprintf(to, "model            %s req/s: M/M/c with c = %ld servers of %.3g core%s, %.3f "
                "ms of CPU per request (measured)\n", cmd_fmt_count(a, sizeof(a), l->model_rps),
                l->model_servers, l->model_server_cores,
                l->model_server_cores == 1 ? "" : "s", l->cpu_ms_per_request);
}

static json_t *step_json(const struct lab_limit_step *s)
{
    json_t *o = json_object();
    int bad = !o;

    bad |= sl_json_put(o, "rate_rps", sl_json_num(s->rate_rps));
    bad |= sl_json_put(o, "rate_reached_rps", sl_json_num(s->reached_rps));
    bad |= sl_json_put(o, "p50_ms", sl_json_num(s->p50_ms));
    bad |= sl_json_put(o, "p99_ms", sl_json_num(s->p99_ms));
    bad |= sl_json_put(o, "goal_ms", sl_json_num(s->goal_ms));
    bad |= sl_json_put(o, "requests", sl_json_count(s->requests));
    bad |= sl_json_put(o, "errors", sl_json_count(s->errors));
    bad |= sl_json_put(o, "error_fraction", sl_json_num(s->error_fraction));
    bad |= sl_json_put(o, "unsent", sl_json_count(s->unsent));
    bad |= sl_json_put(o, "cpu_ms_per_request", sl_json_num(s->cpu_ms_per_request));
    bad |= sl_json_put(o, "passed", json_boolean(s->passed));
    return sl_json_done(o, bad);
}

json_t *lab_limit_json(const struct lab_limit *l)
{
    const struct lab_opts *o = &l->opts;
    json_t *d = json_object(), *steps = json_array(), *m = json_object();
    char goal[32];
    int i, bad = !d || !steps || !m;

    sl_slo_format(&l->slo, goal, sizeof(goal));
    bad |= sl_json_put(d, "mode", json_string(lab_mode_name(o)));
    bad |= sl_json_put(d, "backends", json_integer(o->backends));
    bad |= sl_json_put(d, "loop", json_string("open"));
    bad |= sl_json_put(d, "arrivals", json_string(lab_arrivals_name(o->arrivals)));
    bad |= sl_json_put(d, "step_s", sl_json_num(o->duration_s));
    bad |= sl_json_put(d, "work_us", json_integer(o->work_us));
    bad |= sl_json_put(d, "unit_cores", sl_json_num(o->unit_cores));
    bad |= sl_json_put(d, "slo", json_string(goal));
    bad |= sl_json_put(d, "max_errors", sl_json_num(l->max_errors));
    for (i = 0; i < l->n && !bad; i++)
        bad |= json_array_append_new(steps, step_json(&l->step[i])) != 0;
    bad |= sl_json_put(d, "steps", steps);
    bad |= sl_json_put(d, "limit_rps", sl_json_num(l->limit_rps));
    bad |= sl_json_put(d, "first_fail_rps", sl_json_num(l->fail_rps));
    bad |= sl_json_put(d, "cpu_ms_per_request", sl_json_num(l->cpu_ms_per_request));
    bad |= sl_json_put(m, "model", json_string("M/M/c"));
    bad |= sl_json_put(m, "servers", json_integer(l->model_servers));
    bad |= sl_json_put(m, "cores_per_server", sl_json_num(l->model_server_cores));
    bad |= sl_json_put(m, "limit_rps", sl_json_num(l->model_rps));
    bad |= sl_json_put(d, "model", sl_json_done(m, bad));
    return sl_json_done(d, bad);
}
