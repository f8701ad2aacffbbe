"""Forms of the training pages: exam results, sessions, roster moves and returns."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config import form_fields
from config.dates import quarter_of
from config.form_fields import DATE_WIDGET, QuarterField
from guards.forms import GuardLookupField
from training.models import DutyArea, TrainingSession


class ExamForm(forms.Form):
    guard = GuardLookupField()
    taken_on = form_fields.DateField(label=_("Exam date"), widget=DATE_WIDGET)
    score = forms.IntegerField(label=_("Score"), min_value=0, max_value=100, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def clean_taken_on(self):
        day = self.cleaned_data["taken_on"]
        if day > timezone.localdate():
            raise ValidationError(_("An exam cannot be recorded before it is taken."))
        return day


class TrainingSessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingSession.Kind.choices, initial=TrainingSession.Kind.ROTATION, required=False)
    quarter = QuarterField()
    held_on = form_fields.DateField(label=_("Date"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=120)
    subject_areas = forms.MultipleChoiceField(label=_("Subject areas"), choices=DutyArea.choices, widget=forms.CheckboxSelectMultiple)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=10000, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    trainer = forms.CharField(label=_("Trainer"), max_length=64, required=False)

    def clean_kind(self):
        return self.cleaned_data.get("kind") or TrainingSession.Kind.ROTATION

    def clean(self):
        data = super().clean()
        quarter, day = data.get("quarter"), data.get("held_on")
        if quarter and day and quarter_of(day) != quarter:
            self.add_error("held_on", _("The date is not in quarter %(q)s.") % {"q": quarter})
        return data


class RosterMoveForm(forms.Form):
    """Move the ticked entries of a roster to one session (choices set by the view)."""

    entry = forms.TypedMultipleChoiceField(label=_("Guards"), coerce=int)
    session = forms.TypedChoiceField(label=_("Move to session"), coerce=int)

    def __init__(self, *args, entry_ids=(), sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [(pk, pk) for pk in entry_ids]
        self.fields["session"].choices = [(s.pk, str(s)) for s in sessions]


class RosterReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for returning"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say why the roster is returned."))
        return reason
