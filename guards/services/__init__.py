"""Every write with a business rule in the guards app, one module per area; import from here."""
from guards.services.core import (  # noqa: F401
    guard_bind_user,
    guard_create,
    guard_set_point,
    guard_update,
    guards_reattach,
    manager_bind,
    points_award,
    points_revoke,
)
from guards.services.lifecycle import (  # noqa: F401
    assessments_run,
    equipment_issue,
    equipment_return,
    exam_record,
    guard_remove,
    payout_approve,
    payout_compute,
    roster_approve,
    roster_compile,
    roster_lock,
    roster_move_entry,
    roster_record_attendance,
    roster_return,
    roster_submit,
    rosters_compile,
    training_session_save,
)
