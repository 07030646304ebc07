/* Renders the cost curves as a self-contained SVG chart. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "strbuf.h"
#include "svg.h"
#include "banned.h"

#define W 860
#define H 520
#define LEFT 96
#define RIGHT 32
#define TOP 56
#define BOTTOM 72

struct axes {
    double x0, x1, y0, y1; /* log10 ranges */
};

static double px(const struct axes *a, double load)
{
    return LEFT + (log10(load) - a->x0) / (a->x1 - a->x0) * (W - LEFT - RIGHT);
}

static double py(const struct axes *a, double usd)
{
    return H - BOTTOM - (log10(usd) - a->y0) / (a->y1 - a->y0) * (H - TOP - BOTTOM);
}

/* Escapes text for an SVG text node. */
static void text_escaped(struct strbuf *sb, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': strbuf_printf(sb, "&amp;"); break;
        case '<': strbuf_printf(sb, "&lt;"); break;
        case '>': strbuf_printf(sb, "&gt;"); break;
        case '"': strbuf_printf(sb, "&quot;"); break;
        default: strbuf_printf(sb, "%c", *s); break;
        }
    }
}

static void find_axes(const struct sl_curve_point *pts, long n, struct axes *a)
{
    double lo = INFINITY, hi = 0;
    long i;

    for (i = 0; i < n; i++) {
        if (isfinite(pts[i].vertical_usd)) {
            lo = fmin(lo, pts[i].vertical_usd);
            hi = fmax(hi, pts[i].vertical_usd);
        }
        if (isfinite(pts[i].horizontal_usd)) {
            lo = fmin(lo, pts[i].horizontal_usd);
            hi = fmax(hi, pts[i].horizontal_usd);
        }
    }
    if (!isfinite(lo) || lo <= 0) {
        lo = 1;
        hi = 10;
    }
    a->y0 = floor(log10(lo));
    a->y1 = ceil(log10(hi));
    if (a->y1 <= a->y0)
        a->y1 = a->y0 + 1;
    a->x0 = floor(log10(pts[0].load_rps));
    a->x1 = ceil(log10(pts[n - 1].load_rps));
    if (a->x1 <= a->x0)
        a->x1 = a->x0 + 1;
}

static void grid(struct strbuf *sb, const struct axes *a)
{
    char label[32];
    double e;

    for (e = a->x0; e <= a->x1 + 1e-9; e++) {
        double x = px(a, pow(10, e));

        strbuf_printf(sb, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>\n",
                      x, TOP, x, H - BOTTOM);
        strbuf_printf(sb, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x,
                      H - BOTTOM + 20, cmd_fmt_load(label, sizeof(label), pow(10, e)));
    }
    for (e = a->y0; e <= a->y1 + 1e-9; e++) {
        double y = py(a, pow(10, e));

        strbuf_printf(sb, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>\n",
                      LEFT, y, W - RIGHT, y);
        strbuf_printf(sb, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT - 8,
                      y + 4, cmd_fmt_usd(label, sizeof(label), pow(10, e)));
    }
    strbuf_printf(sb, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"axis\">"
                  "load (requests per second, log scale)</text>\n", (LEFT + W - RIGHT) / 2,
                  H - 24);
    strbuf_printf(sb, "<text transform=\"translate(24 %d) rotate(-90)\" text-anchor=\"middle\" "
                  "class=\"axis\">cost per month (USD, log scale)</text>\n",
                  (TOP + H - BOTTOM) / 2);
}

/* One polyline per strategy; returns the index of the last point drawn, or -1. */
static long curve(struct strbuf *sb, const struct axes *a, const struct sl_curve_point *pts,
                  long n, int vertical)
{
    double last_x = -1;
    long i, last = -1;
    int open = 0;

    for (i = 0; i < n; i++) {
        double usd = vertical ? pts[i].vertical_usd : pts[i].horizontal_usd;
        double x;

        if (!isfinite(usd)) {
            if (open)
                strbuf_printf(sb, "\"/>\n");
            open = 0;
            continue;
        }
        x = px(a, pts[i].load_rps);
        if (!open) {
            strbuf_printf(sb, "<polyline class=\"%s\" points=\"",
                          vertical ? "vertical" : "horizontal");
            open = 1;
        } else if (x - last_x < 0.5 && i != n - 1) {
            continue; /* thin dense curves to one point per half pixel */
        }
        strbuf_printf(sb, "%.1f,%.1f ", x, py(a, usd));
        last_x = x;
        last = i;
    }
    if (open)
        strbuf_printf(sb, "\"/>\n");
    return last;
}

/* The document's head, shared style and title. */
static void begin(struct strbuf *sb, const char *title)
{
    strbuf_printf(sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                  "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"13\">\n", W, H, W,
                  H);
    strbuf_printf(sb, "<style>.grid{stroke:#ddd;stroke-width:1}"
                  ".vertical{fill:none;stroke:#c0392b;stroke-width:2.5}"
                  ".horizontal{fill:none;stroke:#2471a3;stroke-width:2.5}"
                  ".ideal{fill:none;stroke:#888;stroke-width:1.5;stroke-dasharray:6 4}"
                  ".axis{font-size:14px;fill:#333}.title{font-size:17px;font-weight:bold}"
                  "</style>\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    strbuf_printf(sb, "<text x=\"%d\" y=\"28\" class=\"title\">", LEFT);
    text_escaped(sb, title);
    strbuf_printf(sb, "</text>\n");
}

/* A round step for a linear axis covering 0..max (finite, > 0) with about five ticks. */
static double nice_step(double max)
{
    double raw = max / 5.0, mag = pow(10.0, floor(log10(raw))), f = raw / mag;

    return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * mag;
}

/* Most ticks on a linear axis: the loops are bounded whatever the numbers. */
#define MAX_TICKS 12
/* Segments of the fitted curve. */
#define CURVE_STEPS 200

/* The plotted ranges of a fit: both finite and positive, or -1 (nothing can be drawn). */
static int usl_ranges(const struct sl_usl_fit *f, double *nmax, double *xmax)
{
    size_t i;
    int k;

    *nmax = 0;
    *xmax = 0;
    for (i = 0; i < f->n_points; i++) {
        *nmax = fmax(*nmax, f->points[i].n);
        *xmax = fmax(*xmax, f->points[i].throughput);
    }
    if (isfinite(f->n_star) && f->n_star < 4 * *nmax)
        *nmax = fmax(*nmax, f->n_star * 1.15);
    /* the fitted curve's own top in the range (with no peak, x_max is infinite) */
    for (k = 0; k <= CURVE_STEPS; k++)
        *xmax = fmax(*xmax, sl_usl_predict(f, *nmax * k / CURVE_STEPS));
    *xmax *= 1.15;
    if (!(isfinite(*nmax) && *nmax > 0 && isfinite(*xmax) && *xmax > 0 &&
          isfinite(f->lambda) && f->lambda > 0))
        return -1;
    return 0;
}

char *svg_usl(const struct sl_usl_fit *f, const char *label, char *err, size_t errlen)
{
    struct strbuf sb;
    double nmax, xmax, sx, sy, step, v, n;
    char buf[64];
    size_t i;
    int k;

    if (usl_ranges(f, &nmax, &xmax)) {
        snprintf(err, errlen, "cannot draw the fit: its ranges are not finite and positive");
        return NULL;
    }
    snprintf(err, errlen, "out of memory");
    strbuf_init(&sb);
    sx = (W - LEFT - RIGHT) / nmax;
    sy = (H - TOP - BOTTOM) / xmax;
    begin(&sb, "Throughput against concurrency: the Universal Scalability Law");
    strbuf_printf(&sb, "<text x=\"%d\" y=\"46\" fill=\"#555\">", LEFT);
    text_escaped(&sb, label);
    strbuf_printf(&sb, ": sigma %.4g, kappa %.4g, lambda %.4g, R&#178; %.4f</text>\n", f->sigma,
                  f->kappa, f->lambda, f->r2);
    step = nice_step(nmax);
    for (k = 0, v = 0; k <= MAX_TICKS && v <= nmax + 1e-9; k++, v = k * step)
        strbuf_printf(&sb, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>"
                      "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>\n",
                      LEFT + v * sx, TOP, LEFT + v * sx, H - BOTTOM, LEFT + v * sx,
                      H - BOTTOM + 20, v);
    step = nice_step(xmax);
    for (k = 0, v = 0; k <= MAX_TICKS && v <= xmax + 1e-9; k++, v = k * step)
        strbuf_printf(&sb, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>"
                      "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT,
                      H - BOTTOM - v * sy, W - RIGHT, H - BOTTOM - v * sy, LEFT - 8,
                      H - BOTTOM - v * sy + 4, cmd_fmt_count(buf, sizeof(buf), v));
    strbuf_printf(&sb, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"axis\">"
                  "concurrency n (cores, threads or nodes)</text>\n<text transform=\"translate(24 "
                  "%d) rotate(-90)\" text-anchor=\"middle\" class=\"axis\">throughput (per "
                  "second)</text>\n", (LEFT + W - RIGHT) / 2, H - 24, (TOP + H - BOTTOM) / 2);
    /* the linear ideal, n lambda, clipped to the plot */
    n = fmin(nmax, xmax / f->lambda);
    strbuf_printf(&sb, "<polyline class=\"ideal\" points=\"%d,%d %.1f,%.1f\"/>\n", LEFT,
                  H - BOTTOM, LEFT + n * sx, H - BOTTOM - n * f->lambda * sy);
    strbuf_printf(&sb, "<polyline class=\"horizontal\" points=\"");
    for (k = 0; k <= CURVE_STEPS; k++) {
        n = nmax * k / CURVE_STEPS;
        strbuf_printf(&sb, "%s%.1f,%.1f", k ? " " : "", LEFT + n * sx,
                      H - BOTTOM - sl_usl_predict(f, n) * sy);
    }
    strbuf_printf(&sb, "\"/>\n");
    for (i = 0; i < f->n_points; i++)
        strbuf_printf(&sb, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"#c0392b\"/>\n",
                      LEFT + f->points[i].n * sx, H - BOTTOM - f->points[i].throughput * sy);
    if (isfinite(f->n_star) && f->n_star <= nmax)
        strbuf_printf(&sb, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#2471a3\" "
                      "stroke-dasharray=\"3 3\"/><text x=\"%.1f\" y=\"%d\" fill=\"#2471a3\">"
                      "peak N* = %.1f</text>\n", LEFT + f->n_star * sx, TOP,
                      LEFT + f->n_star * sx, H - BOTTOM, LEFT + f->n_star * sx + 6, TOP + 16,
                      f->n_star);
    strbuf_printf(&sb, "<g transform=\"translate(%d %d)\">"
                  "<rect width=\"230\" height=\"72\" fill=\"white\" stroke=\"#bbb\"/>"
                  "<circle cx=\"25\" cy=\"16\" r=\"4.5\" fill=\"#c0392b\"/>"
                  "<text x=\"48\" y=\"20\">measured</text>"
                  "<line x1=\"10\" y1=\"36\" x2=\"40\" y2=\"36\" class=\"horizontal\"/>"
                  "<text x=\"48\" y=\"40\">USL fit</text>"
                  "<line x1=\"10\" y1=\"56\" x2=\"40\" y2=\"56\" class=\"ideal\"/>"
                  "<text x=\"48\" y=\"60\">linear ideal (n x lambda)</text></g>\n</svg>\n",
                  W - RIGHT - 240, H - BOTTOM - 84);
    return strbuf_detach(&sb);
}

char *svg_curve(const struct sl_catalog *cat, const struct sl_workload *w,
                const struct sl_curve_point *pts, long n)
{
    struct strbuf sb;
    struct axes a;
    char l1[32], l2[32], spares[32];
    long end;

    strbuf_init(&sb);
    find_axes(pts, n, &a);
    begin(&sb, "Monthly cost: one bigger box vs many boxes");
    strbuf_printf(&sb, "<text x=\"%d\" y=\"46\" fill=\"#555\">catalog ", LEFT);
    text_escaped(&sb, cat->name);
    sl_spares_format(w, spares, sizeof(spares));
    strbuf_printf(&sb, ", %g ms CPU per request, target utilisation %.0f%%, spares %s</text>\n",
                  w->cpu_ms, w->target_utilization * 100, spares);
    grid(&sb, &a);
    curve(&sb, &a, pts, n, 0);
    end = curve(&sb, &a, pts, n, 1);
    if (end >= 0 && end < n - 1) {
        double x = px(&a, pts[end].load_rps), y = py(&a, pts[end].vertical_usd);
        struct sl_workload past = *w;
        struct sl_vertical v;

        /* the wall is the model's: the most the largest box serves, not the last sample */
        past.load_rps = pts[end + 1].load_rps;
        sl_plan_vertical(cat, &past, &v);
        strbuf_printf(&sb, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"#c0392b\"/>\n"
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#c0392b\">"
                      "no single box beyond %s req/s</text>\n", x, y, x - 8, y - 10,
                      cmd_fmt_load(l1, sizeof(l1), v.max_rps));
    } else if (end < 0) {
        strbuf_printf(&sb, "<text x=\"%d\" y=\"%d\" fill=\"#c0392b\">no single box serves any "
                      "load in this range</text>\n", LEFT + 12, TOP + 40);
    }
    strbuf_printf(&sb, "<g transform=\"translate(%d %d)\">"
                  "<rect width=\"250\" height=\"52\" fill=\"white\" stroke=\"#bbb\"/>"
                  "<line x1=\"10\" y1=\"18\" x2=\"40\" y2=\"18\" class=\"vertical\"/>"
                  "<text x=\"48\" y=\"22\">vertical: one bigger box</text>"
                  "<line x1=\"10\" y1=\"38\" x2=\"40\" y2=\"38\" class=\"horizontal\"/>"
                  "<text x=\"48\" y=\"42\">horizontal: N+spares boxes + LB</text></g>\n",
                  LEFT + 12, TOP + 8);
    strbuf_printf(&sb, "<desc>loads %s to %s, %ld points</desc>\n</svg>\n",
                  cmd_fmt_load(l1, sizeof(l1), pts[0].load_rps),
                  cmd_fmt_load(l2, sizeof(l2), pts[n - 1].load_rps), n);
    return strbuf_detach(&sb);
}
