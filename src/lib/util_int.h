/* Small helpers shared by library files. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_UTIL_INT_H
#define SL_UTIL_INT_H

/* Defensive branches that should never be taken (coverage ignores them). */
#define SL_ALWAYS(x) (x)
#define SL_NEVER(x) (x)

#endif
