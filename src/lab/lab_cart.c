/* The cart checker: what a user's cart may hold after its adds, and whether an answer does. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "lab/lab_cart.h"
#include "banned.h"

void lab_cart_clear(struct lab_cart *c)
{
    c->n = 0;
}

void lab_cart_expect(struct lab_cart *c, unsigned item, int min, int max)
{
    if (c->n == LAB_CART_CAP)
        return;
    c->item[c->n] = item;
    c->min[c->n] = (unsigned char)min;
    c->max[c->n] = (unsigned char)max;
    c->n++;
}

/* How many times in a row, up to max, items[*j..] names item; *j moves past them. */
static int count_run(const json_t *items, size_t *j, unsigned item, int max)
{
    size_t n = json_array_size(items);
    char want[16];
    int seen = 0;

    snprintf(want, sizeof(want), "i%u", item);
    while (seen < max && *j < n) {
        const char *s = json_string_value(json_array_get(items, *j));

        if (!s || strcmp(s, want))
            break;
        seen++;
        (*j)++;
    }
    return seen;
}

int lab_cart_check(struct lab_cart *c, const json_t *items, int *dups)
{
    struct lab_cart next;
    size_t j = 0;
    int i, k;

    *dups = 0;
    if (!json_is_array(items))
        return 0;
    lab_cart_clear(&next);
    for (i = 0; i < c->n; i++) {
        int seen = count_run(items, &j, c->item[i], c->max[i]);

        if (seen < c->min[i] || next.n + seen > LAB_CART_CAP)
            return 0;
        for (k = 0; k < seen; k++)
            lab_cart_expect(&next, c->item[i], 1, 1);
        *dups += seen > 1;
    }
    if (j != json_array_size(items))
        return 0;
    *c = next;
    return 1;
}

int lab_cart_acknowledged(const struct lab_cart *c)
{
    int i, n = 0;

    for (i = 0; i < c->n; i++)
        n += c->min[i] >= 1;
    return n;
}

/* Nonzero if items names i<item> anywhere: the client numbers a user's items once each. */
static int holds(const json_t *items, unsigned item)
{
    size_t i, n = json_array_size(items);
    char want[16];

    snprintf(want, sizeof(want), "i%u", item);
    for (i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(items, i));

        if (s && !strcmp(s, want))
            return 1;
    }
    return 0;
}

int lab_cart_missing(const struct lab_cart *c, const json_t *items)
{
    int i, n = 0;

    for (i = 0; i < c->n; i++)
        n += c->min[i] >= 1 && (!json_is_array(items) || !holds(items, c->item[i]));
    return n;
}

void lab_cart_describe(const struct lab_cart *c, const json_t *items, char *out, size_t outlen)
{
    size_t len, i;
    int k;

    len = (size_t)snprintf(out, outlen, "wrong cart: got");
    for (i = 0; i < json_array_size(items) && len < outlen; i++) {
        const char *s = json_string_value(json_array_get(items, i));

        len += (size_t)snprintf(out + len, outlen - len, "%s%s", i ? "," : " ", s ? s : "?");
    }
    if (len < outlen)
        len += (size_t)snprintf(out + len, outlen - len, " want");
    for (k = 0; k < c->n && len < outlen; k++)
        len += (size_t)snprintf(out + len, outlen - len, "%si%u%s", k ? "," : " ", c->item[k],
                                c->max[k] > 1 ? "+" : c->min[k] ? "" : "?");
}
