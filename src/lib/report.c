/* JSON encoder of comparisons, curves, plans and catalogs. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>

#include "scalelab/alloc.h"
#include "scalelab/report.h"
#include "json_write_int.h"
#include "banned.h"

/*
 * Every document here is written straight into its text (json_write.c) in the form and order
 * its jansson tree would have: building the tree was most of the cost of an answer.
 */

static const char *name_of(const struct sl_instance *in)
{
    return in ? in->name : NULL;
}

static void catalog_write(struct sl_jw_obj *o, const struct sl_catalog *c)
{
    sl_jw_put_str(o, "name", c->name);
    sl_jw_put_str(o, "source", c->source);
    sl_jw_put_int(o, "instances", (long long)c->count);
}

static void workload_write(struct sl_jw_obj *o, const struct sl_workload *w)
{
    char text[64];

    sl_jw_put_num(o, "cpu_ms", w->cpu_ms);
    sl_jw_put_num(o, "mem_per_request_mib", w->mem_per_request_mib);
    sl_jw_put_num(o, "base_mem_gib", w->base_mem_gib);
    sl_jw_put_num(o, "response_bytes", w->response_bytes);
    if (w->sessions > 0)
        sl_jw_put_num(o, "sessions", w->sessions);
    else
        sl_jw_put_str(o, "sessions", "auto");
    sl_jw_put_num(o, "session_interval_s", w->session_interval_s);
    sl_jw_put_num(o, "session_bytes", w->session_bytes);
    sl_jw_put_str(o, "state", sl_state_name(w->state));
    sl_jw_put_num(o, "target_utilization", w->target_utilization);
    sl_spares_format(w, text, sizeof(text));
    sl_jw_put_str(o, "spares", text);
    sl_jw_put_num(o, "availability_target", w->availability_target);
    sl_jw_put_bool(o, "vertical_standby", w->vertical_standby);
    sl_jw_put_int(o, "zones", w->zones);
    sl_jw_put_bool(o, "survive_zone", w->survive_zone);
    sl_slo_format(&w->slo, text, sizeof(text));
    sl_jw_put_str(o, "slo", w->slo.kind == SL_SLO_NONE ? NULL : text);
    sl_jw_put_num(o, "slo_s", w->slo.kind == SL_SLO_NONE ? NAN : w->slo.seconds);
    sl_jw_put_int(o, "db_replicas_min", w->db_replicas_min);
    sl_jw_put_num(o, "usl_sigma", w->usl_sigma);
    sl_jw_put_num(o, "usl_kappa", w->usl_kappa);
    sl_jw_put_bool(o, "usl_override", w->usl_override);
    sl_jw_put_str(o, "usl_source", w->usl_source[0] ? w->usl_source : NULL);
    sl_jw_put_num(o, "box_availability", w->box_availability);
    sl_jw_put_num(o, "lb_availability", w->lb_availability);
    sl_jw_put_num(o, "lb_usd_per_month", w->lb_usd_per_month);
    sl_jw_put_num(o, "db_queries_per_request", w->db_queries_per_request);
    sl_jw_put_num(o, "db_read_fraction", w->db_read_fraction);
    sl_jw_put_num(o, "db_query_ms", w->db_query_ms);
    sl_jw_put_num(o, "store_ops_per_request", w->store_ops_per_request);
    sl_jw_put_str(o, "instance", w->instance[0] ? w->instance : NULL);
}

static void resources_write(struct sl_jw_obj *parent, const double *u)
{
    struct sl_jw_obj o = sl_jw_put_object(parent, "resources");
    int r;

    for (r = 0; r < SL_RES_COUNT; r++)
        sl_jw_put_num(&o, sl_resource_name((enum sl_resource)r), u[r]);
    sl_jw_close(&o);
}

/* The predicted response times of one box of a plan (all null for an infeasible one). */
static void latency_write(struct sl_jw_obj *o, const struct sl_latency *l, int feasible)
{
    sl_jw_put_num(o, "mean_response_s", feasible ? l->mean_s : NAN);
    sl_jw_put_num(o, "p50_response_s", feasible ? l->p50_s : NAN);
    sl_jw_put_num(o, "p99_response_s", feasible ? l->p99_s : NAN);
    sl_jw_put_num(o, "slo_response_s", feasible ? l->slo_s : NAN);
}

/* The whole monthly bill of one plan, tier by tier; null for an infeasible one. */
static void bill_write(struct sl_jw_obj *parent, int feasible, double servers, double lb,
                       double store, const struct sl_db_tier *db, double total)
{
    struct sl_jw_obj o;

    if (!feasible) {
        sl_jw_put_null(parent, "bill");
        return;
    }
    o = sl_jw_put_object(parent, "bill");
    sl_jw_put_num(&o, "servers_usd", servers);
    sl_jw_put_num(&o, "lb_usd", lb);
    sl_jw_put_num(&o, "store_usd", store);
    sl_jw_put_num(&o, "database_usd", db->monthly_usd);
    sl_jw_put_num(&o, "total_usd", total);
    sl_jw_close(&o);
}

static void vertical_write(struct sl_jw_obj *parent, const struct sl_vertical *v,
                           const struct sl_db_tier *db)
{
    struct sl_jw_obj o = sl_jw_put_object(parent, "vertical");
    int ok = v->feasible;

    sl_jw_put_bool(&o, "feasible", ok);
    sl_jw_put_str(&o, "instance", name_of(ok ? v->instance : NULL));
    sl_jw_put_int(&o, "servers", ok ? v->servers : 0);
    /* the box's processors: the chosen one's, or the largest's when none suffices */
    sl_jw_put_num(&o, "vcpu_per_box", v->instance ? v->instance->vcpu : NAN);
    sl_jw_put_num(&o, "total_vcpu", ok ? v->instance->vcpu * (double)v->servers : NAN);
    sl_jw_put_bool(&o, "standby", v->standby);
    sl_jw_put_num(&o, "monthly_usd", ok ? v->monthly_usd : NAN);
    sl_jw_put_num(&o, "usd_per_1k_rps", ok ? v->usd_per_1k_rps : NAN);
    sl_jw_put_num(&o, "usable_rps", v->usable_rps);
    sl_jw_put_num(&o, "utilization", v->utilization);
    sl_jw_put_str(&o, "binding", v->sized_by == SL_SIZED_LATENCY ? "latency"
                                                                : sl_resource_name(v->binding));
    sl_jw_put_str(&o, "sized_by", sl_sizing_name(v->sized_by));
    resources_write(&o, v->resources);
    sl_jw_put_num(&o, "full_rps", v->full_rps);
    sl_jw_put_num(&o, "availability", v->availability);
    sl_jw_put_bool(&o, "meets_target", ok && v->meets_target);
    sl_jw_put_bool(&o, "survives_zone", ok && v->survives_zone);
    latency_write(&o, &v->latency, ok);
    sl_jw_put_num(&o, "max_rps", v->max_rps);
    sl_jw_put_str(&o, "largest_instance", name_of(ok ? NULL : v->instance));
    bill_write(&o, ok, v->monthly_usd, 0, 0, db, v->total_monthly_usd);
    sl_jw_put_num(&o, "total_monthly_usd", ok ? v->total_monthly_usd : NAN);
    sl_jw_put_num(&o, "system_availability", ok ? v->system_availability : NAN);
    sl_jw_close(&o);
}

static void store_write(struct sl_jw_obj *parent, const struct sl_store_tier *s)
{
    struct sl_jw_obj o;

    if (!s->used) {
        sl_jw_put_null(parent, "store");
        return;
    }
    o = sl_jw_put_object(parent, "store");
    sl_jw_put_str(&o, "instance", name_of(s->instance));
    sl_jw_put_int(&o, "shards", s->shards);
    sl_jw_put_int(&o, "nodes_per_shard", s->nodes_per_shard);
    sl_jw_put_int(&o, "nodes", s->nodes);
    sl_jw_put_num(&o, "ops_rps", s->ops_rps);
    sl_jw_put_num(&o, "data_gib", s->data_gib);
    sl_jw_put_num(&o, "monthly_usd", s->monthly_usd);
    sl_jw_put_num(&o, "availability", s->availability);
    sl_jw_close(&o);
}

static void horizontal_write(struct sl_jw_obj *parent, const struct sl_horizontal *h,
                             const struct sl_workload *w, const struct sl_db_tier *db)
{
    struct sl_jw_obj o = sl_jw_put_object(parent, "horizontal"), zones;
    int ok = h->feasible;
    long z;

    sl_jw_put_bool(&o, "feasible", ok);
    sl_jw_put_str(&o, "instance", name_of(ok ? h->instance : NULL));
    sl_jw_put_int(&o, "servers", h->servers);
    sl_jw_put_num(&o, "vcpu_per_server", ok ? h->instance->vcpu : NAN);
    sl_jw_put_num(&o, "total_vcpu", ok ? h->instance->vcpu * (double)h->servers : NAN);
    sl_jw_put_int(&o, "needed", h->needed);
    sl_jw_put_int(&o, "spares", h->spares);
    sl_jw_put_int(&o, "zones", h->zones);
    zones = sl_jw_put_array(&o, "servers_per_zone");
    for (z = 0; z < h->zones; z++)
        sl_jw_put_int(&zones, NULL, ok ? h->per_zone[z] : 0);
    sl_jw_close(&zones);
    sl_jw_put_bool(&o, "survives_zone", ok && h->survives_zone);
    sl_jw_put_num(&o, "monthly_usd", ok ? h->monthly_usd : NAN);
    sl_jw_put_num(&o, "usd_per_1k_rps", ok ? h->usd_per_1k_rps : NAN);
    sl_jw_put_num(&o, "servers_usd", h->servers_usd);
    sl_jw_put_num(&o, "lb_usd", h->lb_usd);
    sl_jw_put_num(&o, "usable_rps_per_server", h->usable_rps_per_server);
    sl_jw_put_num(&o, "full_rps_per_server", h->full_rps_per_server);
    resources_write(&o, h->resources);
    sl_jw_put_num(&o, "utilization", h->utilization);
    sl_jw_put_num(&o, "availability", h->availability);
    sl_jw_put_bool(&o, "meets_target", ok && h->meets_target);
    sl_jw_put_str(&o, "binding", h->sized_by == SL_SIZED_LATENCY ? "latency"
                                                                : sl_resource_name(h->binding));
    sl_jw_put_str(&o, "sized_by", sl_sizing_name(h->sized_by));
    latency_write(&o, &h->latency, ok);
    sl_jw_put_str(&o, "state", sl_state_name(w->state));
    sl_jw_put_bool(&o, "breaks_sessions", h->breaks_sessions);
    sl_jw_put_num(&o, "lost_request_fraction", h->lost_request_fraction);
    sl_jw_put_num(&o, "lost_on_failure", h->lost_on_failure);
    sl_jw_put_num(&o, "imbalance", h->imbalance);
    store_write(&o, &h->store);
    bill_write(&o, ok, h->servers_usd, h->lb_usd, h->store.monthly_usd, db,
               h->total_monthly_usd);
    sl_jw_put_num(&o, "total_monthly_usd", ok ? h->total_monthly_usd : NAN);
    sl_jw_put_num(&o, "system_availability", ok ? h->system_availability : NAN);
    sl_jw_close(&o);
}

static void database_write(struct sl_jw_obj *parent, const struct sl_db_tier *d)
{
    struct sl_jw_obj o;

    if (!d->used) {
        sl_jw_put_null(parent, "database");
        return;
    }
    o = sl_jw_put_object(parent, "database");
    sl_jw_put_bool(&o, "feasible", d->feasible);
    sl_jw_put_str(&o, "instance", name_of(d->instance));
    sl_jw_put_num(&o, "reads_qps", d->reads_qps);
    sl_jw_put_num(&o, "writes_qps", d->writes_qps);
    sl_jw_put_num(&o, "box_qps", d->box_qps);
    sl_jw_put_num(&o, "max_primary_writes_qps", d->max_primary_writes_qps);
    sl_jw_put_bool(&o, "sharded", d->sharded);
    sl_jw_put_int(&o, "shards", d->shards);
    sl_jw_put_int(&o, "replicas_per_shard", d->replicas_per_shard);
    sl_jw_put_int(&o, "boxes", d->boxes);
    sl_jw_put_num(&o, "utilization", d->utilization);
    sl_jw_put_num(&o, "monthly_usd", d->monthly_usd);
    sl_jw_put_num(&o, "availability", d->availability);
    sl_jw_close(&o);
}

/* One comparison as an object at o's next member (key "app", or NULL in the rows array). */
static void comparison_write(struct sl_jw_obj *parent, const char *key,
                             const struct sl_comparison *cmp, const struct sl_workload *w)
{
    struct sl_jw_obj o = sl_jw_put_object(parent, key);

    sl_jw_put_num(&o, "load_rps", cmp->load_rps);
    vertical_write(&o, &cmp->vertical, &cmp->database);
    horizontal_write(&o, &cmp->horizontal, w, &cmp->database);
    database_write(&o, &cmp->database);
    sl_jw_put_str(&o, "verdict", sl_verdict_name(cmp->verdict));
    sl_jw_put_num(&o, "cost_ratio", cmp->cost_ratio > 0 ? cmp->cost_ratio : NAN);
    sl_jw_close(&o);
}

/* A document with the catalog and workload every report starts with, left open for the rest. */
static struct sl_jw_obj document(struct sl_jw *text, const struct sl_catalog *c,
                                 const struct sl_workload *w)
{
    struct sl_jw_obj doc = sl_jw_object(text, 0), o;

    o = sl_jw_put_object(&doc, "catalog");
    catalog_write(&o, c);
    sl_jw_close(&o);
    o = sl_jw_put_object(&doc, "workload");
    workload_write(&o, w);
    sl_jw_close(&o);
    return doc;
}

/* Closes the document and hands its text over; reports an allocation failure in err. */
static char *finish(struct sl_jw_obj *doc, char *err, size_t errlen)
{
    char *text;

    sl_jw_close(doc);
    text = sl_jw_finish(doc->w);
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
    struct sl_jw text = { NULL, 0, 0, 0 };
    struct sl_jw_obj doc, rows;
    size_t i;

    if (check(w, err, errlen))
        return NULL;
    doc = document(&text, c, w);
    rows = sl_jw_put_array(&doc, "rows");
    for (i = 0; i < n; i++) {
        struct sl_comparison cmp;

        if (sl_plan_compare(c, w, loads[i], &cmp, err, errlen) != SL_OK) {
            sl_free(text.s);
            return NULL;
        }
        comparison_write(&rows, NULL, &cmp, w);
    }
    sl_jw_close(&rows);
    return finish(&doc, err, errlen);
}

/* One point of the curve: an object at `depth`. */
static void curve_point_write(struct sl_jw *text, const void *pts, size_t i, int depth)
{
    const struct sl_curve_point *p = (const struct sl_curve_point *)pts + i;
    struct sl_jw_obj o = sl_jw_object(text, depth);

    sl_jw_put_num(&o, "load_rps", p->load_rps);
    sl_jw_put_num(&o, "vertical_usd", p->vertical_usd);
    sl_jw_put_str(&o, "vertical_instance", name_of(p->vertical_instance));
    sl_jw_put_num(&o, "horizontal_usd", p->horizontal_usd);
    sl_jw_put_str(&o, "horizontal_instance", name_of(p->horizontal_instance));
    sl_jw_put_int(&o, "horizontal_servers", p->horizontal_servers);
    sl_jw_put_int(&o, "horizontal_spares", p->horizontal_spares);
    sl_jw_put_num(&o, "vertical_total_usd", p->vertical_total_usd);
    sl_jw_put_num(&o, "horizontal_total_usd", p->horizontal_total_usd);
    sl_jw_put_num(&o, "vertical_availability", p->vertical_availability);
    sl_jw_put_num(&o, "horizontal_availability", p->horizontal_availability);
    sl_jw_put_num(&o, "vertical_p99_s", p->vertical_p99_s);
    sl_jw_put_num(&o, "horizontal_p99_s", p->horizontal_p99_s);
    sl_jw_close(&o);
}

char *sl_report_curve_json(const struct sl_catalog *c, const struct sl_workload *w,
                           double from, double to, long points, unsigned threads,
                           char *err, size_t errlen)
{
    struct sl_curve_point *pts = NULL;
    struct sl_jw text = { NULL, 0, 0, 0 };
    struct sl_jw_obj doc;
    char *out = NULL;

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
    if (sl_plan_curve(c, w, from, to, points, threads, pts, err, errlen) == SL_OK) {
        doc = document(&text, c, w);
        sl_jw_put_items(&doc, "points", (size_t)points, curve_point_write, pts, threads);
        out = finish(&doc, err, errlen);
    }
    sl_free(pts);
    return out;
}

char *sl_report_plan_json(const struct sl_catalog *c, const struct sl_workload *w,
                          char *err, size_t errlen)
{
    struct sl_jw text = { NULL, 0, 0, 0 };
    struct sl_comparison cmp;
    struct sl_jw_obj doc;

    if (check(w, err, errlen))
        return NULL;
    if (sl_plan_compare(c, w, w->load_rps, &cmp, err, errlen) != SL_OK)
        return NULL;
    doc = document(&text, c, w);
    sl_jw_put_num(&doc, "load_rps", w->load_rps);
    sl_jw_put_num(&doc, "sessions", sl_workload_sessions(w));
    comparison_write(&doc, "app", &cmp, w);
    if (cmp.horizontal.feasible) {
        const struct sl_horizontal *h = &cmp.horizontal;

        sl_jw_put_num(&doc, "expected_down", (double)h->servers * (1 - w->box_availability));
        sl_jw_put_int(&doc, "spares_to_match_one_box",
                      sl_plan_spares_for(h->needed, w->box_availability, w->box_availability));
    }
    return finish(&doc, err, errlen);
}

static void instance_write(struct sl_jw_obj *parent, const struct sl_instance *in)
{
    struct sl_jw_obj o = sl_jw_put_object(parent, NULL);

    sl_jw_put_str(&o, "name", in->name);
    sl_jw_put_num(&o, "vcpu", in->vcpu);
    sl_jw_put_num(&o, "mem_gib", in->mem_gib);
    sl_jw_put_num(&o, "net_gbps", in->net_gbps);
    sl_jw_put_num(&o, "usd_per_month", in->usd_per_month);
    sl_jw_put_num(&o, "single_thread_factor", in->single_thread_factor);
    sl_jw_put_num(&o, "usl_sigma", in->usl_sigma);
    sl_jw_put_num(&o, "usl_kappa", in->usl_kappa);
    sl_jw_put_num(&o, "net_burst_gbps", in->net_burst_gbps);
    sl_jw_put_bool(&o, "fleet_only", in->fleet_only);
    sl_jw_put_num(&o, "usd_per_vcpu_month", in->usd_per_month / in->vcpu);
    sl_jw_close(&o);
}

/* {"catalogs": [...]} with every embedded catalog, or only the one named `only` (NULL: all). */
static char *catalogs_doc(const char *only, char *err, size_t errlen)
{
    const char *const *names = sl_catalog_builtin_names();
    const char *one[2] = { only, NULL };
    struct sl_jw text = { NULL, 0, 0, 0 };
    struct sl_jw_obj doc = sl_jw_object(&text, 0), list;
    size_t i, k;

    if (only)
        names = one;
    list = sl_jw_put_array(&doc, "catalogs");
    for (i = 0; names[i]; i++) {
        struct sl_catalog *c = NULL;
        struct sl_jw_obj o, items;

        if (sl_catalog_builtin(names[i], &c, err, errlen) != SL_OK) {
            sl_free(text.s);
            return NULL;
        }
        o = sl_jw_put_object(&list, NULL);
        catalog_write(&o, c);
        items = sl_jw_put_array(&o, "items");
        for (k = 0; k < c->count; k++)
            instance_write(&items, &c->items[k]);
        sl_jw_close(&items);
        sl_jw_close(&o);
        sl_catalog_free(c);
    }
    sl_jw_close(&list);
    return finish(&doc, err, errlen);
}

char *sl_report_catalogs_json(char *err, size_t errlen)
{
    return catalogs_doc(NULL, err, errlen);
}

char *sl_report_catalog_json(const char *name, char *err, size_t errlen)
{
    return catalogs_doc(name, err, errlen);
}
