from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "name", "role", "email", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "name", "email")
    fieldsets = BaseUserAdmin.fieldsets + ((_("Office"), {"fields": ("name", "role")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Office"), {"fields": ("name", "role")}),)
