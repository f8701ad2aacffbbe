"""The weekly bulletin's pages: the archive, one week's bulletin and its printable copy, and the
officer's actions on it (compile, work suggestions, send, retry a delivery).

Officers see everything; a company's manager reads the sent bulletins as their company's copy."""
import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from accounts.scoping import scope_for
from bulletins import selectors, services
from bulletins.emails import bulletin_context
from bulletins.forms import CompileForm, PreviewForm, SuggestionsForm
from bulletins.models import WeeklyBulletin
from config.dates import iso_week_label
from config.forms import attempt
from guards.models import SecurityCompany

ARCHIVE_PAGE_SIZE = 52


def _detail_url(week: str, section: str) -> str:
    """The bulletin page of `week` (an ISO week label), scrolled to `section`."""
    return reverse("bulletins:detail", kwargs={"week": week}) + f"#{section}"


# Archive and one bulletin ---------------------------------------------------------------------

@role_required("officer", "manager")
def archive(request):
    bulletins = selectors.bulletin_list_visible_to(user=request.user)
    page = Paginator(bulletins, ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))
    for bulletin in page.object_list:
        bulletin.stats = selectors.delivery_stats(bulletin)
        bulletin.week_end = bulletin.week_start + datetime.timedelta(days=6)
    scope = scope_for(request.user)
    last_week = services.last_week_monday()
    context = {
        "page": page, "is_officer": scope.is_officer,
        "compile_form": CompileForm(initial={"week": iso_week_label(last_week)}) if scope.is_officer else None,
    }
    return render(request, "bulletins/archive.html", context)


def _company_for(request, scope) -> SecurityCompany | None:
    """The company whose copy is shown: a manager's own; for an officer, the one chosen to preview."""
    if scope.is_manager:
        return selectors.company_get(pk=scope.company_id)
    form = PreviewForm(request.GET)
    if request.GET.get("company") and form.is_valid():
        return form.cleaned_data["company"]
    return None


def _bulletin_or_404(request, week: str) -> tuple[WeeklyBulletin | None, datetime.date]:
    monday = selectors.week_monday(week)
    bulletin = selectors.bulletin_get_visible_to(user=request.user, monday=monday)
    if bulletin is None and not scope_for(request.user).is_officer:
        raise Http404("No bulletin for this week.")
    return bulletin, monday


@role_required("officer", "manager")
def bulletin_detail(request, week):
    bulletin, monday = _bulletin_or_404(request, week)
    scope = scope_for(request.user)
    label = iso_week_label(monday)
    if week != label:
        return redirect("bulletins:detail", week=label)
    context = {
        "week": label, "monday": monday, "sunday": monday + datetime.timedelta(days=6), "bulletin": bulletin,
        "is_officer": scope.is_officer, "has_begun": selectors.week_has_begun(monday),
    }
    if bulletin is not None and bulletin.figures:
        company = _company_for(request, scope)
        context.update(bulletin_context(bulletin=bulletin, company=company))
        context["compiled"] = True
    if scope.is_officer and bulletin is not None:
        context.update({
            "stats": selectors.delivery_stats(bulletin),
            "deliveries": list(selectors.delivery_list(bulletin=bulletin)),
            "suggestions_form": SuggestionsForm(initial={"text": bulletin.officer_suggestions}),
            "preview_form": PreviewForm(request.GET if request.GET.get("company") else None),
            "previous_week": iso_week_label(monday - datetime.timedelta(days=7)),
        })
    return render(request, "bulletins/detail.html", context)


@role_required("officer", "manager")
def bulletin_print(request, week):
    bulletin, monday = _bulletin_or_404(request, week)
    if bulletin is None or not bulletin.figures:
        raise Http404("This week's bulletin has not been compiled.")
    company = _company_for(request, scope_for(request.user))
    return render(request, "bulletins/print.html", bulletin_context(bulletin=bulletin, company=company))


# Officer actions on a bulletin ----------------------------------------------------------------

def _compile(request, monday: datetime.date):
    label = iso_week_label(monday)
    if not selectors.week_has_begun(monday):
        messages.error(request, _("Week %(week)s has not started yet: it can be compiled from Monday %(day)s.")
                       % {"week": label, "day": monday.isoformat()})
        return redirect("bulletins:archive")
    existing = selectors.bulletin_status_of_week(monday=monday)
    if existing == WeeklyBulletin.Status.SENT:
        messages.error(request, _("The bulletin of %(week)s has been sent; a sent bulletin is kept as it went out.") % {"week": label})
        return redirect("bulletins:detail", week=label)
    ok, _bulletin = attempt(request, lambda: services.bulletin_compile(monday=monday))
    if not ok:
        return redirect("bulletins:archive")
    if monday + datetime.timedelta(days=6) >= timezone.localdate():
        messages.warning(request, _("Bulletin %(week)s compiled; the week is not over yet, so its figures are the week so far.") % {"week": label})
    elif existing:
        messages.success(request, _("Bulletin %(week)s recompiled from the latest records.") % {"week": label})
    else:
        messages.success(request, _("Bulletin %(week)s compiled.") % {"week": label})
    return redirect("bulletins:detail", week=label)


@require_POST
@role_required("officer")
def bulletin_compile_any(request):
    """Compile the week typed on the archive page."""
    form = CompileForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["week"]))
        return redirect("bulletins:archive")
    return _compile(request, form.cleaned_data["week"])


@require_POST
@role_required("officer")
def bulletin_recompile(request, week):
    return _compile(request, selectors.week_monday(week))


@require_POST
@role_required("officer")
def bulletin_suggestions(request, week):
    bulletin = selectors.bulletin_get(monday=selectors.week_monday(week))
    form = SuggestionsForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["text"]))
    else:
        ok, _saved = attempt(request, lambda: services.bulletin_set_suggestions(bulletin=bulletin, text=form.cleaned_data["text"]))
        if ok:
            messages.success(request, _("Work suggestions saved."))
    return redirect(_detail_url(bulletin.week_label, "suggestions"))


@role_required("officer")
def bulletin_send(request, week):
    """GET: the confirm step (who will receive it). POST: send now."""
    bulletin = selectors.bulletin_get(monday=selectors.week_monday(week))
    if request.method == "POST":
        ok, created = attempt(request, lambda: services.bulletin_send(bulletin=bulletin, by=request.user))
        if ok and created:
            messages.success(request, _("Bulletin %(week)s is going out to %(n)d recipients.") % {"week": bulletin.week_label, "n": created})
        elif ok:
            messages.info(request, _("Every active recipient already has bulletin %(week)s; nobody was sent it twice.") % {"week": bulletin.week_label})
        return redirect(_detail_url(bulletin.week_label, "deliveries"))
    new, already = selectors.bulletin_send_preview(bulletin=bulletin)
    context = {"bulletin": bulletin, "new_recipients": new, "already": already, "compiled": bool(bulletin.figures)}
    return render(request, "bulletins/send_confirm.html", context)


@require_POST
@role_required("officer")
def delivery_retry(request, week, pk):
    delivery = selectors.delivery_get(pk=pk, monday=selectors.week_monday(week))
    ok, _retried = attempt(request, lambda: services.bulletin_delivery_retry(delivery=delivery))
    if ok:
        messages.success(request, _("The bulletin is being sent to %(email)s again.") % {"email": delivery.email})
    return redirect(_detail_url(week, "deliveries"))
