/* Visibility macro for the public symbols of the scalelab library. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_API_H
#define SL_API_H

#define SL_API __attribute__((visibility("default")))

/* Length of the caller-owned error buffers the library fills (err, errlen). */
#define SL_ERR_LEN 256

#endif
