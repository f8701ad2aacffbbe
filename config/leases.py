"""Sending a notice at least once and normally exactly once: the lease pattern of the bulletin's
deliveries (STYLE.md, "Celery tasks"), for a notice kept as columns on the row it is about.

    sent          set only after the send succeeded (the notice is done)
    claimed       set by the one caller whose conditional update won; a lease, not a verdict
    attempts      failed sends so far
    next_attempt  when a failed notice is due again (exponential back-off)

`claim` wins only on a row not sent, not under a live lease and due; `succeed` sets `sent` and
clears the lease; `fail` clears the lease, counts the attempt and pushes `next_attempt` out. A
worker that dies between claim and succeed leaves a lease that expires after NOTICE_LEASE_SECONDS,
and the periodic sweep claims the row again: so a notice is never lost, and is sent twice only if
a worker dies after the mail server accepted it and before `sent` was written."""
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone


@dataclass(frozen=True)
class Lease:
    sent: str
    claimed: str
    attempts: str
    next_attempt: str

    def pending_q(self, now: datetime.datetime | None = None) -> Q:
        """Rows whose notice is not sent, not under a live lease, and due (never failed, or back-off over)."""
        now = now or timezone.now()
        lease_start = now - datetime.timedelta(seconds=settings.NOTICE_LEASE_SECONDS)
        return (
            Q(**{f"{self.sent}__isnull": True})
            & (Q(**{f"{self.claimed}__isnull": True}) | Q(**{f"{self.claimed}__lt": lease_start}))
            & (Q(**{f"{self.next_attempt}__isnull": True}) | Q(**{f"{self.next_attempt}__lte": now}))
        )

    def claim(self, model, pk: int, *, now: datetime.datetime | None = None, **extra_filter) -> bool:
        """Take the lease on row `pk` if its notice is pending; True for the one caller that wins."""
        now = now or timezone.now()
        return bool(model.objects.filter(self.pending_q(now), pk=pk, **extra_filter).update(**{self.claimed: now}))

    def claim_many(self, queryset, *, limit: int, now: datetime.datetime | None = None) -> list[int]:
        """Take the lease on up to `limit` pending rows of `queryset` (oldest pk first); the pks this
        caller won. PostgreSQL: the rows are locked while claimed and rows another caller holds are
        skipped, so two callers never win the same row. Elsewhere (SQLite: one writer at a time) row
        by row, as `claim`."""
        from django.db import connection, transaction

        now = now or timezone.now()
        pending = queryset.filter(self.pending_q(now)).order_by("pk")
        if not connection.features.has_select_for_update_skip_locked:
            return [pk for pk in pending.values_list("pk", flat=True)[:limit] if self.claim(queryset.model, pk, now=now)]
        with transaction.atomic():
            pks = list(pending.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            queryset.model.objects.filter(pk__in=pks).update(**{self.claimed: now})
        return pks

    def succeed_many(self, model, pks: list[int]) -> None:
        if pks:
            model.objects.filter(pk__in=pks).update(**{self.sent: timezone.now(), self.claimed: None, self.next_attempt: None})

    def succeed(self, model, pk: int) -> None:
        model.objects.filter(pk=pk).update(**{self.sent: timezone.now(), self.claimed: None, self.next_attempt: None})

    def fail(self, model, pk: int) -> datetime.datetime:
        """Release the lease and schedule the next attempt; returns when it is due."""
        row = model.objects.filter(pk=pk).values(self.attempts).first() or {self.attempts: 0}
        due = timezone.now() + datetime.timedelta(seconds=backoff_seconds(row[self.attempts] + 1))
        model.objects.filter(pk=pk).update(
            **{self.claimed: None, self.attempts: F(self.attempts) + 1, self.next_attempt: due}
        )
        return due

    def reset(self) -> dict:
        """Field values that make the notice pending again (e.g. when a roster becomes the manager's again)."""
        return {self.sent: None, self.claimed: None, self.attempts: 0, self.next_attempt: None}


def backoff_seconds(attempts: int) -> int:
    """Delay before the next try after `attempts` failures: NOTICE_RETRY_BASE_SECONDS doubling per
    failure, capped at NOTICE_RETRY_MAX_SECONDS."""
    return min(settings.NOTICE_RETRY_MAX_SECONDS, settings.NOTICE_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1))
