"""Demo reward round (issue 13): last month's outstanding guards and unit, the Yanghe way —
3,500 yuan to 15 guards and 1 unit (500 to the unit, 200 to each guard), approved."""
import datetime
from decimal import Decimal

from rewards.models import RewardRound
from rewards.services import reward_round_approve, reward_round_create


def seed_reward_round(*, today: datetime.date, officer=None) -> dict[str, int]:
    if RewardRound.objects.exists():
        return {}
    last = today.replace(day=1) - datetime.timedelta(days=1)
    first = last.replace(day=1)
    rnd = reward_round_create(
        by=officer, name=f"{first:%Y年%m月}优秀保安员和优秀单位", starts_on=first, ends_on=last, budget=Decimal("3500"),
        guard_places=15, unit_places=1, unit_award=Decimal("500"),
    )
    reward_round_approve(round=rnd, by=officer)
    return {"reward rounds": 1, "reward round lines": rnd.lines.count()}
