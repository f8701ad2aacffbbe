"""Columns of the dispute list export (config.exports writes the file)."""
import datetime

from django.utils.translation import gettext


def dispute_columns(*, now: datetime.datetime) -> list:
    overdue = {"": "", "response": gettext("No response in time"), "resolution": gettext("Not resolved in time")}
    return [
        (gettext("Reported at"), lambda d: d.reported_at),
        (gettext("Summary"), lambda d: d.title),
        (gettext("Category"), lambda d: d.get_category_display()),
        (gettext("Status"), lambda d: d.get_status_display()),
        (gettext("Place"), lambda d: d.place),
        (gettext("Township"), lambda d: d.liaison_point.township.name if d.liaison_point_id else ""),
        (gettext("Liaison point"), lambda d: d.liaison_point.name if d.liaison_point_id else ""),
        (gettext("Reported by"), lambda d: d.get_reported_by_kind_display()),
        (gettext("Resolution due"), lambda d: d.resolution_due),
        (gettext("Overdue"), lambda d: overdue[d.overdue_kind(now)]),
        (gettext("Finished at"), lambda d: d.finished_at),
    ]
