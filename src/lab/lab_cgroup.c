/* CPU budgets: each app in a cgroup of its own with a CPU quota, under one cgroup the lab owns. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/lab_cgroup.h"
#include "lab/lab_clock.h"
#include "banned.h"

/* The lab's cgroup outweighs all other work (v1 cpu.shares, v2 cpu.weight at their maximum):
 * on a shared machine each budget is then a guarantee as well as a ceiling, as a machine's cores
 * are, and the quotas keep the apps from ever taking more. */
#define V1_SHARES "262144"
#define V2_WEIGHT "10000"
#define REMOVE_TRIES 100    /* rmdir of a cgroup whose last process is still exiting: retries */
#define REMOVE_WAIT_S 0.01

/* ---- small files ---- */

/* The first cap - 1 bytes of path into buf; 0, or -1 with errno set. */
static int read_text(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return -1;
    n = read(fd, buf, cap - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return 0;
}

/* One write(2) of text into a control file, as the kernel wants it; 0, or -1 with errno. */
static int write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC), saved;
    ssize_t n;

    if (fd < 0)
        return -1;
    n = write(fd, text, strlen(text));
    saved = errno;
    close(fd);
    errno = saved;
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Nonzero if word is one of list's items, separated by any of seps. */
static int has_word(const char *list, const char *word, const char *seps)
{
    size_t len = strlen(word);

    while (*list) {
        size_t n = strcspn(list, seps);

        if (n == len && !strncmp(list, word, len))
            return 1;
        list += n;
        list += strspn(list, seps);
    }
    return 0;
}

/* ---- detection ---- */

/* One line of mountinfo: the mount's root in its filesystem, its mount point, type, options. */
struct mount {
    char root[PATH_MAX];
    char point[PATH_MAX];
    char type[32];
    char opts[256];
};

/* Copies the line at *text into line (cut at cap) and moves past it; 0 at the end. */
static int next_line(const char **text, char *line, size_t cap)
{
    size_t n;

    if (!**text)
        return 0;
    n = strcspn(*text, "\n");
    snprintf(line, cap, "%.*s", (int)n, *text);
    *text += n + ((*text)[n] == '\n');
    return 1;
}

/* "36 25 0:31 / /sys/fs/cgroup/cpu rw,relatime shared:1 - cgroup cgroup rw,cpu": 0 or -1. */
static int parse_mount(const char *line, struct mount *m)
{
    const char *dash = strstr(line, " - ");

    if (!dash || sscanf(line, "%*s %*s %*s %4095s %4095s", m->root, m->point) != 2 ||
        sscanf(dash + 3, "%31s %*s %255s", m->type, m->opts) != 2)
        return -1;
    return 0;
}

/* The mount of the v2 hierarchy, or of the v1 one holding the cpu controller; 0 or -1. */
static int find_mount(const char *mountinfo, enum lab_cgroup_version v, struct mount *m)
{
    char line[3 * PATH_MAX];

    while (next_line(&mountinfo, line, sizeof(line)))
        if (parse_mount(line, m) == 0 &&
            (v == LAB_CGROUP_V2 ? !strcmp(m->type, "cgroup2") :
             !strcmp(m->type, "cgroup") && has_word(m->opts, "cpu", ",")))
            return 0;
    return -1;
}

/* This process's path in the hierarchy: "0::/a/b" (v2) or "4:cpu,cpuacct:/a/b" (v1). */
static int self_path(const char *self_cgroup, enum lab_cgroup_version v, char *out,
                     size_t outlen)
{
    char line[PATH_MAX + 64];

    while (next_line(&self_cgroup, line, sizeof(line))) {
        char *list = strchr(line, ':'), *path = list ? strchr(list + 1, ':') : NULL;

        if (!path)
            continue;
        *list++ = '\0';
        *path++ = '\0';
        if (v == LAB_CGROUP_V2 ? !strcmp(line, "0") && !*list : has_word(list, "cpu", ",")) {
            snprintf(out, outlen, "%s", path);
            return 0;
        }
    }
    return -1;
}

/*
 * The directory of this process's cgroup: the mount point and the path below the mount's root
 * (a container's mount may start deeper than the path /proc/self/cgroup shows). 0 or -1.
 */
static int own_dir(const char *mountinfo, const char *self_cgroup, enum lab_cgroup_version v,
                   char *out, size_t outlen)
{
    struct mount m;
    char path[PATH_MAX];
    const char *rel = path;
    size_t rlen;
    int n;

    if (find_mount(mountinfo, v, &m) || self_path(self_cgroup, v, path, sizeof(path)))
        return -1;
    rlen = strlen(m.root);
    if (strcmp(m.root, "/") && !strncmp(path, m.root, rlen) &&
        (path[rlen] == '/' || !path[rlen]))
        rel = path + rlen;
    if (!strcmp(rel, "/"))
        rel = "";
    n = snprintf(out, outlen, "%s%s", m.point, rel);
    return n > 0 && (size_t)n < outlen ? 0 : -1;
}

/* v2: the parent offers cpu and lets it be enabled for its children. 0, or -1 with why. */
static int v2_usable(const char *dir, char *why, size_t whylen)
{
    char path[PATH_MAX + 32], list[512];

    snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
    if (read_text(path, list, sizeof(list)) || !has_word(list, "cpu", " \n")) {
        snprintf(why, whylen, "the cgroup v2 hierarchy at %s offers no cpu controller", dir);
        return -1;
    }
    snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
    if (write_text(path, "+cpu")) {
        snprintf(why, whylen, "cannot enable cpu in %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int lab_cgroup_detect_in(const char *mountinfo, const char *self_cgroup,
                         struct lab_cgroup_env *env, char *why, size_t whylen)
{
    char v2_why[PATH_MAX + 128] = "no cgroup v2 hierarchy is mounted", path[PATH_MAX + 32];

    memset(env, 0, sizeof(*env));
    if (own_dir(mountinfo, self_cgroup, LAB_CGROUP_V2, env->parent, sizeof(env->parent)) == 0 &&
        v2_usable(env->parent, v2_why, sizeof(v2_why)) == 0) {
        env->version = LAB_CGROUP_V2;
        return 0;
    }
    if (own_dir(mountinfo, self_cgroup, LAB_CGROUP_V1, env->parent, sizeof(env->parent)) == 0) {
        snprintf(path, sizeof(path), "%s/cpu.cfs_quota_us", env->parent);
        if (access(path, F_OK) == 0) {
            env->version = LAB_CGROUP_V1;
            return 0;
        }
    }
    env->parent[0] = '\0';
    snprintf(why, whylen, "%s, and no cgroup v1 cpu hierarchy with cpu.cfs_quota_us is "
             "mounted", v2_why);
    return -1;
}

int lab_cgroup_detect(struct lab_cgroup_env *env, char *why, size_t whylen)
{
    static char mountinfo[64 * 1024];
    char self[8192];

    if (read_text("/proc/self/mountinfo", mountinfo, sizeof(mountinfo)) ||
        read_text("/proc/self/cgroup", self, sizeof(self))) {
        snprintf(why, whylen, "cannot read /proc/self/mountinfo or /proc/self/cgroup: %s",
                 strerror(errno));
        return -1;
    }
    return lab_cgroup_detect_in(mountinfo, self, env, why, whylen);
}

/* ---- names and texts ---- */

int lab_cgroup_path(char *out, size_t outlen, const char *parent, long pid, const char *name)
{
    int n = name ? snprintf(out, outlen, "%s/" LAB_CGROUP_PREFIX "%ld/%s", parent, pid, name)
                 : snprintf(out, outlen, "%s/" LAB_CGROUP_PREFIX "%ld", parent, pid);

    return n > 0 && (size_t)n < outlen ? 0 : -1;
}

int lab_cgroup_quota_text(enum lab_cgroup_version v, double cores, char *out, size_t outlen)
{
    long quota = lround(cores * (double)LAB_CGROUP_PERIOD_US);

    if (!(cores >= LAB_CGROUP_MIN_CORES - 1e-12) || cores > 1e6)
        return -1;
    if (v == LAB_CGROUP_V2)
        snprintf(out, outlen, "%ld %ld", quota, LAB_CGROUP_PERIOD_US);
    else
        snprintf(out, outlen, "%ld", quota);
    return 0;
}

const char *lab_cgroup_version_text(enum lab_cgroup_version v)
{
    return v == LAB_CGROUP_V2 ? "cgroup v2 cpu.max" : "cgroup v1 cpu.cfs_quota_us";
}

const char *lab_cgroup_version_name(enum lab_cgroup_version v)
{
    return v == LAB_CGROUP_V2 ? "v2" : "v1";
}

int lab_cgroup_stat_parse(const char *text, struct lab_cgroup_stat *st)
{
    char line[128], key[32];
    unsigned long long value;
    int seen = 0;

    memset(st, 0, sizeof(*st));
    while (next_line(&text, line, sizeof(line))) {
        if (sscanf(line, "%31s %llu", key, &value) != 2)
            continue;
        if (!strcmp(key, "nr_periods")) {
            st->periods = value;
            seen |= 1;
        } else if (!strcmp(key, "nr_throttled")) {
            st->throttled = value;
            seen |= 2;
        }
    }
    return seen == 3 ? 0 : -1;
}

/* ---- the lab's own cgroup ---- */

/* rmdir, again while the cgroup's last process is still on its way out (EBUSY). */
static void remove_one(const char *path)
{
    int tries;

    for (tries = 0; rmdir(path) != 0 && errno == EBUSY && tries < REMOVE_TRIES; tries++)
        lab_sleep_s(REMOVE_WAIT_S);
}

/* Every child cgroup of dir, then dir; a cgroup's control files go with its rmdir. */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        char path[PATH_MAX + 256];
        struct stat sb;

        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            remove_one(path);
    }
    closedir(d);
    remove_one(dir);
}

/* The pid in a name "scalelab-lab.<pid>", or 0 when the name is not one. */
static long owner_pid(const char *name)
{
    size_t n = strlen(LAB_CGROUP_PREFIX);
    char *end;
    long pid;

    if (strncmp(name, LAB_CGROUP_PREFIX, n) || name[n] < '1' || name[n] > '9')
        return 0;
    errno = 0;
    pid = strtol(name + n, &end, 10);
    return errno || *end || pid <= 1 ? 0 : pid;
}

/* The lab cgroups under parent whose process is gone: a SIGKILL reaches no cleanup. */
static void remove_stale(const char *parent)
{
    DIR *d = opendir(parent);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        long pid = owner_pid(e->d_name);
        char path[PATH_MAX + 256];

        if (!pid || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        snprintf(path, sizeof(path), "%s/%s", parent, e->d_name);
        remove_tree(path);
    }
    closedir(d);
}

/* The open lab cgroup, for the exit handler; "" when none. */
static char open_dir[PATH_MAX];

static void remove_at_exit(void)
{
    if (open_dir[0])
        remove_tree(open_dir);
    open_dir[0] = '\0';
}

/* Writes text into the lab cgroup's file; 0, or -1 with err set. */
static int lab_file(const struct lab_cgroup *cg, const char *file, const char *text, char *err,
                    size_t errlen)
{
    char path[PATH_MAX + 32];

    snprintf(path, sizeof(path), "%s/%s", cg->dir, file);
    if (write_text(path, text) == 0)
        return 0;
    snprintf(err, errlen, "cannot write '%s' into '%s': %s", text, path, strerror(errno));
    return -1;
}

/* The lab cgroup's weight, and in v2 the cpu controller for the backends' cgroups. */
static int lab_cgroup_configure(const struct lab_cgroup *cg, char *err, size_t errlen)
{
    if (cg->env.version == LAB_CGROUP_V1)
        return lab_file(cg, "cpu.shares", V1_SHARES, err, errlen);
    if (lab_file(cg, "cpu.weight", V2_WEIGHT, err, errlen))
        return -1;
    return lab_file(cg, "cgroup.subtree_control", "+cpu", err, errlen);
}

int lab_cgroup_open(struct lab_cgroup *cg, char *err, size_t errlen)
{
    static int handler;
    char why[PATH_MAX + 256];

    memset(cg, 0, sizeof(*cg));
    if (lab_cgroup_detect(&cg->env, why, sizeof(why))) {
        snprintf(err, errlen, "no CPU cgroup to give budgets in: %s", why);
        return -1;
    }
    remove_stale(cg->env.parent);
    if (lab_cgroup_path(cg->dir, sizeof(cg->dir), cg->env.parent, (long)getpid(), NULL) ||
        (mkdir(cg->dir, 0755) != 0 && errno != EEXIST)) {
        snprintf(err, errlen, "cannot make the cgroup '%s': %s (CPU budgets need root or a "
                 "delegated cgroup)", cg->dir, strerror(errno));
        cg->dir[0] = '\0';
        return -1;
    }
    if (!handler)
        handler = atexit(remove_at_exit) == 0;
    snprintf(open_dir, sizeof(open_dir), "%s", cg->dir);
    if (lab_cgroup_configure(cg, err, errlen)) {
        lab_cgroup_close(cg);
        return -1;
    }
    return 0;
}

int lab_cgroup_add(const struct lab_cgroup *cg, const char *name, double cores, char *procs,
                   size_t procslen, char *err, size_t errlen)
{
    char dir[PATH_MAX + 64], file[PATH_MAX + 96], quota[64], period[32];
    int bad;

    snprintf(dir, sizeof(dir), "%s/%s", cg->dir, name);
    if (lab_cgroup_quota_text(cg->env.version, cores, quota, sizeof(quota))) {
        snprintf(err, errlen, "a budget of %g cores is below the least quota (%g)", cores,
                 LAB_CGROUP_MIN_CORES);
        return -1;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot make the cgroup '%s': %s", dir, strerror(errno));
        return -1;
    }
    if (cg->env.version == LAB_CGROUP_V2) {
        snprintf(file, sizeof(file), "%s/cpu.max", dir);
        bad = write_text(file, quota);
    } else {
        snprintf(period, sizeof(period), "%ld", LAB_CGROUP_PERIOD_US);
        snprintf(file, sizeof(file), "%s/cpu.cfs_period_us", dir);
        bad = write_text(file, period);
        if (!bad) {
            snprintf(file, sizeof(file), "%s/cpu.cfs_quota_us", dir);
            bad = write_text(file, quota);
        }
    }
    if (bad) {
        snprintf(err, errlen, "cannot write '%s' into '%s': %s", quota, file, strerror(errno));
        return -1;
    }
    snprintf(procs, procslen, "%s/cgroup.procs", dir);
    return 0;
}

int lab_cgroup_read_stat(const struct lab_cgroup *cg, const char *name,
                         struct lab_cgroup_stat *st)
{
    char path[PATH_MAX + 64], text[1024];

    snprintf(path, sizeof(path), "%s/%s/cpu.stat", cg->dir, name);
    if (read_text(path, text, sizeof(text)))
        return -1;
    return lab_cgroup_stat_parse(text, st);
}

void lab_cgroup_close(struct lab_cgroup *cg)
{
    if (!cg->dir[0])
        return;
    remove_tree(cg->dir);
    if (!strcmp(open_dir, cg->dir))
        open_dir[0] = '\0';
    cg->dir[0] = '\0';
}

int lab_cgroup_join(const char *procs)
{
    int fd = open(procs, O_WRONLY | O_CLOEXEC), saved;
    ssize_t n;

    if (fd < 0)
        return -1;
    n = write(fd, "0", 1); /* 0: the writing process itself */
    saved = errno;
    close(fd);
    errno = saved;
    return n == 1 ? 0 : -1;
}

int lab_cpu_cores(void)
{
    cpu_set_t set;
    long n;

    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}
