/* Open-loop pacing: the intended send times of a constant arrival rate, Poisson or uniform. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "lab/lab_pace.h"
#include "banned.h"

static const char *const names[] = { "poisson", "uniform" };

const char *lab_arrivals_name(enum lab_arrivals a)
{
    return (unsigned)a < 2 ? names[a] : "?";
}

int lab_arrivals_parse(const char *s, enum lab_arrivals *out)
{
    int i;

    for (i = 0; i < 2; i++)
        if (!strcmp(s, names[i])) {
            *out = (enum lab_arrivals)i;
            return 0;
        }
    return -1;
}

/* The first arrival, or the one after `n` taken: uniform times are computed, never summed. */
static double next_time(struct lab_pace *p)
{
    if (p->arrivals == LAB_ARRIVALS_UNIFORM)
        return ((double)p->index + (double)p->n * p->stride) / p->rate;
    return p->t + sl_rng_exponential(&p->rng) * p->stride / p->rate;
}

void lab_pace_init(struct lab_pace *p, enum lab_arrivals arrivals, double rate, int stride,
                   int index, uint64_t seed)
{
    memset(p, 0, sizeof(*p));
    p->arrivals = arrivals;
    p->rate = rate;
    p->stride = stride;
    p->index = index;
    sl_rng_seed_stream(&p->rng, seed, (uint64_t)index);
    p->t = next_time(p);
}

double lab_pace_peek(const struct lab_pace *p)
{
    return p->t;
}

double lab_pace_take(struct lab_pace *p)
{
    double t = p->t;

    p->n++;
    p->t = next_time(p);
    return t;
}
