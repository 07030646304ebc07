/* The network mode of `scalelab queue` (--station): solves and prints one network. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_QUEUE_NETWORK_H
#define SL_QUEUE_NETWORK_H

#include <stddef.h>

#include "cli.h"
#include "scalelab/network.h"

/* What selects the solve: an open network at load_rps, or a closed one of users thinking. */
struct queue_network_args {
    int closed;
    double load_rps;
    long users;
    double think_s;
};

/* Solves the network and prints it as text, CSV or JSON (common's flags); an exit status. */
int queue_network_run(const struct sl_station *st, size_t n, const struct queue_network_args *a,
                      const struct cli_common *common);

#endif
