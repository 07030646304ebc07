/* The list of every command, in the order the command list shows them. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "commands.h"
#include "banned.h"

const struct cmd_def *const cmd_all[] = {
    &cmd_def_queue,
    &cmd_def_man,
    &cmd_def_completion,
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

int cmd_api_takes_body(const struct cmd_def *def)
{
    return def->json && (def->shared & CMD_SHARED_PLANNING);
}
