from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config import form_fields
from liaison_points.models import LiaisonPoint
from liaison_points.selectors import officer_list, station_list, township_list, zone_list

YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


class PointFilterForm(forms.Form):
    """The filters above the point list; `apply` narrows a queryset with whatever is valid."""

    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Code, name or address")}))
    township = forms.ModelChoiceField(label=_("Township"), queryset=township_list(), required=False, empty_label=_("All townships"))
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=zone_list(), required=False, empty_label=_("All zones"))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *LiaisonPoint.Kind.choices])
    active = forms.ChoiceField(label=_("Active"), required=False, choices=YES_NO)

    @property
    def in_use(self) -> bool:
        """Whether any filter has a value (paging alone does not count)."""
        return self.is_bound and any(self.data.get(name) for name in self.fields)

    def apply(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["q"]:
            term = data["q"].strip()
            qs = qs.filter(Q(code__icontains=term) | Q(name__icontains=term) | Q(address__icontains=term))
        if data["township"]:
            qs = qs.filter(township=data["township"])
        if data["zone"]:
            qs = qs.filter(zone=data["zone"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["active"]:
            qs = qs.filter(active=data["active"] == "yes")
        return qs


class LiaisonPointForm(forms.ModelForm):
    class Meta:
        model = LiaisonPoint
        fields = [
            "code", "name", "kind", "township", "zone", "station", "responsible_officer",
            "address", "latitude", "longitude", "opened_on", "active", "inbox_emails",
        ]
        widgets = {
            "opened_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "inbox_emails": forms.Textarea(attrs={"rows": 3}),
            "latitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
        }
        field_classes = {"opened_on": form_fields.DateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Joined querysets: each select renders with one query, not one per option.
        self.fields["station"].queryset = station_list()
        self.fields["responsible_officer"].queryset = officer_list()
