"""Training: the monthly certificate exam, quarterly training sessions, and each company's
quarterly roster of who trains when."""
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.validators import quarter_validator
from guards.models import Guard, SecurityCompany


class CertificateExam(models.Model):
    """One sitting of the monthly computer exam for the guard certificate."""

    guard = models.ForeignKey(Guard, on_delete=models.CASCADE, related_name="exams", verbose_name=_("guard"))
    taken_on = models.DateField(_("taken on"))
    score = models.PositiveSmallIntegerField(_("score"))
    passed = models.BooleanField(_("passed"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-taken_on", "-id"]
        verbose_name = _("certificate exam")
        verbose_name_plural = _("certificate exams")
        indexes = [models.Index(fields=["taken_on"], name="exam_day"), models.Index(fields=["guard", "taken_on"], name="exam_guard_day")]
        constraints = [models.CheckConstraint(condition=models.Q(score__lte=100), name="exam_score_max_100")]

    def __str__(self) -> str:
        return f"{self.guard} {self.taken_on} {self.score}"


class DutyArea(models.TextChoices):
    PATROL = "patrol", _("Patrol and prevention")
    ASSIST_POLICE = "assist_police", _("Assisting police")
    MEDIATION = "mediation", _("Dispute mediation")
    PUBLICITY = "publicity", _("Safety publicity")
    RESCUE = "rescue", _("Security and rescue")
    REPORTING = "reporting", _("Information reporting")
    VIDEO = "video", _("Video inspection")


class TrainingSession(models.Model):
    """A training session. The quarterly rotation (every guard once a quarter, seated by the
    company's roster) is the default kind; business training (at least monthly), drills (at least
    quarterly), exchange visits and mentoring pairs take attendance directly (SessionAttendance)."""

    class Kind(models.TextChoices):
        ROTATION = "rotation", _("Quarterly rotation training")
        BUSINESS = "business", _("Business training")
        DRILL = "drill", _("Drill")
        EXCHANGE = "exchange", _("Exchange visit")
        MENTORING = "mentoring", _("Mentoring pair")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ROTATION)
    quarter = models.CharField(_("quarter"), max_length=6, validators=[quarter_validator], help_text=_("For example 2027Q1."))
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120)
    subject_areas = models.JSONField(_("subject areas"), default=list)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    trainer = models.CharField(_("trainer"), max_length=64, blank=True)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        indexes = [models.Index(fields=["quarter", "held_on"], name="training_quarter_day")]
        constraints = [models.CheckConstraint(condition=models.Q(capacity__gte=1), name="training_capacity_positive")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.place}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from config.dates import parse_quarter, quarter_of

        errors = {}
        areas = self.subject_areas or []
        if not isinstance(areas, list) or not areas or any(a not in DutyArea.values for a in areas):
            errors["subject_areas"] = _("Choose one or more of the duty areas.")
        try:
            if self.held_on and self.quarter and quarter_of(self.held_on) != parse_quarter(self.quarter)[0]:
                errors["held_on"] = _("The date is not in quarter %(q)s.") % {"q": self.quarter}
        except ValueError:
            pass  # the quarter field reports its own error
        if errors:
            raise ValidationError(errors)


class TrainingRoster(models.Model):
    """A company's quarterly training roster: compiled in draft, moved and submitted by the company's
    manager, approved (or returned with a reason) by an officer, locked once attendance is final."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        LOCKED = "locked", _("Locked")

    company = models.ForeignKey(SecurityCompany, on_delete=models.CASCADE, related_name="rosters", verbose_name=_("company"))
    quarter = models.CharField(_("quarter"), max_length=6, validators=[quarter_validator])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.CharField(_("reason returned"), max_length=300, blank=True)
    unplaced = models.JSONField(_("guards without a seat"), default=list, blank=True)
    compiled_at = models.DateTimeField(_("compiled at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The managers' email, under a lease (config/leases.py): set only once it went out.
    manager_notified_at = models.DateTimeField(_("manager notified at"), null=True, blank=True)
    manager_notice_claimed_at = models.DateTimeField(_("manager notice claimed at"), null=True, blank=True)
    manager_notice_attempts = models.PositiveSmallIntegerField(_("failed manager notice attempts"), default=0, db_default=0)
    manager_notice_next_attempt_at = models.DateTimeField(_("manager notice retried at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["manager_notice_claimed_at", "manager_notice_attempts", "manager_notice_next_attempt_at"])

    class Meta:
        ordering = ["-quarter", "company__name"]
        verbose_name = _("training roster")
        verbose_name_plural = _("training rosters")
        constraints = [models.UniqueConstraint(fields=["company", "quarter"], name="roster_once_per_company_quarter")]
        indexes = [models.Index(fields=["quarter", "status"], name="roster_quarter_status")]

    def __str__(self) -> str:
        return f"{self.company} {self.quarter}"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class RosterEntry(models.Model):
    roster = models.ForeignKey(TrainingRoster, on_delete=models.CASCADE, related_name="entries", verbose_name=_("roster"))
    guard = models.ForeignKey(Guard, on_delete=models.CASCADE, related_name="roster_entries", verbose_name=_("guard"))
    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="entries", verbose_name=_("session"))
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    carried_over = models.BooleanField(_("carried over"), default=False, help_text=_("Missed the previous quarter's training."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["session__held_on", "guard__name"]
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        constraints = [models.UniqueConstraint(fields=["roster", "guard"], name="roster_entry_once_per_guard")]
        indexes = [models.Index(fields=["session", "roster"], name="entry_session_roster")]

    def __str__(self) -> str:
        return f"{self.guard} → {self.session}"


class SessionAttendance(models.Model):
    """Who attended a session that is not the quarterly rotation (recorded by an officer). Attending
    earns training points (once per row) and counts toward the quarter's training in assessments."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("session"))
    guard = models.ForeignKey(Guard, on_delete=models.CASCADE, related_name="session_attendance", verbose_name=_("guard"))
    attended = models.BooleanField(_("attended"), default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["session__held_on", "guard__name"]
        verbose_name = _("session attendance")
        verbose_name_plural = _("session attendance")
        constraints = [models.UniqueConstraint(fields=["session", "guard"], name="attendance_once_per_guard")]
        indexes = [models.Index(fields=["guard", "session"], name="attendance_guard_session")]

    def __str__(self) -> str:
        return f"{self.guard} @ {self.session}"

