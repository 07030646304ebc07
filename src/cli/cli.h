/* Shared pieces of the scalelab command line: exit codes, option tables, catalog loading. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_CLI_H
#define SL_CLI_H

#include <getopt.h>
#include <stdatomic.h>
#include <stdio.h>

#include "commands/commands.h"
#include "scalelab/scalelab.h"

/* The one set of exit statuses of every command. */
enum sl_exit {
    SL_EXIT_OK = 0,      /* success */
    SL_EXIT_FAILURE = 1, /* a runtime failure: a file could not be written, memory ran out */
    SL_EXIT_USAGE = 2    /* bad input or usage; nothing was changed */
};

extern const char *sl_cli_version;

/* Subcommands: one file each, uniform signature; argv[0] is the command name. */
int cmd_compare(int argc, char **argv);
int cmd_curve(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_quiz(int argc, char **argv);
int cmd_app(int argc, char **argv);
int cmd_lab(int argc, char **argv);
int cmd_catalogs(int argc, char **argv);

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
int cli_queue(struct cmd_input *in);

/* A command of main.c's table: declared (its table and a renderer), or one that parses argv. */
struct sl_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
    const struct cmd_def *def;
    int (*render)(struct cmd_input *in);
};

/*
 * The manual page (roff, section 1) of the n commands of cmds (main.c's table), generated from
 * the tables: each declared command in full (synopsis, description, every command-line
 * parameter with its placeholder, help, accepted values and default), the others by name and
 * summary. Returns an exit status (SL_EXIT_FAILURE, with a message, if `to` fails).
 */
int cli_print_man(FILE *to, const struct sl_cmd *cmds, size_t n);

/*
 * A bash completion script for the n commands of cmds: command names, each declared command's
 * options, the choices of an ENUM and file names for a FILE parameter. An exit status.
 */
int cli_print_completion_bash(FILE *to, const struct sl_cmd *cmds, size_t n);

/* Process-wide set-up (jansson's allocator and hash seed); call once at start. */
void cli_init(void);

/* Prints "scalelab: <message>" on stderr; returns SL_EXIT_USAGE or SL_EXIT_FAILURE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_runtime_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One command-line flag: long name, whether it takes a value, the id getopt returns, help. */
struct cli_flag {
    const char *name;
    int has_arg;          /* no_argument or required_argument */
    int id;
    const char *arg_name; /* shown in help, NULL when no value */
    const char *help;
    unsigned group;       /* shared flags: the CLI_WITH_* group it belongs to */
};

/* Groups of shared flags a command takes (bits of cli_parse's `with`). */
enum {
    CLI_WITH_PLANNING = 1u << 0, /* catalog, instance and the workload's sizing flags */
    CLI_WITH_CPU = 1u << 1,      /* --cpu-ms */
    CLI_WITH_STATE = 1u << 2,    /* --state, --sessions */
    CLI_WITH_JSON = 1u << 3,     /* --json */
    CLI_WITH_CSV = 1u << 4,      /* --csv */
    CLI_WITH_ALL = 0x1fu
};

/* Ids of the flags every planning command shares; command-specific ids start at CLI_OWN. */
enum {
    CLI_HELP = 'h',
    CLI_COMMON = 1000,
    CLI_CATALOG, CLI_INSTANCE, CLI_CPU_MS, CLI_MEM_PER_REQ, CLI_BASE_MEM, CLI_RESPONSE_BYTES,
    CLI_SESSIONS, CLI_SESSION_INTERVAL, CLI_SESSION_BYTES, CLI_STATE, CLI_TARGET_UTIL,
    CLI_SPARES, CLI_USL_SIGMA, CLI_USL_KAPPA, CLI_BOX_AVAIL, CLI_LB_COST, CLI_DB_QUERIES,
    CLI_READ_FRACTION, CLI_DB_QUERY_MS, CLI_STORE_OPS, CLI_JSON, CLI_CSV, CLI_USL,
    CLI_CALIBRATION, CLI_AVAIL_TARGET, CLI_VERTICAL_STANDBY, CLI_ZONES, CLI_SURVIVE, CLI_SLO,
    CLI_DB_REPLICAS_MIN,
    CLI_OWN = 2000
};

/* What the shared flags set. */
struct cli_common {
    struct sl_workload w;
    const char *catalog;  /* built-in name or file path */
    int catalog_given;    /* --catalog was on the command line */
    int json, csv;
};

/* Most flags one command may have (its own plus the shared ones). */
#define CLI_MAX_FLAGS 64

/*
 * Parses argv with the command's own flags plus the shared ones in the groups `with`
 * (CLI_WITH_*). For each own flag, calls
 * own(id, optarg, ctx), which returns SL_EXIT_OK or an exit status. Positional arguments are
 * left at argv[*first_positional..argc). Prints help and returns -1 on --help. Returns
 * SL_EXIT_OK or SL_EXIT_USAGE (after printing the message).
 */
int cli_parse(int argc, char **argv, const char *usage_line, unsigned with,
              const struct cli_flag *own, int (*own_fn)(int id, const char *arg, void *ctx),
              void *ctx, struct cli_common *common, int *first_positional);

/*
 * Checks the workload and loads the catalog named by common->catalog; prints the error and
 * returns an exit status if either is bad.
 */
int cli_setup(const struct cli_common *common, struct sl_catalog **out);

/* The embedded catalogs' names as a phrase: "teaching, cloud, gcp or azure". */
void cli_catalog_names(char *buf, size_t len);

/* Parses a load argument; prints the error naming `what` and returns SL_EXIT_USAGE if bad. */
int cli_parse_load(const char *what, const char *s, double *out);

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
 * Prints a JSON document (taking it) to stdout followed by a newline; in API mode hands it to
 * cli_run_for_api's caller instead. A NULL doc reports err as a runtime error.
 */
int cli_print_json(char *doc, const char *err);

/*
 * Runs a command (cmd_compare, ...) as the web API does: its flags parsed by the same tables and
 * parsers, --json implied, the document in *doc (owned by the caller, sl_free) and the first
 * error message in err instead of stderr. Catalogs are the built-in ones only, or the CSV text
 * in->body: the API opens no file. Long runs stop early when *in->cancel is set. Returns the
 * command's exit status. Thread-safe.
 */
struct cli_api_input {
    const char *body;         /* a CSV catalog the request carried, or NULL; borrowed */
    size_t body_len;
    const atomic_int *cancel; /* set when the answer is no longer wanted, or NULL */
    double sim_budget;        /* most work of one simulation (sl_sim_cost); 0: the default */
};
int cli_run_for_api(int (*fn)(int argc, char **argv), int argc, char **argv,
                    const struct cli_api_input *in, char **doc, char *err, size_t errlen);

/* The cancel flag of the API request this thread runs, or NULL (the command line). */
const atomic_int *cli_api_cancel(void);

/* The simulation budget of the API request this thread runs (event-equivalents). */
double cli_api_sim_budget(void);

/* Most work of one API simulation by default, in event-equivalents (sl_sim_cost): about 0.3 s. */
#define CLI_API_SIM_BUDGET 8e6
/* Most users or queue places one API queue may ask for (the solve walks every state). */
#define CLI_API_MAX_QUEUE_STATES 200000L
/* Most solver steps of one closed network in the API (sl_network_closed_cost): well under 1 s. */
#define CLI_API_MAX_NETWORK_WORK 2e7
/* Most points one API curve may ask for. */
#define CLI_API_MAX_CURVE_POINTS 10000L
/* Most simulation threads one API request may use. */
#define CLI_API_MAX_SIM_THREADS 2L

/* Nonzero while the calling thread runs a command for the API (commands cap their work). */
int cli_api_mode(void);

/* Formats money ("$1,234" or "$12.50") and loads ("1.5K", "1M") into buf. */
const char *cli_fmt_usd(char *buf, size_t len, double usd);
const char *cli_fmt_load(char *buf, size_t len, double rps);
const char *cli_fmt_count(char *buf, size_t len, double n);
/* A rate or count: four significant digits below 10,000, whole and grouped above ("unbounded"). */
const char *cli_fmt_figure(char *buf, size_t len, double v);
/* A time in seconds in a readable unit ("1.969 ms"); "unbounded" if infinite, "-" if NaN. */
const char *cli_fmt_seconds(char *buf, size_t len, double s);

#endif
