"""Measures guards_reattach (every guard attached to its nearest active point) on the province:
everything moves, nothing moves, and one busy point closes."""
from dataset import GUARDS
from report import Report, count_queries, timed


def bench_reattach(report: Report, runs: int) -> None:
    from django.db.models import Count

    from guards.models import Guard
    from guards.services import guards_reattach
    from liaison_points.models import LiaisonPoint
    from liaison_points.routing import routing_invalidate

    # Full: every guard unattached, so all 50,000 are computed, loaded and written (with history).
    full, queries = [], None
    for _ in range(max(2, runs // 2)):
        Guard.objects.update(liaison_point=None, point_pinned=False)
        seconds, (q, changed) = timed(lambda: count_queries(guards_reattach))
        full.append(seconds)
        queries = q
    report.add(f"guards_reattach, all {GUARDS:,} guards move", full, queries, f"({changed:,} changed)")

    # Steady state: nothing moved since the last run; every guard is still checked.
    steady = []
    for _ in range(runs):
        seconds, (q, changed) = timed(lambda: count_queries(guards_reattach))
        assert changed == 0
        steady.append(seconds)
    report.add(f"guards_reattach, nothing to change ({GUARDS:,} checked)", steady, q)

    # One point closes: its guards move to their next-nearest point (what a real closure costs).
    busiest = (LiaisonPoint.objects.filter(active=True)
               .annotate(n=Count("guards"))
               .order_by("-n").values_list("pk", flat=True)[:runs])
    closing = []
    for pk in busiest:
        LiaisonPoint.objects.filter(pk=pk).update(active=False)
        routing_invalidate()  # what liaison_point_set_active does through post_save
        seconds, (q, changed) = timed(lambda: count_queries(guards_reattach))
        closing.append(seconds)
        LiaisonPoint.objects.filter(pk=pk).update(active=True)
        routing_invalidate()
        guards_reattach()
    report.add("guards_reattach, one busy point closes", closing, q, f"(last run moved {changed} guards)")
