from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.admin_export import export_csv
from django.utils.translation import gettext_lazy as _

from patrol.models import CheckIn, Checkpoint, Patrol, PatrolCheckpoint, PatrolMember, RecurringPlan, RollCallEvent, VenueInspection


class ReadOnlyMixin:
    """Roll-call and visits are evidence written only through the services (time windows, positions,
    audit): the admin shows them and never edits them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PatrolMemberInline(admin.TabularInline):
    model = PatrolMember
    raw_id_fields = ("guard",)
    extra = 0


class CheckInInline(ReadOnlyMixin, admin.TabularInline):
    model = CheckIn
    fields = ("guard", "at", "status", "source", "position_state", "distance", "accuracy", "marked_by")
    readonly_fields = fields
    extra = 0


class PatrolCheckpointInline(admin.TabularInline):
    model = PatrolCheckpoint
    raw_id_fields = ("checkpoint",)
    readonly_fields = ("visited_at", "visited_by", "latitude", "longitude", "accuracy", "distance", "position_state")
    extra = 0


class RollCallEventInline(ReadOnlyMixin, admin.TabularInline):
    model = RollCallEvent
    fields = ("at", "guard", "kind", "from_status", "to_status", "reason", "by")
    readonly_fields = fields
    extra = 0


@admin.register(Patrol)
class PatrolAdmin(SimpleHistoryAdmin):
    list_display = (
        "liaison_point", "planned_start", "planned_end", "kind", "status", "leader", "lead_company", "zone", "people_reached",
        "suspects_caught", "fugitives_assisted", "residents_helped", "three_defences_guided",
    )
    list_filter = ("status", "kind", "liaison_point__township", "zone")
    list_select_related = ("liaison_point", "leader__user", "lead_company", "zone")
    search_fields = ("liaison_point__name", "liaison_point__code", "notes")
    raw_id_fields = ("liaison_point", "leader", "lead_company", "team_leader", "plan", "created_by")
    # Status changes go through the services (pages/API) so rules and points apply.
    readonly_fields = ("status", "actual_start", "actual_end", "cancel_reason", "overdue_flagged_at")
    date_hierarchy = "planned_start"
    inlines = [PatrolMemberInline, CheckInInline, RollCallEventInline, PatrolCheckpointInline]
    actions = [export_csv]


@admin.register(RecurringPlan)
class RecurringPlanAdmin(admin.ModelAdmin):
    list_display = ("__str__", "leader", "lead_company", "zone", "starts_on", "ends_on", "active")
    list_filter = ("active", "kind", "zone")
    list_select_related = ("liaison_point", "leader__user", "lead_company", "zone")
    raw_id_fields = ("liaison_point", "leader", "lead_company", "created_by")
    filter_horizontal = ("checkpoints",)
    autocomplete_fields = ("members",)


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    list_display = ("name", "liaison_point", "latitude", "longitude", "radius", "active", "token_replaced_at")
    list_filter = ("active", "liaison_point__township")
    list_select_related = ("liaison_point",)
    search_fields = ("name", "liaison_point__name")
    raw_id_fields = ("liaison_point",)
    actions = ["replace_qr_code"]

    @admin.action(description=_("Replace the QR code (the printed one stops working)"))
    def replace_qr_code(self, request, queryset):
        from patrol.services import checkpoint_replace_code

        for checkpoint in queryset:
            checkpoint_replace_code(checkpoint=checkpoint)
        self.message_user(request, _("%(n)d QR code(s) replaced: print the new ones.") % {"n": queryset.count()})


@admin.register(RollCallEvent)
class RollCallEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("at", "patrol", "guard", "kind", "from_status", "to_status", "reason", "by")
    list_filter = ("kind",)
    list_select_related = ("patrol__liaison_point", "guard", "by")
    date_hierarchy = "at"
    actions = [export_csv]


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("guard", "patrol", "at", "status", "source", "position_state", "distance")
    list_filter = ("status", "source", "position_state")
    list_select_related = ("guard", "patrol__liaison_point")
    raw_id_fields = ("guard", "patrol", "marked_by")
    date_hierarchy = "at"
    actions = [export_csv]


@admin.register(VenueInspection)
class VenueInspectionAdmin(SimpleHistoryAdmin):
    list_display = ("venue", "trade", "township", "unit", "inspected_on", "violation_found", "violation_kind", "rectification_due", "rectified_on")
    list_filter = ("trade", "violation_found", "violation_kind", "township", "unit")
    list_select_related = ("township", "unit")
    search_fields = ("venue", "address", "notes")
    raw_id_fields = ("liaison_point", "unit", "created_by")
    filter_horizontal = ("inspectors",)
    date_hierarchy = "inspected_on"
    actions = [export_csv]
