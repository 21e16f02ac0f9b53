/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/export.h>, for the unit tests. */
#ifndef UNIT_LINUX_EXPORT_H
#define UNIT_LINUX_EXPORT_H

/* Nothing to export in userspace; a declaration eats the semicolon. */
#define EXPORT_SYMBOL_GPL(sym)	struct unit_export_##sym

#endif
