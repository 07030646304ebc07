/* The route table of `scalelab serve`: static assets and the JSON API, and their checks. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "web.h"
#include "web_assets.h"
#include "banned.h"

#define MAX_ARGS 64       /* query parameters one API call may carry */
#define MAX_LOADS 32      /* loads one /api/compare may ask for */
#define ARG_MAX_LEN 1024  /* longest parameter name or value */

struct api_route {
    int (*cmd)(int argc, char **argv);
    const char *name;       /* argv[0] */
    const char *positional; /* a parameter passed as positional arguments (compare's loads) */
};

struct route {
    const char *path;
    void (*handler)(const struct route *r, size_t nargs, const char *const *keys,
                    const char *const *values, struct web_reply *out);
    const struct api_route *api;  /* for API routes */
    const struct web_asset *asset; /* for static routes */
};

/* Parameters that make sense on the command line only. */
static const char *const cli_only[] = {
    "json", "csv", "ascii", "svg", "help", "progress", "no-progress", NULL
};

static void set_body(struct web_reply *out, int status, const char *type, char *body)
{
    out->status = status;
    out->content_type = type;
    out->body = body;
    out->fixed = NULL;
    out->len = body ? strlen(body) : 0;
}

/* A JSON error document {"error": msg}. */
static void reply_error(struct web_reply *out, int status, const char *msg)
{
    json_t *doc = json_object();
    char *text;

    if (doc)
        json_object_set_new(doc, "error", json_string(msg));
    text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (text) {
        /* copied so that the reply is freed with sl_free like every other body */
        char *copy = sl_strdup(text);
        json_malloc_t jm;
        json_free_t jf;

        json_get_alloc_funcs(&jm, &jf);
        jf(text);
        text = copy;
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
    int cap = MAX_ARGS + MAX_LOADS + 2, loads = 0;
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

static void api_handler(const struct route *r, size_t nargs, const char *const *keys,
                        const char *const *values, struct web_reply *out)
{
    char *argv[MAX_ARGS + MAX_LOADS + 2];
    char err[SL_ERR_LEN] = "";
    char *doc = NULL;
    int argc = 0, i, st;

    st = build_argv(r->api, nargs, keys, values, argv, &argc, err, sizeof(err));
    if (st == 0)
        st = cli_run_for_api(r->api->cmd, argc, argv, &doc, err, sizeof(err));
    else
        st = st == -2 ? SL_EXIT_FAILURE : SL_EXIT_USAGE;
    for (i = 0; i < argc; i++)
        sl_free(argv[i]);
    if (st != SL_EXIT_OK) {
        sl_free(doc);
        reply_error(out, st == SL_EXIT_USAGE ? 400 : 500, err[0] ? err : "failed");
        return;
    }
    {
        /* the CLI prints the document and a newline; the API sends the same bytes */
        size_t n = strlen(doc);
        char *body = sl_realloc(doc, n + 2);

        if (!body) {
            sl_free(doc);
            reply_error(out, 500, "out of memory");
            return;
        }
        body[n] = '\n';
        body[n + 1] = '\0';
        set_body(out, 200, "application/json", body);
    }
}

static void no_args_handler(const struct route *r, size_t nargs, const char *const *keys,
                            const char *const *values, struct web_reply *out,
                            char *(*make)(char *err, size_t errlen))
{
    char err[SL_ERR_LEN] = "";
    char *doc;

    (void)r;
    (void)values;
    if (nargs) {
        char msg[SL_ERR_LEN];

        snprintf(msg, sizeof(msg), "unknown parameter '%.64s' (%s takes none)", keys[0],
                 r->path);
        reply_error(out, 400, msg);
        return;
    }
    doc = make(err, sizeof(err));
    if (!doc) {
        reply_error(out, 500, err[0] ? err : "out of memory");
        return;
    }
    set_body(out, 200, "application/json", doc);
}

static char *catalogs_doc(char *err, size_t errlen)
{
    return sl_report_catalogs_json(err, errlen);
}

static void catalogs_handler(const struct route *r, size_t nargs, const char *const *keys,
                             const char *const *values, struct web_reply *out)
{
    no_args_handler(r, nargs, keys, values, out, catalogs_doc);
}

static char *health_doc(char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return sl_strdup("{\"status\": \"ok\"}\n");
}

static void health_handler(const struct route *r, size_t nargs, const char *const *keys,
                           const char *const *values, struct web_reply *out)
{
    no_args_handler(r, nargs, keys, values, out, health_doc);
}

static void asset_handler(const struct route *r, size_t nargs, const char *const *keys,
                          const char *const *values, struct web_reply *out)
{
    (void)nargs;
    (void)keys;
    (void)values;
    out->status = 200;
    out->content_type = r->asset->content_type;
    out->body = NULL;
    out->fixed = r->asset->data;
    out->len = (size_t)(r->asset->end - r->asset->data);
}

static const struct api_route api_compare = { cmd_compare, "compare", "load" };
static const struct api_route api_curve = { cmd_curve, "curve", NULL };
static const struct api_route api_plan = { cmd_plan, "plan", NULL };
static const struct api_route api_queue = { cmd_queue, "queue", NULL };
static const struct api_route api_simulate = { cmd_simulate, "simulate", NULL };
static const struct api_route api_quiz = { cmd_quiz, "quiz", NULL };
static const struct api_route api_fit = { cmd_fit, "fit", NULL };

/* The one route table: every path the server answers. */
static const struct route routes[] = {
    { "/", asset_handler, NULL, &web_asset_index },
    { "/index.html", asset_handler, NULL, &web_asset_index },
    { "/app.js", asset_handler, NULL, &web_asset_app },
    { "/style.css", asset_handler, NULL, &web_asset_style },
    { "/api/compare", api_handler, &api_compare, NULL },
    { "/api/curve", api_handler, &api_curve, NULL },
    { "/api/plan", api_handler, &api_plan, NULL },
    { "/api/queue", api_handler, &api_queue, NULL },
    { "/api/simulate", api_handler, &api_simulate, NULL },
    { "/api/quiz", api_handler, &api_quiz, NULL },
    { "/api/fit", api_handler, &api_fit, NULL },
    { "/api/catalogs", catalogs_handler, NULL, NULL },
    { "/healthz", health_handler, NULL, NULL },
};

void web_route(const char *method, const char *path, size_t nargs, const char *const *keys,
               const char *const *values, struct web_reply *out)
{
    size_t i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (strcmp(path, routes[i].path))
            continue;
        if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
            char msg[SL_ERR_LEN];

            snprintf(msg, sizeof(msg), "method '%.16s' is not allowed on %s (expected GET)",
                     method, path);
            reply_error(out, 405, msg);
            return;
        }
        routes[i].handler(&routes[i], nargs, keys, values, out);
        return;
    }
    {
        char msg[SL_ERR_LEN];

        snprintf(msg, sizeof(msg), "no such path '%.128s'", path);
        reply_error(out, 404, msg);
    }
}

void web_reply_release(struct web_reply *r)
{
    sl_free(r->body);
    r->body = NULL;
}
