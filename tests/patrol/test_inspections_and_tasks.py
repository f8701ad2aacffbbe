import datetime

import pytest
from django.core.exceptions import ValidationError

from patrol.models import Patrol, VenueInspection
from patrol.services import inspection_save, plan_create
from patrol.tasks import plans_generate_task
from tests import factories as f


def test_inspection_with_violation_is_saved_with_inspectors(township, officer):
    inspection = inspection_save(
        venue="Sunrise Hotel", trade="hotel", township=township, inspected_on=datetime.date(2026, 11, 18),
        violation_found=True, violation_kind="registration", rectification_due=datetime.date(2026, 11, 25),
        inspector_ids=[officer.officer_profile.pk], by=officer,
    )
    assert list(inspection.inspectors.all()) == [officer.officer_profile]
    assert inspection.history.first().history_user == officer


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"violation_found": True}, "violation_kind"),
        ({"rectified_on": datetime.date(2026, 11, 20)}, "rectified_on"),
        ({"violation_found": True, "violation_kind": "fire_safety", "rectified_on": datetime.date(2026, 11, 1)}, "rectified_on"),
        ({"trade": "spaceport"}, "trade"),
        ({"venue": ""}, "venue"),
    ],
)
def test_inspection_bad_input_is_a_field_error_and_nothing_is_saved(township, fields, field):
    base = dict(venue="Net Café", trade="internet_cafe", township=township, inspected_on=datetime.date(2026, 11, 18))
    with pytest.raises(ValidationError) as exc:
        inspection_save(**{**base, **fields})
    assert field in exc.value.message_dict
    assert not VenueInspection.objects.exists()


def test_inspection_unknown_inspector_is_refused(township):
    with pytest.raises(ValidationError) as exc:
        inspection_save(venue="X", trade="hotel", township=township, inspected_on=datetime.date(2026, 11, 18), inspector_ids=[987654])
    assert "inspectors" in exc.value.message_dict


def test_plans_generate_task_is_idempotent(point):
    plan_create(
        liaison_point=point, leader=f.OfficerFactory(), weekdays=[0, 2, 4], start_time=datetime.time(19),
        end_time=datetime.time(21), starts_on=datetime.date(2020, 1, 1),
    )
    first = plans_generate_task.run(weeks=2)
    again = plans_generate_task.run(weeks=2)
    assert first == 6 and again == 0
    assert Patrol.objects.count() == 6


def test_checkpoint_save_refuses_closed_point_and_duplicate_name(township):
    from patrol.services import checkpoint_save

    point = f.LiaisonPointFactory(township=township)
    checkpoint_save(liaison_point=point, name="North gate", latitude="32.27", longitude="111.60")
    with pytest.raises(ValidationError):
        checkpoint_save(liaison_point=point, name="North gate", latitude="32.27", longitude="111.60")
    closed = f.LiaisonPointFactory(township=township, active=False)
    with pytest.raises(ValidationError) as exc:
        checkpoint_save(liaison_point=closed, name="Gate", latitude="32.27", longitude="111.60")
    assert "liaison_point" in exc.value.message_dict
