/* Helpers shared by the library's JSON encoders: nulls for non-finite numbers, one dump format. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "scalelab/json.h"
#include "json_write_int.h"
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

/* json_dumps writes only objects and arrays at the root (without JSON_ENCODE_ANY): so do we. */
static int dumpable(const json_t *doc)
{
    return doc && (json_is_object(doc) || json_is_array(doc));
}

char *sl_json_dump(json_t *doc)
{
    struct sl_jw w = { NULL, 0, 0, 0 };

    if (dumpable(doc))
        sl_jw_value(&w, doc, 0);
    else
        w.failed = 1;
    json_decref(doc);
    return sl_jw_finish(&w);
}
