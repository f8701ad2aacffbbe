"""Tips and their attachments: models of the disputes app, in their own module."""

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.activity import ActivityCounts
from config.offline import is_late
from disputes.storage import _private_storage
from guards.models import Guard
from liaison_points.geo import latitude_validators, longitude_validators
from liaison_points.models import LiaisonPoint


class Tip(ActivityCounts):
    class Kind(models.TextChoices):
        CASE_LEAD = "case_lead", _("Case lead")
        HAZARD = "hazard", _("Risk hazard")
        MISSING_PERSON = "missing", _("Missing person")
        SENTIMENT = "sentiment", _("Public sentiment")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        VERIFIED = "verified", _("Verified")
        ACTED = "acted", _("Acted on")
        CLOSED = "closed", _("Closed")
        UNFOUNDED = "unfounded", _("Unfounded")

    OPEN_STATUSES = ("received", "verified", "acted")

    class SourceKind(models.TextChoices):
        GUARD = "guard", _("Guard")
        VOLUNTEER = "volunteer", _("Volunteer")

    class Outcome(models.TextChoices):
        NONE = "", _("None yet")
        CASE_SOLVED = "case_solved", _("Case solved")
        HAZARD_RECTIFIED = "hazard_rectified", _("Hazard rectified")
        PERSON_FOUND = "person_found", _("Person found")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("what was seen"))
    place = models.CharField(_("place"), max_length=200)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=latitude_validators)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=longitude_validators)
    # No index of their own: tip_point_status and tip_guard_received begin with these columns (every
    # tip writes each index it has; issue 14).
    liaison_point = models.ForeignKey(
        LiaisonPoint, on_delete=models.PROTECT, null=True, blank=True, related_name="tips", verbose_name=_("liaison point"),
        db_index=False,
    )
    # Confidential: who passed the tip on. Officers only.
    source_kind = models.CharField(_("source"), max_length=16, choices=SourceKind.choices)
    source_guard = models.ForeignKey(
        Guard, on_delete=models.SET_NULL, null=True, blank=True, related_name="tips", verbose_name=_("source guard"), db_index=False,
    )
    volunteer_name = models.CharField(_("volunteer's name"), max_length=64, blank=True)
    volunteer_phone = models.CharField(_("volunteer's phone"), max_length=32, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("entered by")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("handled by")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True, default="")
    case_number = models.CharField(_("case number"), max_length=40, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    dispute = models.ForeignKey("disputes.Dispute", on_delete=models.SET_NULL, null=True, blank=True, related_name="tips", verbose_name=_("dispute"))
    # Hazards: who rectifies, by when, and when it was done (the photo is a TipAttachment).
    rectification_by = models.CharField(_("rectified by"), max_length=120, blank=True)
    rectification_due = models.DateField(_("rectification due"), null=True, blank=True)
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    # The inbox email, under a lease like the dispute's (config/leases.py).
    notified_at = models.DateTimeField(_("point inbox notified at"), null=True, blank=True)
    notice_claimed_at = models.DateTimeField(_("inbox notice claimed at"), null=True, blank=True)
    notice_attempts = models.PositiveSmallIntegerField(_("failed inbox notice attempts"), default=0, db_default=0)
    notice_next_attempt_at = models.DateTimeField(_("inbox notice retried at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The history is read by tip (id) and time; its copies of the links need no index each (five fewer
    # index writes per tip).
    history = HistoricalRecords(excluded_fields=[
        "updated_at", "notified_at", "notice_claimed_at", "notice_attempts", "notice_next_attempt_at",
    ], no_db_index=["liaison_point", "source_guard", "created_by", "handled_by", "dispute"])

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        indexes = [
            models.Index(fields=["status", "received_at"], name="tip_status_received"),
            models.Index(fields=["liaison_point", "status", "received_at"], name="tip_point_status"),
            models.Index(fields=["kind", "received_at"], name="tip_kind_received"),
            models.Index(fields=["source_guard", "received_at"], name="tip_guard_received"),
            models.Index(fields=["outcome", "finished_at"], name="tip_outcome_finished"),
            models.Index(fields=["received_at"], name="tip_received"),  # the list's default order
            models.Index(fields=["received_at"], name="tip_unnotified", condition=models.Q(notified_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source_kind="guard") | models.Q(source_guard__isnull=False),
                name="tip_guard_source_has_guard",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="case_solved") | ~models.Q(case_number=""),
                name="tip_solved_has_case_number",
                violation_error_message=_("A solved case needs its case number."),
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True) | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="tip_position_both_or_none",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    @property
    def sent_late_at(self):
        """When it reached the office, if the guard's phone kept it offline and sent it later."""
        return self.created_at if is_late(self.received_at, self.created_at) else None

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


def _attachment_path(instance, filename: str) -> str:
    ext = os.path.splitext(filename)[1].lower()[:8]
    return f"tips/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


class TipAttachment(models.Model):
    class Purpose(models.TextChoices):
        REPORT = "report", _("With the report")
        RECTIFICATION = "rectification", _("Rectification")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("tip"))
    file = models.FileField(_("file"), upload_to=_attachment_path, storage=_private_storage, max_length=200)
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.REPORT)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("tip attachment")
        verbose_name_plural = _("tip attachments")

    def __str__(self) -> str:
        return self.original_name
