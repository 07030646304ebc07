/* The lab's redis-server: a fresh password, its configuration, start-up and PING (hiredis). */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "lab/lab_redis.h"
#include "lab/lab_rundir.h"
#include "banned.h"

#define PING_TIMEOUT_S 1

int lab_redis_ping(const struct lab_redis *r)
{
    struct timeval tv = { PING_TIMEOUT_S, 0 };
    redisContext *c = redisConnectWithTimeout("127.0.0.1", r->proc.port, tv);
    redisReply *auth = NULL, *pong = NULL;
    int ok;

    if (!c || c->err || redisSetTimeout(c, tv) != REDIS_OK) {
        redisFree(c);
        return 0;
    }
    auth = redisCommand(c, "AUTH %s", r->pass);
    if (auth && auth->type == REDIS_REPLY_STATUS)
        pong = redisCommand(c, "PING");
    ok = pong && pong->type == REDIS_REPLY_STATUS && !strcmp(pong->str, "PONG");
    if (auth)
        freeReplyObject(auth);
    if (pong)
        freeReplyObject(pong);
    redisFree(c);
    return ok;
}

/* A fresh password from getrandom, in hex, written into redis.auth for --redis-auth-file. */
static int make_password(struct lab_redis *r, const char *dir)
{
    unsigned char key[LAB_REDIS_PASS_BYTES];
    char line[sizeof(r->pass) + 1];
    size_t got = 0, i;
    int st;

    while (got < sizeof(key)) {
        ssize_t n = getrandom(key + got, sizeof(key) - got, 0);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        got += (size_t)n;
    }
    for (i = 0; i < sizeof(key); i++)
        snprintf(r->pass + 2 * i, 3, "%02x", key[i]);
    explicit_bzero(key, sizeof(key));
    snprintf(r->auth_file, sizeof(r->auth_file), "%s/redis.auth", dir);
    snprintf(line, sizeof(line), "%s\n", r->pass);
    st = lab_rundir_write(r->auth_file, line);
    explicit_bzero(line, sizeof(line));
    return st;
}

/* The configuration to start with, for the port in r->proc.port: redis.conf (see the header). */
struct start {
    const struct lab_redis *r;
};

/* redis.conf; its text holds the password, so it is wiped. */
static int write_config(const void *ctx, char *err, size_t errlen)
{
    const struct lab_redis *r = ((const struct start *)ctx)->r;
    char text[PATH_MAX + 512];
    int st;

    snprintf(text, sizeof(text),
             "port %d\nbind 127.0.0.1 -::1\nprotected-mode yes\ndaemonize no\n"
             "dir %s\nappendonly yes\nappendfsync always\nmaxmemory-policy noeviction\n"
             "save \"\"\nlogfile \"\"\nrequirepass %s\n", r->proc.port, r->data_dir, r->pass);
    st = lab_rundir_write(r->conf, text);
    explicit_bzero(text, sizeof(text));
    if (st)
        snprintf(err, errlen, "cannot write '%s': %s", r->conf, strerror(errno));
    return st;
}

static int answers(const void *ctx)
{
    return lab_redis_ping(((const struct start *)ctx)->r);
}

int lab_redis_start(struct lab_redis *r, struct lab_group *g, struct lab_ports *ports,
                    char *err, size_t errlen)
{
    struct start s = { r };
    char *argv[] = { r->bin, r->conf, NULL };
    struct lab_start how = {
        { "redis-server", "did not answer PING", answers, &s, 0.02 }, r->bin, argv, write_config
    };

    snprintf(r->conf, sizeof(r->conf), "%s/redis.conf", g->dir);
    snprintf(r->data_dir, sizeof(r->data_dir), "%s/redis-data", g->dir);
    if (mkdir(r->data_dir, 0700) && errno != EEXIST) {
        snprintf(err, errlen, "cannot make '%s': %s", r->data_dir, strerror(errno));
        return -1;
    }
    if (make_password(r, g->dir)) {
        snprintf(err, errlen, "cannot make a password for redis-server: %s", strerror(errno));
        return -1;
    }
    return lab_proc_start(g, &r->proc, ports, &how, err, errlen);
}

int lab_redis_restart(struct lab_redis *r, struct lab_group *g)
{
    char *argv[] = { r->bin, r->conf, NULL };

    return lab_proc_spawn(g, &r->proc, r->bin, argv);
}

void lab_redis_end_text(int status, char *out, size_t outlen)
{
    char how[32];

    lab_status_text(status, how, sizeof(how));
    snprintf(out, outlen, "redis-server %s (%s)", WIFEXITED(status) && !WEXITSTATUS(status) ?
             "shut down" : WIFSIGNALED(status) ? "was killed" : "exited", how);
}

void lab_redis_forget(struct lab_redis *r)
{
    explicit_bzero(r->pass, sizeof(r->pass));
}
