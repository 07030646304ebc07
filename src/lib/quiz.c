/* The quiz: strict parsing of the JSON question data, the embedded quiz, and its JSON encoder. */
/* SPDX-License-Identifier: MIT */
/*
 * Schema of a quiz document (data/quiz.json); every field is required unless marked optional,
 * no other fields are allowed, and no key may appear twice in one object:
 *
 *   {
 *     "title": "...",                 non-empty string
 *     "questions": [                  1 to SL_QUIZ_MAX_QUESTIONS objects
 *       {
 *         "id": "kebab-id",           lowercase letters, digits, single '-' between them;
 *                                     at most SL_QUIZ_ID_MAX bytes; unique in the quiz
 *         "question": "...",          non-empty string
 *         "choices": ["...", ...],    2 to 5 non-empty strings, no two equal
 *         "answer": 1,                integer, 0-based index into choices
 *         "explanation": "...",       non-empty string: why the answer is right
 *         "model": {                  optional: the live figure the explanation can cite
 *           "kind": "compare",        compare, curve, plan, queue or simulate (an API route)
 *           "load": "1m", ...         other members: that route's query parameters, spelled as
 *         }                           the CLI's flags; each value a non-empty string or a number
 *       }
 *     ]
 *   }
 *
 * Text outside the strings is plain JSON; jansson decodes it with JSON_REJECT_DUPLICATES.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "scalelab/quiz.h"
#include "assets_int.h"
#include "scalelab/json.h"
#include "banned.h"

/* Largest integer a double holds exactly: bigger model numbers are refused. */
#define EXACT_INT_MAX 9007199254740992.0

static const char *const model_kinds[] = { "compare", "curve", "plan", "queue", "simulate" };
#define MODEL_KINDS "compare, curve, plan, queue or simulate"

static const char *const top_fields[] = { "title", "questions", NULL };
static const char *const question_fields[] = {
    "id", "question", "choices", "answer", "explanation", "model", NULL
};

/* Where a message is going: the document's label and the caller's error buffer. */
struct ctx {
    const char *label;
    char *err;
    size_t errlen;
};

/* Formats "quiz 'LABEL': WHERE: MESSAGE" into err and returns SL_E_INVALID. */
static enum sl_status invalid(const struct ctx *c, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum sl_status invalid(const struct ctx *c, const char *where, const char *fmt, ...)
{
    char msg[SL_ERR_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (where && *where)
        snprintf(c->err, c->errlen, "quiz '%s': %s: %s", c->label, where, msg);
    else
        snprintf(c->err, c->errlen, "quiz '%s': %s", c->label, msg);
    return SL_E_INVALID;
}

/* What a JSON value is, for messages ("a string", "an integer"). */
static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a real number";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    default: return "null";
    }
}

/* Nonzero when s holds only blanks (spaces, tabs, line breaks) or nothing. */
static int blank(const char *s)
{
    return s[strspn(s, " \t\r\n")] == '\0';
}

/* Lowercase letters and digits in groups joined by single hyphens, at most max bytes. */
static int kebab(const char *s, size_t max)
{
    size_t i, n = strlen(s);

    if (n == 0 || n > max || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (i = 0; i < n; i++) {
        char ch = s[i];

        if (ch == '-' ? s[i + 1] == '-' : !((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
            return 0;
    }
    return 1;
}

/* Refuses any member of o whose key is not in allowed (NULL-terminated). */
static enum sl_status check_fields(const struct ctx *c, const char *where, json_t *o,
                                   const char *const *allowed, const char *expected)
{
    const char *key;
    json_t *v;

    json_object_foreach(o, key, v) {
        size_t i;

        for (i = 0; allowed[i]; i++)
            if (!strcmp(key, allowed[i]))
                break;
        if (!allowed[i])
            return invalid(c, where, "unknown field '%.60s' (expected %s)", key, expected);
    }
    return SL_OK;
}

/*
 * Copies the non-blank string o[key] into *out (caller-owned). A missing field, another type
 * or a blank string is SL_E_INVALID.
 */
static enum sl_status take_string(const struct ctx *c, const char *where, json_t *o,
                                  const char *key, char **out)
{
    json_t *v = json_object_get(o, key);

    if (!v)
        return invalid(c, where, "missing field '%s'", key);
    if (!json_is_string(v))
        return invalid(c, where, "field '%s' is %s (expected a string)", key, type_name(v));
    if (blank(json_string_value(v)))
        return invalid(c, where, "field '%s' is empty", key);
    *out = sl_strdup(json_string_value(v));
    return *out ? SL_OK : SL_E_NOMEM;
}

/* Reads the choices array of one question into q. */
static enum sl_status take_choices(const struct ctx *c, const char *where, json_t *o,
                                   struct sl_quiz_question *q)
{
    json_t *arr = json_object_get(o, "choices");
    size_t i, j, n;

    if (!arr)
        return invalid(c, where, "missing field 'choices'");
    if (!json_is_array(arr))
        return invalid(c, where, "field 'choices' is %s (expected an array of %d to %d strings)",
                       type_name(arr), SL_QUIZ_MIN_CHOICES, SL_QUIZ_MAX_CHOICES);
    n = json_array_size(arr);
    if (n < SL_QUIZ_MIN_CHOICES || n > SL_QUIZ_MAX_CHOICES)
        return invalid(c, where, "field 'choices' has %zu %s (expected %d to %d)", n,
                       n == 1 ? "entry" : "entries", SL_QUIZ_MIN_CHOICES, SL_QUIZ_MAX_CHOICES);
    q->choices = sl_calloc(n, sizeof(*q->choices));
    if (!q->choices)
        return SL_E_NOMEM;
    q->nchoices = n;
    for (i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);

        if (!json_is_string(v))
            return invalid(c, where, "choices[%zu] is %s (expected a string)", i, type_name(v));
        if (blank(json_string_value(v)))
            return invalid(c, where, "choices[%zu] is empty", i);
        for (j = 0; j < i; j++)
            if (!strcmp(q->choices[j], json_string_value(v)))
                return invalid(c, where, "choices[%zu] repeats choices[%zu]", i, j);
        q->choices[i] = sl_strdup(json_string_value(v));
        if (!q->choices[i])
            return SL_E_NOMEM;
    }
    return SL_OK;
}

/* Reads the answer index; choices must have been read. */
static enum sl_status take_answer(const struct ctx *c, const char *where, json_t *o,
                                  struct sl_quiz_question *q)
{
    json_t *v = json_object_get(o, "answer");
    json_int_t a;

    if (!v)
        return invalid(c, where, "missing field 'answer'");
    if (!json_is_integer(v))
        return invalid(c, where, "field 'answer' is %s (expected an integer from 0 to %zu, the "
                       "index of the right choice)", type_name(v), q->nchoices - 1);
    a = json_integer_value(v);
    if (a < 0 || (size_t)a >= q->nchoices)
        return invalid(c, where, "field 'answer' is %" JSON_INTEGER_FORMAT " (expected 0 to %zu, "
                       "the 0-based index of the right choice)", a, q->nchoices - 1);
    q->answer = (size_t)a;
    return SL_OK;
}

/* Copies one model parameter (a string or a number) into p. */
static enum sl_status take_param(const struct ctx *c, const char *where, const char *key,
                                 json_t *v, struct sl_quiz_param *p)
{
    if (!kebab(key, SL_QUIZ_ID_MAX))
        return invalid(c, where, "model parameter '%.60s' is not a flag name (expected lowercase "
                       "letters, digits and hyphens, such as 'load' or 'service-ms')", key);
    if (json_is_string(v)) {
        if (blank(json_string_value(v)))
            return invalid(c, where, "model parameter '%s' is empty", key);
    } else if (json_is_integer(v)) {
        double n = (double)json_integer_value(v);

        if (n > EXACT_INT_MAX || n < -EXACT_INT_MAX)
            return invalid(c, where, "model parameter '%s' is out of range (at most 2^53)", key);
        p->number = n;
        p->is_integer = 1;
    } else if (json_is_real(v)) {
        p->number = json_real_value(v);
    } else {
        return invalid(c, where, "model parameter '%s' is %s (expected a string or a number)",
                       key, type_name(v));
    }
    p->name = sl_strdup(key);
    if (!p->name)
        return SL_E_NOMEM;
    if (json_is_string(v)) {
        p->text = sl_strdup(json_string_value(v));
        if (!p->text)
            return SL_E_NOMEM;
    }
    return SL_OK;
}

/* Reads the optional model object of one question. */
static enum sl_status take_model(const struct ctx *c, const char *where, json_t *o,
                                 struct sl_quiz_question *q)
{
    json_t *m = json_object_get(o, "model"), *kind, *v;
    struct sl_quiz_model *model;
    const char *key;
    size_t i;
    enum sl_status st;

    if (!m)
        return SL_OK;
    if (!json_is_object(m))
        return invalid(c, where, "field 'model' is %s (expected an object with a 'kind')",
                       type_name(m));
    kind = json_object_get(m, "kind");
    if (!kind)
        return invalid(c, where, "model lacks field 'kind' (expected " MODEL_KINDS ")");
    if (!json_is_string(kind))
        return invalid(c, where, "model field 'kind' is %s (expected " MODEL_KINDS ")",
                       type_name(kind));
    for (i = 0; i < sizeof(model_kinds) / sizeof(model_kinds[0]); i++)
        if (!strcmp(json_string_value(kind), model_kinds[i]))
            break;
    if (i == sizeof(model_kinds) / sizeof(model_kinds[0]))
        return invalid(c, where, "unknown model kind '%.60s' (expected " MODEL_KINDS ")",
                       json_string_value(kind));
    model = sl_calloc(1, sizeof(*model));
    if (!model)
        return SL_E_NOMEM;
    q->model = model;
    model->kind = sl_strdup(json_string_value(kind));
    if (!model->kind)
        return SL_E_NOMEM;
    if (json_object_size(m) > 1) {
        model->params = sl_calloc(json_object_size(m) - 1, sizeof(*model->params));
        if (!model->params)
            return SL_E_NOMEM;
    }
    json_object_foreach(m, key, v) {
        if (!strcmp(key, "kind"))
            continue;
        /* counted before the copy so that sl_quiz_free sees a partly filled entry */
        model->nparams++;
        st = take_param(c, where, key, v, &model->params[model->nparams - 1]);
        if (st)
            return st;
    }
    return SL_OK;
}

/* Reads and checks questions[index]; earlier questions are complete (for the id check). */
static enum sl_status take_question(const struct ctx *c, struct sl_quiz *quiz, size_t index,
                                    json_t *o)
{
    struct sl_quiz_question *q = &quiz->questions[index];
    char where[SL_QUIZ_ID_MAX + 48];
    json_t *id;
    size_t j;
    enum sl_status st;

    if (!json_is_object(o))
        return invalid(c, NULL, "questions[%zu] is %s (expected an object)", index, type_name(o));
    snprintf(where, sizeof(where), "questions[%zu]", index);
    id = json_object_get(o, "id");
    if (!id)
        return invalid(c, where, "missing field 'id'");
    if (!json_is_string(id))
        return invalid(c, where, "field 'id' is %s (expected a string)", type_name(id));
    if (!kebab(json_string_value(id), SL_QUIZ_ID_MAX))
        return invalid(c, where, "field 'id' '%.60s' is not a kebab-case id (expected lowercase "
                       "letters and digits joined by single hyphens, at most %d bytes)",
                       json_string_value(id), SL_QUIZ_ID_MAX);
    for (j = 0; j < index; j++)
        if (!strcmp(quiz->questions[j].id, json_string_value(id)))
            return invalid(c, where, "duplicate id '%s' (questions[%zu] has it already)",
                           json_string_value(id), j);
    q->id = sl_strdup(json_string_value(id));
    if (!q->id)
        return SL_E_NOMEM;
    snprintf(where, sizeof(where), "questions[%zu] ('%s')", index, q->id);
    st = check_fields(c, where, o, question_fields,
                      "id, question, choices, answer, explanation and optionally model");
    if (!st)
        st = take_string(c, where, o, "question", &q->question);
    if (!st)
        st = take_choices(c, where, o, q);
    if (!st)
        st = take_answer(c, where, o, q);
    if (!st)
        st = take_string(c, where, o, "explanation", &q->explanation);
    if (!st)
        st = take_model(c, where, o, q);
    return st;
}

/* Checks the top-level object and reads every question. */
static enum sl_status take_quiz(const struct ctx *c, json_t *root, struct sl_quiz *quiz)
{
    json_t *arr;
    size_t i, n;
    enum sl_status st;

    if (!json_is_object(root))
        return invalid(c, NULL, "the document is %s (expected an object with 'title' and "
                       "'questions')", type_name(root));
    st = check_fields(c, NULL, root, top_fields, "title and questions");
    if (!st)
        st = take_string(c, NULL, root, "title", &quiz->title);
    if (st)
        return st;
    arr = json_object_get(root, "questions");
    if (!arr)
        return invalid(c, NULL, "missing field 'questions'");
    if (!json_is_array(arr))
        return invalid(c, NULL, "field 'questions' is %s (expected an array)", type_name(arr));
    n = json_array_size(arr);
    if (n == 0)
        return invalid(c, NULL, "field 'questions' is empty (expected at least one question)");
    if (n > SL_QUIZ_MAX_QUESTIONS)
        return invalid(c, NULL, "%zu questions (at most %d)", n, SL_QUIZ_MAX_QUESTIONS);
    quiz->questions = sl_calloc(n, sizeof(*quiz->questions));
    if (!quiz->questions)
        return SL_E_NOMEM;
    quiz->count = n;
    for (i = 0; i < n; i++) {
        st = take_question(c, quiz, i, json_array_get(arr, i));
        if (st)
            return st;
    }
    return SL_OK;
}

enum sl_status sl_quiz_parse(const char *text, size_t len, const char *label,
                             struct sl_quiz **out, char *err, size_t errlen)
{
    struct ctx c = { label, err, errlen };
    struct sl_quiz *quiz = NULL;
    json_t *root = NULL;
    json_error_t jerr;
    size_t i;
    enum sl_status st;

    *out = NULL;
    if (len > SL_QUIZ_TEXT_MAX) {
        snprintf(err, errlen, "quiz '%s': larger than %d bytes", label, SL_QUIZ_TEXT_MAX);
        return SL_E_TOO_LARGE;
    }
    i = 0;
    while (i < len && text[i] && strchr(" \t\r\n", text[i]))
        i++;
    if (i == len)
        return invalid(&c, NULL, "empty document (expected a JSON object with 'title' and "
                       "'questions')");
    memset(&jerr, 0, sizeof(jerr));
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        /* jansson leaves the text empty when its first allocation fails */
        if (json_error_code(&jerr) == json_error_out_of_memory || !jerr.text[0]) {
            st = SL_E_NOMEM;
            goto out;
        }
        snprintf(err, errlen, "quiz '%s' line %d column %d: %s (expected JSON)", label,
                 jerr.line, jerr.column, jerr.text);
        return SL_E_INVALID;
    }
    st = SL_E_NOMEM;
    quiz = sl_calloc(1, sizeof(*quiz));
    if (!quiz)
        goto out;
    st = take_quiz(&c, root, quiz);
    if (st)
        goto out;
    *out = quiz;
    quiz = NULL;
out:
    if (st == SL_E_NOMEM)
        snprintf(err, errlen, "quiz '%s': out of memory", label);
    json_decref(root);
    sl_quiz_free(quiz);
    return st;
}

const char *sl_quiz_builtin_text(size_t *len)
{
    if (len)
        *len = (size_t)(sl_asset_quiz_end - sl_asset_quiz);
    return sl_asset_quiz;
}

enum sl_status sl_quiz_builtin(struct sl_quiz **out, char *err, size_t errlen)
{
    size_t len;
    const char *text = sl_quiz_builtin_text(&len);

    return sl_quiz_parse(text, len, "builtin", out, err, errlen);
}

static void model_free(struct sl_quiz_model *m)
{
    size_t i;

    if (!m)
        return;
    for (i = 0; i < m->nparams; i++) {
        sl_free(m->params[i].name);
        sl_free(m->params[i].text);
    }
    sl_free(m->params);
    sl_free(m->kind);
    sl_free(m);
}

void sl_quiz_free(struct sl_quiz *q)
{
    size_t i, j;

    if (!q)
        return;
    for (i = 0; i < q->count; i++) {
        struct sl_quiz_question *qq = &q->questions[i];

        sl_free(qq->id);
        sl_free(qq->question);
        for (j = 0; j < qq->nchoices; j++)
            sl_free(qq->choices[j]);
        sl_free(qq->choices);
        sl_free(qq->explanation);
        model_free(qq->model);
    }
    sl_free(q->questions);
    sl_free(q->title);
    sl_free(q);
}

const struct sl_quiz_question *sl_quiz_find(const struct sl_quiz *q, const char *id)
{
    size_t i;

    for (i = 0; i < q->count; i++)
        if (!strcmp(q->questions[i].id, id))
            return &q->questions[i];
    return NULL;
}

/* Appends v to arr, taking v; nonzero if either is NULL or memory ran out. */
static int append(json_t *arr, json_t *v)
{
    if (!arr) {
        json_decref(v);
        return 1;
    }
    return json_array_append_new(arr, v) != 0;
}

static json_t *model_json(const struct sl_quiz_model *m)
{
    json_t *o = json_object();
    int bad = sl_json_put(o, "kind", json_string(m->kind));
    size_t i;

    for (i = 0; i < m->nparams; i++) {
        const struct sl_quiz_param *p = &m->params[i];
        json_t *v;

        if (p->text)
            v = json_string(p->text);
        else if (p->is_integer)
            v = json_integer((json_int_t)p->number);
        else
            v = json_real(p->number);
        bad |= sl_json_put(o, p->name, v);
    }
    return sl_json_done(o, bad);
}

static json_t *question_json(const struct sl_quiz_question *q)
{
    json_t *o = json_object(), *choices = json_array();
    int bad = 0;
    size_t i;

    bad |= sl_json_put(o, "id", json_string(q->id));
    bad |= sl_json_put(o, "question", json_string(q->question));
    for (i = 0; i < q->nchoices; i++)
        bad |= append(choices, json_string(q->choices[i]));
    bad |= sl_json_put(o, "choices", choices);
    bad |= sl_json_put(o, "answer", json_integer((json_int_t)q->answer));
    bad |= sl_json_put(o, "explanation", json_string(q->explanation));
    if (q->model)
        bad |= sl_json_put(o, "model", model_json(q->model));
    return sl_json_done(o, bad);
}

char *sl_quiz_json(const struct sl_quiz *q, char *err, size_t errlen)
{
    json_t *doc = json_object(), *questions = json_array();
    int bad = 0;
    size_t i;
    char *text;

    bad |= sl_json_put(doc, "title", json_string(q->title));
    for (i = 0; i < q->count; i++)
        bad |= append(questions, question_json(&q->questions[i]));
    bad |= sl_json_put(doc, "questions", questions);
    text = sl_json_dump(sl_json_done(doc, bad));
    if (!text)
        snprintf(err, errlen, "quiz: out of memory");
    return text;
}
