"""Admin of training: state fields are read-only; changes go through the services."""
from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.admin_actions import run_for_each
from config.admin_export import export_csv
from training.models import (
    SessionAttendance,
    CertificateExam,
    RosterEntry,
    TrainingRoster,
    TrainingSession,
)
from training.services import (
    exam_record,
    roster_approve,
    roster_compile,
    roster_lock,
    roster_submit,
    training_session_save,
)


class CertificateExamForm(forms.ModelForm):
    class Meta:
        model = CertificateExam
        fields = ["guard", "taken_on", "score"]

    def clean_score(self):
        score = self.cleaned_data["score"]
        if score is not None and score > 100:
            raise forms.ValidationError(_("The score is a whole number from 0 to 100."))
        return score

    def clean_taken_on(self):
        taken_on = self.cleaned_data["taken_on"]
        if taken_on and taken_on > timezone.localdate():
            raise forms.ValidationError(_("An exam cannot be recorded before it is taken."))
        return taken_on


@admin.register(CertificateExam)
class CertificateExamAdmin(admin.ModelAdmin):
    """Results are recorded through exam_record (a pass issues the certificate); then read-only."""

    form = CertificateExamForm
    list_display = ("guard", "guard__company", "taken_on", "score", "passed")
    list_filter = ("passed", "taken_on", "guard__company")
    list_select_related = ("guard", "guard__company")
    search_fields = ("guard__name", "guard__certificate_number")
    autocomplete_fields = ("guard",)
    date_hierarchy = "taken_on"
    actions = [export_csv]

    def get_readonly_fields(self, request, obj=None):
        return ("guard", "taken_on", "score", "passed", "created_at") if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            return
        exam = exam_record(guard=obj.guard, taken_on=obj.taken_on, score=obj.score, by=request.user)
        obj.pk, obj.passed, obj.created_at = exam.pk, exam.passed, exam.created_at


class TrainingSessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["kind", "quarter", "held_on", "place", "subject_areas", "capacity", "trainer"]

    def clean(self):
        cleaned = super().clean()
        capacity = cleaned.get("capacity")
        if self.instance.pk and capacity is not None:
            seated = self.instance.entries.count()
            if capacity < seated:
                self.add_error("capacity", _("%(n)d guards are already seated in this session.") % {"n": seated})
        return cleaned


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    form = TrainingSessionForm
    list_display = ("held_on", "quarter", "place", "capacity", "seated", "trainer")
    list_filter = ("quarter",)
    search_fields = ("place", "trainer")
    date_hierarchy = "held_on"
    actions = [export_csv]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(seated=Count("entries"))

    @admin.display(description=_("seated"), ordering="seated")
    def seated(self, obj):
        return obj.seated

    def save_model(self, request, obj, form, change):
        training_session_save(session=obj)


class RosterEntryInline(admin.TabularInline):
    model = RosterEntry
    fields = ("guard", "session", "attended", "carried_over")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("guard", "session")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TrainingRoster)
class TrainingRosterAdmin(SimpleHistoryAdmin):
    """Rosters are compiled by the Celery task; their state changes only through the actions."""

    list_display = ("company", "quarter", "status", "entry_count", "submitted_at", "decided_at", "decided_by")
    list_filter = ("status", "quarter", "company")
    list_select_related = ("company", "decided_by")
    search_fields = ("company__name", "quarter")
    readonly_fields = (
        "company", "quarter", "status", "return_reason", "unplaced", "compiled_at", "submitted_at", "decided_at",
        "decided_by", "manager_notified_at",
    )
    inlines = [RosterEntryInline]
    actions = ["recompile", "submit", "approve", "lock", export_csv]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_count=Count("entries"))

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("guards"), ordering="entry_count")
    def entry_count(self, obj):
        return obj.entry_count

    @admin.action(description=_("Compile again (draft or returned rosters: adds guards not yet placed)"))
    def recompile(self, request, queryset):
        run_for_each(self, request, queryset.select_related("company"), lambda r: roster_compile(company=r.company, quarter=r.quarter), gettext("%(n)d rosters compiled."))

    @admin.action(description=_("Submit for approval"))
    def submit(self, request, queryset):
        run_for_each(self, request, queryset, lambda r: roster_submit(roster=r, by=request.user), gettext("%(n)d rosters submitted."))

    @admin.action(description=_("Approve"))
    def approve(self, request, queryset):
        run_for_each(self, request, queryset, lambda r: roster_approve(roster=r, by=request.user), gettext("%(n)d rosters approved."))

    @admin.action(description=_("Lock (attendance complete)"))
    def lock(self, request, queryset):
        run_for_each(self, request, queryset, lambda r: roster_lock(roster=r, by=request.user), gettext("%(n)d rosters locked."))


@admin.register(RosterEntry)
class RosterEntryAdmin(SimpleHistoryAdmin):
    """Read-only: entries change through the roster services (move, attendance)."""

    list_display = ("guard", "roster", "session", "attended", "carried_over")
    list_filter = ("attended", "carried_over", "roster__quarter", "roster__company")
    list_select_related = ("guard", "roster", "roster__company", "session")
    search_fields = ("guard__name", "roster__company__name")
    raw_id_fields = ("roster", "guard", "session")
    actions = [export_csv]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SessionAttendance)
class SessionAttendanceAdmin(SimpleHistoryAdmin):
    """Read here; recorded on the session's attendance page (points are credited by the service)."""

    list_display = ("session", "guard", "attended", "recorded_by", "recorded_at")
    list_filter = ("attended", "session__kind")
    list_select_related = ("session", "guard", "recorded_by")
    search_fields = ("guard__name", "session__place")
    raw_id_fields = ("session", "guard", "recorded_by")
    actions = [export_csv]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
