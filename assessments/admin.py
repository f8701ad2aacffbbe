"""Admin of assessments and equipment: state fields are read-only; changes go through the services."""
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from assessments.models import Assessment, Equipment, EquipmentRecall, Interview, UnitAssessment
from assessments.services import equipment_return
from config.admin_actions import run_for_each
from config.admin_export import export_csv


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
        run_for_each(self, request, queryset, lambda e: equipment_return(equipment=e, by=request.user), gettext("%(n)d items back in store."))


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
        run_for_each(self, request, items, lambda e: equipment_return(equipment=e, by=request.user), gettext("%(n)d items back in store."))


@admin.register(UnitAssessment)
class UnitAssessmentAdmin(SimpleHistoryAdmin):
    """Computed by the unit assessment run (page or API); read-only here."""

    list_display = ("company", "quarter", "responsible_leader", "score", "outcome", "updated_at")
    list_filter = ("quarter", "outcome")
    list_select_related = ("company",)
    search_fields = ("company__name", "responsible_leader")
    readonly_fields = ("company", "quarter", "responsible_leader", "score", "components", "outcome")
    actions = [export_csv]

    def has_add_permission(self, request):
        return False


@admin.register(Interview)
class InterviewAdmin(SimpleHistoryAdmin):
    list_display = ("quarter", "company", "guard", "held_on", "follow_up_due", "followed_up_on", "followed_up_by")
    list_filter = ("quarter", ("followed_up_on", admin.EmptyFieldListFilter))
    list_select_related = ("company", "guard", "followed_up_by")
    search_fields = ("company__name", "guard__name", "attendees", "agreed")
    raw_id_fields = ("company", "guard", "assessment", "unit_assessment", "followed_up_by")
    readonly_fields = ("company", "guard", "quarter", "assessment", "unit_assessment", "reason", "followed_up_on", "followed_up_by", "follow_up_note")
    actions = [export_csv]

    def has_add_permission(self, request):
        return False
