/* `scalelab serve`: the page and the JSON API on a local HTTP server. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "cli.h"
#include "web/web.h"
#include "banned.h"

enum { OPT_ADDR = CLI_OWN, OPT_PORT, OPT_THREADS };

static const struct cli_flag own_flags[] = {
    { "addr", required_argument, OPT_ADDR, "IP", "address to bind (127.0.0.1: this machine "
      "only)", 0 },
    { "port", required_argument, OPT_PORT, "N", "TCP port (8080; 0 picks a free one)", 0 },
    { "threads", required_argument, OPT_THREADS, "N", "worker threads (2)", 0 },
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
    default:
        return SL_EXIT_USAGE;
    }
}

int cmd_serve(int argc, char **argv)
{
    struct web_opts o = { "127.0.0.1", 8080, 2 };
    struct cli_common common;
    int first, st;

    st = cli_parse(argc, argv, "scalelab serve [--addr IP] [--port N]\n\n"
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
