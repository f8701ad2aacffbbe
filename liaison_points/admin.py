from django.contrib import admin

from config.admin_export import export_csv
from liaison_points.models import LiaisonPoint, Officer, PoliceStation, Township, Zone
from liaison_points.services import liaison_point_save


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    actions = [export_csv]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name",)
    actions = [export_csv]


@admin.register(PoliceStation)
class PoliceStationAdmin(admin.ModelAdmin):
    list_display = ("name", "township", "phone")
    list_filter = ("township",)
    list_select_related = ("township",)
    search_fields = ("name", "address")
    actions = [export_csv]


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ("user", "badge_number", "station", "phone")
    list_filter = ("station",)
    list_select_related = ("user", "station")
    search_fields = ("user__name", "user__username", "badge_number", "phone")
    raw_id_fields = ("user",)
    actions = [export_csv]


@admin.register(LiaisonPoint)
class LiaisonPointAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "township", "zone", "station", "responsible_officer", "active")
    list_filter = ("active", "kind", "township", "zone")
    list_select_related = ("township", "zone", "station", "responsible_officer__user")
    search_fields = ("code", "name", "address")
    autocomplete_fields = ("township", "zone", "station", "responsible_officer")
    actions = [export_csv]

    def save_model(self, request, obj, form, change):
        # Through the service, so opening/closing/moving a point re-attaches guards.
        liaison_point_save(point=obj, changed_fields=set(form.changed_data) if change else None)
