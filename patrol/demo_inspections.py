"""Demo venue inspections and the units answering for the venues' security (issue 13).

Most venues near a liaison point are guarded by the unit with the most guards at that point; about
a third (small shops, rental rooms) have no unit. The demo's weak unit (assessments.demo_practices)
failed four inspections in the previous quarter at two venues it guards: a KTV whose fire exits
were blocked, then still blocked at the re-inspection, and a hotel that did not register guests,
twice. With its late training roster that makes it the one unit warned in its joint assessment.

Drawn from streams of their own, so the rest of the patrol history stays what it was."""
from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count

from assessments.demo_practices import demo_weak_unit
from config.dates import parse_quarter, previous_quarter, quarter_of
from guards.models import Guard
from liaison_points.demo import demo_rng
from liaison_points.models import LiaisonPoint, Officer
from patrol.models import VenueInspection

UNIT_SHARE = 0.65
OTHERS_FAILED_MAX = 2  # failed inspections a quarter of any unit but the weak one
# days into the quarter, venue, trade, kind of violation, what was found, days to rectify, days taken
WEAK_UNIT_STORY = [
    (16, "金色年华KTV", VenueInspection.Trade.ENTERTAINMENT, VenueInspection.ViolationKind.FIRE_SAFETY,
     "安全出口堆放酒水杂物，消防通道堵塞；责令当场清理并限期整改。", 7, 6),
    (45, "金色年华KTV", VenueInspection.Trade.ENTERTAINMENT, VenueInspection.ViolationKind.FIRE_SAFETY,
     "复查：安全出口再次被占用，两具灭火器过期，值班保安不知情。", 7, 11),
    (58, "汉江宾馆", VenueInspection.Trade.HOTEL, VenueInspection.ViolationKind.GUEST_REGISTRATION,
     "三名住客未登记身份信息，前台称夜班保安代为办理。", 3, 3),
    (80, "汉江宾馆", VenueInspection.Trade.HOTEL, VenueInspection.ViolationKind.GUEST_REGISTRATION,
     "复查：夜班仍未核验身份证件，监控存储不足30天。", 7, 9),
]


def _unit_by_point(points: list[LiaisonPoint]) -> dict[int, int]:
    """Each point's unit: the one with the most active guards attached there (lowest id on a tie)."""
    best: dict[int, tuple[int, int]] = {}
    rows = (Guard.objects.filter(status=Guard.Status.ACTIVE, liaison_point__in=points).order_by()
            .values("liaison_point_id", "company_id").annotate(n=Count("id")))
    for r in rows:
        key = (r["n"], -r["company_id"])
        if r["liaison_point_id"] not in best or key > best[r["liaison_point_id"]]:
            best[r["liaison_point_id"]] = key
    return {point_id: -key[1] for point_id, key in best.items()}


def inspections_with_units(*, seed: int, rows: list[VenueInspection], points: list[LiaisonPoint]) -> None:
    """Name the unit on the inspections about to be written (in place). Apart from the weak unit,
    no unit fails more than OTHERS_FAILED_MAX inspections in a quarter (a venue beyond that is one
    without a unit), so the weak unit stays the one warned whatever the draw."""
    rng = demo_rng(seed, "inspection-units")
    unit_of = _unit_by_point(points)
    weak = demo_weak_unit(seed=seed)
    failed: dict[tuple[int, str], int] = defaultdict(int)
    for row in rows:
        unit_id = unit_of.get(row.liaison_point_id)
        if unit_id is None or rng.random() >= UNIT_SHARE:
            row.unit_id = None
            continue
        if row.violation_found and (weak is None or unit_id != weak.pk):
            key = (unit_id, quarter_of(row.inspected_on))
            if failed[key] >= OTHERS_FAILED_MAX:
                unit_id = None
            else:
                failed[key] += 1
        row.unit_id = unit_id


def weak_unit_inspections(*, seed: int, points: list[LiaisonPoint], officers: list[Officer], today: datetime.date) -> int:
    """The weak unit's four failed inspections of the previous quarter, with their inspectors."""
    unit = demo_weak_unit(seed=seed)
    if unit is None or not points:
        return 0
    rng = demo_rng(seed, "weak-unit-inspections")
    _label, first, _last = parse_quarter(previous_quarter(quarter_of(today)))
    unit_of = _unit_by_point(points)
    point = next((p for p in points if unit_of.get(p.pk) == unit.pk), points[0])
    rows = []
    for days, venue, trade, kind, notes, to_rectify, taken in WEAK_UNIT_STORY:
        inspected = first + datetime.timedelta(days=days)
        due = inspected + datetime.timedelta(days=to_rectify)
        done = inspected + datetime.timedelta(days=taken)
        rows.append(VenueInspection(
            venue=venue, trade=trade, township_id=point.township_id, liaison_point=point, unit=unit,
            address=f"{point.township.name}{point.name}附近", inspected_on=inspected, violation_found=True, violation_kind=kind,
            rectification_due=due, rectified_on=done if done <= today else None, notes=notes,
        ))
    VenueInspection.objects.bulk_create(rows)
    Through = VenueInspection.inspectors.through
    links = defaultdict(set)
    for row in rows:
        for officer in rng.sample(officers, min(2, len(officers))):
            links[row.pk].add(officer.pk)
    Through.objects.bulk_create([Through(venueinspection_id=i, officer_id=o) for i, ids in links.items() for o in sorted(ids)])
    return len(rows)
