/* The JSON document of a queueing result, shared by `scalelab queue --json` and the web API. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "scalelab/alloc.h"
#include "scalelab/queueing.h"
#include "scalelab/json.h"
#include "banned.h"

/* A positive count, or null when 0 means "none" (unbounded queue, open system). */
static json_t *count_or_null(long v)
{
    return v > 0 ? json_integer(v) : json_null();
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
            bad |= sl_json_put(o, "utilization", sl_json_num(row->utilization));
            bad |= sl_json_put(o, "response_multiple", sl_json_num(row->response_multiple));
            bad |= sl_json_put(o, "drop_probability", sl_json_num(row->drop_probability));
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

/* {"p50": t, "p90": t, "p99": t, "p99.9": t}, null figures where they are not exact. */
static json_t *encode_quantiles(const double *q)
{
    static const char *const names[SL_QUEUE_QUANTILES] = { "p50", "p90", "p99", "p99.9" };
    json_t *o = json_object();
    int bad = !o, i;

    for (i = 0; i < SL_QUEUE_QUANTILES; i++)
        bad |= sl_json_put(o, names[i], sl_json_num(q[i]));
    return sl_json_done(o, bad);
}

static json_t *encode(const struct sl_queue_result *r)
{
    json_t *doc = json_object();
    int bad = 0;

    if (!doc)
        return NULL;
    bad |= sl_json_put(doc, "model", json_string(sl_queue_model_name(r->model)));
    bad |= sl_json_put(doc, "servers", json_integer(r->servers));
    bad |= sl_json_put(doc, "utilization", sl_json_num(r->utilization));
    bad |= sl_json_put(doc, "stable", json_boolean(r->stable));
    bad |= sl_json_put(doc, "p_wait", sl_json_num(r->p_wait));
    bad |= sl_json_put(doc, "mean_wait_s", sl_json_num(r->mean_wait_s));
    bad |= sl_json_put(doc, "mean_response_s", sl_json_num(r->mean_response_s));
    bad |= sl_json_put(doc, "p99_wait_s", sl_json_num(r->p99_wait_s));
    bad |= sl_json_put(doc, "p99_response_s", sl_json_num(r->p99_response_s));
    bad |= sl_json_put(doc, "drop_probability", sl_json_num(r->drop_probability));
    bad |= sl_json_put(doc, "throughput_rps", sl_json_num(r->throughput_rps));
    bad |= sl_json_put(doc, "response_multiple", sl_json_num(sl_queue_response_multiple(r)));
    bad |= sl_json_put(doc, "service_s", sl_json_num(r->service_s));
    bad |= sl_json_put(doc, "load_rps", sl_json_num(r->load_rps));
    bad |= sl_json_put(doc, "queue_capacity", count_or_null(r->queue_capacity));
    bad |= sl_json_put(doc, "users", count_or_null(r->users));
    bad |= sl_json_put(doc, "think_s", sl_json_num(r->think_s));
    bad |= sl_json_put(doc, "carried_utilization", sl_json_num(r->carried_utilization));
    bad |= sl_json_put(doc, "mean_in_system", sl_json_num(r->mean_in_system));
    bad |= sl_json_put(doc, "mean_in_queue", sl_json_num(r->mean_in_queue));
    bad |= sl_json_put(doc, "wait_quantiles_s", encode_quantiles(r->wait_q));
    bad |= sl_json_put(doc, "response_quantiles_s", encode_quantiles(r->response_q));
    bad |= sl_json_put(doc, "service_cv", sl_json_num(r->service_cv));
    bad |= sl_json_put(doc, "approximation",
                       r->approximation ? json_string(r->approximation) : json_null());
    bad |= sl_json_put(doc, "table", encode_table(r));
    return sl_json_done(doc, bad);
}

char *sl_queue_json(const struct sl_queue_result *r, char *err, size_t errlen)
{
    char *text = sl_json_dump(encode(r));

    if (!text && err && errlen)
        snprintf(err, errlen, "out of memory encoding the queue result as JSON");
    return text;
}
