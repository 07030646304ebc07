/* Commands declared once, as data: parameters, their types and ranges, and what each computes. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_COMMAND_H
#define SL_COMMAND_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>

#include "scalelab/scalelab.h"

/*
 * The layer between the model library and the front ends. A command is a table of parameters
 * and a function from parsed parameters to its result; the command line (src/cli) and the HTTP
 * API (src/web) both parse with cmd_parse and call the same functions, and --help, the man
 * page, bash completion and OpenAPI are generated from the same tables. Nothing here prints,
 * reads a file or keeps state between calls.
 */

/* What a command answers: success, a failure of the run (memory), or bad input. */
enum cmd_status {
    CMD_OK = 0,
    CMD_FAILURE = 1, /* a runtime failure: memory ran out, a file could not be written */
    CMD_USAGE = 2,   /* bad input or usage; nothing was changed */
    CMD_HELP = 3     /* --help was asked for (the command line prints it) */
};

/* Where a parameter is accepted (bits). */
enum cmd_surface {
    CMD_CLI = 1u,
    CMD_API = 2u,
    CMD_BOTH = 3u
};

enum cmd_type {
    CMD_NUMBER,  /* a real number in [min, max] (see min_open, max_open) */
    CMD_INTEGER, /* a whole number in [min, max] */
    CMD_LOAD,    /* a request rate: 1000, 1k, 2.5M or 1e6, above 0 and at most max */
    CMD_LOADS,   /* one or more loads, separated by commas or repeated */
    CMD_ENUM,    /* one of choices */
    CMD_FLAG,    /* no value on the command line; true, false, 1 or 0 in the API */
    CMD_TEXT,    /* text the command parses itself; `accepts` says what it takes */
    CMD_FILE     /* a file path, read by the command line (never by the API) */
};

/* Parameter flags (bits). */
enum {
    CMD_REPEAT = 1u,     /* may be given more than once; every value is kept, in order */
    CMD_POSITIONAL = 2u, /* the command line takes its values as arguments, not --name */
    CMD_REQUIRED = 4u    /* the command refuses to run without it */
};

/* The shared parameter groups a command takes (bits of cmd_def.shared). */
enum {
    CMD_SHARED_PLANNING = 1u, /* catalog, instance and the workload's sizing parameters */
    CMD_SHARED_CPU = 2u,      /* cpu-ms */
    CMD_SHARED_STATE = 4u,    /* state, sessions */
    CMD_SHARED_JSON = 8u,     /* json (the command line; the API always answers JSON) */
    CMD_SHARED_CSV = 16u,     /* csv */
    CMD_SHARED_ALL = 31u
};

struct cmd_param {
    const char *name;     /* as typed: --name on the command line, name= in the API */
    enum cmd_type type;
    const char *arg;      /* the value's placeholder in help: "MS", "LOAD" */
    const char *help;     /* one line, without the default */
    const char *def;      /* the default as typed (parsed and shown from here), or NULL */
    double min, max;      /* NUMBER, INTEGER (and LOAD's max) */
    int min_open, max_open; /* the bound itself is excluded */
    double api_max;       /* a tighter maximum in the API (its work is bounded), or 0 */
    const char *const *choices; /* ENUM: NULL-terminated */
    const char *accepts;  /* TEXT, FILE: what a value looks like, for messages and help */
    unsigned surface;     /* CMD_CLI, CMD_API or CMD_BOTH */
    unsigned flags;       /* CMD_REPEAT, CMD_POSITIONAL, CMD_REQUIRED */
    int max_values;       /* REPEAT, POSITIONAL, LOADS: most values (0: 1) */
    const char *workload; /* a NUMBER of struct sl_workload: the library's field name, whose
                           * range and default are the library's */
    unsigned group;       /* a shared parameter's CMD_SHARED_* group; 0 for a command's own */
};

/* A NUMBER's or INTEGER's accepted range on a surface. */
struct cmd_range {
    double min, max;
    int min_open, max_open;
};

/* The range of p on surface (the library's for a workload field; api_max in the API). */
void cmd_range_of(const struct cmd_param *p, unsigned surface, struct cmd_range *r);

/* "a number above 0 and up to 1e+06", "a whole number from 1 to 200000 in the API". */
void cmd_describe(const struct cmd_param *p, unsigned surface, char *buf, size_t len);

/* The default as typed ("25", "1k", the library's "0.7"), or NULL when there is none. */
const char *cmd_default_text(const struct cmd_param *p, char *buf, size_t len);

struct cmd_input;

struct cmd_def {
    const char *name;
    const char *summary;     /* one line for the command list */
    const char *synopsis;    /* usage lines after "scalelab NAME ", separated by '\n' */
    const char *description; /* a paragraph for help and the man page */
    const struct cmd_param *params; /* its own, ending with a NULL name */
    unsigned shared;         /* CMD_SHARED_* groups */
    /* the JSON document of a run (the API and --json), or NULL for a command-line-only command */
    int (*json)(const struct cmd_input *in, char **doc, char *err, size_t errlen);
    const char *api_path;    /* "/api/NAME" when json is set */
};

/* Most work of one API simulation by default, in event-equivalents (sl_sim_cost): about 0.3 s. */
#define CMD_API_SIM_BUDGET 8e6
#define CMD_API_SIM_BUDGET_TEXT "8e6"

/* The most parameters of one command (own and shared), and values of one request. */
#define CMD_MAX_PARAMS 64
#define CMD_MAX_VALUES 128
#define CMD_MAX_LOADS 64

/* One parameter as parsed. */
struct cmd_value {
    int given;         /* how many times it was given (0: the default applies) */
    const char *text;  /* the last value as typed (borrowed), or the default's text */
    double number;     /* NUMBER, LOAD; INTEGER too (exact to 2^53) */
    long integer;      /* INTEGER */
    int choice;        /* ENUM: index into choices; FLAG: 0 or 1 */
};

/*
 * A parsed request: every parameter of the command, the workload the shared ones describe and
 * what a front end resolved for it (a catalog's text, a file's contents). Borrowed strings point
 * into the caller's argv or query, which must outlive the input.
 */
struct cmd_input {
    const struct cmd_def *def;
    unsigned surface;                    /* CMD_CLI or CMD_API */
    const struct cmd_param *param[CMD_MAX_PARAMS]; /* own, then shared */
    struct cmd_value value[CMD_MAX_PARAMS];
    size_t nparams;
    /* every value of REPEAT and POSITIONAL parameters, in order, with their parameter index */
    const char *values[CMD_MAX_VALUES];
    unsigned char value_param[CMD_MAX_VALUES];
    size_t nvalues;
    double loads[CMD_MAX_LOADS];         /* the LOADS parameter's values */
    size_t nloads;

    struct sl_workload w;                /* set by the shared planning parameters */
    int json, csv;
    /* resolved by the front end */
    const char *catalog_text;            /* a catalog's CSV (a file, a request body), or NULL */
    size_t catalog_len;
    const char *catalog_label;           /* its name in messages: a path, "request body" */
    const char *calibration_text;        /* CLI: the contents of --calibration, or NULL */
    size_t calibration_len;
    const char *input_text;              /* CLI: a command's input file (fit's measurements) */
    size_t input_len;
    const char *input_label;
    /* the environment of an API request */
    const atomic_int *cancel;            /* set when the answer is no longer wanted, or NULL */
    double sim_budget;                   /* most work of one simulation; 0: the default */
    /* a progress hook for long runs on the command line, or NULL */
    void (*progress)(void *ctx, double fraction);
    void *progress_ctx;
};

/* Parameter indices: the index of `name` in in->param, or -1. */
int cmd_find(const struct cmd_input *in, const char *name);

/* The value of parameter `name` (which must exist: a programming error aborts). */
const struct cmd_value *cmd_get(const struct cmd_input *in, const char *name);
int cmd_given(const struct cmd_input *in, const char *name);

/* The n-th value (0-based) of a REPEAT or POSITIONAL parameter, or NULL; and how many there are. */
const char *cmd_repeated(const struct cmd_input *in, const char *name, size_t n);
size_t cmd_count(const struct cmd_input *in, const char *name);

/* "--name" on the command line, "name" in the API: how messages spell a parameter. */
const char *cmd_spelling(const struct cmd_input *in, const char *name, char *buf, size_t len);

/*
 * Prepares `in` for def on a surface: every parameter at its default, the workload at the
 * library's defaults. Fails (CMD_FAILURE) only on a table error, which a test catches.
 */
int cmd_input_init(struct cmd_input *in, const struct cmd_def *def, unsigned surface, char *err,
                   size_t errlen);

/*
 * Sets parameter `key` to `value` as typed (value NULL: a bare key, a FLAG's true). Checks the
 * type, range and surface, and that a parameter is given once unless it repeats; the message
 * names the parameter as the surface spells it, repeats the value as typed and says what is
 * accepted. CMD_OK or CMD_USAGE.
 */
int cmd_set(struct cmd_input *in, const char *key, const char *value, char *err, size_t errlen);

/* Checks what needs every parameter: required ones present, json and csv not both. */
int cmd_finish(struct cmd_input *in, char *err, size_t errlen);

/*
 * Parses a command line (argv[0] is the command's name): "--name value", "--name=value", flags,
 * "--" ending the options, positional values, -h and --help (CMD_HELP). No abbreviations, no
 * global state. Then cmd_finish.
 */
int cmd_parse_argv(struct cmd_input *in, int argc, char **argv, char *err, size_t errlen);

/*
 * text with every "--name" of one of in's parameters spelled "name", as the API spells them
 * (messages are written once, in the command line's words). Into out, cut to len.
 */
void cmd_api_words(const struct cmd_input *in, const char *text, char *out, size_t len);

/*
 * The canonical form of a parsed request, for a cache of its documents: every parameter that
 * was given, in the table's order, with numbers as their parsed values ("1k" and "1e3" are
 * 1000), loads in order and repeated values in order. Parameters left at their default are
 * absent rather than filled in, because a command may treat a given parameter differently
 * (queue refuses --servers beside --station whatever its value). Fields are separated by
 * control characters, which no accepted value holds. Its length, or -1 when it does not fit.
 */
int cmd_canonical(const struct cmd_input *in, char *buf, size_t len);

/* Formats a message into err and returns CMD_USAGE (or CMD_FAILURE for cmd_failure). */
int cmd_usage(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int cmd_failure(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Every shared parameter, in help order (a NULL name ends it); each names its group. */
extern const struct cmd_param cmd_shared[];

/*
 * Applies a shared parameter's parsed value to in (the workload, json, csv). Called by cmd_set;
 * CMD_OK or CMD_USAGE.
 */
int cmd_shared_apply(struct cmd_input *in, const struct cmd_param *p, const char *text,
                     char *err, size_t errlen);

/*
 * Applies what the front end resolved: the calibration's sigma, kappa and lambda (as cpu-ms).
 * CMD_OK or CMD_USAGE.
 */
int cmd_apply_calibration(struct cmd_input *in, char *err, size_t errlen);

/*
 * The catalog the request names (an embedded one) or carries (in->catalog_text), checked with
 * the workload. Owned by the caller (sl_catalog_free). CMD_USAGE with the message when bad.
 */
int cmd_catalog(const struct cmd_input *in, struct sl_catalog **out, char *err, size_t errlen);

/* Whether name is an embedded catalog; the names as a phrase ("teaching, cloud, gcp or azure"). */
int cmd_catalog_is_builtin(const char *name);
void cmd_catalog_names(char *buf, size_t len);

/* Every command, in the order the command list shows them; NULL-terminated. */
extern const struct cmd_def *const cmd_all[];
const struct cmd_def *cmd_lookup(const char *name);

/*
 * Whether the API takes a catalog as the request body (POST, Content-Type text/csv) for def:
 * every command with an API route and the planning parameters does, the body standing in for
 * catalog= (cmd_catalog reads it). The route table and the API's description both ask here.
 */
int cmd_api_takes_body(const struct cmd_def *def);

/* The program's version (build/version.c), as --version prints it. */
extern const char *sl_cli_version;

#endif
