/* The redis store of `scalelab app`: sessions, carts, counter and seats in Redis (hiredis). */
/* SPDX-License-Identifier: MIT */
#include <assert.h>
#include <errno.h>
#include <hiredis/hiredis.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "scalelab/alloc.h"
#include "lab/app_codec.h"
#include "banned.h"

#define REDIS_TIMEOUT_US 200000 /* connect and command timeout */

/* One connection per thread, commands pipelined; any failure is a 503. */
struct redis_store {
    struct app_store base;
    char *host;                  /* owned */
    int port;
    char *pass;                  /* owned, wiped on close; NULL: no AUTH */
    size_t pass_len;             /* bytes */
    pthread_key_t conn_key;      /* this thread's redisContext, freed when the thread ends */
};

static void conn_free(void *c)
{
    redisFree(c);
}

/*
 * Nonzero if nothing waits on an idle connection: no reply without a command and no end of
 * file, as after a Redis restart, which would otherwise fail this thread's next request.
 */
static int conn_idle(const redisContext *c)
{
    char b;

    return recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) < 0 &&
           (errno == EAGAIN || errno == EWOULDBLOCK);
}

/* Nonzero if a Redis error reply says that the connection is not (or wrongly) authenticated. */
static int auth_error(const char *msg)
{
    return !strncmp(msg, "NOAUTH", 6) || !strncmp(msg, "WRONGPASS", 9) ||
           !strncmp(msg, "ERR AUTH", 8) || !strncmp(msg, "ERR invalid password", 20);
}

/* Keeps the first line of Redis's error text in why, without a final full stop. */
static void error_text(const char *msg, size_t len, char *why, size_t whylen)
{
    size_t n = strcspn(msg, "\r\n");

    if (n > len)
        n = len;
    if (n && msg[n - 1] == '.')
        n--;
    snprintf(why, whylen, "%.*s", (int)n, msg);
}

/*
 * A new connection with the store's timeouts, authenticated when the store has a password.
 * NULL on failure, with *res APP_UNAVAILABLE (no connection) or APP_DENIED (AUTH refused) and
 * the reason in why.
 */
static redisContext *redis_connect(struct redis_store *r, enum app_result *res, char *why,
                                   size_t whylen)
{
    struct timeval tv = { 0, REDIS_TIMEOUT_US };
    redisContext *c = redisConnectWithTimeout(r->host, r->port, tv);
    redisReply *rep;

    *res = APP_UNAVAILABLE;
    if (!c) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    if (c->err || redisSetTimeout(c, tv) != REDIS_OK) {
        snprintf(why, whylen, "%s", c->err ? c->errstr : "cannot set a timeout");
        redisFree(c);
        return NULL;
    }
    if (r->pass) {
        rep = redisCommand(c, "AUTH %b", r->pass, r->pass_len);
        if (!rep || rep->type != REDIS_REPLY_STATUS) {
            if (rep && rep->type == REDIS_REPLY_ERROR) {
                error_text(rep->str, rep->len, why, whylen);
                *res = auth_error(rep->str) ? APP_DENIED : APP_UNAVAILABLE;
            } else {
                snprintf(why, whylen, "%s", c->err ? c->errstr : "no answer to AUTH");
            }
            if (rep)
                freeReplyObject(rep);
            redisFree(c);
            return NULL;
        }
        freeReplyObject(rep);
    }
    *res = APP_OK;
    return c;
}

/*
 * This thread's connection, (re)connected and authenticated if needed; NULL when Redis cannot
 * be reached (*res APP_UNAVAILABLE) or refuses the password (*res APP_DENIED).
 */
static redisContext *conn_get(struct redis_store *r, enum app_result *res)
{
    redisContext *c = pthread_getspecific(r->conn_key);
    char why[256];

    *res = APP_OK;
    if (c && !c->err && conn_idle(c))
        return c;
    if (c) {
        pthread_setspecific(r->conn_key, NULL);
        redisFree(c);
    }
    c = redis_connect(r, res, why, sizeof(why));
    if (c && pthread_setspecific(r->conn_key, c)) {
        redisFree(c);
        *res = APP_UNAVAILABLE;
        return NULL;
    }
    return c;
}

/* Forgets this thread's connection: after a timeout its replies can no longer be matched. */
static void conn_drop(struct redis_store *r)
{
    redisContext *c = pthread_getspecific(r->conn_key);

    if (!c)
        return;
    pthread_setspecific(r->conn_key, NULL);
    redisFree(c);
}

static void free_replies(redisReply **rep, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (rep[i])
            freeReplyObject(rep[i]);
}

/*
 * Reads the replies to the n commands appended to c into rep[0..n) (the caller frees them with
 * free_replies). `appended` is nonzero if every append succeeded. On a failure nothing is left
 * in rep and the result is APP_UNAVAILABLE; a broken connection is dropped. An error reply from
 * Redis is a failure too: APP_DENIED if it is about authentication, else APP_UNAVAILABLE.
 */
static enum app_result read_replies(struct redis_store *r, redisContext *c, int appended,
                                    size_t n, redisReply **rep)
{
    enum app_result failed = APP_OK;
    size_t i;

    memset(rep, 0, n * sizeof(*rep));
    if (!appended) {
        conn_drop(r);
        return APP_UNAVAILABLE;
    }
    for (i = 0; i < n; i++) {
        void *one = NULL;

        if (redisGetReply(c, &one) != REDIS_OK || !one) {
            free_replies(rep, n);
            memset(rep, 0, n * sizeof(*rep));
            conn_drop(r);
            return APP_UNAVAILABLE;
        }
        rep[i] = one;
        if (rep[i]->type == REDIS_REPLY_ERROR && failed != APP_DENIED)
            failed = auth_error(rep[i]->str) ? APP_DENIED : APP_UNAVAILABLE;
    }
    if (failed == APP_OK)
        return APP_OK;
    free_replies(rep, n);
    memset(rep, 0, n * sizeof(*rep));
    return failed;
}

/* Copies a LRANGE answer into the session's cart (the newest APP_CART_MAX items). */
static enum app_result copy_cart(const redisReply *list, struct app_session *s)
{
    size_t i, first;

    if (list->type != REDIS_REPLY_ARRAY)
        return APP_UNAVAILABLE;
    first = list->elements > APP_CART_MAX ? list->elements - APP_CART_MAX : 0;
    s->n_items = 0;
    for (i = first; i < list->elements; i++) {
        const redisReply *e = list->element[i];

        if (e->type != REDIS_REPLY_STRING || e->len < 1 || e->len > APP_NAME_MAX)
            return APP_UNAVAILABLE;
        app_name_copy(s->items[s->n_items++], e->str, e->len);
    }
    return APP_OK;
}

static enum app_result redis_login(struct app_store *st, const char *user,
                                   struct app_session *s)
{
    struct redis_store *r = (struct redis_store *)st;
    enum app_result res;
    redisContext *c = conn_get(r, &res);
    unsigned char sid[APP_SID_BYTES];
    char hex[APP_SID_HEX + 1];
    redisReply *rep[4];
    int ok = 1;

    if (!c)
        return res;
    if (app_sid_new(sid, hex))
        return APP_UNAVAILABLE;
    ok &= redisAppendCommand(c, "MULTI") == REDIS_OK;
    ok &= redisAppendCommand(c, "HSET sess:%s user %s", hex, user) == REDIS_OK;
    ok &= redisAppendCommand(c, "EXPIRE sess:%s %d", hex, APP_SESSION_TTL_S) == REDIS_OK;
    ok &= redisAppendCommand(c, "EXEC") == REDIS_OK;
    res = read_replies(r, c, ok, 4, rep);
    if (res == APP_OK && (rep[3]->type != REDIS_REPLY_ARRAY || rep[3]->elements != 2 ||
                          rep[3]->element[0]->type != REDIS_REPLY_INTEGER ||
                          rep[3]->element[1]->type != REDIS_REPLY_INTEGER))
        res = APP_UNAVAILABLE;
    free_replies(rep, 4);
    if (res != APP_OK)
        return res;
    app_session_begin(s, user, hex);
    return APP_OK;
}

static enum app_result redis_get_session(struct app_store *st, const char *cookie, int with_cart,
                                         struct app_session *s)
{
    struct redis_store *r = (struct redis_store *)st;
    redisContext *c;
    redisReply *rep[4];
    size_t n = with_cart ? 4 : 3;
    enum app_result res;
    int ok = 1;

    if (app_sid_parse(cookie, NULL))
        return APP_NO_SESSION;
    c = conn_get(r, &res);
    if (!c)
        return res;
    ok &= redisAppendCommand(c, "HGET sess:%s user", cookie) == REDIS_OK;
    ok &= redisAppendCommand(c, "EXPIRE sess:%s %d", cookie, APP_SESSION_TTL_S) == REDIS_OK;
    ok &= redisAppendCommand(c, "EXPIRE cart:%s %d", cookie, APP_SESSION_TTL_S) == REDIS_OK;
    if (with_cart)
        ok &= redisAppendCommand(c, "LRANGE cart:%s 0 -1", cookie) == REDIS_OK;
    res = read_replies(r, c, ok, n, rep);
    if (res == APP_OK && rep[0]->type == REDIS_REPLY_NIL)
        res = APP_NO_SESSION;
    else if (res == APP_OK && (rep[0]->type != REDIS_REPLY_STRING || rep[0]->len < 1 ||
                               rep[0]->len > APP_NAME_MAX))
        res = APP_UNAVAILABLE;
    if (res == APP_OK) {
        app_name_copy(s->user, rep[0]->str, rep[0]->len);
        s->n_items = 0;
        s->cookie[0] = '\0';
        if (with_cart)
            res = copy_cart(rep[3], s);
    }
    free_replies(rep, n);
    return res;
}

/*
 * Claims Idempotency-Key idem of user on route: SET idem:<user>:<route>:<key> <user> NX EX
 * APP_IDEM_TTL_S. *first is 1 when this request set it (apply the write), 0 when an earlier
 * one did (answer a replay). The write follows in a second command, so an app killed between
 * the two loses that write: its replay finds the key and applies nothing (the client, which got
 * no answer the first time, counts such a write as unknown).
 */
static enum app_result redis_idem_claim(struct redis_store *r, const char *idem,
                                        const char *user, const char *route, int *first)
{
    char scope[APP_IDEM_SCOPE_MAX];
    enum app_result res;
    redisContext *c;
    redisReply *rep[1];
    int ok = 1;

    if (app_idem_scope(scope, user, route, idem))
        return APP_NOMEM;
    c = conn_get(r, &res);
    if (!c)
        return res;
    ok &= redisAppendCommand(c, "SET idem:%s %s NX EX %d", scope, user,
                             APP_IDEM_TTL_S) == REDIS_OK;
    res = read_replies(r, c, ok, 1, rep);
    if (res == APP_OK && rep[0]->type == REDIS_REPLY_NIL)
        *first = 0;
    else if (res == APP_OK && rep[0]->type == REDIS_REPLY_STATUS)
        *first = 1;
    else if (res == APP_OK)
        res = APP_UNAVAILABLE;
    free_replies(rep, 1);
    return res;
}

static enum app_result redis_add_item(struct app_store *st, const char *cookie, const char *item,
                                      const char *idem, struct app_session *s, int *replayed)
{
    struct redis_store *r = (struct redis_store *)st;
    redisContext *c;
    redisReply *rep[6];
    enum app_result res = redis_get_session(st, cookie, 0, s);
    char route[APP_IDEM_SCOPE_MAX];
    int ok = 1, first = 1;

    snprintf(route, sizeof(route), "/cart/add?item=%s", item);
    if (res == APP_OK && idem)
        res = redis_idem_claim(r, idem, s->user, route, &first);
    if (res != APP_OK)
        return res;
    if (!first) {
        *replayed = 1;
        return redis_get_session(st, cookie, 1, s);
    }
    c = conn_get(r, &res);
    if (!c)
        return res;
    ok &= redisAppendCommand(c, "MULTI") == REDIS_OK;
    ok &= redisAppendCommand(c, "RPUSH cart:%s %s", cookie, item) == REDIS_OK;
    ok &= redisAppendCommand(c, "LTRIM cart:%s %d -1", cookie, -APP_CART_MAX) == REDIS_OK;
    ok &= redisAppendCommand(c, "EXPIRE cart:%s %d", cookie, APP_SESSION_TTL_S) == REDIS_OK;
    ok &= redisAppendCommand(c, "LRANGE cart:%s 0 -1", cookie) == REDIS_OK;
    ok &= redisAppendCommand(c, "EXEC") == REDIS_OK;
    res = read_replies(r, c, ok, 6, rep);
    if (res == APP_OK && (rep[5]->type != REDIS_REPLY_ARRAY || rep[5]->elements != 4))
        res = APP_UNAVAILABLE;
    if (res == APP_OK)
        res = copy_cart(rep[5]->element[3], s);
    free_replies(rep, 6);
    return res;
}

static enum app_result redis_get_counter(struct app_store *st, long long *value);

static enum app_result redis_incr_counter(struct app_store *st, const char *user,
                                          const char *idem, long long *value, int *replayed)
{
    struct redis_store *r = (struct redis_store *)st;
    redisContext *c;
    redisReply *rep[1];
    enum app_result res = APP_OK;
    int ok = 1, first = 1;

    if (idem)
        res = redis_idem_claim(r, idem, user, "/counter/incr", &first);
    if (res != APP_OK)
        return res;
    if (!first) {
        *replayed = 1;
        return redis_get_counter(st, value);
    }
    c = conn_get(r, &res);
    if (!c)
        return res;
    ok &= redisAppendCommand(c, "INCR counter") == REDIS_OK;
    res = read_replies(r, c, ok, 1, rep);
    if (res == APP_OK && rep[0]->type != REDIS_REPLY_INTEGER)
        res = APP_UNAVAILABLE;
    if (res == APP_OK)
        *value = rep[0]->integer;
    free_replies(rep, 1);
    return res;
}

static enum app_result redis_get_counter(struct app_store *st, long long *value)
{
    struct redis_store *r = (struct redis_store *)st;
    enum app_result res;
    redisContext *c = conn_get(r, &res);
    redisReply *rep[1];
    int ok = 1;
    char *end;

    if (!c)
        return res;
    ok &= redisAppendCommand(c, "GET counter") == REDIS_OK;
    res = read_replies(r, c, ok, 1, rep);
    if (res == APP_OK && rep[0]->type == REDIS_REPLY_NIL) {
        *value = 0;
    } else if (res == APP_OK && rep[0]->type == REDIS_REPLY_STRING) {
        errno = 0;
        *value = strtoll(rep[0]->str, &end, 10);
        if (errno || *end || end == rep[0]->str)
            res = APP_UNAVAILABLE;
    } else if (res == APP_OK) {
        res = APP_UNAVAILABLE;
    }
    free_replies(rep, 1);
    return res;
}

/* A replay of a booking answers from the seat's holder: APP_OK if it is user, else taken. */
static enum app_result redis_book_seat(struct app_store *st, long seat, const char *user,
                                       const char *idem, int *replayed)
{
    struct redis_store *r = (struct redis_store *)st;
    redisContext *c;
    redisReply *rep[1];
    enum app_result res = APP_OK;
    int ok = 1, first = 1;
    char route[32];

    assert(seat >= 0 && seat < APP_SEATS);
    snprintf(route, sizeof(route), "/seats/%ld/book", seat);
    if (idem)
        res = redis_idem_claim(r, idem, user, route, &first);
    if (res != APP_OK)
        return res;
    c = conn_get(r, &res);
    if (!c)
        return res;
    *replayed = !first;
    if (first)
        ok &= redisAppendCommand(c, "SET seat:%ld %s NX", seat, user) == REDIS_OK;
    else
        ok &= redisAppendCommand(c, "GET seat:%ld", seat) == REDIS_OK;
    res = read_replies(r, c, ok, 1, rep);
    if (res == APP_OK && rep[0]->type == REDIS_REPLY_NIL)
        res = APP_TAKEN;
    else if (res == APP_OK && first && rep[0]->type != REDIS_REPLY_STATUS)
        res = APP_UNAVAILABLE;
    else if (res == APP_OK && !first)
        res = rep[0]->type == REDIS_REPLY_STRING && rep[0]->len == strlen(user) &&
              !memcmp(rep[0]->str, user, rep[0]->len) ? APP_OK : APP_TAKEN;
    free_replies(rep, 1);
    return res;
}

static enum app_result redis_ready(struct app_store *st)
{
    struct redis_store *r = (struct redis_store *)st;
    enum app_result res;
    redisContext *c = conn_get(r, &res);
    redisReply *rep[1];
    int ok = 1;

    if (!c)
        return res;
    ok &= redisAppendCommand(c, "PING") == REDIS_OK;
    res = read_replies(r, c, ok, 1, rep);
    free_replies(rep, 1);
    return res;
}

static void redis_close(struct app_store *st)
{
    struct redis_store *r = (struct redis_store *)st;

    if (!r)
        return;
    conn_drop(r); /* the calling thread's; the others went with their threads */
    pthread_key_delete(r->conn_key);
    sl_free(r->host);
    if (r->pass)
        OPENSSL_cleanse(r->pass, r->pass_len);
    sl_free(r->pass);
    sl_free(r);
}

static const struct app_store_ops redis_ops = {
    "redis", "sid", redis_login, redis_get_session, redis_add_item, redis_incr_counter,
    redis_get_counter, redis_book_seat, redis_ready, redis_close
};

struct app_store *app_store_redis_new(const char *host, int port, const char *pass,
                                      size_t pass_len)
{
    struct redis_store *r;

    if (pass && (pass_len < 1 || pass_len > APP_REDIS_PASS_MAX))
        return NULL;
    r = sl_calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->base.ops = &redis_ops;
    r->port = port;
    r->host = sl_strdup(host);
    if (pass) {
        r->pass = sl_malloc(pass_len);
        if (r->pass)
            memcpy(r->pass, pass, pass_len);
        r->pass_len = pass_len;
    }
    if (!r->host || (pass && !r->pass) || pthread_key_create(&r->conn_key, conn_free)) {
        sl_free(r->host);
        if (r->pass)
            OPENSSL_cleanse(r->pass, r->pass_len);
        sl_free(r->pass);
        sl_free(r);
        return NULL;
    }
    return &r->base;
}

enum app_result app_store_redis_probe(struct app_store *st, char *err, size_t errlen)
{
    struct redis_store *r = (struct redis_store *)st;
    enum app_result res;
    redisContext *c;
    redisReply *rep;

    assert(st->ops == &redis_ops);
    c = redis_connect(r, &res, err, errlen);
    if (!c)
        return res;
    rep = redisCommand(c, "PING");
    if (!rep) {
        snprintf(err, errlen, "%s", c->err ? c->errstr : "no answer to PING");
        res = APP_UNAVAILABLE;
    } else if (rep->type == REDIS_REPLY_ERROR) {
        error_text(rep->str, rep->len, err, errlen);
        res = auth_error(rep->str) ? APP_DENIED : APP_UNAVAILABLE;
    }
    if (rep)
        freeReplyObject(rep);
    redisFree(c);
    return res;
}
