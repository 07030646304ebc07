/* The app's encodings: base64url (RFC 4648), the token MAC (RFC 4231), names, ids and keys. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "sl_test.h"
#include "lab/app_codec.h"

/* RFC 4648 section 10, without the padding that section 5's URL encoding may leave out. */
static const struct {
    const char *bytes, *b64;
} rfc4648[] = {
    { "", "" },         { "f", "Zg" },         { "fo", "Zm8" },      { "foo", "Zm9v" },
    { "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" },
};

static void b64url_encodes_the_rfc_4648_vectors(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
        char out[16];
        size_t len = strlen(rfc4648[i].bytes);

        assert_int_equal(app_b64url_encode((const unsigned char *)rfc4648[i].bytes, len, out,
                                           sizeof(out)), strlen(rfc4648[i].b64));
        assert_string_equal(out, rfc4648[i].b64);
    }
}

static void b64url_decodes_the_rfc_4648_vectors(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
        unsigned char out[16];
        const char *b64 = rfc4648[i].b64;
        long n = app_b64url_decode(b64, strlen(b64), out, sizeof(out));

        assert_int_equal(n, (long)strlen(rfc4648[i].bytes));
        assert_memory_equal(out, rfc4648[i].bytes, (size_t)n);
    }
}

/* 0xfb 0xff 0xbf is "+/+/" in base64 and "-_-_" in the URL alphabet (RFC 4648 table 2). */
static void b64url_uses_the_url_alphabet(void **state)
{
    static const unsigned char high[] = { 0xfb, 0xff, 0xbf };
    unsigned char back[3];
    char out[8];

    (void)state;
    assert_int_equal(app_b64url_encode(high, 3, out, sizeof(out)), 4);
    assert_string_equal(out, "-_-_");
    assert_int_equal(app_b64url_decode("-_-_", 4, back, sizeof(back)), 3);
    assert_memory_equal(back, high, 3);
}

static void b64url_refuses_what_it_does_not_write(void **state)
{
    static const char *const bad[] = {
        "Zg==",  /* padding */
        "Zm8=",  /* padding */
        "+/+/",  /* the standard alphabet */
        "Z",     /* 4k + 1 characters */
        "Zh",    /* nonzero unused low bits: "f" is only "Zg" */
        "Zm9",   /* nonzero unused low bits */
        "Zm 9",  /* a space */
    };
    unsigned char out[16];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(app_b64url_decode(bad[i], strlen(bad[i]), out, sizeof(out)), -1);
    assert_int_equal(app_b64url_decode("Zm9vYmFy", 8, out, 5), -1); /* 6 bytes do not fit */
}

static void b64url_encode_says_when_the_buffer_is_short(void **state)
{
    char out[8];

    (void)state;
    assert_int_equal(app_b64url_encode((const unsigned char *)"foobar", 6, out, 8), 0);
    assert_int_equal(app_b64url_encode((const unsigned char *)"fooba", 5, out, 8), 7);
    assert_string_equal(out, "Zm9vYmE");
    assert_int_equal(app_b64url_encode((const unsigned char *)"foo", 3, out, 5), 4);
    assert_string_equal(out, "Zm9v");
}

/*
 * RFC 4231 test case 2: HMAC-SHA-256 with key "Jefe" over "what do ya want for nothing?" is
 * 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843, which is this in base64url.
 */
static void token_mac_is_hmac_sha256_of_rfc_4231(void **state)
{
    const char *data = "what do ya want for nothing?";
    char out[APP_MAC_B64 + 1];

    (void)state;
    assert_int_equal(app_token_mac((const unsigned char *)"Jefe", 4, data, strlen(data), out), 0);
    assert_string_equal(out, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM");
}

static void names_are_1_to_64_safe_characters(void **state)
{
    char longest[APP_NAME_MAX + 2];

    (void)state;
    memset(longest, 'a', APP_NAME_MAX);
    longest[APP_NAME_MAX] = '\0';
    assert_true(app_name_valid("alice"));
    assert_true(app_name_valid("A-b_c.9"));
    assert_true(app_name_valid(longest));
    longest[APP_NAME_MAX] = 'a';
    longest[APP_NAME_MAX + 1] = '\0';
    assert_false(app_name_valid(longest));
    assert_false(app_name_valid(""));
    assert_false(app_name_valid("a b"));
    assert_false(app_name_valid("a:b")); /* ':' separates the parts of a scoped key */
    assert_false(app_name_valid("\xc3\xa9"));
}

static void idempotency_keys_allow_a_colon(void **state)
{
    (void)state;
    assert_true(app_idem_valid("run1.memory:m1-alice-1"));
    assert_false(app_idem_valid(""));
    assert_false(app_idem_valid("a/b"));
    assert_false(app_idem_valid("a;b"));
}

static void a_scoped_key_names_user_route_and_key(void **state)
{
    char out[APP_IDEM_SCOPE_MAX], key[APP_IDEM_MAX + 1];

    (void)state;
    assert_int_equal(app_idem_scope(out, "alice", "/seats/7/book", "k1"), 0);
    assert_string_equal(out, "alice:/seats/7/book:k1");
    memset(key, 'k', APP_IDEM_MAX);
    key[APP_IDEM_MAX] = '\0';
    assert_int_equal(app_idem_scope(out, "alice", "/counter/incr", key), 0);
}

static void session_ids_are_32_lowercase_hex_digits(void **state)
{
    unsigned char bytes[APP_SID_BYTES], again[APP_SID_BYTES];
    char hex[APP_SID_HEX + 1], upper[APP_SID_HEX + 2];
    size_t i;

    (void)state;
    assert_int_equal(app_sid_new(bytes, hex), 0);
    assert_int_equal(strlen(hex), APP_SID_HEX);
    assert_int_equal(strspn(hex, "0123456789abcdef"), APP_SID_HEX);
    assert_int_equal(app_sid_parse(hex, again), 0);
    assert_memory_equal(bytes, again, APP_SID_BYTES);
    assert_int_equal(app_sid_parse("0123456789abcdef0123456789abcdef", NULL), 0);
    for (i = 0; i <= APP_SID_HEX; i++)
        upper[i] = (char)(hex[i] >= 'a' && hex[i] <= 'f' ? hex[i] - 'a' + 'A' : hex[i]);
    if (strcmp(upper, hex))
        assert_int_equal(app_sid_parse(upper, NULL), -1);
    assert_int_equal(app_sid_parse("0123456789abcdef0123456789abcde", NULL), -1);
    memcpy(upper, hex, APP_SID_HEX);
    upper[APP_SID_HEX] = '0';
    upper[APP_SID_HEX + 1] = '\0';
    assert_int_equal(app_sid_parse(upper, NULL), -1);
    assert_int_equal(app_sid_parse("zz", NULL), -1);
}

static void token_keys_are_even_hex_of_32_bytes_or_more(void **state)
{
    char hex[2 * APP_KEY_MIN + 1];
    unsigned char key[APP_KEY_MAX];

    (void)state;
    memset(hex, 'A', 2 * APP_KEY_MIN);
    hex[2 * APP_KEY_MIN] = '\0';
    assert_int_equal(app_token_key_parse(hex, key, sizeof(key)), APP_KEY_MIN);
    assert_int_equal(key[0], 0xaa);
    assert_int_equal(app_token_key_parse(hex + 2, key, sizeof(key)), 0); /* 31 bytes */
    assert_int_equal(app_token_key_parse(hex + 1, key, sizeof(key)), 0); /* odd */
    hex[5] = 'g';
    assert_int_equal(app_token_key_parse(hex, key, sizeof(key)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(b64url_encodes_the_rfc_4648_vectors),
        cmocka_unit_test(b64url_decodes_the_rfc_4648_vectors),
        cmocka_unit_test(b64url_uses_the_url_alphabet),
        cmocka_unit_test(b64url_refuses_what_it_does_not_write),
        cmocka_unit_test(b64url_encode_says_when_the_buffer_is_short),
        cmocka_unit_test(token_mac_is_hmac_sha256_of_rfc_4231),
        cmocka_unit_test(names_are_1_to_64_safe_characters),
        cmocka_unit_test(idempotency_keys_allow_a_colon),
        cmocka_unit_test(a_scoped_key_names_user_route_and_key),
        cmocka_unit_test(session_ids_are_32_lowercase_hex_digits),
        cmocka_unit_test(token_keys_are_even_hex_of_32_bytes_or_more),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
