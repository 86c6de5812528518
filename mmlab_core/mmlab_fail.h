/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab fault injection: fail the Nth call of an allocation path, every
 * Nth, or with a probability, as the kernel's fail_page_alloc and failslab
 * do (Documentation/fault-injection/). Debian's stock kernel is built
 * without CONFIG_FAULT_INJECTION, so mmlab has its own small fault
 * attribute, with the kernel's knob names and meaning.
 *
 * A subsystem defines one attribute with DEFINE_MMLAB_FAIL_ATTR(), registers
 * it at load (mmlab_fail_attr_register() makes
 * /sys/kernel/debug/mmlab/<name>/) and asks mmlab_should_fail() on its path.
 * While the attribute is disabled (probability 0 or times 0 when written)
 * the test is a static branch, patched out of the hot path.
 */
#ifndef _MMLAB_FAIL_H
#define _MMLAB_FAIL_H

#include <linux/atomic.h>
#include <linux/jump_label.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

struct dentry;
struct mmlab_fail_attr;

/**
 * enum mmlab_fail_knob - the files of a fault attribute's directory.
 * @MMLAB_FAIL_PROBABILITY: percent of the calls that fail, 0..100.
 * @MMLAB_FAIL_INTERVAL: only every interval-th call may fail, >= 1.
 * @MMLAB_FAIL_TIMES: failures left, -1 for no limit.
 * @MMLAB_FAIL_SPACE: bytes let through before failures start.
 * @MMLAB_FAIL_VERBOSE: 0 quiet, 1 a line per failure, 2 with the caller.
 * @MMLAB_FAIL_INJECTED: failures injected so far (read-only).
 * @MMLAB_FAIL_NR_KNOBS: the number of files.
 */
enum mmlab_fail_knob {
	MMLAB_FAIL_PROBABILITY,
	MMLAB_FAIL_INTERVAL,
	MMLAB_FAIL_TIMES,
	MMLAB_FAIL_SPACE,
	MMLAB_FAIL_VERBOSE,
	MMLAB_FAIL_INJECTED,
	MMLAB_FAIL_NR_KNOBS
};

/**
 * struct mmlab_fail_file - what one debugfs file of an attribute names.
 * @attr: the attribute.
 * @knob: which of its knobs.
 */
struct mmlab_fail_file {
	struct mmlab_fail_attr *attr;
	enum mmlab_fail_knob knob;
};

/**
 * struct mmlab_fail_attr - one fault injection point, as struct fault_attr.
 * @active: on while probability and times allow failures.
 * @name: the debugfs directory, e.g. "fail_page_alloc".
 * @probability: percent, 0..100.
 * @interval: >= 1.
 * @times: failures left; -1 for no limit.
 * @space: bytes still let through.
 * @verbose: 0..2.
 * @calls: calls counted toward @interval since the knobs were last written.
 * @injected: failures injected since load.
 * @dir: the debugfs directory.
 * @node: in mmlab_core's list of registered attributes.
 * @registered: on that list.
 * @files: the private data of the debugfs files.
 */
struct mmlab_fail_attr {
	struct static_key_false active;
	const char *name;
	unsigned int probability;
	unsigned long interval;
	atomic_t times;
	atomic_t space;
	unsigned int verbose;
	atomic_long_t calls;
	atomic_long_t injected;
	struct dentry *dir;
	struct list_head node;
	bool registered;
	struct mmlab_fail_file files[MMLAB_FAIL_NR_KNOBS];
};

/* The kernel's defaults: disabled, interval 1, times 1, verbose 1. */
#define MMLAB_FAIL_ATTR_INIT(_name) {					\
	.active = STATIC_KEY_FALSE_INIT,				\
	.name = _name,							\
	.interval = 1,							\
	.times = ATOMIC_INIT(1),					\
	.space = ATOMIC_INIT(0),					\
	.verbose = 1,							\
	.calls = ATOMIC_LONG_INIT(0),					\
	.injected = ATOMIC_LONG_INIT(0),				\
}

#define DEFINE_MMLAB_FAIL_ATTR(var, name) \
	struct mmlab_fail_attr var = MMLAB_FAIL_ATTR_INIT(name)

/**
 * struct mmlab_fail_config - the writable knobs, for in-kernel tests.
 * @probability: percent, 0..100; 0 disables.
 * @interval: >= 1.
 * @times: failures, -1 for no limit.
 * @space: bytes let through first.
 * @verbose: 0..2.
 */
struct mmlab_fail_config {
	unsigned int probability;
	unsigned long interval;
	int times;
	int space;
	unsigned int verbose;
};

bool __mmlab_should_fail(struct mmlab_fail_attr *attr, size_t size,
			 unsigned long caller);

/**
 * mmlab_should_fail() - should this call fail?
 * @attr: the injection point.
 * @size: bytes the call asks for (counted against the space knob).
 *
 * A static branch while the point is disabled.
 *
 * Return: true when the caller must fail the call as if out of memory.
 */
static __always_inline bool mmlab_should_fail(struct mmlab_fail_attr *attr,
					      size_t size)
{
	if (static_branch_unlikely(&attr->active))
		return __mmlab_should_fail(attr, size, _RET_IP_);
	return false;
}

int mmlab_fail_attr_register(struct mmlab_fail_attr *attr);
void mmlab_fail_attr_unregister(struct mmlab_fail_attr *attr);
int mmlab_fail_configure(const char *name, const struct mmlab_fail_config *cfg);
long mmlab_fail_injected(const char *name);

#endif /* _MMLAB_FAIL_H */
