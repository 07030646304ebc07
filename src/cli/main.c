/* scalelab's entry point: finds the subcommand in one table and runs it. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "banned.h"

/* A command: declared (its table and a renderer), or one that parses its own argv. */
struct sl_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
    const struct cmd_def *def;
    int (*render)(struct cmd_input *in);
};

static const struct sl_cmd commands[] = {
    { "compare", NULL, NULL, &cmd_def_compare, cli_compare },
    { "curve", NULL, NULL, &cmd_def_curve, cli_curve },
    { "plan", NULL, NULL, &cmd_def_plan, cli_plan },
    { "catalogs", NULL, NULL, &cmd_def_catalogs, cli_catalogs },
    { "queue", NULL, NULL, &cmd_def_queue, cli_queue },
    { "simulate", cmd_simulate, "a discrete-event run: load balancer, queues, failures, state",
      NULL, NULL },
    { "fit", cmd_fit, "the Universal Scalability Law fitted to your load-test measurements",
      NULL, NULL },
    { "serve", NULL, NULL, &cli_def_serve, cli_serve },
    { "quiz", cmd_quiz, "the scaling quiz in the terminal: choices, explanations, score",
      NULL, NULL },
    { "app", NULL, NULL, &cli_def_app, cli_app },
    { "lab", NULL, NULL, &cli_def_lab, cli_lab },
};

static void usage(FILE *to)
{
    size_t i;

    fprintf(to, "usage: scalelab [--version] [--help] <command> [options]\n\n"
                "Scale up (one bigger machine) or scale out (more machines)?\n\ncommands:\n");
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(to, "  %-10s %s\n", commands[i].name,
                commands[i].def ? commands[i].def->summary : commands[i].summary);
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
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].def ? cli_run_command(commands[i].def, commands[i].render,
                                                     argc - 1, argv + 1)
                                   : commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "scalelab: unknown command '%s' (expected one of:", argv[1]);
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(stderr, " %s", commands[i].name);
    fprintf(stderr, ")\n");
    return SL_EXIT_USAGE;
}
