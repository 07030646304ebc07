/* Unit tests of the JSON encoder: the compare contract, nulls, and failure handling. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <string.h>

#include "sl_test.h"
#include "scalelab/scalelab.h"

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
    doc = parse_doc(sl_report_curve_json(c, &w, 1e3, 1e6, 10, err, sizeof(err)));
    pts = json_object_get(doc, "points");
    assert_int_equal(json_array_size(pts), 10);
    assert_true(json_is_null(json_object_get(json_array_get(pts, 9), "vertical_usd")));
    json_decref(doc);
    assert_null(sl_report_curve_json(c, &w, 1e3, 1e6, 0, err, sizeof(err)));
    assert_non_null(strstr(err, "points"));
    w.cpu_ms = -1;
    assert_null(sl_report_plan_json(c, &w, err, sizeof(err)));
    assert_non_null(strstr(err, "cpu-ms"));
    sl_catalog_free(c);
}

/* Allocation failures anywhere in the encoder give NULL and an error, never a crash or leak. */
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
        failures++;
    }
    assert_true(failures > 20);
    sl_catalog_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(report_compare_contract),
        cmocka_unit_test(report_plan_and_curve),
        cmocka_unit_test(report_survives_allocation_failures),
    };

    json_set_alloc_funcs(test_alloc, sl_free);
    return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
