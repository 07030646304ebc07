/* The lab's processes: redis-server, the apps and haproxy, started, watched and stopped. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* close_range */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scalelab/scalelab.h"
#include "lab.h"
#include "banned.h"

#define START_TIMEOUT_S 15.0  /* a process must be healthy within this (ASan builds are slow) */
#define STOP_TIMEOUT_S 5.0    /* SIGTERM, then SIGKILL after this */
#define SPAWN_TRIES 4         /* new ports after a start-up failure (a port taken meanwhile) */
#define POLL_S 0.1            /* haproxy status is read this often during the workload */
#define STAT_MAX (256 * 1024) /* bytes of one "show stat" answer */
#define PASS_BYTES 32         /* random bytes of the lab's Redis password (256 bits) */
#define RUN_DIR_PREFIX "scalelab-lab." /* run directories: this and mkdtemp's six characters */

/* One child process. */
struct proc {
    pid_t pid;                /* 0 when not running */
    int port;                 /* TCP port it listens on */
    char name[16];            /* "redis", "haproxy", "b1", ... */
    char log[PATH_MAX];       /* its stdout and stderr, appended over restarts */
    off_t log_mark;           /* size of the log when it was last started */
    int spare;                /* declared disabled in haproxy, for --add */
    int pending;              /* an added app waiting to be healthy before enabling */
    char lb_status[16];       /* haproxy's last reported status: UP, DOWN, MAINT, ... */
    double cpu_base;          /* its CPU seconds when the workload started (or 0) */
    double cpu_acc;           /* CPU seconds counted from earlier lives */
};

/* Everything one run owns. */
struct lab {
    const struct lab_opts *o;
    struct lab_result *r;
    char dir[200];                /* private run directory, "" until created */
    char haproxy_bin[PATH_MAX], redis_bin[PATH_MAX];
    pid_t pgid;                   /* the children's process group, 0 until the first */
    struct proc redis, haproxy;
    struct proc app[LAB_MAX_BACKENDS];
    int n_app;                    /* configured apps: initial plus spares */
    int n_added;                  /* spares started by --add so far */
    int fe_port;
    char redis_pass[2 * PASS_BYTES + 1]; /* hex; only in redis.conf and redis.auth (0600) */
    int action_done[LAB_MAX_ACTIONS];
    int not_ready;                /* servers haproxy does not report UP yet (start-up) */
    double t0;                    /* workload start on lab_now's clock, 0 before */
};

static atomic_int stop_signal;

static void on_signal(int sig)
{
    atomic_store(&stop_signal, sig);
}

void lab_signals_install(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int lab_interrupted(void)
{
    return atomic_load(&stop_signal) != 0;
}

static void sleep_s(double s)
{
    struct timespec ts;

    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    nanosleep(&ts, NULL); /* an interrupting signal shortens it, which is what we want */
}

static double t_rel(const struct lab *l)
{
    return l->t0 > 0 ? lab_now() - l->t0 : 0.0;
}

/*
 * Looks for name in PATH, then in the sbin directories a non-root PATH often lacks (Debian
 * installs haproxy in /usr/sbin). Returns 0 with the full path in out.
 */
static int find_program(const char *name, char *out, size_t outlen)
{
    const char *path = getenv("PATH");
    char dirs[4096];
    const char *p;

    snprintf(dirs, sizeof(dirs), "%s:/usr/local/sbin:/usr/sbin:/sbin",
             path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
    for (p = dirs; *p;) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if (len > 0 && len < outlen) {
            int n = snprintf(out, outlen, "%.*s/%s", (int)len, p, name);

            if (n > 0 && (size_t)n < outlen && access(out, X_OK) == 0)
                return 0;
        }
        p += len;
        if (*p == ':')
            p++;
    }
    out[0] = '\0';
    return -1;
}

int lab_check_programs(const struct lab_opts *o, char *err, size_t errlen)
{
    char path[PATH_MAX];

    if (o->state == LAB_STATE_STORE && find_program("redis-server", path, sizeof(path))) {
        snprintf(err, errlen, "lab needs redis-server (apt-get install redis-server)");
        return -1;
    }
    if (find_program("haproxy", path, sizeof(path))) {
        snprintf(err, errlen, "lab needs haproxy (apt-get install haproxy)");
        return -1;
    }
    return 0;
}

/* ---- ports and files ---- */

static int port_used(const struct lab *l, int port)
{
    int i;

    if (port == l->redis.port || port == l->haproxy.port || port == l->fe_port)
        return 1;
    for (i = 0; i < l->n_app; i++)
        if (l->app[i].port == port)
            return 1;
    return 0;
}

/*
 * A free loopback port: bind port 0, read what the kernel chose, close. Another process may
 * take it before our child binds; callers retry with a new port when a child fails to start.
 */
static int free_port(const struct lab *l)
{
    int tries;

    for (tries = 0; tries < 50; tries++) {
        struct sockaddr_in sa;
        socklen_t len = sizeof(sa);
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port;

        if (fd < 0)
            return -1;
        memset(&sa, 0, sizeof(sa));
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
            getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
            close(fd);
            return -1;
        }
        close(fd);
        port = ntohs(sa.sin_port);
        if (!port_used(l, port))
            return port;
    }
    return -1;
}

/* Writes text into path, mode 0600 (some files hold the Redis password); never via a symlink. */
static int write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    size_t len = strlen(text), done = 0;
    int bad = 0;

    if (fd < 0)
        return -1;
    while (done < len && !bad) {
        ssize_t n = write(fd, text + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        bad = n <= 0;
        if (!bad)
            done += (size_t)n;
    }
    bad |= fchmod(fd, 0600) != 0; /* a file that was there before keeps no wider mode */
    bad |= close(fd) != 0;
    return bad ? -1 : 0;
}

/* The last non-empty line of a log written since offset `from`, for error messages. */
static void log_tail(const char *path, off_t from, char *out, size_t outlen)
{
    char buf[1024];
    FILE *f = fopen(path, "r");
    long size, start;
    size_t n;
    char *line, *end;

    out[0] = '\0';
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    start = size - (long)sizeof(buf) + 1;
    if (start < (long)from)
        start = (long)from;
    if (start < 0)
        start = 0;
    fseek(f, start, SEEK_SET);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    line = strrchr(buf, '\n');
    line = line ? line + 1 : buf;
    end = line + strlen(line);
    snprintf(out, outlen, "%.*s", (int)(end - line), line);
}

static off_t file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? st.st_size : 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

/* ---- children ---- */

/*
 * In the child, between fork and exec, only async-signal-safe calls: default signal handling,
 * the lab's process group, death with the parent (so even a SIGKILLed lab leaves nothing),
 * output to the log, and no descriptor of the parent (client sockets) leaking in.
 */
static void child_exec(const char *path, char *const argv[], pid_t pgid, pid_t parent,
                       int log_fd, int null_fd)
{
    sigset_t none;

    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (setpgid(0, pgid) != 0)
        setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    close_range(3, ~0U, 0);
    execv(path, argv);
    _exit(127);
}

/* Starts path with argv, its output appended to p->log; p->pid is set. Returns 0 or -1. */
static int spawn(struct lab *l, struct proc *p, const char *path, char *const argv[])
{
    int log_fd, null_fd;
    pid_t pid, parent = getpid();

    log_fd = open(p->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0)
        return -1;
    null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0) {
        close(log_fd);
        return -1;
    }
    p->log_mark = file_size(p->log);
    pid = fork();
    if (pid == 0)
        child_exec(path, argv, l->pgid, parent, log_fd, null_fd);
    close(log_fd);
    close(null_fd);
    if (pid < 0)
        return -1;
    /* both sides set the group, so it holds whichever runs first */
    if (setpgid(pid, l->pgid) != 0)
        setpgid(pid, pid);
    if (!l->pgid)
        l->pgid = pid;
    p->pid = pid;
    {
        char pidfile[PATH_MAX], text[32];

        /* for a person (or a test) looking into a running lab */
        snprintf(pidfile, sizeof(pidfile), "%s/%s.pid", l->dir, p->name);
        snprintf(text, sizeof(text), "%d\n", (int)pid);
        write_text(pidfile, text);
    }
    return 0;
}

/* Reaps p if it has exited; returns 1 (and its wait status) if it has, else 0. */
static int reaped(struct proc *p, int *status)
{
    pid_t w;

    if (!p->pid)
        return 0;
    w = waitpid(p->pid, status, WNOHANG);
    if (w == p->pid || (w < 0 && errno == ECHILD)) {
        p->pid = 0;
        return 1;
    }
    return 0;
}

static void describe_status(int status, char *out, size_t outlen)
{
    if (WIFEXITED(status))
        snprintf(out, outlen, "status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(out, outlen, "signal %d", WTERMSIG(status));
    else
        snprintf(out, outlen, "wait status %d", status);
}

/* Connects to 127.0.0.1:port with send and receive timeouts; the socket, or -1. */
static int connect_port(int port, int timeout_ms)
{
    struct sockaddr_in sa;
    struct timeval tv;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Counts the newlines in buf[0..len). */
static int count_lines(const char *buf, size_t len)
{
    int n = 0;

    while (len--)
        n += *buf++ == '\n';
    return n;
}

/* Sends req and reads the answer's first `lines` lines into out; their byte count, or -1. */
static ssize_t exchange(int port, const char *req, int lines, char *out, size_t outlen)
{
    int fd = connect_port(port, 1000);
    size_t got = 0;

    if (fd < 0)
        return -1;
    if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
        close(fd);
        return -1;
    }
    while (got + 1 < outlen) {
        ssize_t n = recv(fd, out + got, outlen - 1 - got, 0);

        if (n <= 0)
            break;
        got += (size_t)n;
        if (count_lines(out, got) >= lines)
            break;
    }
    close(fd);
    out[got] = '\0';
    return (ssize_t)got;
}

/* Nonzero if GET /healthz on port answers 200. */
static int healthy(int port)
{
    char buf[64];

    if (exchange(port, "GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", 1, buf,
                 sizeof(buf)) < 12)
        return 0;
    return !strncmp(buf, "HTTP/1.", 7) && !strncmp(buf + 8, " 200", 4);
}

/* Nonzero if the lab's redis-server takes its password and answers PING. */
static int redis_ping(const struct lab *l)
{
    char req[sizeof(l->redis_pass) + 32], buf[128];
    int ok;

    snprintf(req, sizeof(req), "AUTH %s\r\nPING\r\n", l->redis_pass);
    ok = exchange(l->redis.port, req, 2, buf, sizeof(buf)) > 0 &&
         !strcmp(buf, "+OK\r\n+PONG\r\n");
    explicit_bzero(req, sizeof(req));
    return ok;
}

/* ---- haproxy's runtime API ---- */

/* Sends one command to haproxy's stats socket; the answer (truncated to outlen) in out. */
static int lb_command(const struct lab *l, const char *cmd, char *out, size_t outlen)
{
    struct sockaddr_un sa;
    struct timeval tv = { 1, 0 };
    size_t got = 0;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), n;

    if (fd < 0)
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/haproxy.sock", l->dir);
    if (n < 0 || (size_t)n >= sizeof(sa.sun_path) ||
        connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(fd);
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (send(fd, cmd, strlen(cmd), MSG_NOSIGNAL) != (ssize_t)strlen(cmd) ||
        send(fd, "\n", 1, MSG_NOSIGNAL) != 1) {
        close(fd);
        return -1;
    }
    while (out && got + 1 < outlen) {
        ssize_t r = recv(fd, out + got, outlen - 1 - got, 0);

        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (out)
        out[got] = '\0';
    close(fd);
    return 0;
}

/* Column indexes of "show stat" that the lab reads. */
struct stat_cols {
    int svname, pxname, status, check_status, wretr, wredis;
};

static void stat_header(const char *line, struct stat_cols *c)
{
    int col = 0;
    const char *p = line;

    c->svname = c->pxname = c->status = c->check_status = c->wretr = c->wredis = -1;
    if (*p == '#')
        p++;
    while (*p == ' ')
        p++;
    while (*p && *p != '\n') {
        size_t len = strcspn(p, ",\n");

#define COL(name, field) if (len == strlen(name) && !strncmp(p, name, len)) c->field = col
        COL("pxname", pxname);
        COL("svname", svname);
        COL("status", status);
        COL("check_status", check_status);
        COL("wretr", wretr);
        COL("wredis", wredis);
#undef COL
        col++;
        p += len;
        if (*p == ',')
            p++;
    }
}

/* Copies field `col` of the CSV line into out. */
static void stat_field(const char *line, int col, char *out, size_t outlen)
{
    const char *p = line;
    int i;

    out[0] = '\0';
    if (col < 0)
        return;
    for (i = 0; i < col; i++) {
        p = strpbrk(p, ",\n");
        if (!p || *p == '\n')
            return;
        p++;
    }
    snprintf(out, outlen, "%.*s", (int)strcspn(p, ",\n"), p);
}

/* Callback per server row of "show stat": index of the app, status, check status. */
typedef void stat_row_fn(struct lab *l, int app, const char *status, const char *check);

/*
 * Reads "show stat" and calls fn for each server of backend "app"; also fills the retry and
 * redispatch counters of the backend row when retr is non-NULL. Returns 0 or -1.
 */
static int lb_stat(struct lab *l, stat_row_fn *fn, uint64_t *retr, uint64_t *redis)
{
    char *buf = sl_malloc(STAT_MAX);
    struct stat_cols c;
    const char *line;
    int st = -1;

    if (!buf)
        return -1;
    if (lb_command(l, "show stat", buf, STAT_MAX) != 0 || strncmp(buf, "# ", 2))
        goto out;
    stat_header(buf, &c);
    for (line = strchr(buf, '\n'); line && line[1]; line = strchr(line, '\n')) {
        char px[32], sv[32], status[32], check[32], num[32];

        line++;
        stat_field(line, c.pxname, px, sizeof(px));
        if (strcmp(px, "app"))
            continue;
        stat_field(line, c.svname, sv, sizeof(sv));
        if (!strcmp(sv, "BACKEND")) {
            if (retr) {
                stat_field(line, c.wretr, num, sizeof(num));
                *retr = strtoull(num, NULL, 10);
                stat_field(line, c.wredis, num, sizeof(num));
                *redis = strtoull(num, NULL, 10);
            }
            continue;
        }
        if (sv[0] != 'b' || !fn)
            continue;
        stat_field(line, c.status, status, sizeof(status));
        stat_field(line, c.check_status, check, sizeof(check));
        {
            long i = strtol(sv + 1, NULL, 10);

            if (i >= 1 && i <= l->n_app)
                fn(l, (int)i - 1, status, check);
        }
    }
    st = 0;
out:
    sl_free(buf);
    return st;
}

/* While starting: counts servers not yet UP after a completed check. */
static void count_not_ready(struct lab *l, int i, const char *status, const char *check)
{
    if (l->app[i].spare)
        return;
    if (strcmp(status, "UP") || strncmp(check, "L7OK", 4))
        l->not_ready++;
}

/* During the workload: one timeline entry per change of a server's UP/DOWN/MAINT state. */
static void note_status(struct lab *l, int i, const char *status, const char *check)
{
    struct proc *p = &l->app[i];
    char word[16];

    (void)check;
    snprintf(word, sizeof(word), "%.*s", (int)strcspn(status, " "), status);
    if (!strcmp(word, "NOLB"))
        return;
    if (p->lb_status[0] && strcmp(p->lb_status, word))
        lab_event_add(l->r, t_rel(l), "haproxy: %s %s", p->name, word);
    snprintf(p->lb_status, sizeof(p->lb_status), "%s", word);
}

/* ---- starting ---- */

/* Waits until p has printed "listening on http://127.0.0.1:PORT/" and answers /healthz. */
static int app_wait(struct proc *p, char *err, size_t errlen)
{
    double deadline = lab_now() + START_TIMEOUT_S;
    int status;

    while (lab_now() < deadline) {
        char buf[4096];
        FILE *f;
        size_t n;
        const char *at;

        if (lab_interrupted()) {
            snprintf(err, errlen, "interrupted");
            return -1;
        }
        if (reaped(p, &status)) {
            char tail[200], how[32];

            log_tail(p->log, p->log_mark, tail, sizeof(tail));
            describe_status(status, how, sizeof(how));
            snprintf(err, errlen, "backend %s exited (%s) while starting: %s", p->name, how,
                     tail[0] ? tail : "no output");
            return 1;
        }
        f = fopen(p->log, "r");
        n = 0;
        if (f) {
            fseek(f, (long)p->log_mark, SEEK_SET);
            n = fread(buf, 1, sizeof(buf) - 1, f);
            fclose(f);
        }
        buf[n] = '\0';
        at = strstr(buf, "listening on http://127.0.0.1:");
        if (at && atoi(at + strlen("listening on http://127.0.0.1:")) == p->port &&
            healthy(p->port))
            return 0;
        sleep_s(0.02);
    }
    snprintf(err, errlen, "backend %s did not answer /healthz on port %d within %.0f s",
             p->name, p->port, START_TIMEOUT_S);
    return -1;
}

static void note_pid(struct lab *l, pid_t pid)
{
    struct lab_result *r = l->r;

    if (r->n_pids_apps < (int)(sizeof(r->pid_apps) / sizeof(r->pid_apps[0])))
        r->pid_apps[r->n_pids_apps++] = pid;
}

/* Starts app i on its port (no waiting). */
static int app_spawn(struct lab *l, int i)
{
    struct proc *p = &l->app[i];
    char port[16], work[32], redis[64], threads[16], exe[PATH_MAX], auth[PATH_MAX];
    char *argv[20];
    int n = 0;
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

    if (len <= 0)
        return -1;
    exe[len] = '\0';
    snprintf(port, sizeof(port), "%d", p->port);
    snprintf(work, sizeof(work), "%ld", l->o->work_us);
    snprintf(redis, sizeof(redis), "127.0.0.1:%d", l->redis.port);
    snprintf(threads, sizeof(threads), "%d", l->o->app_threads);
    snprintf(auth, sizeof(auth), "%s/redis.auth", l->dir);
    /* the path keeps `ps` readable; /proc/self/exe runs this very image, even if rebuilt */
    argv[n++] = exe;
    argv[n++] = (char *)"app";
    argv[n++] = (char *)"--port";
    argv[n++] = port;
    argv[n++] = (char *)"--id";
    argv[n++] = p->name;
    argv[n++] = (char *)"--state";
    argv[n++] = (char *)lab_state_name(l->o->state);
    argv[n++] = (char *)"--work-us";
    argv[n++] = work;
    if (l->o->state == LAB_STATE_STORE) {
        /* the password's file, not the password: a command line is public (ps) */
        argv[n++] = (char *)"--redis";
        argv[n++] = redis;
        argv[n++] = (char *)"--redis-auth-file";
        argv[n++] = auth;
    }
    if (l->o->app_threads > 0) {
        argv[n++] = (char *)"--threads";
        argv[n++] = threads;
    }
    argv[n] = NULL;
    if (spawn(l, p, "/proc/self/exe", argv))
        return -1;
    note_pid(l, p->pid);
    return 0;
}

/* Starts the initial apps together, then waits for each; a failed start gets a new port. */
static int apps_start(struct lab *l, char *err, size_t errlen)
{
    int i, tries;

    for (i = 0; i < l->o->backends; i++)
        if (app_spawn(l, i)) {
            snprintf(err, errlen, "cannot start backend %s: %s", l->app[i].name,
                     strerror(errno));
            return -1;
        }
    for (i = 0; i < l->o->backends; i++)
        for (tries = 1;; tries++) {
            int st = app_wait(&l->app[i], err, errlen);

            if (st == 0)
                break;
            if (st < 0 || tries == SPAWN_TRIES)
                return -1;
            l->app[i].port = free_port(l);
            if (l->app[i].port < 0 || app_spawn(l, i)) {
                snprintf(err, errlen, "cannot start backend %s", l->app[i].name);
                return -1;
            }
        }
    return 0;
}

/*
 * A fresh password for the lab's Redis: PASS_BYTES from getrandom, in hex, written into
 * redis.auth (0600) for the apps' --redis-auth-file. Returns 0, or -1 with errno set.
 */
static int redis_password(struct lab *l)
{
    unsigned char key[PASS_BYTES];
    char path[PATH_MAX], line[sizeof(l->redis_pass) + 1];
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
        snprintf(l->redis_pass + 2 * i, 3, "%02x", key[i]);
    explicit_bzero(key, sizeof(key));
    snprintf(path, sizeof(path), "%s/redis.auth", l->dir);
    snprintf(line, sizeof(line), "%s\n", l->redis_pass);
    st = write_text(path, line);
    explicit_bzero(line, sizeof(line));
    return st;
}

/*
 * redis-server on a free loopback port: appendonly everysec (at most a second of writes lost),
 * noeviction (a full store fails loudly rather than dropping sessions), locked with
 * requirepass: the password is only in redis.conf and redis.auth, both 0600 in the 0700 run
 * directory, never on a command line (docs/lab-security.md).
 */
static int redis_start(struct lab *l, char *err, size_t errlen)
{
    char conf[PATH_MAX + 16], text[PATH_MAX + 512];
    char *argv[3];
    int tries;

    snprintf(conf, sizeof(conf), "%s/redis.conf", l->dir);
    if (redis_password(l)) {
        snprintf(err, errlen, "cannot make a password for redis-server: %s", strerror(errno));
        return -1;
    }
    for (tries = 1; tries <= SPAWN_TRIES; tries++) {
        double deadline = lab_now() + START_TIMEOUT_S;
        int status, bad;

        l->redis.port = free_port(l);
        snprintf(text, sizeof(text),
                 "port %d\nbind 127.0.0.1 -::1\nprotected-mode yes\ndaemonize no\n"
                 "dir %s\nappendonly yes\nappendfsync everysec\nmaxmemory-policy noeviction\n"
                 "save \"\"\nlogfile \"\"\nrequirepass %s\n", l->redis.port, l->dir,
                 l->redis_pass);
        bad = l->redis.port < 0 || write_text(conf, text);
        explicit_bzero(text, sizeof(text));
        if (bad) {
            snprintf(err, errlen, "cannot write '%s': %s", conf, strerror(errno));
            return -1;
        }
        argv[0] = l->redis_bin;
        argv[1] = conf;
        argv[2] = NULL;
        if (spawn(l, &l->redis, argv[0], argv)) {
            snprintf(err, errlen, "cannot start redis-server: %s", strerror(errno));
            return -1;
        }
        l->r->pid_redis = l->redis.pid;
        while (lab_now() < deadline && !lab_interrupted()) {
            if (reaped(&l->redis, &status))
                break;
            if (redis_ping(l))
                return 0;
            sleep_s(0.02);
        }
        if (lab_interrupted()) {
            snprintf(err, errlen, "interrupted");
            return -1;
        }
        if (l->redis.pid) {
            snprintf(err, errlen, "redis-server did not answer PING within %.0f s",
                     START_TIMEOUT_S);
            return -1;
        }
    }
    {
        char tail[200];

        log_tail(l->redis.log, l->redis.log_mark, tail, sizeof(tail));
        snprintf(err, errlen, "redis-server did not start: %s", tail);
    }
    return -1;
}

/*
 * haproxy's configuration, one server line per app (spares disabled): round robin per request,
 * health checks every 500 ms with fall 2 (a killed backend is down within about a second),
 * retries with redispatch except for POSTs, a cookie per backend in the sticky mode.
 */
static int haproxy_config(struct lab *l, const char *path)
{
    size_t cap = 8192, len = 0;
    char *text = sl_malloc(cap);
    int i, st;

    if (!text)
        return -1;
#define ADD(...) \
    len += (size_t)snprintf(text + len, len < cap ? cap - len : 0, __VA_ARGS__)
    ADD("# generated by scalelab lab\n"
        "global\n"
        "    maxconn 4096\n"
        "    stats socket %s/haproxy.sock mode 600 level admin\n"
        "defaults\n"
        "    mode http\n"
        "    timeout connect 200ms\n"
        "    timeout client 30s\n"
        "    timeout server 5s\n"
        "    timeout http-request 5s\n"
        "    timeout check 300ms\n"
        "    retries 2\n"
        "    option redispatch 1\n"
        "    retry-on conn-failure empty-response response-timeout\n"
        "frontend fe\n"
        "    bind 127.0.0.1:%d\n"
        "    default_backend app\n"
        "backend app\n"
        "    balance roundrobin\n"
        "    http-request disable-l7-retry if METH_POST\n"
        "    option httpchk GET /healthz\n"
        "    http-check expect status 200\n"
        "    default-server inter 500ms fall 2 rise 2 maxconn 200 observe layer4 "
        "error-limit 1 on-error mark-down\n", l->dir, l->fe_port);
    if (l->o->sticky)
        ADD("    cookie SRV insert indirect nocache\n");
    for (i = 0; i < l->n_app; i++) {
        ADD("    server %s 127.0.0.1:%d check", l->app[i].name, l->app[i].port);
        if (l->o->sticky)
            ADD(" cookie %s", l->app[i].name);
        ADD("%s\n", l->app[i].spare ? " disabled" : "");
    }
    /* no stats page over HTTP: the stats are on the 0600 socket in the 0700 run directory */
#undef ADD
    st = len < cap ? write_text(path, text) : -1;
    sl_free(text);
    return st;
}

/* haproxy in the foreground (-db), until every initial server is UP and the frontend answers. */
static int haproxy_start(struct lab *l, char *err, size_t errlen)
{
    char conf[PATH_MAX + 16];
    char *argv[5];
    int tries, status;

    snprintf(conf, sizeof(conf), "%s/haproxy.cfg", l->dir);
    for (tries = 1; tries <= SPAWN_TRIES; tries++) {
        double deadline = lab_now() + START_TIMEOUT_S;

        l->fe_port = free_port(l);
        if (l->fe_port < 0 || haproxy_config(l, conf)) {
            snprintf(err, errlen, "cannot write '%s'", conf);
            return -1;
        }
        argv[0] = l->haproxy_bin;
        argv[1] = (char *)"-db";
        argv[2] = (char *)"-f";
        argv[3] = conf;
        argv[4] = NULL;
        if (spawn(l, &l->haproxy, argv[0], argv)) {
            snprintf(err, errlen, "cannot start haproxy: %s", strerror(errno));
            return -1;
        }
        l->r->pid_haproxy = l->haproxy.pid;
        while (lab_now() < deadline && !lab_interrupted()) {
            if (reaped(&l->haproxy, &status))
                break;
            l->not_ready = 0;
            if (lb_stat(l, count_not_ready, NULL, NULL) == 0 && l->not_ready == 0 &&
                healthy(l->fe_port))
                return 0;
            sleep_s(0.05);
        }
        if (lab_interrupted()) {
            snprintf(err, errlen, "interrupted");
            return -1;
        }
        if (l->haproxy.pid) {
            snprintf(err, errlen, "haproxy did not report every backend UP within %.0f s",
                     START_TIMEOUT_S);
            return -1;
        }
    }
    {
        char tail[200];

        log_tail(l->haproxy.log, l->haproxy.log_mark, tail, sizeof(tail));
        snprintf(err, errlen, "haproxy did not start: %s", tail);
    }
    return -1;
}

/* ---- run directories ---- */

/* Nonzero if name is RUN_DIR_PREFIX and six characters of mkdtemp's alphabet. */
static int run_dir_name(const char *name)
{
    size_t n = strlen(RUN_DIR_PREFIX), i;

    if (strncmp(name, RUN_DIR_PREFIX, n) || strlen(name) != n + 6)
        return 0;
    for (i = n; name[i]; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
              (name[i] >= '0' && name[i] <= '9')))
            return 0;
    return 1;
}

/* The pid in dir/lab.pid (the lab that owns dir), or 0 if there is none or it is not one. */
static pid_t run_dir_owner(const char *dir)
{
    char path[PATH_MAX], buf[32], *end;
    ssize_t n;
    long pid;
    int fd;

    if (snprintf(path, sizeof(path), "%s/lab.pid", dir) >= (int)sizeof(path))
        return 0;
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    errno = 0;
    pid = strtol(buf, &end, 10);
    if (errno || end == buf || (*end && strcmp(end, "\n")) || pid <= 1 || pid > INT_MAX)
        return 0;
    return (pid_t)pid;
}

/*
 * Removes what labs killed with SIGKILL (which no handler sees) left in parent: directories
 * named like ours, owned by this user (lstat: a symlink is not followed), whose lab.pid names a
 * process that no longer exists. A directory without lab.pid (a lab between mkdtemp and writing
 * it) or whose owner lives is left alone; a reused pid keeps a directory, never removes a live
 * one. Children of a killed lab died with it (PR_SET_PDEATHSIG).
 */
static void remove_stale_dirs(const struct lab *l, const char *parent)
{
    DIR *d = opendir(parent);

    if (!d)
        return;
    for (;;) {
        struct dirent *e = readdir(d);
        char path[PATH_MAX];
        struct stat sb;
        pid_t owner;

        if (!e)
            break;
        if (!run_dir_name(e->d_name) ||
            snprintf(path, sizeof(path), "%s/%s", parent, e->d_name) >= (int)sizeof(path) ||
            lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid())
            continue;
        owner = run_dir_owner(path);
        if (!owner || owner == getpid() || kill(owner, 0) == 0 || errno != ESRCH)
            continue;
        nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        if (l->o->verbose)
            fprintf(stderr, "scalelab: removed '%s', left by lab process %d, which is gone\n",
                    path, (int)owner);
    }
    closedir(d);
}

/* The private run directory (mode 0700, from mkdtemp) and its lab.pid; 0, or -1 with err. */
static int run_dir_make(struct lab *l, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    const char *parent = tmp && *tmp ? tmp : "/tmp";
    char path[PATH_MAX], text[32];
    int n;

    remove_stale_dirs(l, parent);
    n = snprintf(l->dir, sizeof(l->dir), "%s/" RUN_DIR_PREFIX "XXXXXX", parent);
    if (n < 0 || (size_t)n >= sizeof(l->dir) || !mkdtemp(l->dir)) {
        snprintf(err, errlen, "cannot create a run directory in '%s': %s", parent,
                 strerror(errno));
        l->dir[0] = '\0';
        return -1;
    }
    snprintf(path, sizeof(path), "%s/lab.pid", l->dir);
    snprintf(text, sizeof(text), "%d\n", (int)getpid());
    if (write_text(path, text)) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* A fresh token key for this run, shared by every app through the environment. */
static int token_key(void)
{
    unsigned char key[32];
    char hex[2 * sizeof(key) + 1];
    size_t i;

    if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
        return -1;
    for (i = 0; i < sizeof(key); i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    return setenv("SCALELAB_TOKEN_KEY", hex, 1);
}

/*
 * The run directory, ports for every app (spares included, so that haproxy's configuration never
 * changes), then redis-server, the apps and haproxy, each healthy before the next. On failure
 * whatever started is left for lab_stop.
 */
static int lab_start(struct lab *l, char *err, size_t errlen)
{
    const struct lab_opts *o = l->o;
    int i, adds = 0;

    for (i = 0; i < o->n_actions; i++)
        adds += o->actions[i].kind == LAB_ACT_ADD;
    if (lab_check_programs(o, err, errlen))
        return -1;
    find_program("haproxy", l->haproxy_bin, sizeof(l->haproxy_bin));
    find_program("redis-server", l->redis_bin, sizeof(l->redis_bin));
    if (run_dir_make(l, err, errlen))
        return -1;
    snprintf(l->r->run_dir, sizeof(l->r->run_dir), "%s", l->dir);
    snprintf(l->redis.name, sizeof(l->redis.name), "redis");
    snprintf(l->redis.log, sizeof(l->redis.log), "%s/redis.log", l->dir);
    snprintf(l->haproxy.name, sizeof(l->haproxy.name), "haproxy");
    snprintf(l->haproxy.log, sizeof(l->haproxy.log), "%s/haproxy.log", l->dir);
    l->n_app = o->backends + adds;
    for (i = 0; i < l->n_app; i++) {
        struct proc *p = &l->app[i];

        snprintf(p->name, sizeof(p->name), "b%d", i + 1);
        snprintf(p->log, sizeof(p->log), "%s/%s.log", l->dir, p->name);
        p->spare = i >= o->backends;
        p->port = free_port(l);
        if (p->port < 0) {
            snprintf(err, errlen, "no free loopback port: %s", strerror(errno));
            return -1;
        }
    }
    if (o->state == LAB_STATE_TOKEN && token_key()) {
        snprintf(err, errlen, "cannot make a token key: %s", strerror(errno));
        return -1;
    }
    if (o->state == LAB_STATE_STORE && redis_start(l, err, errlen))
        return -1;
    if (apps_start(l, err, errlen) || haproxy_start(l, err, errlen))
        return -1;
    return 0;
}

/* ---- stopping ---- */

/* Prints the end of a log whose process failed, so that its error (or sanitizer report) shows. */
static void show_log(const struct proc *p, const char *why)
{
    char buf[2048];
    FILE *f = fopen(p->log, "r");
    long size;
    size_t n;

    fprintf(stderr, "scalelab: %s ended with %s on SIGTERM; the end of its log:\n", p->name,
            why);
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, size > (long)sizeof(buf) - 1 ? size - (long)sizeof(buf) + 1 : 0, SEEK_SET);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    fputs(buf, stderr);
    if (n && buf[n - 1] != '\n')
        fputc('\n', stderr);
}

static double proc_cpu_s(pid_t pid)
{
    char path[64], buf[1024];
    FILE *f;
    size_t n;
    const char *p;
    unsigned long long utime = 0, stime = 0;
    int field;

    if (!pid)
        return 0;
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (!f)
        return 0;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
    if (!p)
        return 0;
    p++;
    /* after ')' come fields 3 (state), 4, ...; utime is field 14, stime 15 */
    for (field = 3; field <= 15 && *p; field++) {
        char *end;

        while (*p == ' ')
            p++;
        if (field == 14)
            utime = strtoull(p, &end, 10);
        else if (field == 15)
            stime = strtoull(p, &end, 10);
        p += strcspn(p, " ");
    }
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* Counts an app's CPU since the workload started into cpu_acc, before it goes away. */
static void account_cpu(struct lab *l, struct proc *p)
{
    if (l->t0 > 0 && p->pid) {
        double now = proc_cpu_s(p->pid);

        if (now > p->cpu_base)
            p->cpu_acc += now - p->cpu_base;
        p->cpu_base = now;
    }
}

/* SIGTERM to every child, SIGKILL to those left after STOP_TIMEOUT_S, then the directory. */
static void lab_stop(struct lab *l)
{
    struct proc *all[LAB_MAX_BACKENDS + 2];
    int n = 0, i, left;
    double deadline = lab_now() + STOP_TIMEOUT_S;

    for (i = 0; i < l->n_app; i++)
        all[n++] = &l->app[i];
    all[n++] = &l->haproxy;
    all[n++] = &l->redis;
    for (i = 0; i < n; i++)
        if (all[i]->pid)
            kill(all[i]->pid, SIGTERM);
    do {
        left = 0;
        for (i = 0; i < n; i++) {
            int status;

            if (!all[i]->pid)
                continue;
            if (!reaped(all[i], &status)) {
                left++;
                continue;
            }
            /* an app must stop cleanly on SIGTERM (a sanitizer report exits nonzero) */
            if (all[i] != &l->haproxy && all[i] != &l->redis &&
                !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
                char how[32];

                describe_status(status, how, sizeof(how));
                show_log(all[i], how);
            }
        }
        if (left)
            sleep_s(0.02);
    } while (left && lab_now() < deadline);
    for (i = 0; i < n; i++)
        if (all[i]->pid) {
            fprintf(stderr, "scalelab: %s did not stop on SIGTERM within %.0f s; killing it\n",
                    all[i]->name, STOP_TIMEOUT_S);
            kill(all[i]->pid, SIGKILL);
            waitpid(all[i]->pid, NULL, 0);
            all[i]->pid = 0;
        }
    /* anything the children left in their group (a redis background save, say) */
    if (l->pgid > 0 && kill(-l->pgid, 0) == 0)
        kill(-l->pgid, SIGKILL);
    if (l->dir[0])
        nftw(l->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- the run ---- */

/* --kill: SIGKILL, no warning to haproxy; its checks and the client find out. */
static void do_kill(struct lab *l, int i)
{
    struct proc *p = &l->app[i];
    double t;

    if (!p->pid) {
        lab_event_add(l->r, t_rel(l), "kill %s skipped: not running", p->name);
        return;
    }
    account_cpu(l, p);
    t = t_rel(l); /* the moment of the signal: clients may notice before waitpid returns */
    kill(p->pid, SIGKILL);
    waitpid(p->pid, NULL, 0);
    lab_event_add(l->r, t, "kill -9 %s (pid %d)", p->name, (int)p->pid);
    p->pid = 0;
}

/* --restart: the same port, so that haproxy's server line finds it again. */
static void do_restart(struct lab *l, int i)
{
    struct proc *p = &l->app[i];

    if (p->pid) {
        lab_event_add(l->r, t_rel(l), "restart %s skipped: still running", p->name);
        return;
    }
    if (app_spawn(l, i)) {
        lab_event_add(l->r, t_rel(l), "restart %s failed: %s", p->name, strerror(errno));
        return;
    }
    p->cpu_base = 0;
    lab_event_add(l->r, t_rel(l), "restart %s on port %d (pid %d)", p->name, p->port,
                  (int)p->pid);
}

/* --add: starts the next spare; enable_pending puts it into rotation once it answers. */
static void do_add(struct lab *l)
{
    int i = l->o->backends + l->n_added;
    struct proc *p = &l->app[i];

    if (i >= l->n_app)
        return;
    l->n_added++;
    l->r->servers++;
    if (app_spawn(l, i)) {
        lab_event_add(l->r, t_rel(l), "add %s failed: %s", p->name, strerror(errno));
        return;
    }
    p->cpu_base = 0;
    p->pending = 1;
    lab_event_add(l->r, t_rel(l), "add %s on port %d (pid %d)", p->name, p->port, (int)p->pid);
}

/* An added app that answers /healthz leaves maintenance; haproxy's checks then bring it UP. */
static void enable_pending(struct lab *l)
{
    int i;

    for (i = 0; i < l->n_app; i++) {
        struct proc *p = &l->app[i];
        char cmd[64], out[256];

        if (!p->pending || !p->pid || !healthy(p->port))
            continue;
        p->pending = 0;
        snprintf(cmd, sizeof(cmd), "enable server app/%s", p->name);
        if (lb_command(l, cmd, out, sizeof(out)) == 0 && !out[strspn(out, "\n")])
            lab_event_add(l->r, t_rel(l), "%s enabled in haproxy", p->name);
        else
            lab_event_add(l->r, t_rel(l), "enabling %s in haproxy failed: %.40s", p->name, out);
    }
}

static void run_actions(struct lab *l)
{
    double t = t_rel(l);
    int i;

    for (i = 0; i < l->o->n_actions; i++) {
        const struct lab_action *a = &l->o->actions[i];

        if (l->action_done[i] || a->t_s > t)
            continue;
        l->action_done[i] = 1;
        if (a->kind == LAB_ACT_KILL)
            do_kill(l, a->backend - 1);
        else if (a->kind == LAB_ACT_RESTART)
            do_restart(l, a->backend - 1);
        else
            do_add(l);
    }
}

/* Records the first failure of the store during the run, on the timeline and in the result. */
static void store_failed(struct lab *l, const char *what)
{
    struct lab_result *r = l->r;

    lab_event_add(r, t_rel(l), "%s", what);
    if (r->store_failure[0])
        return;
    r->store_failure_t_s = t_rel(l);
    snprintf(r->store_failure, sizeof(r->store_failure), "%s", what);
}

/* "redis-server shut down (status 0)", "... was killed (signal 9)", "... exited (status 1)". */
static void describe_redis_end(int status, char *out, size_t outlen)
{
    char how[32];

    describe_status(status, how, sizeof(how));
    snprintf(out, outlen, "redis-server %s (%s)", WIFEXITED(status) && !WEXITSTATUS(status) ?
             "shut down" : WIFSIGNALED(status) ? "was killed" : "exited", how);
}

/* Notes children that died on their own; returns -1 if haproxy did (the run cannot go on). */
static int watch_children(struct lab *l, char *err, size_t errlen)
{
    int i, status;
    char how[32];

    for (i = 0; i < l->n_app; i++)
        if (reaped(&l->app[i], &status)) {
            describe_status(status, how, sizeof(how));
            lab_event_add(l->r, t_rel(l), "%s exited on its own (%s)", l->app[i].name, how);
        }
    if (reaped(&l->redis, &status)) {
        char what[LAB_EVENT_LEN];

        describe_redis_end(status, what, sizeof(what));
        store_failed(l, what);
    }
    if (reaped(&l->haproxy, &status)) {
        char tail[200];

        describe_status(status, how, sizeof(how));
        log_tail(l->haproxy.log, l->haproxy.log_mark, tail, sizeof(tail));
        snprintf(err, errlen, "haproxy exited during the run (%s): %s", how, tail);
        return -1;
    }
    return 0;
}

/* Lets the kernel give each virtual user its connection: the soft descriptor limit to the hard. */
static void raise_fd_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/*
 * The client's users run on their threads while this (main) thread applies the timed actions,
 * watches haproxy's view of the servers and the children. Forks happen only here: a child's
 * PR_SET_PDEATHSIG follows the thread that forked it, which must outlive the child.
 */
static int workload(struct lab *l, char *err, size_t errlen)
{
    struct lab_client_cfg cfg;
    struct lab_client *c;
    double next_poll = 0;
    int i, st = 0;

    lb_stat(l, note_status, NULL, NULL);
    memset(&cfg, 0, sizeof(cfg));
    cfg.port = l->fe_port;
    cfg.users = l->o->users;
    cfg.duration_s = l->o->duration_s;
    cfg.requests = l->o->requests;
    l->t0 = cfg.t0 = lab_now();
    for (i = 0; i < l->n_app; i++)
        l->app[i].cpu_base = proc_cpu_s(l->app[i].pid);
    lab_event_add(l->r, 0, "start: %d users on %d backends (%s%s)", l->o->users,
                  l->o->backends, lab_state_name(l->o->state), l->o->sticky ? ", sticky" : "");
    c = lab_client_start(&cfg, err, errlen);
    if (!c)
        return -1;
    while (lab_client_running(c) && !lab_interrupted()) {
        run_actions(l);
        enable_pending(l);
        if (t_rel(l) >= next_poll) {
            lb_stat(l, note_status, NULL, NULL);
            next_poll = t_rel(l) + POLL_S;
        }
        if (watch_children(l, err, errlen)) {
            st = -1;
            break;
        }
        sleep_s(0.01);
    }
    lab_client_stop(c);
    l->r->elapsed_s = t_rel(l);
    /* the store must have lasted the whole run: still there, and still answering */
    if (st == 0 && watch_children(l, err, errlen))
        st = -1;
    if (l->o->state == LAB_STATE_STORE && l->redis.pid && !redis_ping(l))
        store_failed(l, "redis-server stopped answering");
    lab_client_collect(c, l->r);
    lab_client_free(c);
    lab_event_add(l->r, l->r->elapsed_s, "end");
    for (i = 0; i < l->n_app; i++)
        account_cpu(l, &l->app[i]);
    for (i = 0; i < l->n_app; i++)
        l->r->app_cpu_s += l->app[i].cpu_acc;
    if (st == 0 && l->haproxy.pid) {
        lb_stat(l, NULL, &l->r->lb_retries, &l->r->lb_redispatches);
        if (lab_client_get_counter(l->fe_port, &l->r->counter_final))
            l->r->counter_final = -1;
    }
    return st;
}

int lab_run(const struct lab_opts *o, struct lab_result *r, char *err, size_t errlen)
{
    struct lab *l = sl_calloc(1, sizeof(*l));
    int st;

    if (!l) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    l->o = o;
    l->r = r;
    r->servers = o->backends;
    raise_fd_limit();
    st = lab_start(l, err, errlen);
    if (st == 0) {
        if (o->verbose)
            fprintf(stderr, "scalelab: lab ready in %s (haproxy stats: socket "
                    "%s/haproxy.sock)\n", l->dir, l->dir);
        st = workload(l, err, errlen);
    }
    lab_stop(l);
    r->interrupted = lab_interrupted();
    lab_result_finish(r);
    explicit_bzero(l->redis_pass, sizeof(l->redis_pass));
    sl_free(l);
    return st;
}
