"""Pages for disputes and tips: the officer queue, lists, detail pages with timeline, map and action
buttons, and the guard's phone pages "report a dispute" / "report a tip". Managers get 403
everywhere here; a guard reaches only what they reported (404 otherwise).

Reads go through disputes.selectors, writes through disputes.services; a service's refusal becomes
what the person sees through config.forms.attempt."""
from django.contrib import messages
from django.core.exceptions import ValidationError
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
from config.forms import attempt
from disputes import forms as f
from disputes import services
from disputes.models import Dispute, Tip
from disputes.selectors import (
    dispute_follow_ups,
    dispute_list_search,
    dispute_list_visible_to,
    dispute_possible_duplicates,
    dispute_sessions,
    dispute_timeline,
    dispute_tips,
    disputes_with_overdue,
    helping_guard_get,
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


def _report_form(request, form_class, template, *, heading, draft_key, report, saved, detail):
    """A report form: `report` (a service) records the item, `saved(item)` says so, the browser goes
    to the `detail` page. A failed submit re-renders the bound form: nothing typed is lost."""
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        ok, item = attempt(request, lambda: report(by=request.user, **form.service_kwargs()), form=form)
        if ok:
            messages.success(request, saved(item))
            return _sent(detail, item.pk, draft_key)
    return render(request, template, {"form": form, "heading": heading})


def _dispute_form(request, form_class, template, *, heading, draft_key):
    return _report_form(
        request, form_class, template, heading=heading, draft_key=draft_key, report=services.dispute_report,
        saved=lambda d: _("Dispute #%(id)s saved and sent to %(point)s.") % {"id": d.pk, "point": d.liaison_point or "—"},
        detail="disputes:dispute-detail",
    )


def _tip_form(request, form_class, template, *, heading, draft_key):
    return _report_form(
        request, form_class, template, heading=heading, draft_key=draft_key, report=services.tip_report,
        saved=lambda t: _("Tip #%(id)s received. Thank you.") % {"id": t.pk}, detail="disputes:tip-detail",
    )


@role_required("officer")
def dispute_create(request):
    return _dispute_form(request, f.DisputeForm, "disputes/dispute_form.html", heading=_("New dispute"), draft_key="dispute-new")


@role_required("guard")
def dispute_report(request):
    return _dispute_form(request, f.GuardDisputeForm, "disputes/guard_dispute_form.html", heading=_("Report a dispute"), draft_key="dispute-report")


@role_required("officer")
def tip_create(request):
    return _tip_form(request, f.TipForm, "disputes/tip_form.html", heading=_("New tip from a volunteer"), draft_key="tip-new")


@role_required("guard")
def tip_report(request):
    return _tip_form(request, f.GuardTipForm, "disputes/guard_tip_form.html", heading=_("Report a tip"), draft_key="tip-report")


# --- action buttons of the detail pages ------------------------------------------------------------


def _valid(form_class, request) -> dict:
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationError({name: [str(e) for e in errs] for name, errs in form.errors.items()})
    return form.cleaned_data


def _perform(request, actions: dict, name: str, item):
    """Run the button `name` on `item`: check its small form, call its service. A refusal (an invalid
    form included) becomes a message through `attempt`. Returns attempt's (ok, result)."""
    if name not in actions:
        raise Http404
    form_class, call = actions[name]
    return attempt(request, lambda: call(request, item, _valid(form_class, request)))


def _dispute_transition(to: str):
    def call(request, dispute, data):
        services.dispute_transition(
            dispute=dispute, to=to, by=request.user, note=data.get("note", ""), escalated_to=data.get("escalated_to", ""),
            agreement=data.get("agreement", ""), helped_by=helping_guard_get(pk=data.get("helped_by")),
        )

    return call


def _dispute_reopen(request, dispute, data):
    services.dispute_reopen(dispute=dispute, by=request.user, reason=data["reason"])


def _dispute_reassign(request, dispute, data):
    services.dispute_reassign(dispute=dispute, point=data["liaison_point"], by=request.user, reason=data["reason"])


def _dispute_merge(request, dispute, data) -> Dispute:
    into = get_object_or_404(dispute_list_visible_to(user=request.user), pk=data["into"])
    return services.dispute_merge(duplicate=dispute, into=into, by=request.user, note=data["note"])


def _session_add(request, dispute, data):
    services.mediation_session_add(dispute=dispute, by=request.user, **data)


def _follow_up_record(request, dispute, data):
    follow_up = get_object_or_404(dispute_follow_ups(dispute=dispute), pk=data["follow_up"])
    services.follow_up_record(follow_up=follow_up, by=request.user, note=data["note"])


# name → (form, call(request, dispute, cleaned data) → the dispute to show next, None for this one)
_DISPUTE_ACTIONS = {
    "accept": (f.NoteForm, _dispute_transition(Dispute.Status.ACCEPTED)),
    "mediate": (f.NoteForm, _dispute_transition(Dispute.Status.MEDIATING)),
    "resolve": (f.ResolveForm, _dispute_transition(Dispute.Status.RESOLVED)),
    "escalate": (f.EscalateForm, _dispute_transition(Dispute.Status.ESCALATED)),
    "close": (f.NoteForm, _dispute_transition(Dispute.Status.CLOSED)),
    "reopen": (f.ReasonForm, _dispute_reopen),
    "reassign": (f.ReassignForm, _dispute_reassign),
    "merge": (f.MergeForm, _dispute_merge),
    "session": (f.SessionForm, _session_add),
    "follow-up": (f.FollowUpForm, _follow_up_record),
}


def _tip_transition(to: str):
    def call(request, tip, data):
        services.tip_transition(tip=tip, to=to, by=request.user, **data)

    return call


def _tip_rectification(request, tip, data):
    services.tip_set_rectification(tip=tip, by=request.user, **data)


def _tip_link(request, tip, data):
    dispute = get_object_or_404(dispute_list_visible_to(user=request.user), pk=data["dispute"])
    services.tip_link_dispute(tip=tip, dispute=dispute, by=request.user)


def _tip_start_dispute(request, tip, data) -> Dispute:
    return services.tip_start_dispute(
        tip=tip, by=request.user, category=data["category"], title=data["title"], parties=f.parse_parties(data["parties_text"])
    )


def _tip_attachment_add(request, tip, data):
    services.tip_attachment_add(tip=tip, upload=data["file"], by=request.user)


# name → (form, call(request, tip, cleaned data) → a dispute opened from the tip, else None)
_TIP_ACTIONS = {
    "verify": (f.NoteForm, _tip_transition(Tip.Status.VERIFIED)),
    "act": (f.NoteForm, _tip_transition(Tip.Status.ACTED)),
    "close": (f.TipCloseForm, _tip_transition(Tip.Status.CLOSED)),
    "unfounded": (f.NoteForm, _tip_transition(Tip.Status.UNFOUNDED)),
    "rectification": (f.RectificationForm, _tip_rectification),
    "link": (f.LinkDisputeForm, _tip_link),
    "start-dispute": (f.StartDisputeForm, _tip_start_dispute),
    "attachment": (f.AttachmentForm, _tip_attachment_add),
}


# --- disputes ----------------------------------------------------------------------------------


@role_required("officer", "guard")
def dispute_detail(request, pk):
    dispute = get_object_or_404(dispute_list_visible_to(user=request.user), pk=pk)
    now = timezone.now()
    dispute.overdue = dispute.overdue_kind(now)
    markers = [_pick_marker(dispute)]
    if not scope_for(request.user).is_officer:
        return render(request, "disputes/dispute_detail_guard.html", {"dispute": dispute, "markers": markers})
    point = dispute.liaison_point
    if point is not None:
        markers.append({"lat": float(point.latitude), "lng": float(point.longitude), "label": point.name, "kind": point.kind, "active": point.active})
    context = {
        "dispute": dispute,
        "markers": markers,
        "timeline": list(dispute_timeline(dispute=dispute)),
        "sessions": list(dispute_sessions(dispute=dispute)),
        "follow_ups": list(dispute_follow_ups(dispute=dispute)),
        "tips": dispute_tips(dispute=dispute),
        "duplicates": dispute_possible_duplicates(latitude=dispute.latitude, longitude=dispute.longitude, at=dispute.reported_at, exclude_id=dispute.pk)
        if dispute.is_open else [],
        "allowed": DISPUTE_TRANSITIONS.get(dispute.status, ()),
        "can_reopen": dispute.status in Dispute.FINISHED_STATUSES,
        "forms": {
            "note": f.NoteForm(), "resolve": f.ResolveForm(), "escalate": f.EscalateForm(), "reason": f.ReasonForm(),
            "reassign": f.ReassignForm(), "merge": f.MergeForm(), "session": f.SessionForm(initial={"held_at": timezone.localtime(now)}),
        },
    }
    audit_record(request=request, kind=AuditEvent.Kind.VIEW_CONFIDENTIAL, obj=dispute, detail={"field": "parties"})
    return render(request, "disputes/dispute_detail.html", context)


@require_POST
@role_required("officer")
def dispute_action(request, pk, name):
    dispute = get_object_or_404(dispute_list_visible_to(user=request.user), pk=pk)
    ok, shown = _perform(request, _DISPUTE_ACTIONS, name, dispute)
    target = (shown or dispute).pk
    if ok:
        messages.success(request, _("Dispute #%(id)s updated.") % {"id": target})
    return redirect("disputes:dispute-detail", pk=target)


# --- tips --------------------------------------------------------------------------------------


@role_required("officer", "guard")
def tip_detail(request, pk):
    tip = get_object_or_404(tip_list_visible_to(user=request.user), pk=pk)
    attachments = list(tip_attachments(tip=tip))
    markers = [_pick_marker(tip)] if tip.latitude is not None else []
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
    audit_record(request=request, kind=AuditEvent.Kind.VIEW_CONFIDENTIAL, obj=tip, detail={"field": "source"})
    return render(request, "disputes/tip_detail.html", context)


@require_POST
@role_required("officer")
def tip_action(request, pk, name):
    tip = get_object_or_404(tip_list_visible_to(user=request.user), pk=pk)
    ok, opened = _perform(request, _TIP_ACTIONS, name, tip)
    if ok and opened is not None:
        messages.success(request, _("Dispute #%(id)s opened from this tip.") % {"id": opened.pk})
        return redirect("disputes:dispute-detail", pk=opened.pk)
    if ok:
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
