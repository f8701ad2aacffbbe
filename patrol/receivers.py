from django.dispatch import receiver

from guards.signals import guard_removed


@receiver(guard_removed, dispatch_uid="patrol_drop_removed_guard")
def drop_removed_guard(sender, guard_id, **kwargs):
    from patrol.services import patrols_drop_guard

    patrols_drop_guard(guard_id=guard_id)
