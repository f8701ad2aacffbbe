"""Patrol pages, one module per page family:

- week: the officer's week view with the points' coverage
- detail: patrol detail with roll-call, checkpoints, history and the transitions
- planning: plan one patrol (or a zone patrol), recurring plans
- checkpoints: checkpoints with printable QR codes
- inspections: venue inspections
- guard: the guard's phone pages (my patrols today, a unit-led patrol's start and finish by its
  team leader, checkpoint scan)

Every read goes through patrol.selectors (scoped: outside the viewer's scope is a 404) and every
write through patrol.services, called through `config.forms.attempt`: a refusal becomes field
errors on the bound form, or a message, never a 500."""
from patrol.views.checkpoints import checkpoint_list_view, checkpoint_qr, checkpoint_qr_svg
from patrol.views.detail import patrol_cancel, patrol_detail, patrol_explain_miss, patrol_finish, patrol_mark, patrol_start
from patrol.views.guard import checkpoint_scan, my_check_in, my_patrol_finish, my_patrol_start, my_patrols
from patrol.views.inspections import inspection_create, inspection_list_view, inspection_update
from patrol.views.planning import patrol_create, plan_create_view, plan_list_view
from patrol.views.week import patrol_week

__all__ = [
    "checkpoint_list_view",
    "checkpoint_qr",
    "checkpoint_qr_svg",
    "checkpoint_scan",
    "inspection_create",
    "inspection_list_view",
    "inspection_update",
    "my_check_in",
    "my_patrol_finish",
    "my_patrol_start",
    "my_patrols",
    "patrol_cancel",
    "patrol_create",
    "patrol_detail",
    "patrol_explain_miss",
    "patrol_finish",
    "patrol_mark",
    "patrol_start",
    "patrol_week",
    "plan_create_view",
    "plan_list_view",
]
