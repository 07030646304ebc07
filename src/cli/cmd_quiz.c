/* `scalelab quiz` in the terminal, one question at a time, then the score; or its JSON. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "banned.h"

/* Text is wrapped to this many columns. */
#define WRAP_WIDTH 78
/* Longest answer line read; the rest of a longer line is skipped and the line refused. */
#define LINE_MAX_BYTES 256

#define COLOR_RIGHT "\033[32m"
#define COLOR_WRONG "\033[31m"
#define COLOR_OFF "\033[0m"

/* How the quiz talks to the person at the other end. */
struct quiz_io {
    int color;            /* colour the right/wrong marks (stdout is a terminal, no NO_COLOR) */
    int prompt;           /* print prompts (stdin is a terminal) */
};

/* Colour only on a terminal, and never when NO_COLOR is set to anything (no-color.org). */
static void detect_io(struct quiz_io *io)
{
    const char *no_color = getenv("NO_COLOR");
    const char *term = getenv("TERM");

    io->color = isatty(STDOUT_FILENO) && !(no_color && *no_color) &&
                !(term && !strcmp(term, "dumb"));
    io->prompt = isatty(STDIN_FILENO);
}

/* Columns taken by n bytes of UTF-8 text (one per code point). */
static size_t text_width(const char *s, size_t n)
{
    size_t i, w = 0;

    for (i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            w++;
    return w;
}

/*
 * Prints lead, then text wrapped at word boundaries to WRAP_WIDTH columns; continuation lines
 * start with indent spaces.
 */
static void print_wrapped(const char *lead, const char *text, size_t indent)
{
    size_t col = strlen(lead);
    const char *p = text;
    int first = 1;

    fputs(lead, stdout);
    for (;;) {
        size_t n, w;

        p += strspn(p, " \t\r\n");
        if (!*p)
            break;
        n = strcspn(p, " \t\r\n");
        /* "80 %" stays on one line */
        while (p[n] == ' ' && p[n + 1] == '%')
            n += 2 + strcspn(p + n + 2, " \t\r\n");
        w = text_width(p, n);
        if (!first && col + 1 + w > WRAP_WIDTH) {
            printf("\n%*s", (int)indent, "");
            col = indent;
        } else if (!first) {
            putchar(' ');
            col++;
        }
        fwrite(p, 1, n, stdout);
        col += w;
        first = 0;
        p += n;
    }
    putchar('\n');
}

static void print_question(const struct sl_quiz_question *q, size_t number, size_t total)
{
    size_t i;

    printf("Question %zu of %zu\n", number, total);
    print_wrapped("", q->question, 0);
    for (i = 0; i < q->nchoices; i++) {
        char lead[32];

        snprintf(lead, sizeof(lead), "  %zu. ", i + 1);
        print_wrapped(lead, q->choices[i], strlen(lead));
    }
}

/* A model value as a shell word: quoted only when it holds something the shell would see. */
static void print_shell_word(const char *s)
{
    if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                        "._,:@+-/") == strlen(s)) {
        fputs(s, stdout);
        return;
    }
    putchar('\'');
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*s);
    }
    putchar('\'');
}

/* The command that shows the question's live figure, e.g. "scalelab compare 1m". */
static void print_model(const struct sl_quiz_model *m)
{
    size_t i;

    printf("  See it live: scalelab %s", m->kind);
    for (i = 0; i < m->nparams; i++) {
        const struct sl_quiz_param *p = &m->params[i];

        /* compare takes its loads as arguments, every other parameter is a flag */
        if (strcmp(m->kind, "compare") || strcmp(p->name, "load"))
            printf(" --%s", p->name);
        putchar(' ');
        if (p->text)
            print_shell_word(p->text);
        else
            printf("%.15g", p->number);
    }
    putchar('\n');
}

static void print_verdict(const struct sl_quiz_question *q, size_t choice,
                          const struct quiz_io *io)
{
    const char *on = io->color ? (choice == q->answer ? COLOR_RIGHT : COLOR_WRONG) : "";
    const char *off = io->color ? COLOR_OFF : "";

    if (choice == q->answer)
        printf("  %sRight.%s\n", on, off);
    else
        printf("  %sWrong:%s you chose %zu; the answer is %zu.\n", on, off, choice + 1,
               q->answer + 1);
    print_wrapped("  ", q->explanation, 2);
    if (q->model)
        print_model(q->model);
    putchar('\n');
}

/* Strips blanks at both ends of s in place; control bytes become '?' so echoes stay plain. */
static char *clean_line(char *s)
{
    size_t n;
    char *p;

    s += strspn(s, " \t\r\n");
    n = strlen(s);
    while (n && strchr(" \t\r\n", s[n - 1]))
        s[--n] = '\0';
    for (p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return s;
}

/* Reads one line of at most LINE_MAX_BYTES - 1 bytes; 0 at end of input. *too_long if cut. */
static int read_line(char *buf, size_t len, int *too_long)
{
    size_t n;

    *too_long = 0;
    if (!fgets(buf, (int)len, stdin))
        return 0;
    n = strlen(buf);
    if (n == len - 1 && buf[n - 1] != '\n') {
        int ch;

        *too_long = 1;
        do {
            ch = getchar();
        } while (ch != EOF && ch != '\n');
    }
    return 1;
}

/*
 * Asks for a choice until a valid one arrives. Returns 1 with *choice (0-based), or 0 when the
 * input ended or the person typed q.
 */
static int ask(const struct sl_quiz_question *q, const struct quiz_io *io, size_t *choice)
{
    char buf[LINE_MAX_BYTES];

    for (;;) {
        char *s, *end;
        long v;
        int too_long;

        if (io->prompt)
            printf("Your answer (1-%zu, q to stop): ", q->nchoices);
        fflush(stdout);
        if (!read_line(buf, sizeof(buf), &too_long)) {
            if (io->prompt)
                putchar('\n');
            return 0;
        }
        s = clean_line(buf);
        if (!strcmp(s, "q") || !strcmp(s, "quit"))
            return 0;
        v = strtol(s, &end, 10);
        if (!too_long && *s >= '0' && *s <= '9' && !*end && v >= 1 && (size_t)v <= q->nchoices) {
            *choice = (size_t)v - 1;
            return 1;
        }
        if (!*s)
            printf("  No answer given: type a number from 1 to %zu.\n", q->nchoices);
        else
            printf("  '%.40s%s' is not a choice: type a number from 1 to %zu.\n", s,
                   too_long || strlen(s) > 40 ? "..." : "", q->nchoices);
    }
}

/* Asks the selected questions (answers from the list, or stdin) and prints the score. */
static void run(const struct sl_quiz *quiz, const struct sl_quiz_question *const *sel, size_t n,
                const size_t *answers, size_t nanswers, const struct quiz_io *io)
{
    size_t i, asked = 0, right = 0;

    printf("%s (%zu question%s)\n", quiz->title, n, n == 1 ? "" : "s");
    if (io->prompt && !answers)
        printf("Type the number of your answer and press Enter.\n");
    putchar('\n');
    for (i = 0; i < n; i++) {
        size_t choice;

        if (answers && i == nanswers)
            break;
        print_question(sel[i], i + 1, n);
        if (answers)
            choice = answers[i];
        else if (!ask(sel[i], io, &choice))
            break;
        asked++;
        if (choice == sel[i]->answer)
            right++;
        print_verdict(sel[i], choice, io);
    }
    if (i < n && !answers)
        putchar('\n');
    printf("Score: %zu of %zu", right, asked);
    if (asked)
        printf(" (%zu%%)", (right * 100 + asked / 2) / asked);
    if (asked < n)
        printf(", stopped after %zu of %zu questions", asked, n);
    putchar('\n');
}

int cli_quiz(struct cmd_input *in)
{
    struct cmd_quiz_out out;
    struct quiz_io io;
    char err[8 * SL_ERR_LEN] = ""; /* an unknown --question lists every id */
    int st = cli_report(cmd_quiz_run(in, &out, err, sizeof(err)), err);

    if (st)
        ;
    else if (in->json)
        st = cli_print_json(sl_quiz_json(out.quiz, err, sizeof(err)), err);
    else {
        detect_io(&io);
        run(out.quiz, out.questions, out.nquestions, out.answers, out.nanswers, &io);
        st = fflush(stdout) ? cli_runtime_error("cannot write the quiz to stdout") : SL_EXIT_OK;
    }
    cmd_quiz_out_release(&out);
    return st;
}
