from django.dispatch import receiver

from guards.signals import guard_removed


@receiver(guard_removed, dispatch_uid="assessments_recall_equipment_of_removed_guard")
def recall_equipment_of_removed_guard(sender, guard_id, reason="", **kwargs):
    from assessments.services import equipment_recall_from

    equipment_recall_from(guard_id=guard_id, reason=reason)
