/* `scalelab plan`: the whole plan for one load, with its arithmetic spelled out. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "draw.h"
#include "banned.h"

/* A whole count with thousands separators, from one of four rotating buffers. */
static const char *count(long n)
{
    static char bufs[4][32];
    static int next;

    next = (next + 1) % 4;
    return cmd_fmt_count(bufs[next], sizeof(bufs[next]), (double)n);
}

/* "99.968%" with as many decimals as the figure needs to differ from 100 %. */
static const char *avail(char *buf, size_t len, double a)
{
    if (a >= 0.99999)
        snprintf(buf, len, "%.5f%%", a * 100);
    else if (a >= 0.9999)
        snprintf(buf, len, "%.4f%%", a * 100);
    else
        snprintf(buf, len, "%.3f%%", a * 100);
    return buf;
}

/* "p50 1.02 ms, p99 4.71 ms (M/M/32 at 62.9% busy)". */
static void print_latency(const struct sl_latency *l, const struct sl_instance *in, double busy,
                          const struct sl_workload *w)
{
    char a[32], b[32], c[32], goal[64];

    printf("  latency       mean %s, p50 %s, p99 %s (M/M/%g at %.1f%% busy)\n",
           cmd_fmt_seconds(a, sizeof(a), l->mean_s), cmd_fmt_seconds(b, sizeof(b), l->p50_s),
           cmd_fmt_seconds(c, sizeof(c), l->p99_s), in->vcpu, busy * 100);
    if (w->slo.kind != SL_SLO_NONE) {
        sl_slo_format(&w->slo, goal, sizeof(goal));
        printf("  goal          %s: %s %s\n", goal, sl_slo_name(&w->slo),
               cmd_fmt_seconds(a, sizeof(a), l->slo_s));
    }
}

static void print_vertical(const struct sl_vertical *v, const struct sl_workload *w)
{
    char a[32], b[32], c[32], t[32];

    printf("Vertical (%s)\n", v->standby ? "one box and a standby of the same size" :
                                           "one box, no spare");
    if (!v->feasible) {
        if (v->instance && v->max_rps >= w->load_rps)
            printf("  infeasible: no single box meets the latency goal at this load\n\n");
        else if (v->instance)
            printf("  infeasible: the most any single box serves is %s req/s (%s, bound by "
                   "%s)\n\n", cmd_fmt_count(a, sizeof(a), v->max_rps), v->instance->name,
                   sl_resource_name(v->binding));
        else
            printf("  infeasible: the catalog offers no box on its own\n\n");
        return;
    }
    printf("  box           %s: %g vCPU, %g GiB, %g Gbit/s, %s/month%s\n", v->instance->name,
           v->instance->vcpu, v->instance->mem_gib, v->instance->net_gbps,
           cmd_fmt_usd(a, sizeof(a), v->instance->usd_per_month),
           v->standby ? " (twice: active and standby)" : "");
    printf("  usable        %s req/s at %.0f%% target utilisation (bound by %s)\n",
           cmd_fmt_count(b, sizeof(b), v->usable_rps), w->target_utilization * 100,
           sl_resource_name(v->binding));
    if (v->sized_by == SL_SIZED_LATENCY)
        printf("  sized by      the latency goal: cheaper boxes carry the load but miss it\n");
    printf("  busy          %.1f%% of its %s at %s req/s\n", v->utilization * 100,
           sl_resource_name(v->binding), cmd_fmt_count(c, sizeof(c), w->load_rps));
    print_latency(&v->latency, v->instance, v->resources[SL_RES_CPU], w);
    avail(t, sizeof(t), w->availability_target);
    if (v->standby)
        printf("  availability  %s = 1 - (1 - %.2f%%)^2: down only when both boxes are (target "
               "%s: %s)\n", avail(a, sizeof(a), v->availability), w->box_availability * 100, t,
               v->meets_target ? "met" : "missed");
    else
        printf("  availability  %s, one box's: a single point of failure%s\n",
               avail(a, sizeof(a), v->availability),
               v->meets_target ? "" : ", below the target (--vertical-standby adds a second box)");
    if (w->survive_zone)
        printf("  zones         %s\n", v->survives_zone ? "the standby waits in another zone" :
               "cannot survive the loss of its zone without --vertical-standby");
    printf("\n");
}

static void print_zones(const struct sl_horizontal *h, const struct sl_workload *w)
{
    long z;

    if (h->zones < 2)
        return;
    printf("  zones         %ld zones:", h->zones);
    for (z = 0; z < h->zones; z++)
        printf("%s %s", z ? " +" : "", count(h->per_zone[z]));
    printf(" boxes; losing the fullest zone leaves %s, %s\n", count(h->servers - h->per_zone[0]),
           h->survives_zone ? "enough for the load" : "too few for the load");
    if (w->survive_zone && h->sized_by == SL_SIZED_ZONE)
        printf("  sized by      surviving a zone: more boxes than N plus the spares\n");
}

static void print_horizontal(const struct sl_horizontal *h, const struct sl_workload *w)
{
    char a[32], b[32], c[32], d[32], t[32], spares[32];

    printf("Horizontal (many boxes behind a load balancer)\n");
    if (!h->feasible) {
        printf("  infeasible: no instance type serves this load%s\n\n",
               w->slo.kind != SL_SLO_NONE ? " within the latency goal" : "");
        return;
    }
    printf("  box           %s: %s req/s usable each (bound by %s)\n", h->instance->name,
           cmd_fmt_count(a, sizeof(a), h->usable_rps_per_server), sl_resource_name(h->binding));
    if (h->sized_by == SL_SIZED_LATENCY)
        printf("  arithmetic    N = %s box%s: the fewest that meet the latency goal (the target "
               "utilisation alone needs fewer)\n", count(h->needed), h->needed == 1 ? "" : "es");
    else {
        printf("  arithmetic    N = ceil(%s", cmd_fmt_count(b, sizeof(b), w->load_rps));
        if (h->imbalance > 1.0)
            printf(" x %.3f imbalance", h->imbalance);
        printf(" / %s) = %s box%s\n", cmd_fmt_count(c, sizeof(c), h->usable_rps_per_server),
               count(h->needed), h->needed == 1 ? "" : "es");
    }
    sl_spares_format(w, spares, sizeof(spares));
    avail(t, sizeof(t), w->availability_target);
    if (w->spares == SL_SPARES_AUTO)
        printf("  spares        %s: the fewest that bring the tier to the %s target\n",
               count(h->spares), t);
    else
        printf("  spares        %s (%s)\n", count(h->spares), spares);
    print_zones(h, w);
    printf("  cost          %s x %s + load balancer %s", count(h->servers),
           cmd_fmt_usd(a, sizeof(a), h->instance->usd_per_month),
           cmd_fmt_usd(b, sizeof(b), h->lb_usd));
    if (h->store.used)
        printf(" + store %s", cmd_fmt_usd(c, sizeof(c), h->store.monthly_usd));
    printf(" = %s/month\n", cmd_fmt_usd(d, sizeof(d), h->monthly_usd));
    printf("  busy          %.1f%% per box with all %s up\n", h->utilization * 100,
           count(h->servers));
    print_latency(&h->latency, h->instance, h->resources[SL_RES_CPU], w);
    printf("  availability  %s = P(at least %s of %s box%s up, each %.2f%%) x load balancer "
           "%.2f%%", avail(a, sizeof(a), h->availability), count(h->needed), count(h->servers),
           h->servers == 1 ? "" : "es",
           w->box_availability * 100, w->lb_availability * 100);
    if (h->store.used)
        printf(" x store %s", avail(b, sizeof(b), h->store.availability));
    printf("\n                (target %s: %s)\n", t, h->meets_target ? "met" : "missed");
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
        printf("  state         shared store: %s shard%s x %ld %s nodes for %s ops/s and %.2f "
               "GiB, %s/month\n", count(h->store.shards), h->store.shards == 1 ? "" : "s",
               h->store.nodes_per_shard, h->store.instance->name,
               cmd_fmt_count(a, sizeof(a), h->store.ops_rps), h->store.data_gib,
               cmd_fmt_usd(b, sizeof(b), h->store.monthly_usd));
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

    printf("Database tier (%g queries per request, %.0f%% reads; the same for both plans)\n",
           w->db_queries_per_request, w->db_read_fraction * 100);
    if (!d->used) {
        printf("  no queries\n\n");
        return;
    }
    if (!d->feasible) {
        printf("  infeasible: no layout of this catalog serves %s queries/s\n\n",
               cmd_fmt_count(a, sizeof(a), d->reads_qps + d->writes_qps));
        return;
    }
    printf("  load          %s reads/s and %s writes/s\n",
           cmd_fmt_count(a, sizeof(a), d->reads_qps), cmd_fmt_count(b, sizeof(b), d->writes_qps));
    printf("  box           %s: %s queries/s usable; every write runs on the primary and on "
           "each replica\n", d->instance->name, cmd_fmt_count(c, sizeof(c), d->box_qps));
    if (d->sharded)
        printf("  writes        sharded %s ways: %s writes/s on each primary (the biggest "
               "primary may take %s)\n", count(d->shards),
               cmd_fmt_count(a, sizeof(a), d->writes_qps / (double)d->shards),
               cmd_fmt_count(e, sizeof(e), d->max_primary_writes_qps));
    printf("  boxes         %s shard%s x (1 primary + %s replica%s) = %s box%s, %.0f%% busy, "
           "%s/month\n", count(d->shards), d->shards == 1 ? "" : "s",
           count(d->replicas_per_shard), d->replicas_per_shard == 1 ? "" : "s", count(d->boxes),
           d->boxes == 1 ? "" : "es",
           d->utilization * 100,
           cmd_fmt_usd(a, sizeof(a), d->monthly_usd));
    printf("  availability  %s: each shard is up while its primary or a replica is\n\n",
           avail(a, sizeof(a), d->availability));
}

/* One line of the bill: a label and the vertical and horizontal figures ("-" for none). */
static void bill_line(const char *label, int vf, double v, int hf, double h)
{
    char a[32], b[32];

    printf("  %-16s %14s %14s\n", label, vf ? cmd_fmt_usd(a, sizeof(a), v) : "-",
           hf ? cmd_fmt_usd(b, sizeof(b), h) : "-");
}

static void print_bill(const struct sl_comparison *cmp)
{
    const struct sl_vertical *v = &cmp->vertical;
    const struct sl_horizontal *h = &cmp->horizontal;
    const struct sl_db_tier *d = &cmp->database;
    char a[32], b[32];

    printf("Monthly bill         %14s %14s\n", "vertical", "horizontal");
    bill_line("app servers", v->feasible, v->monthly_usd, h->feasible, h->servers_usd);
    bill_line("load balancer", 0, 0, h->feasible, h->lb_usd);
    bill_line("session store", 0, 0, h->feasible && h->store.used, h->store.monthly_usd);
    bill_line("database", v->feasible && d->used, d->monthly_usd, h->feasible && d->used,
              d->monthly_usd);
    bill_line("total", v->feasible, v->total_monthly_usd, h->feasible, h->total_monthly_usd);
    printf("  %-16s %14s %14s\n\n", "availability",
           v->feasible ? avail(a, sizeof(a), v->system_availability) : "-",
           h->feasible ? avail(b, sizeof(b), h->system_availability) : "-");
}

int cli_plan(struct cmd_input *in)
{
    struct cmd_plan_out out;
    char err[SL_ERR_LEN] = "", a[32], *doc = NULL;
    int st;

    if (in->csv)
        return cli_usage_error("plan has no CSV form (use --json)");
    if (in->json) {
        st = cli_report(in->def->json(in, &doc, err, sizeof(err)), err);
        return st ? st : cli_print_json(doc, err);
    }
    st = cli_report(cmd_plan_run(in, &out, err, sizeof(err)), err);
    if (!st) {
        printf("Plan for %s req/s\n", cmd_fmt_count(a, sizeof(a), out.w.load_rps));
        draw_header(stdout, out.catalog, &out.w);
        print_vertical(&out.cmp.vertical, &out.w);
        print_horizontal(&out.cmp.horizontal, &out.w);
        print_database(&out.cmp.database, &out.w);
        print_bill(&out.cmp);
        printf("Verdict: ");
        draw_verdict(stdout, &out.cmp);
        printf("\n");
    }
    sl_catalog_free(out.catalog);
    return st;
}
