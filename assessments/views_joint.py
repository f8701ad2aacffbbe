"""Joint assessment pages: the quarter's unit assessments (officers run them; a manager sees their
own unit's), the interviews (open ones first) and one interview with its record and follow-up."""
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from accounts.scoping import scope_for
from assessments.joint import (
    interview_follow_up,
    interview_list_visible_to,
    interview_record,
    unit_assessment_list_visible_to,
    unit_assessments_run,
)
from config import form_fields
from config.dates import previous_quarter, quarter_of
from config.form_fields import DATE_WIDGET
from config.forms import attempt
from config.pages import quarter_from_request, quarter_nav


class InterviewRecordForm(forms.Form):
    held_on = form_fields.DateField(label=gettext_lazy("Held on"), widget=DATE_WIDGET)
    attendees = forms.CharField(label=gettext_lazy("Who attended"), max_length=300)
    agreed = forms.CharField(label=gettext_lazy("What was agreed"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_due = form_fields.DateField(label=gettext_lazy("Follow-up due"), widget=DATE_WIDGET, required=False)


class FollowUpForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("How it was followed up"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


@role_required("officer", "manager")
def unit_assessment_list(request):
    quarter = quarter_from_request(request, previous_quarter(quarter_of(timezone.localdate())))
    rows = list(unit_assessment_list_visible_to(user=request.user).filter(quarter=quarter).order_by("score", "company__name"))
    return render(request, "assessments/unit_assessment_list.html", {
        "quarter": quarter_nav(quarter), "rows": rows, "officer": scope_for(request.user).is_officer,
        "failed_inspection_points": settings.ASSESSMENT_FAILED_INSPECTION_POINTS,
        "failed_inspection_max": settings.ASSESSMENT_FAILED_INSPECTION_MAX,
    })


@require_POST
@role_required("officer")
def unit_assessment_run(request):
    quarter = quarter_from_request(request, previous_quarter(quarter_of(timezone.localdate())))
    ok, counts = attempt(request, lambda: unit_assessments_run(quarter=quarter, by=request.user))
    if ok:
        messages.success(request, _("Units assessed for %(q)s: %(p)d pass, %(w)d warning; %(i)d new interviews.")
                         % {"q": quarter, "p": counts["pass"], "w": counts["warning"], "i": counts["interviews"]})
    return redirect(f"{request.path.rsplit('run/', 1)[0]}?quarter={quarter}")


@role_required("officer", "manager")
def interview_list(request):
    open_only = request.GET.get("open", "1") == "1"
    qs = interview_list_visible_to(user=request.user, open_only=open_only).order_by("followed_up_on", "follow_up_due", "-id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "assessments/interview_list.html", {"page": page, "open_only": open_only, "today": timezone.localdate()})


def _interview_page(request, interview, *, record_form=None, follow_form=None, status=200):
    officer = scope_for(request.user).is_officer
    context = {"interview": interview, "officer": officer}
    if officer:
        context["record_form"] = record_form or InterviewRecordForm(initial={
            "held_on": interview.held_on or timezone.localdate(), "attendees": interview.attendees,
            "agreed": interview.agreed, "follow_up_due": interview.follow_up_due})
        context["follow_form"] = follow_form or FollowUpForm()
    return render(request, "assessments/interview_detail.html", context, status=status)


@role_required("officer", "manager")
def interview_detail(request, pk):
    interview = get_object_or_404(interview_list_visible_to(user=request.user), pk=pk)
    if request.method == "POST" and scope_for(request.user).is_officer:
        if "note" in request.POST:
            form = FollowUpForm(request.POST)
            if form.is_valid():
                ok, _saved = attempt(request, lambda: interview_follow_up(interview=interview, note=form.cleaned_data["note"], by=request.user), form=form)
                if ok:
                    messages.success(request, _("Follow-up recorded."))
                    return redirect("assessments:interview-detail", pk=pk)
            return _interview_page(request, interview, follow_form=form, status=400)
        form = InterviewRecordForm(request.POST)
        if form.is_valid():
            ok, _saved = attempt(request, lambda: interview_record(interview=interview, by=request.user, **form.cleaned_data), form=form)
            if ok:
                messages.success(request, _("Interview recorded."))
                return redirect("assessments:interview-detail", pk=pk)
        return _interview_page(request, interview, record_form=form, status=400)
    return _interview_page(request, interview)
