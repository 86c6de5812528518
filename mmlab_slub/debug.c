// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_slub debug features, per cache: red zones (Z), poisoning (P), user
 * tracking with stack depot (U) and sanity checks (F), as SLUB's
 * slub_debug. Chosen at cache creation or with the module parameter
 * mmlab_slub_debug="FLAGS[,cache...][;FLAGS[,cache...]]" (a block without
 * cache names applies to every cache; '-' means no flag).
 *
 * Every detection is one pr_err line naming the cache and the object
 * (hashed); the object is left alone or restored and the cache stays
 * usable. Called with the node lock held (see slub.c).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/module.h>
#include <linux/poison.h>
#include <linux/sched.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "internal.h"

#define TRACK_STACK_DEPTH	16
#define DEBUG_PARAM_SHOWN	64	/* bytes of a bad parameter logged */

char *mmlab_slub_debug;
module_param_named(mmlab_slub_debug, mmlab_slub_debug, charp, 0444);
MODULE_PARM_DESC(mmlab_slub_debug,
		 "debug flags per cache: FLAGS[,cache...][;...], FLAGS of F Z P U or -");

/* --- Parameter ---------------------------------------------------------------- */

static int parse_flags(const char *p, size_t len, unsigned long *flags)
{
	size_t i;

	*flags = 0;
	for (i = 0; i < len; i++) {
		switch (p[i]) {
		case 'F': case 'f':
			*flags |= MMLAB_SLAB_CONSISTENCY_CHECKS;
			break;
		case 'Z': case 'z':
			*flags |= MMLAB_SLAB_RED_ZONE;
			break;
		case 'P': case 'p':
			*flags |= MMLAB_SLAB_POISON;
			break;
		case 'U': case 'u':
			*flags |= MMLAB_SLAB_STORE_USER;
			break;
		case '-':
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * mmlab_slub_parse_debug() - debug flags a parameter string gives a cache.
 * @str: "FLAGS[,cache...][;FLAGS[,cache...]]", or NULL.
 * @name: the cache name, or NULL to check the syntax only.
 * @flags: set to the flags for @name (ORed over matching blocks).
 *
 * Return: 0, or -EINVAL for a malformed string.
 */
int mmlab_slub_parse_debug(const char *str, const char *name,
			   unsigned long *flags)
{
	const char *blk = str;

	*flags = 0;
	while (blk && *blk) {
		const char *end = strchrnul(blk, ';');
		const char *comma = strnchr(blk, end - blk, ',');
		const char *fend = comma ? comma : end;
		unsigned long f;
		bool match = !comma;

		if (fend == blk || parse_flags(blk, fend - blk, &f))
			return -EINVAL;
		while (comma) {
			const char *c = comma + 1;
			const char *ce = strnchr(c, end - c, ',');
			size_t len = (ce ? ce : end) - c;

			if (!len)
				return -EINVAL;
			if (name && strlen(name) == len && !strncmp(c, name, len))
				match = true;
			comma = ce;
		}
		if (match)
			*flags |= f;
		blk = *end ? end + 1 : NULL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_slub_parse_debug);

/**
 * mmlab_debug_setup() - check the mmlab_slub_debug parameter and set up
 *	the stack depot.
 *
 * Return: 0, -EINVAL for a malformed parameter (one log line), or the
 * stack depot's error.
 */
int mmlab_debug_setup(void)
{
	unsigned long f;
	size_t len;

	if (mmlab_slub_parse_debug(mmlab_slub_debug, NULL, &f)) {
		/* Escaped and cut short: the value is the user's. */
		len = strlen(mmlab_slub_debug);
		pr_err("mmlab_slub_debug=\"%*pE%s\": unknown flag or empty field; expected FLAGS[,cache...][;...] with FLAGS of F Z P U -\n",
		       (int)min_t(size_t, len, DEBUG_PARAM_SHOWN),
		       mmlab_slub_debug, len > DEBUG_PARAM_SHOWN ? "..." : "");
		return -EINVAL;
	}
	return stack_depot_init();
}

/* --- Layout helpers --------------------------------------------------------------- */

static inline u8 *redzone(struct mmlab_kmem_cache *s, void *obj)
{
	return obj + s->object_size;
}

static inline unsigned int redzone_len(struct mmlab_kmem_cache *s)
{
	return s->inuse - s->object_size;
}

/**
 * mmlab_get_track() - an object's alloc or free track.
 * @s: a cache with MMLAB_SLAB_STORE_USER.
 * @obj: the object.
 * @item: TRACK_ALLOC or TRACK_FREE.
 *
 * Return: the track record after the object.
 */
struct mmlab_track *mmlab_get_track(struct mmlab_kmem_cache *s, void *obj,
				    enum mmlab_track_item item)
{
	return (struct mmlab_track *)(obj + mmlab_info_end(s)) + item;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_get_track);

static void set_track(struct mmlab_kmem_cache *s, void *obj,
		      enum mmlab_track_item item, unsigned long addr)
{
	struct mmlab_track *t = mmlab_get_track(s, obj, item);
	unsigned long entries[TRACK_STACK_DEPTH];
	unsigned int nr;

	nr = stack_trace_save(entries, ARRAY_SIZE(entries), 3);
	t->handle = stack_depot_save(entries, nr, GFP_NOWAIT | __GFP_NOWARN);
	t->addr = addr;
	t->cpu = smp_processor_id();
	t->pid = current->pid;
	t->when = jiffies;
}

static void poison_object(struct mmlab_kmem_cache *s, void *obj)
{
	memset(obj, POISON_FREE, s->object_size - 1);
	((u8 *)obj)[s->object_size - 1] = POISON_END;
}

/* Index of the first bad poison byte, or -1. */
static int check_poison(struct mmlab_kmem_cache *s, void *obj)
{
	u8 *bad = memchr_inv(obj, POISON_FREE, s->object_size - 1);

	if (bad)
		return bad - (u8 *)obj;
	if (((u8 *)obj)[s->object_size - 1] != POISON_END)
		return s->object_size - 1;
	return -1;
}

/* Index (from the object) of the first red-zone byte not @val, or -1. */
static int check_redzone(struct mmlab_kmem_cache *s, void *obj, u8 val)
{
	u8 *bad = memchr_inv(redzone(s, obj), val, redzone_len(s));

	return bad ? bad - (u8 *)obj : -1;
}

static void set_redzone(struct mmlab_kmem_cache *s, void *obj, u8 val)
{
	memset(redzone(s, obj), val, redzone_len(s));
}

/**
 * mmlab_debug_init_object() - prepare a free object of a new debug slab.
 * @s: the cache.
 * @obj: the object.
 */
void mmlab_debug_init_object(struct mmlab_kmem_cache *s, void *obj)
{
	if (s->flags & MMLAB_SLAB_RED_ZONE)
		set_redzone(s, obj, SLUB_RED_INACTIVE);
	if (s->flags & MMLAB_SLAB_POISON)
		poison_object(s, obj);
	if (s->flags & MMLAB_SLAB_STORE_USER)
		memset(mmlab_get_track(s, obj, TRACK_ALLOC), 0,
		       2 * sizeof(struct mmlab_track));
}

static bool valid_pointer(struct mmlab_kmem_cache *s, struct mmlab_slab *slab,
			  void *p)
{
	unsigned long off = p - slab->base;

	return p >= slab->base && !(off % s->size) &&
	       off / s->size < slab->objects;
}

static bool on_freelist(struct mmlab_kmem_cache *s, struct mmlab_slab *slab,
			void *obj)
{
	unsigned int n = 0;
	void *p;

	for (p = slab->freelist; p && n <= slab->objects;
	     p = mmlab_get_freepointer(s, p), n++) {
		if (p == obj)
			return true;
		if (!valid_pointer(s, slab, p))
			return false;
	}
	return false;
}

/* Who freed @obj last, for the reports. */
static const char *who_freed(struct mmlab_kmem_cache *s, void *obj,
			     char *buf, size_t len)
{
	unsigned long addr = 0;

	if (s->flags & MMLAB_SLAB_STORE_USER)
		addr = mmlab_get_track(s, obj, TRACK_FREE)->addr;
	if (!addr)
		return "unknown (no store_user)";
	snprintf(buf, len, "%pS", (void *)addr);
	return buf;
}

/**
 * mmlab_debug_alloc() - checks and bookkeeping before handing out @obj.
 * @s: the cache.
 * @slab: its slab.
 * @obj: the head of the slab freelist, about to be taken.
 * @addr: the caller.
 *
 * Context: node lock held.
 * Return: false when @obj is not a valid object (corrupted freelist): the
 * caller must take the slab out of use.
 */
bool mmlab_debug_alloc(struct mmlab_kmem_cache *s, struct mmlab_slab *slab,
		       void *obj, unsigned long addr)
{
	char buf[96];
	int bad;

	if ((s->flags & MMLAB_SLAB_CONSISTENCY_CHECKS) &&
	    !valid_pointer(s, slab, obj)) {
		pr_err("%s: freelist of slab %p corrupted (next %p); slab taken out of use\n",
		       s->name, slab, obj);
		this_cpu_inc(s->cpu_slab->stat[DEBUG_ERRORS]);
		return false;
	}
	if (s->flags & MMLAB_SLAB_POISON) {
		bad = check_poison(s, obj);
		if (bad >= 0) {
			pr_err("%s: write after free in object %p at offset %d (0x%02x), last freed by %s\n",
			       s->name, obj, bad, ((u8 *)obj)[bad],
			       who_freed(s, obj, buf, sizeof(buf)));
			this_cpu_inc(s->cpu_slab->stat[DEBUG_ERRORS]);
		}
	}
	if (s->flags & MMLAB_SLAB_RED_ZONE) {
		bad = check_redzone(s, obj, SLUB_RED_INACTIVE);
		if (bad >= 0) {
			pr_err("%s: red zone of free object %p overwritten at offset %d (0x%02x)\n",
			       s->name, obj, bad, ((u8 *)obj)[bad]);
			this_cpu_inc(s->cpu_slab->stat[DEBUG_ERRORS]);
		}
		set_redzone(s, obj, SLUB_RED_ACTIVE);
	}
	if (s->flags & MMLAB_SLAB_STORE_USER)
		set_track(s, obj, TRACK_ALLOC, addr);
	return true;
}

/**
 * mmlab_debug_free() - checks and bookkeeping before @obj is freed.
 * @s: the cache.
 * @slab: its slab.
 * @obj: the object.
 * @addr: the caller.
 *
 * Context: node lock held.
 * Return: false for a double free (reported; the object is left alone).
 */
bool mmlab_debug_free(struct mmlab_kmem_cache *s, struct mmlab_slab *slab,
		      void *obj, unsigned long addr)
{
	char buf[96];
	int bad;

	if (((s->flags & MMLAB_SLAB_RED_ZONE) &&
	     check_redzone(s, obj, SLUB_RED_INACTIVE) < 0) ||
	    ((s->flags & MMLAB_SLAB_CONSISTENCY_CHECKS) &&
	     on_freelist(s, slab, obj))) {
		pr_err_ratelimited("%s: double free of object %p, first freed by %s\n",
				   s->name, obj,
				   who_freed(s, obj, buf, sizeof(buf)));
		return false;
	}
	if (s->flags & MMLAB_SLAB_RED_ZONE) {
		bad = check_redzone(s, obj, SLUB_RED_ACTIVE);
		if (bad >= 0) {
			pr_err("%s: red zone of object %p overwritten at offset %d (0x%02x); restored\n",
			       s->name, obj, bad, ((u8 *)obj)[bad]);
			this_cpu_inc(s->cpu_slab->stat[DEBUG_ERRORS]);
		}
		set_redzone(s, obj, SLUB_RED_INACTIVE);
	}
	if (s->flags & MMLAB_SLAB_STORE_USER)
		set_track(s, obj, TRACK_FREE, addr);
	if (s->flags & MMLAB_SLAB_POISON)
		poison_object(s, obj);
	return true;
}

/**
 * mmlab_debug_validate_slab() - check every object of a debug slab.
 * @s: the cache.
 * @slab: the slab, its freelist already checked.
 *
 * Free objects must keep their poison and inactive red zone, objects in
 * use their active red zone. Problems are reported and repaired.
 *
 * Context: node lock held.
 * Return: 0, or -EINVAL if anything was wrong.
 */
int mmlab_debug_validate_slab(struct mmlab_kmem_cache *s,
			      struct mmlab_slab *slab)
{
	unsigned long *free_map;
	unsigned int i;
	int ret = 0, bad;
	void *p;

	free_map = bitmap_zalloc(slab->objects, GFP_ATOMIC);
	if (!free_map)
		return -ENOMEM;
	for (p = slab->freelist; p; p = mmlab_get_freepointer(s, p))
		__set_bit((p - slab->base) / s->size, free_map);
	for (i = 0; i < slab->objects; i++) {
		bool is_free = test_bit(i, free_map);
		u8 rz = is_free ? SLUB_RED_INACTIVE : SLUB_RED_ACTIVE;

		p = mmlab_slab_obj(s, slab, i);
		if (is_free && (s->flags & MMLAB_SLAB_POISON)) {
			bad = check_poison(s, p);
			if (bad >= 0) {
				pr_err("%s: validate: write after free in object %p at offset %d\n",
				       s->name, p, bad);
				poison_object(s, p);
				ret = -EINVAL;
			}
		}
		if (s->flags & MMLAB_SLAB_RED_ZONE) {
			bad = check_redzone(s, p, rz);
			if (bad >= 0) {
				pr_err("%s: validate: red zone of object %p overwritten at offset %d\n",
				       s->name, p, bad);
				set_redzone(s, p, rz);
				ret = -EINVAL;
			}
		}
	}
	bitmap_free(free_map);
	return ret;
}
