/* Option parsing, catalog loading, number formatting and file writing shared by all commands. */
/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "banned.h"

static void *json_alloc(size_t n)
{
    return sl_malloc(n);
}

void cli_init(void)
{
    json_set_alloc_funcs(json_alloc, sl_free);
    json_object_seed(1);
}

/*
 * API mode, per thread: set by cli_run_for_api while a command runs for the web server. The
 * command's --json document goes to api_doc and its first error message to api_err.
 */
static _Thread_local int api_mode;
static _Thread_local char **api_doc;
static _Thread_local char *api_err;
static _Thread_local size_t api_err_len;
static _Thread_local const char *api_body; /* a catalog the request carried, or NULL */
static _Thread_local size_t api_body_len;
static _Thread_local const atomic_int *api_cancel;
static _Thread_local double api_sim_budget;

/* getopt keeps its state in globals, so commands parse one at a time across threads. */
static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;

int cli_api_mode(void)
{
    return api_mode;
}

const atomic_int *cli_api_cancel(void)
{
    return api_mode ? api_cancel : NULL;
}

double cli_api_sim_budget(void)
{
    return api_sim_budget;
}

int cli_run_for_api(int (*fn)(int argc, char **argv), int argc, char **argv,
                    const struct cli_api_input *in, char **doc, char *err, size_t errlen)
{
    int st;

    *doc = NULL;
    err[0] = '\0';
    api_mode = 1;
    api_body = in->body;
    api_body_len = in->body_len;
    api_cancel = in->cancel;
    api_sim_budget = in->sim_budget > 0 ? in->sim_budget : CLI_API_SIM_BUDGET;
    api_doc = doc;
    api_err = err;
    api_err_len = errlen;
    st = fn(argc, argv);
    api_mode = 0;
    api_doc = NULL;
    api_err = NULL;
    api_body = NULL;
    api_cancel = NULL;
    if (st == SL_EXIT_OK && !*doc) {
        snprintf(err, errlen, "no document");
        st = SL_EXIT_FAILURE;
    }
    return st;
}

static int vreport(int status, const char *fmt, va_list ap)
{
    if (api_mode) {
        if (!api_err[0])
            vsnprintf(api_err, api_err_len, fmt, ap);
        return status;
    }
    fputs("scalelab: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    return status;
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    int st;

    va_start(ap, fmt);
    st = vreport(SL_EXIT_USAGE, fmt, ap);
    va_end(ap);
    return st;
}

int cli_runtime_error(const char *fmt, ...)
{
    va_list ap;
    int st;

    va_start(ap, fmt);
    st = vreport(SL_EXIT_FAILURE, fmt, ap);
    va_end(ap);
    return st;
}

static const struct cli_flag common_flags[] = {
    { "catalog", required_argument, CLI_CATALOG, "NAME|PATH",
      "machine catalog: teaching (default), cloud (AWS), gcp, azure, or a CSV file",
      CLI_WITH_PLANNING },
    { "instance", required_argument, CLI_INSTANCE, "NAME",
      "instance type of horizontal tiers (default: cheapest for the load)", CLI_WITH_PLANNING },
    { "cpu-ms", required_argument, CLI_CPU_MS, "MS", "CPU ms per request on a reference core (1)",
      CLI_WITH_CPU },
    { "mem-per-request", required_argument, CLI_MEM_PER_REQ, "MIB",
      "memory held by one in-flight request, MiB (1)", CLI_WITH_PLANNING },
    { "base-mem", required_argument, CLI_BASE_MEM, "GIB",
      "memory of OS and runtime per box (0.5)", CLI_WITH_PLANNING },
    { "response-bytes", required_argument, CLI_RESPONSE_BYTES, "BYTES",
      "bytes per response (2048)", CLI_WITH_PLANNING },
    { "sessions", required_argument, CLI_SESSIONS, "N",
      "live sessions (default: load x session interval)", CLI_WITH_PLANNING },
    { "session-interval", required_argument, CLI_SESSION_INTERVAL, "S",
      "seconds between two requests of one session (30)", CLI_WITH_PLANNING },
    { "session-bytes", required_argument, CLI_SESSION_BYTES, "BYTES",
      "state kept per session (4096)", CLI_WITH_PLANNING },
    { "state", required_argument, CLI_STATE, "WHERE",
      "where sessions live: memory, sticky, store or token (token)", CLI_WITH_STATE },
    { "target-utilization", required_argument, CLI_TARGET_UTIL, "U",
      "planned busy fraction of CPU and network, 0-1 (0.7)", CLI_WITH_PLANNING },
    { "spares", required_argument, CLI_SPARES, "POLICY",
      "auto (default: the fewest that reach the availability target), n+1, n+2, 2n or n+K",
      CLI_WITH_PLANNING },
    { "availability-target", required_argument, CLI_AVAIL_TARGET, "A",
      "availability the spares are sized to reach, between 0 and 1 (0.9995)", CLI_WITH_PLANNING },
    { "vertical-standby", no_argument, CLI_VERTICAL_STANDBY, NULL,
      "give the vertical plan a second box of the same size, active/passive", CLI_WITH_PLANNING },
    { "zones", required_argument, CLI_ZONES, "Z", "zones the boxes spread over, 1 to 16 (1)",
      CLI_WITH_PLANNING },
    { "survive", required_argument, CLI_SURVIVE, "zone",
      "size the fleet to carry the load after losing any one zone", CLI_WITH_PLANNING },
    { "slo", required_argument, CLI_SLO, "GOAL",
      "latency goal of every box: p50, p90, p99, p99.9 or mean, e.g. p99=50ms", CLI_WITH_PLANNING },
    { "db-replicas-min", required_argument, CLI_DB_REPLICAS_MIN, "N",
      "replicas every database shard keeps at least (1)", CLI_WITH_PLANNING },
    { "usl-sigma", required_argument, CLI_USL_SIGMA, "S", "USL contention (0.0002)",
      CLI_WITH_PLANNING },
    { "usl-kappa", required_argument, CLI_USL_KAPPA, "K", "USL coherency (0.00000005)",
      CLI_WITH_PLANNING },
    { "box-availability", required_argument, CLI_BOX_AVAIL, "A",
      "fraction of a month one box is up (0.995)", CLI_WITH_PLANNING },
    { "lb-cost", required_argument, CLI_LB_COST, "USD", "load balancer per month (25)",
      CLI_WITH_PLANNING },
    { "db-queries", required_argument, CLI_DB_QUERIES, "Q", "database queries per request (2)",
      CLI_WITH_PLANNING },
    { "read-fraction", required_argument, CLI_READ_FRACTION, "F",
      "share of queries that are reads (0.9)", CLI_WITH_PLANNING },
    { "db-query-ms", required_argument, CLI_DB_QUERY_MS, "MS",
      "database CPU ms per query (0.5)", CLI_WITH_PLANNING },
    { "store-ops", required_argument, CLI_STORE_OPS, "N",
      "store operations per request when state is store (2)", CLI_WITH_PLANNING },
    { "usl", required_argument, CLI_USL, "SIGMA,KAPPA",
      "USL coefficients for every box, replacing the catalog's (from your own fit)",
      CLI_WITH_PLANNING },
    { "calibration", required_argument, CLI_CALIBRATION, "FILE.json",
      "what `scalelab fit --json` wrote: its sigma, kappa and lambda (as cpu-ms)",
      CLI_WITH_PLANNING },
    { "json", no_argument, CLI_JSON, NULL, "print JSON", CLI_WITH_JSON },
    { "csv", no_argument, CLI_CSV, NULL, "print CSV", CLI_WITH_CSV },
    { NULL, 0, 0, NULL, NULL, 0 }
};

/* Where each numeric shared flag writes, or NULL. */
static double *number_target(int id, struct sl_workload *w)
{
    switch (id) {
    case CLI_CPU_MS: return &w->cpu_ms;
    case CLI_MEM_PER_REQ: return &w->mem_per_request_mib;
    case CLI_BASE_MEM: return &w->base_mem_gib;
    case CLI_RESPONSE_BYTES: return &w->response_bytes;
    case CLI_SESSIONS: return &w->sessions;
    case CLI_SESSION_INTERVAL: return &w->session_interval_s;
    case CLI_SESSION_BYTES: return &w->session_bytes;
    case CLI_TARGET_UTIL: return &w->target_utilization;
    case CLI_AVAIL_TARGET: return &w->availability_target;
    case CLI_USL_SIGMA: return &w->usl_sigma;
    case CLI_USL_KAPPA: return &w->usl_kappa;
    case CLI_BOX_AVAIL: return &w->box_availability;
    case CLI_LB_COST: return &w->lb_usd_per_month;
    case CLI_DB_QUERIES: return &w->db_queries_per_request;
    case CLI_READ_FRACTION: return &w->db_read_fraction;
    case CLI_DB_QUERY_MS: return &w->db_query_ms;
    case CLI_STORE_OPS: return &w->store_ops_per_request;
    default: return NULL;
    }
}

static const char *flag_name(const struct cli_flag *own, int id)
{
    const struct cli_flag *f;

    for (f = own; f && f->name; f++)
        if (f->id == id)
            return f->name;
    for (f = common_flags; f->name; f++)
        if (f->id == id)
            return f->name;
    return "?";
}

/* --usl SIGMA,KAPPA: a calibration given by hand. */
static int usl_option(const char *arg, struct sl_workload *w)
{
    const char *comma = strchr(arg, ',');
    char sigma[64];
    size_t n = comma ? (size_t)(comma - arg) : 0;

    if (!comma || n >= sizeof(sigma))
        return cli_usage_error("invalid --usl '%s' (expected SIGMA,KAPPA such as 0.02,0.0001)",
                               arg);
    memcpy(sigma, arg, n);
    sigma[n] = '\0';
    if (sl_parse_number(sigma, &w->usl_sigma) != SL_OK ||
        sl_parse_number(comma + 1, &w->usl_kappa) != SL_OK || w->usl_sigma < 0 ||
        w->usl_sigma >= 1 || w->usl_kappa < 0 || w->usl_kappa >= 1)
        return cli_usage_error("invalid --usl '%s' (expected SIGMA,KAPPA, each from 0 to below "
                               "1, such as 0.02,0.0001)", arg);
    w->usl_override = 1;
    snprintf(w->usl_source, sizeof(w->usl_source), "--usl");
    return SL_EXIT_OK;
}

/* --calibration FILE.json: sigma and kappa for every box, lambda as the CPU cost per request. */
static int calibration_option(const char *path, struct sl_workload *w)
{
    char err[SL_ERR_LEN], *text;
    double lambda;
    size_t len;
    int st;

    if (cli_api_mode())
        return cli_usage_error("--calibration reads a file, which the API does not; use usl");
    st = cli_read_file(path, "calibration", "the JSON of scalelab fit --json", 64 * 1024, &text,
                       &len);
    if (st)
        return st;
    if (sl_usl_calibration_parse(text, len, path, &w->usl_sigma, &w->usl_kappa, &lambda, err,
                                 sizeof(err)) != SL_OK) {
        sl_free(text);
        return cli_usage_error("%s", err);
    }
    sl_free(text);
    if (sl_workload_field_ok("cpu-ms", 1000.0 / lambda, NULL, 0) == 0)
        return cli_usage_error("calibration '%s': lambda %g per second is too small to plan with "
                               "(expected at least 0.001, the throughput of one unit)", path,
                               lambda);
    w->cpu_ms = 1000.0 / lambda;
    w->usl_override = 1;
    snprintf(w->usl_source, sizeof(w->usl_source), "calibration %.200s", path);
    return SL_EXIT_OK;
}

static int common_option(int id, const char *arg, struct cli_common *c)
{
    double *target = number_target(id, &c->w);

    if (target) {
        char expected[96];

        if (sl_parse_number(arg, target) != SL_OK)
            return cli_usage_error("invalid --%s '%s' (expected a number such as 0.5 or 2e3)",
                                   flag_name(NULL, id), arg);
        /* the range is the library's; the value in the message is the one typed */
        if (sl_workload_field_ok(flag_name(NULL, id), *target, expected, sizeof(expected)) == 0)
            return cli_usage_error("invalid --%s '%s' (expected %s)", flag_name(NULL, id), arg,
                                   expected);
        return SL_EXIT_OK;
    }
    switch (id) {
    case CLI_CATALOG:
        c->catalog = arg;
        c->catalog_given = 1;
        return SL_EXIT_OK;
    case CLI_INSTANCE:
        if (strlen(arg) >= sizeof(c->w.instance) || !*arg)
            return cli_usage_error("invalid --instance '%s' (expected a name from the catalog)",
                                   arg);
        memcpy(c->w.instance, arg, strlen(arg) + 1);
        return SL_EXIT_OK;
    case CLI_STATE:
        if (sl_state_parse(arg, &c->w.state) != SL_OK)
            return cli_usage_error("invalid --state '%s' (expected memory, sticky, store or token)",
                                   arg);
        return SL_EXIT_OK;
    case CLI_SPARES:
        if (sl_spares_parse(arg, &c->w) != SL_OK)
            return cli_usage_error("invalid --spares '%s' (expected auto, n+1, n+2, 2n or n+K "
                                   "with K from 0 to %ld)", arg, SL_SPARES_K_MAX);
        return SL_EXIT_OK;
    case CLI_VERTICAL_STANDBY:
        c->w.vertical_standby = 1;
        return SL_EXIT_OK;
    case CLI_ZONES: {
        long z;

        if (sl_parse_count(arg, SL_ZONES_MAX, &z) != SL_OK)
            return cli_usage_error("invalid --zones '%s' (expected a whole number from 1 to %d)",
                                   arg, SL_ZONES_MAX);
        c->w.zones = z;
        return SL_EXIT_OK;
    }
    case CLI_SURVIVE:
        if (strcmp(arg, "zone"))
            return cli_usage_error("invalid --survive '%s' (expected zone)", arg);
        c->w.survive_zone = 1;
        return SL_EXIT_OK;
    case CLI_SLO:
        if (sl_slo_parse(arg, &c->w.slo) != SL_OK)
            return cli_usage_error("invalid --slo '%s' (expected p50, p90, p99, p99.9 or mean, "
                                   "'=', and a positive time in us, ms or s, such as p99=50ms)",
                                   arg);
        return SL_EXIT_OK;
    case CLI_DB_REPLICAS_MIN: {
        long r;

        if (!strcmp(arg, "0")) {
            c->w.db_replicas_min = 0;
            return SL_EXIT_OK;
        }
        if (sl_parse_count(arg, 100, &r) != SL_OK)
            return cli_usage_error("invalid --db-replicas-min '%s' (expected a whole number from "
                                   "0 to 100)", arg);
        c->w.db_replicas_min = r;
        return SL_EXIT_OK;
    }
    case CLI_USL:
        return usl_option(arg, &c->w);
    case CLI_CALIBRATION:
        return calibration_option(arg, &c->w);
    case CLI_JSON:
        c->json = 1;
        return SL_EXIT_OK;
    case CLI_CSV:
        c->csv = 1;
        return SL_EXIT_OK;
    default:
        return SL_EXIT_USAGE;
    }
}

/* Own flags (group 0) always apply; shared ones when their group is in `with`. */
static int applies(const struct cli_flag *f, unsigned with)
{
    return !f->group || (f->group & with);
}

static void print_flags(FILE *to, const struct cli_flag *flags, unsigned with)
{
    const struct cli_flag *f;

    for (f = flags; f && f->name; f++) {
        if (!applies(f, with))
            continue;
        char left[64];

        snprintf(left, sizeof(left), "--%s%s%s", f->name, f->arg_name ? " " : "",
                 f->arg_name ? f->arg_name : "");
        fprintf(to, "  %-28s %s\n", left, f->help);
    }
}

static size_t add_flags(struct option *opts, size_t n, const struct cli_flag *flags,
                        unsigned with)
{
    const struct cli_flag *f;

    for (f = flags; f && f->name && n < CLI_MAX_FLAGS; f++) {
        if (!applies(f, with))
            continue;
        opts[n].name = f->name;
        opts[n].has_arg = f->has_arg;
        opts[n].flag = NULL;
        opts[n].val = f->id;
        n++;
    }
    return n;
}

/* Explains why getopt refused `bad`: a negative number, a missing value or an unknown flag. */
static int bad_option(const char *cmd, const char *bad)
{
    /* "-5", "-5k", "-.5", "-inf": a negative value, not an option */
    const unsigned char *u = (const unsigned char *)bad;
    int numeric = u[0] == '-' && (isdigit(u[1]) || (u[1] == '.' && isdigit(u[2])) ||
                                  !strcasecmp(bad, "-inf") || !strcasecmp(bad, "-nan") ||
                                  !strcasecmp(bad, "-infinity"));

    if (numeric)
        return cli_usage_error("invalid load '%s' (expected a positive number such as 1000, 1k, "
                               "2.5M or 1e6)", bad);
    if (bad[0] == '-' && bad[1] == '-' && optopt && strchr(bad, '='))
        return cli_usage_error("option '%s' takes no value (see 'scalelab %s --help')", bad, cmd);
    if (bad[0] == '-' && bad[1] == '-' && optopt)
        return cli_usage_error("option '%s' needs a value (see 'scalelab %s --help')", bad, cmd);
    if (bad[0] == '-' && bad[1] != '-' && optopt)
        return cli_usage_error("unknown option '-%c' (see 'scalelab %s --help')", optopt, cmd);
    return cli_usage_error("unknown option '%s' (see 'scalelab %s --help')", bad, cmd);
}

/*
 * The argument getopt just refused. A long option has been stepped over (optopt is 0); a short
 * one is the first "-x" word, since -h is the only short option. getopt permutes argv, so the
 * index it was at before the call says nothing.
 */
static const char *offending_arg(int argc, char **argv)
{
    int i;

    if (!optopt && optind > 1 && optind <= argc)
        return argv[optind - 1];
    for (i = 1; i < argc && i < optind + 1; i++)
        if (argv[i][0] == '-' && argv[i][1] != '-' && argv[i][1] && strcmp(argv[i], "-h"))
            return argv[i];
    return optind - 1 < argc && optind > 1 ? argv[optind - 1] : "";
}

/* Whether "--name" or "--name=value" spells the option's name out in full (no abbreviation). */
static int exact_name(const char *arg, const char *name)
{
    size_t n = strlen(name);

    return arg[0] == '-' && arg[1] == '-' && !strncmp(arg + 2, name, n) &&
           (arg[2 + n] == '\0' || arg[2 + n] == '=');
}

static int parse_locked(int argc, char **argv, const char *usage_line, unsigned with,
                        const struct cli_flag *own,
                        int (*own_fn)(int id, const char *arg, void *ctx), void *ctx,
                        struct cli_common *common, int *first_positional)
{
    static const struct cli_flag help_flag[] = {
        { "help", no_argument, CLI_HELP, NULL, "show this help", 0 },
        { NULL, 0, 0, NULL, NULL, 0 }
    };
    struct option opts[CLI_MAX_FLAGS + 1];
    size_t n = 0;
    int id;

    sl_workload_init(&common->w);
    common->catalog = "teaching";
    common->catalog_given = 0;
    common->json = common->csv = 0;
    n = add_flags(opts, n, own, with);
    n = add_flags(opts, n, common_flags, with);
    n = add_flags(opts, n, help_flag, with);
    memset(&opts[n], 0, sizeof(opts[n]));

    /*
     * optind = 0 makes glibc's getopt forget everything of the previous parse, including its
     * pointer into the previous argv (with 1 it would resume inside a freed argument).
     */
    opterr = 0;
    optind = 0;
    for (;;) {
        int st;

        int index = -1;

        id = getopt_long(argc, argv, "h", opts, &index);
        if (id == -1)
            break;
        if (api_mode && index >= 0 && !exact_name(argv[optind - 1], opts[index].name))
            return cli_usage_error("unknown parameter '%.*s' (parameters are spelled out in "
                                   "full: did you mean '%s'?)",
                                   (int)strcspn(argv[optind - 1] + 2, "="),
                                   argv[optind - 1] + 2, opts[index].name);
        if (id == CLI_HELP) {
            printf("usage: %s\n\noptions:\n", usage_line);
            print_flags(stdout, own, with);
            print_flags(stdout, common_flags, with);
            print_flags(stdout, help_flag, with);
            return -1;
        }
        if (id == '?' || id == ':')
            return bad_option(argv[0], offending_arg(argc, argv));
        if (id >= CLI_OWN)
            st = own_fn(id, optarg, ctx);
        else
            st = common_option(id, optarg, common);
        if (st != SL_EXIT_OK)
            return st;
    }
    *first_positional = optind;
    if (common->json && common->csv)
        return cli_usage_error("--json and --csv cannot be combined");
    return SL_EXIT_OK;
}

int cli_parse(int argc, char **argv, const char *usage_line, unsigned with,
              const struct cli_flag *own, int (*own_fn)(int id, const char *arg, void *ctx),
              void *ctx, struct cli_common *common, int *first_positional)
{
    int st;

    pthread_mutex_lock(&parse_lock);
    st = parse_locked(argc, argv, usage_line, with, own, own_fn, ctx, common, first_positional);
    pthread_mutex_unlock(&parse_lock);
    if (st == SL_EXIT_OK && api_mode)
        common->json = 1; /* the API always answers with the --json document */
    return st;
}

void cli_catalog_names(char *buf, size_t len)
{
    const char *const *names = sl_catalog_builtin_names();
    size_t o = 0;
    int i;

    buf[0] = '\0';
    for (i = 0; names[i] && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", !i ? "" : names[i + 1] ? ", " : " or ",
                              names[i]);
}

int cli_setup(const struct cli_common *common, struct sl_catalog **out)
{
    const char *const *names = sl_catalog_builtin_names();
    char err[SL_ERR_LEN], list[128];
    const char *label = common->catalog;
    char *text = NULL;
    size_t len = 0;
    enum sl_status st;
    int i, rc;

    if (sl_workload_check(&common->w, err, sizeof(err)) != SL_OK)
        return cli_usage_error("%s", err);
    cli_catalog_names(list, sizeof(list));
    if (api_mode && api_body && common->catalog_given)
        return cli_usage_error("catalog '%s' and a catalog in the request body: give one of "
                               "them", common->catalog);
    for (i = 0; names[i] && !(api_mode && api_body); i++)
        if (!strcmp(common->catalog, names[i])) {
            if (sl_catalog_builtin(names[i], out, err, sizeof(err)) != SL_OK)
                return cli_runtime_error("%s", err);
            return SL_EXIT_OK;
        }
    if (api_mode && !api_body)
        return cli_usage_error("unknown catalog '%s' (expected %s; the API reads no files: POST "
                               "your own catalog as the request body, Content-Type text/csv)",
                               common->catalog, list);
    if (api_mode) {
        label = "request body";
        st = sl_catalog_parse(api_body, api_body_len, label, out, err, sizeof(err));
    } else {
        char expected[192];

        snprintf(expected, sizeof(expected), "%s, or a CSV file path", list);
        rc = cli_read_file(label, "catalog", expected, SL_CATALOG_TEXT_MAX, &text, &len);
        if (rc)
            return rc;
        st = sl_catalog_parse(text, len, label, out, err, sizeof(err));
        sl_free(text);
    }
    if (st == SL_E_NOMEM)
        return cli_runtime_error("%s", err);
    if (st != SL_OK)
        return cli_usage_error("%s", err);
    return SL_EXIT_OK;
}

int cli_parse_load(const char *what, const char *s, double *out)
{
    if (sl_parse_load(s, out) != SL_OK || *out > 1e12)
        return cli_usage_error("invalid %s '%s' (expected a positive number such as 1000, 1k, "
                               "2.5M or 1e6, at most 1e12)", what, s);
    return SL_EXIT_OK;
}

int cli_print_json(char *doc, const char *err)
{
    if (!doc)
        return cli_runtime_error("%s", err && *err ? err : "out of memory");
    if (api_mode) {
        sl_free(*api_doc);
        *api_doc = doc;
        return SL_EXIT_OK;
    }
    fputs(doc, stdout);
    fputc('\n', stdout);
    sl_free(doc);
    return SL_EXIT_OK;
}
