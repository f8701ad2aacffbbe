from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from liaison_points.geo import latitude_validators, longitude_validators, parse_geojson_geometry


class Township(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("township")
        verbose_name_plural = _("townships")

    def __str__(self) -> str:
        return self.name


class Zone(models.Model):
    """A named group of nearby units of a kind (the Yanghe pattern), optionally with an area."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    description = models.TextField(_("description"), blank=True)
    area = models.JSONField(_("area (GeoJSON polygon)"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        try:
            self.area, _geom = parse_geojson_geometry(self.area)
        except ValidationError as exc:
            raise ValidationError({"area": exc.messages}) from None


class PoliceStation(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="stations", verbose_name=_("township"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("police station")
        verbose_name_plural = _("police stations")

    def __str__(self) -> str:
        return self.name


class Officer(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer_profile", verbose_name=_("user"))
    station = models.ForeignKey(PoliceStation, on_delete=models.SET_NULL, null=True, blank=True, related_name="officers", verbose_name=_("police station"))
    badge_number = models.CharField(_("badge number"), max_length=16, unique=True, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        ordering = ["user__name", "user__username"]
        verbose_name = _("officer")
        verbose_name_plural = _("officers")

    def __str__(self) -> str:
        return str(self.user)

    def save(self, *args, **kwargs):
        self.badge_number = self.badge_number or None  # blank badges must not collide on UNIQUE
        super().save(*args, **kwargs)


class LiaisonPoint(models.Model):
    class Kind(models.TextChoices):
        CENTRAL = "central", _("Central police office")
        PATROL_POST = "post", _("Patrol post")
        KEY_UNIT = "unit", _("Key unit")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PATROL_POST)
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="liaison_points", verbose_name=_("township"))
    zone = models.ForeignKey(Zone, on_delete=models.SET_NULL, null=True, blank=True, related_name="liaison_points", verbose_name=_("zone"))
    station = models.ForeignKey(PoliceStation, on_delete=models.PROTECT, related_name="liaison_points", verbose_name=_("police station"))
    responsible_officer = models.ForeignKey(
        Officer, on_delete=models.SET_NULL, null=True, blank=True, related_name="liaison_points", verbose_name=_("responsible officer")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, validators=latitude_validators)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, validators=longitude_validators)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    inbox_emails = models.TextField(
        _("shared inbox"), blank=True, help_text=_("Addresses that receive this point's new items, one per line or comma-separated.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("liaison point")
        verbose_name_plural = _("liaison points")
        indexes = [
            models.Index(fields=["active", "township"], name="lp_active_township"),
            models.Index(fields=["zone"], name="lp_zone"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(latitude__gte=-90, latitude__lte=90), name="lp_latitude_range"),
            models.CheckConstraint(condition=models.Q(longitude__gte=-180, longitude__lte=180), name="lp_longitude_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
