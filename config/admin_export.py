import csv

from django.contrib import admin
from django.dispatch import Signal
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from config.exports import safe_row


# Sent after an export with request, queryset, rows and fmt; accounts writes it to the audit log.
data_exported = Signal()


@admin.action(description=_("Export selected rows as CSV"))
def export_csv(modeladmin, request, queryset):
    """Admin action: the selected rows' concrete fields as CSV (UTF-8 with BOM, so Excel reads Chinese)."""
    opts = modeladmin.model._meta
    fields = [f for f in opts.concrete_fields if f.name not in getattr(modeladmin, "export_exclude", ())]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{opts.model_name}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(f.verbose_name) for f in fields])
    rows = 0
    for row in queryset.values_list(*[f.attname for f in fields]).iterator():
        writer.writerow(safe_row(row))
        rows += 1
    data_exported.send(sender=modeladmin.model, request=request, queryset=queryset, rows=rows, fmt="csv")
    return response
