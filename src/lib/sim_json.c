/* JSON encoding of a simulation result, shared by the CLI's --json and the HTTP API. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <math.h>
#include <stdint.h>

#include "scalelab/alloc.h"
#include "scalelab/sim.h"
#include "scalelab/json.h"
#include "banned.h"

static json_t *pair(double lo, double hi)
{
    json_t *a = json_array();

    if (a && (json_array_append_new(a, sl_json_num(lo)) ||
              json_array_append_new(a, sl_json_num(hi)))) {
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
    bad |= sl_json_put(o, "mean", sl_json_num(ci->mean));
    bad |= sl_json_put(o, "ci95", pair(ci->lo, ci->hi));
    bad |= sl_json_put(o, "std_err", sl_json_num(ci->std_err));
    bad |= sl_json_put(o, "batches", json_integer(ci->batches));
    bad |= sl_json_put(o, "batch_size", sl_json_count(ci->batch_size));
    bad |= sl_json_put(o, "lag1", sl_json_num(ci->lag1));
    if (ci->batch_size > 1) {
        bad |= sl_json_put(o, "method", json_string("batch means after the warm-up, Skart's "
                                                     "correlation and skewness adjustments"));
        bad |= sl_json_put(o, "warmup_deleted", sl_json_count(ci->deleted));
        bad |= sl_json_put(o, "warmup_s", sl_json_num(ci->warmup_s));
        bad |= sl_json_put(o, "independent", json_boolean(ci->independent));
    } else {
        bad |= sl_json_put(o, "method", json_string("Student t over replications"));
    }
    return sl_json_done(o, bad);
}

static json_t *response_json(const struct sl_sim_result *r)
{
    json_t *o = json_object();
    int bad = !o;

    if (bad)
        return NULL;
    bad |= sl_json_put(o, "mean", sl_json_num(r->resp_mean));
    bad |= sl_json_put(o, "p50", sl_json_num(r->resp_p50));
    bad |= sl_json_put(o, "p90", sl_json_num(r->resp_p90));
    bad |= sl_json_put(o, "p99", sl_json_num(r->resp_p99));
    bad |= sl_json_put(o, "p999", sl_json_num(r->resp_p999));
    bad |= sl_json_put(o, "mean_ci95", pair(r->resp_ci_lo, r->resp_ci_hi));
    bad |= sl_json_put(o, "max", sl_json_num(r->resp_max));
    bad |= sl_json_put(o, "ci_method", json_string(r->replications >= 2 ? "replications"
                                                                : "batch_means"));
    bad |= sl_json_put(o, "batch_means", ci_json(&r->batch_ci));
    return sl_json_done(o, bad);
}

static json_t *wait_json(const struct sl_sim_result *r)
{
    json_t *o = json_object();
    int bad = !o;

    if (bad)
        return NULL;
    bad |= sl_json_put(o, "mean", sl_json_num(r->wait_mean));
    bad |= sl_json_put(o, "p99", sl_json_num(r->wait_p99));
    bad |= sl_json_put(o, "p50", sl_json_num(r->wait_p50));
    bad |= sl_json_put(o, "batch_means", ci_json(&r->wait_ci));
    return sl_json_done(o, bad);
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
            bad |= sl_json_put(o, "id", json_integer(s->id));
            bad |= sl_json_put(o, "utilization", sl_json_num(s->utilization));
            bad |= sl_json_put(o, "share", sl_json_num(s->share));
            bad |= sl_json_put(o, "added", json_boolean(s->added));
            bad |= sl_json_put(o, "up_s", sl_json_num(s->up_s));
            bad |= sl_json_put(o, "routed", sl_json_count(s->routed));
            bad |= sl_json_put(o, "completed", sl_json_count(s->completed));
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
    bad |= sl_json_put(o, "mode", json_string(sl_state_name(r->state)));
    bad |= sl_json_put(o, "sessions_lost", sl_json_count(r->sessions_lost));
    bad |= sl_json_put(o, "lost_fraction", sl_json_num(r->lost_fraction));
    bad |= sl_json_put(o, "counter_error", sl_json_num(r->counter_error));
    bad |= sl_json_put(o, "lock_violations", sl_json_count(r->lock_violations));
    bad |= sl_json_put(o, "session_requests", sl_json_count(r->session_requests));
    bad |= sl_json_put(o, "sessions_destroyed", sl_json_count(r->sessions_destroyed));
    bad |= sl_json_put(o, "locks_taken", sl_json_count(r->locks_taken));
    bad |= sl_json_put(o, "lock_conflicts", sl_json_count(r->lock_conflicts));
    bad |= sl_json_put(o, "store_utilization", sl_json_num(r->store_utilization));
    bad |= sl_json_put(o, "store_mean_delay_s", sl_json_num(r->store_mean_delay_s));
    return sl_json_done(o, bad);
}

static json_t *window_json(const struct sl_sim_result *r)
{
    json_t *o = json_object();
    int bad = !o;

    if (bad)
        return NULL;
    bad |= sl_json_put(o, "warmup_s", sl_json_num(r->warmup_s));
    bad |= sl_json_put(o, "stop_s", sl_json_num(r->stop_s));
    bad |= sl_json_put(o, "offered", sl_json_count(r->window_offered));
    bad |= sl_json_put(o, "completed", sl_json_count(r->window_completed));
    bad |= sl_json_put(o, "dropped", sl_json_count(r->window_dropped));
    bad |= sl_json_put(o, "timed_out", sl_json_count(r->window_timed_out));
    bad |= sl_json_put(o, "failed", sl_json_count(r->window_failed));
    bad |= sl_json_put(o, "drop_fraction", sl_json_num(r->drop_fraction));
    bad |= sl_json_put(o, "offered_rps", sl_json_num(r->offered_rps));
    bad |= sl_json_put(o, "mser5_warmup_s", sl_json_num(r->mser_warmup_s));
    bad |= sl_json_put(o, "warmup_sufficient", json_boolean(r->warmup_sufficient));
    bad |= sl_json_put(o, "little_L", sl_json_num(r->little_l));
    bad |= sl_json_put(o, "little_lambda", sl_json_num(r->little_lambda));
    bad |= sl_json_put(o, "little_W", sl_json_num(r->little_w));
    bad |= sl_json_put(o, "little_rel_error", sl_json_num(r->little_rel_error));
    return sl_json_done(o, bad);
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
            bad |= sl_json_put(e, "replication", json_integer((json_int_t)i));
            bad |= sl_json_put(e, "seed", sl_json_u64(p->seed));
            bad |= sl_json_put(e, "offered", sl_json_count(p->offered));
            bad |= sl_json_put(e, "completed", sl_json_count(p->completed));
            bad |= sl_json_put(e, "dropped", sl_json_count(p->dropped));
            bad |= sl_json_put(e, "timed_out", sl_json_count(p->timed_out));
            bad |= sl_json_put(e, "failed", sl_json_count(p->failed));
            bad |= sl_json_put(e, "throughput_rps", sl_json_num(p->throughput_rps));
            bad |= sl_json_put(e, "mean_response_s", sl_json_num(p->mean_response_s));
            bad |= sl_json_put(e, "mean_wait_s", sl_json_num(p->mean_wait_s));
            bad |= sl_json_put(e, "drop_fraction", sl_json_num(p->drop_fraction));
            bad |= sl_json_put(e, "unstable", json_boolean(p->unstable));
        }
        if (bad || json_array_append_new(runs, e)) {
            json_decref(e);
            bad = 1;
        }
    }
    if (!bad) {
        bad |= sl_json_put(o, "count", json_integer(r->replications));
        bad |= sl_json_put(o, "mean_response_s", ci_json(&r->rep_ci));
        bad |= sl_json_put(o, "runs", runs);
        runs = NULL;
    }
    json_decref(runs);
    return sl_json_done(o, bad);
}

static json_t *inputs_json(const struct sl_sim_config *c)
{
    json_t *o = json_object();
    int bad = !o;

    if (bad)
        return NULL;
    bad |= sl_json_put(o, "servers", json_integer(c->servers));
    bad |= sl_json_put(o, "cores", json_integer(c->cores));
    bad |= sl_json_put(o, "load_rps", c->n_curve ? json_null() : sl_json_num(c->load_rps));
    bad |= sl_json_put(o, "curve_points", json_integer((json_int_t)c->n_curve));
    bad |= sl_json_put(o, "service_s", sl_json_num(c->service_s));
    bad |= sl_json_put(o, "dist", json_string(sl_rng_dist_name(c->dist)));
    bad |= sl_json_put(o, "cv", sl_json_num(c->cv));
    /* "queue" is the capacity K of a server, queued and in service, as the --queue flag says */
    bad |= sl_json_put(o, "queue", c->queue == SL_SIM_QUEUE_UNBOUNDED ? json_null()
                                   : json_integer(c->queue + c->cores));
    bad |= sl_json_put(o, "waiting_places", c->queue == SL_SIM_QUEUE_UNBOUNDED ? json_null()
                                            : json_integer(c->queue));
    bad |= sl_json_put(o, "lb", json_string(sl_sim_lb_name(c->lb)));
    bad |= sl_json_put(o, "timeout_s", sl_json_num(c->timeout_s));
    bad |= sl_json_put(o, "requests", sl_json_count(c->requests));
    bad |= sl_json_put(o, "duration_s", sl_json_num(c->duration_s));
    bad |= sl_json_put(o, "warmup_fraction", sl_json_num(c->warmup_fraction));
    bad |= sl_json_put(o, "sessions", json_integer(c->sessions));
    bad |= sl_json_put(o, "lock_fraction", sl_json_num(c->lock_fraction));
    bad |= sl_json_put(o, "lock_keys", json_integer(c->lock_keys));
    bad |= sl_json_put(o, "failures", json_integer((json_int_t)c->n_fails));
    bad |= sl_json_put(o, "scale_outs", json_integer((json_int_t)c->n_adds));
    bad |= sl_json_put(o, "threads", json_integer(c->threads));
    return sl_json_done(o, bad);
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
            bad |= sl_json_put(o, "t", sl_json_num(p->t_s));
            bad |= sl_json_put(o, "width_s", sl_json_num(p->width_s));
            bad |= sl_json_put(o, "offered", sl_json_count(p->offered));
            bad |= sl_json_put(o, "completed", sl_json_count(p->completed));
            bad |= sl_json_put(o, "dropped", sl_json_count(p->dropped));
            bad |= sl_json_put(o, "timed_out", sl_json_count(p->timed_out));
            bad |= sl_json_put(o, "failed", sl_json_count(p->failed));
            bad |= sl_json_put(o, "mean_response_s", sl_json_num(p->mean_response_s));
            bad |= sl_json_put(o, "servers_up", json_integer(p->servers_up));
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
    int bad = !o;

    if (bad)
        return NULL;
    bad |= sl_json_put(o, "seed", sl_json_u64(r->seed));
    bad |= sl_json_put(o, "offered", sl_json_count(r->offered));
    bad |= sl_json_put(o, "completed", sl_json_count(r->completed));
    bad |= sl_json_put(o, "dropped", sl_json_count(r->dropped));
    bad |= sl_json_put(o, "timed_out", sl_json_count(r->timed_out));
    bad |= sl_json_put(o, "throughput_rps", sl_json_num(r->throughput_rps));
    bad |= sl_json_put(o, "response_s", response_json(r));
    bad |= sl_json_put(o, "wait_s", wait_json(r));
    bad |= sl_json_put(o, "servers", servers_json(r));
    bad |= sl_json_put(o, "state", state_json(r));
    bad |= sl_json_put(o, "failed", sl_json_count(r->failed));
    bad |= sl_json_put(o, "unstable", json_boolean(r->unstable));
    bad |= sl_json_put(o, "window", window_json(r));
    bad |= sl_json_put(o, "replications", r->replications >= 2 ? reps_json(r) : json_null());
    bad |= sl_json_put(o, "inputs", inputs_json(&r->config));
    bad |= sl_json_put(o, "events", sl_json_count(r->events));
    bad |= sl_json_put(o, "bytes_used", sl_json_count(r->bytes_used));
    bad |= sl_json_put(o, "series", series_json(r));
    return sl_json_dump(sl_json_done(o, bad));
}
