/* The JSON document of a queueing result, shared by `scalelab queue --json` and the web API. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "scalelab/alloc.h"
#include "scalelab/queueing.h"
#include "banned.h"

/* A finite number, or null for NaN (does not apply) and infinities (unbounded). */
static json_t *number(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* A positive count, or null when 0 means "none" (unbounded queue, open system). */
static json_t *count(long v)
{
    return v > 0 ? json_integer(v) : json_null();
}

/* Adds key: value to o, taking the value; nonzero if value is NULL or memory ran out. */
static int put(json_t *o, const char *key, json_t *value)
{
    return json_object_set_new(o, key, value) != 0;
}

static json_t *encode_table(const struct sl_queue_result *r)
{
    json_t *table;
    size_t i;

    if (r->table_len == 0)
        return json_null();
    table = json_array();
    if (!table)
        return NULL;
    for (i = 0; i < r->table_len && i < SL_QUEUE_TABLE_ROWS; i++) {
        const struct sl_queue_row *row = &r->table[i];
        json_t *o = json_object();
        int bad = !o;

        if (o) {
            bad |= put(o, "utilization", number(row->utilization));
            bad |= put(o, "response_multiple", number(row->response_multiple));
            bad |= put(o, "drop_probability", number(row->drop_probability));
        }
        if (bad || json_array_append_new(table, o)) {
            if (bad)
                json_decref(o);
            json_decref(table);
            return NULL;
        }
    }
    return table;
}

static json_t *encode(const struct sl_queue_result *r)
{
    json_t *doc = json_object();
    int bad = 0;

    if (!doc)
        return NULL;
    bad |= put(doc, "model", json_string(sl_queue_model_name(r->model)));
    bad |= put(doc, "servers", json_integer(r->servers));
    bad |= put(doc, "utilization", number(r->utilization));
    bad |= put(doc, "stable", json_boolean(r->stable));
    bad |= put(doc, "p_wait", number(r->p_wait));
    bad |= put(doc, "mean_wait_s", number(r->mean_wait_s));
    bad |= put(doc, "mean_response_s", number(r->mean_response_s));
    bad |= put(doc, "p99_wait_s", number(r->p99_wait_s));
    bad |= put(doc, "p99_response_s", number(r->p99_response_s));
    bad |= put(doc, "drop_probability", number(r->drop_probability));
    bad |= put(doc, "throughput_rps", number(r->throughput_rps));
    bad |= put(doc, "service_s", number(r->service_s));
    bad |= put(doc, "load_rps", number(r->load_rps));
    bad |= put(doc, "queue_capacity", count(r->queue_capacity));
    bad |= put(doc, "users", count(r->users));
    bad |= put(doc, "think_s", number(r->think_s));
    bad |= put(doc, "carried_utilization", number(r->carried_utilization));
    bad |= put(doc, "mean_in_system", number(r->mean_in_system));
    bad |= put(doc, "mean_in_queue", number(r->mean_in_queue));
    bad |= put(doc, "table", encode_table(r));
    if (bad) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/*
 * Encodes, then copies the text into sl_malloc'd memory so that the caller frees it with sl_free
 * whatever allocator jansson was given.
 */
char *sl_queue_json(const struct sl_queue_result *r, char *err, size_t errlen)
{
    json_t *doc = NULL;
    char *text = NULL, *out = NULL;
    json_malloc_t jmalloc;
    json_free_t jfree;

    doc = encode(r);
    if (!doc)
        goto out;
    text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10) | JSON_PRESERVE_ORDER);
    if (!text)
        goto out;
    out = sl_strdup(text);
out:
    if (text) {
        json_get_alloc_funcs(&jmalloc, &jfree);
        jfree(text);
    }
    json_decref(doc);
    if (!out && err && errlen)
        snprintf(err, errlen, "out of memory encoding the queue result as JSON");
    return out;
}
