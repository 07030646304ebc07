/* `quiz`: the embedded scaling quiz, the questions to ask and the answers given in advance. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "banned.h"

static const struct cmd_param params[] = {
    { .name = "question", .type = CMD_TEXT, .arg = "ID",
      .help = "ask only the question with this id", .accepts = "a question id such as "
      "million-wall", .surface = CMD_CLI },
    { .name = "answers", .type = CMD_TEXT, .arg = "N,N,...",
      .help = "answer from this list (choice numbers in question order) instead of stdin",
      .accepts = "choice numbers separated by commas, such as 1,3,2", .surface = CMD_CLI },
    { .name = NULL }
};

/*
 * Turns --answers "1,3,2" into 0-based choices of the questions asked; CMD_USAGE when an entry
 * is not a number, not a choice, or one too many.
 */
static int parse_answers(const char *list, struct cmd_quiz_out *out, char *err, size_t errlen)
{
    const struct sl_quiz_question *const *sel = out->questions;
    size_t n = out->nquestions;
    const char *p = list;

    out->nanswers = 0;
    for (;;) {
        size_t len = strcspn(p, ","), k = out->nanswers;
        char *end;
        long v;

        if (k == n)
            return cmd_usage(err, errlen, "invalid --answers '%s' (more answers than the %zu "
                             "question%s)", list, n, n == 1 ? "" : "s");
        v = strtol(p, &end, 10);
        if (len == 0 || *p < '0' || *p > '9' || end != p + len)
            return cmd_usage(err, errlen, "invalid --answers '%s' (expected choice numbers "
                             "separated by commas, such as 1,3,2)", list);
        if (v < 1 || (size_t)v > sel[k]->nchoices)
            return cmd_usage(err, errlen, "invalid --answers '%s' (answer %zu is %ld, but "
                             "question '%s' has choices 1 to %zu)", list, k + 1, v, sel[k]->id,
                             sel[k]->nchoices);
        out->answers[out->nanswers++] = (size_t)v - 1;
        if (!p[len])
            return CMD_OK;
        p += len + 1;
    }
}

/* Refuses an unknown --question, listing the ids there are. */
static int unknown_question(const struct sl_quiz *quiz, const char *id, char *err,
                            size_t errlen)
{
    char ids[1024];
    size_t i, used = 0;

    ids[0] = '\0';
    for (i = 0; i < quiz->count && used < sizeof(ids); i++)
        used += (size_t)snprintf(ids + used, sizeof(ids) - used, "%s%s", i ? ", " : "",
                                 quiz->questions[i].id);
    return cmd_usage(err, errlen, "unknown question '%s' (expected one of: %s)", id, ids);
}

int cmd_quiz_run(const struct cmd_input *in, struct cmd_quiz_out *out, char *err,
                 size_t errlen)
{
    const char *question = cmd_given(in, "question") ? cmd_get(in, "question")->text : NULL;
    const char *answers = cmd_given(in, "answers") ? cmd_get(in, "answers")->text : NULL;
    enum sl_status s;
    size_t i;

    memset(out, 0, sizeof(*out));
    if (in->json && (question || answers))
        return cmd_usage(err, errlen, "--json prints the whole quiz and cannot be combined "
                         "with %s", question ? "--question" : "--answers");
    s = sl_quiz_builtin(&out->quiz, err, errlen);
    if (s != SL_OK)
        return CMD_FAILURE;
    out->questions = sl_calloc(out->quiz->count, sizeof(*out->questions));
    if (!out->questions)
        return cmd_failure(err, errlen, "out of memory");
    for (i = 0; i < out->quiz->count; i++)
        if (!question || !strcmp(out->quiz->questions[i].id, question))
            out->questions[out->nquestions++] = &out->quiz->questions[i];
    if (out->nquestions == 0)
        return unknown_question(out->quiz, question, err, errlen);
    if (!answers)
        return CMD_OK;
    out->answers = sl_calloc(out->nquestions, sizeof(*out->answers));
    if (!out->answers)
        return cmd_failure(err, errlen, "out of memory");
    return parse_answers(answers, out, err, errlen);
}

void cmd_quiz_out_release(struct cmd_quiz_out *out)
{
    sl_free(out->answers);
    sl_free(out->questions);
    sl_quiz_free(out->quiz);
    memset(out, 0, sizeof(*out));
}

static int quiz_json(const struct cmd_input *in, char **doc, char *err, size_t errlen)
{
    struct cmd_quiz_out out;
    int st = cmd_quiz_run(in, &out, err, errlen);

    *doc = NULL;
    if (!st) {
        *doc = sl_quiz_json(out.quiz, err, errlen);
        st = *doc ? CMD_OK : CMD_FAILURE;
    }
    cmd_quiz_out_release(&out);
    return st;
}

const struct cmd_def cmd_def_quiz = {
    .name = "quiz",
    .summary = "the scaling quiz in the terminal: choices, explanations, score",
    .synopsis = "[--question ID] [--answers N,N,...] [--json]",
    .description = "The scaling quiz: type the number of an answer and press Enter; each answer "
                   "is explained at once, the score comes at the end (end of input stops "
                   "early).",
    .params = params,
    .shared = CMD_SHARED_JSON,
    .json = quiz_json,
    .api_path = "/api/quiz",
};
