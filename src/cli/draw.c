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
    char spares[32], target[32], goal[64];

    fprintf(to, "catalog: %s", cat->name);
    if (!strcmp(cat->name, "teaching"))
        fprintf(to, " (prices constructed for teaching)");
    else if (!strcmp(cat->name, "cloud"))
        fprintf(to, " (AWS us-east-1 on-demand list prices)");
    else if (!strcmp(cat->name, "gcp"))
        fprintf(to, " (Google Cloud us-central1 on-demand list prices)");
    else if (!strcmp(cat->name, "azure"))
        fprintf(to, " (Azure East US pay-as-you-go list prices)");
    sl_spares_format(w, spares, sizeof(spares));
    fprintf(to, "\nworkload: %g ms CPU per request, target utilisation %.0f%%, spares %s "
            "(availability target %s), state: %s\n", w->cpu_ms, w->target_utilization * 100.0,
            spares, pct(target, sizeof(target), w->availability_target),
            sl_state_name(w->state));
    if (w->slo.kind != SL_SLO_NONE || w->zones > 1 || w->vertical_standby) {
        sl_slo_format(&w->slo, goal, sizeof(goal));
        fprintf(to, "goals: latency %s, %ld zone%s%s%s\n", goal, w->zones,
                w->zones > 1 ? "s" : "", w->survive_zone ? " (survive the loss of one)" : "",
                w->vertical_standby ? ", vertical standby" : "");
    }
    if (w->usl_override)
        fprintf(to, "calibrated: USL sigma %g, kappa %g from %s, replacing the catalog's\n",
                w->usl_sigma, w->usl_kappa, w->usl_source);
    fputc('\n', to);
}

/* "1+1 x h-1": needed + spares x type. */
static const char *fleet_label(char *buf, size_t len, const struct sl_horizontal *h)
{
    char n[32], k[32];

    snprintf(buf, len, "%s+%s x %s", cmd_fmt_count(n, sizeof(n), (double)h->needed),
             cmd_fmt_count(k, sizeof(k), (double)h->spares), h->instance->name);
    return buf;
}

/* An availability right-aligned in 7 columns, marked with '!' when it falls short of the target. */
static const char *avail_mark(char *buf, size_t len, double a, int meets)
{
    char p[32];

    snprintf(buf, len, "%7s%s", pct(p, sizeof(p), a), meets ? "" : "!");
    return buf;
}

static void table(FILE *to, const struct sl_comparison *rows, size_t n, const struct glyphs *g,
                  const struct sl_workload *w)
{
    char a[32], b[32], c[32], d[32], t[32];
    size_t i;

    fprintf(to, "%-7s %s %-13s %9s %9s %8s %s %-18s %9s %9s %8s\n", "load", g->bar, "vertical",
            "app/month", "p99", "avail", g->bar, "horizontal", "app/month", "p99", "avail");
    repeat(to, g->rule, 8);
    fputs(g->cross, to);
    repeat(to, g->rule, 44);
    fputs(g->cross, to);
    repeat(to, g->rule, 49);
    fputc('\n', to);
    for (i = 0; i < n; i++) {
        const struct sl_vertical *v = &rows[i].vertical;
        const struct sl_horizontal *h = &rows[i].horizontal;
        char boxes[96];

        fprintf(to, "%-7s %s ", cmd_fmt_load(a, sizeof(a), rows[i].load_rps), g->bar);
        if (v->feasible) {
            snprintf(boxes, sizeof(boxes), "%s%s", v->standby ? "2 x " : "", v->instance->name);
            fprintf(to, "%-13s %9s %9s %-8s ", boxes, cmd_fmt_usd(b, sizeof(b), v->monthly_usd),
                    cmd_fmt_seconds(c, sizeof(c), v->latency.p99_s),
                    avail_mark(d, sizeof(d), v->availability, v->meets_target));
        } else {
            fprintf(to, "%-42s ", v->max_rps >= rows[i].load_rps ? "no single box meets the SLO"
                                                                 : "no single box can serve it");
        }
        fprintf(to, "%s ", g->bar);
        if (h->feasible)
            fprintf(to, "%-18s %9s %9s %s\n", fleet_label(boxes, sizeof(boxes), h),
                    cmd_fmt_usd(b, sizeof(b), h->monthly_usd),
                    cmd_fmt_seconds(c, sizeof(c), h->latency.p99_s),
                    avail_mark(d, sizeof(d), h->availability, h->meets_target));
        else
            fprintf(to, "no tier of this catalog serves it\n");
    }
    fprintf(to, "app/month: the servers (and balancer and session store) a month; horizontal is "
            "N+spares x type.\np99: predicted response time of one box at its share of the load "
            "(M/M/c).\navail: of the app tier a month; '!' marks one below the %s target.\n\n",
            pct(t, sizeof(t), w->availability_target));
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
                cmd_fmt_load(a, sizeof(a), v->max_rps));
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
    fprintf(to, "%s  %ld x %s, %g vCPU, %s/month%s\n", g->br, v->servers, v->instance->name,
            v->instance->vcpu, cmd_fmt_usd(b, sizeof(b), v->monthly_usd),
            v->standby ? " (active and standby)" : "");
}

static void draw_grid(FILE *to, const struct sl_horizontal *h, const struct glyphs *g)
{
    char a[32], b[32], n[32], k[32];
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
    fprintf(to, "  %s x %s (%s needed + %s spare%s), %s/month",
            cmd_fmt_count(a, sizeof(a), (double)h->servers), h->instance->name,
            cmd_fmt_count(n, sizeof(n), (double)h->needed),
            cmd_fmt_count(k, sizeof(k), (double)h->spares), h->spares == 1 ? "" : "s",
            cmd_fmt_usd(b, sizeof(b), h->monthly_usd));
    if (per_cell > 1)
        fprintf(to, " (each %s = %ld boxes)", g->cell, per_cell);
    fputc('\n', to);
}

/* The whole bill of each plan: the app tier plus the database tier both share. */
static void draw_totals(FILE *to, const struct sl_comparison *row)
{
    const struct sl_vertical *v = &row->vertical;
    const struct sl_horizontal *h = &row->horizontal;
    char a[32], b[32], c[32], n[32];

    if (!row->database.used || !row->database.feasible)
        return;
    fprintf(to, "  database    %s/month for both (%s x %s)", cmd_fmt_usd(a, sizeof(a),
            row->database.monthly_usd), cmd_fmt_count(n, sizeof(n), (double)row->database.boxes),
            row->database.instance->name);
    if (v->feasible || h->feasible)
        fprintf(to, "; whole bill");
    if (v->feasible)
        fprintf(to, " %s vertical", cmd_fmt_usd(b, sizeof(b), v->total_monthly_usd));
    if (h->feasible)
        fprintf(to, "%s %s horizontal", v->feasible ? "," : "",
                cmd_fmt_usd(c, sizeof(c), h->total_monthly_usd));
    fputc('\n', to);
}

void draw_verdict(FILE *to, const struct sl_comparison *row)
{
    const struct sl_horizontal *h = &row->horizontal;
    char a[32];

    switch (row->verdict) {
    case SL_VERDICT_VERTICAL_CHEAPER:
        if (row->horizontal.feasible)
            fprintf(to, "scale up: the box costs %.2fx the grid (the grid would survive a failed "
                    "box)", row->cost_ratio);
        else
            fprintf(to, "scale up: no grid of this catalog serves it");
        break;
    case SL_VERDICT_ABOUT_EVEN:
        fprintf(to, "about even (%.2fx): the grid buys redundancy, the box buys simplicity",
                row->cost_ratio);
        break;
    case SL_VERDICT_HORIZONTAL_CHEAPER:
        fprintf(to, "scale out: one box would cost %.1fx the grid", row->cost_ratio);
        break;
    case SL_VERDICT_VERTICAL_IMPOSSIBLE:
        if (row->vertical.max_rps >= row->load_rps)
            fprintf(to, "scale out: no single machine meets the latency goal at %s req/s",
                    cmd_fmt_load(a, sizeof(a), row->load_rps));
        else
            fprintf(to, "scale out: no single machine serves %s req/s",
                    cmd_fmt_load(a, sizeof(a), row->load_rps));
        break;
    case SL_VERDICT_NEITHER:
        fprintf(to, "nothing in this catalog serves %s req/s",
                cmd_fmt_load(a, sizeof(a), row->load_rps));
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
    table(to, rows, n, g, w);
    for (i = 0; i < n; i++) {
        fprintf(to, "%s req/s\n", cmd_fmt_load(a, sizeof(a), rows[i].load_rps));
        draw_box(to, &rows[i].vertical, g);
        draw_grid(to, &rows[i].horizontal, g);
        draw_totals(to, &rows[i]);
        fprintf(to, "  verdict     ");
        draw_verdict(to, &rows[i]);
        fprintf(to, "\n\n");
    }
}
