/* USL fit: bounded least squares on (lambda, sigma, kappa), face by face, optimal at the bounds. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "scalelab/capacity.h"
#include "scalelab/usl.h"
#include "banned.h"

enum { P_LAMBDA, P_SIGMA, P_KAPPA, NPARAM };

/* One measurement as the fit uses it: n, the terms n - 1 and n (n - 1) of the USL's
 * denominator computed once, and the throughput divided by the largest. */
struct fit_point {
    double n, u, v, x;
};

/* The denominator 1 + sigma (n - 1) + kappa n (n - 1) at one point. */
static inline double denominator(const double *p, const struct fit_point *q)
{
    return 1.0 + p[P_SIGMA] * q->u + p[P_KAPPA] * q->v;
}

static double sum_sq(const double *p, const struct fit_point *pts, size_t m)
{
    double s = 0.0;
    size_t i;

    for (i = 0; i < m; i++) {
        double r = p[P_LAMBDA] * pts[i].n / denominator(p, &pts[i]) - pts[i].x;

        s += r * r;
    }
    return s;
}

/*
 * J'J and J'r at p. With d the denominator and X = lambda n / d the model, the partial
 * derivatives are dX/dlambda = n / d, dX/dsigma = -X (n - 1) / d, dX/dkappa = -X n (n - 1) / d.
 */
static void normal_equations(const double *p, const struct fit_point *pts, size_t m,
                             double a[NPARAM][NPARAM], double *b)
{
    double a00 = 0, a01 = 0, a02 = 0, a11 = 0, a12 = 0, a22 = 0, b0 = 0, b1 = 0, b2 = 0;
    size_t i;

    for (i = 0; i < m; i++) {
        double inv = 1.0 / denominator(p, &pts[i]);
        double g0 = pts[i].n * inv, x = p[P_LAMBDA] * g0, r = x - pts[i].x;
        double g1 = -x * pts[i].u * inv, g2 = -x * pts[i].v * inv;

        b0 += g0 * r;
        b1 += g1 * r;
        b2 += g2 * r;
        a00 += g0 * g0;
        a01 += g0 * g1;
        a02 += g0 * g2;
        a11 += g1 * g1;
        a12 += g1 * g2;
        a22 += g2 * g2;
    }
    a[0][0] = a00;
    a[0][1] = a[1][0] = a01;
    a[0][2] = a[2][0] = a02;
    a[1][1] = a11;
    a[1][2] = a[2][1] = a12;
    a[2][2] = a22;
    b[0] = b0;
    b[1] = b1;
    b[2] = b2;
}

/*
 * Solves a x = b for the parameters marked in `free_mask` (the others' x is 0) by Gaussian
 * elimination with partial pivoting; nonzero when singular.
 */
static int solve_free(double a[NPARAM][NPARAM], const double *b, const int *free_mask,
                      double *x)
{
    double m[NPARAM][NPARAM + 1];
    int idx[NPARAM], n = 0, i, j, k;

    for (i = 0; i < NPARAM; i++) {
        x[i] = 0.0;
        if (free_mask[i])
            idx[n++] = i;
    }
    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++)
            m[i][j] = a[idx[i]][idx[j]];
        m[i][n] = b[idx[i]];
    }
    for (i = 0; i < n; i++) {
        int piv = i;

        for (k = i + 1; k < n; k++)
            if (fabs(m[k][i]) > fabs(m[piv][i]))
                piv = k;
        if (!(fabs(m[piv][i]) > 0.0))
            return -1;
        if (piv != i)
            for (j = 0; j <= n; j++) {
                double t = m[i][j];

                m[i][j] = m[piv][j];
                m[piv][j] = t;
            }
        for (k = i + 1; k < n; k++) {
            double f = m[k][i] / m[i][i];

            for (j = i; j <= n; j++)
                m[k][j] -= f * m[i][j];
        }
    }
    for (i = n - 1; i >= 0; i--) {
        double t = m[i][n];

        for (j = i + 1; j < n; j++)
            t -= m[i][j] * x[idx[j]];
        x[idx[i]] = t / m[i][i];
    }
    return 0;
}

/* The sum of squares, or +inf where the model leaves its domain (a denominator <= 0). */
static double sse_at(const double *p, const struct fit_point *pts, size_t m)
{
    double s = 0.0;
    size_t i;

    if (!(p[P_LAMBDA] > 0.0))
        return INFINITY;
    for (i = 0; i < m; i++) {
        double d = denominator(p, &pts[i]), r;

        if (!(d > 0.0))
            return INFINITY;
        r = p[P_LAMBDA] * pts[i].n / d - pts[i].x;
        s += r * r;
    }
    return s;
}

/* The decrease of the sum of squares that the linearised model promises for step h:
 * |r|^2 - |r + J h|^2 = -2 b'h - h'A h, with A = J'J and b = J'r. */
static double predicted_gain(double a[NPARAM][NPARAM], const double *b, const double *h)
{
    double gain = 0.0;
    int j, k;

    for (j = 0; j < NPARAM; j++) {
        gain -= 2.0 * b[j] * h[j];
        for (k = 0; k < NPARAM; k++)
            gain -= h[j] * a[j][k] * h[k];
    }
    return gain;
}

/*
 * Levenberg-Marquardt with Marquardt's diagonal scaling (the three parameters differ by six
 * orders of magnitude) over the parameters in free_mask, the others held where they are; no
 * bounds (the caller keeps a solution only if it lies within them). Returns the final sum of
 * squares; sets *converged when a step no longer changes the sum or the parameters (relative
 * 1e-15 and 1e-12), when a refused step is below 1e-12 relative or promises a gain under 1e-14
 * of the sum (rounding, not a slope, made it worse), or when no step can improve it.
 */
static double levenberg_marquardt(const struct fit_point *pts, size_t m, double *p,
                                  const int *free_mask, int *iterations, int *converged)
{
    double mu = 1e-3, cur = sse_at(p, pts, m);
    int it;

    *converged = 0;
    for (it = 1; it <= SL_USL_MAX_ITERATIONS; it++) {
        double a[NPARAM][NPARAM], b[NPARAM];
        int accepted = 0;

        *iterations = it;
        normal_equations(p, pts, m, a, b);
        while (!accepted) {
            double aa[NPARAM][NPARAM], step[NPARAM], trial[NPARAM], rhs[NPARAM], next;
            double change = 0.0;
            int j, k;

            for (j = 0; j < NPARAM; j++) {
                for (k = 0; k < NPARAM; k++)
                    aa[j][k] = a[j][k];
                aa[j][j] += mu * fmax(a[j][j], 1e-300);
                rhs[j] = -b[j];
            }
            if (solve_free(aa, rhs, free_mask, step) == 0) {
                for (j = 0; j < NPARAM; j++) {
                    trial[j] = p[j] + step[j];
                    change = fmax(change, fabs(step[j]) / fmax(fabs(p[j]), 1e-9));
                }
                next = sse_at(trial, pts, m);
                if (next <= cur) {
                    double gain = (cur - next) / fmax(cur, 1e-300);

                    memcpy(p, trial, sizeof(trial));
                    cur = next;
                    mu = fmax(mu / 10.0, 1e-15);
                    accepted = 1;
                    if (gain < 1e-15 && change < 1e-12) {
                        *converged = 1;
                        return cur;
                    }
                    continue;
                }
                if (change < 1e-12 || predicted_gain(a, b, step) <= 1e-14 * cur) {
                    /* refused by rounding, not by the slope: the step is below the
                     * parameters' resolution, or the local model promises nothing */
                    *converged = 1;
                    return cur;
                }
            }
            mu *= 10.0;
            if (mu > 1e20) {
                *converged = 1; /* no step improves: a (local) minimum */
                return cur;
            }
        }
    }
    return cur;
}

/* lambda that minimises the sum of squares for given sigma and kappa: linear least squares. */
static double best_lambda(const struct fit_point *pts, size_t m, double sigma, double kappa)
{
    double xg = 0.0, gg = 0.0;
    size_t i;

    for (i = 0; i < m; i++) {
        double g = pts[i].n / (1.0 + sigma * pts[i].u + kappa * pts[i].v);

        xg += pts[i].x * g;
        gg += g * g;
    }
    return gg > 0.0 ? xg / gg : 0.0;
}

/* Whether sigma and kappa lie within their bounds [0, 1]. */
static int within_bounds(const double *p)
{
    return p[P_SIGMA] >= 0.0 && p[P_SIGMA] <= 1.0 && p[P_KAPPA] >= 0.0 && p[P_KAPPA] <= 1.0;
}

/*
 * Starting values from the linearised law: with lambda0 the throughput of one unit, the
 * deviation from linear scaling y = lambda0 n / X(n) - 1 equals sigma (n - 1) + kappa n (n - 1)
 * exactly, so least squares through the origin in y gives sigma and kappa (Gunther, Guerrilla
 * Capacity Planning, 2007, ch. 5). On a face the other coefficient is held at 0. Values at or
 * below 0 are moved just inside the face, where the solve starts.
 */
static void linear_start(const struct fit_point *pts, size_t m, const int *face, double *p)
{
    double lambda0 = 0.0, s11 = 0.0, s12 = 0.0, s22 = 0.0, r1 = 0.0, r2 = 0.0, det;
    size_t i;

    for (i = 0; i < m; i++)
        lambda0 = fmax(lambda0, pts[i].x / pts[i].n);
    for (i = 0; i < m; i++) {
        double n = pts[i].n, u = pts[i].u, v = pts[i].v;
        double y = pts[i].x > 0.0 ? lambda0 * n / pts[i].x - 1.0 : 0.0;

        s11 += u * u;
        s12 += u * v;
        s22 += v * v;
        r1 += u * y;
        r2 += v * y;
    }
    p[P_SIGMA] = p[P_KAPPA] = 0.0;
    det = s11 * s22 - s12 * s12;
    if (face[P_SIGMA] && face[P_KAPPA] && det > 1e-12 * s11 * s22) {
        p[P_SIGMA] = (r1 * s22 - r2 * s12) / det;
        p[P_KAPPA] = (r2 * s11 - r1 * s12) / det;
    } else if (face[P_SIGMA] && s11 > 0.0) {
        p[P_SIGMA] = r1 / s11;
    } else if (face[P_KAPPA] && s22 > 0.0) {
        p[P_KAPPA] = r2 / s22;
    }
    if (face[P_SIGMA])
        p[P_SIGMA] = fmin(fmax(p[P_SIGMA], 1e-4), 0.5);
    if (face[P_KAPPA])
        p[P_KAPPA] = fmin(fmax(p[P_KAPPA], 1e-8), 0.5);
    p[P_LAMBDA] = best_lambda(pts, m, p[P_SIGMA], p[P_KAPPA]);
}

/* One solve on a face from p; its sum of squares, or INFINITY when it ends outside the bounds. */
static double solve_face(const struct fit_point *pts, size_t m, const int *face, double *p,
                         int *iterations, int *converged)
{
    double sse = levenberg_marquardt(pts, m, p, face, iterations, converged);

    return within_bounds(p) && isfinite(sse) ? sse : INFINITY;
}

/*
 * The bounded least-squares problem (sigma, kappa in [0, 1], lambda > 0) solved face by face:
 * the interior (all three free), the faces kappa = 0 and sigma = 0 (two free), and the corner
 * sigma = kappa = 0 (lambda alone, in closed form); each solution kept only if it lies within
 * the bounds; the least sum of squares wins. A bounded optimum lies in the interior of one of
 * these faces, so this is exact where each face's own minimum is found. Each face starts from
 * the linearised law (linear_start), which lands next to its minimum; only when that solve
 * does not converge are several fixed starts tried. Returns the sum of squares and the winning
 * solve's iterations; *converged when every accepted solve converged (the caller then checks
 * the winner's optimality, kkt_holds).
 */
static double fit_faces(const struct fit_point *pts, size_t m, double *best, int *iterations,
                        int *converged)
{
    static const double starts[][2] = { { 0.01, 1e-4 }, { 0.1, 1e-6 }, { 1e-4, 1e-8 },
                                        { 0.3, 1e-3 }, { 0.03, 0.0 }, { 0.0, 1e-5 } };
    static const int faces[][NPARAM] = { { 1, 1, 1 }, { 1, 1, 0 }, { 1, 0, 1 } };
    double best_sse;
    size_t f, s;
    int all_converged = 1;

    *iterations = 0;
    /* the corner: sigma = kappa = 0, lambda = sum x n / sum n^2 */
    best[P_SIGMA] = best[P_KAPPA] = 0.0;
    best[P_LAMBDA] = best_lambda(pts, m, 0.0, 0.0);
    best_sse = sse_at(best, pts, m);
    for (f = 0; f < sizeof(faces) / sizeof(faces[0]); f++) {
        double p[NPARAM], sse;
        int it = 0, conv = 0;

        linear_start(pts, m, faces[f], p);
        sse = solve_face(pts, m, faces[f], p, &it, &conv);
        for (s = 0; !conv && s < sizeof(starts) / sizeof(starts[0]); s++) {
            double q[NPARAM] = { 0.0, faces[f][P_SIGMA] ? starts[s][0] : 0.0,
                                 faces[f][P_KAPPA] ? starts[s][1] : 0.0 };
            double e;
            int qit = 0, qconv = 0;

            if ((faces[f][P_SIGMA] && q[P_SIGMA] == 0.0) ||
                (faces[f][P_KAPPA] && q[P_KAPPA] == 0.0))
                continue; /* a start on a face belongs to that face's solve */
            q[P_LAMBDA] = best_lambda(pts, m, q[P_SIGMA], q[P_KAPPA]);
            e = solve_face(pts, m, faces[f], q, &qit, &qconv);
            if (qconv && e < INFINITY) { /* a start that converges replaces the first */
                memcpy(p, q, sizeof(q));
                sse = e;
                it = qit;
                conv = 1;
            }
        }
        if (sse == INFINITY)
            continue;
        if (!conv)
            all_converged = 0;
        if (sse < best_sse) {
            best_sse = sse;
            memcpy(best, p, sizeof(p));
            *iterations = it; /* the winning solve's */
        }
    }
    *converged = all_converged;
    return best_sse;
}

/*
 * First-order optimality (KKT) at p within the bounds: the gradient of the sum of squares is 0
 * in every free direction and points out of the box where a parameter sits on a bound, up to a
 * tolerance relative to the gradient's scale.
 */
static int kkt_holds(const double *p, const struct fit_point *pts, size_t m)
{
    double a[NPARAM][NPARAM], b[NPARAM], tol;
    int j;

    normal_equations(p, pts, m, a, b); /* b = J'r = half the gradient */
    for (j = 0; j < NPARAM; j++) {
        tol = 1e-6 * sqrt(a[j][j] * fmax(sum_sq(p, pts, m), 1e-300)) + 1e-300;
        if (j != P_LAMBDA && p[j] <= 0.0) {
            if (b[j] < -tol)
                return 0; /* lowering the sum by leaving the bound upward */
        } else if (j != P_LAMBDA && p[j] >= 1.0) {
            if (b[j] > tol)
                return 0;
        } else if (fabs(b[j]) > tol) {
            return 0;
        }
    }
    return 1;
}

static int by_n(const void *a, const void *b)
{
    const struct sl_usl_point *x = a, *y = b;

    return (x->n > y->n) - (x->n < y->n);
}

/* Sorts by n and averages duplicates in place; returns the number of distinct n. */
static size_t merge_duplicates(struct sl_usl_point *p, size_t m, int *merged)
{
    size_t i = 0, out = 0;

    for (i = 1; i < m && p[i - 1].n <= p[i].n; i++)
        ;
    if (i < m) /* measurements mostly come in order of n: sort only when they do not */
        qsort(p, m, sizeof(*p), by_n);
    i = 0;
    *merged = 0;
    while (i < m) {
        size_t j = i + 1;
        double sx = p[i].throughput, sl = p[i].latency;

        while (j < m && p[j].n == p[i].n) {
            sx += p[j].throughput;
            sl += p[j].latency;
            *merged = 1;
            j++;
        }
        p[out] = p[i];
        p[out].throughput = sx / (double)(j - i);
        p[out].latency = sl / (double)(j - i);
        out++;
        i = j;
    }
    return out;
}

/*
 * Standard errors from s^2 (J'J)^-1 at the solution, over the free parameters; one that sits on
 * a bound has none (NaN): the data do not determine it there.
 */
static void standard_errors(const double *p, const struct fit_point *pts, size_t m,
                            double sse, double *se)
{
    double a[NPARAM][NPARAM], b[NPARAM], col[NPARAM], unit[NPARAM];
    double s2 = m > NPARAM ? sse / (double)(m - NPARAM) : NAN;
    int free_mask[NPARAM], j;

    for (j = 0; j < NPARAM; j++)
        free_mask[j] = j == P_LAMBDA || (p[j] > 0.0 && p[j] < 1.0);
    normal_equations(p, pts, m, a, b);
    for (j = 0; j < NPARAM; j++) {
        memset(unit, 0, sizeof(unit));
        unit[j] = 1.0;
        se[j] = free_mask[j] && solve_free(a, unit, free_mask, col) == 0 ? sqrt(s2 * col[j])
                                                                          : NAN;
    }
}

enum sl_status sl_usl_fit(const struct sl_usl_point *pts, size_t count, struct sl_usl_fit *out,
                          char *err, size_t errlen)
{
    double best[NPARAM], best_sse = INFINITY, mean = 0.0, sst = 0.0, se[NPARAM];
    double scale = 0.0;
    struct fit_point *work = NULL; /* the points with throughputs divided by scale */
    size_t i, m;
    int merged, best_it = 0, best_conv = 0;

    memset(out, 0, sizeof(*out));
    if (count > SL_USL_MAX_POINTS) {
        snprintf(err, errlen, "too many measurements (%zu; at most %d)", count,
                 SL_USL_MAX_POINTS);
        return SL_E_INVALID;
    }
    for (i = 0; i < count; i++)
        if (!(pts[i].n > 0.0) || !isfinite(pts[i].n) || !(pts[i].throughput > 0.0) ||
            !isfinite(pts[i].throughput)) {
            snprintf(err, errlen, "invalid measurement n %g, throughput %g (expected both "
                     "positive and finite)", pts[i].n, pts[i].throughput);
            return SL_E_INVALID;
        }
    out->points = sl_malloc((count ? count : 1) * sizeof(*pts));
    if (!out->points) {
        snprintf(err, errlen, "out of memory");
        return SL_E_NOMEM;
    }
    memcpy(out->points, pts, count * sizeof(*pts));
    m = merge_duplicates(out->points, count, &merged);
    out->n_points = m;
    if (m < 3) {
        snprintf(err, errlen, "%s (a fit of three coefficients needs measurements at 3 or "
                 "more distinct n)", m == 1 && count > 1 ? "every measurement is at one n"
                                                         : "too few measurements");
        sl_usl_fit_release(out);
        return SL_E_INVALID;
    }
    if (merged)
        out->warnings |= SL_USL_WARN_DUPLICATES;
    if (m < 6)
        out->warnings |= SL_USL_WARN_FEW_POINTS;
    /*
     * The fit runs on throughputs divided by the largest: sigma and kappa do not change, lambda
     * and the sums of squares scale back, and data near 1e300 or 1e-300 neither overflow nor
     * underflow when squared.
     */
    work = sl_malloc(m * sizeof(*work));
    if (!work) {
        snprintf(err, errlen, "out of memory");
        sl_usl_fit_release(out);
        return SL_E_NOMEM;
    }
    for (i = 0; i < m; i++)
        scale = fmax(scale, out->points[i].throughput);
    for (i = 0; i < m; i++) {
        double n = out->points[i].n;

        work[i].n = n;
        work[i].u = n - 1.0;
        work[i].v = n * (n - 1.0);
        work[i].x = out->points[i].throughput / scale;
    }
    best_sse = fit_faces(work, m, best, &best_it, &best_conv);
    best_conv = best_conv && kkt_holds(best, work, m);
    out->lambda = best[P_LAMBDA] * scale;
    out->sigma = best[P_SIGMA];
    out->kappa = best[P_KAPPA];
    out->sse = best_sse * scale * scale;
    out->iterations = best_it;
    if (!best_conv)
        out->warnings |= SL_USL_WARN_NOT_CONVERGED;
    if (out->sigma == 0.0 || out->kappa == 0.0)
        out->warnings |= SL_USL_WARN_AT_BOUND;
    standard_errors(best, work, m, best_sse, se);
    out->lambda_se = se[P_LAMBDA] * scale;
    out->sigma_se = se[P_SIGMA];
    out->kappa_se = se[P_KAPPA];
    for (i = 0; i < m; i++)
        mean += work[i].x / (double)m;
    for (i = 0; i < m; i++)
        sst += (work[i].x - mean) * (work[i].x - mean);
    sl_free(work);
    /* constant measurements leave nothing to explain: R^2 is 1 if the fit is exact, else 0 */
    out->r2 = sst > 0.0 ? 1.0 - best_sse / sst : best_sse <= 0.0 ? 1.0 : 0.0;
    out->n_star = out->kappa > 0.0 ? sqrt((1.0 - out->sigma) / out->kappa) : INFINITY;
    out->x_roof = out->sigma > 0.0 ? out->lambda / out->sigma : INFINITY;
    out->x_max = isfinite(out->n_star) ? sl_usl_predict(out, out->n_star) : out->x_roof;
    out->n_opt = out->sigma > 0.0 ? 1.0 / out->sigma : INFINITY;
    return SL_OK;
}

void sl_usl_fit_release(struct sl_usl_fit *f)
{
    sl_free(f->points);
    f->points = NULL;
    f->n_points = 0;
}

double sl_usl_cpu_ms(double lambda, double unit_cores)
{
    return 1000.0 * unit_cores / lambda;
}

double sl_usl_predict(const struct sl_usl_fit *f, double n)
{
    return sl_usl_throughput(n, f->lambda, f->sigma, f->kappa);
}

const char *sl_usl_warning_text(enum sl_usl_warning w)
{
    switch (w) {
    case SL_USL_WARN_FEW_POINTS:
        return "fewer than 6 distinct concurrencies: the coefficients are loosely determined";
    case SL_USL_WARN_DUPLICATES:
        return "several throughputs at one concurrency: their mean was fitted";
    case SL_USL_WARN_NOT_CONVERGED:
        return "the fit did not converge within the iteration cap: treat it with care";
    case SL_USL_WARN_AT_BOUND:
        return "sigma or kappa sits at its bound 0: the data show no such effect";
    }
    return "";
}
