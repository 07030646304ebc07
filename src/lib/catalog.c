/* Catalog CSV parsing with strict validation, and the embedded catalogs. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "scalelab/catalog.h"
#include "scalelab/parse.h"
#include "assets_int.h"
#include "util_int.h"
#include "banned.h"

#define MAX_COLUMNS 64

enum column {
    COL_NAME, COL_VCPU, COL_MEM, COL_NET, COL_PRICE, COL_STF, COL_SIGMA, COL_KAPPA, COL_COUNT
};

static const char *const column_names[COL_COUNT] = {
    "name", "vcpu", "mem_gib", "net_gbps", "usd_per_month", "single_thread_factor",
    "usl_sigma", "usl_kappa"
};
#define REQUIRED_COLUMNS "name,vcpu,mem_gib,net_gbps,usd_per_month,single_thread_factor"

/* One parsed CSV record: fields point into buf, each NUL-terminated. */
struct record {
    char *buf;
    size_t cap;
    size_t offset[MAX_COLUMNS];  /* where each field starts in buf while it grows */
    char *fields[MAX_COLUMNS];
    long field_col[MAX_COLUMNS]; /* 1-based byte column where each field starts */
    int count;
    long line;                   /* line on which the record starts */
};

struct reader {
    const char *p, *end;
    long line;
    const char *line_start;
    const char *label;
    char *err;
    size_t errlen;
};

static enum sl_status fail(struct reader *r, long line, long col, const char *fmt, ...)
{
    char msg[SL_ERR_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (col > 0)
        snprintf(r->err, r->errlen, "catalog '%s' line %ld column %ld: %s", r->label, line, col,
                 msg);
    else
        snprintf(r->err, r->errlen, "catalog '%s' line %ld: %s", r->label, line, msg);
    return SL_E_INVALID;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when it is not valid. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    size_t n, i;
    unsigned int cp;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        n = 2;
        cp = p[0] & 0x1f;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        n = 3;
        cp = p[0] & 0x0f;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        n = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return n;
}

/* Rejects NUL bytes, invalid UTF-8 and over-long lines before any parsing. */
static enum sl_status check_text(struct reader *r)
{
    const unsigned char *p = (const unsigned char *)r->p;
    const unsigned char *end = (const unsigned char *)r->end;
    const unsigned char *line_start = p;
    long line = 1;

    while (p < end) {
        size_t n;

        if (*p == '\0')
            return fail(r, line, (long)(p - line_start) + 1, "NUL byte (a catalog is UTF-8 text)");
        if (*p == '\n') {
            line++;
            line_start = p + 1;
        } else if ((size_t)(p - line_start) >= SL_CATALOG_LINE_MAX) {
            snprintf(r->err, r->errlen, "catalog '%s' line %ld: longer than %d bytes",
                     r->label, line, SL_CATALOG_LINE_MAX);
            return SL_E_TOO_LARGE;
        }
        n = utf8_len(p, end);
        if (!n)
            return fail(r, line, (long)(p - line_start) + 1,
                        "invalid UTF-8 byte 0x%02x (a catalog is UTF-8 text)", *p);
        p += n;
    }
    return SL_OK;
}

static int record_push(struct record *rec, size_t *used, char c)
{
    if (*used + 1 >= rec->cap) {
        size_t cap = rec->cap ? rec->cap * 2 : 256;
        char *nb = sl_realloc(rec->buf, cap);

        if (!nb)
            return -1;
        rec->buf = nb;
        rec->cap = cap;
    }
    rec->buf[(*used)++] = c;
    return 0;
}

/* Ends a line: a CR, LF or CRLF at r->p. Returns 1 when one was consumed. */
static int eat_newline(struct reader *r)
{
    if (r->p < r->end && *r->p == '\r') {
        r->p++;
        if (r->p < r->end && *r->p == '\n')
            r->p++;
    } else if (r->p < r->end && *r->p == '\n') {
        r->p++;
    } else {
        return 0;
    }
    r->line++;
    r->line_start = r->p;
    return 1;
}

/*
 * Reads one RFC 4180 record (quoted fields may hold commas, quotes as "" and line breaks).
 * Returns SL_OK with rec->count > 0, SL_OK with count 0 at the end of the text, or an error.
 */
static enum sl_status read_record(struct reader *r, struct record *rec)
{
    size_t used = 0;

    rec->count = 0;
    rec->line = r->line;
    if (r->p >= r->end)
        return SL_OK;
    for (;;) {
        long col = (long)(r->p - r->line_start) + 1;
        long qline = r->line;

        if (rec->count == MAX_COLUMNS)
            return fail(r, r->line, col, "more than %d columns", MAX_COLUMNS);
        rec->offset[rec->count] = used;
        rec->field_col[rec->count] = col;
        rec->count++;
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            for (;;) {
                if (r->p >= r->end)
                    return fail(r, qline, col, "unterminated quoted field");
                if (*r->p == '"') {
                    if (r->p + 1 < r->end && r->p[1] == '"') {
                        if (record_push(rec, &used, '"'))
                            return SL_E_NOMEM;
                        r->p += 2;
                        continue;
                    }
                    r->p++;
                    break;
                }
                if (*r->p == '\n' || *r->p == '\r') {
                    if (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n') {
                        if (record_push(rec, &used, '\r'))
                            return SL_E_NOMEM;
                        r->p++;
                    }
                    if (record_push(rec, &used, *r->p))
                        return SL_E_NOMEM;
                    r->p++;
                    r->line++;
                    r->line_start = r->p;
                    continue;
                }
                if (record_push(rec, &used, *r->p++))
                    return SL_E_NOMEM;
            }
            if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
                return fail(r, r->line, (long)(r->p - r->line_start) + 1,
                            "unexpected text after a closing quote");
        } else {
            while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
                if (*r->p == '"')
                    return fail(r, r->line, (long)(r->p - r->line_start) + 1,
                                "quote inside an unquoted field");
                if (record_push(rec, &used, *r->p++))
                    return SL_E_NOMEM;
            }
        }
        if (record_push(rec, &used, '\0'))
            return SL_E_NOMEM;
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        eat_newline(r);
        break;
    }
    for (int i = 0; i < rec->count; i++)
        rec->fields[i] = rec->buf + rec->offset[i];
    return SL_OK;
}

/* A record that holds nothing but blanks (an empty line). */
static int record_blank(const struct record *rec)
{
    return rec->count == 1 && strspn(rec->fields[0], " \t") == strlen(rec->fields[0]);
}

/* Strips blanks around a field in place and returns it. */
static char *strip(char *s)
{
    size_t n;

    s += strspn(s, " \t");
    n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* Appends one comment line (without its '#') to the catalog's source text. */
static enum sl_status add_source(struct sl_catalog *c, const char *text, size_t len)
{
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

/* Skips comment lines and blank lines at r->p, collecting comments as the source. */
static enum sl_status skip_comments(struct reader *r, struct sl_catalog *c)
{
    for (;;) {
        const char *p = r->p;

        while (p < r->end && (*p == ' ' || *p == '\t'))
            p++;
        if (p < r->end && *p == '#') {
            const char *e = p;
            enum sl_status st;

            while (e < r->end && *e != '\n' && *e != '\r')
                e++;
            st = add_source(c, p + 1, (size_t)(e - p - 1));
            if (st)
                return st;
            r->p = e;
            eat_newline(r);
        } else if (p < r->end && (*p == '\n' || *p == '\r')) {
            r->p = p;
            eat_newline(r);
        } else {
            return SL_OK;
        }
    }
}

/* Maps header fields to columns; map[i] is the column of field i. */
static enum sl_status read_header(struct reader *r, struct record *rec, int *map)
{
    int seen[COL_COUNT] = {0};
    int i, k;

    for (i = 0; i < rec->count; i++) {
        const char *h = strip(rec->fields[i]);

        for (k = 0; k < COL_COUNT; k++)
            if (!strcmp(h, column_names[k]))
                break;
        if (k == COL_COUNT)
            return fail(r, rec->line, rec->field_col[i],
                        "unknown column '%s' (expected " REQUIRED_COLUMNS
                        ", optionally usl_sigma,usl_kappa)", h);
        if (seen[k])
            return fail(r, rec->line, rec->field_col[i], "duplicate column '%s'", h);
        seen[k] = 1;
        map[i] = k;
    }
    for (k = 0; k <= COL_STF; k++)
        if (!seen[k])
            return fail(r, rec->line, 0, "missing column '%s' (the header must name "
                        REQUIRED_COLUMNS ")", column_names[k]);
    return SL_OK;
}

/* Parses and range-checks one numeric cell. */
static enum sl_status read_cell(struct reader *r, const struct record *rec, int i, int col,
                                double *out)
{
    const char *s = rec->fields[i];
    double v;

    if (sl_parse_number(s, &v) != SL_OK)
        return fail(r, rec->line, rec->field_col[i],
                    "%s '%.40s' is not a number (expected a decimal such as 2 or 0.75)",
                    column_names[col], s);
    if (v < 0.0)
        return fail(r, rec->line, rec->field_col[i],
                    "%s '%.40s' is negative (expected zero or more)", column_names[col], s);
    if ((col == COL_VCPU || col == COL_MEM || col == COL_NET || col == COL_STF) && v <= 0.0)
        return fail(r, rec->line, rec->field_col[i],
                    "%s '%.40s' must be greater than zero", column_names[col], s);
    if (col == COL_VCPU && (v != floor(v) || v > 1e6))
        return fail(r, rec->line, rec->field_col[i],
                    "vcpu '%.40s' must be a whole number from 1 to 1000000", s);
    if ((col == COL_SIGMA || col == COL_KAPPA) && v >= 1.0)
        return fail(r, rec->line, rec->field_col[i],
                    "%s '%.40s' must be below 1", column_names[col], s);
    *out = v;
    return SL_OK;
}

/* Fills one instance from a data record. */
static enum sl_status read_row(struct reader *r, struct record *rec, const int *map, int ncols,
                               struct sl_catalog *c, struct sl_instance *in)
{
    int i;

    if (rec->count != ncols)
        return fail(r, rec->line, 0, "%d fields where the header has %d", rec->count, ncols);
    memset(in, 0, sizeof(*in));
    in->usl_sigma = NAN;
    in->usl_kappa = NAN;
    for (i = 0; i < ncols; i++) {
        double *dst = NULL;
        enum sl_status st;

        switch (map[i]) {
        case COL_NAME: {
            const char *name = strip(rec->fields[i]);

            if (!*name)
                return fail(r, rec->line, rec->field_col[i], "empty instance name");
            if (strlen(name) > SL_CATALOG_NAME_MAX)
                return fail(r, rec->line, rec->field_col[i],
                            "instance name longer than %d bytes", SL_CATALOG_NAME_MAX);
            if (sl_catalog_find(c, name))
                return fail(r, rec->line, rec->field_col[i],
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
    struct reader r = { text, text + len, 1, text, label, err, errlen };
    struct record rec = { 0 };
    struct sl_catalog *c = NULL;
    int map[MAX_COLUMNS];
    int ncols;
    enum sl_status st;

    *out = NULL;
    if (len > SL_CATALOG_TEXT_MAX) {
        snprintf(err, errlen, "catalog '%s': larger than %d bytes", label, SL_CATALOG_TEXT_MAX);
        return SL_E_TOO_LARGE;
    }
    st = check_text(&r);
    if (st)
        goto out;
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
        r.p += 3;
        r.line_start = r.p;
    }
    st = SL_E_NOMEM;
    c = sl_calloc(1, sizeof(*c));
    if (!c)
        goto out;
    c->name = sl_strdup(label);
    if (!c->name)
        goto out;
    st = skip_comments(&r, c);
    if (st)
        goto out;
    st = read_record(&r, &rec);
    if (st)
        goto out;
    if (rec.count == 0) {
        st = fail(&r, r.line, 0, "no header row (expected " REQUIRED_COLUMNS ")");
        goto out;
    }
    st = read_header(&r, &rec, map);
    if (st)
        goto out;
    ncols = rec.count;
    for (;;) {
        struct sl_instance *items;

        st = skip_comments(&r, c);
        if (st)
            goto out;
        st = read_record(&r, &rec);
        if (st)
            goto out;
        if (rec.count == 0)
            break;
        if (record_blank(&rec))
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
        st = fail(&r, r.line, 0, "no instances after the header row");
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
