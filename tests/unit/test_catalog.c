/* Unit tests of catalog CSV parsing: what is accepted and each way a file is rejected. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "sl_test.h"
#include "scalelab/scalelab.h"

#define HEADER "name,vcpu,mem_gib,net_gbps,usd_per_month,single_thread_factor\n"

static enum sl_status parse(const char *text, size_t len, struct sl_catalog **c, char *err)
{
    return sl_catalog_parse(text, len, "x.csv", c, err, SL_ERR_LEN);
}

static void catalog_builtins_parse(void **state)
{
    const char *const *names = sl_catalog_builtin_names();
    char err[SL_ERR_LEN];
    int i;

    (void)state;
    for (i = 0; names[i]; i++) {
        struct sl_catalog *c = NULL;

        if (sl_catalog_builtin(names[i], &c, err, sizeof(err)) != SL_OK)
            fail_msg("%s: %s", names[i], err);
        assert_true(c->count >= 10);
        assert_true(strlen(c->source) > 20);
        sl_catalog_free(c);
    }
    {
        struct sl_catalog *c = NULL;

        assert_int_equal(sl_catalog_builtin("teaching", &c, err, sizeof(err)), SL_OK);
        assert_non_null(strstr(c->source, "CONSTRUCTED FOR TEACHING"));
        sl_catalog_free(c);
        assert_int_equal(sl_catalog_builtin("nope", &c, err, sizeof(err)), SL_E_NOT_FOUND);
        assert_null(c);
    }
}

static void catalog_accepts_variants(void **state)
{
    static const char *const good[] = {
        /* columns in another order, CRLF, a BOM, quotes, comments between rows, no final newline */
        "vcpu,name,mem_gib,net_gbps,usd_per_month,single_thread_factor\n2,a,4,1,50,1\n",
        "name,vcpu,mem_gib,net_gbps,usd_per_month,single_thread_factor\r\na,2,4,1,50,1\r\n",
        "\xef\xbb\xbf" HEADER "a,2,4,1,50,1\n",
        HEADER "\"a, the \"\"big\"\" one\",2,4,1,50,1\n",
        "# source: me\n" HEADER "a,2,4,1,50,1\n# mid\n\nb,4,8,1,90,1",
        HEADER "a,2,4,1,50,1\n",
        "name,vcpu,mem_gib,net_gbps,usd_per_month,single_thread_factor,usl_sigma,usl_kappa\n"
        "a,2,4,1,50,1,0.01,0.0001\n",
        HEADER "caf\xc3\xa9,2,4,1,0,1\n",
    };
    char err[SL_ERR_LEN];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct sl_catalog *c = NULL;

        if (parse(good[i], strlen(good[i]), &c, err) != SL_OK)
            fail_msg("case %zu rejected: %s", i, err);
        assert_true(c->count >= 1);
        assert_close(c->items[0].vcpu, 2, 0);
        sl_catalog_free(c);
    }
}

static void catalog_fields_and_source(void **state)
{
    const char *text = "# made up\n# 2026\n" HEADER "\"a, b\",2,4,1.5,50.25,0.9\n";
    struct sl_catalog *c = NULL;
    char err[SL_ERR_LEN];

    (void)state;
    assert_int_equal(parse(text, strlen(text), &c, err), SL_OK);
    assert_string_equal(c->source, "made up; 2026");
    assert_string_equal(c->items[0].name, "a, b");
    assert_close(c->items[0].net_gbps, 1.5, 0);
    assert_close(c->items[0].usd_per_month, 50.25, 0);
    assert_close(c->items[0].single_thread_factor, 0.9, 0);
    assert_true(isnan(c->items[0].usl_sigma));
    assert_non_null(sl_catalog_find(c, "a, b"));
    assert_null(sl_catalog_find(c, "a"));
    sl_catalog_free(c);
}

/* Each bad file, and a fragment its message must contain (line, column or value). */
static void catalog_rejects_bad_files(void **state)
{
    static const struct { const char *text; const char *needle; } bad[] = {
        { "", "no header" },
        { "# only a comment\n", "no header" },
        { HEADER, "no instances" },
        { "name,vcpu,mem_gib,net_gbps,usd_per_month\na,2,4,1,50\n", "single_thread_factor" },
        { "name,vcpu,mem_gib,net_gbps,usd_per_month,single_thread_factor,gpu\n", "'gpu'" },
        { "name,vcpu,vcpu,mem_gib,net_gbps,usd_per_month,single_thread_factor\n", "duplicate" },
        { HEADER "a,two,4,1,50,1\n", "line 2 column 3: vcpu 'two'" },
        { HEADER "a,2,4,1,-50,1\n", "negative" },
        { HEADER "a,0,4,1,50,1\n", "vcpu '0'" },
        { HEADER "a,2.5,4,1,50,1\n", "whole number" },
        { HEADER "a,2,4,1,50,1\na,4,8,1,90,1\n", "line 3 column 1: duplicate instance name 'a'" },
        { HEADER "a,2,4,1,50\n", "5 fields where the header has 6" },
        { HEADER "a,2,4,1,50,1,7\n", "7 fields" },
        { HEADER ",2,4,1,50,1\n", "empty instance name" },
        { HEADER "a,2,4,1,nan,1\n", "'nan'" },
        { HEADER "a,2,4,1,inf,1\n", "'inf'" },
        { HEADER "a,2,4,1,1e999,1\n", "'1e999'" },
        { HEADER "a,2,4,1,50,\n", "single_thread_factor ''" },
        { HEADER "\"a,2,4,1,50,1\n", "unterminated" },
        { HEADER "a\"b,2,4,1,50,1\n", "quote inside" },
        { HEADER "a,2,4,1,50,1\xff\n", "invalid UTF-8" },
        { HEADER "a,2,4,1,50,1\xc0\xae\n", "invalid UTF-8" },
        { HEADER "a,2,4,1,50,1\xed\xa0\x80\n", "invalid UTF-8" },
        { HEADER "a,2,4,1,0x10,1\n", "'0x10'" },
        { HEADER "a,2,4,1,50,1 x\n", "'1 x'" },
        { "name,vcpu,mem_gib,net_gbps,usd_per_month,single_thread_factor,usl_sigma\n"
          "a,2,4,1,50,1,1.5\n", "below 1" },
    };
    char err[SL_ERR_LEN];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct sl_catalog *c = NULL;
        enum sl_status st = parse(bad[i].text, strlen(bad[i].text), &c, err);

        if (st == SL_OK)
            fail_msg("case %zu accepted", i);
        assert_null(c);
        if (!strstr(err, bad[i].needle))
            fail_msg("case %zu: message '%s' lacks '%s'", i, err, bad[i].needle);
        assert_non_null(strstr(err, "x.csv"));
    }
}

static void catalog_rejects_nul_and_long_lines(void **state)
{
    const char with_nul[] = HEADER "a,2\0,4,1,50,1\n";
    struct sl_catalog *c = NULL;
    char err[SL_ERR_LEN];
    size_t n = SL_CATALOG_LINE_MAX + 100;
    char *long_line = malloc(n + sizeof(HEADER));

    (void)state;
    assert_int_equal(parse(with_nul, sizeof(with_nul) - 1, &c, err), SL_E_INVALID);
    assert_non_null(strstr(err, "line 2 column 4: NUL"));
    memcpy(long_line, HEADER, sizeof(HEADER) - 1);
    memset(long_line + sizeof(HEADER) - 1, 'a', n);
    assert_int_equal(parse(long_line, sizeof(HEADER) - 1 + n, &c, err), SL_E_TOO_LARGE);
    assert_non_null(strstr(err, "line 2"));
    assert_int_equal(parse(long_line, SL_CATALOG_TEXT_MAX + 1, &c, err), SL_E_TOO_LARGE);
    free(long_line);
}

/* Every allocation in the parser may fail: the result is a clean error and no leak. */
static void catalog_survives_allocation_failures(void **state)
{
    size_t len;
    const char *text = sl_catalog_builtin_text("cloud", &len);
    char err[SL_ERR_LEN];
    long nth;
    int failures = 0;

    (void)state;
    for (nth = 1; nth < 500; nth++) {
        struct sl_catalog *c = NULL;
        enum sl_status st;

        sl_alloc_fail_at(nth);
        st = sl_catalog_parse(text, len, "cloud", &c, err, sizeof(err));
        sl_alloc_fail_at(0);
        if (st == SL_OK) {
            sl_catalog_free(c);
            break;
        }
        assert_int_equal(st, SL_E_NOMEM);
        assert_null(c);
        failures++;
    }
    assert_true(failures > 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catalog_builtins_parse),
        cmocka_unit_test(catalog_accepts_variants),
        cmocka_unit_test(catalog_fields_and_source),
        cmocka_unit_test(catalog_rejects_bad_files),
        cmocka_unit_test(catalog_rejects_nul_and_long_lines),
        cmocka_unit_test(catalog_survives_allocation_failures),
    };

    return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
