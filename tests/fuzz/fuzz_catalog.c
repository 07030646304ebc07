/* libFuzzer target: the strict catalog CSV reader (sl_catalog_parse) on any bytes. */
/* SPDX-License-Identifier: MIT */
#include <math.h>

#include "fuzz.h"
#include "scalelab/catalog.h"
#include "banned.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

/* What an accepted catalog promises: sane numbers, printable names, each name once. */
static void check_catalog(const struct sl_catalog *c)
{
    size_t i, k;

    FUZZ_CHECK(c->name && c->source);
    for (i = 0; i < c->count; i++) {
        const struct sl_instance *it = &c->items[i];
        size_t len = strnlen(it->name, sizeof(it->name));

        FUZZ_CHECK(len > 0 && len <= SL_CATALOG_NAME_MAX);
        for (k = 0; k < len; k++)
            FUZZ_CHECK((unsigned char)it->name[k] >= 0x20 && it->name[k] != 0x7f);
        FUZZ_CHECK(isfinite(it->vcpu) && it->vcpu >= 1);
        FUZZ_CHECK(isfinite(it->mem_gib) && it->mem_gib >= 0);
        FUZZ_CHECK(isfinite(it->net_gbps) && it->net_gbps >= 0);
        FUZZ_CHECK(isfinite(it->usd_per_month) && it->usd_per_month >= 0);
        FUZZ_CHECK(isfinite(it->single_thread_factor) && it->single_thread_factor >= 0);
        FUZZ_CHECK(isnan(it->usl_sigma) || (it->usl_sigma >= 0 && it->usl_sigma < 1));
        FUZZ_CHECK(isnan(it->usl_kappa) || (it->usl_kappa >= 0 && it->usl_kappa < 1));
        FUZZ_CHECK(sl_catalog_find(c, it->name) == it);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_catalog *c = NULL;
    char err[256];
    enum sl_status st;

    /* exactly size bytes, no terminating NUL: a read past the end is an ASan report */
    err[0] = '\0';
    st = sl_catalog_parse((const char *)data, size, "fuzz.csv", &c, err, sizeof(err));
    if (st == SL_OK) {
        FUZZ_CHECK(c != NULL);
        check_catalog(c);
    } else {
        FUZZ_CHECK(c == NULL && err[0] && strnlen(err, sizeof(err)) < sizeof(err));
    }
    sl_catalog_free(c);
    return 0;
}
