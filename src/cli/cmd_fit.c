/* `scalelab fit` as text, JSON or an SVG chart; the command line reads the measurements file. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "svg.h"
#include "banned.h"

/* "0.0277285 +- 0.00912", or the value and why it has no error bar. */
static void print_coefficient(const char *name, double v, double se, const char *unit)
{
    if (isfinite(se))
        printf("  %-21s %.6g +- %.3g%s\n", name, v, se, unit);
    else if (v == 0.0)
        printf("  %-21s 0%s (on its bound: no standard error)\n", name, unit);
    else
        printf("  %-21s %.6g%s (too few points for a standard error)\n", name, v, unit);
}

static void print_report(const struct cmd_fit_out *out)
{
    const struct sl_usl_fit *f = &out->fit;
    char b1[32], b2[32];
    size_t i;
    unsigned bit;

    printf("USL fit of %zu measurements (%s)\n\n", f->n_points, out->label);
    print_coefficient("sigma (contention)", f->sigma, f->sigma_se, "");
    print_coefficient("kappa (coherency)", f->kappa, f->kappa_se, "");
    print_coefficient("lambda (one unit)", f->lambda, f->lambda_se, " per second");
    if (f->unit_cores > 0)
        printf("  one unit              %g cores (cores_per_unit): %.4g ms of CPU per request\n",
               f->unit_cores, sl_usl_cpu_ms(f->lambda, f->unit_cores));
    printf("  R^2                   %.5f   (%d iterations)\n", f->r2, f->iterations);
    if (isfinite(f->n_star))
        printf("  peak                  N* = %.1f, X(N*) = %s per second\n", f->n_star,
               cmd_fmt_count(b1, sizeof(b1), f->x_max));
    else
        printf("  peak                  none: without coherency throughput only levels off\n");
    if (isfinite(f->x_roof))
        printf("  ceiling               lambda / sigma = %s per second (contention alone)\n",
               cmd_fmt_count(b2, sizeof(b2), f->x_roof));
    if (isfinite(f->n_opt))
        printf("  diminishing returns   past n = 1 / sigma = %.1f\n", f->n_opt);
    printf("\n  %10s %12s %12s %10s\n", "n", "measured", "fitted", "efficiency");
    for (i = 0; i < f->n_points; i++)
        printf("  %10g %12.6g %12.6g %9.1f%%\n", f->points[i].n, f->points[i].throughput,
               sl_usl_predict(f, f->points[i].n),
               100.0 * f->points[i].throughput / (f->points[i].n * f->lambda));
    if (out->npredict) {
        const double *p = out->predict;

        printf("\n  predicted\n");
        for (i = 0; i < out->npredict; i++)
            printf("  %10g %12.6g %12s %9.1f%%\n", p[i], sl_usl_predict(f, p[i]), "",
                   100.0 * sl_usl_predict(f, p[i]) / (p[i] * f->lambda));
    }
    for (bit = 1; bit <= SL_USL_WARN_AT_BOUND; bit <<= 1)
        if (f->warnings & bit)
            printf("\nwarning: %s", sl_usl_warning_text((enum sl_usl_warning)bit));
    if (f->warnings)
        printf("\n");
    printf("\nUse it: scalelab plan --load L --usl %.6g,%.6g   (or --calibration FILE.json from "
           "fit --json)\n", f->sigma, f->kappa);
}

/* The measurements file the command line names (or standard input for "-"), into in. */
static int read_measurements(struct cmd_input *in, char **text)
{
    const char *path = cmd_repeated(in, "file", 0);
    int rc;

    if (!path || cmd_given(in, "points"))
        return SL_EXIT_OK; /* cmd_fit_run says what is missing or too much */
    rc = cli_read_file(path, "measurements", "a CSV file with n,throughput, or - for standard "
                       "input", SL_USL_TEXT_MAX, text, &in->input_len);
    if (rc)
        return rc;
    in->input_text = *text;
    in->input_label = path;
    return SL_EXIT_OK;
}

int cli_fit(struct cmd_input *in)
{
    struct cmd_fit_out *out = sl_malloc(sizeof(*out));
    const char *svg_path = cmd_given(in, "svg") ? cmd_get(in, "svg")->text : NULL;
    char err[SL_ERR_LEN] = "", *text = NULL, *svg = NULL;
    int rc;

    if (!out)
        return cli_runtime_error("out of memory");
    memset(out, 0, sizeof(*out));
    rc = read_measurements(in, &text);
    if (rc)
        goto out;
    rc = cli_report(cmd_fit_run(in, out, err, sizeof(err)), err);
    if (rc)
        goto out;
    if (svg_path) {
        svg = svg_usl(&out->fit, out->label, err, sizeof(err));
        rc = svg ? cli_write_file(svg_path, svg, strlen(svg)) : cli_runtime_error("%s", err);
        if (rc)
            goto out;
    }
    if (in->json)
        rc = cli_print_json(sl_usl_json(&out->fit, out->predict, out->npredict, err,
                                        sizeof(err)), err);
    else
        print_report(out);
out:
    sl_usl_fit_release(&out->fit);
    sl_free(out);
    sl_free(svg);
    sl_free(text);
    in->input_text = NULL;
    return rc;
}
