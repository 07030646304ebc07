/* Fitting the Universal Scalability Law to measurements: sigma, kappa, lambda and what follows. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_USL_H
#define SL_USL_H

#include <stddef.h>
#include "scalelab/status.h"

/* Most measurements one fit takes. */
#define SL_USL_MAX_POINTS 100000
/* Most iterations of the fitter before it reports that it did not converge. */
#define SL_USL_MAX_ITERATIONS 500
/* Longest line and largest text accepted from a measurements file, bytes. */
#define SL_USL_LINE_MAX (64 * 1024)
#define SL_USL_TEXT_MAX (8 * 1024 * 1024)

/* One measurement: concurrency (cores, threads, nodes) and throughput. */
struct sl_usl_point {
    double n;          /* concurrency, > 0 */
    double throughput; /* requests/s, > 0 */
    double latency;    /* seconds as measured, or NaN when the file has none */
    long line;         /* line of the file it came from (0 when not from a file) */
};

/* Things the data could not fully support; the fit is still reported. */
enum sl_usl_warning {
    SL_USL_WARN_FEW_POINTS = 1 << 0,    /* fewer than 6 distinct n: coefficients are loose */
    SL_USL_WARN_DUPLICATES = 1 << 1,    /* several throughputs at one n: their mean was fitted */
    SL_USL_WARN_NOT_CONVERGED = 1 << 2, /* the iteration cap was reached */
    SL_USL_WARN_AT_BOUND = 1 << 3       /* sigma or kappa sits at 0: its standard error is moot */
};

struct sl_usl_fit {
    double sigma, kappa, lambda;          /* contention, coherency, throughput of one unit */
    double sigma_se, kappa_se, lambda_se; /* standard errors (NaN with 3 points) */
    double r2;                            /* coefficient of determination (1 or 0 when every
                                             throughput is the same: exact fit or not) */
    double sse;                           /* sum of squared residuals */
    double n_star;                        /* peak concurrency sqrt((1-sigma)/kappa); INF: kappa 0 */
    double x_max;                         /* throughput at n_star (lambda/sigma limit if kappa 0) */
    double x_roof;                        /* Amdahl ceiling lambda/sigma; INF if sigma 0 */
    double n_opt;                         /* point of diminishing returns 1/sigma; INF if 0 */
    int iterations;                       /* fitter iterations used */
    unsigned warnings;                    /* enum sl_usl_warning bits */
    size_t n_points;                      /* distinct n fitted (after averaging duplicates) */
    double unit_cores;                    /* cores of one unit when the measurements say
                                             (a cores_per_unit column); 0 when they do not */
    struct sl_usl_point *points;          /* the fitted points, sorted by n; owned */
};

/*
 * Parses measurements CSV of len bytes: a header naming a concurrency column (n, concurrency,
 * cores, threads, nodes, backends or units; or the one named by n_column when not NULL), a
 * throughput column (throughput or throughput_rps) and optionally latency; other columns are
 * ignored; '#' lines are comments. where, when not NULL, is COLUMN=VALUE: only rows whose
 * COLUMN holds exactly VALUE are read (a sweep file holds several experiments). A
 * cores_per_unit column (what `lab --sweep` writes: the CPU budget of one unit) must hold one
 * positive value over the rows read; it goes to *unit_cores (0 without the column; unit_cores
 * may be NULL). Every cell is checked: SL_E_INVALID / SL_E_TOO_LARGE with the line and column
 * in err. On success *out (sl_free) holds *count points in file order.
 */
SL_API enum sl_status sl_usl_parse(const char *text, size_t len, const char *label,
                                   const char *n_column, const char *where,
                                   struct sl_usl_point **out, size_t *count,
                                   double *unit_cores, char *err, size_t errlen);

/*
 * Fits X(n) = lambda n / (1 + sigma (n-1) + kappa n (n-1)) by bounded nonlinear least squares
 * (Levenberg-Marquardt, sigma and kappa in [0, 1], lambda > 0). Duplicate n are averaged.
 * Errors (SL_E_INVALID with a message): fewer than 3 distinct n, a non-positive n or throughput.
 * On success out owns its points: release with sl_usl_fit_release.
 */
SL_API enum sl_status sl_usl_fit(const struct sl_usl_point *pts, size_t count,
                                 struct sl_usl_fit *out, char *err, size_t errlen);

SL_API void sl_usl_fit_release(struct sl_usl_fit *f);

/*
 * Reads the coefficients back from a `fit --json` document of len bytes: sigma and kappa (each
 * in [0, 1)), lambda (> 0) and unit_cores (> 0, the cores of the unit lambda is the throughput
 * of; 1, one vCPU, when the document has none or null). SL_E_INVALID with a message naming
 * label and the field otherwise.
 */
SL_API enum sl_status sl_usl_calibration_parse(const char *text, size_t len, const char *label,
                                               double *sigma, double *kappa, double *lambda,
                                               double *unit_cores, char *err, size_t errlen);

/* The cores of one unit a fit or a calibration takes (cores_per_unit, unit_cores). */
#define SL_USL_UNIT_CORES_MIN 1e-3
#define SL_USL_UNIT_CORES_MAX 1e6

/*
 * The CPU milliseconds of one request that a unit of unit_cores cores serving lambda requests
 * per second implies: 1000 unit_cores / lambda (what a calibration plans with).
 */
SL_API double sl_usl_cpu_ms(double lambda, double unit_cores);

/* The fitted throughput at concurrency n. */
SL_API double sl_usl_predict(const struct sl_usl_fit *f, double n);

/* A one-line description of each warning bit set, for reports; borrowed forever. */
SL_API const char *sl_usl_warning_text(enum sl_usl_warning w);

/*
 * The `fit --json` document: {"sigma", "kappa", "lambda", "sigma_se", "kappa_se", "lambda_se",
 * "r2", "n_star", "x_max", "x_roof", "n_opt", "points": [...], "predictions": [...], ...}.
 * predict[0..npredict) are the concurrencies to predict at. Caller frees with sl_free.
 */
SL_API char *sl_usl_json(const struct sl_usl_fit *f, const double *predict, size_t npredict,
                         char *err, size_t errlen);

#endif
