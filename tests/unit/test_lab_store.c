/* The app's memory and token stores: sessions, carts, the counter, seats and their keys. */
/* SPDX-License-Identifier: MIT */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "sl_test.h"
#include "lab/app_codec.h"
#include "lab/app_store.h"

/* ---- the memory store ---- */

/* The clock the memory store ages sessions by, moved by the tests. */
static double test_time;

static double test_clock(void)
{
    return test_time;
}

static struct app_store *memory(void)
{
    struct app_store *st;

    test_time = 1000;
    st = app_store_memory_new_clocked(test_clock);
    assert_non_null(st);
    return st;
}

/* Logs user in; the session id (the cookie's value) into sid. */
static void login(struct app_store *st, const char *user, char *sid, size_t cap)
{
    struct app_session s;
    size_t name = strlen(st->ops->cookie_name);

    assert_int_equal(st->ops->login(st, user, &s), APP_OK);
    assert_string_equal(s.user, user);
    assert_int_equal(s.n_items, 0);
    assert_memory_equal(s.cookie, st->ops->cookie_name, name);
    assert_int_equal(s.cookie[name], '=');
    assert_true(strlen(s.cookie + name + 1) < cap);
    snprintf(sid, cap, "%s", s.cookie + name + 1);
}

static enum app_result session_of(struct app_store *st, const char *sid, struct app_session *s)
{
    return st->ops->get_session(st, sid, 1, s);
}

static enum app_result add_item(struct app_store *st, const char *sid, const char *item,
                                const char *idem, struct app_session *s, int *replayed)
{
    *replayed = 0;
    return st->ops->add_item(st, sid, item, idem, s, replayed);
}

static void a_login_gives_a_session_id_that_finds_the_session(void **state)
{
    struct app_store *st = memory();
    struct app_session s;
    char sid[64], other[64];

    (void)state;
    assert_string_equal(st->ops->name, "memory");
    login(st, "alice", sid, sizeof(sid));
    assert_int_equal(strlen(sid), APP_SID_HEX);
    assert_int_equal(app_sid_parse(sid, NULL), 0);
    login(st, "bob", other, sizeof(other));
    assert_string_not_equal(sid, other);
    assert_int_equal(session_of(st, sid, &s), APP_OK);
    assert_string_equal(s.user, "alice");
    assert_string_equal(s.cookie, ""); /* nothing new to set */
    assert_int_equal(session_of(st, other, &s), APP_OK);
    assert_string_equal(s.user, "bob");
    assert_int_equal(session_of(st, "0123456789abcdef0123456789abcdef", &s), APP_NO_SESSION);
    assert_int_equal(session_of(st, "not-a-session", &s), APP_NO_SESSION);
    assert_int_equal(session_of(st, "", &s), APP_NO_SESSION);
    st->ops->close(st);
}

static void a_cart_keeps_the_newest_64_items_in_order(void **state)
{
    struct app_store *st = memory();
    struct app_session s;
    char sid[64], item[16];
    int i, replayed;

    (void)state;
    login(st, "alice", sid, sizeof(sid));
    assert_int_equal(add_item(st, sid, "apple", NULL, &s, &replayed), APP_OK);
    assert_int_equal(add_item(st, sid, "pear", NULL, &s, &replayed), APP_OK);
    assert_int_equal(s.n_items, 2);
    assert_string_equal(s.items[0], "apple");
    assert_string_equal(s.items[1], "pear");
    for (i = 3; i <= APP_CART_MAX + 6; i++) {
        snprintf(item, sizeof(item), "i%d", i);
        assert_int_equal(add_item(st, sid, item, NULL, &s, &replayed), APP_OK);
    }
    assert_int_equal(session_of(st, sid, &s), APP_OK);
    assert_int_equal(s.n_items, APP_CART_MAX);
    assert_string_equal(s.items[0], "i7"); /* apple, pear and i3..i6 were dropped */
    assert_string_equal(s.items[APP_CART_MAX - 1], "i70");
    assert_int_equal(add_item(st, "0123456789abcdef0123456789abcdef", "x", NULL, &s,
                              &replayed), APP_NO_SESSION);
    st->ops->close(st);
}

static void a_session_expires_after_its_last_use(void **state)
{
    struct app_store *st = memory();
    struct app_session s;
    char sid[64];

    (void)state;
    login(st, "alice", sid, sizeof(sid));
    test_time += APP_SESSION_TTL_S - 1;
    assert_int_equal(session_of(st, sid, &s), APP_OK); /* and this use renews it */
    test_time += APP_SESSION_TTL_S - 1;
    assert_int_equal(session_of(st, sid, &s), APP_OK);
    test_time += APP_SESSION_TTL_S + 1;
    assert_int_equal(session_of(st, sid, &s), APP_NO_SESSION);
    test_time -= APP_SESSION_TTL_S; /* gone for good, even if the clock seemed to allow it */
    assert_int_equal(session_of(st, sid, &s), APP_NO_SESSION);
    st->ops->close(st);
}

/* Beyond APP_MEM_MAX_SESSIONS the least recently used session goes first. */
static void the_least_recently_used_session_is_dropped_first(void **state)
{
    struct app_store *st = memory();
    struct app_session s;
    char first[64], second[64], sid[64];
    int i;

    (void)state;
    login(st, "first", first, sizeof(first));
    test_time += 1;
    login(st, "second", second, sizeof(second));
    for (i = 2; i < APP_MEM_MAX_SESSIONS; i++)
        login(st, "filler", sid, sizeof(sid));
    test_time += 1;
    assert_int_equal(session_of(st, first, &s), APP_OK); /* now the most recently used */
    login(st, "one-more", sid, sizeof(sid));
    assert_int_equal(session_of(st, second, &s), APP_NO_SESSION);
    assert_int_equal(session_of(st, first, &s), APP_OK);
    assert_int_equal(session_of(st, sid, &s), APP_OK);
    st->ops->close(st);
}

static long long incr(struct app_store *st, const char *user, const char *idem, int *replayed)
{
    long long value = -1;

    *replayed = 0;
    assert_int_equal(st->ops->incr_counter(st, user, idem, &value, replayed), APP_OK);
    return value;
}

static void the_counter_counts_each_write_once(void **state)
{
    struct app_store *st = memory();
    long long value = -1;
    int replayed;

    (void)state;
    assert_int_equal(st->ops->get_counter(st, &value), APP_OK);
    assert_int_equal(value, 0);
    assert_int_equal(incr(st, "alice", NULL, &replayed), 1);
    assert_int_equal(incr(st, "alice", NULL, &replayed), 2);
    assert_int_equal(incr(st, "alice", "k1", &replayed), 3);
    assert_false(replayed);
    assert_int_equal(incr(st, "alice", "k1", &replayed), 3); /* a resend: applied once */
    assert_true(replayed);
    assert_int_equal(incr(st, "bob", "k1", &replayed), 4);   /* bob's k1 is another write */
    assert_false(replayed);
    assert_int_equal(st->ops->get_counter(st, &value), APP_OK);
    assert_int_equal(value, 4);
    st->ops->close(st);
}

static enum app_result book(struct app_store *st, long seat, const char *user, const char *idem,
                            int *replayed)
{
    *replayed = 0;
    return st->ops->book_seat(st, seat, user, idem, replayed);
}

static void a_seat_has_one_holder(void **state)
{
    struct app_store *st = memory();
    int replayed;

    (void)state;
    assert_int_equal(book(st, 7, "alice", "a7", &replayed), APP_OK);
    assert_int_equal(book(st, 7, "bob", "b7", &replayed), APP_TAKEN);
    assert_int_equal(book(st, 7, "alice", NULL, &replayed), APP_TAKEN); /* a new request */
    /* a resend answers what its first send got */
    assert_int_equal(book(st, 7, "alice", "a7", &replayed), APP_OK);
    assert_true(replayed);
    assert_int_equal(book(st, 7, "bob", "b7", &replayed), APP_TAKEN);
    assert_true(replayed);
    /* the key is scoped to the seat: alice's a7 on seat 8 books it */
    assert_int_equal(book(st, 8, "alice", "a7", &replayed), APP_OK);
    assert_false(replayed);
    assert_int_equal(book(st, 0, "bob", NULL, &replayed), APP_OK);
    assert_int_equal(book(st, APP_SEATS - 1, "bob", NULL, &replayed), APP_OK);
    assert_int_equal(book(st, APP_SEATS - 1, "alice", NULL, &replayed), APP_TAKEN);
    st->ops->close(st);
}

static void a_resent_add_adds_its_item_once(void **state)
{
    struct app_store *st = memory();
    struct app_session s;
    char alice[64], bob[64];
    int replayed;

    (void)state;
    login(st, "alice", alice, sizeof(alice));
    login(st, "bob", bob, sizeof(bob));
    assert_int_equal(add_item(st, alice, "f1", "k", &s, &replayed), APP_OK);
    assert_false(replayed);
    assert_int_equal(add_item(st, alice, "f1", "k", &s, &replayed), APP_OK);
    assert_true(replayed);
    assert_int_equal(s.n_items, 1); /* the answer is the cart as it is */
    assert_int_equal(add_item(st, alice, "f2", "k", &s, &replayed), APP_OK); /* other item */
    assert_false(replayed);
    assert_int_equal(add_item(st, bob, "f1", "k", &s, &replayed), APP_OK);   /* other user */
    assert_false(replayed);
    assert_int_equal(s.n_items, 1);
    assert_int_equal(session_of(st, alice, &s), APP_OK);
    assert_int_equal(s.n_items, 2);
    assert_string_equal(s.items[0], "f1");
    assert_string_equal(s.items[1], "f2");
    st->ops->close(st);
}

/* ---- the memory store's lock: threads at once, nothing lost, nothing doubled ---- */

#define THREADS 4
#define PER_THREAD 2000
#define CONTESTED_SEATS 200

struct worker {
    struct app_store *st;
    char user[16];
    int booked;
};

static void *hammer(void *arg)
{
    struct worker *w = arg;
    int i;

    for (i = 0; i < PER_THREAD; i++) {
        long long value;
        int replayed = 0;

        if (w->st->ops->incr_counter(w->st, w->user, NULL, &value, &replayed) != APP_OK)
            return NULL;
        if (i < CONTESTED_SEATS &&
            w->st->ops->book_seat(w->st, i, w->user, NULL, &replayed) == APP_OK)
            w->booked++;
    }
    return NULL;
}

static void concurrent_writes_are_neither_lost_nor_doubled(void **state)
{
    struct app_store *st = memory();
    struct worker w[THREADS];
    pthread_t tid[THREADS];
    long long value = -1;
    int i, booked = 0;

    (void)state;
    for (i = 0; i < THREADS; i++) {
        w[i].st = st;
        w[i].booked = 0;
        snprintf(w[i].user, sizeof(w[i].user), "u%d", i);
        assert_int_equal(pthread_create(&tid[i], NULL, hammer, &w[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(tid[i], NULL);
        booked += w[i].booked;
    }
    assert_int_equal(st->ops->get_counter(st, &value), APP_OK);
    assert_int_equal(value, THREADS * PER_THREAD);
    assert_int_equal(booked, CONTESTED_SEATS); /* each seat went to exactly one thread */
    st->ops->close(st);
}

/* ---- the token store ---- */

/* Two keys of APP_KEY_MIN bytes (main fills them; no zero byte, which HMAC would pad anyway). */
static unsigned char key_a[APP_KEY_MIN], key_b[APP_KEY_MIN];

static void make_keys(void)
{
    size_t i;

    for (i = 0; i < APP_KEY_MIN; i++) {
        key_a[i] = (unsigned char)(0x41 + i);
        key_b[i] = (unsigned char)(0x81 + i);
    }
}

static struct app_store *token(const unsigned char *key)
{
    struct app_store *st = app_store_token_new(key, APP_KEY_MIN);

    assert_non_null(st);
    return st;
}

/* base64url without padding, through OpenSSL's standard base64 (not the app's encoder). */
static void openssl_b64url(const unsigned char *in, size_t len, char *out)
{
    int n = EVP_EncodeBlock((unsigned char *)out, in, (int)len), i;

    for (i = 0; i < n; i++)
        out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
    while (n > 0 && out[n - 1] == '=')
        n--;
    out[n] = '\0';
}

/* The inverse, also through OpenSSL; the byte count. */
static int openssl_b64url_decode(const char *in, size_t len, unsigned char *out)
{
    char padded[4096];
    size_t i, pad = (4 - len % 4) % 4;
    int n;

    assert_true(len + pad < sizeof(padded));
    for (i = 0; i < len; i++)
        padded[i] = in[i] == '-' ? '+' : in[i] == '_' ? '/' : in[i];
    memset(padded + len, '=', pad);
    n = EVP_DecodeBlock(out, (const unsigned char *)padded, (int)(len + pad));
    assert_true(n >= 0);
    return n - (int)pad;
}

/* The token "<payload>.<mac>" for JSON text, signed here with OpenSSL's HMAC under key. */
static void sign(const unsigned char *key, const char *json, char *tok, size_t cap)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    char payload[2048], mac_b64[64];

    openssl_b64url((const unsigned char *)json, strlen(json), payload);
    assert_non_null(HMAC(EVP_sha256(), key, APP_KEY_MIN, (const unsigned char *)payload,
                         strlen(payload), mac, &mac_len));
    assert_int_equal(mac_len, 32);
    openssl_b64url(mac, mac_len, mac_b64);
    snprintf(tok, cap, "%s.%s", payload, mac_b64);
}

static void token_keys_must_have_32_to_256_bytes(void **state)
{
    unsigned char big[APP_KEY_MAX + 1];
    struct app_store *st;

    (void)state;
    memset(big, 7, sizeof(big));
    assert_null(app_store_token_new(key_a, APP_KEY_MIN - 1));
    assert_null(app_store_token_new(big, APP_KEY_MAX + 1));
    st = app_store_token_new(big, APP_KEY_MAX);
    assert_non_null(st);
    st->ops->close(st);
}

/* The login's token is the JSON of the session, signed with HMAC-SHA256 under the key. */
static void a_token_is_the_session_signed_with_hmac_sha256(void **state)
{
    static const char payload[] = "{\"user\":\"alice\",\"items\":[]}";
    struct app_store *st = token(key_a);
    char tok[APP_COOKIE_MAX], want[APP_COOKIE_MAX];
    unsigned char json[1024];
    const char *dot;
    int n;

    (void)state;
    assert_string_equal(st->ops->name, "token");
    login(st, "alice", tok, sizeof(tok));
    sign(key_a, payload, want, sizeof(want));
    assert_string_equal(tok, want);
    dot = strchr(tok, '.');
    assert_non_null(dot);
    assert_int_equal(strlen(dot + 1), APP_MAC_B64);
    n = openssl_b64url_decode(tok, (size_t)(dot - tok), json);
    assert_int_equal(n, (int)strlen(payload));
    assert_memory_equal(json, payload, (size_t)n);
    st->ops->close(st);
}

static void a_token_carries_its_cart(void **state)
{
    struct app_store *st = token(key_a);
    struct app_session s;
    char tok[APP_COOKIE_MAX], first[APP_COOKIE_MAX], want[APP_COOKIE_MAX];
    int replayed;

    (void)state;
    login(st, "alice", tok, sizeof(tok));
    snprintf(first, sizeof(first), "%s", tok);
    assert_int_equal(add_item(st, tok, "apple", NULL, &s, &replayed), APP_OK);
    assert_int_equal(s.n_items, 1);
    assert_string_equal(s.items[0], "apple");
    sign(key_a, "{\"user\":\"alice\",\"items\":[\"apple\"]}", want, sizeof(want));
    assert_string_equal(s.cookie + strlen("token="), want);
    /* the store keeps nothing: the first token still opens, with its empty cart */
    assert_int_equal(session_of(st, first, &s), APP_OK);
    assert_int_equal(s.n_items, 0);
    assert_int_equal(session_of(st, want, &s), APP_OK);
    assert_int_equal(s.n_items, 1);
    st->ops->close(st);
}

/* A token the test signed itself opens: the store checks exactly HMAC-SHA256 of the payload. */
static void a_token_signed_elsewhere_with_the_key_opens(void **state)
{
    struct app_store *st = token(key_a);
    struct app_session s;
    char tok[APP_COOKIE_MAX];

    (void)state;
    sign(key_a, "{\"user\":\"mallory\",\"items\":[\"x\",\"y\"]}", tok, sizeof(tok));
    assert_int_equal(session_of(st, tok, &s), APP_OK);
    assert_string_equal(s.user, "mallory");
    assert_int_equal(s.n_items, 2);
    assert_string_equal(s.items[1], "y");
    st->ops->close(st);
}

static void a_tampered_token_is_refused(void **state)
{
    struct app_store *st = token(key_a), *other = token(key_b);
    struct app_session s;
    char tok[APP_COOKIE_MAX], bad[APP_COOKIE_MAX];
    size_t len, dot;

    (void)state;
    login(st, "alice", tok, sizeof(tok));
    len = strlen(tok);
    dot = (size_t)(strchr(tok, '.') - tok);
    /* one character changed in the payload, then in the MAC */
    snprintf(bad, sizeof(bad), "%s", tok);
    bad[1] = bad[1] == 'A' ? 'B' : 'A';
    assert_int_equal(session_of(st, bad, &s), APP_NO_SESSION);
    snprintf(bad, sizeof(bad), "%s", tok);
    bad[len - 2] = bad[len - 2] == 'A' ? 'B' : 'A';
    assert_int_equal(session_of(st, bad, &s), APP_NO_SESSION);
    /* cut, extended, without its MAC, without its payload */
    snprintf(bad, sizeof(bad), "%.*s", (int)len - 1, tok);
    assert_int_equal(session_of(st, bad, &s), APP_NO_SESSION);
    snprintf(bad, sizeof(bad), "%sA", tok);
    assert_int_equal(session_of(st, bad, &s), APP_NO_SESSION);
    snprintf(bad, sizeof(bad), "%.*s", (int)dot + 1, tok);
    assert_int_equal(session_of(st, bad, &s), APP_NO_SESSION);
    assert_int_equal(session_of(st, tok + dot, &s), APP_NO_SESSION);
    /* another store's key */
    assert_int_equal(session_of(other, tok, &s), APP_NO_SESSION);
    /* another user's payload under alice's MAC */
    sign(key_a, "{\"user\":\"mallory\",\"items\":[]}", bad, sizeof(bad));
    memcpy(strchr(bad, '.'), tok + dot, len - dot + 1);
    assert_int_equal(session_of(st, bad, &s), APP_NO_SESSION);
    st->ops->close(st);
    other->ops->close(other);
}

/* Well signed, but not the shape the store writes: refused all the same. */
static void a_signed_token_of_another_shape_is_refused(void **state)
{
    static const char *const shapes[] = {
        "{\"user\":\"alice\",\"items\":[],\"admin\":true}",
        "{\"user\":\"alice\"}",
        "{\"user\":\"a b\",\"items\":[]}",
        "{\"user\":\"alice\",\"items\":[1]}",
        "{\"user\":\"alice\",\"user\":\"bob\",\"items\":[]}",
        "[\"alice\"]",
        "not json",
    };
    struct app_store *st = token(key_a);
    struct app_session s;
    char tok[APP_COOKIE_MAX];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        sign(key_a, shapes[i], tok, sizeof(tok));
        if (session_of(st, tok, &s) != APP_NO_SESSION)
            fail_msg("a token of %s opened", shapes[i]);
    }
    st->ops->close(st);
}

/* Sessions travel with the token; the counter and the seats stay in each process. */
static void counter_and_seats_stay_in_the_process(void **state)
{
    struct app_store *a = token(key_a), *b = token(key_a);
    struct app_session s;
    char tok[APP_COOKIE_MAX];
    int replayed;

    (void)state;
    login(a, "alice", tok, sizeof(tok));
    assert_int_equal(session_of(b, tok, &s), APP_OK);
    assert_int_equal(incr(a, "alice", NULL, &replayed), 1);
    assert_int_equal(incr(b, "alice", NULL, &replayed), 1);
    assert_int_equal(book(a, 3, "alice", NULL, &replayed), APP_OK);
    assert_int_equal(book(b, 3, "bob", NULL, &replayed), APP_OK); /* a double booking */
    assert_int_equal(a->ops->ready(a), APP_OK);
    a->ops->close(a);
    b->ops->close(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_login_gives_a_session_id_that_finds_the_session),
        cmocka_unit_test(a_cart_keeps_the_newest_64_items_in_order),
        cmocka_unit_test(a_session_expires_after_its_last_use),
        cmocka_unit_test(the_least_recently_used_session_is_dropped_first),
        cmocka_unit_test(the_counter_counts_each_write_once),
        cmocka_unit_test(a_seat_has_one_holder),
        cmocka_unit_test(a_resent_add_adds_its_item_once),
        cmocka_unit_test(concurrent_writes_are_neither_lost_nor_doubled),
        cmocka_unit_test(token_keys_must_have_32_to_256_bytes),
        cmocka_unit_test(a_token_is_the_session_signed_with_hmac_sha256),
        cmocka_unit_test(a_token_carries_its_cart),
        cmocka_unit_test(a_token_signed_elsewhere_with_the_key_opens),
        cmocka_unit_test(a_tampered_token_is_refused),
        cmocka_unit_test(a_signed_token_of_another_shape_is_refused),
        cmocka_unit_test(counter_and_seats_stay_in_the_process),
    };

    make_keys();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
