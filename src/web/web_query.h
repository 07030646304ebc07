/* A request's query parameters, in order, as libmicrohttpd decoded them (both HTTP servers). */
/* SPDX-License-Identifier: MIT */
#ifndef SL_WEB_QUERY_H
#define SL_WEB_QUERY_H

#include <microhttpd.h>
#include <stddef.h>

/* Most parameters kept; a request with more sets overflow. */
#define WEB_QUERY_MAX 128

struct web_query {
    size_t n;
    int overflow;                       /* more than WEB_QUERY_MAX (or the caller's cap) */
    const char *keys[WEB_QUERY_MAX];    /* borrowed from the connection */
    const char *values[WEB_QUERY_MAX];  /* NULL for a bare key */
};

/* Collects up to cap (<= WEB_QUERY_MAX) parameters of conn's request into q. */
void web_query_collect(struct MHD_Connection *conn, size_t cap, struct web_query *q);

#endif
