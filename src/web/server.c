/* The HTTP server of `scalelab serve`: checks requests, answers light ones, queues heavy ones. */
/* SPDX-License-Identifier: MIT */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands/command.h"
#include "daemon.h"
#include "jobs.h"
#include "web.h"
#include "banned.h"

/* Heavy requests that may wait for a worker; beyond, 503 with Retry-After. */
#define QUEUE_PER_WORKER 16
/* Longest URI answered (MHD itself refuses, in HTML, what does not fit its connection memory). */
#define WEB_URI_MAX (16 * 1024)

struct server {
    const struct web_opts *opts;
    struct web_jobs *jobs;
};

/* Where a request is: reading, computing on a worker, or answered and ready to send. */
enum request_stage { STAGE_HEAD, STAGE_BODY, STAGE_WORKING, STAGE_DONE };

/* One request, from its first line to its completion (MHD's *con_cls). */
struct request {
    struct web_job job;          /* first: a job is its request */
    struct server *srv;
    struct MHD_Connection *conn;
    enum request_stage stage;
    int bad_path;                /* the raw path held %00 */
    int long_uri;                /* the raw URI is over WEB_URI_MAX */
    int takes_body;
    char *body;                  /* the POSTed catalog, NUL-terminated */
    size_t body_len;
    int body_refused;            /* over WEB_BODY_MAX */
    struct web_query q;
    struct web_request req;
    struct web_reply reply;
};

/* Headers every answer carries: no sniffing, nothing external, no caching of API answers. */
static void add_headers(struct MHD_Response *resp, const struct web_reply *r)
{
    char retry[16];

    MHD_add_response_header(resp, "Content-Type", r->content_type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                            "img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'; "
                            "form-action 'none'");
    MHD_add_response_header(resp, "Cache-Control", r->fixed ? "no-cache" : "no-store");
    if (r->allow)
        MHD_add_response_header(resp, "Allow", r->allow);
    if (r->retry_after_s) {
        snprintf(retry, sizeof(retry), "%u", r->retry_after_s);
        MHD_add_response_header(resp, "Retry-After", retry);
    }
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

static enum MHD_Result send_error(struct request *rq, int status, const char *msg)
{
    web_reply_error(&rq->reply, status, msg);
    rq->stage = STAGE_DONE;
    return send_reply(rq->conn, &rq->reply);
}

/* On a worker: the answer, computed with the job's cancel flag. */
static void run_job(struct web_job *j)
{
    struct request *rq = (struct request *)j;

    rq->req.cancel = &j->cancel;
    web_route(&rq->req, &rq->reply);
}

/* On a worker, after run_job or instead of it: a cancelled answer becomes 503; then resume. */
static void finish_job(struct web_job *j)
{
    struct request *rq = (struct request *)j;
    int why = atomic_load(&j->cancel);

    if (why) {
        char msg[128];

        web_reply_release(&rq->reply);
        if (why == WEB_JOB_DEADLINE)
            snprintf(msg, sizeof(msg), "the answer took longer than the deadline of %g s "
                     "(serve --deadline)", rq->srv->opts->deadline_s);
        else
            snprintf(msg, sizeof(msg), why == WEB_JOB_STOPPING ? "the server is stopping" :
                     "the client went away");
        web_reply_error(&rq->reply, 503, msg);
        rq->reply.retry_after_s = why == WEB_JOB_DEADLINE ? 1 : 0;
    }
    rq->stage = STAGE_DONE;
    MHD_resume_connection(rq->conn);
}

/* Every request starts here, with its raw URI: %00 in the path is refused later. */
static void *begin_request(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct request *rq = sl_calloc(1, sizeof(*rq));
    const char *p;

    if (!rq)
        return NULL;
    rq->srv = cls;
    rq->conn = conn;
    for (p = uri; *p && *p != '?'; p++)
        if (p[0] == '%' && p[1] == '0' && p[2] == '0')
            rq->bad_path = 1;
    rq->long_uri = strlen(uri) > WEB_URI_MAX;
    return rq;
}

static void end_request(void *cls, struct MHD_Connection *conn, void **con_cls,
                        enum MHD_RequestTerminationCode toe)
{
    struct request *rq = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (!rq)
        return;
    web_reply_release(&rq->reply);
    sl_free(rq->body);
    sl_free(rq);
    *con_cls = NULL;
}

/* The headers are in: who may ask, and whether a body may follow. */
static enum MHD_Result check_head(struct request *rq, const char *url, const char *method)
{
    struct MHD_Connection *conn = rq->conn;
    const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
    const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *chunked = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                      MHD_HTTP_HEADER_TRANSFER_ENCODING);
    const char *type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_CONTENT_TYPE);
    int has_body = (length && strcmp(length, "0")) || chunked;
    enum web_route_kind kind;
    char msg[256];

    if (!web_host_allowed(rq->srv->opts, host)) {
        snprintf(msg, sizeof(msg), "host '%.100s' is not this server (expected 127.0.0.1, "
                 "localhost or a name given with serve --allow-host)", host ? host : "");
        return send_error(rq, 403, msg);
    }
    if (rq->long_uri) {
        snprintf(msg, sizeof(msg), "URI over the limit of %d bytes", WEB_URI_MAX);
        return send_error(rq, 414, msg);
    }
    if (rq->bad_path)
        return send_error(rq, 400, "invalid path (it holds %00, a NUL byte)");
    kind = web_route_kind(url, &rq->takes_body);
    if (kind == WEB_ROUTE_NONE || (strcmp(method, "GET") && strcmp(method, "HEAD") &&
                                   !(rq->takes_body && !strcmp(method, "POST")))) {
        /* 404 or 405, said by the route table */
        rq->req.method = method;
        rq->req.path = url;
        web_route(&rq->req, &rq->reply);
        rq->stage = STAGE_DONE;
        return send_reply(conn, &rq->reply);
    }
    if (!strcmp(method, "POST") && has_body) {
        if (!type || (strncasecmp(type, "text/csv", 8) || (type[8] && type[8] != ';')))
            return send_error(rq, 415, "a POSTed catalog is CSV text (expected Content-Type "
                              "text/csv)");
        if (length && strtoull(length, NULL, 10) > WEB_BODY_MAX) {
            snprintf(msg, sizeof(msg), "request body of %.20s bytes is over the limit of %d",
                     length, WEB_BODY_MAX);
            return send_error(rq, 413, msg);
        }
        rq->stage = STAGE_BODY;
        return MHD_YES;
    }
    if (has_body)
        return send_error(rq, 413, "request bodies are not accepted here");
    rq->stage = STAGE_BODY;
    return MHD_YES;
}

/* A piece of the body: kept up to the cap, then refused. */
static void take_body(struct request *rq, const char *data, size_t n)
{
    char *grown;

    if (rq->body_refused)
        return;
    if (rq->body_len + n > WEB_BODY_MAX) {
        rq->body_refused = 1;
        sl_free(rq->body);
        rq->body = NULL;
        rq->body_len = 0;
        return;
    }
    grown = sl_realloc(rq->body, rq->body_len + n + 1);
    if (!grown) {
        rq->body_refused = 1;
        return;
    }
    memcpy(grown + rq->body_len, data, n);
    rq->body = grown;
    rq->body_len += n;
    rq->body[rq->body_len] = '\0';
}

/*
 * MHD calls this first with the headers (checked there), then with each piece of body, then
 * with nothing left: the request is whole. Light routes are answered at once; heavy ones go to
 * a worker while the connection is suspended, and the answer is sent when MHD calls again
 * after the worker resumed it.
 */
static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    struct request *rq = *con_cls;
    char msg[128];

    (void)cls;
    (void)version;
    if (!rq)
        return MHD_NO; /* out of memory in begin_request */
    if (rq->stage == STAGE_HEAD)
        return check_head(rq, url, method);
    if (*upload_data_size) {
        take_body(rq, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rq->stage == STAGE_DONE)
        return send_reply(conn, &rq->reply);
    if (rq->stage == STAGE_WORKING)
        return MHD_YES;
    if (rq->body_refused) {
        snprintf(msg, sizeof(msg), "request body over the limit of %d bytes", WEB_BODY_MAX);
        return send_error(rq, 413, msg);
    }
    web_query_collect(conn, WEB_QUERY_MAX, &rq->q);
    if (rq->q.overflow) {
        snprintf(msg, sizeof(msg), "too many query parameters (at most %d)", WEB_QUERY_MAX);
        return send_error(rq, 414, msg);
    }
    if (rq->q.nul)
        return send_error(rq, 400, "invalid query (a parameter holds %00, a NUL byte)");
    rq->req.method = method;
    rq->req.path = url;
    rq->req.nargs = rq->q.n;
    rq->req.keys = rq->q.keys;
    rq->req.values = rq->q.values;
    rq->req.body = rq->body;
    rq->req.body_len = rq->body_len;
    rq->req.sim_budget = rq->srv->opts->sim_budget;
    if (web_route_kind(url, &rq->takes_body) != WEB_ROUTE_HEAVY) {
        web_route(&rq->req, &rq->reply);
        rq->stage = STAGE_DONE;
        return send_reply(conn, &rq->reply);
    }
    rq->job.run = run_job;
    rq->job.finish = finish_job;
    rq->job.deadline = web_jobs_now() + rq->srv->opts->deadline_s;
    rq->job.fd = web_conn_fd(conn);
    rq->stage = STAGE_WORKING;
    /* suspended before it is queued, so that a quick worker cannot resume it first */
    MHD_suspend_connection(conn);
    if (web_jobs_submit(rq->srv->jobs, &rq->job)) {
        MHD_resume_connection(conn);
        web_reply_error(&rq->reply, 503, "every worker is busy: try again shortly");
        rq->reply.retry_after_s = 1;
        rq->stage = STAGE_DONE;
    }
    return MHD_YES;
}

static void announce(unsigned port, void *ctx)
{
    const struct server *srv = ctx;

    printf("scalelab: serving on http://%s:%u/ (Ctrl-C stops)\n", srv->opts->addr, port);
    fflush(stdout);
}

/* SIGINT or SIGTERM: cancel and finish every heavy answer before the daemon stops. */
static void stopping(void *ctx)
{
    struct server *srv = ctx;

    web_jobs_free(srv->jobs);
    srv->jobs = NULL;
}

int web_serve(const struct web_opts *opts, char *err, size_t errlen)
{
    struct server srv = { opts, NULL };
    struct web_daemon d = { .addr = opts->addr, .port = opts->port, .threads = opts->threads,
                            .handler = handle, .handler_cls = &srv, .completed = end_request,
                            .uri_log = begin_request, .uri_log_cls = &srv, .suspend = 1,
                            .ready = announce, .stopping = stopping, .ctx = &srv };
    int sig = 0, st;

    srv.jobs = web_jobs_new(opts->workers, opts->workers * QUEUE_PER_WORKER);
    if (!srv.jobs)
        return cmd_failure(err, errlen, "cannot start the worker threads");
    st = web_daemon_run(&d, &sig, err, errlen);
    web_jobs_free(srv.jobs);
    if (st == CMD_OK)
        printf("scalelab: stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    return st;
}
