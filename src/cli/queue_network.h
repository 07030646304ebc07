/* The network form of `scalelab queue` (--station): prints one solved network. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_QUEUE_NETWORK_H
#define SL_QUEUE_NETWORK_H

#include <stddef.h>

#include "cli.h"
#include "scalelab/network.h"

/* Prints a solved network as text, or as CSV or JSON; an exit status. */
int queue_network_print(const struct sl_station *st, const struct sl_network_result *r, int json,
                        int csv);

#endif
