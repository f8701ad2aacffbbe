"""Quarterly assessments of guards, and the equipment they are issued and must return when removed."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.validators import quarter_validator
from guards.models import Guard, SecurityCompany
from liaison_points.models import LiaisonPoint


class Assessment(models.Model):
    class Outcome(models.TextChoices):
        PASS = "pass", _("Pass")
        WARNING = "warning", _("Warning")
        REMOVE = "remove", _("Remove")

    guard = models.ForeignKey(Guard, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("guard"))
    quarter = models.CharField(_("quarter"), max_length=6, validators=[quarter_validator])
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    components = models.JSONField(_("components"), default=dict)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    applied_at = models.DateTimeField(_("outcome applied at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-quarter", "guard__name"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [models.UniqueConstraint(fields=["guard", "quarter"], name="assessment_once_per_quarter")]
        indexes = [models.Index(fields=["quarter", "outcome"], name="assessment_quarter_outcome")]

    def __str__(self) -> str:
        return f"{self.guard} {self.quarter} {self.score}"


class Equipment(models.Model):
    class Kind(models.TextChoices):
        BATON = "baton", _("Baton")
        SHIELD = "shield", _("Shield")
        STEEL_FORK = "fork", _("Steel fork")
        MOTORCYCLE = "motorcycle", _("Patrol motorcycle")
        RADIO = "radio", _("Radio")
        VEST = "vest", _("Stab-proof vest")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        IN_STORE = "in_store", _("In store")
        ISSUED = "issued", _("Issued")
        RECALL = "recall", _("Recall pending")
        LOST = "lost", _("Lost")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    serial_number = models.CharField(_("serial number"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.IN_STORE)
    issued_to_point = models.ForeignKey(LiaisonPoint, on_delete=models.PROTECT, null=True, blank=True, related_name="equipment", verbose_name=_("issued to point"))
    issued_to_guard = models.ForeignKey(Guard, on_delete=models.PROTECT, null=True, blank=True, related_name="equipment", verbose_name=_("issued to guard"))
    issued_on = models.DateField(_("issued on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "serial_number"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        indexes = [models.Index(fields=["status", "kind"], name="equipment_status_kind")]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(issued_to_point__isnull=False) & models.Q(issued_to_guard__isnull=False)),
                name="equipment_one_holder",
                violation_error_message=_("Equipment is issued to a point or to a guard, not both."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.serial_number}"


class EquipmentRecall(models.Model):
    """Opened when a guard holding equipment is removed; tracked until the item comes back."""

    equipment = models.ForeignKey(Equipment, on_delete=models.CASCADE, related_name="recalls", verbose_name=_("equipment"))
    guard = models.ForeignKey(Guard, on_delete=models.PROTECT, related_name="recalls", verbose_name=_("guard"))
    opened_on = models.DateField(_("opened on"))
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["returned_on", "-opened_on"]
        verbose_name = _("equipment recall")
        verbose_name_plural = _("equipment recalls")
        constraints = [
            models.UniqueConstraint(fields=["equipment"], condition=models.Q(returned_on__isnull=True), name="recall_one_open_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.equipment} ← {self.guard}"


class UnitAssessment(models.Model):
    """The quarterly joint assessment of a unit (捆绑考评): its guards' results and its own record,
    with its responsible leader named. The rule is in assessments.joint."""

    class Outcome(models.TextChoices):
        PASS = "pass", _("Pass")
        WARNING = "warning", _("Warning")

    company = models.ForeignKey(SecurityCompany, on_delete=models.CASCADE, related_name="unit_assessments", verbose_name=_("unit"))
    quarter = models.CharField(_("quarter"), max_length=6, validators=[quarter_validator])
    responsible_leader = models.CharField(_("responsible leader"), max_length=64, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    components = models.JSONField(_("components"), default=dict)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-quarter", "company__name"]
        verbose_name = _("unit assessment")
        verbose_name_plural = _("unit assessments")
        constraints = [models.UniqueConstraint(fields=["company", "quarter"], name="unit_assessment_once_per_quarter")]

    def __str__(self) -> str:
        return f"{self.company} {self.quarter} {self.score}"


class Interview(models.Model):
    """An interview and reminder (约谈提醒) after a warning, of a guard or of a unit and its
    responsible leader: held on a date, who attended, what was agreed, a follow-up due date, and
    the follow-up done (on, by, note). Open until followed up."""

    company = models.ForeignKey(SecurityCompany, on_delete=models.CASCADE, related_name="interviews", verbose_name=_("unit"))
    guard = models.ForeignKey(Guard, on_delete=models.CASCADE, null=True, blank=True, related_name="interviews", verbose_name=_("guard"))
    quarter = models.CharField(_("quarter"), max_length=6, validators=[quarter_validator])
    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, null=True, blank=True, related_name="interview", verbose_name=_("guard assessment"))
    unit_assessment = models.OneToOneField(UnitAssessment, on_delete=models.CASCADE, null=True, blank=True, related_name="interview", verbose_name=_("unit assessment"))
    reason = models.CharField(_("reason"), max_length=200)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    attendees = models.CharField(_("who attended"), max_length=300, blank=True)
    agreed = models.TextField(_("what was agreed"), blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    followed_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("followed up by"))
    follow_up_note = models.TextField(_("follow-up"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["followed_up_on", "follow_up_due", "-created_at"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        indexes = [models.Index(fields=["followed_up_on", "company"], name="interview_open_company")]

    def __str__(self) -> str:
        return f"{self.guard or self.company} {self.quarter}"

    @property
    def is_open(self) -> bool:
        return self.followed_up_on is None
