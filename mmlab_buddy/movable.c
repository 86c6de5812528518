// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_buddy: the registry of movable operations.
 *
 * An owner whose pages can move (mmlab_fault's user pages, a KUnit
 * suite's test pages) registers its struct mmlab_movable_operations once
 * and gets an id 1..MMLAB_MAX_MOVABLE_OPS, which it stores in each of its
 * pages with mmlab_page_set_movable(); migration (mmlab_cma) calls the
 * operations through mmlab_movable_isolate(), mmlab_movable_migrate() and
 * mmlab_movable_putback(). Id 0 means none.
 *
 * Lifetime. The operations are code in the owner's module, and a page
 * stays isolated, in the hands of migration, across many calls. So each
 * id is pinned while a page it isolated is isolated (and while the
 * isolate call itself runs): mmlab_unregister_movable_ops() closes the id
 * to new pins, then waits for the pins to drop, which is what lets
 * rmmod of the owner wait for a migration still holding one of its pages.
 * The kernel needs no such count: its movable_operations belong to
 * built-in code or to modules whose pages die with them.
 *
 * Locks: mmlab_movable_lock serialises registration and unregistration.
 * A pin is an atomic count read against the slot's open operations with
 * full barriers on both sides (see movable_pin()), no lock.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/wait_bit.h>

#include "internal.h"

/**
 * struct mmlab_movable_slot - one id of the registry.
 * @open: the operations, while new pins may be taken; NULL otherwise.
 * @ops: the operations, until the id is released: what pinned callers use.
 * @pins: isolated pages and isolate calls in progress.
 */
struct mmlab_movable_slot {
	const struct mmlab_movable_operations *open;
	const struct mmlab_movable_operations *ops;
	atomic_t pins;
};

static struct mmlab_movable_slot mmlab_movable_slots[MMLAB_MAX_MOVABLE_OPS + 1];
static DEFINE_SPINLOCK(mmlab_movable_lock);

/**
 * mmlab_register_movable_ops - register the operations of a page owner.
 * @ops: the operations, all three callbacks set.
 *
 * Return: the id (1..MMLAB_MAX_MOVABLE_OPS), -EINVAL for incomplete ops,
 * or -ENOSPC when every id is taken.
 */
int mmlab_register_movable_ops(const struct mmlab_movable_operations *ops)
{
	int id, ret = -ENOSPC;

	if (!ops || !ops->isolate_page || !ops->migrate_page ||
	    !ops->putback_page)
		return -EINVAL;
	spin_lock(&mmlab_movable_lock);
	for (id = 1; id <= MMLAB_MAX_MOVABLE_OPS; id++) {
		struct mmlab_movable_slot *slot = &mmlab_movable_slots[id];

		if (!slot->ops) {
			slot->ops = ops;
			WRITE_ONCE(slot->open, ops);
			ret = id;
			break;
		}
	}
	spin_unlock(&mmlab_movable_lock);
	if (ret < 0)
		pr_warn("no free movable operations id\n");
	return ret;
}
EXPORT_SYMBOL_GPL(mmlab_register_movable_ops);

/**
 * mmlab_unregister_movable_ops - release an id.
 * @id: an id returned by mmlab_register_movable_ops().
 *
 * No page can be isolated through @id from the start of the call; it
 * returns once every page isolated before has been migrated or put back,
 * so the owner's module may go away afterwards. May sleep.
 */
void mmlab_unregister_movable_ops(int id)
{
	struct mmlab_movable_slot *slot;

	if (id < 1 || id > MMLAB_MAX_MOVABLE_OPS)
		return;
	slot = &mmlab_movable_slots[id];
	WRITE_ONCE(slot->open, NULL);
	/* Order the close before reading the pins: pairs with movable_pin(). */
	smp_mb();
	wait_var_event(&slot->pins, !atomic_read(&slot->pins));
	spin_lock(&mmlab_movable_lock);
	slot->ops = NULL;
	spin_unlock(&mmlab_movable_lock);
}
EXPORT_SYMBOL_GPL(mmlab_unregister_movable_ops);

/**
 * mmlab_page_set_movable - mark a page as movable through registered ops.
 * @page: an allocated page owned by the caller.
 * @ops_id: a registered id, or 0 to clear the mark.
 */
void mmlab_page_set_movable(struct mmlab_page *page, int ops_id)
{
	if (ops_id < 0 || ops_id > MMLAB_MAX_MOVABLE_OPS)
		return;
	mmlab_page_set_field(page, MMLAB_PG_MOVOPS_MASK, MMLAB_PG_MOVOPS_SHIFT,
			     ops_id);
	if (ops_id)
		mmlab_page_set(page, MMLAB_PG_MOVABLE);
	else
		mmlab_page_clear(page, MMLAB_PG_MOVABLE);
}
EXPORT_SYMBOL_GPL(mmlab_page_set_movable);

/* The id stored in a movable page, 0 if it has none. */
static unsigned int movable_id(const struct mmlab_page *page)
{
	if (!mmlab_page_test(page, MMLAB_PG_MOVABLE))
		return 0;
	return mmlab_page_field(page, MMLAB_PG_MOVOPS_MASK,
				MMLAB_PG_MOVOPS_SHIFT);
}

/**
 * mmlab_page_movable_ops - the movable operations of a page.
 * @page: a page.
 *
 * A snapshot, for tests and reports: calls into the operations go through
 * mmlab_movable_isolate() and friends, which keep them alive.
 *
 * Return: the operations, or NULL if the page is not movable.
 */
const struct mmlab_movable_operations *
mmlab_page_movable_ops(const struct mmlab_page *page)
{
	unsigned int id = movable_id(page);

	return id ? READ_ONCE(mmlab_movable_slots[id].open) : NULL;
}
EXPORT_SYMBOL_GPL(mmlab_page_movable_ops);

static void movable_unpin(unsigned int id)
{
	if (atomic_dec_and_test(&mmlab_movable_slots[id].pins))
		wake_up_var(&mmlab_movable_slots[id].pins);
}

/* Pin @id if it is open; its operations then stay until movable_unpin(). */
static const struct mmlab_movable_operations *movable_pin(unsigned int id)
{
	struct mmlab_movable_slot *slot = &mmlab_movable_slots[id];
	const struct mmlab_movable_operations *ops;

	atomic_inc(&slot->pins);
	/* Count the pin before looking: pairs with the unregister barrier. */
	smp_mb__after_atomic();
	ops = READ_ONCE(slot->open);
	if (!ops)
		movable_unpin(id);
	return ops;
}

/**
 * mmlab_movable_isolate - take a movable page aside for migration.
 * @page: an allocated page with a movable id.
 *
 * Asks the page's owner to isolate it (the owner takes a reference and
 * marks it MMLAB_PG_ISOLATED). The page's id stays pinned until
 * mmlab_movable_migrate() succeeds or mmlab_movable_putback() is called.
 *
 * Return: true if the page is now isolated.
 */
bool mmlab_movable_isolate(struct mmlab_page *page)
{
	unsigned int id = movable_id(page);
	const struct mmlab_movable_operations *ops;

	if (!id)
		return false;
	ops = movable_pin(id);
	if (!ops)
		return false;
	if (ops->isolate_page(page))
		return true;
	movable_unpin(id);
	return false;
}
EXPORT_SYMBOL_GPL(mmlab_movable_isolate);

/**
 * mmlab_movable_migrate - move an isolated page through its owner.
 * @dst: the destination page.
 * @src: a page mmlab_movable_isolate() isolated.
 * @mode: MMLAB_MIGRATE_ASYNC: the owner must not block on its locks.
 *
 * Return: what the owner's migrate_page returned; on 0 @src is no longer
 * isolated (nor, usually, allocated).
 */
int mmlab_movable_migrate(struct mmlab_page *dst, struct mmlab_page *src,
			  enum mmlab_migrate_mode mode)
{
	unsigned int id = movable_id(src);
	int rc;

	if (WARN_ON_ONCE(!id || !atomic_read(&mmlab_movable_slots[id].pins)))
		return -EINVAL;
	rc = mmlab_movable_slots[id].ops->migrate_page(dst, src, mode);
	if (!rc)
		movable_unpin(id);
	return rc;
}
EXPORT_SYMBOL_GPL(mmlab_movable_migrate);

/**
 * mmlab_movable_putback - give back a page isolated but not migrated.
 * @page: a page mmlab_movable_isolate() isolated.
 */
void mmlab_movable_putback(struct mmlab_page *page)
{
	unsigned int id = movable_id(page);

	if (WARN_ON_ONCE(!id || !atomic_read(&mmlab_movable_slots[id].pins)))
		return;
	mmlab_movable_slots[id].ops->putback_page(page);
	movable_unpin(id);
}
EXPORT_SYMBOL_GPL(mmlab_movable_putback);

void mmlab_movable_ops_exit(void)
{
	int id;

	for (id = 1; id <= MMLAB_MAX_MOVABLE_OPS; id++)
		if (mmlab_movable_slots[id].ops)
			pr_warn("movable operations %d still registered\n", id);
}
