from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.admin_export import export_csv
from guards.models import CompanyManager, Guard, PointEntry, PointRule, SecurityCompany


class CompanyManagerInline(admin.TabularInline):
    model = CompanyManager
    raw_id_fields = ("user",)
    extra = 0


@admin.register(SecurityCompany)
class SecurityCompanyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "licence_number", "phone", "active")
    list_filter = ("active",)
    search_fields = ("name", "licence_number")
    inlines = [CompanyManagerInline]
    actions = [export_csv]


@admin.register(CompanyManager)
class CompanyManagerAdmin(admin.ModelAdmin):
    list_display = ("user", "company", "phone")
    list_select_related = ("user", "company")
    list_filter = ("company",)
    search_fields = ("user__username", "user__name", "company__name")
    raw_id_fields = ("user",)


@admin.register(Guard)
class GuardAdmin(SimpleHistoryAdmin):
    list_display = ("name", "company", "post", "liaison_point", "point_pinned", "certificate_status", "certificate_expires_on", "status")
    list_filter = ("status", "certificate_status", "company", "liaison_point__township", "point_pinned")
    list_select_related = ("company", "liaison_point")
    search_fields = ("name", "phone", "national_id", "post", "certificate_number")
    autocomplete_fields = ("company", "liaison_point")
    raw_id_fields = ("user",)
    readonly_fields = ("created_at", "updated_at")
    actions = [export_csv]


@admin.register(PointRule)
class PointRuleAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "points", "active")
    list_editable = ("points", "active")


@admin.register(PointEntry)
class PointEntryAdmin(admin.ModelAdmin):
    list_display = ("guard", "kind", "points", "reason", "occurred_on", "source_type", "source_id", "created_by")
    list_filter = ("kind", "occurred_on")
    list_select_related = ("guard", "created_by")
    search_fields = ("guard__name", "reason")
    raw_id_fields = ("guard", "created_by")
    date_hierarchy = "occurred_on"
    actions = [export_csv]


# --- guard lifecycle (issue 6): state fields are read-only; changes go through the services ------

from django import forms  # noqa: E402
from django.contrib import messages  # noqa: E402
from django.core.exceptions import PermissionDenied, ValidationError  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.translation import gettext  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from config.exceptions import DomainError  # noqa: E402
from guards.models import (  # noqa: E402
    Assessment,
    CertificateExam,
    Equipment,
    EquipmentRecall,
    PayoutLine,
    PayoutRun,
    RosterEntry,
    TrainingRoster,
    TrainingSession,
)
from guards.services import (  # noqa: E402
    equipment_return,
    exam_record,
    payout_approve,
    payout_compute,
    roster_approve,
    roster_compile,
    roster_lock,
    roster_submit,
    training_session_save,
)


def _each(modeladmin, request, queryset, service, done: str) -> None:
    """Run `service(obj)` for every selected row; refusals are reported, not raised."""
    ok = 0
    for obj in queryset:
        try:
            service(obj)
            ok += 1
        except (DomainError, PermissionDenied, ValidationError) as exc:
            message = getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", [])) or str(exc) or gettext("Not allowed.")
            modeladmin.message_user(request, f"{obj}: {message}", messages.ERROR)
    if ok:
        modeladmin.message_user(request, done % {"n": ok}, messages.SUCCESS)


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
        fields = ["quarter", "held_on", "place", "subject_areas", "capacity", "trainer"]

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
        _each(self, request, queryset.select_related("company"), lambda r: roster_compile(company=r.company, quarter=r.quarter), gettext("%(n)d rosters compiled."))

    @admin.action(description=_("Submit for approval"))
    def submit(self, request, queryset):
        _each(self, request, queryset, lambda r: roster_submit(roster=r, by=request.user), gettext("%(n)d rosters submitted."))

    @admin.action(description=_("Approve"))
    def approve(self, request, queryset):
        _each(self, request, queryset, lambda r: roster_approve(roster=r, by=request.user), gettext("%(n)d rosters approved."))

    @admin.action(description=_("Lock (attendance complete)"))
    def lock(self, request, queryset):
        _each(self, request, queryset, lambda r: roster_lock(roster=r, by=request.user), gettext("%(n)d rosters locked."))


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


class PayoutLineInline(admin.TabularInline):
    model = PayoutLine
    fields = ("company", "guard", "points", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company", "guard")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PayoutRun)
class PayoutRunAdmin(admin.ModelAdmin):
    """Computed by the monthly task (or the API); approved through the action."""

    list_display = ("month", "status", "yuan_per_point", "total_points", "total_amount", "computed_at", "approved_at", "approved_by")
    list_filter = ("status",)
    list_select_related = ("approved_by",)
    readonly_fields = ("month", "yuan_per_point", "status", "total_points", "total_amount", "computed_at", "approved_at", "approved_by")
    date_hierarchy = "month"
    inlines = [PayoutLineInline]
    actions = ["recompute", "approve", export_csv]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Recompute (drafts only)"))
    def recompute(self, request, queryset):
        _each(self, request, queryset, lambda r: payout_compute(month=r.month, yuan_per_point=r.yuan_per_point), gettext("%(n)d payouts recomputed."))

    @admin.action(description=_("Approve"))
    def approve(self, request, queryset):
        _each(self, request, queryset, lambda r: payout_approve(run=r, by=request.user), gettext("%(n)d payouts approved."))


@admin.register(PayoutLine)
class PayoutLineAdmin(admin.ModelAdmin):
    """Read-only lines, here for filtering by month and company and exporting."""

    list_display = ("run", "company", "guard", "points", "amount")
    list_filter = ("run", "company")
    list_select_related = ("run", "company", "guard")
    search_fields = ("guard__name", "company__name")
    raw_id_fields = ("run", "guard", "company")
    actions = [export_csv]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    """Computed by assessments_run; read-only here."""

    list_display = ("guard", "guard__company", "quarter", "score", "outcome", "applied_at")
    list_filter = ("quarter", "outcome", "guard__company", ("applied_at", admin.EmptyFieldListFilter))
    list_select_related = ("guard", "guard__company")
    search_fields = ("guard__name",)
    raw_id_fields = ("guard",)
    actions = [export_csv]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Equipment)
class EquipmentAdmin(SimpleHistoryAdmin):
    """Issue through the API or pages; here items are added, found and taken back into store."""

    list_display = ("serial_number", "kind", "status", "issued_to_point", "issued_to_guard", "issued_on")
    list_filter = ("status", "kind")
    list_select_related = ("issued_to_point", "issued_to_guard")
    search_fields = ("serial_number", "issued_to_guard__name", "issued_to_point__name")
    readonly_fields = ("status", "issued_to_point", "issued_to_guard", "issued_on")
    actions = ["take_back", export_csv]

    @admin.action(description=_("Take back into store (closes open recalls)"))
    def take_back(self, request, queryset):
        _each(self, request, queryset, lambda e: equipment_return(equipment=e, by=request.user), gettext("%(n)d items back in store."))


class RecallOpenFilter(admin.SimpleListFilter):
    title = _("still out")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(returned_on__isnull=self.value() == "yes")
        return queryset


@admin.register(EquipmentRecall)
class EquipmentRecallAdmin(admin.ModelAdmin):
    list_display = ("equipment", "guard", "guard__company", "opened_on", "returned_on", "note")
    list_filter = (RecallOpenFilter, "opened_on", "guard__company")
    list_select_related = ("equipment", "guard", "guard__company")
    search_fields = ("equipment__serial_number", "guard__name")
    readonly_fields = ("equipment", "guard", "opened_on", "returned_on", "note")
    actions = ["mark_returned", export_csv]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Item returned: back into store"))
    def mark_returned(self, request, queryset):
        items = [r.equipment for r in queryset.filter(returned_on__isnull=True).select_related("equipment")]
        _each(self, request, items, lambda e: equipment_return(equipment=e, by=request.user), gettext("%(n)d items back in store."))
