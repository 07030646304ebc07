/* The one parameter parser of every command, for argv and for query parameters alike. */
/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "banned.h"

int cmd_usage(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return CMD_USAGE;
}

int cmd_failure(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return CMD_FAILURE;
}

int cmd_find(const struct cmd_input *in, const char *name)
{
    size_t i;

    for (i = 0; i < in->nparams; i++)
        if (!strcmp(in->param[i]->name, name))
            return (int)i;
    return -1;
}

const struct cmd_value *cmd_get(const struct cmd_input *in, const char *name)
{
    int i = cmd_find(in, name);

    if (i < 0) {
        fprintf(stderr, "scalelab: internal error: %s has no parameter '%s'\n", in->def->name,
                name);
        abort();
    }
    return &in->value[i];
}

int cmd_given(const struct cmd_input *in, const char *name)
{
    return cmd_get(in, name)->given;
}

const char *cmd_repeated(const struct cmd_input *in, const char *name, size_t n)
{
    int p = cmd_find(in, name);
    size_t i;

    for (i = 0; p >= 0 && i < in->nvalues; i++)
        if (in->value_param[i] == p && n-- == 0)
            return in->values[i];
    return NULL;
}

size_t cmd_count(const struct cmd_input *in, const char *name)
{
    int p = cmd_find(in, name);
    size_t i, n = 0;

    for (i = 0; p >= 0 && i < in->nvalues; i++)
        n += in->value_param[i] == p;
    return n;
}

static const char *spell(const struct cmd_param *p, unsigned surface, char *buf, size_t len)
{
    if (surface == CMD_API || (p->flags & CMD_POSITIONAL))
        snprintf(buf, len, "%s", p->name);
    else
        snprintf(buf, len, "--%s", p->name);
    return buf;
}

const char *cmd_spelling(const struct cmd_input *in, const char *name, char *buf, size_t len)
{
    int i = cmd_find(in, name);

    if (i < 0) {
        snprintf(buf, len, "%s", name);
        return buf;
    }
    return spell(in->param[i], in->surface, buf, len);
}

void cmd_range_of(const struct cmd_param *p, unsigned surface, struct cmd_range *r)
{
    const struct sl_workload_field *f = p->workload ? sl_workload_field(p->workload) : NULL;

    if (f) {
        r->min = f->lo;
        r->max = f->hi;
        r->min_open = f->lo_open;
        r->max_open = f->hi_open;
    } else {
        r->min = p->min;
        r->max = p->max;
        r->min_open = p->min_open;
        r->max_open = p->max_open;
    }
    if (p->type == CMD_LOAD || p->type == CMD_LOADS) {
        r->min = 0;
        r->min_open = 1;
        if (!(r->max > 0))
            r->max = 1e12;
    }
    if (surface == CMD_API && p->api_max > 0 && p->api_max < r->max) {
        r->max = p->api_max;
        r->max_open = 0;
    }
}

static int in_range(const struct cmd_range *r, double v)
{
    return isfinite(v) && (r->min_open ? v > r->min : v >= r->min) &&
           (r->max_open ? v < r->max : v <= r->max);
}

/* "a, b or c" of a NULL-terminated list. */
static void join_choices(const char *const *c, char *buf, size_t len)
{
    size_t o = 0;
    int i;

    buf[0] = '\0';
    for (i = 0; c[i] && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", !i ? "" : c[i + 1] ? ", " : " or ", c[i]);
}

/* A bound as a person writes it: 0.5, 1000, 1e6 (never 1e+06). */
static const char *tidy(char *buf, size_t len, double v)
{
    char *e, *d;

    snprintf(buf, len, "%g", v);
    e = strchr(buf, 'e');
    if (e) {
        d = e + 1;
        if (*d == '+')
            memmove(d, d + 1, strlen(d));
        if (*d == '-')
            d++;
        while (d[0] == '0' && d[1])
            memmove(d, d + 1, strlen(d));
    }
    return buf;
}

void cmd_describe(const struct cmd_param *p, unsigned surface, char *buf, size_t len)
{
    struct cmd_range r;
    const char *api = surface == CMD_API && p->api_max > 0 ? " in the API" : "";
    char lo[32], hi[32];

    cmd_range_of(p, surface, &r);
    tidy(lo, sizeof(lo), r.min);
    tidy(hi, sizeof(hi), r.max);
    switch (p->type) {
    case CMD_INTEGER:
        snprintf(buf, len, "a whole number from %.0f to %.0f%s", r.min, r.max, api);
        break;
    case CMD_NUMBER: /* "from 0 to 1", "above 0 and up to 1e6", "from 0 to below 1" */
        snprintf(buf, len, "a number %s %s %s %s%s", r.min_open ? "above" : "from", lo,
                 r.min_open ? (r.max_open ? "and below" : "and up to")
                            : (r.max_open ? "to below" : "to"), hi, api);
        break;
    case CMD_LOAD:
    case CMD_LOADS:
        snprintf(buf, len, "a positive number such as 1000, 1k, 2.5M or 1e6, at most %s%s", hi,
                 api);
        break;
    case CMD_ENUM:
        join_choices(p->choices, buf, len);
        break;
    case CMD_FLAG:
        snprintf(buf, len, surface == CMD_API ? "true or false" : "no value");
        break;
    default:
        snprintf(buf, len, "%s", p->accepts ? p->accepts : "text");
        break;
    }
}

const char *cmd_default_text(const struct cmd_param *p, char *buf, size_t len)
{
    const struct sl_workload_field *f = p->workload ? sl_workload_field(p->workload) : NULL;

    if (f) {
        struct sl_workload w;

        sl_workload_init(&w);
        snprintf(buf, len, "%g", *(const double *)((const char *)&w + f->offset));
        return buf;
    }
    return p->def;
}

/* The whole-number value of text, or -1 (digits only: no sign, no fraction, no exponent). */
static int parse_whole(const char *s, double *out)
{
    double v = 0;
    const char *c;

    if (!*s || strlen(s) > 15)
        return -1;
    for (c = s; *c; c++) {
        if (*c < '0' || *c > '9')
            return -1;
        v = v * 10 + (*c - '0');
    }
    *out = v;
    return 0;
}

/* "invalid NAME 'TEXT' (expected WHAT)": the message of a value p's type or range refuses. */
static int invalid(const struct cmd_input *in, const struct cmd_param *p, const char *text,
                   char *err, size_t errlen)
{
    char name[80], what[160];

    spell(p, in->surface, name, sizeof(name));
    if (p->type == CMD_FLAG)
        return cmd_usage(err, errlen, "invalid %s '%s' (expected true or false)", name, text);
    cmd_describe(p, in->surface, what, sizeof(what));
    return cmd_usage(err, errlen, "invalid %s '%s' (expected %s)", name, text, what);
}

/* Parses text into v by p's type; the message says what is accepted. */
static int parse_typed(const struct cmd_input *in, const struct cmd_param *p, const char *text,
                       struct cmd_value *v, char *err, size_t errlen)
{
    struct cmd_range r;
    double x;
    int i;

    switch (p->type) {
    case CMD_NUMBER:
        cmd_range_of(p, in->surface, &r);
        if (sl_parse_number(text, &x) != SL_OK || !in_range(&r, x))
            return invalid(in, p, text, err, errlen);
        v->number = x;
        return CMD_OK;
    case CMD_INTEGER:
        cmd_range_of(p, in->surface, &r);
        if (parse_whole(text, &x) || !in_range(&r, x))
            return invalid(in, p, text, err, errlen);
        v->number = x;
        v->integer = (long)x;
        return CMD_OK;
    case CMD_LOAD:
    case CMD_LOADS: /* one of its values */
        cmd_range_of(p, in->surface, &r);
        if (sl_parse_load(text, &x) != SL_OK || !in_range(&r, x))
            return invalid(in, p, text, err, errlen);
        v->number = x;
        return CMD_OK;
    case CMD_ENUM:
        for (i = 0; p->choices[i]; i++)
            if (!strcmp(text, p->choices[i])) {
                v->choice = i;
                return CMD_OK;
            }
        return invalid(in, p, text, err, errlen);
    case CMD_FLAG:
        if (!strcmp(text, "true") || !strcmp(text, "1") || !*text)
            v->choice = 1;
        else if (!strcmp(text, "false") || !strcmp(text, "0"))
            v->choice = 0;
        else
            return invalid(in, p, text, err, errlen);
        return CMD_OK;
    case CMD_TEXT:
    case CMD_FILE:
        if (!*text)
            return invalid(in, p, text, err, errlen);
        if (p->max > 0 && (double)strlen(text) > p->max) {
            char name[80];

            spell(p, in->surface, name, sizeof(name));
            return cmd_usage(err, errlen, "invalid %s (longer than %.0f bytes)", name, p->max);
        }
        return CMD_OK;
    }
    return CMD_OK;
}

/* LOADS: every comma-separated load of text into in->loads. */
static int add_loads(struct cmd_input *in, const struct cmd_param *p, const char *text,
                     char *err, size_t errlen)
{
    size_t cap = p->max_values > 0 ? (size_t)p->max_values : CMD_MAX_LOADS;
    const char *s = text;

    if (cap > CMD_MAX_LOADS)
        cap = CMD_MAX_LOADS;
    for (;;) {
        const char *end = strchr(s, ',');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        struct cmd_value v = { 0 };
        char piece[64], name[80];
        int st;

        if (in->nloads == cap)
            return cmd_usage(err, errlen, "too many values of %s (at most %zu)", p->name, cap);
        if (n >= sizeof(piece))
            return cmd_usage(err, errlen, "invalid %s '%.80s...' (expected a load such as 1k)",
                             spell(p, in->surface, name, sizeof(name)), s);
        memcpy(piece, s, n);
        piece[n] = '\0';
        st = parse_typed(in, p, piece, &v, err, errlen);
        if (st)
            return st;
        in->loads[in->nloads++] = v.number;
        if (!end)
            return CMD_OK;
        s = end + 1;
    }
}

/* "did you mean '--servers'?" when key starts a parameter's name, or one starts key. */
static void suggest(const struct cmd_input *in, const char *key, char *buf, size_t len)
{
    size_t i, k = strlen(key);

    buf[0] = '\0';
    for (i = 0; i < in->nparams && k >= 2; i++) {
        const struct cmd_param *p = in->param[i];

        if (!(p->surface & in->surface) || (p->flags & CMD_POSITIONAL && in->surface == CMD_CLI))
            continue;
        if (!strncmp(p->name, key, k) || !strncasecmp(p->name, key, strlen(p->name))) {
            char name[80];

            snprintf(buf, len, ": did you mean '%s'?", spell(p, in->surface, name, sizeof(name)));
            return;
        }
    }
}

static int unknown(const struct cmd_input *in, const char *key, char *err, size_t errlen)
{
    char hint[120];

    suggest(in, key, hint, sizeof(hint));
    if (in->surface == CMD_API)
        return cmd_usage(err, errlen, "unknown parameter '%.64s'%s (see /api/openapi.json for "
                         "the parameters of %s)", key, hint, in->def->api_path);
    return cmd_usage(err, errlen, "unknown option '--%.64s'%s (see 'scalelab %s --help')", key,
                     hint, in->def->name);
}

static int add_param(struct cmd_input *in, const struct cmd_param *p, char *err, size_t errlen)
{
    if (in->nparams == CMD_MAX_PARAMS)
        return cmd_failure(err, errlen, "internal error: %s has more than %d parameters",
                           in->def->name, CMD_MAX_PARAMS);
    in->param[in->nparams++] = p;
    return CMD_OK;
}

int cmd_input_init(struct cmd_input *in, const struct cmd_def *def, unsigned surface, char *err,
                   size_t errlen)
{
    const struct cmd_param *p;
    size_t i;

    memset(in, 0, sizeof(*in));
    in->def = def;
    in->surface = surface;
    sl_workload_init(&in->w);
    for (p = def->params; p && p->name; p++)
        if (add_param(in, p, err, errlen))
            return CMD_FAILURE;
    for (p = cmd_shared; p->name; p++)
        if ((p->group & def->shared) && add_param(in, p, err, errlen))
            return CMD_FAILURE;
    for (i = 0; i < in->nparams; i++) {
        p = in->param[i];
        if (cmd_find(in, p->name) != (int)i)
            return cmd_failure(err, errlen, "internal error: %s declares '%s' twice",
                               def->name, p->name);
        in->value[i].text = p->def;
        if (p->def && p->type == CMD_LOADS && add_loads(in, p, p->def, err, errlen))
            return CMD_FAILURE;
        if (p->def && p->type != CMD_LOADS && p->type != CMD_TEXT && p->type != CMD_FILE &&
            parse_typed(in, p, p->def, &in->value[i], err, errlen))
            return CMD_FAILURE; /* a default the table's own range refuses */
    }
    return CMD_OK;
}

int cmd_set(struct cmd_input *in, const char *key, const char *value, char *err, size_t errlen)
{
    int i = cmd_find(in, key);
    const struct cmd_param *p;
    struct cmd_value *v;
    char name[80];
    int st;

    if (i < 0)
        return unknown(in, key, err, errlen);
    p = in->param[i];
    v = &in->value[i];
    spell(p, in->surface, name, sizeof(name));
    if (!(p->surface & in->surface))
        return in->surface == CMD_API
                   ? cmd_usage(err, errlen, "parameter '%s' is not available in the API%s", key,
                               p->type == CMD_FILE ? " (it reads a file)" : "")
                   : unknown(in, key, err, errlen);
    /* the command line, like every getopt tool, keeps an option's last value (wrappers and
     * aliases rely on it); a query gives each parameter once, never silently the last */
    if (v->given && !(p->flags & (CMD_REPEAT | CMD_POSITIONAL)) && p->type != CMD_LOADS &&
        in->surface == CMD_API)
        return cmd_usage(err, errlen, "parameter '%s' is given twice (each parameter is given "
                         "once)", p->name);
    if (!value && p->type != CMD_FLAG)
        return cmd_usage(err, errlen, "%s '%s' needs a value",
                         in->surface == CMD_API ? "parameter" : "option", name);
    if (p->type == CMD_LOADS) {
        if (!v->given)
            in->nloads = 0; /* the first load given replaces the default ones */
        st = add_loads(in, p, value, err, errlen);
    } else {
        st = parse_typed(in, p, value ? value : "", v, err, errlen);
        if (!st && (p->flags & (CMD_REPEAT | CMD_POSITIONAL))) {
            size_t cap = p->max_values > 0 ? (size_t)p->max_values : 1;

            if (cmd_count(in, key) >= cap || in->nvalues == CMD_MAX_VALUES)
                return cmd_usage(err, errlen, p->flags & CMD_POSITIONAL
                                 ? "too many arguments ('%s'; %s takes at most %zu)"
                                 : "too many %s ('%s'; at most %zu)",
                                 p->flags & CMD_POSITIONAL ? value : name,
                                 p->flags & CMD_POSITIONAL ? in->def->name : value, cap);
            in->values[in->nvalues] = value;
            in->value_param[in->nvalues++] = (unsigned char)i;
        }
    }
    if (st)
        return st;
    v->given++;
    v->text = value ? value : "true";
    if (p->group)
        return cmd_shared_apply(in, p, v->text, err, errlen);
    return CMD_OK;
}

int cmd_finish(struct cmd_input *in, char *err, size_t errlen)
{
    size_t i;
    char name[80];

    for (i = 0; i < in->nparams; i++)
        if ((in->param[i]->flags & CMD_REQUIRED) && !in->value[i].given &&
            (in->param[i]->surface & in->surface))
        {
            char what[160];

            cmd_describe(in->param[i], in->surface, what, sizeof(what));
            return cmd_usage(err, errlen, "missing %s: %s (expected %s)",
                             in->param[i]->flags & CMD_POSITIONAL && in->surface == CMD_CLI
                                 ? in->param[i]->arg
                                 : spell(in->param[i], in->surface, name, sizeof(name)),
                             in->param[i]->help, what);
        }
    if (in->json && in->csv)
        return cmd_usage(err, errlen, "--json and --csv cannot be combined");
    return CMD_OK;
}

/* "-5", "-5k", "-.5", "-inf": a negative value typed where a value goes, not an option. */
static int negative_number(const char *a)
{
    const unsigned char *u = (const unsigned char *)a;

    return u[0] == '-' && (isdigit(u[1]) || (u[1] == '.' && isdigit(u[2])) ||
                           !strcasecmp(a, "-inf") || !strcasecmp(a, "-infinity") ||
                           !strcasecmp(a, "-nan"));
}

static const struct cmd_param *positional_param(const struct cmd_input *in)
{
    size_t i;

    for (i = 0; i < in->nparams; i++)
        if ((in->param[i]->flags & CMD_POSITIONAL) && (in->param[i]->surface & CMD_CLI))
            return in->param[i];
    return NULL;
}

int cmd_parse_argv(struct cmd_input *in, int argc, char **argv, char *err, size_t errlen)
{
    const struct cmd_param *pos = positional_param(in);
    int i, options = 1, st;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (options && !strcmp(a, "--")) {
            options = 0;
            continue;
        }
        if (options && (!strcmp(a, "--help") || !strcmp(a, "-h")))
            return CMD_HELP;
        if (options && a[0] == '-' && a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            char key[64];
            int k;

            if (n >= sizeof(key))
                n = sizeof(key) - 1;
            memcpy(key, a + 2, n);
            key[n] = '\0';
            k = cmd_find(in, key);
            if (k < 0 || (in->param[k]->flags & CMD_POSITIONAL))
                return unknown(in, key, err, errlen);
            if (in->param[k]->type == CMD_FLAG) {
                if (eq)
                    return cmd_usage(err, errlen, "option '--%s' takes no value (see 'scalelab "
                                     "%s --help')", key, in->def->name);
                st = cmd_set(in, key, NULL, err, errlen);
            } else if (eq) {
                st = cmd_set(in, key, eq + 1, err, errlen);
            } else if (i + 1 < argc) {
                st = cmd_set(in, key, argv[++i], err, errlen);
            } else {
                st = cmd_usage(err, errlen, "option '--%s' needs a value (see 'scalelab %s "
                               "--help')", key, in->def->name);
            }
            if (st)
                return st;
            continue;
        }
        if (options && a[0] == '-' && a[1] && !negative_number(a))
            return cmd_usage(err, errlen, "unknown option '%s' (see 'scalelab %s --help')", a,
                             in->def->name);
        if (!pos)
            return cmd_usage(err, errlen, "unexpected argument '%s' (%s takes only options; see "
                             "'scalelab %s --help')", a, in->def->name, in->def->name);
        st = cmd_set(in, pos->name, a, err, errlen);
        if (st)
            return st;
    }
    return cmd_finish(in, err, errlen);
}

void cmd_api_words(const struct cmd_input *in, const char *text, char *out, size_t len)
{
    size_t o = 0;

    while (*text && o + 1 < len) {
        if (text[0] == '-' && text[1] == '-') {
            char name[64];
            size_t n = 0;

            while (n + 1 < sizeof(name) && ((text[2 + n] >= 'a' && text[2 + n] <= 'z') ||
                                            (text[2 + n] >= '0' && text[2 + n] <= '9') ||
                                            text[2 + n] == '-'))
                n++;
            memcpy(name, text + 2, n);
            name[n] = '\0';
            while (n && name[n - 1] == '-') /* "--foo-" ends at the name */
                name[--n] = '\0';
            if (n && cmd_find(in, name) >= 0) {
                text += 2; /* the API spells it bare */
                continue;
            }
        }
        out[o++] = *text++;
    }
    out[o] = '\0';
}

/* Appends fmt's text to buf at *o; -1 once it does not fit. */
static int canon_put(char *buf, size_t len, size_t *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf + *o, len - *o, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= len - *o)
        return -1;
    *o += (size_t)n;
    return 0;
}

int cmd_canonical(const struct cmd_input *in, char *buf, size_t len)
{
    size_t i, k, o = 0;

    if (!len)
        return -1;
    buf[0] = '\0';
    for (i = 0; i < in->nparams; i++) {
        const struct cmd_param *p = in->param[i];
        const struct cmd_value *v = &in->value[i];
        int st = 0;

        if (!v->given)
            continue;
        st |= canon_put(buf, len, &o, "%s\x1e", p->name);
        if (p->type == CMD_LOADS) {
            for (k = 0; k < in->nloads; k++)
                st |= canon_put(buf, len, &o, "%s%.17g", k ? "," : "", in->loads[k]);
        } else if (p->flags & (CMD_REPEAT | CMD_POSITIONAL)) {
            for (k = 0; k < in->nvalues; k++)
                if (in->value_param[k] == i)
                    st |= canon_put(buf, len, &o, "%s\x1d", in->values[k]);
        } else if (p->type == CMD_NUMBER || p->type == CMD_LOAD || p->type == CMD_INTEGER)
            st |= canon_put(buf, len, &o, "%.17g", v->number);
        else if (p->type == CMD_ENUM)
            st |= canon_put(buf, len, &o, "%s", p->choices[v->choice]);
        else if (p->type == CMD_FLAG)
            st |= canon_put(buf, len, &o, "%d", v->choice);
        else
            st |= canon_put(buf, len, &o, "%s", v->text);
        st |= canon_put(buf, len, &o, "\x1f");
        if (st)
            return -1;
    }
    return (int)o;
}
