/* Allocation hook with failure injection, used by the library and by jansson. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "banned.h"

static long fail_countdown; /* allocations left before the injected failure; 0 = off */

static int should_fail(void)
{
    if (fail_countdown <= 0)
        return 0;
    fail_countdown--;
    return fail_countdown == 0;
}

void sl_alloc_fail_at(long nth)
{
    fail_countdown = nth > 0 ? nth : 0;
}

void *sl_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *sl_calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *sl_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void sl_free(void *p)
{
    free(p);
}

char *sl_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = sl_malloc(n);

    if (copy)
        memcpy(copy, s, n);
    return copy;
}
