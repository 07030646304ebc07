/* What both libmicrohttpd servers (`serve` and the lab's `app`) share: start-up and queries. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_WEB_DAEMON_H
#define SL_WEB_DAEMON_H

#include <microhttpd.h>
#include <stddef.h>

/* Most parameters kept; a request with more sets overflow. */
#define WEB_QUERY_MAX 128

struct web_query {
    size_t n;
    int overflow;                       /* more than WEB_QUERY_MAX (or the caller's cap) */
    const char *keys[WEB_QUERY_MAX];    /* borrowed from the connection */
    const char *values[WEB_QUERY_MAX];  /* NULL for a bare key */
};

/* Collects up to cap (<= WEB_QUERY_MAX) parameters of conn's request into q. */
void web_query_collect(struct MHD_Connection *conn, size_t cap, struct web_query *q);

/* A server to run: where, how many workers, and its handlers. */
struct web_daemon {
    const char *addr;                       /* IPv4 address to bind */
    int port;                               /* 0 picks a free one */
    unsigned threads;                       /* worker threads, each with its own epoll */
    unsigned per_ip_limit;                  /* connections per client address; 0 = none */
    MHD_AccessHandlerCallback handler;
    void *handler_cls;
    MHD_RequestCompletedCallback completed; /* NULL when the server keeps no per-request state */
    void (*ready)(unsigned port, void *ctx);/* called once listening, to print the address */
    void *ready_ctx;
};

/*
 * Starts the server with the limits of reference/reliability.md section 2, serves until SIGINT or
 * SIGTERM (blocked in every thread and awaited here), stops cleanly and returns SL_EXIT_OK with
 * the signal in *sig; an unusable address or port is reported and its exit status returned.
 */
int web_daemon_run(const struct web_daemon *d, int *sig);

#endif
