from django import forms
from django.utils.translation import gettext_lazy as _

from config import form_fields

from disputes.attachments import ACCEPT_ATTR
from disputes.models import Dispute, DisputeCategory, MediationSession, Tip
from liaison_points.models import LiaisonPoint
from liaison_points.selectors import township_list

YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
_COORD = {"step": "0.000001", "inputmode": "decimal"}


def _points():
    return LiaisonPoint.objects.filter(active=True).order_by("code")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos/videos in one input; each is checked by the service (type, size, not empty)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTR, "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [f for f in files if f]


def parse_parties(text: str) -> list[dict]:
    """One party per line: "name, phone, role" (phone and role optional; Chinese commas too)."""
    parties = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if not parts or not parts[0]:
            continue
        parties.append({"name": parts[0], "phone": parts[1] if len(parts) > 1 else "", "role": parts[2] if len(parts) > 2 else ""})
    return parties


def format_parties(parties) -> str:
    return "\n".join(", ".join(x for x in (p.get("name", ""), p.get("phone", ""), p.get("role", "")) if x) for p in parties or [])


class _DisputeBase(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=DisputeCategory.choices)
    title = forms.CharField(label=_("Summary"), max_length=120)
    place = forms.CharField(label=_("Place"), max_length=200, help_text=_("Address or a landmark."))
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False, widget=forms.NumberInput(attrs=_COORD))
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False, widget=forms.NumberInput(attrs=_COORD))
    parties_text = forms.CharField(
        label=_("Parties"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name, phone, role. Seen by officers only."),
    )
    description = forms.CharField(label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["parties"] = parse_parties(data.pop("parties_text", ""))
        return data


class DisputeForm(_DisputeBase):
    """Officer intake: for themselves or on behalf of a resident."""

    reported_by_kind = forms.ChoiceField(
        label=_("Reported by"), choices=[(Dispute.ReporterKind.OFFICER, _("Officer")), (Dispute.ReporterKind.RESIDENT, _("Resident"))]
    )
    reporter_name = forms.CharField(label=_("Resident's name"), max_length=64, required=False)
    reporter_phone = forms.CharField(label=_("Resident's phone"), max_length=32, required=False)


class GuardDisputeForm(_DisputeBase):
    """The guard's phone page. Without a position, the guard's post is used."""


class _TipBase(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Tip.Kind.choices)
    text = forms.CharField(label=_("What did you see?"), widget=forms.Textarea(attrs={"rows": 5}))
    place = forms.CharField(label=_("Place"), max_length=200)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False, widget=forms.NumberInput(attrs=_COORD))
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False, widget=forms.NumberInput(attrs=_COORD))
    attachments = MultipleFileField(label=_("Photos or videos"), help_text=_("JPEG, PNG, WebP, MP4 or QuickTime; up to 20 MB each."))

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["files"] = data.pop("attachments", [])
        return data


class TipForm(_TipBase):
    """Officer entry of a volunteer's tip."""

    volunteer_name = forms.CharField(label=_("Volunteer's name"), max_length=64)
    volunteer_phone = forms.CharField(label=_("Volunteer's phone"), max_length=32, required=False)

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "source_kind": Tip.SourceKind.VOLUNTEER}


class GuardTipForm(_TipBase):
    pass


class _FilterForm(forms.Form):
    def criteria(self) -> dict:
        """What the list selector filters on: the valid query string, else nothing (no filtering)."""
        return dict(self.cleaned_data) if self.is_valid() else {}


class DisputeFilterForm(_FilterForm):
    """Query string of the dispute list; `disputes.selectors.dispute_list_search` does the filtering."""

    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Summary or place")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), ("open", _("Open")), *Dispute.Status.choices])
    category = forms.ChoiceField(label=_("Category"), required=False, choices=[("", _("All categories")), *DisputeCategory.choices])
    township = forms.ModelChoiceField(label=_("Township"), queryset=township_list(), required=False, empty_label=_("All townships"))
    point = forms.ModelChoiceField(label=_("Liaison point"), queryset=LiaisonPoint.objects.order_by("code"), required=False, empty_label=_("All points"))
    overdue = forms.ChoiceField(label=_("Overdue"), required=False, choices=YES_NO)


class TipFilterForm(_FilterForm):
    """Query string of the tip list; `disputes.selectors.tip_list_search` does the filtering."""

    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Place")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), ("open", _("Open")), *Tip.Status.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Tip.Kind.choices])
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", _("Any outcome")), *[c for c in Tip.Outcome.choices if c[0]]])
    township = forms.ModelChoiceField(label=_("Township"), queryset=township_list(), required=False, empty_label=_("All townships"))
    point = forms.ModelChoiceField(label=_("Liaison point"), queryset=LiaisonPoint.objects.order_by("code"), required=False, empty_label=_("All points"))


# --- small forms behind the action buttons of the detail pages ---------------------------------


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(NoteForm):
    agreement = forms.CharField(label=_("Agreement reached"), widget=forms.Textarea(attrs={"rows": 3}))
    helped_by = forms.IntegerField(label=_("Guard who helped (id)"), required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)


class EscalateForm(NoteForm):
    escalated_to = forms.ChoiceField(label=_("Escalated to"), choices=Dispute.EscalatedTo.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReassignForm(ReasonForm):
    liaison_point = forms.ModelChoiceField(label=_("Liaison point"), queryset=LiaisonPoint.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["liaison_point"].queryset = _points()


class MergeForm(NoteForm):
    into = forms.IntegerField(label=_("Keep dispute number"), min_value=1, max_value=2**63 - 1)


class SessionForm(forms.Form):
    held_at = form_fields.DateTimeField(label=_("Held at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    result = forms.ChoiceField(label=_("Result"), choices=MediationSession.Result.choices)
    parties_present = forms.CharField(label=_("Parties present"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(NoteForm):
    follow_up = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)


class TipCloseForm(NoteForm):
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=Tip.Outcome.choices)
    case_number = forms.CharField(label=_("Case number"), max_length=40, required=False)


class RectificationForm(forms.Form):
    rectification_by = forms.CharField(label=_("Who rectifies"), max_length=120, required=False)
    rectification_due = form_fields.DateField(label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    rectified = forms.BooleanField(label=_("Rectified"), required=False)
    photo = forms.FileField(label=_("Photo"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}))


class LinkDisputeForm(forms.Form):
    dispute = forms.IntegerField(label=_("Dispute number"), min_value=1, max_value=2**63 - 1)


class StartDisputeForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=DisputeCategory.choices)
    title = forms.CharField(label=_("Summary"), max_length=120)
    parties_text = forms.CharField(label=_("Parties"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One per line: name, phone, role."))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Photo or video"), allow_empty_file=True, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}))
