import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config import form_fields
from guards.models import Guard, SecurityCompany
from guards.validators import mask_national_id, normalize_national_id
from liaison_points.models import LiaisonPoint
from liaison_points.selectors import township_list

EXPIRY_WARNING_DAYS = 30


class CertificateState:
    """What a certificate means today, derived from status and expiry (for lists and filters)."""

    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NONE = Guard.CertificateStatus.NONE.value
    REVOKED = Guard.CertificateStatus.REVOKED.value

    choices = [
        (VALID, _("Valid")),
        (EXPIRING, _("Expiring within 30 days")),
        (EXPIRED, _("Expired")),
        (NONE, _("Not yet certified")),
        (REVOKED, _("Revoked")),
    ]
    labels = dict(choices)
    labels[VALID] = _("Valid")
    labels[EXPIRING] = _("Expiring soon")

    @classmethod
    def of(cls, guard: Guard, today: datetime.date) -> str:
        if guard.certificate_status != Guard.CertificateStatus.VALID:
            return guard.certificate_status
        if guard.certificate_expires_on is None or guard.certificate_expires_on < today:
            return cls.EXPIRED
        if guard.certificate_expires_on <= today + datetime.timedelta(days=EXPIRY_WARNING_DAYS):
            return cls.EXPIRING
        return cls.VALID

    @classmethod
    def q(cls, state: str, today: datetime.date) -> Q:
        valid = Q(certificate_status=Guard.CertificateStatus.VALID)
        soon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
        return {
            cls.VALID: valid & Q(certificate_expires_on__gte=today),
            cls.EXPIRING: valid & Q(certificate_expires_on__gte=today, certificate_expires_on__lte=soon),
            cls.EXPIRED: valid & Q(certificate_expires_on__lt=today),
            cls.NONE: Q(certificate_status=Guard.CertificateStatus.NONE),
            cls.REVOKED: Q(certificate_status=Guard.CertificateStatus.REVOKED),
        }[state]


class GuardFilterForm(forms.Form):
    """Filters above a guard list. `company` is offered to officers only (`with_company`)."""

    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Name, phone, post or certificate no.")}))
    company = forms.ModelChoiceField(label=_("Company"), queryset=SecurityCompany.objects.all(), required=False, empty_label=_("All companies"))
    liaison_point = forms.ModelChoiceField(label=_("Liaison point"), queryset=LiaisonPoint.objects.all(), required=False, empty_label=_("All points"))
    township = forms.ModelChoiceField(label=_("Township"), queryset=township_list(), required=False, empty_label=_("All townships"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), *Guard.Status.choices])
    certificate = forms.ChoiceField(label=_("Certificate"), required=False, choices=[("", _("Any certificate")), *CertificateState.choices])

    def __init__(self, *args, with_company: bool = True, with_points: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_company:
            del self.fields["company"]
        if not with_points:
            del self.fields["liaison_point"]
            del self.fields["township"]

    @property
    def in_use(self) -> bool:
        """Whether any filter has a value (paging alone does not count)."""
        return self.is_bound and any(self.data.get(name) for name in self.fields)

    def apply(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        term = (data.get("q") or "").strip()
        if term:
            match = Q(name__icontains=term) | Q(phone__icontains=term) | Q(post__icontains=term) | Q(certificate_number__icontains=term)
            if len(term) == 18:
                match |= Q(national_id=normalize_national_id(term))
            qs = qs.filter(match)
        if data.get("company"):
            qs = qs.filter(company=data["company"])
        if data.get("liaison_point"):
            qs = qs.filter(liaison_point=data["liaison_point"])
        if data.get("township"):
            qs = qs.filter(liaison_point__township=data["township"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        if data.get("certificate"):
            qs = qs.filter(CertificateState.q(data["certificate"], timezone.localdate()))
        return qs


class GuardForm(forms.ModelForm):
    """Add or edit a guard. Officers choose the company; a manager's guards always belong to the
    manager's company (the field is not shown, the view sets it). A manager never sees a stored
    resident id in full: on edit the field starts empty and keeps the stored value unless retyped."""

    class Meta:
        model = Guard
        fields = [
            "company", "name", "phone", "national_id", "post", "post_address", "post_latitude", "post_longitude",
            "certificate_number", "certificate_status", "certificate_expires_on", "status", "joined_on",
        ]
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "national_id": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 18}),
            "post_latitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "post_longitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "certificate_expires_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "joined_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        }
        field_classes = {"certificate_expires_on": form_fields.DateField, "joined_on": form_fields.DateField}

    def __init__(self, *args, officer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.officer = officer
        self.keeps_national_id = not officer and self.instance.pk is not None
        if not officer:
            del self.fields["company"]
        else:
            # Active companies, plus the guard's own if it has since closed.
            self.fields["company"].queryset = SecurityCompany.objects.filter(Q(active=True) | Q(pk=self.instance.company_id))
        if self.keeps_national_id:
            field = self.fields["national_id"]
            field.required = False
            field.help_text = _("On file: %(masked)s. Leave empty to keep it.") % {"masked": mask_national_id(self.instance.national_id)}
            self.initial["national_id"] = ""

    def clean_national_id(self):
        value = normalize_national_id(self.cleaned_data.get("national_id"))
        if not value and self.keeps_national_id:
            return self.instance.national_id
        return value

    def validate_unique(self):
        # A resident id on file is refused by the service, in words that depend on who asks
        # (guards.services.national_id_taken_error); the form's own check would name the other guard.
        exclude = self._get_validation_exclusions()
        exclude.add("national_id")
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as exc:
            self._update_errors(exc)

    def clean(self):
        data = super().clean()
        if data.get("certificate_status") == Guard.CertificateStatus.VALID and not data.get("certificate_expires_on"):
            self.add_error("certificate_expires_on", _("A valid certificate needs an expiry date."))
        return data

    def service_fields(self) -> dict:
        """The cleaned values to hand to guards.services.guard_create / guard_update."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}


class GuardPointForm(forms.Form):
    """An officer's override of a guard's liaison point."""

    point = forms.ModelChoiceField(
        label=_("Liaison point"), queryset=LiaisonPoint.objects.filter(active=True), required=False,
        empty_label=_("Nearest active point (automatic)"),
    )


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
