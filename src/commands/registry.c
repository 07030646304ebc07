/* The commands of this layer (those the API may serve), and what the API takes for each. */
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

int cmd_api_takes_body(const struct cmd_def *def)
{
    return def->json && (def->shared & CMD_SHARED_PLANNING);
}
