"""Venue inspections by the police joint group."""
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liaison_points.models import Officer
from patrol.models import VenueInspection

_INSPECTION_FIELDS = (
    "venue", "trade", "township", "liaison_point", "address", "unit", "inspected_on", "violation_found",
    "violation_kind", "rectification_due", "rectified_on", "notes",
)


@transaction.atomic
def inspection_save(*, inspection: VenueInspection | None = None, inspector_ids: Iterable[int] | None = None, by=None, **fields) -> VenueInspection:
    """Record or update a venue inspection. Raises ValidationError with field errors."""
    unknown = set(fields) - set(_INSPECTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown inspection fields: {sorted(unknown)}")
    inspection = inspection or VenueInspection(created_by=by)
    unit_before = inspection.unit_id
    for name, value in fields.items():
        setattr(inspection, name, value)
    if not inspection.violation_found:
        inspection.violation_kind = inspection.violation_kind or ""
    errors = {}
    try:
        inspection.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "unit" not in errors and inspection.unit_id and inspection.unit_id != unit_before and not inspection.unit.active:
        # a unit that has left the scheme keeps the inspections it had, but is not named on new ones
        errors["unit"] = [_("This unit has left the scheme.")]
    inspectors = []
    if inspector_ids is not None:
        wanted = {int(i) for i in inspector_ids}
        inspectors = list(Officer.objects.filter(pk__in=wanted))
        if len(inspectors) != len(wanted):
            errors["inspectors"] = [_("Unknown officer id(s).")]
    if errors:
        raise ValidationError(errors)
    inspection._history_user = by
    inspection.save()
    if inspector_ids is not None:
        inspection.inspectors.set(inspectors)
    return inspection
