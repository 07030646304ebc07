/* Unit tests of queueing networks against reference/queueing.md and a brute-force Markov chain. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <string.h>

#include "sl_test.h"
#include "scalelab/alloc.h"
#include "scalelab/network.h"
#include "scalelab/queueing.h"

/* A printed reference value, to 1e-6 relative or half a unit of its last digit. */
#define assert_ref(actual, expected, unit)                                                  \
    assert_close((actual), (expected), fmax(1e-6, 0.5 * (unit) / fabs((double)(expected))))

#define EXACT 1e-9

static void station(const char *spec, struct sl_station *st)
{
    char err[SL_ERR_LEN] = "";

    if (sl_station_parse(spec, st, err, sizeof(err)) != SL_OK)
        fail_msg("station '%s' rejected: %s", spec, err);
}

static void solve_closed(const struct sl_station *st, size_t n, long users, double think_s,
                         struct sl_network_result *r)
{
    char err[SL_ERR_LEN] = "";

    if (sl_network_closed(st, n, users, think_s, r, err, sizeof(err)) != SL_OK)
        fail_msg("closed network of %ld users rejected: %s", users, err);
}

static void solve_open(const struct sl_station *st, size_t n, double load,
                       struct sl_network_result *r)
{
    char err[SL_ERR_LEN] = "";

    if (sl_network_open(st, n, load, r, err, sizeof(err)) != SL_OK)
        fail_msg("open network at %g req/s rejected: %s", load, err);
}

/* reference section 2: exact MVA, Z = 1, D = (0.001, 0.005, 0.008) */
static void network_mva_reference(void **state)
{
    static const struct { long n; double x, unit; } cases[] = {
        { 1, 0.986193, 1e-6 }, { 10, 9.853719, 1e-6 }, { 100, 96.007680, 1e-6 },
        { 1000, 125.0, 1e-1 },
    };
    struct sl_station st[3];
    size_t i;

    (void)state;
    station("a:1:1", &st[0]);
    station("b:1:5", &st[1]);
    station("c:1:8", &st[2]);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sl_network_result r;
        double q = 0.0;
        size_t k;

        solve_closed(st, 3, cases[i].n, 1.0, &r);
        assert_ref(r.throughput_rps, cases[i].x, cases[i].unit);
        /* Little: N = X (R + Z), and the requests at the stations add up to X R */
        assert_close((double)cases[i].n, r.throughput_rps * (r.response_s + 1.0), EXACT);
        for (k = 0; k < 3; k++)
            q += r.st[k].mean_in_station;
        assert_close(q, r.throughput_rps * r.response_s, EXACT);
        assert_string_equal(st[r.bottleneck].name, "c");
        /* Denning-Buzen: X <= min(1 / Dmax, N / (D + Z)), R >= max(D, N Dmax - Z) */
        assert_true(r.throughput_rps <= r.max_throughput_rps * (1 + 1e-9));
        assert_true(r.response_s >= r.min_response_s * (1 - 1e-9));
        assert_close(r.max_throughput_rps, fmin(125.0, (double)cases[i].n / 1.014), EXACT);
        assert_close(r.min_response_s, fmax(0.014, (double)cases[i].n * 0.008 - 1.0), EXACT);
    }
}

/* reference sections 2 and 5: one multi-server station and think time (machine repairman) */
static void network_machine_repairman_reference(void **state)
{
    static const struct { long n; const char *spec; double z, x, xunit, r, runit; } cases[] = {
        { 400, "m:300:444", 0.2, 621.100505, 1e-6, NAN, 0 },
        { 400, "m:300:444", 1.0, 277.008310, 1e-6, NAN, 0 },
        { 50, "m:8:50", 0.5, 90.740144, 1e-6, NAN, 0 },
        { 400, "m:300:444", 0.0, 675.6757, 1e-4, NAN, 0 },
        /* the cases where PDQ 7.0.1's load-dependent recursion fails */
        { 40, "m:32:444", 0.2, 61.996, 1e-3, 0.4452, 1e-4 },
        { 60, "m:48:444", 0.2, 93.109, 1e-3, 0.4444, 1e-4 },
        { 100, "m:80:444", 0.2, 155.265, 1e-3, NAN, 0 },
        { 400, "m:300:444", 0.2, 621.10, 1e-2, 0.44402, 1e-5 },
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sl_station st;
        struct sl_network_result r;

        station(cases[i].spec, &st);
        solve_closed(&st, 1, cases[i].n, cases[i].z, &r);
        assert_ref(r.throughput_rps, cases[i].x, cases[i].xunit);
        if (!isnan(cases[i].r))
            assert_ref(r.response_s, cases[i].r, cases[i].runit);
    }
}

/*
 * The brute-force check: the Markov chain of think -> lb -> app -> db, after which a request
 * returns to app with probability 1/2 or its user thinks again (visits 1, 2, 2), solved from its
 * global balance equations by Gaussian elimination. No product form is assumed.
 */
#define CHAIN_USERS 7
#define CHAIN_MAX_STATES 120 /* (N + 3) choose 3 at N = 7 */

struct chain {
    int users, n;
    int idx[CHAIN_USERS + 1][CHAIN_USERS + 1][CHAIN_USERS + 1]; /* lb, app, db -> state */
    int at[CHAIN_MAX_STATES][4];                                 /* think, lb, app, db */
    double q[CHAIN_MAX_STATES][CHAIN_MAX_STATES + 1];            /* balance equations | rhs */
};

static const double chain_service[3] = { 0.020, 0.090, 0.050 };
static const int chain_servers[3] = { 1, 3, 2 };

static void chain_move(struct chain *c, int from, double rate, int leave, int enter)
{
    int to[4], s;

    memcpy(to, c->at[from], sizeof(to));
    to[leave]--;
    to[enter]++;
    s = c->idx[to[1]][to[2]][to[3]];
    assert_true(s >= 0);
    /* flow balance of state j: sum_i pi_i q_ij = pi_j sum_k q_jk; row j holds column i */
    c->q[s][from] += rate;
    c->q[from][from] -= rate;
}

/* pi of the chain with `users` users and think time z (z = 0: db returns straight to lb). */
static void chain_solve(struct chain *c, int users, double z, double *pi)
{
    int a, b, d, i, j, k;

    memset(c, 0, sizeof(*c));
    memset(c->idx, -1, sizeof(c->idx));
    c->users = users;
    for (a = 0; a <= users; a++)
        for (b = 0; a + b <= users; b++)
            for (d = 0; a + b + d <= users; d++) {
                int think = users - a - b - d;

                if (z == 0.0 && think > 0)
                    continue;
                c->idx[a][b][d] = c->n;
                c->at[c->n][0] = think;
                c->at[c->n][1] = a;
                c->at[c->n][2] = b;
                c->at[c->n][3] = d;
                c->n++;
            }
    for (i = 0; i < c->n; i++) {
        const int *s = c->at[i];
        double busy;

        if (s[0] > 0)
            chain_move(c, i, s[0] / z, 0, 1);
        if (s[1] > 0)
            chain_move(c, i, 1.0 / chain_service[0], 1, 2);
        if (s[2] > 0) {
            busy = s[2] < chain_servers[1] ? s[2] : chain_servers[1];
            chain_move(c, i, busy / chain_service[1], 2, 3);
        }
        if (s[3] > 0) {
            busy = s[3] < chain_servers[2] ? s[3] : chain_servers[2];
            chain_move(c, i, 0.5 * busy / chain_service[2], 3, 2);
            chain_move(c, i, 0.5 * busy / chain_service[2], 3, z == 0.0 ? 1 : 0);
        }
    }
    /* one equation is redundant: replace it by sum pi = 1 */
    for (j = 0; j < c->n; j++)
        c->q[c->n - 1][j] = 1.0;
    c->q[c->n - 1][c->n] = 1.0;
    for (k = 0; k < c->n; k++) {
        int p = k;
        double f;

        for (i = k + 1; i < c->n; i++)
            if (fabs(c->q[i][k]) > fabs(c->q[p][k]))
                p = i;
        for (j = 0; j <= c->n; j++) {
            f = c->q[k][j];
            c->q[k][j] = c->q[p][j];
            c->q[p][j] = f;
        }
        for (i = 0; i < c->n; i++) {
            if (i == k || c->q[i][k] == 0.0)
                continue;
            f = c->q[i][k] / c->q[k][k];
            for (j = k; j <= c->n; j++)
                c->q[i][j] -= f * c->q[k][j];
        }
    }
    for (i = 0; i < c->n; i++)
        pi[i] = c->q[i][c->n] / c->q[i][i];
}

static void network_closed_matches_markov_chain(void **state)
{
    static const double thinks[] = { 0.3, 0.0 };
    static struct chain c;
    struct sl_station st[3];
    double pi[CHAIN_MAX_STATES];
    size_t t;
    int users;

    (void)state;
    station("lb:1:20", &st[0]);
    station("app:3:90:2", &st[1]);
    station("db:2:50:2", &st[2]);
    for (t = 0; t < 2; t++)
        for (users = 1; users <= CHAIN_USERS; users++) {
            struct sl_network_result r;
            double x = 0.0, q[4] = { 0 };
            int i, k;

            chain_solve(&c, users, thinks[t], pi);
            for (i = 0; i < c.n; i++) {
                /* X counts the requests that leave lb: one per request */
                x += pi[i] * (c.at[i][1] > 0 ? 1.0 / chain_service[0] : 0.0);
                for (k = 0; k < 4; k++)
                    q[k] += pi[i] * c.at[i][k];
            }
            solve_closed(st, 3, users, thinks[t], &r);
            assert_close(r.throughput_rps, x, 1e-9);
            for (k = 0; k < 3; k++)
                assert_close(r.st[k].mean_in_station, q[k + 1], 1e-9);
            assert_close(r.st[1].throughput_rps, 2.0 * x, 1e-9);
            assert_close(r.st[2].utilization, 2.0 * x * 0.050 / 2.0, 1e-9);
        }
}

/* the convolution and sl_queue_closed's birth-death chain are independent algorithms */
static void network_one_station_equals_queue_closed(void **state)
{
    static const struct { const char *spec; long c, users; double s, z; } cases[] = {
        { "m:8:50", 8, 2000, 0.05, 0.5 }, { "m:1:10", 1, 5000, 0.01, 2.0 },
        { "m:64:30", 64, 3000, 0.03, 0.0 }, { "m:5000:100", 5000, 4000, 0.1, 1.0 },
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sl_station st;
        struct sl_network_result r;
        struct sl_queue_result q;
        char err[SL_ERR_LEN];

        station(cases[i].spec, &st);
        solve_closed(&st, 1, cases[i].users, cases[i].z, &r);
        assert_int_equal(sl_queue_closed(cases[i].c, cases[i].users, cases[i].s, cases[i].z, &q,
                                         err, sizeof(err)), SL_OK);
        assert_close(r.throughput_rps, q.throughput_rps, 1e-9);
        assert_close(r.response_s, q.mean_response_s, 1e-9);
        assert_close(r.st[0].mean_in_station, q.mean_in_system, 1e-9);
    }
}

/* a station with at least as many servers as users never queues: a visit takes its service */
static void network_enough_servers_never_queue(void **state)
{
    struct sl_station st[2];
    struct sl_network_result r;

    (void)state;
    station("delay:50:500", &st[0]);
    station("disk:1:100", &st[1]);
    solve_closed(st, 2, 1, 0.4, &r);
    assert_close(r.throughput_rps, 1.0, EXACT);
    assert_close(r.response_s, 0.6, EXACT);
    solve_closed(st, 2, 50, 0.4, &r);
    assert_close(r.st[0].response_s, 0.5, EXACT);
    assert_true(r.throughput_rps <= 10.0 * (1 + 1e-12));
    assert_string_equal(st[r.bottleneck].name, "disk");
}

static void network_open_reference(void **state)
{
    struct sl_station st[3];
    struct sl_network_result r;

    (void)state;
    station("web:8:50", &st[0]);  /* M/M/8, lambda 100, S 0.05: W = 0.0527878 */
    station("x:4:1000:2", &st[1]); /* 2 visits at 1.8 req/s: M/M/4, lambda 3.6: Wq 1.969383 */
    solve_open(&st[0], 1, 100.0, &r);
    assert_int_equal(r.stable, 1);
    assert_ref(r.st[0].response_s, 0.0527878, 1e-7);
    assert_ref(r.response_s, 0.0527878, 1e-7);
    solve_open(&st[1], 1, 1.8, &r);
    assert_close(r.st[0].throughput_rps, 3.6, EXACT);
    assert_close(r.st[0].utilization, 0.9, EXACT);
    assert_ref(r.st[0].response_s, 2.969383, 1e-6);
    assert_ref(r.st[0].residence_s, 2.0 * 2.969383, 2e-6);
    /* Little at the station: L = lambda W */
    assert_close(r.st[0].mean_in_station, 3.6 * r.st[0].response_s, EXACT);
    assert_close(r.min_response_s, 2.0, EXACT);
    assert_close(r.max_throughput_rps, 2.0, EXACT);

    /* a network's response is the sum of its stations' residences */
    station("lb:1:1", &st[0]);
    solve_open(st, 2, 1.8, &r);
    assert_close(r.response_s, r.st[0].residence_s + r.st[1].residence_s, EXACT);
    assert_string_equal(st[r.bottleneck].name, "x");
}

static void network_open_unstable(void **state)
{
    struct sl_station st[2];
    struct sl_network_result r;

    (void)state;
    station("app:8:4", &st[0]);
    station("db:2:1.5:2", &st[1]); /* 3 ms per request on 2 servers: at most 666.7 req/s */
    solve_open(st, 2, 700.0, &r);
    assert_int_equal(r.stable, 0);
    assert_true(isinf(r.response_s) && isinf(r.st[1].mean_in_station));
    assert_true(isfinite(r.st[0].response_s));
    assert_close(r.st[1].utilization, 700.0 * 0.003 / 2.0, EXACT);
    assert_string_equal(st[r.bottleneck].name, "db");
    assert_close(r.max_throughput_rps, 2.0 / 0.003, EXACT);
}

static void expect_station_error(const char *spec, const char *needle)
{
    struct sl_station st;
    char err[SL_ERR_LEN] = "";

    assert_int_equal(sl_station_parse(spec, &st, err, sizeof(err)), SL_E_INVALID);
    if (!strstr(err, needle))
        fail_msg("message '%s' for '%s' does not name '%s'", err, spec, needle);
}

static void network_station_parse(void **state)
{
    struct sl_station st;

    (void)state;
    station("db:2:1.5:2", &st);
    assert_string_equal(st.name, "db");
    assert_int_equal(st.servers, 2);
    assert_close(st.service_s, 0.0015, EXACT);
    assert_close(st.visits, 2.0, EXACT);
    station("lb.eu-1_a:1:0.05", &st);
    assert_close(st.visits, 1.0, 0);
    assert_close(st.service_s, 5e-5, EXACT);

    expect_station_error("db:0:1", "'0'");
    expect_station_error("db:1000001:1", "'1000001'");
    expect_station_error("db:x:1", "'x'");
    expect_station_error("db:2:0", "'0'");
    expect_station_error("db:2:-1", "'-1'");
    expect_station_error("db:2:nan", "'nan'");
    expect_station_error("db:2:inf", "'inf'");
    expect_station_error("db:2:1:0", "visits '0'");
    expect_station_error("db:2:1:-2", "visits '-2'");
    expect_station_error("db:2", "'db:2'");
    expect_station_error("db:2:1:2:3", "'db:2:1:2:3'");
    expect_station_error("db:2:1:2:", "'db:2:1:2:'");
    expect_station_error("db:2:1:1111111111111111111111111111111111111111111111111111111111111111",
                         "expected NAME:SERVERS:SERVICE_MS");
    expect_station_error(":2:1", "name ''");
    expect_station_error("d b:2:1", "'d b'");
    expect_station_error("abcdefghijklmnopqrstuvwxyz0123456:1:1", "1 to 32");
    expect_station_error("", "expected NAME:SERVERS:SERVICE_MS");
}

static void expect_invalid(enum sl_status st, const char *err, const char *needle)
{
    assert_int_equal(st, SL_E_INVALID);
    if (!strstr(err, needle))
        fail_msg("message '%s' does not name '%s'", err, needle);
}

static void network_bad_input(void **state)
{
    static struct sl_station many[SL_NETWORK_MAX_STATIONS + 1];
    struct sl_network_result r;
    char err[SL_ERR_LEN] = "";
    size_t k;

    (void)state;
    for (k = 0; k <= SL_NETWORK_MAX_STATIONS; k++)
        station("s:1:1", &many[k]);
    expect_invalid(sl_network_open(many, 0, 1.0, &r, err, sizeof(err)), err, "0 stations");
    expect_invalid(sl_network_open(many, SL_NETWORK_MAX_STATIONS + 1, 1.0, &r, err, sizeof(err)),
                   err, "65 stations");
    assert_int_equal(sl_network_open(many, SL_NETWORK_MAX_STATIONS, 1.0, &r, err, sizeof(err)),
                     SL_OK);
    expect_invalid(sl_network_open(many, 1, 0.0, &r, err, sizeof(err)), err, "load");
    expect_invalid(sl_network_open(many, 1, NAN, &r, err, sizeof(err)), err, "load");
    expect_invalid(sl_network_closed(many, 1, 0, 1.0, &r, err, sizeof(err)), err, "users");
    expect_invalid(sl_network_closed(many, 1, 10, -1.0, &r, err, sizeof(err)), err, "think");
    expect_invalid(sl_network_closed(many, 1, 10, INFINITY, &r, err, sizeof(err)), err, "think");
    many[0].servers = 0;
    expect_invalid(sl_network_open(many, 1, 1.0, &r, err, sizeof(err)), err, "servers");
    many[0].servers = 1;
    many[0].visits = 0.0;
    expect_invalid(sl_network_closed(many, 1, 1, 1.0, &r, err, sizeof(err)), err, "visits");
    /* the exact solve is bounded: a million servers and 20,000 users are 4e8 steps */
    station("huge:1000000:1", &many[0]);
    assert_close(sl_network_closed_cost(many, 1, 20000), 20001.0 * 20001.0, 0);
    expect_invalid(sl_network_closed(many, 1, 20000, 1.0, &r, err, sizeof(err)), err,
                   "too large");
    /* and the cost is what the header says: G over both, then huge's marginal over a alone */
    station("a:1:1", &many[1]);
    assert_close(sl_network_closed_cost(many, 2, 99), 100.0 * (101.0 + 1.0), 0);
}

static void network_out_of_memory(void **state)
{
    struct sl_station st[2];
    struct sl_network_result r;
    char err[SL_ERR_LEN], *text;
    long nth;

    (void)state;
    station("app:8:4", &st[0]);
    station("db:2:1.5:2", &st[1]);
    sl_alloc_fail_at(1);
    assert_int_equal(sl_network_closed(st, 2, 100, 1.0, &r, err, sizeof(err)), SL_E_NOMEM);
    sl_alloc_fail_at(0);
    solve_closed(st, 2, 100, 1.0, &r);
    for (nth = 1; nth < 1000; nth++) {
        sl_alloc_fail_at(nth);
        text = sl_network_json(st, &r, err, sizeof(err));
        sl_alloc_fail_at(0);
        if (text)
            break;
        assert_non_null(strstr(err, "memory"));
    }
    assert_true(nth > 1 && nth < 1000);
    sl_free(text);
}

static json_t *parse_doc(char *text)
{
    json_error_t e;
    json_t *doc;

    assert_non_null(text);
    doc = json_loads(text, 0, &e);
    sl_free(text);
    if (!json_is_object(doc))
        fail_msg("not a JSON object: %s", e.text);
    return doc;
}

static double num(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);

    if (!json_is_number(v))
        fail_msg("'%s' is not a number", key);
    return json_number_value(v);
}

static void network_json(void **state)
{
    struct sl_station st[3];
    struct sl_network_result r;
    char err[SL_ERR_LEN];
    json_t *doc, *db;

    (void)state;
    station("lb:1:0.05", &st[0]);
    station("app:8:4", &st[1]);
    station("db:2:1.5:2", &st[2]);
    solve_open(st, 3, 500.0, &r);
    doc = parse_doc(sl_network_json(st, &r, err, sizeof(err)));
    assert_string_equal(json_string_value(json_object_get(doc, "model")), "open network");
    assert_string_equal(json_string_value(json_object_get(doc, "bottleneck")), "db");
    assert_true(json_is_null(json_object_get(doc, "users")));
    assert_true(json_is_null(json_object_get(doc, "think_s")));
    assert_true(json_is_true(json_object_get(doc, "stable")));
    assert_close(num(doc, "load_rps"), 500.0, 0);
    db = json_array_get(json_object_get(doc, "stations"), 2);
    assert_string_equal(json_string_value(json_object_get(db, "name")), "db");
    assert_int_equal(json_integer_value(json_object_get(db, "servers")), 2);
    assert_close(num(db, "utilization"), 0.75, EXACT);
    assert_close(num(db, "residence_s"), r.st[2].residence_s, 1e-9); /* 10 digits */
    assert_close(num(json_object_get(doc, "bounds"), "max_throughput_rps"), 2.0 / 0.003, 1e-9);
    json_decref(doc);

    solve_closed(st, 3, 1000, 1.0, &r);
    doc = parse_doc(sl_network_json(st, &r, err, sizeof(err)));
    assert_string_equal(json_string_value(json_object_get(doc, "model")), "closed network");
    assert_int_equal(json_integer_value(json_object_get(doc, "users")), 1000);
    assert_true(json_is_null(json_object_get(doc, "load_rps")));
    assert_close(num(doc, "throughput_rps"), r.throughput_rps, 1e-9);
    json_decref(doc);

    /* an overloaded station's infinite figures are null, never a non-JSON token */
    solve_open(st, 3, 900.0, &r);
    doc = parse_doc(sl_network_json(st, &r, err, sizeof(err)));
    assert_true(json_is_false(json_object_get(doc, "stable")));
    assert_true(json_is_null(json_object_get(doc, "response_s")));
    json_decref(doc);
}

static void *test_alloc(size_t n)
{
    return sl_malloc(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(network_mva_reference),
        cmocka_unit_test(network_machine_repairman_reference),
        cmocka_unit_test(network_closed_matches_markov_chain),
        cmocka_unit_test(network_one_station_equals_queue_closed),
        cmocka_unit_test(network_enough_servers_never_queue),
        cmocka_unit_test(network_open_reference),
        cmocka_unit_test(network_open_unstable),
        cmocka_unit_test(network_station_parse),
        cmocka_unit_test(network_bad_input),
        cmocka_unit_test(network_out_of_memory),
        cmocka_unit_test(network_json),
    };

    /* route jansson through the failure-injection hook, as the CLI does */
    json_set_alloc_funcs(test_alloc, sl_free);
    return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
