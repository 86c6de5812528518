// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_slub vmalloc: a vmalloc-style mapper of region pages into one
 * window of kernel virtual space, as mm/vmalloc.c does for the kernel.
 *
 * The window. get_vm_area() is not exported, so at init the window is
 * reserved with vmap() of one kernel page repeated window_pages times
 * (VM_MAP): the kernel's vmap allocator then owns the range for us, has
 * built its page tables down to the PTE level, and shows it in
 * /proc/vmallocinfo as our vmap. We walk those tables once from the kernel
 * root (x86: CR3, whose kernel half shares every lower level; arm64:
 * TTBR1 - init_mm is not exported, and init_task.active_mm is NULL while
 * the idle task is not running), check that each PTE maps the filler page,
 * keep a pointer to each PTE, and clear them all. From then on we map
 * region pages with set_pte() (pfn_pte(): region pages need no struct
 * page) and clear them with set_pte(__pte(0)). At exit every PTE is none
 * again and vunmap() gives the range back. No shadow is needed under KASAN
 * without KASAN_VMALLOC.
 *
 * Free VA: holes are kept in an augmented rbtree keyed by address, each
 * node also caching the largest hole in its subtree
 * (RB_DECLARE_CALLBACKS_MAX), as vmap_area's free tree: the lowest hole
 * that fits is found in O(log n), freed ranges merge with their neighbours.
 * Busy areas are in a second rbtree keyed by address. Each area is one
 * guard page longer than its mapping; the guard PTE is never set.
 *
 * Allocation backs an area with order-0 pages from mmlab_buddy (owner
 * MMLAB_OWNER_VMALLOC), taken in bulk from the per-CPU list. Free first
 * takes the area out of the busy tree under vmap_mutex (of two racing
 * frees of one area, one gets it and the other is a bad free), then
 * clears the PTEs and gives the pages back at once, but keeps the range
 * out of the free tree on a purge list without flushing the TLB (lazy, as
 * the kernel's vmap_lazy_nr); when more than lazy_max_pages are pending,
 * or a range cannot be found, one TLB flush on every CPU makes them all
 * reusable. As in the kernel, a stale TLB entry can only be used by a
 * caller that touches memory it freed.
 *
 * Lock order: vmap_mutex (free tree, busy tree, purge list), then
 * mmlab_buddy's locks. Every entry point may sleep.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rbtree_augmented.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/tlbflush.h>
#include <kunit/visibility.h>

#include "internal.h"

#define VMAP_FLAG_ALLOC		BIT(0)	/* pages are ours: vmalloc */
#define VMAP_FLAG_MAP		BIT(1)	/* caller's pages: vmap */

static unsigned int window_mb = 64;
module_param(window_mb, uint, 0444);
MODULE_PARM_DESC(window_mb, "size of the vmalloc window in MiB (4..1024)");

/**
 * struct mmlab_vmap_area - a hole of the free tree or a busy area.
 * @va_start: first address.
 * @va_end: one past the last (the guard page included for busy areas).
 * @rb_node: in the free tree or the busy tree.
 * @subtree_max_size: free tree: largest hole in this subtree.
 * @list: on the purge list.
 * @pages: the mapped pages (busy areas).
 * @nr_pages: pages mapped.
 * @flags: VMAP_FLAG_*.
 * @caller: who asked.
 */
struct mmlab_vmap_area {
	unsigned long va_start;
	unsigned long va_end;
	struct rb_node rb_node;
	unsigned long subtree_max_size;
	struct list_head list;
	struct mmlab_page **pages;
	unsigned int nr_pages;
	unsigned long flags;
	const void *caller;
};

/*
 * debugfs mmlab/fail_vmalloc/: each page mmlab_vmalloc() allocates counts as
 * one call, each page it or mmlab_vmap() maps as one more.
 */
static DEFINE_MMLAB_FAIL_ATTR(fail_vmalloc, "fail_vmalloc");

static DEFINE_MUTEX(vmap_mutex);
static struct rb_root free_root = RB_ROOT;
static struct rb_root busy_root = RB_ROOT;
static LIST_HEAD(purge_list);
static unsigned long lazy_nr;		/* pages on the purge list */
static unsigned long lazy_max;

static struct page *filler;
static unsigned long window_start, window_size;

static inline unsigned long va_size(const struct mmlab_vmap_area *va)
{
	return va->va_end - va->va_start;
}

RB_DECLARE_CALLBACKS_MAX(static, free_va_cb, struct mmlab_vmap_area, rb_node,
			 unsigned long, subtree_max_size, va_size)

static inline unsigned long subtree_max(struct rb_node *node)
{
	return node ? rb_entry(node, struct mmlab_vmap_area,
			       rb_node)->subtree_max_size : 0;
}

/* Recompute the cached maxima from @va up to the root. */
static void propagate_up(struct mmlab_vmap_area *va)
{
	struct rb_node *node = &va->rb_node;

	while (node) {
		free_va_cb_compute_max(rb_entry(node, struct mmlab_vmap_area,
						rb_node), false);
		node = rb_parent(node);
	}
}

/* --- Free tree ------------------------------------------------------------------- */

/* The lowest hole of at least @size bytes. vmap_mutex held. */
static struct mmlab_vmap_area *find_lowest_fit(unsigned long size)
{
	struct rb_node *node = free_root.rb_node;

	if (subtree_max(node) < size)
		return NULL;
	while (node) {
		struct mmlab_vmap_area *va = rb_entry(node,
					struct mmlab_vmap_area, rb_node);

		if (subtree_max(node->rb_left) >= size) {
			node = node->rb_left;
			continue;
		}
		if (va_size(va) >= size)
			return va;
		node = node->rb_right;
	}
	return NULL;
}

/* Insert a hole, merging it with adjacent holes. vmap_mutex held. */
static void insert_free_va(struct mmlab_vmap_area *va)
{
	struct rb_node **link = &free_root.rb_node, *parent = NULL;
	struct mmlab_vmap_area *t;
	struct rb_node *nb;

	while (*link) {
		parent = *link;
		t = rb_entry(parent, struct mmlab_vmap_area, rb_node);
		if (WARN_ON(va->va_start < t->va_end && t->va_start < va->va_end))
			return;		/* overlap: a bookkeeping bug */
		if (t->subtree_max_size < va_size(va))
			t->subtree_max_size = va_size(va);
		link = va->va_start < t->va_start ? &parent->rb_left :
						    &parent->rb_right;
	}
	va->subtree_max_size = va_size(va);
	rb_link_node(&va->rb_node, parent, link);
	rb_insert_augmented(&va->rb_node, &free_root, &free_va_cb);

	nb = rb_next(&va->rb_node);
	if (nb) {
		t = rb_entry(nb, struct mmlab_vmap_area, rb_node);
		if (t->va_start == va->va_end) {
			t->va_start = va->va_start;
			rb_erase_augmented(&va->rb_node, &free_root, &free_va_cb);
			kfree(va);
			va = t;
			propagate_up(va);
		}
	}
	nb = rb_prev(&va->rb_node);
	if (nb) {
		t = rb_entry(nb, struct mmlab_vmap_area, rb_node);
		if (t->va_end == va->va_start) {
			t->va_end = va->va_end;
			rb_erase_augmented(&va->rb_node, &free_root, &free_va_cb);
			kfree(va);
			propagate_up(t);
		}
	}
}

/* Take @size bytes from the start of hole @va. vmap_mutex held. */
static unsigned long clip_free_va(struct mmlab_vmap_area *va,
				  unsigned long size)
{
	unsigned long start = va->va_start;

	if (va_size(va) == size) {
		rb_erase_augmented(&va->rb_node, &free_root, &free_va_cb);
		kfree(va);
	} else {
		va->va_start += size;
		propagate_up(va);
	}
	return start;
}

/* --- Busy tree ---------------------------------------------------------------------- */

static void insert_busy(struct mmlab_vmap_area *va)
{
	struct rb_node **link = &busy_root.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = va->va_start < rb_entry(parent, struct mmlab_vmap_area,
					       rb_node)->va_start ?
		       &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&va->rb_node, parent, link);
	rb_insert_color(&va->rb_node, &busy_root);
}

static void unlink_busy(struct mmlab_vmap_area *va)
{
	mutex_lock(&vmap_mutex);
	rb_erase(&va->rb_node, &busy_root);
	mutex_unlock(&vmap_mutex);
}

static struct mmlab_vmap_area *find_busy(unsigned long addr)
{
	struct rb_node *node = busy_root.rb_node;

	while (node) {
		struct mmlab_vmap_area *va = rb_entry(node,
					struct mmlab_vmap_area, rb_node);

		if (addr < va->va_start)
			node = node->rb_left;
		else if (addr >= va->va_end)
			node = node->rb_right;
		else
			return va;
	}
	return NULL;
}

/* --- Page tables and TLB --------------------------------------------------------------- */

#ifdef CONFIG_X86
static void flush_tlb_local(void *unused)
{
	__flush_tlb_all();	/* exported; flushes this CPU only */
}
#endif

static void flush_window_tlb(void)
{
#ifdef CONFIG_X86
	on_each_cpu(flush_tlb_local, NULL, 1);
#else
	flush_tlb_kernel_range(window_start, window_start + window_size);
#endif
}

/*
 * The kernel's page-table root, without init_mm: on x86 the kernel half of
 * every page table shares its lower levels (the vmalloc range is
 * preallocated down to the PUD), so the current CR3 serves; on arm64 the
 * kernel tables hang off TTBR1.
 */
static pgd_t *kernel_pgd_base(void)
{
#ifdef CONFIG_X86
	return (pgd_t *)__va(read_cr3_pa());
#else
	return (pgd_t *)phys_to_virt(read_sysreg(ttbr1_el1) &
				     GENMASK_ULL(47, 1));
#endif
}

/* The PTE that maps @addr, or NULL if no PTE table covers it. */
static pte_t *walk_to_pte(pgd_t *base, unsigned long addr)
{
	pgd_t *pgd = base + pgd_index(addr);
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;

	if (pgd_none(*pgd) || pgd_bad(*pgd))
		return NULL;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		return NULL;
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud) || pud_bad(*pud))
		return NULL;
	pmd = pmd_offset(pud, addr);
	if (pmd_none(*pmd) || pmd_bad(*pmd))
		return NULL;
	return pte_offset_kernel(pmd, addr);
}

static pte_t **window_ptes;	/* one per page of the window */

static inline pte_t *addr_pte(unsigned long addr)
{
	return window_ptes[(addr - window_start) >> PAGE_SHIFT];
}

static int map_range(unsigned long start, struct mmlab_page **pages,
		     unsigned int count)
{
	unsigned int i;

	for (i = 0; i < count; i++) {
		pte_t *pte = addr_pte(start + ((unsigned long)i << PAGE_SHIFT));

		if (WARN_ON(!pte_none(ptep_get(pte))))
			return -EBUSY;
		if (mmlab_should_fail(&fail_vmalloc, PAGE_SIZE))
			return -ENOMEM;
		set_pte(pte, pfn_pte(mmlab_page_to_pfn(pages[i]), PAGE_KERNEL));
	}
	return 0;
}

static void unmap_range(unsigned long start, unsigned long size)
{
	unsigned long addr;

	for (addr = start; addr < start + size; addr += PAGE_SIZE)
		set_pte(addr_pte(addr), __pte(0));
}

/* --- Areas ------------------------------------------------------------------------------- */

/* Move every purged area into the free tree after one TLB flush. */
static void purge_lazy_locked(void)
{
	struct mmlab_vmap_area *va, *next;

	if (list_empty(&purge_list))
		return;
	flush_window_tlb();
	list_for_each_entry_safe(va, next, &purge_list, list) {
		list_del(&va->list);
		insert_free_va(va);
	}
	lazy_nr = 0;
}

/**
 * mmlab_vmalloc_purge() - make every lazily freed range reusable now.
 *
 * Context: process context; sleeps.
 */
void mmlab_vmalloc_purge(void)
{
	mutex_lock(&vmap_mutex);
	purge_lazy_locked();
	mutex_unlock(&vmap_mutex);
}
EXPORT_SYMBOL_GPL(mmlab_vmalloc_purge);

static struct mmlab_vmap_area *alloc_area(unsigned long size,
					  unsigned long flags,
					  const void *caller)
{
	struct mmlab_vmap_area *va, *hole;
	unsigned long span = size + PAGE_SIZE;	/* guard page */

	va = kzalloc(sizeof(*va), GFP_KERNEL);
	if (!va)
		return NULL;
	mutex_lock(&vmap_mutex);
	hole = find_lowest_fit(span);
	if (!hole) {
		purge_lazy_locked();
		hole = find_lowest_fit(span);
	}
	if (!hole) {
		mutex_unlock(&vmap_mutex);
		kfree(va);
		return NULL;
	}
	va->va_start = clip_free_va(hole, span);
	va->va_end = va->va_start + span;
	va->flags = flags;
	va->caller = caller;
	insert_busy(va);
	mutex_unlock(&vmap_mutex);
	return va;
}

/*
 * Unmap an area already taken out of the busy tree and put its range on
 * the purge list.
 */
static void release_area(struct mmlab_vmap_area *va)
{
	unmap_range(va->va_start, va->nr_pages << PAGE_SHIFT);
	mutex_lock(&vmap_mutex);
	va->pages = NULL;
	va->nr_pages = 0;
	list_add_tail(&va->list, &purge_list);
	lazy_nr += va_size(va) >> PAGE_SHIFT;
	if (lazy_nr > lazy_max)
		purge_lazy_locked();
	mutex_unlock(&vmap_mutex);
}

static int map_area(struct mmlab_vmap_area *va, struct mmlab_page **pages,
		    unsigned int count)
{
	int ret;

	ret = map_range(va->va_start, pages, count);
	if (ret) {
		unmap_range(va->va_start, (unsigned long)count << PAGE_SHIFT);
		return ret;
	}
	va->pages = pages;
	va->nr_pages = count;
	return 0;
}

static void free_pages_array(struct mmlab_page **pages, unsigned int n)
{
	while (n--)
		mmlab_free_pages(pages[n], 0);
	kvfree(pages);
}

/*
 * Fill @pages (zeroed) with @nr order-0 pages of owner VMALLOC, as 6.1's
 * vm_area_alloc_pages(): in bulk from this CPU's list, a page at a time
 * through the full allocator when the bulk path cannot. With fail_vmalloc
 * armed, page by page, each page one call to fail. Returns how many it
 * got, filled from the start.
 */
static unsigned int alloc_area_pages(struct mmlab_page **pages,
				     unsigned int nr)
{
	const mmlab_gfp_t gfp = MMLAB_GFP_KERNEL | __MMLAB_GFP_NOWARN;
	unsigned long got = 0, more;

	if (static_branch_unlikely(&fail_vmalloc.active)) {
		for (; got < nr; got++) {
			if (mmlab_should_fail(&fail_vmalloc, PAGE_SIZE))
				break;
			pages[got] = mmlab_alloc_pages_owner(NUMA_NO_NODE, gfp, 0,
							     MMLAB_OWNER_VMALLOC);
			if (!pages[got])
				break;
		}
		return got;
	}
	while (got < nr) {
		more = mmlab_alloc_pages_bulk(NUMA_NO_NODE, gfp, nr, pages,
					      MMLAB_OWNER_VMALLOC);
		if (more == got)
			break;
		got = more;
		cond_resched();
	}
	return got;
}

/**
 * mmlab_vmalloc() - allocate virtually contiguous memory.
 * @size: bytes, rounded up to pages.
 *
 * The pages are order 0, from mmlab_buddy in bulk (alloc_area_pages());
 * the area is followed by an unmapped guard page.
 *
 * Context: process context; sleeps.
 * Return: the address, or NULL.
 */
void *mmlab_vmalloc(unsigned long size)
{
	struct mmlab_vmap_area *va;
	struct mmlab_page **pages;
	unsigned int i, nr;

	might_sleep();
	size = PAGE_ALIGN(size);
	if (!size || size >= window_size)
		return NULL;
	nr = size >> PAGE_SHIFT;
	pages = kvcalloc(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	i = alloc_area_pages(pages, nr);
	if (i < nr)
		goto fail;
	va = alloc_area(size, VMAP_FLAG_ALLOC, __builtin_return_address(0));
	if (!va)
		goto fail;
	if (map_area(va, pages, nr)) {
		unlink_busy(va);
		release_area(va);
		goto fail;
	}
	return (void *)va->va_start;
fail:
	free_pages_array(pages, i);
	return NULL;
}
EXPORT_SYMBOL_GPL(mmlab_vmalloc);

/**
 * mmlab_vmap() - map region pages into a virtually contiguous area.
 * @pages: @count page descriptors; the caller keeps owning them.
 * @count: pages.
 *
 * Context: process context; sleeps.
 * Return: the address, or NULL.
 */
void *mmlab_vmap(struct mmlab_page **pages, unsigned int count)
{
	struct mmlab_page **copy;
	struct mmlab_vmap_area *va;

	might_sleep();
	if (!count || (unsigned long)count << PAGE_SHIFT >= window_size)
		return NULL;
	copy = kvmalloc_array(count, sizeof(*pages), GFP_KERNEL);
	if (!copy)
		return NULL;
	memcpy(copy, pages, count * sizeof(*pages));
	va = alloc_area((unsigned long)count << PAGE_SHIFT, VMAP_FLAG_MAP,
			__builtin_return_address(0));
	if (!va)
		goto fail;
	if (map_area(va, copy, count)) {
		unlink_busy(va);
		release_area(va);
		goto fail;
	}
	return (void *)va->va_start;
fail:
	kvfree(copy);
	return NULL;
}
EXPORT_SYMBOL_GPL(mmlab_vmap);

/*
 * Find the busy area that starts at @addr and take it out of the busy tree
 * in one step under vmap_mutex, as the kernel's find_unlink_vmap_area():
 * of two racing frees of one area only one gets it, the other finds no
 * area and is a bad free (one log line).
 */
static struct mmlab_vmap_area *take_for_free(const void *addr,
					     unsigned long flag,
					     const char *what)
{
	struct mmlab_vmap_area *va;

	mutex_lock(&vmap_mutex);
	va = find_busy((unsigned long)addr);
	if (va && va->va_start == (unsigned long)addr && (va->flags & flag))
		rb_erase(&va->rb_node, &busy_root);
	else
		va = NULL;
	mutex_unlock(&vmap_mutex);
	if (!va)
		pr_err_ratelimited("%s of %p: not an area it returned (or freed already)\n",
				   what, addr);
	return va;
}

/**
 * mmlab_vfree() - free an area of mmlab_vmalloc().
 * @addr: the address it returned; NULL is ignored.
 *
 * The pages go back to mmlab_buddy at once, the range after the next lazy
 * purge. A bad pointer is reported with one log line and ignored.
 *
 * Context: process context; sleeps.
 */
void mmlab_vfree(const void *addr)
{
	struct mmlab_vmap_area *va;
	struct mmlab_page **pages;
	unsigned int nr;

	might_sleep();
	if (!addr)
		return;
	va = take_for_free(addr, VMAP_FLAG_ALLOC, "vfree");
	if (!va)
		return;
	pages = va->pages;
	nr = va->nr_pages;
	release_area(va);
	free_pages_array(pages, nr);
}
EXPORT_SYMBOL_GPL(mmlab_vfree);

/**
 * mmlab_vunmap() - remove a mapping of mmlab_vmap().
 * @addr: the address it returned; NULL is ignored.
 *
 * Context: process context; sleeps.
 */
void mmlab_vunmap(const void *addr)
{
	struct mmlab_vmap_area *va;
	struct mmlab_page **pages;

	might_sleep();
	if (!addr)
		return;
	va = take_for_free(addr, VMAP_FLAG_MAP, "vunmap");
	if (!va)
		return;
	pages = va->pages;
	release_area(va);
	kvfree(pages);
}
EXPORT_SYMBOL_GPL(mmlab_vunmap);

/**
 * mmlab_is_vmalloc_addr() - is @addr inside the mapper's window?
 * @addr: an address.
 *
 * Return: true if it is.
 */
bool mmlab_is_vmalloc_addr(const void *addr)
{
	unsigned long a = (unsigned long)addr;

	return a >= window_start && a < window_start + window_size;
}
EXPORT_SYMBOL_GPL(mmlab_is_vmalloc_addr);

/**
 * mmlab_vmalloc_to_page() - the page mapped at @addr, read from the page
 *	tables.
 * @addr: an address in the window.
 *
 * Return: the page descriptor, or NULL when nothing is mapped there (a
 * guard page, a free range) or it is not a region page.
 */
struct mmlab_page *mmlab_vmalloc_to_page(const void *addr)
{
	pte_t entry;

	if (!mmlab_is_vmalloc_addr(addr))
		return NULL;
	entry = ptep_get(addr_pte((unsigned long)addr));
	return pte_present(entry) ? mmlab_pfn_to_page(pte_pfn(entry)) : NULL;
}
EXPORT_SYMBOL_GPL(mmlab_vmalloc_to_page);

/* --- Introspection (debugfs, KUnit) ----------------------------------------------------------- */

/**
 * mmlab_vmalloc_window_start() - where the window starts.
 *
 * Return: the window's first address.
 */
unsigned long mmlab_vmalloc_window_start(void)
{
	return window_start;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_vmalloc_window_start);

/**
 * mmlab_vmalloc_window_size() - the size of the window.
 *
 * Return: the window's size in bytes.
 */
unsigned long mmlab_vmalloc_window_size(void)
{
	return window_size;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_vmalloc_window_size);

/**
 * mmlab_vmalloc_lazy_pages() - pages of lazily freed areas.
 *
 * Return: pages waiting for a lazy purge.
 */
unsigned long mmlab_vmalloc_lazy_pages(void)
{
	return READ_ONCE(lazy_nr);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_vmalloc_lazy_pages);

/**
 * mmlab_vmalloc_free_va() - free address space.
 *
 * Return: bytes in the free tree.
 */
unsigned long mmlab_vmalloc_free_va(void)
{
	struct rb_node *node;
	unsigned long sum = 0;

	mutex_lock(&vmap_mutex);
	for (node = rb_first(&free_root); node; node = rb_next(node))
		sum += va_size(rb_entry(node, struct mmlab_vmap_area, rb_node));
	mutex_unlock(&vmap_mutex);
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_vmalloc_free_va);

/**
 * mmlab_vmalloc_largest_hole() - the largest free range.
 *
 * Return: the largest hole, as the free tree's root caches it.
 */
unsigned long mmlab_vmalloc_largest_hole(void)
{
	unsigned long max;

	mutex_lock(&vmap_mutex);
	max = subtree_max(free_root.rb_node);
	mutex_unlock(&vmap_mutex);
	return max;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_vmalloc_largest_hole);

/**
 * mmlab_vmalloc_check_tree() - check the free tree's invariants.
 *
 * Description:
 * Holes in address order, inside the window, neither overlapping nor
 * touching (they would have merged), and every cached subtree maximum
 * right.
 *
 * Return: 0, or -EINVAL.
 */
int mmlab_vmalloc_check_tree(void)
{
	struct mmlab_vmap_area *va, *prev = NULL;
	struct rb_node *node;
	int ret = 0;

	mutex_lock(&vmap_mutex);
	for (node = rb_first(&free_root); node; node = rb_next(node)) {
		unsigned long max;

		va = rb_entry(node, struct mmlab_vmap_area, rb_node);
		max = max3(va_size(va), subtree_max(node->rb_left),
			   subtree_max(node->rb_right));
		if (va->va_start >= va->va_end || va->va_start < window_start ||
		    va->va_end > window_start + window_size ||
		    (prev && prev->va_end >= va->va_start) ||
		    va->subtree_max_size != max)
			ret = -EINVAL;
		prev = va;
	}
	mutex_unlock(&vmap_mutex);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_vmalloc_check_tree);

static void show_nodes(struct seq_file *m, struct mmlab_vmap_area *va)
{
	unsigned int counts[MMLAB_MAX_REGIONS] = { 0 };
	unsigned int i;

	for (i = 0; i < va->nr_pages; i++)
		counts[mmlab_page_region(va->pages[i])->id]++;
	for (i = 0; i < MMLAB_MAX_REGIONS; i++)
		if (counts[i])
			seq_printf(m, " N%u=%u", i, counts[i]);
}

/**
 * mmlab_vmallocinfo_show() - the /proc/vmallocinfo format of our areas.
 * @m: the seq_file.
 * @v: unused.
 *
 * Return: 0.
 */
int mmlab_vmallocinfo_show(struct seq_file *m, void *v)
{
	struct mmlab_vmap_area *va;
	struct rb_node *node;

	mutex_lock(&vmap_mutex);
	for (node = rb_first(&busy_root); node; node = rb_next(node)) {
		va = rb_entry(node, struct mmlab_vmap_area, rb_node);
		seq_printf(m, "0x%pK-0x%pK %7ld", (void *)va->va_start,
			   (void *)va->va_end, (long)va_size(va));
		if (va->caller)
			seq_printf(m, " %pS", va->caller);
		if (va->nr_pages)
			seq_printf(m, " pages=%d", va->nr_pages);
		if (va->flags & VMAP_FLAG_ALLOC)
			seq_puts(m, " vmalloc");
		if (va->flags & VMAP_FLAG_MAP)
			seq_puts(m, " vmap");
		if (is_vmalloc_addr(va->pages))
			seq_puts(m, " vpages");
		show_nodes(m, va);
		seq_putc(m, '\n');
	}
	list_for_each_entry(va, &purge_list, list)
		seq_printf(m, "0x%pK-0x%pK %7ld unpurged vm_area\n",
			   (void *)va->va_start, (void *)va->va_end,
			   (long)va_size(va));
	mutex_unlock(&vmap_mutex);
	return 0;
}

/* --- Init, exit ----------------------------------------------------------------------------- */

/*
 * Find the PTE of every window page and check that it maps the filler
 * page that vmap() put there: the walk is then known to be right.
 */
static int find_window_ptes(unsigned long nr)
{
	pgd_t *base = kernel_pgd_base();
	unsigned long i;

	window_ptes = kvmalloc_array(nr, sizeof(*window_ptes), GFP_KERNEL);
	if (!window_ptes)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		pte_t *pte = walk_to_pte(base, window_start + (i << PAGE_SHIFT));

		if (!pte || !pte_present(ptep_get(pte)) ||
		    pte_pfn(ptep_get(pte)) != page_to_pfn(filler)) {
			pr_err("vmalloc window: page tables not as vmap() left them\n");
			kvfree(window_ptes);
			window_ptes = NULL;
			return -EFAULT;
		}
		window_ptes[i] = pte;
	}
	return 0;
}

static int reserve_window(unsigned long nr)
{
	struct page **arr;
	unsigned long i;
	void *addr;

	filler = alloc_page(GFP_KERNEL);
	if (!filler)
		return -ENOMEM;
	arr = kvmalloc_array(nr, sizeof(*arr), GFP_KERNEL);
	if (!arr)
		goto fail;
	for (i = 0; i < nr; i++)
		arr[i] = filler;
	addr = vmap(arr, nr, VM_MAP, PAGE_KERNEL);
	kvfree(arr);
	if (!addr)
		goto fail;
	window_start = (unsigned long)addr;
	window_size = nr << PAGE_SHIFT;
	if (find_window_ptes(nr)) {
		vunmap(addr);
		window_start = 0;
		goto fail;
	}
	unmap_range(window_start, window_size);
	flush_window_tlb();
	return 0;
fail:
	__free_page(filler);
	filler = NULL;
	return -ENOMEM;
}

/**
 * mmlab_vmalloc_check_param() - check the window_mb parameter.
 *
 * Description:
 * The kernel's parser has already refused what is not an unsigned int
 * (malformed: -EINVAL, overflowing: -ERANGE, with its own log line).
 * vmap(), which reserves the window, maps no more pages than the kernel
 * has RAM.
 *
 * Return: 0, or -EINVAL (one log line) when it is outside 4..1024 or
 * larger than RAM.
 */
int mmlab_vmalloc_check_param(void)
{
	unsigned long ram = totalram_pages();

	if (window_mb < 4 || window_mb > 1024) {
		pr_err("window_mb=%u: must be 4..1024\n", window_mb);
		return -EINVAL;
	}
	if (((unsigned long)window_mb << (20 - PAGE_SHIFT)) > ram) {
		pr_err("window_mb=%u: larger than RAM (%lu MiB)\n", window_mb,
		       ram >> (20 - PAGE_SHIFT));
		return -EINVAL;
	}
	return 0;
}

/**
 * mmlab_vmalloc_init() - reserve the window and seed the free tree.
 *
 * Description:
 * Called once mmlab_vmalloc_check_param() has passed.
 *
 * Return: 0 or -errno.
 */
int mmlab_vmalloc_init(void)
{
	struct mmlab_vmap_area *va;
	int ret;

	va = kzalloc(sizeof(*va), GFP_KERNEL);
	if (!va)
		return -ENOMEM;
	ret = reserve_window((unsigned long)window_mb << (20 - PAGE_SHIFT));
	if (ret) {
		if (ret == -ENOMEM)
			pr_err("window_mb=%u: no memory for a vmalloc window of %u MiB\n",
			       window_mb, window_mb);
		kfree(va);
		return ret;
	}
	lazy_max = (window_size >> PAGE_SHIFT) / 4;
	va->va_start = window_start;
	va->va_end = window_start + window_size;
	mutex_lock(&vmap_mutex);
	insert_free_va(va);
	mutex_unlock(&vmap_mutex);
	mmlab_fail_attr_register(&fail_vmalloc);
	return 0;
}

/**
 * mmlab_vmalloc_exit() - free leftovers and give the window back.
 */
void mmlab_vmalloc_exit(void)
{
	struct mmlab_vmap_area *va;
	struct rb_node *node;

	mmlab_fail_attr_unregister(&fail_vmalloc);
	while ((node = rb_first(&busy_root))) {
		va = rb_entry(node, struct mmlab_vmap_area, rb_node);
		pr_err("unload: area %p of %pS still mapped; freed\n",
		       (void *)va->va_start, va->caller);
		if (va->flags & VMAP_FLAG_ALLOC)
			mmlab_vfree((void *)va->va_start);
		else
			mmlab_vunmap((void *)va->va_start);
	}
	mmlab_vmalloc_purge();
	while ((node = rb_first(&free_root))) {
		rb_erase(node, &free_root);
		kfree(rb_entry(node, struct mmlab_vmap_area, rb_node));
	}
	if (window_start)
		vunmap((void *)window_start);
	kvfree(window_ptes);
	window_ptes = NULL;
	if (filler)
		__free_page(filler);
	window_start = 0;
	filler = NULL;
}
