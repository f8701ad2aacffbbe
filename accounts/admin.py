from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "name", "role", "email", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "name", "email")
    fieldsets = BaseUserAdmin.fieldsets + ((_("Office"), {"fields": ("name", "role")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Office"), {"fields": ("name", "role")}),)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log, read-only: nobody edits or deletes a line by hand (the retention task purges)."""

    list_display = ("at", "kind", "username", "ip", "object_type", "object_id")
    list_filter = ("kind", ("at", admin.DateFieldListFilter), "object_type")
    search_fields = ("username", "ip", "object_id")
    date_hierarchy = "at"
    readonly_fields = ("at", "user", "username", "ip", "kind", "object_type", "object_id", "detail")
    list_select_related = False
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
