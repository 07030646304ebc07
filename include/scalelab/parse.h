/* Locale-independent parsing of numbers and loads ("1000", "1k", "2.5M", "1e6"). */
/* SPDX-License-Identifier: MIT */
#ifndef SL_PARSE_H
#define SL_PARSE_H

#include "scalelab/status.h"

/*
 * Parses the whole of s as a finite decimal number in the "C" locale (the decimal separator is
 * always '.'), with optional surrounding blanks. Hexadecimal, "nan", "inf", overflow and trailing
 * garbage are SL_E_INVALID. Thread-safe.
 */
SL_API enum sl_status sl_parse_number(const char *s, double *out);

/*
 * Parses a load in requests per second: a number as above, optionally followed by one SI suffix
 * k/K (1e3), m/M (1e6) or g/G (1e9). The result must be positive and finite. Thread-safe.
 */
SL_API enum sl_status sl_parse_load(const char *s, double *out);

/* A positive whole number such as a count of servers; at most max. Thread-safe. */
SL_API enum sl_status sl_parse_count(const char *s, long max, long *out);

#endif
