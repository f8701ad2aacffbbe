"""Officer and manager pages for companies and guards. (The county dashboard, which also shows the
bulletin's figures of the week, lives in bulletins.views and reuses the guard counts below.)

Every fetch goes through the scoping selectors: a record outside the viewer's scope is a 404."""
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.audit import AuditEvent, audit_record
from accounts.permissions import role_required
from accounts.scoping import scope_for
from accounts.audit import audit_export
from config.exports import CHUNK, export_file, export_format, export_refused
from config.forms import add_service_errors
from guards.exports import guard_columns
from guards import services
from guards.forms import CertificateState, EXPIRY_WARNING_DAYS, GuardFilterForm, GuardForm, GuardPointForm
from guards.models import Guard, SecurityCompany
from guards.panels import guard_panels
from guards.selectors import company_list_visible_to, company_list_with_counts_visible_to, guard_list_visible_to, manager_list
from guards.validators import mask_national_id
from liaison_points.models import LiaisonPoint

PAGE_SIZE = 50
HISTORY_LIMIT = 30


def _mark_certificates(guards, today=None):
    today = today or timezone.localdate()
    for guard in guards:
        guard.cert_state = CertificateState.of(guard, today)
        guard.cert_label = CertificateState.labels[guard.cert_state]
    return guards


def _guard_counts(qs, today) -> dict:
    """Active/suspended/removed, certified and expiring-soon counts of a guard queryset, one query."""
    soon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    active = Q(status=Guard.Status.ACTIVE)
    return qs.aggregate(
        active=Count("pk", filter=active),
        suspended=Count("pk", filter=Q(status=Guard.Status.SUSPENDED)),
        removed=Count("pk", filter=Q(status=Guard.Status.REMOVED)),
        certified=Count("pk", filter=active & CertificateState.q(CertificateState.VALID, today)),
        expiring=Count("pk", filter=active & CertificateState.q(CertificateState.EXPIRING, today)),
        expired=Count("pk", filter=active & CertificateState.q(CertificateState.EXPIRED, today)),
    ) | {"soon": soon}


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@role_required("officer")
def company_list(request):
    companies = company_list_with_counts_visible_to(user=request.user)
    term = request.GET.get("q", "").strip()
    if term:
        companies = companies.filter(Q(name__icontains=term) | Q(licence_number__icontains=term) | Q(responsible_leader__icontains=term))
    page = Paginator(companies.order_by("name"), PAGE_SIZE).get_page(request.GET.get("page"))
    for company in page.object_list:
        company.certificate_rate = percent(company.certified_count, company.guard_count)
    return render(request, "guards/company_list.html", {"page": page, "q": term})


@role_required("officer", "manager")
def company_detail(request, pk):
    company = get_object_or_404(company_list_visible_to(user=request.user), pk=pk)
    today = timezone.localdate()
    counts = _guard_counts(Guard.objects.filter(company=company), today)
    counts["certificate_rate"] = percent(counts["certified"], counts["active"])
    managers = list(manager_list().filter(company=company).order_by("user__name", "user__username"))
    filters = GuardFilterForm(request.GET or None, with_company=False)
    guards = filters.apply(guard_list_visible_to(user=request.user).filter(company=company))
    page = Paginator(guards, PAGE_SIZE).get_page(request.GET.get("page"))
    _mark_certificates(page.object_list, today)
    return render(
        request,
        "guards/company_detail.html",
        {"company": company, "counts": counts, "managers": managers, "filters": filters, "page": page},
    )


@role_required("officer", "manager")
def guard_list(request):
    scope = scope_for(request.user)
    filters = GuardFilterForm(request.GET or None, with_company=scope.is_officer)
    guards = filters.apply(guard_list_visible_to(user=request.user))
    if fmt := export_format(request):  # the same rows as the page, every page of them
        if filters.is_bound and not filters.is_valid():
            return export_refused(filters)
        audit_export(request=request, model=Guard, what="guards", fmt=fmt)
        return export_file(rows=guards.iterator(chunk_size=CHUNK), columns=guard_columns(show_company=scope.is_officer), fmt=fmt, name="guards")
    page = Paginator(guards, PAGE_SIZE).get_page(request.GET.get("page"))
    _mark_certificates(page.object_list)
    return render(request, "guards/guard_list.html", {"filters": filters, "page": page})


@role_required("officer", "manager", "guard")
def guard_detail(request, pk):
    scope = scope_for(request.user)
    guard = get_object_or_404(
        guard_list_visible_to(user=request.user).select_related("liaison_point__responsible_officer__user", "user"), pk=pk
    )
    _mark_certificates([guard])
    context = {
        "guard": guard,
        "national_id": guard.national_id if scope.is_officer else guard.national_id_masked,
        "history": _history_rows(guard, officer=scope.is_officer) if not scope.is_guard else None,
        "point_form": GuardPointForm(initial={"point": guard.liaison_point_id if guard.point_pinned else None})
        if scope.is_officer
        else None,
        "can_edit": scope.is_officer or scope.is_manager,
        "markers": _guard_markers(guard),
        "panels": guard_panels(guard, today=timezone.localdate()),  # registered by the apps above guards
    }
    if scope.is_officer:  # the full resident id is on the page
        audit_record(request=request, kind=AuditEvent.Kind.VIEW_CONFIDENTIAL, obj=guard, detail={"field": "national_id"})
    return render(request, "guards/guard_detail.html", context)


def _guard_markers(guard: Guard) -> list[dict]:
    markers = [{"lat": float(guard.post_latitude), "lng": float(guard.post_longitude), "label": guard.post, "kind": "guard"}]
    point = guard.liaison_point
    if point is not None:
        markers.append({"lat": float(point.latitude), "lng": float(point.longitude), "label": point.name, "kind": point.kind, "active": point.active})
    return markers


@role_required("officer", "manager")
def guard_create(request):
    scope = scope_for(request.user)
    form = GuardForm(request.POST or None, instance=Guard(company_id=scope.company_id), officer=scope.is_officer)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if not scope.is_officer:
            fields["company_id"] = scope.company_id  # a manager adds guards to their own company only
        try:
            guard = services.guard_create(by=request.user, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Guard %(name)s added.") % {"name": guard.name})
            return redirect("guards:guard-detail", pk=guard.pk)
    return render(request, "guards/guard_form.html", {"form": form, "guard": None})


@role_required("officer", "manager")
def guard_update(request, pk):
    scope = scope_for(request.user)
    guards = guard_list_visible_to(user=request.user)
    guard = get_object_or_404(guards, pk=pk)
    heading = guard.name  # before the form writes the submitted values onto the instance
    form = GuardForm(request.POST or None, instance=guard, officer=scope.is_officer)
    if request.method == "POST" and form.is_valid():
        # The form has written its values onto `guard`; the service compares against the stored row.
        stored = get_object_or_404(guards, pk=pk)
        try:
            stored = services.guard_update(guard=stored, by=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Guard %(name)s saved.") % {"name": stored.name})
            return redirect("guards:guard-detail", pk=stored.pk)
    return render(request, "guards/guard_form.html", {"form": form, "guard": guard, "heading": heading})


@require_POST
@role_required("officer")
def guard_set_point(request, pk):
    guard = get_object_or_404(guard_list_visible_to(user=request.user), pk=pk)
    form = GuardPointForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an active liaison point."))
        return redirect("guards:guard-detail", pk=guard.pk)
    point = form.cleaned_data["point"]
    try:
        guard = services.guard_set_point(guard=guard, point=point, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if point is None:
            messages.success(request, _("%(name)s now follows the nearest active liaison point.") % {"name": guard.name})
        else:
            messages.success(request, _("%(name)s is now attached to %(point)s.") % {"name": guard.name, "point": point})
    return redirect("guards:guard-detail", pk=guard.pk)


# Change history ------------------------------------------------------------------------------

_HISTORY_HIDDEN = {"id", "created_at", "updated_at"}
_HISTORY_TYPES = {"+": gettext_lazy("Created"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}


def _history_rows(guard: Guard, *, officer: bool) -> list[dict]:
    """The guard's latest changes, newest first, each with the fields that changed (old → new).

    Two queries at most, whatever the number of rows: the history records with their users, and
    the names of the companies and points they mention."""
    records = list(guard.history.select_related("history_user").order_by("-history_date", "-history_id")[: HISTORY_LIMIT + 1])
    fields = [f for f in Guard._meta.concrete_fields if f.name not in _HISTORY_HIDDEN]
    rows, fk_ids = [], {"company": set(), "liaison_point": set(), "user": set()}
    for newer, older in zip(records, records[1:] + [None]):
        changes = []
        for field in fields if older is not None else ():  # a creation lists no fields
            new, old = getattr(newer, field.attname), getattr(older, field.attname)
            if new == old:
                continue
            changes.append({"field": field, "old": old, "new": new})
            if field.name in fk_ids:
                fk_ids[field.name].update(v for v in (old, new) if v is not None)
        rows.append(
            {
                "when": newer.history_date,
                "who": newer.history_user,
                "type": _HISTORY_TYPES.get(newer.history_type, newer.history_type),
                "reason": newer.history_change_reason,
                "changes": changes,
            }
        )
    rows = rows[:HISTORY_LIMIT]
    names = _fk_names(fk_ids)
    for row in rows:
        for change in row["changes"]:
            change["label"] = capfirst(change["field"].verbose_name)
            change["old"] = _display(change["field"], change["old"], names, officer)
            change["new"] = _display(change["field"], change["new"], names, officer)
    return rows


def _fk_names(fk_ids: dict) -> dict:
    names = {}
    ids = fk_ids["company"]
    if ids:
        names["company"] = dict(SecurityCompany.objects.filter(pk__in=ids).values_list("pk", "name"))
    ids = fk_ids["liaison_point"]
    if ids:
        names["liaison_point"] = {pk: f"{code} {name}" for pk, code, name in LiaisonPoint.objects.filter(pk__in=ids).values_list("pk", "code", "name")}
    return names


def _display(field, value, names: dict, officer: bool) -> str:
    if value is None or value == "":
        return "—"
    if field.name == "national_id" and not officer:
        return mask_national_id(value)
    if field.name == "user":
        return _("linked") if value else "—"
    if field.name in names:
        return names[field.name].get(value, f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)
