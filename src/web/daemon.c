/* libmicrohttpd start-up and query parameters, shared by `serve` and the lab's app. */
/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "daemon.h"
#include "banned.h"

struct collector {
    struct web_query *q;
    size_t cap;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct collector *c = cls;

    (void)kind;
    if (c->q->n == c->cap) {
        c->q->overflow = 1;
        return MHD_NO;
    }
    c->q->keys[c->q->n] = key;
    c->q->values[c->q->n] = value;
    c->q->n++;
    return MHD_YES;
}

void web_query_collect(struct MHD_Connection *conn, size_t cap, struct web_query *q)
{
    struct collector c = { q, cap < WEB_QUERY_MAX ? cap : WEB_QUERY_MAX };

    memset(q, 0, sizeof(*q));
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &c);
}

/* Limits from reference/reliability.md section 2. */
#define CONNECTION_LIMIT 256
#define CONNECTION_TIMEOUT_S 10
#define CONNECTION_MEMORY (64 * 1024)
#define LISTEN_BACKLOG 128

int web_daemon_run(const struct web_daemon *w, int *sig)
{
    struct sockaddr_in sa;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    sigset_t stop;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)w->port);
    if (inet_pton(AF_INET, w->addr, &sa.sin_addr) != 1)
        return cli_usage_error("invalid --addr '%s' (expected an IPv4 address such as "
                               "127.0.0.1)", w->addr);
    /* the daemon's threads inherit this mask, so only sigwait below sees SIGINT and SIGTERM */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
                         0, NULL, NULL, w->handler, w->handler_cls,
                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                         MHD_OPTION_THREAD_POOL_SIZE, w->threads,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
                         MHD_OPTION_PER_IP_CONNECTION_LIMIT, w->per_ip_limit,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
                         MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)LISTEN_BACKLOG,
                         MHD_OPTION_NOTIFY_COMPLETED, w->completed, NULL,
                         MHD_OPTION_END);
    if (!d)
        return cli_runtime_error("cannot listen on %s:%d (is the port in use?)", w->addr,
                                 w->port);
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    w->ready(info ? (unsigned)info->port : (unsigned)w->port, w->ready_ctx);
    sigwait(&stop, sig);
    MHD_stop_daemon(d);
    return SL_EXIT_OK;
}
