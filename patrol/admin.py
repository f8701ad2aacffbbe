from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.admin_export import export_csv
from patrol.models import CheckIn, Checkpoint, Patrol, PatrolCheckpoint, PatrolMember, RecurringPlan, VenueInspection


class PatrolMemberInline(admin.TabularInline):
    model = PatrolMember
    raw_id_fields = ("guard",)
    extra = 0


class CheckInInline(admin.TabularInline):
    model = CheckIn
    raw_id_fields = ("guard", "marked_by")
    extra = 0


class PatrolCheckpointInline(admin.TabularInline):
    model = PatrolCheckpoint
    raw_id_fields = ("checkpoint", "visited_by")
    extra = 0


@admin.register(Patrol)
class PatrolAdmin(SimpleHistoryAdmin):
    list_display = ("liaison_point", "planned_start", "planned_end", "kind", "status", "leader", "people_reached")
    list_filter = ("status", "kind", "liaison_point__township")
    list_select_related = ("liaison_point", "leader__user")
    search_fields = ("liaison_point__name", "liaison_point__code", "notes")
    raw_id_fields = ("liaison_point", "leader", "plan", "created_by")
    # Status changes go through the services (pages/API) so rules and points apply.
    readonly_fields = ("status", "actual_start", "actual_end", "cancel_reason")
    date_hierarchy = "planned_start"
    inlines = [PatrolMemberInline, CheckInInline, PatrolCheckpointInline]
    actions = [export_csv]


@admin.register(RecurringPlan)
class RecurringPlanAdmin(admin.ModelAdmin):
    list_display = ("__str__", "leader", "starts_on", "ends_on", "active")
    list_filter = ("active", "kind")
    list_select_related = ("liaison_point", "leader__user")
    raw_id_fields = ("liaison_point", "leader", "created_by")
    filter_horizontal = ("checkpoints",)
    autocomplete_fields = ("members",)


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    list_display = ("name", "liaison_point", "latitude", "longitude", "active")
    list_filter = ("active", "liaison_point__township")
    list_select_related = ("liaison_point",)
    search_fields = ("name", "liaison_point__name")
    raw_id_fields = ("liaison_point",)


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ("guard", "patrol", "at", "status", "source")
    list_filter = ("status", "source")
    list_select_related = ("guard", "patrol__liaison_point")
    raw_id_fields = ("guard", "patrol", "marked_by")
    date_hierarchy = "at"
    actions = [export_csv]


@admin.register(VenueInspection)
class VenueInspectionAdmin(SimpleHistoryAdmin):
    list_display = ("venue", "trade", "township", "inspected_on", "violation_found", "violation_kind", "rectification_due", "rectified_on")
    list_filter = ("trade", "violation_found", "violation_kind", "township")
    list_select_related = ("township",)
    search_fields = ("venue", "address", "notes")
    raw_id_fields = ("liaison_point", "created_by")
    filter_horizontal = ("inspectors",)
    date_hierarchy = "inspected_on"
    actions = [export_csv]
