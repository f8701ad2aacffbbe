"""REST API for patrols, roll-call check-ins, checkpoints, recurring plans and venue inspections
(/api/v1/), one module per resource:

- patrols: list/detail, planning, lifecycle, roll-call and missed-checkpoint actions, check-in
- rollcall: roll-call rows and the check-ins list
- checkpoints: planned checkpoints, checkpoints and the guards' scan
- plans: recurring plans with `generate`, the zone patrol proposal's input and output
- inspections: venue inspections
- coverage: the week's GeoJSON and the points' coverage (actions of the patrols viewset)

Every list and detail goes through the scoping selectors (outside the scope = 404): officers see
the county, a manager the patrols their company's guards are on (and only their own guards'
roll-call), a guard their own patrols. Planning and every state change are officers' @actions that
call one service; a guard checks in (`patrols/<id>/check-in/`) and scans checkpoints
(`checkpoints/scan/`) from the phone. Inspections, checkpoints and plans are police data: officers only."""
from patrol.api.checkpoints import CheckpointViewSet
from patrol.api.common import IsGuard
from patrol.api.inspections import InspectionViewSet
from patrol.api.patrols import PatrolViewSet
from patrol.api.plans import PlanViewSet
from patrol.api.rollcall import CheckInViewSet

__all__ = ["CheckInViewSet", "CheckpointViewSet", "InspectionViewSet", "IsGuard", "PatrolViewSet", "PlanViewSet"]
