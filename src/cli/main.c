/* scalelab's entry point: finds the command in one table and runs it. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "banned.h"

/* Every command, in the order the command list shows them: its declaration and its renderer. */
const struct cli_command cli_commands[] = {
    { &cmd_def_compare, cli_compare },
    { &cmd_def_curve, cli_curve },
    { &cmd_def_plan, cli_plan },
    { &cmd_def_catalogs, cli_catalogs },
    { &cmd_def_queue, cli_queue },
    { &cmd_def_simulate, cli_simulate },
    { &cmd_def_fit, cli_fit },
    { &cli_def_serve, cli_serve },
    { &cmd_def_quiz, cli_quiz },
    { &cli_def_app, cli_app },
    { &cli_def_lab, cli_lab },
    { NULL, NULL }
};

static void usage(FILE *to)
{
    size_t i;

    fprintf(to, "usage: scalelab [--version] [--help] <command> [options]\n\n"
                "Scale up (one bigger machine) or scale out (more machines)?\n\ncommands:\n");
    for (i = 0; cli_commands[i].def; i++)
        fprintf(to, "  %-10s %s\n", cli_commands[i].def->name, cli_commands[i].def->summary);
    fprintf(to, "\n'scalelab <command> --help' lists a command's options.\n");
}

int main(int argc, char **argv)
{
    size_t i;

    cli_init();
    if (argc < 2) {
        usage(stderr);
        return SL_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return SL_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("scalelab %s\n", sl_cli_version);
        return SL_EXIT_OK;
    }
    for (i = 0; cli_commands[i].def; i++)
        if (!strcmp(argv[1], cli_commands[i].def->name))
            return cli_run_command(cli_commands[i].def, cli_commands[i].render, argc - 1,
                                   argv + 1);
    fprintf(stderr, "scalelab: unknown command '%s' (expected one of:", argv[1]);
    for (i = 0; cli_commands[i].def; i++)
        fprintf(stderr, " %s", cli_commands[i].def->name);
    fprintf(stderr, ")\n");
    return SL_EXIT_USAGE;
}
