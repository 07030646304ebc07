/* The route table of `scalelab serve`: static assets and the JSON API, and their checks. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "commands/commands.h"
#include "web.h"
#include "web_assets.h"
#include "banned.h"

#define MAX_ARGS 64       /* query parameters one API call may carry */
#define ARG_MAX_LEN WEB_ARG_MAX_LEN /* longest parameter value */

struct route {
    const char *path;
    void (*handler)(const struct route *r, const struct web_request *req,
                    struct web_reply *out);
    enum web_route_kind kind;
    const struct web_asset *asset; /* for static routes */
    const struct cmd_def *def;     /* for the API routes of commands */
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

/*
 * Checks what every route shares: clean text in every parameter (each route's parser checks
 * names, values and repeats). 400 into out when not.
 */
static int check_params(const struct web_request *req, struct web_reply *out)
{
    char msg[SL_ERR_LEN];
    size_t i;

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

/* The query parsed by the command's own table (the command line's parser, without argv). */
static int parse_query(const struct route *r, const struct web_request *req,
                       struct cmd_input *in, char *err, size_t errlen)
{
    size_t i;
    int st = cmd_input_init(in, r->def, CMD_API, err, errlen);

    if (!st && req->nargs > MAX_ARGS)
        st = cmd_usage(err, errlen, "too many parameters (%zu; at most %d)", req->nargs,
                       MAX_ARGS);
    for (i = 0; !st && i < req->nargs; i++) {
        if (req->values[i] && strlen(req->values[i]) > ARG_MAX_LEN)
            st = cmd_usage(err, errlen, "parameter '%.64s' is longer than %d bytes",
                           req->keys[i], ARG_MAX_LEN);
        else
            st = cmd_set(in, req->keys[i], req->values[i], err, errlen);
    }
    return st ? st : cmd_finish(in, err, errlen);
}

/* A declared command: the query parsed, then the command's JSON function called directly. */
static void command_handler(const struct route *r, const struct web_request *req,
                            struct web_reply *out)
{
    struct cmd_input *in = sl_malloc(sizeof(*in));
    char err[SL_ERR_LEN] = "";
    char *doc = NULL;
    int st;

    if (!in) {
        web_reply_error(out, 500, "out of memory");
        return;
    }
    st = parse_query(r, req, in, err, sizeof(err));
    if (!st) {
        in->catalog_text = req->body;
        in->catalog_len = req->body_len;
        in->catalog_label = "request body";
        in->cancel = req->cancel;
        in->sim_budget = req->sim_budget;
        st = r->def->json(in, &doc, err, sizeof(err));
    }
    if (req->cancel && atomic_load(req->cancel)) {
        sl_free(in);
        sl_free(doc);
        web_reply_error(out, 503, "the answer was cancelled");
        return;
    }
    if (st) {
        char words[SL_ERR_LEN];

        cmd_api_words(in, err[0] ? err : "failed", words, sizeof(words));
        sl_free(in);
        sl_free(doc);
        web_reply_error(out, st == CMD_USAGE ? 400 : 500, words);
        return;
    }
    sl_free(in);
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


#define LIGHT WEB_ROUTE_LIGHT
#define HEAVY WEB_ROUTE_HEAVY

/* The one route table: every path the server answers. */
static const struct route routes[] = {
    { "/", asset_handler, LIGHT, &web_asset_index, NULL },
    { "/index.html", asset_handler, LIGHT, &web_asset_index, NULL },
    { "/style.css", asset_handler, LIGHT, &web_asset_style, NULL },
    { "/js/main.js", asset_handler, LIGHT, &web_asset_js_main, NULL },
    { "/js/api.js", asset_handler, LIGHT, &web_asset_js_api, NULL },
    { "/js/view.js", asset_handler, LIGHT, &web_asset_js_view, NULL },
    { "/js/service.js", asset_handler, LIGHT, &web_asset_js_service, NULL },
    { "/js/ceiling.js", asset_handler, LIGHT, &web_asset_js_ceiling, NULL },
    { "/js/futures.js", asset_handler, LIGHT, &web_asset_js_futures, NULL },
    { "/js/machines.js", asset_handler, LIGHT, &web_asset_js_machines, NULL },
    { "/js/picker.js", asset_handler, LIGHT, &web_asset_js_picker, NULL },
    { "/js/curves.js", asset_handler, LIGHT, &web_asset_js_curves, NULL },
    { "/js/marks.js", asset_handler, LIGHT, &web_asset_js_marks, NULL },
    { "/js/stateless.js", asset_handler, LIGHT, &web_asset_js_stateless, NULL },
    { "/js/capacity.js", asset_handler, LIGHT, &web_asset_js_capacity, NULL },
    { "/js/fit.js", asset_handler, LIGHT, &web_asset_js_fit, NULL },
    { "/js/quiz.js", asset_handler, LIGHT, &web_asset_js_quiz, NULL },
    { "/js/classroom.js", asset_handler, LIGHT, &web_asset_js_classroom, NULL },
    { "/api/compare", command_handler, HEAVY, NULL, &cmd_def_compare },
    { "/api/curve", command_handler, HEAVY, NULL, &cmd_def_curve },
    { "/api/plan", command_handler, HEAVY, NULL, &cmd_def_plan },
    { "/api/queue", command_handler, HEAVY, NULL, &cmd_def_queue },
    { "/api/simulate", command_handler, HEAVY, NULL, &cmd_def_simulate },
    { "/api/quiz", command_handler, HEAVY, NULL, &cmd_def_quiz },
    { "/api/fit", command_handler, HEAVY, NULL, &cmd_def_fit },
    { "/api/catalogs", command_handler, LIGHT, NULL, &cmd_def_catalogs },
    { "/api/openapi.json", openapi_handler, LIGHT, NULL, NULL },
    { "/healthz", health_handler, LIGHT, NULL, NULL },
};

/* Whether a route takes a POSTed CSV catalog as its body: the commands that plan on one. */
static int route_takes_body(const struct route *r)
{
    return r->def && cmd_api_takes_body(r->def);
}

static const struct route *find_route(const char *path)
{
    size_t i;

    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        if (!strcmp(path, routes[i].path))
            return &routes[i];
    return NULL;
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
    if (check_params(req, out))
        return;
    r->handler(r, req, out);
}

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20)
            return 1;
    return 0;
}

/* The command route of a request whose answer depends on its query alone, or NULL. */
static const struct route *pure_route(const struct web_request *req)
{
    const struct route *r = find_route(req->path);

    if (!r || !r->def || !r->def->json || req->body ||
        (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")))
        return NULL;
    return r;
}

int web_route_is_pure(const struct web_request *req)
{
    return pure_route(req) != NULL;
}

char *web_route_query_key(const struct web_request *req)
{
    const struct route *r = pure_route(req);
    size_t i, n, o = 0;
    char *key;

    if (!r)
        return NULL;
    n = strlen(r->path) + 3;
    for (i = 0; i < req->nargs; i++) {
        /* the separators are control characters: a query holding one is refused later */
        if (has_control(req->keys[i]) || (req->values[i] && has_control(req->values[i])))
            return NULL;
        n += strlen(req->keys[i]) + (req->values[i] ? strlen(req->values[i]) : 0) + 2;
    }
    key = sl_malloc(n);
    if (!key)
        return NULL;
    /* "?" first: never a canonical key, which starts with the path */
    o += (size_t)snprintf(key, n, "?%s\x1c", r->path);
    for (i = 0; i < req->nargs; i++)
        o += (size_t)snprintf(key + o, n - o, "%s%c%s\x1f", req->keys[i],
                              req->values[i] ? '\x1e' : '\x1d',
                              req->values[i] ? req->values[i] : "");
    return key;
}

int web_route_cache_key(const struct web_request *req, char *key, size_t len)
{
    const struct route *r = pure_route(req);
    struct web_reply refused;
    struct cmd_input *in;
    char err[SL_ERR_LEN];
    size_t n;
    int got;

    if (!r)
        return -1;
    memset(&refused, 0, sizeof(refused));
    if (check_params(req, &refused)) {
        web_reply_release(&refused);
        return -1;
    }
    n = strlen(r->path);
    in = sl_malloc(sizeof(*in));
    if (!in || n + 2 > len || parse_query(r, req, in, err, sizeof(err))) {
        sl_free(in);
        return -1;
    }
    memcpy(key, r->path, n);
    key[n] = '\x1c'; /* between the path and the parameters: no path or value holds it */
    got = cmd_canonical(in, key + n + 1, len - n - 1);
    sl_free(in);
    return got < 0 ? -1 : 0;
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
