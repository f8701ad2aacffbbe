"""A patrol's life: planned → under way → done, or cancelled with a reason; a patrol never started
becomes missed (see `patrol.services.closing`). Each step is a locked compare-and-set, so a double
click or a retried request cannot apply a transition twice."""
import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from config.activity import ACTIVITY_FIELDS, activity_errors
from config.exceptions import DomainError
from patrol.models import CheckIn, Patrol, PositionState, PublicityTopic
from patrol.services.rollcall import attendance_credit
from patrol.services.rules import checkin_window, span, when


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


def patrol_may_run(*, patrol: Patrol, user) -> bool:
    """Who may start and finish `patrol`: the system (None) and officers, any patrol; a patrol led
    by a unit (no officer present, the Yanghe zone patrols) also its team leader, from the guard's
    own account, and the lead unit's managers. Nobody else: not the other guards of the team, not
    the lead unit's other guards, not the managers of the other units on the team. No query."""
    if user is None:
        return True
    scope = scope_for(user)
    if scope.is_officer:
        return True
    if patrol.lead_company_id is None or scope.company_id != patrol.lead_company_id:
        return False
    if scope.is_guard:
        return patrol.team_leader_id == scope.guard_id
    return scope.is_manager


def patrol_require_runner(*, patrol: Patrol, by) -> None:
    """Raise PermissionDenied (a 403) unless `by` may start and finish `patrol` (`patrol_may_run`)."""
    if not patrol_may_run(patrol=patrol, user=by):
        if patrol.lead_company_id is None:
            raise PermissionDenied(_("Only an officer may start or finish a patrol led by an officer."))
        raise PermissionDenied(_("Only an officer, the team leader or the lead unit's manager may start or finish this patrol."))


@transaction.atomic
def patrol_start(*, patrol: Patrol, by=None, at: datetime.datetime | None = None) -> Patrol:
    """Start a planned patrol, from its check-in window's opening until its planned end (a patrol
    not started by then is recorded as missed, not started late). `by` must pass
    `patrol_require_runner`: an officer, or for a unit-led patrol its team leader or unit manager."""
    patrol_require_runner(patrol=patrol, by=by)
    at = at or timezone.now()
    opens, closes = checkin_window(patrol)
    if at < opens:
        raise DomainError(_("This patrol can be started from %(opens)s (window %(window)s).") % {"opens": when(opens), "window": span(opens, closes)}, conflict=True)
    if at > patrol.planned_end:
        raise DomainError(
            _("This patrol was planned to end at %(end)s; it can no longer be started and will be recorded as missed.") % {"end": when(patrol.planned_end)},
            conflict=True,
        )
    return _transition(patrol, allowed_from=(Patrol.Status.PLANNED,), to=Patrol.Status.UNDER_WAY, by=by, actual_start=at)


@transaction.atomic
def patrol_finish(
    *, patrol: Patrol, by=None, at: datetime.datetime | None = None, publicity_topics: Iterable[str] = (),
    people_reached: int = 0, notes: str | None = None, suspects_caught: int = 0, fugitives_assisted: int = 0,
    residents_helped: int = 0, three_defences_guided: int = 0,
) -> Patrol:
    """End a patrol: members who never checked in are marked absent, those present or late earn
    their patrol points (a check-in flagged far or inaccurate earns them once an officer confirms it).
    The report records the publicity done and the activity counts (suspects caught, fugitives
    assisted, residents helped, "three defences" guidance), each a whole number from 0 to 999.

    A unit finishing its own patrol (`patrol_require_runner`) follows the same rules; what needs an
    officer's judgement stays with an officer: flagged check-ins still wait for an officer's
    confirmation, roll-call marks and missed-checkpoint reasons are officers' (checkin_mark,
    checkpoint_explain_miss), and the patrol's notes (officers' only) cannot be set by a unit."""
    patrol_require_runner(patrol=patrol, by=by)
    topics = list(dict.fromkeys(publicity_topics))
    activity = {
        "suspects_caught": suspects_caught, "fugitives_assisted": fugitives_assisted,
        "residents_helped": residents_helped, "three_defences_guided": three_defences_guided,
    }
    errors = activity_errors(activity)
    if unknown := [t for t in topics if t not in PublicityTopic.values]:
        errors["publicity_topics"] = [_("Unknown publicity topic(s): %(t)s.") % {"t": ", ".join(map(str, unknown))}]
    if people_reached is None or int(people_reached) < 0:
        errors["people_reached"] = [_("People reached cannot be negative.")]
    if people_reached and not topics:
        errors["publicity_topics"] = [_("Say which publicity was done for the people reached.")]
    at = at or timezone.now()
    if patrol.actual_start and at < patrol.actual_start:
        errors["actual_end"] = [_("The patrol cannot end before it started.")]
    if notes is not None and not patrol_may_write_notes(by):
        errors["notes"] = [_("Only an officer may write the patrol's notes.")]
    if errors:
        raise ValidationError(errors)
    changes = {"actual_end": at, "publicity_topics": topics, "people_reached": int(people_reached)}
    changes.update({name: activity[name] for name in ACTIVITY_FIELDS})
    if notes is not None:
        changes["notes"] = notes
    changes["overdue_flagged_at"] = None
    patrol = _transition(patrol, allowed_from=(Patrol.Status.UNDER_WAY,), to=Patrol.Status.DONE, by=by, **changes)
    checked = set(patrol.check_ins.values_list("guard_id", flat=True))
    CheckIn.objects.bulk_create(
        CheckIn(patrol=patrol, guard_id=guard_id, company_id=company_id, at=at, status=CheckIn.Status.ABSENT, source=CheckIn.Source.AUTO)
        for guard_id, company_id in patrol.members.exclude(guard_id__in=checked).values_list("guard_id", "guard__company_id")
    )
    flagged = (PositionState.FAR, PositionState.INACCURATE)
    for guard_id, status, source, state in patrol.check_ins.values_list("guard_id", "status", "source", "position_state"):
        pending = source == CheckIn.Source.GUARD and state in flagged
        attendance_credit(patrol=patrol, guard_id=guard_id, status=status, pending=pending)
    return patrol


def patrol_may_write_notes(user) -> bool:
    """The patrol's notes are officers' (the page shows them to officers only)."""
    return user is None or scope_for(user).is_officer


@transaction.atomic
def patrol_cancel(*, patrol: Patrol, reason: str, by=None) -> Patrol:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give a reason for cancelling the patrol.")]})
    return _transition(
        patrol, allowed_from=(Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY), to=Patrol.Status.CANCELLED, by=by, cancel_reason=reason[:200]
    )
