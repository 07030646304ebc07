/* The recent Idempotency-Keys of one process: a ring of SHA-256 digests with a hash index. */
/* SPDX-License-Identifier: MIT */
#include <assert.h>
#include <openssl/evp.h>
#include <string.h>

#include "scalelab/alloc.h"
#include "lab/app_codec.h"
#include "lab/app_idem.h"
#include "banned.h"

enum app_result app_idem_id_of(struct app_idem_id *id, const char *user, const char *route,
                               const char *key)
{
    char scope[APP_IDEM_SCOPE_MAX];
    unsigned int len = 0;

    if (app_idem_scope(scope, user, route, key) ||
        !EVP_Digest(scope, strlen(scope), id->digest, &len, EVP_sha256(), NULL) ||
        len != APP_IDEM_DIGEST)
        return APP_NOMEM;
    return APP_OK;
}

void app_idem_ring_init(struct app_idem_ring *r, size_t cap)
{
    assert(cap >= 1 && cap < UINT32_MAX);
    memset(r, 0, sizeof(*r));
    r->cap = cap;
    r->n_buckets = 1;
    while (r->n_buckets < cap)
        r->n_buckets *= 2;
}

void app_idem_ring_release(struct app_idem_ring *r)
{
    sl_free(r->slots);
    sl_free(r->buckets);
    r->slots = NULL;
    r->buckets = NULL;
    r->next = 0;
}

/* The hash chain of a digest (already uniform: its first four bytes pick the bucket). */
static uint32_t *bucket_of(const struct app_idem_ring *r, const unsigned char *digest)
{
    uint32_t h = (uint32_t)digest[0] | (uint32_t)digest[1] << 8 | (uint32_t)digest[2] << 16 |
                 (uint32_t)digest[3] << 24;

    return &r->buckets[h & (r->n_buckets - 1)];
}

int app_idem_ring_find(const struct app_idem_ring *r, const struct app_idem_id *id,
                       enum app_result *outcome)
{
    uint32_t i;

    if (!r->slots)
        return 0;
    for (i = *bucket_of(r, id->digest); i; i = r->slots[i - 1].next)
        if (!memcmp(r->slots[i - 1].digest, id->digest, APP_IDEM_DIGEST)) {
            if (outcome)
                *outcome = (enum app_result)r->slots[i - 1].outcome;
            return 1;
        }
    return 0;
}

enum app_result app_idem_ring_add(struct app_idem_ring *r, const struct app_idem_id *id,
                                  enum app_result outcome)
{
    struct app_idem_entry *e;
    uint32_t *p, slot;

    if (!r->slots) {
        r->slots = sl_calloc(r->cap, sizeof(*r->slots));
        r->buckets = sl_calloc(r->n_buckets, sizeof(*r->buckets));
        if (!r->slots || !r->buckets) {
            app_idem_ring_release(r);
            return APP_NOMEM;
        }
    }
    slot = (uint32_t)r->next;
    e = &r->slots[slot];
    if (e->used) {
        /* the oldest key leaves its chain before its slot takes the new one */
        for (p = bucket_of(r, e->digest); *p != slot + 1; p = &r->slots[*p - 1].next)
            assert(*p);
        *p = e->next;
    }
    memcpy(e->digest, id->digest, APP_IDEM_DIGEST);
    e->used = 1;
    e->outcome = (unsigned char)outcome;
    p = bucket_of(r, id->digest);
    e->next = *p;
    *p = slot + 1;
    r->next = (r->next + 1) % r->cap;
    return APP_OK;
}
