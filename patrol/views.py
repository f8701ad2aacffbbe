"""Patrol pages: the officer's week view, patrol detail with roll-call and transitions, planning
forms (one patrol, zone patrol, recurring plans), checkpoints with printable QR codes, venue
inspections, and the guard's phone pages (my patrols today, checkpoint scan).

Every read goes through patrol.selectors (scoped: outside the viewer's scope is a 404) and every
write through patrol.services; their ValidationErrors come back as form field errors and their
DomainErrors as clear messages, never a 500."""
import datetime
import io
from collections import OrderedDict

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from accounts.scoping import scope_for
from config.dates import iso_week_label, parse_iso_week, week_bounds, week_start
from config.exceptions import DomainError
from guards.models import Guard
from guards.selectors import guard_deployability
from config.forms import add_service_errors
from patrol import services
from patrol.forms import (
    DATETIME_LOCAL,
    CancelForm,
    CheckpointForm,
    FinishForm,
    InspectionFilterForm,
    InspectionForm,
    MissedReasonForm,
    PatrolPlanForm,
    PositionForm,
    RecurringPlanForm,
    WeekFilterForm,
    ZoneTeamForm,
    active_points,
    week_days,
)
from patrol.models import WEEKDAY_CHOICES, CheckIn, Checkpoint, Patrol, PublicityTopic
from patrol.selectors import (
    checkpoint_list,
    guard_patrols_on,
    inspection_list,
    patrol_checkpoints,
    patrol_list_visible_to,
    patrol_roll_call,
    patrol_week_coverage,
    plan_list,
)

PAGE_SIZE = 50
HISTORY_LIMIT = 30
PLAN_WEEKS = 4


def _geo_labels() -> dict:
    return {"locating": _("Getting your position…"), "none": _("No position available: sending without it.")}


def _draw_labels() -> dict:
    return {
        "polygon": _("Draw a grid cell"), "rectangle": _("Draw a rectangular grid cell"), "polyline": _("Draw a route"),
        "cancel": _("Cancel"), "finish": _("Finish"), "undo": _("Delete last point"),
        "edit": _("Edit the shape"), "remove": _("Delete the shape"), "save": _("Save"),
    }


def _visible_patrol(request, pk) -> Patrol:
    return get_object_or_404(patrol_list_visible_to(user=request.user), pk=pk)


# Week view ------------------------------------------------------------------------------------

WEEK_PAGE_LIMIT = 400  # patrols drawn on the week grid
COVERAGE_LIST_LIMIT = 60  # above this many points, coverage lists only those below the minimum


@login_required
def patrol_week(request):
    scope = scope_for(request.user)
    if scope.is_guard:
        return redirect("patrol:my")
    if not (scope.is_officer or scope.is_manager):
        raise PermissionDenied
    today = timezone.localdate()
    monday = week_start(today)
    if request.GET.get("week"):
        try:
            monday = parse_iso_week(request.GET["week"])
        except ValueError:
            messages.error(request, _("“%(week)s” is not a week such as 2026-W47; showing this week.") % {"week": request.GET["week"]})
    start, end = week_bounds(monday)
    filters = WeekFilterForm(request.GET or None)
    patrols = filters.apply(patrol_list_visible_to(user=request.user).filter(planned_start__gte=start, planned_start__lt=end))
    # A province week holds thousands of patrols: show at most WEEK_PAGE_LIMIT and ask for a
    # township or point (one row more is fetched to know, so no extra COUNT query).
    shown = list(patrols.order_by("planned_start", "id")[: WEEK_PAGE_LIMIT + 1])
    truncated = len(shown) > WEEK_PAGE_LIMIT
    by_day = OrderedDict((day, []) for day in week_days(monday))
    for patrol in shown[:WEEK_PAGE_LIMIT]:
        by_day.setdefault(timezone.localtime(patrol.planned_start).date(), []).append(patrol)
    days = [{"date": day, "patrols": rows, "today": day == today} for day, rows in by_day.items()]
    coverage = None
    if scope.is_officer:
        minimum = settings.PATROLS_PER_WEEK_MIN
        rows = [{"row": r, "below": r.below(minimum)} for r in patrol_week_coverage(monday=monday)]
        below = [item for item in rows if item["below"]]
        # With many points, list only those below the minimum; the rest are summed up.
        listed = below if len(rows) > COVERAGE_LIST_LIMIT else rows
        coverage = {"minimum": minimum, "rows": listed, "below": len(below), "met_hidden": len(rows) - len(listed)}
    context = {
        "filters": filters,
        "days": days,
        "count": sum(len(d["patrols"]) for d in days),
        "truncated": truncated,
        "week": iso_week_label(monday),
        "monday": monday,
        "sunday": monday + datetime.timedelta(days=6),
        "prev_week": iso_week_label(monday - datetime.timedelta(days=7)),
        "next_week": iso_week_label(monday + datetime.timedelta(days=7)),
        "this_week": iso_week_label(week_start(today)),
        "coverage": coverage,
        "can_plan": scope.is_officer,
    }
    return render(request, "patrol/week.html", context)


# Detail and transitions -----------------------------------------------------------------------

_HISTORY_FIELDS = (
    "status", "planned_start", "planned_end", "actual_start", "actual_end", "kind", "cancel_reason",
    "publicity_topics", "people_reached", "notes", "leader",
)
_HISTORY_TYPES = {"+": gettext_lazy("Planned"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}


def _history_rows(patrol: Patrol) -> list[dict]:
    """Latest changes of the patrol, newest first, with the fields that changed. One query."""
    records = list(patrol.history.select_related("history_user").order_by("-history_date", "-history_id")[: HISTORY_LIMIT + 1])
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


def _render_detail(request, patrol: Patrol, *, finish_form=None, cancel_form=None, missed_form=None, status=200):
    scope = scope_for(request.user)
    officer = scope.is_officer
    roll_call = patrol_roll_call(patrol=patrol, user=request.user)
    checkpoints = list(patrol_checkpoints(patrol=patrol))
    markers = [{
        "lat": float(patrol.liaison_point.latitude), "lng": float(patrol.liaison_point.longitude),
        "label": patrol.liaison_point.name, "kind": "point",
    }]
    for row in checkpoints:
        state = "visited" if row.visited_at else ("missed" if row.missed_reason else "planned")
        markers.append({"lat": float(row.checkpoint.latitude), "lng": float(row.checkpoint.longitude), "label": row.checkpoint.name, "kind": state})
    editable = officer and patrol.status in (Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY)
    topics = dict(PublicityTopic.choices)
    context = {
        "patrol": patrol,
        "roll_call": roll_call,
        "checkpoints": checkpoints,
        "visited_count": sum(1 for c in checkpoints if c.visited_at),
        "history": _history_rows(patrol) if officer else None,
        "is_officer": officer,
        "can_start": officer and patrol.status == Patrol.Status.PLANNED,
        "can_finish": officer and patrol.status == Patrol.Status.UNDER_WAY,
        "can_cancel": editable,
        "can_mark": officer and patrol.status != Patrol.Status.CANCELLED,
        "can_explain": officer and patrol.status != Patrol.Status.CANCELLED,
        "finish_form": finish_form or FinishForm(initial={"notes": patrol.notes}),
        "cancel_form": cancel_form or CancelForm(),
        "missed_form": missed_form,
        "checkin_statuses": CheckIn.Status.choices,
        "publicity": [topics.get(t, t) for t in patrol.publicity_topics or []],
        "map_area": patrol.area,
        "map_markers": markers,
        "window": services.checkin_window(patrol),
        "week": iso_week_label(week_start(timezone.localtime(patrol.planned_start).date())),
    }
    return render(request, "patrol/detail.html", context, status=status)


@role_required("officer", "manager")
def patrol_detail(request, pk):
    return _render_detail(request, _visible_patrol(request, pk))


def _back(patrol, anchor=""):
    return redirect(reverse("patrol:detail", kwargs={"pk": patrol.pk}) + anchor)


@require_POST
@role_required("officer")
def patrol_start(request, pk):
    patrol = _visible_patrol(request, pk)
    try:
        services.patrol_start(patrol=patrol, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The patrol is under way."))
    return _back(patrol)


@require_POST
@role_required("officer")
def patrol_finish(request, pk):
    patrol = _visible_patrol(request, pk)
    form = FinishForm(request.POST)
    if form.is_valid():
        try:
            services.patrol_finish(
                patrol=patrol, by=request.user, publicity_topics=form.cleaned_data["publicity_topics"],
                people_reached=form.cleaned_data["people_reached"], notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return _back(patrol)
        else:
            messages.success(request, _("The patrol is done; members who never checked in were marked absent."))
            return _back(patrol)
    return _render_detail(request, patrol, finish_form=form, status=400)


@require_POST
@role_required("officer")
def patrol_cancel(request, pk):
    patrol = _visible_patrol(request, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.patrol_cancel(patrol=patrol, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return _back(patrol)
        else:
            messages.success(request, _("The patrol was cancelled."))
            return _back(patrol)
    return _render_detail(request, patrol, cancel_form=form, status=400)


@require_POST
@role_required("officer")
def patrol_mark(request, pk):
    patrol = _visible_patrol(request, pk)
    guard_id = request.POST.get("guard", "")
    if not guard_id.isdigit():
        messages.error(request, _("Choose a team member."))
        return _back(patrol, "#roll-call")
    try:
        check_in = services.checkin_mark(patrol=patrol, guard_id=int(guard_id), status=request.POST.get("status", ""), by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(guard)s marked %(status)s.") % {"guard": check_in.guard.name, "status": check_in.get_status_display()})
    return _back(patrol, "#roll-call")


@require_POST
@role_required("officer")
def patrol_explain_miss(request, pk):
    patrol = _visible_patrol(request, pk)
    form = MissedReasonForm(request.POST)
    if form.is_valid():
        try:
            services.checkpoint_explain_miss(
                patrol=patrol, checkpoint_id=form.cleaned_data["checkpoint"], reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return _back(patrol, "#checkpoints")
        else:
            messages.success(request, _("Reason recorded."))
            return _back(patrol, "#checkpoints")
    return _render_detail(request, patrol, missed_form=form, status=400)


# Planning -------------------------------------------------------------------------------------

def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _team_rows(*, point_id, day, selected, leads, extra=()) -> list[dict]:
    """The team chooser: guards attached to the chosen point first, then the rest of its township's
    points and any guard already chosen (e.g. by the zone proposal), each with its deployability
    on `day`. One query (guards joined to company and point)."""
    wanted = set(selected) | set(leads) | set(extra)
    q = Q(pk__in=wanted)
    if point_id:
        q |= Q(liaison_point_id=point_id) | Q(liaison_point__township__liaison_points__id=point_id)
    guards = (
        Guard.objects.filter(q).exclude(Q(status=Guard.Status.REMOVED) & ~Q(pk__in=wanted))
        .select_related("company", "liaison_point")
        .annotate(attached=Case(When(liaison_point_id=point_id or 0, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("attached", "company__name", "name", "id")
        .distinct()
    )
    rows = []
    for guard in guards:
        verdict = guard_deployability(guard=guard, on=day)
        rows.append({
            "guard": guard, "ok": verdict.ok, "reason": verdict.reason, "attached": guard.attached == 0,
            "checked": guard.pk in selected or guard.pk in leads, "lead": guard.pk in leads,
        })
    return rows


def _checkpoint_rows(point_id, selected) -> list[dict]:
    if not point_id:
        return []
    return [{"checkpoint": c, "checked": c.pk in selected} for c in checkpoint_list().filter(liaison_point_id=point_id, active=True)]


def _ids(values) -> set[int]:
    return {int(v) for v in values if str(v).isdigit()}


def _officer_profile_id(user):
    profile = getattr(user, "officer_profile", None)
    return profile.pk if profile is not None else None


def _plan_map(point_id, checkpoints) -> list[dict]:
    markers = []
    point = active_points().filter(pk=point_id).first() if point_id else None
    if point is not None:
        markers.append({"lat": float(point.latitude), "lng": float(point.longitude), "label": point.name, "kind": "point"})
    for row in checkpoints:
        c = row["checkpoint"]
        markers.append({"lat": float(c.latitude), "lng": float(c.longitude), "label": c.name, "kind": "planned"})
    return markers


def _parse_day(value) -> datetime.date | None:
    for fmt in (DATETIME_LOCAL, "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(str(value)[:16] if fmt == DATETIME_LOCAL else str(value)[:10], fmt).date()
        except (TypeError, ValueError):
            continue
    return None


@role_required("officer")
def patrol_create(request):
    today = timezone.localdate()
    zone_form = ZoneTeamForm(request.GET if "zone" in request.GET else None, initial={"on": today, "lead_count": 2})
    proposal = None
    initial = {
        "leader": _officer_profile_id(request.user), "kind": "foot",
        "planned_start": datetime.datetime.combine(today, datetime.time(19)),
        "planned_end": datetime.datetime.combine(today, datetime.time(22)),
    }
    if request.GET.get("point", "").isdigit():
        initial["liaison_point"] = int(request.GET["point"])
    if zone_form.is_bound and zone_form.is_valid():
        zone = zone_form.cleaned_data
        proposal = services.zone_patrol_propose(
            zone=zone["zone"], lead_company=zone["lead_company"], on=zone["on"], lead_count=zone["lead_count"] or 2
        )
        initial["guards"] = [g.pk for g in proposal.guards]
        initial["lead_guards"] = [g.pk for g in proposal.lead]
        if proposal.guards and proposal.guards[0].liaison_point_id:
            initial.setdefault("liaison_point", proposal.guards[0].liaison_point_id)
        initial["planned_start"] = datetime.datetime.combine(zone["on"], datetime.time(19))
        initial["planned_end"] = datetime.datetime.combine(zone["on"], datetime.time(22))
        initial["notes"] = _("Zone patrol: %(zone)s, led by %(company)s") % {"zone": zone["zone"], "company": zone["lead_company"]}

    form_kwargs = {"checkpoints": Checkpoint.objects.filter(active=True)}
    if request.method == "POST" and "refresh" in request.POST:
        # "Load team and checkpoints" after choosing a point: show the form again, unsaved, unjudged.
        data = request.POST
        initial = {name: data.get(name) for name in ("liaison_point", "leader", "kind", "planned_start", "planned_end", "area", "notes")}
        initial.update(guards=data.getlist("guards"), lead_guards=data.getlist("lead_guards"), checkpoints=data.getlist("checkpoints"))
        form = PatrolPlanForm(initial=initial, **form_kwargs)
    elif request.method == "POST":
        form = PatrolPlanForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                patrol = services.patrol_plan(
                    liaison_point=data["liaison_point"], leader=data["leader"], planned_start=data["planned_start"],
                    planned_end=data["planned_end"], kind=data["kind"], area=data["area"] or None,
                    guard_ids=data["guards"], lead_guard_ids=data["lead_guards"], checkpoint_ids=data["checkpoints"],
                    notes=data["notes"], by=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Patrol planned: %(patrol)s.") % {"patrol": patrol})
                return redirect("patrol:detail", pk=patrol.pk)
    else:
        form = PatrolPlanForm(initial=initial, **form_kwargs)

    def value(name):
        return form[name].value()

    point_id = _int_or_none(value("liaison_point"))
    selected, leads = _ids(value("guards") or []), _ids(value("lead_guards") or [])
    day = _parse_day(value("planned_start")) or today
    checkpoints = _checkpoint_rows(point_id, _ids(value("checkpoints") or []))
    context = {
        "form": form,
        "zone_form": zone_form,
        "proposal": proposal,
        "team": _team_rows(point_id=point_id, day=day, selected=selected, leads=leads),
        "team_day": day,
        "checkpoint_rows": checkpoints,
        "map_markers": _plan_map(point_id, checkpoints),
        "point_id": point_id,
        "draw_labels": _draw_labels(),
    }
    return render(request, "patrol/patrol_form.html", context)


@role_required("officer")
def plan_list_view(request):
    plans = plan_list().order_by("liaison_point__code", "start_time", "id")
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    days = dict(WEEKDAY_CHOICES)
    for plan in page.object_list:
        plan.weekday_labels = [days.get(d, d) for d in sorted(plan.weekdays or [])]
    return render(request, "patrol/plan_list.html", {"page": page})


@role_required("officer")
def plan_create_view(request):
    today = timezone.localdate()
    form_kwargs = {"checkpoints": Checkpoint.objects.filter(active=True)}
    if request.method == "POST" and "refresh" in request.POST:
        data = request.POST
        initial = {name: data.get(name) for name in ("liaison_point", "leader", "kind", "start_time", "end_time", "starts_on", "ends_on", "area")}
        initial.update(weekdays=data.getlist("weekdays"), guards=data.getlist("guards"), checkpoints=data.getlist("checkpoints"))
        form = RecurringPlanForm(initial=initial, **form_kwargs)
    elif request.method == "POST":
        form = RecurringPlanForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.plan_create(
                    liaison_point=data["liaison_point"], leader=data["leader"], weekdays=data["weekdays"],
                    start_time=data["start_time"], end_time=data["end_time"], starts_on=data["starts_on"],
                    ends_on=data["ends_on"], kind=data["kind"], area=data["area"] or None,
                    guard_ids=data["guards"], checkpoint_ids=data["checkpoints"], by=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                result = services.plan_generate(plan=plan, weeks=PLAN_WEEKS)
                messages.success(
                    request,
                    _("Plan saved: %(count)s patrols created for the next %(weeks)s weeks.") % {"count": len(result.created), "weeks": PLAN_WEEKS},
                )
                skipped: dict[tuple[str, str], list[datetime.date]] = {}
                for day, name, reason in result.skipped_guards:
                    skipped.setdefault((name, reason), []).append(day)
                for (name, reason), days in skipped.items():
                    messages.warning(
                        request,
                        _("%(name)s left off %(n)s patrol(s) (%(days)s): %(reason)s.")
                        % {"name": name, "n": len(days), "days": ", ".join(d.strftime("%m-%d") for d in days), "reason": reason},
                    )
                return redirect("patrol:plan-list")
    else:
        initial = {"leader": _officer_profile_id(request.user), "kind": "foot", "starts_on": today,
                   "start_time": datetime.time(19), "end_time": datetime.time(22)}
        if request.GET.get("point", "").isdigit():
            initial["liaison_point"] = int(request.GET["point"])
        form = RecurringPlanForm(initial=initial, **form_kwargs)

    def value(name):
        return form[name].value()

    point_id = _int_or_none(value("liaison_point"))
    day = _parse_day(value("starts_on")) or today
    checkpoints = _checkpoint_rows(point_id, _ids(value("checkpoints") or []))
    context = {
        "form": form,
        "team": _team_rows(point_id=point_id, day=max(day, today), selected=_ids(value("guards") or []), leads=set()),
        "team_day": max(day, today),
        "checkpoint_rows": checkpoints,
        "map_markers": _plan_map(point_id, checkpoints),
        "point_id": point_id,
        "weeks": PLAN_WEEKS,
        "draw_labels": _draw_labels(),
    }
    return render(request, "patrol/plan_form.html", context)


# Checkpoints ----------------------------------------------------------------------------------

@role_required("officer")
def checkpoint_list_view(request):
    point_id = _int_or_none(request.GET.get("point"))
    point = active_points().filter(pk=point_id).first() if point_id else None
    form = CheckpointForm(request.POST or None, initial={"liaison_point": point})
    if request.method == "POST" and form.is_valid():
        try:
            checkpoint = services.checkpoint_save(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Checkpoint %(name)s added.") % {"name": checkpoint.name})
            return redirect(reverse("patrol:checkpoint-list") + f"?point={checkpoint.liaison_point_id}")
    checkpoints = checkpoint_list(liaison_point=point).order_by("liaison_point__code", "name", "id")
    page = Paginator(checkpoints, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "point": point, "points": active_points()}
    return render(request, "patrol/checkpoint_list.html", context)


def _scan_url(request, checkpoint) -> str:
    return request.build_absolute_uri(reverse("patrol:scan", kwargs={"code": services.checkpoint_signed_code(checkpoint)}))


def _qr_svg(url: str, *, scale: int = 10) -> str:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, svgclass="qr", lineclass=None)
    return out.getvalue().decode()


@role_required("officer")
def checkpoint_qr(request, pk):
    checkpoint = get_object_or_404(checkpoint_list(), pk=pk)
    url = _scan_url(request, checkpoint)
    return render(request, "patrol/checkpoint_qr.html", {"checkpoint": checkpoint, "url": url, "svg": mark_safe(_qr_svg(url))})


@role_required("officer")
def checkpoint_qr_svg(request, pk):
    checkpoint = get_object_or_404(checkpoint_list(), pk=pk)
    response = HttpResponse(_qr_svg(_scan_url(request, checkpoint)), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="checkpoint-{checkpoint.pk}.svg"'
    return response


# Guard phone pages ----------------------------------------------------------------------------

@role_required("guard")
def checkpoint_scan(request, code):
    guard = request.user.guard_profile
    try:
        checkpoint = services.checkpoint_from_code(code)
    except DomainError as exc:
        return render(request, "patrol/scan.html", {"error": exc.message, "code": code}, status=404)
    if request.method == "POST":
        position = PositionForm(request.POST).position()
        try:
            visit = services.checkpoint_visit(code=code, guard=guard, **position)
        except DomainError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Visit to %(name)s recorded at %(time)s.") % {"name": checkpoint.name, "time": timezone.localtime(visit.visited_at).strftime("%H:%M")},
            )
        return redirect("patrol:scan", code=code)
    return render(request, "patrol/scan.html", {"checkpoint": checkpoint, "code": code, "position_form": PositionForm(auto_id=False), "geo_labels": _geo_labels()})


@role_required("guard")
def my_patrols(request):
    guard = request.user.guard_profile
    today = timezone.localdate()
    now = timezone.now()
    rows = []
    for patrol in guard_patrols_on(guard_id=guard.pk, day=today):
        opens, closes = services.checkin_window(patrol)
        check_in = patrol.my_check_in[0] if patrol.my_check_in else None
        rows.append({
            "patrol": patrol, "check_in": check_in, "opens": opens, "closes": closes,
            "open_now": opens <= now <= closes and patrol.status in (Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY),
            "too_early": now < opens, "over": now > closes,
        })
    return render(request, "patrol/my.html", {"rows": rows, "today": today, "guard": guard, "position_form": PositionForm(auto_id=False), "geo_labels": _geo_labels()})


@require_POST
@role_required("guard")
def my_check_in(request, pk):
    guard = request.user.guard_profile
    patrol = patrol_list_visible_to(user=request.user).filter(pk=pk).first()
    if patrol is None:
        # Same answer whether the patrol exists or not: nothing leaks about other patrols.
        messages.error(request, _("You are not on this patrol's team."))
        return redirect("patrol:my")
    position = PositionForm(request.POST).position()
    try:
        check_in = services.checkin_record(patrol=patrol, guard=guard, **position)
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Checked in at %(time)s: %(status)s.") % {"time": timezone.localtime(check_in.at).strftime("%H:%M"), "status": check_in.get_status_display()},
        )
    return redirect("patrol:my")


# Venue inspections ----------------------------------------------------------------------------

@role_required("officer")
def inspection_list_view(request):
    filters = InspectionFilterForm(request.GET or None)
    inspections = filters.apply(inspection_list())
    page = Paginator(inspections, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "patrol/inspection_list.html", {"filters": filters, "page": page, "today": timezone.localdate()})


@role_required("officer")
def inspection_create(request):
    return _inspection_form(request, None)


@role_required("officer")
def inspection_update(request, pk):
    return _inspection_form(request, get_object_or_404(inspection_list(), pk=pk))


def _inspection_form(request, inspection):
    if request.method == "POST":
        form = InspectionForm(request.POST)
    elif inspection is not None:
        form = InspectionForm(initial=InspectionForm.initial_for(inspection))
    else:
        profile_id = _officer_profile_id(request.user)
        form = InspectionForm(initial={"inspected_on": timezone.localdate(), "inspectors": [profile_id] if profile_id else []})
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.inspection_save(
                inspection=inspection, inspector_ids=form.inspector_ids(), by=request.user, **form.service_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Inspection of %(venue)s saved.") % {"venue": saved.venue})
            return redirect("patrol:inspection-list")
    return render(request, "patrol/inspection_form.html", {"form": form, "inspection": inspection})

