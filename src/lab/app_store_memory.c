/* The memory store of `scalelab app`: sessions, counter and seats in the process. */
/* SPDX-License-Identifier: MIT */
#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "lab/app_codec.h"
#include "lab/app_idem.h"
#include "lab/lab_clock.h"
#include "banned.h"

#define MEM_BUCKETS 65536u /* hash chains of the sessions; a power of two */

/* Sessions live in a hash table with an LRU list, all behind the store's one mutex. */
struct mem_session {
    unsigned char sid[APP_SID_BYTES];
    char user[APP_NAME_MAX + 1];
    size_t n_items;
    char **items;                /* APP_CART_MAX slots from the first add on, owned */
    double used;                 /* monotonic seconds of the last use */
    struct mem_session *chain;   /* next in the same hash bucket */
    struct mem_session *newer;   /* LRU neighbours */
    struct mem_session *older;
};

struct mem_store {
    struct app_store base;
    pthread_mutex_t lock;         /* guards every field below */
    struct app_idem_ring idem;    /* the last APP_IDEM_KEEP Idempotency-Keys */
    struct mem_session **buckets; /* MEM_BUCKETS chains */
    struct mem_session *newest;
    struct mem_session *oldest;
    size_t n_sessions;
    app_clock_fn *now;            /* ages the sessions */
    long long counter;
    unsigned char *seats;         /* APP_SEATS bits, set when booked */
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
    double now = m->now();

    while (s && memcmp(s->sid, sid, APP_SID_BYTES))
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
        app_name_copy(out->items[i], src->items[i], strlen(src->items[i]));
    out->n_items = src->n_items;
}

static enum app_result mem_login(struct app_store *st, const char *user, struct app_session *out)
{
    struct mem_store *m = (struct mem_store *)st;
    struct mem_session *s = sl_calloc(1, sizeof(*s));
    struct mem_session **b;
    char hex[APP_SID_HEX + 1];

    if (!s)
        return APP_NOMEM;
    if (app_sid_new(s->sid, hex)) {
        sl_free(s);
        return APP_UNAVAILABLE;
    }
    app_name_copy(s->user, user, strlen(user));
    pthread_mutex_lock(&m->lock);
    if (m->n_sessions >= APP_MEM_MAX_SESSIONS)
        mem_remove(m, m->oldest);
    s->used = m->now();
    b = bucket_of(m, s->sid);
    s->chain = *b;
    *b = s;
    lru_push(m, s);
    m->n_sessions++;
    pthread_mutex_unlock(&m->lock);
    app_session_begin(out, user, hex);
    return APP_OK;
}

static enum app_result mem_get_session(struct app_store *st, const char *cookie, int with_cart,
                                       struct app_session *out)
{
    struct mem_store *m = (struct mem_store *)st;
    unsigned char sid[APP_SID_BYTES];
    struct mem_session *s;

    if (app_sid_parse(cookie, sid))
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
    unsigned char sid[APP_SID_BYTES];
    struct mem_session *s;
    struct app_idem_id id;
    char *copy, **slots, route[APP_IDEM_SCOPE_MAX];

    if (app_sid_parse(cookie, sid))
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
        res = app_idem_id_of(&id, s->user, route, idem); /* the session's user, under the lock */
    if (res != APP_OK) {
        s = NULL;
    } else if (s && idem && app_idem_ring_find(&m->idem, &id, NULL)) {
        *replayed = 1;
        mem_copy_out(s, 1, out);
        s = NULL;
    } else if (s && idem) {
        res = app_idem_ring_add(&m->idem, &id, APP_OK);
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
    struct app_idem_id id;

    if (idem && app_idem_id_of(&id, user, "/counter/incr", idem) != APP_OK)
        return APP_NOMEM;
    pthread_mutex_lock(&m->lock);
    if (idem && app_idem_ring_find(&m->idem, &id, NULL))
        *replayed = 1;
    else if (idem)
        res = app_idem_ring_add(&m->idem, &id, APP_OK);
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
    struct app_idem_id id;
    enum app_result r;
    char route[32];

    assert(seat >= 0 && seat < APP_SEATS);
    snprintf(route, sizeof(route), "/seats/%ld/book", seat);
    if (idem && app_idem_id_of(&id, user, route, idem) != APP_OK)
        return APP_NOMEM;
    pthread_mutex_lock(&m->lock);
    if (idem && app_idem_ring_find(&m->idem, &id, &r)) {
        *replayed = 1;
    } else {
        r = (m->seats[seat / 8] & bit) ? APP_TAKEN : APP_OK;
        if (!idem || app_idem_ring_add(&m->idem, &id, r) == APP_OK)
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
    app_idem_ring_release(&m->idem);
    pthread_mutex_destroy(&m->lock);
    sl_free(m);
}

static const struct app_store_ops mem_ops = {
    "memory", "sid", mem_login, mem_get_session, mem_add_item, mem_incr_counter,
    mem_get_counter, mem_book_seat, mem_ready, mem_close
};

struct app_store *app_store_memory_new_clocked(app_clock_fn *now)
{
    struct mem_store *m = sl_calloc(1, sizeof(*m));

    if (!m)
        return NULL;
    m->base.ops = &mem_ops;
    m->now = now;
    pthread_mutex_init(&m->lock, NULL);
    app_idem_ring_init(&m->idem, APP_IDEM_KEEP);
    m->buckets = sl_calloc(MEM_BUCKETS, sizeof(m->buckets[0]));
    m->seats = sl_calloc((size_t)(APP_SEATS + 7) / 8, 1);
    if (!m->buckets || !m->seats) {
        mem_close(&m->base);
        return NULL;
    }
    return &m->base;
}

struct app_store *app_store_memory_new(void)
{
    return app_store_memory_new_clocked(lab_now);
}
