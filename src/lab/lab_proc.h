/* The lab's child processes: found on PATH, given ports, started, reaped, measured, stopped. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_PROC_H
#define SL_LAB_PROC_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

/* The children of one run: one process group, their pid files in the run directory. */
struct lab_group {
    pid_t pgid;      /* 0 until the first child */
    const char *dir; /* the run directory (borrowed) */
};

/* One child process. */
struct lab_proc {
    pid_t pid;          /* 0 when not running */
    int port;           /* TCP port it listens on */
    char name[16];      /* "redis", "haproxy", "b1", ...: its log and pid file are named so */
    char log[PATH_MAX]; /* its stdout and stderr, appended over restarts */
    off_t log_mark;     /* size of the log when it was last started */
    int must_exit_0;    /* exits 0 on SIGTERM, or its log is shown (a sanitizer report) */
    double cpu_base;    /* its CPU seconds when last measured (lab_proc_cpu_account) */
    double cpu_acc;     /* CPU seconds counted so far */
    char cgroup_procs[PATH_MAX]; /* the cgroup.procs it joins before exec (a CPU budget); "" */
};

/* Ports handed out in one run, so that two children are never given the same one. */
#define LAB_PORTS_KEPT 128
struct lab_ports {
    int taken[LAB_PORTS_KEPT]; /* a ring: beyond LAB_PORTS_KEPT the oldest is forgotten */
    int n;
};

/*
 * Looks for name in PATH, then in the sbin directories a non-root PATH often lacks (Debian
 * installs haproxy in /usr/sbin). Returns 0 with the full path in out, or -1.
 */
int lab_find_program(const char *name, char *out, size_t outlen);

/*
 * A free loopback port not handed out before: bind port 0, read what the kernel chose, close.
 * Another process may take it before the child binds; callers retry with a new port when a
 * child fails to start. Returns the port, or -1 with errno set.
 */
int lab_port_pick(struct lab_ports *ports);

/* Names p and its log (<dir>/<name>.log); not running yet. */
void lab_proc_init(struct lab_proc *p, const char *dir, const char *name);

/*
 * Starts path with argv in g's process group: its output appended to p->log, no descriptor
 * of ours, killed when this thread ends, its pid in <dir>/<name>.pid; in the cgroup of
 * p->cgroup_procs from before exec (a child that cannot join exits 126). Call from the thread
 * that outlives the child (PR_SET_PDEATHSIG follows the forking thread). Returns 0 with
 * p->pid set, or -1 with errno set.
 */
int lab_proc_spawn(struct lab_group *g, struct lab_proc *p, const char *path,
                   char *const argv[]);

/* Reaps p if it has exited; returns 1 (its wait status in *status, p->pid 0) if so, else 0. */
int lab_proc_reaped(struct lab_proc *p, int *status);

/* SIGKILL and wait: no warning to anyone. p->pid is 0 after. */
void lab_proc_kill(struct lab_proc *p);

/* "status 1", "signal 9": a wait status in words. */
void lab_status_text(int status, char *out, size_t outlen);

/* The last non-empty line p wrote to its log since it was last started, for messages. */
void lab_proc_log_tail(const struct lab_proc *p, char *out, size_t outlen);

/* Sets p->cpu_base to its CPU seconds now: what later accounting counts from. */
void lab_proc_cpu_mark(struct lab_proc *p);

/* Adds p's CPU seconds since its mark to p->cpu_acc and marks again; call before it ends. */
void lab_proc_cpu_account(struct lab_proc *p);

/* Starting a child takes at most this long (ASan builds are slow); a failed start is tried again
 * on a new port (someone may have taken the port meanwhile) this many times. */
#define LAB_START_TIMEOUT_S 15.0
#define LAB_SPAWN_TRIES 4

/* Nonzero once a starting child is ready: it answers. */
typedef int lab_ready_fn(const void *ctx);

/* How to wait for one child. */
struct lab_wait {
    const char *who;       /* the child in messages: "redis-server", "backend b1" */
    const char *not_ready; /* what it did not do in time: "did not answer PING" */
    lab_ready_fn *ready;
    const void *ctx;       /* ready's and configure's argument */
    double poll_s;         /* ready is asked this often */
};

/*
 * Waits up to LAB_START_TIMEOUT_S for w->ready. Returns 0 once ready; 1 if p exited meanwhile
 * (err: "<who> exited (status 1) while starting: <its last line>"); -1 on an interruption
 * (err: "interrupted") or when the time ran out (err: "<who> <not_ready> within 15 s").
 */
int lab_proc_wait(struct lab_proc *p, const struct lab_wait *w, char *err, size_t errlen);

/* How to start a child that listens on a port of its own. */
struct lab_start {
    struct lab_wait wait;
    const char *path;
    char *const *argv;
    /* Writes the child's configuration for the port in its lab_proc; 0, or -1 with err set. */
    int (*configure)(const void *ctx, char *err, size_t errlen);
};

/*
 * Starts p on a port from lab_port_pick until it is ready; a start that exits meanwhile is
 * tried again on a new port, LAB_SPAWN_TRIES times in all. Returns 0, or -1 with err set.
 */
int lab_proc_start(struct lab_group *g, struct lab_proc *p, struct lab_ports *ports,
                   const struct lab_start *s, char *err, size_t errlen);

/*
 * SIGTERM to each of all[0..n), SIGKILL to those left after 5 s, then SIGKILL to whatever else
 * is in g's process group (a redis background save, say). A child with must_exit_0 that ends
 * otherwise gets the end of its log on stderr.
 */
void lab_group_stop(struct lab_group *g, struct lab_proc *const *all, int n);

#endif
