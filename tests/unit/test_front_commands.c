/* Unit tests of the command tables and their one parser (src/commands). */
/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <string.h>

#include "sl_test.h"
#include "commands/commands.h"

static struct cmd_input in;
static char err[SL_ERR_LEN];

static int parse(const struct cmd_def *def, int argc, const char **argv)
{
    err[0] = '\0';
    assert_int_equal(cmd_input_init(&in, def, CMD_CLI, err, sizeof(err)), CMD_OK);
    return cmd_parse_argv(&in, argc, (char **)argv, err, sizeof(err));
}

#define PARSE(def, ...)                                                                       \
    parse(def, (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)),         \
          (const char *[]){ __VA_ARGS__ })

static void expect_error(int st, const char *needle)
{
    assert_int_equal(st, CMD_USAGE);
    if (!strstr(err, needle))
        fail_msg("message '%s' does not say '%s'", err, needle);
}

/* Every table: names a user can type, each once, help for each, defaults its own range accepts. */
static void commands_tables_are_valid(void **state)
{
    size_t c, i, k;

    (void)state;
    for (c = 0; cmd_all[c]; c++) {
        const struct cmd_def *def = cmd_all[c];
        int positional = 0;

        assert_non_null(def->summary);
        assert_non_null(def->description);
        assert_true(!def->json || (def->api_path && !strncmp(def->api_path, "/api/", 5)));
        /* init parses every default with the parameter's own type and range */
        if (cmd_input_init(&in, def, CMD_CLI, err, sizeof(err)) != CMD_OK)
            fail_msg("%s: %s", def->name, err);
        if (cmd_input_init(&in, def, CMD_API, err, sizeof(err)) != CMD_OK)
            fail_msg("%s in the API: %s", def->name, err);
        for (i = 0; i < in.nparams; i++) {
            const struct cmd_param *p = in.param[i];
            const char *n;

            for (n = p->name; *n; n++)
                if (!(islower((unsigned char)*n) || isdigit((unsigned char)*n) || *n == '-'))
                    fail_msg("%s: parameter '%s' is not lowercase-dash", def->name, p->name);
            if (!p->help || !*p->help || (p->type != CMD_FLAG && !p->arg))
                fail_msg("%s: parameter '%s' lacks help or a placeholder", def->name, p->name);
            if (p->type == CMD_ENUM && !(p->choices && p->choices[0]))
                fail_msg("%s: enum '%s' has no choices", def->name, p->name);
            /* the completion script hands choices to compgen -W as plain words */
            for (k = 0; p->type == CMD_ENUM && p->choices[k]; k++)
                if (!*p->choices[k] || strspn(p->choices[k], "abcdefghijklmnopqrstuvwxyz"
                                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_:,") !=
                                           strlen(p->choices[k]))
                    fail_msg("%s: choice '%s' of '%s' is not a plain word", def->name,
                             p->choices[k], p->name);
            if (p->workload && !sl_workload_field(p->workload))
                fail_msg("%s: '%s' names no workload field", def->name, p->name);
            if (!p->surface)
                fail_msg("%s: '%s' is on no surface", def->name, p->name);
            positional += !!(p->flags & CMD_POSITIONAL);
        }
        assert_true(positional <= 1);
    }
}

static void commands_parse_forms(void **state)
{
    (void)state;
    assert_int_equal(PARSE(&cmd_def_queue, "queue", "--servers", "4", "--load=3.6",
                           "--service-ms", "1000", "--json"), CMD_OK);
    assert_int_equal(cmd_get(&in, "servers")->integer, 4);
    assert_close(cmd_get(&in, "load")->number, 3.6, 0);
    assert_close(cmd_get(&in, "service-ms")->number, 1000, 0);
    assert_int_equal(in.json, 1);
    assert_int_equal(cmd_given(&in, "utilization"), 0);
    assert_int_equal(PARSE(&cmd_def_queue, "queue", "--help"), CMD_HELP);
    assert_int_equal(PARSE(&cmd_def_queue, "queue", "--servers", "2", "-h"), CMD_HELP);
    /* a repeated parameter keeps every value in order */
    assert_int_equal(PARSE(&cmd_def_queue, "queue", "--station", "a:1:1", "--station=b:2:3",
                           "--load", "5"), CMD_OK);
    assert_int_equal(cmd_count(&in, "station"), 2);
    assert_string_equal(cmd_repeated(&in, "station", 0), "a:1:1");
    assert_string_equal(cmd_repeated(&in, "station", 1), "b:2:3");
    assert_null(cmd_repeated(&in, "station", 2));
    /* the workload's numbers land in the workload, at the library's ranges */
    assert_int_equal(PARSE(&cmd_def_queue, "queue", "--cpu-ms", "2.5"), CMD_OK);
    assert_close(in.w.cpu_ms, 2.5, 0);
}

static void commands_parse_errors(void **state)
{
    (void)state;
    expect_error(PARSE(&cmd_def_queue, "queue", "--servers", "0"),
                 "invalid --servers '0' (expected a whole number from 1 to 1000000)");
    expect_error(PARSE(&cmd_def_queue, "queue", "--servers", "-2"), "invalid --servers '-2'");
    expect_error(PARSE(&cmd_def_queue, "queue", "--servers", "2.5"), "invalid --servers '2.5'");
    expect_error(PARSE(&cmd_def_queue, "queue", "--servers"), "option '--servers' needs a value");
    expect_error(PARSE(&cmd_def_queue, "queue", "--json=1"), "option '--json' takes no value");
    expect_error(PARSE(&cmd_def_queue, "queue", "--serv", "3"),
                 "unknown option '--serv': did you mean '--servers'?");
    expect_error(PARSE(&cmd_def_queue, "queue", "--frob"), "unknown option '--frob' (see");
    expect_error(PARSE(&cmd_def_queue, "queue", "-x"), "unknown option '-x'");
    expect_error(PARSE(&cmd_def_queue, "queue", "extra"), "unexpected argument 'extra'");
    /* the command line keeps an option's last value, as getopt tools do */
    assert_int_equal(PARSE(&cmd_def_queue, "queue", "--servers", "2", "--servers", "3"), CMD_OK);
    assert_int_equal(cmd_get(&in, "servers")->integer, 3);
    expect_error(PARSE(&cmd_def_queue, "queue", "--json", "--csv"), "cannot be combined");
    /* the message repeats the value as typed, never a reparsed number */
    expect_error(PARSE(&cmd_def_queue, "queue", "--cpu-ms", "99999999999999999999"),
                 "invalid --cpu-ms '99999999999999999999' (expected a number above 0 and up to "
                 "1e6)");
    expect_error(PARSE(&cmd_def_queue, "queue", "--think", "-1"), "invalid --think '-1'");
    expect_error(PARSE(&cmd_def_queue, "queue", "--load", "12q"), "invalid --load '12q'");
}

/* One bad parse leaves nothing behind: the next parse sees only its own arguments. */
static void commands_parse_keeps_no_state(void **state)
{
    (void)state;
    expect_error(PARSE(&cmd_def_queue, "queue", "--load", "-5k"), "invalid --load '-5k'");
    expect_error(PARSE(&cmd_def_queue, "queue", "--station", "x", "--servers"), "needs a value");
    assert_int_equal(PARSE(&cmd_def_queue, "queue", "--servers", "4", "--load", "1k"), CMD_OK);
    assert_int_equal(cmd_count(&in, "station"), 0);
    assert_close(cmd_get(&in, "load")->number, 1000, 0);
}

static void commands_api_surface(void **state)
{
    (void)state;
    assert_int_equal(cmd_input_init(&in, &cmd_def_queue, CMD_API, err, sizeof(err)), CMD_OK);
    /* the API spells names bare, refuses the command line's own, and has tighter ranges */
    assert_int_equal(cmd_set(&in, "json", NULL, err, sizeof(err)), CMD_USAGE);
    assert_non_null(strstr(err, "parameter 'json' is not available in the API"));
    assert_int_equal(cmd_set(&in, "users", "200001", err, sizeof(err)), CMD_USAGE);
    assert_non_null(strstr(err, "invalid users '200001' (expected a whole number from 1 to "
                               "200000 in the API)"));
    assert_int_equal(cmd_set(&in, "users", "200000", err, sizeof(err)), CMD_OK);
    assert_int_equal(cmd_set(&in, "users", "5", err, sizeof(err)), CMD_USAGE);
    assert_non_null(strstr(err, "parameter 'users' is given twice"));
    assert_int_equal(cmd_set(&in, "servers", NULL, err, sizeof(err)), CMD_USAGE);
    assert_non_null(strstr(err, "parameter 'servers' needs a value"));
    assert_int_equal(cmd_set(&in, "Servers", "2", err, sizeof(err)), CMD_USAGE);
    assert_non_null(strstr(err, "unknown parameter 'Servers': did you mean 'servers'?"));
    assert_int_equal(cmd_set(&in, "station", "a:1:1", err, sizeof(err)), CMD_OK);
    assert_int_equal(cmd_set(&in, "station", "b:1:1", err, sizeof(err)), CMD_OK);
    assert_int_equal(cmd_count(&in, "station"), 2);
}

/* simulate: repeated events in order, text parameters parsed by the run, the API's bounds. */
static void commands_simulate(void **state)
{
    struct cmd_simulate_out *out = sl_malloc(sizeof(*out));

    (void)state;
    assert_non_null(out);
    assert_int_equal(PARSE(&cmd_def_simulate, "simulate", "--load", "1k", "--service-ms", "1",
                           "--fail", "1@1s-2s", "--fail=2@3s", "--add", "1@2s", "--no-progress"),
                     CMD_OK);
    assert_int_equal(cmd_count(&in, "fail"), 2);
    assert_string_equal(cmd_repeated(&in, "fail", 1), "2@3s");
    assert_int_equal(cmd_given(&in, "no-progress"), 1);
    /* a seed is any u64 as typed, and the message repeats one that is not */
    assert_int_equal(PARSE(&cmd_def_simulate, "simulate", "--load", "1k", "--service-ms", "1",
                           "--seed", "18446744073709551616"), CMD_OK);
    expect_error(cmd_simulate_run(&in, out, err, sizeof(err)),
                 "invalid --seed '18446744073709551616' (expected a whole number from 0 to "
                 "18446744073709551615)");
    assert_int_equal(PARSE(&cmd_def_simulate, "simulate", "--load", "1k", "--service-ms", "1",
                           "--seed", "18446744073709551615", "--requests", "200"), CMD_OK);
    assert_int_equal(cmd_simulate_run(&in, out, err, sizeof(err)), CMD_OK);
    assert_true(out->result.seed == UINT64_MAX);
    assert_true(out->result.offered == 200);
    sl_sim_result_release(&out->result);
    /* the bench's two models (bench/run, fewer requests) take their shortcuts; least does not */
    assert_int_equal(PARSE(&cmd_def_simulate, "simulate", "--servers", "4", "--cores", "1",
                           "--lb", "rr", "--load", "3600", "--service-ms", "1", "--requests",
                           "20000", "--seed", "1", "--threads", "1", "--no-progress", "--json"),
                     CMD_OK);
    assert_int_equal(cmd_simulate_run(&in, out, err, sizeof(err)), CMD_OK);
    assert_int_equal(out->result.engine, SL_SIM_ENGINE_FLEET);
    sl_sim_result_release(&out->result);
    assert_int_equal(PARSE(&cmd_def_simulate, "simulate", "--servers", "1", "--cores", "4",
                           "--load", "3600", "--service-ms", "1", "--requests", "20000",
                           "--seed", "1", "--threads", "1", "--no-progress", "--json"), CMD_OK);
    assert_int_equal(cmd_simulate_run(&in, out, err, sizeof(err)), CMD_OK);
    assert_int_equal(out->result.engine, SL_SIM_ENGINE_FCFS);
    sl_sim_result_release(&out->result);
    assert_int_equal(PARSE(&cmd_def_simulate, "simulate", "--servers", "4", "--lb", "least",
                           "--load", "3600", "--service-ms", "1", "--requests", "20000"), CMD_OK);
    assert_int_equal(cmd_simulate_run(&in, out, err, sizeof(err)), CMD_OK);
    assert_int_equal(out->result.engine, SL_SIM_ENGINE_EVENTS);
    sl_sim_result_release(&out->result);
    assert_int_equal(PARSE(&cmd_def_simulate, "simulate", "--load", "1k", "--service-ms", "1",
                           "--requests", "1.5"), CMD_OK);
    expect_error(cmd_simulate_run(&in, out, err, sizeof(err)), "invalid --requests '1.5'");
    assert_int_equal(PARSE(&cmd_def_simulate, "simulate", "--service-ms", "1"), CMD_OK);
    expect_error(cmd_simulate_run(&in, out, err, sizeof(err)), "missing --load");
    assert_int_equal(PARSE(&cmd_def_simulate, "simulate", "--load", "1k", "--service-ms", "1",
                           "--cores", "4", "--queue", "3"), CMD_OK);
    expect_error(cmd_simulate_run(&in, out, err, sizeof(err)),
                 "invalid --queue '3' (expected at least the 4 cores");
    /* the API: two threads at most, no progress flags, and work within the budget */
    assert_int_equal(cmd_input_init(&in, &cmd_def_simulate, CMD_API, err, sizeof(err)), CMD_OK);
    expect_error(cmd_set(&in, "threads", "3", err, sizeof(err)),
                 "invalid threads '3' (expected a whole number from 1 to 2 in the API)");
    expect_error(cmd_set(&in, "progress", NULL, err, sizeof(err)),
                 "parameter 'progress' is not available in the API");
    assert_int_equal(cmd_set(&in, "load", "1k", err, sizeof(err)), CMD_OK);
    assert_int_equal(cmd_set(&in, "service-ms", "1", err, sizeof(err)), CMD_OK);
    in.sim_budget = 1e5;
    expect_error(cmd_simulate_run(&in, out, err, sizeof(err)),
                 "simulation too large for the API");
    /* a run by duration alone: the 10,000 arrivals of 10 s fit the budget */
    assert_int_equal(cmd_set(&in, "duration", "10s", err, sizeof(err)), CMD_OK);
    if (cmd_simulate_run(&in, out, err, sizeof(err)) != CMD_OK)
        fail_msg("%s", err);
    assert_true(out->result.offered > 5000 && out->result.offered < 20000);
    sl_sim_result_release(&out->result);
    sl_free(out);
}

/* fit: one positional file (read by the command line), --points in both surfaces. */
static void commands_fit(void **state)
{
    static const char csv[] = "n,throughput\n1,100\n2,190\n4,340\n8,560\n";
    struct cmd_fit_out out;

    (void)state;
    assert_int_equal(PARSE(&cmd_def_fit, "fit", "-", "--predict", "8,16"), CMD_OK);
    assert_int_equal(cmd_count(&in, "file"), 1);
    assert_string_equal(cmd_repeated(&in, "file", 0), "-");
    in.input_text = csv;
    in.input_len = strlen(csv);
    in.input_label = "-";
    assert_int_equal(cmd_fit_run(&in, &out, err, sizeof(err)), CMD_OK);
    assert_int_equal(out.npredict, 2);
    assert_string_equal(out.label, "-");
    assert_int_equal(out.fit.n_points, 4);
    sl_usl_fit_release(&out.fit);
    expect_error(PARSE(&cmd_def_fit, "fit", "a.csv", "b.csv"),
                 "too many arguments ('b.csv'; fit takes at most 1)");
    assert_int_equal(PARSE(&cmd_def_fit, "fit", "a.csv", "--points", "1:1,2:2,3:3"), CMD_OK);
    expect_error(cmd_fit_run(&in, &out, err, sizeof(err)), "either in a file or with --points");
    assert_int_equal(PARSE(&cmd_def_fit, "fit"), CMD_OK);
    expect_error(cmd_fit_run(&in, &out, err, sizeof(err)), "missing measurements");
    assert_int_equal(PARSE(&cmd_def_fit, "fit", "--points", "1:1,2:2,3:3", "--predict", "x"),
                     CMD_OK);
    expect_error(cmd_fit_run(&in, &out, err, sizeof(err)), "invalid --predict 'x'");
    assert_int_equal(cmd_input_init(&in, &cmd_def_fit, CMD_API, err, sizeof(err)), CMD_OK);
    expect_error(cmd_set(&in, "svg", "x.svg", err, sizeof(err)),
                 "parameter 'svg' is not available in the API");
    expect_error(cmd_set(&in, "file", "x.csv", err, sizeof(err)), "(it reads a file)");
    expect_error(cmd_fit_run(&in, &out, err, sizeof(err)), "missing points");
    assert_int_equal(cmd_set(&in, "points", "1:100,2:190,4:340", err, sizeof(err)), CMD_OK);
    assert_int_equal(cmd_fit_run(&in, &out, err, sizeof(err)), CMD_OK);
    assert_string_equal(out.label, "--points");
    sl_usl_fit_release(&out.fit);
}

/* quiz: the questions to ask and the answers given, checked before anything is asked. */
static void commands_quiz(void **state)
{
    struct cmd_quiz_out out;

    (void)state;
    assert_int_equal(PARSE(&cmd_def_quiz, "quiz", "--question", "million-wall", "--answers",
                           "3"), CMD_OK);
    assert_int_equal(cmd_quiz_run(&in, &out, err, sizeof(err)), CMD_OK);
    assert_int_equal(out.nquestions, 1);
    assert_int_equal(out.nanswers, 1);
    assert_int_equal(out.answers[0], 2);
    cmd_quiz_out_release(&out);
    assert_int_equal(PARSE(&cmd_def_quiz, "quiz", "--json", "--question", "million-wall"),
                     CMD_OK);
    expect_error(cmd_quiz_run(&in, &out, err, sizeof(err)), "cannot be combined with --question");
    cmd_quiz_out_release(&out);
    assert_int_equal(PARSE(&cmd_def_quiz, "quiz", "--question", "nope"), CMD_OK);
    expect_error(cmd_quiz_run(&in, &out, err, sizeof(err)), "unknown question 'nope'");
    cmd_quiz_out_release(&out);
    assert_int_equal(PARSE(&cmd_def_quiz, "quiz", "--answers", "1,x"), CMD_OK);
    expect_error(cmd_quiz_run(&in, &out, err, sizeof(err)), "invalid --answers '1,x'");
    cmd_quiz_out_release(&out);
    assert_int_equal(cmd_input_init(&in, &cmd_def_quiz, CMD_API, err, sizeof(err)), CMD_OK);
    expect_error(cmd_set(&in, "question", "million-wall", err, sizeof(err)),
                 "parameter 'question' is not available in the API");
}

/* The API's messages spell its parameters bare, and leave every other "--" alone. */
static void commands_api_words(void **state)
{
    char out[160];

    (void)state;
    assert_int_equal(cmd_input_init(&in, &cmd_def_queue, CMD_API, err, sizeof(err)), CMD_OK);
    cmd_api_words(&in, "--station cannot be combined with --servers (see --frob, -- and --)",
                  out, sizeof(out));
    assert_string_equal(out, "station cannot be combined with servers (see --frob, -- and --)");
    cmd_api_words(&in, "missing --think: x", out, 12);
    assert_string_equal(out, "missing thi");
}

/* canonical QUERY...: the canonical form of one API request of def (keys and values alternate). */
static const char *canonical(const struct cmd_def *def, const char *const *kv, char *buf,
                             size_t len)
{
    size_t i;

    assert_int_equal(cmd_input_init(&in, def, CMD_API, err, sizeof(err)), CMD_OK);
    for (i = 0; kv[i]; i += 2)
        assert_int_equal(cmd_set(&in, kv[i], kv[i + 1], err, sizeof(err)), CMD_OK);
    assert_int_equal(cmd_finish(&in, err, sizeof(err)), CMD_OK);
    assert_true(cmd_canonical(&in, buf, len) >= 0);
    return buf;
}

/* One canonical form for one request however it is spelled; another for another request. */
static void commands_canonical(void **state)
{
    static const char *const a[] = { "load", "100k", "state", "store", NULL };
    static const char *const b[] = { "state", "store", "load", "1e5", NULL };
    static const char *const c[] = { "load", "100001", "state", "store", NULL };
    static const char *const d[] = { "load", "100k", NULL };
    static const char *const e[] = { "load", "100k", "state", "memory", NULL };
    static const char *const f[] = { "load", "1k,2k", NULL };
    static const char *const g[] = { "load", "1000", "load", "2e3", NULL };
    static const char *const h[] = { "load", "2k,1k", NULL };
    char x[512], y[512];

    (void)state;
    assert_string_equal(canonical(&cmd_def_plan, a, x, sizeof(x)),
                        canonical(&cmd_def_plan, b, y, sizeof(y)));
    assert_string_not_equal(x, canonical(&cmd_def_plan, c, y, sizeof(y)));
    assert_string_not_equal(x, canonical(&cmd_def_plan, d, y, sizeof(y)));
    /* a parameter given at its default is kept: a command may treat it as given */
    assert_string_not_equal(canonical(&cmd_def_plan, d, x, sizeof(x)),
                            canonical(&cmd_def_plan, e, y, sizeof(y)));
    assert_string_equal(canonical(&cmd_def_compare, f, x, sizeof(x)),
                        canonical(&cmd_def_compare, g, y, sizeof(y)));
    assert_string_not_equal(x, canonical(&cmd_def_compare, h, y, sizeof(y)));
    assert_int_equal(cmd_canonical(&in, x, 4), -1); /* does not fit */
}

/* Help texts come from the table: ranges, defaults and choices as a user reads them. */
static void commands_describe(void **state)
{
    char buf[160];
    const struct cmd_param *p;

    (void)state;
    assert_int_equal(cmd_input_init(&in, &cmd_def_queue, CMD_CLI, err, sizeof(err)), CMD_OK);
    p = in.param[cmd_find(&in, "cpu-ms")];
    cmd_describe(p, CMD_CLI, buf, sizeof(buf));
    assert_string_equal(buf, "a number above 0 and up to 1e6");
    assert_string_equal(cmd_default_text(p, buf, sizeof(buf)), "1");
    p = in.param[cmd_find(&in, "queue")];
    cmd_describe(p, CMD_API, buf, sizeof(buf));
    assert_string_equal(buf, "a whole number from 1 to 200000 in the API");
    assert_int_equal(cmd_input_init(&in, &cmd_def_simulate, CMD_CLI, err, sizeof(err)), CMD_OK);
    assert_string_equal(cmd_default_text(in.param[cmd_find(&in, "servers")], buf, sizeof(buf)),
                        "4");
    assert_string_equal(cmd_default_text(in.param[cmd_find(&in, "boot")], buf, sizeof(buf)),
                        "30s");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(commands_tables_are_valid),
        cmocka_unit_test(commands_parse_forms),
        cmocka_unit_test(commands_parse_errors),
        cmocka_unit_test(commands_parse_keeps_no_state),
        cmocka_unit_test(commands_api_surface),
        cmocka_unit_test(commands_api_words),
        cmocka_unit_test(commands_canonical),
        cmocka_unit_test(commands_simulate),
        cmocka_unit_test(commands_fit),
        cmocka_unit_test(commands_quiz),
        cmocka_unit_test(commands_describe),
    };

    return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
