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
extern const struct cmd_def cmd_def_simulate;
extern const struct cmd_def cmd_def_fit;
extern const struct cmd_def cmd_def_quiz;

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

/*
 * `simulate`: a discrete-event run. The API's runs are bounded: in->sim_budget event-equivalents
 * (0: CMD_API_SIM_BUDGET), at most 2 threads, stopped by in->cancel. On the command line
 * in->progress (when set) is called with the fraction done. On CMD_OK out->result belongs to
 * the caller (sl_sim_result_release); otherwise it holds nothing.
 */
struct cmd_simulate_out {
    struct sl_sim_result result;
};
int cmd_simulate_run(const struct cmd_input *in, struct cmd_simulate_out *out, char *err,
                     size_t errlen);

/* Most concurrencies one fit predicts at. */
#define CMD_FIT_MAX_PREDICT 64

/*
 * `fit`: the USL fitted to measurements, from --points or from the file the command line read
 * into in->input_text. On CMD_OK out->fit belongs to the caller (sl_usl_fit_release);
 * otherwise it holds nothing.
 */
struct cmd_fit_out {
    struct sl_usl_fit fit;
    double predict[CMD_FIT_MAX_PREDICT]; /* --predict: concurrencies to predict at */
    size_t npredict;
    const char *label;                   /* where the measurements came from (borrowed) */
};
int cmd_fit_run(const struct cmd_input *in, struct cmd_fit_out *out, char *err, size_t errlen);

/*
 * `quiz`: the embedded quiz, the questions to ask (--question) and the answers given with
 * --answers. Release with cmd_quiz_out_release whatever the status.
 */
struct cmd_quiz_out {
    struct sl_quiz *quiz;                       /* owned */
    const struct sl_quiz_question **questions;  /* those to ask, borrowed from quiz; owned array */
    size_t nquestions;
    size_t *answers;                            /* --answers, 0-based; NULL: ask on stdin */
    size_t nanswers;
};
int cmd_quiz_run(const struct cmd_input *in, struct cmd_quiz_out *out, char *err,
                 size_t errlen);
void cmd_quiz_out_release(struct cmd_quiz_out *out);

#endif
