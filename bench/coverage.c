/* Coverage study of the simulator's intervals: how often the 95 % interval holds the exact mean. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>

#include "scalelab/scalelab.h"

/* One model with a known mean wait, run `runs` times with seeds 1..runs. */
static void study(const char *name, long cores, double lambda, double service_s,
                  enum sl_rng_dist_kind dist, double cv, double exact, uint64_t requests,
                  int runs)
{
    int covered = 0, below = 0, independent = 0, i;

    for (i = 1; i <= runs; i++) {
        struct sl_sim_config c;
        struct sl_sim_result r;
        char err[SL_ERR_LEN];

        sl_sim_config_init(&c);
        c.servers = 1;
        c.cores = cores;
        c.load_rps = lambda;
        c.service_s = service_s;
        c.dist = dist;
        c.cv = cv;
        c.requests = requests;
        c.seed = (uint64_t)i;
        c.lock_fraction = 0;
        if (sl_sim_run(&c, &r, err, sizeof(err)) != SL_OK) {
            fprintf(stderr, "%s\n", err);
            exit(1);
        }
        if (r.wait_ci.lo <= exact && exact <= r.wait_ci.hi)
            covered++;
        else if (r.wait_ci.hi < exact)
            below++;
        independent += r.wait_ci.independent;
        sl_sim_result_release(&r);
    }
    printf("coverage, %s, %llu requests: %d of %d intervals (%.1f %%) hold the exact mean wait "
           "%.6g; misses below %d, above %d; batches independent in %d\n", name,
           (unsigned long long)requests, covered, runs, 100.0 * covered / runs, exact, below,
           runs - covered - below, independent);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 1000;
    double mm7 = sl_erlang_c(7, 6.65) / (7 / 0.01 - 665);

    study("M/M/7 rho 0.95", 7, 665, 0.01, SL_RNG_DIST_EXP, 1, mm7, 20000, runs);
    study("M/M/7 rho 0.95", 7, 665, 0.01, SL_RNG_DIST_EXP, 1, mm7, 200000, runs / 4);
    study("M/M/1 rho 0.8", 1, 0.8, 1, SL_RNG_DIST_EXP, 1, 4.0, 20000, runs);
    study("M/LN/1 rho 0.8 cv 2", 1, 80, 0.01, SL_RNG_DIST_LOGNORMAL, 2,
          sl_mg1_wait(80, 0.01, 2), 20000, runs);
    return 0;
}
