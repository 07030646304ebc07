/* `scalelab plan`: the whole plan for one load, with its arithmetic spelled out. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "draw.h"
#include "banned.h"

enum { OPT_LOAD = CLI_OWN };

static const struct cli_flag own_flags[] = {
    { "load", required_argument, OPT_LOAD, "LOAD", "offered load, req/s (required)", 0 },
    { NULL, 0, 0, NULL, NULL, 0 }
};

static int own_option(int id, const char *arg, void *ctx)
{
    double *load = ctx;

    if (id == OPT_LOAD)
        return cli_parse_load("--load", arg, load);
    return SL_EXIT_USAGE;
}

static void print_vertical(const struct sl_vertical *v, const struct sl_workload *w)
{
    char a[32], b[32], c[32];

    printf("Vertical (one box, no spare)\n");
    if (!v->feasible) {
        printf("  infeasible: the most any single box serves is %s req/s (%s, bound by %s)\n\n",
               cli_fmt_count(a, sizeof(a), v->max_rps), v->instance->name,
               sl_resource_name(v->binding));
        return;
    }
    printf("  box           %s: %g vCPU, %g GiB, %g Gbit/s, %s/month\n", v->instance->name,
           v->instance->vcpu, v->instance->mem_gib, v->instance->net_gbps,
           cli_fmt_usd(a, sizeof(a), v->monthly_usd));
    printf("  usable        %s req/s at %.0f%% target utilisation (bound by %s)\n",
           cli_fmt_count(b, sizeof(b), v->usable_rps), w->target_utilization * 100,
           sl_resource_name(v->binding));
    printf("  busy          %.1f%% of its %s at %s req/s\n", v->utilization * 100,
           sl_resource_name(v->binding), cli_fmt_count(c, sizeof(c), w->load_rps));
    printf("  availability  %.3f%% (a single point of failure)\n\n", v->availability * 100);
}

static void print_horizontal(const struct sl_horizontal *h, const struct sl_workload *w)
{
    char a[32], b[32], c[32], d[32];

    printf("Horizontal (many boxes behind a load balancer)\n");
    if (!h->feasible) {
        printf("  infeasible: no instance type serves this load\n\n");
        return;
    }
    printf("  box           %s: %s req/s usable each (bound by %s)\n", h->instance->name,
           cli_fmt_count(a, sizeof(a), h->usable_rps_per_server), sl_resource_name(h->binding));
    printf("  arithmetic    N = ceil(%s", cli_fmt_count(b, sizeof(b), w->load_rps));
    if (h->imbalance > 1.0)
        printf(" x %.3f imbalance", h->imbalance);
    printf(" / %s) + %s spares = %ld + %ld = %ld boxes\n",
           cli_fmt_count(c, sizeof(c), h->usable_rps_per_server), sl_spares_name(w->spares),
           h->needed, h->spares, h->servers);
    printf("  cost          %ld x %s + load balancer %s", h->servers,
           cli_fmt_usd(a, sizeof(a), h->instance->usd_per_month),
           cli_fmt_usd(b, sizeof(b), h->lb_usd));
    if (h->store.used)
        printf(" + store %s", cli_fmt_usd(c, sizeof(c), h->store.monthly_usd));
    printf(" = %s/month\n", cli_fmt_usd(d, sizeof(d), h->monthly_usd));
    printf("  busy          %.1f%% per box with all %ld up\n", h->utilization * 100, h->servers);
    printf("  availability  %.5f%% = P(at least %ld of %ld boxes up, each %.2f%%) x load "
           "balancer %.2f%%", h->availability * 100, h->needed, h->servers,
           w->box_availability * 100, w->lb_availability * 100);
    if (h->store.used)
        printf(" x store %.5f%%", h->store.availability * 100);
    printf("\n");
    if (h->availability < w->box_availability)
        printf("  redundancy    %.1f boxes are down at any moment on average; %ld spares would "
               "match one box's %.2f%%\n", (double)h->servers * (1 - w->box_availability),
               sl_plan_spares_for(h->needed, w->box_availability, w->box_availability),
               w->box_availability * 100);
    switch (w->state) {
    case SL_STATE_MEMORY:
        if (h->breaks_sessions)
            printf("  state         BROKEN: sessions live in one box's memory, so %.1f%% of "
                   "requests land on a box that does not know their session.\n"
                   "                Fix: --state store (shared store) or --state token; "
                   "--state sticky pins users instead.\n", h->lost_request_fraction * 100);
        break;
    case SL_STATE_STICKY:
        printf("  state         sticky sessions: a failed box loses its %.1f%% of sessions; "
               "uneven pinning costs %.1f%% headroom\n", h->lost_on_failure * 100,
               (h->imbalance - 1) * 100);
        break;
    case SL_STATE_STORE:
        printf("  state         shared store: %ld shards x 2 %s nodes for %s ops/s and %.2f GiB, "
               "%s/month\n", h->store.shards, h->store.instance->name,
               cli_fmt_count(a, sizeof(a), h->store.ops_rps), h->store.data_gib,
               cli_fmt_usd(b, sizeof(b), h->store.monthly_usd));
        break;
    case SL_STATE_TOKEN:
        printf("  state         stateless: sessions travel in a signed token\n");
        break;
    }
    printf("\n");
}

static void print_database(const struct sl_db_tier *d, const struct sl_workload *w)
{
    char a[32], b[32], c[32], e[32];

    printf("Database tier (%g queries per request, %.0f%% reads)\n", w->db_queries_per_request,
           w->db_read_fraction * 100);
    if (!d->instance) {
        printf("  no queries\n\n");
        return;
    }
    printf("  load          %s reads/s and %s writes/s\n",
           cli_fmt_count(a, sizeof(a), d->reads_qps), cli_fmt_count(b, sizeof(b), d->writes_qps));
    printf("  box           %s: %s queries/s usable; every write runs on the primary and on "
           "each replica\n", d->instance->name, cli_fmt_count(c, sizeof(c), d->box_qps));
    if (d->sharded)
        printf("  writes        exceed the %s writes/s the biggest primary may take: %ld write "
               "shards\n", cli_fmt_count(e, sizeof(e), d->max_primary_writes_qps), d->shards);
    printf("  boxes         %ld shard(s) x (1 primary + %ld replicas) = %ld boxes, %.0f%% busy, "
           "%s/month\n\n", d->shards, d->replicas_per_shard, d->boxes, d->utilization * 100,
           cli_fmt_usd(a, sizeof(a), d->monthly_usd));
}

int cmd_plan(int argc, char **argv)
{
    struct cli_common common;
    struct sl_catalog *cat = NULL;
    struct sl_comparison cmp;
    struct sl_db_tier db;
    char err[SL_ERR_LEN], a[32];
    double load = 0;
    int first, st;

    st = cli_parse(argc, argv, "scalelab plan --load LOAD [options]", CLI_WITH_ALL, own_flags,
                   own_option, &load, &common, &first);
    if (st)
        return st < 0 ? SL_EXIT_OK : st;
    if (first < argc)
        return cli_usage_error("unexpected argument '%s' (give the load with --load)",
                               argv[first]);
    if (load <= 0)
        return cli_usage_error("missing --load (expected a load such as 1000, 1k, 2.5M or 1e6)");
    if (common.csv)
        return cli_usage_error("plan has no CSV form (use --json)");
    common.w.load_rps = load;
    st = cli_setup(&common, &cat);
    if (st)
        return st;
    if (common.json) {
        char *doc = sl_report_plan_json(cat, &common.w, err, sizeof(err));

        sl_catalog_free(cat);
        if (!doc)
            return cli_usage_error("%s", err);
        return cli_print_json(doc, err);
    }
    if (sl_plan_compare(cat, &common.w, load, &cmp, err, sizeof(err)) != SL_OK) {
        sl_catalog_free(cat);
        return cli_usage_error("%s", err);
    }
    sl_plan_database(cat, &common.w, &db);
    printf("Plan for %s req/s\n", cli_fmt_count(a, sizeof(a), load));
    draw_header(stdout, cat, &common.w);
    print_vertical(&cmp.vertical, &common.w);
    print_horizontal(&cmp.horizontal, &common.w);
    print_database(&db, &common.w);
    printf("Verdict: ");
    draw_verdict(stdout, &cmp);
    printf("\n");
    sl_catalog_free(cat);
    return SL_EXIT_OK;
}
