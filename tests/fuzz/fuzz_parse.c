/* libFuzzer target: the number, load, count and station parsers on any string. */
/* SPDX-License-Identifier: MIT */
#include <math.h>

#include "fuzz.h"
#include "scalelab/network.h"
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
    {
        /* a station that parses is one every solver accepts */
        struct sl_station st;
        struct sl_network_result r;
        char err[128];

        if (sl_station_parse(s, &st, err, sizeof(err)) == SL_OK) {
            FUZZ_CHECK(st.name[0] && st.servers >= 1 && st.service_s > 0 && st.visits > 0);
            FUZZ_CHECK(sl_network_open(&st, 1, 1.0, &r, err, sizeof(err)) == SL_OK);
            FUZZ_CHECK(sl_network_closed(&st, 1, 3, 1.0, &r, err, sizeof(err)) == SL_OK &&
                       r.throughput_rps > 0 && r.throughput_rps <= r.max_throughput_rps * 1.000001);
        }
    }
    sl_free(s);
    return 0;
}
