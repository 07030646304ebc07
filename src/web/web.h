/* The web module of `scalelab serve`: an HTTP server (libmicrohttpd), the page and the API. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_WEB_H
#define SL_WEB_H

#include <stdatomic.h>
#include <stddef.h>

/* Most names --allow-host may add. */
#define WEB_ALLOW_HOSTS_MAX 16
/* Largest request body (a catalog posted as CSV), bytes. */
#define WEB_BODY_MAX (256 * 1024)
/* Longest query parameter name or value the API takes, bytes. */
#define WEB_ARG_MAX_LEN 1024

struct web_opts {
    const char *addr;      /* IPv4 address to bind; "127.0.0.1" unless told otherwise */
    int port;              /* TCP port; 0 picks a free one */
    unsigned threads;      /* connection threads (I/O, static files, /healthz) */
    unsigned workers;      /* threads that compute API answers */
    double deadline_s;     /* an API request is answered 503 after this long, seconds */
    double sim_budget;     /* most work of one simulation, event-equivalents (sl_sim_cost) */
    size_t cache_bytes;    /* the API's document cache (cache.h); 0 turns it off */
    size_t n_allow_hosts;
    const char *allow_hosts[WEB_ALLOW_HOSTS_MAX]; /* more Host names to accept (--allow-host) */
};

/* One request as the route table sees it: decoded, checked, no sockets. */
struct web_request {
    const char *method;             /* "GET", "HEAD" or "POST" */
    const char *path;               /* decoded path, without the query */
    size_t nargs;
    const char *const *keys;        /* decoded query parameters */
    const char *const *values;      /* NULL for a bare key */
    const char *body;               /* POSTed text (NUL-terminated), or NULL */
    size_t body_len;
    const atomic_int *cancel;       /* set when the answer is no longer wanted, or NULL */
    double sim_budget;              /* most work of one simulation (sl_sim_cost) */
};

/* One HTTP answer: status, content type and an owned body. */
struct web_reply {
    int status;
    const char *content_type;
    char *body;             /* sl_malloc'd, or NULL when `fixed` is set */
    const char *fixed;      /* a body that lives forever (embedded assets) */
    size_t len;
    const char *allow;      /* the Allow header of a 405, or NULL */
    unsigned retry_after_s; /* a Retry-After header when nonzero (503) */
};

/* How a path is answered: where it runs and what it takes. */
enum web_route_kind {
    WEB_ROUTE_NONE = 0,  /* no such path: 404 */
    WEB_ROUTE_LIGHT = 1, /* answered at once by the connection thread (files, /healthz) */
    WEB_ROUTE_HEAVY = 2  /* computed by a worker under the request deadline */
};

/* What kind of route `path` is, and whether it takes a POSTed catalog (*takes_body). */
enum web_route_kind web_route_kind(const char *path, int *takes_body);

/* The Allow header value of `path` ("GET, HEAD" or "GET, HEAD, POST"). */
const char *web_route_allow(const char *path);

/*
 * Answers one request. Pure of sockets so tests and the server share it. Thread-safe; heavy
 * routes check req->cancel while they work.
 */
void web_route(const struct web_request *req, struct web_reply *out);

/*
 * The cache key of a request whose answer is a pure function of its route and parameters: a
 * GET or HEAD of a command's route, without a body, whose parameters parse. The route and
 * cmd_canonical's form into key; -1 when the request is not one (its answer is computed, and
 * an error says why), or the key does not fit in len.
 */
int web_route_cache_key(const struct web_request *req, char *key, size_t len);

/*
 * Whether the answer to req is a pure function of its route and query (a GET or HEAD of a
 * command's route, without a body): what a server without a cache still tags for 304s.
 */
int web_route_is_pure(const struct web_request *req);

/*
 * The request's query as it came (decoded parameters in their order), for finding at once a
 * document asked for in the same words before; NULL when web_route_cache_key would refuse it
 * for its route or method, or memory ran out. The caller's (sl_free).
 */
char *web_route_query_key(const struct web_request *req);

/* A JSON error document {"error": msg} with `status` into out (500 text if memory runs out). */
void web_reply_error(struct web_reply *out, int status, const char *msg);

/*
 * The API's OpenAPI 3.1 description (GET /api/openapi.json) as JSON text, generated from
 * cmd_all and the route table: a path per routed command with a JSON document, its parameters
 * with their types, ranges and defaults in the API, and the fixed routes. `version` is the
 * document's info.version. The text is the caller's (sl_free); NULL with err on failure.
 */
char *web_openapi_json(const char *version, char *err, size_t errlen);

/* Frees the reply's body. */
void web_reply_release(struct web_reply *r);

/*
 * Whether a Host header names this server: its loopback names and addresses (127.0.0.1,
 * localhost, [::1]), the bound address, or one of opts->allow_hosts, each with or without a
 * port. Anything else could be a DNS-rebinding page and is refused.
 */
int web_host_allowed(const struct web_opts *opts, const char *host);

/*
 * Serves until SIGINT or SIGTERM; CMD_OK after a clean shutdown, or CMD_USAGE / CMD_FAILURE
 * with the message in err (a bad address, a port in use).
 */
int web_serve(const struct web_opts *opts, char *err, size_t errlen);

#endif
