/* JSON encoding of a simulation result, shared by the CLI's --json and the HTTP API. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <math.h>
#include <stdint.h>

#include "scalelab/alloc.h"
#include "scalelab/sim.h"
#include "banned.h"

/* A number, or null when it is NaN or infinite (JSON has neither). */
static json_t *num(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

static json_t *count(uint64_t n)
{
    return n <= (uint64_t)INT64_MAX ? json_integer((json_int_t)n) : json_real((double)n);
}

/* Sets o[k] = v, taking v; returns nonzero if v is NULL or the set fails. */
static int put(json_t *o, const char *k, json_t *v)
{
    return !v || json_object_set_new(o, k, v) != 0;
}

static json_t *pair(double lo, double hi)
{
    json_t *a = json_array();

    if (a && (json_array_append_new(a, num(lo)) || json_array_append_new(a, num(hi)))) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static json_t *ci_json(const struct sl_sim_ci *ci)
{
    json_t *o = json_object();
    int bad = !o;

    if (bad)
        return NULL;
    bad |= put(o, "mean", num(ci->mean));
    bad |= put(o, "ci95", pair(ci->lo, ci->hi));
    bad |= put(o, "std_err", num(ci->std_err));
    bad |= put(o, "batches", json_integer(ci->batches));
    bad |= put(o, "batch_size", count(ci->batch_size));
    bad |= put(o, "lag1", num(ci->lag1));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *response_json(const struct sl_sim_result *r)
{
    json_t *o = json_object();
    int bad = !o;

    if (bad)
        return NULL;
    bad |= put(o, "mean", num(r->resp_mean));
    bad |= put(o, "p50", num(r->resp_p50));
    bad |= put(o, "p90", num(r->resp_p90));
    bad |= put(o, "p99", num(r->resp_p99));
    bad |= put(o, "p999", num(r->resp_p999));
    bad |= put(o, "mean_ci95", pair(r->resp_ci_lo, r->resp_ci_hi));
    bad |= put(o, "max", num(r->resp_max));
    bad |= put(o, "ci_method", json_string(r->replications >= 2 ? "replications"
                                                                : "batch_means"));
    bad |= put(o, "batch_means", ci_json(&r->batch_ci));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *wait_json(const struct sl_sim_result *r)
{
    json_t *o = json_object();
    int bad = !o;

    if (bad)
        return NULL;
    bad |= put(o, "mean", num(r->wait_mean));
    bad |= put(o, "p99", num(r->wait_p99));
    bad |= put(o, "p50", num(r->wait_p50));
    bad |= put(o, "batch_means", ci_json(&r->wait_ci));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *servers_json(const struct sl_sim_result *r)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; a && i < r->n_servers; i++) {
        const struct sl_sim_server_stats *s = &r->servers[i];
        json_t *o = json_object();
        int bad = !o;

        if (!bad) {
            bad |= put(o, "id", json_integer(s->id));
            bad |= put(o, "utilization", num(s->utilization));
            bad |= put(o, "share", num(s->share));
            bad |= put(o, "added", json_boolean(s->added));
            bad |= put(o, "up_s", num(s->up_s));
            bad |= put(o, "routed", count(s->routed));
            bad |= put(o, "completed", count(s->completed));
        }
        if (bad) {
            json_decref(o);
            o = NULL;
        }
        if (!o || json_array_append_new(a, o)) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

static json_t *state_json(const struct sl_sim_result *r)
{
    json_t *o = json_object();
    int bad = !o;

    if (bad)
        return NULL;
    bad |= put(o, "mode", json_string(sl_state_name(r->state)));
    bad |= put(o, "sessions_lost", count(r->sessions_lost));
    bad |= put(o, "lost_fraction", num(r->lost_fraction));
    bad |= put(o, "counter_error", num(r->counter_error));
    bad |= put(o, "lock_violations", count(r->lock_violations));
    bad |= put(o, "session_requests", count(r->session_requests));
    bad |= put(o, "sessions_destroyed", count(r->sessions_destroyed));
    bad |= put(o, "locks_taken", count(r->locks_taken));
    bad |= put(o, "lock_conflicts", count(r->lock_conflicts));
    bad |= put(o, "store_utilization", num(r->store_utilization));
    bad |= put(o, "store_mean_delay_s", num(r->store_mean_delay_s));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *window_json(const struct sl_sim_result *r)
{
    json_t *o = json_object();
    int bad = !o;

    if (bad)
        return NULL;
    bad |= put(o, "warmup_s", num(r->warmup_s));
    bad |= put(o, "stop_s", num(r->stop_s));
    bad |= put(o, "offered", count(r->window_offered));
    bad |= put(o, "completed", count(r->window_completed));
    bad |= put(o, "dropped", count(r->window_dropped));
    bad |= put(o, "timed_out", count(r->window_timed_out));
    bad |= put(o, "failed", count(r->window_failed));
    bad |= put(o, "drop_fraction", num(r->drop_fraction));
    bad |= put(o, "offered_rps", num(r->offered_rps));
    bad |= put(o, "mser5_warmup_s", num(r->mser_warmup_s));
    bad |= put(o, "warmup_sufficient", json_boolean(r->warmup_sufficient));
    bad |= put(o, "little_L", num(r->little_l));
    bad |= put(o, "little_lambda", num(r->little_lambda));
    bad |= put(o, "little_W", num(r->little_w));
    bad |= put(o, "little_rel_error", num(r->little_rel_error));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *reps_json(const struct sl_sim_result *r)
{
    json_t *o = json_object(), *runs = json_array();
    int bad = !o || !runs;
    size_t i;

    for (i = 0; !bad && i < r->n_reps; i++) {
        const struct sl_sim_rep *p = &r->reps[i];
        json_t *e = json_object();

        bad = !e;
        if (!bad) {
            bad |= put(e, "seed", count(p->seed));
            bad |= put(e, "offered", count(p->offered));
            bad |= put(e, "completed", count(p->completed));
            bad |= put(e, "dropped", count(p->dropped));
            bad |= put(e, "timed_out", count(p->timed_out));
            bad |= put(e, "failed", count(p->failed));
            bad |= put(e, "throughput_rps", num(p->throughput_rps));
            bad |= put(e, "mean_response_s", num(p->mean_response_s));
            bad |= put(e, "mean_wait_s", num(p->mean_wait_s));
            bad |= put(e, "drop_fraction", num(p->drop_fraction));
            bad |= put(e, "unstable", json_boolean(p->unstable));
        }
        if (bad || json_array_append_new(runs, e)) {
            json_decref(e);
            bad = 1;
        }
    }
    if (!bad) {
        bad |= put(o, "count", json_integer(r->replications));
        bad |= put(o, "mean_response_s", ci_json(&r->rep_ci));
        bad |= put(o, "runs", runs);
        runs = NULL;
    }
    json_decref(runs);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *inputs_json(const struct sl_sim_config *c)
{
    json_t *o = json_object();
    int bad = !o;

    if (bad)
        return NULL;
    bad |= put(o, "servers", json_integer(c->servers));
    bad |= put(o, "cores", json_integer(c->cores));
    bad |= put(o, "load_rps", c->n_curve ? json_null() : num(c->load_rps));
    bad |= put(o, "curve_points", json_integer((json_int_t)c->n_curve));
    bad |= put(o, "service_s", num(c->service_s));
    bad |= put(o, "dist", json_string(sl_rng_dist_name(c->dist)));
    bad |= put(o, "cv", num(c->cv));
    bad |= put(o, "queue", c->queue == SL_SIM_QUEUE_UNBOUNDED ? json_null()
                                                               : json_integer(c->queue));
    bad |= put(o, "lb", json_string(sl_sim_lb_name(c->lb)));
    bad |= put(o, "timeout_s", num(c->timeout_s));
    bad |= put(o, "requests", count(c->requests));
    bad |= put(o, "duration_s", num(c->duration_s));
    bad |= put(o, "warmup_fraction", num(c->warmup_fraction));
    bad |= put(o, "sessions", json_integer(c->sessions));
    bad |= put(o, "failures", json_integer((json_int_t)c->n_fails));
    bad |= put(o, "scale_outs", json_integer((json_int_t)c->n_adds));
    bad |= put(o, "threads", json_integer(c->threads));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *series_json(const struct sl_sim_result *r)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; a && i < r->n_series; i++) {
        const struct sl_sim_point *p = &r->series[i];
        json_t *o = json_object();
        int bad = !o;

        if (!bad) {
            bad |= put(o, "t", num(p->t_s));
            bad |= put(o, "width_s", num(p->width_s));
            bad |= put(o, "offered", count(p->offered));
            bad |= put(o, "completed", count(p->completed));
            bad |= put(o, "dropped", count(p->dropped));
            bad |= put(o, "timed_out", count(p->timed_out));
            bad |= put(o, "failed", count(p->failed));
            bad |= put(o, "mean_response_s", num(p->mean_response_s));
            bad |= put(o, "servers_up", json_integer(p->servers_up));
        }
        if (bad) {
            json_decref(o);
            o = NULL;
        }
        if (!o || json_array_append_new(a, o)) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

char *sl_sim_json(const struct sl_sim_result *r)
{
    json_t *o = json_object();
    char *text = NULL;
    int bad = !o;

    if (bad)
        return NULL;
    bad |= put(o, "seed", count(r->seed));
    bad |= put(o, "offered", count(r->offered));
    bad |= put(o, "completed", count(r->completed));
    bad |= put(o, "dropped", count(r->dropped));
    bad |= put(o, "timed_out", count(r->timed_out));
    bad |= put(o, "throughput_rps", num(r->throughput_rps));
    bad |= put(o, "response_s", response_json(r));
    bad |= put(o, "wait_s", wait_json(r));
    bad |= put(o, "servers", servers_json(r));
    bad |= put(o, "state", state_json(r));
    bad |= put(o, "failed", count(r->failed));
    bad |= put(o, "unstable", json_boolean(r->unstable));
    bad |= put(o, "window", window_json(r));
    bad |= put(o, "replications", r->replications >= 2 ? reps_json(r) : json_null());
    bad |= put(o, "inputs", inputs_json(&r->config));
    bad |= put(o, "events", count(r->events));
    bad |= put(o, "bytes_used", count(r->bytes_used));
    bad |= put(o, "series", series_json(r));
    if (!bad)
        text = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(10) | JSON_PRESERVE_ORDER);
    json_decref(o);
    return text;
}
