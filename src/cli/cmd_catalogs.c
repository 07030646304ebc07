/* `scalelab catalogs`: the embedded catalogs as tables, with their sources and $/vCPU-month. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "banned.h"

/* Source lines are wrapped to this many columns (indent included). */
#define WRAP_COLUMNS 100

/* Prints text (len bytes, no newline) indented by two spaces, wrapped at spaces (then four). */
static void print_wrapped(const char *text, size_t len)
{
    size_t start = 0;

    while (start < len) {
        size_t width = WRAP_COLUMNS - (start ? 4 : 2), end = len, cut;

        if (len - start > width) {
            cut = start + width;
            while (cut > start && text[cut] != ' ')
                cut--;
            end = cut > start ? cut : start + width;
        }
        printf("%s%.*s\n", start ? "    " : "  ", (int)(end - start), text + start);
        start = end;
        while (start < len && text[start] == ' ')
            start++;
    }
}

/* The '#' lines of a built-in catalog's text, in file order, without their '#'. */
static void print_source(const char *name)
{
    size_t len = 0, pos = 0;
    const char *text = sl_catalog_builtin_text(name, &len);

    while (text && pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;

        pos += n + (nl ? 1 : 0);
        if (n >= 3 && !memcmp(line, "\xef\xbb\xbf", 3)) {
            line += 3;
            n -= 3;
        }
        if (!n || line[0] != '#')
            continue;
        line++;
        n--;
        while (n && (*line == ' ' || *line == '\t')) {
            line++;
            n--;
        }
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
            n--;
        if (n)
            print_wrapped(line, n);
    }
}

/* Dollars with cents and thousands separators: "$14,834.53" (a price list shows every cent). */
static const char *fmt_price(char *buf, size_t len, double usd)
{
    long long cents = llround(usd * 100.0);
    char dollars[24];

    cmd_fmt_count(dollars, sizeof(dollars), (double)(cents / 100));
    snprintf(buf, len, "$%s.%02lld", dollars, cents % 100);
    return buf;
}

/* "0.781 (12.5)" when the box has a burst figure above its baseline, else "12.5". */
static const char *fmt_network(char *buf, size_t len, const struct sl_instance *in)
{
    if (isfinite(in->net_burst_gbps) && in->net_burst_gbps > in->net_gbps)
        snprintf(buf, len, "%g (%g)", in->net_gbps, in->net_burst_gbps);
    else
        snprintf(buf, len, "%g", in->net_gbps);
    return buf;
}

static void print_table(const struct sl_catalog *c)
{
    char net[64], gib[32], usd[48], per[48];
    int width = 4;
    size_t i;

    for (i = 0; i < c->count; i++)
        if ((int)strlen(c->items[i].name) > width)
            width = (int)strlen(c->items[i].name);
    printf("catalog: %s (%zu boxes)\n", c->name, c->count);
    print_source(c->name);
    printf("\n  %-*s %5s %7s  %-14s %12s %13s %9s  %s\n", width, "name", "vCPU", "GiB",
           "network Gbit/s", "$/month", "$/vCPU-month", "per-core", "fleet-only");
    for (i = 0; i < c->count; i++) {
        const struct sl_instance *in = &c->items[i];

        printf("  %-*s %5.0f %7s  %-14s %12s %13s %9.2f  %s\n", width, in->name, in->vcpu,
               cmd_fmt_count(gib, sizeof(gib), in->mem_gib),
               fmt_network(net, sizeof(net), in),
               fmt_price(usd, sizeof(usd), in->usd_per_month),
               fmt_price(per, sizeof(per), in->usd_per_month / in->vcpu),
               in->single_thread_factor, in->fleet_only ? "yes" : "-");
    }
    printf("network: sustained baseline (burst); per-core: speed of one core against the "
           "reference core\n");
}

static void print_csv_rows(const struct sl_catalog *c)
{
    size_t i;

    for (i = 0; i < c->count; i++) {
        const struct sl_instance *in = &c->items[i];

        printf("%s,%s,%.10g,%.10g,%.10g,", c->name, in->name, in->vcpu, in->mem_gib,
               in->net_gbps);
        if (isfinite(in->net_burst_gbps))
            printf("%.10g", in->net_burst_gbps);
        printf(",%.2f,%.4f,%.10g,%d\n", in->usd_per_month, in->usd_per_month / in->vcpu,
               in->single_thread_factor, in->fleet_only);
    }
}

int cli_catalogs(struct cmd_input *in)
{
    const char *const *names = sl_catalog_builtin_names();
    const char *only;
    char err[SL_ERR_LEN] = "", *doc = NULL;
    int st, i;

    if (in->json) {
        st = cli_report(in->def->json(in, &doc, err, sizeof(err)), err);
        return st ? st : cli_print_json(doc, err);
    }
    st = cli_report(cmd_catalogs_only(in, &only, err, sizeof(err)), err);
    if (st)
        return st;
    if (in->csv)
        printf("catalog,name,vcpu,mem_gib,net_gbps,net_burst_gbps,usd_per_month,"
               "usd_per_vcpu_month,single_thread_factor,fleet_only\n");
    for (i = 0; names[i]; i++) {
        struct sl_catalog *c = NULL;

        if (only && strcmp(only, names[i]))
            continue;
        if (sl_catalog_builtin(names[i], &c, err, sizeof(err)) != SL_OK)
            return cli_runtime_error("%s", err);
        if (in->csv) {
            print_csv_rows(c);
        } else {
            if (!only && i)
                printf("\n");
            print_table(c);
        }
        sl_catalog_free(c);
    }
    return SL_EXIT_OK;
}
