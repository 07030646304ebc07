/* The lab's child processes: found on PATH, given ports, started, reaped, measured, stopped. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* close_range */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/lab_cgroup.h"
#include "lab/lab_clock.h"
#include "lab/lab_proc.h"
#include "lab/lab_rundir.h"
#include "lab/lab_signals.h"
#include "banned.h"

#define STOP_TIMEOUT_S 5.0 /* SIGTERM, then SIGKILL after this */
#define PORT_TRIES 50      /* ports the kernel offers before we give up finding a new one */

int lab_find_program(const char *name, char *out, size_t outlen)
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

/* ---- ports ---- */

static int port_taken(const struct lab_ports *ports, int port)
{
    int i, n = ports->n < LAB_PORTS_KEPT ? ports->n : LAB_PORTS_KEPT;

    for (i = 0; i < n; i++)
        if (ports->taken[i] == port)
            return 1;
    return 0;
}

/* The port the kernel gives a socket bound to 127.0.0.1:0, or -1. */
static int kernel_port(void)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ok;

    if (fd < 0)
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
         getsockname(fd, (struct sockaddr *)&sa, &len) == 0;
    close(fd);
    return ok ? ntohs(sa.sin_port) : -1;
}

int lab_port_pick(struct lab_ports *ports)
{
    int tries;

    for (tries = 0; tries < PORT_TRIES; tries++) {
        int port = kernel_port();

        if (port < 0)
            return -1;
        if (port_taken(ports, port))
            continue;
        ports->taken[ports->n++ % LAB_PORTS_KEPT] = port;
        return port;
    }
    errno = EADDRINUSE;
    return -1;
}

/* ---- starting ---- */

void lab_proc_init(struct lab_proc *p, const char *dir, const char *name)
{
    memset(p, 0, sizeof(*p));
    snprintf(p->name, sizeof(p->name), "%s", name);
    snprintf(p->log, sizeof(p->log), "%s/%s.log", dir, p->name);
}

static off_t file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? st.st_size : 0;
}

/* Writes text on the child's stderr (its log); async-signal-safe. */
static void child_say(const char *text)
{
    ssize_t n = write(STDERR_FILENO, text, strlen(text));

    (void)n;
}

/*
 * Joins the budget's cgroup, if any, before exec: the program never runs a moment outside it.
 * A child that cannot join says so in its log and exits 126 rather than run unthrottled.
 */
static void child_join_cgroup(const char *procs)
{
    if (!procs[0] || lab_cgroup_join(procs) == 0)
        return;
    child_say("scalelab: cannot join the CPU cgroup ");
    child_say(procs);
    child_say("\n");
    _exit(126);
}

/*
 * In the child, between fork and exec, only async-signal-safe calls: default signal handling,
 * the lab's process group, death with the parent (so even a SIGKILLed lab leaves nothing),
 * output to the log, its CPU budget, and no descriptor of the parent (client sockets) leaking in.
 */
static void child_exec(const struct lab_proc *p, const char *path, char *const argv[],
                       pid_t pgid, pid_t parent, int log_fd, int null_fd)
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
    child_join_cgroup(p->cgroup_procs);
    close_range(3, ~0U, 0);
    execv(path, argv);
    _exit(127);
}

/* For a person (or a test) looking into a running lab: <dir>/<name>.pid. */
static void write_pid_file(const struct lab_group *g, const struct lab_proc *p)
{
    char path[PATH_MAX], text[32];

    snprintf(path, sizeof(path), "%s/%s.pid", g->dir, p->name);
    snprintf(text, sizeof(text), "%d\n", (int)p->pid);
    lab_rundir_write(path, text);
}

int lab_proc_spawn(struct lab_group *g, struct lab_proc *p, const char *path,
                   char *const argv[])
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
        child_exec(p, path, argv, g->pgid, parent, log_fd, null_fd);
    close(log_fd);
    close(null_fd);
    if (pid < 0)
        return -1;
    /* both sides set the group, so it holds whichever runs first */
    if (setpgid(pid, g->pgid) != 0)
        setpgid(pid, pid);
    if (!g->pgid)
        g->pgid = pid;
    p->pid = pid;
    write_pid_file(g, p);
    return 0;
}

int lab_proc_wait(struct lab_proc *p, const struct lab_wait *w, char *err, size_t errlen)
{
    double deadline = lab_now() + LAB_START_TIMEOUT_S;
    int status;

    while (lab_now() < deadline && !lab_interrupted()) {
        if (lab_proc_reaped(p, &status)) {
            char tail[200], how[32];

            lab_proc_log_tail(p, tail, sizeof(tail));
            lab_status_text(status, how, sizeof(how));
            snprintf(err, errlen, "%s exited (%s) while starting: %s", w->who, how,
                     tail[0] ? tail : "no output");
            return 1;
        }
        if (w->ready(w->ctx))
            return 0;
        lab_sleep_s(w->poll_s);
    }
    if (lab_interrupted())
        snprintf(err, errlen, "interrupted");
    else
        snprintf(err, errlen, "%s %s within %.0f s", w->who, w->not_ready,
                 LAB_START_TIMEOUT_S);
    return -1;
}

int lab_proc_start(struct lab_group *g, struct lab_proc *p, struct lab_ports *ports,
                   const struct lab_start *s, char *err, size_t errlen)
{
    int tries, st = 1;

    for (tries = 1; tries <= LAB_SPAWN_TRIES && st > 0; tries++) {
        p->port = lab_port_pick(ports);
        if (p->port < 0) {
            snprintf(err, errlen, "no free loopback port for %s: %s", s->wait.who,
                     strerror(errno));
            return -1;
        }
        if (s->configure(s->wait.ctx, err, errlen))
            return -1;
        if (lab_proc_spawn(g, p, s->path, s->argv)) {
            snprintf(err, errlen, "cannot start %s: %s", s->wait.who, strerror(errno));
            return -1;
        }
        st = lab_proc_wait(p, &s->wait, err, errlen);
    }
    return st == 0 ? 0 : -1;
}

/* ---- watching ---- */

int lab_proc_reaped(struct lab_proc *p, int *status)
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

void lab_proc_kill(struct lab_proc *p)
{
    if (!p->pid)
        return;
    kill(p->pid, SIGKILL);
    waitpid(p->pid, NULL, 0);
    p->pid = 0;
}

void lab_status_text(int status, char *out, size_t outlen)
{
    if (WIFEXITED(status))
        snprintf(out, outlen, "status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(out, outlen, "signal %d", WTERMSIG(status));
    else
        snprintf(out, outlen, "wait status %d", status);
}

void lab_proc_log_tail(const struct lab_proc *p, char *out, size_t outlen)
{
    char buf[1024];
    FILE *f = fopen(p->log, "r");
    long size, start;
    size_t n;
    char *line;

    out[0] = '\0';
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    start = size - (long)sizeof(buf) + 1;
    if (start < (long)p->log_mark)
        start = (long)p->log_mark;
    if (start < 0)
        start = 0;
    fseek(f, start, SEEK_SET);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    line = strrchr(buf, '\n');
    snprintf(out, outlen, "%s", line ? line + 1 : buf);
}

/* User plus system CPU seconds of a live process, from /proc; 0 when it cannot be read. */
static double cpu_s(pid_t pid)
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

void lab_proc_cpu_mark(struct lab_proc *p)
{
    p->cpu_base = cpu_s(p->pid);
}

void lab_proc_cpu_account(struct lab_proc *p)
{
    double now;

    if (!p->pid)
        return;
    now = cpu_s(p->pid);
    if (now > p->cpu_base)
        p->cpu_acc += now - p->cpu_base;
    p->cpu_base = now;
}

/* ---- stopping ---- */

/* Prints the end of a log whose process failed, so that its error (or sanitizer report) shows. */
static void show_log(const struct lab_proc *p, const char *why)
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

/* Reaps what has ended of all[0..n), showing the log of one that ended badly; how many run. */
static int reap_stopped(struct lab_proc *const *all, int n)
{
    int i, left = 0;

    for (i = 0; i < n; i++) {
        int status;

        if (!all[i]->pid)
            continue;
        if (!lab_proc_reaped(all[i], &status)) {
            left++;
            continue;
        }
        if (all[i]->must_exit_0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
            char how[32];

            lab_status_text(status, how, sizeof(how));
            show_log(all[i], how);
        }
    }
    return left;
}

void lab_group_stop(struct lab_group *g, struct lab_proc *const *all, int n)
{
    double deadline = lab_now() + STOP_TIMEOUT_S;
    int i;

    for (i = 0; i < n; i++)
        if (all[i]->pid)
            kill(all[i]->pid, SIGTERM);
    while (reap_stopped(all, n) && lab_now() < deadline)
        lab_sleep_s(0.02);
    for (i = 0; i < n; i++)
        if (all[i]->pid) {
            fprintf(stderr, "scalelab: %s did not stop on SIGTERM within %.0f s; killing it\n",
                    all[i]->name, STOP_TIMEOUT_S);
            lab_proc_kill(all[i]);
        }
    if (g->pgid > 0 && kill(-g->pgid, 0) == 0)
        kill(-g->pgid, SIGKILL);
}
