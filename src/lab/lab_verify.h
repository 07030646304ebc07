/* The read-back at the end of a run: every session's cart fetched again, lost lines counted. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_VERIFY_H
#define SL_LAB_VERIFY_H

#include <curl/curl.h>
#include <stdint.h>

#include "lab/lab_cart.h"

/*
 * Ownership: a book owns its entries' copies of cookies and carts; lab_verify_release frees
 * them. A book belongs to one thread while the workload runs; lab_verify_run is called after.
 */

#define LAB_VERIFY_MAX 4096 /* sessions one client keeps for the read-back; more are unverified */

/* A session the read-back fetches: the cookies it was sent with and what its cart holds. */
struct lab_verify_entry {
    char *cookie;          /* "name=value; name=value", owned */
    struct lab_cart cart;
};

struct lab_verify_book {
    struct lab_verify_entry *e; /* owned */
    int n, cap;
    uint64_t unverified;   /* acknowledged lines of sessions not kept (the book was full) */
};

/* What the read-back found. */
struct lab_verify_tally {
    uint64_t sessions;     /* sessions read back */
    uint64_t acked;        /* cart lines acknowledged (or shown by an answer), kept or not */
    uint64_t lost;         /* of those, missing from the read-back (a 401 loses them all) */
    uint64_t unverified;   /* of those, in sessions no answer came for, or not kept */
};

/*
 * Keeps the session of handle h (its cookie engine's cookies) and its cart for the read-back,
 * when the cart holds an acknowledged line; a book that holds `most` entries (or runs out of
 * memory) counts the lines as unverified instead.
 */
void lab_verify_keep(struct lab_verify_book *b, CURL *h, const struct lab_cart *cart, int most);

/*
 * GET <base>/cart for every session of b, in turn, with its cookies, and counts into t: a 200
 * is checked with lab_cart_missing, a 401 (the session is gone) loses every line, anything
 * else leaves them unverified. base is "http://host:port" (no final '/').
 */
void lab_verify_run(const struct lab_verify_book *b, const char *base, struct lab_verify_tally *t);

void lab_verify_release(struct lab_verify_book *b);

#endif
