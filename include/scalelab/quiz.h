/* The quiz on scaling up and out: questions parsed from JSON data, checked, and re-encoded. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_QUIZ_H
#define SL_QUIZ_H

#include <stddef.h>

#include "scalelab/status.h"

/*
 * A quiz is a title and a list of multiple-choice questions, stored as JSON in data/quiz.json
 * and embedded in the library (the document schema is described at the top of src/lib/quiz.c).
 * Each question has a unique kebab-case id, 2 to SL_QUIZ_MAX_CHOICES choices, the 0-based index
 * of the right one, an explanation and, optionally, a model: the live figure (an API route and
 * its query parameters) that the page and the CLI cite next to the explanation.
 *
 * Ownership: a struct sl_quiz owns every string and array reachable from it and is freed as a
 * whole with sl_quiz_free. Functions borrow their arguments and never keep them, and never
 * print. A parsed quiz is never modified, so several threads may read one quiz at once
 * (sl_quiz_find, sl_quiz_json).
 */

/* Fewest and most choices a question may have. */
#define SL_QUIZ_MIN_CHOICES 2
#define SL_QUIZ_MAX_CHOICES 5
/* Longest question id, in bytes. */
#define SL_QUIZ_ID_MAX 63
/* Largest quiz document accepted, in bytes. */
#define SL_QUIZ_TEXT_MAX (1024 * 1024)
/* Most questions in one quiz. */
#define SL_QUIZ_MAX_QUESTIONS 1000

/* One parameter of a model: a query parameter of its API route, a flag of its command. */
struct sl_quiz_param {
    char *name;      /* parameter name as the CLI spells it, e.g. "load" or "service-ms" */
    char *text;      /* the value when it is a string ("1m"), otherwise NULL */
    double number;   /* the value when text is NULL */
    int is_integer;  /* the number was written as a JSON integer (|n| <= 2^53) */
};

/* The live figure a question cites. */
struct sl_quiz_model {
    char *kind;                   /* "compare", "curve", "plan", "queue" or "simulate" */
    struct sl_quiz_param *params; /* in document order; "kind" itself is not among them */
    size_t nparams;
};

struct sl_quiz_question {
    char *id;                     /* unique, kebab-case: lowercase letters, digits, '-' */
    char *question;
    char **choices;               /* nchoices non-empty strings, no two equal */
    size_t nchoices;              /* SL_QUIZ_MIN_CHOICES to SL_QUIZ_MAX_CHOICES */
    size_t answer;                /* 0-based index of the right choice */
    char *explanation;
    struct sl_quiz_model *model;  /* NULL when the question cites no live figure */
};

struct sl_quiz {
    char *title;
    struct sl_quiz_question *questions; /* in document order */
    size_t count;                       /* at least 1 */
};

/*
 * Parses and validates a quiz document of len bytes (it need not be NUL-terminated). Every
 * field must be present and of the right type, unknown fields are refused, and keys may not
 * repeat. On success returns SL_OK and *out, owned by the caller (sl_quiz_free). Otherwise *out
 * is NULL and err holds a message that names `label`, the question (index and id) and the
 * field: SL_E_INVALID for a bad document, SL_E_TOO_LARGE beyond SL_QUIZ_TEXT_MAX bytes,
 * SL_E_NOMEM when memory ran out.
 */
SL_API enum sl_status sl_quiz_parse(const char *text, size_t len, const char *label,
                                    struct sl_quiz **out, char *err, size_t errlen);

/* Parses the embedded data/quiz.json as sl_quiz_parse does, with the label "builtin". */
SL_API enum sl_status sl_quiz_builtin(struct sl_quiz **out, char *err, size_t errlen);

/* The embedded quiz text and its length in bytes; borrowed forever. */
SL_API const char *sl_quiz_builtin_text(size_t *len);

/* Frees a quiz and everything it owns; NULL is fine. */
SL_API void sl_quiz_free(struct sl_quiz *q);

/* The question with this id, or NULL; borrowed from q. */
SL_API const struct sl_quiz_question *sl_quiz_find(const struct sl_quiz *q, const char *id);

/*
 * The JSON document of `scalelab quiz --json` and of GET /api/quiz (one encoder for both):
 * {"title", "questions": [{"id", "question", "choices", "answer", "explanation", "model"?}]},
 * the same fields and order as the data file, "model" only where the question has one. Returns
 * text owned by the caller (free with sl_free), or NULL with a message in err when memory ran
 * out.
 */
SL_API char *sl_quiz_json(const struct sl_quiz *q, char *err, size_t errlen);

#endif
