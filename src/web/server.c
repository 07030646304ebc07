/* The HTTP server of `scalelab serve`: libmicrohttpd with a thread pool, limits and clean exit. */
/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "web.h"
#include "web_query.h"
#include "banned.h"

/* Limits from reference/reliability.md section 2. */
#define CONNECTION_LIMIT 256
#define PER_IP_LIMIT 64
#define CONNECTION_TIMEOUT_S 10
#define CONNECTION_MEMORY (64 * 1024)
#define LISTEN_BACKLOG 128

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

int web_serve(const struct web_opts *opts)
{
    struct sockaddr_in sa;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    sigset_t stop;
    int sig;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)opts->port);
    if (inet_pton(AF_INET, opts->addr, &sa.sin_addr) != 1)
        return cli_usage_error("invalid --addr '%s' (expected an IPv4 address such as "
                               "127.0.0.1)", opts->addr);
    /* the daemon's threads inherit this mask, so only sigwait below sees SIGINT and SIGTERM */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
                         0, NULL, NULL, handle, NULL,
                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                         MHD_OPTION_THREAD_POOL_SIZE, opts->threads,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
                         MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)PER_IP_LIMIT,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
                         MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)LISTEN_BACKLOG,
                         MHD_OPTION_END);
    if (!d)
        return cli_runtime_error("cannot listen on %s:%d (is the port in use?)", opts->addr,
                                 opts->port);
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("scalelab: serving on http://%s:%u/ (Ctrl-C stops)\n", opts->addr,
           info ? (unsigned)info->port : (unsigned)opts->port);
    fflush(stdout);
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    printf("scalelab: stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    return SL_EXIT_OK;
}
