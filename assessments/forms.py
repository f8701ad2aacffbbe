"""Forms of the assessment and equipment pages."""
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Equipment
from assessments.services import equipment_create
from config import form_fields
from config.form_fields import DATE_WIDGET, QuarterField, form_in_use
from guards.forms import GuardLookupField
from guards.models import Guard
from liaison_points.models import LiaisonPoint


class AssessmentFilterForm(forms.Form):
    quarter = QuarterField(required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", _("All outcomes")), *Assessment.Outcome.choices])
    q = forms.CharField(label=_("Guard"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Name or phone")}))

    @property
    def in_use(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in ("outcome", "q"))


class EquipmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Holder or serial"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Guard, point or serial number")}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Equipment.Kind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), *Equipment.Status.choices])

    @property
    def in_use(self) -> bool:
        return form_in_use(self)

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
    issued_on = form_fields.DateField(label=_("Issued on"), widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if "guard" in self.errors:
            return data
        if bool(data.get("point")) == bool(data.get("guard")):
            raise ValidationError(_("Issue the item to a liaison point or to a guard (one of the two)."))
        return data
