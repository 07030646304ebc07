/* SVG chart of the cost curves. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_SVG_H
#define SL_SVG_H

#include "scalelab/scalelab.h"

/*
 * A standalone SVG document of both cost curves (log load axis, log cost axis, labelled axes,
 * legend; the vertical curve ends where no single box serves the load). Owned by the caller
 * (sl_free); NULL when memory runs out.
 */
char *svg_curve(const struct sl_catalog *cat, const struct sl_workload *w,
                const struct sl_curve_point *pts, long n);

/*
 * A standalone SVG chart of a USL fit: measured points, the fitted curve, the linear ideal and
 * N* marked. label names the data (a file). Owned by the caller (sl_free); NULL with the reason
 * in err when memory runs out or the fit has no finite, positive range to draw.
 */
char *svg_usl(const struct sl_usl_fit *f, const char *label, char *err, size_t errlen);

#endif
