"""seed_demo builds a county like Gucheng (DESIGN.md §1) quickly, deterministically and idempotently;
demo_logins lists the demo accounts it made."""
import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User
from guards.demo import company_plan, guard_plan
from guards.models import CompanyManager, Guard, SecurityCompany
from guards.validators import validate_national_id, validate_phone
from liaison_points.demo import GUCHENG_TOWNSHIPS, geography_plan
from liaison_points.geo import haversine_m
from liaison_points.models import LiaisonPoint, Officer, PoliceStation, Township, Zone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def patrol_seed_calls(monkeypatch):
    """A year of patrol history is the patrol app's to test (and takes seconds): stand it in."""
    calls = []

    def fake_seed_patrols(*, seed):
        calls.append(seed)
        return {}

    monkeypatch.setattr("bulletins.management.commands.seed_demo.seed_patrols", fake_seed_patrols)
    # Each activity seed is tested in its own app; here they are stand-ins.
    for name in ("seed_disputes", "seed_lifecycle", "seed_bulletins"):
        monkeypatch.setattr(f"bulletins.management.commands.seed_demo.{name}", lambda **kwargs: {})
    return calls


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [Township, Zone, PoliceStation, LiaisonPoint, Officer, User, SecurityCompany, CompanyManager, Guard]
    result = {m.__name__: m.objects.count() for m in models}
    result["guard history"] = Guard.history.count()
    result["point history"] = LiaisonPoint.history.count()
    return result


def test_seed_demo_builds_the_county_with_demo_accounts(patrol_seed_calls):
    # when
    out = seed()
    # then: the county's structure
    assert set(Township.objects.values_list("name", flat=True)) == {t.name for t in GUCHENG_TOWNSHIPS}
    assert Township.objects.count() == 11 and PoliceStation.objects.count() == 11
    assert set(Zone.objects.values_list("name", flat=True)) == {"东区", "西区", "南区", "北区", "中区"}
    assert LiaisonPoint.objects.count() == 30
    assert set(LiaisonPoint.objects.values_list("kind", flat=True)) == {"central", "post", "unit"}
    for lat, lng in LiaisonPoint.objects.values_list("latitude", "longitude"):
        assert 31.95 <= lat <= 32.45 and 111.25 <= lng <= 111.90
    assert LiaisonPoint.objects.filter(township__isnull=True).count() == 0
    assert Officer.objects.count() == 8 and not LiaisonPoint.objects.filter(responsible_officer=None).exists()
    assert SecurityCompany.objects.count() == 8
    assert list(SecurityCompany.objects.values_list("managers__user__role", flat=True)) == [Role.MANAGER] * 8
    assert Guard.objects.count() == 700
    # ... the demo accounts, bound as their role needs
    accounts = User.objects.in_bulk(["officer", "manager", "guard", "admin"], field_name="username")
    assert all(user.check_password(DEMO_PASSWORD) for user in accounts.values())
    assert accounts["officer"].officer_profile.station is not None
    assert accounts["manager"].manager_profile.company == SecurityCompany.objects.order_by("pk").first()
    assert accounts["guard"].guard_profile.company == accounts["manager"].manager_profile.company
    assert accounts["admin"].is_superuser and accounts["admin"].role == Role.ADMIN
    # ... every guard with a "created" history row, and the patrol history composed on top
    assert Guard.history.filter(history_type="+").count() == 700
    assert patrol_seed_calls == [2024]
    assert "700 guards" in out


def test_seed_demo_guards_are_realistic():
    seed()
    guards = list(Guard.objects.all())
    today = timezone.localdate()

    # resident ids: valid, unique, from Xiangyang
    ids = [g.national_id for g in guards]
    assert len(set(ids)) == 700
    for national_id in ids:
        validate_national_id(national_id)
        assert national_id.startswith("4206")
    for g in guards:
        validate_phone(g.phone)
        assert g.name and g.post and g.post_address.startswith("湖北省")
    # a certificate mix: mostly valid, some expiring within 30 days, some expired, a few uncertified
    valid = [g for g in guards if g.certificate_valid_on(today)]
    expiring = [g for g in valid if g.certificate_expires_on <= today + datetime.timedelta(days=30)]
    expired = [g for g in guards if g.certificate_status == "valid" and g.certificate_expires_on < today]
    uncertified = [g for g in guards if g.certificate_status == "none"]
    assert len(valid) > 500 and expiring and expired and uncertified
    assert all(g.certificate_number for g in guards if g.certificate_status != "none")
    assert 0 < sum(g.status == "suspended" for g in guards) < 50


def test_seed_demo_attaches_active_guards_to_their_nearest_active_point():
    seed()
    points = list(LiaisonPoint.objects.filter(active=True).values_list("id", "latitude", "longitude"))
    guards = list(Guard.objects.filter(status="active").values_list("post_latitude", "post_longitude", "liaison_point_id"))
    assert all(point_id is not None for _lat, _lng, point_id in guards)

    position = {pk: (float(lat), float(lng)) for pk, lat, lng in points}
    for lat, lng, point_id in random.Random(1).sample(guards, 150):
        lat, lng = float(lat), float(lng)
        best = min(haversine_m(lat, lng, *position[pk]) for pk in position)
        # the index measures on a plane: allow for ties within a few metres
        assert haversine_m(lat, lng, *position[point_id]) <= best + 5


def test_seed_demo_twice_creates_nothing_new():
    seed()
    before = counts()

    out = seed()

    assert counts() == before
    assert "nothing created" in out


def test_seed_demo_if_empty_does_nothing_when_points_exist(point):
    before = counts()

    out = seed("--if-empty")

    assert counts() == before
    assert "not seeded" in out


def test_seed_demo_if_empty_seeds_an_empty_database():
    seed("--if-empty")
    assert LiaisonPoint.objects.count() == 30


def test_seed_demo_same_seed_gives_the_same_people():
    # given two plans from the same seed, and one from another
    geography = geography_plan(seed=7, scale="county")
    first = guard_plan(seed=7, scale="county", geography=geography, companies=8)
    again = guard_plan(seed=7, scale="county", geography=geography_plan(seed=7, scale="county"), companies=8)
    other = guard_plan(seed=8, scale="county", geography=geography_plan(seed=8, scale="county"), companies=8)
    assert first == again
    assert [(g.national_id, g.name) for g in other] != [(g.national_id, g.name) for g in first]
    assert company_plan(seed=7, scale="county") == company_plan(seed=7, scale="county")

    # when the database is seeded with that seed
    seed("--seed", "7")

    # then it holds exactly the planned people
    assert sorted(Guard.objects.values_list("national_id", "name", "post")) == sorted((g.national_id, g.name, g.post) for g in first)
    assert sorted(LiaisonPoint.objects.values_list("code", "latitude", "longitude")) == [
        (p.code, p.latitude, p.longitude) for p in geography.points
    ]


def test_demo_logins_lists_the_demo_accounts_after_seeding():
    seed()
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    text = out.getvalue()
    assert "http://127.0.0.1:8000" in text
    for username in ("officer", "manager", "guard", "admin"):
        assert username in text
    assert text.count(DEMO_PASSWORD) == 4


def test_demo_logins_hides_a_changed_password():
    seed()
    user = User.objects.get(username="manager")
    user.set_password("another-secret-pass")
    user.save()
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    assert out.getvalue().count(DEMO_PASSWORD) == 3


def test_demo_logins_without_demo_accounts_says_so_quietly():
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    assert "seed_demo" in out.getvalue() and DEMO_PASSWORD not in out.getvalue()


def test_seed_demo_has_one_unit_failing_its_joint_assessment_with_an_interview(monkeypatch, time_machine):
    """Issue 13: the previous quarter's joint assessment warns exactly one unit, through its history
    (failed venue inspections, a late training roster), and its interview is on record."""
    from assessments.demo_practices import demo_weak_unit
    from assessments.models import Interview, UnitAssessment
    from bulletins.management.commands import seed_demo as command
    from patrol.demo import seed_patrols
    from patrol.models import VenueInspection
    from assessments.demo import seed_lifecycle

    # given the clock in 2026Q4 and the patrol history back to the start of 2026Q3 (not a whole year: fast)
    time_machine.move_to(timezone.make_aware(datetime.datetime(2026, 10, 20, 10, 0)), tick=False)
    monkeypatch.setattr(command, "seed_patrols", lambda *, seed: seed_patrols(seed=seed, weeks=16))
    monkeypatch.setattr(command, "seed_lifecycle", seed_lifecycle)

    # when
    seed()

    # then one unit, the demo's weak one, is warned for 2026Q3: four failed inspections, roster late
    weak = demo_weak_unit(seed=2024)
    rows = {r.company_id: r for r in UnitAssessment.objects.filter(quarter="2026Q3")}
    assert len(rows) == SecurityCompany.objects.filter(active=True).count()
    assert [pk for pk, r in rows.items() if r.outcome == "warning"] == [weak.pk], {pk: r.components for pk, r in rows.items()}
    facts = rows[weak.pk].components["facts"]
    assert facts["inspections_failed"] >= 4 and facts["roster_on_time"] is False
    assert rows[weak.pk].components["parts"]["inspections"] == -20
    assert all(r.components["facts"]["roster_on_time"] for pk, r in rows.items() if pk != weak.pk)
    # its interview: when, who attended, what was agreed, follow-up due in a month (still open today)
    interview = Interview.objects.get(unit_assessment=rows[weak.pk])
    assert interview.held_on == datetime.date(2026, 10, 14) and weak.responsible_leader in interview.attendees
    assert "消防通道" in interview.agreed and "培训名单" in interview.agreed
    assert interview.follow_up_due == datetime.date(2026, 11, 13) and interview.is_open
    # a warned guard's interview is recorded and followed up
    assert Interview.objects.filter(guard__isnull=False, held_on__isnull=False, followed_up_on__isnull=False).count() == 1
    # and the demo's inspections name their units (most of them)
    assert VenueInspection.objects.filter(unit__isnull=False).count() > VenueInspection.objects.count() / 2
    assert VenueInspection.objects.filter(unit=weak, violation_found=True, inspected_on__range=("2026-07-01", "2026-09-30")).count() >= 4
