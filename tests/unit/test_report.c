/* Unit tests of the JSON encoder: the compare contract, nulls, and failure handling. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <string.h>

#include "sl_test.h"
#include "scalelab/json.h"
#include "scalelab/scalelab.h"
#include "lib/json_write_int.h"

static void *test_alloc(size_t n)
{
    return sl_malloc(n);
}

static json_t *parse_doc(char *text)
{
    json_error_t jerr;
    json_t *doc;

    assert_non_null(text);
    doc = json_loads(text, 0, &jerr);
    if (!doc)
        fail_msg("invalid JSON: %s", jerr.text);
    sl_free(text);
    return doc;
}

static void report_compare_contract(void **state)
{
    static const char *const vkeys[] = { "feasible", "instance", "servers", "monthly_usd",
                                         "usable_rps", "utilization", "binding", "availability",
                                         "max_rps" };
    static const char *const hkeys[] = { "feasible", "instance", "servers", "needed", "spares",
                                         "monthly_usd", "usable_rps_per_server", "availability",
                                         "binding" };
    const double loads[] = { 1e3, 1e6 };
    struct sl_catalog *c = NULL;
    struct sl_workload w;
    char err[SL_ERR_LEN];
    json_t *doc, *rows, *v, *h;
    size_t i;

    (void)state;
    sl_workload_init(&w);
    assert_int_equal(sl_catalog_builtin("teaching", &c, err, sizeof(err)), SL_OK);
    doc = parse_doc(sl_report_compare_json(c, &w, loads, 2, err, sizeof(err)));
    assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "catalog"),
                                                          "name")), "teaching");
    assert_non_null(json_object_get(doc, "workload"));
    rows = json_object_get(doc, "rows");
    assert_int_equal(json_array_size(rows), 2);
    v = json_object_get(json_array_get(rows, 0), "vertical");
    h = json_object_get(json_array_get(rows, 0), "horizontal");
    for (i = 0; i < sizeof(vkeys) / sizeof(vkeys[0]); i++)
        if (!json_object_get(v, vkeys[i]))
            fail_msg("vertical lacks '%s'", vkeys[i]);
    for (i = 0; i < sizeof(hkeys) / sizeof(hkeys[0]); i++)
        if (!json_object_get(h, hkeys[i]))
            fail_msg("horizontal lacks '%s'", hkeys[i]);
    assert_close(json_number_value(json_object_get(json_array_get(rows, 0), "load_rps")), 1000, 0);
    assert_string_equal(json_string_value(json_object_get(v, "instance")), "t-2");
    assert_close(json_number_value(json_object_get(v, "monthly_usd")), 50, 1e-12);
    /* at 1M the vertical row is infeasible: cost null, max_rps the biggest box's load */
    v = json_object_get(json_array_get(rows, 1), "vertical");
    assert_true(json_is_false(json_object_get(v, "feasible")));
    assert_true(json_is_null(json_object_get(v, "monthly_usd")));
    assert_true(json_number_value(json_object_get(v, "max_rps")) > 5e5);
    json_decref(doc);
    sl_catalog_free(c);
}

static void report_plan_and_curve(void **state)
{
    struct sl_catalog *c = NULL;
    struct sl_workload w;
    char err[SL_ERR_LEN];
    json_t *doc, *pts;

    (void)state;
    sl_workload_init(&w);
    w.load_rps = 2e5;
    assert_int_equal(sl_catalog_builtin("cloud", &c, err, sizeof(err)), SL_OK);
    doc = parse_doc(sl_report_plan_json(c, &w, err, sizeof(err)));
    assert_non_null(json_object_get(json_object_get(json_object_get(doc, "app"), "database"),
                                    "replicas_per_shard"));
    assert_non_null(json_object_get(json_object_get(doc, "app"), "horizontal"));
    json_decref(doc);
    doc = parse_doc(sl_report_curve_json(c, &w, 1e3, 1e6, 10, 1, err, sizeof(err)));
    pts = json_object_get(doc, "points");
    assert_int_equal(json_array_size(pts), 10);
    assert_true(json_is_null(json_object_get(json_array_get(pts, 9), "vertical_usd")));
    json_decref(doc);
    assert_null(sl_report_curve_json(c, &w, 1e3, 1e6, 0, 1, err, sizeof(err)));
    assert_non_null(strstr(err, "points"));
    w.cpu_ms = -1;
    assert_null(sl_report_plan_json(c, &w, err, sizeof(err)));
    assert_non_null(strstr(err, "cpu-ms"));
    sl_catalog_free(c);
}

/* Allocation failures anywhere in the encoder give NULL and an error, never a crash or leak. */
/* An item with nesting, strings holding brackets and newlines, numbers jansson formats. */
static json_t *sample_item(void *ctx, size_t i)
{
    json_t *o = json_object(), *inner = json_array();

    (void)ctx;
    json_array_append_new(inner, json_real(0.1 * (double)i));
    json_array_append_new(inner, json_object());
    json_array_append_new(inner, json_array());
    json_object_set_new(o, "i", json_integer((json_int_t)i));
    json_object_set_new(o, "text", json_string("a [] b\n {} c"));
    json_object_set_new(o, "inner", inner);
    json_object_set_new(o, "none", json_null());
    return o;
}

/* A document whose last member is an array, as the curve's. */
static json_t *sample_doc(size_t n)
{
    json_t *doc = json_object(), *arr = json_array();
    size_t i;

    json_object_set_new(doc, "name", json_string("[]"));
    json_object_set_new(doc, "empty", json_array());
    for (i = 0; i < n; i++)
        json_array_append_new(arr, sample_item(NULL, i));
    json_object_set_new(doc, "points", arr);
    return doc;
}

/* The writer's item: the sample's tree written where the array holds it. */
static void write_sample_item(struct sl_jw *w, const void *ctx, size_t i, int depth)
{
    json_t *o = sample_item((void *)ctx, i);

    sl_jw_value(w, o, depth);
    json_decref(o);
}

/* Written member by member, items in chunks on threads: the bytes of the whole tree dumped. */
static void report_dump_array_equals_the_tree(void **state)
{
    static const size_t counts[] = { 0, 1, 2, 7, 3, 40, 5, 63 };
    static const unsigned threads[] = { 1, 1, 2, 3, 8, 0, 4, 64 };
    size_t k;

    (void)state;
    for (k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
        char *whole = sl_json_dump(sample_doc(counts[k])), *streamed;
        struct sl_jw text = { NULL, 0, 0, 0 };
        struct sl_jw_obj doc = sl_jw_object(&text, 0), empty;

        sl_jw_put_str(&doc, "name", "[]");
        empty = sl_jw_put_array(&doc, "empty");
        sl_jw_close(&empty);
        sl_jw_put_items(&doc, "points", counts[k], write_sample_item, NULL, threads[k]);
        sl_jw_close(&doc);
        streamed = sl_jw_finish(&text);
        assert_non_null(whole);
        assert_non_null(streamed);
        assert_string_equal(streamed, whole);
        sl_free(whole);
        sl_free(streamed);
    }
}

static void report_survives_allocation_failures(void **state)
{
    const double loads[] = { 1e3, 1e6 };
    struct sl_catalog *c = NULL;
    struct sl_workload w;
    char err[SL_ERR_LEN];
    long nth;
    int failures = 0;

    (void)state;
    sl_workload_init(&w);
    assert_int_equal(sl_catalog_builtin("teaching", &c, err, sizeof(err)), SL_OK);
    for (nth = 1; nth < 2000; nth++) {
        char *text;

        sl_alloc_fail_at(nth);
        text = sl_report_compare_json(c, &w, loads, 2, err, sizeof(err));
        sl_alloc_fail_at(0);
        if (text) {
            sl_free(text);
            break;
        }
        assert_string_equal(err, "out of memory");
        failures++;
    }
    /* the text takes 4 KiB, then doubles to the 8 KiB it needs: a failure at each of the two */
    assert_int_equal(failures, 2);
    sl_catalog_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(report_compare_contract),
        cmocka_unit_test(report_plan_and_curve),
        cmocka_unit_test(report_dump_array_equals_the_tree),
        cmocka_unit_test(report_survives_allocation_failures),
    };

    json_set_alloc_funcs(test_alloc, sl_free);
    return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
