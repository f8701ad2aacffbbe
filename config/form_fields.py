"""Form fields and widgets for periods (quarters, months) shared by every app's pages."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.dates import parse_month, parse_quarter

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


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
        try:
            return parse_month(value)
        except ValueError:
            raise ValidationError(_("Enter a month such as 2027-01."), code="invalid") from None


def _year_error():
    from config.dates import year_range

    low, high = year_range()
    return ValidationError(_("Enter a date between the years %(low)s and %(high)s."), code="date_range",
                           params={"low": low, "high": high})


class DateField(forms.DateField):
    """A date within the office's year range (config/dates.py); year 1 or 9999 is a field error."""

    def to_python(self, value):
        from config.dates import in_date_range

        day = super().to_python(value)
        if day is not None and not in_date_range(day):
            raise _year_error()
        return day


class DateTimeField(forms.DateTimeField):
    """A date and time within the office's year range; see DateField."""

    def to_python(self, value):
        from config.dates import in_date_range

        moment = super().to_python(value)
        if moment is not None and not in_date_range(moment):
            raise _year_error()
        return moment
