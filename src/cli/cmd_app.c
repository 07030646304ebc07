/* `scalelab app`: one app server of the live lab, its state in memory, Redis or tokens. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "lab/app.h"
#include "banned.h"

enum {
    OPT_ADDR = CLI_OWN, OPT_PORT, OPT_STATE, OPT_REDIS, OPT_REDIS_AUTH_FILE, OPT_ID, OPT_WORK_US,
    OPT_THREADS
};

#define REDIS_HOST_MAX 255

/* What the flags set. */
struct app_args {
    struct app_opts app;
    const char *state;                 /* "memory", "redis" or "token" */
    char redis_host[REDIS_HOST_MAX + 1];
    int redis_port;
    const char *auth_file;             /* --redis-auth-file, or NULL */
};

static const struct cli_flag own_flags[] = {
    { "port", required_argument, OPT_PORT, "N", "TCP port (0, the default, picks a free one)", 0 },
    { "addr", required_argument, OPT_ADDR, "IP", "address to bind (127.0.0.1: this machine "
      "only)", 0 },
    { "state", required_argument, OPT_STATE, "WHERE",
      "where sessions live: memory (default), redis or token", 0 },
    { "redis", required_argument, OPT_REDIS, "HOST:PORT", "Redis of --state redis "
      "(127.0.0.1:6379)", 0 },
    { "redis-auth-file", required_argument, OPT_REDIS_AUTH_FILE, "FILE", "the password of "
      "--redis: the first line of FILE (mode 0600), never on the command line", 0 },
    { "id", required_argument, OPT_ID, "NAME", "backend name in X-Backend and answers (app)", 0 },
    { "work-us", required_argument, OPT_WORK_US, "US", "CPU microseconds burnt per request (0)",
      0 },
    { "threads", required_argument, OPT_THREADS, "N", "worker threads (2)", 0 },
    { NULL, 0, 0, NULL, NULL, 0 }
};

/* HOST:PORT, the port 1 to 65535 in plain decimal digits. */
static int parse_redis(const char *arg, struct app_args *a)
{
    const char *colon = strrchr(arg, ':');
    size_t hlen = colon ? (size_t)(colon - arg) : 0;
    const char *p;
    long port = 0;

    for (p = colon ? colon + 1 : ""; *p >= '0' && *p <= '9' && port <= 65535; p++)
        port = port * 10 + (*p - '0');
    if (!colon || hlen == 0 || hlen > REDIS_HOST_MAX || !colon[1] || *p || port < 1 ||
        port > 65535)
        return cli_usage_error("invalid --redis '%s' (expected HOST:PORT such as "
                               "127.0.0.1:6379)", arg);
    memcpy(a->redis_host, arg, hlen);
    a->redis_host[hlen] = '\0';
    a->redis_port = (int)port;
    return SL_EXIT_OK;
}

static int own_option(int id, const char *arg, void *ctx)
{
    struct app_args *a = ctx;
    long v;

    switch (id) {
    case OPT_ADDR:
        a->app.addr = arg;
        return SL_EXIT_OK;
    case OPT_PORT:
        if (!strcmp(arg, "0")) {
            a->app.port = 0;
            return SL_EXIT_OK;
        }
        if (sl_parse_count(arg, 65535, &v) != SL_OK)
            return cli_usage_error("invalid --port '%s' (expected 0 to 65535)", arg);
        a->app.port = (int)v;
        return SL_EXIT_OK;
    case OPT_STATE:
        if (strcmp(arg, "memory") && strcmp(arg, "redis") && strcmp(arg, "token"))
            return cli_usage_error("invalid --state '%s' (expected memory, redis or token)",
                                   arg);
        a->state = arg;
        return SL_EXIT_OK;
    case OPT_REDIS:
        return parse_redis(arg, a);
    case OPT_REDIS_AUTH_FILE:
        a->auth_file = arg;
        return SL_EXIT_OK;
    case OPT_ID:
        if (!app_name_valid(arg))
            return cli_usage_error("invalid --id '%s' (expected 1 to 64 characters of A-Z a-z "
                                   "0-9 _ . -)", arg);
        a->app.id = arg;
        return SL_EXIT_OK;
    case OPT_WORK_US:
        if (!strcmp(arg, "0")) {
            a->app.work_us = 0;
            return SL_EXIT_OK;
        }
        if (sl_parse_count(arg, APP_WORK_US_MAX, &v) != SL_OK)
            return cli_usage_error("invalid --work-us '%s' (expected 0 to %ld)", arg,
                                   APP_WORK_US_MAX);
        a->app.work_us = v;
        return SL_EXIT_OK;
    case OPT_THREADS:
        if (sl_parse_count(arg, 64, &v) != SL_OK)
            return cli_usage_error("invalid --threads '%s' (expected 1 to 64)", arg);
        a->app.threads = (unsigned)v;
        return SL_EXIT_OK;
    default:
        return SL_EXIT_USAGE;
    }
}

/*
 * The password in --redis-auth-file: its first line without "\n" or "\r\n", 1 to
 * APP_REDIS_PASS_MAX bytes, no NUL, from a regular file that neither group nor others may read
 * (as ssh treats a key). Returns SL_EXIT_OK with pass[0..*len), or an exit status after the
 * message. The password never reaches a message.
 */
static int read_auth_file(const char *path, char *pass, size_t *len)
{
    char buf[APP_REDIS_PASS_MAX + 3];
    struct stat sb;
    size_t got = 0;
    ssize_t n = 0;
    int st = SL_EXIT_OK;
    /* O_NONBLOCK: a FIFO with no writer must not hang the start; only regular files are read */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

    if (fd < 0)
        return cli_usage_error("cannot read --redis-auth-file '%s': %s", path, strerror(errno));
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        st = cli_usage_error("cannot read --redis-auth-file '%s': not a regular file", path);
        goto out;
    }
    if (sb.st_mode & 077) {
        st = cli_usage_error("invalid --redis-auth-file '%s': group or others may read it "
                             "(expected mode 0600 or 0400)", path);
        goto out;
    }
    while (got < sizeof(buf)) {
        n = read(fd, buf + got, sizeof(buf) - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (n < 0) {
        st = cli_usage_error("cannot read --redis-auth-file '%s': %s", path, strerror(errno));
        goto out;
    }
    if (got && buf[got - 1] == '\n')
        got--;
    if (got && buf[got - 1] == '\r')
        got--;
    if (got < 1 || got > APP_REDIS_PASS_MAX || memchr(buf, '\n', got) ||
        memchr(buf, '\r', got) || memchr(buf, '\0', got)) {
        st = cli_usage_error("invalid --redis-auth-file '%s' (expected one line of 1 to %d "
                             "bytes: the password)", path, APP_REDIS_PASS_MAX);
        goto out;
    }
    memcpy(pass, buf, got);
    *len = got;
out:
    explicit_bzero(buf, sizeof(buf));
    close(fd);
    return st;
}

/*
 * A Redis that answers but refuses the password, or wants one, is an error at start rather
 * than a 503 on every request; a Redis that does not answer yet is not (it may come later).
 */
static int redis_check(const struct app_args *a, struct app_store *store)
{
    char why[256];

    if (app_store_redis_probe(store, why, sizeof(why)) != APP_DENIED)
        return SL_EXIT_OK;
    if (a->auth_file)
        return cli_runtime_error("redis at '%s:%d' refused the password of --redis-auth-file "
                                 "'%s' (%s)", a->redis_host, a->redis_port, a->auth_file, why);
    return cli_runtime_error("redis at '%s:%d' wants a password (%s); give it with "
                             "--redis-auth-file FILE", a->redis_host, a->redis_port, why);
}

/* The redis store of the flags, checked against the server; NULL (*st set) on failure. */
static struct app_store *redis_store(const struct app_args *a, int *st)
{
    char pass[APP_REDIS_PASS_MAX];
    size_t len = 0;
    struct app_store *store;

    if (a->auth_file) {
        *st = read_auth_file(a->auth_file, pass, &len);
        if (*st)
            return NULL;
    }
    store = app_store_redis_new(a->redis_host, a->redis_port, a->auth_file ? pass : NULL, len);
    explicit_bzero(pass, sizeof(pass));
    if (!store) {
        *st = cli_runtime_error("out of memory");
        return NULL;
    }
    *st = redis_check(a, store);
    if (*st) {
        store->ops->close(store);
        return NULL;
    }
    return store;
}

/* The token key: SCALELAB_TOKEN_KEY in hex, or random for this process. */
static struct app_store *token_store(int *st)
{
    const char *hex = getenv("SCALELAB_TOKEN_KEY");
    unsigned char key[APP_KEY_MAX];
    size_t len = APP_KEY_MIN;
    struct app_store *store;

    if (hex) {
        len = app_token_key_parse(hex, key, sizeof(key));
        if (!len) {
            *st = cli_usage_error("invalid SCALELAB_TOKEN_KEY (expected %d to %d hex digits)",
                                  2 * APP_KEY_MIN, 2 * APP_KEY_MAX);
            return NULL;
        }
    } else if (app_token_key_random(key, len)) {
        *st = cli_runtime_error("cannot make a token key: no random bytes");
        return NULL;
    }
    store = app_store_token_new(key, len);
    memset(key, 0, sizeof(key));
    if (!store)
        *st = cli_runtime_error("out of memory");
    return store;
}

int cmd_app(int argc, char **argv)
{
    struct app_args a;
    struct cli_common common;
    struct app_store *store = NULL;
    int first, st;

    memset(&a, 0, sizeof(a));
    a.app.addr = "127.0.0.1";
    a.app.id = "app";
    a.app.threads = 2;
    a.state = "memory";
    memcpy(a.redis_host, "127.0.0.1", sizeof("127.0.0.1"));
    a.redis_port = 6379;
    st = cli_parse(argc, argv, "scalelab app [--port N] [--state memory|redis|token] "
                   "[--redis HOST:PORT]\n       [--redis-auth-file FILE] [--id NAME] "
                   "[--work-us US]\n\n"
                   "Runs one app server of the live lab until Ctrl-C or SIGTERM "
                   "(protocol: docs/lab-protocol.md).\n"
                   "With --state redis and --redis-auth-file, every connection to Redis "
                   "authenticates (AUTH)\nwith the file's first line; a refused password "
                   "stops the start with exit 1.", 0, own_flags, own_option, &a, &common,
                   &first);
    if (st)
        return st < 0 ? SL_EXIT_OK : st;
    if (first < argc)
        return cli_usage_error("unexpected argument '%s'", argv[first]);
    if (cli_api_mode())
        return cli_usage_error("app is not available in the API");
    if (a.auth_file && strcmp(a.state, "redis"))
        return cli_usage_error("--redis-auth-file needs --state redis");
    if (!strcmp(a.state, "redis")) {
        store = redis_store(&a, &st);
        if (!store)
            return st;
    } else if (!strcmp(a.state, "token")) {
        store = token_store(&st);
        if (!store)
            return st;
    } else {
        store = app_store_memory_new();
        if (!store)
            return cli_runtime_error("out of memory");
    }
    st = app_serve(&a.app, store);
    store->ops->close(store);
    return st;
}
