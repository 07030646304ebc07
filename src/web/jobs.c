/* Worker threads for heavy API answers, a bounded queue, a watcher for deadlines and hang-ups. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* POLLRDHUP: the peer closed its end */
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scalelab/alloc.h"
#include "jobs.h"
#include "banned.h"

/* How often the watcher looks at deadlines and sockets, milliseconds. */
#define WATCH_MS 20
/* Most sockets the watcher polls in one round (the rest wait for the next). */
#define WATCH_MAX 256

struct web_jobs {
    pthread_mutex_t mutex;
    pthread_cond_t work;        /* a job was queued, or the pool stops */
    struct web_job *first, *last; /* the queue */
    struct web_job *active;     /* queued or running, until finish */
    unsigned queued, queue_cap;
    unsigned n_workers;
    int stopping;
    pthread_t *workers;
    pthread_t watcher;
    int watcher_started;
};

double web_jobs_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Sets the flag once: the first reason stays. */
static void cancel(struct web_job *j, int why)
{
    int wanted = WEB_JOB_WANTED;

    atomic_compare_exchange_strong(&j->cancel, &wanted, why);
}

static void unlink_active(struct web_jobs *p, struct web_job *j)
{
    if (j->prev_active)
        j->prev_active->next_active = j->next_active;
    else
        p->active = j->next_active;
    if (j->next_active)
        j->next_active->prev_active = j->prev_active;
}

static void *worker(void *arg)
{
    struct web_jobs *p = arg;

    for (;;) {
        struct web_job *j;

        pthread_mutex_lock(&p->mutex);
        while (!p->first && !p->stopping)
            pthread_cond_wait(&p->work, &p->mutex);
        j = p->first;
        if (!j) {
            pthread_mutex_unlock(&p->mutex);
            return NULL;
        }
        p->first = j->next;
        if (!p->first)
            p->last = NULL;
        p->queued--;
        pthread_mutex_unlock(&p->mutex);
        if (web_jobs_now() > j->deadline)
            cancel(j, WEB_JOB_DEADLINE);
        if (!atomic_load(&j->cancel))
            j->run(j);
        pthread_mutex_lock(&p->mutex);
        unlink_active(p, j);
        pthread_mutex_unlock(&p->mutex);
        j->finish(j);
    }
}

/*
 * Every WATCH_MS: cancels the jobs past their deadline and those whose client has hung up (the
 * socket reports its peer closed; data the client sent meanwhile is not a hang-up).
 */
static void *watcher(void *arg)
{
    struct web_jobs *p = arg;
    struct pollfd fds[WATCH_MAX];
    struct web_job *jobs[WATCH_MAX];

    for (;;) {
        struct web_job *j;
        double t = web_jobs_now();
        int n = 0, i;

        pthread_mutex_lock(&p->mutex);
        if (p->stopping && !p->active) {
            pthread_mutex_unlock(&p->mutex);
            return NULL;
        }
        for (j = p->active; j; j = j->next_active) {
            if (t > j->deadline)
                cancel(j, WEB_JOB_DEADLINE);
            if (j->fd >= 0 && n < WATCH_MAX && !atomic_load(&j->cancel)) {
                fds[n].fd = j->fd;
                fds[n].events = POLLRDHUP;
                fds[n].revents = 0;
                jobs[n++] = j;
            }
        }
        /* polled under the lock, with no wait: a job cannot finish (and go) meanwhile */
        if (n && poll(fds, (nfds_t)n, 0) > 0)
            for (i = 0; i < n; i++)
                if (fds[i].revents & (POLLRDHUP | POLLHUP | POLLERR))
                    cancel(jobs[i], WEB_JOB_GONE);
        pthread_mutex_unlock(&p->mutex);
        {
            struct timespec ts = { 0, WATCH_MS * 1000L * 1000L };

            nanosleep(&ts, NULL);
        }
    }
}

struct web_jobs *web_jobs_new(unsigned workers, unsigned queue_cap)
{
    struct web_jobs *p = sl_calloc(1, sizeof(*p));
    unsigned i;

    if (!p)
        return NULL;
    p->workers = sl_calloc(workers, sizeof(*p->workers));
    if (!p->workers) {
        sl_free(p);
        return NULL;
    }
    p->queue_cap = queue_cap;
    pthread_mutex_init(&p->mutex, NULL);
    pthread_cond_init(&p->work, NULL);
    for (i = 0; i < workers; i++) {
        if (pthread_create(&p->workers[i], NULL, worker, p))
            break;
        p->n_workers++;
    }
    if (p->n_workers && pthread_create(&p->watcher, NULL, watcher, p) == 0)
        p->watcher_started = 1;
    if (!p->watcher_started) {
        web_jobs_free(p);
        return NULL;
    }
    return p;
}

int web_jobs_submit(struct web_jobs *p, struct web_job *j)
{
    pthread_mutex_lock(&p->mutex);
    if (p->stopping || p->queued >= p->queue_cap) {
        pthread_mutex_unlock(&p->mutex);
        return -1;
    }
    atomic_store(&j->cancel, WEB_JOB_WANTED);
    j->next = NULL;
    if (p->last)
        p->last->next = j;
    else
        p->first = j;
    p->last = j;
    p->queued++;
    j->prev_active = NULL;
    j->next_active = p->active;
    if (p->active)
        p->active->prev_active = j;
    p->active = j;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mutex);
    return 0;
}

void web_jobs_free(struct web_jobs *p)
{
    struct web_job *j;
    unsigned i;

    if (!p)
        return;
    pthread_mutex_lock(&p->mutex);
    p->stopping = 1;
    for (j = p->active; j; j = j->next_active)
        cancel(j, WEB_JOB_STOPPING);
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mutex);
    for (i = 0; i < p->n_workers; i++)
        pthread_join(p->workers[i], NULL);
    if (p->watcher_started)
        pthread_join(p->watcher, NULL);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->mutex);
    sl_free(p->workers);
    sl_free(p);
}
