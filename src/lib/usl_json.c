/* A USL fit as JSON, and the calibration that reads it back. */
/* SPDX-License-Identifier: MIT */
#include <math.h>

#include "scalelab/alloc.h"
#include "scalelab/json.h"
#include "scalelab/usl.h"
#include "banned.h"

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
    bad |= sl_json_put(o, "unit_cores", f->unit_cores > 0 ? sl_json_num(f->unit_cores)
                                                          : json_null());
    text = sl_json_dump(sl_json_done(o, bad));
    if (!text)
        snprintf(err, errlen, "out of memory");
    return text;
}

enum sl_status sl_usl_calibration_parse(const char *text, size_t len, const char *label,
                                        double *sigma, double *kappa, double *lambda,
                                        double *unit_cores, char *err, size_t errlen)
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
    {
        json_t *v = json_object_get(doc, "unit_cores");
        double x = json_is_number(v) ? json_number_value(v) : NAN;

        if (v && !json_is_null(v) &&
            !(x >= SL_USL_UNIT_CORES_MIN && x <= SL_USL_UNIT_CORES_MAX)) {
            char shown[48];

            if (json_is_number(v))
                snprintf(shown, sizeof(shown), "%g is out of range", x);
            else if (json_is_string(v))
                snprintf(shown, sizeof(shown), "\"%.30s\" is a string", json_string_value(v));
            else
                snprintf(shown, sizeof(shown), "is not a number");
            snprintf(err, errlen, "calibration '%s': field 'unit_cores' %s (expected a number "
                     "of cores from %g to %g, or null)", label, shown, SL_USL_UNIT_CORES_MIN,
                     SL_USL_UNIT_CORES_MAX);
            json_decref(doc);
            return SL_E_INVALID;
        }
        *unit_cores = v && !json_is_null(v) ? x : 1.0;
    }
    json_decref(doc);
    return SL_OK;
}
