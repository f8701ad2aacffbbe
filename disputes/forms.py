from django import forms
from django.utils.translation import gettext_lazy as _

from config import form_fields
from config.activity import ACTIVITY_FIELDS, ACTIVITY_LABELS, ACTIVITY_MAX

from disputes.attachments import ACCEPT_ATTR
from disputes.models import Dispute, DisputeCategory, DisputeParty, MediationSession, Tip
from disputes.parties import CN_PHONE, MAX_PARTIES, party_phone_validator
from liaison_points.models import LiaisonPoint
from liaison_points.selectors import township_list

YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
MINE = [("", _("County-wide")), ("yes", _("Only the points I am responsible for"))]
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


def parties_from_lines(text: str) -> list[dict]:
    """One party per line (the tip's "start a dispute" box): the line is the name or description;
    a Chinese phone number after the last comma is its phone. Nothing else is parsed."""
    parties = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        head, _sep, tail = line.replace("，", ",").rpartition(",")
        if head and CN_PHONE.match(tail.strip()):
            parties.append({"name": line[: len(head)].strip(), "phone": tail.strip()})
        else:
            parties.append({"name": line})
    return parties


class PartyForm(forms.Form):
    """One party row. A blank row (the spare ones) is skipped."""

    name = forms.CharField(label=_("Name or description"), max_length=100)
    role = forms.ChoiceField(label=_("Role"), choices=DisputeParty.Role.choices, initial=DisputeParty.Role.PARTY)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=32, required=False, validators=[party_phone_validator],
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))

    def has_changed(self):  # the role alone (pre-selected) does not make a row
        return bool((self.data.get(self.add_prefix("name")) or "").strip() or (self.data.get(self.add_prefix("phone")) or "").strip())


PartyFormSet = forms.formset_factory(PartyForm, extra=3, max_num=MAX_PARTIES, validate_max=True, absolute_max=MAX_PARTIES + 10)


class _DisputeBase(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=DisputeCategory.choices)
    title = forms.CharField(label=_("Summary"), max_length=120)
    place = forms.CharField(label=_("Place"), max_length=200, help_text=_("Address or a landmark."))
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False, widget=forms.NumberInput(attrs=_COORD))
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False, widget=forms.NumberInput(attrs=_COORD))
    # Not shown as an input: carries the errors about the parties as a whole (none named, too many),
    # shown beside the party rows (self.parties_formset, one PartyForm per row).
    parties = forms.CharField(required=False, widget=forms.HiddenInput, label=_("Parties"))
    description = forms.CharField(label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.parties_formset = PartyFormSet(data, prefix="parties")

    def clean(self):
        data = super().clean()
        if not self.parties_formset.is_valid():
            errors = self.parties_formset.non_form_errors()
            self.add_error("parties", list(errors) or _("Correct the party rows marked below."))
            return data
        rows = [row.cleaned_data for row in self.parties_formset.forms if row.has_changed() and row.cleaned_data]
        if not rows:
            self.add_error("parties", _("Name at least one party (a name or a description such as 摊主张某（男，约50岁）)."))
        data["parties"] = [{"name": r["name"], "role": r["role"], "phone": r.get("phone", "")} for r in rows]
        return data

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class DisputeForm(_DisputeBase):
    """Officer intake: for themselves or on behalf of a resident."""

    reported_by_kind = forms.ChoiceField(
        label=_("Reported by"), choices=[(Dispute.ReporterKind.OFFICER, _("Officer")), (Dispute.ReporterKind.RESIDENT, _("Resident"))]
    )
    reporter_name = forms.CharField(label=_("Resident's name"), max_length=64, required=False)
    reporter_phone = forms.CharField(label=_("Resident's phone"), max_length=32, required=False)
    township = forms.ModelChoiceField(
        label=_("Township"), queryset=township_list(), required=False, empty_label=_("— from the address —"),
        help_text=_("When the caller gives no map position: the dispute goes to this township's liaison point and is marked "
                    "\"position to be added\"."),
    )


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
    due = forms.ChoiceField(label=_("Due"), required=False, choices=[("", _("Any")), ("today", _("Due today or overdue"))])
    needs_position = forms.ChoiceField(label=_("Position to be added"), required=False, choices=YES_NO)
    mine = forms.ChoiceField(label=_("My points"), required=False, choices=MINE)


class TipFilterForm(_FilterForm):
    """Query string of the tip list; `disputes.selectors.tip_list_search` does the filtering."""

    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Place")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), ("open", _("Open")), *Tip.Status.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Tip.Kind.choices])
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", _("Any outcome")), *[c for c in Tip.Outcome.choices if c[0]]])
    township = forms.ModelChoiceField(label=_("Township"), queryset=township_list(), required=False, empty_label=_("All townships"))
    point = forms.ModelChoiceField(label=_("Liaison point"), queryset=LiaisonPoint.objects.order_by("code"), required=False, empty_label=_("All points"))
    mine = forms.ChoiceField(label=_("My points"), required=False, choices=MINE)


# --- small forms behind the action buttons of the detail pages ---------------------------------


def _activity_count(name: str) -> forms.IntegerField:
    return forms.IntegerField(label=ACTIVITY_LABELS[name], min_value=0, max_value=ACTIVITY_MAX, initial=0, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(NoteForm):
    agreement = forms.CharField(label=_("Agreement reached"), widget=forms.Textarea(attrs={"rows": 3}))
    helped_by = forms.IntegerField(label=_("Guard who helped (id)"), required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)


class EscalateForm(NoteForm):
    escalated_to = forms.ChoiceField(label=_("Escalated to"), choices=Dispute.EscalatedTo.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class TipReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=100, widget=forms.Textarea(attrs={"rows": 2}))


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


class PositionForm(forms.Form):
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, widget=forms.NumberInput(attrs=_COORD))
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, widget=forms.NumberInput(attrs=_COORD))


class FollowUpForm(NoteForm):
    follow_up = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)


class TipCloseForm(NoteForm):
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=Tip.Outcome.choices)
    case_number = forms.CharField(label=_("Case number"), max_length=40, required=False)
    suspects_caught = _activity_count("suspects_caught")
    fugitives_assisted = _activity_count("fugitives_assisted")
    residents_helped = _activity_count("residents_helped")
    three_defences_guided = _activity_count("three_defences_guided")

    def clean(self):
        data = super().clean()
        for name in ACTIVITY_FIELDS:
            if name in data:
                data[name] = data[name] or 0
        return data


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
    parties_text = forms.CharField(
        label=_("Parties"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: a name or a description, then a comma and the phone if known."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Photo or video"), allow_empty_file=True, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}))
