/* The lab's redis-server: a fresh password, its configuration, start-up and PING (hiredis). */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_REDIS_H
#define SL_LAB_REDIS_H

#include <limits.h>
#include <stddef.h>

#include "lab/lab_proc.h"

#define LAB_REDIS_PASS_BYTES 32 /* random bytes of the password (256 bits), written in hex */

struct lab_redis {
    struct lab_proc proc;
    char bin[PATH_MAX];         /* redis-server's path */
    char auth_file[PATH_MAX];   /* <dir>/redis.auth: the password for the apps (0600) */
    char pass[2 * LAB_REDIS_PASS_BYTES + 1]; /* hex; only in redis.conf and redis.auth */
    char conf[PATH_MAX];        /* <dir>/redis.conf, kept for a restart */
    char data_dir[PATH_MAX];    /* <dir>/redis-data (0700): its append-only file */
};

/* How the lab's redis-server keeps data, in the report's words. */
#define LAB_REDIS_DURABILITY "appendonly yes, appendfsync always"

/*
 * Makes a password, writes redis.auth and redis.conf into g->dir and starts redis-server on a
 * free loopback port until it answers PING under the password; a start that fails gets a new
 * port. Its data lives in r->data_dir (<dir>/redis-data), appendonly with appendfsync always:
 * Redis writes and fsyncs each write before it answers, so a write it acknowledged survives a
 * kill -9 (--kill-store). noeviction (a full store fails loudly rather than dropping
 * sessions), requirepass: the password is never on a command line (docs/lab-security.md).
 * r->bin must be set. Returns 0, or -1 with err set.
 */
int lab_redis_start(struct lab_redis *r, struct lab_group *g, struct lab_ports *ports,
                    char *err, size_t errlen);

/*
 * Starts redis-server again after a kill, on the same port, configuration and data directory,
 * without waiting (it reads its append-only file first; lab_redis_ping says when it answers).
 * Call from the thread that started it. Returns 0, or -1 with errno set.
 */
int lab_redis_restart(struct lab_redis *r, struct lab_group *g);

/* Nonzero if the lab's redis-server takes its password and answers PING within a second. */
int lab_redis_ping(const struct lab_redis *r);

/* "redis-server shut down (status 0)", "... was killed (signal 9)", "... exited (status 1)". */
void lab_redis_end_text(int status, char *out, size_t outlen);

/* Wipes the password from memory. */
void lab_redis_forget(struct lab_redis *r);

#endif
