// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel half of the register page swapped for memory while saving
 * (see <linux/nic_vf/shadow.h>): the page, the swap, the timer that looks
 * for changes and the work that passes them on under the VF's lock.
 */
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/vfio_pci_vendor.h>

#include <linux/nic_vf/dev.h>
#include <linux/nic_vf/ring.h>

#define POLL_US_MIN	50
#define POLL_US_MAX	100000

static unsigned int shadow_poll_us = 500;

static int poll_us_set(const char *val, const struct kernel_param *kp)
{
	unsigned int us;
	int ret = kstrtouint(val, 0, &us);

	if (ret)
		return ret;
	if (us < POLL_US_MIN || us > POLL_US_MAX) {
		pr_warn("vfio_pci_nic_vf: shadow_poll_us=%u refused: %u to %u\n",
			us, POLL_US_MIN, POLL_US_MAX);
		return -EINVAL;
	}
	WRITE_ONCE(shadow_poll_us, us);
	return 0;
}

static const struct kernel_param_ops poll_us_ops = {
	.set = poll_us_set,
	.get = param_get_uint,
};
module_param_cb(shadow_poll_us, &poll_us_ops, &shadow_poll_us, 0644);
MODULE_PARM_DESC(shadow_poll_us, "While saving, how often (microseconds, 50 to 100000) the guest's writes to a swapped register page are looked for; a trapped access passes them on at once");

static ktime_t poll_interval(void)
{
	return ns_to_ktime((u64)READ_ONCE(shadow_poll_us) * NSEC_PER_USEC);
}

static int dev_read(void *ctx, u32 off, u32 *val)
{
	struct nic_vf_dev *nv = ctx;
	u64 v;
	int ret;

	ret = vfio_pci_vendor_bar_read(nv->host.vdev, nv->desc->bar, off, &v,
				       sizeof(u32));
	if (!ret)
		*val = v;
	return ret;
}

static int dev_write(void *ctx, u32 off, u32 val)
{
	return nic_vf_dev_write_locked(ctx, off, val);
}

static const struct nic_vf_shadow_ops dev_ops = {
	.read = dev_read,
	.write = dev_write,
};

static enum hrtimer_restart poll(struct hrtimer *timer)
{
	struct nic_vf_dev *nv = container_of(timer, struct nic_vf_dev,
					     shadow.timer);

	if (nic_vf_shadow_changed(&nv->shadow.regs))
		queue_work(system_highpri_wq, &nv->shadow.work);
	hrtimer_forward_now(timer, poll_interval());
	return HRTIMER_RESTART;
}

static void poll_work(struct work_struct *work)
{
	struct nic_vf_dev *nv = container_of(work, struct nic_vf_dev,
					     shadow.work);

	mutex_lock(&nv->lock);
	nic_vf_dev_shadow_flush(nv);
	mutex_unlock(&nv->lock);
}

/**
 * nic_vf_shadow_init() - set up a VF's swapped page, none yet
 * @nv: the VF, its description set
 */
void nic_vf_shadow_init(struct nic_vf_dev *nv)
{
	struct nic_vf_shadow *sh = &nv->shadow;

	hrtimer_init(&sh->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	sh->timer.function = poll;
	INIT_WORK(&sh->work, poll_work);
	sh->regs.regs = nv->desc->shadow_regs;
	sh->regs.nr = nv->desc->nr_shadow_regs;
	sh->regs.ops = &dev_ops;
	sh->regs.ctx = nv;
}

/**
 * nic_vf_shadow_active() - is the page swapped now?
 * @nv: the VF
 *
 * Return: true while saving with a swapped page.  Without the VF's lock
 * only a hint (trapped accesses then take the lock and flush).
 */
bool nic_vf_shadow_active(struct nic_vf_dev *nv)
{
	return READ_ONCE(nv->shadow.page);
}

/**
 * nic_vf_dev_shadow_begin() - swap the driver's register page for memory
 * @nv: the VF, open, its driver with @shadow_regs and a device state
 *      (whose tracking a swap that fails to hold is given up); the caller
 *      holds its lock
 *
 * From the return on, the guest's writes to the followed registers reach
 * the device only through the logic.  The page holds the device's
 * registers; one the guest wrote between the copy and the swap is read
 * again from the device.
 *
 * Return: 0 (also when already swapped), -EINVAL if the driver follows no
 * page or has no device state, -ENOMEM, or vfio-pci's error (nothing is
 * swapped then).
 */
int nic_vf_dev_shadow_begin(struct nic_vf_dev *nv)
{
	struct nic_vf_shadow *sh = &nv->shadow;
	struct page *page;
	int ret;

	lockdep_assert_held(&nv->lock);
	if (!nv->desc->nr_shadow_regs || !nv->host.vdev || !nv->st)
		return -EINVAL;
	if (sh->page)
		return 0;
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	sh->regs.words = page_address(page);
	nic_vf_shadow_fill(&sh->regs);
	ret = vfio_pci_shadow_swap(nv->host.vdev, page);
	if (ret) {
		sh->regs.words = NULL;
		__free_page(page);
		return ret;
	}
	WRITE_ONCE(sh->page, page);
	sh->swaps++;
	sh->exposed = false;
	nic_vf_shadow_read_back(&sh->regs);
	hrtimer_start(&sh->timer, poll_interval(), HRTIMER_MODE_REL);
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_dev_shadow_begin);

/*
 * A write the guest made to the device's page while it should have been
 * swapped (6.1: core refilled a mapping) was not seen by the logic, and
 * the buffers it posted may go unreported: the save must fail instead.
 */
static void check_exposed(struct nic_vf_dev *nv)
{
	struct nic_vf_shadow *sh = &nv->shadow;

	if (sh->exposed || !vfio_pci_shadow_exposed(nv->host.vdev))
		return;
	sh->exposed = true;
	sh->exposures++;
	nic_vf_tracker_lose(nv->st->trk, -EIO);
	pci_warn(nv->host.pdev, "the guest could reach the swapped register page on the device (its mapping was refilled while saving): this migration will fail rather than lose guest memory\n");
}

/**
 * nic_vf_dev_shadow_flush() - pass the guest's writes to the page on
 * @nv: the VF; the caller holds its lock
 *
 * Each changed register goes to the logic, then to the device, in the
 * driver's order.  Nothing to do while the page is the device's.  If the
 * device's page was reachable meanwhile, the save's tracking is lost.
 */
void nic_vf_dev_shadow_flush(struct nic_vf_dev *nv)
{
	lockdep_assert_held(&nv->lock);
	if (!nv->shadow.page)
		return;
	nic_vf_shadow_pass_on(&nv->shadow.regs);
	check_exposed(nv);
}
EXPORT_SYMBOL_GPL(nic_vf_dev_shadow_flush);

/**
 * nic_vf_dev_shadow_written() - a trapped write reached the device
 * @nv: the VF; the caller holds its lock and flushed the page first
 * @off: the register
 * @val: what the device got
 *
 * A followed register shows the write in the page; any other may have
 * reset the VF, so the page shows the device again.
 */
void nic_vf_dev_shadow_written(struct nic_vf_dev *nv, u32 off, u32 val)
{
	if (nv->shadow.page &&
	    !nic_vf_shadow_written(&nv->shadow.regs, off, val))
		nic_vf_shadow_read_back(&nv->shadow.regs);
}

/**
 * nic_vf_dev_shadow_end() - give the page back to the device
 * @nv: the VF; the caller holds its lock
 *
 * The guest's last writes to the page are passed on, except where it has
 * already written the device since the swap back (that write is newer).
 */
void nic_vf_dev_shadow_end(struct nic_vf_dev *nv)
{
	struct nic_vf_shadow *sh = &nv->shadow;
	struct page *page = sh->page;

	lockdep_assert_held(&nv->lock);
	if (!page)
		return;
	nic_vf_shadow_pass_on(&sh->regs);
	check_exposed(nv);
	hrtimer_cancel(&sh->timer);
	WRITE_ONCE(sh->page, NULL);
	if (nv->host.vdev && vfio_pci_shadow_swap(nv->host.vdev, NULL))
		pci_warn(nv->host.pdev, "could not give the swapped register page back to the device\n");
	nic_vf_shadow_drain(&sh->regs);
	sh->regs.words = NULL;
	__free_page(page);
}
EXPORT_SYMBOL_GPL(nic_vf_dev_shadow_end);

/**
 * nic_vf_shadow_close() - no timer or work may run once the VF is closed
 * @nv: the VF, its page given back; the caller does not hold its lock
 */
void nic_vf_shadow_close(struct nic_vf_dev *nv)
{
	hrtimer_cancel(&nv->shadow.timer);
	cancel_work_sync(&nv->shadow.work);
}
