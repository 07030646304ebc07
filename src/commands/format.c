/* How every front end writes money, loads, counts and durations: one place, one style. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "banned.h"

/* Inserts thousands separators into the integer part of a plain decimal string. */
static const char *group_thousands(char *buf, size_t len, const char *digits)
{
    const char *dot = strchr(digits, '.');
    size_t int_len = dot ? (size_t)(dot - digits) : strlen(digits);
    size_t i, o = 0;

    for (i = 0; digits[i] && o + 2 < len; i++) {
        if (i > 0 && i < int_len && (int_len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

const char *cmd_fmt_usd(char *buf, size_t len, double usd)
{
    char digits[64], grouped[80];

    snprintf(digits, sizeof(digits), usd < 100 && usd != floor(usd) ? "%.2f" : "%.0f", usd);
    group_thousands(grouped, sizeof(grouped), digits);
    snprintf(buf, len, "$%s", grouped);
    return buf;
}

const char *cmd_fmt_count(char *buf, size_t len, double n)
{
    char digits[64];

    snprintf(digits, sizeof(digits), "%.0f", n);
    return group_thousands(buf, len, digits);
}

const char *cmd_fmt_figure(char *buf, size_t len, double v)
{
    if (!isfinite(v))
        snprintf(buf, len, isnan(v) ? "-" : "unbounded");
    else if (v < 1e4)
        snprintf(buf, len, "%.4g", v);
    else
        cmd_fmt_count(buf, len, v);
    return buf;
}

const char *cmd_fmt_load(char *buf, size_t len, double rps)
{
    static const struct { double scale; const char *suffix; } units[] = {
        { 1e9, "G" }, { 1e6, "M" }, { 1e3, "K" }, { 1, "" }
    };
    size_t i;

    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (rps >= units[i].scale || units[i].scale == 1) {
            double v = rps / units[i].scale;

            snprintf(buf, len, v == floor(v) ? "%.0f%s" : (v < 10 ? "%.2g%s" : "%.3g%s"), v,
                     units[i].suffix);
            return buf;
        }
    return buf;
}

const char *cmd_fmt_seconds(char *buf, size_t len, double s)
{
    if (isnan(s))
        snprintf(buf, len, "-");
    else if (!isfinite(s))
        snprintf(buf, len, "unbounded");
    else if (s == 0.0)
        snprintf(buf, len, "0");
    else if (s < 1e-3)
        snprintf(buf, len, "%.4g us", s * 1e6);
    else if (s < 1.0)
        snprintf(buf, len, "%.4g ms", s * 1e3);
    else
        snprintf(buf, len, "%.4g s", s);
    return buf;
}
