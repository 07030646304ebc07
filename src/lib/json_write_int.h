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

/* Appends a line break and the indent of depth (2 spaces a level). */
void sl_jw_newline(struct sl_jw *w, int depth);

/*
 * Appends v as json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))
 * writes it when v sits at `depth` (0 for the root), byte for byte.
 */
void sl_jw_value(struct sl_jw *w, const json_t *v, int depth);

/* At `depth` inside an object: a comma unless first, a line break, the indent and "key": . */
void sl_jw_key(struct sl_jw *w, const char *key, int depth, int first);

/* A real as sl_json_num's tree would be written: null when v is NaN or infinite. */
void sl_jw_num(struct sl_jw *w, double v);

/* An integer. */
void sl_jw_int(struct sl_jw *w, long long v);

/* A string, or null for NULL. */
void sl_jw_string(struct sl_jw *w, const char *s);

/* Writes item i of an array at `depth`, straight into w. */
typedef void sl_jw_item_fn(struct sl_jw *w, const void *ctx, size_t i, int depth);

/*
 * The text of doc with items 0..n-1 in the array that is doc's last member (empty in doc),
 * each written by item() without a tree: for documents of 100,000 points. The items are
 * written in contiguous chunks on `threads` threads (0: one per CPU), so item() must be safe
 * to call from several at once. Takes doc; NULL when memory runs out.
 */
char *sl_jw_dump_array(json_t *doc, size_t n, sl_jw_item_fn *item, const void *ctx,
                       unsigned threads);

/* The text (the caller's, freed with sl_free), or NULL after a failure (w's memory freed). */
char *sl_jw_finish(struct sl_jw *w);

#endif
