/* The API's document cache: encoded answers by canonical query, bounded in bytes. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_WEB_CACHE_H
#define SL_WEB_CACHE_H

#include <stddef.h>

/*
 * Every API document is a pure function of its route and canonical parameters (cmd_canonical),
 * so an answer once computed can be sent again as it is. The cache is split into shards, each
 * with its own lock and its own least-recently-used list, so that threads answering different
 * queries rarely meet; an entry is reference counted, so a hit is sent without a copy while a
 * later insertion evicts it.
 */
struct web_cache;

/* One cached answer: its document and its strong entity tag ("\"<16 hex digits>\""). */
struct web_cache_entry {
    const char *body;
    size_t len;
    char etag[20];
};

/*
 * A cache of at most `bytes` (keys, documents and bookkeeping), or NULL for 0 or no memory.
 * drop (may be NULL) frees what a caller kept with an entry (web_cache_keep_ready) when the
 * entry itself is freed; with a drop, each entry is charged 1 KiB more for what may be kept.
 */
struct web_cache *web_cache_new(size_t bytes, void (*drop)(void *));
void web_cache_free(struct web_cache *c);

/*
 * The entry of key, held for the caller until web_cache_release, or NULL. Counts a hit or a
 * miss.
 */
const struct web_cache_entry *web_cache_get(struct web_cache *c, const char *key);

/*
 * Stores a copy of body under key, evicting the least recently used entries of its shard, and
 * returns it held for the caller (release it), or NULL when it is bigger than a shard or memory
 * ran out. An entry already there is kept and returned instead.
 */
const struct web_cache_entry *web_cache_put(struct web_cache *c, const char *key,
                                            const char *body, size_t len);

/*
 * What a caller built once to send an entry again (the server keeps its ready response), or
 * NULL while none is kept. keep_ready keeps `ready` unless another thread kept one first, and
 * returns the one kept: a caller whose `ready` was not kept frees its own.
 */
void *web_cache_ready(const struct web_cache_entry *e);
void *web_cache_keep_ready(const struct web_cache_entry *e, void *ready);

/* Gives back an entry that get or put returned. */
void web_cache_release(const struct web_cache_entry *e);

/* The strong entity tag of a document (what an entry's etag holds), into tag[20]. */
void web_cache_etag(const char *body, size_t len, char tag[20]);

/* Whether an If-None-Match header value names tag ("*", or one tag of a list, weak or not). */
int web_cache_etag_matches(const char *if_none_match, const char *tag);

/* Counters for tests and benchmarks. */
struct web_cache_stats {
    unsigned long hits, misses, evictions;
    size_t bytes, entries;
};
void web_cache_stats(struct web_cache *c, struct web_cache_stats *out);

#endif
