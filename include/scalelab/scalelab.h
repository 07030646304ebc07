/* The scalelab model library: include this one header to get every module. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_SCALELAB_H
#define SL_SCALELAB_H

#include "scalelab/alloc.h"
#include "scalelab/status.h"
#include "scalelab/parse.h"
#include "scalelab/catalog.h"
#include "scalelab/workload.h"
#include "scalelab/capacity.h"
#include "scalelab/plan.h"
#include "scalelab/report.h"
#include "scalelab/queueing.h"
#include "scalelab/network.h"
#include "scalelab/rng.h"
#include "scalelab/hist.h"
#include "scalelab/sim.h"
#include "scalelab/usl.h"
#include "scalelab/quiz.h"

#endif
