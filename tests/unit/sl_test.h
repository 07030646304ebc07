/* Shared helpers for scalelab's cmocka unit tests. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_TEST_H
#define SL_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/*
 * Fails unless actual is within rel (relative) of expected; cmocka 1.1.5's assert_float_equal
 * compares floats only, so doubles use this.
 */
#define assert_close(actual, expected, rel)                                                     \
    do {                                                                                        \
        double a_ = (actual), e_ = (expected), r_ = (rel);                                      \
        double scale_ = fabs(e_) > 1e-300 ? fabs(e_) : 1.0;                                     \
        if (!(fabs(a_ - e_) <= r_ * scale_))                                                    \
            fail_msg("%s = %.12g, expected %.12g (relative tolerance %g)", #actual, a_, e_, r_); \
    } while (0)

#endif
