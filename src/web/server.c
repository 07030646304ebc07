/* The HTTP server of `scalelab serve`: libmicrohttpd with a thread pool, limits and clean exit. */
/* SPDX-License-Identifier: MIT */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "daemon.h"
#include "web.h"
#include "banned.h"

/* Connections one client address may hold (reference/reliability.md section 2). */
#define PER_IP_LIMIT 64

/* Headers every answer carries: no caching of API answers, no sniffing, nothing external. */
static void add_headers(struct MHD_Response *resp, const struct web_reply *r)
{
    MHD_add_response_header(resp, "Content-Type", r->content_type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                            "img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'; "
                            "form-action 'none'");
    MHD_add_response_header(resp, "Cache-Control", r->fixed ? "no-cache" : "no-store");
    if (r->status == 405)
        MHD_add_response_header(resp, "Allow", "GET, HEAD");
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, struct web_reply *r)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;

    if (r->fixed)
        resp = MHD_create_response_from_buffer(r->len, (void *)r->fixed,
                                               MHD_RESPMEM_PERSISTENT);
    else
        resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_COPY);
    if (!resp) {
        web_reply_release(r);
        return MHD_NO;
    }
    add_headers(resp, r);
    ret = MHD_queue_response(conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    web_reply_release(r);
    return ret;
}

static void error_reply(struct web_reply *r, int status, const char *json)
{
    memset(r, 0, sizeof(*r));
    r->status = status;
    r->content_type = "application/json";
    r->fixed = json;
    r->len = strlen(json);
}

/*
 * The first call only sees the headers: a request that announces a body is refused there (413,
 * before the body is read), the API takes none. The answer goes out on the second call, once
 * the request is complete, so that the connection can be kept alive.
 */
static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    struct web_query q;
    struct web_reply reply;
    const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *chunked = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                      MHD_HTTP_HEADER_TRANSFER_ENCODING);

    (void)cls;
    (void)version;
    (void)upload_data;
    if (!*con_cls) {
        *con_cls = conn;
        if ((length && strcmp(length, "0")) || chunked) {
            error_reply(&reply, 413, "{\"error\":\"request bodies are not accepted\"}");
            return send_reply(conn, &reply);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0; /* cannot happen without a length; discarded all the same */
        return MHD_YES;
    }
    web_query_collect(conn, WEB_QUERY_MAX, &q);
    if (q.overflow) {
        error_reply(&reply, 414, "{\"error\":\"too many query parameters\"}");
        return send_reply(conn, &reply);
    }
    web_route(method, url, q.n, q.keys, q.values, &reply);
    return send_reply(conn, &reply);
}

static void announce(unsigned port, void *ctx)
{
    const struct web_opts *opts = ctx;

    printf("scalelab: serving on http://%s:%u/ (Ctrl-C stops)\n", opts->addr, port);
    fflush(stdout);
}

int web_serve(const struct web_opts *opts)
{
    struct web_daemon d = { opts->addr, opts->port, opts->threads, PER_IP_LIMIT, handle, NULL,
                            NULL, announce, (void *)opts };
    int sig = 0, st = web_daemon_run(&d, &sig);

    if (st == SL_EXIT_OK)
        printf("scalelab: stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    return st;
}
