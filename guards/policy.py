"""The office policy row (guards.DutyPolicy), read on every deployability check, so it is cached:
`duty_policy()` answers from the cache (Redis in production, shared by every process) and costs one
query only when the cache is cold; saving or deleting the row (or a test changing the settings
defaults) drops the cached copy, so every process sees a change at once through the shared cache."""
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from guards.models import DutyPolicy

CACHE_KEY = "guards:duty-policy:v1"
CACHE_SECONDS = None  # kept until the row changes: saving or deleting it (ORM, admin) drops the copy
_FIELDS = (*DutyPolicy.GATES, "payouts_enabled", "reward_rounds_enabled", "monthly_training_minimum")


def policy_defaults() -> dict:
    """The policy before the office saved its own: settings.DUTY_POLICY_DEFAULTS and friends."""
    gates = getattr(settings, "DUTY_POLICY_DEFAULTS", {})
    values = {gate: gates.get(gate, DutyPolicy._meta.get_field(gate).default) for gate in DutyPolicy.GATES}
    values["payouts_enabled"] = getattr(settings, "REWARD_PAYOUTS_ENABLED", True)
    values["reward_rounds_enabled"] = getattr(settings, "REWARD_ROUNDS_ENABLED", True)
    values["monthly_training_minimum"] = getattr(settings, "TRAINING_MONTHLY_MINIMUM", 3)
    return values


def duty_policy() -> DutyPolicy:
    """The office policy in force: the saved row, else the defaults (an unsaved instance)."""
    values = cache.get(CACHE_KEY)
    if values is None:
        row = DutyPolicy.objects.filter(pk=1).values(*_FIELDS).first()
        values = row or policy_defaults()
        cache.set(CACHE_KEY, values, CACHE_SECONDS)
    return DutyPolicy(pk=1, **values)


def duty_policy_row() -> DutyPolicy:
    """The row to edit (created from the defaults when the office has none yet)."""
    row, _created = DutyPolicy.objects.get_or_create(pk=1, defaults=policy_defaults())
    return row


@receiver(setting_changed, dispatch_uid="guards_duty_policy_settings_changed")
def _forget_on_settings_change(sender, setting, **kwargs):
    if setting in ("DUTY_POLICY_DEFAULTS", "REWARD_PAYOUTS_ENABLED", "REWARD_ROUNDS_ENABLED", "TRAINING_MONTHLY_MINIMUM"):
        cache.delete(CACHE_KEY)


@receiver(post_save, sender=DutyPolicy, dispatch_uid="guards_duty_policy_saved")
@receiver(post_delete, sender=DutyPolicy, dispatch_uid="guards_duty_policy_deleted")
def _forget_cached_policy(sender, **kwargs):
    cache.delete(CACHE_KEY)
