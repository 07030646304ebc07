/* The lab's clock: seconds that never go back, and sleeps that a signal may cut short. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_CLOCK_H
#define SL_LAB_CLOCK_H

/* Seconds on the monotonic clock. Thread-safe. */
double lab_now(void);

/* Sleeps about s seconds; a signal that interrupts it shortens it, which is what the lab wants. */
void lab_sleep_s(double s);

#endif
