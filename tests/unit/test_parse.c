/* Unit tests of the number and load parsers. */
/* SPDX-License-Identifier: MIT */
#include <locale.h>
#include <string.h>

#include "sl_test.h"
#include "scalelab/parse.h"

static void parse_load_accepts_suffixes(void **state)
{
    static const struct { const char *in; double out; } cases[] = {
        { "1000", 1000 }, { "1k", 1000 }, { "1K", 1000 }, { "2.5M", 2.5e6 }, { "1m", 1e6 },
        { "1e6", 1e6 }, { " 42 ", 42 }, { "+7", 7 }, { ".5k", 500 }, { "1.", 1 },
        { "3G", 3e9 }, { "4.9e-324", 4.9e-324 },
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double v = 0;

        if (sl_parse_load(cases[i].in, &v) != SL_OK)
            fail_msg("'%s' rejected", cases[i].in);
        assert_close(v, cases[i].out, 1e-12);
    }
}

static void parse_load_rejects_bad_values(void **state)
{
    static const char *const bad[] = {
        "", " ", "-", ".", "-5", "0", "-0", "0k", "nan", "NaN", "inf", "-inf", "infinity",
        "1e309", "1e400k", "12q", "1kk", "k", "1 k", "0x10", "1e", "1e+", "--1", "1,5",
        "1e-400", "1.2.3", "5k ms",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        double v = -1;

        if (sl_parse_load(bad[i], &v) == SL_OK)
            fail_msg("'%s' accepted as %g", bad[i], v);
    }
}

static void parse_number_ignores_locale(void **state)
{
    double v = 0;

    (void)state;
    /* a comma locale must not change '.' parsing (skipped quietly if none is installed) */
    setlocale(LC_NUMERIC, "de_DE.UTF-8");
    assert_int_equal(sl_parse_number("2.5", &v), SL_OK);
    assert_close(v, 2.5, 0);
    assert_int_not_equal(sl_parse_number("2,5", &v), SL_OK);
    setlocale(LC_NUMERIC, "C");
}

static void parse_number_long_input(void **state)
{
    char big[10001];
    double v;

    (void)state;
    memset(big, '9', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_not_equal(sl_parse_number(big, &v), SL_OK);
    assert_int_equal(sl_parse_number("-0", &v), SL_OK);
    assert_int_equal(sl_parse_number("-12.5e2", &v), SL_OK);
    assert_close(v, -1250, 0);
}

static void parse_count_whole_numbers(void **state)
{
    long n = 0;

    (void)state;
    assert_int_equal(sl_parse_count("8", 100, &n), SL_OK);
    assert_int_equal(n, 8);
    assert_int_not_equal(sl_parse_count("0", 100, &n), SL_OK);
    assert_int_not_equal(sl_parse_count("101", 100, &n), SL_OK);
    assert_int_not_equal(sl_parse_count("2.5", 100, &n), SL_OK);
    assert_int_not_equal(sl_parse_count("-3", 100, &n), SL_OK);
    assert_int_not_equal(sl_parse_count("1e3", 10000, &n), SL_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_load_accepts_suffixes),
        cmocka_unit_test(parse_load_rejects_bad_values),
        cmocka_unit_test(parse_number_ignores_locale),
        cmocka_unit_test(parse_number_long_input),
        cmocka_unit_test(parse_count_whole_numbers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
