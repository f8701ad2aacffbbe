"""The guard's phone pages: my patrols (today's with check-in, the coming week's and the latest
past ones with my own status; the team leader of a unit-led patrol starts and finishes it there),
and a checkpoint's scan page (the link its QR code carries). The
phone's position is optional and travels in PositionForm; what the phone then says names the
patrol and checkpoint and any flag (`patrol.services.rules`)."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from config.activity import ACTIVITY_FIELDS
from config.exceptions import DomainError
from config.forms import attempt
from config.offline import FIELD as RECORDED_AT
from config.offline import arrived_late_at, from_outbox, outbox_answer, recorded_at_parse
from patrol import services
from patrol.forms import FinishForm, PositionForm
from patrol.models import Patrol
from patrol.selectors import guard_patrols_on, guard_patrols_past, guard_patrols_upcoming, patrol_get_visible_to
from patrol.services.lifecycle import patrol_may_run, patrol_require_runner
from patrol.services.rules import checkin_message, position_note, visit_message
from patrol.views.common import geo_labels, int_or_none


def _when(request) -> dict:
    """The time the phone recorded (an offline check-in or scan sent later) and, when it arrived
    late, its arrival: the `at` and `received_at` of the services. Raises ValidationError."""
    at = recorded_at_parse(request.POST.get(RECORDED_AT))
    return {"at": at, "received_at": arrived_late_at(at)}


def _answer(request, ok: bool, url: str):
    """The phone's outbox reads JSON; a person's browser follows the redirect to the messages."""
    return outbox_answer(request, ok=ok, url=url) if from_outbox(request) else redirect(url)


def _phone_context(**context) -> dict:
    return {**context, "position_form": PositionForm(auto_id=False), "geo_labels": geo_labels()}


@role_required("guard")
def checkpoint_scan(request, code):
    guard = request.user.guard_profile
    try:
        # Reading the code is a lookup, not an action: a forged or retired code is this page's 404.
        checkpoint = services.checkpoint_from_code(code)
    except DomainError as exc:
        return render(request, "patrol/scan.html", {"error": exc.message, "code": code}, status=404)
    if request.method == "POST":
        position = PositionForm(request.POST).position()
        patrol_id = int_or_none(request.POST.get("patrol"))
        ok, visit = attempt(
            request, lambda: services.checkpoint_visit(code=code, guard=guard, patrol_id=patrol_id, **_when(request), **position),
        )
        if ok:
            message = visit_message(visit, services.checkpoint_radius(checkpoint))
            (messages.success if visit.counts else messages.warning)(request, message)
        return _answer(request, ok, reverse("patrol:scan", kwargs={"code": code}))
    current = services.checkpoint_current_visit(checkpoint=checkpoint, guard=guard)
    return render(request, "patrol/scan.html", _phone_context(checkpoint=checkpoint, code=code, current=current))


def _own_status(patrol: Patrol) -> dict:
    """The guard's own line on a patrol: the check-in's status and any position note."""
    check_in = patrol.my_check_in[0] if patrol.my_check_in else None
    note = position_note(check_in.position_state, check_in.distance, check_in.accuracy) if check_in else ""
    return {"patrol": patrol, "check_in": check_in, "note": note}


def _finish_form(patrol: Patrol, bound: FinishForm | None = None) -> FinishForm:
    # One finish form per row the guard leads: ids prefixed with the patrol's, so they stay unique.
    return bound or FinishForm(auto_id=f"id_finish_{patrol.pk}_%s")


def _render_my(request, *, finish_form: FinishForm | None = None, finish_pk: int | None = None, status: int = 200):
    guard = request.user.guard_profile
    today = timezone.localdate()
    now = timezone.now()
    rows = []
    for patrol in guard_patrols_on(guard_id=guard.pk, day=today):
        opens, closes = services.checkin_window(patrol)
        running = patrol.status in (Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY)
        # The team leader of a unit-led patrol starts and finishes it from here (no officer present).
        leads = patrol_may_run(patrol=patrol, user=request.user)
        row = {
            **_own_status(patrol), "opens": opens, "closes": closes,
            "open_now": running and opens <= now <= closes, "too_early": running and now < opens, "over": now > closes or not running,
            "can_start": leads and patrol.status == Patrol.Status.PLANNED,
            "can_finish": leads and patrol.status == Patrol.Status.UNDER_WAY,
        }
        if row["can_finish"]:
            row["finish_form"] = _finish_form(patrol, finish_form if patrol.pk == finish_pk else None)
        rows.append(row)
    if finish_form is not None and not any(r.get("finish_form") is finish_form for r in rows):
        # The patrol is not among today's (it ran over from an earlier day): its errors as a message.
        messages.error(request, " ".join(str(e) for errors in finish_form.errors.values() for e in errors))
    upcoming = [_own_status(p) for p in guard_patrols_upcoming(guard_id=guard.pk, after=today)]
    past = [_own_status(p) for p in guard_patrols_past(guard_id=guard.pk, before=today)]
    context = _phone_context(rows=rows, upcoming=upcoming, past=past, today=today, guard=guard)
    return render(request, "patrol/my.html", context, status=status)


@role_required("guard")
def my_patrols(request):
    return _render_my(request)


def _led_patrol(request, pk) -> Patrol:
    """A patrol the guard may start or finish: 404 when the guard is not on its team (whether it
    exists or not), 403 when on the team but not its unit's team leader."""
    patrol = patrol_get_visible_to(user=request.user, pk=pk)
    if patrol is None:
        raise Http404
    patrol_require_runner(patrol=patrol, by=request.user)
    return patrol


@require_POST
@role_required("guard")
def my_patrol_start(request, pk):
    patrol = _led_patrol(request, pk)
    ok, _patrol = attempt(request, lambda: services.patrol_start(patrol=patrol, by=request.user))
    if ok:
        messages.success(request, _("The patrol is under way."))
    return redirect("patrol:my")


@require_POST
@role_required("guard")
def my_patrol_finish(request, pk):
    """The team leader's report: as an officer's finish, without the notes (officers' only). A
    refusal of the state comes back as a message; input errors show the form again (400)."""
    patrol = _led_patrol(request, pk)
    form = FinishForm(request.POST, auto_id=f"id_finish_{patrol.pk}_%s")
    if form.is_valid():
        data = form.cleaned_data
        ok, _result = attempt(request, lambda: services.patrol_finish(
            patrol=patrol, by=request.user, publicity_topics=data["publicity_topics"], people_reached=data["people_reached"],
            **{name: data[name] for name in ACTIVITY_FIELDS},
        ), form=form)
        if ok:
            messages.success(request, _("The patrol is done; members who never checked in were marked absent."))
        if ok or not form.errors:
            return redirect("patrol:my")
    return _render_my(request, finish_form=form, finish_pk=patrol.pk, status=400)


@require_POST
@role_required("guard")
def my_check_in(request, pk):
    guard = request.user.guard_profile
    patrol = patrol_get_visible_to(user=request.user, pk=pk)
    if patrol is None:
        # Same answer whether the patrol exists or not: nothing leaks about other patrols.
        messages.error(request, _("You are not on this patrol's team."))
        return _answer(request, False, reverse("patrol:my"))
    position = PositionForm(request.POST).position()
    ok, check_in = attempt(request, lambda: services.checkin_record(patrol=patrol, guard=guard, **_when(request), **position))
    if ok:
        (messages.warning if check_in.position_state in ("far", "inaccurate") else messages.success)(request, checkin_message(check_in))
    return _answer(request, ok, reverse("patrol:my"))
