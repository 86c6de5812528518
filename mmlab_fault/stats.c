// SPDX-License-Identifier: GPL-2.0
/*
 * Counters, tracepoints, debugfs files and the out-of-memory policy of the
 * mmap side of mmlab_fault.
 *
 * /sys/kernel/debug/mmlab/fault/
 *   stats       global faults by kind, mmlab RSS (pages held by the
 *               objects, each once), attached vmas, OOM kills, pages
 *               no object holds that wait for the kernel to unpin them
 *   procs       one line per process: pid comm, faults by kind, RSS
 *   mappings    one line per vma: pid comm start-end p|s pages rss
 *   zero_page   "pfn 0x<pfn> nonzero_bytes <n>": the region's zero page,
 *               which must stay all zeroes (n != 0 is a leak of user data)
 *   oom_policy  "sigbus" (default) or "kill": when the region cannot
 *               supply a page, SIGBUS the faulting process, or kill the
 *               process holding the most mmlab pages and retry
 *
 * Lock: the files take mmlab_maps_lock only; the objects are read
 * without their locks (a snapshot, as /proc/pid/smaps is).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "mmlab_buddy/mmlab_buddy.h"
#include "mmap.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static atomic_long_t mmlab_faults[MMLAB_NR_FAULT_KINDS];
static atomic_long_t mmlab_oom_kills;
static bool mmlab_oom_policy_kill;
static struct dentry *mmlab_fault_dir;

static const char * const mmlab_fault_names[MMLAB_NR_FAULT_KINDS] = {
	[MMLAB_FAULT_ZERO]	= "zero",
	[MMLAB_FAULT_NEW]	= "new",
	[MMLAB_FAULT_COPY]	= "cow_copy",
	[MMLAB_FAULT_REUSE]	= "cow_reuse",
	[MMLAB_FAULT_MAP]	= "map",
};

/**
 * mmlab_count_fault() - count and trace one fault.
 * @mmm: the faulting process.
 * @kind: what the fault did.
 * @address: the faulting address.
 * @pfn: the pfn mapped.
 */
void mmlab_count_fault(struct mmlab_mm *mmm, enum mmlab_fault_kind kind,
		       unsigned long address, unsigned long pfn)
{
	int pid = task_pid_nr(current);

	atomic_long_inc(&mmlab_faults[kind]);
	atomic_long_inc(&mmm->faults[kind]);
	mmlab_count_vm_event(MMLAB_PGFAULT);
	switch (kind) {
	case MMLAB_FAULT_ZERO:
		trace_mmlab_fault_zero(pid, address, pfn);
		break;
	case MMLAB_FAULT_NEW:
		trace_mmlab_fault_new(pid, address, pfn);
		break;
	case MMLAB_FAULT_COPY:
		trace_mmlab_fault_cow_copy(pid, address, pfn);
		break;
	case MMLAB_FAULT_REUSE:
		trace_mmlab_fault_cow_reuse(pid, address, pfn);
		break;
	default:
		trace_mmlab_fault_map(pid, address, pfn);
		break;
	}
}

/**
 * mmlab_fault_count() - global count of one kind of fault.
 * @kind: the kind.
 *
 * Return: faults of @kind since the module loaded.
 */
long mmlab_fault_count(enum mmlab_fault_kind kind)
{
	return atomic_long_read(&mmlab_faults[kind]);
}

/* A task of @mm, with its pid and comm; false if none is left. */
static bool mmlab_mm_task(struct mm_struct *mm, int *pid, char *comm,
			  struct task_struct **taskp)
{
	struct task_struct *p;
	bool found = false;

	rcu_read_lock();
	for_each_process(p) {
		if (READ_ONCE(p->mm) != mm)
			continue;
		*pid = task_tgid_nr(p);
		__get_task_comm(comm, TASK_COMM_LEN, p);
		if (taskp) {
			get_task_struct(p);
			*taskp = p;
		}
		found = true;
		break;
	}
	rcu_read_unlock();
	if (!found) {
		*pid = 0;
		strscpy(comm, "-", TASK_COMM_LEN);
	}
	return found;
}

static unsigned long mmlab_mm_rss(struct mmlab_mm *mmm)
{
	struct mmlab_vma *mv;
	unsigned long n = 0;

	lockdep_assert_held(&mmlab_maps_lock);
	list_for_each_entry(mv, &mmlab_all_vmas, all_node)
		if (mv->mmm == mmm)
			n += mmlab_vma_rss(mv);
	return n;
}

/*
 * SIGKILL to every process using @mm, as oom_kill_process() does: a vfork
 * child or a CLONE_VM process of another thread group keeps the mm, and
 * its pages, alive after the victim's own thread group is gone.
 */
static void mmlab_kill_mm_users(struct mm_struct *mm)
{
	struct task_struct *p;

	rcu_read_lock();
	for_each_process(p) {
		if (READ_ONCE(p->mm) != mm || (p->flags & PF_KTHREAD))
			continue;
		send_sig(SIGKILL, p, 1);
	}
	rcu_read_unlock();
}

/**
 * mmlab_oom_kill_wanted() - is the oom_policy "kill"?
 *
 * Return: true if it is.
 */
bool mmlab_oom_kill_wanted(void)
{
	return READ_ONCE(mmlab_oom_policy_kill);
}

/**
 * mmlab_oom_kill() - kill the process holding the most mmlab pages.
 *
 * Description:
 * As the kernel's OOM killer waits for a victim rather than choosing
 * another (oom_evaluate_task() aborts the scan while a victim has not
 * been reaped), no process is chosen while one we killed still holds its
 * pages: exit_mmap() gives them back vma by vma, and while it does, the
 * victim can hold fewer pages than the faulter, which would otherwise be
 * chosen next. A holder that is already dying for another reason (SIGKILL
 * pending, or its task gone and its mm being torn down: exit_mm() clears
 * task->mm before exit_mmap() gives the pages back) is not killed again
 * either. In both cases the faulter only has to wait. Every process
 * using the victim's mm is killed, so that the mm, and the wait, ends.
 *
 * Return: true if a process was sent SIGKILL or the biggest holder is
 * already exiting; false if no process holds mmlab pages.
 */
bool mmlab_oom_kill(void)
{
	struct task_struct *victim = NULL;
	unsigned long rss, best_rss = 0;
	struct mmlab_mm *mmm, *best = NULL;
	char comm[TASK_COMM_LEN];
	int pid;

	mutex_lock(&mmlab_maps_lock);
	list_for_each_entry(mmm, &mmlab_all_mms, node) {
		if (mmm->oom_victim) {
			mutex_unlock(&mmlab_maps_lock);
			return true;	/* wait for the last victim */
		}
		rss = mmlab_mm_rss(mmm);
		if (rss > best_rss) {
			best_rss = rss;
			best = mmm;
		}
	}
	if (!best) {
		mutex_unlock(&mmlab_maps_lock);
		return false;
	}
	if (!mmlab_mm_task(best->mm, &pid, comm, &victim)) {
		mutex_unlock(&mmlab_maps_lock);
		return true;	/* exiting: exit_mmap() is freeing its pages */
	}
	if (fatal_signal_pending(victim) || (victim->flags & PF_EXITING)) {
		mutex_unlock(&mmlab_maps_lock);
		put_task_struct(victim);
		return true;
	}
	best->oom_victim = true;
	pr_warn_ratelimited("oom_policy kill: killing pid %d (%s), %lu mmlab pages\n",
			    pid, comm, best_rss);
	mmlab_kill_mm_users(best->mm);
	mutex_unlock(&mmlab_maps_lock);
	put_task_struct(victim);
	atomic_long_inc(&mmlab_oom_kills);
	return true;
}

/* --- debugfs ------------------------------------------------------------- */

static int zero_page_show(struct seq_file *m, void *v)
{
	unsigned long pfn, dirty = mmlab_zero_page_check(&pfn);

	seq_printf(m, "pfn 0x%lx nonzero_bytes %lu\n", pfn, dirty);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zero_page);

static int stats_show(struct seq_file *m, void *v)
{
	struct mmlab_vma *mv;
	int i, nr = 0;

	for (i = 0; i < MMLAB_NR_FAULT_KINDS; i++)
		seq_printf(m, "%s %ld\n", mmlab_fault_names[i],
			   mmlab_fault_count(i));
	seq_printf(m, "rss %ld\n", mmlab_user_pages_count());
	mutex_lock(&mmlab_maps_lock);
	list_for_each_entry(mv, &mmlab_all_vmas, all_node)
		nr++;
	mutex_unlock(&mmlab_maps_lock);
	seq_printf(m, "vmas %d\n", nr);
	seq_printf(m, "oom_kills %ld\n", atomic_long_read(&mmlab_oom_kills));
	seq_printf(m, "quarantined %ld\n", mmlab_quarantined());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int procs_show(struct seq_file *m, void *v)
{
	char comm[TASK_COMM_LEN];
	struct mmlab_mm *mmm;
	int i, pid;

	seq_puts(m, "pid comm");
	for (i = 0; i < MMLAB_NR_FAULT_KINDS; i++)
		seq_printf(m, " %s", mmlab_fault_names[i]);
	seq_puts(m, " rss\n");
	mutex_lock(&mmlab_maps_lock);
	list_for_each_entry(mmm, &mmlab_all_mms, node) {
		mmlab_mm_task(mmm->mm, &pid, comm, NULL);
		seq_printf(m, "%d %s", pid, comm);
		for (i = 0; i < MMLAB_NR_FAULT_KINDS; i++)
			seq_printf(m, " %ld", atomic_long_read(&mmm->faults[i]));
		seq_printf(m, " %lu\n", mmlab_mm_rss(mmm));
	}
	mutex_unlock(&mmlab_maps_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(procs);

static int mappings_show(struct seq_file *m, void *v)
{
	char comm[TASK_COMM_LEN];
	struct mmlab_vma *mv;
	int pid;

	seq_puts(m, "pid comm start-end flags pages rss\n");
	mutex_lock(&mmlab_maps_lock);
	list_for_each_entry(mv, &mmlab_all_vmas, all_node) {
		struct vm_area_struct *vma = mv->vma;

		mmlab_mm_task(mv->mmm->mm, &pid, comm, NULL);
		seq_printf(m, "%d %s %08lx-%08lx %c %lu %lu\n", pid, comm,
			   READ_ONCE(vma->vm_start), READ_ONCE(vma->vm_end),
			   mv->anon->shared ? 's' : 'p', vma_pages(vma),
			   mmlab_vma_rss(mv));
	}
	mutex_unlock(&mmlab_maps_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mappings);

static ssize_t oom_policy_read(struct file *file, char __user *buf,
			       size_t count, loff_t *ppos)
{
	const char *s = mmlab_oom_kill_wanted() ? "kill\n" : "sigbus\n";

	return simple_read_from_buffer(buf, count, ppos, s, strlen(s));
}

static ssize_t oom_policy_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char buf[16];
	size_t len = min(count, sizeof(buf) - 1);

	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sysfs_streq(buf, "sigbus")) {
		WRITE_ONCE(mmlab_oom_policy_kill, false);
	} else if (sysfs_streq(buf, "kill")) {
		WRITE_ONCE(mmlab_oom_policy_kill, true);
	} else {
		pr_warn("oom_policy: write sigbus or kill\n");
		return -EINVAL;
	}
	return count;
}

static const struct file_operations oom_policy_fops = {
	.owner	= THIS_MODULE,
	.read	= oom_policy_read,
	.write	= oom_policy_write,
	.llseek	= default_llseek,
};

/**
 * mmlab_stats_init() - create /sys/kernel/debug/mmlab/fault/.
 *
 * Return: 0; debugfs failures are not fatal.
 */
int mmlab_stats_init(void)
{
	mmlab_fault_dir = debugfs_create_dir("fault", mmlab_debugfs_root());
	debugfs_create_file("stats", 0444, mmlab_fault_dir, NULL, &stats_fops);
	debugfs_create_file("procs", 0444, mmlab_fault_dir, NULL, &procs_fops);
	debugfs_create_file("mappings", 0444, mmlab_fault_dir, NULL,
			    &mappings_fops);
	debugfs_create_file("zero_page", 0444, mmlab_fault_dir, NULL,
			    &zero_page_fops);
	debugfs_create_file("oom_policy", 0644, mmlab_fault_dir, NULL,
			    &oom_policy_fops);
	return 0;
}

/**
 * mmlab_stats_exit() - remove the debugfs files.
 */
void mmlab_stats_exit(void)
{
	debugfs_remove_recursive(mmlab_fault_dir);
	mmlab_fault_dir = NULL;
}
