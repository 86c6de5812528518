// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_core: parsing and checking the ranges that name regions.
 *
 * These helpers touch no global state, so the KUnit suite calls them
 * directly. Each refusal logs one line and returns the error code.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "internal.h"

/* Longest "SIZE@BASE" entry we accept: two 64-bit hex numbers and more. */
#define MMLAB_ENTRY_MAX		48

/*
 * Parse one number with an optional K/M/G/T/P/E suffix, as memparse()
 * reads it, but refuse trailing junk and overflow: -EINVAL when @s is not
 * a number, -ERANGE when it does not fit in 64 bits.
 */
static int mmlab_parse_bytes(const char *s, u64 *val)
{
	char digits[MMLAB_ENTRY_MAX];
	unsigned int shift;
	size_t len;
	int ret;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		len = 2 + strspn(s + 2, "0123456789abcdefABCDEF");
	else
		len = strspn(s, "0123456789");
	if (!len || len >= sizeof(digits))
		return -EINVAL;
	memcpy(digits, s, len);
	digits[len] = '\0';

	switch (s[len]) {
	case '\0':
		shift = 0;
		break;
	case 'K': case 'k':
		shift = 10;
		break;
	case 'M': case 'm':
		shift = 20;
		break;
	case 'G': case 'g':
		shift = 30;
		break;
	case 'T': case 't':
		shift = 40;
		break;
	case 'P': case 'p':
		shift = 50;
		break;
	case 'E': case 'e':
		shift = 60;
		break;
	default:
		return -EINVAL;
	}
	if (shift && s[len + 1] != '\0')
		return -EINVAL;

	ret = kstrtoull(digits, 0, val);
	if (ret)
		return ret;
	if (*val > (U64_MAX >> shift))
		return -ERANGE;
	*val <<= shift;
	return 0;
}

/* Parse "SIZE@BASE", NUL-terminated, into @range. */
static int mmlab_parse_entry(char *entry, struct mmlab_range *range)
{
	char *at = strchr(entry, '@');
	u64 size, base;
	int ret;

	if (!at) {
		pr_err("regions: malformed entry '%s': expected SIZE@BASE\n",
		       entry);
		return -EINVAL;
	}
	*at = '\0';
	ret = mmlab_parse_bytes(entry, &size);
	if (!ret)
		ret = mmlab_parse_bytes(at + 1, &base);
	*at = '@';
	if (ret == -ERANGE) {
		pr_err("regions: entry '%s' overflows 64 bits\n", entry);
		return -EINVAL;
	}
	if (ret) {
		pr_err("regions: malformed entry '%s': expected SIZE@BASE\n",
		       entry);
		return -EINVAL;
	}
	range->base = base;
	range->size = size;
	return 0;
}

/**
 * mmlab_parse_regions() - parse the regions= module parameter.
 * @str: "SIZE@BASE[,SIZE@BASE...]" in memparse() syntax; NULL or "" is an
 *	empty list.
 * @ranges: array that receives the ranges.
 * @max: capacity of @ranges.
 * @nr: set to the number of ranges parsed.
 *
 * Only the syntax is checked here; see mmlab_check_range_shape() and
 * mmlab_check_overlap() for the ranges themselves.
 *
 * Return: 0, or -EINVAL (with one log line) for a malformed or overflowing
 * entry or for more than @max entries.
 */
int mmlab_parse_regions(const char *str, struct mmlab_range *ranges,
			int max, int *nr)
{
	char entry[MMLAB_ENTRY_MAX];
	const char *p = str;
	int count = 0;
	size_t len;
	int ret;

	*nr = 0;
	if (!str || !*str)
		return 0;

	for (;;) {
		len = strcspn(p, ",");
		if (!len || len >= sizeof(entry)) {
			pr_err("regions: malformed entry '%.*s' in '%s': expected SIZE@BASE\n",
			       (int)min_t(size_t, len, sizeof(entry)), p, str);
			return -EINVAL;
		}
		if (count == max) {
			pr_err("regions: too many ranges in '%s' (at most %d)\n",
			       str, max);
			return -EINVAL;
		}
		memcpy(entry, p, len);
		entry[len] = '\0';
		ret = mmlab_parse_entry(entry, &ranges[count]);
		if (ret)
			return ret;
		count++;
		p += len;
		if (!*p)
			break;
		p++;	/* the comma */
	}
	*nr = count;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_parse_regions);

/**
 * mmlab_check_range_shape() - check a range's size and alignment.
 * @range: the range.
 *
 * Return: 0, or -EINVAL (with one log line) when @range is zero-sized,
 * wraps around the physical address space, is not page-aligned or is
 * smaller than MMLAB_MIN_REGION_SIZE.
 */
int mmlab_check_range_shape(const struct mmlab_range *range)
{
	u64 base = range->base, size = range->size;

	if (!size) {
		pr_err("range %#llx@%#llx: zero-sized\n", size, base);
		return -EINVAL;
	}
	if (size - 1 > (u64)(phys_addr_t)~0ULL - base) {
		pr_err("range %#llx@%#llx: overflows the physical address space\n",
		       size, base);
		return -EINVAL;
	}
	if (!PAGE_ALIGNED(base) || !PAGE_ALIGNED(size)) {
		pr_err("range %#llx@%#llx: base and size must be multiples of the page size (%#lx)\n",
		       size, base, PAGE_SIZE);
		return -EINVAL;
	}
	if (size < MMLAB_MIN_REGION_SIZE) {
		pr_err("range %#llx@%#llx: smaller than the minimum %#x\n",
		       size, base, MMLAB_MIN_REGION_SIZE);
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_check_range_shape);

/**
 * mmlab_ranges_conflict() - compare two well-shaped ranges.
 * @a: one range.
 * @b: the other.
 *
 * Return: 0 when they are disjoint, -EEXIST when they are the same range,
 * -EBUSY when they overlap otherwise.
 */
int mmlab_ranges_conflict(const struct mmlab_range *a,
			  const struct mmlab_range *b)
{
	if (a->base == b->base && a->size == b->size)
		return -EEXIST;
	if (a->base <= b->base + (b->size - 1) &&
	    b->base <= a->base + (a->size - 1))
		return -EBUSY;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_ranges_conflict);

/**
 * mmlab_check_overlap() - check that ranges are pairwise disjoint.
 * @ranges: the ranges, each already accepted by mmlab_check_range_shape().
 * @nr: their number.
 *
 * Return: 0, or -EBUSY (with one log line) for the first pair that is a
 * duplicate or overlaps.
 */
int mmlab_check_overlap(const struct mmlab_range *ranges, int nr)
{
	int i, j, ret;

	for (i = 1; i < nr; i++) {
		for (j = 0; j < i; j++) {
			ret = mmlab_ranges_conflict(&ranges[i], &ranges[j]);
			if (!ret)
				continue;
			pr_err("range %#llx@%#llx: %s range %#llx@%#llx\n",
			       ranges[i].size, (u64)ranges[i].base,
			       ret == -EEXIST ? "duplicates" : "overlaps",
			       ranges[j].size, (u64)ranges[j].base);
			return -EBUSY;
		}
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_check_overlap);

/**
 * mmlab_nr_descriptor_pages() - pages needed for a descriptor array.
 * @nr_pages: page frames in the region.
 *
 * Return: the number of whole pages that hold @nr_pages struct mmlab_page.
 */
unsigned long mmlab_nr_descriptor_pages(unsigned long nr_pages)
{
	unsigned long bytes;

	if (check_mul_overflow(nr_pages, sizeof(struct mmlab_page), &bytes))
		return ULONG_MAX;
	return DIV_ROUND_UP(bytes, PAGE_SIZE);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_nr_descriptor_pages);
