/* The simulator's variates drawn ahead in blocks, each stream in the order a run consumes it. */
/* SPDX-License-Identifier: MIT */
#include <math.h>

#include "rng_int.h"
#include "sim_int.h"
#include "banned.h"

/*
 * A block is drawn in one tight loop, where the draws of successive variates overlap; drawn one
 * by one, each waited on the event before it. Each stream serves one kind of variate in a fixed
 * order, so a block holds exactly the draws the run would have made next: results are those of
 * drawing on demand. Draws left over when the run stops are never looked at.
 */

void sl_sim_draws_init(struct sim_state *st)
{
    const struct sl_sim_config *c = st->c;
    struct sim_draws *d = &st->draws;

    /* a curve's thinning draws depend on the clock, so only a constant rate is drawn ahead */
    d->arrivals_ahead = c->n_curve == 0;
    d->arr_i = d->arr_n = 0;
    d->svc_i = d->svc_n = 0;
    d->last_arrival = 0.0;
}

/*
 * The next block of Poisson arrival times (+inf past the duration), each with the session the
 * arrival draws right after its time, as on demand: t_k = t_(k-1) + E_k / rate.
 */
void sl_sim_draw_arrivals(struct sim_state *st)
{
    struct sim_draws *d = &st->draws;
    double t = d->last_arrival, rate = st->rate, end = st->c->duration_s;
    uint32_t sessions = (uint32_t)st->c->sessions;
    unsigned i;

    if (!st->track_sessions) {
        /* the gaps first, in one pass on the stream; then their running sum */
        sl_rng_exponential_fill(&st->rng_arr, d->arrival, SIM_DRAWS);
        for (i = 0; i < SIM_DRAWS; i++) {
            t += d->arrival[i] / rate;
            d->arrival[i] = end > 0 && t > end ? INFINITY : t;
        }
        t = d->arrival[SIM_DRAWS - 1]; /* t only grows: once past the end, always past it */
    } else {
        for (i = 0; i < SIM_DRAWS; i++) {
            t += sl_rng_exponential_inline(&st->rng_arr) / rate;
            if (end > 0 && t > end)
                t = INFINITY;
            d->arrival[i] = t;
            d->session[i] = sl_rng_below(&st->rng_arr, sessions);
        }
    }
    d->last_arrival = t;
    d->arr_i = 0;
    d->arr_n = SIM_DRAWS;
}

void sl_sim_draw_services(struct sim_state *st)
{
    struct sim_draws *d = &st->draws;
    double mean = st->dist.mean;
    unsigned i;

    if (st->dist.kind == SL_RNG_DIST_EXP) {
        sl_rng_exponential_fill(&st->rng_svc, d->service, SIM_DRAWS);
        for (i = 0; i < SIM_DRAWS; i++)
            d->service[i] *= mean;
    } else {
        for (i = 0; i < SIM_DRAWS; i++)
            d->service[i] = sl_rng_dist_draw(&st->dist, &st->rng_svc);
    }
    d->svc_i = 0;
    d->svc_n = SIM_DRAWS;
}
