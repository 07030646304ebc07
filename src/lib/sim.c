/* Simulator driver: replications on worker threads, pooling, and the result's lifetime. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "sim_int.h"
#include "banned.h"

/* What pooling needs from one replication beyond its public summary. */
struct rep_extra {
    double resp_sum, wait_sum, counter_err, mser_s, tw;
    uint64_t w_offered, w_completed, w_dropped, w_timed_out, w_failed;
    uint64_t session_requests, sessions_lost, sessions_destroyed, counter_reads;
    uint64_t locks_taken, lock_conflicts, lock_violations, events;
    double offered_rps;
    size_t bytes;
};

struct job {
    const struct sl_sim_config *c;
    struct sl_sim_result *out;
    struct rep_extra *extra;
    struct sim_progress progress;
    pthread_mutex_t mutex;
    int threaded;
    long next;
    struct sl_hist *resp, *wait;   /* pooled counts */
    enum sl_status status;
};

static double ratio(double a, double b)
{
    return b > 0 ? a / b : NAN;
}

/* Copies what only replication 0 reports: servers, series, window, Little's law, CIs. */
static enum sl_status take_rep0(struct sim_state *st, struct sl_sim_result *out)
{
    double window = st->ts - st->tw, routed = 0;
    long i;

    out->engine = st->fcfs ? SL_SIM_ENGINE_FCFS : st->fleet ? SL_SIM_ENGINE_FLEET
                                                            : SL_SIM_ENGINE_EVENTS;
    out->servers = sl_calloc((size_t)st->n_srv, sizeof(*out->servers));
    if (!out->servers)
        return SL_E_NOMEM;
    out->n_servers = (size_t)st->n_srv;
    for (i = 0; i < st->n_srv; i++)
        routed += (double)st->srv[i].routed_w;
    for (i = 0; i < st->n_srv; i++) {
        const struct sim_server *s = &st->srv[i];
        struct sl_sim_server_stats *o = &out->servers[i];

        o->id = i;
        o->added = s->added;
        o->up_s = s->up_s - s->up_w;
        /* a difference of running sums: rounding can leave -1e-18 where nothing was busy */
        o->utilization = o->up_s > 0 ? fmax(0.0, s->busy_s - s->busy_w) /
                                           ((double)s->cores * o->up_s)
                                     : 0.0;
        o->routed = s->routed_w;
        o->completed = s->completed_w;
        o->share = routed > 0 ? (double)s->routed_w / routed : 0.0;
    }
    sl_sim_series_finish(&st->series, st->c->servers);
    out->series = st->series.p;
    out->n_series = st->series.used;
    st->series.p = NULL;
    out->warmup_s = st->tw;
    out->stop_s = st->ts;
    sl_sim_steady_ci(&st->mser, st->c->warmup_fraction, &out->batch_ci);
    sl_sim_steady_ci(&st->mser_wait, st->c->warmup_fraction, &out->wait_ci);
    out->little_l = ratio(fmax(0.0, st->area_s - st->area_w), window);
    out->little_lambda = ratio((double)(st->w_offered - st->w_dropped), window);
    out->little_w = ratio(st->w_sojourn, (double)st->w_departed);
    out->little_rel_error = fabs(out->little_l - out->little_lambda * out->little_w)
                            / out->little_l;
    out->store_utilization = st->c->state == SL_STATE_STORE ? ratio(st->store_busy, window) : 0;
    out->store_mean_delay_s = st->c->state == SL_STATE_STORE
                              ? ratio(st->store_delay, (double)st->store_reqs) : 0;
    return SL_OK;
}

static void summarise(struct sim_state *st, struct sl_sim_rep *rep, struct rep_extra *x,
                      uint64_t seed)
{
    double window = st->ts - st->tw;

    rep->seed = seed;
    rep->offered = st->offered;
    rep->completed = st->completed;
    rep->dropped = st->dropped;
    rep->timed_out = st->timed_out;
    rep->failed = st->failed;
    rep->throughput_rps = ratio((double)st->tp_count, window);
    rep->mean_response_s = sl_hist_mean(&st->resp);
    rep->mean_wait_s = sl_hist_mean(&st->wait);
    rep->drop_fraction = ratio((double)st->w_dropped, (double)st->w_offered);
    sl_sim_steady_ci(&st->mser, st->c->warmup_fraction, &rep->batch_ci);
    rep->unstable = st->unstable;
    x->resp_sum = st->resp.sum;
    x->wait_sum = st->wait.sum;
    x->counter_err = st->counter_err;
    x->counter_reads = st->completed; /* every completion reads the counter */
    x->mser_s = sl_sim_batches_mser(&st->mser);
    x->tw = st->tw;
    x->w_offered = st->w_offered;
    x->w_completed = st->w_completed;
    x->w_dropped = st->w_dropped;
    x->w_timed_out = st->w_timed_out;
    x->w_failed = st->w_failed;
    x->session_requests = st->session_requests;
    x->sessions_lost = st->sessions_lost;
    x->sessions_destroyed = st->sessions_destroyed;
    x->locks_taken = st->locks_taken;
    x->lock_conflicts = st->lock_conflicts;
    x->lock_violations = st->lock_violations;
    x->events = st->events;
    x->offered_rps = ratio((double)st->w_offered, window);
    x->bytes = st->bytes;
}

static void lock(struct job *j)
{
    if (j->threaded)
        pthread_mutex_lock(&j->mutex);
}

static void unlock(struct job *j)
{
    if (j->threaded)
        pthread_mutex_unlock(&j->mutex);
}

static void run_rep(struct job *j, long i)
{
    uint64_t seed = j->c->seed;
    struct sim_state *st = sl_sim_state_new(j->c, seed, i, &j->progress);
    enum sl_status status = st ? sl_sim_state_run(st) : SL_E_NOMEM;

    if (status == SL_OK) {
        summarise(st, &j->out->reps[i], &j->extra[i], seed);
        if (i == 0)
            status = take_rep0(st, j->out);
    }
    lock(j);
    if (status == SL_OK) {
        sl_hist_merge(j->resp, &st->resp);
        sl_hist_merge(j->wait, &st->wait);
    } else if (j->status == SL_OK) {
        j->status = status;
    }
    unlock(j);
    sl_sim_state_free(st);
}

static void *worker(void *arg)
{
    struct job *j = arg;

    for (;;) {
        long i;
        int stop;

        lock(j);
        i = j->next++;
        stop = j->status != SL_OK;
        unlock(j);
        if (stop || i >= j->c->replications)
            break;
        run_rep(j, i);
    }
    return NULL;
}

/* Pools the replications in index order, so that the result does not depend on threads. */
static void pool(struct job *j)
{
    struct sl_sim_result *r = j->out;
    double resp_sum = 0, wait_sum = 0, cerr = 0, tp = 0, orps = 0, *y = NULL;
    uint64_t reads = 0;
    long i, n = j->c->replications;

    r->warmup_sufficient = 1;
    for (i = 0; i < n; i++) {
        const struct sl_sim_rep *p = &r->reps[i];
        const struct rep_extra *x = &j->extra[i];

        r->offered += p->offered;
        r->completed += p->completed;
        r->dropped += p->dropped;
        r->timed_out += p->timed_out;
        r->failed += p->failed;
        r->window_offered += x->w_offered;
        r->window_completed += x->w_completed;
        r->window_dropped += x->w_dropped;
        r->window_timed_out += x->w_timed_out;
        r->window_failed += x->w_failed;
        r->session_requests += x->session_requests;
        r->sessions_lost += x->sessions_lost;
        r->sessions_destroyed += x->sessions_destroyed;
        r->locks_taken += x->locks_taken;
        r->lock_conflicts += x->lock_conflicts;
        r->lock_violations += x->lock_violations;
        r->events += x->events;
        resp_sum += x->resp_sum;
        wait_sum += x->wait_sum;
        cerr += x->counter_err;
        reads += x->counter_reads;
        tp += p->throughput_rps;
        orps += x->offered_rps;
        if (x->mser_s > r->mser_warmup_s)
            r->mser_warmup_s = x->mser_s;
        if (x->mser_s > x->tw)
            r->warmup_sufficient = 0;
        if (x->bytes > r->bytes_used)
            r->bytes_used = x->bytes;
        if (p->unstable)
            r->unstable = 1;
    }
    j->resp->sum = resp_sum;
    j->wait->sum = wait_sum;
    r->throughput_rps = tp / (double)n;
    r->offered_rps = orps / (double)n;
    r->drop_fraction = ratio((double)r->window_dropped, (double)r->window_offered);
    r->resp_mean = sl_hist_mean(j->resp);
    r->resp_p50 = sl_hist_quantile(j->resp, 0.50);
    r->resp_p90 = sl_hist_quantile(j->resp, 0.90);
    r->resp_p99 = sl_hist_quantile(j->resp, 0.99);
    r->resp_p999 = sl_hist_quantile(j->resp, 0.999);
    r->resp_max = j->resp->n ? j->resp->max : NAN;
    r->wait_mean = sl_hist_mean(j->wait);
    r->wait_p50 = sl_hist_quantile(j->wait, 0.50);
    r->wait_p99 = sl_hist_quantile(j->wait, 0.99);
    r->lost_fraction = r->session_requests ? (double)r->sessions_lost
                                             / (double)r->session_requests : 0.0;
    r->counter_error = reads ? cerr / (double)reads : 0.0;
    r->rep_ci.mean = r->rep_ci.lo = r->rep_ci.hi = r->rep_ci.std_err = r->rep_ci.lag1 = NAN;
    if (n >= 2) {
        y = sl_calloc((size_t)n, sizeof(*y));
        if (y) {
            /* each replication's steady-state mean (its warm-up cut as its interval's) */
            for (i = 0; i < n; i++)
                y[i] = r->reps[i].batch_ci.mean;
            sl_sim_ci_from_values(y, (size_t)n, &r->rep_ci);
            r->rep_ci.batch_size = 1;
            sl_free(y);
        }
        r->resp_ci_lo = r->rep_ci.lo;
        r->resp_ci_hi = r->rep_ci.hi;
    } else {
        r->resp_ci_lo = r->batch_ci.lo;
        r->resp_ci_hi = r->batch_ci.hi;
    }
}

static enum sl_status run_all(struct job *j)
{
    long n = j->c->replications, workers = j->c->threads < n ? j->c->threads : n, i, started;
    pthread_t *tids;

    if (workers <= 1) {
        worker(j);
        return j->status;
    }
    tids = sl_calloc((size_t)workers, sizeof(*tids));
    if (!tids || pthread_mutex_init(&j->mutex, NULL)) {
        sl_free(tids);
        return SL_E_NOMEM;
    }
    j->threaded = 1;
    j->progress.mutex = &j->mutex;
    for (started = 0; started < workers; started++)
        if (pthread_create(&tids[started], NULL, worker, j))
            break;
    if (started == 0)
        worker(j); /* no thread could start: do the work here */
    for (i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    pthread_mutex_destroy(&j->mutex);
    j->threaded = 0;
    sl_free(tids);
    return j->status;
}

enum sl_status sl_sim_run(const struct sl_sim_config *c, struct sl_sim_result *out, char *err,
                          size_t errlen)
{
    struct job j;
    enum sl_status st;

    memset(out, 0, sizeof(*out));
    memset(&j, 0, sizeof(j));
    st = sl_sim_check(c, err, errlen);
    if (st)
        return st;
    out->config = *c;
    out->config.progress = NULL;
    out->config.progress_ctx = NULL;
    out->config.cancel = c->cancel; /* until the run ends: the workers read it from here */
    out->seed = c->seed;
    out->replications = c->replications;
    out->state = c->state;
    j.c = &out->config;
    j.out = out;
    out->reps = sl_calloc((size_t)c->replications, sizeof(*out->reps));
    j.extra = sl_calloc((size_t)c->replications, sizeof(*j.extra));
    j.resp = sl_calloc(1, sizeof(*j.resp));
    j.wait = sl_calloc(1, sizeof(*j.wait));
    j.progress.fn = c->progress;
    j.progress.ctx = c->progress_ctx;
    j.progress.n = c->replications;
    j.progress.done = sl_calloc((size_t)c->replications, sizeof(double));
    if (!out->reps || !j.extra || !j.resp || !j.wait || !j.progress.done) {
        st = SL_E_NOMEM;
        goto out;
    }
    out->n_reps = (size_t)c->replications;
    st = run_all(&j);
    if (st)
        goto out;
    pool(&j);
out:
    out->config.cancel = NULL;
    if (st == SL_E_NOMEM)
        snprintf(err, errlen, "out of memory while simulating");
    if (st == SL_E_CANCELLED)
        snprintf(err, errlen, "the simulation was cancelled");
    sl_free(j.extra);
    sl_free(j.resp);
    sl_free(j.wait);
    sl_free(j.progress.done);
    return st;
}

void sl_sim_result_release(struct sl_sim_result *r)
{
    if (!r)
        return;
    sl_free(r->servers);
    sl_free(r->series);
    sl_free(r->reps);
    memset(r, 0, sizeof(*r));
}
