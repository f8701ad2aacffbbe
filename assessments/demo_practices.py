"""Demo data for how the offices actually work (issue 13), on top of seed_lifecycle: units with
their responsible leaders and three self-employing units, monthly trainings and a drill with
attendance, an approved 3,500-yuan reward round, and the previous quarter's joint assessment of
units with an interview recorded (and one followed up)."""
import datetime

from assessments.joint import (
    interview_follow_up,
    interview_record,
    unit_assessments_run,
)
from assessments.models import Interview
from config.dates import previous_quarter, quarter_of
from guards.demo import seed_units
from liaison_points.demo import demo_rng
from rewards.demo import seed_reward_round
from training.demo import seed_monthly_training


def seed_units_first(*, seed: int) -> dict[str, int]:
    """Before rosters are compiled, so the self-employing units get theirs."""
    return seed_units(seed=seed)


def seed_office_practices(*, seed: int, today: datetime.date, officer=None) -> dict[str, int]:
    made = seed_monthly_training(rng=demo_rng(seed, "monthly-training"), today=today, officer=officer)
    made |= seed_reward_round(today=today, officer=officer)
    quarter = previous_quarter(quarter_of(today))
    counts = unit_assessments_run(quarter=quarter, by=officer)
    made["unit assessments"] = counts["pass"] + counts["warning"]
    made["interviews"] = counts["interviews"]
    interviews = list(Interview.objects.filter(quarter=quarter).order_by("guard_id", "pk")[:2])  # unit interviews first
    held = today - datetime.timedelta(days=10)
    for i, interview in enumerate(interviews):
        who = interview.company.responsible_leader or interview.company.name
        attendees = f"{who}、社区民警" if interview.guard_id is None else f"{interview.guard.name}、{who}、社区民警"
        interview_record(interview=interview, held_on=held, attendees=attendees,
                         agreed="一个月内整改：按时提交季度培训名单，组织未达标保安员补训，每周报送巡逻参与情况。",
                         follow_up_due=today + datetime.timedelta(days=20), by=officer)
        if i == 1:
            interview_follow_up(interview=interview, note="已回访：整改措施落实，补训完成。", by=officer)
    return made
