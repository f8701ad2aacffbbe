"""Run once per browser-test session inside the seeded site (`manage.py shell < scenario.py`): adds
what the journeys need on top of the demo county and prints it as JSON on the last line.

- a patrol of the demo guard under way right now, with one checkpoint, so check-in and the scan
  work whatever the hour (the demo's own patrol of the day starts at 19:00);
- a guard whose post is an XSS probe, shown on the guard page's map."""
import datetime
import json

from django.utils import timezone

from guards.models import CompanyManager, Guard
from patrol.models import Checkpoint, Patrol, PatrolCheckpoint, PatrolMember
from patrol.services import checkpoint_signed_code
from training.models import TrainingRoster

now = timezone.now()
guard = Guard.objects.select_related("liaison_point").get(user__username="guard")
point = guard.liaison_point
checkpoint = Checkpoint.objects.filter(liaison_point=point, active=True).order_by("pk").first()
if checkpoint is None:
    checkpoint = Checkpoint.objects.create(
        liaison_point=point, name="Browser-test gate", latitude=point.latitude, longitude=point.longitude,
    )
patrol = Patrol.objects.create(
    liaison_point=point, leader=point.responsible_officer, kind="foot",
    planned_start=now - datetime.timedelta(minutes=5), planned_end=now + datetime.timedelta(hours=3),
    actual_start=now - datetime.timedelta(minutes=5), status=Patrol.Status.UNDER_WAY,
)
PatrolMember.objects.create(patrol=patrol, guard=guard)
teammate = Guard.objects.filter(liaison_point=point, status=Guard.Status.ACTIVE).exclude(pk=guard.pk).order_by("pk").first()
PatrolMember.objects.create(patrol=patrol, guard=teammate)
PatrolCheckpoint.objects.create(patrol=patrol, checkpoint=checkpoint)

probe = Guard.objects.exclude(pk=guard.pk).filter(status=Guard.Status.ACTIVE).order_by("pk").last()
Guard.objects.filter(pk=probe.pk).update(post="<img src=x onerror=window.__xss=1>")

manager_company = CompanyManager.objects.get(user__username="manager").company_id
rosters = TrainingRoster.objects.order_by("-quarter", "pk")
submitted = rosters.filter(status="submitted").exclude(company_id=manager_company).first()
manager_roster = rosters.filter(status__in=["draft", "returned"], company_id=manager_company).first()

print(json.dumps({
    "submitted_roster_id": submitted and submitted.pk,
    "manager_roster_id": manager_roster and manager_roster.pk,
    "guard_id": guard.pk,
    "patrol_id": patrol.pk,
    "teammate_name": teammate.name,
    "checkpoint_name": checkpoint.name,
    "checkpoint_position": [float(checkpoint.latitude), float(checkpoint.longitude)],
    "scan_path": f"/patrols/scan/{checkpoint_signed_code(checkpoint)}/",
    "xss_guard_id": probe.pk,
}))
