/* USL fit: bounded Levenberg-Marquardt on (lambda, sigma, kappa), measurements CSV, JSON. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "scalelab/capacity.h"
#include "scalelab/parse.h"
#include "scalelab/usl.h"
#include "csv_int.h"
#include "scalelab/json.h"
#include "banned.h"

enum { P_LAMBDA, P_SIGMA, P_KAPPA, NPARAM };

static double model(const double *p, double n)
{
    return sl_usl_throughput(n, p[P_LAMBDA], p[P_SIGMA], p[P_KAPPA]);
}

/* Partial derivatives of X(n) with respect to lambda, sigma and kappa. */
static void gradient(const double *p, double n, double *g)
{
    double d = 1.0 + p[P_SIGMA] * (n - 1.0) + p[P_KAPPA] * n * (n - 1.0);

    g[P_LAMBDA] = n / d;
    g[P_SIGMA] = -p[P_LAMBDA] * n * (n - 1.0) / (d * d);
    g[P_KAPPA] = -p[P_LAMBDA] * n * n * (n - 1.0) / (d * d);
}

static double sum_sq(const double *p, const struct sl_usl_point *pts, size_t m)
{
    double s = 0.0;
    size_t i;

    for (i = 0; i < m; i++) {
        double r = model(p, pts[i].n) - pts[i].throughput;

        s += r * r;
    }
    return s;
}

/* J'J and J'r at p. */
static void normal_equations(const double *p, const struct sl_usl_point *pts, size_t m,
                             double a[NPARAM][NPARAM], double *b)
{
    size_t i;
    int j, k;

    memset(a, 0, sizeof(double) * NPARAM * NPARAM);
    memset(b, 0, sizeof(double) * NPARAM);
    for (i = 0; i < m; i++) {
        double g[NPARAM], r = model(p, pts[i].n) - pts[i].throughput;

        gradient(p, pts[i].n, g);
        for (j = 0; j < NPARAM; j++) {
            b[j] += g[j] * r;
            for (k = 0; k < NPARAM; k++)
                a[j][k] += g[j] * g[k];
        }
    }
}

/* Solves a x = b by Gaussian elimination with partial pivoting; nonzero when singular. */
static int solve(double a[NPARAM][NPARAM], const double *b, double *x)
{
    double m[NPARAM][NPARAM + 1];
    int i, j, k;

    for (i = 0; i < NPARAM; i++) {
        for (j = 0; j < NPARAM; j++)
            m[i][j] = a[i][j];
        m[i][NPARAM] = b[i];
    }
    for (i = 0; i < NPARAM; i++) {
        int piv = i;

        for (k = i + 1; k < NPARAM; k++)
            if (fabs(m[k][i]) > fabs(m[piv][i]))
                piv = k;
        if (!(fabs(m[piv][i]) > 0.0))
            return -1;
        if (piv != i)
            for (j = 0; j <= NPARAM; j++) {
                double t = m[i][j];

                m[i][j] = m[piv][j];
                m[piv][j] = t;
            }
        for (k = i + 1; k < NPARAM; k++) {
            double f = m[k][i] / m[i][i];

            for (j = i; j <= NPARAM; j++)
                m[k][j] -= f * m[i][j];
        }
    }
    for (i = NPARAM - 1; i >= 0; i--) {
        double s = m[i][NPARAM];

        for (j = i + 1; j < NPARAM; j++)
            s -= m[i][j] * x[j];
        x[i] = s / m[i][i];
    }
    return 0;
}

/* Keeps sigma and kappa in [0, 1] and lambda positive (the bounds of R's usl). */
static void clamp(double *p)
{
    p[P_LAMBDA] = fmax(p[P_LAMBDA], 1e-300);
    p[P_SIGMA] = fmin(fmax(p[P_SIGMA], 0.0), 1.0);
    p[P_KAPPA] = fmin(fmax(p[P_KAPPA], 0.0), 1.0);
}

/*
 * Levenberg-Marquardt with Marquardt's diagonal scaling (the three parameters differ by six
 * orders of magnitude) and projection onto the bounds. Returns the final sum of squares; sets
 * *converged when the relative improvement fell below 1e-12 or no step could improve further.
 */
static double levenberg_marquardt(const struct sl_usl_point *pts, size_t m, double *p,
                                  int *iterations, int *converged)
{
    double mu = 1e-3, cur = sum_sq(p, pts, m);
    int it;

    *converged = 0;
    for (it = 1; it <= SL_USL_MAX_ITERATIONS; it++) {
        double a[NPARAM][NPARAM], b[NPARAM];
        int accepted = 0;

        *iterations = it;
        normal_equations(p, pts, m, a, b);
        while (!accepted) {
            double aa[NPARAM][NPARAM], step[NPARAM], trial[NPARAM], rhs[NPARAM], next;
            int j, k;

            for (j = 0; j < NPARAM; j++) {
                for (k = 0; k < NPARAM; k++)
                    aa[j][k] = a[j][k];
                aa[j][j] += mu * fmax(a[j][j], 1e-300);
                rhs[j] = -b[j];
            }
            if (solve(aa, rhs, step) == 0) {
                for (j = 0; j < NPARAM; j++)
                    trial[j] = p[j] + step[j];
                clamp(trial);
                next = sum_sq(trial, pts, m);
                if (next < cur) {
                    double gain = (cur - next) / fmax(cur, 1e-300);

                    memcpy(p, trial, sizeof(trial));
                    cur = next;
                    mu = fmax(mu / 10.0, 1e-15);
                    accepted = 1;
                    if (gain < 1e-12) {
                        *converged = 1;
                        return cur;
                    }
                    continue;
                }
            }
            mu *= 10.0;
            if (mu > 1e16) {
                *converged = 1; /* no step improves: a minimum within the bounds */
                return cur;
            }
        }
    }
    return cur;
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

    qsort(p, m, sizeof(*p), by_n);
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

/* Standard errors from s^2 (J'J)^-1 at the solution. */
static void standard_errors(const double *p, const struct sl_usl_point *pts, size_t m,
                            double sse, double *se)
{
    double a[NPARAM][NPARAM], b[NPARAM], col[NPARAM], unit[NPARAM];
    double s2 = m > NPARAM ? sse / (double)(m - NPARAM) : NAN;
    int j;

    normal_equations(p, pts, m, a, b);
    for (j = 0; j < NPARAM; j++) {
        memset(unit, 0, sizeof(unit));
        unit[j] = 1.0;
        se[j] = solve(a, unit, col) == 0 ? sqrt(s2 * col[j]) : NAN;
    }
}

enum sl_status sl_usl_fit(const struct sl_usl_point *pts, size_t count, struct sl_usl_fit *out,
                          char *err, size_t errlen)
{
    static const double starts[][2] = { { 0.01, 1e-4 }, { 0.1, 1e-6 }, { 0.0, 0.0 },
                                        { 0.3, 1e-3 } };
    double best[NPARAM], best_sse = INFINITY, lambda0 = 0.0, mean = 0.0, sst = 0.0, se[NPARAM];
    size_t i, m;
    int merged, s, best_it = 0, best_conv = 0;

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
    /* starts as R's usl does: lambda = max(X/n), small sigma and kappa; a few more for safety */
    for (i = 0; i < m; i++)
        lambda0 = fmax(lambda0, out->points[i].throughput / out->points[i].n);
    for (s = 0; s < (int)(sizeof(starts) / sizeof(starts[0])); s++) {
        double p[NPARAM] = { lambda0, starts[s][0], starts[s][1] };
        int it = 0, conv = 0;
        double sse = levenberg_marquardt(out->points, m, p, &it, &conv);

        if (sse < best_sse) {
            best_sse = sse;
            memcpy(best, p, sizeof(best));
            best_it = it;
            best_conv = conv;
        }
    }
    out->lambda = best[P_LAMBDA];
    out->sigma = best[P_SIGMA];
    out->kappa = best[P_KAPPA];
    out->sse = best_sse;
    out->iterations = best_it;
    if (!best_conv)
        out->warnings |= SL_USL_WARN_NOT_CONVERGED;
    if (out->sigma == 0.0 || out->kappa == 0.0)
        out->warnings |= SL_USL_WARN_AT_BOUND;
    standard_errors(best, out->points, m, best_sse, se);
    out->lambda_se = se[P_LAMBDA];
    out->sigma_se = se[P_SIGMA];
    out->kappa_se = se[P_KAPPA];
    for (i = 0; i < m; i++)
        mean += out->points[i].throughput / (double)m;
    for (i = 0; i < m; i++)
        sst += (out->points[i].throughput - mean) * (out->points[i].throughput - mean);
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

/* Which column holds what; -1 when absent. */
struct columns {
    int n, x, latency;
};

static enum sl_status read_header(struct sl_csv_reader *r, struct sl_csv_record *rec,
                                  const char *n_column, struct columns *c)
{
    static const char *const n_names[] = { "n", "concurrency", "cores", "threads", "nodes",
                                            "backends", NULL };
    int i, k;

    c->n = c->x = c->latency = -1;
    for (i = 0; i < rec->count; i++) {
        const char *h = sl_csv_strip(rec->fields[i]);
        int is_n = 0;

        if (n_column)
            is_n = !strcmp(h, n_column);
        else
            for (k = 0; n_names[k]; k++)
                is_n |= !strcmp(h, n_names[k]);
        if (is_n) {
            if (c->n >= 0)
                return sl_csv_fail(r, rec->line, rec->field_col[i], "two concurrency columns "
                                   "('%s' and '%s'; choose one with --n)",
                                   rec->fields[c->n], h);
            c->n = i;
        } else if (!strcmp(h, "throughput") || !strcmp(h, "throughput_rps")) {
            if (c->x >= 0)
                return sl_csv_fail(r, rec->line, rec->field_col[i], "duplicate column '%s'", h);
            c->x = i;
        } else if (!strcmp(h, "latency")) {
            c->latency = i;
        }
    }
    if (c->n < 0)
        return sl_csv_fail(r, rec->line, 0, "no concurrency column (expected a header with "
                           "%s and throughput)", n_column ? n_column : "n");
    if (c->x < 0)
        return sl_csv_fail(r, rec->line, 0, "no throughput column (expected a header with "
                           "n,throughput and optionally latency)");
    return SL_OK;
}

static enum sl_status read_value(struct sl_csv_reader *r, const struct sl_csv_record *rec,
                                 int i, const char *what, double *out)
{
    const char *s = rec->fields[i];

    if (sl_parse_number(s, out) != SL_OK)
        return sl_csv_fail(r, rec->line, rec->field_col[i], "%s '%.40s' is not a number "
                           "(expected a decimal such as 16 or 995.9)", what, s);
    if (!(*out > 0.0))
        return sl_csv_fail(r, rec->line, rec->field_col[i], "%s '%.40s' must be greater than "
                           "zero", what, s);
    return SL_OK;
}

enum sl_status sl_usl_parse(const char *text, size_t len, const char *label,
                            const char *n_column, const char *where, struct sl_usl_point **out,
                            size_t *count, char *err, size_t errlen)
{
    const char *eq = where ? strchr(where, '=') : NULL;
    char where_col[64] = "";
    int where_idx = -1;
    struct sl_csv_reader r;
    struct sl_csv_record rec = { 0 };
    struct sl_usl_point *pts = NULL;
    struct columns c;
    size_t n = 0, cap = 0;
    enum sl_status st;

    *out = NULL;
    *count = 0;
    if (where) {
        size_t n_len = eq ? (size_t)(eq - where) : 0;

        if (!eq || n_len == 0 || n_len >= sizeof(where_col)) {
            snprintf(err, errlen, "invalid filter '%s' (expected COLUMN=VALUE such as "
                     "threads=1)", where);
            return SL_E_INVALID;
        }
        memcpy(where_col, where, n_len);
        where_col[n_len] = '\0';
    }
    /* an over-long line is reported with its line number even in a file over the size cap */
    sl_csv_reader_init(&r, text, len, "measurements", label, SL_USL_LINE_MAX, err, errlen);
    st = sl_csv_check_text(&r);
    if (st)
        goto out;
    if (len > SL_USL_TEXT_MAX) {
        snprintf(err, errlen, "measurements '%s': larger than %d bytes", label, SL_USL_TEXT_MAX);
        return SL_E_TOO_LARGE;
    }
    st = sl_csv_skip_comments(&r, NULL, NULL);
    if (!st)
        st = sl_csv_read_record(&r, &rec);
    if (st)
        goto out;
    if (rec.count == 0) {
        st = sl_csv_fail(&r, r.line, 0, "empty (expected a header n,throughput and rows)");
        goto out;
    }
    st = read_header(&r, &rec, n_column, &c);
    if (st)
        goto out;
    if (where) {
        int i;

        for (i = 0; i < rec.count; i++)
            if (!strcmp(sl_csv_strip(rec.fields[i]), where_col))
                where_idx = i;
        if (where_idx < 0) {
            st = sl_csv_fail(&r, rec.line, 0, "no column '%s' to filter on", where_col);
            goto out;
        }
    }
    for (;;) {
        int ncols = rec.count;

        st = sl_csv_skip_comments(&r, NULL, NULL);
        if (!st)
            st = sl_csv_read_record(&r, &rec);
        if (st)
            goto out;
        if (rec.count == 0)
            break;
        if (sl_csv_record_blank(&rec))
            continue;
        if (rec.count <= c.n || rec.count <= c.x || rec.count <= c.latency ||
            rec.count <= where_idx) {
            st = sl_csv_fail(&r, rec.line, 0, "%d fields, too few for the header's columns",
                             rec.count);
            goto out;
        }
        (void)ncols;
        if (where_idx >= 0 && strcmp(sl_csv_strip(rec.fields[where_idx]), eq + 1))
            continue;
        if (n == SL_USL_MAX_POINTS) {
            st = sl_csv_fail(&r, rec.line, 0, "more than %d measurements", SL_USL_MAX_POINTS);
            goto out;
        }
        if (n == cap) {
            struct sl_usl_point *np;

            cap = cap ? cap * 2 : 64;
            np = sl_realloc(pts, cap * sizeof(*pts));
            if (!np) {
                st = SL_E_NOMEM;
                snprintf(err, errlen, "out of memory");
                goto out;
            }
            pts = np;
        }
        pts[n].line = rec.line;
        pts[n].latency = NAN;
        st = read_value(&r, &rec, c.n, "n", &pts[n].n);
        if (!st)
            st = read_value(&r, &rec, c.x, "throughput", &pts[n].throughput);
        if (!st && c.latency >= 0)
            st = read_value(&r, &rec, c.latency, "latency", &pts[n].latency);
        if (st)
            goto out;
        n++;
    }
    if (n == 0) {
        st = sl_csv_fail(&r, r.line, 0, "no measurements after the header");
        goto out;
    }
    *out = pts;
    *count = n;
    pts = NULL;
out:
    sl_free(rec.buf);
    sl_free(pts);
    return st;
}

static json_t *points_json(const struct sl_usl_fit *f)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; a && i < f->n_points; i++) {
        const struct sl_usl_point *p = &f->points[i];
        json_t *o = json_object();
        int bad = !o;

        bad |= sl_json_put(o, "n", sl_json_num(p->n));
        bad |= sl_json_put(o, "throughput", sl_json_num(p->throughput));
        bad |= sl_json_put(o, "fitted", sl_json_num(sl_usl_predict(f, p->n)));
        bad |= sl_json_put(o, "efficiency", sl_json_num(p->throughput / (p->n * f->lambda)));
        bad |= sl_json_put(o, "residual",
                           sl_json_num(p->throughput - sl_usl_predict(f, p->n)));
        bad |= sl_json_put(o, "latency", sl_json_num(p->latency));
        o = sl_json_done(o, bad);
        if (!o || json_array_append_new(a, o)) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

static json_t *predictions_json(const struct sl_usl_fit *f, const double *n, size_t count)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; a && i < count; i++) {
        json_t *o = json_object();
        int bad = !o;

        bad |= sl_json_put(o, "n", sl_json_num(n[i]));
        bad |= sl_json_put(o, "throughput", sl_json_num(sl_usl_predict(f, n[i])));
        bad |= sl_json_put(o, "efficiency", sl_json_num(sl_usl_predict(f, n[i]) /
                                                        (n[i] * f->lambda)));
        o = sl_json_done(o, bad);
        if (!o || json_array_append_new(a, o)) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

static json_t *warnings_json(unsigned w)
{
    json_t *a = json_array();
    unsigned bit;

    for (bit = 1; a && bit <= SL_USL_WARN_AT_BOUND; bit <<= 1)
        if ((w & bit) &&
            json_array_append_new(a, json_string(sl_usl_warning_text((enum sl_usl_warning)bit)))) {
            json_decref(a);
            a = NULL;
        }
    return a;
}

char *sl_usl_json(const struct sl_usl_fit *f, const double *predict, size_t npredict,
                  char *err, size_t errlen)
{
    json_t *o = json_object();
    int bad = !o;
    char *text;

    bad |= sl_json_put(o, "sigma", sl_json_num(f->sigma));
    bad |= sl_json_put(o, "kappa", sl_json_num(f->kappa));
    bad |= sl_json_put(o, "lambda", sl_json_num(f->lambda));
    bad |= sl_json_put(o, "sigma_se", sl_json_num(f->sigma_se));
    bad |= sl_json_put(o, "kappa_se", sl_json_num(f->kappa_se));
    bad |= sl_json_put(o, "lambda_se", sl_json_num(f->lambda_se));
    bad |= sl_json_put(o, "r2", sl_json_num(f->r2));
    bad |= sl_json_put(o, "n_star", sl_json_num(f->n_star));
    bad |= sl_json_put(o, "x_max", sl_json_num(f->x_max));
    bad |= sl_json_put(o, "x_roof", sl_json_num(f->x_roof));
    bad |= sl_json_put(o, "n_opt", sl_json_num(f->n_opt));
    bad |= sl_json_put(o, "points", points_json(f));
    bad |= sl_json_put(o, "predictions", predictions_json(f, predict, npredict));
    bad |= sl_json_put(o, "sse", sl_json_num(f->sse));
    bad |= sl_json_put(o, "iterations", json_integer(f->iterations));
    bad |= sl_json_put(o, "converged",
                       json_boolean(!(f->warnings & SL_USL_WARN_NOT_CONVERGED)));
    bad |= sl_json_put(o, "warnings", warnings_json(f->warnings));
    text = sl_json_dump(sl_json_done(o, bad));
    if (!text)
        snprintf(err, errlen, "out of memory");
    return text;
}

enum sl_status sl_usl_calibration_parse(const char *text, size_t len, const char *label,
                                        double *sigma, double *kappa, double *lambda,
                                        char *err, size_t errlen)
{
    static const char *const names[] = { "sigma", "kappa", "lambda" };
    double *dst[] = { sigma, kappa, lambda };
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    int i;

    if (!doc || !json_is_object(doc)) {
        snprintf(err, errlen, "calibration '%s' line %d column %d: %s (expected the JSON that "
                 "scalelab fit --json writes)", label, doc ? 1 : jerr.line,
                 doc ? 1 : jerr.column, doc ? "not an object" : jerr.text);
        json_decref(doc);
        return SL_E_INVALID;
    }
    for (i = 0; i < 3; i++) {
        json_t *v = json_object_get(doc, names[i]);
        double x = json_is_number(v) ? json_number_value(v) : NAN;
        int ok = i < 2 ? (x >= 0.0 && x < 1.0) : (x > 0.0 && isfinite(x));

        if (!ok) {
            snprintf(err, errlen, "calibration '%s': field '%s' %s (expected %s)", label,
                     names[i], v ? "is out of range" : "is missing",
                     i < 2 ? "a number from 0 to below 1" : "a positive number");
            json_decref(doc);
            return SL_E_INVALID;
        }
        *dst[i] = x;
    }
    json_decref(doc);
    return SL_OK;
}
