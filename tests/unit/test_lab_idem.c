/* The idempotency ring: keys scoped by user and route, the oldest forgotten first. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "sl_test.h"
#include "lab/app_codec.h"
#include "lab/app_idem.h"

/* The id of key k<n> of alice on /counter/incr. */
static struct app_idem_id key_id(int n)
{
    struct app_idem_id id;
    char key[16];

    snprintf(key, sizeof(key), "k%d", n);
    assert_int_equal(app_idem_id_of(&id, "alice", "/counter/incr", key), APP_OK);
    return id;
}

static int known(const struct app_idem_ring *r, int n)
{
    struct app_idem_id id = key_id(n);

    return app_idem_ring_find(r, &id, NULL);
}

static void add(struct app_idem_ring *r, int n)
{
    struct app_idem_id id = key_id(n);

    assert_int_equal(app_idem_ring_add(r, &id, APP_OK), APP_OK);
}

/* sha256("alice:/counter/incr:k1"), as `sha256sum` prints it. */
static void an_id_is_the_sha256_of_the_scoped_key(void **state)
{
    static const unsigned char want[APP_IDEM_DIGEST] = {
        0xf4, 0x04, 0x4d, 0x68, 0x49, 0x13, 0x04, 0xa6, 0x70, 0x4e, 0x8b, 0xa3, 0x30, 0xf8, 0x09,
        0xd0, 0x03, 0xbd, 0x61, 0x54, 0x5a, 0x43, 0x85, 0xd9, 0x57, 0x58, 0xc2, 0x42, 0x71, 0xb8,
        0x84, 0x76,
    };
    struct app_idem_id id = key_id(1);

    (void)state;
    assert_memory_equal(id.digest, want, APP_IDEM_DIGEST);
}

static void the_oldest_key_is_forgotten_first(void **state)
{
    struct app_idem_ring r;

    (void)state;
    app_idem_ring_init(&r, 3);
    assert_false(known(&r, 1)); /* nothing allocated yet */
    add(&r, 1);
    add(&r, 2);
    add(&r, 3);
    assert_true(known(&r, 1) && known(&r, 2) && known(&r, 3));
    add(&r, 4);
    assert_false(known(&r, 1));
    assert_true(known(&r, 2) && known(&r, 3) && known(&r, 4));
    /* finding a key does not make it young again: insertion order alone decides */
    assert_true(known(&r, 2));
    add(&r, 5);
    assert_false(known(&r, 2));
    assert_true(known(&r, 3) && known(&r, 4) && known(&r, 5));
    app_idem_ring_release(&r);
}

/* Many keys through a small ring: the hash chains lose exactly the evicted ones. */
static void a_full_ring_keeps_exactly_the_last_keys(void **state)
{
    struct app_idem_ring r;
    int n, k;

    (void)state;
    app_idem_ring_init(&r, 5);
    for (n = 1; n <= 200; n++) {
        add(&r, n);
        for (k = 1; k <= n; k++)
            if (known(&r, k) != (k > n - 5))
                fail_msg("after adding k%d: k%d %s", n, k, known(&r, k) ? "kept" : "lost");
    }
    app_idem_ring_release(&r);
}

static void a_ring_of_one_keeps_the_last_key(void **state)
{
    struct app_idem_ring r;

    (void)state;
    app_idem_ring_init(&r, 1);
    add(&r, 1);
    assert_true(known(&r, 1));
    add(&r, 2);
    assert_false(known(&r, 1));
    assert_true(known(&r, 2));
    app_idem_ring_release(&r);
    assert_false(known(&r, 2)); /* released: empty, and usable again */
    add(&r, 3);
    assert_true(known(&r, 3));
    app_idem_ring_release(&r);
}

static void the_first_outcome_is_kept(void **state)
{
    struct app_idem_ring r;
    struct app_idem_id a = key_id(1), b = key_id(2);
    enum app_result got = APP_NOMEM;

    (void)state;
    app_idem_ring_init(&r, 4);
    assert_int_equal(app_idem_ring_add(&r, &a, APP_TAKEN), APP_OK);
    assert_int_equal(app_idem_ring_add(&r, &b, APP_OK), APP_OK);
    assert_true(app_idem_ring_find(&r, &a, &got));
    assert_int_equal(got, APP_TAKEN);
    assert_true(app_idem_ring_find(&r, &b, &got));
    assert_int_equal(got, APP_OK);
    app_idem_ring_release(&r);
}

/* The same key from another user, or on another route, is another request. */
static void keys_are_scoped_by_user_and_route(void **state)
{
    static const struct {
        const char *user, *route, *key;
    } others[] = {
        { "bob", "/counter/incr", "k1" },
        { "alice", "/seats/7/book", "k1" },
        { "alice", "/cart/add?item=x", "k1" },
        { "alice", "/counter/incr", "k2" },
    };
    struct app_idem_ring r;
    struct app_idem_id alice = key_id(1);
    size_t i;

    (void)state;
    app_idem_ring_init(&r, 16);
    assert_int_equal(app_idem_ring_add(&r, &alice, APP_OK), APP_OK);
    for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        struct app_idem_id id;

        assert_int_equal(app_idem_id_of(&id, others[i].user, others[i].route, others[i].key),
                         APP_OK);
        assert_memory_not_equal(id.digest, alice.digest, APP_IDEM_DIGEST);
        assert_false(app_idem_ring_find(&r, &id, NULL));
    }
    app_idem_ring_release(&r);
}

static void a_key_too_long_to_scope_is_refused(void **state)
{
    char route[APP_IDEM_SCOPE_MAX];
    struct app_idem_id id;

    (void)state;
    memset(route, '/', sizeof(route) - 1);
    route[sizeof(route) - 1] = '\0';
    assert_int_equal(app_idem_id_of(&id, "alice", route, "k1"), APP_NOMEM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_id_is_the_sha256_of_the_scoped_key),
        cmocka_unit_test(the_oldest_key_is_forgotten_first),
        cmocka_unit_test(a_full_ring_keeps_exactly_the_last_keys),
        cmocka_unit_test(a_ring_of_one_keeps_the_last_key),
        cmocka_unit_test(the_first_outcome_is_kept),
        cmocka_unit_test(keys_are_scoped_by_user_and_route),
        cmocka_unit_test(a_key_too_long_to_scope_is_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
