/* CPU budgets without root: paths, quota texts, cpu.stat, and detection on fake mount tables. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sl_test.h"
#include "lab/lab_cgroup.h"

/* A fake cgroup tree: a temporary directory, removed by `rm -rf` at the end of each test. */
struct fake {
    char root[64];
};

static int fake_setup(void **state)
{
    static struct fake f;

    snprintf(f.root, sizeof(f.root), "/tmp/test_lab_cgroup.XXXXXX");
    assert_non_null(mkdtemp(f.root));
    *state = &f;
    return 0;
}

static int fake_teardown(void **state)
{
    struct fake *f = *state;
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
    assert_int_equal(system(cmd), 0);
    return 0;
}

/* Makes <root>/<rel> as a directory (and its parents). */
static void fake_dir(const struct fake *f, const char *rel)
{
    char cmd[PATH_MAX];

    snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", f->root, rel);
    assert_int_equal(system(cmd), 0);
}

/* Writes text into <root>/<rel>. */
static void fake_file(const struct fake *f, const char *rel, const char *text)
{
    char path[PATH_MAX];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", f->root, rel);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void fake_read(const struct fake *f, const char *rel, char *out, size_t cap)
{
    char path[PATH_MAX];
    FILE *fp;
    size_t n;

    snprintf(path, sizeof(path), "%s/%s", f->root, rel);
    fp = fopen(path, "r");
    assert_non_null(fp);
    n = fread(out, 1, cap - 1, fp);
    out[n] = '\0';
    fclose(fp);
}

/* A mountinfo line for a mount of type/opts at <root>/<point>, the mount's own root mroot. */
static void mount_line(char *out, size_t cap, const struct fake *f, const char *mroot,
                       const char *point, const char *type, const char *opts)
{
    size_t len = strlen(out);

    snprintf(out + len, cap - len, "3%zu 25 0:3%zu %s %s/%s rw,relatime shared:1 - %s %s %s\n",
             len % 10, len % 10, mroot, f->root, point, type, type, opts);
}

/* Detection over mountinfo mi and self's /proc/self/cgroup finds version v at <root>/<rel>. */
static void detects(const struct fake *f, const char *mi, const char *self,
                    enum lab_cgroup_version v, const char *rel)
{
    struct lab_cgroup_env env;
    char why[512], want[PATH_MAX];

    assert_int_equal(lab_cgroup_detect_in(mi, self, &env, why, sizeof(why)), 0);
    assert_int_equal(env.version, v);
    snprintf(want, sizeof(want), "%s/%s", f->root, rel);
    assert_string_equal(env.parent, want);
}

static void paths_name_the_lab_and_its_backends(void **state)
{
    char out[PATH_MAX], small[16];

    (void)state;
    assert_int_equal(lab_cgroup_path(out, sizeof(out), "/sys/fs/cgroup/cpu", 1234, "b1"), 0);
    assert_string_equal(out, "/sys/fs/cgroup/cpu/scalelab-lab.1234/b1");
    assert_int_equal(lab_cgroup_path(out, sizeof(out), "/sys/fs/cgroup", 77, NULL), 0);
    assert_string_equal(out, "/sys/fs/cgroup/scalelab-lab.77");
    assert_int_equal(lab_cgroup_path(small, sizeof(small), "/sys/fs/cgroup", 77, "b1"), -1);
}

static void quotas_are_microseconds_per_period(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(lab_cgroup_quota_text(LAB_CGROUP_V1, 0.2, out, sizeof(out)), 0);
    assert_string_equal(out, "20000");
    assert_int_equal(lab_cgroup_quota_text(LAB_CGROUP_V2, 0.2, out, sizeof(out)), 0);
    assert_string_equal(out, "20000 100000");
    assert_int_equal(lab_cgroup_quota_text(LAB_CGROUP_V2, 1.5, out, sizeof(out)), 0);
    assert_string_equal(out, "150000 100000");
    assert_int_equal(lab_cgroup_quota_text(LAB_CGROUP_V1, 0.01, out, sizeof(out)), 0);
    assert_string_equal(out, "1000");
    /* 3 x 0.15 is 0.44999...: the quota rounds, it does not truncate */
    assert_int_equal(lab_cgroup_quota_text(LAB_CGROUP_V1, 3 * 0.15, out, sizeof(out)), 0);
    assert_string_equal(out, "45000");
    assert_int_equal(lab_cgroup_quota_text(LAB_CGROUP_V1, 0.005, out, sizeof(out)), -1);
    assert_int_equal(lab_cgroup_quota_text(LAB_CGROUP_V2, 0, out, sizeof(out)), -1);
    assert_int_equal(lab_cgroup_quota_text(LAB_CGROUP_V2, -1, out, sizeof(out)), -1);
    assert_int_equal(lab_cgroup_quota_text(LAB_CGROUP_V2, NAN, out, sizeof(out)), -1);
    assert_string_equal(lab_cgroup_version_text(LAB_CGROUP_V1), "cgroup v1 cpu.cfs_quota_us");
    assert_string_equal(lab_cgroup_version_text(LAB_CGROUP_V2), "cgroup v2 cpu.max");
    assert_string_equal(lab_cgroup_version_name(LAB_CGROUP_V2), "v2");
}

static void cpu_stat_of_either_version_is_read(void **state)
{
    struct lab_cgroup_stat st;

    (void)state;
    assert_int_equal(lab_cgroup_stat_parse("nr_periods 120\nnr_throttled 97\n"
                                           "throttled_time 5504000000\nnr_bursts 0\n", &st), 0);
    assert_true(st.periods == 120 && st.throttled == 97);
    assert_int_equal(lab_cgroup_stat_parse("usage_usec 81234\nuser_usec 70000\n"
                                           "system_usec 11234\nnr_periods 40\nnr_throttled 3\n"
                                           "throttled_usec 9000\n", &st), 0);
    assert_true(st.periods == 40 && st.throttled == 3);
    assert_int_equal(lab_cgroup_stat_parse("usage_usec 81234\n", &st), -1);
    assert_int_equal(lab_cgroup_stat_parse("", &st), -1);
}

/* This machine's layout: v1 cpu at cpu/, a v2 mount at unified/ without the cpu controller. */
static void v1_is_chosen_when_v2_lacks_cpu(void **state)
{
    struct fake *f = *state;
    char mi[2048] = "";

    fake_dir(f, "cpu");
    fake_dir(f, "cpuset");
    fake_dir(f, "unified");
    fake_file(f, "cpu/cpu.cfs_quota_us", "-1\n");
    fake_file(f, "unified/cgroup.controllers", "hugetlb\n");
    fake_file(f, "unified/cgroup.subtree_control", "");
    mount_line(mi, sizeof(mi), f, "/", "cpuset", "cgroup", "rw,cpuset");
    mount_line(mi, sizeof(mi), f, "/", "cpu", "cgroup", "rw,cpu");
    mount_line(mi, sizeof(mi), f, "/", "unified", "cgroup2", "rw");
    detects(f, mi, "3:cpuset:/\n1:cpu:/\n0::/\n", LAB_CGROUP_V1, "cpu");
}

/* A v2 hierarchy offering cpu wins, and cpu is enabled for the lab's children. */
static void v2_is_chosen_when_it_offers_cpu(void **state)
{
    struct fake *f = *state;
    char mi[2048] = "", text[64];

    fake_dir(f, "v2/user.slice/lab");
    fake_dir(f, "cpu");
    fake_file(f, "cpu/cpu.cfs_quota_us", "-1\n");
    fake_file(f, "v2/user.slice/lab/cgroup.controllers", "cpuset cpu io memory pids\n");
    fake_file(f, "v2/user.slice/lab/cgroup.subtree_control", "");
    mount_line(mi, sizeof(mi), f, "/", "v2", "cgroup2", "rw,nsdelegate");
    mount_line(mi, sizeof(mi), f, "/", "cpu", "cgroup", "rw,cpu");
    detects(f, mi, "1:cpu:/\n0::/user.slice/lab\n", LAB_CGROUP_V2, "v2/user.slice/lab");
    fake_read(f, "v2/user.slice/lab/cgroup.subtree_control", text, sizeof(text));
    assert_string_equal(text, "+cpu");
}

/* In a container the mount's root is the container's cgroup: the path below it is relative. */
static void a_mount_root_is_taken_off_the_path(void **state)
{
    struct fake *f = *state;
    char mi[2048] = "";

    fake_dir(f, "cpu,cpuacct/job");
    fake_file(f, "cpu,cpuacct/job/cpu.cfs_quota_us", "-1\n");
    mount_line(mi, sizeof(mi), f, "/docker/abc", "cpu,cpuacct", "cgroup", "rw,cpu,cpuacct");
    detects(f, mi, "4:cpu,cpuacct:/docker/abc/job\n", LAB_CGROUP_V1, "cpu,cpuacct/job");
}

/* cpu listed but not enableable (a cgroup with processes of its own, no rights), and no v1. */
static void v2_that_cannot_enable_cpu_is_refused(void **state)
{
    struct fake *f = *state;
    struct lab_cgroup_env env;
    char mi[2048] = "", why[512];

    fake_dir(f, "v2/cgroup.subtree_control"); /* a directory: the write fails */
    fake_file(f, "v2/cgroup.controllers", "cpu memory\n");
    mount_line(mi, sizeof(mi), f, "/", "v2", "cgroup2", "rw");
    assert_int_equal(lab_cgroup_detect_in(mi, "0::/\n", &env, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "cannot enable cpu in"));
    assert_non_null(strstr(why, "no cgroup v1 cpu hierarchy"));
    assert_string_equal(env.parent, "");
}

static void no_cgroup_mount_is_said(void **state)
{
    struct fake *f = *state;
    struct lab_cgroup_env env;
    char mi[2048] = "", why[512];

    mount_line(mi, sizeof(mi), f, "/", "proc", "proc", "rw");
    mount_line(mi, sizeof(mi), f, "/", "cpuset", "cgroup", "rw,cpuset");
    assert_int_equal(lab_cgroup_detect_in(mi, "3:cpuset:/\n", &env, why, sizeof(why)), -1);
    assert_string_equal(why, "no cgroup v2 hierarchy is mounted, and no cgroup v1 cpu hierarchy "
                        "with cpu.cfs_quota_us is mounted");
    /* a cpu mount without the quota file (CFS bandwidth not built in) is no budget either */
    mount_line(mi, sizeof(mi), f, "/", "cpu", "cgroup", "rw,cpu");
    fake_dir(f, "cpu");
    assert_int_equal(lab_cgroup_detect_in(mi, "1:cpu:/\n", &env, why, sizeof(why)), -1);
}

/* The child's join writes "0" (itself) in one write; a missing file is an error with errno. */
static void joining_writes_zero_to_cgroup_procs(void **state)
{
    struct fake *f = *state;
    char path[PATH_MAX], text[16];

    fake_file(f, "cgroup.procs", "");
    snprintf(path, sizeof(path), "%s/cgroup.procs", f->root);
    assert_int_equal(lab_cgroup_join(path), 0);
    fake_read(f, "cgroup.procs", text, sizeof(text));
    assert_string_equal(text, "0");
    snprintf(path, sizeof(path), "%s/none/cgroup.procs", f->root);
    errno = 0;
    assert_int_equal(lab_cgroup_join(path), -1);
    assert_int_equal(errno, ENOENT);
}

static void cores_are_at_least_one(void **state)
{
    (void)state;
    assert_true(lab_cpu_cores() >= 1);
    assert_true(lab_cpu_cores() <= sysconf(_SC_NPROCESSORS_CONF));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paths_name_the_lab_and_its_backends),
        cmocka_unit_test(quotas_are_microseconds_per_period),
        cmocka_unit_test(cpu_stat_of_either_version_is_read),
        cmocka_unit_test_setup_teardown(v1_is_chosen_when_v2_lacks_cpu, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(v2_is_chosen_when_it_offers_cpu, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(a_mount_root_is_taken_off_the_path, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(v2_that_cannot_enable_cpu_is_refused, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(no_cgroup_mount_is_said, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(joining_writes_zero_to_cgroup_procs, fake_setup,
                                        fake_teardown),
        cmocka_unit_test(cores_are_at_least_one),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
