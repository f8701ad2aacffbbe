"""Pages for disputes and tips: the officer queue, lists, detail pages with timeline, map and action
buttons, and the guard's phone pages "report a dispute" / "report a tip". Managers get 403
everywhere here; a guard reaches only what they reported (404 otherwise).

Reads go through disputes.selectors, writes through disputes.services; a service's refusal becomes
what the person sees through config.forms.attempt."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import AuditEvent, audit_record
from accounts.permissions import role_required
from accounts.scoping import scope_for
from accounts.audit import audit_export
from config.exports import CHUNK, export_file, export_format, export_refused
from config.forms import attempt
from config.offline import FIELD as RECORDED_AT
from config.offline import from_outbox, outbox_answer, recorded_at_parse
from disputes import actions
from disputes import forms as f
from disputes import services
from disputes.exports import dispute_columns
from disputes.models import Dispute, Tip
from disputes.storage import private_storage
from disputes.thumbnails import attachment_thumbnail
from disputes.selectors import (
    dispute_follow_ups,
    dispute_list_search,
    dispute_list_visible_to,
    dispute_parties,
    dispute_possible_duplicates,
    dispute_sessions,
    dispute_timeline,
    dispute_tips,
    disputes_with_overdue,
    queue_for_officer,
    reports_for_guard,
    tip_attachment_get_visible_to,
    tip_attachments,
    tip_history,
    tip_list_search,
    tip_list_visible_to,
)
from disputes.services import DISPUTE_TRANSITIONS, TIP_TRANSITIONS

PAGE_SIZE = 50
QUEUE_SIZE = 20


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _pick_marker(item) -> dict:
    """The map marker of a dispute's or tip's own position."""
    return {"lat": float(item.latitude), "lng": float(item.longitude), "label": f"#{item.pk}", "kind": "pick"}


# --- queue and lists ---------------------------------------------------------------------------


@role_required("officer", "guard")
def queue(request):
    """Officers: new disputes, overdue disputes and new tips. Guards: their own reports."""
    if not scope_for(request.user).is_officer:
        return my_reports(request)
    return render(request, "disputes/queue.html", queue_for_officer(user=request.user, now=timezone.now(), size=QUEUE_SIZE))


def my_reports(request):
    context = reports_for_guard(user=request.user, now=timezone.now(), size=QUEUE_SIZE)
    return render(request, "disputes/my_reports.html", context)


@role_required("officer")
def dispute_list(request):
    filters = f.DisputeFilterForm(request.GET or None)
    if fmt := export_format(request):  # the same rows as the page, every page of them
        if filters.is_bound and not filters.is_valid():
            return export_refused(filters)
        rows = dispute_list_search(user=request.user, **filters.criteria()).iterator(chunk_size=CHUNK)
        audit_export(request=request, model=Dispute, what="disputes", fmt=fmt)
        return export_file(rows=rows, columns=dispute_columns(now=timezone.now()), fmt=fmt, name="disputes")
    page = _page(request, dispute_list_search(user=request.user, **filters.criteria()))
    page.object_list = disputes_with_overdue(page.object_list, now=timezone.now())
    return render(request, "disputes/dispute_list.html", {"filters": filters, "page": page})


@role_required("officer")
def tip_list(request):
    filters = f.TipFilterForm(request.GET or None)
    page = _page(request, tip_list_search(user=request.user, **filters.criteria()))
    return render(request, "disputes/tip_list.html", {"filters": filters, "page": page})


# --- reporting (officer forms and the guard's phone pages) ---------------------------------------


def _sent(name: str, pk: int, draft_key: str):
    """Redirect to the new item's page; ?sent= tells disputes.js to forget the form's draft."""
    return redirect(f"{reverse(name, args=[pk])}?sent={draft_key}")


def _recorded(request, when: str | None) -> dict:
    """The guard's phone pages: the time the phone recorded the report (sent later from its outbox)
    becomes the report's own time (`when`, a service argument). Raises ValidationError."""
    at = recorded_at_parse(request.POST.get(RECORDED_AT)) if when else None
    return {when: at} if at else {}


def _report_form(request, form_class, template, *, heading, draft_key, report, saved, detail, when=None):
    """A report form: `report` (a service) records the item, `saved(item)` says so, the browser goes
    to the `detail` page. A failed submit re-renders the bound form: nothing typed is lost. The
    phone's outbox (config/offline.py) gets the same answers in JSON."""
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        ok, item = attempt(request, lambda: report(by=request.user, **form.service_kwargs(), **_recorded(request, when)), form=form)
        if ok:
            messages.success(request, saved(item))
            if from_outbox(request):
                return outbox_answer(request, ok=True, url=reverse(detail, args=[item.pk]))
            return _sent(detail, item.pk, draft_key)
    if request.method == "POST" and from_outbox(request):
        return outbox_answer(request, ok=False, errors=form.errors)
    return render(request, template, {"form": form, "heading": heading})


def _dispute_form(request, form_class, template, *, heading, draft_key, phone=False):
    return _report_form(
        request, form_class, template, heading=heading, draft_key=draft_key, report=services.dispute_report,
        when="reported_at" if phone else None,
        saved=lambda d: _("Dispute #%(id)s saved and sent to %(point)s.") % {"id": d.pk, "point": d.liaison_point or "—"},
        detail="disputes:dispute-detail",
    )


def _tip_form(request, form_class, template, *, heading, draft_key, phone=False):
    return _report_form(
        request, form_class, template, heading=heading, draft_key=draft_key, report=services.tip_report,
        when="received_at" if phone else None,
        saved=lambda t: _("Tip #%(id)s received. Thank you.") % {"id": t.pk}, detail="disputes:tip-detail",
    )


@role_required("officer")
def dispute_create(request):
    return _dispute_form(request, f.DisputeForm, "disputes/dispute_form.html", heading=_("New dispute"), draft_key="dispute-new")


@role_required("guard")
def dispute_report(request):
    return _dispute_form(request, f.GuardDisputeForm, "disputes/guard_dispute_form.html", heading=_("Report a dispute"), draft_key="dispute-report", phone=True)


@role_required("officer")
def tip_create(request):
    return _tip_form(request, f.TipForm, "disputes/tip_form.html", heading=_("New tip from a volunteer"), draft_key="tip-new")


@role_required("guard")
def tip_report(request):
    return _tip_form(request, f.GuardTipForm, "disputes/guard_tip_form.html", heading=_("Report a tip"), draft_key="tip-report", phone=True)


# --- disputes ----------------------------------------------------------------------------------


@role_required("officer", "guard")
def dispute_detail(request, pk):
    dispute = get_object_or_404(dispute_list_visible_to(user=request.user), pk=pk)
    if not scope_for(request.user).is_officer:
        dispute.overdue = dispute.overdue_kind(timezone.now())
        return render(request, "disputes/dispute_detail_guard.html", {"dispute": dispute, "markers": _dispute_markers(dispute, with_point=False)})
    return _dispute_page(request, dispute)


def _dispute_markers(dispute: Dispute, *, with_point: bool) -> list[dict]:
    markers = [_pick_marker(dispute)] if dispute.latitude is not None else []
    point = dispute.liaison_point
    if with_point and point is not None:
        markers.append({"lat": float(point.latitude), "lng": float(point.longitude), "label": point.name, "kind": point.kind, "active": point.active})
    return markers


def _dispute_page(request, dispute: Dispute, *, bound=None, status: int = 200):
    """The officer's page of a dispute; `bound` = (action name, its refused form) shows that form as
    it was typed with its errors (status 400)."""
    now = timezone.now()
    dispute.overdue = dispute.overdue_kind(now)
    context = {
        "dispute": dispute,
        "parties": dispute_parties(dispute=dispute),
        "markers": _dispute_markers(dispute, with_point=True),
        "timeline": list(dispute_timeline(dispute=dispute)),
        "sessions": list(dispute_sessions(dispute=dispute)),
        "follow_ups": list(dispute_follow_ups(dispute=dispute)),
        "tips": dispute_tips(dispute=dispute),
        "duplicates": dispute_possible_duplicates(latitude=dispute.latitude, longitude=dispute.longitude, at=dispute.reported_at, exclude_id=dispute.pk)
        if dispute.is_open and dispute.latitude is not None else [],
        "allowed": DISPUTE_TRANSITIONS.get(dispute.status, ()),
        "can_reopen": dispute.status in Dispute.FINISHED_STATUSES,
        "forms": actions.dispute_forms(dispute, bound=bound),
        "refused": bound[0] if bound else "",
    }
    audit_record(request=request, kind=AuditEvent.Kind.VIEW_CONFIDENTIAL, obj=dispute, detail={"field": "parties"})
    return render(request, "disputes/dispute_detail.html", context, status=status)


@require_POST
@role_required("officer")
def dispute_action(request, pk, name):
    dispute = get_object_or_404(dispute_list_visible_to(user=request.user), pk=pk)
    ok, shown, form = actions.perform(request, actions.DISPUTE_ACTIONS, name, dispute)
    if not ok:
        dispute = get_object_or_404(dispute_list_visible_to(user=request.user), pk=pk)
        return _dispute_page(request, dispute, bound=(name, form), status=400)
    target = (shown or dispute).pk
    messages.success(request, _("Dispute #%(id)s updated.") % {"id": target})
    return redirect("disputes:dispute-detail", pk=target)


# --- tips --------------------------------------------------------------------------------------


@role_required("officer", "guard")
def tip_detail(request, pk):
    tip = get_object_or_404(tip_list_visible_to(user=request.user), pk=pk)
    if not scope_for(request.user).is_officer:
        markers = [_pick_marker(tip)] if tip.latitude is not None else []
        return render(request, "disputes/tip_detail_guard.html", {"tip": tip, "attachments": list(tip_attachments(tip=tip)), "markers": markers})
    return _tip_page(request, tip)


def _tip_page(request, tip: Tip, *, bound=None, status: int = 200):
    context = {
        "tip": tip,
        "attachments": list(tip_attachments(tip=tip)),
        "markers": [_pick_marker(tip)] if tip.latitude is not None else [],
        "history": tip_history(tip=tip),
        "allowed": TIP_TRANSITIONS.get(tip.status, ()),
        "forms": actions.tip_forms(tip, bound=bound),
    }
    audit_record(request=request, kind=AuditEvent.Kind.VIEW_CONFIDENTIAL, obj=tip, detail={"field": "source"})
    return render(request, "disputes/tip_detail.html", context, status=status)


@require_POST
@role_required("officer")
def tip_action(request, pk, name):
    tip = get_object_or_404(tip_list_visible_to(user=request.user), pk=pk)
    ok, opened, form = actions.perform(request, actions.TIP_ACTIONS, name, tip)
    if not ok:
        tip = get_object_or_404(tip_list_visible_to(user=request.user), pk=pk)
        return _tip_page(request, tip, bound=(name, form), status=400)
    if opened is not None:
        messages.success(request, _("Dispute #%(id)s opened from this tip.") % {"id": opened.pk})
        return redirect("disputes:dispute-detail", pk=opened.pk)
    messages.success(request, _("Tip #%(id)s updated.") % {"id": tip.pk})
    return redirect("disputes:tip-detail", pk=tip.pk)


@role_required("officer", "guard")
def tip_attachment(request, pk):
    """Stream an attachment to an officer, or to the guard who sent it. Never a public URL."""
    attachment = tip_attachment_get_visible_to(user=request.user, pk=pk)
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type, filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'"
    return response


@role_required("officer", "guard")
def tip_attachment_thumbnail(request, pk):
    """A photo's thumbnail, to the same people as the photo (disputes/thumbnails.py)."""
    attachment = tip_attachment_get_visible_to(user=request.user, pk=pk)
    name = attachment_thumbnail(attachment) if attachment is not None else None
    if name is None:
        raise Http404
    response = FileResponse(private_storage.open(name, "rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response
