/* What both libmicrohttpd servers (`serve` and the lab's `app`) share: start-up and queries. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_WEB_DAEMON_H
#define SL_WEB_DAEMON_H

#include <microhttpd.h>
#include <stddef.h>

/* Most parameters kept; a request with more sets overflow. */
#define WEB_QUERY_MAX 128

/* Connections in all; one client address may hold WEB_PER_IP_LIMIT of them (not on loopback). */
#define WEB_CONNECTION_LIMIT 256
#define WEB_PER_IP_LIMIT 64
/* A connection gets this long to deliver a whole request (head and body), seconds. */
#define WEB_REQUEST_DEADLINE_S 10.0

struct web_query {
    size_t n;
    int overflow;                       /* more than WEB_QUERY_MAX (or the caller's cap) */
    int nul;                            /* a key or value held a NUL byte (%00) */
    const char *keys[WEB_QUERY_MAX];    /* borrowed from the connection */
    const char *values[WEB_QUERY_MAX];  /* NULL for a bare key */
};

/* Collects up to cap (<= WEB_QUERY_MAX) parameters of conn's request into q. */
void web_query_collect(struct MHD_Connection *conn, size_t cap, struct web_query *q);

/*
 * A descriptor of conn's socket that stays open until the connection is closed (for poll: has
 * the client hung up?), or -1.
 */
int web_conn_fd(struct MHD_Connection *conn);

/* A server to run: where, how many workers, and its handlers. */
struct web_daemon {
    const char *addr;                       /* IPv4 address to bind */
    int port;                               /* 0 picks a free one */
    unsigned threads;                       /* connection threads, each with its own epoll */
    MHD_AccessHandlerCallback handler;
    void *handler_cls;
    MHD_RequestCompletedCallback completed; /* NULL when the server keeps no per-request state */
    void *completed_cls;
    void *(*uri_log)(void *cls, const char *uri, struct MHD_Connection *conn);
                                            /* NULL, or called first for each request (raw URI);
                                               its result is the request's *con_cls */
    void *uri_log_cls;
    int suspend;                            /* handlers suspend connections (MHD_ALLOW_...) */
    void (*ready)(unsigned port, void *ctx);/* called once listening, to print the address */
    void (*stopping)(void *ctx);            /* called on SIGINT/SIGTERM before the daemon
                                               stops (finish suspended work), or NULL */
    void *ctx;                              /* for ready and stopping */
};

/*
 * Starts the server, serves until SIGINT or SIGTERM (blocked in every thread and awaited here),
 * stops cleanly and returns CMD_OK with the signal in *sig; an unusable address or port is
 * CMD_USAGE or CMD_FAILURE with the message in err. Limits: WEB_CONNECTION_LIMIT connections
 * (the oldest connection still waiting for its request is closed to make room near the limit), the
 * per-address limit except on loopback (where every local user is one address), and
 * WEB_REQUEST_DEADLINE_S for each request to arrive whole, however slowly it drips.
 */
int web_daemon_run(const struct web_daemon *d, int *sig, char *err, size_t errlen);

#endif
