/* Names of the library's status codes. */
/* SPDX-License-Identifier: MIT */
#include "scalelab/status.h"
#include "banned.h"

const char *sl_status_str(enum sl_status st)
{
    switch (st) {
    case SL_OK: return "ok";
    case SL_E_INVALID: return "invalid value";
    case SL_E_NOMEM: return "out of memory";
    case SL_E_TOO_LARGE: return "input too large";
    case SL_E_NOT_FOUND: return "not found";
    case SL_E_INFEASIBLE: return "infeasible";
    case SL_E_IO: return "input/output error";
    case SL_E_CANCELLED: return "cancelled";
    }
    return "unknown status";
}
