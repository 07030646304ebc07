/* The lab's checking client: virtual users over libcurl that verify every answer. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_CLIENT_H
#define SL_LAB_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "lab/lab.h"

struct lab_client;

struct lab_client_cfg {
    int port;           /* haproxy's frontend on 127.0.0.1 */
    int users;
    double duration_s;  /* 0: stop after `requests` */
    uint64_t requests;
    double t0;          /* monotonic start time of the workload, seconds (lab_now) */
    const char *base_url; /* --target's "http://host:port" (borrowed); NULL: 127.0.0.1:port */
    /*
     * open loop: arrivals on a schedule of duration_s (which must be > 0), whatever the
     * answers; each takes a free connection (a user of its own) or opens one, up to max_conns
     */
    double rate_rps;    /* 0: closed loop of `users` */
    enum lab_arrivals arrivals;
    int max_conns;
    uint64_t seed;      /* of the Poisson streams */
};

/*
 * Process-wide libcurl set-up, routed through sl_malloc; call once before any client (or
 * lab_http call), with no other thread running. Returns 0 or -1.
 */
int lab_client_global_init(void);
void lab_client_global_cleanup(void);

/*
 * Starts the users (or the open loop's senders) on up to LAB_MAX_THREADS threads; they stop by
 * themselves at the duration or request budget, on lab_interrupted() or lab_client_stop. NULL
 * (err set) on failure.
 * The caller owns the client (lab_client_free).
 */
struct lab_client *lab_client_start(const struct lab_client_cfg *cfg, char *err, size_t errlen);
/* Nonzero while some user still works. Thread-safe. */
int lab_client_running(struct lab_client *c);
/* Makes every user stop after its current request and waits for the threads. */
void lab_client_stop(struct lab_client *c);
/* Adds what the (stopped) client counted into r, client events included. */
void lab_client_collect(struct lab_client *c, struct lab_result *r);
void lab_client_free(struct lab_client *c);

/*
 * After lab_client_stop: reads every session's cart back (the sessions of the run, each user's
 * last included) and adds the acknowledged lines, those lost and those unverified into r.
 */
void lab_client_verify(struct lab_client *c, struct lab_result *r);

#endif
