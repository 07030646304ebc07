/* The app's encodings, shared by its stores: names, session ids, hex, base64url, tokens. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_APP_CODEC_H
#define SL_APP_CODEC_H

#include <stddef.h>

#include "lab/app_store.h"

/*
 * Pure functions over caller-owned buffers (app_sid_new also reads the kernel's random source);
 * every one is thread-safe.
 */

#define APP_SID_BYTES 16                 /* 128-bit session ids */
#define APP_SID_HEX (2 * APP_SID_BYTES)  /* as sent in the cookie: lowercase hex */
#define APP_MAC_BYTES 32                 /* HMAC-SHA256 */
#define APP_MAC_B64 43                   /* its base64url length, unpadded */
#define APP_TOKEN_PAYLOAD_MAX 5120       /* token payload JSON: a user and a full cart fit */

/* Nonzero if s is 1..APP_NAME_MAX bytes of [A-Za-z0-9_.-]. */
int app_name_valid(const char *s);

/* Nonzero if s is an Idempotency-Key: 1..APP_IDEM_MAX bytes of [A-Za-z0-9_.:-]. */
int app_idem_valid(const char *s);

/* Bytes of a scoped Idempotency-Key, NUL included: user, route and key with two ':'. */
#define APP_IDEM_SCOPE_MAX (APP_NAME_MAX + 1 + 96 + 1 + APP_IDEM_MAX + 1)

/*
 * Writes "<user>:<route>:<key>" into out[APP_IDEM_SCOPE_MAX]: the Idempotency-Key `key` as
 * the stores remember it. route is the request's target (the path, and the query that the
 * write depends on: "/cart/add?item=X", "/counter/incr", "/seats/N/book"), so a key reused by
 * another user or on another route or item is another request. user holds no ':' and routes
 * hold none, so the text is unambiguous. Returns 0, or -1 if it does not fit.
 */
int app_idem_scope(char *out, const char *user, const char *route, const char *key);

/*
 * Decodes a key given in hex (SCALELAB_TOKEN_KEY) into key[0..cap); returns its length, or 0
 * if hex is not an even number of hex digits giving APP_KEY_MIN to cap bytes.
 */
size_t app_token_key_parse(const char *hex, unsigned char *key, size_t cap);

/* Copies src[0..len) into dst[APP_NAME_MAX + 1], cut at APP_NAME_MAX bytes, NUL-terminated. */
void app_name_copy(char *dst, const char *src, size_t len);

/*
 * Fills s for a fresh login of user (app_name_valid): an empty cart, and the cookie
 * "sid=<sid_hex>" to set, or none when sid_hex is NULL.
 */
void app_session_begin(struct app_session *s, const char *user, const char *sid_hex);

/* Writes the lowercase hex of in[0..len) and a NUL into out[2 * len + 1]. */
void app_hex_encode(const unsigned char *in, size_t len, char *out);

/* The value of one hex digit (either case), or -1. */
int app_hex_value(char c);

/*
 * A session id as issued: exactly APP_SID_HEX lowercase hex digits and nothing after them.
 * Returns 0 and the bytes in bytes[APP_SID_BYTES] (when bytes is not NULL), or -1.
 */
int app_sid_parse(const char *sid, unsigned char *bytes);

/*
 * A new session id: APP_SID_BYTES from getrandom into bytes, their hex into hex[APP_SID_HEX + 1].
 * Returns 0, or -1 if the kernel gave no random bytes.
 */
int app_sid_new(unsigned char *bytes, char *hex);

/*
 * Unpadded base64url (RFC 4648 section 5) of in[0..len) into out[0..cap), NUL-terminated.
 * Returns its length, or 0 when cap is too short (an empty input also gives 0, with out "").
 */
size_t app_b64url_encode(const unsigned char *in, size_t len, char *out, size_t cap);

/*
 * Decodes unpadded base64url in[0..len) into out[0..cap); returns the byte count, or -1 for
 * anything but the canonical encoding (padding, characters outside the URL alphabet, a length
 * of 4k + 1, nonzero unused low bits) or when the bytes do not fit in cap.
 */
long app_b64url_decode(const char *in, size_t len, unsigned char *out, size_t cap);

/*
 * The base64url of HMAC-SHA256(key[0..key_len), text[0..len)) into out[APP_MAC_B64 + 1].
 * Returns 0, or -1 if OpenSSL fails.
 */
int app_token_mac(const unsigned char *key, size_t key_len, const char *text, size_t len,
                  char *out);

/*
 * Seals s (its user and cart) under key[0..key_len) into s->cookie:
 * "token=<base64url(JSON)>.<base64url(HMAC-SHA256 of the first part)>" with the JSON
 * {"user":NAME,"items":[...]} (docs/lab-protocol.md). s's names must be app_name_valid.
 * Returns APP_OK, APP_NOMEM (the cookie would not fit) or APP_UNAVAILABLE (OpenSSL failed).
 */
enum app_result app_token_seal(const unsigned char *key, size_t key_len, struct app_session *s);

/*
 * Opens a token, the cookie's value (without "token="): the MAC is checked in constant time
 * under key[0..key_len) before the payload is read, and the payload must have exactly the
 * shape app_token_seal writes, with valid names and at most APP_CART_MAX items. Fills s (its
 * cookie "") and returns APP_OK; APP_NO_SESSION for any other token; APP_UNAVAILABLE if
 * OpenSSL failed.
 */
enum app_result app_token_open(const unsigned char *key, size_t key_len, const char *token,
                               struct app_session *s);

#endif
