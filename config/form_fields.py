"""Form fields and widgets for periods (quarters, months) shared by every app's pages."""
import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.dates import parse_quarter

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def form_in_use(form: forms.Form) -> bool:
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
