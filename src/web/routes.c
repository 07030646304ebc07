/* The route table of `scalelab serve`: static assets and the JSON API, and their checks. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "commands/commands.h"
#include "web.h"
#include "web_assets.h"
#include "banned.h"

#define MAX_ARGS 64       /* query parameters one API call may carry */
#define MAX_LOADS 32      /* loads one /api/compare may ask for */
#define ARG_MAX_LEN WEB_ARG_MAX_LEN /* longest parameter name or value */
#define ARGV_CAP (MAX_ARGS + MAX_LOADS + 3) /* with the command's name, "--" and a NULL */

struct api_route {
    int (*cmd)(int argc, char **argv);
    const char *name;       /* argv[0] */
    const char *positional; /* a parameter passed as positional arguments (compare's loads) */
    const char *repeatable; /* an option that may be given more than once (queue's station) */
};

struct route {
    const char *path;
    void (*handler)(const struct route *r, const struct web_request *req,
                    struct web_reply *out);
    enum web_route_kind kind;
    int takes_body;                /* POST with a CSV catalog as the body (for a declared
                                    * command, its table decides: cmd_api_takes_body) */
    const struct api_route *api;   /* for API routes */
    const struct web_asset *asset; /* for static routes */
    const struct cmd_def *def;     /* for API routes of declared commands */
};

/* Parameters that make sense on the command line only. */
static const char *const cli_only[] = {
    "json", "csv", "ascii", "svg", "help", "progress", "no-progress", "calibration", NULL
};

static void set_body(struct web_reply *out, int status, const char *type, char *body)
{
    out->status = status;
    out->content_type = type;
    out->body = body;
    out->fixed = NULL;
    out->len = body ? strlen(body) : 0;
}

/* The length of the valid UTF-8 character at p (1 to 4), or 0 if none starts there. */
static size_t utf8_len(const unsigned char *p)
{
    unsigned c = *p, n, i, cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 1, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        n = 2, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 3, cp = c & 0x07;
    else
        return 0;
    for (i = 1; i <= n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    /* overlong forms, UTF-16 surrogates and code points past U+10FFFF */
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n + 1;
}

/* Valid UTF-8 without control characters (C0, DEL, C1): what a parameter or a path may hold. */
static int clean_text(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        size_t n = utf8_len(p);

        if (!n || *p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] < 0xa0))
            return 0;
        p += n;
    }
    return 1;
}

/*
 * msg as valid UTF-8 for JSON: a byte that starts no valid character (a value echoed raw, a
 * character cut by a width limit) becomes '?'.
 */
static void valid_utf8(const char *msg, char *out, size_t len)
{
    const unsigned char *p = (const unsigned char *)msg;
    size_t o = 0;

    while (*p && o + 5 < len) {
        size_t n = utf8_len(p);

        if (!n) {
            out[o++] = '?';
            p++;
            continue;
        }
        memcpy(out + o, p, n);
        o += n;
        p += n;
    }
    out[o] = '\0';
}

void web_reply_error(struct web_reply *out, int status, const char *msg)
{
    json_t *doc = json_object();
    char *text = NULL, *compact = NULL, clean[4 * SL_ERR_LEN];

    valid_utf8(msg, clean, sizeof(clean));
    if (doc && json_object_set_new(doc, "error", json_string(clean)) == 0)
        compact = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (compact) {
        /* copied so that the reply is freed with sl_free like every other body */
        json_malloc_t jm;
        json_free_t jf;

        text = sl_strdup(compact);
        json_get_alloc_funcs(&jm, &jf);
        jf(compact);
    }
    set_body(out, status, "application/json", text);
    if (!text) {
        out->status = 500;
        out->fixed = "{\"error\":\"out of memory\"}";
        out->len = strlen(out->fixed);
    }
}

/* Appends s to argv, copying it; returns nonzero when argv is full or memory ran out. */
static int push(char **argv, int *argc, int cap, const char *a, const char *b)
{
    size_t la = strlen(a), lb = b ? strlen(b) : 0;
    char *s;

    if (*argc >= cap)
        return -1;
    s = sl_malloc(la + lb + 1);
    if (!s)
        return -1;
    memcpy(s, a, la);
    if (b)
        memcpy(s + la, b, lb);
    s[la + lb] = '\0';
    argv[(*argc)++] = s;
    return 0;
}

/* A parameter name the command line could carry: lowercase letters, digits and dashes. */
static int valid_name(const char *k)
{
    size_t i, n = strlen(k);

    if (n == 0 || n > 64)
        return 0;
    for (i = 0; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '-'))
            return 0;
    return k[0] != '-';
}

/*
 * Turns the query into the command's argv: name=value becomes --name=value (so a value can never
 * become a flag of its own), the positional parameter's comma-separated values come last.
 */
static int build_argv(const struct api_route *api, size_t nargs, const char *const *keys,
                      const char *const *values, char **argv, int *argc, char *err,
                      size_t errlen)
{
    int cap = ARGV_CAP - 1, loads = 0;
    size_t i, k;

    if (nargs > MAX_ARGS) {
        snprintf(err, errlen, "too many parameters (%zu; at most %d)", nargs, MAX_ARGS);
        return -1;
    }
    if (push(argv, argc, cap, api->name, NULL))
        goto nomem;
    for (i = 0; i < nargs; i++) {
        if (!valid_name(keys[i])) {
            snprintf(err, errlen, "invalid parameter name '%.64s' (expected a command-line "
                     "option name such as catalog or target-utilization)", keys[i]);
            return -1;
        }
        for (k = 0; cli_only[k]; k++)
            if (!strcmp(keys[i], cli_only[k])) {
                snprintf(err, errlen, "parameter '%s' is not available in the API", keys[i]);
                return -1;
            }
        if (!values[i]) {
            snprintf(err, errlen, "parameter '%s' needs a value", keys[i]);
            return -1;
        }
        if (strlen(values[i]) > ARG_MAX_LEN) {
            snprintf(err, errlen, "parameter '%s' is longer than %d bytes", keys[i],
                     ARG_MAX_LEN);
            return -1;
        }
        if (api->positional && !strcmp(keys[i], api->positional))
            continue;
        if (push(argv, argc, cap, "--", keys[i]))
            goto nomem;
        {
            /* append "=value" to the flag just pushed */
            char *flag = argv[*argc - 1];
            size_t lf = strlen(flag), lv = strlen(values[i]);
            char *s = sl_realloc(flag, lf + lv + 2);

            if (!s)
                goto nomem;
            s[lf] = '=';
            memcpy(s + lf + 1, values[i], lv + 1);
            argv[*argc - 1] = s;
        }
    }
    /* "--" ends the options: a value such as "-5k" stays a (bad) value, never an option */
    if (api->positional && push(argv, argc, cap, "--", NULL))
        goto nomem;
    for (i = 0; api->positional && i < nargs; i++) {
        const char *v = values[i], *end;

        if (strcmp(keys[i], api->positional))
            continue;
        for (;;) {
            char piece[ARG_MAX_LEN + 1];
            size_t n;

            end = strchr(v, ',');
            n = end ? (size_t)(end - v) : strlen(v);
            if (++loads > MAX_LOADS) {
                snprintf(err, errlen, "too many values of '%s' (at most %d)", api->positional,
                         MAX_LOADS);
                return -1;
            }
            memcpy(piece, v, n);
            piece[n] = '\0';
            if (push(argv, argc, cap, piece, NULL))
                goto nomem;
            if (!end)
                break;
            v = end + 1;
        }
    }
    return 0;
nomem:
    snprintf(err, errlen, "out of memory");
    return -2;
}

/*
 * Checks what every route shares: clean text everywhere, and each parameter given once except
 * the positional one (compare's load), whose repeats add values, and a repeatable option
 * (queue's station). 400 into out when not.
 */
static int check_params(const struct route *r, const struct web_request *req,
                        struct web_reply *out)
{
    char msg[SL_ERR_LEN];
    size_t i, j;

    for (i = 0; i < req->nargs; i++) {
        if (!clean_text(req->keys[i])) {
            web_reply_error(out, 400, "invalid parameter name (expected printable UTF-8 "
                            "without control characters)");
            return -1;
        }
        if (req->values[i] && !clean_text(req->values[i])) {
            snprintf(msg, sizeof(msg), "invalid value of parameter '%.64s' (expected printable "
                     "UTF-8 without control characters)", req->keys[i]);
            web_reply_error(out, 400, msg);
            return -1;
        }
        for (j = 0; !r->def && j < i; j++)
            if (!strcmp(req->keys[i], req->keys[j]) &&
                !(r->api && r->api->positional && !strcmp(req->keys[i], r->api->positional)) &&
                !(r->api && r->api->repeatable && !strcmp(req->keys[i], r->api->repeatable))) {
                snprintf(msg, sizeof(msg), "parameter '%.64s' is given twice (each parameter "
                         "is given once)", req->keys[i]);
                web_reply_error(out, 400, msg);
                return -1;
            }
    }
    return 0;
}

/* Answers 200 with a command's document and the newline the command line prints after it. */
static void reply_doc(struct web_reply *out, char *doc)
{
    size_t n = strlen(doc);
    char *body = sl_realloc(doc, n + 2);

    if (!body) {
        sl_free(doc);
        web_reply_error(out, 500, "out of memory");
        return;
    }
    body[n] = '\n';
    body[n + 1] = '\0';
    set_body(out, 200, "application/json", body);
}

static void api_handler(const struct route *r, const struct web_request *req,
                        struct web_reply *out)
{
    char *argv[ARGV_CAP];
    char err[SL_ERR_LEN] = "";
    char *doc = NULL;
    int argc = 0, i, st;

    st = build_argv(r->api, req->nargs, req->keys, req->values, argv, &argc, err,
                    sizeof(err));
    argv[argc] = NULL;
    if (st == 0) {
        struct cli_api_input in = { req->body, req->body_len, req->cancel, req->sim_budget };

        st = cli_run_for_api(r->api->cmd, argc, argv, &in, &doc, err, sizeof(err));
    } else {
        st = st == -2 ? SL_EXIT_FAILURE : SL_EXIT_USAGE;
    }
    for (i = 0; i < argc; i++)
        sl_free(argv[i]);
    if (req->cancel && atomic_load(req->cancel)) {
        sl_free(doc);
        web_reply_error(out, 503, "the answer was cancelled");
        return;
    }
    if (st != SL_EXIT_OK) {
        sl_free(doc);
        web_reply_error(out, st == SL_EXIT_USAGE ? 400 : 500, err[0] ? err : "failed");
        return;
    }
    reply_doc(out, doc);
}

/*
 * A declared command: the query parsed by the command's own table (the command line's parser,
 * without argv) and its JSON function called directly.
 */
static void command_handler(const struct route *r, const struct web_request *req,
                            struct web_reply *out)
{
    struct cmd_input *in = sl_malloc(sizeof(*in));
    char err[SL_ERR_LEN] = "";
    char *doc = NULL;
    size_t i;
    int st;

    if (!in) {
        web_reply_error(out, 500, "out of memory");
        return;
    }
    st = cmd_input_init(in, r->def, CMD_API, err, sizeof(err));
    if (!st && req->nargs > MAX_ARGS)
        st = cmd_usage(err, sizeof(err), "too many parameters (%zu; at most %d)", req->nargs,
                       MAX_ARGS);
    for (i = 0; !st && i < req->nargs; i++) {
        if (req->values[i] && strlen(req->values[i]) > ARG_MAX_LEN)
            st = cmd_usage(err, sizeof(err), "parameter '%.64s' is longer than %d bytes",
                           req->keys[i], ARG_MAX_LEN);
        else
            st = cmd_set(in, req->keys[i], req->values[i], err, sizeof(err));
    }
    if (!st)
        st = cmd_finish(in, err, sizeof(err));
    if (!st) {
        in->catalog_text = req->body;
        in->catalog_len = req->body_len;
        in->catalog_label = "request body";
        in->cancel = req->cancel;
        in->sim_budget = req->sim_budget;
        st = r->def->json(in, &doc, err, sizeof(err));
    }
    sl_free(in);
    if (req->cancel && atomic_load(req->cancel)) {
        sl_free(doc);
        web_reply_error(out, 503, "the answer was cancelled");
        return;
    }
    if (st) {
        sl_free(doc);
        web_reply_error(out, st == CMD_USAGE ? 400 : 500, err[0] ? err : "failed");
        return;
    }
    reply_doc(out, doc);
}

static void no_args_handler(const struct route *r, const struct web_request *req,
                            struct web_reply *out, char *(*make)(char *err, size_t errlen))
{
    char err[SL_ERR_LEN] = "";
    char *doc;

    if (req->nargs) {
        char msg[SL_ERR_LEN];

        snprintf(msg, sizeof(msg), "unknown parameter '%.64s' (%s takes none)", req->keys[0],
                 r->path);
        web_reply_error(out, 400, msg);
        return;
    }
    doc = make(err, sizeof(err));
    if (!doc) {
        web_reply_error(out, 500, err[0] ? err : "out of memory");
        return;
    }
    set_body(out, 200, "application/json", doc);
}

static char *catalogs_doc(char *err, size_t errlen)
{
    return sl_report_catalogs_json(err, errlen);
}

static void catalogs_handler(const struct route *r, const struct web_request *req,
                             struct web_reply *out)
{
    no_args_handler(r, req, out, catalogs_doc);
}

static char *health_doc(char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return sl_strdup("{\"status\": \"ok\"}\n");
}

static void health_handler(const struct route *r, const struct web_request *req,
                           struct web_reply *out)
{
    no_args_handler(r, req, out, health_doc);
}

static char *openapi_doc(char *err, size_t errlen)
{
    return web_openapi_json(sl_cli_version, err, errlen);
}

static void openapi_handler(const struct route *r, const struct web_request *req,
                            struct web_reply *out)
{
    no_args_handler(r, req, out, openapi_doc);
}

static void asset_handler(const struct route *r, const struct web_request *req,
                          struct web_reply *out)
{
    (void)req; /* the page keeps its view in the query (/?load=1m): it reads it itself */
    out->status = 200;
    out->content_type = r->asset->content_type;
    out->body = NULL;
    out->fixed = r->asset->data;
    out->len = (size_t)(r->asset->end - r->asset->data);
}

static const struct api_route api_compare = { cmd_compare, "compare", "load", NULL };
static const struct api_route api_curve = { cmd_curve, "curve", NULL, NULL };
static const struct api_route api_plan = { cmd_plan, "plan", NULL, NULL };
static const struct api_route api_simulate = { cmd_simulate, "simulate", NULL, NULL };
static const struct api_route api_quiz = { cmd_quiz, "quiz", NULL, NULL };
static const struct api_route api_fit = { cmd_fit, "fit", NULL, NULL };

#define LIGHT WEB_ROUTE_LIGHT
#define HEAVY WEB_ROUTE_HEAVY

/* The one route table: every path the server answers. */
static const struct route routes[] = {
    { "/", asset_handler, LIGHT, 0, NULL, &web_asset_index, NULL },
    { "/index.html", asset_handler, LIGHT, 0, NULL, &web_asset_index, NULL },
    { "/app.js", asset_handler, LIGHT, 0, NULL, &web_asset_app, NULL },
    { "/style.css", asset_handler, LIGHT, 0, NULL, &web_asset_style, NULL },
    { "/api/compare", api_handler, HEAVY, 1, &api_compare, NULL, NULL },
    { "/api/curve", api_handler, HEAVY, 1, &api_curve, NULL, NULL },
    { "/api/plan", api_handler, HEAVY, 1, &api_plan, NULL, NULL },
    { "/api/queue", command_handler, HEAVY, 0, NULL, NULL, &cmd_def_queue },
    { "/api/simulate", api_handler, HEAVY, 0, &api_simulate, NULL, NULL },
    { "/api/quiz", api_handler, HEAVY, 0, &api_quiz, NULL, NULL },
    { "/api/fit", api_handler, HEAVY, 0, &api_fit, NULL, NULL },
    { "/api/catalogs", catalogs_handler, LIGHT, 0, NULL, NULL, NULL },
    { "/api/openapi.json", openapi_handler, LIGHT, 0, NULL, NULL, NULL },
    { "/healthz", health_handler, LIGHT, 0, NULL, NULL, NULL },
};

static const struct route *find_route(const char *path)
{
    size_t i;

    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        if (!strcmp(path, routes[i].path))
            return &routes[i];
    return NULL;
}

/* Whether r takes a POSTed catalog: a declared command's table says, other rows their flag. */
static int route_takes_body(const struct route *r)
{
    return r->def ? cmd_api_takes_body(r->def) : r->takes_body;
}

enum web_route_kind web_route_kind(const char *path, int *takes_body)
{
    const struct route *r = find_route(path);

    *takes_body = r ? route_takes_body(r) : 0;
    return r ? r->kind : WEB_ROUTE_NONE;
}

const char *web_route_allow(const char *path)
{
    const struct route *r = find_route(path);

    return r && route_takes_body(r) ? "GET, HEAD, POST" : "GET, HEAD";
}

void web_route(const struct web_request *req, struct web_reply *out)
{
    const struct route *r;
    char msg[SL_ERR_LEN];

    memset(out, 0, sizeof(*out));
    if (!clean_text(req->path)) {
        web_reply_error(out, 400, "invalid path (expected printable UTF-8 without control "
                        "characters)");
        return;
    }
    r = find_route(req->path);
    if (!r) {
        snprintf(msg, sizeof(msg), "no such path '%.128s'", req->path);
        web_reply_error(out, 404, msg);
        return;
    }
    if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD") &&
        !(route_takes_body(r) && !strcmp(req->method, "POST"))) {
        snprintf(msg, sizeof(msg), "method '%.16s' is not allowed on %s (expected %s)",
                 req->method, req->path, web_route_allow(req->path));
        web_reply_error(out, 405, msg);
        out->allow = web_route_allow(req->path);
        return;
    }
    if (req->body && !route_takes_body(r)) {
        web_reply_error(out, 413, "request bodies are not accepted here");
        return;
    }
    if (check_params(r, req, out))
        return;
    r->handler(r, req, out);
}

void web_reply_release(struct web_reply *r)
{
    sl_free(r->body);
    r->body = NULL;
}

int web_host_allowed(const struct web_opts *opts, const char *host)
{
    static const char *const local[] = { "127.0.0.1", "localhost", "[::1]", NULL };
    size_t n, i;
    const char *colon;

    if (!host || !*host)
        return 0;
    /* the name is what precedes ":port" (an IPv6 literal keeps its brackets) */
    colon = host[0] == '[' ? strchr(host, ']') : host;
    colon = colon ? strchr(colon, ':') : NULL;
    n = colon ? (size_t)(colon - host) : strlen(host);
    if (colon) {
        const char *d = colon + 1;

        if (!*d || strlen(d) > 5)
            return 0;
        for (; *d; d++)
            if (*d < '0' || *d > '9')
                return 0;
    }
    for (i = 0; local[i]; i++)
        if (strlen(local[i]) == n && !strncasecmp(host, local[i], n))
            return 1;
    if (strcmp(opts->addr, "0.0.0.0") && strlen(opts->addr) == n &&
        !strncmp(host, opts->addr, n))
        return 1;
    for (i = 0; i < opts->n_allow_hosts; i++)
        if (strlen(opts->allow_hosts[i]) == n && !strncasecmp(host, opts->allow_hosts[i], n))
            return 1;
    return 0;
}
