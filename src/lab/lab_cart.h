/* The cart checker: what a user's cart may hold after its adds, and whether an answer does. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_LAB_CART_H
#define SL_LAB_CART_H

#include <jansson.h>
#include <stddef.h>

#include "lab/lab.h"

/*
 * Pure: no clock, no I/O, no allocation; a cart is a plain value. The client's items are
 * named "i<number>" (docs/lab-protocol.md), so the checker keeps numbers.
 */

/* Entries of an expected cart: every add of a session, and a second entry for each replay. */
#define LAB_CART_CAP (2 * LAB_CART_ROTATE + 2)

/*
 * What the user expects its cart to hold, oldest first: each item between min and max times
 * in a row. An add that failed may be missing (min 0); one that libcurl sent twice may be
 * there twice (max 2), unless the app answered the second send from its Idempotency-Key store
 * (then it is there at most once, and missing only if the app died between the key and the
 * write).
 */
struct lab_cart {
    int n;
    unsigned item[LAB_CART_CAP];
    unsigned char min[LAB_CART_CAP];
    unsigned char max[LAB_CART_CAP];
};

/* An empty cart: a new session's. */
void lab_cart_clear(struct lab_cart *c);

/* Appends item i<item>, expected min to max (0 <= min <= max <= 2) times; ignored when full. */
void lab_cart_expect(struct lab_cart *c, unsigned item, int min, int max);

/*
 * Checks a cart answer's "items" (a JSON array of strings) against c: each entry's item
 * between its min and max times in a row, in order, and nothing else. When it matches, c
 * becomes exactly what the answer showed (each entry once, min = max = 1) and the result is 1;
 * otherwise c is unchanged and it is 0. *dups counts the entries found twice (when the answer
 * does not match: those before the first difference).
 */
int lab_cart_check(struct lab_cart *c, const json_t *items, int *dups);

/* The entries c holds for sure (min >= 1): adds the app acknowledged, or that an answer showed. */
int lab_cart_acknowledged(const struct lab_cart *c);

/*
 * Of those, how many a read-back's "items" (a JSON array of strings) lacks: an acknowledged
 * write that was lost. Anything but an array lacks them all.
 */
int lab_cart_missing(const struct lab_cart *c, const json_t *items);

/*
 * "wrong cart: got i1,i2,i2 want i1,i2?,i3+" into out (cut at outlen): the answer, then the
 * expectation, '?' marking an item that may be missing, '+' one that may be there twice.
 */
void lab_cart_describe(const struct lab_cart *c, const json_t *items, char *out, size_t outlen);

#endif
