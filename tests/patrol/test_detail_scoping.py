"""The patrol page shows a manager who visited each checkpoint only for their own company's guards,
as the API does (issue 10, item 5); an officer sees every guard."""
import pytest

from patrol.models import PatrolCheckpoint
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def scanned_patrol(point, officer, guard, other_guard):
    """A patrol with a guard of company A and one of company B, each of whom scanned a checkpoint."""
    patrol = f.PatrolFactory(liaison_point=point, leader=officer.officer_profile)
    f.PatrolMemberFactory(patrol=patrol, guard=guard)
    f.PatrolMemberFactory(patrol=patrol, guard=other_guard)
    for name, who in (("North gate", guard), ("Market", other_guard)):
        cp = f.CheckpointFactory(liaison_point=point, name=name)
        PatrolCheckpoint.objects.create(patrol=patrol, checkpoint=cp, visited_at=patrol.planned_start, visited_by=who)
    return patrol


def _visitors(response) -> dict:
    return {row.checkpoint.name: (row.visited_by.name if row.visited_by else None) for row in response.context["checkpoints"]}


def test_manager_sees_only_own_company_guards_in_checkpoint_visits(client_for, manager, guard, other_guard, scanned_patrol):
    response = client_for(manager).get(f"/patrols/{scanned_patrol.pk}/")

    assert response.status_code == 200
    assert _visitors(response) == {"North gate": guard.name, "Market": None}
    assert other_guard.name not in response.content.decode()


def test_officer_sees_every_guard_in_checkpoint_visits(client_for, officer, guard, other_guard, scanned_patrol):
    response = client_for(officer).get(f"/patrols/{scanned_patrol.pk}/")

    assert _visitors(response) == {"North gate": guard.name, "Market": other_guard.name}
