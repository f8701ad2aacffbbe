"""Pages of the bulletins app: the weekly bulletin (archive, page, printable view and the officer's
actions on it), weekly case figures, the recipient list, and the county dashboard.

The dashboard lives here because it shows the bulletin's figures for the week so far, and only
bulletins may read every app; config/page_urls.py still names it `liaison_points:dashboard`.
Officers see everything; a company's manager reads the sent bulletins as their company's copy."""
import csv
import datetime
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from accounts.scoping import scope_for
from bulletins import selectors, services
from bulletins.emails import bulletin_context
from bulletins.forms import (
    CaseImportForm,
    CompileForm,
    PreviewForm,
    RecipientForm,
    SuggestionsForm,
)
from bulletins.models import BulletinDelivery, BulletinRecipient, WeeklyBulletin
from config.dates import iso_week_label, parse_iso_week
from config.exceptions import DomainError
from guards.forms import CertificateState
from guards.models import Guard, SecurityCompany
from guards.views import _guard_counts, _mark_certificates, _rate
from config.forms import add_service_errors
from liaison_points.models import LiaisonPoint, Township

ARCHIVE_PAGE_SIZE = 52


# Dashboard ------------------------------------------------------------------------------------

@role_required("officer")
def dashboard(request):
    today = timezone.localdate()
    counts = _guard_counts(Guard.objects.all(), today)
    expiring = _mark_certificates(
        list(
            Guard.objects.filter(CertificateState.q(CertificateState.EXPIRING, today), status=Guard.Status.ACTIVE)
            .select_related("company")
            .order_by("certificate_expires_on", "name")[:10]
        ),
        today,
    )
    figures = {
        "points_active": LiaisonPoint.objects.filter(active=True).count(),
        "guards_active": counts["active"],
        "companies": SecurityCompany.objects.filter(active=True).count(),
        "expiring": counts["expiring"],
        "expired": counts["expired"],
        "certificate_rate": _rate(counts["certified"], counts["active"]),
    }
    map_labels = {
        "officer": _("Officer"),
        "guards": _("Guards"),
        "open": _("Open page"),
        "closed": _("Closed"),
        "loading": _("Loading…"),
        "count": _("%(n)s points on the map"),
        "failed": _("The map data could not be loaded."),
    }
    context = {
        "figures": figures, "expiring": expiring, "map_labels": map_labels,
        "week_panel": selectors.dashboard_week_panel(today=today),
    }
    return render(request, "bulletins/dashboard.html", context)


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
        return get_object_or_404(SecurityCompany, pk=scope.company_id)
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
    existing = WeeklyBulletin.objects.filter(week_start=monday).values_list("status", flat=True).first()
    if existing == WeeklyBulletin.Status.SENT:
        messages.error(request, _("The bulletin of %(week)s has been sent; a sent bulletin is kept as it went out.") % {"week": label})
        return redirect("bulletins:detail", week=label)
    services.bulletin_compile(monday=monday)
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


def _officer_bulletin(week: str) -> WeeklyBulletin:
    return get_object_or_404(WeeklyBulletin, week_start=selectors.week_monday(week))


@require_POST
@role_required("officer")
def bulletin_suggestions(request, week):
    bulletin = _officer_bulletin(week)
    form = SuggestionsForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["text"]))
    else:
        try:
            services.bulletin_set_suggestions(bulletin=bulletin, text=form.cleaned_data["text"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Work suggestions saved."))
    return redirect(reverse("bulletins:detail", kwargs={"week": bulletin.week_label}) + "#suggestions")


@role_required("officer")
def bulletin_send(request, week):
    """GET: the confirm step (who will receive it). POST: send now."""
    bulletin = _officer_bulletin(week)
    if request.method == "POST":
        try:
            created = services.bulletin_send(bulletin=bulletin, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if created:
                messages.success(request, _("Bulletin %(week)s is going out to %(n)d recipients.") % {"week": bulletin.week_label, "n": created})
            else:
                messages.info(request, _("Every active recipient already has bulletin %(week)s; nobody was sent it twice.") % {"week": bulletin.week_label})
        return redirect(reverse("bulletins:detail", kwargs={"week": bulletin.week_label}) + "#deliveries")
    already = set(bulletin.deliveries.values_list("email", flat=True))
    recipients = list(selectors.recipient_list().filter(active=True))
    new = [r for r in recipients if r.email.lower() not in already]
    context = {"bulletin": bulletin, "new_recipients": new, "already": len(already), "compiled": bool(bulletin.figures)}
    return render(request, "bulletins/send_confirm.html", context)


@require_POST
@role_required("officer")
def delivery_retry(request, week, pk):
    delivery = get_object_or_404(BulletinDelivery, pk=pk, bulletin__week_start=selectors.week_monday(week))
    try:
        services.bulletin_delivery_retry(delivery=delivery)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The bulletin is being sent to %(email)s again.") % {"email": delivery.email})
    return redirect(reverse("bulletins:detail", kwargs={"week": week}) + "#deliveries")


# Case figures ---------------------------------------------------------------------------------

def _week_from_query(request) -> datetime.date:
    raw = request.GET.get("week", "").strip()
    if raw:
        try:
            return parse_iso_week(raw)
        except ValueError:
            messages.error(request, _("“%(week)s” is not a week such as 2026-W47; showing last week.") % {"week": raw})
    return services.last_week_monday()


def _grid_rows(monday, data=None, errors=None):
    rows = selectors.case_figure_grid(monday=monday)
    for row in rows:
        name = f"count_{row['township'].pk}"
        row["name"] = name
        row["value"] = data.get(name, "") if data is not None else ("" if row["count"] is None else row["count"])
        row["errors"] = (errors or {}).get(name, [])
    return rows


@role_required("officer")
def case_figures(request):
    monday = _week_from_query(request)
    errors, data = {}, None
    if request.method == "POST":
        try:
            monday = parse_iso_week(request.POST.get("week", ""))
        except ValueError:
            raise Http404("No such week.") from None
        data = request.POST
        errors = _save_grid(request, monday)
        if not errors:
            return redirect(f"{reverse('bulletins:cases')}?week={iso_week_label(monday)}")
        messages.error(request, _("Nothing was saved: correct the marked counts."))
    return _render_cases(request, monday, rows=_grid_rows(monday, data, errors), import_form=CaseImportForm())


def _save_grid(request, monday) -> dict:
    """Save every changed count in one transaction; any error saves nothing. Returns field errors."""
    errors, changed = {}, 0
    existing = {row["township"].pk: row["count"] for row in selectors.case_figure_grid(monday=monday)}
    townships = {t.pk: t for t in Township.objects.all()}
    try:
        with transaction.atomic():
            for pk, before in existing.items():
                name = f"count_{pk}"
                raw = request.POST.get(name, "").strip()
                if raw == "":
                    if before is not None:
                        errors[name] = [_("A figure entered before cannot be blanked: enter 0 or the right count.")]
                    continue
                if before is not None and raw == str(before):
                    continue
                try:
                    services.case_figure_set(township=townships[pk], monday=monday, count=raw, by=request.user)
                    changed += 1
                except ValidationError as exc:
                    errors[name] = [m for msgs in exc.message_dict.values() for m in msgs]
            if errors:
                raise _Rollback
    except _Rollback:
        return errors
    if changed:
        messages.success(request, _("%(n)d case figures saved for %(week)s.") % {"n": changed, "week": iso_week_label(monday)})
    else:
        messages.info(request, _("No figure changed."))
    return {}


class _Rollback(Exception):
    pass


def _render_cases(request, monday, *, rows, import_form, import_errors=None, status=200):
    today = timezone.localdate()
    context = {
        "week": iso_week_label(monday), "monday": monday, "sunday": monday + datetime.timedelta(days=6),
        "previous_week": iso_week_label(monday - datetime.timedelta(days=7)),
        "next_week": iso_week_label(monday + datetime.timedelta(days=7)) if monday + datetime.timedelta(days=7) <= today else None,
        "has_begun": selectors.week_has_begun(monday, today), "rows": rows,
        "import_form": import_form, "import_errors": import_errors or [],
        "reported": sum(1 for r in rows if r["count"] is not None),
    }
    return render(request, "bulletins/cases.html", context, status=status)


@require_POST
@role_required("officer")
def case_figures_import(request):
    monday = _week_from_query(request)
    form = CaseImportForm(request.POST, request.FILES)
    errors = []
    if form.is_valid():
        try:
            result = services.case_figures_import(data=form.cleaned_data["file"].read(), by=request.user)
        except ValidationError as exc:
            errors = exc.message_dict.get("file", exc.messages) if hasattr(exc, "error_dict") else exc.messages
        except DomainError as exc:
            errors = [exc.message]
        else:
            messages.success(request, _("Imported: %(created)d new and %(updated)d updated weekly figures.")
                             % {"created": result.created, "updated": result.updated})
            return redirect(f"{reverse('bulletins:cases')}?week={iso_week_label(monday)}")
    return _render_cases(request, monday, rows=_grid_rows(monday), import_form=form, import_errors=errors, status=400)


@role_required("officer")
def case_figures_template(request):
    """A CSV to fill in: one row per township for the week (last week by default)."""
    monday = _week_from_query(request)
    label = iso_week_label(monday)
    out = io.StringIO()
    out.write("\ufeff")  # so Excel reads the Chinese names as UTF-8
    writer = csv.writer(out)
    writer.writerow(["week", "township", "count", "township_name"])
    for code, name in Township.objects.order_by("code").values_list("code", "name"):
        writer.writerow([label, code, "", name])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="case-figures-{label}.csv"'
    return response


# Recipients -----------------------------------------------------------------------------------

@role_required("officer")
def recipient_list(request):
    recipients = list(selectors.recipient_list())
    context = {
        "recipients": recipients,
        "active_count": sum(1 for r in recipients if r.active),
    }
    return render(request, "bulletins/recipients.html", context)


def _recipient_form(request, recipient=None):
    form = RecipientForm(request.POST or None, instance=recipient)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            saved = services.recipient_save(recipient=recipient, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Recipient %(who)s saved.") % {"who": saved})
            return redirect("bulletins:recipients")
    return render(request, "bulletins/recipient_form.html", {"form": form, "recipient": recipient})


@role_required("officer")
def recipient_create(request):
    return _recipient_form(request)


@role_required("officer")
def recipient_update(request, pk):
    return _recipient_form(request, get_object_or_404(BulletinRecipient, pk=pk))


@require_POST
@role_required("officer")
def recipient_set_active(request, pk):
    recipient = get_object_or_404(BulletinRecipient, pk=pk)
    recipient = services.recipient_save(recipient=recipient, active=request.POST.get("active") == "1")
    if recipient.active:
        messages.success(request, _("%(who)s will receive the bulletin again.") % {"who": recipient})
    else:
        messages.success(request, _("%(who)s will no longer receive the bulletin.") % {"who": recipient})
    return redirect("bulletins:recipients")


@require_POST
@role_required("officer")
def recipients_sync(request):
    added = services.recipients_sync()
    if added:
        messages.success(request, _("%(n)d officers and managers added to the recipients.") % {"n": added})
    else:
        messages.info(request, _("Every officer and manager with an email address is already on the list."))
    return redirect("bulletins:recipients")
