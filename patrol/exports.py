"""Columns of the patrol (week) and venue inspection list exports (config.exports writes the file)."""
from django.utils.translation import gettext


def _led_by(p) -> str:
    if p.leader_id:
        return str(p.leader.user)
    if p.lead_company_id:
        return p.lead_company.name + (f" · {p.team_leader.name}" if p.team_leader_id else "")
    return p.zone.name if p.zone_id else ""


def patrol_columns() -> list:
    return [
        (gettext("Planned start"), lambda p: p.planned_start),
        (gettext("Planned end"), lambda p: p.planned_end),
        (gettext("Liaison point"), lambda p: p.liaison_point.name),
        (gettext("Township"), lambda p: p.liaison_point.township.name),
        (gettext("Kind"), lambda p: p.get_kind_display()),
        (gettext("Status"), lambda p: p.get_status_display()),
        (gettext("Led by"), _led_by),
        (gettext("Team"), lambda p: p.member_count),
        (gettext("Present"), lambda p: p.present_count),
    ]


def inspection_columns() -> list:
    return [
        (gettext("Date"), lambda i: i.inspected_on),
        (gettext("Venue"), lambda i: i.venue),
        (gettext("Trade"), lambda i: i.get_trade_display()),
        (gettext("Township"), lambda i: i.township.name),
        (gettext("Liaison point"), lambda i: i.liaison_point.name if i.liaison_point_id else ""),
        (gettext("Address"), lambda i: i.address),
        (gettext("Unit"), lambda i: i.unit.name if i.unit_id else ""),
        (gettext("Inspectors"), lambda i: ", ".join(str(o.user) for o in i.inspectors.all())),
        (gettext("Violation"), lambda i: (i.get_violation_kind_display() or gettext("Yes")) if i.violation_found else gettext("None")),
        (gettext("Rectification due"), lambda i: i.rectification_due),
        (gettext("Rectified on"), lambda i: i.rectified_on),
    ]
