/* The API's document cache: what it keeps, what it evicts, its tags, and use from many threads. */
/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "sl_test.h"
#include "web/cache.h"

/* A hit returns the very bytes stored, with the tag of those bytes; other keys miss. */
static void cache_hit_and_miss(void **state)
{
    struct web_cache *c = web_cache_new(1 << 20, NULL);
    const struct web_cache_entry *e;
    struct web_cache_stats st;

    (void)state;
    assert_non_null(c);
    assert_null(web_cache_get(c, "/api/plan\x1cload\x1e" "1000\x1f"));
    e = web_cache_put(c, "/api/plan\x1cload\x1e" "1000\x1f", "{\"a\": 1}\n", 9);
    assert_non_null(e);
    web_cache_release(e);
    e = web_cache_get(c, "/api/plan\x1cload\x1e" "1000\x1f");
    assert_non_null(e);
    assert_int_equal(e->len, 9);
    assert_memory_equal(e->body, "{\"a\": 1}\n", 9);
    web_cache_release(e);
    assert_null(web_cache_get(c, "/api/plan\x1cload\x1e" "2000\x1f"));
    assert_null(web_cache_get(c, "/api/compare\x1cload\x1e" "1000\x1f"));
    web_cache_stats(c, &st);
    assert_int_equal(st.hits, 1);
    assert_int_equal(st.misses, 3);
    assert_int_equal(st.entries, 1);
    web_cache_free(c);
}

static int drops;
static void count_drop(void *ready)
{
    assert_string_equal(ready, "ready");
    drops++;
}

/*
 * What a caller keeps with an entry: the first kept wins, a later one is refused (the caller
 * frees its own), and the cache drops the kept one once, when the evicted entry's last holder
 * lets go, never while a holder still has it.
 */
static void cache_keeps_ready_until_the_entry_goes(void **state)
{
    struct web_cache *c = web_cache_new(16 * 2048, count_drop); /* room for one entry a shard */
    static char ready[] = "ready", other[] = "other";
    const struct web_cache_entry *e, *f;

    (void)state;
    drops = 0;
    assert_non_null(c);
    e = web_cache_put(c, "k", "{}", 2);
    assert_non_null(e);
    assert_null(web_cache_ready(e));
    assert_ptr_equal(web_cache_keep_ready(e, ready), ready);
    assert_ptr_equal(web_cache_keep_ready(e, other), ready);
    assert_ptr_equal(web_cache_ready(e), ready);
    for (int i = 0; i < 256; i++) { /* enough other keys to fill every shard */
        char key[8];

        snprintf(key, sizeof(key), "x%d", i);
        web_cache_release(web_cache_put(c, key, "{}", 2));
    }
    f = web_cache_get(c, "k");
    assert_null(f); /* evicted... */
    assert_int_equal(drops, 0); /* ...but still held here */
    web_cache_release(e);
    assert_int_equal(drops, 1);
    web_cache_free(c);
    assert_int_equal(drops, 1);
}

/* XXH3 64 (seed 0) of "", "a" and "foobar", as xxhsum -H3 prints them. */
static void cache_etag_is_xxh3(void **state)
{
    char tag[20];

    (void)state;
    web_cache_etag("", 0, tag);
    assert_string_equal(tag, "\"2d06800538d394c2\"");
    web_cache_etag("a", 1, tag);
    assert_string_equal(tag, "\"e6c632b61e964e1f\"");
    web_cache_etag("foobar", 6, tag);
    assert_string_equal(tag, "\"d78fda63144c5c84\"");
}

/* If-None-Match as RFC 9110 13.1.2 reads it: a list, weak tags compared weakly, "*". */
static void cache_if_none_match(void **state)
{
    const char *t = "\"0123456789abcdef\"";

    (void)state;
    assert_true(web_cache_etag_matches("\"0123456789abcdef\"", t));
    assert_true(web_cache_etag_matches("W/\"0123456789abcdef\"", t));
    assert_true(web_cache_etag_matches("\"x\", \"0123456789abcdef\"", t));
    assert_true(web_cache_etag_matches(" *", t));
    assert_false(web_cache_etag_matches(NULL, t));
    assert_false(web_cache_etag_matches("", t));
    assert_false(web_cache_etag_matches("\"0123456789abcdee\"", t));
    assert_false(web_cache_etag_matches("\"0123456789abcdef\"x", t));
    assert_false(web_cache_etag_matches("*x", t));
    assert_false(web_cache_etag_matches("\"0123456789abcde\"", t));
}

/*
 * A full cache evicts its least recently used entries and never holds more than its size; an
 * entry someone still holds stays readable after its eviction (ASan would see it freed).
 */
static void cache_evicts_within_its_size(void **state)
{
    size_t size = 64 * 1024;
    struct web_cache *c = web_cache_new(size, NULL);
    const struct web_cache_entry *held, *e;
    struct web_cache_stats st;
    char key[32], body[900];
    int i, kept = 0;

    (void)state;
    memset(body, 'x', sizeof(body));
    held = web_cache_put(c, "held", body, sizeof(body));
    assert_non_null(held);
    for (i = 0; i < 2000; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        e = web_cache_put(c, key, body, sizeof(body));
        assert_non_null(e);
        web_cache_release(e);
        web_cache_stats(c, &st);
        assert_true(st.bytes <= size);
    }
    assert_true(st.evictions > 1900);
    assert_memory_equal(held->body, body, sizeof(body)); /* evicted, still held */
    web_cache_release(held);
    /* the newest entries are the ones kept */
    for (i = 1990; i < 2000; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        e = web_cache_get(c, key);
        kept += e != NULL;
        web_cache_release(e);
    }
    assert_int_equal(kept, 10);
    /* a document bigger than a shard is not kept */
    {
        static char big[8192];

        assert_null(web_cache_put(c, "big", big, sizeof(big)));
    }
    web_cache_free(c);
    assert_null(web_cache_new(0, NULL));
}

/* Putting a key that is there returns the entry already stored (two workers raced). */
static void cache_put_twice_keeps_the_first(void **state)
{
    struct web_cache *c = web_cache_new(1 << 20, NULL);
    const struct web_cache_entry *a = web_cache_put(c, "k", "one", 3);
    const struct web_cache_entry *b = web_cache_put(c, "k", "two", 3);

    (void)state;
    assert_ptr_equal(a, b);
    assert_memory_equal(b->body, "one", 3);
    web_cache_release(a);
    web_cache_release(b);
    web_cache_free(c);
}

struct worker_arg {
    struct web_cache *c;
    int id;
    int wrong;
};

/* Each thread writes and reads keys whose documents say their key: a mix-up is counted. */
static void *hammer(void *p)
{
    struct worker_arg *a = p;
    char key[32], body[64];
    int i;

    for (i = 0; i < 20000; i++) {
        int k = (i * 7 + a->id) % 500;
        const struct web_cache_entry *e;

        snprintf(key, sizeof(key), "key%d", k);
        e = web_cache_get(a->c, key);
        if (!e) {
            int n = snprintf(body, sizeof(body), "doc of key%d", k);

            e = web_cache_put(a->c, key, body, (size_t)n);
        }
        if (e) {
            snprintf(body, sizeof(body), "doc of key%d", k);
            a->wrong += e->len != strlen(body) || memcmp(e->body, body, e->len);
            web_cache_release(e);
        }
    }
    return NULL;
}

static void cache_many_threads(void **state)
{
    struct web_cache *c = web_cache_new(16 * 1024, NULL); /* small: evictions while others read */
    struct worker_arg args[4];
    pthread_t t[4];
    int i;

    (void)state;
    for (i = 0; i < 4; i++) {
        args[i] = (struct worker_arg){ c, i, 0 };
        assert_int_equal(pthread_create(&t[i], NULL, hammer, &args[i]), 0);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(args[i].wrong, 0);
    }
    web_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cache_hit_and_miss),
        cmocka_unit_test(cache_etag_is_xxh3),
        cmocka_unit_test(cache_if_none_match),
        cmocka_unit_test(cache_evicts_within_its_size),
        cmocka_unit_test(cache_put_twice_keeps_the_first),
        cmocka_unit_test(cache_many_threads),
        cmocka_unit_test(cache_keeps_ready_until_the_entry_goes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
