/* GET /api/openapi.json against the command tables: every routed command, every API parameter. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <string.h>

#include "sl_test.h"
#include "cli/cli.h"
#include "commands/commands.h"
#include "web/web.h"

static json_t *doc;

/* Fetches the document through the route table, as a client would. */
static int setup(void **state)
{
    const char *none[1] = { NULL };
    struct web_request req;
    struct web_reply r;
    json_error_t e;

    (void)state;
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.path = "/api/openapi.json";
    req.keys = none;
    req.values = none;
    web_route(&req, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, "application/json");
    doc = json_loadb(r.body, r.len, 0, &e);
    web_reply_release(&r);
    if (!doc)
        fail_msg("not JSON: %s (line %d)", e.text, e.line);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    json_decref(doc);
    return 0;
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The number o[key], or NAN when there is none. */
static double num(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);

    return v ? json_number_value(v) : NAN;
}

/* The parameter `name` of an operation, or NULL. */
static const json_t *find_param(const json_t *op, const char *name)
{
    const json_t *params = json_object_get(op, "parameters"), *p;
    size_t i;

    json_array_foreach(params, i, p)
        if (!strcmp(str(p, "name"), name))
            return p;
    return NULL;
}

/* The schema of one value: the items of an array, the number branch of a load. */
static const json_t *value_schema(const json_t *schema)
{
    const json_t *items = json_object_get(schema, "items"), *any;

    if (items)
        schema = items;
    any = json_object_get(schema, "anyOf");
    return any ? json_array_get(any, 0) : schema;
}

/* A bound as the tables state it: the document has the same number under the right keyword. */
static void check_bound(const char *where, const json_t *s, const char *closed,
                        const char *open, double v, int is_open)
{
    const char *key = is_open ? open : closed;

    if (num(s, key) != v)
        fail_msg("%s: %s is %g, the table says %g", where, key, num(s, key), v);
    if (json_object_get(s, is_open ? closed : open))
        fail_msg("%s: both %s and %s", where, closed, open);
}

/* The API spells parameters bare: no description says "--name" of one of in's parameters. */
static void check_api_words(const struct cmd_input *in, const char *where, const char *text)
{
    char flag[80];
    size_t i;

    for (i = 0; i < in->nparams; i++) {
        snprintf(flag, sizeof(flag), "--%s", in->param[i]->name);
        if (strstr(text, flag))
            fail_msg("%s: the description says '%s': %s", where, flag, text);
    }
}

static void check_param(const struct cmd_input *in, const struct cmd_param *p, const json_t *op)
{
    const struct cmd_def *def = in->def;
    char help[512];
    static const char *const types[] = { "number", "integer", "number", "number", "string",
                                          "boolean", "string", "string" };
    const json_t *jp = find_param(op, p->name), *schema, *v;
    char where[128], buf[64];
    struct cmd_range r;
    const char *d;
    size_t i;
    int array;

    snprintf(where, sizeof(where), "%s %s", def->api_path, p->name);
    if (!jp)
        fail_msg("%s: missing", where);
    assert_string_equal(str(jp, "in"), "query");
    cmd_api_words(in, p->help, help, sizeof(help));
    assert_true(strstr(str(jp, "description"), help) != NULL);
    check_api_words(in, where, str(jp, "description"));
    assert_int_equal(json_is_true(json_object_get(jp, "required")), !!(p->flags & CMD_REQUIRED));
    schema = json_object_get(jp, "schema");
    array = p->type == CMD_LOADS ||
            ((p->flags & (CMD_REPEAT | CMD_POSITIONAL)) && p->max_values > 1);
    assert_int_equal(!!json_object_get(schema, "items"), array);
    if (array)
        assert_true(json_is_true(json_object_get(jp, "explode")));
    v = value_schema(schema);
    if (strcmp(str(v, "type"), types[p->type]))
        fail_msg("%s: type %s, expected %s", where, str(v, "type"), types[p->type]);
    if (p->type == CMD_NUMBER || p->type == CMD_INTEGER || p->type == CMD_LOAD ||
        p->type == CMD_LOADS) {
        cmd_range_of(p, CMD_API, &r);
        check_bound(where, v, "minimum", "exclusiveMinimum", r.min, r.min_open);
        check_bound(where, v, "maximum", "exclusiveMaximum", r.max, r.max_open);
    }
    if (p->type == CMD_ENUM) {
        const json_t *e = json_object_get(v, "enum");

        for (i = 0; p->choices[i]; i++)
            assert_string_equal(json_string_value(json_array_get(e, i)), p->choices[i]);
        assert_int_equal(json_array_size(e), i);
    }
    d = cmd_default_text(p, buf, sizeof(buf));
    if (d && (p->type == CMD_NUMBER || p->type == CMD_INTEGER)) {
        double x = 0;

        assert_int_equal(sl_parse_number(d, &x), SL_OK);
        if (num(schema, "default") != x)
            fail_msg("%s: default %g, the table says %s", where, num(schema, "default"), d);
    } else if (d && (p->type == CMD_ENUM || p->type == CMD_TEXT)) {
        assert_string_equal(str(schema, "default"), d);
    } else if (!d) {
        assert_null(json_object_get(schema, "default"));
    }
}

/* Every command with a JSON document has its route, and the document every API parameter. */
static void openapi_has_every_command(void **state)
{
    const json_t *paths = json_object_get(doc, "paths");
    struct cmd_input *in = sl_malloc(sizeof(*in));
    char err[SL_ERR_LEN];
    size_t c, i, n;

    (void)state;
    assert_string_equal(str(doc, "openapi"), "3.1.0");
    assert_non_null(in);
    for (c = 0; cmd_all[c]; c++) {
        const struct cmd_def *def = cmd_all[c];
        const json_t *item, *get, *post;
        int body;

        if (!def->json)
            continue;
        if (web_route_kind(def->api_path, &body) == WEB_ROUTE_NONE)
            fail_msg("%s has a JSON document but %s is not in the route table", def->name,
                     def->api_path);
        assert_int_equal(body, cmd_api_takes_body(def));
        item = json_object_get(paths, def->api_path);
        get = json_object_get(item, "get");
        post = json_object_get(item, "post");
        if (!get)
            fail_msg("%s: no GET", def->api_path);
        assert_int_equal(!!post, body);
        assert_int_equal(cmd_input_init(in, def, CMD_API, err, sizeof(err)), CMD_OK);
        for (i = 0, n = 0; i < in->nparams; i++) {
            if (!(in->param[i]->surface & CMD_API)) {
                if (find_param(get, in->param[i]->name))
                    fail_msg("%s: %s is not in the API", def->api_path, in->param[i]->name);
                continue;
            }
            check_param(in, in->param[i], get);
            if (post)
                check_param(in, in->param[i], post);
            n++;
        }
        assert_int_equal(json_array_size(json_object_get(get, "parameters")), n);
        assert_non_null(json_object_get(json_object_get(get, "responses"), "400"));
        if (post)
            assert_non_null(json_object_get(json_object_get(json_object_get(post, "requestBody"),
                                                            "content"), "text/csv"));
    }
    sl_free(in);
}

/* Nothing but the routes: each path of the document is answered, and none takes a query. */
static void openapi_paths_are_routes(void **state)
{
    const json_t *paths = json_object_get(doc, "paths"), *item;
    const char *path;
    int body;

    (void)state;
    assert_non_null(json_object_get(paths, "/healthz"));
    assert_non_null(json_object_get(paths, "/api/catalogs"));
    assert_non_null(json_object_get(paths, "/api/openapi.json"));
    json_object_foreach((json_t *)paths, path, item) {
        if (web_route_kind(path, &body) == WEB_ROUTE_NONE)
            fail_msg("%s is not in the route table", path);
        assert_int_equal(!!json_object_get(item, "post"), body);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(openapi_has_every_command),
        cmocka_unit_test(openapi_paths_are_routes),
    };

    cli_init();
    return cmocka_run_group_tests(tests, setup, teardown) ? 1 : 0;
}
