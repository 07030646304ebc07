/* The server's pool for heavy answers: workers, a bounded queue, deadlines and cancellation. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_WEB_JOBS_H
#define SL_WEB_JOBS_H

#include <stdatomic.h>

/* Why a job was cancelled (the value of its cancel flag; 0 while it is wanted). */
enum web_job_cancel {
    WEB_JOB_WANTED = 0,
    WEB_JOB_DEADLINE = 1, /* its deadline passed, queued or running */
    WEB_JOB_GONE = 2,     /* the client hung up */
    WEB_JOB_STOPPING = 3  /* the server is stopping */
};

/*
 * One piece of work, embedded in the caller's request. run() computes (skipped when the job was
 * cancelled before it started), then finish() hands the answer back; both on a worker thread.
 * After finish() returns the pool does not touch the job again.
 */
struct web_job {
    void (*run)(struct web_job *j);
    void (*finish)(struct web_job *j);
    atomic_int cancel;      /* enum web_job_cancel; the work polls it */
    double deadline;        /* monotonic seconds */
    int fd;                 /* the client's socket, watched for a hang-up; -1 for none */
    struct web_job *next;   /* the pool's, while queued */
    struct web_job *prev_active, *next_active; /* the pool's, until finish */
};

struct web_jobs;

/* A pool of `workers` threads and a queue of at most `queue_cap` jobs; NULL on failure. */
struct web_jobs *web_jobs_new(unsigned workers, unsigned queue_cap);

/* Seconds since an arbitrary start, from the monotonic clock. */
double web_jobs_now(void);

/*
 * Queues j (its run, finish, deadline and fd set). Returns 0, or -1 when the queue is full or
 * the pool is stopping: the caller answers 503 itself and j is not touched.
 */
int web_jobs_submit(struct web_jobs *p, struct web_job *j);

/*
 * Cancels every queued and running job (WEB_JOB_STOPPING), waits until each has finished, stops
 * the threads and frees the pool. NULL is accepted.
 */
void web_jobs_free(struct web_jobs *p);

#endif
