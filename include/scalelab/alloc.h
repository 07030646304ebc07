/* The single allocation hook of scalelab: every allocation goes through here. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_ALLOC_H
#define SL_ALLOC_H

#include <stddef.h>
#include "scalelab/api.h"

/* Like malloc/calloc/realloc/free; NULL on failure (or when failure injection says so). */
SL_API void *sl_malloc(size_t n);
SL_API void *sl_calloc(size_t count, size_t size);
SL_API void *sl_realloc(void *p, size_t n);
SL_API void sl_free(void *p);
/* A copy of s, owned by the caller; NULL on failure. */
SL_API char *sl_strdup(const char *s);

/*
 * Failure injection for tests: the nth allocation from now on (1-based) fails, and every one after
 * it succeeds again. 0 turns injection off. Not thread-safe; tests only.
 */
SL_API void sl_alloc_fail_at(long nth);

#endif
