"""Joint assessment (捆绑考评) of units, and interviews after warnings (约谈提醒). Rules:

- **Unit score** (out of 100) = the average score of the unit's guard assessments of the quarter
  (100 when it has none), minus 5 per guard removed from the scheme during the quarter (at most 20),
  minus 10 when its quarterly training roster was not submitted within ROSTER_DUE_DAYS days of the
  quarter's first day (or not at all), minus ASSESSMENT_FAILED_INSPECTION_POINTS (5) per failed venue
  inspection of the unit in the quarter (at most ASSESSMENT_FAILED_INSPECTION_MAX, 20). Outcome: pass
  at ASSESSMENT_PASS_SCORE or more, else warning; a unit is never removed by the assessment.
- **Failed inspection**: a venue inspection naming the unit as responsible for the venue's security,
  dated within the quarter (first to last day, inclusive), that found a violation; it counts even
  when rectified later (the inspection failed; the rectification is the unit's follow-up).
  Inspections belong to patrol, which sits above assessments and is never imported here (imports run
  one way, tests/architecture/test_layers.py): patrol registers its count from its AppConfig.ready()
  with `register_unit_record_counter` (as apps above guards register guard-page panels), and without
  a registered counter every unit has none.
- **Interviews**: every unit with a warning and every guard whose assessment is a warning get one
  interview record (once per assessment, however often the run is repeated), open until an officer
  records the follow-up; the interview itself (date, who attended, what was agreed, follow-up due)
  is filled in by the officer."""
import datetime
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require_officer
from accounts.scoping import scope_for
from assessments.models import Assessment, Interview, UnitAssessment
from config.dates import parse_quarter
from config.exceptions import DomainError
from guards.models import Guard, SecurityCompany
from training.models import TrainingRoster

ROSTER_DUE_DAYS = 14
REMOVAL_PENALTY, REMOVAL_PENALTY_MAX, LATE_ROSTER_PENALTY = 5, 20, 10
FAILED_INSPECTIONS = "inspections_failed"

# A unit's record kept by an app above assessments: (first day, last day) → {unit id: count}.
UnitRecordCounter = Callable[[datetime.date, datetime.date], dict[int, int]]
_unit_record_counters: dict[str, UnitRecordCounter] = {}


def register_unit_record_counter(*, name: str, count: UnitRecordCounter) -> None:
    """Called from the AppConfig.ready() of an app above assessments (patrol: FAILED_INSPECTIONS)."""
    _unit_record_counters[name] = count


def _unit_record_counts(name: str, first: datetime.date, last: datetime.date) -> dict[int, int]:
    counter = _unit_record_counters.get(name)
    return counter(first, last) if counter else {}


def unit_score(*, guard_average, guards_assessed: int, removed: int, roster_on_time: bool,
               inspections_failed: int = 0) -> tuple[Decimal, dict]:
    base = Decimal(str(round(guard_average, 1))) if guards_assessed else Decimal("100")
    removal = min(REMOVAL_PENALTY * removed, REMOVAL_PENALTY_MAX)
    late = 0 if roster_on_time else LATE_ROSTER_PENALTY
    failed = min(settings.ASSESSMENT_FAILED_INSPECTION_POINTS * inspections_failed, settings.ASSESSMENT_FAILED_INSPECTION_MAX)
    score = max(Decimal("0"), min(Decimal("100"), base - removal - late - failed))
    parts = {"guard_average": float(base), "removals": -removal, "roster": -late, "inspections": -failed}
    return score.quantize(Decimal("0.1")), parts


@transaction.atomic
def unit_assessments_run(*, quarter: str, by=None) -> dict[str, int]:
    """Assess every active unit for `quarter` (recomputed on every run) and open the interviews its
    warnings call for. Six queries plus the writes."""
    require_officer(by)
    label, first, last = parse_quarter(quarter)
    units = list(SecurityCompany.objects.filter(active=True).order_by("name"))
    guards = {
        r["guard__company_id"]: r for r in Assessment.objects.filter(quarter=label)
        .values("guard__company_id").annotate(avg=Avg("score"), n=Count("id"), warned=Count("id", filter=Q(outcome="warning")))
    }
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min))
    removed = dict(
        Guard.history.filter(status=Guard.Status.REMOVED, history_date__gte=start, history_date__lt=end)
        .values("company_id").annotate(n=Count("id", distinct=True)).values_list("company_id", "n")
    )
    due = timezone.make_aware(datetime.datetime.combine(first + datetime.timedelta(days=ROSTER_DUE_DAYS), datetime.time.max))
    on_time = set(TrainingRoster.objects.filter(quarter=label, submitted_at__lte=due).values_list("company_id", flat=True))
    failed = _unit_record_counts(FAILED_INSPECTIONS, first, last)
    existing = {u.company_id: u for u in UnitAssessment.objects.filter(quarter=label)}
    counts = {"pass": 0, "warning": 0, "interviews": 0}
    for unit in units:
        g = guards.get(unit.pk, {"avg": None, "n": 0, "warned": 0})
        score, parts = unit_score(guard_average=g["avg"] or 0, guards_assessed=g["n"], removed=removed.get(unit.pk, 0),
                                  roster_on_time=unit.pk in on_time, inspections_failed=failed.get(unit.pk, 0))
        outcome = UnitAssessment.Outcome.PASS if score >= settings.ASSESSMENT_PASS_SCORE else UnitAssessment.Outcome.WARNING
        components = {"parts": parts, "facts": {"guards_assessed": g["n"], "guards_warned": g["warned"],
                                                "guards_removed": removed.get(unit.pk, 0), "roster_on_time": unit.pk in on_time,
                                                "inspections_failed": failed.get(unit.pk, 0)}}
        row = existing.get(unit.pk) or UnitAssessment(company=unit, quarter=label)
        row.score, row.components, row.outcome, row.responsible_leader = score, components, outcome, unit.responsible_leader
        row._history_user = by
        row.save()
        counts[outcome] += 1
        if outcome == UnitAssessment.Outcome.WARNING:
            _interview, made = Interview.objects.get_or_create(unit_assessment=row, defaults={
                "company": unit, "quarter": label,
                "reason": _("Unit assessment %(q)s: warning (score %(s)s).") % {"q": label, "s": score}})
            counts["interviews"] += made
    for a in Assessment.objects.filter(quarter=label, outcome=Assessment.Outcome.WARNING, interview__isnull=True).select_related("guard"):
        Interview.objects.create(assessment=a, guard=a.guard, company_id=a.guard.company_id, quarter=label,
                                 reason=_("Assessment %(q)s: warning (score %(s)s).") % {"q": label, "s": a.score})
        counts["interviews"] += 1
    return counts


@transaction.atomic
def interview_record(*, interview: Interview, held_on: datetime.date, attendees: str, agreed: str,
                     follow_up_due: datetime.date | None = None, by=None) -> Interview:
    """What happened at the interview: when, who attended, what was agreed, when to follow up."""
    require_officer(by)
    errors = {}
    if held_on and held_on > timezone.localdate():
        errors["held_on"] = [_("An interview cannot be recorded before it is held.")]
    if not (attendees or "").strip():
        errors["attendees"] = [_("Say who attended.")]
    if not (agreed or "").strip():
        errors["agreed"] = [_("Say what was agreed.")]
    if follow_up_due and held_on and follow_up_due < held_on:
        errors["follow_up_due"] = [_("The follow-up cannot be due before the interview.")]
    if errors:
        raise ValidationError(errors)
    locked = Interview.objects.select_for_update().get(pk=interview.pk)
    locked.held_on, locked.attendees, locked.agreed, locked.follow_up_due = held_on, attendees.strip(), agreed.strip(), follow_up_due
    locked._history_user = by
    locked.save()
    return locked


@transaction.atomic
def interview_follow_up(*, interview: Interview, note: str, on: datetime.date | None = None, by=None) -> Interview:
    """Close an interview with its follow-up, once (compare-and-set: a second time is a 409)."""
    require_officer(by)
    if not (note or "").strip():
        raise ValidationError({"note": [_("Say how it was followed up.")]})
    if not Interview.objects.filter(pk=interview.pk, held_on__isnull=False).exists():
        raise DomainError(_("Record the interview before its follow-up."), conflict=True)
    changed = Interview.objects.filter(pk=interview.pk, followed_up_on__isnull=True).update(
        followed_up_on=on or timezone.localdate(), followed_up_by=by, follow_up_note=note.strip()
    )
    if not changed:
        raise DomainError(_("This interview has already been followed up."), conflict=True)
    interview.refresh_from_db()
    return interview


def unit_assessment_list_visible_to(*, user) -> QuerySet[UnitAssessment]:
    """Officers: every unit; managers: their own unit's; guards: none."""
    scope = scope_for(user)
    qs = UnitAssessment.objects.select_related("company", "interview")
    return qs.none() if scope.is_guard else scope.apply(qs, company="company_id")


def interview_list_visible_to(*, user, open_only: bool = False) -> QuerySet[Interview]:
    """Officers: all; managers: their unit's and its guards'; guards: none."""
    scope = scope_for(user)
    qs = Interview.objects.select_related("company", "guard", "followed_up_by")
    if open_only:
        qs = qs.filter(followed_up_on__isnull=True)
    return qs.none() if scope.is_guard else scope.apply(qs, company="company_id")
