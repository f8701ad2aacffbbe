"""Every write with a rule in the patrol app. State changes are compare-and-set updates, so a double
click or a retried request cannot apply a transition twice."""
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import DomainError
from guards.models import Guard, PointRule, SecurityCompany
from guards.selectors import guard_deployability
from guards.services import points_award, points_revoke
from liaison_points.geo import parse_geojson_geometry
from liaison_points.models import LiaisonPoint, Officer, Zone
from patrol.models import (
    CheckIn,
    Checkpoint,
    Patrol,
    PatrolCheckpoint,
    PatrolMember,
    PublicityTopic,
    RecurringPlan,
    VenueInspection,
)

AREA_TYPES = ("Polygon", "MultiPolygon", "LineString", "MultiLineString")
_CHECKPOINT_SALT = "patrol.checkpoint"
_ATTENDED = (CheckIn.Status.PRESENT, CheckIn.Status.LATE)


def _clean_area(area, errors: dict) -> dict | None:
    try:
        value, _geom = parse_geojson_geometry(area, allowed=AREA_TYPES)
        return value
    except ValidationError as exc:
        errors["area"] = exc.messages
        return None


def _team_errors(guards: list[Guard], wanted_ids: set[int], day: datetime.date) -> list[str]:
    problems = []
    missing = wanted_ids - {g.pk for g in guards}
    if missing:
        problems.append(_("Unknown guard id(s): %(ids)s.") % {"ids": ", ".join(map(str, sorted(missing)))})
    for g in guards:
        verdict = guard_deployability(guard=g, on=day)
        if not verdict.ok:
            problems.append(_("%(name)s cannot go on duty: %(reason)s.") % {"name": g.name, "reason": verdict.reason})
    return problems


def _load_team(guard_ids: Iterable[int]) -> tuple[list[Guard], set[int]]:
    wanted = {int(i) for i in guard_ids}
    return list(Guard.objects.filter(pk__in=wanted)), wanted


@transaction.atomic
def patrol_plan(
    *,
    liaison_point: LiaisonPoint,
    leader: Officer,
    planned_start: datetime.datetime,
    planned_end: datetime.datetime,
    kind: str = "foot",
    area=None,
    guard_ids: Iterable[int] = (),
    lead_guard_ids: Iterable[int] = (),
    checkpoint_ids: Iterable[int] = (),
    notes: str = "",
    by=None,
) -> Patrol:
    """Plan a patrol with its team and checkpoints. Raises ValidationError with field errors
    (`planned_end`, `area`, `guards`, `checkpoints`, `liaison_point`); nothing is saved then."""
    errors: dict[str, list[str]] = {}
    if not liaison_point.active:
        errors["liaison_point"] = [_("This liaison point is closed.")]
    if planned_start and planned_end and planned_end <= planned_start:
        errors["planned_end"] = [_("The planned end must be after the planned start.")]
    area = _clean_area(area, errors)
    lead_ids = {int(i) for i in lead_guard_ids}
    guards, wanted = _load_team([*guard_ids, *lead_ids])
    day = timezone.localtime(planned_start).date() if planned_start else timezone.localdate()
    if problems := _team_errors(guards, wanted, day):
        errors["guards"] = problems
    checkpoint_ids = {int(i) for i in checkpoint_ids}
    checkpoints = list(Checkpoint.objects.filter(pk__in=checkpoint_ids, liaison_point=liaison_point, active=True))
    if len(checkpoints) != len(checkpoint_ids):
        errors["checkpoints"] = [_("Checkpoints must be active places of this liaison point.")]
    patrol = Patrol(
        liaison_point=liaison_point, leader=leader, planned_start=planned_start, planned_end=planned_end,
        kind=kind, area=area, notes=notes, created_by=by,
    )
    try:
        patrol.full_clean(exclude=["area"] + list(errors))
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    patrol._history_user = by
    patrol.save()
    PatrolMember.objects.bulk_create(
        PatrolMember(patrol=patrol, guard=g, role=PatrolMember.Role.LEAD_UNIT if g.pk in lead_ids else PatrolMember.Role.MEMBER)
        for g in guards
    )
    PatrolCheckpoint.objects.bulk_create(PatrolCheckpoint(patrol=patrol, checkpoint=c) for c in checkpoints)
    return patrol


@transaction.atomic
def patrol_set_team(*, patrol: Patrol, guard_ids: Iterable[int], lead_guard_ids: Iterable[int] = (), by=None) -> Patrol:
    """Replace the team of a patrol that has not started."""
    if Patrol.objects.select_for_update().filter(pk=patrol.pk).values_list("status", flat=True).first() != Patrol.Status.PLANNED:
        raise DomainError(_("The team can only be changed before the patrol starts."), conflict=True)
    lead_ids = {int(i) for i in lead_guard_ids}
    guards, wanted = _load_team([*guard_ids, *lead_ids])
    if problems := _team_errors(guards, wanted, timezone.localtime(patrol.planned_start).date()):
        raise ValidationError({"guards": problems})
    patrol.members.all().delete()
    PatrolMember.objects.bulk_create(
        PatrolMember(patrol=patrol, guard=g, role=PatrolMember.Role.LEAD_UNIT if g.pk in lead_ids else PatrolMember.Role.MEMBER)
        for g in guards
    )
    return patrol


def _transition(patrol: Patrol, *, allowed_from: tuple[str, ...], to: str, by, **changes) -> Patrol:
    """Move `patrol` to `to` if it is still in one of `allowed_from`. The row is locked first, so of
    two concurrent requests (a double click, a retry) only one applies; the other gets a 409."""
    locked = Patrol.objects.select_for_update().get(pk=patrol.pk)
    if locked.status not in allowed_from:
        raise DomainError(
            _("This patrol is %(status)s; it cannot become %(target)s.")
            % {"status": locked.get_status_display(), "target": dict(Patrol.Status.choices)[to]},
            conflict=True,
        )
    locked.status = to
    for name, value in changes.items():
        setattr(locked, name, value)
    locked._history_user = by
    locked.save()
    patrol.refresh_from_db()
    return patrol


@transaction.atomic
def patrol_start(*, patrol: Patrol, by=None, at: datetime.datetime | None = None) -> Patrol:
    return _transition(patrol, allowed_from=(Patrol.Status.PLANNED,), to=Patrol.Status.UNDER_WAY, by=by, actual_start=at or timezone.now())


@transaction.atomic
def patrol_finish(
    *, patrol: Patrol, by=None, at: datetime.datetime | None = None, publicity_topics: Iterable[str] = (),
    people_reached: int = 0, notes: str | None = None,
) -> Patrol:
    """End a patrol: members who never checked in are marked absent, those present or late earn
    their patrol points."""
    topics = list(dict.fromkeys(publicity_topics))
    errors = {}
    if unknown := [t for t in topics if t not in PublicityTopic.values]:
        errors["publicity_topics"] = [_("Unknown publicity topic(s): %(t)s.") % {"t": ", ".join(map(str, unknown))}]
    if people_reached is None or int(people_reached) < 0:
        errors["people_reached"] = [_("People reached cannot be negative.")]
    if people_reached and not topics:
        errors["publicity_topics"] = [_("Say which publicity was done for the people reached.")]
    at = at or timezone.now()
    if patrol.actual_start and at < patrol.actual_start:
        errors["actual_end"] = [_("The patrol cannot end before it started.")]
    if errors:
        raise ValidationError(errors)
    changes = {"actual_end": at, "publicity_topics": topics, "people_reached": int(people_reached)}
    if notes is not None:
        changes["notes"] = notes
    patrol = _transition(patrol, allowed_from=(Patrol.Status.UNDER_WAY,), to=Patrol.Status.DONE, by=by, **changes)
    checked = set(patrol.check_ins.values_list("guard_id", flat=True))
    CheckIn.objects.bulk_create(
        CheckIn(patrol=patrol, guard_id=guard_id, at=at, status=CheckIn.Status.ABSENT, source=CheckIn.Source.AUTO)
        for guard_id in patrol.members.exclude(guard_id__in=checked).values_list("guard_id", flat=True)
    )
    for guard_id, status in patrol.check_ins.values_list("guard_id", "status"):
        _credit_attendance(patrol, guard_id, status)
    return patrol


def _credit_attendance(patrol: Patrol, guard_id: int, status: str) -> None:
    """Keep the ledger in step with the roll-call of a done patrol: attended earns patrol points,
    absent records an absence (which assessments count); a correction swaps one for the other."""
    day = timezone.localtime(patrol.actual_start or patrol.planned_start).date()
    attended = status in _ATTENDED
    keep, drop = (PointRule.Kind.PATROL_ATTENDED, PointRule.Kind.PATROL_ABSENT) if attended else (PointRule.Kind.PATROL_ABSENT, PointRule.Kind.PATROL_ATTENDED)
    points_revoke(guard_id=guard_id, kind=drop, source=patrol)
    points_award(guard_id=guard_id, kind=keep, source=patrol, occurred_on=day, reason=str(patrol))


@transaction.atomic
def patrol_cancel(*, patrol: Patrol, reason: str, by=None) -> Patrol:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give a reason for cancelling the patrol.")]})
    return _transition(
        patrol, allowed_from=(Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY), to=Patrol.Status.CANCELLED, by=by, cancel_reason=reason[:200]
    )


def _position(latitude, longitude) -> tuple:
    if (latitude is None) != (longitude is None):
        raise ValidationError({"latitude": [_("Send both latitude and longitude, or neither.")]})
    if latitude is None:
        return None, None
    errors = {}
    try:
        lat = float(latitude)
        if not -90 <= lat <= 90:
            raise ValueError
    except (TypeError, ValueError):
        errors["latitude"] = [_("Latitude must be a number between -90 and 90.")]
    try:
        lng = float(longitude)
        if not -180 <= lng <= 180:
            raise ValueError
    except (TypeError, ValueError):
        errors["longitude"] = [_("Longitude must be a number between -180 and 180.")]
    if errors:
        raise ValidationError(errors)
    return round(lat, 6), round(lng, 6)


def checkin_window(patrol: Patrol) -> tuple[datetime.datetime, datetime.datetime]:
    opens = patrol.planned_start - datetime.timedelta(minutes=settings.PATROL_CHECKIN_EARLY_MINUTES)
    return opens, max(patrol.planned_end, patrol.actual_end or patrol.planned_end)


@transaction.atomic
def checkin_record(*, patrol: Patrol, guard: Guard, at: datetime.datetime | None = None, latitude=None, longitude=None) -> CheckIn:
    """A guard checks in from the phone. Only team members, only while the patrol is planned or under
    way and within its window. Checking in twice keeps the first check-in."""
    at = at or timezone.now()
    lat, lng = _position(latitude, longitude)
    if patrol.status not in (Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY):
        raise DomainError(_("This patrol is %(status)s; check-in is closed.") % {"status": patrol.get_status_display()}, conflict=True)
    if not PatrolMember.objects.filter(patrol=patrol, guard=guard).exists():
        raise DomainError(_("You are not on this patrol's team."), field="guard")
    opens, closes = checkin_window(patrol)
    if at < opens:
        raise DomainError(_("Check-in opens at %(t)s.") % {"t": timezone.localtime(opens).strftime("%H:%M")}, field="at")
    if at > closes:
        raise DomainError(_("Check-in closed at %(t)s.") % {"t": timezone.localtime(closes).strftime("%H:%M")}, field="at")
    late_after = patrol.planned_start + datetime.timedelta(minutes=settings.PATROL_LATE_AFTER_MINUTES)
    check_in, _created = CheckIn.objects.get_or_create(
        patrol=patrol, guard=guard,
        defaults={
            "at": at, "latitude": lat, "longitude": lng, "source": CheckIn.Source.GUARD,
            "status": CheckIn.Status.PRESENT if at <= late_after else CheckIn.Status.LATE,
        },
    )
    return check_in


@transaction.atomic
def checkin_mark(*, patrol: Patrol, guard_id: int, status: str, by=None) -> CheckIn:
    """The leading officer marks a team member present, late or absent (also after the patrol,
    to correct the roll-call; points follow the correction)."""
    if status not in CheckIn.Status.values:
        raise ValidationError({"status": [_("Choose present, late or absent.")]})
    if patrol.status == Patrol.Status.CANCELLED:
        raise DomainError(_("This patrol was cancelled; there is no roll-call."), conflict=True)
    if not PatrolMember.objects.filter(patrol=patrol, guard_id=guard_id).exists():
        raise DomainError(_("This guard is not on the patrol's team."), field="guard")
    check_in, _created = CheckIn.objects.update_or_create(
        patrol=patrol, guard_id=guard_id,
        defaults={"status": status, "source": CheckIn.Source.OFFICER, "marked_by": by},
        create_defaults={"status": status, "source": CheckIn.Source.OFFICER, "marked_by": by, "at": timezone.now()},
    )
    if patrol.status == Patrol.Status.DONE:
        _credit_attendance(patrol, guard_id, status)
    return check_in


# Checkpoints -----------------------------------------------------------------------------------

_CHECKPOINT_FIELDS = ("liaison_point", "name", "latitude", "longitude", "active")


@transaction.atomic
def checkpoint_save(*, checkpoint: Checkpoint | None = None, **fields) -> Checkpoint:
    """Add or change a checkpoint. New checkpoints go only on active liaison points. Raises
    ValidationError with field errors (a name repeated at the same point included)."""
    if unknown := set(fields) - set(_CHECKPOINT_FIELDS):
        raise TypeError(f"unknown checkpoint fields: {sorted(unknown)}")
    checkpoint = checkpoint or Checkpoint()
    for name, value in fields.items():
        setattr(checkpoint, name, value)
    checkpoint.full_clean()
    if checkpoint.pk is None and not checkpoint.liaison_point.active:
        raise ValidationError({"liaison_point": [_("This liaison point is closed.")]})
    checkpoint.save()
    return checkpoint


def checkpoint_signed_code(checkpoint: Checkpoint) -> str:
    """What the QR code's link carries: the checkpoint's random token, signed with SECRET_KEY."""
    return signing.Signer(salt=_CHECKPOINT_SALT).sign(checkpoint.token)


def checkpoint_from_code(code: str) -> Checkpoint:
    try:
        token = signing.Signer(salt=_CHECKPOINT_SALT).unsign(code)
    except signing.BadSignature:
        raise DomainError(_("This QR code is not one of ours."), field="code") from None
    checkpoint = Checkpoint.objects.filter(token=token, active=True).select_related("liaison_point").first()
    if checkpoint is None:
        raise DomainError(_("This checkpoint is no longer in use."), field="code")
    return checkpoint


@transaction.atomic
def checkpoint_visit(*, code: str, guard: Guard, at: datetime.datetime | None = None, latitude=None, longitude=None) -> PatrolCheckpoint:
    """A team member scans a checkpoint's QR code during a patrol under way that includes it."""
    at = at or timezone.now()
    lat, lng = _position(latitude, longitude)
    checkpoint = checkpoint_from_code(code)
    planned = (
        PatrolCheckpoint.objects.select_for_update()
        .filter(
            checkpoint=checkpoint, patrol__status=Patrol.Status.UNDER_WAY, patrol__members__guard=guard,
        )
        .order_by("-patrol__planned_start")
        .first()
    )
    if planned is None:
        raise DomainError(_("You have no patrol under way that includes %(name)s.") % {"name": checkpoint.name}, field="code")
    if planned.visited_at is None:
        planned.visited_at, planned.visited_by, planned.latitude, planned.longitude = at, guard, lat, lng
        planned.missed_reason = ""
        planned.save(update_fields=["visited_at", "visited_by", "latitude", "longitude", "missed_reason"])
    return planned


@transaction.atomic
def checkpoint_explain_miss(*, patrol: Patrol, checkpoint_id: int, reason: str, by=None) -> PatrolCheckpoint:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the checkpoint was missed.")]})
    planned = PatrolCheckpoint.objects.filter(patrol=patrol, checkpoint_id=checkpoint_id).first()
    if planned is None:
        raise DomainError(_("This checkpoint is not planned for this patrol."), field="checkpoint")
    if planned.visited_at is not None:
        raise DomainError(_("This checkpoint was visited; nothing to explain."), conflict=True)
    planned.missed_reason = reason[:200]
    planned.save(update_fields=["missed_reason"])
    return planned


# Recurring plans -------------------------------------------------------------------------------

def _clean_weekdays(weekdays) -> list[int]:
    try:
        days = sorted({int(d) for d in weekdays})
    except (TypeError, ValueError):
        days = []
    if not days or any(d < 0 or d > 6 for d in days):
        raise ValidationError({"weekdays": [_("Choose at least one weekday (0 = Monday … 6 = Sunday).")]})
    return days


@transaction.atomic
def plan_create(
    *, liaison_point: LiaisonPoint, leader: Officer, weekdays, start_time: datetime.time, end_time: datetime.time,
    starts_on: datetime.date, ends_on: datetime.date | None = None, kind: str = "foot", area=None,
    guard_ids: Iterable[int] = (), checkpoint_ids: Iterable[int] = (), by=None,
) -> RecurringPlan:
    errors: dict[str, list[str]] = {}
    try:
        weekdays = _clean_weekdays(weekdays)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if start_time == end_time:
        errors["end_time"] = [_("The end time must differ from the start time.")]
    if ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The plan cannot end before it starts.")]
    area = _clean_area(area, errors)
    guards, wanted = _load_team(guard_ids)
    if missing := wanted - {g.pk for g in guards}:
        errors["guards"] = [_("Unknown guard id(s): %(ids)s.") % {"ids": ", ".join(map(str, sorted(missing)))}]
    checkpoints = list(Checkpoint.objects.filter(pk__in=set(checkpoint_ids), liaison_point=liaison_point, active=True))
    if len(checkpoints) != len(set(checkpoint_ids)):
        errors["checkpoints"] = [_("Checkpoints must be active places of this liaison point.")]
    if errors:
        raise ValidationError(errors)
    plan = RecurringPlan(
        liaison_point=liaison_point, leader=leader, weekdays=weekdays, start_time=start_time, end_time=end_time,
        starts_on=starts_on, ends_on=ends_on, kind=kind, area=area, created_by=by,
    )
    plan.full_clean()
    plan.save()
    plan.members.set(guards)
    plan.checkpoints.set(checkpoints)
    return plan


@dataclass
class Generated:
    created: list[Patrol] = field(default_factory=list)
    skipped_guards: list[tuple[datetime.date, str, str]] = field(default_factory=list)  # (day, guard, reason)


@transaction.atomic
def plan_generate(*, plan: RecurringPlan, weeks: int = 4, today: datetime.date | None = None) -> Generated:
    """Create the plan's patrols for the coming `weeks`. Slots that already have a patrol are left
    alone (also enforced by a unique constraint), so running it twice creates nothing new. Guards
    who are not deployable on a day are left off that day's team and reported."""
    result = Generated()
    if not plan.active or not plan.liaison_point.active:
        return result
    today = today or timezone.localdate()
    first = max(today, plan.starts_on)
    last = first + datetime.timedelta(days=7 * weeks - 1)
    if plan.ends_on:
        last = min(last, plan.ends_on)
    slots = []
    day = first
    while day <= last:
        if day.weekday() in plan.weekdays:
            start = timezone.make_aware(datetime.datetime.combine(day, plan.start_time))
            end_day = day + datetime.timedelta(days=1) if plan.end_time <= plan.start_time else day
            slots.append((start, timezone.make_aware(datetime.datetime.combine(end_day, plan.end_time))))
        day += datetime.timedelta(days=1)
    if not slots:
        return result
    taken = set(plan.patrols.filter(planned_start__in=[s for s, _e in slots]).values_list("planned_start", flat=True))
    new = [
        Patrol(
            liaison_point_id=plan.liaison_point_id, leader_id=plan.leader_id, kind=plan.kind, area=plan.area,
            planned_start=start, planned_end=end, plan=plan, created_by=plan.created_by,
        )
        for start, end in slots
        if start not in taken
    ]
    if not new:
        return result
    Patrol.objects.bulk_create(new)
    if any(p.pk is None for p in new):  # a backend that cannot return ids from bulk inserts
        new = list(plan.patrols.filter(planned_start__in=[p.planned_start for p in new]))
    guards = list(plan.members.all())
    checkpoint_ids = list(plan.checkpoints.values_list("id", flat=True))
    members, visits = [], []
    for patrol in new:
        day = timezone.localtime(patrol.planned_start).date()
        for g in guards:
            verdict = guard_deployability(guard=g, on=day)
            if verdict.ok:
                members.append(PatrolMember(patrol=patrol, guard=g))
            else:
                result.skipped_guards.append((day, g.name, verdict.reason))
        visits.extend(PatrolCheckpoint(patrol=patrol, checkpoint_id=c) for c in checkpoint_ids)
    PatrolMember.objects.bulk_create(members)
    PatrolCheckpoint.objects.bulk_create(visits)
    result.created = new
    return result


# Zone patrols (the Yanghe pattern) -------------------------------------------------------------

@dataclass
class ZoneProposal:
    lead: list[Guard]
    others: list[Guard]
    companies_without_guard: list[SecurityCompany]

    @property
    def guards(self) -> list[Guard]:
        return [*self.lead, *self.others]


def zone_patrol_propose(
    *, zone: Zone, lead_company: SecurityCompany, on: datetime.date, lead_count: int = 2, fairness_days: int = 30
) -> ZoneProposal:
    """Propose a zone patrol team: `lead_count` guards of the lead unit plus one guard from every
    other company with guards attached to the zone's points. Within a company the deployable guard
    who patrolled least over the last `fairness_days` goes first, so duty rotates. Two queries."""
    since = timezone.make_aware(datetime.datetime.combine(on - datetime.timedelta(days=fairness_days), datetime.time.min))
    candidates = (
        Guard.objects.filter(liaison_point__zone=zone, liaison_point__active=True).exclude(status=Guard.Status.REMOVED)
        .select_related("company")
        .annotate(recent=Count("patrol_memberships", filter=Q(patrol_memberships__patrol__planned_start__gte=since)))
        .order_by("company__name", "recent", "name", "id")
    )
    by_company: dict[int, list[Guard]] = {}
    companies: dict[int, SecurityCompany] = {}
    for g in candidates:
        if guard_deployability(guard=g, on=on).ok:
            by_company.setdefault(g.company_id, []).append(g)
        companies.setdefault(g.company_id, g.company)
    lead = by_company.get(lead_company.pk, [])[:lead_count]
    others = [gs[0] for cid, gs in by_company.items() if cid != lead_company.pk and gs]
    without = [c for cid, c in companies.items() if cid != lead_company.pk and not by_company.get(cid)]
    return ZoneProposal(lead=lead, others=others, companies_without_guard=without)


# Venue inspections -----------------------------------------------------------------------------

_INSPECTION_FIELDS = (
    "venue", "trade", "township", "liaison_point", "address", "inspected_on", "violation_found",
    "violation_kind", "rectification_due", "rectified_on", "notes",
)


@transaction.atomic
def inspection_save(*, inspection: VenueInspection | None = None, inspector_ids: Iterable[int] | None = None, by=None, **fields) -> VenueInspection:
    """Record or update a venue inspection. Raises ValidationError with field errors."""
    unknown = set(fields) - set(_INSPECTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown inspection fields: {sorted(unknown)}")
    inspection = inspection or VenueInspection(created_by=by)
    for name, value in fields.items():
        setattr(inspection, name, value)
    if not inspection.violation_found:
        inspection.violation_kind = inspection.violation_kind or ""
    errors = {}
    try:
        inspection.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
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


@transaction.atomic
def patrols_drop_guard(*, guard_id: int) -> int:
    """A removed guard leaves every patrol not yet started and every recurring plan."""
    removed, _ = PatrolMember.objects.filter(guard_id=guard_id, patrol__status=Patrol.Status.PLANNED).delete()
    RecurringPlan.members.through.objects.filter(guard_id=guard_id).delete()
    return removed
