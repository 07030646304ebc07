/* Unit tests of the USL fit: the published SPEC SDM91 fit, recovery, warnings, bad input. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sl_test.h"
#include "scalelab/scalelab.h"

/* SPEC SDM91 on a Sun SPARCcenter 2000 (reference/queueing.md section 1). */
static const struct sl_usl_point sdm91[] = {
    { 1, 64.9, NAN, 0 }, { 18, 995.9, NAN, 0 }, { 36, 1652.4, NAN, 0 }, { 72, 1853.2, NAN, 0 },
    { 108, 1828.9, NAN, 0 }, { 144, 1775.0, NAN, 0 }, { 216, 1702.2, NAN, 0 },
};

static void *test_alloc(size_t n)
{
    return sl_malloc(n);
}

/* R usl >= 2 (smoeding/usl README): alpha 0.0277285 (s.e. 0.0091217), beta 0.0001044
 * (s.e. 0.0000199), gamma 89.9952330 (s.e. 14.2134894); 4 significant digits asked for. */
static void usl_fit_matches_r_usl(void **state)
{
    struct sl_usl_fit f;
    char err[SL_ERR_LEN];

    (void)state;
    assert_int_equal(sl_usl_fit(sdm91, 7, &f, err, sizeof(err)), SL_OK);
    assert_close(f.sigma, 0.0277285, 5e-4);
    assert_close(f.kappa, 0.0001044, 5e-4);
    assert_close(f.lambda, 89.9952330, 5e-4);
    assert_close(f.sigma_se, 0.0091217, 5e-4);
    assert_close(f.kappa_se, 0.0000199, 3e-3); /* the reference prints 3 digits */
    assert_close(f.lambda_se, 14.2134894, 5e-4);
    /* derived figures of the reference: N* = 96.5, X_roof = 3245.6, N_opt = 36.06 */
    assert_close(f.n_star, 96.5, 1e-3);
    assert_close(f.x_roof, 3245.6, 1e-4);
    assert_close(f.n_opt, 36.06, 1e-3);
    assert_close(f.x_max, 1883.8, 1e-4);
    assert_true(f.r2 > 0.98 && f.r2 < 1.0);
    assert_false(f.warnings & SL_USL_WARN_NOT_CONVERGED);
    sl_usl_fit_release(&f);
}

/* Data made from known coefficients come back to 1e-6. */
static void usl_fit_recovers_known_coefficients(void **state)
{
    static const double truth[][3] = { { 500, 0.05, 0.002 }, { 1000, 2e-4, 5e-8 },
                                       { 10, 0.3, 0.0 } };
    size_t t, i;

    (void)state;
    for (t = 0; t < sizeof(truth) / sizeof(truth[0]); t++) {
        struct sl_usl_point p[10];
        struct sl_usl_fit f;
        char err[SL_ERR_LEN];

        for (i = 0; i < 10; i++) {
            p[i].n = (double)(1u << i);
            p[i].throughput = sl_usl_throughput(p[i].n, truth[t][0], truth[t][1], truth[t][2]);
            p[i].latency = NAN;
            p[i].line = 0;
        }
        assert_int_equal(sl_usl_fit(p, 10, &f, err, sizeof(err)), SL_OK);
        assert_close(f.lambda, truth[t][0], 1e-6);
        assert_close(f.sigma, truth[t][1], 1e-6);
        if (truth[t][2] > 0)
            assert_close(f.kappa, truth[t][2], 1e-6);
        else
            if (!(f.kappa < 1e-9))
                fail_msg("kappa %g for data without coherency", f.kappa);
        sl_usl_fit_release(&f);
    }
}

static void usl_fit_warnings_and_errors(void **state)
{
    struct sl_usl_point p[8];
    struct sl_usl_fit f;
    char err[SL_ERR_LEN];

    (void)state;
    memcpy(p, sdm91, 4 * sizeof(p[0]));
    assert_int_equal(sl_usl_fit(p, 4, &f, err, sizeof(err)), SL_OK);
    assert_true(f.warnings & SL_USL_WARN_FEW_POINTS);
    sl_usl_fit_release(&f);
    /* duplicates at n = 18: their mean is fitted */
    memcpy(p, sdm91, 7 * sizeof(p[0]));
    p[7] = p[1];
    p[7].throughput = 1005.9;
    assert_int_equal(sl_usl_fit(p, 8, &f, err, sizeof(err)), SL_OK);
    assert_true(f.warnings & SL_USL_WARN_DUPLICATES);
    assert_int_equal(f.n_points, 7);
    assert_close(f.points[1].throughput, 1000.9, 1e-12);
    sl_usl_fit_release(&f);
    assert_int_equal(sl_usl_fit(p, 2, &f, err, sizeof(err)), SL_E_INVALID);
    assert_non_null(strstr(err, "3 or more distinct"));
    p[0].n = p[1].n = p[2].n = 4;
    assert_int_equal(sl_usl_fit(p, 3, &f, err, sizeof(err)), SL_E_INVALID);
    assert_non_null(strstr(err, "one n"));
    memcpy(p, sdm91, 7 * sizeof(p[0]));
    p[3].throughput = 0;
    assert_int_equal(sl_usl_fit(p, 7, &f, err, sizeof(err)), SL_E_INVALID);
    assert_non_null(strstr(err, "throughput 0"));
}

static void usl_parse_accepts_files(void **state)
{
    const char *text = "# load test, 2026-11\nthreads,throughput_rps,latency,host\n"
                       "1,64.9,0.01,a\n\"18\",995.9,0.02,b\r\n36,1652.4,0.03,c";
    struct sl_usl_point *p = NULL;
    size_t n = 0;
    char err[SL_ERR_LEN];

    (void)state;
    assert_int_equal(sl_usl_parse(text, strlen(text), "m.csv", NULL, NULL, &p, &n, err,
                                  sizeof(err)), SL_OK);
    assert_int_equal(n, 3);
    assert_close(p[1].n, 18, 0);
    assert_close(p[2].throughput, 1652.4, 0);
    assert_close(p[0].latency, 0.01, 0);
    assert_int_equal(p[2].line, 5);
    sl_free(p);
    /* a lab sweep holds two experiments; --where keeps one */
    text = "backends,threads,throughput_rps\n1,1,100\n2,1,190\n1,2,150\n3,1,260\n";
    assert_int_equal(sl_usl_parse(text, strlen(text), "s.csv", "backends", "threads=1", &p, &n,
                                  err, sizeof(err)), SL_OK);
    assert_int_equal(n, 3);
    assert_close(p[2].throughput, 260, 0);
    sl_free(p);
    assert_int_equal(sl_usl_parse(text, strlen(text), "s.csv", "backends", "cores=1", &p, &n,
                                  err, sizeof(err)), SL_E_INVALID);
    assert_non_null(strstr(err, "no column 'cores' to filter on"));
}

/* Each bad file is refused with a message that names where and what. */
static void usl_parse_rejects_bad_files(void **state)
{
    static const struct { const char *text; const char *needle; } bad[] = {
        { "", "empty" },
        { "# nothing\n", "empty" },
        { "n,throughput\n", "no measurements" },
        { "x,y\n1,2\n", "no concurrency column" },
        { "n,rate\n1,2\n", "no throughput column" },
        { "n,throughput\n1,fast\n", "line 2 column 3: throughput 'fast' is not a number" },
        { "n,throughput\n1,nan\n", "'nan' is not a number" },
        { "n,throughput\n1,inf\n", "'inf' is not a number" },
        { "n,throughput\n-4,100\n", "line 2 column 1: n '-4' must be greater than zero" },
        { "n,throughput\n4,0\n", "throughput '0' must be greater than zero" },
        { "n,throughput\n4\n", "too few" },
        { "threads,backends,throughput\n1,1,5\n", "two concurrency columns" },
        { "n,throughput\n1,2\xff\n", "invalid UTF-8" },
    };
    struct sl_usl_point *p;
    size_t n, i;
    char err[SL_ERR_LEN];

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        p = NULL;
        if (sl_usl_parse(bad[i].text, strlen(bad[i].text), "m.csv", NULL, NULL, &p, &n, err,
                         sizeof(err)) == SL_OK)
            fail_msg("case %zu accepted", i);
        assert_null(p);
        if (!strstr(err, bad[i].needle) || !strstr(err, "m.csv"))
            fail_msg("case %zu: '%s' lacks '%s'", i, err, bad[i].needle);
    }
    {
        /* a 10 MB line, and a NUL byte */
        size_t big = 10u << 20;
        char *t = malloc(big + 16);

        memcpy(t, "n,throughput\n1,", 15);
        memset(t + 15, '1', big);
        assert_int_equal(sl_usl_parse(t, big + 15, "m.csv", NULL, NULL, &p, &n, err,
                                      sizeof(err)), SL_E_TOO_LARGE);
        assert_int_equal(sl_usl_parse(t, 1 << 20, "m.csv", NULL, NULL, &p, &n, err,
                                      sizeof(err)), SL_E_TOO_LARGE);
        assert_non_null(strstr(err, "line 2: longer than"));
        memcpy(t, "n,throughput\n1,\0\n", 17);
        assert_int_equal(sl_usl_parse(t, 17, "m.csv", NULL, NULL, &p, &n, err, sizeof(err)),
                         SL_E_INVALID);
        assert_non_null(strstr(err, "NUL"));
        free(t);
    }
}

static void usl_json_document(void **state)
{
    const double predict[] = { 8, 16, 64 };
    struct sl_usl_fit f;
    char err[SL_ERR_LEN], *text;
    json_t *doc;
    json_error_t jerr;

    (void)state;
    assert_int_equal(sl_usl_fit(sdm91, 7, &f, err, sizeof(err)), SL_OK);
    text = sl_usl_json(&f, predict, 3, err, sizeof(err));
    assert_non_null(text);
    doc = json_loads(text, 0, &jerr);
    assert_non_null(doc);
    /* the document carries 10 significant digits */
    assert_close(json_number_value(json_object_get(doc, "sigma")), f.sigma, 1e-9);
    assert_int_equal(json_array_size(json_object_get(doc, "points")), 7);
    assert_int_equal(json_array_size(json_object_get(doc, "predictions")), 3);
    assert_close(json_number_value(json_object_get(json_array_get(
                     json_object_get(doc, "predictions"), 1), "throughput")),
                 sl_usl_predict(&f, 16), 1e-9);
    json_decref(doc);
    sl_free(text);
    sl_usl_fit_release(&f);
}

static void usl_survives_allocation_failures(void **state)
{
    const char *text = "n,throughput\n1,64.9\n18,995.9\n36,1652.4\n72,1853.2\n";
    long nth;

    (void)state;
    for (nth = 1; nth < 200; nth++) {
        struct sl_usl_point *p = NULL;
        struct sl_usl_fit f;
        size_t n;
        char err[SL_ERR_LEN], *json = NULL;
        enum sl_status st;

        sl_alloc_fail_at(nth);
        st = sl_usl_parse(text, strlen(text), "m.csv", NULL, NULL, &p, &n, err, sizeof(err));
        if (st == SL_OK) {
            st = sl_usl_fit(p, n, &f, err, sizeof(err));
            if (st == SL_OK) {
                json = sl_usl_json(&f, NULL, 0, err, sizeof(err));
                sl_usl_fit_release(&f);
            }
        }
        sl_alloc_fail_at(0);
        sl_free(p);
        if (json) {
            sl_free(json);
            break;
        }
        assert_true(st == SL_E_NOMEM || st == SL_OK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(usl_fit_matches_r_usl),
        cmocka_unit_test(usl_fit_recovers_known_coefficients),
        cmocka_unit_test(usl_fit_warnings_and_errors),
        cmocka_unit_test(usl_parse_accepts_files),
        cmocka_unit_test(usl_parse_rejects_bad_files),
        cmocka_unit_test(usl_json_document),
        cmocka_unit_test(usl_survives_allocation_failures),
    };

    json_set_alloc_funcs(test_alloc, sl_free);
    return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
