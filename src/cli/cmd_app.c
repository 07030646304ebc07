/* `scalelab app`: one app server of the live lab, its state in memory, a store or tokens. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "lab/app_server.h"
#include "banned.h"

#define REDIS_HOST_MAX 255

/* What the flags set. */
struct app_args {
    struct app_opts app;
    char redis_host[REDIS_HOST_MAX + 1];
    int redis_port;
    const char *auth_file;             /* --redis-auth-file, or NULL */
};

static const char *const app_states[] = { "memory", "store", "token", NULL };

static const struct cmd_param params[] = {
    { .name = "port", .type = CMD_INTEGER, .arg = "N", .def = "0", .min = 0, .max = 65535,
      .help = "TCP port (0 picks a free one)", .surface = CMD_CLI },
    { .name = "addr", .type = CMD_TEXT, .arg = "IP", .def = "127.0.0.1",
      .help = "IPv4 address to bind (127.0.0.1: this machine only)", .accepts = "an IPv4 address",
      .max = 15, .surface = CMD_CLI },
    { .name = "state", .type = CMD_ENUM, .arg = "WHERE", .def = "memory", .choices = app_states,
      .help = "where sessions live: memory (this process), store (Redis at --redis) or token "
              "(a signed cookie)", .surface = CMD_CLI },
    { .name = "redis", .type = CMD_TEXT, .arg = "HOST:PORT", .def = "127.0.0.1:6379",
      .help = "the Redis of --state store", .accepts = "HOST:PORT such as 127.0.0.1:6379",
      .max = REDIS_HOST_MAX + 6, .surface = CMD_CLI },
    { .name = "redis-auth-file", .type = CMD_FILE, .arg = "FILE",
      .help = "the password of --redis: the first line of FILE (mode 0600), never on the "
              "command line", .accepts = "a file path", .surface = CMD_CLI },
    { .name = "id", .type = CMD_TEXT, .arg = "NAME", .def = "the host name",
      .help = "backend name in X-Backend and answers, so that replicas in containers tell "
              "themselves apart (app when the host name is not a valid NAME)",
      .accepts = "1 to 64 characters of A-Z a-z 0-9 _ . -", .max = 64, .surface = CMD_CLI },
    { .name = "work-us", .type = CMD_INTEGER, .arg = "US", .def = "0", .min = 0,
      .max = APP_WORK_US_MAX, .help = "CPU microseconds burnt per request", .surface = CMD_CLI },
    { .name = "threads", .type = CMD_INTEGER, .arg = "N", .def = "2", .min = 1, .max = 64,
      .help = "worker threads", .surface = CMD_CLI },
    { .name = NULL }
};

const struct cmd_def cli_def_app = {
    .name = "app",
    .summary = "one app server of the live lab: state in memory, a store or tokens",
    .synopsis = "[--port N] [--state memory|store|token] [--redis HOST:PORT] "
                "[--redis-auth-file FILE]\n[--id NAME] [--work-us US] [--threads N]",
    .description = "Runs one app server of the live lab until Ctrl-C or SIGTERM (protocol: "
                   "docs/lab-protocol.md). With --state store and --redis-auth-file, every "
                   "connection to Redis authenticates (AUTH) with the file's first line; a "
                   "refused password stops the start with exit 1.",
    .params = params,
};

/* HOST:PORT, the port 1 to 65535 in plain decimal digits. */
/* This host's name as the default --id, or "app" where it is not a valid name. */
static const char *host_id(char *buf, size_t len)
{
    if (gethostname(buf, len) != 0 || !memchr(buf, '\0', len) || !app_name_valid(buf))
        return "app";
    return buf;
}

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

int cli_app(struct cmd_input *in)
{
    struct app_args a;
    struct app_store *store = NULL;
    const char *state = cmd_get(in, "state")->text;
    char err[SL_ERR_LEN] = "", host[72];
    int st;

    memset(&a, 0, sizeof(a));
    a.app.addr = cmd_get(in, "addr")->text;
    a.app.port = (int)cmd_get(in, "port")->integer;
    a.app.id = cmd_given(in, "id") ? cmd_get(in, "id")->text : host_id(host, sizeof(host));
    a.app.work_us = cmd_get(in, "work-us")->integer;
    a.app.threads = (unsigned)cmd_get(in, "threads")->integer;
    if (!app_name_valid(a.app.id))
        return cli_usage_error("invalid --id '%s' (expected 1 to 64 characters of A-Z a-z 0-9 _ "
                               ". -)", a.app.id);
    st = parse_redis(cmd_get(in, "redis")->text, &a);
    if (st)
        return st;
    if (cmd_given(in, "redis-auth-file"))
        a.auth_file = cmd_get(in, "redis-auth-file")->text;
    if (a.auth_file && strcmp(state, "store"))
        return cli_usage_error("--redis-auth-file needs --state store");
    if (!strcmp(state, "store")) {
        store = redis_store(&a, &st);
        if (!store)
            return st;
    } else if (!strcmp(state, "token")) {
        store = token_store(&st);
        if (!store)
            return st;
    } else {
        store = app_store_memory_new();
        if (!store)
            return cli_runtime_error("out of memory");
    }
    st = app_serve(&a.app, store, err, sizeof(err));
    store->ops->close(store);
    return cli_report(st, err);
}
