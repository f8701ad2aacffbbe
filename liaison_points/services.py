from django.db import transaction

from liaison_points.models import LiaisonPoint
from liaison_points.signals import coverage_changed

_COVERAGE_FIELDS = {"active", "latitude", "longitude"}


@transaction.atomic
def liaison_point_save(*, point: LiaisonPoint, changed_fields: set[str] | None = None) -> LiaisonPoint:
    """Create or update a liaison point. When it opens, closes or moves, the guards who were attached
    automatically are re-attached to their nearest active point, in the same transaction."""
    is_new = point.pk is None
    if not is_new and changed_fields is None:
        before = LiaisonPoint.objects.filter(pk=point.pk).values("active", "latitude", "longitude").first()
        changed_fields = {f for f in _COVERAGE_FIELDS if before and before[f] != getattr(point, f)}
    point.full_clean()
    point.save()
    if is_new or (changed_fields or set()) & _COVERAGE_FIELDS:
        coverage_changed.send(sender=LiaisonPoint, point_ids=[point.pk])
    return point


def liaison_point_set_active(*, point: LiaisonPoint, active: bool) -> LiaisonPoint:
    if point.active == active:
        return point
    point.active = active
    return liaison_point_save(point=point, changed_fields={"active"})
