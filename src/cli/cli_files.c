/* The command line's file I/O: inputs read whole and capped, outputs replaced atomically. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "banned.h"

int cli_read_file(const char *path, const char *what, const char *expected, size_t cap,
                  char **text, size_t *len)
{
    struct stat sb;
    size_t got = 0;
    ssize_t n;
    char *buf;
    int fd, st = SL_EXIT_OK;

    *text = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO with no writer must not hang; only regular files are read */
    fd = !strcmp(path, "-") ? dup(0) : open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return cli_usage_error("cannot read %s '%s': %s (expected %s)", what, path,
                               strerror(errno), expected);
    if (strcmp(path, "-") && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
        close(fd);
        return cli_usage_error("cannot read %s '%s': not a regular file (expected %s)", what,
                               path, expected);
    }
    if (strcmp(path, "-"))
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    buf = sl_malloc(cap + 1);
    if (!buf) {
        close(fd);
        return cli_runtime_error("out of memory");
    }
    for (;;) {
        n = read(fd, buf + got, cap + 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
        if (got > cap)
            break;
    }
    if (n < 0)
        st = cli_usage_error("cannot read %s '%s': %s", what, path, strerror(errno));
    else if (got > cap)
        st = cli_usage_error("%s '%s' is larger than %zu bytes", what, path, cap);
    close(fd);
    if (st) {
        sl_free(buf);
        return st;
    }
    buf[got] = '\0';
    *text = buf;
    *len = got;
    return SL_EXIT_OK;
}

/*
 * The temporary file cli_write_file is writing, for the signal handler: the path sits in a
 * static buffer (the handler may not allocate) and counts only while `pending` is set.
 */
static char pending_tmp[PATH_MAX];
static volatile sig_atomic_t pending;

/* The signals that end a run and would strand the temporary file; their actions meanwhile. */
static const int exit_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define N_EXIT_SIGNALS (sizeof(exit_signals) / sizeof(exit_signals[0]))
static struct sigaction saved_actions[N_EXIT_SIGNALS];
static int replaced[N_EXIT_SIGNALS];

/*
 * Removes the pending temporary file, then dies of the same signal by its default action.
 * Calls only async-signal-safe functions (unlink, signal, raise).
 */
static void on_exit_signal(int sig)
{
    if (pending)
        unlink(pending_tmp);
    pending = 0;
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Blocks (how = SIG_BLOCK) or restores the exit signals in the calling thread. */
static void mask_exit_signals(int how, const sigset_t *restore, sigset_t *old)
{
    sigset_t set;
    size_t i;

    if (how != SIG_BLOCK) {
        pthread_sigmask(SIG_SETMASK, restore, NULL);
        return;
    }
    sigemptyset(&set);
    for (i = 0; i < N_EXIT_SIGNALS; i++)
        sigaddset(&set, exit_signals[i]);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

/* Points the exit signals at on_exit_signal, except those the user had ignored (nohup). */
static void guard_signals(void)
{
    struct sigaction sa;
    size_t i;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_exit_signal;
    sigfillset(&sa.sa_mask);
    for (i = 0; i < N_EXIT_SIGNALS; i++) {
        replaced[i] = 0;
        if (sigaction(exit_signals[i], NULL, &saved_actions[i]) != 0 ||
            saved_actions[i].sa_handler == SIG_IGN)
            continue;
        replaced[i] = sigaction(exit_signals[i], &sa, NULL) == 0;
    }
}

/* Gives the exit signals back the actions they had before guard_signals. */
static void unguard_signals(void)
{
    size_t i;

    for (i = 0; i < N_EXIT_SIGNALS; i++)
        if (replaced[i])
            sigaction(exit_signals[i], &saved_actions[i], NULL);
}

/* What a path that is not a regular file is, for the message refusing to write over it. */
static const char *file_kind(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISLNK(mode))
        return "a symbolic link";
    return "not a regular file";
}

/*
 * Creates "<path>.tmp.XXXXXX" in pending_tmp with O_EXCL and the given mode (the umask applies,
 * unlike mkstemp's fixed 0600). Returns the descriptor, or -1 with errno set.
 */
static int create_temp(const char *path, mode_t mode)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static unsigned counter;
    struct timespec ts;
    uint64_t x;
    int attempt, i, fd;

    if (strlen(path) + sizeof(".tmp.XXXXXX") > sizeof(pending_tmp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ ((uint64_t)getpid() << 16);
    for (attempt = 0; attempt < 100; attempt++) {
        char *p;

        x ^= ++counter * 0x9e3779b97f4a7c15u;
        snprintf(pending_tmp, sizeof(pending_tmp), "%s.tmp.XXXXXX", path);
        p = pending_tmp + strlen(pending_tmp) - 6;
        for (i = 0; i < 6; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            p[i] = digits[x % (sizeof(digits) - 1)];
        }
        fd = open(pending_tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY | O_CLOEXEC, mode);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

/* Writes all of text to fd, through short writes and interruptions; -1 with errno on failure. */
static int write_all(int fd, const char *text, size_t len)
{
    while (len) {
        ssize_t n = write(fd, text, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) {
            errno = EIO;
            return -1;
        }
        text += n;
        len -= (size_t)n;
    }
    return 0;
}

/* "-": the text goes to standard output, after whatever stdio holds already. */
static int write_stdout(const char *text, size_t len)
{
    if (fflush(stdout) != 0 || write_all(STDOUT_FILENO, text, len) != 0)
        return cli_runtime_error("cannot write to standard output: %s", strerror(errno));
    return SL_EXIT_OK;
}

/*
 * What may stand at a path to be written (not "-"): nothing yet, or a regular file, whose
 * permission bits go to *keep with *exists set. Prints the error and returns its exit status.
 */
static int check_path(const char *path, int *exists, mode_t *keep)
{
    struct stat sb;

    *exists = 0;
    if (!*path)
        return cli_usage_error("cannot write '': empty path (expected a file path, or - for "
                               "standard output)");
    if (lstat(path, &sb) == 0) {
        if (!S_ISREG(sb.st_mode))
            return cli_usage_error("cannot write '%s': it is %s (expected a regular file or a "
                                   "new path)", path, file_kind(sb.st_mode));
        *exists = 1;
        *keep = sb.st_mode & 0777;
    } else if (errno != ENOENT) {
        return cli_runtime_error("cannot write '%s': %s", path, strerror(errno));
    }
    return SL_EXIT_OK;
}

int cli_check_writable(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    mode_t keep;
    int exists, st;

    if (!strcmp(path, "-"))
        return SL_EXIT_OK;
    st = check_path(path, &exists, &keep);
    if (st)
        return st;
    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == path)
        snprintf(dir, sizeof(dir), "/");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    if (access(dir, W_OK | X_OK) != 0)
        return cli_usage_error("cannot write '%s': its directory '%s': %s (expected a path in "
                               "a directory you can write)", path, dir, strerror(errno));
    return SL_EXIT_OK;
}

int cli_write_file(const char *path, const char *text, size_t len)
{
    sigset_t old_mask;
    mode_t keep = 0;
    int exists = 0, fd = -1, err = 0, st;

    if (!strcmp(path, "-"))
        return write_stdout(text, len);
    st = check_path(path, &exists, &keep);
    if (st)
        return st;

    /* no signal may come between creating the file and recording it for the handler */
    mask_exit_signals(SIG_BLOCK, NULL, &old_mask);
    guard_signals();
    fd = create_temp(path, exists ? 0600 : 0666);
    if (fd >= 0)
        pending = 1;
    else
        err = errno;
    mask_exit_signals(SIG_SETMASK, &old_mask, NULL);
    if (fd < 0)
        goto out;

    if (exists && fchmod(fd, keep) != 0)
        err = errno;
    if (!err && write_all(fd, text, len) != 0)
        err = errno;
    while (!err && fsync(fd) != 0)
        if (errno != EINTR)
            err = errno;
    if (close(fd) != 0 && !err)
        err = errno;

out:
    mask_exit_signals(SIG_BLOCK, NULL, &old_mask);
    if (pending && !err && rename(pending_tmp, path) != 0)
        err = errno;
    if (pending && err)
        unlink(pending_tmp);
    pending = 0;
    unguard_signals();
    mask_exit_signals(SIG_SETMASK, &old_mask, NULL);
    if (err)
        st = cli_runtime_error("cannot write '%s': %s", path, strerror(err));
    return st;
}
