/* Property tests: random valid inputs across every command's ranges give finite, in-domain JSON. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scalelab/scalelab.h"
#include "sl_test.h"

/* Cases per document kind; seeded, so every run checks the same inputs. */
#ifndef CASES
#define CASES 600
#endif
#define SIM_CASES 120

static struct sl_rng rng;

static double uniform(double lo, double hi)
{
    return lo + (hi - lo) * sl_rng_uniform(&rng);
}

/* Log-uniform in [lo, hi]: every order of magnitude is visited. */
static double log_uniform(double lo, double hi)
{
    return exp(uniform(log(lo), log(hi)));
}

/* Mostly ordinary values, sometimes an end of the range: the edges are where bugs live. */
static double pick(double lo, double hi, int log_scale)
{
    double u = sl_rng_uniform(&rng);

    if (u < 0.08)
        return lo;
    if (u < 0.16)
        return hi;
    return log_scale ? log_uniform(lo, hi) : uniform(lo, hi);
}

static const char *where; /* the case being checked, for messages */

/*
 * Every number finite (JSON cannot carry anything else; NaN and infinity must have become null),
 * and in its domain by the key's meaning: money, times, rates and counts are >= 0; availability,
 * probabilities and fractions lie in [0, 1].
 */
static void check_value(const char *key, json_t *v)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *child;

        json_object_foreach(v, k, child)
            check_value(k, child);
        return;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *child;

        json_array_foreach(v, i, child)
            check_value(key, child);
        return;
    }
    if (!json_is_number(v))
        return;
    {
        double x = json_number_value(v);
        int unit = strstr(key, "usd") || strstr(key, "_s") || strstr(key, "_ms") ||
                   strstr(key, "rps") || strstr(key, "qps") || strstr(key, "servers") ||
                   strstr(key, "boxes") || strstr(key, "shards") || strstr(key, "replicas") ||
                   strstr(key, "throughput") || strstr(key, "mean") || strstr(key, "p99") ||
                   strstr(key, "p50") || strstr(key, "spares") || strstr(key, "needed") ||
                   strstr(key, "utilization") || strstr(key, "instances");
        int prob = strstr(key, "availability") || strstr(key, "probability") ||
                   !strcmp(key, "p_wait") || strstr(key, "fraction");

        if (!isfinite(x))
            fail_msg("%s: '%s' is %g", where, key, x);
        if ((unit || prob) && x < 0)
            fail_msg("%s: '%s' is negative: %g", where, key, x);
        if (prob && x > 1 + 1e-12)
            fail_msg("%s: '%s' is above 1: %.17g", where, key, x);
    }
}

static void check_doc(char *text, const char *err)
{
    json_error_t jerr;
    json_t *doc;

    if (!text)
        fail_msg("%s: no document: %s", where, err);
    doc = json_loads(text, 0, &jerr);
    if (!doc)
        fail_msg("%s: not JSON: %s", where, jerr.text);
    check_value("", doc);
    json_decref(doc);
    sl_free(text);
}

/* A random catalog of 1 to 12 boxes, read by the strict parser (rows it refuses are redrawn). */
static struct sl_catalog *random_catalog(void)
{
    char text[4096], err[SL_ERR_LEN];
    struct sl_catalog *c = NULL;
    int tries;

    for (tries = 0; tries < 20 && !c; tries++) {
        size_t o = 0;
        int i, n = 1 + (int)sl_rng_below(&rng, 12);

        o += (size_t)snprintf(text + o, sizeof(text) - o, "# random\nname,vcpu,mem_gib,"
                              "net_gbps,usd_per_month,single_thread_factor,usl_sigma,usl_kappa\n");
        for (i = 0; i < n; i++)
            o += (size_t)snprintf(text + o, sizeof(text) - o, "b%d,%.0f,%.4g,%.4g,%.6g,%.4g,%.4g,"
                                  "%.4g\n", i, pick(1, 512, 1), pick(0.5, 24576, 1),
                                  pick(0.1, 400, 1), pick(1, 1e6, 1), pick(0.2, 3, 0),
                                  pick(0, 0.2, 0), pick(0, 1e-3, 0));
        if (sl_catalog_parse(text, o, "random", &c, err, sizeof(err)) != SL_OK)
            c = NULL;
    }
    assert_non_null(c);
    return c;
}

static struct sl_catalog *some_catalog(void)
{
    char err[SL_ERR_LEN];
    struct sl_catalog *c = NULL;
    uint32_t k = sl_rng_below(&rng, 3);

    if (k == 2)
        return random_catalog();
    assert_int_equal(sl_catalog_builtin(k ? "cloud" : "teaching", &c, err, sizeof(err)), SL_OK);
    return c;
}

/* A workload drawn across the ranges sl_workload_check accepts. */
static void random_workload(struct sl_workload *w)
{
    char err[SL_ERR_LEN];

    sl_workload_init(w);
    w->load_rps = pick(1e-3, 1e9, 1);
    w->cpu_ms = pick(1e-3, 1e4, 1);
    w->mem_per_request_mib = pick(0, 1e4, 0);
    w->base_mem_gib = pick(0, 64, 0);
    w->response_bytes = pick(0, 1e8, 0);
    w->sessions = sl_rng_below(&rng, 2) ? 0 : pick(0, 1e10, 0);
    w->session_interval_s = pick(1e-3, 1e5, 1);
    w->session_bytes = pick(0, 1e7, 0);
    w->state = (enum sl_state)sl_rng_below(&rng, 4);
    w->target_utilization = pick(0.01, 0.999, 0);
    w->spares = (enum sl_spares)sl_rng_below(&rng, 5);
    w->spares_k = (long)pick(0, 50, 0);
    w->availability_target = pick(0.5, 0.99999, 0);
    w->vertical_standby = (int)sl_rng_below(&rng, 2);
    w->zones = 1 + (long)sl_rng_below(&rng, 4);
    w->survive_zone = w->zones > 1 && sl_rng_below(&rng, 2);
    w->db_replicas_min = (long)sl_rng_below(&rng, 3);
    if (sl_rng_below(&rng, 3) == 0) {
        static const double q[] = { 0.5, 0.9, 0.99, 0.999 };

        w->slo.kind = sl_rng_below(&rng, 5) ? SL_SLO_QUANTILE : SL_SLO_MEAN;
        w->slo.quantile = q[sl_rng_below(&rng, 4)];
        w->slo.seconds = pick(1e-4, 100, 1);
    }
    w->box_availability = pick(0.5, 1, 0);
    w->lb_usd_per_month = pick(0, 1e5, 0);
    w->db_queries_per_request = pick(0, 100, 0);
    w->db_read_fraction = pick(0, 1, 0);
    w->db_query_ms = pick(1e-3, 100, 1);
    w->store_ops_per_request = pick(0, 50, 0);
    if (sl_rng_below(&rng, 4) == 0) {
        w->usl_override = 1;
        w->usl_sigma = pick(0, 0.5, 0);
        w->usl_kappa = pick(0, 1e-2, 0);
    }
    if (sl_workload_check(w, err, sizeof(err)) != SL_OK)
        fail_msg("random workload refused: %s", err);
}

static void properties_compare_plan_curve(void **state)
{
    char err[SL_ERR_LEN], label[160];
    int i;

    (void)state;
    sl_rng_seed(&rng, 20261201);
    where = label;
    for (i = 0; i < CASES; i++) {
        struct sl_catalog *c = some_catalog();
        struct sl_workload w;
        double loads[3], from, to;

        random_workload(&w);
        loads[0] = w.load_rps;
        loads[1] = pick(1e-3, 1e12, 1);
        loads[2] = pick(1e-3, 1e12, 1);
        snprintf(label, sizeof(label), "case %d (catalog %s, load %g, cpu %g ms, state %s)", i,
                 c->name, w.load_rps, w.cpu_ms, sl_state_name(w.state));
        {
            /* a goal no box can meet is refused with a message: the one refusal allowed */
            char *doc = sl_report_compare_json(c, &w, loads, 3, err, sizeof(err));

            if (!doc && w.slo.kind != SL_SLO_NONE && strstr(err, "no box can meet it")) {
                sl_catalog_free(c);
                continue;
            }
            check_doc(doc, err);
        }
        check_doc(sl_report_plan_json(c, &w, err, sizeof(err)), err);
        from = pick(1e-3, 1e9, 1);
        to = from * pick(1, 1e4, 1);
        check_doc(sl_report_curve_json(c, &w, from, to, 1 + (long)sl_rng_below(&rng, 8), 1, err,
                                       sizeof(err)), err);
        sl_catalog_free(c);
    }
}

static void properties_queue(void **state)
{
    char err[SL_ERR_LEN], label[160];
    int i;

    (void)state;
    sl_rng_seed(&rng, 7);
    where = label;
    for (i = 0; i < CASES; i++) {
        struct sl_queue_params p;
        struct sl_queue_result r;
        uint32_t model = sl_rng_below(&rng, 3);

        memset(&p, 0, sizeof(p));
        p.servers = (long)pick(1, 5000, 1);
        p.service_s = pick(1e-6, 1e3, 1);
        if (model == 2) {
            p.users = (long)pick(1, 3000, 1);
            p.think_s = sl_rng_below(&rng, 5) ? pick(0, 1e15, 0) : pick(1e-6, 1e15, 1);
        } else {
            if (model == 1)
                p.queue_capacity = p.servers + (long)pick(0, 3000, 1);
            if (sl_rng_below(&rng, 2))
                p.utilization = pick(1e-6, 3, 1);
            else
                p.load_rps = pick(1e-6, 1e7, 1);
        }
        snprintf(label, sizeof(label), "queue case %d (model %u, c %ld, S %g, load %g, U %g, "
                 "K %ld, N %ld, Z %g)", i, model, p.servers, p.service_s, p.load_rps,
                 p.utilization, p.queue_capacity, p.users, p.think_s);
        if (sl_queue_solve(&p, &r, err, sizeof(err)) != SL_OK)
            continue; /* a refusal with a message is fine; the documents are what is checked */
        if (isfinite(r.mean_response_s) && r.mean_response_s < r.service_s * (1 - 1e-9))
            fail_msg("%s: mean response %g below the service time %g", label,
                     r.mean_response_s, r.service_s);
        check_doc(sl_queue_json(&r, err, sizeof(err)), err);
    }
}

static void properties_fit(void **state)
{
    char err[SL_ERR_LEN], label[160];
    int i;

    (void)state;
    sl_rng_seed(&rng, 11);
    where = label;
    for (i = 0; i < CASES; i++) {
        struct sl_usl_point pts[12];
        struct sl_usl_fit f;
        size_t n = 3 + sl_rng_below(&rng, 10), k;
        double scale = pick(1e-300, 1e300, 1), sigma = pick(0, 0.3, 0), kappa = pick(0, 1e-3, 0);
        double predict[2] = { pick(1e-3, 1e6, 1), pick(1, 1e3, 1) };

        for (k = 0; k < n; k++) {
            double m = (double)(k + 1) * pick(1, 4, 0);

            pts[k].n = m;
            pts[k].throughput = fmax(1e-300, sl_usl_throughput(m, scale, sigma, kappa) *
                                                 uniform(0.7, 1.3));
            pts[k].latency = NAN;
            pts[k].line = 0;
        }
        snprintf(label, sizeof(label), "fit case %d (%zu points, scale %g, sigma %g, kappa %g)",
                 i, n, scale, sigma, kappa);
        memset(&f, 0, sizeof(f));
        if (sl_usl_fit(pts, n, &f, err, sizeof(err)) != SL_OK) {
            sl_usl_fit_release(&f);
            continue;
        }
        if (!(f.r2 <= 1 + 1e-12) || !isfinite(f.r2))
            fail_msg("%s: R^2 %g", label, f.r2);
        check_doc(sl_usl_json(&f, predict, 2, err, sizeof(err)), err);
        sl_usl_fit_release(&f);
    }
}

static void properties_simulate(void **state)
{
    char err[SL_ERR_LEN], label[200];
    int i;

    (void)state;
    sl_rng_seed(&rng, 13);
    where = label;
    for (i = 0; i < SIM_CASES; i++) {
        struct sl_sim_config c;
        struct sl_sim_result r;

        sl_sim_config_init(&c);
        c.seed = sl_rng_next(&rng);
        c.servers = (long)pick(1, 40, 1);
        c.cores = (long)pick(1, 16, 1);
        c.service_s = pick(1e-6, 10, 1);
        c.load_rps = pick(1e-3, 3, 0) * (double)(c.servers * c.cores) / c.service_s;
        c.requests = (uint64_t)pick(1, 3000, 1);
        c.lb = (enum sl_sim_lb)sl_rng_below(&rng, 5);
        c.state = (enum sl_state)sl_rng_below(&rng, 4);
        c.dist = (enum sl_rng_dist_kind)sl_rng_below(&rng, 4);
        c.cv = c.dist >= 2 ? pick(SL_RNG_CV_MIN, SL_RNG_CV_MAX, 0) : c.cv;
        c.queue = sl_rng_below(&rng, 2) ? SL_SIM_QUEUE_UNBOUNDED : (long)pick(0, 50, 0);
        c.timeout_s = sl_rng_below(&rng, 3) ? 0 : pick(1e-6, 10, 1);
        c.replications = 1 + (long)sl_rng_below(&rng, 3);
        c.sessions = (long)pick(1, 1000, 1);
        c.lock_fraction = pick(0, 1, 0);
        if (sl_rng_below(&rng, 3) == 0 && c.servers > 1) {
            c.n_fails = 1;
            c.fails[0].server = 0;
            c.fails[0].at_s = pick(0, 1, 0) * (double)c.requests / c.load_rps;
            c.fails[0].recover_s = c.fails[0].at_s + pick(1e-6, 10, 1);
        }
        snprintf(label, sizeof(label), "sim case %d (servers %ld, cores %ld, S %g, load %g, lb "
                 "%s, dist %d)", i, c.servers, c.cores, c.service_s, c.load_rps,
                 sl_sim_lb_name(c.lb), (int)c.dist);
        if (sl_sim_run(&c, &r, err, sizeof(err)) != SL_OK) {
            sl_sim_result_release(&r);
            continue;
        }
        check_doc(sl_sim_json(&r), "out of memory");
        sl_sim_result_release(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(properties_compare_plan_curve),
        cmocka_unit_test(properties_queue),
        cmocka_unit_test(properties_fit),
        cmocka_unit_test(properties_simulate),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
