/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab_core internals shared by its source files; not part of the API.
 */
#ifndef _MMLAB_CORE_INTERNAL_H
#define _MMLAB_CORE_INTERNAL_H

#include "mmlab_core/mmlab_core.h"

struct device;

int mmlab_add_region(const struct mmlab_range *range,
		     enum mmlab_region_source source, struct device *dev);
void mmlab_remove_all_regions(void);
void mmlab_seal_regions(void);
const char *mmlab_source_name(enum mmlab_region_source source);
const char *mmlab_map_name(enum mmlab_map_kind kind);

int mmlab_dt_init(void);
void mmlab_dt_exit(void);

void mmlab_debugfs_init(void);
void mmlab_debugfs_exit(void);

#endif /* _MMLAB_CORE_INTERNAL_H */
