/* The text of a jansson tree, byte for byte what json_dumps gives with the flags we use. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "json_write_int.h"
#include "parallel_int.h"
#include "banned.h"

/*
 * Why not json_dumps: it formats every real with snprintf("%.10g") and every token through a
 * callback, which made the encoder most of the cost of an uncached answer. This writer walks
 * the same tree in the same order (jansson keeps insertion order) and writes what json_dumps
 * writes with JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10); unit tests hold
 * the two to the same bytes on random trees, on a million reals and on real documents.
 */

#define INDENT 2
#define MAX_DEPTH 2048 /* json_dumps refuses deeper trees too (its recursion guard) */

static int reserve(struct sl_jw *w, size_t n)
{
    size_t cap;
    char *grown;

    if (w->failed)
        return -1;
    if (w->len + n + 1 <= w->cap)
        return 0;
    cap = w->cap ? w->cap : 4096; /* most documents fit: one allocation */
    while (cap < w->len + n + 1)
        cap *= 2;
    grown = sl_realloc(w->s, cap);
    if (!grown) {
        w->failed = 1;
        return -1;
    }
    w->s = grown;
    w->cap = cap;
    return 0;
}

void sl_jw_add(struct sl_jw *w, const char *s, size_t n)
{
    if (reserve(w, n))
        return;
    memcpy(w->s + w->len, s, n);
    w->len += n;
    w->s[w->len] = '\0';
}

/* A line break and the indent of `depth`. */
static void newline(struct sl_jw *w, int depth)
{
    size_t n = 1 + (size_t)depth * INDENT;

    if (reserve(w, n))
        return;
    w->s[w->len] = '\n';
    memset(w->s + w->len + 1, ' ', n - 1);
    w->len += n;
    w->s[w->len] = '\0';
}

/* Length of the UTF-8 sequence at s (at most n bytes), 0 if it is not valid UTF-8. */
static size_t utf8_length(const unsigned char *s, size_t n)
{
    size_t len, i;
    unsigned cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
        cp = s[0] & 0x1Fu;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        cp = s[0] & 0x0Fu;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    /* overlong forms, UTF-16 surrogates and code points past U+10FFFF */
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* A string in quotes: \" \\ and control characters escaped, everything else as it is. */
static void put_string(struct sl_jw *w, const char *str, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run = 0;

    sl_jw_add(w, "\"", 1);
    while (i < n) {
        char esc[6];
        size_t elen = 2, len;

        if (s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\') {
            i++; /* plain ASCII, the common case */
            continue;
        }
        if (s[i] >= 0x80) {
            len = utf8_length(s + i, n - i);
            if (!len) {
                w->failed = 1;
                return;
            }
            i += len;
            continue;
        }
        sl_jw_add(w, str + run, i - run);
        esc[0] = '\\';
        switch (s[i]) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[s[i] >> 4];
            esc[5] = hex[s[i] & 15];
            elen = 6;
        }
        sl_jw_add(w, esc, elen);
        i++;
        run = i;
    }
    sl_jw_add(w, str + run, n - run);
    sl_jw_add(w, "\"", 1);
}

/* Decimal digits of v into the end of buf (which ends at end); returns where they start. */
static char *put_digits(char *end, unsigned long long v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

static void put_integer(struct sl_jw *w, json_int_t v)
{
    char buf[24], *end = buf + sizeof(buf), *p;
    unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

    p = put_digits(end, mag);
    if (v < 0)
        *--p = '-';
    sl_jw_add(w, p, (size_t)(end - p));
}

static const double pow10_exact[] = { /* every power of ten a double holds exactly */
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/*
 * The 10 significant digits of a > 0 as printf rounds them (to nearest, ties to even on the
 * exact binary value) and the decimal exponent of the first: a = digits * 10^(exp - 9). One
 * multiplication by an exact power of ten, rounded once, is within 1.2e-6 of the exact scaled
 * value; when that is too close to a tie to decide the rounding, or a is out of the range the
 * exact powers cover, 0 says so and the caller asks snprintf.
 */
static int ten_digits(double a, unsigned long long *digits, int *exp)
{
    uint64_t bits;
    int e, tries;

    /* log10 from the binary exponent, low by at most one, which the loop below puts right */
    memcpy(&bits, &a, sizeof(bits));
    e = (int)floor(((double)((int)(bits >> 52) - 1023)) * 0.30102999566398120);

    for (tries = 0; tries < 3; tries++) {
        int p = 9 - e;
        double scaled, frac;
        unsigned long long n;

        if (p > 22 || p < -22)
            return 0;
        scaled = p >= 0 ? a * pow10_exact[p] : a / pow10_exact[-p];
        if (scaled < 1e9) {
            e--;
            continue;
        }
        if (scaled >= 1e10) {
            e++;
            continue;
        }
        n = (unsigned long long)scaled;
        frac = scaled - (double)n;
        if (fabs(frac - 0.5) < 1e-5)
            return 0;
        n += frac > 0.5;
        if (n == 10000000000ULL) {
            n = 1000000000ULL;
            e++;
        }
        *digits = n;
        *exp = e;
        return 1;
    }
    return 0;
}

/* What json_dumps writes for a real when snprintf must decide: its own steps, done here. */
static void put_real_slow(struct sl_jw *w, double v)
{
    char buf[40], *e, *from, *to;
    int n = snprintf(buf, sizeof(buf) - 3, "%.10g", v);

    if (n < 0 || (size_t)n >= sizeof(buf) - 3) {
        w->failed = 1;
        return;
    }
    if (!strchr(buf, '.') && !strchr(buf, 'e'))
        memcpy(buf + n, ".0", 3);
    e = strchr(buf, 'e');
    if (e) { /* e+20 -> e20, e-05 -> e-5 */
        from = to = e + 1;
        if (*from == '+')
            from++;
        else if (*from == '-')
            from = ++to;
        while (*from == '0' && from[1])
            from++;
        memmove(to, from, strlen(from) + 1);
    }
    sl_jw_add(w, buf, strlen(buf));
}

/*
 * %.10g as json_dumps finishes it: fixed notation for exponents -4..9, otherwise d.ddde[-]X,
 * trailing zeros dropped, and ".0" after a number that would otherwise read as an integer.
 */
static void put_real(struct sl_jw *w, double v)
{
    char d[10], buf[40], *p = buf;
    unsigned long long digits;
    int exp, last, i;

    if (v == 0.0) {
        sl_jw_add(w, signbit(v) ? "-0.0" : "0.0", signbit(v) ? 4 : 3);
        return;
    }
    if (!isfinite(v) || !ten_digits(fabs(v), &digits, &exp)) {
        put_real_slow(w, v);
        return;
    }
    for (i = 9; i >= 0; i--, digits /= 10)
        d[i] = (char)('0' + digits % 10);
    for (last = 9; last > 0 && d[last] == '0'; last--)
        ;
    if (v < 0)
        *p++ = '-';
    if (exp < -4 || exp >= 10) {
        *p++ = d[0];
        if (last > 0) {
            *p++ = '.';
            memcpy(p, d + 1, (size_t)last);
            p += last;
        }
        *p++ = 'e';
        if (exp < 0)
            *p++ = '-';
        {
            char num[8], *end = num + sizeof(num), *q = put_digits(end, (unsigned)abs(exp));

            memcpy(p, q, (size_t)(end - q));
            p += end - q;
        }
    } else if (exp >= 0) {
        memcpy(p, d, (size_t)exp + 1);
        p += exp + 1;
        *p++ = '.';
        if (last > exp) {
            memcpy(p, d + exp + 1, (size_t)(last - exp));
            p += last - exp;
        } else {
            *p++ = '0';
        }
    } else {
        *p++ = '0';
        *p++ = '.';
        for (i = -1; i > exp; i--)
            *p++ = '0';
        memcpy(p, d, (size_t)last + 1);
        p += last + 1;
    }
    sl_jw_add(w, buf, (size_t)(p - buf));
}

static struct sl_jw_obj open_at(struct sl_jw *w, int depth, char open, char close)
{
    struct sl_jw_obj o = { w, depth, 0, close };

    sl_jw_add(w, &open, 1);
    return o;
}

struct sl_jw_obj sl_jw_object(struct sl_jw *w, int depth)
{
    return open_at(w, depth, '{', '}');
}

struct sl_jw_obj sl_jw_array(struct sl_jw *w, int depth)
{
    return open_at(w, depth, '[', ']');
}

void sl_jw_close(struct sl_jw_obj *o)
{
    if (o->n)
        newline(o->w, o->depth);
    sl_jw_add(o->w, &o->close, 1);
}

/* The next member: a comma after the first, its line and indent, and its key (n bytes) if any. */
static void next_member(struct sl_jw_obj *o, const char *key, size_t n)
{
    if (o->n++)
        sl_jw_add(o->w, ",", 1);
    newline(o->w, o->depth + 1);
    if (key) {
        put_string(o->w, key, n);
        sl_jw_add(o->w, ": ", 2);
    }
}

void sl_jw_next(struct sl_jw_obj *o, const char *key)
{
    next_member(o, key, key ? strlen(key) : 0);
}

void sl_jw_value(struct sl_jw *w, const json_t *v, int depth)
{
    if (w->failed)
        return;
    if (!v || depth > MAX_DEPTH) {
        w->failed = 1;
        return;
    }
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        struct sl_jw_obj o = sl_jw_object(w, depth);
        void *it;

        for (it = json_object_iter((json_t *)v); it && !w->failed;
             it = json_object_iter_next((json_t *)v, it)) {
            next_member(&o, json_object_iter_key(it), json_object_iter_key_len(it));
            sl_jw_value(w, json_object_iter_value(it), depth + 1);
        }
        sl_jw_close(&o);
        return;
    }
    case JSON_ARRAY: {
        struct sl_jw_obj o = sl_jw_array(w, depth);
        size_t i, n = json_array_size(v);

        for (i = 0; i < n && !w->failed; i++) {
            next_member(&o, NULL, 0);
            sl_jw_value(w, json_array_get(v, i), depth + 1);
        }
        sl_jw_close(&o);
        return;
    }
    case JSON_STRING:
        put_string(w, json_string_value(v), json_string_length(v));
        return;
    case JSON_INTEGER:
        put_integer(w, json_integer_value(v));
        return;
    case JSON_REAL:
        put_real(w, json_real_value(v));
        return;
    case JSON_TRUE:
        sl_jw_add(w, "true", 4);
        return;
    case JSON_FALSE:
        sl_jw_add(w, "false", 5);
        return;
    case JSON_NULL:
        sl_jw_add(w, "null", 4);
        return;
    }
    w->failed = 1;
}

void sl_jw_put_num(struct sl_jw_obj *o, const char *key, double v)
{
    sl_jw_next(o, key);
    if (isfinite(v))
        put_real(o->w, v);
    else
        sl_jw_add(o->w, "null", 4);
}

void sl_jw_put_int(struct sl_jw_obj *o, const char *key, long long v)
{
    sl_jw_next(o, key);
    put_integer(o->w, (json_int_t)v);
}

void sl_jw_put_str(struct sl_jw_obj *o, const char *key, const char *s)
{
    sl_jw_next(o, key);
    if (s)
        put_string(o->w, s, strlen(s));
    else
        sl_jw_add(o->w, "null", 4);
}

void sl_jw_put_bool(struct sl_jw_obj *o, const char *key, int b)
{
    sl_jw_next(o, key);
    sl_jw_add(o->w, b ? "true" : "false", b ? 4 : 5);
}

void sl_jw_put_null(struct sl_jw_obj *o, const char *key)
{
    sl_jw_next(o, key);
    sl_jw_add(o->w, "null", 4);
}

struct sl_jw_obj sl_jw_put_object(struct sl_jw_obj *o, const char *key)
{
    sl_jw_next(o, key);
    return sl_jw_object(o->w, o->depth + 1);
}

struct sl_jw_obj sl_jw_put_array(struct sl_jw_obj *o, const char *key)
{
    sl_jw_next(o, key);
    return sl_jw_array(o->w, o->depth + 1);
}

/* Items lo..hi-1 of an array at `depth` (their own at depth + 1), a comma before all but 0. */
static void write_items(struct sl_jw *w, int depth, size_t lo, size_t hi, sl_jw_item_fn *item,
                        const void *ctx)
{
    struct sl_jw_obj a = { w, depth, lo, ']' }; /* lo items before: a comma unless the first */
    size_t i;

    for (i = lo; i < hi && !w->failed; i++) {
        next_member(&a, NULL, 0);
        item(w, ctx, i, depth + 1);
    }
}

/* An array's items written in contiguous chunks, chunk k into part[k] (chunk 0 into first). */
struct items_job {
    size_t n, parts;
    int depth;
    sl_jw_item_fn *item;
    const void *ctx;
    struct sl_jw *first;
    struct sl_jw part[SL_PARALLEL_MAX];
};

static void items_part(void *arg, long k)
{
    struct items_job *j = arg;
    /* parts <= n: every chunk holds one item or more */
    size_t lo = (size_t)k * j->n / j->parts, hi = ((size_t)k + 1) * j->n / j->parts;

    write_items(k ? &j->part[k] : j->first, j->depth, lo, hi, j->item, j->ctx);
}

void sl_jw_put_items(struct sl_jw_obj *o, const char *key, size_t n, sl_jw_item_fn *item,
                     const void *ctx, unsigned threads)
{
    struct sl_jw_obj a = sl_jw_put_array(o, key);
    struct items_job *j = NULL;
    size_t parts = (size_t)sl_parallel_threads(threads), i;

    if (parts > n)
        parts = n;
    if (parts > 1)
        j = sl_calloc(1, sizeof(*j));
    if (j) {
        *j = (struct items_job){ .n = n, .parts = parts, .depth = a.depth,
                                 .item = item, .ctx = ctx, .first = a.w };
        sl_parallel((long)parts, items_part, j);
        for (i = 1; i < parts; i++) { /* each chunk freed once copied: 1.5 times the text */
            if (j->part[i].failed)
                a.w->failed = 1;
            else
                sl_jw_add(a.w, j->part[i].s, j->part[i].len);
            sl_free(j->part[i].s);
        }
        sl_free(j);
    } else {
        write_items(a.w, a.depth, 0, n, item, ctx);
    }
    a.n = n;
    sl_jw_close(&a);
}

char *sl_jw_finish(struct sl_jw *w)
{
    if (!w->failed && !w->s)
        reserve(w, 0);
    if (w->failed) {
        sl_free(w->s);
        w->s = NULL;
    }
    return w->s;
}
