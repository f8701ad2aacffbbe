"""Every write with a rule in the disputes app, one module per use case:

- intake: recording disputes and tips and routing them to a liaison point, reassigning (due dates);
- dispute_workflow: the mediation workflow, reopening, merging, sessions, follow-up visits;
- tip_workflow: a tip's outcomes and reopening, a hazard's rectification, linking tips and disputes;
- attachments: a tip's photos and videos;
- notices: the emails that follow (each sent once, claimed through a marker column).

Transitions lock the row first, so of two concurrent requests (a double click, a retry) only one
applies; the other gets a DomainError(conflict=True), which the API answers with 409.

Callers import from `disputes.services`; the tasks look their service up here at call time, so
`mock.patch("disputes.services.<name>")` reaches them."""
from disputes.services.attachments import MAX_ATTACHMENTS_PER_TIP, tip_attachment_add
from disputes.services.dispute_workflow import (
    DISPUTE_TRANSITIONS,
    dispute_merge,
    dispute_reopen,
    dispute_transition,
    follow_up_record,
    mediation_session_add,
)
from disputes.services.intake import dispute_reassign, dispute_report, due_dates, tip_report
from disputes.services.notices import dispute_notify_point, disputes_flag_overdue, pending_notices_send, tip_notices_send, tip_notify_point
from disputes.services.placing import dispute_set_position
from disputes.services.tip_workflow import (
    TIP_TRANSITIONS,
    tip_link_dispute,
    tip_reopen,
    tip_set_rectification,
    tip_start_dispute,
    tip_transition,
)

__all__ = [
    "DISPUTE_TRANSITIONS",
    "MAX_ATTACHMENTS_PER_TIP",
    "TIP_TRANSITIONS",
    "dispute_merge",
    "dispute_notify_point",
    "dispute_reassign",
    "dispute_reopen",
    "dispute_report",
    "dispute_set_position",
    "dispute_transition",
    "disputes_flag_overdue",
    "due_dates",
    "follow_up_record",
    "mediation_session_add",
    "pending_notices_send",
    "tip_attachment_add",
    "tip_link_dispute",
    "tip_notices_send",
    "tip_notify_point",
    "tip_reopen",
    "tip_report",
    "tip_set_rectification",
    "tip_start_dispute",
    "tip_transition",
]
