import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from guards.validators import mask_national_id, validate_national_id, validate_phone
from liaison_points.geo import latitude_validators, longitude_validators
from liaison_points.models import LiaisonPoint


class SecurityCompany(models.Model):
    """A unit that employs guards: a licensed security company, or an employer that hires its own
    guards (社会自招聘保安单位), which holds no security-service licence. Both have managers, guards,
    rosters, payouts and a bulletin copy; only a security company needs a licence number."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Security company")
        SELF_EMPLOYING = "self_employing", _("Self-employing unit")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind of unit"), max_length=16, choices=Kind.choices, default=Kind.COMPANY)
    licence_number = models.CharField(
        _("licence number"), max_length=40, null=True, blank=True,
        help_text=_("Security-service licence; required for a security company, none for a self-employing unit."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    responsible_leader = models.CharField(_("responsible leader"), max_length=64, blank=True)
    responsible_leader_phone = models.CharField(_("responsible leader's phone"), max_length=32, blank=True, validators=[validate_phone])
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["licence_number"], condition=models.Q(licence_number__isnull=False),
                name="company_licence_unique_when_set",
                violation_error_message=_("Another unit has this licence number."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="self_employing") | (models.Q(licence_number__isnull=False) & ~models.Q(licence_number="")),
                name="company_licence_required_for_security_company",
                violation_error_message=_("A security company needs its licence number."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        self.licence_number = (self.licence_number or "").strip() or None
        if self.kind == self.Kind.COMPANY and not self.licence_number:
            from django.core.exceptions import ValidationError

            raise ValidationError({"licence_number": _("A security company needs its licence number.")})


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
        ACTIVE = "active", pgettext_lazy("guard status", "Active")  # 在职, not the generic 启用
        SUSPENDED = "suspended", _("Suspended")
        REMOVED = "removed", _("Removed")

    class CertificateStatus(models.TextChoices):
        NONE = "none", _("Not yet certified")
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")

    company = models.ForeignKey(SecurityCompany, on_delete=models.PROTECT, related_name="guards", verbose_name=_("company"))
    name = models.CharField(_("full name"), max_length=64)  # a person's name: 姓名, not 名称
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


class DutyPolicy(models.Model):
    """The office's own choices, one row (pk 1), edited in the admin: for each duty gate whether it
    blocks a guard from a patrol team or only warns (the warning is shown beside the guard and kept
    on the patrol membership), which reward schemes the office runs, and its monthly training minimum.
    Without the row the defaults come from settings (DUTY_POLICY_DEFAULTS and friends)."""

    class Mode(models.TextChoices):
        BLOCK = "block", _("Block")
        WARN = "warn", _("Warn")

    GATES = ("removed", "suspended", "failed_assessment", "certificate", "training")

    removed = models.CharField(_("removed guard"), max_length=8, choices=Mode.choices, default=Mode.BLOCK)
    suspended = models.CharField(_("suspended guard"), max_length=8, choices=Mode.choices, default=Mode.BLOCK)
    failed_assessment = models.CharField(_("failed the last assessment"), max_length=8, choices=Mode.choices, default=Mode.BLOCK)
    certificate = models.CharField(_("certificate missing, revoked or expired"), max_length=8, choices=Mode.choices, default=Mode.WARN)
    training = models.CharField(_("missed a quarter's training"), max_length=8, choices=Mode.choices, default=Mode.WARN)
    payouts_enabled = models.BooleanField(_("monthly per-point payouts"), default=True)
    reward_rounds_enabled = models.BooleanField(_("reward rounds (top guards and units)"), default=True)
    monthly_training_minimum = models.PositiveSmallIntegerField(
        _("monthly sessions that count as trained"), default=3,
        help_text=_("A guard who attended this many business trainings, drills, exchange visits or mentoring "
                    "sessions in a quarter counts as trained even without the rotation session."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("office policy")
        verbose_name_plural = _("office policy")

    def __str__(self) -> str:
        return str(_("Office policy"))

    def save(self, *args, **kwargs):
        self.pk = 1  # one row
        super().save(*args, **kwargs)
