/* Unit tests of the log-bucketed histogram: quantile error, edge values, merging. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "sl_test.h"
#include "scalelab/alloc.h"
#include "scalelab/hist.h"
#include "scalelab/rng.h"

#define N_VALUES 1000000

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* The empirical quantile of rank ceil(q n) of sorted values. */
static double exact_quantile(const double *sorted, size_t n, double q)
{
    size_t rank = (size_t)ceil(q * (double)n);

    return sorted[rank ? rank - 1 : 0];
}

static const double qs[] = { 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 0.9999 };

/* Fills h and v with n values of draw(); checks every quantile against the sorted values. */
static void check_against_sorted(double (*draw)(struct sl_rng *), double rel)
{
    struct sl_hist *h = sl_malloc(sizeof(*h));
    double *v = sl_malloc(N_VALUES * sizeof(*v));
    struct sl_rng r;
    size_t i;

    assert_non_null(h);
    assert_non_null(v);
    sl_hist_init(h);
    sl_rng_seed(&r, 77);
    for (i = 0; i < N_VALUES; i++) {
        v[i] = draw(&r);
        sl_hist_add(h, v[i]);
    }
    qsort(v, N_VALUES, sizeof(*v), cmp_double);
    for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
        assert_close(sl_hist_quantile(h, qs[i]), exact_quantile(v, N_VALUES, qs[i]), rel);
    assert_true(sl_hist_quantile(h, 0.0) == v[0]);
    assert_true(sl_hist_quantile(h, 1.0) == v[N_VALUES - 1]);
    assert_int_equal(h->n, N_VALUES);
    sl_free(v);
    sl_free(h);
}

static double draw_exp(struct sl_rng *r)
{
    return 0.05 * sl_rng_exponential(r);
}

static double draw_log_uniform(struct sl_rng *r)
{
    return 1e-6 * sl_rng_exp(sl_rng_uniform(r) * 21.0); /* 1 us to about 1300 s */
}

static void hist_quantiles_within_bucket_error(void **state)
{
    (void)state;
    /* the bucket midpoint is within 1/256 (0.39 %) of every value in the bucket */
    check_against_sorted(draw_exp, 0.0040);
    check_against_sorted(draw_log_uniform, 0.0040);
}

/* Quantiles of a known distribution: exponential, mean 2: q -> -2 ln(1 - q). */
static void hist_exponential_quantiles_within_1_percent(void **state)
{
    struct sl_hist *h = sl_malloc(sizeof(*h));
    struct sl_rng r;
    size_t i;

    (void)state;
    assert_non_null(h);
    sl_hist_init(h);
    sl_rng_seed(&r, 2024);
    for (i = 0; i < N_VALUES; i++)
        sl_hist_add(h, 2.0 * sl_rng_exponential(&r));
    assert_close(sl_hist_quantile(h, 0.5), -2.0 * log(0.5), 0.01);
    assert_close(sl_hist_quantile(h, 0.9), -2.0 * log(0.1), 0.01);
    assert_close(sl_hist_quantile(h, 0.99), -2.0 * log(0.01), 0.01);
    assert_close(sl_hist_mean(h), 2.0, 0.01);
    sl_free(h);
}

static void hist_zeros_extremes_and_empty(void **state)
{
    struct sl_hist h;

    (void)state;
    sl_hist_init(&h);
    assert_true(isnan(sl_hist_quantile(&h, 0.5)));
    assert_true(isnan(sl_hist_mean(&h)));
    sl_hist_add(&h, NAN);
    assert_int_equal(h.n, 0);
    sl_hist_add(&h, 0.0);
    sl_hist_add(&h, -1.0);
    sl_hist_add(&h, 0.0);
    sl_hist_add(&h, 1e-12);     /* below 2^-32: underflow bucket */
    sl_hist_add(&h, 3.0);
    sl_hist_add(&h, 1e12);      /* above 2^32: overflow bucket */
    assert_int_equal(h.n, 6);
    assert_int_equal(h.zeros, 3);
    assert_int_equal(h.under, 1);
    assert_int_equal(h.over, 1);
    assert_true(sl_hist_quantile(&h, 0.5) == 0.0);
    assert_true(sl_hist_quantile(&h, 0.6) == 0x1p-33);
    assert_close(sl_hist_quantile(&h, 0.8), 3.0, 0.004);
    assert_true(sl_hist_quantile(&h, 0.99) == 1e12);
    assert_true(sl_hist_quantile(&h, 1.0) == 1e12);
    assert_close(sl_hist_mean(&h), (1e-12 + 3.0 + 1e12) / 6.0, 1e-15);
}

static void hist_merge_equals_one_histogram(void **state)
{
    struct sl_hist *a = sl_malloc(sizeof(*a)), *b = sl_malloc(sizeof(*b));
    struct sl_hist *all = sl_malloc(sizeof(*all));
    struct sl_rng r;
    int i;

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(all);
    sl_hist_init(a);
    sl_hist_init(b);
    sl_hist_init(all);
    sl_hist_merge(a, b); /* empty into empty */
    assert_int_equal(a->n, 0);
    sl_rng_seed(&r, 1);
    for (i = 0; i < 10000; i++) {
        double x = sl_rng_exponential(&r);

        sl_hist_add(i % 3 ? a : b, x);
        sl_hist_add(all, x);
    }
    sl_hist_merge(a, b);
    assert_int_equal(a->n, all->n);
    assert_true(a->min == all->min && a->max == all->max);
    assert_int_equal(memcmp(a->counts, all->counts, sizeof(a->counts)), 0);
    assert_close(a->sum, all->sum, 1e-12);
    sl_free(a);
    sl_free(b);
    sl_free(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hist_quantiles_within_bucket_error),
        cmocka_unit_test(hist_exponential_quantiles_within_1_percent),
        cmocka_unit_test(hist_zeros_extremes_and_empty),
        cmocka_unit_test(hist_merge_equals_one_histogram),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
