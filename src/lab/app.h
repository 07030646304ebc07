/* `scalelab app`: the demo app server of the live lab (protocol in docs/lab-protocol.md). */
/* SPDX-License-Identifier: MIT */
#ifndef SL_APP_H
#define SL_APP_H

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

/*
 * Serves the lab protocol on opts->addr:port with the given store (borrowed; the caller closes
 * it after this returns) until SIGINT or SIGTERM. Prints one line on stdout once listening:
 * "scalelab app: <id> listening on http://<addr>:<port>/". Returns an exit status (enum sl_exit).
 * Call from the main thread, once.
 */
int app_serve(const struct app_opts *opts, struct app_store *store);

#endif
