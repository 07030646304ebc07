/* The API's document cache: sharded hash tables with an LRU list each, entries counted by use. */
/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "scalelab/scalelab.h"
#include "cache.h"
#include "banned.h"

/* Shards, each with its lock: a power of two, chosen by the key hash's top bits. */
#define SHARD_BITS 4
#define SHARDS (1u << SHARD_BITS)
/* Buckets per shard: enough for small documents at the default size without growing. */
#define BUCKETS 1024u
/* What a kept ready answer is charged when the cache can keep one (a libmicrohttpd response
 * with its headers is about this much), whether or not it ever is. */
#define READY_BYTES 1024u

struct entry {
    struct web_cache_entry pub; /* first: what callers hold */
    atomic_uint refs;           /* the cache's own reference while listed, plus one per holder */
    uint64_t hash;
    size_t size;                /* bytes charged to the shard */
    struct entry *chain;        /* the next entry of its bucket */
    struct entry *newer, *older;
    _Atomic(void *) ready;      /* what the server built to send it, or NULL */
    void (*drop)(void *);       /* frees ready */
    char key[];                 /* then the document */
};

struct shard {
    pthread_mutex_t lock;
    struct entry *bucket[BUCKETS];
    struct entry *newest, *oldest;
    size_t bytes, cap, entries;
    unsigned long hits, misses, evictions;
};

struct web_cache {
    struct shard shard[SHARDS];
    void (*drop)(void *);
};

/*
 * XXH3, 64 bits (libxxhash): spreads keys over shards and buckets, and tags documents. It reads
 * 8 bytes and more a step where FNV-1a took one: tagging a 4 KiB answer went from 6 to 0.2 us.
 */
static uint64_t key_hash(const char *key)
{
    return XXH3_64bits(key, strlen(key));
}

struct web_cache *web_cache_new(size_t bytes, void (*drop)(void *))
{
    struct web_cache *c;
    unsigned i;

    if (bytes < SHARDS)
        return NULL;
    c = sl_calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    for (i = 0; i < SHARDS; i++) {
        pthread_mutex_init(&c->shard[i].lock, NULL);
        c->shard[i].cap = bytes / SHARDS;
    }
    c->drop = drop;
    return c;
}

static void entry_release(struct entry *e)
{
    if (atomic_fetch_sub(&e->refs, 1) == 1) {
        void *ready = atomic_load(&e->ready);

        if (ready && e->drop)
            e->drop(ready);
        sl_free(e);
    }
}

void web_cache_release(const struct web_cache_entry *pub)
{
    if (pub)
        entry_release((struct entry *)(void *)pub); /* pub is an entry's first member */
}

void *web_cache_ready(const struct web_cache_entry *pub)
{
    return atomic_load(&((struct entry *)(void *)pub)->ready);
}

void *web_cache_keep_ready(const struct web_cache_entry *pub, void *ready)
{
    struct entry *e = (struct entry *)(void *)pub;
    void *none = NULL;

    return atomic_compare_exchange_strong(&e->ready, &none, ready) ? ready : none;
}

void web_cache_free(struct web_cache *c)
{
    unsigned i;

    if (!c)
        return;
    for (i = 0; i < SHARDS; i++) {
        struct entry *e = c->shard[i].newest, *next;

        for (; e; e = next) {
            next = e->older;
            entry_release(e);
        }
        pthread_mutex_destroy(&c->shard[i].lock);
    }
    sl_free(c);
}

static struct shard *shard_of(struct web_cache *c, uint64_t h)
{
    return &c->shard[h >> (64 - SHARD_BITS)];
}

static struct entry **slot_of(struct shard *s, uint64_t h, const char *key)
{
    struct entry **p = &s->bucket[h % BUCKETS];

    while (*p && ((*p)->hash != h || strcmp((*p)->key, key)))
        p = &(*p)->chain;
    return p;
}

static void unlist(struct shard *s, struct entry *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        s->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        s->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void list_first(struct shard *s, struct entry *e)
{
    e->older = s->newest;
    e->newer = NULL;
    if (s->newest)
        s->newest->newer = e;
    s->newest = e;
    if (!s->oldest)
        s->oldest = e;
}

const struct web_cache_entry *web_cache_get(struct web_cache *c, const char *key)
{
    uint64_t h = key_hash(key);
    struct shard *s = shard_of(c, h);
    struct entry *e;

    pthread_mutex_lock(&s->lock);
    e = *slot_of(s, h, key);
    if (e) {
        unlist(s, e);
        list_first(s, e);
        atomic_fetch_add(&e->refs, 1);
        s->hits++;
    } else {
        s->misses++;
    }
    pthread_mutex_unlock(&s->lock);
    return e ? &e->pub : NULL;
}

/* Removes the least recently used entry of s (its holders keep it until they release it). */
static void evict_oldest(struct shard *s)
{
    struct entry *e = s->oldest;

    *slot_of(s, e->hash, e->key) = e->chain;
    unlist(s, e);
    s->bytes -= e->size;
    s->entries--;
    s->evictions++;
    entry_release(e);
}

const struct web_cache_entry *web_cache_put(struct web_cache *c, const char *key,
                                            const char *body, size_t len)
{
    uint64_t h = key_hash(key);
    struct shard *s = shard_of(c, h);
    size_t klen = strlen(key);
    size_t size = sizeof(struct entry) + klen + 1 + len + 1 + (c->drop ? READY_BYTES : 0);
    struct entry *e, **slot;
    char *doc;

    if (size > s->cap)
        return NULL;
    e = sl_malloc(size);
    if (!e)
        return NULL;
    memset(e, 0, sizeof(*e));
    memcpy(e->key, key, klen + 1);
    doc = e->key + klen + 1;
    memcpy(doc, body, len);
    doc[len] = '\0';
    e->pub.body = doc;
    e->pub.len = len;
    web_cache_etag(body, len, e->pub.etag);
    e->hash = h;
    e->size = size;
    atomic_init(&e->ready, NULL);
    e->drop = c->drop;
    atomic_init(&e->refs, 2); /* the cache's and the caller's */

    pthread_mutex_lock(&s->lock);
    slot = slot_of(s, h, key);
    if (*slot) { /* another thread computed it first: keep that one */
        struct entry *had = *slot;

        atomic_fetch_add(&had->refs, 1);
        pthread_mutex_unlock(&s->lock);
        sl_free(e);
        return &had->pub;
    }
    while (s->bytes + size > s->cap && s->oldest)
        evict_oldest(s);
    slot = slot_of(s, h, key); /* eviction may have changed the chain */
    *slot = e;
    list_first(s, e);
    s->bytes += size;
    s->entries++;
    pthread_mutex_unlock(&s->lock);
    return &e->pub;
}

void web_cache_etag(const char *body, size_t len, char tag[20])
{
    snprintf(tag, 20, "\"%016llx\"", (unsigned long long)XXH3_64bits(body, len));
}

int web_cache_etag_matches(const char *header, const char *tag)
{
    size_t n = strlen(tag);
    const char *p = header;

    if (!p)
        return 0;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            return 0;
        if (*p == '*' && (!p[1] || p[1] == ',' || p[1] == ' ' || p[1] == '\t'))
            return 1;
        if (p[0] == 'W' && p[1] == '/') /* If-None-Match compares weakly (RFC 9110 13.1.2) */
            p += 2;
        if (!strncmp(p, tag, n) && (p[n] == '\0' || p[n] == ',' || p[n] == ' ' ||
                                    p[n] == '\t'))
            return 1;
        while (*p && *p != ',')
            p++;
    }
}

void web_cache_stats(struct web_cache *c, struct web_cache_stats *out)
{
    unsigned i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < SHARDS; i++) {
        struct shard *s = &c->shard[i];

        pthread_mutex_lock(&s->lock);
        out->hits += s->hits;
        out->misses += s->misses;
        out->evictions += s->evictions;
        out->bytes += s->bytes;
        out->entries += s->entries;
        pthread_mutex_unlock(&s->lock);
    }
}
