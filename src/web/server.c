/* The HTTP server of `scalelab serve`: checks requests, answers light ones, queues heavy ones. */
/* SPDX-License-Identifier: MIT */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cache.h"
#include "commands/command.h"
#include "daemon.h"
#include "jobs.h"
#include "web.h"
#include "banned.h"

/* Heavy requests that may wait for a worker; beyond, 503 with Retry-After. */
#define QUEUE_PER_WORKER 16
/* Longest cache key kept (longer queries are answered, never cached). */
#define KEY_MAX 4096
/* How long a client may reuse an API document without asking again, seconds. */
#define API_MAX_AGE "600"
/* Longest URI answered (MHD itself refuses, in HTML, what does not fit its connection memory). */
#define WEB_URI_MAX (16 * 1024)

struct server {
    const struct web_opts *opts;
    struct web_jobs *jobs;
    struct web_cache *cache;     /* NULL with --cache-mb 0 */
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
    /* a document that is a pure function of its query: its key, its entity tag, its entry */
    int keyed;
    char *query_key;             /* the query in its own words (web_route_query_key) */
    char *key;                   /* its canonical form (web_route_cache_key) */
    char etag[20];
    const struct web_cache_entry *entry; /* held until the request ends */
    int hit;                             /* the entry was found, not computed */
};

/*
 * Headers every answer carries: no sniffing, nothing external; a document of a query (keyed)
 * may be kept by the client and revalidated by its entity tag, other answers are not kept.
 */
static void add_headers(struct MHD_Response *resp, const struct request *rq)
{
    const struct web_reply *r = &rq->reply;
    char retry[16];

    if (r->content_type)
        MHD_add_response_header(resp, "Content-Type", r->content_type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                            "img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'; "
                            "form-action 'none'");
    if (rq->keyed && (r->status == 200 || r->status == 304)) {
        MHD_add_response_header(resp, "Cache-Control", "public, max-age=" API_MAX_AGE);
        MHD_add_response_header(resp, "ETag", rq->etag);
        MHD_add_response_header(resp, "X-Cache", rq->hit ? "hit" : "miss");
    } else {
        MHD_add_response_header(resp, "Cache-Control", r->fixed ? "no-cache" : "no-store");
    }
    if (r->allow)
        MHD_add_response_header(resp, "Allow", r->allow);
    if (r->retry_after_s) {
        snprintf(retry, sizeof(retry), "%u", r->retry_after_s);
        MHD_add_response_header(resp, "Retry-After", retry);
    }
}

/* MHD is done with a response made from a cache entry. */
static void entry_sent(void *cls)
{
    web_cache_release(cls);
}

/* The cache frees an entry, and with it the response kept to send it. */
static void drop_response(void *resp)
{
    MHD_destroy_response(resp);
}

/*
 * The response that sends a hit: built once per entry, headers included, and kept with it, so a
 * hit allocates nothing. Its body is the entry's document, which lives as long as the entry; each
 * request holds the entry until it ends, and MHD holds the response while it sends.
 */
static struct MHD_Response *ready_response(struct request *rq)
{
    struct MHD_Response *resp = web_cache_ready(rq->entry), *kept;

    if (resp)
        return resp;
    resp = MHD_create_response_from_buffer(rq->entry->len, (void *)rq->entry->body,
                                           MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return NULL;
    add_headers(resp, rq);
    kept = web_cache_keep_ready(rq->entry, resp);
    if (kept != resp)
        MHD_destroy_response(resp);
    return kept;
}

/* Whether the client already holds the keyed document it asks for (If-None-Match). */
static int client_holds(const struct request *rq)
{
    const char *inm = rq->keyed && rq->reply.status == 200
                          ? MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND,
                                                        MHD_HTTP_HEADER_IF_NONE_MATCH)
                          : NULL;

    return inm && web_cache_etag_matches(inm, rq->etag);
}

/* The body of rq's answer: nothing when the client holds it (304), the entry, or the reply. */
static struct MHD_Response *make_response(struct request *rq)
{
    struct web_reply *r = &rq->reply;
    const struct web_cache_entry *e = rq->entry;
    struct MHD_Response *resp;

    if (client_holds(rq)) {
        r->status = 304;
        return MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    }
    if (e) {
        resp = MHD_create_response_from_buffer_with_free_callback_cls(
            e->len, (void *)e->body, entry_sent, (void *)e);
        if (resp)
            rq->entry = NULL; /* the response holds it now */
        return resp;
    }
    if (r->fixed)
        return MHD_create_response_from_buffer(r->len, (void *)r->fixed,
                                               MHD_RESPMEM_PERSISTENT);
    return MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_COPY);
}

/* Queues rq's answer and frees the reply's body. */
static enum MHD_Result send_reply(struct request *rq)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;

    if (rq->hit && !client_holds(rq) && (resp = ready_response(rq)) != NULL)
        return MHD_queue_response(rq->conn, 200, resp); /* the entry keeps it */
    resp = make_response(rq);
    if (!resp) {
        web_reply_release(&rq->reply);
        return MHD_NO;
    }
    add_headers(resp, rq);
    ret = MHD_queue_response(rq->conn, (unsigned)rq->reply.status, resp);
    MHD_destroy_response(resp);
    web_reply_release(&rq->reply);
    return ret;
}

static enum MHD_Result send_error(struct request *rq, int status, const char *msg)
{
    web_reply_error(&rq->reply, status, msg);
    rq->stage = STAGE_DONE;
    return send_reply(rq);
}

/* The query's own words lead to the entry next time, without parsing (a copy of the document). */
static void remember_words(struct request *rq)
{
    if (rq->entry && strcmp(rq->query_key, rq->key))
        web_cache_release(web_cache_put(rq->srv->cache, rq->query_key, rq->entry->body,
                                        rq->entry->len));
}

/*
 * Finds the request's document in the cache: by its words, else by its canonical form (then
 * the words are remembered). Sets keyed when the answer is a pure function of the query, and
 * entry on a hit.
 */
static void look_up(struct request *rq)
{
    struct web_cache *c = rq->srv->cache;
    char key[KEY_MAX];

    if (!c) { /* no key to find: a document is only tagged, for a later If-None-Match */
        rq->keyed = web_route_is_pure(&rq->req);
        return;
    }
    /* the words are only a way into the cache */
    rq->query_key = web_route_query_key(&rq->req);
    if (!rq->query_key)
        return;
    if ((rq->entry = web_cache_get(c, rq->query_key)) != NULL) {
        rq->keyed = 1;
        return;
    }
    if (web_route_cache_key(&rq->req, key, sizeof(key)) || !(rq->key = sl_strdup(key)))
        return; /* an error to answer, or a query too long to keep */
    rq->keyed = 1;
    if ((rq->entry = web_cache_get(c, rq->key)) != NULL)
        remember_words(rq);
}

/*
 * A keyed document just computed: stored in the cache (and sent from there), or at least
 * tagged so that a client holding it gets a 304.
 */
static void keep_answer(struct request *rq)
{
    struct web_reply *r = &rq->reply;

    if (!rq->keyed || r->status != 200 || !r->body)
        return;
    if (rq->srv->cache) {
        rq->entry = web_cache_put(rq->srv->cache, rq->key, r->body, r->len);
        remember_words(rq);
    }
    if (rq->entry) {
        memcpy(rq->etag, rq->entry->etag, sizeof(rq->etag));
        web_reply_release(r); /* sent from the entry */
    } else {
        web_cache_etag(r->body, r->len, rq->etag);
    }
}

/* On a worker: the answer, computed with the job's cancel flag. */
static void run_job(struct web_job *j)
{
    struct request *rq = (struct request *)j;

    rq->req.cancel = &j->cancel;
    web_route(&rq->req, &rq->reply);
    if (!atomic_load(&j->cancel))
        keep_answer(rq);
}

/* On a worker, after run_job or instead of it: a cancelled answer becomes 503; then resume. */
static void finish_job(struct web_job *j)
{
    struct request *rq = (struct request *)j;
    int why = atomic_load(&j->cancel);

    if (why) {
        char msg[128];

        web_reply_release(&rq->reply);
        web_cache_release(rq->entry);
        rq->entry = NULL;
        rq->keyed = 0;
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

/*
 * What the raw URI said, before MHD decoded it: a path holding %00 (refused later) and a URI
 * over WEB_URI_MAX. MHD keeps the pointer returned as the request's *con_cls; it is one of
 * these constants, never memory, because MHD tells the completion callback only about requests
 * that reached the handler.
 */
enum { URI_BAD_PATH = 1, URI_LONG = 2 };
static const char uri_said[4];

static void *begin_request(void *cls, const char *uri, struct MHD_Connection *conn)
{
    const char *p;
    int said = 0;

    (void)cls;
    (void)conn;
    for (p = uri; *p && *p != '?'; p++)
        if (p[0] == '%' && p[1] == '0' && p[2] == '0')
            said |= URI_BAD_PATH;
    if (strlen(uri) > WEB_URI_MAX)
        said |= URI_LONG;
    return (void *)&uri_said[said];
}

static int is_uri_said(const void *p)
{
    return (const char *)p >= uri_said && (const char *)p < uri_said + sizeof(uri_said);
}

/* The handler's first call: the request's state, from what the URI said. */
static struct request *new_request(struct server *srv, struct MHD_Connection *conn,
                                   const void *said)
{
    struct request *rq = sl_calloc(1, sizeof(*rq));
    int bits = is_uri_said(said) ? (int)((const char *)said - uri_said) : 0;

    if (!rq)
        return NULL;
    rq->srv = srv;
    rq->conn = conn;
    rq->bad_path = (bits & URI_BAD_PATH) != 0;
    rq->long_uri = (bits & URI_LONG) != 0;
    return rq;
}

static void end_request(void *cls, struct MHD_Connection *conn, void **con_cls,
                        enum MHD_RequestTerminationCode toe)
{
    struct request *rq = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (!rq || is_uri_said(rq))
        return;
    web_reply_release(&rq->reply);
    web_cache_release(rq->entry);
    sl_free(rq->query_key);
    sl_free(rq->key);
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
        return send_reply(rq);
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

    (void)version;
    if (!rq || is_uri_said(rq)) {
        rq = new_request(cls, conn, rq);
        *con_cls = rq;
        if (!rq)
            return MHD_NO;
    }
    if (rq->stage == STAGE_HEAD)
        return check_head(rq, url, method);
    if (*upload_data_size) {
        take_body(rq, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rq->stage == STAGE_DONE)
        return send_reply(rq);
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
    look_up(rq);
    if (rq->entry) { /* answered at once, on this thread, with no copy */
        rq->hit = 1;
        rq->reply.status = 200;
        rq->reply.content_type = "application/json";
        memcpy(rq->etag, rq->entry->etag, sizeof(rq->etag));
        rq->stage = STAGE_DONE;
        return send_reply(rq);
    }
    if (web_route_kind(url, &rq->takes_body) != WEB_ROUTE_HEAVY) {
        web_route(&rq->req, &rq->reply);
        keep_answer(rq);
        rq->stage = STAGE_DONE;
        return send_reply(rq);
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
    struct server srv = { opts, NULL, NULL };
    struct web_daemon d = { .addr = opts->addr, .port = opts->port, .threads = opts->threads,
                            .handler = handle, .handler_cls = &srv, .completed = end_request,
                            .uri_log = begin_request, .uri_log_cls = &srv, .suspend = 1,
                            .ready = announce, .stopping = stopping, .ctx = &srv };
    int sig = 0, st;

    if (opts->cache_bytes) {
        srv.cache = web_cache_new(opts->cache_bytes, drop_response);
        if (!srv.cache)
            return cmd_failure(err, errlen, "no memory for a cache of %zu bytes",
                               opts->cache_bytes);
    }
    srv.jobs = web_jobs_new(opts->workers, opts->workers * QUEUE_PER_WORKER);
    if (!srv.jobs) {
        web_cache_free(srv.cache);
        return cmd_failure(err, errlen, "cannot start the worker threads");
    }
    st = web_daemon_run(&d, &sig, err, errlen);
    web_jobs_free(srv.jobs);
    web_cache_free(srv.cache); /* every response holding an entry is gone with the daemon */
    if (st == CMD_OK)
        printf("scalelab: stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    return st;
}
