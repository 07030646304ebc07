/* What one box can serve for a workload: USL throughput of its cores, memory and network. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_CAPACITY_H
#define SL_CAPACITY_H

#include "scalelab/catalog.h"
#include "scalelab/workload.h"

/* The resource that runs out first on a box. */
enum sl_resource {
    SL_RES_CPU = 0,
    SL_RES_MEMORY = 1,
    SL_RES_NETWORK = 2
};

struct sl_capacity {
    double cpu_rps;      /* req/s the cores serve at the target utilisation (USL) */
    double memory_rps;   /* req/s whose in-flight requests (and sessions) fit in memory */
    double network_rps;  /* req/s whose responses fit the network at the target utilisation */
    double usable_rps;   /* the smallest of the three: what the box is planned to serve */
    enum sl_resource binding; /* which of the three is smallest */
    double sigma, kappa; /* USL coefficients that applied */
};

/*
 * Universal Scalability Law: throughput of n workers that each do lambda1 alone,
 * n*lambda1 / (1 + sigma(n-1) + kappa*n(n-1)). Pure; thread-safe.
 */
SL_API double sl_usl_throughput(double n, double lambda1, double sigma, double kappa);

/*
 * The USL coefficients that apply to box `in`: its catalog row's, unless it has none or the
 * workload overrides them (a calibration), then the workload's. Pure; thread-safe.
 */
SL_API void sl_capacity_usl(const struct sl_instance *in, const struct sl_workload *w,
                            double *sigma, double *kappa);

/*
 * Capacity of one box of type `in` serving workload w, with sessions_on_box sessions kept in
 * its memory (0 when state lives elsewhere). Pure; thread-safe.
 */
SL_API void sl_capacity_of(const struct sl_instance *in, const struct sl_workload *w,
                           double sessions_on_box, struct sl_capacity *out);

/* Number of resources sl_capacity_resources reports, indexed by enum sl_resource. */
#define SL_RES_COUNT 3

/*
 * Busy fraction of each resource when the box serves load_rps (1.0 = saturated): CPU and
 * network against their 100 % figures, memory against what fits. A resource that can never run
 * out (no memory per request, no response bytes) reports 0.
 */
SL_API void sl_capacity_resources(const struct sl_capacity *c, const struct sl_workload *w,
                                  double load_rps, double out[SL_RES_COUNT]);

/* The largest of sl_capacity_resources: the binding resource's busy fraction. */
SL_API double sl_capacity_utilization(const struct sl_capacity *c, const struct sl_workload *w,
                                      double load_rps);

/* What the binding resource serves at 100 % (usable_rps without the target's headroom). */
SL_API double sl_capacity_full_rps(const struct sl_capacity *c, const struct sl_workload *w);

/* "cpu", "memory", "network". */
SL_API const char *sl_resource_name(enum sl_resource r);

#endif
