/* Side-by-side comparison tables with a growing box and a multiplying grid, in Unicode or ASCII. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "draw.h"
#include "banned.h"

/* Glyphs of one drawing style. */
struct glyphs {
    const char *tl, *tr, *bl, *br, *h, *v, *cell, *rule, *cross, *bar;
};

static const struct glyphs unicode = {
    "┌", "┐", "└", "┘", "─", "│", "▪", "─", "┼", "│"
};
static const struct glyphs plain = { "+", "+", "+", "+", "-", "|", "o", "-", "+", "|" };

#define GRID_MAX_CELLS 60
#define GRID_ROW 30

static void repeat(FILE *to, const char *s, int n)
{
    while (n-- > 0)
        fputs(s, to);
}

static const char *pct(char *buf, size_t len, double fraction)
{
    if (!isfinite(fraction))
        snprintf(buf, len, "-");
    else if (fraction >= 0.9999 && fraction < 1.0)
        snprintf(buf, len, "%.3f%%", fraction * 100.0);
    else if (fraction >= 0.99 && fraction < 1.0)
        snprintf(buf, len, "%.2f%%", fraction * 100.0);
    else
        snprintf(buf, len, "%.0f%%", fraction * 100.0);
    return buf;
}

void draw_header(FILE *to, const struct sl_catalog *cat, const struct sl_workload *w)
{
    fprintf(to, "catalog: %s", cat->name);
    if (!strcmp(cat->name, "teaching"))
        fprintf(to, " (prices constructed for teaching)");
    else if (!strcmp(cat->name, "cloud"))
        fprintf(to, " (AWS us-east-1 on-demand list prices)");
    fprintf(to, "\nworkload: %g ms CPU per request, target utilisation %.0f%%, spares %s, "
            "state: %s\n", w->cpu_ms, w->target_utilization * 100.0, sl_spares_name(w->spares),
            sl_state_name(w->state));
    if (w->usl_override)
        fprintf(to, "calibrated: USL sigma %g, kappa %g from %s, replacing the catalog's\n",
                w->usl_sigma, w->usl_kappa, w->usl_source);
    fputc('\n', to);
}

static void table(FILE *to, const struct sl_comparison *rows, size_t n, const struct glyphs *g)
{
    char a[32], b[32], c[32], d[32];
    size_t i;

    fprintf(to, "%-7s %s %-12s %12s %5s %7s %s %-14s %12s %5s %8s\n", "load", g->bar,
            "vertical", "per month", "util", "avail", g->bar, "horizontal", "per month", "util",
            "avail");
    repeat(to, g->rule, 8);
    fputs(g->cross, to);
    repeat(to, g->rule, 40);
    fputs(g->cross, to);
    repeat(to, g->rule, 43);
    fputc('\n', to);
    for (i = 0; i < n; i++) {
        const struct sl_vertical *v = &rows[i].vertical;
        const struct sl_horizontal *h = &rows[i].horizontal;
        char boxes[96];

        fprintf(to, "%-7s %s ", cli_fmt_load(a, sizeof(a), rows[i].load_rps), g->bar);
        if (v->feasible)
            fprintf(to, "%-12s %12s %5s %7s ", v->instance->name,
                    cli_fmt_usd(b, sizeof(b), v->monthly_usd), pct(c, sizeof(c), v->utilization),
                    pct(d, sizeof(d), v->availability));
        else
            fprintf(to, "%-39s ", "no single box can serve it");
        fprintf(to, "%s ", g->bar);
        if (h->feasible) {
            snprintf(boxes, sizeof(boxes), "%s x %s",
                     cli_fmt_count(a, sizeof(a), (double)h->servers), h->instance->name);
            fprintf(to, "%-14s %12s %5s %8s\n", boxes, cli_fmt_usd(b, sizeof(b), h->monthly_usd),
                    pct(c, sizeof(c), h->utilization), pct(d, sizeof(d), h->availability));
        } else {
            fprintf(to, "no tier of this catalog serves it\n");
        }
    }
    fprintf(to, "util: busiest resource at the load; avail: P(at least N of N+spares boxes up) "
            "a month.\nA big tier needs more than one spare: 'scalelab plan' says how many.\n\n");
}

/* Side of the vertical box in cells: grows with log2 of its vCPUs. */
static int box_side(const struct sl_instance *in)
{
    return 1 + (int)lround(log2(in->vcpu));
}

static void draw_box(FILE *to, const struct sl_vertical *v, const struct glyphs *g)
{
    char a[32], b[32];
    int side, width, height, row;

    if (!v->feasible) {
        fprintf(to, "  vertical    %s no box is big enough: the largest (%s) serves %s req/s\n",
                g->h, v->instance ? v->instance->name : "-",
                cli_fmt_load(a, sizeof(a), v->max_rps));
        return;
    }
    side = box_side(v->instance);
    width = 2 * side;
    height = side / 2;
    fprintf(to, "  vertical    %s", g->tl);
    repeat(to, g->h, width);
    fprintf(to, "%s\n", g->tr);
    for (row = 0; row < height; row++) {
        fprintf(to, "              %s", g->v);
        repeat(to, " ", width);
        fprintf(to, "%s\n", g->v);
    }
    fprintf(to, "              %s", g->bl);
    repeat(to, g->h, width);
    fprintf(to, "%s  1 x %s, %g vCPU, %s/month\n", g->br, v->instance->name, v->instance->vcpu,
            cli_fmt_usd(b, sizeof(b), v->monthly_usd));
}

static void draw_grid(FILE *to, const struct sl_horizontal *h, const struct glyphs *g)
{
    char a[32], b[32];
    long per_cell, cells, i;

    if (!h->feasible) {
        fprintf(to, "  horizontal  no tier of this catalog serves this load\n");
        return;
    }
    per_cell = (h->servers + GRID_MAX_CELLS - 1) / GRID_MAX_CELLS;
    cells = (h->servers + per_cell - 1) / per_cell;
    fprintf(to, "  horizontal  ");
    for (i = 0; i < cells; i++) {
        if (i > 0 && i % GRID_ROW == 0)
            fprintf(to, "\n              ");
        fputs(g->cell, to);
    }
    fprintf(to, "  %s x %s, %s/month", cli_fmt_count(a, sizeof(a), (double)h->servers),
            h->instance->name, cli_fmt_usd(b, sizeof(b), h->monthly_usd));
    if (per_cell > 1)
        fprintf(to, " (each %s = %ld boxes)", g->cell, per_cell);
    fputc('\n', to);
}

void draw_verdict(FILE *to, const struct sl_comparison *row)
{
    const struct sl_horizontal *h = &row->horizontal;
    char a[32];

    switch (row->verdict) {
    case SL_VERDICT_VERTICAL_CHEAPER:
        fprintf(to, "scale up: one box costs %.2fx the grid (the grid would survive a failed box)",
                row->cost_ratio);
        break;
    case SL_VERDICT_ABOUT_EVEN:
        fprintf(to, "about even (%.2fx): the grid buys redundancy, the box buys simplicity",
                row->cost_ratio);
        break;
    case SL_VERDICT_HORIZONTAL_CHEAPER:
        fprintf(to, "scale out: one box would cost %.1fx the grid", row->cost_ratio);
        break;
    case SL_VERDICT_VERTICAL_IMPOSSIBLE:
        fprintf(to, "scale out: no single machine serves %s req/s",
                cli_fmt_load(a, sizeof(a), row->load_rps));
        break;
    case SL_VERDICT_NEITHER:
        fprintf(to, "nothing in this catalog serves %s req/s",
                cli_fmt_load(a, sizeof(a), row->load_rps));
        break;
    }
    if (h->breaks_sessions)
        fprintf(to, "; with sessions in app memory %.0f%% of requests would miss theirs",
                h->lost_request_fraction * 100.0);
}

void draw_comparison(FILE *to, const struct sl_catalog *cat, const struct sl_workload *w,
                     const struct sl_comparison *rows, size_t n, int ascii)
{
    const struct glyphs *g = ascii ? &plain : &unicode;
    char a[32];
    size_t i;

    draw_header(to, cat, w);
    table(to, rows, n, g);
    for (i = 0; i < n; i++) {
        fprintf(to, "%s req/s\n", cli_fmt_load(a, sizeof(a), rows[i].load_rps));
        draw_box(to, &rows[i].vertical, g);
        draw_grid(to, &rows[i].horizontal, g);
        fprintf(to, "  verdict     ");
        draw_verdict(to, &rows[i]);
        fprintf(to, "\n\n");
    }
}
