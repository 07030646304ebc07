/* The library's JSON text writer: json_dumps' bytes for our flags, without its cost. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_JSON_WRITE_INT_H
#define SL_JSON_WRITE_INT_H

#include <jansson.h>
#include <stddef.h>

/* A growing text; zero it to start. After a failure (no memory, invalid UTF-8) it stays failed. */
struct sl_jw {
    char *s;
    size_t len, cap;
    int failed;
};

/* Appends n bytes of s. */
void sl_jw_add(struct sl_jw *w, const char *s, size_t n);

/*
 * Appends v as json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))
 * writes it when v sits at `depth` (0 for the root), byte for byte.
 */
void sl_jw_value(struct sl_jw *w, const json_t *v, int depth);

/*
 * An object or array written straight into the text, as its tree would be by sl_jw_value:
 * opened at `depth`, members added in order, closed. No tree, no allocation but the text's.
 */
struct sl_jw_obj {
    struct sl_jw *w;
    int depth;
    size_t n;   /* members so far */
    char close; /* '}' or ']' */
};

struct sl_jw_obj sl_jw_object(struct sl_jw *w, int depth);
struct sl_jw_obj sl_jw_array(struct sl_jw *w, int depth);
void sl_jw_close(struct sl_jw_obj *o);

/* Starts the next member: a comma after the first, its line and indent, and "key": (objects). */
void sl_jw_next(struct sl_jw_obj *o, const char *key);

/* Members: key NULL inside an array. A real is null when NaN or infinite, a string when NULL. */
void sl_jw_put_num(struct sl_jw_obj *o, const char *key, double v);
void sl_jw_put_int(struct sl_jw_obj *o, const char *key, long long v);
void sl_jw_put_str(struct sl_jw_obj *o, const char *key, const char *s);
void sl_jw_put_bool(struct sl_jw_obj *o, const char *key, int b);
void sl_jw_put_null(struct sl_jw_obj *o, const char *key);
struct sl_jw_obj sl_jw_put_object(struct sl_jw_obj *o, const char *key);
struct sl_jw_obj sl_jw_put_array(struct sl_jw_obj *o, const char *key);

/* Writes item i of an array at `depth`, straight into w. */
typedef void sl_jw_item_fn(struct sl_jw *w, const void *ctx, size_t i, int depth);

/*
 * A member that is an array of items 0..n-1, each written by item(): for documents of 100,000
 * points. They are written in contiguous chunks on `threads` threads (0: one per CPU), so
 * item() must be safe to call from several at once.
 */
void sl_jw_put_items(struct sl_jw_obj *o, const char *key, size_t n, sl_jw_item_fn *item,
                     const void *ctx, unsigned threads);

/* The text (the caller's, freed with sl_free), or NULL after a failure (w's memory freed). */
char *sl_jw_finish(struct sl_jw *w);

#endif
