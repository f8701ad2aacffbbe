"""Reads of training: sessions with their seats, rosters, exams. Scoped by scope_for(user).apply(...):
outside the scope is 404. A fixed number of queries however many rows."""
from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.scoping import scope_for
from guards.models import Guard
from training.models import (
    CertificateExam,
    RosterEntry,
    TrainingRoster,
    TrainingSession,
)


def training_session_list() -> QuerySet[TrainingSession]:
    """Every session (everyone signed in may read them), each with `seated`: guards on any roster."""
    return TrainingSession.objects.annotate(seated=Count("entries"))


def roster_list_visible_to(*, user) -> QuerySet[TrainingRoster]:
    """Rosters: officers all, managers their company's; guards none. Each with `entry_count`."""
    qs = TrainingRoster.objects.select_related("company", "decided_by").annotate(entry_count=Count("entries"))
    return scope_for(user).apply(qs, company="company_id")


def roster_detail_visible_to(*, user) -> QuerySet[TrainingRoster]:
    """roster_list_visible_to with the entries (guard and session joined) prefetched."""
    entries = RosterEntry.objects.select_related("guard", "session").order_by("session__held_on", "guard__name", "id")
    return roster_list_visible_to(user=user).prefetch_related(Prefetch("entries", queryset=entries))


def roster_unplaced_guards(*, roster: TrainingRoster) -> list[Guard]:
    """The guards compilation could not seat (one query, none when everyone was placed)."""
    if not roster.unplaced:
        return []
    return list(Guard.objects.filter(pk__in=roster.unplaced).only("id", "name", "post").order_by("name", "id"))


def roster_quarter_sessions(*, roster: TrainingRoster) -> list[TrainingSession]:
    """The quarter's sessions with `seated` (all companies) and `company_seated` (this roster), so
    a manager sees where a guard can still be moved. One query."""
    return list(
        TrainingSession.objects.filter(quarter=roster.quarter).annotate(
            seated=Count("entries"), company_seated=Count("entries", filter=Q(entries__roster_id=roster.pk))
        ).order_by("held_on", "id")
    )


def exam_list_visible_to(*, user) -> QuerySet[CertificateExam]:
    qs = CertificateExam.objects.select_related("guard", "guard__company")
    return scope_for(user).apply(qs, company="guard__company_id", guard="guard_id")


def rosters_visible_to(user):
    return scope_for(user).apply(TrainingRoster.objects.select_related("company"), company="company_id")


def roster_counts(qs):
    return qs.annotate(
        entry_count=Count("entries"),
        attended_count=Count("entries", filter=Q(entries__attended=True)),
        absent_count=Count("entries", filter=Q(entries__attended=False)),
        carried_count=Count("entries", filter=Q(entries__carried_over=True)),
    )


def sessions_with_seats(quarter: str):
    """The quarter's sessions, each with `seats_taken` over every company (one query)."""
    return TrainingSession.objects.filter(quarter=quarter).annotate(seats_taken=Count("entries")).order_by("held_on", "id")
