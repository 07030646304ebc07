/* scalelab's entry point: finds the subcommand in one table and runs it. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "banned.h"

static int render_man(struct cmd_input *in);
static int render_completion(struct cmd_input *in);

static const struct sl_cmd commands[] = {
    { "compare", cmd_compare, "both strategies side by side at one or more loads", NULL, NULL },
    { "curve", cmd_curve, "monthly cost of both strategies over a range of loads", NULL, NULL },
    { "plan", cmd_plan, "the whole plan for one load: app, database and store tiers", NULL, NULL },
    { "catalogs", cmd_catalogs, "the embedded machine catalogs: sizes, $/vCPU-month, sources",
      NULL, NULL },
    { "queue", NULL, NULL, &cmd_def_queue, cli_queue },
    { "simulate", cmd_simulate, "a discrete-event run: load balancer, queues, failures, state",
      NULL, NULL },
    { "fit", cmd_fit, "the Universal Scalability Law fitted to your load-test measurements",
      NULL, NULL },
    { "serve", cmd_serve, "the interactive page and its JSON API on http://127.0.0.1:8080",
      NULL, NULL },
    { "quiz", cmd_quiz, "the scaling quiz in the terminal: choices, explanations, score",
      NULL, NULL },
    { "app", cmd_app, "one app server of the live lab: state in memory, Redis or tokens",
      NULL, NULL },
    { "lab", cmd_lab, "app servers behind haproxy, a checking client: what each store loses",
      NULL, NULL },
    { "man", NULL, NULL, &cmd_def_man, render_man },
    { "completion", NULL, NULL, &cmd_def_completion, render_completion },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* The manual page and the completion script describe this table: they are rendered here. */
static int render_man(struct cmd_input *in)
{
    (void)in;
    return cli_print_man(stdout, commands, NCOMMANDS);
}

static int render_completion(struct cmd_input *in)
{
    (void)in; /* bash, the one shell its table accepts */
    return cli_print_completion_bash(stdout, commands, NCOMMANDS);
}

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
