/* The recent Idempotency-Keys of one process: a ring of digests with a hash index. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_APP_IDEM_H
#define SL_APP_IDEM_H

#include <stddef.h>
#include <stdint.h>

#include "lab/app_store.h"

/*
 * The memory store (and through it the token store) remembers the last `cap` scoped
 * Idempotency-Keys it applied, with what the first request answered; adding one more forgets
 * the oldest. A ring is a value embedded in its owner, which also guards it: no function here
 * locks. The slots are allocated on the first add.
 */

#define APP_IDEM_DIGEST 32 /* SHA-256 of a scoped Idempotency-Key */

/* A scoped key as the ring keeps it: the SHA-256 of app_idem_scope's text (a fixed size). */
struct app_idem_id {
    unsigned char digest[APP_IDEM_DIGEST];
};

/* One remembered key and what its first request answered. */
struct app_idem_entry {
    unsigned char digest[APP_IDEM_DIGEST];
    unsigned char used;    /* 0 while the slot is free */
    unsigned char outcome; /* enum app_result of the first request (seats) */
    uint32_t next;         /* next slot + 1 in the same hash chain, 0 ends it */
};

struct app_idem_ring {
    size_t cap;                   /* keys kept, 1 .. UINT32_MAX - 1 */
    size_t n_buckets;             /* hash chains: the power of two at or above cap */
    struct app_idem_entry *slots; /* cap slots, oldest at `next` once full; NULL before use */
    uint32_t *buckets;            /* n_buckets chains of slot + 1 */
    size_t next;                  /* the slot the next key takes */
};

/*
 * Digests key scoped to user and route (app_idem_scope) into id. Returns APP_OK, or APP_NOMEM
 * if the scoped text does not fit or OpenSSL fails. Thread-safe.
 */
enum app_result app_idem_id_of(struct app_idem_id *id, const char *user, const char *route,
                               const char *key);

/* An empty ring that will keep the last cap (>= 1) keys; allocates nothing yet. */
void app_idem_ring_init(struct app_idem_ring *r, size_t cap);

/* Frees the slots; the ring is empty again (and may be used again). */
void app_idem_ring_release(struct app_idem_ring *r);

/* 1 with the first request's *outcome (may be NULL) if id is among the last cap keys, else 0. */
int app_idem_ring_find(const struct app_idem_ring *r, const struct app_idem_id *id,
                       enum app_result *outcome);

/*
 * Remembers id, which app_idem_ring_find does not know, with outcome; forgets the oldest key
 * once cap are kept. Returns APP_OK, or APP_NOMEM (nothing changed) when the first allocation
 * fails.
 */
enum app_result app_idem_ring_add(struct app_idem_ring *r, const struct app_idem_id *id,
                                  enum app_result outcome);

#endif
