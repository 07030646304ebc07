/* The app's encodings: names and keys, session ids, hex, base64url and the signed token. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "lab/app_codec.h"
#include "banned.h"

/* ---- names and Idempotency-Keys ---- */

int app_name_valid(const char *s)
{
    size_t n;

    for (n = 0; s[n]; n++) {
        char c = s[n];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == '-';

        if (!ok || n == APP_NAME_MAX)
            return 0;
    }
    return n > 0;
}

int app_idem_valid(const char *s)
{
    size_t n;

    for (n = 0; s[n]; n++) {
        char c = s[n];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == ':' || c == '-';

        if (!ok || n == APP_IDEM_MAX)
            return 0;
    }
    return n > 0;
}

int app_idem_scope(char *out, const char *user, const char *route, const char *key)
{
    int n = snprintf(out, APP_IDEM_SCOPE_MAX, "%s:%s:%s", user, route, key);

    return n > 0 && n < APP_IDEM_SCOPE_MAX ? 0 : -1;
}

void app_name_copy(char *dst, const char *src, size_t len)
{
    if (len > APP_NAME_MAX)
        len = APP_NAME_MAX;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

void app_session_begin(struct app_session *s, const char *user, const char *sid_hex)
{
    app_name_copy(s->user, user, strlen(user));
    s->n_items = 0;
    s->cookie[0] = '\0';
    if (sid_hex)
        snprintf(s->cookie, sizeof(s->cookie), "sid=%s", sid_hex);
}

/* ---- hex and session ids ---- */

static const char hex_digits[] = "0123456789abcdef";

void app_hex_encode(const unsigned char *in, size_t len, char *out)
{
    size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = hex_digits[in[i] >> 4];
        out[2 * i + 1] = hex_digits[in[i] & 15];
    }
    out[2 * len] = '\0';
}

int app_hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t app_token_key_parse(const char *hex, unsigned char *key, size_t cap)
{
    size_t len = strlen(hex), i;

    if (len % 2 || len / 2 < APP_KEY_MIN || len / 2 > cap)
        return 0;
    for (i = 0; i < len; i += 2) {
        int hi = app_hex_value(hex[i]), lo = app_hex_value(hex[i + 1]);

        if (hi < 0 || lo < 0)
            return 0;
        key[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    return len / 2;
}

int app_sid_parse(const char *sid, unsigned char *bytes)
{
    size_t i;

    for (i = 0; i < APP_SID_HEX; i++) {
        int v = app_hex_value(sid[i]);

        if (v < 0 || (sid[i] >= 'A' && sid[i] <= 'F'))
            return -1;
        if (bytes)
            bytes[i / 2] = (unsigned char)(i % 2 ? (bytes[i / 2] << 4) | v : v);
    }
    return sid[APP_SID_HEX] ? -1 : 0;
}

int app_sid_new(unsigned char *bytes, char *hex)
{
    size_t got = 0;

    while (got < APP_SID_BYTES) {
        ssize_t n = getrandom(bytes + got, APP_SID_BYTES - got, 0);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        got += (size_t)n;
    }
    app_hex_encode(bytes, APP_SID_BYTES, hex);
    return 0;
}

/* ---- base64url ---- */

static const char b64url_digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t app_b64url_encode(const unsigned char *in, size_t len, char *out, size_t cap)
{
    size_t i, o = 0;

    if (len / 3 * 4 + (len % 3 ? len % 3 + 1 : 0) + 1 > cap)
        return 0;
    for (i = 0; i + 2 < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

        out[o++] = b64url_digits[v >> 18 & 63];
        out[o++] = b64url_digits[v >> 12 & 63];
        out[o++] = b64url_digits[v >> 6 & 63];
        out[o++] = b64url_digits[v & 63];
    }
    if (len - i == 1) {
        out[o++] = b64url_digits[in[i] >> 2];
        out[o++] = b64url_digits[(in[i] & 3) << 4];
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)in[i] << 8 | in[i + 1];

        out[o++] = b64url_digits[v >> 10 & 63];
        out[o++] = b64url_digits[v >> 4 & 63];
        out[o++] = b64url_digits[(v & 15) << 2];
    }
    out[o] = '\0';
    return o;
}

static int b64url_value(char c)
{
    const char *p = c ? strchr(b64url_digits, c) : NULL;

    return p ? (int)(p - b64url_digits) : -1;
}

long app_b64url_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
    uint32_t acc = 0;
    size_t i, o = 0;
    int bits = 0;

    if (len % 4 == 1)
        return -1;
    for (i = 0; i < len; i++) {
        int v = b64url_value(in[i]);

        if (v < 0)
            return -1;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o == cap)
                return -1;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return acc ? -1 : (long)o;
}

/* ---- the signed token ---- */

int app_token_mac(const unsigned char *key, size_t key_len, const char *text, size_t len,
                  char *out)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;

    if (!HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)text, len, mac,
              &mac_len) || mac_len != APP_MAC_BYTES)
        return -1;
    return app_b64url_encode(mac, APP_MAC_BYTES, out, APP_MAC_B64 + 1) == APP_MAC_B64 ? 0 : -1;
}

enum app_result app_token_seal(const unsigned char *key, size_t key_len, struct app_session *s)
{
    char json[APP_TOKEN_PAYLOAD_MAX];
    size_t len, i, b64;
    int n;

    n = snprintf(json, sizeof(json), "{\"user\":\"%s\",\"items\":[", s->user);
    len = (size_t)n;
    for (i = 0; i < s->n_items && len < sizeof(json); i++) {
        n = snprintf(json + len, sizeof(json) - len, "%s\"%s\"", i ? "," : "", s->items[i]);
        len += (size_t)n;
    }
    if (len < sizeof(json)) {
        n = snprintf(json + len, sizeof(json) - len, "]}");
        len += (size_t)n;
    }
    if (len >= sizeof(json))
        return APP_NOMEM;
    memcpy(s->cookie, "token=", 6);
    b64 = app_b64url_encode((const unsigned char *)json, len, s->cookie + 6,
                            sizeof(s->cookie) - 6 - APP_MAC_B64 - 1);
    if (!b64)
        return APP_NOMEM;
    s->cookie[6 + b64] = '.';
    if (app_token_mac(key, key_len, s->cookie + 6, b64, s->cookie + 6 + b64 + 1))
        return APP_UNAVAILABLE;
    return APP_OK;
}

/* Reads the JSON payload of a verified token into s; -1 unless it has exactly our shape. */
static int token_payload(const char *json, size_t len, struct app_session *s)
{
    json_t *doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *user, *items;
    size_t i;
    int st = -1;

    if (!doc)
        return -1;
    user = json_object_get(doc, "user");
    items = json_object_get(doc, "items");
    if (json_object_size(doc) != 2 || !json_is_string(user) || !json_is_array(items) ||
        !app_name_valid(json_string_value(user)) || json_array_size(items) > APP_CART_MAX)
        goto out;
    app_name_copy(s->user, json_string_value(user), strlen(json_string_value(user)));
    for (i = 0; i < json_array_size(items); i++) {
        const char *item = json_string_value(json_array_get(items, i));

        if (!item || !app_name_valid(item))
            goto out;
        app_name_copy(s->items[i], item, strlen(item));
    }
    s->n_items = json_array_size(items);
    s->cookie[0] = '\0';
    st = 0;
out:
    json_decref(doc);
    return st;
}

enum app_result app_token_open(const unsigned char *key, size_t key_len, const char *token,
                               struct app_session *s)
{
    size_t len = strnlen(token, APP_COOKIE_MAX);
    const char *dot = memchr(token, '.', len);
    char want[APP_MAC_B64 + 1];
    unsigned char json[APP_TOKEN_PAYLOAD_MAX];
    long n;

    if (len == APP_COOKIE_MAX || !dot || dot == token || strlen(dot + 1) != APP_MAC_B64)
        return APP_NO_SESSION;
    if (app_token_mac(key, key_len, token, (size_t)(dot - token), want))
        return APP_UNAVAILABLE;
    if (CRYPTO_memcmp(want, dot + 1, APP_MAC_B64))
        return APP_NO_SESSION;
    n = app_b64url_decode(token, (size_t)(dot - token), json, sizeof(json));
    if (n < 0 || token_payload((const char *)json, (size_t)n, s))
        return APP_NO_SESSION;
    return APP_OK;
}
