/* JSON encoder of comparisons, curves and plans (jansson). */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "scalelab/alloc.h"
#include "scalelab/report.h"
#include "scalelab/json.h"
#include "json_write_int.h"
#include "banned.h"

static json_t *name_or_null(const struct sl_instance *in)
{
    return in ? json_string(in->name) : json_null();
}

static json_t *catalog_json(const struct sl_catalog *c)
{
    json_t *o = json_object();
    int bad = !o;

    bad |= sl_json_put(o, "name", json_string(c->name));
    bad |= sl_json_put(o, "source", json_string(c->source));
    bad |= sl_json_put(o, "instances", json_integer((json_int_t)c->count));
    return sl_json_done(o, bad);
}

static json_t *workload_json(const struct sl_workload *w)
{
    json_t *o = json_object();
    char text[64];
    int bad = !o;

    bad |= sl_json_put(o, "cpu_ms", sl_json_num(w->cpu_ms));
    bad |= sl_json_put(o, "mem_per_request_mib", sl_json_num(w->mem_per_request_mib));
    bad |= sl_json_put(o, "base_mem_gib", sl_json_num(w->base_mem_gib));
    bad |= sl_json_put(o, "response_bytes", sl_json_num(w->response_bytes));
    bad |= sl_json_put(o, "sessions",
                       w->sessions > 0 ? sl_json_num(w->sessions) : json_string("auto"));
    bad |= sl_json_put(o, "session_interval_s", sl_json_num(w->session_interval_s));
    bad |= sl_json_put(o, "session_bytes", sl_json_num(w->session_bytes));
    bad |= sl_json_put(o, "state", json_string(sl_state_name(w->state)));
    bad |= sl_json_put(o, "target_utilization", sl_json_num(w->target_utilization));
    sl_spares_format(w, text, sizeof(text));
    bad |= sl_json_put(o, "spares", json_string(text));
    bad |= sl_json_put(o, "availability_target", sl_json_num(w->availability_target));
    bad |= sl_json_put(o, "vertical_standby", json_boolean(w->vertical_standby));
    bad |= sl_json_put(o, "zones", json_integer(w->zones));
    bad |= sl_json_put(o, "survive_zone", json_boolean(w->survive_zone));
    sl_slo_format(&w->slo, text, sizeof(text));
    bad |= sl_json_put(o, "slo", w->slo.kind == SL_SLO_NONE ? json_null() : json_string(text));
    bad |= sl_json_put(o, "slo_s", w->slo.kind == SL_SLO_NONE ? json_null()
                                                               : sl_json_num(w->slo.seconds));
    bad |= sl_json_put(o, "db_replicas_min", json_integer(w->db_replicas_min));
    bad |= sl_json_put(o, "usl_sigma", sl_json_num(w->usl_sigma));
    bad |= sl_json_put(o, "usl_kappa", sl_json_num(w->usl_kappa));
    bad |= sl_json_put(o, "usl_override", json_boolean(w->usl_override));
    bad |= sl_json_put(o, "usl_source",
                       w->usl_source[0] ? json_string(w->usl_source) : json_null());
    bad |= sl_json_put(o, "box_availability", sl_json_num(w->box_availability));
    bad |= sl_json_put(o, "lb_availability", sl_json_num(w->lb_availability));
    bad |= sl_json_put(o, "lb_usd_per_month", sl_json_num(w->lb_usd_per_month));
    bad |= sl_json_put(o, "db_queries_per_request", sl_json_num(w->db_queries_per_request));
    bad |= sl_json_put(o, "db_read_fraction", sl_json_num(w->db_read_fraction));
    bad |= sl_json_put(o, "db_query_ms", sl_json_num(w->db_query_ms));
    bad |= sl_json_put(o, "store_ops_per_request", sl_json_num(w->store_ops_per_request));
    bad |= sl_json_put(o, "instance", w->instance[0] ? json_string(w->instance) : json_null());
    return sl_json_done(o, bad);
}

static json_t *resources_json(const double *u)
{
    json_t *o = json_object();
    int bad = !o, r;

    for (r = 0; r < SL_RES_COUNT; r++)
        bad |= sl_json_put(o, sl_resource_name((enum sl_resource)r), sl_json_num(u[r]));
    return sl_json_done(o, bad);
}

/* The predicted response times of one box of a plan. */
static int put_latency(json_t *o, const struct sl_latency *l)
{
    int bad = 0;

    bad |= sl_json_put(o, "mean_response_s", sl_json_num(l->mean_s));
    bad |= sl_json_put(o, "p50_response_s", sl_json_num(l->p50_s));
    bad |= sl_json_put(o, "p99_response_s", sl_json_num(l->p99_s));
    bad |= sl_json_put(o, "slo_response_s", sl_json_num(l->slo_s));
    return bad;
}

/* The whole monthly bill of one plan, tier by tier. */
static json_t *bill_json(double servers, double lb, double store, const struct sl_db_tier *db,
                         double total)
{
    json_t *o = json_object();
    int bad = !o;

    bad |= sl_json_put(o, "servers_usd", sl_json_num(servers));
    bad |= sl_json_put(o, "lb_usd", sl_json_num(lb));
    bad |= sl_json_put(o, "store_usd", sl_json_num(store));
    bad |= sl_json_put(o, "database_usd", sl_json_num(db->monthly_usd));
    bad |= sl_json_put(o, "total_usd", sl_json_num(total));
    return sl_json_done(o, bad);
}

static json_t *vertical_json(const struct sl_vertical *v, const struct sl_db_tier *db)
{
    json_t *o = json_object();
    int bad = !o;

    bad |= sl_json_put(o, "feasible", json_boolean(v->feasible));
    bad |= sl_json_put(o, "instance", name_or_null(v->feasible ? v->instance : NULL));
    bad |= sl_json_put(o, "servers", json_integer(v->feasible ? v->servers : 0));
    /* the box's processors: the chosen one's, or the largest's when none suffices */
    bad |= sl_json_put(o, "vcpu_per_box", v->instance ? sl_json_num(v->instance->vcpu)
                                                      : json_null());
    bad |= sl_json_put(o, "total_vcpu", v->feasible ? sl_json_num(v->instance->vcpu *
                                                                  (double)v->servers)
                                                    : json_null());
    bad |= sl_json_put(o, "standby", json_boolean(v->standby));
    bad |= sl_json_put(o, "monthly_usd", v->feasible ? sl_json_num(v->monthly_usd) : json_null());
    bad |= sl_json_put(o, "usd_per_1k_rps",
                       v->feasible ? sl_json_num(v->usd_per_1k_rps) : json_null());
    bad |= sl_json_put(o, "usable_rps", sl_json_num(v->usable_rps));
    bad |= sl_json_put(o, "utilization", sl_json_num(v->utilization));
    bad |= sl_json_put(o, "binding", json_string(v->sized_by == SL_SIZED_LATENCY ? "latency" :
                                                 sl_resource_name(v->binding)));
    bad |= sl_json_put(o, "sized_by", json_string(sl_sizing_name(v->sized_by)));
    bad |= sl_json_put(o, "resources", resources_json(v->resources));
    bad |= sl_json_put(o, "full_rps", sl_json_num(v->full_rps));
    bad |= sl_json_put(o, "availability", sl_json_num(v->availability));
    bad |= sl_json_put(o, "meets_target", json_boolean(v->feasible && v->meets_target));
    bad |= sl_json_put(o, "survives_zone", json_boolean(v->feasible && v->survives_zone));
    if (v->feasible)
        bad |= put_latency(o, &v->latency);
    else
        bad |= put_latency(o, &(struct sl_latency){ NAN, NAN, NAN, NAN });
    bad |= sl_json_put(o, "max_rps", sl_json_num(v->max_rps));
    bad |= sl_json_put(o, "largest_instance", name_or_null(v->feasible ? NULL : v->instance));
    bad |= sl_json_put(o, "bill", v->feasible ? bill_json(v->monthly_usd, 0, 0, db,
                                                          v->total_monthly_usd) : json_null());
    bad |= sl_json_put(o, "total_monthly_usd",
                       v->feasible ? sl_json_num(v->total_monthly_usd) : json_null());
    bad |= sl_json_put(o, "system_availability",
                       v->feasible ? sl_json_num(v->system_availability) : json_null());
    return sl_json_done(o, bad);
}

static json_t *store_json(const struct sl_store_tier *s)
{
    json_t *o;
    int bad;

    if (!s->used)
        return json_null();
    o = json_object();
    bad = !o;
    bad |= sl_json_put(o, "instance", name_or_null(s->instance));
    bad |= sl_json_put(o, "shards", json_integer(s->shards));
    bad |= sl_json_put(o, "nodes_per_shard", json_integer(s->nodes_per_shard));
    bad |= sl_json_put(o, "nodes", json_integer(s->nodes));
    bad |= sl_json_put(o, "ops_rps", sl_json_num(s->ops_rps));
    bad |= sl_json_put(o, "data_gib", sl_json_num(s->data_gib));
    bad |= sl_json_put(o, "monthly_usd", sl_json_num(s->monthly_usd));
    bad |= sl_json_put(o, "availability", sl_json_num(s->availability));
    return sl_json_done(o, bad);
}

static json_t *zones_json(const struct sl_horizontal *h)
{
    json_t *a = json_array();
    long z;

    for (z = 0; a && z < h->zones; z++)
        if (json_array_append_new(a, json_integer(h->feasible ? h->per_zone[z] : 0))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *horizontal_json(const struct sl_horizontal *h, const struct sl_workload *w,
                               const struct sl_db_tier *db)
{
    json_t *o = json_object();
    int bad = !o;

    bad |= sl_json_put(o, "feasible", json_boolean(h->feasible));
    bad |= sl_json_put(o, "instance", name_or_null(h->feasible ? h->instance : NULL));
    bad |= sl_json_put(o, "servers", json_integer(h->servers));
    bad |= sl_json_put(o, "vcpu_per_server", h->feasible ? sl_json_num(h->instance->vcpu)
                                                         : json_null());
    bad |= sl_json_put(o, "total_vcpu", h->feasible ? sl_json_num(h->instance->vcpu *
                                                                  (double)h->servers)
                                                    : json_null());
    bad |= sl_json_put(o, "needed", json_integer(h->needed));
    bad |= sl_json_put(o, "spares", json_integer(h->spares));
    bad |= sl_json_put(o, "zones", json_integer(h->zones));
    bad |= sl_json_put(o, "servers_per_zone", zones_json(h));
    bad |= sl_json_put(o, "survives_zone", json_boolean(h->feasible && h->survives_zone));
    bad |= sl_json_put(o, "monthly_usd", h->feasible ? sl_json_num(h->monthly_usd) : json_null());
    bad |= sl_json_put(o, "usd_per_1k_rps",
                       h->feasible ? sl_json_num(h->usd_per_1k_rps) : json_null());
    bad |= sl_json_put(o, "servers_usd", sl_json_num(h->servers_usd));
    bad |= sl_json_put(o, "lb_usd", sl_json_num(h->lb_usd));
    bad |= sl_json_put(o, "usable_rps_per_server", sl_json_num(h->usable_rps_per_server));
    bad |= sl_json_put(o, "full_rps_per_server", sl_json_num(h->full_rps_per_server));
    bad |= sl_json_put(o, "resources", resources_json(h->resources));
    bad |= sl_json_put(o, "utilization", sl_json_num(h->utilization));
    bad |= sl_json_put(o, "availability", sl_json_num(h->availability));
    bad |= sl_json_put(o, "meets_target", json_boolean(h->feasible && h->meets_target));
    bad |= sl_json_put(o, "binding", json_string(h->sized_by == SL_SIZED_LATENCY ? "latency" :
                                                 sl_resource_name(h->binding)));
    bad |= sl_json_put(o, "sized_by", json_string(sl_sizing_name(h->sized_by)));
    if (h->feasible)
        bad |= put_latency(o, &h->latency);
    else
        bad |= put_latency(o, &(struct sl_latency){ NAN, NAN, NAN, NAN });
    bad |= sl_json_put(o, "state", json_string(sl_state_name(w->state)));
    bad |= sl_json_put(o, "breaks_sessions", json_boolean(h->breaks_sessions));
    bad |= sl_json_put(o, "lost_request_fraction", sl_json_num(h->lost_request_fraction));
    bad |= sl_json_put(o, "lost_on_failure", sl_json_num(h->lost_on_failure));
    bad |= sl_json_put(o, "imbalance", sl_json_num(h->imbalance));
    bad |= sl_json_put(o, "store", store_json(&h->store));
    bad |= sl_json_put(o, "bill", h->feasible ? bill_json(h->servers_usd, h->lb_usd,
                                                          h->store.monthly_usd, db,
                                                          h->total_monthly_usd) : json_null());
    bad |= sl_json_put(o, "total_monthly_usd",
                       h->feasible ? sl_json_num(h->total_monthly_usd) : json_null());
    bad |= sl_json_put(o, "system_availability",
                       h->feasible ? sl_json_num(h->system_availability) : json_null());
    return sl_json_done(o, bad);
}

static json_t *database_json(const struct sl_db_tier *d)
{
    json_t *o;
    int bad;

    if (!d->used)
        return json_null();
    o = json_object();
    bad = !o;
    bad |= sl_json_put(o, "feasible", json_boolean(d->feasible));
    bad |= sl_json_put(o, "instance", name_or_null(d->instance));
    bad |= sl_json_put(o, "reads_qps", sl_json_num(d->reads_qps));
    bad |= sl_json_put(o, "writes_qps", sl_json_num(d->writes_qps));
    bad |= sl_json_put(o, "box_qps", sl_json_num(d->box_qps));
    bad |= sl_json_put(o, "max_primary_writes_qps", sl_json_num(d->max_primary_writes_qps));
    bad |= sl_json_put(o, "sharded", json_boolean(d->sharded));
    bad |= sl_json_put(o, "shards", json_integer(d->shards));
    bad |= sl_json_put(o, "replicas_per_shard", json_integer(d->replicas_per_shard));
    bad |= sl_json_put(o, "boxes", json_integer(d->boxes));
    bad |= sl_json_put(o, "utilization", sl_json_num(d->utilization));
    bad |= sl_json_put(o, "monthly_usd", sl_json_num(d->monthly_usd));
    bad |= sl_json_put(o, "availability", sl_json_num(d->availability));
    return sl_json_done(o, bad);
}

static json_t *comparison_json(const struct sl_comparison *cmp, const struct sl_workload *w)
{
    json_t *o = json_object();
    int bad = !o;

    bad |= sl_json_put(o, "load_rps", sl_json_num(cmp->load_rps));
    bad |= sl_json_put(o, "vertical", vertical_json(&cmp->vertical, &cmp->database));
    bad |= sl_json_put(o, "horizontal", horizontal_json(&cmp->horizontal, w, &cmp->database));
    bad |= sl_json_put(o, "database", database_json(&cmp->database));
    bad |= sl_json_put(o, "verdict", json_string(sl_verdict_name(cmp->verdict)));
    bad |= sl_json_put(o, "cost_ratio",
                       cmp->cost_ratio > 0 ? sl_json_num(cmp->cost_ratio) : json_null());
    return sl_json_done(o, bad);
}

/* A document with the catalog and workload every report starts with. */
static json_t *document(const struct sl_catalog *c, const struct sl_workload *w)
{
    json_t *o = json_object();
    int bad = !o;

    bad |= sl_json_put(o, "catalog", catalog_json(c));
    bad |= sl_json_put(o, "workload", workload_json(w));
    return sl_json_done(o, bad);
}

/* Serialises and frees doc; reports an allocation failure in err. */
static char *finish(json_t *doc, char *err, size_t errlen)
{
    char *text = sl_json_dump(doc);

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
    if (sl_json_put(doc, "rows", rows)) {
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

/* One point of the curve, written as its object would be, without building it. */
static void curve_point_write(struct sl_jw *o, const void *pts, size_t i, int depth)
{
    const struct sl_curve_point *p = (const struct sl_curve_point *)pts + i;
    int in = depth + 1;

    sl_jw_add(o, "{", 1);
    sl_jw_key(o, "load_rps", in, 1);
    sl_jw_num(o, p->load_rps);
    sl_jw_key(o, "vertical_usd", in, 0);
    sl_jw_num(o, p->vertical_usd);
    sl_jw_key(o, "vertical_instance", in, 0);
    sl_jw_string(o, p->vertical_instance ? p->vertical_instance->name : NULL);
    sl_jw_key(o, "horizontal_usd", in, 0);
    sl_jw_num(o, p->horizontal_usd);
    sl_jw_key(o, "horizontal_instance", in, 0);
    sl_jw_string(o, p->horizontal_instance ? p->horizontal_instance->name : NULL);
    sl_jw_key(o, "horizontal_servers", in, 0);
    sl_jw_int(o, p->horizontal_servers);
    sl_jw_key(o, "horizontal_spares", in, 0);
    sl_jw_int(o, p->horizontal_spares);
    sl_jw_key(o, "vertical_total_usd", in, 0);
    sl_jw_num(o, p->vertical_total_usd);
    sl_jw_key(o, "horizontal_total_usd", in, 0);
    sl_jw_num(o, p->horizontal_total_usd);
    sl_jw_key(o, "vertical_availability", in, 0);
    sl_jw_num(o, p->vertical_availability);
    sl_jw_key(o, "horizontal_availability", in, 0);
    sl_jw_num(o, p->horizontal_availability);
    sl_jw_key(o, "vertical_p99_s", in, 0);
    sl_jw_num(o, p->vertical_p99_s);
    sl_jw_key(o, "horizontal_p99_s", in, 0);
    sl_jw_num(o, p->horizontal_p99_s);
    sl_jw_newline(o, depth);
    sl_jw_add(o, "}", 1);
}

char *sl_report_curve_json(const struct sl_catalog *c, const struct sl_workload *w,
                           double from, double to, long points, unsigned threads,
                           char *err, size_t errlen)
{
    struct sl_curve_point *pts = NULL;
    json_t *doc = NULL;
    char *text = NULL;

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
    if (sl_plan_curve(c, w, from, to, points, threads, pts, err, errlen) != SL_OK)
        goto out;
    doc = document(c, w);
    if (sl_json_put(doc, "points", json_array())) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    /* written a point at a time: the tree of 100,000 points would hold some 300 MiB */
    text = sl_jw_dump_array(doc, (size_t)points, curve_point_write, pts, threads);
    doc = NULL;
    if (!text)
        snprintf(err, errlen, "out of memory");
out:
    json_decref(doc);
    sl_free(pts);
    return text;
}

char *sl_report_plan_json(const struct sl_catalog *c, const struct sl_workload *w,
                          char *err, size_t errlen)
{
    struct sl_comparison cmp;
    json_t *doc;
    int bad;

    if (check(w, err, errlen))
        return NULL;
    if (sl_plan_compare(c, w, w->load_rps, &cmp, err, errlen) != SL_OK)
        return NULL;
    doc = document(c, w);
    bad = !doc;
    bad |= sl_json_put(doc, "load_rps", sl_json_num(w->load_rps));
    bad |= sl_json_put(doc, "sessions", sl_json_num(sl_workload_sessions(w)));
    bad |= sl_json_put(doc, "app", comparison_json(&cmp, w));
    if (cmp.horizontal.feasible) {
        const struct sl_horizontal *h = &cmp.horizontal;

        bad |= sl_json_put(doc, "expected_down",
                           sl_json_num((double)h->servers * (1 - w->box_availability)));
        bad |= sl_json_put(doc, "spares_to_match_one_box",
                         json_integer(sl_plan_spares_for(h->needed, w->box_availability,
                                                         w->box_availability)));
    }
    if (bad) {
        json_decref(doc);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return finish(doc, err, errlen);
}

static json_t *instance_json(const struct sl_instance *in)
{
    json_t *o = json_object();
    int bad = !o;

    bad |= sl_json_put(o, "name", json_string(in->name));
    bad |= sl_json_put(o, "vcpu", sl_json_num(in->vcpu));
    bad |= sl_json_put(o, "mem_gib", sl_json_num(in->mem_gib));
    bad |= sl_json_put(o, "net_gbps", sl_json_num(in->net_gbps));
    bad |= sl_json_put(o, "usd_per_month", sl_json_num(in->usd_per_month));
    bad |= sl_json_put(o, "single_thread_factor", sl_json_num(in->single_thread_factor));
    bad |= sl_json_put(o, "usl_sigma", sl_json_num(in->usl_sigma));
    bad |= sl_json_put(o, "usl_kappa", sl_json_num(in->usl_kappa));
    bad |= sl_json_put(o, "net_burst_gbps", sl_json_num(in->net_burst_gbps));
    bad |= sl_json_put(o, "fleet_only", json_boolean(in->fleet_only));
    bad |= sl_json_put(o, "usd_per_vcpu_month", sl_json_num(in->usd_per_month / in->vcpu));
    return sl_json_done(o, bad);
}

/* {"catalogs": [...]} with every embedded catalog, or only the one named `only` (NULL: all). */
static char *catalogs_doc(const char *only, char *err, size_t errlen)
{
    const char *const *names = sl_catalog_builtin_names();
    const char *one[2] = { only, NULL };
    json_t *doc = json_object(), *list = json_array();
    int bad = sl_json_put(doc, "catalogs", list);
    size_t i, k;

    if (only)
        names = one;
    for (i = 0; !bad && names[i]; i++) {
        struct sl_catalog *c = NULL;
        json_t *o, *items;

        if (sl_catalog_builtin(names[i], &c, err, errlen) != SL_OK) {
            json_decref(doc);
            return NULL;
        }
        o = catalog_json(c);
        items = json_array();
        bad |= sl_json_put(o, "items", items);
        for (k = 0; !bad && k < c->count; k++)
            bad |= json_array_append_new(items, instance_json(&c->items[k])) != 0;
        bad |= json_array_append_new(list, o) != 0;
        sl_catalog_free(c);
    }
    if (bad) {
        json_decref(doc);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return finish(doc, err, errlen);
}

char *sl_report_catalogs_json(char *err, size_t errlen)
{
    return catalogs_doc(NULL, err, errlen);
}

char *sl_report_catalog_json(const char *name, char *err, size_t errlen)
{
    return catalogs_doc(name, err, errlen);
}
