/* Status codes returned by every fallible function of the scalelab library. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_STATUS_H
#define SL_STATUS_H

#include "scalelab/api.h"

/*
 * Codes are never renumbered; new ones are appended.
 */
enum sl_status {
    SL_OK = 0,            /* success */
    SL_E_INVALID = 1,     /* a value is out of range or malformed */
    SL_E_NOMEM = 2,       /* an allocation failed */
    SL_E_TOO_LARGE = 3,   /* input exceeds a fixed cap */
    SL_E_NOT_FOUND = 4,   /* a named thing (catalog, instance) does not exist */
    SL_E_INFEASIBLE = 5,  /* no plan can serve the requested load */
    SL_E_IO = 6,          /* reading or writing a file failed */
    SL_E_CANCELLED = 7    /* the caller's cancel flag stopped the work */
};

/* A short lowercase name for a status; never NULL, borrowed forever. */
SL_API const char *sl_status_str(enum sl_status st);

#endif
