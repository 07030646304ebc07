/* GET /api/openapi.json: the API's OpenAPI 3.1 description, generated from the command tables. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "scalelab/json.h"
#include "web.h"
#include "banned.h"

/*
 * Everything here is read from cmd_all (paths, parameters, types, ranges, defaults, help) and
 * from the route table (which paths exist, which take a POSTed catalog), so the description
 * cannot say what the server does not do. Nothing is kept between calls.
 */

/* A bound or a default: a JSON integer when v is whole (exact), a real otherwise. */
static json_t *number(double v)
{
    if (!isfinite(v))
        return NULL;
    if (v == floor(v) && fabs(v) <= 9007199254740992.0)
        return json_integer((json_int_t)v);
    return json_real(v);
}

/* Sets o[key] to a new string; nonzero on failure. */
static int put_str(json_t *o, const char *key, const char *s)
{
    return sl_json_put(o, key, json_string(s));
}

/* Appends v (taken) to the array a; nonzero on failure. */
static int append(json_t *a, json_t *v)
{
    return json_array_append_new(a, v) != 0;
}

/* The range of a NUMBER, INTEGER or LOAD in the API as JSON Schema keywords on s. */
static int put_range(json_t *s, const struct cmd_param *p)
{
    struct cmd_range r;
    int bad = 0;

    cmd_range_of(p, CMD_API, &r);
    if (isfinite(r.min))
        bad |= sl_json_put(s, r.min_open ? "exclusiveMinimum" : "minimum", number(r.min));
    if (isfinite(r.max))
        bad |= sl_json_put(s, r.max_open ? "exclusiveMaximum" : "maximum", number(r.max));
    return bad;
}

/* A load: a number in its range, or the same with an SI suffix ("2.5M") as a string. */
static json_t *load_schema(const struct cmd_param *p)
{
    json_t *s = json_object(), *num = json_object(), *suffixed = json_object(), *any;
    int bad = put_str(num, "type", "number") | put_range(num, p);

    bad |= put_str(suffixed, "type", "string");
    bad |= put_str(suffixed, "pattern", "^[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?[kKmMgG]$");
    any = json_array();
    bad |= append(any, sl_json_done(num, bad));
    bad |= append(any, sl_json_done(suffixed, bad));
    bad |= sl_json_put(s, "anyOf", any);
    return sl_json_done(s, bad);
}

/* The schema of one value of p, as the API parses it (cmd_set). */
static json_t *value_schema(const struct cmd_param *p)
{
    json_t *s, *e;
    int bad = 0, i;

    if (p->type == CMD_LOAD || p->type == CMD_LOADS)
        return load_schema(p);
    s = json_object();
    switch (p->type) {
    case CMD_INTEGER:
        bad |= put_str(s, "type", "integer") | put_range(s, p);
        break;
    case CMD_NUMBER:
        bad |= put_str(s, "type", "number") | put_range(s, p);
        break;
    case CMD_ENUM:
        e = json_array();
        for (i = 0; p->choices[i]; i++)
            bad |= append(e, json_string(p->choices[i]));
        bad |= put_str(s, "type", "string") | sl_json_put(s, "enum", e);
        break;
    case CMD_FLAG:
        bad |= put_str(s, "type", "boolean");
        break;
    default: /* TEXT; a FILE is never in the API */
        bad |= put_str(s, "type", "string") | sl_json_put(s, "minLength", json_integer(1));
        bad |= sl_json_put(s, "maxLength", json_integer(p->max > 0 && p->max < WEB_ARG_MAX_LEN
                                                        ? (json_int_t)p->max
                                                        : WEB_ARG_MAX_LEN));
        break;
    }
    return sl_json_done(s, bad);
}

/*
 * One value of p's type from text into *out: 0 with *out NULL when text is not of that type,
 * nonzero when memory ran out.
 */
static int typed_value(const struct cmd_param *p, const char *text, json_t **out)
{
    double v;
    int i;

    *out = NULL;
    switch (p->type) {
    case CMD_INTEGER:
        if (!*text || strspn(text, "0123456789") != strlen(text) || strlen(text) > 15)
            return 0;
        *out = number(strtod(text, NULL));
        break;
    case CMD_NUMBER:
        if (sl_parse_number(text, &v) != SL_OK)
            return 0;
        *out = number(v);
        break;
    case CMD_LOAD:
    case CMD_LOADS:
        if (sl_parse_number(text, &v) == SL_OK)
            *out = number(v);
        else if (sl_parse_load(text, &v) == SL_OK)
            *out = json_string(text);
        else
            return 0;
        break;
    case CMD_ENUM:
        for (i = 0; p->choices[i] && strcmp(text, p->choices[i]); i++)
            continue;
        if (!p->choices[i])
            return 0;
        *out = json_string(text);
        break;
    case CMD_FLAG:
        if (strcmp(text, "true") && strcmp(text, "false"))
            return 0;
        *out = json_boolean(!strcmp(text, "true"));
        break;
    default:
        *out = json_string(text);
        break;
    }
    return *out == NULL;
}

/* The most values p takes in one request, or 1 when it takes one. */
static size_t most_values(const struct cmd_param *p)
{
    size_t cap = p->max_values > 0 ? (size_t)p->max_values : 1;

    if (p->type == CMD_LOADS)
        return p->max_values > 0 && p->max_values < CMD_MAX_LOADS ? cap : CMD_MAX_LOADS;
    if (!(p->flags & (CMD_REPEAT | CMD_POSITIONAL)))
        return 1;
    return cap < CMD_MAX_VALUES ? cap : CMD_MAX_VALUES;
}

/*
 * Sets schema's `default` from p's (an array of them for an array parameter); a default that
 * does not parse as p's type is left out. Nonzero when memory ran out.
 */
static int put_default(json_t *schema, const struct cmd_param *p, int array)
{
    char buf[64], piece[64];
    const char *text = cmd_default_text(p, buf, sizeof(buf)), *s;
    json_t *a, *v;
    size_t n;
    int st;

    if (!text)
        return 0;
    if (!array) {
        if (typed_value(p, text, &v))
            return 1;
        return v ? sl_json_put(schema, "default", v) : 0;
    }
    a = json_array();
    for (s = text;; s += n + 1) {
        n = p->type == CMD_LOADS ? strcspn(s, ",") : strlen(s);
        snprintf(piece, sizeof(piece), "%.*s", (int)n, s);
        st = typed_value(p, piece, &v);
        if (st || !v) { /* memory ran out, or not of p's type: no default */
            json_decref(a);
            return st;
        }
        if (append(a, v)) {
            json_decref(a);
            return 1;
        }
        if (!s[n])
            break;
    }
    return sl_json_put(schema, "default", a);
}

/* One query parameter of an operation (of in's command), described in the API's words. */
static json_t *parameter(const struct cmd_input *in, const struct cmd_param *p)
{
    json_t *o = json_object(), *schema = value_schema(p);
    char what[256], raw[640], text[640];
    size_t cap = most_values(p);
    int array = p->type == CMD_LOADS || cap > 1, bad = 0;

    cmd_describe(p, CMD_API, what, sizeof(what));
    snprintf(raw, sizeof(raw), "%s. Accepts %s%s.", p->help, what,
             p->type == CMD_LOADS ? "; several: repeat the parameter or separate them with "
                                    "commas" : "");
    cmd_api_words(in, raw, text, sizeof(text));
    bad |= put_str(o, "name", p->name) | put_str(o, "in", "query");
    bad |= put_str(o, "description", text);
    bad |= sl_json_put(o, "required", json_boolean(p->flags & CMD_REQUIRED));
    if (array) {
        json_t *a = json_object();

        bad |= put_str(a, "type", "array") | sl_json_put(a, "items", schema);
        bad |= sl_json_put(a, "maxItems", json_integer((json_int_t)cap));
        schema = sl_json_done(a, bad);
        bad |= put_str(o, "style", "form") | sl_json_put(o, "explode", json_true());
    }
    if (schema)
        bad |= put_default(schema, p, array);
    bad |= sl_json_put(o, "schema", schema);
    return sl_json_done(o, bad);
}

/* The error answers every path may give, and what each means. */
static const struct {
    const char *code, *what;
    unsigned when; /* bits: 1 on every path, 2 on computed (heavy) paths, 4 with a body */
} errors[] = {
    { "400", "a bad parameter: the message names it, repeats the value and says what is "
             "accepted", 1 },
    { "403", "the Host header does not name this server", 1 },
    { "404", "no such path", 1 },
    { "405", "a method the path does not take (the Allow header lists those it does)", 1 },
    { "413", "a request body where none is taken, or one too large", 1 },
    { "414", "a URI too long or too many query parameters", 1 },
    { "415", "a POSTed catalog that is not Content-Type text/csv", 4 },
    { "500", "memory ran out", 1 },
    { "503", "past the request's deadline, a full work queue or the server stopping (see "
             "Retry-After)", 2 },
};

/* {"description": ..., "content": {"application/json": {"schema": schema}}}, taking schema. */
static json_t *json_response(const char *description, json_t *schema)
{
    json_t *r = json_object(), *content = json_object(), *media = json_object();
    int bad = put_str(r, "description", description);

    bad |= sl_json_put(media, "schema", schema);
    bad |= sl_json_put(content, "application/json", sl_json_done(media, bad));
    bad |= sl_json_put(r, "content", sl_json_done(content, bad));
    return sl_json_done(r, bad);
}

static json_t *ref(const char *to)
{
    json_t *o = json_object();

    return sl_json_done(o, put_str(o, "$ref", to));
}

/* The responses of an operation: 200 with `ok` (taken), then the errors that apply. */
static json_t *responses(json_t *ok, unsigned when)
{
    json_t *r = json_object();
    size_t i;
    int bad = sl_json_put(r, "200", json_response("the document", ok));

    for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
        if (errors[i].when & when)
            bad |= sl_json_put(r, errors[i].code, json_response(errors[i].what,
                                                                ref("#/components/schemas/"
                                                                    "Error")));
    return sl_json_done(r, bad);
}

static json_t *object_schema(void)
{
    json_t *o = json_object();

    return sl_json_done(o, put_str(o, "type", "object"));
}

/* The catalog a POST carries instead of catalog=. */
static json_t *catalog_body(void)
{
    json_t *b = json_object(), *content = json_object(), *media = json_object(),
           *schema = json_object();
    char text[160];
    int bad;

    snprintf(text, sizeof(text), "your own machine catalog, CSV with a header row (at most %d "
             "bytes), read as catalog= would read a file", WEB_BODY_MAX);
    bad = put_str(b, "description", text) | sl_json_put(b, "required", json_true());
    bad |= put_str(schema, "type", "string");
    bad |= sl_json_put(media, "schema", sl_json_done(schema, bad));
    bad |= sl_json_put(content, "text/csv", sl_json_done(media, bad));
    bad |= sl_json_put(b, "content", sl_json_done(content, bad));
    return sl_json_done(b, bad);
}

/* {"description": ...} of a 304: the client's copy (its ETag) is still the document. */
static json_t *not_modified(void)
{
    json_t *r = json_object();

    return sl_json_done(r, put_str(r, "description", "the document of the ETag given in "
                                   "If-None-Match is still the answer (no body)"));
}

/* GET (post 0) or POST (post 1) of a declared command, with the parameters of in. */
static json_t *operation(const struct cmd_input *in, int post)
{
    const struct cmd_def *def = in->def;
    json_t *op = json_object(), *params = json_array();
    char id[80], words[1024];
    size_t i;
    int bad = 0;

    snprintf(id, sizeof(id), "%s%s", def->name, post ? "_post" : "");
    bad |= put_str(op, "operationId", id) | put_str(op, "summary", def->summary);
    cmd_api_words(in, def->description, words, sizeof(words));
    bad |= put_str(op, "description", words);
    for (i = 0; i < in->nparams; i++)
        if (in->param[i]->surface & CMD_API)
            bad |= append(params, parameter(in, in->param[i]));
    bad |= sl_json_put(op, "parameters", params);
    if (post)
        bad |= sl_json_put(op, "requestBody", catalog_body());
    bad |= sl_json_put(op, "responses", responses(object_schema(), 1u | 2u | (post ? 4u : 0u)));
    if (!post) /* a GET's document carries an ETag and is revalidated with If-None-Match */
        bad |= sl_json_put(json_object_get(op, "responses"), "304", not_modified());
    return sl_json_done(op, bad);
}

/* The path item of a declared command: GET, and POST where the route takes a catalog. */
static json_t *command_path(const struct cmd_def *def, int takes_body, char *err,
                            size_t errlen)
{
    struct cmd_input *in = sl_malloc(sizeof(*in));
    json_t *item = json_object();
    int bad = 0;

    if (!in || cmd_input_init(in, def, CMD_API, err, errlen)) {
        sl_free(in);
        json_decref(item);
        return NULL;
    }
    bad |= sl_json_put(item, "get", operation(in, 0));
    if (takes_body)
        bad |= sl_json_put(item, "post", operation(in, 1));
    sl_free(in);
    return sl_json_done(item, bad);
}

/* The fixed routes: what they answer and the schema of their 200. */
static json_t *fixed_path(const char *id, const char *summary, json_t *ok)
{
    json_t *item = json_object(), *op = json_object();
    int bad = put_str(op, "operationId", id) | put_str(op, "summary", summary);

    bad |= sl_json_put(op, "parameters", json_array());
    bad |= sl_json_put(op, "responses", responses(ok, 1u));
    bad |= sl_json_put(item, "get", sl_json_done(op, bad));
    return sl_json_done(item, bad);
}

/* {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}} */
static json_t *health_schema(void)
{
    json_t *s = json_object(), *props = json_object(), *status = json_object(),
           *required = json_array();
    int bad = put_str(s, "type", "object");

    bad |= append(required, json_string("status"));
    bad |= sl_json_put(s, "required", required);
    bad |= put_str(status, "const", "ok");
    bad |= sl_json_put(props, "status", sl_json_done(status, bad));
    bad |= sl_json_put(s, "properties", sl_json_done(props, bad));
    return sl_json_done(s, bad);
}

/* components: the error document {"error": "..."}. */
static json_t *components(void)
{
    json_t *c = json_object(), *schemas = json_object(), *e = json_object(),
           *props = json_object(), *msg = json_object(), *required = json_array();
    int bad = put_str(e, "type", "object");

    bad |= append(required, json_string("error"));
    bad |= sl_json_put(e, "required", required);
    bad |= put_str(msg, "type", "string");
    bad |= put_str(msg, "description", "what was wrong, naming the value and what is accepted");
    bad |= sl_json_put(props, "error", sl_json_done(msg, bad));
    bad |= sl_json_put(e, "properties", sl_json_done(props, bad));
    bad |= sl_json_put(e, "additionalProperties", json_false());
    bad |= sl_json_put(schemas, "Error", sl_json_done(e, bad));
    bad |= sl_json_put(c, "schemas", sl_json_done(schemas, bad));
    return sl_json_done(c, bad);
}

static json_t *info(const char *version)
{
    json_t *o = json_object();
    int bad = put_str(o, "title", "scalelab") | put_str(o, "version", version);

    bad |= put_str(o, "description", "Scale up or scale out: the JSON documents of scalelab's "
                   "commands, the same as each command's --json. Parameters are the "
                   "command-line options' names, spelled out in full and given once unless "
                   "they repeat. Generated from the command tables.");
    return sl_json_done(o, bad);
}

char *web_openapi_json(const char *version, char *err, size_t errlen)
{
    json_t *doc = json_object(), *paths = json_object();
    size_t i;
    int bad = 0, takes_body;

    snprintf(err, errlen, "out of memory");
    bad |= put_str(doc, "openapi", "3.1.0") | sl_json_put(doc, "info", info(version));
    for (i = 0; !bad && cmd_all[i]; i++) {
        const struct cmd_def *def = cmd_all[i];

        if (!def->json || web_route_kind(def->api_path, &takes_body) == WEB_ROUTE_NONE)
            continue;
        bad |= sl_json_put(paths, def->api_path, command_path(def, takes_body, err, errlen));
    }
    bad |= sl_json_put(paths, "/api/openapi.json",
                       fixed_path("openapi", "this description", object_schema()));
    if (web_route_kind("/healthz", &takes_body) != WEB_ROUTE_NONE)
        bad |= sl_json_put(paths, "/healthz", fixed_path("health", "liveness",
                                                         health_schema()));
    bad |= sl_json_put(doc, "paths", paths);
    bad |= sl_json_put(doc, "components", components());
    return sl_json_dump(sl_json_done(doc, bad));
}
