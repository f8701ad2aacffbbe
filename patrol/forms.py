"""Forms of the patrol pages. They parse and shape input only; every rule (deployability, GeoJSON,
end after start, checkpoints of the point) is judged by patrol.services, whose ValidationErrors
the views put back under these fields through `config.forms.attempt`."""
import datetime

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from config import form_fields
from config.activity import ACTIVITY_FIELDS, ACTIVITY_LABELS, ACTIVITY_MAX

from guards.models import SecurityCompany
from liaison_points.models import LiaisonPoint
from liaison_points.selectors import officer_list, township_list, zone_list
from patrol.models import WEEKDAY_CHOICES, Checkpoint, Patrol, PatrolKind, PublicityTopic, VenueInspection
from patrol.selectors import liaison_point_list_active

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


class IdListField(forms.MultipleChoiceField):
    """A list of ids whose choices are drawn by the template (the team chooser). Any integer is
    accepted here, so an unknown or non-deployable guard reaches the service, which says why."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=(), **kwargs)

    def valid_value(self, value):
        return str(value).isdigit()

    def clean(self, value):
        values = super().clean(value)
        return [int(v) for v in values]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        for v in value:
            if not self.valid_value(v):
                raise forms.ValidationError(_("%(value)s is not a guard id.") % {"value": v}, code="invalid_choice")


def _datetime_local(label):
    return form_fields.DateTimeField(
        label=label,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(format=DATETIME_LOCAL, attrs={"type": "datetime-local"}),
    )


class FilterForm(forms.Form):
    """A list page's filters: each filled field named in `lookups` narrows the rows by its lookup,
    and `narrow()` adds what a plain lookup cannot say. Invalid filters narrow nothing."""

    lookups: dict[str, str] = {}

    def apply(self, qs):
        if not self.is_valid():
            return qs
        for name, lookup in self.lookups.items():
            if self.cleaned_data[name]:
                qs = qs.filter(**{lookup: self.cleaned_data[name]})
        return self.narrow(qs, self.cleaned_data)

    def narrow(self, qs, data):
        return qs


class WeekFilterForm(FilterForm):
    """Filters of the week view; the week itself travels as ?week=2026-W47."""

    point = forms.ModelChoiceField(label=_("Liaison point"), queryset=LiaisonPoint.objects.order_by("code"), required=False, empty_label=_("All points"))
    township = forms.ModelChoiceField(label=_("Township"), queryset=township_list(), required=False, empty_label=_("All townships"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), *Patrol.Status.choices])
    past_end = forms.ChoiceField(
        label=_("Past their end"), required=False, choices=[("", _("Any")), ("open", _("Past their end, still open"))],
    )

    lookups = {"point": "liaison_point", "township": "liaison_point__township", "status": "status"}

    def narrow(self, qs, data):
        if data.get("past_end") == "open":
            from django.utils import timezone

            qs = qs.filter(status__in=[Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY], planned_end__lt=timezone.now())
        return qs


class PlanningForm(forms.Form):
    """What planning one patrol and a recurring plan share: point, leader, kind, team, checkpoints
    (their choices drawn from `checkpoints`) and the drawn area, and the service's arguments."""

    liaison_point = forms.ModelChoiceField(label=_("Liaison point"), queryset=liaison_point_list_active())
    leader = forms.ModelChoiceField(
        label=_("Leading officer"), queryset=officer_list(), required=False, empty_label=_("None: led by a unit"),
    )
    lead_company = forms.ModelChoiceField(
        label=_("Lead unit"), queryset=SecurityCompany.objects.filter(active=True).order_by("name"), required=False,
        empty_label=_("None: led by an officer"), help_text=_("A patrol is led by an officer or by a unit, not both."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=PatrolKind.choices, initial=PatrolKind.FOOT)
    guards = IdListField(label=_("Team"))
    checkpoints = forms.ModelMultipleChoiceField(
        label=_("Checkpoints"), queryset=Checkpoint.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    area = forms.CharField(label=_("Grid cell or route"), required=False, widget=forms.HiddenInput)

    SERVICE_FIELDS: tuple[str, ...] = ("liaison_point", "leader", "lead_company", "kind")

    def __init__(self, *args, checkpoints=None, **kwargs):
        super().__init__(*args, **kwargs)
        if checkpoints is not None:
            self.fields["checkpoints"].queryset = checkpoints

    def clean_checkpoints(self):
        return [c.pk for c in self.cleaned_data["checkpoints"]]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            **{name: data[name] for name in self.SERVICE_FIELDS},
            "area": data["area"] or None, "guard_ids": data["guards"], "checkpoint_ids": data["checkpoints"],
        }


class PatrolPlanForm(PlanningForm):
    planned_start = _datetime_local(_("Planned start"))
    planned_end = _datetime_local(_("Planned end"))
    lead_guards = IdListField(label=_("Lead unit guards"))
    team_leader = forms.IntegerField(
        label=_("Team leader"), required=False, min_value=1, max_value=2**63 - 1, widget=forms.Select,
        help_text=_("For a patrol led by a unit: its guard who leads the team."),
    )
    zone = forms.ModelChoiceField(
        label=_("Zone"), queryset=zone_list(), required=False, empty_label=_("Not a zone patrol"),
        help_text=_("A zone patrol counts toward every liaison point of the zone."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = [
        "liaison_point", "leader", "lead_company", "team_leader", "zone", "kind", "planned_start", "planned_end",
        "guards", "lead_guards", "checkpoints", "area", "notes",
    ]
    SERVICE_FIELDS = (*PlanningForm.SERVICE_FIELDS, "zone", "planned_start", "planned_end", "notes")

    def clean(self):
        data = super().clean()
        data["guards"] = sorted(set(data.get("guards") or []) | set(data.get("lead_guards") or []))
        return data

    def service_fields(self) -> dict:
        return {**super().service_fields(), "lead_guard_ids": self.cleaned_data["lead_guards"], "team_leader_id": self.cleaned_data["team_leader"]}


def activity_count_field(name: str) -> forms.IntegerField:
    """One activity count of a patrol's report (config.activity), blank meaning 0."""
    return forms.IntegerField(label=ACTIVITY_LABELS[name], min_value=0, max_value=ACTIVITY_MAX, initial=0, required=False)


class FinishForm(forms.Form):
    publicity_topics = forms.MultipleChoiceField(
        label=_("Publicity done"), choices=PublicityTopic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    people_reached = forms.IntegerField(label=_("People reached"), min_value=0, max_value=2**31 - 1, initial=0, required=False)
    suspects_caught = activity_count_field("suspects_caught")
    fugitives_assisted = activity_count_field("fugitives_assisted")
    residents_helped = activity_count_field("residents_helped")
    three_defences_guided = activity_count_field("three_defences_guided")
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        for name in ("people_reached", *ACTIVITY_FIELDS):
            if name in data:
                data[name] = data[name] or 0
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200)


class MissedReasonForm(forms.Form):
    checkpoint = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason missed"), max_length=200)


class PositionForm(forms.Form):
    """Optional position sent by the phone (filled by patrol.js from navigator.geolocation)."""

    latitude = forms.DecimalField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    accuracy = forms.FloatField(required=False, min_value=0, max_value=1_000_000, widget=forms.HiddenInput)

    def position(self) -> dict:
        if not self.is_valid():
            return {}
        lat, lng = self.cleaned_data["latitude"], self.cleaned_data["longitude"]
        if lat is None or lng is None:
            return {}
        return {"latitude": lat, "longitude": lng, "accuracy": self.cleaned_data["accuracy"]}


class ZoneTeamForm(forms.Form):
    """The "zone patrol" helper: zone + lead company + date → a proposed team."""

    zone = forms.ModelChoiceField(label=_("Zone"), queryset=zone_list(), empty_label=_("Choose a zone"))
    lead_company = forms.ModelChoiceField(label=_("Lead company"), queryset=SecurityCompany.objects.filter(active=True).order_by("name"), empty_label=_("Choose a company"))
    on = form_fields.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    lead_count = forms.IntegerField(label=_("Guards of the lead unit"), min_value=1, max_value=10, initial=2, required=False)


class RecurringPlanForm(PlanningForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"), choices=WEEKDAY_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    start_time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}))
    end_time = forms.TimeField(
        label=_("End time"), widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        help_text=_("Earlier than the start time means the next day."),
    )
    starts_on = form_fields.DateField(label=_("Starts on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    ends_on = form_fields.DateField(label=_("Ends on"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    zone = forms.ModelChoiceField(
        label=_("Zone (lead unit rotates)"), queryset=zone_list(), required=False, empty_label=_("Not a zone plan"),
        help_text=_("Every patrol day the next unit of the zone leads; every other unit sends one guard."),
    )
    lead_rotation = forms.CharField(
        label=_("Lead unit order"), required=False, max_length=400,
        help_text=_("Unit ids in the order they lead, comma-separated; empty: the zone's units by name."),
    )
    lead_count = forms.IntegerField(label=_("Guards of the lead unit"), min_value=1, max_value=10, initial=2, required=False)

    field_order = [
        "liaison_point", "leader", "lead_company", "zone", "lead_rotation", "lead_count", "kind", "weekdays",
        "start_time", "end_time", "starts_on", "ends_on", "guards", "checkpoints", "area",
    ]
    SERVICE_FIELDS = (*PlanningForm.SERVICE_FIELDS, "zone", "weekdays", "start_time", "end_time", "starts_on", "ends_on")

    def clean_lead_rotation(self) -> list[int]:
        parts = [p.strip() for p in (self.cleaned_data["lead_rotation"] or "").replace("，", ",").split(",") if p.strip()]
        if not all(p.isdigit() and len(p) < 19 for p in parts):
            raise forms.ValidationError(_("Give unit ids separated by commas, e.g. 3, 7, 12."))
        return [int(p) for p in parts]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {**super().service_fields(), "lead_rotation": data["lead_rotation"], "lead_count": data["lead_count"] or 2}


class CheckpointForm(forms.ModelForm):
    class Meta:
        model = Checkpoint
        fields = ["liaison_point", "name", "latitude", "longitude"]
        widgets = {
            "latitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["liaison_point"].queryset = liaison_point_list_active()


class InspectionFilterForm(FilterForm):
    township = forms.ModelChoiceField(label=_("Township"), queryset=township_list(), required=False, empty_label=_("All townships"))
    trade = forms.ChoiceField(label=_("Trade"), required=False, choices=[("", _("All trades")), *VenueInspection.Trade.choices])
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=SecurityCompany.objects.order_by("name"), required=False, empty_label=_("All units"))
    violation = forms.ChoiceField(label=_("Violation found"), required=False, choices=YES_NO)
    open = forms.ChoiceField(
        label=_("Rectification"), required=False,
        choices=[("", _("Any")), ("open", _("Not yet rectified")), ("done", _("Rectified"))],
    )
    date_from = form_fields.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = form_fields.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    lookups = {"township": "township", "trade": "trade", "unit": "unit", "date_from": "inspected_on__gte", "date_to": "inspected_on__lte"}

    def narrow(self, qs, data):
        if data["violation"]:
            qs = qs.filter(violation_found=data["violation"] == "yes")
        if data["open"] == "open":
            qs = qs.filter(violation_found=True, rectified_on__isnull=True)
        elif data["open"] == "done":
            qs = qs.filter(rectified_on__isnull=False)
        return qs


class InspectionForm(forms.Form):
    venue = forms.CharField(label=_("Venue"), max_length=120)
    trade = forms.ChoiceField(label=_("Trade"), choices=VenueInspection.Trade.choices)
    township = forms.ModelChoiceField(label=_("Township"), queryset=township_list())
    liaison_point = forms.ModelChoiceField(label=_("Liaison point"), queryset=LiaisonPoint.objects.order_by("code"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=SecurityCompany.objects.none(), required=False, empty_label=_("No unit"),
        help_text=_("The unit responsible for the venue's security; a failed inspection counts in its joint assessment."),
    )
    inspected_on = form_fields.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    inspectors = forms.ModelMultipleChoiceField(
        label=_("Inspectors"), queryset=officer_list(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or ⌘) to choose several officers."),
    )
    violation_found = forms.BooleanField(label=_("Violation found"), required=False)
    violation_kind = forms.ChoiceField(label=_("Kind of violation"), required=False, choices=[("", "—"), *VenueInspection.ViolationKind.choices])
    rectification_due = form_fields.DateField(label=_("Rectification due"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    rectified_on = form_fields.DateField(label=_("Rectified on"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    SERVICE_FIELDS = (
        "venue", "trade", "township", "liaison_point", "address", "unit", "inspected_on", "violation_found",
        "violation_kind", "rectification_due", "rectified_on", "notes",
    )

    def __init__(self, *args, inspection: VenueInspection | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # active units, and the one already named (it may have left the scheme since)
        current = inspection.unit_id if inspection is not None else None
        self.fields["unit"].queryset = SecurityCompany.objects.filter(models.Q(active=True) | models.Q(pk=current)).order_by("name")

    @classmethod
    def initial_for(cls, inspection: VenueInspection) -> dict:
        initial = {name: getattr(inspection, name) for name in cls.SERVICE_FIELDS}
        initial["inspectors"] = [o.pk for o in inspection.inspectors.all()]
        return initial

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.SERVICE_FIELDS}

    def inspector_ids(self) -> list[int]:
        return [o.pk for o in self.cleaned_data["inspectors"]]


def week_days(monday: datetime.date) -> list[datetime.date]:
    return [monday + datetime.timedelta(days=i) for i in range(7)]
