/* Unit tests of the analytic queueing module against reference/queueing.md section 2 and 5. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <string.h>

#include "sl_test.h"
#include "scalelab/alloc.h"
#include "scalelab/queueing.h"

/*
 * The reference prints most values to 6 or 7 significant digits. A value is checked to 1e-6
 * relative, or to half a unit of the last digit printed when that is looser (e.g. 0.070048 is
 * only known to +-5e-7, 7e-6 relative; 155.265 to +-5e-4). `unit` is the last printed digit's
 * place value (1e-6 for 0.070048, 1e-3 for 155.265).
 */
#define assert_ref(actual, expected, unit)                                                  \
    assert_close((actual), (expected), fmax(1e-6, 0.5 * (unit) / fabs((double)(expected))))

/* Identities and limits that are exact (derived analytically, not printed rounded). */
#define EXACT 1e-9

static void queueing_erlang_b(void **state)
{
    (void)state;
    assert_ref(sl_erlang_b(8, 5.0), 0.070048, 1e-6);
    assert_ref(sl_erlang_b(10, 10.0), 0.214582, 1e-6);
    assert_ref(sl_erlang_b(100, 90.0), 0.026957, 1e-6);
    /* B(1, a) = a / (1 + a) */
    assert_close(sl_erlang_b(1, 3.0), 0.75, EXACT);
}

static void queueing_erlang_c(void **state)
{
    (void)state;
    assert_ref(sl_erlang_c(4, 3.6), 0.787753, 1e-6);
    assert_ref(sl_erlang_c(100, 90.0), 0.216940, 1e-6);
    /* M/M/1: C = rho; a >= c: every arrival waits */
    assert_close(sl_erlang_c(1, 0.9), 0.9, EXACT);
    assert_close(sl_erlang_c(4, 4.0), 1.0, 0);
    assert_close(sl_erlang_c(4, 7.0), 1.0, 0);
}

static void solve_mmc(long c, double service_s, double lambda, struct sl_queue_result *r)
{
    char err[SL_ERR_LEN] = "";

    if (sl_queue_mmc(c, service_s, lambda, r, err, sizeof(err)) != SL_OK)
        fail_msg("M/M/%ld rejected: %s", c, err);
}

static void solve_mmck(long c, long k, double service_s, double lambda,
                       struct sl_queue_result *r)
{
    char err[SL_ERR_LEN] = "";

    if (sl_queue_mmck(c, k, service_s, lambda, r, err, sizeof(err)) != SL_OK)
        fail_msg("M/M/%ld/%ld rejected: %s", c, k, err);
}

static void solve_closed(long c, long n, double service_s, double think_s,
                         struct sl_queue_result *r)
{
    char err[SL_ERR_LEN] = "";

    if (sl_queue_closed(c, n, service_s, think_s, r, err, sizeof(err)) != SL_OK)
        fail_msg("closed N=%ld m=%ld rejected: %s", n, c, err);
}

static void queueing_mm1(void **state)
{
    struct sl_queue_result r;

    (void)state;
    solve_mmc(1, 1.0, 0.9, &r);
    assert_string_equal(sl_queue_model_name(r.model), "M/M/c");
    assert_int_equal(r.stable, 1);
    assert_ref(r.mean_wait_s, 9.0, 1e-6);
    assert_ref(r.mean_response_s, 10.0, 1e-6);
    assert_ref(r.mean_in_system, 9.0, 1e-6);
    assert_close(r.utilization, 0.9, EXACT);
    assert_close(r.throughput_rps, 0.9, EXACT);
    assert_close(r.drop_probability, 0.0, 0);
    /* Little: Lq = lambda Wq */
    assert_close(r.mean_in_queue, 0.9 * r.mean_wait_s, EXACT);
}

static void queueing_mm4(void **state)
{
    struct sl_queue_result r;

    (void)state;
    solve_mmc(4, 1.0, 3.6, &r);
    assert_ref(r.p_wait, 0.787753, 1e-6);
    assert_ref(r.mean_wait_s, 1.969383, 1e-6);
    assert_ref(r.mean_in_queue, 7.089779, 1e-6);
}

static void queueing_mm8(void **state)
{
    struct sl_queue_result r;

    (void)state;
    solve_mmc(8, 0.05, 100.0, &r);
    assert_ref(r.p_wait, 0.167267, 1e-6);
    assert_ref(r.mean_response_s, 0.0527878, 1e-7);
}

static void queueing_mm100(void **state)
{
    struct sl_queue_result r;

    (void)state;
    solve_mmc(100, 1.0, 90.0, &r);
    assert_ref(r.p_wait, 0.216940, 1e-6);
    assert_ref(r.mean_wait_s, 0.0216940, 1e-7);
}

static void queueing_mm3_ciw(void **state)
{
    struct sl_queue_result r;

    (void)state;
    /* mu = 0.1 is a mean service time of 10 s */
    solve_mmc(3, 10.0, 0.2, &r);
    assert_ref(r.mean_wait_s, 4.444444, 1e-6);
}

static void queueing_mm1_percentiles(void **state)
{
    struct sl_queue_result r;

    (void)state;
    /*
     * M/M/1: P(Wq > t) = rho e^{-(mu - lambda) t} (section 2), so the p99 wait is
     * ln(0.9 / 0.01) / 0.1; the response time is exactly Exp(mu - lambda), p99 = ln(100) / 0.1.
     */
    solve_mmc(1, 1.0, 0.9, &r);
    assert_close(r.p99_wait_s, log(90.0) / 0.1, EXACT);
    assert_close(r.p99_response_s, log(100.0) / 0.1, 1e-12);
    assert_close(sl_mmc_wait_quantile(1, 0.9, 1.0, 0.5), log(1.8) / 0.1, EXACT);
    /* p below 1 - C: most requests do not wait at all */
    assert_close(sl_mmc_wait_quantile(4, 1.0, 1.0, 0.5), 0.0, 0);
}

/* P(W > t) of M/M/c from section 2's formulas, written out plainly for the test. */
static double mmc_tail_plain(long c, double lambda, double mu, double t)
{
    double cw = sl_erlang_c(c, lambda / mu), th = c * mu - lambda;
    double sum_tail = fabs(th - mu) < 1e-12 ? (1.0 + mu * t) * exp(-mu * t)
                                            : (th * exp(-mu * t) - mu * exp(-th * t)) / (th - mu);

    return (1.0 - cw) * exp(-mu * t) + cw * sum_tail;
}

static void queueing_mmc_response_percentile(void **state)
{
    static const struct { long c; double lambda, mu; } cases[] = {
        { 4, 3.6, 1.0 }, { 8, 100.0, 20.0 }, { 100, 90.0, 1.0 }, { 2, 1.0, 1.0 },
        { 3, 0.2, 0.1 },
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double t = sl_mmc_response_quantile(cases[i].c, cases[i].lambda, cases[i].mu, 0.99);

        /* the percentile solves P(W > t) = 0.01 on the exact CDF */
        assert_close(mmc_tail_plain(cases[i].c, cases[i].lambda, cases[i].mu, t), 0.01, 1e-9);
        assert_true(t >= sl_mmc_wait_quantile(cases[i].c, cases[i].lambda, cases[i].mu, 0.99));
    }
    /* c mu - lambda == mu: the cancelling case of the sum of two exponentials */
    assert_close(mmc_tail_plain(2, 1.0, 1.0, sl_mmc_response_quantile(2, 1.0, 1.0, 0.9)),
                 0.1, 1e-9);
}

static void queueing_mm1k5(void **state)
{
    struct sl_queue_result r;

    (void)state;
    solve_mmck(1, 5, 1.0, 0.9, &r);
    assert_string_equal(sl_queue_model_name(r.model), "M/M/c/K");
    assert_ref(r.drop_probability, 0.126023, 1e-6);
    assert_ref(r.throughput_rps, 0.786580, 1e-6);
    assert_ref(r.mean_in_system, 2.194782, 1e-6);
    assert_ref(r.mean_response_s, 2.790286, 1e-6);
    assert_int_equal(r.stable, 1);
}

static void queueing_mm4k10(void **state)
{
    struct sl_queue_result r;

    (void)state;
    solve_mmck(4, 10, 1.0, 3.6, &r);
    assert_ref(r.drop_probability, 0.067174, 1e-6);
    assert_ref(r.mean_in_system, 5.061102, 1e-6);
    assert_ref(r.mean_response_s, 1.507100, 1e-6);
    /* Little on accepted traffic; utilisation law */
    assert_close(r.mean_in_queue, r.throughput_rps * r.mean_wait_s, EXACT);
    assert_close(r.carried_utilization, r.throughput_rps * 1.0 / 4, EXACT);
}

static void queueing_mm4k8_overloaded(void **state)
{
    struct sl_queue_result r;

    (void)state;
    solve_mmck(4, 8, 1.0, 5.0, &r);
    assert_ref(r.drop_probability, 0.251240, 1e-6);
    assert_ref(r.throughput_rps, 3.743801, 1e-6);
    assert_close(r.utilization, 1.25, EXACT);
    assert_true(r.carried_utilization < 1.0);
}

static void queueing_mm8k16(void **state)
{
    struct sl_queue_result r;

    (void)state;
    solve_mmck(8, 16, 0.05, 120.0, &r);
    assert_ref(r.drop_probability, 0.009181, 1e-6);
    assert_ref(r.mean_response_s, 0.056476, 1e-6);
}

static void queueing_mmck_large_k(void **state)
{
    struct sl_queue_result r, open;

    (void)state;
    /* rho < 1 and K = 1e6: the M/M/4 values of section 2 (p_K is below 1e-40000) */
    solve_mmck(4, 1000000, 1.0, 3.6, &r);
    assert_ref(r.p_wait, 0.787753, 1e-6);
    assert_ref(r.mean_wait_s, 1.969383, 1e-6);
    assert_close(r.drop_probability, 0.0, 0);
    /* and its percentiles (mixture-of-Erlangs method) equal M/M/c's closed forms */
    solve_mmc(4, 1.0, 3.6, &open);
    assert_close(r.p99_wait_s, open.p99_wait_s, 1e-9);
    assert_close(r.p99_response_s, open.p99_response_s, 1e-9);

    /* rho = 1.25 and K = 1e6: servers saturate, X = c mu, p_K = 1 - 1/rho (limit K -> inf) */
    solve_mmck(4, 1000000, 1.0, 5.0, &r);
    assert_true(isfinite(r.mean_in_system) && isfinite(r.p99_response_s));
    assert_close(r.throughput_rps, 4.0, EXACT);
    assert_close(r.drop_probability, 0.2, EXACT);
    assert_close(r.carried_utilization, 1.0, EXACT);
    assert_true(r.mean_in_system > 999000.0 && r.mean_in_system < 1000000.0);

    /* rho = 1 exactly: uniform over the queue states, finite */
    solve_mmck(1, 1000000, 1.0, 1.0, &r);
    assert_close(r.drop_probability, 1.0 / 1000001.0, EXACT);
    assert_close(r.mean_in_system, 500000.0, EXACT);
}

static void queueing_mmck_percentiles(void **state)
{
    struct sl_queue_result r;

    (void)state;
    /* M/M/c/c (Erlang loss): nobody waits, the response is one Exp(mu) service */
    solve_mmck(3, 3, 2.0, 1.0, &r);
    assert_close(r.p_wait, 0.0, 0);
    assert_close(r.p99_wait_s, 0.0, 0);
    assert_close(r.p99_response_s, 2.0 * log(100.0), 1e-12);
    assert_ref(r.drop_probability, sl_erlang_b(3, 2.0), 1e-15);
    /* M/M/1/K with K large: the response is Exp(mu - lambda) as in M/M/1 */
    solve_mmck(1, 5000, 1.0, 0.9, &r);
    assert_close(r.p99_response_s, log(100.0) / 0.1, 1e-9);
    assert_close(r.p99_wait_s, log(90.0) / 0.1, 1e-9);
    /* a bounded queue caps the wait: at most K - c services ahead */
    solve_mmck(4, 8, 1.0, 5.0, &r);
    assert_true(r.p99_wait_s > 0.0 && r.p99_response_s > r.p99_wait_s);
}

static void queueing_mg1_pollaczek_khinchine(void **state)
{
    (void)state;
    /* M/D/1 (cv 0), M/E4/1 (cv^2 = 1/4), M/H2/1 (cv^2 = 4) at rho = 0.9, E[S] = 1 */
    assert_ref(sl_mg1_wait(0.9, 1.0, 0.0), 4.5, 1e-6);
    assert_ref(sl_mg1_wait(0.9, 1.0, 0.5), 5.625, 1e-6);
    assert_ref(sl_mg1_wait(0.9, 1.0, 2.0), 22.5, 1e-6);
    /* cv = 1 is M/M/1 */
    assert_close(sl_mg1_wait(0.9, 1.0, 1.0), 9.0, EXACT);
    /* M/G/1-PS: W = E[S]/(1 - rho) */
    assert_close(sl_mg1_ps_response(0.9, 1.0), 10.0, EXACT);
    assert_true(isinf(sl_mg1_wait(1.0, 1.0, 1.0)));
    assert_true(isinf(sl_mg1_ps_response(2.0, 1.0)));
}

static void queueing_kingman_daley(void **state)
{
    double ca = sqrt(0.5);

    (void)state;
    assert_ref(sl_kingman_wait(0.9, 1.0, ca, ca), 4.5, 1e-6);
    /* Daley's bound from its formula: ((2 - 0.9) 0.5 + 0.9 * 0.5) / (2 * 0.1) = 5 */
    assert_close(sl_daley_wait_bound(0.9, 1.0, ca, ca), 5.0, EXACT);
    assert_true(sl_daley_wait_bound(0.9, 1.0, ca, ca) >= sl_kingman_wait(0.9, 1.0, ca, ca));
    /* with Poisson arrivals (ca = 1) Kingman is exact P-K */
    assert_close(sl_kingman_wait(0.9, 1.0, 1.0, 0.0), sl_mg1_wait(0.9, 1.0, 0.0), EXACT);
    assert_true(isinf(sl_kingman_wait(1.0, 1.0, 1.0, 1.0)));
}

static void queueing_allen_cunneen(void **state)
{
    (void)state;
    assert_ref(sl_allen_cunneen_wait(4, 3.6, 1.0, 1.0, 0.0), 0.984692, 1e-6);
    /* exponential arrivals and service: exactly M/M/c */
    assert_ref(sl_allen_cunneen_wait(4, 3.6, 1.0, 1.0, 1.0), 1.969383, 1e-6);
    assert_true(isinf(sl_allen_cunneen_wait(4, 4.0, 1.0, 1.0, 1.0)));
}

static void queueing_closed_reference(void **state)
{
    static const struct { long n, m; double s, z, x, unit; } cases[] = {
        { 400, 300, 0.444, 0.2, 621.100505, 1e-6 },
        { 400, 300, 0.444, 1.0, 277.008310, 1e-6 },
        { 50, 8, 0.05, 0.5, 90.740144, 1e-6 },
    };
    struct sl_queue_result r;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        solve_closed(cases[i].m, cases[i].n, cases[i].s, cases[i].z, &r);
        assert_ref(r.throughput_rps, cases[i].x, cases[i].unit);
        assert_close((double)cases[i].n, r.throughput_rps * (r.mean_response_s + cases[i].z),
                     EXACT);
    }
    assert_string_equal(sl_queue_model_name(r.model), "closed");
    assert_int_equal(r.table_len, 0);
}

static void queueing_closed_batch(void **state)
{
    struct sl_queue_result r;

    (void)state;
    /* PDQ README model without think time: all 300 servers busy, X = m/S */
    solve_closed(300, 400, 0.444, 0.0, &r);
    assert_ref(r.throughput_rps, 675.6757, 1e-4);
    assert_close(r.throughput_rps, 300 / 0.444, EXACT);
    assert_close(r.mean_response_s, 400 / (300 / 0.444), EXACT);
    assert_close(r.p_wait, 1.0, 0);
    /* N = 2, one server, no think: the returning user finds the other in service */
    solve_closed(1, 2, 1.0, 0.0, &r);
    assert_close(r.p99_wait_s, log(100.0), 1e-12);
    /* its response is Erlang(2, 1): P(W > t) = (1 + t) e^{-t} = 0.01 */
    assert_close((1.0 + r.p99_response_s) * exp(-r.p99_response_s), 0.01, 1e-9);
}

static void queueing_closed_pdq_failures(void **state)
{
    /* section 5: PDQ 7.0.1 is wrong for the last four rows; these are the exact values */
    static const struct { long n, m; double z, x, x_unit, r, r_unit; } cases[] = {
        { 50, 8, 0.5, 90.7401, 1e-4, NAN, 0 },
        { 20, 16, 0.2, 30.8313, 1e-4, NAN, 0 },
        { 40, 32, 0.2, 61.996, 1e-3, 0.4452, 1e-4 },
        { 60, 48, 0.2, 93.109, 1e-3, 0.4444, 1e-4 },
        { 100, 80, 0.2, 155.265, 1e-3, NAN, 0 },
        { 400, 300, 0.2, 621.10, 1e-2, 0.44402, 1e-5 },
    };
    struct sl_queue_result r;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double s = i == 0 ? 0.05 : 0.444;

        solve_closed(cases[i].m, cases[i].n, s, cases[i].z, &r);
        assert_ref(r.throughput_rps, cases[i].x, cases[i].x_unit);
        if (!isnan(cases[i].r))
            assert_ref(r.mean_response_s, cases[i].r, cases[i].r_unit);
        assert_true(r.mean_response_s >= s);
        assert_true(r.throughput_rps > 0.0 && r.throughput_rps <= cases[i].m / s);
    }
}

static void check_closed_sane(long m, long n, double s, double z)
{
    struct sl_queue_result r;
    double x;

    solve_closed(m, n, s, z, &r);
    x = r.throughput_rps;
    assert_true(isfinite(x) && isfinite(r.mean_response_s) && isfinite(r.p99_response_s));
    assert_true(x > 0.0 && x <= m / s * (1 + 1e-12));
    assert_true(r.mean_response_s >= s * (1 - 1e-12));
    /* Little's law overall, and at the station from the distribution itself */
    assert_close((double)n, x * (r.mean_response_s + z), 1e-9);
    assert_close(r.mean_in_system, x * r.mean_response_s, 1e-9);
    assert_close(r.mean_in_queue, x * r.mean_wait_s, 1e-9);
    /* asymptotic bounds: X <= min(N/(S+Z), m/S) */
    assert_true(x <= fmin(n / (s + z), m / s) * (1 + 1e-12));
    assert_true(r.p99_response_s >= r.p99_wait_s);
}

static void queueing_closed_100k_users(void **state)
{
    (void)state;
    check_closed_sane(80000, 100000, 0.444, 0.2);   /* knee: some queueing */
    check_closed_sane(1000, 100000, 0.444, 0.2);    /* saturated: long queue */
    check_closed_sane(100000, 100000, 0.444, 0.2);  /* servers to spare: no queue */
    check_closed_sane(7, 100000, 0.01, 100.0);      /* mostly thinking */
}

static void queueing_table_mm1(void **state)
{
    static const double util[] = { 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0, 1.1, 1.25 };
    struct sl_queue_result r;
    size_t i;

    (void)state;
    solve_mmc(1, 0.01, 50.0, &r);
    assert_int_equal(r.table_len, SL_QUEUE_TABLE_ROWS);
    for (i = 0; i < r.table_len; i++) {
        assert_close(r.table[i].utilization, util[i], 0);
        assert_close(r.table[i].drop_probability, 0.0, 0);
        /* M/M/1: W / S = 1 / (1 - rho), unbounded at rho >= 1 */
        if (util[i] < 1.0)
            assert_close(r.table[i].response_multiple, 1.0 / (1.0 - util[i]), EXACT);
        else
            assert_true(isinf(r.table[i].response_multiple));
    }
    /* bounded: M/M/1/K at rho = 1 drops 1/(K+1); above 1 it drops more, and stays finite */
    solve_mmck(1, 9, 0.01, 50.0, &r);
    assert_close(r.table[7].drop_probability, 0.1, EXACT);
    assert_close(r.table[7].response_multiple, 4.5 / 0.9, EXACT);
    assert_true(r.table[9].drop_probability > r.table[8].drop_probability);
    assert_true(isfinite(r.table[9].response_multiple));
    /* the table row at the solved utilisation agrees with the solve */
    solve_mmck(4, 10, 1.0, 3.6, &r);
    assert_close(r.table[3].response_multiple, r.mean_response_s / 1.0, EXACT);
    assert_close(r.table[3].drop_probability, r.drop_probability, EXACT);
}

static void queueing_unstable_open(void **state)
{
    struct sl_queue_result r;
    struct sl_queue_params p = { 0 };
    char err[SL_ERR_LEN] = "";

    (void)state;
    p.servers = 4;
    p.service_s = 0.1;
    p.utilization = 1.0;
    assert_int_equal(sl_queue_solve(&p, &r, err, sizeof(err)), SL_OK);
    assert_int_equal(r.stable, 0);
    assert_true(isinf(r.mean_response_s) && isinf(r.p99_wait_s) && isinf(r.mean_in_queue));
    assert_close(r.throughput_rps, 40.0, EXACT);
    assert_close(r.load_rps, 40.0, EXACT);
    assert_close(r.p_wait, 1.0, 0);
    assert_true(isinf(sl_mmc_wait_quantile(1, 2.0, 1.0, 0.99)));
    assert_true(isinf(sl_mmc_response_quantile(1, 1.0, 1.0, 0.99)));
}

static void queueing_solve_dispatch(void **state)
{
    struct sl_queue_result r;
    struct sl_queue_params p = { 0 };
    char err[SL_ERR_LEN] = "";

    (void)state;
    p.servers = 4;
    p.service_s = 1.0;
    p.utilization = 0.9;
    p.queue_capacity = 10;
    assert_int_equal(sl_queue_solve(&p, &r, err, sizeof(err)), SL_OK);
    assert_int_equal(r.model, SL_QUEUE_MMCK);
    assert_ref(r.drop_probability, 0.067174, 1e-6);
    p.queue_capacity = 0;
    p.utilization = 0;
    p.load_rps = 3.6;
    assert_int_equal(sl_queue_solve(&p, &r, err, sizeof(err)), SL_OK);
    assert_int_equal(r.model, SL_QUEUE_MMC);
    assert_ref(r.p_wait, 0.787753, 1e-6);
    memset(&p, 0, sizeof(p));
    p.servers = 8;
    p.service_s = 0.05;
    p.users = 50;
    p.think_s = 0.5;
    assert_int_equal(sl_queue_solve(&p, &r, err, sizeof(err)), SL_OK);
    assert_int_equal(r.model, SL_QUEUE_CLOSED);
    assert_ref(r.throughput_rps, 90.740144, 1e-6);
    assert_true(isnan(r.load_rps));
}

static void expect_invalid(enum sl_status st, const char *err, const char *needle)
{
    assert_int_equal(st, SL_E_INVALID);
    if (!strstr(err, needle))
        fail_msg("message '%s' does not name '%s'", err, needle);
}

static void queueing_bad_input(void **state)
{
    struct sl_queue_result r;
    struct sl_queue_params p = { 0 };
    char err[SL_ERR_LEN] = "";

    (void)state;
    assert_true(isnan(sl_erlang_b(0, 1.0)) && isnan(sl_erlang_b(-3, 1.0)));
    assert_true(isnan(sl_erlang_b(2, -1.0)) && isnan(sl_erlang_b(2, NAN)));
    assert_true(isnan(sl_erlang_c(0, 1.0)) && isnan(sl_erlang_c(2, INFINITY)));
    assert_true(isnan(sl_mmc_wait_quantile(2, -1.0, 1.0, 0.99)));
    assert_true(isnan(sl_mmc_wait_quantile(2, 1.0, 0.0, 0.99)));
    assert_true(isnan(sl_mmc_wait_quantile(2, 1.0, 1.0, 1.0)));
    assert_true(isnan(sl_mmc_response_quantile(0, 1.0, 1.0, 0.5)));
    assert_true(isnan(sl_mg1_wait(0.5, 1.0, -0.1)) && isnan(sl_mg1_wait(-0.5, 1.0, 1.0)));
    assert_true(isnan(sl_mg1_ps_response(0.5, 0.0)));
    assert_true(isnan(sl_kingman_wait(0.5, 1.0, NAN, 1.0)));
    assert_true(isnan(sl_daley_wait_bound(0.5, -1.0, 1.0, 1.0)));
    assert_true(isnan(sl_allen_cunneen_wait(0, 0.5, 1.0, 1.0, 1.0)));

    expect_invalid(sl_queue_mmc(0, 1.0, 1.0, &r, err, sizeof(err)), err, "'0'");
    expect_invalid(sl_queue_mmc(-2, 1.0, 1.0, &r, err, sizeof(err)), err, "'-2'");
    expect_invalid(sl_queue_mmc(2, -1.0, 1.0, &r, err, sizeof(err)), err, "'-1'");
    expect_invalid(sl_queue_mmc(2, 1.0, -5.0, &r, err, sizeof(err)), err, "'-5'");
    expect_invalid(sl_queue_mmc(2, 1.0, NAN, &r, err, sizeof(err)), err, "load");
    expect_invalid(sl_queue_mmck(4, 3, 1.0, 1.0, &r, err, sizeof(err)), err, "'3'");
    expect_invalid(sl_queue_mmck(4, SL_QUEUE_MAX_STATES + 1, 1.0, 1.0, &r, err, sizeof(err)),
                   err, "queue capacity");
    expect_invalid(sl_queue_closed(4, 0, 1.0, 1.0, &r, err, sizeof(err)), err, "users '0'");
    expect_invalid(sl_queue_closed(4, 10, 1.0, -1.0, &r, err, sizeof(err)), err, "'-1'");
    expect_invalid(sl_queue_closed(4, 10, 0.0, 1.0, &r, err, sizeof(err)), err, "service");

    p.servers = 2;
    p.service_s = 1.0;
    expect_invalid(sl_queue_solve(&p, &r, err, sizeof(err)), err, "exactly one");
    p.load_rps = 1.0;
    p.utilization = 0.5;
    expect_invalid(sl_queue_solve(&p, &r, err, sizeof(err)), err, "exactly one");
    p.load_rps = 0.0;
    p.utilization = -0.5;
    expect_invalid(sl_queue_solve(&p, &r, err, sizeof(err)), err, "'-0.5'");
    p.utilization = 0.5;
    p.users = 10;
    expect_invalid(sl_queue_solve(&p, &r, err, sizeof(err)), err, "closed");
    p.users = 0;
    p.queue_capacity = -1;
    expect_invalid(sl_queue_solve(&p, &r, err, sizeof(err)), err, "'-1'");
}

/* Parses a document from sl_queue_json; fails the test if it is not an object. */
static json_t *encode_and_parse(const struct sl_queue_result *r)
{
    char err[SL_ERR_LEN] = "";
    char *text = sl_queue_json(r, err, sizeof(err));
    json_error_t jerr;
    json_t *doc;

    if (!text)
        fail_msg("encoder failed: %s", err);
    doc = json_loads(text, 0, &jerr);
    if (!json_is_object(doc))
        fail_msg("not a JSON object: %s", jerr.text);
    assert_non_null(strstr(text, "\n  \"model\": "));   /* two-space indent, model first */
    sl_free(text);
    return doc;
}

static double real_of(const json_t *doc, const char *key)
{
    const json_t *v = json_object_get(doc, key);

    if (!json_is_number(v))
        fail_msg("'%s' is not a number", key);
    return json_number_value(v);
}

static void assert_json_null(const json_t *doc, const char *key)
{
    const json_t *v = json_object_get(doc, key);

    if (!json_is_null(v))
        fail_msg("'%s' is %s, expected null", key, v ? "not null" : "missing");
}

static void queueing_json_open(void **state)
{
    static const char *const keys[] = {
        "model", "servers", "utilization", "stable", "p_wait", "mean_wait_s", "mean_response_s",
        "p99_wait_s", "p99_response_s", "drop_probability", "throughput_rps", "table",
    };
    struct sl_queue_result r;
    json_t *doc, *table, *row;
    size_t i;

    (void)state;
    solve_mmc(4, 1.0, 3.6, &r);
    doc = encode_and_parse(&r);
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (!json_object_get(doc, keys[i]))
            fail_msg("key '%s' missing", keys[i]);
    assert_string_equal(json_string_value(json_object_get(doc, "model")), "M/M/c");
    assert_int_equal(json_integer_value(json_object_get(doc, "servers")), 4);
    assert_true(json_is_true(json_object_get(doc, "stable")));
    assert_ref(real_of(doc, "p_wait"), 0.787753, 1e-6);
    assert_ref(real_of(doc, "mean_wait_s"), 1.969383, 1e-6);
    assert_close(real_of(doc, "drop_probability"), 0.0, 0);
    assert_json_null(doc, "queue_capacity");
    assert_json_null(doc, "users");
    assert_json_null(doc, "think_s");
    table = json_object_get(doc, "table");
    assert_int_equal(json_array_size(table), SL_QUEUE_TABLE_ROWS);
    row = json_array_get(table, 3);
    assert_close(real_of(row, "utilization"), 0.9, 1e-12);
    assert_close(real_of(row, "response_multiple"), r.table[3].response_multiple, 1e-9);
    assert_json_null(json_array_get(table, 7), "response_multiple");   /* rho = 1: infinite */
    assert_close(real_of(json_array_get(table, 7), "drop_probability"), 0.0, 0);
    json_decref(doc);

    /* unstable: infinities become null, stable is false */
    solve_mmc(4, 1.0, 4.4, &r);
    doc = encode_and_parse(&r);
    assert_true(json_is_false(json_object_get(doc, "stable")));
    assert_json_null(doc, "mean_wait_s");
    assert_json_null(doc, "mean_response_s");
    assert_json_null(doc, "p99_wait_s");
    assert_json_null(doc, "p99_response_s");
    assert_close(real_of(doc, "utilization"), 1.1, 1e-9);
    json_decref(doc);
}

static void queueing_json_bounded_and_closed(void **state)
{
    struct sl_queue_result r;
    json_t *doc;

    (void)state;
    solve_mmck(4, 8, 1.0, 5.0, &r);
    doc = encode_and_parse(&r);
    assert_string_equal(json_string_value(json_object_get(doc, "model")), "M/M/c/K");
    assert_int_equal(json_integer_value(json_object_get(doc, "queue_capacity")), 8);
    assert_ref(real_of(doc, "drop_probability"), 0.251240, 1e-6);
    assert_ref(real_of(doc, "throughput_rps"), 3.743801, 1e-6);
    assert_true(json_is_number(json_object_get(doc, "p99_response_s")));
    json_decref(doc);

    solve_closed(8, 50, 0.05, 0.5, &r);
    doc = encode_and_parse(&r);
    assert_string_equal(json_string_value(json_object_get(doc, "model")), "closed");
    assert_int_equal(json_integer_value(json_object_get(doc, "users")), 50);
    assert_close(real_of(doc, "think_s"), 0.5, 1e-12);
    assert_ref(real_of(doc, "throughput_rps"), 90.740144, 1e-6);
    assert_json_null(doc, "load_rps");
    assert_json_null(doc, "table");
    json_decref(doc);
}

static void queueing_out_of_memory(void **state)
{
    struct sl_queue_result r;
    char err[SL_ERR_LEN];
    long nth;
    int failed = 0;

    (void)state;
    /* every allocation of the solvers and of the encoder may fail; each failure is reported */
    for (nth = 1; nth < 1000; nth++) {
        enum sl_status st;

        sl_alloc_fail_at(nth);
        st = sl_queue_mmck(4, 10, 1.0, 3.6, &r, err, sizeof(err));
        sl_alloc_fail_at(0);
        if (st == SL_OK)
            break;
        assert_int_equal(st, SL_E_NOMEM);
        failed++;
    }
    assert_int_equal(failed, 2);
    sl_alloc_fail_at(1);
    assert_int_equal(sl_queue_closed(4, 10, 1.0, 1.0, &r, err, sizeof(err)), SL_E_NOMEM);
    sl_alloc_fail_at(2);
    assert_int_equal(sl_queue_closed(4, 10, 1.0, 1.0, &r, err, sizeof(err)), SL_E_NOMEM);
    sl_alloc_fail_at(0);

    solve_mmc(2, 1.0, 1.0, &r);
    failed = 0;
    for (nth = 1; nth < 10000; nth++) {
        char *text;

        err[0] = '\0';
        sl_alloc_fail_at(nth);
        text = sl_queue_json(&r, err, sizeof(err));
        sl_alloc_fail_at(0);
        if (text) {
            sl_free(text);
            break;
        }
        assert_non_null(strstr(err, "out of memory"));
        failed++;
    }
    assert_true(failed > 10);
}

/*
 * The general-service queue on the command line's path: M/D/1, M/E4/1 and M/H2/1 at rho 0.9
 * (Pollaczek-Khinchine, reference section 3: Wq = 4.5 / 5.625 / 22.5), M/D/4 by Allen-Cunneen
 * (Wq ~ 0.984692), and cv = 1 giving back M/M/c with its exact percentiles.
 */
static void queueing_general_service(void **state)
{
    static const struct { double cv, wq; } mg1[] = { { 0, 4.5 }, { 0.5, 5.625 }, { 2, 22.5 } };
    struct sl_queue_params p;
    struct sl_queue_result r, mm;
    char err[SL_ERR_LEN];
    size_t i;

    (void)state;
    for (i = 0; i < 3; i++) {
        memset(&p, 0, sizeof(p));
        p.servers = 1;
        p.service_s = 1;
        p.load_rps = 0.9;
        p.general = 1;
        p.service_cv = mg1[i].cv;
        assert_int_equal(sl_queue_solve(&p, &r, err, sizeof(err)), SL_OK);
        assert_int_equal(r.model, SL_QUEUE_MG1);
        assert_close(r.mean_wait_s, mg1[i].wq, 1e-12);
        assert_close(r.mean_response_s, mg1[i].wq + 1, 1e-12);
        assert_close(r.mean_in_queue, 0.9 * mg1[i].wq, 1e-12);
        assert_close(r.p_wait, 0.9, 1e-12);
        assert_null(r.approximation);
        assert_true(isnan(r.wait_q[2]) && isnan(r.p99_response_s));
        /* the table at rho 0.9 holds the same multiple */
        assert_close(r.table[3].response_multiple, mg1[i].wq + 1, 1e-12);
    }
    p.servers = 4;
    p.load_rps = 3.6;
    p.service_cv = 0;
    assert_int_equal(sl_queue_solve(&p, &r, err, sizeof(err)), SL_OK);
    assert_int_equal(r.model, SL_QUEUE_MGC);
    assert_close(r.mean_wait_s, 0.984692, 1e-6);
    assert_string_equal(r.approximation, "Allen-Cunneen");
    p.service_cv = 1;
    assert_int_equal(sl_queue_solve(&p, &r, err, sizeof(err)), SL_OK);
    assert_null(r.approximation);
    assert_int_equal(sl_queue_mmc(4, 1, 3.6, &mm, err, sizeof(err)), SL_OK);
    assert_close(r.mean_wait_s, mm.mean_wait_s, 1e-12);
    assert_close(r.response_q[2], mm.response_q[2], 1e-12);
    p.queue_capacity = 8;
    assert_int_equal(sl_queue_solve(&p, &r, err, sizeof(err)), SL_E_INVALID);
}

/* Erlang C by its defining sum, in long double and log space: independent of the recursion. */
static double erlang_c_ref(long c, double a)
{
    long double sum = 0, last, lc = c;
    long k;

    for (k = 0; k < c; k++)
        sum += expl(k * logl(a) - lgammal(k + 1.0L) - a);
    last = expl(lc * logl(a) - lgammal(lc + 1.0L) - a) * lc / (lc - a);
    return (double)(last / (sum + last));
}

/* Survival of the M/M/c response (reference, "Response-time quantiles"), evaluated directly. */
static double mmc_response_tail(long c, double lambda, double mu, double t)
{
    double pw = erlang_c_ref(c, lambda / mu), a = (double)c * mu - lambda;

    if (fabs(a - mu) < 1e-12 * mu)
        return (1 - pw) * exp(-mu * t) + pw * (1 + mu * t) * exp(-mu * t);
    return (1 - pw) * exp(-mu * t) + pw * (a * exp(-mu * t) - mu * exp(-a * t)) / (a - mu);
}

/*
 * Every reported percentile of M/M/c: the wait's is max(0, ln(C / (1 - p)) / (c mu - lambda)),
 * and the response's puts exactly 1 - p of the mass beyond it.
 */
static void queueing_all_percentiles(void **state)
{
    static const struct { long c; double mu, lambda; } cases[] = {
        { 4, 10, 36 }, { 7, 5, 33.25 }, { 1, 1300, 600 }, { 64, 1, 50 }, { 2, 1, 1.9 } };
    size_t i, k;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sl_queue_result r;
        char err[SL_ERR_LEN];
        double cw = erlang_c_ref(cases[i].c, cases[i].lambda / cases[i].mu);
        double rate = (double)cases[i].c * cases[i].mu - cases[i].lambda;

        assert_int_equal(sl_queue_mmc(cases[i].c, 1 / cases[i].mu, cases[i].lambda, &r, err,
                                      sizeof(err)), SL_OK);
        for (k = 0; k < SL_QUEUE_QUANTILES; k++) {
            double p = sl_queue_quantile_levels[k];
            double want = fmax(0, log(cw / (1 - p)) / rate);

            if (want == 0)
                assert_true(r.wait_q[k] == 0);
            else
                assert_close(r.wait_q[k], want, 1e-9);
            assert_close(mmc_response_tail(cases[i].c, cases[i].lambda, cases[i].mu,
                                           r.response_q[k]), 1 - p, 1e-7);
        }
        assert_close(r.p99_response_s, r.response_q[2], 0);
    }
}

static void *test_alloc(size_t n)
{
    return sl_malloc(n);
}

/*
 * The capacity at a latency goal against closed forms: M/M/1's response is Exp(mu - lambda), so
 * its p-quantile is -ln(1 - p) / (mu - lambda) and its mean 1 / (mu - lambda); M/M/2's mean
 * response is 1 / (mu (1 - rho^2)) with rho = lambda / (2 mu).
 */
static void queueing_max_rate_at_goal(void **state)
{
    (void)state;
    assert_close(sl_mmc_max_rate(1, 100.0, 0.99, 0.1), 100.0 + log(0.01) / 0.1, 1e-9);
    assert_close(sl_mmc_max_rate(1, 100.0, 0.5, 0.02), 100.0 - log(2.0) / 0.02, 1e-9);
    assert_close(sl_mmc_max_rate(1, 100.0, 0.0, 0.05), 80.0, 1e-9);
    assert_close(sl_mmc_max_rate(2, 100.0, 0.0, 0.02), 200.0 * sqrt(0.5), 1e-9);
    /* more servers of the same rate serve more at the same goal, below c mu */
    assert_true(sl_mmc_max_rate(4, 100.0, 0.99, 0.1) > 2 * sl_mmc_max_rate(2, 100.0, 0.99, 0.1));
    assert_true(sl_mmc_max_rate(4, 100.0, 0.99, 0.1) < 400.0);
    /* the service alone misses the goal: p99 of Exp(100) is 46 ms */
    assert_true(sl_mmc_max_rate(8, 100.0, 0.99, 0.01) == 0.0);
    assert_true(isnan(sl_mmc_max_rate(0, 100.0, 0.99, 0.1)));
    assert_true(isnan(sl_mmc_max_rate(1, 0.0, 0.99, 0.1)));
    assert_true(isnan(sl_mmc_max_rate(1, 100.0, 1.0, 0.1)));
    assert_true(isnan(sl_mmc_max_rate(1, 100.0, 0.99, -1.0)));
    assert_true(isnan(sl_mmc_max_rate(1, 100.0, 0.99, INFINITY)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(queueing_erlang_b),
        cmocka_unit_test(queueing_erlang_c),
        cmocka_unit_test(queueing_mm1),
        cmocka_unit_test(queueing_mm4),
        cmocka_unit_test(queueing_mm8),
        cmocka_unit_test(queueing_mm100),
        cmocka_unit_test(queueing_mm3_ciw),
        cmocka_unit_test(queueing_mm1_percentiles),
        cmocka_unit_test(queueing_mmc_response_percentile),
        cmocka_unit_test(queueing_mm1k5),
        cmocka_unit_test(queueing_mm4k10),
        cmocka_unit_test(queueing_mm4k8_overloaded),
        cmocka_unit_test(queueing_mm8k16),
        cmocka_unit_test(queueing_mmck_large_k),
        cmocka_unit_test(queueing_mmck_percentiles),
        cmocka_unit_test(queueing_mg1_pollaczek_khinchine),
        cmocka_unit_test(queueing_kingman_daley),
        cmocka_unit_test(queueing_allen_cunneen),
        cmocka_unit_test(queueing_closed_reference),
        cmocka_unit_test(queueing_closed_batch),
        cmocka_unit_test(queueing_closed_pdq_failures),
        cmocka_unit_test(queueing_closed_100k_users),
        cmocka_unit_test(queueing_table_mm1),
        cmocka_unit_test(queueing_unstable_open),
        cmocka_unit_test(queueing_solve_dispatch),
        cmocka_unit_test(queueing_bad_input),
        cmocka_unit_test(queueing_json_open),
        cmocka_unit_test(queueing_json_bounded_and_closed),
        cmocka_unit_test(queueing_out_of_memory),
        cmocka_unit_test(queueing_general_service),
        cmocka_unit_test(queueing_all_percentiles),
        cmocka_unit_test(queueing_max_rate_at_goal),
    };

    /* route jansson through the failure-injection hook, as the CLI does */
    json_set_alloc_funcs(test_alloc, sl_free);
    return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
