/* The open loop's pacing: exact uniform send times, Poisson gaps within statistical bounds. */
/* SPDX-License-Identifier: MIT */
#include <math.h>

#include "sl_test.h"
#include "lab/lab_pace.h"

/* Uniform: arrival k of the whole schedule is due at k / rate; senders share it by stride. */
static void pace_uniform_exact(void **state)
{
    struct lab_pace p, q;
    int k;

    (void)state;
    lab_pace_init(&p, LAB_ARRIVALS_UNIFORM, 250.0, 1, 0, 7);
    for (k = 0; k < 100000; k++)
        assert_true(lab_pace_take(&p) == (double)k / 250.0);
    /* two senders interleave: 0, 2, 4... / rate and 1, 3, 5... / rate */
    lab_pace_init(&p, LAB_ARRIVALS_UNIFORM, 1000.0, 2, 0, 7);
    lab_pace_init(&q, LAB_ARRIVALS_UNIFORM, 1000.0, 2, 1, 7);
    for (k = 0; k < 1000; k++) {
        assert_true(lab_pace_peek(&p) == 2.0 * k / 1000.0);
        assert_true(lab_pace_take(&p) == 2.0 * k / 1000.0);
        assert_true(lab_pace_take(&q) == (2.0 * k + 1) / 1000.0);
    }
}

/*
 * Poisson at rate 500 on a fixed seed: n = 200,000 gaps of mean 1/500 and standard deviation
 * 1/500 (exponential). The sample mean lies within 5 standard errors (1/500/sqrt(n)) of 1/500,
 * the variance-to-mean-squared ratio (1 for exponential gaps; 0 for uniform ones) within 0.05,
 * and arrivals in 1 s windows have Poisson dispersion: variance / mean within 0.85..1.15.
 */
static void pace_poisson_statistics(void **state)
{
    enum { N = 200000 };
    const double rate = 500.0;
    struct lab_pace p;
    double prev = 0, sum = 0, sum2 = 0, mean, var, t = 0;
    double wsum = 0, wsum2 = 0;
    int k, windows = 0, in_window = 0;

    (void)state;
    lab_pace_init(&p, LAB_ARRIVALS_POISSON, rate, 1, 0, 12345);
    for (k = 0; k < N; k++) {
        double gap;

        t = lab_pace_take(&p);
        gap = t - prev;
        assert_true(gap >= 0);
        prev = t;
        sum += gap;
        sum2 += gap * gap;
        while (t >= windows + 1.0) { /* close the windows this arrival is past */
            wsum += in_window;
            wsum2 += (double)in_window * in_window;
            windows++;
            in_window = 0;
        }
        in_window++;
    }
    mean = sum / N;
    var = sum2 / N - mean * mean;
    assert_true(fabs(mean - 1 / rate) < 5 * (1 / rate) / sqrt((double)N));
    assert_true(fabs(var / (mean * mean) - 1) < 0.05);
    assert_true(windows >= 390);
    mean = wsum / windows;
    var = wsum2 / windows - mean * mean;
    assert_true(fabs(mean - rate) < 5 * sqrt(rate / windows));
    assert_true(var / mean > 0.85 && var / mean < 1.15);
}

/* Two Poisson senders of one schedule are independent streams that keep the whole rate. */
static void pace_poisson_split(void **state)
{
    struct lab_pace a, b, a2;
    int k, same = 0;

    (void)state;
    lab_pace_init(&a, LAB_ARRIVALS_POISSON, 1000.0, 2, 0, 99);
    lab_pace_init(&b, LAB_ARRIVALS_POISSON, 1000.0, 2, 1, 99);
    lab_pace_init(&a2, LAB_ARRIVALS_POISSON, 1000.0, 2, 0, 99);
    for (k = 0; k < 50000; k++) {
        double ta = lab_pace_take(&a), tb = lab_pace_take(&b);

        same += ta == tb;
        assert_true(lab_pace_take(&a2) == ta); /* the same seed, the same times */
    }
    assert_int_equal(same, 0);
    /* each sender has rate 500: 50,000 arrivals take about 100 s (5 standard errors) */
    assert_true(fabs(lab_pace_peek(&a) - 100.0) < 5 * 100.0 / sqrt(50000.0));
    assert_true(fabs(lab_pace_peek(&b) - 100.0) < 5 * 100.0 / sqrt(50000.0));
}

static void pace_names(void **state)
{
    enum lab_arrivals a;

    (void)state;
    assert_int_equal(lab_arrivals_parse("uniform", &a), 0);
    assert_int_equal(a, LAB_ARRIVALS_UNIFORM);
    assert_int_equal(lab_arrivals_parse("poisson", &a), 0);
    assert_int_equal(a, LAB_ARRIVALS_POISSON);
    assert_int_equal(lab_arrivals_parse("Poisson", &a), -1);
    assert_string_equal(lab_arrivals_name(LAB_ARRIVALS_UNIFORM), "uniform");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pace_uniform_exact),
        cmocka_unit_test(pace_poisson_statistics),
        cmocka_unit_test(pace_poisson_split),
        cmocka_unit_test(pace_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
