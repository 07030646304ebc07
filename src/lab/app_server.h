/* `scalelab app`: the demo app server of the live lab (protocol in docs/lab-protocol.md). */
/* SPDX-License-Identifier: MIT */
#ifndef SL_APP_SERVER_H
#define SL_APP_SERVER_H

#include "lab/app_codec.h"
#include "lab/app_store.h"

/* Most microseconds of CPU work per request (--work-us). */
#define APP_WORK_US_MAX 1000000L
/* Largest request body accepted (and ignored); more is 413. */
#define APP_BODY_MAX 1024

struct app_opts {
    const char *addr;   /* IPv4 address to bind; "127.0.0.1" unless told otherwise */
    int port;           /* TCP port; 0 picks a free one */
    const char *id;     /* the backend's name in X-Backend and bodies; a valid app name */
    long work_us;       /* CPU microseconds burnt per request, 0..APP_WORK_US_MAX */
    unsigned threads;   /* worker threads, each with its own epoll */
};

/* Largest JSON answer, bytes; a full cart takes about 4.4 KiB. */
#define APP_REPLY_MAX 8192

/* A running app: what app_answer needs besides the request. */
struct app_server {
    const struct app_opts *opts;
    struct app_store *store;   /* borrowed */
    long pid;                  /* reported by /whoami */
};

/* One request as the app's router sees it: decoded, no sockets. All pointers are borrowed. */
struct app_input {
    const char *method;            /* "GET", "HEAD", "POST", ... */
    const char *path;              /* decoded path, without the query */
    size_t nargs;
    int args_overflow;             /* the query held more parameters than were kept */
    const char *const *keys;       /* decoded query parameters */
    const char *const *values;     /* NULL for a bare key */
    const char *content_length;    /* the Content-Length header, or NULL */
    const char *transfer_encoding; /* the Transfer-Encoding header, or NULL */
    const char *idem;              /* the Idempotency-Key header, or NULL */
    size_t ncookies;
    const char *const *cookies;    /* every Cookie header, in order */
};

/* One answer before it becomes an HTTP response. */
struct app_reply {
    int status;
    const char *session;      /* X-Session: "hit", "miss" or "none" */
    const char *cookie;       /* "name=value" for Set-Cookie (in cookie_buf), or NULL */
    const char *allow;        /* Allow of a 405, or NULL */
    int replayed;             /* answered from the Idempotency-Key store: Idempotent-Replayed */
    size_t len;
    char body[APP_REPLY_MAX]; /* JSON, len bytes and a NUL */
    char cookie_buf[APP_COOKIE_MAX];
};

/*
 * Answers one request (413, 404, 405, 400, 401 or the route's answer) into out, using
 * srv->store; the request body itself is never looked at. Pure of sockets: the libmicrohttpd
 * handler and the fuzz target share it. Thread-safe as the store is; burns opts->work_us.
 */
void app_answer(struct app_server *srv, const struct app_input *in, struct app_reply *out);

/*
 * Serves the lab protocol on opts->addr:port with the given store (borrowed; the caller closes
 * it after this returns) until SIGINT or SIGTERM. Prints one line on stdout once listening:
 * "scalelab app: <id> listening on http://<addr>:<port>/". Returns CMD_OK, or CMD_USAGE /
 * CMD_FAILURE with the message in err. Call from the main thread, once.
 */
int app_serve(const struct app_opts *opts, struct app_store *store, char *err, size_t errlen);

#endif
