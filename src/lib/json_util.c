/* Helpers shared by the library's JSON encoders: nulls for non-finite numbers, one dump format. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "scalelab/json.h"
#include "banned.h"

json_t *sl_json_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *sl_json_count(uint64_t n)
{
    return n <= (uint64_t)INT64_MAX ? json_integer((json_int_t)n) : json_real((double)n);
}

json_t *sl_json_u64(uint64_t n)
{
    char digits[24];

    if (n <= (1ULL << 53))
        return json_integer((json_int_t)n);
    snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
    return json_string(digits);
}

int sl_json_put(json_t *o, const char *key, json_t *value)
{
    if (!o || !value) {
        json_decref(value);
        return 1;
    }
    return json_object_set_new(o, key, value) != 0;
}

json_t *sl_json_done(json_t *o, int bad)
{
    if (bad || !o) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/*
 * The text is copied into sl_malloc'd memory so that callers free it with sl_free whatever
 * allocator jansson was given.
 */
char *sl_json_dump(json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                       JSON_REAL_PRECISION(10)) : NULL;
    char *copy = text ? sl_strdup(text) : NULL;

    if (text) {
        json_malloc_t jmalloc;
        json_free_t jfree;

        json_get_alloc_funcs(&jmalloc, &jfree);
        jfree(text);
    }
    json_decref(doc);
    return copy;
}

/* A growing text: appended to, NULL after memory ran out. */
struct text {
    char *s;
    size_t len, cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
    if (!t->s)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = (t->len + n + 1) * 2;
        char *grown = sl_realloc(t->s, cap);

        if (!grown) {
            sl_free(t->s);
            t->s = NULL;
            return;
        }
        t->s = grown;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

/* Adds s with every line after the first indented by 4 more spaces: an array member at depth 1. */
static void text_add_member(struct text *t, const char *s)
{
    const char *nl;

    text_add(t, "    ", 4);
    while ((nl = strchr(s, '\n')) != NULL) {
        text_add(t, s, (size_t)(nl - s) + 1);
        text_add(t, "    ", 4);
        s = nl + 1;
    }
    text_add(t, s, strlen(s));
}

char *sl_json_dump_array(json_t *doc, size_t n, json_t *(*item)(void *ctx, size_t i), void *ctx)
{
    char *head = sl_json_dump(doc), *tail;
    struct text t = { NULL, 0, 0 };
    size_t i;

    /* the empty array is the last member: the dump ends "[]\n}", its last "[]" */
    tail = NULL;
    for (i = head ? strlen(head) : 0; !tail && i >= 2; i--)
        if (head[i - 2] == '[' && head[i - 1] == ']')
            tail = head + i - 2;
    if (!tail) {
        sl_free(head);
        return NULL;
    }
    if (!n)
        return head;
    t.cap = strlen(head) + 1024;
    t.s = sl_malloc(t.cap);
    if (t.s)
        t.s[0] = '\0';
    text_add(&t, head, (size_t)(tail - head));
    text_add(&t, "[\n", 2);
    for (i = 0; i < n && t.s; i++) {
        json_t *one = item(ctx, i);
        char *dumped = one ? sl_json_dump(one) : NULL;

        if (!dumped) {
            sl_free(t.s);
            t.s = NULL;
            break;
        }
        text_add_member(&t, dumped);
        text_add(&t, i + 1 < n ? ",\n" : "\n", i + 1 < n ? 2 : 1);
        sl_free(dumped);
    }
    text_add(&t, "  ]", 3);
    text_add(&t, tail + 2, strlen(tail + 2));
    sl_free(head);
    return t.s;
}
