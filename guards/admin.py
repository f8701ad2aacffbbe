from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.admin_export import export_csv
from guards.models import CompanyManager, Guard, SecurityCompany


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



