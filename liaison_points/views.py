"""Officer pages for liaison points. The county dashboard, which counts guards, lives in
bulletins.views (this app never imports guards); the attached guards of a point are read through
the reverse relation `point.guards`."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from config.forms import attempt
from liaison_points.forms import LiaisonPointForm, PointFilterForm
from liaison_points.models import LiaisonPoint
from liaison_points.selectors import liaison_point_guards, liaison_point_list, liaison_point_list_by_code
from liaison_points.services import liaison_point_save

PAGE_SIZE = 50
GUARDS_PAGE_SIZE = 25


@role_required("officer")
def point_list(request):
    filters = PointFilterForm(request.GET or None)
    points = filters.apply(liaison_point_list_by_code())
    page = Paginator(points, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "liaison_points/point_list.html", {"filters": filters, "page": page})


@role_required("officer")
def point_detail(request, pk):
    point = get_object_or_404(liaison_point_list(), pk=pk)
    page = Paginator(liaison_point_guards(point=point), GUARDS_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for guard in page.object_list:
        guard.certificate_ok = guard.certificate_valid_on(today)
    markers = [{"lat": float(point.latitude), "lng": float(point.longitude), "label": point.name, "kind": point.kind, "active": point.active}]
    return render(request, "liaison_points/point_detail.html", {"point": point, "page": page, "markers": markers})


@role_required("officer")
def point_create(request):
    return _point_form(request, LiaisonPoint())


@role_required("officer")
def point_update(request, pk):
    return _point_form(request, get_object_or_404(liaison_point_list(with_guard_counts=False), pk=pk))


def _point_form(request, point):
    is_new = point.pk is None
    heading = str(point)  # before the form writes the submitted values onto the instance
    form = LiaisonPointForm(request.POST or None, instance=point)
    if request.method == "POST" and form.is_valid():
        ok, saved = attempt(request, lambda: liaison_point_save(point=form.save(commit=False)), form=form)
        if ok:
            messages.success(request, _("Liaison point %(point)s saved.") % {"point": saved})
            return redirect("liaison_points:point-detail", pk=saved.pk)
    return render(request, "liaison_points/point_form.html", {"form": form, "point": point, "is_new": is_new, "heading": heading})
