/* Unit tests of the random generator: reproducibility, uniformity and the variates' moments. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "sl_test.h"
#include "lib/rng_int.h"
#include "scalelab/rng.h"

#define N_DRAWS 1000000

static void rng_same_seed_same_stream(void **state)
{
    struct sl_rng a, b, c;
    int i, differ = 0;

    (void)state;
    sl_rng_seed(&a, 42);
    sl_rng_seed(&b, 42);
    sl_rng_seed(&c, 43);
    for (i = 0; i < 1000; i++) {
        uint64_t x = sl_rng_next(&a);

        assert_true(x == sl_rng_next(&b));
        differ += x != sl_rng_next(&c);
    }
    assert_true(differ > 990);
}

/*
 * Regression values: xoshiro256** seeded through splitmix64 is integer arithmetic, so these bits
 * must come out on every machine; a change here breaks every seeded result users have.
 */
static void rng_known_values(void **state)
{
    struct sl_rng_dist d;
    struct sl_rng r;

    (void)state;
    assert_true(sl_rng_mix(0) == 0xe220a8397b1dcdafULL); /* splitmix64's published first output */
    sl_rng_seed(&r, 1);
    assert_true(sl_rng_next(&r) == 0xb3f2af6d0fc710c5ULL);
    sl_rng_seed(&r, 12345);
    assert_true(sl_rng_exponential(&r) == 0x1.83bfc46edf299p+0);
    assert_int_equal(sl_rng_dist_init(&d, SL_RNG_DIST_GAMMA, 1.0, 2.0, NULL, 0), SL_OK);
    sl_rng_seed(&r, 12345);
    assert_true(sl_rng_dist_draw(&d, &r) == 0x1.e8d67f9e2aecdp-16);
}

static void rng_uniform_moments(void **state)
{
    struct sl_rng r;
    double sum = 0, sum2 = 0, lo = 1, hi = 0;
    int i;

    (void)state;
    sl_rng_seed(&r, 7);
    for (i = 0; i < N_DRAWS; i++) {
        double u = sl_rng_uniform(&r);

        sum += u;
        sum2 += u * u;
        if (u < lo)
            lo = u;
        if (u > hi)
            hi = u;
    }
    assert_true(lo > 0.0 && hi < 1.0);
    assert_close(sum / N_DRAWS, 0.5, 0.003);
    assert_close(sum2 / N_DRAWS - (sum / N_DRAWS) * (sum / N_DRAWS), 1.0 / 12.0, 0.01);
}

static void rng_below_is_uniform(void **state)
{
    struct sl_rng r;
    long counts[7] = { 0 };
    double chi2 = 0, expected = N_DRAWS / 7.0;
    int i;

    (void)state;
    sl_rng_seed(&r, 9);
    for (i = 0; i < N_DRAWS; i++) {
        uint32_t k = sl_rng_below(&r, 7);

        assert_true(k < 7);
        counts[k]++;
    }
    for (i = 0; i < 7; i++)
        chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
    /* 6 degrees of freedom: P(chi2 > 22.46) = 0.001 */
    assert_true(chi2 < 22.46);
    assert_true(sl_rng_below(&r, 1) == 0);
}

static void rng_log_exp_match_libm(void **state)
{
    static const double xs[] = { 1e-300, 4.9e-324, 1e-10, 0.1, 0.5, 0.999999, 1.0, 1.0000001,
                                 1.5, 2.0, 2.718281828459045, 10.0, 1e10, 1e300 };
    struct sl_rng r;
    size_t i;
    int k;

    (void)state;
    for (i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
        assert_close(sl_rng_log(xs[i]), log(xs[i]), 4.5e-16);
    assert_true(sl_rng_log(1.0) == 0.0);
    assert_true(isinf(sl_rng_log(0.0)) && sl_rng_log(0.0) < 0);
    assert_true(isnan(sl_rng_log(-1.0)));
    assert_close(sl_rng_exp(1.0), 2.718281828459045, 4.5e-16);
    assert_true(sl_rng_exp(0.0) == 1.0);
    assert_true(sl_rng_exp(-800.0) == 0.0 && isinf(sl_rng_exp(800.0)));
    sl_rng_seed(&r, 3);
    for (k = 0; k < 100000; k++) {
        double x = sl_rng_uniform(&r) * 1400.0 - 700.0;
        double y = sl_rng_uniform(&r) * 1e3;

        assert_close(sl_rng_exp(x), exp(x), 4.5e-16);
        assert_close(sl_rng_log(y), log(y), 4.5e-16);
    }
}

static void rng_exponential_moments_and_tail(void **state)
{
    struct sl_rng r;
    double sum = 0, sum2 = 0;
    long over3 = 0, over8 = 0;
    int i;

    (void)state;
    sl_rng_seed(&r, 11);
    for (i = 0; i < N_DRAWS; i++) {
        double x = sl_rng_exponential(&r);

        assert_true(x >= 0);
        sum += x;
        sum2 += x * x;
        over3 += x > 3.0;
        over8 += x > 8.0; /* beyond the ziggurat's base: the tail algorithm */
    }
    assert_close(sum / N_DRAWS, 1.0, 0.005);
    assert_close(sum2 / N_DRAWS - (sum / N_DRAWS) * (sum / N_DRAWS), 1.0, 0.015);
    assert_close(over3 / (double)N_DRAWS, exp(-3.0), 0.03);
    assert_close(over8 / (double)N_DRAWS, exp(-8.0), 0.2);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/*
 * The ziggurat (inlined into the simulator as sl_rng_exponential_inline, which the public call
 * is) against the exact distribution 1 - exp(-x): the Kolmogorov-Smirnov distance of 10^6
 * draws under its 0.1 % critical value 1.9495 / sqrt(n) (Kolmogorov's limit law), mean and
 * variance within 5 standard errors (sd 1 / sqrt(n) and sqrt(8 / n)), and the tails P(X > 5),
 * P(X > 10) within 5 standard errors of exp(-5), exp(-10) (binomial counts).
 */
static void rng_exponential_matches_exact(void **state)
{
    double *x = malloc(N_DRAWS * sizeof(*x)), sum = 0, sum2 = 0, d = 0, mean, var, p5, p10;
    long over5 = 0, over10 = 0;
    struct sl_rng r;
    int i;

    (void)state;
    assert_non_null(x);
    sl_rng_seed_stream(&r, 2026, 1);
    for (i = 0; i < N_DRAWS; i++) {
        x[i] = sl_rng_exponential_inline(&r);
        sum += x[i];
        sum2 += x[i] * x[i];
        over5 += x[i] > 5.0;
        over10 += x[i] > 10.0;
    }
    qsort(x, N_DRAWS, sizeof(*x), cmp_double);
    for (i = 0; i < N_DRAWS; i++) {
        double f = 1.0 - exp(-x[i]);

        d = fmax(d, fmax(fabs((i + 1.0) / N_DRAWS - f), fabs(f - (double)i / N_DRAWS)));
    }
    free(x);
    if (!(d < 1.9495 / sqrt(N_DRAWS)))
        fail_msg("Kolmogorov-Smirnov distance %g of 10^6 draws", d);
    mean = sum / N_DRAWS;
    var = sum2 / N_DRAWS - mean * mean;
    assert_true(fabs(mean - 1.0) < 5.0 / sqrt(N_DRAWS));
    assert_true(fabs(var - 1.0) < 5.0 * sqrt(8.0 / N_DRAWS));
    p5 = exp(-5.0);
    p10 = exp(-10.0);
    assert_true(fabs(over5 - N_DRAWS * p5) < 5.0 * sqrt(N_DRAWS * p5 * (1 - p5)));
    assert_true(fabs(over10 - N_DRAWS * p10) < 5.0 * sqrt(N_DRAWS * p10 * (1 - p10)));
}

/*
 * P(X <= x and the draw stays in its layer's rectangle), for the 256-layer exponential ziggurat
 * rebuilt here with libm from the constants Marsaglia and Tsang (2000) publish, R = 7.69711747
 * and the layer area V: x_255 = R, x_(i-1) = -log(V / x_i + exp(-x_i)), x_0 = 0. A layer is
 * picked with probability 1/256; layer i >= 1 stays in its rectangle with probability
 * x_(i-1) / x_i, and then X is uniform on [0, x_(i-1)); the base (layer 0) with probability R / q,
 * q = V / exp(-R), X uniform on [0, R).
 */
#define ZIG_R 7.69711747013104972
#define ZIG_V 3.949659822581572e-3

static double zig_fast_cdf(const double *edge, double x)
{
    double sum = fmin(x, ZIG_R) / (ZIG_V / exp(-ZIG_R));
    int i;

    for (i = 1; i < 256; i++)
        sum += fmin(x, edge[i - 1]) / edge[i];
    return sum / 256.0;
}

/*
 * The ziggurat's slow path (the wedges and the tail beyond R, 2.2 % of draws) against the exact
 * law it must supply: the draws whose first 64 bits fall outside their rectangle have the
 * distribution (1 - e^-x - Fast(x)) / (1 - Fast(inf)). Kolmogorov-Smirnov on those draws
 * (about 89,000 of 4 * 10^6) under the 0.1 % critical value, their count and the tail's count
 * (P(X > R) = e^-R, which only the tail reaches) within 5 binomial standard errors; and the
 * block fill the simulator uses gives the same draws as one at a time, slow paths included.
 */
static void rng_exponential_slow_path_matches_exact(void **state)
{
    enum { N = 4000000, CAP = N / 25, BLOCK = 1000 };
    static double slow[CAP]; /* static: a failed assertion leaves nothing to free */
    double edge[256], block[BLOCK], d = 0, p_slow, p_tail;
    long n_slow = 0, n_tail = 0, i;
    struct sl_rng r, a, b;

    (void)state;
    edge[255] = ZIG_R;
    for (i = 255; i > 1; i--)
        edge[i - 1] = -log(ZIG_V / edge[i] + exp(-edge[i]));
    edge[0] = 0.0;
    sl_rng_seed_stream(&r, 2027, 3);
    for (i = 0; i < N; i++) {
        struct sl_rng peek = r;
        uint64_t x = sl_rng_next(&peek);
        double v = sl_rng_exponential(&r);

        if ((x >> 11) < sl_rng_zig_k[x & 255])
            continue;
        assert_true(n_slow < CAP);
        slow[n_slow++] = v;
        n_tail += v > ZIG_R;
    }
    p_slow = 1.0 - zig_fast_cdf(edge, INFINITY);
    p_tail = exp(-ZIG_R);
    if (!(fabs(n_slow - N * p_slow) < 5.0 * sqrt(N * p_slow * (1 - p_slow))))
        fail_msg("%ld draws off their rectangle, expected %.0f", n_slow, N * p_slow);
    if (!(fabs(n_tail - N * p_tail) < 5.0 * sqrt(N * p_tail * (1 - p_tail))))
        fail_msg("%ld draws beyond R, expected %.0f", n_tail, N * p_tail);
    qsort(slow, (size_t)n_slow, sizeof(*slow), cmp_double);
    for (i = 0; i < n_slow; i++) {
        double g = (1.0 - exp(-slow[i]) - zig_fast_cdf(edge, slow[i])) / p_slow;

        d = fmax(d, fmax(fabs((i + 1.0) / n_slow - g), fabs(g - (double)i / n_slow)));
    }
    if (!(d < 1.9495 / sqrt((double)n_slow)))
        fail_msg("Kolmogorov-Smirnov distance %g of %ld slow-path draws", d, n_slow);

    sl_rng_seed_stream(&a, 2028, 0);
    b = a;
    for (i = 0; i < 200; i++) {
        int j;

        sl_rng_exponential_fill(&a, block, BLOCK);
        for (j = 0; j < BLOCK; j++)
            assert_true(block[j] == sl_rng_exponential_inline(&b));
    }
    assert_true(sl_rng_next(&a) == sl_rng_next(&b));
}

/* log(1 - p) to full precision: against libm's log1p, exact at the ends. */
static void rng_log1m_is_accurate(void **state)
{
    static const double ps[] = { 1e-300, 1e-17, 1e-10, 1e-3, 0.01, 0.25, 0.4999999, 0.5, 0.9,
                                 1.0 - 1e-12 };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(ps) / sizeof(ps[0]); i++)
        assert_close(sl_rng_log1m(ps[i]), log1p(-ps[i]), 1e-15);
    assert_true(sl_rng_log1m(0.0) == 0.0);
    assert_true(isinf(sl_rng_log1m(1.0)) && sl_rng_log1m(1.0) < 0);
}

/*
 * Geometric gaps (how the simulator spaces the requests that take a lock) against the exact law
 * P(G = g) = (1 - p)^g p: a chi-square test of 10^6 draws over bins of width w (the last one
 * open) under its 0.1 % critical value (bins - 1 degrees of freedom), and mean (1 - p)/p and
 * variance (1 - p)/p^2 within 5 standard errors.
 */
static void check_geometric(double p, int width, int bins, double chi2_crit)
{
    long *count = calloc((size_t)bins, sizeof(*count));
    double l = sl_rng_log1m(p), q = 1.0 - p, sum = 0, sum2 = 0, chi2 = 0, mean, var, m, v;
    struct sl_rng r;
    int i;

    assert_non_null(count);
    sl_rng_seed_stream(&r, 7, 3);
    for (i = 0; i < N_DRAWS; i++) {
        uint64_t g = sl_rng_geometric(&r, l);
        uint64_t b = g / (uint64_t)width;

        count[b < (uint64_t)bins ? b : (uint64_t)bins - 1]++;
        sum += (double)g;
        sum2 += (double)g * (double)g;
    }
    for (i = 0; i < bins; i++) {
        /* P(G >= w i) - P(G >= w (i + 1)), the last bin P(G >= w i) */
        double lo = pow(q, (double)width * i);
        double hi = i + 1 < bins ? pow(q, (double)width * (i + 1)) : 0.0;
        double e = N_DRAWS * (lo - hi);

        chi2 += (count[i] - e) * (count[i] - e) / e;
    }
    free(count);
    if (!(chi2 < chi2_crit))
        fail_msg("geometric p = %g: chi-square %g over %d bins", p, chi2, bins);
    mean = sum / N_DRAWS;
    var = sum2 / N_DRAWS - mean * mean;
    m = q / p;
    v = q / (p * p);
    assert_true(fabs(mean - m) < 5.0 * sqrt(v / N_DRAWS));
    /* the sample variance's standard error: v sqrt((kurtosis - 1) / n), kurtosis 9 + p^2 / q */
    assert_true(fabs(var - v) < 5.0 * v * sqrt((8.0 + p * p / q) / N_DRAWS));
}

static void rng_geometric_matches_exact(void **state)
{
    struct sl_rng r;

    (void)state;
    check_geometric(0.3, 1, 21, 45.31);   /* 20 df: chi-square 0.999 quantile 45.31 */
    check_geometric(0.01, 10, 51, 86.66); /* 50 df: 86.66 */
    sl_rng_seed(&r, 1);
    assert_true(sl_rng_geometric(&r, sl_rng_log1m(1.0)) == 0);
    assert_true(sl_rng_geometric(&r, sl_rng_log1m(0.0)) == 1ULL << 62);
}

static void rng_normal_moments(void **state)
{
    struct sl_rng r;
    double sum = 0, sum2 = 0;
    long within1 = 0;
    int i;

    (void)state;
    sl_rng_seed(&r, 5);
    for (i = 0; i < N_DRAWS; i++) {
        double z = sl_rng_normal(&r);

        sum += z;
        sum2 += z * z;
        within1 += fabs(z) < 1.0;
    }
    assert_true(fabs(sum / N_DRAWS) < 0.005);
    assert_close(sum2 / N_DRAWS, 1.0, 0.01);
    assert_close(within1 / (double)N_DRAWS, 0.6826894921, 0.005);
}

/* Mean within mean_tol and coefficient of variation within cv_tol (relative) of the asked. */
static void check_dist(enum sl_rng_dist_kind kind, double mean, double cv, double mean_tol,
                       double cv_tol)
{
    struct sl_rng_dist d;
    struct sl_rng r;
    double sum = 0, sum2 = 0, m, sd;
    int i;

    assert_int_equal(sl_rng_dist_init(&d, kind, mean, cv, NULL, 0), SL_OK);
    sl_rng_seed(&r, 1000 + (uint64_t)kind);
    for (i = 0; i < N_DRAWS; i++) {
        double x = sl_rng_dist_draw(&d, &r);

        assert_true(x >= 0);
        sum += x;
        sum2 += x * x;
    }
    m = sum / N_DRAWS;
    sd = sqrt(fmax(0, sum2 / N_DRAWS - m * m));
    assert_close(m, mean, mean_tol);
    if (d.cv > 0)
        assert_close(sd / m, d.cv, cv_tol);
    else
        assert_true(sd < 1e-9 * mean);
}

static void rng_dist_moments(void **state)
{
    (void)state;
    check_dist(SL_RNG_DIST_EXP, 0.010, 7.0, 0.005, 0.01);
    check_dist(SL_RNG_DIST_DET, 2.5, 0.0, 1e-15, 0);
    check_dist(SL_RNG_DIST_LOGNORMAL, 3.0, 0.5, 0.005, 0.02);
    check_dist(SL_RNG_DIST_LOGNORMAL, 1.0, 2.0, 0.02, 0.1);
    check_dist(SL_RNG_DIST_GAMMA, 1.0, 0.5, 0.005, 0.01);
    check_dist(SL_RNG_DIST_GAMMA, 0.2, 1.0, 0.005, 0.01);
    check_dist(SL_RNG_DIST_GAMMA, 1.0, 2.0, 0.015, 0.03);
    check_dist(SL_RNG_DIST_HYPEREXP, 1.0, 1.0, 0.005, 0.01);
    check_dist(SL_RNG_DIST_HYPEREXP, 0.5, 2.0, 0.015, 0.03);
    check_dist(SL_RNG_DIST_HYPEREXP, 2.0, 4.0, 0.03, 0.08);
}

static void rng_dist_rejects_bad_parameters(void **state)
{
    struct sl_rng_dist d;
    char err[256];
    enum sl_rng_dist_kind k;

    (void)state;
    assert_int_equal(sl_rng_dist_init(&d, SL_RNG_DIST_EXP, 0.0, 1.0, err, sizeof(err)),
                     SL_E_INVALID);
    assert_non_null(strstr(err, "mean 0"));
    assert_int_equal(sl_rng_dist_init(&d, SL_RNG_DIST_GAMMA, 1.0, 20.0, err, sizeof(err)),
                     SL_E_INVALID);
    assert_non_null(strstr(err, "cv 20"));
    assert_non_null(strstr(err, "0.01 to 10"));
    assert_int_equal(sl_rng_dist_init(&d, SL_RNG_DIST_LOGNORMAL, 1.0, 0.0, err, sizeof(err)),
                     SL_E_INVALID);
    assert_int_equal(sl_rng_dist_init(&d, SL_RNG_DIST_EXP, NAN, 1.0, NULL, 0), SL_E_INVALID);
    assert_int_equal(sl_rng_dist_init(&d, SL_RNG_DIST_DET, 1.0, 99.0, NULL, 0), SL_OK);
    assert_int_equal(sl_rng_dist_parse("gamma", &k), SL_OK);
    assert_int_equal(k, SL_RNG_DIST_GAMMA);
    assert_int_equal(sl_rng_dist_parse("exponential", &k), SL_OK);
    assert_int_equal(k, SL_RNG_DIST_EXP);
    assert_int_equal(sl_rng_dist_parse("weibull", &k), SL_E_INVALID);
    assert_int_equal(sl_rng_dist_init(&d, SL_RNG_DIST_HYPEREXP, 1.0, 0.5, err, sizeof(err)),
                     SL_E_INVALID);
    assert_non_null(strstr(err, "1 to 10"));
    assert_int_equal(sl_rng_dist_parse("hyperexp", &k), SL_OK);
    assert_int_equal(k, SL_RNG_DIST_HYPEREXP);
    assert_string_equal(sl_rng_dist_name(SL_RNG_DIST_LOGNORMAL), "lognormal");
}

/* Streams of one seed, and the same stream of other seeds, share no 64-bit output. */
static void rng_streams_are_distinct(void **state)
{
    enum { SEEDS = 8, STREAMS = 16, DRAWS = 512 };
    static uint64_t seen[SEEDS * STREAMS * DRAWS];
    size_t n = 0, i;
    uint64_t s, k;

    (void)state;
    for (s = 0; s < SEEDS; s++)
        for (k = 0; k < STREAMS; k++) {
            struct sl_rng r;
            int d;

            sl_rng_seed_stream(&r, s, k);
            for (d = 0; d < DRAWS; d++)
                seen[n++] = sl_rng_next(&r);
        }
    for (i = 0; i < n; i++) {
        size_t j;

        for (j = i + 1; j < n && j < i + 4096; j++)
            if (seen[i] == seen[j])
                fail_msg("outputs %zu and %zu are equal", i, j);
    }
    {
        /* a stream is its own: the same pair gives the same draws */
        struct sl_rng a, b;

        sl_rng_seed_stream(&a, 42, 7);
        sl_rng_seed_stream(&b, 42, 7);
        assert_true(sl_rng_next(&a) == sl_rng_next(&b));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rng_same_seed_same_stream),
        cmocka_unit_test(rng_known_values),
        cmocka_unit_test(rng_uniform_moments),
        cmocka_unit_test(rng_below_is_uniform),
        cmocka_unit_test(rng_log_exp_match_libm),
        cmocka_unit_test(rng_exponential_moments_and_tail),
        cmocka_unit_test(rng_exponential_matches_exact),
        cmocka_unit_test(rng_exponential_slow_path_matches_exact),
        cmocka_unit_test(rng_log1m_is_accurate),
        cmocka_unit_test(rng_geometric_matches_exact),
        cmocka_unit_test(rng_normal_moments),
        cmocka_unit_test(rng_dist_moments),
        cmocka_unit_test(rng_dist_rejects_bad_parameters),
        cmocka_unit_test(rng_streams_are_distinct),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
