/* Work shared out over threads: n parts, part 0 on the caller's thread. */
/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <unistd.h>

#include "parallel_int.h"
#include "banned.h"

struct slot {
    void (*part)(void *ctx, long k);
    void *ctx;
    long k;
};

static void *run_slot(void *arg)
{
    struct slot *s = arg;

    s->part(s->ctx, s->k);
    return NULL;
}

void sl_parallel(long n, void (*part)(void *ctx, long k), void *ctx)
{
    struct slot slot[SL_PARALLEL_MAX];
    pthread_t tid[SL_PARALLEL_MAX];
    int started[SL_PARALLEL_MAX] = { 0 };
    long k, threaded = n < SL_PARALLEL_MAX ? n : SL_PARALLEL_MAX;

    for (k = 1; k < threaded; k++) {
        slot[k] = (struct slot){ part, ctx, k };
        started[k] = pthread_create(&tid[k], NULL, run_slot, &slot[k]) == 0;
    }
    for (k = 0; k < n; k++) /* part 0, the parts beyond the threads and those that failed */
        if (k >= threaded || !started[k])
            part(ctx, k);
    for (k = 1; k < threaded; k++)
        if (started[k])
            pthread_join(tid[k], NULL);
}

long sl_parallel_threads(unsigned threads)
{
    long n = threads ? (long)threads : sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > SL_PARALLEL_MAX ? SL_PARALLEL_MAX : n;
}
