/* Why a lab stops early: SIGINT, SIGTERM or SIGHUP, caught into one flag. */
/* SPDX-License-Identifier: MIT */
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#include "lab/lab_signals.h"
#include "banned.h"

static atomic_int stop_signal;

/* Only sets the flag: the main thread and the client's threads look at it. */
static void on_signal(int sig)
{
    atomic_store(&stop_signal, sig);
}

void lab_signals_install(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int lab_interrupted(void)
{
    return atomic_load(&stop_signal) != 0;
}
