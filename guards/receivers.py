from django.dispatch import receiver

from liaison_points.signals import coverage_changed


@receiver(coverage_changed, dispatch_uid="guards_reattach_on_coverage_change")
def reattach_on_coverage_change(sender, point_ids, **kwargs):
    from guards.services import guards_reattach

    guards_reattach()
