"""Week aggregates of training and certificates for the weekly bulletin. A fixed number of queries each."""
import datetime

from django.db.models import Case, Count, F, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Cast

from config.rows import plain_rows
from guards.models import Guard, SecurityCompany
from training.models import CertificateExam, RosterEntry


def certificate_figures_on(*, days: list[datetime.date]) -> dict:
    """certificate_figures on several days at once: {day: figures}. One query."""
    active = Q(guards__status=Guard.Status.ACTIVE)
    valid = {d: active & Q(guards__certificate_status=Guard.CertificateStatus.VALID, guards__certificate_expires_on__gte=d) for d in days}
    rows = list(
        SecurityCompany.objects.filter(active=True)
        .annotate(guards_active=Count("guards", filter=active), **{f"certified_{i}": Count("guards", filter=valid[d]) for i, d in enumerate(days)})
        .values("id", "name", "guards_active", *(f"certified_{i}" for i in range(len(days))))
        .order_by("name")
    )
    out = {}
    for i, day in enumerate(days):
        by_company = [
            {
                "company_id": r["id"], "company": r["name"], "guards": r["guards_active"], "certified": r[f"certified_{i}"],
                "rate": round(100 * r[f"certified_{i}"] / r["guards_active"], 1) if r["guards_active"] else 0.0,
            }
            for r in rows
        ]
        guards = sum(r["guards"] for r in by_company)
        certified = sum(r["certified"] for r in by_company)
        out[day] = {"guards": guards, "certified": certified, "rate": round(100 * certified / guards, 1) if guards else 0.0, "by_company": by_company}
    return out


def certificate_figures(*, on: datetime.date) -> dict:
    """Certificate rate by company on a day: active guards whose certificate is valid. One query."""
    return certificate_figures_on(days=[on])[on]


def exam_weeks_figures(*, mondays: list[datetime.date]) -> dict:
    """Certificate exams taken and passed in each week: {monday: figures}. One query."""
    weeks = {m: Q(taken_on__range=(m, m + datetime.timedelta(days=6))) for m in mondays}
    totals = CertificateExam.objects.aggregate(**{
        f"{k}_{i}": Count("id", filter=weeks[m] & extra) for i, m in enumerate(mondays) for k, extra in (("taken", Q()), ("passed", Q(passed=True)))
    })
    return {m: {"taken": totals[f"taken_{i}"], "passed": totals[f"passed_{i}"]} for i, m in enumerate(mondays)}


def exam_week_figures(*, monday: datetime.date) -> dict:
    return exam_weeks_figures(mondays=[monday])[monday]


def training_weeks_figures(*, mondays: list[datetime.date]) -> dict:
    """Training sessions held in each week: guards expected, attended, absent: {monday: figures}. One query."""
    weeks = {m: Q(session__held_on__range=(m, m + datetime.timedelta(days=6))) for m in mondays}
    totals = RosterEntry.objects.aggregate(**{
        f"{k}_{i}": Count("id", filter=weeks[m] & extra)
        for i, m in enumerate(mondays) for k, extra in (("expected", Q()), ("attended", Q(attended=True)), ("absent", Q(attended=False)))
    })
    return {m: {k: totals[f"{k}_{i}"] for k in ("expected", "attended", "absent")} for i, m in enumerate(mondays)}


def training_week_figures(*, monday: datetime.date) -> dict:
    """Training sessions held in the week: guards expected, attended, absent. One query."""
    return training_weeks_figures(mondays=[monday])[monday]


def _exams_of(exams) -> Case:
    """A guard's exams among `exams` (correlated on the guard): counted only for the guards who
    have one, found once through a hashed IN, so the other guards of the county cost nothing."""
    # An integer, so their sums are too (PostgreSQL sums a bigint count into a numeric, a Decimal per row).
    own = exams.filter(guard=OuterRef("pk")).values("guard").annotate(n=Cast(Count("id"), IntegerField())).values("n")
    return Case(When(pk__in=exams.values("guard_id"), then=Subquery(own)), default=Value(0), output_field=IntegerField())


def exam_by_compound_figures(*, monday: datetime.date) -> list[dict]:
    """Bulletin part 5 the Yanghe way (联勤联防小区及单位保安员证考试情况): by unit and compound —
    the guard's post (小区/院落 or the employer's site, `Guard.post`) — active guards, certified on the
    week's Sunday, and certificate exams taken and passed in the week. Only compounds with an exam
    that week or a guard still uncertified are listed (the rest need nothing). One query."""
    sunday = monday + datetime.timedelta(days=6)
    valid = Q(certificate_status=Guard.CertificateStatus.VALID, certificate_expires_on__gte=sunday)
    # Each guard's exams of the week are counted through the (guard, taken_on) index rather than
    # joined: the join repeats guards, the counts then need DISTINCT, and DISTINCT sorts every
    # guard of the county (issue 14).
    exams = CertificateExam.objects.filter(taken_on__range=(monday, sunday)).order_by()
    rows = plain_rows(
        Guard.objects.filter(status=Guard.Status.ACTIVE, company__active=True)
        .values("company_id", "post")  # grouped on the id and post alone (hashed); the name is sorted on per group, not per guard
        .annotate(
            company_name=Max("company__name"), guards=Count("id"), certified=Count("id", filter=valid),
            taken=Sum(_exams_of(exams)), passed=Sum(_exams_of(exams.filter(passed=True))),
        )
        .filter(Q(taken__gt=0) | Q(certified__lt=F("guards")))  # only the compounds listed leave the database
        .order_by("company_name", "post")
        .values_list("company_id", "company_name", "post", "guards", "certified", "taken", "passed")
    )
    # 4,680 compounds a province week: read as plain rows.
    return [
        {
            "company_id": company_id, "company": company, "compound": post, "guards": guards, "certified": certified,
            "rate": round(100 * certified / guards, 1), "taken": taken, "passed": passed,
        }
        for company_id, company, post, guards, certified, taken, passed in rows
    ]
