"""Training pages: certificates and exams, sessions, quarterly rosters (compile, move, submit, approve, return,
attendance, lock). Reads through training.selectors, writes through training.services."""
import datetime
import math
from collections import defaultdict
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from accounts.scoping import scope_for
from config.dates import month_bounds, quarter_of
from config.form_fields import MonthField
from config.forms import attempt
from config.pages import percent, quarter_from_request, quarter_nav
from guards.forms import EXPIRY_WARNING_DAYS, CertificateState
from guards.models import Guard
from guards.selectors import company_list_with_counts_visible_to
from training import services
from training.forms import (
    ExamForm,
    RosterMoveForm,
    RosterReturnForm,
    TrainingSessionForm,
)
from training.models import CertificateExam, DutyArea, TrainingRoster, TrainingSession
from training.selectors import roster_counts, rosters_visible_to, sessions_with_seats

PAGE_SIZE = 50


EXPIRING_LIMIT = 50


_AREA_LABELS = dict(DutyArea.choices)


def _session_rows(sessions) -> list:
    for s in sessions:
        s.area_labels = [_AREA_LABELS.get(a, a) for a in s.subject_areas or []]
        s.seats_free = max(0, s.capacity - s.seats_taken)
        s.fill = min(100, round(100 * s.seats_taken / s.capacity)) if s.capacity else 0
    return sessions


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
        ok, exam = attempt(
            request, lambda: services.exam_record(guard=data["guard"], taken_on=data["taken_on"], score=data["score"], by=request.user), form=form
        )
        if ok:
            text = _("%(name)s passed with %(score)s; the certificate is valid.") if exam.passed else _("%(name)s scored %(score)s: not passed.")
            messages.success(request, text % {"name": data["guard"].name, "score": exam.score})
            return redirect(f"{reverse('training:certificates')}?month={exam.taken_on:%Y-%m}")

    companies = list(company_list_with_counts_visible_to(user=request.user, on=today).filter(guard_count__gt=0).order_by("name"))
    for company in companies:
        company.certificate_rate = percent(company.certified_count, company.guard_count)
    totals = {"guards": sum(c.guard_count for c in companies), "certified": sum(c.certified_count for c in companies)}
    totals["rate"] = percent(totals["certified"], totals["guards"])

    expiring_qs = Guard.objects.filter(CertificateState.q(CertificateState.EXPIRING, today), status=Guard.Status.ACTIVE)
    expiring = list(expiring_qs.select_related("company").order_by("certificate_expires_on", "name")[:EXPIRING_LIMIT])
    for guard in expiring:
        guard.days_left = (guard.certificate_expires_on - today).days
    expiring_total = len(expiring) if len(expiring) < EXPIRING_LIMIT else expiring_qs.count()

    first, last = month_bounds(month)
    exams_qs = CertificateExam.objects.filter(taken_on__range=(first, last))
    summary = exams_qs.aggregate(taken=Count("id"), passed=Count("id", filter=Q(passed=True)))
    summary["rate"] = percent(summary["passed"], summary["taken"])
    page = Paginator(exams_qs.select_related("guard", "guard__company").order_by("-taken_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    prev_month = (first - datetime.timedelta(days=1)).replace(day=1)
    next_month = (last + datetime.timedelta(days=1)) if last < today else None
    return render(request, "training/certificates.html", {
        "form": form, "companies": companies, "totals": totals, "expiring": expiring, "expiring_total": expiring_total,
        "warning_days": EXPIRY_WARNING_DAYS, "month": first, "prev_month": prev_month, "next_month": next_month,
        "summary": summary, "page": page, "pass_mark": settings.CERT_EXAM_PASS_MARK,
    })


@role_required("officer")
def training(request):
    quarter = quarter_from_request(request, quarter_of(timezone.localdate()))
    sessions = _session_rows(list(sessions_with_seats(quarter)))
    rosters = list(roster_counts(TrainingRoster.objects.filter(quarter=quarter).select_related("company")).order_by("company__name"))
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
    return render(request, "training/training.html", {
        "quarter": quarter_nav(quarter), "sessions": sessions, "rosters": rosters, "figures": figures,
    })


def _session_form_page(request, session: TrainingSession | None):
    if session is None:
        initial = {"quarter": quarter_from_request(request, quarter_of(timezone.localdate())), "subject_areas": [DutyArea.PATROL]}
    else:
        initial = {f: getattr(session, f) for f in ("kind", "quarter", "held_on", "place", "subject_areas", "capacity", "trainer")}
    form = TrainingSessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, saved = attempt(request, lambda: services.training_session_save(session=session, **form.cleaned_data), form=form)
        if ok:
            messages.success(request, _("Training session on %(day)s saved.") % {"day": saved.held_on.isoformat()})
            return redirect(f"{reverse('training:training')}?quarter={saved.quarter}")
    return render(request, "training/session_form.html", {"form": form, "session": session})


@role_required("officer")
def session_create(request):
    return _session_form_page(request, None)


@role_required("officer")
def session_update(request, pk):
    return _session_form_page(request, get_object_or_404(TrainingSession, pk=pk))


@require_POST
@role_required("officer")
def rosters_compile(request):
    quarter = quarter_from_request(request, "")
    if not quarter:
        messages.error(request, _("Enter a quarter such as 2027Q1."))
        return redirect("training:training")
    ok, rosters = attempt(request, lambda: services.rosters_compile(quarter=quarter))
    if ok:
        if rosters:
            messages.success(request, _("%(n)d rosters compiled for %(q)s; managers are notified of new ones.") % {"n": len(rosters), "q": quarter})
        else:
            messages.warning(request, _("No company has active guards; nothing to compile."))
    return redirect(f"{reverse('training:training')}?quarter={quarter}")


@role_required("officer", "manager")
def roster_list(request):
    scope = scope_for(request.user)
    rosters = roster_counts(rosters_visible_to(request.user)).order_by("-quarter", "company__name")
    status = request.GET.get("status", "")
    if status in TrainingRoster.Status.values:  # ?status=submitted: the rosters awaiting approval
        rosters = rosters.filter(status=status)
    page = Paginator(rosters, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/roster_list.html", {
        "page": page, "show_company": scope.is_officer, "status": status if status in TrainingRoster.Status.values else "",
        "statuses": TrainingRoster.Status.choices,
    })


def _roster_page(request, roster: TrainingRoster, *, return_form=None, status=200):
    scope = scope_for(request.user)
    today = timezone.localdate()
    entries = list(
        roster.entries.select_related("guard", "guard__liaison_point", "session").order_by("session__held_on", "session_id", "guard__name", "id")
    )
    sessions = _session_rows(list(sessions_with_seats(roster.quarter)))
    term = request.GET.get("q", "").strip()[:64]
    ours, shown = defaultdict(list), defaultdict(list)
    for entry in entries:
        ours[entry.session_id].append(entry)
        entry.id_tail = entry.guard.national_id[-4:]
        if _matches(entry, term):
            shown[entry.session_id].append(entry)
    cap = max(1, math.ceil(settings.ROSTER_MAX_SHARE * len(entries))) if entries else 0
    groups = [{"session": s, "entries": shown.get(s.pk, []), "count": len(ours.get(s.pk, [])), "past": s.held_on <= today} for s in sessions]
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
        "q": term,
        "shown_count": sum(len(v) for v in shown.values()),
    }
    return render(request, "training/roster_detail.html", context, status=status)


def _matches(entry, term: str) -> bool:
    """The roster page's search: a guard's name, post or liaison point contains the term, or the
    last four characters of the resident id (all the page shows of it) end with it."""
    if not term:
        return True
    guard, needle = entry.guard, term.casefold()
    point = guard.liaison_point.name if guard.liaison_point_id else ""
    if any(needle in text.casefold() for text in (guard.name, guard.post, point)):
        return True
    return len(term) <= 4 and entry.id_tail.casefold().endswith(needle)


@role_required("officer", "manager")
def roster_detail(request, pk):
    roster = get_object_or_404(rosters_visible_to(request.user).select_related("decided_by"), pk=pk)
    return _roster_page(request, roster)


def _roster_for_post(request, pk) -> TrainingRoster:
    return get_object_or_404(rosters_visible_to(request.user), pk=pk)


@require_POST
@role_required("officer", "manager")
def roster_move(request, pk):
    """Move the ticked guards to one session, all or none (the page without JavaScript; the page's
    script posts the same choice to the API's bulk-move and redraws in place)."""
    roster = _roster_for_post(request, pk)
    sessions = list(TrainingSession.objects.filter(quarter=roster.quarter))
    form = RosterMoveForm(request.POST, entry_ids=roster.entries.values_list("pk", flat=True), sessions=sessions)
    if not form.is_valid():
        messages.error(request, _("Choose guards of this roster and a session of quarter %(q)s.") % {"q": roster.quarter})
    else:
        session = next(s for s in sessions if s.pk == form.cleaned_data["session"])
        ok, moved = attempt(
            request, lambda: services.roster_move_entries(roster=roster, entry_ids=form.cleaned_data["entry"], session=session, by=request.user)
        )
        if ok:
            messages.success(request, ngettext(
                "%(n)d guard moved to the session on %(day)s.", "%(n)d guards moved to the session on %(day)s.", len(moved)
            ) % {"n": len(moved), "day": session.held_on.isoformat()})
    target = reverse("training:roster-detail", kwargs={"pk": roster.pk})
    term = request.POST.get("q", "").strip()
    return redirect(f"{target}?{urlencode({'q': term})}" if term else target)


@require_POST
@role_required("officer", "manager")
def roster_submit(request, pk):
    roster = _roster_for_post(request, pk)
    ok, _r = attempt(request, lambda: services.roster_submit(roster=roster, by=request.user))
    if ok:
        messages.success(request, _("Roster submitted to the office for approval."))
    return redirect("training:roster-detail", pk=roster.pk)


@require_POST
@role_required("officer")
def roster_approve(request, pk):
    roster = _roster_for_post(request, pk)
    ok, _r = attempt(request, lambda: services.roster_approve(roster=roster, by=request.user))
    if ok:
        messages.success(request, _("Roster of %(company)s approved.") % {"company": roster.company.name})
    return redirect("training:roster-detail", pk=roster.pk)


@require_POST
@role_required("officer")
def roster_return(request, pk):
    roster = _roster_for_post(request, pk)
    form = RosterReturnForm(request.POST)
    if form.is_valid():
        ok, _r = attempt(request, lambda: services.roster_return(roster=roster, reason=form.cleaned_data["reason"], by=request.user), form=form)
        if ok:
            messages.success(request, _("Roster returned to %(company)s with your reason.") % {"company": roster.company.name})
            return redirect("training:roster-detail", pk=roster.pk)
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
        return redirect("training:roster-detail", pk=roster.pk)
    attended = set(request.POST.getlist("attended"))
    attendance = {entry_id: str(entry_id) in attended for entry_id in shown}
    ok, n = attempt(request, lambda: services.roster_record_attendance(roster=roster, attendance=attendance, by=request.user))
    if ok:
        absent = sum(1 for v in attendance.values() if not v)
        messages.success(request, _("Attendance recorded for %(n)d guards (%(absent)d absent).") % {"n": n, "absent": absent})
    return redirect("training:roster-detail", pk=roster.pk)


@require_POST
@role_required("officer")
def roster_lock(request, pk):
    roster = _roster_for_post(request, pk)
    ok, _r = attempt(request, lambda: services.roster_lock(roster=roster, by=request.user))
    if ok:
        messages.success(request, _("Roster locked."))
    return redirect("training:roster-detail", pk=roster.pk)
