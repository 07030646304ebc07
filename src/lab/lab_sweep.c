/* --sweep: both futures at 1..K units, as a table, JSON and the CSV `scalelab fit` reads. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "scalelab/scalelab.h"
#include "commands/format.h"
#include "scalelab/json.h"
#include "lab/lab_cgroup.h"
#include "lab/lab_sweep.h"
#include "banned.h"

const char *lab_strategy_name(enum lab_strategy s)
{
    return s == LAB_VERTICAL ? "vertical" : "horizontal";
}

void lab_sweep_add(struct lab_sweep *s, enum lab_strategy strategy, int units,
                   const struct lab_result *r)
{
    struct lab_sweep_point *p;

    if (s->n == (int)(sizeof(s->p) / sizeof(s->p[0])))
        return;
    p = &s->p[s->n++];
    p->strategy = strategy;
    p->units = units;
    p->backends = r->opts.backends;
    p->threads = r->opts.app_threads;
    p->cores_per_backend = lab_has_budget(r) ? lab_backend_cores(&r->opts) : 0;
    p->throughput_rps = r->throughput_rps;
    p->p50_ms = r->p50_ms;
    p->p99_ms = r->p99_ms;
    p->cpu_ms_per_request = lab_cpu_ms_per_request(r);
    p->throttled = lab_throttled_fraction(r);
    p->requests = r->requests;
    p->errors = r->errors;
    if (r->cgroup_version)
        s->cgroup_version = r->cgroup_version;
}

void lab_sweep_same(struct lab_sweep *s, int i, enum lab_strategy strategy)
{
    if (i >= s->n || s->n == (int)(sizeof(s->p) / sizeof(s->p[0])))
        return;
    s->p[s->n] = s->p[i];
    s->p[s->n++].strategy = strategy;
}

/* The point of strategy at units, or NULL. */
static const struct lab_sweep_point *sweep_find(const struct lab_sweep *s,
                                                enum lab_strategy strategy, int units)
{
    int i;

    for (i = 0; i < s->n; i++)
        if (s->p[i].strategy == strategy && s->p[i].units == units)
            return &s->p[i];
    return NULL;
}

static void sweep_header(FILE *to, const struct lab_sweep *s)
{
    const struct lab_opts *o = &s->opts;

    fprintf(to, "scalelab lab --sweep: state %s, %d users, ", lab_mode_name(o), o->users);
    if (o->duration_s > 0)
        fprintf(to, "%g s", o->duration_s);
    else
        fprintf(to, "%llu requests", (unsigned long long)o->requests);
    fprintf(to, " a point, %ld us of CPU per request\n", o->work_us);
    if (s->cgroup_version)
        fprintf(to, "a unit is one worker thread and %g cores (%s)\n\n", o->unit_cores,
                lab_cgroup_version_text((enum lab_cgroup_version)s->cgroup_version));
    else
        fprintf(to, "a unit is one worker thread; no CPU budgets: every backend shares this "
                "machine's CPUs\n\n");
}

/* "4 units against 1: horizontal 3.9x, vertical 3.7x" */
static void sweep_ratios(FILE *to, const struct lab_sweep *s)
{
    int top = 0, i, k;

    for (i = 0; i < s->n; i++)
        top = s->p[i].units > top ? s->p[i].units : top;
    if (top < 2)
        return;
    fprintf(to, "\n%d units against 1:", top);
    for (k = LAB_HORIZONTAL; k <= LAB_VERTICAL; k++) {
        const struct lab_sweep_point *one = sweep_find(s, (enum lab_strategy)k, 1);
        const struct lab_sweep_point *far = sweep_find(s, (enum lab_strategy)k, top);

        if (one && far && one->throughput_rps > 0)
            fprintf(to, "%s %s %.2fx", k ? "," : "", lab_strategy_name((enum lab_strategy)k),
                    far->throughput_rps / one->throughput_rps);
    }
    fputc('\n', to);
}

void lab_sweep_text(FILE *to, const struct lab_sweep *s)
{
    const struct lab_sweep_point *one = sweep_find(s, LAB_HORIZONTAL, 1);
    char a[32];
    int i;

    sweep_header(to, s);
    fprintf(to, "%-10s %5s %8s %7s %6s %9s %8s %8s %9s %9s %6s\n", "strategy", "units",
            "backends", "threads", "cores", "req/s", "p50 ms", "p99 ms", "CPU ms/r", "quota out",
            "errors");
    for (i = 0; i < s->n; i++) {
        const struct lab_sweep_point *p = &s->p[i];
        char cores[16] = "-", out[16] = "-";

        if (p->cores_per_backend > 0)
            snprintf(cores, sizeof(cores), "%g", p->cores_per_backend);
        if (!isnan(p->throttled))
            snprintf(out, sizeof(out), "%.0f %%", 100 * p->throttled);
        fprintf(to, "%-10s %5d %8d %7d %6s %9s %8.2f %8.2f %9.3f %9s %6llu\n",
                lab_strategy_name(p->strategy), p->units, p->backends, p->threads, cores,
                cmd_fmt_count(a, sizeof(a), isnan(p->throughput_rps) ? 0 : p->throughput_rps),
                isnan(p->p50_ms) ? 0.0 : p->p50_ms, isnan(p->p99_ms) ? 0.0 : p->p99_ms,
                p->cpu_ms_per_request, out, (unsigned long long)p->errors);
    }
    fprintf(to, "\none unit is the same run in both futures; quota out: the share of CPU "
            "periods in\nwhich a backend used up its budget (near 100 %%: the budget is the "
            "limit)\n");
    sweep_ratios(to, s);
    if (one && !isnan(one->cpu_ms_per_request))
        fprintf(to, "measured CPU per request on one unit: %.3f ms (scalelab plan --cpu-ms "
                "%.3f)\n", one->cpu_ms_per_request, one->cpu_ms_per_request);
}

json_t *lab_sweep_json(const struct lab_sweep *s)
{
    json_t *doc = json_object(), *a = json_array();
    int i, bad = !doc || !a;

    for (i = 0; i < s->n && !bad; i++) {
        const struct lab_sweep_point *p = &s->p[i];
        json_t *o = json_object();

        bad |= sl_json_put(o, "strategy", json_string(lab_strategy_name(p->strategy)));
        bad |= sl_json_put(o, "units", json_integer(p->units));
        bad |= sl_json_put(o, "backends", json_integer(p->backends));
        bad |= sl_json_put(o, "threads", json_integer(p->threads));
        bad |= sl_json_put(o, "cores_per_backend", p->cores_per_backend > 0 ?
                           sl_json_num(p->cores_per_backend) : json_null());
        bad |= sl_json_put(o, "throughput_rps", sl_json_num(p->throughput_rps));
        bad |= sl_json_put(o, "p50_ms", sl_json_num(p->p50_ms));
        bad |= sl_json_put(o, "p99_ms", sl_json_num(p->p99_ms));
        bad |= sl_json_put(o, "cpu_ms_per_request", sl_json_num(p->cpu_ms_per_request));
        bad |= sl_json_put(o, "throttled_fraction", sl_json_num(p->throttled));
        bad |= sl_json_put(o, "requests", sl_json_count(p->requests));
        bad |= sl_json_put(o, "errors", sl_json_count(p->errors));
        bad |= json_array_append_new(a, sl_json_done(o, bad)) != 0;
    }
    bad |= sl_json_put(doc, "mode", json_string(lab_mode_name(&s->opts)));
    bad |= sl_json_put(doc, "unit_cores", s->cgroup_version ? sl_json_num(s->opts.unit_cores) :
                       json_null());
    bad |= sl_json_put(doc, "cgroup", s->cgroup_version ? json_string(lab_cgroup_version_name(
                           (enum lab_cgroup_version)s->cgroup_version)) : json_null());
    bad |= sl_json_put(doc, "sweep", a);
    return sl_json_done(doc, bad);
}

char *lab_sweep_csv(const struct lab_sweep *s)
{
    size_t cap = 160 + (size_t)s->n * 112, len;
    char *text = sl_malloc(cap);
    int budgets = s->cgroup_version != 0, i;

    if (!text)
        return NULL;
    /* with budgets a unit has known cores, which lets fit's lambda become CPU per request */
    len = (size_t)snprintf(text, cap, "strategy,units,throughput_rps,p50_ms,p99_ms,"
                           "cpu_ms_per_request%s\n", budgets ? ",cores_per_unit" : "");
    for (i = 0; i < s->n && len < cap; i++) {
        const struct lab_sweep_point *p = &s->p[i];

        len += (size_t)snprintf(text + len, cap - len, "%s,%d,%.1f,%.3f,%.3f,%.4f",
                                lab_strategy_name(p->strategy), p->units, p->throughput_rps,
                                p->p50_ms, p->p99_ms, p->cpu_ms_per_request);
        if (budgets && len < cap)
            len += (size_t)snprintf(text + len, cap - len, ",%g", s->opts.unit_cores);
        if (len < cap)
            len += (size_t)snprintf(text + len, cap - len, "\n");
    }
    return text;
}
