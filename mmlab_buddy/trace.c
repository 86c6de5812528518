// SPDX-License-Identifier: GPL-2.0
/* The tracepoints of mmlab_buddy are instantiated here. */
#define CREATE_TRACE_POINTS
#include "trace.h"
