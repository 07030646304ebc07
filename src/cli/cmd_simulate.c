/* `scalelab simulate` as text or JSON, with a progress bar on a terminal. */
/* SPDX-License-Identifier: MIT */
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "banned.h"

struct bar {
    struct timespec start;
    int shown;
};

static double elapsed_s(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Draws a bar on stderr once the run has taken more than a second. */
static void draw_progress(void *ctx, double fraction)
{
    struct bar *b = ctx;
    int filled = (int)(fraction * 40.0), i;

    if (!b->shown && elapsed_s(&b->start) < 1.0)
        return;
    b->shown = 1;
    fputs("\rsimulating [", stderr);
    for (i = 0; i < 40; i++)
        fputc(i < filled ? '#' : ' ', stderr);
    fprintf(stderr, "] %3.0f%%", fraction * 100.0);
    fflush(stderr);
}

static void print_report(const struct sl_sim_result *r)
{
    char a[32], b[32], c[32], d[32], e[32];
    size_t i;

    printf("Simulated %llu requests (seed %llu, %ld replication%s), %ld servers x %ld cores, "
           "lb %s, state %s\n\n", (unsigned long long)r->offered, (unsigned long long)r->seed,
           r->replications, r->replications == 1 ? "" : "s", r->config.servers, r->config.cores,
           sl_sim_lb_name(r->config.lb), sl_state_name(r->state));
    printf("  offered       %.1f req/s in the measured window (after %.1f s of warm-up)\n",
           r->offered_rps, r->warmup_s);
    printf("  throughput    %.1f req/s\n", r->throughput_rps);
    printf("  completed     %llu   dropped %llu   timed out %llu   lost to failures %llu\n",
           (unsigned long long)r->completed, (unsigned long long)r->dropped,
           (unsigned long long)r->timed_out, (unsigned long long)r->failed);
    printf("  response      mean %s [95%% CI %s .. %s]\n",
           cmd_fmt_seconds(a, sizeof(a), r->resp_mean),
           cmd_fmt_seconds(b, sizeof(b), r->resp_ci_lo),
           cmd_fmt_seconds(c, sizeof(c), r->resp_ci_hi));
    printf("                p50 %s  p90 %s  p99 %s  p99.9 %s\n",
           cmd_fmt_seconds(a, sizeof(a), r->resp_p50), cmd_fmt_seconds(b, sizeof(b), r->resp_p90),
           cmd_fmt_seconds(d, sizeof(d), r->resp_p99), cmd_fmt_seconds(e, sizeof(e), r->resp_p999));
    printf("  wait          mean %s  p99 %s\n", cmd_fmt_seconds(a, sizeof(a), r->wait_mean),
           cmd_fmt_seconds(b, sizeof(b), r->wait_p99));
    printf("  Little's law  L = %.4g measured, lambda W = %.4g (%.2f%% apart)\n", r->little_l,
           r->little_lambda * r->little_w, r->little_rel_error * 100.0);
    if (r->unstable)
        printf("  UNSTABLE      the queue grew without bound; the run was stopped\n");
    if (r->state == SL_STATE_MEMORY || r->state == SL_STATE_STICKY)
        printf("  state         %llu of %llu returning requests lost their session (%.2f%%), "
               "counter error %.2f%%, %llu double bookings\n",
               (unsigned long long)r->sessions_lost, (unsigned long long)r->session_requests,
               r->lost_fraction * 100.0, r->counter_error * 100.0,
               (unsigned long long)r->lock_violations);
    else
        printf("  state         sessions %s: none lost; counter error %.2f%%, %llu double "
               "bookings\n", r->state == SL_STATE_STORE ? "in the shared store"
                                                         : "in signed tokens",
               r->counter_error * 100.0, (unsigned long long)r->lock_violations);
    printf("\n  server  utilisation  share\n");
    for (i = 0; i < r->n_servers && i < 32; i++)
        printf("  %6ld  %10.1f%%  %5.1f%%\n", r->servers[i].id, r->servers[i].utilization * 100,
               r->servers[i].share * 100);
    if (r->n_servers > 32)
        printf("  ... %zu servers in all (--json lists every one)\n", r->n_servers);
}

int cli_simulate(struct cmd_input *in)
{
    struct cmd_simulate_out *out;
    struct bar bar = { { 0, 0 }, 0 };
    char err[SL_ERR_LEN] = "";
    int st;

    if (cmd_given(in, "progress") && cmd_given(in, "no-progress"))
        return cli_usage_error("--progress and --no-progress cannot be combined");
    out = sl_malloc(sizeof(*out));
    if (!out)
        return cli_runtime_error("out of memory");
    if (cmd_given(in, "progress") || (!cmd_given(in, "no-progress") && isatty(2))) {
        clock_gettime(CLOCK_MONOTONIC, &bar.start);
        in->progress = draw_progress;
        in->progress_ctx = &bar;
    }
    st = cmd_simulate_run(in, out, err, sizeof(err));
    if (bar.shown)
        fputs("\r\033[K", stderr);
    st = cli_report(st, err);
    if (!st) {
        if (in->json)
            st = cli_print_json(sl_sim_json(&out->result), "out of memory");
        else
            print_report(&out->result);
        sl_sim_result_release(&out->result);
    }
    sl_free(out);
    return st;
}
