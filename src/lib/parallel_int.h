/* Work shared out over threads: n parts, part 0 on the caller's thread. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_PARALLEL_INT_H
#define SL_PARALLEL_INT_H

/* Most threads sl_parallel starts for one call. */
#define SL_PARALLEL_MAX 64

/*
 * Runs part(ctx, k) for k = 0..n-1, each of the first SL_PARALLEL_MAX on a thread of its own
 * (part 0 on the caller's), and returns when all are done. A part whose thread cannot start,
 * and any beyond SL_PARALLEL_MAX, runs on the caller's thread: every part always runs.
 */
void sl_parallel(long n, void (*part)(void *ctx, long k), void *ctx);

/* The threads `threads` asks for: as given, or one per online CPU for 0; 1 to SL_PARALLEL_MAX. */
long sl_parallel_threads(unsigned threads);

#endif
