/* Where `scalelab app` keeps sessions, carts, the counter and seat bookings: one ops table. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_APP_STORE_H
#define SL_APP_STORE_H

#include <stddef.h>

/* Longest user name, item name or --id (bytes of [A-Za-z0-9_.-]). */
#define APP_NAME_MAX 64
/* Items a cart keeps; adding one more drops the oldest. */
#define APP_CART_MAX 64
/* Seats are 0 <= n < APP_SEATS. */
#define APP_SEATS 1000000L
/* Session lifetime after its last use, in seconds (memory and redis). */
#define APP_SESSION_TTL_S 1800
/* Sessions the memory store keeps; the least recently used one is dropped first. */
#define APP_MEM_MAX_SESSIONS 100000
/* Longest session cookie (name=value), in bytes including the NUL. */
#define APP_COOKIE_MAX 8192
/* Bytes of token key: at least this many from SCALELAB_TOKEN_KEY, at most APP_KEY_MAX. */
#define APP_KEY_MIN 32
#define APP_KEY_MAX 256
/* Longest Idempotency-Key, in bytes of [A-Za-z0-9_.:-]. */
#define APP_IDEM_MAX 128
/* Seconds Redis keeps an Idempotency-Key (SET idem:<user>:<route>:<key> <user> NX EX ...). */
#define APP_IDEM_TTL_S 60
/* Idempotency-Keys the memory and token stores remember; the oldest is forgotten first. */
#define APP_IDEM_KEEP 100000
/* Longest Redis password (--redis-auth-file), in bytes. */
#define APP_REDIS_PASS_MAX 512

/* What a store operation found. */
enum app_result {
    APP_OK = 0,          /* done */
    APP_NO_SESSION = 1,  /* the session is unknown, expired or forged: 401 */
    APP_TAKEN = 2,       /* the seat already has a holder: 409 */
    APP_UNAVAILABLE = 3, /* the backing store did not answer: 503 */
    APP_NOMEM = 4,       /* out of memory: 500 */
    APP_DENIED = 5       /* the backing store refused our password, or wants one: 503 */
};

/* A session as a request sees it: its user, its cart and the cookie to send back, if any. */
struct app_session {
    char user[APP_NAME_MAX + 1];
    size_t n_items;
    char items[APP_CART_MAX][APP_NAME_MAX + 1]; /* oldest first */
    char cookie[APP_COOKIE_MAX];                /* "name=value" to set, or "" */
};

struct app_store;

/*
 * The operations of a store. Every one is thread-safe (MHD runs handlers on several threads).
 * `cookie` is the value of the request's cookie named ops->cookie_name, never NULL; names are
 * already checked to be 1..APP_NAME_MAX bytes of [A-Za-z0-9_.-]. Results are APP_OK or one
 * of enum app_result; the session is filled only on APP_OK.
 *
 * The three writes take `idem`, the request's Idempotency-Key (checked to be 1..APP_IDEM_MAX
 * bytes of [A-Za-z0-9_.:-]) or NULL. A key is scoped to the session's user and the route
 * (app_idem_scope): the same key from another user, or on another route, is another request.
 * A write whose scoped key the store has seen is not applied again: it answers as the first
 * one would have and sets *replayed. redis keeps keys in Redis for APP_IDEM_TTL_S, so a
 * replay to any process is caught; memory and token keep the last APP_IDEM_KEEP keys in the
 * process, so only a replay to the same process is.
 */
struct app_store_ops {
    const char *name;        /* "memory", "redis" or "token" */
    const char *cookie_name; /* "sid" or "token" */
    /* Creates a session for user with an empty cart; s->cookie is the cookie to set. */
    enum app_result (*login)(struct app_store *st, const char *user, struct app_session *s);
    /* Finds the session and refreshes its lifetime; fills the cart only if with_cart. */
    enum app_result (*get_session)(struct app_store *st, const char *cookie, int with_cart,
                                   struct app_session *s);
    /* Appends item to the session's cart (dropping the oldest beyond APP_CART_MAX); s gets the
     * whole cart, and in token mode the new cookie. A replay gets the current cart. */
    enum app_result (*add_item)(struct app_store *st, const char *cookie, const char *item,
                                const char *idem, struct app_session *s, int *replayed);
    /* Adds one to the global counter for user; *value is the count after this increment (after
     * a replay: the current count). */
    enum app_result (*incr_counter)(struct app_store *st, const char *user, const char *idem,
                                    long long *value, int *replayed);
    enum app_result (*get_counter)(struct app_store *st, long long *value);
    /* Gives seat to user unless someone holds it (APP_TAKEN); 0 <= seat < APP_SEATS. A replay
     * answers APP_OK if user holds the seat, else APP_TAKEN. */
    enum app_result (*book_seat)(struct app_store *st, long seat, const char *user,
                                 const char *idem, int *replayed);
    /* APP_OK when the store answers (redis: PING), else APP_UNAVAILABLE. */
    enum app_result (*ready)(struct app_store *st);
    /* Frees the store; call after every thread that used it has stopped. Accepts NULL. */
    void (*close)(struct app_store *st);
};

/* Every store starts with this; the implementation's fields follow. */
struct app_store {
    const struct app_store_ops *ops;
};

/* A store in process memory, behind one mutex. NULL when out of memory. Caller owns (close). */
struct app_store *app_store_memory_new(void);

/* Seconds on a clock that never goes back; the memory store ages sessions by it. */
typedef double app_clock_fn(void);

/* As app_store_memory_new, with sessions aged by `now` (a test moves its own clock). */
struct app_store *app_store_memory_new_clocked(app_clock_fn *now);

/*
 * A store in Redis at host:port. Connects lazily: one connection per calling thread, 200 ms
 * connect and command timeouts, reconnected after any error. With a password (pass[0..len),
 * 1..APP_REDIS_PASS_MAX bytes; NULL for none) every new connection sends AUTH first; a refused
 * AUTH, or a Redis that wants a password, makes the call APP_DENIED. Returns NULL when out of
 * memory or the password is too long. Caller owns (close); host and pass are copied (the copy
 * of pass is wiped on close).
 */
struct app_store *app_store_redis_new(const char *host, int port, const char *pass,
                                      size_t pass_len);

/*
 * Connects a redis store `st` once, authenticates and sends PING, on a connection of its own.
 * Returns APP_OK, APP_UNAVAILABLE (Redis cannot be reached) or APP_DENIED (Redis refused the
 * password or wants one); on failure err gets the reason (Redis's own error text if it gave
 * one). Thread-safe; for start-up checks.
 */
enum app_result app_store_redis_probe(struct app_store *st, char *err, size_t errlen);

/*
 * Sessions in HMAC-SHA256-signed cookies under key[0..key_len) (copied; APP_KEY_MIN to
 * APP_KEY_MAX bytes); the counter and bookings in process memory. NULL when out of memory or
 * the key length is out of range. Caller owns (close).
 */
struct app_store *app_store_token_new(const unsigned char *key, size_t key_len);

/* Fills key[0..len) from OpenSSL's random generator; returns 0 on success, -1 on failure. */
int app_token_key_random(unsigned char *key, size_t len);

#endif
