from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.admin_export import export_csv
from guards.models import CompanyManager, DutyPolicy, Guard, SecurityCompany
from guards.services import guard_account_sync


class CompanyManagerInline(admin.TabularInline):
    model = CompanyManager
    raw_id_fields = ("user",)
    extra = 0


@admin.register(SecurityCompany)
class SecurityCompanyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "licence_number", "responsible_leader", "phone", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "licence_number", "responsible_leader")
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "status" in form.changed_data:
            guard_account_sync(guard=obj, by=request.user)  # suspended/removed: the account stops


@admin.register(DutyPolicy)
class DutyPolicyAdmin(SimpleHistoryAdmin):
    """The office policy: one row. Saving it takes effect at once (guards.policy drops its cache)."""

    list_display = ("__str__", "removed", "suspended", "failed_assessment", "certificate", "training",
                    "payouts_enabled", "reward_rounds_enabled", "monthly_training_minimum")
    readonly_fields = ("updated_at",)
    fieldsets = (
        (_("Duty gates: block the guard from patrol teams, or only warn"),
         {"fields": ("removed", "suspended", "failed_assessment", "certificate", "training")}),
        (_("Reward schemes"), {"fields": ("payouts_enabled", "reward_rounds_enabled")}),
        (_("Training"), {"fields": ("monthly_training_minimum", "updated_at")}),
    )

    def has_add_permission(self, request):
        return not DutyPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        from guards.policy import policy_defaults

        return policy_defaults()

