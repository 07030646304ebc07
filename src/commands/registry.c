/* The list of every command, in the order the command list shows them. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "commands.h"
#include "banned.h"

const struct cmd_def *const cmd_all[] = {
    &cmd_def_compare,
    &cmd_def_curve,
    &cmd_def_plan,
    &cmd_def_catalogs,
    &cmd_def_queue,
    &cmd_def_simulate,
    &cmd_def_fit,
    &cmd_def_quiz,
    NULL
};

const struct cmd_def *cmd_lookup(const char *name)
{
    size_t i;

    for (i = 0; cmd_all[i]; i++)
        if (!strcmp(cmd_all[i]->name, name))
            return cmd_all[i];
    return NULL;
}
