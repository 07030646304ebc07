/* Helpers shared by the library's JSON encoders: nulls for non-finite numbers, one dump format. */
/* SPDX-License-Identifier: MIT */
#include <math.h>

#include "scalelab/alloc.h"
#include "scalelab/json.h"
#include "banned.h"

json_t *sl_json_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *sl_json_count(uint64_t n)
{
    return n <= (uint64_t)INT64_MAX ? json_integer((json_int_t)n) : json_real((double)n);
}

json_t *sl_json_u64(uint64_t n)
{
    char digits[24];

    if (n <= (1ULL << 53))
        return json_integer((json_int_t)n);
    snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
    return json_string(digits);
}

int sl_json_put(json_t *o, const char *key, json_t *value)
{
    if (!o || !value) {
        json_decref(value);
        return 1;
    }
    return json_object_set_new(o, key, value) != 0;
}

json_t *sl_json_done(json_t *o, int bad)
{
    if (bad || !o) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/*
 * The text is copied into sl_malloc'd memory so that callers free it with sl_free whatever
 * allocator jansson was given.
 */
char *sl_json_dump(json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                       JSON_REAL_PRECISION(10)) : NULL;
    char *copy = text ? sl_strdup(text) : NULL;

    if (text) {
        json_malloc_t jmalloc;
        json_free_t jfree;

        json_get_alloc_funcs(&jmalloc, &jfree);
        jfree(text);
    }
    json_decref(doc);
    return copy;
}
