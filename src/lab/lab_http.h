/* One-off HTTP GETs over libcurl to the lab's own processes: health probes, the final counter. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_HTTP_H
#define SL_LAB_HTTP_H

#include <stddef.h>

/*
 * Every call makes its own libcurl handle, so any thread may call; lab_client_global_init must
 * have run first. Requests go to 127.0.0.1, never through a proxy from the environment.
 */

/*
 * GET http://127.0.0.1:<port><path> within timeout_ms. Returns the HTTP status, or 0 when no
 * complete answer came; the body's first cap - 1 bytes and a NUL go to body unless it is NULL
 * (a longer body is no answer).
 */
long lab_http_get(int port, const char *path, long timeout_ms, char *body, size_t cap);

/* As lab_http_get, to <base><path> (base "http://host:port", --target's); curl's error text
 * goes to why[0..whylen) when no answer came (why may be NULL). */
long lab_http_get_url(const char *base, const char *path, long timeout_ms, char *body,
                      size_t cap, char *why, size_t whylen);

/* Nonzero if GET /healthz on port answers 200 within a second. */
int lab_http_healthy(int port);

/* GET /counter through port, a few tries (a backend killed a moment ago may still be in the
 * rotation); 0 with *value, or -1. */
int lab_http_get_counter(int port, long long *value);

/* As lab_http_get_counter, through <base>/counter. */
int lab_http_get_counter_url(const char *base, long long *value);

#endif
