/* The command line's list of commands: each one's declaration and its renderer. */
/* SPDX-License-Identifier: MIT */
#include <stddef.h>

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
    { &cli_def_man, cli_man },
    { &cli_def_completion, cli_completion },
    { NULL, NULL }
};
