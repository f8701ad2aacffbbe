"""Admin of the points ledger and payouts: state fields are read-only; changes go through the services."""
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.admin_actions import run_for_each
from config.admin_export import export_csv
from rewards.models import PayoutLine, PayoutRun, PointEntry, PointRule, RewardRound, RewardRoundLine
from rewards.services import payout_approve, payout_compute, reward_round_approve, reward_round_compute


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
        run_for_each(self, request, queryset, lambda r: payout_compute(month=r.month, yuan_per_point=r.yuan_per_point), gettext("%(n)d payouts recomputed."))

    @admin.action(description=_("Approve"))
    def approve(self, request, queryset):
        run_for_each(self, request, queryset, lambda r: payout_approve(run=r, by=request.user), gettext("%(n)d payouts approved."))


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


class RewardRoundLineInline(admin.TabularInline):
    model = RewardRoundLine
    fields = ("kind", "rank", "company", "guard", "points", "patrols", "per_guard", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RewardRound)
class RewardRoundAdmin(SimpleHistoryAdmin):
    """Opened on the Reward rounds page (or the API); recomputed and approved through the actions."""

    list_display = ("name", "starts_on", "ends_on", "budget", "total_amount", "status", "approved_at", "approved_by")
    list_filter = ("status",)
    list_select_related = ("approved_by",)
    search_fields = ("name",)
    readonly_fields = ("status", "total_amount", "computed_at", "created_by", "approved_at", "approved_by")
    inlines = [RewardRoundLineInline]
    actions = ["recompute", "approve", export_csv]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Recompute (drafts only)"))
    def recompute(self, request, queryset):
        run_for_each(self, request, queryset, lambda r: reward_round_compute(round=r, by=request.user), gettext("%(n)d reward rounds recomputed."))

    @admin.action(description=_("Approve"))
    def approve(self, request, queryset):
        run_for_each(self, request, queryset, lambda r: reward_round_approve(round=r, by=request.user), gettext("%(n)d reward rounds approved."))
