// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_core: regions described by the device tree.
 *
 * A node compatible with "mmlab,region" points with its memory-region
 * phandle at a /reserved-memory child, with or without no-map:
 *
 *	reserved-memory {
 *		#address-cells = <2>;
 *		#size-cells = <2>;
 *		ranges;
 *		mmlab_mem: mmlab@50000000 {
 *			reg = <0x0 0x50000000 0x0 0x4000000>;
 *			no-map;
 *		};
 *	};
 *	mmlab {
 *		compatible = "mmlab,region";
 *		memory-region = <&mmlab_mem>;
 *	};
 *
 * Without CONFIG_OF_RESERVED_MEM (Debian's x86 kernel has no OF at all)
 * this file compiles to nothing that does anything.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/mod_devicetable.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/platform_device.h>
#include <linux/printk.h>

#include "internal.h"

static int mmlab_dt_probe(struct platform_device *pdev)
{
	struct device_node *np = pdev->dev.of_node;
	struct device_node *mem;
	struct reserved_mem *rmem;
	struct mmlab_range range;

	mem = of_parse_phandle(np, "memory-region", 0);
	if (!mem) {
		pr_err("%pOF: no valid memory-region phandle\n", np);
		return -EINVAL;
	}
	rmem = of_reserved_mem_lookup(mem);
	if (!rmem) {
		pr_err("%pOF: memory-region %pOF is not a /reserved-memory child\n",
		       np, mem);
		of_node_put(mem);
		return -EINVAL;
	}
	of_node_put(mem);

	range.base = rmem->base;
	range.size = rmem->size;
	return mmlab_add_region(&range, MMLAB_SRC_DT, &pdev->dev);
}

static const struct of_device_id mmlab_dt_ids[] = {
	{ .compatible = "mmlab,region" },
	{ }
};
MODULE_DEVICE_TABLE(of, mmlab_dt_ids);

/*
 * No remove: regions live until the module unloads, and unbinding through
 * sysfs is suppressed so that no region goes away under its users.
 */
static struct platform_driver mmlab_dt_driver = {
	.probe = mmlab_dt_probe,
	.driver = {
		.name = "mmlab-region",
		.of_match_table = mmlab_dt_ids,
		.suppress_bind_attrs = true,
		.probe_type = PROBE_FORCE_SYNCHRONOUS,
	},
};

/* Bind every "mmlab,region" node now; failed nodes stay unbound. */
int mmlab_dt_init(void)
{
	if (!IS_ENABLED(CONFIG_OF_RESERVED_MEM))
		return 0;
	return platform_driver_register(&mmlab_dt_driver);
}

void mmlab_dt_exit(void)
{
	if (!IS_ENABLED(CONFIG_OF_RESERVED_MEM))
		return;
	platform_driver_unregister(&mmlab_dt_driver);
}
