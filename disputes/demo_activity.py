"""Demo activity counts (issue 13) on some of the tips closed: suspects caught, fugitives assisted,
residents helped, "three defences" guidance. Its own random stream, so the tips the disputes demo
draws stay as they were; a second run changes nothing (only tips without counts are drawn)."""
from config.activity import ACTIVITY_FIELDS, demo_activity
from disputes.models import Tip
from liaison_points.demo import demo_rng


def seed_tip_activity(*, seed: int) -> dict[str, int]:
    if Tip.objects.filter(status=Tip.Status.CLOSED).exclude(suspects_caught=0, fugitives_assisted=0, residents_helped=0, three_defences_guided=0).exists():
        return {}
    rng = demo_rng(seed, "tips-issue-13")
    tips = [t for t in Tip.objects.filter(status=Tip.Status.CLOSED).only("id").order_by("id") if demo_activity(rng, t)]
    Tip.objects.bulk_update(tips, list(ACTIVITY_FIELDS), batch_size=2000)
    return {"tips with activity counts": len(tips)}
