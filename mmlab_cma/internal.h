/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab_cma internals shared by its files: not for other modules.
 */
#ifndef _MMLAB_CMA_INTERNAL_H
#define _MMLAB_CMA_INTERNAL_H

#include "mmlab_cma/mmlab_cma.h"

/* cma.c */
int mmlab_cma_setup_areas(void);
void mmlab_cma_remove_all(void);
struct mmlab_page *__mmlab_cma_alloc(struct mmlab_cma *cma,
				     unsigned long count, unsigned int align,
				     bool no_warn, int *err);
extern struct mutex mmlab_cma_areas_mutex;
/* debugfs mmlab/fail_cma/: each range alloc_contig_range takes is a call. */
extern struct mmlab_fail_attr mmlab_fail_cma;

/* compaction.c */
int mmlab_compaction_init(void);
void mmlab_compaction_exit(void);

/* debugfs.c */
void mmlab_cma_debugfs_init(void);
void mmlab_cma_debugfs_exit(void);
void mmlab_cma_debugfs_add_area(struct mmlab_cma *cma);
void mmlab_cma_debugfs_remove_area(struct mmlab_cma *cma);
void mmlab_cma_debugfs_free_mem(struct mmlab_cma *cma);

#endif /* _MMLAB_CMA_INTERNAL_H */
