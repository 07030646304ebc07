/* `scalelab serve`: the page and the JSON API on a local HTTP server. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "cli.h"
#include "web/web.h"
#include "banned.h"

enum { OPT_ADDR = CLI_OWN, OPT_PORT, OPT_THREADS, OPT_WORKERS, OPT_DEADLINE, OPT_ALLOW_HOST,
       OPT_SIM_BUDGET };

static const struct cli_flag own_flags[] = {
    { "addr", required_argument, OPT_ADDR, "IP", "address to bind (127.0.0.1: this machine "
      "only)", 0 },
    { "port", required_argument, OPT_PORT, "N", "TCP port (8080; 0 picks a free one)", 0 },
    { "threads", required_argument, OPT_THREADS, "N",
      "connection threads: files, /healthz, reading and writing (2)", 0 },
    { "workers", required_argument, OPT_WORKERS, "N",
      "threads that compute API answers (2); more wait in a queue of 16 each", 0 },
    { "deadline", required_argument, OPT_DEADLINE, "S",
      "seconds an API answer may take, queueing included, before it is 503 (2)", 0 },
    { "sim-budget", required_argument, OPT_SIM_BUDGET, "N",
      "most work of one API simulation, in simulated events (8e6: about 0.3 s)", 0 },
    { "allow-host", required_argument, OPT_ALLOW_HOST, "NAME",
      "another Host name to answer (repeatable); others get 403", 0 },
    { NULL, 0, 0, NULL, NULL, 0 }
};

static int own_option(int id, const char *arg, void *ctx)
{
    struct web_opts *o = ctx;
    long v;

    switch (id) {
    case OPT_ADDR:
        o->addr = arg;
        return SL_EXIT_OK;
    case OPT_PORT:
        if (!strcmp(arg, "0")) {
            o->port = 0;
            return SL_EXIT_OK;
        }
        if (sl_parse_count(arg, 65535, &v) != SL_OK)
            return cli_usage_error("invalid --port '%s' (expected 0 to 65535)", arg);
        o->port = (int)v;
        return SL_EXIT_OK;
    case OPT_THREADS:
        if (sl_parse_count(arg, 64, &v) != SL_OK)
            return cli_usage_error("invalid --threads '%s' (expected 1 to 64)", arg);
        o->threads = (unsigned)v;
        return SL_EXIT_OK;
    case OPT_WORKERS:
        if (sl_parse_count(arg, 64, &v) != SL_OK)
            return cli_usage_error("invalid --workers '%s' (expected 1 to 64)", arg);
        o->workers = (unsigned)v;
        return SL_EXIT_OK;
    case OPT_DEADLINE: {
        double s;

        if (sl_parse_number(arg, &s) != SL_OK || !(s >= 0.01 && s <= 3600))
            return cli_usage_error("invalid --deadline '%s' (expected seconds from 0.01 to "
                                   "3600)", arg);
        o->deadline_s = s;
        return SL_EXIT_OK;
    }
    case OPT_SIM_BUDGET: {
        double b;

        if (sl_parse_number(arg, &b) != SL_OK || !(b >= 1e3 && b <= 1e12))
            return cli_usage_error("invalid --sim-budget '%s' (expected 1e3 to 1e12 simulated "
                                   "events)", arg);
        o->sim_budget = b;
        return SL_EXIT_OK;
    }
    case OPT_ALLOW_HOST: {
        size_t i, n = strlen(arg);

        if (o->n_allow_hosts == WEB_ALLOW_HOSTS_MAX)
            return cli_usage_error("too many --allow-host (at most %d)", WEB_ALLOW_HOSTS_MAX);
        for (i = 0; i < n; i++)
            if (!((arg[i] >= 'a' && arg[i] <= 'z') || (arg[i] >= 'A' && arg[i] <= 'Z') ||
                  (arg[i] >= '0' && arg[i] <= '9') || strchr(".-[]:", arg[i])))
                break;
        if (!n || n > 253 || i < n)
            return cli_usage_error("invalid --allow-host '%s' (expected a host name or address "
                                   "such as scalelab.local or 192.168.1.20)", arg);
        o->allow_hosts[o->n_allow_hosts++] = arg;
        return SL_EXIT_OK;
    }
    default:
        return SL_EXIT_USAGE;
    }
}

int cmd_serve(int argc, char **argv)
{
    struct web_opts o = { .addr = "127.0.0.1", .port = 8080, .threads = 2, .workers = 2,
                          .deadline_s = 2.0, .sim_budget = CLI_API_SIM_BUDGET };
    struct cli_common common;
    int first, st;

    st = cli_parse(argc, argv, "scalelab serve [--addr IP] [--port N] [--allow-host NAME]\n\n"
                   "Serves the interactive page and its JSON API until Ctrl-C", 0, own_flags,
                   own_option, &o, &common, &first);
    if (st)
        return st < 0 ? SL_EXIT_OK : st;
    if (first < argc)
        return cli_usage_error("unexpected argument '%s'", argv[first]);
    if (cli_api_mode())
        return cli_usage_error("serve is not available in the API");
    return web_serve(&o);
}
