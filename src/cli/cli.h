/* Shared pieces of the scalelab command line: exit codes, running a command, files, output. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_CLI_H
#define SL_CLI_H

#include <stdio.h>

#include "commands/commands.h"
#include "commands/format.h"
#include "scalelab/scalelab.h"

/* The one set of exit statuses of every command. */
enum sl_exit {
    SL_EXIT_OK = 0,      /* success */
    SL_EXIT_FAILURE = 1, /* a runtime failure: a file could not be written, memory ran out */
    SL_EXIT_USAGE = 2,   /* bad input or usage; nothing was changed */
    SL_EXIT_EXPECT = 3   /* lab --expect: a threshold did not hold */
};

/*
 * Runs a declared command: parses argv with its table (help on --help), reads the files it
 * names (a catalog path, a calibration), then calls render, which prints. An exit status.
 */
int cli_run_command(const struct cmd_def *def, int (*render)(struct cmd_input *in), int argc,
                    char **argv);

/* A declared command's help: synopsis, description and every command-line parameter. */
void cli_print_help(FILE *to, const struct cmd_def *def);

/* Prints a command's failure (CMD_USAGE or CMD_FAILURE) and returns its exit status. */
int cli_report(int status, const char *err);

/* Renderers of declared commands. */
int cli_compare(struct cmd_input *in);
int cli_curve(struct cmd_input *in);
int cli_plan(struct cmd_input *in);
int cli_catalogs(struct cmd_input *in);
int cli_queue(struct cmd_input *in);
int cli_simulate(struct cmd_input *in);
int cli_fit(struct cmd_input *in);
int cli_quiz(struct cmd_input *in);
int cli_serve(struct cmd_input *in);
int cli_app(struct cmd_input *in);
int cli_lab(struct cmd_input *in);
int cli_man(struct cmd_input *in);
int cli_completion(struct cmd_input *in);

/* The command-line-only commands, declared beside their renderers. */
extern const struct cmd_def cli_def_serve;
extern const struct cmd_def cli_def_app;
extern const struct cmd_def cli_def_lab;
extern const struct cmd_def cli_def_man;
extern const struct cmd_def cli_def_completion;

/* Process-wide set-up (jansson's allocator and hash seed); call once at start. */
void cli_init(void);

/* Prints "scalelab: <message>" on stderr; returns SL_EXIT_USAGE or SL_EXIT_FAILURE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_runtime_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Reads a whole regular file (or standard input for "-") of at most cap bytes into *text
 * (NUL-terminated, owned by the caller, sl_free) and its length into *len. FIFOs, devices and
 * directories are refused without blocking. On failure prints "cannot read <what> '<path>': ...
 * (expected <expected>)" and returns an exit status.
 */
int cli_read_file(const char *path, const char *what, const char *expected, size_t cap,
                  char **text, size_t *len);

/*
 * Writes text to path atomically: "<path>.tmp.XXXXXX" in the same directory, written fully and
 * fsynced, then renamed over path. "-" writes to standard output. Only a regular file or a new
 * path is written: a FIFO, device, socket, directory or symbolic link at path (lstat, never
 * followed) is refused and left untouched (SL_EXIT_USAGE). An existing file keeps its permission
 * bits, a new one gets 0666 & ~umask. SIGINT, SIGTERM or SIGHUP while the temporary file exists
 * removes it before the process dies of the signal. Prints errors; returns an exit status. Not
 * thread-safe (the command line only).
 */
int cli_write_file(const char *path, const char *text, size_t len);
/*
 * Before long work whose result goes to path: SL_EXIT_OK when cli_write_file can be expected
 * to write it (a regular file or a new name in a writable directory, or "-"), else a usage
 * error naming it.
 */
int cli_check_writable(const char *path);

/* Prints a JSON document (taking it) to stdout and a newline; NULL reports err (out of memory). */
int cli_print_json(char *doc, const char *err);

/* Every command and its renderer, in the order of the command list; a NULL def ends it. */
struct cli_command {
    const struct cmd_def *def;
    int (*render)(struct cmd_input *in);
};
extern const struct cli_command cli_commands[];

/*
 * The manual page (roff, section 1) of every command of cmds (a NULL def ends it), generated
 * from their tables: synopsis, description, every command-line parameter with its placeholder,
 * help, accepted values and default. Returns an exit status (SL_EXIT_FAILURE, with a message,
 * if `to` fails).
 */
int cli_print_man(FILE *to, const struct cli_command *cmds);

/*
 * A bash completion script for the commands of cmds: command names, each command's options,
 * the choices of an ENUM and file names for a FILE parameter. An exit status.
 */
int cli_print_completion_bash(FILE *to, const struct cli_command *cmds);

#endif
