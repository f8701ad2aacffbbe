"""Writing the planned county: townships, zones, a police station per township, officers (with
the `admin` and `officer` demo accounts) and liaison points. Rows whose natural key exists are
skipped, so seeding twice creates nothing the second time."""
from __future__ import annotations

import json
from collections.abc import Callable

from simple_history.utils import bulk_create_with_history

from accounts.models import Role
from liaison_points.demo.common import HISTORY_REASON
from liaison_points.demo.geography import (
    ZONES,
    GeographyPlan,
    TownshipSpec,
    geography_plan,
)
from liaison_points.demo.people import users_ensure
from liaison_points.models import LiaisonPoint, Officer, PoliceStation, Township, Zone
from liaison_points.routing import routing_invalidate


def _station_name(township: TownshipSpec) -> str:
    if township.county.endswith("谷城县"):
        return f"谷城县公安局{township.short}派出所"
    return f"{township.name}派出所"


def _zone_area(townships: list[TownshipSpec]) -> dict | None:
    import shapely
    from shapely.geometry import MultiPoint

    if not townships:
        return None
    hull = MultiPoint([(t.longitude, t.latitude) for t in townships]).convex_hull
    area = hull.buffer(max(t.spread for t in townships) * 3, quad_segs=4).simplify(0.001)
    return json.loads(shapely.to_geojson(shapely.set_precision(area, 0.000001)))


def _townships_ensure(plan: GeographyPlan) -> tuple[dict[str, Township], int]:
    by_code = {t.code: t for t in Township.objects.all()}
    by_name = {t.name: t for t in by_code.values()}
    new = []
    for spec in plan.townships:
        if spec.code in by_code:
            continue
        if spec.name in by_name:  # entered by hand under another code: use it
            by_code[spec.code] = by_name[spec.name]
            continue
        row = Township(code=spec.code, name=spec.name)
        new.append(row)
        by_code[spec.code] = by_name[spec.name] = row
    Township.objects.bulk_create(new)
    return by_code, len(new)


def _zones_ensure(plan: GeographyPlan) -> tuple[dict[str, Zone], int]:
    existing = {z.name: z for z in Zone.objects.all()}
    new = []
    for name, description in ZONES:
        if name in existing:
            continue
        members = [t for t in plan.townships if t.zone == name]
        zone = Zone(name=name, description=description, area=_zone_area(members))
        new.append(zone)
        existing[name] = zone
    Zone.objects.bulk_create(new)
    return existing, len(new)


def _stations_ensure(plan: GeographyPlan, townships: dict[str, Township]) -> tuple[dict[str, PoliceStation], int]:
    """One police station per township; returns {township code: station}."""
    existing = {s.name: s for s in PoliceStation.objects.all()}
    result, new = {}, []
    for i, spec in enumerate(plan.townships):
        name = _station_name(spec)
        station = existing.get(name)
        if station is None:
            station = PoliceStation(
                name=name, township=townships[spec.code],
                address=f"{spec.county}{spec.name}{'人民路' if i % 2 else '建设路'}{10 + i % 80}号",
                phone=f"0710-72{(i * 7919) % 100000:05d}",
            )
            new.append(station)
        result[spec.code] = station
    PoliceStation.objects.bulk_create(new)
    return result, len(new)


def _officers_ensure(
    plan: GeographyPlan, stations: dict[str, PoliceStation], password_hash: Callable[[], str]
) -> tuple[list[Officer], int, int]:
    rows = [{"username": "admin", "name": "系统管理员", "role": Role.ADMIN}]
    rows += [{"username": o["username"], "name": o["name"], "role": Role.OFFICER} for o in plan.officers]
    users, users_created = users_ensure(rows, password_hash=password_hash)

    officer_users = [users[o["username"]] for o in plan.officers]
    profiles = {p.user_id: p for p in Officer.objects.filter(user__in=officer_users).select_related("station")}
    taken_badges = set(Officer.objects.exclude(badge_number=None).values_list("badge_number", flat=True))
    new = []
    for spec, user in zip(plan.officers, officer_users):
        if user.pk in profiles or user.role != Role.OFFICER:
            continue
        badge = spec["badge_number"] if spec["badge_number"] not in taken_badges else None
        profile = Officer(user=user, station=stations[spec["township_code"]], badge_number=badge, phone=spec["phone"])
        new.append(profile)
        profiles[user.pk] = profile
    Officer.objects.bulk_create(new)
    officers = [profiles[u.pk] for u in officer_users if u.pk in profiles]
    return officers, users_created, len(new)


def _points_ensure(plan: GeographyPlan, townships, zones, stations, officers: list[Officer]) -> int:
    existing = set(LiaisonPoint.objects.filter(code__in=[p.code for p in plan.points]).values_list("code", flat=True))
    by_township: dict[int, list[Officer]] = {}
    for officer in officers:
        by_township.setdefault(officer.station.township_id if officer.station else None, []).append(officer)
    new = []
    for i, spec in enumerate(plan.points):
        if spec.code in existing:
            continue
        township = townships[spec.township_code]
        local = by_township.get(township.pk) or officers
        officer = local[i % len(local)] if local else None
        new.append(LiaisonPoint(
            code=spec.code, name=spec.name, kind=spec.kind, township=township,
            zone=zones[plan.township(spec.township_code).zone], station=stations[spec.township_code],
            responsible_officer=officer, address=spec.address, latitude=spec.latitude, longitude=spec.longitude,
            opened_on=spec.opened_on, active=True,
        ))
    bulk_create_with_history(new, LiaisonPoint, batch_size=500, default_change_reason=HISTORY_REASON)
    return len(new)


def seed_liaison_points(*, seed: int, scale: str, password_hash: Callable[[], str]) -> tuple[GeographyPlan, dict[str, int]]:
    """Townships, zones, a station per township, officers (plus the `admin` and `officer` demo
    accounts) and liaison points. Returns the plan and how many rows of each kind were created."""
    plan = geography_plan(seed=seed, scale=scale)
    townships, n_townships = _townships_ensure(plan)
    zones, n_zones = _zones_ensure(plan)
    stations, n_stations = _stations_ensure(plan, townships)
    officers, n_users, n_officers = _officers_ensure(plan, stations, password_hash)
    n_points = _points_ensure(plan, townships, zones, stations, officers)
    routing_invalidate()  # bulk_create sends no post_save: routing must see the new points and zones
    return plan, {
        "townships": n_townships, "zones": n_zones, "police stations": n_stations,
        "officer accounts": n_users, "officers": n_officers, "liaison points": n_points,
    }
