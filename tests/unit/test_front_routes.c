/* Every API route under allocation failure: each failure gives a clean answer, never a leak. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "sl_test.h"
#include "cli/cli.h"
#include "scalelab/scalelab.h"
#include "web/web.h"

/* One request: a path, its query as key/value pairs, and an optional POSTed catalog. */
struct call {
    const char *path;
    const char *keys[6];
    const char *values[6];
    const char *body;
};

static const struct call calls[] = {
    { "/api/compare", { "load", "catalog" }, { "1k,1m", "cloud" }, NULL },
    { "/api/plan", { "load", "state", "slo" }, { "20k", "store", "p99=20ms" }, NULL },
    { "/api/plan", { "load" }, { "5k" },
      "name,vcpu,mem_gib,net_gbps,usd_per_month,single_thread_factor\na,2,8,10,70,1\n" },
    { "/api/curve", { "from", "to", "points" }, { "1k", "1m", "5" }, NULL },
    { "/api/queue", { "servers", "service-ms", "load", "queue" }, { "4", "10", "300", "20" },
      NULL },
    { "/api/queue", { "servers", "users", "think" }, { "4", "40", "1" }, NULL },
    { "/api/queue", { "station", "station", "users", "think" },
      { "app:8:4", "db:2:1.5:2", "40", "1" }, NULL },
    { "/api/queue", { "station", "station", "load" }, { "app:8:4", "db:2:1.5:2", "300" }, NULL },
    { "/api/simulate", { "servers", "load", "service-ms", "requests", "replications" },
      { "3", "2k", "1", "2000", "2" }, NULL },
    { "/api/fit", { "points" }, { "1:64.9,18:995.9,36:1652.4,72:1853.2,108:1828.9" }, NULL },
    { "/api/quiz", { NULL }, { NULL }, NULL },
    { "/api/catalogs", { NULL }, { NULL }, NULL },
    { "/api/openapi.json", { NULL }, { NULL }, NULL },
};

static size_t count_keys(const struct call *c)
{
    size_t n = 0;

    while (n < 6 && c->keys[n])
        n++;
    return n;
}

/*
 * The nth allocation of the request fails, for n = 1, 2, ... until one runs clean: every answer
 * is either the document (200) or an error document (500, or 400 where the failure read as bad
 * input), and ASan's leak check at exit sees nothing left over.
 */
static void routes_survive_allocation_failures(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        const struct call *c = &calls[i];
        struct web_request req;
        long nth;
        int clean = 0;

        memset(&req, 0, sizeof(req));
        req.method = c->body ? "POST" : "GET";
        req.path = c->path;
        req.nargs = count_keys(c);
        req.keys = c->keys;
        req.values = c->values;
        req.body = c->body;
        req.body_len = c->body ? strlen(c->body) : 0;
        req.sim_budget = 1e6;
        for (nth = 1; !clean && nth < 20000; nth++) {
            struct web_reply r;

            sl_alloc_fail_at(nth);
            web_route(&req, &r);
            sl_alloc_fail_at(0);
            if (r.status == 200)
                clean = 1;
            else if (r.status != 500 && r.status != 400)
                fail_msg("%s: failure %ld answered %d", c->path, nth, r.status);
            if (!r.fixed && !r.body)
                fail_msg("%s: failure %ld answered no body", c->path, nth);
            web_reply_release(&r);
        }
        if (!clean)
            fail_msg("%s never succeeded", c->path);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(routes_survive_allocation_failures),
    };

    cli_init();
    return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
