/* Helpers shared by every JSON encoder of scalelab (library reports, the lab's report). */
/* SPDX-License-Identifier: MIT */
#ifndef SL_JSON_H
#define SL_JSON_H

#include <jansson.h>
#include <stdint.h>
#include "scalelab/api.h"

/* A real, or null when v is NaN or infinite (JSON has neither). */
SL_API json_t *sl_json_num(double v);

/* A whole count; beyond int64 it becomes a real. */
SL_API json_t *sl_json_count(uint64_t n);

/*
 * An unsigned 64-bit identifier such as a seed, exactly: a JSON integer up to 2^53 (which every
 * reader holds as a double without loss), the decimal digits in a string above.
 */
SL_API json_t *sl_json_u64(uint64_t n);

/* Sets o[key] = value, taking value; nonzero if value is NULL or memory ran out. */
SL_API int sl_json_put(json_t *o, const char *key, json_t *value);

/* Returns o, or frees it and returns NULL when bad (an earlier put failed, or o is NULL). */
SL_API json_t *sl_json_done(json_t *o, int bad);

/*
 * Serialises doc with the one set of flags every document uses and frees doc. The text is the
 * caller's, freed with sl_free; NULL on failure.
 */
SL_API char *sl_json_dump(json_t *doc);

#endif
