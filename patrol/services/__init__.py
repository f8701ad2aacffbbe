"""Every write with a rule in the patrol app, one module per use-case area:

- planning: one patrol, its team, recurring plans and what they generate, zone proposals
- lifecycle: start, finish, cancel (compare-and-set, so a double click cannot apply twice)
- rollcall: the guard's check-in, the officer's marks, points that follow attendance
- checkpoints: checkpoints, their signed QR codes, scans and missed-checkpoint reasons
- inspections: venue inspections

Callers import from `patrol.services`; the names below are its public face."""
from patrol.services.checkpoints import (
    checkpoint_explain_miss,
    checkpoint_from_code,
    checkpoint_save,
    checkpoint_signed_code,
    checkpoint_visit,
)
from patrol.services.geo import AREA_TYPES
from patrol.services.inspections import inspection_save
from patrol.services.lifecycle import patrol_cancel, patrol_finish, patrol_start
from patrol.services.planning import (
    Generated,
    ZoneProposal,
    patrol_plan,
    patrol_set_team,
    patrols_drop_guard,
    plan_create,
    plan_generate,
    zone_patrol_propose,
)
from patrol.services.rollcall import checkin_mark, checkin_record, checkin_window

__all__ = [
    "AREA_TYPES",
    "Generated",
    "ZoneProposal",
    "checkin_mark",
    "checkin_record",
    "checkin_window",
    "checkpoint_explain_miss",
    "checkpoint_from_code",
    "checkpoint_save",
    "checkpoint_signed_code",
    "checkpoint_visit",
    "inspection_save",
    "patrol_cancel",
    "patrol_finish",
    "patrol_plan",
    "patrol_set_team",
    "patrol_start",
    "patrols_drop_guard",
    "plan_create",
    "plan_generate",
    "zone_patrol_propose",
]
