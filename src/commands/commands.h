/* Each command's declaration and what it computes, for the front ends that render it. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_COMMANDS_H
#define SL_COMMANDS_H

#include "command.h"

extern const struct cmd_def cmd_def_compare;
extern const struct cmd_def cmd_def_curve;
extern const struct cmd_def cmd_def_plan;
extern const struct cmd_def cmd_def_catalogs;
extern const struct cmd_def cmd_def_queue;

/* `compare`: both plans at each load (in->loads), on the catalog the request names. */
struct cmd_compare_out {
    struct sl_catalog *catalog;
    struct sl_comparison rows[CMD_MAX_LOADS];
    size_t n;
};
int cmd_compare_run(const struct cmd_input *in, struct cmd_compare_out *out, char *err,
                    size_t errlen);
void cmd_compare_release(struct cmd_compare_out *out);

/* `plan`: both plans at --load, with the workload they were planned for. */
struct cmd_plan_out {
    struct sl_catalog *catalog;
    struct sl_workload w;
    struct sl_comparison cmp;
};
int cmd_plan_run(const struct cmd_input *in, struct cmd_plan_out *out, char *err,
                 size_t errlen);

/* `curve`: n log-spaced points from --from to --to. */
struct cmd_curve_out {
    struct sl_catalog *catalog;
    struct sl_curve_point *points;
    long n;
};
int cmd_curve_run(const struct cmd_input *in, struct cmd_curve_out *out, char *err,
                  size_t errlen);
void cmd_curve_release(struct cmd_curve_out *out);

/* `catalogs`: the one catalog named (*only, an embedded name), or NULL for all of them. */
int cmd_catalogs_only(const struct cmd_input *in, const char **only, char *err, size_t errlen);

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
