/* A growable text buffer for renderers (SVG, tables). */
/* SPDX-License-Identifier: MIT */
#ifndef SL_STRBUF_H
#define SL_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *buf;    /* NUL-terminated text, owned */
    size_t len;
    size_t cap;
    int failed;   /* an allocation failed: the text is incomplete */
};

void strbuf_init(struct strbuf *sb);
/* Appends formatted text; on allocation failure sets sb->failed and appends nothing more. */
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the text to the caller (sl_free), or NULL if anything failed; sb is left empty. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);

#endif
