/* How every front end writes money, loads, counts and durations: one place, one style. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_FORMAT_H
#define SL_FORMAT_H

#include <stddef.h>

/* Each writes into buf (len bytes) and returns buf. */

/* Money: "$1,234", or "$12.50" below $100 when there are cents. */
const char *cmd_fmt_usd(char *buf, size_t len, double usd);
/* A load: "1.5K", "1M", "250". */
const char *cmd_fmt_load(char *buf, size_t len, double rps);
/* A whole count with thousands separators: "1,100". */
const char *cmd_fmt_count(char *buf, size_t len, double n);
/* A rate or count: four significant digits below 10,000, whole and grouped above ("unbounded"). */
const char *cmd_fmt_figure(char *buf, size_t len, double v);
/* A time in seconds in a readable unit ("1.969 ms"); "unbounded" if infinite, "-" if NaN. */
const char *cmd_fmt_seconds(char *buf, size_t len, double s);

#endif
