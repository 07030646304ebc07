/* The lab's vocabulary: names of modes and errors, default options, results' bookkeeping. */
/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scalelab/scalelab.h"
#include "lab/lab.h"
#include "banned.h"

static const char *const state_names[] = { "memory", "store", "token" };

static const char *const err_names[LAB_ERR_KINDS] = {
    "connect", "timeout", "transport", "http_4xx", "http_502", "http_503", "http_504",
    "http_5xx", "protocol"
};

const char *lab_state_name(enum lab_state s)
{
    return (unsigned)s < 3 ? state_names[s] : "?";
}

const char *lab_mode_name(const struct lab_opts *o)
{
    return o->target ? "target" : o->sticky ? "sticky" : lab_state_name(o->state);
}

int lab_state_parse(const char *s, enum lab_state *out)
{
    int i;

    for (i = 0; i < 3; i++)
        if (!strcmp(s, state_names[i])) {
            *out = (enum lab_state)i;
            return 0;
        }
    return -1;
}

const char *lab_err_name(enum lab_err e)
{
    return (unsigned)e < LAB_ERR_KINDS ? err_names[e] : "?";
}

double lab_backend_cores(const struct lab_opts *o)
{
    return o->unit_cores * (o->vertical > 0 ? o->vertical : 1);
}

const char *lab_loop_name(const struct lab_opts *o)
{
    return o->rate_rps > 0 ? "open" : "closed";
}

void lab_opts_init(struct lab_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->state = LAB_STATE_STORE;
    o->backends = 3;
    o->users = 50;
    o->requests = 20000;
    o->work_us = 200;
    o->max_conns = LAB_DEFAULT_CONNS;
}

int lab_result_init(struct lab_result *r, const struct lab_opts *o)
{
    memset(r, 0, sizeof(*r));
    r->opts = *o;
    r->counter_final = -1;
    r->latency = sl_malloc(sizeof(*r->latency));
    r->sec_requests = sl_calloc(LAB_MAX_SECONDS, sizeof(uint32_t));
    r->sec_errors = sl_calloc(LAB_MAX_SECONDS, sizeof(uint32_t));
    r->sec_lost = sl_calloc(LAB_MAX_SECONDS, sizeof(uint32_t));
    if (!r->latency || !r->sec_requests || !r->sec_errors || !r->sec_lost) {
        lab_result_release(r);
        return -1;
    }
    sl_hist_init(r->latency);
    return 0;
}

void lab_result_release(struct lab_result *r)
{
    sl_free(r->latency);
    sl_free(r->sec_requests);
    sl_free(r->sec_errors);
    sl_free(r->sec_lost);
    r->latency = NULL;
    r->sec_requests = r->sec_errors = r->sec_lost = NULL;
}

void lab_event_add(struct lab_result *r, double t_s, const char *fmt, ...)
{
    va_list ap;
    struct lab_event *e;

    if (r->n_events == LAB_MAX_EVENTS)
        return;
    e = &r->events[r->n_events++];
    e->t_s = t_s;
    va_start(ap, fmt);
    vsnprintf(e->what, sizeof(e->what), fmt, ap);
    va_end(ap);
}

void lab_result_finish(struct lab_result *r)
{
    int i, k;

    /* insertion sort: stable, so that events of one instant keep their order */
    for (i = 1; i < r->n_events; i++) {
        struct lab_event e = r->events[i];

        for (k = i; k > 0 && r->events[k - 1].t_s > e.t_s; k--)
            r->events[k] = r->events[k - 1];
        r->events[k] = e;
    }
    r->errors = 0;
    for (k = 0; k < LAB_ERR_KINDS; k++)
        r->errors += r->err[k];
    r->p50_ms = sl_hist_quantile(r->latency, 0.5) * 1e3;
    r->p99_ms = sl_hist_quantile(r->latency, 0.99) * 1e3;
    r->throughput_rps = r->elapsed_s > 0 ? (double)r->requests / r->elapsed_s : NAN;
    r->rate_reached_rps = r->schedule_s > 0 ? (double)r->sent / r->schedule_s : NAN;
    /* increments that failed may or may not have counted: only outside that range is drift */
    r->counter_drift = 0;
    if (r->counter_final >= 0) {
        uint64_t fin = r->counter_final > r->counter_start ?
                       (uint64_t)(r->counter_final - r->counter_start) : 0;

        if (fin < r->counter_acked)
            r->counter_drift = r->counter_acked - fin;
        else if (fin > r->counter_acked + r->counter_unknown)
            r->counter_drift = fin - r->counter_acked - r->counter_unknown;
    }
}

uint64_t lab_counter_lost(const struct lab_result *r)
{
    uint64_t fin;

    if (r->counter_final < 0)
        return 0;
    fin = r->counter_final > r->counter_start ? (uint64_t)(r->counter_final - r->counter_start)
                                              : 0;
    return fin < r->counter_acked ? r->counter_acked - fin : 0;
}

uint64_t lab_writes_lost(const struct lab_result *r)
{
    return r->lines_lost + lab_counter_lost(r);
}

/* Nonzero if s[0..n) holds only bytes a URL's host, port and path may have here. */
static int url_chars(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("-._~/:[]%", s[i]))
            return 0;
    return 1;
}

int lab_target_parse(const char *url, char *out, size_t outlen, char *why, size_t whylen)
{
    size_t len = strlen(url), scheme, host_end, n;
    const char *rest, *port;

    scheme = !strncmp(url, "http://", 7) ? 7 : !strncmp(url, "https://", 8) ? 8 : 0;
    if (!scheme) {
        snprintf(why, whylen, "http:// or https://");
        return -1;
    }
    rest = url + scheme;
    host_end = strcspn(rest, "/");
    /* the port's colon: after "]" for an IPv6 address in brackets, else the host's only one */
    if (rest[0] == '[') {
        const char *close = memchr(rest, ']', host_end);

        port = close && close + 1 < rest + host_end ? close + 1 : NULL;
        if (!close || (port && *port != ':'))
            port = rest; /* no closing bracket, or something other than ":port" after it */
    } else {
        port = memchr(rest, ':', host_end);
    }
    if (len > LAB_TARGET_MAX || len + 1 > outlen || !url_chars(rest, len - scheme)) {
        snprintf(why, whylen, "at most %d bytes of a host, a port and a path; no query, user "
                 "or space", LAB_TARGET_MAX);
        return -1;
    }
    if (host_end == 0 || port == rest) {
        snprintf(why, whylen, "a host after the scheme");
        return -1;
    }
    if (port) {
        long v = 0;
        const char *p;

        for (p = port + 1; p < rest + host_end && isdigit((unsigned char)*p) && v <= 65535; p++)
            v = v * 10 + (*p - '0');
        if (p != rest + host_end || p == port + 1 || v < 1 || v > 65535) {
            snprintf(why, whylen, "a port from 1 to 65535");
            return -1;
        }
    }
    n = len;
    while (n > scheme + host_end && url[n - 1] == '/')
        n--;
    snprintf(out, outlen, "%.*s", (int)n, url);
    return 0;
}

double lab_cpu_ms_per_request(const struct lab_result *r)
{
    return r->requests ? r->app_cpu_s * 1e3 / (double)r->requests : NAN;
}

int lab_has_budget(const struct lab_result *r)
{
    return r->opts.unit_cores > 0 && r->cgroup_version;
}

double lab_throttled_fraction(const struct lab_result *r)
{
    return r->cg_periods ? (double)r->cg_throttled / (double)r->cg_periods : NAN;
}
