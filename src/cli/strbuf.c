/* Growable text buffer with sticky allocation failure. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "strbuf.h"
#include "banned.h"

void strbuf_init(struct strbuf *sb)
{
    memset(sb, 0, sizeof(*sb));
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (sb->failed)
        return;
    for (;;) {
        size_t room = sb->cap - sb->len;

        va_start(ap, fmt);
        n = vsnprintf(sb->buf ? sb->buf + sb->len : NULL, sb->buf ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            sb->failed = 1;
            return;
        }
        if (sb->buf && (size_t)n < room) {
            sb->len += (size_t)n;
            return;
        }
        {
            size_t cap = sb->cap ? sb->cap : 4096;
            char *nb;

            while (cap - sb->len <= (size_t)n)
                cap *= 2;
            nb = sl_realloc(sb->buf, cap);
            if (!nb) {
                sb->failed = 1;
                return;
            }
            sb->buf = nb;
            sb->cap = cap;
        }
    }
}

char *strbuf_detach(struct strbuf *sb)
{
    char *text = sb->failed ? NULL : sb->buf;

    if (sb->failed)
        sl_free(sb->buf);
    strbuf_init(sb);
    return text;
}

void strbuf_release(struct strbuf *sb)
{
    sl_free(sb->buf);
    strbuf_init(sb);
}
