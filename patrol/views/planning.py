"""Planning pages: one patrol (optionally a zone patrol proposed for a zone and lead company), the
recurring plans and a new recurring plan. The team chooser and the checkpoint chooser are drawn
from the chosen liaison point; "Load team and checkpoints" redisplays the form unsaved."""
import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from config.dates import in_date_range
from config.forms import attempt
from guards.policy import duty_policy
from guards.selectors import guard_deployability
from patrol import services
from patrol.forms import DATETIME_LOCAL, PatrolPlanForm, RecurringPlanForm, ZoneTeamForm
from patrol.models import WEEKDAY_CHOICES
from patrol.selectors import checkpoint_list, guard_list_for_team, liaison_point_get_active, plan_list
from patrol.views.common import PAGE_SIZE, draw_labels, int_or_none, officer_profile_id

PLAN_WEEKS = 4


def _ids(values) -> set[int]:
    return {int(v) for v in values if str(v).isdigit()}


def _parse_day(value) -> datetime.date | None:
    for fmt in (DATETIME_LOCAL, "%Y-%m-%d"):
        try:
            day = datetime.datetime.strptime(str(value)[:16] if fmt == DATETIME_LOCAL else str(value)[:10], fmt).date()
            return day if in_date_range(day) else None
        except (TypeError, ValueError):
            continue
    return None


def _team_rows(*, point_id, day, selected, leads) -> list[dict]:
    """The team chooser: each candidate guard with their deployability on `day`."""
    rows = []
    policy = duty_policy()
    for guard in guard_list_for_team(point_id=point_id, wanted=set(selected) | set(leads)):
        verdict = guard_deployability(guard=guard, on=day, policy=policy)
        rows.append({
            "guard": guard, "ok": verdict.ok, "reason": verdict.reason, "warning": verdict.warning_text, "attached": guard.attached == 0,
            "checked": guard.pk in selected or guard.pk in leads, "lead": guard.pk in leads,
        })
    return rows


def _checkpoint_rows(point_id, selected) -> list[dict]:
    if not point_id:
        return []
    return [{"checkpoint": c, "checked": c.pk in selected} for c in checkpoint_list(liaison_point=point_id, active=True)]


def _plan_map(point_id, checkpoints) -> list[dict]:
    markers = []
    point = liaison_point_get_active(pk=point_id)
    if point is not None:
        markers.append({"lat": float(point.latitude), "lng": float(point.longitude), "label": point.name, "kind": "point"})
    for row in checkpoints:
        c = row["checkpoint"]
        markers.append({"lat": float(c.latitude), "lng": float(c.longitude), "label": c.name, "kind": "planned"})
    return markers


def _plan_form(request, form_class, *, initial):
    """The planning form: bound to a submission; after "Load team and checkpoints" (`refresh`) the
    typed values again, unsaved and unjudged; else fresh with `initial()`."""
    form_kwargs = {"checkpoints": checkpoint_list(active=True)}
    if request.method == "POST" and "refresh" in request.POST:
        typed = {
            name: field.widget.value_from_datadict(request.POST, request.FILES, name)
            for name, field in form_class.base_fields.items()
        }
        return form_class(initial=typed, **form_kwargs)
    if request.method == "POST":
        return form_class(request.POST, **form_kwargs)
    return form_class(initial=initial(), **form_kwargs)


def _chooser_context(form, *, day: datetime.date, with_leads: bool) -> dict:
    """What the planning templates draw around the form: team, checkpoints, map."""
    def value(name):
        return form[name].value() or []

    point_id = int_or_none(form["liaison_point"].value())
    checkpoints = _checkpoint_rows(point_id, _ids(value("checkpoints")))
    leads = _ids(value("lead_guards")) if with_leads else set()
    team = _team_rows(point_id=point_id, day=day, selected=_ids(value("guards")), leads=leads)
    if "team_leader" in form.fields:  # a unit-led patrol's team leader: one of the chooser's guards
        form.fields["team_leader"].widget.choices = [("", "—")] + [
            (row["guard"].pk, f"{row['guard'].name} · {row['guard'].company.name}") for row in team if row["ok"]
        ]
    return {
        "form": form,
        "team": team,
        "team_day": day,
        "checkpoint_rows": checkpoints,
        "map_markers": _plan_map(point_id, checkpoints),
        "point_id": point_id,
        "draw_labels": draw_labels(),
    }


def _point_from_query(request, initial: dict) -> dict:
    if request.GET.get("point", "").isdigit():
        initial["liaison_point"] = int(request.GET["point"])
    return initial


@role_required("officer")
def patrol_create(request):
    today = timezone.localdate()
    zone_form = ZoneTeamForm(request.GET if "zone" in request.GET else None, initial={"on": today, "lead_count": 2})
    proposal = None
    initial = _point_from_query(request, {
        "leader": officer_profile_id(request.user), "kind": "foot",
        "planned_start": datetime.datetime.combine(today, datetime.time(19)),
        "planned_end": datetime.datetime.combine(today, datetime.time(22)),
    })
    if zone_form.is_bound and zone_form.is_valid():
        zone = zone_form.cleaned_data
        proposal = services.zone_patrol_propose(
            zone=zone["zone"], lead_company=zone["lead_company"], on=zone["on"], lead_count=zone["lead_count"] or 2
        )
        initial["guards"] = [g.pk for g in proposal.guards]
        initial["lead_guards"] = [g.pk for g in proposal.lead]
        # Yanghe: the zone's lead unit leads, its first proposed guard as team leader, no officer.
        initial.update(leader=None, lead_company=zone["lead_company"].pk, zone=zone["zone"].pk,
                       team_leader=proposal.lead[0].pk if proposal.lead else None)
        if proposal.guards and proposal.guards[0].liaison_point_id:
            initial.setdefault("liaison_point", proposal.guards[0].liaison_point_id)
        initial["planned_start"] = datetime.datetime.combine(zone["on"], datetime.time(19))
        initial["planned_end"] = datetime.datetime.combine(zone["on"], datetime.time(22))
        initial["notes"] = _("Zone patrol: %(zone)s, led by %(company)s") % {"zone": zone["zone"], "company": zone["lead_company"]}

    form = _plan_form(request, PatrolPlanForm, initial=lambda: initial)
    if form.is_bound and form.is_valid():
        ok, patrol = attempt(request, lambda: services.patrol_plan(**form.service_fields(), by=request.user), form=form)
        if ok:
            messages.success(request, _("Patrol planned: %(patrol)s.") % {"patrol": patrol})
            return redirect("patrol:detail", pk=patrol.pk)
    day = _parse_day(form["planned_start"].value()) or today
    context = {**_chooser_context(form, day=day, with_leads=True), "zone_form": zone_form, "proposal": proposal}
    return render(request, "patrol/patrol_form.html", context)


@role_required("officer")
def plan_list_view(request):
    page = Paginator(plan_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    days = dict(WEEKDAY_CHOICES)
    for plan in page.object_list:
        plan.weekday_labels = [days.get(d, d) for d in sorted(plan.weekdays or [])]
    return render(request, "patrol/plan_list.html", {"page": page})


def _report_generated(request, result) -> None:
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


@role_required("officer")
def plan_create_view(request):
    today = timezone.localdate()
    form = _plan_form(
        request, RecurringPlanForm,
        initial=lambda: _point_from_query(request, {
            "leader": officer_profile_id(request.user), "kind": "foot", "starts_on": today,
            "start_time": datetime.time(19), "end_time": datetime.time(22),
        }),
    )
    if form.is_bound and form.is_valid():
        ok, plan = attempt(request, lambda: services.plan_create(**form.service_fields(), by=request.user), form=form)
        if ok:
            _report_generated(request, services.plan_generate(plan=plan, weeks=PLAN_WEEKS))
            return redirect("patrol:plan-list")
    day = max(_parse_day(form["starts_on"].value()) or today, today)
    context = {**_chooser_context(form, day=day, with_leads=False), "weeks": PLAN_WEEKS}
    return render(request, "patrol/plan_form.html", context)
