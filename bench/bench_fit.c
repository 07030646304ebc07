/* Times the USL fit in process: the published 7-point data set, and 1,000 noisy points. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "scalelab/scalelab.h"

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Mean seconds per fit over enough repetitions to last about half a second. */
static double time_fit(const struct sl_usl_point *p, size_t n, int *iterations)
{
    struct sl_usl_fit f;
    char err[SL_ERR_LEN];
    double t0 = now_s(), t;
    long reps = 0;

    do {
        if (sl_usl_fit(p, n, &f, err, sizeof(err)) != SL_OK) {
            fprintf(stderr, "fit failed: %s\n", err);
            return NAN;
        }
        *iterations = f.iterations;
        sl_usl_fit_release(&f);
        reps++;
        t = now_s() - t0;
    } while (t < 0.5);
    return t / (double)reps;
}

int main(void)
{
    static const struct sl_usl_point sdm91[] = {
        { 1, 64.9, NAN, 0 }, { 18, 995.9, NAN, 0 }, { 36, 1652.4, NAN, 0 },
        { 72, 1853.2, NAN, 0 }, { 108, 1828.9, NAN, 0 }, { 144, 1775.0, NAN, 0 },
        { 216, 1702.2, NAN, 0 },
    };
    static struct sl_usl_point many[1000];
    unsigned long x = 88172645463325252UL;
    int it;
    size_t i;

    printf("fit, SPEC SDM91 (7 points): %.1f us per fit", time_fit(sdm91, 7, &it) * 1e6);
    printf(" (%d iterations)\n", it);
    for (i = 0; i < 1000; i++) {
        double noise;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        noise = 1.0 + 0.05 * ((double)(x % 2001) / 1000.0 - 1.0);
        many[i].n = (double)(i % 250 + 1);
        many[i].throughput = sl_usl_throughput(many[i].n, 1000, 0.03, 1e-4) * noise;
        many[i].latency = NAN;
        many[i].line = 0;
    }
    printf("fit, 1,000 points (250 distinct n, 5 %% noise): %.1f us per fit",
           time_fit(many, 1000, &it) * 1e6);
    printf(" (%d iterations)\n", it);
    return 0;
}
