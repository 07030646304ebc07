/* JSON encoder of comparisons, curves and plans (jansson). */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "scalelab/alloc.h"
#include "scalelab/report.h"
#include "banned.h"

#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))

/* A real, or null when it is not finite (JSON has no infinity or NaN). */
static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* Sets key on obj; a NULL value (allocation failure) marks the object as failed. */
static int put(json_t *obj, const char *key, json_t *value)
{
    return json_object_set_new(obj, key, value) == 0 ? 0 : -1;
}

static json_t *name_or_null(const struct sl_instance *in)
{
    return in ? json_string(in->name) : json_null();
}

static json_t *catalog_json(const struct sl_catalog *c)
{
    json_t *o = json_object();
    int bad = !o;

    bad = bad || put(o, "name", json_string(c->name));
    bad = bad || put(o, "source", json_string(c->source));
    bad = bad || put(o, "instances", json_integer((json_int_t)c->count));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *workload_json(const struct sl_workload *w)
{
    json_t *o = json_object();
    int bad = !o;

    bad = bad || put(o, "cpu_ms", num(w->cpu_ms));
    bad = bad || put(o, "mem_per_request_mib", num(w->mem_per_request_mib));
    bad = bad || put(o, "base_mem_gib", num(w->base_mem_gib));
    bad = bad || put(o, "response_bytes", num(w->response_bytes));
    bad = bad || put(o, "sessions", w->sessions > 0 ? num(w->sessions) : json_string("auto"));
    bad = bad || put(o, "session_interval_s", num(w->session_interval_s));
    bad = bad || put(o, "session_bytes", num(w->session_bytes));
    bad = bad || put(o, "state", json_string(sl_state_name(w->state)));
    bad = bad || put(o, "target_utilization", num(w->target_utilization));
    bad = bad || put(o, "spares", json_string(sl_spares_name(w->spares)));
    bad = bad || put(o, "usl_sigma", num(w->usl_sigma));
    bad = bad || put(o, "usl_kappa", num(w->usl_kappa));
    bad = bad || put(o, "box_availability", num(w->box_availability));
    bad = bad || put(o, "lb_availability", num(w->lb_availability));
    bad = bad || put(o, "lb_usd_per_month", num(w->lb_usd_per_month));
    bad = bad || put(o, "db_queries_per_request", num(w->db_queries_per_request));
    bad = bad || put(o, "db_read_fraction", num(w->db_read_fraction));
    bad = bad || put(o, "db_query_ms", num(w->db_query_ms));
    bad = bad || put(o, "store_ops_per_request", num(w->store_ops_per_request));
    bad = bad || put(o, "instance", w->instance[0] ? json_string(w->instance) : json_null());
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *vertical_json(const struct sl_vertical *v)
{
    json_t *o = json_object();
    int bad = !o;

    bad = bad || put(o, "feasible", json_boolean(v->feasible));
    bad = bad || put(o, "instance", name_or_null(v->feasible ? v->instance : NULL));
    bad = bad || put(o, "servers", json_integer(v->feasible ? 1 : 0));
    bad = bad || put(o, "monthly_usd", v->feasible ? num(v->monthly_usd) : json_null());
    bad = bad || put(o, "usable_rps", num(v->usable_rps));
    bad = bad || put(o, "utilization", num(v->utilization));
    bad = bad || put(o, "binding", json_string(sl_resource_name(v->binding)));
    bad = bad || put(o, "availability", num(v->availability));
    bad = bad || put(o, "max_rps", num(v->max_rps));
    bad = bad || put(o, "largest_instance", name_or_null(v->feasible ? NULL : v->instance));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *store_json(const struct sl_store_tier *s)
{
    json_t *o;
    int bad;

    if (!s->used)
        return json_null();
    o = json_object();
    bad = !o;
    bad = bad || put(o, "instance", name_or_null(s->instance));
    bad = bad || put(o, "shards", json_integer(s->shards));
    bad = bad || put(o, "nodes", json_integer(s->nodes));
    bad = bad || put(o, "ops_rps", num(s->ops_rps));
    bad = bad || put(o, "data_gib", num(s->data_gib));
    bad = bad || put(o, "monthly_usd", num(s->monthly_usd));
    bad = bad || put(o, "availability", num(s->availability));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *horizontal_json(const struct sl_horizontal *h, const struct sl_workload *w)
{
    json_t *o = json_object();
    int bad = !o;

    bad = bad || put(o, "feasible", json_boolean(h->feasible));
    bad = bad || put(o, "instance", name_or_null(h->feasible ? h->instance : NULL));
    bad = bad || put(o, "servers", json_integer(h->servers));
    bad = bad || put(o, "needed", json_integer(h->needed));
    bad = bad || put(o, "spares", json_integer(h->spares));
    bad = bad || put(o, "monthly_usd", h->feasible ? num(h->monthly_usd) : json_null());
    bad = bad || put(o, "servers_usd", num(h->servers_usd));
    bad = bad || put(o, "lb_usd", num(h->lb_usd));
    bad = bad || put(o, "usable_rps_per_server", num(h->usable_rps_per_server));
    bad = bad || put(o, "utilization", num(h->utilization));
    bad = bad || put(o, "availability", num(h->availability));
    bad = bad || put(o, "binding", json_string(sl_resource_name(h->binding)));
    bad = bad || put(o, "state", json_string(sl_state_name(w->state)));
    bad = bad || put(o, "breaks_sessions", json_boolean(h->breaks_sessions));
    bad = bad || put(o, "lost_request_fraction", num(h->lost_request_fraction));
    bad = bad || put(o, "lost_on_failure", num(h->lost_on_failure));
    bad = bad || put(o, "imbalance", num(h->imbalance));
    bad = bad || put(o, "store", store_json(&h->store));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *comparison_json(const struct sl_comparison *cmp, const struct sl_workload *w)
{
    json_t *o = json_object();
    int bad = !o;

    bad = bad || put(o, "load_rps", num(cmp->load_rps));
    bad = bad || put(o, "vertical", vertical_json(&cmp->vertical));
    bad = bad || put(o, "horizontal", horizontal_json(&cmp->horizontal, w));
    bad = bad || put(o, "verdict", json_string(sl_verdict_name(cmp->verdict)));
    bad = bad || put(o, "cost_ratio", cmp->cost_ratio > 0 ? num(cmp->cost_ratio) : json_null());
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* A document with the catalog and workload every report starts with. */
static json_t *document(const struct sl_catalog *c, const struct sl_workload *w)
{
    json_t *o = json_object();
    int bad = !o;

    bad = bad || put(o, "catalog", catalog_json(c));
    bad = bad || put(o, "workload", workload_json(w));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Serialises and frees doc; reports an allocation failure in err. */
static char *finish(json_t *doc, char *err, size_t errlen)
{
    char *text = doc ? json_dumps(doc, JSON_FLAGS) : NULL;

    json_decref(doc);
    if (!text)
        snprintf(err, errlen, "out of memory");
    return text;
}

static int check(const struct sl_workload *w, char *err, size_t errlen)
{
    return sl_workload_check(w, err, errlen) != SL_OK;
}

char *sl_report_compare_json(const struct sl_catalog *c, const struct sl_workload *w,
                             const double *loads, size_t n, char *err, size_t errlen)
{
    json_t *doc, *rows;
    size_t i;

    if (check(w, err, errlen))
        return NULL;
    doc = document(c, w);
    rows = json_array();
    if (!doc || !rows || put(doc, "rows", rows)) {
        if (!doc)
            json_decref(rows);
        json_decref(doc);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (i = 0; i < n; i++) {
        struct sl_comparison cmp;

        if (sl_plan_compare(c, w, loads[i], &cmp, err, errlen) != SL_OK) {
            json_decref(doc);
            return NULL;
        }
        if (json_array_append_new(rows, comparison_json(&cmp, w))) {
            json_decref(doc);
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
    }
    return finish(doc, err, errlen);
}

static json_t *curve_point_json(const struct sl_curve_point *p)
{
    json_t *o = json_object();
    int bad = !o;

    bad = bad || put(o, "load_rps", num(p->load_rps));
    bad = bad || put(o, "vertical_usd", num(p->vertical_usd));
    bad = bad || put(o, "vertical_instance", name_or_null(p->vertical_instance));
    bad = bad || put(o, "horizontal_usd", num(p->horizontal_usd));
    bad = bad || put(o, "horizontal_instance", name_or_null(p->horizontal_instance));
    bad = bad || put(o, "horizontal_servers", json_integer(p->horizontal_servers));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

char *sl_report_curve_json(const struct sl_catalog *c, const struct sl_workload *w,
                           double from, double to, long points, char *err, size_t errlen)
{
    struct sl_curve_point *pts = NULL;
    json_t *doc = NULL, *arr;
    char *text = NULL;
    long i;

    if (check(w, err, errlen))
        return NULL;
    if (points < 1 || points > SL_CURVE_MAX_POINTS) {
        snprintf(err, errlen, "invalid number of points %ld (expected 1 to %ld)", points,
                 SL_CURVE_MAX_POINTS);
        return NULL;
    }
    pts = sl_calloc((size_t)points, sizeof(*pts));
    if (!pts) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (sl_plan_curve(c, w, from, to, points, pts, err, errlen) != SL_OK)
        goto out;
    doc = document(c, w);
    arr = json_array();
    if (!doc || !arr || put(doc, "points", arr)) {
        if (!doc)
            json_decref(arr);
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (i = 0; i < points; i++)
        if (json_array_append_new(arr, curve_point_json(&pts[i]))) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
    text = finish(doc, err, errlen);
    doc = NULL;
out:
    json_decref(doc);
    sl_free(pts);
    return text;
}

static json_t *database_json(const struct sl_db_tier *d)
{
    json_t *o = json_object();
    int bad = !o;

    bad = bad || put(o, "instance", name_or_null(d->instance));
    bad = bad || put(o, "reads_qps", num(d->reads_qps));
    bad = bad || put(o, "writes_qps", num(d->writes_qps));
    bad = bad || put(o, "box_qps", num(d->box_qps));
    bad = bad || put(o, "max_primary_writes_qps", num(d->max_primary_writes_qps));
    bad = bad || put(o, "sharded", json_boolean(d->sharded));
    bad = bad || put(o, "shards", json_integer(d->shards));
    bad = bad || put(o, "replicas_per_shard", json_integer(d->replicas_per_shard));
    bad = bad || put(o, "boxes", json_integer(d->boxes));
    bad = bad || put(o, "utilization", num(d->utilization));
    bad = bad || put(o, "monthly_usd", num(d->monthly_usd));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

char *sl_report_plan_json(const struct sl_catalog *c, const struct sl_workload *w,
                          char *err, size_t errlen)
{
    struct sl_comparison cmp;
    struct sl_db_tier db;
    json_t *doc;
    int bad;

    if (check(w, err, errlen))
        return NULL;
    if (sl_plan_compare(c, w, w->load_rps, &cmp, err, errlen) != SL_OK)
        return NULL;
    sl_plan_database(c, w, &db);
    doc = document(c, w);
    bad = !doc;
    bad = bad || put(doc, "load_rps", num(w->load_rps));
    bad = bad || put(doc, "sessions", num(sl_workload_sessions(w)));
    bad = bad || put(doc, "app", comparison_json(&cmp, w));
    if (cmp.horizontal.feasible) {
        const struct sl_horizontal *h = &cmp.horizontal;

        bad = bad || put(doc, "expected_down", num((double)h->servers * (1 - w->box_availability)));
        bad = bad || put(doc, "spares_to_match_one_box",
                         json_integer(sl_plan_spares_for(h->needed, w->box_availability,
                                                         w->box_availability)));
    }
    bad = bad || put(doc, "database", database_json(&db));
    if (bad) {
        json_decref(doc);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return finish(doc, err, errlen);
}
