from django.contrib import admin

from bulletins.models import BulletinDelivery, BulletinRecipient, CaseFigure, WeeklyBulletin
from config.admin_export import export_csv


@admin.register(CaseFigure)
class CaseFigureAdmin(admin.ModelAdmin):
    list_display = ("week_start", "township", "count", "entered_by", "updated_at")
    list_filter = ("township",)
    list_select_related = ("township", "entered_by")
    date_hierarchy = "week_start"
    raw_id_fields = ("entered_by",)
    actions = [export_csv]


@admin.register(BulletinRecipient)
class BulletinRecipientAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "kind", "company", "language", "active")
    list_filter = ("kind", "language", "active")
    list_select_related = ("company",)
    search_fields = ("name", "email")
    actions = [export_csv]


class DeliveryInline(admin.TabularInline):
    model = BulletinDelivery
    fields = ("email", "company", "language", "status", "attempts", "last_error", "sent_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(WeeklyBulletin)
class WeeklyBulletinAdmin(admin.ModelAdmin):
    list_display = ("week_label", "week_start", "status", "compiled_at", "sent_at")
    list_filter = ("status",)
    readonly_fields = ("week_start", "status", "figures", "compiled_at", "sent_at", "sent_by")
    inlines = [DeliveryInline]
