/* What every command-line command shares: set-up, error messages and printing a document. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"
#include "banned.h"

static void *json_alloc(size_t n)
{
    return sl_malloc(n);
}

void cli_init(void)
{
    json_set_alloc_funcs(json_alloc, sl_free);
    json_object_seed(1);
}

static int vreport(int status, const char *fmt, va_list ap)
{
    fputs("scalelab: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    return status;
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    int st;

    va_start(ap, fmt);
    st = vreport(SL_EXIT_USAGE, fmt, ap);
    va_end(ap);
    return st;
}

int cli_runtime_error(const char *fmt, ...)
{
    va_list ap;
    int st;

    va_start(ap, fmt);
    st = vreport(SL_EXIT_FAILURE, fmt, ap);
    va_end(ap);
    return st;
}

int cli_print_json(char *doc, const char *err)
{
    if (!doc)
        return cli_runtime_error("%s", err && *err ? err : "out of memory");
    fputs(doc, stdout);
    fputc('\n', stdout);
    sl_free(doc);
    return SL_EXIT_OK;
}
