/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of mmlab_slub in the mmlab trace system. Names, fields and
 * output are those of the kernel's kmem events (include/trace/events/kmem.h,
 * 6.1); gfp_flags are mmlab's MMLAB_GFP_* bits.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmlab

#if !defined(_MMLAB_SLUB_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMLAB_SLUB_TRACE_H

#include <linux/tracepoint.h>
#include "internal.h"

TRACE_EVENT(kmem_cache_alloc,
	    TP_PROTO(unsigned long call_site, const void *ptr,
		     struct mmlab_kmem_cache *s, mmlab_gfp_t gfp_flags,
		     int node),
	    TP_ARGS(call_site, ptr, s, gfp_flags, node),
	    TP_STRUCT__entry(__field(unsigned long, call_site)
			     __field(const void *, ptr)
			     __field(size_t, bytes_req)
			     __field(size_t, bytes_alloc)
			     __field(unsigned long, gfp_flags)
			     __field(int, node)
			     __field(bool, accounted)),
	    TP_fast_assign(__entry->call_site = call_site;
			   __entry->ptr = ptr;
			   __entry->bytes_req = s->object_size;
			   __entry->bytes_alloc = s->size;
			   __entry->gfp_flags = (__force unsigned long)gfp_flags;
			   __entry->node = node;
			   __entry->accounted = false;),
	    TP_printk("call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s node=%d accounted=%s",
		      (void *)__entry->call_site, __entry->ptr,
		      __entry->bytes_req, __entry->bytes_alloc,
		      __entry->gfp_flags ?
		      show_mmlab_gfp_flags(__entry->gfp_flags) : "none",
		      __entry->node, __entry->accounted ? "true" : "false")
);

TRACE_EVENT(kmalloc,
	    TP_PROTO(unsigned long call_site, const void *ptr,
		     size_t bytes_req, size_t bytes_alloc,
		     mmlab_gfp_t gfp_flags, int node),
	    TP_ARGS(call_site, ptr, bytes_req, bytes_alloc, gfp_flags, node),
	    TP_STRUCT__entry(__field(unsigned long, call_site)
			     __field(const void *, ptr)
			     __field(size_t, bytes_req)
			     __field(size_t, bytes_alloc)
			     __field(unsigned long, gfp_flags)
			     __field(int, node)),
	    TP_fast_assign(__entry->call_site = call_site;
			   __entry->ptr = ptr;
			   __entry->bytes_req = bytes_req;
			   __entry->bytes_alloc = bytes_alloc;
			   __entry->gfp_flags = (__force unsigned long)gfp_flags;
			   __entry->node = node;),
	    TP_printk("call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s node=%d accounted=false",
		      (void *)__entry->call_site, __entry->ptr,
		      __entry->bytes_req, __entry->bytes_alloc,
		      __entry->gfp_flags ?
		      show_mmlab_gfp_flags(__entry->gfp_flags) : "none",
		      __entry->node)
);

TRACE_EVENT(kfree,
	    TP_PROTO(unsigned long call_site, const void *ptr),
	    TP_ARGS(call_site, ptr),
	    TP_STRUCT__entry(__field(unsigned long, call_site)
			     __field(const void *, ptr)),
	    TP_fast_assign(__entry->call_site = call_site;
			   __entry->ptr = ptr;),
	    TP_printk("call_site=%pS ptr=%p",
		      (void *)__entry->call_site, __entry->ptr)
);

TRACE_EVENT(kmem_cache_free,
	    TP_PROTO(unsigned long call_site, const void *ptr,
		     const struct mmlab_kmem_cache *s),
	    TP_ARGS(call_site, ptr, s),
	    TP_STRUCT__entry(__field(unsigned long, call_site)
			     __field(const void *, ptr)
			     __string(name, s->name)),
	    TP_fast_assign(__entry->call_site = call_site;
			   __entry->ptr = ptr;
			   __assign_str(name, s->name);),
	    TP_printk("call_site=%pS ptr=%p name=%s",
		      (void *)__entry->call_site, __entry->ptr,
		      __get_str(name))
);

#endif /* _MMLAB_SLUB_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
