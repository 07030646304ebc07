/* `scalelab man`: the manual page in roff, generated from the command tables and main.c's list. */
/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "banned.h"

/* A roff writer: text is escaped, and no text line starts with a control character. */
struct roff {
    FILE *to;
    int bol; /* the next byte starts an output line */
};

/* Writes s as it is (requests, font changes); a final '\n' ends the line. */
static void roff_raw(struct roff *r, const char *s)
{
    size_t n = strlen(s);

    fputs(s, r->to);
    if (n)
        r->bol = s[n - 1] == '\n';
}

/* The code point of the UTF-8 character at p, its length in *n; -1 (and *n = 1) if invalid. */
static long utf8_decode(const unsigned char *p, size_t *n)
{
    long cp;
    size_t len, i;

    *n = 1;
    if (p[0] < 0x80)
        return p[0];
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        len = 2, cp = p[0] & 0x1f;
    else if (p[0] >= 0xe0 && p[0] <= 0xef)
        len = 3, cp = p[0] & 0x0f;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4)
        len = 4, cp = p[0] & 0x07;
    else
        return -1;
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    *n = len;
    return cp;
}

/*
 * Writes text for roff to fill: backslashes as \e, a '.' or '\'' starting a line behind \&,
 * hyphens of an option or a negative number ("--cpu-ms", "-5") as \-, the hyphen inside a word
 * ("Allen-Cunneen") as it is, `code` in bold and anything beyond ASCII as \[uXXXX]. A '\n'
 * ends the line.
 */
static void roff_text(struct roff *r, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned char prev = ' ';
    int option = 0, code = 0;

    while (*p) {
        unsigned char c = *p;
        size_t n = 1;

        if (c == '\n' || (r->bol && c == ' ')) {
            if (c == '\n')
                fputc('\n', r->to);
            r->bol = 1;
            prev = ' ';
            p++;
            continue;
        }
        if (r->bol && (c == '.' || c == '\''))
            fputs("\\&", r->to);
        r->bol = 0;
        if (c == '-') {
            option |= !isalnum(prev);
            fputs(option ? "\\-" : "-", r->to);
        } else {
            option &= isalnum(c) != 0;
            if (c == '\\') {
                fputs("\\e", r->to);
            } else if (c == '`') {
                fputs(code ? "\\fR" : "\\fB", r->to);
                code = !code;
            } else if (c >= 0x80) {
                long cp = utf8_decode(p, &n);

                if (cp < 0)
                    fputc('?', r->to);
                else
                    fprintf(r->to, "\\[u%04lX]", cp);
            } else {
                fputc(c, r->to);
            }
        }
        prev = c;
        p += n;
    }
    if (code)
        fputs("\\fR", r->to);
}

/* Writes the n bytes of s through roff_text. */
static void roff_span(struct roff *r, const char *s, size_t n)
{
    char buf[512];

    snprintf(buf, sizeof(buf), "%.*s", (int)n, s);
    roff_text(r, buf);
}

/*
 * One synopsis line as man pages set them: what is typed as it is ("--servers", "bash") in
 * bold, placeholders (upper-case words: "C", "NAME") in italics, brackets and bars plain.
 */
static void roff_synopsis(struct roff *r, const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t j = i;
        int boundary = i == 0 || !isalnum((unsigned char)s[i - 1]);

        if (boundary && (islower((unsigned char)s[i]) ||
                         (s[i] == '-' && i + 1 < len && (s[i + 1] == '-' ||
                                                        islower((unsigned char)s[i + 1]))))) {
            while (j < len && (islower((unsigned char)s[j]) || isdigit((unsigned char)s[j]) ||
                               s[j] == '-'))
                j++;
            roff_raw(r, "\\fB");
        } else if (boundary && isupper((unsigned char)s[i])) {
            while (j < len && (isupper((unsigned char)s[j]) || isdigit((unsigned char)s[j]) ||
                               s[j] == '_'))
                j++;
            roff_raw(r, "\\fI");
        } else {
            roff_span(r, s + i, 1);
            i++;
            continue;
        }
        roff_span(r, s + i, j - i);
        roff_raw(r, "\\fR");
        i = j;
    }
}

/* Text that ends a sentence: "." after it unless it ends with one already. */
static void roff_sentence(struct roff *r, const char *s)
{
    size_t n = strlen(s);

    roff_text(r, s);
    if (n && s[n - 1] != '.')
        roff_text(r, ".");
}

/*
 * One command-line parameter of cmd: its tag, then help, accepted values (and the API's when
 * they differ), default, repetition, and whether the API lacks it.
 */
static void man_param(struct roff *r, const struct cmd_def *cmd, const struct cmd_param *p)
{
    char what[256], api[256], def[64], line[640];
    const char *d = cmd_default_text(p, def, sizeof(def));

    roff_raw(r, ".TP\n");
    if (p->flags & CMD_POSITIONAL) {
        roff_raw(r, "\\fI");
        roff_text(r, p->arg);
        roff_raw(r, "\\fR");
    } else {
        roff_raw(r, "\\fB");
        snprintf(line, sizeof(line), "--%s", p->name);
        roff_text(r, line);
        roff_raw(r, "\\fR");
        if (p->type != CMD_FLAG) {
            roff_raw(r, " \\fI");
            roff_text(r, p->arg);
            roff_raw(r, "\\fR");
        }
    }
    roff_raw(r, "\n");
    roff_sentence(r, p->help);
    roff_raw(r, "\n");
    if (p->type != CMD_FLAG) {
        cmd_describe(p, CMD_CLI, what, sizeof(what));
        cmd_describe(p, CMD_API, api, sizeof(api));
        if (cmd->json && (p->surface & CMD_API) && strcmp(api, what))
            snprintf(line, sizeof(line), "Accepts %s; %s.\n", what, api);
        else
            snprintf(line, sizeof(line), "Accepts %s.\n", what);
        roff_text(r, line);
    }
    if (d && p->type != CMD_FLAG) {
        snprintf(line, sizeof(line), "Default: %s.\n", d);
        roff_text(r, line);
    }
    if (p->flags & CMD_REPEAT) {
        if (p->max_values > 1)
            snprintf(line, sizeof(line), "Repeatable, up to %d times.\n", p->max_values);
        else
            snprintf(line, sizeof(line), "Repeatable.\n");
        roff_text(r, line);
    }
    if (p->flags & CMD_REQUIRED)
        roff_text(r, "Required.\n");
    if (cmd->json && !(p->surface & CMD_API))
        roff_text(r, "Command line only.\n");
}

/* The synopsis lines of `scalelab NAME`, each its own .SY block. */
static void man_synopsis(struct roff *r, const struct cmd_def *def)
{
    const char *line = def->synopsis ? def->synopsis : "";

    while (line) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);

        roff_raw(r, ".SY \"scalelab ");
        roff_text(r, def->name);
        roff_raw(r, "\"\n");
        if (n) {
            roff_synopsis(r, line, n);
            roff_raw(r, "\n");
        }
        roff_raw(r, ".YS\n");
        line = nl ? nl + 1 : NULL;
    }
}

/* The shared groups listed once, under WORKLOAD OPTIONS (json and csv stay with each command). */
#define MAN_SHARED_GROUPS (CMD_SHARED_PLANNING | CMD_SHARED_CPU | CMD_SHARED_STATE)

static void man_shared_list(struct roff *r, const struct cmd_input *in);

/* One declared command: summary, description, where the API serves it, its own parameters. */
static int man_command(struct roff *r, const struct cmd_def *def)
{
    struct cmd_input *in = sl_malloc(sizeof(*in));
    char err[SL_ERR_LEN], line[256];
    size_t i;

    if (!in)
        return cli_runtime_error("out of memory");
    if (cmd_input_init(in, def, CMD_CLI, err, sizeof(err))) {
        sl_free(in);
        return cli_runtime_error("%s", err);
    }
    roff_raw(r, ".SS \"scalelab ");
    roff_text(r, def->name);
    roff_raw(r, "\"\n");
    roff_sentence(r, def->summary);
    roff_raw(r, "\n.PP\n");
    roff_sentence(r, def->description);
    roff_raw(r, "\n");
    if (def->json) {
        snprintf(line, sizeof(line), "`scalelab serve` answers the same document as `--json` "
                 "at `GET %s`.\n", def->api_path);
        roff_raw(r, ".PP\n");
        roff_text(r, line);
    }
    for (i = 0; i < in->nparams; i++)
        if ((in->param[i]->surface & CMD_CLI) && !(in->param[i]->group & MAN_SHARED_GROUPS))
            man_param(r, def, in->param[i]);
    if (def->shared & MAN_SHARED_GROUPS) {
        roff_raw(r, ".PP\n");
        roff_text(r, "It also takes these options, described under WORKLOAD OPTIONS: ");
        man_shared_list(r, in);
        roff_text(r, ".\n");
    }
    sl_free(in);
    return SL_EXIT_OK;
}

/* "--catalog, --instance, ... and --state": the workload options in an input, in order. */
static void man_shared_list(struct roff *r, const struct cmd_input *in)
{
    size_t i, n = 0, k = 0;
    char line[96];

    for (i = 0; i < in->nparams; i++)
        n += (in->param[i]->surface & CMD_CLI) && (in->param[i]->group & MAN_SHARED_GROUPS);
    for (i = 0; i < in->nparams; i++) {
        const struct cmd_param *p = in->param[i];

        if (!(p->surface & CMD_CLI) || !(p->group & MAN_SHARED_GROUPS))
            continue;
        snprintf(line, sizeof(line), "%s`--%s`", k == 0 ? "" : k + 1 == n ? " and " : ", ",
                 p->name);
        roff_text(r, line);
        k++;
    }
}

/*
 * The workload options, once for every command that takes them: each with the commands that
 * take it, its range and default (the library's, for a workload field).
 */
static int man_workload(struct roff *r, const struct cli_command *cmds)
{
    const struct cmd_param *p;
    char line[256];
    size_t i;

    roff_raw(r, ".SH \"WORKLOAD OPTIONS\"\n");
    roff_text(r, "The options that describe a service and how it is sized, shared by the "
                 "commands that plan; under each, the commands that take it.\n");
    for (p = cmd_shared; p->name; p++) {
        const struct cmd_def *first = NULL;
        size_t o = 0;

        if (!(p->group & MAN_SHARED_GROUPS) || !(p->surface & CMD_CLI))
            continue;
        o += (size_t)snprintf(line, sizeof(line), "Taken by");
        for (i = 0; cmds[i].def; i++)
            if (cmds[i].def->shared & p->group) {
                if (!first)
                    first = cmds[i].def;
                o += (size_t)snprintf(line + o, sizeof(line) - o, "%s `%s`",
                                      first == cmds[i].def ? "" : ",", cmds[i].def->name);
            }
        if (!first)
            continue;
        man_param(r, first, p);
        snprintf(line + o, sizeof(line) - o, ".\n");
        roff_text(r, line);
    }
    return SL_EXIT_OK;
}

/* What the process reads from its environment; FILES is left out: scalelab keeps none. */
static const struct {
    const char *name, *text;
} environment[] = {
    { "NO_COLOR", "`scalelab quiz` prints no colours when it is set and not empty "
                  "(no-color.org)" },
    { "TERM", "`scalelab quiz` prints no colours when it is `dumb`" },
    { "SCALELAB_TOKEN_KEY", "`scalelab app` signs session tokens with this key (hex digits); "
                            "without it each process makes a random one" },
    { "TMPDIR", "`scalelab lab` makes its private run directory here (default /tmp)" },
    { "PATH", "`scalelab lab` finds redis-server and haproxy here, then in /usr/local/sbin, "
              "/usr/sbin and /sbin" },
};

static void man_header(struct roff *r, const struct cli_command *cmds)
{
    size_t i;

    roff_raw(r, ".\\\" scalelab(1), generated by `scalelab man` from the command tables: "
                "do not edit\n"
                ".TH SCALELAB 1 \"\" \"scalelab\" \"User Commands\"\n"
                ".SH NAME\n");
    roff_text(r, "scalelab - scale up or scale out: capacity, cost and queueing numbers for a "
                 "workload\n");
    roff_raw(r, ".SH SYNOPSIS\n"
                ".SY scalelab\n"
                ".RB [ \\-\\-version ]\n"
                ".RB [ \\-\\-help ]\n"
                ".I command\n"
                ".RI [ options ]\n"
                ".YS\n");
    for (i = 0; cmds[i].def; i++)
        man_synopsis(r, cmds[i].def);
    roff_raw(r, ".SH DESCRIPTION\n");
    roff_text(r, "One server is not enough: scale up (one bigger machine) or scale out (more "
                 "machines)? From a workload and a catalog of machines with monthly prices, "
                 "scalelab computes both futures side by side, the exact queueing numbers of "
                 "a station or a network of them, and simulations that check the formulas.\n");
    roff_raw(r, ".PP\n");
    roff_text(r, "Each command takes `--help`. A bad value is refused with one line on standard "
                 "error that names it and says what is accepted; nothing is written then.\n");
    roff_raw(r, ".SH COMMANDS\n");
}

static void man_footer(struct roff *r)
{
    char line[256];
    size_t i;

    roff_raw(r, ".SH \"EXIT STATUS\"\n");
    snprintf(line, sizeof(line), ".TP\n.B %d\nSuccess.\n", SL_EXIT_OK);
    roff_raw(r, line);
    snprintf(line, sizeof(line), ".TP\n.B %d\n", SL_EXIT_FAILURE);
    roff_raw(r, line);
    roff_text(r, "A runtime failure: memory ran out, a file could not be written, a server or "
                 "process could not start.\n");
    snprintf(line, sizeof(line), ".TP\n.B %d\n", SL_EXIT_USAGE);
    roff_raw(r, line);
    roff_text(r, "Bad input or usage: an unknown command or option, or a value out of its "
                 "range; nothing was changed.\n");
    roff_raw(r, ".SH ENVIRONMENT\n");
    for (i = 0; i < sizeof(environment) / sizeof(environment[0]); i++) {
        roff_raw(r, ".TP\n.B ");
        roff_text(r, environment[i].name);
        roff_raw(r, "\n");
        roff_sentence(r, environment[i].text);
        roff_raw(r, "\n");
    }
    roff_raw(r, ".SH \"SEE ALSO\"\n"
                ".BR haproxy (1),\n"
                ".BR redis\\-server (1)\n"
                ".PP\n");
    roff_text(r, "In scalelab's sources: docs/model.md (every formula and its source) and "
                 "docs/server.md (the server's limits). A running `scalelab serve` describes "
                 "its API at `/api/openapi.json`.\n");
}

int cli_print_man(FILE *to, const struct cli_command *cmds)
{
    struct roff r = { to, 1 };
    size_t i;
    int st = SL_EXIT_OK;

    man_header(&r, cmds);
    for (i = 0; !st && cmds[i].def; i++)
        st = man_command(&r, cmds[i].def);
    if (!st)
        st = man_workload(&r, cmds);
    if (st)
        return st;
    man_footer(&r);
    if (fflush(to) || ferror(to))
        return cli_runtime_error("cannot write the manual page: %s", strerror(errno));
    return SL_EXIT_OK;
}
