"""Reads of the disputes app. Who sees what:

- officers: every dispute and tip, with parties and the tip's source;
- guards: the disputes and tips they reported themselves (never parties of others, never other
  informants);
- managers and anyone else: nothing (a 404 through these selectors; the views answer 403 first).
"""
import datetime
import math

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.scoping import scope_for
from disputes.models import Dispute, DisputeEvent, DisputeFollowUp, MediationSession, Tip, TipAttachment
from guards.models import Guard
from liaison_points.geo import haversine_m


def can_see_sources(user) -> bool:
    """Parties of a dispute and the source of a tip: officers only, in every interface."""
    return scope_for(user).is_officer


def overdue_q(now: datetime.datetime | None = None) -> Q:
    now = now or timezone.now()
    return Q(status=Dispute.Status.REPORTED, first_response_due__lt=now) | Q(
        status__in=Dispute.OPEN_STATUSES, resolution_due__lt=now
    )


def due_by_q(until: datetime.datetime, now: datetime.datetime | None = None) -> Q:
    """Open disputes overdue at `now` or whose resolution falls due before `until` (the dashboard's
    "due today or overdue", with `until` the end of today)."""
    return overdue_q(now) | Q(status__in=Dispute.OPEN_STATUSES, resolution_due__lt=until)


def dispute_list_visible_to(*, user) -> QuerySet[Dispute]:
    qs = Dispute.objects.select_related("liaison_point__township", "reporting_guard", "helped_by")
    return scope_for(user).apply(qs, guard="reporting_guard_id")


def dispute_list_overdue(*, now: datetime.datetime | None = None) -> QuerySet[Dispute]:
    return Dispute.objects.filter(overdue_q(now)).select_related("liaison_point__responsible_officer__user")


def dispute_timeline(*, dispute: Dispute) -> QuerySet[DisputeEvent]:
    """The dispute's events and those of the duplicates merged into it (a merge keeps both
    histories), oldest first. One query."""
    return (
        DisputeEvent.objects.filter(Q(dispute=dispute) | Q(dispute__merged_into=dispute))
        .select_related("actor", "from_point", "to_point")
        .order_by("at", "id")
    )


def dispute_sessions(*, dispute: Dispute) -> QuerySet[MediationSession]:
    return MediationSession.objects.filter(dispute=dispute).select_related("mediator", "helping_guard")


def dispute_follow_ups(*, dispute: Dispute) -> QuerySet[DisputeFollowUp]:
    return DisputeFollowUp.objects.filter(dispute=dispute).select_related("done_by")


def dispute_possible_duplicates(
    *, latitude, longitude, at: datetime.datetime | None = None, exclude_id: int | None = None, limit: int = 10
) -> list[Dispute]:
    """Open disputes within DISPUTE_DUPLICATE_METRES and DISPUTE_DUPLICATE_DAYS of a place and time,
    nearest first: a bounding box in SQL (indexed), then exact distances in Python."""
    at = at or timezone.now()
    metres = settings.DISPUTE_DUPLICATE_METRES
    lat, lng = float(latitude), float(longitude)
    dlat = metres / 111_320
    dlng = metres / max(1.0, 111_320 * math.cos(math.radians(lat)))
    days = datetime.timedelta(days=settings.DISPUTE_DUPLICATE_DAYS)
    qs = Dispute.objects.filter(
        status__in=Dispute.OPEN_STATUSES,
        latitude__range=(lat - dlat, lat + dlat),
        longitude__range=(lng - dlng, lng + dlng),
        reported_at__range=(at - days, at + days),
    ).select_related("liaison_point")
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    found = []
    for d in qs[:200]:
        d.distance_m = round(haversine_m(lat, lng, float(d.latitude), float(d.longitude)))
        if d.distance_m <= metres:
            found.append(d)
    return sorted(found, key=lambda d: d.distance_m)[:limit]


def tip_list_visible_to(*, user) -> QuerySet[Tip]:
    qs = Tip.objects.select_related("liaison_point__township", "source_guard", "dispute").annotate(
        attachment_count=Count("attachments")
    ).order_by("-received_at", "-id")  # GROUP BY drops Meta.ordering
    return scope_for(user).apply(qs, guard="source_guard_id")


def tip_attachments(*, tip: Tip) -> QuerySet[TipAttachment]:
    return TipAttachment.objects.filter(tip=tip)


def tip_attachment_get_visible_to(*, user, pk: int) -> TipAttachment | None:
    """An attachment the user may download: officers any, a guard those of their own tips."""
    tips = tip_list_visible_to(user=user).values("pk")
    return TipAttachment.objects.filter(pk=pk, tip__in=tips).first()


def tip_history(*, tip: Tip) -> list[dict]:
    """The tip's change history (simple-history), newest first, shaped for the page: status changes
    and outcome, who and when. One query."""
    rows = list(tip.history.select_related("history_user").order_by("-history_date", "-history_id")[:50])
    shaped = []
    for i, row in enumerate(rows):
        older = rows[i + 1] if i + 1 < len(rows) else None
        shaped.append({
            "when": row.history_date,
            "who": row.history_user,
            "created": row.history_type == "+",
            "from_status": Tip.Status(older.status).label if older and older.status != row.status else "",
            "to_status": Tip.Status(row.status).label if (older is None or older.status != row.status) else "",
            "reason": row.history_change_reason or "",
            "reopened": bool(older and older.status in (Tip.Status.CLOSED, Tip.Status.UNFOUNDED) and row.status in Tip.OPEN_STATUSES),
        })
    return shaped


def dispute_queue_counts(*, now: datetime.datetime | None = None) -> dict:
    """Headline figures of the officer queue, in two queries."""
    now = now or timezone.now()
    d = Dispute.objects.aggregate(
        new=Count("pk", filter=Q(status=Dispute.Status.REPORTED)),
        open=Count("pk", filter=Q(status__in=Dispute.OPEN_STATUSES)),
        overdue=Count("pk", filter=overdue_q(now)),
    )
    t = Tip.objects.aggregate(
        new=Count("pk", filter=Q(status=Tip.Status.RECEIVED)),
        open=Count("pk", filter=Q(status__in=Tip.OPEN_STATUSES)),
    )
    return {"disputes": d, "tips": t}


# --- shaped for the pages ------------------------------------------------------------------------


def disputes_with_overdue(rows, *, now: datetime.datetime) -> list[Dispute]:
    """`rows` as a list, each dispute carrying `.overdue` ('', 'response' or 'resolution') for the page."""
    rows = list(rows)
    for d in rows:
        d.overdue = d.overdue_kind(now)
    return rows


def queue_for_officer(*, user, now: datetime.datetime, size: int) -> dict:
    """The officer queue: headline counts, the oldest new disputes, the most overdue, the oldest new tips."""
    disputes = dispute_list_visible_to(user=user)
    return {
        "counts": dispute_queue_counts(now=now),
        "new_disputes": disputes_with_overdue(
            disputes.filter(status=Dispute.Status.REPORTED).order_by("first_response_due", "id")[:size], now=now
        ),
        "overdue_disputes": disputes_with_overdue(disputes.filter(overdue_q(now)).order_by("resolution_due", "id")[:size], now=now),
        "new_tips": list(tip_list_visible_to(user=user).filter(status=Tip.Status.RECEIVED).order_by("received_at", "id")[:size]),
    }


def reports_for_guard(*, user, now: datetime.datetime, size: int) -> dict:
    """A guard's own latest disputes and tips."""
    return {
        "disputes": disputes_with_overdue(dispute_list_visible_to(user=user)[:size], now=now),
        "tips": list(tip_list_visible_to(user=user).prefetch_related("attachments")[:size]),  # their photos' thumbnails
    }


def dispute_list_search(
    *, user, q: str = "", status: str = "", category: str = "", township=None, point=None, overdue: str = "",
    needs_position: str = "", due: str = "", mine: str = "",
) -> QuerySet[Dispute]:
    """The officer's dispute list: words in summary or place, status ('open' for any open one),
    category, township, liaison point, overdue ('yes' / 'no'), position to be added ('yes' / 'no'),
    at the points the user is responsible for (mine='yes'); empty criteria do not filter."""
    qs = dispute_list_visible_to(user=user)
    if q:
        term = q.strip()
        qs = qs.filter(Q(title__icontains=term) | Q(place__icontains=term))
    qs = _in_status(qs, status, open_statuses=Dispute.OPEN_STATUSES)
    if category:
        qs = qs.filter(category=category)
    qs = _at_place(qs, township=township, point=point, mine_of=user if mine == "yes" else None)
    if overdue:
        q_overdue = overdue_q(timezone.now())
        qs = qs.filter(q_overdue) if overdue == "yes" else qs.exclude(q_overdue)
    if needs_position:
        qs = qs.filter(latitude__isnull=needs_position == "yes")
    if due == "today":
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        qs = qs.filter(due_by_q(timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))))
    return qs


def dispute_parties(*, dispute: Dispute) -> list:
    """The party rows of one dispute, in the order they were entered (officers only)."""
    return list(dispute.party_rows.all())


def _in_status(qs: QuerySet, status: str, *, open_statuses) -> QuerySet:
    """`status` '' (any), 'open' (any of `open_statuses`) or one status."""
    if status == "open":
        return qs.filter(status__in=open_statuses)
    return qs.filter(status=status) if status else qs


def _at_place(qs: QuerySet, *, township=None, point=None, mine_of=None) -> QuerySet:
    """`mine_of`: a user; only the liaison points that user is the responsible officer of."""
    if township:
        qs = qs.filter(liaison_point__township=township)
    if point:
        qs = qs.filter(liaison_point=point)
    if mine_of is not None:
        qs = qs.filter(liaison_point__responsible_officer__user=mine_of)
    return qs


def tip_list_search(
    *, user, q: str = "", status: str = "", kind: str = "", outcome: str = "", township=None, point=None, mine: str = "",
) -> QuerySet[Tip]:
    """The officer's tip list: words in the place, status ('open' for any open one), kind, outcome,
    township, liaison point, the points the user is responsible for (mine='yes'); empty criteria
    do not filter."""
    qs = tip_list_visible_to(user=user)
    if q:
        qs = qs.filter(place__icontains=q.strip())
    qs = _in_status(qs, status, open_statuses=Tip.OPEN_STATUSES)
    for name, value in (("kind", kind), ("outcome", outcome)):
        if value:
            qs = qs.filter(**{name: value})
    return _at_place(qs, township=township, point=point, mine_of=user if mine == "yes" else None)


def dispute_tips(*, dispute: Dispute) -> list[Tip]:
    return list(dispute.tips.select_related("liaison_point").order_by("received_at"))


def helping_guard_get(*, pk: int | None) -> Guard | None:
    """The guard named as having helped (by id), or None when none is named or the id is unknown."""
    return Guard.objects.filter(pk=pk).first() if pk else None
