"""Week aggregates of training and certificates for the weekly bulletin. A fixed number of queries each."""
import datetime

from django.db.models import Count, Q

from guards.models import Guard, SecurityCompany
from training.models import CertificateExam, RosterEntry


def certificate_figures(*, on: datetime.date) -> dict:
    """Certificate rate by company on a day: active guards whose certificate is valid. One query."""
    active = Q(guards__status=Guard.Status.ACTIVE)
    valid = active & Q(guards__certificate_status=Guard.CertificateStatus.VALID, guards__certificate_expires_on__gte=on)
    rows = (
        SecurityCompany.objects.filter(active=True)
        .annotate(guards_active=Count("guards", filter=active), certified=Count("guards", filter=valid))
        .values("id", "name", "guards_active", "certified")
        .order_by("name")
    )
    by_company = [
        {
            "company_id": r["id"], "company": r["name"], "guards": r["guards_active"], "certified": r["certified"],
            "rate": round(100 * r["certified"] / r["guards_active"], 1) if r["guards_active"] else 0.0,
        }
        for r in rows
    ]
    guards = sum(r["guards"] for r in by_company)
    certified = sum(r["certified"] for r in by_company)
    return {"guards": guards, "certified": certified, "rate": round(100 * certified / guards, 1) if guards else 0.0, "by_company": by_company}


def exam_week_figures(*, monday: datetime.date) -> dict:
    sunday = monday + datetime.timedelta(days=6)
    return CertificateExam.objects.filter(taken_on__range=(monday, sunday)).aggregate(
        taken=Count("id"), passed=Count("id", filter=Q(passed=True))
    )


def training_week_figures(*, monday: datetime.date) -> dict:
    """Training sessions held in the week: guards expected, attended, absent. One query."""
    sunday = monday + datetime.timedelta(days=6)
    totals = RosterEntry.objects.filter(session__held_on__range=(monday, sunday)).aggregate(
        n_expected=Count("id"), n_attended=Count("id", filter=Q(attended=True)), n_absent=Count("id", filter=Q(attended=False)),
    )
    return {"expected": totals["n_expected"], "attended": totals["n_attended"], "absent": totals["n_absent"]}
