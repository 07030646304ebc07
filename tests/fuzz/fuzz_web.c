/* libFuzzer target: query string to document through every route of `scalelab serve`. */
/* SPDX-License-Identifier: MIT */
/*
 * An input is up to MAX_REQUESTS request lines, "[METHOD ]TARGET" such as
 * "/api/compare?load=1k&catalog=cloud" (GET unless a method is given) or
 * "POST /api/plan?load=20k"; an empty line ends them and what follows is the body of every POST.
 * Each line is decoded as libmicrohttpd decodes it and answered by web_route, as the server
 * would after its own checks (Host, %00, too many parameters). Every answer must be a known
 * status with a JSON document, and afterwards a fixed good query must still get the very
 * document it got at start-up: nothing a request did may survive it.
 */
#include <jansson.h>
#include <stdatomic.h>

#include "fuzz.h"
#include "cli/cli.h"
#include "web/daemon.h"
#include "web/web.h"
#include "banned.h"

#define MAX_REQUESTS 4
#define SIM_BUDGET 2e5 /* a small simulation budget keeps each input fast */
#define PROBE "/api/plan?load=1k&state=store"

static atomic_int never_cancelled;
static char *probe_doc; /* what PROBE answered at start-up */

/* Answers one decoded request as the server would hand it to the route table. */
static void route(const struct fuzz_request *rq, const char *body, size_t body_len,
                  struct web_reply *out)
{
    struct web_request req = {
        .method = rq->method, .path = rq->path, .nargs = rq->nargs, .keys = rq->keys,
        .values = rq->values, .cancel = &never_cancelled, .sim_budget = SIM_BUDGET
    };

    if (!strcmp(rq->method, "POST") && body_len) {
        req.body = body;
        req.body_len = body_len;
    }
    web_route(&req, out);
}

/*
 * What every answer promises: a known status, and on the API a JSON document. 500 is "out of
 * memory", which never happens here (ASan aborts on a failed allocation), and 503 needs a
 * cancel: either one is a bug.
 */
static void check_reply(const struct fuzz_request *rq, const struct web_reply *r)
{
    const char *text = r->body ? r->body : r->fixed;
    int api = !strncmp(rq->path, "/api/", 5) || !strcmp(rq->path, "/healthz");

    fuzz_note("web_route", rq->method, rq->path, r->status, text, r->len);
    FUZZ_CHECK(r->status == 200 || r->status == 400 || r->status == 404 || r->status == 405 ||
               r->status == 413);
    FUZZ_CHECK(text && r->content_type);
    FUZZ_CHECK(!r->body || strlen(r->body) == r->len);
    FUZZ_CHECK(r->status != 405 || r->allow);
    if (api || r->status != 200) {
        json_t *doc = json_loadb(text, r->len, 0, NULL);

        FUZZ_CHECK(json_is_object(doc));
        FUZZ_CHECK(r->status == 200 || json_is_string(json_object_get(doc, "error")));
        json_decref(doc);
    }
}

static char *answer_probe(void)
{
    struct fuzz_request rq;
    struct web_reply r;
    char *doc;

    fuzz_request_parse(&rq, PROBE, strlen(PROBE));
    route(&rq, NULL, 0, &r);
    FUZZ_CHECK(r.status == 200 && r.body);
    doc = r.body;
    r.body = NULL;
    fuzz_request_release(&rq);
    return doc;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cli_init();
    probe_doc = answer_probe();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size, *line, *body;
    char *body_text;
    size_t len, body_len, n = 0;

    /* the body starts after the first empty line */
    for (body = p; body < end && !(body[0] == '\n' && (body == p || body[-1] == '\n')); body++)
        continue;
    body_len = body < end ? (size_t)(end - body - 1) : 0;
    body_text = fuzz_cstr((const uint8_t *)(body < end ? body + 1 : end), body_len);
    end = body;
    while (n < MAX_REQUESTS && fuzz_next_line(&p, end, &line, &len)) {
        struct fuzz_request rq;
        struct web_reply r;

        if (!len)
            continue;
        n++;
        fuzz_request_parse(&rq, line, len);
        /* the server refuses these itself before the route table sees them */
        if (!rq.nul && !rq.overflow && rq.nargs <= WEB_QUERY_MAX) {
            route(&rq, body_text, body_len, &r);
            check_reply(&rq, &r);
            web_reply_release(&r);
        }
        fuzz_request_release(&rq);
    }
    if (n) {
        char *doc = answer_probe();

        fuzz_note("the probe after the input (it answered otherwise at start-up)", "GET", PROBE,
                  200, doc, strlen(doc));
        FUZZ_CHECK(!strcmp(doc, probe_doc));
        sl_free(doc);
    }
    sl_free(body_text);
    return 0;
}
