/* Collecting query parameters from libmicrohttpd, shared by `serve` and the lab's app. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "web_query.h"
#include "banned.h"

struct collector {
    struct web_query *q;
    size_t cap;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct collector *c = cls;

    (void)kind;
    if (c->q->n == c->cap) {
        c->q->overflow = 1;
        return MHD_NO;
    }
    c->q->keys[c->q->n] = key;
    c->q->values[c->q->n] = value;
    c->q->n++;
    return MHD_YES;
}

void web_query_collect(struct MHD_Connection *conn, size_t cap, struct web_query *q)
{
    struct collector c = { q, cap < WEB_QUERY_MAX ? cap : WEB_QUERY_MAX };

    memset(q, 0, sizeof(*q));
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &c);
}
