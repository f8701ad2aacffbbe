"""The points ledger and what it pays: point rules, ledger entries (one per activity that counts),
monthly payouts."""
import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guards.models import Guard, SecurityCompany


class PointRule(models.Model):
    """How many points one kind of activity earns (negative for deductions). Officers edit these."""

    class Kind(models.TextChoices):
        PATROL_ATTENDED = "patrol", _("Patrol attended")
        TIP_CONFIRMED = "tip", _("Tip confirmed")
        DISPUTE_HELPED = "dispute", _("Dispute helped")
        TRAINING_ATTENDED = "training", _("Training attended")
        COMMENDATION = "commendation", _("Commendation")
        DEDUCTION = "deduction", _("Deduction")
        PATROL_ABSENT = "absent", _("Absent from patrol")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, unique=True)
    points = models.IntegerField(_("points"))
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.points:+d}"

    NEGATIVE_KINDS = ("deduction", "absent")

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.points is None:
            return
        if self.kind in self.NEGATIVE_KINDS and self.points > 0:
            raise ValidationError({"points": _("A deduction takes points away: enter zero or less.")})
        if self.kind not in self.NEGATIVE_KINDS and self.points < 0:
            raise ValidationError({"points": _("This activity earns points: enter zero or more.")})


class PointEntry(models.Model):
    """One line of the points ledger. Activity-driven entries carry their source (app label, model,
    id) and are unique per guard, kind and source, so crediting the same patrol twice is impossible."""

    guard = models.ForeignKey(Guard, on_delete=models.CASCADE, related_name="point_entries", verbose_name=_("guard"))
    kind = models.CharField(_("kind"), max_length=16, choices=PointRule.Kind.choices)
    points = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    source_type = models.CharField(_("source type"), max_length=40, blank=True, help_text=_("app_label.model of the source record"))
    source_id = models.BigIntegerField(_("source id"), null=True, blank=True)
    occurred_on = models.DateField(_("occurred on"), default=datetime.date.today)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [
            models.Index(fields=["guard", "occurred_on"], name="points_guard_day"),
            # Covers week and month totals per guard (top guards, weekly totals, payouts) without the table.
            models.Index(fields=["occurred_on", "guard", "points"], name="points_day_guard"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["guard", "kind", "source_type", "source_id"],
                condition=models.Q(source_id__isnull=False),
                name="points_once_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guard} {self.points:+d} ({self.get_kind_display()})"


class PayoutRun(models.Model):
    """A month's payout: every guard's points for the month turned into yuan at the office's rate."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Awaiting approval")
        APPROVED = "approved", _("Approved")

    month = models.DateField(_("month"), unique=True, help_text=_("First day of the month."))
    yuan_per_point = models.DecimalField(_("yuan per point"), max_digits=8, decimal_places=2)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    total_points = models.IntegerField(_("total points"), default=0)
    total_amount = models.DecimalField(_("total amount"), max_digits=12, decimal_places=2, default=0)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly payout")
        verbose_name_plural = _("monthly payouts")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class PayoutLine(models.Model):
    run = models.ForeignKey(PayoutRun, on_delete=models.CASCADE, related_name="lines", verbose_name=_("payout"))
    guard = models.ForeignKey(Guard, on_delete=models.PROTECT, related_name="payout_lines", verbose_name=_("guard"))
    company = models.ForeignKey(SecurityCompany, on_delete=models.PROTECT, related_name="payout_lines", verbose_name=_("company"))
    points = models.IntegerField(_("points"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["company__name", "-points", "guard__name"]
        verbose_name = _("payout line")
        verbose_name_plural = _("payout lines")
        constraints = [models.UniqueConstraint(fields=["run", "guard"], name="payout_line_once_per_guard")]
        indexes = [models.Index(fields=["run", "company"], name="payout_run_company")]


class RewardRound(models.Model):
    """A reward round (Yanghe: 3,500 yuan to 15 outstanding guards and 1 outstanding unit, chosen from
    the weekly tallies): for a period and a budget, the top N guards by points and the outstanding
    unit(s), with amounts, approved by an officer. The rules are in rewards.rounds."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Awaiting approval")
        APPROVED = "approved", _("Approved")

    class Split(models.TextChoices):
        EQUAL = "equal", _("Equal shares")
        TIERED = "tiered", _("Three tiers (3 : 2 : 1)")

    class UnitRule(models.TextChoices):
        PER_GUARD = "per_guard", _("Points per active guard")
        TOTAL = "total", _("Total points")

    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    budget = models.DecimalField(_("budget (yuan)"), max_digits=10, decimal_places=2)
    guard_places = models.PositiveSmallIntegerField(_("guards rewarded"), default=15)
    unit_places = models.PositiveSmallIntegerField(_("units rewarded"), default=1)
    unit_award = models.DecimalField(_("award per unit (yuan)"), max_digits=10, decimal_places=2, default=Decimal("500"))
    split = models.CharField(_("guards' shares"), max_length=8, choices=Split.choices, default=Split.EQUAL)
    unit_rule = models.CharField(_("outstanding unit by"), max_length=12, choices=UnitRule.choices, default=UnitRule.PER_GUARD)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    total_amount = models.DecimalField(_("total awarded"), max_digits=12, decimal_places=2, default=0)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-ends_on", "-id"]
        verbose_name = _("reward round")
        verbose_name_plural = _("reward rounds")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="reward_round_period_order"),
            models.CheckConstraint(condition=models.Q(budget__gte=0, unit_award__gte=0), name="reward_round_amounts_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The period cannot end before it starts.")
        if self.budget is not None and self.unit_award is not None and self.unit_places is not None:
            if self.unit_award * self.unit_places > self.budget:
                errors["unit_award"] = _("The unit awards exceed the budget.")
        if not self.guard_places and not self.unit_places:
            errors["guard_places"] = _("Reward at least one guard or one unit.")
        if errors:
            raise ValidationError(errors)


class RewardRoundLine(models.Model):
    """One rewarded guard or unit of a round; `company` is the guard's unit (or the unit itself)."""

    class Kind(models.TextChoices):
        GUARD = "guard", _("Guard")
        UNIT = "unit", _("Unit")

    round = models.ForeignKey(RewardRound, on_delete=models.CASCADE, related_name="lines", verbose_name=_("reward round"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    rank = models.PositiveSmallIntegerField(_("rank"))
    guard = models.ForeignKey(Guard, on_delete=models.PROTECT, null=True, blank=True, related_name="reward_lines", verbose_name=_("guard"))
    company = models.ForeignKey(SecurityCompany, on_delete=models.PROTECT, related_name="reward_lines", verbose_name=_("unit"))
    points = models.IntegerField(_("points"))
    patrols = models.IntegerField(_("patrols attended"), default=0)
    per_guard = models.DecimalField(_("points per active guard"), max_digits=10, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["round", "kind", "rank"]
        verbose_name = _("reward round line")
        verbose_name_plural = _("reward round lines")
        constraints = [
            models.UniqueConstraint(fields=["round", "kind", "rank"], name="reward_line_rank_once"),
            models.CheckConstraint(
                condition=models.Q(kind="unit", guard__isnull=True) | models.Q(kind="guard", guard__isnull=False),
                name="reward_line_guard_iff_guard_kind",
            ),
        ]
        indexes = [models.Index(fields=["round", "company"], name="reward_line_round_company")]
