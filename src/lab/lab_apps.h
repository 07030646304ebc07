/* The lab's app processes (`scalelab app`): their command line, start-up and the token key. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_APPS_H
#define SL_LAB_APPS_H

#include <stddef.h>

#include "lab/lab.h"
#include "lab/lab_proc.h"

/* What every app of a run is told. */
struct lab_app_cfg {
    enum lab_state state;
    long work_us;
    int threads;           /* --threads; 0 leaves the app's default */
    int redis_port;        /* LAB_STATE_STORE: the lab's redis-server */
    const char *auth_file; /* LAB_STATE_STORE: its password's file (borrowed) */
};

/*
 * Starts `scalelab app` (this very executable) as p on p->port, without waiting. Returns 0, or
 * -1 with errno set.
 */
int lab_app_spawn(struct lab_group *g, struct lab_proc *p, const struct lab_app_cfg *cfg);

/*
 * Waits until p has printed "listening on http://127.0.0.1:<port>/" and answers /healthz, as
 * lab_proc_wait: 0; 1 when it exited meanwhile (start it again on a new port); -1 (err set).
 */
int lab_app_wait(struct lab_proc *p, char *err, size_t errlen);

/* A fresh token key for this run in SCALELAB_TOKEN_KEY, which every app inherits; 0 or -1. */
int lab_apps_token_key(void);

#endif
