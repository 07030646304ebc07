/* `scalelab serve`: the page and the JSON API on a local HTTP server. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "cli.h"
#include "web/web.h"
#include "banned.h"

static const struct cmd_param params[] = {
    { .name = "addr", .type = CMD_TEXT, .arg = "IP", .def = "127.0.0.1",
      .help = "IPv4 address to bind (127.0.0.1: this machine only)", .accepts = "an IPv4 address",
      .max = 15, .surface = CMD_CLI },
    { .name = "port", .type = CMD_INTEGER, .arg = "N", .def = "8080", .min = 0, .max = 65535,
      .help = "TCP port (0 picks a free one)", .surface = CMD_CLI },
    { .name = "threads", .type = CMD_INTEGER, .arg = "N", .def = "2", .min = 1, .max = 64,
      .help = "connection threads: files, /healthz, reading and writing", .surface = CMD_CLI },
    { .name = "workers", .type = CMD_INTEGER, .arg = "N", .def = "2", .min = 1, .max = 64,
      .help = "threads that compute API answers; more wait in a queue of 16 each",
      .surface = CMD_CLI },
    { .name = "deadline", .type = CMD_NUMBER, .arg = "S", .def = "2", .min = 0.01, .max = 3600,
      .help = "seconds an API answer may take, queueing included, before it is 503",
      .surface = CMD_CLI },
    { .name = "sim-budget", .type = CMD_NUMBER, .arg = "N", .def = CMD_API_SIM_BUDGET_TEXT,
      .min = 1e3, .max = 1e12,
      .help = "most work of one API simulation, in simulated events (8e6 is about 0.3 s)",
      .surface = CMD_CLI },
    { .name = "cache-mb", .type = CMD_NUMBER, .arg = "MB", .def = "8", .min = 0, .max = 4096,
      .help = "MiB of computed API answers kept to answer again at once (0: none)",
      .surface = CMD_CLI },
    { .name = "allow-host", .type = CMD_TEXT, .arg = "NAME",
      .help = "another Host name to answer; others get 403",
      .accepts = "a host name or address such as scalelab.local or 192.168.1.20", .max = 253,
      .surface = CMD_CLI, .flags = CMD_REPEAT, .max_values = WEB_ALLOW_HOSTS_MAX },
    { .name = NULL }
};

const struct cmd_def cli_def_serve = {
    .name = "serve",
    .summary = "the interactive page and its JSON API on http://127.0.0.1:8080",
    .synopsis = "[--addr IP] [--port N] [--allow-host NAME]...",
    .description = "Serves the interactive page and its JSON API until Ctrl-C or SIGTERM. The "
                   "API's documents are those of --json; /api/openapi.json describes them.",
    .params = params,
};

/* Letters, digits and ".-[]:": a name or an address, never a pattern or a path. */
static int host_name_ok(const char *s)
{
    size_t i, n = strlen(s);

    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || strchr(".-[]:", s[i])))
            return 0;
    return n > 0;
}

int cli_serve(struct cmd_input *in)
{
    struct web_opts o = { 0 };
    char err[SL_ERR_LEN] = "";
    size_t i;

    o.addr = cmd_get(in, "addr")->text;
    o.port = (int)cmd_get(in, "port")->integer;
    o.threads = (unsigned)cmd_get(in, "threads")->integer;
    o.workers = (unsigned)cmd_get(in, "workers")->integer;
    o.deadline_s = cmd_get(in, "deadline")->number;
    o.sim_budget = cmd_get(in, "sim-budget")->number;
    o.cache_bytes = (size_t)(cmd_get(in, "cache-mb")->number * 1024 * 1024);
    for (i = 0; i < cmd_count(in, "allow-host"); i++) {
        const char *h = cmd_repeated(in, "allow-host", i);

        if (!host_name_ok(h))
            return cli_usage_error("invalid --allow-host '%s' (expected a host name or address "
                                   "such as scalelab.local or 192.168.1.20)", h);
        o.allow_hosts[o.n_allow_hosts++] = h;
    }
    return cli_report(web_serve(&o, err, sizeof(err)), err);
}
