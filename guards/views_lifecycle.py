"""Officer and manager pages of the guard lifecycle (issue #6): certificates, training sessions
and quarterly rosters, the points ledger, monthly payouts, quarterly assessments, the equipment
register, and the "Duty" panel of the guard page.

Writes go through guards.services; the services' refusals (PermissionDenied, DomainError,
ValidationError) become messages or field errors, never a 500. Every fetch is scoped with
accounts.scoping, so a manager who edits an id gets a 404. The reads that shape these pages are
in the "Reads" section below: each list is a fixed number of queries whatever its length."""
import csv
import datetime
import io
import math
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from accounts.scoping import scope_for
from config.dates import iso_week_label, month_bounds, next_quarter, previous_quarter, quarter_of, week_start
from config.exceptions import DomainError
from guards import services
from guards.forms import EXPIRY_WARNING_DAYS, CertificateState
from guards.forms_lifecycle import (
    AssessmentFilterForm,
    EquipmentAddForm,
    EquipmentFilterForm,
    EquipmentIssueForm,
    ExamForm,
    MonthField,
    PayoutComputeForm,
    PointRulesForm,
    PointsAwardForm,
    PointsFilterForm,
    QuarterField,
    RosterMoveForm,
    RosterReturnForm,
    TrainingSessionForm,
    WeekForm,
)
from guards.models import (
    Assessment,
    CertificateExam,
    DutyArea,
    Equipment,
    EquipmentRecall,
    Guard,
    PayoutLine,
    PayoutRun,
    PointEntry,
    PointRule,
    RosterEntry,
    TrainingRoster,
    TrainingSession,
)
from guards.selectors import company_list_with_counts_visible_to, guard_deployability
from config.forms import add_service_errors

PAGE_SIZE = 50
EXPIRING_LIMIT = 50
WEEKLY_TOP = 20
_AREA_LABELS = dict(DutyArea.choices)


# Helpers -------------------------------------------------------------------------------------

def _attempt(request, action, *, form=None):
    """Run a service call; its refusals become a message (or field errors on `form`).
    Returns (True, result) or (False, None)."""
    try:
        return True, action()
    except ValidationError as exc:
        if form is not None:
            add_service_errors(form, exc)
        else:
            messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.message)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    return False, None


def _quarter_from(request, default: str) -> str:
    field = QuarterField(required=False)
    try:
        return field.clean(request.GET.get("quarter") or request.POST.get("quarter") or "") or default
    except ValidationError:
        return default


def _quarter_nav(quarter: str) -> dict:
    return {"current": quarter, "previous": previous_quarter(quarter), "next": next_quarter(quarter), "this": quarter_of(timezone.localdate())}


def _rate(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _back(request, fallback: str):
    """Redirect to the page the form was posted from (same site only), else to `fallback`."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


# Reads ---------------------------------------------------------------------------------------

def rosters_visible_to(user):
    return scope_for(user).apply(TrainingRoster.objects.select_related("company"), company="company_id")


def _roster_counts(qs):
    return qs.annotate(
        entry_count=Count("entries"),
        attended_count=Count("entries", filter=Q(entries__attended=True)),
        absent_count=Count("entries", filter=Q(entries__attended=False)),
        carried_count=Count("entries", filter=Q(entries__carried_over=True)),
    )


def sessions_with_seats(quarter: str):
    """The quarter's sessions, each with `seats_taken` over every company (one query)."""
    return TrainingSession.objects.filter(quarter=quarter).annotate(seats_taken=Count("entries")).order_by("held_on", "id")


def _session_rows(sessions) -> list:
    for s in sessions:
        s.area_labels = [_AREA_LABELS.get(a, a) for a in s.subject_areas or []]
        s.seats_free = max(0, s.capacity - s.seats_taken)
        s.fill = min(100, round(100 * s.seats_taken / s.capacity)) if s.capacity else 0
    return sessions


def points_visible_to(user):
    qs = PointEntry.objects.select_related("guard", "guard__company", "created_by")
    return scope_for(user).apply(qs, company="guard__company_id", guard="guard_id")


def weekly_totals(user, monday: datetime.date, limit: int = WEEKLY_TOP) -> list[dict]:
    """Top guards by points over the ISO week starting `monday`, one aggregate query."""
    qs = scope_for(user).apply(PointEntry.objects.all(), company="guard__company_id", guard="guard_id")
    return list(
        qs.filter(occurred_on__range=(monday, monday + datetime.timedelta(days=6)))
        .values("guard_id", "guard__name", "guard__company__name")
        .annotate(total=Sum("points"), entries=Count("id"))
        .order_by("-total", "guard__name")[:limit]
    )


def duty_panel(guard: Guard, *, today: datetime.date | None = None) -> dict:
    """What the guard page's "Duty" panel shows: deployability with its reason, the last
    assessment, this quarter's training session and this month's points, in one query."""
    today = today or timezone.localdate()
    quarter = quarter_of(today)
    first, last = month_bounds(today)
    last_assessment = Assessment.objects.filter(guard=OuterRef("pk")).order_by("-quarter")
    entry = RosterEntry.objects.filter(guard=OuterRef("pk"), roster__quarter=quarter)
    month_points = (
        PointEntry.objects.filter(guard=OuterRef("pk"), occurred_on__range=(first, last))
        .values("guard").annotate(total=Sum("points")).values("total")
    )
    row = Guard.objects.filter(pk=guard.pk).annotate(
        a_quarter=Subquery(last_assessment.values("quarter")[:1]),
        a_score=Subquery(last_assessment.values("score")[:1], output_field=DecimalField(max_digits=5, decimal_places=1)),
        a_outcome=Subquery(last_assessment.values("outcome")[:1]),
        a_applied=Subquery(last_assessment.values("applied_at")[:1]),
        s_held_on=Subquery(entry.values("session__held_on")[:1]),
        s_place=Subquery(entry.values("session__place")[:1]),
        s_attended=Subquery(entry.values("attended")[:1]),
        s_roster=Subquery(entry.values("roster_id")[:1]),
        s_status=Subquery(entry.values("roster__status")[:1]),
        points=Coalesce(Subquery(month_points, output_field=IntegerField()), Value(0)),
    ).values("a_quarter", "a_score", "a_outcome", "a_applied", "s_held_on", "s_place", "s_attended", "s_roster", "s_status", "points").first() or {}
    verdict = guard_deployability(guard=guard, on=today)
    return {
        "deployable": verdict.ok,
        "reason": verdict.reason,
        "assessment": {
            "quarter": row.get("a_quarter"), "score": row.get("a_score"), "outcome": row.get("a_outcome"),
            "outcome_label": dict(Assessment.Outcome.choices).get(row.get("a_outcome"), ""), "applied": row.get("a_applied") is not None,
        } if row.get("a_quarter") else None,
        "quarter": quarter,
        "session": {
            "held_on": row["s_held_on"], "place": row["s_place"], "attended": row["s_attended"], "roster_id": row["s_roster"],
            "status_label": dict(TrainingRoster.Status.choices).get(row["s_status"], ""),
        } if row.get("s_held_on") else None,
        "month": first,
        "points": row.get("points", 0),
    }


# Certificates --------------------------------------------------------------------------------

@role_required("officer")
def certificates(request):
    today = timezone.localdate()
    try:
        month = MonthField(required=False).clean(request.GET.get("month", "")) or today.replace(day=1)
    except ValidationError:
        month = today.replace(day=1)
    form = ExamForm(request.POST or None, initial={"taken_on": today, "guard": request.GET.get("guard", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, exam = _attempt(
            request, lambda: services.exam_record(guard=data["guard"], taken_on=data["taken_on"], score=data["score"], by=request.user), form=form
        )
        if ok:
            text = _("%(name)s passed with %(score)s; the certificate is valid.") if exam.passed else _("%(name)s scored %(score)s: not passed.")
            messages.success(request, text % {"name": data["guard"].name, "score": exam.score})
            return redirect(f"{reverse('guards:certificates')}?month={exam.taken_on:%Y-%m}")

    companies = list(company_list_with_counts_visible_to(user=request.user, on=today).filter(guard_count__gt=0).order_by("name"))
    for company in companies:
        company.certificate_rate = _rate(company.certified_count, company.guard_count)
    totals = {"guards": sum(c.guard_count for c in companies), "certified": sum(c.certified_count for c in companies)}
    totals["rate"] = _rate(totals["certified"], totals["guards"])

    expiring_qs = Guard.objects.filter(CertificateState.q(CertificateState.EXPIRING, today), status=Guard.Status.ACTIVE)
    expiring = list(expiring_qs.select_related("company").order_by("certificate_expires_on", "name")[:EXPIRING_LIMIT])
    for guard in expiring:
        guard.days_left = (guard.certificate_expires_on - today).days
    expiring_total = len(expiring) if len(expiring) < EXPIRING_LIMIT else expiring_qs.count()

    first, last = month_bounds(month)
    exams_qs = CertificateExam.objects.filter(taken_on__range=(first, last))
    summary = exams_qs.aggregate(taken=Count("id"), passed=Count("id", filter=Q(passed=True)))
    summary["rate"] = _rate(summary["passed"], summary["taken"])
    page = Paginator(exams_qs.select_related("guard", "guard__company").order_by("-taken_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    prev_month = (first - datetime.timedelta(days=1)).replace(day=1)
    next_month = (last + datetime.timedelta(days=1)) if last < today else None
    return render(request, "guards/lifecycle/certificates.html", {
        "form": form, "companies": companies, "totals": totals, "expiring": expiring, "expiring_total": expiring_total,
        "warning_days": EXPIRY_WARNING_DAYS, "month": first, "prev_month": prev_month, "next_month": next_month,
        "summary": summary, "page": page, "pass_mark": settings.CERT_EXAM_PASS_MARK,
    })


# Training sessions and rosters ---------------------------------------------------------------

@role_required("officer")
def training(request):
    quarter = _quarter_from(request, quarter_of(timezone.localdate()))
    sessions = _session_rows(list(sessions_with_seats(quarter)))
    rosters = list(_roster_counts(TrainingRoster.objects.filter(quarter=quarter).select_related("company")).order_by("company__name"))
    status_counts = defaultdict(int)
    for roster in rosters:
        status_counts[roster.status] += 1
    figures = {
        "sessions": len(sessions),
        "capacity": sum(s.capacity for s in sessions),
        "seats_taken": sum(s.seats_taken for s in sessions),
        "unplaced": sum(len(r.unplaced or []) for r in rosters),
        "submitted": status_counts["submitted"],
    }
    return render(request, "guards/lifecycle/training.html", {
        "quarter": _quarter_nav(quarter), "sessions": sessions, "rosters": rosters, "figures": figures,
    })


def _session_form_page(request, session: TrainingSession | None):
    if session is None:
        initial = {"quarter": _quarter_from(request, quarter_of(timezone.localdate())), "subject_areas": [DutyArea.PATROL]}
    else:
        initial = {f: getattr(session, f) for f in ("quarter", "held_on", "place", "subject_areas", "capacity", "trainer")}
    form = TrainingSessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, saved = _attempt(request, lambda: services.training_session_save(session=session, **form.cleaned_data), form=form)
        if ok:
            messages.success(request, _("Training session on %(day)s saved.") % {"day": saved.held_on.isoformat()})
            return redirect(f"{reverse('guards:training')}?quarter={saved.quarter}")
    return render(request, "guards/lifecycle/session_form.html", {"form": form, "session": session})


@role_required("officer")
def session_create(request):
    return _session_form_page(request, None)


@role_required("officer")
def session_update(request, pk):
    return _session_form_page(request, get_object_or_404(TrainingSession, pk=pk))


@require_POST
@role_required("officer")
def rosters_compile(request):
    quarter = _quarter_from(request, "")
    if not quarter:
        messages.error(request, _("Enter a quarter such as 2027Q1."))
        return redirect("guards:training")
    ok, rosters = _attempt(request, lambda: services.rosters_compile(quarter=quarter))
    if ok:
        if rosters:
            messages.success(request, _("%(n)d rosters compiled for %(q)s; managers are notified of new ones.") % {"n": len(rosters), "q": quarter})
        else:
            messages.warning(request, _("No company has active guards; nothing to compile."))
    return redirect(f"{reverse('guards:training')}?quarter={quarter}")


@role_required("officer", "manager")
def roster_list(request):
    scope = scope_for(request.user)
    rosters = _roster_counts(rosters_visible_to(request.user)).order_by("-quarter", "company__name")
    page = Paginator(rosters, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "guards/lifecycle/roster_list.html", {"page": page, "show_company": scope.is_officer})


def _roster_page(request, roster: TrainingRoster, *, return_form=None, status=200):
    scope = scope_for(request.user)
    today = timezone.localdate()
    entries = list(roster.entries.select_related("guard", "session").order_by("session__held_on", "session_id", "guard__name", "id"))
    sessions = _session_rows(list(sessions_with_seats(roster.quarter)))
    ours = defaultdict(list)
    for entry in entries:
        ours[entry.session_id].append(entry)
    cap = max(1, math.ceil(settings.ROSTER_MAX_SHARE * len(entries))) if entries else 0
    groups = [{"session": s, "entries": ours.get(s.pk, []), "count": len(ours.get(s.pk, [])), "past": s.held_on <= today} for s in sessions]
    can_edit = roster.editable and (scope.is_officer or scope.company_id == roster.company_id)
    targets = [s for s in sessions if s.held_on >= today and s.seats_taken < s.capacity and len(ours.get(s.pk, [])) < cap]
    unplaced = list(Guard.objects.filter(pk__in=roster.unplaced or []).order_by("name").values("pk", "name", "post"))
    attendance_rows = [e for e in entries if e.session.held_on <= today] if roster.status == TrainingRoster.Status.APPROVED else []
    recorded = sum(1 for e in entries if e.attended is not None)
    context = {
        "roster": roster,
        "groups": groups,
        "entry_count": len(entries),
        "recorded": recorded,
        "absent": sum(1 for e in entries if e.attended is False),
        "carried": sum(1 for e in entries if e.carried_over),
        "share_cap": cap,
        "unplaced": unplaced,
        "can_edit": can_edit,
        "move_targets": targets,
        "officer": scope.is_officer,
        "can_decide": scope.is_officer and roster.status == TrainingRoster.Status.SUBMITTED,
        "can_record": scope.is_officer and roster.status == TrainingRoster.Status.APPROVED,
        "can_lock": scope.is_officer and roster.status == TrainingRoster.Status.APPROVED and entries and recorded == len(entries),
        "attendance_rows": attendance_rows,
        "return_form": return_form or RosterReturnForm(),
        "today": today,
    }
    return render(request, "guards/lifecycle/roster_detail.html", context, status=status)


@role_required("officer", "manager")
def roster_detail(request, pk):
    roster = get_object_or_404(rosters_visible_to(request.user).select_related("decided_by"), pk=pk)
    return _roster_page(request, roster)


def _roster_for_post(request, pk) -> TrainingRoster:
    return get_object_or_404(rosters_visible_to(request.user), pk=pk)


@require_POST
@role_required("officer", "manager")
def roster_move(request, pk):
    roster = _roster_for_post(request, pk)
    entries = list(roster.entries.select_related("guard"))
    sessions = list(TrainingSession.objects.filter(quarter=roster.quarter))
    form = RosterMoveForm(request.POST, entries=entries, sessions=sessions)
    if not form.is_valid():
        messages.error(request, _("Choose a guard of this roster and a session of quarter %(q)s.") % {"q": roster.quarter})
    else:
        entry = next(e for e in entries if e.pk == form.cleaned_data["entry"])
        session = next(s for s in sessions if s.pk == form.cleaned_data["session"])
        ok, _moved = _attempt(request, lambda: services.roster_move_entry(entry=entry, session=session, by=request.user))
        if ok:
            messages.success(request, _("%(name)s moved to the session on %(day)s.") % {"name": entry.guard.name, "day": session.held_on.isoformat()})
    return redirect("guards:roster-detail", pk=roster.pk)


@require_POST
@role_required("officer", "manager")
def roster_submit(request, pk):
    roster = _roster_for_post(request, pk)
    ok, _r = _attempt(request, lambda: services.roster_submit(roster=roster, by=request.user))
    if ok:
        messages.success(request, _("Roster submitted to the office for approval."))
    return redirect("guards:roster-detail", pk=roster.pk)


@require_POST
@role_required("officer")
def roster_approve(request, pk):
    roster = _roster_for_post(request, pk)
    ok, _r = _attempt(request, lambda: services.roster_approve(roster=roster, by=request.user))
    if ok:
        messages.success(request, _("Roster of %(company)s approved.") % {"company": roster.company.name})
    return redirect("guards:roster-detail", pk=roster.pk)


@require_POST
@role_required("officer")
def roster_return(request, pk):
    roster = _roster_for_post(request, pk)
    form = RosterReturnForm(request.POST)
    if form.is_valid():
        ok, _r = _attempt(request, lambda: services.roster_return(roster=roster, reason=form.cleaned_data["reason"], by=request.user), form=form)
        if ok:
            messages.success(request, _("Roster returned to %(company)s with your reason.") % {"company": roster.company.name})
            return redirect("guards:roster-detail", pk=roster.pk)
    roster = get_object_or_404(rosters_visible_to(request.user).select_related("decided_by"), pk=pk)
    return _roster_page(request, roster, return_form=form, status=400)


@require_POST
@role_required("officer")
def roster_attendance(request, pk):
    roster = _roster_for_post(request, pk)
    try:
        shown = [int(v) for v in request.POST.getlist("entry")]
    except ValueError:
        shown = []
    if not shown:
        messages.error(request, _("No guard's attendance was sent."))
        return redirect("guards:roster-detail", pk=roster.pk)
    attended = set(request.POST.getlist("attended"))
    attendance = {entry_id: str(entry_id) in attended for entry_id in shown}
    ok, n = _attempt(request, lambda: services.roster_record_attendance(roster=roster, attendance=attendance, by=request.user))
    if ok:
        absent = sum(1 for v in attendance.values() if not v)
        messages.success(request, _("Attendance recorded for %(n)d guards (%(absent)d absent).") % {"n": n, "absent": absent})
    return redirect("guards:roster-detail", pk=roster.pk)


@require_POST
@role_required("officer")
def roster_lock(request, pk):
    roster = _roster_for_post(request, pk)
    ok, _r = _attempt(request, lambda: services.roster_lock(roster=roster, by=request.user))
    if ok:
        messages.success(request, _("Roster locked."))
    return redirect("guards:roster-detail", pk=roster.pk)


# Points --------------------------------------------------------------------------------------

def _rule_points() -> dict[str, int]:
    return dict(PointRule.objects.filter(active=True).values_list("kind", "points"))


def _points_page(request, *, rules_form=None, award_form=None, status=200):
    scope = scope_for(request.user)
    today = timezone.localdate()
    filters = PointsFilterForm(request.GET or None, with_company=scope.is_officer)
    page = Paginator(filters.apply(points_visible_to(request.user)), PAGE_SIZE).get_page(request.GET.get("page"))
    # The week shown: the one asked for, else the last complete week (points are tallied weekly).
    week_form = WeekForm(request.GET if request.GET.get("week") else None)
    monday = (week_form.cleaned_data.get("week") if week_form.is_valid() else None) or week_start(today) - datetime.timedelta(days=7)
    if not week_form.is_bound:
        week_form = WeekForm(initial={"week": iso_week_label(monday)})
    context = {
        "filters": filters, "page": page, "week_form": week_form, "monday": monday, "week_label": iso_week_label(monday),
        "sunday": monday + datetime.timedelta(days=6),
        "prev_week": iso_week_label(monday - datetime.timedelta(days=7)),
        "next_week": iso_week_label(monday + datetime.timedelta(days=7)) if monday + datetime.timedelta(days=7) <= today else None,
        "weekly": weekly_totals(request.user, monday), "officer": scope.is_officer,
    }
    if scope.is_officer:
        rules = list(PointRule.objects.order_by("kind"))
        context["rules_form"] = rules_form or PointRulesForm(rules=rules)
        context["award_form"] = award_form or PointsAwardForm(initial={"occurred_on": today, "kind": PointRule.Kind.COMMENDATION}, rules={})
        context["rule_points"] = {r.kind: r.points for r in rules if r.active}
    return render(request, "guards/lifecycle/points.html", context, status=status)


@role_required("officer", "manager")
def points(request):
    return _points_page(request)


@require_POST
@role_required("officer")
def point_rules(request):
    form = PointRulesForm(request.POST, rules=PointRule.objects.order_by("kind"))
    if form.is_valid():
        ok, changed = _attempt(request, lambda: form.save(by=request.user), form=form)
        if ok:
            messages.success(request, _("%(n)d point rules changed.") % {"n": changed} if changed else _("No rule changed."))
            return redirect("guards:points")
    return _points_page(request, rules_form=form, status=400)


@require_POST
@role_required("officer")
def points_award(request):
    form = PointsAwardForm(request.POST, rules=_rule_points())
    if form.is_valid():
        data = form.cleaned_data
        ok, entry = _attempt(request, lambda: services.points_award(
            guard_id=data["guard"].pk, kind=data["kind"], points=data["signed_points"], occurred_on=data["occurred_on"],
            reason=data["reason"], by=request.user,
        ), form=form)
        if ok:
            messages.success(request, _("%(points)+d points for %(name)s recorded.") % {"points": entry.points, "name": data["guard"].name})
            return redirect("guards:points")
    return _points_page(request, award_form=form, status=400)


# Payouts -------------------------------------------------------------------------------------

def _payout_list_page(request, *, form=None, status=200):
    scope = scope_for(request.user)
    runs = PayoutRun.objects.select_related("approved_by").order_by("-month")
    if scope.is_manager:
        own = Q(lines__company_id=scope.company_id)
        runs = runs.filter(status=PayoutRun.Status.APPROVED).annotate(
            own_guards=Count("lines", filter=own), own_points=Coalesce(Sum("lines__points", filter=own), 0),
            own_amount=Coalesce(Sum("lines__amount", filter=own), Value(Decimal("0")), output_field=DecimalField(max_digits=12, decimal_places=2)),
        )
    else:
        runs = runs.annotate(line_count=Count("lines"))
    page = Paginator(runs, 24).get_page(request.GET.get("page"))
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    context = {"page": page, "manager": scope.is_manager, "company_id": scope.company_id, "default_rate": settings.PAYOUT_YUAN_PER_POINT}
    if scope.is_officer:
        context["form"] = form or PayoutComputeForm(initial={"month": f"{last_month:%Y-%m}"})
    return render(request, "guards/lifecycle/payout_list.html", context, status=status)


@role_required("officer", "manager")
def payout_list(request):
    return _payout_list_page(request)


@require_POST
@role_required("officer")
def payout_compute(request):
    form = PayoutComputeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        ok, run = _attempt(request, lambda: services.payout_compute(month=data["month"], yuan_per_point=data["yuan_per_point"]), form=form)
        if ok:
            messages.success(request, _("Payout for %(m)s computed: %(amount)s yuan. Check it and approve.") % {"m": f"{run.month:%Y-%m}", "amount": run.total_amount})
            return redirect("guards:payout-detail", pk=run.pk)
    return _payout_list_page(request, form=form, status=400)


@role_required("officer")
def payout_detail(request, pk):
    run = get_object_or_404(PayoutRun.objects.select_related("approved_by"), pk=pk)
    companies = list(
        run.lines.values("company_id", "company__name")
        .annotate(guards=Count("id"), points=Sum("points"), amount=Sum("amount"))
        .order_by("company__name")
    )
    company_id = request.GET.get("company", "")
    lines = run.lines.select_related("guard", "company").order_by("company__name", "-points", "guard__name")
    chosen = next((c for c in companies if str(c["company_id"]) == company_id), None)
    if chosen:
        lines = lines.filter(company_id=chosen["company_id"])
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "guards/lifecycle/payout_detail.html", {"run": run, "companies": companies, "chosen": chosen, "page": page})


@require_POST
@role_required("officer")
def payout_approve(request, pk):
    run = get_object_or_404(PayoutRun, pk=pk)
    ok, run = _attempt(request, lambda: services.payout_approve(run=run, by=request.user))
    if ok:
        messages.success(request, _("Payout for %(m)s approved.") % {"m": f"{run.month:%Y-%m}"})
    return redirect("guards:payout-detail", pk=pk)


@role_required("officer", "manager")
def payout_export(request, pk, fmt):
    """The lines of one company (officers: any company or all; managers: their own, approved
    runs only) as CSV or XLSX."""
    scope = scope_for(request.user)
    runs = PayoutRun.objects.all() if scope.is_officer else PayoutRun.objects.filter(status=PayoutRun.Status.APPROVED)
    run = get_object_or_404(runs, pk=pk)
    lines = PayoutLine.objects.filter(run=run).select_related("guard", "company").order_by("company__name", "-points", "guard__name")
    company_id = scope.company_id if scope.is_manager else request.GET.get("company")
    suffix = "all"
    if company_id:
        try:
            lines = lines.filter(company_id=int(company_id))
        except (TypeError, ValueError):
            raise Http404 from None
        suffix = str(company_id)
    header = [_("Company"), _("Guard"), _("Phone"), _("Certificate number"), _("Points"), _("Amount (yuan)")]
    rows = [[ln.company.name, ln.guard.name, ln.guard.phone, ln.guard.certificate_number, ln.points, ln.amount] for ln in lines]
    filename = f"payout-{run.month:%Y-%m}-{suffix}"
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # so spreadsheet programs read the Chinese names as UTF-8
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows([[*r[:5], f"{r[5]:.2f}"] for r in rows])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(f"{run.month:%Y-%m}")
        sheet.append(header)
        for r in rows:
            sheet.append([*r[:5], float(r[5])])
        sheet.append([_("Total"), "", "", "", sum(r[4] for r in rows), float(sum((r[5] for r in rows), Decimal("0")))])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


# Assessments ---------------------------------------------------------------------------------

_PARTS = [
    ("attendance", 40), ("patrols", 20), ("exam", 20), ("training", 10), ("tips_and_disputes", 10), ("deductions", None),
]


def _default_assessment_quarter() -> str:
    return previous_quarter(quarter_of(timezone.localdate()))


def _pending_removals(quarter: str) -> int:
    return Assessment.objects.filter(
        quarter=quarter, applied_at__isnull=True, outcome=Assessment.Outcome.REMOVE
    ).exclude(guard__status=Guard.Status.REMOVED).count()


@role_required("officer")
def assessment_list(request):
    data = request.GET.copy()
    if not data.get("quarter"):
        data["quarter"] = _default_assessment_quarter()
    filters = AssessmentFilterForm(data)
    quarter = _default_assessment_quarter()
    qs = Assessment.objects.select_related("guard", "guard__company")
    if filters.is_valid():
        quarter = filters.cleaned_data.get("quarter") or quarter
    qs = qs.filter(quarter=quarter)
    counts = qs.aggregate(
        total=Count("id"), applied=Count("id", filter=Q(applied_at__isnull=False)),
        **{o: Count("id", filter=Q(outcome=o)) for o in Assessment.Outcome.values},
    )
    if filters.is_valid():
        if filters.cleaned_data.get("outcome"):
            qs = qs.filter(outcome=filters.cleaned_data["outcome"])
        term = (filters.cleaned_data.get("q") or "").strip()
        if term:
            qs = qs.filter(Q(guard__name__icontains=term) | Q(guard__phone__icontains=term))
    page = Paginator(qs.order_by("score", "guard__name"), PAGE_SIZE).get_page(request.GET.get("page"))
    for a in page.object_list:
        parts = (a.components or {}).get("parts", {})
        a.part_values = [parts.get(name) for name, _w in _PARTS]
    return render(request, "guards/lifecycle/assessment_list.html", {
        "filters": filters, "quarter": _quarter_nav(quarter), "counts": counts, "page": page,
        "parts": [{"name": n, "max": w} for n, w in _PARTS],
        "thresholds": {"pass": settings.ASSESSMENT_PASS_SCORE, "warning": settings.ASSESSMENT_WARNING_SCORE},
        "pending": counts["total"] - counts["applied"],
    })


@require_POST
@role_required("officer")
def assessment_run(request):
    quarter = _quarter_from(request, "")
    if not quarter:
        messages.error(request, _("Enter a quarter such as 2027Q1."))
        return redirect("guards:assessment-list")
    ok, counts = _attempt(request, lambda: services.assessments_run(quarter=quarter, by=request.user))
    if ok:
        messages.success(request, _("Assessment %(q)s scored: %(pass)d pass, %(warning)d warning, %(remove)d remove.") % {
            "q": quarter, "pass": counts.get("pass", 0), "warning": counts.get("warning", 0), "remove": counts.get("remove", 0),
        })
    return redirect(f"{reverse('guards:assessment-list')}?quarter={quarter}")


@role_required("officer")
def assessment_apply(request):
    quarter = _quarter_from(request, _default_assessment_quarter())
    pending = Assessment.objects.filter(quarter=quarter, applied_at__isnull=True).count()
    removals = _pending_removals(quarter)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to confirm."))
        elif not pending:
            messages.error(request, _("No assessment of %(q)s is waiting to be applied.") % {"q": quarter})
        else:
            ok, counts = _attempt(request, lambda: services.assessments_run(quarter=quarter, apply=True, by=request.user))
            if ok:
                messages.success(request, _("Outcomes of %(q)s applied: %(n)d guards removed, their equipment recalled.") % {
                    "q": quarter, "n": counts.get("remove", 0),
                })
                return redirect(f"{reverse('guards:assessment-list')}?quarter={quarter}")
    return render(request, "guards/lifecycle/assessment_apply.html", {
        "quarter": quarter, "pending": pending, "removals": removals,
        "recalls": Equipment.objects.filter(
            issued_to_guard__assessments__quarter=quarter, issued_to_guard__assessments__applied_at__isnull=True,
            issued_to_guard__assessments__outcome=Assessment.Outcome.REMOVE,
        ).filter(status=Equipment.Status.ISSUED).count(),
    })


# Equipment -----------------------------------------------------------------------------------

def _equipment_page(request, *, add_form=None, status=200):
    filters = EquipmentFilterForm(request.GET or None)
    items = filters.apply(Equipment.objects.select_related("issued_to_point", "issued_to_guard", "issued_to_guard__company"))
    page = Paginator(items.order_by("kind", "serial_number"), PAGE_SIZE).get_page(request.GET.get("page"))
    recalls = list(
        EquipmentRecall.objects.filter(returned_on__isnull=True)
        .select_related("equipment", "guard", "guard__company").order_by("opened_on", "id")
    )
    today = timezone.localdate()
    for recall in recalls:
        recall.days_open = (today - recall.opened_on).days
    counts = Equipment.objects.aggregate(
        total=Count("id"), **{s: Count("id", filter=Q(status=s)) for s in Equipment.Status.values}
    )
    return render(request, "guards/lifecycle/equipment_list.html", {
        "filters": filters, "page": page, "recalls": recalls, "counts": counts, "add_form": add_form or EquipmentAddForm(),
    }, status=status)


@role_required("officer")
def equipment_list(request):
    return _equipment_page(request)


@require_POST
@role_required("officer")
def equipment_add(request):
    form = EquipmentAddForm(request.POST)
    if form.is_valid():
        ok, item = _attempt(request, lambda: form.save(by=request.user), form=form)
        if ok:
            messages.success(request, _("%(item)s added to the store.") % {"item": item})
            return redirect("guards:equipment-issue", pk=item.pk)
    return _equipment_page(request, add_form=form, status=400)


@role_required("officer")
def equipment_issue(request, pk):
    item = get_object_or_404(Equipment.objects.select_related("issued_to_point", "issued_to_guard"), pk=pk)
    form = EquipmentIssueForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, issued = _attempt(request, lambda: services.equipment_issue(
            equipment=item, point=data.get("point"), guard=data.get("guard"), on=data["issued_on"], by=request.user,
        ), form=form)
        if ok:
            holder = issued.issued_to_guard or issued.issued_to_point
            messages.success(request, _("%(item)s issued to %(holder)s.") % {"item": issued, "holder": holder})
            return redirect("guards:equipment-list")
    return render(request, "guards/lifecycle/equipment_issue.html", {"item": item, "form": form})


@require_POST
@role_required("officer")
def equipment_return(request, pk):
    item = get_object_or_404(Equipment, pk=pk)
    ok, returned = _attempt(request, lambda: services.equipment_return(equipment=item, by=request.user))
    if ok:
        messages.success(request, _("%(item)s is back in store.") % {"item": returned})
    return _back(request, reverse("guards:equipment-list"))
