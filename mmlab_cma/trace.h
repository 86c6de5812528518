/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of mmlab_cma in the mmlab trace system. Names, fields and
 * output are those of the kernel's cma, migrate and compaction events
 * (include/trace/events/{cma,migrate,compaction}.h, 6.1); "page" is the
 * address of the mmlab_page descriptor, printed hashed.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmlab

#if !defined(_MMLAB_CMA_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMLAB_CMA_TRACE_H

#include <linux/tracepoint.h>
#include "mmlab_buddy/mmlab_buddy.h"

DECLARE_EVENT_CLASS(mmlab_cma_alloc_class,
		    TP_PROTO(const char *name, unsigned long pfn, const void *page,
			     unsigned long count, unsigned int align),
		    TP_ARGS(name, pfn, page, count, align),
		    TP_STRUCT__entry(__string(name, name)
				     __field(unsigned long, pfn)
				     __field(const void *, page)
				     __field(unsigned long, count)
				     __field(unsigned int, align)),
		    TP_fast_assign(__assign_str(name, name);
				   __entry->pfn = pfn;
				   __entry->page = page;
				   __entry->count = count;
				   __entry->align = align;),
		    TP_printk("name=%s pfn=0x%lx page=%p count=%lu align=%u",
			      __get_str(name), __entry->pfn, __entry->page,
			      __entry->count, __entry->align)
);

DEFINE_EVENT(mmlab_cma_alloc_class, cma_alloc_finish,
	     TP_PROTO(const char *name, unsigned long pfn, const void *page,
		      unsigned long count, unsigned int align),
	     TP_ARGS(name, pfn, page, count, align)
);

DEFINE_EVENT(mmlab_cma_alloc_class, cma_alloc_busy_retry,
	     TP_PROTO(const char *name, unsigned long pfn, const void *page,
		      unsigned long count, unsigned int align),
	     TP_ARGS(name, pfn, page, count, align)
);

TRACE_EVENT(cma_alloc_start,
	    TP_PROTO(const char *name, unsigned long count, unsigned int align),
	    TP_ARGS(name, count, align),
	    TP_STRUCT__entry(__string(name, name)
			     __field(unsigned long, count)
			     __field(unsigned int, align)),
	    TP_fast_assign(__assign_str(name, name);
			   __entry->count = count;
			   __entry->align = align;),
	    TP_printk("name=%s count=%lu align=%u",
		      __get_str(name), __entry->count, __entry->align)
);

TRACE_EVENT(cma_release,
	    TP_PROTO(const char *name, unsigned long pfn, const void *page,
		     unsigned long count),
	    TP_ARGS(name, pfn, page, count),
	    TP_STRUCT__entry(__string(name, name)
			     __field(unsigned long, pfn)
			     __field(const void *, page)
			     __field(unsigned long, count)),
	    TP_fast_assign(__assign_str(name, name);
			   __entry->pfn = pfn;
			   __entry->page = page;
			   __entry->count = count;),
	    TP_printk("name=%s pfn=0x%lx page=%p count=%lu",
		      __get_str(name), __entry->pfn, __entry->page,
		      __entry->count)
);

TRACE_EVENT(mm_migrate_pages,
	    TP_PROTO(unsigned long succeeded, unsigned long failed,
		     unsigned long thp_succeeded, unsigned long thp_failed,
		     unsigned long thp_split, int mode, int reason),
	    TP_ARGS(succeeded, failed, thp_succeeded, thp_failed, thp_split,
		    mode, reason),
	    TP_STRUCT__entry(__field(unsigned long, succeeded)
			     __field(unsigned long, failed)
			     __field(unsigned long, thp_succeeded)
			     __field(unsigned long, thp_failed)
			     __field(unsigned long, thp_split)
			     __field(int, mode)
			     __field(int, reason)),
	    TP_fast_assign(__entry->succeeded = succeeded;
			   __entry->failed = failed;
			   __entry->thp_succeeded = thp_succeeded;
			   __entry->thp_failed = thp_failed;
			   __entry->thp_split = thp_split;
			   __entry->mode = mode;
			   __entry->reason = reason;),
	    TP_printk("nr_succeeded=%lu nr_failed=%lu nr_thp_succeeded=%lu nr_thp_failed=%lu nr_thp_split=%lu mode=%s reason=%s",
		      __entry->succeeded, __entry->failed,
		      __entry->thp_succeeded, __entry->thp_failed,
		      __entry->thp_split,
		      __print_symbolic(__entry->mode,
				       { 0, "MIGRATE_ASYNC" },
				       { 1, "MIGRATE_SYNC_LIGHT" },
				       { 2, "MIGRATE_SYNC" }),
		      __print_symbolic(__entry->reason,
				       { 0, "compaction" },
				       { 3, "syscall_or_cpuset" },
				       { 6, "contig_range" }))
);

DECLARE_EVENT_CLASS(mmlab_compaction_isolate_template,
		    TP_PROTO(unsigned long start_pfn, unsigned long end_pfn,
			     unsigned long nr_scanned, unsigned long nr_taken),
		    TP_ARGS(start_pfn, end_pfn, nr_scanned, nr_taken),
		    TP_STRUCT__entry(__field(unsigned long, start_pfn)
				     __field(unsigned long, end_pfn)
				     __field(unsigned long, nr_scanned)
				     __field(unsigned long, nr_taken)),
		    TP_fast_assign(__entry->start_pfn = start_pfn;
				   __entry->end_pfn = end_pfn;
				   __entry->nr_scanned = nr_scanned;
				   __entry->nr_taken = nr_taken;),
		    TP_printk("range=(0x%lx ~ 0x%lx) nr_scanned=%lu nr_taken=%lu",
			      __entry->start_pfn, __entry->end_pfn,
			      __entry->nr_scanned, __entry->nr_taken)
);

DEFINE_EVENT(mmlab_compaction_isolate_template,
	     mm_compaction_isolate_migratepages,
	     TP_PROTO(unsigned long start_pfn, unsigned long end_pfn,
		      unsigned long nr_scanned, unsigned long nr_taken),
	     TP_ARGS(start_pfn, end_pfn, nr_scanned, nr_taken)
);

DEFINE_EVENT(mmlab_compaction_isolate_template,
	     mm_compaction_isolate_freepages,
	     TP_PROTO(unsigned long start_pfn, unsigned long end_pfn,
		      unsigned long nr_scanned, unsigned long nr_taken),
	     TP_ARGS(start_pfn, end_pfn, nr_scanned, nr_taken)
);

TRACE_EVENT(mm_compaction_begin,
	    TP_PROTO(unsigned long zone_start, unsigned long migrate_pfn,
		     unsigned long free_pfn, unsigned long zone_end, bool sync),
	    TP_ARGS(zone_start, migrate_pfn, free_pfn, zone_end, sync),
	    TP_STRUCT__entry(__field(unsigned long, zone_start)
			     __field(unsigned long, migrate_pfn)
			     __field(unsigned long, free_pfn)
			     __field(unsigned long, zone_end)
			     __field(bool, sync)),
	    TP_fast_assign(__entry->zone_start = zone_start;
			   __entry->migrate_pfn = migrate_pfn;
			   __entry->free_pfn = free_pfn;
			   __entry->zone_end = zone_end;
			   __entry->sync = sync;),
	    TP_printk("zone_start=0x%lx migrate_pfn=0x%lx free_pfn=0x%lx zone_end=0x%lx, mode=%s",
		      __entry->zone_start, __entry->migrate_pfn,
		      __entry->free_pfn, __entry->zone_end,
		      __entry->sync ? "sync" : "async")
);

TRACE_EVENT(mm_compaction_end,
	    TP_PROTO(unsigned long zone_start, unsigned long migrate_pfn,
		     unsigned long free_pfn, unsigned long zone_end, bool sync,
		     int status),
	    TP_ARGS(zone_start, migrate_pfn, free_pfn, zone_end, sync, status),
	    TP_STRUCT__entry(__field(unsigned long, zone_start)
			     __field(unsigned long, migrate_pfn)
			     __field(unsigned long, free_pfn)
			     __field(unsigned long, zone_end)
			     __field(bool, sync)
			     __string(status, mmlab_compact_result_name(status))),
	    TP_fast_assign(__entry->zone_start = zone_start;
			   __entry->migrate_pfn = migrate_pfn;
			   __entry->free_pfn = free_pfn;
			   __entry->zone_end = zone_end;
			   __entry->sync = sync;
			   __assign_str(status, mmlab_compact_result_name(status));),
	    TP_printk("zone_start=0x%lx migrate_pfn=0x%lx free_pfn=0x%lx zone_end=0x%lx, mode=%s status=%s",
		      __entry->zone_start, __entry->migrate_pfn,
		      __entry->free_pfn, __entry->zone_end,
		      __entry->sync ? "sync" : "async",
		      __get_str(status))
);

TRACE_EVENT(mm_compaction_try_to_compact_pages,
	    TP_PROTO(int order, unsigned int gfp_mask, int prio),
	    TP_ARGS(order, gfp_mask, prio),
	    TP_STRUCT__entry(__field(int, order)
			     __field(unsigned int, gfp_mask)
			     __field(int, prio)),
	    TP_fast_assign(__entry->order = order;
			   __entry->gfp_mask = gfp_mask;
			   __entry->prio = prio;),
	    TP_printk("order=%d gfp_mask=%#x priority=%d",
		      __entry->order, __entry->gfp_mask, __entry->prio)
);

TRACE_EVENT(mm_compaction_suitable,
	    TP_PROTO(int nid, int order, int ret),
	    TP_ARGS(nid, order, ret),
	    TP_STRUCT__entry(__field(int, nid)
			     __field(int, order)
			     __string(ret, mmlab_compact_result_name(ret))),
	    TP_fast_assign(__entry->nid = nid;
			   __entry->order = order;
			   __assign_str(ret, mmlab_compact_result_name(ret));),
	    TP_printk("node=%d zone=Normal   order=%d ret=%s",
		      __entry->nid, __entry->order, __get_str(ret))
);

DECLARE_EVENT_CLASS(mmlab_compaction_defer_template,
		    TP_PROTO(int nid, int order, unsigned int considered,
			     unsigned int defer_shift, int order_failed),
		    TP_ARGS(nid, order, considered, defer_shift, order_failed),
		    TP_STRUCT__entry(__field(int, nid)
				     __field(int, order)
				     __field(unsigned int, considered)
				     __field(unsigned int, defer_shift)
				     __field(int, order_failed)),
		    TP_fast_assign(__entry->nid = nid;
				   __entry->order = order;
				   __entry->considered = considered;
				   __entry->defer_shift = defer_shift;
				   __entry->order_failed = order_failed;),
		    TP_printk("node=%d zone=Normal   order=%d order_failed=%d consider=%u limit=%lu",
			      __entry->nid, __entry->order,
			      __entry->order_failed, __entry->considered,
			      1UL << __entry->defer_shift)
);

DEFINE_EVENT(mmlab_compaction_defer_template, mm_compaction_deferred,
	     TP_PROTO(int nid, int order, unsigned int considered,
		      unsigned int defer_shift, int order_failed),
	     TP_ARGS(nid, order, considered, defer_shift, order_failed)
);

DEFINE_EVENT(mmlab_compaction_defer_template, mm_compaction_defer_compaction,
	     TP_PROTO(int nid, int order, unsigned int considered,
		      unsigned int defer_shift, int order_failed),
	     TP_ARGS(nid, order, considered, defer_shift, order_failed)
);

DEFINE_EVENT(mmlab_compaction_defer_template, mm_compaction_defer_reset,
	     TP_PROTO(int nid, int order, unsigned int considered,
		      unsigned int defer_shift, int order_failed),
	     TP_ARGS(nid, order, considered, defer_shift, order_failed)
);

/* mmlab's one zone per region is the kernel's ZONE_NORMAL. */
DECLARE_EVENT_CLASS(mmlab_kcompactd_wake_template,
		    TP_PROTO(int nid, int order, int highest_zoneidx),
		    TP_ARGS(nid, order, highest_zoneidx),
		    TP_STRUCT__entry(__field(int, nid)
				     __field(int, order)
				     __field(int, highest_zoneidx)),
		    TP_fast_assign(__entry->nid = nid;
				   __entry->order = order;
				   __entry->highest_zoneidx = highest_zoneidx;),
		    TP_printk("nid=%d order=%d highest_zoneidx=%-8s",
			      __entry->nid, __entry->order,
			      __print_symbolic(__entry->highest_zoneidx,
					       { 0, "Normal" }))
);

DEFINE_EVENT(mmlab_kcompactd_wake_template, mm_compaction_wakeup_kcompactd,
	     TP_PROTO(int nid, int order, int highest_zoneidx),
	     TP_ARGS(nid, order, highest_zoneidx)
);

DEFINE_EVENT(mmlab_kcompactd_wake_template, mm_compaction_kcompactd_wake,
	     TP_PROTO(int nid, int order, int highest_zoneidx),
	     TP_ARGS(nid, order, highest_zoneidx)
);

TRACE_EVENT(mm_compaction_kcompactd_sleep,
	    TP_PROTO(int nid),
	    TP_ARGS(nid),
	    TP_STRUCT__entry(__field(int, nid)),
	    TP_fast_assign(__entry->nid = nid;),
	    TP_printk("nid=%d", __entry->nid)
);

#endif /* _MMLAB_CMA_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
