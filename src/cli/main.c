/* scalelab's entry point: finds the command in one table and runs it. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "banned.h"

static void usage(FILE *to)
{
    size_t i;

    fprintf(to, "usage: scalelab [--version] [--help] <command> [options]\n\n"
                "Scale up (one bigger machine) or scale out (more machines)?\n\ncommands:\n");
    for (i = 0; cli_commands[i].def; i++)
        fprintf(to, "  %-12s %s\n", cli_commands[i].def->name, cli_commands[i].def->summary);
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
