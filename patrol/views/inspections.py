"""Venue inspections by the police joint group: the filtered list and the record/update form."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from accounts.audit import audit_export
from config.exports import CHUNK, export_file, export_format, export_refused
from config.forms import attempt
from patrol.exports import inspection_columns
from patrol import services
from patrol.forms import InspectionFilterForm, InspectionForm
from patrol.inspections import VenueInspection
from patrol.selectors import inspection_list
from patrol.views.common import PAGE_SIZE, officer_profile_id


@role_required("officer")
def inspection_list_view(request):
    filters = InspectionFilterForm(request.GET or None)
    if fmt := export_format(request):  # the same rows as the page, every page of them
        if filters.is_bound and not filters.is_valid():
            return export_refused(filters)
        rows = filters.apply(inspection_list()).iterator(chunk_size=CHUNK)
        audit_export(request=request, model=VenueInspection, what="inspections", fmt=fmt)
        return export_file(rows=rows, columns=inspection_columns(), fmt=fmt, name="inspections")
    page = Paginator(filters.apply(inspection_list()), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "patrol/inspection_list.html", {"filters": filters, "page": page, "today": timezone.localdate()})


@role_required("officer")
def inspection_create(request):
    return _inspection_form(request, None)


@role_required("officer")
def inspection_update(request, pk):
    return _inspection_form(request, get_object_or_404(inspection_list(), pk=pk))


def _inspection_form(request, inspection):
    if request.method == "POST":
        form = InspectionForm(request.POST, inspection=inspection)
    elif inspection is not None:
        form = InspectionForm(initial=InspectionForm.initial_for(inspection), inspection=inspection)
    else:
        profile_id = officer_profile_id(request.user)
        form = InspectionForm(initial={"inspected_on": timezone.localdate(), "inspectors": [profile_id] if profile_id else []})
    if form.is_bound and form.is_valid():
        ok, saved = attempt(request, lambda: services.inspection_save(
            inspection=inspection, inspector_ids=form.inspector_ids(), by=request.user, **form.service_fields()
        ), form=form)
        if ok:
            messages.success(request, _("Inspection of %(venue)s saved.") % {"venue": saved.venue})
            return redirect("patrol:inspection-list")
    return render(request, "patrol/inspection_form.html", {"form": form, "inspection": inspection})
