"""The action buttons of the dispute and tip detail pages: for each, its small form and the service
it calls. disputes.views runs one through `perform` and, on a refusal, shows the detail page again
with that form bound: what was typed stays, each error beside its field."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from config.activity import ACTIVITY_FIELDS
from config.forms import attempt
from disputes import forms as f
from disputes import services
from disputes.models import Dispute, Tip
from disputes.selectors import dispute_follow_ups, dispute_list_visible_to, helping_guard_get


def perform(request, actions: dict, name: str, item):
    """Run the button `name` on `item`: bind its form; when valid, call its service through
    `attempt` (a refusal goes under the field it names, else at the top of that form).
    Returns (ok, result, form)."""
    if name not in actions:
        raise Http404
    form_class, call = actions[name]
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return False, None, form
    ok, result = attempt(request, lambda: call(request, item, form.cleaned_data), form=form)
    return ok, result, form


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


def _dispute_position(request, dispute, data):
    services.dispute_set_position(dispute=dispute, by=request.user, latitude=data["latitude"], longitude=data["longitude"])
    if dispute.routing_note:  # where adding the position sent it (or why it stayed)
        messages.info(request, dispute.routing_note)


def _session_add(request, dispute, data):
    services.mediation_session_add(dispute=dispute, by=request.user, **data)


def _follow_up_record(request, dispute, data):
    follow_up = get_object_or_404(dispute_follow_ups(dispute=dispute), pk=data["follow_up"])
    services.follow_up_record(follow_up=follow_up, by=request.user, note=data["note"])


# name → (form, call(request, dispute, cleaned data) → the dispute to show next, None for this one)
DISPUTE_ACTIONS = {
    "accept": (f.NoteForm, _dispute_transition(Dispute.Status.ACCEPTED)),
    "mediate": (f.NoteForm, _dispute_transition(Dispute.Status.MEDIATING)),
    "resolve": (f.ResolveForm, _dispute_transition(Dispute.Status.RESOLVED)),
    "escalate": (f.EscalateForm, _dispute_transition(Dispute.Status.ESCALATED)),
    "close": (f.NoteForm, _dispute_transition(Dispute.Status.CLOSED)),
    "reopen": (f.ReasonForm, _dispute_reopen),
    "reassign": (f.ReassignForm, _dispute_reassign),
    "merge": (f.MergeForm, _dispute_merge),
    "position": (f.PositionForm, _dispute_position),
    "session": (f.SessionForm, _session_add),
    "follow-up": (f.FollowUpForm, _follow_up_record),
}


def dispute_forms(dispute: Dispute, *, bound: tuple[str, object] | None = None) -> dict:
    """The empty form of every dispute action (one per button), the one just refused bound."""
    forms = {
        name.replace("-", "_"): form_class() for name, (form_class, _call) in DISPUTE_ACTIONS.items() if name not in ("session", "position")
    }
    forms["session"] = f.SessionForm(initial={"held_at": timezone.localtime()})
    forms["position"] = f.PositionForm(initial={"latitude": dispute.latitude, "longitude": dispute.longitude})
    if bound is not None:
        forms[bound[0].replace("-", "_")] = bound[1]
    return forms


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
        tip=tip, by=request.user, category=data["category"], title=data["title"], parties=f.parties_from_lines(data["parties_text"])
    )


def _tip_reopen(request, tip, data):
    services.tip_reopen(tip=tip, by=request.user, reason=data["reason"])


def _tip_attachment_add(request, tip, data):
    services.tip_attachment_add(tip=tip, upload=data["file"], by=request.user)


# name → (form, call(request, tip, cleaned data) → a dispute opened from the tip, else None)
TIP_ACTIONS = {
    "verify": (f.NoteForm, _tip_transition(Tip.Status.VERIFIED)),
    "act": (f.NoteForm, _tip_transition(Tip.Status.ACTED)),
    "close": (f.TipCloseForm, _tip_transition(Tip.Status.CLOSED)),
    "unfounded": (f.NoteForm, _tip_transition(Tip.Status.UNFOUNDED)),
    "reopen": (f.TipReopenForm, _tip_reopen),
    "rectification": (f.RectificationForm, _tip_rectification),
    "link": (f.LinkDisputeForm, _tip_link),
    "start-dispute": (f.StartDisputeForm, _tip_start_dispute),
    "attachment": (f.AttachmentForm, _tip_attachment_add),
}


def tip_forms(tip: Tip, *, bound: tuple[str, object] | None = None) -> dict:
    """The forms of the tip's buttons (keys as the template names them), the one refused bound."""
    forms = {
        "note": f.NoteForm(), "verify": f.NoteForm(), "act": f.NoteForm(), "unfounded": f.NoteForm(),
        # A reopened tip's outcome and counts are shown again: closing it anew keeps them unless edited.
        "close": f.TipCloseForm(initial={
            "outcome": tip.outcome, "case_number": tip.case_number, **{name: getattr(tip, name) for name in ACTIVITY_FIELDS},
        }),
        "reopen": f.TipReopenForm(),
        "rectification": f.RectificationForm(initial={
            "rectification_by": tip.rectification_by, "rectification_due": tip.rectification_due, "rectified": tip.rectified_at is not None,
        }),
        "link": f.LinkDisputeForm(), "start": f.StartDisputeForm(initial={"title": tip.place}), "attachment": f.AttachmentForm(),
    }
    if bound is not None:
        forms["start" if bound[0] == "start-dispute" else bound[0]] = bound[1]
    return forms
