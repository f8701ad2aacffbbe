"""The weekly bulletin's figures (DESIGN.md §6), composed from each app's week aggregates, each
part against the week before. A fixed number of queries whatever the data size (tested)."""
import datetime

from django.conf import settings
from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.dates import iso_week_label
from config.activity import ACTIVITY_FIELDS
from disputes.figures import dispute_weeks_figures, tip_activity_figures, tip_weeks_figures
from rewards.figures import reward_rounds_week_figures, rewards_weeks_figures, top_guards
from training.figures import certificate_figures_on, exam_by_compound_figures, exam_weeks_figures, training_weeks_figures
from liaison_points.models import Township
from patrol.figures import inspection_weeks_figures, patrol_activity_figures, patrol_weeks_figures, roll_call_weeks_figures

FIGURES_VERSION = 1


def case_figures(*, monday: datetime.date) -> dict:
    """Preventable cases by township for the week and the week before. One query."""
    previous = monday - datetime.timedelta(days=7)
    rows = []
    townships = Township.objects.annotate(
        now=Sum("case_figures__count", filter=Q(case_figures__week_start=monday)),
        before=Sum("case_figures__count", filter=Q(case_figures__week_start=previous)),
    ).order_by("code").values("id", "name", "now", "before")
    for t in townships:
        now, before = t["now"], t["before"]
        rows.append({
            "township_id": t["id"], "township": t["name"], "count": now, "previous": before,
            "change": (now - before) if now is not None and before is not None else None,
        })
    return {
        "by_township": rows,
        "total": sum(r["count"] or 0 for r in rows),
        "previous_total": sum(r["previous"] or 0 for r in rows),
        "reported": sum(1 for r in rows if r["count"] is not None),
    }

def activity_figures(*, monday: datetime.date, patrols: dict | None = None, tips: dict | None = None) -> dict:
    """The activity counts (issue 13: suspects caught, fugitives assisted, residents helped, "three
    defences" guidance) of the patrols done and the tips closed in the week, each with the week
    before and the change. Two queries (one per model, both weeks at once), none when the bulletin
    passes the sums it already has ({"now": …, "before": …} for patrols and tips)."""
    patrols = patrols or patrol_activity_figures(monday=monday)
    tips = tips or tip_activity_figures(monday=monday)
    rows = []
    for name in ACTIVITY_FIELDS:
        now = patrols["now"][name] + tips["now"][name]
        before = patrols["before"][name] + tips["before"][name]
        rows.append({
            "key": name, "patrols": patrols["now"][name], "tips": tips["now"][name], "now": now, "before": before,
            "change": now - before,
        })
    return {"rows": rows, "any": any(r["now"] or r["before"] for r in rows)}


def _weeks(monday: datetime.date, previous: datetime.date) -> tuple[dict, dict]:
    """Every part compared with the week before, for the week and the week before (cases carry
    their own comparison): each app's aggregate runs once for both weeks."""
    mondays = [monday, previous]
    sundays = [m + datetime.timedelta(days=6) for m in mondays]
    patrols, roll_call = patrol_weeks_figures(mondays=mondays, activity=True), roll_call_weeks_figures(mondays=mondays)
    inspections, certificates = inspection_weeks_figures(mondays=mondays), certificate_figures_on(days=sundays)
    exams, disputes, tips = exam_weeks_figures(mondays=mondays), dispute_weeks_figures(mondays=mondays), tip_weeks_figures(mondays=mondays, activity=True)
    training, rewards = training_weeks_figures(mondays=mondays), rewards_weeks_figures(mondays=mondays)
    return tuple({
        "patrols": patrols[m],
        "roll_call": roll_call[m],
        "inspections": inspections[m],
        "certificates": {**certificates[sunday], "exams": exams[m]},
        "disputes": disputes[m],
        "tips": tips[m],
        "training": training[m],
        "rewards": rewards[m],
    } for m, sunday in zip(mondays, sundays))

def _headline(week: dict) -> dict:
    """The few numbers of a week that the bulletin compares with the week before."""
    return {
        "patrols_done": week["patrols"]["done"],
        "guard_hours": week["patrols"]["guard_hours"],
        "guards_taking_part": week["patrols"]["guards_taking_part"],
        "points_below_minimum": len(week["patrols"]["below_minimum"]),
        "roll_call_scheduled": week["roll_call"]["scheduled"],
        "roll_call_absent": week["roll_call"]["absent"],
        "roll_call_far": week["roll_call"]["far"],
        "day_patrols_done": week["patrols"]["day_done"],
        "patrols_missed": week["patrols"]["missed"],
        "attendance_rate": week["roll_call"]["attendance_rate"],
        "inspections": week["inspections"]["count"],
        "violations": week["inspections"]["violations"],
        "rectified": week["inspections"]["rectified"],
        "certificate_rate": week["certificates"]["rate"],
        "exams_taken": week["certificates"]["exams"]["taken"],
        "exams_passed": week["certificates"]["exams"]["passed"],
        "disputes_new": week["disputes"]["new"],
        "disputes_resolved": week["disputes"]["resolved"],
        "disputes_overdue": week["disputes"]["overdue"],
        "tips_received": week["tips"]["received"],
        "tips_verified": week["tips"]["verified"],
        "cases_solved": week["tips"]["cases_solved"],
        "hazards_rectified": week["tips"]["hazards_rectified"],
    }


def bulletin_figures(*, monday: datetime.date) -> dict:
    """Everything the bulletin shows for the ISO week starting `monday`, as JSON-ready data."""
    previous = monday - datetime.timedelta(days=7)
    this_week, last_week = _weeks(monday, previous)
    activity = {part: {"now": this_week[part].pop("activity"), "before": last_week[part].pop("activity")} for part in ("patrols", "tips")}
    now, before = _headline(this_week), _headline(last_week)
    figures = {
        "version": FIGURES_VERSION,
        "week": iso_week_label(monday),
        "start": monday.isoformat(),
        "end": (monday + datetime.timedelta(days=6)).isoformat(),
        "previous_week": iso_week_label(previous),
        "cases": case_figures(monday=monday),
        **this_week,
        "top_guards": top_guards(monday=monday, limit=10),  # the week's only: no headline compares them
        "activity": activity_figures(monday=monday, **activity),
        "exams_by_compound": exam_by_compound_figures(monday=monday),
        "reward_rounds": reward_rounds_week_figures(monday=monday),
        "headline": {k: {"now": now[k], "before": before[k], "change": _change(now[k], before[k])} for k in now},
    }
    figures["suggestions"] = work_suggestions(figures)
    return figures


def _change(now, before):
    if now is None or before is None:
        return None
    return round(now - before, 1) if isinstance(now, float) or isinstance(before, float) else now - before


def work_suggestions(figures: dict) -> list[str]:
    """Suggestions generated from the figures: the weakest points and companies, named."""
    tips = []
    below = figures["patrols"]["below_minimum"]
    if below:
        names = "、".join(f"{p['name']}（{p['done']}）" for p in below[:5])
        tips.append(ngettext(
            "%(n)d liaison point patrolled fewer than %(min)d times: %(names)s. Arrange make-up patrols this week.",
            "%(n)d liaison points patrolled fewer than %(min)d times: %(names)s. Arrange make-up patrols this week.",
            len(below),
        ) % {"n": len(below), "min": figures["patrols"]["minimum"], "names": names})
    absences = [c for c in figures["roll_call"]["by_company"] if c["absent"]]
    if absences:
        worst = max(absences, key=lambda c: (c["absence_rate"], c["absent"]))
        tips.append(_("%(company)s had the highest roll-call absence rate (%(rate)s%%, %(n)d absent). Remind the company of its duty roster.")
                    % {"company": worst["company"], "rate": worst["absence_rate"], "n": worst["absent"]})
    weak = [c for c in figures["certificates"]["by_company"] if c["guards"] and c["rate"] < settings.BULLETIN_CERTIFICATE_TARGET]
    if weak:
        lowest = min(weak, key=lambda c: c["rate"])
        tips.append(_("%(company)s's certificate rate is %(rate)s%% (target %(target)d%%). Enter its guards for the next monthly exam.")
                    % {"company": lowest["company"], "rate": lowest["rate"], "target": settings.BULLETIN_CERTIFICATE_TARGET})
    if figures["disputes"]["overdue"]:
        n = figures["disputes"]["overdue"]
        tips.append(ngettext(
            "%(n)d dispute is overdue. Responsible officers should contact the parties within 24 hours.",
            "%(n)d disputes are overdue. Responsible officers should contact the parties within 24 hours.",
            n,
        ) % {"n": n})
    if figures["inspections"]["rectification_overdue"]:
        n = figures["inspections"]["rectification_overdue"]
        tips.append(ngettext(
            "%(n)d venue violation is past its rectification date. Re-inspect it.",
            "%(n)d venue violations are past their rectification date. Re-inspect them.",
            n,
        ) % {"n": n})
    rising = [r for r in figures["cases"]["by_township"] if r["change"] and r["change"] > 0]
    if rising:
        top = max(rising, key=lambda r: r["change"])
        tips.append(_("Preventable cases rose in %(township)s (%(before)d → %(now)d). Step up night patrols there.")
                    % {"township": top["township"], "before": top["previous"], "now": top["count"]})
    if figures["training"]["absent"]:
        n = figures["training"]["absent"]
        tips.append(ngettext(
            "%(n)d guard missed training this week and is carried to the next session.",
            "%(n)d guards missed training this week; they are carried to the next session.",
            n,
        ) % {"n": n})
    return tips


def manager_copy(figures: dict, *, company_id: int) -> dict:
    """A manager's copy: their own company's lines in full, other companies only as county totals.
    Per-company lists are filtered; county totals stay."""
    copy = {**figures}
    roll = figures["roll_call"]
    copy["roll_call"] = {**roll, "by_company": [c for c in roll["by_company"] if c["company_id"] == company_id]}
    certs = figures["certificates"]
    copy["certificates"] = {**certs, "by_company": [c for c in certs["by_company"] if c["company_id"] == company_id]}
    copy["top_guards"] = [g for g in figures["top_guards"] if g["company_id"] == company_id]
    if "exams_by_compound" in figures:  # bulletins compiled before issue 13 have no such part
        copy["exams_by_compound"] = [r for r in figures["exams_by_compound"] if r["company_id"] == company_id]
    # Generated suggestions name other companies; a manager gets only the county-wide ones about points.
    own = {c["company"] for c in copy["certificates"]["by_company"]} | {c["company"] for c in copy["roll_call"]["by_company"]}
    others = {c["company"] for c in certs["by_company"]} - own
    copy["suggestions"] = [s for s in figures["suggestions"] if not any(name in s for name in others)]
    copy["is_manager_copy"] = True
    return copy
