"""Cache invalidation for the dashboard (STYLE.md: signals only for decoupled things and cache
invalidation): a change to a record of a past week drops that week's stored and cached trend
figures (bulletins/trends.py), so a late correction shows at once.

Records of the current week leave the completed weeks alone (the current week is cached apart,
for a minute). The drop runs after the transaction commits (a rolled-back change drops nothing,
and a request's own queries stay as they were). Bulk writes (`update()`, `bulk_create`) send no
signals; TREND_STORED_SECONDS bounds those. No receiver runs a query of its own: a check-in's
patrol is read only when already loaded."""
import datetime

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from config.dates import week_start
from disputes.models import Dispute, Tip
from liaison_points.models import LiaisonPoint
from patrol.models import CheckIn, Patrol


def _forget(weeks: set[datetime.date] | None) -> None:
    from bulletins.trends import forget_past_weeks

    transaction.on_commit(lambda: forget_past_weeks(weeks=weeks))


def _forget_if_past(*moments: datetime.datetime | None) -> None:
    current = week_start(timezone.localdate())
    weeks = {week_start(timezone.localdate(m)) for m in moments if m is not None}
    past = {w for w in weeks if w < current}
    if past:
        _forget(past)


@receiver([post_save, post_delete], sender=Patrol, dispatch_uid="bulletins_trends_patrol")
def patrol_changed(sender, instance, **kwargs):
    _forget_if_past(instance.planned_start)


@receiver([post_save, post_delete], sender=CheckIn, dispatch_uid="bulletins_trends_check_in")
def check_in_changed(sender, instance, **kwargs):
    # A check-in counts in its patrol's week; a patrol started late on a Sunday is checked in on the
    # Monday after, hence the day before too when the patrol is not at hand.
    if CheckIn.patrol.is_cached(instance):
        _forget_if_past(instance.patrol.planned_start)
    elif instance.at is not None:
        _forget_if_past(instance.at, instance.at - datetime.timedelta(days=1))


@receiver([post_save, post_delete], sender=Dispute, dispatch_uid="bulletins_trends_dispute")
def dispute_changed(sender, instance, **kwargs):
    _forget_if_past(instance.finished_at)


@receiver([post_save, post_delete], sender=Tip, dispatch_uid="bulletins_trends_tip")
def tip_changed(sender, instance, **kwargs):
    _forget_if_past(instance.verified_at)


@receiver([post_save, post_delete], sender=LiaisonPoint, dispatch_uid="bulletins_trends_point")
def point_changed(sender, instance, **kwargs):
    # Coverage counts the points active now, in every week shown: opening, closing or rezoning a
    # point changes the past weeks too.
    _forget(None)
