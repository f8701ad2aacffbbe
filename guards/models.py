import datetime

from django.conf import settings
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
