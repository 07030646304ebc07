/* libmicrohttpd start-up, connection guard and query parameters, shared by `serve` and the app. */
/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "commands/command.h"
#include "daemon.h"
#include "banned.h"

struct collector {
    struct web_query *q;
    size_t cap;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    struct collector *c = cls;

    (void)kind;
    if (c->q->n == c->cap) {
        c->q->overflow = 1;
        return MHD_NO;
    }
    /* MHD decodes %00 into the value and hands out C strings: the sizes tell */
    if (strlen(key) != key_size || (value && strlen(value) != value_size))
        c->q->nul = 1;
    c->q->keys[c->q->n] = key;
    c->q->values[c->q->n] = value;
    c->q->n++;
    return MHD_YES;
}

void web_query_collect(struct MHD_Connection *conn, size_t cap, struct web_query *q)
{
    struct collector c = { q, cap < WEB_QUERY_MAX ? cap : WEB_QUERY_MAX };

    memset(q, 0, sizeof(*q));
    MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &c);
}

/*
 * The connection guard. Every connection is tracked from accept to close with a duplicate of its
 * socket (so that no descriptor number is ever reused under us). A connection that is not
 * answering a request is "waiting": since it was accepted or since its last answer. One that
 * waits longer than WEB_REQUEST_DEADLINE_S (a slow drip resets MHD's idle timeout with every
 * byte, never this one) is shut down; near the connection limit the oldest waiting one is shut
 * down to make room. shutdown() on the duplicate ends the TCP connection; MHD then sees the end
 * of the stream and closes it the normal way.
 */
struct web_conn {
    int fd;               /* our duplicate of the socket */
    double waiting_since; /* monotonic seconds; INFINITY while busy or once shut down */
    unsigned calls;       /* access-handler calls in the current request */
    struct web_conn *prev, *next;
};

struct guard {
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    struct web_conn *head; /* oldest first */
    struct web_conn *tail;
    size_t count;
    int stop;
    const struct web_daemon *w;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Must hold the mutex. */
static void cut(struct web_conn *c)
{
    shutdown(c->fd, SHUT_RDWR);
    c->waiting_since = INFINITY;
}

static void notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                              enum MHD_ConnectionNotificationCode toe)
{
    struct guard *g = cls;
    struct web_conn *c = *socket_context;

    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);

        c = sl_calloc(1, sizeof(*c));
        if (!c)
            return;
        c->fd = info ? dup(info->connect_fd) : -1;
        if (c->fd < 0) {
            sl_free(c);
            return;
        }
        c->waiting_since = now_s();
        pthread_mutex_lock(&g->mutex);
        if (g->count + WEB_CONNECTION_LIMIT / 8 >= WEB_CONNECTION_LIMIT) {
            struct web_conn *o;

            for (o = g->head; o && !isfinite(o->waiting_since); o = o->next)
                ;
            if (o)
                cut(o);
        }
        c->prev = g->tail;
        if (g->tail)
            g->tail->next = c;
        else
            g->head = c;
        g->tail = c;
        g->count++;
        pthread_mutex_unlock(&g->mutex);
        *socket_context = c;
        return;
    }
    if (!c)
        return;
    pthread_mutex_lock(&g->mutex);
    if (c->prev)
        c->prev->next = c->next;
    else
        g->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        g->tail = c->prev;
    g->count--;
    pthread_mutex_unlock(&g->mutex);
    close(c->fd);
    sl_free(c);
    *socket_context = NULL;
}

static struct web_conn *conn_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    return info ? info->socket_context : NULL;
}

int web_conn_fd(struct MHD_Connection *conn)
{
    struct web_conn *c = conn_of(conn);

    return c ? c->fd : -1;
}

/* The request is whole once the handler is called again with no data: it stops waiting. */
static enum MHD_Result guarded_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                       const char *method, const char *version,
                                       const char *upload_data, size_t *upload_data_size,
                                       void **con_cls)
{
    struct guard *g = cls;
    struct web_conn *c = conn_of(conn);

    if (c) {
        pthread_mutex_lock(&g->mutex);
        if (++c->calls > 1 && *upload_data_size == 0 && isfinite(c->waiting_since))
            c->waiting_since = INFINITY;
        pthread_mutex_unlock(&g->mutex);
    }
    return g->w->handler(g->w->handler_cls, conn, url, method, version, upload_data,
                         upload_data_size, con_cls);
}

static void guarded_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    struct guard *g = cls;
    struct web_conn *c = conn_of(conn);

    if (c) {
        pthread_mutex_lock(&g->mutex);
        c->calls = 0;
        c->waiting_since = now_s();
        pthread_mutex_unlock(&g->mutex);
    }
    if (g->w->completed)
        g->w->completed(g->w->completed_cls, conn, con_cls, toe);
}

/* Shuts down every connection that has waited past the deadline, ten times a second. */
static void *reaper(void *arg)
{
    struct guard *g = arg;
    struct timespec until;

    pthread_mutex_lock(&g->mutex);
    while (!g->stop) {
        double t = now_s();
        struct web_conn *c;

        for (c = g->head; c; c = c->next)
            if (t - c->waiting_since > WEB_REQUEST_DEADLINE_S)
                cut(c);
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&g->wake, &g->mutex, &until);
    }
    pthread_mutex_unlock(&g->mutex);
    return NULL;
}

/* Limits of one connection. */
#define CONNECTION_IDLE_S 10
/* Room for a WEB_URI_MAX URL and about 400 parameters (MHD records every one before we can
 * refuse more than WEB_QUERY_MAX); no more, because MHD 0.9.75 zeroes the whole pool between
 * two requests of a connection, which at 128 KiB was a third of a cached answer's CPU. */
#define CONNECTION_MEMORY (32 * 1024)
#define LISTEN_BACKLOG 128

static void *no_uri_log(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)uri;
    (void)conn;
    return NULL;
}

int web_daemon_run(const struct web_daemon *w, int *sig, char *err, size_t errlen)
{
    struct sockaddr_in sa;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    struct guard g;
    pthread_t reaper_tid;
    sigset_t stop;
    unsigned per_ip;
    /* no MHD_USE_ERROR_LOG: a client can make it print a line per dropped connection */
    int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)w->port);
    if (inet_pton(AF_INET, w->addr, &sa.sin_addr) != 1)
        return cmd_usage(err, errlen, "invalid --addr '%s' (expected an IPv4 address such as "
                         "127.0.0.1)", w->addr);
    per_ip = (ntohl(sa.sin_addr.s_addr) >> 24) == 127 ? 0 : WEB_PER_IP_LIMIT;
    if (w->suspend)
        flags |= MHD_ALLOW_SUSPEND_RESUME;
    memset(&g, 0, sizeof(g));
    g.w = w;
    pthread_mutex_init(&g.mutex, NULL);
    pthread_cond_init(&g.wake, NULL);
    /* the daemon's threads inherit this mask, so only sigwait below sees SIGINT and SIGTERM */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (pthread_create(&reaper_tid, NULL, reaper, &g)) {
        pthread_cond_destroy(&g.wake);
        pthread_mutex_destroy(&g.mutex);
        return cmd_failure(err, errlen, "cannot start a thread");
    }
    d = MHD_start_daemon((unsigned)flags, 0, NULL, NULL, guarded_handler, &g,
                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                         MHD_OPTION_THREAD_POOL_SIZE, w->threads,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_CONNECTION_LIMIT,
                         MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_IDLE_S,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
                         MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)LISTEN_BACKLOG,
                         MHD_OPTION_NOTIFY_COMPLETED, guarded_completed, &g,
                         MHD_OPTION_NOTIFY_CONNECTION, notify_connection, &g,
                         MHD_OPTION_URI_LOG_CALLBACK, w->uri_log ? w->uri_log : no_uri_log,
                         w->uri_log_cls,
                         MHD_OPTION_END);
    if (d) {
        info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
        w->ready(info ? (unsigned)info->port : (unsigned)w->port, w->ctx);
        sigwait(&stop, sig);
        if (w->stopping)
            w->stopping(w->ctx);
        MHD_stop_daemon(d);
    }
    pthread_mutex_lock(&g.mutex);
    g.stop = 1;
    pthread_cond_signal(&g.wake);
    pthread_mutex_unlock(&g.mutex);
    pthread_join(reaper_tid, NULL);
    pthread_cond_destroy(&g.wake);
    pthread_mutex_destroy(&g.mutex);
    if (!d)
        return cmd_failure(err, errlen, "cannot listen on %s:%d (is the port in use?)", w->addr,
                           w->port);
    return CMD_OK;
}
