/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of mmlab_fault in the mmlab trace system: one event per
 * fault kind (see enum mmlab_fault_kind).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmlab

#if !defined(_MMLAB_FAULT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMLAB_FAULT_TRACE_H

#include <linux/tracepoint.h>

DECLARE_EVENT_CLASS(mmlab_fault_class,
		    TP_PROTO(int pid, unsigned long address, unsigned long pfn),
		    TP_ARGS(pid, address, pfn),
		    TP_STRUCT__entry(__field(int, pid)
				     __field(unsigned long, address)
				     __field(unsigned long, pfn)),
		    TP_fast_assign(__entry->pid = pid;
				   __entry->address = address;
				   __entry->pfn = pfn;),
		    TP_printk("pid=%d address=0x%lx pfn=0x%lx",
			      __entry->pid, __entry->address, __entry->pfn)
);

DEFINE_EVENT(mmlab_fault_class, mmlab_fault_zero,
	     TP_PROTO(int pid, unsigned long address, unsigned long pfn),
	     TP_ARGS(pid, address, pfn));
DEFINE_EVENT(mmlab_fault_class, mmlab_fault_new,
	     TP_PROTO(int pid, unsigned long address, unsigned long pfn),
	     TP_ARGS(pid, address, pfn));
DEFINE_EVENT(mmlab_fault_class, mmlab_fault_cow_copy,
	     TP_PROTO(int pid, unsigned long address, unsigned long pfn),
	     TP_ARGS(pid, address, pfn));
DEFINE_EVENT(mmlab_fault_class, mmlab_fault_cow_reuse,
	     TP_PROTO(int pid, unsigned long address, unsigned long pfn),
	     TP_ARGS(pid, address, pfn));
DEFINE_EVENT(mmlab_fault_class, mmlab_fault_map,
	     TP_PROTO(int pid, unsigned long address, unsigned long pfn),
	     TP_ARGS(pid, address, pfn));

#endif /* _MMLAB_FAULT_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
