/* What scalelab's libFuzzer targets share: the entry points, property checks, input helpers. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_FUZZ_H
#define SL_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scalelab/alloc.h"

/* libFuzzer calls these; declared here for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * A promise of the code under test was broken: say which and abort, which libFuzzer reports as
 * a crash (and keeps the input as its reproducer).
 */
#define FUZZ_CHECK(cond) ((cond) ? (void)0 : fuzz_fail(#cond, __FILE__, __LINE__))

/* What the target was looking at, printed with a failed property (set it with fuzz_note). */
static char fuzz_context[1024];

static inline void fuzz_fail(const char *what, const char *file, int line)
{
    fprintf(stderr, "%s:%d: property failed: %s\n", file, line, what);
    if (fuzz_context[0])
        fprintf(stderr, "  while checking: %s\n", fuzz_context);
    abort();
}

static inline void fuzz_note(const char *what, const char *method, const char *path,
                             int status, const char *body, size_t len)
{
    snprintf(fuzz_context, sizeof(fuzz_context), "%s %.32s %.200s -> %d %.*s", what, method,
             path, status, (int)(len > 600 ? 600 : len), body ? body : "");
}

/* data[0..size) as a NUL-terminated string (cut at its first NUL); owned by the caller. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = sl_malloc(size + 1);

    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* The next line of [*p, end) without its '\n' into *line and *len; 0 when none is left. */
static inline int fuzz_next_line(const char **p, const char *end, const char **line,
                                 size_t *len)
{
    const char *nl;

    if (*p >= end)
        return 0;
    nl = memchr(*p, '\n', (size_t)(end - *p));
    *line = *p;
    *len = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
    *p = nl ? nl + 1 : end;
    return 1;
}

/* Most query parameters one fuzzed request keeps; more sets its overflow. */
#define FUZZ_QUERY_MAX 160

/* A request line decoded the way libmicrohttpd decodes it for its handler. */
struct fuzz_request {
    char method[64];
    const char *path;                   /* decoded, without the query */
    size_t nargs;
    int overflow;                       /* more than FUZZ_QUERY_MAX parameters */
    int nul;                            /* %00 decoded in the path or a parameter */
    const char *keys[FUZZ_QUERY_MAX];   /* decoded */
    const char *values[FUZZ_QUERY_MAX]; /* NULL for a bare key */
    char *buf;                          /* owns the decoded text */
};

static inline int fuzz_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes %XX in s in place ('+' as a space too when plus); sets *nul if a NUL came out. */
static inline void fuzz_unescape(char *s, int plus, int *nul)
{
    char *o = s;

    for (; *s; s++) {
        int hi = *s == '%' ? fuzz_hex(s[1]) : -1, lo = hi >= 0 ? fuzz_hex(s[2]) : -1;

        if (lo >= 0) {
            *o = (char)(hi * 16 + lo);
            *nul |= *o == '\0';
            o++;
            s += 2;
        } else {
            *o++ = plus && *s == '+' ? ' ' : *s;
        }
    }
    *o = '\0';
}

/*
 * Decodes "[METHOD ]TARGET" (GET when the line starts with '/') into rq: the path and each
 * '&'-separated key[=value] of the query unescaped. Release with fuzz_request_release.
 */
static inline void fuzz_request_parse(struct fuzz_request *rq, const char *line, size_t len)
{
    const char *sp = line[0] == '/' ? NULL : memchr(line, ' ', len);
    char *q, *next;
    size_t mlen = sp ? (size_t)(sp - line) : 0;

    memset(rq, 0, sizeof(*rq));
    snprintf(rq->method, sizeof(rq->method), "%.*s", (int)mlen, line);
    if (!sp) {
        snprintf(rq->method, sizeof(rq->method), "GET");
    } else {
        len -= mlen + 1;
        line = sp + 1;
    }
    rq->buf = fuzz_cstr((const uint8_t *)line, len);
    q = strchr(rq->buf, '?');
    if (q)
        *q++ = '\0';
    fuzz_unescape(rq->buf, 0, &rq->nul);
    rq->path = rq->buf;
    for (; q; q = next) {
        char *eq;

        next = strchr(q, '&');
        if (next)
            *next++ = '\0';
        if (rq->nargs == FUZZ_QUERY_MAX) {
            rq->overflow = 1;
            break;
        }
        eq = strchr(q, '=');
        if (eq) {
            *eq++ = '\0';
            fuzz_unescape(eq, 1, &rq->nul);
        }
        fuzz_unescape(q, 1, &rq->nul);
        rq->keys[rq->nargs] = q;
        rq->values[rq->nargs++] = eq;
    }
}

static inline void fuzz_request_release(struct fuzz_request *rq)
{
    sl_free(rq->buf);
    rq->buf = NULL;
}

#endif
