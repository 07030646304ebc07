/* Runs a declared command on the command line: its table parses argv, then its renderer prints. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "banned.h"

int cli_report(int status, const char *err)
{
    if (status == CMD_OK)
        return SL_EXIT_OK;
    if (status == CMD_FAILURE)
        return cli_runtime_error("%s", err && *err ? err : "failed");
    return cli_usage_error("%s", err && *err ? err : "invalid input");
}

/* The "--name ARG" column of one parameter in help. */
static void left_column(const struct cmd_param *p, char *buf, size_t len)
{
    if (p->flags & CMD_POSITIONAL)
        snprintf(buf, len, "%s", p->arg);
    else
        snprintf(buf, len, "--%s%s%s", p->name, p->type == CMD_FLAG ? "" : " ",
                 p->type == CMD_FLAG ? "" : p->arg);
}

/* Help is wrapped to this many columns; option texts start at HELP_TEXT_COLUMN. */
#define HELP_WIDTH 100
#define HELP_TEXT_COLUMN 31

/* Prints text from column `at` (where the cursor is) on, wrapped at spaces, continued at indent. */
static void wrap(FILE *to, const char *text, int at, int indent)
{
    int col = at;

    while (*text) {
        int n = (int)strcspn(text, " ");

        if (col > indent && col + 1 + n > HELP_WIDTH) {
            fprintf(to, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent || (col == indent && at != indent)) {
            fputc(' ', to);
            col++;
        }
        fprintf(to, "%.*s", n, text);
        col += n;
        text += n;
        while (*text == ' ')
            text++;
    }
    fputc('\n', to);
}

void cli_print_help(FILE *to, const struct cmd_def *def)
{
    const char *line = def->synopsis;
    struct cmd_input *in = sl_malloc(sizeof(*in));
    char err[SL_ERR_LEN];
    size_t i;
    int first = 1;

    while (line) {
        const char *nl = strchr(line, '\n');
        int n = nl ? (int)(nl - line) : (int)strlen(line);

        fprintf(to, "%s scalelab %s%s%.*s\n", first ? "usage:" : "      ", def->name,
                n ? " " : "", n, line);
        first = 0;
        line = nl ? nl + 1 : NULL;
    }
    fputc('\n', to);
    wrap(to, def->description, 0, 0);
    fprintf(to, "\noptions:\n");
    if (!in || cmd_input_init(in, def, CMD_CLI, err, sizeof(err))) {
        sl_free(in);
        return;
    }
    for (i = 0; i < in->nparams; i++) {
        const struct cmd_param *p = in->param[i];
        char left[64], def_text[64], text[512];
        const char *d = cmd_default_text(p, def_text, sizeof(def_text));
        int n;

        if (!(p->surface & CMD_CLI))
            continue;
        left_column(p, left, sizeof(left));
        snprintf(text, sizeof(text), "%s%s%s%s", p->help, d && p->type != CMD_FLAG ?
                 "; default " : "", d && p->type != CMD_FLAG ? d : "",
                 p->flags & CMD_REPEAT ? "; repeatable" : "");
        n = fprintf(to, "  %s", left);
        if (n + 1 >= HELP_TEXT_COLUMN) {
            fprintf(to, "\n%*s", HELP_TEXT_COLUMN, "");
            n = HELP_TEXT_COLUMN;
        } else {
            fprintf(to, "%*s", HELP_TEXT_COLUMN - n, "");
            n = HELP_TEXT_COLUMN;
        }
        wrap(to, text, n, HELP_TEXT_COLUMN);
    }
    fprintf(to, "  %-*s%s\n", HELP_TEXT_COLUMN - 2, "--help", "show this help");
    sl_free(in);
}

/* Reads the files the command line names: a catalog that is not an embedded one, a calibration. */
static int read_files(struct cmd_input *in, char **catalog, char **calibration)
{
    char list[128], expected[192], err[SL_ERR_LEN];
    int rc;

    if (cmd_find(in, "catalog") >= 0 && !cmd_catalog_is_builtin(cmd_get(in, "catalog")->text)) {
        const char *path = cmd_get(in, "catalog")->text;

        cmd_catalog_names(list, sizeof(list));
        snprintf(expected, sizeof(expected), "%s, or a CSV file path", list);
        rc = cli_read_file(path, "catalog", expected, SL_CATALOG_TEXT_MAX, catalog,
                           &in->catalog_len);
        if (rc)
            return rc;
        in->catalog_text = *catalog;
        in->catalog_label = path;
    }
    if (cmd_find(in, "calibration") >= 0 && cmd_given(in, "calibration")) {
        rc = cli_read_file(cmd_get(in, "calibration")->text, "calibration",
                           "the JSON of scalelab fit --json", 64 * 1024, calibration,
                           &in->calibration_len);
        if (rc)
            return rc;
        in->calibration_text = *calibration;
        return cli_report(cmd_apply_calibration(in, err, sizeof(err)), err);
    }
    return SL_EXIT_OK;
}

int cli_run_command(const struct cmd_def *def, int (*render)(struct cmd_input *in), int argc,
                    char **argv)
{
    struct cmd_input *in = sl_malloc(sizeof(*in));
    char err[SL_ERR_LEN] = "", *catalog = NULL, *calibration = NULL;
    int st;

    if (!in)
        return cli_runtime_error("out of memory");
    st = cmd_input_init(in, def, CMD_CLI, err, sizeof(err));
    if (!st)
        st = cmd_parse_argv(in, argc, argv, err, sizeof(err));
    if (st == CMD_HELP) {
        cli_print_help(stdout, def);
        st = SL_EXIT_OK;
    } else if (st) {
        st = cli_report(st, err);
    } else {
        st = read_files(in, &catalog, &calibration);
        if (!st)
            st = render(in);
    }
    sl_free(catalog);
    sl_free(calibration);
    sl_free(in);
    return st;
}
