/* --expect, --max-errors and --find-limit's search on hand-made inputs and results. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "sl_test.h"
#include "lab/lab_expect.h"
#include "lab/lab_limit.h"
#include "scalelab/queueing.h"

static void expect_parse_good(void **state)
{
    struct lab_expect e;
    char err[512];

    (void)state;
    assert_int_equal(lab_expect_parse("lost=0,errors<0.5%,p99<50ms", &e, err, sizeof(err)), 0);
    assert_int_equal(e.n, 3);
    assert_int_equal(e.t[0].metric, LAB_METRIC_LOST);
    assert_int_equal(e.t[0].cmp, LAB_CMP_EQ);
    assert_true(e.t[0].value == 0 && !e.t[0].percent);
    assert_int_equal(e.t[1].metric, LAB_METRIC_ERRORS);
    assert_int_equal(e.t[1].cmp, LAB_CMP_LT);
    assert_close(e.t[1].value, 0.005, 1e-12);
    assert_true(e.t[1].percent);
    assert_int_equal(e.t[2].metric, LAB_METRIC_P99);
    assert_close(e.t[2].value, 0.05, 1e-12);
    assert_string_equal(e.t[2].text, "p99<50ms");
    assert_int_equal(lab_expect_parse("p99.9<=1.5s,p50>=800us,rps>2k,mean<3ms", &e, err,
                                      sizeof(err)), 0);
    assert_int_equal(e.n, 4);
    assert_int_equal(e.t[0].metric, LAB_METRIC_P999);
    assert_int_equal(e.t[0].cmp, LAB_CMP_LE);
    assert_close(e.t[0].value, 1.5, 1e-12);
    assert_int_equal(e.t[1].cmp, LAB_CMP_GE);
    assert_close(e.t[1].value, 800e-6, 1e-12);
    assert_close(e.t[2].value, 2000, 1e-12);
    assert_int_equal(e.t[2].cmp, LAB_CMP_GT);
    assert_int_equal(e.t[3].metric, LAB_METRIC_MEAN);
}

/* Each bad item: refused with one line that repeats it as typed. */
static void expect_parse_bad(void **state)
{
    static const struct { const char *in, *said; } bad[] = {
        { "foo=1", "unknown metric 'foo'" }, { "p99~5ms", "bad operator '~'" },
        { "p99=<5ms", "bad operator '=<'" }, { "p99<50", "bad value '50' for p99" },
        { "p99<5qs", "bad value '5qs'" }, { "p99<ms", "bad value 'ms'" },
        { "lost=1%%", "bad value '1%%'" }, { "errors<abc", "bad value 'abc'" },
        { "carts<5%", "bad value '5%'" }, { "errors<101%", "bad value '101%'" },
        { "lost=-1", "bad value '-1' for lost" },
        { "p99", "no operator and value after p99" }, { "lost=0,", "item ''" }, { "", "item ''" },
        { "rps>0", "bad value '0'" }, { "P99<5ms", "unknown metric 'P99'" },
        { "lost=0,,p99<1s", "item ''" },
    };
    struct lab_expect e;
    char err[512];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        if (lab_expect_parse(bad[i].in, &e, err, sizeof(err)) != -1)
            fail_msg("'%s' was accepted", bad[i].in);
        if (!strstr(err, bad[i].said) || strncmp(err, "invalid --expect", 16) || strchr(err, '\n'))
            fail_msg("'%s' said: %s", bad[i].in, err);
    }
}

static void expect_against_result(void **state)
{
    struct lab_opts o;
    struct lab_result r;
    struct lab_expect e;
    char err[512], what[96];
    int i;

    (void)state;
    lab_opts_init(&o);
    assert_int_equal(lab_result_init(&r, &o), 0);
    for (i = 0; i < 100; i++) /* 1..100 ms: p50 about 50 ms, p99 about 99 ms */
        sl_hist_add(r.latency, (i + 1) * 1e-3);
    r.requests = 1000;
    r.err[LAB_ERR_503] = 4; /* 0.4 % */
    r.post_login = 500;
    r.elapsed_s = 2;
    r.counter_final = 10;
    r.counter_acked = 10;
    lab_result_finish(&r);
    assert_int_equal(lab_expect_parse("lost=0,errors<0.5%,p99<120ms,rps>=500,drift=0", &e, err,
                                      sizeof(err)), 0);
    assert_int_equal(lab_expect_failed(&e, &r), 0);
    assert_int_equal(lab_expect_parse("errors<0.3%,p99<50ms,p50<60ms,errors<=4,rps>500", &e, err,
                                      sizeof(err)), 0);
    assert_int_equal(lab_expect_failed(&e, &r), 3); /* 0.4 % errors, p99 ~99 ms, 500 req/s */
    lab_expect_describe(&e.t[0], lab_expect_measure(&e.t[0], &r), what, sizeof(what));
    assert_string_equal(what, "errors 0.4 %");
    r.counter_final = -1; /* GET /counter failed: drift is unknown, and fails */
    assert_int_equal(lab_expect_parse("drift=0", &e, err, sizeof(err)), 0);
    assert_int_equal(lab_expect_failed(&e, &r), 1);
    lab_result_release(&r);
}

static void percent_parse(void **state)
{
    double f;

    (void)state;
    assert_int_equal(lab_parse_percent("0.1%", &f), 0);
    assert_close(f, 0.001, 1e-12);
    assert_int_equal(lab_parse_percent("100%", &f), 0);
    assert_int_equal(lab_parse_percent("0%", &f), 0);
    assert_true(f == 0);
    assert_int_equal(lab_parse_percent("0.1", &f), -1);
    assert_int_equal(lab_parse_percent("101%", &f), -1);
    assert_int_equal(lab_parse_percent("-1%", &f), -1);
    assert_int_equal(lab_parse_percent("%", &f), -1);
    assert_int_equal(lab_parse_percent("", &f), -1);
    assert_int_equal(lab_parse_percent("1e400%", &f), -1);
}

/* The goals --slo takes are the planner's (sl_slo_parse). */
static void slo_parse(void **state)
{
    struct sl_slo s;

    (void)state;
    assert_int_equal(sl_slo_parse("p99=20ms", &s), SL_OK);
    assert_true(s.kind == SL_SLO_QUANTILE && s.quantile == 0.99);
    assert_close(s.seconds, 0.02, 1e-12);
    assert_int_equal(sl_slo_parse("mean=10ms", &s), SL_OK);
    assert_true(s.kind == SL_SLO_MEAN);
    assert_int_equal(sl_slo_parse("p99<20ms", &s), SL_E_INVALID);
    assert_int_equal(sl_slo_parse("p98=20ms", &s), SL_E_INVALID);
    assert_int_equal(sl_slo_parse("p99=0ms", &s), SL_E_INVALID);
    assert_int_equal(sl_slo_parse("p99=20qs", &s), SL_E_INVALID);
    assert_int_equal(sl_slo_parse("p99=20", &s), SL_E_INVALID); /* ms or s? */
}

/* A step at `rate` that passed or not, added to l. */
static void step(struct lab_limit *l, double rate, int passed)
{
    struct lab_opts o;
    struct lab_result r;
    int i;

    lab_opts_init(&o);
    o.rate_rps = rate;
    assert_int_equal(lab_result_init(&r, &o), 0);
    for (i = 0; i < 100; i++)
        sl_hist_add(r.latency, passed ? 0.005 : 0.5);
    r.requests = r.sent = 100;
    r.elapsed_s = r.schedule_s = 1;
    r.app_cpu_s = 0.2; /* 2 ms a request */
    lab_result_finish(&r);
    lab_limit_add(l, &r);
    lab_result_release(&r);
}

/* Doubling while steps pass, then geometric bisection until within 10 %; a true limit of 300. */
static void limit_search(void **state)
{
    struct lab_limit l;
    struct lab_opts o;
    struct sl_slo slo;
    double rate, expected[] = { 50, 100, 200, 400, sqrt(200.0 * 400), 0 };
    int i = 0;

    (void)state;
    lab_opts_init(&o);
    o.backends = 2;
    o.app_threads = 1;
    assert_int_equal(sl_slo_parse("p99=20ms", &slo), SL_OK);
    lab_limit_init(&l, &o, &slo, 0.001);
    while ((rate = lab_limit_next(&l, 50)) > 0) {
        assert_true(l.n < LAB_LIMIT_MAX_STEPS);
        if (i < 5)
            assert_close(rate, expected[i], 1e-12);
        step(&l, rate, rate <= 300);
        i++;
    }
    lab_limit_finish(&l);
    assert_true(l.limit_rps <= 300 && l.fail_rps > 300 && l.fail_rps / l.limit_rps <= 1.1);
    assert_close(l.cpu_ms_per_request, 2.0, 1e-12);
    /* 2 servers of 1 core at 2 ms: M/M/2 with mu = 500, from the library */
    assert_int_equal(l.model_servers, 2);
    assert_close(l.model_rps, sl_mmc_max_rate(2, 500, 0.99, 0.02), 1e-12);
    /* every step failing: the rate halves, down to the floor or the step cap */
    o.duration_s = 100;
    lab_limit_init(&l, &o, &slo, 0.001);
    while ((rate = lab_limit_next(&l, 8)) > 0)
        step(&l, rate, 0);
    lab_limit_finish(&l);
    assert_true(isnan(l.limit_rps));
    assert_close(l.fail_rps, LAB_LIMIT_MIN_RATE, 1e-12);
    /* the floor of short steps: 1 s steps go no lower than 20 arrivals, 20 req/s */
    o.duration_s = 1;
    lab_limit_init(&l, &o, &slo, 0.001);
    while ((rate = lab_limit_next(&l, 160)) > 0)
        step(&l, rate, 0);
    lab_limit_finish(&l);
    assert_int_equal(l.n, 4); /* 160, 80, 40, 20 */
    assert_close(l.fail_rps, 20, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(expect_parse_good),
        cmocka_unit_test(expect_parse_bad),
        cmocka_unit_test(expect_against_result),
        cmocka_unit_test(percent_parse),
        cmocka_unit_test(slo_parse),
        cmocka_unit_test(limit_search),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
