/* One lab run: its processes started, the workload with its timed actions, everything stopped. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_RUN_H
#define SL_LAB_RUN_H

#include <stddef.h>

#include "lab/lab.h"

/*
 * Checks that the programs a run of `o` needs are on PATH (or in the sbin directories); on
 * failure writes "lab needs haproxy (apt-get install haproxy)" into err and returns -1.
 */
int lab_check_programs(const struct lab_opts *o, char *err, size_t errlen);

/*
 * --target: GET <target>/healthz answers 200 within 3 s. Returns 0, or -1 with err naming the
 * target and what came instead ("cannot reach --target '...': GET /healthz: <curl's words>").
 * libcurl must be set up.
 */
int lab_target_check(const char *target, char *err, size_t errlen);

/*
 * One whole run: a private directory (after removing those of labs that were SIGKILLed),
 * redis-server (redis mode, with a random password), o->backends apps and haproxy, all
 * healthy; the workload with its kills, restarts and additions; then everything stopped and
 * removed, also on error and interruption. r must come from lab_result_init; libcurl must be
 * set up (lab_client_global_init) and the signals caught (lab_signals_install). Returns 0, or
 * -1 with err set (r then holds what was measured before the failure). A store that died or
 * stopped answering during the workload is not an error here: it is r->store_failure.
 * With o->target nothing is started or stopped: the client drives that deployment, the
 * counter's start value is read first, and the timed actions do not apply (cmd_lab refuses
 * them).
 */
int lab_run(const struct lab_opts *o, struct lab_result *r, char *err, size_t errlen);

#endif
