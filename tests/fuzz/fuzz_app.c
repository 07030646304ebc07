/* libFuzzer target: the request handling of the lab's app server (app_answer), both stores. */
/* SPDX-License-Identifier: MIT */
/*
 * An input is up to MAX_REQUESTS requests separated by empty lines: a request line
 * "METHOD TARGET" ("GET" unless given), then header lines "Name: value". The app reads Cookie
 * (every one), Idempotency-Key, Content-Length and Transfer-Encoding; names are
 * case-insensitive as in HTTP. "$C" in a header value stands for the session cookie
 * (name=value) the app set last, so that a login can be followed by requests in its session.
 * An input whose first line is "token" runs against the token store, any other against the
 * memory store; each input gets a new store. Every answer must be a known status with a JSON
 * document no longer than the reply buffer.
 */
#include <jansson.h>
#include <strings.h>

#include "fuzz.h"
#include "cli/cli.h"
#include "lab/app_server.h"
#include "banned.h"

#define MAX_REQUESTS 100
#define MAX_HEADERS 16
#define HEADER_MAX (APP_COOKIE_MAX + 64) /* longest header value, after "$C" is replaced */

static const unsigned char token_key[APP_KEY_MIN] = "scalelab fuzz key, 32 bytes long";
static const struct app_opts opts = { .addr = "127.0.0.1", .id = "app-0", .threads = 1 };

/* The headers of one request, values copied with "$C" replaced by the current cookie. */
struct headers {
    size_t n;
    const char *names[MAX_HEADERS];
    size_t name_len[MAX_HEADERS];
    char values[MAX_HEADERS][HEADER_MAX];
};

static void add_header(struct headers *h, const char *line, size_t len, const char *cookie)
{
    const char *colon = memchr(line, ':', len), *v, *end = line + len;
    size_t o = 0;

    if (!colon || h->n == MAX_HEADERS)
        return;
    h->names[h->n] = line;
    h->name_len[h->n] = (size_t)(colon - line);
    for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
        continue;
    for (; v < end && o + 1 < HEADER_MAX; v++) {
        if (v + 1 < end && v[0] == '$' && v[1] == 'C') {
            o += (size_t)snprintf(h->values[h->n] + o, HEADER_MAX - o, "%s", cookie);
            if (o >= HEADER_MAX)
                o = HEADER_MAX - 1;
            v++;
        } else {
            h->values[h->n][o++] = *v;
        }
    }
    h->values[h->n][o] = '\0';
    h->n++;
}

/* The first header called name, or NULL. */
static const char *find_header(const struct headers *h, const char *name)
{
    size_t i;

    for (i = 0; i < h->n; i++)
        if (h->name_len[i] == strlen(name) && !strncasecmp(h->names[i], name, h->name_len[i]))
            return h->values[i];
    return NULL;
}

/*
 * What every answer promises: a known status and a JSON document that fits. 500 (out of memory)
 * and 503 (store unavailable) cannot happen with the memory and token stores: either is a bug.
 */
static void check_reply(const struct app_reply *r)
{
    json_t *doc;

    FUZZ_CHECK(r->status == 200 || r->status == 400 || r->status == 401 || r->status == 404 ||
               r->status == 405 || r->status == 409 || r->status == 413);
    FUZZ_CHECK(r->len < sizeof(r->body) && r->body[r->len] == '\0' &&
               strlen(r->body) == r->len);
    FUZZ_CHECK(r->status != 405 || r->allow);
    FUZZ_CHECK(!r->cookie || strlen(r->cookie) < APP_COOKIE_MAX);
    doc = json_loadb(r->body, r->len, 0, NULL);
    FUZZ_CHECK(json_is_object(doc));
    FUZZ_CHECK(r->status == 200 || r->status == 409 ||
               json_is_string(json_object_get(doc, "error")));
    json_decref(doc);
}

/* Answers one request: line is its request line, [h, end) its header lines. */
static void request(struct app_server *srv, const char *line, size_t len, const char *h,
                    const char *end, char *cookie)
{
    static struct headers hd;     /* 130 KiB: kept off the stack */
    static struct app_reply r;
    const char *cookies[MAX_HEADERS], *hl;
    struct fuzz_request rq;
    struct app_input in;
    size_t hlen, i;

    hd.n = 0;
    while (fuzz_next_line(&h, end, &hl, &hlen))
        add_header(&hd, hl, hlen, cookie);
    fuzz_request_parse(&rq, line, len);
    in = (struct app_input){
        .method = rq.method, .path = rq.path, .nargs = rq.nargs, .args_overflow = rq.overflow,
        .keys = rq.keys, .values = rq.values,
        .content_length = find_header(&hd, "Content-Length"),
        .transfer_encoding = find_header(&hd, "Transfer-Encoding"),
        .idem = find_header(&hd, "Idempotency-Key"), .cookies = cookies
    };
    for (i = 0; i < hd.n; i++)
        if (hd.name_len[i] == 6 && !strncasecmp(hd.names[i], "Cookie", 6))
            cookies[in.ncookies++] = hd.values[i];
    app_answer(srv, &in, &r);
    fuzz_note("app_answer", rq.method, rq.path, r.status, r.body, r.len);
    check_reply(&r);
    if (r.cookie)
        snprintf(cookie, APP_COOKIE_MAX, "%s", r.cookie);
    fuzz_request_release(&rq);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cli_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char cookie[APP_COOKIE_MAX];
    const char *p = (const char *)data, *end = p + size, *line;
    struct app_server srv = { &opts, NULL, 4242 };
    size_t len, n = 0;

    if (size >= 6 && !memcmp(p, "token\n", 6)) {
        srv.store = app_store_token_new(token_key, sizeof(token_key));
        p += 6;
    } else {
        srv.store = app_store_memory_new();
    }
    FUZZ_CHECK(srv.store != NULL);
    cookie[0] = '\0';
    while (n < MAX_REQUESTS && fuzz_next_line(&p, end, &line, &len)) {
        const char *h = p, *hl;
        size_t hlen;

        if (!len)
            continue;
        /* the headers run to the next empty line */
        while (fuzz_next_line(&p, end, &hl, &hlen) && hlen)
            continue;
        request(&srv, line, len, h, p, cookie);
        n++;
    }
    srv.store->ops->close(srv.store);
    return 0;
}
