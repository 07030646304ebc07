/* Catalog CSV parsing with strict validation, and the embedded catalogs. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "scalelab/catalog.h"
#include "scalelab/parse.h"
#include "assets_int.h"
#include "csv_int.h"
#include "util_int.h"
#include "banned.h"

enum column {
    COL_NAME, COL_VCPU, COL_MEM, COL_NET, COL_PRICE, COL_STF, COL_SIGMA, COL_KAPPA, COL_COUNT
};

static const char *const column_names[COL_COUNT] = {
    "name", "vcpu", "mem_gib", "net_gbps", "usd_per_month", "single_thread_factor",
    "usl_sigma", "usl_kappa"
};
#define REQUIRED_COLUMNS "name,vcpu,mem_gib,net_gbps,usd_per_month,single_thread_factor"

/* Appends one comment line (without its '#') to the catalog's source text. */
static enum sl_status add_source(void *ctx, const char *text, size_t len)
{
    struct sl_catalog *c = ctx;
    size_t old = c->source ? strlen(c->source) : 0;
    char *s;

    while (len && (*text == ' ' || *text == '\t')) {
        text++;
        len--;
    }
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\r'))
        len--;
    if (!len)
        return SL_OK;
    s = sl_realloc(c->source, old + len + 3);
    if (!s)
        return SL_E_NOMEM;
    if (old) {
        memcpy(s + old, "; ", 2);
        old += 2;
    }
    memcpy(s + old, text, len);
    s[old + len] = '\0';
    c->source = s;
    return SL_OK;
}

/* Maps header fields to columns; map[i] is the column of field i. */
static enum sl_status read_header(struct sl_csv_reader *r, struct sl_csv_record *rec, int *map)
{
    int seen[COL_COUNT] = {0};
    int i, k;

    for (i = 0; i < rec->count; i++) {
        const char *h = sl_csv_strip(rec->fields[i]);

        for (k = 0; k < COL_COUNT; k++)
            if (!strcmp(h, column_names[k]))
                break;
        if (k == COL_COUNT)
            return sl_csv_fail(r, rec->line, rec->field_col[i],
                        "unknown column '%s' (expected " REQUIRED_COLUMNS
                        ", optionally usl_sigma,usl_kappa)", h);
        if (seen[k])
            return sl_csv_fail(r, rec->line, rec->field_col[i], "duplicate column '%s'", h);
        seen[k] = 1;
        map[i] = k;
    }
    for (k = 0; k <= COL_STF; k++)
        if (!seen[k])
            return sl_csv_fail(r, rec->line, 0, "missing column '%s' (the header must name "
                        REQUIRED_COLUMNS ")", column_names[k]);
    return SL_OK;
}

/* Parses and range-checks one numeric cell. */
static enum sl_status read_cell(struct sl_csv_reader *r, const struct sl_csv_record *rec, int i,
                                int col, double *out)
{
    const char *s = rec->fields[i];
    double v;

    if (sl_parse_number(s, &v) != SL_OK)
        return sl_csv_fail(r, rec->line, rec->field_col[i],
                    "%s '%.40s' is not a number (expected a decimal such as 2 or 0.75)",
                    column_names[col], s);
    if (v < 0.0)
        return sl_csv_fail(r, rec->line, rec->field_col[i],
                    "%s '%.40s' is negative (expected zero or more)", column_names[col], s);
    if ((col == COL_VCPU || col == COL_MEM || col == COL_NET || col == COL_STF) && v <= 0.0)
        return sl_csv_fail(r, rec->line, rec->field_col[i],
                    "%s '%.40s' must be greater than zero", column_names[col], s);
    if (col == COL_VCPU && (v != floor(v) || v > 1e6))
        return sl_csv_fail(r, rec->line, rec->field_col[i],
                    "vcpu '%.40s' must be a whole number from 1 to 1000000", s);
    if ((col == COL_SIGMA || col == COL_KAPPA) && v >= 1.0)
        return sl_csv_fail(r, rec->line, rec->field_col[i],
                    "%s '%.40s' must be below 1", column_names[col], s);
    *out = v;
    return SL_OK;
}

/* Fills one instance from a data record. */
static enum sl_status read_row(struct sl_csv_reader *r, struct sl_csv_record *rec, const int *map,
                               int ncols, struct sl_catalog *c, struct sl_instance *in)
{
    int i;

    if (rec->count != ncols)
        return sl_csv_fail(r, rec->line, 0, "%d fields where the header has %d", rec->count, ncols);
    memset(in, 0, sizeof(*in));
    in->usl_sigma = NAN;
    in->usl_kappa = NAN;
    for (i = 0; i < ncols; i++) {
        double *dst = NULL;
        enum sl_status st;

        switch (map[i]) {
        case COL_NAME: {
            const char *name = sl_csv_strip(rec->fields[i]);

            if (!*name)
                return sl_csv_fail(r, rec->line, rec->field_col[i], "empty instance name");
            if (strlen(name) > SL_CATALOG_NAME_MAX)
                return sl_csv_fail(r, rec->line, rec->field_col[i],
                            "instance name longer than %d bytes", SL_CATALOG_NAME_MAX);
            if (sl_catalog_find(c, name))
                return sl_csv_fail(r, rec->line, rec->field_col[i],
                            "duplicate instance name '%s'", name);
            memcpy(in->name, name, strlen(name) + 1);
            continue;
        }
        case COL_VCPU: dst = &in->vcpu; break;
        case COL_MEM: dst = &in->mem_gib; break;
        case COL_NET: dst = &in->net_gbps; break;
        case COL_PRICE: dst = &in->usd_per_month; break;
        case COL_STF: dst = &in->single_thread_factor; break;
        case COL_SIGMA: dst = &in->usl_sigma; break;
        case COL_KAPPA: dst = &in->usl_kappa; break;
        default: break;
        }
        if (SL_NEVER(!dst))
            continue;
        st = read_cell(r, rec, i, map[i], dst);
        if (st)
            return st;
    }
    return SL_OK;
}

enum sl_status sl_catalog_parse(const char *text, size_t len, const char *label,
                                struct sl_catalog **out, char *err, size_t errlen)
{
    struct sl_csv_reader r;
    struct sl_csv_record rec = { 0 };
    struct sl_catalog *c = NULL;
    int map[SL_CSV_MAX_COLUMNS];
    int ncols;
    enum sl_status st;

    *out = NULL;
    if (len > SL_CATALOG_TEXT_MAX) {
        snprintf(err, errlen, "catalog '%s': larger than %d bytes", label, SL_CATALOG_TEXT_MAX);
        return SL_E_TOO_LARGE;
    }
    sl_csv_reader_init(&r, text, len, "catalog", label, SL_CATALOG_LINE_MAX, err, errlen);
    st = sl_csv_check_text(&r);
    if (st)
        goto out;
    st = SL_E_NOMEM;
    c = sl_calloc(1, sizeof(*c));
    if (!c)
        goto out;
    c->name = sl_strdup(label);
    if (!c->name)
        goto out;
    st = sl_csv_skip_comments(&r, add_source, c);
    if (st)
        goto out;
    st = sl_csv_read_record(&r, &rec);
    if (st)
        goto out;
    if (rec.count == 0) {
        st = sl_csv_fail(&r, r.line, 0, "no header row (expected " REQUIRED_COLUMNS ")");
        goto out;
    }
    st = read_header(&r, &rec, map);
    if (st)
        goto out;
    ncols = rec.count;
    for (;;) {
        struct sl_instance *items;

        st = sl_csv_skip_comments(&r, add_source, c);
        if (st)
            goto out;
        st = sl_csv_read_record(&r, &rec);
        if (st)
            goto out;
        if (rec.count == 0)
            break;
        if (sl_csv_record_blank(&rec))
            continue;
        st = SL_E_NOMEM;
        items = sl_realloc(c->items, (c->count + 1) * sizeof(*items));
        if (!items)
            goto out;
        c->items = items;
        st = read_row(&r, &rec, map, ncols, c, &c->items[c->count]);
        if (st)
            goto out;
        c->count++;
    }
    if (c->count == 0) {
        st = sl_csv_fail(&r, r.line, 0, "no instances after the header row");
        goto out;
    }
    if (!c->source) {
        st = SL_E_NOMEM;
        c->source = sl_strdup("");
        if (!c->source)
            goto out;
    }
    *out = c;
    c = NULL;
    st = SL_OK;
out:
    if (st == SL_E_NOMEM)
        snprintf(err, errlen, "catalog '%s': out of memory", label);
    sl_free(rec.buf);
    sl_catalog_free(c);
    return st;
}

void sl_catalog_free(struct sl_catalog *c)
{
    if (!c)
        return;
    sl_free(c->name);
    sl_free(c->source);
    sl_free(c->items);
    sl_free(c);
}

const struct sl_instance *sl_catalog_find(const struct sl_catalog *c, const char *name)
{
    size_t i;

    for (i = 0; i < c->count; i++)
        if (!strcmp(c->items[i].name, name))
            return &c->items[i];
    return NULL;
}

static const char *const builtin_names[] = { "teaching", "cloud", NULL };

const char *const *sl_catalog_builtin_names(void)
{
    return builtin_names;
}

const char *sl_catalog_builtin_text(const char *name, size_t *len)
{
    const char *start = NULL, *end = NULL;

    if (!strcmp(name, "teaching")) {
        start = sl_asset_catalog_teaching;
        end = sl_asset_catalog_teaching_end;
    } else if (!strcmp(name, "cloud")) {
        start = sl_asset_catalog_cloud;
        end = sl_asset_catalog_cloud_end;
    }
    if (start && len)
        *len = (size_t)(end - start);
    return start;
}

enum sl_status sl_catalog_builtin(const char *name, struct sl_catalog **out, char *err,
                                  size_t errlen)
{
    size_t len;
    const char *text = sl_catalog_builtin_text(name, &len);

    *out = NULL;
    if (!text) {
        snprintf(err, errlen, "unknown catalog '%s' (expected teaching, cloud or a CSV file path)",
                 name);
        return SL_E_NOT_FOUND;
    }
    return sl_catalog_parse(text, len, name, out, err, errlen);
}
