"""Forms of the guard lifecycle pages: certificates, training sessions and rosters, points,
payouts, assessments and equipment. Forms parse and check input; the writes are the services'
(guards.services). Two small writes have no service yet (point rules, adding an equipment item):
they live here as `save()` of their form, each in a transaction with the history user set."""
import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.dates import parse_iso_week, parse_quarter, quarter_of
from guards.models import (
    Assessment,
    DutyArea,
    Equipment,
    Guard,
    PointRule,
    SecurityCompany,
)
from guards.services import equipment_create, point_rule_update
from guards.validators import normalize_national_id
from liaison_points.models import LiaisonPoint

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _in_use(form: forms.Form) -> bool:
    return form.is_bound and any(form.data.get(name) for name in form.fields)


class QuarterField(forms.CharField):
    """A quarter such as 2027Q1 (also 2027-Q1, lower case), cleaned to its canonical label."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Quarter"))
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "2027Q1", "size": 8, "autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return parse_quarter(value)[0]
        except ValueError:
            raise ValidationError(_("Enter a quarter such as 2027Q1."), code="invalid") from None


class MonthField(forms.CharField):
    """A calendar month typed as YYYY-MM (an <input type=month>), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2027-01"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        match = _MONTH.match(value.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValidationError(_("Enter a month such as 2027-01."), code="invalid")
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)


class GuardLookupField(forms.CharField):
    """Finds one guard by resident id number, certificate number or phone (what the desk has on
    the exam sheet or the commendation letter), among `queryset`."""

    default_error_messages = {
        "none": _("No guard has this resident id number, certificate number or phone."),
        "several": _("Several guards share this phone; use the resident id or certificate number."),
    }

    def __init__(self, *, queryset=None, **kwargs):
        kwargs.setdefault("label", _("Guard"))
        kwargs.setdefault("help_text", _("Resident id number, certificate number or phone."))
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else Guard.objects.exclude(status=Guard.Status.REMOVED)

    def clean(self, value):
        value = (super().clean(value) or "").strip()
        if not value:
            return None
        match = Q(certificate_number__iexact=value) | Q(phone=value)
        if len(value) == 18:
            match |= Q(national_id=normalize_national_id(value))
        found = list(self.queryset.filter(match).select_related("company")[:2])
        if not found:
            raise ValidationError(self.error_messages["none"], code="none")
        if len(found) > 1:
            raise ValidationError(self.error_messages["several"], code="several")
        return found[0]


# Certificates ---------------------------------------------------------------------------------

class ExamForm(forms.Form):
    guard = GuardLookupField()
    taken_on = forms.DateField(label=_("Exam date"), widget=DATE_WIDGET)
    score = forms.IntegerField(label=_("Score"), min_value=0, max_value=100, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def clean_taken_on(self):
        day = self.cleaned_data["taken_on"]
        if day > timezone.localdate():
            raise ValidationError(_("An exam cannot be recorded before it is taken."))
        return day


# Training -------------------------------------------------------------------------------------

class TrainingSessionForm(forms.Form):
    quarter = QuarterField()
    held_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=120)
    subject_areas = forms.MultipleChoiceField(label=_("Subject areas"), choices=DutyArea.choices, widget=forms.CheckboxSelectMultiple)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=10000, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    trainer = forms.CharField(label=_("Trainer"), max_length=64, required=False)

    def clean(self):
        data = super().clean()
        quarter, day = data.get("quarter"), data.get("held_on")
        if quarter and day and quarter_of(day) != quarter:
            self.add_error("held_on", _("The date is not in quarter %(q)s.") % {"q": quarter})
        return data


class RosterMoveForm(forms.Form):
    """Move one entry of a roster to another session with a free seat (choices set by the view)."""

    entry = forms.TypedChoiceField(label=_("Guard"), coerce=int)
    session = forms.TypedChoiceField(label=_("Move to session"), coerce=int)

    def __init__(self, *args, entries=(), sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [(e.pk, e.guard.name) for e in entries]
        self.fields["session"].choices = [(s.pk, str(s)) for s in sessions]


class RosterReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for returning"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say why the roster is returned."))
        return reason


# Points ---------------------------------------------------------------------------------------



class PointRulesForm(forms.Form):
    """All point rules in one inline form: points and active per rule."""

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = list(rules)
        self.rows = []
        for rule in self.rules:
            points = forms.IntegerField(
                label=rule.get_kind_display(), min_value=-1000, max_value=1000, initial=rule.points,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input-points"}),
            )
            active = forms.BooleanField(label=_("Active"), required=False, initial=rule.active)
            self.fields[f"points_{rule.pk}"] = points
            self.fields[f"active_{rule.pk}"] = active
        for rule in self.rules:
            self.rows.append({"rule": rule, "points": self[f"points_{rule.pk}"], "active": self[f"active_{rule.pk}"]})

    def save(self, *, by=None) -> int:
        """Write the changed rules through the service; returns how many changed. The sign rule
        (deductions zero or less, earnings zero or more) is the model's, shown under each field."""
        changed = 0
        errors = {}
        with transaction.atomic():
            for rule in self.rules:
                points, active = self.cleaned_data[f"points_{rule.pk}"], self.cleaned_data[f"active_{rule.pk}"]
                if (rule.points, rule.active) == (points, active):
                    continue
                try:
                    point_rule_update(rule=rule, points=points, active=active, by=by)
                    changed += 1
                except ValidationError as exc:
                    errors[f"points_{rule.pk}"] = exc.message_dict.get("points", exc.messages)
            if errors:
                transaction.set_rollback(True)
        if errors:
            raise ValidationError(errors)
        return changed


class PointsFilterForm(forms.Form):
    q = forms.CharField(label=_("Guard"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Name or phone")}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *PointRule.Kind.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)
    company = forms.ModelChoiceField(label=_("Company"), queryset=SecurityCompany.objects.order_by("name"), required=False, empty_label=_("All companies"))

    def __init__(self, *args, with_company: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_company:
            del self.fields["company"]

    @property
    def in_use(self) -> bool:
        return _in_use(self)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end is before the start."))
        return data

    def apply(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        term = (data.get("q") or "").strip()
        if term:
            qs = qs.filter(Q(guard__name__icontains=term) | Q(guard__phone__icontains=term))
        if data.get("kind"):
            qs = qs.filter(kind=data["kind"])
        if data.get("date_from"):
            qs = qs.filter(occurred_on__gte=data["date_from"])
        if data.get("date_to"):
            qs = qs.filter(occurred_on__lte=data["date_to"])
        if data.get("company"):
            qs = qs.filter(guard__company=data["company"])
        return qs


class WeekForm(forms.Form):
    week = forms.CharField(label=_("ISO week"), required=False, widget=forms.TextInput(attrs={"placeholder": "2026-W47", "size": 9}))

    def clean_week(self):
        value = (self.cleaned_data.get("week") or "").strip()
        if not value:
            return None
        try:
            return parse_iso_week(value)
        except ValueError:
            raise ValidationError(_("Enter an ISO week such as 2026-W47.")) from None


class PointsAwardForm(forms.Form):
    """A commendation or a deduction, with its reason. Points are entered as a positive number; a
    deduction takes them away. Empty points: the rule's amount."""

    KINDS = [(PointRule.Kind.COMMENDATION.value, PointRule.Kind.COMMENDATION.label), (PointRule.Kind.DEDUCTION.value, PointRule.Kind.DEDUCTION.label)]

    guard = GuardLookupField(queryset=Guard.objects.filter(status=Guard.Status.ACTIVE))
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS)
    points = forms.IntegerField(
        label=_("Points"), min_value=1, max_value=1000, required=False,
        help_text=_("Leave empty to use the rule's amount."), widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    occurred_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, rules: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule_points = rules or {}

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return day

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason."))
        return reason

    def clean(self):
        data = super().clean()
        kind, points = data.get("kind"), data.get("points")
        if kind and points is None:
            rule = self.rule_points.get(kind)
            if rule is None:
                self.add_error("points", _("There is no active rule for this kind; enter the points."))
                return data
            points = abs(rule)
        if kind and points is not None:
            data["signed_points"] = -abs(points) if kind == PointRule.Kind.DEDUCTION else abs(points)
        return data


# Payouts --------------------------------------------------------------------------------------

class PayoutComputeForm(forms.Form):
    month = MonthField(label=_("Month"))
    yuan_per_point = forms.DecimalField(
        label=_("Yuan per point"), min_value=0, max_digits=8, decimal_places=2, required=False,
        help_text=_("Leave empty for the office's rate."), widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month and month > timezone.localdate().replace(day=1):
            raise ValidationError(_("This month has not started yet."))
        return month


# Assessments ----------------------------------------------------------------------------------

class AssessmentFilterForm(forms.Form):
    quarter = QuarterField(required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", _("All outcomes")), *Assessment.Outcome.choices])
    q = forms.CharField(label=_("Guard"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Name or phone")}))

    @property
    def in_use(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in ("outcome", "q"))


# Equipment ------------------------------------------------------------------------------------

class EquipmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Holder or serial"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Guard, point or serial number")}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Equipment.Kind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), *Equipment.Status.choices])

    @property
    def in_use(self) -> bool:
        return _in_use(self)

    def apply(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        term = (data.get("q") or "").strip()
        if term:
            qs = qs.filter(
                Q(serial_number__icontains=term) | Q(issued_to_guard__name__icontains=term)
                | Q(issued_to_point__name__icontains=term) | Q(issued_to_point__code__iexact=term)
            )
        if data.get("kind"):
            qs = qs.filter(kind=data["kind"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        return qs


class EquipmentAddForm(forms.ModelForm):
    class Meta:
        model = Equipment
        fields = ["kind", "serial_number"]

    def clean_serial_number(self):
        return self.cleaned_data["serial_number"].strip().upper()

    def save(self, *, by=None) -> Equipment:
        return equipment_create(kind=self.cleaned_data["kind"], serial_number=self.cleaned_data["serial_number"], by=by)


class EquipmentIssueForm(forms.Form):
    point = forms.ModelChoiceField(
        label=_("Liaison point"), required=False, empty_label=_("— not to a point —"),
        queryset=LiaisonPoint.objects.filter(active=True).order_by("code"),
    )
    guard = GuardLookupField(queryset=Guard.objects.filter(status=Guard.Status.ACTIVE), required=False)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if "guard" in self.errors:
            return data
        if bool(data.get("point")) == bool(data.get("guard")):
            raise ValidationError(_("Issue the item to a liaison point or to a guard (one of the two)."))
        return data
