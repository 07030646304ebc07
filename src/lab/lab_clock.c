/* The lab's clock: seconds that never go back, and sleeps that a signal may cut short. */
/* SPDX-License-Identifier: MIT */
#include <time.h>

#include "lab/lab_clock.h"
#include "banned.h"

double lab_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void lab_sleep_s(double s)
{
    struct timespec ts;

    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    nanosleep(&ts, NULL);
}
