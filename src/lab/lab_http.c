/* One-off HTTP GETs over libcurl to the lab's own processes: health probes, the final counter. */
/* SPDX-License-Identifier: MIT */
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "lab/lab_http.h"
#include "banned.h"

#define HEALTH_TIMEOUT_MS 1000L
#define COUNTER_TIMEOUT_MS 8000L /* as the client's requests: above haproxy's server timeout */
#define COUNTER_TRIES 3

/* Where an answer's body goes: buf[0..cap), the excess refused. */
struct sink {
    char *buf;
    size_t cap, len;
};

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
    struct sink *s = ctx;
    size_t len = size * n;

    if (!s->buf)
        return len;
    if (s->len + len + 1 > s->cap)
        return 0; /* curl fails the transfer with CURLE_WRITE_ERROR */
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    s->buf[s->len] = '\0';
    return len;
}

long lab_http_get_url(const char *base, const char *path, long timeout_ms, char *body,
                      size_t cap, char *why, size_t whylen)
{
    struct sink sink = { body, cap, 0 };
    CURL *h = curl_easy_init();
    char url[512];
    long status = 0;
    CURLcode cc;

    if (body && cap)
        body[0] = '\0';
    if (why && whylen)
        snprintf(why, whylen, "out of memory");
    if (!h)
        return 0;
    snprintf(url, sizeof(url), "%s%s", base, path);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    cc = curl_easy_perform(h);
    if (cc != CURLE_OK || curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
        status = 0;
    if (why && whylen)
        snprintf(why, whylen, "%s", cc != CURLE_OK ? curl_easy_strerror(cc) : "");
    curl_easy_cleanup(h);
    return status;
}

long lab_http_get(int port, const char *path, long timeout_ms, char *body, size_t cap)
{
    char base[64];

    snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
    return lab_http_get_url(base, path, timeout_ms, body, cap, NULL, 0);
}

int lab_http_healthy(int port)
{
    return lab_http_get(port, "/healthz", HEALTH_TIMEOUT_MS, NULL, 0) == 200;
}

int lab_http_get_counter_url(const char *base, long long *value)
{
    char body[256];
    int tries;

    for (tries = 0; tries < COUNTER_TRIES; tries++) {
        json_t *doc, *v;
        int found;

        if (lab_http_get_url(base, "/counter", COUNTER_TIMEOUT_MS, body, sizeof(body), NULL,
                             0) != 200)
            continue;
        doc = json_loads(body, 0, NULL);
        v = json_object_get(doc, "value");
        found = json_is_integer(v);
        if (found)
            *value = (long long)json_integer_value(v);
        json_decref(doc);
        if (found)
            return 0;
    }
    return -1;
}

int lab_http_get_counter(int port, long long *value)
{
    char base[64];

    snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
    return lab_http_get_counter_url(base, value);
}
