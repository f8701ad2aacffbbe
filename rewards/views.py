"""Points and payout pages: the ledger with weekly totals, point rules, awards, monthly payouts and their exports."""
import csv
import datetime
import io
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import AuditEvent, audit_record
from accounts.permissions import role_required
from accounts.scoping import scope_for
from config.dates import iso_week_label, week_start
from config.exports import safe_row
from config.forms import attempt
from rewards import services
from rewards.forms import (
    PayoutComputeForm,
    PointRulesForm,
    PointsAwardForm,
    PointsFilterForm,
    WeekForm,
)
from rewards.models import PayoutLine, PayoutRun, PointRule
from rewards.selectors import points_visible_to, weekly_totals
from rewards.views_rounds import scheme_in_use

payouts_in_use = scheme_in_use("payouts_enabled")

PAGE_SIZE = 50


WEEKLY_TOP = 20


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
    return render(request, "rewards/points.html", context, status=status)


@role_required("officer", "manager")
def points(request):
    return _points_page(request)


@require_POST
@role_required("officer")
def point_rules(request):
    form = PointRulesForm(request.POST, rules=PointRule.objects.order_by("kind"))
    if form.is_valid():
        ok, changed = attempt(request, lambda: form.save(by=request.user), form=form)
        if ok:
            messages.success(request, _("%(n)d point rules changed.") % {"n": changed} if changed else _("No rule changed."))
            return redirect("rewards:points")
    return _points_page(request, rules_form=form, status=400)


@require_POST
@role_required("officer")
def points_award(request):
    form = PointsAwardForm(request.POST, rules=_rule_points())
    if form.is_valid():
        data = form.cleaned_data
        ok, entry = attempt(request, lambda: services.points_award(
            guard_id=data["guard"].pk, kind=data["kind"], points=data["signed_points"], occurred_on=data["occurred_on"],
            reason=data["reason"], by=request.user,
        ), form=form)
        if ok:
            messages.success(request, _("%(points)+d points for %(name)s recorded.") % {"points": entry.points, "name": data["guard"].name})
            return redirect("rewards:points")
    return _points_page(request, award_form=form, status=400)


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
    return render(request, "rewards/payout_list.html", context, status=status)


@role_required("officer", "manager")
@payouts_in_use
def payout_list(request):
    return _payout_list_page(request)


@require_POST
@role_required("officer")
@payouts_in_use
def payout_compute(request):
    form = PayoutComputeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        ok, run = attempt(request, lambda: services.payout_compute(month=data["month"], yuan_per_point=data["yuan_per_point"]), form=form)
        if ok:
            messages.success(request, _("Payout for %(m)s computed: %(amount)s yuan. Check it and approve.") % {"m": f"{run.month:%Y-%m}", "amount": run.total_amount})
            return redirect("rewards:payout-detail", pk=run.pk)
    return _payout_list_page(request, form=form, status=400)


@role_required("officer")
@payouts_in_use
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
    return render(request, "rewards/payout_detail.html", {"run": run, "companies": companies, "chosen": chosen, "page": page})


@require_POST
@role_required("officer")
@payouts_in_use
def payout_approve(request, pk):
    run = get_object_or_404(PayoutRun, pk=pk)
    ok, run = attempt(request, lambda: services.payout_approve(run=run, by=request.user))
    if ok:
        messages.success(request, _("Payout for %(m)s approved.") % {"m": f"{run.month:%Y-%m}"})
    return redirect("rewards:payout-detail", pk=pk)


@role_required("officer", "manager")
@payouts_in_use
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
        writer.writerows([safe_row([*r[:5], f"{r[5]:.2f}"]) for r in rows])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(f"{run.month:%Y-%m}")
        sheet.append(header)
        for r in rows:
            sheet.append(safe_row([*r[:5], float(r[5])]))
        sheet.append([_("Total"), "", "", "", sum(r[4] for r in rows), float(sum((r[5] for r in rows), Decimal("0")))])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    audit_record(request=request, kind=AuditEvent.Kind.EXPORT, obj=run, detail={"what": "payout", "format": fmt, "company": suffix, "rows": len(rows)})
    return response
