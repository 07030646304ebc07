/* `queue`: exact queueing numbers of one station, or of a network of stations. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "commands.h"
#include "banned.h"

/* States one API solve may walk: a solve costs a pass per state. */
#define API_MAX_STATES 200000
/* Most steps of one closed network solve in the API (sl_network_closed_cost): well under 1 s. */
#define API_MAX_NETWORK_WORK 2e7

static const struct cmd_param params[] = {
    { .name = "servers", .type = CMD_INTEGER, .arg = "C", .min = 1, .max = SL_QUEUE_MAX_SERVERS,
      .help = "servers (or cores) at the station", .surface = CMD_BOTH },
    { .name = "service-ms", .type = CMD_NUMBER, .arg = "MS", .min = 0, .min_open = 1,
      .max = 1e9, .help = "mean service time per request, ms (default: --cpu-ms)",
      .surface = CMD_BOTH },
    { .name = "load", .type = CMD_LOAD, .arg = "RPS", .help = "offered load, req/s (open system)",
      .surface = CMD_BOTH },
    { .name = "utilization", .type = CMD_NUMBER, .arg = "U", .min = 0, .min_open = 1, .max = 1e6,
      .help = "offered load per server instead of --load, e.g. 0.9 (1 or more is unstable)",
      .surface = CMD_BOTH },
    { .name = "queue", .type = CMD_INTEGER, .arg = "K", .min = 1, .max = SL_QUEUE_MAX_STATES,
      .api_max = API_MAX_STATES,
      .help = "bounded system: at most K requests queued or in service; the rest are dropped",
      .surface = CMD_BOTH },
    { .name = "users", .type = CMD_INTEGER, .arg = "N", .min = 1, .max = SL_QUEUE_MAX_STATES,
      .api_max = API_MAX_STATES, .help = "closed system: N users (with --think)",
      .surface = CMD_BOTH },
    { .name = "think", .type = CMD_NUMBER, .arg = "S", .min = 0, .max = 1e12,
      .help = "closed system: mean seconds a user waits between requests (0 = none)",
      .surface = CMD_BOTH },
    { .name = "service-cv", .type = CMD_NUMBER, .arg = "C", .min = 0, .max = 1e6,
      .help = "general service times of this coefficient of variation: M/G/1 (exact mean) or "
              "M/G/c (Allen-Cunneen, approximate); 0 constant, 1 exponential",
      .surface = CMD_BOTH },
    { .name = "station", .type = CMD_TEXT, .arg = "NAME:SERVERS:SERVICE_MS[:VISITS]",
      .help = "one station of a network (repeat, in order: lb:1:0.05 app:8:4 db:2:1.5:2); "
              "solved open for --load, closed for --users and --think",
      .accepts = "NAME:SERVERS:SERVICE_MS[:VISITS] such as db:2:1.5:2", .max = 128,
      .surface = CMD_BOTH, .flags = CMD_REPEAT, .max_values = SL_NETWORK_MAX_STATIONS },
    { .name = NULL }
};

/* The flags of one station's model that a network cannot take. */
static int check_network(const struct cmd_input *in, char *err, size_t errlen)
{
    static const char *const single[] = { "servers", "service-ms", "utilization", "queue",
                                          "service-cv", NULL };
    int i;

    for (i = 0; single[i]; i++)
        if (cmd_given(in, single[i]))
            return cmd_usage(err, errlen, "--station cannot be combined with --servers, "
                             "--service-ms, --utilization, --queue or --service-cv (each "
                             "station names its servers and service time; stations are M/M/c)");
    if (cmd_given(in, "users")) {
        if (cmd_given(in, "load"))
            return cmd_usage(err, errlen, "--users cannot be combined with --load (a closed "
                             "network's load follows from its users)");
        if (!cmd_given(in, "think"))
            return cmd_usage(err, errlen, "missing --think (expected the seconds each user "
                             "waits between requests, such as 1; 0 for none)");
        return CMD_OK;
    }
    if (cmd_given(in, "think"))
        return cmd_usage(err, errlen, "--think needs --users (a closed network)");
    if (!cmd_given(in, "load"))
        return cmd_usage(err, errlen, "missing --load (an open network) or --users and --think "
                         "(a closed one)");
    return CMD_OK;
}

static int solve_network(const struct cmd_input *in, struct cmd_queue_out *out, char *err,
                         size_t errlen)
{
    char msg[SL_ERR_LEN];
    enum sl_status s;
    long users = cmd_get(in, "users")->integer;
    size_t k;
    int st = check_network(in, err, errlen);

    if (st)
        return st;
    out->network = 1;
    out->nstations = cmd_count(in, "station");
    for (k = 0; k < out->nstations; k++)
        if (sl_station_parse(cmd_repeated(in, "station", k), &out->stations[k], msg,
                             sizeof(msg)) != SL_OK)
            return cmd_usage(err, errlen, "--station: %s", msg);
    if (cmd_given(in, "users")) {
        double cost = sl_network_closed_cost(out->stations, out->nstations, users);

        if (in->surface == CMD_API && cost > API_MAX_NETWORK_WORK)
            return cmd_usage(err, errlen, "network too large for the API: %ld users over these "
                             "stations need %.3g solver steps (at most %.3g in the API; the "
                             "command line allows %.3g)", users, cost, API_MAX_NETWORK_WORK,
                             SL_NETWORK_MAX_WORK);
        s = sl_network_closed(out->stations, out->nstations, users, cmd_get(in, "think")->number,
                              &out->net, err, errlen);
    } else {
        s = sl_network_open(out->stations, out->nstations, cmd_get(in, "load")->number,
                            &out->net, err, errlen);
    }
    return s == SL_OK ? CMD_OK : s == SL_E_NOMEM ? CMD_FAILURE : CMD_USAGE;
}

/* Checks that the parameters describe exactly one station's model and fills its params. */
static int station_params(const struct cmd_input *in, struct sl_queue_params *p, char *err,
                          size_t errlen)
{
    int has_load = cmd_given(in, "load"), has_util = cmd_given(in, "utilization");

    memset(p, 0, sizeof(*p));
    if (!cmd_given(in, "servers"))
        return cmd_usage(err, errlen, "missing --servers (expected a whole number such as 4) or "
                         "--station (a network)");
    p->servers = cmd_get(in, "servers")->integer;
    p->service_s = (cmd_given(in, "service-ms") ? cmd_get(in, "service-ms")->number
                                                 : in->w.cpu_ms) / 1000.0;
    p->load_rps = cmd_get(in, "load")->number;
    p->utilization = cmd_get(in, "utilization")->number;
    p->queue_capacity = cmd_given(in, "queue") ? cmd_get(in, "queue")->integer : 0;
    p->users = cmd_given(in, "users") ? cmd_get(in, "users")->integer : 0;
    p->think_s = cmd_get(in, "think")->number;
    p->general = cmd_given(in, "service-cv");
    p->service_cv = cmd_get(in, "service-cv")->number;
    if (p->users > 0) {
        if (has_load || has_util || p->queue_capacity > 0 || p->general)
            return cmd_usage(err, errlen, "--users cannot be combined with --load, "
                             "--utilization, --queue or --service-cv (a closed system's load "
                             "follows from its users; its service is exponential)");
        if (!cmd_given(in, "think"))
            return cmd_usage(err, errlen, "missing --think (expected the seconds each user "
                             "waits between requests, such as 1; 0 for none)");
        return CMD_OK;
    }
    if (cmd_given(in, "think"))
        return cmd_usage(err, errlen, "--think needs --users (a closed system)");
    if (p->general && p->queue_capacity > 0)
        return cmd_usage(err, errlen, "--service-cv cannot be combined with --queue (the "
                         "general-service models here have an unbounded queue)");
    if (has_load && has_util)
        return cmd_usage(err, errlen, "--load and --utilization cannot be combined");
    if (!has_load && !has_util)
        return cmd_usage(err, errlen, "missing --load or --utilization (or --users and --think "
                         "for a closed system)");
    if (p->queue_capacity > 0 && p->queue_capacity < p->servers)
        return cmd_usage(err, errlen, "invalid --queue '%s' (expected at least the %ld servers: "
                         "K counts requests queued and in service)", cmd_get(in, "queue")->text,
                         p->servers);
    return CMD_OK;
}

int cmd_queue_run(const struct cmd_input *in, struct cmd_queue_out *out, char *err,
                  size_t errlen)
{
    struct sl_queue_params p;
    enum sl_status s;
    int st;

    memset(out, 0, sizeof(*out));
    if (cmd_count(in, "station"))
        return solve_network(in, out, err, errlen);
    st = station_params(in, &p, err, errlen);
    if (st)
        return st;
    s = sl_queue_solve(&p, &out->station, err, errlen);
    return s == SL_OK ? CMD_OK : s == SL_E_NOMEM ? CMD_FAILURE : CMD_USAGE;
}

static int queue_json(const struct cmd_input *in, char **doc, char *err, size_t errlen)
{
    struct cmd_queue_out *out = sl_malloc(sizeof(*out));
    int st;

    *doc = NULL;
    if (!out)
        return cmd_failure(err, errlen, "out of memory");
    st = cmd_queue_run(in, out, err, errlen);
    if (!st) {
        *doc = out->network ? sl_network_json(out->stations, &out->net, err, errlen)
                            : sl_queue_json(&out->station, err, errlen);
        st = *doc ? CMD_OK : CMD_FAILURE;
    }
    sl_free(out);
    return st;
}

const struct cmd_def cmd_def_queue = {
    .name = "queue",
    .summary = "waits, response times and drops of one queueing station, or of a network",
    .synopsis = "--servers C [--service-ms MS] (--load RPS | --utilization U) "
                "[--queue K | --service-cv C]\n"
                "--servers C [--service-ms MS] --users N --think S\n"
                "--station NAME:SERVERS:MS[:VISITS]... (--load RPS | --users N --think S)",
    .description = "Exact M/M/c, M/M/c/K, M/G/1 or closed-system numbers (M/G/c approximate) "
                   "and the utilisation table; exact open or closed networks of stations.",
    .params = params,
    .shared = CMD_SHARED_CPU | CMD_SHARED_JSON | CMD_SHARED_CSV,
    .json = queue_json,
    .api_path = "/api/queue",
};
