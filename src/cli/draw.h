/* Text renderers of comparisons: the side-by-side table and the box drawings. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_DRAW_H
#define SL_DRAW_H

#include <stdio.h>
#include "scalelab/scalelab.h"

/* Prints the table, a drawing per load and a one-line verdict per load. */
void draw_comparison(FILE *to, const struct sl_catalog *cat, const struct sl_workload *w,
                     const struct sl_comparison *rows, size_t n, int ascii);

/* The verdict for one comparison as a sentence (no newline). */
void draw_verdict(FILE *to, const struct sl_comparison *row);

/* A one-line summary of the catalog and workload. */
void draw_header(FILE *to, const struct sl_catalog *cat, const struct sl_workload *w);

#endif
