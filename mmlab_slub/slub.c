// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_slub: SLUB-style object caches on top of mmlab_buddy, kmalloc size
 * classes (kmalloc.c), debug features (debug.c), a vmalloc-style mapper
 * (vmalloc.c), debugfs files (debugfs.c) and kmem tracepoints.
 *
 * Slabs. A slab is a block of 1 << order pages from mmlab_buddy, owner
 * MMLAB_OWNER_SLAB, cut into objects of cache->size bytes. The 24-byte
 * mmlab_page descriptor has no room for the slab's state, so every slab has
 * a struct mmlab_slab (from a kernel kmem_cache) and every page of the slab,
 * head and tail, points to it through mmlab_page::private:
 * object -> mmlab_virt_to_page() -> private -> slab -> cache, from any page.
 *
 * Free pointers live inside free objects (in the middle of the object, or
 * after it when the object must stay intact: poison, ctor) and are stored
 * hardened: ptr ^ cache->random ^ swab(address of the pointer).
 *
 * Allocation, as mm/slub.c: (1) the CPU freelist of the active slab (fast
 * path, lockless); (2) objects freed remotely into the active slab; (3) a
 * slab from this CPU's partial list; (4) a slab from a node (region)
 * partial list; (5) a new slab. Free: to the CPU freelist when the object
 * belongs to this CPU's active slab (lockless), else to the slab's own
 * freelist under the node lock; a full slab that gets a free object goes
 * to the CPU partial list (or the node partial list when cpu_partial is
 * 0), an empty slab beyond min_partial goes back to mmlab_buddy. Every
 * step is counted in per-CPU stat counters shown in debugfs.
 *
 * The lockless fast paths are 6.1's: the CPU's freelist is paired with a
 * transaction id (tid), and a pop or a push swaps both with one
 * double-word cmpxchg on this CPU, with neither interrupts nor preemption
 * turned off. Everything else that changes the CPU's freelist or slab does
 * so under the CPU's local lock (irq off) and moves the tid on as it lets
 * go, so a lockless operation that an interrupt, another task or a move to
 * another CPU came between fails its swap and tries again. Bulk
 * allocation takes the lock once for all its objects; bulk free chains
 * the objects of one slab and frees them with one swap or one node lock.
 *
 * Caches with debug flags take a slow path for every operation: objects are
 * taken from and returned to node partial slabs under the node lock, so that
 * every free object is on a slab freelist and every check sees it.
 *
 * A slab is "frozen" while it is a CPU's active slab or on a CPU partial
 * list: only that CPU allocates from it, other CPUs only push frees onto its
 * freelist. inuse counts the objects not on slab->freelist.
 *
 * CPU hotplug, as slub_cpu_dead(): a dynamic state in the PREPARE section
 * (CPUHP_BP_PREPARE_DYN, the stage of the kernel's CPUHP_SLUB_DEAD) whose
 * teardown runs on a control CPU once the CPU is dead and gives its CPU
 * slab and CPU partial slabs back to the nodes of every listed cache.
 * mmlab_buddy registers its per-CPU list drain in the same section before
 * us, so it runs after us: slabs first, then the pages they freed.
 * flush_all and destroy hold cpus_read_lock(), so a CPU cannot die between
 * the flush and the end of a destroy.
 *
 * Slab pages are counted in mmlab_buddy's nr_slab_reclaimable (caches with
 * MMLAB_SLAB_RECLAIM_ACCOUNT) or nr_slab_unreclaimable, as account_slab().
 *
 * A struct mmlab_slab is freed an RCU grace period after its pages, and
 * the page-to-slab lookups of kfree and ksize run under rcu_read_lock(): a
 * free racing with the slab's release reads a live structure and finds
 * the slab discarded (a bad free, reported) instead of freed memory; a
 * destroyed cache is freed a grace period after it left the cache list,
 * since such a free may be using it.
 * The slab pointer shares its word with mmlab_buddy's free list links
 * (mmlab_page::private and ::lru), so a lookup must not take that word
 * from a page that stopped being a slab after it checked the owner: a
 * slab is published with its pointer before its owner, and given back
 * with both cleared under the region's slab_release seqlock, before its
 * pages go to the buddy; a lookup that overlapped a release retries
 * (mmlab_virt_to_slab()).
 *
 * Lock order:
 *	cpu_hotplug_lock (cpus_read_lock; the hotplug callback holds it)
 *	  mmlab_slab_mutex (cache list; create, destroy, shrinker, debugfs,
 *			    the hotplug callback)
 *	    flush_mutex (per-CPU flush works)
 *	      cpu_slab->lock (local_lock, irq off; the lockless fast
 *			      paths take no lock, see above)
 *	        node->list_lock (spinlock, per cache and region)
 *	slab_release[region] (seqlock, irq off): taken alone, by free_slab()
 * Slabs are given back to mmlab_buddy and new ones allocated with none of
 * these held (except the mutexes and cpu_hotplug_lock).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/swab.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "internal.h"
#include "trace.h"

/* Protects mmlab_slab_caches and each cache's debugfs directory. */
DEFINE_MUTEX(mmlab_slab_mutex);

/*
 * debugfs mmlab/fail_slab/: each object allocation counts as one call, each
 * new slab a cache grows by as one more.
 */
static DEFINE_MMLAB_FAIL_ATTR(fail_slab, "fail_slab");
LIST_HEAD(mmlab_slab_caches);

static struct kmem_cache *slab_meta_cache;
static int slub_cpuhp_state = -1;

/* Per region: bumped around each slab's release (see mmlab_virt_to_slab()). */
static seqlock_t slab_release[MMLAB_MAX_REGIONS];

const char * const mmlab_stat_names[NR_MMLAB_STATS] = {
	[ALLOC_FASTPATH]	= "alloc_fastpath",
	[ALLOC_SLOWPATH]	= "alloc_slowpath",
	[ALLOC_REFILL]		= "alloc_refill",
	[CPU_PARTIAL_ALLOC]	= "cpu_partial_alloc",
	[ALLOC_FROM_PARTIAL]	= "alloc_from_partial",
	[ALLOC_SLAB]		= "alloc_slab",
	[ALLOC_NODE_MISMATCH]	= "alloc_node_mismatch",
	[FREE_FASTPATH]		= "free_fastpath",
	[FREE_SLOWPATH]		= "free_slowpath",
	[FREE_FROZEN]		= "free_frozen",
	[FREE_ADD_PARTIAL]	= "free_add_partial",
	[FREE_REMOVE_PARTIAL]	= "free_remove_partial",
	[CPU_PARTIAL_FREE]	= "cpu_partial_free",
	[CPU_PARTIAL_DRAIN]	= "cpu_partial_drain",
	[FREE_SLAB]		= "free_slab",
	[DEACTIVATE_FULL]	= "deactivate_full",
	[DEACTIVATE_EMPTY]	= "deactivate_empty",
	[DEACTIVATE_PARTIAL]	= "deactivate_to_tail",
	[CPUSLAB_FLUSH]		= "cpuslab_flush",
	[ALLOC_TOTAL]		= "alloc_total",
	[FREE_TOTAL]		= "free_total",
	[DEBUG_ERRORS]		= "debug_errors",
};
EXPORT_SYMBOL_IF_KUNIT(mmlab_stat_names);

static inline void stat(struct mmlab_kmem_cache *s, enum mmlab_stat_item si)
{
	this_cpu_inc(s->cpu_slab->stat[si]);
}

/**
 * mmlab_stat_cpu() - a stat counter of one CPU.
 * @s: the cache.
 * @cpu: the CPU.
 * @item: the counter.
 *
 * alloc_total and free_total are what the fast paths count plus what the
 * per-CPU slots hold: the rest (one counter update fewer per operation on
 * the fast paths).
 *
 * Return: the count.
 */
unsigned long mmlab_stat_cpu(struct mmlab_kmem_cache *s, int cpu,
			     enum mmlab_stat_item item)
{
	const unsigned long *stat = per_cpu_ptr(s->cpu_slab, cpu)->stat;
	unsigned long n = READ_ONCE(stat[item]);

	if (item == ALLOC_TOTAL)
		n += READ_ONCE(stat[ALLOC_FASTPATH]);
	else if (item == FREE_TOTAL)
		n += READ_ONCE(stat[FREE_FASTPATH]);
	return n;
}

/**
 * mmlab_stat_sum() - a stat counter summed over the CPUs.
 * @s: the cache.
 * @item: the counter.
 *
 * Return: the sum.
 */
unsigned long mmlab_stat_sum(struct mmlab_kmem_cache *s,
			     enum mmlab_stat_item item)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += mmlab_stat_cpu(s, cpu, item);
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_stat_sum);

/* --- Hardened free pointers ------------------------------------------------ */

static inline unsigned long freeptr_key(struct mmlab_kmem_cache *s,
					unsigned long ptr_addr)
{
	return s->random ^ swab(ptr_addr);
}

static inline void *get_freepointer(struct mmlab_kmem_cache *s, void *obj)
{
	unsigned long addr = (unsigned long)obj + s->offset;

	return (void *)(*(unsigned long *)addr ^ freeptr_key(s, addr));
}

static inline void set_freepointer(struct mmlab_kmem_cache *s, void *obj,
				   void *fp)
{
	unsigned long addr = (unsigned long)obj + s->offset;

	*(unsigned long *)addr = (unsigned long)fp ^ freeptr_key(s, addr);
}

/**
 * mmlab_get_freepointer() - the next free object after @obj.
 * @s: the cache.
 * @obj: a free object.
 *
 * Return: the decoded pointer stored in @obj.
 */
void *mmlab_get_freepointer(struct mmlab_kmem_cache *s, void *obj)
{
	return get_freepointer(s, obj);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_get_freepointer);

/**
 * mmlab_set_freepointer() - store @fp in @obj, hardened.
 * @s: the cache.
 * @obj: a free object.
 * @fp: the next free object, or NULL.
 */
void mmlab_set_freepointer(struct mmlab_kmem_cache *s, void *obj, void *fp)
{
	set_freepointer(s, obj, fp);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_set_freepointer);

/* --- Slab lookup ------------------------------------------------------------ */

/*
 * The slab @page points to, or NULL. Only a snapshot: the page may have
 * been given back between the two reads, and its private word be a free
 * list link by now; mmlab_virt_to_slab() checks for that.
 */
static struct mmlab_slab *page_slab(const struct mmlab_page *page)
{
	if (mmlab_page_owner(page) != MMLAB_OWNER_SLAB)
		return NULL;
	smp_rmb();	/* the owner, then the pointer published before it */
	return (struct mmlab_slab *)READ_ONCE(page->private);
}

/* The slab of @page (see mmlab_virt_to_slab()). */
static inline struct mmlab_slab *page_to_slab(const struct mmlab_page *page)
{
	seqlock_t *release = &slab_release[mmlab_page_region_id(page)];
	struct mmlab_slab *slab;
	unsigned int seq;

	do {
		seq = read_seqbegin(release);
		slab = page_slab(page);
	} while (read_seqretry(release, seq));
	return slab;
}

static inline struct mmlab_slab *virt_to_slab(const void *obj)
{
	struct mmlab_page *page = mmlab_virt_to_page(obj);

	return page ? page_to_slab(page) : NULL;
}

/* kfree()'s lookup: the slab of a page of a region, or NULL. */
struct mmlab_slab *__mmlab_page_to_slab(const struct mmlab_page *page)
{
	return page_to_slab(page);
}

/**
 * mmlab_virt_to_slab() - the slab an object lives in.
 * @obj: any address inside a slab page.
 *
 * A lookup that overlapped the release of a slab of the region tries
 * again, so what it returns was the page's slab while the page was one.
 * The slab may be given back any time after: the caller reads it under
 * rcu_read_lock() and finds it discarded under its node lock.
 *
 * Context: any context; the caller holds rcu_read_lock() to use the slab.
 * Return: the slab, or NULL when @obj is not in a slab page.
 */
struct mmlab_slab *mmlab_virt_to_slab(const void *obj)
{
	return virt_to_slab(obj);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_virt_to_slab);

static inline struct mmlab_kmem_cache_node *
slab_node(struct mmlab_kmem_cache *s, struct mmlab_slab *slab)
{
	return &s->node[slab->nid];
}

/* --- Order and layout -------------------------------------------------------- */

/**
 * mmlab_calculate_order() - the slab order for objects of @size bytes.
 * @size: slot size.
 * @objects: set to the objects per slab.
 *
 * Prefers the smallest order that holds enough objects for the CPUs to
 * share (4 * (fls(cpus) + 1), as SLUB) while wasting at most 1/16 of the
 * slab, lowering the objects wanted until an order up to
 * PAGE_ALLOC_COSTLY_ORDER fits.
 *
 * Return: the order.
 */
unsigned int mmlab_calculate_order(unsigned int size, unsigned int *objects)
{
	unsigned int min_order = get_order(size);
	unsigned int max_order = max_t(unsigned int, min_order,
				       PAGE_ALLOC_COSTLY_ORDER);
	unsigned int want = 4 * (fls(num_online_cpus()) + 1);
	unsigned int order;

	for (; want; want /= 2) {
		for (order = min_order; order <= max_order; order++) {
			unsigned long bytes = PAGE_SIZE << order;
			unsigned long n = bytes / size;

			if (n < want || (bytes - n * size) * 16 > bytes)
				continue;
			*objects = n;
			return order;
		}
	}
	*objects = (PAGE_SIZE << min_order) / size;
	return min_order;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_calculate_order);

static unsigned int calculate_align(unsigned long flags, unsigned int align,
				    unsigned int size)
{
	if (flags & MMLAB_SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = cache_line_size();

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	return ALIGN(max_t(unsigned int, align, sizeof(void *)),
		     sizeof(void *));
}

/*
 * Slot layout, as calculate_sizes() in mm/slub.c:
 * [object][red zone][free pointer if outside][tracks][pad]. The red zone
 * runs from object_size to the next word (a full word when the object ends
 * on one); inuse is its end. The free pointer sits in the middle of the
 * object unless the object must stay intact while free (poison, a ctor) or
 * is smaller than a pointer in a red-zoned cache, where the pointer would
 * overwrite the red zone: then it goes after the red zone.
 */
static int calculate_sizes(struct mmlab_kmem_cache *s)
{
	unsigned int size = ALIGN(s->object_size, sizeof(void *));

	if ((s->flags & MMLAB_SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void *);
	s->inuse = size;
	if ((s->flags & MMLAB_SLAB_POISON) || s->ctor ||
	    ((s->flags & MMLAB_SLAB_RED_ZONE) &&
	     s->object_size < sizeof(void *))) {
		s->offset = size;
		size += sizeof(void *);
	} else {
		s->offset = ALIGN_DOWN(s->object_size / 2, sizeof(void *));
	}
	if (s->flags & MMLAB_SLAB_STORE_USER)
		size += 2 * sizeof(struct mmlab_track);
	s->size = ALIGN(size, s->align);
	s->reciprocal_size = reciprocal_value(s->size);
	s->order = mmlab_calculate_order(s->size, &s->objects);
	return s->objects ? 0 : -EINVAL;
}

/* --- Slabs ------------------------------------------------------------------- */

/* Slab pages in mmlab_buddy's vmstat counters, as account_slab(). */
static void account_slab(struct mmlab_kmem_cache *s, long pages)
{
	mmlab_mod_vm_state(s->flags & MMLAB_SLAB_RECLAIM_ACCOUNT ?
			   MMLAB_NR_SLAB_RECLAIMABLE :
			   MMLAB_NR_SLAB_UNRECLAIMABLE, pages);
}

/* Point every page of @slab at it, then make them slab pages (page_slab()). */
static void publish_slab(struct mmlab_kmem_cache *s, struct mmlab_slab *slab)
{
	unsigned int i;

	for (i = 0; i < (1U << s->order); i++)
		WRITE_ONCE(slab->page[i].private, (unsigned long)slab);
	smp_wmb();	/* the pointer before the owner: page_slab() */
	for (i = 0; i < (1U << s->order); i++)
		mmlab_page_set_owner(slab->page + i, MMLAB_OWNER_SLAB);
}

/*
 * Make the pages of @slab kernel pages again, in a release section of the
 * region: a lookup that read them as slab pages before tries again.
 */
static void unpublish_slab(struct mmlab_kmem_cache *s, struct mmlab_slab *slab)
{
	seqlock_t *release = &slab_release[slab->nid];
	unsigned long flags;
	unsigned int i;

	write_seqlock_irqsave(release, flags);
	for (i = 0; i < (1U << s->order); i++) {
		mmlab_page_set_owner(slab->page + i, MMLAB_OWNER_KERNEL);
		WRITE_ONCE(slab->page[i].private, 0);
	}
	write_sequnlock_irqrestore(release, flags);
}

static struct mmlab_slab *allocate_slab(struct mmlab_kmem_cache *s,
					mmlab_gfp_t gfp, int nid)
{
	/* The caller's reclaim and zone modifiers, the cache's mobility. */
	mmlab_gfp_t pgfp = (gfp & ~(__MMLAB_GFP_ZERO | MMLAB_GFP_MOVABLE_MASK)) |
			   s->allocflags;
	gfp_t kgfp = (gfp & __MMLAB_GFP_DIRECT_RECLAIM) ? GFP_KERNEL :
							  GFP_NOWAIT;
	struct mmlab_slab *slab;
	struct mmlab_page *page;
	unsigned int i;
	void *prev = NULL;

	if (mmlab_should_fail(&fail_slab, PAGE_SIZE << s->order))
		return NULL;
	slab = kmem_cache_zalloc(slab_meta_cache, kgfp | __GFP_NOWARN);
	if (!slab)
		return NULL;
	if (nid >= 0)
		page = mmlab_alloc_pages_node(nid, pgfp, s->order);
	else
		page = mmlab_alloc_pages(pgfp, s->order);
	if (!page) {
		kmem_cache_free(slab_meta_cache, slab);
		return NULL;
	}
	slab->cache = s;
	slab->page = page;
	slab->base = mmlab_page_address(page);
	slab->objects = s->objects;
	slab->nid = mmlab_page_region(page)->id;
	INIT_LIST_HEAD(&slab->list);
	/* Thread the freelist back to front so that it runs in address order. */
	for (i = s->objects; i-- > 0;) {
		void *obj = mmlab_slab_obj(s, slab, i);

		if (mmlab_cache_debug(s))
			mmlab_debug_init_object(s, obj);
		if (s->ctor)
			s->ctor(obj);
		set_freepointer(s, obj, prev);
		prev = obj;
	}
	slab->freelist = prev;
	publish_slab(s, slab);
	account_slab(s, 1L << s->order);
	return slab;
}

/* Called with the node lock held: the slab joins the node. */
static void node_add_slab(struct mmlab_kmem_cache_node *n,
			  struct mmlab_slab *slab)
{
	list_add_tail(&slab->all, &n->all_slabs);
	n->nr_slabs++;
	n->total_objects += slab->objects;
}

/*
 * Called with the node lock held: the slab leaves it for @discard. A free
 * that raced with this and takes the node lock later finds it discarded.
 */
static void node_remove_slab(struct mmlab_kmem_cache_node *n,
			     struct mmlab_slab *slab, struct list_head *discard)
{
	slab->discarded = true;
	list_del(&slab->all);
	n->nr_slabs--;
	n->total_objects -= slab->objects;
	list_add(&slab->list, discard);
}

static void add_partial(struct mmlab_kmem_cache_node *n,
			struct mmlab_slab *slab)
{
	list_add_tail(&slab->list, &n->partial);
	n->nr_partial++;
}

static void remove_partial(struct mmlab_kmem_cache_node *n,
			   struct mmlab_slab *slab)
{
	list_del_init(&slab->list);
	n->nr_partial--;
}

static void free_slab_meta(struct rcu_head *head)
{
	kmem_cache_free(slab_meta_cache,
			container_of(head, struct mmlab_slab, rcu));
}

static void free_slab(struct mmlab_kmem_cache *s, struct mmlab_slab *slab)
{
	unpublish_slab(s, slab);
	account_slab(s, -(1L << s->order));
	mmlab_free_pages(slab->page, s->order);
	call_rcu(&slab->rcu, free_slab_meta);
}

/* Give back the slabs collected on @discard, with no lock held. */
static void discard_slabs(struct mmlab_kmem_cache *s, struct list_head *discard)
{
	struct mmlab_slab *slab, *next;

	list_for_each_entry_safe(slab, next, discard, list) {
		list_del(&slab->list);
		free_slab(s, slab);
		stat(s, FREE_SLAB);
	}
}

/* --- The CPU freelist: tids, the lock and the lockless swap ---------------- */

/*
 * A CPU's tids start at its number and move on by TID_STEP, so the tids of
 * two CPUs never meet (init_tid() and next_tid() of mm/slub.c).
 */
#define TID_STEP	roundup_pow_of_two(CONFIG_NR_CPUS)

static inline unsigned long next_tid(unsigned long tid)
{
	return tid + TID_STEP;
}

/*
 * Off only on an x86_64 CPU without cmpxchg16b: every freelist operation
 * then takes the CPU lock.
 */
static DEFINE_STATIC_KEY_TRUE(lockless_freelist);

/* This CPU's state, locked against the CPU's tasks and interrupts. */
static inline struct mmlab_kmem_cache_cpu *
cpu_slab_lock(struct mmlab_kmem_cache *s, unsigned long *flags)
{
	local_lock_irqsave(&s->cpu_slab->lock, *flags);
	return this_cpu_ptr(s->cpu_slab);
}

/*
 * Every locked section moves the tid on as it ends, so a lockless pop or
 * push that read the CPU's state before it (and was interrupted, or
 * preempted) fails its swap and starts again.
 */
static inline void cpu_slab_unlock(struct mmlab_kmem_cache *s,
				   struct mmlab_kmem_cache_cpu *c,
				   unsigned long flags)
{
	c->tid = next_tid(c->tid);
	local_unlock_irqrestore(&s->cpu_slab->lock, flags);
}

/*
 * Swap this CPU's (freelist, tid) from (@old, @tid) to (@new, next tid) in
 * one double-word cmpxchg local to the CPU. False if the freelist changed
 * since @tid was read, or the caller now runs on another CPU.
 */
static inline bool cpu_freelist_swap(struct mmlab_kmem_cache *s, void *old,
				     unsigned long tid, void *new)
{
#ifdef CONFIG_X86_64
	struct mmlab_kmem_cache_cpu *c;
	bool swapped;

	/*
	 * this_cpu_cmpxchg_double() would be one %gs-relative cmpxchg16b,
	 * but on a CPU without it calls this_cpu_cmpxchg16b_emu, which 6.1
	 * does not export: the same instruction with preemption off instead
	 * (lockless_freelist is off on such a CPU).
	 */
	preempt_disable_notrace();
	c = this_cpu_ptr(s->cpu_slab);
	swapped = cmpxchg_double_local(&c->freelist, &c->tid, old, tid,
				       new, next_tid(tid));
	preempt_enable_notrace();
	return swapped;
#else
	return this_cpu_cmpxchg_double(s->cpu_slab->freelist,
				       s->cpu_slab->tid, old, tid,
				       new, next_tid(tid));
#endif
}

/* --- CPU slabs ----------------------------------------------------------------- */

/*
 * Put a slab that a CPU gives up back on its node: on the partial list if
 * it has free objects, to @discard if empty and the node has min_partial
 * slabs already. Node lock held.
 */
static void unfreeze_slab(struct mmlab_kmem_cache *s,
			  struct mmlab_kmem_cache_node *n,
			  struct mmlab_slab *slab, struct list_head *discard,
			  bool count)
{
	slab->frozen = false;
	if (!slab->inuse && n->nr_partial >= s->min_partial) {
		node_remove_slab(n, slab, discard);
		if (count)
			stat(s, DEACTIVATE_EMPTY);
	} else if (slab->freelist) {
		add_partial(n, slab);
		if (count)
			stat(s, slab->inuse ? DEACTIVATE_PARTIAL :
					      DEACTIVATE_EMPTY);
	} else if (count) {
		stat(s, DEACTIVATE_FULL);
	}
}

/* Return the CPU freelist to the active slab and drop the slab. */
static void deactivate_cpu_slab(struct mmlab_kmem_cache *s,
				struct mmlab_kmem_cache_cpu *c,
				struct list_head *discard)
{
	struct mmlab_slab *slab = c->slab;
	struct mmlab_kmem_cache_node *n;
	void *head = c->freelist, *tail = NULL, *p;
	unsigned int count = 0;

	if (!slab)
		return;
	for (p = head; p; p = get_freepointer(s, p)) {
		tail = p;
		count++;
	}
	n = slab_node(s, slab);
	spin_lock(&n->list_lock);
	if (tail) {
		set_freepointer(s, tail, slab->freelist);
		slab->freelist = head;
		slab->inuse -= count;
	}
	unfreeze_slab(s, n, slab, discard, true);
	spin_unlock(&n->list_lock);
	c->slab = NULL;
	c->freelist = NULL;
}

static void unfreeze_partials(struct mmlab_kmem_cache *s,
			      struct mmlab_kmem_cache_cpu *c,
			      struct list_head *discard)
{
	struct mmlab_slab *slab, *next;

	if (list_empty(&c->partial))
		return;
	list_for_each_entry_safe(slab, next, &c->partial, list) {
		struct mmlab_kmem_cache_node *n = slab_node(s, slab);

		list_del_init(&slab->list);
		spin_lock(&n->list_lock);
		unfreeze_slab(s, n, slab, discard, false);
		spin_unlock(&n->list_lock);
	}
	c->nr_partial = 0;
	stat(s, CPU_PARTIAL_DRAIN);
}

/* Take every free object of a frozen slab for the CPU. Node lock held. */
static void *take_slab_freelist(struct mmlab_slab *slab)
{
	void *obj = slab->freelist;

	slab->freelist = NULL;
	slab->inuse = slab->objects;
	return obj;
}

static void *refill_from_cpu_slab(struct mmlab_kmem_cache *s,
				  struct mmlab_kmem_cache_cpu *c)
{
	struct mmlab_slab *slab = c->slab;
	struct mmlab_kmem_cache_node *n = slab_node(s, slab);
	void *obj;

	spin_lock(&n->list_lock);
	obj = take_slab_freelist(slab);
	if (!obj)
		slab->frozen = false;	/* full: belongs to no list */
	spin_unlock(&n->list_lock);
	if (obj) {
		stat(s, ALLOC_REFILL);
	} else {
		c->slab = NULL;
		stat(s, DEACTIVATE_FULL);
	}
	return obj;
}

static void *alloc_from_cpu_partial(struct mmlab_kmem_cache *s,
				    struct mmlab_kmem_cache_cpu *c, int nid)
{
	struct mmlab_kmem_cache_node *n;
	struct mmlab_slab *slab;
	void *obj;

	list_for_each_entry(slab, &c->partial, list) {
		if (nid != NUMA_NO_NODE && slab->nid != nid)
			continue;
		list_del_init(&slab->list);
		c->nr_partial--;
		n = slab_node(s, slab);
		spin_lock(&n->list_lock);
		obj = take_slab_freelist(slab);
		spin_unlock(&n->list_lock);
		c->slab = slab;
		stat(s, CPU_PARTIAL_ALLOC);
		return obj;
	}
	return NULL;
}

/*
 * Take the first partial slab of node @nid as the CPU slab, and up to half
 * of cpu_partial more for the CPU partial list, as get_partial_node().
 */
static void *alloc_from_node_partial(struct mmlab_kmem_cache *s,
				     struct mmlab_kmem_cache_cpu *c, int nid)
{
	struct mmlab_kmem_cache_node *n = &s->node[nid];
	struct mmlab_slab *slab, *next;
	void *obj = NULL;

	if (!READ_ONCE(n->nr_partial))
		return NULL;
	spin_lock(&n->list_lock);
	list_for_each_entry_safe(slab, next, &n->partial, list) {
		remove_partial(n, slab);
		slab->frozen = true;
		if (!obj) {
			obj = take_slab_freelist(slab);
			c->slab = slab;
			stat(s, ALLOC_FROM_PARTIAL);
		} else {
			list_add_tail(&slab->list, &c->partial);
			c->nr_partial++;
		}
		if (c->nr_partial >= s->cpu_partial_slabs / 2)
			break;
	}
	spin_unlock(&n->list_lock);
	return obj;
}

static void *alloc_from_partial(struct mmlab_kmem_cache *s,
				struct mmlab_kmem_cache_cpu *c, int nid)
{
	void *obj;
	int i;

	if (nid != NUMA_NO_NODE)
		return alloc_from_node_partial(s, c, nid);
	for (i = 0; i < mmlab_nr_regions(); i++) {
		obj = alloc_from_node_partial(s, c, i);
		if (obj)
			return obj;
	}
	return NULL;
}

/* Slow path without a new slab. CPU lock held. */
static void *alloc_slow_locked(struct mmlab_kmem_cache *s,
			       struct mmlab_kmem_cache_cpu *c, int nid)
{
	void *obj = NULL;

	if (c->slab)
		obj = refill_from_cpu_slab(s, c);
	if (!obj)
		obj = alloc_from_cpu_partial(s, c, nid);
	if (!obj)
		obj = alloc_from_partial(s, c, nid);
	if (obj)
		c->freelist = get_freepointer(s, obj);
	return obj;
}

/* Make a new slab the CPU slab and take its first object. CPU lock held. */
static void *install_new_slab(struct mmlab_kmem_cache *s,
			      struct mmlab_kmem_cache_cpu *c,
			      struct mmlab_slab *slab,
			      struct list_head *discard)
{
	struct mmlab_kmem_cache_node *n = slab_node(s, slab);
	void *obj;

	deactivate_cpu_slab(s, c, discard);
	spin_lock(&n->list_lock);
	slab->frozen = true;
	obj = take_slab_freelist(slab);
	node_add_slab(n, slab);
	spin_unlock(&n->list_lock);
	c->slab = slab;
	c->freelist = get_freepointer(s, obj);
	return obj;
}

/* A new slab for this CPU, and its first object. No lock held. */
static void *alloc_from_new_slab(struct mmlab_kmem_cache *s, mmlab_gfp_t gfp,
				 int nid)
{
	struct mmlab_kmem_cache_cpu *c;
	struct mmlab_slab *slab;
	unsigned long flags;
	LIST_HEAD(discard);
	void *obj;

	slab = allocate_slab(s, gfp, nid);
	if (!slab)
		return NULL;
	stat(s, ALLOC_SLAB);
	c = cpu_slab_lock(s, &flags);
	obj = install_new_slab(s, c, slab, &discard);
	cpu_slab_unlock(s, c, flags);
	discard_slabs(s, &discard);
	return obj;
}

/*
 * Allocation under the CPU lock: the fast path's fallback, and every
 * allocation for a given node (the lockless path does not read the slab
 * behind c->slab, which may be going away under it).
 */
static void *slab_alloc_locked(struct mmlab_kmem_cache *s, mmlab_gfp_t gfp,
			       int nid)
{
	struct mmlab_kmem_cache_cpu *c;
	unsigned long flags;
	LIST_HEAD(discard);
	void *obj;

	c = cpu_slab_lock(s, &flags);
	if (unlikely(nid != NUMA_NO_NODE && c->slab && c->slab->nid != nid)) {
		deactivate_cpu_slab(s, c, &discard);
		stat(s, ALLOC_NODE_MISMATCH);
	}
	obj = c->freelist;
	if (likely(obj)) {
		c->freelist = get_freepointer(s, obj);
		stat(s, ALLOC_FASTPATH);
	} else {
		stat(s, ALLOC_SLOWPATH);
		obj = alloc_slow_locked(s, c, nid);
		if (obj)
			stat(s, ALLOC_TOTAL);
	}
	cpu_slab_unlock(s, c, flags);
	discard_slabs(s, &discard);
	if (obj)
		return obj;
	obj = alloc_from_new_slab(s, gfp, nid);
	if (obj)
		stat(s, ALLOC_TOTAL);
	return obj;
}

/*
 * Pop the first object of this CPU's freelist without a lock or an
 * interrupt toggle, as 6.1's slab_alloc_node(): read the tid, then the
 * freelist, then swap both for the next object and the next tid. An
 * interrupt or a task that changed the freelist meanwhile moved the tid
 * on, and so did a move to another CPU (whose tids are others), so the
 * swap fails and the pop starts again. The next object's pointer may be
 * read from an object someone took meanwhile: it is garbage then, and the
 * swap fails with it.
 */
static __always_inline void *slab_alloc_fast(struct mmlab_kmem_cache *s,
					     mmlab_gfp_t gfp, int nid)
{
	struct mmlab_kmem_cache_cpu *c;
	unsigned long tid;
	void *obj, *next;

	if (!static_branch_likely(&lockless_freelist) || nid != NUMA_NO_NODE)
		return slab_alloc_locked(s, gfp, nid);
	do {
		c = raw_cpu_ptr(s->cpu_slab);
		tid = READ_ONCE(c->tid);
		barrier();	/* the tid first, then what it guards */
		obj = READ_ONCE(c->freelist);
		if (unlikely(!obj))
			return slab_alloc_locked(s, gfp, nid);
		next = get_freepointer(s, obj);
	} while (unlikely(!cpu_freelist_swap(s, obj, tid, next)));
	stat(s, ALLOC_FASTPATH);
	return obj;
}

/* --- Bad frees ----------------------------------------------------------------- */

static void report_double_free(struct mmlab_kmem_cache *s, void *obj)
{
	pr_err_ratelimited("%s: double free of object %p\n", s->name, obj);
	stat(s, DEBUG_ERRORS);
}

/* A free that lost the race with the release of the object's slab. */
static void report_discarded_free(struct mmlab_kmem_cache *s, void *obj)
{
	pr_err_ratelimited("%s: free of object %p whose slab was given back (double free)\n",
			   s->name, obj);
	stat(s, DEBUG_ERRORS);
}

/* --- Debug caches: every operation under the node lock ------------------------ */

static void *alloc_single_from_node(struct mmlab_kmem_cache *s,
				    struct mmlab_kmem_cache_node *n,
				    unsigned long addr)
{
	struct mmlab_slab *slab;
	void *obj = NULL;

	spin_lock(&n->list_lock);
	while (!list_empty(&n->partial)) {
		slab = list_first_entry(&n->partial, struct mmlab_slab, list);
		obj = slab->freelist;
		if (!mmlab_debug_alloc(s, slab, obj, addr)) {
			/* Corrupted freelist: the slab is taken out of use. */
			slab->freelist = NULL;
			slab->inuse = slab->objects;
			remove_partial(n, slab);
			obj = NULL;
			continue;
		}
		slab->freelist = get_freepointer(s, obj);
		slab->inuse++;
		if (!slab->freelist)
			remove_partial(n, slab);
		break;
	}
	spin_unlock(&n->list_lock);
	return obj;
}

/*
 * Take the first object of a new debug slab and give the slab to its node,
 * as alloc_single_from_new_slab(): the object comes from this slab even
 * when the slab's region is not the one asked for (the buddy fell back to
 * another), since a node is a preference, not a promise.
 */
static void *alloc_from_new_debug_slab(struct mmlab_kmem_cache *s,
				       struct mmlab_slab *slab,
				       unsigned long addr)
{
	struct mmlab_kmem_cache_node *n = slab_node(s, slab);
	void *obj = slab->freelist;
	unsigned long flags;

	spin_lock_irqsave(&n->list_lock, flags);
	node_add_slab(n, slab);
	if (mmlab_debug_alloc(s, slab, obj, addr)) {
		slab->freelist = get_freepointer(s, obj);
		slab->inuse = 1;
		if (slab->freelist)
			add_partial(n, slab);
	} else {
		/* Cannot happen to a new slab; kept out of use if it does. */
		slab->freelist = NULL;
		slab->inuse = slab->objects;
		obj = NULL;
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	return obj;
}

static void *slab_alloc_debug(struct mmlab_kmem_cache *s, mmlab_gfp_t gfp,
			      int nid, unsigned long addr)
{
	struct mmlab_slab *slab;
	unsigned long flags;
	void *obj = NULL;
	int i;

	stat(s, ALLOC_SLOWPATH);
	local_irq_save(flags);
	for (i = 0; i < mmlab_nr_regions() && !obj; i++) {
		if (nid != NUMA_NO_NODE && i != nid)
			continue;
		obj = alloc_single_from_node(s, &s->node[i], addr);
	}
	local_irq_restore(flags);
	if (obj) {
		stat(s, ALLOC_FROM_PARTIAL);
		return obj;
	}
	slab = allocate_slab(s, gfp, nid);
	if (!slab)
		return NULL;
	stat(s, ALLOC_SLAB);
	return alloc_from_new_debug_slab(s, slab, addr);
}

static void slab_free_debug(struct mmlab_kmem_cache *s, struct mmlab_slab *slab,
			    void *obj, unsigned long addr)
{
	struct mmlab_kmem_cache_node *n = slab_node(s, slab);
	unsigned long flags;
	LIST_HEAD(discard);

	stat(s, FREE_SLOWPATH);
	spin_lock_irqsave(&n->list_lock, flags);
	if (unlikely(slab->discarded)) {
		spin_unlock_irqrestore(&n->list_lock, flags);
		report_discarded_free(s, obj);
		return;
	}
	if (!mmlab_debug_free(s, slab, obj, addr)) {
		spin_unlock_irqrestore(&n->list_lock, flags);
		stat(s, DEBUG_ERRORS);
		return;
	}
	if (!slab->freelist) {
		add_partial(n, slab);
		stat(s, FREE_ADD_PARTIAL);
	}
	set_freepointer(s, obj, slab->freelist);
	slab->freelist = obj;
	slab->inuse--;
	if (!slab->inuse && n->nr_partial > s->min_partial) {
		remove_partial(n, slab);
		node_remove_slab(n, slab, &discard);
		stat(s, FREE_REMOVE_PARTIAL);
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	stat(s, FREE_TOTAL);
	discard_slabs(s, &discard);
}

/* --- Free ---------------------------------------------------------------------- */

/* A full slab got a free object: CPU partial list, or node partial. */
static void free_to_full_slab(struct mmlab_kmem_cache *s,
			      struct mmlab_kmem_cache_cpu *c,
			      struct mmlab_kmem_cache_node *n,
			      struct mmlab_slab *slab,
			      struct list_head *discard)
{
	if (s->cpu_partial_slabs) {
		slab->frozen = true;
		list_add(&slab->list, &c->partial);
		c->nr_partial++;
		stat(s, CPU_PARTIAL_FREE);
		return;
	}
	if (!slab->inuse && n->nr_partial >= s->min_partial) {
		node_remove_slab(n, slab, discard);
		return;
	}
	add_partial(n, slab);
	stat(s, FREE_ADD_PARTIAL);
}

/*
 * Free the chain @head..@tail of @cnt objects of @slab, not this CPU's
 * active slab, to the slab's own freelist. CPU lock held.
 */
static void slab_free_slow(struct mmlab_kmem_cache *s,
			   struct mmlab_kmem_cache_cpu *c,
			   struct mmlab_slab *slab, void *head, void *tail,
			   unsigned int cnt, struct list_head *discard)
{
	struct mmlab_kmem_cache_node *n = slab_node(s, slab);
	bool was_full;

	stat(s, FREE_SLOWPATH);
	spin_lock(&n->list_lock);
	if (unlikely(slab->discarded)) {
		spin_unlock(&n->list_lock);
		report_discarded_free(s, head);
		return;
	}
	if (unlikely(head == slab->freelist)) {
		spin_unlock(&n->list_lock);
		report_double_free(s, head);
		return;
	}
	was_full = !slab->freelist;
	set_freepointer(s, tail, slab->freelist);
	slab->freelist = head;
	slab->inuse -= cnt;
	if (slab->frozen) {
		stat(s, FREE_FROZEN);
	} else if (was_full) {
		free_to_full_slab(s, c, n, slab, discard);
	} else if (!slab->inuse && n->nr_partial > s->min_partial) {
		remove_partial(n, slab);
		node_remove_slab(n, slab, discard);
		stat(s, FREE_REMOVE_PARTIAL);
	}
	spin_unlock(&n->list_lock);
	this_cpu_add(s->cpu_slab->stat[FREE_TOTAL], cnt);
	if (c->nr_partial > s->cpu_partial_slabs)
		unfreeze_partials(s, c, discard);
}

/* Push a chain onto this CPU's freelist. CPU lock held. */
static void cpu_freelist_push_locked(struct mmlab_kmem_cache *s,
				     struct mmlab_kmem_cache_cpu *c,
				     void *head, void *tail, unsigned int cnt)
{
	if (unlikely(head == c->freelist)) {
		report_double_free(s, head);
		return;
	}
	set_freepointer(s, tail, c->freelist);
	c->freelist = head;
	this_cpu_add(s->cpu_slab->stat[FREE_FASTPATH], cnt);
}

static void slab_free_locked(struct mmlab_kmem_cache *s,
			     struct mmlab_slab *slab, void *head, void *tail,
			     unsigned int cnt)
{
	struct mmlab_kmem_cache_cpu *c;
	unsigned long flags;
	LIST_HEAD(discard);

	c = cpu_slab_lock(s, &flags);
	if (likely(slab == c->slab))
		cpu_freelist_push_locked(s, c, head, tail, cnt);
	else
		slab_free_slow(s, c, slab, head, tail, cnt, &discard);
	cpu_slab_unlock(s, c, flags);
	discard_slabs(s, &discard);
}

/*
 * Free the chain @head..@tail of @cnt objects of @slab. To this CPU's
 * freelist without a lock when @slab is the CPU's active slab, as 6.1's
 * do_slab_free(): read the tid, check the slab, link the chain in front
 * of the freelist and swap both; a change of the CPU's state between the
 * read and the swap fails the swap. Else under the CPU lock, to the slab.
 */
static __always_inline void slab_free_fast(struct mmlab_kmem_cache *s,
					   struct mmlab_slab *slab, void *head,
					   void *tail, unsigned int cnt)
{
	struct mmlab_kmem_cache_cpu *c;
	unsigned long tid;
	void *freelist;

	if (!static_branch_likely(&lockless_freelist))
		return slab_free_locked(s, slab, head, tail, cnt);
	do {
		c = raw_cpu_ptr(s->cpu_slab);
		tid = READ_ONCE(c->tid);
		barrier();	/* the tid first, then what it guards */
		if (unlikely(slab != READ_ONCE(c->slab)))
			return slab_free_locked(s, slab, head, tail, cnt);
		freelist = READ_ONCE(c->freelist);
		if (unlikely(head == freelist)) {
			report_double_free(s, head);
			return;
		}
		set_freepointer(s, tail, freelist);
	} while (unlikely(!cpu_freelist_swap(s, freelist, tid, head)));
	this_cpu_add(s->cpu_slab->stat[FREE_FASTPATH], cnt);
}

static void report_not_object_start(struct mmlab_kmem_cache *s, void *obj)
{
	pr_err_ratelimited("%s: free of %p, not the start of an object\n",
			   s->name, obj);
	stat(s, DEBUG_ERRORS);
}

/*
 * @obj is the start of one of @slab's objects: inside the slab, at a
 * multiple of the slot size (found with a multiply, not a divide).
 */
static inline bool object_start(struct mmlab_kmem_cache *s,
				struct mmlab_slab *slab, void *obj)
{
	unsigned long off = (unsigned long)obj - (unsigned long)slab->base;
	unsigned int idx;

	if (off >= (unsigned long)slab->objects * s->size)
		return false;
	idx = reciprocal_divide(off, s->reciprocal_size);
	return idx * s->size == off;
}

/*
 * The checks every free gets: @obj is the start of an object of a slab of
 * @s. Returns the slab, or NULL after one log line.
 */
static __always_inline struct mmlab_slab *
free_check(struct mmlab_kmem_cache *s, void *obj)
{
	struct mmlab_slab *slab = virt_to_slab(obj);

	if (unlikely(!slab)) {
		pr_err_ratelimited("%s: free of %p, not a slab object\n",
				   s->name, obj);
		goto bad;
	}
	if (unlikely(slab->cache != s)) {
		pr_err_ratelimited("%s: free of object %p that belongs to cache %s\n",
				   s->name, obj, slab->cache->name);
		goto bad;
	}
	if (unlikely(!object_start(s, slab, obj))) {
		report_not_object_start(s, obj);
		return NULL;
	}
	return slab;
bad:
	stat(s, DEBUG_ERRORS);
	return NULL;
}

/* --- Bulk ------------------------------------------------------------------------ */

/**
 * struct detached_freelist - objects of one slab, chained for one free.
 * @slab: their slab, or NULL when the object looked at was not freed.
 * @head: first of the chain.
 * @tail: last of the chain.
 * @cnt: objects in it.
 */
struct detached_freelist {
	struct mmlab_slab *slab;
	void *head;
	void *tail;
	unsigned int cnt;
};

/*
 * Chain the last object of @p[0..@size) with the other objects of its slab
 * found walking down from it, as 6.1's build_detached_freelist(): the walk
 * stops after 3 objects of other slabs in a row, and the objects chained
 * are swapped past the ones left. Returns how many are left to free. The
 * last object gets every check of a free; the others are of its slab when
 * they are the start of one of its objects, an address check with no
 * page lookup (one that fails is left, and gets the full checks when its
 * turn comes). Called under rcu_read_lock().
 */
static size_t build_detached_freelist(struct mmlab_kmem_cache *s, size_t size,
				      void **p, struct detached_freelist *df)
{
	unsigned int lookahead = 3;
	size_t same;
	void *obj;

	obj = p[--size];
	df->slab = obj ? free_check(s, obj) : NULL;
	if (!df->slab)
		return size;
	df->head = obj;
	df->tail = obj;
	df->cnt = 1;
	set_freepointer(s, obj, NULL);
	same = size;
	while (size) {
		obj = p[--size];
		if (obj && object_start(s, df->slab, obj)) {
			set_freepointer(s, obj, df->head);
			df->head = obj;
			df->cnt++;
			same--;
			if (size != same)
				swap(p[size], p[same]);
			continue;
		}
		if (!--lookahead)
			break;
	}
	return same;
}

/* Free @nr objects of a cache without debug flags, a slab at a time. */
static void slab_free_bulk(struct mmlab_kmem_cache *s, size_t nr, void **p)
{
	struct detached_freelist df;

	rcu_read_lock();
	while (nr) {
		nr = build_detached_freelist(s, nr, p, &df);
		if (df.slab)
			slab_free_fast(s, df.slab, df.head, df.tail, df.cnt);
	}
	rcu_read_unlock();
}

/* @nr objects allocated in bulk, @fast of them from the CPU freelist. */
static inline void count_bulk_alloc(struct mmlab_kmem_cache *s,
				    unsigned long fast, unsigned long nr)
{
	this_cpu_add(s->cpu_slab->stat[ALLOC_FASTPATH], fast);
	if (nr > fast)
		this_cpu_add(s->cpu_slab->stat[ALLOC_TOTAL], nr - fast);
}

/*
 * Allocate @nr objects into @p with the CPU lock taken once, as 6.1's
 * kmem_cache_alloc_bulk(): pop the CPU freelist, refill it from the slow
 * path when it runs dry, drop the lock only to grow the cache. On failure
 * what was taken is freed and 0 returned.
 */
static int slab_alloc_bulk(struct mmlab_kmem_cache *s, mmlab_gfp_t gfp,
			   size_t nr, void **p)
{
	struct mmlab_kmem_cache_cpu *c;
	unsigned long flags, fast = 0;
	size_t i;
	void *obj;

	c = cpu_slab_lock(s, &flags);
	for (i = 0; i < nr; i++) {
		obj = c->freelist;
		if (likely(obj)) {
			c->freelist = get_freepointer(s, obj);
			fast++;
		} else {
			stat(s, ALLOC_SLOWPATH);
			obj = alloc_slow_locked(s, c, NUMA_NO_NODE);
		}
		if (unlikely(!obj)) {
			cpu_slab_unlock(s, c, flags);
			obj = alloc_from_new_slab(s, gfp, NUMA_NO_NODE);
			if (!obj)
				goto fail;
			c = cpu_slab_lock(s, &flags);
		}
		p[i] = obj;
	}
	cpu_slab_unlock(s, c, flags);
	count_bulk_alloc(s, fast, nr);
	return nr;
fail:
	count_bulk_alloc(s, fast, i);
	slab_free_bulk(s, i, p);
	return 0;
}

/* --- Internal entry points (no tracing) ----------------------------------------- */

static __always_inline void *slab_alloc(struct mmlab_kmem_cache *s,
					mmlab_gfp_t gfp, int nid,
					unsigned long addr)
{
	void *obj;

	if (nid != NUMA_NO_NODE && (nid < 0 || nid >= mmlab_nr_regions()))
		return NULL;
	if (gfp & __MMLAB_GFP_DIRECT_RECLAIM)
		might_sleep();
	if (mmlab_should_fail(&fail_slab, s->object_size))
		return NULL;
	if (unlikely(mmlab_cache_debug(s))) {
		obj = slab_alloc_debug(s, gfp, nid, addr);
		if (obj)
			stat(s, ALLOC_TOTAL);
	} else {
		obj = slab_alloc_fast(s, gfp, nid);
	}
	if (!obj)
		return NULL;
	if (gfp & __MMLAB_GFP_ZERO)
		memset(obj, 0, s->object_size);
	return obj;
}

/*
 * The slab found through the object's page stays readable until
 * rcu_read_unlock() even if a racing free gives it back meanwhile; the
 * free paths then find it discarded under the node lock.
 */
static __always_inline void do_slab_free(struct mmlab_kmem_cache *s,
					 struct mmlab_slab *slab, void *obj,
					 unsigned long addr)
{
	if (unlikely(mmlab_cache_debug(s)))
		slab_free_debug(s, slab, obj, addr);
	else
		slab_free_fast(s, slab, obj, obj, 1);
}

static __always_inline void slab_free(struct mmlab_kmem_cache *s, void *obj,
				      unsigned long addr)
{
	struct mmlab_slab *slab;

	rcu_read_lock();
	slab = free_check(s, obj);
	if (slab)
		do_slab_free(s, slab, obj, addr);
	rcu_read_unlock();
}

/* kmalloc.c's way in: no kmem_cache tracepoint, the kmalloc one instead. */
void *__mmlab_slab_alloc(struct mmlab_kmem_cache *s, mmlab_gfp_t gfp, int nid,
			 unsigned long addr)
{
	return slab_alloc(s, gfp, nid, addr);
}

/*
 * kfree()'s: @slab is @obj's, found under the caller's rcu_read_lock(), so
 * only the start of an object is left to check.
 */
void __mmlab_slab_free(struct mmlab_slab *slab, void *obj, unsigned long addr)
{
	struct mmlab_kmem_cache *s = READ_ONCE(slab->cache);

	if (unlikely(!object_start(s, slab, obj))) {
		report_not_object_start(s, obj);
		return;
	}
	do_slab_free(s, slab, obj, addr);
}

/* --- Exported API ----------------------------------------------------------------- */

/**
 * mmlab_kmem_cache_alloc_node() - allocate an object from region @nid.
 * @s: the cache.
 * @gfp: MMLAB_GFP_* flags; __MMLAB_GFP_ZERO clears the object.
 * @nid: region, or NUMA_NO_NODE for any.
 *
 * Context: any context when @gfp does not allow direct reclaim.
 * Return: the object, or NULL.
 */
void *mmlab_kmem_cache_alloc_node(struct mmlab_kmem_cache *s,
				  mmlab_gfp_t gfp, int nid)
{
	void *obj = slab_alloc(s, gfp, nid, _RET_IP_);

	trace_kmem_cache_alloc(_RET_IP_, obj, s, gfp, nid);
	return obj;
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_alloc_node);

/**
 * mmlab_kmem_cache_alloc() - allocate an object.
 * @s: the cache.
 * @gfp: MMLAB_GFP_* flags; __MMLAB_GFP_ZERO clears the object.
 *
 * Context: any context when @gfp does not allow direct reclaim.
 * Return: the object, or NULL.
 */
void *mmlab_kmem_cache_alloc(struct mmlab_kmem_cache *s, mmlab_gfp_t gfp)
{
	void *obj = slab_alloc(s, gfp, NUMA_NO_NODE, _RET_IP_);

	trace_kmem_cache_alloc(_RET_IP_, obj, s, gfp, NUMA_NO_NODE);
	return obj;
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_alloc);

/**
 * mmlab_kmem_cache_free() - free an object.
 * @s: the cache it was allocated from.
 * @obj: the object; NULL is ignored.
 *
 * A pointer that is not an object of @s, and a double free the checks can
 * see, are reported with one log line and ignored.
 *
 * Context: any context.
 */
void mmlab_kmem_cache_free(struct mmlab_kmem_cache *s, void *obj)
{
	if (!obj)
		return;
	trace_kmem_cache_free(_RET_IP_, obj, s);
	slab_free(s, obj, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_free);

/**
 * mmlab_kmem_cache_alloc_bulk() - allocate @nr objects into @p.
 * @s: the cache.
 * @gfp: MMLAB_GFP_* flags; __MMLAB_GFP_ZERO clears the objects.
 * @nr: objects wanted.
 * @p: array of @nr pointers to fill.
 *
 * The CPU lock is taken once for all of them, as kmem_cache_alloc_bulk();
 * and as there, no kmem_cache_alloc event is emitted. Caches with debug
 * flags allocate one object at a time.
 *
 * Context: process context when @gfp allows direct reclaim, else any.
 * Return: @nr, or 0 (and nothing allocated) on failure.
 */
int mmlab_kmem_cache_alloc_bulk(struct mmlab_kmem_cache *s, mmlab_gfp_t gfp,
				size_t nr, void **p)
{
	size_t i;

	if (gfp & __MMLAB_GFP_DIRECT_RECLAIM)
		might_sleep();
	if (unlikely(mmlab_cache_debug(s))) {
		for (i = 0; i < nr; i++) {
			p[i] = slab_alloc(s, gfp, NUMA_NO_NODE, _RET_IP_);
			if (!p[i]) {
				mmlab_kmem_cache_free_bulk(s, i, p);
				return 0;
			}
		}
		return nr;
	}
	if (static_branch_unlikely(&fail_slab.active))
		for (i = 0; i < nr; i++)	/* each object is one call */
			if (mmlab_should_fail(&fail_slab, s->object_size))
				return 0;
	if (!slab_alloc_bulk(s, gfp, nr, p))
		return 0;
	if (gfp & __MMLAB_GFP_ZERO)
		for (i = 0; i < nr; i++)
			memset(p[i], 0, s->object_size);
	return nr;
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_alloc_bulk);

/**
 * mmlab_kmem_cache_free_bulk() - free @nr objects of @p.
 * @s: the cache.
 * @nr: objects.
 * @p: the objects; NULL entries are skipped. Its order is changed.
 *
 * Objects of one slab are chained and freed together, as
 * kmem_cache_free_bulk(); as there, no kmem_cache_free event is emitted.
 * Each pointer gets the checks of mmlab_kmem_cache_free().
 *
 * Context: any context.
 */
void mmlab_kmem_cache_free_bulk(struct mmlab_kmem_cache *s, size_t nr,
				void **p)
{
	size_t i;

	if (likely(!mmlab_cache_debug(s))) {
		slab_free_bulk(s, nr, p);
		return;
	}
	for (i = 0; i < nr; i++)
		if (p[i])
			slab_free(s, p[i], _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_free_bulk);

/**
 * mmlab_kmem_cache_name() - the cache's name.
 * @s: the cache.
 *
 * Return: the name.
 */
const char *mmlab_kmem_cache_name(const struct mmlab_kmem_cache *s)
{
	return s->name;
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_name);

/**
 * mmlab_kmem_cache_size() - usable bytes of an object.
 * @s: the cache.
 *
 * Return: the object size.
 */
unsigned int mmlab_kmem_cache_size(const struct mmlab_kmem_cache *s)
{
	return s->object_size;
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_size);

/* --- Flush, shrink ----------------------------------------------------------------- */

struct slub_flush_work {
	struct work_struct work;
	struct mmlab_kmem_cache *s;
};

static DEFINE_PER_CPU(struct slub_flush_work, slub_flush_works);
static DEFINE_MUTEX(flush_mutex);

/* Give back the CPU slab and CPU partial slabs of @c. Interrupts off. */
static void flush_cpu_state(struct mmlab_kmem_cache *s,
			    struct mmlab_kmem_cache_cpu *c,
			    struct list_head *discard)
{
	if (c->slab)
		stat(s, CPUSLAB_FLUSH);
	deactivate_cpu_slab(s, c, discard);
	unfreeze_partials(s, c, discard);
}

static void flush_this_cpu(struct mmlab_kmem_cache *s)
{
	struct mmlab_kmem_cache_cpu *c;
	unsigned long flags;
	LIST_HEAD(discard);

	c = cpu_slab_lock(s, &flags);
	flush_cpu_state(s, c, &discard);
	cpu_slab_unlock(s, c, flags);
	discard_slabs(s, &discard);
}

static void flush_cpu_work(struct work_struct *w)
{
	flush_this_cpu(container_of(w, struct slub_flush_work, work)->s);
}

/*
 * Flush every online CPU; the caller holds cpus_read_lock() (the kernel's
 * lockdep_assert_cpus_held() is not exported).
 */
static void flush_all_cpus_locked(struct mmlab_kmem_cache *s)
{
	struct slub_flush_work *fw;
	int cpu;

	if (mmlab_cache_debug(s))
		return;		/* debug caches hold nothing per CPU */
	mutex_lock(&flush_mutex);
	for_each_online_cpu(cpu) {
		fw = per_cpu_ptr(&slub_flush_works, cpu);
		INIT_WORK(&fw->work, flush_cpu_work);
		fw->s = s;
		queue_work_on(cpu, system_wq, &fw->work);
	}
	for_each_online_cpu(cpu)
		flush_work(&per_cpu_ptr(&slub_flush_works, cpu)->work);
	mutex_unlock(&flush_mutex);
}

/**
 * mmlab_flush_all() - give every CPU slab and CPU partial slab back to the
 *	node lists.
 * @s: the cache.
 *
 * Context: process context; sleeps; takes cpus_read_lock().
 */
void mmlab_flush_all(struct mmlab_kmem_cache *s)
{
	cpus_read_lock();
	flush_all_cpus_locked(s);
	cpus_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_flush_all);

/*
 * A dead CPU's slabs, from the control CPU: nothing runs on @cpu any more,
 * so its per-CPU state is ours without its local lock (as the kernel's
 * __flush_cpu_slab()); frees from other CPUs into those slabs meet us on
 * the node locks, taken with interrupts off as everywhere.
 */
static void flush_dead_cpu(struct mmlab_kmem_cache *s, unsigned int cpu)
{
	struct mmlab_kmem_cache_cpu *c = per_cpu_ptr(s->cpu_slab, cpu);
	unsigned long flags;
	LIST_HEAD(discard);

	local_irq_save(flags);
	flush_cpu_state(s, c, &discard);
	c->tid = next_tid(c->tid);
	local_irq_restore(flags);
	discard_slabs(s, &discard);
}

/* CPUHP teardown of a dead CPU, as slub_cpu_dead(). */
static int slub_cpu_dead(unsigned int cpu)
{
	struct mmlab_kmem_cache *s;

	mutex_lock(&mmlab_slab_mutex);
	list_for_each_entry(s, &mmlab_slab_caches, list)
		flush_dead_cpu(s, cpu);
	mutex_unlock(&mmlab_slab_mutex);
	return 0;
}

/**
 * mmlab_cache_shrink_node() - free the empty partial slabs of one region.
 * @s: the cache.
 * @nid: region.
 *
 * Return: pages given back to mmlab_buddy.
 */
unsigned long mmlab_cache_shrink_node(struct mmlab_kmem_cache *s, int nid)
{
	struct mmlab_kmem_cache_node *n = &s->node[nid];
	struct mmlab_slab *slab, *next;
	unsigned long flags, nr = 0;
	LIST_HEAD(discard);

	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry_safe(slab, next, &n->partial, list) {
		if (slab->inuse)
			continue;
		remove_partial(n, slab);
		node_remove_slab(n, slab, &discard);
		nr += 1UL << s->order;
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	discard_slabs(s, &discard);
	return nr;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_cache_shrink_node);

/**
 * mmlab_kmem_cache_shrink() - give every empty slab back to mmlab_buddy.
 * @s: the cache.
 *
 * Flushes the CPU slabs first, so that an idle cache keeps no slab.
 *
 * Context: process context; sleeps.
 * Return: pages freed.
 */
unsigned long mmlab_kmem_cache_shrink(struct mmlab_kmem_cache *s)
{
	unsigned long nr = 0;
	int i;

	mmlab_flush_all(s);
	for (i = 0; i < mmlab_nr_regions(); i++)
		nr += mmlab_cache_shrink_node(s, i);
	return nr;
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_shrink);

/* Count empty node partial slabs' pages of region @nid. */
static unsigned long cache_count_empty(struct mmlab_kmem_cache *s, int nid)
{
	struct mmlab_kmem_cache_node *n = &s->node[nid];
	struct mmlab_slab *slab;
	unsigned long flags, nr = 0;

	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry(slab, &n->partial, list)
		if (!slab->inuse)
			nr += 1UL << s->order;
	spin_unlock_irqrestore(&n->list_lock, flags);
	return nr;
}

static unsigned long slub_shrink_count(struct mmlab_shrinker *sh, int nid)
{
	struct mmlab_kmem_cache *s;
	unsigned long nr = 0;

	if (nid < 0 || nid >= mmlab_nr_regions() ||
	    !mutex_trylock(&mmlab_slab_mutex))
		return 0;
	list_for_each_entry(s, &mmlab_slab_caches, list)
		nr += cache_count_empty(s, nid);
	mutex_unlock(&mmlab_slab_mutex);
	return nr;
}

static unsigned long slub_shrink_scan(struct mmlab_shrinker *sh, int nid,
				      unsigned long nr_to_scan)
{
	struct mmlab_kmem_cache *s;
	unsigned long nr = 0;

	if (nid < 0 || nid >= mmlab_nr_regions() ||
	    !mutex_trylock(&mmlab_slab_mutex))
		return 0;
	list_for_each_entry(s, &mmlab_slab_caches, list) {
		nr += mmlab_cache_shrink_node(s, nid);
		if (nr >= nr_to_scan)
			break;
	}
	mutex_unlock(&mmlab_slab_mutex);
	return nr;
}

static struct mmlab_shrinker slub_shrinker = {
	.name = "mmlab_slub",
	.count = slub_shrink_count,
	.scan = slub_shrink_scan,
};

/* --- Validate ----------------------------------------------------------------------- */

static bool valid_object(struct mmlab_kmem_cache *s, struct mmlab_slab *slab,
			 void *p)
{
	unsigned long off = p - slab->base;

	return p >= slab->base && !(off % s->size) &&
	       off / s->size < slab->objects;
}

/* Check one slab's freelist and counters. Node lock held. */
static int validate_slab(struct mmlab_kmem_cache *s, struct mmlab_slab *slab)
{
	unsigned int nfree = 0;
	void *p;

	if (slab->cache != s) {
		pr_err("%s: validate: slab %p belongs to %s\n", s->name,
		       slab, slab->cache->name);
		return -EINVAL;
	}
	for (p = slab->freelist; p; p = get_freepointer(s, p)) {
		if (!valid_object(s, slab, p) || ++nfree > slab->objects) {
			pr_err("%s: validate: freelist of slab %p corrupted\n",
			       s->name, slab);
			return -EINVAL;
		}
	}
	if (!slab->frozen && nfree + slab->inuse != slab->objects) {
		pr_err("%s: validate: slab %p counts %u in use, %u free of %u\n",
		       s->name, slab, slab->inuse, nfree, slab->objects);
		return -EINVAL;
	}
	if (mmlab_cache_debug(s))
		return mmlab_debug_validate_slab(s, slab);
	return 0;
}

/**
 * mmlab_kmem_cache_validate() - a full consistency check of a cache.
 * @s: the cache.
 *
 * Flushes the CPU slabs, then checks every slab: freelist pointers, the
 * counters, and for debug caches red zones and poison of free objects.
 * Each problem is logged with one line.
 *
 * Context: process context; sleeps.
 * Return: 0 if consistent, -EINVAL otherwise.
 */
int mmlab_kmem_cache_validate(struct mmlab_kmem_cache *s)
{
	struct mmlab_slab *slab;
	unsigned long flags, nr;
	int i, ret = 0;

	mmlab_flush_all(s);
	for (i = 0; i < mmlab_nr_regions(); i++) {
		struct mmlab_kmem_cache_node *n = &s->node[i];

		nr = 0;
		spin_lock_irqsave(&n->list_lock, flags);
		list_for_each_entry(slab, &n->all_slabs, all) {
			nr++;
			if (validate_slab(s, slab))
				ret = -EINVAL;
		}
		if (nr != n->nr_slabs) {
			pr_err("%s: validate: %lu slabs listed, %lu counted\n",
			       s->name, nr, n->nr_slabs);
			ret = -EINVAL;
		}
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_validate);

/* --- Create, destroy ------------------------------------------------------------------ */

static bool valid_cache_name(const char *name)
{
	size_t len = strnlen(name, MMLAB_CACHE_NAME_LEN);

	if (!len || len >= MMLAB_CACHE_NAME_LEN)
		return false;
	for (; *name; name++)
		if (!isalnum(*name) && !strchr("-_.:", *name))
			return false;
	return true;
}

static struct mmlab_kmem_cache *find_cache(const char *name)
{
	struct mmlab_kmem_cache *s;

	list_for_each_entry(s, &mmlab_slab_caches, list)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

static int init_cache(struct mmlab_kmem_cache *s)
{
	int cpu, i;

	/* two words aligned, for the (freelist, tid) cmpxchg */
	s->cpu_slab = __alloc_percpu(sizeof(struct mmlab_kmem_cache_cpu),
				     2 * sizeof(void *));
	if (!s->cpu_slab)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct mmlab_kmem_cache_cpu *c = per_cpu_ptr(s->cpu_slab, cpu);

		c->tid = cpu;		/* init_tid() */
		local_lock_init(&c->lock);
		INIT_LIST_HEAD(&c->partial);
	}
	for (i = 0; i < MMLAB_MAX_REGIONS; i++) {
		spin_lock_init(&s->node[i].list_lock);
		INIT_LIST_HEAD(&s->node[i].partial);
		INIT_LIST_HEAD(&s->node[i].all_slabs);
	}
	return 0;
}

/* min_partial and cpu_partial as set_min_partial()/set_cpu_partial(). */
static void set_partial_limits(struct mmlab_kmem_cache *s)
{
	s->min_partial = clamp_t(unsigned long, ilog2(s->size) / 2, 5, 10);
	if (mmlab_cache_debug(s))
		s->cpu_partial_slabs = 0;
	else if (s->size >= PAGE_SIZE)
		s->cpu_partial_slabs = 2;
	else if (s->size >= 1024)
		s->cpu_partial_slabs = 4;
	else if (s->size >= 256)
		s->cpu_partial_slabs = 8;
	else
		s->cpu_partial_slabs = 16;
}

/**
 * mmlab_kmem_cache_create() - create an object cache.
 * @name: unique name, [A-Za-z0-9-_.:], shorter than MMLAB_CACHE_NAME_LEN.
 * @size: object size, 1..MMLAB_KMALLOC_MAX_CACHE_SIZE * 4.
 * @align: minimum alignment, 0 or a power of two up to PAGE_SIZE.
 * @flags: MMLAB_SLAB_* flags; the mmlab_slub_debug parameter may add
 *	debug flags. MMLAB_SLAB_RECLAIM_ACCOUNT counts the slabs in
 *	nr_slab_reclaimable and takes them from reclaimable pageblocks.
 * @ctor: called on every object when its slab is created, or NULL.
 *
 * Context: process context; sleeps.
 * Return: the cache, or an ERR_PTR: -EINVAL for a bad argument, -EEXIST
 * for a name in use, -ENOMEM.
 */
struct mmlab_kmem_cache *
mmlab_kmem_cache_create(const char *name, unsigned int size,
			unsigned int align, unsigned long flags,
			void (*ctor)(void *))
{
	struct mmlab_kmem_cache *s;
	unsigned long dflags = 0;
	int ret;

	if (!name || !valid_cache_name(name) || !size ||
	    size > 4 * MMLAB_KMALLOC_MAX_CACHE_SIZE ||
	    (align && (!is_power_of_2(align) || align > PAGE_SIZE)) ||
	    (flags & ~(MMLAB_SLAB_DEBUG_FLAGS | MMLAB_SLAB_HWCACHE_ALIGN |
		       MMLAB_SLAB_RECLAIM_ACCOUNT))) {
		pr_err("cache create: invalid arguments (name %s, size %u, align %u, flags %#lx)\n",
		       name && valid_cache_name(name) ? name : "?", size,
		       align, flags);
		return ERR_PTR(-EINVAL);
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	strscpy(s->name, name, sizeof(s->name));
	mmlab_slub_parse_debug(mmlab_slub_debug, name, &dflags);
	s->flags = flags | dflags;
	if (ctor)
		s->flags &= ~MMLAB_SLAB_POISON;	/* as SLUB: ctor objects keep state */
	s->object_size = size;
	s->ctor = ctor;
	if (s->flags & MMLAB_SLAB_RECLAIM_ACCOUNT)
		s->allocflags = __MMLAB_GFP_RECLAIMABLE;
	s->align = calculate_align(s->flags, align, size);
	s->random = get_random_long();
	s->refcount = 1;
	ret = calculate_sizes(s);
	if (!ret)
		ret = init_cache(s);
	if (ret)
		goto fail;
	set_partial_limits(s);

	mutex_lock(&mmlab_slab_mutex);
	if (find_cache(name)) {
		mutex_unlock(&mmlab_slab_mutex);
		pr_err("cache create: %s exists\n", name);
		ret = -EEXIST;
		goto fail;
	}
	list_add_tail(&s->list, &mmlab_slab_caches);
	mmlab_cache_debugfs_add(s);
	mutex_unlock(&mmlab_slab_mutex);
	return s;
fail:
	free_percpu(s->cpu_slab);
	kfree(s);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_create);

/* Free every slab with no object in use; count the objects left. */
static unsigned long release_slabs(struct mmlab_kmem_cache *s)
{
	struct mmlab_slab *slab, *next;
	unsigned long flags, left = 0;
	LIST_HEAD(discard);
	int i;

	for (i = 0; i < MMLAB_MAX_REGIONS; i++) {
		struct mmlab_kmem_cache_node *n = &s->node[i];

		spin_lock_irqsave(&n->list_lock, flags);
		list_for_each_entry_safe(slab, next, &n->all_slabs, all) {
			if (slab->inuse) {
				left += slab->inuse;
				continue;
			}
			if (!list_empty(&slab->list))
				remove_partial(n, slab);
			node_remove_slab(n, slab, &discard);
		}
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	discard_slabs(s, &discard);
	return left;
}

#define OBJECTS_REPORTED	8	/* objects listed by a refused destroy */

/* Is @obj on the freelist of @slab? Node lock held. */
static bool on_slab_freelist(struct mmlab_kmem_cache *s,
			     struct mmlab_slab *slab, void *obj)
{
	unsigned int n = 0;
	void *p;

	for (p = slab->freelist; p && n < slab->objects;
	     p = get_freepointer(s, p), n++)
		if (p == obj)
			return true;
	return false;
}

/* Log up to *@budget objects of @slab that are in use. Node lock held. */
static void report_slab_objects(struct mmlab_kmem_cache *s,
				struct mmlab_slab *slab, unsigned int *budget)
{
	unsigned int i;

	for (i = 0; i < slab->objects && *budget; i++) {
		void *obj = mmlab_slab_obj(s, slab, i);

		if (on_slab_freelist(s, slab, obj))
			continue;
		(*budget)--;
		if (s->flags & MMLAB_SLAB_STORE_USER)
			pr_err("%s: object %p @offset=%tu allocated by %pS\n",
			       s->name, obj, obj - slab->base,
			       (void *)mmlab_get_track(s, obj, TRACK_ALLOC)->addr);
		else
			pr_err("%s: object %p @offset=%tu\n", s->name, obj,
			       obj - slab->base);
	}
}

/*
 * The kernel's "Objects remaining in %s on __kmem_cache_shutdown()": one
 * line for the cache, one for each of the first OBJECTS_REPORTED objects.
 */
static void report_remaining(struct mmlab_kmem_cache *s, unsigned long left)
{
	unsigned int budget = OBJECTS_REPORTED;
	struct mmlab_slab *slab;
	unsigned long flags;
	int i;

	pr_err("%s: objects remaining on destroy: %lu; cache kept\n", s->name,
	       left);
	for (i = 0; i < mmlab_nr_regions() && budget; i++) {
		struct mmlab_kmem_cache_node *n = &s->node[i];

		spin_lock_irqsave(&n->list_lock, flags);
		list_for_each_entry(slab, &n->all_slabs, all) {
			if (!budget)
				break;
			if (slab->inuse)
				report_slab_objects(s, slab, &budget);
		}
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
}

/*
 * Flush the CPUs and free the empty slabs, as __kmem_cache_shutdown().
 * mmlab_slab_mutex and cpus_read_lock() held. Returns -EBUSY (objects
 * reported) if objects are left.
 */
static int shutdown_cache(struct mmlab_kmem_cache *s)
{
	unsigned long left;

	flush_all_cpus_locked(s);
	left = release_slabs(s);
	if (left) {
		report_remaining(s, left);
		return -EBUSY;
	}
	return 0;
}

/**
 * mmlab_cache_listed() - is @s on the cache list?
 * @s: a cache.
 *
 * Return: true while it is (from creation to a destroy that succeeded).
 */
bool mmlab_cache_listed(struct mmlab_kmem_cache *s)
{
	struct mmlab_kmem_cache *t;
	bool found = false;

	mutex_lock(&mmlab_slab_mutex);
	list_for_each_entry(t, &mmlab_slab_caches, list)
		if (t == s)
			found = true;
	mutex_unlock(&mmlab_slab_mutex);
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_cache_listed);

/**
 * mmlab_kmem_cache_destroy() - destroy a cache.
 * @s: the cache, with no object allocated; NULL is ignored.
 *
 * As kmem_cache_destroy(): the CPU slabs are flushed and the empty slabs
 * freed; a cache that still has objects is refused: the objects are
 * reported (the kernel's "objects remaining"), and the cache stays listed
 * and usable, since freeing the rest would turn the leak into a use after
 * free. Destroy it again once its objects are freed.
 *
 * Context: process context; sleeps.
 */
void mmlab_kmem_cache_destroy(struct mmlab_kmem_cache *s)
{
	int err;

	if (IS_ERR_OR_NULL(s))
		return;
	cpus_read_lock();
	mutex_lock(&mmlab_slab_mutex);
	err = shutdown_cache(s);
	mutex_unlock(&mmlab_slab_mutex);
	cpus_read_unlock();
	if (err)
		return;
	/*
	 * Its debugfs files (shrink, validate) take cpus_read_lock(): remove
	 * them with no lock held, as the kernel releases a cache's sysfs
	 * files. The cache stays listed meanwhile, empty, and keeps its name.
	 */
	mmlab_cache_debugfs_remove(s);
	mutex_lock(&mmlab_slab_mutex);
	list_del(&s->list);
	mutex_unlock(&mmlab_slab_mutex);
	/*
	 * A bad free that found one of its slabs before the slab went back
	 * may still use the cache: kfree() reads slab->cache and frees into
	 * it under rcu_read_lock(). Free the cache once those are done.
	 */
	synchronize_rcu();
	free_percpu(s->cpu_slab);
	kfree(s);
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_destroy);

/* --- Module --------------------------------------------------------------------------- */

static int __init mmlab_slub_init(void)
{
	int i, ret;

	/* Both parameters are checked before anything is set up. */
	ret = mmlab_vmalloc_check_param();
	if (ret)
		return ret;
	ret = mmlab_debug_setup();
	if (ret)
		return ret;
	if (!system_has_cmpxchg_double()) {
		static_branch_disable(&lockless_freelist);
		pr_info("no double-word cmpxchg: every CPU freelist operation takes the CPU lock\n");
	}
	for (i = 0; i < MMLAB_MAX_REGIONS; i++)
		seqlock_init(&slab_release[i]);
	slab_meta_cache = kmem_cache_create("mmlab_slab",
					    sizeof(struct mmlab_slab), 0,
					    SLAB_HWCACHE_ALIGN, NULL);
	if (!slab_meta_cache)
		return -ENOMEM;
	mmlab_slub_debugfs_init();
	mmlab_fail_attr_register(&fail_slab);
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "mmlab/slub:dead",
					NULL, slub_cpu_dead);
	if (ret < 0)
		goto out_debugfs;
	slub_cpuhp_state = ret;
	ret = mmlab_kmalloc_init();
	if (ret)
		goto out_cpuhp;
	ret = mmlab_vmalloc_init();
	if (ret)
		goto out_kmalloc;
	ret = mmlab_register_shrinker(&slub_shrinker);
	if (ret)
		goto out_vmalloc;
	return 0;

out_vmalloc:
	mmlab_vmalloc_exit();
out_kmalloc:
	mmlab_kmalloc_exit();
out_cpuhp:
	cpuhp_remove_state_nocalls(slub_cpuhp_state);
out_debugfs:
	mmlab_fail_attr_unregister(&fail_slab);
	mmlab_slub_debugfs_exit();
	rcu_barrier();
	kmem_cache_destroy(slab_meta_cache);
	return ret;
}

static void __exit mmlab_slub_exit(void)
{
	mmlab_unregister_shrinker(&slub_shrinker);
	mmlab_vmalloc_exit();
	mmlab_kmalloc_exit();
	/* After the last cache: a CPU that dies before then is flushed. */
	cpuhp_remove_state_nocalls(slub_cpuhp_state);
	mmlab_fail_attr_unregister(&fail_slab);
	mmlab_slub_debugfs_exit();
	/* The slab structures freed after a grace period: our code runs them. */
	rcu_barrier();
	if (!list_empty(&mmlab_slab_caches)) {
		pr_err("unload with caches not destroyed; their slabs stay allocated\n");
		return;
	}
	kmem_cache_destroy(slab_meta_cache);
}

module_init(mmlab_slub_init);
module_exit(mmlab_slub_exit);

MODULE_DESCRIPTION("mmlab: SLUB-style object caches, kmalloc and a vmalloc-style mapper");
MODULE_LICENSE("GPL");
