/* --expect: thresholds on a lab run's figures, parsed strictly, turned into an exit status. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scalelab/scalelab.h"
#include "scalelab/json.h"
#include "lab/lab_expect.h"
#include "banned.h"

/* Each metric's name and the kind of value it takes. */
enum kind { KIND_COUNT, KIND_SHARE, KIND_TIME, KIND_RATE };

static const struct {
    const char *name;
    enum kind kind;    /* KIND_SHARE: a count or a percentage */
    double quantile;   /* times: the level, 0 for the mean */
} metrics[LAB_METRICS] = {
    { "lost", KIND_SHARE, 0 }, { "errors", KIND_SHARE, 0 }, { "carts", KIND_COUNT, 0 },
    { "drift", KIND_COUNT, 0 }, { "double", KIND_COUNT, 0 }, { "p50", KIND_TIME, 0.5 },
    { "p90", KIND_TIME, 0.9 }, { "p99", KIND_TIME, 0.99 }, { "p99.9", KIND_TIME, 0.999 },
    { "mean", KIND_TIME, 0 }, { "rps", KIND_RATE, 0 }, { "writes", KIND_SHARE, 0 }
};

static const char *const cmp_names[] = { "=", "<", "<=", ">", ">=" };

#define ACCEPTED "METRIC OP VALUE, METRIC one of lost errors carts drift double p50 p90 p99 " \
                 "p99.9 mean rps writes, OP one of = < <= > >=, such as " \
                 "lost=0,errors<0.5%,p99<50ms"

/* The value of a threshold: "0", "0.5%", "50ms", "2k"; 0, or -1 when the kind refuses it. */
static int read_value(enum kind kind, const char *v, struct lab_threshold *t)
{
    size_t n = strlen(v);
    char num[32];
    double x, scale = 1;

    if (n == 0 || n >= sizeof(num))
        return -1;
    memcpy(num, v, n + 1);
    if (kind == KIND_RATE)
        return sl_parse_load(v, &t->value) == SL_OK ? 0 : -1;
    if (kind == KIND_SHARE && num[n - 1] == '%') {
        num[--n] = '\0';
        t->percent = 1;
        scale = 0.01;
    } else if (kind == KIND_TIME) {
        size_t u = n >= 2 && (!strcmp(num + n - 2, "ms") || !strcmp(num + n - 2, "us")) ? 2 :
                   n >= 1 && num[n - 1] == 's' ? 1 : 0;

        if (!u)
            return -1; /* a time needs its unit */
        scale = u == 1 ? 1 : num[n - 2] == 'm' ? 1e-3 : 1e-6;
        num[n - u] = '\0';
    }
    if (sl_parse_number(num, &x) != SL_OK || !(x >= 0) || !isfinite(x) ||
        (t->percent && x > 100))
        return -1;
    t->value = x * scale;
    return 0;
}

/* The accepted values of a metric's kind, for messages. */
static const char *accepted_value(enum kind kind)
{
    switch (kind) {
    case KIND_SHARE: return "a count such as 0 or a percentage such as 0.5%";
    case KIND_TIME: return "a time with its unit, such as 50ms, 800us or 1.5s";
    case KIND_RATE: return "a rate such as 500 or 2k";
    default: return "a count such as 0 or 10";
    }
}

/* One threshold "p99<50ms" (n bytes at s) into t; 0, or -1 with err set. */
static int read_one(const char *s, size_t n, struct lab_threshold *t, char *err, size_t errlen)
{
    size_t m, o;
    int i, found = -1;

    memset(t, 0, sizeof(*t));
    if (n == 0 || n >= sizeof(t->text)) {
        snprintf(err, errlen, "invalid --expect item '%.*s' (expected %s)", (int)n, s, ACCEPTED);
        return -1;
    }
    memcpy(t->text, s, n);
    t->text[n] = '\0';
    m = strspn(t->text, "abcdefghijklmnopqrstuvwxyz0123456789.");
    for (i = 0; i < LAB_METRICS; i++)
        if (strlen(metrics[i].name) == m && !strncmp(t->text, metrics[i].name, m))
            found = i;
    if (found < 0) {
        snprintf(err, errlen, "invalid --expect item '%s': unknown metric '%.*s' (expected %s)",
                 t->text, (int)strcspn(t->text, "=<>"), t->text, ACCEPTED);
        return -1;
    }
    t->metric = (enum lab_metric)found;
    o = strspn(t->text + m, "=<>"); /* the operator ends where the value starts, sign included */
    for (i = 0; i < 5; i++)
        if (strlen(cmp_names[i]) == o && !strncmp(t->text + m, cmp_names[i], o))
            break;
    if (i == 5 && !t->text[m]) {
        snprintf(err, errlen, "invalid --expect item '%s': no operator and value after %s "
                 "(expected one of = < <= > >= then %s)", t->text, metrics[found].name,
                 accepted_value(metrics[found].kind));
        return -1;
    }
    if (i == 5) { /* no operator at all: name the character found instead */
        snprintf(err, errlen, "invalid --expect item '%s': bad operator '%.*s' (expected one "
                 "of = < <= > >=)", t->text, o ? (int)o : 1, t->text + m);
        return -1;
    }
    t->cmp = (enum lab_cmp)i;
    if (read_value(metrics[found].kind, t->text + m + o, t)) {
        snprintf(err, errlen, "invalid --expect item '%s': bad value '%s' for %s (expected %s)",
                 t->text, t->text + m + o, metrics[found].name,
                 accepted_value(metrics[found].kind));
        return -1;
    }
    return 0;
}

int lab_expect_parse(const char *s, struct lab_expect *out, char *err, size_t errlen)
{
    const char *p = s;

    memset(out, 0, sizeof(*out));
    for (;;) {
        size_t n = strcspn(p, ",");

        if (out->n == LAB_EXPECT_MAX) {
            snprintf(err, errlen, "invalid --expect '%s' (expected at most %d thresholds)", s,
                     LAB_EXPECT_MAX);
            return -1;
        }
        if (read_one(p, n, &out->t[out->n], err, errlen))
            return -1;
        out->n++;
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

int lab_parse_percent(const char *s, double *fraction)
{
    struct lab_threshold t;

    memset(&t, 0, sizeof(t));
    if (!*s || s[strlen(s) - 1] != '%' || read_value(KIND_SHARE, s, &t))
        return -1;
    *fraction = t.value;
    return 0;
}

double lab_expect_measure(const struct lab_threshold *t, const struct lab_result *r)
{
    double q = metrics[t->metric].quantile;

    switch (t->metric) {
    case LAB_METRIC_LOST:
        if (!t->percent)
            return (double)r->sessions_lost;
        return r->post_login ? (double)r->sessions_lost / (double)r->post_login : NAN;
    case LAB_METRIC_ERRORS:
        if (!t->percent)
            return (double)r->errors;
        return r->requests ? (double)r->errors / (double)r->requests : NAN;
    case LAB_METRIC_WRITES: {
        uint64_t acked = r->lines_acked + r->counter_acked;

        if (!t->percent)
            return (double)lab_writes_lost(r);
        return acked ? (double)lab_writes_lost(r) / (double)acked : NAN;
    }
    case LAB_METRIC_CARTS: return (double)r->carts_wrong;
    case LAB_METRIC_DRIFT: return r->counter_final >= 0 ? (double)r->counter_drift : NAN;
    case LAB_METRIC_DOUBLE: return (double)r->double_bookings;
    case LAB_METRIC_MEAN: return sl_hist_mean(r->latency);
    case LAB_METRIC_RPS: return r->throughput_rps;
    case LAB_METRIC_P50:
    case LAB_METRIC_P90:
    case LAB_METRIC_P99:
    case LAB_METRIC_P999:
        return sl_hist_quantile(r->latency, q);
    default:
        return NAN;
    }
}

int lab_expect_holds(const struct lab_threshold *t, double x)
{
    double v = t->value;

    switch (t->cmp) {
    case LAB_CMP_EQ: return x == v;
    case LAB_CMP_LT: return x < v;
    case LAB_CMP_LE: return x <= v;
    case LAB_CMP_GT: return x > v;
    case LAB_CMP_GE: return x >= v;
    }
    return 0;
}

void lab_expect_describe(const struct lab_threshold *t, double x, char *buf, size_t len)
{
    const char *name = metrics[t->metric].name;
    enum kind kind = metrics[t->metric].kind;

    if (isnan(x))
        snprintf(buf, len, "%s is unknown (the run has no such figure)", name);
    else if (kind == KIND_TIME)
        snprintf(buf, len, "%s %.3g ms", name, x * 1e3);
    else if (t->percent)
        snprintf(buf, len, "%s %.3g %%", name, 100 * x);
    else if (kind == KIND_RATE)
        snprintf(buf, len, "%s %.4g req/s", name, x);
    else
        snprintf(buf, len, "%s %.0f", name, x);
}

json_t *lab_expect_json(const struct lab_expect *e, const struct lab_result *r)
{
    json_t *a = json_array();
    int i, bad = !a;

    for (i = 0; i < e->n && !bad; i++) {
        json_t *o = json_object();
        double x = lab_expect_measure(&e->t[i], r);

        bad |= sl_json_put(o, "expect", json_string(e->t[i].text));
        bad |= sl_json_put(o, "metric", json_string(metrics[e->t[i].metric].name));
        bad |= sl_json_put(o, "measured", sl_json_num(x));
        bad |= sl_json_put(o, "held", json_boolean(lab_expect_holds(&e->t[i], x)));
        bad |= json_array_append_new(a, sl_json_done(o, bad)) != 0;
    }
    return sl_json_done(a, bad);
}

int lab_expect_failed(const struct lab_expect *e, const struct lab_result *r)
{
    int i, n = 0;

    for (i = 0; i < e->n; i++)
        n += !lab_expect_holds(&e->t[i], lab_expect_measure(&e->t[i], r));
    return n;
}

void lab_expect_text(FILE *to, const struct lab_expect *e, const struct lab_result *r)
{
    char what[96];
    int i;

    fprintf(to, "\nexpect\n");
    for (i = 0; i < e->n; i++) {
        double x = lab_expect_measure(&e->t[i], r);

        lab_expect_describe(&e->t[i], x, what, sizeof(what));
        fprintf(to, "  %-20s %-6s  %s\n", e->t[i].text,
                lab_expect_holds(&e->t[i], x) ? "held" : "FAILED", what);
    }
}
