"""Weekly preventable-case figures by township: the week's grid, the CSV import (a file goes in
whole or not at all) and the CSV template to fill in."""
import csv
import datetime
import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from bulletins import selectors, services
from bulletins.forms import CaseGridForm, CaseImportForm
from config.dates import iso_week_label, parse_iso_week
from config.exports import safe_row
from config.forms import attempt


def _week_from_query(request) -> datetime.date:
    raw = request.GET.get("week", "").strip()
    if raw:
        try:
            return parse_iso_week(raw)
        except ValueError:
            messages.error(request, _("“%(week)s” is not a week such as 2026-W47; showing last week.") % {"week": raw})
    return services.last_week_monday()


def _cases_url(monday: datetime.date) -> str:
    return f"{reverse('bulletins:cases')}?week={iso_week_label(monday)}"


def _grid(monday: datetime.date, data=None) -> CaseGridForm:
    return CaseGridForm(data, grid=selectors.case_figure_grid(monday=monday))


def _render_cases(request, monday, *, grid: CaseGridForm, import_form, import_errors=None, status=200):
    today = timezone.localdate()
    rows = grid.rows()
    next_monday = monday + datetime.timedelta(days=7)
    context = {
        "week": iso_week_label(monday), "monday": monday, "sunday": monday + datetime.timedelta(days=6),
        "previous_week": iso_week_label(monday - datetime.timedelta(days=7)),
        "next_week": iso_week_label(next_monday) if next_monday <= today else None,
        "has_begun": selectors.week_has_begun(monday, today), "rows": rows,
        "import_form": import_form, "import_errors": import_errors or [],
        "reported": sum(1 for r in rows if r["count"] is not None),
    }
    return render(request, "bulletins/cases.html", context, status=status)


@role_required("officer")
def case_figures(request):
    """GET: the week's grid. POST: save every changed count in one go; any error saves nothing."""
    if request.method != "POST":
        monday = _week_from_query(request)
        return _render_cases(request, monday, grid=_grid(monday), import_form=CaseImportForm())
    try:
        monday = parse_iso_week(request.POST.get("week", ""))
    except ValueError:
        raise Http404("No such week.") from None
    grid = _grid(monday, request.POST)
    if grid.is_valid():
        ok, changed = attempt(
            request, lambda: services.case_figures_set_week(monday=monday, counts=grid.counts(), by=request.user), form=grid
        )
        if ok:
            if changed:
                messages.success(request, _("%(n)d case figures saved for %(week)s.") % {"n": changed, "week": iso_week_label(monday)})
            else:
                messages.info(request, _("No figure changed."))
            return redirect(_cases_url(monday))
    messages.error(request, _("Nothing was saved: correct the marked counts."))
    return _render_cases(request, monday, grid=grid, import_form=CaseImportForm())


@require_POST
@role_required("officer")
def case_figures_import(request):
    monday = _week_from_query(request)
    form = CaseImportForm(request.POST, request.FILES)
    errors = []
    if form.is_valid():
        ok, result = attempt(
            request, lambda: services.case_figures_import(data=form.cleaned_data["file"].read(), by=request.user), form=form
        )
        if ok:
            messages.success(request, _("Imported: %(created)d new and %(updated)d updated weekly figures.")
                             % {"created": result.created, "updated": result.updated})
            return redirect(_cases_url(monday))
        errors = form.take_refusal()
    return _render_cases(request, monday, grid=_grid(monday), import_form=form, import_errors=errors, status=400)


@role_required("officer")
def case_figures_template(request):
    """A CSV to fill in: one row per township for the week (last week by default)."""
    monday = _week_from_query(request)
    label = iso_week_label(monday)
    out = io.StringIO()
    out.write("\ufeff")  # so Excel reads the Chinese names as UTF-8
    writer = csv.writer(out)
    writer.writerow(["week", "township", "count", "township_name"])
    for code, name in selectors.case_figure_template_townships():
        writer.writerow(safe_row([label, code, "", name]))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="case-figures-{label}.csv"'
    return response
