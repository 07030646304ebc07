/* Open-loop pacing: the intended send times of a constant arrival rate, Poisson or uniform. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_PACE_H
#define SL_LAB_PACE_H

#include <stdint.h>

#include "scalelab/rng.h"

/* How arrivals are spaced. */
enum lab_arrivals {
    LAB_ARRIVALS_POISSON = 0, /* exponential gaps of mean 1 / rate: independent arrivals */
    LAB_ARRIVALS_UNIFORM = 1  /* a fixed gap of 1 / rate */
};

/* Names "poisson", "uniform"; parse returns 0, or -1 for another name. */
const char *lab_arrivals_name(enum lab_arrivals a);
int lab_arrivals_parse(const char *s, enum lab_arrivals *out);

/*
 * One sender's share of a schedule of `rate` arrivals per second split over `stride` senders:
 * sender `index` (0 <= index < stride) gets every stride-th uniform arrival, or an independent
 * Poisson stream of rate / stride, so the senders together keep the whole rate. A plain value,
 * one per thread.
 */
struct lab_pace {
    enum lab_arrivals arrivals;
    double rate;     /* the whole schedule's arrivals per second */
    int stride, index;
    uint64_t n;      /* arrivals taken so far */
    double t;        /* the next arrival, seconds after the start */
    struct sl_rng rng;
};

/* Sets p up; seed picks the Poisson stream (the same seed gives the same times). */
void lab_pace_init(struct lab_pace *p, enum lab_arrivals arrivals, double rate, int stride,
                   int index, uint64_t seed);
/* The intended time of the next arrival, seconds after the start, without taking it. */
double lab_pace_peek(const struct lab_pace *p);
/* Takes the next arrival: returns its intended time and moves to the one after. */
double lab_pace_take(struct lab_pace *p);

#endif
