/* The run's private directory: made after removing dead labs' ones, its 0600 files, removed. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* nftw's FTW_DEPTH and FTW_PHYS */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/lab_rundir.h"
#include "banned.h"

int lab_rundir_write(const char *path, const char *text)
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

void lab_rundir_remove(const char *dir)
{
    if (dir[0])
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Nonzero if name is LAB_RUNDIR_PREFIX and six characters of mkdtemp's alphabet. */
static int rundir_name(const char *name)
{
    size_t n = strlen(LAB_RUNDIR_PREFIX), i;

    if (strncmp(name, LAB_RUNDIR_PREFIX, n) || strlen(name) != n + 6)
        return 0;
    for (i = n; name[i]; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
              (name[i] >= '0' && name[i] <= '9')))
            return 0;
    return 1;
}

/* The pid in dir/lab.pid (the lab that owns dir), or 0 if there is none or it is not one. */
static pid_t rundir_owner(const char *dir)
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
 * one. Children of a killed lab died with it (PR_SET_PDEATHSIG, lab_proc.c).
 */
static void remove_stale(const char *parent, int verbose)
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
        if (!rundir_name(e->d_name) ||
            snprintf(path, sizeof(path), "%s/%s", parent, e->d_name) >= (int)sizeof(path) ||
            lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid())
            continue;
        owner = rundir_owner(path);
        if (!owner || owner == getpid() || kill(owner, 0) == 0 || errno != ESRCH)
            continue;
        lab_rundir_remove(path);
        if (verbose)
            fprintf(stderr, "scalelab: removed '%s', left by lab process %d, which is gone\n",
                    path, (int)owner);
    }
    closedir(d);
}

int lab_rundir_make(char *dir, size_t cap, int verbose, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    const char *parent = tmp && *tmp ? tmp : "/tmp";
    char path[PATH_MAX], text[32];
    int n;

    remove_stale(parent, verbose);
    n = snprintf(dir, cap, "%s/" LAB_RUNDIR_PREFIX "XXXXXX", parent);
    if (n < 0 || (size_t)n >= cap || !mkdtemp(dir)) {
        snprintf(err, errlen, "cannot create a run directory in '%s': %s", parent,
                 strerror(errno));
        dir[0] = '\0';
        return -1;
    }
    snprintf(path, sizeof(path), "%s/lab.pid", dir);
    snprintf(text, sizeof(text), "%d\n", (int)getpid());
    if (lab_rundir_write(path, text)) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
