/* Unit tests of catalog CSV parsing (accepted and rejected files) and of the embedded catalogs. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
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

/* Control characters in a name could drive the terminal that prints it: each is refused. */
static void catalog_rejects_control_characters(void **state)
{
    static const struct { const char *text; const char *needle; } bad[] = {
        { HEADER "a\x1b[31mred,2,4,1,50,1\n", "line 2 column 1: instance name contains a "
          "control character 0x1b (expected printable text)" },
        { HEADER "a,2,4,1,50,1\nbell\x07,2,4,1,50,1\n", "line 3 column 1: instance name "
          "contains a control character 0x07" },
        { HEADER "tab\tin,2,4,1,50,1\n", "control character 0x09" },
        { HEADER "del\x7f,2,4,1,50,1\n", "control character 0x7f" },
        { HEADER "csi\xc2\x9b" "2J,2,4,1,50,1\n", "control character U+009B" },
        { HEADER "\"two\nlines\",2,4,1,50,1\n", "line 2 column 1: instance name contains" },
        { HEADER "\"cr\rhere\",2,4,1,50,1\n", "control character 0x0d" },
        { "vcpu,name,mem_gib,net_gbps,usd_per_month,single_thread_factor\n2,x\x1b,4,1,50,1\n",
          "line 2 column 3: instance name contains a control character 0x1b" },
    };
    char err[SL_ERR_LEN];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct sl_catalog *c = NULL;

        if (parse(bad[i].text, strlen(bad[i].text), &c, err) != SL_E_INVALID)
            fail_msg("case %zu not refused as invalid", i);
        assert_null(c);
        if (!strstr(err, bad[i].needle))
            fail_msg("case %zu: message '%s' lacks '%s'", i, err, bad[i].needle);
    }
    /* a message quoting a bad cell writes its control characters out as text */
    {
        const char *text = HEADER "a,\x1b]0;title\x07,4,1,50,1\n";
        struct sl_catalog *c = NULL;

        assert_int_equal(parse(text, strlen(text), &c, err), SL_E_INVALID);
        assert_non_null(strstr(err, "vcpu '\\x1b]0;title\\x07' is not a number"));
        assert_null(strchr(err, '\x1b'));
        assert_null(strchr(err, '\x07'));
    }
    /* printable UTF-8 beyond ASCII stays a good name */
    {
        const char *text = HEADER "\xe2\x82\xac-box \xc2\xa0x,2,4,1,50,1\n";
        struct sl_catalog *c = NULL;

        if (parse(text, strlen(text), &c, err) != SL_OK)
            fail_msg("UTF-8 name refused: %s", err);
        assert_string_equal(c->items[0].name, "\xe2\x82\xac-box \xc2\xa0x");
        sl_catalog_free(c);
    }
}

/*
 * 50,000 distinct rows parse (the duplicate check is a sort, not a comparison of every pair);
 * of two duplicates at the end, the one first in the file is reported.
 */
static void catalog_many_rows(void **state)
{
    enum { ROWS = 50000 };
    size_t cap = sizeof(HEADER) + (size_t)ROWS * 24 + 64, n = 0;
    char *text = malloc(cap);
    struct sl_catalog *c = NULL;
    char err[SL_ERR_LEN];
    int i;

    (void)state;
    assert_non_null(text);
    n += (size_t)snprintf(text + n, cap - n, "%s", HEADER);
    for (i = 0; i < ROWS; i++)
        n += (size_t)snprintf(text + n, cap - n, "r%05d,%d,4,1,%d,1\n", i, 1 + i % 8,
                              50 + i % 900);
    assert_true(n < SL_CATALOG_TEXT_MAX);
    if (parse(text, n, &c, err) != SL_OK)
        fail_msg("%d rows refused: %s", ROWS, err);
    assert_int_equal(c->count, ROWS);
    assert_string_equal(c->items[ROWS - 1].name, "r49999");
    assert_non_null(sl_catalog_find(c, "r12345"));
    sl_catalog_free(c);
    c = NULL;

    n += (size_t)snprintf(text + n, cap - n, "r00007,2,4,1,50,1\nr00003,2,4,1,50,1\n");
    assert_int_equal(parse(text, n, &c, err), SL_E_INVALID);
    assert_null(c);
    if (!strstr(err, "line 50002 column 1: duplicate instance name 'r00007'"))
        fail_msg("message '%s' does not name the first duplicate", err);
    free(text);
}

/* A duplicate is reported where the old row-by-row check met it, before a later bad field. */
static void catalog_duplicate_comes_first(void **state)
{
    static const struct { const char *text; const char *needle; } cases[] = {
        { HEADER "a,2,4,1,50,1\nb,2,4,1,50,1\na,x,4,1,50,1\n",
          "line 4 column 1: duplicate instance name 'a'" },
        { HEADER "a,2,4,1,50,1\na,2,4,1,50,1\nc,x,4,1,50,1\n",
          "line 3 column 1: duplicate instance name 'a'" },
        { "vcpu,name,mem_gib,net_gbps,usd_per_month,single_thread_factor\n2,a,4,1,50,1\n"
          "x,a,4,1,50,1\n", "line 3 column 1: vcpu 'x' is not a number" },
        { HEADER "a,2,4,1,50,1\nb,2,4,1,50,1\nb,2,4,1,50,1\n\"open\n",
          "line 4 column 1: duplicate instance name 'b'" },
    };
    char err[SL_ERR_LEN];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sl_catalog *c = NULL;

        assert_int_equal(parse(cases[i].text, strlen(cases[i].text), &c, err), SL_E_INVALID);
        assert_null(c);
        if (!strstr(err, cases[i].needle))
            fail_msg("case %zu: message '%s' lacks '%s'", i, err, cases[i].needle);
    }
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

/* Loads a built-in catalog or fails the test. */
static struct sl_catalog *builtin(const char *name)
{
    struct sl_catalog *c = NULL;
    char err[SL_ERR_LEN];

    if (sl_catalog_builtin(name, &c, err, sizeof(err)) != SL_OK)
        fail_msg("%s: %s", name, err);
    return c;
}

/* The four embedded catalogs, in order; each parses, names its source and has unique names. */
static void catalog_builtins_four_unique(void **state)
{
    static const char *const expected[] = { "teaching", "cloud", "gcp", "azure" };
    const char *const *names = sl_catalog_builtin_names();
    size_t i, j, k;

    (void)state;
    for (k = 0; k < 4; k++)
        assert_string_equal(names[k], expected[k]);
    assert_null(names[4]);
    for (k = 0; k < 4; k++) {
        struct sl_catalog *c = builtin(names[k]);

        assert_string_equal(c->name, names[k]);
        if (k > 0) {
            /* real price lists say where the prices come from and how a month is counted */
            assert_non_null(strstr(c->source, "hourly x 730"));
            assert_non_null(strstr(c->source, "Left out"));
        }
        for (i = 0; i < c->count; i++)
            for (j = i + 1; j < c->count; j++)
                if (!strcmp(c->items[i].name, c->items[j].name))
                    fail_msg("%s: '%s' twice", names[k], c->items[i].name);
        sl_catalog_free(c);
    }
}

/* Every family the sources call linear costs the same per vCPU (within 2 %) at every size. */
static void catalog_families_flat_per_vcpu(void **state)
{
    static const struct {
        const char *catalog, *prefix, *suffix;
        size_t min_sizes;
    } families[] = {
        { "cloud", "m7i.", "", 9 },          { "cloud", "c7i.", "", 9 },
        { "cloud", "r7i.", "", 9 },          { "cloud", "m8i.", "", 11 },
        { "cloud", "m8g.", "", 9 },          { "cloud", "x8g.", "", 9 },
        { "gcp", "n2-standard-", "", 10 },   { "gcp", "c3-standard-", "", 6 },
        { "gcp", "c3d-standard-", "", 8 },   { "azure", "D", "s_v5", 8 },
        { "azure", "D", "s_v6", 10 },
    };
    size_t f, i;

    (void)state;
    for (f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
        struct sl_catalog *c = builtin(families[f].catalog);
        size_t plen = strlen(families[f].prefix), slen = strlen(families[f].suffix), n = 0;
        double first = 0;

        for (i = 0; i < c->count; i++) {
            const struct sl_instance *in = &c->items[i];
            size_t len = strlen(in->name);
            double per_vcpu = in->usd_per_month / in->vcpu;

            if (strncmp(in->name, families[f].prefix, plen) || len < slen ||
                strcmp(in->name + len - slen, families[f].suffix))
                continue;
            if (!n++)
                first = per_vcpu;
            if (fabs(per_vcpu - first) > 0.02 * first)
                fail_msg("%s %s: $%.4f per vCPU-month, the family's first size $%.4f",
                         families[f].catalog, in->name, per_vcpu, first);
        }
        if (n < families[f].min_sizes)
            fail_msg("%s %s*%s: %zu sizes, expected at least %zu", families[f].catalog,
                     families[f].prefix, families[f].suffix, n, families[f].min_sizes);
        sl_catalog_free(c);
    }
}

/* Sizes sold as "up to" a figure carry their baseline in net_gbps and the burst beside it. */
static void catalog_baseline_below_burst(void **state)
{
    static const char *const small[] = { ".large", ".xlarge", ".2xlarge", ".4xlarge" };
    const char *const *names = sl_catalog_builtin_names();
    struct sl_catalog *c;
    size_t i, k, bursting = 0;

    (void)state;
    for (k = 0; names[k]; k++) {
        c = builtin(names[k]);
        for (i = 0; i < c->count; i++)
            if (isfinite(c->items[i].net_burst_gbps))
                assert_true(c->items[i].net_burst_gbps >= c->items[i].net_gbps);
        sl_catalog_free(c);
    }
    c = builtin("cloud");
    for (i = 0; i < c->count; i++) {
        const struct sl_instance *in = &c->items[i];
        const char *dot = strchr(in->name, '.');
        int is_small = 0;

        for (k = 0; dot && k < sizeof(small) / sizeof(small[0]); k++)
            is_small |= !strcmp(dot, small[k]);
        if (is_small) {
            bursting++;
            if (!(isfinite(in->net_burst_gbps) && in->net_gbps < in->net_burst_gbps))
                fail_msg("%s: baseline %g not below its burst %g", in->name, in->net_gbps,
                         in->net_burst_gbps);
        } else if (isfinite(in->net_burst_gbps) && in->net_burst_gbps != in->net_gbps) {
            fail_msg("%s: a fixed-bandwidth size with a burst figure", in->name);
        }
    }
    assert_int_equal(bursting, 6 * 4);
    /* a 2-vCPU large of the 7th generation sustains about 0.78 Gbit/s (it bursts to 12.5) */
    assert_close(sl_catalog_find(c, "m7i.large")->net_gbps, 0.781, 1e-9);
    assert_close(sl_catalog_find(c, "m7i.large")->net_burst_gbps, 12.5, 1e-9);
    sl_catalog_free(c);
}

/* The cloud's largest general-purpose box is m8i.96xlarge, with faster cores than m7i. */
static void catalog_cloud_largest_general_purpose(void **state)
{
    struct sl_catalog *c = builtin("cloud");
    const struct sl_instance *best = NULL, *m7i = sl_catalog_find(c, "m7i.large");
    size_t i;

    (void)state;
    for (i = 0; i < c->count; i++)
        if (c->items[i].name[0] == 'm' && (!best || c->items[i].vcpu > best->vcpu))
            best = &c->items[i];
    assert_non_null(best);
    assert_non_null(m7i);
    assert_string_equal(best->name, "m8i.96xlarge");
    assert_close(best->vcpu, 384, 0);
    /* Netflix's profiles: 3.9 GHz x 1.42 against 3.2 GHz x 1.25 */
    assert_close(best->single_thread_factor / m7i->single_thread_factor, 3.9 * 1.42 / 4.0, 0.01);
    /* the u7i boxes stay the only single boxes beyond 384 vCPU, and they are priced per GiB */
    for (i = 0; i < c->count; i++)
        if (c->items[i].vcpu > 384)
            assert_true(c->items[i].name[0] == 'u');
    sl_catalog_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catalog_builtins_parse),
        cmocka_unit_test(catalog_accepts_variants),
        cmocka_unit_test(catalog_fields_and_source),
        cmocka_unit_test(catalog_rejects_bad_files),
        cmocka_unit_test(catalog_rejects_nul_and_long_lines),
        cmocka_unit_test(catalog_rejects_control_characters),
        cmocka_unit_test(catalog_many_rows),
        cmocka_unit_test(catalog_duplicate_comes_first),
        cmocka_unit_test(catalog_survives_allocation_failures),
        cmocka_unit_test(catalog_builtins_four_unique),
        cmocka_unit_test(catalog_families_flat_per_vcpu),
        cmocka_unit_test(catalog_baseline_below_burst),
        cmocka_unit_test(catalog_cloud_largest_general_purpose),
    };

    return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
