"""A unit-led patrol run by its team leader alone (issue 13: no officer present, the Yanghe zone
patrols): on a 360×740 touch phone the team leader starts the patrol, checks in and finishes it with
the report; the officer's patrol page then shows it done with the counts, and who did it.

The patrol and the team leader's sign-in account are added here, in the seeded site's database
(through `manage.py shell`, like scenario.py), so the other journeys' data stays as it was."""
import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, _manage, assert_fits_phone

pytestmark = pytest.mark.browser

USERNAME = "teamlead_browser"

SETUP = """
import datetime, json
from django.utils import timezone
from accounts.models import User
from guards.models import Guard
from patrol.models import Patrol, PatrolMember

now = timezone.now()
leader = (Guard.objects.filter(status=Guard.Status.ACTIVE, user__isnull=True, liaison_point__isnull=False)
          .select_related("liaison_point", "company").order_by("pk").first())
user = User.objects.create_user(username=%(username)r, password=%(password)r, role="guard", name=leader.name)
leader.user = user
leader.save(update_fields=["user"])
point = leader.liaison_point
patrol = Patrol.objects.create(
    liaison_point=point, lead_company=leader.company, team_leader=leader, kind="foot",
    planned_start=now - datetime.timedelta(minutes=5), planned_end=now + datetime.timedelta(hours=2),
)
PatrolMember.objects.create(patrol=patrol, guard=leader, role="lead")
print(json.dumps({"patrol_id": patrol.pk, "name": leader.name, "unit": leader.company.name,
                  "position": [float(point.latitude), float(point.longitude)]}))
"""


@pytest.fixture(scope="module")
def unit_patrol(site):
    out = _manage(site.env, "shell", stdin=SETUP % {"username": USERNAME, "password": PASSWORD})
    return json.loads(out.strip().splitlines()[-1])


def test_team_leader_starts_checks_in_and_finishes_on_a_phone(open_as, site, unit_patrol):
    pk = unit_patrol["patrol_id"]
    page = open_as(USERNAME, phone=True, position=tuple(unit_patrol["position"]))
    page.on("dialog", lambda dialog: dialog.accept())  # "Finish this patrol? …"
    page.goto(site("/patrols/my/"))

    def card():
        return page.locator(f"section#today-{pk}")

    # start
    expect(card()).to_contain_text(unit_patrol["unit"])
    card().get_by_role("button", name="Start patrol").tap()
    expect(page.locator(".messages")).to_contain_text("The patrol is under way.")
    expect(card().locator(".badge").first).to_contain_text("Under way")
    assert_fits_phone(page)

    # check in (the phone is at the point)
    card().get_by_role("button", name="Check in").tap()
    expect(card().locator(".checked-in")).to_contain_text(re.compile(r"Checked in at \d\d:\d\d: (Present|Late)"))

    # finish with the report
    card().locator("summary", has_text="Finish the patrol").tap()
    form = card().locator(f"form[action='/patrols/my/{pk}/finish/']")
    expect(form).to_be_visible()
    assert_fits_phone(page)
    form.get_by_label("Anti-gambling").check()
    form.get_by_label("The cost of fighting").check()
    form.locator("input[name=people_reached]").fill("35")
    form.locator("input[name=suspects_caught]").fill("1")
    form.locator("input[name=residents_helped]").fill("2")
    form.locator("input[name=three_defences_guided]").fill("6")
    form.get_by_role("button", name="Finish patrol").tap()
    expect(page.locator(".messages")).to_contain_text("The patrol is done")
    expect(card().locator(".badge").first).to_contain_text("Done")
    expect(card().get_by_role("button", name="Start patrol")).to_have_count(0)
    expect(card().locator(f"#finish-{pk}")).to_have_count(0)
    assert_fits_phone(page)

    # the officer's page shows what the team leader reported, and who started and finished it
    office = open_as("officer")
    office.goto(site(f"/patrols/{pk}/"))
    facts = office.locator("dl.facts").first
    expect(facts).to_contain_text("The cost of fighting, Anti-gambling")  # in the choices' order
    expect(facts).to_contain_text("35")
    expect(office.locator(".history")).to_contain_text(unit_patrol["name"])
    expect(office.locator("#roll-call")).to_contain_text(re.compile("Present|Late"))
