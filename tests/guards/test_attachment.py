from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from guards.models import Guard
from guards.services import guard_create, guard_set_point, guard_update, guards_reattach
from liaison_points.services import liaison_point_save, liaison_point_set_active
from tests import factories as f


@pytest.fixture
def west(db, township):
    return f.LiaisonPointFactory(township=township, code="W", latitude="32.200000", longitude="111.400000")


@pytest.fixture
def east(db, township):
    return f.LiaisonPointFactory(township=township, code="E", latitude="32.200000", longitude="111.800000")


def _guard_fields(company, lat="32.210000", lng="111.420000", n=1):
    return dict(
        company=company, name="张伟", phone="13900000001", national_id=f.make_national_id(n), post="Hospital gate",
        post_latitude=Decimal(lat), post_longitude=Decimal(lng),
    )


def test_new_guard_is_attached_to_nearest_active_point(company, west, east):
    guard = guard_create(**_guard_fields(company, lng="111.420000"))
    assert guard.liaison_point == west
    assert guard.point_pinned is False

    guard2 = guard_create(**_guard_fields(company, lng="111.790000", n=2))
    assert guard2.liaison_point == east


def test_closed_point_is_never_chosen(company, west, east):
    liaison_point_set_active(point=west, active=False)
    guard = guard_create(**_guard_fields(company, lng="111.420000"))
    assert guard.liaison_point == east


def test_officer_override_sticks_through_reattachment(company, west, east):
    # given a guard next to west, pinned by an officer to east
    guard = guard_create(**_guard_fields(company))
    guard_set_point(guard=guard, point=east)
    # when coverage changes (a new point opens right beside the post)
    f.LiaisonPointFactory(township=west.township, code="NEW", latitude="32.210000", longitude="111.420000")
    guards_reattach()
    # then the override stands
    guard.refresh_from_db()
    assert guard.liaison_point == east and guard.point_pinned


def test_unpin_returns_guard_to_nearest(company, west, east):
    guard = guard_create(**_guard_fields(company))
    guard_set_point(guard=guard, point=east)
    guard_set_point(guard=guard, point=None)
    guard.refresh_from_db()
    assert guard.liaison_point == west and not guard.point_pinned


def test_pinning_to_closed_point_is_refused(company, west, east):
    guard = guard_create(**_guard_fields(company))
    liaison_point_set_active(point=east, active=False)
    with pytest.raises(ValidationError) as exc:
        guard_set_point(guard=guard, point=east)
    assert "liaison_point" in exc.value.message_dict


def test_opening_a_point_reattaches_followers_through_the_service(company, west, east):
    guard = guard_create(**_guard_fields(company, lng="111.600000"))  # midway-ish, nearer west by a hair? check both
    near = f.LiaisonPointFactory.build(
        township=west.township, station=west.station, code="MID", name="Mid", latitude=Decimal("32.210000"), longitude=Decimal("111.600000")
    )
    liaison_point_save(point=near)
    guard.refresh_from_db()
    assert guard.liaison_point_id == near.pk


def test_closing_a_point_moves_its_guards_including_pinned_ones(company, west, east):
    follower = guard_create(**_guard_fields(company))
    pinned = guard_create(**_guard_fields(company, n=2))
    guard_set_point(guard=pinned, point=west)
    liaison_point_set_active(point=west, active=False)
    follower.refresh_from_db()
    pinned.refresh_from_db()
    assert follower.liaison_point == east
    assert pinned.liaison_point == east and not pinned.point_pinned  # the override no longer stands
    assert pinned.history.first().history_change_reason == "liaison points changed"


def test_moving_the_post_reattaches_an_unpinned_guard(company, west, east):
    guard = guard_create(**_guard_fields(company))
    guard_update(guard=guard, post_longitude=Decimal("111.790000"))
    assert guard.liaison_point == east


def test_bad_coordinates_and_id_are_field_errors_and_nothing_is_saved(company, west):
    fields = _guard_fields(company, lat="95.000000")
    fields["national_id"] = "110105194912310021"
    with pytest.raises(ValidationError) as exc:
        guard_create(**fields)
    assert {"post_latitude", "national_id"} <= set(exc.value.message_dict)
    assert Guard.objects.count() == 0


def test_reattach_of_many_guards_runs_in_few_queries(company, west, east, django_assert_max_num_queries):
    f.GuardFactory.create_batch(30, company=company, liaison_point=None, post_longitude=Decimal("111.790000"))
    with django_assert_max_num_queries(8):
        changed = guards_reattach()
    assert changed == 30
    assert Guard.objects.filter(liaison_point=east).count() == 30


def test_a_resident_id_taken_concurrently_is_a_field_error_not_a_500(company, west, monkeypatch):
    # given another request inserts the same id between our validation and our insert
    fields = _guard_fields(company)
    original_clean = Guard.full_clean

    def clean_then_race(self, *args, **kwargs):
        original_clean(self, *args, **kwargs)
        if not Guard.objects.filter(national_id=self.national_id).exists():
            Guard.objects.create(**{**fields, "name": "Other", "liaison_point": west})

    monkeypatch.setattr(Guard, "full_clean", clean_then_race)
    # when / then
    with pytest.raises(ValidationError) as exc:
        guard_create(**fields)
    assert "already exists" in exc.value.message_dict["national_id"][0]
