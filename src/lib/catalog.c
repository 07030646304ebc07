/* Catalog CSV parsing with strict validation, and the embedded catalogs. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "scalelab/catalog.h"
#include "scalelab/parse.h"
#include "assets_int.h"
#include "csv_int.h"
#include "util_int.h"
#include "banned.h"

enum column {
    COL_NAME, COL_VCPU, COL_MEM, COL_NET, COL_PRICE, COL_STF, COL_SIGMA, COL_KAPPA, COL_BURST,
    COL_FLEET, COL_COUNT
};

static const char *const column_names[COL_COUNT] = {
    "name", "vcpu", "mem_gib", "net_gbps", "usd_per_month", "single_thread_factor",
    "usl_sigma", "usl_kappa", "net_burst_gbps", "fleet_only"
};
#define REQUIRED_COLUMNS "name,vcpu,mem_gib,net_gbps,usd_per_month,single_thread_factor"

/* Where one data row's name stands in the file, for the duplicate check after the last row. */
struct row_ref {
    const char *name; /* into the catalog's items, set once they stop moving */
    size_t index;     /* row in c->items */
    long line, col;   /* of the name field */
};

/* One parse in progress: the catalog it builds and the capacities of its growing arrays. */
struct parse_state {
    struct sl_catalog *c;
    struct row_ref *refs; /* one per item of c->items */
    size_t cap;           /* items (and refs) allocated */
    size_t source_len;    /* bytes in c->source, without its NUL */
    size_t source_cap;    /* bytes allocated for c->source */
};

/* Appends one comment line (without its '#') to the catalog's source text. */
static enum sl_status add_source(void *ctx, const char *text, size_t len)
{
    struct parse_state *ps = ctx;
    struct sl_catalog *c = ps->c;
    size_t old = ps->source_len, need;

    while (len && (*text == ' ' || *text == '\t')) {
        text++;
        len--;
    }
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\r'))
        len--;
    if (!len)
        return SL_OK;
    /* capacity doubles: appending to a string of many comment lines stays linear */
    need = old + len + 3;
    if (need > ps->source_cap) {
        size_t cap = ps->source_cap ? ps->source_cap : 128;
        char *s;

        while (cap < need)
            cap *= 2;
        s = sl_realloc(c->source, cap);
        if (!s)
            return SL_E_NOMEM;
        c->source = s;
        ps->source_cap = cap;
    }
    if (old) {
        /* lines joined as sentences: "a. b", and "a; b" only where a line ends without one */
        int sentence = strchr(".!?", c->source[old - 1]) != NULL;

        memcpy(c->source + old, sentence ? "  " : "; ", 2);
        old += sentence ? 1 : 2;
    }
    memcpy(c->source + old, text, len);
    c->source[old + len] = '\0';
    ps->source_len = old + len;
    return SL_OK;
}

/*
 * The first control character in a NUL-terminated UTF-8 name: C0 (below 0x20), DEL or C1
 * (U+0080 to U+009F, which some terminals obey as well). Writes it as "0x1b" or "U+009B" into
 * buf and returns 1, or returns 0 when the name has none.
 */
static int find_control(const char *name, char *buf, size_t len)
{
    const unsigned char *u = (const unsigned char *)name;
    size_t i;

    for (i = 0; u[i]; i++) {
        if (u[i] < 0x20 || u[i] == 0x7f) {
            snprintf(buf, len, "0x%02x", u[i]);
            return 1;
        }
        if (u[i] == 0xc2 && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f) {
            snprintf(buf, len, "U+%04X", u[i + 1]);
            return 1;
        }
    }
    return 0;
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
                        ", optionally usl_sigma,usl_kappa,net_burst_gbps,fleet_only)", h);
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
    if (col == COL_FLEET && v != 0.0 && v != 1.0)
        return sl_csv_fail(r, rec->line, rec->field_col[i],
                    "fleet_only '%.40s' must be 0 or 1", s);
    *out = v;
    return SL_OK;
}

/* Fills one instance from a data record, and where its name stands into ref. */
static enum sl_status read_row(struct sl_csv_reader *r, struct sl_csv_record *rec, const int *map,
                               int ncols, struct sl_instance *in, struct row_ref *ref)
{
    int i;

    if (rec->count != ncols)
        return sl_csv_fail(r, rec->line, 0, "%d fields where the header has %d", rec->count, ncols);
    memset(in, 0, sizeof(*in));
    in->usl_sigma = NAN;
    in->usl_kappa = NAN;
    in->net_burst_gbps = NAN;
    for (i = 0; i < ncols; i++) {
        double *dst = NULL, fleet = 0.0;
        enum sl_status st;

        switch (map[i]) {
        case COL_NAME: {
            const char *name = sl_csv_strip(rec->fields[i]);
            char what[16];

            if (!*name)
                return sl_csv_fail(r, rec->line, rec->field_col[i], "empty instance name");
            if (find_control(name, what, sizeof(what)))
                return sl_csv_fail(r, rec->line, rec->field_col[i],
                            "instance name contains a control character %s (expected "
                            "printable text)", what);
            if (strlen(name) > SL_CATALOG_NAME_MAX)
                return sl_csv_fail(r, rec->line, rec->field_col[i],
                            "instance name longer than %d bytes", SL_CATALOG_NAME_MAX);
            /* duplicates are found after the last row, by first_duplicate() */
            ref->line = rec->line;
            ref->col = rec->field_col[i];
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
        case COL_BURST: dst = &in->net_burst_gbps; break;
        case COL_FLEET: dst = &fleet; break;
        default: break;
        }
        if (SL_NEVER(!dst))
            continue;
        /* an optional column may be left empty: the box has none of it */
        if (map[i] > COL_STF && !*sl_csv_strip(rec->fields[i]))
            continue;
        st = read_cell(r, rec, i, map[i], dst);
        if (st)
            return st;
        if (map[i] == COL_FLEET)
            in->fleet_only = fleet == 1.0;
    }
    return SL_OK;
}

/* Orders row references by name, then by row, so that equal names sit together in file order. */
static int ref_cmp(const void *a, const void *b)
{
    const struct row_ref *x = a, *y = b;
    int d = strcmp(x->name, y->name);

    if (d)
        return d;
    return (x->index > y->index) - (x->index < y->index);
}

/*
 * The first row (in file order) whose name an earlier row already has, or NULL: one sort and one
 * scan, O(n log n) whatever the names (a hash set could be flooded by crafted names).
 */
static const struct row_ref *first_duplicate(struct row_ref *refs, const struct sl_instance *items,
                                             size_t n)
{
    const struct row_ref *best = NULL;
    size_t i;

    if (n < 2)
        return NULL; /* refs may still be NULL */
    for (i = 0; i < n; i++)
        refs[i].name = items[refs[i].index].name;
    qsort(refs, n, sizeof(*refs), ref_cmp);
    for (i = 1; i < n; i++)
        if (!strcmp(refs[i].name, refs[i - 1].name) && (!best || refs[i].index < best->index))
            best = &refs[i];
    return best;
}

/* Makes room for one more row; capacities double, so n rows cost O(n) copying. */
static enum sl_status grow_rows(struct parse_state *ps)
{
    struct sl_catalog *c = ps->c;
    struct sl_instance *items;
    struct row_ref *refs;
    size_t cap;

    if (c->count < ps->cap)
        return SL_OK;
    cap = ps->cap ? ps->cap * 2 : 16;
    items = sl_realloc(c->items, cap * sizeof(*items));
    if (!items)
        return SL_E_NOMEM;
    c->items = items;
    refs = sl_realloc(ps->refs, cap * sizeof(*refs));
    if (!refs)
        return SL_E_NOMEM;
    ps->refs = refs;
    ps->cap = cap;
    return SL_OK;
}

enum sl_status sl_catalog_parse(const char *text, size_t len, const char *label,
                                struct sl_catalog **out, char *err, size_t errlen)
{
    struct sl_csv_reader r;
    struct sl_csv_record rec = { 0 };
    struct parse_state ps = { 0 };
    struct sl_catalog *c = NULL;
    const struct row_ref *dup;
    int map[SL_CSV_MAX_COLUMNS];
    int ncols, partial = 0;
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
    ps.c = c;
    c->name = sl_strdup(label);
    if (!c->name)
        goto out;
    st = sl_csv_skip_comments(&r, add_source, &ps);
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
        st = sl_csv_skip_comments(&r, add_source, &ps);
        if (st)
            break;
        st = sl_csv_read_record(&r, &rec);
        if (st || rec.count == 0)
            break;
        if (sl_csv_record_blank(&rec))
            continue;
        st = grow_rows(&ps);
        if (st)
            break;
        ps.refs[c->count].index = c->count;
        ps.refs[c->count].line = 0;
        st = read_row(&r, &rec, map, ncols, &c->items[c->count], &ps.refs[c->count]);
        if (st) {
            /* a name read before the bad field counts: the old check came to it first */
            partial = ps.refs[c->count].line != 0;
            break;
        }
        c->count++;
    }
    /* a duplicate stands before whatever stopped the parse, so it is the first error */
    if (st == SL_E_NOMEM)
        goto out;
    dup = first_duplicate(ps.refs, c->items, c->count + partial);
    if (dup) {
        st = sl_csv_fail(&r, dup->line, dup->col, "duplicate instance name '%s'", dup->name);
        goto out;
    }
    if (st)
        goto out;
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
    sl_free(ps.refs);
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

static const char *const builtin_names[] = { "teaching", "cloud", "gcp", "azure", NULL };

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
    } else if (!strcmp(name, "gcp")) {
        start = sl_asset_catalog_gcp;
        end = sl_asset_catalog_gcp_end;
    } else if (!strcmp(name, "azure")) {
        start = sl_asset_catalog_azure;
        end = sl_asset_catalog_azure_end;
    }
    if (start && len)
        *len = (size_t)(end - start);
    return start;
}

/* A copy of c that owns its memory, or NULL when memory runs out. */
static struct sl_catalog *catalog_copy(const struct sl_catalog *c)
{
    struct sl_catalog *d = sl_calloc(1, sizeof(*d));

    if (!d)
        return NULL;
    d->name = sl_strdup(c->name);
    d->source = sl_strdup(c->source);
    d->items = sl_malloc(c->count * sizeof(*c->items));
    d->count = c->count;
    if (!d->name || !d->source || !d->items) {
        sl_catalog_free(d);
        return NULL;
    }
    memcpy(d->items, c->items, c->count * sizeof(*c->items));
    return d;
}

/*
 * The embedded catalogs, each parsed the first time it is asked for and kept: a request of the
 * API plans on one, and parsing its text (numbers by strtod) cost more than the plan itself.
 */
static struct {
    pthread_mutex_t lock;
    struct sl_catalog *parsed[4];
} builtin = { PTHREAD_MUTEX_INITIALIZER, { NULL } };

enum sl_status sl_catalog_builtin(const char *name, struct sl_catalog **out, char *err,
                                  size_t errlen)
{
    size_t len, i;
    const char *text = sl_catalog_builtin_text(name, &len);
    enum sl_status st = SL_OK;

    *out = NULL;
    if (!text) {
        snprintf(err, errlen,
                 "unknown catalog '%s' (expected teaching, cloud, gcp, azure or a CSV file path)",
                 name);
        return SL_E_NOT_FOUND;
    }
    for (i = 0; builtin_names[i] && strcmp(builtin_names[i], name); i++)
        ;
    if (SL_NEVER(i >= sizeof(builtin.parsed) / sizeof(builtin.parsed[0])))
        return sl_catalog_parse(text, len, name, out, err, errlen);
    pthread_mutex_lock(&builtin.lock);
    if (!builtin.parsed[i])
        st = sl_catalog_parse(text, len, name, &builtin.parsed[i], err, errlen);
    if (st == SL_OK) {
        *out = catalog_copy(builtin.parsed[i]);
        if (!*out) {
            snprintf(err, errlen, "out of memory");
            st = SL_E_NOMEM;
        }
    }
    pthread_mutex_unlock(&builtin.lock);
    return st;
}
