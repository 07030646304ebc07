/* The three stores of `scalelab app`: process memory, Redis (hiredis) and signed tokens. */
/* SPDX-License-Identifier: MIT */
#include <assert.h>
#include <errno.h>
#include <hiredis/hiredis.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include "scalelab/alloc.h"
#include "app_store.h"
#include "banned.h"

#define SID_BYTES 16                 /* 128-bit session ids */
#define SID_HEX (2 * SID_BYTES)      /* as sent in the cookie */
#define MEM_BUCKETS 65536u           /* hash chains of the memory store; a power of two */
#define REDIS_TIMEOUT_US 200000      /* connect and command timeout */
#define MAC_BYTES 32                 /* HMAC-SHA256 */
#define MAC_B64 43                   /* its base64url length, unpadded */
#define PAYLOAD_MAX 5120             /* token payload JSON: user + a full cart fits */
#define IDEM_BUCKETS 131072u         /* hash chains of the recent Idempotency-Keys; power of 2 */
#define IDEM_DIGEST 32               /* SHA-256 of a scoped Idempotency-Key */

/* ---- shared helpers ---- */

int app_name_valid(const char *s)
{
    size_t n;

    for (n = 0; s[n]; n++) {
        char c = s[n];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == '-';

        if (!ok || n == APP_NAME_MAX)
            return 0;
    }
    return n > 0;
}

int app_idem_valid(const char *s)
{
    size_t n;

    for (n = 0; s[n]; n++) {
        char c = s[n];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == ':' || c == '-';

        if (!ok || n == APP_IDEM_MAX)
            return 0;
    }
    return n > 0;
}

int app_idem_scope(char *out, const char *user, const char *route, const char *key)
{
    int n = snprintf(out, APP_IDEM_SCOPE_MAX, "%s:%s:%s", user, route, key);

    return n > 0 && n < APP_IDEM_SCOPE_MAX ? 0 : -1;
}

static void copy_name(char *dst, const char *src, size_t len)
{
    if (len > APP_NAME_MAX)
        len = APP_NAME_MAX;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static int random_bytes(unsigned char *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        ssize_t n = getrandom(buf + got, len - got, 0);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)n;
    }
    return 0;
}

static const char hex_digits[] = "0123456789abcdef";

static void hex_encode(const unsigned char *in, size_t len, char *out)
{
    size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = hex_digits[in[i] >> 4];
        out[2 * i + 1] = hex_digits[in[i] & 15];
    }
    out[2 * len] = '\0';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A session id as issued: exactly SID_HEX lowercase hex digits. Returns 0 if sid is one. */
static int sid_check(const char *sid, unsigned char *bytes)
{
    size_t i;

    for (i = 0; i < SID_HEX; i++) {
        int v = hex_value(sid[i]);

        if (v < 0 || (sid[i] >= 'A' && sid[i] <= 'F'))
            return -1;
        if (bytes)
            bytes[i / 2] = (unsigned char)(i % 2 ? (bytes[i / 2] << 4) | v : v);
    }
    return sid[SID_HEX] ? -1 : 0;
}

/* A new session id: SID_BYTES random bytes and their hex. Returns 0, or -1 if none. */
static int sid_new(unsigned char *bytes, char *hex)
{
    if (random_bytes(bytes, SID_BYTES))
        return -1;
    hex_encode(bytes, SID_BYTES, hex);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- memory: sessions in a hash table with an LRU list, all behind one mutex ---- */

struct mem_session {
    unsigned char sid[SID_BYTES];
    char user[APP_NAME_MAX + 1];
    size_t n_items;
    char **items;                /* APP_CART_MAX slots from the first add on, owned */
    double used;                 /* monotonic seconds of the last use */
    struct mem_session *chain;   /* next in the same hash bucket */
    struct mem_session *newer;   /* LRU neighbours */
    struct mem_session *older;
};

/* A recent Idempotency-Key, by the digest of its scope, and what its first request answered. */
struct idem_entry {
    unsigned char digest[IDEM_DIGEST]; /* SHA-256 of app_idem_scope's text */
    unsigned char used;          /* 0 while the slot is free */
    unsigned char outcome;       /* enum app_result of the first request (seats) */
    uint32_t next;               /* next slot + 1 in the same hash chain, 0 ends it */
};

struct mem_store {
    struct app_store base;
    pthread_mutex_t lock;        /* guards every field below */
    struct idem_entry *idem;     /* APP_IDEM_KEEP slots used as a ring; allocated on first use */
    uint32_t *idem_buckets;      /* IDEM_BUCKETS chains of slot + 1 */
    size_t idem_next;            /* the slot the next key takes (the oldest key) */
    struct mem_session **buckets; /* MEM_BUCKETS chains */
    struct mem_session *newest;
    struct mem_session *oldest;
    size_t n_sessions;
    long long counter;
    unsigned char *seats;        /* APP_SEATS bits, set when booked */
};

static struct mem_session **bucket_of(struct mem_store *m, const unsigned char *sid)
{
    uint32_t h = (uint32_t)sid[0] | (uint32_t)sid[1] << 8 | (uint32_t)sid[2] << 16 |
                 (uint32_t)sid[3] << 24;

    return &m->buckets[h & (MEM_BUCKETS - 1)];
}

static void lru_unlink(struct mem_store *m, struct mem_session *s)
{
    if (s->newer)
        s->newer->older = s->older;
    else
        m->newest = s->older;
    if (s->older)
        s->older->newer = s->newer;
    else
        m->oldest = s->newer;
    s->newer = s->older = NULL;
}

static void lru_push(struct mem_store *m, struct mem_session *s)
{
    s->older = m->newest;
    s->newer = NULL;
    if (m->newest)
        m->newest->newer = s;
    m->newest = s;
    if (!m->oldest)
        m->oldest = s;
}

static void session_free(struct mem_session *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < s->n_items; i++)
        sl_free(s->items[i]);
    sl_free(s->items);
    sl_free(s);
}

/* Takes s out of the table and frees it. Lock held. */
static void mem_remove(struct mem_store *m, struct mem_session *s)
{
    struct mem_session **p = bucket_of(m, s->sid);

    while (*p != s)
        p = &(*p)->chain;
    *p = s->chain;
    lru_unlink(m, s);
    m->n_sessions--;
    session_free(s);
}

/* The live session with this id, marked as used now; expired ones are dropped. Lock held. */
static struct mem_session *mem_find(struct mem_store *m, const unsigned char *sid)
{
    struct mem_session *s = *bucket_of(m, sid);
    double now = now_s();

    while (s && memcmp(s->sid, sid, SID_BYTES))
        s = s->chain;
    if (!s)
        return NULL;
    if (now - s->used > APP_SESSION_TTL_S) {
        mem_remove(m, s);
        return NULL;
    }
    s->used = now;
    lru_unlink(m, s);
    lru_push(m, s);
    return s;
}

static void mem_copy_out(const struct mem_session *src, int with_cart, struct app_session *out)
{
    size_t i;

    memcpy(out->user, src->user, sizeof(out->user));
    out->n_items = 0;
    out->cookie[0] = '\0';
    if (!with_cart)
        return;
    for (i = 0; i < src->n_items; i++)
        copy_name(out->items[i], src->items[i], strlen(src->items[i]));
    out->n_items = src->n_items;
}

/* ---- memory: the last APP_IDEM_KEEP Idempotency-Keys, all behind the store's mutex ---- */

/*
 * A scoped key as the memory store keeps it: the SHA-256 of app_idem_scope's text, so that an
 * entry has a fixed size however long the user, route and key are.
 */
struct idem_id {
    unsigned char digest[IDEM_DIGEST];
};

/* Digests key scoped to user and route into id; APP_OK, or APP_NOMEM if OpenSSL fails. */
static enum app_result idem_id_of(struct idem_id *id, const char *user, const char *route,
                                  const char *key)
{
    char scope[APP_IDEM_SCOPE_MAX];
    unsigned int len = 0;

    if (app_idem_scope(scope, user, route, key) ||
        !EVP_Digest(scope, strlen(scope), id->digest, &len, EVP_sha256(), NULL) ||
        len != IDEM_DIGEST)
        return APP_NOMEM;
    return APP_OK;
}

/* The hash chain of a digest (already uniform: its first four bytes pick the bucket). */
static uint32_t *idem_bucket(struct mem_store *m, const unsigned char *digest)
{
    uint32_t h = (uint32_t)digest[0] | (uint32_t)digest[1] << 8 | (uint32_t)digest[2] << 16 |
                 (uint32_t)digest[3] << 24;

    return &m->idem_buckets[h & (IDEM_BUCKETS - 1)];
}

/* The entry of id, or NULL if the process has not seen it lately. Lock held. */
static struct idem_entry *idem_find(struct mem_store *m, const struct idem_id *id)
{
    uint32_t i;

    if (!m->idem)
        return NULL;
    for (i = *idem_bucket(m, id->digest); i; i = m->idem[i - 1].next)
        if (!memcmp(m->idem[i - 1].digest, id->digest, IDEM_DIGEST))
            return &m->idem[i - 1];
    return NULL;
}

/* Remembers id (not yet known) with outcome, forgetting the oldest key when full. Lock held. */
static enum app_result idem_add(struct mem_store *m, const struct idem_id *id,
                                enum app_result outcome)
{
    struct idem_entry *e;
    uint32_t *p, slot;

    if (!m->idem) {
        m->idem = sl_calloc(APP_IDEM_KEEP, sizeof(*m->idem));
        m->idem_buckets = sl_calloc(IDEM_BUCKETS, sizeof(*m->idem_buckets));
        if (!m->idem || !m->idem_buckets) {
            sl_free(m->idem);
            sl_free(m->idem_buckets);
            m->idem = NULL;
            m->idem_buckets = NULL;
            return APP_NOMEM;
        }
    }
    slot = (uint32_t)m->idem_next;
    e = &m->idem[slot];
    if (e->used) {
        for (p = idem_bucket(m, e->digest); *p != slot + 1; p = &m->idem[*p - 1].next)
            assert(*p);
        *p = e->next;
    }
    memcpy(e->digest, id->digest, IDEM_DIGEST);
    e->used = 1;
    e->outcome = (unsigned char)outcome;
    p = idem_bucket(m, id->digest);
    e->next = *p;
    *p = slot + 1;
    m->idem_next = (m->idem_next + 1) % APP_IDEM_KEEP;
    return APP_OK;
}

static enum app_result mem_login(struct app_store *st, const char *user, struct app_session *out)
{
    struct mem_store *m = (struct mem_store *)st;
    struct mem_session *s = sl_calloc(1, sizeof(*s));
    struct mem_session **b;
    char hex[SID_HEX + 1];

    if (!s)
        return APP_NOMEM;
    if (sid_new(s->sid, hex)) {
        sl_free(s);
        return APP_UNAVAILABLE;
    }
    copy_name(s->user, user, strlen(user));
    pthread_mutex_lock(&m->lock);
    if (m->n_sessions >= APP_MEM_MAX_SESSIONS)
        mem_remove(m, m->oldest);
    s->used = now_s();
    b = bucket_of(m, s->sid);
    s->chain = *b;
    *b = s;
    lru_push(m, s);
    m->n_sessions++;
    pthread_mutex_unlock(&m->lock);
    copy_name(out->user, user, strlen(user));
    out->n_items = 0;
    snprintf(out->cookie, sizeof(out->cookie), "sid=%s", hex);
    return APP_OK;
}

static enum app_result mem_get_session(struct app_store *st, const char *cookie, int with_cart,
                                       struct app_session *out)
{
    struct mem_store *m = (struct mem_store *)st;
    unsigned char sid[SID_BYTES];
    struct mem_session *s;

    if (sid_check(cookie, sid))
        return APP_NO_SESSION;
    pthread_mutex_lock(&m->lock);
    s = mem_find(m, sid);
    if (s)
        mem_copy_out(s, with_cart, out);
    pthread_mutex_unlock(&m->lock);
    return s ? APP_OK : APP_NO_SESSION;
}

static enum app_result mem_add_item(struct app_store *st, const char *cookie, const char *item,
                                    const char *idem, struct app_session *out, int *replayed)
{
    struct mem_store *m = (struct mem_store *)st;
    enum app_result res = APP_OK;
    unsigned char sid[SID_BYTES];
    struct mem_session *s;
    struct idem_id id;
    char *copy, **slots, route[APP_IDEM_SCOPE_MAX];

    if (sid_check(cookie, sid))
        return APP_NO_SESSION;
    snprintf(route, sizeof(route), "/cart/add?item=%s", item);
    copy = sl_strdup(item);
    slots = sl_malloc(APP_CART_MAX * sizeof(*slots));
    if (!copy || !slots) {
        sl_free(copy);
        sl_free(slots);
        return APP_NOMEM;
    }
    pthread_mutex_lock(&m->lock);
    s = mem_find(m, sid);
    if (s && idem)
        res = idem_id_of(&id, s->user, route, idem); /* the session's user, under the lock */
    if (res != APP_OK) {
        s = NULL;
    } else if (s && idem && idem_find(m, &id)) {
        *replayed = 1;
        mem_copy_out(s, 1, out);
        s = NULL;
    } else if (s && idem) {
        res = idem_add(m, &id, APP_OK);
        if (res != APP_OK)
            s = NULL;
    }
    if (s && !s->items) {
        s->items = slots;
        slots = NULL;
    }
    if (s) {
        if (s->n_items == APP_CART_MAX) {
            sl_free(s->items[0]);
            memmove(s->items, s->items + 1, (APP_CART_MAX - 1) * sizeof(s->items[0]));
            s->n_items--;
        }
        s->items[s->n_items++] = copy;
        copy = NULL;
        mem_copy_out(s, 1, out);
    }
    pthread_mutex_unlock(&m->lock);
    sl_free(copy);
    sl_free(slots);
    return s || *replayed ? APP_OK : res != APP_OK ? res : APP_NO_SESSION;
}

static enum app_result mem_incr_counter(struct app_store *st, const char *user,
                                        const char *idem, long long *value, int *replayed)
{
    struct mem_store *m = (struct mem_store *)st;
    enum app_result res = APP_OK;
    struct idem_id id;

    if (idem && idem_id_of(&id, user, "/counter/incr", idem) != APP_OK)
        return APP_NOMEM;
    pthread_mutex_lock(&m->lock);
    if (idem && idem_find(m, &id))
        *replayed = 1;
    else if (idem)
        res = idem_add(m, &id, APP_OK);
    if (res == APP_OK && !*replayed)
        m->counter++;
    *value = m->counter;
    pthread_mutex_unlock(&m->lock);
    return res;
}

static enum app_result mem_get_counter(struct app_store *st, long long *value)
{
    struct mem_store *m = (struct mem_store *)st;

    pthread_mutex_lock(&m->lock);
    *value = m->counter;
    pthread_mutex_unlock(&m->lock);
    return APP_OK;
}

/*
 * The store keeps only whether a seat is taken (a 409 does not name the holder); a replay
 * answers what its key's first request got, which says whether user holds the seat.
 */
static enum app_result mem_book_seat(struct app_store *st, long seat, const char *user,
                                     const char *idem, int *replayed)
{
    struct mem_store *m = (struct mem_store *)st;
    unsigned char bit = (unsigned char)(1u << (seat % 8));
    const struct idem_entry *e;
    struct idem_id id;
    enum app_result r;
    char route[32];

    assert(seat >= 0 && seat < APP_SEATS);
    snprintf(route, sizeof(route), "/seats/%ld/book", seat);
    if (idem && idem_id_of(&id, user, route, idem) != APP_OK)
        return APP_NOMEM;
    pthread_mutex_lock(&m->lock);
    e = idem ? idem_find(m, &id) : NULL;
    if (e) {
        *replayed = 1;
        r = (enum app_result)e->outcome;
    } else {
        r = (m->seats[seat / 8] & bit) ? APP_TAKEN : APP_OK;
        if (!idem || idem_add(m, &id, r) == APP_OK)
            m->seats[seat / 8] |= bit;
        else
            r = APP_NOMEM;
    }
    pthread_mutex_unlock(&m->lock);
    return r;
}

static enum app_result mem_ready(struct app_store *st)
{
    (void)st;
    return APP_OK;
}

static void mem_close(struct app_store *st)
{
    struct mem_store *m = (struct mem_store *)st;
    struct mem_session *s, *next;

    if (!m)
        return;
    for (s = m->newest; s; s = next) {
        next = s->older;
        session_free(s);
    }
    sl_free(m->buckets);
    sl_free(m->seats);
    sl_free(m->idem);
    sl_free(m->idem_buckets);
    pthread_mutex_destroy(&m->lock);
    sl_free(m);
}

static const struct app_store_ops mem_ops = {
    "memory", "sid", mem_login, mem_get_session, mem_add_item, mem_incr_counter,
    mem_get_counter, mem_book_seat, mem_ready, mem_close
};

struct app_store *app_store_memory_new(void)
{
    struct mem_store *m = sl_calloc(1, sizeof(*m));

    if (!m)
        return NULL;
    m->base.ops = &mem_ops;
    pthread_mutex_init(&m->lock, NULL);
    m->buckets = sl_calloc(MEM_BUCKETS, sizeof(m->buckets[0]));
    m->seats = sl_calloc((size_t)(APP_SEATS + 7) / 8, 1);
    if (!m->buckets || !m->seats) {
        mem_close(&m->base);
        return NULL;
    }
    return &m->base;
}

/* ---- redis: one connection per thread, commands pipelined, any failure is a 503 ---- */

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
        copy_name(s->items[s->n_items++], e->str, e->len);
    }
    return APP_OK;
}

static enum app_result redis_login(struct app_store *st, const char *user,
                                   struct app_session *s)
{
    struct redis_store *r = (struct redis_store *)st;
    enum app_result res;
    redisContext *c = conn_get(r, &res);
    unsigned char sid[SID_BYTES];
    char hex[SID_HEX + 1];
    redisReply *rep[4];
    int ok = 1;

    if (!c)
        return res;
    if (sid_new(sid, hex))
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
    copy_name(s->user, user, strlen(user));
    s->n_items = 0;
    snprintf(s->cookie, sizeof(s->cookie), "sid=%s", hex);
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

    if (sid_check(cookie, NULL))
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
        copy_name(s->user, rep[0]->str, rep[0]->len);
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

/* ---- token: the session is a signed cookie; counter and seats in a memory store ---- */

struct token_store {
    struct app_store base;
    struct app_store *mem;              /* owned: the counter and the bookings */
    unsigned char key[APP_KEY_MAX];
    size_t key_len;
};

static const char b64url_digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Unpadded base64url of in[0..len) into out (NUL-terminated); its length, or 0 if cap is short. */
static size_t b64url_encode(const unsigned char *in, size_t len, char *out, size_t cap)
{
    size_t i, o = 0;

    if (len / 3 * 4 + (len % 3 ? len % 3 + 1 : 0) + 1 > cap)
        return 0;
    for (i = 0; i + 2 < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

        out[o++] = b64url_digits[v >> 18 & 63];
        out[o++] = b64url_digits[v >> 12 & 63];
        out[o++] = b64url_digits[v >> 6 & 63];
        out[o++] = b64url_digits[v & 63];
    }
    if (len - i == 1) {
        out[o++] = b64url_digits[in[i] >> 2];
        out[o++] = b64url_digits[(in[i] & 3) << 4];
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)in[i] << 8 | in[i + 1];

        out[o++] = b64url_digits[v >> 10 & 63];
        out[o++] = b64url_digits[v >> 4 & 63];
        out[o++] = b64url_digits[(v & 15) << 2];
    }
    out[o] = '\0';
    return o;
}

static int b64url_value(char c)
{
    const char *p = c ? strchr(b64url_digits, c) : NULL;

    return p ? (int)(p - b64url_digits) : -1;
}

/*
 * Decodes unpadded base64url in[0..len) into out[0..cap); returns the byte count, or -1 for
 * anything but the canonical encoding (padding, foreign characters, stray low bits).
 */
static long b64url_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
    uint32_t acc = 0;
    size_t i, o = 0;
    int bits = 0;

    if (len % 4 == 1)
        return -1;
    for (i = 0; i < len; i++) {
        int v = b64url_value(in[i]);

        if (v < 0)
            return -1;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o == cap)
                return -1;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return acc ? -1 : (long)o;
}

/* The base64url HMAC-SHA256 of text[0..len) under the store's key, MAC_B64 chars. */
static int token_mac(const struct token_store *t, const char *text, size_t len,
                     char out[MAC_B64 + 1])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;

    if (!HMAC(EVP_sha256(), t->key, (int)t->key_len, (const unsigned char *)text, len, mac,
              &mac_len) || mac_len != MAC_BYTES)
        return -1;
    return b64url_encode(mac, MAC_BYTES, out, MAC_B64 + 1) == MAC_B64 ? 0 : -1;
}

/* Writes s as the cookie "token=<base64url(JSON)>.<base64url(HMAC of the first part)>". */
static enum app_result token_seal(const struct token_store *t, struct app_session *s)
{
    char json[PAYLOAD_MAX];
    size_t len, i, b64;
    int n;

    n = snprintf(json, sizeof(json), "{\"user\":\"%s\",\"items\":[", s->user);
    len = (size_t)n;
    for (i = 0; i < s->n_items && len < sizeof(json); i++) {
        n = snprintf(json + len, sizeof(json) - len, "%s\"%s\"", i ? "," : "", s->items[i]);
        len += (size_t)n;
    }
    if (len < sizeof(json)) {
        n = snprintf(json + len, sizeof(json) - len, "]}");
        len += (size_t)n;
    }
    if (len >= sizeof(json))
        return APP_NOMEM;
    memcpy(s->cookie, "token=", 6);
    b64 = b64url_encode((const unsigned char *)json, len, s->cookie + 6,
                        sizeof(s->cookie) - 6 - MAC_B64 - 1);
    if (!b64)
        return APP_NOMEM;
    s->cookie[6 + b64] = '.';
    if (token_mac(t, s->cookie + 6, b64, s->cookie + 6 + b64 + 1))
        return APP_UNAVAILABLE;
    return APP_OK;
}

/* Reads the JSON payload of a verified token into s; -1 unless it has exactly our shape. */
static int token_payload(const char *json, size_t len, struct app_session *s)
{
    json_t *doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *user, *items;
    size_t i;
    int st = -1;

    if (!doc)
        return -1;
    user = json_object_get(doc, "user");
    items = json_object_get(doc, "items");
    if (json_object_size(doc) != 2 || !json_is_string(user) || !json_is_array(items) ||
        !app_name_valid(json_string_value(user)) || json_array_size(items) > APP_CART_MAX)
        goto out;
    copy_name(s->user, json_string_value(user), strlen(json_string_value(user)));
    for (i = 0; i < json_array_size(items); i++) {
        const char *item = json_string_value(json_array_get(items, i));

        if (!item || !app_name_valid(item))
            goto out;
        copy_name(s->items[i], item, strlen(item));
    }
    s->n_items = json_array_size(items);
    s->cookie[0] = '\0';
    st = 0;
out:
    json_decref(doc);
    return st;
}

/* Checks the token's signature in constant time and reads it into s. */
static enum app_result token_open(const struct token_store *t, const char *cookie,
                                  struct app_session *s)
{
    size_t len = strnlen(cookie, APP_COOKIE_MAX);
    const char *dot = memchr(cookie, '.', len);
    char want[MAC_B64 + 1];
    unsigned char json[PAYLOAD_MAX];
    long n;

    if (len == APP_COOKIE_MAX || !dot || dot == cookie || strlen(dot + 1) != MAC_B64)
        return APP_NO_SESSION;
    if (token_mac(t, cookie, (size_t)(dot - cookie), want))
        return APP_UNAVAILABLE;
    if (CRYPTO_memcmp(want, dot + 1, MAC_B64))
        return APP_NO_SESSION;
    n = b64url_decode(cookie, (size_t)(dot - cookie), json, sizeof(json));
    if (n < 0 || token_payload((const char *)json, (size_t)n, s))
        return APP_NO_SESSION;
    return APP_OK;
}

static enum app_result token_login(struct app_store *st, const char *user,
                                   struct app_session *s)
{
    copy_name(s->user, user, strlen(user));
    s->n_items = 0;
    return token_seal((struct token_store *)st, s);
}

static enum app_result token_get_session(struct app_store *st, const char *cookie,
                                         int with_cart, struct app_session *s)
{
    (void)with_cart; /* the cart comes with the token anyway */
    return token_open((struct token_store *)st, cookie, s);
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
    enum app_result res = token_open(t, cookie, s);

    (void)idem;
    (void)replayed;
    if (res != APP_OK)
        return res;
    if (s->n_items == APP_CART_MAX) {
        memmove(s->items, s->items + 1, (APP_CART_MAX - 1) * sizeof(s->items[0]));
        s->n_items--;
    }
    copy_name(s->items[s->n_items++], item, strlen(item));
    return token_seal(t, s);
}

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
    token_get_counter, token_book_seat, mem_ready, token_close
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

size_t app_token_key_parse(const char *hex, unsigned char *key, size_t cap)
{
    size_t len = strlen(hex), i;

    if (len % 2 || len / 2 < APP_KEY_MIN || len / 2 > cap)
        return 0;
    for (i = 0; i < len; i += 2) {
        int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);

        if (hi < 0 || lo < 0)
            return 0;
        key[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    return len / 2;
}

int app_token_key_random(unsigned char *key, size_t len)
{
    return RAND_bytes(key, (int)len) == 1 ? 0 : -1;
}
