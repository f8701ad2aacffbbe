"""One patrol's page: team and roll-call, checkpoints, history, and the officer's transitions
(start, finish, cancel), marks and missed-checkpoint reasons. A lead unit's manager starts and
finishes the unit's own patrols here too (patrol.services.lifecycle.patrol_may_run)."""
import datetime

from django.contrib import messages
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from accounts.scoping import scope_for
from config.activity import ACTIVITY_FIELDS, ACTIVITY_LABELS
from config.dates import iso_week_label, week_start
from config.forms import attempt
from patrol import services
from patrol.forms import CancelForm, FinishForm, MissedReasonForm
from patrol.models import CheckIn, Patrol, PublicityTopic
from patrol.selectors import patrol_checkpoints_visible_to, patrol_history_list, patrol_roll_call, patrol_roll_call_events
from patrol.services.lifecycle import patrol_may_run, patrol_require_runner
from patrol.services.rules import position_note
from patrol.views.common import back_to_patrol, visible_patrol

HISTORY_LIMIT = 30

_HISTORY_FIELDS = (
    "status", "planned_start", "planned_end", "actual_start", "actual_end", "kind", "cancel_reason",
    "publicity_topics", "people_reached", *ACTIVITY_FIELDS, "notes", "leader", "lead_company", "team_leader",
)
_HISTORY_TYPES = {"+": gettext_lazy("Planned"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}


def _history_rows(patrol: Patrol) -> list[dict]:
    """Latest changes of the patrol, newest first, with the fields that changed. One query."""
    records = patrol_history_list(patrol=patrol, limit=HISTORY_LIMIT)
    statuses = dict(Patrol.Status.choices)
    topics = dict(PublicityTopic.choices)

    def show(name, value):
        if value in (None, "", []):
            return "—"
        if name == "status":
            return statuses.get(value, value)
        if name == "publicity_topics":
            return ", ".join(str(topics.get(t, t)) for t in value)
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return value

    rows = []
    for newer, older in zip(records, records[1:] + [None]):
        changes = []
        for name in _HISTORY_FIELDS:
            field = Patrol._meta.get_field(name)
            new = getattr(newer, field.attname)
            old = getattr(older, field.attname) if older is not None else None
            if older is not None and new == old:
                continue
            if older is None and name not in ("status", "planned_start", "planned_end"):
                continue
            changes.append({"label": field.verbose_name, "old": show(name, old), "new": show(name, new)})
        rows.append({
            "type": _HISTORY_TYPES.get(newer.history_type, newer.history_type), "when": newer.history_date,
            "who": newer.history_user, "changes": changes, "initial": older is None,
        })
    return rows[:HISTORY_LIMIT]


def _markers(patrol: Patrol, checkpoints) -> list[dict]:
    point = patrol.liaison_point
    markers = [{"lat": float(point.latitude), "lng": float(point.longitude), "label": point.name, "kind": "point"}]
    for row in checkpoints:
        state = "visited" if row.counts else ("missed" if row.missed_reason else "planned")
        markers.append({"lat": float(row.checkpoint.latitude), "lng": float(row.checkpoint.longitude), "label": row.checkpoint.name, "kind": state})
    return markers


def _render_detail(request, patrol: Patrol, *, finish_form=None, cancel_form=None, missed_form=None, status=200):
    officer = scope_for(request.user).is_officer
    roll_call = patrol_roll_call(patrol=patrol, user=request.user)
    for row in roll_call:
        check_in = row["check_in"]
        row["note"] = position_note(check_in.position_state, check_in.distance, check_in.accuracy) if check_in else ""
    checkpoints = patrol_checkpoints_visible_to(patrol=patrol, user=request.user)
    runner = patrol_may_run(patrol=patrol, user=request.user)
    editable = officer and patrol.status in (Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY)
    topics = dict(PublicityTopic.choices)
    context = {
        "patrol": patrol,
        "roll_call": roll_call,
        "checkpoints": checkpoints,
        "visited_count": sum(1 for c in checkpoints if c.counts),
        "history": _history_rows(patrol) if officer else None,
        "is_officer": officer,
        # Officers, and for a unit-led patrol the lead unit's manager (patrol_may_run).
        "can_start": runner and patrol.status == Patrol.Status.PLANNED,
        "can_finish": runner and patrol.status == Patrol.Status.UNDER_WAY,
        "can_cancel": editable,
        "can_mark": officer and patrol.status not in (Patrol.Status.CANCELLED, Patrol.Status.MISSED)
        and services.rollcall_window(patrol)[0] <= timezone.now() <= services.rollcall_window(patrol)[1],
        "rollcall_window": services.rollcall_window(patrol),
        "roll_call_log": patrol_roll_call_events(patrol=patrol, user=request.user),
        "can_explain": officer and patrol.status != Patrol.Status.CANCELLED,
        "finish_form": finish_form or FinishForm(initial={"notes": patrol.notes} if officer else {}),
        "cancel_form": cancel_form or CancelForm(),
        "missed_form": missed_form,
        "checkin_statuses": CheckIn.Status.choices,
        "publicity": [topics.get(t, t) for t in patrol.publicity_topics or []],
        "activity": [(ACTIVITY_LABELS[name], getattr(patrol, name)) for name in ACTIVITY_FIELDS],
        "map_area": patrol.area,
        "map_markers": _markers(patrol, checkpoints),
        "window": services.checkin_window(patrol),
        "week": iso_week_label(week_start(timezone.localtime(patrol.planned_start).date())),
    }
    return render(request, "patrol/detail.html", context, status=status)


@role_required("officer", "manager")
def patrol_detail(request, pk):
    return _render_detail(request, visible_patrol(request, pk))


def _runnable_patrol(request, pk) -> Patrol:
    """The patrol for a start or finish: 404 outside the user's scope, 403 when the user may see it
    but not run it (an officer-led patrol for a manager, another unit's patrol)."""
    patrol = visible_patrol(request, pk)
    patrol_require_runner(patrol=patrol, by=request.user)
    return patrol


def _form_action(request, pk, form_class, *, form_name: str, action, success: str, anchor: str = "", fetch=visible_patrol):
    """POST of one of the page's forms. `action(patrol, cleaned_data)` calls the service through
    `attempt`: done, or refused with a message (a wrong state), goes back to the page; input the
    form or the service rejects shows the page again with the form's errors (400)."""
    patrol = fetch(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        ok, _result = attempt(request, lambda: action(patrol, form.cleaned_data), form=form)
        if ok:
            messages.success(request, success)
        if ok or not form.errors:
            return back_to_patrol(patrol, anchor)
    return _render_detail(request, patrol, status=400, **{form_name: form})


@require_POST
@role_required("officer", "manager")
def patrol_start(request, pk):
    patrol = _runnable_patrol(request, pk)
    ok, _patrol = attempt(request, lambda: services.patrol_start(patrol=patrol, by=request.user))
    if ok:
        messages.success(request, _("The patrol is under way."))
    return back_to_patrol(patrol)


@require_POST
@role_required("officer", "manager")
def patrol_finish(request, pk):
    # A lead unit's manager finishes without the notes field (officers' only): notes stay as they are.
    officer = scope_for(request.user).is_officer
    return _form_action(
        request, pk, FinishForm, form_name="finish_form", fetch=_runnable_patrol,
        action=lambda patrol, data: services.patrol_finish(
            patrol=patrol, by=request.user, publicity_topics=data["publicity_topics"],
            people_reached=data["people_reached"], notes=data["notes"] if officer else None,
            **{name: data[name] for name in ACTIVITY_FIELDS},
        ),
        success=_("The patrol is done; members who never checked in were marked absent."),
    )


@require_POST
@role_required("officer")
def patrol_cancel(request, pk):
    return _form_action(
        request, pk, CancelForm, form_name="cancel_form",
        action=lambda patrol, data: services.patrol_cancel(patrol=patrol, reason=data["reason"], by=request.user),
        success=_("The patrol was cancelled."),
    )


@require_POST
@role_required("officer")
def patrol_explain_miss(request, pk):
    return _form_action(
        request, pk, MissedReasonForm, form_name="missed_form", anchor="#checkpoints",
        action=lambda patrol, data: services.checkpoint_explain_miss(
            patrol=patrol, checkpoint_id=data["checkpoint"], reason=data["reason"], by=request.user
        ),
        success=_("Reason recorded."),
    )


@require_POST
@role_required("officer")
def patrol_mark(request, pk):
    patrol = visible_patrol(request, pk)
    guard_id = request.POST.get("guard", "")
    if not guard_id.isdigit():
        messages.error(request, _("Choose a team member."))
        return back_to_patrol(patrol, "#roll-call")
    reason = request.POST.get("reason", "")
    ok, check_in = attempt(
        request,
        lambda: services.checkin_mark(patrol=patrol, guard_id=int(guard_id), status=request.POST.get("status", ""), reason=reason, by=request.user),
    )
    if ok:
        messages.success(request, _("%(guard)s marked %(status)s.") % {"guard": check_in.guard.name, "status": check_in.get_status_display()})
    return back_to_patrol(patrol, "#roll-call")
