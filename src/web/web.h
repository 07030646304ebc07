/* The web module of `scalelab serve`: an HTTP server (libmicrohttpd), the page and the API. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_WEB_H
#define SL_WEB_H

#include <stddef.h>

struct web_opts {
    const char *addr;  /* IPv4 address to bind; "127.0.0.1" unless told otherwise */
    int port;          /* TCP port; 0 picks a free one */
    unsigned threads;  /* worker threads, each with its own epoll */
};

/* One HTTP answer: status, content type and an owned body. */
struct web_reply {
    int status;
    const char *content_type;
    char *body;        /* sl_malloc'd, or NULL when `fixed` is set */
    const char *fixed; /* a body that lives forever (embedded assets) */
    size_t len;
};

/*
 * Answers GET path?query (the query as already-decoded key/value pairs, value NULL for a bare
 * key). Pure of sockets so tests and the server share it. Thread-safe.
 */
void web_route(const char *method, const char *path, size_t nargs, const char *const *keys,
               const char *const *values, struct web_reply *out);

/* Frees the reply's body. */
void web_reply_release(struct web_reply *r);

/* Serves until SIGINT or SIGTERM; returns an exit status after a clean shutdown. */
int web_serve(const struct web_opts *opts);

#endif
