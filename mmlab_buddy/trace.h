/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of mmlab_buddy in the mmlab trace system. Names and fields
 * are those of the kernel's kmem, vmscan and oom (compact_retry) events (6.1, plus
 * mm_setup_per_zone_wmarks of later kernels); gfp_flags are mmlab's
 * __MMLAB_GFP_* bits, printed with the kernel's names.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmlab

#if !defined(_MMLAB_BUDDY_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMLAB_BUDDY_TRACE_H

#include <linux/tracepoint.h>
#include "mmlab_buddy/mmlab_buddy.h"

TRACE_EVENT(mm_page_alloc,
	    TP_PROTO(unsigned long pfn, unsigned int order,
		     unsigned long gfp_flags, int migratetype),
	    TP_ARGS(pfn, order, gfp_flags, migratetype),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned int, order)
			     __field(unsigned long, gfp_flags)
			     __field(int, migratetype)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->order = order;
			   __entry->gfp_flags = gfp_flags;
			   __entry->migratetype = migratetype;),
	    TP_printk("pfn=0x%lx order=%d migratetype=%d gfp_flags=%s",
		      __entry->pfn != -1UL ? __entry->pfn : 0,
		      __entry->order, __entry->migratetype,
		      __entry->gfp_flags ?
		      show_mmlab_gfp_flags(__entry->gfp_flags) : "none")
);

TRACE_EVENT(mm_page_free,
	    TP_PROTO(unsigned long pfn, unsigned int order),
	    TP_ARGS(pfn, order),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned int, order)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->order = order;),
	    TP_printk("pfn=0x%lx order=%d", __entry->pfn, __entry->order)
);

TRACE_EVENT(mm_page_pcpu_drain,
	    TP_PROTO(unsigned long pfn, unsigned int order, int migratetype),
	    TP_ARGS(pfn, order, migratetype),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned int, order)
			     __field(int, migratetype)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->order = order;
			   __entry->migratetype = migratetype;),
	    TP_printk("pfn=0x%lx order=%d migratetype=%d",
		      __entry->pfn, __entry->order, __entry->migratetype)
);

TRACE_EVENT(mm_page_alloc_extfrag,
	    TP_PROTO(unsigned long pfn, int alloc_order, int fallback_order,
		     int alloc_migratetype, int fallback_migratetype,
		     int change_ownership),
	    TP_ARGS(pfn, alloc_order, fallback_order, alloc_migratetype,
		    fallback_migratetype, change_ownership),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(int, alloc_order)
			     __field(int, fallback_order)
			     __field(int, alloc_migratetype)
			     __field(int, fallback_migratetype)
			     __field(int, change_ownership)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->alloc_order = alloc_order;
			   __entry->fallback_order = fallback_order;
			   __entry->alloc_migratetype = alloc_migratetype;
			   __entry->fallback_migratetype = fallback_migratetype;
			   __entry->change_ownership = change_ownership;),
	    TP_printk("pfn=0x%lx alloc_order=%d fallback_order=%d pageblock_order=%d alloc_migratetype=%d fallback_migratetype=%d fragmenting=%d change_ownership=%d",
		      __entry->pfn, __entry->alloc_order,
		      __entry->fallback_order, MMLAB_PAGEBLOCK_ORDER,
		      __entry->alloc_migratetype,
		      __entry->fallback_migratetype,
		      __entry->fallback_order < MMLAB_PAGEBLOCK_ORDER,
		      __entry->change_ownership)
);

TRACE_EVENT(mm_setup_per_zone_wmarks,
	    TP_PROTO(int node_id, const char *name,
		     unsigned long watermark_min, unsigned long watermark_low,
		     unsigned long watermark_high),
	    TP_ARGS(node_id, name, watermark_min, watermark_low,
		    watermark_high),
	    TP_STRUCT__entry(__field(int, node_id)
			     __string(name, name)
			     __field(unsigned long, watermark_min)
			     __field(unsigned long, watermark_low)
			     __field(unsigned long, watermark_high)),
	    TP_fast_assign(__entry->node_id = node_id;
			   __assign_str(name, name);
			   __entry->watermark_min = watermark_min;
			   __entry->watermark_low = watermark_low;
			   __entry->watermark_high = watermark_high;),
	    TP_printk("node_id=%d zone name=%s watermark min=%lu low=%lu high=%lu",
		      __entry->node_id, __get_str(name),
		      __entry->watermark_min, __entry->watermark_low,
		      __entry->watermark_high)
);

/* kswapd woken: the same fields on both sides. */
DECLARE_EVENT_CLASS(mmlab_kswapd_wake_class,
		    TP_PROTO(int nid, int zid, int order),
		    TP_ARGS(nid, zid, order),
		    TP_STRUCT__entry(__field(int, nid)
				     __field(int, zid)
				     __field(int, order)),
		    TP_fast_assign(__entry->nid = nid;
				   __entry->zid = zid;
				   __entry->order = order;),
		    TP_printk("nid=%d order=%d", __entry->nid, __entry->order)
);

/* kswapd's side, as it starts a run. */
DEFINE_EVENT(mmlab_kswapd_wake_class, mm_vmscan_kswapd_wake,
	     TP_PROTO(int nid, int zid, int order),
	     TP_ARGS(nid, zid, order)
);

/* The waker's side; 6.1 also prints the gfp flags, which mmlab's wakers do not pass. */
DEFINE_EVENT(mmlab_kswapd_wake_class, mm_vmscan_wakeup_kswapd,
	     TP_PROTO(int nid, int zid, int order),
	     TP_ARGS(nid, zid, order)
);

TRACE_EVENT(mm_vmscan_kswapd_sleep,
	    TP_PROTO(int nid),
	    TP_ARGS(nid),
	    TP_STRUCT__entry(__field(int, nid)),
	    TP_fast_assign(__entry->nid = nid;),
	    TP_printk("nid=%d", __entry->nid)
);

TRACE_DEFINE_ENUM(MMLAB_COMPACT_PRIO_SYNC_FULL);
TRACE_DEFINE_ENUM(MMLAB_COMPACT_PRIO_SYNC_LIGHT);
TRACE_DEFINE_ENUM(MMLAB_COMPACT_PRIO_ASYNC);

TRACE_EVENT(compact_retry,
	    TP_PROTO(int order, int priority, int result, int retries,
		     int max_retries, bool ret),
	    TP_ARGS(order, priority, result, retries, max_retries, ret),
	    TP_STRUCT__entry(__field(int, order)
			     __field(int, priority)
			     __string(result, mmlab_compact_result_name(result))
			     __field(int, retries)
			     __field(int, max_retries)
			     __field(bool, ret)),
	    TP_fast_assign(__entry->order = order;
			   __entry->priority = priority;
			   __assign_str(result, mmlab_compact_result_name(result));
			   __entry->retries = retries;
			   __entry->max_retries = max_retries;
			   __entry->ret = ret;),
	    TP_printk("order=%d priority=%s compaction_result=%s retries=%d max_retries=%d should_retry=%d",
		      __entry->order,
		      __print_symbolic(__entry->priority,
				       { MMLAB_COMPACT_PRIO_SYNC_FULL, "COMPACT_PRIO_SYNC_FULL" },
				       { MMLAB_COMPACT_PRIO_SYNC_LIGHT, "COMPACT_PRIO_SYNC_LIGHT" },
				       { MMLAB_COMPACT_PRIO_ASYNC, "COMPACT_PRIO_ASYNC" }),
		      __get_str(result),
		      __entry->retries, __entry->max_retries, __entry->ret)
);

#endif /* _MMLAB_BUDDY_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
