/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the parts of <linux/atomic.h> (and the
 * compiler's access helpers) the shared pure-logic files use.
 */
#ifndef UNIT_LINUX_ATOMIC_H
#define UNIT_LINUX_ATOMIC_H

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define cmpxchg(p, old, new)	__sync_val_compare_and_swap(p, old, new)

#endif
