"""Pages for disputes and tips: the officer queue, lists, detail pages with timeline, map and action
buttons, and the guard's phone pages "report a dispute" / "report a tip". Managers get 403
everywhere here; a guard reaches only what they reported (404 otherwise)."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from accounts.scoping import scope_for
from config.exceptions import DomainError
from disputes import forms as f
from disputes import services
from disputes.models import Dispute, DisputeFollowUp, Tip
from disputes.selectors import (
    dispute_follow_ups,
    dispute_list_visible_to,
    dispute_possible_duplicates,
    dispute_queue_counts,
    dispute_sessions,
    dispute_timeline,
    overdue_q,
    tip_attachment_get_visible_to,
    tip_attachments,
    tip_history,
    tip_list_visible_to,
)
from disputes.services import DISPUTE_TRANSITIONS, TIP_TRANSITIONS
from guards.models import Guard
from config.forms import add_service_errors

PAGE_SIZE = 50
QUEUE_SIZE = 20


def _shape_disputes(rows, now):
    rows = list(rows)
    for d in rows:
        d.overdue = d.overdue_kind(now)
    return rows


def _report_error(request, exc) -> None:
    if isinstance(exc, DomainError):
        messages.error(request, exc.message)
        return
    for field, errors in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
        for error in errors:
            messages.error(request, error)


# --- queue and lists ---------------------------------------------------------------------------


@role_required("officer", "guard")
def queue(request):
    """Officers: new disputes, overdue disputes and new tips. Guards: their own reports."""
    now = timezone.now()
    if not scope_for(request.user).is_officer:
        return my_reports(request)
    disputes = dispute_list_visible_to(user=request.user)
    context = {
        "counts": dispute_queue_counts(now=now),
        "new_disputes": _shape_disputes(disputes.filter(status=Dispute.Status.REPORTED).order_by("first_response_due", "id")[:QUEUE_SIZE], now),
        "overdue_disputes": _shape_disputes(disputes.filter(overdue_q(now)).order_by("resolution_due", "id")[:QUEUE_SIZE], now),
        "new_tips": list(tip_list_visible_to(user=request.user).filter(status=Tip.Status.RECEIVED).order_by("received_at", "id")[:QUEUE_SIZE]),
    }
    return render(request, "disputes/queue.html", context)


def my_reports(request):
    now = timezone.now()
    disputes = _shape_disputes(dispute_list_visible_to(user=request.user)[:QUEUE_SIZE], now)
    tips = list(tip_list_visible_to(user=request.user)[:QUEUE_SIZE])
    return render(request, "disputes/my_reports.html", {"disputes": disputes, "tips": tips})


@role_required("officer")
def dispute_list(request):
    filters = f.DisputeFilterForm(request.GET or None)
    rows = filters.apply(dispute_list_visible_to(user=request.user))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _shape_disputes(page.object_list, timezone.now())
    return render(request, "disputes/dispute_list.html", {"filters": filters, "page": page})


@role_required("officer")
def tip_list(request):
    filters = f.TipFilterForm(request.GET or None)
    rows = filters.apply(tip_list_visible_to(user=request.user))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "disputes/tip_list.html", {"filters": filters, "page": page})


# --- disputes ----------------------------------------------------------------------------------


@role_required("officer", "guard")
def dispute_detail(request, pk):
    dispute = get_object_or_404(dispute_list_visible_to(user=request.user), pk=pk)
    now = timezone.now()
    dispute.overdue = dispute.overdue_kind(now)
    markers = [{"lat": float(dispute.latitude), "lng": float(dispute.longitude), "label": f"#{dispute.pk}", "kind": "pick"}]
    if not scope_for(request.user).is_officer:
        return render(request, "disputes/dispute_detail_guard.html", {"dispute": dispute, "markers": markers})
    point = dispute.liaison_point
    if point is not None:
        markers.append({"lat": float(point.latitude), "lng": float(point.longitude), "label": point.name, "kind": point.kind, "active": point.active})
    allowed = DISPUTE_TRANSITIONS.get(dispute.status, ())
    context = {
        "dispute": dispute,
        "markers": markers,
        "timeline": list(dispute_timeline(dispute=dispute)),
        "sessions": list(dispute_sessions(dispute=dispute)),
        "follow_ups": list(dispute_follow_ups(dispute=dispute)),
        "tips": list(dispute.tips.select_related("liaison_point").order_by("received_at")),
        "duplicates": dispute_possible_duplicates(latitude=dispute.latitude, longitude=dispute.longitude, at=dispute.reported_at, exclude_id=dispute.pk)
        if dispute.is_open else [],
        "allowed": allowed,
        "can_reopen": dispute.status in Dispute.FINISHED_STATUSES,
        "forms": {
            "note": f.NoteForm(), "resolve": f.ResolveForm(), "escalate": f.EscalateForm(), "reason": f.ReasonForm(),
            "reassign": f.ReassignForm(), "merge": f.MergeForm(), "session": f.SessionForm(initial={"held_at": timezone.localtime(now)}),
        },
    }
    return render(request, "disputes/dispute_detail.html", context)


def _sent(name: str, pk: int, draft_key: str):
    """Redirect to the new item's page; ?sent= tells disputes.js to forget the form's draft."""
    return redirect(f"{reverse(name, args=[pk])}?sent={draft_key}")


def _dispute_form(request, form_class, template, *, heading, draft_key):
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dispute = services.dispute_report(by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Dispute #%(id)s saved and sent to %(point)s.") % {"id": dispute.pk, "point": dispute.liaison_point or "—"})
            return _sent("disputes:dispute-detail", dispute.pk, draft_key)
    # A failed submit re-renders the bound form: nothing typed is lost.
    return render(request, template, {"form": form, "heading": heading})


@role_required("officer")
def dispute_create(request):
    return _dispute_form(request, f.DisputeForm, "disputes/dispute_form.html", heading=_("New dispute"), draft_key="dispute-new")


@role_required("guard")
def dispute_report(request):
    return _dispute_form(request, f.GuardDisputeForm, "disputes/guard_dispute_form.html", heading=_("Report a dispute"), draft_key="dispute-report")


_TRANSITION_ACTIONS = {
    "accept": (Dispute.Status.ACCEPTED, f.NoteForm),
    "mediate": (Dispute.Status.MEDIATING, f.NoteForm),
    "resolve": (Dispute.Status.RESOLVED, f.ResolveForm),
    "escalate": (Dispute.Status.ESCALATED, f.EscalateForm),
    "close": (Dispute.Status.CLOSED, f.NoteForm),
}


@require_POST
@role_required("officer")
def dispute_action(request, pk, name):
    dispute = get_object_or_404(dispute_list_visible_to(user=request.user), pk=pk)
    target = dispute.pk
    try:
        if name in _TRANSITION_ACTIONS:
            to, form_class = _TRANSITION_ACTIONS[name]
            data = _valid(form_class, request)
            helped_by = Guard.objects.filter(pk=data.get("helped_by")).first() if data.get("helped_by") else None
            services.dispute_transition(
                dispute=dispute, to=to, by=request.user, note=data.get("note", ""), escalated_to=data.get("escalated_to", ""),
                agreement=data.get("agreement", ""), helped_by=helped_by,
            )
        elif name == "reopen":
            services.dispute_reopen(dispute=dispute, by=request.user, reason=_valid(f.ReasonForm, request)["reason"])
        elif name == "reassign":
            data = _valid(f.ReassignForm, request)
            services.dispute_reassign(dispute=dispute, point=data["liaison_point"], by=request.user, reason=data["reason"])
        elif name == "merge":
            data = _valid(f.MergeForm, request)
            into = get_object_or_404(Dispute, pk=data["into"])
            target = services.dispute_merge(duplicate=dispute, into=into, by=request.user, note=data["note"]).pk
        elif name == "session":
            services.mediation_session_add(dispute=dispute, by=request.user, **_valid(f.SessionForm, request))
        elif name == "follow-up":
            data = _valid(f.FollowUpForm, request)
            follow_up = get_object_or_404(DisputeFollowUp, pk=data["follow_up"], dispute=dispute)
            services.follow_up_record(follow_up=follow_up, by=request.user, note=data["note"])
        else:
            raise Http404
    except (ValidationError, DomainError) as exc:
        _report_error(request, exc)
    else:
        messages.success(request, _("Dispute #%(id)s updated.") % {"id": target})
    return redirect("disputes:dispute-detail", pk=target)


def _valid(form_class, request) -> dict:
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationError({name: [str(e) for e in errs] for name, errs in form.errors.items()})
    return form.cleaned_data


# --- tips --------------------------------------------------------------------------------------


@role_required("officer", "guard")
def tip_detail(request, pk):
    tip = get_object_or_404(tip_list_visible_to(user=request.user), pk=pk)
    attachments = list(tip_attachments(tip=tip))
    markers = []
    if tip.latitude is not None:
        markers.append({"lat": float(tip.latitude), "lng": float(tip.longitude), "label": f"#{tip.pk}", "kind": "pick"})
    if not scope_for(request.user).is_officer:
        return render(request, "disputes/tip_detail_guard.html", {"tip": tip, "attachments": attachments, "markers": markers})
    context = {
        "tip": tip,
        "attachments": attachments,
        "markers": markers,
        "history": tip_history(tip=tip),
        "allowed": TIP_TRANSITIONS.get(tip.status, ()),
        "forms": {
            "note": f.NoteForm(), "close": f.TipCloseForm(initial={"outcome": tip.outcome, "case_number": tip.case_number}),
            "rectification": f.RectificationForm(initial={
                "rectification_by": tip.rectification_by, "rectification_due": tip.rectification_due, "rectified": tip.rectified_at is not None,
            }),
            "link": f.LinkDisputeForm(), "start": f.StartDisputeForm(initial={"title": tip.place}), "attachment": f.AttachmentForm(),
        },
    }
    return render(request, "disputes/tip_detail.html", context)


def _tip_form(request, form_class, template, *, heading, draft_key):
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            tip = services.tip_report(by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Tip #%(id)s received. Thank you.") % {"id": tip.pk})
            return _sent("disputes:tip-detail", tip.pk, draft_key)
    return render(request, template, {"form": form, "heading": heading})


@role_required("officer")
def tip_create(request):
    return _tip_form(request, f.TipForm, "disputes/tip_form.html", heading=_("New tip from a volunteer"), draft_key="tip-new")


@role_required("guard")
def tip_report(request):
    return _tip_form(request, f.GuardTipForm, "disputes/guard_tip_form.html", heading=_("Report a tip"), draft_key="tip-report")


_TIP_TRANSITIONS = {
    "verify": (Tip.Status.VERIFIED, f.NoteForm),
    "act": (Tip.Status.ACTED, f.NoteForm),
    "close": (Tip.Status.CLOSED, f.TipCloseForm),
    "unfounded": (Tip.Status.UNFOUNDED, f.NoteForm),
}


@require_POST
@role_required("officer")
def tip_action(request, pk, name):
    tip = get_object_or_404(tip_list_visible_to(user=request.user), pk=pk)
    try:
        if name in _TIP_TRANSITIONS:
            to, form_class = _TIP_TRANSITIONS[name]
            data = _valid(form_class, request)
            services.tip_transition(tip=tip, to=to, by=request.user, **data)
        elif name == "rectification":
            services.tip_set_rectification(tip=tip, by=request.user, **_valid(f.RectificationForm, request))
        elif name == "link":
            dispute = get_object_or_404(Dispute, pk=_valid(f.LinkDisputeForm, request)["dispute"])
            services.tip_link_dispute(tip=tip, dispute=dispute, by=request.user)
        elif name == "start-dispute":
            data = _valid(f.StartDisputeForm, request)
            dispute = services.tip_start_dispute(
                tip=tip, by=request.user, category=data["category"], title=data["title"], parties=f.parse_parties(data["parties_text"])
            )
            messages.success(request, _("Dispute #%(id)s opened from this tip.") % {"id": dispute.pk})
            return redirect("disputes:dispute-detail", pk=dispute.pk)
        elif name == "attachment":
            services.tip_attachment_add(tip=tip, upload=_valid(f.AttachmentForm, request)["file"], by=request.user)
        else:
            raise Http404
    except (ValidationError, DomainError) as exc:
        _report_error(request, exc)
    else:
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

