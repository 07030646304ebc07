/* The run's private directory: made after removing dead labs' ones, its 0600 files, removed. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_RUNDIR_H
#define SL_LAB_RUNDIR_H

#include <stddef.h>

/* Run directories are $TMPDIR/scalelab-lab.XXXXXX (mkdtemp): this and six characters. */
#define LAB_RUNDIR_PREFIX "scalelab-lab."

/*
 * Removes what labs killed with SIGKILL left in $TMPDIR (or /tmp), then makes this run's
 * directory, mode 0700, with lab.pid naming this process; with verbose, each removal is a
 * line on stderr. Returns 0 with the path in dir[0..cap), or -1 with err set (dir is then "").
 */
int lab_rundir_make(char *dir, size_t cap, int verbose, char *err, size_t errlen);

/* Writes text into path, mode 0600 (some files hold the Redis password), never via a symlink.
 * Returns 0, or -1 with errno set. */
int lab_rundir_write(const char *path, const char *text);

/* Removes dir and everything in it, following no symlink; "" is ignored. */
void lab_rundir_remove(const char *dir);

#endif
