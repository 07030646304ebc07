/* libFuzzer target: the fit CSV reader (sl_usl_parse), then the USL fit and its JSON document. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <math.h>

#include "fuzz.h"
#include "cli/cli.h"
#include "scalelab/usl.h"
#include "banned.h"

#define OPT_MAX 128 /* longest n_column or where taken from the options line */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cli_init();
    return 0;
}

/*
 * An input may open with "#@ N_COLUMN [WHERE]" (a comment to the reader): the n_column ("-" for
 * the default) and where arguments of sl_usl_parse.
 */
static void read_options(const char *text, size_t len, char *n_column, char *where)
{
    const char *p = text, *line, *sp;
    size_t n;

    n_column[0] = where[0] = '\0';
    if (len < 3 || memcmp(text, "#@ ", 3) || !fuzz_next_line(&p, text + len, &line, &n))
        return;
    line += 3;
    n -= 3;
    sp = memchr(line, ' ', n);
    if (sp) {
        snprintf(where, OPT_MAX, "%.*s", (int)(n - (size_t)(sp + 1 - line)), sp + 1);
        n = (size_t)(sp - line);
    }
    if (!(n == 1 && line[0] == '-'))
        snprintf(n_column, OPT_MAX, "%.*s", (int)n, line);
}

static void check_fit(const struct sl_usl_fit *f)
{
    static const double predict[] = { 1, 8, 64, 1e6 };
    char err[256] = "";
    char *doc;
    size_t i;

    FUZZ_CHECK(f->sigma >= 0 && f->sigma <= 1 && f->kappa >= 0 && f->kappa <= 1);
    FUZZ_CHECK(f->lambda > 0);
    FUZZ_CHECK(f->n_points >= 3 && f->points);
    for (i = 0; i < f->n_points; i++)
        (void)sl_usl_predict(f, f->points[i].n);
    doc = sl_usl_json(f, predict, sizeof(predict) / sizeof(predict[0]), err, sizeof(err));
    if (doc) {
        json_t *j = json_loads(doc, 0, NULL);

        FUZZ_CHECK(json_is_object(j));
        json_decref(j);
    } else {
        FUZZ_CHECK(err[0]);
    }
    sl_free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    char n_column[OPT_MAX], where[OPT_MAX], err[256] = "";
    struct sl_usl_point *pts = NULL;
    struct sl_usl_fit fit;
    size_t count = 0, i;

    read_options(text, size, n_column, where);
    /* exactly size bytes, no terminating NUL: a read past the end is an ASan report */
    if (sl_usl_parse(text, size, "fuzz.csv", n_column[0] ? n_column : NULL,
                     where[0] ? where : NULL, &pts, &count, NULL, err, sizeof(err)) != SL_OK) {
        FUZZ_CHECK(err[0]);
        sl_free(pts);
        return 0;
    }
    FUZZ_CHECK(count <= SL_USL_MAX_POINTS && (count == 0 || pts));
    for (i = 0; i < count; i++)
        FUZZ_CHECK(isfinite(pts[i].n) && pts[i].n > 0 && isfinite(pts[i].throughput) &&
                   pts[i].throughput > 0);
    memset(&fit, 0, sizeof(fit));
    err[0] = '\0';
    if (sl_usl_fit(pts, count, &fit, err, sizeof(err)) == SL_OK)
        check_fit(&fit);
    else
        FUZZ_CHECK(err[0]);
    sl_usl_fit_release(&fit);
    sl_free(pts);
    return 0;
}
