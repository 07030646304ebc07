/* The HTTP side of `scalelab app`: libmicrohttpd, the route table, cookies and CPU work. */
/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "lab/app_server.h"
#include "scalelab/alloc.h"
#include "web/daemon.h"
#include "banned.h"


#define MAX_ARGS 8          /* query parameters looked at; more is 400 */
#define NAME_RULE "1 to 64 characters of A-Z a-z 0-9 _ . -"
#define IDEM_RULE "1 to 128 characters of A-Z a-z 0-9 _ . : -"
#define IDEM_HEADER "Idempotency-Key"
#define STACK_COOKIES 8     /* Cookie headers a request carries without an allocation */

/* One request across MHD's calls of the handler. */
struct app_request {
    unsigned long long body; /* bytes of request body received so far */
    int answered;            /* a response is queued */
};

/* One request as a handler sees it. */
struct app_call {
    struct app_server *srv;
    const char *user;                /* ?user=, checked, or NULL */
    const char *item;                /* ?item=, checked, or NULL */
    long seat;                       /* N of /seats/N/book */
    const char *idem;                /* Idempotency-Key, checked, or NULL */
    const char *cookie;              /* value of the session cookie, or NULL if none sent */
    char cookie_buf[APP_COOKIE_MAX]; /* where cookie points */
    struct app_session sess;         /* what the store found */
};

typedef void app_handler_fn(struct app_call *c, struct app_reply *r);

enum {
    ROUTE_SESSION = 1u << 0, /* without a session cookie: 401 before the handler */
    ROUTE_USER = 1u << 1,    /* takes ?user= */
    ROUTE_ITEM = 1u << 2,    /* takes ?item= */
    ROUTE_NO_WORK = 1u << 3, /* health checks burn no --work-us */
    ROUTE_SEAT = 1u << 4,    /* the path is /seats/N/book */
    ROUTE_IDEM = 1u << 5     /* a write that honours Idempotency-Key */
};

struct app_route {
    const char *method; /* "GET" (HEAD as well) or "POST" */
    const char *path;
    app_handler_fn *fn;
    unsigned flags;
};

/* ---- answers ---- */

static void reply_json(struct app_reply *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void reply_json(struct app_reply *r, int status, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(r->body, sizeof(r->body), fmt, ap);
    va_end(ap);
    r->status = status;
    if (n < 0 || (size_t)n >= sizeof(r->body)) {
        r->status = 500;
        n = snprintf(r->body, sizeof(r->body), "{\"error\":\"answer too long\"}");
    }
    r->len = (size_t)n;
}

/* {"error":"message"}: quotes, backslashes and bytes outside printable ASCII escaped. */
static void reply_error(struct app_reply *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void reply_error(struct app_reply *r, int status, const char *fmt, ...)
{
    static const char hex[] = "0123456789abcdef";
    char msg[512];
    size_t i, o = 0;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    o = (size_t)snprintf(r->body, sizeof(r->body), "{\"error\":\"");
    for (i = 0; msg[i] && o + 8 < sizeof(r->body); i++) {
        unsigned char ch = (unsigned char)msg[i];

        if (ch == '"' || ch == '\\') {
            r->body[o++] = '\\';
            r->body[o++] = (char)ch;
        } else if (ch < 0x20 || ch >= 0x7f) {
            memcpy(r->body + o, "\\u00", 4);
            r->body[o + 4] = hex[ch >> 4];
            r->body[o + 5] = hex[ch & 15];
            o += 6;
        } else {
            r->body[o++] = (char)ch;
        }
    }
    memcpy(r->body + o, "\"}", 3);
    r->len = o + 2;
    r->status = status;
}

/* Turns a failed store call into its answer; returns 0 when there was no failure. */
static int store_failed(const struct app_call *c, enum app_result res, struct app_reply *r)
{
    const char *name = c->srv->store->ops->name;

    switch (res) {
    case APP_OK:
        return 0;
    case APP_NO_SESSION:
        r->session = "miss";
        reply_error(r, 401, "unknown session");
        return 1;
    case APP_UNAVAILABLE:
        reply_error(r, 503, "%s unavailable", strcmp(name, "redis") ? "session store" : "redis");
        return 1;
    case APP_DENIED:
        reply_error(r, 503, "%s refused the app's password (wrong or missing)",
                    strcmp(name, "redis") ? "session store" : "redis");
        return 1;
    case APP_TAKEN:
    case APP_NOMEM:
    default:
        reply_error(r, 500, "out of memory");
        return 1;
    }
}

/* Finds the request's session (and its cart if with_cart); 0 if found, else the answer is set. */
static int find_session(struct app_call *c, struct app_reply *r, int with_cart)
{
    struct app_store *st = c->srv->store;

    if (store_failed(c, st->ops->get_session(st, c->cookie, with_cart, &c->sess), r))
        return -1;
    r->session = "hit";
    return 0;
}

/* {"user", "items", "backend"} of the session in c->sess. */
static void reply_cart(const struct app_call *c, struct app_reply *r)
{
    char items[APP_CART_MAX * (APP_NAME_MAX + 3) + 1];
    size_t i, o = 0;

    items[0] = '\0';
    for (i = 0; i < c->sess.n_items; i++)
        o += (size_t)snprintf(items + o, sizeof(items) - o, "%s\"%s\"", i ? "," : "",
                              c->sess.items[i]);
    reply_json(r, 200, "{\"user\":\"%s\",\"items\":[%s],\"backend\":\"%s\"}", c->sess.user,
               items, c->srv->opts->id);
}

/* ---- handlers, one per route ---- */

static void h_login(struct app_call *c, struct app_reply *r)
{
    struct app_store *st = c->srv->store;

    if (store_failed(c, st->ops->login(st, c->user, &c->sess), r))
        return;
    r->cookie = c->sess.cookie;
    reply_json(r, 200, "{\"user\":\"%s\",\"backend\":\"%s\"}", c->sess.user, c->srv->opts->id);
}

static void h_cart(struct app_call *c, struct app_reply *r)
{
    if (find_session(c, r, 1))
        return;
    reply_cart(c, r);
}

static void h_cart_add(struct app_call *c, struct app_reply *r)
{
    struct app_store *st = c->srv->store;

    if (store_failed(c, st->ops->add_item(st, c->cookie, c->item, c->idem, &c->sess,
                                          &r->replayed), r))
        return;
    r->session = "hit";
    if (c->sess.cookie[0])
        r->cookie = c->sess.cookie;
    reply_cart(c, r);
}

static void h_counter_incr(struct app_call *c, struct app_reply *r)
{
    struct app_store *st = c->srv->store;
    long long v = 0;

    if (find_session(c, r, 0) ||
        store_failed(c, st->ops->incr_counter(st, c->sess.user, c->idem, &v, &r->replayed), r))
        return;
    reply_json(r, 200, "{\"value\":%lld}", v);
}

static void h_counter(struct app_call *c, struct app_reply *r)
{
    struct app_store *st = c->srv->store;
    long long v = 0;

    if (store_failed(c, st->ops->get_counter(st, &v), r))
        return;
    reply_json(r, 200, "{\"value\":%lld}", v);
}

static void h_book(struct app_call *c, struct app_reply *r)
{
    struct app_store *st = c->srv->store;
    enum app_result res;

    if (find_session(c, r, 0))
        return;
    res = st->ops->book_seat(st, c->seat, c->sess.user, c->idem, &r->replayed);
    if (res == APP_TAKEN)
        reply_json(r, 409, "{\"seat\":%ld,\"booked\":false}", c->seat);
    else if (!store_failed(c, res, r))
        reply_json(r, 200, "{\"seat\":%ld,\"booked\":true,\"user\":\"%s\"}", c->seat,
                   c->sess.user);
}

static void h_whoami(struct app_call *c, struct app_reply *r)
{
    reply_json(r, 200, "{\"backend\":\"%s\",\"state\":\"%s\",\"pid\":%ld}", c->srv->opts->id,
               c->srv->store->ops->name, c->srv->pid);
}

static void h_healthz(struct app_call *c, struct app_reply *r)
{
    (void)c;
    reply_json(r, 200, "{\"status\":\"ok\"}");
}

static void h_readyz(struct app_call *c, struct app_reply *r)
{
    struct app_store *st = c->srv->store;

    if (!store_failed(c, st->ops->ready(st), r))
        reply_json(r, 200, "{\"status\":\"ok\"}");
}

static const struct app_route routes[] = {
    { "POST", "/login", h_login, ROUTE_USER },
    { "GET", "/cart", h_cart, ROUTE_SESSION },
    { "POST", "/cart/add", h_cart_add, ROUTE_SESSION | ROUTE_ITEM | ROUTE_IDEM },
    { "POST", "/counter/incr", h_counter_incr, ROUTE_SESSION | ROUTE_IDEM },
    { "GET", "/counter", h_counter, 0 },
    { "POST", "/seats/N/book", h_book, ROUTE_SESSION | ROUTE_SEAT | ROUTE_IDEM },
    { "GET", "/whoami", h_whoami, 0 },
    { "GET", "/healthz", h_healthz, ROUTE_NO_WORK },
    { "GET", "/readyz", h_readyz, ROUTE_NO_WORK },
};

/* ---- request checks ---- */

/* The route of path, or NULL; for /seats/N/book, seat_text and seat_len give the N. */
static const struct app_route *find_route(const char *path, const char **seat_text,
                                          size_t *seat_len)
{
    static const char prefix[] = "/seats/", suffix[] = "/book";
    size_t len = strlen(path), i;

    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        if (!(routes[i].flags & ROUTE_SEAT) && !strcmp(path, routes[i].path))
            return &routes[i];
    if (len < sizeof(prefix) - 1 + sizeof(suffix) - 1 ||
        strncmp(path, prefix, sizeof(prefix) - 1) ||
        strcmp(path + len - (sizeof(suffix) - 1), suffix))
        return NULL;
    *seat_text = path + sizeof(prefix) - 1;
    *seat_len = len - (sizeof(prefix) - 1) - (sizeof(suffix) - 1);
    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        if (routes[i].flags & ROUTE_SEAT)
            return &routes[i];
    return NULL;
}

/* N of /seats/N/book: 1 to 7 decimal digits below APP_SEATS; -1 otherwise. */
static long parse_seat(const char *s, size_t len)
{
    long v = 0;
    size_t i;

    if (len < 1 || len > 7)
        return -1;
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v < APP_SEATS ? v : -1;
}

/* Checks the query against what the route takes; 0 if fine, else the 400 is in r. */
static int check_args(const struct app_input *in, const struct app_route *rt,
                      struct app_call *c, struct app_reply *r)
{
    const char *want = rt->flags & ROUTE_USER ? "user" : rt->flags & ROUTE_ITEM ? "item" : NULL;
    const char *value = NULL;
    size_t i;

    if (in->args_overflow) {
        reply_error(r, 400, "too many query parameters");
        return -1;
    }
    for (i = 0; i < in->nargs; i++) {
        if (!want || strcmp(in->keys[i], want)) {
            reply_error(r, 400, "unknown parameter '%.64s' (%s%s)", in->keys[i],
                        want ? "expected " : "this path takes none", want ? want : "");
            return -1;
        }
        if (value) {
            reply_error(r, 400, "parameter '%s' given twice", want);
            return -1;
        }
        value = in->values[i] ? in->values[i] : "";
        if (!app_name_valid(value)) {
            reply_error(r, 400, "invalid %s '%.64s' (expected " NAME_RULE ")", want, value);
            return -1;
        }
    }
    if (want && !value) {
        reply_error(r, 400, "missing parameter '%s' (expected ?%s=NAME)", want, want);
        return -1;
    }
    if (rt->flags & ROUTE_USER)
        c->user = value;
    if (rt->flags & ROUTE_ITEM)
        c->item = value;
    return 0;
}

/* RFC 6265 cookie-name (an RFC 7230 token) and cookie-octet characters. */
static int token_char(char ch)
{
    return ch > 0x20 && ch < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", ch);
}

static int cookie_octet(char ch)
{
    return ch > 0x20 && ch < 0x7f && ch != '"' && ch != ',' && ch != ';' && ch != '\\';
}

/* What the Cookie headers say about one cookie name. */
struct cookie_scan {
    const char *name;
    char *out;      /* the first value found */
    size_t cap;
    int count;      /* times the name was found */
    int malformed;  /* a header did not parse, or a value did not fit */
};

/* Scans one Cookie header ("a=1; b=\"2\""); any syntax error marks the scan malformed. */
static void scan_cookie_header(const char *h, struct cookie_scan *s)
{
    size_t nlen = strlen(s->name);

    while (*h) {
        const char *k, *v;
        size_t klen, vlen;
        int quoted;

        while (*h == ' ' || *h == '\t' || *h == ';')
            h++;
        if (!*h)
            break;
        k = h;
        while (token_char(*h))
            h++;
        klen = (size_t)(h - k);
        if (!klen || *h != '=')
            goto bad;
        quoted = *++h == '"';
        h += quoted;
        v = h;
        while (cookie_octet(*h))
            h++;
        vlen = (size_t)(h - v);
        if (quoted && *h++ != '"')
            goto bad;
        while (*h == ' ' || *h == '\t')
            h++;
        if (*h && *h != ';')
            goto bad;
        if (klen == nlen && !memcmp(k, s->name, nlen) && s->count++ == 0) {
            if (vlen >= s->cap)
                goto bad;
            memcpy(s->out, v, vlen);
            s->out[vlen] = '\0';
        }
    }
    return;
bad:
    s->malformed = 1;
}

/* The session cookie's value, or NULL when there is none: absent, twice, or malformed headers. */
static const char *session_cookie(const struct app_input *in, struct app_call *c)
{
    struct cookie_scan s = { c->srv->store->ops->cookie_name, c->cookie_buf,
                             sizeof(c->cookie_buf), 0, 0 };
    size_t i;

    for (i = 0; i < in->ncookies; i++)
        scan_cookie_header(in->cookies[i], &s);
    return s.count == 1 && !s.malformed ? c->cookie_buf : NULL;
}

/* Burns `us` microseconds of this thread's CPU time, as a stand-in for real work. */
static void burn_cpu(long us)
{
    struct timespec t0, t;
    long long spent;

    if (us <= 0 || clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0))
        return;
    do {
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        spent = (long long)(t.tv_sec - t0.tv_sec) * 1000000 + (t.tv_nsec - t0.tv_nsec) / 1000;
    } while (spent < us);
}

/*
 * Nonzero if the request announces a body over APP_BODY_MAX in Content-Length, or a chunked
 * one: its size is unknown until it has been read, and MHD can answer only before that.
 */
static int body_too_big(const char *cl, const char *transfer_encoding)
{
    unsigned long long v = 0;

    if (transfer_encoding)
        return 1;
    if (!cl)
        return 0;
    for (; *cl >= '0' && *cl <= '9'; cl++) {
        v = v * 10 + (unsigned long long)(*cl - '0');
        if (v > APP_BODY_MAX)
            return 1;
    }
    return 0;
}

static void refuse_body_reply(struct app_reply *r)
{
    reply_error(r, 413, "request body over %d bytes or without a Content-Length",
                APP_BODY_MAX);
}

/* Routes one complete request: 413, 404, 405, 400, 401 or the handler's answer. */
void app_answer(struct app_server *srv, const struct app_input *in, struct app_reply *r)
{
    const char *method = in->method, *url = in->path;
    const char *seat_text = NULL;
    size_t seat_len = 0;
    const struct app_route *rt = find_route(url, &seat_text, &seat_len);
    int is_get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    struct app_call call, *c = &call;

    memset(r, 0, offsetof(struct app_reply, body));
    memset(c, 0, offsetof(struct app_call, cookie_buf));
    c->srv = srv;
    if (body_too_big(in->content_length, in->transfer_encoding)) {
        refuse_body_reply(r);
        return;
    }
    if (!rt) {
        reply_error(r, 404, "unknown path '%.64s'", url);
        return;
    }
    if (strcmp(rt->method, method) && !(is_get && !strcmp(rt->method, "GET"))) {
        r->allow = strcmp(rt->method, "GET") ? "POST" : "GET, HEAD";
        reply_error(r, 405, "method '%.16s' not allowed on '%.64s' (expected %s)", method, url,
                    r->allow);
        return;
    }
    if (check_args(in, rt, c, r))
        return;
    if (rt->flags & ROUTE_SEAT) {
        c->seat = parse_seat(seat_text, seat_len);
        if (c->seat < 0) {
            reply_error(r, 400, "invalid seat '%.*s' (expected 0 to 999999)",
                        (int)(seat_len > 64 ? 64 : seat_len), seat_text);
            return;
        }
    }
    if (rt->flags & ROUTE_IDEM) {
        c->idem = in->idem;
        if (c->idem && !app_idem_valid(c->idem)) {
            reply_error(r, 400, "invalid " IDEM_HEADER " '%.64s' (expected " IDEM_RULE ")",
                        c->idem);
            return;
        }
    }
    if (rt->flags & ROUTE_SESSION) {
        c->cookie = session_cookie(in, c);
        if (!c->cookie) {
            reply_error(r, 401, "unknown session");
            return;
        }
    }
    if (!(rt->flags & ROUTE_NO_WORK))
        burn_cpu(srv->opts->work_us);
    rt->fn(c, r);
    if (r->cookie) {
        /* the session the cookie came from lives in this frame: the reply keeps a copy */
        snprintf(r->cookie_buf, sizeof(r->cookie_buf), "%s", r->cookie);
        r->cookie = r->cookie_buf;
    }
}

/* ---- libmicrohttpd ---- */

static enum MHD_Result send_reply(struct app_server *srv, struct MHD_Connection *conn,
                                  const struct app_reply *r)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    char set_cookie[APP_COOKIE_MAX + 64];

    resp = MHD_create_response_from_buffer(r->len, (void *)r->body, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    MHD_add_response_header(resp, "X-Backend", srv->opts->id);
    MHD_add_response_header(resp, "X-Session", r->session ? r->session : "none");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (r->allow)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (r->replayed)
        MHD_add_response_header(resp, "Idempotent-Replayed", "true");
    if (r->cookie) {
        snprintf(set_cookie, sizeof(set_cookie), "%s; HttpOnly; SameSite=Strict; Path=/",
                 r->cookie);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, set_cookie);
    }
    ret = MHD_queue_response(conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Cookie headers of one request: the first `cap` in v, all of them counted in n. */
struct cookie_list {
    const char **v;
    size_t n, cap;
};

static enum MHD_Result collect_cookie(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    struct cookie_list *l = cls;

    (void)kind;
    if (value && !strcasecmp(key, MHD_HTTP_HEADER_COOKIE)) {
        if (l->n < l->cap)
            l->v[l->n] = value;
        l->n++;
    }
    return MHD_YES;
}

static const char *header(struct MHD_Connection *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* Reads what app_answer takes from conn's complete request, and answers it into r. */
static void answer_connection(struct app_server *srv, struct MHD_Connection *conn,
                              const char *method, const char *url, struct app_reply *r)
{
    const char *few[STACK_COOKIES];
    struct cookie_list cookies = { few, 0, STACK_COOKIES };
    struct web_query q;
    struct app_input in;

    web_query_collect(conn, MAX_ARGS, &q);
    MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_cookie, &cookies);
    if (cookies.n > STACK_COOKIES) {
        cookies.cap = cookies.n;
        cookies.n = 0;
        cookies.v = sl_malloc(cookies.cap * sizeof(*cookies.v));
        if (!cookies.v) {
            memset(r, 0, offsetof(struct app_reply, body));
            reply_error(r, 500, "out of memory");
            return;
        }
        MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_cookie, &cookies);
    }
    in = (struct app_input){
        .method = method, .path = url,
        .nargs = q.n, .args_overflow = q.overflow, .keys = q.keys, .values = q.values,
        .content_length = header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH),
        .transfer_encoding = header(conn, MHD_HTTP_HEADER_TRANSFER_ENCODING),
        .idem = header(conn, IDEM_HEADER), .ncookies = cookies.n, .cookies = cookies.v
    };
    app_answer(srv, &in, r);
    if (cookies.v != few)
        sl_free(cookies.v);
}

static enum MHD_Result refuse_body(struct app_server *srv, struct MHD_Connection *conn,
                                   struct app_request *rq)
{
    struct app_reply r;

    memset(&r, 0, offsetof(struct app_reply, body));
    refuse_body_reply(&r);
    rq->answered = 1;
    return send_reply(srv, conn, &r);
}

/*
 * MHD calls this first with the headers only (a body over the limit is refused there, before it
 * is read), then with each piece of body (counted and dropped), then once more with nothing
 * left: the request is answered on that last call.
 */
static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    struct app_server *srv = cls;
    struct app_request *rq = *con_cls;
    struct app_reply r;

    (void)version;
    (void)upload_data;
    if (!rq) {
        rq = sl_calloc(1, sizeof(*rq));
        if (!rq)
            return MHD_NO;
        *con_cls = rq;
        if (body_too_big(header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH),
                         header(conn, MHD_HTTP_HEADER_TRANSFER_ENCODING)))
            return refuse_body(srv, conn, rq);
        return MHD_YES;
    }
    if (*upload_data_size) {
        rq->body += *upload_data_size;
        *upload_data_size = 0;
        return rq->body > APP_BODY_MAX ? MHD_NO : MHD_YES; /* more than announced */
    }
    if (rq->answered)
        return MHD_YES;
    rq->answered = 1;
    answer_connection(srv, conn, method, url, &r);
    return send_reply(srv, conn, &r);
}

static void request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    sl_free(*con_cls);
    *con_cls = NULL;
}

static void announce(unsigned port, void *ctx)
{
    const struct app_opts *opts = ctx;

    printf("scalelab app: %s listening on http://%s:%u/\n", opts->id, opts->addr, port);
    fflush(stdout);
}

int app_serve(const struct app_opts *opts, struct app_store *store, char *err, size_t errlen)
{
    struct app_server srv = { opts, store, (long)getpid() };
    /* on loopback there is no per-IP limit: behind HAProxy every client is 127.0.0.1 */
    struct web_daemon d = { .addr = opts->addr, .port = opts->port, .threads = opts->threads,
                            .handler = handle, .handler_cls = &srv, .completed = request_done,
                            .ready = announce, .ctx = (void *)opts };
    int sig = 0;

    return web_daemon_run(&d, &sig, err, errlen);
}
