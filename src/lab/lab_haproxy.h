/* The lab's haproxy: its configuration, start-up, and its runtime API on the stats socket. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_HAPROXY_H
#define SL_LAB_HAPROXY_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "lab/lab.h"
#include "lab/lab_proc.h"

/* One server line of backend "app". */
struct lab_haproxy_server {
    char name[16]; /* "b1", ...: also its cookie value in the sticky mode */
    int port;
    int spare;     /* declared disabled, for --add (lab_haproxy_enable) */
};

struct lab_haproxy {
    struct lab_proc proc;
    char bin[PATH_MAX]; /* haproxy's path; proc.port is the frontend's, on 127.0.0.1 */
    const char *dir;    /* the run directory: haproxy.cfg and haproxy.sock (borrowed) */
    char conf[PATH_MAX + 16]; /* <dir>/haproxy.cfg */
    int sticky;         /* a cookie per server */
    int maxconn;        /* requests each server is given at once, the rest queue; 0: 200 */
    int check_ms;       /* a health check's timeout; 0: 300 ms */
    int n_servers;
    struct lab_haproxy_server servers[LAB_MAX_BACKENDS];
};

/*
 * Writes haproxy.cfg (round robin per request, health checks every 500 ms with fall 2, retries
 * with redispatch except for POSTs, requests beyond a server's maxconn queued up to 5 s, the
 * stats socket 0600 in the run directory and no stats page) and starts haproxy in the
 * foreground on a free frontend port, until every server that is not a spare is UP after a
 * check and the frontend answers /healthz; a start that fails gets a new port. Returns 0, or
 * -1 with err set.
 */
int lab_haproxy_start(struct lab_haproxy *h, struct lab_group *g, struct lab_ports *ports,
                      char *err, size_t errlen);

/* Sends one command to the stats socket; the answer (cut at outlen) in out. Returns 0 or -1. */
int lab_haproxy_command(const struct lab_haproxy *h, const char *cmd, char *out, size_t outlen);

/* Called per server of "show stat": its index in h->servers, its status and check status. */
typedef void lab_haproxy_row_fn(void *ctx, int server, const char *status, const char *check);

/*
 * Reads "show stat" and calls fn (unless NULL) for each server of backend "app"; fills the
 * backend's retry and redispatch counters when retries is not NULL. Returns 0 or -1.
 */
int lab_haproxy_stat(const struct lab_haproxy *h, lab_haproxy_row_fn *fn, void *ctx,
                     uint64_t *retries, uint64_t *redispatches);

/* "enable server app/<name>": 0 when haproxy took it, else -1 with its answer in out. */
int lab_haproxy_enable(const struct lab_haproxy *h, const char *name, char *out, size_t outlen);

#endif
