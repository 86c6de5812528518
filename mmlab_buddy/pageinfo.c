// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_buddy: /sys/kernel/debug/mmlab/pageinfo, the state of every page
 * frame of every region, one line per run of frames in the same state:
 *
 *   node start_pfn end_pfn pages state [detail]
 *
 * end_pfn is one past the run's last frame. The states: reserved (the
 * descriptor array), free, cma-free and isolated (free blocks on the
 * buddy's lists, by the list's migratetype), pcp (on a per-CPU list),
 * hwpoison, busy (between two states while the walk looked), and for
 * allocated frames their owner: kernel, slab, vmalloc, user, zero,
 * cma-used, test. An allocated frame isolated for migration is
 * "isolated" with its owner as detail.
 *
 * The walk takes the zone lock one pageblock at a time, so the free lists
 * are seen consistently within a pageblock; per-CPU lists and allocated
 * frames are a racy snapshot, as /proc/kpageflags is.
 *
 * A frame the bad page checks took out of circulation is "bad", with the
 * owner it had as detail.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "internal.h"

#define PAGEINFO_DETAIL_LEN	40

/**
 * struct pageinfo_run - frames of one state, being gathered for one line.
 * @start: first pfn.
 * @end: one past the last pfn.
 * @state: the state's name, NULL while the run is empty.
 * @detail: order, migratetype, owner or mapcount, "" for none.
 */
struct pageinfo_run {
	unsigned long start;
	unsigned long end;
	const char *state;
	char detail[PAGEINFO_DETAIL_LEN];
};

static const char * const pageinfo_owner_names[MMLAB_NR_OWNERS] = {
	[MMLAB_OWNER_FREE]	= "free",
	[MMLAB_OWNER_RESERVED]	= "reserved",
	[MMLAB_OWNER_KERNEL]	= "kernel",
	[MMLAB_OWNER_SLAB]	= "slab",
	[MMLAB_OWNER_VMALLOC]	= "vmalloc",
	[MMLAB_OWNER_USER]	= "user",
	[MMLAB_OWNER_ZERO]	= "zero",
	[MMLAB_OWNER_CMA]	= "cma-used",
	[MMLAB_OWNER_TEST]	= "test",
};

/* The owner recorded in @flags, by the name pageinfo gives its frames. */
const char *mmlab_owner_name(u32 flags)
{
	unsigned int owner = (flags & MMLAB_PG_OWNER_MASK) >>
			     MMLAB_PG_OWNER_SHIFT;

	return owner < MMLAB_NR_OWNERS ? pageinfo_owner_names[owner] : "unknown";
}

/* An allocated frame's state: its owner; "busy" while it changes hands. */
static const char *owner_name(u32 flags)
{
	if (!(flags & MMLAB_PG_OWNER_MASK))
		return "busy";
	return mmlab_owner_name(flags);
}

static const char *mt_name(u32 flags)
{
	unsigned int mt = (flags & MMLAB_PG_MT_MASK) >> MMLAB_PG_MT_SHIFT;

	return mt < MMLAB_MIGRATE_TYPES ? mmlab_migratetype_names[mt] : "unknown";
}

/* A free block on the buddy's lists: its state by the list's type. */
static const char *free_state(u32 flags, struct pageinfo_run *p)
{
	unsigned int mt = (flags & MMLAB_PG_MT_MASK) >> MMLAB_PG_MT_SHIFT;
	unsigned int order = (flags & MMLAB_PG_ORDER_MASK) >>
			     MMLAB_PG_ORDER_SHIFT;

	if (mt == MMLAB_MIGRATE_ISOLATE) {
		snprintf(p->detail, sizeof(p->detail), "free order=%u", order);
		return "isolated";
	}
	snprintf(p->detail, sizeof(p->detail), "order=%u %s", order,
		 mt_name(flags));
	return mt == MMLAB_MIGRATE_CMA ? "cma-free" : "free";
}

/* An allocated frame or block: its state by its owner. */
static const char *used_state(const struct mmlab_page *page, u32 flags,
			      struct pageinfo_run *p)
{
	unsigned int order = (flags & MMLAB_PG_ORDER_MASK) >>
			     MMLAB_PG_ORDER_SHIFT;
	const char *owner = owner_name(flags);

	if (flags & MMLAB_PG_ISOLATED) {
		strscpy(p->detail, owner, sizeof(p->detail));
		return "isolated";
	}
	if (((flags & MMLAB_PG_OWNER_MASK) >> MMLAB_PG_OWNER_SHIFT) ==
	    MMLAB_OWNER_USER)
		snprintf(p->detail, sizeof(p->detail), "mapcount=%d",
			 mmlab_page_mapcount(page));
	else if ((flags & MMLAB_PG_HEAD) && order)
		snprintf(p->detail, sizeof(p->detail), "order=%u", order);
	return owner;
}

/*
 * The state of the frames from @pfn: fills @p's state and detail and
 * returns how many frames share them (a whole block from its head).
 */
static unsigned long frame_state(struct mmlab_zone *zone, unsigned long pfn,
				 struct pageinfo_run *p)
{
	const struct mmlab_page *page = zone_pfn_page(zone, pfn);
	u32 flags = READ_ONCE(page->flags);
	unsigned int order = (flags & MMLAB_PG_ORDER_MASK) >>
			     MMLAB_PG_ORDER_SHIFT;
	unsigned long nr = 1;

	p->detail[0] = '\0';
	if (pfn < zone->first_usable_pfn) {
		p->state = "reserved";
		return zone->first_usable_pfn - pfn;
	}
	if (flags & MMLAB_PG_BAD) {
		strscpy(p->detail, mmlab_owner_name(flags), sizeof(p->detail));
		p->state = "bad";
	} else if (flags & MMLAB_PG_HWPOISON) {
		p->state = "hwpoison";
	} else if (flags & MMLAB_PG_BUDDY) {
		p->state = free_state(flags, p);
		nr = 1UL << order;
	} else if (flags & MMLAB_PG_PCP) {
		snprintf(p->detail, sizeof(p->detail), "order=%u %s", order,
			 mt_name(flags));
		p->state = "pcp";
		nr = 1UL << order;
	} else {
		p->state = used_state(page, flags, p);
		if (flags & MMLAB_PG_HEAD)
			nr = 1UL << order;
	}
	return min(nr, zone->end_pfn - pfn);
}

static void pageinfo_emit(struct seq_file *m, struct mmlab_zone *zone,
			  const struct pageinfo_run *run)
{
	if (!run->state)
		return;
	seq_printf(m, "%d %lu %lu %lu %s%s%s\n", zone->nid, run->start,
		   run->end, run->end - run->start, run->state,
		   run->detail[0] ? " " : "", run->detail);
}

/* Walk [@pfn, @end) and beyond to the end of a block; returns where it stopped. */
static unsigned long pageinfo_walk(struct seq_file *m, struct mmlab_zone *zone,
				   unsigned long pfn, unsigned long end,
				   struct pageinfo_run *run)
{
	struct pageinfo_run cur;

	while (pfn < end) {
		unsigned long nr = frame_state(zone, pfn, &cur);

		if (run->state && run->state == cur.state &&
		    run->end == pfn && !strcmp(run->detail, cur.detail)) {
			run->end += nr;
		} else {
			pageinfo_emit(m, zone, run);
			cur.start = pfn;
			cur.end = pfn + nr;
			*run = cur;
		}
		pfn += nr;
	}
	return pfn;
}

static void pageinfo_show_zone(struct seq_file *m, struct mmlab_zone *zone)
{
	struct pageinfo_run run = { .state = NULL };
	unsigned long pfn = zone->start_pfn;
	unsigned long flags;

	while (pfn < zone->end_pfn) {
		unsigned long end = min(round_up(pfn + 1, MMLAB_PAGEBLOCK_PAGES),
					zone->end_pfn);

		spin_lock_irqsave(&zone->lock, flags);
		pfn = pageinfo_walk(m, zone, pfn, end, &run);
		spin_unlock_irqrestore(&zone->lock, flags);
		cond_resched();
	}
	pageinfo_emit(m, zone, &run);
}

static int pageinfo_show(struct seq_file *m, void *v)
{
	int i;

	seq_puts(m, "# node start_pfn end_pfn pages state [detail]\n");
	for (i = 0; i < mmlab_nr_zones; i++)
		pageinfo_show_zone(m, mmlab_zones[i]);
	return 0;
}

static int pageinfo_open(struct inode *inode, struct file *file)
{
	return single_open(file, pageinfo_show, NULL);
}

const struct file_operations mmlab_pageinfo_fops = {
	.owner = THIS_MODULE,
	.open = pageinfo_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};
