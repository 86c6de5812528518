// SPDX-License-Identifier: GPL-2.0
/* The one file that instantiates mmlab_cma's tracepoints. */
#define CREATE_TRACE_POINTS
#include "trace.h"
