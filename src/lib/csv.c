/* A strict RFC 4180 reader: UTF-8 checks, quoting, line and column in every message. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "csv_int.h"
#include "banned.h"

void sl_csv_reader_init(struct sl_csv_reader *r, const char *text, size_t len, const char *kind,
                        const char *label, size_t line_max, char *err, size_t errlen)
{
    r->p = text;
    r->end = text + len;
    r->line = 1;
    r->line_start = text;
    r->kind = kind;
    r->label = label;
    r->line_max = line_max;
    r->err = err;
    r->errlen = errlen;
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
        r->p += 3;
        r->line_start = r->p;
    }
}

/*
 * Copies a message into out with every byte a terminal could obey or choke on written as text:
 * C0 controls and DEL as "\x1b", C1 controls (U+0080 to U+009F) as "\u009b", and bytes of a
 * UTF-8 sequence that a "%.40s" cut in two as "\xe2". Only whole characters are copied, so out
 * is printable UTF-8 (the API puts it into JSON).
 */
static void copy_printable(char *out, size_t outlen, const char *msg)
{
    const unsigned char *u = (const unsigned char *)msg;
    size_t o = 0;

    if (!outlen)
        return;
    while (*u) {
        char esc[8] = "";
        size_t n = *u < 0x80 ? 1 : *u >= 0xc2 && *u <= 0xdf ? 2 : *u >= 0xe0 && *u <= 0xef ? 3 :
                   *u >= 0xf0 && *u <= 0xf4 ? 4 : 0;
        size_t i, k;

        for (i = 1; i < n; i++)
            if ((u[i] & 0xc0) != 0x80)
                n = 0; /* ends the loop too: u[i] may be the final NUL */
        if (n == 0 || (n == 1 && (*u < 0x20 || *u == 0x7f)))
            snprintf(esc, sizeof(esc), "\\x%02x", *u);
        else if (n == 2 && u[0] == 0xc2 && u[1] <= 0x9f)
            snprintf(esc, sizeof(esc), "\\u%04x", u[1]);
        k = esc[0] ? strlen(esc) : n;
        if (o + k >= outlen)
            break;
        memcpy(out + o, esc[0] ? esc : (const char *)u, k);
        o += k;
        u += n ? n : 1;
    }
    out[o] = '\0';
}

enum sl_status sl_csv_fail(struct sl_csv_reader *r, long line, long col, const char *fmt, ...)
{
    char msg[SL_ERR_LEN], full[2 * SL_ERR_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (col > 0)
        snprintf(full, sizeof(full), "%s '%s' line %ld column %ld: %s", r->kind, r->label, line,
                 col, msg);
    else
        snprintf(full, sizeof(full), "%s '%s' line %ld: %s", r->kind, r->label, line, msg);
    copy_printable(r->err, r->errlen, full);
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
enum sl_status sl_csv_check_text(struct sl_csv_reader *r)
{
    const unsigned char *p = (const unsigned char *)r->p;
    const unsigned char *end = (const unsigned char *)r->end;
    const unsigned char *line_start = p;
    long line = 1;

    while (p < end) {
        size_t n;

        if (*p == '\0')
            return sl_csv_fail(r, line, (long)(p - line_start) + 1,
                               "NUL byte (expected UTF-8 text)");
        if (*p == '\n') {
            line++;
            line_start = p + 1;
        } else if ((size_t)(p - line_start) >= r->line_max) {
            snprintf(r->err, r->errlen, "%s '%s' line %ld: longer than %zu bytes", r->kind,
                     r->label, line, r->line_max);
            return SL_E_TOO_LARGE;
        }
        n = utf8_len(p, end);
        if (!n)
            return sl_csv_fail(r, line, (long)(p - line_start) + 1,
                        "invalid UTF-8 byte 0x%02x (expected UTF-8 text)", *p);
        p += n;
    }
    return SL_OK;
}

static int record_push(struct sl_csv_record *rec, size_t *used, char c)
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
static int eat_newline(struct sl_csv_reader *r)
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
enum sl_status sl_csv_read_record(struct sl_csv_reader *r, struct sl_csv_record *rec)
{
    size_t used = 0;

    rec->count = 0;
    rec->line = r->line;
    if (r->p >= r->end)
        return SL_OK;
    for (;;) {
        long col = (long)(r->p - r->line_start) + 1;
        long qline = r->line;

        if (rec->count == SL_CSV_MAX_COLUMNS)
            return sl_csv_fail(r, r->line, col, "more than %d columns", SL_CSV_MAX_COLUMNS);
        rec->offset[rec->count] = used;
        rec->field_col[rec->count] = col;
        rec->count++;
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            for (;;) {
                if (r->p >= r->end)
                    return sl_csv_fail(r, qline, col, "unterminated quoted field");
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
                return sl_csv_fail(r, r->line, (long)(r->p - r->line_start) + 1,
                            "unexpected text after a closing quote");
        } else {
            while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
                if (*r->p == '"')
                    return sl_csv_fail(r, r->line, (long)(r->p - r->line_start) + 1,
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
int sl_csv_record_blank(const struct sl_csv_record *rec)
{
    return rec->count == 1 && strspn(rec->fields[0], " \t") == strlen(rec->fields[0]);
}

/* Strips blanks around a field in place and returns it. */
char *sl_csv_strip(char *s)
{
    size_t n;

    s += strspn(s, " \t");
    n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

enum sl_status sl_csv_skip_comments(struct sl_csv_reader *r, sl_csv_comment_fn *fn, void *ctx)
{
    for (;;) {
        const char *p = r->p;

        while (p < r->end && (*p == ' ' || *p == '\t'))
            p++;
        if (p < r->end && *p == '#') {
            const char *e = p;
            enum sl_status st = SL_OK;

            while (e < r->end && *e != '\n' && *e != '\r')
                e++;
            if (fn)
                st = fn(ctx, p + 1, (size_t)(e - p - 1));
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
