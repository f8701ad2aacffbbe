"""Assessment and equipment pages: the quarter's scores, running and applying them, equipment and recalls."""
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from assessments import services
from assessments.forms import (
    AssessmentFilterForm,
    EquipmentAddForm,
    EquipmentFilterForm,
    EquipmentIssueForm,
)
from assessments.models import Assessment, Equipment, EquipmentRecall
from config.dates import previous_quarter, quarter_of
from config.forms import attempt
from config.pages import quarter_from_request, quarter_nav, redirect_back
from guards.models import Guard

PAGE_SIZE = 50


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
    return render(request, "assessments/assessment_list.html", {
        "filters": filters, "quarter": quarter_nav(quarter), "counts": counts, "page": page,
        "parts": [{"name": n, "max": w} for n, w in _PARTS],
        "thresholds": {"pass": settings.ASSESSMENT_PASS_SCORE, "warning": settings.ASSESSMENT_WARNING_SCORE},
        "pending": counts["total"] - counts["applied"],
    })


@require_POST
@role_required("officer")
def assessment_run(request):
    quarter = quarter_from_request(request, "")
    if not quarter:
        messages.error(request, _("Enter a quarter such as 2027Q1."))
        return redirect("assessments:assessment-list")
    ok, counts = attempt(request, lambda: services.assessments_run(quarter=quarter, by=request.user))
    if ok:
        messages.success(request, _("Assessment %(q)s scored: %(pass)d pass, %(warning)d warning, %(remove)d remove.") % {
            "q": quarter, "pass": counts.get("pass", 0), "warning": counts.get("warning", 0), "remove": counts.get("remove", 0),
        })
    return redirect(f"{reverse('assessments:assessment-list')}?quarter={quarter}")


@role_required("officer")
def assessment_apply(request):
    quarter = quarter_from_request(request, _default_assessment_quarter())
    pending = Assessment.objects.filter(quarter=quarter, applied_at__isnull=True).count()
    removals = _pending_removals(quarter)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to confirm."))
        elif not pending:
            messages.error(request, _("No assessment of %(q)s is waiting to be applied.") % {"q": quarter})
        else:
            ok, counts = attempt(request, lambda: services.assessments_run(quarter=quarter, apply=True, by=request.user))
            if ok:
                messages.success(request, _("Outcomes of %(q)s applied: %(n)d guards removed, their equipment recalled.") % {
                    "q": quarter, "n": counts.get("remove", 0),
                })
                return redirect(f"{reverse('assessments:assessment-list')}?quarter={quarter}")
    return render(request, "assessments/assessment_apply.html", {
        "quarter": quarter, "pending": pending, "removals": removals,
        "recalls": Equipment.objects.filter(
            issued_to_guard__assessments__quarter=quarter, issued_to_guard__assessments__applied_at__isnull=True,
            issued_to_guard__assessments__outcome=Assessment.Outcome.REMOVE,
        ).filter(status=Equipment.Status.ISSUED).count(),
    })


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
    return render(request, "assessments/equipment_list.html", {
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
        ok, item = attempt(request, lambda: form.save(by=request.user), form=form)
        if ok:
            messages.success(request, _("%(item)s added to the store.") % {"item": item})
            return redirect("assessments:equipment-issue", pk=item.pk)
    return _equipment_page(request, add_form=form, status=400)


@role_required("officer")
def equipment_issue(request, pk):
    item = get_object_or_404(Equipment.objects.select_related("issued_to_point", "issued_to_guard"), pk=pk)
    form = EquipmentIssueForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, issued = attempt(request, lambda: services.equipment_issue(
            equipment=item, point=data.get("point"), guard=data.get("guard"), on=data["issued_on"], by=request.user,
        ), form=form)
        if ok:
            holder = issued.issued_to_guard or issued.issued_to_point
            messages.success(request, _("%(item)s issued to %(holder)s.") % {"item": issued, "holder": holder})
            return redirect("assessments:equipment-list")
    return render(request, "assessments/equipment_issue.html", {"item": item, "form": form})


@require_POST
@role_required("officer")
def equipment_return(request, pk):
    item = get_object_or_404(Equipment, pk=pk)
    ok, returned = attempt(request, lambda: services.equipment_return(equipment=item, by=request.user))
    if ok:
        messages.success(request, _("%(item)s is back in store.") % {"item": returned})
    return redirect_back(request, reverse("assessments:equipment-list"))
