/* libFuzzer target: the number, load and count parsers (src/lib/parse.c) on any string. */
/* SPDX-License-Identifier: MIT */
#include <math.h>

#include "fuzz.h"
#include "scalelab/parse.h"
#include "banned.h"

/* The bounds the commands pass to sl_parse_count (ports, threads, servers, queue sizes). */
static const long count_max[] = { 1, 64, 65535, 1000000L, 2147483647L };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    double v = -1, w = -1;
    size_t i;

    if (sl_parse_number(s, &v) == SL_OK) {
        FUZZ_CHECK(isfinite(v));
        /* a plain number is a load too when positive (no suffix: scale 1) */
        if (v > 0)
            FUZZ_CHECK(sl_parse_load(s, &w) == SL_OK && w == v);
    }
    if (sl_parse_load(s, &v) == SL_OK)
        FUZZ_CHECK(isfinite(v) && v > 0);
    for (i = 0; i < sizeof(count_max) / sizeof(count_max[0]); i++) {
        long n = -1;

        if (sl_parse_count(s, count_max[i], &n) == SL_OK)
            FUZZ_CHECK(n >= 1 && n <= count_max[i]);
    }
    sl_free(s);
    return 0;
}
