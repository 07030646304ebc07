/* The read-back at the end of a run: every session's cart fetched again, lost lines counted. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "lab/lab_verify.h"
#include "banned.h"

#define COOKIE_MAX 8192        /* bytes of one session's cookies (a token carries the cart) */
#define ANSWER_MAX (64 * 1024) /* bytes of one /cart answer */
#define READ_TIMEOUT_MS 8000L  /* as the client's requests: above haproxy's server timeout */

/*
 * The cookies of h's engine as one Cookie header value, in out[0..cap); 0, or -1 when there
 * are none or they do not fit. A cookie-list line is Netscape's format: the name and value are
 * its last two tab-separated fields.
 */
static int cookie_header(CURL *h, char *out, size_t cap)
{
    struct curl_slist *list = NULL, *l;
    size_t len = 0;

    out[0] = '\0';
    if (curl_easy_getinfo(h, CURLINFO_COOKIELIST, &list) != CURLE_OK)
        return -1;
    for (l = list; l && len < cap; l = l->next) {
        const char *value = strrchr(l->data, '\t'), *name = value;

        if (!value)
            continue;
        while (name > l->data && name[-1] != '\t')
            name--;
        len += (size_t)snprintf(out + len, cap - len, "%s%.*s=%s", len ? "; " : "",
                                (int)(value - name), name, value + 1);
    }
    curl_slist_free_all(list);
    return len == 0 || len >= cap ? -1 : 0;
}

void lab_verify_keep(struct lab_verify_book *b, CURL *h, const struct lab_cart *cart, int most)
{
    int acked = lab_cart_acknowledged(cart);
    char cookie[COOKIE_MAX];
    struct lab_verify_entry *e;

    if (!acked)
        return;
    if (b->n == b->cap && b->n < most) {
        int cap = b->cap ? 2 * b->cap : 16;
        struct lab_verify_entry *p;

        if (cap > most)
            cap = most;
        p = sl_realloc(b->e, (size_t)cap * sizeof(*p));
        if (p) {
            b->e = p;
            b->cap = cap;
        }
    }
    if (b->n == b->cap || cookie_header(h, cookie, sizeof(cookie))) {
        b->unverified += (uint64_t)acked;
        return;
    }
    e = &b->e[b->n];
    e->cookie = sl_strdup(cookie);
    if (!e->cookie) {
        b->unverified += (uint64_t)acked;
        return;
    }
    e->cart = *cart;
    b->n++;
}

/* Where an answer's body goes, up to ANSWER_MAX bytes; more fails the transfer. */
struct sink {
    char *buf;
    size_t len;
};

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
    struct sink *s = ctx;
    size_t len = size * n;

    if (s->len + len + 1 > ANSWER_MAX)
        return 0;
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    s->buf[s->len] = '\0';
    return len;
}

/* One session's read-back: its lines into t as lost, kept or unverified. */
static void read_back(CURL *h, char *buf, const struct lab_verify_entry *e,
                      struct lab_verify_tally *t)
{
    struct sink sink = { buf, 0 };
    uint64_t acked = (uint64_t)lab_cart_acknowledged(&e->cart);
    long status = 0;
    json_t *doc;

    buf[0] = '\0';
    curl_easy_setopt(h, CURLOPT_COOKIE, e->cookie);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    t->sessions++;
    t->acked += acked;
    if (curl_easy_perform(h) != CURLE_OK ||
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK) {
        t->unverified += acked;
        return;
    }
    if (status == 401) {
        t->lost += acked;
        return;
    }
    doc = status == 200 ? json_loadb(buf, sink.len, 0, NULL) : NULL;
    if (!json_is_object(doc))
        t->unverified += acked;
    else
        t->lost += (uint64_t)lab_cart_missing(&e->cart, json_object_get(doc, "items"));
    json_decref(doc);
}

void lab_verify_run(const struct lab_verify_book *b, const char *base, struct lab_verify_tally *t)
{
    char url[512];
    char *buf = NULL;
    CURL *h = NULL;
    int i = 0;

    t->acked += b->unverified; /* acknowledged all the same: unverified is a share of acked */
    t->unverified += b->unverified;
    if (!b->n)
        return;
    buf = sl_malloc(ANSWER_MAX);
    h = curl_easy_init();
    if (buf && h) {
        snprintf(url, sizeof(url), "%s/cart", base);
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_PROXY, "");
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, READ_TIMEOUT_MS);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        for (; i < b->n; i++)
            read_back(h, buf, &b->e[i], t);
    }
    for (; i < b->n; i++) { /* out of memory: what could not be read is unverified */
        t->sessions++;
        t->acked += (uint64_t)lab_cart_acknowledged(&b->e[i].cart);
        t->unverified += (uint64_t)lab_cart_acknowledged(&b->e[i].cart);
    }
    curl_easy_cleanup(h);
    sl_free(buf);
}

void lab_verify_release(struct lab_verify_book *b)
{
    int i;

    for (i = 0; i < b->n; i++)
        sl_free(b->e[i].cookie);
    sl_free(b->e);
    memset(b, 0, sizeof(*b));
}
