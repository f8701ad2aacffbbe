"""A venue inspection by the police joint group: a model of the patrol app, in its own module."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guards.models import SecurityCompany
from liaison_points.models import LiaisonPoint, Officer, Township


class VenueInspection(models.Model):
    """An on-site inspection by the police joint group."""

    class Trade(models.TextChoices):
        HOTEL = "hotel", _("Hotel / guest house")
        INTERNET_CAFE = "internet_cafe", _("Internet café")
        ENTERTAINMENT = "entertainment", _("Entertainment venue")
        SECOND_HAND = "second_hand", _("Second-hand / pawn shop")
        LOGISTICS = "logistics", _("Logistics / delivery")
        RENTAL = "rental", _("Rental housing")
        FUEL = "fuel", _("Fuel / hazardous goods")
        OTHER = "other", _("Other")

    class ViolationKind(models.TextChoices):
        FIRE_SAFETY = "fire_safety", _("Fire safety")
        GUEST_REGISTRATION = "registration", _("Guest / real-name registration")
        UNLICENSED = "unlicensed", _("Operating without licence")
        SECURITY_EQUIPMENT = "equipment", _("Security equipment missing")
        OTHER = "other", _("Other")

    venue = models.CharField(_("venue"), max_length=120)
    trade = models.CharField(_("trade"), max_length=20, choices=Trade.choices)
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("township"))
    liaison_point = models.ForeignKey(LiaisonPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="inspections", verbose_name=_("liaison point"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    # The unit answering for the venue's security: its failed inspections count against it in the
    # quarter's joint assessment (assessments/joint.py). PROTECT: a unit with inspections on record is
    # deactivated, not deleted, so its history keeps its name.
    unit = models.ForeignKey(
        SecurityCompany, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections", verbose_name=_("unit"),
        help_text=_("The unit responsible for the venue's security, if any."),
    )
    inspected_on = models.DateField(_("date"))
    inspectors = models.ManyToManyField(Officer, blank=True, related_name="inspections", verbose_name=_("inspectors"))
    violation_found = models.BooleanField(_("violation found"), default=False)
    violation_kind = models.CharField(_("kind of violation"), max_length=20, choices=ViolationKind.choices, blank=True)
    rectification_due = models.DateField(_("rectification due"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("venue inspection")
        verbose_name_plural = _("venue inspections")
        indexes = [
            models.Index(fields=["inspected_on"], name="inspection_day"),
            models.Index(fields=["township", "inspected_on"], name="inspection_township_day"),
            models.Index(fields=["unit", "inspected_on"], name="inspection_unit_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(violation_found=True) | (models.Q(violation_kind="") & models.Q(rectification_due__isnull=True)),
                name="inspection_violation_fields_need_violation",
                violation_error_message=_("A kind of violation or a rectification date needs a violation found."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue} {self.inspected_on}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.violation_found and not self.violation_kind:
            raise ValidationError({"violation_kind": _("Say what kind of violation was found.")})
        if self.rectified_on and not self.violation_found:
            raise ValidationError({"rectified_on": _("Only a violation can be rectified.")})
        if self.rectified_on and self.inspected_on and self.rectified_on < self.inspected_on:
            raise ValidationError({"rectified_on": _("Rectification cannot come before the inspection.")})
