/* The parameters the planning commands share: catalog, workload, state, output form. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "banned.h"

static const char *const state_choices[] = { "memory", "sticky", "store", "token", NULL };
static const char *const survive_choices[] = { "zone", NULL };

#define PLAN CMD_SHARED_PLANNING

/* A number of struct sl_workload: range and default are the library's. */
#define WORKLOAD(flag, placeholder, text, group_)                                               \
    { .name = flag, .type = CMD_NUMBER, .arg = placeholder, .help = text, .workload = flag,    \
      .surface = CMD_BOTH, .group = group_ }

const struct cmd_param cmd_shared[] = {
    { .name = "catalog", .type = CMD_TEXT, .arg = "NAME|PATH", .def = "teaching",
      .help = "machine catalog: teaching, cloud (AWS), gcp, azure, or a CSV file (the API: a "
              "CSV request body)",
      .accepts = "an embedded catalog's name (teaching, cloud, gcp or azure; on the command "
                 "line also a CSV file)", .max = 4096, .surface = CMD_BOTH,
      .group = PLAN },
    { .name = "instance", .type = CMD_TEXT, .arg = "NAME",
      .help = "instance type of horizontal tiers (default: the cheapest for the load)",
      .accepts = "a name from the catalog", .max = 63, .surface = CMD_BOTH, .group = PLAN },
    WORKLOAD("cpu-ms", "MS", "CPU milliseconds per request on a reference core", CMD_SHARED_CPU),
    WORKLOAD("mem-per-request", "MIB", "memory held by one in-flight request, MiB", PLAN),
    WORKLOAD("base-mem", "GIB", "memory of the OS and runtime per box, GiB", PLAN),
    WORKLOAD("response-bytes", "BYTES", "bytes per response", PLAN),
    WORKLOAD("sessions", "N", "live sessions (0: load x session interval)", PLAN),
    WORKLOAD("session-interval", "S", "seconds between two requests of one session", PLAN),
    WORKLOAD("session-bytes", "BYTES", "state kept per session, bytes", PLAN),
    { .name = "state", .type = CMD_ENUM, .arg = "WHERE", .def = "token",
      .help = "where sessions live: memory, sticky, store or token", .choices = state_choices,
      .surface = CMD_BOTH, .group = CMD_SHARED_STATE },
    WORKLOAD("target-utilization", "U", "planned busy fraction of CPU and network", PLAN),
    { .name = "spares", .type = CMD_TEXT, .arg = "POLICY", .def = "auto",
      .help = "auto (the fewest that reach the availability target), n+1, n+2, 2n or n+K",
      .accepts = "auto, n+1, n+2, 2n or n+K with K from 0 to 1000000", .max = 32,
      .surface = CMD_BOTH, .group = PLAN },
    WORKLOAD("availability-target", "A", "availability the spares are sized to reach", PLAN),
    { .name = "vertical-standby", .type = CMD_FLAG,
      .help = "give the vertical plan a second box of the same size, active/passive",
      .surface = CMD_BOTH, .group = PLAN },
    { .name = "zones", .type = CMD_INTEGER, .arg = "Z", .def = "1", .min = 1, .max = SL_ZONES_MAX,
      .help = "zones the boxes spread over", .surface = CMD_BOTH, .group = PLAN },
    { .name = "survive", .type = CMD_ENUM, .arg = "zone", .choices = survive_choices,
      .help = "size the fleet to carry the load after losing any one zone",
      .surface = CMD_BOTH, .group = PLAN },
    { .name = "slo", .type = CMD_TEXT, .arg = "GOAL",
      .help = "latency goal of every box: p50, p90, p99, p99.9 or mean, e.g. p99=50ms",
      .accepts = "p50, p90, p99, p99.9 or mean, '=', and a positive time in us, ms or s, such "
                 "as p99=50ms", .max = 64, .surface = CMD_BOTH, .group = PLAN },
    { .name = "db-replicas-min", .type = CMD_INTEGER, .arg = "N", .def = "1", .min = 0,
      .max = 100, .help = "replicas every database shard keeps at least", .surface = CMD_BOTH,
      .group = PLAN },
    WORKLOAD("usl-sigma", "S", "USL contention of every box", PLAN),
    WORKLOAD("usl-kappa", "K", "USL coherency of every box", PLAN),
    WORKLOAD("box-availability", "A", "fraction of a month one box is up", PLAN),
    WORKLOAD("lb-cost", "USD", "load balancer per month, USD", PLAN),
    WORKLOAD("db-queries", "Q", "database queries per request", PLAN),
    WORKLOAD("read-fraction", "F", "share of queries that are reads", PLAN),
    WORKLOAD("db-query-ms", "MS", "database CPU milliseconds per query", PLAN),
    WORKLOAD("store-ops", "N", "store operations per request when state is store", PLAN),
    { .name = "usl", .type = CMD_TEXT, .arg = "SIGMA,KAPPA",
      .help = "USL coefficients for every box, replacing the catalog's (from your own fit)",
      .accepts = "SIGMA,KAPPA, each from 0 to below 1, such as 0.02,0.0001", .max = 64,
      .surface = CMD_BOTH, .group = PLAN },
    { .name = "calibration", .type = CMD_FILE, .arg = "FILE.json",
      .help = "what `scalelab fit --json` wrote: its sigma, kappa, and lambda with unit_cores "
              "(as cpu-ms: 1000 x unit_cores / lambda; a unit is 1 vCPU when unit_cores is null)",
      .accepts = "a file path", .surface = CMD_CLI, .group = PLAN },
    { .name = "json", .type = CMD_FLAG, .help = "print JSON", .surface = CMD_CLI,
      .group = CMD_SHARED_JSON },
    { .name = "csv", .type = CMD_FLAG, .help = "print CSV", .surface = CMD_CLI,
      .group = CMD_SHARED_CSV },
    { .name = NULL }
};

/* --usl SIGMA,KAPPA: a calibration given by hand. */
static int apply_usl(struct cmd_input *in, const char *text, char *err, size_t errlen)
{
    const char *comma = strchr(text, ',');
    char sigma[64], name[16];
    size_t n = comma ? (size_t)(comma - text) : 0;
    struct sl_workload *w = &in->w;

    cmd_spelling(in, "usl", name, sizeof(name));
    if (!comma || n >= sizeof(sigma))
        return cmd_usage(err, errlen, "invalid %s '%s' (expected SIGMA,KAPPA such as "
                         "0.02,0.0001)", name, text);
    memcpy(sigma, text, n);
    sigma[n] = '\0';
    if (sl_parse_number(sigma, &w->usl_sigma) != SL_OK ||
        sl_parse_number(comma + 1, &w->usl_kappa) != SL_OK || w->usl_sigma < 0 ||
        w->usl_sigma >= 1 || w->usl_kappa < 0 || w->usl_kappa >= 1)
        return cmd_usage(err, errlen, "invalid %s '%s' (expected SIGMA,KAPPA, each from 0 to "
                         "below 1, such as 0.02,0.0001)", name, text);
    w->usl_override = 1;
    snprintf(w->usl_source, sizeof(w->usl_source), "--usl"); /* the same in every document */
    return CMD_OK;
}

int cmd_shared_apply(struct cmd_input *in, const struct cmd_param *p, const char *text,
                     char *err, size_t errlen)
{
    const struct cmd_value *v = &in->value[cmd_find(in, p->name)];
    struct sl_workload *w = &in->w;
    char name[48];

    cmd_spelling(in, p->name, name, sizeof(name));
    if (p->workload) {
        const struct sl_workload_field *f = sl_workload_field(p->workload);

        *(double *)((char *)w + f->offset) = v->number;
        return CMD_OK;
    }
    if (!strcmp(p->name, "instance")) {
        snprintf(w->instance, sizeof(w->instance), "%s", text);
        return CMD_OK;
    }
    if (!strcmp(p->name, "state"))
        return sl_state_parse(text, &w->state) == SL_OK ? CMD_OK : CMD_FAILURE;
    if (!strcmp(p->name, "spares")) {
        if (sl_spares_parse(text, w) != SL_OK)
            return cmd_usage(err, errlen, "invalid %s '%s' (expected %s)", name, text,
                             p->accepts);
        return CMD_OK;
    }
    if (!strcmp(p->name, "vertical-standby")) {
        w->vertical_standby = v->choice;
        return CMD_OK;
    }
    if (!strcmp(p->name, "zones")) {
        w->zones = v->integer;
        return CMD_OK;
    }
    if (!strcmp(p->name, "survive")) {
        w->survive_zone = 1;
        return CMD_OK;
    }
    if (!strcmp(p->name, "slo")) {
        if (sl_slo_parse(text, &w->slo) != SL_OK)
            return cmd_usage(err, errlen, "invalid %s '%s' (expected %s)", name, text,
                             p->accepts);
        return CMD_OK;
    }
    if (!strcmp(p->name, "db-replicas-min")) {
        w->db_replicas_min = v->integer;
        return CMD_OK;
    }
    if (!strcmp(p->name, "usl"))
        return apply_usl(in, text, err, errlen);
    if (!strcmp(p->name, "json")) {
        in->json = v->choice;
        return CMD_OK;
    }
    if (!strcmp(p->name, "csv")) {
        in->csv = v->choice;
        return CMD_OK;
    }
    return CMD_OK; /* catalog and calibration are resolved by the front end */
}

int cmd_apply_calibration(struct cmd_input *in, char *err, size_t errlen)
{
    const char *path = cmd_get(in, "calibration")->text;
    char expected[96];
    double lambda, unit_cores;

    if (!in->calibration_text)
        return CMD_OK;
    if (sl_usl_calibration_parse(in->calibration_text, in->calibration_len, path,
                                 &in->w.usl_sigma, &in->w.usl_kappa, &lambda, &unit_cores, err,
                                 errlen) != SL_OK)
        return CMD_USAGE;
    if (sl_workload_field_ok("cpu-ms", sl_usl_cpu_ms(lambda, unit_cores), expected,
                             sizeof(expected)) != 1)
        return cmd_usage(err, errlen, "calibration '%s': lambda %g per second is too small to "
                         "plan with for a unit of unit_cores %g (expected at least %g, so that a "
                         "request takes at most 1e+06 ms of CPU)", path, lambda, unit_cores,
                         unit_cores * 1e-3);
    in->w.cpu_ms = sl_usl_cpu_ms(lambda, unit_cores);
    in->w.usl_override = 1;
    snprintf(in->w.usl_source, sizeof(in->w.usl_source), "calibration %.200s", path);
    return CMD_OK;
}

int cmd_catalog_is_builtin(const char *name)
{
    const char *const *names = sl_catalog_builtin_names();
    int i;

    for (i = 0; names[i]; i++)
        if (!strcmp(name, names[i]))
            return 1;
    return 0;
}

void cmd_catalog_names(char *buf, size_t len)
{
    const char *const *names = sl_catalog_builtin_names();
    size_t o = 0;
    int i;

    buf[0] = '\0';
    for (i = 0; names[i] && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", !i ? "" : names[i + 1] ? ", " : " or ",
                              names[i]);
}

int cmd_catalog(const struct cmd_input *in, struct sl_catalog **out, char *err, size_t errlen)
{
    const struct cmd_value *c = cmd_get(in, "catalog");
    char list[128];
    enum sl_status st;

    *out = NULL;
    if (sl_workload_check(&in->w, err, errlen) != SL_OK)
        return CMD_USAGE;
    cmd_catalog_names(list, sizeof(list));
    if (in->catalog_text && c->given && in->surface == CMD_API)
        return cmd_usage(err, errlen, "catalog '%s' and a catalog in the request body: give "
                         "one of them", c->text);
    if (in->catalog_text) {
        st = sl_catalog_parse(in->catalog_text, in->catalog_len, in->catalog_label, out, err,
                              errlen);
        return st == SL_OK ? CMD_OK : st == SL_E_NOMEM ? CMD_FAILURE : CMD_USAGE;
    }
    if (cmd_catalog_is_builtin(c->text))
        return sl_catalog_builtin(c->text, out, err, errlen) == SL_OK ? CMD_OK : CMD_FAILURE;
    if (in->surface == CMD_API)
        return cmd_usage(err, errlen, "unknown catalog '%s' (expected %s; the API reads no files: "
                         "POST your own catalog as the request body, Content-Type text/csv)",
                         c->text, list);
    return cmd_usage(err, errlen, "unknown catalog '%s' (expected %s, or a CSV file path)",
                     c->text, list);
}
