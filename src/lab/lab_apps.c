/* The lab's app processes (`scalelab app`): their command line, start-up and the token key. */
/* SPDX-License-Identifier: MIT */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "lab/lab_apps.h"
#include "lab/lab_http.h"
#include "banned.h"

#define LISTENING "listening on http://127.0.0.1:"

int lab_app_spawn(struct lab_group *g, struct lab_proc *p, const struct lab_app_cfg *cfg)
{
    char port[16], work[32], redis[64], threads[16], exe[PATH_MAX];
    char *argv[20];
    int n = 0;
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

    if (len <= 0)
        return -1;
    exe[len] = '\0';
    snprintf(port, sizeof(port), "%d", p->port);
    snprintf(work, sizeof(work), "%ld", cfg->work_us);
    snprintf(redis, sizeof(redis), "127.0.0.1:%d", cfg->redis_port);
    snprintf(threads, sizeof(threads), "%d", cfg->threads);
    /* the path keeps `ps` readable; /proc/self/exe runs this very image, even if rebuilt */
    argv[n++] = exe;
    argv[n++] = (char *)"app";
    argv[n++] = (char *)"--port";
    argv[n++] = port;
    argv[n++] = (char *)"--id";
    argv[n++] = p->name;
    argv[n++] = (char *)"--state";
    argv[n++] = (char *)lab_state_name(cfg->state);
    argv[n++] = (char *)"--work-us";
    argv[n++] = work;
    if (cfg->state == LAB_STATE_STORE) {
        /* the password's file, not the password: a command line is public (ps) */
        argv[n++] = (char *)"--redis";
        argv[n++] = redis;
        argv[n++] = (char *)"--redis-auth-file";
        argv[n++] = (char *)cfg->auth_file;
    }
    if (cfg->threads > 0) {
        argv[n++] = (char *)"--threads";
        argv[n++] = threads;
    }
    argv[n] = NULL;
    return lab_proc_spawn(g, p, "/proc/self/exe", argv);
}

/* Nonzero once p's log, since its start, has its "listening" line on p->port. */
static int listening(const struct lab_proc *p)
{
    char buf[4096];
    FILE *f = fopen(p->log, "r");
    size_t n = 0;
    const char *at;

    if (f) {
        fseek(f, (long)p->log_mark, SEEK_SET);
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
    at = strstr(buf, LISTENING);
    return at && atoi(at + strlen(LISTENING)) == p->port;
}

static int app_ready(const void *ctx)
{
    const struct lab_proc *p = ctx;

    return listening(p) && lab_http_healthy(p->port);
}

int lab_app_wait(struct lab_proc *p, char *err, size_t errlen)
{
    char who[32], not_ready[64];
    struct lab_wait w = { who, not_ready, app_ready, p, 0.02 };

    snprintf(who, sizeof(who), "backend %s", p->name);
    snprintf(not_ready, sizeof(not_ready), "did not answer /healthz on port %d", p->port);
    return lab_proc_wait(p, &w, err, errlen);
}

int lab_apps_token_key(void)
{
    unsigned char key[32];
    char hex[2 * sizeof(key) + 1];
    size_t i;
    int st;

    if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
        return -1;
    for (i = 0; i < sizeof(key); i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    st = setenv("SCALELAB_TOKEN_KEY", hex, 1);
    explicit_bzero(key, sizeof(key));
    explicit_bzero(hex, sizeof(hex));
    return st;
}
