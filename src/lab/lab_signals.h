/* Why a lab stops early: SIGINT, SIGTERM or SIGHUP, caught into one flag. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_SIGNALS_H
#define SL_LAB_SIGNALS_H

/*
 * Installs SIGINT, SIGTERM and SIGHUP handlers that only set a flag (lab_interrupted) and
 * ignores SIGPIPE. Call once before lab_run.
 */
void lab_signals_install(void);

/* Nonzero after SIGINT, SIGTERM or SIGHUP; safe to read from any thread. */
int lab_interrupted(void);

#endif
