/* `man` and `completion`: the manual page and the shell completion, declared like any command. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "cli.h"
#include "banned.h"

/*
 * Both print what the command line generates from its command list, cli_commands; they compute
 * nothing, so they have no JSON and no API route.
 */
const struct cmd_def cli_def_man = {
    .name = "man",
    .summary = "this manual page (roff), generated from the command tables",
    .synopsis = "",
    .description = "Prints scalelab's manual page, section 1, in roff: every declared command "
                   "with its options, their defaults and the values they accept. Read it with "
                   "`scalelab man | man -l -`.",
    .params = NULL,
};

static const char *const shells[] = { "bash", NULL };

static const struct cmd_param completion_params[] = {
    { .name = "shell", .type = CMD_ENUM, .arg = "SHELL", .choices = shells,
      .help = "the shell the script is for", .surface = CMD_CLI,
      .flags = CMD_POSITIONAL | CMD_REQUIRED },
    { .name = NULL }
};

const struct cmd_def cli_def_completion = {
    .name = "completion",
    .summary = "a shell completion script for scalelab's commands, options and values",
    .synopsis = "bash",
    .description = "Prints a bash script that completes command names, each declared command's "
                   "options, the choices of an option that takes one and file names where a "
                   "file goes. Enable it with `source <(scalelab completion bash)`, in ~/.bashrc "
                   "for every shell.",
    .params = completion_params,
};

int cli_man(struct cmd_input *in)
{
    (void)in;
    return cli_print_man(stdout, cli_commands);
}

int cli_completion(struct cmd_input *in)
{
    (void)in; /* bash, the one shell its table accepts */
    return cli_print_completion_bash(stdout, cli_commands);
}
