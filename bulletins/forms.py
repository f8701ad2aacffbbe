from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from bulletins.models import BulletinRecipient
from config.dates import parse_iso_week
from guards.models import SecurityCompany

MAX_CSV_BYTES = 2 * 1024 * 1024


class WeekField(forms.CharField):
    """An ISO week such as 2026-W47, cleaned to its Monday."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "2026-W47", "pattern": r"\d{4}-?[Ww]\d{1,2}"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_iso_week(value)
        except ValueError:
            raise forms.ValidationError(_("Enter an ISO week such as 2026-W47.")) from None


class CompileForm(forms.Form):
    week = WeekField(label=_("Week"))


class SuggestionsForm(forms.Form):
    text = forms.CharField(
        label=_("Officer's work suggestions"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One suggestion a line. They follow the suggestions generated from the figures."),
    )


class PreviewForm(forms.Form):
    company = forms.ModelChoiceField(
        label=_("Preview as the manager of"), queryset=SecurityCompany.objects.order_by("name"), required=False,
        empty_label=_("— full copy (officers) —"),
    )


class CaseGridForm(forms.Form):
    """A week's case-figure grid: one count per township, typed as text (the service says what is
    wrong with a count, and what was typed stays). `grid` is selectors.case_figure_grid's rows."""

    def __init__(self, *args, grid: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        self.townships = {}
        for row in grid:
            name = f"count_{row['township'].pk}"
            self.townships[name] = row["township"]
            self.fields[name] = forms.CharField(required=False, initial=row["count"])

    def counts(self) -> dict[str, tuple]:
        """{input name: (township, count as typed)}, what services.case_figures_set_week takes."""
        return {name: (township, self.cleaned_data[name]) for name, township in self.townships.items()}

    def rows(self) -> list[dict]:
        """The grid's rows for the page, each with its input's name, value (as typed, else as
        stored) and errors."""
        for row, name in zip(self.grid, self.townships):
            field = self[name]
            value = field.value()
            row.update(name=name, value="" if value is None else value, errors=field.errors)
        return self.grid


class CaseImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("Columns week, township, count; UTF-8 or GB18030 (Excel)."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB; split it."))
        return upload

    def take_refusal(self) -> list[str]:
        """The reasons a refused import gave (line by line), taken off the form: the page lists them
        once, above the file field, as what to correct in the file."""
        return list(self.errors.pop("file", [])) + list(self.errors.pop(NON_FIELD_ERRORS, []))


class RecipientForm(forms.ModelForm):
    class Meta:
        model = BulletinRecipient
        fields = ["name", "email", "kind", "company", "language", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = SecurityCompany.objects.order_by("name")

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()
