"""Every write with a rule in the patrol app, one module per use-case area:

- planning: one patrol, its team and who leads it, recurring plans and what they generate
- zones: zone patrols (a zone's units, the lead rotation, a proposed team)
- lifecycle: start, finish, cancel (compare-and-set, so a double click cannot apply twice)
- rules: the time windows (check-in, roll-call, scans), night hours, judging a phone's position
- rollcall: the guard's check-in, the officer's marks and overrides (logged), points that follow attendance
- closing: patrols past their end plus the grace finished or flagged; never started → missed
- checkpoints: checkpoints, their signed QR codes, scans and missed-checkpoint reasons
- inspections: venue inspections

Callers import from `patrol.services`; the names below are its public face."""
from patrol.services.checkpoints import (
    checkpoint_explain_miss,
    checkpoint_current_visit,
    checkpoint_from_code,
    checkpoint_radius,
    checkpoint_replace_code,
    checkpoint_save,
    checkpoint_signed_code,
    checkpoint_visit,
)
from patrol.services.geo import AREA_TYPES
from patrol.services.inspections import inspection_save
from patrol.services.lifecycle import patrol_cancel, patrol_finish, patrol_start
from patrol.services.planning import (
    Generated,
    patrol_plan,
    patrol_set_team,
    patrols_drop_guard,
    plan_create,
    plan_generate,
)
from patrol.services.zones import ZoneProposal, rotation_index, zone_patrol_propose, zone_rotation, zone_unit_list
from patrol.services.closing import Closed, patrol_mark_missed, patrols_close_overdue
from patrol.services.rollcall import checkin_mark, checkin_record
from patrol.services.rules import checkin_window, is_night, overdue_after, position_note, rollcall_window

__all__ = [
    "AREA_TYPES",
    "Closed",
    "Generated",
    "ZoneProposal",
    "checkin_mark",
    "checkin_record",
    "checkin_window",
    "checkpoint_explain_miss",
    "checkpoint_current_visit",
    "checkpoint_from_code",
    "checkpoint_radius",
    "checkpoint_replace_code",
    "checkpoint_save",
    "checkpoint_signed_code",
    "checkpoint_visit",
    "inspection_save",
    "is_night",
    "overdue_after",
    "patrol_mark_missed",
    "patrols_close_overdue",
    "position_note",
    "rollcall_window",
    "patrol_cancel",
    "patrol_finish",
    "patrol_plan",
    "patrol_set_team",
    "patrol_start",
    "patrols_drop_guard",
    "plan_create",
    "plan_generate",
    "rotation_index",
    "zone_patrol_propose",
    "zone_rotation",
    "zone_unit_list",
]
