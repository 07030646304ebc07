/* Each command's declaration and what it computes, for the front ends that render it. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_COMMANDS_H
#define SL_COMMANDS_H

#include "command.h"

extern const struct cmd_def cmd_def_queue;
extern const struct cmd_def cmd_def_man;
extern const struct cmd_def cmd_def_completion;

/* `queue`: one station (M/M/c, M/M/c/K, M/G/c, closed) or a network of stations. */
struct cmd_queue_out {
    int network;                       /* 1: stations and net; 0: station */
    struct sl_queue_result station;
    struct sl_station stations[SL_NETWORK_MAX_STATIONS];
    size_t nstations;
    struct sl_network_result net;
};
int cmd_queue_run(const struct cmd_input *in, struct cmd_queue_out *out, char *err,
                  size_t errlen);

#endif
