"""Issue 13 in the weekly bulletin: the activity counts of patrols and tips (with the week before),
part 5 by unit and compound, and the reward-round line — figures with known data, their place in
the web page, print and email, the manager's copy, and the whole bulletin within 20 queries."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bulletins.emails import render_bulletin_email
from bulletins.figures import bulletin_figures, manager_copy
from bulletins.services import bulletin_compile
from patrol.models import Patrol
from rewards.models import RewardRound, RewardRoundLine
from tests import factories as f
from tests.bulletins.conftest import MONDAY, PREVIOUS
from tests.factories import local_dt
from training.models import CertificateExam


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(local_dt(2026, 11, 23, 9), tick=False)  # the Monday after the week (2026-W47)


def _patrol(day, status="done", **counts):
    start = local_dt(2026, 11, day, 19) if day > 0 else local_dt(2026, 10, 31 + day, 19)
    return f.PatrolFactory(status=status, planned_start=start, actual_start=start, actual_end=start + datetime.timedelta(hours=2), **counts)


def _tip(finished, status="closed", **counts):
    return f.TipFactory(status=status, received_at=finished - datetime.timedelta(days=1), finished_at=finished, **counts)


@pytest.fixture
def activity(db, frozen):
    # this week: two patrols done and a closed tip; a cancelled patrol's counts do not count
    _patrol(17, suspects_caught=2, residents_helped=1)
    _patrol(19, residents_helped=3, three_defences_guided=6, fugitives_assisted=1)
    _patrol(20, status="cancelled", suspects_caught=9)
    _tip(local_dt(2026, 11, 18, 15), suspects_caught=1, three_defences_guided=4)
    _tip(local_dt(2026, 11, 18, 16), status="acted", residents_helped=7)  # not closed: not counted
    # the week before: one patrol and one tip
    _patrol(10, suspects_caught=1)
    _tip(local_dt(2026, 11, 12, 10), residents_helped=2)
    # two weeks before: outside both weeks
    _patrol(3, suspects_caught=5)


def test_activity_counts_this_week_and_the_week_before(activity):
    rows = {r["key"]: r for r in bulletin_figures(monday=MONDAY)["activity"]["rows"]}
    assert rows["suspects_caught"] == {"key": "suspects_caught", "patrols": 2, "tips": 1, "now": 3, "before": 1, "change": 2}
    assert (rows["residents_helped"]["patrols"], rows["residents_helped"]["tips"], rows["residents_helped"]["before"]) == (4, 0, 2)
    assert (rows["three_defences_guided"]["now"], rows["three_defences_guided"]["change"]) == (10, 10)
    assert (rows["fugitives_assisted"]["now"], rows["fugitives_assisted"]["before"]) == (1, 0)


def test_activity_counts_in_the_page_print_and_email(activity, client_for, officer):
    bulletin = bulletin_compile(monday=MONDAY)
    _subject, text, html = render_bulletin_email(bulletin=bulletin, language="en")
    assert "Suspects caught: 3 (2 + 1; 1)" in text
    assert "Residents helped" in html and "Fugitives caught with help" in html
    for path in ("/bulletins/2026-W47/", "/bulletins/2026-W47/print/"):
        page = client_for(officer).get(path)
        assert page.status_code == 200 and "指导落实" in page.content.decode() or "Three defences" in page.content.decode()


@pytest.fixture
def compounds(db, frozen):
    """Part 5 the Yanghe way: two compounds of one unit, one of another unit."""
    red, blue = f.SecurityCompanyFactory(name="朱雀保安"), f.SecurityCompanyFactory(name="洋河酒厂", kind="self_employing", licence_number=None)
    expired = MONDAY - datetime.timedelta(days=1)
    g1 = f.GuardFactory(company=red, post="星河小区")
    f.GuardFactory(company=red, post="星河小区", certificate_status="none", certificate_expires_on=None)
    f.GuardFactory(company=red, post="锦绣苑")  # all certified, no exam: nothing to report
    g4 = f.GuardFactory(company=blue, post="酒厂东门", certificate_expires_on=expired)
    for guard, passed in [(g1, True), (g4, False), (g4, True)]:
        CertificateExam.objects.create(guard=guard, taken_on=MONDAY + datetime.timedelta(days=2), score=80 if passed else 40, passed=passed)
    CertificateExam.objects.create(guard=g4, taken_on=PREVIOUS, score=30, passed=False)  # the week before
    return red, blue


def test_part5_by_unit_and_compound(compounds):
    red, blue = compounds
    rows = [(r["company"], r["compound"], r["guards"], r["certified"], r["taken"], r["passed"]) for r in bulletin_figures(monday=MONDAY)["exams_by_compound"]]
    assert sorted(rows) == sorted([("洋河酒厂", "酒厂东门", 1, 0, 2, 1), ("朱雀保安", "星河小区", 2, 1, 1, 1)])


def test_part5_in_the_manager_copy_is_their_own_unit_only(compounds):
    red, _blue = compounds
    copy = manager_copy(bulletin_figures(monday=MONDAY), company_id=red.pk)
    assert [r["compound"] for r in copy["exams_by_compound"]] == ["星河小区"]


@pytest.fixture
def reward_round(db, frozen):
    red = f.SecurityCompanyFactory(name="玄武保安")
    guards = f.GuardFactory.create_batch(3, company=red)
    approved = RewardRound.objects.create(
        name="十一月", starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2026, 11, 14), budget=Decimal("3500"),
        status="approved", approved_at=local_dt(2026, 11, 18, 10), total_amount=Decimal("1100"),
    )
    for rank, g in enumerate(guards, start=1):
        RewardRoundLine.objects.create(round=approved, kind="guard", rank=rank, guard=g, company=red, points=30 - rank, amount=Decimal("200"))
    RewardRoundLine.objects.create(round=approved, kind="unit", rank=1, company=red, points=90, amount=Decimal("500"))
    RewardRound.objects.create(  # a draft names nobody yet
        name="草稿", starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2026, 11, 14), budget=Decimal("3500"),
    )
    return approved


def test_the_reward_round_line(reward_round):
    figures = bulletin_figures(monday=MONDAY)
    assert figures["reward_rounds"] == {"rounds": 1, "guards": 3, "units": 1, "amount": "1100.00"}
    _subject, text, html = render_bulletin_email(bulletin=bulletin_compile(monday=MONDAY), language="en")
    line = "Reward rounds approved this week: 1, 1100.00 yuan to 3 outstanding guards and 1 outstanding units."
    assert line in text and line in html


def test_the_whole_bulletin_stays_within_20_queries(known_week, activity, compounds, reward_round):
    with CaptureQueriesContext(connection) as queries:
        bulletin_figures(monday=MONDAY)
    assert len(queries.captured_queries) <= 20, [q["sql"][:120] for q in queries.captured_queries]
