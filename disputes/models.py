"""Disputes brought to mediation and tips passed on by guards and volunteers.

Who may see what is decided in disputes/selectors.py: officers see everything; a guard sees what
they reported; managers see none of it (parties and informants are confidential). Workflows live in
disputes/services.py; every change writes a DisputeEvent (the timeline) and a simple-history row."""
import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.offline import is_late
from disputes.parties import DisputeParty  # noqa: F401  (a model of this app, in its own module)
from disputes.storage import _private_storage  # noqa: F401  (migrations name disputes.models._private_storage)
from guards.models import Guard
from liaison_points.geo import latitude_validators, longitude_validators
from liaison_points.models import LiaisonPoint, Township


class DisputeCategory(models.TextChoices):
    NEIGHBOURS = "neighbours", _("Neighbours")
    PROPERTY = "property", _("Property management")
    FAMILY = "family", _("Family")
    LABOUR = "labour", _("Labour")
    LAND = "land", _("Land")
    TRAFFIC = "traffic", _("Traffic")
    CONSUMER = "consumer", _("Consumer")
    OTHER = "other", _("Other")


class Dispute(models.Model):
    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        ACCEPTED = "accepted", _("Accepted")
        MEDIATING = "mediating", _("Mediating")
        RESOLVED = "resolved", _("Resolved")
        ESCALATED = "escalated", _("Escalated")
        CLOSED = "closed", _("Closed without agreement")
        MERGED = "merged", _("Merged into another")

    OPEN_STATUSES = ("reported", "accepted", "mediating")
    FINISHED_STATUSES = ("resolved", "escalated", "closed")

    class ReporterKind(models.TextChoices):
        GUARD = "guard", _("Guard")
        OFFICER = "officer", _("Officer")
        RESIDENT = "resident", _("Resident")

    class EscalatedTo(models.TextChoices):
        POLICE = "police", _("Police")
        COURT = "court", _("Court")
        OTHER = "other", _("Other body")

    category = models.CharField(_("category"), max_length=16, choices=DisputeCategory.choices)
    title = models.CharField(_("summary"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=latitude_validators)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=longitude_validators)
    township = models.ForeignKey(Township, on_delete=models.PROTECT, null=True, blank=True, related_name="disputes", verbose_name=_("township"),
                                 help_text=_("Where the caller said it is, when no map position was given."))
    liaison_point = models.ForeignKey(
        LiaisonPoint, on_delete=models.PROTECT, null=True, blank=True, related_name="disputes", verbose_name=_("liaison point")
    )
    reported_by_kind = models.CharField(_("reported by"), max_length=16, choices=ReporterKind.choices)
    reporting_guard = models.ForeignKey(
        Guard, on_delete=models.SET_NULL, null=True, blank=True, related_name="reported_disputes", verbose_name=_("reporting guard")
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=64, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=32, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("entered by")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REPORTED)
    escalated_to = models.CharField(_("escalated to"), max_length=16, choices=EscalatedTo.choices, blank=True)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, help_text=_("When it was resolved, escalated or closed."))
    first_response_due = models.DateTimeField(_("first response due"))
    resolution_due = models.DateTimeField(_("resolution due"))
    agreement = models.TextField(_("agreement reached"), blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    helped_by = models.ForeignKey(
        Guard, on_delete=models.SET_NULL, null=True, blank=True, related_name="helped_disputes", verbose_name=_("guard who helped")
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from", verbose_name=_("merged into")
    )
    # Emails that follow, each under a lease (config/leases.py): *_notified_at is set only once the
    # email went out; *_claimed_at is the lease of the worker sending it; failures count attempts and
    # back off to *_next_attempt_at, when the periodic sweep tries again.
    notified_at = models.DateTimeField(_("point inbox notified at"), null=True, blank=True)
    notice_claimed_at = models.DateTimeField(_("inbox notice claimed at"), null=True, blank=True)
    notice_attempts = models.PositiveSmallIntegerField(_("failed inbox notice attempts"), default=0, db_default=0)
    notice_next_attempt_at = models.DateTimeField(_("inbox notice retried at"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue notice sent at"), null=True, blank=True)
    overdue_claimed_at = models.DateTimeField(_("overdue notice claimed at"), null=True, blank=True)
    overdue_attempts = models.PositiveSmallIntegerField(_("failed overdue notice attempts"), default=0, db_default=0)
    overdue_next_attempt_at = models.DateTimeField(_("overdue notice retried at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=[
        "updated_at", "notified_at", "notice_claimed_at", "notice_attempts", "notice_next_attempt_at",
        "overdue_notified_at", "overdue_claimed_at", "overdue_attempts", "overdue_next_attempt_at",
    ])

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        indexes = [
            models.Index(fields=["status", "reported_at"], name="dispute_status_reported"),
            models.Index(fields=["liaison_point", "status", "reported_at"], name="dispute_point_status"),
            models.Index(fields=["category", "reported_at"], name="dispute_category_reported"),
            models.Index(fields=["status", "resolution_due"], name="dispute_status_res_due"),
            models.Index(fields=["reported_at"], name="dispute_reported"),  # the list's default order
            models.Index(fields=["status", "first_response_due"], name="dispute_status_first_due"),
            models.Index(fields=["reporting_guard", "reported_at"], name="dispute_guard_reported"),
            models.Index(fields=["latitude", "longitude"], name="dispute_position"),
            models.Index(fields=["reported_at"], name="dispute_unnotified", condition=models.Q(notified_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(latitude__gte=-90, latitude__lte=90), name="dispute_latitude_range"),
            models.CheckConstraint(condition=models.Q(longitude__gte=-180, longitude__lte=180), name="dispute_longitude_range"),
            models.CheckConstraint(
                condition=~models.Q(status="escalated") | ~models.Q(escalated_to=""),
                name="dispute_escalated_has_body",
                violation_error_message=_("An escalated dispute names the body it went to."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="merged") | models.Q(merged_into__isnull=False),
                name="dispute_merged_has_target",
            ),
            models.CheckConstraint(condition=models.Q(latitude__isnull=True, longitude__isnull=True) | models.Q(latitude__isnull=False, longitude__isnull=False),
                                   name="dispute_position_both_or_none"),
            models.CheckConstraint(
                condition=~models.Q(reported_by_kind="guard") | models.Q(reporting_guard__isnull=False),
                name="dispute_guard_report_has_guard",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def sent_late_at(self):
        """When it reached the office, if the guard's phone kept it offline and sent it later."""
        return self.created_at if is_late(self.reported_at, self.created_at) else None

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def overdue_kind(self, now: datetime.datetime | None = None) -> str:
        """'' when on time; 'response' when nobody accepted it in time; 'resolution' when it is still
        open past its resolution date."""
        now = now or timezone.now()
        if self.status == self.Status.REPORTED and now > self.first_response_due:
            return "response"
        if self.status in self.OPEN_STATUSES and now > self.resolution_due:
            return "resolution"
        return ""

    @property
    def is_overdue(self) -> bool:
        return bool(self.overdue_kind())

    # Taken from an address or a township: the map position is to be added. The parties (confidential,
    # officers only) are DisputeParty rows, `party_rows`: prefetch them to read `parties` of many.
    needs_position = property(lambda self: self.latitude is None)
    parties = property(lambda self: [p.as_dict() for p in self.party_rows.all()])


class DisputeEvent(models.Model):
    """One line of a dispute's timeline: who did what, when, from which status to which."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("Reported")
        TRANSITION = "transition", _("Status changed")
        REASSIGNED = "reassigned", _("Reassigned")
        REOPENED = "reopened", _("Reopened")
        MERGED = "merged", _("Merged")
        SESSION = "session", _("Mediation session")
        FOLLOW_UP = "follow_up", _("Follow-up visit")
        TIP_LINKED = "tip_linked", _("Tip linked")
        OVERDUE = "overdue", _("Flagged overdue")
        NOTE = "note", _("Note")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events", verbose_name=_("dispute"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=Dispute.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Dispute.Status.choices, blank=True)
    from_point = models.ForeignKey(LiaisonPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    to_point = models.ForeignKey(LiaisonPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("dispute event")
        verbose_name_plural = _("dispute events")
        indexes = [models.Index(fields=["dispute", "at"], name="dispute_event_dispute_at")]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class MediationSession(models.Model):
    class Result(models.TextChoices):
        AGREEMENT = "agreement", _("Agreement reached")
        PARTIAL = "partial", _("Partial agreement")
        NONE = "none", _("No agreement")
        ADJOURNED = "adjourned", _("Adjourned")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("dispute"))
    held_at = models.DateTimeField(_("held at"))
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("mediator"))
    helping_guard = models.ForeignKey(Guard, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("guard who helped"))
    parties_present = models.TextField(_("parties present"), blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["held_at", "id"]
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")


class DisputeFollowUp(models.Model):
    """A visit due some days after a dispute was resolved, to check the agreement holds."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("dispute"))
    after_days = models.PositiveSmallIntegerField(_("days after resolution"))
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        constraints = [models.UniqueConstraint(fields=["dispute", "after_days"], name="follow_up_once_per_offset")]
        indexes = [models.Index(fields=["due_on"], name="follow_up_due", condition=models.Q(done_at__isnull=True))]


# Tips and their attachments live in their own module; migrations name disputes.models._attachment_path.
from disputes.tips import Tip, TipAttachment, _attachment_path  # noqa: E402,F401
