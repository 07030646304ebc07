/* `catalogs`: the embedded machine catalogs, with their sources. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "commands.h"
#include "banned.h"

static const struct cmd_param params[] = {
    { .name = "name", .type = CMD_TEXT, .arg = "NAME",
      .help = "show only this catalog: teaching, cloud, gcp or azure",
      .accepts = "teaching, cloud, gcp or azure", .max = 64, .surface = CMD_BOTH,
      .flags = CMD_POSITIONAL, .max_values = 1 },
    { .name = NULL }
};

int cmd_catalogs_only(const struct cmd_input *in, const char **only, char *err, size_t errlen)
{
    const char *const *names = sl_catalog_builtin_names();
    const struct cmd_value *v = cmd_get(in, "name");
    char list[128];
    int i;

    *only = NULL;
    if (!v->given)
        return CMD_OK;
    for (i = 0; names[i]; i++)
        if (!strcmp(v->text, names[i]))
            *only = names[i];
    cmd_catalog_names(list, sizeof(list));
    return *only ? CMD_OK : cmd_usage(err, errlen, "unknown catalog '%s' (expected %s)", v->text,
                                      list);
}

static int catalogs_json(const struct cmd_input *in, char **doc, char *err, size_t errlen)
{
    const char *only;
    int st = cmd_catalogs_only(in, &only, err, errlen);

    *doc = NULL;
    if (st)
        return st;
    *doc = only ? sl_report_catalog_json(only, err, errlen) : sl_report_catalogs_json(err, errlen);
    return *doc ? CMD_OK : CMD_FAILURE;
}

const struct cmd_def cmd_def_catalogs = {
    .name = "catalogs",
    .summary = "the embedded machine catalogs: sizes, $/vCPU-month, sources",
    .synopsis = "[NAME] [options]",
    .description = "The embedded catalogs (or the one named) as tables: sizes, network, price "
                   "per month and per vCPU-month, per-core speed, with the source of every "
                   "figure.",
    .params = params,
    .shared = CMD_SHARED_JSON | CMD_SHARED_CSV,
    .json = catalogs_json,
    .api_path = "/api/catalogs",
};
