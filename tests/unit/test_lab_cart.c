/* The cart checker on hand-made carts: what it accepts, counts as lost or doubled, or read back. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "sl_test.h"
#include "lab/lab_cart.h"
#include "lab/lab_verify.h"

/* A JSON array of the items in text ("i1 i2 i2"), owned by the caller. */
static json_t *answer(const char *text)
{
    json_t *a = json_array();
    char copy[256], *save = NULL, *tok;

    assert_non_null(a);
    snprintf(copy, sizeof(copy), "%s", text);
    for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        assert_int_equal(json_array_append_new(a, json_string(tok)), 0);
    return a;
}

/* Checks c against the answer text; returns the checker's verdict, *dups its count. */
static int check(struct lab_cart *c, const char *text, int *dups)
{
    json_t *items = answer(text);
    int ok = lab_cart_check(c, items, dups);

    json_decref(items);
    return ok;
}

/* A cart of items 1..n, each acknowledged once. */
static void acknowledged(struct lab_cart *c, unsigned n)
{
    unsigned i;

    lab_cart_clear(c);
    for (i = 1; i <= n; i++)
        lab_cart_expect(c, i, 1, 1);
}

static void the_cart_as_added_matches(void **state)
{
    struct lab_cart c;
    int dups = -1;

    (void)state;
    acknowledged(&c, 3);
    assert_true(check(&c, "i1 i2 i3", &dups));
    assert_int_equal(dups, 0);
    assert_int_equal(c.n, 3);
    lab_cart_clear(&c);
    assert_true(check(&c, "", &dups)); /* a new session's cart is empty */
}

static void a_lost_item_is_a_wrong_cart(void **state)
{
    struct lab_cart c, before;
    int dups;

    (void)state;
    acknowledged(&c, 3);
    before = c;
    assert_false(check(&c, "i1 i3", &dups));
    assert_memory_equal(&c, &before, sizeof(c)); /* unchanged when wrong */
    assert_false(check(&c, "", &dups));           /* the whole cart lost */
    assert_false(check(&c, "i1 i2", &dups));      /* the newest lost */
}

static void an_unexpected_order_or_item_is_a_wrong_cart(void **state)
{
    struct lab_cart c;
    int dups;

    (void)state;
    acknowledged(&c, 3);
    assert_false(check(&c, "i2 i1 i3", &dups));
    assert_false(check(&c, "i1 i2 i3 i4", &dups)); /* an add that never was */
    assert_false(check(&c, "i1 i2 i3 i3", &dups)); /* acknowledged once, there twice */
    assert_false(check(&c, "i1 i2 x", &dups));
}

/* An add that failed may or may not have happened: both carts are right. */
static void a_failed_add_may_be_missing_or_there(void **state)
{
    struct lab_cart c;
    int dups;

    (void)state;
    acknowledged(&c, 2);
    lab_cart_expect(&c, 3, 0, 1);
    lab_cart_expect(&c, 4, 1, 1);
    assert_true(check(&c, "i1 i2 i4", &dups));
    assert_int_equal(c.n, 3); /* the cart is now what the app showed */
    assert_int_equal(c.item[2], 4);
    assert_int_equal(c.min[2], 1);

    acknowledged(&c, 2);
    lab_cart_expect(&c, 3, 0, 1);
    assert_true(check(&c, "i1 i2 i3", &dups));
    assert_int_equal(c.n, 3);
    assert_int_equal(c.min[2], 1); /* seen once: from now on it must stay */
    assert_false(check(&c, "i1 i2", &dups));
}

/* libcurl resent an add unnoticed by the app: the item may be there twice, a duplicate. */
static void a_resent_add_may_be_there_twice(void **state)
{
    struct lab_cart c;
    int dups;

    (void)state;
    acknowledged(&c, 1);
    lab_cart_expect(&c, 2, 1, 2);
    assert_true(check(&c, "i1 i2 i2", &dups));
    assert_int_equal(dups, 1);
    assert_int_equal(c.n, 3); /* both copies are now expected */
    assert_true(check(&c, "i1 i2 i2", &dups));
    assert_int_equal(dups, 0); /* counted once */

    acknowledged(&c, 1);
    lab_cart_expect(&c, 2, 1, 2);
    assert_true(check(&c, "i1 i2", &dups));
    assert_int_equal(dups, 0);
    acknowledged(&c, 1);
    lab_cart_expect(&c, 2, 1, 2);
    assert_false(check(&c, "i1 i2 i2 i2", &dups));
}

static void an_answer_without_items_is_a_wrong_cart(void **state)
{
    struct lab_cart c;
    json_t *obj = json_object(), *mixed = json_pack("[s, i]", "i1", 2);
    int dups;

    (void)state;
    acknowledged(&c, 1);
    assert_false(lab_cart_check(&c, NULL, &dups));
    assert_false(lab_cart_check(&c, obj, &dups));
    acknowledged(&c, 2);
    assert_false(lab_cart_check(&c, mixed, &dups));
    json_decref(obj);
    json_decref(mixed);
}

static void a_full_cart_takes_no_more_entries(void **state)
{
    struct lab_cart c;
    unsigned i;

    (void)state;
    lab_cart_clear(&c);
    for (i = 1; i <= LAB_CART_CAP + 5; i++)
        lab_cart_expect(&c, i, 1, 1);
    assert_int_equal(c.n, LAB_CART_CAP);
    assert_int_equal(c.item[LAB_CART_CAP - 1], LAB_CART_CAP);
}

static void a_wrong_cart_is_described(void **state)
{
    struct lab_cart c;
    json_t *items = answer("i1 i2 i2");
    char text[LAB_EVENT_LEN];

    (void)state;
    acknowledged(&c, 1);
    lab_cart_expect(&c, 2, 0, 1);
    lab_cart_expect(&c, 3, 1, 2);
    lab_cart_describe(&c, items, text, sizeof(text));
    assert_string_equal(text, "wrong cart: got i1,i2,i2 want i1,i2?,i3+");
    lab_cart_describe(&c, items, text, 20);
    assert_string_equal(text, "wrong cart: got i1,");
    json_decref(items);
}

static int missing(const struct lab_cart *c, const char *text)
{
    json_t *a = answer(text);
    int n = lab_cart_missing(c, a);

    json_decref(a);
    return n;
}

/* i1 and i2 acknowledged, i3 failed (may be there or not), i4 resent (there once or twice). */
static void mixed(struct lab_cart *c)
{
    lab_cart_clear(c);
    lab_cart_expect(c, 1, 1, 1);
    lab_cart_expect(c, 2, 1, 1);
    lab_cart_expect(c, 3, 0, 1);
    lab_cart_expect(c, 4, 1, 2);
}

static void readback_counts_only_acknowledged_lines(void **state)
{
    struct lab_cart c;

    (void)state;
    mixed(&c);
    assert_int_equal(lab_cart_acknowledged(&c), 3);
    lab_cart_clear(&c);
    assert_int_equal(lab_cart_acknowledged(&c), 0);
}

static void readback_of_everything_loses_nothing(void **state)
{
    struct lab_cart c;

    (void)state;
    mixed(&c);
    assert_int_equal(missing(&c, "i1 i2 i3 i4"), 0);
    assert_int_equal(missing(&c, "i1 i2 i4 i4"), 0); /* the failed add absent, the resend twice */
}

static void readback_names_each_missing_line(void **state)
{
    struct lab_cart c;

    (void)state;
    mixed(&c);
    assert_int_equal(missing(&c, "i1 i3 i4"), 1);  /* i2 */
    assert_int_equal(missing(&c, "i3"), 3);        /* only the one that may be missing is there */
    assert_int_equal(missing(&c, ""), 3);          /* a cart emptied, as a store that forgot */
    assert_int_equal(missing(&c, "i10 i20 i40"), 3); /* names that merely contain the numbers */
}

static void readback_without_an_array_loses_all(void **state)
{
    struct lab_cart c;
    json_t *s = json_string("i1");

    (void)state;
    mixed(&c);
    assert_int_equal(lab_cart_missing(&c, NULL), 3);
    assert_int_equal(lab_cart_missing(&c, s), 3);
    json_decref(s);
}

/*
 * A session the book has no room for is not read back, but its lines were acknowledged: they
 * count in acked as well as in unverified, so unverified never exceeds acked.
 */
static void readback_counts_unkept_sessions_as_acknowledged(void **state)
{
    struct lab_verify_book book;
    struct lab_verify_tally t;
    struct lab_cart c;

    (void)state;
    memset(&book, 0, sizeof(book));
    memset(&t, 0, sizeof(t));
    lab_cart_clear(&c);
    lab_cart_expect(&c, 1, 1, 1);
    lab_cart_expect(&c, 2, 1, 1);
    lab_cart_expect(&c, 3, 0, 1); /* sent, no answer: not acknowledged */
    lab_verify_keep(&book, NULL, &c, 0); /* room for none */
    lab_verify_run(&book, "http://127.0.0.1:9", &t); /* nothing kept: nothing is fetched */
    assert_int_equal(t.acked, 2);
    assert_int_equal(t.unverified, 2);
    assert_int_equal(t.lost, 0);
    assert_int_equal(t.sessions, 0);
    lab_verify_release(&book);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_cart_as_added_matches),
        cmocka_unit_test(a_lost_item_is_a_wrong_cart),
        cmocka_unit_test(an_unexpected_order_or_item_is_a_wrong_cart),
        cmocka_unit_test(a_failed_add_may_be_missing_or_there),
        cmocka_unit_test(a_resent_add_may_be_there_twice),
        cmocka_unit_test(an_answer_without_items_is_a_wrong_cart),
        cmocka_unit_test(a_full_cart_takes_no_more_entries),
        cmocka_unit_test(a_wrong_cart_is_described),
        cmocka_unit_test(readback_counts_only_acknowledged_lines),
        cmocka_unit_test(readback_of_everything_loses_nothing),
        cmocka_unit_test(readback_names_each_missing_line),
        cmocka_unit_test(readback_without_an_array_loses_all),
        cmocka_unit_test(readback_counts_unkept_sessions_as_acknowledged),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
