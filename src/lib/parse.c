/* Strict, locale-independent number parsing for every value a user types. */
/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "scalelab/parse.h"
#include "banned.h"

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* strtod in the "C" locale, whatever LC_NUMERIC the process has. */
static double strtod_c(const char *s, char **end)
{
    locale_t old;
    double v;

    pthread_once(&c_locale_once, make_c_locale);
    if (!c_locale)
        return strtod(s, end);
    old = uselocale(c_locale);
    v = strtod(s, end);
    uselocale(old);
    return v;
}

/* Only [+-]digits[.digits][e[+-]digits] reaches strtod: no hex, no inf, no nan. */
static int plain_decimal(const char *s, size_t len)
{
    size_t i = 0, digits = 0;

    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < len && isdigit((unsigned char)s[i])) {
        i++;
        digits++;
    }
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && isdigit((unsigned char)s[i])) {
            i++;
            digits++;
        }
    }
    if (!digits)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t exp_digits = 0;

        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        while (i < len && isdigit((unsigned char)s[i])) {
            i++;
            exp_digits++;
        }
        if (!exp_digits)
            return 0;
    }
    return i == len;
}

/* Parses s[0..len) (blanks already trimmed) as a finite number. */
static enum sl_status parse_span(const char *s, size_t len, double *out)
{
    char buf[128];
    char *end;
    double v;

    if (len == 0 || len >= sizeof(buf) || !plain_decimal(s, len))
        return SL_E_INVALID;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    v = strtod_c(buf, &end);
    if (*end != '\0' || !isfinite(v) || (errno == ERANGE && fabs(v) > 1.0))
        return SL_E_INVALID;
    *out = v;
    return SL_OK;
}

/* Trims blanks from both ends; returns the start and sets *len. */
static const char *trim(const char *s, size_t *len)
{
    size_t n = strlen(s);

    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    *len = n;
    return s;
}

enum sl_status sl_parse_number(const char *s, double *out)
{
    size_t len;

    if (!s)
        return SL_E_INVALID;
    s = trim(s, &len);
    return parse_span(s, len, out);
}

enum sl_status sl_parse_load(const char *s, double *out)
{
    size_t len;
    double scale = 1.0, v;

    if (!s)
        return SL_E_INVALID;
    s = trim(s, &len);
    if (len) {
        switch (s[len - 1]) {
        case 'k': case 'K': scale = 1e3; break;
        case 'm': case 'M': scale = 1e6; break;
        case 'g': case 'G': scale = 1e9; break;
        default: break;
        }
        if (scale != 1.0)
            len--;
    }
    if (parse_span(s, len, &v) != SL_OK)
        return SL_E_INVALID;
    v *= scale;
    if (!isfinite(v) || v <= 0.0)
        return SL_E_INVALID;
    *out = v;
    return SL_OK;
}

enum sl_status sl_parse_count(const char *s, long max, long *out)
{
    size_t len, i;
    double v;

    if (!s)
        return SL_E_INVALID;
    s = trim(s, &len);
    for (i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]))
            return SL_E_INVALID;
    if (parse_span(s, len, &v) != SL_OK || v < 1.0 || v > (double)max)
        return SL_E_INVALID;
    *out = (long)v;
    return SL_OK;
}
