from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guards.models import SecurityCompany
from liaison_points.models import Township


class CaseFigure(models.Model):
    """Preventable cases (可防性案件) of one township in one ISO week, entered by an officer or
    imported from the case system's CSV."""

    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="case_figures", verbose_name=_("township"))
    week_start = models.DateField(_("week (Monday)"))
    count = models.PositiveIntegerField(_("preventable cases"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-week_start", "township__code"]
        verbose_name = _("weekly case figure")
        verbose_name_plural = _("weekly case figures")
        constraints = [models.UniqueConstraint(fields=["township", "week_start"], name="case_figure_once_per_week")]
        indexes = [models.Index(fields=["week_start"], name="case_figure_week")]

    def __str__(self) -> str:
        return f"{self.township} {self.week_start}: {self.count}"


class BulletinRecipient(models.Model):
    class Kind(models.TextChoices):
        STATION = "station", _("Police station")
        POINT_OFFICER = "officer", _("Liaison point officer")
        MANAGER = "manager", _("Company manager")
        EXTRA = "extra", _("Other address")

    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.EXTRA)
    company = models.ForeignKey(
        SecurityCompany, on_delete=models.CASCADE, null=True, blank=True, related_name="bulletin_recipients", verbose_name=_("company"),
        help_text=_("Set for a company's managers: their copy shows only their own company in full."),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="zh-hans")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("bulletin recipient")
        verbose_name_plural = _("bulletin recipients")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def clean(self):
        from django.core.exceptions import ValidationError

        self.email = (self.email or "").strip().lower()
        # A manager's copy is filtered to their company; without one they would get the full county copy.
        if self.kind == self.Kind.MANAGER and self.company_id is None:
            raise ValidationError({"company": _("A company manager's copy is made for their company: choose it.")})


class WeeklyBulletin(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")

    week_start = models.DateField(_("week (Monday)"), unique=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    figures = models.JSONField(_("figures"), default=dict)
    officer_suggestions = models.TextField(_("officer's work suggestions"), blank=True)
    compiled_at = models.DateTimeField(_("compiled at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("weekly bulletin")
        verbose_name_plural = _("weekly bulletins")

    def __str__(self) -> str:
        return self.week_label

    @property
    def week_label(self) -> str:
        year, week, _day = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"


class BulletinDelivery(models.Model):
    """One bulletin to one address. Unique per bulletin and address, and claimed before sending, so
    each recipient gets each bulletin once however often the send task runs."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    bulletin = models.ForeignKey(WeeklyBulletin, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("bulletin"))
    recipient = models.ForeignKey(BulletinRecipient, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries")
    email = models.EmailField(_("email"))
    company = models.ForeignKey(SecurityCompany, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["bulletin", "email"]
        verbose_name = _("bulletin delivery")
        verbose_name_plural = _("bulletin deliveries")
        constraints = [models.UniqueConstraint(fields=["bulletin", "email"], name="delivery_once_per_address")]
        indexes = [models.Index(fields=["status", "claimed_at"], name="delivery_status_claimed")]

    def __str__(self) -> str:
        return f"{self.bulletin} → {self.email} ({self.status})"


class TrendWeek(models.Model):
    """The dashboard trends' figures of one completed ISO week (bulletins/trends.py), kept once
    computed, so an empty cache does not recompute eleven weeks of patrols and roll-call. A late
    change to the week's records deletes the row (bulletins/receivers.py) and the next dashboard
    computes it again; a row older than TREND_STORED_SECONDS is computed again too."""

    week_start = models.DateField(_("week starting"), unique=True)
    figures = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        ordering = ["week_start"]
        verbose_name = _("trend week")
        verbose_name_plural = _("trend weeks")

    def __str__(self) -> str:
        return str(self.week_start)
