/* Unit tests of the JSON writer: json_dumps' own bytes on reals, random trees and documents. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_test.h"
#include "scalelab/alloc.h"
#include "scalelab/json.h"
#include "scalelab/scalelab.h"

/*
 * jansson is the reference: every text sl_json_dump writes must be what json_dumps writes for
 * the same tree with the flags the library uses.
 */
#define FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))

static uint64_t seed = 0x5ca1ab1eULL;

static uint64_t next_u64(void) /* splitmix64: the test's own stream */
{
    uint64_t z = (seed += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double uniform(void)
{
    return (double)(next_u64() >> 11) * 0x1.0p-53;
}

/* jansson's text with the allocation it came from released, as a plain malloc'd copy. */
static char *jansson_text(const json_t *doc)
{
    json_malloc_t jm;
    json_free_t jf;
    char *text = json_dumps(doc, FLAGS), *copy;

    if (!text)
        return NULL;
    copy = strdup(text);
    json_get_alloc_funcs(&jm, &jf);
    jf(text);
    return copy;
}

/* Both writers on doc (which this takes); fails on the first byte they differ at. */
static void assert_same_text(json_t *doc)
{
    char *want = jansson_text(doc), *got;
    size_t i;

    assert_non_null(want);
    got = sl_json_dump(doc);
    assert_non_null(got);
    if (strcmp(want, got)) {
        for (i = 0; want[i] == got[i]; i++)
            ;
        fail_msg("differs at byte %zu: jansson '%.40s', ours '%.40s'", i,
                 want + (i > 20 ? i - 20 : 0), got + (i > 20 ? i - 20 : 0));
    }
    free(want);
    sl_free(got);
}

/* A double from one of the families where %.10g is hard to get right. */
static double hard_real(void)
{
    static const double ties[] = { 0.5, 0.25, 0.125, 0.375, 0.0625 };
    double sign = next_u64() & 1 ? -1.0 : 1.0, v;
    uint64_t bits;

    switch (next_u64() % 8) {
    case 0: /* any finite bit pattern */
        do {
            bits = next_u64();
            memcpy(&v, &bits, sizeof(v));
        } while (!isfinite(v));
        return v;
    case 1: /* 11 significant digits ending in 5: halfway at the tenth digit in decimal */
        return sign * ((double)(next_u64() % 9000000000ULL + 1000000000ULL) * 10.0 + 5.0) *
               pow(10.0, (double)((int)(next_u64() % 40) - 25));
    case 2: /* an integer times a power of two that is exactly halfway in binary */
        return sign * ((double)(next_u64() % 9000000000ULL + 1000000000ULL) +
                       ties[next_u64() % 5]) * pow(10.0, (double)((int)(next_u64() % 30) - 15));
    case 3: /* a power of ten, a few units in the last place either side */
        v = pow(10.0, (double)((int)(next_u64() % 60) - 30));
        for (bits = next_u64() % 4; bits > 0; bits--)
            v = nextafter(v, next_u64() & 1 ? INFINITY : 0.0);
        return sign * v;
    case 4: /* log-uniform over the range documents use */
        return sign * pow(10.0, uniform() * 30.0 - 15.0);
    case 5: /* whole numbers, which gain ".0" */
        return sign * (double)(next_u64() % 100000000000ULL);
    case 6: /* ten digits just below a carry into the next power: 9.9999999995 */
        return sign * (10.0 - pow(10.0, -(double)(next_u64() % 14))) *
               pow(10.0, (double)((int)(next_u64() % 20) - 10));
    default:
        return sign * uniform();
    }
}

static void reals_match_jansson(void **state)
{
    static const double fixed[] = { 0.0, -0.0, 1.0, -1.0, 0.1, 1e-5, 1e-4, 9.99999999995e-5,
                                    1e9, 1e10, 9999999999.5, 99999999995.0, 5e-8, 1e300,
                                    1e-300, 4.9e-324, 1.7976931348623157e308, 1e22, 1e23,
                                    123456789012345678.0, 0.9998750025, 29035.0 };
    int round;
    size_t i;

    (void)state;
    for (round = 0; round < 20; round++) {
        json_t *a = json_array();

        for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]) && round == 0; i++)
            json_array_append_new(a, json_real(fixed[i]));
        for (i = 0; i < 50000; i++)
            json_array_append_new(a, json_real(hard_real()));
        assert_same_text(a);
    }
}

static void random_string(char *buf, size_t cap)
{
    static const char *const pieces[] = { "a", "Z", "9", " ", "\"", "\\", "/", "\n", "\t", "\b",
                                          "\f", "\r", "\x01", "\x1f", "\x7f", "é", "€", "𝄞",
                                          "key", "load_rps", "{}", "[]", ":", "," };
    size_t n = next_u64() % 12, len = 0, i;

    buf[0] = '\0';
    for (i = 0; i < n; i++) {
        const char *p = pieces[next_u64() % (sizeof(pieces) / sizeof(pieces[0]))];

        if (len + strlen(p) + 1 > cap)
            break;
        memcpy(buf + len, p, strlen(p) + 1);
        len += strlen(p);
    }
}

static json_t *random_tree(int depth)
{
    static const json_int_t ints[] = { 0, 1, -1, 42, INT64_MAX, INT64_MIN, 1000000,
                                       -9007199254740993LL };
    char key[64];
    unsigned kind = (unsigned)(next_u64() % (depth > 4 ? 6 : 8));
    json_t *v;
    size_t n, i;

    switch (kind) {
    case 0: return json_null();
    case 1: return json_boolean(next_u64() & 1);
    case 2: return json_integer(ints[next_u64() % 8] + (json_int_t)(next_u64() % 3) * 0);
    case 3: return json_integer((json_int_t)(next_u64() >> 20) - (1LL << 43));
    case 4: return json_real(hard_real());
    case 5:
        random_string(key, sizeof(key));
        return json_string(key);
    case 6:
        v = json_array();
        for (n = next_u64() % 5, i = 0; i < n; i++)
            json_array_append_new(v, random_tree(depth + 1));
        return v;
    default:
        v = json_object();
        for (n = next_u64() % 6, i = 0; i < n; i++) {
            random_string(key, sizeof(key));
            json_object_set_new(v, key, random_tree(depth + 1));
        }
        return v;
    }
}

static void trees_match_jansson(void **state)
{
    int i;

    (void)state;
    for (i = 0; i < 3000; i++) {
        json_t *root = next_u64() & 1 ? json_object() : json_array();
        int k, n = (int)(next_u64() % 8);

        for (k = 0; k < n; k++) {
            if (json_is_object(root)) {
                char key[16];

                snprintf(key, sizeof(key), "k%d", (int)(next_u64() % 1000));
                json_object_set_new(root, key, random_tree(1));
            } else {
                json_array_append_new(root, random_tree(1));
            }
        }
        assert_same_text(root);
    }
}

/* Refused where json_dumps refuses: bytes that are not UTF-8, and a root that is no container. */
static void refuses_what_jansson_refuses(void **state)
{
    static const char *const bad[] = { "\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                       "ok\xe2\x82", "\x80" };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *doc = json_object();

        json_object_set_new(doc, "s", json_stringn_nocheck(bad[i], strlen(bad[i])));
        assert_null(json_dumps(doc, FLAGS));
        assert_null(sl_json_dump(doc));
    }
    assert_null(sl_json_dump(json_real(1.5)));
    assert_null(sl_json_dump(NULL));
}

/* The library's documents, read back by jansson and written by it, come out the same. */
static void assert_document_round_trips(char *text)
{
    json_error_t jerr;
    json_t *doc;
    char *again;

    assert_non_null(text);
    doc = json_loads(text, 0, &jerr);
    if (!doc)
        fail_msg("invalid JSON: %s", jerr.text);
    again = jansson_text(doc);
    json_decref(doc);
    assert_non_null(again);
    assert_string_equal(again, text);
    free(again);
    sl_free(text);
}

static void documents_match_jansson(void **state)
{
    const double loads[] = { 1e3, 1e5, 1e6 };
    struct sl_catalog *c = NULL;
    struct sl_workload w;
    char err[SL_ERR_LEN];

    (void)state;
    sl_workload_init(&w);
    assert_int_equal(sl_catalog_builtin("teaching", &c, err, sizeof(err)), SL_OK);
    assert_document_round_trips(sl_report_compare_json(c, &w, loads, 3, err, sizeof(err)));
    assert_document_round_trips(sl_report_curve_json(c, &w, 1e3, 1e6, 500, 1, err, sizeof(err)));
    w.load_rps = 2e5;
    assert_document_round_trips(sl_report_plan_json(c, &w, err, sizeof(err)));
    assert_document_round_trips(sl_report_catalogs_json(err, sizeof(err)));
    sl_catalog_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reals_match_jansson),
        cmocka_unit_test(trees_match_jansson),
        cmocka_unit_test(refuses_what_jansson_refuses),
        cmocka_unit_test(documents_match_jansson),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
