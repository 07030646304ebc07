/* libFuzzer target: the calibration JSON reader (sl_usl_calibration_parse) on any bytes. */
/* SPDX-License-Identifier: MIT */
#include <math.h>

#include "fuzz.h"
#include "cli/cli.h"
#include "scalelab/usl.h"
#include "banned.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cli_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    double sigma = -1, kappa = -1, lambda = -1, unit_cores = -1;
    char err[256] = "";

    /* exactly size bytes, no terminating NUL: a read past the end is an ASan report */
    if (sl_usl_calibration_parse((const char *)data, size, "fuzz.json", &sigma, &kappa, &lambda,
                                 &unit_cores, err, sizeof(err)) == SL_OK) {
        FUZZ_CHECK(sigma >= 0 && sigma < 1 && kappa >= 0 && kappa < 1);
        FUZZ_CHECK(isfinite(lambda) && lambda > 0);
        FUZZ_CHECK(unit_cores > 0 && unit_cores <= 1e6);
    } else {
        FUZZ_CHECK(err[0]);
    }
    return 0;
}
