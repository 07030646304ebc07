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

/* The text (the caller's, freed with sl_free), or NULL after a failure (w's memory freed). */
char *sl_jw_finish(struct sl_jw *w);

#endif
