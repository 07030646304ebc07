/* The measurements of a USL fit: a CSV of concurrency and throughput, strictly read. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "scalelab/parse.h"
#include "scalelab/usl.h"
#include "csv_int.h"
#include "banned.h"

/* Which column holds what; -1 when absent. */
struct columns {
    int n, x, latency, unit_cores;
};

static enum sl_status read_header(struct sl_csv_reader *r, struct sl_csv_record *rec,
                                  const char *n_column, struct columns *c)
{
    static const char *const n_names[] = { "n", "concurrency", "cores", "threads", "nodes",
                                            "backends", "units", NULL };
    int i, k;

    c->n = c->x = c->latency = c->unit_cores = -1;
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
        } else if (!strcmp(h, "cores_per_unit")) {
            if (c->unit_cores >= 0)
                return sl_csv_fail(r, rec->line, rec->field_col[i], "duplicate column '%s'", h);
            c->unit_cores = i;
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

/* A row's cores_per_unit: positive, and the same on every row read (*cores 0 before the first). */
static enum sl_status read_unit_cores(struct sl_csv_reader *r, const struct sl_csv_record *rec,
                                      int i, double *cores)
{
    double v;
    enum sl_status st = read_value(r, rec, i, "cores_per_unit", &v);

    if (st)
        return st;
    if (v < SL_USL_UNIT_CORES_MIN || v > SL_USL_UNIT_CORES_MAX)
        return sl_csv_fail(r, rec->line, rec->field_col[i], "cores_per_unit '%.40s' is out of "
                           "range (expected %g to %g cores)", rec->fields[i],
                           SL_USL_UNIT_CORES_MIN, SL_USL_UNIT_CORES_MAX);
    if (*cores > 0.0 && v != *cores)
        return sl_csv_fail(r, rec->line, rec->field_col[i], "cores_per_unit '%.40s' differs "
                           "from the rows before (%g): one fit needs one unit (filter with "
                           "--where)", rec->fields[i], *cores);
    *cores = v;
    return SL_OK;
}

enum sl_status sl_usl_parse(const char *text, size_t len, const char *label,
                            const char *n_column, const char *where, struct sl_usl_point **out,
                            size_t *count, double *unit_cores, char *err, size_t errlen)
{
    double cores = 0.0;
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
    if (unit_cores)
        *unit_cores = 0.0;
    if (where) {
        size_t n_len = eq ? (size_t)(eq - where) : 0;

        if (!eq || n_len == 0 || n_len >= sizeof(where_col) || !eq[1]) {
            snprintf(err, errlen, "invalid filter '%s' (expected COLUMN=VALUE such as "
                     "strategy=horizontal)", where);
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
            rec.count <= c.unit_cores || rec.count <= where_idx) {
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
        if (!st && c.unit_cores >= 0)
            st = read_unit_cores(&r, &rec, c.unit_cores, &cores);
        if (st)
            goto out;
        n++;
    }
    if (n == 0 && where) {
        snprintf(err, errlen, "measurements '%s': no row has %s (expected a value that column "
                 "holds)", label, where);
        st = SL_E_INVALID;
        goto out;
    }
    if (n == 0) {
        st = sl_csv_fail(&r, r.line, 0, "no measurements after the header");
        goto out;
    }
    *out = pts;
    *count = n;
    if (unit_cores)
        *unit_cores = cores;
    pts = NULL;
out:
    sl_free(rec.buf);
    sl_free(pts);
    return st;
}
