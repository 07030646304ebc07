/* Per-box capacity: USL over the cores, memory by Little's law, network by bytes per response. */
/* SPDX-License-Identifier: MIT */
#include <math.h>

#include "scalelab/capacity.h"
#include "banned.h"

double sl_usl_throughput(double n, double lambda1, double sigma, double kappa)
{
    if (n <= 0.0)
        return 0.0; /* nothing runs; with sigma = 1 the formula would be 0/0 at n = 0 */
    return n * lambda1 / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0));
}

/* Mean time a request stays on the box at the target utilisation (processor sharing), s. */
static double residence_s(const struct sl_instance *in, const struct sl_workload *w)
{
    double service_s = w->cpu_ms / 1000.0 / in->single_thread_factor;

    return service_s / (1.0 - w->target_utilization);
}

void sl_capacity_usl(const struct sl_instance *in, const struct sl_workload *w, double *sigma,
                     double *kappa)
{
    int own = !w->usl_override;

    *sigma = own && !isnan(in->usl_sigma) ? in->usl_sigma : w->usl_sigma;
    *kappa = own && !isnan(in->usl_kappa) ? in->usl_kappa : w->usl_kappa;
}

void sl_capacity_of(const struct sl_instance *in, const struct sl_workload *w,
                    double sessions_on_box, struct sl_capacity *out)
{
    double lambda1 = 1000.0 / w->cpu_ms * in->single_thread_factor;
    double free_mib, bytes_per_s;

    sl_capacity_usl(in, w, &out->sigma, &out->kappa);
    out->cpu_rps = sl_usl_throughput(in->vcpu, lambda1, out->sigma, out->kappa) *
                   w->target_utilization;

    free_mib = (in->mem_gib - w->base_mem_gib) * 1024.0 -
               sessions_on_box * w->session_bytes / (1024.0 * 1024.0);
    if (free_mib <= 0.0)
        out->memory_rps = 0.0;
    else if (w->mem_per_request_mib <= 0.0)
        out->memory_rps = INFINITY;
    else
        out->memory_rps = free_mib / (w->mem_per_request_mib * residence_s(in, w));

    bytes_per_s = in->net_gbps * 1e9 / 8.0 * w->target_utilization;
    out->network_rps = w->response_bytes > 0.0 ? bytes_per_s / w->response_bytes : INFINITY;

    out->binding = SL_RES_CPU;
    out->usable_rps = out->cpu_rps;
    if (out->memory_rps < out->usable_rps) {
        out->binding = SL_RES_MEMORY;
        out->usable_rps = out->memory_rps;
    }
    if (out->network_rps < out->usable_rps) {
        out->binding = SL_RES_NETWORK;
        out->usable_rps = out->network_rps;
    }
}

void sl_capacity_resources(const struct sl_capacity *c, const struct sl_workload *w,
                           double load_rps, double out[SL_RES_COUNT])
{
    out[SL_RES_CPU] = load_rps / (c->cpu_rps / w->target_utilization);
    out[SL_RES_NETWORK] = isfinite(c->network_rps)
                              ? load_rps / (c->network_rps / w->target_utilization) : 0.0;
    if (!isfinite(c->memory_rps))
        out[SL_RES_MEMORY] = 0.0;
    else
        out[SL_RES_MEMORY] = c->memory_rps > 0.0 ? load_rps / c->memory_rps : INFINITY;
}

double sl_capacity_utilization(const struct sl_capacity *c, const struct sl_workload *w,
                               double load_rps)
{
    double u[SL_RES_COUNT];

    sl_capacity_resources(c, w, load_rps, u);
    return fmax(u[SL_RES_CPU], fmax(u[SL_RES_MEMORY], u[SL_RES_NETWORK]));
}

double sl_capacity_full_rps(const struct sl_capacity *c, const struct sl_workload *w)
{
    /* memory carries no headroom factor (section 2 of docs/model.md), the others do */
    return c->binding == SL_RES_MEMORY ? c->usable_rps : c->usable_rps / w->target_utilization;
}

const char *sl_resource_name(enum sl_resource r)
{
    switch (r) {
    case SL_RES_CPU: return "cpu";
    case SL_RES_MEMORY: return "memory";
    case SL_RES_NETWORK: return "network";
    }
    return "unknown";
}
