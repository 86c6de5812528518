// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_buddy: the registry of movable operations.
 *
 * An owner whose pages can move (mmlab_fault's user pages, mmlab_slub's
 * movable objects) registers its struct mmlab_movable_operations once and
 * gets an id 1..MMLAB_MAX_MOVABLE_OPS, which it stores in each of its
 * pages with mmlab_page_set_movable(); migration (mmlab_cma) finds the
 * operations through mmlab_page_movable_ops(). Id 0 means none.
 *
 * Lock: mmlab_movable_lock serialises registration; lookups read the
 * table without it (an owner unregisters only once none of its pages is
 * left).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/spinlock.h>

#include "internal.h"

static const struct mmlab_movable_operations *mmlab_movable_ops[MMLAB_MAX_MOVABLE_OPS + 1];
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
		if (!mmlab_movable_ops[id]) {
			WRITE_ONCE(mmlab_movable_ops[id], ops);
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
 * The owner must have no page marked with @id left.
 */
void mmlab_unregister_movable_ops(int id)
{
	if (id < 1 || id > MMLAB_MAX_MOVABLE_OPS)
		return;
	spin_lock(&mmlab_movable_lock);
	WRITE_ONCE(mmlab_movable_ops[id], NULL);
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

/**
 * mmlab_page_movable_ops - the movable operations of a page.
 * @page: a page.
 *
 * Return: the operations, or NULL if the page is not movable.
 */
const struct mmlab_movable_operations *
mmlab_page_movable_ops(const struct mmlab_page *page)
{
	unsigned int id;

	if (!mmlab_page_test(page, MMLAB_PG_MOVABLE))
		return NULL;
	id = mmlab_page_field(page, MMLAB_PG_MOVOPS_MASK, MMLAB_PG_MOVOPS_SHIFT);
	return id ? READ_ONCE(mmlab_movable_ops[id]) : NULL;
}
EXPORT_SYMBOL_GPL(mmlab_page_movable_ops);

void mmlab_movable_ops_exit(void)
{
	int id;

	for (id = 1; id <= MMLAB_MAX_MOVABLE_OPS; id++)
		if (mmlab_movable_ops[id])
			pr_warn("movable operations %d still registered\n", id);
}
