/* CPU budgets: each app in a cgroup of its own with a CPU quota, under one cgroup the lab owns. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_CGROUP_H
#define SL_LAB_CGROUP_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A run's budgets live in <parent>/scalelab-lab.<pid>/<backend>, where parent is this process's
 * own cgroup in the hierarchy that has the cpu controller: cgroup v2 (cpu.max) when its mount
 * offers cpu and this process may enable it, else cgroup v1's cpu mount (cpu.cfs_quota_us).
 */
#define LAB_CGROUP_PREFIX "scalelab-lab."
#define LAB_CGROUP_PERIOD_US 100000L /* the kernels' default CFS period */
#define LAB_CGROUP_MIN_CORES 0.01    /* 1 ms per period: the least quota either version takes */

enum lab_cgroup_version {
    LAB_CGROUP_V1 = 1, /* cpu.cfs_period_us and cpu.cfs_quota_us */
    LAB_CGROUP_V2 = 2  /* cpu.max: "QUOTA PERIOD" */
};

/* Where this process can make CPU budgets. */
struct lab_cgroup_env {
    enum lab_cgroup_version version;
    char parent[PATH_MAX]; /* this process's cgroup directory in that hierarchy */
};

/*
 * Finds the hierarchy from the text of /proc/self/mountinfo and /proc/self/cgroup, looking at
 * the files under the mount points they name (a test passes a fake table and directory). v2 is
 * chosen when the parent's cgroup.controllers lists cpu and writing "+cpu" to its
 * cgroup.subtree_control succeeds. Returns 0 with env set, or -1 with the reason in why.
 */
int lab_cgroup_detect_in(const char *mountinfo, const char *self_cgroup,
                         struct lab_cgroup_env *env, char *why, size_t whylen);

/* lab_cgroup_detect_in on this process's own /proc/self files. */
int lab_cgroup_detect(struct lab_cgroup_env *env, char *why, size_t whylen);

/* "<parent>/scalelab-lab.<pid>", or with name "<parent>/scalelab-lab.<pid>/<name>"; 0 or -1. */
int lab_cgroup_path(char *out, size_t outlen, const char *parent, long pid, const char *name);

/* The quota file's text for `cores` of budget: v2 "20000 100000", v1 "20000" (microseconds
 * per LAB_CGROUP_PERIOD_US). Returns 0, or -1 when cores is below LAB_CGROUP_MIN_CORES. */
int lab_cgroup_quota_text(enum lab_cgroup_version v, double cores, char *out, size_t outlen);

/* "cgroup v1 cpu.cfs_quota_us", "cgroup v2 cpu.max": where a budget is, in words. */
const char *lab_cgroup_version_text(enum lab_cgroup_version v);
/* "v1", "v2". */
const char *lab_cgroup_version_name(enum lab_cgroup_version v);

/* What a cgroup's cpu.stat says of its budget: CFS periods seen, and those it ran out in. */
struct lab_cgroup_stat {
    uint64_t periods;
    uint64_t throttled;
};

/* Reads nr_periods and nr_throttled of cpu.stat's text (both versions); 0, or -1 without them. */
int lab_cgroup_stat_parse(const char *text, struct lab_cgroup_stat *st);

/* One run's own cgroup. */
struct lab_cgroup {
    struct lab_cgroup_env env;
    char dir[PATH_MAX]; /* <parent>/scalelab-lab.<pid>; "" when not made */
};

/*
 * Detects the hierarchy, removes the cgroups of labs that no longer run (a SIGKILLed lab leaves
 * them) and makes this process's own, also removed at exit should lab_cgroup_close be missed.
 * Returns 0, or -1 with err set to one line saying what the environment lacks.
 */
int lab_cgroup_open(struct lab_cgroup *cg, char *err, size_t errlen);

/*
 * Makes <dir>/<name> with a quota of `cores` and writes the path of its cgroup.procs into procs
 * (the child joins it with lab_cgroup_join). Returns 0, or -1 with err set.
 */
int lab_cgroup_add(const struct lab_cgroup *cg, const char *name, double cores, char *procs,
                   size_t procslen, char *err, size_t errlen);

/* The cpu.stat of <dir>/<name>; 0, or -1 when it cannot be read. */
int lab_cgroup_read_stat(const struct lab_cgroup *cg, const char *name,
                         struct lab_cgroup_stat *st);

/* Removes every cgroup under dir and dir itself (waiting briefly for exiting processes). */
void lab_cgroup_close(struct lab_cgroup *cg);

/*
 * Moves the calling process into the cgroup whose cgroup.procs is `procs`. Async-signal-safe
 * (open, write, close): for a child between fork and exec. Returns 0, or -1 with errno set.
 */
int lab_cgroup_join(const char *procs);

/* The CPUs this process may run on (sched_getaffinity): the most budget the machine has. */
int lab_cpu_cores(void);

#endif
