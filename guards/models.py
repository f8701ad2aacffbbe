import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guards.validators import mask_national_id, validate_national_id, validate_phone
from liaison_points.geo import latitude_validators, longitude_validators
from liaison_points.models import LiaisonPoint


class SecurityCompany(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    licence_number = models.CharField(_("licence number"), max_length=40, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("security company")
        verbose_name_plural = _("security companies")

    def __str__(self) -> str:
        return self.name


class CompanyManager(models.Model):
    """Binds a manager account to the one company it manages."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="manager_profile", verbose_name=_("user"))
    company = models.ForeignKey(SecurityCompany, on_delete=models.CASCADE, related_name="managers", verbose_name=_("company"))
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])

    class Meta:
        verbose_name = _("company manager")
        verbose_name_plural = _("company managers")

    def __str__(self) -> str:
        return f"{self.user} ({self.company})"


class Guard(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REMOVED = "removed", _("Removed")

    class CertificateStatus(models.TextChoices):
        NONE = "none", _("Not yet certified")
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")

    company = models.ForeignKey(SecurityCompany, on_delete=models.PROTECT, related_name="guards", verbose_name=_("company"))
    name = models.CharField(_("name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=32, validators=[validate_phone])
    national_id = models.CharField(_("resident id number"), max_length=18, unique=True, validators=[validate_national_id])
    post = models.CharField(_("post / unit"), max_length=120, help_text=_("Where the guard is stationed."))
    post_address = models.CharField(_("post address"), max_length=200, blank=True)
    post_latitude = models.DecimalField(_("post latitude"), max_digits=9, decimal_places=6, validators=latitude_validators)
    post_longitude = models.DecimalField(_("post longitude"), max_digits=9, decimal_places=6, validators=longitude_validators)
    liaison_point = models.ForeignKey(
        LiaisonPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="guards", verbose_name=_("liaison point")
    )
    point_pinned = models.BooleanField(
        _("point set by an officer"), default=False,
        help_text=_("When set, the guard stays at this point instead of following the nearest active point."),
    )
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)
    certificate_status = models.CharField(_("certificate status"), max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.NONE)
    certificate_expires_on = models.DateField(_("certificate expires on"), null=True, blank=True)
    certificate_issued_on = models.DateField(_("certificate issued on"), null=True, blank=True)
    # Kept by the roster and assessment services so deployability is a check of this row alone.
    training_missed_quarter = models.CharField(
        _("missed training of quarter"), max_length=6, blank=True,
        help_text=_("Set when the guard missed a quarter's training; cleared when a later session is attended."),
    )
    last_assessment_outcome = models.CharField(_("last assessment"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField(_("joined on"), default=datetime.date.today)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="guard_profile", verbose_name=_("sign-in account")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("guard")
        verbose_name_plural = _("guards")
        indexes = [
            models.Index(fields=["company", "status"], name="guard_company_status"),
            models.Index(fields=["liaison_point", "status"], name="guard_point_status"),
            models.Index(fields=["status", "certificate_expires_on"], name="guard_status_cert_expiry"),
            models.Index(fields=["name"], name="guard_name"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(post_latitude__gte=-90, post_latitude__lte=90), name="guard_latitude_range"),
            models.CheckConstraint(condition=models.Q(post_longitude__gte=-180, post_longitude__lte=180), name="guard_longitude_range"),
            models.CheckConstraint(
                condition=~models.Q(certificate_status="valid") | models.Q(certificate_expires_on__isnull=False),
                name="guard_valid_certificate_has_expiry",
                violation_error_message=_("A valid certificate needs an expiry date."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def national_id_masked(self) -> str:
        return mask_national_id(self.national_id)

    def certificate_valid_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (
            self.certificate_status == self.CertificateStatus.VALID
            and self.certificate_expires_on is not None
            and self.certificate_expires_on >= day
        )

    def clean(self):
        from guards.validators import normalize_national_id

        self.national_id = normalize_national_id(self.national_id)
        self.phone = (self.phone or "").strip()


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


def quarter_validator(value: str) -> None:
    from django.core.exceptions import ValidationError

    from config.dates import parse_quarter

    try:
        parse_quarter(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


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
    manager_notified_at = models.DateTimeField(_("manager notified at"), null=True, blank=True)

    history = HistoricalRecords()

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
