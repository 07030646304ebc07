/* Unit tests of the quiz: embedded data, strict validation, the encoder, allocation failures. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <string.h>

#include "sl_test.h"
#include "scalelab/scalelab.h"

static long jansson_allocs; /* allocations jansson has asked for */

static void *test_alloc(size_t n)
{
    jansson_allocs++;
    return sl_malloc(n);
}

/* A valid two-question document the rejection tests start from. */
#define Q1 "{\"id\": \"first\", \"question\": \"Up or out?\", \"choices\": [\"up\", \"out\"], " \
           "\"answer\": 1, \"explanation\": \"Out scales further.\"}"
#define Q2 "{\"id\": \"second\", \"question\": \"Which?\", \"choices\": [\"a\", \"b\", \"c\"], " \
           "\"answer\": 0, \"explanation\": \"Because.\", " \
           "\"model\": {\"kind\": \"compare\", \"load\": \"1m\", \"servers\": 4, \"u\": 0.5}}"
#define DOC(questions) "{\"title\": \"T\", \"questions\": [" questions "]}"

static enum sl_status parse(const char *text, struct sl_quiz **q, char *err)
{
    return sl_quiz_parse(text, strlen(text), "t", q, err, SL_ERR_LEN);
}

/* Fails unless text is refused as SL_E_INVALID with a message containing fragment. */
static void expect_invalid(const char *text, const char *fragment)
{
    struct sl_quiz *q = (struct sl_quiz *)&q;
    char err[SL_ERR_LEN] = "";
    enum sl_status st = parse(text, &q, err);

    if (st != SL_E_INVALID)
        fail_msg("status %d for %s", st, text);
    assert_null(q);
    if (!strstr(err, fragment))
        fail_msg("message '%s' lacks '%s'", err, fragment);
    if (strncmp(err, "quiz 't'", 8))
        fail_msg("message '%s' does not name the document", err);
}

static void quiz_builtin_parses(void **state)
{
    struct sl_quiz *q = NULL;
    char err[SL_ERR_LEN];
    size_t i, len;

    (void)state;
    assert_int_equal(sl_quiz_builtin(&q, err, sizeof(err)), SL_OK);
    assert_non_null(q);
    assert_true(q->count >= 10);
    assert_true(strlen(q->title) > 0);
    assert_non_null(sl_quiz_builtin_text(&len));
    assert_true(len > 100);
    for (i = 0; i < q->count; i++) {
        const struct sl_quiz_question *qq = &q->questions[i];

        assert_true(qq->nchoices >= SL_QUIZ_MIN_CHOICES && qq->nchoices <= SL_QUIZ_MAX_CHOICES);
        assert_true(qq->answer < qq->nchoices);
        assert_true(strlen(qq->explanation) > 20);
        assert_ptr_equal(sl_quiz_find(q, qq->id), qq);
        if (qq->model)
            assert_true(strlen(qq->model->kind) > 0);
    }
    assert_null(sl_quiz_find(q, "no-such-question"));
    sl_quiz_free(q);
    sl_quiz_free(NULL);
}

static void quiz_fields_and_model(void **state)
{
    struct sl_quiz *q = NULL;
    char err[SL_ERR_LEN];
    const struct sl_quiz_model *m;

    (void)state;
    assert_int_equal(parse(DOC(Q1 "," Q2), &q, err), SL_OK);
    assert_string_equal(q->title, "T");
    assert_int_equal(q->count, 2);
    assert_string_equal(q->questions[0].id, "first");
    assert_string_equal(q->questions[0].choices[1], "out");
    assert_int_equal(q->questions[0].answer, 1);
    assert_null(q->questions[0].model);
    m = q->questions[1].model;
    assert_non_null(m);
    assert_string_equal(m->kind, "compare");
    assert_int_equal(m->nparams, 3);
    assert_string_equal(m->params[0].name, "load");
    assert_string_equal(m->params[0].text, "1m");
    assert_string_equal(m->params[1].name, "servers");
    assert_null(m->params[1].text);
    assert_true(m->params[1].is_integer);
    assert_close(m->params[1].number, 4, 0);
    assert_false(m->params[2].is_integer);
    assert_close(m->params[2].number, 0.5, 0);
    sl_quiz_free(q);
}

static void quiz_rejects_bad_documents(void **state)
{
    (void)state;
    expect_invalid("", "empty document");
    expect_invalid(" \n\t ", "empty document");
    expect_invalid("not json", "line 1 column 3: '[' or '{' expected");
    expect_invalid("{\"title\": \"T\",", "line 1");
    expect_invalid("[1, 2]", "the document is an array");
    expect_invalid("{\"title\": \"T\", \"title\": \"U\", \"questions\": [" Q1 "]}",
                   "duplicate object key");
    expect_invalid("{\"title\": \"T\", \"questions\": [" Q1 "], \"extra\": 1}",
                   "unknown field 'extra'");
    expect_invalid("{\"questions\": [" Q1 "]}", "missing field 'title'");
    expect_invalid("{\"title\": 3, \"questions\": [" Q1 "]}",
                   "field 'title' is an integer (expected a string)");
    expect_invalid("{\"title\": \"T\"}", "missing field 'questions'");
    expect_invalid(DOC(""), "field 'questions' is empty");
    expect_invalid("{\"title\": \"T\", \"questions\": {}}", "field 'questions' is an object");
    expect_invalid(DOC("7"), "questions[0] is an integer (expected an object)");
    expect_invalid(DOC("{\"question\": \"q\"}"), "questions[0]: missing field 'id'");
    expect_invalid(DOC("{\"id\": 5}"), "questions[0]: field 'id' is an integer");
    expect_invalid(DOC("{\"id\": \"Bad Id\"}"), "field 'id' 'Bad Id' is not a kebab-case id");
    expect_invalid(DOC("{\"id\": \"a--b\"}"), "not a kebab-case id");
    expect_invalid(DOC("{\"id\": \"x\", \"choices\": [\"a\", \"b\"], \"answer\": 0, "
                       "\"explanation\": \"e\"}"), "questions[0] ('x'): missing field 'question'");
    expect_invalid(DOC("{\"id\": \"x\", \"question\": \"q\", \"answer\": 0, "
                       "\"explanation\": \"e\"}"), "questions[0] ('x'): missing field 'choices'");
    expect_invalid(DOC("{\"id\": \"x\", \"question\": \"q\", \"choices\": [\"a\", \"b\"], "
                       "\"explanation\": \"e\"}"), "questions[0] ('x'): missing field 'answer'");
    expect_invalid(DOC("{\"id\": \"x\", \"question\": \"q\", \"choices\": [\"a\", \"b\"], "
                       "\"answer\": 0}"), "questions[0] ('x'): missing field 'explanation'");
    expect_invalid(DOC(Q1 ", {\"id\": \"x\", \"question\": \"q\", \"choices\": [\"a\", \"b\"], "
                       "\"answer\": \"1\", \"explanation\": \"e\"}"),
                   "questions[1] ('x'): field 'answer' is a string (expected an integer");
    expect_invalid(DOC("{\"id\": \"x\", \"question\": \"q\", \"choices\": [\"a\", \"b\"], "
                       "\"answer\": 1.0, \"explanation\": \"e\"}"), "'answer' is a real number");
    expect_invalid(DOC("{\"id\": \"x\", \"question\": \"q\", \"choices\": [\"a\", \"b\"], "
                       "\"answer\": 2, \"explanation\": \"e\"}"),
                   "questions[0] ('x'): field 'answer' is 2 (expected 0 to 1");
    expect_invalid(DOC("{\"id\": \"x\", \"question\": \"q\", \"choices\": [\"a\", \"b\"], "
                       "\"answer\": -1, \"explanation\": \"e\"}"), "field 'answer' is -1");
    expect_invalid(DOC(Q1 "," Q1), "questions[1]: duplicate id 'first' (questions[0] has it");
    expect_invalid(DOC("{\"id\": \"x\", \"question\": \"q\", \"choices\": [\"a\"], "
                       "\"answer\": 0, \"explanation\": \"e\"}"),
                   "questions[0] ('x'): field 'choices' has 1 entry (expected 2 to 5)");
    expect_invalid(DOC("{\"id\": \"x\", \"question\": \"q\", \"choices\": [\"a\", \"b\", \"c\", "
                       "\"d\", \"e\", \"f\"], \"answer\": 0, \"explanation\": \"e\"}"),
                   "has 6 entries");
    expect_invalid(DOC("{\"id\": \"x\", \"question\": \"q\", \"choices\": \"a\", "
                       "\"answer\": 0, \"explanation\": \"e\"}"), "field 'choices' is a string");
    expect_invalid(DOC("{\"id\": \"x\", \"question\": \"q\", \"choices\": [\"a\", 2], "
                       "\"answer\": 0, \"explanation\": \"e\"}"), "choices[1] is an integer");
    expect_invalid(DOC("{\"id\": \"x\", \"question\": \"q\", \"choices\": [\"a\", \" \"], "
                       "\"answer\": 0, \"explanation\": \"e\"}"), "choices[1] is empty");
    expect_invalid(DOC("{\"id\": \"x\", \"question\": \"q\", \"choices\": [\"a\", \"a\"], "
                       "\"answer\": 0, \"explanation\": \"e\"}"), "choices[1] repeats choices[0]");
    expect_invalid(DOC("{\"id\": \"x\", \"question\": \"\", \"choices\": [\"a\", \"b\"], "
                       "\"answer\": 0, \"explanation\": \"e\"}"), "field 'question' is empty");
    expect_invalid(DOC("{\"id\": \"x\", \"question\": \"q\", \"choices\": [\"a\", \"b\"], "
                       "\"answer\": 0, \"explanation\": \"e\", \"hint\": \"h\"}"),
                   "questions[0] ('x'): unknown field 'hint'");
    expect_invalid(DOC("{\"id\": \"x\", \"id\": \"y\"}"), "duplicate object key");
}

static void quiz_rejects_bad_models(void **state)
{
#define QM(model) DOC("{\"id\": \"x\", \"question\": \"q\", \"choices\": [\"a\", \"b\"], " \
                      "\"answer\": 0, \"explanation\": \"e\", \"model\": " model "}")
    (void)state;
    expect_invalid(QM("\"compare\""), "field 'model' is a string (expected an object");
    expect_invalid(QM("{\"load\": \"1m\"}"), "model lacks field 'kind'");
    expect_invalid(QM("{\"kind\": 1}"), "model field 'kind' is an integer");
    expect_invalid(QM("{\"kind\": \"chart\"}"), "unknown model kind 'chart'");
    expect_invalid(QM("{\"kind\": \"queue\", \"servers\": true}"),
                   "model parameter 'servers' is true (expected a string or a number)");
    expect_invalid(QM("{\"kind\": \"queue\", \"Servers\": 1}"),
                   "model parameter 'Servers' is not a flag name");
    expect_invalid(QM("{\"kind\": \"queue\", \"servers\": \"\"}"),
                   "model parameter 'servers' is empty");
    expect_invalid(QM("{\"kind\": \"queue\", \"servers\": 99999999999999999}"), "out of range");
#undef QM
}

static void quiz_rejects_oversized_text(void **state)
{
    struct sl_quiz *q = NULL;
    char err[SL_ERR_LEN];

    (void)state;
    assert_int_equal(sl_quiz_parse("{}", SL_QUIZ_TEXT_MAX + 1, "big", &q, err, sizeof(err)),
                     SL_E_TOO_LARGE);
    assert_null(q);
    assert_non_null(strstr(err, "quiz 'big': larger than"));
    /* an embedded NUL is not JSON */
    assert_int_equal(sl_quiz_parse("{\0}", 3, "nul", &q, err, sizeof(err)), SL_E_INVALID);
}

/* The encoder reproduces the data file: same fields, same values, same order. */
static void quiz_json_round_trips(void **state)
{
    struct sl_quiz *q = NULL, *again = NULL;
    char err[SL_ERR_LEN];
    const char *text;
    size_t len;
    json_t *a, *b;
    json_error_t jerr;
    char *doc;

    (void)state;
    assert_int_equal(sl_quiz_builtin(&q, err, sizeof(err)), SL_OK);
    doc = sl_quiz_json(q, err, sizeof(err));
    assert_non_null(doc);
    text = sl_quiz_builtin_text(&len);
    a = json_loadb(text, len, 0, &jerr);
    b = json_loads(doc, 0, &jerr);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(json_equal(a, b));
    json_decref(a);
    json_decref(b);
    assert_int_equal(sl_quiz_parse(doc, strlen(doc), "again", &again, err, sizeof(err)), SL_OK);
    assert_int_equal(again->count, q->count);
    sl_free(doc);
    sl_quiz_free(again);
    sl_quiz_free(q);
}

/*
 * Every allocation in the parser may fail: never a crash or a leak. The first allocations are
 * jansson's decoder, which does not report all of its failures: its lexer drops a byte when its
 * buffer cannot grow (akheron/jansson issue #362) and turns a failed string copy into a syntax
 * error. There any status is accepted; after decoding, every failure must be SL_E_NOMEM with a
 * message, up to the first allocation the parser no longer reaches.
 */
static void quiz_parse_survives_allocation_failures(void **state)
{
    size_t len;
    const char *text = sl_quiz_builtin_text(&len);
    char err[SL_ERR_LEN];
    json_error_t jerr;
    json_t *root;
    long nth, decoder_allocs;
    int nomem = 0;

    (void)state;
    jansson_allocs = 0;
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    decoder_allocs = jansson_allocs;
    assert_non_null(root);
    json_decref(root);
    assert_true(decoder_allocs > 10);
    for (nth = 1; nth < 1000000; nth++) {
        struct sl_quiz *q = NULL;
        enum sl_status st;

        sl_alloc_fail_at(nth);
        st = sl_quiz_parse(text, len, "builtin", &q, err, sizeof(err));
        sl_alloc_fail_at(0);
        if (st == SL_OK) {
            assert_non_null(q);
            sl_quiz_free(q);
            if (nth > decoder_allocs)
                break;
            continue;
        }
        assert_null(q);
        if (st == SL_E_NOMEM)
            nomem++;
        if (nth <= decoder_allocs && st == SL_E_INVALID)
            continue;
        if (st != SL_E_NOMEM)
            fail_msg("allocation %ld: status %d, %s", nth, st, err);
        assert_non_null(strstr(err, "quiz 'builtin': out of memory"));
    }
    assert_true(nomem > 100);
}

/* Every allocation in the encoder may fail: NULL and a message, no leak. */
static void quiz_json_survives_allocation_failures(void **state)
{
    struct sl_quiz *q = NULL;
    char err[SL_ERR_LEN];
    long nth;
    int failures = 0;

    (void)state;
    assert_int_equal(sl_quiz_builtin(&q, err, sizeof(err)), SL_OK);
    for (nth = 1; nth < 100000; nth++) {
        char *doc;

        err[0] = '\0';
        sl_alloc_fail_at(nth);
        doc = sl_quiz_json(q, err, sizeof(err));
        sl_alloc_fail_at(0);
        if (doc) {
            sl_free(doc);
            break;
        }
        assert_non_null(strstr(err, "out of memory"));
        failures++;
    }
    assert_true(failures > 100);
    sl_quiz_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quiz_builtin_parses),
        cmocka_unit_test(quiz_fields_and_model),
        cmocka_unit_test(quiz_rejects_bad_documents),
        cmocka_unit_test(quiz_rejects_bad_models),
        cmocka_unit_test(quiz_rejects_oversized_text),
        cmocka_unit_test(quiz_json_round_trips),
        cmocka_unit_test(quiz_parse_survives_allocation_failures),
        cmocka_unit_test(quiz_json_survives_allocation_failures),
    };

    json_set_alloc_funcs(test_alloc, sl_free);
    return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
