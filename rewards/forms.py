"""Forms of the points and payout pages."""
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config import form_fields
from config.dates import parse_iso_week
from config.form_fields import DATE_WIDGET, MonthField, form_in_use
from guards.forms import GuardLookupField
from guards.models import Guard, SecurityCompany
from rewards.models import PointRule
from rewards.services import point_rule_update


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
    date_from = form_fields.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    date_to = form_fields.DateField(label=_("To"), required=False, widget=DATE_WIDGET)
    company = forms.ModelChoiceField(label=_("Company"), queryset=SecurityCompany.objects.order_by("name"), required=False, empty_label=_("All companies"))

    def __init__(self, *args, with_company: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_company:
            del self.fields["company"]

    @property
    def in_use(self) -> bool:
        return form_in_use(self)

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
    occurred_on = form_fields.DateField(label=_("Date"), widget=DATE_WIDGET)
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


class RewardRoundForm(forms.ModelForm):
    """A new reward round: period, budget and how it is split (the rules: rewards.rounds)."""

    class Meta:
        from rewards.models import RewardRound

        model = RewardRound
        fields = ["name", "starts_on", "ends_on", "budget", "guard_places", "unit_places", "unit_award", "split", "unit_rule"]
        widgets = {
            "starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET,
            "budget": forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", "min": "0"}),
            "unit_award": forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", "min": "0"}),
        }

    def clean_guard_places(self):
        value = self.cleaned_data["guard_places"]
        if value is not None and value > 500:
            raise ValidationError(_("At most 500 guards."))
        return value
