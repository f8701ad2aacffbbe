
import pytest

from bulletins.figures import bulletin_figures, manager_copy
from tests import factories as f
from tests.bulletins.conftest import MONDAY, _done_patrol
from tests.factories import local_dt


@pytest.fixture
def figures(known_week):
    return bulletin_figures(monday=MONDAY)


def test_header(figures):
    assert (figures["week"], figures["start"], figures["end"], figures["previous_week"]) == ("2026-W47", "2026-11-16", "2026-11-22", "2026-W46")


def test_part1_cases_by_township_against_week_before(figures):
    rows = {r["township"]: (r["count"], r["previous"], r["change"]) for r in figures["cases"]["by_township"] if r["count"] is not None}
    assert rows == {"城关镇": (5, 3, 2), "石花镇": (2, 4, -2)}
    assert (figures["cases"]["total"], figures["cases"]["previous_total"]) == (7, 7)


def test_part2_patrols_points_under_minimum_and_guard_hours(figures):
    p = figures["patrols"]
    assert p["done"] == 5
    assert p["people_reached"] == 50
    assert p["guards_taking_part"] == 3
    # attended check-ins × hours: busy 3×3 + 1×3 + 1×2 = 14; weak 1×3 + 1×3 = 6
    assert p["guard_hours"] == 20.0
    by_point = {r["code"]: (r["done"], r["planned"], r["guard_hours"], r["below_minimum"]) for r in p["by_point"]}
    assert by_point == {"P1": (3, 3, 14.0, False), "P2": (2, 2, 6.0, True)}
    assert [r["code"] for r in p["below_minimum"]] == ["P2"]
    assert figures["headline"]["patrols_done"] == {"now": 5, "before": 1, "change": 4}


def test_part3_roll_call_by_company(figures):
    rc = figures["roll_call"]
    assert (rc["scheduled"], rc["present"], rc["late"], rc["absent"]) == (9, 6, 1, 2)
    assert rc["attendance_rate"] == round(100 * 7 / 9, 1)
    by = {c["company"]: (c["scheduled"], c["absent"], c["absence_rate"]) for c in rc["by_company"]}
    assert by == {"红盾保安": (6, 1, 16.7), "蓝盾保安": (3, 1, 33.3)}


def test_part4_inspections(figures):
    assert figures["inspections"] == {"count": 158, "violations": 27, "rectified": 20, "rectification_overdue": 0}
    assert figures["headline"]["inspections"] == {"now": 158, "before": 1, "change": 157}


def test_part5_certificates_and_exams(figures):
    c = figures["certificates"]
    by = {r["company"]: (r["guards"], r["certified"], r["rate"]) for r in c["by_company"]}
    assert by["蓝盾保安"] == (2, 1, 50.0)
    assert by["红盾保安"] == (17, 17, 100.0)
    assert c["exams"] == {"taken": 4, "passed": 3}


def test_part6_suggestions_name_the_weakest(figures):
    text = "\n".join(figures["suggestions"])
    assert "石花联勤点（2）" in text
    assert "蓝盾保安 had the highest roll-call absence rate (33.3%" in text
    assert "蓝盾保安's certificate rate is 50.0%" in text
    assert "1 dispute is overdue" in text
    assert "1 liaison point patrolled fewer than 3 times" in text
    assert "石花镇" not in text  # cases fell there; the rise was in 城关镇
    assert "城关镇 (3 → 5)" in text


def test_rewards_disputes_tips_and_top_guards(figures, known_week):
    assert figures["rewards"] == {"guards": 15, "amount": "3500.00"}
    assert figures["disputes"]["new"] == 3
    assert figures["disputes"]["resolved"] == 2
    assert figures["disputes"]["median_days_to_resolve"] == 3.0
    assert figures["disputes"]["overdue"] == 1
    assert figures["tips"] == {"received": 5, "verified": 2, "cases_solved": 1, "hazards_rectified": 1, "people_found": 0}
    assert [(g["guard"], g["points"]) for g in figures["top_guards"]] == [("赵一", 12), ("孙三", 9), ("钱二", 4)]


def test_manager_copy_shows_own_company_in_full_and_others_only_as_totals(figures, known_week):
    copy = manager_copy(figures, company_id=known_week["red"].pk)
    assert [c["company"] for c in copy["roll_call"]["by_company"]] == ["红盾保安"]
    assert [c["company"] for c in copy["certificates"]["by_company"]] == ["红盾保安"]
    assert [g["guard"] for g in copy["top_guards"]] == ["赵一", "钱二"]
    assert copy["roll_call"]["absent"] == 2 and copy["certificates"]["guards"] == 19  # county totals stay
    assert "蓝盾保安" not in repr(copy)


def test_compiling_takes_the_same_number_of_queries_at_two_sizes(known_week, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        bulletin_figures(monday=MONDAY)
    # ten times more patrols, guards and companies
    for i in range(10):
        company = f.SecurityCompanyFactory()
        guards = f.GuardFactory.create_batch(3, company=company)
        point = f.LiaisonPointFactory(township=known_week["north"])
        for day in (16, 18, 20):
            _done_patrol(point, local_dt(2026, 11, day, 19), guards, ["present", "late", "absent"])
    with django_assert_num_queries(len(small.captured_queries)):
        bulletin_figures(monday=MONDAY)
    assert len(small.captured_queries) <= 20
