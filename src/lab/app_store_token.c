/* The token store of `scalelab app`: sessions in signed cookies, counter and seats in memory. */
/* SPDX-License-Identifier: MIT */
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "lab/app_codec.h"
#include "banned.h"

struct token_store {
    struct app_store base;
    struct app_store *mem; /* owned: the counter and the bookings */
    unsigned char key[APP_KEY_MAX];
    size_t key_len;
};

static enum app_result token_login(struct app_store *st, const char *user,
                                   struct app_session *s)
{
    struct token_store *t = (struct token_store *)st;

    app_session_begin(s, user, NULL);
    return app_token_seal(t->key, t->key_len, s);
}

static enum app_result token_get_session(struct app_store *st, const char *cookie,
                                         int with_cart, struct app_session *s)
{
    struct token_store *t = (struct token_store *)st;

    (void)with_cart; /* the cart comes with the token anyway */
    return app_token_open(t->key, t->key_len, cookie, s);
}

/*
 * Needs no Idempotency-Key: the cart travels in the token, so a replay, which carries the same
 * token, yields the same new token and adds nothing twice.
 */
static enum app_result token_add_item(struct app_store *st, const char *cookie,
                                      const char *item, const char *idem,
                                      struct app_session *s, int *replayed)
{
    struct token_store *t = (struct token_store *)st;
    enum app_result res = app_token_open(t->key, t->key_len, cookie, s);

    (void)idem;
    (void)replayed;
    if (res != APP_OK)
        return res;
    if (s->n_items == APP_CART_MAX) {
        memmove(s->items, s->items + 1, (APP_CART_MAX - 1) * sizeof(s->items[0]));
        s->n_items--;
    }
    app_name_copy(s->items[s->n_items++], item, strlen(item));
    return app_token_seal(t->key, t->key_len, s);
}

/* The counter and the seats are the memory store's: per process, as the lab shows. */
static enum app_result token_incr_counter(struct app_store *st, const char *user,
                                          const char *idem, long long *value, int *replayed)
{
    struct app_store *mem = ((struct token_store *)st)->mem;

    return mem->ops->incr_counter(mem, user, idem, value, replayed);
}

static enum app_result token_get_counter(struct app_store *st, long long *value)
{
    struct app_store *mem = ((struct token_store *)st)->mem;

    return mem->ops->get_counter(mem, value);
}

static enum app_result token_book_seat(struct app_store *st, long seat, const char *user,
                                       const char *idem, int *replayed)
{
    struct app_store *mem = ((struct token_store *)st)->mem;

    return mem->ops->book_seat(mem, seat, user, idem, replayed);
}

static enum app_result token_ready(struct app_store *st)
{
    struct app_store *mem = ((struct token_store *)st)->mem;

    return mem->ops->ready(mem);
}

static void token_close(struct app_store *st)
{
    struct token_store *t = (struct token_store *)st;

    if (!t)
        return;
    if (t->mem)
        t->mem->ops->close(t->mem);
    OPENSSL_cleanse(t->key, sizeof(t->key));
    sl_free(t);
}

static const struct app_store_ops token_ops = {
    "token", "token", token_login, token_get_session, token_add_item, token_incr_counter,
    token_get_counter, token_book_seat, token_ready, token_close
};

struct app_store *app_store_token_new(const unsigned char *key, size_t key_len)
{
    struct token_store *t;

    if (key_len < APP_KEY_MIN || key_len > APP_KEY_MAX)
        return NULL;
    t = sl_calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->base.ops = &token_ops;
    memcpy(t->key, key, key_len);
    t->key_len = key_len;
    t->mem = app_store_memory_new();
    if (!t->mem) {
        token_close(&t->base);
        return NULL;
    }
    return &t->base;
}

int app_token_key_random(unsigned char *key, size_t len)
{
    return RAND_bytes(key, (int)len) == 1 ? 0 : -1;
}
