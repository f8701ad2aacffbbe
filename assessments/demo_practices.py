"""Demo data for how the offices actually work (issue 13), on top of seed_lifecycle: units with
their responsible leaders and three self-employing units, monthly trainings and a drill with
attendance, an approved 3,500-yuan reward round, and the previous quarter's joint assessment of
units: every unit submitted its training roster on time except one, the demo's weak unit, which
also failed four venue inspections (patrol/demo_inspections.py) and so is the one unit with a
warning; its interview is recorded two weeks into the quarter and followed up once its month has
passed (open until then), and a guard's interview is recorded and followed up."""
import datetime

from django.utils import timezone

from assessments.joint import (
    ROSTER_DUE_DAYS,
    interview_follow_up,
    interview_record,
    unit_assessments_run,
)
from assessments.models import Interview
from config.dates import parse_quarter, previous_quarter, quarter_of
from guards.demo import seed_units
from guards.models import SecurityCompany
from liaison_points.demo import demo_rng
from rewards.demo import seed_reward_round
from training.demo import seed_monthly_training
from training.models import TrainingRoster


def demo_weak_unit(*, seed: int) -> SecurityCompany | None:
    """The one unit whose previous quarter goes wrong in the demo: a licensed company, chosen by the
    seed (patrol.demo gives it its failed inspections, seed_office_practices its late roster)."""
    units = list(SecurityCompany.objects.filter(active=True, kind=SecurityCompany.Kind.COMPANY).order_by("pk"))
    return demo_rng(seed, "weak-unit").choice(units) if units else None


def _roster_submission_days(*, seed: int, quarter: str, weak_unit_id: int | None) -> None:
    """The previous quarter's rosters were submitted in its first days (seed_lifecycle submits them
    with today's clock); the weak unit's only after a reminder, past the due day."""
    rng = demo_rng(seed, "roster-days")
    _label, first, _last = parse_quarter(quarter)
    for roster in TrainingRoster.objects.filter(quarter=quarter, submitted_at__isnull=False).order_by("pk"):
        days = ROSTER_DUE_DAYS + 12 if roster.company_id == weak_unit_id else rng.randint(2, ROSTER_DUE_DAYS - 3)
        at = timezone.make_aware(datetime.datetime.combine(first + datetime.timedelta(days=days), datetime.time(rng.randint(9, 16), rng.choice([0, 15, 30, 45]))))
        TrainingRoster.objects.filter(pk=roster.pk).update(submitted_at=at)


def seed_units_first(*, seed: int) -> dict[str, int]:
    """Before rosters are compiled, so the self-employing units get theirs."""
    return seed_units(seed=seed)


def seed_office_practices(*, seed: int, today: datetime.date, officer=None) -> dict[str, int]:
    made = seed_monthly_training(rng=demo_rng(seed, "monthly-training"), today=today, officer=officer)
    made |= seed_reward_round(today=today, officer=officer)
    quarter = previous_quarter(quarter_of(today))
    weak = demo_weak_unit(seed=seed)
    _roster_submission_days(seed=seed, quarter=quarter, weak_unit_id=weak.pk if weak else None)
    counts = unit_assessments_run(quarter=quarter, by=officer)
    made["unit assessments"] = counts["pass"] + counts["warning"]
    made["interviews"] = counts["interviews"]
    _label, _first, last = parse_quarter(quarter)
    # The unit's interview (约谈提醒) two weeks into the quarter, its follow-up due in a month: still
    # open unless the month has passed. A guard's interview the same week, followed up.
    held = min(today, last + datetime.timedelta(days=14))
    unit_interview = Interview.objects.filter(quarter=quarter, guard__isnull=True).select_related("company").order_by("pk").first()
    if unit_interview is not None:
        company = unit_interview.company
        facts = unit_interview.unit_assessment.components.get("facts", {})
        agreed = "、".join(filter(None, [
            "消防通道和安全出口每日巡查，灭火器当月更换" if facts.get("inspections_failed") else "",
            "前台和夜班保安落实旅客实名登记核验" if facts.get("inspections_failed") else "",
            "季度培训名单在季度开始后14日内报送" if not facts.get("roster_on_time") else "",
            "负责人每周报送整改进度",
        ]))
        due = held + datetime.timedelta(days=30)
        interview_record(interview=unit_interview, held_on=held, by=officer,
                         attendees=f"{company.responsible_leader or company.name}（单位负责人）、单位保安队长、辖区派出所民警、联勤办民警",
                         agreed=agreed + "。", follow_up_due=due)
        if due < today:
            interview_follow_up(interview=unit_interview, on=due, by=officer,
                                note="已回访：消防通道清理完毕，实名登记抽查无遗漏，培训名单已按时报送。")
    guard_interview = Interview.objects.filter(quarter=quarter, guard__isnull=False).select_related("company", "guard").order_by("pk").first()
    if guard_interview is not None:
        who = guard_interview.company.responsible_leader or guard_interview.company.name
        interview_record(interview=guard_interview, held_on=held, attendees=f"{guard_interview.guard.name}、{who}、社区民警",
                         agreed="一个月内整改：组织未达标保安员补训，每周报送巡逻参与情况。",
                         follow_up_due=today + datetime.timedelta(days=20), by=officer)
        interview_follow_up(interview=guard_interview, on=today, note="已回访：整改措施落实，补训完成。", by=officer)
    return made
